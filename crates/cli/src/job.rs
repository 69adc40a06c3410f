//! One run in memory: a validated model in, its typed results out (the persons table
//! too, when asked), no files while it runs. Used by sweeps, calibration and the Python
//! package; [`write`] then lays the results out as the folder `credsim run` writes
//! (`credsim run` itself streams its tables to disk while the engine runs instead).

use crate::CliError;
use crate::output::{RunInfo, Target};
use credsim_engine::summary::{Summary, Table, timeseries};
use credsim_engine::{Audit, Control, Options, Outcome, PersonBatch, PersonsTable};
use credsim_model::{Loaded, Model, Overrides};
use std::sync::Mutex;
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
    /// Which persons the persons table holds.
    pub persons_table: PersonsTable,
    /// The persons table's rows, one batch per chunk in person-id order (empty with
    /// [`PersonsTable::None`]).
    pub persons: Vec<PersonBatch>,
}

/// How a run in memory is followed and stopped.
pub struct Watch<'a> {
    /// Called as chunks complete, with (chunks done, chunks in all).
    pub progress: &'a (dyn Fn(usize, usize) + Sync),
    /// Set to stop the run at the next period boundary.
    pub cancel: &'a AtomicBool,
}

/// What to run: threads, audit and persons table.
#[derive(Debug, Clone, Copy)]
pub struct Job {
    /// Worker threads (0: `RAYON_NUM_THREADS` or every CPU).
    pub threads: usize,
    /// Run the audit's counterfactuals.
    pub audit: bool,
    /// Which persons to keep rows of.
    pub persons_table: PersonsTable,
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
    let job = Job {
        threads,
        audit,
        persons_table: PersonsTable::None,
    };
    execute_job(model, &job, watch)
}

/// [`execute`] with a persons table kept in memory (as `credsim run` writes it).
pub fn execute_job(model: &Model, job: &Job, watch: &Watch) -> Result<Results, CliError> {
    let threads = job.threads;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start {threads} threads: {e}")))?;
    let batches = Mutex::new(Vec::<(usize, PersonBatch)>::new());
    let sink = |index: usize, batch: PersonBatch| {
        if let Ok(mut b) = batches.lock() {
            b.push((index, batch));
        }
    };
    let control = Control {
        progress: watch.progress,
        cancel: watch.cancel,
        persons: (job.persons_table != PersonsTable::None).then_some(&sink as _),
        records: None,
    };
    let options = Options {
        audit: job.audit,
        persons_table: job.persons_table,
        ..Default::default()
    };
    let started = Instant::now();
    let outcome = pool
        .install(|| credsim_engine::run_with(model, &control, options))
        .map_err(|c| CliError::Cancelled(c.to_string()))?;
    let wall = started.elapsed().as_secs_f64();
    let mut batches = batches
        .into_inner()
        .map_err(|_| CliError::Output("the persons table was lost (a thread panicked)".into()))?;
    batches.sort_by_key(|(index, _)| *index);
    let mut summary = Summary::new(model, &outcome);
    summary.persons_table = crate::output::persons_table_name(job.persons_table);
    let audit = outcome.audit.as_ref().map(|a| Audit::new(model, a));
    let series = timeseries(model, &outcome);
    Ok(Results {
        summary,
        audit,
        series,
        outcome,
        wall,
        threads: pool.current_num_threads(),
        persons_table: job.persons_table,
        persons: batches.into_iter().map(|(_, b)| b).collect(),
    })
}

impl Results {
    /// `run.json`'s content for this run of `model` (its memory and finishing time are
    /// read now).
    pub fn info(&self, model: &Model, overrides: &Overrides) -> RunInfo {
        RunInfo::new(
            model,
            &self.outcome,
            self.wall,
            self.threads,
            self.persons_table,
            overrides,
        )
    }
}

/// Writes `results` (a run of `loaded` with `overrides`) as the folder `credsim run
/// --out FOLDER` writes: the same files, byte for byte but run.json (`info`: wall time,
/// memory, host). An existing folder is refused unless `force`; the folder is staged
/// under a temporary name and renamed into place when complete.
pub fn write(
    folder: &std::path::Path,
    force: bool,
    loaded: &Loaded,
    overrides: &Overrides,
    results: &Results,
    info: &RunInfo,
) -> Result<std::path::PathBuf, CliError> {
    let model = &loaded.model;
    let staging = Target::choose(Some(folder), model, force)?.stage()?;
    if results.persons_table != PersonsTable::None {
        let mut w = credsim_tables::PersonsWriter::create(
            &staging.path("persons.parquet"),
            model,
            &credsim_tables::Provenance::of(model),
            &crate::output::persons_table_name(results.persons_table),
        )
        .map_err(|e| CliError::Output(e.to_string()))?;
        for batch in &results.persons {
            w.write(batch)
                .map_err(|e| CliError::Output(e.to_string()))?;
        }
        w.finish().map_err(|e| CliError::Output(e.to_string()))?;
    }
    staging.commit(
        loaded,
        overrides,
        &results.summary,
        results.audit.as_ref(),
        &results.series,
        info,
    )
}
