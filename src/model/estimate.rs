//! Estimates: the value of a claim as a hard interval, a plausible interval and an optional
//! central value.

use ordered_float::NotNan;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::interval::{Bound, Interval, finite};

/// A set of reading rules (see [`crate::wording`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Significant-digit rules (Ferson et al. 2015; Cummins, Sauerland & Solt 2012).
    #[default]
    Default,
    /// ±5 % for approximators and one-sided bounds (Wikimpacts).
    Relative,
    /// Plausible = hard: no pragmatic narrowing.
    Strict,
}

impl Profile {
    /// The lowercase name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Default => "default",
            Profile::Relative => "relative",
            Profile::Strict => "strict",
        }
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Profile {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "default" => Ok(Profile::Default),
            "relative" => Ok(Profile::Relative),
            "strict" => Ok(Profile::Strict),
            _ => Err(Error::UnknownVariant {
                at: Location::Unknown,
                field: "profile",
                value: s.into(),
                expected: "default, relative, strict",
            }),
        }
    }
}

/// How a wording was read: the text, the profile, the rule and the granularity used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub(crate) text: String,
    pub(crate) profile: Profile,
    pub(crate) rule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) granularity: Option<f64>,
    /// How far the plausible reading reaches from the figure (the capped hedge reach).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reach: Option<f64>,
    pub(crate) numbers: Vec<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) unit_word: Option<String>,
}

impl Reading {
    /// The original wording.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The profile the wording was read with.
    #[must_use]
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// How far the plausible reading reaches from the figure: the hedge's reach after the
    /// caps of DESIGN §4 version 2 (`about 100k` reaches 50,000, not 200,000); `None` for
    /// rules without one (ranges, magnitudes, stated intervals).
    #[must_use]
    pub fn reach(&self) -> Option<f64> {
        self.reach
    }

    /// The name of the rule applied (for example `approximator`, `more-than`, `range`).
    #[must_use]
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// The granularity `u`: the unit of the last significant digit of the number read
    /// (14,000 → 1,000), where the rule used it.
    #[must_use]
    pub fn granularity(&self) -> Option<f64> {
        self.granularity
    }

    /// The numbers as written (one, or two for a range).
    #[must_use]
    pub fn numbers(&self) -> &[f64] {
        &self.numbers
    }

    /// The unit word skipped after the number (`personnel` in `76,000 personnel`), for the
    /// caller to check against the quantity's unit.
    #[must_use]
    pub fn unit_word(&self) -> Option<&str> {
        self.unit_word.as_deref()
    }
}

/// The value of a claim.
///
/// - `hard`: what the claim logically entails (`more than 76,000` → `(76,000, +∞)`);
/// - `plausible`: its pragmatic reading, always inside `hard`;
/// - `central`: an optional best value, always inside `plausible`;
/// - `level`: the coverage the statistics give the plausible interval (0.95 when absent);
/// - `reading`: for an estimate read from wording, how it was read.
///
/// # Example
///
/// ```
/// use crosscheck::Estimate;
///
/// let us = Estimate::interval(1_000.0, 1_400.0)?.with_central(1_200.0)?;
/// assert_eq!(us.plausible().to_string(), "[1,000, 1,400]");
/// assert!(Estimate::interval(1_000.0, 1_400.0)?.with_central(2_000.0).is_err());
///
/// let about = "about 4,000".parse::<Estimate>()?;
/// assert_eq!(about.plausible().to_string(), "[2,000, 6,000]");
/// assert_eq!(about.central(), Some(4_000.0));
/// Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    hard: Interval,
    plausible: Interval,
    central: Option<NotNan<f64>>,
    level: Option<f64>,
    /// Boxed: most estimates have none, and a claim (moved several times while a file
    /// loads) is 128 bytes smaller for it.
    reading: Option<Box<Reading>>,
}

impl Estimate {
    /// An estimate from its parts.
    ///
    /// # Errors
    ///
    /// [`Error::NotNested`] when `plausible` is not inside `hard`,
    /// [`Error::CentralOutside`] when `central` is not inside `plausible`,
    /// [`Error::NotFinite`] for a NaN or infinite central.
    pub fn new(hard: Interval, plausible: Interval, central: Option<f64>) -> Result<Estimate> {
        if !hard.contains(&plausible) {
            return Err(Error::NotNested {
                at: Location::Unknown,
                plausible: plausible.to_string(),
                hard: hard.to_string(),
            });
        }
        let mut e = Estimate {
            hard,
            plausible,
            central: None,
            level: None,
            reading: None,
        };
        if let Some(c) = central {
            e = e.with_central(c)?;
        }
        Ok(e)
    }

    /// `hard = plausible = interval`, no central: valid by construction.
    pub(crate) fn new_unchecked(interval: Interval) -> Estimate {
        Estimate {
            hard: interval,
            plausible: interval,
            central: None,
            level: None,
            reading: None,
        }
    }

    /// `hard = plausible = [low, high]`.
    ///
    /// # Errors
    ///
    /// As [`Interval::closed`].
    pub fn interval(low: f64, high: f64) -> Result<Estimate> {
        let i = Interval::closed(low, high)?;
        Estimate::new(i, i, None)
    }

    /// `hard = plausible = [x, x]`, central `x`: an exact figure.
    ///
    /// # Errors
    ///
    /// [`Error::NotFinite`] for NaN or infinite `x`.
    pub fn exact(x: f64) -> Result<Estimate> {
        let i = Interval::point(x)?;
        Estimate::new(i, i, Some(x))
    }

    /// The numeric form of the file format: `hard = plausible = [low, high]`, closed, with
    /// `None` for an unbounded side, and an optional central.
    ///
    /// # Errors
    ///
    /// [`Error::NotFinite`], [`Error::Inverted`] or [`Error::CentralOutside`].
    pub fn from_bounds(
        low: Option<f64>,
        high: Option<f64>,
        central: Option<f64>,
    ) -> Result<Estimate> {
        let low = match low {
            Some(x) => Bound::Closed(finite("low", x)?),
            None => Bound::Unbounded,
        };
        let high = match high {
            Some(x) => Bound::Closed(finite("high", x)?),
            None => Bound::Unbounded,
        };
        let i = Interval::new(low, high).map_err(|e| match e {
            Error::Inverted { at, low, high, .. } => Error::Inverted {
                at,
                field: "value",
                low,
                high,
            },
            e => e,
        })?;
        Estimate::new(i, i, central)
    }

    /// The numeric form of the file format **with** a `level` (DESIGN §5): a statistical
    /// interval, so `plausible = [low, high]` at that coverage and `hard` = the whole line
    /// (a count clips it to `[0, +∞)`). Two confidence intervals that miss each other are in
    /// tension, never a contradiction: neither excludes the other's value.
    ///
    /// ```
    /// use crosscheck::Estimate;
    ///
    /// let who = Estimate::statistical(Some(13.3e6), Some(16.6e6), Some(14.9e6), 0.95)?;
    /// assert_eq!(*who.hard(), crosscheck::Interval::entire());
    /// assert_eq!(who.level(), Some(0.95));
    /// Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`from_bounds`](Estimate::from_bounds), and [`Error::Level`] unless `0 < level < 1`.
    pub fn statistical(
        low: Option<f64>,
        high: Option<f64>,
        central: Option<f64>,
        level: f64,
    ) -> Result<Estimate> {
        let bounds = Estimate::from_bounds(low, high, central)?;
        Estimate::new(Interval::entire(), bounds.plausible, central)?.with_level(level)
    }

    /// Sets the central value.
    ///
    /// # Errors
    ///
    /// [`Error::NotFinite`] or [`Error::CentralOutside`].
    pub fn with_central(mut self, central: f64) -> Result<Estimate> {
        let c = finite("central", central)?;
        if !self.plausible.contains_value(central) {
            return Err(Error::CentralOutside {
                at: Location::Unknown,
                central,
                interval: self.plausible.to_string(),
            });
        }
        self.central = Some(c);
        Ok(self)
    }

    /// Sets the coverage level of the plausible interval for the statistics.
    ///
    /// # Errors
    ///
    /// [`Error::Level`] unless `0 < level < 1`.
    pub fn with_level(mut self, level: f64) -> Result<Estimate> {
        if !(level > 0.0 && level < 1.0) {
            return Err(Error::Level {
                at: Location::Unknown,
                level,
            });
        }
        self.level = Some(level);
        Ok(self)
    }

    pub(crate) fn with_reading(mut self, reading: Reading) -> Estimate {
        self.reading = Some(Box::new(reading));
        self
    }

    /// What the claim logically entails.
    #[must_use]
    pub fn hard(&self) -> &Interval {
        &self.hard
    }

    /// The pragmatic reading (inside [`hard`](Estimate::hard)).
    #[must_use]
    pub fn plausible(&self) -> &Interval {
        &self.plausible
    }

    /// The best value, if any (inside [`plausible`](Estimate::plausible)).
    #[must_use]
    pub fn central(&self) -> Option<f64> {
        self.central.map(NotNan::into_inner)
    }

    /// The coverage level as given, `None` when left at the default.
    #[must_use]
    pub fn level(&self) -> Option<f64> {
        self.level
    }

    /// The coverage level used by the statistics: as given, else 0.95.
    #[must_use]
    pub fn coverage(&self) -> f64 {
        self.level.unwrap_or(0.95)
    }

    /// How the wording was read, for an estimate read from wording.
    #[must_use]
    pub fn reading(&self) -> Option<&Reading> {
        self.reading.as_deref()
    }

    /// A representative value: the central value, else the plausible midpoint, else the
    /// plausible interval's finite end (`None` only for the whole real line).
    #[must_use]
    pub fn representative(&self) -> Option<f64> {
        self.central()
            .or_else(|| self.plausible.midpoint())
            .or_else(|| self.plausible.low_value())
            .or_else(|| self.plausible.high_value())
    }

    /// Every figure multiplied by `k` (a negative factor swaps the ends). The reading is
    /// dropped: the wording no longer describes the scaled figures.
    ///
    /// # Errors
    ///
    /// As [`Interval::scale`].
    pub fn scale(&self, k: f64) -> Result<Estimate> {
        let hard = self.hard.scale(k)?;
        let plausible = self.plausible.scale(k)?;
        let central = self
            .central
            .map(|c| finite("central", c.into_inner() * k))
            .transpose()?;
        Ok(Estimate {
            hard,
            plausible,
            central,
            level: self.level,
            reading: None,
        })
    }

    /// Checks the figures of a count (none negative) and clips both intervals to `[0, +∞)`.
    pub(crate) fn into_count(mut self) -> Result<Estimate> {
        self.fit_count()?;
        Ok(self)
    }

    /// [`into_count`](Estimate::into_count) in place; on an error the estimate is as it was.
    pub(crate) fn fit_count(&mut self) -> Result<()> {
        let negative = |field, value| Error::Negative {
            at: Location::Unknown,
            field,
            value,
        };
        if let Some(r) = &self.reading {
            if let Some(&n) = r.numbers.iter().find(|n| **n < 0.0) {
                return Err(negative("value", n));
            }
        } else {
            if let Some(c) = self.central().filter(|c| *c < 0.0) {
                return Err(negative("central", c));
            }
            if let Some(l) = self.hard.low_value().filter(|l| *l < 0.0) {
                return Err(negative("low", l));
            }
            if let Some(h) = self.hard.high_value().filter(|h| *h < 0.0) {
                return Err(negative("high", h));
            }
        }
        let domain = Interval::non_negative();
        let clip = |i: &Interval| {
            i.intersection(&domain).ok_or(Error::Negative {
                at: Location::Unknown,
                field: "value",
                value: i.sup(),
            })
        };
        let (hard, plausible) = (clip(&self.hard)?, clip(&self.plausible)?);
        self.hard = hard;
        self.plausible = plausible;
        Ok(())
    }
}
