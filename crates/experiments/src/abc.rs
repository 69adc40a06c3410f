//! ABC-SMC: approximate Bayesian computation by sequential Monte Carlo over a
//! user-supplied stochastic simulator, with an explicit observation-error model.
//!
//! **Target.** Each target is a published figure with an error model ([`Target`]): a
//! point `y ± σ` or a lower bound `> y`. Their relative likelihood given a simulation is
//! `L = exp(−D/2)`, with D the sum of the targets' deviances (z² for a point), and the
//! *distance* of a simulation is `√D` (for point targets: the Euclidean norm of the
//! standardised residuals).
//!
//! **Sampler** (Beaumont et al. 2009, Biometrika 96:983, with the kernel acceptance of
//! Wilkinson 2013, Stat. Appl. Genet. Mol. Biol. 12:129, as pyABC's `StochasticAcceptor`
//! does it). Generation 0 draws N particles from the prior. Generation t has a tolerance
//! ε_t: a candidate is drawn from the previous population (ancestor by weight) and
//! perturbed by a multivariate normal kernel ([`KernelKind`]: by default the optimal local
//! covariance of Filippi et al. 2013, Stat. Appl. Genet. Mol. Biol. 12:87, built from the
//! previous population tempered to ε_t; or `kernel_scale` × the previous population's
//! weighted covariance for every ancestor), in the internal coordinates of the priors
//! (logarithms for log-uniform priors); candidates outside the prior's support are
//! redrawn without simulating. It is simulated once with its own seed and accepted with
//! probability `min(1, p)`, `p = exp(−(D − D_ref)/(2ε_t²))`, D_ref the smallest deviance
//! of the previous generations (pyABC's "maximum found" normalisation: with misfit it
//! keeps acceptance possible). Accepted particles get the importance weight
//! `max(1, p) · π(θ) / Σ_j w_j K(θ | θ_j)`, normalised: the factor max(1, p) corrects the
//! cap at 1 (pyABC's `apply_importance_weighting`), so acceptance × weight is p for every
//! D, also for a D below D_ref (without it the target would be flat where D < D_ref).
//! So generation t samples the posterior with the likelihood raised to 1/ε_t², and **at
//! ε = 1 the exact posterior under the error model**, the simulator's own noise included.
//! ε is not shrunk below 1: that would ignore the observation error.
//!
//! **Adaptive ε** (Del Moral, Doucet and Jasra 2012, Stat. Comput. 22:1009): the next ε
//! is the largest ε below the current one at which the current population, reweighted to
//! it (weights × `exp(−D (1/ε² − 1/ε_t²)/2)`), keeps the fraction `ess_fraction` of its
//! effective sample size; ε_0 = ∞, and ε = 1 as soon as that keeps enough. So ε falls
//! fast while the distances of the population spread widely and slowly near the
//! posterior; it never stalls (a quantile of the distances accepted at ε under kernel
//! acceptance sits near ε itself).
//!
//! **Stopping.** After the generation run at ε_final (converged); or when a generation
//! would need more than N / `min_acceptance` simulations, or the total would pass
//! `max_simulations`, or after `max_generations`. An unfinished generation is discarded:
//! the result is the last complete one, at its ε (reported; above 1 it is a tempered,
//! wider approximation).
//!
//! **Determinism.** Candidate k of generation t draws its parameters, its simulation
//! seed and its acceptance number from streams keyed by (seed, t, k). A generation keeps
//! the first N accepted candidates in index order and counts the simulations up to the
//! N-th, so the result does not depend on the batch size or on how the caller runs a
//! batch (sequentially or on many threads).

mod draw;
mod kernel;

pub mod prior;
pub mod stats;
pub mod target;

use crate::rng::Rng;
use draw::{Purpose, stream};
use kernel::Kernel;
pub use prior::Prior;
pub use target::{Kind, ObservationError, Target, distance};

/// A parameter to infer.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// Its prior.
    pub prior: Prior,
}

/// The perturbation kernel of the generations after the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KernelKind {
    /// Multivariate normal with `kernel_scale` × the weighted covariance of the previous
    /// population, the same for every ancestor (Beaumont et al. 2009 use 2 × the variances).
    Global,
    /// The optimal local covariance of Filippi et al. 2013 (OLCM): for ancestor i,
    /// Σ_k ŵ_k (θ_k − θ_i)(θ_k − θ_i)ᵀ with ŵ the previous weights tempered to the new ε.
    Local,
}

/// How the sampler runs and when it stops.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Settings {
    /// Particles per generation (N ≥ 2).
    pub particles: usize,
    /// Fraction of the effective sample size the next ε keeps, in (0, 1).
    pub ess_fraction: f64,
    /// The last ε (1: the observation-error model itself).
    pub final_epsilon: f64,
    /// A generation that would need more than particles / min_acceptance simulations
    /// stops the sampler.
    pub min_acceptance: f64,
    /// Cap on simulations over all generations.
    pub max_simulations: u64,
    /// Cap on generations (generation 0, the prior sample, included).
    pub max_generations: usize,
    /// The perturbation kernel.
    pub kernel: KernelKind,
    /// Multiplier of the previous population's covariance in the global kernel.
    pub kernel_scale: f64,
    /// Simulations handed to the evaluator at once (no effect on the result, so not
    /// serialised).
    #[serde(skip)]
    pub batch: usize,
    /// Root seed.
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            particles: 200,
            ess_fraction: 0.5,
            final_epsilon: 1.0,
            min_acceptance: 0.01,
            max_simulations: 20_000,
            max_generations: 30,
            kernel: KernelKind::Local,
            kernel_scale: 2.0,
            batch: 16,
            seed: 1,
        }
    }
}

impl Settings {
    /// Why these settings cannot run, if they cannot.
    pub fn check(&self) -> Result<(), String> {
        if self.particles < 2 {
            return Err(format!(
                "particles must be at least 2 (it is {})",
                self.particles
            ));
        }
        if !(self.ess_fraction > 0.0 && self.ess_fraction < 1.0) {
            return Err(format!(
                "ess_fraction must be in (0, 1) (it is {})",
                self.ess_fraction
            ));
        }
        if !(self.final_epsilon > 0.0 && self.final_epsilon.is_finite()) {
            return Err(format!(
                "epsilon must be a finite number above 0 (it is {})",
                self.final_epsilon
            ));
        }
        if !(self.min_acceptance > 0.0 && self.min_acceptance <= 1.0) {
            return Err(format!(
                "min_acceptance must be in (0, 1] (it is {})",
                self.min_acceptance
            ));
        }
        if self.max_simulations < self.particles as u64 {
            return Err(format!(
                "max_simulations ({}) must be at least particles ({})",
                self.max_simulations, self.particles
            ));
        }
        if self.max_generations < 1 {
            return Err("max_generations must be at least 1".into());
        }
        if !(self.kernel_scale > 0.0 && self.kernel_scale.is_finite()) {
            return Err(format!(
                "kernel_scale must be above 0 (it is {})",
                self.kernel_scale
            ));
        }
        if self.batch < 1 {
            return Err("batch must be at least 1".into());
        }
        Ok(())
    }
}

/// One simulation to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// Generation.
    pub generation: usize,
    /// Candidate index within the generation.
    pub index: u64,
    /// Parameter values (in the parameters' order).
    pub params: Vec<f64>,
    /// The seed of this simulation.
    pub seed: u64,
}

/// What a simulation returns: one value per target, in the targets' order.
pub type Outputs = Result<Vec<f64>, String>;

/// Progress of the sampler.
#[derive(Debug)]
pub enum Event<'a> {
    /// A generation starts at this ε.
    Start {
        /// Generation.
        generation: usize,
        /// Its ε (∞ for the prior sample).
        epsilon: f64,
    },
    /// A batch came back.
    Batch {
        /// Generation.
        generation: usize,
        /// Simulations of the generation so far.
        simulations: u64,
        /// Accepted so far.
        accepted: usize,
    },
    /// A generation ended.
    Done(&'a Generation),
}

/// Diagnostics of one generation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Generation {
    /// Index (0: the prior sample).
    pub index: usize,
    /// Tolerance (None for ε = ∞).
    pub epsilon: Option<f64>,
    /// D_ref: the smallest deviance of the earlier generations, relative to which this
    /// one accepted (None for the prior sample).
    pub reference_deviance: Option<f64>,
    /// Simulations it used (up to its N-th acceptance).
    pub simulations: u64,
    /// Accepted particles.
    pub accepted: usize,
    /// accepted / simulations.
    pub acceptance_rate: f64,
    /// Effective sample size of its weights (0 when incomplete).
    pub ess: f64,
    /// Simulations that failed (counted as rejections).
    pub failures: u64,
    /// The first failure's message.
    pub first_failure: Option<String>,
    /// Whether it reached N particles (an incomplete one is discarded).
    pub complete: bool,
}

/// A weighted sample of particles.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    /// Parameter values, one vector per particle.
    pub params: Vec<Vec<f64>>,
    /// Weights, summing to 1.
    pub weights: Vec<f64>,
    /// Each particle's distance √D.
    pub distances: Vec<f64>,
    /// Each particle's simulated target values.
    pub outputs: Vec<Vec<f64>>,
    /// Each particle's simulation seed.
    pub seeds: Vec<u64>,
    /// The ε it was accepted at (∞ for the prior sample).
    pub epsilon: f64,
}

/// Why the sampler stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// A generation ran at the final ε.
    Converged,
    /// The acceptance rate fell below min_acceptance.
    MinAcceptance,
    /// The simulation cap was reached.
    MaxSimulations,
    /// The generation cap was reached.
    MaxGenerations,
}

/// The sampler's result.
#[derive(Debug, Clone)]
pub struct Fit {
    /// The last complete population.
    pub population: Population,
    /// Every generation, the discarded one included.
    pub generations: Vec<Generation>,
    /// Why it stopped.
    pub stop: Stop,
    /// Simulations used in all.
    pub simulations: u64,
}

/// What stops the sampler before a result.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AbcError {
    /// Bad parameters, targets or settings.
    #[error("{0}")]
    Spec(String),
    /// The simulator failed on each of the first N candidates of the prior sample (in
    /// index order, whatever the batch size).
    #[error(
        "the first simulations of the prior sample (as many as particles) all failed; the first error: {0}"
    )]
    Simulator(String),
    /// The perturbation kernel could not find a candidate inside the prior.
    #[error("{0}")]
    Kernel(String),
}

/// The weights of a population reweighted from ε to ε' (the incremental weights of the
/// tempering), normalised.
fn retemper(distances: &[f64], weights: &[f64], from: f64, to: f64) -> Vec<f64> {
    let d2: Vec<f64> = distances.iter().map(|d| d * d).collect();
    let lo = d2.iter().copied().fold(f64::INFINITY, f64::min);
    let db = 1.0 / (to * to) - 1.0 / (from * from);
    let w: Vec<f64> = weights
        .iter()
        .zip(&d2)
        .map(|(w, d)| w * (-(d - lo) * db / 2.0).exp())
        .collect();
    let total: f64 = w.iter().sum();
    if total > 0.0 && total.is_finite() {
        w.iter().map(|x| x / total).collect()
    } else {
        weights.to_vec()
    }
}

/// The next ε (see the module's "Adaptive ε"): the largest ε in [final, current) whose
/// reweighting of the population keeps `fraction` of its ESS, by bisection on β = 1/ε².
fn next_epsilon(distances: &[f64], weights: &[f64], current: f64, last: f64, fraction: f64) -> f64 {
    let d2: Vec<f64> = distances.iter().map(|d| d * d).collect();
    let lo_d = d2.iter().copied().fold(f64::INFINITY, f64::min);
    let beta0 = 1.0 / (current * current);
    let beta_last = 1.0 / (last * last);
    let goal = fraction * stats::ess(weights);
    let ess_at = |beta: f64| {
        let w: Vec<f64> = weights
            .iter()
            .zip(&d2)
            .map(|(w, d)| w * (-(d - lo_d) * (beta - beta0) / 2.0).exp())
            .collect();
        stats::ess(&w)
    };
    if beta0 >= beta_last || ess_at(beta_last) >= goal {
        return last;
    }
    let (mut lo, mut hi) = (beta0, beta_last);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if ess_at(mid) >= goal {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (1.0 / lo.max(f64::MIN_POSITIVE)).sqrt().min(current)
}

fn log_sum_exp(x: &[f64]) -> f64 {
    let m = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + x.iter().map(|v| (v - m).exp()).sum::<f64>().ln()
}

/// ln π(θ) of internal coordinates.
fn ln_prior(params: &[Parameter], u: &[f64]) -> f64 {
    params
        .iter()
        .zip(u)
        .map(|(p, &x)| p.prior.ln_density(x))
        .sum()
}

/// A candidate: its internal coordinates, from the prior or the kernel.
fn candidate(
    params: &[Parameter],
    kernel: Option<&Kernel>,
    s: &mut Rng,
) -> Result<Vec<f64>, AbcError> {
    let Some(k) = kernel else {
        return Ok(params.iter().map(|p| p.prior.draw(s)).collect());
    };
    for _ in 0..100_000 {
        let u = k.propose(s);
        if ln_prior(params, &u) > f64::NEG_INFINITY {
            return Ok(u);
        }
    }
    Err(AbcError::Kernel(
        "the perturbation kernel found no candidate inside the prior in 100,000 draws".into(),
    ))
}

/// Accepted particles of a generation, in internal coordinates.
#[derive(Default)]
struct Accepted {
    internal: Vec<Vec<f64>>,
    distances: Vec<f64>,
    outputs: Vec<Vec<f64>>,
    seeds: Vec<u64>,
    /// ln max(1, p) of each: the importance correction of an acceptance probability
    /// capped at 1.
    ln_boost: Vec<f64>,
}

/// The acceptance of a simulation with total deviance `d2` at tolerance `epsilon`,
/// relative to `d_ref`: the probability `min(1, p)` and the log of the importance
/// factor `max(1, p)`, `p = exp(−(d2 − d_ref)/(2ε²))`. Their product is p for every
/// d2, so an accepted particle weighted by the factor samples the likelihood raised
/// to 1/ε² exactly, also where d2 < d_ref (pyABC's `apply_importance_weighting`);
/// without the factor the target would be capped at `exp(−d_ref/(2ε²))` and flat where
/// the likelihood is highest. ε = ∞ accepts everything with factor 1.
fn acceptance(d2: f64, d_ref: f64, epsilon: f64) -> (f64, f64) {
    if epsilon.is_infinite() {
        return (1.0, 0.0);
    }
    let ln_p = -(d2 - d_ref) / (2.0 * epsilon * epsilon);
    (ln_p.min(0.0).exp(), ln_p.max(0.0))
}

/// Runs ABC-SMC. `evaluate` runs a batch of simulations (in any order, on any number of
/// threads) and returns their outputs in the batch's order; see [`serial`].
pub fn run(
    params: &[Parameter],
    targets: &[Target],
    settings: &Settings,
    evaluate: &mut dyn FnMut(&[Job]) -> Vec<Outputs>,
    progress: &mut dyn FnMut(Event),
) -> Result<Fit, AbcError> {
    settings.check().map_err(AbcError::Spec)?;
    if params.is_empty() {
        return Err(AbcError::Spec("no parameters to infer".into()));
    }
    for p in params {
        p.prior
            .check()
            .map_err(|e| AbcError::Spec(format!("parameter {}: {e}", p.name)))?;
    }
    if targets.is_empty() {
        return Err(AbcError::Spec("no targets to fit".into()));
    }
    let n = settings.particles;
    let mut generations: Vec<Generation> = Vec::new();
    let mut previous: Option<(Accepted, Vec<f64>, f64)> = None;
    let mut used = 0u64;
    let mut successes = 0u64;
    let mut best = f64::INFINITY;
    let stop = loop {
        let g = generations.len();
        let epsilon = match &previous {
            None => f64::INFINITY,
            Some((acc, w, eps)) => next_epsilon(
                &acc.distances,
                w,
                *eps,
                settings.final_epsilon,
                settings.ess_fraction,
            ),
        };
        // The reference deviance of this generation's acceptance: the best seen before it.
        let d_ref = best;
        progress(Event::Start {
            generation: g,
            epsilon,
        });
        let kernel = previous.as_ref().map(|(acc, w, eps)| {
            let tempered = retemper(&acc.distances, w, *eps, epsilon);
            Kernel::new(&acc.internal, w, &tempered, settings)
        });
        let most = ((n as f64 / settings.min_acceptance).ceil() as u64)
            .min(settings.max_simulations - used);
        let mut acc = Accepted::default();
        let (mut k, mut failures, mut first_failure) = (0u64, 0u64, None);
        while acc.internal.len() < n && k < most {
            let size = (settings.batch as u64).min(most - k);
            let mut batch = Vec::with_capacity(size as usize);
            let mut internal = Vec::with_capacity(size as usize);
            for i in k..k + size {
                let mut s = stream(settings.seed, g as u64, i, Purpose::Propose);
                let u = candidate(params, kernel.as_ref(), &mut s)?;
                batch.push(Job {
                    generation: g,
                    index: i,
                    params: params
                        .iter()
                        .zip(&u)
                        .map(|(p, &x)| p.prior.from_internal(x))
                        .collect(),
                    seed: stream(settings.seed, g as u64, i, Purpose::Seed).next_u64(),
                });
                internal.push(u);
            }
            let results = evaluate(&batch);
            for ((job, u), result) in batch.iter().zip(internal).zip(results) {
                if acc.internal.len() == n {
                    break;
                }
                k = job.index + 1;
                let outputs = match result {
                    Ok(v) if v.len() == targets.len() && v.iter().all(|x| x.is_finite()) => Ok(v),
                    Ok(v) => Err(format!(
                        "the simulator returned {} values ({} targets), or values that are not finite: {v:?}",
                        v.len(),
                        targets.len()
                    )),
                    Err(e) => Err(e),
                };
                let outputs = match outputs {
                    Ok(v) => v,
                    Err(e) => {
                        failures += 1;
                        let first = first_failure.get_or_insert(e);
                        // Batch-independent: decided at candidate n − 1 in index order.
                        if successes == 0 && k >= n as u64 {
                            return Err(AbcError::Simulator(first.clone()));
                        }
                        continue;
                    }
                };
                successes += 1;
                let d2: f64 = targets
                    .iter()
                    .zip(&outputs)
                    .map(|(t, &s)| t.deviance(s))
                    .sum();
                let (p_accept, ln_boost) = acceptance(d2, d_ref, epsilon);
                best = best.min(d2);
                let mut s = stream(settings.seed, g as u64, job.index, Purpose::Accept);
                if epsilon.is_infinite() || s.open01() < p_accept {
                    acc.ln_boost.push(ln_boost);
                    acc.internal.push(u);
                    acc.distances.push(d2.sqrt());
                    acc.outputs.push(outputs);
                    acc.seeds.push(job.seed);
                }
            }
            progress(Event::Batch {
                generation: g,
                simulations: k,
                accepted: acc.internal.len(),
            });
        }
        used += k;
        let complete = acc.internal.len() == n;
        let weights = if !complete {
            Vec::new()
        } else if let Some(kern) = &kernel {
            let ln_w: Vec<f64> = acc
                .internal
                .iter()
                .zip(&acc.ln_boost)
                .map(|(u, b)| ln_prior(params, u) - kern.ln_density(u) + b)
                .collect();
            let total = log_sum_exp(&ln_w);
            ln_w.iter().map(|l| (l - total).exp()).collect()
        } else {
            vec![1.0 / n as f64; n]
        };
        let generation = Generation {
            index: g,
            epsilon: epsilon.is_finite().then_some(epsilon),
            reference_deviance: d_ref.is_finite().then_some(d_ref),
            simulations: k,
            accepted: acc.internal.len(),
            acceptance_rate: acc.internal.len() as f64 / k.max(1) as f64,
            ess: stats::ess(&weights),
            failures,
            first_failure,
            complete,
        };
        progress(Event::Done(&generation));
        generations.push(generation);
        if !complete {
            if previous.is_none() {
                return Err(AbcError::Spec(format!(
                    "the prior sample did not reach {n} particles within {k} simulations ({failures} failed)"
                )));
            }
            break if used >= settings.max_simulations {
                Stop::MaxSimulations
            } else {
                Stop::MinAcceptance
            };
        }
        previous = Some((acc, weights, epsilon));
        if epsilon == settings.final_epsilon {
            break Stop::Converged;
        }
        if generations.len() >= settings.max_generations {
            break Stop::MaxGenerations;
        }
        if used >= settings.max_simulations {
            break Stop::MaxSimulations;
        }
    };
    let Some((acc, weights, epsilon)) = previous else {
        return Err(AbcError::Spec("no generation completed".into()));
    };
    Ok(Fit {
        population: Population {
            params: acc
                .internal
                .iter()
                .map(|u| {
                    params
                        .iter()
                        .zip(u)
                        .map(|(p, &x)| p.prior.from_internal(x))
                        .collect()
                })
                .collect(),
            weights,
            distances: acc.distances,
            outputs: acc.outputs,
            seeds: acc.seeds,
            epsilon,
        },
        generations,
        stop,
        simulations: used,
    })
}

/// An evaluator that runs a per-simulation closure `f(params, seed)` on each job in turn.
pub fn serial<F>(f: F) -> impl FnMut(&[Job]) -> Vec<Outputs>
where
    F: Fn(&[f64], u64) -> Outputs,
{
    move |jobs: &[Job]| jobs.iter().map(|j| f(&j.params, j.seed)).collect()
}

/// `m` particle indices drawn with replacement by weight (multinomial resampling), a
/// pure function of `seed`: the particles of posterior-predictive runs.
pub fn resample(population: &Population, m: usize, seed: u64) -> Vec<usize> {
    let last = population.weights.len().saturating_sub(1);
    (0..m)
        .map(|i| {
            let u = stream(seed, 0, i as u64, Purpose::Resample).open01();
            let mut cum = 0.0;
            for (j, w) in population.weights.iter().enumerate() {
                cum += w;
                if u < cum {
                    return j;
                }
            }
            last
        })
        .collect()
}

/// A seed for the i-th posterior-predictive run, unrelated to the sampler's.
pub fn predictive_seed(seed: u64, i: usize) -> u64 {
    stream(seed, u64::MAX, i as u64, Purpose::Seed).next_u64()
}

/// A standard normal number keyed by (seed, i, j), unrelated to the sampler's draws: the
/// observation error added to posterior-predictive run i's value of statistic j.
pub fn noise(seed: u64, i: usize, j: usize) -> f64 {
    let key = ((i as u64) << 24) ^ j as u64;
    stream(seed, u64::MAX - 1, key, Purpose::Accept).normal()
}

/// Weighted median, 5% and 95% quantiles, mean and SD of one parameter.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Marginal {
    /// Weighted mean.
    pub mean: f64,
    /// Weighted SD.
    pub sd: f64,
    /// 5% quantile.
    pub q05: f64,
    /// Median.
    pub median: f64,
    /// 95% quantile.
    pub q95: f64,
}

impl Population {
    /// The marginal posterior summary of parameter `k`.
    pub fn marginal(&self, k: usize) -> Marginal {
        let x: Vec<f64> = self.params.iter().map(|p| p[k]).collect();
        let mean = x.iter().zip(&self.weights).map(|(v, w)| v * w).sum::<f64>();
        let var = x
            .iter()
            .zip(&self.weights)
            .map(|(v, w)| w * (v - mean) * (v - mean))
            .sum::<f64>();
        let q = |p| stats::weighted_quantile(&x, &self.weights, p);
        Marginal {
            mean,
            sd: var.sqrt(),
            q05: q(0.05),
            median: q(0.5),
            q95: q(0.95),
        }
    }
}
