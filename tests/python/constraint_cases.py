"""The constraint interop suite's pydantic side (see tests/interop_constraints.rs).

`python constraint_cases.py emit` prints, for each model: its `model_json_schema()`, and for each
input (boundary values of every constraint), the JSON text and truss's msgpack of it, with what
pydantic makes of each: `null` if it accepts it, else its errors' `(type, loc, msg)`.
"""

import json
import sys
from typing import Annotated, Optional

import pydantic
from pydantic import BaseModel, Field

import anchors


class Numbers(BaseModel):
    n: int = Field(default=5, ge=1)
    x: float = Field(default=1.0, gt=0, le=10)
    m: int = Field(default=4, lt=100, multiple_of=2)
    h: float = Field(default=1.0, multiple_of=0.5)
    o: Optional[int] = Field(default=None, ge=-3)
    f: float = Field(default=0.0, ge=-1.5, lt=2.5)


class Lengths(BaseModel):
    s: str = Field(default="ab", min_length=1, max_length=3)
    l: list[int] = Field(default=[1], min_length=1, max_length=2)
    d: dict[str, int] = Field(default={"a": 1}, min_length=1, max_length=2)
    st: set[int] = Field(default={1}, min_length=1, max_length=2)
    o: Optional[str] = Field(default=None, max_length=2)
    one: list[int] = Field(default=[], max_length=1)


class Patterns(BaseModel):
    p: str = Field(default="a1", pattern="^a[0-9]+")
    q: str = Field(default="b", pattern="b")
    u: Optional[str] = Field(default=None, pattern=r"^\d{3}-\w+$")


class Required(BaseModel):
    n: int = Field(ge=1)
    s: str = Field(min_length=1)


class Nullable(BaseModel):
    o: Optional[int] = Field(ge=1)
    s: Optional[str]
    made: list[int] = Field(default_factory=lambda: [1, 2], max_length=2)
    maybe: Optional[int] = Field(default_factory=lambda: None)


class Items(BaseModel):
    tags: list[Annotated[str, Field(min_length=1)]] = []
    scores: dict[str, Annotated[int, Field(ge=0)]] = {}
    ids: Optional[list[Annotated[int, Field(gt=0, le=100)]]] = None
    codes: set[Annotated[str, Field(pattern="^[A-Z]{2}$")]] = set()
    short: list[Annotated[str, Field(max_length=2)]] = Field(default=[], max_length=3)


class StrictOnes(BaseModel):
    model_config = pydantic.ConfigDict(strict=True)
    n: int = Field(default=0, ge=0)
    f: float = 0.0
    s: Optional[str] = None


class Batch(pydantic.RootModel[list[str]]):
    root: list[str] = Field(min_length=1, max_length=3)


class Scores(pydantic.RootModel[list[Annotated[int, Field(ge=0)]]]):
    pass


class Name(pydantic.RootModel[str]):
    root: str = Field(pattern="^[a-z]+$")


MODELS = [Numbers, Lengths, Patterns, Required, Nullable, Items, StrictOnes, Batch, Scores, Name]

CASES = {
    "Numbers": [
        {"n": 0}, {"n": 1}, {"n": 1.0}, {"n": "1"}, {"n": True}, {"n": False}, {"n": "0"}, {"n": -5},
        {"x": 0}, {"x": 0.0}, {"x": 1e-9}, {"x": 10}, {"x": 10.0}, {"x": 10.000001}, {"x": "10"}, {"x": -1},
        {"x": "11"}, {"x": True},
        {"m": 100}, {"m": 98}, {"m": 99}, {"m": -2}, {"m": 0}, {"m": 101}, {"m": "3"},
        {"h": 1.5}, {"h": 1.25}, {"h": 0.1}, {"h": 3}, {"h": -0.5}, {"h": 0},
        {"o": None}, {"o": -3}, {"o": -4}, {"o": "-4"},
        {"f": -1.5}, {"f": -1.6}, {"f": 2.5}, {"f": 2.4999}, {"f": -2},
    ],
    "Lengths": [
        {"s": ""}, {"s": "a"}, {"s": "abc"}, {"s": "abcd"}, {"s": "héé"}, {"s": "😀😀😀"}, {"s": "😀😀😀😀"},
        {"l": []}, {"l": [1]}, {"l": [1, 2]}, {"l": [1, 2, 3]},
        {"d": {}}, {"d": {"a": 1, "b": 2}}, {"d": {"a": 1, "b": 2, "c": 3}},
        {"st": []}, {"st": [1, 2]}, {"st": [1, 2, 3]}, {"st": [1, 1, 1]},
        {"o": None}, {"o": "ab"}, {"o": "abc"},
        {"one": [1]}, {"one": [1, 2]},
    ],
    "Patterns": [
        {"p": "a12"}, {"p": "xa1"}, {"p": "a"}, {"p": "a1x"}, {"p": ""},
        {"q": "abc"}, {"q": "xyz"}, {"q": ""}, {"q": "B"},
        {"u": None}, {"u": "123-abc"}, {"u": "12-abc"}, {"u": "123-"}, {"u": "١٢٣-x"},
    ],
    "Required": [
        {"n": 1, "s": "a"}, {"n": 0, "s": "a"}, {"n": 1, "s": ""}, {"s": "a"},
    ],
    "Nullable": [
        {"o": 1, "s": None}, {"s": "x"}, {"o": None, "s": None}, {"o": 0, "s": "a"}, {"o": 1},
        {"o": 1, "s": None, "made": []}, {"o": 1, "s": None, "made": [1, 2, 3]}, {"o": 1, "s": None, "maybe": 3},
    ],
    "Items": [
        {"tags": ["a", "", "b", ""]}, {"tags": ["a"]}, {"tags": [1]}, {"scores": {"a": 0, "b": -1, "c": "x"}},
        {"scores": {"a": "1"}}, {"ids": None}, {"ids": [1, 100]}, {"ids": [0, 101, "5", 5.5]}, {"ids": []},
        {"codes": ["AB", "abc", "A"]}, {"codes": ["AB", "CD"]}, {"short": ["ab", "abc"]},
        {"short": ["abc", "abc", "abc", "abc"]}, {"short": ["a", "b", "c"]},
    ],
    "Batch": [[], ["a"], ["a", "b", "c"], ["a", "b", "c", "d"], [1], ["a", 1, 2, 3], "x"],
    "Scores": [[], [0, 1], [1, -1, -2], ["3", "x"], {"a": 1}],
    "Name": ["abc", "ABC", "", 3],
    "StrictOnes": [
        {"n": 1}, {"n": "1"}, {"n": 1.0}, {"n": True}, {"n": -1}, {"f": 1}, {"f": "1.5"}, {"f": False},
        {"s": 1}, {"s": None}, {"n": "x", "f": "y", "s": 2},
    ],
}


def verdict(read):
    try:
        read()
    except pydantic.ValidationError as e:
        return [[err["type"], list(err["loc"]), err["msg"]] for err in e.errors(include_url=False)]
    return None


def emit() -> None:
    out = {}
    for model in MODELS:
        name = model.__name__
        cases = [anchors.both_modes(model, value, verdict) for value in CASES[name]]
        out[name] = {"schema": model.model_json_schema(), "cases": cases}
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    {"emit": emit}[sys.argv[1]]()
