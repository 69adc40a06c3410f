//! `credsim bench`: runs presets at several sizes, each in its own child process (so
//! peak memory is per run), and prints a table read from each run's `run.json`.

use crate::CliError;
use crate::args::BenchArgs;
use crate::fmt::thousands;
use crate::term::outln;
use credsim_model::presets;
use std::process::Command;

/// Runs the benchmark matrix and prints one row per run.
pub fn run(args: BenchArgs) -> Result<(), CliError> {
    let exe = std::env::current_exe()
        .map_err(|e| CliError::Output(format!("cannot find the credsim executable: {e}")))?;
    let names: Vec<String> = if args.presets.is_empty() {
        presets::ALL.iter().map(|p| p.name.to_string()).collect()
    } else {
        args.presets.clone()
    };
    for n in &names {
        presets::find(n)?;
    }
    let threads: Vec<Option<usize>> = if args.threads.is_empty() {
        vec![None]
    } else {
        args.threads.iter().map(|&t| Some(t)).collect()
    };
    let scratch = std::env::temp_dir().join(format!("credsim-bench-{}", std::process::id()));
    outln!(
        "{:<18} {:>14} {:>5} {:>7} {:>9} {:>16} {:>14} {:>10} {:>10} {:>8} {:>7}",
        "preset",
        "persons",
        "years",
        "threads",
        "wall s",
        "person-years/s",
        "events/s",
        "events",
        "peak RSS",
        "B/person",
        if args.compare_audit { "audit" } else { "" }
    );
    for name in &names {
        for &persons in &args.persons {
            for &t in &threads {
                let out = scratch.join(format!("{name}-{persons}-{}", t.unwrap_or(0)));
                let Some(info) = child(&exe, name, persons, t, &args, &out, false)? else {
                    outln!("{name:<18} {persons:>14} run failed");
                    continue;
                };
                let f = |k: &str| info[k].as_f64().unwrap_or(f64::NAN);
                let rss = f("peak_rss_bytes");
                let audit = if args.compare_audit {
                    child(&exe, name, persons, t, &args, &out, true)?
                        .and_then(|plain| plain["wall_seconds"].as_f64())
                        .map_or("n/a".to_string(), |w| {
                            format!("×{:.2}", f("wall_seconds") / w)
                        })
                } else {
                    String::new()
                };
                outln!(
                    "{:<18} {:>14} {:>5.1} {:>7} {:>9.2} {:>16} {:>14} {:>10} {:>9.3}G {:>8.1} {:>7}",
                    name,
                    thousands(persons),
                    f("days") / 365.0,
                    f("threads"),
                    f("wall_seconds"),
                    thousands(f("person_years_per_second") as u64),
                    thousands(f("events_per_second") as u64),
                    thousands(f("events") as u64),
                    rss / 1073741824.0,
                    rss / persons as f64,
                    audit
                );
                let _ = std::fs::remove_dir_all(&out);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}

/// Runs one benchmark child (`--no-audit` when `plain`) and returns its run.json.
fn child(
    exe: &std::path::Path,
    name: &str,
    persons: u64,
    threads: Option<usize>,
    args: &BenchArgs,
    out: &std::path::Path,
    plain: bool,
) -> Result<Option<serde_json::Value>, CliError> {
    let mut cmd = Command::new(exe);
    cmd.args(["run", "--quiet", "--preset", name, "--force"])
        .arg("--persons")
        .arg(persons.to_string())
        .arg("--out")
        .arg(out);
    if let Some(y) = args.years {
        cmd.arg("--years").arg(y.to_string());
    }
    if !args.with_persons_table {
        cmd.args(["--persons-table", "none"]);
    }
    if let Some(t) = threads {
        cmd.arg("--threads").arg(t.to_string());
    }
    if plain {
        cmd.arg("--no-audit");
    }
    let status = cmd
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| CliError::Output(format!("cannot start a benchmark run: {e}")))?;
    if !status.success() {
        return Ok(None);
    }
    Ok(std::fs::read(out.join("run.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok()))
}
