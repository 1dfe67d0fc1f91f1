//! Interval and estimate arithmetic for constraints between quantities: negation,
//! difference, scaling by any factor, product and quotient of positive intervals.
//!
//! Bounds are handled exactly as to their kind: an end is open when any end it comes from
//! is open (`[1, 2] + (3, 4] = (4, 6]`), unbounded when any is (`[1, 2] + [3, +∞) = [4, +∞)`),
//! and a product or quotient reaching 0 or +∞ does so with the right openness
//! (`1 / (0, 2] = [0.5, +∞)`). Values are rounded to nearest, not outward: checks that use
//! them compare with a relative tolerance of 1e-9.
//!
//! | operation | result |
//! |---|---|
//! | `a.neg()` | `{−x : x ∈ a}` |
//! | `a.sub(b)` | `{x − y}` = `a + (−b)` |
//! | `a.scale(k)` | `{k·x}`; k < 0 swaps the ends; k = 0 gives `[0, 0]` |
//! | `a.mul_positive(b)` | `{x·y}` for a, b ⊆ [0, +∞) |
//! | `a.div_positive(b)` | `{x / y}` for a ⊆ [0, +∞), b ⊆ (0, +∞) |
//!
//! On [`Estimate`]s the same operation applies to the hard and the plausible interval
//! separately; the central value is carried where it is meaningful (both operands have one).

use ordered_float::NotNan;

use crate::error::{Error, Location, Result};
use crate::estimate::Estimate;
use crate::interval::{Cut, Interval};

fn finite(field: &'static str, v: f64) -> Result<NotNan<f64>> {
    if v.is_finite() {
        NotNan::new(v).map_err(|_| Error::NotFinite {
            at: Location::Unknown,
            field,
            value: v,
        })
    } else {
        Err(Error::NotFinite {
            at: Location::Unknown,
            field,
            value: v,
        })
    }
}

fn non_negative(i: &Interval, what: &str) -> Result<()> {
    if i.inf() < 0.0 {
        Err(Error::Method {
            at: Location::Unknown,
            reason: format!("{what} must be non-negative, not {i}"),
        })
    } else {
        Ok(())
    }
}

/// A lower cut at `v`, closed or open.
fn low(v: f64, closed: bool) -> Result<Cut> {
    Ok(if v == f64::NEG_INFINITY {
        Cut::NegInf
    } else if v == f64::INFINITY {
        return Err(Error::NotFinite {
            at: Location::Unknown,
            field: "low",
            value: v,
        });
    } else if closed {
        Cut::Below(finite("low", v)?)
    } else {
        Cut::Above(finite("low", v)?)
    })
}

/// An upper cut at `v`, closed or open.
fn high(v: f64, closed: bool) -> Result<Cut> {
    Ok(if v == f64::INFINITY {
        Cut::PosInf
    } else if v == f64::NEG_INFINITY {
        return Err(Error::NotFinite {
            at: Location::Unknown,
            field: "high",
            value: v,
        });
    } else if closed {
        Cut::Above(finite("high", v)?)
    } else {
        Cut::Below(finite("high", v)?)
    })
}

fn low_closed(i: &Interval) -> bool {
    matches!(i.low_cut(), Cut::Below(_))
}

fn high_closed(i: &Interval) -> bool {
    matches!(i.high_cut(), Cut::Above(_))
}

fn build(lo: Cut, hi: Cut) -> Result<Interval> {
    Interval::from_cuts(lo, hi).ok_or(Error::Inverted {
        at: Location::Unknown,
        field: "value",
        low: lo.position(),
        high: hi.position(),
    })
}

impl Interval {
    /// `{−x : x ∈ self}`.
    ///
    /// ```
    /// use crosscheck::Interval;
    ///
    /// let a = Interval::try_from_parts(Some(1.0), false, None, false)?;
    /// assert_eq!(a.neg().to_string(), "(−∞, -1]");
    /// Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn neg(&self) -> Interval {
        let lo = match self.high_cut() {
            Cut::PosInf => Cut::NegInf,
            Cut::Above(v) => Cut::Below(-v),
            Cut::Below(v) => Cut::Above(-v),
            Cut::NegInf => Cut::PosInf,
        };
        let hi = match self.low_cut() {
            Cut::NegInf => Cut::PosInf,
            Cut::Below(v) => Cut::Above(-v),
            Cut::Above(v) => Cut::Below(-v),
            Cut::PosInf => Cut::NegInf,
        };
        // Negation maps a non-empty interval to a non-empty one.
        Interval::from_cuts(lo, hi).unwrap_or(*self)
    }

    /// `{x − y : x ∈ self, y ∈ other}`: the range of a difference (the dead not among the
    /// identified: reported − identified).
    ///
    /// ```
    /// use crosscheck::Interval;
    ///
    /// let reported = Interval::closed(34_622.0, 34_622.0)?;
    /// let identified = Interval::closed(24_686.0, 24_686.0)?;
    /// assert_eq!(reported.sub(&identified)?.to_string(), "[9,936, 9,936]");
    /// Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::NotFinite`] when a bound overflows.
    pub fn sub(&self, other: &Interval) -> Result<Interval> {
        self.add(&other.neg())
    }

    /// `{k·x : x ∈ self}`. A negative factor swaps the ends (and their kinds); 0 gives
    /// `[0, 0]`.
    ///
    /// ```
    /// use crosscheck::Interval;
    ///
    /// let a = Interval::try_from_parts(Some(1.0), true, Some(2.0), false)?;
    /// assert_eq!(a.scale(3.0)?.to_string(), "(3, 6]");
    /// assert_eq!(a.scale(-1.0)?.to_string(), "[-2, -1)");
    /// Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::NotFinite`] for a non-finite factor or a bound that overflows.
    pub fn scale(&self, k: f64) -> Result<Interval> {
        finite("factor", k)?;
        if k == 0.0 {
            return Interval::closed(0.0, 0.0);
        }
        let a = if k < 0.0 { self.neg() } else { *self };
        let k = k.abs();
        let lo = low(a.inf() * k, low_closed(&a))?;
        let hi = high(a.sup() * k, high_closed(&a))?;
        build(lo, hi)
    }

    /// `{x·y : x ∈ self, y ∈ other}` for non-negative intervals.
    ///
    /// # Errors
    ///
    /// [`Error::Method`] when an interval reaches below 0; [`Error::NotFinite`] on overflow.
    pub fn mul_positive(&self, other: &Interval) -> Result<Interval> {
        non_negative(self, "a factor")?;
        non_negative(other, "a factor")?;
        // 0 · ∞ does not arise at the low end (lows are finite); at the high end an
        // infinite factor times a positive other end is +∞, times 0 is 0.
        let lo = low(
            self.inf() * other.inf(),
            low_closed(self) && low_closed(other),
        )?;
        let (a, b) = (self.sup(), other.sup());
        let hv = if a == 0.0 || b == 0.0 { 0.0 } else { a * b };
        let hi = high(hv, high_closed(self) && high_closed(other) || hv == 0.0)?;
        build(lo, hi)
    }

    /// `{x / y : x ∈ self, y ∈ other}` for `self` non-negative and `other` positive.
    ///
    /// # Errors
    ///
    /// [`Error::Method`] when `self` reaches below 0 or `other` contains 0;
    /// [`Error::NotFinite`] on overflow.
    pub fn div_positive(&self, other: &Interval) -> Result<Interval> {
        non_negative(self, "a dividend")?;
        if other.inf() < 0.0 || other.contains_value(0.0) {
            return Err(Error::Method {
                at: Location::Unknown,
                reason: format!("a divisor must be positive, not {other}"),
            });
        }
        // 1 / other: ends swap; 1/∞ = 0 (excluded), 1/0⁺ = ∞.
        let recip_lo = if other.sup().is_infinite() {
            low(0.0, false)?
        } else {
            low(1.0 / other.sup(), high_closed(other))?
        };
        let recip_hi = if other.inf() == 0.0 {
            Cut::PosInf
        } else {
            high(1.0 / other.inf(), low_closed(other))?
        };
        self.mul_positive(&build(recip_lo, recip_hi)?)
    }
}

impl Estimate {
    fn combine(
        &self,
        other: &Estimate,
        op: impl Fn(&Interval, &Interval) -> Result<Interval>,
        central: impl Fn(f64, f64) -> f64,
    ) -> Result<Estimate> {
        let hard = op(self.hard(), other.hard())?;
        let plausible = op(self.plausible(), other.plausible())?;
        // Rounding may carry a plausible end a hair past the hard one.
        let plausible = plausible.intersection(&hard).unwrap_or(hard);
        let c = match (self.central(), other.central()) {
            (Some(a), Some(b)) => Some(central(a, b)).filter(|c| plausible.contains_value(*c)),
            _ => None,
        };
        Estimate::new(hard, plausible, c)
    }

    /// The sum of two estimates: hard and plausible intervals added separately, the
    /// centrals summed where both have one (14,000 sent + 3,000 reinforcements).
    ///
    /// ```
    /// use crosscheck::Estimate;
    ///
    /// let sent: Estimate = "approximately 14,000".parse()?;
    /// let more: Estimate = "an additional 3,000".parse()?;
    /// let total = sent.add(&more)?;
    /// assert_eq!(total.plausible().to_string(), "[14,500, 19,500]");
    /// assert_eq!(total.central(), Some(17_000.0));
    /// Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Interval::add`].
    pub fn add(&self, other: &Estimate) -> Result<Estimate> {
        self.combine(other, Interval::add, |a, b| a + b)
    }

    /// The difference of two estimates.
    ///
    /// # Errors
    ///
    /// As [`Interval::sub`].
    pub fn sub(&self, other: &Estimate) -> Result<Estimate> {
        self.combine(other, Interval::sub, |a, b| a - b)
    }

    /// The product of two non-negative estimates.
    ///
    /// # Errors
    ///
    /// As [`Interval::mul_positive`].
    pub fn mul_positive(&self, other: &Estimate) -> Result<Estimate> {
        self.combine(other, Interval::mul_positive, |a, b| a * b)
    }

    /// The quotient of a non-negative estimate by a positive one.
    ///
    /// # Errors
    ///
    /// As [`Interval::div_positive`].
    pub fn div_positive(&self, other: &Estimate) -> Result<Estimate> {
        self.combine(other, Interval::div_positive, |a, b| a / b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(lo: Option<f64>, lo_open: bool, hi: Option<f64>, hi_open: bool) -> Interval {
        Interval::try_from_parts(lo, lo_open, hi, hi_open).unwrap()
    }

    #[test]
    fn kinds_of_ends_follow_their_sources() {
        let a = iv(Some(1.0), false, Some(2.0), false);
        let b = iv(Some(3.0), true, Some(4.0), false);
        assert_eq!(a.add(&b).unwrap().to_string(), "(4, 6]");
        assert_eq!(b.sub(&a).unwrap().to_string(), "(1, 3]");
        assert_eq!(a.scale(-2.0).unwrap().to_string(), "[-4, -2]");
        assert_eq!(b.scale(-1.0).unwrap().to_string(), "[-4, -3)");
        let up = iv(Some(3.0), false, None, false);
        assert_eq!(a.add(&up).unwrap().to_string(), "[4, +∞)");
        assert_eq!(a.sub(&up).unwrap().to_string(), "(−∞, -1]");
        assert_eq!(a.mul_positive(&b).unwrap().to_string(), "(3, 8]");
        assert_eq!(a.mul_positive(&up).unwrap().to_string(), "[3, +∞)");
        let pos = iv(Some(0.0), true, Some(2.0), false);
        let one = iv(Some(1.0), false, Some(1.0), false);
        assert_eq!(one.div_positive(&pos).unwrap().to_string(), "[0.5, +∞)");
        assert_eq!(one.div_positive(&up).unwrap().to_string(), "(0, 0.33333]");
        assert!(
            one.div_positive(&iv(Some(0.0), false, Some(1.0), false))
                .is_err()
        );
        assert!(
            iv(Some(-1.0), false, Some(1.0), false)
                .mul_positive(&a)
                .is_err()
        );
    }
}
