//! The `credsim` command as a user meets it: outputs, folders, errors, determinism.

mod common;

use common::{credsim, scratch, text};
use std::path::Path;
use std::process::Command;

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("file exists")).expect("valid JSON")
}

const SMALL: &[&str] = &["--persons", "100000", "--years", "3", "--quiet"];

#[test]
fn same_seed_same_bytes_whatever_the_thread_count() {
    let dir = scratch("threads");
    for preset in ["suining-2010", "debtor-blacklist"] {
        let mut outputs = Vec::new();
        for threads in ["1", "2", "4"] {
            let out = format!("{preset}-{threads}");
            let mut args = vec![
                "run",
                "--preset",
                preset,
                "--threads",
                threads,
                "--out",
                &out,
            ];
            args.extend_from_slice(SMALL);
            let o = credsim(&dir, &args);
            assert!(o.status.success(), "{}", text(&o));
            let summary = std::fs::read(dir.join(&out).join("summary.json")).expect("summary");
            let series = std::fs::read(dir.join(&out).join("timeseries.csv")).expect("series");
            let audit = std::fs::read(dir.join(&out).join("audit.json")).expect("audit");
            outputs.push((summary, series, audit));
        }
        assert!(
            outputs.windows(2).all(|w| w[0] == w[1]),
            "{preset}: outputs differ between thread counts"
        );
    }
}

#[test]
fn each_run_gets_a_new_complete_folder() {
    let dir = scratch("folders");
    for _ in 0..2 {
        let mut args = vec!["run", "--preset", "consumer-credit"];
        args.extend_from_slice(SMALL);
        let o = credsim(&dir, &args);
        assert!(o.status.success(), "{}", text(&o));
    }
    let root = dir.join("credsim-out");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .expect("credsim-out exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let seed = credsim_model::presets::load("consumer-credit", &Default::default())
        .expect("preset")
        .model
        .seed;
    assert_eq!(
        names,
        [
            format!("consumer-credit-seed{seed}-001"),
            format!("consumer-credit-seed{seed}-002")
        ],
        "two numbered folders and nothing half-written"
    );
    for n in &names {
        for f in [
            "summary.json",
            "run.json",
            "timeseries.csv",
            "scenario.toml",
            "scenario.resolved.toml",
        ] {
            assert!(root.join(n).join(f).is_file(), "{n}/{f} missing");
        }
    }
}

#[test]
fn an_existing_out_folder_needs_force() {
    let dir = scratch("force");
    std::fs::create_dir_all(dir.join("mine")).expect("folder");
    std::fs::write(dir.join("mine/keep.txt"), "precious").expect("file");
    let mut args = vec!["run", "--preset", "rongcheng", "--out", "mine"];
    args.extend_from_slice(SMALL);
    let o = credsim(&dir, &args);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("already exists"),
        "{}",
        text(&o)
    );
    assert!(dir.join("mine/keep.txt").exists(), "nothing was touched");
    args.push("--force");
    let o = credsim(&dir, &args);
    assert!(o.status.success(), "{}", text(&o));
    assert!(dir.join("mine/summary.json").exists());
    assert!(
        !dir.join("mine/keep.txt").exists(),
        "--force replaces the folder"
    );
}

/// The keys users' scripts depend on, and the provenance of every output.
#[test]
fn summary_json_has_the_documented_keys() {
    let dir = scratch("keys");
    let mut args = vec!["run", "--preset", "debtor-blacklist", "--out", "o"];
    args.extend_from_slice(SMALL);
    let o = credsim(&dir, &args);
    assert!(o.status.success(), "{}", text(&o));
    let s = json(&dir.join("o/summary.json"));
    for key in [
        "/credsim_version",
        "/scenario/name",
        "/scenario/hash",
        "/seed",
        "/persons",
        "/days",
        "/final/grade_shares",
        "/final/mean_score",
        "/records/true",
        "/records/false",
        "/records/misattributed",
        "/person_days_by_grade",
        "/persons_ever_in_grade",
        "/listed/defaulters/persons_ever",
        "/listed/defaulters/person_days",
        "/sanctions/transport/applications",
        "/sanctions/transport/attempts",
    ] {
        assert!(s.pointer(key).is_some(), "summary.json lacks {key}");
    }
    assert_eq!(s["persons"], 100000);
    assert_eq!(s["days"], 3 * 365);
    let run = json(&dir.join("o/run.json"));
    assert_eq!(run["scenario_hash"], s["scenario"]["hash"]);
    let csv = std::fs::read_to_string(dir.join("o/timeseries.csv")).expect("csv");
    assert!(csv.starts_with("period,"));
    assert_eq!(csv.lines().count(), 1 + 36, "header and 36 monthly rows");
    for f in ["o/scenario.toml", "o/scenario.resolved.toml"] {
        let toml = std::fs::read_to_string(dir.join(f)).expect("scenario");
        assert!(
            toml.contains(s["scenario"]["hash"].as_str().unwrap_or("?")),
            "{f}"
        );
    }
}

/// `show` prints the preset as written, every source and assumption label kept;
/// `show --resolved` every default filled in. Both load to the same scenario.
#[test]
fn show_round_trips_to_the_same_scenario() {
    let dir = scratch("show");
    for p in credsim_model::presets::ALL {
        let original = credsim_model::presets::load(p.name, &Default::default()).expect("preset");
        let o = credsim(&dir, &["show", "--preset", p.name]);
        assert!(o.status.success(), "{}", text(&o));
        let shown = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            shown, p.toml,
            "{}: show prints the preset as written",
            p.name
        );
        assert!(shown.contains("assumption"), "{}", p.name);
        let o = credsim(&dir, &["show", "--preset", p.name, "--resolved"]);
        assert!(o.status.success(), "{}", text(&o));
        let resolved = String::from_utf8_lossy(&o.stdout);
        assert_eq!(resolved, credsim_model::to_toml(&original.scenario));
        for text in [&shown, &resolved] {
            let again = credsim_model::load(text, "shown.toml", &Default::default())
                .unwrap_or_else(|e| panic!("{}: shown scenario does not load: {e}", p.name));
            assert_eq!(again.model.hash, original.model.hash, "{}", p.name);
        }
    }
}

/// The README's path: `show --preset X > my.toml` keeps every citation and runs; the
/// run folder's scenario.toml is the text as written under a line naming the overrides,
/// scenario.resolved.toml what ran; running either reproduces the run's outputs.
#[test]
fn a_copied_preset_keeps_its_sources_and_the_folder_reproduces_the_run() {
    let dir = scratch("provenance");
    let o = credsim(&dir, &["show", "--preset", "debtor-blacklist"]);
    assert!(o.status.success(), "{}", text(&o));
    std::fs::write(dir.join("my.toml"), &o.stdout).expect("write my.toml");
    let preset = credsim_model::presets::find("debtor-blacklist").expect("preset");
    let mine = std::fs::read_to_string(dir.join("my.toml")).expect("my.toml");
    assert_eq!(mine, preset.toml, "my.toml is the preset as written");
    assert!(mine.matches("assumption").count() > 10);
    let o = credsim(&dir, &["validate", "my.toml"]);
    assert!(o.status.success(), "{}", text(&o));
    let size = [
        "--persons",
        "20000",
        "--years",
        "2",
        "--seed",
        "7",
        "--quiet",
    ];
    let mut args = vec!["run", "my.toml", "--out", "a"];
    args.extend_from_slice(&size);
    let o = credsim(&dir, &args);
    assert!(o.status.success(), "{}", text(&o));

    let written = std::fs::read_to_string(dir.join("a/scenario.toml")).expect("scenario.toml");
    let (header, body) = written.split_at(written.find("\n# `").expect("two header lines") + 1);
    let body = &body[body.find('\n').expect("second header line") + 1..];
    assert_eq!(body, preset.toml, "scenario.toml keeps the text as written");
    assert!(
        header.contains("--persons 20000 --years 2 --seed 7")
            && written.contains("credsim run scenario.toml --persons 20000 --years 2 --seed 7")
            && written.contains("scenario.resolved.toml"),
        "{written}"
    );
    let resolved = std::fs::read_to_string(dir.join("a/scenario.resolved.toml")).expect("resolved");
    assert!(resolved.contains("persons = 20000") && resolved.contains("seed = 7"));
    let report = std::fs::read_to_string(dir.join("a/report.html")).expect("report");
    assert!(
        report.contains("scenario.resolved.toml")
            && report.contains("confirm the 2-year term before relying on it"),
        "the report shows the text as written"
    );

    let mut args = vec!["run", "a/scenario.toml", "--out", "b"];
    args.extend_from_slice(&size);
    let o = credsim(&dir, &args);
    assert!(o.status.success(), "{}", text(&o));
    let o = credsim(
        &dir,
        &["run", "a/scenario.resolved.toml", "--out", "c", "--quiet"],
    );
    assert!(o.status.success(), "{}", text(&o));
    for f in [
        "summary.json",
        "audit.json",
        "timeseries.csv",
        "scenario.resolved.toml",
    ] {
        let a = std::fs::read(dir.join("a").join(f)).expect("a");
        for other in ["b", "c"] {
            let b = std::fs::read(dir.join(other).join(f)).expect("b or c");
            assert!(a == b, "{other}/{f} differs from the run it reproduces");
        }
    }
    let c = std::fs::read_to_string(dir.join("c/scenario.toml")).expect("c/scenario.toml");
    assert!(c.contains("with no command-line overrides"), "{c}");

    // The rebuilt report reads both files back and shows the same page.
    std::fs::remove_file(dir.join("a/report.html")).expect("remove");
    let o = credsim(&dir, &["report", "a"]);
    assert!(o.status.success(), "{}", text(&o));
    let rebuilt = std::fs::read_to_string(dir.join("a/report.html")).expect("report");
    assert!(
        rebuilt == report,
        "the rebuilt report differs from the run's"
    );
}

/// timeseries.csv starts with its header, so default CSV readers (pandas, polars,
/// DuckDB) read it without options; its provenance is in summary.json and run.json.
#[test]
fn timeseries_csv_starts_with_its_header() {
    let dir = scratch("csv");
    let mut args = vec!["run", "--preset", "suining-responses", "--out", "r"];
    args.extend_from_slice(SMALL);
    let o = credsim(&dir, &args);
    assert!(o.status.success(), "{}", text(&o));
    let csv = std::fs::read_to_string(dir.join("r/timeseries.csv")).expect("csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(header[..3], ["period", "start_day", "end_day"], "{csv}");
    assert!(!csv.lines().any(|l| l.starts_with('#')), "no comment lines");
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.len() == header.len()));
    assert!(rows.iter().flatten().all(|v| v.parse::<f64>().is_ok()));
    let s = json(&dir.join("r/summary.json"));
    let run = json(&dir.join("r/run.json"));
    for j in [&s, &run] {
        assert!(j["credsim_version"].is_string() && j["seed"].is_u64());
    }
    assert_eq!(s["scenario"]["hash"], run["scenario_hash"]);
}

#[test]
fn validate_names_file_line_and_field_and_exits_2() {
    let dir = scratch("validate");
    let o = credsim(&dir, &["show", "--preset", "debtor-blacklist"]);
    let good = String::from_utf8_lossy(&o.stdout).into_owned();
    std::fs::write(dir.join("good.toml"), &good).expect("write");
    let o = credsim(&dir, &["validate", "good.toml"]);
    assert!(o.status.success(), "{}", text(&o));
    let bad = good.replacen("duration_days = 730", "duration_days = -5", 1);
    assert_ne!(bad, good);
    std::fs::write(dir.join("bad.toml"), &bad).expect("write");
    let o = credsim(&dir, &["validate", "bad.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    let line = bad
        .lines()
        .position(|l| l.contains("duration_days = -5"))
        .map(|i| i + 1);
    assert!(
        err.contains(&format!("bad.toml:{}:", line.unwrap_or(0))) && err.contains("duration_days"),
        "{}",
        text(&o)
    );
    let o = credsim(&dir, &["run", "missing.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("cannot read scenario file `missing.toml`")
    );
}

#[test]
fn presets_and_help_teach() {
    let dir = scratch("help");
    let o = credsim(&dir, &["presets"]);
    let list = String::from_utf8_lossy(&o.stdout);
    for p in credsim_model::presets::ALL {
        assert!(list.contains(p.name), "{list}");
    }
    for sub in ["run", "presets", "validate", "show", "bench"] {
        let o = credsim(&dir, &[sub, "--help"]);
        assert!(o.status.success() && !o.stdout.is_empty(), "{sub} --help");
    }
    let o = credsim(&dir, &["run", "--persons", "0", "--quiet"]);
    assert_eq!(o.status.code(), Some(2));
    // The error names the flag, not the preset's line (issue 13).
    assert!(String::from_utf8_lossy(&o.stderr).contains("'--persons <N>'"));
}

#[test]
fn a_run_too_big_for_memory_is_refused_with_an_estimate() {
    let dir = scratch("big");
    let o = credsim(
        &dir,
        &[
            "run",
            "--persons",
            "4000000000",
            "--memory-limit",
            "2",
            "--quiet",
        ],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("GiB") && err.contains("--persons"), "{err}");
    assert!(!dir.join("credsim-out").exists(), "nothing written");
}

#[test]
fn the_audit_is_written_and_printed() {
    let dir = scratch("audit");
    let mut args = vec!["run", "--preset", "suining-2010", "--out", "a"];
    args.extend_from_slice(SMALL);
    let o = credsim(&dir, &args);
    assert!(o.status.success(), "{}", text(&o));
    let a = json(&dir.join("a/audit.json"));
    for key in [
        "/scenario",
        "/seed",
        "/credsim_version",
        "/wrongful/persons_wrongly_sanctioned/value",
        "/cross_context/share_of_applications",
        "/disparate_impact/region",
        "/concentration/gini",
    ] {
        assert!(a.pointer(key).is_some(), "audit.json lacks {key}");
    }
    let o = credsim(&dir, &["audit", "a"]);
    assert!(o.status.success(), "{}", text(&o));
    let shown = String::from_utf8_lossy(&o.stdout);
    for n in 1..=9 {
        assert!(
            shown.contains(&format!("\n{n}. ")),
            "section {n} missing:\n{shown}"
        );
    }
    let mut args = vec![
        "run",
        "--preset",
        "suining-2010",
        "--out",
        "b",
        "--no-audit",
    ];
    args.extend_from_slice(SMALL);
    assert!(credsim(&dir, &args).status.success());
    assert!(!dir.join("b/audit.json").exists());
    let o = credsim(&dir, &["audit", "b"]);
    assert_eq!(o.status.code(), Some(2));
    // A file that does not parse into the audit is an error that names it.
    std::fs::write(dir.join("b/audit.json"), "{\"scenario\": 1}").expect("write");
    for command in ["audit", "report"] {
        let o = credsim(&dir, &[command, "b"]);
        assert_eq!(o.status.code(), Some(2), "{command}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("audit.json") && err.contains("cannot be read as"),
            "{err}"
        );
    }
}

/// A scenario where people respond (population-wide mechanisms, epoch-major): every
/// output is written, with its responses, and the same at 1 and 2 threads; the memory
/// check accounts for keeping everyone in memory.
#[test]
fn responses_run_end_to_end() {
    let dir = scratch("responses");
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = format!("r{threads}");
        let mut args = vec![
            "run",
            "--preset",
            "suining-responses",
            "--threads",
            threads,
            "--out",
            &out,
        ];
        args.extend_from_slice(SMALL);
        let o = credsim(&dir, &args);
        assert!(o.status.success(), "{}", text(&o));
        for f in [
            "report.html",
            "timeseries.parquet",
            "persons.parquet",
            "run.json",
        ] {
            assert!(dir.join(&out).join(f).exists(), "{f} missing");
        }
        let read = |f: &str| std::fs::read(dir.join(&out).join(f)).expect("file");
        outputs.push((
            read("summary.json"),
            read("timeseries.csv"),
            read("audit.json"),
        ));
    }
    assert!(
        outputs[0] == outputs[1],
        "outputs differ between thread counts"
    );
    let s = json(&dir.join("r1/summary.json"));
    assert!(s.pointer("/responses/appeals_filed/erroneous").is_some());
    let series = String::from_utf8_lossy(&outputs[0].1).to_string();
    for col in [
        "appeals_waiting",
        "appeal_mean_wait_days",
        "protected_performed",
        "chilling_factor_urban",
        "association_entries",
    ] {
        let header = series.lines().find(|l| !l.starts_with('#')).unwrap_or("");
        assert!(header.split(',').any(|c| c == col), "no column {col}");
    }
    let a = json(&dir.join("r1/audit.json"));
    for key in [
        "/appeals/share_of_erroneous_records_never_corrected/value",
        "/responses/change_in_protected_conduct/value",
        "/association/persons_sanctioned_only_through_contacts/value",
    ] {
        assert!(a.pointer(key).is_some(), "audit.json lacks {key}");
    }
    let o = credsim(&dir, &["audit", "r1"]);
    let shown = String::from_utf8_lossy(&o.stdout);
    for n in 10..=12 {
        assert!(shown.contains(&format!("\n{n}. ")), "section {n} missing");
    }
    let html = std::fs::read_to_string(dir.join("r1/report.html")).expect("report");
    assert!(html.contains("People respond"));
    // Everyone stays in memory: 20 million persons do not fit in 2 GiB.
    let o = credsim(
        &dir,
        &[
            "run",
            "--preset",
            "suining-responses",
            "--persons",
            "20000000",
            "--memory-limit",
            "2",
            "--quiet",
        ],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("couple the whole population"));
}

mod tables {
    use super::*;
    use arrow_array::types::UInt8Type;
    use arrow_array::{Array, BooleanArray, DictionaryArray, Int64Array, RecordBatch, UInt32Array};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    fn read(path: &Path) -> (Vec<RecordBatch>, Vec<(String, String)>) {
        let file = std::fs::File::open(path).expect("parquet file");
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).expect("parquet reader");
        let meta = builder
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .map(|kv| {
                kv.iter()
                    .map(|k| (k.key.clone(), k.value.clone().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default();
        let batches = builder
            .build()
            .expect("batches")
            .map(|b| b.expect("batch"))
            .collect();
        (batches, meta)
    }

    fn sum_u32(batches: &[RecordBatch], col: &str) -> u64 {
        batches
            .iter()
            .map(|b| {
                let a = b
                    .column_by_name(col)
                    .expect(col)
                    .as_any()
                    .downcast_ref::<UInt32Array>()
                    .expect("u32");
                a.values().iter().map(|&v| v as u64).sum::<u64>()
            })
            .sum()
    }

    /// The persons table and the time series agree with summary.json, column by column.
    #[test]
    fn parquet_tables_agree_with_the_summary() {
        let dir = scratch("parquet");
        for preset in ["debtor-blacklist", "suining-2010"] {
            let out = format!("p-{preset}");
            let mut args = vec!["run", "--preset", preset, "--out", &out];
            args.extend_from_slice(SMALL);
            let o = credsim(&dir, &args);
            assert!(o.status.success(), "{}", text(&o));
            let s = json(&dir.join(&out).join("summary.json"));
            let (persons, meta) = read(&dir.join(&out).join("persons.parquet"));
            assert!(
                meta.iter().any(|(k, v)| k == "scenario_hash"
                    && Some(v.as_str()) == s["scenario"]["hash"].as_str())
            );
            assert!(
                meta.iter()
                    .any(|(k, v)| k == "persons_table" && v == "full")
            );
            let rows: usize = persons.iter().map(|b| b.num_rows()).sum();
            assert_eq!(rows as u64, s["persons"].as_u64().expect("persons"));
            assert_eq!(
                sum_u32(&persons, "sanction_days"),
                s["sanctioned"]["person_days"].as_u64().expect("days")
            );
            for p in ["true", "false", "misattributed"] {
                assert_eq!(
                    sum_u32(&persons, &format!("records_{p}")),
                    s["records"][p].as_u64().expect("records"),
                    "{p}"
                );
            }
            let ever: usize = persons
                .iter()
                .map(|b| {
                    let a = b
                        .column_by_name("ever_sanctioned")
                        .expect("col")
                        .as_any()
                        .downcast_ref::<BooleanArray>()
                        .expect("bool");
                    a.true_count()
                })
                .sum();
            assert_eq!(
                ever as u64,
                s["sanctioned"]["persons_ever"].as_u64().expect("ever")
            );
            if let Some(lists) = s["listed"].as_object()
                && lists.len() == 1
            {
                let days = lists.values().next().expect("list")["person_days"]
                    .as_u64()
                    .expect("days");
                assert_eq!(
                    sum_u32(&persons, "listed_days"),
                    days,
                    "{preset}: days on the one list"
                );
            }
            if let Some(counts) = s["final"]["grade_counts"].as_object()
                && !counts.is_empty()
            {
                for (g, n) in counts {
                    let got: usize = persons
                        .iter()
                        .map(|b| {
                            let d = b
                                .column_by_name("grade")
                                .expect("grade")
                                .as_any()
                                .downcast_ref::<DictionaryArray<UInt8Type>>()
                                .expect("dict");
                            let values = d
                                .values()
                                .as_any()
                                .downcast_ref::<arrow_array::StringArray>()
                                .expect("names");
                            d.keys()
                                .iter()
                                .filter(|k| k.is_some_and(|k| values.value(k as usize) == g))
                                .count()
                        })
                        .sum();
                    assert_eq!(
                        got as u64,
                        n.as_u64().expect("count"),
                        "{preset}: grade {g}"
                    );
                }
                let score: i64 = persons
                    .iter()
                    .map(|b| {
                        b.column_by_name("score")
                            .expect("score")
                            .as_any()
                            .downcast_ref::<Int64Array>()
                            .expect("i64")
                            .values()
                            .iter()
                            .sum::<i64>()
                    })
                    .sum();
                let mean = score as f64 / rows as f64;
                assert!((mean - s["final"]["mean_score"].as_f64().expect("mean")).abs() < 1e-9);
            }
            let (series, _) = read(&dir.join(&out).join("timeseries.parquet"));
            let csv = std::fs::read_to_string(dir.join(&out).join("timeseries.csv")).expect("csv");
            let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
            let names: Vec<String> = series[0]
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
            assert_eq!(names, header, "parquet and CSV have the same columns");
            assert_eq!(
                series.iter().map(|b| b.num_rows()).sum::<usize>(),
                csv.lines().count() - 1
            );
            let total: i64 = series
                .iter()
                .map(|b| {
                    b.column_by_name("records_true")
                        .expect("col")
                        .as_any()
                        .downcast_ref::<Int64Array>()
                        .expect("i64")
                        .values()
                        .iter()
                        .sum::<i64>()
                })
                .sum();
            assert_eq!(total as u64, s["records"]["true"].as_u64().expect("true"));
            assert!(dir.join(&out).join("report.html").is_file());
        }
    }

    /// The record log has one row per record of summary.json, with the same provenances.
    #[test]
    fn records_table_matches_the_summary() {
        let dir = scratch("records");
        let mut args = vec![
            "run",
            "--preset",
            "suining-2010",
            "--out",
            "r",
            "--records-table",
        ];
        args.extend_from_slice(SMALL);
        let o = credsim(&dir, &args);
        assert!(o.status.success(), "{}", text(&o));
        let s = json(&dir.join("r/summary.json"));
        let (batches, _) = read(&dir.join("r/records.parquet"));
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        assert_eq!(rows as u64, s["records"]["total"].as_u64().expect("total"));
        let mut by = std::collections::HashMap::new();
        for b in &batches {
            let d = b
                .column_by_name("provenance")
                .expect("col")
                .as_any()
                .downcast_ref::<DictionaryArray<arrow_array::types::UInt16Type>>()
                .expect("dict");
            let values = d
                .values()
                .as_any()
                .downcast_ref::<arrow_array::StringArray>()
                .expect("names");
            for k in d.keys().iter().flatten() {
                *by.entry(values.value(k as usize).to_string())
                    .or_insert(0u64) += 1;
            }
        }
        for p in ["true", "false", "misattributed"] {
            assert_eq!(
                by.get(p).copied().unwrap_or(0),
                s["records"][p].as_u64().expect("count"),
                "{p}"
            );
        }
        assert!(!dir.join("r/.records.parquet").exists());
    }

    /// A sample of about N persons: the count is binomial(persons, N/persons).
    #[test]
    fn persons_table_sample() {
        let dir = scratch("sample");
        let mut args = vec![
            "run",
            "--preset",
            "consumer-credit",
            "--out",
            "s",
            "--persons-table",
            "sample:5000",
        ];
        args.extend_from_slice(SMALL);
        let o = credsim(&dir, &args);
        assert!(o.status.success(), "{}", text(&o));
        let (batches, meta) = read(&dir.join("s/persons.parquet"));
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        let (n, p): (f64, f64) = (100_000.0, 0.05);
        let sd = (n * p * (1.0 - p)).sqrt();
        assert!((rows as f64 - n * p).abs() < 4.0 * sd, "{rows} rows");
        assert!(
            meta.iter()
                .any(|(k, v)| k == "persons_table" && v == "sample:0.05")
        );
        let s = json(&dir.join("s/summary.json"));
        assert_eq!(s["persons_table"], "sample:0.05");
        let mut args = vec![
            "run",
            "--preset",
            "consumer-credit",
            "--out",
            "n",
            "--persons-table",
            "none",
        ];
        args.extend_from_slice(SMALL);
        assert!(credsim(&dir, &args).status.success());
        assert!(!dir.join("n/persons.parquet").exists());
        let mut args = vec!["run", "--out", "x", "--persons-table", "some"];
        args.extend_from_slice(SMALL);
        let o = credsim(&dir, &args);
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains("sample:N"));
    }

    /// `compare` writes credsim-out/comparison-NNN.html (or --out FILE), never into the
    /// working folder, and marks differences beyond sampling error.
    #[test]
    fn compare_and_report_commands() {
        let dir = scratch("compare");
        for p in ["debtor-blacklist", "consumer-credit"] {
            let mut args = vec!["run", "--preset", p, "--out", p];
            args.extend_from_slice(SMALL);
            assert!(credsim(&dir, &args).status.success());
        }
        let o = credsim(&dir, &["compare", "debtor-blacklist", "consumer-credit"]);
        assert!(o.status.success(), "{}", text(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            out.contains("cross-context share of sanction applications") && out.contains('*'),
            "{out}"
        );
        assert!(
            out.contains("comparison: credsim-out/comparison-001.html"),
            "{out}"
        );
        let html =
            std::fs::read_to_string(dir.join("credsim-out/comparison-001.html")).expect("html");
        assert!(html.contains("beyond sampling error"));
        let o = credsim(&dir, &["compare", "debtor-blacklist", "consumer-credit"]);
        assert!(o.status.success(), "{}", text(&o));
        assert!(dir.join("credsim-out/comparison-002.html").is_file());
        let o = credsim(
            &dir,
            &[
                "compare",
                "debtor-blacklist",
                "consumer-credit",
                "--out",
                "mine.html",
            ],
        );
        assert!(o.status.success(), "{}", text(&o));
        assert!(String::from_utf8_lossy(&o.stdout).contains("comparison: mine.html"));
        assert_eq!(
            std::fs::read_to_string(dir.join("mine.html")).expect("--out file"),
            html
        );
        let o = credsim(
            &dir,
            &[
                "compare",
                "debtor-blacklist",
                "consumer-credit",
                "--out",
                "credsim-out",
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .expect("scratch")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "consumer-credit",
                "credsim-out",
                "debtor-blacklist",
                "mine.html"
            ],
            "nothing else in the working folder"
        );
        // The run renders its report from memory; `credsim report` from the folder's
        // files, through the same renderer: the same page.
        let written =
            std::fs::read_to_string(dir.join("debtor-blacklist/report.html")).expect("report");
        std::fs::remove_file(dir.join("debtor-blacklist/report.html")).expect("remove");
        let o = credsim(&dir, &["report", "debtor-blacklist"]);
        assert!(o.status.success(), "{}", text(&o));
        let report =
            std::fs::read_to_string(dir.join("debtor-blacklist/report.html")).expect("report");
        assert!(
            report == written,
            "the rebuilt report differs from the run's"
        );
        assert!(
            report.matches("<svg").count() >= 5
                && !report.contains("<script")
                && !report.contains("http"),
            "self-contained report with charts"
        );
    }
}

/// The jackknife standard error of replicates (as docs/audit.md defines it).
fn jackknife_se(r: &[f64]) -> f64 {
    let k = r.len() as f64;
    let mean = r.iter().sum::<f64>() / k;
    ((k - 1.0) / k * r.iter().map(|x| (x - mean).powi(2)).sum::<f64>()).sqrt()
}

/// `compare` pairs runs of the same seed and persons (common random numbers): the
/// standard error of their difference, from the replicates of θᴮ − θᴬ, is far below
/// the independent √(se_a² + se_b²); a run of another seed is compared as independent,
/// and marked exactly when the independent rule says so. Runs are named by folder,
/// and the parameters that differ are listed.
#[test]
fn compare_pairs_runs_that_share_a_seed() {
    let dir = scratch("paired");
    let scenario = |rate: &str| {
        format!(
            "domains = [\"traffic\", \"transport\"]\n[scenario]\nname = \"pair\"\n[simulation]\nyears = 3\nseed = 1\n[population]\npersons = 60000\nheterogeneity_shape = 1.0\n[population.households]\nsizes = {{ \"1\" = 0.3, \"2\" = 0.3, \"3\" = 0.2, \"4\" = 0.2 }}\n[[behaviours]]\nid = \"speeding\"\ndomain = \"traffic\"\nrate_per_year = 0.5\n[[sources]]\nid = \"camera\"\ncapture = {{ speeding = 0.3 }}\nfalse_records_per_year = {rate}\n[score]\nbase = 1000\n[[score.grades]]\nname = \"A\"\nmin = 900\n[[score.grades]]\nname = \"D\"\nmax = 899\n[records.speeding]\npoints = -50\nexpiry_days = 730\n[[services]]\nid = \"rail\"\ndomain = \"transport\"\nattempts_per_year = 4.0\n[[treatments]]\nid = \"no_rail\"\nkind = \"sanction\"\nservice = \"rail\"\ntrigger = {{ grade = \"D\" }}\nscope = \"all\"\n"
        )
    };
    std::fs::write(dir.join("a.toml"), scenario("0.01")).expect("write");
    std::fs::write(dir.join("b.toml"), scenario("0.015")).expect("write");
    for (file, out, seed) in [
        ("a.toml", "a", "1"),
        ("b.toml", "b", "1"),
        ("b.toml", "c", "2"),
    ] {
        let o = credsim(
            &dir,
            &["run", file, "--out", out, "--seed", seed, "--quiet"],
        );
        assert!(o.status.success(), "{}", text(&o));
    }
    let audit = |run: &str| json(&dir.join(run).join("audit.json"));
    let (a, b, c) = (audit("a"), audit("b"), audit("c"));
    assert_eq!(a["jackknife_groups"], 8);
    let get = |x: &serde_json::Value, path: &str| {
        let mut v = x;
        for k in path.split('.') {
            v = &v[k];
        }
        v.clone()
    };
    let f = |v: &serde_json::Value| v.as_f64().expect("number");
    // The errors' share moves with the false records themselves, so pairing gains less.
    for (m, most) in [
        ("concentration.top_1_percent_share", 0.7),
        ("concentration.gini", 0.7),
        ("wrongful.net_share_of_sanction_days_caused_by_errors", 1.0),
    ] {
        let (ea, eb) = (get(&a, m), get(&b, m));
        let ra: Vec<f64> = ea["replicates"]
            .as_array()
            .expect("replicates")
            .iter()
            .map(f)
            .collect();
        let rb: Vec<f64> = eb["replicates"]
            .as_array()
            .expect("replicates")
            .iter()
            .map(f)
            .collect();
        let d: Vec<f64> = rb.iter().zip(&ra).map(|(y, x)| y - x).collect();
        let paired = jackknife_se(&d);
        let combined = (f(&ea["se"]).powi(2) + f(&eb["se"]).powi(2)).sqrt();
        assert!(
            paired < most * combined,
            "{m}: paired {paired} vs combined {combined}"
        );
    }
    let o = credsim(&dir, &["compare", "a", "b", "c", "--out", "cmp.html"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(out.contains("b vs a: paired: same seed 1"), "{out}");
    assert!(out.contains("c vs a: independent (seeds differ)"), "{out}");
    assert!(
        out.contains("sources[camera].false_records_per_year: 0.01 → 0.015")
            && out.contains("simulation.seed: 1 → 2"),
        "{out}"
    );
    // c against a: the mark is the independent rule's, on the top 1% share in points.
    let (ea, ec) = (
        get(&a, "concentration.top_1_percent_share"),
        get(&c, "concentration.top_1_percent_share"),
    );
    let delta = 100.0 * (f(&ec["value"]) - f(&ea["value"]));
    let se = 100.0 * (f(&ea["se"]).powi(2) + f(&ec["se"]).powi(2)).sqrt();
    let row = out
        .lines()
        .find(|l| l.starts_with("share of sanction-days borne by the top 1%"))
        .expect("row");
    let marks: Vec<bool> = row.split("(Δ ").skip(1).map(|x| x.contains("*)")).collect();
    assert_eq!(marks.len(), 2, "{row}");
    assert_eq!(
        marks[1],
        delta.abs() > 1.96 * se,
        "{row}: Δ {delta}, se {se}"
    );
    let html = std::fs::read_to_string(dir.join("cmp.html")).expect("html");
    assert!(html.contains("<th>b</th>") && html.matches("<svg").count() >= 5);
}

/// A reader that goes away (`credsim audit DIR | head -1`) ends the command quietly:
/// exit 0, no panic, the run's folder complete.
#[test]
fn a_closed_pipe_is_not_a_panic() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = scratch("pipe");
    let mut args = vec!["run", "--preset", "debtor-blacklist", "--out", "a"];
    args.extend_from_slice(SMALL);
    let o = credsim(&dir, &args);
    assert!(o.status.success(), "{}", text(&o));
    for cmd in [
        vec!["audit", "a"],
        vec!["show", "--preset", "suining-2010"],
        vec![
            "run",
            "--preset",
            "debtor-blacklist",
            "--persons",
            "20000",
            "--years",
            "2",
            "--out",
            "b",
        ],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_credsim"))
            .args(&cmd)
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("credsim starts");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut first)
            .expect("one line");
        assert!(!first.is_empty(), "{cmd:?}");
        // The reader is dropped here: the pipe is closed.
        let o = child.wait_with_output().expect("credsim ends");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{cmd:?}: {:?}\n{err}", o.status);
        assert!(!err.contains("panicked"), "{cmd:?}: {err}");
    }
    assert!(
        dir.join("b").join("summary.json").exists(),
        "the run finished its folder"
    );
}

/// Folders left by a killed run: a `.NAME.partial-PID` staging folder of this host and a
/// dead process is removed by the next run in the same place; a look-alike without
/// credsim's staging mark is not touched; a moved-aside `.NAME.old-PID` output is named,
/// not touched.
#[test]
fn leftovers_of_killed_runs_are_cleaned_up() {
    let dir = scratch("leftovers");
    let dead = {
        let mut c = Command::new("true").spawn().expect("true runs");
        let pid = c.id();
        c.wait().expect("true ends");
        pid
    };
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .expect("hostname")
        .trim()
        .to_string();
    let root = dir.join("credsim-out");
    let partial = root.join(format!(".x-seed1-001.partial-{dead}"));
    let lookalike = root.join(format!(".mine.partial-{dead}"));
    let old = root.join(format!(".kept.old-{dead}"));
    for d in [&partial, &lookalike, &old] {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    std::fs::write(partial.join(".credsim-staging"), format!("{host} {dead}\n")).expect("mark");
    std::fs::write(old.join("run.json"), "{}").expect("file");
    let mut args = vec!["run", "--preset", "consumer-credit"];
    args.extend_from_slice(SMALL);
    let o = credsim(&dir, &args);
    assert!(o.status.success(), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("removed 1 unfinished output folder(s)"),
        "{}",
        text(&o)
    );
    assert!(
        err.contains("is an earlier output moved aside"),
        "{}",
        text(&o)
    );
    assert!(!partial.exists(), "credsim's own leftover is removed");
    assert!(
        lookalike.exists(),
        "a folder without the staging mark is not touched"
    );
    assert!(
        old.join("run.json").exists(),
        "a moved-aside output is not touched"
    );
    // The new run's folder is complete and holds no staging mark.
    let made = std::fs::read_dir(&root)
        .expect("root")
        .flatten()
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("consumer-credit")
        })
        .expect("the run's folder");
    assert!(made.path().join("summary.json").exists());
    assert!(!made.path().join(".credsim-staging").exists());
}

/// A write error other than a closed pipe (a full disk) is a failure, not silence.
#[test]
fn a_failed_write_to_standard_output_is_an_error() {
    let dir = scratch("full");
    let full = std::fs::File::create("/dev/full").expect("/dev/full");
    let o = Command::new(env!("CARGO_BIN_EXE_credsim"))
        .args(["show", "--preset", "suining-2010"])
        .current_dir(&dir)
        .stdout(full)
        .output()
        .expect("credsim runs");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot write to standard output"));
}

/// Sizes as TOML writes them; zero persons or threads refused at the flag.
#[test]
fn command_line_numbers_as_toml_writes_them() {
    let dir = scratch("numbers");
    let o = credsim(
        &dir,
        &[
            "run",
            "--preset",
            "consumer-credit",
            "--persons",
            "2e4",
            "--years",
            "1",
            "--quiet",
            "--out",
            "a",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(json(&dir.join("a/summary.json"))["persons"], 20_000);
    for (flag, value) in [("--persons", "0"), ("--threads", "0"), ("--persons", "1.5")] {
        let o = credsim(&dir, &["run", flag, value]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(&format!("for '{flag}")), "{err}");
        assert!(err.contains("must be a whole number from 1"), "{err}");
    }
}

/// `validate` prints warnings (on standard error) and still succeeds.
#[test]
fn validate_prints_warnings() {
    let dir = scratch("warnings");
    let o = credsim(&dir, &["show", "--preset", "rongcheng"]);
    std::fs::write(dir.join("r.toml"), &o.stdout).expect("written");
    let o = credsim(&dir, &["validate", "r.toml"]);
    assert!(o.status.success(), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("warning: r.toml:"), "{err}");
    assert!(err.contains("late_public_service_fees"), "{err}");
}

/// `--set` changes the run, is named in scenario.toml (whose reproduction command
/// reproduces it) and run.json, and a bad one exits 2 naming the --set.
#[test]
fn set_by_key_path_is_recorded_and_reproducible() {
    let dir = scratch("set");
    let set = "behaviours.traffic_violation.rate_per_year=0.4";
    let args = [
        "run",
        "--persons",
        "20000",
        "--years",
        "2",
        "--quiet",
        "--set",
        set,
    ];
    let o = credsim(&dir, &[&args[..], &["--out", "a"]].concat());
    assert!(o.status.success(), "{}", text(&o));
    let plain = credsim(&dir, &[&args[..6], &["--out", "b"]].concat());
    assert!(plain.status.success(), "{}", text(&plain));
    let (a, b) = (
        json(&dir.join("a/summary.json")),
        json(&dir.join("b/summary.json")),
    );
    assert_ne!(a["scenario"]["hash"], b["scenario"]["hash"]);
    assert!(a["behaviour"]["total_acts"].as_u64() > b["behaviour"]["total_acts"].as_u64());
    let written = std::fs::read_to_string(dir.join("a/scenario.toml")).expect("scenario.toml");
    assert!(written.contains(&format!("--set '{set}'")), "{written}");
    assert_eq!(
        json(&dir.join("a/run.json"))["overrides"],
        format!("--set '{set}' --persons 20000 --years 2")
    );
    // The folder's own command reproduces the run.
    let again = credsim(
        &dir.join("a"),
        &[
            "run",
            "scenario.toml",
            "--set",
            set,
            "--persons",
            "20000",
            "--years",
            "2",
            "--quiet",
            "--out",
            "../c",
        ],
    );
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(
        std::fs::read(dir.join("a/summary.json")).expect("a"),
        std::fs::read(dir.join("c/summary.json")).expect("c")
    );
    let bad = credsim(
        &dir,
        &["run", "--quiet", "--set", "behaviours.nope.rate_per_year=1"],
    );
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(
        text(&bad).contains("no element with id `nope`"),
        "{}",
        text(&bad)
    );
}

/// `simulation.start` puts dates in the outputs: summary.json's start_date, the time
/// series' end_date (the period's last day), and `credsim report` reads them back.
#[test]
fn a_start_date_dates_the_outputs() {
    let dir = scratch("calendar");
    let o = credsim(
        &dir,
        &[
            "run",
            "--persons",
            "5000",
            "--years",
            "2",
            "--quiet",
            "--out",
            "a",
            "--set",
            "simulation.start=2013-10-01",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        json(&dir.join("a/summary.json"))["start_date"],
        "2013-10-01"
    );
    let csv = std::fs::read_to_string(dir.join("a/timeseries.csv")).expect("csv");
    let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    let col = header
        .iter()
        .position(|c| *c == "end_date")
        .expect("end_date column");
    let end_day = header
        .iter()
        .position(|c| *c == "end_day")
        .expect("end_day");
    let last: Vec<&str> = csv.lines().last().expect("row").split(',').collect();
    // Day 0 is 2013-10-01; the horizon's last day, 729, is 2015-09-30.
    assert_eq!((last[end_day], last[col]), ("730", "2015-09-30"));
    let r = credsim(&dir, &["report", "a"]);
    assert!(r.status.success(), "{}", text(&r));
    let html = std::fs::read_to_string(dir.join("a/report.html")).expect("report");
    assert!(
        html.contains("date (year)") && html.contains(">2014<"),
        "calendar axis"
    );
}

/// `--replicates R`: R runs with derived seeds in one folder, and pooled.json whose
/// means are the runs' means.
#[test]
fn replicates_are_pooled() {
    let dir = scratch("replicates");
    let o = credsim(
        &dir,
        &[
            "run",
            "--persons",
            "20000",
            "--years",
            "2",
            "--quiet",
            "--replicates",
            "2",
            "--out",
            "r",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let (a, b) = (
        json(&dir.join("r/replicate-01/summary.json")),
        json(&dir.join("r/replicate-02/summary.json")),
    );
    assert_ne!(a["seed"], b["seed"]);
    let p = json(&dir.join("r/pooled.json"));
    assert_eq!(p["seeds"][0], a["seed"]);
    let n = |v: &serde_json::Value| v["sanctioned"]["persons_ever"].as_f64().expect("count");
    assert_eq!(
        p["summary"]["sanctioned"]["persons_ever"]["mean"].as_f64(),
        Some((n(&a) + n(&b)) / 2.0)
    );
    let est = &p["audit"]["wrongful"]["persons_wrongly_sanctioned"];
    assert_eq!(est["runs"], 2);
    assert!(
        est["mean_within_se"].is_number() && est["ci_low"].is_number(),
        "{est}"
    );
    assert!(!dir.join("r/.credsim-staging").exists());
    let bad = credsim(&dir, &["run", "--quiet", "--replicates", "1"]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
}
