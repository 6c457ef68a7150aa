"""The Rust chainlets of tests/chains_support/mod.rs written as Python chainlets, for
tests/chains_python.rs: served on the real truss server (`truss_chainlet("signatures.py:NoArg")`),
their `GET /v1/models/model/schema` is what the Rust chainlets' must equal, key for key; and
tests/python/chains_stub_client.py makes truss-chains' stubs of them with truss_chains' own code
generation, and runs the same checks against them as against the Rust ones.

They behave as the Rust ones do:

- `NoArg`: `"no arguments"`.
- `ThreeArgs(a, data, b="-")`: `a` added to every number, `b` appended to the text (`"-"` when
  `b` is None: truss-chains' stub always sends `b`, null when not given); a negative `a` raises
  `ValueError("a is negative: {a}")`.
- `TupleOut(a)`: `(a, str(a), DataModel([a], "tuple"))`.
- `BytesArg(blob, label)`: the label's UTF-8 bytes, then the blob.
- `NoneOut(a)`: None; `a == 0` raises `ValueError("zero")`.

`DataModel`'s docstring is the Rust model's doc comment: both become the schema's
`description`.
"""

import pydantic
import truss_chains as chains


class DataModel(pydantic.BaseModel):
    """The Python side's `DataModel(some_numbers: list[float], other_field: str)`."""

    some_numbers: list[float]
    other_field: str


class NoArg(chains.ChainletBase):
    async def run_remote(self) -> str:
        return "no arguments"


class ThreeArgs(chains.ChainletBase):
    async def run_remote(self, a: int, data: DataModel, b: str = "-") -> DataModel:
        if a < 0:
            raise ValueError(f"a is negative: {a}")
        return DataModel(
            some_numbers=[x + a for x in data.some_numbers],
            other_field=data.other_field + (b if b is not None else "-"),
        )


class TupleOut(chains.ChainletBase):
    async def run_remote(self, a: int) -> tuple[int, str, DataModel]:
        return a, str(a), DataModel(some_numbers=[float(a)], other_field="tuple")


class BytesArg(chains.ChainletBase):
    async def run_remote(self, blob: bytes, label: str) -> bytes:
        return label.encode() + blob


class NoneOut(chains.ChainletBase):
    async def run_remote(self, a: int) -> None:
        if a == 0:
            raise ValueError("zero")
        return None
