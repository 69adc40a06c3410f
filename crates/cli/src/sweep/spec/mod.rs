//! The sweep spec (`credsim sweep SPEC.toml`, docs/sweep.md): its TOML form, checked
//! with errors that name the file, line, column and field, and its resolved form.

use credsim_experiments::design::Marginal;
use credsim_model::{FieldPath, Located, Problem, Set};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

mod parameter;
pub use parameter::Parameter;
use parameter::RawParameter;

/// The spec as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    description: Option<String>,
    base: RawBase,
    design: RawDesign,
    #[serde(default)]
    runs: RawRuns,
    #[serde(default, rename = "parameter")]
    parameters: Vec<RawParameter>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBase {
    scenario: Option<String>,
    preset: Option<String>,
    persons: Option<u64>,
    years: Option<u32>,
    #[serde(default)]
    set: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDesign {
    kind: Kind,
    points: Option<usize>,
    n: Option<usize>,
    second_order: Option<bool>,
    trajectories: Option<usize>,
    levels: Option<usize>,
    seed: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuns {
    replicates: Option<u32>,
    seeds: Option<Seeds>,
    root_seed: Option<u64>,
    audit: Option<bool>,
    timeseries: Option<bool>,
    threads: Option<usize>,
    time_limit: Option<f64>,
}

/// The design kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Full factorial over each parameter's values or levels.
    Grid,
    /// Independent uniform points of the unit cube.
    Random,
    /// A Latin hypercube.
    Lhs,
    /// Saltelli's design for Sobol' indices.
    Sobol,
    /// Morris trajectories for elementary effects.
    Morris,
}

/// How run seeds are derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Seeds {
    /// Common random numbers: the seed depends on the replicate only.
    Common,
    /// Each (point, replicate) its own seed.
    Independent,
}

/// Where the base scenario comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A built-in preset, by name.
    Preset(String),
    /// A scenario file: as written in the spec, and resolved against the spec's folder.
    Scenario {
        /// As written.
        written: String,
        /// The file opened.
        #[serde(skip)]
        path: PathBuf,
    },
}

/// The base scenario and the overrides every run shares.
#[derive(Debug, Clone, Serialize)]
pub struct Base {
    /// Where it comes from.
    pub source: Source,
    /// `persons` (replaces population.persons).
    pub persons: Option<u64>,
    /// `years` (replaces the horizon).
    pub years: Option<u32>,
    /// Fixed `set`s, in order.
    #[serde(serialize_with = "sets_as_args")]
    pub sets: Vec<Set>,
}

fn sets_as_args<S: serde::Serializer>(sets: &[Set], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(sets.iter().map(Set::arg))
}

/// The design and its sizes.
#[derive(Debug, Clone, Serialize)]
pub struct Design {
    /// Kind.
    pub kind: Kind,
    /// Points (random, lhs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<usize>,
    /// Base rows N (sobol).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<usize>,
    /// Second-order indices (sobol).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub second_order: Option<bool>,
    /// Trajectories r (morris).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trajectories: Option<usize>,
    /// Levels (morris; grid: the default for ranges and distributions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub levels: Option<usize>,
    /// Seed of the design's draws (default: the root seed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// How the runs are made.
#[derive(Debug, Clone, Serialize)]
pub struct Runs {
    /// Replicates per design point.
    pub replicates: u32,
    /// Seed scheme.
    pub seeds: Seeds,
    /// Root seed (default: the base scenario's seed).
    pub root_seed: Option<u64>,
    /// Run the audit.
    pub audit: bool,
    /// Keep each run's time series.
    pub timeseries: bool,
    /// Threads per run (default: chosen from the cores); not part of the sweep's identity.
    #[serde(skip)]
    pub threads: Option<usize>,
    /// Time limit per run, minutes; not part of the sweep's identity.
    #[serde(skip)]
    pub time_limit: f64,
}

/// A checked spec.
#[derive(Debug, Clone, Serialize)]
pub struct Spec {
    /// The spec file, as given.
    #[serde(skip)]
    pub file: PathBuf,
    /// Its text.
    #[serde(skip)]
    pub text: String,
    /// Free text.
    pub description: Option<String>,
    /// Base scenario and fixed overrides.
    pub base: Base,
    /// Design.
    pub design: Design,
    /// Runs.
    pub runs: Runs,
    /// Parameters, in column order.
    pub parameters: Vec<Parameter>,
}

/// Problems found in a spec, rendered with file, line and field.
#[derive(Debug)]
pub struct SpecError(pub String);

/// Reads and checks a spec file.
pub fn read(file: &Path) -> Result<Spec, SpecError> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file)
        .map_err(|e| SpecError(format!("cannot read sweep spec `{name}`: {e}")))?;
    parse(&text, file)
}

/// Parses and checks spec text (`file` names it and anchors a relative scenario path).
pub fn parse(text: &str, file: &Path) -> Result<Spec, SpecError> {
    let name = file.display().to_string();
    let located = Located::new(text);
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let path = e
            .span()
            .map(|s| located.path_at(s.start))
            .unwrap_or_default();
        let message = match e.message().trim() {
            "" => "invalid TOML".to_string(),
            m => m.to_string(),
        };
        SpecError(credsim_model::render_problems(
            &name,
            &[located.at_span(path, message, e.span())],
        ))
    })?;
    let mut c = Check {
        located: &located,
        problems: Vec::new(),
    };
    let spec = c.spec(raw, text, file);
    match spec {
        Some(s) if c.problems.is_empty() => Ok(s),
        _ => Err(SpecError(render(&name, &c.problems))),
    }
}

/// Problems of a spec, under a count when there are several.
pub fn render(file: &str, problems: &[Problem]) -> String {
    let body = credsim_model::render_problems(file, problems);
    if problems.len() > 1 {
        format!(
            "sweep spec `{file}` has {} problems:\n{body}",
            problems.len()
        )
    } else {
        body
    }
}

/// Collects located problems.
pub(crate) struct Check<'a> {
    pub(crate) located: &'a Located<'a>,
    pub(crate) problems: Vec<Problem>,
}

fn keys(path: &[&str]) -> FieldPath {
    FieldPath::keys(path)
}

fn param_path(i: usize, key: &str) -> FieldPath {
    keys(&["parameter"]).index(i).key(key)
}

impl Check<'_> {
    pub(crate) fn at(&mut self, path: FieldPath, message: impl Into<String>) {
        let p = self.located.problem(path, message.into());
        self.problems.push(p);
    }

    fn spec(&mut self, raw: Raw, text: &str, file: &Path) -> Option<Spec> {
        let base = self.base(raw.base, file);
        let design = self.design(raw.design);
        let runs = self.runs(raw.runs);
        if raw.parameters.is_empty() {
            self.at(
                keys(&["design", "kind"]),
                "a sweep needs at least one [[parameter]] (name, path and values, a range or a distribution)",
            );
        }
        let mut parameters = Vec::new();
        for (i, p) in raw.parameters.into_iter().enumerate() {
            if let Some(p) = self.parameter(i, p, &design) {
                parameters.push(p);
            }
        }
        self.names_unique(&parameters);
        self.design_fits(&design, &parameters);
        Some(Spec {
            file: file.to_path_buf(),
            text: text.to_string(),
            description: raw.description,
            base: base?,
            design,
            runs,
            parameters,
        })
    }

    fn base(&mut self, raw: RawBase, file: &Path) -> Option<Base> {
        let source = match (raw.scenario, raw.preset) {
            (Some(s), None) => {
                let path = file.parent().unwrap_or(Path::new("")).join(&s);
                Source::Scenario { written: s, path }
            }
            (None, Some(p)) => {
                if credsim_model::presets::find(&p).is_err() {
                    let known: Vec<&str> =
                        credsim_model::presets::ALL.iter().map(|p| p.name).collect();
                    self.at(
                        keys(&["base", "preset"]),
                        format!(
                            "no preset named `{p}`; the presets are: {}",
                            known.join(", ")
                        ),
                    );
                    return None;
                }
                Source::Preset(p)
            }
            (Some(_), Some(_)) => {
                self.at(
                    keys(&["base", "preset"]),
                    "give `scenario` (a file, relative to this spec) or `preset`, not both",
                );
                return None;
            }
            (None, None) => {
                self.at(
                    keys(&["base"]),
                    "[base] needs `scenario = \"FILE.toml\"` (relative to this spec) or `preset = \"NAME\"`",
                );
                return None;
            }
        };
        let mut sets = Vec::new();
        for (i, s) in raw.set.iter().enumerate() {
            match Set::parse(s) {
                Ok(set) => sets.push(set),
                Err(e) => self.at(keys(&["base", "set"]).index(i), e),
            }
        }
        if raw.persons == Some(0) || raw.persons > Some(credsim_model::validate::MAX_PERSONS) {
            self.at(
                keys(&["base", "persons"]),
                format!(
                    "persons must be from 1 to {}",
                    credsim_model::validate::MAX_PERSONS
                ),
            );
        }
        let max_years = credsim_model::validate::MAX_DAYS / 365;
        if raw.years == Some(0) || raw.years > Some(max_years) {
            self.at(
                keys(&["base", "years"]),
                format!("years must be from 1 to {max_years}"),
            );
        }
        Some(Base {
            source,
            persons: raw.persons,
            years: raw.years,
            sets,
        })
    }

    fn design(&mut self, raw: RawDesign) -> Design {
        let k = raw.kind;
        let allowed: &[(&str, bool, Option<usize>)] = &[
            ("points", matches!(k, Kind::Random | Kind::Lhs), raw.points),
            ("n", k == Kind::Sobol, raw.n),
            ("trajectories", k == Kind::Morris, raw.trajectories),
            ("levels", matches!(k, Kind::Morris | Kind::Grid), raw.levels),
        ];
        let name = |k: Kind| match k {
            Kind::Grid => "grid",
            Kind::Random => "random",
            Kind::Lhs => "lhs",
            Kind::Sobol => "sobol",
            Kind::Morris => "morris",
        };
        for &(key, ok, value) in allowed {
            if !ok && value.is_some() {
                self.at(
                    keys(&["design", key]),
                    format!("`{key}` does not apply to a {} design", name(k)),
                );
            }
            // Sobol' and Morris analyses need two base rows or trajectories at least
            // (`credsim sensitivity` would refuse the finished sweep otherwise).
            let min = if matches!(key, "n" | "trajectories") {
                2
            } else {
                1
            };
            if ok && value.is_some_and(|v| v < min) {
                let why = if min == 2 {
                    " (the sensitivity analysis needs two to estimate variances)"
                } else {
                    ""
                };
                self.at(
                    keys(&["design", key]),
                    format!("`{key}` must be at least {min}{why}"),
                );
            }
        }
        if raw.second_order.is_some() && k != Kind::Sobol {
            self.at(
                keys(&["design", "second_order"]),
                "`second_order` applies to sobol designs only",
            );
        }
        let need = |c: &mut Self, key: &str, v: Option<usize>, what: &str| {
            if v.is_none() {
                c.at(
                    keys(&["design"]),
                    format!("a {} design needs `{key}` ({what})", name(k)),
                );
            }
        };
        match k {
            Kind::Random | Kind::Lhs => need(self, "points", raw.points, "the number of points"),
            Kind::Sobol => need(
                self,
                "n",
                raw.n,
                "base rows N; the design has N·(d+2) points",
            ),
            Kind::Morris => {
                need(
                    self,
                    "trajectories",
                    raw.trajectories,
                    "r; the design has r·(d+1) points",
                );
                if let Some(l) = raw.levels
                    && (l < 2 || l % 2 == 1)
                {
                    self.at(
                        keys(&["design", "levels"]),
                        "Morris levels must be even and at least 2 (4 is usual)",
                    );
                }
            }
            Kind::Grid => {}
        }
        Design {
            kind: k,
            points: raw.points,
            n: raw.n,
            second_order: (k == Kind::Sobol).then(|| raw.second_order.unwrap_or(false)),
            trajectories: raw.trajectories,
            levels: match k {
                Kind::Morris => Some(raw.levels.unwrap_or(4)),
                _ => raw.levels,
            },
            seed: raw.seed,
        }
    }

    fn runs(&mut self, raw: RawRuns) -> Runs {
        if raw.replicates == Some(0) {
            self.at(
                keys(&["runs", "replicates"]),
                "replicates must be at least 1",
            );
        }
        if raw.threads == Some(0) {
            self.at(
                keys(&["runs", "threads"]),
                "threads per run must be at least 1 (leave it out to choose from the cores)",
            );
        }
        if let Some(t) = raw.time_limit
            && (t.is_nan() || t <= 0.0)
        {
            self.at(
                keys(&["runs", "time_limit"]),
                "time_limit (minutes per run) must be positive",
            );
        }
        Runs {
            replicates: raw.replicates.unwrap_or(1),
            seeds: raw.seeds.unwrap_or(Seeds::Common),
            root_seed: raw.root_seed,
            audit: raw.audit.unwrap_or(true),
            timeseries: raw.timeseries.unwrap_or(false),
            threads: raw.threads,
            time_limit: raw.time_limit.unwrap_or(60.0),
        }
    }

    fn names_unique(&mut self, parameters: &[Parameter]) {
        for (i, p) in parameters.iter().enumerate() {
            if parameters[..i].iter().any(|q| q.name == p.name) {
                self.at(
                    param_path(i, "name"),
                    format!("two parameters are named `{}`", p.name),
                );
            }
            if let Some(path) = &p.path
                && parameters[..i]
                    .iter()
                    .any(|q| q.path.as_ref() == Some(path))
            {
                self.at(
                    param_path(i, "path"),
                    format!("two parameters set `{path}`"),
                );
            }
        }
    }

    /// A design with no parameter or too many runs is refused.
    fn design_fits(&mut self, design: &Design, parameters: &[Parameter]) {
        if design.kind == Kind::Grid {
            let points = parameters.iter().try_fold(1u64, |acc, p| {
                let k = match p.marginal {
                    Marginal::Choice(n) => n,
                    _ => p.levels.unwrap_or(1),
                };
                acc.checked_mul(k as u64)
            });
            if points.is_none_or(|n| n > MAX_POINTS) {
                self.at(
                    keys(&["design", "kind"]),
                    format!("the grid has more than {MAX_POINTS} points; use fewer values or levels, or a random, lhs or sobol design"),
                );
            }
        }
        let d = parameters.len() as u64;
        let points = match design.kind {
            Kind::Grid => 0,
            Kind::Random | Kind::Lhs => design.points.unwrap_or(0) as u64,
            Kind::Sobol => {
                let per = if design.second_order == Some(true) {
                    2 * d + 2
                } else {
                    d + 2
                };
                (design.n.unwrap_or(0) as u64).saturating_mul(per)
            }
            Kind::Morris => (design.trajectories.unwrap_or(0) as u64).saturating_mul(d + 1),
        };
        if points > MAX_POINTS {
            self.at(
                keys(&["design", "kind"]),
                format!("the design has {points} points, more than {MAX_POINTS}"),
            );
        }
    }
}

/// The largest number of design points a spec may ask for.
pub const MAX_POINTS: u64 = 10_000_000;
