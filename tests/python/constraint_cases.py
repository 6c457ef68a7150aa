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


def int_range(lo, hi, **bounds):
    """An integer field of a Rust integer type: its range, the field's own `ge`/`le` in its place, as
    the Rust schema writes them (i64 and isize have no range)."""
    return Annotated[int, Field(**{"ge": lo, "le": hi, **bounds})]


U64_MAX = 2**64 - 1
I64_MIN = -(2**63)


# Integer bounds compared as integers, near every integer type's ends.
class IntBounds(BaseModel):
    big: int = Field(default=0, le=9007199254740992)
    hundred: int = Field(default=0, multiple_of=100)
    low: int = Field(default=0, ge=-9223372036854775807)
    ten: int = Field(default=0, le=10)
    size: int = Field(default=0, lt=-5)
    top: int_range(0, U64_MAX, le=U64_MAX - 1) = 0
    above: int_range(0, U64_MAX, gt=U64_MAX - 2) = 0
    below_max: int_range(0, U64_MAX, lt=U64_MAX) = 0
    three: int_range(0, U64_MAX, multiple_of=3) = 0
    usz: int_range(0, U64_MAX, ge=5) = 0
    small: int_range(0, 255, le=200) = 0
    tiny: int_range(0, 255, lt=10) = 0
    byte: int_range(-128, 127, gt=-128) = 0
    short: int_range(0, 65535, ge=1, multiple_of=7) = 0
    signed_short: int_range(-32768, 32767, lt=-32767) = 0
    word: int_range(0, 4294967295, le=4294967294) = 0
    signed_word: int_range(-2147483648, 2147483647, ge=-2147483647, multiple_of=1000) = 0
    f: float = Field(default=0.0, le=9007199254740993)
    items: list[Annotated[int, Field(le=10)]] = []
    bytes_: list[int_range(0, 255, lt=10)] = Field(default=[], alias="bytes")


class Batch(pydantic.RootModel[list[str]]):
    root: list[str] = Field(min_length=1, max_length=3)


class Scores(pydantic.RootModel[list[Annotated[int, Field(ge=0)]]]):
    pass


class Name(pydantic.RootModel[str]):
    root: str = Field(pattern="^[a-z]+$")


MODELS = [Numbers, Lengths, Patterns, Required, Nullable, Items, StrictOnes, Batch, Scores, Name, IntBounds]

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
    "IntBounds": [
        {"big": 9007199254740992}, {"big": 9007199254740993}, {"big": "9007199254740993.0"}, {"big": "9007199254740992.00"},
        {"hundred": 10000000001}, {"hundred": 10000000000}, {"hundred": -100}, {"hundred": "10000000001.0"},
        {"hundred": 9223372036854775807}, {"hundred": I64_MIN},
        {"low": I64_MIN}, {"low": I64_MIN + 1}, {"low": I64_MIN - 1},
        {"ten": 10}, {"ten": 11}, {"ten": 11.0}, {"ten": 1e20}, {"ten": 1e19}, {"ten": 9.2e18}, {"ten": -9.3e18},
        {"ten": 9223372036854775807.0}, {"ten": 100000000000000000000}, {"ten": "100000000000000000000"},
        {"ten": " 100000000000000000000.000 "}, {"ten": 9223372036854775808}, {"ten": U64_MAX},
        {"ten": 10**40}, {"ten": "1" * 40}, {"ten": "1" * 4301}, {"ten": "1_000"}, {"ten": "1_0"},
        {"size": -6}, {"size": -5}, {"size": I64_MIN},
        {"top": U64_MAX - 1}, {"top": U64_MAX}, {"top": U64_MAX + 1}, {"top": -1},
        {"above": U64_MAX - 2}, {"above": U64_MAX - 1}, {"above": U64_MAX}, {"above": U64_MAX + 1},
        {"below_max": U64_MAX}, {"below_max": U64_MAX - 1},
        {"three": U64_MAX}, {"three": U64_MAX - 1}, {"three": U64_MAX + 2}, {"three": -3},
        {"usz": 4}, {"usz": -1}, {"usz": U64_MAX + 1},
        {"small": 200}, {"small": 201}, {"small": 300}, {"small": -1},
        {"tiny": 9}, {"tiny": 10}, {"tiny": 300}, {"tiny": -1},
        {"byte": -127}, {"byte": -128}, {"byte": -129}, {"byte": 128},
        {"short": 0}, {"short": 7}, {"short": 8}, {"short": 70000}, {"short": 70007}, {"short": -7},
        {"signed_short": -32768}, {"signed_short": -32767}, {"signed_short": -40000}, {"signed_short": 40000},
        {"word": 4294967294}, {"word": 4294967295}, {"word": 4294967296},
        {"signed_word": -2147483648}, {"signed_word": -2147483000}, {"signed_word": 1001}, {"signed_word": 2147483648},
        {"f": 9007199254740992}, {"f": 9007199254740993}, {"f": 9007199254740994}, {"f": 9.007199254740994e15},
        {"items": [10, 11, 100000000000000000000, 1e20, "12"]},
        {"bytes": [9, 10, 300, -1, 1000]},
    ],
    "StrictOnes": [
        {"n": 1}, {"n": "1"}, {"n": 1.0}, {"n": True}, {"n": -1}, {"f": 1}, {"f": "1.5"}, {"f": False},
        {"s": 1}, {"s": None}, {"n": "x", "f": "y", "s": 2},
    ],
}


def verdict(read):
    try:
        read()
    except pydantic.ValidationError as e:
        return [[err["type"], err["loc"], err["msg"], err.get("ctx")] for err in json.loads(e.json(include_url=False))]
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
