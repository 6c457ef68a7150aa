"""JSON interop of model pairs with real pydantic, both directions.

`python model_cases.py emit`  prints each model's schema (with the NumpyArrayField correction)
                              and pydantic's JSON of its samples, for Rust to read and rewrite.
`python model_cases.py lax`   prints pydantic's verdict on lax scalar inputs (`"3"` for an int).
`python model_cases.py check` reads Rust's schemas and JSON texts on stdin and checks that each
                              schema equals pydantic's, each text validates against Rust's own
                              schema, and pydantic reads each text back to the same text.
"""

import datetime as dt
import decimal
import json
import sys

import jsonschema
import numpy as np

import anchors
import models


def correct_array_schema(schema):
    """NumpyArrayField's schema describes `data` with at least one dimension; the wire has
    `data_b64`, and 0-d arrays have the shape []. chainmodel describes the wire."""
    if isinstance(schema, dict):
        props = schema.get("properties")
        if isinstance(props, dict) and set(props) == {"data", "shape", "dtype"}:
            props = {("data_b64" if k == "data" else k): v for k, v in props.items()}
            props["shape"] = {k: v for k, v in props["shape"].items() if k != "minItems"}
            schema = {**schema, "properties": props,
                      "required": ["data_b64" if k == "data" else k for k in schema["required"]]}
        return {k: correct_array_schema(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [correct_array_schema(v) for v in schema]
    return schema


def emit() -> None:
    rng = np.random.default_rng(7)
    out = {"schemas": {}, "samples": {}}
    for model in models.MODELS:
        out["schemas"][model.__name__] = correct_array_schema(model.model_json_schema())
    for name, values in models.samples(rng).items():
        model = getattr(models, name)
        out["samples"][name] = [model.model_validate(v).model_dump_json() for v in values]
    json.dump(out, sys.stdout)


def check() -> None:
    received = json.load(sys.stdin)
    failures = []
    compared = 0
    for model in models.MODELS:
        name = model.__name__
        if name not in received["schemas"]:
            continue  # a pair whose Rust side needs features the build lacks; Rust reports it
        compared += 1
        expected = correct_array_schema(model.model_json_schema())
        schema = received["schemas"][name]
        if schema != expected:
            failures.append(f"{name}: schema differs\n  Rust:     {json.dumps(schema, sort_keys=True)}\n"
                            f"  pydantic: {json.dumps(expected, sort_keys=True)}")
    checked = 0
    for name, texts in received["texts"].items():
        model = getattr(models, name)
        validator = jsonschema.Draft202012Validator(received["schemas"][name])
        for text in texts:
            checked += 1
            errors = list(validator.iter_errors(json.loads(text)))
            if errors:
                failures.append(f"{name}: Rust JSON does not validate against Rust's schema: {errors[0].message}\n  {text[:300]}")
            try:
                again = model.model_validate_json(text).model_dump_json()
            except Exception as e:  # noqa: BLE001 - every failure is reported
                failures.append(f"{name}: pydantic rejects Rust JSON: {e}\n  {text[:300]}")
                continue
            if again != text:
                failures.append(f"{name}: pydantic reads Rust JSON to another value\n  Rust:     {text[:400]}\n  pydantic: {again[:400]}")
    for failure in failures:
        print(failure, file=sys.stderr)
    print(f"pydantic checked {compared} schemas and {checked} Rust JSON texts: {len(failures)} failures")
    sys.exit(1 if failures else 0)




LAX_INPUTS = ['1', '1.0', '1.5', '-0', '0', '2', '1e3', '"12"', '" 12 "', '"1.0"', '"abc"', '"nan"', '"inf"', '"-inf"',
              '"yes"', '"OFF"', '"t"', '"1"', '""', 'true', 'false', 'null', '[1]', '{}', 'NaN', 'Infinity',
              '-Infinity', '99999999999999999999', '1E400', '"1e2"', '" -7 "', '0.1', '1e30', '-0.0', '1.00',
              '"1_000"', '"+1.5"', '"1.50"', '"-0"', '"1e30"', '"sNaN"', '12345678901234567.5', '"1_e5"', '"_1"',
              '" 1_0 "', '"in_f"', '"1__0"', '"2024-05-01T12:00:00"', '"2024-05-01T12:00:00Z"', '"2024-05-01"',
              '"2024-05-01 12:00:00.5+01:00"', '"2024-05-01T12:00"', '1700000000', '"1700000000.25"', '"2024-13-01"']


# Binary mode adds what msgpack carries and JSON does not: bytes.
LAX_BINARY_ONLY = [b"12", b"abc", b"", b"true", b"1.5"]


def lax() -> None:
    """pydantic's verdict on each scalar input for int (bounded as Rust's i64 and u8, and unbounded as
    BigInt), float, bool, str, Decimal and bytes fields, in JSON
    mode (`model_validate_json` of the text) and in binary mode (`model_validate` of what
    `truss_msgpack_deserialize` makes of the msgpack, as truss's server does)."""
    from typing import Annotated

    import pydantic

    serialization = anchors.serialization()
    i64 = Annotated[int, pydantic.Field(ge=-(2**63), le=2**63 - 1)]  # Rust's i64
    u8 = Annotated[int, pydantic.Field(ge=0, le=255)]  # Rust's u8
    out = []
    for name, tp in [("int", i64), ("u8", u8), ("float", float), ("bool", bool), ("str", str),
                     ("decimal", decimal.Decimal), ("bytes", bytes), ("bigint", int), ("datetime", dt.datetime)]:
        model = pydantic.create_model(f"Lax_{name}", v=(tp, ...))

        def verdict(validate, mode, raw, message):
            try:
                value = validate().v
                # A datetime as pydantic's JSON writes it (`Z` for UTC), naive or aware.
                shown = value.isoformat().replace("+00:00", "Z") if isinstance(value, dt.datetime) else repr(value)
                out.append({"type": name, "mode": mode, "input": raw, "message": message, "ok": True,
                            "value": shown})
            except pydantic.ValidationError:
                out.append({"type": name, "mode": mode, "input": raw, "message": message, "ok": False})

        for raw in LAX_INPUTS:
            text = '{"v":' + raw + "}"
            if name != "bytes":  # a model with bytes is binary-only in chainmodel
                verdict(lambda: model.model_validate_json(text), "json", raw, text)
            python_value = json.loads(raw)
            try:
                packed = serialization.truss_msgpack_serialize({"v": python_value})
            except (OverflowError, TypeError):
                continue  # beyond msgpack (an int past 64 bits)
            received = serialization.truss_msgpack_deserialize(packed)
            verdict(lambda: model.model_validate(received), "msgpack", raw, packed.hex())
        for raw in LAX_BINARY_ONLY:
            packed = serialization.truss_msgpack_serialize({"v": raw})
            received = serialization.truss_msgpack_deserialize(packed)
            verdict(lambda: model.model_validate(received), "msgpack", repr(raw), packed.hex())
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    {"emit": emit, "check": check, "lax": lax}[sys.argv[1]]()
