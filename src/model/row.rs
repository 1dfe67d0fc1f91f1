//! One claim as a report shows it, and its status in the judgement as of a date: the row
//! type that the reconciler, pooling, time and learned reliability all read, kept apart from
//! each of them so that data flows one way.

use serde::{Deserialize, Serialize};

use crate::claim::{PartialDate, Stance};
use crate::interval::Interval;

/// A claim's place in the judgement as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// Judged: the latest figure of its sources (as of the date judged).
    #[default]
    Current,
    /// Replaced by a later figure of the same sources (or named by a `revises`), or, for
    /// a snapshot, about an earlier period: in the history, not in the verdict.
    Superseded,
    /// The same figure as another claim of the same sources and date, relayed by another
    /// outlet: counted once.
    Relay,
}

impl ClaimStatus {
    /// Every variant, in declaration order.
    pub const ALL: [ClaimStatus; 3] = [
        ClaimStatus::Current,
        ClaimStatus::Superseded,
        ClaimStatus::Relay,
    ];

    /// The `snake_case` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Current => "current",
            ClaimStatus::Superseded => "superseded",
            ClaimStatus::Relay => "relay",
        }
    }
}

named_enum!(ClaimStatus, "status", "current, superseded, relay");

/// One claim as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClaimRow {
    /// The claim id.
    pub id: String,
    /// Its originating sources.
    pub sources: Vec<String>,
    /// Its stance.
    pub stance: Stance,
    /// The wording, for a claim read from wording.
    pub wording: Option<String>,
    /// The reading rule applied, for a claim read from wording.
    pub rule: Option<String>,
    /// What the claim logically entails.
    pub hard: Interval,
    /// Its plausible reading.
    pub plausible: Interval,
    /// Its central value.
    pub central: Option<f64>,
    /// Its weight (from its sources' reliability).
    pub weight: f64,
    /// Coverage level of the plausible interval for the statistics.
    pub level: f64,
    /// The date the figure describes.
    #[serde(default)]
    pub as_of: Option<PartialDate>,
    /// When it was published.
    #[serde(default)]
    pub published: Option<PartialDate>,
    /// The outlet that relayed it.
    #[serde(default)]
    pub reported_by: Option<String>,
    /// Where it was published.
    #[serde(default)]
    pub url: Option<String>,
    /// The words it was published in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// The claim it revises, if it says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revises: Option<String>,
    /// Current (judged), superseded (in the history only) or relay (counted once).
    #[serde(default)]
    pub status: ClaimStatus,
}

impl ClaimRow {
    /// The date the claim speaks for: its `as_of`, else its `published` date.
    #[must_use]
    pub fn date(&self) -> Option<PartialDate> {
        self.as_of.or(self.published)
    }
}
