"""Python chainlets served by the real truss server (tests/python/truss_server.py) for the Rust
integration tests (tests/truss_support/mod.rs). Each class becomes a truss of its own through
truss_chains' code generation, exactly as `truss chains push` makes them.

- `Worker`: the Binary IO docs' worker, `some_numbers + 10`; `other_field == "fail"` raises
  `ValueError("This input is too long: 100.")`, as the Rust test Worker
  (tests/server_support) does, so that a chain's error can be followed through a Consumer.
- `Echo`: answers the array it got, with its dtype and shape as numpy sees them (chains refuses
  a bare `NumpyArrayField` argument, "Unsupported I/O type": the array travels in a model).
- `Raiser`: raises `ValueError(message)`, a chainlet error (500 with a `RemoteErrorDetail`).
- `Sleeper`: sleeps `seconds`, then answers them (client timeouts). truss runs one predict
  at a time by default (`predict_concurrency=1`) and does not cancel a predict whose client
  went away: the Sleeper allows 32 at once, so that a timed-out call does not hold up the next.
- `Consumer`: calls a `Worker` through the stub that truss_chains generates for
  `chains.depends(Worker, use_binary=True)`; the Worker's URL comes, as in a deployed chain,
  from the dynamic chainlet config (`truss_server.py --dependency Worker=URL`).

Everything under this directory is copied into each generated truss (`packages/`), so it holds
chainlet sources only.
"""

import asyncio

import pydantic
import truss_chains as chains
from truss_chains.pydantic_numpy import NumpyArrayField


class DataModel(pydantic.BaseModel):
    some_numbers: NumpyArrayField
    other_field: str


class Worker(chains.ChainletBase):
    async def run_remote(self, data: DataModel) -> DataModel:
        if data.other_field == "fail":
            raise ValueError("This input is too long: 100.")
        # The docs write `data.some_numbers.array += 10`, which fails on an array decoded from
        # binary input (msgpack_numpy's arrays are read-only views): a new array instead. And
        # `np.asarray`, because numpy answers `a + 10` on a 0-d array with a scalar, which
        # binary mode writes as a plain float that NumpyArrayField (Python's or ours) refuses.
        # (numpy is imported here: imported at the top of a chainlet module, truss's model
        # loading imports it a second time and numpy refuses.)
        import numpy as np

        data.some_numbers = NumpyArrayField(np.asarray(data.some_numbers.array + 10))
        return data


class EchoIn(pydantic.BaseModel):
    array: NumpyArrayField
    label: str


class EchoOut(pydantic.BaseModel):
    array: NumpyArrayField
    label: str
    # `str(array.dtype)`, numpy's name: "float64", ">f4", "bool".
    dtype: str
    # `array.dtype.str`, the array-protocol string msgpack_numpy writes: "<f8", ">f4", "|b1".
    dtype_str: str
    shape: list[int]


class Echo(chains.ChainletBase):
    async def run_remote(self, data: EchoIn) -> EchoOut:
        a = data.array.array
        return EchoOut(array=data.array, label=data.label, dtype=str(a.dtype), dtype_str=a.dtype.str, shape=list(a.shape))


class Raiser(chains.ChainletBase):
    async def run_remote(self, message: str) -> str:
        raise ValueError(message)


class Sleeper(chains.ChainletBase):
    remote_config = chains.RemoteConfig(compute=chains.Compute(predict_concurrency=32))

    async def run_remote(self, seconds: float) -> float:
        await asyncio.sleep(seconds)
        return seconds


class Consumer(chains.ChainletBase):
    def __init__(self, worker: Worker = chains.depends(Worker, use_binary=True)) -> None:
        self._worker = worker

    async def run_remote(self, data: DataModel) -> DataModel:
        return await self._worker.run_remote(data)
