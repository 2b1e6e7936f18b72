#!/usr/bin/env bash
# Builds the kernels for the CPU emulator and runs them against the numpy references (about 2 minutes on 2 cores).
# Skips, with the reason, where g++ (C++20) or python3 with numpy is missing.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
command -v g++ >/dev/null 2>&1 || { echo "kernels/emu: SKIPPED, no g++"; exit 0; }
"$PY" -c 'import numpy' 2>/dev/null || { echo "kernels/emu: SKIPPED, $PY has no numpy"; exit 0; }
"$HERE/build.sh"
"$PY" "$HERE/test_emulated.py" "$@" | grep -v '^ok ' || true
exit "${PIPESTATUS[0]}"
