//! The example specs of examples/ (a Sobol' and a Morris sweep of suining-2010's main
//! assumed parameters), each run small — the design shrunk, 3,000 persons over 2
//! years — by `credsim sweep` and then analysed by `credsim sensitivity`. Under common
//! random numbers the dummy parameter must get indices of exactly 0 for every measure
//! (rows that differ only in it are the same scenario with the same seed); with
//! independent seeds its total-order index estimates the noise share instead.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn credsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_credsim"))
        .args(args)
        .output()
        .expect("credsim runs")
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("credsim-ex-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// The example spec with some lines replaced (each must exist), written into `dir`.
fn shrunk(example: &str, dir: &Path, replace: &[(&str, &str)]) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(example);
    let mut text = std::fs::read_to_string(&path).expect("example spec");
    for (from, to) in replace {
        assert!(text.contains(from), "{example} has no line `{from}`");
        text = text.replace(from, to);
    }
    let out = dir.join(example);
    std::fs::write(&out, text).expect("spec copy");
    out
}

/// Runs the sweep small and its sensitivity analysis; returns sensitivity.json.
fn sweep_and_analyse(spec: &Path, dir: &Path) -> Value {
    let folder = dir.join("sweep");
    let (spec, folder_s) = (spec.to_str().unwrap(), folder.to_str().unwrap());
    ok(credsim(&[
        "sweep",
        spec,
        "--out",
        folder_s,
        "--persons",
        "3000",
        "--years",
        "2",
        "--quiet",
    ]));
    let out = ok(credsim(&["sensitivity", folder_s, "--bootstrap", "50"]));
    assert!(out.contains("measure") && out.contains("noise"), "{out}");
    assert!(folder.join("sensitivity.html").exists());
    serde_json::from_slice(&std::fs::read(folder.join("sensitivity.json")).unwrap()).unwrap()
}

fn dummy_index(r: &Value) -> usize {
    r["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .position(|p| p["name"] == "noise")
        .expect("a dummy parameter named noise")
}

#[test]
fn sobol_example_runs_small_and_its_dummy_is_exactly_zero() {
    let dir = scratch("sobol");
    let spec = shrunk("suining-sobol.toml", &dir, &[("n = 64", "n = 8")]);
    let r = sweep_and_analyse(&spec, &dir);
    assert_eq!(r["sweep"]["design"], "sobol");
    assert_eq!(r["sweep"]["runs"], 8 * 9 * 2);
    let k = dummy_index(&r);
    let measures = r["measures"].as_array().unwrap();
    assert!(measures.len() > 10, "{} measures", measures.len());
    for m in measures {
        for which in ["s1", "st"] {
            let e = &m["sobol"][which][k];
            assert_eq!(
                e["value"].as_f64(),
                Some(0.0),
                "{} {which}: {e}",
                m["measure"]
            );
        }
        for rep in m["per_replicate"].as_array().unwrap() {
            if rep.get("st").is_some() {
                assert_eq!(rep["st"][k].as_f64(), Some(0.0), "{}", m["measure"]);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn morris_example_runs_small_and_its_dummy_has_no_effect() {
    let dir = scratch("morris");
    let spec = shrunk(
        "suining-morris.toml",
        &dir,
        &[("trajectories = 20", "trajectories = 4")],
    );
    let r = sweep_and_analyse(&spec, &dir);
    assert_eq!(r["sweep"]["design"], "morris");
    assert_eq!(r["sweep"]["runs"], 4 * 8 * 2);
    let k = dummy_index(&r);
    for m in r["measures"].as_array().unwrap() {
        let mu = m["morris"]["mu_star"][k]["value"].as_f64();
        assert_eq!(mu, Some(0.0), "{}", m["measure"]);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn with_independent_seeds_the_dummy_measures_the_noise() {
    // One replicate, a fresh seed per point: rows differing only in the dummy now
    // differ by seed noise, so the dummy's ST is positive where the measure is noisy.
    let dir = scratch("independent");
    let spec = shrunk(
        "suining-sobol.toml",
        &dir,
        &[
            ("n = 64", "n = 16"),
            ("replicates = 2", "replicates = 1"),
            ("seeds = \"common\"", "seeds = \"independent\""),
        ],
    );
    let r = sweep_and_analyse(&spec, &dir);
    assert_eq!(r["sweep"]["seeds"], "independent");
    let k = dummy_index(&r);
    let positive = r["measures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["sobol"]["st"][k]["value"].as_f64().unwrap_or(0.0) > 0.0)
        .count();
    assert!(positive > 0, "no measure shows noise through the dummy");
    let _ = std::fs::remove_dir_all(&dir);
}
