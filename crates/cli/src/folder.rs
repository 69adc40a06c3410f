//! Reading a finished run folder back into the engine's typed values (summary, audit,
//! time series) and the scenario (as written and resolved), for `credsim audit`,
//! `compare` and `report`. Each error names the file.

use crate::CliError;
use credsim_engine::Audit;
use credsim_engine::summary::{Cell, Summary, Table};
use credsim_model::raw::Scenario;
use serde::de::DeserializeOwned;
use std::path::Path;

/// A run folder's summary and audit.
pub struct Run {
    /// summary.json.
    pub summary: Summary,
    /// audit.json.
    pub audit: Audit,
    /// The folder's name (its last path component), naming the run in comparisons.
    pub name: String,
    /// The resolved scenario as a TOML tree (none when the folder lacks or cannot parse
    /// scenario.resolved.toml).
    pub resolved: Option<toml::Table>,
}

/// Reads summary.json and audit.json of a run folder (both needed).
pub fn run(folder: &Path) -> Result<Run, CliError> {
    let name = folder.file_name().map_or_else(
        || folder.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let resolved = std::fs::read_to_string(folder.join(crate::output::RESOLVED))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok());
    Ok(Run {
        audit: json(folder, "audit.json")?,
        summary: json(folder, "summary.json")?,
        name,
        resolved,
    })
}

/// Reads one JSON output of a run folder into its type.
pub fn json<T: DeserializeOwned>(folder: &Path, name: &str) -> Result<T, CliError> {
    let path = folder.join(name);
    let bytes = std::fs::read(&path).map_err(|e| {
        CliError::Usage(format!(
            "cannot read `{}`: {e} (is `{}` an output folder of `credsim run`, run without --no-audit?)",
            path.display(),
            folder.display()
        ))
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        CliError::Usage(format!(
            "`{}` cannot be read as the {name} of this credsim ({}): {e}",
            path.display(),
            credsim_engine::VERSION
        ))
    })
}

/// The same for a file that may be missing (audit.json of a run with --no-audit).
pub fn optional_json<T: DeserializeOwned>(
    folder: &Path,
    name: &str,
) -> Result<Option<T>, CliError> {
    if folder.join(name).exists() {
        json(folder, name).map(Some)
    } else {
        Ok(None)
    }
}

/// Reads timeseries.csv (empty when missing); comment lines (the first line of folders
/// written before credsim dropped it) are skipped, whole numbers read as integers and
/// the rest as floats.
pub fn timeseries(folder: &Path) -> Result<Table, CliError> {
    let path = folder.join("timeseries.csv");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Table {
            columns: Vec::new(),
            rows: Vec::new(),
        });
    };
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let columns: Vec<String> = lines
        .next()
        .map(|h| h.split(',').map(String::from).collect())
        .unwrap_or_default();
    let mut rows = Vec::new();
    for (n, line) in lines.enumerate() {
        let row = line
            .split(',')
            .map(|v| match v.parse::<i64>() {
                Ok(i) => Ok(Cell::Int(i)),
                Err(_) => match credsim_model::calendar::Date::parse(v) {
                    Some(d) => Ok(Cell::Date(d.days() as i32)),
                    None => v.parse::<f64>().map(Cell::Float),
                },
            })
            .collect::<Result<Vec<Cell>, _>>()
            .map_err(|e| {
                CliError::Usage(format!(
                    "`{}`, data row {}: not a number ({e})",
                    path.display(),
                    n + 1
                ))
            })?;
        rows.push(row);
    }
    Ok(Table { columns, rows })
}

/// The resolved scenario (from scenario.resolved.toml) and the text of scenario.toml as
/// written; none when either is missing or unreadable. A folder written before
/// scenario.resolved.toml existed held the resolved scenario in scenario.toml.
pub fn scenario(folder: &Path) -> Option<(Scenario, String)> {
    use crate::output::{RESOLVED, SCENARIO};
    let text = std::fs::read_to_string(folder.join(SCENARIO)).ok()?;
    let resolved = match std::fs::read_to_string(folder.join(RESOLVED)) {
        Ok(resolved) => credsim_model::parse(&resolved, RESOLVED).ok()?,
        Err(_) => credsim_model::parse(&text, SCENARIO).ok()?,
    };
    Some((resolved, text))
}
