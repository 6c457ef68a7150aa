"""Binary mode (truss's msgpack + msgpack_numpy) with real truss, both directions.

`python msgpack_cases.py emit`  prints, per model, truss's bytes for each sample
                                (`truss_msgpack_serialize(model.model_dump(mode="python"))`).
`python msgpack_cases.py wild`  prints messages other Python writers produce (numpy scalars, str
                                keys, no `kind`, float32) and object/structured arrays to refuse.
`python msgpack_cases.py check` reads Rust's aligned and compact encodings on stdin and checks
                                that truss's deserializer and pydantic read both, and that
                                re-serializing either gives Rust's compact bytes.
"""

import base64
import json
import sys

import numpy as np

import anchors
import models

serialization = anchors.serialization()


def dump(model_instance) -> bytes:
    return serialization.truss_msgpack_serialize(model_instance.model_dump(mode="python"))


def emit() -> None:
    rng = np.random.default_rng(11)
    out = {}
    for name, values in models.all_samples(rng).items():
        model = getattr(models, name)
        out[name] = [base64.b64encode(dump(model.model_validate(v))).decode() for v in values]
    json.dump(out, sys.stdout)


def check() -> None:
    received = json.load(sys.stdin)
    failures = []
    checked = 0
    for name, encodings in received.items():
        model = getattr(models, name)
        for n, encoding in enumerate(encodings):
            compact = base64.b64decode(encoding["compact"])
            for form in ("aligned", "compact"):
                checked += 1
                data = base64.b64decode(encoding[form])
                try:
                    instance = model.model_validate(serialization.truss_msgpack_deserialize(data))
                except Exception as e:  # noqa: BLE001 - every failure is reported
                    failures.append(f"{name}[{n}] {form}: truss + pydantic cannot read it: {e}")
                    continue
                again = dump(instance)
                if again != compact:
                    failures.append(f"{name}[{n}] {form}: reads to another value\n  Rust:   {compact[:200]!r}\n  Python: {again[:200]!r}")
    for failure in failures:
        print(failure, file=sys.stderr)
    print(f"truss + pydantic read {checked} Rust msgpack messages: {len(failures)} failures")
    sys.exit(1 if failures else 0)


def wild() -> None:
    """Messages Python writers produce in the wild, each with the JSON pydantic writes for the
    value it holds; and arrays chainmodel must refuse (object and structured)."""
    import msgpack
    import msgpack_numpy as mp_np

    embedding = np.arange(4, dtype=np.float32) / 4
    expected = models.Embedding(id=7, name="wild", embedding=embedding, score=0.5).model_dump_json()
    str_keys_no_kind = {"data": embedding.tobytes(), "shape": [4], "type": "<f4", "nd": True}
    big_endian = embedding.astype(">f4")
    cases = {
        "numpy scalars": serialization.truss_msgpack_serialize(
            {"id": np.int64(7), "name": "wild", "embedding": embedding, "score": np.float32(0.5)}),
        "str keys in another order, no kind": msgpack.packb(
            {"score": 0.5, "embedding": str_keys_no_kind, "name": "wild", "id": 7}, use_bin_type=True),
        "float32 floats": msgpack.packb(
            {"id": 7, "name": "wild", "embedding": embedding, "score": 0.5},
            use_bin_type=True, use_single_float=True, default=mp_np.encode),
        "big-endian array, unknown keys": msgpack.packb(
            {"id": 7, "extra": {"deep": [1, 2, {"x": b"y"}]}, "name": "wild", "embedding": big_endian, "score": 0.5},
            use_bin_type=True, default=mp_np.encode),
    }
    refused = {
        "object array": msgpack.packb({"id": 7, "name": "o", "embedding": np.array([1, "a"], dtype=object), "score": 0.5},
                                      use_bin_type=True, default=mp_np.encode),
        "structured array": msgpack.packb(
            {"id": 7, "name": "v", "embedding": np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")]), "score": 0.5},
            use_bin_type=True, default=mp_np.encode),
    }
    b64 = lambda data: base64.b64encode(data).decode()  # noqa: E731
    json.dump({"expected_json": expected,
               "accepted": {k: b64(v) for k, v in cases.items()},
               "refused": {k: b64(v) for k, v in refused.items()}}, sys.stdout)


def raw() -> None:
    """Raw dicts, as a client without a model sends them, through truss's serializer."""
    values = [
        {"ids": [1, 2, 3], "embedding": np.arange(6, dtype=np.float32).reshape(2, 3), "blob": b"\x00\xff",
         "meta": {"name": "x", "score": 0.25, "ok": True, "none": None, "big": 2**64 - 1, "neg": -2**63}},
        [np.array([True, False]), np.array(1.5), np.zeros((2, 0), dtype=">i2"), "é", -1.0e300],
        {"nested": [{"a": [[]]}, {"b": {"c": np.array([1, 2], dtype=np.uint8)}}]},
    ]
    json.dump([base64.b64encode(serialization.truss_msgpack_serialize(v)).decode() for v in values], sys.stdout)


if __name__ == "__main__":
    {"emit": emit, "check": check, "wild": wild, "raw": raw}[sys.argv[1]]()
