//! Writing a run's outputs: a new folder, filled under a temporary name and renamed
//! into place only when complete, so no half-written folder ever looks finished.

use crate::CliError;
use credsim_engine::Outcome;
use credsim_engine::summary::{Cell, Summary, Table};
use credsim_model::{Loaded, Model};
use serde::Serialize;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Default parent folder of run outputs.
pub const DEFAULT_ROOT: &str = "credsim-out";

/// Where a run's outputs go.
pub struct Target {
    folder: PathBuf,
    replace: bool,
}

impl Target {
    /// `--out DIR` exactly (refusing an existing folder without `--force`), or the first
    /// free `credsim-out/<scenario>-seed<seed>-NNN`.
    pub fn choose(out: Option<&Path>, model: &Model, force: bool) -> Result<Target, CliError> {
        if let Some(dir) = out {
            let exists = dir.exists();
            if exists && !force {
                return Err(CliError::Usage(format!(
                    "output folder `{}` already exists; choose another --out, or add --force to replace it",
                    dir.display()
                )));
            }
            if exists && !dir.is_dir() {
                return Err(CliError::Usage(format!(
                    "`{}` exists and is not a folder; --force replaces folders only",
                    dir.display()
                )));
            }
            return Ok(Target {
                folder: dir.to_path_buf(),
                replace: exists,
            });
        }
        let root = Path::new(DEFAULT_ROOT);
        for n in 1..10_000 {
            let folder = root.join(format!("{}-seed{}-{n:03}", model.name, model.seed));
            if !folder.exists() {
                return Ok(Target {
                    folder,
                    replace: false,
                });
            }
        }
        Err(CliError::Output(format!(
            "no free output folder name under `{DEFAULT_ROOT}`; clean it up or use --out"
        )))
    }

    /// Creates the temporary sibling folder the run's files are written into.
    pub fn stage(self) -> Result<Staging, CliError> {
        let parent = match self.folder.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(|e| io("create folder", &parent, e))?;
        let name = self
            .folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "credsim-run".into());
        let tmp = parent.join(format!(".{name}.partial-{}", std::process::id()));
        let _ = fs::remove_dir_all(&tmp);
        fs::create_dir(&tmp).map_err(|e| io("create folder", &tmp, e))?;
        Ok(Staging {
            target: self,
            parent,
            name,
            tmp,
            committed: false,
        })
    }
}

fn io(what: &str, path: &Path, e: std::io::Error) -> CliError {
    CliError::Output(format!("cannot {what} `{}`: {e}", path.display()))
}

/// A run's outputs being written: a temporary folder that becomes the output folder
/// on [`Staging::commit`], and is removed if the run fails or is interrupted.
pub struct Staging {
    target: Target,
    parent: PathBuf,
    name: String,
    tmp: PathBuf,
    committed: bool,
}

impl Staging {
    /// Where a file of the run goes while the run is in progress.
    pub fn path(&self, file: &str) -> PathBuf {
        self.tmp.join(file)
    }

    /// Writes the summary files and the report (from these values, not from the files),
    /// then renames the folder into place.
    pub fn commit(
        mut self,
        loaded: &Loaded,
        summary: &Summary,
        audit: Option<&credsim_engine::Audit>,
        series: &Table,
        info: &RunInfo,
    ) -> Result<PathBuf, CliError> {
        let tmp = self.tmp.clone();
        write_file(&tmp.join("summary.json"), &json(summary)?)?;
        write_file(&tmp.join("run.json"), &json(info)?)?;
        if let Some(a) = audit {
            write_file(&tmp.join("audit.json"), &json(a)?)?;
        }
        write_file(&tmp.join("timeseries.csv"), &csv(series, info).into_bytes())?;
        credsim_tables::write_timeseries(
            &tmp.join("timeseries.parquet"),
            series,
            &credsim_tables::Provenance::of(&loaded.model),
        )
        .map_err(|e| CliError::Output(e.to_string()))?;
        let toml = scenario_toml(loaded);
        write_file(&tmp.join("scenario.toml"), toml.as_bytes())?;
        let report = crate::report::Inputs {
            summary,
            audit,
            series,
            scenario: Some((&loaded.scenario, &toml)),
        };
        crate::report::write(&tmp, &report)?;
        let folder = self.target.folder.clone();
        if self.target.replace {
            let old = self
                .parent
                .join(format!(".{}.old-{}", self.name, std::process::id()));
            fs::rename(&folder, &old).map_err(|e| io("move aside", &folder, e))?;
            fs::rename(&tmp, &folder).map_err(|e| io("rename into place", &folder, e))?;
            let _ = fs::remove_dir_all(&old);
        } else {
            fs::rename(&tmp, &folder).map_err(|e| io("rename into place", &folder, e))?;
        }
        self.committed = true;
        Ok(folder)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// `scenario.toml`: the resolved scenario under a comment naming what ran it.
fn scenario_toml(loaded: &Loaded) -> String {
    format!(
        "# Resolved scenario (every default filled in) as run by credsim {}.\n# Scenario hash {}.\n{}",
        credsim_engine::VERSION,
        loaded.model.hash,
        credsim_model::to_toml(&loaded.scenario)
    )
}

fn json<T: Serialize>(value: &T) -> Result<Vec<u8>, CliError> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| CliError::Output(format!("cannot encode JSON: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let mut f = fs::File::create(path)
        .map_err(|e| CliError::Output(format!("cannot create `{}`: {e}", path.display())))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(|e| CliError::Output(format!("cannot write `{}`: {e}", path.display())))
}

/// The time series as CSV, with a comment line naming what produced it.
pub fn csv(table: &Table, info: &RunInfo) -> String {
    let mut out = format!(
        "# credsim {} scenario {} (hash {}) seed {}\n",
        info.credsim_version, info.scenario, info.scenario_hash, info.seed
    );
    out.push_str(&table.columns.join(","));
    out.push('\n');
    for row in &table.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Int(v) => v.to_string(),
                Cell::Float(v) => format!("{v}"),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// `run.json`: how this run went (varies between identical runs, unlike summary.json).
#[derive(Debug, Serialize)]
pub struct RunInfo {
    /// credsim version.
    pub credsim_version: String,
    /// Scenario name.
    pub scenario: String,
    /// Scenario hash.
    pub scenario_hash: String,
    /// Seed.
    pub seed: u64,
    /// Persons.
    pub persons: u64,
    /// Horizon in days.
    pub days: u32,
    /// Worker threads.
    pub threads: usize,
    /// Wall time of the simulation in seconds (excluding writing outputs).
    pub wall_seconds: f64,
    /// Events processed by the engine.
    pub events: u64,
    /// Events per second of wall time.
    pub events_per_second: f64,
    /// Person-years simulated per second of wall time.
    pub person_years_per_second: f64,
    /// Chunks the population was cut into.
    pub chunks: usize,
    /// Peak resident memory of the process in bytes (Linux; null elsewhere).
    pub peak_rss_bytes: Option<u64>,
    /// Memory estimate made before the run, in bytes.
    pub estimated_bytes: u64,
    /// Operating system and CPU architecture.
    pub host: String,
    /// Logical CPUs of the machine.
    pub cpus: usize,
    /// Seconds since the Unix epoch when the run finished.
    pub finished_unix: u64,
}

impl RunInfo {
    /// Facts about a finished run.
    pub fn new(
        model: &Model,
        outcome: &Outcome,
        wall: f64,
        threads: usize,
        table: credsim_engine::PersonsTable,
    ) -> RunInfo {
        let person_years = model.persons as f64 * model.days as f64 / 365.0;
        RunInfo {
            credsim_version: credsim_engine::VERSION.to_string(),
            scenario: model.name.clone(),
            scenario_hash: model.hash.clone(),
            seed: model.seed,
            persons: model.persons,
            days: model.days,
            threads,
            wall_seconds: wall,
            events: outcome.tally.events,
            events_per_second: outcome.tally.events as f64 / wall.max(1e-9),
            person_years_per_second: person_years / wall.max(1e-9),
            chunks: outcome.chunks,
            peak_rss_bytes: peak_rss(),
            estimated_bytes: credsim_engine::sim::MemoryEstimate::for_run(
                model,
                threads,
                outcome.audit.is_some(),
            )
            .total()
                + persons_table_bytes(table, model.persons),
            host: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            finished_unix: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        }
    }
}

/// Peak resident memory (VmHWM) of this process, on Linux.
pub fn peak_rss() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Memory available to new processes (MemAvailable), on Linux.
fn available_memory() -> Option<u64> {
    let info = fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Bytes the persons-table writer holds at most: the row group in progress (up to 2²⁰
/// rows) at 140 bytes a row (the national run held 138 MB for its 1,000,788 sampled rows).
pub fn persons_table_bytes(table: credsim_engine::PersonsTable, persons: u64) -> u64 {
    let rows = match table {
        credsim_engine::PersonsTable::None => 0.0,
        credsim_engine::PersonsTable::Full => persons as f64,
        credsim_engine::PersonsTable::Sample(p) => p * persons as f64,
    };
    (rows.min((1u64 << 20) as f64) * 140.0) as u64
}

/// Refuses a run whose memory estimate exceeds 90% of the available memory.
pub fn check_memory(
    model: &Model,
    threads: usize,
    audit: bool,
    table: credsim_engine::PersonsTable,
    limit_gib: Option<f64>,
    ignore: bool,
) -> Result<(), CliError> {
    let mut estimate = credsim_engine::sim::MemoryEstimate::for_run(model, threads, audit);
    estimate.in_flight += persons_table_bytes(table, model.persons);
    let need = estimate.total();
    let limit = limit_gib.map(|g| (g.max(0.0) * 1073741824.0) as u64);
    let Some(have) = limit.or_else(available_memory) else {
        return Ok(());
    };
    if ignore || (need as f64) < 0.9 * have as f64 {
        return Ok(());
    }
    let gib = |b: f64| b / 1073741824.0;
    let room = 0.9 * have as f64 - estimate.in_flight as f64;
    let fits = (room.max(0.0) / estimate.persistent_per_person) as u64;
    let why = if estimate.coupled {
        format!(
            "; this scenario has appeals with a capacity, chilling or contacts triggers, which couple \
             the whole population, so every person's state stays in memory{}",
            if audit {
                " (--no-audit keeps only the factual run's)"
            } else {
                ""
            }
        )
    } else {
        String::new()
    };
    Err(CliError::TooBig(format!(
        "this run needs about {:.1} GiB ({:.1} bytes per person × {} persons, plus {:.2} GiB for the chunks in flight and the persons-table writer) \
         but only {:.1} GiB is available (--memory-limit); run with --persons {fits} or fewer, or free memory \
         (--ignore-memory-check runs anyway){why}",
        gib(need as f64),
        estimate.persistent_per_person,
        model.persons,
        gib(estimate.in_flight as f64),
        gib(have as f64),
    )))
}

/// Estimated times above this many seconds are printed before the run.
pub const ANNOUNCE_SECONDS: f64 = 60.0;

/// A duration for people: seconds, minutes, hours or days.
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "forever".into();
    }
    match seconds {
        s if s < 90.0 => format!("{s:.0} s"),
        s if s < 5400.0 => format!("{:.0} min", s / 60.0),
        s if s < 172_800.0 => format!("{:.1} h", s / 3600.0),
        s if s < 3.15e9 => format!("{:.1} days", s / 86400.0),
        s => format!("{:.1e} years", s / 3.15e7),
    }
}

/// Estimates the run's time: refuses the run when the estimate exceeds
/// `limit_minutes` (unless `ignore`); otherwise returns the notice to print before the
/// run when the estimate exceeds [`ANNOUNCE_SECONDS`].
pub fn check_time(
    model: &Model,
    threads: usize,
    audit: bool,
    limit_minutes: f64,
    ignore: bool,
) -> Result<Option<String>, CliError> {
    let e = credsim_engine::CostEstimate::for_run(model, threads, audit);
    let what = format!(
        "{:.2e} events (acts {:.2e}, records {:.2e}) over {} persons × {} years{}, on {} core{}",
        e.events,
        e.acts,
        e.records,
        model.persons,
        (model.days as f64 / 365.0 * 100.0).round() / 100.0,
        if e.counterfactuals > 0 {
            format!(", with the audit's {} counterfactuals", e.counterfactuals)
        } else {
            String::new()
        },
        e.cores,
        if e.cores == 1.0 { "" } else { "s" },
    );
    let limit = limit_minutes.max(0.0) * 60.0;
    if ignore || e.seconds <= limit {
        return Ok((e.seconds > ANNOUNCE_SECONDS).then(|| {
            format!(
                "estimated time: about {} ({what}; the estimate may be off by a factor of 3; Ctrl-C stops the run)",
                duration(e.seconds)
            )
        }));
    }
    // Time grows about linearly with persons and years.
    let share = limit / e.seconds;
    let persons = (model.persons as f64 * share).floor() as u64;
    let smaller = if persons >= 1 {
        format!("run with --persons {persons} or fewer, or fewer --years")
    } else {
        "this scenario's rates give too many events even for one person: lower them".into()
    };
    let no_audit = if audit && e.counterfactuals > 0 {
        let without = credsim_engine::CostEstimate::for_run(model, threads, false).seconds;
        format!(", or --no-audit (about {})", duration(without))
    } else {
        String::new()
    };
    Err(CliError::TooBig(format!(
        "this run would take about {} ({what}), more than the limit of {} (--time-limit {limit_minutes}); \
         {smaller}{no_audit}, or raise --time-limit (--ignore-time-check runs anyway)",
        duration(e.seconds),
        duration(limit),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use credsim_engine::PersonsTable;

    /// The persons-table writer holds one row group at most: the sample's rows below
    /// 2²⁰, 2²⁰ rows above, nothing without a table.
    #[test]
    fn persons_table_memory_is_one_row_group_at_most() {
        let national = 1_412_000_000u64;
        let sample = PersonsTable::Sample(1_000_000.0 / national as f64);
        let b = persons_table_bytes(sample, national);
        assert!((b as f64 - 140e6).abs() < 1e3, "{b}");
        assert_eq!(
            persons_table_bytes(PersonsTable::Full, 10_000_000),
            (1 << 20) * 140
        );
        assert_eq!(persons_table_bytes(PersonsTable::Full, 1000), 140_000);
        assert_eq!(persons_table_bytes(PersonsTable::None, national), 0);
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration(42.4), "42 s");
        assert_eq!(duration(600.0), "10 min");
        assert_eq!(duration(7200.0), "2.0 h");
        assert_eq!(duration(864000.0), "10.0 days");
        assert_eq!(duration(f64::INFINITY), "forever");
        assert!(duration(1e12).ends_with("years"));
    }

    fn preset(name: &str, persons: Option<u64>) -> Model {
        let o = credsim_model::Overrides {
            persons,
            ..Default::default()
        };
        match credsim_model::presets::load(name, &o) {
            Ok(l) => l.model,
            Err(e) => panic!("{e}"),
        }
    }

    /// Every preset at its own size runs without a notice or a refusal, on one thread
    /// or two, with or without the audit.
    #[test]
    fn presets_at_their_size_are_neither_announced_nor_refused() {
        for p in credsim_model::presets::ALL {
            let m = preset(p.name, None);
            for threads in [1, 2] {
                for audit in [true, false] {
                    match check_time(&m, threads, audit, 60.0, false) {
                        Ok(None) => {}
                        Ok(Some(n)) => panic!("{}: announced: {n}", p.name),
                        Err(e) => panic!("{}: refused: {e}", p.name),
                    }
                }
            }
        }
    }

    /// The `--persons 2000000000` typo: announced with its estimate, refused under a
    /// limit below it, run anyway with --ignore-time-check.
    #[test]
    fn a_long_run_is_announced_and_refused_beyond_the_limit() {
        let m = preset("suining-2010", Some(2_000_000_000));
        let notice = check_time(&m, 2, true, 1e6, false)
            .ok()
            .flatten()
            .unwrap_or_default();
        assert!(
            notice.starts_with("estimated time: about ") && notice.contains("2000000000 persons"),
            "{notice}"
        );
        let err = match check_time(&m, 2, true, 1.0, false) {
            Err(e) => e.to_string(),
            Ok(n) => panic!("not refused: {n:?}"),
        };
        for part in [
            "would take about",
            "--persons",
            "--no-audit",
            "--time-limit",
            "--ignore-time-check",
        ] {
            assert!(err.contains(part), "{part}: {err}");
        }
        assert!(check_time(&m, 2, true, 1.0, true).is_ok());
    }
}
