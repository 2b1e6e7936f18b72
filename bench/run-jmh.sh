#!/usr/bin/env bash
# Runs the JMH benchmarks of interest-engine and records the result with its metadata.
#   bench/run-jmh.sh [LABEL] [JMH ARGS...]     e.g.  bench/run-jmh.sh key -f 1 -wi 3 -i 5 'ModelBench|OpBench|FmaPeak'
#   bench/run-jmh.sh --smoke                    the < 1 minute CI check (SIMD ≈ scalar on the standard models)
# Writes bench/results/cpu-<UTC date>-<LABEL>/{jmh.json, meta.json, summary.md, jmh.log}.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
JVM_ARGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)

# Build bench and what it depends on (tests skipped: they have their own command).
if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -ntp -q -o -pl bench -am package -DskipTests >&2 || mvn -B -ntp -q -pl bench -am package -DskipTests >&2
fi
CP="$(cat bench/target/classpath.txt):bench/target/classes"

if [ "${1:-}" = "--smoke" ]; then
  exec "$JAVA" "${JVM_ARGS[@]}" -cp "$CP" io.interestengine.bench.Smoke
fi

LABEL="${1:-run}"; shift || true
# The code measured is the working tree at start (the jars just built), not whatever HEAD is at the end.
COMMIT="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
DIRTY="$( [ -z "$(git status --porcelain -- engine-core engine-simd bench/src 2>/dev/null)" ] && echo false || echo true )"
STAMP="$(date -u +%Y%m%dT%H%MZ)"
OUT="bench/results/cpu-$STAMP-$LABEL"
mkdir -p "$OUT"

"$JAVA" "${JVM_ARGS[@]}" -cp "$CP" org.openjdk.jmh.Main -rf json -rff "$OUT/jmh.json" "$@" 2>&1 | tee "$OUT/jmh.log"

# Metadata: what ran, where, when, on which JVM.
{
  echo "{"
  echo "  \"date_utc\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
  echo "  \"command\": $(printf '%s ' "bench/run-jmh.sh" "$LABEL" "$@" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().strip()))'),"
  echo "  \"git_commit\": \"$COMMIT\","
  echo "  \"git_dirty\": $DIRTY,"
  echo "  \"jvm\": $("$JAVA" -version 2>&1 | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().strip()))'),"
  echo "  \"jvm_args\": \"${JVM_ARGS[*]} (forks add them via @Fork(jvmArgsAppend))\","
  echo "  \"cpu\": \"$(lscpu | sed -n 's/^Model name: *//p' | head -1)\","
  echo "  \"cpu_flags_simd\": \"$(grep -o -w -E 'avx512f|avx2|fma|avx' /proc/cpuinfo | sort -u | tr '\n' ' ')\","
  echo "  \"cores\": $(nproc),"
  echo "  \"memory_gb\": $(awk '/MemTotal/ {printf "%.1f", $2/1048576}' /proc/meminfo),"
  echo "  \"os\": \"$(uname -srm)\","
  echo "  \"load_average_at_end\": \"$(cut -d' ' -f1-3 /proc/loadavg)\""
  echo "}"
} > "$OUT/meta.json"

"$JAVA" "${JVM_ARGS[@]}" -cp "$CP" io.interestengine.bench.Summary "$OUT/jmh.json" "$OUT/summary.md"
echo "results: $OUT" >&2
