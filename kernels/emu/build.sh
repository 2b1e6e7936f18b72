#!/usr/bin/env bash
# Builds each kernels/src/main/cuda/*.cu for the CPU emulator (cuda_emu.h) into kernels/emu/target/libemu_<name>.so.
# The one source edit: `extern __shared__ float sh[];` (dynamic shared memory) becomes the emulator's array.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$HERE/../src/main/cuda"
OUT="$HERE/target"
mkdir -p "$OUT"
for cu in "$SRC"/*.cu; do
  name="$(basename "$cu" .cu)"
  sed 's/extern __shared__ float sh\[\];/float* sh = ie_emu_shared;/' "$cu" > "$OUT/$name.cpp"
  cat "$HERE/wrappers.cpp" >> "$OUT/$name.cpp"
  g++ -std=c++20 -O1 -fPIC -shared -pthread -DIE_EMU -DIE_EMU_${name^^} -I "$SRC" -include "$HERE/cuda_emu.h" \
      -o "$OUT/libemu_$name.so" "$OUT/$name.cpp"
done
echo "[emu] built $(ls "$OUT"/*.so | wc -l) libraries in $OUT"
