//! The calibration folder's data files: calibration.json, posterior.parquet,
//! predictive.parquet and the spec as given (spec.toml). They lay out computed results.

use super::Parallel;
use super::fit::{Predictive, Report};
use super::spec::{Role, Spec};
use crate::CliError;
use crate::output::Staging;
use credsim_experiments::abc::Fit;
use credsim_model::Loaded;
use credsim_tables::{Column, Provenance, write_columns};
use std::path::Path;

/// The format of calibration.json.
pub const FORMAT: &str = "credsim-calibration/1";

/// What every file names.
pub struct Context<'a> {
    /// The resolved spec.
    pub spec: &'a Spec,
    /// Its text as given.
    pub text: &'a str,
    /// Its file.
    pub file: &'a Path,
    /// The base scenario with the fixed sets, at the fitting size (no parameter set).
    pub reference: &'a Loaded,
    /// Simulated → real.
    pub factor: f64,
    /// Runs at once and threads each.
    pub parallel: Parallel,
    /// Wall time so far, seconds.
    pub wall: f64,
}

fn out(e: impl std::fmt::Display) -> CliError {
    CliError::Output(e.to_string())
}

/// Writes every data file into the staging folder.
pub fn all(
    staging: &Staging,
    c: &Context,
    fit: &Fit,
    pred: &Predictive,
    report: &Report,
) -> Result<(), CliError> {
    let m = &c.reference.model;
    let json = serde_json::json!({
        "format": FORMAT,
        "credsim_version": credsim_engine::VERSION,
        "spec": {
            "file": c.file.display().to_string(),
            "text": c.text,
            "resolved": c.spec,
        },
        "seed": c.spec.seed,
        "base": {
            "scenario": m.name,
            "hash": m.hash,
            "persons": m.persons,
            "days": m.days,
            "start_date": m.start.map(|d| d.to_string()),
        },
        "scale": {
            "factor": c.factor,
            "population": c.spec.scale.population,
            "simulated_persons": m.persons,
            "note": "simulated counts of statistics with scaled = true are multiplied by factor = population / simulated persons (or the given factor)",
        },
        "seeds": "simulation k of generation t: a SplitMix64 stream keyed by (seed, t, k); posterior-predictive run i: keyed by (seed, i)",
        "stop": report.stop,
        "converged": report.converged,
        "epsilon": report.epsilon,
        "simulations": report.simulations,
        "generations": report.generations,
        "parameters": report.parameters,
        "fit": report.fit,
        "predictions": report.predictions,
        "predictive": {
            "runs": pred.runs.len(),
            "failures": pred.failures,
            "first_failure": pred.first_failure,
            "years": pred.years,
            "bands": pred.bands,
        },
        "run": {
            "wall_seconds": c.wall,
            "jobs": c.parallel.jobs,
            "threads": c.parallel.threads,
            "note": "varies between identical calibrations; nothing else in this file does",
        },
    });
    let text = serde_json::to_string_pretty(&json).map_err(out)? + "\n";
    std::fs::write(staging.path("calibration.json"), text).map_err(out)?;
    std::fs::write(staging.path("spec.toml"), c.text).map_err(out)?;
    let prov = Provenance::of(m);
    let extra = vec![
        ("format".to_string(), FORMAT.to_string()),
        ("calibration".to_string(), c.spec.name.clone()),
        ("calibration_seed".to_string(), c.spec.seed.to_string()),
        ("scale_factor".to_string(), c.factor.to_string()),
    ];
    // posterior.parquet: one row per particle.
    let pop = &fit.population;
    let n = pop.weights.len();
    let particle: Vec<u64> = (0..n as u64).collect();
    let mut cols: Vec<(String, Vec<f64>)> = Vec::new();
    cols.push(("weight".into(), pop.weights.clone()));
    for (k, p) in c.spec.parameters.iter().enumerate() {
        cols.push((
            p.name.clone(),
            pop.params.iter().map(|v| p.applied(v[k])).collect(),
        ));
    }
    cols.push(("distance".into(), pop.distances.clone()));
    let fitted: Vec<_> = c
        .spec
        .targets
        .iter()
        .filter(|t| t.role == Role::Fit)
        .collect();
    for (j, t) in fitted.iter().enumerate() {
        let sim: Vec<f64> = pop.outputs.iter().map(|o| o[j]).collect();
        cols.push((
            format!("z.{}", t.stat.name),
            sim.iter().map(|&s| t.target.residual(s)).collect(),
        ));
        cols.push((format!("sim.{}", t.stat.name), sim));
    }
    let mut columns: Vec<(String, Column)> = vec![
        ("particle".into(), Column::U64(particle)),
        ("seed".into(), Column::U64(pop.seeds.clone())),
    ];
    columns.extend(cols.iter().map(|(k, v)| (k.clone(), Column::floats(v))));
    write_columns(&staging.path("posterior.parquet"), &columns, &prov, &extra).map_err(out)?;
    // predictive.parquet: one row per posterior-predictive run.
    let run: Vec<u64> = pred.runs.iter().map(|r| r.index as u64).collect();
    let part: Vec<u64> = pred.runs.iter().map(|r| r.particle as u64).collect();
    let rseed: Vec<u64> = pred.runs.iter().map(|r| r.seed).collect();
    let mut pcols: Vec<(String, Vec<f64>)> = Vec::new();
    for (k, p) in c.spec.parameters.iter().enumerate() {
        pcols.push((
            p.name.clone(),
            pred.runs
                .iter()
                .map(|r| p.applied(pop.params[r.particle][k]))
                .collect(),
        ));
    }
    for (j, s) in pred.stats.iter().enumerate() {
        pcols.push((
            format!("sim.{}", s.name),
            pred.runs.iter().map(|r| r.values[j]).collect(),
        ));
    }
    let mut columns: Vec<(String, Column)> = vec![
        ("run".into(), Column::U64(run)),
        ("particle".into(), Column::U64(part)),
        ("seed".into(), Column::U64(rseed)),
    ];
    columns.extend(pcols.iter().map(|(k, v)| (k.clone(), Column::floats(v))));
    write_columns(&staging.path("predictive.parquet"), &columns, &prov, &extra).map_err(out)
}
