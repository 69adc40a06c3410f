//! The perturbation kernel of ABC-SMC: how a generation moves its ancestors to new
//! candidates (a multivariate normal around each ancestor, with a local or a global
//! covariance) and the kernel density the importance weights divide by.

use super::{KernelKind, Settings, log_sum_exp, stats};
use crate::rng::Rng;

/// The perturbation kernel of a generation: ancestors, their weights, and per ancestor
/// the Cholesky factor of its covariance (one shared factor for [`KernelKind::Global`])
/// and its `ln det` term, in internal coordinates.
pub(super) struct Kernel<'a> {
    ancestors: &'a [Vec<f64>],
    weights: &'a [f64],
    chols: Vec<Vec<Vec<f64>>>,
    half_ln_det: Vec<f64>,
}

/// The lower Cholesky factor of a covariance, floored on the diagonal when it is not
/// positive definite (a constant coordinate, or collinear particles).
fn factor(cov: &[Vec<f64>], mean: &[f64]) -> Vec<Vec<f64>> {
    stats::cholesky(cov).unwrap_or_else(|| {
        let d = cov.len();
        let mut diag = vec![vec![0.0; d]; d];
        for i in 0..d {
            diag[i][i] = cov[i][i].max(1e-12 * (1.0 + mean[i] * mean[i])).sqrt();
        }
        diag
    })
}

impl Kernel<'_> {
    /// `tempered`: the weights of the ancestors reweighted to the new ε (for the local
    /// covariances).
    pub(super) fn new<'a>(
        ancestors: &'a [Vec<f64>],
        weights: &'a [f64],
        tempered: &[f64],
        settings: &Settings,
    ) -> Kernel<'a> {
        let chols: Vec<Vec<Vec<f64>>> = match settings.kernel {
            KernelKind::Global => {
                let mut cov = stats::weighted_covariance(ancestors, weights);
                cov.iter_mut()
                    .flatten()
                    .for_each(|c| *c *= settings.kernel_scale);
                let mean = stats::weighted_mean(ancestors, weights);
                vec![factor(&cov, &mean); ancestors.len()]
            }
            KernelKind::Local => {
                // Filippi et al. 2013 (OLCM): Σ_i = Σ_k ŵ_k (θ_k − θ_i)(θ_k − θ_i)ᵀ over the
                // ancestors reweighted to the new ε, = Cov_ŵ + (m̂ − θ_i)(m̂ − θ_i)ᵀ.
                let cov = stats::weighted_covariance(ancestors, tempered);
                let mean = stats::weighted_mean(ancestors, tempered);
                ancestors
                    .iter()
                    .map(|a| {
                        let mut c = cov.clone();
                        for (i, row) in c.iter_mut().enumerate() {
                            for (j, x) in row.iter_mut().enumerate() {
                                *x += (mean[i] - a[i]) * (mean[j] - a[j]);
                            }
                        }
                        factor(&c, &mean)
                    })
                    .collect()
            }
        };
        let half_ln_det = chols
            .iter()
            .map(|l| l.iter().enumerate().map(|(i, r)| r[i].ln()).sum())
            .collect();
        Kernel {
            ancestors,
            weights,
            chols,
            half_ln_det,
        }
    }

    /// A perturbed ancestor.
    pub(super) fn propose(&self, s: &mut Rng) -> Vec<f64> {
        let u = s.open01();
        let mut cum = 0.0;
        let mut j = self.ancestors.len() - 1;
        for (i, w) in self.weights.iter().enumerate() {
            cum += w;
            if u < cum {
                j = i;
                break;
            }
        }
        let chol = &self.chols[j];
        let z: Vec<f64> = (0..chol.len()).map(|_| s.normal()).collect();
        self.ancestors[j]
            .iter()
            .enumerate()
            .map(|(a, x)| x + (0..=a).map(|b| chol[a][b] * z[b]).sum::<f64>())
            .collect()
    }

    /// ln Σ_j w_j K_j(θ | θ_j), up to a constant common to every θ.
    pub(super) fn ln_density(&self, theta: &[f64]) -> f64 {
        let terms: Vec<f64> = self
            .ancestors
            .iter()
            .zip(self.weights)
            .zip(self.chols.iter().zip(&self.half_ln_det))
            .filter(|((_, w), _)| **w > 0.0)
            .map(|((a, w), (chol, half))| {
                let diff: Vec<f64> = theta.iter().zip(a).map(|(t, x)| t - x).collect();
                let y = stats::forward(chol, &diff);
                w.ln() - half - 0.5 * y.iter().map(|v| v * v).sum::<f64>()
            })
            .collect();
        log_sum_exp(&terms)
    }
}
