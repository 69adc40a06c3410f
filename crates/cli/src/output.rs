//! Writing a run's outputs: a new folder, filled under a temporary name and renamed
//! into place only when complete, so no half-written folder ever looks finished.

use crate::CliError;
use credsim_engine::Outcome;
use credsim_engine::summary::{Cell, Summary, Table};
use credsim_model::{Loaded, Model, Overrides};
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
        Target::choose_named(out, &format!("{}-seed{}", model.name, model.seed), force)
    }

    /// `--out DIR` exactly (refusing an existing folder without `--force`), or the first
    /// free `credsim-out/<stem>-NNN`.
    pub fn choose_named(out: Option<&Path>, stem: &str, force: bool) -> Result<Target, CliError> {
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
        Target::numbered(stem)
    }

    /// The first free `credsim-out/<stem>-NNN`.
    fn numbered(stem: &str) -> Result<Target, CliError> {
        let root = Path::new(DEFAULT_ROOT);
        for n in 1..10_000 {
            let folder = root.join(format!("{stem}-{n:03}"));
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
        clean_leftovers(&parent);
        let name = self
            .folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "credsim-run".into());
        let tmp = parent.join(format!(".{name}.partial-{}", std::process::id()));
        let _ = fs::remove_dir_all(&tmp);
        fs::create_dir(&tmp).map_err(|e| io("create folder", &tmp, e))?;
        let mark = format!("{} {}\n", host(), std::process::id());
        fs::write(tmp.join(STAGING_MARK), mark).map_err(|e| io("write", &tmp, e))?;
        Ok(Staging {
            target: self,
            parent,
            name,
            tmp,
            committed: false,
        })
    }
}

/// The file credsim writes into every staging folder: `host PID`, so that a later run
/// can tell its own leftovers from anything else with a similar name.
const STAGING_MARK: &str = ".credsim-staging";

/// This machine's name (`/proc/sys/kernel/hostname`, or `HOSTNAME`; empty if unknown).
fn host() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}

/// Cleans up after runs killed without a chance to clean up (SIGKILL, power loss), in
/// `parent`. Removes a `.NAME.partial-PID` folder only when it holds credsim's staging
/// mark naming this host and a PID that no longer runs here (`/proc/PID`, Linux), so
/// nothing credsim did not create, and no run of another machine sharing the folder, is
/// touched. A `.NAME.old-PID` folder (a replaced output moved aside by a run that died
/// before finishing) is never removed: its path is printed so that the user can restore
/// or delete it.
fn clean_leftovers(parent: &Path) {
    if !cfg!(target_os = "linux") {
        return;
    }
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let here = host();
    let mut removed = 0;
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some((name, kind, pid)) = leftover(&file) else {
            continue;
        };
        let path = entry.path();
        let dead = pid != std::process::id() && !Path::new("/proc").join(pid.to_string()).exists();
        let mark = fs::read_to_string(path.join(STAGING_MARK)).ok();
        let ours = mark.as_deref().map(str::trim) == Some(&format!("{here} {pid}"));
        match kind {
            "partial" if dead && ours => removed += fs::remove_dir_all(&path).is_ok() as usize,
            "old" if dead && path.join("run.json").exists() => eprintln!(
                "note: `{}` is an earlier output moved aside by a --force run that did not                  finish; restore it with `mv '{}' '{}'` or delete it",
                path.display(),
                path.display(),
                parent.join(name).display()
            ),
            _ => {}
        }
    }
    if removed > 0 {
        eprintln!(
            "note: removed {removed} unfinished output folder(s) of killed runs from `{}`",
            parent.display()
        );
    }
}

/// `.NAME.partial-PID` or `.NAME.old-PID` as (NAME, "partial" or "old", PID).
fn leftover(file: &str) -> Option<(&str, &str, u32)> {
    let rest = file.strip_prefix('.')?;
    let (stem, pid) = rest.rsplit_once('-')?;
    let pid: u32 = pid.parse().ok()?;
    let (name, kind) = stem.rsplit_once('.')?;
    (matches!(kind, "partial" | "old") && !name.is_empty()).then_some((name, kind, pid))
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
        self,
        loaded: &Loaded,
        overrides: &Overrides,
        summary: &Summary,
        audit: Option<&credsim_engine::Audit>,
        series: &Table,
        info: &RunInfo,
    ) -> Result<PathBuf, CliError> {
        let tmp = self.tmp.clone();
        write_file(&tmp.join("summary.json"), &json(summary)?)?;
        write_file(&tmp.join("run.json"), &json(info)?)?;
        if let Some(a) = audit {
            write_file(&tmp.join("audit.json"), &one_line_replicates(&json(a)?))?;
        }
        write_file(&tmp.join("timeseries.csv"), &csv(series).into_bytes())?;
        credsim_tables::write_timeseries(
            &tmp.join("timeseries.parquet"),
            series,
            &credsim_tables::Provenance::of(&loaded.model),
        )
        .map_err(|e| CliError::Output(e.to_string()))?;
        let as_written = scenario_as_written(loaded, overrides);
        write_file(&tmp.join(SCENARIO), as_written.as_bytes())?;
        write_file(&tmp.join(RESOLVED), scenario_resolved(loaded).as_bytes())?;
        let report = crate::report::Inputs {
            summary,
            audit,
            series,
            scenario: Some((&loaded.scenario, &as_written)),
        };
        crate::report::write(&tmp, &report)?;
        self.finish()
    }

    /// Renames the folder into place, its files written (a replicate set: its runs and
    /// pooled.json).
    pub fn finish(mut self) -> Result<PathBuf, CliError> {
        let tmp = self.tmp.clone();
        // Complete: no longer a staging folder.
        fs::remove_file(tmp.join(STAGING_MARK)).map_err(|e| io("finish", &tmp, e))?;
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

/// The run folder's scenario as written (comments kept).
pub const SCENARIO: &str = "scenario.toml";
/// The run folder's resolved scenario (every default filled in, overrides applied).
pub const RESOLVED: &str = "scenario.resolved.toml";

/// The command-line overrides as arguments (`--set 'P=V' --persons N --years Y --seed
/// S`, quoted for a POSIX shell), empty when there are none.
pub fn override_args(o: &Overrides) -> String {
    let mut args: Vec<String> = o
        .sets
        .iter()
        .map(|s| format!("--set '{}'", s.arg().replace('\'', "'\\''")))
        .collect();
    if let Some(p) = o.persons {
        args.push(format!("--persons {p}"));
    }
    if let Some(y) = o.years {
        args.push(format!("--years {y}"));
    }
    if let Some(s) = o.seed {
        args.push(format!("--seed {s}"));
    }
    args.join(" ")
}

/// `scenario.toml`: the text as written, every comment kept, under comment lines that
/// name the overrides applied (the text does not show them) and the resolved file.
fn scenario_as_written(loaded: &Loaded, overrides: &Overrides) -> String {
    let args = override_args(overrides);
    let (how, command) = if args.is_empty() {
        (
            "with no command-line overrides".to_string(),
            format!("credsim run {SCENARIO}"),
        )
    } else {
        (
            format!("with the command-line overrides {args}, which this text does not show"),
            format!("credsim run {SCENARIO} {args}"),
        )
    };
    let mut text = format!(
        "# The scenario as written (comments kept), run by credsim {} {how}.\n\
         # `{command}` reproduces the run; {RESOLVED} is what ran, every default filled in (scenario hash {}).\n",
        credsim_engine::VERSION,
        loaded.model.hash,
    );
    text.push_str(&loaded.text);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// `scenario.resolved.toml`: the resolved scenario under a comment naming what ran it.
fn scenario_resolved(loaded: &Loaded) -> String {
    format!(
        "# Resolved scenario (every default filled in, command-line overrides applied) as run by credsim {}.\n\
         # Scenario hash {}. Comments, sources and assumption labels: {SCENARIO}.\n{}",
        credsim_engine::VERSION,
        loaded.model.hash,
        credsim_model::to_toml(&loaded.scenario)
    )
}

/// Where `credsim compare` writes its page: `--out FILE` exactly, or the first free
/// `credsim-out/comparison-NNN.html` (the folder is created).
pub fn comparison_file(out: Option<&Path>) -> Result<PathBuf, CliError> {
    if let Some(file) = out {
        if file.is_dir() {
            return Err(CliError::Usage(format!(
                "--out `{}` is a folder; give the path of the HTML file to write",
                file.display()
            )));
        }
        return Ok(file.to_path_buf());
    }
    let root = Path::new(DEFAULT_ROOT);
    fs::create_dir_all(root).map_err(|e| io("create folder", root, e))?;
    (1..10_000)
        .map(|n| root.join(format!("comparison-{n:03}.html")))
        .find(|f| !f.exists())
        .ok_or_else(|| {
            CliError::Output(format!(
                "no free comparison file name under `{DEFAULT_ROOT}`; clean it up or use --out"
            ))
        })
}

fn json<T: Serialize>(value: &T) -> Result<Vec<u8>, CliError> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| CliError::Output(format!("cannot encode JSON: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// audit.json with each estimate's `replicates` on one line (pretty JSON gives every
/// number its own line, which would bury the measures under 20 lines each).
fn one_line_replicates(pretty: &[u8]) -> Vec<u8> {
    const KEY: &[u8] = b"\"replicates\": [";
    let mut out = Vec::with_capacity(pretty.len());
    let mut i = 0;
    while i < pretty.len() {
        // Only an array of plain numbers (an attribute could be named `replicates`).
        let numbers = |from: usize| {
            pretty[from..]
                .iter()
                .take_while(|&&b| b != b']')
                .all(|b| b.is_ascii_digit() || b" \n,.-+eE".contains(b))
        };
        if pretty[i..].starts_with(KEY) && numbers(i + KEY.len()) {
            out.extend_from_slice(KEY);
            i += KEY.len();
            let mut first = true;
            while i < pretty.len() && pretty[i] != b']' {
                let start = i;
                while i < pretty.len() && !matches!(pretty[i], b',' | b']' | b'\n' | b' ') {
                    i += 1;
                }
                if i > start {
                    if !first {
                        out.extend_from_slice(b", ");
                    }
                    out.extend_from_slice(&pretty[start..i]);
                    first = false;
                }
                if i < pretty.len() && pretty[i] != b']' {
                    i += 1;
                }
            }
        } else {
            out.push(pretty[i]);
            i += 1;
        }
    }
    out
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let mut f = fs::File::create(path)
        .map_err(|e| CliError::Output(format!("cannot create `{}`: {e}", path.display())))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(|e| CliError::Output(format!("cannot write `{}`: {e}", path.display())))
}

/// The time series as CSV: the header, then one line per row. Its provenance (version,
/// scenario, hash, seed) is in summary.json and run.json beside it, so that default CSV
/// readers see the header on the first line.
pub fn csv(table: &Table) -> String {
    let mut out = table.columns.join(",");
    out.push('\n');
    for row in &table.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Int(v) => v.to_string(),
                Cell::Float(v) => format!("{v}"),
                Cell::Date(v) => {
                    credsim_model::calendar::Date::from_days(i64::from(*v)).to_string()
                }
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
    /// The command-line overrides, as arguments (empty: none; `--set`s first, in order).
    pub overrides: String,
}

impl RunInfo {
    /// Facts about a finished run.
    pub fn new(
        model: &Model,
        outcome: &Outcome,
        wall: f64,
        threads: usize,
        table: credsim_engine::PersonsTable,
        overrides: &Overrides,
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
            overrides: override_args(overrides),
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
pub fn available_memory() -> Option<u64> {
    let info = fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The persons table's name in summary.json and the Parquet metadata: `none`, `full` or
/// `sample:P` (P the probability of each person).
pub fn persons_table_name(table: credsim_engine::PersonsTable) -> String {
    match table {
        credsim_engine::PersonsTable::None => "none".into(),
        credsim_engine::PersonsTable::Full => "full".into(),
        credsim_engine::PersonsTable::Sample(p) => format!("sample:{p}"),
    }
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
    let advice = if fits >= 1 {
        format!("run with --persons {fits} or fewer, or free memory")
    } else {
        "no population size fits in what is available: free memory or raise --memory-limit"
            .to_string()
    };
    Err(CliError::TooBig(format!(
        "this run needs about {:.1} GiB ({:.1} bytes per person × {} persons, plus {:.2} GiB for the chunks in flight and the persons-table writer) \
         but only {:.1} GiB is available (--memory-limit); {advice} \
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

    #[test]
    fn replicates_on_one_line_and_the_json_unchanged() {
        let v = serde_json::json!({"a": {"value": 1.5, "replicates": [1.0, -2.5e-7, 3.0]}, "m": [[1, 2]]});
        let pretty = json(&v).expect("encodes");
        let one = one_line_replicates(&pretty);
        let text = String::from_utf8(one.clone()).expect("utf-8");
        assert!(
            text.contains("\"replicates\": [1.0, -2.5e-7, 3.0]"),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_slice(&one).expect("still JSON");
        assert_eq!(back, v);
        // Other arrays keep their layout.
        assert!(text.contains("\"m\": [\n    [\n      1,"), "{text}");
        // An attribute named `replicates` (an array of objects) is left as it is.
        let v = serde_json::json!({"replicates": [{"category": "a", "x": [1]}], "b": 2});
        let one = one_line_replicates(&json(&v).expect("encodes"));
        let back: serde_json::Value = serde_json::from_slice(&one).expect("still JSON");
        assert_eq!(back, v);
    }

    #[test]
    fn leftover_names_are_recognised() {
        assert_eq!(
            leftover(".suining-2010-seed1-001.partial-4242"),
            Some(("suining-2010-seed1-001", "partial", 4242))
        );
        assert_eq!(leftover(".out.old-7"), Some(("out", "old", 7)));
        assert_eq!(leftover(".out.partial-x"), None);
        assert_eq!(leftover("out.partial-7"), None);
        assert_eq!(leftover(".gitignore"), None);
    }

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
