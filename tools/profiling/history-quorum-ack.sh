#!/usr/bin/env bash
# usage: tools/profiling/history-quorum-ack.sh <hub.jar> <label> <cluster-size>
# Two nodes of <hub.jar> started together (a node alone holds its ready line without a majority,
# which hub-load's scenarios cannot wait out) with --cluster-size <n>, pinned to CPU 0; hub-load on
# CPU 1: 10 subscribers, 200 publishes/s on a channel with history, 10 s warm-up, 20 s measured.
# Prints hub-load's JSON line (ack latency, server CPU); node logs under $OUT (/tmp/history-quorum).
set -euo pipefail
jar=$1; label=$2; size=$3
out=${OUT:-/tmp/history-quorum}/$label; mkdir -p $out
p1=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
p2=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
h1=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
h2=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
name=hq-$RANDOM
common="--open --cluster-name $name --members 127.0.0.1:$p1,127.0.0.1:$p2 --config "$(dirname "$0")/history-quorum-config.json" --cluster-size $size"
taskset -c 0 java -Xms512m -Xmx512m -jar $jar $common --node-id n1 --port $h1 --cluster-port $p1 > $out/n1.log 2>&1 & a=$!
taskset -c 0 java -Xms512m -Xmx512m -jar $jar $common --node-id n2 --port $h2 --cluster-port $p2 > $out/n2.log 2>&1 & b=$!
trap 'kill $a $b 2>/dev/null; wait $a $b 2>/dev/null' EXIT
for i in $(seq 1 120); do grep -q "hub ready" $out/n1.log && grep -q "hub ready" $out/n2.log && break; sleep 0.5; done
taskset -c 1 java -jar "$(dirname "$0")/../../hub-load/target/hub-load.jar" run --urls ws://127.0.0.1:$h1/ws,ws://127.0.0.1:$h2/ws \
  --subscribers 10 --channel bench-history --events-per-second 200 --warmup 10s --duration 20s --server-pids $a,$b 2>$out/load.err
