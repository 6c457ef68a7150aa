"""Which member pydantic's smart-mode union chooses, for tests/unions.rs.

Reads a JSON list of [case, text] from stdin; prints a JSON list of [json, python], the member
chosen by `model_validate_json(text)` and by `model_validate(json.loads(text))` (what truss's
binary mode hands pydantic for the same message), each named as tests/unions.rs names it.
"""

import datetime
import decimal
import enum
import json
import sys
import uuid
from typing import Union

import pydantic


class A(pydantic.BaseModel):
    x: float


class B(pydantic.BaseModel):
    x: int


class Inner(pydantic.BaseModel):
    a: int
    b: int


class C(pydantic.BaseModel):
    inner: Inner


class D(pydantic.BaseModel):
    inner: dict[str, int]
    w: int = 0


class E(pydantic.BaseModel):
    a: int


class F(pydantic.BaseModel):
    a: int
    b: int = 0


class P(pydantic.BaseModel):
    x: int


class Q(pydantic.BaseModel):
    x: int
    y: int = 0


class M1(pydantic.BaseModel):
    x: int


class M2(pydantic.BaseModel):
    x: str


class N1(pydantic.BaseModel):
    v: Union[P, Q]


class N2(pydantic.BaseModel):
    v: dict[str, int]


class Color(str, enum.Enum):
    R = "r"
    G = "g"


class Num(enum.IntEnum):
    ONE = 1
    TWO = 2


UNIONS = {
    "AB": Union[A, B],
    "BA": Union[B, A],
    "CD": Union[C, D],
    "DC": Union[D, C],
    "EF": Union[list[E], list[F]],
    "FE": Union[list[F], list[E]],
    "PQ": Union[P, Q],
    "M12": Union[M1, M2],
    "FloatInt": Union[float, int],
    "IntFloat": Union[int, float],
    "IntStr": Union[int, str],
    "StrInt": Union[str, int],
    "BoolInt": Union[bool, int],
    "IntBool": Union[int, bool],
    "TupleList": Union[tuple[int, int], list[int]],
    "StrDatetime": Union[str, datetime.datetime],
    "DatetimeStr": Union[datetime.datetime, str],
    "DatetimeDate": Union[datetime.datetime, datetime.date],
    "StrUuid": Union[str, uuid.UUID],
    "DecimalStr": Union[decimal.Decimal, str],
    "DecimalFloat": Union[decimal.Decimal, float],
    "ColorStr": Union[Color, str],
    "NumFloat": Union[Num, float],
    "M1Dict": Union[M1, dict[str, int]],
    "DictM1": Union[dict[str, int], M1],
    "N21": Union[N2, N1],
    "SetList": Union[set[int], list[int]],
}

HOLDERS = {
    case: pydantic.create_model(f"Holds{case}", x=(union, ...)) for case, union in UNIONS.items()
}


def name(value):
    """The member's name in tests/unions.rs."""
    if isinstance(value, pydantic.BaseModel):
        return type(value).__name__
    if isinstance(value, list) and value and isinstance(value[0], pydantic.BaseModel):
        return f"list[{type(value[0]).__name__}]"
    return type(value).__name__


def chosen(validate):
    try:
        return name(validate().x)
    except pydantic.ValidationError:
        return "error"


out = []
for case, text in json.load(sys.stdin):
    model = HOLDERS[case]
    out.append(
        [
            chosen(lambda: model.model_validate_json(text)),
            chosen(lambda: model.model_validate(json.loads(text))),
        ]
    )
print(json.dumps(out))
