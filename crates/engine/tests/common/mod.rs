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

/// A preset at `persons` persons.
#[allow(dead_code)]
pub fn preset(name: &str, persons: u64) -> Model {
    credsim_model::presets::load(
        name,
        &Overrides {
            persons: Some(persons),
            ..Overrides::default()
        },
    )
    .expect("preset")
    .model
}

/// Runs a model (with its audit) in a schedule and returns the persons table (every
/// person), its batches in person order.
#[allow(dead_code)]
pub fn run_persons(
    m: &Model,
    schedule: credsim_engine::Schedule,
) -> (Outcome, Vec<credsim_engine::PersonBatch>) {
    let rows = std::sync::Mutex::new(Vec::new());
    let add = |_: usize, b: credsim_engine::PersonBatch| rows.lock().expect("lock").push(b);
    let cancel = AtomicBool::new(false);
    let control = Control {
        persons: Some(&add),
        ..control(&cancel)
    };
    let options = credsim_engine::Options {
        persons_table: credsim_engine::PersonsTable::Full,
        schedule,
        ..credsim_engine::Options::default()
    };
    let o = credsim_engine::run_with(m, &control, options).expect("runs");
    let mut rows = rows.into_inner().expect("lock");
    rows.sort_by_key(|b| b.person.first().copied());
    (o, rows)
}
