//! Helpers shared by the engine's integration tests.

use credsim_engine::Control;
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
