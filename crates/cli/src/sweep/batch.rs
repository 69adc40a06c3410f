//! A sweep driven from elsewhere (the Python package's executors: process pools, Dask,
//! Ray): the same plan, folder, run ids, part files and status lines as `credsim
//! sweep`, in three steps. The driver [`open`]s the sweep (plan, folder, the runs left)
//! and hands [`Recipe`]s with batches of run ids to workers; each worker rebuilds the
//! plan from the recipe alone (no file of the driver's needed) and runs its batch as one
//! `credsim sweep` worker does ([`run_batch`]); the driver then collects
//! (`collect::collect`).

use super::plan::{Plan, Run};
use super::runner::{self, Control, Done, Settings};
use super::spec::{self, Spec};
use super::{folder, status};
use crate::CliError;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// The command-line adjustments of a spec (`credsim sweep --persons --years --threads
/// --time-limit`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Adjust {
    /// Replaces `[base] persons`.
    pub persons: Option<u64>,
    /// Replaces `[base] years`.
    pub years: Option<u32>,
    /// Replaces `[runs] threads`.
    pub threads: Option<usize>,
    /// Replaces `[runs] time_limit` (minutes).
    pub time_limit: Option<f64>,
}

impl Adjust {
    /// Applies the adjustments to a spec.
    pub fn apply(&self, spec: &mut Spec) {
        if self.persons.is_some() {
            spec.base.persons = self.persons;
        }
        if self.years.is_some() {
            spec.base.years = self.years;
        }
        if let Some(t) = self.threads {
            spec.runs.threads = Some(t);
        }
        if let Some(minutes) = self.time_limit {
            spec.runs.time_limit = minutes;
        }
    }
}

/// Everything a worker needs to rebuild the driver's plan: texts, not files.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipe {
    /// The spec's text.
    pub spec_text: String,
    /// The spec's path (as the driver named it; errors and sweep.json name it).
    pub spec_file: PathBuf,
    /// The base scenario's text.
    pub base_text: String,
    /// The base scenario's name in errors (`preset NAME` or its path).
    pub base_file: String,
    /// The adjustments.
    pub adjust: Adjust,
    /// The sweep folder (shared by the driver and the workers).
    pub dir: PathBuf,
}

impl Recipe {
    /// The plan (the same as the driver's).
    pub fn plan(&self) -> Result<Plan, CliError> {
        let mut spec =
            spec::parse(&self.spec_text, &self.spec_file).map_err(|e| CliError::Usage(e.0))?;
        self.adjust.apply(&mut spec);
        Plan::with_base(spec, self.base_text.clone(), self.base_file.clone())
    }
}

/// An opened sweep: its plan and folder, and the runs not yet succeeded.
pub struct Opened {
    /// The plan.
    pub plan: Plan,
    /// What workers need.
    pub recipe: Recipe,
    /// sweep.json's content.
    pub sweep: serde_json::Value,
    /// Runs left, in execution order (every point of replicate 0 first).
    pub todo: Vec<Run>,
    /// Runs already succeeded (a resumed sweep).
    pub done: usize,
    /// Torn status lines ignored.
    pub torn: usize,
}

/// Reads the spec, plans the sweep, creates its folder (or checks that the existing
/// one is the same sweep; `force` replaces it) and lists the runs left, as `credsim
/// sweep SPEC --out DIR` does before it starts its workers.
pub fn open(file: &Path, dir: &Path, force: bool, adjust: Adjust) -> Result<Opened, CliError> {
    let mut spec = spec::read(file).map_err(|e| CliError::Usage(e.0))?;
    adjust.apply(&mut spec);
    let (base_text, base_file) = super::plan::base_scenario(&spec)?;
    let recipe = Recipe {
        spec_text: spec.text.clone(),
        spec_file: spec.file.clone(),
        base_text: base_text.clone(),
        base_file: base_file.clone(),
        adjust,
        dir: dir.to_path_buf(),
    };
    let plan = Plan::with_base(spec, base_text, base_file)?;
    let sweep = folder::prepare(&plan, dir, force)?;
    let state = status::read(dir)?;
    let order = plan.execution_order(None);
    let all = order.len();
    let todo: Vec<Run> = order
        .into_iter()
        .filter(|r| !state.succeeded.contains_key(&r.run_id))
        .collect();
    Ok(Opened {
        done: all - todo.len(),
        plan,
        recipe,
        sweep,
        todo,
        torn: state.torn,
    })
}

/// Runs the runs `ids` of `plan` in its folder as one `credsim sweep` worker on
/// `threads` threads per run: their rows in a part file of its own, their status
/// lines appended (a failing run gets its failed line and the batch goes on). Refuses
/// a folder that holds another sweep.
pub fn run_batch(
    plan: &Plan,
    dir: &Path,
    ids: &[u64],
    threads: usize,
    cancel: &AtomicBool,
) -> Result<Done, CliError> {
    let sweep = folder::read(dir)?;
    if sweep["identity"] != folder::identity(plan) {
        return Err(CliError::Usage(format!(
            "`{}` holds another sweep than this worker's plan (another spec, base scenario or credsim version)",
            dir.display()
        )));
    }
    let runs = ids
        .iter()
        .map(|&id| {
            plan.runs.get(id as usize).copied().ok_or_else(|| {
                CliError::Usage(format!(
                    "run {id} is not in the sweep ({} runs)",
                    plan.runs.len()
                ))
            })
        })
        .collect::<Result<Vec<Run>, CliError>>()?;
    let settings = Settings {
        jobs: 1,
        threads: threads.max(1),
        memory_limit: None,
    };
    let bar = indicatif::ProgressBar::hidden();
    let control = Control { cancel, bar: &bar };
    runner::run_all(
        plan,
        dir,
        &runs,
        settings,
        control,
        &folder::provenance(&sweep),
        None,
    )
}
