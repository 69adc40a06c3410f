//! `credsim._credsim`: the Python binding. `run` loads a scenario as `credsim run` does,
//! runs it in memory on a thread pool of its own with the GIL released (Ctrl-C cancels
//! it), and returns a `Result` whose tables go to Python without a copy. Model logic,
//! loading and the folder writer are the CLI library's; this crate only converts.

mod result;
mod scenario;
mod sweep;
mod table;

use credsim_cli::job::{Job, Watch};
use credsim_model::{Overrides, Set};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use result::RunResult;
use scenario::{Scenario, scenario_error, set_of};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often a run waiting in Rust lets Python handle signals (Ctrl-C).
const POLL: Duration = Duration::from_millis(100);

/// A CLI error as the Python exception that fits it.
pub(crate) fn cli_error(e: credsim_cli::CliError) -> PyErr {
    use credsim_cli::CliError;
    match e {
        CliError::Scenario(e) => scenario_error(e),
        CliError::Usage(m) => PyValueError::new_err(m),
        CliError::TooBig(m) => pyo3::exceptions::PyMemoryError::new_err(m),
        CliError::Cancelled(m) => pyo3::exceptions::PyKeyboardInterrupt::new_err(m),
        CliError::Output(m) => pyo3::exceptions::PyOSError::new_err(m),
    }
}

/// Runs `work` on a worker thread while this thread, detached from the interpreter,
/// waits for it and every [`POLL`] lets Python run its signal handlers; when one raises
/// (Ctrl-C: KeyboardInterrupt) `cancel` is set, the worker is joined and the exception
/// returned.
pub(crate) fn interruptible<T: Send>(
    py: Python<'_>,
    cancel: &AtomicBool,
    work: impl FnOnce() -> Result<T, credsim_cli::CliError> + Send,
) -> PyResult<T> {
    let (result, interrupt) = py.detach(|| {
        std::thread::scope(|scope| {
            let (done, finished) = std::sync::mpsc::channel::<()>();
            let worker = scope.spawn(move || {
                let r = work();
                let _ = done.send(());
                r
            });
            let mut interrupt = None;
            while interrupt.is_none() {
                match finished.recv_timeout(POLL) {
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                        if let Err(e) = Python::attach(|py| py.check_signals()) {
                            cancel.store(true, Ordering::SeqCst);
                            interrupt = Some(e);
                        }
                    }
                    _ => break,
                }
            }
            (worker.join(), interrupt)
        })
    });
    if let Some(e) = interrupt {
        return Err(e);
    }
    match result {
        Ok(r) => r.map_err(cli_error),
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(PyRuntimeError::new_err(format!(
                "credsim failed (a bug: please report it with the scenario): {what}"
            )))
        }
    }
}

/// Threads the estimate assumes for `threads` (0: `RAYON_NUM_THREADS` or every CPU), as
/// the run's own pool will have, without starting rayon's global pool.
fn pool_size(threads: usize) -> usize {
    if threads > 0 {
        return threads;
    }
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// A number checked by the CLI's own argument parser.
fn checked<T>(value: Option<T>, parse: fn(&str) -> Result<T, String>) -> PyResult<Option<T>>
where
    T: std::fmt::Display,
{
    value
        .map(|v| parse(&v.to_string()).map_err(PyValueError::new_err))
        .transpose()
}

/// The scenario `run` was given: a Scenario, a file path, a preset name or the default.
pub(crate) fn scenario_arg(
    scenario: Option<&Bound<'_, PyAny>>,
    preset: Option<&str>,
) -> PyResult<Scenario> {
    match (scenario, preset) {
        (Some(_), Some(_)) => Err(scenario_error(
            "give a scenario (a Scenario or a file) or a preset, not both",
        )),
        (Some(s), None) => match s.cast::<Scenario>() {
            Ok(s) => Ok(s.borrow().clone()),
            Err(_) => {
                let path: std::path::PathBuf = s.extract().map_err(|_| {
                    PyValueError::new_err(
                        "scenario must be a credsim.Scenario or the path of a scenario file",
                    )
                })?;
                Scenario::of_file(&path)
            }
        },
        (None, p) => Scenario::of_preset(p.unwrap_or(credsim_model::presets::DEFAULT)),
    }
}

/// Runs a scenario in memory and returns its results (see `credsim.run`).
#[pyfunction]
#[pyo3(signature = (scenario=None, preset=None, set=None, persons=None, years=None, seed=None, threads=None, audit=true, persons_table=None))]
#[allow(clippy::too_many_arguments)]
fn run(
    py: Python<'_>,
    scenario: Option<&Bound<'_, PyAny>>,
    preset: Option<&str>,
    set: Option<&Bound<'_, PyDict>>,
    persons: Option<u64>,
    years: Option<u32>,
    seed: Option<u64>,
    threads: Option<usize>,
    audit: bool,
    persons_table: Option<&str>,
) -> PyResult<RunResult> {
    let base = scenario_arg(scenario, preset)?;
    let mut sets: Vec<Set> = base.sets.clone();
    if let Some(d) = set {
        for (k, v) in d.iter() {
            sets.push(set_of(&k.extract::<String>()?, &v)?);
        }
    }
    let overrides = Overrides {
        persons: checked(persons, credsim_cli::args::persons)?,
        years: checked(years, credsim_cli::args::years)?,
        seed: checked(seed, credsim_cli::args::seed)?,
        sets,
    };
    let threads = checked(threads, credsim_cli::args::threads)?.unwrap_or(0);
    let loaded =
        credsim_model::load(&base.text, &base.label, &overrides).map_err(scenario_error)?;
    let model = &loaded.model;
    let table = credsim_cli::persons_table(persons_table, model.persons).map_err(cli_error)?;
    credsim_cli::output::check_memory(model, pool_size(threads), audit, table, None, false)
        .map_err(cli_error)?;
    let job = Job {
        threads,
        audit,
        persons_table: table,
    };
    let cancel = AtomicBool::new(false);
    let results = interruptible(py, &cancel, || {
        let watch = Watch {
            progress: &|_, _| {},
            cancel: &cancel,
        };
        credsim_cli::job::execute_job(model, &job, &watch)
    })?;
    RunResult::new(py, loaded, overrides, results)
}

/// The built-in presets as (name, one-line summary).
#[pyfunction]
fn presets() -> Vec<(&'static str, &'static str)> {
    credsim_model::presets::ALL
        .iter()
        .map(|p| (p.name, p.summary))
        .collect()
}

#[pymodule]
fn _credsim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", credsim_engine::VERSION)?;
    m.add(
        "ScenarioError",
        m.py().get_type::<scenario::ScenarioError>(),
    )?;
    m.add_class::<Scenario>()?;
    m.add_class::<table::Table>()?;
    m.add_class::<RunResult>()?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(presets, m)?)?;
    m.add_function(wrap_pyfunction!(scenario::_restore_scenario, m)?)?;
    sweep::register(m)?;
    Ok(())
}
