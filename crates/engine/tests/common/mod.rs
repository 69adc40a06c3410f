//! Helpers shared by the engine's integration tests.

use credsim_engine::{Control, Outcome};
use credsim_model::{Model, Overrides};
use std::sync::atomic::AtomicBool;

/// A test scenario, compiled; panics with the located error if it does not load.
pub fn model(toml: &str) -> Model {
    credsim_model::load(toml, "test scenario", &Overrides::default())
        .unwrap_or_else(|e| panic!("test scenario does not load:\n{e}"))
        .model
}

/// A control with no progress report and no tables.
pub fn control(cancel: &AtomicBool) -> Control<'_> {
    Control {
        progress: &|_, _| {},
        cancel,
        persons: None,
        records: None,
    }
}

/// Runs a model (with its audit) on a pool of `threads` threads.
#[allow(dead_code)] // not every test binary uses every helper
pub fn run_threads(m: &Model, threads: usize) -> Outcome {
    let cancel = AtomicBool::new(false);
    let control = control(&cancel);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool")
        .install(|| credsim_engine::run(m, &control))
        .expect("not cancelled")
}
