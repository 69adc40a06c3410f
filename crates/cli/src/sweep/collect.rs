//! results.parquet: the rows of every succeeded run, taken from the part file its
//! status line names (so a part left by a killed worker is never counted twice), in
//! run-id order, consolidated block by block so memory stays bounded. Written only
//! when every run of the design has succeeded or failed.

use super::status;
use crate::CliError;
use credsim_tables::sweep::{ResultRows, ResultsWriter, read_results};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Run ids consolidated together (rows of at most this many runs are held at once).
const BLOCK: u64 = 256;

/// The file name.
pub const RESULTS: &str = "results.parquet";

/// How far a sweep folder is.
#[derive(Debug)]
pub struct Progress {
    /// Runs of the design.
    pub runs: u64,
    /// Succeeded.
    pub succeeded: u64,
    /// Failed (and not succeeded since).
    pub failed: u64,
    /// Torn status lines ignored.
    pub torn: usize,
}

impl Progress {
    /// Whether every run has succeeded or failed.
    pub fn complete(&self) -> bool {
        self.succeeded + self.failed == self.runs
    }
}

/// Consolidates results.parquet when the sweep is complete; returns how far it is.
pub fn collect(dir: &Path, sweep: &serde_json::Value) -> Result<Progress, CliError> {
    let runs = sweep["runs"].as_u64().unwrap_or(0);
    let state = status::read(dir)?;
    let in_design = |r: &u64| *r < runs;
    let progress = Progress {
        runs,
        succeeded: state.succeeded.keys().filter(|r| in_design(r)).count() as u64,
        failed: state.failed.keys().filter(|r| in_design(r)).count() as u64,
        torn: state.torn,
    };
    if !progress.complete() {
        return Ok(progress);
    }
    // Part → its runs (in run-id order).
    let mut by_part: BTreeMap<&str, BTreeSet<u64>> = BTreeMap::new();
    for (run, part) in &state.succeeded {
        if in_design(run) {
            by_part.entry(part.as_str()).or_default().insert(*run);
        }
    }
    let prov = super::folder::provenance(sweep);
    let path = dir.join(RESULTS);
    let tmp = dir.join(format!(".{RESULTS}.partial-{}", std::process::id()));
    let fail = |e: String| CliError::Output(e);
    let mut w = ResultsWriter::create(&tmp, &prov).map_err(|e| fail(e.to_string()))?;
    let mut start = 0;
    while start < runs {
        let end = (start + BLOCK).min(runs);
        let mut block = ResultRows::default();
        for (part, ids) in &by_part {
            if ids.range(start..end).next().is_none() {
                continue;
            }
            let rows =
                read_results(&dir.join("parts").join(part)).map_err(|e| fail(e.to_string()))?;
            block.extend(rows.filter(|r| {
                (start..end).contains(&r)
                    && state.succeeded.get(&r).map(String::as_str) == Some(*part)
            }));
        }
        w.write(&block.sort_by_run())
            .map_err(|e| fail(e.to_string()))?;
        start = end;
    }
    w.finish().map_err(|e| fail(e.to_string()))?;
    std::fs::rename(&tmp, &path)
        .map_err(|e| fail(format!("cannot write `{}`: {e}", path.display())))?;
    Ok(progress)
}
