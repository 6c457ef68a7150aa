"""The Python side of chainmodel's WebSocket interop tests (tests/websocket_python.rs): a
truss-chains WebSocket chainlet served by truss's real server (truss_server.py), the twin of the
Rust `Echo` in tests/websocket.rs.

`Echo.run_remote(websocket)` reads messages with `WebSocketProtocol.receive()` (text or bytes):
the text `close` returns (truss closes with 1000), `fail` raises (truss closes with 1011), any
other text is sent back with `send_text`, bytes with `send_bytes`; `json` reads the next message
with `receive_json()` and answers `send_json` of it with `times` doubled.
"""

import truss_chains as chains


class Echo(chains.ChainletBase):
    async def run_remote(self, websocket: chains.WebSocketProtocol) -> None:
        while True:
            message = await websocket.receive()
            if message == "close":
                return
            if message == "fail":
                raise ValueError("echo failed")
            if message == "json":
                greeting = await websocket.receive_json()
                greeting["times"] *= 2
                await websocket.send_json(greeting)
            elif isinstance(message, str):
                await websocket.send_text(message)
            else:
                await websocket.send_bytes(message)
