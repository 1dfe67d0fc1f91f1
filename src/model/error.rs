//! The one error type of crosscheck.
//!
//! There is one error type because every failure a user meets has the same shape: *which
//! record* (a claim, a source, a quantity, a CSV line, a study), *which field*, and *why*.
//! One enum lets a caller match on the reason while every message names the record, and
//! lets a loader hand back every bad record at once ([`Error::Invalid`]).

use std::fmt;
use std::ops::Range;

/// A `Result` whose error is crosscheck's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where in the input a problem sits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Location {
    /// Not tied to a record (a value built directly in code).
    #[default]
    Unknown,
    /// The claim with this id.
    Claim(String),
    /// The source with this id.
    Source(String),
    /// The quantity with this id.
    Quantity(String),
    /// The constraint with this id.
    Constraint(String),
    /// A record of a JSON document: `section[index]`, with its id where it has one.
    Record {
        /// `"claims"`, `"sources"` or `"quantities"`.
        section: &'static str,
        /// Position in the section, from 0.
        index: usize,
        /// The record's id, when it could be read.
        id: Option<String>,
    },
    /// A CSV line (1 = the header), with the claim id it was given.
    Line {
        /// Line number in the file, from 1 (the header is line 1).
        line: u64,
        /// The claim id (explicit, or `row-N`).
        id: Option<String>,
    },
    /// A study (effect size) of a meta-analysis input, by position from 0.
    Study(usize),
}

impl Location {
    /// Whether no record is named.
    #[must_use]
    pub fn is_unknown(&self) -> bool {
        matches!(self, Location::Unknown)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Unknown => f.write_str("input"),
            Location::Claim(id) => write!(f, "claim `{id}`"),
            Location::Source(id) => write!(f, "source `{id}`"),
            Location::Quantity(id) => write!(f, "quantity `{id}`"),
            Location::Constraint(id) => write!(f, "constraint `{id}`"),
            Location::Record {
                section,
                index,
                id: Some(id),
            } => {
                write!(f, "{section}[{index}] (`{id}`)")
            }
            Location::Record {
                section,
                index,
                id: None,
            } => write!(f, "{section}[{index}]"),
            Location::Line { line, id: Some(id) } => write!(f, "line {line} (claim `{id}`)"),
            Location::Line { line, id: None } => write!(f, "line {line}"),
            Location::Study(i) => write!(f, "study {i}"),
        }
    }
}

/// Everything that can go wrong in crosscheck.
///
/// Every variant names the record ([`Location`]) and, where one is to blame, the field.
/// Loading a file collects all bad records into [`Error::Invalid`] rather than stopping at
/// the first.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A number that must be finite is NaN or infinite.
    #[error("{at}: field `{field}` is {value}, but must be a finite number")]
    NotFinite {
        /// The record.
        at: Location,
        /// The field.
        field: &'static str,
        /// The offending value (NaN or ±∞).
        value: f64,
    },
    /// An interval whose lower bound lies above its upper bound, or that holds no value.
    #[error("{at}: field `{field}` is inverted or empty: low {low} is not below high {high}")]
    Inverted {
        /// The record.
        at: Location,
        /// The field.
        field: &'static str,
        /// The lower bound.
        low: f64,
        /// The upper bound.
        high: f64,
    },
    /// A central value outside the plausible interval.
    #[error("{at}: central value {central} lies outside the plausible interval {interval}")]
    CentralOutside {
        /// The record.
        at: Location,
        /// The central value.
        central: f64,
        /// The plausible interval, as printed (`[1,000, 1,400]`): errors carry the text of
        /// the intervals they are about, so this module does not depend on `Interval`.
        interval: String,
    },
    /// A plausible interval that is not inside the hard interval.
    #[error("{at}: plausible interval {plausible} is not inside the hard interval {hard}")]
    NotNested {
        /// The record.
        at: Location,
        /// The plausible interval, as printed.
        plausible: String,
        /// The hard interval, as printed.
        hard: String,
    },
    /// A negative figure for a count quantity.
    #[error("{at}: field `{field}` is {value}, but a count cannot be negative")]
    Negative {
        /// The record.
        at: Location,
        /// The field.
        field: &'static str,
        /// The value.
        value: f64,
    },
    /// A coverage level outside (0, 1).
    #[error("{at}: level {level} must lie strictly between 0 and 1")]
    Level {
        /// The record.
        at: Location,
        /// The level.
        level: f64,
    },
    /// A claim names a source that is not declared.
    #[error("{at}: unknown source `{source_id}`{}", did_you_mean(suggestion))]
    UnknownSource {
        /// The record.
        at: Location,
        /// The source id.
        source_id: String,
        /// The declared id closest to it, if one is close.
        suggestion: Option<String>,
    },
    /// A claim names a quantity that is not declared.
    #[error("{at}: unknown quantity `{quantity}`{}", did_you_mean(suggestion))]
    UnknownQuantity {
        /// The record.
        at: Location,
        /// The quantity id.
        quantity: String,
        /// The declared id closest to it, if one is close.
        suggestion: Option<String>,
    },
    /// A field the record does not have (a typo such as `quantitiy`).
    #[error(
        "{at}: unknown field `{field}`{}; expected {expected}",
        did_you_mean(suggestion)
    )]
    UnknownField {
        /// The record.
        at: Location,
        /// The field as written.
        field: String,
        /// The closest known field, if one is close.
        suggestion: Option<String>,
        /// The fields the record may have.
        expected: &'static str,
    },
    /// Two records of the same kind share an id.
    #[error("{at}: duplicate {what} id `{id}`")]
    DuplicateId {
        /// The record.
        at: Location,
        /// `"claim"`, `"source"` or `"quantity"`.
        what: &'static str,
        /// The id.
        id: String,
    },
    /// An empty id, or a claim with no source.
    #[error("{at}: field `{field}` is empty")]
    Empty {
        /// The record.
        at: Location,
        /// The field.
        field: &'static str,
    },
    /// A claim's unit, or a re-declared quantity's unit, differs from the declared one.
    #[error("{at}: unit clash for quantity `{quantity}`: declared `{declared}`, found `{found}`")]
    UnitClash {
        /// The record.
        at: Location,
        /// The quantity.
        quantity: String,
        /// The declared unit.
        declared: String,
        /// The clashing unit.
        found: String,
    },
    /// A re-declared quantity whose kind or temporal kind differs from the declared one.
    #[error("{at}: kind clash for quantity `{quantity}`: declared `{declared}`, found `{found}`")]
    KindClash {
        /// The record.
        at: Location,
        /// The quantity.
        quantity: String,
        /// The declared kind.
        declared: String,
        /// The clashing kind.
        found: String,
    },
    /// A value that is not one of the allowed words (reliability grade, kind, stance…).
    #[error("{at}: field `{field}` is `{value}`, expected one of {expected}")]
    UnknownVariant {
        /// The record.
        at: Location,
        /// The field.
        field: &'static str,
        /// What was found.
        value: String,
        /// The allowed values.
        expected: &'static str,
    },
    /// A date that is not ISO 8601 with reduced precision (`2025`, `2025-04`, `2025-04-26`).
    #[error("{at}: field `{field}` is `{value}`, not a date: {reason}")]
    BadDate {
        /// The record.
        at: Location,
        /// The field.
        field: &'static str,
        /// The text.
        value: String,
        /// Why it is not a date.
        reason: String,
    },
    /// Wording the reader could not read; `span` is the byte range it could not read.
    #[error("{at}: cannot read `{text}` at bytes {}..{}: expected {expected}", span.start, span.end)]
    Wording {
        /// The record.
        at: Location,
        /// The whole wording.
        text: String,
        /// The byte range of `text` that could not be read.
        span: Range<usize>,
        /// What the reader expected there.
        expected: String,
    },
    /// A field longer than its limit (see [`crate::limits`]); the field is not quoted back.
    #[error("{at}: field `{field}` is {len} bytes long, over the limit of {max}")]
    TooLong {
        /// The record.
        at: Location,
        /// The field.
        field: String,
        /// Its length in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// A file or record that is not well-formed (bad JSON, bad CSV, wrong type of field).
    #[error("{at}: malformed `{field}`: {reason}")]
    Malformed {
        /// The record (or [`Location::Unknown`] for the whole document).
        at: Location,
        /// The field, column or part of the document.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// A statistical method cannot run on this input (for example, no studies).
    #[error("{at}: {reason}")]
    Method {
        /// The record.
        at: Location,
        /// Why.
        reason: String,
    },
    /// Reading a file failed.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The path.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Several bad records, all reported at once (in input order).
    #[error("{} bad record{}:\n{}", errors.len(), if errors.len() == 1 { "" } else { "s" }, list(errors))]
    Invalid {
        /// Every problem found.
        errors: Vec<Error>,
    },
}

fn did_you_mean(s: &Option<String>) -> String {
    s.as_ref()
        .map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
}

fn list(errors: &[Error]) -> String {
    errors
        .iter()
        .map(|e| format!("  - {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `at` field of every variant that has one (for shared and mutable access alike).
macro_rules! located {
    ($e:expr) => {
        match $e {
            Error::NotFinite { at, .. }
            | Error::Inverted { at, .. }
            | Error::CentralOutside { at, .. }
            | Error::NotNested { at, .. }
            | Error::Negative { at, .. }
            | Error::Level { at, .. }
            | Error::UnknownSource { at, .. }
            | Error::UnknownQuantity { at, .. }
            | Error::UnknownField { at, .. }
            | Error::DuplicateId { at, .. }
            | Error::Empty { at, .. }
            | Error::UnitClash { at, .. }
            | Error::KindClash { at, .. }
            | Error::UnknownVariant { at, .. }
            | Error::BadDate { at, .. }
            | Error::Wording { at, .. }
            | Error::Malformed { at, .. }
            | Error::TooLong { at, .. }
            | Error::Method { at, .. } => Some(at),
            Error::Io { .. } | Error::Invalid { .. } => None,
        }
    };
}

impl Error {
    /// The record this error is about.
    #[must_use]
    pub fn location(&self) -> Option<&Location> {
        located!(self)
    }

    fn location_mut(&mut self) -> Option<&mut Location> {
        located!(self)
    }

    /// Names the record of an error built without one (and of every error inside
    /// [`Error::Invalid`]); an error that already names its record keeps it.
    #[must_use]
    pub fn at(mut self, location: Location) -> Self {
        if let Error::Invalid { errors } = self {
            return Error::Invalid {
                errors: errors.into_iter().map(|e| e.at(location.clone())).collect(),
            };
        }
        if let Some(at) = self.location_mut()
            && at.is_unknown()
        {
            *at = location;
        }
        self
    }

    /// Replaces the record this error names.
    pub(crate) fn relocated(mut self, location: Location) -> Self {
        if let Some(at) = self.location_mut() {
            *at = location;
        }
        self
    }

    /// The individual errors: those inside [`Error::Invalid`], or this one alone.
    #[must_use]
    pub fn errors(&self) -> Vec<&Error> {
        match self {
            Error::Invalid { errors } => errors.iter().flat_map(Error::errors).collect(),
            e => vec![e],
        }
    }

    /// Flattens into a list of single errors.
    pub(crate) fn into_errors(self) -> Vec<Error> {
        match self {
            Error::Invalid { errors } => errors.into_iter().flat_map(Error::into_errors).collect(),
            e => vec![e],
        }
    }

    /// Builds [`Error::Invalid`] from several errors (a single error stays itself).
    pub(crate) fn from_many(mut errors: Vec<Error>) -> Error {
        if errors.len() == 1 {
            // Cannot fail: the list has exactly one error.
            errors.pop().expect("one error")
        } else {
            Error::Invalid { errors }
        }
    }

    pub(crate) fn malformed(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::Malformed {
            at: Location::Unknown,
            field: field.into(),
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_small_enough_to_return_cheaply() {
        assert!(
            std::mem::size_of::<Error>() <= 128,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn at_names_only_unlocated_errors() {
        let e = Error::Empty {
            at: Location::Unknown,
            field: "sources",
        }
        .at(Location::Claim("a".into()));
        assert_eq!(e.to_string(), "claim `a`: field `sources` is empty");
        let e = e.at(Location::Claim("b".into()));
        assert_eq!(e.location(), Some(&Location::Claim("a".into())));
    }
}
