"""Feature `serde`: a plain serde struct holding arrays and bytes, with real truss and pydantic.

`python serde_cases.py check` reads {"msgpack": base64, "json": text} on stdin: the struct
written by `rmp_serde::to_vec_named` and by `serde_json`. It reads the first with truss's
`truss_msgpack_deserialize` + `Record.model_validate`, the second with `model_validate_json`,
checks that both give the same record, and prints what Python writes back:
{"msgpack": truss_msgpack_serialize(model_dump(mode="python")), "json": model_dump_json()}.
`python serde_cases.py emit` prints a record Python builds, in both forms, for Rust to read.
"""

import base64
import json
import sys
from typing import Any, Optional

import numpy as np
import pydantic

import anchors

NumpyArrayField = anchors.pydantic_numpy().NumpyArrayField
serialization = anchors.serialization()


class Record(pydantic.BaseModel):
    id: int
    name: str
    embedding: NumpyArrayField
    raw: NumpyArrayField
    blob: bytes
    maybe: Optional[bytes] = None
    scores: list[float]
    extra: Any


def same(a: Record, b: Record) -> bool:
    for field in ("embedding", "raw"):
        x, y = getattr(a, field).array, getattr(b, field).array
        if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
            return False
    return (a.id, a.name, a.blob, a.maybe, a.scores) == (b.id, b.name, b.blob, b.maybe, b.scores)


def written(record: Record) -> dict:
    return {
        "msgpack": base64.b64encode(serialization.truss_msgpack_serialize(record.model_dump(mode="python"))).decode(),
        "json": record.model_dump_json(),
    }


def check() -> None:
    received = json.load(sys.stdin)
    from_msgpack = Record.model_validate(serialization.truss_msgpack_deserialize(base64.b64decode(received["msgpack"])))
    from_json = Record.model_validate_json(received["json"])
    if not same(from_msgpack, from_json):
        sys.exit(f"the two forms read to different records:\n  msgpack: {from_msgpack!r}\n  json: {from_json!r}")
    if from_msgpack.embedding.array.dtype != np.float32 or from_msgpack.raw.array.dtype.str != ">i4":
        sys.exit(f"dtypes not kept: {from_msgpack!r}")
    json.dump(written(from_msgpack), sys.stdout)


def emit() -> None:
    record = Record(id=3, name="from python", embedding=np.linspace(0, 1, 6, dtype=np.float32).reshape(2, 3),
                    raw=np.arange(4, dtype=">i4"), blob=b"python bytes", scores=[0.1, -2.5],
                    extra={"k": [1, "x", None]})
    json.dump(written(record), sys.stdout)


if __name__ == "__main__":
    {"check": check, "emit": emit}[sys.argv[1]]()
