"""Python chainlets for the HTTP benchmark (benches/http/), served by the real truss server
through tests/truss_support (`truss_chainlet("bench.py:SmallEcho")`), the same models the
Rust chainlets of the benchmark serve:

- `SmallEcho`: answers the small model of the performance report (a 256-float32 embedding,
  id, name, score) as it got it. truss runs one predict at a time unless told otherwise:
  `predict_concurrency` is set to the benchmark's number of connections (CONNECTIONS in
  benches/http/main.rs), so that no request waits on the server's semaphore that would not
  wait on the Rust server's.
- `TensorEcho`: answers the 64 MiB float32 array of the round-trip benchmark as it got it.

No numpy import at the top of the module: truss's model loading would import it a second
time, which numpy refuses (NumpyArrayField imports it when it needs it).
"""

import pydantic
import truss_chains as chains
from truss_chains.pydantic_numpy import NumpyArrayField

# == CONNECTIONS in benches/http/main.rs.
CONNECTIONS = 32


class Embedding(pydantic.BaseModel):
    id: int
    name: str
    embedding: NumpyArrayField
    score: float


class SmallEcho(chains.ChainletBase):
    remote_config = chains.RemoteConfig(compute=chains.Compute(predict_concurrency=CONNECTIONS))

    async def run_remote(self, item: Embedding) -> Embedding:
        return item


class Tensor(pydantic.BaseModel):
    name: str
    values: NumpyArrayField


class TensorEcho(chains.ChainletBase):
    async def run_remote(self, tensor: Tensor) -> Tensor:
        return tensor
