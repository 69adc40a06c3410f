//! Sensitivity indices of every measure of a sweep: the outputs assembled per design
//! point (replicates averaged), Sobol' or Morris indices on them, the same per replicate
//! under common random numbers, and the share of the variance that is seed noise.
//! Calls the estimators of `credsim-experiments`; formats nothing.

use super::sweep::{Design, Seeds, Sweep};
use credsim_experiments::morris::{self, MorrisIndices};
use credsim_experiments::sobol::{self, SobolIndices};
use credsim_experiments::stats::{mean, sd};
use serde::{Deserialize, Serialize};

/// The analysis's settings.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Bootstrap resamples per index.
    pub bootstrap: usize,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// Seed of the bootstrap.
    pub seed: u64,
}

/// `sensitivity.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// "credsim-sensitivity/1".
    pub format: String,
    pub credsim_version: String,
    pub sweep: SweepInfo,
    pub parameters: Vec<ParameterInfo>,
    /// How the outputs were formed from the runs.
    pub method: String,
    pub bootstrap: usize,
    pub confidence: f64,
    pub bootstrap_seed: u64,
    /// The measures with indices, ranked by `rank_key`, largest first.
    pub measures: Vec<MeasureIndices>,
    /// Measures without indices, and why.
    pub skipped: Vec<Skipped>,
}

/// What was swept.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SweepInfo {
    pub folder: String,
    pub scenario: String,
    pub scenario_hash: String,
    pub root_seed: u64,
    /// "common" or "independent".
    pub seeds: String,
    /// "sobol" or "morris".
    pub design: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub second_order: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trajectories: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub levels: Option<usize>,
    pub points: usize,
    pub replicates: usize,
    pub runs: usize,
}

/// A swept parameter.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParameterInfo {
    pub name: String,
    pub path: String,
    /// Its entry in sweep.json.
    pub spec: serde_json::Value,
}

/// The indices of one measure.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MeasureIndices {
    pub measure: String,
    /// The ranking key: max ST (Sobol') or max μ* / sd (Morris), times the share of
    /// the variance of the per-point outputs that is not seed noise.
    pub rank_key: f64,
    /// Mean and standard deviation of the per-point outputs over the design.
    pub mean: f64,
    pub sd: f64,
    /// Seed noise (with 2 or more replicates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noise: Option<Noise>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sobol: Option<SobolIndices>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub morris: Option<MorrisIndices>,
    /// Under common random numbers with 2 or more replicates: the point estimates from
    /// each replicate alone.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub per_replicate: Vec<ReplicateIndices>,
}

/// The share of the variance that is seed noise: the mean between-replicate variance
/// at a point over the variance of single runs over the whole design, and the same for
/// replicate means (the within-point variance divided by the replicates).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Noise {
    pub share_of_runs: f64,
    pub share_of_means: f64,
}

/// Point estimates from one replicate (under common random numbers).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReplicateIndices {
    pub replicate: usize,
    /// The analysis's error when this replicate alone has none (e.g. constant).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub s1: Vec<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub st: Vec<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub mu_star: Vec<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub sigma: Vec<f64>,
}

/// A measure without indices.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Skipped {
    pub measure: String,
    pub reason: String,
}

/// Indices of one output vector (per point, in design order).
enum Indices {
    Sobol(SobolIndices),
    Morris(MorrisIndices),
}

fn indices(sweep: &Sweep, y: &[f64], s: &Settings) -> Result<Indices, String> {
    let d = sweep.parameters.len();
    match sweep.design {
        Design::Sobol { n, second_order } => {
            sobol::analyze(y, n, d, second_order, s.bootstrap, s.confidence, s.seed)
                .map(Indices::Sobol)
        }
        Design::Morris { r, .. } => {
            morris::analyze(&sweep.unit, y, r, d, s.bootstrap, s.confidence, s.seed)
                .map(Indices::Morris)
        }
    }
    .map_err(|e| e.to_string())
}

/// Every measure's indices, ranked.
pub fn analyze(sweep: &Sweep, settings: &Settings, wanted: &dyn Fn(&str) -> bool) -> Report {
    let (mut measures, mut skipped) = (Vec::new(), Vec::new());
    for m in sweep.measures.iter().filter(|m| wanted(&m.name)) {
        match measure(sweep, &m.name, &m.values, settings) {
            Ok(x) => measures.push(x),
            Err(reason) => skipped.push(Skipped {
                measure: m.name.clone(),
                reason,
            }),
        }
    }
    measures.sort_by(|a, b| {
        b.rank_key
            .total_cmp(&a.rank_key)
            .then(a.measure.cmp(&b.measure))
    });
    Report {
        format: "credsim-sensitivity/1".into(),
        credsim_version: credsim_engine::VERSION.into(),
        sweep: info(sweep),
        parameters: sweep
            .parameters
            .iter()
            .map(|p| ParameterInfo {
                name: p.name.clone(),
                path: p.path.clone(),
                spec: p.spec.clone(),
            })
            .collect(),
        method: method(sweep),
        bootstrap: settings.bootstrap,
        confidence: settings.confidence,
        bootstrap_seed: settings.seed,
        measures,
        skipped,
    }
}

/// How the outputs were formed, in words.
pub fn method(sweep: &Sweep) -> String {
    let r = sweep.replicates;
    let seeds = match sweep.seeds {
        Seeds::Common => "common random numbers (replicate k has the same seed at every point)",
        Seeds::Independent => "independent seeds (a fresh seed per point and replicate)",
    };
    match (r, sweep.seeds) {
        (1, _) => format!("one run per point; seeds: {seeds}"),
        (_, Seeds::Common) => format!(
            "indices of the mean of {r} replicates per point, and of each replicate alone \
             (their spread shows how far a conclusion depends on the seeds); seeds: {seeds}"
        ),
        (_, Seeds::Independent) => {
            format!("indices of the mean of {r} replicates per point; seeds: {seeds}")
        }
    }
}

fn info(sweep: &Sweep) -> SweepInfo {
    let (design, n, second_order, trajectories, levels) = match sweep.design {
        Design::Sobol { n, second_order } => ("sobol", Some(n), Some(second_order), None, None),
        Design::Morris { r, levels } => ("morris", None, None, Some(r), Some(levels)),
    };
    SweepInfo {
        folder: sweep.dir.display().to_string(),
        scenario: sweep.scenario.clone(),
        scenario_hash: sweep.scenario_hash.clone(),
        root_seed: sweep.root_seed,
        seeds: sweep.seeds.name().into(),
        design: design.into(),
        n,
        second_order,
        trajectories,
        levels,
        points: sweep.points,
        replicates: sweep.replicates,
        runs: sweep.runs.len(),
    }
}

/// The outputs of one measure as [point][replicate], or why there are none.
fn table(sweep: &Sweep, values: &[Option<f64>]) -> Result<Vec<Vec<f64>>, String> {
    let mut y = vec![vec![f64::NAN; sweep.replicates]; sweep.points];
    let mut undefined = (0, None);
    for (id, (run, v)) in sweep.runs.iter().zip(values).enumerate() {
        match v.filter(|v| v.is_finite()) {
            Some(v) => y[run.point][run.replicate] = v,
            None => {
                undefined.0 += 1;
                undefined.1.get_or_insert(id);
            }
        }
    }
    match undefined {
        (0, _) => Ok(y),
        (k, first) => Err(format!(
            "undefined (null) in {k} of {} runs (first: run {})",
            values.len(),
            first.unwrap_or(0)
        )),
    }
}

fn measure(
    sweep: &Sweep,
    name: &str,
    values: &[Option<f64>],
    settings: &Settings,
) -> Result<MeasureIndices, String> {
    let y = table(sweep, values)?;
    let means: Vec<f64> = y.iter().map(|r| mean(r)).collect();
    credsim_experiments::stats::check_outputs(&means).map_err(|e| e.to_string())?;
    let all = indices(sweep, &means, settings)?;
    let noise = (sweep.replicates >= 2).then(|| {
        let within = mean(&y.iter().map(|r| sd(r).powi(2)).collect::<Vec<_>>());
        let runs: Vec<f64> = y.iter().flatten().copied().collect();
        let total = sd(&runs).powi(2);
        let of_means = sd(&means).powi(2);
        Noise {
            share_of_runs: if total > 0.0 { within / total } else { 0.0 },
            share_of_means: if of_means > 0.0 {
                (within / sweep.replicates as f64 / of_means).min(1.0)
            } else {
                0.0
            },
        }
    });
    let per_replicate = if sweep.seeds == Seeds::Common && sweep.replicates >= 2 {
        (0..sweep.replicates)
            .map(|k| {
                let yk: Vec<f64> = y.iter().map(|r| r[k]).collect();
                let mut out = ReplicateIndices {
                    replicate: k,
                    error: None,
                    s1: vec![],
                    st: vec![],
                    mu_star: vec![],
                    sigma: vec![],
                };
                match indices(sweep, &yk, settings) {
                    Ok(Indices::Sobol(s)) => {
                        out.s1 = s.s1.iter().map(|e| e.value).collect();
                        out.st = s.st.iter().map(|e| e.value).collect();
                    }
                    Ok(Indices::Morris(m)) => {
                        out.mu_star = m.mu_star.iter().map(|e| e.value).collect();
                        out.sigma = m.sigma;
                    }
                    Err(e) => out.error = Some(e),
                }
                out
            })
            .collect()
    } else {
        Vec::new()
    };
    let sd_means = sd(&means);
    // The part of the variance that is not seed noise discounts the key, so that a
    // count too small to be more than noise does not head the ranking.
    let signal = 1.0 - noise.map_or(0.0, |n| n.share_of_means);
    let (sobol, morris, rank_key) = match all {
        Indices::Sobol(s) => {
            let key = s.st.iter().map(|e| e.value).fold(f64::MIN, f64::max);
            (Some(s), None, key)
        }
        Indices::Morris(m) => {
            let key = m.mu_star.iter().map(|e| e.value).fold(0.0, f64::max) / sd_means;
            (None, Some(m), key)
        }
    };
    Ok(MeasureIndices {
        measure: name.to_owned(),
        rank_key: rank_key * signal,
        mean: mean(&means),
        sd: sd_means,
        noise,
        sobol,
        morris,
        per_replicate,
    })
}
