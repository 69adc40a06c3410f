//! `credsim`: run, check and inspect social-scoring scenarios on synthetic populations.
//!
//! The command-line program as a library, so that other front ends (the Python
//! package, sweeps) run scenarios and write folders exactly as `credsim run` does.
//! `run` reads as the pipeline: arguments → scenario → validated model → engine →
//! summary → writers. Model logic lives in `credsim-model` and `credsim-engine`; this
//! crate only parses arguments, reports progress and writes files.

pub mod args;
pub mod bench;
pub mod calibrate;
pub mod compare;
pub mod fmt;
pub mod folder;
pub mod job;
pub mod leaks;
pub mod measures;
pub mod output;
pub mod print;
pub mod report;
pub mod sensitivity;
pub mod sweep;
pub mod term;

use crate::term::{out, outln};
pub use args::Cli;
use args::{Command, ScenarioArgs};
use credsim_engine::summary::{Summary, timeseries};
use credsim_model::{Loaded, Overrides, ScenarioError, presets};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// Everything that can stop a command, each with a message that says what to do.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad scenario or preset.
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// Bad arguments beyond what clap checks.
    #[error("{0}")]
    Usage(String),
    /// Writing outputs failed.
    #[error("{0}")]
    Output(String),
    /// The run would not fit in memory, or would take longer than its time limit.
    #[error("{0}")]
    TooBig(String),
    /// Interrupted.
    #[error("{0}")]
    Cancelled(String),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Scenario(_) | CliError::Usage(_) => 2,
            CliError::TooBig(_) => 3,
            CliError::Cancelled(_) => 130,
            CliError::Output(_) => 1,
        }
    }
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Run(args) => match args.replicates {
            Some(r) => run_replicates(args, r),
            None => run_scenario(args).map(|folder| outln!("outputs: {}", folder.display())),
        },
        Command::Presets => {
            print::presets();
            Ok(())
        }
        Command::Validate { files } => validate(&files),
        Command::Show { scenario, resolved } => {
            let loaded = load(&scenario, &Overrides::default())?;
            if resolved {
                out!("{}", credsim_model::to_toml(&loaded.scenario));
            } else {
                out!("{}", loaded.text);
            }
            Ok(())
        }
        Command::Bench(args) => bench::run(args),
        Command::Sensitivity(args) => sensitivity::run(&args).map(drop),
        Command::Sweep(args) => sweep::run(args),
        Command::Calibrate(args) => calibrate::run(&args),
        Command::Report { folder } => {
            report::rebuild(&folder)?;
            outln!("report: {}", folder.join("report.html").display());
            Ok(())
        }
        Command::Compare { folders, out } => {
            let runs = folders
                .iter()
                .map(|f| folder::run(f))
                .collect::<Result<Vec<_>, CliError>>()?;
            let html = compare::render(&runs);
            out!("{}", compare::text(&runs));
            let out = output::comparison_file(out.as_deref())?;
            let tmp = out.with_extension("html.partial");
            std::fs::write(&tmp, html)
                .and_then(|()| std::fs::rename(&tmp, &out))
                .map_err(|e| CliError::Output(format!("cannot write `{}`: {e}", out.display())))?;
            outln!("comparison: {}", out.display());
            Ok(())
        }
        Command::Audit { folders, markdown } => {
            let audits = folders
                .iter()
                .map(|f| folder::run(f))
                .collect::<Result<Vec<_>, CliError>>()?;
            match audits.as_slice() {
                [run] if !markdown => print::audit(&run.audit),
                _ => print::audit_table(&audits, markdown),
            }
            Ok(())
        }
    }
}

/// Loads the scenario named by the arguments (a file, a preset, or the default preset).
pub fn load(args: &ScenarioArgs, overrides: &Overrides) -> Result<Loaded, CliError> {
    match (&args.file, &args.preset) {
        (Some(_), Some(_)) => Err(CliError::Usage(
            "give a scenario file or --preset, not both".into(),
        )),
        (Some(file), None) => Ok(credsim_model::load_file(file, overrides)?),
        (None, preset) => Ok(presets::load(
            preset.as_deref().unwrap_or(presets::DEFAULT),
            overrides,
        )?),
    }
}

/// Prints a scenario's warnings (what validates but cannot have its apparent effect) on
/// standard error.
fn warn(args: &ScenarioArgs, loaded: &Loaded) {
    if loaded.warnings.is_empty() {
        return;
    }
    let name = match (&args.file, &args.preset) {
        (Some(f), _) => f.display().to_string(),
        (None, p) => format!("preset {}", p.as_deref().unwrap_or(presets::DEFAULT)),
    };
    eprintln!(
        "{}",
        credsim_model::render_warnings(&name, &loaded.warnings)
    );
}

fn validate(files: &[std::path::PathBuf]) -> Result<(), CliError> {
    let report = |f: &std::path::PathBuf, l: &Loaded| {
        outln!("ok: {} ({})", f.display(), describe(&l.model));
        if !l.warnings.is_empty() {
            eprintln!(
                "{}",
                credsim_model::render_warnings(&f.display().to_string(), &l.warnings)
            );
        }
    };
    if let [file] = files {
        let l = credsim_model::load_file(file, &Overrides::default())?;
        report(file, &l);
        return Ok(());
    }
    let mut failed = 0;
    for f in files {
        match credsim_model::load_file(f, &Overrides::default()) {
            Ok(l) => report(f, &l),
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}\n");
            }
        }
    }
    if failed > 0 {
        return Err(CliError::Usage(format!(
            "{failed} of {} scenario files have problems (see above)",
            files.len()
        )));
    }
    Ok(())
}

/// Hands items that arrive tagged with their chunk index to `write` in index order.
fn in_order<T>(
    receiver: std::sync::mpsc::Receiver<(usize, T)>,
    mut write: impl FnMut(T) -> Result<(), String>,
) -> Result<(), String> {
    let mut pending = std::collections::BTreeMap::new();
    let mut next = 0;
    for (index, item) in receiver {
        pending.insert(index, item);
        while let Some(item) = pending.remove(&next) {
            write(item)?;
            next += 1;
        }
    }
    Ok(())
}

/// Persons-table choice: `full`, `none` or `sample:N` (about N persons); by default
/// full up to 10 million persons and a sample of 1 million above.
pub fn persons_table(
    arg: Option<&str>,
    persons: u64,
) -> Result<credsim_engine::PersonsTable, CliError> {
    use credsim_engine::PersonsTable;
    let sample = |n: u64| {
        if n >= persons {
            PersonsTable::Full
        } else {
            PersonsTable::Sample(n as f64 / persons as f64)
        }
    };
    match arg {
        None if persons <= 10_000_000 => Ok(PersonsTable::Full),
        None => Ok(sample(1_000_000)),
        Some("full") => Ok(PersonsTable::Full),
        Some("none") => Ok(PersonsTable::None),
        Some(s) => match s.strip_prefix("sample:").map(str::parse::<u64>) {
            Some(Ok(n)) if n > 0 => Ok(sample(n)),
            _ => Err(CliError::Usage(format!(
                "--persons-table `{s}` is not allowed: use full, none or sample:N with N a positive whole number"
            ))),
        },
    }
}

fn describe(m: &credsim_model::Model) -> String {
    format!(
        "{}: {} persons, {} days, {} behaviours, {} sources, {} lists, {} treatments",
        m.name,
        m.persons,
        m.days,
        m.behaviours.len(),
        m.sources.len(),
        m.lists.len(),
        m.treatments.len()
    )
}

/// A table writer on its own thread; it returns the rows written.
type Writer = std::thread::JoinHandle<Result<u64, String>>;

/// Starts the persons-table writer (none without a persons table).
fn persons_writer(
    staging: &output::Staging,
    model: &credsim_model::Model,
    table: credsim_engine::PersonsTable,
    receiver: std::sync::mpsc::Receiver<(usize, credsim_engine::PersonBatch)>,
) -> Result<Option<Writer>, CliError> {
    if table == credsim_engine::PersonsTable::None {
        return Ok(None);
    }
    let sampling = output::persons_table_name(table);
    let mut w = credsim_tables::PersonsWriter::create(
        &staging.path("persons.parquet"),
        model,
        &credsim_tables::Provenance::of(model),
        &sampling,
    )
    .map_err(|e| CliError::Output(e.to_string()))?;
    Ok(Some(std::thread::spawn(move || -> Result<u64, String> {
        in_order(receiver, |b| w.write(&b).map_err(|e| e.to_string()))?;
        w.finish().map_err(|e| e.to_string())
    })))
}

/// Starts the records-table writer.
fn records_writer(
    staging: &output::Staging,
    model: &credsim_model::Model,
    receiver: std::sync::mpsc::Receiver<(usize, credsim_engine::RecordLog)>,
) -> Result<Writer, CliError> {
    let mut w = credsim_tables::RecordsWriter::create(
        &staging.path("records.parquet"),
        model,
        &credsim_tables::Provenance::of(model),
    )
    .map_err(|e| CliError::Output(e.to_string()))?;
    Ok(std::thread::spawn(move || -> Result<u64, String> {
        in_order(receiver, |log| w.write(&log).map_err(|e| e.to_string()))?;
        w.finish().map_err(|e| e.to_string())
    }))
}

/// The scenario overrides of `credsim run`'s arguments.
fn overrides_of(args: &args::RunArgs) -> Overrides {
    Overrides {
        persons: args.persons,
        years: args.years,
        seed: args.seed,
        sets: args.set.clone(),
    }
}

/// `credsim run --replicates R`: R runs of one scenario with seeds derived from its own,
/// in one output folder (written atomically, as a run's), and their pooled numbers.
fn run_replicates(args: args::RunArgs, r: u64) -> Result<(), CliError> {
    let overrides = overrides_of(&args);
    let loaded = load(&args.scenario, &overrides)?;
    let model = &loaded.model;
    let target = output::Target::choose(args.out.as_deref(), model, args.force)?;
    let staging = target.stage()?;
    let width = r.to_string().len().max(2);
    let (mut summaries, mut audits, mut typed, mut seeds) = (vec![], vec![], vec![], vec![]);
    for k in 0..r {
        let seed = credsim_engine::pool::replicate_seed(model.seed, k);
        let mut run = args.clone();
        run.replicates = None;
        run.seed = Some(seed);
        run.out = Some(staging.path(&format!("replicate-{:0width$}", k + 1)));
        run.force = false;
        run.quiet = true;
        if !args.quiet {
            eprintln!("replicate {}/{r}: seed {seed}", k + 1);
        }
        let folder = run_scenario(run)?;
        summaries.push(folder::json::<serde_json::Value>(&folder, "summary.json")?);
        if let Some(a) = folder::optional_json::<credsim_engine::Audit>(&folder, "audit.json")? {
            audits.push(serde_json::to_value(&a).map_err(|e| CliError::Output(e.to_string()))?);
            typed.push(a);
        }
        seeds.push(seed);
    }
    let pooled = serde_json::json!({
        "credsim_version": credsim_engine::VERSION,
        "scenario": model.name,
        "scenario_seed": model.seed,
        "seeds": seeds,
        "replicates": r,
        "overrides": output::override_args(&overrides),
        "summary": credsim_engine::pool::pool(&summaries),
        "audit": (!audits.is_empty()).then(|| credsim_engine::pool::pool(&audits)),
    });
    let text =
        serde_json::to_string_pretty(&pooled).map_err(|e| CliError::Output(e.to_string()))?;
    std::fs::write(staging.path("pooled.json"), text + "\n")
        .map_err(|e| CliError::Output(format!("cannot write pooled.json: {e}")))?;
    let folder = staging.finish()?;
    if !args.quiet {
        print::pooled(&typed, r);
    }
    outln!("outputs: {}", folder.display());
    Ok(())
}

/// One run; returns its output folder.
pub fn run_scenario(args: args::RunArgs) -> Result<std::path::PathBuf, CliError> {
    let overrides = overrides_of(&args);
    let loaded = load(&args.scenario, &overrides)?;
    warn(&args.scenario, &loaded);
    let model = &loaded.model;
    let target = output::Target::choose(args.out.as_deref(), model, args.force)?;

    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = cancel.clone();
        // A second Ctrl-C while stopping kills the process the usual way.
        let _ = ctrlc::set_handler(move || {
            if cancel.swap(true, std::sync::atomic::Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
    }
    let threads = args.threads.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start {threads} threads: {e}")))?;
    let table = persons_table(args.persons_table.as_deref(), model.persons)?;
    output::check_memory(
        model,
        pool.current_num_threads(),
        !args.no_audit,
        table,
        args.memory_limit,
        args.ignore_memory_check,
    )?;
    if let Some(notice) = output::check_time(
        model,
        pool.current_num_threads(),
        !args.no_audit,
        args.time_limit,
        args.ignore_time_check,
    )? {
        // On stderr, with --quiet too: stdout stays the output folder alone.
        eprintln!("{notice}");
    }
    let staging = target.stage()?;
    // The persons table streams to a writer thread, which puts chunks back in id order.
    let (sender, receiver) = std::sync::mpsc::channel::<(usize, credsim_engine::PersonBatch)>();
    let writer = persons_writer(&staging, model, table, receiver)?;
    let (record_sender, record_receiver) =
        std::sync::mpsc::channel::<(usize, credsim_engine::RecordLog)>();
    let record_writer = if args.records_table {
        Some(records_writer(&staging, model, record_receiver)?)
    } else {
        None
    };
    let bar = print::progress_bar(model, args.quiet);
    let started = Instant::now();
    let persons = model.persons;
    let progress = |done: usize, total: usize| {
        bar.set_position((persons as u128 * done as u128 / total.max(1) as u128) as u64);
    };
    let sink = move |index: usize, batch: credsim_engine::PersonBatch| {
        // A closed channel means the writer failed; its error is reported below.
        let _ = sender.send((index, batch));
    };
    let record_sink = move |index: usize, log: credsim_engine::RecordLog| {
        let _ = record_sender.send((index, log));
    };
    let control = credsim_engine::Control {
        progress: &progress,
        cancel: &cancel,
        persons: Some(&sink),
        records: Some(&record_sink),
    };
    let options = credsim_engine::Options {
        audit: !args.no_audit,
        persons_table: table,
        records_table: args.records_table,
        ..Default::default()
    };
    let outcome = pool
        .install(|| credsim_engine::run_with(model, &control, options))
        .map_err(|c| {
            bar.abandon();
            CliError::Cancelled(format!(
                "{c}; no output folder was created (the partial one was removed)"
            ))
        })?;
    let wall = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    drop(sink);
    drop(record_sink);
    for w in [writer, record_writer].into_iter().flatten() {
        w.join()
            .map_err(|_| CliError::Output("a table writer failed".into()))?
            .map_err(CliError::Output)?;
    }

    let mut summary = Summary::new(model, &outcome);
    summary.persons_table = output::persons_table_name(table);
    let audit = outcome
        .audit
        .as_ref()
        .map(|a| credsim_engine::Audit::new(model, a));
    let series = timeseries(model, &outcome);
    if let (Some(f), Some(o)) = (&model.firms, &outcome.firms) {
        credsim_tables::write_firms(
            &staging.path("firms.parquet"),
            f,
            &o.rows,
            &credsim_tables::Provenance::of(model),
        )
        .map_err(|e| CliError::Output(e.to_string()))?;
    }
    let run_info = output::RunInfo::new(
        model,
        &outcome,
        wall,
        pool.current_num_threads(),
        table,
        &overrides,
    );
    let folder = staging.commit(
        &loaded,
        &overrides,
        &summary,
        audit.as_ref(),
        &series,
        &run_info,
    )?;
    if !args.quiet {
        print::summary(&summary, &run_info);
        if let Some(a) = &audit {
            outln!();
            print::audit_brief(a);
        }
    }
    Ok(folder)
}
