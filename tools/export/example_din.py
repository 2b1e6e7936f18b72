"""The worked example of tools/export/README.md: train DeepCTR-Torch's own DIN example, export it, and
write a request file for the engine with the scores DeepCTR-Torch gives for it.

    DEEPCTR_TORCH=/path/to/DeepCTR-Torch /usr/bin/python3 tools/export/example_din.py /tmp/din_example
    ./engine score --model /tmp/din_example < /tmp/din_example/requests.jsonl
"""
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


def main(out_dir):
    # 1. Train, exactly as DeepCTR-Torch's examples/run_din.py does.
    feature_columns = [SparseFeat("user", 3, embedding_dim=8), SparseFeat("gender", 2, embedding_dim=8),
                       SparseFeat("item", 3 + 1, embedding_dim=8), SparseFeat("item_gender", 2 + 1, embedding_dim=8),
                       DenseFeat("score", 1)]
    feature_columns += [
        VarLenSparseFeat(SparseFeat("hist_item", 3 + 1, embedding_dim=8), 4, length_name="seq_length"),
        VarLenSparseFeat(SparseFeat("hist_item_gender", 2 + 1, embedding_dim=8), 4, length_name="seq_length")]
    behavior_feature_list = ["item", "item_gender"]
    feature_dict = {"user": np.array([0, 1, 2]), "gender": np.array([0, 1, 0]),
                    "item": np.array([1, 2, 3]), "item_gender": np.array([1, 2, 1]),
                    "score": np.array([0.1, 0.2, 0.3]),
                    "hist_item": np.array([[1, 2, 3, 0], [1, 2, 3, 0], [1, 2, 0, 0]]),
                    "hist_item_gender": np.array([[1, 1, 2, 0], [2, 1, 1, 0], [2, 1, 0, 0]]),
                    "seq_length": np.array([3, 3, 2])}
    x = {name: feature_dict[name] for name in get_feature_names(feature_columns)}
    y = np.array([1, 0, 1])
    model = DIN(feature_columns, behavior_feature_list, att_weight_normalization=True)
    model.compile("adagrad", "binary_crossentropy")
    model.fit(x, y, batch_size=3, epochs=10, verbose=0)

    # 2. Export: model.json + weights.safetensors + request_fields.json.
    desc = deepctr_export.export(model, out_dir, feature_columns=feature_columns, name="din_deepctr_example")

    # 3. Requests for the engine, and what DeepCTR-Torch itself predicts for them.
    # User 1 with its history, ranking the three items (one request, three candidates):
    rank = {"user": np.array([1, 1, 1]), "gender": np.array([1, 1, 1]), "item": np.array([1, 2, 3]),
            "item_gender": np.array([1, 2, 1]), "score": np.array([0.2, 0.2, 0.2]),
            "hist_item": np.array([[1, 2, 3, 0]] * 3), "hist_item_gender": np.array([[2, 1, 1, 0]] * 3),
            "seq_length": np.array([3, 3, 3])}
    with open(os.path.join(out_dir, "requests.jsonl"), "w") as f:
        f.write(json.dumps(deepctr_export.to_ranking_request(desc, rank)) + "\n")
        f.write(json.dumps(deepctr_export.to_batch_request(desc, x)) + "\n")
    print("DeepCTR-Torch predict, ranking request:", model.predict(dict(rank), 256).reshape(-1).tolist())
    print("DeepCTR-Torch predict, batch request:  ", model.predict(dict(x), 256).reshape(-1).tolist())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "din_example")
