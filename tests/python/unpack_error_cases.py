"""The Python side of tests/python_json_errors.rs's msgpack test: what `msgpack.unpackb` says
about malformed binary bodies, as truss's server calls it.

truss's `truss_msgpack_deserialize` is `msgpack.unpackb(data, object_hook=...)` (msgpack 1.1.0's
C extension; `raw=False`, `strict_map_key=True`), and truss answers its `ValueError` bare with a
400. `python unpack_error_cases.py` prints, as a JSON list, a corpus of byte strings (hex), each
with the text of the exception `unpackb` raises for it (`null` when it reads the bytes), the hook
doing what the Rust emulation follows of truss's: refusing `{b"nd": True, b"kind": b"O"}` with
`unsupported payload`. The corpus: realistic bodies (truss's own msgpack of models with arrays,
datetimes, nested containers, keys of every type), every truncation, and every single-byte
deletion and (seeded) replacement and insertion.
"""

import datetime
import json
import random

import msgpack
import numpy as np
from truss.templates.shared.serialization import truss_msgpack_serialize


def hook(obj):
    if obj.get(b"nd") is True and obj.get(b"kind") == b"O":
        raise ValueError("unsupported payload")
    return obj


BODIES = [
    truss_msgpack_serialize(
        {"data": {"some_numbers": np.arange(6, dtype="<f8").reshape(3, 2), "other_field": "x é"}}
    ),
    truss_msgpack_serialize(
        {
            "when": datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.timezone.utc),
            "items": [1, -2, 3.5, None, True, "日本語 🎉", b"\x00\xff", [], {}],
            "nested": {"a": {"b": [{"c": "d"}]}},
        }
    ),
    msgpack.packb({b"bin key": 1, "s": msgpack.ExtType(5, b"ext"), "t": msgpack.Timestamp(1, 5)}),
    msgpack.packb([{"k": [[[[1]]]]}, "x" * 40, b"y" * 300, 2**63, -(2**31)]),
    b"\x82\xc4\x02nd\xc3\xc4\x04kind\xc4\x01O",
    msgpack.packb({1: 2, None: [1.5, False], (1, 2): "t"}),
]

REPLACEMENTS = bytes(
    [0x00, 0x01, 0x7F, 0x80, 0x81, 0x8F, 0x90, 0x91, 0xA1, 0xC0, 0xC1, 0xC3, 0xC4, 0xC7, 0xCA, 0xCB,
     0xD4, 0xD6, 0xD7, 0xD9, 0xDC, 0xDD, 0xDE, 0xDF, 0xE2, 0xED, 0xFF]
)


def error_of(data):
    try:
        msgpack.unpackb(data, object_hook=hook)
        return None
    except ValueError as e:
        return str(e)


def main():
    rng = random.Random(20240501)
    corpus = {b"", b"\xc1", b"\x91" * 1025 + b"\x01", b"\x91" * 1024 + b"\x90", b"\x91" * 1023 + b"\x90"}
    for body in BODIES:
        corpus.add(body)
        for i in range(len(body)):
            corpus.add(body[:i])
            corpus.add(body[:i] + body[i + 1 :])
            corpus.add(body[:i] + bytes([rng.choice(REPLACEMENTS)]) + body[i + 1 :])
            corpus.add(body[:i] + bytes([rng.choice(REPLACEMENTS)]) + body[i:])
        corpus.add(body + b"\x00")
    cases = [{"input": data.hex(), "error": error_of(data)} for data in sorted(corpus)]
    print(json.dumps(cases))


main()
