"""The Python side of the performance report: pydantic + truss's NumpyArrayField (JSON mode) and
truss's msgpack serializer with msgpack_numpy (binary mode), on the workloads of the Rust
benchmarks (benches/json.rs, benches/msgpack.rs):

- one model holding a 64 MiB float32 array;
- 20 000 small models (256-float32 embedding, id, name, score) in one message;
- a plain union of recursive models 20 deep (pydantic's cost doubles with each level).

Prints one JSON object of median seconds per operation, and the peak RSS of decoding the 64 MiB
message in a fresh process. Run with the anchor environment scripts/test creates:
    tests/python/.venv/bin/python benches/python/bench.py
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time

from typing import Union

import numpy as np
import pydantic

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "python"))
import anchors  # noqa: E402

NumpyArrayField = anchors.pydantic_numpy().NumpyArrayField
serialization = anchors.serialization()

LEN = 64 * 1024 * 1024 // 4
MODELS = 20_000


class Tensor(pydantic.BaseModel):
    name: str
    values: NumpyArrayField


class Embedding(pydantic.BaseModel):
    id: int
    name: str
    embedding: NumpyArrayField
    score: float


class Batch(pydantic.BaseModel):
    items: list[Embedding]


def tensor() -> Tensor:
    values = np.sin(np.arange(LEN, dtype=np.float32) * np.float32(0.001)).reshape(4096, LEN // 4096)
    return Tensor(name="activations", values=values)


def batch() -> Batch:
    items = [
        Embedding(id=i, name=f"doc-{i}", embedding=np.cos(np.arange(i * 256, (i + 1) * 256, dtype=np.float32)),
                  score=i * 0.5)
        for i in range(MODELS)
    ]
    return Batch(items=items)


class A(pydantic.BaseModel):
    child: "Node"


class B(pydantic.BaseModel):
    child: "Node"
    flag: bool = False


Node = Union[int, A, B]
A.model_rebuild()
B.model_rebuild()


class Root(pydantic.BaseModel):
    node: Node


UNION_DEPTH = 20


def union_text() -> str:
    """benches/report.rs's union message: 20 models deep, a lax "1" at the bottom."""
    return '{"node": ' + '{"child": ' * UNION_DEPTH + '"1"' + "}" * UNION_DEPTH + "}"


def measure_union(repeats: int) -> dict:
    text = union_text()
    binary = serialization.truss_msgpack_serialize(json.loads(text))
    return {
        "union_depth20/json_decode": median_seconds(lambda: Root.model_validate_json(text), repeats),
        "union_depth20/msgpack_decode": median_seconds(
            lambda: Root.model_validate(serialization.truss_msgpack_deserialize(binary)), repeats),
    }


def median_seconds(operation, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        operation()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def to_msgpack(model: pydantic.BaseModel) -> bytes:
    return serialization.truss_msgpack_serialize(model.model_dump(mode="python"))


def measure(name: str, model: pydantic.BaseModel, repeats: int) -> dict:
    cls = type(model)
    text = model.model_dump_json()
    binary = to_msgpack(model)
    return {
        f"{name}/json_encode": median_seconds(model.model_dump_json, repeats),
        f"{name}/json_decode": median_seconds(lambda: cls.model_validate_json(text), repeats),
        f"{name}/msgpack_encode": median_seconds(lambda: to_msgpack(model), repeats),
        f"{name}/msgpack_decode": median_seconds(
            lambda: cls.model_validate(serialization.truss_msgpack_deserialize(binary)), repeats),
    }


def peak_rss_of_decoding(path: str) -> int:
    """Peak RSS (bytes) of a fresh process that reads the message and decodes it."""
    out = subprocess.run([sys.executable, __file__, "decode-rss", path], check=True, capture_output=True, text=True)
    return int(out.stdout.strip())


def decode_rss(path: str) -> None:
    with open(path, "rb") as f:
        data = f.read()
    Tensor.model_validate(serialization.truss_msgpack_deserialize(data))
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)


def main() -> None:
    repeats = int(os.environ.get("BENCH_REPEATS", "5"))
    large = tensor()
    results = measure("large_64mib", large, repeats)
    results.update(measure("small_20k", batch(), repeats))
    results.update(measure_union(repeats))
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "chainmodel-bench-64mib.msgpack")
    with open(path, "wb") as f:
        f.write(to_msgpack(large))
    results["large_64mib/msgpack_decode_peak_rss_bytes"] = peak_rss_of_decoding(path)
    results["large_64mib/message_bytes"] = os.path.getsize(path)
    json.dump(results, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "decode-rss":
        decode_rss(sys.argv[2])
    else:
        main()
