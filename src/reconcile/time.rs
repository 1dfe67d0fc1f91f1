//! Figures as of a date (DESIGN §3.2) and relays and revisions (§3.3).
//!
//! For each quantity, as of a date D (the latest date among its claims unless the
//! [`Reconciler`](crate::Reconciler) is given one):
//! - claims dated after D are left out (they were not yet made);
//! - **relays**: dated claims with the same sources, quantity and date are one figure, counted
//!   once with all their outlets; when their plausible readings do not all meet, that is a
//!   `relay_discrepancy` and the figure counts at the hull of the versions;
//! - **revisions**: of each source set's claims only the latest (on or before D) is
//!   `current`; earlier ones, and any claim another names in `revises`, are `superseded`:
//!   they stay in the history but leave the verdict and the pooling;
//! - **`snapshot`** quantities compare only claims about the latest period (at the
//!   precision of their dates); earlier periods make a timeline, not a disagreement;
//! - **`cumulative`** quantities never decrease: a current claim dated before the latest one
//!   speaks for the later date only through its floor, so it is judged (and pooled) as
//!   "at least its lower bound" (`carried_floors`); a rising series is consistent growth.
//!   Over the whole dated history, a later claim whose hard upper bound lies below an
//!   earlier hard lower bound is a `decrease`: a correction when the same sources make
//!   both, a contradiction between sources otherwise;
//! - the **monotone band** of a cumulative quantity is the weighted isotonic regression
//!   (pool-adjacent-violators; Barlow, Bartholomew, Bremner & Brunk 1972) of the claims'
//!   plausible lower bounds and, separately, of their upper bounds, over date: it never
//!   falls, and a claim that the fit did not have to move lies within it.
//!
//! # Cost
//!
//! O(n log n) per quantity for the sort by date; the band and the timeline are O(n) after.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::claim::{Claim, PartialDate};
use crate::interval::{Cut, Interval};
use crate::quantity::Temporal;
use crate::row::ClaimRow;
pub use crate::row::ClaimStatus;

/// One claim on the time axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TimelinePoint {
    /// The claim.
    pub claim: String,
    /// Its date.
    pub date: PartialDate,
    /// Its status.
    pub status: ClaimStatus,
    /// Its plausible reading.
    pub plausible: Interval,
    /// Its central value.
    pub central: Option<f64>,
    /// Its sources (one step line each in the time chart).
    #[serde(default)]
    pub sources: Vec<String>,
}

/// The monotone band at one date.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BandPoint {
    /// The date.
    pub date: PartialDate,
    /// The isotonic fit of the lower bounds (`None` before any finite lower bound).
    pub low: Option<f64>,
    /// The isotonic fit of the upper bounds (`None` where no claim gives a finite one).
    pub high: Option<f64>,
}

/// A current claim of a cumulative quantity dated before the latest one: judged by its
/// floor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CarriedFloor {
    /// The claim.
    pub claim: String,
    /// Its date.
    pub date: PartialDate,
    /// The floor it carries to the date judged (its hard lower bound).
    pub low: f64,
}

/// How a dated series moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryVerdict {
    /// The figures rise over time.
    Rising,
    /// They neither rise nor fall.
    Steady,
    /// A later figure lies wholly below an earlier one.
    Decrease,
}

impl HistoryVerdict {
    /// The `snake_case` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryVerdict::Rising => "rising",
            HistoryVerdict::Steady => "steady",
            HistoryVerdict::Decrease => "decrease",
        }
    }
}

/// The history of a dated quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct History {
    /// Rising, steady or a decrease.
    pub verdict: HistoryVerdict,
    /// For a decrease: the earlier and the later claim; else the first and the last.
    pub deciding: Vec<String>,
    /// For a decrease: whether the same sources made both (a correction) rather than
    /// two sources contradicting each other.
    pub correction: bool,
}

/// Claims that are one figure relayed by several outlets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Relay {
    /// The claims (the first is the one counted).
    pub claims: Vec<String>,
    /// The outlets that relayed it.
    pub outlets: Vec<String>,
    /// Whether the versions differ beyond rounding (their plausible readings do not meet).
    pub discrepancy: bool,
}

/// Whether two dates speak of the same period, at the precision of the coarser one.
#[must_use]
pub fn same_period(a: PartialDate, b: PartialDate) -> bool {
    a.year() == b.year()
        && match (a.month(), b.month()) {
            (Some(x), Some(y)) => {
                x == y
                    && match (a.day(), b.day()) {
                        (Some(p), Some(q)) => p == q,
                        _ => true,
                    }
            }
            _ => true,
        }
}

/// Days since 1970-01-01 of the first day of the date's period (Hinnant's
/// `days_from_civil`).
#[must_use]
pub fn day_number(d: PartialDate) -> i64 {
    let (y, m, day) = (
        i64::from(d.year()),
        i64::from(d.month().unwrap_or(1)),
        i64::from(d.day().unwrap_or(1)),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// What the judgement of one quantity as of a date decided.
#[derive(Debug, Default)]
pub(crate) struct Judged {
    /// The date judged.
    pub as_of: Option<PartialDate>,
    /// Claims left out because they are dated after the date judged (by index).
    pub later: Vec<bool>,
    /// Each claim's status (by index).
    pub status: Vec<ClaimStatus>,
    /// The rows to judge and pool, by index of the current claims: their effective
    /// intervals (a relay discrepancy's hull, a carried floor).
    pub effective: BTreeMap<usize, ClaimRow>,
    pub carried: Vec<CarriedFloor>,
    pub relays: Vec<Relay>,
}

fn source_key(c: &Claim) -> Vec<String> {
    let mut s = c.sources().to_vec();
    s.sort();
    s
}

/// Judges one quantity's claims (sorted by id) and their rows as of `as_of`.
pub(crate) fn judge(
    temporal: Temporal,
    claims: &[&Claim],
    rows: &[ClaimRow],
    as_of: Option<PartialDate>,
) -> Judged {
    let n = claims.len();
    let latest = claims.iter().filter_map(|c| c.date()).max();
    let d = as_of.or(latest);
    let later: Vec<bool> = claims
        .iter()
        .map(|c| match (c.date(), d) {
            (Some(x), Some(d)) => x > d && !same_period(x, d),
            _ => false,
        })
        .collect();
    let mut status = vec![ClaimStatus::Current; n];
    let mut effective: BTreeMap<usize, ClaimRow> = BTreeMap::new();
    let mut relays = Vec::new();

    // Relays: the same sources and date, counted once (the first by id).
    // Undated claims are never taken for one figure: nothing says they are the same.
    let mut groups: BTreeMap<(Vec<String>, PartialDate), Vec<usize>> = BTreeMap::new();
    for i in (0..n).filter(|&i| !later[i]) {
        if let Some(date) = claims[i].date() {
            groups
                .entry((source_key(claims[i]), date))
                .or_default()
                .push(i);
        }
    }
    for members in groups.values().filter(|m| m.len() > 1) {
        let first = members[0];
        let meet = members.iter().try_fold(Interval::entire(), |a, &i| {
            a.intersection(&rows[i].plausible)
        });
        let discrepancy = meet.is_none();
        for &i in &members[1..] {
            status[i] = ClaimStatus::Relay;
        }
        if discrepancy {
            let mut row = rows[first].clone();
            for &i in &members[1..] {
                row.hard = row.hard.hull(&rows[i].hard);
                row.plausible = row.plausible.hull(&rows[i].plausible);
            }
            row.central = None;
            row.rule = Some("relay-hull".into());
            effective.insert(first, row);
        }
        let mut outlets: Vec<String> = members
            .iter()
            .filter_map(|&i| claims[i].reported_by().map(str::to_string))
            .collect();
        outlets.sort();
        outlets.dedup();
        relays.push(Relay {
            claims: members
                .iter()
                .map(|&i| claims[i].id().to_string())
                .collect(),
            outlets,
            discrepancy,
        });
    }

    // Revisions: each source set's latest dated claim is current; undated ones stay.
    let mut latest_by_sources: BTreeMap<Vec<String>, PartialDate> = BTreeMap::new();
    for i in (0..n).filter(|&i| !later[i] && status[i] == ClaimStatus::Current) {
        if let Some(date) = claims[i].date() {
            let e = latest_by_sources
                .entry(source_key(claims[i]))
                .or_insert(date);
            if date > *e {
                *e = date;
            }
        }
    }
    for i in 0..n {
        if later[i] || status[i] != ClaimStatus::Current {
            continue;
        }
        if let (Some(date), Some(l)) = (
            claims[i].date(),
            latest_by_sources.get(&source_key(claims[i])),
        ) && date < *l
        {
            status[i] = ClaimStatus::Superseded;
        }
    }
    // Explicit revisions, by a claim that is itself in view.
    for i in (0..n).filter(|&i| !later[i]) {
        if let Some(target) = claims[i].revises()
            && let Ok(j) = claims.binary_search_by(|c| c.id().cmp(target))
            && j != i
            && !later[j]
        {
            status[j] = ClaimStatus::Superseded;
        }
    }
    let current: Vec<usize> = (0..n)
        .filter(|&i| !later[i] && status[i] == ClaimStatus::Current)
        .collect();
    let newest = current.iter().filter_map(|&i| claims[i].date()).max();

    // A snapshot is judged on its latest period only.
    if temporal == Temporal::Snapshot
        && let Some(p) = newest
    {
        for &i in &current {
            if claims[i].date().is_some_and(|d| !same_period(d, p)) {
                status[i] = ClaimStatus::Superseded;
            }
        }
    }

    // A cumulative figure dated before the newest one speaks for it through its floor.
    let mut carried = Vec::new();
    if temporal == Temporal::Cumulative
        && let Some(p) = newest
    {
        for &i in &current {
            let Some(date) = claims[i].date() else {
                continue;
            };
            if same_period(date, p) {
                continue;
            }
            let base = effective
                .get(&i)
                .cloned()
                .unwrap_or_else(|| rows[i].clone());
            let Some(low) = base.hard.low_value() else {
                continue;
            };
            let open = |iv: &Interval| Interval::from_cuts(iv.low_cut(), Cut::PosInf);
            let mut row = base.clone();
            row.hard = open(&base.hard).unwrap_or(base.hard);
            row.plausible = open(&base.plausible).unwrap_or(base.plausible);
            row.central = None;
            row.rule = Some("carried-floor".into());
            carried.push(CarriedFloor {
                claim: claims[i].id().to_string(),
                date,
                low,
            });
            effective.insert(i, row);
        }
    }
    Judged {
        as_of: d,
        later,
        status,
        effective,
        carried,
        relays,
    }
}

/// The history of the dated claims (not the later-than-judged ones, relays once).
pub(crate) fn history(claims: &[&Claim], rows: &[ClaimRow], j: &Judged) -> Option<History> {
    let mut dated: Vec<usize> = (0..claims.len())
        .filter(|&i| !j.later[i] && j.status[i] != ClaimStatus::Relay && claims[i].date().is_some())
        .collect();
    if dated.len() < 2 {
        return None;
    }
    dated.sort_by_key(|&i| (claims[i].date(), claims[i].id()));
    // A decrease: some later claim wholly below an earlier one (hard intervals). Scan with
    // the running maximum of the earlier hard lower bounds: O(n).
    let mut best: Option<usize> = None;
    for &b in &dated {
        if let Some(a) = best
            && claims[a].date() < claims[b].date()
            && rows[b].hard.high_cut() <= rows[a].hard.low_cut()
        {
            return Some(History {
                verdict: HistoryVerdict::Decrease,
                deciding: vec![claims[a].id().to_string(), claims[b].id().to_string()],
                correction: source_key(claims[a]) == source_key(claims[b]),
            });
        }
        if best.is_none_or(|a| rows[b].hard.low_cut() > rows[a].hard.low_cut()) {
            best = Some(b);
        }
    }
    let value = |i: usize| {
        rows[i]
            .central
            .or_else(|| rows[i].plausible.midpoint())
            .or_else(|| rows[i].plausible.low_value())
    };
    let (first, last) = (dated[0], dated[dated.len() - 1]);
    let verdict = match (value(first), value(last)) {
        (Some(a), Some(b)) if b > a => HistoryVerdict::Rising,
        _ => HistoryVerdict::Steady,
    };
    Some(History {
        verdict,
        deciding: vec![
            claims[first].id().to_string(),
            claims[last].id().to_string(),
        ],
        correction: false,
    })
}

/// Every dated claim on the time axis, by date then id.
pub(crate) fn timeline(claims: &[&Claim], rows: &[ClaimRow], j: &Judged) -> Vec<TimelinePoint> {
    let mut v: Vec<TimelinePoint> = (0..claims.len())
        .filter(|&i| !j.later[i])
        .filter_map(|i| {
            Some(TimelinePoint {
                claim: claims[i].id().to_string(),
                date: claims[i].date()?,
                status: j.status[i],
                plausible: rows[i].plausible,
                central: rows[i].central,
                sources: claims[i].sources().to_vec(),
            })
        })
        .collect();
    v.sort_by(|a, b| (a.date, &a.claim).cmp(&(b.date, &b.claim)));
    v
}

/// Weighted pool-adjacent-violators: the non-decreasing fit to `y` with weights `w`, in
/// O(n). Blocks whose means violate the order are merged into their weighted mean.
fn pava(y: &[f64], w: &[f64]) -> Vec<f64> {
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(y.len());
    for (i, (&yi, &wi)) in y.iter().zip(w).enumerate() {
        let _ = i;
        blocks.push((yi, wi, 1));
        while blocks.len() > 1 {
            let (m2, w2, n2) = blocks[blocks.len() - 1];
            let (m1, w1, n1) = blocks[blocks.len() - 2];
            if m1 <= m2 {
                break;
            }
            blocks.truncate(blocks.len() - 2);
            let wt = w1 + w2;
            let m = if wt > 0.0 {
                (m1 * w1 + m2 * w2) / wt
            } else {
                m1.max(m2)
            };
            blocks.push((m, wt, n1 + n2));
        }
    }
    blocks
        .into_iter()
        .flat_map(|(m, _, n)| std::iter::repeat_n(m, n))
        .collect()
}

/// The monotone band of a cumulative quantity (DESIGN §3.2): the weighted isotonic
/// (non-decreasing) fit, by pool-adjacent-violators, of the claims' plausible lower bounds
/// over date and, separately, of their upper bounds (finite ones), with claims of one date
/// in order of their bound and then id. The band at a date runs from the smallest fitted
/// lower bound of its claims to the largest fitted upper bound, so it never falls and it
/// contains every claim whose bounds the fit did not have to move. Weights are the claims'
/// weights (equal where all are zero). Superseded claims count: the band describes the
/// series. O(n) after the sort.
pub(crate) fn band(points: &[TimelinePoint], weights: &BTreeMap<String, f64>) -> Vec<BandPoint> {
    // A relay counts once (weight 0: it pulls no fit), but its version still bounds the
    // figure, which counts at the hull of the versions (DESIGN §3.3).
    let pts: Vec<&TimelinePoint> = points.iter().collect();
    let any = weights.values().any(|w| *w > 0.0);
    let w = |p: &TimelinePoint| {
        if p.status == ClaimStatus::Relay {
            0.0
        } else if any {
            weights.get(&p.claim).copied().unwrap_or(0.0)
        } else {
            1.0
        }
    };
    let fit = |value: &dyn Fn(&TimelinePoint) -> Option<f64>,
               keep_min: bool|
     -> BTreeMap<PartialDate, f64> {
        let mut sel: Vec<(&TimelinePoint, f64)> =
            pts.iter().filter_map(|p| Some((*p, value(p)?))).collect();
        sel.sort_by(|a, b| {
            (a.0.date, a.1)
                .partial_cmp(&(b.0.date, b.1))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.0.claim.cmp(&b.0.claim))
        });
        let y: Vec<f64> = sel.iter().map(|x| x.1).collect();
        let ws: Vec<f64> = sel.iter().map(|x| w(x.0)).collect();
        let mut out: BTreeMap<PartialDate, f64> = BTreeMap::new();
        for ((p, _), v) in sel.iter().zip(pava(&y, &ws)) {
            let e = out.entry(p.date).or_insert(v);
            *e = if keep_min { e.min(v) } else { e.max(v) };
        }
        out
    };
    let lows = fit(&|p| p.plausible.low_value(), true);
    let highs = fit(&|p| p.plausible.high_value(), false);
    let mut dates: Vec<PartialDate> = pts.iter().map(|p| p.date).collect();
    dates.sort();
    dates.dedup();
    let (mut last_low, mut last_high) = (None::<f64>, None::<f64>);
    dates
        .into_iter()
        .map(|d| {
            if let Some(l) = lows.get(&d) {
                last_low = Some(last_low.map_or(*l, |x: f64| x.max(*l)));
            }
            if let Some(h) = highs.get(&d) {
                last_high = Some(last_high.map_or(*h, |x: f64| x.max(*h)));
            }
            // Where the fitted upper bounds run under the fitted lower bounds, the band is
            // at least as high as its floor.
            let high = match (last_low, last_high) {
                (Some(l), Some(h)) => Some(h.max(l)),
                (_, h) => h,
            };
            BandPoint {
                date: d,
                low: last_low,
                high,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pava_pools_violators() {
        assert_eq!(pava(&[1.0, 3.0, 2.0, 4.0], &[1.0; 4]), [1.0, 2.5, 2.5, 4.0]);
        assert_eq!(pava(&[5.0, 1.0], &[3.0, 1.0]), [4.0, 4.0]);
        assert_eq!(pava(&[], &[]), Vec::<f64>::new());
    }

    #[test]
    fn days_and_periods() {
        let d = |s: &str| s.parse::<PartialDate>().unwrap();
        assert_eq!(day_number(d("1970-01-01")), 0);
        assert_eq!(day_number(d("2024-03-01")) - day_number(d("2024-02-28")), 2);
        assert!(same_period(d("2024-05"), d("2024-05-08")));
        assert!(!same_period(d("2024-05-07"), d("2024-05-08")));
        assert!(same_period(d("2024"), d("2024-12-31")));
    }
}

/// Two sources' figures side by side on the dates both speak to (a source's figure: its
/// central value, else its plausible lower bound, e.g. a documented minimum).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SideBySide {
    /// The date.
    pub date: PartialDate,
    /// The first source's figure.
    pub a: f64,
    /// The second source's figure.
    pub b: f64,
}

/// The dates on which both `a` and `b` (source ids; a claim counts when it names the
/// source) made a claim, with their figures, in date order. When a source has several
/// claims on one date the first by id counts. O(n log n).
///
/// ```
/// use crosscheck::{ClaimSet, Reconciler, time::side_by_side};
///
/// let set = ClaimSet::from_csv_str(
///     "id,quantity,sources,low,high,central,as_of\n\
///      g1,tanks,gs,586,586,586,2022-03-28\no1,tanks,oryx,318,,,2022-03-28\n\
///      g2,tanks,gs,1000,1000,1000,2022-06-01\no2,tanks,oryx,700,,,2022-06-01\n",
/// )?;
/// let r = Reconciler::new().reconcile(&set);
/// let pairs = side_by_side(&r.quantities[0].timeline, "gs", "oryx");
/// assert_eq!(pairs, r.quantities[0].side_by_side("gs", "oryx"));
/// assert_eq!(pairs.len(), 2);
/// assert_eq!((pairs[0].a, pairs[0].b), (586.0, 318.0));
/// Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn side_by_side(timeline: &[TimelinePoint], a: &str, b: &str) -> Vec<SideBySide> {
    let value = |p: &TimelinePoint| p.central.or_else(|| p.plausible.low_value());
    let of = |source: &str| -> BTreeMap<PartialDate, f64> {
        let mut m = BTreeMap::new();
        for p in timeline
            .iter()
            .filter(|p| p.sources.iter().any(|s| s == source))
        {
            if let Some(v) = value(p) {
                m.entry(p.date).or_insert(v);
            }
        }
        m
    };
    let (ma, mb) = (of(a), of(b));
    ma.iter()
        .filter_map(|(d, &x)| {
            mb.get(d).map(|&y| SideBySide {
                date: *d,
                a: x,
                b: y,
            })
        })
        .collect()
}
