//! Constraints between quantities (DESIGN §3.4): `le` (a ≤ b), `eq` (a = b), `sum_eq` (the
//! parts sum to the total) and `sum_le` (the parts sum to at most the total).
//!
//! # Semantics
//!
//! Each quantity in a constraint has a **hard domain**, what all its claims entail at once
//! (the intersection of their hard intervals; with no claims, the domain of its kind: `[0,
//! +∞)` for a count), and a **plausible domain** (the intersection of their plausible
//! intervals, or their hull when the claims' plausible readings do not meet). The
//! constraints are propagated over these domains to a fixed point by HC4-revise (Benhamou,
//! Goualard, Granvilliers & Puget 1999, "Revising hull and box consistency", ICLP):
//! forward, the total is narrowed to what the parts can sum to; backward, each part to
//! what the total minus the other parts leaves. Propagation never removes a value that
//! satisfies every constraint (each step intersects with a superset of the solutions).
//!
//! Per constraint the report says `satisfied` (nothing narrowed), `narrowed` (with the
//! narrowed intervals) or `infeasible`: no values of the quantities satisfy every
//! constraint given what the claims entail. Then a **minimal set of conflicting claims** is
//! found by the deletion filter (Chinneck & Dravnieks 1991): drop each claim in turn, in id
//! order, and keep it out if the rest is still infeasible; what remains is infeasible and
//! dropping any one of its claims makes it feasible. An arithmetic **witness** names the
//! claims and their sources.
//!
//! A quantity with no claims that is the total of a constraint is **derived** from it: its
//! interval comes from the parts' claims, which it lists, and it is never a source's vote.
//!
//! # Cost
//!
//! One propagation is O(rounds × Σ parts); rounds are bounded (at most 64 per constraint,
//! stopping when no bound moves by more than 1e-12 relative). The deletion filter runs one
//! propagation per candidate claim; only the claims that bind a domain (the highest hard
//! lower bound and the lowest hard upper bound of each quantity) are candidates, so it is
//! O(quantities × propagation) however many claims there are.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::claim::Claim;
use crate::error::{Error, Location, Result};
use crate::interval::Interval;
use crate::quantity::QuantityKind;

/// The kind of a constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintKind {
    /// `a ≤ b`.
    Le,
    /// `a = b`.
    Eq,
    /// The parts sum to the total.
    SumEq,
    /// The parts sum to at most the total.
    SumLe,
}

impl ConstraintKind {
    /// Every kind.
    pub const ALL: [ConstraintKind; 4] = [
        ConstraintKind::Le,
        ConstraintKind::Eq,
        ConstraintKind::SumEq,
        ConstraintKind::SumLe,
    ];

    /// The `snake_case` name (the same as serde's).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ConstraintKind::Le => "le",
            ConstraintKind::Eq => "eq",
            ConstraintKind::SumEq => "sum_eq",
            ConstraintKind::SumLe => "sum_le",
        }
    }

    fn is_equality(self) -> bool {
        matches!(self, ConstraintKind::Eq | ConstraintKind::SumEq)
    }
}

impl fmt::Display for ConstraintKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ConstraintKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<ConstraintKind> {
        ConstraintKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| Error::UnknownVariant {
                at: Location::Unknown,
                field: "kind",
                value: s.to_string(),
                expected: "le, eq, sum_eq, sum_le",
            })
    }
}

/// A constraint between quantities: the parts (one for `le`/`eq`, the `a`) stand in the
/// kind's relation to the total (the `b`).
///
/// ```
/// use crosscheck::{Constraint, ConstraintKind};
///
/// let deployed = Constraint::sum_eq("deployed", ["kpa-sent", "kpa-reinforcements"], "kpa-deployed")?;
/// let bound = Constraint::le("casualties-le-deployed", "kpa-casualties", "kpa-deployed")?;
/// assert_eq!(bound.kind(), ConstraintKind::Le);
/// assert_eq!(deployed.parts(), ["kpa-sent", "kpa-reinforcements"]);
/// Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    id: String,
    kind: ConstraintKind,
    parts: Vec<String>,
    total: String,
}

impl Constraint {
    fn build(
        id: String,
        kind: ConstraintKind,
        parts: Vec<String>,
        total: String,
    ) -> Result<Constraint> {
        let id = crate::limits::check_id("id", id)?;
        let at = || Location::Constraint(id.clone());
        if parts.is_empty() {
            return Err(Error::Empty {
                at: at(),
                field: "parts",
            });
        }
        let mut seen = BTreeSet::new();
        for q in parts.iter().chain(std::iter::once(&total)) {
            crate::limits::check_id("quantity", q.clone()).map_err(|e| e.at(at()))?;
            if !seen.insert(q.as_str()) {
                return Err(Error::DuplicateId {
                    at: at(),
                    what: "quantity in constraint",
                    id: q.clone(),
                });
            }
        }
        Ok(Constraint {
            id,
            kind,
            parts,
            total,
        })
    }

    /// `a ≤ b`.
    ///
    /// # Errors
    ///
    /// [`Error::Empty`] or [`Error::Malformed`] for a bad id; [`Error::DuplicateId`] when
    /// `a` is `b`.
    pub fn le(
        id: impl Into<String>,
        a: impl Into<String>,
        b: impl Into<String>,
    ) -> Result<Constraint> {
        Constraint::build(id.into(), ConstraintKind::Le, vec![a.into()], b.into())
    }

    /// `a = b`.
    ///
    /// # Errors
    ///
    /// As [`Constraint::le`].
    pub fn eq(
        id: impl Into<String>,
        a: impl Into<String>,
        b: impl Into<String>,
    ) -> Result<Constraint> {
        Constraint::build(id.into(), ConstraintKind::Eq, vec![a.into()], b.into())
    }

    /// The parts sum to the total.
    ///
    /// # Errors
    ///
    /// As [`Constraint::le`], and [`Error::Empty`] for no parts; [`Error::DuplicateId`] for
    /// a quantity named twice.
    pub fn sum_eq<S: Into<String>>(
        id: impl Into<String>,
        parts: impl IntoIterator<Item = S>,
        total: impl Into<String>,
    ) -> Result<Constraint> {
        let parts = parts.into_iter().map(Into::into).collect();
        Constraint::build(id.into(), ConstraintKind::SumEq, parts, total.into())
    }

    /// The parts sum to at most the total.
    ///
    /// # Errors
    ///
    /// As [`Constraint::sum_eq`].
    pub fn sum_le<S: Into<String>>(
        id: impl Into<String>,
        parts: impl IntoIterator<Item = S>,
        total: impl Into<String>,
    ) -> Result<Constraint> {
        let parts = parts.into_iter().map(Into::into).collect();
        Constraint::build(id.into(), ConstraintKind::SumLe, parts, total.into())
    }

    /// The id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The kind.
    #[must_use]
    pub fn kind(&self) -> ConstraintKind {
        self.kind
    }

    /// The parts (`[a]` for `le` and `eq`).
    #[must_use]
    pub fn parts(&self) -> &[String] {
        &self.parts
    }

    /// The total (`b` for `le` and `eq`).
    #[must_use]
    pub fn total(&self) -> &str {
        &self.total
    }

    /// Every quantity it names.
    pub fn quantities(&self) -> impl Iterator<Item = &str> {
        self.parts
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(self.total.as_str()))
    }

    /// The file form (DESIGN §5): `{"id", "kind", "a", "b"}` or `{"id", "kind", "parts",
    /// "total"}`.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        match self.kind {
            ConstraintKind::Le | ConstraintKind::Eq => serde_json::json!({
                "id": self.id, "kind": self.kind, "a": self.parts[0], "b": self.total
            }),
            _ => serde_json::json!({
                "id": self.id, "kind": self.kind, "parts": self.parts, "total": self.total
            }),
        }
    }

    /// Reads the file form.
    pub(crate) fn from_json(v: serde_json::Value) -> Result<Constraint> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Wire {
            id: String,
            kind: String,
            a: Option<String>,
            b: Option<String>,
            parts: Option<Vec<String>>,
            total: Option<String>,
        }
        let w: Wire =
            serde_json::from_value(v).map_err(|e| Error::malformed("constraint", e.to_string()))?;
        let kind: ConstraintKind = w.kind.parse()?;
        let missing = |field: &'static str| Error::Empty {
            at: Location::Unknown,
            field,
        };
        match kind {
            ConstraintKind::Le | ConstraintKind::Eq => {
                if w.parts.is_some() || w.total.is_some() {
                    return Err(Error::malformed("parts", "`le` and `eq` take `a` and `b`"));
                }
                let (a, b) = (w.a.ok_or(missing("a"))?, w.b.ok_or(missing("b"))?);
                Constraint::build(w.id, kind, vec![a], b)
            }
            _ => {
                if w.a.is_some() || w.b.is_some() {
                    return Err(Error::malformed(
                        "a",
                        "`sum_eq` and `sum_le` take `parts` and `total`",
                    ));
                }
                let parts = w.parts.ok_or(missing("parts"))?;
                Constraint::build(w.id, kind, parts, w.total.ok_or(missing("total"))?)
            }
        }
    }
}

/// What propagation found for one constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintStatus {
    /// The claims already keep it: nothing narrowed.
    Satisfied,
    /// It narrows what some quantities can be.
    Narrowed,
    /// No values satisfy it (with the others) given what the claims entail.
    Infeasible,
}

impl ConstraintStatus {
    /// Every variant, in declaration order.
    pub const ALL: [ConstraintStatus; 3] = [
        ConstraintStatus::Satisfied,
        ConstraintStatus::Narrowed,
        ConstraintStatus::Infeasible,
    ];

    /// The `snake_case` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ConstraintStatus::Satisfied => "satisfied",
            ConstraintStatus::Narrowed => "narrowed",
            ConstraintStatus::Infeasible => "infeasible",
        }
    }
}

named_enum!(
    ConstraintStatus,
    "status",
    "satisfied, narrowed, infeasible"
);

/// One constraint in the report (DESIGN §5, `constraints`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConstraintReport {
    /// The constraint id.
    pub id: String,
    /// Its kind.
    pub kind: ConstraintKind,
    /// The parts (`a` for `le`/`eq`).
    pub parts: Vec<String>,
    /// The total (`b`).
    pub total: String,
    /// Satisfied, narrowed or infeasible.
    pub status: ConstraintStatus,
    /// The plausible intervals it narrowed (at the fixed point of all constraints), by
    /// quantity.
    pub narrowed: BTreeMap<String, Interval>,
    /// The hard intervals it narrowed, by quantity.
    #[serde(default)]
    pub narrowed_hard: BTreeMap<String, Interval>,
    /// For an infeasible constraint, a minimal set of conflicting claims.
    pub conflict: Vec<String>,
    /// For an infeasible constraint, the arithmetic that shows it.
    pub witness: Option<String>,
    /// For an infeasible constraint, the constraints the conflict needs (itself alone when
    /// it cannot hold by itself; else a minimal set that cannot hold together).
    #[serde(default)]
    pub with_constraints: Vec<String>,
}

/// A quantity with no claims, derived as a constraint's total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DerivedQuantity {
    /// The quantity id.
    pub quantity: String,
    /// The constraint it is the total of.
    pub constraint: String,
    /// What the parts' claims entail for it.
    pub hard: Interval,
    /// Its plausible range.
    pub plausible: Interval,
    /// The sum of the parts' central values, where each part has exactly one central.
    pub central: Option<f64>,
    /// The claims it was derived from (it is never a vote of its own).
    pub from: Vec<String>,
}

/// One quantity's claims, as the propagation sees them.
struct Var<'a> {
    id: &'a str,
    kind: QuantityKind,
    claims: Vec<&'a Claim>,
}

struct Problem<'a> {
    vars: Vec<Var<'a>>,
    /// Constraints as (parts, total) indices into `vars`, sorted by id.
    cons: Vec<(&'a Constraint, Vec<usize>, usize)>,
}

fn domain_of(kind: QuantityKind) -> Interval {
    match kind {
        QuantityKind::Count => Interval::closed_checked(0.0, f64::INFINITY),
        QuantityKind::Real => Interval::entire(),
    }
}

/// The hard domains of the variables from the active claims; `None` when the claims about a
/// quantity that the given constraints involve already exclude each other (a quantity they
/// do not involve gets its kind's domain: it cannot make them infeasible).
fn hard_domains(
    p: &Problem<'_>,
    cons: &[usize],
    active: &dyn Fn(&Claim) -> bool,
) -> Option<Vec<Interval>> {
    let mut involved = vec![false; p.vars.len()];
    for &k in cons {
        let (_, parts, total) = &p.cons[k];
        for &q in parts.iter().chain(std::iter::once(total)) {
            involved[q] = true;
        }
    }
    p.vars
        .iter()
        .zip(involved)
        .map(|(v, inv)| {
            let d = v
                .claims
                .iter()
                .filter(|c| active(c))
                .try_fold(domain_of(v.kind), |d, c| {
                    d.intersection(c.estimate().hard())
                });
            if inv {
                d
            } else {
                d.or(Some(domain_of(v.kind)))
            }
        })
        .collect()
}

fn plausible_domains(p: &Problem<'_>) -> Vec<Interval> {
    p.vars
        .iter()
        .map(|v| {
            let all = v.claims.iter().map(|c| *c.estimate().plausible());
            let meet = all
                .clone()
                .try_fold(domain_of(v.kind), |d, i| d.intersection(&i));
            meet.or_else(|| all.reduce(|a, b| a.hull(&b)))
                .unwrap_or_else(|| domain_of(v.kind))
        })
        .collect()
}

/// Whether `new` moved a bound of `old` by more than 1e-12 relative.
fn moved(old: &Interval, new: &Interval) -> bool {
    let m = |a: f64, b: f64| {
        if a == b {
            false
        } else if a.is_infinite() || b.is_infinite() {
            true
        } else {
            (a - b).abs() > 1e-12 * a.abs().max(b.abs()).max(1e-300)
        }
    };
    m(old.inf(), new.inf())
        || m(old.sup(), new.sup())
        || old.low().is_open() != new.low().is_open()
        || old.high().is_open() != new.high().is_open()
}

/// The sum of the given domains (`None` on overflow: no narrowing from it).
fn sum<'a>(items: impl Iterator<Item = &'a Interval>) -> Option<Interval> {
    let mut acc = Interval::closed_checked(0.0, 0.0);
    for i in items {
        acc = acc.add(i).ok()?;
    }
    Some(acc)
}

/// Everything at or above the lower end of `i` (`[lo, +∞)` or `(lo, +∞)`).
fn at_least(i: &Interval) -> Interval {
    Interval::from_cuts(i.low_cut(), crate::interval::Cut::PosInf).unwrap_or_else(Interval::entire)
}

/// Everything at or below the upper end of `i`.
fn at_most(i: &Interval) -> Interval {
    Interval::from_cuts(crate::interval::Cut::NegInf, i.high_cut()).unwrap_or_else(Interval::entire)
}

/// HC4-revise of one constraint: narrows `dom` in place; `Err(())` when a domain empties.
fn revise(
    kind: ConstraintKind,
    parts: &[usize],
    total: usize,
    dom: &mut [Interval],
) -> std::result::Result<bool, ()> {
    let mut changed = false;
    let mut set = |dom: &mut [Interval], i: usize, with: Interval| -> std::result::Result<(), ()> {
        let new = dom[i].intersection(&with).ok_or(())?;
        if moved(&dom[i], &new) {
            changed = true;
            dom[i] = new;
        }
        Ok(())
    };
    // Forward: the total against what the parts sum to.
    if let Some(s) = sum(parts.iter().map(|&i| &dom[i])) {
        let bound = if kind.is_equality() { s } else { at_least(&s) };
        set(dom, total, bound)?;
    }
    // Backward: each part against the total minus the other parts.
    for (k, &i) in parts.iter().enumerate() {
        let others = sum(parts
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != k)
            .map(|(_, &j)| &dom[j]));
        let Some(rest) = others.and_then(|o| dom[total].sub(&o).ok()) else {
            continue;
        };
        let bound = if kind.is_equality() {
            rest
        } else {
            at_most(&rest)
        };
        set(dom, i, bound)?;
    }
    Ok(changed)
}

/// Propagates the active constraints to a fixed point; `None` when infeasible.
fn propagate(
    p: &Problem<'_>,
    active_cons: &[usize],
    mut dom: Vec<Interval>,
) -> Option<Vec<Interval>> {
    let limit = 64 * active_cons.len().max(1);
    for _ in 0..limit {
        let mut changed = false;
        for &k in active_cons {
            let (c, parts, total) = &p.cons[k];
            changed |= revise(c.kind, parts, *total, &mut dom).ok()?;
        }
        if !changed {
            break;
        }
    }
    Some(dom)
}

fn feasible(p: &Problem<'_>, active_cons: &[usize], active: &dyn Fn(&Claim) -> bool) -> bool {
    hard_domains(p, active_cons, active).is_some_and(|d| propagate(p, active_cons, d).is_some())
}

/// Checks constraints against claims: one report per constraint (in id order) and the
/// derived quantities. `kind_of` gives a quantity's kind (a count when undeclared). It
/// takes the claim set's parts, not the set, so this module does not depend on it.
pub(crate) fn check(
    constraints: &[Constraint],
    claims: &[Claim],
    kind_of: impl Fn(&str) -> Option<QuantityKind>,
) -> (Vec<ConstraintReport>, Vec<DerivedQuantity>) {
    let mut constraints: Vec<&Constraint> = constraints.iter().collect();
    if constraints.is_empty() {
        return (Vec::new(), Vec::new());
    }
    constraints.sort_by(|a, b| a.id.cmp(&b.id));
    let mut ids: Vec<&str> = constraints.iter().flat_map(|c| c.quantities()).collect();
    ids.sort_unstable();
    ids.dedup();
    let index: BTreeMap<&str, usize> = ids.iter().enumerate().map(|(i, q)| (*q, i)).collect();
    let mut by_quantity: BTreeMap<&str, Vec<&Claim>> = BTreeMap::new();
    for c in claims {
        if index.contains_key(c.quantity()) {
            by_quantity.entry(c.quantity()).or_default().push(c);
        }
    }
    let vars: Vec<Var<'_>> = ids
        .iter()
        .map(|q| {
            let mut claims = by_quantity.remove(q).unwrap_or_default();
            claims.sort_by(|a, b| a.id().cmp(b.id()));
            Var {
                id: q,
                kind: kind_of(q).unwrap_or(QuantityKind::Count),
                claims,
            }
        })
        .collect();
    let cons = constraints
        .iter()
        .map(|c| {
            let parts = c.parts.iter().map(|q| index[q.as_str()]).collect();
            (*c, parts, index[c.total.as_str()])
        })
        .collect();
    let p = Problem { vars, cons };
    let all_cons: Vec<usize> = (0..p.cons.len()).collect();
    let everyone = |_: &Claim| true;

    let hard0 = hard_domains(&p, &all_cons, &everyone);
    let plaus0 = plausible_domains(&p);
    let hard_fix = hard0.clone().and_then(|d| propagate(&p, &all_cons, d));
    // The plausible domains, propagated, within the hard ones (the plausible readings may
    // conflict where the claims logically do not: then they are left as they are).
    let plaus_fix = propagate(&p, &all_cons, plaus0.clone());

    // Infeasibility is explained as locally as it can be: a constraint that cannot hold
    // by itself gets its own minimal conflict; only when each holds alone but not all
    // together is the conflict found across constraints.
    let globally_feasible = hard0.is_some() && hard_fix.is_some();
    let alone: Vec<Option<(Vec<&str>, BTreeSet<usize>)>> = all_cons
        .iter()
        .map(|&k| (!feasible(&p, &[k], &everyone)).then(|| minimal_conflict(&p, &[k])))
        .collect();
    let global: Option<(Vec<&str>, BTreeSet<usize>)> = (!globally_feasible
        && alone.iter().all(Option::is_none))
    .then(|| minimal_conflict(&p, &all_cons));
    let mut reports: Vec<ConstraintReport> = Vec::new();
    for (k, (c, parts, total)) in p.cons.iter().enumerate() {
        let mut r = ConstraintReport {
            id: c.id.clone(),
            kind: c.kind,
            parts: c.parts.clone(),
            total: c.total.clone(),
            status: ConstraintStatus::Satisfied,
            narrowed: BTreeMap::new(),
            narrowed_hard: BTreeMap::new(),
            conflict: Vec::new(),
            witness: None,
            with_constraints: Vec::new(),
        };
        let conflict = alone[k]
            .as_ref()
            .or(global.as_ref().filter(|(_, s)| s.contains(&k)));
        if let Some((claims, with)) = conflict {
            r.status = ConstraintStatus::Infeasible;
            r.conflict = claims
                .iter()
                .map(std::string::ToString::to_string)
                .collect();
            r.witness = Some(witness(&p, k, claims));
            r.with_constraints = with.iter().map(|&j| p.cons[j].0.id.clone()).collect();
            reports.push(r);
            continue;
        }
        // What this constraint adds: the fixed point of all constraints against that of all
        // the others; when the whole system is infeasible elsewhere, this one alone
        // against nothing.
        let others: Vec<usize> = all_cons.iter().copied().filter(|&j| j != k).collect();
        let (hard_after, plaus_after, hard_before, plaus_before) =
            if let (Some(h0), Some(h)) = (&hard0, &hard_fix) {
                (
                    Some(h.clone()),
                    plaus_fix.clone(),
                    propagate(&p, &others, h0.clone()),
                    propagate(&p, &others, plaus0.clone()),
                )
            } else {
                let own = hard_domains(&p, &[k], &everyone);
                (
                    own.clone().and_then(|d| propagate(&p, &[k], d)),
                    propagate(&p, &[k], plaus0.clone()),
                    own,
                    Some(plaus0.clone()),
                )
            };
        for &q in parts.iter().chain(std::iter::once(total)) {
            let name = p.vars[q].id.to_string();
            if let (Some(h0), Some(h)) = (&hard_before, &hard_after)
                && moved(&h0[q], &h[q])
            {
                r.narrowed_hard.insert(name.clone(), h[q]);
            }
            if let (Some(p0), Some(pl)) = (&plaus_before, &plaus_after)
                && moved(&p0[q], &pl[q])
            {
                r.narrowed.insert(name, pl[q]);
            }
        }
        if !(r.narrowed.is_empty() && r.narrowed_hard.is_empty()) {
            r.status = ConstraintStatus::Narrowed;
        }
        reports.push(r);
    }

    // Derived totals: quantities without claims that some constraint totals.
    let mut derived = Vec::new();
    for (c, parts, total) in &p.cons {
        let v = &p.vars[*total];
        // Only an equality determines its total; `le` and `sum_le` merely bound it.
        if !c.kind.is_equality()
            || !v.claims.is_empty()
            || derived.iter().any(|d: &DerivedQuantity| d.quantity == v.id)
        {
            continue;
        }
        let hard = hard_fix.as_ref().map_or(domain_of(v.kind), |h| h[*total]);
        let plausible = plaus_fix
            .as_ref()
            .map_or(hard, |pl| pl[*total])
            .intersection(&hard)
            .unwrap_or(hard);
        let centrals: Option<Vec<f64>> = parts
            .iter()
            .map(|&q| match p.vars[q].claims.as_slice() {
                [one] => one.estimate().central(),
                _ => None,
            })
            .collect();
        let central = centrals
            .map(|cs| cs.iter().sum::<f64>())
            .filter(|x| c.kind.is_equality() && plausible.contains_value(*x));
        let from = parts
            .iter()
            .flat_map(|&q| p.vars[q].claims.iter().map(|c| c.id().to_string()))
            .collect();
        derived.push(DerivedQuantity {
            quantity: v.id.to_string(),
            constraint: c.id.clone(),
            hard,
            plausible,
            central,
            from,
        });
    }
    (reports, derived)
}

/// The deletion filter: a minimal set of claims (by id) with which the given constraints
/// are infeasible, and a minimal set of those constraints it needs.
fn minimal_conflict<'a>(p: &Problem<'a>, cons: &[usize]) -> (Vec<&'a str>, BTreeSet<usize>) {
    // Only the claims that bind a domain matter: a quantity's hard domain is set by its
    // highest lower bound and lowest upper bound.
    let mut candidates: Vec<&Claim> = Vec::new();
    for v in &p.vars {
        let low = v.claims.iter().max_by(|a, b| {
            a.estimate()
                .hard()
                .low_cut()
                .cmp(&b.estimate().hard().low_cut())
                .then(b.id().cmp(a.id()))
        });
        let high = v.claims.iter().min_by(|a, b| {
            a.estimate()
                .hard()
                .high_cut()
                .cmp(&b.estimate().hard().high_cut())
                .then(a.id().cmp(b.id()))
        });
        candidates.extend(low.into_iter().chain(high).copied());
    }
    candidates.sort_by(|a, b| a.id().cmp(b.id()));
    candidates.dedup_by(|a, b| a.id() == b.id());
    let mut keep: BTreeSet<&str> = candidates.iter().map(|c| c.id()).collect();
    if feasible(p, cons, &|c: &Claim| keep.contains(c.id())) {
        return (Vec::new(), BTreeSet::new());
    }
    for c in &candidates {
        keep.remove(c.id());
        if feasible(p, cons, &|x: &Claim| keep.contains(x.id())) {
            keep.insert(c.id());
        }
    }
    let mut active: BTreeSet<usize> = cons.iter().copied().collect();
    for &k in cons {
        active.remove(&k);
        let list: Vec<usize> = active.iter().copied().collect();
        if feasible(p, &list, &|x: &Claim| keep.contains(x.id())) {
            active.insert(k);
        }
    }
    (keep.into_iter().collect(), active)
}

/// "killed (at least 12,000: ohchr-killed, OHCHR) + wounded (…) > casualties (…)".
fn witness(p: &Problem<'_>, k: usize, conflict: &[&str]) -> String {
    let (c, parts, total) = &p.cons[k];
    let in_conflict = |x: &Claim| conflict.contains(&x.id());
    let dom = hard_domains(p, &[k], &in_conflict);
    let describe = |q: usize| -> String {
        let v = &p.vars[q];
        let claims: Vec<String> = v
            .claims
            .iter()
            .filter(|c| in_conflict(c))
            .map(|c| {
                let words = c.estimate().reading().map_or_else(
                    || c.estimate().hard().to_string(),
                    |r| format!("\"{}\"", r.text()),
                );
                format!("{words}: {}, {}", c.id(), c.sources().join("+"))
            })
            .collect();
        let range = dom
            .as_ref()
            .map_or_else(|| "—".to_string(), |d| d[q].to_string());
        if claims.is_empty() {
            format!("{} (unclaimed, {range})", v.id)
        } else {
            format!("{} ({range} from {})", v.id, claims.join("; "))
        }
    };
    let lhs: Vec<String> = parts.iter().map(|&q| describe(q)).collect();
    let lhs = lhs.join(" + ");
    let rhs = describe(*total);
    let Some(d) = dom else {
        return format!("the claims about one quantity already exclude each other: {lhs}; {rhs}");
    };
    let s = sum(parts.iter().map(|&q| &d[q]));
    let op = match (c.kind, s) {
        (_, Some(s)) if s.inf() > d[*total].sup() => format!(
            "{lhs} > {rhs}: the parts add up to at least {}, the total is at most {}",
            crate::format_number(s.inf()),
            crate::format_number(d[*total].sup())
        ),
        (kind, Some(s)) if kind.is_equality() && s.sup() < d[*total].inf() => format!(
            "{lhs} < {rhs}: the parts add up to at most {}, the total is at least {}",
            crate::format_number(s.sup()),
            crate::format_number(d[*total].inf())
        ),
        _ => format!(
            "{lhs} {} {rhs} cannot hold together with the other constraints",
            if c.kind.is_equality() { "=" } else { "≤" }
        ),
    };
    format!("{}: {op}", c.id)
}
