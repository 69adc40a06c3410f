//! `credsim sensitivity` on hand-made sweep folders laid out as the sweep contract says
//! (sweep.json, design.parquet, results.parquet): the indices of known functions, the
//! dummy parameter, constant and undefined measures, replicates under common random
//! numbers, and errors for incomplete or wrong folders.

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray, UInt32Array, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use credsim_experiments::{morris, sobol};
use parquet::arrow::ArrowWriter;
use serde_json::{Value, json};
use std::f64::consts::PI;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

fn credsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_credsim"))
        .args(args)
        .output()
        .expect("credsim runs")
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("credsim-sens-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn write_parquet(path: &Path, fields: Vec<Field>, cols: Vec<ArrayRef>) {
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), cols).expect("batch");
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).expect("file"), schema, None)
        .expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
}

/// The Ishigami function on unit coordinates (a = 7, b = 0.1).
fn ishigami(u: &[f64]) -> f64 {
    let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

/// A deterministic "seed effect" of replicate k at a point (common random numbers:
/// the same k gives the same draw of the noise function everywhere).
fn seed_noise(k: usize, u: &[f64]) -> f64 {
    let s = (k as f64 + 1.0) * 12.9898 + u.iter().sum::<f64>() * 78.233;
    0.05 * (s.sin() * 43_758.547).fract()
}

/// Lays out a sweep folder: the design's unit rows (one point each), `replicates`
/// runs per point, four parameters (x1, x2, x3 and a dummy), and measures
/// summary.ishigami (x1..x3, plus seed noise), summary.linear (3·x1 + x2),
/// summary.constant and audit.undefined (null in run 3).
fn folder(name: &str, design: Value, rows: &[Vec<f64>], replicates: usize) -> PathBuf {
    let dir = scratch(name);
    let params = ["x1", "x2", "x3", "dummy"];
    let runs = rows.len() * replicates;
    let info = json!({
        "format": "credsim-sweep/1",
        "credsim_version": "test",
        "root_seed": 11,
        "seeds": "common",
        "base": { "name": "hand-made", "hash": "0" },
        "design": design,
        "parameters": params.iter().map(|p| json!({
            "name": p,
            "path": if *p == "dummy" { "" } else { "sources.x.capture.default" },
            "kind": "uniform", "low": 0.0, "high": 1.0
        })).collect::<Vec<_>>(),
        "runs": runs,
    });
    std::fs::write(dir.join("sweep.json"), info.to_string()).expect("sweep.json");
    // Run ids point-major: run = point · R + replicate.
    let point = |id: usize| id / replicates;
    let mut fields = vec![
        Field::new("run_id", DataType::UInt64, false),
        Field::new("point_id", DataType::UInt64, false),
        Field::new("replicate", DataType::UInt32, false),
        Field::new("seed", DataType::UInt64, false),
        Field::new("scenario_hash", DataType::Utf8, false),
    ];
    let mut cols: Vec<ArrayRef> = vec![
        Arc::new(UInt64Array::from_iter_values(0..runs as u64)),
        Arc::new(UInt64Array::from_iter_values(
            (0..runs).map(|i| point(i) as u64),
        )),
        Arc::new(UInt32Array::from_iter_values(
            (0..runs).map(|i| (i % replicates) as u32),
        )),
        Arc::new(UInt64Array::from_iter_values(
            (0..runs).map(|i| (i % replicates) as u64),
        )),
        Arc::new(StringArray::from_iter_values(
            (0..runs).map(|i| format!("h{}", point(i))),
        )),
    ];
    for (k, p) in params.iter().enumerate() {
        fields.push(Field::new(*p, DataType::Float64, false));
        cols.push(Arc::new(Float64Array::from_iter_values(
            (0..runs).map(|i| rows[point(i)][k] * 2.0),
        )));
        fields.push(Field::new(format!("unit.{p}"), DataType::Float64, false));
        cols.push(Arc::new(Float64Array::from_iter_values(
            (0..runs).map(|i| rows[point(i)][k]),
        )));
    }
    write_parquet(&dir.join("design.parquet"), fields, cols);

    let (mut ids, mut measures, mut values) = (vec![], vec![], vec![]);
    for id in 0..runs {
        let u = &rows[point(id)];
        let k = id % replicates;
        for (m, v) in [
            ("summary.ishigami", Some(ishigami(u) + seed_noise(k, u))),
            ("summary.linear", Some(3.0 * u[0] + u[1])),
            ("summary.constant", Some(4.0)),
            ("audit.undefined", (id != 3).then_some(u[0])),
        ] {
            ids.push(id as u64);
            measures.push(m);
            values.push(v);
        }
    }
    let se = vec![None::<f64>; ids.len()];
    write_parquet(
        &dir.join("results.parquet"),
        vec![
            Field::new("run_id", DataType::UInt64, false),
            Field::new("measure", DataType::Utf8, false),
            Field::new("value", DataType::Float64, true),
            Field::new("se", DataType::Float64, true),
        ],
        vec![
            Arc::new(UInt64Array::from(ids)),
            Arc::new(StringArray::from(measures)),
            Arc::new(Float64Array::from(values)),
            Arc::new(Float64Array::from(se)),
        ],
    );
    dir
}

fn report(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("sensitivity.json")).expect("json"))
        .expect("valid JSON")
}

fn measure<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["measures"]
        .as_array()
        .expect("measures")
        .iter()
        .find(|m| m["measure"] == name)
        .unwrap_or_else(|| panic!("{name} in {r}"))
}

#[test]
fn sobol_sweep_indices_dummy_constant_and_replicates() {
    let n = 512;
    let rows = sobol::saltelli(n, 4, false, 3);
    let dir = folder(
        "sobol",
        json!({"kind": "sobol", "n": n, "second_order": false}),
        &rows,
        2,
    );
    let o = credsim(&["sensitivity", dir.to_str().unwrap(), "--bootstrap", "200"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    // Ranked: Ishigami (largest ST ≈ 0.56) after the linear measure (ST of x1 ≈ 0.9).
    let linear_at = out.find("summary.linear").expect("linear row");
    let ishigami_at = out.find("summary.ishigami").expect("ishigami row");
    assert!(linear_at < ishigami_at, "{out}");
    assert!(out.contains("sensitivity.json") && out.contains("sensitivity.html"));

    let r = report(&dir);
    assert_eq!(r["format"], "credsim-sensitivity/1");
    assert_eq!(r["sweep"]["replicates"], 2);
    let lin = measure(&r, "summary.linear");
    // 3·x1 + x2: S1 = ST = (0.9, 0.1, 0, 0); the dummy and x3 are exactly 0.
    for (i, truth) in [0.9, 0.1, 0.0, 0.0].into_iter().enumerate() {
        for which in ["s1", "st"] {
            let e = &lin["sobol"][which][i];
            let (v, lo, hi) = (
                e["value"].as_f64().unwrap(),
                e["low"].as_f64().unwrap(),
                e["high"].as_f64().unwrap(),
            );
            assert!(lo <= truth && truth <= hi, "linear {which}[{i}] {e}");
            if truth == 0.0 {
                assert!(v.abs() < 1e-12, "linear {which}[{i}] {e}");
            }
        }
    }
    // Ishigami plus a small seed effect: the published indices within the intervals
    // widened by the noise (its share is reported), the dummy's ST near 0.
    let ish = measure(&r, "summary.ishigami");
    let share = ish["noise"]["share_of_means"].as_f64().unwrap();
    assert!(share > 0.0 && share < 0.01, "{}", ish["noise"]);
    for (i, (s1, st)) in [(0.3139, 0.5576), (0.4424, 0.4424), (0.0, 0.2437)]
        .into_iter()
        .enumerate()
    {
        let e1 = &ish["sobol"]["s1"][i];
        let et = &ish["sobol"]["st"][i];
        let near = |e: &Value, t: f64| {
            (e["value"].as_f64().unwrap() - t).abs() <= 1.5 * e["conf"].as_f64().unwrap() + 0.02
        };
        assert!(near(e1, s1) && near(et, st), "ishigami {i}: {e1} {et}");
    }
    let dummy_st = &ish["sobol"]["st"][3];
    assert!(dummy_st["value"].as_f64().unwrap() < 0.01, "{dummy_st}");
    // Common random numbers: each replicate analysed alone too.
    let per = ish["per_replicate"].as_array().expect("per replicate");
    assert_eq!(per.len(), 2);
    assert_eq!(per[0]["st"].as_array().unwrap().len(), 4);
    // Constant and undefined measures are skipped with the reason.
    let skipped = r["skipped"].as_array().unwrap();
    let reason = |m: &str| {
        skipped
            .iter()
            .find(|s| s["measure"] == m)
            .map(|s| s["reason"].as_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert!(
        reason("summary.constant").contains("constant"),
        "{skipped:?}"
    );
    assert!(reason("audit.undefined").contains("run 3"), "{skipped:?}");
    // The page: one chart per measure with indices, each with marks.
    let html = std::fs::read_to_string(dir.join("sensitivity.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 2);
    assert!(html.contains("class=\"mark\"") && html.contains("summary.constant"));

    // Asking for a constant measure by name is an error naming it.
    let o = credsim(&[
        "sensitivity",
        dir.to_str().unwrap(),
        "--measure",
        "summary.constant",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("summary.constant") && text(&o).contains("constant"));
    let o = credsim(&[
        "sensitivity",
        dir.to_str().unwrap(),
        "--measure",
        "nothing.like.it",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    // The same folder and seed give the same bytes.
    let first = std::fs::read(dir.join("sensitivity.json")).unwrap();
    let o = credsim(&[
        "sensitivity",
        dir.to_str().unwrap(),
        "--bootstrap",
        "200",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(first, std::fs::read(dir.join("sensitivity.json")).unwrap());
    if std::env::var_os("CREDSIM_KEEP").is_none() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn morris_sweep_effects() {
    let (r, d) = (20, 4);
    let rows = morris::trajectories(r, d, 4, 9).expect("design");
    let dir = folder(
        "morris",
        json!({"kind": "morris", "trajectories": r, "levels": 4}),
        &rows,
        1,
    );
    let o = credsim(&[
        "sensitivity",
        dir.to_str().unwrap(),
        "--measure",
        "summary.linear",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let rep = report(&dir);
    let lin = measure(&rep, "summary.linear");
    // 3·x1 + x2: μ* = (3, 1, 0, 0), σ = 0.
    for (i, truth) in [3.0, 1.0, 0.0, 0.0].into_iter().enumerate() {
        let mu = lin["morris"]["mu_star"][i]["value"].as_f64().unwrap();
        let sigma = lin["morris"]["sigma"][i].as_f64().unwrap();
        assert!(
            (mu - truth).abs() < 1e-9 && sigma.abs() < 1e-9,
            "{i}: {mu} {sigma}"
        );
    }
    assert_eq!(rep["measures"].as_array().unwrap().len(), 1);
    let html = std::fs::read_to_string(dir.join("sensitivity.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 2);
    if std::env::var_os("CREDSIM_KEEP").is_none() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn incomplete_or_wrong_folders_are_errors() {
    let rows = sobol::saltelli(8, 4, false, 1);
    let design = json!({"kind": "sobol", "n": 8, "second_order": false});
    let arg = |d: &Path| d.to_str().unwrap().to_owned();

    let dir = folder("nores", design.clone(), &rows, 1);
    std::fs::remove_file(dir.join("results.parquet")).unwrap();
    let o = credsim(&["sensitivity", &arg(&dir)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("results.parquet") && text(&o).contains("not finished"));

    let dir = folder("lhs", json!({"kind": "lhs", "n": 8}), &rows, 1);
    let o = credsim(&["sensitivity", &arg(&dir)]);
    assert!(text(&o).contains("`sobol` or `morris`"), "{}", text(&o));

    let dir = folder("short", json!({"kind": "sobol", "n": 16}), &rows, 1);
    let o = credsim(&["sensitivity", &arg(&dir)]);
    assert!(text(&o).contains("48 points"), "{}", text(&o));

    let dir = folder("nojson", design.clone(), &rows, 1);
    std::fs::remove_file(dir.join("sweep.json")).unwrap();
    let o = credsim(&["sensitivity", &arg(&dir)]);
    assert!(text(&o).contains("sweep.json"), "{}", text(&o));

    let o = credsim(&["sensitivity", "/nonexistent/sweep"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("not a folder"), "{}", text(&o));
    for name in ["nores", "lhs", "short", "nojson"] {
        let _ = std::fs::remove_dir_all(
            std::env::temp_dir().join(format!("credsim-sens-{name}-{}", std::process::id())),
        );
    }
}
