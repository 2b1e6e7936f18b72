#!/bin/bash
# Run from /tmp with two builds: /tmp/ie-before (git archive 710b909) and the branch worktree, each built with
# mvn -B -o -q -pl bench -am package -DskipTests.
# Alternating before/after runs of OpBench's SIMD gather (op=embedding), 4 pairs.
export JAVA_HOME=$(ls -d /usr/lib/jvm/*25* | head -1); J=$JAVA_HOME/bin/java; A="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
run() { (cd $1 && $J $A -cp "$(cat bench/target/classpath.txt):bench/target/classes" org.openjdk.jmh.Main -f 1 -wi 5 -i 5 -w 1 -r 1 -p op=embedding -p backend=simd 'jmh.OpBench' -rf json -rff /tmp/wt-compact-tables-logs/ab2/$2.json > /tmp/wt-compact-tables-logs/ab2/$2.log 2>&1 ); }
mkdir -p /tmp/wt-compact-tables-logs/ab2
for i in 1 2 3 4; do
  echo "$(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg) pair $i" >> /tmp/wt-compact-tables-logs/ab2/load.txt
  run /tmp/ie-before before$i; run /work/wt-compact-tables after$i
done
echo "$(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg) end" >> /tmp/wt-compact-tables-logs/ab2/load.txt
