//! Issue 13: every valid scenario finishes or is refused before it starts. The six
//! scenarios the issue found by mutating a preset's numbers (at 3,000 persons × 2
//! years they validated and then ran for minutes) are each refused at once, and sizes
//! beyond the person ids are refused.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("credsim-hang-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// Runs credsim; the refusals must come within seconds (a run would take minutes).
fn credsim(dir: &Path, args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_credsim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("credsim runs");
    (o, started.elapsed())
}

/// suining-2010 with one number replaced (the first occurrence).
fn mutated(dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    let text = credsim_model::presets::find("suining-2010")
        .expect("preset")
        .toml;
    assert!(text.contains(from), "{from}");
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write scenario");
    path
}

/// (name, text replaced, replacement, field path of the error)
const INVALID: &[(&str, &str, &str, &str)] = &[
    (
        "rate-9999999",
        "rate_per_year = 0.3 ",
        "rate_per_year = 9999999 ",
        "behaviours[8].rate_per_year",
    ),
    (
        "rate-2-32",
        "rate_per_year = 0.3 ",
        "rate_per_year = 4294967296 ",
        "behaviours[8].rate_per_year",
    ),
    (
        "attempts-1e12",
        "attempts_per_year = 0.03 ",
        "attempts_per_year = 1e12 ",
        "services[0].attempts_per_year",
    ),
    (
        "attempts-1e308",
        "attempts_per_year = 0.03 ",
        "attempts_per_year = 1e308 ",
        "services[0].attempts_per_year",
    ),
    (
        "false-1e12",
        "false_records_per_year = 0.002 ",
        "false_records_per_year = 1e12 ",
        "sources[0].false_records_per_year",
    ),
];

#[test]
fn unrepresentable_rates_are_validation_errors_with_the_allowed_range() {
    let dir = scratch("invalid");
    for &(name, from, to, field) in INVALID {
        let file = mutated(&dir, name, from, to);
        let file = file.to_string_lossy();
        let (o, took) = credsim(
            &dir,
            &["run", &file, "--persons", "3000", "--years", "2", "--quiet"],
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(field), "{name}: {err}");
        assert!(
            err.contains("not allowed") && err.contains("may be at most"),
            "{name}: {err}"
        );
        assert!(took < Duration::from_secs(30), "{name}: took {took:?}");
        assert!(!dir.join("credsim-out").exists(), "{name}: nothing written");
    }
}

/// 36,501 acts per person-year is representable (about 146,000 events per person
/// over two years, under the 518,027 allowed) but takes minutes at 3,000 persons: the
/// estimate says so, and a limit below it refuses the run with the estimate.
#[test]
fn a_valid_but_slow_scenario_is_refused_beyond_the_time_limit() {
    let dir = scratch("slow");
    let file = mutated(
        &dir,
        "rate-36501",
        "rate_per_year = 0.3 ",
        "rate_per_year = 36501 ",
    );
    let file = file.to_string_lossy();
    let (o, took) = credsim(
        &dir,
        &[
            "run",
            &file,
            "--persons",
            "3000",
            "--years",
            "2",
            "--quiet",
            "--time-limit",
            "1",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    for part in [
        "would take about",
        "events",
        "--time-limit",
        "--no-audit",
        "--persons",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert!(!dir.join("credsim-out").exists(), "nothing written");
    // Validation accepts it: it is a matter of time, not of representation.
    let (o, _) = credsim(&dir, &["validate", &file]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn sizes_beyond_the_person_ids_are_refused() {
    let dir = scratch("ids");
    let (o, _) = credsim(&dir, &["run", "--persons", "5000000000", "--quiet"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("'--persons <N>'") && err.contains("person ids are 32-bit"),
        "{err}"
    );
}

/// The `--persons 2000000000` typo, under a one-minute limit: refused at once, with
/// the estimate (memory allowed, so the time check is the one that speaks).
#[test]
fn a_typo_in_the_population_is_refused_under_a_time_limit() {
    let dir = scratch("typo");
    let (o, took) = credsim(
        &dir,
        &[
            "run",
            "--persons",
            "2000000000",
            "--quiet",
            "--time-limit",
            "1",
            "--memory-limit",
            "100000",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.contains("would take about") && err.contains("--persons"),
        "{err}"
    );
    assert!(took < Duration::from_secs(30), "took {took:?}");
}
