"""Calls a Rust chainlet server (tests/server_python.rs) as Python callers do: the real
truss-chains stub (JSON and binary, async and sync), and the Binary IO docs' client steps
(`requests` + `msgpack` + `msgpack_numpy`). Checks every value; prints one line per check.

Usage: chain_stub.py BASE_URL [--no-error-cases] [--generated FILE]

`--no-error-cases` leaves out the stub's re-raising checks, which need the test Worker of
tests/server_support (`other_field` "fail" and "parse"): the Binary IO docs' Worker of
examples/chain.rs only adds 10. `--generated FILE` calls with the stub, input and data models
that `chainmodel codegen python` wrote from the chainlet's `/schema` (`Worker`, `WorkerInput`,
`DataModel`) in place of the ones written here by hand.
"""

import asyncio
import importlib.util
import sys

import msgpack
import msgpack_numpy
import numpy as np
import pydantic
import requests
from truss_chains import public_types
from truss_chains.pydantic_numpy import NumpyArrayField
from truss_chains.remote_chainlet.stub import StubBase


class DataModel(pydantic.BaseModel):
    some_numbers: NumpyArrayField
    other_field: str


class WorkerInput(pydantic.BaseModel):
    data: DataModel


class Worker(StubBase):
    async def run_remote(self, data: DataModel) -> DataModel:
        return await self.predict_async(WorkerInput(data=data), DataModel)

    def run_remote_sync(self, data: DataModel) -> DataModel:
        return self.predict_sync(WorkerInput(data=data), DataModel)


# One event loop for every async call: a stub keeps its aiohttp session, which is bound to the
# loop it was made on.
LOOP = asyncio.new_event_loop()

ARRAYS = {
    "0-d": np.array(2.5),
    "(3,2)": np.arange(6, dtype=np.float64).reshape(3, 2) * 1.25 - 2,
    "(0,)": np.zeros((0,), dtype=np.float64),
    "several MB": np.linspace(-1e6, 1e6, 3_000_000, dtype=np.float64),
}


def check_added_ten(name: str, sent: np.ndarray, got: np.ndarray) -> None:
    got = got.array  # NumpyArrayField wraps the numpy array
    assert got.dtype == np.float64, (name, got.dtype)
    assert got.shape == sent.shape, (name, got.shape, sent.shape)
    expected = sent + 10
    # Element by element, exactly: the Rust side adds 10.0 in float64 as numpy does.
    assert np.array_equal(got, expected), (name, got, expected)


def stub_calls(base: str) -> None:
    for use_binary in (True, False):
        for route in ("/run_remote", "/predict", "/v1/models/worker:predict"):
            stub = Worker.from_url(base + route, "test-key", options=public_types.RPCOptions(use_binary=use_binary))
            for name, array in ARRAYS.items():
                data = DataModel(some_numbers=array, other_field=f"{name} via {route}")
                result = LOOP.run_until_complete(stub.run_remote(data))
                check_added_ten(name, array, result.some_numbers)
                assert result.other_field == data.other_field
                result = stub.run_remote_sync(data)
                check_added_ten(name, array, result.some_numbers)
                print(f"ok stub use_binary={use_binary} {route} {name} async+sync")


def stub_errors(base: str) -> None:
    for use_binary in (True, False):
        stub = Worker.from_url(base + "/run_remote", "test-key", options=public_types.RPCOptions(use_binary=use_binary))
        data = DataModel(some_numbers=np.array([1.0]), other_field="fail")
        for call in (lambda: LOOP.run_until_complete(stub.run_remote(data)), lambda: stub.run_remote_sync(data)):
            try:
                call()
            except ValueError as e:
                message = str(e)
                assert "HTTP status=500" in message, message
                assert "ValueError: This input is too long: 100." in message, message
            else:
                raise AssertionError("the stub did not raise")
        # A Rust error type is no Python class: the stub falls back to GenericRemoteException.
        data = DataModel(some_numbers=np.array([1.0]), other_field="parse")
        try:
            stub.run_remote_sync(data)
        except public_types.GenericRemoteException as e:
            message = str(e)
            assert "ParseIntError: invalid digit found in string" in message, message
            assert "Exception class defined in `core::num::error`" in message, message
            assert "server_support/mod.rs" in message, message
        else:
            raise AssertionError("the stub did not raise")
        print(f"ok stub re-raises use_binary={use_binary}")


def binary_io_docs_client(base: str) -> None:
    """The client steps of Baseten's Binary IO docs, verbatim in spirit."""
    msgpack_numpy.patch()
    for name, array in ARRAYS.items():
        model = WorkerInput(data=DataModel(some_numbers=array, other_field="docs"))
        payload = msgpack.dumps(model.model_dump(mode="python"))
        resp = requests.post(
            base + "/v1/models/worker:predict_binary",
            data=payload,
            headers={"Content-Type": "application/octet-stream", "Authorization": "Api-Key test-key"},
            timeout=60,
        )
        resp.raise_for_status()
        assert resp.headers["Content-Type"] == "application/octet-stream"
        result = DataModel.model_validate(msgpack.loads(resp.content))
        check_added_ten(name, array, result.some_numbers)
        assert result.other_field == "docs"
        print(f"ok binary io docs {name}")

    resp = requests.post(
        base + "/predict",
        data=msgpack.dumps({"data": {"other_field": "x"}}),
        headers={"Content-Type": "application/octet-stream"},
        timeout=60,
    )
    assert resp.status_code == 400, resp.status_code
    assert resp.headers["X-BASETEN-ERROR-CODE"] == "700"
    assert resp.json() == {"error": "Input Parsing Error:\n  `data.some_numbers`: Field required."}, resp.text
    print("ok binary io docs bad input")


def use_generated(path: str) -> None:
    """The generated module's `Worker`, `WorkerInput` and `DataModel` in place of this file's."""
    spec = importlib.util.spec_from_file_location("generated_worker", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    assert issubclass(module.Worker, StubBase), module.Worker
    globals().update(Worker=module.Worker, WorkerInput=module.WorkerInput, DataModel=module.DataModel)
    print(f"ok generated stub {path}")


if __name__ == "__main__":
    base = sys.argv[1].rstrip("/")
    if "--generated" in sys.argv:
        use_generated(sys.argv[sys.argv.index("--generated") + 1])
    stub_calls(base)
    if "--no-error-cases" not in sys.argv[2:]:
        stub_errors(base)
    binary_io_docs_client(base)
    print("done")
