//! The time estimate's counts against runs: the expected events of the factual run
//! (acts, record arrivals and expiries) against the events the engine counts, for
//! every preset. (Its seconds are checked against measured wall times in
//! docs/PERFORMANCE.md, "The time estimate", not here: timings vary by machine.)

use credsim_engine::CostEstimate;
use credsim_model::Overrides;
use std::sync::atomic::AtomicBool;

#[test]
fn expected_events_match_the_events_counted() {
    for p in credsim_model::presets::ALL {
        let o = Overrides {
            persons: Some(40_000),
            ..Overrides::default()
        };
        let m = credsim_model::presets::load(p.name, &o)
            .unwrap_or_else(|e| panic!("{e}"))
            .model;
        let cancel = AtomicBool::new(false);
        let control = credsim_engine::Control {
            progress: &|_, _| {},
            cancel: &cancel,
            persons: None,
            records: None,
        };
        let options = credsim_engine::Options {
            audit: false,
            ..Default::default()
        };
        let run = credsim_engine::run_with(&m, &control, options).expect("runs");
        let e = CostEstimate::for_run(&m, 1, false);
        let ratio = e.events / run.tally.events as f64;
        // Lists and scrutiny ends are not counted; the rarest preset (debtor-blacklist,
        // about 2,000 events here) has the largest share of them.
        assert!(
            (0.6..1.3).contains(&ratio),
            "{}: expected {} events, counted {}",
            p.name,
            e.events,
            run.tally.events
        );
    }
}

/// The estimate grows with what costs time: persons, years, the audit; more threads
/// help only up to one per chunk.
#[test]
fn the_estimate_grows_with_the_work() {
    let load = |persons: u64, years: u32| {
        let o = Overrides {
            persons: Some(persons),
            years: Some(years),
            ..Overrides::default()
        };
        credsim_model::presets::load("rongcheng", &o)
            .unwrap_or_else(|e| panic!("{e}"))
            .model
    };
    let base = CostEstimate::for_run(&load(100_000, 2), 1, true);
    assert!(CostEstimate::for_run(&load(200_000, 2), 1, true).seconds > 1.9 * base.seconds);
    assert!(CostEstimate::for_run(&load(100_000, 4), 1, true).seconds > 1.9 * base.seconds);
    assert!(CostEstimate::for_run(&load(100_000, 2), 1, false).seconds < base.seconds);
    let two = CostEstimate::for_run(&load(100_000, 2), 2, true);
    assert!((two.seconds * 2.0 - base.seconds).abs() < 1e-9 * base.seconds);
    let one_chunk = load(1000, 2);
    assert_eq!(CostEstimate::for_run(&one_chunk, 8, true).cores, 1.0);
}
