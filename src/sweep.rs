//! The endpoint sweep behind the support profile, the best-supported regions (Marzullo) and
//! the clusters (maximal cliques of the interval graph).

use serde::{Deserialize, Serialize};

use std::ops::Range;

use crate::interval::{Cut, Interval};

/// Weights are summed in fixed point (2⁻³² units) so that ties between regions are exact
/// and independent of the order of additions.
const SCALE: f64 = 4_294_967_296.0;

pub(crate) fn fixed(w: f64) -> i128 {
    (w * SCALE).round() as i128
}

/// One piece of the support profile: the claims' weight covering every value of `interval`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    pub best: Vec<(Interval, f64, Range<usize>)>,
    pub cliques: Vec<Range<usize>>,
    pub members: Vec<u32>,
}

impl Sweep {
    pub fn members(&self, r: &Range<usize>) -> &[u32] {
        &self.members[r.clone()]
    }
}

/// Reusable buffers, so that reconciling many quantities allocates once.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    events: Vec<(Cut, u8, u32)>,
    position: Vec<usize>,
    active: Vec<usize>,
    fixed: Vec<i128>,
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

/// Sweeps the intervals' endpoints once to find the support profile and its maxima, and
/// once more to list the best regions' claims and the maximal cliques.
///
/// At one cut, ends come before starts: `[a, v)` and `[v, b]` share no value and the cut
/// model puts both endpoints at `v⁻`. Cost: O(n log n) for the sort plus the size of the
/// output (the best regions' and cliques' member lists).
pub(crate) fn sweep(
    intervals: &[Interval],
    weights: &[f64],
    with_profile: bool,
    s: &mut Scratch,
    out: &mut Sweep,
) {
    let n = intervals.len();
    out.support.clear();
    out.best.clear();
    out.cliques.clear();
    out.members.clear();
    s.events.clear();
    for (i, iv) in intervals.iter().enumerate() {
        s.events.push((iv.low_cut(), 1, i as u32));
        s.events.push((iv.high_cut(), 0, i as u32));
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
        let cut = events[k].0;
        while k < events.len() && events[k].0 == cut {
            let (_, kind, i) = events[k];
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
                let interval = Interval::from_cuts(cut, events[k].0).expect("cuts increase");
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
        let cut = s.events[k].0;
        while k < s.events.len() && s.events[k].0 == cut {
            let (_, kind, i) = s.events[k];
            if kind == 1 {
                s.insert(i as usize);
                w += s.fixed[i as usize];
                grew = true;
            } else {
                w -= s.fixed[i as usize];
                if grew {
                    let r = s.push_active(&mut out.members);
                    out.cliques.push(r);
                    grew = false;
                }
                s.remove(i as usize);
            }
            k += 1;
        }
        if k < s.events.len() && !s.active.is_empty() {
            let here = (w, s.active.len());
            if Some(here) == best {
                let interval = Interval::from_cuts(cut, s.events[k].0).expect("cuts increase");
                let r = s.push_active(&mut out.members);
                out.best.push((interval, here.0 as f64 / SCALE, r));
            }
        }
    }
}
