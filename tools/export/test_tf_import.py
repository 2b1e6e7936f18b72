"""Checks of tf_import.py on the committed fixtures (fixtures/tf; numpy only, no TensorFlow or torch):

    python3 tools/export/test_tf_import.py

- the .npz and the .safetensors of every fixture import to the same model directory, the committed one;
- every variable the model reads, missing, misshapen or of another dtype, stops the import with an error
  naming it (through files and the command line too);
- training-only variables are skipped and listed; options that do not apply are refused.
The scores of the imported models are checked by the engine (the ConformanceSuite of engine-testkit, on scalar and SIMD) and, without
the engine, by tools/reference/check_goldens.py (an independent interpreter of the format).
"""
import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tools", "reference"))
import st  # noqa: E402
import tf_import  # noqa: E402

FIX = os.path.join(ROOT, "fixtures", "tf")
CASES = sorted(d for d in os.listdir(FIX) if os.path.exists(os.path.join(FIX, d, "cases.jsonl")))
# One case per variable set: the bad-variable checks run every read variable of each.
SHAPES = ["mouna99_din", "mouna99_dien", "mimn_miu_reg_m4_mask", "mimn_nomiu_noreg_m8_nomask"]


def load_json(path):
    with open(path) as f:
        return json.load(f)


def reference(case):
    return load_json(os.path.join(FIX, case, "reference.json"))


def argv(case, variables, out_dir):
    ref = reference(case)
    s = ref["sizes"]
    a = ["--arch", ref["arch"], "--variables", variables, "--max-length", str(s["max_length"])]
    if ref["arch"] == "uic-mimn":
        a += ["--mask-flag", str(s["mask_flag"]).lower(), "--steps", s["steps"]]
    return a + [out_dir]


def run(args):
    """tf_import.main with its output captured: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = tf_import.main(args)
        except SystemExit as e:
            rc = e.code
    return rc, out.getvalue(), err.getvalue()


def inputs(case):
    with np.load(os.path.join(FIX, "inputs", case + ".npz")) as z:
        return {k: z[k] for k in z.files}


def read(path):
    with open(path, "rb") as f:
        return f.read()


class BothFileKinds(unittest.TestCase):
    def test_npz_and_safetensors_give_the_committed_model(self):
        self.assertEqual(19, len(CASES), CASES)
        for case in CASES:
            with self.subTest(case=case), tempfile.TemporaryDirectory() as tmp:
                for kind in ("npz", "safetensors"):
                    out = os.path.join(tmp, kind)
                    rc, _, err = run(argv(case, os.path.join(FIX, "inputs", case + "." + kind), out))
                    self.assertEqual(0, rc, err)
                    for f in ("model.json", "weights.safetensors"):
                        self.assertEqual(read(os.path.join(FIX, case, f)), read(os.path.join(out, f)), kind + " " + f)
                    got = load_json(os.path.join(out, "reference.json"))
                    want = reference(case)
                    for k in ("reference", "arch", "sizes", "request_fields", "read", "skipped"):
                        self.assertEqual(want[k], got[k], k)
                    self.assertEqual(case + "." + kind, got["source"])

    def test_format_version_1_and_request_fields(self):
        for case in CASES:
            mj = load_json(os.path.join(FIX, case, "model.json"))
            self.assertEqual(1, mj["format_version"])
            f = mj["fields"]
            self.assertEqual(["uid"], [x["name"] for x in f["user"]])
            self.assertEqual(["mid_his", "cat_his"], [x["name"] for x in f["history"]["fields"]])
            self.assertEqual(["mid", "cat"], [x["name"] for x in f["candidate"]])
            self.assertEqual("left" if case.startswith("mimn") else "right", f["history"]["padding"])


class TableDtype(unittest.TestCase):
    """--table-dtype: the same model.json, the tables stored compactly (docs/FORMAT.md, TABLE), the rest unchanged."""

    def test_every_form(self):
        case = "mouna99_din"
        committed = st.load(os.path.join(FIX, case, "weights.safetensors"))
        tables = {t["tensor"] for t in load_json(os.path.join(FIX, case, "model.json"))["tables"].values()}
        for form, dtype in (("f16", "F16"), ("bf16", "BF16"), ("int8", "I8")):
            with self.subTest(form=form), tempfile.TemporaryDirectory() as tmp:
                rc, _, err = run(["--table-dtype", form] + argv(case, os.path.join(FIX, "inputs", case + ".npz"), tmp))
                self.assertEqual(0, rc, err)
                self.assertEqual(read(os.path.join(FIX, case, "model.json")), read(os.path.join(tmp, "model.json")))
                self.assertEqual(dtype, load_json(os.path.join(tmp, "reference.json"))["table_dtype"])
                got = st.load(os.path.join(tmp, "weights.safetensors"))
                for name, (want, _) in committed.items():
                    if name not in tables:
                        self.assertEqual("F32", got[name][1], name)
                        np.testing.assert_array_equal(want, got[name][0], name)
                        continue
                    arr, dt = got[name]
                    self.assertEqual(dtype, dt, name)
                    if dtype != "I8":
                        np.testing.assert_array_equal(st.round_to(want, dtype), arr, name)
                        continue
                    scale, sdt = got[name + ".scale"]
                    self.assertEqual(("F32", [want.shape[0]]), (sdt, list(scale.shape)), name + ".scale")
                    self.assertTrue(np.all(np.abs(arr) <= 127), name)
                    # symmetric rounding to the nearest step: each value within half a step of the original
                    err = np.abs(arr.astype(np.float32) * scale[:, None] - want)
                    self.assertTrue(np.all(err <= scale[:, None] * (0.5 + 1e-5)), "%s: max error %g" % (name, err.max()))
                    self.assertTrue(np.all(scale == np.abs(want).max(axis=1).astype(np.float32) / np.float32(127)), name)

    def test_unknown_form_is_refused(self):
        rc, _, err = run(["--table-dtype", "fp8"] + argv("mouna99_din", os.path.join(FIX, "inputs", "mouna99_din.npz"), "x"))
        self.assertEqual(2, rc)
        self.assertIn("--table-dtype", err)


class BadVariables(unittest.TestCase):
    def fails(self, arrays, case, *words):
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaises(tf_import.VariableError) as c:
                ref = reference(case)
                tf_import.import_variables(arrays, ref["arch"], tmp, ref["sizes"]["max_length"])
        for w in words:
            self.assertIn(w, str(c.exception))
        return str(c.exception)

    def test_every_read_variable_missing_misshapen_or_not_float32(self):
        for case in SHAPES:
            good = inputs(case)
            for name in reference(case)["read"]:
                with self.subTest(case=case, variable=name):
                    shape = list(good[name].shape)
                    bad = dict(good)
                    del bad[name]
                    self.fails(bad, case, "variable " + name + " ", "missing")
                    bad[name] = np.zeros([s + 1 for s in shape], np.float32)
                    self.fails(bad, case, name, str([s + 1 for s in shape]))
                    for dt in (np.float64, np.float16, np.int32):
                        bad[name] = good[name].astype(dt)
                        msg = self.fails(bad, case, "variable " + name + ":", np.dtype(dt).name)
                        self.assertIn(str(shape), msg)

    def test_wrong_shape_names_expected_and_found(self):
        good = inputs("mouna99_dien")
        bad = dict(good, **{"f3/kernel": np.zeros((5, 2), np.float32)})
        msg = self.fails(bad, "mouna99_dien", "variable f3/kernel: expected shape [6, 2], found [5, 2]")
        self.assertIn("f2/kernel [12, 6]", msg)  # where its 6 came from, in case that one is the bad variable
        bad = dict(good, **{"uid_embedding_var": np.zeros((6, 5), np.float32)})
        self.fails(bad, "mouna99_dien", "uid_embedding_var [6, 5]", "one embedding width")
        bad = dict(inputs("mimn_miu_reg_m4_mask"), **{"o2p/fully_connected/weights": np.zeros((5, 28), np.float32)})
        self.fails(bad, "mimn_miu_reg_m4_mask", "o2p/fully_connected/weights", "[4, 28] (Util_Reg=0) or [8, 28]",
                   "found [5, 28]")

    def test_through_files_and_the_command_line(self):
        good = inputs("mouna99_din")
        with tempfile.TemporaryDirectory() as tmp:
            npz = os.path.join(tmp, "bad.npz")
            np.savez(npz, **dict(good, **{"f1/bias": good["f1/bias"].astype(np.float64)}))
            rc, _, err = run(argv("mouna99_din", npz, os.path.join(tmp, "out1")))
            self.assertEqual(2, rc)
            self.assertIn("variable f1/bias: expected float32 of shape [12], found float64", err)
            sft = os.path.join(tmp, "bad.safetensors")
            st.save(sft, {k: (v, "BF16" if k == "dice_2/alphadice_2" else "F32") for k, v in good.items()})
            rc, _, err = run(argv("mouna99_din", sft, os.path.join(tmp, "out2")))
            self.assertEqual(2, rc)
            self.assertIn("variable dice_2/alphadice_2: expected float32 of shape [6], found BF16", err)
            del good["bn1/moving_variance"]
            st.save(sft, {k: (v, "F32") for k, v in good.items()})
            rc, _, err = run(argv("mouna99_din", sft, os.path.join(tmp, "out3")))
            self.assertEqual(2, rc)
            self.assertIn("variable bn1/moving_variance (expected shape [36]) is missing", err)
            self.assertFalse(os.path.exists(os.path.join(tmp, "out3", "model.json")))


class Skipped(unittest.TestCase):
    def test_training_only_variables_are_listed(self):
        why = {s["name"]: s["why"] for s in reference("mouna99_dien")["skipped"]}
        for name in ("beta1_power", "beta2_power", "mid_embedding_var/Adam", "mid_embedding_var/Adam_1",
                     "bn1gru/moving_mean", "f1gru/kernel", "f3gru/bias"):
            self.assertIn(name, why)
        self.assertEqual([], [n for n, w in why.items() if w == "not read by this architecture"])
        why = {s["name"]: s["why"] for s in reference("mimn_miu_reg_m4_mask")["skipped"]}
        for name in ("init/fully_connected_1/weights", "init/fully_connected_2/weights", "f2bigru_0/kernel"):
            self.assertIn(name, why)

    def test_unknown_variable_is_skipped_with_a_warning(self):
        good = inputs("mouna99_din")
        with tempfile.TemporaryDirectory() as tmp:
            npz = os.path.join(tmp, "extra.npz")
            np.savez(npz, **dict(good, **{"f_fm/kernel": np.zeros((3, 2), np.float32)}))
            rc, _, err = run(argv("mouna99_din", npz, os.path.join(tmp, "out")))
            self.assertEqual(0, rc, err)
            self.assertIn("warning: variable f_fm/kernel [3, 2] is not part of mouna99-din", err)
            ref = load_json(os.path.join(tmp, "out", "reference.json"))
            self.assertIn({"name": "f_fm/kernel", "shape": [3, 2], "why": "not read by this architecture"},
                          ref["skipped"])

    def test_options_that_do_not_apply_are_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            npz = os.path.join(FIX, "inputs", "mouna99_din.npz")
            rc, _, err = run(["--arch", "mouna99-din", "--variables", npz, "--mask-flag", "false", tmp])
            self.assertEqual(2, rc)
            self.assertIn("--mask-flag and --steps are options of uic-mimn", err)
            rc, _, err = run(["--arch", "mouna99-din", "--variables", os.path.join(tmp, "ckpt"), tmp])
            self.assertIn("needs tensorflow", str(rc) + err)


if __name__ == "__main__":
    unittest.main()
