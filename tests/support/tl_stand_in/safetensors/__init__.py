"""A strict safetensors reader over numpy (stand-in for the safetensors package; see README.md)."""
import json
import struct

import numpy as np

_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": None, "BOOL": "?", "I64": "<i8", "I32": "<i4", "U8": "u1"}
_SIZES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "BOOL": 1, "I64": 8, "I32": 4, "U8": 1}


def read(path):
    """(tensors, metadata) of a safetensors file; raises ValueError on anything the format forbids."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError("file too short")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise ValueError("header length beyond the file")
    raw = data[8 : 8 + n]
    if not raw.startswith(b"{"):
        raise ValueError("header does not start with '{'")
    header = json.loads(raw.decode("utf-8"))
    metadata = header.pop("__metadata__", None) or {}
    body = data[8 + n :]
    spans = []
    tensors = {}
    for name, info in header.items():
        dtype, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        count = int(np.prod(shape)) if shape else 1
        if end - begin != count * _SIZES[dtype]:
            raise ValueError(f"{name}: offsets do not match shape and dtype")
        spans.append((begin, end))
        chunk = body[begin:end]
        if dtype == "BF16":
            arr = (np.frombuffer(chunk, "<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            arr = np.frombuffer(chunk, _DTYPES[dtype])
        tensors[name] = arr.reshape(shape).copy()
    at = 0
    for begin, end in sorted(spans):
        if begin != at:
            raise ValueError("tensors are not contiguous")
        at = end
    if at != len(body):
        raise ValueError("bytes after the last tensor")
    return tensors, metadata


class safe_open:
    def __init__(self, path, framework="pt", device="cpu"):
        self._tensors, self._metadata = read(path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def metadata(self):
        return self._metadata

    def keys(self):
        return list(self._tensors)

    def get_tensor(self, name):
        return self._tensors[name]
