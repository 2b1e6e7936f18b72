"""Cross-check of dien.py's DeepCTR-Torch form against the real DeepCTR-Torch DIEN (all four gru_types, attention
weights normalised by softmax or raw).

    DEEPCTR_TORCH=/path/to/DeepCTR-Torch /usr/bin/python3 tools/reference/check_dien_deepctr.py

Builds deepctr_torch.models.DIEN with the fixtures' feature columns, copies dien.torch_params' weights into
its state dict, and compares model.predict (float32, eval mode) with dien.torch_forward (float64) on random
rows (history lengths 0..T). Prints the largest difference per gru_type; exits non-zero above 1e-5.
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "export"))
import dien  # noqa: E402
import deepctr_export  # noqa: E402


def main():
    path = os.environ.get("DEEPCTR_TORCH")
    if not path:
        sys.exit("set DEEPCTR_TORCH to a DeepCTR-Torch checkout (the directory holding deepctr_torch/)")
    deepctr_export.import_deepctr_torch(path)
    from deepctr_torch.inputs import SparseFeat, VarLenSparseFeat
    from deepctr_torch.models import DIEN
    T = 10
    worst = 0.0
    for k, (gt, norm) in enumerate([(g, n) for n in (True, False) for g in ("GRU", "AIGRU", "AGRU", "AUGRU")]):
        rng = np.random.default_rng(400 + k)
        p = dien.torch_params(rng, n_user=6, n_item=25, n_cate=6, e_item=4, e_cate=3, e_user=3, att=[8, 4], dnn=[10, 5],
                              gru_type=gt, normalization=norm)
        cols = [SparseFeat("user", 6, 3), SparseFeat("item", 25, 4), SparseFeat("cate", 6, 3),
                VarLenSparseFeat(SparseFeat("hist_item", 25, 4, embedding_name="item"), maxlen=T, length_name="seq_length"),
                VarLenSparseFeat(SparseFeat("hist_cate", 6, 3, embedding_name="cate"), maxlen=T, length_name="seq_length")]
        m = DIEN(cols, ["item", "cate"], gru_type=gt, att_hidden_units=(8, 4), dnn_hidden_units=(10, 5), att_weight_normalization=norm)
        sd = m.state_dict()
        put = lambda name, a: sd[name].copy_(torch.as_tensor(np.asarray(a, np.float32)))
        for t in ("user", "item", "cate"):
            put("embedding_dict.%s.weight" % t, p[t])
        for kk in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            put("interest_extractor.gru.%s_l0" % kk, p["ext." + kk])
        if gt in ("GRU", "AIGRU"):
            for kk in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                put("interest_evolution.interest_evolution.%s_l0" % kk, p["evo." + kk])
        else:
            for kk in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                name = "interest_evolution.interest_evolution.rnn." + kk
                if name in sd:
                    put(name, p["evo." + kk])
            if gt == "AUGRU":
                # The state dict holds one bias tensor under both names: the value stored as bias_hh.
                put("interest_evolution.interest_evolution.rnn.bias_ih", p["evo.bias_hh"])
        for i in range(3):
            a = "interest_evolution.attention.local_att." + ("dnn.linears.%d" % i if i < 2 else "dense")
            put(a + ".weight", p["att%d.weight" % i])
            put(a + ".bias", p["att%d.bias" % i])
        for i in range(2):
            put("dnn.linears.%d.weight" % i, p["dnn%d.weight" % i])
            put("dnn.linears.%d.bias" % i, p["dnn%d.bias" % i])
        put("linear.weight", p["linear.weight"])
        put("out.bias", p["out.bias"])
        m.load_state_dict(sd)
        B = 40
        L = rng.integers(0, T + 1, B)
        L[0] = 3
        hi = np.zeros((B, T), np.int64)
        hc = np.zeros((B, T), np.int64)
        for r in range(B):
            hi[r, :L[r]] = rng.integers(1, 25, L[r])
            hc[r, :L[r]] = rng.integers(1, 6, L[r])
        x = {"user": rng.integers(0, 6, B), "item": rng.integers(0, 25, B), "cate": rng.integers(0, 6, B),
             "hist_item": hi, "hist_cate": hc, "seq_length": L}
        got = m.predict(x, batch_size=B)[:, 0]
        ref = dien.torch_forward(p, x["user"], x["item"], x["cate"], hi, hc, L).detach().numpy()
        d = float(np.max(np.abs(got - ref)))
        worst = max(worst, d)
        print("%-6s %-7s max |DeepCTR-Torch - dien.py| = %.3g over %d rows (lengths %s)" % (gt, "softmax" if norm else "raw", d, B, sorted(set(L.tolist()))))
    sys.exit(0 if worst <= 1e-5 else 1)


if __name__ == "__main__":
    main()
