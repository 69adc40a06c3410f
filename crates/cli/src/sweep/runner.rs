//! The workers: J threads, each taking the next run, loading its scenario, running it
//! with `job::execute` on T threads, and keeping its result rows until it rotates
//! them into a part file (every few runs or seconds): the part is written under a
//! temporary name, the runs' status lines are appended, then the part is renamed, so
//! a run counts as done only once its rows are in a file that exists. A failing run
//! gets its failed line at once and the worker goes on. Cancelling (Ctrl-C) stops the
//! runs in progress; what was rotated stays, and a restart does the rest.

use super::plan::{Plan, Run};
use super::rows::flatten;
use super::status::{Line, Log, Status};
use crate::job::{self, Watch};
use crate::{CliError, output};
use credsim_engine::summary::{Cell, Table};
use credsim_tables::Provenance;
use credsim_tables::sweep::{ResultRows, ResultsWriter};
use indicatif::ProgressBar;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A part is rotated after this many runs…
const PART_RUNS: usize = 64;
/// …or this long after its first run.
const PART_SECONDS: u64 = 30;

/// How the runs are spread over the cores.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Concurrent runs.
    pub jobs: usize,
    /// Threads per run.
    pub threads: usize,
    /// Memory all concurrent runs may use, GiB (None: what is available).
    pub memory_limit: Option<f64>,
}

impl Settings {
    /// Concurrent runs × threads per run ≤ cores unless both are given: with
    /// neither, one run per core (fewer when fewer runs remain, each then on more
    /// threads).
    pub fn choose(
        jobs: Option<usize>,
        threads: Option<usize>,
        runs: usize,
        memory_limit: Option<f64>,
    ) -> Settings {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let runs = runs.max(1);
        let (jobs, threads) = match (jobs, threads) {
            (Some(j), Some(t)) => (j, t),
            (Some(j), None) => (j, (cores / j.min(runs)).max(1)),
            (None, Some(t)) => ((cores / t).max(1), t),
            (None, None) => {
                let j = cores.min(runs);
                (j, (cores / j).max(1))
            }
        };
        Settings {
            jobs: jobs.min(runs).max(1),
            threads: threads.max(1),
            memory_limit,
        }
    }
}

/// What the workers did.
#[derive(Debug, Default)]
pub struct Done {
    /// Runs that succeeded.
    pub succeeded: u64,
    /// Runs that failed, with the first few errors.
    pub failed: u64,
    /// (run id, error) of the first failures.
    pub errors: Vec<(u64, String)>,
}

/// How the workers are followed and stopped.
pub struct Control<'a> {
    /// Set to stop (Ctrl-C).
    pub cancel: &'a AtomicBool,
    /// Advanced by one per finished run.
    pub bar: &'a ProgressBar,
}

/// Shared by the workers.
struct Shared<'a> {
    plan: &'a Plan,
    dir: &'a Path,
    todo: &'a [Run],
    next: AtomicUsize,
    log: Log,
    cancel: &'a AtomicBool,
    bar: &'a ProgressBar,
    prov: &'a Provenance,
    settings: Settings,
    worker_base: String,
    succeeded: AtomicU64,
    failed: AtomicU64,
    errors: std::sync::Mutex<Vec<(u64, String)>>,
}

/// Runs `todo` in `dir`; returns what became of them. Err only when the folder cannot
/// be written (a failing run is recorded, not returned).
pub fn run_all(
    plan: &Plan,
    dir: &Path,
    todo: &[Run],
    settings: Settings,
    watch: Control,
    prov: &Provenance,
    shard: Option<(u64, u64)>,
) -> Result<Done, CliError> {
    let Control { cancel, bar } = watch;
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let shard = shard.map_or(String::new(), |(i, n)| format!("s{i}of{n}-"));
    let shared = Shared {
        plan,
        dir,
        todo,
        next: AtomicUsize::new(0),
        log: Log::open(dir)?,
        cancel,
        bar,
        prov,
        settings,
        worker_base: format!("{shard}{}-{started:x}", std::process::id()),
        succeeded: AtomicU64::new(0),
        failed: AtomicU64::new(0),
        errors: std::sync::Mutex::new(Vec::new()),
    };
    let results: Vec<Result<(), CliError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..settings.jobs)
            .map(|w| {
                let shared = &shared;
                s.spawn(move || worker(shared, w))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(CliError::Output("a sweep worker panicked".into())))
            })
            .collect()
    });
    for r in results {
        r?;
    }
    let errors = shared.errors.into_inner().unwrap_or_default();
    Ok(Done {
        succeeded: shared.succeeded.into_inner(),
        failed: shared.failed.into_inner(),
        errors,
    })
}

/// One finished run waiting for its part.
struct Finished {
    run: Run,
    rows: ResultRows,
    series: Option<Table>,
    wall: f64,
}

/// A worker's pending part.
struct Pending {
    name: String,
    count: usize,
    runs: Vec<Finished>,
    since: Instant,
}

fn worker(shared: &Shared, w: usize) -> Result<(), CliError> {
    let id = format!("{}-w{w}", shared.worker_base);
    let mut pending = Pending {
        name: id.clone(),
        count: 0,
        runs: Vec::new(),
        since: Instant::now(),
    };
    let result = work(shared, &id, &mut pending);
    // Whatever happened, rotate what is finished.
    let flushed = rotate(shared, &mut pending);
    result.and(flushed)
}

fn work(shared: &Shared, id: &str, pending: &mut Pending) -> Result<(), CliError> {
    loop {
        if shared.cancel.load(Ordering::SeqCst) {
            return Ok(());
        }
        let i = shared.next.fetch_add(1, Ordering::SeqCst);
        let Some(&run) = shared.todo.get(i) else {
            return Ok(());
        };
        let started = Instant::now();
        match one(shared, &run) {
            Ok(finished) => {
                let differs = match (&finished.series, pending.runs.first()) {
                    (
                        Some(s),
                        Some(Finished {
                            series: Some(t), ..
                        }),
                    ) => s.columns != t.columns,
                    _ => false,
                };
                if differs {
                    rotate(shared, pending)?;
                }
                pending.runs.push(finished);
                shared.succeeded.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                if shared.cancel.load(Ordering::SeqCst) && matches!(e, CliError::Cancelled(_)) {
                    return Ok(());
                }
                let message = e.to_string();
                shared.log.append(&[Line {
                    run_id: run.run_id,
                    status: Status::Failed,
                    error: Some(message.clone()),
                    wall_s: started.elapsed().as_secs_f64(),
                    part: None,
                    worker: id.to_string(),
                }])?;
                shared.failed.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut errors) = shared.errors.lock()
                    && errors.len() < 5
                {
                    errors.push((run.run_id, message));
                }
            }
        }
        shared.bar.inc(1);
        let failed = shared.failed.load(Ordering::Relaxed);
        if failed > 0 {
            shared.bar.set_message(format!(" · {failed} failed"));
        }
        if pending.runs.len() >= PART_RUNS
            || pending.since.elapsed() >= Duration::from_secs(PART_SECONDS)
        {
            rotate(shared, pending)?;
        }
    }
}

/// Loads, checks and runs one run.
fn one(shared: &Shared, run: &Run) -> Result<Finished, CliError> {
    let plan = shared.plan;
    let overrides = plan.overrides(run);
    let loaded = credsim_model::load(&plan.base_text, &plan.base_file, &overrides)?;
    let model = &loaded.model;
    let s = shared.settings;
    let audit = plan.spec.runs.audit;
    let limit = s
        .memory_limit
        .or_else(|| output::available_memory().map(|b| b as f64 / 1073741824.0))
        .map(|gib| gib / s.jobs as f64);
    output::check_memory(
        model,
        s.threads,
        audit,
        credsim_engine::PersonsTable::None,
        limit,
        false,
    )?;
    output::check_time(model, s.threads, audit, plan.spec.runs.time_limit, false)?;
    let watch = Watch {
        progress: &|_, _| {},
        cancel: shared.cancel,
    };
    let results = job::execute(model, s.threads, audit, &watch)?;
    let mut rows = ResultRows::default();
    flatten(
        run.run_id,
        "summary",
        &to_json(&results.summary)?,
        &mut rows,
    );
    if let Some(a) = &results.audit {
        flatten(run.run_id, "audit", &to_json(a)?, &mut rows);
    }
    Ok(Finished {
        run: *run,
        rows,
        series: plan.spec.runs.timeseries.then_some(results.series),
        wall: results.wall,
    })
}

/// A typed result as JSON, as summary.json and audit.json hold it.
fn to_json<T: serde::Serialize>(x: &T) -> Result<serde_json::Value, CliError> {
    serde_json::to_value(x).map_err(|e| CliError::Output(e.to_string()))
}

/// Writes the pending runs' part (and time series part), logs them, renames the part.
fn rotate(shared: &Shared, pending: &mut Pending) -> Result<(), CliError> {
    if pending.runs.is_empty() {
        pending.since = Instant::now();
        return Ok(());
    }
    let name = format!("part-{}-{:05}.parquet", pending.name, pending.count);
    pending.count += 1;
    let mut runs = std::mem::take(&mut pending.runs);
    pending.since = Instant::now();
    runs.sort_by_key(|f| f.run.run_id);
    let fail = |e: String| CliError::Output(e);
    let parts = shared.dir.join("parts");
    let tmp = parts.join(format!(".{name}.partial"));
    let mut w = ResultsWriter::create(&tmp, shared.prov).map_err(|e| fail(e.to_string()))?;
    for f in &runs {
        w.write(&f.rows).map_err(|e| fail(e.to_string()))?;
    }
    w.finish().map_err(|e| fail(e.to_string()))?;
    // The results part is renamed last: its presence is what makes the status lines
    // count, so a kill between renames leaves at worst an orphaned time series (the
    // runs are redone), never runs marked done without their time series.
    let results_part = (tmp, parts.join(&name));
    let mut renames: Vec<(PathBuf, PathBuf)> = vec![];
    if runs.iter().any(|f| f.series.is_some()) {
        let folder = shared.dir.join("timeseries");
        std::fs::create_dir_all(&folder)
            .map_err(|e| fail(format!("cannot write `{}`: {e}", folder.display())))?;
        let tmp = folder.join(format!(".{name}.partial"));
        credsim_tables::write_timeseries(&tmp, &with_run_ids(&runs), shared.prov)
            .map_err(|e| fail(e.to_string()))?;
        renames.push((tmp, folder.join(&name)));
    }
    let lines: Vec<Line> = runs
        .iter()
        .map(|f| Line {
            run_id: f.run.run_id,
            status: Status::Succeeded,
            error: None,
            wall_s: f.wall,
            part: Some(name.clone()),
            worker: pending.name.clone(),
        })
        .collect();
    shared.log.append(&lines)?;
    renames.push(results_part);
    for (from, to) in renames {
        std::fs::rename(&from, &to)
            .map_err(|e| fail(format!("cannot write `{}`: {e}", to.display())))?;
    }
    Ok(())
}

/// The runs' time series in one table, a run_id column first.
fn with_run_ids(runs: &[Finished]) -> Table {
    let mut columns = vec!["run_id".to_string()];
    let mut rows = Vec::new();
    for f in runs {
        if let Some(t) = &f.series {
            if columns.len() == 1 {
                columns.extend(t.columns.iter().cloned());
            }
            for r in &t.rows {
                let mut row = vec![Cell::Int(f.run.run_id as i64)];
                row.extend(r.iter().copied());
                rows.push(row);
            }
        }
    }
    Table { columns, rows }
}
