"""A binary request body as Python writes it: truss's `truss_msgpack_serialize` of a dict with
a float32 array (msgpack_numpy, every item in its smallest form, the payload wherever it
falls), printed as base64.

Arguments: the `name` field's value and the array's length; the array is arange(n) as float32.
"""

import base64
import sys

import numpy as np

import anchors

name, count = sys.argv[1], int(sys.argv[2])
body = anchors.serialization().truss_msgpack_serialize({"name": name, "values": np.arange(count, dtype=np.float32)})
print(base64.b64encode(body).decode())
