//! `credsim.Result`: one run's results in memory: summary and audit as dicts (the JSON
//! files' content), the time series and persons table as Arrow, and the run folder.

use crate::table::Table;
use credsim_cli::job::Results;
use credsim_cli::output::RunInfo;
use credsim_model::{Loaded, Overrides};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// The results of one run.
#[pyclass(module = "credsim", name = "Result", frozen)]
pub struct RunResult {
    loaded: Loaded,
    overrides: Overrides,
    results: Results,
    info: RunInfo,
    summary: String,
    audit: Option<String>,
    run: String,
    timeseries: Py<Table>,
    persons: Option<Py<Table>>,
}

fn encode<T: serde::Serialize>(v: &T) -> PyResult<String> {
    serde_json::to_string(v).map_err(|e| PyValueError::new_err(format!("cannot encode JSON: {e}")))
}

fn arrow_err(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

impl RunResult {
    /// Wraps a finished run (its run.json facts are taken now).
    pub fn new(
        py: Python<'_>,
        loaded: Loaded,
        overrides: Overrides,
        results: Results,
    ) -> PyResult<RunResult> {
        let model = &loaded.model;
        let info = results.info(model, &overrides);
        let prov = credsim_tables::Provenance::of(model).pairs;
        let series = credsim_tables::timeseries_batch(&results.series).map_err(arrow_err)?;
        let timeseries =
            Table::new(series.schema(), vec![series], prov.clone()).map_err(arrow_err)?;
        let persons = match results.persons_table {
            credsim_engine::PersonsTable::None => None,
            table => {
                let layout = credsim_tables::PersonsLayout::new(model);
                let batches = results
                    .persons
                    .iter()
                    .map(|b| layout.batch(b))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(arrow_err)?;
                let mut meta = prov;
                meta.push((
                    "persons_table".into(),
                    credsim_cli::output::persons_table_name(table),
                ));
                Some(Py::new(
                    py,
                    Table::new(layout.schema(), batches, meta).map_err(arrow_err)?,
                )?)
            }
        };
        Ok(RunResult {
            summary: encode(&results.summary)?,
            audit: results.audit.as_ref().map(encode).transpose()?,
            run: encode(&info)?,
            timeseries: Py::new(py, timeseries)?,
            persons,
            loaded,
            overrides,
            results,
            info,
        })
    }
}

fn loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

#[pymethods]
impl RunResult {
    /// summary.json's content, as a new dict.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        loads(py, &self.summary)
    }

    /// audit.json's content, as a new dict (None when run with audit=False).
    #[getter]
    fn audit<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.audit.as_deref().map(|a| loads(py, a)).transpose()
    }

    /// run.json's content: wall time, threads, memory, host (varies between runs).
    #[getter]
    fn info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        loads(py, &self.run)
    }

    /// The time series, one row per month (timeseries.parquet's columns).
    #[getter]
    fn timeseries(&self, py: Python<'_>) -> Py<Table> {
        self.timeseries.clone_ref(py)
    }

    /// The persons table (persons.parquet's columns), None with persons_table="none".
    #[getter]
    fn persons(&self, py: Python<'_>) -> Option<Py<Table>> {
        self.persons.as_ref().map(|p| p.clone_ref(py))
    }

    /// The resolved scenario that ran (every default filled in, overrides applied).
    #[getter]
    fn scenario_toml(&self) -> String {
        credsim_model::to_toml(&self.loaded.scenario)
    }

    /// Wall time of the simulation, seconds.
    #[getter]
    fn wall_seconds(&self) -> f64 {
        self.results.wall
    }

    /// Writes the run folder `credsim run --out FOLDER` writes (the same files, byte
    /// for byte but run.json); an existing folder is replaced only with force=True.
    #[pyo3(signature = (folder, force=false))]
    fn write<'py>(
        &self,
        py: Python<'py>,
        folder: std::path::PathBuf,
        force: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let written = py
            .detach(|| {
                credsim_cli::job::write(
                    &folder,
                    force,
                    &self.loaded,
                    &self.overrides,
                    &self.results,
                    &self.info,
                )
            })
            .map_err(crate::cli_error)?;
        py.import("pathlib")?.getattr("Path")?.call1((written,))
    }

    fn __repr__(&self) -> String {
        format!(
            "<credsim.Result {} seed {}: {} persons, {} days, {:.2} s on {} threads>",
            self.loaded.model.name,
            self.loaded.model.seed,
            self.loaded.model.persons,
            self.loaded.model.days,
            self.results.wall,
            self.results.threads
        )
    }
}
