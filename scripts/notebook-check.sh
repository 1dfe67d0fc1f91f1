#!/usr/bin/env bash
# Executes examples/kursk.ipynb with the evcxr Rust kernel and checks that every cell ran
# and that the outputs hold the HTML table and the SVG chart. Installs what is missing:
# evcxr_jupyter (cargo install, about 6 minutes on 2 cores; kept in ~/.cargo/bin for later
# runs on the same machine) and Jupyter with nbconvert (pip).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
start=$(date +%s)
if ! command -v evcxr_jupyter >/dev/null 2>&1; then
  echo "installing evcxr_jupyter"
  cargo install evcxr_jupyter --locked --quiet
fi
if ! python3 -c 'import nbconvert, nbclient, jupyter_client, ipykernel' >/dev/null 2>&1; then
  echo "installing jupyter and nbconvert"
  python3 -m pip install --quiet jupyter nbconvert nbclient ipykernel
fi
evcxr_jupyter --install >/dev/null
installed=$(date +%s)
out=target/notebook
mkdir -p "$out"
python3 -m jupyter nbconvert --to notebook --execute \
  --ExecutePreprocessor.kernel_name=rust --ExecutePreprocessor.timeout=1200 \
  --output-dir "$out" --output kursk.executed.ipynb examples/kursk.ipynb
python3 - "$out/kursk.executed.ipynb" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
errors, html, svg, plain = [], 0, 0, 0
for cell in nb["cells"]:
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error" or o.get("name") == "stderr" and "error" in "".join(o.get("text", "")).lower():
            errors.append(o)
        data = o.get("data", {})
        h = "".join(data.get("text/html", ""))
        if "<table" in h:
            html += 1
        if "image/svg+xml" in data or "<svg" in h:
            svg += 1
        if "text/plain" in data:
            plain += 1
assert not errors, f"cells failed: {errors}"
assert html >= 3, f"expected HTML tables in the outputs, found {html}"
assert svg >= 2, f"expected SVG charts in the outputs, found {svg}"
print(f"notebook check: {html} outputs with an HTML table, {svg} with an SVG chart, {plain} with text/plain")
PY
end=$(date +%s)
echo "notebook check took $((end - start)) s ($((installed - start)) s installing)"
