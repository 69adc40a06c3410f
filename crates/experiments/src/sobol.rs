//! Saltelli's design and Sobol' sensitivity indices, as SALib samples and computes them.
//!
//! The design (`saltelli`) takes N base points of a 2d-dimensional scrambled Sobol'
//! sequence; the first d coordinates form matrix A, the last d matrix B. For each base
//! row j it emits, in SALib's order (`SALib.sample.sobol.sample`):
//! A_j, AB_j^1..AB_j^d, [BA_j^1..BA_j^d,] B_j, where AB_j^i is A_j with coordinate i
//! taken from B_j and BA_j^i is B_j with coordinate i taken from A_j. That is N·(d+2)
//! rows, N·(2d+2) with second order. The analysis reads only the outputs, in this
//! order, so the order is the interface (SALib issue 218).
//!
//! The indices (`analyze`) are SALib's (`SALib.analyze.sobol.analyze`): outputs
//! standardised over all rows; first order S1_i = mean(B·(AB^i − A)) / var(A ∪ B)
//! (Saltelli et al. 2010, table 2 (b)); total order ST_i = mean((A − AB^i)²) / (2 var(A ∪ B))
//! (Jansen 1999, table 2 (f)); second order S2_ij = mean(BA^i·AB^j − A·B) / var − S1_i − S1_j;
//! variances with ddof 0. Each index has a bootstrap interval: the N base rows resampled
//! with replacement, the index recomputed per resample, half-width z·sd (ddof 1).
//!
//! The base sequence is `sobol_burley`'s Owen-scrambled Sobol' sequence (Burley 2020,
//! Joe–Kuo direction numbers), seeded: its first 2^m points are stratified in every
//! coordinate, and different seeds give independent randomisations.

use crate::rng::{Rng, key};
use crate::stats::{AnalysisError, Estimate, check_outputs, z_of};
use serde::{Deserialize, Serialize};

/// The number of runs of a Saltelli design: N·(d+2), or N·(2d+2) with second order.
pub fn runs(n: usize, d: usize, second_order: bool) -> usize {
    n * if second_order { 2 * d + 2 } else { d + 2 }
}

/// Dimensions `sobol_burley` provides; further ones repeat them under another seed
/// (the crate's documented padding).
const DIMENSIONS: usize = sobol_burley::NUM_DIMENSIONS as usize;
/// Points `sobol_burley` provides per seed; further ones come from another seed.
const POINTS: usize = 1 << 16;

/// N points of a `dims`-dimensional Owen-scrambled Sobol' sequence in [0, 1), seeded.
///
/// Beyond 2^16 points or 256 dimensions the sequence continues under a derived seed
/// (independently randomised blocks), so every size is served.
pub fn sobol_points(n: usize, dims: usize, seed: u64) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| {
            (0..dims)
                .map(|k| {
                    let block = ((i / POINTS) as u64) << 32 | (k / DIMENSIONS) as u64;
                    let s = key(seed, block);
                    f64::from(sobol_burley::sample(
                        (i % POINTS) as u32,
                        (k % DIMENSIONS) as u32,
                        s as u32,
                    ))
                })
                .collect()
        })
        .collect()
}

/// The Saltelli rows built from base rows of 2d coordinates (A = the first d, B = the
/// last d), in SALib's order; see the module documentation.
pub fn cross(base: &[Vec<f64>], d: usize, second_order: bool) -> Vec<Vec<f64>> {
    let mut rows = Vec::with_capacity(runs(base.len(), d, second_order));
    for row in base {
        let (a, b) = row.split_at(d.min(row.len()));
        rows.push(a.to_vec());
        for i in 0..d {
            let mut ab = a.to_vec();
            ab[i] = b[i];
            rows.push(ab);
        }
        if second_order {
            for i in 0..d {
                let mut ba = b.to_vec();
                ba[i] = a[i];
                rows.push(ba);
            }
        }
        rows.push(b.to_vec());
    }
    rows
}

/// The Saltelli design of `n` base rows for `d` parameters: unit-cube rows in SALib's
/// order (N·(d+2) rows, N·(2d+2) with second order), a pure function of `seed`.
/// N a power of two keeps the Sobol' sequence balanced (SALib warns otherwise).
pub fn saltelli(n: usize, d: usize, second_order: bool, seed: u64) -> Vec<Vec<f64>> {
    cross(&sobol_points(n, 2 * d, seed), d, second_order)
}

/// A second-order index S2 of parameters `i` < `j`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SecondOrder {
    pub i: usize,
    pub j: usize,
    pub estimate: Estimate,
}

/// Sobol' indices of one output, with bootstrap intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SobolIndices {
    /// Base rows N.
    pub n: usize,
    /// Parameters d.
    pub d: usize,
    /// Bootstrap resamples.
    pub bootstrap: usize,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// First-order indices, one per parameter.
    pub s1: Vec<Estimate>,
    /// Total-order indices, one per parameter.
    pub st: Vec<Estimate>,
    /// Second-order indices for i < j (empty without second order).
    pub s2: Vec<SecondOrder>,
}

/// The outputs split by block: A, B, AB^i, BA^i (each N long).
struct Blocks {
    a: Vec<f64>,
    b: Vec<f64>,
    ab: Vec<Vec<f64>>,
    ba: Vec<Vec<f64>>,
}

impl Blocks {
    fn split(y: &[f64], n: usize, d: usize, second_order: bool) -> Self {
        let step = runs(1, d, second_order);
        let col = |k: usize| (0..n).map(|j| y[j * step + k]).collect::<Vec<f64>>();
        Blocks {
            a: col(0),
            b: col(step - 1),
            ab: (0..d).map(|i| col(1 + i)).collect(),
            ba: if second_order {
                (0..d).map(|i| col(1 + d + i)).collect()
            } else {
                Vec::new()
            },
        }
    }
}

/// Sums over a selection of base rows (all of them, or a bootstrap resample).
struct Sums<'a> {
    blocks: &'a Blocks,
    rows: &'a [usize],
}

impl Sums<'_> {
    fn mean(&self, f: impl Fn(usize) -> f64) -> f64 {
        self.rows.iter().map(|&j| f(j)).sum::<f64>() / self.rows.len() as f64
    }

    /// var(A ∪ B), ddof 0.
    fn variance(&self) -> f64 {
        let (a, b) = (&self.blocks.a, &self.blocks.b);
        let m = self.mean(|j| a[j] + b[j]) / 2.0;
        self.mean(|j| (a[j] - m).powi(2) + (b[j] - m).powi(2)) / 2.0
    }

    fn first(&self, i: usize, var: f64) -> f64 {
        let (a, b, ab) = (&self.blocks.a, &self.blocks.b, &self.blocks.ab[i]);
        ratio(self.mean(|j| b[j] * (ab[j] - a[j])), var)
    }

    fn total(&self, i: usize, var: f64) -> f64 {
        let (a, ab) = (&self.blocks.a, &self.blocks.ab[i]);
        ratio(0.5 * self.mean(|j| (a[j] - ab[j]).powi(2)), var)
    }

    fn second(&self, i: usize, k: usize, var: f64) -> f64 {
        let bl = self.blocks;
        let (a, b, ba, ab) = (&bl.a, &bl.b, &bl.ba[i], &bl.ab[k]);
        let v = ratio(self.mean(|j| ba[j] * ab[j] - a[j] * b[j]), var);
        v - self.first(i, var) - self.first(k, var)
    }

    /// Every index in a fixed order: S1 (d), ST (d), S2 (pairs i < k).
    fn all(&self, d: usize, second_order: bool) -> Vec<f64> {
        let var = self.variance();
        let mut out: Vec<f64> = (0..d).map(|i| self.first(i, var)).collect();
        out.extend((0..d).map(|i| self.total(i, var)));
        if second_order {
            for i in 0..d {
                out.extend((i + 1..d).map(|k| self.second(i, k, var)));
            }
        }
        out
    }
}

/// A ratio of a resample with no variance counts as 0 (SALib's choice for S1).
fn ratio(x: f64, var: f64) -> f64 {
    if var > 0.0 { x / var } else { 0.0 }
}

/// The bootstrap stream's purpose (distinct from any design's).
const BOOTSTRAP: u64 = 0x5A17_E111;

/// Sobol' indices of the outputs `y` of a Saltelli design of `n` base rows and `d`
/// parameters (in the design's row order), with `bootstrap` resamples for intervals at
/// level `confidence`, the resamples a pure function of `seed`.
///
/// Errors: wrong length, a non-finite output, constant outputs, fewer than 2 base rows
/// or resamples, a confidence level outside (0, 1).
pub fn analyze(
    y: &[f64],
    n: usize,
    d: usize,
    second_order: bool,
    bootstrap: usize,
    confidence: f64,
    seed: u64,
) -> Result<SobolIndices, AnalysisError> {
    let expected = runs(n, d, second_order);
    if y.len() != expected || d == 0 {
        return Err(AnalysisError::Length {
            what: "Sobol' analysis",
            expected,
            got: y.len(),
        });
    }
    if n < 2 || bootstrap < 2 {
        return Err(AnalysisError::Setting(format!(
            "Sobol' analysis needs at least 2 base rows and 2 bootstrap resamples \
             (got {n} and {bootstrap})"
        )));
    }
    let z = z_of(confidence)?;
    check_outputs(y)?;
    let standardised = standardise(y);
    let blocks = Blocks::split(&standardised, n, d, second_order);
    let all: Vec<usize> = (0..n).collect();
    let point = Sums {
        blocks: &blocks,
        rows: &all,
    }
    .all(d, second_order);
    let mut rng = Rng::new(seed, BOOTSTRAP);
    let mut resampled = vec![Vec::with_capacity(bootstrap); point.len()];
    let mut rows = vec![0; n];
    for _ in 0..bootstrap {
        rows.iter_mut().for_each(|r| *r = rng.index(n));
        let values = Sums {
            blocks: &blocks,
            rows: &rows,
        }
        .all(d, second_order);
        for (acc, v) in resampled.iter_mut().zip(values) {
            acc.push(v);
        }
    }
    let mut estimates = point
        .iter()
        .zip(&resampled)
        .map(|(&v, reps)| Estimate::from_replicates(v, reps, z));
    let s1: Vec<Estimate> = estimates.by_ref().take(d).collect();
    let st: Vec<Estimate> = estimates.by_ref().take(d).collect();
    let mut s2 = Vec::new();
    if second_order {
        for i in 0..d {
            for j in i + 1..d {
                if let Some(estimate) = estimates.next() {
                    s2.push(SecondOrder { i, j, estimate });
                }
            }
        }
    }
    Ok(SobolIndices {
        n,
        d,
        bootstrap,
        confidence,
        s1,
        st,
        s2,
    })
}

/// (y − mean) / sd over all rows, ddof 0, as SALib does before splitting the blocks
/// (the centring matters: S1's estimator is not shift-invariant).
fn standardise(y: &[f64]) -> Vec<f64> {
    let n = y.len() as f64;
    let m = y.iter().sum::<f64>() / n;
    let s = (y.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n).sqrt();
    y.iter().map(|v| (v - m) / s).collect()
}
