"""Checks of the exporter that need DeepCTR-Torch (the engine-side conformance is the Java test
the engine-testkit ConformanceSuite over fixtures/deepctr):

    DEEPCTR_TORCH=/path/to/DeepCTR-Torch /usr/bin/python3 tools/export/test_export.py

- every unsupported option is refused with a message naming it;
- request conversion reads input dicts as DeepCTR-Torch does and refuses only rows no request can represent;
- exported directories, run through tools/reference/graph_torch.py (an interpreter of the format written
  independently of the engine), reproduce DeepCTR-Torch's predict on random inputs, and the committed
  fixtures/deepctr cases replay through it (tools/reference/check_goldens.py).
"""
import json
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
from deepctr_torch.models import DIN, DIEN, DeepFM, DCN, AFM, PNN, xDeepFM, WDL, FiBiNET  # noqa: E402
import make_family_fixtures  # noqa: E402


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

    def test_max_combiner_with_a_length_column(self):
        self.refused(DIN(base_cols([hist("tags", 7, 4, "tags", combiner="max", length="tags_len")]), ["item"],
                         dnn_hidden_units=(4,)), "'tags'", "combiner 'max'", "does not run in DeepCTR-Torch")

    def test_max_with_a_length_column_does_not_run_in_deepctr(self):
        # The refusal above rests on this: DeepCTR-Torch itself cannot score such a model.
        m = DIN(base_cols([hist("tags", 7, 4, "tags", combiner="max", length="tags_len")]), ["item"],
                dnn_hidden_units=(4,))
        x = {"user": np.array([1]), "item": np.array([2]), "hist_item": np.array([[1, 2, 0, 0]]),
             "seq_length": np.array([2]), "tags": np.array([[1, 0, 0, 0]]), "tags_len": np.array([1])}
        with self.assertRaisesRegex(RuntimeError, "bool"):
            m.predict(x)

    def test_unknown_combiner(self):
        self.refused(DIN(base_cols([hist("tags", 7, 4, "tags", combiner="min", length=None)]), ["item"],
                         dnn_hidden_units=(4,)), "combiner 'min'")

    def test_unsupported_model(self):
        cols = [SparseFeat("user", 5, 4), SparseFeat("item", 9, 4)]
        self.refused(FiBiNET(cols, cols), "FiBiNET", "supported: DIEN, DIN, WDL, DeepFM")

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


def flat_cols(extra=(), dim=4):
    return [SparseFeat("user", 5, dim), SparseFeat("item", 9, dim), SparseFeat("cate", 3, dim)] + list(extra)


class FamilyRefusals(unittest.TestCase):
    refused = Refusals.refused

    def test_dice_in_dnn(self):
        self.refused(DeepFM(flat_cols(), flat_cols(), dnn_activation="Dice", dnn_hidden_units=(4,)),
                     "dnn_activation='Dice' does not run in DeepCTR-Torch")

    def test_unknown_activation_class(self):
        self.refused(WDL(flat_cols(), flat_cols(), dnn_activation=torch.nn.LeakyReLU, dnn_hidden_units=(4,)),
                     "LeakyReLU")

    def test_unknown_cin_activation(self):
        self.refused(xDeepFM(flat_cols(), flat_cols(), cin_activation=torch.nn.ELU, cin_layer_size=(4,),
                             dnn_hidden_units=()), "cin_activation", "ELU")

    def test_max_with_a_length_column_linear_side(self):
        lin = flat_cols([hist("tags", 7, 1, "tags", combiner="max", length="tags_len")])
        self.refused(DeepFM(lin, flat_cols(), dnn_hidden_units=(4,)), "'tags'", "combiner 'max'")

    def test_afm_dense_in_dnn_columns(self):
        cols = flat_cols([DenseFeat("price", 1)])
        self.refused(AFM(cols, cols), "AFM", "DenseFeat", "support_dense=False")

    def test_cin_with_a_shared_table(self):
        # CIN's field_size is len(embedding_dict): a shared embedding_name makes it disagree with the fields.
        cols = flat_cols([SparseFeat("seen", 9, 4, embedding_name="item")])
        m = xDeepFM(cols, cols, cin_layer_size=(4,), dnn_hidden_units=())
        self.refused(m, "CIN layer 0 takes 9 channels", "len(embedding_dict) = 3", "does not run in DeepCTR-Torch")
        x = {n: np.array([1]) for n in ("user", "item", "cate", "seen")}
        with self.assertRaises(RuntimeError):
            m.predict(x)  # the refusal rests on this

    def test_fields_of_different_widths(self):
        cols = [SparseFeat("user", 5, 4), SparseFeat("item", 9, 6)]
        self.refused(DeepFM(cols, cols, dnn_hidden_units=(4,)), "DeepFM use_fm", "embedding_dim [4, 6]")
        self.refused(PNN(cols, dnn_hidden_units=(4,)), "PNN use_inner", "embedding_dim [4, 6]")

    def test_varlen_candidate_feature(self):
        cols = flat_cols([hist("tags", 7, 4, "tags")])
        self.refused(DeepFM(cols, cols, dnn_hidden_units=(4,)), "tags", candidate_features=["tags"])

    def test_feature_columns_must_match(self):
        self.refused(DeepFM(flat_cols(), flat_cols()), "differ", feature_columns=flat_cols()[:2])

    def test_dcn_without_dnn_does_not_run_in_deepctr(self):
        # Why DCN/DCNMix fixtures always have a DNN: DeepCTR-Torch builds its DNN unconditionally and refuses ().
        with self.assertRaisesRegex(ValueError, "hidden_units is empty"):
            DCN(flat_cols(), flat_cols(), dnn_hidden_units=())


class FamilyAccepted(unittest.TestCase):
    def test_linear_and_dnn_tables_of_one_feature(self):
        lin = [SparseFeat("user", 5, 4), SparseFeat("item", 7, 4)]
        desc, mj = exported(DeepFM(lin, flat_cols(), dnn_hidden_units=(4,)), candidate_features=["item"])
        self.assertEqual(mj["fields"]["user"], [
            {"name": "user", "table": "user"},
            {"name": "user.linear", "table": "linear.user", "derive": {"from": "user", "map": "identity.5"}},
            {"name": "cate", "table": "cate"}])
        # The linear item table is the smaller: the request field is sent on it, the DNN's derived.
        self.assertEqual(mj["fields"]["candidate"], [
            {"name": "item", "table": "linear.item"},
            {"name": "item.dnn", "table": "item", "derive": {"from": "item", "map": "identity.7"}}])
        self.assertNotIn("sequences", mj["fields"])
        self.assertNotIn("history", mj["fields"])
        self.assertEqual(mj["format_version"], 2)
        self.assertEqual([e["field"] for e in desc["user"]], ["user", "cate"])

    def test_default_candidates_and_requests_without_history(self):
        desc, mj = exported(DeepFM(flat_cols(), flat_cols(), dnn_hidden_units=(4,)))
        self.assertEqual([f["name"] for f in mj["fields"]["candidate"] if "derive" not in f], ["user", "item", "cate"])
        self.assertEqual(mj["fields"]["user"], [])
        self.assertIn("note", desc)
        x = {"user": np.array([1, 2]), "item": np.array([3, 4]), "cate": np.array([0, 1])}
        self.assertEqual(ex.to_ranking_request(desc, x), {"user": {}, "candidates": {"user": [1, 2], "item": [3, 4],
                                                                                     "cate": [0, 1]}})

    def test_sequence_groups(self):
        cols = flat_cols([hist("tags", 7, 4, "tags", T=3, length="tags_len", combiner="sum"),
                          hist("genres", 5, 4, "genres", T=2, length=None, combiner="max")])
        desc, mj = exported(WDL(cols, cols, dnn_hidden_units=(4,)), candidate_features=["item"])
        seqs = mj["fields"]["sequences"]
        self.assertEqual(list(seqs), ["tags_len", "genres"])
        self.assertEqual(seqs["genres"]["mask"], "id")
        self.assertEqual([f["name"] for f in seqs["tags_len"]["fields"]], ["tags", "tags.linear"])
        x = {"user": np.array([1]), "item": np.array([3]), "cate": np.array([0]), "tags": np.array([[1, 2, 6]]),
             "tags_len": np.array([2]), "genres": np.array([[0, 4]])}
        self.assertEqual(ex.to_batch_request(desc, x), {"batch": [{
            "user": {"user": 1, "cate": 0}, "history": {"tags": [1, 2], "genres": [0, 4]}, "candidate": {"item": 3}}]})


def exported(model, **kw):
    """(desc, model.json) of an export into a temporary directory."""
    with tempfile.TemporaryDirectory() as d:
        desc = ex.export(model, d, **kw)
        with open(os.path.join(d, "model.json")) as f:
            return desc, json.load(f)


class TableDtype(unittest.TestCase):
    """table_dtype: the tables stored compactly (docs/FORMAT.md, TABLE), model.json and every other tensor as in the
    F32 export; DIN's tables and DeepFM's 1-wide linear tables."""

    def test_every_form(self):
        import st
        for model in (DIN(base_cols(), ["item"], dnn_hidden_units=(4,)),
                      DeepFM(flat_cols(), flat_cols(), dnn_hidden_units=(4,))):
            with tempfile.TemporaryDirectory() as d:
                ex.export(model, os.path.join(d, "f32"), name="m")
                base = st.load(os.path.join(d, "f32", "weights.safetensors"))
                with open(os.path.join(d, "f32", "model.json")) as f:
                    mj = json.load(f)
                tables = {t["tensor"] for t in mj["tables"].values()}
                for form, dtype in (("f16", "F16"), ("bf16", "BF16"), ("int8", "I8")):
                    with self.subTest(model=type(model).__name__, form=form):
                        out = os.path.join(d, form)
                        ex.export(model, out, name="m", table_dtype=form)
                        with open(os.path.join(out, "model.json")) as f:
                            self.assertEqual(mj, json.load(f))
                        got = st.load(os.path.join(out, "weights.safetensors"))
                        extra = {t + ".scale" for t in tables} if dtype == "I8" else set()
                        self.assertEqual(set(base) | extra, set(got))
                        for name, (want, dt) in base.items():
                            arr, gdt = got[name]
                            if name not in tables:
                                self.assertEqual(dt, gdt, name)
                                np.testing.assert_array_equal(want, arr, name)
                            elif dtype != "I8":
                                self.assertEqual(dtype, gdt, name)
                                np.testing.assert_array_equal(st.round_to(want, dtype), arr, name)
                            else:
                                self.assertEqual("I8", gdt, name)
                                scale = got[name + ".scale"][0]
                                # per-row symmetric quantisation: within half a step of the trained weight
                                err = np.abs(arr.astype(np.float32) * scale[:, None] - want)
                                self.assertTrue(np.all(err <= scale[:, None] * (0.5 + 1e-5)), name)

    def test_unknown_form_is_refused(self):
        with tempfile.TemporaryDirectory() as d, self.assertRaises(ValueError) as c:
            ex.export(DIN(base_cols(), ["item"], dnn_hidden_units=(4,)), d, table_dtype="fp8")
        self.assertIn("table_dtype", str(c.exception))


class Accepted(unittest.TestCase):
    def test_second_length_column_is_not_sent(self):
        cols = [SparseFeat("item", 9, 4), SparseFeat("cate", 3, 4), hist("hist_item", 9, 4, "item", length="n1"),
                hist("hist_cate", 3, 4, "cate", length="n2")]
        desc, mj = exported(DIN(cols, ["item", "cate"], dnn_hidden_units=(4,)))
        self.assertEqual(desc["sequences"][0]["length_column"], "n1")
        self.assertIn("n2", [e["feature"] for e in desc["not_sent"]])
        self.assertEqual(mj["format_version"], 1)

    def test_dien_ignores_other_varlen_and_negatives(self):
        cols = base_cols([hist("tags", 7, 4, "tags", T=3, length="tags_len", combiner="max"),
                          hist("neg_hist_item", 9, 4, "item")])
        desc, mj = exported(DIEN(cols, ["item"], gru_type="AUGRU", use_negsampling=True, dnn_hidden_units=(4,)))
        self.assertEqual([e["field"] for e in desc["history_fields"]], ["hist_item"])
        not_sent = [e["feature"] for e in desc["not_sent"]]
        for f in ("seq_length", "tags", "tags_len", "neg_hist_item"):
            self.assertIn(f, not_sent)
        self.assertEqual(mj["format_version"], 1)

    def test_own_length_column_is_its_own_group(self):
        desc, mj = exported(DIN(base_cols([hist("tags", 7, 3, "tags", T=6, length="tags_len", combiner="sum")]),
                                ["item"], dnn_hidden_units=(4,)))
        self.assertEqual(mj["format_version"], 2)
        seqs = mj["fields"]["sequences"]
        self.assertEqual(list(seqs), ["history", "tags_len"])
        self.assertEqual((seqs["tags_len"]["max_length"], seqs["tags_len"]["mask"]), (6, "length"))
        self.assertEqual([f["name"] for f in seqs["tags_len"]["fields"]], ["tags"])
        self.assertEqual([s["length_column"] for s in desc["sequences"]], ["seq_length", "tags_len"])
        self.assertEqual({e["feature"] for e in desc["not_sent"]}, {"seq_length", "tags_len"})

    def test_id_mask_and_max_pool(self):
        desc, mj = exported(DIN(base_cols([hist("genres", 5, 2, "genres", T=3, length=None, combiner="max")]),
                                ["item"], dnn_hidden_units=(4,)))
        g = mj["fields"]["sequences"]["genres"]
        self.assertEqual((g["mask"], g["padding_id"], g["max_length"]), ("id", 0, 3))
        ops = [op for op in mj["graph"] if op["op"] == "max_pool"]
        self.assertEqual(ops, [{"op": "max_pool", "out": "pool.genres", "in": "emb.genres"}])
        self.assertNotIn("length_column", desc["sequences"][1])

    def test_same_length_and_maxlen_joins_the_history(self):
        # As in format_version 1: one group, one length.
        desc, mj = exported(DIN(base_cols([hist("tags", 7, 3, "tags", combiner="sum")]), ["item"],
                                dnn_hidden_units=(4,)))
        self.assertEqual(mj["format_version"], 1)
        self.assertEqual([f["name"] for f in mj["fields"]["history"]["fields"]], ["hist_item", "tags"])

    def test_pooled_order_and_shared_length_column(self):
        # Two extras on one length column (one group), declared before the history: the first length column.
        cols = [SparseFeat("item", 9, 4), hist("a", 7, 4, "item", T=3, length="n", combiner="sum"),
                hist("b", 4, 2, "b", T=3, length="n", combiner="mean"), hist("hist_item", 9, 4, "item", T=5)]
        desc, mj = exported(DIN(cols, ["item"], dnn_hidden_units=(4,)))
        self.assertEqual(desc["sequences"][0]["length_column"], "n")  # the history's length, DeepCTR-Torch's quirk
        self.assertEqual([(s["group"], s["fields"]) for s in desc["sequences"]],
                         [("history", ["hist_item"]), ("n", ["a", "b"])])
        concat = next(op for op in mj["graph"] if op["out"] == "dnn.input")
        self.assertEqual(concat["in"], ["emb.item", "pool.a", "pool.b", "att.pooled"])
        self.assertEqual(mj["tables"]["item"]["rows"], 9)
        self.assertEqual(desc["not_sent"], [
            {"feature": "n", "why": "the length of the 'history' and 'n' arrays"},
            {"feature": "seq_length", "why": "only the first length column, 'n', is read for the history"}])

    def test_group_names_do_not_collide(self):
        # An id-masked feature named like a length column's group gets a generated name.
        cols = base_cols([hist("tags", 7, 2, "tags", T=3, length="x"), hist("x", 5, 2, "x", T=3, length=None)])
        _, mj = exported(DIN(cols, ["item"], dnn_hidden_units=(4,)))
        self.assertEqual(list(mj["fields"]["sequences"]), ["history", "x", "seq1"])


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

    def test_ids_past_the_length_are_ignored(self):
        x = self.x()
        x["hist_item"][2] = [1, 7, 8, 3]
        self.assertEqual(ex.to_batch_request(self.desc, x, [2])["batch"][0]["history"], {"hist_item": [1]})

    def test_length_beyond_maxlen_means_every_position(self):
        # DeepCTR-Torch's mask is position < length: a length past maxlen marks all positions real.
        x = self.x()
        x["hist_item"][0] = [1, 2, 3, 4]
        x["seq_length"][0] = 9
        self.assertEqual(ex.to_batch_request(self.desc, x, [0])["batch"][0]["history"], {"hist_item": [1, 2, 3, 4]})

    def test_negative_length(self):
        x = self.x()
        x["seq_length"][0] = -1
        with self.assertRaisesRegex(ValueError, "seq_length = -1 is negative"):
            ex.to_batch_request(self.desc, x, [0])


class RequestsAsDeepCtrReadsThem(unittest.TestCase):
    """The converters against DeepCTR-Torch's own predict: where they send a request, it scores as the input."""

    def request(self, model, x, rows=None):
        with tempfile.TemporaryDirectory() as d:
            desc = ex.export(model, d)
        return desc, ex.to_batch_request(desc, x, rows)

    def test_garbage_past_the_length_changes_nothing_in_deepctr(self):
        m = DIN(base_cols([hist("tags", 7, 3, "tags", T=3, length="tags_len", combiner="mean")]), ["item"],
                dnn_hidden_units=(4,), att_weight_normalization=True, init_std=0.5)
        clean = {"user": np.array([1, 2]), "item": np.array([3, 4]),
                 "hist_item": np.array([[1, 2, 0, 0], [5, 0, 0, 0]]), "seq_length": np.array([2, 1]), "tags": np.array([[1, 0, 0], [2, 3, 0]]), "tags_len": np.array([1, 2])}
        dirty = {k: v.copy() for k, v in clean.items()}
        dirty["hist_item"][:, 2:] = 8
        dirty["tags"][:, 2] = 6
        dirty["tags"][0, 1] = 5
        np.testing.assert_array_equal(m.predict(dirty), m.predict(clean))
        self.assertEqual(self.request(m, dirty)[1], self.request(m, clean)[1])

    def test_empty_softmax_history_with_ids_is_refused(self):
        # Softmax over an all-masked row averages every key, padding included: no request can say so.
        m = DIN(base_cols(), ["item"], dnn_hidden_units=(4,), att_weight_normalization=True, init_std=0.5)
        x = {"user": np.array([1, 1]), "item": np.array([3, 3]), "hist_item": np.array([[0, 0, 0, 0], [0, 4, 0, 0]]),
             "seq_length": np.array([0, 0])}
        p = m.predict(x).reshape(-1)
        self.assertGreater(abs(p[0] - p[1]), 1e-6)  # DeepCTR-Torch reads the id past the length here
        self.assertEqual(self.request(m, x, [0])[1]["batch"][0]["history"], {"hist_item": []})
        with self.assertRaisesRegex(ValueError, "softmax attention"):
            self.request(m, x, [1])

    def test_empty_raw_history_ignores_ids(self):
        m = DIN(base_cols(), ["item"], dnn_hidden_units=(4,), init_std=0.5)
        x = {"user": np.array([1, 1]), "item": np.array([3, 3]), "hist_item": np.array([[0, 0, 0, 0], [0, 4, 0, 0]]),
             "seq_length": np.array([0, 0])}
        p = m.predict(x).reshape(-1)
        self.assertEqual(p[0], p[1])
        _, r = self.request(m, x)
        self.assertEqual([s["history"] for s in r["batch"]], [{"hist_item": []}] * 2)

    def test_dien_length_beyond_maxlen(self):
        m = DIEN(base_cols(), ["item"], dnn_hidden_units=(4,))
        x = {"user": np.array([1]), "item": np.array([3]), "hist_item": np.array([[1, 2, 3, 4]]),
             "seq_length": np.array([5])}
        with self.assertRaises(RuntimeError):
            m.predict(x)  # DeepCTR-Torch's packing fails: there is nothing to reproduce
        with self.assertRaisesRegex(ValueError, "exceeds the history's maxlen 4"):
            self.request(m, x)

    def test_mean_past_maxlen_is_refused_sum_is_not(self):
        # A mean divides by the length column itself (5 here, over 3 positions); a sum just takes them all.
        for combiner, ok in (("sum", True), ("mean", False)):
            m = DIN(base_cols([hist("tags", 7, 3, "tags", T=3, length="tags_len", combiner=combiner)]), ["item"],
                    dnn_hidden_units=(4,))
            x = {"user": np.array([1]), "item": np.array([3]), "hist_item": np.array([[1, 0, 0, 0]]),
                 "seq_length": np.array([1]), "tags": np.array([[1, 2, 3]]), "tags_len": np.array([5])}
            with self.subTest(combiner):
                if ok:
                    self.assertEqual(self.request(m, x)[1]["batch"][0]["history"]["tags"], [1, 2, 3])
                else:
                    with self.assertRaisesRegex(ValueError, "divides the 3 real positions by 5"):
                        self.request(m, x)

    def test_id_mask_sends_ids_up_to_maxlen(self):
        m = DIN(base_cols([hist("genres", 7, 3, "genres", T=4, length=None, combiner="max")]), ["item"],
                dnn_hidden_units=(4,))
        x = {"user": np.array([1, 1, 1]), "item": np.array([3, 3, 3]), "hist_item": np.array([[1, 0, 0, 0]] * 3),
             "seq_length": np.array([1, 1, 1]), "genres": np.array([[0, 3, 0, 2], [5, 0, 0, 0], [0, 0, 0, 0]])}
        _, r = self.request(m, x)
        self.assertEqual([s["history"]["genres"] for s in r["batch"]], [[0, 3, 0, 2], [5], []])


class Interpreter(unittest.TestCase):
    """Exported fixtures through an independent interpreter of the format (tools/reference/graph_torch.py)."""

    def test_every_case(self):
        """Each case made afresh: the interpreter on DeepCTR-Torch's own input arrays (ids past the lengths
        included) and on the requests the converters wrote, against model.predict."""
        import deepctr_torch as dc
        from graph_torch import GraphModule
        for i, (name, build, weights, gain) in enumerate(make_fixtures.cases(dc)):
            with self.subTest(name), tempfile.TemporaryDirectory() as d:
                _, model, x, scores = make_fixtures.make(dc, name, build, weights, gain, d, 1000 + i)
                out = os.path.join(d, name)
                with open(os.path.join(out, "request_fields.json")) as f:
                    desc = json.load(f)
                columns = {s["group"]: s.get("length_column") for s in desc["sequences"]}
                gm = GraphModule(out)
                inputs = []
                for fname, dtype, shape in gm.input_spec():
                    group = gm.length_inputs().get(fname)
                    src = x[columns[group]] if group else x[fname]
                    inputs.append(torch.from_numpy(np.asarray(src)).to(dtype))
                with torch.no_grad():
                    got = gm(*inputs).numpy()
                # Both sides compute in float32 (different summation orders): the engine's GoldenCases tolerance.
                np.testing.assert_allclose(got, scores, rtol=1e-5, atol=1e-6)
                self.assertGreater(replay(out), 0)

    def test_every_family_case(self):
        """The family cases made afresh, through the interpreter on DeepCTR-Torch's own input arrays (ids past the
        lengths included) and on the converters' requests, against model.predict."""
        import deepctr_torch as dc
        from graph_torch import GraphModule
        for i, (name, build, weights, gain) in enumerate(make_family_fixtures.cases()):
            with self.subTest(name), tempfile.TemporaryDirectory() as d:
                out, model, x, scores = make_family_fixtures.make(dc, name, build, weights, gain, d, 2000 + i)
                with open(os.path.join(out, "request_fields.json")) as f:
                    desc = json.load(f)
                columns = {s["group"]: s.get("length_column") for s in desc["sequences"]}
                gm = GraphModule(out)
                inputs = []
                for fname, dtype, shape in gm.input_spec():
                    group = gm.length_inputs().get(fname)
                    src = x[columns[group]] if group else x[fname]
                    inputs.append(torch.from_numpy(np.asarray(src)).to(dtype))
                with torch.no_grad():
                    got = gm(*inputs).numpy()
                # Both sides compute in float32 (different summation orders): the engine's GoldenCases tolerance.
                np.testing.assert_allclose(got, scores, rtol=1e-5, atol=1e-6)
                self.assertGreater(replay(out), 0)

    def test_ids_past_the_length_are_exercised(self):
        """The cases that claim ids past the lengths have them (else the converters' reading goes untested)."""
        import deepctr_torch as dc
        cases = {c[0]: c for c in make_fixtures.cases(dc)}
        for name in ("din_tags_own_length", "din_combiners", "dien_extra_varlen"):
            with self.subTest(name), tempfile.TemporaryDirectory() as d:
                i = list(cases).index(name)
                _, model, x, _ = make_fixtures.make(dc, *cases[name], d, 1000 + i)
                with open(os.path.join(d, name, "request_fields.json")) as f:
                    desc = json.load(f)
                seen = 0
                for s in desc["sequences"]:
                    if s["mask"] != "length":
                        continue
                    n = np.minimum(x[s["length_column"]], s["max_length"])
                    for fname in s["fields"]:
                        ids = np.asarray(x[fname])
                        past = np.arange(ids.shape[1])[None, :] >= n[:, None]
                        seen += int(np.count_nonzero(ids[past]))
                self.assertGreater(seen, 0)


class CommittedFixtures(unittest.TestCase):
    """fixtures/deepctr as committed (what the engine's conformance tests read), replayed through the
    interpreter in float64 (tools/reference/check_goldens.py: rtol 1e-5, atol 1e-6), with its self-test
    (a 1% change of the logit layer must be caught)."""

    def test_replay(self):
        root = os.path.join(os.path.dirname(os.path.dirname(HERE)), "fixtures", "deepctr")
        dirs = sorted(os.path.join(root, n) for n in os.listdir(root))
        self.assertGreaterEqual(len(dirs), 18 + len(make_family_fixtures.cases()))
        for d in dirs:
            with self.subTest(os.path.basename(d)):
                self.assertGreater(replay(d, self_test=True), 0)


def replay(d, self_test=False):
    """check_goldens on one directory (it computes in float64, the default dtype while it runs); the number of
    scores compared. Raises AssertionError on a mismatch."""
    import check_goldens
    torch.set_default_dtype(torch.float64)
    try:
        n, _ = check_goldens.check(d)
        if self_test:
            check_goldens.self_test(d)
        return n
    finally:
        torch.set_default_dtype(torch.float32)


if __name__ == "__main__":
    unittest.main()
