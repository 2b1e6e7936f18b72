"""model.json builder for the DIEN/MIMN references (docs/FORMAT.md); tensors are written as float32 by st.py."""
import json
import os

import numpy as np

import st


class Builder:
    """Collects tensors (float32) and ops, then writes a model directory."""

    def __init__(self, name, reference, table_dtype="f32"):
        self.name, self.reference, self.table_dtype = name, reference, table_dtype
        self.tensors, self.tables, self.graph = {}, {}, []
        self.fields = {"user": [], "candidate": []}
        self.history = None

    def t(self, name, array):
        """Registers a tensor (converted to float32) and returns its name."""
        self.tensors[name] = np.asarray(array, dtype=np.float32)
        return name

    def table(self, name, array):
        self.t("emb." + name, array)
        self.tables[name] = {"tensor": "emb." + name, "rows": int(array.shape[0]), "dim": int(array.shape[1])}

    def att_layers(self, p):
        """The attention MLP `att0..attN` (TF kernels, transposed): sigmoid hidden layers, a linear score."""
        layers, i = [], 0
        while "att%d/kernel" % i in p:
            l = {"weight": self.t("att.%d.weight" % i, p["att%d/kernel" % i].T), "bias": self.t("att.%d.bias" % i, p["att%d/bias" % i])}
            if "att%d/kernel" % (i + 1) in p:
                l["activation"] = {"type": "sigmoid"}
            layers.append(l)
            i += 1
        return layers

    def op(self, kind, out, **keys):
        d = {"op": kind, "out": out}
        d.update(keys)
        self.graph.append(d)
        return out

    def write(self, out_dir, output, extra_reference=None):
        os.makedirs(out_dir, exist_ok=True)
        fields = {"user": self.fields["user"], "candidate": self.fields["candidate"]}
        if self.history:
            fields["history"] = self.history
        model = {"format": "interest-engine-model", "format_version": 1, "name": self.name,
                 "reference": self.reference, "tables": self.tables, "fields": fields,
                 "graph": self.graph, "output": output}
        with open(os.path.join(out_dir, "model.json"), "w") as f:
            json.dump(model, f, indent=1)
            f.write("\n")
        stored = {k: (a, {np.dtype(np.float32): "F32", np.dtype(np.int32): "I32"}.get(a.dtype, "I64")) for k, a in self.tensors.items()}
        for t in self.tables.values():
            stored.update(st.table_tensors(t["tensor"], self.tensors[t["tensor"]], self.table_dtype))
        st.save(os.path.join(out_dir, "weights.safetensors"), stored)


def tf_cell(b, prefix, kernel_g, bias_g, kernel_c, bias_c):
    """A TF GRUCell's kernels ([in+H, 2H] and [in+H, H]) stored transposed ([out, in]) as a GRU_CELL object."""
    return {"style": "tf",
            "gate_weight": b.t(prefix + ".gate_weight", np.asarray(kernel_g).T),
            "gate_bias": b.t(prefix + ".gate_bias", bias_g),
            "candidate_weight": b.t(prefix + ".candidate_weight", np.asarray(kernel_c).T),
            "candidate_bias": b.t(prefix + ".candidate_bias", bias_c)}


def torch_cell(b, prefix, w_ih, w_hh, b_ih, b_hh, shared_bias=None):
    """A PyTorch GRU cell (r, z, n row blocks) as a GRU_CELL object; shared_bias names one tensor for both biases."""
    c = {"style": "torch", "weight_ih": b.t(prefix + ".weight_ih", w_ih), "weight_hh": b.t(prefix + ".weight_hh", w_hh)}
    if shared_bias is not None:
        c["bias_ih"] = c["bias_hh"] = b.t(prefix + "." + shared_bias, b_hh)
    else:
        c["bias_ih"] = b.t(prefix + ".bias_ih", b_ih)
        c["bias_hh"] = b.t(prefix + ".bias_hh", b_hh)
    return c


def f32(x):
    """Shortest decimal that reads back as the same float32."""
    return float(repr(np.float32(x)))
