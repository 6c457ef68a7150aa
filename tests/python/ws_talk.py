"""A Python WebSocket client for chainmodel's interop tests (tests/websocket_python.rs), with
the `websockets` library truss's server itself runs on (uvicorn's protocol).

Usage: ws_talk.py WS_URL  (reads JSON lines on stdin)

Each stdin line is one message to send, `{"text": "..."}` or `{"bytes_b64": "..."}`; after each
(unless the line says `"no_reply": true`) the script waits for one event and prints it as a JSON
line: `{"text": ...}` or
`{"bytes_b64": ...}` for a message, `{"close": CODE, "reason": "..."}` when the server closes
(then it exits 0). At the end of stdin it closes with 1000 itself and prints
`{"closed_by_client": true}`. A refused handshake prints `{"refused": STATUS}` and exits 2.
A watchdog ends the script (exit 3) after 60 s. Only the URL given is contacted (the tests give
a loopback one).
"""

import asyncio
import base64
import faulthandler
import json
import sys

import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus


def emit(obj: dict) -> None:
    print(json.dumps(obj), flush=True)


async def main(url: str) -> int:
    try:
        connection = await websockets.connect(url, max_size=None, open_timeout=30)
    except InvalidStatus as refused:
        emit({"refused": refused.response.status_code})
        return 2
    async with connection:
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            message = json.loads(line)
            try:
                if "text" in message:
                    await connection.send(message["text"])
                else:
                    await connection.send(base64.b64decode(message["bytes_b64"]))
                if message.get("no_reply"):
                    continue
                answer = await connection.recv()
            except ConnectionClosed as closed:
                frame = closed.rcvd
                emit({"close": frame.code if frame else 1006, "reason": frame.reason if frame else ""})
                return 0
            if isinstance(answer, str):
                emit({"text": answer})
            else:
                emit({"bytes_b64": base64.b64encode(answer).decode()})
        await connection.close(1000)
        emit({"closed_by_client": True})
    return 0


if __name__ == "__main__":
    faulthandler.dump_traceback_later(60, exit=True)
    sys.exit(asyncio.run(main(sys.argv[1])))
