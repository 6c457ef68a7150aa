"""A Python streaming chainlet for the streaming benchmark (benches/streams.rs), served by the
real truss server through tests/truss_support (`truss_chainlet("stream_bench.py:EmbeddingStream")`):
the same typed stream the benchmark's Rust chainlet answers.

`EmbeddingStream.run_remote(n, dim)` yields `n` items written with truss_chains' own
`stream_writer(stream_types(Embedding))`, each the performance report's small model (id, name,
a `dim`-float32 embedding made once beforehand, score), made as it is yielded, as truss-chains'
streaming docs write a typed stream.

numpy is imported where it is used: truss's model loading would import it a second time at the
top of the module, which numpy refuses.
"""

from typing import AsyncIterator

import pydantic
import truss_chains as chains
from truss_chains import streaming
from truss_chains.pydantic_numpy import NumpyArrayField


class Embedding(pydantic.BaseModel):
    id: int
    name: str
    embedding: NumpyArrayField
    score: float


STREAM_TYPES = streaming.stream_types(Embedding)


class EmbeddingStream(chains.ChainletBase):
    async def run_remote(self, n: int, dim: int) -> AsyncIterator[bytes]:
        import numpy as np

        writer = streaming.stream_writer(STREAM_TYPES)
        # One embedding made beforehand, as the Rust twin copies one: the stream is measured.
        values = np.cos(np.arange(dim, dtype=np.float32))
        for i in range(n):
            yield writer.yield_item(Embedding(id=i, name=f"doc-{i}", embedding=values, score=i * 0.5))
