"""The Python side of the 64 MiB round trip of benches/http/: truss-chains' own stub (`StubBase`
with `use_binary=True`, as `chains.depends(TensorEcho, use_binary=True)` makes it) calling the
truss server's TensorEcho (tests/python/chains/bench.py), which answers the array it got.
Each call is timed from the model in to the model out: the stub's msgpack encode, the HTTP
exchange, the server's work, and the decode into the pydantic model.

Usage (the anchor environment; benches/http/ runs it):
    tests/python/.venv/bin/python benches/python/stub_bench.py PREDICT_URL ITERATIONS

Prints {"seconds": [...], "median_seconds": m}; one unmeasured call first.
"""

import asyncio
import json
import statistics
import sys
import time

import numpy as np
import pydantic
from truss_chains import public_types
from truss_chains.pydantic_numpy import NumpyArrayField
from truss_chains.remote_chainlet.stub import StubBase

LEN = 64 * 1024 * 1024 // 4


class Tensor(pydantic.BaseModel):
    name: str
    values: NumpyArrayField


class TensorInput(pydantic.BaseModel):
    tensor: Tensor


class TensorEcho(StubBase):
    async def run_remote(self, tensor: Tensor) -> Tensor:
        return await self.predict_async(TensorInput(tensor=tensor), Tensor)


async def main(url: str, iterations: int) -> dict:
    # The values of benches/common's large workload.
    values = np.sin(np.arange(LEN, dtype=np.float32) * np.float32(0.001)).reshape(4096, LEN // 4096)
    tensor = Tensor(name="activations", values=values)
    stub = TensorEcho.from_url(url, "bench-key", options=public_types.RPCOptions(use_binary=True))
    seconds = []
    for i in range(iterations + 1):
        start = time.perf_counter()
        result = await stub.run_remote(tensor)
        elapsed = time.perf_counter() - start
        if i == 0:
            assert result.name == tensor.name
            assert np.array_equal(result.values.array, values), "the server answered another array"
        else:
            seconds.append(elapsed)
    return {"seconds": seconds, "median_seconds": statistics.median(seconds)}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], int(sys.argv[2])))))
