//! Sources' track record and learned reliability (DESIGN §3.5).
//!
//! Across every quantity a source speaks to, its **track record** says how many claims it
//! made, how often its claim covers the best-supported region, its **bias** (the median
//! log ratio of its figures to the median of the other claims of the same quantity), its
//! **dispersion** (the median absolute deviation of those log ratios), its **coverage**
//! (how often its plausible interval holds that median) and its bias by stance. It is
//! computed for every reconciliation, in O(n log n).
//!
//! **Learned reliability** is opt-in ([`crate::Reconciler::with_learned_reliability`]) and
//! always named `learned` in the report. [`Learner::Crosscheck`], the default, is this
//! crate's own method on claims; [`Learner::Crh`], [`Learner::Catd`] and [`Learner::Gtm`]
//! are the published methods on numbers (see [`numeric`]). crosscheck's method:
//!
//! 1. Each current claim enters by what it says (DESIGN §3.1): a figure or range at its
//!    central value (a range at its midpoint), a one-sided claim as a bound, on the log
//!    scale for counts (the linear scale when a figure reaches 0 or for a real quantity,
//!    with each quantity's errors in units of a robust spread). A joint claim counts once.
//! 2. Robust start: each quantity's value is the lower median of its figures.
//! 3. Magnitude gate: a figure more than 100 times (log scale) or 50 robust spreads
//!    (linear scale) away from the value of the others is flagged as a magnitude error
//!    (units, vandalism), not averaged; it counts against its sources at the largest error.
//! 4. Each source's error variance is the posterior mean under an inverse-gamma prior
//!    centred on the typical squared error (one pseudo-claim's weight each side, the
//!    small-sample correction of GTM, Zhao & Han 2012): `σ_s² = (σ₀² + ½Σe²) / (1 + ½n_s)`,
//!    so a source with one claim stays near the prior and a source with many claims earns
//!    its weight. Errors are clipped at the gate, one-sided claims count half a claim and
//!    only their violation, and per stance the variance is shrunk toward the source's own.
//! 5. Each quantity's value is then the weighted median (log scale: ratios of counts are
//!    heavy-tailed; the value is a figure somebody claimed) or the weighted mean (linear
//!    scale) of its figures with weights `1/σ²` (a joint claim at its most reliable
//!    source's). Each figure's error is measured against the value of the *other* figures
//!    (leave one out), so a source that sets a value earns nothing for agreeing with itself.
//!    Steps 3–5 repeat to a fixed point.
//! 6. Sources that split into stable groups agreeing within and not across are reported
//!    as [`DefinitionSplit`]s (two definitions of one quantity, not errors).
//!
//! Results do not depend on the order of claims, sources or quantities.
//!
//! # Example
//!
//! ```
//! use crosscheck::{ClaimSet, Learner, Reconciler};
//!
//! // `b` is always 30 % high; `a` and `c` agree.
//! let mut csv = String::from("quantity,sources,value\n");
//! for (q, x) in [("q1", 100.0), ("q2", 250.0), ("q3", 400.0), ("q4", 800.0)] {
//!     csv += &format!("{q},a,{x}\n{q},b,{}\n{q},c,{}\n", x * 1.3, x * 1.01);
//! }
//! let set = ClaimSet::from_csv_str(&csv)?;
//! let r = Reconciler::new().with_learned_reliability(Learner::Crosscheck).reconcile(&set);
//! let b = r.sources.iter().find(|s| s.id == "b").unwrap();
//! assert!((b.bias.unwrap().exp() - 1.3 / 1.01).abs() < 0.05); // the track record sees it
//! let a = r.sources.iter().find(|s| s.id == "a").unwrap();
//! assert!(b.learned_weight < a.learned_weight); // and learning weighs it down
//! Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod numeric;

use std::collections::{BTreeMap, BTreeSet};

// Fx hashing (as the claim table's interner): these maps are keyed by source indices and
// names, hashed millions of times at a million claims; SipHash was most of their cost.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::{Deserialize, Serialize};

use crate::interval::Interval;
use crate::pool::{self, Entry, Excluded, Exclusion, Pooled, Scale};
use crate::quantity::QuantityKind;
use crate::row::ClaimRow;

/// What the track record needs of one reconciled quantity (a view of its report, so this
/// module does not depend on the reconciler that calls it). Its rows are the report's
/// [`ClaimRow`]s, or (without a learner, which reads more) any [`TrackRow`].
pub(crate) struct QuantityView<'a, R = ClaimRow> {
    /// The quantity id.
    pub quantity: &'a str,
    /// Its kind.
    pub kind: QuantityKind,
    /// Its claim rows (current and history).
    pub claims: &'a [R],
    /// Its best-supported region, if any.
    pub best: Option<Interval>,
}
use crate::time::ClaimStatus;

/// What the sources' track records (without a learner) read of a claim row: a whole
/// report's [`ClaimRow`], or a leaner row kept by a reconciler that has written the rest
/// of the report already (`Reconciler::reconcile_to_compact_json`, where a whole row a
/// claim was a fifth of the memory at 10⁶ claims).
pub(crate) trait TrackRow: Sync {
    /// Whether the claim is current, superseded, a relay.
    fn status(&self) -> ClaimStatus;
    /// Its sources.
    fn sources(&self) -> &[String];
    /// Its stance.
    fn stance(&self) -> crate::claim::Stance;
    /// Its plausible interval.
    fn plausible(&self) -> &Interval;
    /// How it enters the statistics ([`pool::entry`]).
    fn entry(&self, scale: Scale) -> Entry;
}

impl TrackRow for ClaimRow {
    fn status(&self) -> ClaimStatus {
        self.status
    }
    fn sources(&self) -> &[String] {
        &self.sources
    }
    fn stance(&self) -> crate::claim::Stance {
        self.stance
    }
    fn plausible(&self) -> &Interval {
        &self.plausible
    }
    fn entry(&self, scale: Scale) -> Entry {
        pool::entry(self, scale)
    }
}

/// A learned-reliability method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Learner {
    /// crosscheck's own method on claims (module docs).
    #[default]
    Crosscheck,
    /// CRH (Li et al., SIGMOD 2014) on central values.
    Crh,
    /// CATD (Li et al., PVLDB 2015) on central values.
    Catd,
    /// GTM (Zhao & Han, QDB 2012) on central values, α = β = 10.
    Gtm,
}

impl Learner {
    /// Every method.
    pub const ALL: [Learner; 4] = [
        Learner::Crosscheck,
        Learner::Crh,
        Learner::Catd,
        Learner::Gtm,
    ];

    /// The lowercase name (the same as serde's).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Learner::Crosscheck => "crosscheck",
            Learner::Crh => "crh",
            Learner::Catd => "catd",
            Learner::Gtm => "gtm",
        }
    }
}

named_enum!(Learner, "learner", "crosscheck, crh, catd, gtm");

/// One source's track record across every quantity it speaks to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SourceRecord {
    /// The source id.
    pub id: String,
    /// How many current claims name it (a joint claim counts for each of its sources).
    pub claims: usize,
    /// How many of them could be compared with another claim's figure.
    pub compared: usize,
    /// The share of its claims in disputed quantities (two or more current claims) whose
    /// plausible interval covers the best-supported region.
    pub in_best_supported: Option<f64>,
    /// The median natural-log ratio of its figures to the median of the other claims of
    /// the same quantity (positive: it says more than the others). Counts only (log scale).
    pub bias: Option<f64>,
    /// The median absolute deviation of those log ratios from `bias` (two or more).
    pub dispersion: Option<f64>,
    /// The share of its compared claims whose plausible interval holds the median of the
    /// other claims.
    pub coverage: Option<f64>,
    /// Claims and bias by stance (`own`, `adversary`, `third`, `unknown`, `mixed`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_stance: BTreeMap<String, StanceRecord>,
    /// The learned weight (1 = a source of typical error, and the weight of a source whose
    /// claims could not be compared with any other), when learned reliability was asked
    /// for.
    pub learned_weight: Option<f64>,
    /// Its claims flagged as magnitude errors by the learned method.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gated: Vec<String>,
}

/// A source's record in one stance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StanceRecord {
    /// Current claims in that stance.
    pub claims: usize,
    /// Their median log ratio to the others (as [`SourceRecord::bias`]).
    pub bias: Option<f64>,
}

/// Sources that split into groups which agree within and not across: most likely two
/// definitions of the quantities they share (say, killed against killed and wounded), not
/// errors to be averaged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DefinitionSplit {
    /// The groups of sources, each sorted, the groups in order of their first id.
    pub groups: Vec<Vec<String>>,
    /// How many quantities both groups speak to.
    pub quantities: usize,
    /// The typical ratio of the second group's figures to the first's (counts), or
    /// difference (linear scale).
    pub ratio: Option<f64>,
    /// The typical difference of the second group's figures from the first's on the linear
    /// scale, in robust spreads of the quantities (real quantities, or counts reaching 0).
    pub difference: Option<f64>,
}

/// How learned reliability ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Learning {
    /// The method.
    pub method: Learner,
    /// Iterations run.
    pub iterations: usize,
    /// Whether the estimates reached a fixed point.
    pub converged: bool,
    /// Without a fixed point: how many quantities' values still moved in the last
    /// iteration (crosscheck's learner stops when fewer than 0.1 % of the quantities move
    /// and the weights change by less than 1 % three rounds running: a weighted median
    /// flipping between two claimed figures).
    #[serde(default)]
    pub cycling: usize,
    /// Sources with a learned weight.
    pub sources: usize,
    /// Claims flagged as magnitude errors.
    pub gated: usize,
}

/// The report key of the learned pooled line.
pub const LEARNED: &str = "learned";

/// Magnitude gate on the log scale: a factor of 100.
const GATE_LOG: f64 = 4.605_170_185_988_092;
/// Magnitude gate on the linear scale, in robust spreads.
const GATE_LINEAR: f64 = 50.0;
/// What a gated claim counts as against its sources, in typical errors.
const HUBER: f64 = 3.0;
/// Iteration limit.
const MAX_ITERATIONS: usize = 50;
/// Quantities with more distinct sources than this add no pairs to the definition split
/// (the pairs of one quantity cost the square of its sources).
pub const DEFINITION_SOURCE_LIMIT: usize = 50;

#[derive(Debug, Clone, Copy)]
enum Obs {
    Point(f64),
    Lower(f64),
    Upper(f64),
}

#[derive(Debug, Clone)]
struct Item {
    q: usize,
    row: usize,
    sources: Vec<usize>,
    stance: usize,
    obs: Obs,
}

struct Problem {
    items: Vec<Item>,
    by_q: Vec<Vec<usize>>,
    log: Vec<bool>,
    spread: Vec<f64>,
    n_sources: usize,
}

/// The stances' names, each at its discriminant (`STANCES[s as usize] == s.as_str()`).
const STANCES: [&str; 5] = ["own", "adversary", "third", "unknown", "mixed"];

/// Whether a quantity's current claims go on the log scale, as the pooled figures do.
fn log_scale<R: TrackRow>(kind: QuantityKind, rows: &[&R]) -> bool {
    kind == QuantityKind::Count
        && rows.iter().all(|r| match r.entry(Scale::Log) {
            Entry::Figure { lo, central, .. } => lo > 0.0 && central > 0.0,
            Entry::OneSided { .. } | Entry::Unusable => true,
        })
}

fn current<'a, R: TrackRow>(q: &QuantityView<'a, R>) -> Vec<&'a R> {
    q.claims
        .iter()
        .filter(|c| c.status() == ClaimStatus::Current)
        .collect()
}

fn on(log: bool, x: f64) -> f64 {
    if log {
        if x > 0.0 { x.ln() } else { f64::NEG_INFINITY }
    } else {
        x
    }
}

fn back(log: bool, y: f64) -> f64 {
    if log { y.exp() } else { y }
}

fn build<R: TrackRow>(
    reports: &[QuantityView<'_, R>],
    source_index: &HashMap<&str, usize>,
) -> Problem {
    // Each quantity's items depend on it alone: built apart (in parallel with the
    // `parallel` feature), then numbered in the quantities' order.
    let one = |(qi, q): (usize, &QuantityView<'_, R>)| -> (bool, Vec<Item>) {
        let rows = current(q);
        let lg = log_scale(q.kind, &rows);
        let scale = if lg { Scale::Log } else { Scale::Linear };
        let mut mine = Vec::with_capacity(rows.len());
        for (ri, r) in q.claims.iter().enumerate() {
            if r.status() != ClaimStatus::Current {
                continue;
            }
            let obs = match r.entry(scale) {
                Entry::Figure { central, .. } => Obs::Point(on(lg, central)),
                Entry::OneSided { bound, lower } => {
                    let b = on(lg, bound);
                    if !b.is_finite() {
                        continue;
                    }
                    if lower { Obs::Lower(b) } else { Obs::Upper(b) }
                }
                Entry::Unusable => continue,
            };
            let mut sources: Vec<usize> = r
                .sources()
                .iter()
                .map(|s| source_index[s.as_str()])
                .collect();
            sources.sort_unstable();
            sources.dedup();
            mine.push(Item {
                q: qi,
                row: ri,
                sources,
                stance: STANCES
                    .iter()
                    .position(|s| *s == r.stance().as_str())
                    .unwrap_or(3),
                obs,
            });
        }
        (lg, mine)
    };
    #[cfg(feature = "parallel")]
    let parts: Vec<(bool, Vec<Item>)> = {
        use rayon::prelude::*;
        reports.par_iter().enumerate().map(one).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let parts: Vec<(bool, Vec<Item>)> = reports.iter().enumerate().map(one).collect();
    let mut items = Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum());
    let mut by_q = Vec::with_capacity(reports.len());
    let mut log = Vec::with_capacity(reports.len());
    for (lg, mine) in parts {
        log.push(lg);
        by_q.push((items.len()..items.len() + mine.len()).collect());
        items.extend(mine);
    }
    let spread = linear_spreads(&items, &by_q, &log);
    Problem {
        items,
        by_q,
        log,
        spread,
        n_sources: source_index.len(),
    }
}

/// Each linear quantity's robust spread (1.4826 × the median absolute deviation of its
/// figures), floored by the median spread of all linear quantities; 1 on the log scale.
fn linear_spreads(items: &[Item], by_q: &[Vec<usize>], log: &[bool]) -> Vec<f64> {
    let mut spread = vec![1.0; by_q.len()];
    let mut typical = Vec::new();
    for (qi, list) in by_q.iter().enumerate() {
        if log[qi] {
            continue;
        }
        let mut pts: Vec<f64> = list
            .iter()
            .filter_map(|&i| match items[i].obs {
                Obs::Point(y) => Some(y),
                _ => None,
            })
            .collect();
        if pts.len() >= 2 {
            let m = median_of(&mut pts);
            let mut dev: Vec<f64> = pts.iter().map(|y| (y - m).abs()).collect();
            spread[qi] = 1.4826 * median_of(&mut dev);
            if spread[qi] > 0.0 {
                typical.push(spread[qi]);
            }
        } else {
            spread[qi] = 0.0;
        }
    }
    let floor = if typical.is_empty() {
        1.0
    } else {
        median_of(&mut typical)
    };
    for (qi, s) in spread.iter_mut().enumerate() {
        if !log[qi] {
            *s = s.max(floor);
        }
    }
    spread
}

/// The median (the mean of the two middle values of an even count; NaN of none): the
/// values a sort by `total_cmp` puts in the middle, bit for bit, found by selection in
/// linear time (the track records' medians of a million ratios were sorts). Reorders `v`.
fn median_of(v: &mut [f64]) -> f64 {
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    let (below, mid, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        *mid
    } else {
        // The value just below the middle: the largest of those selected below it.
        let lower = below.iter().copied().max_by(f64::total_cmp).unwrap_or(*mid);
        lower / 2.0 + *mid / 2.0
    }
}

struct Fit {
    /// Per quantity, its value on its scale (`None`: no figure).
    truth: Vec<Option<f64>>,
    /// Per quantity, the standard error of the value on its scale.
    se: Vec<Option<f64>>,
    /// Per source, its weight `σ₀²/σ_s²`.
    weight: Vec<f64>,
    /// Whether the source has a learned weight (it made a claim that could be compared).
    learned: Vec<bool>,
    /// Per item, whether it was gated.
    gated: Vec<bool>,
    /// Per item, its weight in its quantity's value.
    item_weight: Vec<f64>,
    iterations: usize,
    converged: bool,
    /// Quantities whose value still moved in the last iteration (a limit cycle).
    cycling: usize,
}

/// crosscheck's learner (module docs).
fn learn_crosscheck(p: &Problem) -> Fit {
    let n_items = p.items.len();
    let ns = p.n_sources;
    let nq = p.by_q.len();
    // Quantities with two or more distinct source sets say something about reliability.
    let informative: Vec<bool> = p
        .by_q
        .iter()
        .map(|list| {
            let first = list.first().map(|&i| &p.items[i].sources);
            list.iter().any(|&i| Some(&p.items[i].sources) != first)
        })
        .collect();
    // Each quantity's figures in value order, sorted once (the values never change).
    let sorted: Vec<Vec<usize>> = p
        .by_q
        .iter()
        .map(|list| {
            let mut v: Vec<(f64, usize)> = list
                .iter()
                .filter_map(|&i| match p.items[i].obs {
                    Obs::Point(y) => Some((y, i)),
                    _ => None,
                })
                .collect();
            v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            v.into_iter().map(|x| x.1).collect()
        })
        .collect();
    // Dense (source, stance) keys: a weight per stance for sources that speak in several.
    let mut key_of: HashMap<(usize, usize), usize> = HashMap::default();
    let mut keys: Vec<(usize, usize)> = Vec::new();
    let item_keys: Vec<Vec<usize>> = p
        .items
        .iter()
        .map(|it| {
            it.sources
                .iter()
                .map(|&s| {
                    *key_of.entry((s, it.stance)).or_insert_with(|| {
                        keys.push((s, it.stance));
                        keys.len() - 1
                    })
                })
                .collect()
        })
        .collect();
    let mut stances_of = vec![0usize; ns];
    for &(s, _) in &keys {
        stances_of[s] += 1;
    }
    let mut weight = vec![1.0; ns];
    let mut key_weight = vec![1.0; keys.len()];
    let mut truth: Vec<Option<f64>> = vec![None; nq];
    let mut se: Vec<Option<f64>> = vec![None; nq];
    let mut gated = vec![false; n_items];
    let mut item_weight = vec![0.0; n_items];
    let mut others: Vec<Option<f64>> = vec![None; n_items];
    let mut prior: Option<f64> = None;
    let mut iterations = 0;
    let mut converged = false;
    let mut learned = vec![false; ns];
    let mut pts: Vec<(f64, f64, usize)> = Vec::new();
    let mut kept: Vec<(f64, f64, usize)> = Vec::new();
    let (mut all, mut pool) = (Pool::default(), Pool::default());
    let mut sse = vec![0.0; ns];
    let mut n = vec![0.0; ns];
    let mut key_sse = vec![0.0; keys.len()];
    let mut key_n = vec![0.0; keys.len()];
    let mut all_e2: Vec<f64> = Vec::new();
    let (mut calm, mut cycling) = (0usize, 0usize);
    while iterations < MAX_ITERATIONS {
        iterations += 1;
        let first = prior.is_none();
        // Values given the weights (the first pass: unweighted lower medians).
        let mut next = vec![None; nq];
        for (qi, order) in sorted.iter().enumerate() {
            if order.is_empty() {
                continue;
            }
            let log = p.log[qi];
            pts.clear();
            pts.extend(order.iter().map(|&i| {
                let w = if first {
                    1.0
                } else {
                    item_keys[i]
                        .iter()
                        .map(|&k| key_weight[k])
                        .fold(0.0, f64::max)
                };
                match p.items[i].obs {
                    Obs::Point(y) => (y, w, i),
                    _ => (f64::NAN, 0.0, i),
                }
            }));
            let median = log || first;
            all.fill(&pts, median);
            let t_all = all.value(&pts, None).unwrap_or(f64::NAN);
            // The gate: a figure a magnitude away both from the value of all and from the
            // value of the others (so of two figures a magnitude apart, the one the more
            // reliable sources stand behind stays).
            let gate = if log {
                GATE_LOG
            } else {
                GATE_LINEAR * p.spread[qi]
            };
            let far = |y: f64, t: f64| (y - t).abs() > gate;
            kept.clear();
            for (j, &(y, _, i)) in pts.iter().enumerate() {
                gated[i] = pts.len() >= 2
                    && far(y, t_all)
                    && all.value(&pts, Some(j)).is_some_and(|o| far(y, o));
                if gated[i] {
                    item_weight[i] = 0.0;
                    others[i] = None;
                } else {
                    kept.push(pts[j]);
                }
            }
            let (set, pl) = if kept.len() == pts.len() {
                (&pts, &all)
            } else {
                pool.fill(&kept, median);
                (&kept, &pool)
            };
            let t = pl.value(set, None).unwrap_or(f64::NAN);
            // Each figure's error is measured against the value of the others (leave one
            // out), so a source that sets a value is not rewarded for agreeing with itself.
            for (j, &(_, w, i)) in set.iter().enumerate() {
                item_weight[i] = w;
                others[i] = pl.value(set, Some(j));
            }
            if t.is_finite() {
                next[qi] = Some(t);
            }
        }
        // Errors given the values.
        sse.iter_mut().for_each(|x| *x = 0.0);
        n.iter_mut().for_each(|x| *x = 0.0);
        key_sse.iter_mut().for_each(|x| *x = 0.0);
        key_n.iter_mut().for_each(|x| *x = 0.0);
        all_e2.clear();
        for (i, it) in p.items.iter().enumerate() {
            if !informative[it.q] {
                continue;
            }
            let Some(t) = next[it.q] else { continue };
            let unit = if p.log[it.q] { 1.0 } else { p.spread[it.q] };
            let cap = if p.log[it.q] { GATE_LOG } else { GATE_LINEAR };
            // A gated claim is flagged for the reader, not averaged; against its sources it
            // counts as a bad miss (HUBER typical errors once those are known), so a single
            // slip of units does not outweigh a source's every other claim.
            let slip = prior.map_or(cap, |s0| (HUBER * s0.sqrt()).min(cap));
            let (e, k) = match it.obs {
                _ if gated[i] => (slip, 1.0),
                Obs::Point(y) => match others[i] {
                    Some(o) => (((y - o) / unit).clamp(-cap, cap), 1.0),
                    None => continue,
                },
                Obs::Lower(b) => (((b - t).max(0.0) / unit).min(cap), 0.5),
                Obs::Upper(b) => (((t - b).max(0.0) / unit).min(cap), 0.5),
            };
            if first && matches!(it.obs, Obs::Point(_)) {
                all_e2.push(e * e);
            }
            for (&s, &key) in it.sources.iter().zip(&item_keys[i]) {
                sse[s] += e * e;
                n[s] += k;
                key_sse[key] += e * e;
                key_n[key] += k;
            }
        }
        let s0 = *prior.get_or_insert_with(|| {
            let mean = if all_e2.is_empty() {
                0.0
            } else {
                all_e2.iter().sum::<f64>() / all_e2.len() as f64
            };
            let m = if all_e2.is_empty() {
                0.0
            } else {
                median_of(&mut all_e2)
            };
            if m > 0.0 {
                m
            } else if mean > 0.0 {
                mean
            } else {
                1.0
            }
        });
        let mut change: f64 = 0.0;
        for s in 0..ns {
            // A source with nothing to compare keeps the prior: weight 1, a typical source.
            learned[s] = true;
            let var = (s0 + 0.5 * sse[s]) / (1.0 + 0.5 * n[s]);
            let w = s0 / var;
            change = change.max((w - weight[s]).abs() / w.max(weight[s]));
            weight[s] = w;
        }
        // Per stance, shrunk toward the source's own variance (two pseudo-claims), only
        // for sources that speak in more than one stance.
        for (k, &(s, _)) in keys.iter().enumerate() {
            let w = if stances_of[s] > 1 {
                let vs = s0 / weight[s];
                s0 / ((2.0 * vs + 0.5 * key_sse[k]) / (2.0 + 0.5 * key_n[k]))
            } else {
                weight[s]
            };
            change = change.max((w - key_weight[k]).abs() / w.max(key_weight[k]));
            key_weight[k] = w;
        }
        let moved = next.iter().zip(&truth).filter(|(a, b)| a != b).count();
        truth = next;
        // A fixed point: the weights stopped moving (to 1e-9) and, with them, the values.
        if !first && (change < 1e-9 || (moved == 0 && change < 1e-6)) {
            converged = true;
            break;
        }
        // A limit cycle: a few weighted medians keep flipping between two claimed figures
        // as the weights nudge each other; three calm rounds in a row end the iteration.
        calm = if !first && moved * 1000 <= nq && change < 1e-2 {
            calm + 1
        } else {
            0
        };
        cycling = moved;
        if calm >= 3 {
            break;
        }
    }
    // Standard errors from the learned variances: 1/√Σ(1/σ_i²), in the quantity's units.
    let s0 = prior.unwrap_or(1.0);
    for (qi, list) in p.by_q.iter().enumerate() {
        let prec: f64 = list
            .iter()
            .filter(|&&i| matches!(p.items[i].obs, Obs::Point(_)) && !gated[i])
            .map(|&i| item_weight[i].max(0.0) / s0)
            .sum();
        if truth[qi].is_some() && prec > 0.0 {
            let unit = if p.log[qi] { 1.0 } else { p.spread[qi] };
            se[qi] = Some(unit / prec.sqrt());
        }
    }
    Fit {
        truth,
        se,
        weight,
        learned,
        gated,
        item_weight,
        iterations,
        converged,
        cycling: if converged { 0 } else { cycling },
    }
}

/// Prefix sums over one quantity's figures (sorted by value): the lower weighted median or
/// the weighted mean of all of them, or of all but one, in O(log n). The buffers are
/// reused from quantity to quantity.
#[derive(Default)]
struct Pool {
    prefix: Vec<f64>,
    sum: f64,
    median: bool,
}

impl Pool {
    fn fill(&mut self, pts: &[(f64, f64, usize)], median: bool) {
        self.prefix.clear();
        let mut acc = 0.0;
        let mut sum = 0.0;
        for p in pts {
            acc += p.1.max(0.0);
            sum += p.1.max(0.0) * p.0;
            self.prefix.push(acc);
        }
        self.sum = sum;
        self.median = median;
    }

    /// The value of all figures, or of all but the one at `skip` (`None` if none is left).
    fn value(&self, pts: &[(f64, f64, usize)], skip: Option<usize>) -> Option<f64> {
        let n = pts.len() - usize::from(skip.is_some());
        if n == 0 {
            return None;
        }
        let total = self.prefix.last().copied().unwrap_or(0.0);
        let wj = skip.map_or(0.0, |j| pts[j].1.max(0.0));
        let w = total - wj;
        let unweighted = !(w > 0.0 && w.is_finite());
        if !self.median {
            if !unweighted {
                let s = self.sum - skip.map_or(0.0, |j| wj * pts[j].0);
                let v = s / w;
                if v.is_finite() {
                    return Some(v);
                }
            }
            let s: f64 = (0..pts.len())
                .filter(|&k| Some(k) != skip)
                .map(|k| pts[k].0)
                .sum();
            return Some(s / n as f64);
        }
        let at = |k: usize| match skip {
            Some(j) if k >= j => k + 1,
            _ => k,
        };
        if unweighted {
            return Some(pts[at((n - 1) / 2)].0);
        }
        // The first figure (in value order, the skipped one left out) at which the
        // cumulative weight reaches half of the rest.
        let cum = |k: usize| self.prefix[k] - skip.filter(|&j| k >= j).map_or(0.0, |_| wj);
        let (mut lo, mut hi) = (0usize, pts.len() - 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if cum(mid) >= w / 2.0 {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        if Some(lo) == skip {
            lo = (lo + 1).min(pts.len() - 1);
            if Some(lo) == skip {
                lo -= 1;
            }
        }
        Some(pts[lo].0)
    }
}

/// The published methods on the central values (raw figures, one per source of a joint
/// claim, as those methods have no joint claims).
fn learn_numeric(
    p: &Problem,
    method: Learner,
    reports: &[QuantityView<'_>],
    names: &[&str],
) -> Fit {
    let mut triples = Vec::new();
    for it in &p.items {
        if let Obs::Point(y) = it.obs {
            let v = back(p.log[it.q], y);
            for &s in &it.sources {
                triples.push((reports[it.q].quantity, names[s], v));
            }
        }
    }
    triples.retain(|t| t.2.is_finite());
    let d = match numeric::Dataset::from_triples(triples) {
        Ok(d) if !d.is_empty() => d,
        _ => {
            return Fit {
                truth: vec![None; p.by_q.len()],
                se: vec![None; p.by_q.len()],
                weight: vec![0.0; p.n_sources],
                learned: vec![false; p.n_sources],
                gated: vec![false; p.items.len()],
                item_weight: vec![0.0; p.items.len()],
                iterations: 0,
                converged: true,
                cycling: 0,
            };
        }
    };
    let t = match method {
        Learner::Crh => d.crh(),
        Learner::Catd => d.catd(),
        _ => d.gtm(10.0, 10.0),
    };
    let qpos: HashMap<&str, usize> = d
        .objects()
        .iter()
        .enumerate()
        .map(|(i, o)| (o.as_str(), i))
        .collect();
    let spos: HashMap<&str, usize> = d
        .sources()
        .iter()
        .enumerate()
        .map(|(i, o)| (o.as_str(), i))
        .collect();
    let mut truth = vec![None; p.by_q.len()];
    for (qi, r) in reports.iter().enumerate() {
        if let Some(&o) = qpos.get(r.quantity) {
            truth[qi] = Some(on(p.log[qi], t.values[o])).filter(|x| x.is_finite());
        }
    }
    let mut weight = vec![0.0; p.n_sources];
    let mut learned = vec![false; p.n_sources];
    for (s, name) in names.iter().enumerate() {
        if let Some(&k) = spos.get(name) {
            weight[s] = t.weights[k];
            learned[s] = true;
        }
    }
    let item_weight = p
        .items
        .iter()
        .map(|it| it.sources.iter().map(|&s| weight[s]).fold(0.0, f64::max))
        .collect();
    Fit {
        truth,
        se: vec![None; p.by_q.len()],
        weight,
        learned,
        gated: vec![false; p.items.len()],
        item_weight,
        iterations: t.iterations,
        converged: t.converged,
        cycling: 0,
    }
}

/// What [`track`] adds to a reconciliation.
pub(crate) struct Tracked {
    pub sources: Vec<SourceRecord>,
    pub definitions: Vec<DefinitionSplit>,
    pub learning: Option<Learning>,
    /// Per quantity (in the order given), its `learned` pooled line.
    pub learned: Vec<Option<Pooled>>,
}

/// The track record of every source, and with `learner` the learned reliability and each
/// quantity's `learned` pooled line.
pub(crate) fn track(reports: &[QuantityView<'_>], learner: Option<Learner>) -> Tracked {
    let (mut records, problem, definitions, names) = records_and_splits(reports);
    let mut learning = None;
    let mut learned = Vec::new();
    if let Some(method) = learner {
        let fit = match method {
            Learner::Crosscheck => learn_crosscheck(&problem),
            m => learn_numeric(&problem, m, reports, &names),
        };
        let pooled = learned_lines(reports, &problem, &fit, method, &definitions);
        for (rec, s) in records.iter_mut().zip(0..) {
            rec.learned_weight = fit.learned[s].then_some(fit.weight[s]);
        }
        for (i, it) in problem.items.iter().enumerate() {
            if fit.gated[i] {
                let id = &reports[it.q].claims[it.row].id;
                for &s in &it.sources {
                    records[s].gated.push(id.clone());
                }
            }
        }
        for r in &mut records {
            r.gated.sort();
        }
        learned = pooled;
        learning = Some(Learning {
            method,
            iterations: fit.iterations,
            converged: fit.converged,
            sources: fit.learned.iter().filter(|x| **x).count(),
            gated: fit.gated.iter().filter(|x| **x).count(),
            cycling: fit.cycling,
        });
    }
    Tracked {
        sources: records,
        definitions,
        learning,
        learned,
    }
}

/// The sources' track records and the definition splits, without learning: what
/// [`track`] gives without a learner, for rows of any kind ([`TrackRow`]).
pub(crate) fn track_records<R: TrackRow>(
    reports: &[QuantityView<'_, R>],
) -> (Vec<SourceRecord>, Vec<DefinitionSplit>) {
    let (records, _, definitions, _) = records_and_splits(reports);
    (records, definitions)
}

/// The records, the problem the definition splits (and a learner) read, the splits, and
/// the sources' names in the order of the problem's indices.
fn records_and_splits<'a, R: TrackRow>(
    reports: &'a [QuantityView<'a, R>],
) -> (
    Vec<SourceRecord>,
    Problem,
    Vec<DefinitionSplit>,
    Vec<&'a str>,
) {
    // The distinct names first (a set), then sorted: sorting every claim's names (a
    // million at 10⁶ claims) was most of this function's time.
    let distinct: HashSet<&str> = reports
        .iter()
        .flat_map(|q| {
            q.claims
                .iter()
                .filter(|c| c.status() == ClaimStatus::Current)
        })
        .flat_map(|c| c.sources().iter().map(String::as_str))
        .collect();
    let mut names: Vec<&str> = distinct.into_iter().collect();
    names.sort_unstable();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    // The records and the definition splits read the reports independently: on two
    // threads with the `parallel` feature (a second each at a million claims).
    let split = || {
        let problem = build(reports, &index);
        let definitions = definitions(&problem, &names);
        (problem, definitions)
    };
    #[cfg(feature = "parallel")]
    let (records, (problem, definitions)) = rayon::join(|| records(reports, &names, &index), split);
    #[cfg(not(feature = "parallel"))]
    let (records, (problem, definitions)) = (records(reports, &names, &index), split());
    (records, problem, definitions, names)
}

fn learned_lines(
    reports: &[QuantityView<'_>],
    p: &Problem,
    fit: &Fit,
    method: Learner,
    definitions: &[DefinitionSplit],
) -> Vec<Option<Pooled>> {
    let split_sources: Vec<BTreeSet<&str>> = definitions
        .iter()
        .map(|d| d.groups.iter().flatten().map(String::as_str).collect())
        .collect();
    reports
        .iter()
        .enumerate()
        .map(|(qi, q)| {
            let log = p.log[qi];
            let scale = if log { Scale::Log } else { Scale::Linear };
            let description = match method {
                Learner::Crosscheck if log => "learned reliability (crosscheck): weighted median of figures by their sources' learned weights, magnitude errors gated, log scale",
                Learner::Crosscheck => "learned reliability (crosscheck): weighted mean of figures by their sources' learned weights, magnitude errors gated",
                Learner::Crh => "learned reliability (CRH, Li et al. 2014): weighted median of central values",
                Learner::Catd => "learned reliability (CATD, Li et al. 2015): weighted mean of central values",
                Learner::Gtm => "learned reliability (GTM, Zhao & Han 2012): posterior mean of central values",
            };
            let mut line = pool::empty(description.to_string(), scale);
            line.of = q.claims.iter().filter(|c| c.status == ClaimStatus::Current).count();
            let mine = &p.by_q[qi];
            let mut weights = Vec::new();
            for &i in mine {
                let id = q.claims[p.items[i].row].id.clone();
                if fit.gated[i] {
                    line.excluded.push(Excluded::new(id, Exclusion::MagnitudeError));
                } else if matches!(p.items[i].obs, Obs::Point(_)) {
                    weights.push((id, fit.item_weight[i]));
                } else {
                    line.excluded.push(Excluded::new(id, Exclusion::OneSidedRecord));
                }
            }
            line.used = weights.len();
            let total: f64 = weights.iter().map(|w| w.1).sum();
            line.weights = weights
                .into_iter()
                .map(|(k, w)| (k, if total > 0.0 { w / total } else { 0.0 }))
                .collect();
            match fit.truth[qi] {
                Some(t) => {
                    // A weighted median is a claimed figure: report it as claimed, not as
                    // exp(ln(figure)).
                    let claimed = mine.iter().find_map(|&i| match (p.items[i].obs, fit.gated[i]) {
                        (Obs::Point(y), false) if y == t => q.claims[p.items[i].row].central,
                        _ => None,
                    });
                    let claimed = claimed.or_else(|| {
                        mine.iter().find_map(|&i| match (p.items[i].obs, fit.gated[i]) {
                            (Obs::Point(y), false) if y == t => {
                                match pool::entry(&q.claims[p.items[i].row], scale) {
                                    Entry::Figure { central, .. } => Some(central),
                                    _ => None,
                                }
                            }
                            _ => None,
                        })
                    });
                    let v = claimed.unwrap_or_else(|| back(log, t));
                    line.value = Some(v).filter(|v| v.is_finite());
                    if let Some(se) = fit.se[qi].filter(|_| line.used >= 2) {
                        let (lo, hi) = (back(log, t - 1.96 * se), back(log, t + 1.96 * se));
                        let lo = if q.kind == QuantityKind::Count { lo.max(0.0) } else { lo };
                        line.interval = Interval::closed(lo, hi).ok().filter(|_| lo.is_finite() && hi.is_finite());
                    }
                    if line.used < 2 {
                        line.note = Some(if line.used == 1 {
                            "one figure: the value is that claim's own".to_string()
                        } else {
                            "no figure entered".to_string()
                        });
                    }
                }
                None => line.note = Some("no figure to learn from".into()),
            }
            let speakers: BTreeSet<&str> = q
                .claims
                .iter()
                .filter(|c| c.status == ClaimStatus::Current)
                .flat_map(|c| c.sources.iter().map(String::as_str))
                .collect();
            for (d, set) in definitions.iter().zip(&split_sources) {
                let groups_here = d
                    .groups
                    .iter()
                    .filter(|g| g.iter().any(|s| speakers.contains(s.as_str())))
                    .count();
                if groups_here >= 2 && set.iter().any(|s| speakers.contains(s)) {
                    line.warning = Some(format!(
                        "the sources split into groups that agree within and not across ({}): two definitions? The learned value mixes them",
                        d.groups.iter().map(|g| g.join(", ")).collect::<Vec<_>>().join(" | ")
                    ));
                }
            }
            Some(line)
        })
        .collect()
}

/// The track record of each source (module docs).
fn records<R: TrackRow>(
    reports: &[QuantityView<'_, R>],
    names: &[&str],
    index: &HashMap<&str, usize>,
) -> Vec<SourceRecord> {
    struct Acc {
        claims: usize,
        compared: usize,
        disputed: usize,
        in_best: usize,
        covered: usize,
        ratios: Vec<f64>,
        /// By stance (`Stance as usize`): claims and ratios.
        stance: [(usize, Vec<f64>); 5],
    }
    let mut acc: Vec<Acc> = names
        .iter()
        .map(|_| Acc {
            claims: 0,
            compared: 0,
            disputed: 0,
            in_best: 0,
            covered: 0,
            ratios: Vec::new(),
            stance: Default::default(),
        })
        .collect();
    for q in reports {
        let rows = current(q);
        let log = log_scale(q.kind, &rows);
        let scale = if log { Scale::Log } else { Scale::Linear };
        // Points on the report's scale, sorted, with their row.
        let mut pts: Vec<(f64, usize)> = rows
            .iter()
            .enumerate()
            .filter_map(|(k, r)| match r.entry(scale) {
                Entry::Figure { central, .. } => Some((on(log, central), k)),
                _ => None,
            })
            .collect();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        // Each row's place among the sorted points (rows without a figure have none).
        let mut pos: Vec<Option<usize>> = vec![None; rows.len()];
        for (j, p) in pts.iter().enumerate() {
            pos[p.1] = Some(j);
        }
        let best = q.best;
        for (k, r) in rows.iter().enumerate() {
            // The median of the other claims' figures.
            let others = median_without(&pts, pos[k]);
            let ratio = match (pos[k], others) {
                (Some(j), Some(m)) if log => Some(pts[j].0 - m),
                _ => None,
            };
            for s in r.sources() {
                let a = &mut acc[index[s.as_str()]];
                a.claims += 1;
                let st = &mut a.stance[r.stance() as usize];
                st.0 += 1;
                if rows.len() >= 2 {
                    a.disputed += 1;
                    if best.is_some_and(|b| r.plausible().contains(&b)) {
                        a.in_best += 1;
                    }
                }
                if let Some(m) = others {
                    a.compared += 1;
                    if r.plausible().contains_value(back(log, m)) {
                        a.covered += 1;
                    }
                }
                if let Some(x) = ratio {
                    a.ratios.push(x);
                    st.1.push(x);
                }
            }
        }
    }
    names
        .iter()
        .zip(acc)
        .map(|(id, mut a)| {
            let bias = (!a.ratios.is_empty()).then(|| median_of(&mut a.ratios));
            let dispersion = bias.filter(|_| a.ratios.len() >= 2).map(|b| {
                let mut d: Vec<f64> = a.ratios.iter().map(|x| (x - b).abs()).collect();
                median_of(&mut d)
            });
            SourceRecord {
                id: (*id).to_string(),
                claims: a.claims,
                compared: a.compared,
                in_best_supported: (a.disputed > 0).then(|| a.in_best as f64 / a.disputed as f64),
                bias,
                dispersion,
                coverage: (a.compared > 0).then(|| a.covered as f64 / a.compared as f64),
                by_stance: a
                    .stance
                    .into_iter()
                    .zip(STANCES)
                    .filter(|((n, _), _)| *n > 0)
                    .map(|((n, mut r), k)| {
                        (
                            k.to_string(),
                            StanceRecord {
                                claims: n,
                                bias: (!r.is_empty()).then(|| median_of(&mut r)),
                            },
                        )
                    })
                    .collect(),
                learned_weight: None,
                gated: Vec::new(),
            }
        })
        .collect()
}

/// The median of the sorted points without the one at `skip`, in O(1).
fn median_without(pts: &[(f64, usize)], skip: Option<usize>) -> Option<f64> {
    let n = pts.len() - usize::from(skip.is_some());
    if n == 0 {
        return None;
    }
    let at = |j: usize| -> f64 {
        let j = match skip {
            Some(s) if j >= s => j + 1,
            _ => j,
        };
        pts[j].0
    };
    Some(if n % 2 == 1 {
        at(n / 2)
    } else {
        at(n / 2 - 1) / 2.0 + at(n / 2) / 2.0
    })
}

/// A pair of sources' n, Σd, Σd² and whether any of their quantities was linear.
type PairSum = (f64, f64, f64, bool);

/// The sums of [`definitions`] by pair of sources `(a, b)`, `a < b`: a triangular table
/// when there are at most [`PairSums::DENSE_SOURCES`] sources (at most 2,096,128 pairs,
/// 67 MB; 16 MB at 1,000 sources, where a million claims make 4.5 million updates of
/// about 500,000 pairs and a hash map spent most of this function's time on them), a
/// hash map beyond. Either gives the same sums, added in the same order.
enum PairSums {
    Dense { n: usize, sums: Vec<PairSum> },
    Sparse(HashMap<(usize, usize), PairSum>),
}

impl PairSums {
    const DENSE_SOURCES: usize = 2048;

    fn new(n: usize) -> PairSums {
        if n <= Self::DENSE_SOURCES {
            PairSums::Dense {
                n,
                sums: vec![(0.0, 0.0, 0.0, false); n * n.saturating_sub(1) / 2],
            }
        } else {
            PairSums::Sparse(HashMap::default())
        }
    }

    /// Row a of the upper triangle starts after the rows before it: Σ_{i<a} (n − 1 − i).
    fn slot(n: usize, a: usize, b: usize) -> usize {
        a * (2 * n - a - 1) / 2 + (b - a - 1)
    }

    fn entry(&mut self, a: usize, b: usize) -> &mut PairSum {
        match self {
            PairSums::Dense { n, sums } => &mut sums[Self::slot(*n, a, b)],
            PairSums::Sparse(m) => m.entry((a, b)).or_insert((0.0, 0.0, 0.0, false)),
        }
    }

    /// A pair's sums, if it shared a quantity.
    fn get(&self, (a, b): (usize, usize)) -> Option<&PairSum> {
        match self {
            PairSums::Dense { n, sums } => Some(&sums[Self::slot(*n, a, b)]).filter(|e| e.0 > 0.0),
            PairSums::Sparse(m) => m.get(&(a, b)),
        }
    }

    /// The pairs that shared a quantity, in order of `(a, b)`.
    fn sorted(&self) -> Vec<((usize, usize), &PairSum)> {
        match self {
            PairSums::Dense { n, sums } => (0..*n)
                .flat_map(|a| (a + 1..*n).map(move |b| (a, b)))
                .zip(sums)
                .filter(|(_, e)| e.0 > 0.0)
                .collect(),
            PairSums::Sparse(m) => {
                let mut v: Vec<_> = m.iter().map(|(k, e)| (*k, e)).collect();
                v.sort_unstable_by_key(|x| x.0);
                v
            }
        }
    }
}

/// Groups of sources that agree within and differ stably across (module docs). Pairs of
/// sources are compared on the quantities both give a figure for (quantities with at most
/// [`DEFINITION_SOURCE_LIMIT`] sources): they agree when their figures are within 2 %
/// (log scale) or a tenth of a robust spread, on at least three quantities; two groups of
/// at least two sources each, connected by agreement, are a split when every pair across
/// that shares three or more quantities differs in the same direction by more than 10 %
/// (or one spread) with a spread of the differences under a third of their mean.
fn definitions(p: &Problem, names: &[&str]) -> Vec<DefinitionSplit> {
    // Per pair of sources: n, Σd, Σd², whether any quantity was linear.
    let mut pairs = PairSums::new(p.n_sources);
    for (qi, list) in p.by_q.iter().enumerate() {
        let mut pts: Vec<(usize, f64)> = Vec::new();
        for &i in list {
            if let Obs::Point(y) = p.items[i].obs {
                let unit = if p.log[qi] { 1.0 } else { p.spread[qi] };
                for &s in &p.items[i].sources {
                    pts.push((s, y / unit));
                }
            }
        }
        pts.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        pts.dedup_by_key(|x| x.0);
        if pts.len() < 2 || pts.len() > DEFINITION_SOURCE_LIMIT {
            continue;
        }
        for a in 0..pts.len() {
            for b in a + 1..pts.len() {
                let d = pts[b].1 - pts[a].1;
                let e = pairs.entry(pts[a].0, pts[b].0);
                e.0 += 1.0;
                e.1 += d;
                e.2 += d * d;
                e.3 |= !p.log[qi];
            }
        }
    }
    // Agreement components (union-find over sources, in index order).
    let mut parent: Vec<usize> = (0..p.n_sources).collect();
    fn find(parent: &mut [usize], x: usize) -> usize {
        let mut r = x;
        while parent[r] != r {
            r = parent[r];
        }
        let mut y = x;
        while parent[y] != r {
            let next = parent[y];
            parent[y] = r;
            y = next;
        }
        r
    }
    for ((a, b), &(n, _, s2, linear)) in pairs.sorted() {
        let rms = (s2 / n).sqrt();
        let tol = if linear { 0.1 } else { 0.02 };
        if n >= 3.0 && rms <= tol {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for s in 0..p.n_sources {
        let r = find(&mut parent, s);
        groups.entry(r).or_default().push(s);
    }
    let groups: Vec<(usize, Vec<usize>)> = groups.into_iter().filter(|g| g.1.len() >= 2).collect();
    let mut out = Vec::new();
    for (x, (_, ga)) in groups.iter().enumerate() {
        for (_, gb) in &groups[x + 1..] {
            // Every cross pair with three or more shared quantities, stably apart.
            let (mut n_tot, mut d_tot, mut quantities) = (0.0f64, 0.0f64, 0usize);
            let mut linear = false;
            let mut ok = true;
            let mut any = false;
            for &a in ga {
                for &b in gb {
                    let (k, sign) = if a < b { ((a, b), 1.0) } else { ((b, a), -1.0) };
                    let Some(&(n, s, s2, lin)) = pairs.get(k) else {
                        continue;
                    };
                    if n < 3.0 {
                        continue;
                    }
                    any = true;
                    let mean = sign * s / n;
                    let sd = (s2 / n - (s / n) * (s / n)).max(0.0).sqrt();
                    let min_gap = if lin { 1.0 } else { 0.0953 };
                    if mean.abs() < min_gap
                        || sd > mean.abs() / 3.0
                        || (d_tot != 0.0 && mean.signum() != d_tot.signum())
                    {
                        ok = false;
                    }
                    n_tot += n;
                    d_tot += sign * s;
                    quantities = quantities.max(n as usize);
                    linear |= lin;
                }
            }
            if any && ok {
                let mean = d_tot / n_tot;
                let mut g1: Vec<String> = ga.iter().map(|&s| names[s].to_string()).collect();
                let mut g2: Vec<String> = gb.iter().map(|&s| names[s].to_string()).collect();
                g1.sort();
                g2.sort();
                out.push(DefinitionSplit {
                    groups: vec![g1, g2],
                    quantities,
                    ratio: (!linear).then(|| mean.exp()),
                    difference: linear.then_some(mean),
                });
            }
        }
    }
    out
}

impl numeric::Dataset {
    /// crosscheck's learner ([module docs](crate::reliability)) on plain numbers: each
    /// number a point claim of its source, an object on the log scale when all its values
    /// are positive. Weights are relative to a source of typical error (1).
    ///
    /// ```
    /// use crosscheck::reliability::numeric::Dataset;
    ///
    /// let d = Dataset::from_triples([
    ///     ("x", "a", 100.0), ("x", "b", 101.0), ("x", "vandal", 1e9),
    ///     ("y", "a", 200.0), ("y", "b", 203.0), ("y", "vandal", 2e9),
    /// ])?;
    /// let t = d.crosscheck();
    /// assert_eq!(t.values, vec![100.0, 200.0]);
    /// assert!(t.weights[2] < t.weights[0]);
    /// Ok::<(), crosscheck::Error>(())
    /// ```
    #[must_use]
    pub fn crosscheck(&self) -> numeric::Truths {
        let mut items = Vec::with_capacity(self.len());
        let mut by_q = Vec::with_capacity(self.claims().len());
        let mut log = Vec::with_capacity(self.claims().len());
        // Counts (no negative figure anywhere) go on the log scale where an object's
        // figures are all positive; a data set with negative figures is on a linear scale.
        let counts = self.claims().iter().flatten().all(|x| x.1 >= 0.0);
        for (q, c) in self.claims().iter().enumerate() {
            let lg = counts && c.iter().all(|x| x.1 > 0.0);
            log.push(lg);
            let mut mine = Vec::with_capacity(c.len());
            for (row, &(s, v)) in c.iter().enumerate() {
                mine.push(items.len());
                items.push(Item {
                    q,
                    row,
                    sources: vec![s],
                    stance: 3,
                    obs: Obs::Point(on(lg, v)),
                });
            }
            by_q.push(mine);
        }
        let spread = linear_spreads(&items, &by_q, &log);
        let p = Problem {
            items,
            by_q,
            log,
            spread,
            n_sources: self.sources().len(),
        };
        let fit = learn_crosscheck(&p);
        numeric::Truths {
            values: fit
                .truth
                .iter()
                .zip(&p.log)
                .zip(self.claims())
                .map(|((t, &lg), c)| match t {
                    // A claimed figure is reported as claimed.
                    Some(t) => c
                        .iter()
                        .map(|x| x.1)
                        .find(|&v| on(lg, v) == *t)
                        .unwrap_or_else(|| back(lg, *t)),
                    None => f64::NAN,
                })
                .collect(),
            weights: fit.weight,
            iterations: fit.iterations,
            converged: fit.converged,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each stance's name is at its discriminant, where the track records file it.
    #[test]
    fn stances_are_named_at_their_discriminants() {
        use crate::claim::Stance;
        for s in [
            Stance::Own,
            Stance::Adversary,
            Stance::Third,
            Stance::Unknown,
            Stance::Mixed,
        ] {
            assert_eq!(STANCES[s as usize], s.as_str());
        }
    }

    /// The median by selection is the median a sort by `total_cmp` gives, bit for bit:
    /// odd and even counts, ties, −0 beside +0, infinities.
    #[test]
    fn the_median_by_selection_is_the_sorted_median() {
        let mut rng = crate::testing::XorShift::new(77);
        let values = [
            -0.0,
            0.0,
            1.0,
            -1.0,
            2.5,
            1e300,
            f64::INFINITY,
            -3.0,
            0.1,
            7.0,
        ];
        for n in 1..40 {
            for _ in 0..200 {
                let mut v: Vec<f64> = (0..n)
                    .map(|_| values[(rng.next_u64() % values.len() as u64) as usize])
                    .collect();
                let mut sorted = v.clone();
                sorted.sort_by(f64::total_cmp);
                let expected = if n % 2 == 1 {
                    sorted[n / 2]
                } else {
                    sorted[n / 2 - 1] / 2.0 + sorted[n / 2] / 2.0
                };
                let got = median_of(&mut v);
                assert!(
                    got.to_bits() == expected.to_bits() || (got.is_nan() && expected.is_nan()),
                    "{sorted:?}: {got} against {expected}"
                );
            }
        }
        assert!(median_of(&mut []).is_nan());
    }

    /// The triangular table and the hash map hold the same sums for the same updates, and
    /// list the same pairs in the same order: `definitions` reads them through `entry`,
    /// `get` and `sorted` alone.
    #[test]
    fn dense_and_sparse_pair_sums_agree() {
        let mut rng = crate::testing::XorShift::new(0x9e37_79b9_7f4a_7c15);
        let mut next = |m: usize| (rng.next_u64() % m as u64) as usize;
        for n in [2, 3, 17, 300] {
            let mut dense = PairSums::new(n);
            let mut sparse = PairSums::Sparse(HashMap::default());
            assert!(matches!(dense, PairSums::Dense { .. }));
            for _ in 0..4 * n {
                let a = next(n);
                let b = next(n);
                if a == b {
                    continue;
                }
                let (a, b) = (a.min(b), a.max(b));
                let d = next(1000) as f64 / 7.0;
                for p in [&mut dense, &mut sparse] {
                    let e = p.entry(a, b);
                    e.0 += 1.0;
                    e.1 += d;
                    e.2 += d * d;
                    e.3 |= a % 3 == 0;
                }
            }
            let (ds, ss) = (dense.sorted(), sparse.sorted());
            assert_eq!(ds, ss, "{n} sources");
            assert!(!ds.is_empty());
            for a in 0..n {
                for b in a + 1..n {
                    assert_eq!(dense.get((a, b)), sparse.get((a, b)), "({a}, {b}) of {n}");
                }
            }
        }
        assert!(matches!(
            PairSums::new(PairSums::DENSE_SOURCES + 1),
            PairSums::Sparse(_)
        ));
    }
}
