"""Raw dicts (the Binary IO docs' client) with real truss and pydantic: `Model.from_value` and
`model.to_value()` in Rust against `model_validate(dict)` and `model_dump(mode="python")`.

`python value_cases.py emit` prints, per case, a message (`truss_msgpack_serialize(d)`, whose
`truss_msgpack_deserialize` is the dict pydantic validates), pydantic's verdict on
`model_validate` of that dict, and when it accepts, `truss_msgpack_serialize(model_dump(mode="python"))`
of the model (what Rust's `to_value` must give, byte for byte); when it refuses, the locations
of its errors. The samples of every model pair are cases too, beside lax and invalid dicts.
"""

import base64
import json
import sys

import numpy as np

import anchors
import models

serialization = anchors.serialization()

POINT = {"x": 1, "y": 2.0}

# (model, dict): lax inputs pydantic accepts, and invalid ones whose errors it locates.
CASES = [
    ("Nested", {"point": {"x": "1", "y": b"2.5"}, "points": [POINT, {"x": 2.0, "y": True}], "named": {"a": POINT},
                "boxed": POINT}),
    ("Nested", {"point": POINT, "points": [POINT, {"x": "a", "y": 2}], "named": {}, "boxed": POINT}),
    ("Nested", {"point": {"x": 1}, "points": [], "named": {}, "boxed": POINT}),
    ("Nested", {"point": POINT, "points": [], "named": {"a": POINT, "b": {"x": 1.5, "y": 0}}, "boxed": POINT}),
    ("Nested", {"point": POINT, "points": {"x": 1}, "named": {}, "boxed": POINT}),
    ("Nested", {"point": POINT, "points": [], "maybe_point": None, "named": {}, "boxed": POINT}),
    ("Nested", {"point": POINT, "points": [], "named": {}, "boxed": None}),
    ("Nested", {"point": [1, 2], "points": [], "named": {}, "boxed": POINT}),
    ("Scalars", {"flag": "yes", "tiny": "255", "small": b"-128", "short": 1.0, "signed_short": True, "word": " 7 ",
                 "signed_word": "-3", "big": 18446744073709551615, "signed_big": -5, "single": "1.5",
                 "double": b"2.25"}),
    ("Scalars", {"flag": 1, "tiny": 256, "small": 0, "short": 0, "signed_short": 0, "word": 0, "signed_word": 0,
                 "big": 0, "signed_big": 0, "single": 0.0, "double": 0.0}),
    ("Scalars", {"flag": 2, "tiny": 0, "small": 0, "short": 0, "signed_short": 0, "word": 0, "signed_word": 0,
                 "big": 0, "signed_big": 0, "single": 0.0, "double": 0.0}),
    ("Scalars", {"flag": True, "tiny": 0, "small": 0, "short": 0, "signed_short": 0, "word": 0, "signed_word": 0,
                 "big": -1, "signed_big": 0, "single": 0.0, "double": "x"}),
    ("Texts", {"text": b"bytes as text", "borrowed": "b"}),
    ("Texts", {"text": 1, "borrowed": "b"}),
    ("Texts", {"text": "t", "maybe": None}),
    ("Defaults", {}),
    ("Defaults", {"count": "7", "flag": "on", "names": ["a", b"b"], "ratio": None}),
    ("Defaults", {"names": ["a", 1]}),
    ("Strict", {"id": 1, "name": "n", "extra": 0}),
    ("Strict", {"id": "1", "name": "n"}),
    ("CamelCase", {"otherField": 1, "snakeCaseName": "s", "alt": 2}),
    ("CamelCase", {"other_field": 1, "snakeCaseName": "s", "primary": 2}),
    ("Enums", {"color": "blue", "colors": []}),
    ("Enums", {"color": "red", "colors": ["green", "purple"]}),
    ("Enums", {"color": "red", "maybe_color": None, "colors": []}),
    ("Collections", {"ints": ["1", 2.0], "grid": [[1, "2.5"]], "counts": {"a": "1"}, "pair": ["1", "x"],
                     "triple": [1, "true", []], "raw_bytes_as_ints": [0, "255"]}),
    ("Collections", {"ints": [], "grid": [], "counts": {}, "pair": [1], "triple": [1, True, []],
                     "raw_bytes_as_ints": []}),
    ("Collections", {"ints": [], "grid": [], "counts": {}, "pair": [1, "x"], "triple": [1, True, [1, 2**31]],
                     "raw_bytes_as_ints": [256]}),
    ("DataModel", {"some_numbers": np.arange(4.0), "other_field": b"x"}),
    ("DataModel", {"some_numbers": np.arange(4.0)}),
    # NumpyArrayField's JSON form as a dict (model_dump(mode="json")), which it validates too.
    ("DataModel", {"some_numbers": {"data_b64": base64.b64encode(np.arange(3.0).tobytes()).decode(), "shape": [3],
                                    "dtype": "float64"}, "other_field": "j"}),
    ("DataModel", {"some_numbers": {"data_b64": "AAAA", "shape": [3], "dtype": "float64"}, "other_field": "j"}),
    ("Embedding", {"id": "5", "name": "e", "embedding": np.ones(3, dtype=np.float32), "score": "0.5"}),
    ("Arrays", {"any_array": np.arange(3, dtype=">f8"), "floats": np.float32(2.5) * np.ones((1, 2), np.float32),
                "view": np.arange(5, dtype=np.uint8), "maybe_array": None, "arrays": [np.zeros(2, np.int16)]}),
    ("Dynamic", {"payload": {"a": [1, "x", None, {"b": [2.5]}], "k": 2**64 - 1}, "items": [{}, []]}),
    ("Dynamic", {"payload": 1}),
    ("Binary", {"blob": b"\x00\xff", "label": b"bytes label"}),
    ("Binary", {"blob": b"", "label": "l", "maybe_blob": None}),
    ("Binary", {"label": "l"}),
]


def dump(instance) -> str:
    return base64.b64encode(serialization.truss_msgpack_serialize(instance.model_dump(mode="python"))).decode()


def verdict(name: str, d) -> dict:
    import pydantic

    model = getattr(models, name)
    message = serialization.truss_msgpack_serialize(d)
    case = {"model": name, "message": base64.b64encode(message).decode()}
    try:
        instance = model.model_validate(serialization.truss_msgpack_deserialize(message))
    except pydantic.ValidationError as e:
        case["ok"] = False
        case["locations"] = [".".join(str(part) for part in error["loc"]) for error in e.errors()]
        return case
    except (TypeError, ValueError):
        # NumpyArrayField's validator raises TypeError for a bad array, which pydantic does not
        # turn into a ValidationError: refused, with no location (truss's server answers 500).
        case["ok"] = False
        case["locations"] = None
        return case
    case["ok"] = True
    case["dump"] = dump(instance)
    return case


def emit() -> None:
    rng = np.random.default_rng(13)
    out = []
    for name, values in models.all_samples(rng).items():
        for value in values:
            out.append(verdict(name, getattr(models, name).model_validate(value).model_dump(mode="python")))
    out.extend(verdict(name, d) for name, d in CASES)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    {"emit": emit}[sys.argv[1]]()
