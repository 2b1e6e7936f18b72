"""Imports a checkpoint of the original TensorFlow scripts into an engine model directory (docs/FORMAT.md).

    python3 tools/export/tf_import.py --arch mouna99-din|mouna99-dien|uic-mimn --variables FILE \\
        [--max-length T] [--mask-flag true|false] [--steps padded|events] OUT_DIR

FILE holds the TF variables under the names `tf.train.list_variables` gives, in TF's layouts: a `.npz`, a
`.safetensors`, or a TF checkpoint prefix (only where `tensorflow` is importable). The variables of each
architecture are listed in /work/shared/reference/tf-variables.md:

  mouna99-din   mouna99/dien script/model.py Model_DIN
  mouna99-dien  mouna99/dien Model_DIN_V2_Gru_Vec_attGru(_Neg) (VecAttGRUCell evolution)
  uic-mimn      UIC-Paper/MIMN script/model.py Model_MIMN (Util_Reg and Mem_Induction read from the shapes)

Every size comes from the tensor shapes. The semantics are the scripts': TF GRU cells, Dice in its
per-sample form (0.5·(1+α)·x), BN with the stored moving statistics and eps 1e-3, softmax[0] + 1e-8, the
unmasked history sum of mouna99 (so T, --max-length, changes the score) and MIMN's quirks (padding steps,
capacity applied twice to w_aggre, init_M loaded). Request fields: user `uid`; candidate `mid`, `cat`;
history `mid_his`, `cat_his` (oldest first; the engine pads right for mouna99, left for MIMN). MIMN accepts
`uid` and ignores it.

Variables the model never reads (Adam slots, the auxiliary net, init/fully_connected_1|2) are skipped and
listed in the output's reference.json. A missing, misshapen or non-float32 variable stops the import with
an error naming it, its expected shape and what it was. Needs numpy only.
"""
import argparse
import json
import os
import re
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
from seq_st import Builder, tf_cell  # noqa: E402
from st import table_form  # noqa: E402

ARCHS = ("mouna99-din", "mouna99-dien", "uic-mimn")
BN_EPS = 1e-3  # tf.layers.batch_normalization's default
MIMN_CONSTANTS = dict(clip=20, shift_range=1, sharpen=2, util_scale=400)  # MIMNCell's constants

# Variables a checkpoint holds that no prediction reads: (pattern, why).
SKIPPED = [
    (re.compile(r"(^|/)beta[12]_power(_\d+)?$"), "Adam's power accumulator"),
    (re.compile(r"/Adam(_\d+)?$"), "Adam slot"),
    (re.compile(r"^(bn1|f1|f2|f3)(gru|bigru_0)/"), "auxiliary net (training loss only)"),
    (re.compile(r"^init/fully_connected_[12]/weights$"), "MIMN's initial w_list (never read)"),
    (re.compile(r"^global_step$"), "training step counter"),
]


class VariableError(ValueError):
    """A variable of the checkpoint is missing, misshapen or not float32 (the message names it)."""


# ------------------------------------------------------------------------------------------------ reading
_ST_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
              "U8": "u1", "BOOL": "?"}


def _read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    block = data[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        begin, end = e["data_offsets"]
        if e["dtype"] not in _ST_DTYPES:
            # BF16 and other kinds: keep the name and shape so that the dtype error can say what it was.
            out[name] = _Foreign(e["dtype"], tuple(e["shape"]))
            continue
        out[name] = np.frombuffer(block[begin:end], dtype=_ST_DTYPES[e["dtype"]]).reshape(e["shape"])
    return out


class _Foreign:
    """A tensor of a dtype numpy does not read (e.g. BF16): only its dtype and shape are reported."""

    def __init__(self, dtype, shape):
        self.dtype, self.shape = dtype, shape


def _read_checkpoint(prefix):
    try:
        import tensorflow as tf  # noqa: F401
    except ImportError:
        raise SystemExit("%s: not a .npz or .safetensors file, and reading a TF checkpoint needs tensorflow, "
                         "which is not importable here (see tools/export/README.md to dump it to .npz)" % prefix)
    train = tf.compat.v1.train if hasattr(tf, "compat") and hasattr(tf.compat, "v1") else tf.train
    reader = train.NewCheckpointReader(prefix)  # TF 1.4 (the scripts' version) to 2.x
    return {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()}


def read_variables(path):
    """name -> array (its own dtype) from a .npz, a .safetensors or a TF checkpoint prefix."""
    if path.endswith(".npz"):
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    if path.endswith(".safetensors"):
        return _read_safetensors(path)
    return _read_checkpoint(path)


class Variables:
    """The checkpoint's variables, checked as the importer reads them; remembers which ones were read and
    which ones the sizes came from (named in every shape error, since a bad one shows up elsewhere)."""

    def __init__(self, arrays):
        self.arrays = arrays
        self.read = set()
        self.anchors = []

    def has(self, name):
        return name in self.arrays

    def shape(self, name, expected):
        """The shape of a variable whose sizes define the model, `expected` its shape in symbols ("[H]",
        "[n_mid, E]"); checked for presence and rank here, for shape and dtype again when it is read."""
        a = self._present(name, expected)
        if len(a.shape) != expected.count(",") + 1:
            raise self.error(name, "shape " + expected, list(a.shape))
        shape = tuple(int(s) for s in a.shape)
        if (name, list(shape)) not in self.anchors:
            self.anchors.append((name, list(shape)))
        return shape

    def get(self, name, shape):
        a = self._present(name, str(list(shape)))
        if tuple(a.shape) != tuple(shape):
            raise self.error(name, "shape %s" % list(shape), list(a.shape))
        if str(a.dtype) not in ("float32", "<f4"):
            raise VariableError("variable %s: expected float32 of shape %s, found %s" % (name, list(shape), a.dtype))
        self.read.add(name)
        return np.asarray(a, dtype=np.float32)

    def error(self, name, expected, found, why=""):
        sources = [("%s %s" % (n, s)) for n, s in self.anchors if n != name]
        return VariableError("variable %s: expected %s%s, found %s%s" % (
            name, expected, why, found, "; the sizes were read from " + ", ".join(sources) if sources else ""))

    def _present(self, name, expected):
        if name not in self.arrays:
            raise VariableError("variable %s (expected shape %s) is missing from the checkpoint" % (name, expected))
        return self.arrays[name]

    def skipped(self):
        """[(name, shape, why)] of every variable not read."""
        out = []
        for name in sorted(self.arrays):
            if name in self.read:
                continue
            why = next((w for p, w in SKIPPED if p.search(name)), None)
            out.append((name, list(self.arrays[name].shape), why or "not read by this architecture"))
        return out


# ---------------------------------------------------------------------------------------------- builders
def _dense_kernel(v, b, name, n_in, n_out, prefix):
    """TF dense `name/kernel` [in, out] + `name/bias` as engine weight [out, in] + bias."""
    return {"weight": b.t(prefix + ".weight", v.get(name + "/kernel", (n_in, n_out)).T),
            "bias": b.t(prefix + ".bias", v.get(name + "/bias", (n_out,)))}


def _gru_cell(v, b, scope, n_in, hidden, prefix):
    g = lambda k, s: v.get(scope + "/" + k, s)
    return tf_cell(b, prefix, g("gates/kernel", (n_in + hidden, 2 * hidden)), g("gates/bias", (2 * hidden,)),
                   g("candidate/kernel", (n_in + hidden, hidden)), g("candidate/bias", (hidden,)))


def _attention_layers(v, b, stag, width, prefix):
    """din_attention / din_fcn_attention's MLP f1_att<stag> (sigmoid), f2_att<stag> (sigmoid), f3_att<stag>."""
    a1 = v.shape("f1_att%s/kernel" % stag, "[%d, A1]" % (4 * width))[1]
    a2 = v.shape("f2_att%s/kernel" % stag, "[A1, A2]")[1]
    layers = [_dense_kernel(v, b, "f1_att" + stag, 4 * width, a1, prefix + ".0"),
              _dense_kernel(v, b, "f2_att" + stag, a1, a2, prefix + ".1"),
              _dense_kernel(v, b, "f3_att" + stag, a2, 1, prefix + ".2")]
    for layer in layers[:2]:
        layer["activation"] = {"type": "sigmoid"}
    return layers


def _fcn(v, b, inp, width, act):
    """build_fcn_net: bn1 -> f1 -> act -> f2 -> act -> f3 (2 logits); act 'dice' (mouna99) or 'prelu' (MIMN)."""
    bn = {k: b.t("bn1." + k, v.get("bn1/" + tf, (width,))) for k, tf in
          (("weight", "gamma"), ("bias", "beta"), ("mean", "moving_mean"), ("var", "moving_variance"))}
    bn["eps"] = BN_EPS
    h1 = v.shape("f1/kernel", "[%d, F1]" % width)[1]
    h2 = v.shape("f2/kernel", "[F1, F2]")[1]
    prev = inp
    for i, (n_in, n_out) in enumerate(((width, h1), (h1, h2)), 1):
        kw = _dense_kernel(v, b, "f%d" % i, n_in, n_out, "f%d" % i)
        if i == 1:
            kw["batch_norm_before"] = bn
        if act == "dice":
            alpha = v.get("dice_%d/alphadice_%d" % (i, i), (n_out,))
            kw["activation"] = {"type": "dice", "form": "per_sample", "alpha": b.t("f%d.alpha" % i, alpha)}
        else:
            alpha = v.get("prelu_%d/prelu_prelu_%d" % (i, i), (n_out,))
            kw["activation"] = {"type": "prelu", "alpha": b.t("f%d.alpha" % i, alpha)}
        prev = b.op("dense", "f%d" % i, **{"in": prev}, **kw)
    b.op("dense", "logits", **{"in": prev}, **_dense_kernel(v, b, "f3", h2, 2, "f3"))
    return {"in": "logits", "type": "softmax2", "index": 0, "epsilon": 1e-8}


def _history(b, T, padding, table_mid, table_cat):
    b.history = {"max_length": T, "padding": padding, "padding_id": 0,
                 "fields": [{"name": "mid_his", "table": table_mid}, {"name": "cat_his", "table": table_cat}]}
    b.fields["candidate"] = [{"name": "mid", "table": table_mid}, {"name": "cat", "table": table_cat}]
    for o, f in (("h_mid", "mid_his"), ("h_cat", "cat_his"), ("c_mid", "mid"), ("c_cat", "cat")):
        b.op("embedding", o, field=f)
    b.op("concat", "hist", **{"in": ["h_mid", "h_cat"]})
    b.op("concat", "item", **{"in": ["c_mid", "c_cat"]})


def build_mouna99(v, arch, T):
    (n_uid, e_u), (n_mid, e), (n_cat, e_c) = (v.shape("%s_embedding_var" % t, "[n_%s, E]" % t)
                                              for t in ("uid", "mid", "cat"))
    if not e_u == e == e_c:
        raise VariableError("variables uid_embedding_var [%d, %d], mid_embedding_var [%d, %d] and cat_embedding_var "
                            "[%d, %d] must have one embedding width" % (n_uid, e_u, n_mid, e, n_cat, e_c))
    ref = {"mouna99-din": "mouna99/dien script/model.py Model_DIN",
           "mouna99-dien": "mouna99/dien script/model.py Model_DIN_V2_Gru_Vec_attGru_Neg (VecAttGRUCell)"}[arch]
    b = Builder(arch.replace("-", "_"), ref + ", imported from TF variables; Dice per sample")
    for t, n in (("uid", n_uid), ("mid", n_mid), ("cat", n_cat)):
        b.table(t, v.get(t + "_embedding_var", (n, e)))
    b.fields["user"] = [{"name": "uid", "table": "uid"}]
    _history(b, T, "right", "mid", "cat")
    b.op("embedding", "u", field="uid")
    b.op("pool", "his_sum", **{"in": "hist"}, mode="sum", masked=False)  # model.py:49, padding rows included
    b.op("mul", "item_his", **{"in": ["item", "his_sum"]})
    if arch == "mouna99-din":
        b.op("attention", "att", query="item", keys="hist", normalization="softmax",
             layers=_attention_layers(v, b, "null", 2 * e, "att"))
        interest, width = "att", 2 * e
    else:
        H = v.shape("gru1/gru_cell/candidate/bias", "[H]")[0]
        b.op("gru", "rnn1", **{"in": "hist"}, hidden=H, cell=_gru_cell(v, b, "gru1/gru_cell", 2 * e, H, "gru1"))
        q = _dense_kernel(v, b, "f11_1", 2 * e, H, "query")
        q["activation"] = {"type": "prelu", "alpha": b.t("query.alpha", v.get("prelu_", (H,)))}
        b.op("dense", "query", **{"in": "item"}, **q)
        b.op("attention", "alphas", query="query", keys="rnn1", normalization="softmax",
             layers=_attention_layers(v, b, "1_1", H, "att"), **{"return": "weights"})
        # VecAttGRUCell calls `call` directly: its variables have no gru_cell scope.
        b.op("gru", "final_state2", **{"in": "rnn1"}, hidden=H, cell=_gru_cell(v, b, "gru2", H, H, "gru2"),
             attention="alphas", attention_form="augru_keep", **{"return": "final"})
        interest, width = "final_state2", H
    b.op("concat", "mlp_in", **{"in": ["u", "item", "his_sum", "item_his", interest]})
    return b, _fcn(v, b, "mlp_in", e + 6 * e + width, "dice"), {"n_uid": n_uid, "n_mid": n_mid, "n_cat": n_cat,
                                                                 "embedding": e, "max_length": T}


def build_mimn(v, T, mask_flag, steps):
    n, e = v.shape("mid_embedding_var", "[n_ids, E]")
    m, D = v.shape("init/key_M", "[m, 2E]")
    if D != 2 * e:
        raise v.error("init/key_M", "shape [m, %d]" % (2 * e), [m, D], " (memory_vector_dim = 2 x the embedding width)")
    H = v.shape("controller/gru_cell/candidate/bias", "[H]")[0]
    O = v.shape("o2o/fully_connected/biases", "[O]")[0]
    P = 2 * (D + 3 + 2 * MIMN_CONSTANTS["shift_range"] + 1) + 2 * D
    rows, cols = v.shape("o2p/fully_connected/weights", "[H or H + m, %d]" % P)
    if rows not in (H, H + m):
        raise v.error("o2p/fully_connected/weights", "shape [%d, %d] (Util_Reg=0) or [%d, %d] (Util_Reg=1)"
                      % (H, P, H + m, P), [rows, cols])
    util_reg = rows == H + m
    # Mem_Induction=1 adds the channel GRU and the 'pal' attention: any of them present means all are needed.
    induction = any(v.has(p + k) for p in ("gru_cell/gates/", "gru_cell/candidate/") for k in ("kernel", "bias")) \
        or any(v.has("f%d_attpal/%s" % (i, k)) for i in (1, 2, 3) for k in ("kernel", "bias"))
    b = Builder("uic_mimn", "UIC-Paper/MIMN script/model.py Model_MIMN (Mem_Induction=%d, Util_Reg=%d, mask_flag=%s), "
                "steps=%s, imported from TF variables" % (induction, util_reg, mask_flag, steps))
    b.table("mid", v.get("mid_embedding_var", (n, e)))
    # Model_MIMN feeds a uid placeholder but has no uid embedding. The field is declared (any id maps to the one
    # row of a zero table that no op reads) so that the three architectures take the same requests.
    b.table("uid", np.zeros((1, 1), np.float32))
    b.tables["uid"]["oov"] = {"default_row": 0}
    b.fields["user"] = [{"name": "uid", "table": "uid"}]
    _history(b, T, "left", "mid", "mid")
    b.op("pool", "his_sum", **{"in": "hist"}, mode="sum", masked=True)
    op = dict(slots=m, memory_dim=D, controller_units=H, output_dim=O, util_reg=util_reg, mask_flag=mask_flag,
              steps=steps, controller=_gru_cell(v, b, "controller/gru_cell", 2 * e + D, H, "mimn.controller"),
              o2p={"weight": b.t("mimn.o2p.weight", v.get("o2p/fully_connected/weights", (rows, P)).T),
                   "bias": b.t("mimn.o2p.bias", v.get("o2p/fully_connected/biases", (P,)))},
              o2o={"weight": b.t("mimn.o2o.weight", v.get("o2o/fully_connected/weights", (H + D, O)).T),
                   "bias": b.t("mimn.o2o.bias", v.get("o2o/fully_connected/biases", (O,)))},
              init_read=b.t("mimn.init_read", v.get("init/fully_connected/weights", (1, D))[0]),
              init_memory=b.t("mimn.init_M", v.get("init/init_M", (m, D))),
              key_memory=b.t("mimn.key_M", v.get("init/key_M", (m, D))), mean_memory="mean_memory",
              **MIMN_CONSTANTS)
    if induction:
        op["induction"] = {"out": "miu", "cell": _gru_cell(v, b, "gru_cell", 2 * e + D, D, "mimn.miu")}
    b.op("mimn", "mimn_state", **{"in": "hist"}, **op)
    b.op("mimn_read", "read_out", state="mimn_state", query="item")
    parts = ["item", "his_sum", "read_out"]
    if induction:
        b.op("attention", "miu_att", query="item", keys="miu", normalization="softmax", mask=False,
             layers=_attention_layers(v, b, "pal", D, "miu_att"))
        parts.append("miu_att")
    b.op("mul", "mem_item", **{"in": ["mean_memory", "item"]})
    parts.append("mem_item")
    b.op("concat", "mlp_in", **{"in": parts})
    width = 2 * e + 2 * e + O + (D if induction else 0) + D
    sizes = {"n_ids": n, "embedding": e, "slots": m, "memory_dim": D, "controller_units": H, "output_dim": O,
             "util_reg": util_reg, "mem_induction": induction, "max_length": T, "mask_flag": mask_flag, "steps": steps}
    return b, _fcn(v, b, "mlp_in", width, "prelu"), sizes


def import_variables(arrays, arch, out_dir, max_length=100, mask_flag=True, steps="padded", source=None,
                     table_dtype="f32"):
    """Writes OUT_DIR (model.json, weights.safetensors, reference.json); returns the reference dict.
    table_dtype: how the embedding tables are stored: f32 (default), f16, bf16 or int8 (per-row scales).

    Raises VariableError naming the first bad variable."""
    if arch not in ARCHS:
        raise ValueError("--arch must be one of %s, not %r" % ("|".join(ARCHS), arch))
    if max_length < 1:
        raise ValueError("--max-length must be at least 1, not %d" % max_length)
    v = Variables(arrays)
    if arch == "uic-mimn":
        b, output, sizes = build_mimn(v, max_length, mask_flag, steps)
        fields = {"user": ["uid (accepted, never read: Model_MIMN has no uid embedding)"],
                  "history": ["mid_his", "cat_his"], "candidate": ["mid", "cat"]}
    else:
        b, output, sizes = build_mouna99(v, arch, max_length)
        fields = {"user": ["uid"], "history": ["mid_his", "cat_his"], "candidate": ["mid", "cat"]}
    b.table_dtype = table_form(table_dtype)
    b.write(out_dir, output)
    ref = {"reference": b.reference, "arch": arch, "source": source, "sizes": sizes, "table_dtype": b.table_dtype,
           "request_fields": fields,
           "read": sorted(v.read),
           "skipped": [{"name": n, "shape": s, "why": w} for n, s, w in v.skipped()],
           "generator": "tools/export/tf_import.py"}
    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    return ref


def _bool(s):
    if s.lower() in ("true", "1"):
        return True
    if s.lower() in ("false", "0"):
        return False
    raise argparse.ArgumentTypeError("expected true or false, not %r" % s)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--arch", required=True, choices=ARCHS)
    ap.add_argument("--variables", required=True, metavar="FILE",
                    help=".npz or .safetensors of TF-named variables, or a TF checkpoint prefix (needs tensorflow)")
    ap.add_argument("--max-length", type=int, default=100, metavar="T",
                    help="padded history length the model was served with (default 100, the scripts' maxlen)")
    ap.add_argument("--mask-flag", type=_bool, default=True, metavar="true|false",
                    help="MIMN's mask_flag (default true)")
    ap.add_argument("--steps", choices=("padded", "events"), default="padded",
                    help="MIMN: run the padding steps as the script does (padded, default) or real events only")
    ap.add_argument("--table-dtype", choices=("f32", "f16", "bf16", "int8"), default="f32",
                    help="how embedding tables are stored (default f32; int8 with per-row scales, docs/FORMAT.md)")
    ap.add_argument("out_dir", metavar="OUT_DIR")
    a = ap.parse_args(argv)
    if a.arch != "uic-mimn" and (a.steps != "padded" or not a.mask_flag):
        ap.error("--mask-flag and --steps are options of uic-mimn")
    try:
        ref = import_variables(read_variables(a.variables), a.arch, a.out_dir, a.max_length, a.mask_flag, a.steps,
                               source=os.path.basename(a.variables), table_dtype=a.table_dtype)
    except VariableError as e:
        print("tf_import: %s" % e, file=sys.stderr)
        return 2
    unknown = [s for s in ref["skipped"] if s["why"] == "not read by this architecture"]
    for s in unknown:
        print("tf_import: warning: variable %s %s is not part of %s; skipped" % (s["name"], s["shape"], a.arch),
              file=sys.stderr)
    print("wrote %s (%s; %d variables read, %d skipped)" % (a.out_dir, ref["reference"], len(ref["read"]),
                                                            len(ref["skipped"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
