"""truss-chains' own stubs calling chainlets at URLs (tests/chains_python.rs): the Rust chainlets of
tests/chains_support (NoArg, ThreeArgs, TupleOut, BytesArg, NoneOut), or, with `--truss`, the same
chainlets written in Python (chains/signatures.py) on truss's real server.

Usage: chains_stub_client.py [--truss] [--generated DIR] NoArg=URL ThreeArgs=URL TupleOut=URL BytesArg=URL NoneOut=URL

Each URL is a predict URL (`http://127.0.0.1:PORT/v1/models/model:predict`), what a chain's
dynamic config gives a stub. The stub classes are not written by hand: truss_chains' code
generation writes them (`code_gen._gen_stub_src`, the text `truss chains push` puts into a
depending chainlet's model.py: `{Name}Input`, `{Name}Output = pydantic.RootModel[..]` and
`class {Name}(stub.StubBase)` whose `run_remote` sends every argument, null for None) from the
Python chainlets of chains/signatures.py, and each is made with `StubBase.from_url`, in JSON
and in binary mode (`RPCOptions(use_binary=..)`). With `--generated DIR`, the stubs (and their
models) are those `chainmodel codegen python` wrote from each chainlet's `/schema`, `DIR/{Name}.py`.

Checks every value returned, and that a chainlet's `ValueError` is re-raised by the stub as a
`ValueError` carrying the chained remote traceback, as truss-chains re-raises remote errors.
Prints one `ok ...` line per check, then `done`. A watchdog ends the script after 150 s.

`bytes` (BytesArg): in binary mode the stub sends msgpack bin and reads the answer as msgpack;
the Rust chainlet answers msgpack, truss's own server answers the raw bytes, which its own stub
then fails to read (`msgpack.exceptions.ExtraData`): with `--truss` that failure is what is
checked. In JSON mode pydantic writes bytes as UTF-8 text: UTF-8 bytes travel (as a JSON
string), bytes that are not UTF-8 fail in the stub before anything is sent
(`PydanticSerializationError`).
"""

import asyncio
import faulthandler
import importlib.util
import pathlib
import sys
import types

faulthandler.dump_traceback_later(150, exit=True)

CHAINS_DIR = pathlib.Path(__file__).resolve().parent / "chains"
sys.path.insert(0, str(CHAINS_DIR))

import msgpack  # noqa: E402
import pydantic_core  # noqa: E402
import signatures  # noqa: E402
from truss_chains import framework, public_types  # noqa: E402
from truss_chains.deployment import code_gen  # noqa: E402

NAMES = ("NoArg", "ThreeArgs", "TupleOut", "BytesArg", "NoneOut")

# One event loop for every call: a stub's aiohttp session is bound to the loop it was made on.
LOOP = asyncio.new_event_loop()


def generated_stub_class(name: str) -> type:
    """The stub class truss_chains' code generation writes for `signatures.{name}`."""
    source = code_gen._gen_stub_src(framework.get_descriptor(getattr(signatures, name)))
    text = "\n".join(sorted(source.imports)) + "\n\n" + source.src
    print(f"--- generated stub of {name}:\n{text}", file=sys.stderr)
    module = types.ModuleType(f"_generated_stub_{name}")
    sys.modules[module.__name__] = module  # pydantic's RootModel[...] looks its module up
    exec(compile(text, f"<code_gen stub {name}>", "exec"), module.__dict__)
    return getattr(module, name)


def chainmodel_generated_module(directory: str, name: str) -> types.ModuleType:
    """The module `chainmodel codegen python` wrote for chainlet `name`."""
    spec = importlib.util.spec_from_file_location(f"_chainmodel_generated_{name}", f"{directory}/{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    print(f"--- chainmodel's generated stub of {name}:\n{pathlib.Path(spec.origin).read_text()}", file=sys.stderr)
    return module


def call(coroutine):
    return LOOP.run_until_complete(coroutine)


def expect_remote_error(coroutine, chainlet: str, exception: type, message: str) -> str:
    """Awaits `coroutine`, which must raise exactly `exception` re-raised from the remote
    chainlet's `RemoteErrorDetail`; returns the error's text."""
    try:
        result = call(coroutine)
    except Exception as error:  # noqa: BLE001
        text = str(error)
        assert type(error) is exception, (type(error), text)
        assert text.startswith("(showing chained remote errors, root error at the bottom)\n"), text
        assert f"├─ Error calling dependency Chainlet `{chainlet}`, HTTP status=500, trace ID=`None`." in text, text
        assert "│   Chainlet-Traceback (most recent call last):" in text, text
        # The remote class and message last: a builtin exception names no module (truss
        # sends `exception_module_name` null for it, the stub looks the class up in builtins).
        lines = text.splitlines()
        assert lines[-1] == f"╰   {exception.__name__}: {message}", text
        for line in lines:
            print(f"# {line}")
        return text
    raise AssertionError(f"no error, got {result!r}")


def main() -> None:
    args = sys.argv[1:]
    truss = "--truss" in args
    generated = args[args.index("--generated") + 1] if "--generated" in args else None
    urls = dict(arg.split("=", 1) for arg in args if "=" in arg)
    assert sorted(urls) == sorted(NAMES), urls
    if generated:
        modules = {name: chainmodel_generated_module(generated, name) for name in NAMES}
        stubs = {name: getattr(modules[name], name) for name in NAMES}
        # Each generated module has its own `DataModel`.
        data_models = {name: getattr(modules[name], "DataModel", None) for name in NAMES}
    else:
        stubs = {name: generated_stub_class(name) for name in NAMES}
        data_models = {name: signatures.DataModel for name in NAMES}
    for use_binary in (False, True):
        mode = "binary" if use_binary else "json"
        options = public_types.RPCOptions(use_binary=use_binary, timeout_sec=30)
        stub = {name: stubs[name].from_url(urls[name], "test-key", options=options) for name in NAMES}

        got = call(stub["NoArg"].run_remote())
        assert got == "no arguments" and type(got) is str, repr(got)
        print(f"ok {mode} NoArg")

        DataModel = data_models["ThreeArgs"]  # noqa: N806
        data = DataModel(some_numbers=[1.0, 2.5], other_field="x")
        got = call(stub["ThreeArgs"].run_remote(2, data, "!"))
        assert type(got) is DataModel, type(got)
        assert got == DataModel(some_numbers=[3.0, 4.5], other_field="x!"), repr(got)
        print(f"ok {mode} ThreeArgs b given")
        # code_gen's stub sends the key, null: the chainlet's `None` is its default "-".
        got = call(stub["ThreeArgs"].run_remote(0, data, None))
        assert got == DataModel(some_numbers=[1.0, 2.5], other_field="x-"), repr(got)
        print(f"ok {mode} ThreeArgs b=None")
        text = expect_remote_error(stub["ThreeArgs"].run_remote(-1, data, None), "ThreeArgs", ValueError, "a is negative: -1")
        print(f"ok {mode} ThreeArgs ValueError re-raised")

        got = call(stub["TupleOut"].run_remote(7))
        assert type(got) is tuple, type(got)
        assert got == (7, "7", data_models["TupleOut"](some_numbers=[7.0], other_field="tuple")), repr(got)
        assert type(got[2]) is data_models["TupleOut"], type(got[2])
        print(f"ok {mode} TupleOut")

        got = call(stub["NoneOut"].run_remote(1))
        assert got is None, repr(got)
        print(f"ok {mode} NoneOut None")
        text = expect_remote_error(stub["NoneOut"].run_remote(0), "NoneOut", ValueError, "zero")
        print(f"ok {mode} NoneOut ValueError re-raised")

        if use_binary:
            blob = bytes([0, 255, 10, 128])
            if truss:
                # truss's server answers a `bytes` output raw, not msgpack: its own stub fails.
                try:
                    got = call(stub["BytesArg"].run_remote(blob, "label:"))
                except msgpack.exceptions.ExtraData:
                    print(f"ok {mode} BytesArg: truss answers raw bytes, its stub cannot read them")
                else:
                    raise AssertionError(f"truss's stub read {got!r}")
            else:
                got = call(stub["BytesArg"].run_remote(blob, "label:"))
                assert got == b"label:" + blob and type(got) is bytes, repr(got)
                print(f"ok {mode} BytesArg non-UTF-8 bytes")
        else:
            # pydantic writes bytes as UTF-8 text in JSON: UTF-8 bytes travel as a JSON string.
            blob = "héllo ✓".encode()
            got = call(stub["BytesArg"].run_remote(blob, "label:"))
            assert got == b"label:" + blob and type(got) is bytes, repr(got)
            print(f"ok {mode} BytesArg UTF-8 bytes")
            # Bytes that are not UTF-8 cannot be written as JSON: the stub fails before sending.
            try:
                got = call(stub["BytesArg"].run_remote(b"\x00\xff", "label:"))
            except pydantic_core.PydanticSerializationError as error:
                assert "invalid utf-8" in str(error), str(error)
                print(f"ok {mode} BytesArg non-UTF-8 bytes refused by the stub")
            else:
                raise AssertionError(f"JSON mode sent non-UTF-8 bytes and got {got!r}")
    print("done")


if __name__ == "__main__":
    main()
