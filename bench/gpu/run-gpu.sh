#!/usr/bin/env bash
# Runs on the GPU machine, from a copy of the repository with .devrt/ carried (bench/gpu/make-runtime.sh):
# no Java, Maven or network needed there. Writes everything under $OUT (default bench/results/gpu-<time>):
#   machine.txt           nvidia-smi, driver, runtime versions
#   tests.log             the engine-cuda JUnit tests on the GPU (golden fixtures, random models vs scalar,
#                         TF32, debug-sync mode, fallback, kernel ABI)
#   tests-sync.log        the same with -Dinterestengine.cuda.sync=true (every launch synchronised and checked)
#   kernel-harness.json   each kernel family checked against the scalar backend, then timed
#   gpu-bench.json        DIN/DIEN/MIMN: ranking request (200 candidates) and batches 256..65536 on cuda
#   torch-gpu.json        PyTorch eager and CUDA-graph on the same model directories (if torch+CUDA exist)
#   summary.txt           one line per step with its exit status
# usage: bash bench/gpu/run-gpu.sh [STEP...]   steps: tests tests-sync kernel-harness gpu-bench torch-gpu check-ptx
#        (default: all, about 6-8 minutes on an H100; name fewer to stay under one call's 10 minutes)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="${OUT:-$ROOT/bench/results/gpu-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
RT="$ROOT/.devrt"
JAVA="$RT/jdk/bin/java"
if [ ! -x "$JAVA" ]; then
  echo "no $JAVA: run bench/gpu/make-runtime.sh on the development machine and carry .devrt" | tee "$OUT/summary.txt" >&2
  exit 2
fi
export TMPDIR="${TMPDIR:-/tmp}"   # JCuda unpacks its native library into java.io.tmpdir
J=("$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djava.io.tmpdir="$TMPDIR" -cp "$RT/lib/*")
MODELS=("$RT/models")
[ -d models ] && MODELS+=(models)

{ date -u; uname -a; nvidia-smi 2>&1 || echo "nvidia-smi: not found"; "$JAVA" -version 2>&1; } > "$OUT/machine.txt"
: > "$OUT/summary.txt"
STEPS=" ${*:-tests tests-sync kernel-harness gpu-bench torch-gpu check-ptx} "
want() { [[ "$STEPS" == *" $1 "* ]]; }
step() {
  want "$1" || return 0
  local name="$1"; shift
  echo "== $name: $*"
  local t0=$SECONDS
  "$@" > "$OUT/$name.log" 2>&1
  local rc=$?
  echo "$name: exit $rc ($((SECONDS - t0)) s)" | tee -a "$OUT/summary.txt"
  tail -n 15 "$OUT/$name.log"
}

step tests "${J[@]}" io.interestengine.cuda.GpuTestMain
step tests-sync "${J[@]}" -Dinterestengine.cuda.sync=true io.interestengine.cuda.GpuTestMain
step kernel-harness "${J[@]}" io.interestengine.cuda.KernelHarness "$OUT"
step gpu-bench "${J[@]}" io.interestengine.cuda.GpuBench "$OUT" "${MODELS[@]}"
if ! want torch-gpu; then
  :
elif command -v python3 >/dev/null 2>&1 && python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  step torch-gpu python3 bench/gpu/torch_gpu.py --out "$OUT" "${MODELS[@]}"
else
  echo "torch-gpu: skipped, no python3 with a CUDA-enabled torch on this machine" | tee -a "$OUT/summary.txt"
fi
step check-ptx kernels/check-ptx.sh
echo "results in $OUT"
cat "$OUT/summary.txt"
