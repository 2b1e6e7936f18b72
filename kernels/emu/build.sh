#!/usr/bin/env bash
# Builds each kernels/src/main/cuda/*.cu for the CPU emulator (cuda_emu.h) into kernels/emu/target/libemu_<name>.so.
# The one source edit: `extern __shared__ float sh[];` (dynamic shared memory) becomes the emulator's array.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$HERE/../src/main/cuda"
OUT="$HERE/target"
mkdir -p "$OUT"
built=0
for cu in "$SRC"/*.cu; do
  name="$(basename "$cu" .cu)"
  lib="$OUT/libemu_$name.so"
  # Up to date when newer than its kernel, the shared headers and the emulator itself.
  if [ -f "$lib" ] && [ -z "$(find "$cu" "$SRC"/*.cuh "$HERE/cuda_emu.h" "$HERE/wrappers.cpp" "$0" -newer "$lib" 2>/dev/null)" ]; then continue; fi
  built=$((built + 1))
  sed 's/extern __shared__ float sh\[\];/float* sh = ie_emu_shared;/' "$cu" > "$OUT/$name.cpp"
  cat "$HERE/wrappers.cpp" >> "$OUT/$name.cpp"
  g++ -std=c++20 -O1 -fPIC -shared -pthread -DIE_EMU -DIE_EMU_${name^^} -I "$SRC" -include "$HERE/cuda_emu.h" \
      -o "$OUT/libemu_$name.so" "$OUT/$name.cpp"
done
echo "[emu] $built of $(ls "$OUT"/*.so | wc -l) libraries rebuilt in $OUT"
