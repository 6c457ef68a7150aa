"""Array interop with numpy, both directions.

`python array_cases.py emit`  prints numpy's arrays as JSON for Rust to rebuild.
`python array_cases.py field-form` prints, for an array of every dtype and order and several
                              shapes, truss's msgpack of `{"a": <NumpyArrayField's JSON form as a
                              dict>}` (hex) and what pydantic's `model_validate` of its
                              deserialization makes of field `a` (dtype, shape, bytes), or its
                              error types (`TypeError` for a dict without the three keys, which
                              NumpyArrayField raises past pydantic): binary mode reading the
                              JSON form, as pydantic does.
`python array_cases.py check` reads Rust's arrays as JSON on stdin and checks that numpy
                              rebuilds the same array, dtype, text and NumpyArrayField repr.
"""

import base64
import json
import sys

import numpy as np

import anchors

np.seterr(over="ignore")  # float16 at large scales overflows to inf on purpose

NumpyArrayField = anchors.pydantic_numpy().NumpyArrayField

SCALARS = [
    "bool", "uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64",
    "float16", "float32", "float64", "complex64", "complex128",
]
# 0-d, empty, 3-d, short with specials, wrapped rows, and summarised (> 1000 elements).
SHAPES = [(), (0,), (2, 0, 3), (2, 3, 4), (7,), (3, 40), (1200,), (4, 5, 60)]
# Magnitudes that move numpy between positional and scientific notation.
SCALES = [1e-12, 1e-5, 1e-3, 0.1, 1.0, 10.0, 1e3, 1e5, 1e7, 1e9, 1e15, 1e20]
# Spellings np.dtype() reads; Rust must agree on each it supports.
DTYPE_SPELLINGS = [
    "float64", "f8", "<f8", ">f8", "=f8", "|f8", "bool", "bool_", "b1", "|b1", "<b1", ">b1", "?",
    "uint8", "u1", "|u1", ">u1", "int8", "i1", "|i1", "uint16", "<u2", ">u2", "int16", ">i2",
    "uint32", "<u4", "int32", ">i4", "uint64", ">u8", "int64", "<i8", "float16", "f2", ">f2",
    "float32", "f4", ">f4", "complex64", "c8", ">c8", "complex128", "c16", "<c16", ">c16",
    "object", "|O", "O", "|V8", "<U5", "|S3", "<M8[ns]", "float128", "f16", "c32", ">float64",
    "Float64", "u3", "d", "double", "e", "F", "single", "half",
]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def values(name: str, shape: tuple, rng: np.random.Generator, scale: float) -> np.ndarray:
    size = int(np.prod(shape))
    dtype = np.dtype(name)
    if dtype.kind == "b":
        out = rng.integers(0, 2, size).astype(bool)
    elif dtype.kind in "ui":
        info = np.iinfo(dtype)
        out = rng.integers(info.min, info.max, size, dtype=dtype, endpoint=True)
        if size >= 2:
            out[:2] = [info.min, info.max]
    else:
        real = rng.standard_normal(size) * scale
        if dtype.kind == "c":
            out = (real + 1j * rng.standard_normal(size) * scale).astype(dtype)
        else:
            out = real.astype(dtype)
        if size == 7:
            specials = [np.nan, np.inf, -np.inf, -0.0, 0.0, 3.0, 0.5]
            out[:] = np.array(specials, dtype=dtype) if dtype.kind == "f" else np.array(specials) * (1 - 1j)
    return out.reshape(shape)


def describe(arr: np.ndarray) -> dict:
    return {
        "dtype_str": str(arr.dtype),
        "protocol": arr.dtype.str,
        "shape": list(arr.shape),
        "data_b64": b64(arr.tobytes()),
        "native_b64": b64(arr.astype(arr.dtype.newbyteorder("=")).tobytes()),
        "text": str(arr),
        "field_repr": repr(NumpyArrayField(arr)),
    }


def emit() -> None:
    rng = np.random.default_rng(20261125)
    arrays = []
    for name in SCALARS:
        for order in "<>":
            dtype = np.dtype(name).newbyteorder(order)
            for i, shape in enumerate(SHAPES):
                arrays.append(values(name, shape, rng, SCALES[i % len(SCALES)]).astype(dtype))
    # Formatting across magnitudes, with float-typed integers and halves mixed in.
    for name in ["float16", "float32", "float64", "complex64", "complex128"]:
        for scale in SCALES:
            if name == "float16" and scale > 1e4:
                continue
            arr = values(name, (6,), rng, scale)
            arrays.append(arr)
            arrays.append(np.round(arr * 2) / 2)
            arrays.append(arr.reshape(2, 3))
    # Edges of numpy's rules: the 1e-4 and ratio-1000 switches, the per-type cutoffs, nan and
    # inf beside scientific numbers, negative zero, ties in the last digit.
    edges = [
        [1e-4, 1.0], [9.9e-5, 1.0], [1.0, 1000.0], [1.0, 1000.5], [999.0, 1.0], [1e3, 1.0], [1e6, 1.0],
        [99999999.0, 1.0], [1e8, 1.0], [-0.0, 0.0], [-0.0, 1e-5], [np.nan, 1e20, -np.inf], [0.5, 1.25, 2.125],
        [315195.625, 1.0], [1 / 3, 2 / 3, 1e-3], [123456789.123, -1e-9],
    ]
    for name in ["float16", "float32", "float64", "complex64", "complex128"]:
        for edge in edges:
            arrays.append(np.array(edge).astype(name))
            arrays.append(np.array(edge[0]).astype(name))
    arrays.append(np.arange(120, dtype=np.float64).reshape(2, 3, 4, 5) / 7)
    arrays.append(np.arange(3000, dtype=np.int64).reshape(10, 300) * -3)
    spellings = []
    for text in DTYPE_SPELLINGS:
        try:
            dtype = np.dtype(text)
            spellings.append({"text": text, "str": str(dtype), "protocol": dtype.str})
        except TypeError:
            spellings.append({"text": text, "str": None, "protocol": None})
    json.dump({"arrays": [describe(a) for a in arrays], "dtype_spellings": spellings}, sys.stdout)


def check() -> None:
    cases = json.load(sys.stdin)
    failures = []
    for n, case in enumerate(cases):
        where = f"case {n} ({case['protocol']}, shape {case['shape']})"
        dtype = np.dtype(case["protocol"])
        arr = np.frombuffer(base64.b64decode(case["data_b64"]), dtype=dtype).reshape(case["shape"])
        expected = {
            "dtype_str": str(arr.dtype),
            "protocol": arr.dtype.str,
            "text": str(arr),
            "field_repr": repr(NumpyArrayField(arr)),
        }
        for key, value in expected.items():
            if case[key] != value:
                failures.append(f"{where}: {key}: Rust wrote {case[key]!r}, numpy {value!r}")
        if np.dtype(case["dtype_str"]) != dtype:
            failures.append(f"{where}: np.dtype({case['dtype_str']!r}) != np.dtype({case['protocol']!r})")
        if arr.tobytes() != base64.b64decode(case["data_b64"]):
            failures.append(f"{where}: bytes changed")
    for failure in failures[:50]:
        print(failure, file=sys.stderr)
    print(f"numpy checked {len(cases)} arrays from Rust: {len(failures)} mismatches")
    sys.exit(1 if failures else 0)


def field_form() -> None:
    import msgpack
    import msgpack_numpy
    import pydantic

    truss = anchors.serialization()

    class Holder(pydantic.BaseModel):
        a: NumpyArrayField

    hook = lambda x: truss._truss_msgpack_decoder(x, chain=msgpack_numpy.decode)
    rng = np.random.default_rng(20261205)
    forms = []
    for name in SCALARS:
        for order in "<>":
            dtype = np.dtype(name).newbyteorder(order)
            for shape in [(), (0,), (2, 3), (7,)]:
                arr = values(name, shape, rng, 1.0).astype(dtype)
                forms.append({"data_b64": b64(arr.tobytes()), "shape": list(arr.shape), "dtype": str(arr.dtype)})
    # The spellings np.dtype() reads, the keys in another order, an extra key; and forms pydantic
    # refuses (a key missing, bad base64, a size that does not fit).
    forms.append({"dtype": "<f8", "shape": [2], "data_b64": b64(np.array([1.5, -2.0]).tobytes())})
    forms.append({"shape": [1], "dtype": "float32", "data_b64": b64(np.float32([3]).tobytes()), "extra": 1})
    forms.append({"data_b64": b64(b"\0" * 8), "shape": [2]})
    forms.append({"data_b64": "!!", "shape": [1], "dtype": "uint8"})
    forms.append({"data_b64": b64(b"\0" * 3), "shape": [2], "dtype": "int16"})
    out = []
    for form in forms:
        packed = truss.truss_msgpack_serialize({"a": form})
        try:
            a = Holder.model_validate(msgpack.unpackb(packed, object_hook=hook)).a.array
            verdict = {"dtype": a.dtype.str, "shape": list(a.shape), "data_b64": b64(a.tobytes())}
        except pydantic.ValidationError as e:
            verdict = {"errors": [error["type"] for error in e.errors()]}
        except TypeError as e:
            # NumpyArrayField raises a TypeError, which pydantic lets through, for a dict
            # without its three keys.
            verdict = {"errors": [type(e).__name__]}
        out.append({"form": form, "msgpack": packed.hex(), "pydantic": verdict})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    {"emit": emit, "check": check, "field-form": field_form}[sys.argv[1]]()
