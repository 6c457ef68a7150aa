"""Binary mode (truss's msgpack + msgpack_numpy) with real truss, both directions.

`python msgpack_cases.py emit`  prints, per model, truss's bytes for each sample
                                (`truss_msgpack_serialize(model.model_dump(mode="python"))`).
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


if __name__ == "__main__":
    {"emit": emit, "check": check}[sys.argv[1]]()
