#!/usr/bin/env python3
"""Writes tests/data/wordings.tsv: the golden corpus of hedged wordings.

The expected intervals are computed here, independently of the Rust reader, straight from
the table in DESIGN §4 (default profile: Ferson et al. 2015; Cummins, Sauerland & Solt 2012)
and the relative profile (approximators ±5 %, one-sided bounds reaching 5 % beyond x).
Intervals are written `[lo;hi]` with `(`/`)` for open ends and `inf` for unbounded ones.
Domain: real (no clipping at 0).
"""
import itertools, sys

NUMBERS = [  # (text, x, u)
    ("14,000", 14000, 1000), ("1,200", 1200, 100), ("7,700", 7700, 100), ("250", 250, 10),
    ("3", 3, 1), ("2.5 million", 2.5e6, 1e5), ("1.2k", 1200, 100), ("105", 105, 1),
    ("27,00,000", 2.7e6, 1e5), ("twelve hundred", 1200, 100), ("14 000", 14000, 1000),
    ("3m", 3e6, 1e6), ("76,000", 76000, 1000), ("0.75", 0.75, 0.01),
]

def iv(lo, hi, lo_open=False, hi_open=False):
    l = "(" if lo_open or lo is None else "["
    r = ")" if hi_open or hi is None else "]"
    f = lambda v, s: ("-inf" if s < 0 else "inf") if v is None else repr(float(v))
    return f"{l}{f(lo,-1)};{f(hi,1)}{r}"

ENTIRE = iv(None, None)
rows = []
def add(wording, hard, plausible, central, relative=""):
    rows.append((wording, hard, plausible, "" if central is None else repr(float(central)), relative))

HEDGES = {
    "bare": [""], "exactly": ["exactly "],
    "approx": ["about ", "approximately ", "around ", "roughly ", "some ", "an estimated ", "circa ", "~", "approx. "],
    "closer": ["closer to "],
    "more": ["more than ", "over ", "above ", "in excess of ", "upwards of "],
    "least": ["at least ", "no fewer than "],
    "less": ["less than ", "under ", "below ", "fewer than "],
    "most": ["at most ", "no more than ", "up to ", "as many as "],
    "nearly": ["nearly ", "almost ", "just under "],
}
for (text, x, u), (rule, prefixes) in itertools.product(NUMBERS, HEDGES.items()):
    r = 0.05 * abs(x)
    for k, pre in enumerate(prefixes):
        # Every number with the first two variants, and every variant with a few numbers.
        if k >= 2 and text not in ("14,000", "1,200", "2.5 million"):
            continue
        w = pre + text
        if rule == "bare":
            i = iv(x - u / 2, x + u / 2); add(w, i, i, x)
        elif rule == "exactly":
            i = iv(x - u / 10, x + u / 10); add(w, i, i, x)
        elif rule in ("approx", "closer"):
            add(w, ENTIRE, iv(x - 2 * u, x + 2 * u), x, iv(x - r, x + r))
        elif rule == "more":
            add(w, iv(x, None, lo_open=True), iv(x, x + u, lo_open=True), None, iv(x, x + r, lo_open=True))
        elif rule == "least":
            add(w, iv(x, None), iv(x, x + u), None, iv(x, x + r))
        elif rule == "less":
            add(w, iv(None, x, hi_open=True), iv(x - u, x, hi_open=True), None, iv(x - r, x, hi_open=True))
        elif rule in ("most", "nearly"):
            add(w, iv(None, x), iv(x - u, x), None, iv(x - r, x))
# Suffix forms.
for text, x, u in NUMBERS[:6]:
    r = 0.05 * abs(x)
    add(text + "+", iv(x, None, lo_open=True), iv(x, x + u, lo_open=True), None, iv(x, x + r, lo_open=True))
    add(text + " or more", iv(x, None), iv(x, x + u), None, iv(x, x + r))
    add(text + " or less", iv(None, x), iv(x - u, x), None, iv(x - r, x))
add("76,000-plus", iv(76000, None, lo_open=True), iv(76000, 77000, lo_open=True), None, iv(76000, 79800, lo_open=True))
add(">= 200", iv(200, None), iv(200, 300), None, iv(200, 210))
add("≥ 200", iv(200, None), iv(200, 300), None, iv(200, 210))
add("<55", iv(None, 55, hi_open=True), iv(54, 55, hi_open=True), None, iv(52.25, 55, hi_open=True))
add("~4,234", ENTIRE, iv(4232, 4236), 4234, iv(4234 - 211.7, 4234 + 211.7))
# Ranges.
for a, b, t in [(60000, 100000, "between 60,000 to 100,000"), (60000, 100000, "between 60,000 and 100,000"),
                (300, 400, "300-400"), (300, 400, "300 to 400"), (300, 400, "from 300 to 400"),
                (300, 400, "300–400"), (5e6, 1e7, "between 5 and 10 million"), (9, 66, "between 9 and 66"),
                (1.5, 2.5, "1.5 to 2.5"), (1000, 1000, "between 1,000 and 1,000")]:
    i = iv(a, b); add(t, i, i, None)
# Magnitudes.
for t, s in [("dozens", 12), ("scores", 20), ("hundreds", 100), ("thousands", 1000),
             ("tens of thousands", 1e4), ("hundreds of thousands", 1e5), ("millions", 1e6)]:
    i = iv(2 * s, 10 * s, hi_open=True); add(t, i, i, None)
for t, s in [("several thousand", 1000), ("several hundred", 100), ("several dozen", 12), ("several million", 1e6)]:
    add(t, iv(2 * s, 10 * s, hi_open=True), iv(3 * s, 7 * s), None)
for t, s in [("a few hundred", 100), ("a few thousand", 1000)]:
    add(t, iv(2 * s, 10 * s, hi_open=True), iv(2 * s, 5 * s), None)
# Spelled and round numbers.
for t, x, u in [("a dozen", 12, 1), ("a thousand", 1000, 1000), ("a hundred", 100, 100), ("twenty", 20, 10),
                ("seven", 7, 1), ("2 lakh", 2e5, 1e5), ("3 crore", 3e7, 1e7), ("1.5 million", 1.5e6, 1e5),
                ("2 bn", 2e9, 1e9), ("14_000", 14000, 1000)]:
    i = iv(x - u / 2, x + u / 2); add(t, i, i, x)

out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/wordings.tsv"
with open(out, "w") as f:
    f.write("# Golden wordings, generated by scripts/golden_wordings.py from DESIGN §4 (default profile;\n")
    f.write("# relative profile where it differs). Columns: wording, hard, plausible, central, relative plausible.\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
print(len(rows), "rows")
