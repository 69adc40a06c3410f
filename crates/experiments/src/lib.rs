//! Experiments on credsim scenarios, without I/O: how to choose the runs of a sweep
//! (`design`, `sobol::saltelli`, `morris::trajectories`), and what to compute from
//! their results (`sobol::analyze`, `morris::analyze`).
//!
//! Data flow: a sweep spec (parsed by the CLI) → a design (points in the unit cube,
//! mapped to parameter values) → runs (the CLI) → long results (run id, measure,
//! value, se) → analyses here → typed results → writers (the CLI).
//!
//! Every random draw here is a pure function of a seed, so a design or a bootstrap
//! is the same on every machine and thread count.

pub mod abc;
pub mod design;
pub mod morris;
pub mod normal;
pub mod rng;
pub mod sobol;
pub mod stats;

pub use stats::{AnalysisError, Estimate};
