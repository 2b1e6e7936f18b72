#!/usr/bin/env bash
# Compiles every kernels/src/main/cuda/*.cu to PTX with the pinned flags.
#   kernels/build-ptx.sh                 writes the committed copies (src/main/resources/io/interestengine/kernels)
#   kernels/build-ptx.sh --out DIR       writes into DIR (the Maven build passes target/classes/...)
#   kernels/build-ptx.sh --if-available  exits 0 with a message when nvcc is not on PATH (the Maven build)
# Without nvcc the committed PTX is what the jar carries.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/src/main/resources/io/interestengine/kernels"
OPTIONAL=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --if-available) OPTIONAL=1; shift ;;
    *) echo "usage: $0 [--out DIR] [--if-available]" >&2; exit 2 ;;
  esac
done
NVCC="${NVCC:-nvcc}"
if ! command -v "$NVCC" >/dev/null 2>&1; then
  if [ "$OPTIONAL" = 1 ]; then echo "[kernels] nvcc not on PATH: packaging the committed PTX"; exit 0; fi
  echo "nvcc not on PATH: install the CUDA toolkit (13.0 made the committed PTX) or set NVCC" >&2; exit 1
fi
# Pinned flags (keep in sync with PTX_BUILD): virtual architecture compute_80 so the driver JIT-compiles for
# any GPU from A100 (sm_80) to H100 (sm_90) and later; -O3; no fast math (expf/tanhf stay within 2 ulp of
# the scalar backend); no -lineinfo (it would write the checkout's path into the PTX).
FLAGS=(-ptx -arch=compute_80 -std=c++17 -O3)
# nvcc 13 writes PTX ISA 9.0, which only CUDA 13 drivers load. The kernels use nothing newer than ISA 8.0
# (CUDA 12.0), so the directive is lowered to let any CUDA 12 driver (JCuda 12.6 needs >= 12.6) load them;
# ptxas re-validates the lowered file for sm_80 and sm_90 below.
PTX_ISA="8.0"
mkdir -p "$OUT"
for cu in "$HERE"/src/main/cuda/*.cu; do
  name="$(basename "$cu" .cu)"
  tmp="$(mktemp)"
  "$NVCC" "${FLAGS[@]}" -I "$HERE/src/main/cuda" -o "$tmp" "$cu"
  sed -E "s/^\.version [0-9]+\.[0-9]+$/.version $PTX_ISA/" "$tmp" > "$OUT/$name.ptx"
  rm -f "$tmp"
  if command -v ptxas >/dev/null 2>&1; then
    for sm in sm_80 sm_90; do ptxas -arch=$sm "$OUT/$name.ptx" -o /dev/null; done
  fi
  echo "[kernels] $name.ptx"
done
