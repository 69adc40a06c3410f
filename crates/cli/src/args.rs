//! Command-line arguments (clap): what each subcommand and option means.

use crate::fmt::thousands;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// credsim simulates a social-scoring regime (points, grades, black and red lists,
/// joint punishment) on a synthetic population and measures what it does to people.
///
/// It never uses data about real persons: populations are built from parameters.
///
/// Start with `credsim run` (the default preset, suining-2010, 1,000,000 people,
/// 10 years), `credsim presets` to see the others, and `credsim show --preset NAME`
/// to read a scenario as written, with the source or assumption behind each number.
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
    /// scenario.toml (the scenario as written, comments kept, under a line naming the
    /// command-line overrides), scenario.resolved.toml (every default filled in, overrides
    /// applied: what ran) and run.json (wall time, threads, host).
    Run(RunArgs),
    /// List the built-in presets, one line each.
    Presets,
    /// Check scenario files and report every problem with file, line and field.
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print a scenario as written, every comment (each number's source or `assumption`
    /// label) kept; it is checked first. With --resolved, print it with every default
    /// filled in instead: exactly what will run.
    ///
    /// `credsim show --preset NAME > my.toml` starts a scenario of your own that keeps
    /// the preset's sources.
    Show {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// Print the resolved scenario (every default filled in; comments dropped).
        #[arg(long)]
        resolved: bool,
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
    /// exceed sampling error; writes an HTML page, by default the first free
    /// credsim-out/comparison-NNN.html.
    ///
    /// Example: the three presets, or one scenario with and without joint punishment.
    Compare {
        /// Output folders of `credsim run` (the first is the reference).
        #[arg(required = true, num_args = 2..)]
        folders: Vec<PathBuf>,
        /// Where to write the HTML comparison (a file; replaced if it exists).
        /// Default: a new numbered credsim-out/comparison-NNN.html.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Run a scenario over a design of parameter values and replicates (docs/sweep.md).
    ///
    /// SPEC.toml names a base scenario or preset, the parameters by key path (as
    /// `credsim run --set` takes them) with values, a range or a distribution, a design
    /// (grid, random, lhs, sobol, morris), replicates and seeds. The sweep folder
    /// (default credsim-out/sweep-<spec name>) holds sweep.json, design.parquet (one row
    /// per run), status.jsonl, parts/ and, once every run has succeeded or failed,
    /// results.parquet (run_id, measure, value, se: every summary and audit number).
    /// Runs go in parallel across the cores. Restarting the same command on the same
    /// folder skips the runs already done (Ctrl-C stops cleanly); a failing run is
    /// recorded with its error and the others go on; --shard I/N runs one slice, for
    /// job arrays, and the last shard to finish writes results.parquet.
    Sweep(SweepArgs),
    /// Measure speed and memory on the presets at several population sizes.
    ///
    /// Prints one row per run: persons, years, wall seconds, person-years per second,
    /// events per second, peak resident memory and bytes per person. Writes no outputs.
    Bench(BenchArgs),
    /// Sensitivity indices of every measure of a finished `sobol` or `morris` sweep.
    ///
    /// Sobol' first- and total-order indices (S1, ST) with bootstrap intervals, or Morris
    /// μ* and σ; replicates averaged per design point (and, under common random numbers,
    /// also analysed one by one to show the seeds' influence). Prints the measures
    /// ranked by their largest index and writes sensitivity.json and sensitivity.html
    /// into the sweep folder. See docs/sensitivity.md.
    Sensitivity(crate::sensitivity::SensitivityArgs),
    /// Fit a scenario's unknown parameters to dated published figures by ABC-SMC.
    ///
    /// SPEC.toml names a base scenario or preset, the parameters (scenario key paths, as
    /// `--set`) with priors, and dated targets (a time-series column at a date, with an
    /// observed value, an observation error and a source); see docs/calibration.md.
    /// Writes a new folder (default credsim-out/calibrate-NAME-NNN, atomically):
    /// calibration.json (spec, seed, version, per-generation diagnostics, posterior and
    /// fit tables), posterior.parquet (one row per particle), predictive.parquet (one row
    /// per posterior-predictive run) and fit.html (each target against its simulated
    /// interval). Runs go in parallel: --jobs runs at once, --threads each.
    Calibrate(CalibrateArgs),
}

#[derive(Debug, Clone, Args)]
pub struct CalibrateArgs {
    /// The calibration spec (TOML).
    pub spec: PathBuf,
    /// Output folder (replaced only with --force). Default: a new numbered
    /// credsim-out/calibrate-NAME-NNN.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace an existing --out folder.
    #[arg(long)]
    pub force: bool,
    /// Simulations run at once (default: the cores divided by --threads).
    #[arg(long, value_name = "N", value_parser = jobs)]
    pub jobs: Option<usize>,
    /// Threads per simulation (default 1; runs × threads should not exceed the cores).
    #[arg(long, value_name = "T", value_parser = threads)]
    pub threads: Option<usize>,
    /// Replaces the spec's calibration.persons (e.g. a quick trial at a small size).
    #[arg(long, value_name = "N", value_parser = persons)]
    pub persons: Option<u64>,
    /// Replaces the spec's abc.particles.
    #[arg(long, value_name = "N")]
    pub particles: Option<usize>,
    /// Replaces the spec's abc.max_simulations.
    #[arg(long, value_name = "N")]
    pub max_simulations: Option<u64>,
    /// Replaces the spec's predictive.runs.
    #[arg(long, value_name = "N")]
    pub predictive: Option<usize>,
    /// Replaces the spec's calibration.seed.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Print only the output folder.
    #[arg(long)]
    pub quiet: bool,
}

/// Which scenario to use.
#[derive(Debug, Clone, Args)]
pub struct ScenarioArgs {
    /// Scenario file (TOML). Without it, --preset or the default preset is used.
    pub file: Option<PathBuf>,
    /// A built-in preset (see `credsim presets`).
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Number of persons (replaces the scenario's population.persons), 1 to
    /// 4,000,000,000. Written as TOML writes numbers: 1000000, 1_000_000 or 1e6.
    #[arg(long, value_name = "N", value_parser = persons)]
    pub persons: Option<u64>,
    /// Horizon in years of 365 days (replaces the scenario's simulation.years/days),
    /// 1 to 100.
    #[arg(long, value_name = "Y", value_parser = years)]
    pub years: Option<u32>,
    /// Seed of every random draw (replaces simulation.seed). Same scenario and seed
    /// give bit-identical outputs, whatever the thread count.
    #[arg(long, value_name = "S", value_parser = seed)]
    pub seed: Option<u64>,
    /// Sets one scenario field by its key path, typed and validated like the file
    /// (repeatable, applied in order before --persons/--years/--seed). Tables by key,
    /// elements of an array of tables by id: --set behaviours.petitioning.rate_per_year=0.01,
    /// --set sources.traffic_police.capture.traffic_violation=0.6,
    /// --set 'sources.traffic_police.capture_multipliers={ region = { urban = 1.5, rural = 1 } }'.
    /// The value is TOML (a bare word is a string). scenario.toml names every --set and
    /// scenario.resolved.toml holds the values.
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = set)]
    pub set: Vec<credsim_model::Set>,
    /// Worker threads, at least 1 (default: one per core). Results do not depend on it.
    #[arg(long, value_name = "T", value_parser = threads)]
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
    /// Run R replicates (R ≥ 2): the scenario with R seeds, the first its own seed, the
    /// others derived from it, each in a folder replicate-01 … of the output folder, and
    /// pooled.json: every number of summary.json and every audit estimate as the mean
    /// over the seeds, the standard deviation between them, the mean of the runs' own
    /// standard errors and a t interval (docs/audit.md, "Replicates"). Read the pooled
    /// interval for what the regime does in expectation; one run's interval holds its
    /// population fixed.
    #[arg(long, value_name = "R", value_parser = replicates)]
    pub replicates: Option<u64>,
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

#[derive(Debug, Clone, Args)]
pub struct SweepArgs {
    /// The sweep spec (TOML; docs/sweep.md).
    #[arg(required_unless_present = "collect")]
    pub spec: Option<PathBuf>,
    /// The sweep folder. Default: credsim-out/sweep-<spec file name>. An existing
    /// folder of the same sweep is resumed; one of another sweep is refused.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Delete an existing folder of another sweep (or of this one) and start afresh.
    #[arg(long)]
    pub force: bool,
    /// Number of persons of every run (replaces [base] persons), e.g. to try a spec small.
    #[arg(long, value_name = "N", value_parser = persons)]
    pub persons: Option<u64>,
    /// Horizon in years of every run (replaces [base] years).
    #[arg(long, value_name = "Y", value_parser = years)]
    pub years: Option<u32>,
    /// Run only slice I of N (1 ≤ I ≤ N): the runs whose id is I − 1 modulo N. Every
    /// shard uses the same folder; the last to finish writes results.parquet.
    #[arg(long, value_name = "I/N", value_parser = shard)]
    pub shard: Option<(u64, u64)>,
    /// Runs at a time (default: one per core, or cores / threads per run).
    #[arg(long, value_name = "J", value_parser = threads)]
    pub jobs: Option<usize>,
    /// Threads per run (default: the spec's [runs] threads, else cores / runs at a
    /// time). Results do not depend on it.
    #[arg(long, value_name = "T", value_parser = threads)]
    pub threads: Option<usize>,
    /// Memory all concurrent runs may use together, in GiB (default: the memory
    /// available); a run whose estimate exceeds its share is recorded as failed.
    #[arg(long, value_name = "GIB")]
    pub memory_limit: Option<f64>,
    /// Time one run may take, in minutes (default: the spec's [runs] time_limit, 60);
    /// a run estimated above it is recorded as failed.
    #[arg(long, value_name = "MINUTES")]
    pub time_limit: Option<f64>,
    /// No progress bar or summary (standard output still names the results).
    #[arg(long, short)]
    pub quiet: bool,
    /// Only write results.parquet of a sweep folder whose runs have all succeeded or
    /// failed (e.g. after shards were run elsewhere).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["spec", "out", "force", "shard", "jobs", "threads", "persons", "years"])]
    pub collect: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Population sizes, comma-separated (1_000_000 and 1e6 are accepted).
    #[arg(long, value_delimiter = ',', default_value = "1000000,10000000", value_parser = persons)]
    pub persons: Vec<u64>,
    /// Presets to run, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    pub presets: Vec<String>,
    /// Horizon in years (default: each preset's own).
    #[arg(long, value_parser = years)]
    pub years: Option<u32>,
    /// Thread counts to try, comma-separated (default: one per core).
    #[arg(long, value_delimiter = ',', value_parser = threads)]
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

/// A whole number written as TOML accepts it (`1000000`, `1_000_000`, `0x10`, or a float
/// with a whole value such as `1e6`), between `min` and `max`.
fn whole(s: &str, min: u64, max: u64, what: &str) -> Result<u64, String> {
    let allowed = || {
        format!(
            "{what} must be a whole number from {} to {} (written like 1000000, 1_000_000 or 1e6)",
            thousands(min),
            thousands(max)
        )
    };
    if s.contains(['\n', '\r', '=', '#']) {
        return Err(allowed());
    }
    // Plain digits beyond TOML's 64-bit signed integers (a seed may use all 64 bits).
    if let Ok(n) = s.parse::<u64>() {
        return Some(n)
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(allowed);
    }
    let table: toml::Table = toml::from_str(&format!("v = {s}")).map_err(|_| allowed())?;
    let n = match table.get("v") {
        Some(toml::Value::Integer(i)) => u64::try_from(*i).ok(),
        // Floats only while every whole number is exact (below 2^53).
        Some(toml::Value::Float(f)) if f.fract() == 0.0 && *f >= 0.0 && *f <= 2f64.powi(53) => {
            Some(*f as u64)
        }
        _ => None,
    };
    n.filter(|n| (min..=max).contains(n)).ok_or_else(allowed)
}

/// `--persons`: person ids are 32-bit; the model's limit.
pub fn persons(s: &str) -> Result<u64, String> {
    let max = credsim_model::validate::MAX_PERSONS;
    whole(s, 1, max, "the number of persons").map_err(|e| format!("{e}; person ids are 32-bit"))
}

/// `--replicates R`: 2 to 1,000 runs.
fn replicates(s: &str) -> Result<u64, String> {
    whole(s, 2, 1000, "the number of replicates")
}

/// `--shard I/N`: 1 ≤ I ≤ N.
fn shard(s: &str) -> Result<(u64, u64), String> {
    let bad = || format!("`{s}` is not a shard I/N with 1 ≤ I ≤ N (e.g. --shard 3/10)");
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n) = (i.trim().parse::<u64>(), n.trim().parse::<u64>());
    match (i, n) {
        (Ok(i), Ok(n)) if 1 <= i && i <= n => Ok((i, n)),
        _ => Err(bad()),
    }
}

/// `--set PATH=VALUE`.
fn set(s: &str) -> Result<credsim_model::Set, String> {
    credsim_model::Set::parse(s)
}

/// `--years`: the model's longest horizon.
pub fn years(s: &str) -> Result<u32, String> {
    let max = u64::from(credsim_model::validate::MAX_DAYS / 365);
    whole(s, 1, max, "the horizon in years").map(|y| y as u32)
}

/// `--seed`: any 64-bit number.
pub fn seed(s: &str) -> Result<u64, String> {
    whole(s, 0, u64::MAX, "the seed")
}

/// `--threads`: at least one (leave it out for one per core).
fn jobs(s: &str) -> Result<usize, String> {
    whole(s, 1, 4096, "the number of simulations at once").map(|t| t as usize)
}

pub fn threads(s: &str) -> Result<usize, String> {
    whole(s, 1, 4096, "the number of threads")
        .map(|t| t as usize)
        .map_err(|e| format!("{e}; leave --threads out for one thread per core"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Numbers as TOML writes them; out-of-range and malformed ones refused with the range.
    #[test]
    fn whole_numbers_as_toml_writes_them() {
        assert_eq!(persons("1000000"), Ok(1_000_000));
        assert_eq!(persons("1_000_000"), Ok(1_000_000));
        assert_eq!(persons("1e6"), Ok(1_000_000));
        assert_eq!(persons("2.5e3"), Ok(2_500));
        assert_eq!(persons("0x10"), Ok(16));
        for bad in ["0", "-5", "1.5", "1e10", "abc", "1__0", "1\nx = 2", ""] {
            let e = persons(bad).expect_err(bad);
            assert!(e.contains("from 1 to 4,000,000,000"), "{bad}: {e}");
        }
        assert_eq!(years("10"), Ok(10));
        assert!(years("101").is_err());
        assert!(threads("0").expect_err("0").contains("leave --threads out"));
        assert_eq!(threads("2"), Ok(2));
        assert_eq!(seed("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(shard("2/3"), Ok((2, 3)));
        for bad in ["0/3", "4/3", "1", "a/b", "1/0"] {
            assert!(shard(bad).is_err(), "{bad}");
        }
    }
}
