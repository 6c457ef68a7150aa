"""The real Python anchors, loaded as chainmodel's tests use them.

truss ships the two modules we test against. They are loaded by path, so that the anchors do
not depend on what importing the `truss` package does (the venv has truss with its
dependencies, for the chains stub the server tests use): `truss_chains/pydantic_numpy.py` (NumpyArrayField) and
`truss/templates/shared/serialization.py` (truss's msgpack extensions).
"""

import functools
import importlib.metadata
import importlib.util
import json
import sys
from types import ModuleType
from typing import Any, Callable


def _load(dist: str, relative_path: str, module_name: str) -> ModuleType:
    path = importlib.metadata.distribution(dist).locate_file(relative_path)
    spec = importlib.util.spec_from_file_location(module_name, str(path))
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {relative_path} from the installed {dist} wheel at {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def pydantic_numpy() -> ModuleType:
    """truss_chains/pydantic_numpy.py: `NumpyArrayField`."""
    return _load("truss", "truss_chains/pydantic_numpy.py", "truss_pydantic_numpy")


@functools.cache
def serialization() -> ModuleType:
    """truss/templates/shared/serialization.py: `truss_msgpack_serialize` and friends."""
    return _load("truss", "truss/templates/shared/serialization.py", "truss_serialization")


def both_modes(model: Any, value: Any, verdict: Callable[[Callable[[], Any]], Any]) -> dict:
    """`value` in both of chainmodel's modes, with pydantic's verdict on each: its JSON text
    (`model_validate_json`) and truss's msgpack of it, as hex (`model_validate` of what truss's
    deserializer makes of it); `verdict` runs a validation and says what pydantic made of it. A
    value msgpack cannot hold (an integer beyond 64 bits) has `null` for both msgpack keys."""
    truss = serialization()
    text = json.dumps(value, ensure_ascii=False)
    try:
        packed = truss.truss_msgpack_serialize(value)
    except OverflowError:
        packed = None
    return {
        "json": text,
        "json_errors": verdict(lambda: model.model_validate_json(text)),
        "msgpack": None if packed is None else packed.hex(),
        "msgpack_errors": None
        if packed is None
        else verdict(lambda: model.model_validate(truss.truss_msgpack_deserialize(packed))),
    }
