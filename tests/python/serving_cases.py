"""The serving interop suite's pydantic side (see serving_models.py).

`python serving_cases.py emit` prints, for each model: its `model_json_schema()`, its samples in
JSON (`model_dump_json()`) and in binary mode (truss's msgpack of `model_dump(mode="python")`, as
hex), the lax JSON inputs it accepts with the text pydantic writes for them (and the same in binary
mode), and the JSON inputs it refuses, each verdict checked here against pydantic itself.
"""

import json
import sys

import pydantic

import anchors
import serving_models as models


def emit() -> None:
    serialization = anchors.serialization()
    out = {}
    for model in models.MODELS:
        name = model.__name__
        entry = {"schema": model.model_json_schema(), "json": [], "msgpack": [], "accept": [], "refuse": []}
        for value in models.SAMPLES[name]:
            instance = model.model_validate(value)
            entry["json"].append(instance.model_dump_json())
            try:
                packed = serialization.truss_msgpack_serialize(instance.model_dump(mode="python")).hex()
            except (TypeError, OverflowError):
                packed = None  # truss cannot write a set, nor an int past 64 bits: no such message
            entry["msgpack"].append(packed)
        for text in models.ACCEPT.get(name, []):
            accepted = [text, model.model_validate_json(text).model_dump_json()]
            # The same value in binary mode: the msgpack truss reads, and the msgpack it writes back.
            try:
                packed = serialization.truss_msgpack_serialize(json.loads(text))
            except OverflowError:
                accepted += [None, None]  # an int past 64 bits: no such binary message
                entry["accept"].append(accepted)
                continue
            value = model.model_validate(serialization.truss_msgpack_deserialize(packed))
            try:
                written = serialization.truss_msgpack_serialize(value.model_dump(mode="python")).hex()
            except (TypeError, OverflowError):
                written = None  # a set, or an int past 64 bits, which truss cannot write
            accepted += [packed.hex(), written]
            entry["accept"].append(accepted)
        for text in models.REFUSE.get(name, []):
            try:
                model.model_validate_json(text)
            except pydantic.ValidationError as e:
                entry["refuse"].append([text, [err["type"] for err in e.errors()]])
            else:
                raise AssertionError(f"{name}: pydantic accepts {text}, listed as refused")
            # The same value in binary mode, when msgpack can carry it.
            try:
                packed = serialization.truss_msgpack_serialize(json.loads(text)).hex()
            except OverflowError:
                continue
            try:
                model.model_validate(serialization.truss_msgpack_deserialize(bytes.fromhex(packed)))
            except pydantic.ValidationError:
                entry["refuse"][-1].append(packed)
        out[name] = entry
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    {"emit": emit}[sys.argv[1]]()
