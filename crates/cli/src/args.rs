//! Command-line arguments (clap): what each subcommand and option means.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// credsim simulates a social-scoring regime (points, grades, black and red lists,
/// joint punishment) on a synthetic population and measures what it does to people.
///
/// It never uses data about real persons: populations are built from parameters.
///
/// Start with `credsim run` (the default preset, suining-2010, 1,000,000 people,
/// 10 years), `credsim presets` to see the others, and `credsim show --preset NAME`
/// to read a scenario with every default filled in.
#[derive(Debug, Parser)]
#[command(name = "credsim", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario and write its outputs to a new folder.
    ///
    /// With no arguments, runs the default preset. Outputs go to a new numbered folder
    /// under ./credsim-out/ (e.g. credsim-out/suining-2010-seed2010-001), written
    /// atomically: an interrupted or failed run leaves no folder behind.
    /// The folder holds summary.json, audit.json (docs/audit.md), timeseries.csv,
    /// scenario.toml (the resolved scenario) and run.json (wall time, threads, host).
    Run(RunArgs),
    /// List the built-in presets, one line each.
    Presets,
    /// Check scenario files and report every problem with file, line and field.
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print a scenario with every default filled in: exactly what will run.
    Show {
        #[command(flatten)]
        scenario: ScenarioArgs,
    },
    /// Print the audit of a finished run (from its audit.json) as a readable table.
    ///
    /// The audit answers: how many were sanctioned because of false or misattributed
    /// records; how much punishment lands outside the domain of the records behind it;
    /// who is hit harder (by attribute category) and how much of that is because they
    /// are watched more; how much falls on protected conduct; how far one record's
    /// punishment spreads; who is sanctioned for a relative; what scrutiny adds; how
    /// people move between grades; how concentrated sanctions are. See docs/audit.md.
    ///
    /// With several folders (or --markdown), prints the key measures side by side.
    Audit {
        /// Output folders of `credsim run`.
        #[arg(required = true)]
        folders: Vec<PathBuf>,
        /// Print the side-by-side table as Markdown (as in the README).
        #[arg(long)]
        markdown: bool,
    },
    /// Rebuild report.html of a run folder from its files.
    Report {
        /// An output folder of `credsim run`.
        folder: PathBuf,
    },
    /// Compare runs side by side: differences from the first run and whether they
    /// exceed sampling error; writes comparison.html.
    ///
    /// Example: the three presets, or one scenario with and without joint punishment.
    Compare {
        /// Output folders of `credsim run` (the first is the reference).
        #[arg(required = true, num_args = 2..)]
        folders: Vec<PathBuf>,
        /// Where to write the HTML comparison.
        #[arg(long, default_value = "comparison.html")]
        out: PathBuf,
    },
    /// Measure speed and memory on the presets at several population sizes.
    ///
    /// Prints one row per run: persons, years, wall seconds, person-years per second,
    /// events per second, peak resident memory and bytes per person. Writes no outputs.
    Bench(BenchArgs),
}

/// Which scenario to use.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// Scenario file (TOML). Without it, --preset or the default preset is used.
    pub file: Option<PathBuf>,
    /// A built-in preset (see `credsim presets`).
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Number of persons (replaces the scenario's population.persons).
    #[arg(long, value_name = "N")]
    pub persons: Option<u64>,
    /// Horizon in years of 365 days (replaces the scenario's simulation.years/days).
    #[arg(long, value_name = "Y")]
    pub years: Option<u32>,
    /// Seed of every random draw (replaces simulation.seed). Same scenario and seed
    /// give bit-identical outputs, whatever the thread count.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// Output folder. Default: a new numbered folder under ./credsim-out/.
    /// An existing folder is never replaced without --force.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the --out folder if it exists.
    #[arg(long)]
    pub force: bool,
    /// Print only the output folder (no progress bar, no summary table).
    #[arg(long, short)]
    pub quiet: bool,
    /// Run even if the memory estimate exceeds the memory available.
    #[arg(long)]
    pub ignore_memory_check: bool,
    /// Persons table (persons.parquet): `full`, `none`, or `sample:N` for a random
    /// sample of about N persons. Default: full up to 10,000,000 persons, sample:1000000
    /// above.
    #[arg(long, value_name = "full|sample:N|none")]
    pub persons_table: Option<String>,
    /// Also write records.parquet: every record that reached the regime (day, person,
    /// type, domain, source, provenance, points). Large: about one row per record.
    #[arg(long)]
    pub records_table: bool,
    /// Skip the audit (its counterfactual re-simulations); no audit.json is written.
    #[arg(long)]
    pub no_audit: bool,
    /// Memory the run may use, in GiB (default: the memory available now). A run whose
    /// estimate exceeds 90% of it is refused before it starts, with the estimate.
    #[arg(long, value_name = "GIB")]
    pub memory_limit: Option<f64>,
    /// Time the run may take, in minutes. Before a run the time is estimated from the
    /// scenario's expected events (acts, records, attempts, the audit's
    /// counterfactuals), the population, the horizon and the threads; an estimate above
    /// a minute is printed (on stderr, also with --quiet), one above the limit is
    /// refused with the estimate and what to change.
    #[arg(long, value_name = "MINUTES", default_value_t = 60.0)]
    pub time_limit: f64,
    /// Run even if the time estimate exceeds --time-limit.
    #[arg(long)]
    pub ignore_time_check: bool,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Population sizes, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1000000,10000000")]
    pub persons: Vec<u64>,
    /// Presets to run, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    pub presets: Vec<String>,
    /// Horizon in years (default: each preset's own).
    #[arg(long)]
    pub years: Option<u32>,
    /// Thread counts to try, comma-separated (default: one per core).
    #[arg(long, value_delimiter = ',')]
    pub threads: Vec<usize>,
    /// Also time each run without the audit, to show what the audit costs.
    #[arg(long)]
    pub compare_audit: bool,
    /// Also write the persons table, as `credsim run` does by default (its Parquet
    /// writer then competes with the simulation for the cores). Without it the
    /// figures are the simulation's alone.
    #[arg(long)]
    pub with_persons_table: bool,
}
