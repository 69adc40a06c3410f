//! Scenarios that validate are run: tiny populations (at most 2,000 persons), one year,
//! with the audit, one thread. A run must not panic and must finish within its time
//! budget (2 s; a hang beyond it is caught by libFuzzer's `-timeout`). Inputs the time
//! or memory estimate refuses (as `credsim run` would) are skipped, so the budget
//! checks the estimate too: an input the estimate lets through that runs long is a
//! finding.
#![no_main]

use credsim_engine::summary::{Summary, timeseries};
use credsim_engine::{Audit, Control, CostEstimate};
use credsim_model::{Overrides, load};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

/// Most persons a fuzzed run simulates.
const PERSONS: u64 = 2000;
/// Wall-clock budget of one run.
const BUDGET: Duration = Duration::from_secs(2);
/// Estimates above this are skipped (a quarter of the budget: the estimate may be off
/// by a factor of 3).
const SKIP_SECONDS: f64 = 0.5;
/// Memory estimates above this are skipped.
const SKIP_BYTES: u64 = 1 << 30;

fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a one-thread pool")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let one_year = Overrides {
        years: Some(1),
        ..Overrides::default()
    };
    let Ok(loaded) = load(text, "fuzz.toml", &one_year) else {
        return;
    };
    let loaded = if loaded.model.persons > PERSONS {
        let small = Overrides {
            persons: Some(PERSONS),
            ..one_year
        };
        match load(text, "fuzz.toml", &small) {
            Ok(l) => l,
            Err(e) => panic!("valid at its size but not at {PERSONS} persons: {e}"),
        }
    } else {
        loaded
    };
    let m = &loaded.model;
    if CostEstimate::for_run(m, 1, true).seconds > SKIP_SECONDS
        || credsim_engine::sim::MemoryEstimate::for_run(m, 1, true).total() > SKIP_BYTES
    {
        return;
    }
    let cancel = AtomicBool::new(false);
    let control = Control {
        progress: &|_, _| {},
        cancel: &cancel,
        persons: None,
        records: None,
    };
    let started = Instant::now();
    let outcome = pool()
        .install(|| credsim_engine::run(m, &control))
        .expect("not cancelled");
    let _ = Summary::new(m, &outcome);
    let _ = timeseries(m, &outcome);
    if let Some(a) = &outcome.audit {
        let _ = Audit::new(m, a);
    }
    let took = started.elapsed();
    assert!(
        took < BUDGET,
        "the run took {took:?} (budget {BUDGET:?}); estimated {:.3} s; {} events",
        CostEstimate::for_run(m, 1, true).seconds,
        outcome.tally.events
    );
});
