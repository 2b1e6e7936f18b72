#!/usr/bin/env bash
# Serving measurements (docs/SERVING.md, "Numbers"): model hot swap under load, scoring server vs in-process,
# UIC worker throughput and event-to-readable latency on a local three-master Redis Cluster (loopback, temporary
# directory, stopped at exit). Writes bench/results/serving-<UTC date-time>/: results.jsonl, meta.jsonl.
# usage: [PHASES="hotswap server uic"] bench/serving.sh [hotswap-seconds=60] [server-seconds=9] [uic-events=200000]
# Each phase appends its lines to results.jsonl; OUT=DIR picks the folder (default: one per minute started),
# BENCH_JVM_OPTS adds JVM options (a flight recording, say).
set -euo pipefail
cd "$(dirname "$0")/.."
HS=${1:-60}; SV=${2:-9}; EV=${3:-200000}; PHASES=${PHASES:-hotswap server uic}
./engine mvn -B -q -o -DskipTests -pl bench -am package
OUT=${OUT:-"bench/results/serving-$(date -u +%Y%m%d-%H%M)"}
mkdir -p "$OUT"
# shellcheck disable=SC2206 # BENCH_JVM_OPTS (e.g. a flight recording) splits on spaces on purpose
RUN=( ./engine java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC
      ${BENCH_JVM_OPTS:-}
      -cp "$(cat bench/target/classpath.txt):bench/target/classes" io.interestengine.bench.serving.ServingBench )
TMP=$(mktemp -d); PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$TMP"; }
trap cleanup EXIT
NODES=(); SPEC=""
for port in 17101 17102 17103; do
  redis-server --port $port --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file nodes-$port.conf --dir "$TMP" \
    --save "" --appendonly no --daemonize no --loglevel warning --logfile "$TMP/$port.log" & PIDS+=($!)
  NODES+=(127.0.0.1:$port); SPEC="$SPEC${SPEC:+,}127.0.0.1:$port"
done
for port in 17101 17102 17103; do until redis-cli -p $port ping >/dev/null 2>&1; do sleep 0.1; done; done
redis-cli --cluster create "${NODES[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
for port in 17101 17102 17103; do until redis-cli -p $port cluster info | grep -q cluster_state:ok; do sleep 0.1; done; done
{
  echo "{\"phases\":\"$PHASES\",\"date\":\"$(date -u +%FT%TZ)\",\"command\":\"PHASES='$PHASES' bench/serving.sh $HS $SV $EV\",\"cpu\":\"$(lscpu | sed -n 's/^Model name: *//p' | head -1)\","
  echo "\"cores\":$(nproc),\"jdk\":\"$(./engine java -version 2>&1 | head -1 | tr -d '"')\",\"redis\":\"$(redis-server --version | cut -d' ' -f3)\","
  echo "\"load_avg_before\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
} | tr -d '\n' >> "$OUT/meta.jsonl"; echo >> "$OUT/meta.jsonl"
case " $PHASES " in *" hotswap "*) "${RUN[@]}" hotswap "$HS" 8 | tee -a "$OUT/results.jsonl" ;; esac
case " $PHASES " in *" server "*) "${RUN[@]}" server "$SV" | tee -a "$OUT/results.jsonl" ;; esac
case " $PHASES " in *" uic "*)
  "${RUN[@]}" uic "redis://$SPEC" "$EV" 10000 | tee -a "$OUT/results.jsonl"
  "${RUN[@]}" uic "redis://$SPEC" "$((EV / 2))" 0 | tee -a "$OUT/results.jsonl"
  "${RUN[@]}" uic-engine "$((EV / 2))" | tee -a "$OUT/results.jsonl" ;;
esac
echo "{\"load_avg_after\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >> "$OUT/meta.jsonl"
