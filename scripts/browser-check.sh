#!/usr/bin/env bash
# Renders the Kursk HTML report in headless Chromium, measures every SVG text element's
# real extent (getBBox) and fails if any two overlap or any runs off its chart; then takes
# the screenshot shown in the README (docs/kursk.png).
#
# Installs Debian's chromium if it is missing. The report itself has no JavaScript: the
# checker is injected into a copy of the page only.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium (Debian package)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
out=target/browser-check
mkdir -p "$out"
cargo run --quiet --example kursk -- --format html > "$out/kursk.html"
# The tank series over time, with its time chart (1,234 claims on 617 dates).
cargo run --quiet --bin crosscheck -- reconcile tests/data/oryx_tanks.json tests/data/oryx_tanks.csv --format html > "$out/oryx.html"
for page in kursk oryx; do
python3 - "$out" "$page" <<'PY'
import sys
out, name = sys.argv[1], sys.argv[2]
page = open(f"{out}/{name}.html", encoding="utf-8").read()
checker = """<script>
window.addEventListener('load', () => {
  let overlaps = [], outside = 0, texts = 0;
  for (const svg of document.querySelectorAll('svg')) {
    const vb = svg.viewBox.baseVal;
    const boxes = [...svg.querySelectorAll('text')].map(t => [t.getBBox(), t.textContent]);
    texts += boxes.length;
    for (const [b] of boxes) if (b.x < -0.5 || b.x + b.width > vb.width + 0.5) outside++;
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, at] = boxes[i], [b, bt] = boxes[j];
      // Boxes touch at their edges when lines are stacked; count real overlaps only.
      const dx = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const dy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (dx > 1 && dy > 1) overlaps.push(at + ' / ' + bt);
    }
  }
  const pre = document.createElement('pre');
  pre.id = 'result';
  pre.textContent = `TEXTS=${texts} OVERLAPS=${overlaps.length} OUTSIDE=${outside}\\n` + overlaps.join('\\n');
  document.body.appendChild(pre);
});
</script>"""
open(f"{out}/check-{name}.html", "w", encoding="utf-8").write(page.replace("</body>", checker + "</body>"))
PY
done
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$out/profile" --hide-scrollbars)
for page in kursk oryx; do
  timeout 120 chromium "${flags[@]}" --virtual-time-budget=5000 --dump-dom "file://$PWD/$out/check-$page.html" 2>/dev/null > "$out/dom-$page.html"
  result=$(python3 -c 'import re,sys,html; m=re.search(r"<pre id=\"result\">(.*?)</pre>", open(sys.argv[1]).read(), re.S); print(html.unescape(m.group(1)) if m else "NO RESULT")' "$out/dom-$page.html")
  echo "browser check ($page): $result"
  case "$result" in
    TEXTS=0*|"NO RESULT") echo "the checker did not run"; exit 1 ;;
    *"OVERLAPS=0 OUTSIDE=0"*) ;;
    *) echo "labels overlap or run off the chart"; exit 1 ;;
  esac
done
if [ "${1:-}" = "--screenshot" ]; then
  timeout 120 chromium "${flags[@]}" --window-size=1100,2600 --screenshot="$PWD/docs/kursk.png" "file://$PWD/$out/kursk.html" 2>/dev/null
  echo "screenshot: docs/kursk.png"
fi
