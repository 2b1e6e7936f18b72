#!/usr/bin/env bash
# Ranking cost as the work grows (DIN and DIEN, T in {50,100,500,1000} history events, N in {50,200,1000}
# candidates): the engine's SIMD backend and ONNX Runtime on the same inputs, one thread each.
#
#   bench/scaling.sh [OUT]        # default OUT: bench/results/scaling-<UTC date>
#
# The bundled models/din and models/dien are re-declared at each T (their weights do not depend on T) under
# bench/target/scaling/T<T>/ and exported to ONNX there (tools/reference/export_onnx.py, needs /usr/bin/python3
# with torch). Times are the calling thread's CPU time (--clock cpu), which other processes' load does not
# inflate. Writes OUT/raw/*.json (one peer-bench run per T and N), OUT/scaling.md (table and linear fits) and
# OUT/scaling.svg (chart). Takes about 40 minutes, most of it exporting DIEN at T = 500 and 1000.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/results/scaling-$(date -u +%Y%m%d)}
work=bench/target/scaling
seconds=${SCALING_SECONDS:-3}
for T in 50 100 500 1000; do
  for m in din dien; do
    d=$work/T$T/$m
    if [ ! -f "$d/model.onnx" ]; then
      mkdir -p "$d"
      cp models/$m/weights.safetensors models/$m/vocab.json "$d/"
      /usr/bin/python3 - "$T" models/$m/model.json "$d/model.json" <<'PY'
import json, sys
T, src, dst = int(sys.argv[1]), sys.argv[2], sys.argv[3]
m = json.load(open(src))
groups = [m["fields"]["history"]] if "history" in m["fields"] else m["fields"]["sequences"]
for g in groups:
    g["max_length"] = T
json.dump(m, open(dst, "w"), indent=1)
PY
    fi
    # torch 1.13's exporter grows faster than linearly in an unrolled recurrence's length (DIEN at T = 500
    # takes it many CPU minutes): past EXPORT_SECONDS the model is timed on the engine alone.
    if [ ! -f "$d/model.onnx" ] && [ ! -f "$d/no-onnx" ]; then
      timeout "${EXPORT_SECONDS:-1500}" /usr/bin/python3 tools/reference/export_onnx.py --no-shape-inference "$d" \
        || { rm -f "$d/model.onnx"; echo "export of $d stopped after ${EXPORT_SECONDS:-1500} s" > "$d/no-onnx"; }
    fi
  done
  for N in 50 200 1000; do
    for m in din dien; do
      # A rerun after an interruption keeps the runs it has.
      ls "$out"/raw/*-T$T-N$N-$m-ranking.json >/dev/null 2>&1 && continue
      ort=on
      [ -f "$work/T$T/$m/model.onnx" ] || ort=off
      ./engine bench --models $work/T$T --only $m --backends simd --workloads ranking --n $N --clock cpu \
          --seconds "$seconds" --rounds 3 --ort $ort --tag T$T-N$N-$m --out "$out/raw"
    done
  done
done
/usr/bin/python3 bench/scaling_report.py "$out"
