#!/bin/sh
# Build and run the CPU microbenchmark REPS times, with the conditions of
# the run: writes data/bench-HOST.csv (rep,test,threads,corunner,value,unit)
# and data/conditions-HOST.txt. Usage: sh run.sh [SECONDS] [REPS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-2}
reps=${2:-2}
host=$(hostname -s 2>/dev/null || echo local)
bin=$(mktemp)
trap 'rm -f "$bin"' EXIT
mkdir -p "$here/data"
cc -O3 -march=native -pthread "$here/bench.c" -o "$bin"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-) family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2-)"
  echo "cores (nproc): $(nproc); MHz: $(grep -m1 'cpu MHz' /proc/cpuinfo | cut -d: -f2-); L2: $(grep -m1 'cache size' /proc/cpuinfo | cut -d: -f2-)"
  echo "compiler: $(cc --version | head -n 1); flags: -O3 -march=native -pthread"
  echo "seconds of thread CPU time per test: $secs; repetitions: $reps"
  echo "load average before: $(cat /proc/loadavg)"
} >"$here/data/conditions-$host.txt"
echo "rep,test,threads,corunner,value,unit" >"$here/data/bench-$host.csv"
r=1
while [ "$r" -le "$reps" ]; do
  "$bin" "$secs" | tail -n +2 | sed "s/^/$r,/" >>"$here/data/bench-$host.csv"
  r=$((r + 1))
done
echo "load average after: $(cat /proc/loadavg)" >>"$here/data/conditions-$host.txt"
