"""The worked examples of tools/export/README.md: train DeepCTR-Torch's own DIN example (with --tags: plus
user tags of their own length), export it, and write a request file for the engine with the scores
DeepCTR-Torch gives for it.

    DEEPCTR_TORCH=/path/to/DeepCTR-Torch /usr/bin/python3 tools/export/example_din.py /tmp/din_example [--tags]
    ./engine score --model /tmp/din_example < /tmp/din_example/requests.jsonl
    /usr/bin/python3 tools/reference/check_goldens.py /tmp/din_example     # the same through graph_torch.py
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_fixtures  # noqa: E402  (only for importing DeepCTR-Torch from $DEEPCTR_TORCH)

make_fixtures._import_deepctr(os.environ.get("DEEPCTR_TORCH"))

from deepctr_torch.inputs import DenseFeat, SparseFeat, VarLenSparseFeat, get_feature_names  # noqa: E402
from deepctr_torch.models import DIN  # noqa: E402

import deepctr_export  # noqa: E402


def main(out_dir, tags=False):
    # 1. Train, exactly as DeepCTR-Torch's examples/run_din.py does (with tags: one more feature column).
    feature_columns = [SparseFeat("user", 3, embedding_dim=8), SparseFeat("gender", 2, embedding_dim=8),
                       SparseFeat("item", 3 + 1, embedding_dim=8), SparseFeat("item_gender", 2 + 1, embedding_dim=8),
                       DenseFeat("score", 1)]
    feature_columns += [
        VarLenSparseFeat(SparseFeat("hist_item", 3 + 1, embedding_dim=8), 4, length_name="seq_length"),
        VarLenSparseFeat(SparseFeat("hist_item_gender", 2 + 1, embedding_dim=8), 4, length_name="seq_length")]
    if tags:
        # Up to 3 tags per user out of 5 (id 0 is padding), averaged; their own length column.
        feature_columns.append(VarLenSparseFeat(SparseFeat("tags", 5 + 1, embedding_dim=4), 3, combiner="mean",
                                                length_name="tags_len"))
    behavior_feature_list = ["item", "item_gender"]
    feature_dict = {"user": np.array([0, 1, 2]), "gender": np.array([0, 1, 0]),
                    "item": np.array([1, 2, 3]), "item_gender": np.array([1, 2, 1]),
                    "score": np.array([0.1, 0.2, 0.3]),
                    "hist_item": np.array([[1, 2, 3, 0], [1, 2, 3, 0], [1, 2, 0, 0]]),
                    "hist_item_gender": np.array([[1, 1, 2, 0], [2, 1, 1, 0], [2, 1, 0, 0]]),
                    "seq_length": np.array([3, 3, 2]),
                    "tags": np.array([[1, 2, 0], [3, 5, 0], [4, 0, 0]]), "tags_len": np.array([2, 2, 1])}
    x = {name: feature_dict[name] for name in get_feature_names(feature_columns)}
    y = np.array([1, 0, 1])
    model = DIN(feature_columns, behavior_feature_list, att_weight_normalization=True)
    model.compile("adagrad", "binary_crossentropy")
    model.fit(x, y, batch_size=3, epochs=10, verbose=0)

    # 2. Export: model.json + weights.safetensors + request_fields.json.
    desc = deepctr_export.export(model, out_dir, feature_columns=feature_columns,
                                 name="din_tags_example" if tags else "din_deepctr_example")

    # 3. Requests for the engine, and what DeepCTR-Torch itself predicts for them.
    # User 1 with its history, ranking the three items (one request, three candidates):
    rank = {"user": np.array([1, 1, 1]), "gender": np.array([1, 1, 1]), "item": np.array([1, 2, 3]),
            "item_gender": np.array([1, 2, 1]), "score": np.array([0.2, 0.2, 0.2]),
            "hist_item": np.array([[1, 2, 3, 0]] * 3), "hist_item_gender": np.array([[2, 1, 1, 0]] * 3),
            "seq_length": np.array([3, 3, 3]),
            # The third tag slot holds a stale id past tags_len: DeepCTR-Torch ignores it, so does the request.
            "tags": np.array([[3, 5, 4]] * 3), "tags_len": np.array([2, 2, 2])}
    rank = {name: rank[name] for name in get_feature_names(feature_columns)}
    cases = [(deepctr_export.to_ranking_request(desc, rank), model.predict(dict(rank), 256).reshape(-1).tolist()),
             (deepctr_export.to_batch_request(desc, x), model.predict(dict(x), 256).reshape(-1).tolist())]
    # requests.jsonl for `./engine score`; cases.jsonl (request + DeepCTR-Torch's scores) for
    # tools/reference/check_goldens.py, which replays the directory through the format's torch interpreter.
    with open(os.path.join(out_dir, "requests.jsonl"), "w") as f, open(os.path.join(out_dir, "cases.jsonl"), "w") as c:
        for req, scores in cases:
            f.write(json.dumps(req) + "\n")
            c.write(json.dumps({"request": req, "scores": scores}) + "\n")
    print("ranking request:", json.dumps(cases[0][0]))
    print("DeepCTR-Torch predict, ranking request:", cases[0][1])
    print("DeepCTR-Torch predict, batch request:  ", cases[1][1])


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out_dir", nargs="?", default="din_example")
    p.add_argument("--tags", action="store_true", help="add user tags with their own length column")
    a = p.parse_args()
    main(a.out_dir, a.tags)
