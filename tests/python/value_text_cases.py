"""How Python writes the values `chainmodel::Value` writes as text (see tests/value.rs).

`python value_text_cases.py emit` prints:
- `reprs`: `[text, repr(text)]` for every code point (in chunks) and for strings of quotes;
- `keys`: `[name, model_dump_json()]` of an `Any` field holding a one-entry dict whose key is of
  each kind pydantic writes as text (`True`, `1`, `1.5`, `None`, `b"k"`, ...);
- `overflow`: what Python's msgpack (truss's serializer) does with integers beyond 64 bits.
"""

import json
import sys
from typing import Any

import pydantic

import anchors


class Holder(pydantic.BaseModel):
    a: Any = None


# The names tests/value.rs builds the same keys under.
KEYS = {
    "true": True, "false": False, "one": 1, "minus_five": -5, "huge": 2**70, "one_and_a_half": 1.5, "one_float": 1.0,
    "big_float": 1e20, "small_float": 1e-7, "tenth": 0.1, "e16": 1e16, "nan": float("nan"), "inf": float("inf"),
    "none": None, "bytes": b"k", "tuple": (1, "a", 2.5), "text": "s",
}


def reprs():
    codes = [c for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    out = []
    for i in range(0, len(codes), 2048):
        text = "".join(map(chr, codes[i:i + 2048]))
        out.append([text, repr(text)])
    for text in ["it's", 'say "hi"', "both ' and \"", "\\", "\x00\t\n\r", "é😀\u3000\xa0 "]:
        out.append([text, repr(text)])
    return out


def overflow():
    serialization = anchors.serialization()
    out = []
    for value in [2**64, -(2**63) - 1]:
        try:
            serialization.truss_msgpack_serialize({"x": value})
            out.append([str(value), None])
        except OverflowError as e:
            out.append([str(value), type(e).__name__])
    return out


def emit() -> None:
    keys = [[name, Holder(a={key: 1}).model_dump_json()] for name, key in KEYS.items()]
    json.dump({"reprs": reprs(), "keys": keys, "overflow": overflow()}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    {"emit": emit}[sys.argv[1]]()
