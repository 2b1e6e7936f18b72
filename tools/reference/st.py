"""Minimal safetensors reader/writer (no external package).

Layout: 8-byte little-endian header length n, n bytes of UTF-8 JSON, then the data block.
Header entries: "name": {"dtype", "shape", "data_offsets": [begin, end]} relative to the data block.
"""
import json
import struct

import numpy as np

_NP = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "I32": np.dtype("<i4"), "I64": np.dtype("<i8")}


def f32_to_bf16_bits(a):
    """Rounds fp32 to bfloat16 (round to nearest even) and returns the uint16 bit patterns."""
    u = np.ascontiguousarray(a, dtype="<f4").view("<u4").astype(np.uint64)
    rounded = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return rounded.astype("<u2")


def bf16_bits_to_f32(bits):
    return (np.asarray(bits, dtype="<u2").astype("<u4") << 16).view("<f4")


def round_to(a, dtype):
    """The fp32 values a tensor of `dtype` holds after storing `a` (what a reader converts back)."""
    a = np.asarray(a, dtype=np.float32)
    if dtype == "F16":
        return a.astype("<f2").astype(np.float32)
    if dtype == "BF16":
        return bf16_bits_to_f32(f32_to_bf16_bits(a))
    return a


def save(path, tensors, metadata=None):
    """tensors: name -> (array, dtype) or name -> array (dtype inferred: float -> F32, int -> I64)."""
    header = {}
    blobs = []
    offset = 0
    for name, v in tensors.items():
        if isinstance(v, tuple):
            arr, dtype = v
        else:
            arr = v
            dtype = "I64" if np.issubdtype(np.asarray(arr).dtype, np.integer) else "F32"
        arr = np.asarray(arr)
        if dtype == "BF16":
            raw = f32_to_bf16_bits(arr).tobytes()
        else:
            raw = np.ascontiguousarray(arr, dtype=_NP[dtype]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)  # keeps the data block 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)


def load(path):
    """Returns name -> (array, dtype); F16/BF16 come back as fp32 arrays, integers as int64."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    block = data[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        raw = block[b:end]
        dt = e["dtype"]
        if dt == "BF16":
            arr = bf16_bits_to_f32(np.frombuffer(raw, dtype="<u2"))
        elif dt == "F16":
            arr = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        elif dt in ("I32", "I64"):
            arr = np.frombuffer(raw, dtype=_NP[dt]).astype(np.int64)
        else:
            arr = np.frombuffer(raw, dtype=_NP[dt]).copy()
        out[name] = (arr.reshape(e["shape"]), dt)
    return out
