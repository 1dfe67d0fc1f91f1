#!/usr/bin/env python3
"""Independent reference figures for the numeric truth-discovery methods.

Writes tests/data/truth_discovery_oracle.json: a synthetic data set (seeded; 40 objects,
9 sources of different reliability, one vandal, some missing answers) and, per method, the
estimates computed here with numpy/scipy from the papers' equations, written independently
of the Rust code:

- CRH (Li et al., SIGMOD 2014): loss |v - t| / std(object), w_k = -log(loss_k / sum loss),
  weighted median truths; started from the median.
- CATD (Li et al., PVLDB 2015): w_k = chi2.ppf(0.025, n_k) / sum(((v - t) / std)^2),
  weighted mean truths; started from the median.
- GTM (Zhao & Han 2012): z-scores per object, prior N(0, 1) on truths, InvGamma(10, 10) on
  source variances; started from the median.

Objects whose claims all agree (std 0) carry no loss. Usage (numpy and scipy needed):
    python3 scripts/truth_discovery_oracle.py > tests/data/truth_discovery_oracle.json
"""
import json

import numpy as np
from scipy.stats import chi2

rng = np.random.default_rng(20261203)
n_obj, n_src = 40, 9
noise = [0.01, 0.02, 0.03, 0.05, 0.08, 0.12, 0.2, 0.3, 0.5]
truth = rng.uniform(1e3, 1e6, n_obj).round()
claims = []
for o in range(n_obj):
    for s in range(n_src):
        if rng.uniform() < 0.25:
            continue
        v = truth[o] * (1 + noise[s] * rng.standard_normal())
        if s == 8 and o % 7 == 0:
            v *= 1000  # the vandal
        claims.append((f"o{o:02}", f"s{s}", float(round(v))))
objs = sorted({c[0] for c in claims})
srcs = sorted({c[1] for c in claims})
oi = {o: i for i, o in enumerate(objs)}
si = {s: i for i, s in enumerate(srcs)}
O = np.array([oi[c[0]] for c in claims])
S = np.array([si[c[1]] for c in claims])
V = np.array([c[2] for c in claims])
by = [np.where(O == o)[0] for o in range(len(objs))]
med = np.array([np.median(V[b]) for b in by])
mean = np.array([np.mean(V[b]) for b in by])
std = np.array([np.std(V[b]) for b in by])
nk = np.bincount(S, minlength=len(srcs))


def wmedian(vals, w):
    order = np.lexsort((w, vals))
    vals, w = vals[order], np.maximum(w[order], 0)
    total = w.sum()
    acc = np.cumsum(w)
    return vals[np.argmax(acc >= total / 2)]


def crh(iters=100):
    t = med.copy()
    for _ in range(iters):
        z = np.where(std[O] > 0, np.abs(V - t[O]) / np.where(std[O] > 0, std[O], 1), 0)
        loss = np.bincount(S, weights=z, minlength=len(srcs))
        w = -np.log(np.maximum(loss / loss.sum(), np.finfo(float).tiny))
        nt = np.array([wmedian(V[b], w[S[b]]) for b in by])
        if np.array_equal(nt, t):
            break
        t = nt
    return t


def catd(iters=100):
    t = med.copy()
    c = chi2.ppf(0.025, nk)
    for _ in range(iters):
        z = np.where(std[O] > 0, (V - t[O]) / np.where(std[O] > 0, std[O], 1), 0)
        err = np.bincount(S, weights=z * z, minlength=len(srcs))
        floor = err[err > 0].min()
        w = c / np.maximum(err, floor)
        nt = np.bincount(O, weights=w[S] * V) / np.bincount(O, weights=w[S])
        done = np.max(np.abs(nt - t) / np.maximum(np.maximum(np.abs(nt), np.abs(t)), 1e-300)) <= 1e-12
        t = nt
        if done:
            break
    return t


def gtm(a=10.0, b=10.0, iters=100):
    z = np.where(std[O] > 0, (V - mean[O]) / np.where(std[O] > 0, std[O], 1), 0)
    mu = np.array([np.where(std[o] > 0, (med[o] - mean[o]) / (std[o] if std[o] > 0 else 1), 0) for o in range(len(objs))])
    for _ in range(iters):
        e = z - mu[O]
        var = (2 * b + np.bincount(S, weights=e * e, minlength=len(srcs))) / (2 * (a + 1) + nk)
        nm = np.bincount(O, weights=z / var[S]) / (1 + np.bincount(O, weights=1 / var[S]))
        done = np.max(np.abs(nm - mu) / np.maximum(np.maximum(np.abs(nm), np.abs(mu)), 1e-300)) <= 1e-12
        mu = nm
        if done:
            break
    return np.where(std > 0, mu * std + mean, mean)


out = {
    "source": "scripts/truth_discovery_oracle.py (numpy %s, scipy chi2)" % np.__version__,
    "claims": [list(c) for c in claims],
    "objects": objs,
    "truth": {o: float(truth[int(o[1:])]) for o in objs},
    "mean": mean.tolist(),
    "median": med.tolist(),
    "lower_median": [float(np.sort(V[b])[(len(b) - 1) // 2]) for b in by],
    "crh": crh().tolist(),
    "catd": catd().tolist(),
    "gtm": gtm().tolist(),
}
print(json.dumps(out, indent=1))
