//! crosscheck reconciles conflicting numeric claims.
//!
//! Each figure becomes a **sourced interval claim** (who said it, when, in what words, about
//! which quantity); the [`Reconciler`] reports, per quantity, the range of all claims, where
//! sources agree, where and by how much they disagree, which sources cluster together, and
//! pooled estimates each named by its method, every number traceable to its claims.
//!
//! ```
//! use crosscheck::{Claim, ClaimSet, Quantity, Reconciler, Source, Verdict};
//!
//! let mut set = ClaimSet::new();
//! set.add_source(Source::new("ua-gov", "Volodymyr Zelensky")?.with_side("Ukraine"))?;
//! set.add_source(Source::new("us-intel", "U.S. intelligence")?)?;
//! set.add_quantity(Quantity::new("kpa-casualties", "North Korean casualties")?.with_subject_side("North Korea"))?;
//! set.add_claim(Claim::new("zelensky", "kpa-casualties", ["ua-gov"], "about 4,000".parse()?)?)?;
//! set.add_claim(Claim::new("us", "kpa-casualties", ["us-intel"], "closer to 1,200".parse()?)?)?;
//!
//! let report = Reconciler::new().reconcile(&set);
//! let q = report.quantity("kpa-casualties").unwrap();
//! assert_eq!(q.verdict, Verdict::Tension); // plausible ranges [2,000, 6,000] and [1,100, 1,300] do not meet
//! assert_eq!(format!("{:.2}", q.relation("zelensky", "us").unwrap().central_ratio.unwrap()), "3.33");
//! assert!(q.stance.self_serving_pattern); // the adversary's figure is the high one
//! println!("{report}");
//! Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! Data flows one way: files or code → [`ClaimSet`] → [`Reconciler`] → [`Reconciliation`]
//! → renderers ([`report`], JSON via serde), and the source tree says so: `src/model/`
//! (intervals, estimates, claims, sources, quantities, the claim set, errors, limits),
//! `src/read/` (wording, JSON and CSV files, the columnar [`table`]), `src/reconcile/` (the
//! reconciler, [`pool`], [`time`], constraints, [`reliability`]) and `src/render/` (text,
//! Markdown and HTML [`report`]s, [`chart`]s, notebooks). No two modules import each other
//! (a test holds the line).
//!
//! - The model: [`Interval`] (closed, open and unbounded bounds), [`Estimate`] (a hard
//!   interval, a plausible one inside it, an optional central value), [`Source`] (with an
//!   Admiralty [`Reliability`] grade and a configurable [`ReliabilityWeights`] table),
//!   [`Quantity`], [`Claim`], and the derived [`Stance`].
//! - Reading wording: [`wording`] turns `"more than 76,000"` into an [`Estimate`] and
//!   records the rule it used; unknown wording is an error pointing at the span.
//! - Files: [`Loader`] reads the JSON claim-set document and CSV claim tables, reporting
//!   every bad record (or, leniently, keeping the good ones).
//! - Reconciling: envelope, consensus, support profile and best-supported regions
//!   (Marzullo), pairwise [`Relation`]s, clusters and dissenters, a [`Verdict`], a stance
//!   breakdown, and [`pool`]ed estimates (weighted median, linear opinion pool,
//!   Brooks–Iyengar, fixed- and random-effects meta-analysis) with leave-one-out influence;
//!   figures as of a date ([`time`]) and constraints between quantities ([`Constraint`]).
//! - Sources: every [`Reconciliation`] carries each source's track record; [`reliability`]
//!   learns source weights from the data (opt-in, named `learned`) with crosscheck's own
//!   learner or CRH, CATD and GTM.
//!
//! # Costs
//!
//! Per quantity with n claims: the summary is O(n log n) (one sort of the endpoints);
//! pooled estimates O(n log n) each and O(n² log n) with leave-one-out influence; listing
//! every pair is O(n²) and happens only on demand above a limit
//! ([`Reconciler::with_relation_limit`]). The sources' track record is O(n log n) over all
//! claims; learned reliability O(n log n) once plus O(n) per iteration (at most 50).
//!
//! # Examples
//!
//! - `cargo run --example kursk`: the seed report's claims, reconciled.
//! - `cargo run --example reconcile -- FILE [--format text|json] [--lenient]
//!   [--learn-reliability]`: any claim file.
//! - `cargo run --release --example truth_discovery`: learned reliability scored on known
//!   truth.
//!
//! # Cargo features
//!
//! - `parallel` (default): reconcile quantities in parallel with rayon. Results are
//!   identical with and without it.
//! - `evcxr` (default, no dependencies): `evcxr_display` on [`Reconciliation`],
//!   [`QuantityReport`], [`ClaimSet`] and [`chart::Chart`], so they render as HTML tables
//!   and SVG charts in Jupyter notebooks with the evcxr kernel (see `examples/kursk.ipynb`).
//!
//! # Errors
//!
//! One error type, [`Error`], names the record ([`Location`]) and field of every problem.
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

/// `Display` from `as_str` and `FromStr` from `ALL` for an enum named from one list (its
/// serde names are the same `snake_case` names; `tests/vocabulary.rs` checks all three
/// agree). `$field` and `$expected` go into the [`Error::UnknownVariant`] of a bad name.
macro_rules! named_enum {
    ($t:ty, $field:literal, $expected:literal) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $t {
            type Err = crate::Error;

            fn from_str(s: &str) -> crate::Result<$t> {
                <$t>::ALL
                    .into_iter()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| crate::Error::UnknownVariant {
                        at: crate::Location::Unknown,
                        field: $field,
                        value: s.to_string(),
                        expected: $expected,
                    })
            }
        }
    };
}

// The tree shows the flow: `model/` (intervals, estimates, claims, sources, quantities,
// the claim set, errors and limits) ← `read/` (wording, JSON and CSV files, the columnar
// table) → `reconcile/` (the reconciler, its sweep and relations, pooling, time,
// constraints, learned reliability) → `render/` (text, Markdown, HTML, charts, notebooks).
// Module paths stay flat (`crosscheck::pool`, `crosscheck::time`, …).

#[cfg(test)]
mod testing;

// The model.
#[path = "model/arith.rs"]
mod arith;
#[path = "model/claim.rs"]
mod claim;
#[path = "model/claimset.rs"]
mod claimset;
#[path = "model/error.rs"]
mod error;
#[path = "model/estimate.rs"]
mod estimate;
#[path = "model/interval.rs"]
mod interval;
#[path = "model/limits.rs"]
pub mod limits;
#[path = "model/quantity.rs"]
mod quantity;
#[path = "model/row.rs"]
mod row;
#[path = "model/source.rs"]
mod source;

// Reading: wording, files, the columnar table.
#[path = "read/io.rs"]
mod io;
#[path = "read/names.rs"]
mod names;
#[path = "read/table.rs"]
pub mod table;
#[path = "read/wording.rs"]
pub mod wording;

// Reconciling.
#[path = "reconcile/constraint.rs"]
mod constraint;
#[path = "reconcile/pool/mod.rs"]
pub mod pool;
#[path = "reconcile/reconciler.rs"]
mod reconcile;
#[path = "reconcile/relation.rs"]
mod relation;
#[path = "reconcile/reliability/mod.rs"]
pub mod reliability;
#[path = "reconcile/sweep.rs"]
mod sweep;
#[path = "reconcile/time.rs"]
pub mod time;

// Rendering.
#[path = "render/chart.rs"]
pub mod chart;
#[path = "render/compact.rs"]
mod compact;
#[cfg(feature = "evcxr")]
#[path = "render/evcxr.rs"]
pub mod evcxr;
#[path = "render/format.rs"]
mod format;
#[path = "render/notes.rs"]
mod notes;
#[path = "render/report.rs"]
pub mod report;

/// The design: the domain model, the meaning of every reported figure and the file formats
/// (the project's `docs/DESIGN.md`).
#[doc = include_str!("../docs/DESIGN.md")]
pub mod design {}

/// What changed in each release (`CHANGELOG.md`).
#[doc = include_str!("../CHANGELOG.md")]
pub mod changelog {}

pub use claim::{Citation, Claim, PartialDate, Stance};
pub use claimset::ClaimSet;
pub use constraint::{
    Constraint, ConstraintKind, ConstraintReport, ConstraintStatus, DerivedQuantity,
};
pub use error::{Error, Location, Result};
pub use estimate::Profile;
pub use estimate::{Estimate, Reading};
pub use format::format_number;
pub use interval::{Bound, Interval};
pub use io::{Loaded, Loader};
pub use pool::{PoolMethod, PoolOptions};
pub use quantity::{Quantity, QuantityKind, Temporal};
pub use reconcile::{
    CONTRADICTION_WARNING, QuantityReport, Reconciler, Reconciliation, Region, Severity,
    StanceBreakdown, StanceGroup, Verdict,
};
pub use relation::{PairRelation, Relating, Relation, relate};
pub use reliability::Learner;
pub use row::ClaimRow;
pub use source::{Reliability, ReliabilityWeights, Source, SourceKind};
pub use sweep::SupportStep;
