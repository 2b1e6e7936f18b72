"""Standard-size DIEN and MIMN model directories with random weights, for the GPU benchmark (DESIGN.md sizes:
DIEN embedding 18, hidden 36, T=100, attention 80/40, MLP 200/80; MIMN E=16, D=32, controller 32, m=4 slots,
T=200, util_reg and the MIU on). Built with the same exporters as the golden fixtures (tools/reference).

usage: /usr/bin/python3 bench/gpu/make_models.py OUT_DIR
"""
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "reference"))
import dien  # noqa: E402
import mimn  # noqa: E402


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(2026)
    p = dien.mouna99_params(rng, n_uid=10000, n_mid=10000, n_cat=800, e=18, H=36, att=[80, 40], mlp=[200, 80])
    dien.mouna99_export(p, "augru", os.path.join(out, "dien_standard"), 100, "dien_standard")
    p = mimn.params(rng, n_mid=10000, e=16, H=32, m=4, att=[80, 40], mlp=[200, 80], util_reg=True, induction=True)
    mimn.export(p, os.path.join(out, "mimn_standard"), 200, "mimn_standard", True, "padded")
    print("wrote", os.path.join(out, "dien_standard"), os.path.join(out, "mimn_standard"))


if __name__ == "__main__":
    main()
