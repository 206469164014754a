#!/bin/bash
# Where a light load's CPU goes, per node and per thread (docs/benchmarks.md, "Light load").
# Starts N hub nodes pinned to CPU 0 (as hub-load's scenarios do), runs 1,000 subscribers at RATE
# events/s from CPU 1 (a 20 s + 20 s warm-up run, then a 5 s + 20 s run), and over 15 s of the
# measured window records each node's CPU per thread (thread-cpu.py) and an async-profiler CPU
# profile (collapsed stacks, summarised by profile-summary.py).
#
# usage: tools/profiling/light-load-profile.sh <out-dir> <nodes> [rate] [hub.jar]
# async-profiler: tools.profiler:async-profiler:3.0 from Maven Central, unpacked:
#   mvn dependency:get -Dartifact=tools.profiler:async-profiler:3.0
#   unzip ~/.m2/repository/tools/profiler/async-profiler/3.0/async-profiler-3.0.jar 'linux-x64/*' -d /tmp/ap
# EXTRA=<jvm flags> is added to every node's command line; ASYNC_PROFILER=<path of libasyncProfiler.so>.
set -u
OUT=$1; NODES=$2; RATE=${3:-10}
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
JAR=${4:-$ROOT/hub/target/hub.jar}
AP=${ASYNC_PROFILER:-/tmp/ap/linux-x64/libasyncProfiler.so}
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd); cd "$ROOT"
CFG=$OUT/node-config.json
echo '{"limits":{"ratePerSecond":1000000,"burst":1000000,"connectionsPerUser":1000000,"connectionsPerNode":1000000}}' > "$CFG"
freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
PORTS=(); for i in $(seq 1 "$NODES"); do PORTS+=("$(freeport)"); done
MEM=$(printf '127.0.0.1:%s,' "${PORTS[@]}"); MEM=${MEM%,}
CLUSTER=profile-$RANDOM; PIDS=(); URLS=()
for i in $(seq 1 "$NODES"); do
  taskset -c 0 java -Xms1g -Xmx1g ${EXTRA:-} -jar "$JAR" --open --port 0 --node-id "n$i" --cluster-name "$CLUSTER" \
    --cluster-port "${PORTS[$((i-1))]}" --members "$MEM" --config "$CFG" > "$OUT/n$i.log" 2>&1 &
  PIDS+=($!)
  for t in $(seq 1 90); do grep -q "hub ready" "$OUT/n$i.log" && break; sleep 1; done
  URLS+=("ws://127.0.0.1:$(grep -o 'port=[0-9]*' "$OUT/n$i.log" | head -1 | cut -d= -f2)/ws")
done
P=$(IFS=,; echo "${PIDS[*]}"); U=$(IFS=,; echo "${URLS[*]}")
sleep 5
LOAD=(taskset -c 1 java -jar hub-load/target/hub-load.jar run --urls "$U" --subscribers 1000 --channel bench
  --events-per-second "$RATE" --payload-bytes 100 --server-pids "$P")
"${LOAD[@]}" --warmup 20s --duration 20s > "$OUT/warm.json" 2> "$OUT/warm.txt"
"${LOAD[@]}" --warmup 5s --duration 20s > "$OUT/run.json" 2> "$OUT/run.txt" &
L=$!
sleep 10
for p in "${PIDS[@]}"; do jcmd "$p" JVMTI.agent_load "$AP" '"start,event=cpu,interval=1ms"' > /dev/null; done
python3 "$HERE/thread-cpu.py" "$P" 15 > "$OUT/threads.txt"
i=0; for p in "${PIDS[@]}"; do i=$((i+1)); jcmd "$p" JVMTI.agent_load "$AP" "\"stop,file=$OUT/n$i.folded,collapsed\"" > /dev/null; done
wait $L
tail -8 "$OUT/run.txt"; cat "$OUT/threads.txt"
for i in $(seq 1 "$NODES"); do echo "== n$i"; python3 "$HERE/profile-summary.py" "$OUT/n$i.folded"; done
kill "${PIDS[@]}"; wait
