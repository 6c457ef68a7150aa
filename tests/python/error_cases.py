"""The error interop suite's pydantic side (issue 15; see tests/interop_errors.rs).

`python error_cases.py emit` prints, for each model, a list of bad (and a few good) inputs: the
JSON text, truss's msgpack of the value (hex), and what pydantic makes of each in JSON mode
(`model_validate_json`) and binary mode (`model_validate(truss_msgpack_deserialize(..))`): `null`
if it accepts it, else its full error list as `json.loads(e.json(include_url=False))` gives it
(`type`, `loc`, `msg`, `input`, `ctx` where present). Cases that only make sense as JSON text
(`json_invalid`) carry no msgpack and `null` msgpack errors, with `json_only: true`.
"""

import datetime as dt
import decimal
import json
import sys
import uuid
from enum import Enum, IntEnum
from typing import Annotated, Any, Literal, Optional, Union

import pydantic
from pydantic import AliasChoices, BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

import anchors


# Scalars and containers, extra keys forbidden; fields deliberately not in alphabetical order.
class Scalars(BaseModel):
    model_config = ConfigDict(extra="forbid")
    zeta: int
    alpha: float
    mid: bool
    name: str
    tags: list[str]
    meta: dict[str, int]


# Nested models, in a field, in lists, in dict values, and lists of lists.
class Point(BaseModel):
    model_config = ConfigDict(extra="forbid")
    x: int
    y: float


class Scene(BaseModel):
    origin: Point
    points: list[Point] = []
    by_name: dict[str, Point] = {}
    grid: list[list[int]] = []


# A string enum and literals.
class Kind(str, Enum):
    IMAGE = "image"
    AUDIO = "audio"
    TEXT = "text"


class Choices(BaseModel):
    kind: Kind = Kind.TEXT
    rate: Literal[8000, 16000] = 16000
    mode: Literal["a", "b"] = "a"
    kinds: list[Kind] = []


# A discriminated union.
class TextPart(BaseModel):
    type: Literal["text"]
    text: str


class ImagePart(BaseModel):
    type: Literal["image"]
    url: str
    width: int = 0


Part = Annotated[Union[TextPart, ImagePart], Field(discriminator="type")]


class Message(BaseModel):
    part: Optional[Part] = None
    parts: list[Part] = []


# Constraints (defaults are not checked, so each case only fails where it says).
class Bounded(BaseModel):
    n: int = Field(default=0, ge=1, le=10)
    x: float = Field(default=0.5, gt=0, lt=1)
    m: int = Field(default=0, multiple_of=3)
    s: str = Field(default="abc", min_length=2, max_length=4)
    p: str = Field(default="a", pattern=r"^[a-z]+$")
    l: list[int] = Field(default=[1], min_length=1, max_length=3)
    rows: list["BoundedRow"] = []


class BoundedRow(BaseModel):
    v: float = Field(default=0, gt=-1, le=1)
    w: int = Field(default=0, lt=5)


Bounded.model_rebuild()


# Many errors at once.
class Many(BaseModel):
    values: list[int] = []


# UUIDs and datetimes.
class Temporal(BaseModel):
    id: uuid.UUID = uuid.UUID(int=0)
    at: dt.datetime = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    naive: dt.datetime = dt.datetime(2020, 1, 1)
    ids: list[uuid.UUID] = []


# Strict mode: per field, and per model.
class StrictFields(BaseModel):
    n: int = Field(default=0, strict=True)
    b: bool = Field(default=False, strict=True)
    f: float = Field(default=0.0, strict=True)
    s: str = Field(default="", strict=True)
    lax: int = 0


class StrictModel(BaseModel):
    model_config = ConfigDict(strict=True)
    n: int = 0
    f: float = 0.0
    b: bool = False
    s: str = ""
    ns: list[int] = []


# Validators: field validators (mode after) and a model validator (mode after).
class Validated(BaseModel):
    even: int = Field(default=0, ge=0)
    name: str = "x"
    lo: int = 0
    hi: int = 0

    @field_validator("even")
    @classmethod
    def _even(cls, v: int) -> int:
        if v % 2:
            raise ValueError(f"{v} is odd")
        return v

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("name is blank")
        return v

    @model_validator(mode="after")
    def _order(self) -> "Validated":
        if self.lo > self.hi:
            raise ValueError("lo must not exceed hi")
        return self


class ValidatedHolder(BaseModel):
    one: Validated = Validated()
    items: list[Validated] = []


# Constraints on list items and dict values.
class ItemRules(BaseModel):
    tags: list[Annotated[str, Field(min_length=1)]] = []
    scores: dict[str, Annotated[int, Field(ge=0)]] = {}


# Dict keys: a bad key is located at the key, then `[key]`; a key is located as the input gives it
# (binary mode's int keys as ints, bytes as their repr).
class Keys(BaseModel):
    d: dict[int, int] = {}
    e: dict[int, str] = {}
    s: dict[str, int] = {}


# Choices whose values need Python's repr in pydantic's messages (quotes, non-printables).
class Quoted(str, Enum):
    APOSTROPHE = "it's"
    QUOTES = 'say "x"'
    NEL = "é\x85"


class QuotedA(BaseModel):
    kind: Literal["it's"]


class QuotedB(BaseModel):
    kind: Literal["é\x85"]


class Quotes(BaseModel):
    lit: Literal["it's", 'say "x"', "é\x85", "a\\b"] = "it's"
    en: Quoted = Quoted.APOSTROPHE
    part: Optional[Annotated[Union[QuotedA, QuotedB], Field(discriminator="kind")]] = None


# bytes fields: binary mode only (a model with bytes has no JSON form in chainmodel).
class Blob(BaseModel):
    audio: bytes
    clips: list[bytes] = []
    n: int = 0


# AliasChoices: the first choice given is read (whatever the order of the keys), at its own key;
# the other choices are extra keys (refused here); the field's own name is not read.
class AliasPick(BaseModel):
    model_config = ConfigDict(extra="forbid")
    x: int = Field(validation_alias=AliasChoices("a", "b", "c"))
    y: int = 0


# Plain unions name each member in their errors' locations as pydantic-core labels it
# (`literal['none','auto']`, `dict[str,int]`, `dict[any,any]`, `list[any]`, `tagged-union[TextPart,ImagePart]`,
# `str-enum[Kind]`, `int-enum[Level]`, `nullable[int]`, `tuple[int, str]`).
class Level(IntEnum):
    LOW = 0
    HIGH = 2


class Labeled(BaseModel):
    a: Union[Literal["none", "auto"], Literal[1, 2], dict[str, int], set[int], list[Any], float, dict]
    b: Union[list[Part], dict[str, Any], list[Optional[int]], Kind, Level]
    c: Union[tuple[int, str], list[list[int]], dict[int, str], Part, list[Union[int, TextPart]]]


# Decimals as pydantic reads them: strings, integers exactly, floats through their text; NaN and
# infinities refused; max_digits and decimal_places counted as given and without trailing zeros.
class Money(BaseModel):
    amount: decimal.Decimal
    price: decimal.Decimal = Field(decimal.Decimal("0"), max_digits=5, decimal_places=2)
    rate: Optional[decimal.Decimal] = Field(None, max_digits=3)
    places: decimal.Decimal = Field(decimal.Decimal("0"), decimal_places=1)


# Integers: Rust's i64 and u8 are pydantic's int within their range (the bound named is the
# type's), BigInt is pydantic's unbounded int; a float past 2^63 is int_parsing_size for each.
class Ints(BaseModel):
    n: Annotated[int, Field(ge=-(2**63), le=2**63 - 1)] = 0
    small: Annotated[int, Field(ge=0, le=255)] = 0
    big: int = 0
    counts: list[int] = []


# A union discriminated by a function, as TensorRT-LLM's configs version theirs: the tag field,
# or "v1" when it is absent (or the value is no dict); None is no tag.
def get_version(value):
    if isinstance(value, dict):
        return value.get("version", "v1")
    return getattr(value, "version", "v1")


class ConfigV1(BaseModel):
    version: Literal["v1"] = "v1"
    a: int = 0


class ConfigV2(BaseModel):
    version: Literal["v2"]
    b: int = 0


VersionedConfig = Annotated[Union[Annotated[ConfigV1, Tag("v1")], Annotated[ConfigV2, Tag("v2")]],
                            Discriminator(get_version)]


class Versioned(BaseModel):
    cfg: VersionedConfig
    more: list[VersionedConfig] = []


# Validators that return the value: a field's in mode "after" (strip, lowercase, refuse), a field's
# in mode "before" (a comma-separated string as a list), and the model's in mode "after".
class Signup(BaseModel):
    email: str
    tags: list[str] = []
    name: str = ""

    @field_validator("email")
    @classmethod
    def normalize_email(cls, value):
        value = value.strip().lower()
        if "@" not in value:
            raise ValueError("not an email")
        return value

    @field_validator("tags", mode="before")
    @classmethod
    def split_tags(cls, value):
        if isinstance(value, str):
            return [tag for tag in value.split(",") if tag]
        return value

    @model_validator(mode="after")
    def name_from_email(self):
        if not self.name:
            self.name = self.email.split("@")[0]
        return self


MODELS = [Scalars, Scene, Choices, Message, Bounded, Many, Temporal, StrictFields, StrictModel, Validated,
          ValidatedHolder, ItemRules, Keys, Quotes, Blob, AliasPick, Labeled, Money, Ints, Versioned,
          Signup]

GOOD_SCALARS = {"zeta": 1, "alpha": 1.5, "mid": True, "name": "n", "tags": ["a"], "meta": {"a": 1}}


def scalars(**changes):
    value = dict(GOOD_SCALARS)
    for key, new in changes.items():
        if new is DROP:
            del value[key]
        else:
            value[key] = new
    return value


DROP = object()


class Raw:
    """A JSON-only case: raw text, no msgpack."""

    def __init__(self, text):
        self.text = text


UUID = "12345678-1234-5678-1234-567812345678"

CASES = {
    "Blob": [],
    "Labeled": [
        {"a": None, "b": None, "c": None},
        {"a": {"k": "x"}, "b": [{"type": "video"}, None], "c": [1, "x"]},
        {"a": "nonE", "b": "x", "c": {"z": 1}},
        {"a": [1], "b": {"k": 1}, "c": [[1, "x"]]},
    ],
    "Signup": [
        {"email": " Ann@X.org ", "tags": "a,,b"}, {"email": "nope"}, {"email": "a@b", "tags": 5},
        {"email": 5, "tags": [1, "x"]}, {"email": "NOPE", "tags": "x", "name": 3}, {"tags": ["a"]},
        {"email": "a@b", "tags": ["x", None]},
    ],
    "Versioned": [
        {"cfg": {}}, {"cfg": {"a": 3}}, {"cfg": {"version": "v2", "b": 1}}, {"cfg": {"version": "v3"}},
        {"cfg": {"version": "v2", "b": "x"}}, {"cfg": 5}, {"cfg": {"version": 5}}, {"cfg": {"version": "v1", "a": "x"}},
        {"cfg": None}, {"cfg": []}, {"cfg": {"version": None}}, {"cfg": {"a": "x", "version": "v1"}},
        {"cfg": {}, "more": [{"b": 2}, {"version": "v2"}, "x", {"version": "v2", "a": 1}]},
    ],
    "Ints": [
        {"n": 1e20}, {"n": 9.3e18}, {"n": -9.3e18}, {"n": "1e20"}, {"n": 1.5}, {"n": "9223372036854775808"},
        {"n": 9223372036854775808}, {"small": 300}, {"small": -1}, {"small": 1e20}, {"small": "256"},
        {"big": 1e20}, {"big": 12345678901234567890}, {"big": "x"}, {"big": 5.5}, {"big": True}, {"big": None},
        {"counts": [1, 1e19, "2_0", "x", 2.5]},
    ],
    "Money": [
        {"amount": "1.50"}, {"amount": 10}, {"amount": 0.1}, {"amount": "1e30"}, {"amount": 1e30}, {"amount": 1.0},
        {"amount": "abc"}, {"amount": True}, {"amount": None}, {"amount": []}, {"amount": {}}, {"amount": "NaN"},
        {"amount": "-Infinity"}, {"amount": "sNaN"}, {"amount": " 1_000.5 "}, {"amount": "1e"}, {"amount": "0x10"},
        {"amount": "1", "price": "1.234"}, {"amount": "1", "price": "123456"}, {"amount": "1", "price": "1000"},
        {"amount": "1", "price": "1.200"}, {"amount": "1", "price": "999.99"}, {"amount": "1", "price": 1.5},
        {"amount": "1", "price": "-0.001"}, {"amount": "1", "price": "0E-7"}, {"amount": "1", "price": "1E+5"},
        {"amount": "1", "rate": "12.30"}, {"amount": "1", "rate": "1234"}, {"amount": "1", "rate": "0.0001"},
        {"amount": "1", "places": "0.05"}, {"amount": "1", "places": "7.50"}, {"amount": "1", "places": 2.25},
        {"amount": "x", "price": "1.234", "rate": "1234", "places": "nan"},
    ],
    "AliasPick": [
        {"a": 1}, {"b": 2}, {"c": 3}, {"b": "q"}, {"b": 2, "a": 1}, {"a": 1, "b": 2}, {"c": 3, "b": 2, "a": 1},
        {"b": "q", "y": "z", "a": 1}, {"b": 1, "a": "q"}, {"c": "q", "b": "r"}, {"x": 1, "b": 2}, {"x": 3}, {},
        {"c": 1, "z": 0, "a": 2},
    ],
    "Scalars": [
        GOOD_SCALARS,
        # missing
        {},
        scalars(zeta=DROP), scalars(name=DROP, alpha=DROP),
        # extra_forbidden
        scalars(extra=1), scalars(zz=[1, 2], aa={"k": "v"}),
        # int_parsing, int_from_float, int_type
        scalars(zeta="two"), scalars(zeta="1.5"), scalars(zeta=" 7 "), scalars(zeta=""),
        scalars(zeta=1.5), scalars(zeta=-0.5), scalars(zeta=2.0),
        scalars(zeta=None), scalars(zeta=[1]), scalars(zeta={"a": 1}), scalars(zeta=True),
        # float_parsing, float_type
        scalars(alpha="abc"), scalars(alpha=""), scalars(alpha="1e3"), scalars(alpha=None), scalars(alpha=[1.5]),
        scalars(alpha=False),
        # bool_parsing, bool_type
        scalars(mid="maybe"), scalars(mid="yes"), scalars(mid=2), scalars(mid=0.5), scalars(mid=None),
        scalars(mid=[True]), scalars(mid=1), scalars(mid="off"),
        # string_type
        scalars(name=5), scalars(name=None), scalars(name=["a"]), scalars(name=True), scalars(name=1.5),
        # list_type, items
        scalars(tags="abc"), scalars(tags={"a": "b"}), scalars(tags=None), scalars(tags=5),
        scalars(tags=["a", 1, None, "b", ["c"]]),
        # dict_type, values
        scalars(meta=[1, 2]), scalars(meta="m"), scalars(meta=None), scalars(meta=3),
        scalars(meta={"a": "x", "b": 1.5, "c": 3, "d": None}),
        # several errors in one input: three wrong, one missing, one extra, keys out of field order
        {"tags": [1], "extra": True, "mid": "maybe", "zeta": "x", "alpha": 1.0, "meta": {}},
        {"unknown": 1, "name": 7, "meta": {"k": "v"}, "alpha": "nan?", "zeta": 1.25},
        {"b_extra": 1, "a_extra": 2, "zeta": None, "name": None},
    ],
    "Scene": [
        {"origin": {"x": 1, "y": 2.0}},
        {},
        # model_type
        {"origin": "abc"}, {"origin": [1, 2]}, {"origin": 5}, {"origin": None},
        {"origin": {"x": 1, "y": 1}, "points": ["p", [1], None]},
        # nested missing / extra / types
        {"origin": {}},
        {"origin": {"x": "a", "y": "b", "z": 0}},
        {"origin": {"y": 1, "x": 2, "w": 3}},
        {"origin": {"x": 1, "y": 1}, "points": [{"x": 1, "y": 1}, {"x": "bad"}, {}, {"x": 1.5, "y": None, "q": 1}]},
        {"points": [{"y": 0}] * 3},
        # the whole input is no map
        [1, 2], "scene", None, 3,
        # dict values
        {"origin": {"x": 1, "y": 1}, "by_name": {"a": {"x": 1}, "b": "no", "c": {"x": 1, "y": 2}, "d": {"x": [], "y": {}}}},
        {"origin": {"x": 1, "y": 1}, "by_name": []},
        # lists of lists at several indices
        {"origin": {"x": 1, "y": 1}, "grid": [[1, 2], [3, "x"], "row", [None, 4, 5.5]]},
        {"origin": {"x": 1, "y": 1}, "grid": [[], [[1]]]},
    ],
    "Choices": [
        {"kind": "image", "rate": 8000, "mode": "b", "kinds": ["audio"]},
        # enum
        {"kind": "video"}, {"kind": "IMAGE"}, {"kind": 1}, {"kind": None}, {"kinds": ["text", "x", "audio", "y"]},
        # literal_error
        {"rate": 44100}, {"rate": "8000"}, {"rate": 8000.0}, {"rate": "a"}, {"rate": True},
        {"mode": "c"}, {"mode": "A"}, {"mode": 1}, {"mode": None},
        {"kind": "bad", "rate": 1, "mode": "z", "kinds": [3]},
    ],
    "Message": [
        {"part": {"type": "text", "text": "hi"}, "parts": [{"type": "image", "url": "u"}]},
        # union_tag_invalid
        {"part": {"type": "video", "text": "hi"}}, {"part": {"type": 5}}, {"part": {"type": None, "text": "x"}},
        {"part": {"type": "Text", "text": "x"}},
        # union_tag_not_found
        {"part": {"text": "hi"}}, {"part": {}}, {"parts": [{"type": "text", "text": "a"}, {"url": "u"}, {"type": "x"}]},
        # not a dict
        {"part": "text"}, {"part": [1]}, {"parts": "x"}, {"parts": [3, None]},
        # a member's own errors, located under the tag
        {"part": {"type": "text"}}, {"part": {"type": "image", "url": 3, "width": "w"}},
        # tags that are no str: written as Python's str() of the value
        {"part": {"type": ["text"]}}, {"part": {"type": [1, "a", None, 2.5, True, {"k": "v"}]}}, {"part": {"type": []}},
        {"part": {"type": {"a": 1}}}, {"part": {"type": 1.5}}, {"part": {"type": 1e20}}, {"part": {"type": -0.0}},
        {"part": {"type": True}}, {"part": {"type": "it's"}}, {"part": {"type": 'say "x"'}},
        {"parts": [{"text": "x", "type": "text"}, {"type": "image", "width": 1.5}, {"type": "text", "text": None}]},
    ],
    "Bounded": [
        {"n": 5, "x": 0.5, "m": 9, "s": "ab", "p": "abc", "l": [1, 2, 3]},
        # greater_than_equal / less_than_equal
        {"n": 0}, {"n": -7}, {"n": 11}, {"n": 100},
        # greater_than / less_than
        {"x": 0}, {"x": -0.5}, {"x": 1}, {"x": 2.5}, {"x": 1e300},
        # multiple_of
        {"m": 4}, {"m": -1}, {"m": 10},
        # string_too_short / long
        {"s": ""}, {"s": "a"}, {"s": "abcde"}, {"s": "😀😀😀😀😀"},
        # string_pattern_mismatch
        {"p": "ABC"}, {"p": ""}, {"p": "ab1"}, {"p": "a b"},
        # too_short / too_long
        {"l": []}, {"l": [1, 2, 3, 4]}, {"l": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]},
        # all at once, and in nested rows
        {"n": 0, "x": 1, "m": 5, "s": "", "p": "A", "l": []},
        {"rows": [{"v": -1}, {"v": 1}, {"v": 1.01, "w": 5}, {"w": 4}, {"w": 100, "v": -3}]},
        {"rows": [{"v": "x"}, {"w": 4.5}]},
        {"l": [1, "x", 2, 3]}, {"l": ["x", "y"]}, {"l": ["x"] * 5},
    ],
    "Many": [
        {"values": ["x"] * 5000},
        {"values": [1, "x"] * 600},
        {"values": [i if i % 7 else "bad" for i in range(50)]},
    ],
    "Temporal": [
        {"id": UUID, "at": "2024-01-02T03:04:05Z", "naive": "2024-01-02T03:04:05", "ids": [UUID]},
        # uuid_parsing / uuid_type
        {"id": "not-a-uuid"}, {"id": "12345678-1234-5678-1234-56781234567"}, {"id": ""}, {"id": 123},
        {"id": None}, {"ids": [UUID, "x", UUID, "zz"]},
        # datetime_parsing / datetime_type / datetime_from_date_parsing
        {"at": "soon"}, {"at": "2024-13-01T00:00:00Z"}, {"at": "2024-01-02T25:00:00Z"}, {"at": ""},
        {"naive": "2024-01-02"}, {"at": None}, {"at": 1e20}, {"at": -1e20}, {"naive": 1e20}, {"at": [2024]}, {"at": True}, {"at": {"a": 1}},
        {"naive": "yesterday"}, {"naive": "2024-02-30T00:00:00"}, {"naive": None},
        {"id": "x", "at": "y", "naive": "z"},
    ],
    "StrictFields": [
        {"n": 3, "b": True, "f": 1.5, "s": "s", "lax": "3"},
        {"n": "3"}, {"n": 3.0}, {"n": True}, {"n": 3.5},
        {"b": 1}, {"b": "true"}, {"b": 0},
        {"f": "1.5"}, {"f": 2}, {"f": True},
        {"s": 5},
        {"lax": 3.0, "n": "4"},
        {"n": "1", "b": 1, "f": "1", "s": 1, "lax": "x"},
    ],
    "StrictModel": [
        {"n": 1, "f": 2, "b": False, "s": "", "ns": [1]},
        {"n": "3"}, {"n": 3.0}, {"n": True}, {"b": 1}, {"f": "1.5"}, {"f": 2}, {"f": True}, {"s": 5},
        {"ns": [1, "2", 3.0, True]},
        {"n": "1", "f": "2", "b": "true", "s": 3},
    ],
    "Validated": [
        {"even": 2, "name": "a", "lo": 1, "hi": 2},
        {"even": 3}, {"name": "  "}, {"even": 5, "name": ""},
        {"lo": 3, "hi": 1},
        {"lo": 3, "hi": 1, "even": 1},
        {"even": -3}, {"even": "x", "lo": 9},
    ],
    "ValidatedHolder": [
        {"one": {"even": 1}},
        {"one": {"lo": 5}},
        {"items": [{}, {"even": 7}, {"lo": 2, "hi": 1}, {"name": " ", "even": 9}, {"even": -2}]},
    ],
    "Quotes": [
        {"lit": "it's", "en": 'say "x"', "part": {"kind": "é\x85"}},
        {"lit": "x"}, {"en": "x"}, {"part": {"kind": "x"}}, {"lit": "é", "en": "é\x85 ", "part": {"kind": "it"}},
    ],
    "Keys": [
        {"d": {"1": 2}, "e": {"1": "a"}, "s": {"a": 1}},
        {"d": {"x": 1}}, {"d": {"x": "y", "2": "z"}}, {"d": {"1.5": 1}}, {"d": {" 3 ": "v"}}, {"d": {"1": 1, "b": 2}},
        {"e": {"1": 5}}, {"s": {"a": "x"}}, {"d": {"x": 1}, "e": {"1": 2}, "s": {"k": None}},
    ],
    "ItemRules": [
        {"tags": ["a", "b"], "scores": {"a": 0, "b": 3}},
        {"tags": ["", "a", ""]}, {"tags": ["a", 5, ""]},
        {"scores": {"a": -1, "b": 2, "c": -3}}, {"scores": {"a": "x", "b": -1}},
        {"tags": [""], "scores": {"a": -1}},
    ],
}

# Binary mode only: values JSON cannot hold (bytes, int keys). truss's deserializer refuses keys
# that are no str or bytes (msgpack's `strict_map_key`); those cases read the message as msgpack
# does with `strict_map_key=False`, into the dict pydantic's `model_validate` (and chainmodel's
# `from_value`) would be given.
BINARY = {
    # bytes where text is wanted: read as their UTF-8 text; bytes that are not UTF-8 are the
    # wanted type's error (`string_unicode` for a str or a key, the parsing error of a number
    # or a bool).
    "Scalars": [
        scalars(name=b"\xff"), scalars(zeta=b"\xff"), scalars(alpha=b"\xfe\xff"), scalars(mid=b"\xff"),
        scalars(meta={b"\xff": 1}), scalars(tags=[b"ok", b"\xc3"]), scalars(name=b"ok", zeta=b"12", alpha=b"1.5"),
    ],
    # A str for bytes: its UTF-8 bytes, as pydantic's lax mode reads it.
    "Blob": [
        {"audio": "text"}, {"audio": "é😀"}, {"audio": ""}, {"audio": b"\xff\x00"}, {"audio": 5}, {"audio": None},
        {"audio": 1.5}, {"audio": ["a"]}, {"audio": "a", "clips": ["x", b"y", 3, None]}, {},
    ],
    "Message": [{"part": {"type": b"text"}}, {"part": {"type": b"video"}}, {"part": {"type": [b"x", b"it's"]}}],
    "Quotes": [
        {"lit": "it's", "en": 'say "x"', "part": {"kind": "é\x85"}},
        {"lit": "x"}, {"en": "x"}, {"part": {"kind": "x"}}, {"lit": "é", "en": "é\x85 ", "part": {"kind": "it"}},
    ],
    "Keys": [
        {"e": {1: 5, -2: 6}}, {"d": {1: "z"}}, {"s": {1: 5}}, {"d": {b"x": 1}}, {"d": {b"1": "z"}},
        {"s": {b"k": "x"}}, {"e": {1: 5}, "d": {b"x": "y"}},
    ],
}

# Broken JSON texts: JSON mode only.
RAW = {
    # Integers msgpack cannot carry (truss's packer refuses them): JSON only.
    "Ints": ['{"n": 170141183460469231731687303715884105733}', '{"n": -9223372036854775809}',
             '{"small": 99999999999999999999999999999999999999999}',
             '{"big": 170141183460469231731687303715884105733, "n": 1e19}',
             '{"counts": [99999999999999999999999999999999999999999, -1e19, "x"]}'],
    "Scalars": ['{"zeta": 1, "alpha": ', '{"zeta": 1,, "alpha": 2}', "[1, 2", '{"zeta" 1}', "", "nul",
                '{"zeta": 1} trailing', '{"name": "unterminated}'],
    "Scene": ['{"origin": {"x": 1, "y": }}', '{"origin": {"x": 1, "y": 2}, "points": [{"x": 1,]}'],
    "Message": ['{"part": {"type": "text", "text": "a"'],
}


TRUSS_ERRORS = anchors._load("truss", "truss/templates/server/_truss_common/errors.py", "truss_errors")


def errors(read):
    """pydantic's error list, with truss's 400 text of it (`format_pydantic_validation_error`)."""
    try:
        read()
    except pydantic.ValidationError as e:
        try:
            listed = json.loads(e.json(include_url=False))
        except ValueError:
            # An input of bytes that are not UTF-8, which pydantic cannot write as JSON: the
            # list without that input (chainmodel's has none either), the rest as pydantic's.
            listed = [{k: v for k, v in error.items() if k != "input" or not isinstance(v, bytes)}
                      for error in e.errors(include_url=False)]
            listed = json.loads(json.dumps(listed))
        return {"errors": listed, "truss": TRUSS_ERRORS.format_pydantic_validation_error(e)}
    return None


def split(case):
    """A case's verdicts as the Rust side reads them: `{mode}_errors` the list, `{mode}_truss` the text."""
    for mode in ("json", "msgpack"):
        verdict = case[f"{mode}_errors"]
        case[f"{mode}_errors"] = verdict and verdict["errors"]
        case[f"{mode}_truss"] = verdict and verdict["truss"]
    return case


def binary_case(model, value):
    import msgpack
    import msgpack_numpy

    truss = anchors.serialization()
    packed = truss.truss_msgpack_serialize(value)
    hook = lambda x: truss._truss_msgpack_decoder(x, chain=msgpack_numpy.decode)
    read = lambda: model.model_validate(msgpack.unpackb(packed, strict_map_key=False, object_hook=hook))
    return {"json": repr(value), "json_errors": None, "msgpack": packed.hex(), "msgpack_errors": errors(read),
            "json_only": False, "binary_only": True}


def emit() -> None:
    out = {}
    for model in MODELS:
        name = model.__name__
        cases = [{**anchors.both_modes(model, value, errors), "json_only": False} for value in CASES[name]]
        cases += [binary_case(model, value) for value in BINARY.get(name, [])]
        for text in RAW.get(name, []):
            cases.append({
                "json": text,
                "json_errors": errors(lambda: model.model_validate_json(text)),
                "msgpack": None,
                "msgpack_errors": None,
                "json_only": True,
            })
        out[name] = [split(case) for case in cases]
    json.dump(out, sys.stdout, ensure_ascii=False)


def show() -> None:
    """Prints the cases readably: `python error_cases.py show [Model]`."""
    emitted = None
    import io
    buffer = io.StringIO()
    real, sys.stdout = sys.stdout, buffer
    try:
        emit()
    finally:
        sys.stdout = real
    emitted = json.loads(buffer.getvalue())
    only = sys.argv[2] if len(sys.argv) > 2 else None
    for name, cases in emitted.items():
        if only and name != only:
            continue
        print(f"== {name}")
        for case in cases:
            print(f"  {case['json'][:200]}")
            for mode in ("json", "msgpack"):
                errs = case[f"{mode}_errors"]
                if errs is None:
                    if not (mode == "msgpack" and case["json_only"]):
                        print(f"    {mode}: ok")
                    continue
                shown = errs[:6]
                for err in shown:
                    extra = {k: err[k] for k in ("input", "ctx") if k in err}
                    print(f"    {mode}: {err['type']} {err['loc']} {err['msg']!r} {json.dumps(extra)[:160]}")
                if len(errs) > len(shown):
                    print(f"    {mode}: ... {len(errs)} errors")


if __name__ == "__main__":
    {"emit": emit, "show": show}[sys.argv[1]]()
