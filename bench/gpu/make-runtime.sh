#!/usr/bin/env bash
# Builds, on a development machine, everything the GPU machine needs to run bench/gpu/run-gpu.sh without Java,
# Maven or network: a jlink runtime and the jars, in the git-ignored folder .devrt/ (carried to the device):
#   .devrt/jdk/     jlink image: java.base, jdk.incubator.vector, java.logging, jdk.unsupported,
#                   java.management, jdk.management
#   .devrt/lib/     engine-core, engine-testkit, kernels, engine-cuda (+ its test jar: tests, GPU benchmark),
#                   JCuda with its linux-x86_64 natives, JUnit
#   .devrt/models/  din_standard, dien_standard, mimn_standard: DESIGN.md's standard sizes, random weights
#                   (DIEN/MIMN need /usr/bin/python3 with torch and numpy: tools/reference exporters)
# usage: bench/gpu/make-runtime.sh      (JAVA_HOME: a JDK 25; default /usr/lib/jvm/temurin-25-jdk-amd64)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
DEST="$ROOT/.devrt"
LIMIT_MIB=64   # what the device tool carries

rm -rf "$DEST"
mkdir -p "$DEST/lib" "$DEST/models"
MVN=(mvn -B -ntp -q)
build() { "${MVN[@]}" -o "$@" || "${MVN[@]}" "$@"; }   # offline first; online only if a plugin is missing
build -pl engine-cuda -am -DskipTests package dependency:copy-dependencies \
  -DincludeScope=test -DoutputDirectory="$DEST/lib" -Dmdep.includeTypes=jar,test-jar
cp engine-cuda/target/engine-cuda-*.jar "$DEST/lib/"
# Never ship a stale copy of our own modules from ~/.m2: the reactor's jars above are the ones built now.
for m in engine-core engine-testkit kernels; do cp "$m"/target/"$m"-*.jar "$DEST/lib/"; done

"$JAVA_HOME/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.logging,jdk.unsupported,java.management,jdk.management \
  --strip-debug --no-header-files --no-man-pages --compress zip-9 --output "$DEST/jdk"

JAVA="$DEST/jdk/bin/java"
"$JAVA" -version
"$JAVA" --add-modules jdk.incubator.vector -cp "$DEST/lib/*" io.interestengine.cuda.WriteStandardModel "$DEST/models/din_standard" 2>/dev/null

if /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null; then
  /usr/bin/python3 bench/gpu/make_models.py "$DEST/models"
else
  echo "no /usr/bin/python3 with torch: .devrt/models has the DIN model only" >&2
fi

size_kib=$(du -sk "$DEST" | cut -f1)
echo "runtime in $DEST: $((size_kib / 1024)) MiB ($(ls "$DEST/lib" | wc -l) jars)"
if [ "$size_kib" -gt $((LIMIT_MIB * 1024)) ]; then
  echo "too large to carry (limit $LIMIT_MIB MiB)" >&2; exit 1
fi
