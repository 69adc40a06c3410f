//! Experiments on credsim scenarios, without I/O: how to choose the runs of a sweep
//! (`design`, and the Saltelli and Morris designs of `sobol` and `morris`), and what to
//! compute from their results (`sobol`, `morris`, `abc`).
//!
//! Data flow: a sweep spec (parsed by the CLI) → a design (points in the unit cube,
//! mapped to parameter values) → runs (the CLI) → long results (run id, measure,
//! value, se) → analyses here → typed results → writers (the CLI).
//!
//! Every random draw here is a pure function of a seed, so a design or a bootstrap
//! is the same on every machine and thread count.

pub mod design;

// TEMPORARY (a14-sweep): the contract's `sobol::saltelli` and `morris::trajectories`
// until branch a14-gsa is merged; drop these two lines and gsa_fallback.rs then.
mod gsa_fallback;
pub use gsa_fallback::{morris, sobol};
