"""The pydantic side of each model pair; the Rust side is in tests/interop_models.rs.

Each class is the pydantic model a Rust `#[derive(ChainModel)]` struct of the same name is
equivalent to. SAMPLES holds values of each, as Python builds them.
"""

import datetime as dt
import decimal
import enum
import math
import uuid
from typing import Annotated, Any, Optional

import numpy as np
import pydantic
from pydantic import AliasChoices, ConfigDict, Field
from pydantic.alias_generators import to_camel

import anchors

NumpyArrayField = anchors.pydantic_numpy().NumpyArrayField

U8 = Annotated[int, Field(ge=0, le=255)]
I8 = Annotated[int, Field(ge=-128, le=127)]
U16 = Annotated[int, Field(ge=0, le=65535)]
I16 = Annotated[int, Field(ge=-32768, le=32767)]
U32 = Annotated[int, Field(ge=0, le=4294967295)]
I32 = Annotated[int, Field(ge=-2147483648, le=2147483647)]
U64 = Annotated[int, Field(ge=0, le=18446744073709551615)]


class DataModel(pydantic.BaseModel):
    some_numbers: NumpyArrayField
    other_field: str


class Scalars(pydantic.BaseModel):
    flag: bool
    tiny: U8
    small: I8
    short: U16
    signed_short: I16
    word: U32
    signed_word: I32
    big: U64
    signed_big: int
    single: float
    double: float


class Texts(pydantic.BaseModel):
    """Strings of every escape class."""

    text: str
    maybe: Optional[str] = None
    borrowed: str = Field(description="Borrowed from the input when it has no escapes.")


class Color(str, enum.Enum):
    """A pydantic string enum."""

    RED = "red"
    GREEN = "green"
    DEEP_BLUE = "deep_blue"


class Point(pydantic.BaseModel):
    x: int
    y: float


class Nested(pydantic.BaseModel):
    point: Point
    points: list[Point]
    maybe_point: Optional[Point] = None
    named: dict[str, Point]
    boxed: Point


class Collections(pydantic.BaseModel):
    ints: list[int]
    grid: list[list[float]]
    counts: dict[str, int]
    pair: tuple[int, str]
    triple: tuple[float, bool, list[I32]]
    raw_bytes_as_ints: list[U8]


class Enums(pydantic.BaseModel):
    color: Color
    maybe_color: Optional[Color] = None
    default_color: Color = Color.GREEN
    colors: list[Color]


class Defaults(pydantic.BaseModel):
    count: int = 5
    flag: bool = False
    names: list[str] = []
    label: str = "unnamed"
    ratio: Optional[float] = None


class CamelCase(pydantic.BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, serialize_by_alias=True)

    other_field: int
    snake_case_name: str
    primary_value: int = Field(validation_alias=AliasChoices("primary", "alt"), serialization_alias="primary")


class Strict(pydantic.BaseModel):
    """Refuses unknown keys."""

    model_config = ConfigDict(extra="forbid")

    id: int
    name: str


class Skipped(pydantic.BaseModel):
    # The Rust struct has one more field, `#[chain(skip)]`: not on the wire, not in the schema.
    kept: int


class Documented(pydantic.BaseModel):
    """A model with docs.

    The second paragraph, indented in Rust as in Python.
    """

    value: int = Field(description="The value, documented.")
    other: str = Field(description="Two lines\nof docs.")


class Arrays(pydantic.BaseModel):
    any_array: NumpyArrayField
    floats: NumpyArrayField
    view: NumpyArrayField
    maybe_array: Optional[NumpyArrayField] = None
    arrays: list[NumpyArrayField]


class Dynamic(pydantic.BaseModel):
    payload: Any
    items: list[Any]


class Floats(pydantic.BaseModel):
    values: list[float]
    singles: list[float]


class Embedding(pydantic.BaseModel):
    id: int
    name: str
    embedding: NumpyArrayField
    score: float


class Temporal(pydantic.BaseModel):
    """truss's extension types: datetimes, a duration, a decimal, a UUID."""

    at: dt.datetime
    day: dt.date
    clock: dt.time
    elapsed: dt.timedelta
    amount: decimal.Decimal
    key: uuid.UUID
    maybe_at: Optional[dt.datetime] = None
    history: list[dt.timedelta] = []


class Binary(pydantic.BaseModel):
    """Binary-only: it has a schema, but no JSON form in Rust."""

    blob: bytes
    label: str
    maybe_blob: Optional[bytes] = None


MODELS = [
    DataModel, Scalars, Texts, Nested, Collections, Enums, Defaults, CamelCase, Strict, Skipped, Documented,
    Arrays, Dynamic, Floats, Embedding, Temporal, Binary,
]
# Models Rust writes and reads in JSON mode (a bytes field makes a model binary-only).
JSON_MODELS = [m for m in MODELS if m is not Binary]

ESCAPES = 'quote " backslash \\ slash / \b\f\n\r\t \x00\x01\x1f \x7f é ß 中文 😀 \u2028\u2029 \ufeff'
MAGNITUDES = [0.0, -0.0, 1.0, -1.5, 0.1, 1 / 3, 2 / 3, math.pi, 1e-7, 1e-5, 1.5e-5, 1e-4, 0.001, 123.456, 1e15, 1e16,
              1.5e16, 1e17, 1e21, 1e22, 1e100, 1e300, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308,
              12345678901234567890.0, 9007199254740993.0, 0.30000000000000004, 100.0, 1e-300]
# NaN and infinities are written as null, which pydantic cannot read back into a float; the
# Rust tests check that text on their own.


def f32(x: float) -> float:
    return float(np.float32(x))


def all_samples(rng: np.random.Generator) -> dict:
    """Every model's samples: the JSON models' and the binary-only ones'."""
    return {**samples(rng), **binary_samples(rng)}


def binary_samples(rng: np.random.Generator) -> dict:
    return {
        "Binary": [
            {"blob": bytes(range(256)) * 3, "label": "all bytes", "maybe_blob": b""},
            {"blob": b"", "label": ""},
        ],
    }


def samples(rng: np.random.Generator) -> dict:
    point = {"x": -3, "y": 2.5}
    return {
        "DataModel": [
            {"some_numbers": rng.random((3, 2)), "other_field": "embeddings"},
            {"some_numbers": np.array(1.5), "other_field": ""},
            {"some_numbers": np.zeros((0, 4)), "other_field": ESCAPES},
        ],
        "Scalars": [
            {"flag": True, "tiny": 255, "small": -128, "short": 65535, "signed_short": -32768, "word": 4294967295,
             "signed_word": -2147483648, "big": 18446744073709551615, "signed_big": -9223372036854775808,
             "single": f32(0.1), "double": 0.1},
            {"flag": False, "tiny": 0, "small": 127, "short": 0, "signed_short": 32767, "word": 0,
             "signed_word": 2147483647, "big": 0, "signed_big": 9223372036854775807, "single": f32(3.4e38),
             "double": -1e-300},
        ],
        "Texts": [
            {"text": ESCAPES, "maybe": ESCAPES[::-1], "borrowed": "plain ascii, é and 😀 without escapes"},
            {"text": "", "borrowed": ""},
        ],
        "Nested": [
            {"point": point, "points": [point, {"x": 0, "y": -0.0}], "maybe_point": point,
             "named": {"a": point, "b": {"x": 1, "y": 1e20}}, "boxed": point},
            {"point": point, "points": [], "named": {}, "boxed": {"x": 9, "y": 0.5}},
        ],
        "Collections": [
            {"ints": [1, -2, 3], "grid": [[1.0, 2.5], [], [1e-9]], "counts": {"a": 1, "b": 2, "é": 3},
             "pair": (7, "seven"), "triple": (0.5, True, [1, 2]), "raw_bytes_as_ints": [0, 127, 255]},
            {"ints": [], "grid": [], "counts": {}, "pair": (0, ""), "triple": (-0.0, False, []),
             "raw_bytes_as_ints": []},
        ],
        "Enums": [
            {"color": Color.RED, "maybe_color": Color.DEEP_BLUE, "colors": [Color.GREEN, Color.RED]},
            {"color": Color.DEEP_BLUE, "default_color": Color.RED, "colors": []},
        ],
        "Defaults": [{}, {"count": -1, "flag": True, "names": ["a", "b"], "label": "x", "ratio": 0.25}],
        "CamelCase": [{"otherField": 1, "snakeCaseName": "s", "primary": 3}, {"otherField": 0, "snakeCaseName": "", "alt": 9}],
        "Strict": [{"id": 1, "name": "one"}],
        "Skipped": [{"kept": 42}],
        "Documented": [{"value": 1, "other": "doc"}],
        "Arrays": [
            {"any_array": np.arange(6, dtype=">i4").reshape(2, 3), "floats": rng.random(5).astype(np.float32),
             "view": np.arange(4, dtype=np.uint8), "maybe_array": np.array([True, False]),
             "arrays": [np.array(2.5 + 1j, dtype=np.complex64), np.zeros((2, 0), dtype=np.float16)]},
            {"any_array": np.array([], dtype=np.int8), "floats": np.array(3.5, dtype=np.float32),
             "view": np.zeros((2, 2, 2), dtype=np.uint8), "arrays": []},
        ],
        "Dynamic": [
            {"payload": {"a": [1, 2.5, None, True, "s", {"b": -1}], "c": 18446744073709551615}, "items": [1, "x", [None]]},
            {"payload": None, "items": []},
        ],
        "Floats": [
            {"values": MAGNITUDES, "singles": [f32(x) for x in MAGNITUDES if abs(x) < 3e38]},
            {"values": list(rng.standard_normal(50) * 10.0 ** rng.integers(-30, 30, 50)),
             "singles": [f32(x) for x in rng.standard_normal(50) * 10.0 ** rng.integers(-30, 30, 50)]},
        ],
        "Embedding": [
            {"id": 7, "name": "doc-7", "embedding": rng.random(256).astype(np.float32), "score": 0.875},
        ],
        "Temporal": [
            {"at": dt.datetime(2024, 1, 2, 3, 4, 5, 123000, tzinfo=dt.timezone.utc), "day": dt.date(2024, 2, 29),
             "clock": dt.time(3, 4, 5, 120), "elapsed": dt.timedelta(days=-1, seconds=5, microseconds=7),
             "amount": decimal.Decimal("-123456789012345678.000"), "key": uuid.UUID(int=2**127 + 5),
             "maybe_at": dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc),
             "history": [dt.timedelta(0), dt.timedelta(days=1000000, microseconds=10), dt.timedelta(seconds=0.5)]},
            {"at": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc), "day": dt.date(1, 1, 1),
             "clock": dt.time(23, 59, 59, 999999), "elapsed": dt.timedelta(days=90, seconds=60),
             "amount": decimal.Decimal("0.0000001"), "key": uuid.UUID("12345678-1234-5678-1234-567812345678")},
        ],
    }
