"""A Python chainlet with a `bytes` field, served by the real truss server for the Rust tests
of binary-only models (tests/client.rs): what truss answers in JSON mode (a JSON string read as
its UTF-8 bytes, bytes written as UTF-8 text, bytes that are not UTF-8 a 500) and in binary mode.

- `BytesModelEcho`: answers its `BytesModel`; with `label == "bad"` it answers a payload that
  is not UTF-8 (`b"\\xff"` before the one it got), which truss cannot write as JSON.
"""

import pydantic
import truss_chains as chains


class BytesModel(pydantic.BaseModel):
    payload: bytes
    label: str


class BytesModelEcho(chains.ChainletBase):
    async def run_remote(self, data: BytesModel) -> BytesModel:
        if data.label == "bad":
            return BytesModel(payload=b"\xff" + data.payload, label=data.label)
        return data
