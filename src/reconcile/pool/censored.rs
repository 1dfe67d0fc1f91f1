//! The censored (Tobit) random-effects likelihood behind the `censored_ml` pooled method.
//!
//! Figures `(y_i, v_i)` contribute `ln φ((y_i − μ)/s_i) − ln s_i` with `s_i² = v_i + τ²`;
//! a lower bound `L` (the value lies above it) contributes `ln(1 − Φ((L − μ)/s))`, an
//! upper bound `U` contributes `ln Φ((U − μ)/s)`, with `s² = v_c + τ²` and `v_c` the
//! median of the figures' variances (Tobin 1958). For a fixed τ² the log-likelihood is
//! concave in μ (the normal density and the normal survival function are log-concave), so
//! a safeguarded Newton iteration finds μ̂(τ²); the profile over τ² ≥ 0 is scanned on a
//! grid and refined by golden-section search, with τ² = 0 always a candidate.

use statrs::function::erf::erfc;

use super::meta::LnSum;

/// The fit: μ̂, τ̂², the standard error of μ̂ from the observed information at τ̂², and how
/// many likelihood evaluations it took.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CensoredFit {
    pub mu: f64,
    pub tau2: f64,
    pub se: f64,
    pub evaluations: usize,
}

const SQRT_2: f64 = std::f64::consts::SQRT_2;

/// ln(1 − Φ(z)), accurate far into the tail (erfc for moderate z, the asymptotic series
/// beyond 30 where erfc underflows).
fn ln_upper_tail(z: f64) -> f64 {
    if z < 30.0 {
        (0.5 * erfc(z / SQRT_2)).max(f64::MIN_POSITIVE).ln()
    } else {
        -0.5 * z * z - (z * (2.0 * std::f64::consts::PI).sqrt()).ln() + (1.0 - 1.0 / (z * z)).ln()
    }
}

/// The inverse Mills ratio φ(z)/(1 − Φ(z)), stable in the tail (→ z for large z).
fn mills(z: f64) -> f64 {
    if z > 30.0 {
        z + 1.0 / z
    } else {
        let tail = 0.5 * erfc(z / SQRT_2);
        let pdf = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
        if tail > 0.0 { pdf / tail } else { z + 1.0 / z }
    }
}

struct Problem<'a> {
    figures: &'a [(f64, f64)],
    bounds: &'a [(f64, bool)],
    v_bound: f64,
    v_min: f64,
}

impl Problem<'_> {
    /// Log-likelihood (when `with_ll`; else 0, sparing a logarithm per figure), its first
    /// and second derivatives in μ, at (μ, τ²).
    fn at(&self, mu: f64, tau2: f64, with_ll: bool) -> (f64, f64, f64) {
        let (mut ll, mut d1, mut d2) = (0.0, 0.0, 0.0);
        // Σ ln s² as one logarithm of a product (`LnSum`): the logarithms were most of
        // the censored fit's time, a tenth of reconciling a million claims.
        let mut ln_s2 = LnSum::default();
        for &(y, v) in self.figures {
            let s2 = v + tau2;
            if with_ll {
                ll += -0.5 * (y - mu).powi(2) / s2;
                ln_s2.add(s2);
            }
            d1 += (y - mu) / s2;
            d2 -= 1.0 / s2;
        }
        if with_ll {
            ll -= 0.5 * ln_s2.total();
        }
        let s = (self.v_bound + tau2).sqrt();
        for &(b, lower) in self.bounds {
            // Lower bound: value > b, term ln(1 − Φ(z)), z = (b − μ)/s.
            // Upper bound: value < b, term ln Φ(z) = ln(1 − Φ(−z)).
            let (z, sign) = if lower {
                ((b - mu) / s, 1.0)
            } else {
                ((mu - b) / s, -1.0)
            };
            ll += ln_upper_tail(z);
            let m = mills(z);
            d1 += sign * m / s;
            d2 -= m * (m - z) / (s * s);
        }
        (ll, d1, d2)
    }

    /// μ̂(τ²) by safeguarded Newton on the concave log-likelihood, and the likelihood there.
    fn best_mu(&self, tau2: f64, lo: f64, hi: f64) -> (f64, f64, f64) {
        let (mut lo, mut hi) = (lo, hi);
        // Start at the figures' inverse-variance mean: the optimum itself when no bound
        // binds, so Newton usually stops at once.
        let (sw, swy) = self.figures.iter().fold((0.0, 0.0), |(a, b), &(y, v)| {
            let w = 1.0 / (v + tau2);
            (a + w, b + w * y)
        });
        let mut mu = (swy / sw).clamp(lo, hi);
        // Steps below this move μ by less than a billionth of the smallest standard error.
        let resolution = 1e-9 * (self.v_min + tau2).sqrt();
        for _ in 0..100 {
            let (_, d1, d2) = self.at(mu, tau2, false);
            if d1 > 0.0 {
                lo = mu;
            } else {
                hi = mu;
            }
            let newton = if d2 < 0.0 { mu - d1 / d2 } else { f64::NAN };
            let next = if newton.is_finite() && newton > lo && newton < hi {
                newton
            } else {
                lo + (hi - lo) / 2.0
            };
            let done = (next - mu).abs() <= (1e-12 * (1.0 + mu.abs())).max(resolution);
            mu = next;
            if done || hi - lo <= 1e-14 * (1.0 + mu.abs()) {
                break;
            }
        }
        let (ll, _, d2) = self.at(mu, tau2, true);
        (mu, ll, d2)
    }
}

/// Fits the censored random-effects likelihood; `None` when no finite maximum exists.
pub(crate) fn fit(figures: &[(f64, f64)], bounds: &[(f64, bool)]) -> Option<CensoredFit> {
    let mut vs: Vec<f64> = figures.iter().map(|f| f.1).collect();
    vs.sort_by(f64::total_cmp);
    let v_bound = *vs.get(vs.len() / 2)?;
    let p = Problem {
        figures,
        bounds,
        v_bound,
        v_min: vs.first().copied().unwrap_or(1.0),
    };
    let (lo, hi) = figures
        .iter()
        .map(|f| f.0)
        .chain(bounds.iter().map(|b| b.0))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
    let v_max = vs.last().copied().unwrap_or(1.0);
    let span = (hi - lo).max(v_max.sqrt());
    let (mu_lo, mu_hi) = (lo - 20.0 * span, hi + 20.0 * span);
    let upper = 10.0 * ((hi - lo).powi(2) + v_max);
    let profile = |t: f64| p.best_mu(t, mu_lo, mu_hi);
    let mut evaluations = 0;
    let mut grid: Vec<f64> = vec![0.0];
    grid.extend((0..48).rev().map(|k| upper * 0.5f64.powi(k)));
    let values: Vec<f64> = grid
        .iter()
        .map(|&t| {
            evaluations += 1;
            profile(t).1
        })
        .collect();
    let best = (0..grid.len()).max_by(|&a, &b| values[a].total_cmp(&values[b]))?;
    // Golden-section search in the best grid cell.
    let (mut a, mut b) = (
        grid[best.saturating_sub(1)],
        grid[(best + 1).min(grid.len() - 1)],
    );
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let (mut c, mut d) = (b - g * (b - a), a + g * (b - a));
    let (mut fc, mut fd) = (profile(c).1, profile(d).1);
    for _ in 0..80 {
        evaluations += 1;
        if fc > fd {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = profile(c).1;
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = profile(d).1;
        }
        if b - a <= 1e-12 * b.max(1e-300) {
            break;
        }
    }
    let refined = (a + b) / 2.0;
    // Each candidate's profile once (comparing by recomputing them cost five more Newton
    // solves a fit); `max_by` keeps the last of equal maxima, as before.
    let candidates = [0.0, grid[best], refined].map(|t| (t, profile(t)));
    let &(tau2, (mu, ll, d2)) = candidates.iter().max_by(|x, y| x.1.1.total_cmp(&y.1.1))?;
    let se = (-1.0 / d2).sqrt();
    (mu.is_finite() && ll.is_finite() && se.is_finite()).then_some(CensoredFit {
        mu,
        tau2,
        se,
        evaluations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_bounds_it_is_the_ml_fit() {
        // Two figures: ML τ² maximises −½Σln(v+τ²) − ½Σ(y−μ)²/(v+τ²).
        let figures = [(0.0, 1.0), (10.0, 1e-4)];
        let f = fit(&figures, &[]).unwrap();
        assert!((f.tau2 - 24.4899).abs() < 1e-3, "{}", f.tau2);
        assert!((f.mu - 5.1000).abs() < 1e-3, "{}", f.mu);
    }

    #[test]
    fn a_lower_bound_above_the_figures_pulls_the_estimate_up() {
        let figures = [(1.0, 0.01), (1.2, 0.01)];
        let plain = fit(&figures, &[]).unwrap();
        let bounded = fit(&figures, &[(3.0, true)]).unwrap();
        assert!(
            bounded.mu > plain.mu + 0.1,
            "{} vs {}",
            bounded.mu,
            plain.mu
        );
        let upper = fit(&figures, &[(0.0, false)]).unwrap();
        assert!(upper.mu < plain.mu);
    }

    #[test]
    fn tails_stay_finite() {
        assert!(ln_upper_tail(50.0).is_finite());
        assert!(ln_upper_tail(-50.0).abs() < 1e-12);
        assert!((mills(0.0) - 0.797_884_560_802_865_4).abs() < 1e-12);
        assert!(mills(40.0).is_finite());
    }
}
