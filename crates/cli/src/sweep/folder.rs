//! The sweep folder: created whole (sweep.json, design.parquet, an empty status log
//! and parts/, under a temporary name renamed into place), or, when it exists,
//! checked to belong to the same sweep (docs/sweep.md, "The sweep folder").

use super::plan::Plan;
use super::spec::Kind;
use crate::CliError;
use credsim_tables::Provenance;
use serde_json::{Value, json};
use std::path::Path;

/// The format written in sweep.json.
pub const FORMAT: &str = "credsim-sweep/1";

fn out(path: &Path, e: impl std::fmt::Display) -> CliError {
    CliError::Output(format!("cannot write `{}`: {e}", path.display()))
}

/// What makes two sweeps the same: the resolved spec (but threads and the time
/// limit), the base scenario's hash (its file's content, the fixed overrides and the
/// root seed) and the credsim version.
pub fn identity(plan: &Plan) -> Value {
    json!({
        "spec": plan.spec,
        "base_hash": plan.base.model.hash,
        "credsim_version": credsim_engine::VERSION,
    })
}

/// The content of sweep.json.
pub fn describe(plan: &Plan) -> Value {
    let spec = &plan.spec;
    let d = spec.parameters.len();
    let parameters: Vec<Value> = spec
        .parameters
        .iter()
        .map(|p| {
            use credsim_experiments::design::Marginal as M;
            let kind = match p.marginal {
                M::Choice(_) => "values",
                M::Uniform { .. }
                | M::LogUniform { .. }
                | M::Integer { .. }
                | M::LogInteger { .. } => "range",
                M::Normal { .. } => "normal",
                M::TruncatedNormal { .. } => "truncated_normal",
                M::LogNormal { .. } => "lognormal",
                M::Triangular { .. } => "triangular",
            };
            json!({
                "name": p.name,
                "path": p.path,
                "dummy": p.path.is_none(),
                "kind": kind,
                "distribution": p.marginal,
                "values": p.values,
                "levels": p.levels,
            })
        })
        .collect();
    json!({
        "format": FORMAT,
        "credsim_version": credsim_engine::VERSION,
        "spec": {
            "file": spec.file.display().to_string(),
            "text": spec.text,
            "resolved": spec,
        },
        "root_seed": plan.root_seed,
        "seeds": spec.runs.seeds,
        "base": {
            "name": plan.base.model.name,
            "hash": plan.base.model.hash,
            "source": spec.base.source,
            "persons": plan.base.model.persons,
            "days": plan.base.model.days,
        },
        "design": {
            "kind": spec.design.kind,
            "points": plan.points.len(),
            "d": d,
            "n": spec.design.n,
            "second_order": spec.design.second_order,
            "trajectories": spec.design.trajectories,
            "levels": spec.design.levels,
            "seed": plan.design_seed,
            "unit_columns": spec.design.kind != Kind::Grid,
        },
        "parameters": parameters,
        "replicates": spec.runs.replicates,
        "audit": spec.runs.audit,
        "timeseries": spec.runs.timeseries,
        "runs": plan.runs.len(),
        "identity": identity(plan),
    })
}

/// The provenance written into every Parquet file of the sweep.
pub fn provenance(sweep: &Value) -> Provenance {
    let s = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Provenance {
        pairs: vec![
            ("format".into(), FORMAT.into()),
            ("credsim_version".into(), s(&sweep["credsim_version"])),
            ("scenario".into(), s(&sweep["base"]["name"])),
            ("scenario_hash".into(), s(&sweep["base"]["hash"])),
            ("root_seed".into(), s(&sweep["root_seed"])),
            ("seeds".into(), s(&sweep["seeds"])),
        ],
    }
}

/// Reads sweep.json of a folder.
pub fn read(dir: &Path) -> Result<Value, CliError> {
    let path = dir.join("sweep.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        CliError::Usage(format!(
            "`{}` is not a sweep folder (cannot read sweep.json: {e})",
            dir.display()
        ))
    })?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| CliError::Usage(format!("`{}` is not valid JSON: {e}", path.display())))?;
    if v["format"] != FORMAT {
        return Err(CliError::Usage(format!(
            "`{}` has format {}, not {FORMAT}",
            path.display(),
            v["format"]
        )));
    }
    Ok(v)
}

/// Creates the folder, or checks that the existing one is this sweep's (with
/// `force`, replaces it). Returns sweep.json's content.
pub fn prepare(plan: &Plan, dir: &Path, force: bool) -> Result<Value, CliError> {
    if dir.exists() {
        let empty = dir
            .read_dir()
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if force || empty {
            if dir.is_dir() {
                std::fs::remove_dir_all(dir).map_err(|e| out(dir, e))?;
            } else {
                return Err(CliError::Usage(format!(
                    "`{}` exists and is not a folder",
                    dir.display()
                )));
            }
        } else {
            return same_sweep(plan, dir);
        }
    }
    let sweep = describe(plan);
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sweep".into());
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| out(parent, e))?;
    let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(staging.join("parts")).map_err(|e| out(&staging, e))?;
    if plan.spec.runs.timeseries {
        std::fs::create_dir_all(staging.join("timeseries")).map_err(|e| out(&staging, e))?;
    }
    let text = serde_json::to_string_pretty(&sweep).map_err(|e| out(dir, e))? + "\n";
    std::fs::write(staging.join("sweep.json"), text).map_err(|e| out(&staging, e))?;
    credsim_tables::write_columns(
        &staging.join("design.parquet"),
        &plan.design_columns(),
        &provenance(&sweep),
        &[],
    )
    .map_err(|e| CliError::Output(e.to_string()))?;
    std::fs::write(staging.join(super::status::FILE), "").map_err(|e| out(&staging, e))?;
    if std::fs::rename(&staging, dir).is_err() {
        // Another shard created it first: use theirs if it is the same sweep.
        let _ = std::fs::remove_dir_all(&staging);
        return same_sweep(plan, dir);
    }
    Ok(sweep)
}

/// The existing folder's sweep.json, if it is this sweep's.
fn same_sweep(plan: &Plan, dir: &Path) -> Result<Value, CliError> {
    let sweep = read(dir)?;
    let mine = identity(plan);
    let theirs = &sweep["identity"];
    if theirs == &mine {
        return Ok(sweep);
    }
    let mut differ = Vec::new();
    if theirs["credsim_version"] != mine["credsim_version"] {
        differ.push(format!(
            "it was made by credsim {}, this is {}",
            theirs["credsim_version"],
            credsim_engine::VERSION
        ));
    }
    if theirs["base_hash"] != mine["base_hash"] {
        differ.push(
            "the base scenario (its file, [base]'s overrides or the root seed) differs".into(),
        );
    }
    for key in ["description", "base", "design", "runs", "parameters"] {
        if theirs["spec"][key] != mine["spec"][key] {
            differ.push(format!("the spec's `{key}` differs"));
        }
    }
    Err(CliError::Usage(format!(
        "`{}` holds another sweep ({}); use another --out, or --force to delete it and start again",
        dir.display(),
        differ.join("; ")
    )))
}
