//! Truth discovery on plain numbers: the baselines (mean, median, lower median) and the
//! published learned-reliability methods CRH, CATD and GTM, each as its paper states it.
//!
//! These take one number per (object, source) and know nothing of intervals, one-sided
//! claims, joint claims or stance; they are here to be compared with, and as named
//! methods for data that is only numbers. crosscheck's own learner runs on the same
//! numbers ([`Dataset::crosscheck`]) and on claims
//! ([`crate::Reconciler::with_learned_reliability`]).
//!
//! Every method is deterministic and independent of the order of the input: objects and
//! sources are interned in sorted order and each object's claims sorted by source.

use std::collections::BTreeMap;

use statrs::distribution::{ChiSquared, ContinuousCDF};

use crate::error::{Error, Location, Result};

/// Numbers claimed by sources about objects: the input of the numeric methods.
///
/// ```
/// use crosscheck::reliability::numeric::Dataset;
///
/// let d = Dataset::from_triples([("paris", "a", 2.1e6), ("paris", "b", 2.2e6), ("rome", "a", 2.8e6)])?;
/// assert_eq!(d.objects(), ["paris", "rome"]);
/// assert_eq!(d.median(), vec![2.15e6, 2.8e6]);
/// Ok::<(), crosscheck::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    objects: Vec<String>,
    sources: Vec<String>,
    /// Per object, its (source index, value) pairs sorted by source then value.
    claims: Vec<Vec<(usize, f64)>>,
}

/// What a learned-reliability method returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Truths {
    /// One estimate per object, in [`Dataset::objects`] order.
    pub values: Vec<f64>,
    /// One learned weight per source, in [`Dataset::sources`] order.
    pub weights: Vec<f64>,
    /// Iterations run.
    pub iterations: usize,
    /// Whether the estimates stopped changing before the iteration limit.
    pub converged: bool,
}

/// Iteration limit of the numeric methods.
pub const MAX_ITERATIONS: usize = 100;

/// The least error sum CATD divides by: ε², the square of a standardised error the size of
/// a rounding.
const ROUNDING_ERROR2: f64 = f64::EPSILON * f64::EPSILON;

impl Dataset {
    /// Builds a dataset from `(object, source, value)` triples. A value that is not finite
    /// is refused with its position.
    pub fn from_triples<O, S, I>(triples: I) -> Result<Dataset>
    where
        O: AsRef<str>,
        S: AsRef<str>,
        I: IntoIterator<Item = (O, S, f64)>,
    {
        let mut raw: Vec<(String, String, f64)> = Vec::new();
        for (k, (o, s, v)) in triples.into_iter().enumerate() {
            if !v.is_finite() {
                return Err(Error::NotFinite {
                    at: Location::Record {
                        section: "triples",
                        index: k,
                        id: None,
                    },
                    field: "value",
                    value: v,
                });
            }
            raw.push((o.as_ref().to_string(), s.as_ref().to_string(), v));
        }
        let mut objects: Vec<String> = raw.iter().map(|r| r.0.clone()).collect();
        objects.sort();
        objects.dedup();
        let mut sources: Vec<String> = raw.iter().map(|r| r.1.clone()).collect();
        sources.sort();
        sources.dedup();
        let oi: BTreeMap<&str, usize> = objects
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        let si: BTreeMap<&str, usize> = sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        let mut claims = vec![Vec::new(); objects.len()];
        for (o, s, v) in &raw {
            claims[oi[o.as_str()]].push((si[s.as_str()], *v));
        }
        for c in &mut claims {
            c.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        }
        Ok(Dataset {
            objects,
            sources,
            claims,
        })
    }

    /// The objects, sorted.
    #[must_use]
    pub fn objects(&self) -> &[String] {
        &self.objects
    }

    /// The sources, sorted.
    #[must_use]
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// Each object's (source index, value) pairs.
    #[must_use]
    pub fn claims(&self) -> &[Vec<(usize, f64)>] {
        &self.claims
    }

    /// How many claims in all.
    #[must_use]
    pub fn len(&self) -> usize {
        self.claims.iter().map(Vec::len).sum()
    }

    /// Whether there are no claims.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.claims.is_empty()
    }

    /// The mean of each object's claims.
    #[must_use]
    pub fn mean(&self) -> Vec<f64> {
        self.claims
            .iter()
            .map(|c| mean(c.iter().map(|x| x.1)))
            .collect()
    }

    /// The median of each object's claims (the mean of the two middle ones for an even
    /// count).
    #[must_use]
    pub fn median(&self) -> Vec<f64> {
        self.claims
            .iter()
            .map(|c| {
                let v = sorted_values(c);
                let n = v.len();
                if n % 2 == 1 {
                    v[n / 2]
                } else {
                    v[n / 2 - 1] / 2.0 + v[n / 2] / 2.0
                }
            })
            .collect()
    }

    /// The lower median of each object's claims (the lower of the two middle ones): a
    /// figure somebody claimed, and on counts the side away from inflated outliers.
    #[must_use]
    pub fn lower_median(&self) -> Vec<f64> {
        self.claims
            .iter()
            .map(|c| {
                let v = sorted_values(c);
                v[(v.len() - 1) / 2]
            })
            .collect()
    }

    /// Each object's population standard deviation (0 for one claim or full agreement).
    fn stds(&self) -> Vec<f64> {
        self.claims
            .iter()
            .map(|c| {
                let m = mean(c.iter().map(|x| x.1));
                let var = c.iter().map(|x| (x.1 - m) * (x.1 - m)).sum::<f64>() / c.len() as f64;
                var.sqrt()
            })
            .collect()
    }

    /// CRH, Li, Li, Gao, Zhao, Fan & Han, "Resolving Conflicts in Heterogeneous Data by
    /// Truth Discovery and Source Reliability Estimation", SIGMOD 2014, §2.3 and §3.2 for
    /// continuous data with the normalised absolute deviation loss:
    /// `d(v, t) = |v − t| / std(object)` (eq. 12), source weights
    /// `w_k = −log(Σ_o d_k,o / Σ_k' Σ_o d_k',o)` (eq. 5 with the max-entropy constraint),
    /// truths the weighted median (eq. 13). Started from the median; objects whose claims
    /// all agree carry no loss.
    #[must_use]
    pub fn crh(&self) -> Truths {
        let stds = self.stds();
        let mut t = self.median();
        let mut w = vec![1.0; self.sources.len()];
        let mut it = 0;
        let mut converged = false;
        while it < MAX_ITERATIONS {
            it += 1;
            let mut loss = vec![0.0; self.sources.len()];
            for (o, c) in self.claims.iter().enumerate() {
                if stds[o] > 0.0 {
                    for &(s, v) in c {
                        loss[s] += (v - t[o]).abs() / stds[o];
                    }
                }
            }
            let total: f64 = loss.iter().sum();
            if total <= 0.0 {
                converged = true;
                break;
            }
            for (wk, l) in w.iter_mut().zip(&loss) {
                // A source without loss gets the weight of the smallest positive share.
                *wk = -(l / total).max(f64::MIN_POSITIVE).ln();
            }
            let next: Vec<f64> = self
                .claims
                .iter()
                .map(|c| weighted_median(c.iter().map(|&(s, v)| (v, w[s]))))
                .collect();
            let same = next == t;
            t = next;
            if same {
                converged = true;
                break;
            }
        }
        Truths {
            values: t,
            weights: w,
            iterations: it,
            converged,
        }
    }

    /// CATD, Li, Li, Gao, Su, Zhao, Demirbas, Fan & Han, "A Confidence-Aware Approach for
    /// Truth Discovery on Long-Tail Data", PVLDB 8(4) 2015, eq. 9–10: source weights
    /// `w_k = χ²(α/2, |N_k|) / Σ_{n∈N_k} ((v_n^k − t_n) / std_n)²` with α = 0.05 (the
    /// lower 2.5 % quantile of the chi-squared distribution with as many degrees of freedom
    /// as the source has claims: few claims, a cautious weight), truths the weighted mean.
    /// Started from the median; objects whose claims all agree carry no error, and a source
    /// with no error at all is given the smallest positive error sum of any source, and no
    /// sum counts as less than ε² (2⁻¹⁰⁴), so its weight is large but finite.
    #[must_use]
    pub fn catd(&self) -> Truths {
        self.catd_with_epsilon(0.0)
    }

    /// CATD as straightforward implementations write it: `eps` added to each object's
    /// standard deviation and to each source's error sum instead of the guards of
    /// [`Dataset::catd`]. With `eps = 1e-10` an object whose claims agree (std 0) turns the
    /// rounding noise of its weighted mean (~1e-16 of the value) into errors of about a
    /// millionth of the value over 1e-10, which moves the result: on the Wikipedia
    /// population data this variant gives MAE 1,289 where [`Dataset::catd`] gives 1,384
    /// (BENCHMARKS.md). `eps = 0` is [`Dataset::catd`].
    #[must_use]
    pub fn catd_with_epsilon(&self, eps: f64) -> Truths {
        let mut stds = self.stds();
        if eps > 0.0 {
            for s in &mut stds {
                *s += eps;
            }
        }
        let mut n = vec![0usize; self.sources.len()];
        for c in &self.claims {
            for &(s, _) in c {
                n[s] += 1;
            }
        }
        let chi: Vec<f64> = n.iter().map(|&k| chi2_lower(k as f64, 0.025)).collect();
        let mut t = self.median();
        let mut w = vec![1.0; self.sources.len()];
        let mut it = 0;
        let mut converged = false;
        while it < MAX_ITERATIONS {
            it += 1;
            let mut err = vec![0.0; self.sources.len()];
            for (o, c) in self.claims.iter().enumerate() {
                if stds[o] > 0.0 {
                    for &(s, v) in c {
                        let e = (v - t[o]) / stds[o];
                        err[s] += e * e;
                    }
                }
            }
            let floor = err
                .iter()
                .copied()
                .filter(|e| *e > 0.0)
                .fold(f64::INFINITY, f64::min);
            // No error sum counts as less than ε² (a standardised error the size of a
            // rounding): a source the truths converge onto drives its sum toward 0 faster
            // and faster (1e-36, 1e-72, … 1e-285, then a subnormal whose weight is ∞).
            let floor = if floor.is_finite() { floor } else { 1.0 }.max(ROUNDING_ERROR2);
            for s in 0..w.len() {
                w[s] = if eps > 0.0 {
                    chi[s] / (err[s] + eps)
                } else {
                    chi[s] / err[s].max(floor)
                };
            }
            let next: Vec<f64> = self
                .claims
                .iter()
                .map(|c| weighted_mean(c.iter().map(|&(s, v)| (v, w[s]))))
                .collect();
            let done = max_change(&t, &next) <= 1e-12;
            t = next;
            if done {
                converged = true;
                break;
            }
        }
        Truths {
            values: t,
            weights: w,
            iterations: it,
            converged,
        }
    }

    /// GTM, Zhao & Han, "A Probabilistic Model for Estimating Real-valued Truth from
    /// Conflicting Sources", QDB 2012: each object's claims standardised (z-scores; an
    /// object whose claims agree keeps its value), truths `μ_o ~ N(μ₀, σ₀²)` with μ₀ = 0
    /// (the object's mean) and σ₀² = 1, source variances `σ_k² ~ InvGamma(α, β)`;
    /// the EM updates `μ_o = (μ₀/σ₀² + Σ_k z_k,o/σ_k²) / (1/σ₀² + Σ_k 1/σ_k²)` and
    /// `σ_k² = (2β + Σ_o (z_k,o − μ_o)²) / (2(α + 1) + |N_k|)`, started from the median.
    /// Weights are `1/σ_k²`.
    #[must_use]
    pub fn gtm(&self, alpha: f64, beta: f64) -> Truths {
        let stds = self.stds();
        let means = self.mean();
        let med = self.median();
        let z = |o: usize, v: f64| {
            if stds[o] > 0.0 {
                (v - means[o]) / stds[o]
            } else {
                0.0
            }
        };
        // The prior mean is the standardised mean (0); the iteration starts at the median.
        let mut mu: Vec<f64> = (0..self.objects.len()).map(|o| z(o, med[o])).collect();
        let mut var = vec![1.0; self.sources.len()];
        let mut it = 0;
        let mut converged = false;
        while it < MAX_ITERATIONS {
            it += 1;
            let mut sse = vec![0.0; self.sources.len()];
            let mut n = vec![0.0; self.sources.len()];
            for (o, c) in self.claims.iter().enumerate() {
                for &(s, v) in c {
                    let e = z(o, v) - mu[o];
                    sse[s] += e * e;
                    n[s] += 1.0;
                }
            }
            for s in 0..var.len() {
                var[s] = (2.0 * beta + sse[s]) / (2.0 * (alpha + 1.0) + n[s]);
            }
            let next: Vec<f64> = self
                .claims
                .iter()
                .enumerate()
                .map(|(o, c)| {
                    let (mut num, mut den) = (0.0, 1.0);
                    for &(s, v) in c {
                        num += z(o, v) / var[s];
                        den += 1.0 / var[s];
                    }
                    num / den
                })
                .collect();
            let done = max_change(&mu, &next) <= 1e-12;
            mu = next;
            if done {
                converged = true;
                break;
            }
        }
        let values = (0..self.objects.len())
            .map(|o| {
                if stds[o] > 0.0 {
                    mu[o] * stds[o] + means[o]
                } else {
                    means[o]
                }
            })
            .collect();
        Truths {
            values,
            weights: var.iter().map(|v| 1.0 / v).collect(),
            iterations: it,
            converged,
        }
    }
}

/// The `p` quantile of the chi-squared distribution with `df` degrees of freedom: statrs's
/// inverse CDF polished by Newton steps on its CDF (whose regularised incomplete gamma is
/// accurate to ~1e-15), since the inverse alone agrees with scipy's only to ~1e-8.
fn chi2_lower(df: f64, p: f64) -> f64 {
    use statrs::distribution::Continuous;
    let Ok(d) = ChiSquared::new(df) else {
        return 0.0;
    };
    let mut x = d.inverse_cdf(p);
    for _ in 0..8 {
        let f = d.pdf(x);
        if f.is_nan() || f <= 0.0 {
            break;
        }
        let next = x - (d.cdf(x) - p) / f;
        if !next.is_finite() || next <= 0.0 {
            break;
        }
        let done = (next - x).abs() <= 1e-15 * x;
        x = next;
        if done {
            break;
        }
    }
    x
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut n) = (0.0, 0usize);
    for x in v {
        s += x;
        n += 1;
    }
    s / n as f64
}

fn sorted_values(c: &[(usize, f64)]) -> Vec<f64> {
    let mut v: Vec<f64> = c.iter().map(|x| x.1).collect();
    v.sort_by(f64::total_cmp);
    v
}

fn max_change(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs() / x.abs().max(y.abs()).max(1e-300))
        .fold(0.0, f64::max)
}

/// The weighted mean of `(value, weight)` pairs; the plain mean when no weight is positive.
pub(crate) fn weighted_mean(v: impl Iterator<Item = (f64, f64)> + Clone) -> f64 {
    let (mut s, mut w) = (0.0, 0.0);
    for (x, k) in v.clone() {
        s += x * k;
        w += k;
    }
    if w > 0.0 && (s / w).is_finite() {
        s / w
    } else {
        mean(v.map(|x| x.0))
    }
}

/// The lower weighted median: the smallest value at which the cumulative weight reaches
/// half the total (ties of value broken by nothing else, so the result does not depend on
/// the order of the pairs). With no positive weight, the lower median.
pub(crate) fn weighted_median(v: impl Iterator<Item = (f64, f64)>) -> f64 {
    let mut v: Vec<(f64, f64)> = v.collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let total: f64 = v.iter().map(|x| x.1.max(0.0)).sum();
    if total <= 0.0 || !total.is_finite() {
        return v[(v.len() - 1) / 2].0;
    }
    let mut acc = 0.0;
    for &(x, w) in &v {
        acc += w.max(0.0);
        if acc >= total / 2.0 {
            return x;
        }
    }
    v[v.len() - 1].0
}
