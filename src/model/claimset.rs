//! A validated set of sources, quantities and claims.

// Fx hashing, as the claim table's interner: a million ids are looked up several times
// each while loading (SipHash was a tenth of loading a million claims).
use rustc_hash::FxHashMap as HashMap;

use crate::claim::{Claim, Stance};
use crate::error::{Error, Location, Result};
use crate::quantity::Quantity;
use crate::source::{ReliabilityWeights, Source};

/// A validated set of sources, quantities and the claims about them.
///
/// Every claim in a set names declared sources and a declared quantity, has a unique id,
/// and its estimate fits the quantity's domain (a count's intervals are clipped to
/// `[0, +∞)`, its negative figures refused). Build one in code with the `add_*` methods,
/// or load one from a file with [`Loader`](crate::Loader).
///
/// # Example
///
/// ```
/// use crosscheck::{Claim, ClaimSet, Estimate, Quantity, Source};
///
/// let mut set = ClaimSet::new();
/// set.add_source(Source::new("ua-gov", "Government of Ukraine")?.with_side("Ukraine"))?;
/// set.add_quantity(Quantity::new("kpa-casualties", "North Korean casualties")?.with_subject_side("North Korea"))?;
/// set.add_claim(Claim::new("zelensky", "kpa-casualties", ["ua-gov"], "about 4,000".parse()?)?)?;
/// assert!(set.add_claim(Claim::new("zelensky", "kpa-casualties", ["ua-gov"], Estimate::exact(1.0)?)?).is_err());
/// assert!(set.add_claim(Claim::new("x", "kpa-casualties", ["nobody"], Estimate::exact(1.0)?)?).is_err());
/// assert_eq!(set.stance(&set.claims()[0]).as_str(), "adversary");
/// Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaimSet {
    sources: Vec<Source>,
    quantities: Vec<Quantity>,
    claims: Vec<Claim>,
    constraints: Vec<crate::constraint::Constraint>,
    source_index: HashMap<String, usize>,
    quantity_index: HashMap<String, usize>,
    claim_index: HashMap<String, usize>,
    /// Whether each quantity (by its place in `quantities`) is a count: what every claim's
    /// check reads of its quantity, kept apart from the quantities (a byte each, in cache,
    /// where reading it from a quantity picked at random was a cache miss a claim on the
    /// CSV loader's serial stage).
    counts: Vec<bool>,
    /// Each claim's quantity, by its place in `quantities`: claims are grouped by
    /// quantity without hashing their quantity ids again.
    claim_quantity: Vec<usize>,
}

impl ClaimSet {
    /// An empty set.
    #[must_use]
    pub fn new() -> ClaimSet {
        ClaimSet::default()
    }

    /// Declares a source.
    ///
    /// # Errors
    ///
    /// [`Error::DuplicateId`] when a source with this id exists.
    pub fn add_source(&mut self, source: Source) -> Result<()> {
        if self.source_index.contains_key(source.id()) {
            return Err(Error::DuplicateId {
                at: Location::Source(source.id().into()),
                what: "source",
                id: source.id().into(),
            });
        }
        self.source_index
            .insert(source.id().to_string(), self.sources.len());
        self.sources.push(source);
        Ok(())
    }

    /// Declares a quantity.
    ///
    /// # Errors
    ///
    /// When a quantity with this id exists: [`Error::UnitClash`] if the units differ,
    /// [`Error::KindClash`] if the kinds or temporal kinds differ, else
    /// [`Error::DuplicateId`].
    pub fn add_quantity(&mut self, quantity: Quantity) -> Result<()> {
        if let Some(&i) = self.quantity_index.get(quantity.id()) {
            let old = &self.quantities[i];
            let at = Location::Quantity(quantity.id().into());
            let id = quantity.id().to_string();
            return Err(if old.unit() != quantity.unit() {
                Error::UnitClash {
                    at,
                    quantity: id,
                    declared: old.unit().into(),
                    found: quantity.unit().into(),
                }
            } else if old.kind() != quantity.kind() {
                Error::KindClash {
                    at,
                    quantity: id,
                    declared: old.kind().as_str().into(),
                    found: quantity.kind().as_str().into(),
                }
            } else if old.temporal() != quantity.temporal() {
                Error::KindClash {
                    at,
                    quantity: id,
                    declared: old.temporal().as_str().into(),
                    found: quantity.temporal().as_str().into(),
                }
            } else {
                Error::DuplicateId {
                    at,
                    what: "quantity",
                    id,
                }
            });
        }
        self.quantity_index
            .insert(quantity.id().to_string(), self.quantities.len());
        self.counts.push(quantity.is_count());
        self.quantities.push(quantity);
        Ok(())
    }

    /// Makes room for `n` more claims at once (a loader that knows its size).
    pub(crate) fn reserve_claims(&mut self, n: usize) {
        self.claims.reserve(n);
        self.claim_quantity.reserve(n);
        self.claim_index.reserve(n);
    }

    /// Adds a claim, fitting its estimate to the quantity's domain.
    ///
    /// # Errors
    ///
    /// Every problem with the claim at once (as [`Error::Invalid`] when there are several):
    /// [`Error::DuplicateId`], [`Error::UnknownQuantity`], [`Error::UnknownSource`] for each
    /// unknown source, [`Error::UnitClash`] when the claim states another unit,
    /// [`Error::Negative`] for a negative figure of a count.
    pub fn add_claim(&mut self, mut claim: Claim) -> Result<()> {
        let quantity = self.check_and_index(&mut claim)?;
        self.push_indexed(claim, quantity);
        Ok(())
    }

    /// Checks a claim as [`add_claim`](ClaimSet::add_claim) does and indexes its id at
    /// the end of the list, without moving it; the caller then appends it with
    /// [`push_indexed`](ClaimSet::push_indexed). The CSV loader checks a claim where it
    /// was built, so the claim (about 360 bytes) is moved once, not at every call. Returns
    /// the claim's quantity, by its place in [`quantities`](ClaimSet::quantities).
    pub(crate) fn check_and_index(&mut self, claim: &mut Claim) -> Result<usize> {
        let quantity = self.check_claim(claim)?;
        self.claim_index.insert(claim.id.clone(), self.claims.len());
        Ok(quantity)
    }

    /// [`check_and_index`](ClaimSet::check_and_index) for a claim whose id the caller
    /// found new, whose sources it found declared and whose quantity it found at place
    /// `quantity`: the checks that remain, with the same errors (one lookup of each id,
    /// where the CSV loader looked each up twice or three times on its one serial stage).
    /// The claim is indexed at `place` in the list, where the caller then puts it (the
    /// CSV loader, in the list it took out with [`take_claims`](ClaimSet::take_claims)).
    pub(crate) fn check_and_index_in(
        &mut self,
        quantity: usize,
        claim: &mut Claim,
        place: usize,
    ) -> Result<usize> {
        debug_assert!(!self.claim_index.contains_key(&claim.id));
        debug_assert!(
            claim
                .sources
                .iter()
                .all(|s| self.source_index.contains_key(s))
        );
        debug_assert_eq!(self.quantity_index.get(&claim.quantity), Some(&quantity));
        let mut errors = Vec::new();
        self.check_in(quantity, claim, &mut errors);
        if !errors.is_empty() {
            return Err(Error::from_many(errors));
        }
        self.claim_index.insert(claim.id.clone(), place);
        Ok(quantity)
    }

    /// Takes the claim list and each claim's quantity out of the set (with the room
    /// made for them), for a loader that appends claims indexed by
    /// [`check_and_index_in`](ClaimSet::check_and_index_in) at their places while it
    /// checks the next ones; [`put_claims`](ClaimSet::put_claims) gives them back. In
    /// between, the set holds no claims but indexes them.
    pub(crate) fn take_claims(&mut self) -> (Vec<Claim>, Vec<usize>) {
        (
            std::mem::take(&mut self.claims),
            std::mem::take(&mut self.claim_quantity),
        )
    }

    /// Gives back the lists [`take_claims`](ClaimSet::take_claims) took, each claim at
    /// the place its id was indexed at.
    pub(crate) fn put_claims(&mut self, claims: Vec<Claim>, quantities: Vec<usize>) {
        debug_assert!(self.claims.is_empty() && self.claim_quantity.is_empty());
        debug_assert_eq!(claims.len(), quantities.len());
        debug_assert_eq!(claims.len(), self.claim_index.len());
        debug_assert!(
            claims
                .iter()
                .zip(&quantities)
                .enumerate()
                .all(|(k, (c, q))| {
                    self.claim_index.get(&c.id) == Some(&k)
                        && self.quantity_index.get(&c.quantity) == Some(q)
                })
        );
        self.claims = claims;
        self.claim_quantity = quantities;
    }

    /// Whether a claim with this id is indexed (appended or about to be).
    pub(crate) fn has_claim(&self, id: &str) -> bool {
        self.claim_index.contains_key(id)
    }

    /// The place of the quantity with this id in [`quantities`](ClaimSet::quantities).
    pub(crate) fn quantity_place(&self, id: &str) -> Option<usize> {
        self.quantity_index.get(id).copied()
    }

    /// The checks of a claim against its quantity (at place `quantity`): its unit, and a
    /// count's estimate fitted to the count's domain.
    fn check_in(&self, quantity: usize, claim: &mut Claim, errors: &mut Vec<Error>) {
        let (Some(q), Some(&count)) = (self.quantities.get(quantity), self.counts.get(quantity))
        else {
            return;
        };
        let at = || Location::Claim(claim.id.clone());
        if let Some(unit) = &claim.unit
            && !q.unit().is_empty()
            && !unit.trim().eq_ignore_ascii_case(q.unit().trim())
        {
            errors.push(Error::UnitClash {
                at: at(),
                quantity: q.id().into(),
                declared: q.unit().into(),
                found: unit.clone(),
            });
        }
        if count && let Err(e) = claim.estimate.fit_count() {
            errors.push(e.at(at()));
        }
    }

    /// Appends the claim just indexed by [`check_and_index`](ClaimSet::check_and_index),
    /// with the quantity it returned.
    pub(crate) fn push_indexed(&mut self, claim: Claim, quantity: usize) {
        debug_assert_eq!(self.claim_index.get(&claim.id), Some(&self.claims.len()));
        debug_assert_eq!(self.quantity_index.get(&claim.quantity), Some(&quantity));
        self.claims.push(claim);
        self.claim_quantity.push(quantity);
    }

    /// Each claim's quantity (in the order of [`claims`](ClaimSet::claims)), by its place
    /// in [`quantities`](ClaimSet::quantities).
    pub(crate) fn claim_quantities(&self) -> &[usize] {
        &self.claim_quantity
    }

    /// The checks of [`add_claim`](ClaimSet::add_claim); the claim's quantity when they
    /// pass.
    fn check_claim(&self, claim: &mut Claim) -> Result<usize> {
        let at = || Location::Claim(claim.id.clone());
        let mut errors = Vec::new();
        if self.claim_index.contains_key(&claim.id) {
            errors.push(Error::DuplicateId {
                at: at(),
                what: "claim",
                id: claim.id.clone(),
            });
        }
        for s in &claim.sources {
            if !self.source_index.contains_key(s) {
                errors.push(Error::UnknownSource {
                    at: at(),
                    source_id: s.clone(),
                    suggestion: self.nearest_source(s),
                });
            }
        }
        let found = self.quantity_index.get(&claim.quantity).copied();
        match found {
            None => errors.push(Error::UnknownQuantity {
                at: at(),
                quantity: claim.quantity.clone(),
                suggestion: self.nearest_quantity(&claim.quantity),
            }),
            Some(i) => self.check_in(i, claim, &mut errors),
        }
        match found {
            Some(i) if errors.is_empty() => Ok(i),
            _ => Err(Error::from_many(errors)),
        }
    }

    /// The declared source id closest to `id`, for "did you mean" messages.
    pub(crate) fn nearest_source(&self, id: &str) -> Option<String> {
        crate::limits::nearest(id, self.sources.iter().map(Source::id))
    }

    /// The declared quantity id closest to `id`.
    pub(crate) fn nearest_quantity(&self, id: &str) -> Option<String> {
        crate::limits::nearest(id, self.quantities.iter().map(Quantity::id))
    }

    /// The set as of a date: claims dated after `date` (by `as_of`, else `published`; a
    /// partial date counts from the start of its period) are left out, undated claims kept.
    /// Returns the set and how many claims were left out. (The full judgement as of a date,
    /// with revisions superseded, is DESIGN §3.2.)
    #[must_use]
    pub fn as_of(&self, date: crate::claim::PartialDate) -> (ClaimSet, usize) {
        let mut out = ClaimSet::new();
        for s in &self.sources {
            let _ = out.add_source(s.clone());
        }
        for q in &self.quantities {
            let _ = out.add_quantity(q.clone());
        }
        for c in &self.constraints {
            let _ = out.add_constraint(c.clone());
        }
        let mut left_out = 0;
        for c in &self.claims {
            if c.as_of().or(c.published()).is_some_and(|d| d > date) {
                left_out += 1;
            } else {
                // Every claim of a valid set is valid in a set with the same declarations.
                let _ = out.add_claim(c.clone());
            }
        }
        (out, left_out)
    }

    /// Declares a constraint between quantities (DESIGN §3.4).
    ///
    /// # Errors
    ///
    /// [`Error::DuplicateId`] for a constraint id already used; [`Error::UnknownQuantity`]
    /// for each quantity it names that is not declared.
    pub fn add_constraint(&mut self, constraint: crate::constraint::Constraint) -> Result<()> {
        let at = || Location::Constraint(constraint.id().to_string());
        if self.constraints.iter().any(|c| c.id() == constraint.id()) {
            return Err(Error::DuplicateId {
                at: at(),
                what: "constraint",
                id: constraint.id().to_string(),
            });
        }
        let unknown: Vec<Error> = constraint
            .quantities()
            .filter(|q| self.quantity(q).is_none())
            .map(|q| Error::UnknownQuantity {
                at: at(),
                quantity: q.to_string(),
                suggestion: self.nearest_quantity(q),
            })
            .collect();
        if !unknown.is_empty() {
            return Err(Error::from_many(unknown));
        }
        self.constraints.push(constraint);
        Ok(())
    }

    /// The constraints, in the order added.
    #[must_use]
    pub fn constraints(&self) -> &[crate::constraint::Constraint] {
        &self.constraints
    }

    /// The sources, in the order added.
    #[must_use]
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// The quantities, in the order added.
    #[must_use]
    pub fn quantities(&self) -> &[Quantity] {
        &self.quantities
    }

    /// The claims, in the order added.
    #[must_use]
    pub fn claims(&self) -> &[Claim] {
        &self.claims
    }

    /// The number of claims.
    #[must_use]
    pub fn len(&self) -> usize {
        self.claims.len()
    }

    /// Whether there are no claims.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.claims.is_empty()
    }

    /// The source with this id.
    #[must_use]
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.source_index.get(id).map(|&i| &self.sources[i])
    }

    /// The quantity with this id.
    #[must_use]
    pub fn quantity(&self, id: &str) -> Option<&Quantity> {
        self.quantity_index.get(id).map(|&i| &self.quantities[i])
    }

    /// The claim with this id.
    #[must_use]
    pub fn claim(&self, id: &str) -> Option<&Claim> {
        self.claim_index.get(id).map(|&i| &self.claims[i])
    }

    /// The claim's stance: its explicit one, else derived from its sources' sides and the
    /// quantity's subject side (a joint claim whose sources stand differently is `mixed`).
    #[must_use]
    pub fn stance(&self, claim: &Claim) -> Stance {
        if let Some(s) = claim.stance {
            return s;
        }
        let subject = self
            .quantity(&claim.quantity)
            .and_then(Quantity::subject_side);
        let mut stances = claim
            .sources
            .iter()
            .map(|s| Stance::of(self.source(s).and_then(Source::side), subject));
        let first = stances.next().unwrap_or(Stance::Unknown);
        if stances.all(|s| s == first) {
            first
        } else {
            Stance::Mixed
        }
    }

    /// The claim's weight: the largest weight among its sources (a joint claim counts once).
    #[must_use]
    pub fn weight(&self, claim: &Claim, weights: &ReliabilityWeights) -> f64 {
        claim
            .sources
            .iter()
            .map(|s| weights.weight(self.source(s).and_then(Source::reliability)))
            .fold(0.0, f64::max)
    }

    /// [`stance`](ClaimSet::stance) and [`weight`](ClaimSet::weight) of a claim about
    /// `quantity` at once: each source looked up once, and the quantity not looked up by
    /// its id (the reconciler has it at hand), where the two took two lookups of each
    /// source and one of the quantity. A claim's row at 10⁶ claims costs mostly cache
    /// misses on the claim's strings; these lookups were among them.
    pub(crate) fn stance_and_weight(
        &self,
        claim: &Claim,
        quantity: &Quantity,
        weights: &ReliabilityWeights,
    ) -> (Stance, f64) {
        debug_assert_eq!(claim.quantity, quantity.id());
        let subject = quantity.subject_side();
        let (mut first, mut mixed, mut weight) = (None, false, 0.0f64);
        for s in &claim.sources {
            let source = self.source(s);
            weight = weight.max(weights.weight(source.and_then(Source::reliability)));
            if claim.stance.is_none() {
                let stance = Stance::of(source.and_then(Source::side), subject);
                match first {
                    None => first = Some(stance),
                    Some(f) => mixed |= f != stance,
                }
            }
        }
        let stance = match (claim.stance, first) {
            (Some(s), _) => s,
            (None, _) if mixed => Stance::Mixed,
            (None, f) => f.unwrap_or(Stance::Unknown),
        };
        (stance, weight)
    }

    /// Replaces a source (same id), for "what if this source were rated differently".
    ///
    /// # Errors
    ///
    /// [`Error::UnknownSource`] when no source has this id.
    pub fn replace_source(&mut self, source: Source) -> Result<()> {
        match self.source_index.get(source.id()) {
            Some(&i) => {
                self.sources[i] = source;
                Ok(())
            }
            None => Err(Error::UnknownSource {
                suggestion: self.nearest_source(source.id()),
                at: Location::Unknown,
                source_id: source.id().into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::Estimate;
    use crate::source::Reliability;

    #[test]
    fn stance_and_weight_at_once_are_stance_and_weight_apart() {
        // Sources of every side (none, the subject's, another) and grade (none, A to F),
        // claims of one to three of them with and without an explicit stance, quantities
        // with and without a subject side, under three weightings.
        let mut set = ClaimSet::new();
        let grades = [
            None,
            Some(Reliability::A),
            Some(Reliability::B),
            Some(Reliability::C),
            Some(Reliability::D),
            Some(Reliability::E),
            Some(Reliability::F),
        ];
        let sides = [None, Some("ua"), Some(" UA "), Some("ru")];
        let mut names = Vec::new();
        for (i, g) in grades.iter().enumerate() {
            for (j, side) in sides.iter().enumerate() {
                let mut s = Source::from_id(format!("s{i}-{j}")).unwrap();
                if let Some(g) = g {
                    s = s.with_reliability(*g);
                }
                if let Some(side) = side {
                    s = s.with_side(*side);
                }
                names.push(s.id().to_string());
                set.add_source(s).unwrap();
            }
        }
        for (k, subject) in [None, Some("ua"), Some("ru")].iter().enumerate() {
            let mut q = Quantity::new(format!("q{k}"), "").unwrap();
            if let Some(subject) = subject {
                q = q.with_subject_side(*subject);
            }
            set.add_quantity(q).unwrap();
        }
        let mut rng = crate::testing::XorShift::new(5);
        let stances = [
            None,
            Some(Stance::Own),
            Some(Stance::Adversary),
            Some(Stance::Third),
            Some(Stance::Unknown),
            Some(Stance::Mixed),
        ];
        for n in 0..2000 {
            let k = rng.next_u64() as usize % 3;
            let count = 1 + rng.next_u64() as usize % 3;
            let mut sources: Vec<String> = Vec::new();
            while sources.len() < count {
                let s = &names[rng.next_u64() as usize % names.len()];
                if !sources.contains(s) {
                    sources.push(s.clone());
                }
            }
            let mut c = Claim::new(
                format!("c{n}"),
                format!("q{k}"),
                sources,
                Estimate::exact(1.0).unwrap(),
            )
            .unwrap();
            if let Some(s) = stances[rng.next_u64() as usize % stances.len()] {
                c = c.with_stance(s);
            }
            set.add_claim(c).unwrap();
        }
        let mut differ = ReliabilityWeights::default().with_unrated(0.9).unwrap();
        for (g, w) in grades.iter().flatten().zip([0.1, 0.3, 0.2, 0.7, 0.6, 0.0]) {
            differ = differ.with(*g, w).unwrap();
        }
        for weights in [
            ReliabilityWeights::default(),
            ReliabilityWeights::uniform(),
            differ,
        ] {
            let mut mixed = 0;
            for c in set.claims() {
                let q = set.quantity(c.quantity()).unwrap();
                let at_once = set.stance_and_weight(c, q, &weights);
                assert_eq!(at_once.0, set.stance(c), "{}", c.id());
                assert_eq!(
                    at_once.1.to_bits(),
                    set.weight(c, &weights).to_bits(),
                    "{}",
                    c.id()
                );
                mixed += usize::from(at_once.0 == Stance::Mixed && c.stance.is_none());
            }
            // The derived mixed stance is among the cases.
            assert!(mixed > 0);
        }
    }
}
