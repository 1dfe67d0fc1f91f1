//! How two claims relate: [`Relation`] and [`PairRelation`].

use serde::{Deserialize, Serialize};

use crate::estimate::Estimate;

/// The relation between two claims A and B, from their plausible intervals Pa, Pb and hard
/// intervals Ha, Hb. Exactly one variant holds for every pair; checked in this order.
///
/// ```text
/// same           Pa == Pb                    A  [=====]     inverse: same
///                                            B  [=====]
/// contains       Pa ⊋ Pb                     A  [=========] inverse: contained
///                                            B     [===]
/// contained      Pa ⊊ Pb                     A     [===]    inverse: contains
///                                            B  [=========]
/// overlaps       Pa ∩ Pb ≠ ∅, neither        A  [=====]     inverse: overlaps
///                contains the other          B     [=====]
/// tension        Pa ∩ Pb = ∅, Ha ∩ Hb ≠ ∅    A  [==]  ·  ·  inverse: tension
///                (both could be true)        B  ·  · [==]   (· = hard intervals meet)
/// contradiction  Ha ∩ Hb = ∅                 A  [==]        inverse: contradiction
///                (both cannot be true)       B        [==]
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// The plausible intervals are equal. Inverse: `Same`.
    Same,
    /// A's plausible interval strictly contains B's. Inverse: `Contained`.
    Contains,
    /// A's plausible interval lies strictly inside B's. Inverse: `Contains`.
    Contained,
    /// The plausible intervals share values, and neither contains the other. Inverse:
    /// `Overlaps`.
    Overlaps,
    /// The plausible intervals are disjoint, but the hard intervals meet: the claims pull
    /// apart, yet both could be true. Inverse: `Tension`.
    Tension,
    /// The hard intervals are disjoint: both claims cannot be true. Inverse:
    /// `Contradiction`.
    Contradiction,
}

impl Relation {
    /// Every variant, in declaration order.
    pub const ALL: [Relation; 6] = [
        Relation::Same,
        Relation::Contains,
        Relation::Contained,
        Relation::Overlaps,
        Relation::Tension,
        Relation::Contradiction,
    ];

    /// The relation of B to A when `self` is the relation of A to B.
    #[must_use]
    pub fn inverse(self) -> Relation {
        match self {
            Relation::Contains => Relation::Contained,
            Relation::Contained => Relation::Contains,
            r => r,
        }
    }

    /// The lowercase name used in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Same => "same",
            Relation::Contains => "contains",
            Relation::Contained => "contained",
            Relation::Overlaps => "overlaps",
            Relation::Tension => "tension",
            Relation::Contradiction => "contradiction",
        }
    }

    /// Whether the plausible intervals share a value.
    #[must_use]
    pub fn agrees(self) -> bool {
        matches!(
            self,
            Relation::Same | Relation::Contains | Relation::Contained | Relation::Overlaps
        )
    }
}

named_enum!(
    Relation,
    "relation",
    "same, contains, contained, overlaps, tension, contradiction"
);

/// The relation of one pair of claims, with the figures that measure it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PairRelation {
    /// The first claim's id (the smaller id in a report).
    pub a: String,
    /// The second claim's id.
    pub b: String,
    /// How A relates to B.
    pub relation: Relation,
    /// For disjoint plausible intervals, the distance between their facing bounds.
    pub gap: Option<f64>,
    /// With two positive central values, the larger over the smaller (4,000 vs 1,200 →
    /// 3.33); symmetric in A and B.
    pub central_ratio: Option<f64>,
    /// `|Pa ∩ Pb| / |hull(Pa, Pb)|` (see
    /// [`Interval::overlap_share`](crate::Interval::overlap_share)); `None` when the hull is
    /// unbounded.
    pub overlap_share: Option<f64>,
}

/// How two estimates relate, with the figures that measure it (a [`PairRelation`] without
/// the claim ids).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Relating {
    /// How A relates to B.
    pub relation: Relation,
    /// For disjoint plausible intervals, the distance between their facing bounds.
    pub gap: Option<f64>,
    /// With two positive central values, the larger over the smaller; symmetric.
    pub central_ratio: Option<f64>,
    /// `|Pa ∩ Pb| / |hull(Pa, Pb)|`; `None` when the hull is unbounded.
    pub overlap_share: Option<f64>,
}

/// Relates two estimates. O(1).
///
/// ```
/// use crosscheck::{Estimate, Relation, relate};
///
/// let zelensky: Estimate = "about 4,000".parse()?;
/// let us: Estimate = "closer to 1,200".parse()?;
/// let r = relate(&zelensky, &us);
/// assert_eq!(r.relation, Relation::Tension);
/// assert_eq!(format!("{:.2}", r.central_ratio.unwrap()), "3.33");
/// Ok::<(), crosscheck::Error>(())
/// ```
#[must_use]
pub fn relate(a: &Estimate, b: &Estimate) -> Relating {
    let (pa, pb) = (a.plausible(), b.plausible());
    let relation = if pa == pb {
        Relation::Same
    } else if pa.contains(pb) {
        Relation::Contains
    } else if pb.contains(pa) {
        Relation::Contained
    } else if pa.overlaps(pb) {
        Relation::Overlaps
    } else if a.hard().overlaps(b.hard()) {
        Relation::Tension
    } else {
        Relation::Contradiction
    };
    let gap = pa.gap(pb);
    let ratio = match (a.central(), b.central()) {
        (Some(x), Some(y)) if x > 0.0 && y > 0.0 => Some(x.max(y) / x.min(y)),
        _ => None,
    };
    Relating {
        relation,
        gap,
        central_ratio: ratio,
        overlap_share: pa.overlap_share(pb),
    }
}
