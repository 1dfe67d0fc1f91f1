//! The endpoint sweep behind the support profile, the best-supported regions (Marzullo) and
//! the clusters (maximal cliques of the interval graph).

use serde::{Deserialize, Serialize};

use std::ops::Range;

use crate::interval::{Cut, Interval};

/// Weights are summed in fixed point (2⁻³² units) so that ties between regions are exact
/// and independent of the order of additions.
const SCALE: f64 = 4_294_967_296.0;

pub(crate) fn fixed(w: f64) -> i128 {
    let x = (w * SCALE).round();
    // An integer below 2⁶³ in magnitude converts exactly through i64, which is one
    // instruction; the direct conversion to i128 is a library call.
    if x.abs() < 9.0e18 {
        x as i64 as i128
    } else {
        x as i128
    }
}

/// One piece of the support profile: the claims' weight covering every value of `interval`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SupportStep {
    /// The values this step covers.
    pub interval: Interval,
    /// The total weight of the claims covering it (summed exactly to 2⁻³²).
    pub weight: f64,
    /// How many claims cover it.
    pub claims: usize,
}

/// The output of one sweep, in item indices: member lists are ranges of `members`.
#[derive(Debug, Default)]
pub(crate) struct Sweep {
    pub support: Vec<SupportStep>,
    /// The best-supported regions: interval, weight, number of claims, and the listed
    /// members (empty once the member budget is spent).
    pub best: Vec<(Interval, f64, usize, Range<usize>)>,
    /// The cliques whose members are listed (up to the member budget), in sweep order.
    pub cliques: Vec<Range<usize>>,
    pub members: Vec<u32>,
    /// How many maximal cliques there are in all (listed or not).
    pub clique_count: usize,
    /// The (size, weight) of the largest cliques.
    pub top_key: Option<(usize, i128)>,
    /// Where each largest clique was found: the index of the first end event of its group
    /// (the clique is the set of intervals open there). Marking members per clique would
    /// cost O(n²) on a staircase of tied cliques; see `mark_top`.
    top_at: Vec<u32>,
    /// `in_top[i]`: claim i belongs to some largest clique (filled by `mark_top`).
    pub in_top: Vec<bool>,
}

impl Sweep {
    pub fn members(&self, r: &Range<usize>) -> &[u32] {
        &self.members[r.clone()]
    }
}

/// Marks the members of the largest cliques: interval i (start event at index a, end
/// event at index b of the sorted events) is open at a clique found at event index t iff
/// a < t ≤ b, so one binary search over the sorted clique positions per interval decides
/// it. O(n log n) however many cliques tie.
fn mark_top(
    events: &[u128],
    top_at: &[u32],
    n: usize,
    start: &mut Vec<u32>,
    in_top: &mut Vec<bool>,
) {
    in_top.clear();
    in_top.resize(n, false);
    if top_at.is_empty() {
        return;
    }
    // Each interval's start event index (set before its end event is reached).
    start.clear();
    start.resize(n, 0);
    for (k, &e) in events.iter().enumerate() {
        let (kind, i) = ((e >> 32) as u8 & 1, e as u32 as usize);
        if kind == 1 {
            start[i] = k as u32;
        } else {
            // End events come after their start (the low cut is below the high cut).
            let first_after = top_at.partition_point(|&t| t <= start[i]);
            in_top[i] = top_at.get(first_after).is_some_and(|&t| t <= k as u32);
        }
    }
}

/// Reusable buffers, so that reconciling many quantities allocates once.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    events: Vec<u128>,
    position: Vec<usize>,
    active: Vec<usize>,
    fixed: Vec<i128>,
    start: Vec<u32>,
}

impl Scratch {
    fn insert(&mut self, i: usize) {
        self.position[i] = self.active.len();
        self.active.push(i);
    }

    fn remove(&mut self, i: usize) {
        let p = self.position[i];
        self.active.swap_remove(p);
        if p < self.active.len() {
            self.position[self.active[p]] = p;
        }
    }

    /// Appends the active set, sorted, to `members`; returns its range.
    fn push_active(&self, members: &mut Vec<u32>) -> Range<usize> {
        let start = members.len();
        members.extend(self.active.iter().map(|&i| i as u32));
        members[start..].sort_unstable();
        start..members.len()
    }
}

/// An event as one integer that sorts as (cut, ends before starts, index): the cut's
/// position as order-preserving f64 bits (−0 folded into +0; ±∞ for the unbounded ends),
/// its side (just below or just above the value), the kind (0 = end, 1 = start) and the
/// interval's index. Sorting integers is what makes the sweep cheap.
fn event_key(c: Cut, kind: u8, i: u32) -> u128 {
    let (pos, side) = match c {
        Cut::NegInf => (f64::NEG_INFINITY, 0u8),
        Cut::Below(v) => (v.into_inner() + 0.0, 0),
        Cut::Above(v) => (v.into_inner() + 0.0, 1),
        Cut::PosInf => (f64::INFINITY, 0),
    };
    let bits = pos.to_bits();
    let ordered = if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    };
    (u128::from(ordered) << 64)
        | (u128::from(side) << 40)
        | (u128::from(kind) << 32)
        | u128::from(i)
}

/// The cut of an event, and the key bits that identify the cut.
fn decode(intervals: &[Interval], key: u128) -> (Cut, u128) {
    let iv = &intervals[key as u32 as usize];
    let cut = if (key >> 32) & 1 == 1 {
        iv.low_cut()
    } else {
        iv.high_cut()
    };
    (cut, key >> 40)
}

/// Sweeps the intervals' endpoints once to find the support profile and its maxima, and
/// once more to list the best regions' claims and the maximal cliques.
///
/// At one cut, ends come before starts: `[a, v)` and `[v, b]` share no value and the cut
/// model puts both endpoints at `v⁻`. Clique member lists are stored up to
/// `clique_budget` members in all, shared with the best regions' lists (their total size
/// can grow as n² on nested intervals);
/// every clique is still counted, and the members of the largest ones are marked. Cost:
/// O(n log n) for the sort, plus the best regions' member lists, plus at most the budget,
/// plus marking the members of cliques that tie for largest.
pub(crate) fn sweep(
    intervals: &[Interval],
    weights: &[f64],
    with_profile: bool,
    clique_budget: usize,
    s: &mut Scratch,
    out: &mut Sweep,
) {
    let n = intervals.len();
    out.support.clear();
    out.best.clear();
    out.cliques.clear();
    out.members.clear();
    out.clique_count = 0;
    out.top_key = None;
    out.top_at.clear();
    s.events.clear();
    for (i, iv) in intervals.iter().enumerate() {
        s.events.push(event_key(iv.low_cut(), 1, i as u32));
        s.events.push(event_key(iv.high_cut(), 0, i as u32));
    }
    s.events.sort_unstable();
    s.fixed.clear();
    s.fixed.extend(weights.iter().map(|w| fixed(*w)));
    let fixed_w = &s.fixed;
    // Pass 1: the profile and its maximum (by weight, then by count).
    let mut w: i128 = 0;
    let mut count = 0usize;
    let mut best: Option<(i128, usize)> = None;
    let events = &s.events;
    let mut k = 0;
    while k < events.len() {
        let (cut, at) = decode(intervals, events[k]);
        while k < events.len() && events[k] >> 40 == at {
            let (kind, i) = ((events[k] >> 32) as u8 & 1, events[k] as u32);
            if kind == 1 {
                w += fixed_w[i as usize];
                count += 1;
            } else {
                w -= fixed_w[i as usize];
                count -= 1;
            }
            k += 1;
        }
        if k < events.len() && count > 0 {
            if with_profile {
                let interval = Interval::from_cuts(cut, decode(intervals, events[k]).0)
                    // Cannot fail: events are sorted by cut and this step is taken only
                    // between two distinct cuts, so the region is non-empty.
                    .expect("cuts increase");
                out.support.push(SupportStep {
                    interval,
                    weight: w as f64 / SCALE,
                    claims: count,
                });
            }
            if best.is_none_or(|b| (w, count) > b) {
                best = Some((w, count));
            }
        }
    }

    // Pass 2: members of the best regions, and the maximal cliques.
    s.position.clear();
    s.position.resize(n, usize::MAX);
    s.active.clear();
    let mut grew = false;
    let mut w: i128 = 0;
    let mut k = 0;
    while k < s.events.len() {
        let (cut, at) = decode(intervals, s.events[k]);
        while k < s.events.len() && s.events[k] >> 40 == at {
            let (kind, i) = ((s.events[k] >> 32) as u8 & 1, s.events[k] as u32);
            if kind == 1 {
                s.insert(i as usize);
                w += s.fixed[i as usize];
                grew = true;
            } else {
                if grew {
                    // The active set is a maximal clique: count it, list it within the
                    // budget, and mark it if it is (one of) the largest.
                    out.clique_count += 1;
                    if out.members.len() + s.active.len() <= clique_budget {
                        let r = s.push_active(&mut out.members);
                        out.cliques.push(r);
                    }
                    let key = (s.active.len(), w);
                    if out.top_key.is_none_or(|t| key > t) {
                        out.top_key = Some(key);
                        out.top_at.clear();
                    }
                    if out.top_key == Some(key) {
                        out.top_at.push(k as u32);
                    }
                    grew = false;
                }
                w -= s.fixed[i as usize];
                s.remove(i as usize);
            }
            k += 1;
        }
        if k < s.events.len() && !s.active.is_empty() {
            let here = (w, s.active.len());
            if Some(here) == best {
                let interval = Interval::from_cuts(cut, decode(intervals, s.events[k]).0)
                    // Cannot fail: events are sorted by cut and this step is taken only
                    // between two distinct cuts, so the region is non-empty.
                    .expect("cuts increase");
                let r = if out.members.len() + s.active.len() <= clique_budget {
                    s.push_active(&mut out.members)
                } else {
                    out.members.len()..out.members.len()
                };
                out.best
                    .push((interval, here.0 as f64 / SCALE, s.active.len(), r));
            }
        }
    }
    mark_top(&s.events, &out.top_at, n, &mut s.start, &mut out.in_top);
}

/// The figures of one sweep that the claim table reports, for closed intervals of weight
/// one (see [`unit_sweep`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct UnitSweep {
    /// The first best-supported region.
    pub best: Interval,
    /// How many regions tie for the best support.
    pub ties: usize,
    /// How many maximal cliques there are.
    pub cliques: usize,
    /// How many intervals lie outside every largest clique.
    pub dissenters: usize,
}

/// Reusable buffers of [`unit_sweep`].
#[derive(Debug, Default)]
pub(crate) struct UnitScratch {
    /// Each interval's low and high ends as positions (see [`position`]).
    lows: Vec<u64>,
    highs: Vec<u64>,
    /// The end events: (the high end's position, index), sorted.
    ends: Vec<(u64, u32)>,
    /// The best regions: (low end's position, the interval whose low opens it, high end's
    /// position, the interval whose high closes it).
    regions: Vec<(u64, u32, u64, u32)>,
}

/// A value's position as an integer that orders as the value (−0 folded into +0, +∞
/// last), as in the events of [`sweep`].
#[inline]
fn position(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// [`sweep`]'s figures for n ≥ 1 closed intervals `[low, high]` of weight one (`high` may
/// be +∞, for an unbounded side), given by `bounds(i)` in ascending order of `low`: the
/// first best-supported region and how many tie with it, the number of maximal cliques,
/// and the number of intervals outside every largest clique — the same figures, to the
/// bit, as [`sweep`] on the same intervals with unit weights (a unit test compares the
/// two).
///
/// With equal weights the support of a region is its number of claims, so one merge of the
/// starts (already in order) with the sorted ends finds everything: a region of greatest
/// support opens at a start and closes at the next end, it is the region of a largest
/// clique (the intervals open there), and an interval belongs to that clique iff it starts
/// at or before the region and ends at or after it. Cost: O(n log n) for sorting the ends,
/// O(n log r) for the r best regions' members; no event list, no active set, no member
/// lists.
pub(crate) fn unit_sweep(
    n: usize,
    bounds: impl Fn(usize) -> (f64, f64),
    s: &mut UnitScratch,
) -> UnitSweep {
    debug_assert!(n > 0);
    s.lows.clear();
    s.highs.clear();
    for i in 0..n {
        let (lo, hi) = bounds(i);
        s.lows.push(position(lo));
        s.highs.push(position(hi));
    }
    s.ends.clear();
    s.ends
        .extend(s.highs.iter().enumerate().map(|(i, &h)| (h, i as u32)));
    s.ends.sort_unstable();
    s.regions.clear();
    let (lows, ends) = (&s.lows[..], &s.ends[..]);
    let (mut i, mut e) = (0, 0);
    let (mut count, mut best, mut cliques) = (0usize, 0usize, 0usize);
    let mut after_start = false;
    // Whether the last region pushed still waits for the cut that closes it.
    let mut open = false;
    while e < n {
        // At one value a start (just below it) comes before an end (just above it).
        if i < n && lows[i] <= ends[e].0 {
            let (key, first) = (lows[i], i);
            while i < n && lows[i] == key {
                i += 1;
                count += 1;
            }
            after_start = true;
            if count > best {
                best = count;
                s.regions.clear();
            }
            // The region after this group: there is one (every interval still has to end)
            // and it may be of greatest support so far.
            open = count == best;
            if open {
                s.regions.push((key, first as u32, 0, 0));
            }
        } else {
            let (key, first) = ends[e];
            if after_start {
                cliques += 1;
            }
            if open {
                if let Some(r) = s.regions.last_mut() {
                    (r.2, r.3) = (key, first);
                }
                open = false;
            }
            while e < n && ends[e].0 == key {
                e += 1;
                count -= 1;
            }
            after_start = false;
        }
    }
    // Cannot fail: the first group is a start group, after which the support is ≥ 1 and a
    // region of it is pushed and closed by the next end group.
    let &(_, a, _, b) = s.regions.first().expect("n > 0");
    let best_region = Interval::closed_checked(bounds(a as usize).0, bounds(b as usize).1);
    // An interval is in a largest clique iff some best region (a, b) has low ≤ a and
    // high ≥ b: the first region opening at or after its low is the one to check (the
    // regions are disjoint and in order, so the later ones close later still).
    let regions = &s.regions[..];
    let dissenters = lows
        .iter()
        .zip(&s.highs)
        .filter(|&(&lo, &hi)| {
            let j = regions.partition_point(|r| r.0 < lo);
            regions.get(j).is_none_or(|r| r.2 > hi)
        })
        .count();
    UnitSweep {
        best: best_region,
        ties: s.regions.len(),
        cliques,
        dissenters,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `unit_sweep` gives `sweep`'s figures on closed intervals of weight one: many small
    /// sets drawn from a few values (so that ends tie, touch and nest), with −0 and +0 both
    /// present and unbounded highs, the lows in ascending order as the claim table gives
    /// them. The best region is compared by its debug form too, so a −0 taken from the
    /// wrong interval shows.
    #[test]
    fn the_unit_sweep_is_the_sweep_with_unit_weights() {
        let values: [f64; 8] = [-0.0, 0.0, 1.0, 2.0, 2.0, 3.0, 5.0, 8.0];
        let mut rng = crate::testing::XorShift::new(11);
        let (mut scratch, mut out, mut unit) =
            (Scratch::default(), Sweep::default(), UnitScratch::default());
        for case in 0..20_000 {
            let n = 1 + (rng.next_u64() % 12) as usize;
            let mut ivs: Vec<(f64, f64)> = (0..n).map(|_| rng.tied_bounds(&values, 7)).collect();
            ivs.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.total_cmp(&y.1)));
            let intervals: Vec<Interval> = ivs
                .iter()
                .map(|&(lo, hi)| Interval::closed_checked(lo, hi))
                .collect();
            sweep(&intervals, &vec![1.0; n], false, 0, &mut scratch, &mut out);
            let got = unit_sweep(n, |i| ivs[i], &mut unit);
            let want = UnitSweep {
                best: out.best[0].0,
                ties: out.best.len(),
                cliques: out.clique_count,
                dissenters: out.in_top.iter().filter(|t| !**t).count(),
            };
            assert_eq!(got, want, "case {case}: {ivs:?}");
            assert_eq!(
                format!("{:?}", got.best),
                format!("{:?}", want.best),
                "{ivs:?}"
            );
        }
    }

    /// `fixed` is the direct conversion `(w · 2³²).round() as i128` everywhere: about the
    /// switch between its two conversions at 9·10¹⁸, at the ends of i64, beyond them, and
    /// for NaN and the infinities.
    #[test]
    fn fixed_point_weights_are_the_direct_conversion() {
        let direct = |w: f64| (w * SCALE).round() as i128;
        let edge = 9.0e18 / SCALE;
        let mut ws = vec![
            0.0,
            -0.0,
            1.0,
            0.5,
            1e-10,
            2.5 / SCALE,
            -2.5 / SCALE,
            edge,
            -edge,
            edge * (1.0 - f64::EPSILON),
            edge * (1.0 + f64::EPSILON),
            i64::MAX as f64 / SCALE,
            i64::MIN as f64 / SCALE,
            1e30,
            -1e30,
            f64::MAX,
            f64::MIN,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut rng = crate::testing::XorShift::new(5);
        ws.extend(
            (0..10_000).map(|_| (rng.unit() - 0.5) * 10f64.powi((rng.next_u64() % 60) as i32 - 20)),
        );
        for w in ws {
            assert_eq!(fixed(w), direct(w), "{w:e}");
        }
    }
}
