//! One run in memory: a validated model in, its typed results out, no files. Used by
//! sweeps, calibration and the Python package for runs whose folder is not wanted
//! (`credsim run` streams its tables to disk while the engine runs instead).

use crate::CliError;
use credsim_engine::summary::{Summary, Table, timeseries};
use credsim_engine::{Audit, Control, Options, Outcome};
use credsim_model::Model;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// What one run produced, typed.
pub struct Results {
    /// `summary.json`'s content.
    pub summary: Summary,
    /// `audit.json`'s content (None when the audit was not run).
    pub audit: Option<Audit>,
    /// The time series (`timeseries.csv`/`.parquet`).
    pub series: Table,
    /// The engine's raw outcome (for `run.json`).
    pub outcome: Outcome,
    /// Wall time of the engine, seconds.
    pub wall: f64,
    /// Threads the run used.
    pub threads: usize,
}

/// How a run in memory is followed and stopped.
pub struct Watch<'a> {
    /// Called as chunks complete, with (chunks done, chunks in all).
    pub progress: &'a (dyn Fn(usize, usize) + Sync),
    /// Set to stop the run at the next period boundary.
    pub cancel: &'a AtomicBool,
}

/// Runs `model` on a thread pool of `threads` threads (0: `RAYON_NUM_THREADS` or every
/// CPU), built for this call alone so that runs in forked processes get live threads.
/// No persons or records table; the summary says `persons_table = "none"`.
pub fn execute(
    model: &Model,
    threads: usize,
    audit: bool,
    watch: &Watch,
) -> Result<Results, CliError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start {threads} threads: {e}")))?;
    let control = Control {
        progress: watch.progress,
        cancel: watch.cancel,
        persons: None,
        records: None,
    };
    let options = Options {
        audit,
        ..Default::default()
    };
    let started = Instant::now();
    let outcome = pool
        .install(|| credsim_engine::run_with(model, &control, options))
        .map_err(|c| CliError::Cancelled(c.to_string()))?;
    let wall = started.elapsed().as_secs_f64();
    let mut summary = Summary::new(model, &outcome);
    summary.persons_table = "none".into();
    let audit = outcome.audit.as_ref().map(|a| Audit::new(model, a));
    let series = timeseries(model, &outcome);
    Ok(Results {
        summary,
        audit,
        series,
        outcome,
        wall,
        threads: pool.current_num_threads(),
    })
}
