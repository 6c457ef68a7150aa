"""Python modules written by `chainmodel codegen python` (tests/codegen.rs), checked against
pydantic and truss: each module is imported, its root model (the last class it defines) must
publish exactly the schema it was generated from (`model_json_schema()`), and read and write
back pydantic's JSON samples (`model_validate_json` → `model_dump_json`) and truss's msgpack
samples (`truss_msgpack_deserialize` → `model_validate` → `truss_msgpack_serialize` of
`model_dump(mode="python")`) byte for byte as the original class of serving_models.py does (the
sample itself, but where the original does otherwise: a `float = 0` default written back as
`0.0` once read, a `dict[int, float]` that truss's deserializer refuses).

Reads `{"dir": .., "models": [{"name", "file", "schema", "json": [..], "msgpack": [hex|null]}]}`
on stdin; prints `{"models": n, "json": n, "msgpack": n, "unread": [..], "failures": [..]}`.
"""

import importlib.util
import json
import sys

import pydantic

import anchors
import serving_models


def root_model(path: str, name: str) -> type:
    spec = importlib.util.spec_from_file_location(f"generated_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the module's annotations through it
    spec.loader.exec_module(module)
    classes = [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, pydantic.BaseModel)
               and v.__module__ == spec.name]
    return classes[-1]


def round_trip(read, write):
    """What reading then writing gives: ("ok", bytes or text) or ("error", the error's class)."""
    try:
        return ("ok", write(read()))
    except Exception as error:  # noqa: BLE001
        return ("error", type(error).__name__)


def main() -> None:
    request = json.load(sys.stdin)
    truss = anchors.serialization()
    failures = []
    # Samples that neither class reads back (the original's own limits), by model.
    counts = {"models": 0, "json": 0, "msgpack": 0, "unread": []}
    for entry in request["models"]:
        name = entry["name"]
        try:
            model = root_model(entry["file"], name)
        except Exception as error:  # noqa: BLE001
            failures.append(f"{name}: the module does not load: {type(error).__name__}: {error}")
            continue
        counts["models"] += 1
        schema = model.model_json_schema()
        if schema != entry["schema"]:
            failures.append(f"{name}: schema\n  Python: {json.dumps(schema)}\n  Rust:   {json.dumps(entry['schema'])}")
        original = getattr(serving_models, name)
        for text in entry["json"]:
            counts["json"] += 1
            ours = round_trip(lambda: model.model_validate_json(text), lambda m: m.model_dump_json())
            expected = round_trip(lambda: original.model_validate_json(text), lambda m: m.model_dump_json())
            if ours[0] == "error" and ours == expected:
                counts["unread"].append(f"{name} JSON")
            if ours != expected:
                failures.append(f"{name}: JSON {text}\n  generated: {ours}\n  original:  {expected}")
        for packed in entry["msgpack"]:
            if packed is None:
                continue
            counts["msgpack"] += 1
            data = bytes.fromhex(packed)
            dump = lambda m: truss.truss_msgpack_serialize(m.model_dump(mode="python")).hex()  # noqa: E731
            ours = round_trip(lambda: model.model_validate(truss.truss_msgpack_deserialize(data)), dump)
            expected = round_trip(lambda: original.model_validate(truss.truss_msgpack_deserialize(data)), dump)
            if ours[0] == "error" and ours == expected:
                counts["unread"].append(f"{name} msgpack")
            if ours != expected:
                failures.append(f"{name}: msgpack {packed}\n  generated: {ours}\n  original:  {expected}")
    print(json.dumps({**counts, "failures": failures}))


if __name__ == "__main__":
    main()
