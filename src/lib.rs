//! placeholder
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

mod claim;
mod claimset;
mod error;
mod estimate;
mod format;
mod interval;
mod io;
pub mod pool;
mod quantity;
mod reconcile;
mod relation;
pub mod report;
mod source;
mod sweep;
pub mod wording;

pub use claim::{Citation, Claim, PartialDate, Stance};
pub use claimset::ClaimSet;
pub use error::{Error, Location, Result};
pub use estimate::{Estimate, Reading};
pub use format::format_number;
pub use interval::{Bound, Interval};
pub use io::{Loaded, Loader};
pub use quantity::{Quantity, QuantityKind, Temporal};
pub use reconcile::{ClaimRow, QuantityReport, Reconciler, Reconciliation, Region, StanceBreakdown, StanceGroup, Verdict};
pub use relation::{PairRelation, Relation, relate};
pub use source::{Reliability, ReliabilityWeights, Source, SourceKind};
pub use sweep::SupportStep;
