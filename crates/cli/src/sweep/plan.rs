//! The plan of a sweep: the base scenario with its fixed overrides, the design points
//! (each parameter's value, and its unit coordinate for unit-cube designs), and the
//! runs (point × replicate) with their ids and seeds. A pure function of the spec and
//! the base scenario, so every restart and shard derives the same plan.

use super::spec::{Kind, Parameter, Seeds, Source, Spec};
use crate::CliError;
use credsim_experiments::design::{self, Marginal, Value};
use credsim_model::{FieldPath, Loaded, Overrides, Set};
use credsim_tables::Column;

/// One design point.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Each parameter's value, in the spec's order.
    pub values: Vec<Value>,
    /// Unit coordinates (unit-cube designs; None for a grid).
    pub units: Option<Vec<f64>>,
}

/// One run: a design point and a replicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// Row index in design order: point_id × replicates + replicate.
    pub run_id: u64,
    /// Design point.
    pub point_id: u64,
    /// Replicate, from 0.
    pub replicate: u32,
    /// The run's seed.
    pub seed: u64,
}

/// A sweep, planned.
pub struct Plan {
    /// The spec.
    pub spec: Spec,
    /// The base scenario's text and name (for errors).
    pub base_text: String,
    /// How errors name the base scenario.
    pub base_file: String,
    /// The base scenario with the fixed overrides (and the root seed).
    pub base: Loaded,
    /// Root seed of the runs' seeds.
    pub root_seed: u64,
    /// Seed of the design's draws.
    pub design_seed: u64,
    /// Design points, in design order.
    pub points: Vec<Point>,
    /// Runs, in run-id order.
    pub runs: Vec<Run>,
}

/// The seed of a run. Common random numbers: the replicate's seed derived from the
/// root, the same at every point (replicate 0 runs the root seed itself). Independent:
/// a seed per (point, replicate), replicate_seed(replicate_seed(root, point + 1),
/// replicate + 1).
pub fn seed_of(scheme: Seeds, root: u64, point: u64, replicate: u32) -> u64 {
    use credsim_engine::pool::replicate_seed;
    match scheme {
        Seeds::Common => replicate_seed(root, u64::from(replicate)),
        Seeds::Independent => replicate_seed(
            replicate_seed(root, point.wrapping_add(1)),
            u64::from(replicate) + 1,
        ),
    }
}

/// A value as `--set` takes it (TOML; floats in their shortest exact form).
pub fn value_text(p: &Parameter, v: Value) -> String {
    match v {
        Value::Float(x) => format!("{x:?}"),
        Value::Int(i) => i.to_string(),
        Value::Index(i) => p
            .values
            .as_ref()
            .and_then(|vs| vs.get(i))
            .map(toml_text)
            .unwrap_or_default(),
    }
}

/// A TOML value as text (`0.5`, `"text"`, `{ a = 1 }`).
fn toml_text(v: &toml::Value) -> String {
    let mut t = toml::Table::new();
    t.insert("v".into(), v.clone());
    let line = toml::to_string(&t).unwrap_or_default();
    // `v = …` on one line for scalars and inline tables; nested tables become
    // sections, which `--set` does not take, so they are written inline by hand.
    match line.trim().strip_prefix("v = ") {
        Some(rest) if !rest.contains('\n') => rest.to_string(),
        _ => inline(v),
    }
}

fn inline(v: &toml::Value) -> String {
    match v {
        toml::Value::Table(t) => {
            let items: Vec<String> = t
                .iter()
                .map(|(k, x)| format!("{} = {}", toml_key(k), inline(x)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
        toml::Value::Array(a) => {
            let items: Vec<String> = a.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        other => toml_text(other),
    }
}

fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        format!("{k:?}")
    }
}

fn usage(spec: &Spec, message: String) -> CliError {
    CliError::Usage(format!("sweep spec `{}`: {message}", spec.file.display()))
}

/// The base scenario's text and the name errors give it (`preset NAME` or the path).
pub fn base_scenario(spec: &Spec) -> Result<(String, String), CliError> {
    Ok(match &spec.base.source {
        Source::Preset(name) => (
            credsim_model::presets::find(name)?.toml.to_string(),
            format!("preset {name}"),
        ),
        Source::Scenario { path, .. } => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                usage(
                    spec,
                    format!("[base] scenario: cannot read `{}`: {e}", path.display()),
                )
            })?;
            (text, path.display().to_string())
        }
    })
}

impl Plan {
    /// Loads the base scenario, draws the design and lays out the runs.
    pub fn new(spec: Spec) -> Result<Plan, CliError> {
        let (base_text, base_file) = base_scenario(&spec)?;
        Plan::with_base(spec, base_text, base_file)
    }

    /// [`Plan::new`] with the base scenario's text and name given (a worker on another
    /// machine builds the driver's plan without its files).
    pub fn with_base(spec: Spec, base_text: String, base_file: String) -> Result<Plan, CliError> {
        let fixed = Overrides {
            persons: spec.base.persons,
            years: spec.base.years,
            seed: spec.runs.root_seed,
            sets: spec.base.sets.clone(),
        };
        let base = credsim_model::load(&base_text, &base_file, &fixed).map_err(|e| {
            usage(
                &spec,
                format!("the base scenario with [base]'s overrides does not load:\n{e}"),
            )
        })?;
        let root_seed = base.model.seed;
        let design_seed = spec.design.seed.unwrap_or(root_seed);
        let points = points(&spec, design_seed)?;
        let r = spec.runs.replicates;
        let runs = (0..points.len() as u64)
            .flat_map(|p| {
                (0..r).map(move |k| Run {
                    run_id: p * u64::from(r) + u64::from(k),
                    point_id: p,
                    replicate: k,
                    seed: 0,
                })
            })
            .map(|mut run| {
                run.seed = seed_of(spec.runs.seeds, root_seed, run.point_id, run.replicate);
                run
            })
            .collect();
        let plan = Plan {
            spec,
            base_text,
            base_file,
            base,
            root_seed,
            design_seed,
            points,
            runs,
        };
        plan.check_parameters()?;
        Ok(plan)
    }

    /// The `--set`s of a point: the fixed ones, then each non-dummy parameter's.
    pub fn sets(&self, point: &Point) -> Vec<Set> {
        let mut sets = self.spec.base.sets.clone();
        for (p, &v) in self.spec.parameters.iter().zip(&point.values) {
            if let Some(path) = &p.path {
                sets.push(Set {
                    path: path.clone(),
                    value: value_text(p, v),
                });
            }
        }
        sets
    }

    /// The overrides of a run.
    pub fn overrides(&self, run: &Run) -> Overrides {
        Overrides {
            persons: self.spec.base.persons,
            years: self.spec.base.years,
            seed: Some(run.seed),
            sets: self.sets(&self.points[run.point_id as usize]),
        }
    }

    /// Runs in the order they are started: every point of replicate 0, then of
    /// replicate 1, …, so that a partial sweep covers the design evenly. `shard`
    /// (i of n, from 1) keeps the runs whose id is i − 1 modulo n.
    pub fn execution_order(&self, shard: Option<(u64, u64)>) -> Vec<Run> {
        let mut runs: Vec<Run> = self
            .runs
            .iter()
            .copied()
            .filter(|r| shard.is_none_or(|(i, n)| r.run_id % n == i - 1))
            .collect();
        runs.sort_by_key(|r| (r.replicate, r.point_id));
        runs
    }

    /// Every parameter must load with some of its values: a path the scenario does not
    /// have, or a value of the wrong type everywhere, is the spec's error. A value
    /// that fails at some points only fails those runs (recorded in status.jsonl).
    fn check_parameters(&self) -> Result<(), CliError> {
        let located = credsim_model::Located::new(&self.spec.text);
        let mut problems = Vec::new();
        for (j, p) in self.spec.parameters.iter().enumerate() {
            let Some(path) = &p.path else { continue };
            let mut candidates: Vec<String> = match &p.values {
                Some(vs) => (0..vs.len().min(20))
                    .map(|i| value_text(p, Value::Index(i)))
                    .collect(),
                None => {
                    let mut xs: Vec<String> = self
                        .points
                        .iter()
                        .map(|pt| value_text(p, pt.values[j]))
                        .collect();
                    xs.sort();
                    xs.dedup();
                    let n = xs.len();
                    match n {
                        0..=3 => xs,
                        _ => vec![xs[0].clone(), xs[n / 2].clone(), xs[n - 1].clone()],
                    }
                }
            };
            candidates.dedup();
            let mut first_error = None;
            let loads = candidates.iter().any(|v| {
                let mut sets = self.spec.base.sets.clone();
                sets.push(Set {
                    path: path.clone(),
                    value: v.clone(),
                });
                let o = Overrides {
                    persons: self.spec.base.persons,
                    years: self.spec.base.years,
                    seed: Some(self.root_seed),
                    sets,
                };
                match credsim_model::load(&self.base_text, &self.base_file, &o) {
                    Ok(_) => true,
                    Err(e) => {
                        first_error.get_or_insert_with(|| (v.clone(), e.to_string()));
                        false
                    }
                }
            });
            if !loads && let Some((v, e)) = first_error {
                problems.push(located.problem(
                    FieldPath::keys(&["parameter"]).index(j).key("path"),
                    format!(
                        "the base scenario loads with none of this parameter's values; with `{path}={v}`:\n{e}"
                    ),
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(CliError::Usage(super::spec::render(
                &self.spec.file.display().to_string(),
                &problems,
            )))
        }
    }

    /// The columns of design.parquet: run_id, point_id, replicate, seed,
    /// scenario_hash (of the resolved run scenario; null when its overrides do not
    /// apply), one typed column per parameter and `unit.<name>` for unit-cube designs.
    pub fn design_columns(&self) -> Vec<(String, Column)> {
        let raw = credsim_model::parse(&self.base_text, &self.base_file).ok();
        let hashes = self
            .runs
            .iter()
            .map(|run| {
                let mut s = raw.clone()?;
                self.overrides(run).apply(&mut s).ok()?;
                Some(credsim_model::scenario_hash(&s))
            })
            .collect();
        let mut columns = vec![
            (
                "run_id".to_string(),
                Column::U64(self.runs.iter().map(|r| r.run_id).collect()),
            ),
            (
                "point_id".into(),
                Column::U64(self.runs.iter().map(|r| r.point_id).collect()),
            ),
            (
                "replicate".into(),
                Column::U32(self.runs.iter().map(|r| r.replicate).collect()),
            ),
            (
                "seed".into(),
                Column::U64(self.runs.iter().map(|r| r.seed).collect()),
            ),
            ("scenario_hash".into(), Column::Utf8(hashes)),
        ];
        let at = |r: &Run| &self.points[r.point_id as usize];
        for (j, p) in self.spec.parameters.iter().enumerate() {
            let values = self.runs.iter().map(|r| at(r).values[j]);
            columns.push((p.name.clone(), typed(p, values)));
        }
        if self.points.first().is_some_and(|p| p.units.is_some()) {
            for (j, p) in self.spec.parameters.iter().enumerate() {
                let units = self
                    .runs
                    .iter()
                    .map(|r| at(r).units.as_ref().map(|u| u[j]))
                    .collect();
                columns.push((format!("unit.{}", p.name), Column::F64(units)));
            }
        }
        columns
    }
}

/// A parameter's design column: Float64 for ranges and distributions, Int64 for
/// integer ranges; listed values by their TOML type (all integers: Int64; numbers:
/// Float64; booleans; strings), anything else as its TOML text.
fn typed(p: &Parameter, values: impl Iterator<Item = Value>) -> Column {
    let listed = |i: usize| p.values.as_ref().and_then(|v| v.get(i));
    let values: Vec<Value> = values.collect();
    let all = |f: &dyn Fn(&toml::Value) -> bool| p.values.as_ref().is_some_and(|v| v.iter().all(f));
    match &p.marginal {
        Marginal::Choice(_) => {
            let index = |v: &Value| match v {
                Value::Index(i) => listed(*i),
                _ => None,
            };
            if all(&|v| v.is_integer()) {
                Column::I64(
                    values
                        .iter()
                        .map(|v| index(v).and_then(toml::Value::as_integer))
                        .collect(),
                )
            } else if all(&|v| v.is_integer() || v.is_float()) {
                Column::F64(
                    values
                        .iter()
                        .map(|v| {
                            index(v).and_then(|x| {
                                x.as_float().or_else(|| x.as_integer().map(|i| i as f64))
                            })
                        })
                        .collect(),
                )
            } else if all(&|v| v.is_bool()) {
                Column::Bool(
                    values
                        .iter()
                        .map(|v| index(v).and_then(toml::Value::as_bool))
                        .collect(),
                )
            } else if all(&|v| v.is_str()) {
                Column::Utf8(
                    values
                        .iter()
                        .map(|v| index(v).and_then(|x| x.as_str().map(str::to_string)))
                        .collect(),
                )
            } else {
                Column::Utf8(values.iter().map(|&v| Some(value_text(p, v))).collect())
            }
        }
        Marginal::Integer { .. } | Marginal::LogInteger { .. } => Column::I64(
            values
                .iter()
                .map(|v| match v {
                    Value::Int(i) => Some(*i),
                    _ => None,
                })
                .collect(),
        ),
        _ => Column::F64(
            values
                .iter()
                .map(|v| match v {
                    Value::Float(x) => Some(*x),
                    _ => None,
                })
                .collect(),
        ),
    }
}

/// The design points of the spec.
fn points(spec: &Spec, seed: u64) -> Result<Vec<Point>, CliError> {
    let params = &spec.parameters;
    let d = params.len();
    let unit_rows = match spec.design.kind {
        Kind::Grid => {
            let levels: Vec<usize> = params
                .iter()
                .map(|p| match p.marginal {
                    Marginal::Choice(n) => n,
                    _ => p.levels.unwrap_or(1),
                })
                .collect();
            return Ok(design::grid(&levels)
                .into_iter()
                .map(|row| Point {
                    values: row
                        .iter()
                        .zip(params)
                        .zip(&levels)
                        .map(|((&i, p), &k)| p.marginal.at_level(i, k))
                        .collect(),
                    units: None,
                })
                .collect());
        }
        Kind::Random => design::random(spec.design.points.unwrap_or(0), d, seed),
        Kind::Lhs => design::lhs(spec.design.points.unwrap_or(0), d, seed),
        Kind::Sobol => credsim_experiments::sobol::saltelli(
            spec.design.n.unwrap_or(0),
            d,
            spec.design.second_order.unwrap_or(false),
            seed,
        ),
        Kind::Morris => credsim_experiments::morris::trajectories(
            spec.design.trajectories.unwrap_or(0),
            d,
            spec.design.levels.unwrap_or(4),
            seed,
        )
        .map_err(|e| CliError::Usage(format!("`{}`: [design]: {e}", spec.file.display())))?,
    };
    Ok(unit_rows
        .into_iter()
        .map(|u| Point {
            values: u
                .iter()
                .zip(params)
                .map(|(&x, p)| p.marginal.at(x))
                .collect(),
            units: Some(u),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_common_and_independent() {
        // Common: replicate 0 is the root itself, and every point shares each replicate's seed.
        assert_eq!(seed_of(Seeds::Common, 7, 0, 0), 7);
        assert_eq!(
            seed_of(Seeds::Common, 7, 3, 1),
            seed_of(Seeds::Common, 7, 9, 1)
        );
        assert_ne!(seed_of(Seeds::Common, 7, 0, 1), 7);
        // Independent: all distinct over points and replicates.
        let mut seen = std::collections::HashSet::new();
        for p in 0..100 {
            for r in 0..5 {
                assert!(seen.insert(seed_of(Seeds::Independent, 7, p, r)));
            }
        }
        assert!(!seen.contains(&7));
    }

    #[test]
    fn values_as_set_text() {
        let p = Parameter {
            name: "x".into(),
            path: Some("a.b".into()),
            marginal: Marginal::Choice(3),
            values: Some(vec![
                toml::Value::String("court".into()),
                toml::Value::Float(0.1),
                toml::Value::Table(toml::toml! { urban = 1.5 }),
            ]),
            levels: None,
        };
        assert_eq!(value_text(&p, Value::Index(0)), "\"court\"");
        assert_eq!(value_text(&p, Value::Index(1)), "0.1");
        assert_eq!(value_text(&p, Value::Index(2)), "{ urban = 1.5 }");
        assert_eq!(value_text(&p, Value::Float(1e-7)), "1e-7");
        assert_eq!(value_text(&p, Value::Float(3.0)), "3.0");
        assert_eq!(value_text(&p, Value::Int(-4)), "-4");
    }
}
