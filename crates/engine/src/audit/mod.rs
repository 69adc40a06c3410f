//! The audit: what a regime does to people, measured on exact counterfactuals.
//!
//! Each chunk of households is simulated once as it is (the factual run) and again
//! with one mechanism switched off ([`Variant`]), on the same random numbers, so a
//! person's two lives differ only by that mechanism. Per-person comparisons are
//! accumulated in integer [`GroupTally`]s, one per jackknife group of chunks; every
//! published measure ([`Audit`]) carries a delete-a-group jackknife standard error.
//! Chunks are independent units (households and neighbourhoods never straddle them),
//! so the jackknife accounts for dependence within households and neighbourhoods.

#[cfg(test)]
mod coverage;
mod lives;
mod measures;
mod readings;
mod schema;
mod schema_tampering;
mod stats;
mod tally;
mod variant;

pub(crate) use lives::{Lives, NEVER, Observed};
pub use readings::Difference;
pub use schema::*;
pub use schema_tampering::*;
pub use stats::{Estimate, FEW_GROUPS, MIN_GROUPS_FOR_INTERVAL, interval_quantile, t975};
pub use tally::{
    ACT_CLASSES, AuditTally, CategoryCounts, Contrast, FAIR, FairCounts, GroupTally, WrongfulPath,
};
pub(crate) use tally::{category_offsets, fair_pairs};
pub use variant::Variant;
pub use variant::carries_capture;
pub(crate) use variant::{Reach, capture_level_categories};

/// Jackknife groups: chunk c belongs to group c mod GROUPS.
pub const GROUPS: usize = 20;
