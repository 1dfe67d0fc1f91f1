//! The censored (Tobit) random-effects likelihood behind the `censored_ml` pooled method.
//!
//! Figures `(y_i, v_i)` contribute `ln φ((y_i − μ)/s_i) − ln s_i` with `s_i² = v_i + τ²`;
//! a lower bound `L` (the value lies above it) contributes `ln(1 − Φ((L − μ)/s))`, an
//! upper bound `U` contributes `ln Φ((U − μ)/s)`, with `s² = v_c + τ²` and `v_c` the
//! median of the figures' variances (Tobin 1958). For a fixed τ² the log-likelihood is
//! concave in μ (the normal density and the normal survival function are log-concave), so
//! a safeguarded Newton iteration finds μ̂(τ²); the profile over τ² ≥ 0 is scanned on a
//! grid and refined by Brent's method, with τ² = 0 always a candidate.

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
    /// The figures' weights 1/(v_i + τ²) at the τ² of the last [`Problem::weigh`]: one
    /// division a figure for each τ², not one for each Newton step.
    w: Vec<f64>,
}

impl Problem<'_> {
    /// Fills the weights for τ² and returns the inverse-variance mean of the figures.
    fn weigh(&mut self, tau2: f64) -> f64 {
        self.w.clear();
        let (mut sw, mut swy) = (0.0, 0.0);
        for &(y, v) in self.figures {
            let w = 1.0 / (v + tau2);
            self.w.push(w);
            sw += w;
            swy += w * y;
        }
        swy / sw
    }

    /// Log-likelihood (when `with_ll`; else 0, sparing a logarithm per figure), its first
    /// and second derivatives in μ, at (μ, τ²), with the weights of [`Problem::weigh`] at
    /// the same τ².
    fn at(&self, mu: f64, tau2: f64, with_ll: bool) -> (f64, f64, f64) {
        let (mut ll, mut d1, mut d2) = (0.0, 0.0, 0.0);
        // Σ ln s² as one logarithm of a product (`LnSum`): the logarithms were most of
        // the censored fit's time, a tenth of reconciling a million claims.
        let mut ln_s2 = LnSum::default();
        for (&(y, v), &w) in self.figures.iter().zip(&self.w) {
            let r = y - mu;
            if with_ll {
                ll -= 0.5 * r * r * w;
                ln_s2.add(v + tau2);
            }
            d1 += r * w;
            d2 -= w;
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
            if with_ll {
                ll += ln_upper_tail(z);
            }
            let m = mills(z);
            d1 += sign * m / s;
            d2 -= m * (m - z) / (s * s);
        }
        (ll, d1, d2)
    }

    /// μ̂(τ²) by safeguarded Newton on the concave log-likelihood, and the likelihood and
    /// its second derivative in μ there.
    fn best_mu(&mut self, tau2: f64, lo: f64, hi: f64) -> (f64, f64, f64) {
        let (mut lo, mut hi) = (lo, hi);
        // Start at the figures' inverse-variance mean: the optimum itself when no bound
        // binds, so Newton usually stops at once.
        let mut mu = self.weigh(tau2).clamp(lo, hi);
        // Steps below this move μ by less than a billionth of the smallest standard error.
        let resolution = 1e-9 * (self.v_min + tau2).sqrt();
        for _ in 0..100 {
            let (_, d1, d2) = self.at(mu, tau2, false);
            let tolerance = (1e-12 * (1.0 + mu.abs())).max(resolution);
            let newton = if d2 < 0.0 { mu - d1 / d2 } else { f64::NAN };
            // A Newton step within the tolerance is convergence, not a step out of the
            // bracket: bisecting there (as the fit did before, whenever the step rounded
            // to nothing) walked ~50 halvings back to where it stood.
            if (newton - mu).abs() <= tolerance {
                mu = newton.clamp(lo, hi);
                break;
            }
            if d1 > 0.0 {
                lo = mu;
            } else {
                hi = mu;
            }
            let next = if newton.is_finite() && newton > lo && newton < hi {
                newton
            } else {
                lo + (hi - lo) / 2.0
            };
            let done = (next - mu).abs() <= tolerance;
            mu = next;
            if done || hi - lo <= 1e-14 * (1.0 + mu.abs()) {
                break;
            }
        }
        let (ll, _, d2) = self.at(mu, tau2, true);
        (mu, ll, d2)
    }
}

/// √ε of `f64`: below this relative distance a smooth function's maximum cannot be located
/// from its values, which agree there to rounding (Brent 1973, ch. 5).
const SQRT_EPSILON: f64 = 1.490_116_119_384_765_6e-8;

/// Brent's method for the maximum of `f` in `[a, b]` (R. P. Brent, *Algorithms for
/// Minimization without Derivatives*, Prentice-Hall 1973, ch. 5, procedure `localmin`;
/// as in Forsythe, Malcolm & Moler 1977, `fmin`): parabolic interpolation through the
/// three best points, golden-section steps whenever a parabola's step is not trusted.
/// Stops when the bracket is within `SQRT_EPSILON·|x| + abs_tol` of the best point, or
/// after `max_steps` evaluations. Returns the best point and its value, and how many
/// evaluations it took.
fn brent_max(
    mut f: impl FnMut(f64) -> f64,
    (mut a, mut b): (f64, f64),
    abs_tol: f64,
    max_steps: usize,
) -> (f64, f64, usize) {
    // Minimises g = −f.
    let golden = (3.0 - 5f64.sqrt()) / 2.0;
    let mut x = a + golden * (b - a);
    let (mut w, mut v) = (x, x);
    let mut fx = -f(x);
    let (mut fw, mut fv) = (fx, fx);
    let (mut d, mut e): (f64, f64) = (0.0, 0.0);
    let mut evaluations = 1;
    while evaluations < max_steps {
        let xm = (a + b) / 2.0;
        let tol1 = SQRT_EPSILON * x.abs() + abs_tol;
        let tol2 = 2.0 * tol1;
        if (x - xm).abs() <= tol2 - (b - a) / 2.0 {
            break;
        }
        let mut parabolic = false;
        if e.abs() > tol1 {
            // The parabola through (x, fx), (w, fw), (v, fv): its vertex is x + p/q.
            let r = (x - w) * (fx - fv);
            let mut q = (x - v) * (fx - fw);
            let mut p = (x - v) * q - (x - w) * r;
            q = 2.0 * (q - r);
            if q > 0.0 {
                p = -p;
            } else {
                q = -q;
            }
            let last = e;
            e = d;
            if p.abs() < (0.5 * q * last).abs() && p > q * (a - x) && p < q * (b - x) {
                d = p / q;
                let u = x + d;
                if u - a < tol2 || b - u < tol2 {
                    d = tol1.copysign(xm - x);
                }
                parabolic = true;
            }
        }
        if !parabolic {
            e = if x >= xm { a - x } else { b - x };
            d = golden * e;
        }
        let u = if d.abs() >= tol1 {
            x + d
        } else {
            x + tol1.copysign(d)
        };
        let fu = -f(u);
        evaluations += 1;
        if fu <= fx {
            if u >= x {
                a = x;
            } else {
                b = x;
            }
            (v, fv) = (w, fw);
            (w, fw) = (x, fx);
            (x, fx) = (u, fu);
        } else {
            if u < x {
                a = u;
            } else {
                b = u;
            }
            if fu <= fw || w == x {
                (v, fv) = (w, fw);
                (w, fw) = (u, fu);
            } else if fu <= fv || v == x || v == w {
                (v, fv) = (u, fu);
            }
        }
    }
    (x, -fx, evaluations)
}

/// The profile log-likelihood on the grid without bounds (the ML random-effects
/// likelihood), skipping the points that cannot be its maximum
/// ([`pruned_grid`](super::meta::pruned_grid)): the same values where evaluated, `−∞`
/// elsewhere, so the last point of highest value is the full grid's.
fn profile_grid(p: &mut Problem<'_>, grid: &[f64; 49], (lo, hi): (f64, f64)) -> [f64; 49] {
    let k = p.figures.len();
    let ymax2 = p.figures.iter().fold(0.0f64, |m, f| m.max(f.0 * f.0));
    let pruned = super::meta::pruned_grid(grid, k, |points, out| {
        for (&t, o) in points.iter().zip(out.iter_mut()) {
            let (_, ll, d2) = p.best_mu(t, lo, hi);
            let mut sln = LnSum::default();
            for &(_, v) in p.figures {
                sln.add(v + t);
            }
            let sln = sln.total();
            // ll = −½ (R + Σ ln s²) and d2 = −Σ wᵢ here; |ln x| < 745 for every normal x.
            let rss = (2.0 * ll + sln).abs();
            *o = super::meta::GridPoint {
                value: ll,
                sln,
                scale: 745.0 * k as f64 + sln.abs() + rss + 2.0 * ll.abs() - d2 * ymax2 + 1.0,
            };
        }
    });
    pruned.unwrap_or_else(|| grid.map(|t| p.best_mu(t, lo, hi).1))
}

/// Fits the censored random-effects likelihood; `None` when no finite maximum exists.
///
/// Cost: O(n) a likelihood evaluation; a fit takes the 49 of the grid (without bounds only
/// those [`profile_grid`] cannot rule out; the count reported is still 49), those of
/// Brent's search in the best grid cell (typically 10–30) and three for the candidates.
pub(crate) fn fit(figures: &[(f64, f64)], bounds: &[(f64, bool)]) -> Option<CensoredFit> {
    let mut vs: Vec<f64> = figures.iter().map(|f| f.1).collect();
    vs.sort_by(f64::total_cmp);
    let v_bound = *vs.get(vs.len() / 2)?;
    let mut p = Problem {
        figures,
        bounds,
        v_bound,
        v_min: vs.first().copied().unwrap_or(1.0),
        w: Vec::with_capacity(figures.len()),
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
    let grid = super::meta::powers_of_two_grid(upper);
    let values = if bounds.is_empty() {
        profile_grid(&mut p, &grid, (mu_lo, mu_hi))
    } else {
        grid.map(|t| p.best_mu(t, mu_lo, mu_hi).1)
    };
    let mut profile = |t: f64| p.best_mu(t, mu_lo, mu_hi);
    // Every grid point counts, evaluated or ruled out (so the count is that of the
    // whole grid's scan, as before grid points were skipped).
    let mut evaluations = grid.len();
    let best = (0..grid.len()).max_by(|&a, &b| values[a].total_cmp(&values[b]))?;
    // Brent's search in the best grid cell (the likelihood's values agree to rounding
    // closer than √ε to its maximum, so no search can place it more finely).
    let cell = (
        grid[best.saturating_sub(1)],
        grid[(best + 1).min(grid.len() - 1)],
    );
    let (refined, _, steps) = brent_max(|t| profile(t).1, cell, 1e-9 * (cell.1 - cell.0), 100);
    evaluations += steps;
    // Each candidate's profile once; `max_by` keeps the last of equal maxima.
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

    /// Without bounds the profile grid skips points only below its maximum: the same
    /// bits where it evaluates, and the same last point of highest value as the full grid,
    /// on figures spread and clustered (a flat maximum at τ² = 0), with one very precise
    /// figure, on scales from 10⁻⁶ to 10⁶, and for 2 to 40 figures.
    #[test]
    fn the_pruned_profile_grid_keeps_the_full_grids_maximum() {
        let mut rng = crate::testing::XorShift::new(0x6a09_e667_f3bc_c908);
        let mut next = || rng.unit();
        let (mut skipped, mut points) = (0usize, 0usize);
        for case in 0..3000 {
            let k = 2 + case % 39;
            let unit = 10f64.powi(case as i32 % 13 - 6);
            let spread = [1e-9, 0.1, 3.0, 300.0][case % 4];
            let mut figures: Vec<(f64, f64)> = (0..k)
                .map(|_| {
                    let v = 10f64.powf(6.0 * next() - 3.0) * unit * unit;
                    (unit * (100.0 + spread * (2.0 * next() - 1.0)), v)
                })
                .collect();
            if case % 7 == 3 {
                figures[0] = (unit * (100.0 + 10.0 * spread), 1e-4 * unit * unit);
            }
            let mut vs: Vec<f64> = figures.iter().map(|f| f.1).collect();
            vs.sort_by(f64::total_cmp);
            let mut p = Problem {
                figures: &figures,
                bounds: &[],
                v_bound: vs[k / 2],
                v_min: vs[0],
                w: Vec::new(),
            };
            let (lo, hi) = figures
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), f| {
                    (a.min(f.0), b.max(f.0))
                });
            let span = (hi - lo).max(vs[k - 1].sqrt());
            let range = (lo - 20.0 * span, hi + 20.0 * span);
            let upper = 10.0 * ((hi - lo).powi(2) + vs[k - 1]);
            let mut grid = [0.0; 49];
            for (g, j) in grid[1..].iter_mut().zip((0..48).rev()) {
                *g = upper * 0.5f64.powi(j);
            }
            let full = grid.map(|t| p.best_mu(t, range.0, range.1).1);
            let pruned = profile_grid(&mut p, &grid, range);
            let last_max = |v: &[f64; 49]| (0..49).max_by(|&a, &b| v[a].total_cmp(&v[b]));
            let best = last_max(&full).unwrap();
            assert_eq!(last_max(&pruned), Some(best), "case {case}");
            skipped += crate::pool::meta::skipped_below(&full, &pruned, best, case);
            points += 49;
        }
        assert!(skipped * 4 > points, "{skipped} of {points} skipped");
    }

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

#[cfg(test)]
mod oracle {
    use super::fit;

    /// Without bounds the censored likelihood is the ML likelihood: on every set of
    /// `tests/data/metafor_oracle.json` (R metafor 3.8.1, `rma(method = "ML")`, and a
    /// direct maximisation in R; `scripts/metafor_oracle.R`) the fit reproduces ML's τ² and μ.
    #[test]
    fn without_bounds_it_reproduces_metafor_ml() {
        let o: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/data/metafor_oracle.json")).unwrap();
        let mut checked = 0;
        let mut worst = (0.0f64, 0.0f64);
        for set in o["sets"].as_array().unwrap() {
            let f = |k: &str| -> Vec<f64> {
                set[k]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_f64().unwrap())
                    .collect()
            };
            let (y, v) = (f("y"), f("v"));
            let Some(ml) = set["fits"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["method"] == "ML")
            else {
                continue;
            };
            let figures: Vec<(f64, f64)> = y.iter().copied().zip(v.iter().copied()).collect();
            let got = fit(&figures, &[]).unwrap();
            let (tau2, mu) = (
                ml["tau2"].as_f64().unwrap(),
                ml["estimate"].as_f64().unwrap(),
            );
            let mut vs = v.clone();
            vs.sort_by(f64::total_cmp);
            // τ² on the scale of the typical variance; μ on the scale of its standard error.
            let scale = tau2 + vs[vs.len() / 2];
            let dt = (got.tau2 - tau2).abs() / scale;
            let dm = (got.mu - mu).abs() / (scale / y.len() as f64).sqrt();
            worst = (worst.0.max(dt), worst.1.max(dm));
            assert!(
                dt < 1e-5 && dm < 1e-6,
                "{}: τ² {} vs {tau2}, μ {} vs {mu}",
                set["name"],
                got.tau2,
                got.mu
            );
            checked += 1;
        }
        assert!(checked >= 100, "{checked}");
        eprintln!(
            "{checked} sets; worst τ² {:.2e}, μ {:.2e}",
            worst.0, worst.1
        );
    }
}
