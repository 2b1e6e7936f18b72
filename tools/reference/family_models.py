"""Reference PyTorch modules of three models without a DeepCTR-Torch class, written from their papers, and their
exporter to the engine's format (docs/FORMAT.md):

- NeuMF (He et al. 2017, "Neural Collaborative Filtering"): GMF (p_u ⊙ q_i over embeddings of their own) and an
  MLP tower over [p_u, q_i] (ReLU layers), merged by one final layer h^T [gmf, mlp] + b, sigmoid.
- AutoRec as a scoring head (Sedhain et al. 2015): the user's rating vector over the items r (a dense user field)
  is encoded h = g(V r + mu) (g sigmoid) and decoded r_hat_i = f(W_i . h + b_i) (f identity); the score of
  candidate item i is its reconstructed rating. The decoder row W_i and bias b_i are looked up by the candidate's
  id (tables [items, k] and [items, 1]), so a ranking request decodes only its candidates.
- Deep Crossing (Shan et al. 2016): per sparse feature the embedding max(0, W_j X_j + b_j) (X_j one-hot, so the
  exported table holds that function of each id), dense features stacked as they are, residual units
  relu(x + W2 relu(W1 x + b1) + b2), then a scoring layer and a sigmoid.

Export: `export(module, out_dir, name)` writes model.json and weights.safetensors.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402


class NeuMF(nn.Module):
    reference = "He et al. 2017, Neural Collaborative Filtering, NeuMF (GMF + MLP, final layer, sigmoid)"

    def __init__(self, users, items, factors=8, mlp=(16, 8, 4)):
        super().__init__()
        self.gmf_user, self.gmf_item = nn.Embedding(users, factors), nn.Embedding(items, factors)
        self.mlp_user, self.mlp_item = nn.Embedding(users, mlp[0] // 2), nn.Embedding(items, mlp[0] // 2)
        self.mlp = nn.ModuleList(nn.Linear(a, b) for a, b in zip(mlp[:-1], mlp[1:]))
        self.predict_layer = nn.Linear(factors + mlp[-1], 1)

    def forward(self, user, item):
        gmf = self.gmf_user(user) * self.gmf_item(item)
        x = torch.cat([self.mlp_user(user), self.mlp_item(item)], -1)
        for layer in self.mlp:
            x = torch.relu(layer(x))
        return torch.sigmoid(self.predict_layer(torch.cat([gmf, x], -1)))[:, 0]


class AutoRec(nn.Module):
    reference = ("Sedhain et al. 2015, AutoRec, as a scoring head: h = sigmoid(V r + mu) over the user's rating "
                 "vector, score of item i = W_i . h + b_i (identity output)")

    def __init__(self, items, hidden=10):
        super().__init__()
        self.encoder = nn.Linear(items, hidden)
        self.decoder = nn.Linear(hidden, items)

    def reconstruct(self, ratings):
        return self.decoder(torch.sigmoid(self.encoder(ratings)))

    def forward(self, ratings, item):
        return self.reconstruct(ratings).gather(1, item.view(-1, 1))[:, 0]


class DeepCrossing(nn.Module):
    reference = "Shan et al. 2016, Deep Crossing (embeddings with ReLU, stacking, residual units, scoring layer)"

    def __init__(self, sparse, dense, dim=6, units=(2, 12)):
        """sparse: {name: vocabulary}; dense: {name: width}; units: (number of residual units, their hidden width)."""
        super().__init__()
        self.sparse, self.dense = dict(sparse), dict(dense)
        self.emb = nn.ModuleDict({n: nn.Embedding(v, dim) for n, v in self.sparse.items()})
        self.emb_bias = nn.ParameterDict({n: nn.Parameter(torch.zeros(dim)) for n in self.sparse})
        width = dim * len(self.sparse) + sum(self.dense.values())
        n, h = units
        self.res1 = nn.ModuleList(nn.Linear(width, h) for _ in range(n))
        self.res2 = nn.ModuleList(nn.Linear(h, width) for _ in range(n))
        self.score = nn.Linear(width, 1)

    def embed(self, name, ids):
        return torch.relu(self.emb[name](ids) + self.emb_bias[name])

    def forward(self, **x):
        parts = [self.embed(n, x[n]) for n in self.sparse] + [x[n] for n in self.dense]
        h = torch.cat(parts, -1)
        for l1, l2 in zip(self.res1, self.res2):
            h = torch.relu(h + l2(torch.relu(l1(h))))
        return torch.sigmoid(self.score(h))[:, 0]


# --------------------------------------------------------------------------------------------------
def _np(t):
    return t.detach().cpu().numpy().astype(np.float32)


def _identity(tensors, rows):
    name = "identity.%d" % rows
    tensors[name] = (np.arange(rows, dtype=np.int64), "I64")
    return name


def _neumf(m, t):
    u_rows, i_rows = m.gmf_user.num_embeddings, m.gmf_item.num_embeddings
    for n, e in (("gmf_user", m.gmf_user), ("gmf_item", m.gmf_item), ("mlp_user", m.mlp_user), ("mlp_item", m.mlp_item)):
        t[n + ".weight"] = _np(e.weight)
    tables = {n: {"tensor": n + ".weight", "rows": e.num_embeddings, "dim": e.embedding_dim}
              for n, e in (("gmf_user", m.gmf_user), ("gmf_item", m.gmf_item), ("mlp_user", m.mlp_user),
                           ("mlp_item", m.mlp_item))}
    fields = {"user": [{"name": "user", "table": "gmf_user"},
                       {"name": "user.mlp", "table": "mlp_user",
                        "derive": {"from": "user", "map": _identity(t, u_rows)}}],
              "candidate": [{"name": "item", "table": "gmf_item"},
                            {"name": "item.mlp", "table": "mlp_item",
                             "derive": {"from": "item", "map": _identity(t, i_rows)}}]}
    g = [{"op": "embedding", "out": "gmf.u", "field": "user"}, {"op": "embedding", "out": "gmf.i", "field": "item"},
         {"op": "mul", "out": "gmf", "in": ["gmf.u", "gmf.i"]},
         {"op": "embedding", "out": "mlp.u", "field": "user.mlp"},
         {"op": "embedding", "out": "mlp.i", "field": "item.mlp"},
         {"op": "concat", "out": "mlp.in", "in": ["mlp.u", "mlp.i"]}]
    x = "mlp.in"
    for k, layer in enumerate(m.mlp):
        t["mlp.%d.weight" % k], t["mlp.%d.bias" % k] = _np(layer.weight), _np(layer.bias)
        g.append({"op": "dense", "out": "mlp.%d" % k, "in": x, "weight": "mlp.%d.weight" % k,
                  "bias": "mlp.%d.bias" % k, "activation": {"type": "relu"}})
        x = "mlp.%d" % k
    t["predict_layer.weight"], t["predict_layer.bias"] = _np(m.predict_layer.weight), _np(m.predict_layer.bias)
    g += [{"op": "concat", "out": "neumf.in", "in": ["gmf", x]},
          {"op": "dense", "out": "logit", "in": "neumf.in", "weight": "predict_layer.weight",
           "bias": "predict_layer.bias"}]
    return tables, fields, g, {"in": "logit", "type": "sigmoid"}


def _autorec(m, t):
    items, hidden = m.encoder.in_features, m.encoder.out_features
    t["encoder.weight"], t["encoder.bias"] = _np(m.encoder.weight), _np(m.encoder.bias)
    # decoder.weight [items, hidden]: row i is W_i, the candidate's decoder row; decoder.bias [items] as [items, 1].
    t["decoder.weight"] = _np(m.decoder.weight)
    t["decoder.bias"] = _np(m.decoder.bias).reshape(items, 1)
    tables = {"decoder": {"tensor": "decoder.weight", "rows": items, "dim": hidden},
              "decoder_bias": {"tensor": "decoder.bias", "rows": items, "dim": 1}}
    fields = {"user": [{"name": "ratings", "dense": items}],
              "candidate": [{"name": "item", "table": "decoder"},
                            {"name": "item.bias", "table": "decoder_bias",
                             "derive": {"from": "item", "map": _identity(t, items)}}]}
    g = [{"op": "dense_input", "out": "r", "field": "ratings"},
         {"op": "dense", "out": "h", "in": "r", "weight": "encoder.weight", "bias": "encoder.bias",
          "activation": {"type": "sigmoid"}},
         {"op": "embedding", "out": "w_i", "field": "item"},
         {"op": "mul", "out": "hw", "in": ["h", "w_i"]},
         {"op": "reduce_sum", "out": "dot", "in": "hw"},
         {"op": "embedding", "out": "b_i", "field": "item.bias"},
         {"op": "sum", "out": "rating", "in": ["dot", "b_i"]}]
    return tables, fields, g, {"in": "rating", "type": "identity"}


def _deep_crossing(m, t, candidate):
    tables, fields, g, parts = {}, {"user": [], "candidate": []}, [], []
    for n in m.sparse:
        # One-hot X_j: max(0, W_j X_j + b_j) is a function of the id, stored as the table's row.
        t["emb.%s" % n] = _np(torch.relu(m.emb[n].weight + m.emb_bias[n]))
        tables[n] = {"tensor": "emb.%s" % n, "rows": m.emb[n].num_embeddings, "dim": m.emb[n].embedding_dim}
        fields["candidate" if n in candidate else "user"].append({"name": n, "table": n})
        g.append({"op": "embedding", "out": "e." + n, "field": n})
        parts.append("e." + n)
    for n, w in m.dense.items():
        fields["candidate" if n in candidate else "user"].append({"name": n, "dense": w})
        g.append({"op": "dense_input", "out": "d." + n, "field": n})
        parts.append("d." + n)
    g.append({"op": "concat", "out": "stack", "in": parts})
    x = "stack"
    for k, (l1, l2) in enumerate(zip(m.res1, m.res2)):
        for name, layer in (("res%d.1" % k, l1), ("res%d.2" % k, l2)):
            t[name + ".weight"], t[name + ".bias"] = _np(layer.weight), _np(layer.bias)
        g.append({"op": "residual", "out": "res%d" % k, "in": x, "weight1": "res%d.1.weight" % k,
                  "bias1": "res%d.1.bias" % k, "weight2": "res%d.2.weight" % k, "bias2": "res%d.2.bias" % k})
        x = "res%d" % k
    t["score.weight"], t["score.bias"] = _np(m.score.weight), _np(m.score.bias)
    g.append({"op": "dense", "out": "logit", "in": x, "weight": "score.weight", "bias": "score.bias"})
    return tables, fields, g, {"in": "logit", "type": "sigmoid"}


def export(m, out_dir, name, candidate=()):
    """Writes the engine model directory of a NeuMF, AutoRec or DeepCrossing module. candidate: the Deep Crossing
    features sent per candidate (NeuMF's and AutoRec's candidate is the item)."""
    t = {}
    if isinstance(m, NeuMF):
        tables, fields, g, out = _neumf(m, t)
    elif isinstance(m, AutoRec):
        tables, fields, g, out = _autorec(m, t)
    elif isinstance(m, DeepCrossing):
        tables, fields, g, out = _deep_crossing(m, t, set(candidate))
    else:
        raise TypeError("not a NeuMF, AutoRec or DeepCrossing module: %s" % type(m).__name__)
    cfg = {"format": "interest-engine-model", "format_version": 2, "name": name, "reference": m.reference,
           "tables": tables, "fields": fields, "graph": g, "output": out}
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump(cfg, f, indent=1)
        f.write("\n")
    st.save(os.path.join(out_dir, "weights.safetensors"),
            {k: v if isinstance(v, tuple) else (v, "F32") for k, v in t.items()})
