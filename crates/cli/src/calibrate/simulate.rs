//! One calibration run: parameter values → scenario (the base with `--set`s) → model →
//! `job::execute` → the time series, and the statistics read from it at their dates.

use super::spec::{Base, Parameter, Spec, Statistic};
use crate::CliError;
use crate::job::{self, Watch};
use credsim_engine::summary::{Cell, Table, column};
use credsim_model::{Loaded, Overrides, Set};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// The base scenario's text and the name its errors carry.
pub struct Scenario {
    text: String,
    origin: String,
}

impl Scenario {
    /// Reads the base scenario of a spec.
    pub fn of(spec: &Spec) -> Result<Scenario, CliError> {
        match &spec.base {
            Base::Preset(name) => {
                let p = credsim_model::presets::find(name)?;
                Ok(Scenario {
                    text: p.toml.to_string(),
                    origin: format!("preset {name}"),
                })
            }
            Base::Scenario(file) => Ok(Scenario {
                text: std::fs::read_to_string(file).map_err(|e| {
                    CliError::Usage(format!("cannot read the base scenario `{file}`: {e}"))
                })?,
                origin: file.clone(),
            }),
        }
    }

    /// The scenario with the spec's fixed sets, these parameter values, persons, years
    /// and seed.
    pub fn load(
        &self,
        spec: &Spec,
        params: &[Parameter],
        values: &[f64],
        years: Option<u32>,
        seed: Option<u64>,
    ) -> Result<Loaded, CliError> {
        let mut sets: Vec<Set> = spec
            .sets
            .iter()
            .map(|s| Set::parse(s).map_err(CliError::Usage))
            .collect::<Result<_, _>>()?;
        sets.extend(params.iter().zip(values).map(|(p, &v)| p.set(v)));
        let overrides = Overrides {
            persons: spec.persons,
            years,
            seed,
            sets,
        };
        Ok(credsim_model::load(&self.text, &self.origin, &overrides)?)
    }
}

/// Runs a loaded scenario in memory (no audit) and returns its time series.
pub fn series(loaded: &Loaded, threads: usize, cancel: &AtomicBool) -> Result<Table, CliError> {
    if cancel.load(Ordering::Relaxed) {
        return Err(CliError::Cancelled("interrupted".into()));
    }
    let watch = Watch {
        progress: &|_, _| {},
        cancel,
    };
    Ok(job::execute(&loaded.model, threads, false, &watch)?.series)
}

/// The value of a column at the end of a date: linear in days between the two period
/// ends around it (the value of the first period for a date inside it). Errors name what
/// is missing.
pub fn value_at(series: &Table, stat: &Statistic) -> Result<f64, String> {
    let values = series.column(&stat.column).ok_or_else(|| {
        let known: Vec<&str> = series
            .columns
            .iter()
            .map(String::as_str)
            .filter(|c| *c != column::END_DATE)
            .collect();
        format!(
            "the time series has no column `{}`; its columns: {}",
            stat.column,
            known.join(", ")
        )
    })?;
    let c = series
        .columns
        .iter()
        .position(|n| n == column::END_DATE)
        .ok_or("the scenario has no simulation.start, so its periods have no dates")?;
    let days: Vec<i64> = series
        .rows
        .iter()
        .map(|r| match r.get(c) {
            Some(Cell::Date(d)) => i64::from(*d),
            _ => i64::MIN,
        })
        .collect();
    let goal = stat.date.days();
    let (first, last) = match (days.first(), days.last()) {
        (Some(&f), Some(&l)) => (f, l),
        _ => return Err("the time series is empty".into()),
    };
    if goal > last {
        return Err(format!(
            "{} is after the last period's end ({}): run longer",
            stat.date,
            credsim_model::calendar::Date::from_days(last)
        ));
    }
    if goal <= first {
        // end_date = start + end_day − 1: the start is first − end_day + 1.
        let end_day = series
            .column(column::END_DAY)
            .and_then(|v| v.first().copied())
            .unwrap_or(1.0) as i64;
        if goal < first - end_day + 1 {
            return Err(format!("{} is before the simulation's start", stat.date));
        }
        return Ok(values[0]);
    }
    let k = days.partition_point(|&d| d < goal);
    let (d0, d1) = (days[k - 1], days[k]);
    let (v0, v1) = (values[k - 1], values[k]);
    Ok(v0 + (v1 - v0) * (goal - d0) as f64 / (d1 - d0).max(1) as f64)
}

/// Every statistic of a run, scaled by `factor` where asked.
pub fn read(series: &Table, stats: &[&Statistic], factor: f64) -> Result<Vec<f64>, String> {
    stats
        .iter()
        .map(|s| {
            value_at(series, s)
                .map(|v| if s.scaled { v * factor } else { v })
                .map_err(|e| format!("`{}`: {e}", s.name))
        })
        .collect()
}

/// Checks the spec against the base scenario before any long run: every parameter at its
/// prior's bounds (or mean ± 4 sd) gives a valid scenario, and a tiny run of the base
/// has every column and date the statistics read, within the horizon they need.
pub fn check(
    spec: &Spec,
    base: &Scenario,
    file: &Path,
    fit_years: Option<u32>,
    predictive_years: Option<u32>,
) -> Result<(), CliError> {
    let centre: Vec<f64> = spec.parameters.iter().map(|p| central(&p.prior)).collect();
    // Each parameter alone (the others as the scenario has them), so that a problem is
    // its own.
    for p in &spec.parameters {
        let (lo, hi) = p.prior.bounds();
        let (lo, hi) = match p.prior {
            credsim_experiments::abc::Prior::Normal { mean, sd, .. } => {
                (lo.max(mean - 4.0 * sd), hi.min(mean + 4.0 * sd))
            }
            _ => (lo, hi),
        };
        for v in [lo, hi] {
            if let Err(e) = base.load(spec, std::slice::from_ref(p), &[v], fit_years, None) {
                return Err(super::spec::problem(
                    file,
                    p.line,
                    &format!("[[parameters]] `{}`", p.name),
                    &format!(
                        "at {v} (a bound of its prior) `{}` gives a scenario that does not load:\n{e}",
                        p.path
                    ),
                ));
            }
        }
    }
    // A tiny run for the columns and dates.
    let cancel = AtomicBool::new(false);
    for (years, fitted) in [(fit_years, true), (predictive_years, false)] {
        let mut tiny = spec.clone();
        tiny.persons = Some(200);
        let loaded = base.load(&tiny, &spec.parameters, &centre, years, None)?;
        let table = series(&loaded, 1, &cancel)?;
        let stats: Vec<(&Statistic, usize, &str)> = spec
            .targets
            .iter()
            .filter(|t| (t.role == super::spec::Role::Fit) == fitted)
            .map(|t| (&t.stat, t.stat.line, "[[targets]]"))
            .chain(
                spec.predictions
                    .iter()
                    .filter(|_| !fitted)
                    .map(|p| (p, p.line, "[[predictions]]")),
            )
            .collect();
        for (s, line, what) in stats {
            value_at(&table, s).map_err(|e| {
                let hint = if fitted {
                    "calibration.years"
                } else {
                    "predictive.years"
                };
                super::spec::problem(
                    file,
                    line,
                    &format!("{what} `{}`", s.name),
                    &format!("{e} (the horizon is set by {hint})"),
                )
            })?;
        }
    }
    Ok(())
}

/// A central value of a prior (midpoint, geometric midpoint, or the mean clamped).
pub fn central(p: &credsim_experiments::abc::Prior) -> f64 {
    use credsim_experiments::abc::Prior;
    match *p {
        Prior::Uniform { min, max } => 0.5 * (min + max),
        Prior::LogUniform { min, max } => (min * max).sqrt(),
        Prior::Normal { mean, .. } => {
            let (lo, hi) = p.bounds();
            mean.clamp(lo, hi)
        }
    }
}
