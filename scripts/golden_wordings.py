#!/usr/bin/env python3
"""Writes tests/data/wordings.tsv: the golden corpus of hedged wordings.

The expected intervals are computed here, independently of the Rust reader, straight from
the table in DESIGN §4 (default profile: Ferson et al. 2015; Cummins, Sauerland & Solt 2012)
and the relative profile (approximators ±5 %, one-sided bounds reaching 5 % beyond x).
Version 2 of the rules (DESIGN §4, "Version 2 of these rules"): no reading reaches past
half the figure (approximators r = min(2u, x/2); one-sided hedges min(u, x/2); nearly, almost,
just under, just over and closer to min(u, x/10)); a lower-bound hedge on a figure of three or
more significant digits is a documented floor (plausible = hard); stated uncertainty
(`x (95% CI a-b)`, `x ± d`) is plausible with the domain as hard; a hedge before a range reads
it as plausible (`hedged-range`); and the further real forms listed there.
Intervals are written `[lo;hi]` with `(`/`)` for open ends and `inf` for unbounded ones.
Domain: real (no clipping at 0). A sixth column gives the coverage level where one is stated.
"""
import itertools, sys

NUMBERS = [  # (text, x, u, significant digits)
    ("14,000", 14000, 1000, 2), ("1,200", 1200, 100, 2), ("7,700", 7700, 100, 2), ("250", 250, 10, 2),
    ("3", 3, 1, 1), ("2.5 million", 2.5e6, 1e5, 2), ("1.2k", 1200, 100, 2), ("105", 105, 1, 3),
    ("27,00,000", 2.7e6, 1e5, 2), ("twelve hundred", 1200, 100, 2), ("14 000", 14000, 1000, 2),
    ("3m", 3e6, 1e6, 1), ("76,000", 76000, 1000, 2), ("0.75", 0.75, 0.01, 2),
    ("46,006", 46006, 1, 5),
]

def iv(lo, hi, lo_open=False, hi_open=False):
    l = "(" if lo_open or lo is None else "["
    r = ")" if hi_open or hi is None else "]"
    f = lambda v, s: ("-inf" if s < 0 else "inf") if v is None else repr(float(v))
    return f"{l}{f(lo,-1)};{f(hi,1)}{r}"

ENTIRE = iv(None, None)
rows = []
def add(wording, hard, plausible, central, relative="", level=""):
    rows.append((wording, hard, plausible, "" if central is None else repr(float(central)), relative, level))

def reaches(x, u):
    """(one-sided, approximator, near) reaches of the default profile, version 2."""
    return min(u, abs(x) / 2), min(2 * u, abs(x) / 2), min(u, abs(x) / 10)

HEDGES = {
    "bare": [""], "exactly": ["exactly "],
    "approx": ["about ", "approximately ", "around ", "roughly ", "some ", "an estimated ", "circa ", "~", "approx. "],
    "closer": ["closer to "],
    "more": ["more than ", "over ", "above ", "in excess of ", "upwards of ", "well over ", "exceeding "],
    "justover": ["just over "],
    "least": ["at least ", "no fewer than ", "a minimum of ", "minimum estimate of "],
    "less": ["less than ", "under ", "below ", "fewer than "],
    "most": ["at most ", "no more than ", "up to ", "as many as ", "as high as "],
    "nearly": ["nearly ", "almost ", "just under "],
}
for (text, x, u, sig), (rule, prefixes) in itertools.product(NUMBERS, HEDGES.items()):
    r = 0.05 * abs(x)
    one, appr, near = reaches(x, u)
    precise = sig >= 3
    for k, pre in enumerate(prefixes):
        # Every number with the first two variants, and every variant with a few numbers.
        if k >= 2 and text not in ("14,000", "1,200", "2.5 million"):
            continue
        w = pre + text
        if rule == "bare":
            i = iv(x - u / 2, x + u / 2); add(w, i, i, x)
        elif rule == "exactly":
            i = iv(x - u / 10, x + u / 10); add(w, i, i, x)
        elif rule == "approx":
            add(w, ENTIRE, iv(x - appr, x + appr), x, iv(x - r, x + r))
        elif rule == "closer":
            add(w, ENTIRE, iv(x - near, x + near), x, iv(x - r, x + r))
        elif rule == "more" and precise:
            h = iv(x, None, lo_open=True); add(w, h, h, None, h)
        elif rule == "more":
            add(w, iv(x, None, lo_open=True), iv(x, x + one, lo_open=True), None, iv(x, x + r, lo_open=True))
        elif rule == "justover":
            add(w, iv(x, None, lo_open=True), iv(x, x + near, lo_open=True), None, iv(x, x + r, lo_open=True))
        elif rule == "least" and precise:
            h = iv(x, None); add(w, h, h, None, h)
        elif rule == "least":
            add(w, iv(x, None), iv(x, x + one), None, iv(x, x + r))
        elif rule == "less":
            add(w, iv(None, x, hi_open=True), iv(x - one, x, hi_open=True), None, iv(x - r, x, hi_open=True))
        elif rule == "most":
            add(w, iv(None, x), iv(x - one, x), None, iv(x - r, x))
        elif rule == "nearly":
            add(w, iv(None, x), iv(x - near, x), None, iv(x - r, x))
# Suffix forms.
for text, x, u, sig in NUMBERS[:6]:
    r = 0.05 * abs(x)
    one = reaches(x, u)[0]
    add(text + "+", iv(x, None, lo_open=True), iv(x, x + one, lo_open=True), None, iv(x, x + r, lo_open=True))
    add(text + " or more", iv(x, None), iv(x, x + one), None, iv(x, x + r))
    add(text + " or less", iv(None, x), iv(x - one, x), None, iv(x - r, x))
add("76,000-plus", iv(76000, None, lo_open=True), iv(76000, 77000, lo_open=True), None, iv(76000, 79800, lo_open=True))
add(">= 200", iv(200, None), iv(200, 300), None, iv(200, 210))
add("≥ 200", iv(200, None), iv(200, 300), None, iv(200, 210))
add("<55", iv(None, 55, hi_open=True), iv(54, 55, hi_open=True), None, iv(52.25, 55, hi_open=True))
add("~4,234", ENTIRE, iv(4232, 4236), 4234, iv(4234 - 211.7, 4234 + 211.7))
# Version 2 forms: stated uncertainty (plausible, with the domain as hard), hedged ranges,
# open ranges, bands, odd, couple, fractions of round words, hyphenated numbers, unit verbs.
add("4,645 (95% CI 793–8,498)", ENTIRE, iv(793, 8498), 4645, iv(793, 8498), "0.95")
add("2,975 (95% CI 2,658-3,290)", ENTIRE, iv(2658, 3290), 2975, iv(2658, 3290), "0.95")
add("an estimated 4,645 (95% CI, 793 to 8,498)", ENTIRE, iv(793, 8498), 4645, iv(793, 8498), "0.95")
add("14.9 million (95% UI 13.3 to 16.6 million)", ENTIRE, iv(13.3e6, 16.6e6), 14.9e6, iv(13.3e6, 16.6e6), "0.95")
add("18.2 million (95% UI 17.1-19.6 million)", ENTIRE, iv(17.1e6, 19.6e6), 18.2e6, iv(17.1e6, 19.6e6), "0.95")
add("3,000 (1,000–5,000)", ENTIRE, iv(1000, 5000), 3000, iv(1000, 5000))
add("300 (range 200 to 400)", ENTIRE, iv(200, 400), 300, iv(200, 400))
add("1,000 ± 20%", ENTIRE, iv(800, 1200), 1000, iv(800, 1200))
add("1,000 ± 50", ENTIRE, iv(950, 1050), 1000, iv(950, 1050))
add("about 30,000 to 60,000", ENTIRE, iv(30000, 60000), None, iv(30000, 60000))
add("roughly 1,500–2,000", ENTIRE, iv(1500, 2000), None, iv(1500, 2000))
add("about 60-100", ENTIRE, iv(60, 100), None, iv(60, 100))
add("between 30,000 and over 40,000", iv(30000, None), iv(30000, 50000), None)
add("somewhere between 10 and 20", iv(10, 20), iv(10, 20), None)
add("ranged from 300 to 400", iv(300, 400), iv(300, 400), None)
add("in the hundreds", iv(200, 1000, hi_open=True), iv(200, 1000, hi_open=True), None)
add("the low thousands", iv(1000, 10000, hi_open=True), iv(1000, 4000, hi_open=True), None)
add("in the high hundreds", iv(100, 1000, hi_open=True), iv(700, 1000, hi_open=True), None)
add("300-odd", iv(300, 400, hi_open=True), iv(300, 400, hi_open=True), None)
add("a couple of hundred", ENTIRE, iv(100, 300), 200, iv(190, 210))
add("half a million", iv(450000, 550000), iv(450000, 550000), 500000)
add("½ million", iv(450000, 550000), iv(450000, 550000), 500000)
add("a quarter of a million", iv(245000, 255000), iv(245000, 255000), 250000)
add("twenty-five", iv(24.5, 25.5), iv(24.5, 25.5), 25)
add("twenty one thousand", iv(20500, 21500), iv(20500, 21500), 21000)
add("nine hundred ninety nine", iv(998.5, 999.5), iv(998.5, 999.5), 999)
add("9,444 killed", iv(9443.5, 9444.5), iv(9443.5, 9444.5), 9444)
add("about 100k", ENTIRE, iv(50000, 150000), 100000, iv(95000, 105000))
add("nearly 2 million", iv(None, 2e6), iv(1.8e6, 2e6), None, iv(1.9e6, 2e6))
add("at least 350,209", iv(350209, None), iv(350209, None), None, iv(350209, None))
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
