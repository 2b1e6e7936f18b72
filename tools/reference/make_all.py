"""Regenerates every reference artefact: the golden fixtures (Base/DIN, then DIEN/MIMN), their independent
check through the format interpreter, the trained example models and their ONNX exports (the peer benchmark's
inputs). Usage (from anywhere): /usr/bin/python3 tools/reference/make_all.py
The DeepCTR-Torch fixtures need a DeepCTR-Torch checkout: see tools/export/README.md. With $DEEPCTR_TORCH set,
the DeepFM, DCN and WDL examples (models/deepfm, models/dcn, models/wdl) are retrained too; without it they are
kept as committed and only their ONNX exports are rewritten.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(script, *args):
    print("== %s %s" % (script, " ".join(args)), flush=True)
    subprocess.run([sys.executable, os.path.join(HERE, script)] + list(args), check=True)


if __name__ == "__main__":
    run("make_goldens.py")
    run("make_goldens_seq.py")
    run("make_goldens_family.py")
    run("check_goldens.py")
    run("make_examples.py")
    run("make_examples_seq.py")
    if os.environ.get("DEEPCTR_TORCH"):
        run("make_examples_family.py")
    else:
        print("== DEEPCTR_TORCH not set: models/deepfm, models/dcn and models/wdl kept as committed", flush=True)
    models = os.path.join(HERE, "..", "..", "models")
    run("export_onnx.py", *[os.path.join(models, m) for m in ("base", "din", "dien", "mimn", "deepfm", "dcn", "wdl")])
