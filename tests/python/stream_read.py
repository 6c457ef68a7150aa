"""Reads a chainlet's stream the way truss-chains' own Python stub reads it, for the Rust
streaming tests: the same reader against truss's real server (chains/streams.py on
truss_server.py) and against the Rust server (the Rust example `Streamer`), so that both are
held to what truss's client accepts.

Usage:
    stream_read.py URL --mode typed|raw|text|aiohttp-raw|aiohttp-typed [--binary] [--accept A]
                   [--prompt P] [--n N] [--pause-after K --pause S] [--timeout S]

URL is a chainlet's base URL, `http://127.0.0.1:PORT`; the predict route
`/v1/models/model:predict` is appended. The stub classes are not written by hand: truss_chains'
code generation writes them (`code_gen._gen_stub_src`, the stub `truss chains push` puts into
a depending chainlet's model.py) from chains/streams.py's `Streamer` and `TextStreamer`, and
each is made with `StubBase.from_url(predict_url, API_KEY, options=RPCOptions(use_binary=..))`.
Its `run_remote` calls `predict_async_stream(StreamerInput(prompt=.., n=..))` (JSON, or
msgpack with --binary) and iterates the aiohttp response's `content.iter_any()`.

Modes (each prints JSON lines on stdout, flushed one by one):

- `typed`: the generated `Streamer` stub, `{"prompt": P, "n": N}` (P defaults to "hello"),
  its bytes read with truss_chains' `streaming.stream_reader(stream_types(StreamItem,
  header_type=StreamHeader, footer_type=StreamFooter), ..)` as the streaming docs do:
  `read_header()`, `async for item in read_items()`, `read_footer()`. One line per frame:
  `{"header": {"prompt": ..}}`, `{"item": {"index": .., "token": ..}}`, `{"footer": {"count": ..}}`.
- `raw`: the generated `Streamer` stub (P defaults to "raw"); one `{"chunk": TEXT}` line per
  chunk aiohttp hands over, each decoded as UTF-8 on its own: `data.decode()`, what the
  generated stub of an `AsyncIterator[str]` endpoint does with each chunk (code_gen.py,
  `_stub_endpoint_body_src`: `yield data.decode()`). aiohttp may hand over several HTTP chunks
  at once, or a part of one: a line is what one `iter_any()` step returned.
- `text`: the generated `TextStreamer` stub, `{"text": P, "pieces": N}` (P defaults to
  "hello"); its `run_remote` itself yields `data.decode()`: one `{"chunk": TEXT}` line each.
- `aiohttp-raw`: no stub, plain aiohttp: `POST` of `{"prompt": P, "n": N}` (JSON, or msgpack
  with --binary; P defaults to "raw"), `resp.content.iter_any()` to the end (--pause-after
  counts its steps here); then one line `{"chunks": K, "bytes": B}` (once the answer is a
  2xx, also when reading its body failed), then `{"end": "clean"}`. A non-2xx answer is an
  error (`{"error": "HTTPStatus", "message": "<status>: <body>"}`). This is the
  check that aiohttp fails a chunked body that ends without its terminating 0-chunk
  (`aiohttp.ClientPayloadError`, "Response payload is not completed") and reads one that has it
  to a clean end.

- `aiohttp-typed`: plain aiohttp as `aiohttp-raw` (with `--accept A`, an `Accept: A` header),
  the answer's `content.iter_any()` read by `stream_reader` as in `typed`, with its lines. The
  check that Python's reader refuses chainmodel's binary frames (asked for with `--accept
  application/vnd.chainmodel.frames+msgpack`) at once rather than misreading them.

On any exception (an HTTP error the stub re-raises as the remote error, a stream that ends
early, a frame that does not parse, a chunk that is not UTF-8, a timeout): one line
`{"error": "<exception class name>", "message": "<str(exception)>"}`, exit 2. A clean end:
exit 0. (argparse's usage errors exit 2 too, with no JSON line.)

--n defaults to 3. --pause-after K --pause S (default 1.0 s): after the K-th line of
frames/chunks, sleep S seconds before reading on (a slow reader: the server must hold or
buffer the rest). --binary: `RPCOptions(use_binary=True)`, msgpack request body (the stream's
bytes are not msgpack either way). --timeout (default 60 s): the stub's `timeout_sec`
(aiohttp's total timeout of the request, the stream's reading included); a watchdog ends the
script (exit 1, traceback on stderr) if it is still running `timeout + pause + 30` seconds in.

The API key sent (`Authorization: Api-Key ...`) is truss_server.py's test key,
`chainmodel-test-key`; truss's server does not check it.
"""

import argparse
import asyncio
import faulthandler
import json
import pathlib
import sys
import types

CHAINS_DIR = pathlib.Path(__file__).resolve().parent / "chains"
sys.path.insert(0, str(CHAINS_DIR))
# No __pycache__ in chains/: code generation copies that directory into each chainlet's truss.
sys.dont_write_bytecode = True

PREDICT_ROUTE = "/v1/models/model:predict"
API_KEY = "chainmodel-test-key"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the chainlet's base URL, http://127.0.0.1:PORT")
    parser.add_argument("--mode", required=True, choices=("typed", "raw", "text", "aiohttp-raw", "aiohttp-typed"))
    parser.add_argument("--accept", help="an Accept header (--mode aiohttp-raw, aiohttp-typed)")
    parser.add_argument("--binary", action="store_true", help="binary mode: msgpack request body")
    parser.add_argument("--prompt", help='prompt (text in --mode text); default "raw" in raw modes, else "hello"')
    parser.add_argument("--n", type=int, default=3, help="items (pieces in --mode text), default 3")
    parser.add_argument("--pause-after", type=int, metavar="K", help="pause after the K-th frame/chunk line")
    parser.add_argument("--pause", type=float, default=1.0, metavar="S", help="seconds of that pause (default 1.0)")
    parser.add_argument("--timeout", type=float, default=60.0, metavar="S", help="request timeout (default 60)")
    args = parser.parse_args()
    if args.prompt is None:
        args.prompt = "raw" if args.mode in ("raw", "aiohttp-raw") else "hello"
    if args.accept is not None and not args.mode.startswith("aiohttp"):
        parser.error("--accept is for --mode aiohttp-raw and aiohttp-typed")
    if args.pause_after is not None and args.pause_after < 0 or args.pause < 0 or args.timeout <= 0:
        parser.error("--pause-after and --pause must not be negative, --timeout must be positive")
    return args


def emit(obj: dict) -> None:
    print(json.dumps(obj), flush=True)


class Lines:
    """Prints frame/chunk lines, pausing once after the `pause_after`-th."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._count = 0
        self._pause_after = args.pause_after
        self._pause = args.pause

    async def emit(self, obj: dict) -> None:
        emit(obj)
        self._count += 1
        if self._count == self._pause_after:
            await asyncio.sleep(self._pause)


def generated_stub_class(chainlet_cls: type) -> type:
    """The stub class truss_chains' code generation writes for `chainlet_cls`."""
    from truss_chains import framework
    from truss_chains.deployment import code_gen

    source = code_gen._gen_stub_src(framework.get_descriptor(chainlet_cls))
    text = "\n".join(sorted(source.imports)) + "\n\n" + source.src
    module = types.ModuleType(f"_generated_stub_{chainlet_cls.__name__}")
    sys.modules[module.__name__] = module  # pydantic looks a model's module up
    exec(compile(text, f"<code_gen stub {chainlet_cls.__name__}>", "exec"), module.__dict__)  # noqa: S102
    return getattr(module, chainlet_cls.__name__)


async def read_typed(chunks, lines: Lines) -> None:
    """`stream_reader` over `chunks`, as truss-chains' streaming docs read a typed stream."""
    import streams
    from truss_chains import streaming

    reader = streaming.stream_reader(streams.STREAM_TYPES, chunks)
    header = await reader.read_header()
    await lines.emit({"header": header.model_dump(mode="json")})
    async for item in reader.read_items():
        await lines.emit({"item": item.model_dump(mode="json")})
    footer = await reader.read_footer()
    await lines.emit({"footer": footer.model_dump(mode="json")})


async def read_with_stub(args: argparse.Namespace, lines: Lines) -> None:
    import streams
    from truss_chains import public_types, streaming

    chainlet_cls = streams.TextStreamer if args.mode == "text" else streams.Streamer
    stub_cls = generated_stub_class(chainlet_cls)
    options = public_types.RPCOptions(use_binary=args.binary, timeout_sec=args.timeout)
    stub = stub_cls.from_url(args.url.rstrip("/") + PREDICT_ROUTE, API_KEY, options=options)
    try:
        if args.mode == "typed":
            await read_typed(stub.run_remote(prompt=args.prompt, n=args.n), lines)
        elif args.mode == "raw":
            async for data in stub.run_remote(prompt=args.prompt, n=args.n):
                # What the generated stub of an `AsyncIterator[str]` endpoint does.
                await lines.emit({"chunk": data.decode()})
        else:
            async for text in stub.run_remote(text=args.prompt, pieces=args.n):
                await lines.emit({"chunk": text})
    finally:
        # The stub keeps its aiohttp session (and the streamed response) open.
        if stub._cached_async_client is not None:
            await stub._cached_async_client[0].close()


async def read_with_aiohttp(args: argparse.Namespace, lines: Lines) -> None:
    import aiohttp
    import msgpack

    inputs = {"prompt": args.prompt, "n": args.n}
    if args.binary:
        body, content_type = msgpack.packb(inputs), "application/octet-stream"
    else:
        body, content_type = json.dumps(inputs).encode(), "application/json"
    headers = {"Content-Type": content_type, "Authorization": f"Api-Key {API_KEY}"}
    if args.accept is not None:
        headers["Accept"] = args.accept
    chunks = size = 0
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    url = args.url.rstrip("/") + PREDICT_ROUTE
    async with aiohttp.ClientSession(timeout=timeout) as session, session.post(url, data=body, headers=headers) as resp:
        if not 200 <= resp.status < 300:
            text = (await resp.read()).decode(errors="replace")
            raise HTTPStatus(f"{resp.status}: {text}")
        if args.mode == "aiohttp-typed":
            await read_typed(resp.content.iter_any(), lines)
            return
        try:
            async for data in resp.content.iter_any():
                chunks += 1
                size += len(data)
                if chunks == args.pause_after:
                    await asyncio.sleep(args.pause)
        finally:
            emit({"chunks": chunks, "bytes": size})


class HTTPStatus(Exception):
    """A non-2xx answer in --mode aiohttp-raw."""


async def main(args: argparse.Namespace) -> None:
    if args.mode == "aiohttp-raw":
        await read_with_aiohttp(args, Lines(args))
        emit({"end": "clean"})
    elif args.mode == "aiohttp-typed":
        await read_with_aiohttp(args, Lines(args))
    else:
        await read_with_stub(args, Lines(args))


if __name__ == "__main__":
    ARGS = parse_args()
    faulthandler.dump_traceback_later(ARGS.timeout + (ARGS.pause if ARGS.pause_after is not None else 0) + 30, exit=True)
    try:
        asyncio.run(main(ARGS))
    except Exception as error:  # noqa: BLE001
        emit({"error": type(error).__name__, "message": str(error)})
        sys.exit(2)
