"""A streaming chainlet called with the stub `chainmodel codegen python` wrote from its `/schema`
(tests/chains_python.rs): `codegen_stream_stub.py MODULE_FILE NAME PREDICT_URL ARGS_JSON` loads
the module, makes the stub `NAME` with truss-chains' `StubBase.from_url`, and prints, as JSON,
the chunks `run_remote(**ARGS)` yields (as text), in JSON and in binary mode.
"""

import asyncio
import importlib.util
import json
import sys

from truss_chains import public_types


async def chunks(stub, args: dict) -> list:
    return [chunk.decode() async for chunk in stub.run_remote(**args)]


def main() -> None:
    path, name, url, args = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    spec = importlib.util.spec_from_file_location("generated_stream_stub", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    out = {}
    for use_binary in (False, True):
        options = public_types.RPCOptions(use_binary=use_binary, timeout_sec=30)
        stub = getattr(module, name).from_url(url, "test-key", options=options)
        out["binary" if use_binary else "json"] = asyncio.run(chunks(stub, args))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
