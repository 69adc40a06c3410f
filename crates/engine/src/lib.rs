//! credsim engine: the synthetic population, counter-based randomness, the
//! event-driven simulation and its mergeable metrics. No I/O happens here: the caller
//! passes a validated [`credsim_model::Model`] and receives counts ([`Outcome`]),
//! which [`summary`] turns into the published summary and time series.

mod api;
pub mod audit;
mod buffers;
pub mod cost;
pub mod firms;
pub mod identity;
pub mod leaks;
pub mod network;
mod per_person;
pub mod pool;
pub mod population;
pub mod rng;
pub mod sim;
pub mod summary;
pub mod tally;

pub use audit::{Audit, Difference, Estimate};
pub use audit::{FEW_GROUPS, MIN_GROUPS_FOR_INTERVAL, interval_quantile, t975};
pub use cost::CostEstimate;
pub use sim::{
    Cancelled, Control, Options, Outcome, PersonBatch, PersonsTable, RecordLog, Schedule, run,
    run_with,
};
pub use tally::{Layout, Provenance, ResponseTally, Tally};

/// The credsim version that produced an output.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
