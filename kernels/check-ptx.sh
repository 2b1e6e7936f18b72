#!/usr/bin/env bash
# Checks that the committed PTX is exactly what the pinned compiler makes of the committed sources.
# Skips (exit 0, with the reason) where nvcc is absent; with a different nvcc release than PTX_BUILD names,
# a difference is reported but not fatal (another compiler release schedules instructions differently).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
COMMITTED="$HERE/src/main/resources/io/interestengine/kernels"
NVCC="${NVCC:-nvcc}"
if ! command -v "$NVCC" >/dev/null 2>&1; then
  echo "check-ptx: SKIPPED, nvcc not on PATH (the committed PTX is used as is)"; exit 0
fi
want="$(sed -n 's/^nvcc: //p' "$HERE/PTX_BUILD")"
have="$("$NVCC" --version | grep -o 'release [0-9.]*, V[0-9.]*')"
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
"$HERE/build-ptx.sh" --out "$fresh" >/dev/null
status=0
for f in "$COMMITTED"/*.ptx "$fresh"/*.ptx; do
  n="$(basename "$f")"
  if ! cmp -s "$COMMITTED/$n" "$fresh/$n" 2>/dev/null; then echo "check-ptx: $n differs from a fresh compile"; status=1; fi
done
if [ $status = 0 ]; then echo "check-ptx: OK, committed PTX matches nvcc $have"; exit 0; fi
if [ "$want" != "$have" ]; then
  echo "check-ptx: WARNING, this nvcc ($have) is not the pinned one ($want); differences not fatal"; exit 0
fi
echo "check-ptx: FAILED, run kernels/build-ptx.sh and commit the PTX with its sources" >&2
exit 1
