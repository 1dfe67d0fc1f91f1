"""The claim table's fast path against pandas on the same CSV file, run alternately.

crosscheck: the whole process of `bench_e2e FILE` (read the CSV, group, reconcile every
quantity, pool with DerSimonian-Laird and REML), timed from spawn to exit.
pandas: `read_csv` + a `groupby` computing only the envelope and the intersection (min and
max of `low` and `high` per quantity), timed in process after `import pandas` (which is
not counted: it alone takes longer than the crosscheck run).

usage: python pandas_compare.py FILE BENCH_E2E [RUNS]
"""

import statistics
import subprocess
import sys
import time

import pandas as pd


def crosscheck(binary: str, path: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([binary, path], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def pandas_groupby(path: str) -> float:
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    g = df.groupby("quantity", sort=False).agg(
        low_min=("low", "min"),
        low_max=("low", "max"),
        high_min=("high", "min"),
        high_max=("high", "max"),
    )
    assert len(g) > 0
    return time.perf_counter() - t0


def main() -> None:
    path, binary = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    # One unmeasured run of each: the file in the page cache, the binary loaded.
    crosscheck(binary, path)
    pandas_groupby(path)
    a, b = [], []
    for _ in range(runs):
        a.append(crosscheck(binary, path))
        b.append(pandas_groupby(path))

    def line(name: str, xs: list) -> str:
        return f"| {name} | {min(xs):.3f} | {statistics.median(xs):.3f} | {max(xs):.3f} |"

    print(f"{runs} alternating runs on {path}, pandas {pd.__version__}")
    print("| run | min s | median s | max s |")
    print("|---|---|---|---|")
    print(line("crosscheck bench_e2e, whole process (load + reconcile + DL + REML)", a))
    print(line("pandas read_csv + groupby envelope and intersection", b))
    ratio = statistics.median(b) / statistics.median(a)
    print(f"median pandas / median crosscheck: {ratio:.2f}x")


if __name__ == "__main__":
    main()
