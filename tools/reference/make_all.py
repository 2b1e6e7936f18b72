"""Regenerates every reference artefact: golden fixtures, their independent numpy check, and the trained
example models. Usage (from anywhere): /usr/bin/python3 tools/reference/make_all.py
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
    run("check_goldens.py")
    run("make_examples.py")
