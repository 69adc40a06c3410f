//! Reads a finished `sobol` or `morris` sweep folder (docs/sweep.md): what was swept
//! (`sweep.json`), the runs (`design.parquet`) and their measures (`results.parquet`),
//! into plain values indexed by run id. Knows the folder's format; computes nothing.

use crate::CliError;
use credsim_tables::read::{Column, Columns, read_columns};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// How replicates got their seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeds {
    /// Common random numbers: the seed depends on the replicate only.
    Common,
    /// Independent: a seed per (point, replicate).
    Independent,
}

impl Seeds {
    pub fn name(self) -> &'static str {
        match self {
            Seeds::Common => "common",
            Seeds::Independent => "independent",
        }
    }
}

/// The design the sweep ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// Saltelli's design of N base rows.
    Sobol { n: usize, second_order: bool },
    /// Morris trajectories on a grid of levels.
    Morris { r: usize, levels: usize },
}

/// A swept parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Its name (the design's column).
    pub name: String,
    /// The scenario key path it sets (empty for a dummy).
    pub path: String,
    /// Its entry in sweep.json, as given (range, distribution…).
    pub spec: Value,
}

/// One run of the design.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub point: usize,
    pub replicate: usize,
}

/// A measure's value in every run (None: null, or the run has no row for it).
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// A sweep folder, read.
#[derive(Debug, Clone)]
pub struct Sweep {
    pub dir: PathBuf,
    pub scenario: String,
    pub scenario_hash: String,
    pub root_seed: u64,
    pub seeds: Seeds,
    pub design: Design,
    pub parameters: Vec<Parameter>,
    pub replicates: usize,
    /// Points of the design, in design order.
    pub points: usize,
    /// Unit coordinates per point (d each).
    pub unit: Vec<Vec<f64>>,
    /// Runs by run id.
    pub runs: Vec<Run>,
    /// Every measure of results.parquet, by name.
    pub measures: Vec<Measure>,
}

fn bad(path: &Path, what: impl std::fmt::Display) -> CliError {
    CliError::Usage(format!("`{}`: {what}", path.display()))
}

/// A field of sweep.json by one of its names (the first present).
fn field<'a>(v: &'a Value, names: &[&str]) -> Option<&'a Value> {
    names
        .iter()
        .find_map(|n| v.get(*n))
        .filter(|v| !v.is_null())
}

fn uint(v: &Value, names: &[&str]) -> Option<usize> {
    field(v, names).and_then(Value::as_u64).map(|x| x as usize)
}

fn text<'a>(v: &'a Value, names: &[&str]) -> Option<&'a str> {
    field(v, names).and_then(Value::as_str)
}

/// Reads the folder; errors name the file and what is missing or wrong.
pub fn read(dir: &Path) -> Result<Sweep, CliError> {
    let json_path = dir.join("sweep.json");
    if !dir.is_dir() {
        return Err(CliError::Usage(format!(
            "`{}` is not a folder: give the folder `credsim sweep` wrote",
            dir.display()
        )));
    }
    let text_json = std::fs::read_to_string(&json_path).map_err(|e| {
        bad(
            &json_path,
            format!("{e}: not a sweep folder (sweep.json is missing)"),
        )
    })?;
    let info: Value = serde_json::from_str(&text_json)
        .map_err(|e| bad(&json_path, format!("not valid JSON: {e}")))?;
    match text(&info, &["format"]) {
        Some(f) if f.starts_with("credsim-sweep/") => {}
        other => {
            return Err(bad(
                &json_path,
                format!(
                    "field `format` is {}, expected \"credsim-sweep/1\"",
                    other.map_or("missing".into(), |f| format!("\"{f}\""))
                ),
            ));
        }
    }
    let design_v =
        field(&info, &["design"]).ok_or_else(|| bad(&json_path, "field `design` is missing"))?;
    let kind = text(design_v, &["kind", "type"]).or_else(|| design_v.as_str());
    let sizes = |names: &[&str], what: &str| {
        uint(design_v, names)
            .or_else(|| uint(&info, names))
            .ok_or_else(|| bad(&json_path, format!("field `design.{what}` is missing")))
    };
    let design = match kind {
        Some("sobol") => Design::Sobol {
            n: sizes(&["n", "base_rows"], "n")?,
            second_order: field(design_v, &["second_order"])
                .and_then(Value::as_bool)
                .unwrap_or(false),
        },
        Some("morris") => Design::Morris {
            r: sizes(&["trajectories", "r", "n"], "trajectories")?,
            levels: sizes(&["levels"], "levels")?,
        },
        other => {
            return Err(bad(
                &json_path,
                format!(
                    "design `{}`: sensitivity indices need a `sobol` or `morris` sweep \
                     (for other designs, read results.parquet directly)",
                    other.unwrap_or("(none)")
                ),
            ));
        }
    };
    let seeds = match text(&info, &["seeds", "seed_scheme"])
        .or_else(|| field(&info, &["seeds"]).and_then(|s| text(s, &["scheme"])))
    {
        Some("independent") => Seeds::Independent,
        _ => Seeds::Common,
    };
    let parameters: Vec<Parameter> = field(&info, &["parameters"])
        .and_then(Value::as_array)
        .ok_or_else(|| bad(&json_path, "field `parameters` is missing"))?
        .iter()
        .map(|p| {
            Ok(Parameter {
                name: text(p, &["name"])
                    .ok_or_else(|| bad(&json_path, "a parameter has no `name`"))?
                    .to_owned(),
                path: text(p, &["path"]).unwrap_or("").to_owned(),
                spec: p.clone(),
            })
        })
        .collect::<Result<_, CliError>>()?;
    let base = field(&info, &["base", "scenario"]);
    let scenario = base
        .and_then(|b| text(b, &["name"]).or_else(|| b.as_str()))
        .unwrap_or("")
        .to_owned();
    let scenario_hash = base
        .and_then(|b| text(b, &["hash"]))
        .or_else(|| text(&info, &["scenario_hash", "base_hash"]))
        .unwrap_or("")
        .to_owned();
    let root_seed = field(&info, &["root_seed"])
        .and_then(Value::as_u64)
        .unwrap_or(0);

    let (runs, unit, replicates, points) = read_design(dir, &parameters)?;
    check_shape(&json_path, design, parameters.len(), points)?;
    let measures = read_results(dir, runs.len())?;
    Ok(Sweep {
        dir: dir.to_owned(),
        scenario,
        scenario_hash,
        root_seed,
        seeds,
        design,
        parameters,
        replicates,
        points,
        unit,
        runs,
        measures,
    })
}

/// The number of design points the design implies.
fn check_shape(json: &Path, design: Design, d: usize, points: usize) -> Result<(), CliError> {
    let expected = match design {
        Design::Sobol { n, second_order } => credsim_experiments::sobol::runs(n, d, second_order),
        Design::Morris { r, .. } => r * (d + 1),
    };
    if expected != points {
        return Err(bad(
            json,
            format!(
                "the design has {points} points in design.parquet, but {design:?} with {d} \
                 parameters has {expected}"
            ),
        ));
    }
    Ok(())
}

fn column<'a>(t: &'a Columns, path: &Path, name: &str) -> Result<&'a Column, CliError> {
    t.get(name)
        .ok_or_else(|| bad(path, format!("column `{name}` is missing")))
}

/// Runs by run id, unit coordinates per point, replicates, points.
type DesignRows = (Vec<Run>, Vec<Vec<f64>>, usize, usize);

fn read_design(dir: &Path, parameters: &[Parameter]) -> Result<DesignRows, CliError> {
    let path = dir.join("design.parquet");
    if !path.exists() {
        return Err(bad(&path, "missing: the sweep folder is incomplete"));
    }
    let units: Vec<String> = parameters
        .iter()
        .map(|p| format!("unit.{}", p.name))
        .collect();
    let mut wanted = vec!["run_id", "point_id", "replicate"];
    wanted.extend(units.iter().map(String::as_str));
    let t = read_columns(&path, Some(&wanted)).map_err(|e| CliError::Usage(e.to_string()))?;
    let (ids, pts, reps) = (
        column(&t, &path, "run_id")?,
        column(&t, &path, "point_id")?,
        column(&t, &path, "replicate")?,
    );
    let unit_cols = units
        .iter()
        .map(|u| column(&t, &path, u))
        .collect::<Result<Vec<_>, _>>()?;
    let mut runs = vec![None; t.rows];
    let mut points = 0;
    let mut replicates = 0;
    let mut unit: Vec<Option<Vec<f64>>> = Vec::new();
    for row in 0..t.rows {
        let at = |c: &Column, name: &str| {
            c.u64_at(row).map(|x| x as usize).ok_or_else(|| {
                bad(
                    &path,
                    format!("row {row}: `{name}` is not a non-negative integer"),
                )
            })
        };
        let (id, point, replicate) = (
            at(ids, "run_id")?,
            at(pts, "point_id")?,
            at(reps, "replicate")?,
        );
        if id >= t.rows || runs[id].is_some() {
            return Err(bad(
                &path,
                format!(
                    "row {row}: run_id {id} is repeated or out of range (run ids are 0..{})",
                    t.rows
                ),
            ));
        }
        runs[id] = Some(Run { point, replicate });
        points = points.max(point + 1);
        replicates = replicates.max(replicate + 1);
        let coords = unit_cols
            .iter()
            .zip(&units)
            .map(|(c, name)| {
                c.f64_at(row)
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| bad(&path, format!("row {row}: `{name}` is not a number")))
            })
            .collect::<Result<Vec<f64>, _>>()?;
        if unit.len() <= point {
            unit.resize(point + 1, None);
        }
        match &unit[point] {
            Some(prev) if *prev != coords => {
                return Err(bad(
                    &path,
                    format!("point {point} has different unit coordinates in row {row}"),
                ));
            }
            _ => unit[point] = Some(coords),
        }
    }
    let runs: Vec<Run> = runs.into_iter().flatten().collect();
    if runs.len() != points * replicates {
        return Err(bad(
            &path,
            format!(
                "{} runs for {points} points × {replicates} replicates: every point needs \
                 every replicate",
                runs.len()
            ),
        ));
    }
    let unit = unit
        .into_iter()
        .enumerate()
        .map(|(p, u)| u.ok_or_else(|| bad(&path, format!("point {p} has no run"))))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((runs, unit, replicates, points))
}

fn read_results(dir: &Path, runs: usize) -> Result<Vec<Measure>, CliError> {
    let path = dir.join("results.parquet");
    if !path.exists() {
        return Err(bad(
            &path,
            "missing: the sweep has not finished (results.parquet is written when every run \
             has succeeded or failed; rerun the same `credsim sweep` command to finish it)",
        ));
    }
    let t = read_columns(&path, Some(&["run_id", "measure", "value"]))
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let ids = column(&t, &path, "run_id")?;
    let value = column(&t, &path, "value")?;
    let Column::Text(names) = column(&t, &path, "measure")? else {
        return Err(bad(&path, "column `measure` is not a string column"));
    };
    let mut measures: Vec<Measure> = names
        .values
        .iter()
        .map(|n| Measure {
            name: n.clone(),
            values: vec![None; runs],
        })
        .collect();
    let mut seen = vec![false; runs];
    for row in 0..t.rows {
        let id = ids
            .u64_at(row)
            .map(|x| x as usize)
            .filter(|&id| id < runs)
            .ok_or_else(|| {
                bad(
                    &path,
                    format!("row {row}: run_id is not a run of the design"),
                )
            })?;
        let code =
            names.codes[row].ok_or_else(|| bad(&path, format!("row {row}: `measure` is null")))?;
        measures[code as usize].values[id] = value.f64_at(row);
        seen[id] = true;
    }
    let missing: Vec<usize> = (0..runs).filter(|&i| !seen[i]).collect();
    if let Some(&first) = missing.first() {
        return Err(CliError::Usage(format!(
            "`{}`: {} of {runs} runs have no results (first: run {first}{}); sensitivity \
             indices need every run of the design: rerun the same `credsim sweep` command to \
             retry failed runs",
            path.display(),
            missing.len(),
            failure(dir, first).map_or(String::new(), |e| format!(", which failed: {e}"))
        )));
    }
    measures.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(measures)
}

/// The error recorded in status.jsonl for a failed run, if any.
fn failure(dir: &Path, run: usize) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("status.jsonl")).ok()?;
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.get("run_id").and_then(Value::as_u64) == Some(run as u64))
        .filter(|v| v.get("status").and_then(Value::as_str) == Some("failed"))
        .filter_map(|v| v.get("error").and_then(Value::as_str).map(str::to_owned))
        .next_back()
}
