#!/usr/bin/env bash
# The performance issue's figures, as BENCHMARKS.md reports them: each run RUNS times
# (default 5) with min/median/max of wall time and peak RSS (GNU time), and the fast
# path's 10M/1M ratio from alternating runs. Writes the workloads under target/perf/ if
# missing. Run on an otherwise idle machine.
#
#   bash scripts/measure-performance.sh [RUNS] [--no-10m]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
ten=${2:-}
cargo build --release --quiet --bin crosscheck --example bench_e2e --example gen_workload
dir=target/perf
mkdir -p "$dir"
gen() { [ -f "$1" ] || target/release/examples/gen_workload "$@" >/dev/null 2>&1; }
gen "$dir/1m.csv" --claims 1000000 --quantities 100000
gen "$dir/1m-worded.csv" --claims 1000000 --quantities 100000 --worded
[ "$ten" = "--no-10m" ] || gen "$dir/10m.csv" --claims 10000000 --quantities 1000000

# One line: name, then min/median/max of seconds and of peak MB over $runs runs of "$@".
measure() {
  local name=$1; shift
  local secs=() mbs=()
  "$@" >/dev/null 2>&1 # warm the page cache
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$dir/time" "$@" >/dev/null 2>&1
    read -r s kb < "$dir/time"
    secs+=("$s"); mbs+=("$((kb / 1024))")
  done
  python3 - "$name" "${secs[*]}" "${mbs[*]}" <<'PY'
import statistics, sys
name, secs, mbs = sys.argv[1], [float(x) for x in sys.argv[2].split()], [int(x) for x in sys.argv[3].split()]
print(f"| {name} | {min(secs):.2f} / {statistics.median(secs):.2f} / {max(secs):.2f} s "
      f"| {min(mbs)} / {statistics.median(mbs):.0f} / {max(mbs)} MB |")
PY
}

echo "| run | wall time min / median / max | peak RSS min / median / max |"
echo "|---|---|---|"
measure "fast path, 1M claims (bench_e2e: load + reconcile + DL + REML)" \
  target/release/examples/bench_e2e "$dir/1m.csv"
[ "$ten" = "--no-10m" ] || measure "fast path, 10M claims" \
  target/release/examples/bench_e2e "$dir/10m.csv"
measure "full path, 1M numeric claims → compact JSON (crosscheck reconcile)" \
  target/release/crosscheck reconcile "$dir/1m.csv" --format json -o "$dir/out.json"
measure "full path, 1M worded claims → compact JSON" \
  target/release/crosscheck reconcile "$dir/1m-worded.csv" --format json -o "$dir/out.json"
rm -f "$dir/out.json"

# The 10M target is a ratio, and the machine's speed drifts between the runs above: here
# each 10M run is set against the mean of a 1M run just before and one just after it.
if [ "$ten" != "--no-10m" ]; then
  ratios=()
  secs() { /usr/bin/time -f "%e" -o "$dir/time" "$@" >/dev/null 2>&1; cat "$dir/time"; }
  for _ in $(seq "$runs"); do
    a=$(secs target/release/examples/bench_e2e "$dir/1m.csv")
    b=$(secs target/release/examples/bench_e2e "$dir/10m.csv")
    c=$(secs target/release/examples/bench_e2e "$dir/1m.csv")
    ratios+=("$(python3 -c "print($b / (($a + $c) / 2))")")
  done
  python3 - "${ratios[*]}" <<'PY'
import statistics, sys
r = [float(x) for x in sys.argv[1].split()]
print(f"| fast path, 10M / 1M, alternating | {min(r):.2f} / {statistics.median(r):.2f} / {max(r):.2f} × | |")
PY
fi

# The full path's 10M/1M ratio, the same way (opt-in: a 10M run writes an 8 GB report).
if [ "$ten" = "--full-10m" ]; then
  ratios=()
  # Each workload's report is written over its own last one (a 1M run writing over the
  # 10M report would also pay for cutting 8 GB off it).
  full() { /usr/bin/time -f "%e %M" -o "$dir/time" target/release/crosscheck reconcile "$1" --format json -o "${1%.csv}.out.json" >/dev/null 2>&1; cat "$dir/time"; }
  full "$dir/1m.csv" >/dev/null
  full "$dir/10m.csv" >/dev/null
  tens=() mbs=()
  for _ in $(seq "$runs"); do
    read -r a _ <<< "$(full "$dir/1m.csv")"
    read -r b kb <<< "$(full "$dir/10m.csv")"
    read -r c _ <<< "$(full "$dir/1m.csv")"
    tens+=("$b"); mbs+=("$((kb / 1024))")
    ratios+=("$(python3 -c "print($b / (($a + $c) / 2))")")
  done
  rm -f "$dir/1m.out.json" "$dir/10m.out.json"
  python3 - "${ratios[*]}" "${tens[*]}" "${mbs[*]}" <<'PY'
import statistics, sys
r, t, m = ([float(x) for x in a.split()] for a in sys.argv[1:4])
print(f"| full path, 10M numeric claims → compact JSON | {min(t):.1f} / {statistics.median(t):.1f} / {max(t):.1f} s | {min(m):.0f} / {statistics.median(m):.0f} / {max(m):.0f} MB |")
print(f"| full path, 10M / 1M, alternating | {min(r):.2f} / {statistics.median(r):.2f} / {max(r):.2f} × | |")
PY
fi
