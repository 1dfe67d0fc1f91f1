//! Claims: one sourced figure about one quantity.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Location, Result};
use crate::estimate::Estimate;
use crate::limits::check_id;

/// A calendar date with reduced precision allowed: `2025`, `2025-04` or `2025-04-26`
/// (ISO 8601). Days are checked against the calendar (no 2025-02-29).
///
/// # Example
///
/// ```
/// use crosscheck::PartialDate;
///
/// let d: PartialDate = "2025-04".parse()?;
/// assert_eq!(d.to_string(), "2025-04");
/// assert!("2025-02-29".parse::<PartialDate>().is_err());
/// assert!("2025-04" .parse::<PartialDate>()? < "2025-04-26".parse::<PartialDate>()?);
/// Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    year: i16,
    month: Option<u8>,
    day: Option<u8>,
}

impl PartialDate {
    /// The year.
    #[must_use]
    pub fn year(&self) -> i16 {
        self.year
    }

    /// The month (1–12), if given.
    #[must_use]
    pub fn month(&self) -> Option<u8> {
        self.month
    }

    /// The day of the month, if given.
    #[must_use]
    pub fn day(&self) -> Option<u8> {
        self.day
    }
}

impl FromStr for PartialDate {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let bad = |reason: &str| Error::BadDate {
            at: Location::Unknown,
            field: "date",
            value: s.to_string(),
            reason: reason.to_string(),
        };
        let t = s.trim();
        // A time part or a quarter is a common mistake: say which forms are accepted.
        const FORMS: &str = "the accepted forms are YYYY, YYYY-MM and YYYY-MM-DD (a date, not a time or a quarter: write 2023-08-18 for 2023-08-18T10:00:00Z, 2023 or 2023-01 for 2023-Q1)";
        if t.contains(['T', 't', ':', ' ']) && t.len() > 10 {
            return Err(bad(&format!("a date with a time part; {FORMS}")));
        }
        if t.contains(['Q', 'q']) {
            return Err(bad(&format!("a quarter; {FORMS}")));
        }
        let parts: Vec<&str> = t.split('-').collect();
        let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        if parts.is_empty() || parts.len() > 3 || !digits(parts[0], 4) {
            return Err(bad(FORMS));
        }
        let year: i16 = parts[0].parse().map_err(|_| bad("bad year"))?;
        let mut date = PartialDate {
            year,
            month: None,
            day: None,
        };
        if let Some(m) = parts.get(1) {
            if !digits(m, 2) {
                return Err(bad("month must be two digits"));
            }
            let m: u8 = m.parse().map_err(|_| bad("bad month"))?;
            if !(1..=12).contains(&m) {
                return Err(bad("month must be 01 to 12"));
            }
            date.month = Some(m);
        }
        if let Some(d) = parts.get(2) {
            if !digits(d, 2) {
                return Err(bad("day must be two digits"));
            }
            let d: u8 = d.parse().map_err(|_| bad("bad day"))?;
            jiff::civil::Date::new(year, date.month.unwrap_or(1) as i8, d as i8)
                .map_err(|_| bad("no such day in the calendar"))?;
            date.day = Some(d);
        }
        Ok(date)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Where a claim was published.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Citation {
    /// The address of the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The report's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The sentence that carries the figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// Where a claim's sources stand relative to the quantity's subject.
///
/// Derived from the sources' sides and the quantity's `subject_side`, unless the claim sets
/// it explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    /// The source is the subject's own side (tends to under-report its own losses).
    Own,
    /// The source is on another side (tends to over-report its enemy's losses).
    Adversary,
    /// The source has no side (neutral).
    Third,
    /// The quantity has no subject side.
    Unknown,
    /// A joint claim whose sources stand differently.
    Mixed,
}

impl Stance {
    /// Every variant, in declaration order.
    pub const ALL: [Stance; 5] = [
        Stance::Own,
        Stance::Adversary,
        Stance::Third,
        Stance::Unknown,
        Stance::Mixed,
    ];

    /// The lowercase name used in files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Own => "own",
            Stance::Adversary => "adversary",
            Stance::Third => "third",
            Stance::Unknown => "unknown",
            Stance::Mixed => "mixed",
        }
    }

    /// The stance of one source with this `side` on a quantity about `subject`.
    #[must_use]
    pub fn of(side: Option<&str>, subject: Option<&str>) -> Stance {
        match (subject, side) {
            (None, _) => Stance::Unknown,
            (Some(_), None) => Stance::Third,
            (Some(q), Some(s)) if s.trim().eq_ignore_ascii_case(q.trim()) => Stance::Own,
            (Some(_), Some(_)) => Stance::Adversary,
        }
    }
}

impl FromStr for Stance {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "own" => Stance::Own,
            "adversary" => Stance::Adversary,
            "third" => Stance::Third,
            "unknown" => Stance::Unknown,
            "mixed" => Stance::Mixed,
            _ => {
                return Err(Error::UnknownVariant {
                    at: Location::Unknown,
                    field: "stance",
                    value: s.into(),
                    expected: "own, adversary, third, unknown, mixed",
                });
            }
        })
    }
}

impl fmt::Display for Stance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One figure: who said it, about which quantity, in what words, when.
///
/// # Example
///
/// ```
/// use crosscheck::{Claim, Estimate};
///
/// let c = Claim::new("zelensky-casualties", "kpa-casualties", ["ua-gov"], "about 4,000".parse::<Estimate>()?)?
///     .with_published("2025-04".parse()?)
///     .with_quote("Zelensky estimated about 4,000 casualties");
/// assert_eq!(c.sources(), ["ua-gov"]);
/// assert!(Claim::new("x", "q", Vec::<String>::new(), Estimate::exact(1.0)?).is_err());
/// Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub(crate) id: String,
    pub(crate) quantity: String,
    pub(crate) sources: Vec<String>,
    /// The rarely-set texts as boxed `str` (16 bytes where a `String` is 24: a claim set
    /// holds millions of claims).
    pub(crate) reported_by: Option<Box<str>>,
    pub(crate) estimate: Estimate,
    pub(crate) as_of: Option<PartialDate>,
    pub(crate) published: Option<PartialDate>,
    /// Boxed: most claims have none, and an inline citation (three optional strings) was
    /// 64 bytes of every claim's 360.
    pub(crate) citation: Option<Box<Citation>>,
    pub(crate) note: Option<Box<str>>,
    pub(crate) stance: Option<Stance>,
    pub(crate) unit: Option<String>,
    pub(crate) revises: Option<Box<str>>,
}

impl Claim {
    /// A claim with its required parts: id, quantity id, one or more originating source ids
    /// (a joint claim counts once) and its value.
    ///
    /// # Errors
    ///
    /// [`Error::Empty`] for an empty id, quantity or source list (or an empty source id),
    /// [`Error::DuplicateId`] for a source named twice.
    pub fn new<S: Into<String>>(
        id: impl Into<String>,
        quantity: impl Into<String>,
        sources: impl IntoIterator<Item = S>,
        estimate: Estimate,
    ) -> Result<Claim> {
        let id = check_id("id", id.into())?;
        let at = || Location::Claim(id.clone());
        let quantity = check_id("quantity", quantity.into()).map_err(|e| e.at(at()))?;
        let sources: Vec<String> = sources.into_iter().map(Into::into).collect();
        if sources.is_empty() {
            return Err(Error::Empty {
                at: at(),
                field: "sources",
            });
        }
        // A blank source is refused by the id check (as `Error::Empty`).
        crate::limits::check_source_ids(sources.iter().map(String::as_str))
            .map_err(|e| e.at(at()))?;
        Ok(Claim {
            id,
            quantity,
            sources,
            reported_by: None,
            estimate,
            as_of: None,
            published: None,
            citation: None,
            note: None,
            stance: None,
            unit: None,
            revises: None,
        })
    }

    /// Names the claim this one revises (DESIGN §3.3): the revised claim is superseded.
    #[must_use]
    pub fn with_revises(mut self, claim: impl Into<String>) -> Self {
        self.revises = Some(claim.into().into_boxed_str());
        self
    }

    /// The claim this one revises, if it says so.
    #[must_use]
    pub fn revises(&self) -> Option<&str> {
        self.revises.as_deref()
    }

    /// The date the claim speaks for: its `as_of`, else its `published` date.
    #[must_use]
    pub fn date(&self) -> Option<PartialDate> {
        self.as_of.or(self.published)
    }

    /// Sets the outlet that relayed the claim.
    #[must_use]
    pub fn with_reported_by(mut self, outlet: impl Into<String>) -> Self {
        self.reported_by = Some(outlet.into().into_boxed_str());
        self
    }

    /// Sets the date the figure refers to.
    #[must_use]
    pub fn with_as_of(mut self, date: PartialDate) -> Self {
        self.as_of = Some(date);
        self
    }

    /// Sets the date the figure was published.
    #[must_use]
    pub fn with_published(mut self, date: PartialDate) -> Self {
        self.published = Some(date);
        self
    }

    /// Sets the citation.
    #[must_use]
    pub fn with_citation(mut self, citation: Citation) -> Self {
        self.citation = Some(Box::new(citation));
        self
    }

    /// Sets the citation's quote (keeping its url and title).
    #[must_use]
    pub fn with_quote(mut self, quote: impl Into<String>) -> Self {
        self.citation.get_or_insert_with(Box::default).quote = Some(quote.into());
        self
    }

    /// Sets a free-text note.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into().into_boxed_str());
        self
    }

    /// Overrides the derived stance.
    #[must_use]
    pub fn with_stance(mut self, stance: Stance) -> Self {
        self.stance = Some(stance);
        self
    }

    /// States the claim's unit; a [`ClaimSet`](crate::ClaimSet) rejects it when it differs
    /// from the quantity's.
    #[must_use]
    pub fn with_unit(mut self, unit: impl Into<String>) -> Self {
        self.unit = Some(unit.into());
        self
    }

    /// The id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The quantity id.
    #[must_use]
    pub fn quantity(&self) -> &str {
        &self.quantity
    }

    /// The originating source ids.
    #[must_use]
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// The relaying outlet.
    #[must_use]
    pub fn reported_by(&self) -> Option<&str> {
        self.reported_by.as_deref()
    }

    /// The value.
    #[must_use]
    pub fn estimate(&self) -> &Estimate {
        &self.estimate
    }

    /// The date the figure refers to.
    #[must_use]
    pub fn as_of(&self) -> Option<PartialDate> {
        self.as_of
    }

    /// The publication date.
    #[must_use]
    pub fn published(&self) -> Option<PartialDate> {
        self.published
    }

    /// The citation.
    #[must_use]
    pub fn citation(&self) -> Option<&Citation> {
        self.citation.as_deref()
    }

    /// The note.
    #[must_use]
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The explicit stance, if set (see [`ClaimSet::stance`](crate::ClaimSet::stance) for
    /// the derived one).
    #[must_use]
    pub fn explicit_stance(&self) -> Option<Stance> {
        self.stance
    }

    /// The stated unit, if any.
    #[must_use]
    pub fn unit(&self) -> Option<&str> {
        self.unit.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A claim set holds millions of claims: a claim keeps its rarely-set parts (the
    /// citation, the outlet, the note, the revised claim) out of line, 272 bytes where
    /// they made 360. Fails when one of them is inlined again.
    #[test]
    fn a_claim_keeps_its_rare_parts_out_of_line() {
        assert!(
            std::mem::size_of::<Claim>() <= 272,
            "{}",
            std::mem::size_of::<Claim>()
        );
        let c = Claim::new("c", "q", ["s"], Estimate::exact(1.0).unwrap())
            .unwrap()
            .with_reported_by("outlet")
            .with_note("a note")
            .with_revises("b")
            .with_quote("it said 1");
        assert_eq!(c.reported_by(), Some("outlet"));
        assert_eq!(c.note(), Some("a note"));
        assert_eq!(c.revises(), Some("b"));
        assert_eq!(
            c.citation().and_then(|x| x.quote.as_deref()),
            Some("it said 1")
        );
    }
}
