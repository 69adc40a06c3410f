//! The calibration spec (`credsim calibrate SPEC.toml`, format in docs/calibration.md):
//! parsed, checked and resolved, every problem located by file, line and field.

use crate::CliError;
use credsim_experiments::abc::{Kind, ObservationError, Prior, Settings, Target};
use credsim_model::calendar::Date;
use serde::{Deserialize, Serialize};
use std::path::Path;
use toml::Spanned;

/// The spec as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    calibration: RawCalibration,
    #[serde(default)]
    scale: Option<Spanned<RawScale>>,
    #[serde(default)]
    abc: RawAbc,
    #[serde(default)]
    predictive: RawPredictive,
    #[serde(default)]
    parameters: Vec<Spanned<RawParameter>>,
    #[serde(default)]
    targets: Vec<Spanned<RawTarget>>,
    #[serde(default)]
    predictions: Vec<Spanned<RawPrediction>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalibration {
    name: Option<String>,
    #[serde(default)]
    description: String,
    preset: Option<String>,
    scenario: Option<String>,
    persons: Option<u64>,
    years: Option<u32>,
    seed: Option<u64>,
    #[serde(default)]
    set: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScale {
    population: Option<f64>,
    factor: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAbc {
    particles: Option<usize>,
    ess_fraction: Option<f64>,
    epsilon: Option<f64>,
    min_acceptance: Option<f64>,
    max_simulations: Option<u64>,
    max_generations: Option<usize>,
    kernel_scale: Option<f64>,
    kernel: Option<credsim_experiments::abc::KernelKind>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPredictive {
    runs: Option<usize>,
    years: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    name: String,
    path: String,
    prior: String,
    min: Option<f64>,
    max: Option<f64>,
    mean: Option<f64>,
    sd: Option<f64>,
    #[serde(default)]
    integer: bool,
    #[serde(default)]
    description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: String,
    column: String,
    date: toml::value::Datetime,
    observed: f64,
    kind: Kind,
    sd: Option<f64>,
    sd_relative: Option<f64>,
    rounding: Option<f64>,
    source: String,
    #[serde(default)]
    role: Role,
    #[serde(default = "yes")]
    scaled: bool,
    #[serde(default)]
    note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrediction {
    name: String,
    column: String,
    date: toml::value::Datetime,
    #[serde(default = "yes")]
    scaled: bool,
}

fn yes() -> bool {
    true
}

/// Whether a target is fitted or held out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Fitted.
    #[default]
    Fit,
    /// Held out: not fitted, predicted from the posterior and compared.
    Validate,
}

/// Where the base scenario comes from.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Base {
    /// A preset by name.
    Preset(String),
    /// A scenario file (path as resolved against the spec's folder).
    Scenario(String),
}

/// A parameter to infer, with the scenario field it sets.
#[derive(Debug, Clone, Serialize)]
pub struct Parameter {
    /// Name (a posterior.parquet column).
    pub name: String,
    /// Scenario key path, as `credsim run --set`.
    pub path: String,
    /// Prior.
    pub prior: Prior,
    /// Rounded to a whole number before it is set.
    pub integer: bool,
    /// Free text.
    pub description: String,
    /// The spec's line.
    #[serde(skip)]
    pub line: usize,
}

impl Parameter {
    /// The `--set` of a value.
    pub fn set(&self, value: f64) -> credsim_model::Set {
        let text = if self.integer {
            format!("{}", value.round() as i64)
        } else {
            format!("{value:?}")
        };
        credsim_model::Set {
            path: self.path.clone(),
            value: text,
        }
    }

    /// The value as the scenario receives it.
    pub fn applied(&self, value: f64) -> f64 {
        if self.integer { value.round() } else { value }
    }
}

/// A statistic of the time series at a date: what targets and predictions read.
#[derive(Debug, Clone, Serialize)]
pub struct Statistic {
    /// Name.
    pub name: String,
    /// Time-series column (docs/outputs.md).
    pub column: String,
    /// Calendar date (end of that day).
    pub date: Date,
    /// Multiplied by the scale factor.
    pub scaled: bool,
    /// The spec's line.
    #[serde(skip)]
    pub line: usize,
}

/// A dated target.
#[derive(Debug, Clone, Serialize)]
pub struct TargetSpec {
    /// What is read from the simulation.
    #[serde(flatten)]
    pub stat: Statistic,
    /// The figure and its error model.
    pub target: Target,
    /// The error model as given.
    pub error: ObservationError,
    /// Where the figure comes from.
    pub source: String,
    /// Fitted or held out.
    pub role: Role,
    /// Free text.
    pub note: String,
}

/// The scale from simulated to real counts.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Scale {
    /// The real population represented (factor = population / simulated persons).
    pub population: Option<f64>,
    /// A fixed factor.
    pub factor: Option<f64>,
}

impl Scale {
    /// The factor for a run of `persons`.
    pub fn factor(&self, persons: u64) -> f64 {
        match (self.population, self.factor) {
            (Some(p), _) => p / persons as f64,
            (None, Some(f)) => f,
            (None, None) => 1.0,
        }
    }
}

/// The resolved spec.
#[derive(Debug, Clone, Serialize)]
pub struct Spec {
    /// Name (default: the file's stem).
    pub name: String,
    /// Free text.
    pub description: String,
    /// The base scenario.
    pub base: Base,
    /// Persons of every run (None: the scenario's).
    pub persons: Option<u64>,
    /// Horizon of the fitting runs in years (None: the scenario's).
    pub years: Option<u32>,
    /// Root seed.
    pub seed: u64,
    /// Fixed `--set`s, applied before the parameters.
    pub sets: Vec<String>,
    /// Simulated → real.
    pub scale: Scale,
    /// Sampler settings.
    pub abc: Settings,
    /// Posterior-predictive runs.
    pub predictive_runs: usize,
    /// Their horizon in years (None: that of the fitting runs).
    pub predictive_years: Option<u32>,
    /// Parameters.
    pub parameters: Vec<Parameter>,
    /// Targets, fitted and held out.
    pub targets: Vec<TargetSpec>,
    /// Statistics predicted without an observation.
    pub predictions: Vec<Statistic>,
}

/// A problem in the spec, with where it is.
pub fn problem(file: &Path, line: usize, what: &str, message: &str) -> CliError {
    CliError::Usage(format!(
        "calibration spec `{}`, line {line}, {what}: {message}",
        file.display()
    ))
}

fn line_of(text: &str, span: std::ops::Range<usize>) -> usize {
    text[..span.start.min(text.len())].matches('\n').count() + 1
}

/// The line of `key = …` in the table whose span starts at `span` (its lines up to the
/// next table header; the table's first line if the key is absent).
fn field_line(text: &str, span: std::ops::Range<usize>, key: &str) -> usize {
    let start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let mut offset = start;
    for (k, line) in text[start..].split_inclusive('\n').enumerate() {
        let t = line.trim_start();
        if k > 0 && t.starts_with('[') {
            break;
        }
        if t.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
        {
            return line_of(text, offset..offset);
        }
        offset += line.len();
    }
    line_of(text, span)
}

fn date_of(d: &toml::value::Datetime) -> Option<Date> {
    let day = d.date.filter(|_| d.time.is_none() && d.offset.is_none())?;
    Date::new(
        i32::from(day.year),
        u32::from(day.month),
        u32::from(day.day),
    )
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(format!(
            "name `{name}` is not allowed: use letters, digits, `_`, `-` and `.` (it names a column)"
        ));
    }
    Ok(())
}

/// Reads and checks a spec file.
pub fn read(file: &Path) -> Result<(Spec, String), CliError> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        CliError::Usage(format!(
            "cannot read calibration spec `{}`: {e}",
            file.display()
        ))
    })?;
    let spec = parse(&text, file)?;
    Ok((spec, text))
}

/// Parses and checks a spec's text (`file` for messages and relative paths).
pub fn parse(text: &str, file: &Path) -> Result<Spec, CliError> {
    let raw: Raw = toml::from_str(text).map_err(|e| {
        CliError::Usage(format!(
            "calibration spec `{}`: {}",
            file.display(),
            e.to_string().trim_end()
        ))
    })?;
    let c = &raw.calibration;
    let at = |line: usize, what: &str, m: &str| problem(file, line, what, m);
    let base = match (&c.preset, &c.scenario) {
        (Some(p), None) => Base::Preset(p.clone()),
        (None, Some(s)) => {
            let dir = file.parent().unwrap_or(Path::new(""));
            Base::Scenario(dir.join(s).to_string_lossy().into_owned())
        }
        _ => {
            return Err(at(
                1,
                "[calibration]",
                "give the base scenario as `preset = \"NAME\"` or `scenario = \"FILE.toml\"` (one of them)",
            ));
        }
    };
    for s in &c.set {
        credsim_model::Set::parse(s).map_err(|e| at(1, "[calibration] set", &e))?;
    }
    let name = match &c.name {
        Some(n) => n.clone(),
        None => file
            .file_stem()
            .map_or("calibration".into(), |s| s.to_string_lossy().into_owned()),
    };
    check_name(&name).map_err(|e| at(1, "[calibration] name", &e))?;
    let scale = match &raw.scale {
        None => Scale {
            population: None,
            factor: None,
        },
        Some(s) => {
            let line = line_of(text, s.span());
            let r = s.get_ref();
            let positive = |x: Option<f64>, what: &str| match x {
                Some(v) if !(v.is_finite() && v > 0.0) => Err(at(
                    line,
                    &format!("[scale] {what}"),
                    &format!("must be a number above 0 (it is {v})"),
                )),
                _ => Ok(()),
            };
            positive(r.population, "population")?;
            positive(r.factor, "factor")?;
            if r.population.is_some() == r.factor.is_some() {
                return Err(at(
                    line,
                    "[scale]",
                    "give `population` (the real population the simulated persons stand for) or `factor`, one of them",
                ));
            }
            Scale {
                population: r.population,
                factor: r.factor,
            }
        }
    };
    let d = Settings::default();
    let a = &raw.abc;
    let abc = Settings {
        particles: a.particles.unwrap_or(d.particles),
        ess_fraction: a.ess_fraction.unwrap_or(d.ess_fraction),
        final_epsilon: a.epsilon.unwrap_or(d.final_epsilon),
        min_acceptance: a.min_acceptance.unwrap_or(d.min_acceptance),
        max_simulations: a.max_simulations.unwrap_or(d.max_simulations),
        max_generations: a.max_generations.unwrap_or(d.max_generations),
        kernel: a.kernel.unwrap_or(d.kernel),
        kernel_scale: a.kernel_scale.unwrap_or(d.kernel_scale),
        batch: d.batch,
        seed: c.seed.unwrap_or(1),
    };
    abc.check().map_err(|e| at(1, "[abc]", &e))?;
    let mut names = std::collections::HashSet::new();
    let mut unique = |n: &str, line: usize, what: &str| -> Result<(), CliError> {
        check_name(n).map_err(|e| at(line, what, &e))?;
        if !names.insert(n.to_string()) {
            return Err(at(
                line,
                what,
                &format!(
                    "name `{n}` is used twice; names of parameters, targets and predictions must differ"
                ),
            ));
        }
        Ok(())
    };
    let mut parameters = Vec::new();
    for p in &raw.parameters {
        let line = line_of(text, p.span());
        let field = |key: &str| field_line(text, p.span(), key);
        let r = p.get_ref();
        let what = format!("[[parameters]] `{}`", r.name);
        unique(&r.name, field("name"), &what)?;
        credsim_model::Set::parse(&format!("{}=0", r.path))
            .map_err(|e| at(field("path"), &format!("{what} path"), &e))?;
        let need = |x: Option<f64>, f: &str| {
            x.ok_or_else(|| at(line, &what, &format!("a {} prior needs `{f}`", r.prior)))
        };
        let prior = match r.prior.as_str() {
            "uniform" => Prior::Uniform {
                min: need(r.min, "min")?,
                max: need(r.max, "max")?,
            },
            "log-uniform" => Prior::LogUniform {
                min: need(r.min, "min")?,
                max: need(r.max, "max")?,
            },
            "normal" => Prior::Normal {
                mean: need(r.mean, "mean")?,
                sd: need(r.sd, "sd")?,
                min: r.min,
                max: r.max,
            },
            other => {
                return Err(at(
                    field("prior"),
                    &format!("{what} prior"),
                    &format!(
                        "`{other}` is not a prior: use \"uniform\", \"log-uniform\" or \"normal\""
                    ),
                ));
            }
        };
        if !matches!(prior, Prior::Normal { .. }) && (r.mean.is_some() || r.sd.is_some()) {
            return Err(at(
                line,
                &what,
                "`mean` and `sd` belong to a normal prior only",
            ));
        }
        prior
            .check()
            .map_err(|e| at(field("prior"), &format!("{what} prior"), &e))?;
        parameters.push(Parameter {
            name: r.name.clone(),
            path: r.path.clone(),
            prior,
            integer: r.integer,
            description: r.description.clone(),
            line: field("path"),
        });
    }
    if parameters.is_empty() {
        return Err(at(
            1,
            "[[parameters]]",
            "the spec has no parameters to infer",
        ));
    }
    let stat = |name: &str,
                column: &str,
                date: &toml::value::Datetime,
                scaled,
                line,
                what: &str| {
        let date = date_of(date).ok_or_else(|| {
            at(
                line,
                &format!("{what} date"),
                &format!("`{date}` is not allowed: give a calendar date without a time, e.g. date = 2017-12-31"),
            )
        })?;
        Ok::<_, CliError>(Statistic {
            name: name.to_string(),
            column: column.to_string(),
            date,
            scaled,
            line,
        })
    };
    let mut targets = Vec::new();
    for t in &raw.targets {
        let field = |key: &str| field_line(text, t.span(), key);
        let line = field("date");
        let r = t.get_ref();
        let what = format!("[[targets]] `{}`", r.name);
        unique(&r.name, field("name"), &what)?;
        let error = ObservationError {
            sd: r.sd,
            relative: r.sd_relative,
            rounding: r.rounding,
        };
        let target = Target::new(r.observed, r.kind, &error)
            .map_err(|e| at(field("observed"), &format!("{what} observation error"), &e))?;
        if r.source.trim().is_empty() {
            return Err(at(
                field("source"),
                &format!("{what} source"),
                "say where the figure comes from",
            ));
        }
        targets.push(TargetSpec {
            stat: stat(&r.name, &r.column, &r.date, r.scaled, line, &what)?,
            target,
            error,
            source: r.source.clone(),
            role: r.role,
            note: r.note.clone(),
        });
    }
    if !targets.iter().any(|t| t.role == Role::Fit) {
        return Err(at(
            1,
            "[[targets]]",
            "the spec has no target with role = \"fit\"",
        ));
    }
    let mut predictions = Vec::new();
    for p in &raw.predictions {
        let field = |key: &str| field_line(text, p.span(), key);
        let line = field("date");
        let r = p.get_ref();
        let what = format!("[[predictions]] `{}`", r.name);
        unique(&r.name, field("name"), &what)?;
        predictions.push(stat(&r.name, &r.column, &r.date, r.scaled, line, &what)?);
    }
    let runs = raw.predictive.runs.unwrap_or(100);
    if runs < 2 {
        return Err(at(
            1,
            "[predictive] runs",
            "must be at least 2 (for intervals)",
        ));
    }
    Ok(Spec {
        name,
        description: c.description.clone(),
        base,
        persons: c.persons,
        years: c.years,
        seed: c.seed.unwrap_or(1),
        sets: c.set.clone(),
        scale,
        abc,
        predictive_runs: runs,
        predictive_years: raw.predictive.years,
        parameters,
        targets,
        predictions,
    })
}
