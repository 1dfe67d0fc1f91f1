#!/usr/bin/env bash
# The fast path against pandas (the performance issue's comparison): builds bench_e2e,
# writes the 1M-claim workload if it is missing, installs pandas into a throwaway venv
# and runs both alternately (scripts/pandas_compare.py). Skips with a message, exit 0, when
# pandas cannot be installed (no network, no venv module).
#
#   bash scripts/pandas-compare.sh [FILE] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-target/workload-1m.csv}
runs=${2:-5}
cargo build --release --quiet --example bench_e2e --example gen_workload
if [ ! -f "$file" ]; then
    target/release/examples/gen_workload "$file" --claims 1000000 --quantities 100000
fi
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
if ! python3 -m venv "$venv" >/dev/null 2>&1 || ! "$venv/bin/pip" install --quiet pandas >/dev/null 2>&1; then
    echo "pandas-compare: skipped, cannot install pandas into a venv (no network?)"
    exit 0
fi
"$venv/bin/python" scripts/pandas_compare.py "$file" target/release/examples/bench_e2e "$runs"
