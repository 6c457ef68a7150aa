"""The Python side of tests/python_json_errors.rs: what `json.loads` says about malformed bodies.

truss's model server parses a request body with `json.loads` (through pydantic's `parse_raw`)
and answers a malformed one with `str(exc)`. `python json_error_cases.py` prints, as a JSON list,
a corpus of byte strings (hex) with that text for each: `null` when `json.loads` accepts the
bytes. The corpus is hand-written classics plus, for a few realistic bodies, every truncation and
every single-byte deletion and (seeded, so deterministic) replacement and insertion, and short
random strings of JSON's punctuation (1000, or as many as the first argument says).
"""

import json
import random
import sys

# Request bodies as a client sends them: a truss array model, and one with nested containers,
# escapes, non-ASCII text (two-, three- and four-byte UTF-8) and several lines.
BODIES = [
    '{"data": {"some_numbers": {"data_b64": "AAAAAAAA+D8=", "shape": [2], "dtype": "float64"}, '
    '"other_field": "x é"}}'.encode(),
    (
        '{\n'
        '  "inputs": [[1, -2.5e3, 0.0, 1E+2], [], {"k": null, "t": true, "f": false}],\n'
        '  "text": "caf\\u00e9 \\"quoted\\" \\\\ tab\\t — 日本語 🎉 \\ud83c\\udf89 \\/",\n'
        '  "special": [NaN, Infinity, -Infinity, 12345678901234567890],\n'
        '  "nested": {"a": {"b": {"c": ["x", {"d": "é"}]}}}\n'
        '}\n'
    ).encode(),
    b'[{"id":0,"v":[0.5,-1e-3]},{"id":1,"name":"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"}]',
]

# Bytes likely to change the meaning of a body when put in it.
REPLACEMENTS = (
    b'"\\{}[],: \n\t\r\x01\x1f0129-+.eEaxnutfNI/'
    + bytes([0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF8, 0xFE, 0xFF])
)

CLASSICS = [
    b"",
    b" ",
    b" \t\r\n ",
    b"\n\n\n",
    b"nope",
    b"{",
    b"}",
    b"[",
    b"]",
    b"[1,",
    b"[1,]",
    b"[,1]",
    b"[1 2]",
    b"[1,,2]",
    b"[1] [2]",
    b"[1]]",
    b"{}}",
    b'{"a" 1}',
    b'{"a":1,}',
    b'{"a":1 "b":2}',
    b'{"a":1,,"b":2}',
    b'{"a"}',
    b'{"a":}',
    b'{"a":',
    b'{"a"',
    b'{"a',
    b'{a:1}',
    b"{'a':1}",
    b"{1:2}",
    b'{"a":1}x',
    b'{"a":1} x',
    b'{"a":1}\n\nx',
    b'"\x01"',
    b'"\x1f"',
    b'"\x7f"',
    b'"a\tb"',
    b'"a\nb"',
    b'"\\q"',
    b'"\\x41"',
    b'"\\\'"',
    b'"\\',
    b'"\\"',
    b'"\\u12"',
    b'"\\u12',
    b'"\\u1234',
    b'"\\u1234"',
    b'"\\u12G4"',
    b'"\\uD800"',
    b'"\\ud800"',
    b'"\\udc00"',
    b'"\\ud800\\udc00"',
    b'"\\ud800\\u0041"',
    b'"\\ud800\\uzzzz"',
    b'"\\ud800\\uDC0"',
    b'"\\ud800\\udc00',
    b'"\\ud800\\x"',
    b'"\\ud800\\',
    b'"\\ud800\\u',
    b'"\\ud800\\ud800\\udc00"',
    b'"abc',
    b'"abc\\"',
    b'["abc',
    b'{"a":"abc',
    b'"',
    b'""',
    b'"" ""',
    b"01",
    b"00",
    b"-01",
    b"1.",
    b"1.x",
    b"1.e5",
    b"-",
    b"-x",
    b"--1",
    b"+1",
    b"1e",
    b"1e+",
    b"1e-",
    b"1e+1",
    b"1E5",
    b"1e5.5",
    b"1.5.5",
    b".5",
    b"0.5",
    b"-0",
    b"-0.0e-0",
    b"1_000",
    b"0x10",
    b"[1.]",
    b"[1e]",
    b"[-]",
    b"[01]",
    b"tru",
    b"true",
    b"truex",
    b"True",
    b"nul",
    b"null",
    b"nulll",
    b"None",
    b"fals",
    b"false",
    b"NaN",
    b"Na",
    b"nan",
    b"Infinity",
    b"Infinit",
    b"-Infinity",
    b"-Infinit",
    b"-Inf",
    b"inf",
    b"[NaN,Infinity,-Infinity]",
    b"[1 2]",
    b"[true false]",
    b'[{"a":1}{"b":2}]',
    b"[[[[]]]]",
    b"[[[[]]]",
    b"[[[[",
    b"{\"a\":{\"b\":{\"c\":{}}}",
    b"[1,\n2,\n3 4]",
    b"{\n  \"a\": 1,\n  \"b\": \n}",
    b"{\n  \"a\": 1,\n  \"b\": [\n    1, x\n  ]\n}",
    b"[\r\n1,\r\n,]",
    b"\n\n  x",
    b"\x0b1",
    b"\x0c1",
    b"1\x0b",
    b"\xc2\xa01",
    b"\xe3\x80\x801",
    b"\xef\xbb\xbf",
    b"\xef\xbb\xbf1",
    b"\xef\xbb\xbf[1,",
    b"\xef\xbb\xbf\xef\xbb\xbf1",
    b'\xef\xbb\xbf{"a":\xff}',
    b"\xef\xbb",
    b"\xef\xbb1",
    # Non-ASCII text before the error: character and byte positions differ.
    '["é", "日本", "🎉" x]'.encode(),
    '{"é": 1, "ü" 2}'.encode(),
    '{"text": "こんにちは", "n": 01}'.encode(),
    '["🎉🎉🎉", tru]'.encode(),
    '"é\x01"'.encode(),
    '"日本\\q"'.encode(),
    '"🎉\\u12"'.encode(),
    '["é"]\n["ü"] '.encode(),
    '{"a":\n"é",\n"b": "ü\n"}'.encode(),
    'é'.encode(),
    '"é" é'.encode(),
    # Invalid UTF-8 at several places.
    b"\xff",
    b"\xfe",
    b"\x80",
    b"\xbf",
    b"\xc0\x80",
    b"\xc1\xbf",
    b"\xf5\x80\x80\x80",
    b"\xf8",
    b'"\xff"',
    b'{"a": "b\xff"}',
    b'{"a": "b"}\xff',
    b'{"a": "b"} \xff',
    b'[1, 2, \xff]',
    b'"\xe9"',
    b'"caf\xe9"',
    b'"\xc3"',
    b'"\xc3',
    b'\xc3',
    b'"\xc3\xc3"',
    b'"\xc3\x28"',
    b'"\xe2\x82"',
    b'"\xe2\x82',
    b'\xe2\x82',
    b'"\xe2\x28\xa1"',
    b'"\xe2\x82\x28"',
    b'"\xe0\x80\x80"',
    b'"\xe0\x9f\xbf"',
    b'"\xe0\xa0\x80"',
    b'"\xe0\x80',
    b'"\xed\x9f\xbf"',
    b'"\xed\xa0\x80"',
    b'"\xed\xbf\xbf"',
    b'"\xed\xa0\xbd\xed\xb8\x80"',
    b'"\xed\xa0"',
    b'"\xed\xa0',
    b'"\xed\xa0\x41"',
    b'"\xed\x9f\x41"',
    b'"\xed\x9f',
    b'"\xef\xbf\xbf"',
    b'"\xf0\x9f\x98\x80"',
    b'"\xf0\x9f\x98"',
    b'"\xf0\x9f\x98',
    b'"\xf0\x9f"',
    b'"\xf0\x9f',
    b'"\xf0',
    b'"\xf0\x80\x80\x80"',
    b'"\xf0\x8f\xbf\xbf"',
    b'"\xf4\x8f\xbf\xbf"',
    b'"\xf4\x90\x80\x80"',
    b'"\xf4\x90',
    b'"\xf0\x9f\x28\x80"',
    b'"\xf0\x9f\x98\x28"',
    b'"\xf0\x9f\x98\x80\xf0"',
    b"\xed\xa0\x80",
    b"\xed\xa0\x80 x",
    b"[\xed\xa0\x80]",
    b'["\xed\xb0\x80", x]',
    b"abc\xff",
    # Encodings json.detect_encoding picks from zero bytes and BOMs.
    b"\x00",
    b"\x00\x00",
    b"1\x00",
    b"\x001",
    b"\x00\x00\x00",
    b"1\x00\x00",
    b"\x00\x00\x00\x31",
    b"\x31\x00\x00\x00",
    b"\x00\x31\x00",
    b"\x00\x31\x00\x32",
    b"\x31\x00\x32\x00",
    b"\x31\x00\x00\x32",
    b"\x00\x00\x00\x31\x00\x00",
    b"1\x00\x00\x00\x00",
    b"1\x00\x00\x00\x00\x00\x11\x00",
    b"\x00\x00\x00\x31\x00\x11\x00\x00",
    b"\x00\x00\x00\x31\x00\x00\xd8\x00",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xff\xfe1\x00",
    b"\xfe\xff\x001",
    b"\xff\xfe1\x00\x00",
    b"\xff\xfe1\x00\x00\xd8",
    b"\xff\xfe\x00\xd8",
    b"\xff\xfe\x00\xd8\x00",
    b"\xff\xfe\x00\xdc1\x00",
    b"\xff\xfe\x3d\xd8\x89\xdf",
    b"\xff\xfe\x00\x00",
    b"\xff\xfe\x00\x001\x00\x00\x00",
    b"\xff\xfe\x00\x001\x00\x00\x00\x00",
    b"\x00\x00\xfe\xff",
    b"\x00\x00\xfe\xff\x00\x00\x001\x00",
    b"\xff\xfe\x00\x00\x31\x00\x00\x00\x00\x00\x11\x00",
    b"\xff\xfe\x00\x00\x00\xd8\x00\x00",
    b"[\x001\x00]\x00",
    b"[\x001\x00,\x00]\x00",
    "[1, x]".encode("utf-16-le"),
    "[1, x]".encode("utf-16-be"),
    "[1, x]".encode("utf-16"),
    '{"é": 1 2}'.encode("utf-32-le"),
    '{"é": 1 2}'.encode("utf-32-be"),
    '{"é": 1 2}'.encode("utf-32"),
    '["🎉" x]'.encode("utf-16"),
    '["🎉" x]'.encode("utf-32"),
    # Integers longer than Python's int() converts (4300 digits).
    b"1" * 4300,
    b"1" * 4301,
    b"-" + b"1" * 4301,
    b"[" + b"9" * 5000 + b", x]",
    b"[1, x, " + b"9" * 5000 + b"]",
    b"1" * 4301 + b" x",
    b"1" * 4301 + b".5",
    b"1" * 4301 + b"e5",
    b"1" * 4301 + b"e",
    b"0" * 4301,
    # Valid documents.
    b"0",
    b"-1.5e-300",
    b"1e400",
    b'"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9"',
    b"[]",
    b"{}",
    b" [ ] ",
    b'{"a": [1, {"b": null}], "c": "d"}',
    b"\t\n\r {\"a\":1} \t\n\r",
]


def loads_error(data):
    """`str(e)` for what `json.loads(data)` raises, or `None` if it parses `data`."""
    try:
        json.loads(data)
    except ValueError as e:
        return str(e)
    return None


def generated():
    """Every truncation, deletion and (seeded) replacement and insertion of each body."""
    rng = random.Random(20240611)
    for body in BODIES:
        for end in range(len(body) + 1):
            yield body[:end]
        for i in range(len(body)):
            yield body[:i] + body[i + 1 :]
            for _ in range(2):
                yield body[:i] + bytes([rng.choice(REPLACEMENTS)]) + body[i + 1 :]
            yield body[:i] + bytes([rng.choice(REPLACEMENTS)]) + body[i:]
        # The other encodings json.loads detects, cut short every fifth or seventh byte (so at
        # every alignment of their code units).
        for encoding in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
            encoded = body.decode().encode(encoding)
            for end in range(0, len(encoded), 5 if "16" in encoding else 7):
                yield encoded[:end]
            yield encoded


def random_documents(count):
    """`count` short (seeded) random strings over JSON's punctuation and some awkward bytes."""
    rng = random.Random(7)
    alphabet = [*(bytes([b]) for b in REPLACEMENTS), b"null", b"true", b"NaN", b"-Infinity", b"\\u", b"\xc3\xa9"]
    for _ in range(count):
        yield b"".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 12)))


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    seen = set()
    cases = []
    for data in [*CLASSICS, *generated(), *random_documents(count)]:
        if data not in seen:
            seen.add(data)
            cases.append({"input": data.hex(), "error": loads_error(data)})
    json.dump(cases, sys.stdout)


if __name__ == "__main__":
    main()
