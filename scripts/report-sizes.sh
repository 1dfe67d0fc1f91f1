#!/usr/bin/env bash
# Report sizes, times and peak memory of `crosscheck reconcile` in every format, on the
# deterministic benchmark workload at 10^4, 10^5 and 10^6 claims (10 claims a quantity).
# Prints a Markdown table for BENCHMARKS.md. Usage: bash scripts/report-sizes.sh [MAX_CLAIMS]
set -euo pipefail
cd "$(dirname "$0")/.."
max=${1:-1000000}
cargo build --release --quiet --bin crosscheck --example gen_workload
bin=target/release/crosscheck
dir=target/report-sizes
mkdir -p "$dir"
echo "| claims | format | report size | time | peak RSS |"
echo "|---|---|---|---|---|"
for n in 10000 100000 1000000; do
  [ "$n" -le "$max" ] || continue
  csv="$dir/w$n.csv"
  [ -f "$csv" ] || target/release/examples/gen_workload "$csv" --claims "$n" --quantities $((n / 10)) >/dev/null
  for f in summary json text markdown html svg; do
    out="$dir/r$n.$f"
    /usr/bin/time -f "%e %M" -o "$dir/time" "$bin" reconcile "$csv" --format "$f" -o "$out" 2>/dev/null || { echo "| $n | $f | failed | | |"; continue; }
    read -r secs kb < "$dir/time"
    size=$(stat -c %s "$out")
    echo "| $n | $f | $(numfmt --to=iec --suffix=B "$size") | ${secs} s | $((kb / 1024)) MB |"
    rm -f "$out"
  done
done
