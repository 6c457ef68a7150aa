"""Streaming Python chainlets served by the real truss server (tests/python/truss_server.py,
`truss_chainlet("streams.py:Streamer")`) for the Rust streaming tests: what truss's server
answers for a streaming endpoint is what the Rust server must answer, and
tests/python/stream_read.py reads both the way truss-chains' own stub does.

- `Streamer(prompt, n) -> AsyncIterator[bytes]`: a typed stream made with truss_chains'
  `streaming.stream_writer` of `stream_types(StreamItem, header_type=StreamHeader,
  footer_type=StreamFooter)`: header `{"prompt": prompt}`, then `n` items
  `{"index": i, "token": f"{prompt}-{i}"}`, then footer `{"count": n}`. The prompt "raw"
  yields raw text bytes instead, `f"raw-{i}\\n".encode()` for i in range(n) (no framing); the
  prompt "fail" yields the header and `n // 2` items, then raises
  `ValueError(f"stream failed at item {n // 2}")`; the prompt "slow" sleeps 0.1 s before each
  item (a stream whose first chunk comes long before its end). This is the Rust example
  `Streamer`, item for item, so that one reader checks both servers.
- `TextStreamer(text, pieces) -> AsyncIterator[str]`: yields `text`, whole, `pieces` times
  (truss's server writes each str as its UTF-8 bytes); the text "fail" yields one piece, then
  raises `ValueError("text stream failed after 1 piece")`.

Each yield is one HTTP chunk: truss's server writes every chunk the generator yields as a
chunk of its own (`stream_writer` returns one memoryview per frame: a tag byte, 2 header /
3 item / 4 footer (`streaming._Delimiter` counts from `NOT_SET = 1`), a big-endian u32 length,
then the model's `model_dump_json()`, compact). A client may still receive several at once.

What truss 0.18.36's server does with them, observed with curl on `POST
/v1/models/model:predict` (`truss_server.py streams.py:Streamer`):

- A stream: `200`, headers `date`, `server: uvicorn`, `content-type: application/octet-stream`,
  `Transfer-Encoding: chunked` (so spelled; no content-length), whatever the request's
  Content-Type (JSON, none, or `application/octet-stream` with msgpack inputs: the body is the
  same). `Streamer("hi", 2)`'s body on the wire, chunk sizes in lowercase hex:
  `14\r\n` `\x02\x00\x00\x00\x0f{"prompt":"hi"}\r\n`
  `1f\r\n` `\x03\x00\x00\x00\x1a{"index":0,"token":"hi-0"}\r\n`
  `1f\r\n` `\x03\x00\x00\x00\x1a{"index":1,"token":"hi-1"}\r\n`
  `10\r\n` `\x04\x00\x00\x00\x0b{"count":2}\r\n` `0\r\n\r\n`;
  `Streamer("raw", 3)`: `6\r\nraw-0\n\r\n` three times, then `0\r\n\r\n`; a stream of
  nothing (`Streamer("raw", 0)`): just `0\r\n\r\n`. `TextStreamer("héllo", 3)`:
  `6\r\nh\xc3\xa9llo\r\n` three times (a str is written as its UTF-8 bytes).
- A stream that raises midway (`Streamer("fail", 4)`, `TextStreamer("fail", ..)`): status and
  headers went out first (200, as above); truss logs the error (`ERROR Exception while
  generating streamed response: 500: {...}`: the chainlet's `predict_context` has already made
  it an HTTPException) and ENDS THE BODY CLEANLY with the terminating `0\r\n\r\n`: the client
  sees a shorter stream that ends normally (`Streamer`: header and 2 items, no footer, and
  truss's `stream_reader` then fails in `read_footer` with `ValueError("Stream does not contain
  footer.")`; `TextStreamer`: `4\r\nfail\r\n0\r\n\r\n`). No trailer, no error text.
- `Accept: application/json`, exactly (not `Application/JSON`, not `application/json;
  charset=utf-8`, not `application/json, */*`), from a User-Agent without "openai": truss
  does not stream. It gathers the chunks (`model_wrapper._gather_generator`), joins them,
  decodes the result as UTF-8, and answers that str like any predict result: `200`,
  `content-type: application/json`, a content-length, body `json.dumps(text)` (ASCII:
  `"raw-0\nraw-1\n"`, `"h\u00e9lloh\u00e9llo"`, `""` for no chunks). With a binary
  request (`Content-Type: application/octet-stream`) the str is msgpack'd instead:
  `content-type: application/octet-stream`, body a msgpack str (`\xacraw-0\nraw-1\n`).
  `_gather_generator` keeps bytes and bytearray chunks and turns any other chunk into
  `str(chunk).encode()`: `stream_writer`'s memoryview frames become their repr, so the typed
  `Streamer("hi", 2)` gathered answers `"<memory at 0x7fb96c0c3d00><memory at
  0x7fb96c0c3880>..."` (4 reprs, addresses varying): a truss bug, not a format. A stream that
  raises, gathered: the chainlet error, `500`, `x-baseten-error-source: 04`,
  `x-baseten-error-code: 600`, `content-type: application/json`,
  `{"error":{"exception_cls_name":"ValueError","exception_module_name":null,
  "exception_message":"stream failed at item 2","user_stack_trace":[...]}}`, in binary mode too.
- `GET /v1/models/model/schema`: `200`, `content-type: application/json`,
  `{"input_schema":{"properties":{"prompt":{"title":"Prompt","type":"string"},"n":{"title":"N",
  "type":"integer"}},"required":["prompt","n"],"title":"StreamerInput","type":"object"},
  "output_schema":null,"supports_streaming":true}` (one line; `TextStreamerInput` with `text`
  and `pieces` likewise): truss's schema of an iterator return type is no output schema and
  `supports_streaming: true`.
- Inputs that do not parse are refused before anything streams: `400`,
  `x-baseten-error-code: 700`, `{"error":"Input Parsing Error:\n  `n`: Field required."}`.
"""

import asyncio
from collections.abc import AsyncIterator

import pydantic
import truss_chains as chains
from truss_chains import streaming


class StreamHeader(pydantic.BaseModel):
    prompt: str


class StreamItem(pydantic.BaseModel):
    index: int
    token: str


class StreamFooter(pydantic.BaseModel):
    count: int


STREAM_TYPES = streaming.stream_types(StreamItem, header_type=StreamHeader, footer_type=StreamFooter)


class Streamer(chains.ChainletBase):
    async def run_remote(self, prompt: str, n: int) -> AsyncIterator[bytes]:
        if prompt == "raw":
            for i in range(n):
                yield f"raw-{i}\n".encode()
            return
        writer = streaming.stream_writer(STREAM_TYPES)
        yield writer.yield_header(StreamHeader(prompt=prompt))
        items = n // 2 if prompt == "fail" else n
        for i in range(items):
            if prompt == "slow":
                await asyncio.sleep(0.1)
            yield writer.yield_item(StreamItem(index=i, token=f"{prompt}-{i}"))
        if prompt == "fail":
            raise ValueError(f"stream failed at item {n // 2}")
        yield writer.yield_footer(StreamFooter(count=n))


class TextStreamer(chains.ChainletBase):
    async def run_remote(self, text: str, pieces: int) -> AsyncIterator[str]:
        if text == "fail":
            yield text
            raise ValueError("text stream failed after 1 piece")
        for _ in range(pieces):
            yield text
