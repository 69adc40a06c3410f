//! `credsim sensitivity SWEEP_DIR`: Sobol' indices (S1, ST, with bootstrap intervals)
//! of every measure of a `sobol` sweep, or Morris μ*, σ of a `morris` sweep; a ranked
//! table on standard output, `sensitivity.json` (typed) and `sensitivity.html` (charts)
//! in the sweep folder. Pipeline: folder → `sweep::read` → `analysis::analyze`
//! (the estimators of credsim-experiments) → `print`, `html`, JSON writers.

mod analysis;
mod html;
mod print;
mod sweep;

pub use analysis::{MeasureIndices, Report, Settings};

use crate::CliError;
use crate::term::outln;
use clap::Args;
use std::path::{Path, PathBuf};

/// The arguments of `credsim sensitivity`.
#[derive(Debug, Clone, Args)]
pub struct SensitivityArgs {
    /// A finished sweep folder of design `sobol` or `morris` (written by `credsim sweep`).
    pub sweep: PathBuf,
    /// Only these measures (repeatable): an exact name such as
    /// summary.sanctioned_persons, or a prefix such as audit. or summary.lists.
    /// A measure named exactly that is constant or undefined is an error.
    #[arg(long, value_name = "NAME")]
    pub measure: Vec<String>,
    /// Bootstrap resamples per index.
    #[arg(long, value_name = "B", default_value_t = 500)]
    pub bootstrap: usize,
    /// Confidence level of the bootstrap intervals, strictly between 0 and 1.
    #[arg(long, value_name = "LEVEL", default_value_t = 0.95)]
    pub confidence: f64,
    /// Seed of the bootstrap (default: the sweep's root seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Measures in the printed table (sensitivity.json has every one).
    #[arg(long, value_name = "N", default_value_t = 25)]
    pub top: usize,
    /// Measures with charts in sensitivity.html (its table lists every one).
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub charts: usize,
    /// Folder for sensitivity.json and sensitivity.html (default: the sweep folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print nothing but the paths of the files written.
    #[arg(long)]
    pub quiet: bool,
}

/// Whether a measure is selected by the `--measure` filters (all when none).
fn selected(filters: &[String], name: &str) -> bool {
    filters.is_empty() || filters.iter().any(|f| name.starts_with(f.as_str()))
}

/// Computes the report of a sweep folder (no files written).
pub fn compute(args: &SensitivityArgs) -> Result<Report, CliError> {
    let sweep = sweep::read(&args.sweep)?;
    for f in &args.measure {
        if !sweep
            .measures
            .iter()
            .any(|m| m.name.starts_with(f.as_str()))
        {
            let some: Vec<&str> = sweep
                .measures
                .iter()
                .map(|m| m.name.as_str())
                .take(5)
                .collect();
            return Err(CliError::Usage(format!(
                "--measure `{f}`: no measure of `{}` is named so or starts so (there are {}, \
                 e.g. {})",
                args.sweep.join("results.parquet").display(),
                sweep.measures.len(),
                some.join(", ")
            )));
        }
    }
    let settings = Settings {
        bootstrap: args.bootstrap,
        confidence: args.confidence,
        seed: args.seed.unwrap_or(sweep.root_seed),
    };
    credsim_experiments::stats::z_of(settings.confidence)
        .map_err(|e| CliError::Usage(format!("--confidence: {e}")))?;
    if settings.bootstrap < 2 {
        return Err(CliError::Usage(format!(
            "--bootstrap {}: at least 2 resamples are needed (500 is the default)",
            settings.bootstrap
        )));
    }
    let report = analysis::analyze(&sweep, &settings, &|n| selected(&args.measure, n));
    for f in &args.measure {
        if let Some(s) = report.skipped.iter().find(|s| &s.measure == f) {
            return Err(CliError::Usage(format!(
                "measure `{f}` has no sensitivity indices: {}",
                s.reason
            )));
        }
    }
    if report.measures.is_empty() {
        return Err(CliError::Usage(format!(
            "no measure of `{}` varies over the design: all {} are constant or undefined \
             (e.g. {}: {})",
            args.sweep.display(),
            report.skipped.len(),
            report.skipped.first().map_or("", |s| s.measure.as_str()),
            report.skipped.first().map_or("", |s| s.reason.as_str())
        )));
    }
    Ok(report)
}

/// Writes `name` into `dir` atomically (temporary name, then rename).
fn write_atomic(dir: &Path, name: &str, text: &str) -> Result<PathBuf, CliError> {
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.partial"));
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| CliError::Output(format!("cannot write `{}`: {e}", path.display())))?;
    Ok(path)
}

/// `credsim sensitivity`: computes, prints, writes; returns the report.
pub fn run(args: &SensitivityArgs) -> Result<Report, CliError> {
    let report = compute(args)?;
    let dir = args.out.clone().unwrap_or_else(|| args.sweep.clone());
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::Output(format!("cannot create `{}`: {e}", dir.display())))?;
    let json = serde_json::to_string_pretty(&report)
        .map_err(|e| CliError::Output(format!("cannot encode sensitivity.json: {e}")))?;
    let json_path = write_atomic(&dir, "sensitivity.json", &(json + "\n"))?;
    let html_path = write_atomic(
        &dir,
        "sensitivity.html",
        &html::render(&report, args.charts),
    )?;
    if !args.quiet {
        print::table(&report, args.top, "sensitivity.json");
        outln!();
    }
    outln!("indices: {}", json_path.display());
    outln!("charts: {}", html_path.display());
    Ok(report)
}
