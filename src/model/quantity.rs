//! Quantities: what is measured.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};

/// The number domain of a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuantityKind {
    /// A non-negative count (the default): negative figures are rejected and intervals are
    /// clipped to `[0, +∞)`.
    #[default]
    Count,
    /// Any real number.
    Real,
}

impl QuantityKind {
    /// Every variant, in declaration order.
    pub const ALL: [QuantityKind; 2] = [QuantityKind::Count, QuantityKind::Real];

    /// The lowercase name used in files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            QuantityKind::Count => "count",
            QuantityKind::Real => "real",
        }
    }
}

impl std::fmt::Display for QuantityKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for QuantityKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "count" => Ok(QuantityKind::Count),
            "real" => Ok(QuantityKind::Real),
            _ => Err(Error::UnknownVariant {
                at: Location::Unknown,
                field: "kind",
                value: s.into(),
                expected: "count, real",
            }),
        }
    }
}

/// How a quantity relates to time.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Temporal {
    /// A level at a date (the default).
    #[default]
    Snapshot,
    /// A running total that never decreases over time.
    Cumulative,
    /// A total over a fixed period.
    Total,
    /// A hypothetical or future figure: reconciled on its own, never pooled with present
    /// figures.
    Projection,
}

impl Temporal {
    /// Every variant, in declaration order.
    pub const ALL: [Temporal; 4] = [
        Temporal::Snapshot,
        Temporal::Cumulative,
        Temporal::Total,
        Temporal::Projection,
    ];

    /// The lowercase name used in files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Temporal::Snapshot => "snapshot",
            Temporal::Cumulative => "cumulative",
            Temporal::Total => "total",
            Temporal::Projection => "projection",
        }
    }
}

impl std::fmt::Display for Temporal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Temporal {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "snapshot" => Temporal::Snapshot,
            "cumulative" => Temporal::Cumulative,
            "total" => Temporal::Total,
            "projection" => Temporal::Projection,
            _ => {
                return Err(Error::UnknownVariant {
                    at: Location::Unknown,
                    field: "temporal",
                    value: s.into(),
                    expected: "snapshot, cumulative, total, projection",
                });
            }
        })
    }
}

/// What is measured.
///
/// # Example
///
/// ```
/// use crosscheck::{Quantity, Temporal};
///
/// let q = Quantity::new("kpa-casualties", "North Korean casualties in the Kursk campaign")?
///     .with_unit("persons")
///     .with_subject_side("North Korea")
///     .with_temporal(Temporal::Cumulative);
/// assert!(q.is_count());
/// Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawQuantity")]
pub struct Quantity {
    id: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    kind: QuantityKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subject_side: Option<String>,
    #[serde(default)]
    temporal: Temporal,
}

/// A quantity as read by serde, checked by the rules of [`Quantity::new`] first.
#[derive(Deserialize)]
struct RawQuantity {
    id: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    kind: QuantityKind,
    #[serde(default)]
    subject_side: Option<String>,
    #[serde(default)]
    temporal: Temporal,
}

impl TryFrom<RawQuantity> for Quantity {
    type Error = crate::Error;

    fn try_from(r: RawQuantity) -> crate::Result<Quantity> {
        let mut q = Quantity::new(r.id, r.description)?;
        q.unit = r.unit;
        q.kind = r.kind;
        q.subject_side = r.subject_side;
        q.temporal = r.temporal;
        Ok(q)
    }
}

impl Quantity {
    /// A count quantity with no unit label, no subject side, temporal kind `snapshot`.
    ///
    /// # Errors
    ///
    /// [`Error::Empty`] when the id is empty.
    pub fn new(id: impl Into<String>, description: impl Into<String>) -> Result<Quantity> {
        Ok(Quantity {
            id: crate::limits::check_id("id", id.into())?,
            description: description.into(),
            unit: String::new(),
            kind: QuantityKind::Count,
            subject_side: None,
            temporal: Temporal::Snapshot,
        })
    }

    /// Sets the unit label (free text such as `"persons"`).
    #[must_use]
    pub fn with_unit(mut self, unit: impl Into<String>) -> Self {
        self.unit = unit.into();
        self
    }

    /// Sets the number domain.
    #[must_use]
    pub fn with_kind(mut self, kind: QuantityKind) -> Self {
        self.kind = kind;
        self
    }

    /// Sets whose soldiers, losses or equipment the quantity counts.
    #[must_use]
    pub fn with_subject_side(mut self, side: impl Into<String>) -> Self {
        let side = side.into();
        self.subject_side = (!side.trim().is_empty()).then_some(side);
        self
    }

    /// Sets the temporal kind.
    #[must_use]
    pub fn with_temporal(mut self, temporal: Temporal) -> Self {
        self.temporal = temporal;
        self
    }

    /// The id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The description.
    #[must_use]
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The unit label.
    #[must_use]
    pub fn unit(&self) -> &str {
        &self.unit
    }

    /// The number domain.
    #[must_use]
    pub fn kind(&self) -> QuantityKind {
        self.kind
    }

    /// Whether this is a non-negative count.
    #[must_use]
    pub fn is_count(&self) -> bool {
        self.kind == QuantityKind::Count
    }

    /// Whose soldiers, losses or equipment it counts.
    #[must_use]
    pub fn subject_side(&self) -> Option<&str> {
        self.subject_side.as_deref()
    }

    /// The temporal kind.
    #[must_use]
    pub fn temporal(&self) -> Temporal {
        self.temporal
    }
}
