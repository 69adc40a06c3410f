//! `credsim.Scenario`: a scenario loaded from a file, a preset or text, validated as the
//! CLI validates it, changed by key path with `--set`'s semantics, and pickled as its
//! TOML text (as written) and sets, so that it unpickles to the same hash anywhere.

use credsim_model::{Loaded, Overrides, Set};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

pyo3::create_exception!(
    credsim,
    ScenarioError,
    PyValueError,
    "A scenario (file, preset, text or set) that does not validate; the message is the CLI's, with file, line, column and field."
);

/// A `credsim_model::ScenarioError` (or a CLI usage error) as Python's exception.
pub fn scenario_error(e: impl std::fmt::Display) -> PyErr {
    ScenarioError::new_err(e.to_string())
}

/// A scenario: its text as written, where it came from, the fields set by key path, and
/// the validated result.
#[pyclass(module = "credsim")]
#[derive(Clone)]
pub struct Scenario {
    /// The TOML text as written.
    pub text: String,
    /// The name errors give it: the file path, `preset NAME`, or the text's name.
    pub label: String,
    /// Fields set by key path, in order.
    pub sets: Vec<Set>,
    /// The validated scenario with the sets applied.
    pub loaded: Loaded,
}

impl Scenario {
    /// Loads `text` with `sets`.
    pub fn build(text: String, label: String, sets: Vec<Set>) -> PyResult<Scenario> {
        let overrides = Overrides {
            sets: sets.clone(),
            ..Default::default()
        };
        let loaded = credsim_model::load(&text, &label, &overrides).map_err(scenario_error)?;
        Ok(Scenario {
            text,
            label,
            sets,
            loaded,
        })
    }

    /// A preset, with `sets`.
    pub fn of_preset(name: &str) -> PyResult<Scenario> {
        let preset = credsim_model::presets::find(name).map_err(scenario_error)?;
        Scenario::build(
            preset.toml.to_string(),
            format!("preset {}", preset.name),
            vec![],
        )
    }

    /// A scenario file.
    pub fn of_file(path: &std::path::Path) -> PyResult<Scenario> {
        let label = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| {
            scenario_error(credsim_model::ScenarioError::Read {
                file: label.clone(),
                source,
            })
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            scenario_error(credsim_model::ScenarioError::Read {
                file: label.clone(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("not UTF-8 text: {e}"),
                ),
            })
        })?;
        Scenario::build(text, label, vec![])
    }
}

/// A Python value as a `--set` value: TOML, strings quoted, dicts as inline tables.
pub fn toml_value(v: &Bound<'_, PyAny>) -> PyResult<toml::Value> {
    let bad = || {
        PyValueError::new_err(format!(
            "cannot set a scenario field to {}: use a bool, int, float, str, list or dict",
            v.repr().map(|r| r.to_string()).unwrap_or_default()
        ))
    };
    if v.is_instance_of::<PyBool>() {
        Ok(toml::Value::Boolean(v.extract()?))
    } else if v.is_instance_of::<PyInt>() {
        Ok(toml::Value::Integer(v.extract().map_err(|_| {
            PyValueError::new_err(format!("{v} does not fit a 64-bit signed integer (TOML's)"))
        })?))
    } else if v.is_instance_of::<PyFloat>() {
        Ok(toml::Value::Float(v.extract()?))
    } else if v.is_instance_of::<PyString>() {
        Ok(toml::Value::String(v.extract()?))
    } else if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        v.try_iter()?
            .map(|x| toml_value(&x?))
            .collect::<PyResult<Vec<_>>>()
            .map(toml::Value::Array)
    } else if let Ok(d) = v.cast::<PyDict>() {
        let mut t = toml::Table::new();
        for (k, x) in d.iter() {
            let key: String = k.extract().map_err(|_| bad())?;
            t.insert(key, toml_value(&x)?);
        }
        Ok(toml::Value::Table(t))
    } else {
        Err(bad())
    }
}

/// `path` = a Python value as a `--set`.
pub fn set_of(path: &str, value: &Bound<'_, PyAny>) -> PyResult<Set> {
    let value = toml_value(value)?;
    Set::parse(&format!("{path}={value}")).map_err(scenario_error)
}

#[pymethods]
impl Scenario {
    /// `Scenario(path)` loads a file, `Scenario(preset=NAME)` a preset, `Scenario()` the
    /// default preset (as `credsim run` chooses).
    #[new]
    #[pyo3(signature = (path=None, *, preset=None))]
    fn py_new(path: Option<std::path::PathBuf>, preset: Option<String>) -> PyResult<Scenario> {
        match (path, preset) {
            (Some(_), Some(_)) => Err(scenario_error("give a scenario file or a preset, not both")),
            (Some(p), None) => Scenario::of_file(&p),
            (None, p) => {
                Scenario::of_preset(p.as_deref().unwrap_or(credsim_model::presets::DEFAULT))
            }
        }
    }

    /// A scenario file.
    #[staticmethod]
    fn from_file(path: std::path::PathBuf) -> PyResult<Scenario> {
        Scenario::of_file(&path)
    }

    /// A built-in preset (see `credsim.presets()`).
    #[staticmethod]
    fn from_preset(name: &str) -> PyResult<Scenario> {
        Scenario::of_preset(name)
    }

    /// Scenario TOML text; `name` names it in error messages.
    #[staticmethod]
    #[pyo3(signature = (text, name="<string>"))]
    fn from_toml(text: String, name: &str) -> PyResult<Scenario> {
        Scenario::build(text, name.to_string(), vec![])
    }

    /// Sets one field by key path, as `credsim run --set PATH=VALUE` does (tables by key,
    /// array elements by id): `s.set("behaviours.petitioning.rate_per_year", 0.01)`.
    /// The value is a bool, int, float, str (always a string), list or dict (an inline
    /// table). The scenario is validated again; on a problem it raises ScenarioError and
    /// stays as it was.
    fn set(&mut self, path: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut sets = self.sets.clone();
        sets.push(set_of(path, value)?);
        *self = Scenario::build(self.text.clone(), self.label.clone(), sets)?;
        Ok(())
    }

    /// A copy with these fields set (`{path: value}`), the scenario itself unchanged.
    fn with_sets(&self, sets: &Bound<'_, PyDict>) -> PyResult<Scenario> {
        let mut all = self.sets.clone();
        for (k, v) in sets.iter() {
            all.push(set_of(&k.extract::<String>()?, &v)?);
        }
        Scenario::build(self.text.clone(), self.label.clone(), all)
    }

    /// The scenario as `credsim show` prints it: as written (comments, sources and
    /// assumption labels kept; sets not shown), or resolved (every default filled in,
    /// sets applied: what runs).
    #[pyo3(signature = (resolved=false))]
    fn show(&self, resolved: bool) -> String {
        if resolved {
            credsim_model::to_toml(&self.loaded.scenario)
        } else {
            self.loaded.text.clone()
        }
    }

    /// Scenario name.
    #[getter]
    fn name(&self) -> String {
        self.loaded.model.name.clone()
    }

    /// Hash of the resolved scenario (as in summary.json).
    #[getter]
    fn hash(&self) -> String {
        self.loaded.model.hash.clone()
    }

    /// Persons.
    #[getter]
    fn persons(&self) -> u64 {
        self.loaded.model.persons
    }

    /// Horizon in days.
    #[getter]
    fn days(&self) -> u32 {
        self.loaded.model.days
    }

    /// Seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.loaded.model.seed
    }

    /// The TOML text as written.
    #[getter]
    fn text(&self) -> String {
        self.text.clone()
    }

    /// Where the scenario came from, as error messages name it.
    #[getter]
    fn source(&self) -> String {
        self.label.clone()
    }

    /// The fields set by key path, as `PATH=VALUE` (what `--set` takes).
    #[getter]
    fn sets(&self) -> Vec<String> {
        self.sets.iter().map(Set::arg).collect()
    }

    /// What validates but cannot have its apparent effect, as the CLI prints it.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.loaded
            .warnings
            .iter()
            .map(|w| credsim_model::render_warnings(&self.label, std::slice::from_ref(w)))
            .collect()
    }

    fn __repr__(&self) -> String {
        let sets = if self.sets.is_empty() {
            String::new()
        } else {
            format!(", sets={:?}", self.sets())
        };
        format!(
            "<credsim.Scenario {} ({}): {} persons, {} days, seed {}, hash {}{sets}>",
            self.loaded.model.name,
            self.label,
            self.loaded.model.persons,
            self.loaded.model.days,
            self.loaded.model.seed,
            self.loaded.model.hash
        )
    }

    fn copy(&self) -> Scenario {
        self.clone()
    }

    fn __copy__(&self) -> Scenario {
        self.clone()
    }

    fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> Scenario {
        self.clone()
    }

    /// Pickled as (text as written, source, sets): TOML, re-validated on unpickling.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let restore = py
            .import("credsim._credsim")?
            .getattr("_restore_scenario")?;
        let args = (self.text.clone(), self.label.clone(), self.sets());
        PyTuple::new(py, [restore, args.into_pyobject(py)?.into_any()])
    }
}

/// Rebuilds a pickled scenario.
#[pyfunction]
pub fn _restore_scenario(text: String, source: String, sets: Vec<String>) -> PyResult<Scenario> {
    let sets = sets
        .iter()
        .map(|s| Set::parse(s).map_err(scenario_error))
        .collect::<PyResult<Vec<_>>>()?;
    Scenario::build(text, source, sets)
}
