//! Intervals with closed, open and unbounded bounds.
//!
//! # Representation
//!
//! An [`Interval`] is stored as two *cuts* of the real line: a cut sits either just below a
//! value `v` (written `v⁻`) or just above it (`v⁺`), or at an infinity. A closed lower bound
//! `[v` is the cut `v⁻`, an open one `(v` is `v⁺`; a closed upper bound `v]` is `v⁺`, an
//! open one `v)` is `v⁻`. Cuts are totally ordered (`v⁻ < v⁺ < w⁻` for `v < w`), and an
//! interval holds at least one value exactly when its lower cut is below its upper cut. Every
//! set operation then reduces to comparing cuts, with no special case for open bounds.
//!
//! # Edge cases
//!
//! | interval | width | midpoint | `Display` |
//! |---|---|---|---|
//! | `[5, 5]` | 0 | 5 | `[5, 5]` |
//! | `(76,000, +∞)` | +∞ | none | `(76,000, +∞)` |
//! | `(−∞, +∞)` | +∞ | none | `(−∞, +∞)` |
//! | `(5, 5)`, `[5, 5)` | — | — | cannot be built: empty |
//!
//! Values are finite and never NaN ([`NotNan`] from `ordered-float`).

use std::cmp::Ordering;
use std::fmt;

use ordered_float::NotNan;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Location, Result};

/// A cut of the real line: the boundary an interval bound draws (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Cut {
    NegInf,
    Below(NotNan<f64>),
    Above(NotNan<f64>),
    PosInf,
}

impl Cut {
    /// The cut's place on the line, for ordering: its value, and a tie-break at the same
    /// value (the ends rank beyond any value, even an infinite one; below a value before
    /// above it). Values are never NaN, so comparing ranks is a total order: NegInf <
    /// Below(x) < Above(x) < Below(y) < … < PosInf for x < y, with −0 and +0 the same
    /// value, as `NotNan` compares them.
    #[inline]
    fn rank(self) -> (f64, i8) {
        match self {
            Cut::NegInf => (f64::NEG_INFINITY, -1),
            Cut::Below(v) => (v.into_inner(), 0),
            Cut::Above(v) => (v.into_inner(), 1),
            Cut::PosInf => (f64::INFINITY, 2),
        }
    }

    pub(crate) fn value(self) -> Option<f64> {
        match self {
            Cut::Below(v) | Cut::Above(v) => Some(v.into_inner()),
            _ => None,
        }
    }

    /// The cut's position as a plain number (±∞ at the ends).
    pub(crate) fn position(self) -> f64 {
        match self {
            Cut::NegInf => f64::NEG_INFINITY,
            Cut::PosInf => f64::INFINITY,
            Cut::Below(v) | Cut::Above(v) => v.into_inner(),
        }
    }
}

impl Ord for Cut {
    /// Compares ranks: two float comparisons and a small-integer one (the order of
    /// comparing (class, value, side) keys, which it replaced, at a fraction of the cost:
    /// every interval operation compares cuts).
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        let ((a, s), (b, t)) = (self.rank(), other.rank());
        if a < b {
            Ordering::Less
        } else if a > b {
            Ordering::Greater
        } else {
            s.cmp(&t)
        }
    }
}

impl PartialOrd for Cut {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn finite_bound(x: f64) -> Result<NotNan<f64>> {
    if x.is_finite() {
        NotNan::new(x).map_err(|_| Error::NotFinite {
            at: crate::Location::Unknown,
            field: "bound",
            value: x,
        })
    } else {
        Err(Error::NotFinite {
            at: crate::Location::Unknown,
            field: "bound",
            value: x,
        })
    }
}

/// One end of an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bound {
    /// No bound: the interval extends to infinity on this side.
    Unbounded,
    /// The value itself belongs to the interval.
    Closed(NotNan<f64>),
    /// The value itself does not belong to the interval.
    Open(NotNan<f64>),
}

impl Bound {
    /// A closed bound at `x` (the value belongs to the interval).
    ///
    /// ```
    /// use crosscheck::{Bound, Interval};
    ///
    /// let i = Interval::new(Bound::closed(76_000.0)?, Bound::Unbounded)?;
    /// assert_eq!(i.to_string(), "[76,000, +∞)");
    /// assert!(Bound::open(f64::NAN).is_err());
    /// Ok::<(), crosscheck::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::NotFinite`] for NaN or an infinity (an unbounded side is
    /// [`Bound::Unbounded`]).
    pub fn closed(x: f64) -> Result<Bound> {
        Ok(Bound::Closed(finite_bound(x)?))
    }

    /// An open bound at `x` (the value itself does not belong to the interval).
    ///
    /// # Errors
    ///
    /// [`Error::NotFinite`] for NaN or an infinity.
    pub fn open(x: f64) -> Result<Bound> {
        Ok(Bound::Open(finite_bound(x)?))
    }

    /// The bound's value, if it has one.
    #[must_use]
    pub fn value(self) -> Option<f64> {
        match self {
            Bound::Unbounded => None,
            Bound::Closed(v) | Bound::Open(v) => Some(v.into_inner()),
        }
    }

    /// Whether the bound excludes its value (unbounded counts as open).
    #[must_use]
    pub fn is_open(self) -> bool {
        !matches!(self, Bound::Closed(_))
    }
}

/// A non-empty interval of the real line with closed, open or unbounded ends.
///
/// # Example
///
/// ```
/// use crosscheck::Interval;
///
/// let us = Interval::closed(1_000.0, 1_400.0)?;
/// let ua = Interval::closed(3_000.0, 5_000.0)?;
/// assert!(us.intersection(&ua).is_none());
/// assert_eq!(us.gap(&ua), Some(1_600.0));
/// assert_eq!(us.hull(&ua).to_string(), "[1,000, 5,000]");
/// assert_eq!(Interval::greater_than(76_000.0)?.to_string(), "(76,000, +∞)");
/// Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interval {
    low: Cut,
    high: Cut,
}

/// `x` as a `NotNan`, or [`Error::NotFinite`] naming `field` for NaN and infinities.
pub(crate) fn finite(field: &'static str, x: f64) -> Result<NotNan<f64>> {
    if x.is_finite() {
        // Cannot fail: x was just checked finite, so it is not NaN.
        Ok(NotNan::new(x).expect("finite"))
    } else {
        Err(Error::NotFinite {
            at: Location::Unknown,
            field,
            value: x,
        })
    }
}

impl Interval {
    /// Builds an interval from its two bounds.
    ///
    /// # Errors
    ///
    /// [`Error::Inverted`] when the interval would hold no value (`low > high`, or
    /// `low == high` with an open end).
    pub fn new(low: Bound, high: Bound) -> Result<Interval> {
        let lo = match low {
            Bound::Unbounded => Cut::NegInf,
            Bound::Closed(v) => Cut::Below(v),
            Bound::Open(v) => Cut::Above(v),
        };
        let hi = match high {
            Bound::Unbounded => Cut::PosInf,
            Bound::Closed(v) => Cut::Above(v),
            Bound::Open(v) => Cut::Below(v),
        };
        Interval::from_cuts(lo, hi).ok_or(Error::Inverted {
            at: Location::Unknown,
            field: "interval",
            low: low.value().unwrap_or(f64::NEG_INFINITY),
            high: high.value().unwrap_or(f64::INFINITY),
        })
    }

    pub(crate) fn from_cuts(low: Cut, high: Cut) -> Option<Interval> {
        debug_assert!(low != Cut::PosInf && high != Cut::NegInf);
        (low < high).then_some(Interval { low, high })
    }

    /// `[low, high]` (high = +∞ for unbounded) from values already checked to be finite,
    /// ordered and not NaN.
    pub(crate) fn closed_checked(low: f64, high: f64) -> Interval {
        // Cannot fail: callers pass constants or the bounds of an existing `Interval`
        // (the claim table's rows come from an `Estimate`), never NaN.
        let lo = Cut::Below(NotNan::new(low).expect("checked"));
        let hi = if high.is_finite() {
            Cut::Above(NotNan::new(high).expect("checked"))
        } else {
            Cut::PosInf
        };
        debug_assert!(lo < hi);
        Interval { low: lo, high: hi }
    }

    pub(crate) fn low_cut(&self) -> Cut {
        self.low
    }

    pub(crate) fn high_cut(&self) -> Cut {
        self.high
    }

    /// The closed interval `[low, high]`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFinite`] for NaN or infinite values, [`Error::Inverted`] when
    /// `low > high`.
    pub fn closed(low: f64, high: f64) -> Result<Interval> {
        Interval::new(
            Bound::Closed(finite("low", low)?),
            Bound::Closed(finite("high", high)?),
        )
    }

    /// The degenerate interval `[x, x]`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFinite`] for NaN or infinite values.
    pub fn point(x: f64) -> Result<Interval> {
        Interval::closed(x, x)
    }

    /// `[x, +∞)`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFinite`] for NaN or infinite values.
    pub fn at_least(x: f64) -> Result<Interval> {
        Interval::new(Bound::Closed(finite("low", x)?), Bound::Unbounded)
    }

    /// `(x, +∞)`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFinite`] for NaN or infinite values.
    pub fn greater_than(x: f64) -> Result<Interval> {
        Interval::new(Bound::Open(finite("low", x)?), Bound::Unbounded)
    }

    /// `(−∞, x]`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFinite`] for NaN or infinite values.
    pub fn at_most(x: f64) -> Result<Interval> {
        Interval::new(Bound::Unbounded, Bound::Closed(finite("high", x)?))
    }

    /// `(−∞, x)`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFinite`] for NaN or infinite values.
    pub fn less_than(x: f64) -> Result<Interval> {
        Interval::new(Bound::Unbounded, Bound::Open(finite("high", x)?))
    }

    /// The whole real line `(−∞, +∞)`.
    #[must_use]
    pub fn entire() -> Interval {
        Interval {
            low: Cut::NegInf,
            high: Cut::PosInf,
        }
    }

    /// `[0, +∞)`: the domain of a count.
    #[must_use]
    pub fn non_negative() -> Interval {
        Interval {
            low: Cut::Below(NotNan::default()),
            high: Cut::PosInf,
        }
    }

    /// The lower bound.
    #[must_use]
    pub fn low(&self) -> Bound {
        match self.low {
            Cut::Below(v) => Bound::Closed(v),
            Cut::Above(v) => Bound::Open(v),
            _ => Bound::Unbounded,
        }
    }

    /// The upper bound.
    #[must_use]
    pub fn high(&self) -> Bound {
        match self.high {
            Cut::Above(v) => Bound::Closed(v),
            Cut::Below(v) => Bound::Open(v),
            _ => Bound::Unbounded,
        }
    }

    /// The lower bound's value, `None` if unbounded below.
    #[must_use]
    pub fn low_value(&self) -> Option<f64> {
        self.low.value()
    }

    /// The upper bound's value, `None` if unbounded above.
    #[must_use]
    pub fn high_value(&self) -> Option<f64> {
        self.high.value()
    }

    /// The lower end as a number (`−∞` if unbounded).
    #[must_use]
    pub fn inf(&self) -> f64 {
        self.low.position()
    }

    /// The upper end as a number (`+∞` if unbounded).
    #[must_use]
    pub fn sup(&self) -> f64 {
        self.high.position()
    }

    /// Whether both ends are finite.
    #[must_use]
    pub fn is_bounded(&self) -> bool {
        self.low != Cut::NegInf && self.high != Cut::PosInf
    }

    /// Whether the interval is a single value `[x, x]`.
    #[must_use]
    pub fn is_point(&self) -> bool {
        self.is_bounded() && self.inf() == self.sup()
    }

    /// `sup − inf`; `+∞` when unbounded. O(1).
    #[must_use]
    pub fn width(&self) -> f64 {
        self.sup() - self.inf()
    }

    /// The midpoint, `None` when unbounded.
    #[must_use]
    pub fn midpoint(&self) -> Option<f64> {
        self.is_bounded().then(|| {
            let (a, b) = (self.inf(), self.sup());
            let m = a + (b - a) / 2.0;
            // b − a overflows for bounds near ±f64::MAX; halving first cannot.
            if m.is_finite() { m } else { a / 2.0 + b / 2.0 }
        })
    }

    /// Whether `x` belongs to the interval.
    #[must_use]
    pub fn contains_value(&self, x: f64) -> bool {
        match NotNan::new(x) {
            Ok(v) if x.is_finite() => self.low < Cut::Above(v) && Cut::Below(v) < self.high,
            _ => false,
        }
    }

    /// Whether `other` is a subset of `self` (every interval contains itself).
    #[must_use]
    pub fn contains(&self, other: &Interval) -> bool {
        self.low <= other.low && other.high <= self.high
    }

    /// The values in both, or `None` when they are disjoint.
    #[must_use]
    pub fn intersection(&self, other: &Interval) -> Option<Interval> {
        Interval::from_cuts(self.low.max(other.low), self.high.min(other.high))
    }

    /// Whether the two share at least one value.
    #[must_use]
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.intersection(other).is_some()
    }

    /// The smallest interval containing both.
    #[must_use]
    pub fn hull(&self, other: &Interval) -> Interval {
        Interval {
            low: self.low.min(other.low),
            high: self.high.max(other.high),
        }
    }

    /// For disjoint intervals, the distance between their facing bounds (0 when they only
    /// touch, as `[1, 2)` and `[2, 3]`); `None` when they overlap.
    #[must_use]
    pub fn gap(&self, other: &Interval) -> Option<f64> {
        if self.overlaps(other) {
            return None;
        }
        let (left, right) = if self.high <= other.low {
            (self, other)
        } else {
            (other, self)
        };
        Some(right.inf() - left.sup())
    }

    /// The overlap share `|A ∩ B| / |hull(A, B)|` (a Jaccard index of lengths): 1 for equal
    /// intervals, 0 for disjoint ones, `None` when the hull is unbounded. Two equal points
    /// share 1.
    #[must_use]
    pub fn overlap_share(&self, other: &Interval) -> Option<f64> {
        let hull = self.hull(other);
        if !hull.is_bounded() {
            return None;
        }
        let Some(common) = self.intersection(other) else {
            return Some(0.0);
        };
        let total = hull.width();
        if total == 0.0 {
            Some(1.0)
        } else {
            Some(common.width() / total)
        }
    }

    /// The Minkowski sum `{a + b : a ∈ self, b ∈ other}`: the range of a total of two
    /// quantities (14,000 sent + 3,000 reinforcements).
    ///
    /// # Errors
    ///
    /// [`Error::NotFinite`] when a bound overflows.
    pub fn add(&self, other: &Interval) -> Result<Interval> {
        let low = match (self.low, other.low) {
            (Cut::NegInf, _) | (_, Cut::NegInf) => Cut::NegInf,
            (a, b) => {
                let v = finite("low", a.position() + b.position())?;
                if matches!(a, Cut::Below(_)) && matches!(b, Cut::Below(_)) {
                    Cut::Below(v)
                } else {
                    Cut::Above(v)
                }
            }
        };
        let high = match (self.high, other.high) {
            (Cut::PosInf, _) | (_, Cut::PosInf) => Cut::PosInf,
            (a, b) => {
                let v = finite("high", a.position() + b.position())?;
                if matches!(a, Cut::Above(_)) && matches!(b, Cut::Above(_)) {
                    Cut::Above(v)
                } else {
                    Cut::Below(v)
                }
            }
        };
        Ok(Interval { low, high })
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let open = if matches!(self.low, Cut::Below(_)) {
            '['
        } else {
            '('
        };
        let close = if matches!(self.high, Cut::Above(_)) {
            ']'
        } else {
            ')'
        };
        let (a, b) = crate::format::format_pair(self.inf(), self.sup());
        write!(f, "{open}{a}, {b}{close}")
    }
}

/// The JSON shape of an interval (DESIGN §5).
#[derive(Serialize, Deserialize)]
struct Wire {
    low: Option<f64>,
    #[serde(default)]
    low_open: bool,
    high: Option<f64>,
    #[serde(default)]
    high_open: bool,
}

impl Serialize for Interval {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        Wire {
            low: self.low_value(),
            low_open: self.low().is_open(),
            high: self.high_value(),
            high_open: self.high().is_open(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Interval {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let w = Wire::deserialize(d)?;
        Interval::try_from_parts(w.low, w.low_open, w.high, w.high_open)
            .map_err(serde::de::Error::custom)
    }
}

impl Interval {
    /// Builds an interval from the JSON parts `{low, low_open, high, high_open}`
    /// (`None` = unbounded).
    ///
    /// # Errors
    ///
    /// As [`Interval::new`], and [`Error::NotFinite`] for NaN or infinite bounds.
    pub fn try_from_parts(
        low: Option<f64>,
        low_open: bool,
        high: Option<f64>,
        high_open: bool,
    ) -> Result<Interval> {
        let bound = |v: Option<f64>, open: bool, field| -> Result<Bound> {
            Ok(match v {
                None => Bound::Unbounded,
                Some(x) if open => Bound::Open(finite(field, x)?),
                Some(x) => Bound::Closed(finite(field, x)?),
            })
        };
        Interval::new(
            bound(low, low_open, "low")?,
            bound(high, high_open, "high")?,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i(a: f64, b: f64) -> Interval {
        Interval::closed(a, b).unwrap()
    }

    /// The order of cuts is that of (class, value, side) keys — the definition the rank
    /// comparison replaced — for every pair of a set with both zeros, extremes, tiny
    /// values and (as `closed_checked` could be given) infinite values inside a cut.
    #[test]
    fn cut_order_is_the_key_order() {
        let key = |c: Cut| -> (u8, NotNan<f64>, u8) {
            let zero = NotNan::default();
            match c {
                Cut::NegInf => (0, zero, 0),
                Cut::Below(v) => (1, v, 0),
                Cut::Above(v) => (1, v, 1),
                Cut::PosInf => (2, zero, 0),
            }
        };
        let values = [
            f64::NEG_INFINITY,
            f64::MIN,
            -1.5,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            5e-324,
            1.0,
            1.0 + f64::EPSILON,
            f64::MAX,
            f64::INFINITY,
        ];
        let mut cuts = vec![Cut::NegInf, Cut::PosInf];
        for v in values {
            let v = NotNan::new(v).unwrap();
            cuts.extend([Cut::Below(v), Cut::Above(v)]);
        }
        for a in &cuts {
            for b in &cuts {
                assert_eq!(a.cmp(b), key(*a).cmp(&key(*b)), "{a:?} vs {b:?}");
                assert_eq!(a.cmp(b) == Ordering::Equal, a == b, "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn open_and_closed_ends_meet_only_when_both_closed() {
        let a = Interval::new(
            Bound::Closed(NotNan::new(0.0).unwrap()),
            Bound::Open(NotNan::new(2.0).unwrap()),
        )
        .unwrap();
        assert!(!a.overlaps(&i(2.0, 3.0)));
        assert_eq!(a.gap(&i(2.0, 3.0)), Some(0.0));
        assert!(i(0.0, 2.0).overlaps(&i(2.0, 3.0)));
        assert!(i(0.0, 2.0).intersection(&i(2.0, 3.0)).unwrap().is_point());
        assert!(!Interval::greater_than(2.0).unwrap().overlaps(&i(0.0, 2.0)));
    }

    #[test]
    fn empty_and_non_finite_intervals_are_refused() {
        assert!(matches!(
            Interval::closed(2.0, 1.0),
            Err(Error::Inverted { .. })
        ));
        assert!(matches!(
            Interval::closed(f64::NAN, 1.0),
            Err(Error::NotFinite { field: "low", .. })
        ));
        assert!(matches!(
            Interval::closed(0.0, f64::INFINITY),
            Err(Error::NotFinite { .. })
        ));
        let five = NotNan::new(5.0).unwrap();
        assert!(Interval::new(Bound::Open(five), Bound::Closed(five)).is_err());
        assert!(Interval::new(Bound::Closed(five), Bound::Closed(five)).is_ok());
    }

    #[test]
    fn display_reads_like_prose() {
        assert_eq!(i(13_500.0, 14_500.0).to_string(), "[13,500, 14,500]");
        assert_eq!(
            Interval::greater_than(76_000.0).unwrap().to_string(),
            "(76,000, +∞)"
        );
        assert_eq!(Interval::less_than(5.0).unwrap().to_string(), "(−∞, 5)");
    }

    #[test]
    fn measures() {
        assert_eq!(i(2.0, 6.0).width(), 4.0);
        assert_eq!(i(2.0, 6.0).midpoint(), Some(4.0));
        assert_eq!(Interval::at_least(1.0).unwrap().midpoint(), None);
        assert_eq!(i(0.0, 4.0).overlap_share(&i(2.0, 6.0)), Some(2.0 / 6.0));
        assert_eq!(i(3.0, 3.0).overlap_share(&i(3.0, 3.0)), Some(1.0));
        assert_eq!(
            i(0.0, 1.0).overlap_share(&Interval::at_least(0.5).unwrap()),
            None
        );
        assert!(i(0.0, 10.0).contains(&i(2.0, 3.0)));
        assert!(!i(2.0, 3.0).contains(&i(0.0, 10.0)));
        assert_eq!(i(1.0, 2.0).add(&i(10.0, 20.0)).unwrap(), i(11.0, 22.0));
        assert_eq!(i(1.0, 2.0).scale(2.0).unwrap(), i(2.0, 4.0));
    }

    #[test]
    fn json_shape_round_trips() {
        let x = Interval::greater_than(76_000.0).unwrap();
        let s = serde_json::to_string(&x).unwrap();
        assert_eq!(
            s,
            r#"{"low":76000.0,"low_open":true,"high":null,"high_open":true}"#
        );
        assert_eq!(serde_json::from_str::<Interval>(&s).unwrap(), x);
        assert!(serde_json::from_str::<Interval>(r#"{"low":3,"high":1}"#).is_err());
    }
}
