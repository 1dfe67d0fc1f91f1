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
//!
//! # Example
//!
//! ```
//! use crosscheck::{ClaimSet, PoolMethod, Reconciler};
//!
//! let set = ClaimSet::from_csv_str(
//!     "quantity,sources,low,central,high\n\
//!      toll,a,900,1000,1100\ntoll,b,1100,1200,1300\ntoll,c,950,1050,1150\n",
//! )?;
//! // Only the methods asked for; each line says what it rests on.
//! let r = Reconciler::new()
//!     .with_pooling([PoolMethod::WeightedMedian, "reml".parse()?])
//!     .reconcile(&set);
//! let reml = &r.quantities[0].pooled["reml"];
//! assert_eq!((reml.used, reml.of), (3, 3));
//! assert!(reml.interval.unwrap().contains_value(reml.value.unwrap()));
//! assert_eq!(r.quantities[0].pooled["weighted_median"].value, Some(1050.0));
//! Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod censored;
pub mod meta;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::interval::Interval;
use crate::quantity::QuantityKind;
use crate::row::ClaimRow;
use crate::sweep::{Scratch, Sweep, fixed, sweep};
use meta::{MetaOptions, Method, meta_analysis_with};

/// A pooling method. Serialised, displayed and parsed as its report key
/// ([`PoolMethod::key`]), so a key of a report's `pooled` map reads back as its method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PoolMethod {
    /// Reliability-weighted median of central values.
    WeightedMedian,
    /// Linear opinion pool of the plausible intervals.
    LinearPool,
    /// Brooks–Iyengar interval fusion.
    BrooksIyengar,
    /// An inverse-variance meta-analysis.
    Meta(Method),
    /// Random-effects maximum likelihood with one-sided claims as censored observations.
    CensoredMl,
}

impl PoolMethod {
    /// Every method.
    pub const ALL: [PoolMethod; 9] = [
        PoolMethod::WeightedMedian,
        PoolMethod::LinearPool,
        PoolMethod::BrooksIyengar,
        PoolMethod::Meta(Method::FixedEffect),
        PoolMethod::Meta(Method::DerSimonianLaird),
        PoolMethod::Meta(Method::PauleMandel),
        PoolMethod::Meta(Method::Reml),
        PoolMethod::Meta(Method::Ml),
        PoolMethod::CensoredMl,
    ];

    /// The key in a report's `pooled` map.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            PoolMethod::WeightedMedian => "weighted_median",
            PoolMethod::LinearPool => "linear_pool",
            PoolMethod::BrooksIyengar => "brooks_iyengar",
            PoolMethod::Meta(m) => m.as_str(),
            PoolMethod::CensoredMl => "censored_ml",
        }
    }
}

impl std::fmt::Display for PoolMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

impl std::str::FromStr for PoolMethod {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<PoolMethod> {
        PoolMethod::ALL
            .into_iter()
            .find(|m| m.key() == s)
            .ok_or_else(|| crate::Error::UnknownVariant {
                at: crate::Location::Unknown,
                field: "method",
                value: s.to_string(),
                expected: "weighted_median, linear_pool, brooks_iyengar, fixed_effect, dersimonian_laird, paule_mandel, reml, ml, censored_ml",
            })
    }
}

impl Serialize for PoolMethod {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for PoolMethod {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<PoolMethod, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
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
    /// Whether each pooled line lists the claims it rests on with their weights (default
    /// true; a compact report keeps `used` and leaves the map empty).
    pub weights: bool,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            methods: PoolMethod::ALL.to_vec(),
            influence: true,
            influence_limit: DEFAULT_INFLUENCE_LIMIT,
            meta: MetaOptions::default(),
            weights: true,
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

impl Scale {
    /// Every scale.
    pub const ALL: [Scale; 2] = [Scale::Log, Scale::Linear];

    /// The lowercase name (the same as serde's).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Log => "log",
            Scale::Linear => "linear",
        }
    }
}

named_enum!(Scale, "scale", "log, linear");

/// Why a claim was left out of a pooled line: a code (serde, `Display`, `FromStr`) and
/// the sentence a report prints ([`Exclusion::sentence`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// Unbounded plausible interval.
    UnboundedInterval,
    /// Weight 0 (its sources' reliability).
    ZeroWeight,
    /// One-sided: checked as a bound.
    OneSided,
    /// No central value.
    NoCentral,
    /// Outside the fused region (counted as faulty).
    OutsideFusedRegion,
    /// No central value and no bounded interval.
    NoCentralNoBound,
    /// Zero-width interval: no sampling variance.
    ZeroWidth,
    /// No usable variance (its interval is too narrow or too wide to weigh).
    NoUsableVariance,
    /// A bound at 0 says nothing on the log scale.
    BoundAtZero,
    /// No central value, range or bound.
    NoCentralRangeOrBound,
    /// Magnitude error: a factor of 100 or more from the others' value (units or vandalism?).
    MagnitudeError,
    /// One-sided: counts toward its sources' record as a bound.
    OneSidedRecord,
}

impl Exclusion {
    /// Every reason.
    pub const ALL: [Exclusion; 12] = [
        Exclusion::UnboundedInterval,
        Exclusion::ZeroWeight,
        Exclusion::OneSided,
        Exclusion::NoCentral,
        Exclusion::OutsideFusedRegion,
        Exclusion::NoCentralNoBound,
        Exclusion::ZeroWidth,
        Exclusion::NoUsableVariance,
        Exclusion::BoundAtZero,
        Exclusion::NoCentralRangeOrBound,
        Exclusion::MagnitudeError,
        Exclusion::OneSidedRecord,
    ];

    /// The `snake_case` code (the same as serde's).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Exclusion::UnboundedInterval => "unbounded_interval",
            Exclusion::ZeroWeight => "zero_weight",
            Exclusion::OneSided => "one_sided",
            Exclusion::NoCentral => "no_central",
            Exclusion::OutsideFusedRegion => "outside_fused_region",
            Exclusion::NoCentralNoBound => "no_central_no_bound",
            Exclusion::ZeroWidth => "zero_width",
            Exclusion::NoUsableVariance => "no_usable_variance",
            Exclusion::BoundAtZero => "bound_at_zero",
            Exclusion::NoCentralRangeOrBound => "no_central_range_or_bound",
            Exclusion::MagnitudeError => "magnitude_error",
            Exclusion::OneSidedRecord => "one_sided_record",
        }
    }

    /// The sentence a report prints.
    #[must_use]
    pub fn sentence(self) -> &'static str {
        match self {
            Exclusion::UnboundedInterval => "unbounded plausible interval",
            Exclusion::ZeroWeight => "weight 0 (its sources' reliability)",
            Exclusion::OneSided => "one-sided: checked as a bound",
            Exclusion::NoCentral => "no central value",
            Exclusion::OutsideFusedRegion => "outside the fused region (counted as faulty)",
            Exclusion::NoCentralNoBound => "no central value and no bounded interval",
            Exclusion::ZeroWidth => "zero-width interval: no sampling variance",
            Exclusion::NoUsableVariance => {
                "no usable variance (its interval is too narrow or too wide to weigh)"
            }
            Exclusion::BoundAtZero => "a bound at 0 says nothing on the log scale",
            Exclusion::NoCentralRangeOrBound => "no central value, range or bound",
            Exclusion::MagnitudeError => {
                "magnitude error: a factor of 100 or more from the others' value (units or vandalism?)"
            }
            Exclusion::OneSidedRecord => "one-sided: counts toward its sources' record as a bound",
        }
    }
}

named_enum!(
    Exclusion,
    "code",
    "unbounded_interval, zero_weight, one_sided, no_central, outside_fused_region, no_central_no_bound, zero_width, no_usable_variance, bound_at_zero, no_central_range_or_bound, magnitude_error, one_sided_record"
);

/// A claim left out of a method, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Excluded {
    /// The claim.
    pub claim: String,
    /// Why, as a sentence ([`Exclusion::sentence`] of `code`).
    pub reason: String,
    /// Why, as a code to match on.
    #[serde(default = "unknown_exclusion")]
    pub code: Exclusion,
}

fn unknown_exclusion() -> Exclusion {
    Exclusion::NoCentralRangeOrBound
}

impl Excluded {
    /// A claim left out for `code`.
    #[must_use]
    pub fn new(claim: impl Into<String>, code: Exclusion) -> Excluded {
        Excluded {
            claim: claim.into(),
            reason: code.sentence().to_string(),
            code,
        }
    }
}

/// A one-sided or centre-less claim's hard interval checked against a pooled figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BoundCheck {
    /// The claim.
    pub claim: String,
    /// Its hard interval.
    pub bound: Interval,
    /// Whether the pooled figure keeps to the bound (checked with a relative tolerance of
    /// 1e-9, so `100000.00000000001` does not break the bound 100,000).
    pub status: BoundStatus,
}

/// How a pooled figure stands against a claim's firm bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundStatus {
    /// The pooled interval lies inside the bound.
    Satisfied,
    /// The pooled value lies inside the bound, its interval does not.
    IntervalCrosses,
    /// The pooled value breaks the firm bound.
    EstimateOutside,
}

impl BoundStatus {
    /// Every status, in the order of severity.
    pub const ALL: [BoundStatus; 3] = [
        BoundStatus::Satisfied,
        BoundStatus::IntervalCrosses,
        BoundStatus::EstimateOutside,
    ];

    /// The `snake_case` name used in reports (the same as serde's).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            BoundStatus::Satisfied => "satisfied",
            BoundStatus::IntervalCrosses => "interval_crosses",
            BoundStatus::EstimateOutside => "estimate_outside",
        }
    }
}

named_enum!(
    BoundStatus,
    "status",
    "satisfied, interval_crosses, estimate_outside"
);

/// Heterogeneity figures of a meta-analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded: Vec<Excluded>,
    /// One-sided claims checked as bounds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bounds: Vec<BoundCheck>,
    /// Heterogeneity, for meta-analyses.
    pub heterogeneity: Option<Heterogeneity>,
    /// Brooks–Iyengar's f: how many claims are taken to be wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faulty: Option<usize>,
    /// Leave-one-out influence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub influence: Option<Influence>,
    /// Why influence was not computed, when it was asked for but the quantity has more
    /// claims or sources than [`PoolOptions::influence_limit`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub influence_skipped: Option<String>,
    /// Anything the reader should know (for example, a fallback to the linear scale, or
    /// why there is no value).
    pub note: Option<String>,
    /// How many of the quantity's claims the value rests on (observations and censored
    /// claims that entered it). A value resting on fewer than two is not reported.
    #[serde(default)]
    pub used: usize,
    /// How many claims the quantity has.
    #[serde(default)]
    pub of: usize,
    /// One-sided claims that entered as censored observations (only `censored_ml`).
    #[serde(default)]
    pub censored: Vec<String>,
    /// Ranges without a central value that entered with their midpoint as central
    /// (geometric on the log scale, Hozo, Djulbegovic & Hozo 2005), read as 95 % intervals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from_range: Vec<String>,
    /// A median that falls exactly between two claims' figures: both, instead of a midpoint
    /// nobody claimed (`value` is then absent).
    #[serde(default)]
    pub tie: Option<[f64; 2]>,
    /// The small-sample interval of a random-effects meta-analysis: Hartung–Knapp–Sidik–
    /// Jonkman (`IntHout`, Ioannidis & Borm 2014), the one to read first with few claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub small_sample_interval: Option<Interval>,
    /// "the claims contradict each other; a pooled value describes no one's figure", when
    /// the verdict is a contradiction and the spread exceeds 2.
    #[serde(default)]
    pub warning: Option<String>,
}

/// The inputs of one quantity's pooling.
struct Input<'a> {
    rows: &'a [ClaimRow],
    /// Each row's [`entry`] at `scale`, found once for every method and leave-one-out run.
    entries: &'a [Entry],
    /// Each row's [`effect`] at `scale`, computed at the first method that reads one and
    /// kept for the others (three logarithms a claim on the log scale, in six methods);
    /// `(NaN, NaN)` for a row that is not a figure of positive width, which none reads.
    effects: &'a std::cell::OnceCell<Vec<(f64, f64)>>,
    /// Whether the quantity is a count (no pooled interval below 0).
    count: bool,
    scale: Scale,
    note: Option<String>,
    opts: &'a PoolOptions,
    /// Whether the lines list each claim's weight (off for a compact reconciler and for
    /// leave-one-out runs, which read only the value: a string per claim and method saved).
    weights: bool,
    /// The last ML fit and its studies: `censored_ml` reports the ML fit's Q and I² of
    /// the same figures, which the `ml` line has just computed.
    ml: std::cell::RefCell<Option<(Vec<meta::Study>, meta::MetaResult)>>,
}

impl Input<'_> {
    /// Row `i`'s [`effect`] (a figure of positive width): the bits `effect` gives, computed
    /// once for all rows of the quantity.
    fn effect(&self, i: usize) -> (f64, f64) {
        let all = self.effects.get_or_init(|| {
            self.entries
                .iter()
                .map(|e| match *e {
                    Entry::Figure {
                        central,
                        lo,
                        hi,
                        level,
                        rounding_only,
                        ..
                    } if hi > lo => effect(self.scale, central, lo, hi, level, rounding_only),
                    _ => (f64::NAN, f64::NAN),
                })
                .collect()
        });
        all[i]
    }

    /// `meta_analysis_with(studies, Method::Ml)`, from the last ML fit when its studies
    /// are these, bit for bit.
    fn ml_fit(&self, studies: &[meta::Study]) -> crate::error::Result<meta::MetaResult> {
        let same = |kept: &[meta::Study]| {
            kept.len() == studies.len()
                && kept
                    .iter()
                    .zip(studies)
                    .all(|(a, b)| a.y.to_bits() == b.y.to_bits() && a.v.to_bits() == b.v.to_bits())
        };
        if let Some((kept, fit)) = &*self.ml.borrow()
            && same(kept)
        {
            return Ok(fit.clone());
        }
        let fit = meta_analysis_with(studies, Method::Ml, &self.opts.meta)?;
        *self.ml.borrow_mut() = Some((studies.to_vec(), fit.clone()));
        Ok(fit)
    }
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
        // Only figures and ranges enter on a scale; a one-sided claim is a bound.
        QuantityKind::Count => match rows
            .iter()
            .find(|r| matches!(entry(r, Scale::Linear), Entry::Figure { lo, .. } if lo <= 0.0))
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
    let entries: Vec<Entry> = rows.iter().map(|r| entry(r, scale)).collect();
    let effects = std::cell::OnceCell::new();
    let input = Input {
        rows,
        entries: &entries,
        effects: &effects,
        count: kind == QuantityKind::Count,
        scale,
        note,
        opts,
        weights: opts.weights,
        ml: Default::default(),
    };
    let all: Vec<usize> = (0..rows.len()).collect();
    // Each source's claims, indexed once (O(Σk log S)).
    let mut by_source: BTreeMap<&String, Vec<usize>> = BTreeMap::new();
    if opts.influence {
        for (j, list) in sources.iter().enumerate() {
            for s in *list {
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
        if !opts.weights {
            p.weights.clear();
        }
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
    let quiet = Input {
        rows: input.rows,
        entries: input.entries,
        effects: input.effects,
        count: input.count,
        scale: input.scale,
        note: None,
        opts: input.opts,
        weights: false,
        ml: Default::default(),
    };
    let input = &quiet;
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
/// or interval that overflowed (claims near ±`f64::MAX`) is withdrawn, not printed as ∞/NaN.
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

pub(crate) fn empty(method: String, scale: Scale) -> Pooled {
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
        used: 0,
        of: 0,
        censored: Vec::new(),
        from_range: Vec::new(),
        tie: None,
        small_sample_interval: None,
        warning: None,
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

/// How a claim enters the statistics (DESIGN §3.1: claims enter by what they say).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Entry {
    /// A figure with an interval: central, plausible bounds, coverage, whether its interval
    /// is only the rounding of a bare figure, whether it is a range read at its midpoint.
    Figure {
        central: f64,
        lo: f64,
        hi: f64,
        level: f64,
        rounding_only: bool,
        from_range: bool,
    },
    /// A one-sided claim: the value lies above (`lower`) or below its bound.
    OneSided { bound: f64, lower: bool },
    /// Neither (an unbounded claim with no central value).
    Unusable,
}

const LOWER_RULES: [&str; 5] = [
    "more-than",
    "just-over",
    "at-least",
    "precise-floor",
    "open-range",
];
const UPPER_RULES: [&str; 3] = ["less-than", "at-most", "nearly"];

/// Classifies a claim: a central with its interval; a range (no central, both ends
/// bounded) at its midpoint; a one-sided claim (by its reading rule, or a hard interval
/// open on one side) as a bound.
pub(crate) fn entry(r: &ClaimRow, scale: Scale) -> Entry {
    entry_of(
        r.rule.as_deref(),
        &r.hard,
        &r.plausible,
        r.central,
        r.level,
        scale,
    )
}

/// [`entry`] of a row's parts: its reading rule, hard and plausible intervals, central
/// value and coverage (for rows that keep only these, as the track records' rows do).
pub(crate) fn entry_of(
    rule: Option<&str>,
    hard: &Interval,
    plausible: &Interval,
    central: Option<f64>,
    level: f64,
    scale: Scale,
) -> Entry {
    let rule = rule.unwrap_or("");
    let bounded = plausible.is_bounded();
    // A numeric claim (no reading) is one-sided when its stated interval is open-ended.
    let one_sided = plausible.low_value().is_some() != plausible.high_value().is_some();
    if central.is_none()
        && (LOWER_RULES.contains(&rule)
            || UPPER_RULES.contains(&rule)
            || (rule.is_empty() && one_sided))
    {
        let lower =
            LOWER_RULES.contains(&rule) || (rule.is_empty() && plausible.high_value().is_none());
        let bound = match (rule.is_empty(), lower) {
            (true, true) => plausible.low_value(),
            (true, false) => plausible.high_value(),
            (false, true) => hard.low_value(),
            (false, false) => hard.high_value(),
        };
        return match bound {
            Some(bound) => Entry::OneSided { bound, lower },
            None => Entry::Unusable,
        };
    }
    if !bounded {
        return match central {
            Some(_) | None => Entry::Unusable,
        };
    }
    let (lo, hi) = (plausible.inf(), plausible.sup());
    if let Some(c) = central {
        Entry::Figure {
            central: c,
            lo,
            hi,
            level,
            rounding_only: matches!(rule, "bare" | "exactly"),
            from_range: false,
        }
    } else {
        // The geometric midpoint, kept inside the range: exp(ln x) need not give x back
        // (a range [153, 153] read 152.99999999999997, a pooled median below every claim).
        // `clamp` cannot panic: lo ≤ hi are an interval's ends, never NaN.
        let mid = match scale {
            Scale::Log if lo > 0.0 => (lo.ln() / 2.0 + hi.ln() / 2.0).exp().clamp(lo, hi),
            _ => plausible.midpoint().unwrap_or(lo),
        };
        Entry::Figure {
            central: mid,
            lo,
            hi,
            level: 0.95,
            rounding_only: false,
            from_range: true,
        }
    }
}

fn run(input: &Input<'_>, m: PoolMethod, subset: &[usize]) -> Pooled {
    let rows = input.rows;
    let mut p = match m {
        PoolMethod::WeightedMedian => weighted_median(input, subset),
        PoolMethod::LinearPool => {
            let mut p = empty(
                "linear opinion pool (weighted mixture of uniform plausible intervals)".into(),
                Scale::Linear,
            );
            let mut parts: Vec<(f64, f64, f64, usize)> = Vec::new();
            for &i in subset {
                let r = &rows[i];
                if !r.plausible.is_bounded() {
                    p.excluded
                        .push(Excluded::new(r.id.clone(), Exclusion::UnboundedInterval));
                } else {
                    parts.push((r.plausible.inf(), r.plausible.sup(), r.weight, i));
                }
            }
            if parts.is_empty() {
                return finish(p, input, subset);
            }
            if parts.iter().all(|x| x.2 == 0.0) {
                for x in &mut parts {
                    x.2 = 1.0;
                }
            }
            let q = |t: f64| mixture_quantile(&parts, t);
            p.used = parts.len();
            // A median on a flat stretch (a gap between claims) is any value of the gap:
            // report the gap as a tie, not the value rounding picked.
            match mixture_flat_median(&parts) {
                Some((a, b)) => {
                    p.tie = Some([a, b]);
                    add_note(
                        &mut p,
                        &format!(
                            "the pooled median is any value between {} and {}: no claim covers that gap",
                            crate::format_number(a),
                            crate::format_number(b)
                        ),
                    );
                }
                None => p.value = q(0.5),
            }
            p.interval = match (q(0.05), q(0.95)) {
                (Some(a), Some(b)) => closed(a, b),
                _ => None,
            };
            if input.weights {
                p.weights = normalise(parts.iter().map(|x| (rows[x.3].id.clone(), x.2)).collect());
            }
            p
        }
        PoolMethod::BrooksIyengar => brooks_iyengar(input, subset),
        PoolMethod::Meta(method) => meta_pool(input, method, subset),
        PoolMethod::CensoredMl => censored_pool(input, subset),
    };
    if p.used == 0 {
        p.used = p.weights.len() + p.censored.len();
    }
    p = finish(p, input, subset);
    p
}

/// The rules every pooled line keeps (DESIGN §3.1): it says how many claims it rests on;
/// a value resting on fewer than two claims is withdrawn (never an echo of one claim); a
/// count's interval never reaches below 0; firm bounds are checked with a relative
/// tolerance of 1e-9.
fn finish(mut p: Pooled, input: &Input<'_>, subset: &[usize]) -> Pooled {
    p.of = subset.len();
    if p.used < 2 && (p.value.is_some() || p.tie.is_some()) {
        p.value = None;
        p.tie = None;
        p.interval = None;
        p.prediction = None;
        p.small_sample_interval = None;
        p.heterogeneity = None;
        let text = format!(
            "no value: rests on {} of {} claims (a pooled value needs two)",
            p.used, p.of
        );
        add_note(&mut p, &text);
    }
    if input.count {
        let mut clipped = false;
        for iv in [
            &mut p.interval,
            &mut p.prediction,
            &mut p.small_sample_interval,
        ] {
            if let Some(i) = iv.as_mut()
                && i.inf() < 0.0
            {
                *i = Interval::closed(0.0, i.sup().max(0.0)).unwrap_or(*i);
                clipped = true;
            }
        }
        if clipped {
            add_note(
                &mut p,
                "interval clipped at 0: a count cannot be negative (the log scale was impossible)",
            );
        }
    }
    let bound_rows: Vec<usize> = subset
        .iter()
        .copied()
        .filter(|&i| matches!(input.entries[i], Entry::OneSided { .. }))
        .collect();
    p.bounds.clear();
    bound_checks(&mut p, input.rows, &bound_rows);
    p
}

fn weighted_median(input: &Input<'_>, subset: &[usize]) -> Pooled {
    let rows = input.rows;
    let mut p = empty(
        "reliability-weighted median of central values (ranges at their midpoint)".into(),
        Scale::Linear,
    );
    let mut items: Vec<(f64, usize)> = Vec::new();
    let any_weight = subset.iter().any(|&i| fixed(rows[i].weight) > 0);
    for &i in subset {
        match input.entries[i] {
            _ if any_weight && fixed(rows[i].weight) == 0 => p
                .excluded
                .push(Excluded::new(rows[i].id.clone(), Exclusion::ZeroWeight)),
            Entry::Figure {
                central,
                from_range,
                ..
            } => {
                items.push((central, i));
                if from_range {
                    p.from_range.push(rows[i].id.clone());
                }
            }
            Entry::OneSided { .. } => p
                .excluded
                .push(Excluded::new(rows[i].id.clone(), Exclusion::OneSided)),
            Entry::Unusable => p
                .excluded
                .push(Excluded::new(rows[i].id.clone(), Exclusion::NoCentral)),
        }
    }
    items.sort_by(|a, b| a.0.total_cmp(&b.0).then(rows[a.1].id.cmp(&rows[b.1].id)));
    if items.is_empty() {
        return p;
    }
    // With all weights zero, every claim counts equally.
    let w = |i: usize| if any_weight { fixed(rows[i].weight) } else { 1 };
    let total: i128 = items.iter().map(|(_, i)| w(*i)).sum();
    let mut cum: i128 = 0;
    for (k, (c, i)) in items.iter().enumerate() {
        cum += w(*i);
        if 2 * cum >= total {
            let next = items.get(k + 1).map(|x| x.0);
            match next {
                Some(n) if 2 * cum == total && n != *c => p.tie = Some([*c, n]),
                _ => p.value = Some(*c),
            }
            break;
        }
    }
    if let Some([a, b]) = p.tie {
        add_note(
            &mut p,
            &format!(
                "tie: half the weight lies at or below {} and half at or above {}; no midpoint is reported",
                crate::format_number(a),
                crate::format_number(b)
            ),
        );
    }
    p.used = items.len();
    if input.weights {
        p.weights = normalise(
            items
                .iter()
                .map(|(_, i)| (rows[*i].id.clone(), w(*i) as f64))
                .collect(),
        );
    }
    p
}

fn brooks_iyengar(input: &Input<'_>, subset: &[usize]) -> Pooled {
    let rows = input.rows;
    let mut p = empty(
        "Marzullo's best-supported region, averaged (Brooks–Iyengar with f = n − the largest coverage, chosen from the data)".into(),
        Scale::Linear,
    );
    let mut ivs = Vec::new();
    let mut idx = Vec::new();
    for &i in subset {
        if rows[i].plausible.is_bounded() {
            ivs.push(rows[i].plausible);
            idx.push(i);
        } else {
            p.excluded.push(Excluded::new(
                rows[i].id.clone(),
                Exclusion::UnboundedInterval,
            ));
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
        let mid = interval.midpoint().unwrap_or(interval.inf());
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
    p.used = used.len();
    if input.weights {
        p.weights = normalise(
            used.iter()
                .map(|&j| (rows[idx[j]].id.clone(), 1.0))
                .collect(),
        );
    }
    for j in 0..ivs.len() {
        if !used.contains(&j) {
            p.excluded.push(Excluded::new(
                rows[idx[j]].id.clone(),
                Exclusion::OutsideFusedRegion,
            ));
        }
    }
    p
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

/// Where the mixture's median is a flat stretch — half the weight ends at `a` and the other
/// half starts at `b > a`, no claim covering (a, b) — the gap (a, b). Weights are compared
/// in fixed point, so the tie is exact and independent of the order of claims.
fn mixture_flat_median(parts: &[(f64, f64, f64, usize)]) -> Option<(f64, f64)> {
    let total: i128 = parts.iter().map(|p| fixed(p.2)).sum();
    let mut ends: Vec<(f64, i128)> = parts.iter().map(|p| (p.1, fixed(p.2))).collect();
    ends.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut cum = 0i128;
    for (k, (hi, w)) in ends.iter().enumerate() {
        cum += w;
        if 2 * cum == total {
            // Everything ending at or before `hi` holds half the weight; the rest must all
            // start after it for the stretch to be flat.
            let a = *hi;
            let rest_start = parts
                .iter()
                .filter(|p| p.1 > a || (p.1 == a && ends[..=k].iter().all(|e| e.0 != p.1)))
                .map(|p| p.0)
                .fold(f64::INFINITY, f64::min);
            return (rest_start > a && rest_start.is_finite()).then_some((a, rest_start));
        }
        if 2 * cum > total {
            return None;
        }
    }
    None
}

/// Checks a pooled figure against each one-sided claim's firm bound, with a relative
/// tolerance of 1e-9 (a figure that differs from the bound in the last bits keeps it).
fn bound_checks(p: &mut Pooled, rows: &[ClaimRow], bound_rows: &[usize]) {
    let Some(v) = p.value else { return };
    let tol = |x: f64| 1e-9 * x.abs().max(v.abs());
    for &i in bound_rows {
        let r = &rows[i];
        if r.hard == Interval::entire() {
            continue;
        }
        let inside = |x: f64| {
            r.hard.contains_value(x)
                || r.hard.low_value().is_some_and(|l| {
                    (x - l).abs() <= tol(l) && r.hard.high_value().is_none_or(|h| x <= h)
                })
                || r.hard.high_value().is_some_and(|h| {
                    (x - h).abs() <= tol(h) && r.hard.low_value().is_none_or(|l| x >= l)
                })
        };
        let status = if !inside(v) {
            BoundStatus::EstimateOutside
        } else if p
            .interval
            .is_some_and(|iv| !(inside(iv.inf()) && inside(iv.sup())))
        {
            BoundStatus::IntervalCrosses
        } else {
            BoundStatus::Satisfied
        };
        p.bounds.push(BoundCheck {
            claim: r.id.clone(),
            bound: r.hard,
            status,
        });
    }
}

/// A figure's effect size on the pooling scale: `(y, v)`, `v` from its plausible interval
/// read at its coverage, or — for a bare figure, whose interval is only rounding — the
/// variance of a uniform over it (`w²/12`), which no fixed-effect method may treat as
/// sampling error.
fn effect(
    scale: Scale,
    central: f64,
    lo: f64,
    hi: f64,
    level: f64,
    rounding_only: bool,
) -> (f64, f64) {
    let (y, a, b) = match scale {
        Scale::Log => (central.ln(), lo.ln(), hi.ln()),
        Scale::Linear => (central, lo, hi),
    };
    let v = if rounding_only {
        (b - a).powi(2) / 12.0
    } else {
        ((b - a) / (2.0 * meta::z_quantile(level))).powi(2)
    };
    (y, v)
}

/// The effect sizes of the numeric claim table's rows `(low, high, central, level)` (`high`
/// +∞ when unbounded, `central` and `level` NaN when absent), entered exactly as
/// [`entry`] and [`effect`] enter the same claims for the Reconciler: one path, one answer.
/// Fills `out` with the studies and whether they are on the log scale.
pub(crate) fn table_effects(
    rows: impl Iterator<Item = (f64, f64, f64, f64)> + Clone,
    out: &mut (Vec<meta::Study>, bool),
) {
    out.0.clear();
    // A figure or range (bounded, with or without a central) that reaches 0 rules out the
    // log scale for the whole quantity, as for the Reconciler.
    let log = !rows
        .clone()
        .any(|(lo, hi, _, _)| hi.is_finite() && lo <= 0.0);
    out.1 = log;
    let scale = if log { Scale::Log } else { Scale::Linear };
    for (lo, hi, c, level) in rows {
        if !(hi.is_finite() && hi > lo) {
            continue;
        }
        let (central, level) = if c.is_finite() {
            (c, if level.is_nan() { 0.95 } else { level })
        } else {
            // As `entry`: the geometric midpoint kept inside the range (`clamp` cannot
            // panic: lo < hi was checked above, and the table holds no NaN).
            let mid = match scale {
                Scale::Log => (lo.ln() / 2.0 + hi.ln() / 2.0).exp().clamp(lo, hi),
                Scale::Linear => lo + (hi - lo) / 2.0,
            };
            (mid, 0.95)
        };
        let (y, v) = effect(scale, central, lo, hi, level, false);
        if v >= f64::MIN_POSITIVE && v.is_finite() && y.is_finite() {
            out.0.push(meta::Study::new(y, v));
        }
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
    let mut rounding = Vec::new();
    for &i in subset {
        let r = &rows[i];
        let (lo, hi, rounding_only, from_range) = match input.entries[i] {
            Entry::Figure {
                lo,
                hi,
                rounding_only,
                from_range,
                ..
            } => (lo, hi, rounding_only, from_range),
            Entry::OneSided { .. } => {
                p.excluded
                    .push(Excluded::new(r.id.clone(), Exclusion::OneSided));
                continue;
            }
            Entry::Unusable => {
                p.excluded
                    .push(Excluded::new(r.id.clone(), Exclusion::NoCentralNoBound));
                continue;
            }
        };
        if hi <= lo {
            p.excluded
                .push(Excluded::new(r.id.clone(), Exclusion::ZeroWidth));
            continue;
        }
        let (y, v) = input.effect(i);
        if !(v >= f64::MIN_POSITIVE && v.is_finite() && y.is_finite()) {
            p.excluded
                .push(Excluded::new(r.id.clone(), Exclusion::NoUsableVariance));
            continue;
        }
        if from_range {
            p.from_range.push(r.id.clone());
        }
        if rounding_only {
            rounding.push(r.id.clone());
        }
        studies.push(meta::Study::new(y, v));
        used.push(i);
    }
    p.used = used.len();
    if method == Method::FixedEffect && !rounding.is_empty() {
        add_note(
            &mut p,
            &format!(
                "no value: {} state{} no uncertainty (a bare figure's rounding is not sampling error, so a fixed effect would weigh it as near-certain)",
                rounding.join(", "),
                if rounding.len() == 1 { "s" } else { "" }
            ),
        );
        return p;
    }
    if studies.is_empty() {
        add_note(
            &mut p,
            "no value: no claim has a central value (or a range) and a bounded interval of positive width",
        );
        return p;
    }
    let fit = match method {
        Method::Ml => input.ml_fit(&studies),
        _ => meta_analysis_with(&studies, method, &input.opts.meta),
    };
    let fit = match fit {
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
        p.small_sample_interval = fit.kh_ci.and_then(|(a, b)| closed(back(a), back(b)));
    }
    if input.weights {
        p.weights = used
            .iter()
            .zip(&fit.weights)
            .map(|(&i, w)| (rows[i].id.clone(), *w))
            .collect();
    }
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
    p
}

/// Random-effects maximum likelihood with one-sided claims as **censored observations**
/// (the Tobit likelihood, Tobin 1958, *Econometrica* 26(1); in meta-analysis as for
/// outcomes reported only as bounds, e.g. "more than 76,000"): a figure `y_i` contributes
/// the normal density `φ((y_i − μ)/s_i)/s_i` with `s_i² = v_i + τ²`; a claim that the value
/// lies above `L` contributes `1 − Φ((L − μ)/s)`, below `U` contributes `Φ((U − μ)/s)`, with
/// `s² = v_c + τ²` and `v_c` the median variance of the figures (a bound is as uncertain as
/// a typical figure). Maximised over μ (Newton, concave in μ) and τ² ≥ 0 (a grid then
/// golden-section search, boundary included): O(n) per evaluation, ~120 evaluations.
fn censored_pool(input: &Input<'_>, subset: &[usize]) -> Pooled {
    let rows = input.rows;
    let scale_name = match input.scale {
        Scale::Log => "log",
        Scale::Linear => "linear",
    };
    let mut p = empty(
        format!(
            "random effects, maximum likelihood with one-sided claims censored (Tobit), on the {scale_name} scale"
        ),
        input.scale,
    );
    p.note = input.note.clone();
    let mut figures: Vec<(f64, f64)> = Vec::new();
    let mut figure_ids = Vec::new();
    let mut bounds: Vec<(f64, bool)> = Vec::new();
    for &i in subset {
        let r = &rows[i];
        match input.entries[i] {
            Entry::Figure {
                lo, hi, from_range, ..
            } if hi > lo => {
                let (y, v) = input.effect(i);
                if v >= f64::MIN_POSITIVE && v.is_finite() && y.is_finite() {
                    figures.push((y, v));
                    figure_ids.push(i);
                    if from_range {
                        p.from_range.push(r.id.clone());
                    }
                } else {
                    p.excluded
                        .push(Excluded::new(r.id.clone(), Exclusion::NoUsableVariance));
                }
            }
            Entry::OneSided { bound, lower } => {
                let b = match input.scale {
                    Scale::Log if bound > 0.0 => Some(bound.ln()),
                    Scale::Log => None,
                    Scale::Linear => Some(bound),
                };
                match b {
                    Some(b) if b.is_finite() => {
                        bounds.push((b, lower));
                        p.censored.push(r.id.clone());
                    }
                    _ => p
                        .excluded
                        .push(Excluded::new(r.id.clone(), Exclusion::BoundAtZero)),
                }
            }
            _ => p.excluded.push(Excluded::new(
                r.id.clone(),
                Exclusion::NoCentralRangeOrBound,
            )),
        }
    }
    p.used = figures.len() + bounds.len();
    if figures.len() < 2 {
        // A bound that the one figure already keeps would only echo that figure.
        add_note(
            &mut p,
            &format!(
                "no value: rests on {} figure{} and {} bound{}; a censored likelihood needs two figures",
                figures.len(),
                if figures.len() == 1 { "" } else { "s" },
                bounds.len(),
                if bounds.len() == 1 { "" } else { "s" }
            ),
        );
        return p;
    }
    let Some(fit) = censored::fit(&figures, &bounds) else {
        add_note(
            &mut p,
            "no value: the censored likelihood has no finite maximum",
        );
        return p;
    };
    let back = |x: f64| match input.scale {
        Scale::Log => x.exp(),
        Scale::Linear => x,
    };
    p.value = Some(back(fit.mu));
    let z = meta::z_quantile(input.opts.meta.level);
    p.interval = closed(back(fit.mu - z * fit.se), back(fit.mu + z * fit.se));
    let half = (fit.tau2 + fit.se * fit.se).sqrt();
    p.prediction = closed(back(fit.mu - z * half), back(fit.mu + z * half));
    if input.weights {
        let weights: Vec<f64> = figures.iter().map(|(_, v)| 1.0 / (v + fit.tau2)).collect();
        let total: f64 = weights.iter().sum();
        p.weights = figure_ids
            .iter()
            .zip(&weights)
            .map(|(&i, w)| (rows[i].id.clone(), w / total))
            .collect();
    }
    p.heterogeneity = Some(Heterogeneity {
        tau2: fit.tau2,
        tau: fit.tau2.sqrt(),
        q: f64::NAN,
        q_df: figures.len().saturating_sub(1),
        q_p: f64::NAN,
        i2: f64::NAN,
        i2_tau: f64::NAN,
        h2: f64::NAN,
        iterations: fit.evaluations,
        converged: true,
    })
    .map(|mut h| {
        // Q and I² are defined for the figures alone: the uncensored meta-analysis gives them.
        let studies: Vec<meta::Study> = figures
            .iter()
            .map(|&(y, v)| meta::Study::new(y, v))
            .collect();
        if let Ok(ml) = input.ml_fit(&studies) {
            h.q = ml.q;
            h.q_p = ml.q_p;
            h.i2 = ml.i2_q;
            h.h2 = ml.h2;
            h.i2_tau = ml.i2_tau;
        } else {
            (h.q, h.q_p, h.i2, h.h2, h.i2_tau) = (0.0, 1.0, 0.0, 1.0, 0.0);
        }
        h
    });
    p
}
