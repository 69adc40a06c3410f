//! `credsim calibrate SPEC.toml`: unknown parameters of a scenario fitted to dated
//! published figures by ABC-SMC (`credsim_experiments::abc`), then checked by
//! posterior-predictive runs against the fitted and the held-out targets.
//!
//! Pipeline: spec (`spec.rs`) → checks against the base scenario (`simulate::check`) →
//! ABC-SMC, each simulation a `job::execute` run with its own seed, `--jobs` at once
//! (`simulate.rs`) → posterior-predictive runs and the fit and prediction tables
//! (`fit.rs`) → the folder: calibration.json, posterior.parquet, predictive.parquet
//! (`write.rs`) and fit.html (`chart.rs`), written under a temporary name and renamed.

mod chart;
mod fit;
pub mod simulate;
pub mod spec;
mod write;

use crate::CliError;
use crate::args::CalibrateArgs;
use crate::term::outln;
use credsim_experiments::abc::{self, Event, Outputs};
use rayon::prelude::*;
use spec::{Role, Spec, Statistic};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// How the runs are spread over the cores.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Parallel {
    /// Simulations at once.
    pub jobs: usize,
    /// Threads per simulation.
    pub threads: usize,
}

/// Runs `credsim calibrate`.
pub fn run(args: &CalibrateArgs) -> Result<(), CliError> {
    let started = Instant::now();
    let (mut spec, text) = spec::read(&args.spec)?;
    overrides(&mut spec, args)?;
    let base = simulate::Scenario::of(&spec)?;
    let fit_years = spec.years;
    let predictive_years = spec.predictive_years.or(spec.years);
    simulate::check(&spec, &base, &args.spec, fit_years, predictive_years)?;
    let reference = base.load(&spec, &[], &[], fit_years, None)?;
    let persons = reference.model.persons;
    let factor = spec.scale.factor(persons);
    let threads = args.threads.unwrap_or(1);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = args.jobs.unwrap_or((cores / threads).max(1));
    if jobs * threads > cores && !args.quiet {
        eprintln!(
            "note: {jobs} simulations × {threads} threads exceed the {cores} cores; they will compete"
        );
    }
    let parallel = Parallel { jobs, threads };
    spec.abc.batch = jobs;
    let target = crate::output::Target::choose_named(
        args.out.as_deref(),
        &format!("calibrate-{}", spec.name),
        args.force,
    )?;
    let staging = target.stage()?;
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = cancel.clone();
        let _ = ctrlc::set_handler(move || {
            if cancel.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start {jobs} workers: {e}")))?;
    if !args.quiet {
        eprintln!(
            "calibrating {} ({} persons, scale factor {:.1}): {} parameters, {} fitted targets; {} particles, at most {} simulations, {jobs} at once",
            reference.model.name,
            crate::fmt::thousands(persons),
            factor,
            spec.parameters.len(),
            spec.targets.iter().filter(|t| t.role == Role::Fit).count(),
            spec.abc.particles,
            crate::fmt::thousands(spec.abc.max_simulations),
        );
    }
    let fitted: Vec<&spec::TargetSpec> = spec
        .targets
        .iter()
        .filter(|t| t.role == Role::Fit)
        .collect();
    let fit_stats: Vec<&Statistic> = fitted.iter().map(|t| &t.stat).collect();
    let targets: Vec<abc::Target> = fitted.iter().map(|t| t.target).collect();
    let params: Vec<abc::Parameter> = spec
        .parameters
        .iter()
        .map(|p| abc::Parameter {
            name: p.name.clone(),
            prior: p.prior.clone(),
        })
        .collect();
    let simulate = |values: &[f64], seed: u64| -> Outputs {
        let loaded = base
            .load(&spec, &spec.parameters, values, fit_years, Some(seed))
            .map_err(|e| e.to_string())?;
        let table = simulate::series(&loaded, threads, &cancel).map_err(|e| e.to_string())?;
        simulate::read(&table, &fit_stats, factor)
    };
    let mut evaluate = |batch: &[abc::Job]| -> Vec<Outputs> {
        pool.install(|| {
            batch
                .par_iter()
                .map(|j| simulate(&j.params, j.seed))
                .collect()
        })
    };
    let mut progress = Progress::new(args.quiet, started);
    let result = abc::run(&params, &targets, &spec.abc, &mut evaluate, &mut |e| {
        progress.event(&e)
    });
    if cancel.load(Ordering::Relaxed) {
        return Err(CliError::Cancelled(
            "interrupted; no output folder was created".into(),
        ));
    }
    let result = result.map_err(|e| CliError::Usage(format!("calibration failed: {e}")))?;
    if !args.quiet {
        eprintln!(
            "posterior-predictive runs: {} ({} years)…",
            spec.predictive_runs,
            predictive_years.map_or("the scenario's".into(), |y| y.to_string())
        );
    }
    let predictive = fit::predictive(
        &spec,
        &base,
        &result.population,
        factor,
        predictive_years,
        parallel,
        &pool,
        &cancel,
    )?;
    let report = fit::Report::new(&spec, &result, &predictive);
    let context = write::Context {
        spec: &spec,
        text: &text,
        file: &args.spec,
        reference: &reference,
        factor,
        parallel,
        wall: started.elapsed().as_secs_f64(),
    };
    write::all(&staging, &context, &result, &predictive, &report)?;
    std::fs::write(
        staging.path("fit.html"),
        chart::page(&context, &report, &predictive),
    )
    .map_err(|e| CliError::Output(format!("cannot write fit.html: {e}")))?;
    let folder = staging.finish()?;
    if !args.quiet {
        fit::print(&report);
    }
    outln!("outputs: {}", folder.display());
    Ok(())
}

/// The command line's replacements of spec values.
fn overrides(spec: &mut Spec, args: &CalibrateArgs) -> Result<(), CliError> {
    if let Some(p) = args.persons {
        spec.persons = Some(p);
    }
    if let Some(n) = args.particles {
        spec.abc.particles = n;
    }
    if let Some(n) = args.max_simulations {
        spec.abc.max_simulations = n;
    }
    if let Some(s) = args.seed {
        spec.seed = s;
        spec.abc.seed = s;
    }
    if let Some(r) = args.predictive {
        if r < 2 {
            return Err(CliError::Usage("--predictive must be at least 2".into()));
        }
        spec.predictive_runs = r;
    }
    spec.abc
        .check()
        .map_err(|e| CliError::Usage(format!("calibration settings: {e}")))
}

/// Progress on standard error: a line per generation.
struct Progress {
    quiet: bool,
    started: Instant,
    last: Instant,
    total: u64,
}

impl Progress {
    fn new(quiet: bool, started: Instant) -> Progress {
        Progress {
            quiet,
            started,
            last: started,
            total: 0,
        }
    }

    fn event(&mut self, e: &Event) {
        if self.quiet {
            return;
        }
        match e {
            Event::Start {
                generation,
                epsilon,
            } => eprintln!(
                "generation {generation}: epsilon {}",
                if epsilon.is_finite() {
                    format!("{epsilon:.3}")
                } else {
                    "inf (prior sample)".into()
                }
            ),
            Event::Batch {
                simulations,
                accepted,
                ..
            } => {
                if self.last.elapsed().as_secs_f64() > 10.0 {
                    self.last = Instant::now();
                    eprintln!(
                        "  {simulations} simulations, {accepted} accepted ({:.0} s)",
                        self.started.elapsed().as_secs_f64()
                    );
                }
            }
            Event::Done(g) => {
                self.total += g.simulations;
                eprintln!(
                    "  {} accepted of {} simulations ({:.1}%), ESS {:.1}{}{}; {} simulations in all, {:.0} s",
                    g.accepted,
                    g.simulations,
                    100.0 * g.acceptance_rate,
                    g.ess,
                    if g.failures > 0 {
                        format!(", {} failed", g.failures)
                    } else {
                        String::new()
                    },
                    if g.complete {
                        ""
                    } else {
                        " (incomplete: discarded)"
                    },
                    self.total,
                    self.started.elapsed().as_secs_f64()
                );
            }
        }
    }
}
