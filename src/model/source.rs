//! Sources: who originates figures, and how much their word weighs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};

/// What kind of body a source is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A government or ministry.
    Government,
    /// Armed forces or a general staff.
    Military,
    /// An intelligence service.
    Intelligence,
    /// A news outlet.
    Media,
    /// A non-governmental organisation.
    Ngo,
    /// A research group or university.
    Academic,
    /// Open-source intelligence (for example photo-confirmed loss tallies).
    Osint,
    /// Anything else (the default).
    #[default]
    Other,
}

impl SourceKind {
    /// Every variant, in declaration order.
    pub const ALL: [SourceKind; 8] = [
        SourceKind::Government,
        SourceKind::Military,
        SourceKind::Intelligence,
        SourceKind::Media,
        SourceKind::Ngo,
        SourceKind::Academic,
        SourceKind::Osint,
        SourceKind::Other,
    ];

    const NAMES: &'static str =
        "government, military, intelligence, media, ngo, academic, osint, other";

    /// The lowercase name used in files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Government => "government",
            SourceKind::Military => "military",
            SourceKind::Intelligence => "intelligence",
            SourceKind::Media => "media",
            SourceKind::Ngo => "ngo",
            SourceKind::Academic => "academic",
            SourceKind::Osint => "osint",
            SourceKind::Other => "other",
        }
    }
}

impl std::fmt::Display for SourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SourceKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "government" => SourceKind::Government,
            "military" => SourceKind::Military,
            "intelligence" => SourceKind::Intelligence,
            "media" => SourceKind::Media,
            "ngo" => SourceKind::Ngo,
            "academic" => SourceKind::Academic,
            "osint" => SourceKind::Osint,
            "other" => SourceKind::Other,
            _ => {
                return Err(Error::UnknownVariant {
                    at: Location::Unknown,
                    field: "kind",
                    value: s.to_string(),
                    expected: SourceKind::NAMES,
                });
            }
        })
    }
}

/// Source reliability on the NATO Admiralty scale (STANAG 2511 / AJP-2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Reliability {
    /// Completely reliable.
    A,
    /// Usually reliable.
    B,
    /// Fairly reliable.
    C,
    /// Not usually reliable.
    D,
    /// Unreliable.
    E,
    /// Reliability cannot be judged.
    F,
}

impl FromStr for Reliability {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.trim() {
            "A" | "a" => Reliability::A,
            "B" | "b" => Reliability::B,
            "C" | "c" => Reliability::C,
            "D" | "d" => Reliability::D,
            "E" | "e" => Reliability::E,
            "F" | "f" => Reliability::F,
            _ => {
                return Err(Error::UnknownVariant {
                    at: Location::Unknown,
                    field: "reliability",
                    value: s.to_string(),
                    expected: "A, B, C, D, E, F (Admiralty scale)",
                });
            }
        })
    }
}

impl fmt::Display for Reliability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// The weight each reliability grade gives a claim in weighted figures (the support profile,
/// the best-supported region, the weighted median, the opinion pool).
///
/// The default is crosscheck's own convention, linear in the grade, with "cannot be judged"
/// and unrated sources at the midpoint:
///
/// | grade | A | B | C | D | E | F | unrated |
/// |---|---|---|---|---|---|---|---|
/// | weight | 1.0 | 0.8 | 0.6 | 0.4 | 0.2 | 0.5 | 0.5 |
///
/// A joint claim (several originating sources) counts once, with the largest weight among
/// its sources.
///
/// # Example
///
/// ```
/// use crosscheck::{Reliability, ReliabilityWeights};
///
/// let w = ReliabilityWeights::default().with(Reliability::E, 0.0)?;
/// assert_eq!(w.weight(Some(Reliability::E)), 0.0);
/// assert_eq!(ReliabilityWeights::uniform().weight(Some(Reliability::A)), 1.0);
/// Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityWeights {
    grades: [f64; 6],
    unrated: f64,
}

impl Default for ReliabilityWeights {
    fn default() -> Self {
        ReliabilityWeights {
            grades: [1.0, 0.8, 0.6, 0.4, 0.2, 0.5],
            unrated: 0.5,
        }
    }
}

impl ReliabilityWeights {
    /// Every grade, and unrated sources, weigh 1.
    #[must_use]
    pub fn uniform() -> Self {
        ReliabilityWeights {
            grades: [1.0; 6],
            unrated: 1.0,
        }
    }

    fn check(w: f64) -> Result<f64> {
        if w.is_finite() && w >= 0.0 {
            Ok(w)
        } else {
            Err(Error::Method {
                at: Location::Unknown,
                reason: format!("reliability weight {w} must be finite and non-negative"),
            })
        }
    }

    /// Sets the weight of one grade.
    ///
    /// # Errors
    ///
    /// [`Error::Method`] when `w` is negative, NaN or infinite.
    pub fn with(mut self, grade: Reliability, w: f64) -> Result<Self> {
        self.grades[grade as usize] = Self::check(w)?;
        Ok(self)
    }

    /// Sets the weight of sources without a grade.
    ///
    /// # Errors
    ///
    /// [`Error::Method`] when `w` is negative, NaN or infinite.
    pub fn with_unrated(mut self, w: f64) -> Result<Self> {
        self.unrated = Self::check(w)?;
        Ok(self)
    }

    /// The weight of a grade (`None` = unrated).
    #[must_use]
    pub fn weight(&self, grade: Option<Reliability>) -> f64 {
        grade.map_or(self.unrated, |g| self.grades[g as usize])
    }
}

/// Who originates figures.
///
/// # Example
///
/// ```
/// use crosscheck::{Reliability, Source, SourceKind};
///
/// let ua = Source::new("ua-gov", "Government of Ukraine")?
///     .with_side("Ukraine")
///     .with_kind(SourceKind::Government)
///     .with_reliability(Reliability::C);
/// assert_eq!(ua.side(), Some("Ukraine"));
/// Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawSource")]
pub struct Source {
    id: String,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    side: Option<String>,
    #[serde(default)]
    kind: SourceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reliability: Option<Reliability>,
}

/// A source as read by serde, checked by the rules of [`Source::new`] before it becomes one.
#[derive(Deserialize)]
struct RawSource {
    id: String,
    name: String,
    #[serde(default)]
    side: Option<String>,
    #[serde(default)]
    kind: SourceKind,
    #[serde(default)]
    reliability: Option<Reliability>,
}

impl TryFrom<RawSource> for Source {
    type Error = Error;

    fn try_from(r: RawSource) -> Result<Source> {
        let mut s = Source::new(r.id, r.name)?;
        s.side = r.side;
        s.kind = r.kind;
        s.reliability = r.reliability;
        Ok(s)
    }
}

impl Source {
    /// A source with an id and a display name, no side, kind `other`, unrated.
    ///
    /// # Errors
    ///
    /// [`Error::Empty`] when the id is empty.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Result<Source> {
        Ok(Source {
            id: crate::limits::check_source_id("id", id.into())?,
            name: name.into(),
            side: None,
            kind: SourceKind::Other,
            reliability: None,
        })
    }

    /// A source named after its id, with defaults (as CSV loading creates them).
    ///
    /// # Errors
    ///
    /// [`Error::Empty`] when the id is empty.
    pub fn from_id(id: impl Into<String>) -> Result<Source> {
        let id = id.into();
        Source::new(id.clone(), id)
    }

    /// Sets the party to the dispute this source belongs to (leave unset for neutral sources).
    #[must_use]
    pub fn with_side(mut self, side: impl Into<String>) -> Self {
        let side = side.into();
        self.side = (!side.trim().is_empty()).then_some(side);
        self
    }

    /// Sets the kind.
    #[must_use]
    pub fn with_kind(mut self, kind: SourceKind) -> Self {
        self.kind = kind;
        self
    }

    /// Sets the Admiralty reliability grade.
    #[must_use]
    pub fn with_reliability(mut self, grade: Reliability) -> Self {
        self.reliability = Some(grade);
        self
    }

    /// The id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The display name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The party to the dispute, if any.
    #[must_use]
    pub fn side(&self) -> Option<&str> {
        self.side.as_deref()
    }

    /// The kind.
    #[must_use]
    pub fn kind(&self) -> SourceKind {
        self.kind
    }

    /// The reliability grade, if rated.
    #[must_use]
    pub fn reliability(&self) -> Option<Reliability> {
        self.reliability
    }
}
