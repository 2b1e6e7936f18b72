"""Checks of the exporter that need DeepCTR-Torch (the engine-side conformance is the Java test
DeepCtrTorchConformanceTest over fixtures/deepctr):

    DEEPCTR_TORCH=/path/to/DeepCTR-Torch /usr/bin/python3 tools/export/test_export.py

- every unsupported option is refused with a message naming it;
- request conversion refuses rows it cannot represent;
- exported directories, run through tools/reference/graph_torch.py (an interpreter of the format written
  independently of the engine), reproduce DeepCTR-Torch's predict on random inputs.
"""
import os
import sys
import tempfile
import unittest

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "reference"))
import make_fixtures  # noqa: E402

make_fixtures._import_deepctr(os.environ.get("DEEPCTR_TORCH"))
import deepctr_export as ex  # noqa: E402
from deepctr_torch.inputs import SparseFeat, VarLenSparseFeat, DenseFeat  # noqa: E402
from deepctr_torch.models import DIN, DIEN, DeepFM  # noqa: E402


def hist(name, vocab, dim, emb, T=4, length="seq_length", combiner="mean"):
    return VarLenSparseFeat(SparseFeat(name, vocab, embedding_dim=dim, embedding_name=emb), maxlen=T,
                            combiner=combiner, length_name=length)


def base_cols(extra=()):
    return [SparseFeat("user", 5, 4), SparseFeat("item", 9, 4), hist("hist_item", 9, 4, "item")] + list(extra)


class Refusals(unittest.TestCase):
    def refused(self, model, *words, **kw):
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaises(ex.UnsupportedModelError) as c:
                ex.export(model, d, **kw)
        for w in words:
            self.assertIn(w, str(c.exception))
        return str(c.exception)

    def test_dice_in_dnn(self):
        self.refused(DIN(base_cols(), ["item"], dnn_activation="Dice", dnn_hidden_units=(4,)),
                     "dnn_activation='Dice' does not run in DeepCTR-Torch")

    def test_unknown_activation_class(self):
        self.refused(DIN(base_cols(), ["item"], dnn_activation=torch.nn.LeakyReLU, dnn_hidden_units=(4,)),
                     "LeakyReLU")

    def test_varlen_with_its_own_length(self):
        self.refused(DIN(base_cols([hist("tags", 7, 4, "tags", length="tags_len")]), ["item"], dnn_hidden_units=(4,)),
                     "'tags'", "tags_len", "seq_length")

    def test_varlen_masked_by_ids(self):
        self.refused(DIN(base_cols([hist("tags", 7, 4, "tags", length=None)]), ["item"], dnn_hidden_units=(4,)),
                     "'tags'", "length_name None")

    def test_varlen_other_maxlen(self):
        self.refused(DIN(base_cols([hist("tags", 7, 4, "tags", T=6)]), ["item"], dnn_hidden_units=(4,)),
                     "'tags'", "maxlen 6")

    def test_max_combiner(self):
        self.refused(DIN(base_cols([hist("tags", 7, 4, "tags", combiner="max")]), ["item"], dnn_hidden_units=(4,)),
                     "combiner 'max'")

    def test_not_din(self):
        cols = [SparseFeat("user", 5, 4), SparseFeat("item", 9, 4)]
        self.refused(DeepFM(cols, cols), "DeepFM", "DIN")

    def test_unknown_candidate_feature(self):
        self.refused(DIN(base_cols(), ["item"], dnn_hidden_units=(4,)), "nope",
                     candidate_features=["nope"])

    def test_history_feature_as_candidate(self):
        self.refused(DIN(base_cols(), ["item"], dnn_hidden_units=(4,)), "hist_item",
                     candidate_features=["hist_item"])

    def test_bad_name(self):
        cols = [SparseFeat("user-id", 5, 4), SparseFeat("item", 9, 4), hist("hist_item", 9, 4, "item")]
        self.refused(DIN(cols, ["item"], dnn_hidden_units=(4,)), "user-id")

    def test_missing_length_column(self):
        cols = [SparseFeat("item", 9, 4), hist("hist_item", 9, 4, "item", length=None)]
        self.refused(DIN(cols, ["item"], dnn_hidden_units=(4,)), "length_name")

    def test_dice_in_dien_dnn(self):
        self.refused(DIEN(base_cols(), ["item"], dnn_activation="Dice", dnn_hidden_units=(4,)),
                     "dnn_activation='Dice' does not run in DeepCTR-Torch")

    def test_query_and_keys_of_different_width(self):
        cols = [SparseFeat("item", 9, 4), hist("hist_item", 9, 6, "item2")]
        self.refused(DIN(cols, ["item"], dnn_hidden_units=(4,)), "4 wide", "6 wide")

    def test_feature_columns_must_match(self):
        m = DIN(base_cols(), ["item"], dnn_hidden_units=(4,))
        self.refused(m, "differ", feature_columns=base_cols()[:2])


class Accepted(unittest.TestCase):
    def test_second_length_column_is_not_sent(self):
        cols = [SparseFeat("item", 9, 4), SparseFeat("cate", 3, 4), hist("hist_item", 9, 4, "item", length="n1"),
                hist("hist_cate", 3, 4, "cate", length="n2")]
        with tempfile.TemporaryDirectory() as d:
            desc = ex.export(DIN(cols, ["item", "cate"], dnn_hidden_units=(4,)), d)
        self.assertEqual(desc["history"]["length_column"], "n1")
        self.assertIn("n2", [e["feature"] for e in desc["not_sent"]])


    def test_dien_ignores_other_varlen_and_negatives(self):
        cols = base_cols([hist("tags", 7, 4, "tags", T=3, length="tags_len", combiner="max"),
                          hist("neg_hist_item", 9, 4, "item")])
        with tempfile.TemporaryDirectory() as d:
            desc = ex.export(DIEN(cols, ["item"], gru_type="AUGRU", use_negsampling=True, dnn_hidden_units=(4,)), d)
        self.assertEqual([e["field"] for e in desc["history_fields"]], ["hist_item"])
        not_sent = [e["feature"] for e in desc["not_sent"]]
        for f in ("seq_length", "tags", "tags_len", "neg_hist_item"):
            self.assertIn(f, not_sent)


class Requests(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.TemporaryDirectory()
        self.desc = ex.export(DIN(base_cols([DenseFeat("p", 2)]), ["item"], dnn_hidden_units=(4,)), self.d.name)

    def tearDown(self):
        self.d.cleanup()

    def x(self):
        return {"user": np.array([1, 1, 2]), "item": np.array([3, 4, 5]), "p": np.ones((3, 2), np.float32),
                "hist_item": np.array([[1, 2, 0, 0], [1, 2, 0, 0], [1, 0, 0, 0]]), "seq_length": np.array([2, 2, 1])}

    def test_ranking(self):
        r = ex.to_ranking_request(self.desc, self.x(), [0, 1])
        self.assertEqual(r, {"user": {"user": 1, "p": [1.0, 1.0]}, "history": {"hist_item": [1, 2]},
                             "candidates": {"item": [3, 4]}})

    def test_ranking_needs_one_user(self):
        with self.assertRaises(ValueError):
            ex.to_ranking_request(self.desc, self.x(), [1, 2])

    def test_padding_must_be_zero(self):
        x = self.x()
        x["hist_item"][2, 3] = 7
        with self.assertRaisesRegex(ValueError, "past its length"):
            ex.to_batch_request(self.desc, x, [2])

    def test_length_beyond_maxlen(self):
        x = self.x()
        x["seq_length"][0] = 5
        with self.assertRaisesRegex(ValueError, "outside"):
            ex.to_batch_request(self.desc, x, [0])


class Interpreter(unittest.TestCase):
    """Exported fixtures through an independent interpreter of the format (tools/reference/graph_torch.py)."""

    def test_every_case(self):
        import deepctr_torch as dc
        from graph_torch import GraphModule
        for i, (name, build, weights, gain) in enumerate(make_fixtures.cases(dc)):
            with self.subTest(name), tempfile.TemporaryDirectory() as d:
                _, model, x, scores = make_fixtures.make(dc, name, build, weights, gain, d, 1000 + i)
                gm = GraphModule(os.path.join(d, name))
                inputs = []
                for fname, dtype, shape in gm.input_spec():
                    if fname == "history_length":
                        inputs.append(torch.from_numpy(x[model_length_name(model)]).long())
                    else:
                        inputs.append(torch.from_numpy(np.asarray(x[fname])).to(dtype))
                with torch.no_grad():
                    got = gm(*inputs).numpy()
                np.testing.assert_allclose(got, scores, rtol=1e-5, atol=1e-6)


def model_length_name(model):
    return [c.length_name for c in model.dnn_feature_columns
            if type(c).__name__ == "VarLenSparseFeat" and c.length_name][0]


if __name__ == "__main__":
    unittest.main()
