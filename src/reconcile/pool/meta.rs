//! Fixed- and random-effects meta-analysis of effect sizes `(y_i, v_i)`, usable on its own.
//!
//! # Formulas
//!
//! With `w_i = 1/v_i` and k studies (conventions of R's metafor, Viechtbauer 2010,
//! *J. Stat. Software* 36(3)):
//!
//! - fixed (common) effect: `μ = Σ w_i y_i / Σ w_i`, `SE = 1/√Σ w_i`;
//! - Cochran's `Q = Σ w_i (y_i − μ_FE)²` with `k − 1` df, p-value from χ²;
//! - `I²_Q = max(0, (Q − df)/Q)·100`, `H² = Q/df`;
//! - τ² by **DerSimonian–Laird** (1986): `max(0, (Q − df) / (Σw − Σw²/Σw))`;
//!   **Paule–Mandel** (1982): the τ² ≥ 0 at which the generalised `Q(τ²) = Σ w*_i (y_i − μ*)²`
//!   equals `k − 1` (safeguarded Newton steps on `Q(τ²) − (k − 1)`, whose derivative is
//!   `−Σ w*_i² (y_i − μ*)²`); **REML** and **ML** by Fisher scoring (Viechtbauer 2005,
//!   *J. Educ. Behav. Stat.* 30(3)): REML step `(Σ w*² r² − tr P) / tr(P²)` with
//!   `tr P = Σw* − Σw*²/Σw*` and `tr(P²) = Σw*² − 2Σw*³/Σw* + (Σw*²)²/(Σw*)²`; ML step
//!   `(Σ w*² r² − Σw*) / Σw*²`; started at the DL value, then secant steps on the score
//!   kept inside a bracket of its root (bisection as the fallback), truncated at 0;
//! - random effects: `w*_i = 1/(v_i + τ²)`, `μ = Σ w*_i y_i / Σ w*_i`, `SE = 1/√Σ w*_i`;
//! - Wald CI `μ ± z·SE`; metafor's τ²-based `I² = 100·τ²/(τ² + s²)` with
//!   `s² = (k − 1)·Σw / ((Σw)² − Σw²)`;
//! - prediction interval `μ ± z·√(τ² + SE²)` (metafor's default) and the t-based one with
//!   `k − 2` df (Higgins, Thompson & Spiegelhalter 2009), for k ≥ 3;
//! - Knapp–Hartung: `SE_KH = √(Σ w*_i (y_i − μ)² / ((k − 1) Σ w*_i))`, CI with `t_{k−1}`.
//!
//! # Degenerate input
//!
//! - k = 1: the estimate is `y_1` with `SE = √v_1`; τ² = 0 (not estimable), Q = 0 with
//!   0 df and p = 1, I² = 0, H² = 1; no Knapp–Hartung or t-based prediction interval.
//! - Every variance must be finite and positive ([`Error::Method`] otherwise): a study
//!   with no sampling variance has infinite weight and no meta-analysis to do. (The
//!   claim-level pooling leaves zero-width claims out and says so.)
//! - Q = 0 (identical effects): I² = 0.
//! - Scale: the fit runs on standardised effects (`(y − c)/σ`, variances over `σ² = min v`)
//!   and is transformed back, so extreme but valid inputs (variances from 1e-200 to 1e200,
//!   effects of ±1e300) give the right answer or an [`Error::Method`] — never `Ok` with a
//!   NaN — and the convergence tolerance is relative to the data's own scale. A variance
//!   below the smallest normal `f64` (a subnormal) has a weight that cannot be represented
//!   and is refused.
//!
//! # Cost
//!
//! O(k) for FE and DL; O(k) per iteration for PM, REML and ML, at most
//! [`MetaOptions::max_iterations`] iterations.
//!
//! # Example
//!
//! ```
//! use crosscheck::pool::meta::{meta_analysis, Method, Study};
//!
//! let studies = [Study::new(-0.89, 0.33), Study::new(-1.59, 0.19), Study::new(-0.22, 0.05)];
//! let fit = meta_analysis(&studies, Method::Reml)?;
//! assert!(fit.tau2 >= 0.0);
//! assert!(fit.ci.0 < fit.estimate && fit.estimate < fit.ci.1);
//! Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal, StudentsT};

use crate::error::{Error, Location, Result};

/// One study: effect size `y` and its sampling variance `v`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Study {
    /// The effect size.
    pub y: f64,
    /// Its sampling variance (finite, > 0).
    pub v: f64,
}

impl Study {
    /// A study.
    #[must_use]
    pub fn new(y: f64, v: f64) -> Study {
        Study { y, v }
    }
}

/// The estimator of the between-study variance τ².
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Fixed (common) effect: τ² = 0.
    FixedEffect,
    /// DerSimonian–Laird method of moments.
    #[serde(rename = "dersimonian_laird")]
    DerSimonianLaird,
    /// Paule–Mandel.
    PauleMandel,
    /// Restricted maximum likelihood.
    Reml,
    /// Maximum likelihood.
    Ml,
}

impl Method {
    /// Every method.
    pub const ALL: [Method; 5] = [
        Method::FixedEffect,
        Method::DerSimonianLaird,
        Method::PauleMandel,
        Method::Reml,
        Method::Ml,
    ];

    /// The `snake_case` name used as the report key.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Method::FixedEffect => "fixed_effect",
            Method::DerSimonianLaird => "dersimonian_laird",
            Method::PauleMandel => "paule_mandel",
            Method::Reml => "reml",
            Method::Ml => "ml",
        }
    }
}

named_enum!(
    Method,
    "method",
    "fixed_effect, dersimonian_laird, paule_mandel, reml, ml"
);

/// Options of a meta-analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetaOptions {
    /// Coverage of the confidence and prediction intervals (default 0.95).
    pub level: f64,
    /// Iteration cap for PM, REML and ML (default 100).
    pub max_iterations: usize,
    /// Convergence threshold on the τ² step, relative to max(1, τ²) (default 1e-12).
    pub tolerance: f64,
}

impl Default for MetaOptions {
    fn default() -> Self {
        MetaOptions {
            level: 0.95,
            max_iterations: 100,
            tolerance: 1e-12,
        }
    }
}

impl From<Method> for MetaOptions {
    fn from(_: Method) -> Self {
        MetaOptions::default()
    }
}

/// The result of one meta-analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetaResult {
    /// The method.
    pub method: Method,
    /// Number of studies.
    pub k: usize,
    /// Pooled estimate μ.
    pub estimate: f64,
    /// Its standard error.
    pub se: f64,
    /// Wald confidence interval.
    pub ci: (f64, f64),
    /// Between-study variance τ² (≥ 0).
    pub tau2: f64,
    /// √τ².
    pub tau: f64,
    /// Cochran's Q.
    pub q: f64,
    /// Q's degrees of freedom (k − 1).
    pub q_df: usize,
    /// Q's p-value.
    pub q_p: f64,
    /// I² from Q, in percent.
    pub i2_q: f64,
    /// I² from τ² (metafor's), in percent.
    pub i2_tau: f64,
    /// H² = Q/df.
    pub h2: f64,
    /// Prediction interval, `μ ± z·√(τ² + SE²)`.
    pub pi: (f64, f64),
    /// t-based prediction interval with k − 2 df (k ≥ 3).
    pub pi_t: Option<(f64, f64)>,
    /// Knapp–Hartung standard error (k ≥ 2).
    pub kh_se: Option<f64>,
    /// Knapp–Hartung CI with k − 1 df (k ≥ 2).
    pub kh_ci: Option<(f64, f64)>,
    /// Iterations used (0 for closed forms).
    pub iterations: usize,
    /// Whether the iteration converged (always true for closed forms).
    pub converged: bool,
    /// Each study's share of the total weight `w*_i / Σ w*`.
    pub weights: Vec<f64>,
}

pub(crate) fn z_quantile(level: f64) -> f64 {
    if level == 0.95 {
        return 1.959963984540054;
    }
    // Cannot fail: the standard normal's parameters are constants.
    Normal::new(0.0, 1.0)
        .expect("standard normal")
        .inverse_cdf(1.0 - (1.0 - level) / 2.0)
}

fn t_quantile(level: f64, df: f64) -> f64 {
    let compute = |df: f64| {
        // Cannot fail: df is a count of studies less one or two, taken only when it is at
        // least 1 (k ≥ 2 for Hartung–Knapp, k ≥ 3 for the prediction interval).
        StudentsT::new(0.0, 1.0, df)
            .expect("df > 0")
            .inverse_cdf(1.0 - (1.0 - level) / 2.0)
    };
    // Every fit asks for the 95 % quantile at a small df: compute those once, keep them.
    static T95: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    if level == 0.95 && (1.0..=256.0).contains(&df) && df.fract() == 0.0 {
        let table = T95.get_or_init(|| {
            (0..=256)
                .map(|d| {
                    if d == 0 {
                        f64::NAN
                    } else {
                        compute(f64::from(d))
                    }
                })
                .collect()
        });
        return table[df as usize];
    }
    compute(df)
}

/// Runs a meta-analysis with the default options.
///
/// # Errors
///
/// [`Error::Method`] for no studies, or a variance that is not finite and positive;
/// [`Error::NotFinite`] for a NaN or infinite effect.
pub fn meta_analysis(studies: &[Study], method: Method) -> Result<MetaResult> {
    meta_analysis_with(studies, method, &MetaOptions::default())
}

fn method_error(at: Location, reason: impl Into<String>) -> Error {
    Error::Method {
        at,
        reason: reason.into(),
    }
}

/// What every method's fit shares: the standardisation and the fixed-effect statistics of
/// the standardised studies.
///
/// A fit runs on **standardised** studies: `y' = (y − c)/σ`, `v' = v/σ²` with `σ² = min v`
/// and `c` the midrange of the effects. Every weight `1/(v' + τ'²)` is then at most 1, so the
/// inverse-variance sums cannot overflow, underflow to NaN or lose the small weights to one
/// huge one, and the convergence tolerance is relative to the data's own scale (a fit of
/// data scaled by 10⁻⁵ is the same fit, scaled). Results are transformed back exactly:
/// `μ = c + σ μ'`, `τ² = σ² τ'²`, `SE = σ SE'` ([`solve`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Standardised {
    k: usize,
    sigma: f64,
    sigma2: f64,
    center: f64,
    c: f64,
    q: f64,
    df: usize,
}

/// A method's τ² and estimate on standardised studies (see [`Standardised`]).
pub(crate) struct Solved {
    /// τ'² (standardised) and τ² (original units).
    pub tau2_std: f64,
    pub tau2: f64,
    pub iterations: usize,
    pub converged: bool,
    /// μ and its SE in original units.
    pub estimate: f64,
    pub se: f64,
    /// μ' and Σw'* (standardised).
    pub estimate_std: f64,
    pub sws: f64,
}

/// Validates the studies and the options and writes the standardised studies to `std`
/// (cleared first): the part of a fit that does not depend on the method, so several
/// methods on one set of studies standardise it once (the claim table's DL and REML).
pub(crate) fn standardise(
    studies: &[Study],
    opts: &MetaOptions,
    std: &mut Vec<Study>,
) -> Result<Standardised> {
    let k = studies.len();
    if k == 0 {
        return Err(method_error(
            Location::Unknown,
            "a meta-analysis needs at least one study",
        ));
    }
    if !(opts.level > 0.0 && opts.level < 1.0) {
        return Err(Error::Level {
            at: Location::Unknown,
            level: opts.level,
        });
    }
    for (i, s) in studies.iter().enumerate() {
        if !s.y.is_finite() {
            return Err(Error::NotFinite {
                at: Location::Study(i),
                field: "y",
                value: s.y,
            });
        }
        if !(s.v.is_finite() && s.v > 0.0) {
            return Err(method_error(
                Location::Study(i),
                format!("variance {} must be finite and positive", s.v),
            ));
        }
        if s.v < f64::MIN_POSITIVE {
            return Err(method_error(
                Location::Study(i),
                format!(
                    "variance {:e} is below the smallest normal number: its weight cannot be represented",
                    s.v
                ),
            ));
        }
    }
    let sigma2 = studies.iter().map(|s| s.v).fold(f64::INFINITY, f64::min);
    let sigma = sigma2.sqrt();
    let (y_min, y_max) = studies
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), s| {
            (a.min(s.y), b.max(s.y))
        });
    let center = y_min / 2.0 + y_max / 2.0;
    std.clear();
    std.extend(
        studies
            .iter()
            .map(|s| Study::new((s.y - center) / sigma, s.v / sigma2)),
    );
    if let Some(i) = std.iter().position(|s| !s.y.is_finite()) {
        return Err(method_error(
            Location::Study(i),
            "the effects lie too far apart, relative to the smallest standard error, for their differences to be represented",
        ));
    }
    let (sw, swy) = std.iter().fold((0.0, 0.0), |(a, b), s| {
        let w = 1.0 / s.v;
        (a + w, b + w * s.y)
    });
    let mu_fe = swy / sw;
    let q: f64 = std.iter().map(|s| (s.y - mu_fe).powi(2) / s.v).sum();
    Ok(Standardised {
        k,
        sigma,
        sigma2,
        center,
        c: dl_denominator(std),
        q,
        df: k - 1,
    })
}

/// Fits `method`'s τ² and the estimate on studies [`standardise`]d as `prep` says.
pub(crate) fn solve(
    std: &[Study],
    prep: &Standardised,
    method: Method,
    opts: &MetaOptions,
) -> Result<Solved> {
    let Standardised {
        k,
        sigma,
        sigma2,
        center,
        c,
        q,
        df,
    } = *prep;
    let (tau2_std, iterations, converged) = match method {
        _ if k == 1 => (0.0, 0, true),
        Method::FixedEffect => (0.0, 0, true),
        Method::DerSimonianLaird => (dl(q, df, c), 0, true),
        Method::PauleMandel => paule_mandel(std, dl(q, df, c), opts),
        Method::Reml | Method::Ml => global_likelihood(std, method == Method::Reml, opts),
    };
    let (sws, swsy) = std.iter().fold((0.0, 0.0), |(a, b), s| {
        let w = 1.0 / (s.v + tau2_std);
        (a + w, b + w * s.y)
    });
    let estimate_std = swsy / sws;
    let estimate = center + sigma * estimate_std;
    let se = sigma * (1.0 / sws).sqrt();
    let tau2 = sigma2 * tau2_std;
    if !(estimate.is_finite() && se.is_finite() && tau2.is_finite() && q.is_finite()) {
        return Err(method_error(
            Location::Unknown,
            "the fit is not a finite number at this scale",
        ));
    }
    Ok(Solved {
        tau2_std,
        tau2,
        iterations,
        converged,
        estimate,
        se,
        estimate_std,
        sws,
    })
}

/// Runs a meta-analysis.
///
/// # Errors
///
/// As [`meta_analysis`], and [`Error::Level`] for a level outside (0, 1); [`Error::Method`]
/// when a figure of the result would not be finite (never `Ok` with a NaN).
pub fn meta_analysis_with(
    studies: &[Study],
    method: Method,
    opts: &MetaOptions,
) -> Result<MetaResult> {
    let mut std = Vec::new();
    let prep = standardise(studies, opts, &mut std)?;
    let Solved {
        tau2_std,
        tau2,
        iterations,
        converged,
        estimate,
        se,
        estimate_std,
        sws,
    } = solve(&std, &prep, method, opts)?;
    let Standardised {
        k, sigma, c, q, df, ..
    } = prep;
    let z = z_quantile(opts.level);
    let ci = (estimate - z * se, estimate + z * se);
    let pi_half = sigma * (tau2_std + 1.0 / sws).sqrt();
    let pi = (estimate - z * pi_half, estimate + z * pi_half);
    let q_p = if df == 0 {
        1.0
    } else {
        ChiSquared::new(df as f64)
            .map_err(|e| method_error(Location::Unknown, e.to_string()))?
            .sf(q)
    };
    let i2_q = if q > 0.0 {
        ((q - df as f64) / q).max(0.0) * 100.0
    } else {
        0.0
    };
    let h2 = if df == 0 { 1.0 } else { q / df as f64 };
    // s² = (k − 1)·Σw / ((Σw)² − Σw²) = (k − 1)/c, in standardised units.
    let s2 = if k > 1 && c > 0.0 {
        df as f64 / c
    } else {
        f64::INFINITY
    };
    let i2_tau = if tau2_std > 0.0 && s2.is_finite() {
        100.0 * tau2_std / (tau2_std + s2)
    } else {
        0.0
    };
    let (kh_se, kh_ci) = if k >= 2 {
        let qkh: f64 = std
            .iter()
            .map(|s| (s.y - estimate_std).powi(2) / (s.v + tau2_std))
            .sum::<f64>()
            / df as f64;
        let kh_se = sigma * (qkh / sws).sqrt();
        let t = t_quantile(opts.level, df as f64);
        (
            Some(kh_se),
            Some((estimate - t * kh_se, estimate + t * kh_se)),
        )
    } else {
        (None, None)
    };
    let pi_t = (k >= 3).then(|| {
        let t = t_quantile(opts.level, (k - 2) as f64);
        (estimate - t * pi_half, estimate + t * pi_half)
    });
    let weights = std.iter().map(|s| 1.0 / (s.v + tau2_std) / sws).collect();
    let figures = [ci.0, ci.1, pi.0, pi.1, q_p, i2_q, i2_tau, h2];
    if figures.iter().any(|x| !x.is_finite())
        || kh_ci.is_some_and(|(a, b)| !(a.is_finite() && b.is_finite()))
        || pi_t.is_some_and(|(a, b)| !(a.is_finite() && b.is_finite()))
    {
        return Err(method_error(
            Location::Unknown,
            "an interval of the fit is not a finite number at this scale",
        ));
    }
    Ok(MetaResult {
        method,
        k,
        estimate,
        se,
        ci,
        tau2,
        tau: tau2.sqrt(),
        q,
        q_df: df,
        q_p,
        i2_q,
        i2_tau,
        h2,
        pi,
        pi_t,
        kh_se,
        kh_ci,
        iterations,
        converged,
        weights,
    })
}

/// `Σw − Σw²/Σw`, computed as `2 Σ_{i<j} w_i w_j / Σw`: a sum of positive terms, so no
/// digits cancel when one weight dominates (the direct form subtracts two nearly equal
/// numbers).
fn dl_denominator(studies: &[Study]) -> f64 {
    let (mut prefix, mut pairs) = (0.0, 0.0);
    for s in studies {
        let w = 1.0 / s.v;
        pairs += w * prefix;
        prefix += w;
    }
    2.0 * pairs / prefix
}

fn dl(q: f64, df: usize, c: f64) -> f64 {
    if c > 0.0 {
        ((q - df as f64) / c).max(0.0)
    } else {
        0.0
    }
}

/// Generalised Q(τ²) − (k − 1) and its derivative.
fn pm_g(studies: &[Study], tau2: f64) -> (f64, f64) {
    let (sw, swy) = studies.iter().fold((0.0, 0.0), |(a, b), s| {
        let w = 1.0 / (s.v + tau2);
        (a + w, b + w * s.y)
    });
    let mu = swy / sw;
    let (g, d) = studies.iter().fold((0.0, 0.0), |(g, d), s| {
        let w = 1.0 / (s.v + tau2);
        let r2 = (s.y - mu).powi(2);
        (g + w * r2, d + w * w * r2)
    });
    (g - (studies.len() - 1) as f64, -d)
}

fn paule_mandel(studies: &[Study], start: f64, opts: &MetaOptions) -> (f64, usize, bool) {
    if pm_g(studies, 0.0).0 <= 0.0 {
        return (0.0, 0, true);
    }
    // Bracket the root: g decreases in τ² from g(0) > 0 towards −(k − 1).
    let (mut lo, mut hi) = (0.0, start.max(1e-8));
    let mut guard = 0;
    while pm_g(studies, hi).0 > 0.0 && guard < 200 {
        lo = hi;
        hi *= 4.0;
        guard += 1;
    }
    let mut tau2 = start.clamp(lo, hi);
    for it in 1..=opts.max_iterations.max(1) * 4 {
        let (g, d) = pm_g(studies, tau2);
        if g > 0.0 {
            lo = tau2;
        } else {
            hi = tau2;
        }
        let newton = if d < 0.0 { tau2 - g / d } else { f64::NAN };
        let next = if newton.is_finite() && newton > lo && newton < hi {
            newton
        } else {
            lo + (hi - lo) / 2.0
        };
        let step = (next - tau2).abs();
        tau2 = next;
        if step <= opts.tolerance * tau2.max(1.0) || hi - lo <= opts.tolerance * hi.max(1.0) {
            return (tau2, it, true);
        }
    }
    (tau2, opts.max_iterations * 4, false)
}

/// Hands `each` every study in order with its quotient `num(s) / den(s)`, the divisions
/// two studies at a time side by side, where the compiler makes them one SIMD division:
/// the fits wait mostly on their divisions (one or two a study, k studies, many times a
/// fit). Each quotient is the same division as one at a time, so the same bits.
#[inline(always)]
fn quotients(
    studies: &[Study],
    num: impl Fn(&Study) -> f64,
    den: impl Fn(&Study) -> f64,
    mut each: impl FnMut(&Study, f64),
) {
    let pairs = studies.chunks_exact(2);
    let rest = pairs.remainder();
    for p in pairs {
        let n = [num(&p[0]), num(&p[1])];
        let d = [den(&p[0]), den(&p[1])];
        let q = [n[0] / d[0], n[1] / d[1]];
        each(&p[0], q[0]);
        each(&p[1], q[1]);
    }
    for s in rest {
        each(s, num(s) / den(s));
    }
}

/// The REML (or ML) score in τ² and its Fisher information.
fn score(studies: &[Study], tau2: f64, reml: bool) -> (f64, f64) {
    let (mut sw, mut sw2, mut sw3, mut swy) = (0.0, 0.0, 0.0, 0.0);
    quotients(
        studies,
        |_| 1.0,
        |s| s.v + tau2,
        |s, w| {
            sw += w;
            sw2 += w * w;
            sw3 += w * w * w;
            swy += w * s.y;
        },
    );
    let mu = swy / sw;
    // Each term ≥ +0, so starting the sum from +0 (not `sum`'s −0) changes no bit.
    let mut sw2r2 = 0.0;
    quotients(studies, |s| s.y - mu, |s| s.v + tau2, |_, d| sw2r2 += d * d);
    if reml {
        let tr_p = sw - sw2 / sw;
        let tr_pp = sw2 - 2.0 * sw3 / sw + sw2 * sw2 / (sw * sw);
        (sw2r2 - tr_p, tr_pp)
    } else {
        (sw2r2 - sw, sw2)
    }
}

/// The log-likelihood (ML) or restricted log-likelihood (REML) of τ² on standardised
/// studies, constants dropped (Viechtbauer 2005, eqs. 5 and 6):
/// `ℓ = −½ Σ ln(v_i + τ²) − ½ Σ (y_i − μ̂)²/(v_i + τ²)`, REML adding `−½ ln Σ 1/(v_i + τ²)`.
fn log_likelihood(studies: &[Study], tau2: f64, reml: bool) -> f64 {
    // One division a study: the weights are kept (on the stack for up to 32 studies) for
    // the second pass.
    let mut kept = [0.0f64; 32];
    let keep = studies.len() <= kept.len();
    let (mut sw, mut swy) = (0.0, 0.0);
    let mut sln = LnSum::default();
    for (i, s) in studies.iter().enumerate() {
        let t = s.v + tau2;
        let w = 1.0 / t;
        if keep {
            kept[i] = w;
        }
        sw += w;
        swy += s.y * w;
        sln.add(t);
    }
    let sln = sln.total();
    let mu = swy / sw;
    let rss: f64 = studies
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let w = if keep { kept[i] } else { 1.0 / (s.v + tau2) };
            (s.y - mu) * (s.y - mu) * w
        })
        .sum();
    let ll = -0.5 * sln - 0.5 * rss;
    if reml { ll - 0.5 * sw.ln() } else { ll }
}

/// [`log_likelihood`] at every grid point, eight points at a time (see [`lanes`]). When
/// some vᵢ + τ² would leave [`LnSum`]'s range of plain products, each point is evaluated
/// alone instead.
fn scan<const N: usize>(studies: &[Study], grid: &[f64; N], reml: bool) -> [f64; N] {
    if !plain_range(studies, grid) {
        return grid.map(|t| log_likelihood(studies, t, reml));
    }
    let mut out = [0.0; N];
    let mut kept = Kept::<8>::new(studies.len());
    for (block, values) in grid.chunks(8).zip(out.chunks_mut(8)) {
        let lanes = lanes(studies, kept.get(), block, reml);
        values.copy_from_slice(&lanes.value[..block.len()]);
    }
    out
}

/// Whether every vᵢ + τ² at the grid's points lies in [`LnSum`]'s range of plain products
/// (2^±100), so [`lanes`] may multiply them without a range test.
fn plain_range(studies: &[Study], grid: &[f64]) -> bool {
    let top = grid.iter().copied().fold(0.0f64, f64::max);
    grid.iter().all(|t| *t >= 0.0) && plain_up_to(studies, top)
}

/// Whether every vᵢ + τ² for 0 ≤ τ² ≤ `top` lies in [`LnSum`]'s range of plain products.
fn plain_up_to(studies: &[Study], top: f64) -> bool {
    studies
        .iter()
        .all(|s| s.v >= LnSum::LOW && s.v + top <= LnSum::HIGH)
}

/// Each study's weights at a block's points: on the stack for up to 32 studies.
struct Kept<const L: usize> {
    stack: [[f64; L]; 32],
    heap: Vec<[f64; L]>,
    k: usize,
}

impl<const L: usize> Kept<L> {
    fn new(k: usize) -> Kept<L> {
        Kept {
            stack: [[0.0; L]; 32],
            heap: if k > 32 {
                vec![[0.0; L]; k]
            } else {
                Vec::new()
            },
            k,
        }
    }

    fn get(&mut self) -> &mut [[f64; L]] {
        if self.k <= 32 {
            &mut self.stack[..self.k]
        } else {
            &mut self.heap
        }
    }
}

/// The (restricted) log-likelihood at up to `L` points, one a lane, with the parts it is
/// made of: Σ ln(vᵢ + τ²), the weighted residual sum of squares, Σ 1/(vᵢ + τ²) and (REML
/// only, else 0) its logarithm.
struct Lanes<const L: usize> {
    value: [f64; L],
    sln: [f64; L],
    rss: [f64; L],
    sw: [f64; L],
    lsw: [f64; L],
}

impl<const L: usize> Lanes<L> {
    /// The first `out.len()` lanes as grid points (see [`pruned_grid`]) of k studies whose
    /// largest squared effect is `ymax2`.
    fn fill(&self, out: &mut [GridPoint], k: usize, ymax2: f64) {
        for (j, p) in out.iter_mut().enumerate().take(L) {
            *p = GridPoint {
                value: self.value[j],
                sln: self.sln[j],
                // Every |ln(vᵢ + τ²)| ≤ 70 in the plain range.
                scale: 70.0 * k as f64
                    + self.sln[j].abs()
                    + self.rss[j]
                    + self.lsw[j].abs()
                    + self.sw[j] * ymax2
                    + 1.0,
            };
        }
    }
}

/// [`log_likelihood`] at up to `L` points (`points`, the last repeated to fill the lanes),
/// every term in the range of [`plain_range`]: each point's arithmetic is that of
/// [`log_likelihood`], in the same order (so the same bits, as a test checks), with the
/// points' divisions and products side by side where the compiler can run them in SIMD
/// lanes. `kept` holds a row a study.
#[inline(always)]
fn lanes<const L: usize>(
    studies: &[Study],
    kept: &mut [[f64; L]],
    points: &[f64],
    reml: bool,
) -> Lanes<L> {
    let mut t2 = [points[points.len() - 1]; L];
    t2[..points.len()].copy_from_slice(points);
    let (mut sw, mut swy) = ([0.0f64; L], [0.0f64; L]);
    // `LnSum` without its range test (every term is in range): the products, their
    // exponents taken out every 8 terms.
    let (mut product, mut exponent) = ([1.0f64; L], [0i64; L]);
    let mut pending = 0;
    for (s, kept) in studies.iter().zip(kept.iter_mut()) {
        // Lane by lane, each step over all lanes before the next, on local copies: the
        // form in which the compiler packs the lanes' divisions and products into SIMD
        // instructions (the fused loop divided one lane at a time).
        let (v, y) = (s.v, s.y);
        let t: [f64; L] = std::array::from_fn(|k| v + t2[k]);
        let w: [f64; L] = std::array::from_fn(|k| 1.0 / t[k]);
        *kept = w;
        for k in 0..L {
            sw[k] += w[k];
        }
        for k in 0..L {
            swy[k] += y * w[k];
        }
        for k in 0..L {
            product[k] *= t[k];
        }
        pending += 1;
        if pending == 8 {
            for k in 0..L {
                (product[k], exponent[k]) = LnSum::split(product[k], exponent[k]);
            }
            pending = 0;
        }
    }
    let mut out = Lanes {
        value: [0.0; L],
        sln: [0.0; L],
        rss: [0.0; L],
        sw,
        lsw: [0.0; L],
    };
    let mu: [f64; L] = std::array::from_fn(|k| swy[k] / sw[k]);
    // Each lane's weighted residual sum, study by study across the lanes: the same terms
    // added in the same order as `log_likelihood`'s (every term is ≥ +0, so starting from
    // +0 rather than `sum`'s −0 changes no bit).
    let mut rss = [0.0f64; L];
    for (s, w) in studies.iter().zip(kept.iter()) {
        let y = s.y;
        for k in 0..L {
            rss[k] += (y - mu[k]) * (y - mu[k]) * w[k];
        }
    }
    for k in 0..L {
        // As `LnSum::total`, whose other terms' sum is 0 here.
        let sln = product[k].ln() + exponent[k] as f64 * std::f64::consts::LN_2 + 0.0;
        let rss = rss[k];
        let ll = -0.5 * sln - 0.5 * rss;
        out.value[k] = if reml {
            out.lsw[k] = sw[k].ln();
            ll - 0.5 * out.lsw[k]
        } else {
            ll
        };
        out.sln[k] = sln;
        out.rss[k] = rss;
    }
    out
}

/// [`scan`], skipping the grid points that provably cannot be its maximum (see
/// [`pruned_grid`]): every point it evaluates has [`scan`]'s bits and the others are
/// `−∞`, so the first (and the last) point of highest value is [`scan`]'s, as a test
/// checks.
fn scan_pruned<const N: usize>(studies: &[Study], grid: &[f64; N], reml: bool) -> [f64; N] {
    let k = studies.len();
    // The grid's top is its last point when it increases, which `pruned_grid` checks
    // before evaluating any point.
    if !grid.last().is_some_and(|&top| plain_up_to(studies, top)) {
        return scan(studies, grid, reml);
    }
    let ymax2 = studies.iter().fold(0.0f64, |m, s| m.max(s.y * s.y));
    // Lanes of 2, 4 and 8 points (a call costs its lanes, however many are used).
    // Each made at its first use (a fit on the benchmark workload starts with 4 points and
    // mostly goes on with 2: zeroing 2 KB for lanes of 8 it rarely needs cost more than
    // its use).
    let mut kept8: Option<Kept<8>> = None;
    let mut kept4: Option<Kept<4>> = None;
    let mut kept2: Option<Kept<2>> = None;
    let pruned = pruned_grid(grid, k, |points, out| match points.len() {
        0..=2 => {
            let kept = kept2.get_or_insert_with(|| Kept::new(k));
            lanes(studies, kept.get(), points, reml).fill(out, k, ymax2);
        }
        3..=4 => {
            let kept = kept4.get_or_insert_with(|| Kept::new(k));
            lanes(studies, kept.get(), points, reml).fill(out, k, ymax2);
        }
        _ => {
            let kept = kept8.get_or_insert_with(|| Kept::new(k));
            lanes(studies, kept.get(), points, reml).fill(out, k, ymax2);
        }
    });
    pruned.unwrap_or_else(|| scan(studies, grid, reml))
}

/// A point of a likelihood grid: the value, Σ ln(vᵢ + τ²) (to rounding) and a bound on
/// the magnitude of the terms behind both, which sets the rounding margin.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct GridPoint {
    pub value: f64,
    pub sln: f64,
    pub scale: f64,
}

/// The values of a (restricted or profile) log-likelihood of k studies on an increasing
/// grid of τ² ≥ 0, evaluated only where the maximum may lie, the other points `−∞`; `None`
/// when it cannot decide (a figure is not finite), and the caller evaluates every point.
/// `eval(points, out)` fills `out[j]` for `points[j]`, up to eight points a call.
///
/// The likelihood must be ℓ(τ²) = −½ Σ ln(vᵢ + τ²) − ½ R(τ²) [− ½ ln Σ 1/(vᵢ + τ²)], with
/// R the smallest over μ of Σ (yᵢ − μ)²/(vᵢ + τ²) (REML's, ML's, and the censored fit's
/// without bounds). Then between two points a < b every τ² has
/// ℓ(τ²) ≤ ℓ(b) + ½ (Σ ln(vᵢ + b) − Σ ln(vᵢ + a)): −½ Σ ln(vᵢ + τ²) falls as τ² grows, and
/// R and Σ 1/(vᵢ + τ²) are at least their values at b (every term of the sums falls as τ²
/// grows). Four points spread over the grid (its ends and two between) are evaluated
/// first. A cell between two evaluated points whose bound lies below the best value found
/// by more than a margin covering the rounding of every figure involved (2¹¹ units in the
/// last place of the largest scale met, times k + 4) holds no point that could reach or
/// tie that value; every other cell is split at its middle point (a cell of one point is
/// evaluated), a round's middle points evaluated together, until no cell is left: a
/// bisection towards the cells that may hold the maximum, whose bounds tighten as the
/// cells shrink. Near a flat maximum (at τ² = 0, the small grid points within rounding of
/// each other) nothing is skipped, so even a maximum that rounding decides is the full
/// grid's. On the benchmark workload a REML fit evaluates 15.6 of the 49 points on average
/// (about 22 when every point of a cell not ruled out was evaluated).
pub(crate) fn pruned_grid<const N: usize>(
    grid: &[f64; N],
    k: usize,
    mut eval: impl FnMut(&[f64], &mut [GridPoint]),
) -> Option<[f64; N]> {
    const COARSE: usize = 4;
    // Up to 24 disjoint open cells on a grid of up to 50 points (`cells` below).
    if N <= COARSE || N > 50 || k > 1 << 20 {
        return None;
    }
    if !(grid[0] >= 0.0 && grid.windows(2).all(|w| w[0] < w[1])) {
        return None;
    }
    let coarse: [usize; COARSE] = std::array::from_fn(|i| i * (N - 1) / (COARSE - 1));
    let mut first = [GridPoint::default(); COARSE];
    eval(&coarse.map(|i| grid[i]), &mut first);
    let finite = |p: &GridPoint| p.value.is_finite() && p.sln.is_finite();
    if !first.iter().all(finite) {
        return None;
    }
    let mut out = [f64::NEG_INFINITY; N];
    // Σ ln(vᵢ + τ²) at the points evaluated (NaN elsewhere: never read).
    let mut sln = [f64::NAN; N];
    let (mut best, mut scale) = (f64::NEG_INFINITY, 0.0f64);
    for (p, &i) in first.iter().zip(&coarse) {
        (out[i], sln[i]) = (p.value, p.sln);
        best = best.max(p.value);
        scale = scale.max(p.scale);
    }
    // The cells still open: two evaluated grid points with points not evaluated between
    // them (disjoint, so at most 24 on a grid of at most 50 points, checked above).
    let mut cells = [(0u8, 0u8); 25];
    let mut open = 0;
    for w in coarse.windows(2) {
        if w[1] - w[0] > 1 {
            cells[open] = (w[0] as u8, w[1] as u8);
            open += 1;
        }
    }
    let mut points = [0usize; 8];
    let mut got = [GridPoint::default(); 8];
    loop {
        let margin = 2048.0 * f64::EPSILON * (k as f64 + 4.0) * scale;
        if !margin.is_finite() {
            return None;
        }
        // Drop the cells whose bound lies provably below the best value found (a NaN
        // bound is kept), and take points from the rest: every point of a cell of up to
        // three, the middle point of a larger one (which splits it in two, each with a
        // bound of its own), up to eight points a round.
        let mut next = [(0u8, 0u8); 25];
        let (mut kept, mut taken) = (0, 0);
        for &(a, b) in &cells[..open] {
            let (a, b) = (usize::from(a), usize::from(b));
            let bound = out[b] + 0.5 * (sln[b] - sln[a]);
            if bound + margin < best {
                continue;
            }
            let inner = b - a - 1;
            let room = points.len() - taken;
            if inner <= 1 && inner <= room {
                for i in a + 1..b {
                    points[taken] = i;
                    taken += 1;
                }
            } else if inner > 1 && room > 0 {
                let m = a + (b - a) / 2;
                points[taken] = m;
                taken += 1;
                // The halves, each open while a point lies between its ends.
                for (x, y) in [(a, m), (m, b)] {
                    if y - x > 1 {
                        next[kept] = (x as u8, y as u8);
                        kept += 1;
                    }
                }
            } else {
                next[kept] = (a as u8, b as u8);
                kept += 1;
            }
        }
        if taken == 0 {
            break;
        }
        let pts = &points[..taken];
        let mut at = [0.0; 8];
        for (x, &i) in at.iter_mut().zip(pts) {
            *x = grid[i];
        }
        eval(&at[..taken], &mut got[..taken]);
        for (p, &i) in got[..taken].iter().zip(pts) {
            if !finite(p) {
                return None;
            }
            (out[i], sln[i]) = (p.value, p.sln);
            best = best.max(p.value);
            scale = scale.max(p.scale);
        }
        (cells, open) = (next, kept);
    }
    Some(out)
}

/// Σ ln tᵢ of positive numbers as the logarithm of their product, kept as a mantissa and
/// a binary exponent, so a sum of k logarithms costs one `ln` and k multiplications (the
/// likelihood scan below evaluates it about 50 times per fit, and the logarithms were a
/// fifth of the claim table's reconcile time). Terms within 2^±100 are multiplied in, and
/// the product's exponent is taken out every 8 terms, so it stays within 2^±801 (normal);
/// any other term adds its own logarithm. The product's rounding error, k half-ulps, is
/// that of the sum it replaces.
pub(crate) struct LnSum {
    product: f64,
    exponent: i64,
    pending: u32,
    rest: f64,
}

impl Default for LnSum {
    fn default() -> LnSum {
        LnSum {
            product: 1.0,
            exponent: 0,
            pending: 0,
            rest: 0.0,
        }
    }
}

impl LnSum {
    const LOW: f64 = 7.888_609_052_210_118e-31; // 2⁻¹⁰⁰
    const HIGH: f64 = 1.267_650_600_228_229_4e30; // 2¹⁰⁰

    #[inline]
    pub(crate) fn add(&mut self, t: f64) {
        if (Self::LOW..=Self::HIGH).contains(&t) {
            self.product *= t;
            self.pending += 1;
            if self.pending == 8 {
                self.renormalise();
            }
        } else {
            self.rest += t.ln();
        }
    }

    /// Moves the product's binary exponent to `exponent`, leaving a mantissa in [1, 2).
    #[inline]
    fn renormalise(&mut self) {
        (self.product, self.exponent) = LnSum::split(self.product, self.exponent);
        self.pending = 0;
    }

    /// A normal product's mantissa in [1, 2), and `exponent` plus its binary exponent.
    #[inline]
    fn split(product: f64, exponent: i64) -> (f64, i64) {
        let bits = product.to_bits();
        (
            f64::from_bits((bits & !(0x7ff << 52)) | (1023 << 52)),
            exponent + ((bits >> 52) & 0x7ff) as i64 - 1023,
        )
    }

    pub(crate) fn total(&self) -> f64 {
        self.product.ln() + self.exponent as f64 * std::f64::consts::LN_2 + self.rest
    }
}

/// τ² at the **global** maximum of the (restricted) likelihood over τ² ≥ 0, boundary
/// included. The score can have several roots, and the one a local iteration reaches from
/// the DerSimonian–Laird start need not be the highest (`y = [0, 10]`, `v = [1, 1e-4]`: ML
/// τ² 24.49, not 0). So the likelihood is first scanned on a grid (τ² = 0 and 48 points
/// spaced by a factor of 2 down from an upper bound past which it only falls:
/// `10 · (range of y² + max v)` on the standardised scale), then the best grid cell is
/// refined by the safeguarded secant/Fisher iteration on the score inside that bracket, and
/// the result is compared with τ² = 0. The grid's cells that provably cannot hold its
/// maximum are skipped ([`pruned_grid`]: the same maximum as the whole grid). Cost: O(k)
/// per evaluation, at most 49 + ~10 evaluations (about 16 of the grid's 49 on the
/// benchmark workload).
fn global_likelihood(studies: &[Study], reml: bool, opts: &MetaOptions) -> (f64, usize, bool) {
    let (y_min, y_max, v_max) = studies.iter().fold(
        (f64::INFINITY, f64::NEG_INFINITY, 0.0f64),
        |(a, b, c), s| (a.min(s.y), b.max(s.y), c.max(s.v)),
    );
    let upper = 10.0 * ((y_max - y_min).powi(2) + v_max);
    let grid = halvings(upper);
    let values = scan_pruned(studies, &grid, reml);
    // The first point of highest value (in `total_cmp`'s order).
    let mut best = 0;
    for (i, v) in values.iter().enumerate().skip(1) {
        if v.total_cmp(&values[best]).is_gt() {
            best = i;
        }
    }
    let lo = grid[best.saturating_sub(1)];
    let hi = grid[(best + 1).min(grid.len() - 1)];
    // The score at the bracket's low end decides only at τ² = 0 (a maximum on the
    // boundary); elsewhere it is not computed.
    let (tau2, iterations, converged) = if lo == 0.0 && score(studies, lo, reml).0 <= 0.0 {
        (0.0, 1, true)
    } else {
        fisher_scoring(studies, lo, hi, reml, opts)
    };
    // The boundary, the refined optimum and the best grid point: keep the highest.
    let mut candidates = [(0.0, values[0]), (grid[best], values[best]), (tau2, 0.0)];
    candidates[2].1 = log_likelihood(studies, tau2, reml);
    let (tau2, _) = candidates
        .iter()
        .copied()
        .fold(
            (0.0, f64::NEG_INFINITY),
            |acc, c| if c.1 > acc.1 { c } else { acc },
        );
    (tau2, iterations, converged)
}

/// τ² = 0 and `upper` · 2⁻ᵏ for k = 47 … 0, each point one multiplication by an exact
/// power of two (the censored fit's grid, and REML/ML's for `upper` ≥ 2⁻⁹⁷⁰: see
/// [`halvings`]).
pub(crate) fn powers_of_two_grid(upper: f64) -> [f64; 49] {
    const SCALE: [f64; 48] = {
        let mut s = [0.0; 48];
        let mut i = 0;
        while i < 48 {
            // 2^(i − 47): exact, as every power of two in range is.
            s[i] = 1.0 / (1u64 << (47 - i)) as f64;
            i += 1;
        }
        s
    };
    let mut grid = [0.0; 49];
    for (g, s) in grid[1..].iter_mut().zip(SCALE) {
        *g = upper * s;
    }
    grid
}

/// τ² = 0 and `upper` halved 47 times in turn: [`powers_of_two_grid`] while the products
/// are normal (then the same points, exactly, without the chain of 47 dependent
/// multiplications the halvings took); below 2⁻⁹⁷⁰, where the products may round, by the
/// halvings themselves.
fn halvings(upper: f64) -> [f64; 49] {
    if upper >= f64::MIN_POSITIVE * (1u64 << 52) as f64 || upper.is_nan() {
        return powers_of_two_grid(upper);
    }
    let mut grid = [0.0; 49];
    let mut x = upper;
    for g in grid[1..].iter_mut().rev() {
        *g = x;
        x *= 0.5;
    }
    grid
}

/// Fisher scoring, safeguarded: the root of the score is kept in a bracket [lo, hi] (score
/// positive below, negative above), and a step that leaves it is replaced by bisection, so
/// the iteration converges in a bounded number of steps.
fn fisher_scoring(
    studies: &[Study],
    lo: f64,
    hi: f64,
    reml: bool,
    opts: &MetaOptions,
) -> (f64, usize, bool) {
    let (mut lo, mut hi) = (lo, hi.max(lo));
    let mut tau2 = lo + (hi - lo) / 2.0;
    let mut prev: Option<(f64, f64)> = None;
    for it in 1..=opts.max_iterations {
        let (f, info) = score(studies, tau2, reml);
        if f > 0.0 {
            lo = tau2;
        } else {
            hi = tau2;
        }
        // A secant step on the score once two points are known (superlinear), a Fisher
        // scoring step before; bisection when a step would leave the bracket.
        let slope = match prev {
            Some((t0, f0)) if t0 != tau2 && f0 != f => (f - f0) / (tau2 - t0),
            _ => -info,
        };
        let stepped = if slope < 0.0 {
            tau2 - f / slope
        } else {
            f64::NAN
        };
        let next = if stepped.is_finite() && stepped > lo && stepped < hi {
            stepped
        } else {
            lo + (hi - lo) / 2.0
        };
        prev = Some((tau2, f));
        let moved = (next - tau2).abs();
        tau2 = next;
        if moved <= opts.tolerance * tau2.max(1.0) || hi - lo <= opts.tolerance * hi.max(1.0) {
            return (tau2, it, true);
        }
    }
    (tau2, opts.max_iterations, false)
}

/// Test support: holds a pruned grid to the full one (the same bits where evaluated, a
/// skipped point below the full grid's maximum at `best`), and says how many it skipped.
#[cfg(test)]
pub(crate) fn skipped_below(
    full: &[f64; 49],
    pruned: &[f64; 49],
    best: usize,
    case: usize,
) -> usize {
    let mut skipped = 0;
    for i in 0..49 {
        if pruned[i] == f64::NEG_INFINITY {
            assert!(full[i] < full[best], "case {case}: point {i}");
            skipped += 1;
        } else {
            assert_eq!(
                pruned[i].to_bits(),
                full[i].to_bits(),
                "case {case}: point {i}"
            );
        }
    }
    skipped
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pruned scan finds the full scan's maximum: the same bits at every point it
    /// evaluates, a point it skips is below the maximum (so never the first point of
    /// highest value), on the grids `global_likelihood` builds from the studies: spread and
    /// homogeneous effects (where the maximum is flat at τ² = 0 and rounding picks the
    /// argmax among the small grid points), one very precise study (two local maxima),
    /// variances over twelve orders of magnitude, and up to 40 studies.
    #[test]
    fn the_pruned_scan_keeps_the_full_scans_maximum() {
        let mut rng = crate::testing::XorShift::new(0x9e37_79b9_7f4a_7c15);
        let mut next = || rng.unit();
        let (mut skipped, mut points) = (0usize, 0usize);
        for case in 0..6000 {
            let k = 2 + case % 39;
            let spread = match case % 4 {
                0 => 1e-9,
                1 => 0.1,
                2 => 3.0,
                _ => 300.0,
            };
            let mut studies: Vec<Study> = (0..k)
                .map(|_| {
                    let v = 10f64.powf(12.0 * next() - 6.0);
                    Study::new(spread * (2.0 * next() - 1.0), v)
                })
                .collect();
            if case % 7 == 3 {
                studies[0] = Study::new(10.0 * spread, 1e-4);
                studies[1].y = 0.0;
            }
            if case % 11 == 5 {
                let y = studies[0].y;
                studies.iter_mut().for_each(|s| s.y = y + 1e-12 * s.y);
            }
            let (y_min, y_max, v_max) = studies.iter().fold(
                (f64::INFINITY, f64::NEG_INFINITY, 0.0f64),
                |(a, b, c), s| (a.min(s.y), b.max(s.y), c.max(s.v)),
            );
            let mut grid = [0.0; 49];
            let mut x = 10.0 * ((y_max - y_min).powi(2) + v_max);
            for g in grid[1..].iter_mut().rev() {
                *g = x;
                x *= 0.5;
            }
            for reml in [false, true] {
                let full = scan(&studies, &grid, reml);
                let pruned = scan_pruned(&studies, &grid, reml);
                let first_max = |v: &[f64; 49]| {
                    (0..49)
                        .max_by(|&a, &b| v[a].total_cmp(&v[b]).then(b.cmp(&a)))
                        .unwrap_or(0)
                };
                let best = first_max(&full);
                assert_eq!(first_max(&pruned), best, "case {case}, reml {reml}");
                skipped += skipped_below(&full, &pruned, best, case);
                points += 49;
            }
        }
        // The pruning does skip points (about half of them here).
        assert!(skipped * 4 > points, "{skipped} of {points} skipped");
    }

    /// The block scan gives `log_likelihood`'s bits at every grid point, through the
    /// lanes and through the fallback (a variance past LnSum's plain range), for up to
    /// 40 studies (past the 32 whose weights `log_likelihood` keeps on its stack).
    #[test]
    fn the_scan_is_log_likelihood_point_by_point() {
        let mut rng = crate::testing::XorShift::new(0x2545_f491_4f6c_dd1d);
        let mut next = || rng.unit();
        for case in 0..400 {
            let k = 1 + case % 40;
            let mut studies: Vec<Study> = (0..k)
                .map(|_| Study::new(20.0 * next() - 10.0, 1.0 + 1e3 * next().powi(4)))
                .collect();
            if case % 50 == 7 {
                studies[0].v = 1e31;
            }
            let mut grid = [0.0; 49];
            let mut x = 1e3 * next() + 1e-3;
            for g in grid[1..].iter_mut().rev() {
                *g = x;
                x *= 0.5;
            }
            for reml in [false, true] {
                let lanes = scan(&studies, &grid, reml);
                for (t, v) in grid.iter().zip(lanes) {
                    let one = log_likelihood(&studies, *t, reml);
                    assert_eq!(
                        v.to_bits(),
                        one.to_bits(),
                        "case {case}, τ² {t}: {v} vs {one}"
                    );
                }
            }
        }
    }

    /// The grid's points by one multiplication each are those of the halvings in turn,
    /// bit for bit: for uppers of every binary exponent (random mantissas), at and around
    /// the switch to halvings (2⁻⁹⁷⁰), subnormal, zero, the largest, infinite and NaN.
    #[test]
    fn the_grid_by_powers_of_two_is_the_grid_by_halvings() {
        let halved = |upper: f64| {
            let mut grid = [0.0; 49];
            let mut x = upper;
            for g in grid[1..].iter_mut().rev() {
                *g = x;
                x *= 0.5;
            }
            grid
        };
        let mut rng = crate::testing::XorShift::new(0x6a09_e667_f3bc_c908);
        let switch = f64::MIN_POSITIVE * (1u64 << 52) as f64;
        let mut uppers = vec![
            0.0,
            f64::MIN_POSITIVE,
            5e-324,
            switch,
            f64::from_bits(switch.to_bits() - 1),
            f64::from_bits(switch.to_bits() + 1),
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
            10.0,
        ];
        for exponent in 0..2047u64 {
            for _ in 0..4 {
                let mantissa = rng.next_u64() >> 12;
                uppers.push(f64::from_bits(exponent << 52 | mantissa));
            }
        }
        for upper in uppers {
            let (a, b) = (halvings(upper), halved(upper));
            for (i, (x, y)) in a.iter().zip(&b).enumerate() {
                assert_eq!(
                    x.to_bits(),
                    y.to_bits(),
                    "upper {upper:e}, point {i}: {x:e} vs {y:e}"
                );
            }
        }
    }

    /// The score two studies at a time is the score one study at a time (the form it
    /// had), bit for bit: 1 to 41 studies (odd and even counts), effects and variances
    /// over many orders of magnitude, τ² from 0 to 10⁶, REML and ML.
    #[test]
    fn the_score_two_studies_at_a_time_is_the_score_one_at_a_time() {
        fn one_at_a_time(studies: &[Study], tau2: f64, reml: bool) -> (f64, f64) {
            let (mut sw, mut sw2, mut sw3, mut swy) = (0.0, 0.0, 0.0, 0.0);
            for s in studies {
                let w = 1.0 / (s.v + tau2);
                sw += w;
                sw2 += w * w;
                sw3 += w * w * w;
                swy += w * s.y;
            }
            let mu = swy / sw;
            let sw2r2: f64 = studies
                .iter()
                .map(|s| ((s.y - mu) / (s.v + tau2)).powi(2))
                .sum();
            if reml {
                let tr_p = sw - sw2 / sw;
                let tr_pp = sw2 - 2.0 * sw3 / sw + sw2 * sw2 / (sw * sw);
                (sw2r2 - tr_p, tr_pp)
            } else {
                (sw2r2 - sw, sw2)
            }
        }
        let mut rng = crate::testing::XorShift::new(0xbb67_ae85_84ca_a73b);
        let mut next = || rng.unit();
        for case in 0..4000 {
            let k = 1 + case % 41;
            let studies: Vec<Study> = (0..k)
                .map(|_| {
                    let y = (2.0 * next() - 1.0) * 10f64.powf(8.0 * next() - 4.0);
                    Study::new(y, 10f64.powf(10.0 * next() - 2.0))
                })
                .collect();
            let tau2 = if case % 9 == 0 {
                0.0
            } else {
                10f64.powf(12.0 * next() - 6.0)
            };
            for reml in [false, true] {
                let (a, b) = (
                    score(&studies, tau2, reml),
                    one_at_a_time(&studies, tau2, reml),
                );
                assert_eq!(
                    (a.0.to_bits(), a.1.to_bits()),
                    (b.0.to_bits(), b.1.to_bits()),
                    "case {case}, k {k}, τ² {tau2}: {a:?} vs {b:?}"
                );
            }
        }
    }
}
