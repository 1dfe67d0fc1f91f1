//! The reconciler: per quantity, the envelope, consensus, support profile, best-supported
//! regions, relations, clusters, verdict, stance breakdown and pooled estimates.
//!
//! # Cost (per quantity with n claims)
//!
//! | figure | cost |
//! |---|---|
//! | envelope, consensus, verdict, stance breakdown | O(n) after sorting by id |
//! | support profile, best-supported regions, clusters | O(n log n) + the size of the member lists |
//! | pooled estimates | O(n log n) each, O(n² log n) with leave-one-out influence |
//! | pairwise relations | O(n²), listed only up to [`Reconciler::with_relation_limit`] claims; [`QuantityReport::relations`] produces them lazily on demand |

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::claim::{Claim, Stance};
use crate::claimset::ClaimSet;
use crate::estimate::Estimate;
use crate::interval::Interval;
use crate::pool::{self, PoolOptions, Pooled};
use crate::quantity::{Quantity, QuantityKind, Temporal};
use crate::relation::{PairRelation, Relating, relate};
use crate::source::ReliabilityWeights;
use crate::sweep::{Scratch, SupportStep, Sweep, fixed, sweep};

/// The overall verdict on one quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// One claim only.
    Single,
    /// All plausible intervals share a value (the consensus).
    Consistent,
    /// The plausible intervals share no common value, but the hard intervals do: the
    /// claims pull apart, yet all could be true.
    Tension,
    /// Some two hard intervals are disjoint: not all claims can be true.
    Contradiction,
}

impl Verdict {
    /// Every variant, in declaration order.
    pub const ALL: [Verdict; 4] = [
        Verdict::Single,
        Verdict::Consistent,
        Verdict::Tension,
        Verdict::Contradiction,
    ];

    /// The lowercase name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Single => "single",
            Verdict::Consistent => "consistent",
            Verdict::Tension => "tension",
            Verdict::Contradiction => "contradiction",
        }
    }
}

named_enum!(
    Verdict,
    "verdict",
    "single, consistent, tension, contradiction"
);

/// How serious a tension or contradiction is (DESIGN §3): `minor` when the deciding
/// claims' central values lie within 5 % of each other (a relay or rounding matter),
/// `major` otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The deciding figures are within 5 % of each other.
    Minor,
    /// The deciding figures are further apart.
    Major,
}

impl Severity {
    /// Every variant, in declaration order.
    pub const ALL: [Severity; 2] = [Severity::Minor, Severity::Major];

    /// The lowercase name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Major => "major",
        }
    }
}

named_enum!(Severity, "severity", "minor, major");

/// The warning every pooled line carries when the claims contradict one another and their
/// central values are more than a factor 2 apart (DESIGN §3.1).
pub const CONTRADICTION_WARNING: &str =
    "the claims contradict each other; a pooled value describes no one's figure";

pub use crate::row::ClaimRow;

/// A region agreed by the most weight of claims (Marzullo's algorithm).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Region {
    /// The values of the region.
    pub interval: Interval,
    /// The total weight of the claims covering it.
    pub weight: f64,
    /// The claims covering it (listed unless the quantity's member budget is spent, see
    /// `QuantityReport::clusters_complete`; `claim_count` is always exact).
    pub claims: Vec<String>,
    /// How many claims cover it.
    pub claim_count: usize,
}

/// The claims of one stance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StanceGroup {
    /// The claims.
    pub claims: Vec<String>,
    /// The hull of their plausible intervals.
    pub envelope: Interval,
    /// The median of their representative values (central, else midpoint).
    pub median: Option<f64>,
}

/// Whether the disagreement lines up with sides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StanceBreakdown {
    /// The claims by stance.
    pub groups: BTreeMap<Stance, StanceGroup>,
    /// Stances ordered from the highest median to the lowest.
    pub order: Vec<Stance>,
    /// Whether the stance groups' envelopes are pairwise disjoint (two or more groups).
    pub separated: bool,
    /// Whether the order is the one self-serving bias produces on losses: adversary above
    /// third parties above the subject's own side (with at least two of them present).
    pub self_serving_pattern: bool,
    /// The one stance every claim has, when they all share it.
    pub only: Option<Stance>,
    /// A sentence that says what the breakdown shows.
    pub summary: String,
}

/// The reconciliation of one quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QuantityReport {
    /// The quantity id.
    pub quantity: String,
    /// Its description.
    pub description: String,
    /// Its unit label.
    pub unit: String,
    /// Its number domain.
    pub kind: QuantityKind,
    /// How it relates to time; projections are reconciled on their own.
    pub temporal: Temporal,
    /// Whose soldiers, losses or equipment it counts.
    pub subject_side: Option<String>,
    /// The claims, sorted by id.
    pub claims: Vec<ClaimRow>,
    /// The hull of all plausible intervals.
    pub envelope: Interval,
    /// The intersection of all plausible intervals, if any.
    pub consensus: Option<Interval>,
    /// The weight of claims covering each value (only pieces covered by some claim).
    pub support: Vec<SupportStep>,
    /// The regions of greatest support (ties all listed).
    pub best_supported: Vec<Region>,
    /// The verdict.
    pub verdict: Verdict,
    /// The headline beside the verdict: the share of the total weight inside the
    /// best-supported region (1 = everyone agrees). With many claims one disjoint pair
    /// makes every verdict `contradiction`; this says how much of the weight agrees.
    #[serde(default)]
    pub agreement: f64,
    /// The highest over the lowest central value (the plausible midpoint, or its finite
    /// end, where a claim has no central); `None` when the lowest is not positive.
    #[serde(default)]
    pub spread: Option<f64>,
    /// For `tension` and `contradiction`: `minor` when the deciding claims' central values
    /// lie within 5 % of each other, `major` otherwise.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// The claims that decide the verdict: for `consistent`, those whose bounds form the
    /// consensus; for `tension` and `contradiction`, those with the highest lower bound and
    /// the lowest upper bound (plausible, resp. hard), which cannot meet.
    pub deciding: Vec<String>,
    /// Every pair's relation (sorted by ids), when the quantity has at most the relation
    /// limit of claims; see `relations_complete`.
    pub relations: Vec<PairRelation>,
    /// Whether `relations` lists every pair.
    pub relations_complete: bool,
    /// Maximal groups of mutually overlapping claims, largest first (all of them unless
    /// `clusters_complete` is false).
    pub clusters: Vec<Vec<String>>,
    /// How many clusters there are.
    pub cluster_count: usize,
    /// Whether `clusters` lists every cluster: member lists stop at 4 × n members (at least
    /// 4,096), since nested intervals can make their total size grow as n²; the clusters
    /// found first are listed. `cluster_count` and `dissenters` stay exact.
    pub clusters_complete: bool,
    /// Claims outside the largest cluster(s).
    pub dissenters: Vec<String>,
    /// Whether the disagreement lines up with sides.
    pub stance: StanceBreakdown,
    /// Pooled estimates by method name.
    pub pooled: BTreeMap<String, Pooled>,
    /// The date judged (DESIGN §3.2): the latest date among the claims unless one was given.
    #[serde(default)]
    pub as_of: Option<crate::claim::PartialDate>,
    /// Every dated claim on the time axis (cumulative and snapshot quantities).
    #[serde(default)]
    pub timeline: Vec<crate::time::TimelinePoint>,
    /// The monotone band of a cumulative quantity.
    #[serde(default)]
    pub monotone_band: Vec<crate::time::BandPoint>,
    /// Current claims of a cumulative quantity dated before the newest: judged by their
    /// floors.
    #[serde(default)]
    pub carried_floors: Vec<crate::time::CarriedFloor>,
    /// How the dated series moved: rising, steady, or a decrease (a correction or a
    /// contradiction).
    #[serde(default)]
    pub history: Option<crate::time::History>,
    /// Claims that are one figure relayed by several outlets.
    #[serde(default)]
    pub relays: Vec<crate::time::Relay>,
}

impl QuantityReport {
    /// Two sources' figures on the dates both gave one (see [`crate::time::side_by_side`]).
    #[must_use]
    pub fn side_by_side(&self, a: &str, b: &str) -> Vec<crate::time::SideBySide> {
        crate::time::side_by_side(&self.timeline, a, b)
    }

    fn claims_weight(&self, rows: &[ClaimRow]) -> f64 {
        // Summed in fixed point, as the sweep sums the region's weight.
        rows.iter()
            .map(|r| crate::sweep::fixed(r.weight))
            .sum::<i128>() as f64
            / 4_294_967_296.0
    }

    /// Every pair's relation, produced lazily in id order. O(1) per pair, O(n²) in all.
    pub fn relations(&self) -> impl Iterator<Item = PairRelation> + '_ {
        let judged: Vec<&ClaimRow> = self
            .claims
            .iter()
            .filter(|c| c.status == crate::time::ClaimStatus::Current)
            .collect();
        let n = judged.len();
        (0..n).flat_map(move |i| {
            let judged = judged.clone();
            (i + 1..n).map(move |j| pair(judged[i], judged[j]))
        })
    }

    /// The relation of two claims of this quantity, by id, in the order asked.
    #[must_use]
    pub fn relation(&self, a: &str, b: &str) -> Option<PairRelation> {
        let find = |id: &str| self.claims.iter().find(|c| c.id == id);
        Some(pair(find(a)?, find(b)?))
    }

    /// The claim row with this id.
    #[must_use]
    pub fn claim(&self, id: &str) -> Option<&ClaimRow> {
        self.claims.iter().find(|c| c.id == id)
    }

    /// Whether this quantity holds projections (never pooled with present figures).
    #[must_use]
    pub fn is_projection(&self) -> bool {
        self.temporal == Temporal::Projection
    }
}

fn row_estimate(r: &ClaimRow) -> Estimate {
    // A row the reconciler built always holds a valid estimate; a deserialised report may
    // not (a central outside its plausible interval, a plausible interval outside the hard
    // one): then the pair is related on what is consistent in the row.
    Estimate::new(r.hard, r.plausible, r.central)
        .or_else(|_| Estimate::new(r.hard.hull(&r.plausible), r.plausible, None))
        .unwrap_or_else(|_| Estimate::new_unchecked(r.plausible))
}

fn pair(a: &ClaimRow, b: &ClaimRow) -> PairRelation {
    let Relating {
        relation,
        gap,
        central_ratio,
        overlap_share,
        ..
    } = relate(&row_estimate(a), &row_estimate(b));
    PairRelation {
        a: a.id.clone(),
        b: b.id.clone(),
        relation,
        gap,
        central_ratio,
        overlap_share,
    }
}

/// The reconciliation of a claim set: one report per quantity with claims.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reconciliation {
    /// Reports, present figures first, then projections, each by quantity id.
    pub quantities: Vec<QuantityReport>,
    /// Declared quantities that no claim is about (derived ones included).
    pub unclaimed: Vec<String>,
    /// The constraints between quantities, in id order (DESIGN §3.4).
    #[serde(default)]
    pub constraints: Vec<crate::constraint::ConstraintReport>,
    /// Quantities with no claims derived as a constraint's total.
    #[serde(default)]
    pub derived: Vec<crate::constraint::DerivedQuantity>,
    /// Each source's track record across the quantities it speaks to, by id (DESIGN §3.5);
    /// `learned_weight` is set when learned reliability was asked for.
    #[serde(default)]
    pub sources: Vec<crate::reliability::SourceRecord>,
    /// Groups of sources that agree within and not across: two definitions?
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub definitions: Vec<crate::reliability::DefinitionSplit>,
    /// How learned reliability ran, when it was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learning: Option<crate::reliability::Learning>,
}

impl Reconciliation {
    /// The report for one quantity.
    #[must_use]
    pub fn quantity(&self, id: &str) -> Option<&QuantityReport> {
        self.quantities.iter().find(|q| q.quantity == id)
    }

    /// The JSON report (DESIGN §5), indented.
    #[must_use]
    pub fn to_json_string(&self) -> String {
        // A report holds only strings, finite numbers, maps with string keys and lists,
        // all of which serde_json writes; an error is impossible, and would show as `{}`.
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into())
    }

    /// The compact JSON report: on one line, and without the entries a reader loses
    /// nothing by missing — every field whose value is `null`, `[]` or `{}` (read an
    /// absent field as that), each pooled line's `method` description (the line's key
    /// names the method and `scale` its scale), and the heterogeneity figures that follow
    /// from others (`tau` = √`tau2`, `h2` = 100 / (100 − `i2`)). Every other field, name
    /// and number is that of [`to_json_string`](Reconciliation::to_json_string), which
    /// writes them all. Reconcile with [`Reconciler::compact`] as well to leave out what
    /// only a detailed reading needs (influence maps, support profiles, every pair's
    /// relation). On 100,000 claims in 10,000 quantities the two together write about a
    /// third of the full report (BENCHMARKS.md).
    #[must_use]
    pub fn to_compact_json_string(&self) -> String {
        let mut out = Vec::new();
        // As for `to_json_string`, an error is impossible. One pass, on one thread (the
        // tests hold `write_compact_json`'s parallel writer to the same bytes).
        let _ = crate::compact::write_vec(self, COMPACT_OMIT, &mut out);
        String::from_utf8(out).unwrap_or_else(|_| "{}".into())
    }

    /// Writes the compact JSON report (see
    /// [`to_compact_json_string`](Reconciliation::to_compact_json_string)) to `out` as it
    /// goes, without holding the text in memory.
    ///
    /// # Errors
    ///
    /// A write error of `out`.
    ///
    /// With the `parallel` feature the quantities' reports are serialised in parallel, a
    /// few hundred at a time, and written in order: the same bytes as the one-pass writer
    /// (`quantities` is the report's first field, and each quantity's report is written
    /// the same way inside the list as alone), in about half the time on two cores.
    pub fn write_compact_json(&self, out: impl std::io::Write) -> std::io::Result<()> {
        #[cfg(feature = "parallel")]
        if !self.quantities.is_empty() {
            use rayon::prelude::*;
            let mut out = out;
            let rest = self.clone_without_quantities();
            let mut tail = Vec::new();
            crate::compact::write_vec(&rest, COMPACT_OMIT, &mut tail)
                .map_err(std::io::Error::other)?;
            out.write_all(b"{\"quantities\":[")?;
            for (c, chunk) in self.quantities.chunks(256).enumerate() {
                let parts: Vec<Vec<u8>> = chunk
                    .par_iter()
                    .map(|q| {
                        let mut v = Vec::new();
                        crate::compact::write_vec(q, COMPACT_OMIT, &mut v).map(|()| v)
                    })
                    .collect::<serde_json::Result<_>>()
                    .map_err(std::io::Error::other)?;
                for (i, part) in parts.iter().enumerate() {
                    if c > 0 || i > 0 {
                        out.write_all(b",")?;
                    }
                    out.write_all(part)?;
                }
            }
            out.write_all(b"]")?;
            // `tail` is `{}` or `{"unclaimed":…}`: the other fields, after the list.
            if tail.len() > 2 {
                out.write_all(b",")?;
            }
            return out.write_all(tail.get(1..).unwrap_or(b"}"));
        }
        crate::compact::write(self, COMPACT_OMIT, out).map_err(std::io::Error::other)
    }

    /// Everything but the quantities' reports, copied.
    #[cfg(feature = "parallel")]
    fn clone_without_quantities(&self) -> Reconciliation {
        Reconciliation {
            quantities: Vec::new(),
            unclaimed: self.unclaimed.clone(),
            constraints: self.constraints.clone(),
            derived: self.derived.clone(),
            sources: self.sources.clone(),
            definitions: self.definitions.clone(),
            learning: self.learning.clone(),
        }
    }
}

/// The fields the compact report leaves out even when they have a value: each follows
/// from what is kept, or names what the key already names.
const COMPACT_OMIT: crate::compact::Omit =
    &[("Pooled", &["method"]), ("Heterogeneity", &["tau", "h2"])];

/// Reconciles claim sets.
///
/// # Example
///
/// ```
/// use crosscheck::{Claim, ClaimSet, Quantity, Reconciler, Source};
///
/// let mut set = ClaimSet::new();
/// set.add_source(Source::new("a", "A")?)?;
/// set.add_source(Source::new("b", "B")?)?;
/// set.add_quantity(Quantity::new("q", "casualties")?)?;
/// set.add_claim(Claim::new("x", "q", ["a"], "about 4,000".parse()?)?)?;
/// set.add_claim(Claim::new("y", "q", ["b"], "closer to 1,200".parse()?)?)?;
/// let r = Reconciler::new().reconcile(&set);
/// let q = r.quantity("q").unwrap();
/// assert_eq!(q.verdict.as_str(), "tension");
/// assert_eq!(q.envelope.to_string(), "[1,100, 6,000]");
/// Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Reconciler {
    weights: ReliabilityWeights,
    relation_limit: usize,
    pool: PoolOptions,
    profile: bool,
    parallel: bool,
    as_of: Option<crate::claim::PartialDate>,
    learner: Option<crate::reliability::Learner>,
}

impl Default for Reconciler {
    fn default() -> Self {
        Reconciler {
            weights: ReliabilityWeights::default(),
            relation_limit: 200,
            pool: PoolOptions::default(),
            profile: true,
            parallel: true,
            as_of: None,
            learner: None,
        }
    }
}

impl Reconciler {
    /// Default weights, relations listed up to 200 claims, every pooled method.
    #[must_use]
    pub fn new() -> Reconciler {
        Reconciler::default()
    }

    /// Sets the reliability weight table.
    #[must_use]
    pub fn with_weights(mut self, weights: ReliabilityWeights) -> Reconciler {
        self.weights = weights;
        self
    }

    /// Lists every pair's relation in reports of at most `n` claims (default 200); larger
    /// quantities leave `relations` empty and `relations_complete` false, and produce pairs
    /// on demand with [`QuantityReport::relations`].
    #[must_use]
    pub fn with_relation_limit(mut self, n: usize) -> Reconciler {
        self.relation_limit = n;
        self
    }

    /// Sets the pooling options (which methods, influence, level).
    #[must_use]
    pub fn with_pooling(mut self, pool: impl Into<PoolOptions>) -> Reconciler {
        self.pool = pool.into();
        self
    }

    /// Computes leave-one-out influence only for quantities with at most `n` claims and
    /// `n` distinct sources (default [`pool::DEFAULT_INFLUENCE_LIMIT`]); `0` turns influence
    /// off for quantities of more than zero claims. Beyond the limit each pooled line says
    /// `influence_skipped`.
    #[must_use]
    pub fn with_influence_limit(mut self, n: usize) -> Reconciler {
        self.pool.influence_limit = n;
        self
    }

    /// Judges every quantity as of a date (DESIGN §3.2): claims dated after it are left
    /// out, each source set's latest claim on or before it is current, earlier ones are
    /// superseded. By default each quantity is judged as of the latest date among its
    /// claims.
    ///
    /// ```
    /// use crosscheck::{ClaimSet, Reconciler};
    ///
    /// let set = ClaimSet::from_csv_str(
    ///     "id,quantity,sources,value,as_of\n\
    ///      sept,deaths,mod,\"5,937\",2022-09-21\n\
    ///      jan,deaths,mod,\"just over 6,000\",2023-01-04\n",
    /// )?;
    /// let now = Reconciler::new().reconcile(&set);
    /// assert_eq!(now.quantities[0].verdict.as_str(), "single"); // the revision supersedes
    /// let then = Reconciler::new().as_of("2022-12".parse()?).reconcile(&set);
    /// assert_eq!(then.quantities[0].claims.len(), 1); // January's claim was not yet made
    /// Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn as_of(mut self, date: crate::claim::PartialDate) -> Reconciler {
        self.as_of = Some(date);
        self
    }

    /// What a reader needs and no more: no support profile, no pair list (pairs stay
    /// available on demand through [`QuantityReport::relations`]), no leave-one-out
    /// influence, and pooled lines that say how many claims they rest on (`used`) without
    /// listing each claim's weight. The `crosscheck` tool reconciles this way unless `--detail` is given.
    #[must_use]
    pub fn compact(self) -> Reconciler {
        let mut r = self.without_support_profile().with_relation_limit(0);
        r.pool.influence = false;
        r.pool.weights = false;
        r
    }

    /// Learns each source's reliability from the data (DESIGN §3.5, [`crate::reliability`])
    /// and adds a pooled line `learned` to every quantity, with `learned_weight` in each
    /// source's record. Opt-in and always named: the Admiralty grades still drive every
    /// other method.
    ///
    /// ```
    /// use crosscheck::{ClaimSet, Reconciler, reliability::Learner};
    ///
    /// // Three sources on four cities; `vandal` is 1,000 times off once.
    /// let set = ClaimSet::from_csv_str(
    ///     "quantity,sources,value\n\
    ///      a,census,100000\na,atlas,101000\na,vandal,99000000\n\
    ///      b,census,200000\nb,atlas,202000\nb,vandal,200500\n\
    ///      c,census,300000\nc,atlas,303000\nc,vandal,301000\n\
    ///      d,census,400000\nd,atlas,404000\nd,vandal,399000\n",
    /// )?;
    /// let r = Reconciler::new().with_learned_reliability(Learner::Crosscheck).reconcile(&set);
    /// let a = &r.quantity("a").unwrap().pooled["learned"];
    /// assert_eq!(a.value, Some(100000.0));
    /// assert_eq!(a.excluded[0].claim, "row-3"); // the magnitude error is gated, not averaged
    /// let weight = |id: &str| r.sources.iter().find(|s| s.id == id).unwrap().learned_weight.unwrap();
    /// assert!(weight("vandal") < weight("census"));
    /// Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_learned_reliability(mut self, learner: crate::reliability::Learner) -> Reconciler {
        self.learner = Some(learner);
        self
    }

    /// Leaves out the support profile (the best-supported regions stay).
    #[must_use]
    pub fn without_support_profile(mut self) -> Reconciler {
        self.profile = false;
        self
    }

    /// Reconciles on one thread even with the `parallel` feature (results are identical).
    #[must_use]
    pub fn sequential(mut self) -> Reconciler {
        self.parallel = false;
        self
    }

    /// Reconciles every quantity of the set. The result does not depend on the order of
    /// claims, sources or quantities in the set.
    #[must_use]
    pub fn reconcile(&self, set: &ClaimSet) -> Reconciliation {
        let (mut jobs, mut unclaimed) = jobs(set);
        let results = self.run(set, &mut jobs, |r| r);
        // A quantity whose claims all postdate the date judged has none yet.
        let mut quantities = Vec::with_capacity(results.len());
        for (id, r) in results {
            match r {
                Some(r) => quantities.push(r),
                None => unclaimed.push(id),
            }
        }
        // Already in the report's order: `jobs` sorts them, and `run` keeps their order.
        let views: Vec<crate::reliability::QuantityView<'_>> =
            quantities.iter().map(QuantityReport::view).collect();
        let (rest, learned) = self.rest(set, &views, unclaimed);
        drop(views);
        for (q, p) in quantities.iter_mut().zip(learned) {
            if let Some(p) = p {
                q.pooled.insert(crate::reliability::LEARNED.to_string(), p);
            }
        }
        Reconciliation { quantities, ..rest }
    }

    /// Reconciles every quantity of the set and writes the compact JSON report to `out`
    /// as it goes: the bytes of `self.reconcile(set).write_compact_json(out)`, while
    /// holding at most a few hundred quantities' reports at a time. Each quantity's report
    /// is written as soon as it is made and dropped, keeping only what the sources' track
    /// records need (each current claim's sources, stance and figures). At 10⁶ claims
    /// this is how the `crosscheck` tool writes `--format json` within about half the
    /// memory of a whole [`Reconciliation`] (BENCHMARKS.md). Quantities go in chunks of
    /// 256; in parallel, the calling thread writes one chunk while the thread pool
    /// reconciles the next.
    ///
    /// With learned reliability ([`Reconciler::with_learned_reliability`]), which adds a
    /// line to every quantity from all of them, it reconciles first and then writes.
    ///
    /// # Errors
    ///
    /// A write error of `out` (reconciling stops at the end of the chunk under way).
    pub fn reconcile_to_compact_json(
        &self,
        set: &ClaimSet,
        mut out: impl std::io::Write,
    ) -> std::io::Result<()> {
        if self.learner.is_some() {
            return self.reconcile(set).write_compact_json(out);
        }
        let (mut jobs, mut unclaimed) = jobs(set);
        let mut kept: Vec<Slim> = Vec::new();
        let mut started = false;
        let one_chunk = |chunk: &mut [(&Quantity, Vec<&Claim>)]| {
            self.run(set, chunk, |r| {
                r.map(|r| {
                    // About 8 KB a quantity of ten claims: room for it at once.
                    let mut text = Vec::with_capacity(16 * 1024);
                    crate::compact::write_vec(&r, COMPACT_OMIT, &mut text)
                        .map(|()| (text, r.slim()))
                })
            })
        };
        let mut write_chunk = |results: Vec<(String, Option<serde_json::Result<Streamed>>)>| {
            for (id, r) in results {
                match r {
                    Some(r) => {
                        let (text, slim) = r.map_err(std::io::Error::other)?;
                        out.write_all(if started { b"," } else { b"{\"quantities\":[" })?;
                        started = true;
                        out.write_all(&text)?;
                        kept.push(slim);
                    }
                    None => unclaimed.push(id),
                }
            }
            std::io::Result::Ok(())
        };
        // Jobs are in the order of the report's list. In parallel, this thread writes
        // each chunk while the pool reconciles the next one.
        let mut pending = None;
        for chunk in jobs.chunks_mut(256) {
            let results = self.overlapped(
                || one_chunk(chunk),
                || pending.take().map_or(Ok(()), &mut write_chunk),
            )?;
            pending = Some(results);
        }
        pending.map_or(Ok(()), &mut write_chunk)?;
        let views: Vec<crate::reliability::QuantityView<'_, TrackedRow>> =
            kept.iter().map(Slim::view).collect();
        let (sources, definitions) = crate::reliability::track_records(&views);
        drop(views);
        let rest = self.rest_of(set, unclaimed, sources, definitions, None);
        // The kept claim rows freed on every core: a million rows and their sources took a
        // tenth of a second on one, at the end of the report when nothing else runs.
        #[cfg(feature = "parallel")]
        if self.parallel {
            use rayon::prelude::*;
            std::mem::take(&mut kept).into_par_iter().for_each(drop);
        }
        if !started {
            return crate::compact::write(&rest, COMPACT_OMIT, out).map_err(std::io::Error::other);
        }
        let mut tail = Vec::new();
        crate::compact::write_vec(&rest, COMPACT_OMIT, &mut tail).map_err(std::io::Error::other)?;
        out.write_all(b"]")?;
        // `tail` is `{}` or `{"unclaimed":…}`: the other fields, after the list.
        if tail.len() > 2 {
            out.write_all(b",")?;
        }
        out.write_all(tail.get(1..).unwrap_or(b"}"))
    }

    /// `work` and `write` at once: `work` in the thread pool while this thread runs
    /// `write` (with the `parallel` feature, unless sequential), else one after the other.
    /// `write`'s error is returned once `work` is done.
    fn overlapped<T: Send>(
        &self,
        work: impl FnOnce() -> T + Send,
        write: impl FnOnce() -> std::io::Result<()>,
    ) -> std::io::Result<T> {
        #[cfg(feature = "parallel")]
        if self.parallel {
            let mut done = None;
            let written = rayon::in_place_scope(|s| {
                s.spawn(|_| done = Some(work()));
                write()
            });
            written?;
            // The scope returns once its job is done.
            return done.ok_or_else(|| std::io::Error::other("a reconciling job did not finish"));
        }
        write()?;
        Ok(work())
    }

    /// Reconciles each job (in parallel unless sequential), passing each report through
    /// `then` on the same thread, and returns the results in the jobs' order with their
    /// quantity ids.
    fn run<T: Send>(
        &self,
        set: &ClaimSet,
        jobs: &mut [(&Quantity, Vec<&Claim>)],
        then: impl Fn(Option<QuantityReport>) -> T + Sync,
    ) -> Vec<(String, T)> {
        // Each job's claims are warmed (`warm`) just before it is reconciled: in parallel,
        // four jobs' at once.
        let one = |(q, claims): &mut (&Quantity, Vec<&Claim>)| {
            claims.sort_by(|a, b| a.id().cmp(b.id()));
            let r = self.quantity(set, q, claims, &mut Work::default());
            (q.id().to_string(), then(r))
        };
        #[cfg(feature = "parallel")]
        if self.parallel {
            use rayon::prelude::*;
            return jobs
                .par_chunks_mut(4)
                .flat_map_iter(|chunk| {
                    for (_, claims) in chunk.iter() {
                        warm(claims);
                    }
                    chunk.iter_mut().map(one).collect::<Vec<_>>()
                })
                .collect();
        }
        jobs.iter_mut()
            .map(|job| {
                warm(&job.1);
                one(job)
            })
            .collect()
    }

    /// Everything of the reconciliation but the quantities' reports (constraints, the
    /// sources' track records, unclaimed quantities), and the learned line of each
    /// quantity when learning.
    fn rest(
        &self,
        set: &ClaimSet,
        views: &[crate::reliability::QuantityView<'_>],
        unclaimed: Vec<String>,
    ) -> (Reconciliation, Vec<Option<Pooled>>) {
        let tracked = crate::reliability::track(views, self.learner);
        let rest = self.rest_of(
            set,
            unclaimed,
            tracked.sources,
            tracked.definitions,
            tracked.learning,
        );
        (rest, tracked.learned)
    }

    /// [`rest`](Reconciler::rest) with the sources' records and the definition splits
    /// made: the constraints and the unclaimed quantities added.
    fn rest_of(
        &self,
        set: &ClaimSet,
        mut unclaimed: Vec<String>,
        sources: Vec<crate::reliability::SourceRecord>,
        definitions: Vec<crate::reliability::DefinitionSplit>,
        learning: Option<crate::reliability::Learning>,
    ) -> Reconciliation {
        unclaimed.sort();
        let (constraints, derived) =
            crate::constraint::check(set.constraints(), set.claims(), |q| {
                set.quantity(q).map(Quantity::kind)
            });
        Reconciliation {
            quantities: Vec::new(),
            unclaimed,
            constraints,
            derived,
            sources,
            definitions,
            learning,
        }
    }

    fn quantity(
        &self,
        set: &ClaimSet,
        q: &Quantity,
        claims: &[&Claim],
        work: &mut Work,
    ) -> Option<QuantityReport> {
        let rows: Vec<ClaimRow> = claims
            .iter()
            .map(|c| {
                let e = c.estimate();
                let (stance, weight) = set.stance_and_weight(c, q, &self.weights);
                ClaimRow {
                    id: c.id().to_string(),
                    sources: c.sources().to_vec(),
                    stance,
                    wording: e.reading().map(|r| r.text().to_string()),
                    rule: e.reading().map(|r| r.rule().to_string()),
                    hard: *e.hard(),
                    plausible: *e.plausible(),
                    central: e.central(),
                    weight,
                    level: e.coverage(),
                    as_of: c.as_of(),
                    published: c.published(),
                    reported_by: c.reported_by().map(str::to_string),
                    url: c.citation().and_then(|x| x.url.clone()),
                    quote: c.citation().and_then(|x| x.quote.clone()),
                    revises: c.revises().map(str::to_string),
                    status: crate::time::ClaimStatus::Current,
                }
            })
            .collect();
        // As of a date: relays once, revisions superseded, floors carried (DESIGN §3.2-3.3).
        let judged = crate::time::judge(q.temporal(), claims, &rows, self.as_of);
        let current: Vec<usize> = (0..claims.len())
            .filter(|&i| !judged.later[i] && judged.status[i] == crate::time::ClaimStatus::Current)
            .collect();
        if current.is_empty() {
            return None;
        }
        // The history first, from every row: then the current rows can be moved into the
        // report instead of copied (a string and a list of sources a claim).
        let timeline = crate::time::timeline(claims, &rows, &judged);
        let temporal = q.temporal();
        let keep_timeline =
            matches!(temporal, Temporal::Cumulative | Temporal::Snapshot) && !timeline.is_empty();
        let monotone_band = if keep_timeline && temporal == Temporal::Cumulative {
            let weights = rows.iter().map(|r| (r.id.clone(), r.weight)).collect();
            crate::time::band(&timeline, &weights)
        } else {
            Vec::new()
        };
        let history = crate::time::history(claims, &rows, &judged);
        let mut rows: Vec<Option<ClaimRow>> = rows.into_iter().map(Some).collect();
        let mut effective = judged.effective;
        let judged_rows: Vec<ClaimRow> = current
            .iter()
            .filter_map(|&i| effective.remove(&i).or_else(|| rows[i].take()))
            .collect();
        let source_lists: Vec<&[String]> = current.iter().map(|&i| claims[i].sources()).collect();
        let mut report = summarize(q, judged_rows, self.relation_limit, self.profile, work);
        report.pooled = pool::pool(&report.claims, &source_lists, q.kind(), &self.pool);
        if report.verdict == Verdict::Contradiction && report.spread.is_some_and(|s| s > 2.0) {
            for p in report.pooled.values_mut() {
                p.warning = Some(CONTRADICTION_WARNING.to_string());
            }
        }
        // The history: superseded claims and relays stay in the report, with their status.
        if keep_timeline {
            report.monotone_band = monotone_band;
            report.timeline = timeline;
        }
        report.history = history;
        report.as_of = judged.as_of;
        report.carried_floors = judged.carried;
        report.relays = judged.relays;
        for (i, row) in rows.into_iter().enumerate() {
            if let Some(mut row) = row
                && !judged.later[i]
                && judged.status[i] != crate::time::ClaimStatus::Current
            {
                row.status = judged.status[i];
                report.claims.push(row);
            }
        }
        report.claims.sort_by(|a, b| a.id.cmp(&b.id));
        Some(report)
    }
}

/// Reads the first byte of each claim's id, its first source's id and its wording, in a
/// loop that does nothing else, so that the cache misses of the claims (which lie scattered
/// over the set: a quantity's claims come from anywhere in its file) are waited for side
/// by side, where the sort and the rows that follow would wait for each claim's in turn:
/// the claim, its list of sources, then the text of each.
fn warm(claims: &[&Claim]) {
    let mut touched = 0u8;
    for c in claims {
        let first = |s: &str| s.as_bytes().first().copied().unwrap_or(0);
        touched ^= first(c.id()) ^ c.sources().first().map_or(0, |s| first(s));
        if let Some(r) = c.estimate().reading() {
            touched ^= first(r.text()) ^ first(r.rule());
        }
    }
    std::hint::black_box(touched);
}

/// Each quantity with claims, with its claims (in the report's order), and the declared
/// quantities without any, sorted.
fn jobs(set: &ClaimSet) -> (Vec<(&Quantity, Vec<&Claim>)>, Vec<String>) {
    // Grouped by the quantity's place the set keeps for each claim (hashing a million
    // claims' quantity ids here was a fifth of a second at 10⁶ claims), in claim order.
    let quantities = set.quantities();
    let mut counts = vec![0usize; quantities.len()];
    for &q in set.claim_quantities() {
        if let Some(n) = counts.get_mut(q) {
            *n += 1;
        }
    }
    let mut groups: Vec<Vec<&Claim>> = counts.into_iter().map(Vec::with_capacity).collect();
    for (c, &q) in set.claims().iter().zip(set.claim_quantities()) {
        // Every claim's quantity is one of the set's (`add_claim` checks it).
        if let Some(g) = groups.get_mut(q) {
            g.push(c);
        }
    }
    let mut unclaimed: Vec<String> = quantities
        .iter()
        .zip(&groups)
        .filter(|(_, g)| g.is_empty())
        .map(|(q, _)| q.id().to_string())
        .collect();
    unclaimed.sort();
    let mut jobs: Vec<(&Quantity, Vec<&Claim>)> = quantities
        .iter()
        .zip(groups)
        .filter(|(_, g)| !g.is_empty())
        .collect();
    // The report's order: present figures by id, then projections by id.
    jobs.sort_unstable_by_key(|j| (j.0.temporal() == Temporal::Projection, j.0.id()));
    (jobs, unclaimed)
}

impl QuantityReport {
    /// What the sources' track records read of this report.
    fn view(&self) -> crate::reliability::QuantityView<'_> {
        crate::reliability::QuantityView {
            quantity: &self.quantity,
            kind: self.kind,
            claims: &self.claims,
            best: self.best_supported.first().map(|r| r.interval),
        }
    }

    /// Only what the sources' track records read without a learner: each current claim's
    /// sources, stance, rule and figures ([`TrackedRow`]), and the first best-supported
    /// region.
    fn slim(self) -> Slim {
        // Into a list of its own size: collected from the rows' own list, the lean rows
        // would reuse its allocation (Rust collects in place), a whole row's room each.
        let current = self
            .claims
            .iter()
            .filter(|c| c.status == crate::time::ClaimStatus::Current)
            .count();
        let mut claims = Vec::with_capacity(current);
        claims.extend(
            self.claims
                .into_iter()
                .filter(|c| c.status == crate::time::ClaimStatus::Current)
                .map(|c| TrackedRow {
                    sources: c.sources,
                    rule: c.rule,
                    hard: c.hard,
                    plausible: c.plausible,
                    central: c.central,
                    level: c.level,
                    stance: c.stance,
                }),
        );
        Slim {
            quantity: self.quantity,
            kind: self.kind,
            claims,
            best: self.best_supported.first().map(|r| r.interval),
        }
    }
}

/// A quantity's report as compact JSON text, and what the rest of the report needs of it.
type Streamed = (Vec<u8>, Slim);

/// A quantity's report reduced to what the sources' track records read.
struct Slim {
    quantity: String,
    kind: QuantityKind,
    claims: Vec<TrackedRow>,
    best: Option<Interval>,
}

impl Slim {
    fn view(&self) -> crate::reliability::QuantityView<'_, TrackedRow> {
        crate::reliability::QuantityView {
            quantity: &self.quantity,
            kind: self.kind,
            claims: &self.claims,
            best: self.best,
        }
    }
}

/// A current claim's row reduced to what the sources' track records read (144 bytes
/// where a whole [`ClaimRow`] is 304: a million of them are kept until the end of a
/// streamed report).
struct TrackedRow {
    sources: Vec<String>,
    rule: Option<String>,
    hard: Interval,
    plausible: Interval,
    central: Option<f64>,
    level: f64,
    stance: crate::claim::Stance,
}

impl crate::reliability::TrackRow for TrackedRow {
    fn status(&self) -> crate::time::ClaimStatus {
        // Only current rows are kept (`slim`).
        crate::time::ClaimStatus::Current
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
    fn entry(&self, scale: pool::Scale) -> pool::Entry {
        pool::entry_of(
            self.rule.as_deref(),
            &self.hard,
            &self.plausible,
            self.central,
            self.level,
            scale,
        )
    }
}

/// Reusable buffers for summarising many quantities without allocating per quantity.
#[derive(Debug, Default)]
pub(crate) struct Work {
    pub scratch: Scratch,
    pub sweep: Sweep,
    pub deciding: Vec<usize>,
    order: Vec<usize>,
    keys: Vec<(usize, i128)>,
}

/// The figures of the summary that need no ids. (The claim table, whose claims all weigh
/// one and list no members, has its own: `sweep::unit_sweep`.) `work.deciding` and `work.sweep.in_top` hold the deciding claims and the members of the
/// largest cluster(s); `work.sweep` the regions and cliques; the returned order lists the
/// cliques largest first.
pub(crate) struct Core {
    pub envelope: Interval,
    pub consensus: Option<Interval>,
    pub verdict: Verdict,
}

pub(crate) fn core(
    plausible: &[Interval],
    hard: &[Interval],
    weights: &[f64],
    profile: bool,
    clique_budget: usize,
    work: &mut Work,
) -> Core {
    let n = plausible.len();
    let envelope = plausible
        .iter()
        .skip(1)
        .fold(plausible[0], |a, b| a.hull(b));
    let consensus = plausible
        .iter()
        .skip(1)
        .try_fold(plausible[0], |a, b| a.intersection(b));
    sweep(
        plausible,
        weights,
        profile,
        clique_budget,
        &mut work.scratch,
        &mut work.sweep,
    );

    // Verdict: by Helly's theorem on the line, intervals share a point iff every pair does,
    // so the extreme bounds decide it.
    let extremes = |ivs: &[Interval], out: &mut Vec<usize>| {
        // Cannot fail: a quantity is summarised only with at least one claim (n ≥ 1).
        let max_low = ivs.iter().map(Interval::low_cut).max().expect("n > 0");
        let min_high = ivs.iter().map(Interval::high_cut).min().expect("n > 0");
        out.clear();
        out.extend(
            (0..ivs.len())
                .filter(|&i| ivs[i].low_cut() == max_low || ivs[i].high_cut() == min_high),
        );
        max_low < min_high
    };
    let verdict = if n == 1 {
        work.deciding.clear();
        work.deciding.push(0);
        Verdict::Single
    } else if extremes(plausible, &mut work.deciding) {
        Verdict::Consistent
    } else {
        let mut hard_deciding = std::mem::take(&mut work.order);
        let verdict = if extremes(hard, &mut hard_deciding) {
            Verdict::Tension
        } else {
            std::mem::swap(&mut work.deciding, &mut hard_deciding);
            Verdict::Contradiction
        };
        work.order = hard_deciding;
        verdict
    };

    // Clusters, largest first (by size, then weight, then members); dissenters lie outside
    // every largest one (marked by the sweep, listed or not).
    let sw = &work.sweep;
    work.keys.clear();
    work.keys.extend(sw.cliques.iter().map(|c| {
        (
            c.len(),
            sw.members(c)
                .iter()
                .map(|&i| fixed(weights[i as usize]))
                .sum::<i128>(),
        )
    }));
    work.order.clear();
    work.order.extend(0..sw.cliques.len());
    let keys = &work.keys;
    work.order.sort_by(|&a, &b| {
        (keys[b].0, keys[b].1)
            .cmp(&(keys[a].0, keys[a].1))
            .then_with(|| sw.members(&sw.cliques[a]).cmp(sw.members(&sw.cliques[b])))
    });
    Core {
        envelope,
        consensus,
        verdict,
    }
}

/// How many clique members a report lists for n claims: every cluster in practice, but
/// never the O(n²) that nested intervals can produce.
pub(crate) fn clique_budget(n: usize) -> usize {
    (4 * n).max(4096)
}

/// The summary of one quantity from its claim rows (sorted by id): everything but the
/// pooled estimates.
pub(crate) fn summarize(
    q: &Quantity,
    rows: Vec<ClaimRow>,
    relation_limit: usize,
    profile: bool,
    work: &mut Work,
) -> QuantityReport {
    let n = rows.len();
    let ids =
        |v: &mut dyn Iterator<Item = usize>| v.map(|i| rows[i].id.clone()).collect::<Vec<_>>();
    let plausible: Vec<Interval> = rows.iter().map(|r| r.plausible).collect();
    let hard: Vec<Interval> = rows.iter().map(|r| r.hard).collect();
    let weights: Vec<f64> = rows.iter().map(|r| r.weight).collect();
    let c = core(&plausible, &hard, &weights, profile, clique_budget(n), work);
    let sw = &work.sweep;
    let best_supported = sw
        .best
        .iter()
        .map(|(interval, weight, count, m)| Region {
            interval: *interval,
            weight: *weight,
            claims: ids(&mut sw.members(m).iter().map(|&i| i as usize)),
            claim_count: *count,
        })
        .collect();
    let clusters = work
        .order
        .iter()
        .map(|&k| ids(&mut sw.members(&sw.cliques[k]).iter().map(|&i| i as usize)))
        .collect();
    let dissenters = ids(&mut (0..n).filter(|&i| !work.sweep.in_top[i]));
    let deciding = ids(&mut work.deciding.iter().copied());
    let relations_complete = n <= relation_limit;
    let mut report = QuantityReport {
        quantity: q.id().to_string(),
        description: q.description().to_string(),
        unit: q.unit().to_string(),
        kind: q.kind(),
        temporal: q.temporal(),
        subject_side: q.subject_side().map(str::to_string),
        stance: stance_breakdown(&rows),
        claims: Vec::new(),
        envelope: c.envelope,
        consensus: c.consensus,
        support: std::mem::take(&mut work.sweep.support),
        best_supported,
        verdict: c.verdict,
        agreement: 0.0,
        spread: None,
        severity: None,
        deciding,
        relations: Vec::new(),
        relations_complete,
        clusters,
        cluster_count: work.sweep.clique_count,
        clusters_complete: work.sweep.cliques.len() == work.sweep.clique_count,
        dissenters,
        pooled: BTreeMap::new(),
        as_of: None,
        timeline: Vec::new(),
        monotone_band: Vec::new(),
        carried_floors: Vec::new(),
        history: None,
        relays: Vec::new(),
    };
    // The headline: how much of the weight agrees, how far apart the figures are, and how
    // serious the disagreement is.
    let total: f64 = report.claims_weight(&rows);
    report.agreement = match report.best_supported.first() {
        Some(b) if total > 0.0 => (b.weight / total).min(1.0),
        Some(b) => b.claim_count as f64 / n as f64,
        None => 0.0,
    };
    let values: Vec<f64> = rows.iter().filter_map(representative).collect();
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    report.spread = (lo > 0.0 && hi.is_finite()).then(|| hi / lo);
    if matches!(c.verdict, Verdict::Tension | Verdict::Contradiction) {
        let deciding: Vec<f64> = work
            .deciding
            .iter()
            .filter_map(|&i| representative(&rows[i]))
            .collect();
        let (a, b) = deciding
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            });
        report.severity = Some(
            if b.is_finite() && (b - a).abs() <= 0.05 * b.abs().max(a.abs()) {
                Severity::Minor
            } else {
                Severity::Major
            },
        );
    }
    report.claims = rows;
    if relations_complete {
        report.relations = report.relations().collect();
    }
    report
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        v[m - 1] + (v[m] - v[m - 1]) / 2.0
    })
}

fn representative(r: &ClaimRow) -> Option<f64> {
    r.central
        .or_else(|| r.plausible.midpoint())
        .or_else(|| r.plausible.low_value())
        .or_else(|| r.plausible.high_value())
}

fn stance_breakdown(rows: &[ClaimRow]) -> StanceBreakdown {
    let mut groups: BTreeMap<Stance, StanceGroup> = BTreeMap::new();
    for r in rows {
        let g = groups.entry(r.stance).or_insert_with(|| StanceGroup {
            claims: Vec::new(),
            envelope: r.plausible,
            median: None,
        });
        g.claims.push(r.id.clone());
        g.envelope = g.envelope.hull(&r.plausible);
    }
    for (stance, g) in &mut groups {
        g.median = median(
            rows.iter()
                .filter(|r| r.stance == *stance)
                .filter_map(representative)
                .collect(),
        );
    }
    let mut order: Vec<Stance> = groups.keys().copied().collect();
    order.sort_by(|a, b| {
        let m = |s: &Stance| groups[s].median.unwrap_or(f64::NEG_INFINITY);
        m(b).total_cmp(&m(a)).then(a.cmp(b))
    });
    let envs: Vec<Interval> = groups.values().map(|g| g.envelope).collect();
    let separated = envs.len() > 1
        && (0..envs.len()).all(|i| (i + 1..envs.len()).all(|j| !envs[i].overlaps(&envs[j])));
    let rank = |s: Stance| match s {
        Stance::Adversary => Some(0),
        Stance::Third => Some(1),
        Stance::Own => Some(2),
        _ => None,
    };
    let sided: Vec<Stance> = order
        .iter()
        .copied()
        .filter(|s| rank(*s).is_some())
        .collect();
    let self_serving_pattern = sided.len() >= 2
        && sided
            .windows(2)
            .all(|w| rank(w[0]) < rank(w[1]) && groups[&w[0]].median > groups[&w[1]].median);
    let only = (groups.len() == 1).then(|| order[0]);
    let summary = match only {
        Some(Stance::Unknown) => {
            "the quantity has no subject side, so stances are unknown".to_string()
        }
        Some(Stance::Third) => {
            "every figure comes from third parties (sources without a side)".to_string()
        }
        Some(s) => format!(
            "every figure comes from the {} side; there is no other side's figure to check it against",
            s.as_str()
        ),
        None => {
            let ordered: Vec<String> = order
                .iter()
                .map(|s| {
                    format!(
                        "{} ({})",
                        s.as_str(),
                        groups[s].median.map_or("—".into(), crate::format_number)
                    )
                })
                .collect();
            let mut text = format!("by median figure: {}", ordered.join(" > "));
            if self_serving_pattern {
                text.push_str(
                    "; adversary figures above others is the pattern of self-serving bias on losses \
                     (adversaries over-report an enemy's losses, own sides under-report their own)",
                );
            }
            if separated {
                text.push_str(
                    "; the sides' ranges do not overlap: the disagreement lines up with sides",
                );
            }
            text
        }
    };
    StanceBreakdown {
        groups,
        order,
        separated,
        self_serving_pattern,
        only,
        summary,
    }
}

/// A one-row report standing for a derived total, so the chart can draw it on an axis of
/// its own: its only row is labelled as derived (not a claim) and carries no weight.
pub(crate) fn derived_report(d: &crate::constraint::DerivedQuantity) -> Option<QuantityReport> {
    let description = format!(
        "derived by constraint {} from {} (not a claim)",
        d.constraint,
        d.from.join(", ")
    );
    // The id was declared in the claim set, so it is a valid id; a deserialised report
    // could hold anything, and then the chart leaves the panel out.
    let q = Quantity::new(d.quantity.clone(), description).ok()?;
    let row = ClaimRow {
        id: format!("derived: {}", d.constraint),
        sources: Vec::new(),
        stance: Stance::Unknown,
        wording: None,
        rule: Some("derived".into()),
        hard: d.hard,
        plausible: d.plausible,
        central: d.central,
        weight: 0.0,
        level: 0.95,
        as_of: None,
        published: None,
        reported_by: None,
        url: None,
        quote: None,
        revises: None,
        status: crate::time::ClaimStatus::Current,
    };
    Some(summarize(&q, vec![row], 0, false, &mut Work::default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slim_report_keeps_its_current_rows_in_a_list_of_their_size() {
        // Superseded rows stay in the report's list; the lean rows kept
        // for the track records are the current ones, in a list of exactly their number
        // (collected from the report's own list, they would keep its room: 304 bytes a
        // row, where a lean row takes 144).
        let set = ClaimSet::from_csv_str(
            "id,quantity,sources,value,as_of,revises\n\
             a,toll,moh,\"5,000\",2023-10-10,\n\
             b,toll,moh,\"6,000\",2023-10-20,a\n\
             c,toll,un,\"about 5,500\",2023-10-21,\n\
             d,toll,ngo,\"more than 4,000\",2023-10-21,\n",
        )
        .unwrap();
        let r = Reconciler::new().compact().reconcile(&set);
        let report = r.quantities.into_iter().next().unwrap();
        // `a` revised by `b`; `b` dated before the snapshot's latest day.
        let current = |id: &str| {
            report
                .claims
                .iter()
                .any(|c| c.id == id && c.status == crate::time::ClaimStatus::Current)
        };
        assert_eq!(report.claims.len(), 4);
        assert!(!current("a") && !current("b") && current("c") && current("d"));
        let slim = report.slim();
        assert_eq!(slim.claims.len(), 2);
        assert_eq!(slim.claims.capacity(), 2);
        assert!(std::mem::size_of::<TrackedRow>() <= 144);
        // The one-sided claim keeps its rule, and enters as a bound.
        let floor = slim.claims.iter().find(|c| c.sources == ["ngo"]).unwrap();
        assert!(matches!(
            crate::reliability::TrackRow::entry(floor, pool::Scale::Log),
            pool::Entry::OneSided { lower: true, .. }
        ));
    }
}
