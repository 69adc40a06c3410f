//! `credsim sweep`: a sweep's runs are `credsim run`'s, seeds as documented, designs
//! as specified, resumable (killed, sharded, torn status line), failures recorded,
//! bad specs located, and the tables as docs/sweep.md describes them.

mod common;

use arrow_array::{Array, Float64Array, RecordBatch, StringArray, UInt32Array, UInt64Array};
use arrow_schema::DataType;
use common::{credsim, scratch, text};
use credsim_tables::sweep::{ResultRows, read_results};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ok(o: &Output) {
    assert!(o.status.success(), "{}", text(o));
}

/// Writes a spec file; returns its name.
fn spec(dir: &Path, name: &str, body: &str) -> String {
    let file = format!("{name}.toml");
    std::fs::write(dir.join(&file), body).expect("spec");
    file
}

fn read_batches(
    path: &Path,
) -> (
    arrow_schema::SchemaRef,
    Vec<RecordBatch>,
    HashMap<String, String>,
) {
    let file = std::fs::File::open(path).expect("parquet file");
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).expect("parquet");
    let meta: HashMap<String, String> = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .map(|kv| {
            kv.iter()
                .map(|k| (k.key.clone(), k.value.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    let schema = builder.schema().clone();
    let batches = builder
        .build()
        .expect("reader")
        .collect::<Result<Vec<_>, _>>()
        .expect("batches");
    (schema, batches, meta)
}

/// design.parquet as columns of strings/numbers by name.
struct Design {
    columns: BTreeMap<String, Vec<f64>>,
    text: BTreeMap<String, Vec<Option<String>>>,
    seeds: Vec<u64>,
}

fn design(folder: &Path) -> Design {
    let (_, batches, _) = read_batches(&folder.join("design.parquet"));
    let mut d = Design {
        columns: BTreeMap::new(),
        text: BTreeMap::new(),
        seeds: Vec::new(),
    };
    for b in &batches {
        for (f, c) in b.schema().fields().iter().zip(b.columns()) {
            let name = f.name().clone();
            if name == "seed" {
                let a = c.as_any().downcast_ref::<UInt64Array>().expect("u64 seed");
                d.seeds.extend(a.values().iter());
            }
            let nums: Option<Vec<f64>> = match f.data_type() {
                DataType::UInt64 => c
                    .as_any()
                    .downcast_ref::<UInt64Array>()
                    .map(|a| a.values().iter().map(|&x| x as f64).collect()),
                DataType::UInt32 => c
                    .as_any()
                    .downcast_ref::<UInt32Array>()
                    .map(|a| a.values().iter().map(|&x| x as f64).collect()),
                DataType::Float64 => c
                    .as_any()
                    .downcast_ref::<Float64Array>()
                    .map(|a| (0..a.len()).map(|i| a.value(i)).collect()),
                _ => None,
            };
            if let Some(n) = nums {
                d.columns.entry(name.clone()).or_default().extend(n);
            }
            if let Some(a) = c.as_any().downcast_ref::<StringArray>() {
                d.text
                    .entry(name)
                    .or_default()
                    .extend((0..a.len()).map(|i| (!a.is_null(i)).then(|| a.value(i).to_string())));
            }
        }
    }
    d
}

fn status_lines(folder: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(folder.join("status.jsonl"))
        .expect("status")
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// The rows of one run, by measure.
fn run_rows(rows: &ResultRows, run: u64) -> BTreeMap<String, (Option<f64>, Option<f64>)> {
    (0..rows.len())
        .filter(|&i| rows.run_id[i] == run)
        .map(|i| (rows.measure[i].clone(), (rows.value[i], rows.se[i])))
        .collect()
}

const SMALL: &str = r#"
[base]
preset = "suining-2010"
persons = 2000
years = 2
"#;

fn grid_spec(seeds: &str) -> String {
    format!(
        r#"{SMALL}
[design]
kind = "grid"

[runs]
replicates = 2
seeds = "{seeds}"

[[parameter]]
name = "traffic_rate"
path = "behaviours.traffic_violation.rate_per_year"
values = [0.2, 0.6]

[[parameter]]
name = "capture"
path = "sources.traffic_police.capture.traffic_violation"
range = [0.2, 0.4]
levels = 2
"#
    )
}

/// Identity: a sweep run's every summary and audit number equals what `credsim run`
/// with the same --set values and seed writes; under common random numbers replicate
/// r has one seed at every point (replicate 0 the scenario's own), and design.parquet's
/// scenario_hash is the run's.
#[test]
fn a_sweep_run_is_credsim_run_with_the_same_sets_and_seed() {
    let dir = scratch("identity");
    let file = spec(&dir, "grid", &grid_spec("common"));
    ok(&credsim(&dir, &["sweep", &file, "--out", "s", "--quiet"]));
    let d = design(&dir.join("s"));
    // 2 values × 2 levels = 4 points, × 2 replicates; row-major (first parameter slowest).
    assert_eq!(
        d.columns["run_id"],
        (0..8).map(f64::from).collect::<Vec<_>>()
    );
    assert_eq!(d.columns["point_id"], [0., 0., 1., 1., 2., 2., 3., 3.]);
    assert_eq!(d.columns["replicate"], [0., 1., 0., 1., 0., 1., 0., 1.]);
    assert_eq!(
        d.columns["traffic_rate"],
        [0.2, 0.2, 0.2, 0.2, 0.6, 0.6, 0.6, 0.6]
    );
    assert_eq!(
        d.columns["capture"],
        [0.2, 0.2, 0.4, 0.4, 0.2, 0.2, 0.4, 0.4]
    );
    assert!(
        !d.columns.contains_key("unit.capture"),
        "a grid has no unit columns"
    );
    let preset_seed = 20100101u64;
    for (i, &s) in d.seeds.iter().enumerate() {
        let r = i as u64 % 2;
        assert_eq!(s, credsim_engine::pool::replicate_seed(preset_seed, r));
    }
    assert_eq!(d.seeds[0], preset_seed);
    let results = read_results(&dir.join("s/results.parquet")).expect("results");
    assert_eq!(results.run_id.first(), Some(&0));
    assert!(
        results.run_id.windows(2).all(|w| w[0] <= w[1]),
        "run-id order"
    );
    // Run 5: point 2 (rate 0.6, capture 0.2), replicate 1.
    let seed = d.seeds[5].to_string();
    let o = credsim(
        &dir,
        &[
            "run",
            "--preset",
            "suining-2010",
            "--persons",
            "2000",
            "--years",
            "2",
            "--seed",
            &seed,
            "--set",
            "behaviours.traffic_violation.rate_per_year=0.6",
            "--set",
            "sources.traffic_police.capture.traffic_violation=0.2",
            "--quiet",
            "--out",
            "single",
        ],
    );
    ok(&o);
    let read = |f: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join("single").join(f)).expect("file"))
            .expect("json")
    };
    let (summary, audit) = (read("summary.json"), read("audit.json"));
    let mut want = ResultRows::default();
    credsim_cli::sweep::rows::flatten(5, "summary", &summary, &mut want);
    credsim_cli::sweep::rows::flatten(5, "audit", &audit, &mut want);
    let (got, want) = (run_rows(&results, 5), run_rows(&want, 5));
    assert!(want.len() > 300, "{} measures", want.len());
    assert_eq!(got, want, "the sweep's run 5 differs from credsim run");
    assert_eq!(
        d.text["scenario_hash"][5].as_deref(),
        summary["scenario"]["hash"].as_str()
    );
    // The two replicates of a point differ; the points differ in what the rate drives.
    let acts = |r: u64| run_rows(&results, r)["summary.behaviour.total_acts"].0;
    assert_ne!(acts(4), acts(5));
    assert!(acts(0) < acts(4));
}

/// Independent seeds: replicate_seed(replicate_seed(root, point + 1), replicate + 1),
/// all distinct.
#[test]
fn independent_seeds_are_as_documented() {
    let dir = scratch("independent");
    let file = spec(&dir, "grid", &grid_spec("independent"));
    ok(&credsim(&dir, &["sweep", &file, "--out", "s", "--quiet"]));
    let d = design(&dir.join("s"));
    use credsim_engine::pool::replicate_seed;
    for (i, &s) in d.seeds.iter().enumerate() {
        let (p, r) = (i as u64 / 2, i as u64 % 2);
        assert_eq!(s, replicate_seed(replicate_seed(20100101, p + 1), r + 1));
    }
    let distinct: std::collections::HashSet<_> = d.seeds.iter().collect();
    assert_eq!(distinct.len(), 8);
}

/// LHS in design.parquet: one point per stratum in every dimension, values the
/// marginals' quantiles of the unit columns (log range, integer range, dummy).
#[test]
fn lhs_design_has_one_point_per_stratum_and_values_from_units() {
    let dir = scratch("lhs");
    let body = format!(
        r#"{SMALL}
[design]
kind = "lhs"
points = 7
seed = 3

[[parameter]]
name = "rate"
path = "behaviours.traffic_violation.rate_per_year"
range = [0.1, 0.4]
log = true

[[parameter]]
name = "delay"
path = "sources.traffic_police.delay_days"
range = [1, 30]
integer = true

[[parameter]]
name = "noise"
dummy = true
triangular = {{ lo = 0.0, mode = 0.2, hi = 1.0 }}
"#
    );
    let file = spec(&dir, "lhs", &body);
    ok(&credsim(&dir, &["sweep", &file, "--out", "s", "--quiet"]));
    let d = design(&dir.join("s"));
    for name in ["rate", "delay", "noise"] {
        let u = &d.columns[&format!("unit.{name}")];
        let mut strata: Vec<usize> = u.iter().map(|x| (x * 7.0) as usize).collect();
        strata.sort();
        assert_eq!(strata, (0..7).collect::<Vec<_>>(), "{name}: {u:?}");
    }
    for (u, x) in d.columns["unit.rate"].iter().zip(&d.columns["rate"]) {
        let want = (0.1f64.ln() + u * (0.4f64.ln() - 0.1f64.ln())).exp();
        assert!((x - want).abs() < 1e-15, "{x} vs {want}");
    }
    // Integer range: an Int64 column, 1 + ⌊u·30⌋.
    let (_, batches, _) = read_batches(&dir.join("s/design.parquet"));
    let delay = batches[0]
        .column_by_name("delay")
        .expect("delay")
        .as_any()
        .downcast_ref::<arrow_array::Int64Array>()
        .expect("Int64 for an integer range")
        .clone();
    for (i, u) in d.columns["unit.delay"].iter().enumerate() {
        assert_eq!(delay.value(i), 1 + (u * 30.0).floor() as i64);
    }
    // The dummy is in the design but not in the scenario: every run's hash is that of
    // the scenario with the two real parameters alone, so it ran as if it were absent.
    let sweep: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("s/sweep.json")).expect("sweep.json"))
            .expect("json");
    assert_eq!(sweep["parameters"][2]["dummy"], true);
    assert_eq!(sweep["design"]["kind"], "lhs");
    assert_eq!(sweep["runs"], 7);
}

/// A shard runs its slice and leaves results.parquet to the last; the full command
/// then runs only what is missing; the union equals a sweep run in one go, and the
/// log has each run once. A torn last status line is ignored and its run redone.
#[test]
fn shards_resume_and_torn_lines() {
    let dir = scratch("resume");
    let file = spec(&dir, "grid", &grid_spec("common"));
    ok(&credsim(
        &dir,
        &["sweep", &file, "--out", "whole", "--quiet"],
    ));
    let whole = read_results(&dir.join("whole/results.parquet")).expect("whole");

    let o = credsim(
        &dir,
        &["sweep", &file, "--out", "sharded", "--shard", "1/3"],
    );
    ok(&o);
    assert!(!dir.join("sharded/results.parquet").exists());
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("left for other shards"),
        "{}",
        text(&o)
    );
    let first: Vec<u64> = status_lines(&dir.join("sharded"))
        .iter()
        .map(|l| l["run_id"].as_u64().expect("id"))
        .collect();
    let mut sorted = first.clone();
    sorted.sort();
    assert_eq!(sorted, [0, 3, 6]);
    ok(&credsim(
        &dir,
        &["sweep", &file, "--out", "sharded", "--shard", "3/3"],
    ));
    // The full command does the rest only: shard 2's runs 1, 4, 7.
    let o = credsim(&dir, &["sweep", &file, "--out", "sharded"]);
    ok(&o);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("3 to do (5 done)"),
        "{}",
        text(&o)
    );
    let mut ids: Vec<u64> = status_lines(&dir.join("sharded"))
        .iter()
        .map(|l| l["run_id"].as_u64().expect("id"))
        .collect();
    ids.sort();
    assert_eq!(ids, (0..8).collect::<Vec<_>>(), "each run once");
    let sharded = read_results(&dir.join("sharded/results.parquet")).expect("sharded");
    assert!(sharded == whole, "shards ∪ = the whole sweep");

    // Tear the last line (a process killed mid-write): that run is redone, nothing else.
    let log = dir.join("sharded/status.jsonl");
    let bytes = std::fs::read(&log).expect("log");
    std::fs::write(&log, &bytes[..bytes.len() - 20]).expect("torn");
    std::fs::remove_file(dir.join("sharded/results.parquet")).expect("rm");
    let o = credsim(&dir, &["sweep", &file, "--out", "sharded"]);
    ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("1 to do (7 done; 1 torn status line ignored)"),
        "{}",
        text(&o)
    );
    let again = read_results(&dir.join("sharded/results.parquet")).expect("again");
    assert!(again == whole);
    // Nothing to do now: the same command succeeds at once.
    let o = credsim(&dir, &["sweep", &file, "--out", "sharded"]);
    ok(&o);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("0 to do (8 done"),
        "{}",
        text(&o)
    );
    // --collect rewrites results.parquet of a complete folder.
    std::fs::remove_file(dir.join("sharded/results.parquet")).expect("rm");
    ok(&credsim(
        &dir,
        &["sweep", "--collect", "sharded", "--quiet"],
    ));
    assert!(read_results(&dir.join("sharded/results.parquet")).expect("collected") == whole);
}

/// A value the scenario refuses, and a run too long for the time limit, fail alone: logged
/// with their errors, the other runs complete and results.parquet holds theirs.
#[test]
fn a_failing_run_is_recorded_and_the_others_complete() {
    let dir = scratch("failed");
    let body = r#"
[base]
preset = "suining-2010"
years = 1

[design]
kind = "grid"

[[parameter]]
name = "rate"
path = "behaviours.traffic_violation.rate_per_year"
values = [0.2, -1.0]

[[parameter]]
name = "persons"
path = "population.persons"
values = [2000, 2_000_000_000]
"#;
    let file = spec(&dir, "fails", body);
    let o = credsim(&dir, &["sweep", &file, "--out", "s", "--time-limit", "1"]);
    ok(&o);
    let lines = status_lines(&dir.join("s"));
    let by_id: BTreeMap<u64, &serde_json::Value> = lines
        .iter()
        .map(|l| (l["run_id"].as_u64().expect("id"), l))
        .collect();
    assert_eq!(by_id.len(), 4);
    assert_eq!(by_id[&0]["status"], "succeeded");
    let too_big = by_id[&1]["error"].as_str().expect("error");
    assert!(too_big.contains("more than the limit"), "{too_big}");
    for r in [2, 3] {
        assert_eq!(by_id[&r]["status"], "failed");
        let e = by_id[&r]["error"].as_str().expect("error");
        assert!(e.contains("rate_per_year"), "{e}");
    }
    let results = read_results(&dir.join("s/results.parquet")).expect("results");
    assert!(results.run_id.iter().all(|&r| r == 0));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("3 failed"),
        "{}",
        text(&o)
    );
}

/// Another spec on an existing sweep folder is refused (exit 2), with what differs;
/// --force starts again.
#[test]
fn another_spec_on_a_folder_is_refused_unless_forced() {
    let dir = scratch("other");
    let file = spec(&dir, "grid", &grid_spec("common"));
    ok(&credsim(&dir, &["sweep", &file, "--out", "s", "--quiet"]));
    let other = spec(&dir, "other", &grid_spec("independent"));
    let o = credsim(&dir, &["sweep", &other, "--out", "s", "--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("the spec's `runs` differs"),
        "{}",
        text(&o)
    );
    let o = credsim(
        &dir,
        &["sweep", &file, "--out", "s", "--quiet", "--persons", "3000"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("base"), "{}", text(&o));
    ok(&credsim(
        &dir,
        &["sweep", &other, "--out", "s", "--quiet", "--force"],
    ));
    let sweep: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("s/sweep.json")).expect("sweep.json"))
            .expect("json");
    assert_eq!(sweep["seeds"], "independent");
    // A folder that is not a sweep's is not touched.
    std::fs::create_dir_all(dir.join("mine")).expect("dir");
    std::fs::write(dir.join("mine/keep.txt"), "x").expect("file");
    let o = credsim(&dir, &["sweep", &file, "--out", "mine", "--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(dir.join("mine/keep.txt").exists());
}

/// Bad specs: every error names the file, line and field, and what is allowed.
#[test]
fn bad_specs_are_located() {
    let dir = scratch("bad");
    let param = r#"
[design]
kind = "lhs"
points = 4

[[parameter]]
name = "rate"
path = "behaviours.traffic_violation.rate_per_year"
range = [0.1, 0.2]
"#;
    let cases: Vec<(String, &str)> = vec![
        (
            format!("{SMALL}{param}\nbogus = 1\n"),
            "unknown field `bogus`",
        ),
        (
            format!("{SMALL}{}", param.replace("lhs", "latin")),
            "unknown variant `latin`",
        ),
        (
            format!(
                "{SMALL}{}",
                param.replace("range = [0.1, 0.2]", "range = [0.3, 0.2]")
            ),
            "parameter[0].range",
        ),
        (
            format!(
                "{SMALL}{}",
                param.replace("range = [0.1, 0.2]", "values = [0.1]\nrange = [0.1, 0.2]")
            ),
            "exactly one of values, range",
        ),
        (
            format!("{SMALL}{}", param.replace("traffic_violation", "nope")),
            "no element with id `nope`",
        ),
        (
            format!("{SMALL}{}", param.replace("points = 4", "")),
            "needs `points`",
        ),
        (
            format!(
                "{SMALL}{}",
                param.replace(
                    "path = \"behaviours.traffic_violation.rate_per_year\"",
                    "path = \"simulation.seed\""
                )
            ),
            "simulation.seed cannot be a parameter",
        ),
        (param.to_string(), "missing field `base`"),
        (
            format!(
                "{SMALL}{}",
                param.replace("kind = \"lhs\"\npoints = 4", "kind = \"sobol\"\nn = 1")
            ),
            "`n` must be at least 2",
        ),
        (
            format!(
                "{SMALL}{}",
                param.replace(
                    "kind = \"lhs\"\npoints = 4",
                    "kind = \"morris\"\ntrajectories = 1"
                )
            ),
            "`trajectories` must be at least 2",
        ),
    ];
    for (i, (body, want)) in cases.iter().enumerate() {
        let file = spec(&dir, &format!("bad{i}"), body);
        let o = credsim(
            &dir,
            &["sweep", &file, "--out", &format!("s{i}"), "--quiet"],
        );
        assert_eq!(o.status.code(), Some(2), "case {i}: {}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(want), "case {i}: wanted {want:?} in\n{err}");
        assert!(
            err.contains(&format!("{file}:")),
            "case {i}: names the file and line\n{err}"
        );
        assert!(!dir.join(format!("s{i}")).exists(), "case {i}: no folder");
    }
    // The line is the field's: the reversed range is on line 14 of its spec.
    let o = credsim(&dir, &["sweep", "bad2.toml", "--out", "x", "--quiet"]);
    let err = String::from_utf8_lossy(&o.stderr);
    let line = cases[2]
        .0
        .lines()
        .position(|l| l.starts_with("range"))
        .expect("line")
        + 1;
    assert!(err.contains(&format!("bad2.toml:{line}:")), "{err}");
}

/// The tables' schemas (docs/sweep.md), provenance in their metadata, audit estimates
/// with their se (20,000 persons: enough households for jackknife groups), and optional
/// time series parts with a run_id column.
#[test]
fn tables_have_the_documented_schema() {
    let dir = scratch("schema");
    let body = format!(
        r#"{}
[design]
kind = "random"
points = 3

[runs]
timeseries = true

[[parameter]]
name = "rate"
path = "behaviours.traffic_violation.rate_per_year"
normal = {{ mean = 0.3, sd = 0.05 }}

[[parameter]]
name = "source"
path = "sources.traffic_police.description"
values = ["a", "b"]
"#,
        SMALL.replace("persons = 2000", "persons = 20000")
    );
    let file = spec(&dir, "random", &body);
    ok(&credsim(&dir, &["sweep", &file, "--out", "s", "--quiet"]));
    let (schema, _, meta) = read_batches(&dir.join("s/results.parquet"));
    let fields: Vec<(String, DataType, bool)> = schema
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone(), f.is_nullable()))
        .collect();
    assert_eq!(
        fields,
        [
            ("run_id".into(), DataType::UInt64, false),
            ("measure".into(), DataType::Utf8, false),
            ("value".into(), DataType::Float64, true),
            ("se".into(), DataType::Float64, true),
        ]
    );
    assert_eq!(meta["format"], "credsim-sweep/1");
    assert_eq!(meta["scenario"], "suining-2010");
    assert!(meta.contains_key("credsim_version") && meta.contains_key("root_seed"));
    let (schema, _, _) = read_batches(&dir.join("s/design.parquet"));
    let types: Vec<(String, DataType)> = schema
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect();
    assert_eq!(
        types,
        [
            ("run_id".into(), DataType::UInt64),
            ("point_id".into(), DataType::UInt64),
            ("replicate".into(), DataType::UInt32),
            ("seed".into(), DataType::UInt64),
            ("scenario_hash".into(), DataType::Utf8),
            ("rate".into(), DataType::Float64),
            ("source".into(), DataType::Utf8),
            ("unit.rate".into(), DataType::Float64),
            ("unit.source".into(), DataType::Float64),
        ]
    );
    let results = read_results(&dir.join("s/results.parquet")).expect("results");
    let r0 = run_rows(&results, 0);
    assert_eq!(r0["summary.persons"], (Some(20000.0), None));
    assert!(
        r0.iter()
            .any(|(m, (_, se))| m.starts_with("audit.") && se.is_some()),
        "audit estimates have their se"
    );
    // Time series: parts under timeseries/ with run_id first, one row per period and run.
    let parts: Vec<PathBuf> = std::fs::read_dir(dir.join("s/timeseries"))
        .expect("timeseries folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    let mut rows = 0;
    for p in &parts {
        let (schema, batches, _) = read_batches(p);
        assert_eq!(schema.field(0).name(), "run_id");
        rows += batches.iter().map(RecordBatch::num_rows).sum::<usize>();
    }
    assert_eq!(rows, 3 * 24, "3 runs × 24 months");
}

/// The example spec runs (small), as docs/sweep.md shows it.
#[test]
fn the_example_spec_runs_small() {
    let dir = scratch("example");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/suining-lhs.toml");
    let example = example.to_str().expect("path");
    let o = credsim(
        &dir,
        &[
            "sweep",
            example,
            "--persons",
            "1000",
            "--years",
            "1",
            "--out",
            "s",
            "--quiet",
        ],
    );
    ok(&o);
    let sweep: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("s/sweep.json")).expect("sweep.json"))
            .expect("json");
    assert_eq!(sweep["runs"], 80);
    let results = read_results(&dir.join("s/results.parquet")).expect("results");
    assert_eq!(results.run_id.last(), Some(&79));
}

/// Ctrl-C: the sweep stops with exit code 130, keeping the runs it finished; the same
/// command then runs only the others, and the results equal an uninterrupted sweep's.
#[cfg(unix)]
#[test]
fn an_interrupted_sweep_resumes_where_it_stopped() {
    let dir = scratch("interrupt");
    let body = format!(
        r#"{}
[design]
kind = "random"
points = 24

[[parameter]]
name = "rate"
path = "behaviours.traffic_violation.rate_per_year"
range = [0.1, 0.5]
"#,
        SMALL.replace("persons = 2000", "persons = 20000")
    );
    let file = spec(&dir, "random", &body);
    ok(&credsim(
        &dir,
        &["sweep", &file, "--out", "whole", "--quiet"],
    ));
    let whole = read_results(&dir.join("whole/results.parquet")).expect("whole");
    let child = Command::new(env!("CARGO_BIN_EXE_credsim"))
        .args(["sweep", &file, "--out", "cut", "--quiet"])
        .current_dir(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Interrupt once the folder exists and some runs may have finished.
    let started = std::time::Instant::now();
    while !dir.join("cut/status.jsonl").exists() && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let o = child.wait_with_output().expect("wait");
    let done = status_lines(&dir.join("cut")).len();
    if o.status.success() {
        // It finished before the signal: nothing left to check but the results.
        eprintln!("finished before the signal");
        assert_eq!(done, 24);
    } else {
        assert_eq!(o.status.code(), Some(130), "{}", text(&o));
        assert!(
            text(&o).contains("run the same command again"),
            "{}",
            text(&o)
        );
        assert!(!dir.join("cut/results.parquet").exists());
        let again = credsim(&dir, &["sweep", &file, "--out", "cut"]);
        ok(&again);
        let want = format!("{} to do ({done} done)", 24 - done);
        eprintln!("interrupted after {done} runs");
        assert!(text(&again).contains(&want), "{want}: {}", text(&again));
        assert_eq!(status_lines(&dir.join("cut")).len(), 24, "no run twice");
    }
    let cut = read_results(&dir.join("cut/results.parquet")).expect("cut");
    assert!(cut == whole);
}
