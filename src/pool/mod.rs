//! Pooled estimates: each named by its method, with its weights, the claims it rests on,
//! what it left out and why, and leave-one-out influence. Never one silent "answer".
//!
//! # Methods
//!
//! | key | method | uses |
//! |---|---|---|
//! | `weighted_median` | reliability-weighted median of the central values | claims with a central value |
//! | `linear_pool` | linear opinion pool: the weighted mixture of uniform distributions on the plausible intervals (Stone 1961; Genest & Zidek 1986), its 5 %, 50 % and 95 % quantiles | claims with a bounded plausible interval |
//! | `brooks_iyengar` | Brooks & Iyengar (1996) fusion: the regions covered by at least n − f claims, averaged by coverage count; f is the fewest claims that must be wrong for such a region to exist (n − f = the largest coverage) | claims with a bounded plausible interval |
//! | `fixed_effect`, `dersimonian_laird`, `paule_mandel`, `reml`, `ml` | inverse-variance meta-analysis, see [`meta`] | claims with a central value and a bounded plausible interval of positive width |
//!
//! # Claims as effect sizes
//!
//! A claim with central value c and plausible interval [lo, hi] of coverage `level`
//! (0.95 unless the claim says otherwise) becomes, for a count quantity, on the **log
//! scale** (4,000 vs 1,200 is a ratio): `y = ln c`, `v = ((ln hi − ln lo) / (2·z))²` with
//! `z = Φ⁻¹(1 − (1 − level)/2)`; for a `real` quantity, on the **linear scale**: `y = c`,
//! `v = ((hi − lo) / (2·z))²`. When a count's claim reaches 0 (lo = 0), the log scale is
//! impossible and the whole quantity is pooled on the linear scale; the report says so in
//! its `note`. Results on the log scale are transformed back (`exp`).
//!
//! **One-sided claims** (`more than 76,000`: an unbounded plausible interval) and claims
//! with no central value do not enter the likelihood. Each is reported as a `bound`: its
//! hard interval, checked against the pooled value and interval (`satisfied`,
//! `interval_crosses` or `estimate_outside` — the last flags a pooled figure that breaks
//! a firm bound). **Zero-width** claims (an exact figure) have no sampling variance; they
//! are left out of the meta-analyses and listed under `excluded` with that reason.
//!
//! # Influence
//!
//! Each method is re-run without each claim and without each source (all its claims);
//! `most_influential` names the claim whose removal moves the value most, as the ratio
//! `value without / value`. This costs one re-run per claim and per source, so O(n² log n)
//! for n claims: it is computed only while the claims and the distinct sources each number
//! at most [`PoolOptions::influence_limit`] (default [`DEFAULT_INFLUENCE_LIMIT`]); beyond
//! that `influence` is absent and `influence_skipped` says why. The sources' claim lists
//! are indexed once, so a claim naming 100,000 sources costs O(k log k), not O(k²).

pub mod meta;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::interval::Interval;
use crate::quantity::QuantityKind;
use crate::reconcile::ClaimRow;
use crate::sweep::{Scratch, Sweep, fixed, sweep};
use meta::{MetaOptions, Method, meta_analysis_with};

/// A pooling method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolMethod {
    /// Reliability-weighted median of central values.
    WeightedMedian,
    /// Linear opinion pool of the plausible intervals.
    LinearPool,
    /// Brooks–Iyengar interval fusion.
    BrooksIyengar,
    /// An inverse-variance meta-analysis.
    Meta(Method),
}

impl PoolMethod {
    /// Every method.
    pub const ALL: [PoolMethod; 8] = [
        PoolMethod::WeightedMedian,
        PoolMethod::LinearPool,
        PoolMethod::BrooksIyengar,
        PoolMethod::Meta(Method::FixedEffect),
        PoolMethod::Meta(Method::DerSimonianLaird),
        PoolMethod::Meta(Method::PauleMandel),
        PoolMethod::Meta(Method::Reml),
        PoolMethod::Meta(Method::Ml),
    ];

    /// The key in a report's `pooled` map.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            PoolMethod::WeightedMedian => "weighted_median",
            PoolMethod::LinearPool => "linear_pool",
            PoolMethod::BrooksIyengar => "brooks_iyengar",
            PoolMethod::Meta(m) => m.as_str(),
        }
    }
}

/// The default [`PoolOptions::influence_limit`]: leave-one-out influence re-runs each
/// method once per claim and per source, so it stops at 200 of each (at most 400 re-runs
/// of an O(n log n) method per quantity).
pub const DEFAULT_INFLUENCE_LIMIT: usize = 200;

/// Which pooled estimates a reconciliation computes.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolOptions {
    /// The methods (default: all).
    pub methods: Vec<PoolMethod>,
    /// Whether to compute leave-one-out influence (default true).
    pub influence: bool,
    /// Influence is computed only for quantities with at most this many claims and this
    /// many distinct sources (default [`DEFAULT_INFLUENCE_LIMIT`]); beyond it each pooled
    /// line says so in `influence_skipped`.
    pub influence_limit: usize,
    /// Options of the meta-analyses.
    pub meta: MetaOptions,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            methods: PoolMethod::ALL.to_vec(),
            influence: true,
            influence_limit: DEFAULT_INFLUENCE_LIMIT,
            meta: MetaOptions::default(),
        }
    }
}

impl PoolOptions {
    /// No pooled estimates.
    #[must_use]
    pub fn none() -> PoolOptions {
        PoolOptions {
            methods: Vec::new(),
            ..PoolOptions::default()
        }
    }
}

impl From<&[PoolMethod]> for PoolOptions {
    fn from(methods: &[PoolMethod]) -> Self {
        PoolOptions {
            methods: methods.to_vec(),
            ..PoolOptions::default()
        }
    }
}

impl<const N: usize> From<[PoolMethod; N]> for PoolOptions {
    fn from(methods: [PoolMethod; N]) -> Self {
        PoolOptions {
            methods: methods.to_vec(),
            ..PoolOptions::default()
        }
    }
}

/// The scale a pooled figure was computed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// Natural logarithms of the figures (results transformed back).
    Log,
    /// The figures themselves.
    Linear,
}

/// A claim left out of a method, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Excluded {
    /// The claim.
    pub claim: String,
    /// Why.
    pub reason: String,
}

/// A one-sided or centre-less claim's hard interval checked against a pooled figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoundCheck {
    /// The claim.
    pub claim: String,
    /// Its hard interval.
    pub bound: Interval,
    /// `satisfied` (the pooled interval lies inside the bound), `interval_crosses` (the
    /// pooled value does, its interval does not), `estimate_outside` (the pooled value
    /// breaks the firm bound).
    pub status: String,
}

/// Heterogeneity figures of a meta-analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heterogeneity {
    /// Between-claim variance τ² (on the pooling scale).
    pub tau2: f64,
    /// τ.
    pub tau: f64,
    /// Cochran's Q.
    pub q: f64,
    /// Q's degrees of freedom.
    pub q_df: usize,
    /// Q's p-value.
    pub q_p: f64,
    /// I² (Q-based), percent.
    pub i2: f64,
    /// I² (τ²-based, metafor's), percent.
    pub i2_tau: f64,
    /// H².
    pub h2: f64,
    /// Iterations used.
    pub iterations: usize,
    /// Whether the τ² iteration converged.
    pub converged: bool,
}

/// Leave-one-out influence on a pooled value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Influence {
    /// The pooled value without each claim (`None` where nothing is left to pool).
    pub without_claim: BTreeMap<String, Option<f64>>,
    /// The pooled value without each source's claims.
    pub without_source: BTreeMap<String, Option<f64>>,
    /// The claim whose removal moves the value most.
    pub most_influential_claim: Option<String>,
    /// `value without that claim / value`.
    pub claim_ratio: Option<f64>,
    /// The source whose removal moves the value most.
    pub most_influential_source: Option<String>,
    /// `value without that source / value`.
    pub source_ratio: Option<f64>,
}

/// One pooled estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pooled {
    /// A description of the method, with its scale.
    pub method: String,
    /// The pooled value (`None` when no claim could enter).
    pub value: Option<f64>,
    /// Its interval: the CI of a meta-analysis, the 5–95 % range of the linear pool, the
    /// fused region of Brooks–Iyengar.
    pub interval: Option<Interval>,
    /// The prediction interval of a random-effects meta-analysis.
    pub prediction: Option<Interval>,
    /// The scale it was computed on.
    pub scale: Scale,
    /// The claims it rests on and their share of the weight.
    pub weights: BTreeMap<String, f64>,
    /// Claims left out, and why.
    pub excluded: Vec<Excluded>,
    /// One-sided claims checked as bounds.
    pub bounds: Vec<BoundCheck>,
    /// Heterogeneity, for meta-analyses.
    pub heterogeneity: Option<Heterogeneity>,
    /// Brooks–Iyengar's f: how many claims are taken to be wrong.
    pub faulty: Option<usize>,
    /// Leave-one-out influence.
    pub influence: Option<Influence>,
    /// Why influence was not computed, when it was asked for but the quantity has more
    /// claims or sources than [`PoolOptions::influence_limit`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub influence_skipped: Option<String>,
    /// Anything the reader should know (for example, a fallback to the linear scale).
    pub note: Option<String>,
}

/// The inputs of one quantity's pooling.
struct Input<'a> {
    rows: &'a [ClaimRow],
    scale: Scale,
    note: Option<String>,
    opts: &'a PoolOptions,
}

/// Pools one quantity's claims (rows sorted by id) with every requested method.
pub(crate) fn pool(
    rows: &[ClaimRow],
    sources: &[&[String]],
    kind: QuantityKind,
    opts: &PoolOptions,
) -> BTreeMap<String, Pooled> {
    let mut out = BTreeMap::new();
    if opts.methods.is_empty() {
        return out;
    }
    let (scale, note) = match kind {
        QuantityKind::Real => (Scale::Linear, None),
        QuantityKind::Count => match rows
            .iter()
            .find(|r| r.plausible.is_bounded() && r.plausible.inf() <= 0.0)
        {
            Some(r) => (
                Scale::Linear,
                Some(format!(
                    "log scale impossible: claim `{}` has a plausible interval reaching {}; pooled on the linear scale",
                    r.id,
                    crate::format_number(r.plausible.inf())
                )),
            ),
            None => (Scale::Log, None),
        },
    };
    let input = Input {
        rows,
        scale,
        note,
        opts,
    };
    let all: Vec<usize> = (0..rows.len()).collect();
    // Each source's claims, indexed once (O(Σk log S)).
    let mut by_source: BTreeMap<&String, Vec<usize>> = BTreeMap::new();
    if opts.influence {
        for (j, list) in sources.iter().enumerate() {
            for s in list.iter() {
                by_source.entry(s).or_default().push(j);
            }
        }
    }
    let skipped = (opts.influence
        && (rows.len() > opts.influence_limit || by_source.len() > opts.influence_limit))
        .then(|| {
            format!(
                "leave-one-out influence skipped: {} claims and {} sources, above the limit of {} (PoolOptions::influence_limit)",
                rows.len(),
                by_source.len(),
                opts.influence_limit
            )
        });
    for &m in &opts.methods {
        let mut p = run(&input, m, &all);
        keep_finite(&mut p);
        if skipped.is_some() {
            p.influence_skipped.clone_from(&skipped);
        } else if opts.influence {
            p.influence = Some(influence(&input, m, p.value, &by_source));
        }
        out.insert(m.key().to_string(), p);
    }
    out
}

fn influence(
    input: &Input<'_>,
    m: PoolMethod,
    value: Option<f64>,
    by_source: &BTreeMap<&String, Vec<usize>>,
) -> Influence {
    let n = input.rows.len();
    let mut keep = vec![true; n];
    let mut without = |drop: &[usize]| -> Option<f64> {
        for &j in drop {
            keep[j] = false;
        }
        let subset: Vec<usize> = (0..n).filter(|&i| keep[i]).collect();
        for &j in drop {
            keep[j] = true;
        }
        if subset.is_empty() {
            None
        } else {
            run(input, m, &subset).value.filter(|v| v.is_finite())
        }
    };
    let without_claim: BTreeMap<String, Option<f64>> = (0..n)
        .map(|i| (input.rows[i].id.clone(), without(&[i])))
        .collect();
    let without_source: BTreeMap<String, Option<f64>> = by_source
        .iter()
        .map(|(s, claims)| ((*s).clone(), without(claims)))
        .collect();
    let most = |map: &BTreeMap<String, Option<f64>>| -> (Option<String>, Option<f64>) {
        let Some(v) = value else { return (None, None) };
        let mut best: Option<(f64, &String, f64)> = None;
        for (id, w) in map {
            let Some(w) = w else { continue };
            let shift = if v > 0.0 && *w > 0.0 {
                (w / v).ln().abs()
            } else {
                (w - v).abs()
            };
            if best.is_none_or(|b| shift > b.0) {
                best = Some((shift, id, *w));
            }
        }
        match best {
            Some((_, id, w)) => (Some(id.clone()), (v != 0.0).then(|| w / v)),
            None => (None, None),
        }
    };
    let (most_influential_claim, claim_ratio) = most(&without_claim);
    let (most_influential_source, source_ratio) = most(&without_source);
    Influence {
        without_claim,
        without_source,
        most_influential_claim,
        claim_ratio,
        most_influential_source,
        source_ratio,
    }
}

/// Appends a sentence to a pooled line's note.
fn add_note(p: &mut Pooled, text: &str) {
    p.note = Some(match p.note.take() {
        Some(n) => format!("{n}; {text}"),
        None => text.to_string(),
    });
}

/// Every figure a pooled line reports is finite, or absent with a note saying why: a value
/// or interval that overflowed (claims near ±f64::MAX) is withdrawn, not printed as ∞/NaN.
fn keep_finite(p: &mut Pooled) {
    let finite_interval = |i: &Interval| i.inf().is_finite() && i.sup().is_finite();
    if p.value.is_some_and(|v| !v.is_finite()) {
        p.value = None;
        p.interval = None;
        p.prediction = None;
        add_note(
            p,
            "no value: the pooled figure is not a finite number at this scale",
        );
    }
    if p.interval.as_ref().is_some_and(|i| !finite_interval(i)) {
        p.interval = None;
        add_note(p, "no interval: it is not finite at this scale");
    }
    if p.prediction.as_ref().is_some_and(|i| !finite_interval(i)) {
        p.prediction = None;
        add_note(p, "no prediction interval: it is not finite at this scale");
    }
}

fn empty(method: String, scale: Scale) -> Pooled {
    Pooled {
        method,
        value: None,
        interval: None,
        prediction: None,
        scale,
        weights: BTreeMap::new(),
        excluded: Vec::new(),
        bounds: Vec::new(),
        heterogeneity: None,
        faulty: None,
        influence: None,
        influence_skipped: None,
        note: None,
    }
}

fn closed(a: f64, b: f64) -> Option<Interval> {
    Interval::closed(a.min(b), a.max(b)).ok()
}

fn normalise(pairs: Vec<(String, f64)>) -> BTreeMap<String, f64> {
    let total: f64 = pairs.iter().map(|p| p.1).sum();
    pairs
        .into_iter()
        .map(|(k, w)| (k, if total > 0.0 { w / total } else { 0.0 }))
        .collect()
}

fn run(input: &Input<'_>, m: PoolMethod, subset: &[usize]) -> Pooled {
    let rows = input.rows;
    match m {
        PoolMethod::WeightedMedian => {
            let mut p = empty(
                "reliability-weighted median of central values".into(),
                Scale::Linear,
            );
            let mut items: Vec<(f64, usize)> = Vec::new();
            for &i in subset {
                match rows[i].central {
                    Some(c) => items.push((c, i)),
                    None => p.excluded.push(Excluded {
                        claim: rows[i].id.clone(),
                        reason: "no central value".into(),
                    }),
                }
            }
            items.sort_by(|a, b| a.0.total_cmp(&b.0).then(rows[a.1].id.cmp(&rows[b.1].id)));
            let total: i128 = items.iter().map(|(_, i)| fixed(rows[*i].weight)).sum();
            if items.is_empty() {
                return p;
            }
            // With all weights zero, every claim counts equally.
            let w = |i: usize| if total > 0 { fixed(rows[i].weight) } else { 1 };
            let total: i128 = items.iter().map(|(_, i)| w(*i)).sum();
            let mut cum: i128 = 0;
            for (k, (c, i)) in items.iter().enumerate() {
                cum += w(*i);
                if 2 * cum >= total {
                    let value = if 2 * cum == total && k + 1 < items.len() {
                        // Halves first: the midpoint of ±1.7e308 is 0, not ∞.
                        c / 2.0 + items[k + 1].0 / 2.0
                    } else {
                        *c
                    };
                    p.value = Some(value);
                    break;
                }
            }
            p.weights = normalise(
                items
                    .iter()
                    .map(|(_, i)| (rows[*i].id.clone(), w(*i) as f64))
                    .collect(),
            );
            p
        }
        PoolMethod::LinearPool => {
            let mut p = empty(
                "linear opinion pool (weighted mixture of uniform plausible intervals)".into(),
                Scale::Linear,
            );
            let mut parts: Vec<(f64, f64, f64, usize)> = Vec::new();
            for &i in subset {
                let r = &rows[i];
                if !r.plausible.is_bounded() {
                    p.excluded.push(Excluded {
                        claim: r.id.clone(),
                        reason: "unbounded plausible interval".into(),
                    });
                } else {
                    parts.push((r.plausible.inf(), r.plausible.sup(), r.weight, i));
                }
            }
            if parts.is_empty() {
                return p;
            }
            if parts.iter().all(|x| x.2 == 0.0) {
                for x in &mut parts {
                    x.2 = 1.0;
                }
            }
            let q = |t: f64| mixture_quantile(&parts, t);
            p.value = q(0.5);
            p.interval = match (q(0.05), q(0.95)) {
                (Some(a), Some(b)) => closed(a, b),
                _ => None,
            };
            p.weights = normalise(parts.iter().map(|x| (rows[x.3].id.clone(), x.2)).collect());
            bound_checks(&mut p, rows, subset, |r| !r.plausible.is_bounded());
            p
        }
        PoolMethod::BrooksIyengar => {
            let mut p = empty(
                "Brooks–Iyengar fusion of plausible intervals".into(),
                Scale::Linear,
            );
            let mut ivs = Vec::new();
            let mut idx = Vec::new();
            for &i in subset {
                if rows[i].plausible.is_bounded() {
                    ivs.push(rows[i].plausible);
                    idx.push(i);
                } else {
                    p.excluded.push(Excluded {
                        claim: rows[i].id.clone(),
                        reason: "unbounded plausible interval".into(),
                    });
                }
            }
            if ivs.is_empty() {
                return p;
            }
            let ones = vec![1.0; ivs.len()];
            let mut s = Sweep::default();
            sweep(&ivs, &ones, false, 0, &mut Scratch::default(), &mut s);
            let threshold = s.best.first().map_or(0, |b| b.2);
            p.faulty = Some(ivs.len() - threshold);
            let (mut num, mut den) = (0.0, 0.0);
            let mut hull: Option<Interval> = None;
            for (interval, _, count, _) in &s.best {
                let mid = interval.midpoint().expect("bounded");
                num += *count as f64 * mid;
                den += *count as f64;
                hull = Some(hull.map_or(*interval, |h| h.hull(interval)));
            }
            // The claims behind the fused regions: those meeting any of them (the regions are
            // disjoint and in order, so a binary search finds the candidate).
            let regions: Vec<Interval> = s.best.iter().map(|b| b.0).collect();
            let used: BTreeSet<usize> = (0..ivs.len())
                .filter(|&j| {
                    let k = regions.partition_point(|r| r.high_cut() <= ivs[j].low_cut());
                    regions.get(k).is_some_and(|r| r.overlaps(&ivs[j]))
                })
                .collect();
            p.value = Some(num / den);
            p.interval = hull;
            p.weights = normalise(
                used.iter()
                    .map(|&j| (rows[idx[j]].id.clone(), 1.0))
                    .collect(),
            );
            for j in 0..ivs.len() {
                if !used.contains(&j) {
                    p.excluded.push(Excluded {
                        claim: rows[idx[j]].id.clone(),
                        reason: "outside the fused region (counted as faulty)".into(),
                    });
                }
            }
            bound_checks(&mut p, rows, subset, |r| !r.plausible.is_bounded());
            p
        }
        PoolMethod::Meta(method) => meta_pool(input, method, subset),
    }
}

/// The t-quantile of a weighted mixture of uniforms on [lo, hi] (point masses where
/// lo = hi). O(n log n).
fn mixture_quantile(parts: &[(f64, f64, f64, usize)], t: f64) -> Option<f64> {
    let total: f64 = parts.iter().map(|p| p.2).sum();
    if total <= 0.0 {
        return None;
    }
    let target = t * total;
    // Events: (x, slope change, jump).
    let mut ev: Vec<(f64, f64, f64)> = Vec::with_capacity(parts.len() * 2);
    for &(lo, hi, w, _) in parts {
        if hi > lo {
            ev.push((lo, w / (hi - lo), 0.0));
            ev.push((hi, -w / (hi - lo), 0.0));
        } else {
            ev.push((lo, 0.0, w));
        }
    }
    ev.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut cum, mut slope) = (0.0, 0.0);
    let mut k = 0;
    while k < ev.len() {
        let x = ev[k].0;
        while k < ev.len() && ev[k].0 == x {
            slope += ev[k].1;
            cum += ev[k].2;
            k += 1;
        }
        if cum >= target {
            return Some(x);
        }
        if k < ev.len() {
            let next = ev[k].0;
            let mass = slope.max(0.0) * (next - x);
            if cum + mass >= target && slope > 0.0 {
                return Some((x + (target - cum) / slope).min(next));
            }
            cum += mass;
        }
    }
    ev.last().map(|e| e.0)
}

fn bound_checks(
    p: &mut Pooled,
    rows: &[ClaimRow],
    subset: &[usize],
    is_bound: impl Fn(&ClaimRow) -> bool,
) {
    let Some(v) = p.value else { return };
    for &i in subset {
        let r = &rows[i];
        if !is_bound(r) || r.hard == Interval::entire() {
            continue;
        }
        let status = if !r.hard.contains_value(v) {
            "estimate_outside"
        } else if p.interval.is_some_and(|iv| !r.hard.contains(&iv)) {
            "interval_crosses"
        } else {
            "satisfied"
        };
        p.bounds.push(BoundCheck {
            claim: r.id.clone(),
            bound: r.hard,
            status: status.into(),
        });
    }
}

fn meta_pool(input: &Input<'_>, method: Method, subset: &[usize]) -> Pooled {
    let rows = input.rows;
    let scale_name = match input.scale {
        Scale::Log => "log",
        Scale::Linear => "linear",
    };
    let name = match method {
        Method::FixedEffect => "fixed (common) effect",
        Method::DerSimonianLaird => "random effects, DerSimonian–Laird τ²",
        Method::PauleMandel => "random effects, Paule–Mandel τ²",
        Method::Reml => "random effects, REML τ²",
        Method::Ml => "random effects, ML τ²",
    };
    let mut p = empty(
        format!("{name}, inverse-variance, on the {scale_name} scale"),
        input.scale,
    );
    p.note = input.note.clone();
    let mut studies = Vec::new();
    let mut used = Vec::new();
    let mut bound_rows = Vec::new();
    for &i in subset {
        let r = &rows[i];
        let reason = match r.central {
            None => Some("no central value"),
            Some(_) if !r.plausible.is_bounded() => {
                Some("one-sided (unbounded plausible interval)")
            }
            Some(_) if r.plausible.width() == 0.0 => {
                Some("zero-width interval: no sampling variance")
            }
            _ => None,
        };
        if let Some(reason) = reason {
            p.excluded.push(Excluded {
                claim: r.id.clone(),
                reason: reason.into(),
            });
            if r.central.is_none() || !r.plausible.is_bounded() {
                bound_rows.push(i);
            }
            continue;
        }
        let c = r.central.expect("checked");
        let z = meta::z_quantile(r.level);
        let (y, v) = match input.scale {
            Scale::Log => (
                c.ln(),
                ((r.plausible.sup().ln() - r.plausible.inf().ln()) / (2.0 * z)).powi(2),
            ),
            Scale::Linear => (
                c,
                ((r.plausible.sup() - r.plausible.inf()) / (2.0 * z)).powi(2),
            ),
        };
        if !(v >= f64::MIN_POSITIVE && v.is_finite() && y.is_finite()) {
            p.excluded.push(Excluded {
                claim: r.id.clone(),
                reason: "no usable variance (its interval is too narrow or too wide to weigh)"
                    .into(),
            });
            continue;
        }
        studies.push(meta::Study::new(y, v));
        used.push(i);
    }
    if studies.is_empty() {
        add_note(
            &mut p,
            "no value: no claim has a central value and a bounded interval of positive width",
        );
        return p;
    }
    let fit = match meta_analysis_with(&studies, method, &input.opts.meta) {
        Ok(fit) => fit,
        Err(e) => {
            add_note(&mut p, &format!("no value: {e}"));
            return p;
        }
    };
    let back = |x: f64| match input.scale {
        Scale::Log => x.exp(),
        Scale::Linear => x,
    };
    p.value = Some(back(fit.estimate));
    p.interval = closed(back(fit.ci.0), back(fit.ci.1));
    if method != Method::FixedEffect {
        p.prediction = closed(back(fit.pi.0), back(fit.pi.1));
    }
    p.weights = used
        .iter()
        .zip(&fit.weights)
        .map(|(&i, w)| (rows[i].id.clone(), *w))
        .collect();
    p.heterogeneity = Some(Heterogeneity {
        tau2: fit.tau2,
        tau: fit.tau,
        q: fit.q,
        q_df: fit.q_df,
        q_p: fit.q_p,
        i2: fit.i2_q,
        i2_tau: fit.i2_tau,
        h2: fit.h2,
        iterations: fit.iterations,
        converged: fit.converged,
    });
    bound_checks(&mut p, rows, &bound_rows, |_| true);
    p
}
