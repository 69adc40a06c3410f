//! `credsim sweep SPEC.toml`: runs a scenario over a design of parameter values and
//! replicates into a resumable folder (docs/sweep.md). The pipeline: spec (spec.rs)
//! → plan: base scenario, design points, runs and seeds (plan.rs) → folder: sweep.json
//! and design.parquet, or the check that an existing folder is the same sweep
//! (folder.rs) → the runs not yet done, on parallel workers writing part files and
//! status lines (runner.rs, status.rs, rows.rs) → results.parquet once every run has
//! succeeded or failed (collect.rs). Other front ends drive the same steps through
//! batch.rs (the Python package's executors).

pub mod batch;
pub mod collect;
pub mod folder;
pub mod plan;
pub mod rows;
pub mod runner;
pub mod spec;
pub mod status;

use crate::CliError;
use crate::args::SweepArgs;
use crate::term::outln;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Runs `credsim sweep`.
pub fn run(args: SweepArgs) -> Result<(), CliError> {
    if let Some(dir) = &args.collect {
        return collect_only(dir, args.quiet);
    }
    let Some(file) = &args.spec else {
        return Err(CliError::Usage(
            "give a sweep spec (credsim sweep SPEC.toml) or --collect DIR".into(),
        ));
    };
    let mut spec = spec::read(file).map_err(|e| CliError::Usage(e.0))?;
    batch::Adjust {
        persons: args.persons,
        years: args.years,
        threads: args.threads,
        time_limit: args.time_limit,
    }
    .apply(&mut spec);
    let plan = plan::Plan::new(spec)?;
    let dir = args.out.clone().unwrap_or_else(|| default_folder(file));
    let sweep = folder::prepare(&plan, &dir, args.force)?;
    let prov = folder::provenance(&sweep);
    let state = status::read(&dir)?;
    let order = plan.execution_order(args.shard);
    let shard_runs = order.len();
    let todo: Vec<plan::Run> = order
        .into_iter()
        .filter(|r| !state.succeeded.contains_key(&r.run_id))
        .collect();
    let settings = runner::Settings::choose(
        args.jobs,
        plan.spec.runs.threads,
        todo.len(),
        args.memory_limit,
    );
    if !args.quiet {
        eprintln!(
            "{}",
            intro(
                &plan,
                &dir,
                shard_runs,
                todo.len(),
                state.torn,
                &settings,
                args.shard
            )
        );
    }
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = cancel.clone();
        // A second Ctrl-C while stopping kills the process the usual way.
        let _ = ctrlc::set_handler(move || {
            if cancel.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
    }
    let bar = progress_bar(todo.len() as u64, args.quiet);
    let control = runner::Control {
        cancel: &cancel,
        bar: &bar,
    };
    let done = runner::run_all(&plan, &dir, &todo, settings, control, &prov, args.shard)?;
    bar.finish_and_clear();
    for (run, e) in &done.errors {
        eprintln!("run {run} failed: {}", first_line(e));
    }
    if cancel.load(Ordering::SeqCst) {
        let progress = collect::collect(&dir, &sweep)?;
        return Err(CliError::Cancelled(format!(
            "sweep stopped: {} of {} runs done; run the same command again to go on (folder {})",
            progress.succeeded,
            progress.runs,
            dir.display()
        )));
    }
    let progress = collect::collect(&dir, &sweep)?;
    report(&dir, &progress, &done, args.quiet);
    Ok(())
}

/// `--collect DIR`: writes results.parquet of a complete sweep folder.
fn collect_only(dir: &Path, quiet: bool) -> Result<(), CliError> {
    let sweep = folder::read(dir)?;
    let progress = collect::collect(dir, &sweep)?;
    if !progress.complete() {
        return Err(CliError::Usage(format!(
            "`{}` is not complete: {} of {} runs have succeeded or failed; run the missing ones \
             (the same credsim sweep command, or its remaining shards) first",
            dir.display(),
            progress.succeeded + progress.failed,
            progress.runs
        )));
    }
    report(dir, &progress, &runner::Done::default(), quiet);
    Ok(())
}

fn report(dir: &Path, p: &collect::Progress, done: &runner::Done, quiet: bool) {
    if !quiet {
        eprintln!(
            "{} runs here ({} succeeded, {} failed); the sweep: {} of {} succeeded, {} failed{}",
            done.succeeded + done.failed,
            done.succeeded,
            done.failed,
            p.succeeded,
            p.runs,
            p.failed,
            if p.failed > 0 {
                " (errors in status.jsonl; a restart retries them)"
            } else {
                ""
            }
        );
    }
    if p.complete() {
        outln!("results: {}", dir.join(collect::RESULTS).display());
    } else {
        outln!(
            "sweep: {} ({} of {} runs left for other shards or a restart)",
            dir.display(),
            p.runs - p.succeeded - p.failed,
            p.runs
        );
    }
}

/// `credsim-out/sweep-<spec file stem>`.
pub fn default_folder(spec: &Path) -> PathBuf {
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "spec".into());
    Path::new(crate::output::DEFAULT_ROOT).join(format!("sweep-{stem}"))
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

fn intro(
    plan: &plan::Plan,
    dir: &Path,
    shard_runs: usize,
    todo: usize,
    torn: usize,
    s: &runner::Settings,
    shard: Option<(u64, u64)>,
) -> String {
    let m = &plan.base.model;
    let estimate = credsim_engine::CostEstimate::for_run(m, s.threads, plan.spec.runs.audit);
    let wall = estimate.seconds * todo as f64 / s.jobs as f64;
    let shard = shard.map_or(String::new(), |(i, n)| format!(" (shard {i} of {n})"));
    format!(
        "sweep {} · {} · {} persons · {} days · credsim {}\n\
         {} points × {} replicates = {} runs{shard}, {} here: {} to do ({} done{}); \
         {} at a time × {} thread{}; estimated {}",
        dir.display(),
        m.name,
        crate::fmt::thousands(m.persons),
        m.days,
        credsim_engine::VERSION,
        plan.points.len(),
        plan.spec.runs.replicates,
        plan.runs.len(),
        shard_runs,
        todo,
        shard_runs - todo,
        if torn > 0 {
            format!("; {torn} torn status line ignored")
        } else {
            String::new()
        },
        s.jobs,
        s.threads,
        if s.threads == 1 { "" } else { "s" },
        crate::output::duration(wall),
    )
}

fn progress_bar(runs: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(runs);
    let style = indicatif::ProgressStyle::with_template(
        "[{bar:30}] {pos}/{len} runs{msg} · {elapsed} · ETA {eta}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar
}
