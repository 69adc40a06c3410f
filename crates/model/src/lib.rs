//! credsim scenarios: the TOML format ([`raw`]), its validation (section by section,
//! with the shared checks and limits in [`validate`]) and the compiled [`Model`] that
//! the engine runs, plus the presets embedded in the binary. The small enums both
//! forms share live in [`kinds`].
//!
//! The flow is one way: text → [`raw::Scenario`] (shape, defaults filled in) →
//! command-line overrides → [`Model`] (checked, ids resolved to indices). Errors at
//! every stage name the file, line, column and field ([`ScenarioError`]).

pub mod calendar;
mod eligibility;
pub mod error;
pub mod kinds;
pub mod model;
pub mod presets;
pub mod raw;
mod section;
pub mod set;
pub mod validate;
mod warnings;

pub use error::{FieldPath, Located, Problem, ScenarioError, render_problems, render_warnings};
pub use kinds::{Level, ListKind, Period, Scope, Status, TreatmentKind};
pub use model::*;
pub use raw::Scenario;
pub use set::Set;

/// Values from the command line that replace the scenario's own.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Number of persons.
    pub persons: Option<u64>,
    /// Horizon in years (replaces `years` or `days`).
    pub years: Option<u32>,
    /// Seed.
    pub seed: Option<u64>,
    /// Fields set by key path (`--set PATH=VALUE`), applied in order before the others.
    pub sets: Vec<Set>,
}

impl Overrides {
    /// Applies the overrides to a parsed scenario: the `--set`s in order, then
    /// persons, years and seed. Returns the field path of each `--set`.
    pub fn apply(&self, s: &mut Scenario) -> Result<Vec<FieldPath>, String> {
        let paths = set::apply(s, &self.sets)?;
        if let Some(p) = self.persons {
            s.population.persons = p;
        }
        if let Some(y) = self.years {
            s.simulation.years = Some(y);
            s.simulation.days = None;
        }
        if let Some(seed) = self.seed {
            s.simulation.seed = seed;
        }
        Ok(paths)
    }
}

/// A scenario: its text as written, the resolved form (defaults filled in, overrides
/// applied) and its compiled model.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The text as written, every comment kept (each number's source or `assumption`
    /// label lives in the comments). Overrides are not in it.
    pub text: String,
    /// The resolved scenario (serialise it to show exactly what runs).
    pub scenario: Scenario,
    /// The runnable model.
    pub model: Model,
    /// What validates but cannot have its apparent effect (see `warnings.rs`).
    pub warnings: Vec<Problem>,
}

/// Parses TOML text into a scenario; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    toml::from_str::<Scenario>(text).map_err(|e| {
        let located = error::Located::new(text);
        let path = e
            .span()
            .map(|s| located.path_at(s.start))
            .unwrap_or_default();
        let mut message = e.message().trim().to_string();
        if message.is_empty() {
            message = "invalid TOML".to_string();
        }
        ScenarioError::Syntax {
            file: file.to_string(),
            problem: Box::new(located.at_span(path, message, e.span())),
        }
    })
}

/// Parses, applies overrides, validates and compiles a scenario.
pub fn load(text: &str, file: &str, overrides: &Overrides) -> Result<Loaded, ScenarioError> {
    let mut scenario = parse(text, file)?;
    let set_paths = overrides
        .apply(&mut scenario)
        .map_err(|message| ScenarioError::Invalid {
            file: file.to_string(),
            problems: vec![Problem {
                path: FieldPath::default(),
                message,
                position: None,
                excerpt: None,
                width: 0,
            }],
        })?;
    let located = error::Located::new(text);
    let model =
        section::compile(&scenario, &located, scenario_hash(&scenario)).map_err(|problems| {
            ScenarioError::Invalid {
                file: file.to_string(),
                problems: problems
                    .into_iter()
                    .map(|p| set::relabel(p, &overrides.sets, &set_paths))
                    .collect(),
            }
        })?;
    let warnings = warnings::check(&model, &located)
        .into_iter()
        .map(|p| set::relabel(p, &overrides.sets, &set_paths))
        .collect();
    Ok(Loaded {
        text: text.to_string(),
        scenario,
        model,
        warnings,
    })
}

/// Reads and loads a scenario file.
pub fn load_file(path: &std::path::Path, overrides: &Overrides) -> Result<Loaded, ScenarioError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ScenarioError::Read {
        file: file.clone(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| ScenarioError::Read {
        file: file.clone(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text: {e}"),
        ),
    })?;
    load(&text, &file, overrides)
}

/// The resolved scenario as TOML (every default written out).
pub fn to_toml(s: &Scenario) -> String {
    toml::to_string_pretty(s).unwrap_or_else(|e| format!("# cannot render scenario: {e}\n"))
}

/// A 64-bit FNV-1a digest of the resolved scenario's canonical JSON, as 16 hex digits.
pub fn scenario_hash(s: &Scenario) -> String {
    let json = serde_json::to_string(s).unwrap_or_default();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in json.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}
