//! After the sampler: posterior-predictive runs (particles resampled by weight, fresh
//! seeds), and from them the fit table (each target against its simulated interval),
//! the held-out check and the predictions; printed as text.

use super::Parallel;
use super::simulate::{self, Scenario};
use super::spec::{Role, Spec, Statistic};
use crate::CliError;
use crate::term::outln;
use credsim_engine::summary::Table;
use credsim_experiments::abc::{self, Fit, Generation, Kind, Marginal, Population, Stop, stats};
use rayon::prelude::*;
use std::sync::atomic::AtomicBool;

/// One posterior-predictive run.
#[derive(Debug, Clone)]
pub struct Run {
    /// Its number i (keys its seed and its observation noise; runs that failed leave
    /// gaps).
    pub index: usize,
    /// The particle it ran (index into the posterior).
    pub particle: usize,
    /// Its seed.
    pub seed: u64,
    /// Each statistic's value (targets, then predictions), scaled.
    pub values: Vec<f64>,
}

/// A column's posterior-predictive band over time.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Band {
    /// Column.
    pub column: String,
    /// Scaled by the factor.
    pub scaled: bool,
    /// Period ends as fractional calendar years.
    pub x: Vec<f64>,
    /// 5%, 50% and 95% across runs, per period.
    pub q05: Vec<f64>,
    /// Median.
    pub q50: Vec<f64>,
    /// 95%.
    pub q95: Vec<f64>,
}

/// The posterior-predictive runs and what they show.
#[derive(Debug, Clone)]
pub struct Predictive {
    /// The statistics, targets first (in the spec's order), then predictions.
    pub stats: Vec<Statistic>,
    /// The runs.
    pub runs: Vec<Run>,
    /// Bands of every column a statistic reads.
    pub bands: Vec<Band>,
    /// Their horizon in years (None: the scenario's).
    pub years: Option<u32>,
    /// Runs that failed (left out of every table; the posterior is unaffected).
    pub failures: usize,
    /// The first failure's message, in run order.
    pub first_failure: Option<String>,
}

/// Runs the posterior-predictive simulations. A run that fails is counted and left
/// out, never an error: the sampler's posterior is complete by then and is written
/// whatever the predictive runs do (an interruption still cancels).
#[allow(clippy::too_many_arguments)]
pub fn predictive(
    spec: &Spec,
    base: &Scenario,
    population: &Population,
    factor: f64,
    years: Option<u32>,
    parallel: Parallel,
    pool: &rayon::ThreadPool,
    cancel: &AtomicBool,
) -> Result<Predictive, CliError> {
    let stats: Vec<Statistic> = spec
        .targets
        .iter()
        .map(|t| t.stat.clone())
        .chain(spec.predictions.iter().cloned())
        .collect();
    let refs: Vec<&Statistic> = stats.iter().collect();
    let particles = abc::resample(population, spec.predictive_runs, spec.seed);
    let one = |i: usize, particle: usize| -> Result<(Run, Table), CliError> {
        let seed = abc::predictive_seed(spec.seed, i);
        let loaded = base.load(
            spec,
            &spec.parameters,
            &population.params[particle],
            years,
            Some(seed),
        )?;
        let table = simulate::series(&loaded, parallel.threads, cancel)?;
        let values = simulate::read(&table, &refs, factor).map_err(CliError::Usage)?;
        Ok((
            Run {
                index: i,
                particle,
                seed,
                values,
            },
            table,
        ))
    };
    // At most `jobs` runs in the pool at once, as the sampler's batches: each run waits
    // for its own per-run pool (job::execute), and a rayon worker that waits steals
    // other queued runs onto its stack, so with all runs queued at once the nesting grew
    // with their number and overflowed the worker's stack.
    let indexed: Vec<(usize, usize)> = particles.iter().copied().enumerate().collect();
    let mut results: Vec<Result<(Run, Table), CliError>> = Vec::with_capacity(indexed.len());
    for chunk in indexed.chunks(parallel.jobs.max(1)) {
        results.extend(pool.install(|| {
            chunk
                .par_iter()
                .map(|&(i, particle)| one(i, particle))
                .collect::<Vec<_>>()
        }));
    }
    if cancel.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(CliError::Cancelled(
            "interrupted; no output folder was created".into(),
        ));
    }
    let (done, failures, first_failure) = gather(results);
    let mut columns: Vec<(String, bool)> = Vec::new();
    for s in &stats {
        if !columns.contains(&(s.column.clone(), s.scaled)) {
            columns.push((s.column.clone(), s.scaled));
        }
    }
    let x = done
        .first()
        .and_then(|(_, t)| t.calendar_years())
        .unwrap_or_default();
    let bands = columns
        .into_iter()
        .map(|(column, scaled)| {
            let f = if scaled { factor } else { 1.0 };
            let per_run: Vec<Vec<f64>> = done
                .iter()
                .map(|(_, t)| {
                    t.column(&column)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|v| v * f)
                        .collect()
                })
                .collect();
            let at = |row: usize, q: f64| {
                let v: Vec<f64> = per_run.iter().filter_map(|r| r.get(row).copied()).collect();
                stats::quantile(&v, q)
            };
            let rows = x.len();
            Band {
                column,
                scaled,
                x: x.clone(),
                q05: (0..rows).map(|r| at(r, 0.05)).collect(),
                q50: (0..rows).map(|r| at(r, 0.5)).collect(),
                q95: (0..rows).map(|r| at(r, 0.95)).collect(),
            }
        })
        .collect();
    Ok(Predictive {
        stats,
        runs: done.into_iter().map(|(r, _)| r).collect(),
        bands,
        years,
        failures,
        first_failure,
    })
}

/// The runs that succeeded, in run order, the number that failed and the first
/// failure's message.
fn gather<T>(results: Vec<Result<T, CliError>>) -> (Vec<T>, usize, Option<String>) {
    let mut done = Vec::with_capacity(results.len());
    let (mut failures, mut first_failure) = (0, None);
    for r in results {
        match r {
            Ok(x) => done.push(x),
            Err(e) => {
                failures += 1;
                first_failure.get_or_insert_with(|| e.to_string());
            }
        }
    }
    (done, failures, first_failure)
}

/// A parameter's posterior.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ParameterRow {
    /// Name.
    pub name: String,
    /// Scenario path.
    pub path: String,
    /// Prior, in words.
    pub prior: String,
    /// Posterior summary (weighted).
    pub posterior: Marginal,
}

/// A target against its posterior-predictive interval.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FitRow {
    /// Name.
    pub name: String,
    /// Fitted or held out.
    pub role: Role,
    /// Column and date.
    pub column: String,
    /// Date.
    pub date: String,
    /// Point or lower bound.
    pub kind: Kind,
    /// The published figure.
    pub observed: f64,
    /// Its observation-error SD.
    pub sd: f64,
    /// Where it comes from.
    pub source: String,
    /// Simulated (posterior-predictive) median, 5% and 95%.
    pub simulated: Interval,
    /// The 90% interval of the observation: simulated value plus observation error.
    pub observation: Interval,
    /// (median − observed) / sd; for a lower bound 0 when the median is above it.
    pub residual: f64,
    /// The figure lies in the observation interval (a lower bound: below its 95%).
    pub consistent: bool,
}

/// Median and 90% interval.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Interval {
    /// 5%.
    pub q05: f64,
    /// Median.
    pub median: f64,
    /// 95%.
    pub q95: f64,
}

impl Interval {
    fn of(v: &[f64]) -> Interval {
        Interval {
            q05: stats::quantile(v, 0.05),
            median: stats::quantile(v, 0.5),
            q95: stats::quantile(v, 0.95),
        }
    }
}

/// A prediction.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PredictionRow {
    /// Name.
    pub name: String,
    /// Column.
    pub column: String,
    /// Date.
    pub date: String,
    /// Posterior-predictive median and 90% interval.
    pub simulated: Interval,
}

/// Everything the tables and the page show.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// Posterior per parameter.
    pub parameters: Vec<ParameterRow>,
    /// Fit and held-out targets.
    pub fit: Vec<FitRow>,
    /// Predictions.
    pub predictions: Vec<PredictionRow>,
    /// Why the sampler stopped.
    pub stop: Stop,
    /// It reached the final ε.
    pub converged: bool,
    /// The ε of the posterior.
    pub epsilon: f64,
    /// Simulations of the sampler.
    pub simulations: u64,
    /// Per-generation diagnostics.
    pub generations: Vec<Generation>,
    /// Posterior-predictive runs done, failed, and the first failure.
    pub predictive_runs: usize,
    /// Failed posterior-predictive runs.
    pub predictive_failures: usize,
    /// The first failure's message.
    pub predictive_first_failure: Option<String>,
}

impl Report {
    /// The tables of a fit and its posterior-predictive runs.
    pub fn new(spec: &Spec, fit: &Fit, pred: &Predictive) -> Report {
        let parameters = spec
            .parameters
            .iter()
            .enumerate()
            .map(|(k, p)| ParameterRow {
                name: p.name.clone(),
                path: p.path.clone(),
                prior: p.prior.describe(),
                posterior: fit.population.marginal(k),
            })
            .collect();
        let column = |j: usize| -> Vec<f64> { pred.runs.iter().map(|r| r.values[j]).collect() };
        let fit_rows = spec
            .targets
            .iter()
            .enumerate()
            .map(|(j, t)| {
                let sim = column(j);
                let noisy: Vec<f64> = sim
                    .iter()
                    .zip(&pred.runs)
                    .map(|(v, r)| v + t.target.sd * abc::noise(spec.seed, r.index, j))
                    .collect();
                let simulated = Interval::of(&sim);
                let observation = Interval::of(&noisy);
                let y = t.target.observed;
                FitRow {
                    name: t.stat.name.clone(),
                    role: t.role,
                    column: t.stat.column.clone(),
                    date: t.stat.date.to_string(),
                    kind: t.target.kind,
                    observed: y,
                    sd: t.target.sd,
                    source: t.source.clone(),
                    simulated,
                    observation,
                    residual: t.target.residual(simulated.median),
                    consistent: match t.target.kind {
                        Kind::Point => (observation.q05..=observation.q95).contains(&y),
                        Kind::Lower => observation.q95 >= y,
                    },
                }
            })
            .collect();
        let n = spec.targets.len();
        let predictions = spec
            .predictions
            .iter()
            .enumerate()
            .map(|(k, p)| PredictionRow {
                name: p.name.clone(),
                column: p.column.clone(),
                date: p.date.to_string(),
                simulated: Interval::of(&column(n + k)),
            })
            .collect();
        Report {
            parameters,
            fit: fit_rows,
            predictions,
            stop: fit.stop,
            converged: fit.stop == Stop::Converged,
            epsilon: fit.population.epsilon,
            simulations: fit.simulations,
            generations: fit.generations.clone(),
            predictive_runs: pred.runs.len(),
            predictive_failures: pred.failures,
            predictive_first_failure: pred.first_failure.clone(),
        }
    }
}

/// A number for the tables: millions as `6.73 M`, thousands with separators, small
/// values with four significant digits.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let a = x.abs();
    if a >= 1e6 {
        format!("{:.2} M", x / 1e6)
    } else if a >= 1e4 {
        let s = crate::fmt::thousands(a.round() as u64);
        if x < 0.0 { format!("-{s}") } else { s }
    } else if a == 0.0 {
        "0".into()
    } else {
        let digits = (3 - a.log10().floor() as i32).clamp(0, 8) as usize;
        format!("{x:.digits$}")
    }
}

/// Prints the posterior, the fit and the predictions.
pub fn print(r: &Report) {
    outln!();
    outln!(
        "ABC-SMC: {} after {} generations and {} simulations; posterior at epsilon {:.3}{}",
        match r.stop {
            Stop::Converged => "converged",
            Stop::MinAcceptance => "stopped (acceptance below the minimum)",
            Stop::MaxSimulations => "stopped (simulation cap)",
            Stop::MaxGenerations => "stopped (generation cap)",
        },
        r.generations.len(),
        crate::fmt::thousands(r.simulations),
        r.epsilon,
        if r.converged {
            " (the error model itself)"
        } else {
            " (above 1: a tempered, wider approximation)"
        }
    );
    if r.predictive_failures > 0 {
        outln!(
            "warning: {} of {} posterior-predictive runs failed and are left out of the tables below; the first error: {}",
            r.predictive_failures,
            r.predictive_failures + r.predictive_runs,
            r.predictive_first_failure.as_deref().unwrap_or("")
        );
    }
    outln!();
    outln!(
        "{:<22} {:>12} {:>26}  prior",
        "parameter",
        "median",
        "90% interval"
    );
    for p in &r.parameters {
        let m = &p.posterior;
        outln!(
            "{:<22} {:>12} {:>26}  {}",
            p.name,
            num(m.median),
            format!("[{}, {}]", num(m.q05), num(m.q95)),
            p.prior
        );
    }
    outln!();
    outln!(
        "{:<24} {:<9} {:>10} {:>12} {:>10} {:>12} {:>26} {:>7}  ok",
        "target",
        "role",
        "date",
        "observed",
        "sd",
        "simulated",
        "90% interval",
        "z"
    );
    for f in &r.fit {
        outln!(
            "{:<24} {:<9} {:>10} {:>12} {:>10} {:>12} {:>26} {:>7.2}  {}",
            f.name,
            match f.role {
                Role::Fit => "fit",
                Role::Validate => "held out",
            },
            f.date,
            format!(
                "{}{}",
                if f.kind == Kind::Lower { ">" } else { "" },
                num(f.observed)
            ),
            num(f.sd),
            num(f.simulated.median),
            format!("[{}, {}]", num(f.simulated.q05), num(f.simulated.q95)),
            f.residual,
            if f.consistent { "yes" } else { "NO" }
        );
    }
    outln!(
        "(simulated: posterior-predictive median and 90% interval; z = (median − observed)/sd; ok: the figure lies in the 90% interval of simulated value plus observation error)"
    );
    if !r.predictions.is_empty() {
        outln!();
        outln!(
            "{:<24} {:>10} {:>12} {:>26}",
            "prediction",
            "date",
            "median",
            "90% interval"
        );
        for p in &r.predictions {
            outln!(
                "{:<24} {:>10} {:>12} {:>26}",
                p.name,
                p.date,
                num(p.simulated.median),
                format!("[{}, {}]", num(p.simulated.q05), num(p.simulated.q95))
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Failed runs are counted and left out; the rest keep their order.
    #[test]
    fn failed_runs_are_counted_not_fatal() {
        let results: Vec<Result<usize, CliError>> = vec![
            Ok(0),
            Err(CliError::Usage("first".into())),
            Ok(2),
            Err(CliError::Usage("second".into())),
        ];
        let (done, failures, first) = gather(results);
        assert_eq!(done, vec![0, 2]);
        assert_eq!(failures, 2);
        assert!(first.is_some_and(|m| m.contains("first")));
        let (done, failures, first) = gather::<usize>(vec![]);
        assert!(done.is_empty() && failures == 0 && first.is_none());
    }
}
