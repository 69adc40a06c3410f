//! Sweeps on Python executors: the driver opens the sweep (`_sweep_open`: plan, folder,
//! the runs left) and hands batches of run ids with the plan's recipe (texts only,
//! picklable) to workers, which run them as `credsim sweep`'s workers do
//! (`_sweep_batch`); the driver then collects. The CLI library does all of it
//! (`credsim_cli::sweep::batch`); this converts.

use credsim_cli::sweep::batch::{self, Adjust, Opened, Recipe};
use credsim_cli::sweep::plan::Plan;
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

/// A recipe as Python sees it: a tuple of texts and numbers (picklable by any executor).
type RecipeTuple = (
    String,
    String,
    String,
    String,
    Option<u64>,
    Option<u32>,
    Option<usize>,
    Option<f64>,
    String,
);

fn to_tuple(r: &Recipe) -> RecipeTuple {
    (
        r.spec_text.clone(),
        r.spec_file.display().to_string(),
        r.base_text.clone(),
        r.base_file.clone(),
        r.adjust.persons,
        r.adjust.years,
        r.adjust.threads,
        r.adjust.time_limit,
        r.dir.display().to_string(),
    )
}

fn from_tuple(t: RecipeTuple) -> Recipe {
    let (spec_text, spec_file, base_text, base_file, persons, years, threads, time_limit, dir) = t;
    Recipe {
        spec_text,
        spec_file: PathBuf::from(spec_file),
        base_text,
        base_file,
        adjust: Adjust {
            persons,
            years,
            threads,
            time_limit,
        },
        dir: PathBuf::from(dir),
    }
}

/// What a batch did: (succeeded, failed, the first errors as (run id, message)).
type BatchDone = (u64, u64, Vec<(u64, String)>);

/// An opened sweep, in the driver.
#[pyclass(module = "credsim", frozen)]
pub struct SweepPlan {
    opened: Opened,
}

#[pymethods]
impl SweepPlan {
    /// The sweep folder.
    #[getter]
    fn folder(&self) -> String {
        self.opened.recipe.dir.display().to_string()
    }

    /// Runs of the design.
    #[getter]
    fn runs(&self) -> usize {
        self.opened.plan.runs.len()
    }

    /// Run ids left (not yet succeeded), in execution order.
    #[getter]
    fn todo(&self) -> Vec<u64> {
        self.opened.todo.iter().map(|r| r.run_id).collect()
    }

    /// Runs already succeeded when the sweep was opened.
    #[getter]
    fn done(&self) -> usize {
        self.opened.done
    }

    /// Torn status lines ignored.
    #[getter]
    fn torn(&self) -> usize {
        self.opened.torn
    }

    /// Threads per run (the spec's `[runs] threads`, else 1).
    #[getter]
    fn threads(&self) -> usize {
        self.opened.plan.spec.runs.threads.unwrap_or(1)
    }

    /// What a worker needs (texts and numbers).
    #[getter]
    fn recipe(&self) -> RecipeTuple {
        to_tuple(&self.opened.recipe)
    }

    /// Writes results.parquet when every run has succeeded or failed; returns how far
    /// the sweep is: (runs, succeeded, failed, torn status lines).
    fn collect(&self, py: Python<'_>) -> PyResult<(u64, u64, u64, usize)> {
        let dir = &self.opened.recipe.dir;
        let sweep = &self.opened.sweep;
        let p = py
            .detach(|| credsim_cli::sweep::collect::collect(dir, sweep))
            .map_err(crate::cli_error)?;
        Ok((p.runs, p.succeeded, p.failed, p.torn))
    }
}

/// Plans a sweep and creates (or checks, to resume) its folder.
#[pyfunction]
#[pyo3(signature = (spec, folder=None, force=false, persons=None, years=None, threads=None, time_limit=None))]
#[allow(clippy::too_many_arguments)]
fn _sweep_open(
    py: Python<'_>,
    spec: PathBuf,
    folder: Option<PathBuf>,
    force: bool,
    persons: Option<u64>,
    years: Option<u32>,
    threads: Option<usize>,
    time_limit: Option<f64>,
) -> PyResult<SweepPlan> {
    let adjust = Adjust {
        persons,
        years,
        threads,
        time_limit,
    };
    let dir = folder.unwrap_or_else(|| credsim_cli::sweep::default_folder(&spec));
    let opened = py
        .detach(|| batch::open(&spec, &dir, force, adjust))
        .map_err(crate::cli_error)?;
    Ok(SweepPlan { opened })
}

/// The last plan a worker process built, reused while its recipe is the same (a
/// worker runs many batches of one sweep).
static PLAN: Mutex<Option<(Recipe, Arc<Plan>)>> = Mutex::new(None);

fn plan_of(recipe: &Recipe) -> Result<Arc<Plan>, credsim_cli::CliError> {
    if let Ok(cached) = PLAN.lock()
        && let Some((r, p)) = cached.as_ref()
        && r == recipe
    {
        return Ok(p.clone());
    }
    let plan = Arc::new(recipe.plan()?);
    if let Ok(mut cached) = PLAN.lock() {
        *cached = Some((recipe.clone(), plan.clone()));
    }
    Ok(plan)
}

/// Runs a batch of a sweep's runs in its folder (in a worker); returns (succeeded,
/// failed, the first errors as (run id, message)). Ctrl-C stops it; what was written
/// stays for a restart.
#[pyfunction]
fn _sweep_batch(py: Python<'_>, recipe: RecipeTuple, ids: Vec<u64>) -> PyResult<BatchDone> {
    let recipe = from_tuple(recipe);
    let cancel = AtomicBool::new(false);
    let done = crate::interruptible(py, &cancel, || {
        let plan = plan_of(&recipe)?;
        let threads = plan.spec.runs.threads.unwrap_or(1);
        batch::run_batch(&plan, &recipe.dir, &ids, threads, &cancel)
    })?;
    Ok((done.succeeded, done.failed, done.errors))
}

/// Adds the sweep functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<SweepPlan>()?;
    m.add_function(wrap_pyfunction!(_sweep_open, m)?)?;
    m.add_function(wrap_pyfunction!(_sweep_batch, m)?)?;
    Ok(())
}
