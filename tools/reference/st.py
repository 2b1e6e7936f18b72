"""Minimal safetensors reader/writer (no external package).

Layout: 8-byte little-endian header length n, n bytes of UTF-8 JSON, then the data block.
Header entries: "name": {"dtype", "shape", "data_offsets": [begin, end]} relative to the data block.
"""
import json
import struct

import numpy as np

_NP = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "I8": np.dtype("i1"), "I32": np.dtype("<i4"), "I64": np.dtype("<i8")}
_TABLE_FORMS = {"f32": "F32", "f16": "F16", "bf16": "BF16", "int8": "I8", "i8": "I8"}


def table_form(form):
    """The safetensors dtype of a table form: f32, f16, bf16 or int8 (any case; F32, F16, BF16, I8 too)."""
    f = _TABLE_FORMS.get(str(form).lower())
    if f is None:
        raise ValueError("table_dtype must be one of f32, f16, bf16, int8, not %r" % (form,))
    return f


def quantize_int8(a):
    """Per-row symmetric int8 (docs/FORMAT.md, TABLE): scale = max|row|/127, q = round(x/scale) in [-127, 127]
    (scale 0 for an all-zero row); the engine reads x = scale[row] * q, within scale/2 of x."""
    a = np.asarray(a, dtype=np.float32)
    scale = (np.abs(a).max(axis=1) / np.float32(127)).astype(np.float32)
    safe = np.where(scale == 0, np.float32(1), scale)
    q = np.clip(np.rint(a / safe[:, None]), -127, 127).astype(np.int8)
    return q, scale


def table_tensors(name, array, form):
    """{tensor name: (array, dtype)} that store table `name` ([rows, dim] fp32) in `form`: one tensor, or for
    int8 the I8 values and their per-row F32 scales named `name + ".scale"`."""
    f = table_form(form)
    a = np.asarray(array, dtype=np.float32)
    if f == "I8":
        q, scale = quantize_int8(a)
        return {name: (q, "I8"), name + ".scale": (scale, "F32")}
    return {name: (a, f)}


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
    if dtype == "I8":
        q, scale = quantize_int8(a)
        return q.astype(np.float32) * scale[:, None]
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
    """Returns name -> (array, dtype); F16/BF16 come back as fp32 arrays, I32/I64 as int64, I8 as int8."""
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
        elif dt == "I8":
            arr = np.frombuffer(raw, dtype=_NP[dt]).copy()
        else:
            arr = np.frombuffer(raw, dtype=_NP[dt]).copy()
        out[name] = (arr.reshape(e["shape"]), dt)
    return out
