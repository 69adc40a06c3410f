//! Morris's elementary-effects screening: the trajectory design and μ, μ*, σ, as SALib
//! samples and computes them (`SALib.sample.morris`, `SALib.analyze.morris`).
//!
//! A trajectory is d+1 unit-cube rows on the grid of p levels {0, 1/(p−1), …, 1}: a
//! random base point x* whose coordinates lie in the lower half of the grid, then one
//! coordinate at a time, in a random order, moved by Δ = p/(2(p−1)) up or down (a
//! random direction per coordinate; Morris 1991, Campolongo et al. 2007). Rows are
//! trajectory-major: r·(d+1) rows.
//!
//! The elementary effect of parameter i in a trajectory is the change of the output
//! over the change of coordinate i at the step that moves it, (y_{k+1} − y_k)/(x_{k+1,i} −
//! x_{k,i}) (on the unit scale, so a linear output c·(lo + (hi − lo)·u) has effect
//! c·(hi − lo)). Over the r trajectories: μ the mean, μ* the mean absolute value
//! (Campolongo et al. 2007), σ the standard deviation (ddof 1), and a bootstrap interval
//! for μ* (trajectories resampled with replacement, half-width z·sd).

use crate::rng::Rng;
use crate::stats::{AnalysisError, Estimate, mean, sd, z_of};
use serde::{Deserialize, Serialize};

/// The step Δ = p/(2(p−1)) of a grid of p levels.
pub fn delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

/// Checks a design's sizes: at least one trajectory and one parameter, and an even
/// number of levels ≥ 2 (so that x* and x* ± Δ are both on the grid).
pub fn check(r: usize, d: usize, levels: usize) -> Result<(), AnalysisError> {
    if r == 0 || d == 0 {
        return Err(AnalysisError::Setting(format!(
            "a Morris design needs at least 1 trajectory and 1 parameter (got {r} and {d})"
        )));
    }
    if levels < 2 || !levels.is_multiple_of(2) {
        return Err(AnalysisError::Setting(format!(
            "Morris levels = {levels}: allowed are even numbers ≥ 2 (4 is usual)"
        )));
    }
    Ok(())
}

/// The design's stream purpose.
const TRAJECTORIES: u64 = 0x3022_1575;
/// The bootstrap's stream purpose.
const BOOTSTRAP: u64 = 0xB007_5772;

/// `r` Morris trajectories for `d` parameters on a grid of `levels` levels: r·(d+1)
/// unit-cube rows, trajectory-major, a pure function of `seed`. Errors as [`check`].
pub fn trajectories(
    r: usize,
    d: usize,
    levels: usize,
    seed: u64,
) -> Result<Vec<Vec<f64>>, AnalysisError> {
    check(r, d, levels)?;
    let top = (levels - 1) as f64;
    let half = levels / 2;
    let mut rng = Rng::new(seed, TRAJECTORIES);
    let mut rows = Vec::with_capacity(r * (d + 1));
    for _ in 0..r {
        let order = rng.permutation(d);
        let up: Vec<bool> = (0..d).map(|_| rng.below(2) == 1).collect();
        // Level index of x*: 0..half; x* + Δ is level + half.
        let base: Vec<usize> = (0..d).map(|_| rng.index(half)).collect();
        let mut level: Vec<usize> = (0..d)
            .map(|i| if up[i] { base[i] } else { base[i] + half })
            .collect();
        rows.push(level.iter().map(|&l| l as f64 / top).collect());
        for &i in &order {
            level[i] = if up[i] { base[i] + half } else { base[i] };
            rows.push(level.iter().map(|&l| l as f64 / top).collect());
        }
    }
    Ok(rows)
}

/// Morris indices of one output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MorrisIndices {
    /// Trajectories r.
    pub r: usize,
    /// Parameters d.
    pub d: usize,
    /// Bootstrap resamples of the μ* interval.
    pub bootstrap: usize,
    /// Its confidence level.
    pub confidence: f64,
    /// μ: the mean elementary effect, per parameter.
    pub mu: Vec<f64>,
    /// μ*: the mean absolute elementary effect, with its bootstrap interval.
    pub mu_star: Vec<Estimate>,
    /// σ: the standard deviation of the elementary effects (ddof 1).
    pub sigma: Vec<f64>,
}

/// The elementary effects, `[parameter][trajectory]`, of outputs `y` at unit rows
/// `x_unit` of `r` trajectories of `d` parameters. Errors name the trajectory and step
/// whose rows are not a one-coordinate move, or a parameter a trajectory never moves.
pub fn elementary_effects(
    x_unit: &[Vec<f64>],
    y: &[f64],
    r: usize,
    d: usize,
) -> Result<Vec<Vec<f64>>, AnalysisError> {
    let expected = r * (d + 1);
    for (what, got) in [
        ("Morris design rows", x_unit.len()),
        ("Morris outputs", y.len()),
    ] {
        if got != expected {
            return Err(AnalysisError::Length {
                what,
                expected,
                got,
            });
        }
    }
    if let Some((row, _)) = x_unit.iter().enumerate().find(|(_, x)| x.len() != d) {
        return Err(AnalysisError::Design(format!(
            "Morris design row {row} has {} coordinates, expected {d}",
            x_unit[row].len()
        )));
    }
    if let Some((row, &value)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(AnalysisError::NonFinite { row, value });
    }
    // by_trajectory[t][i]: the effect of parameter i in trajectory t.
    let mut by_trajectory = Vec::with_capacity(r);
    for t in 0..r {
        let mut effects = vec![f64::NAN; d];
        for k in 0..d {
            let row = t * (d + 1) + k;
            let (x0, x1) = (&x_unit[row], &x_unit[row + 1]);
            let moved: Vec<usize> = (0..d).filter(|&i| x0[i] != x1[i]).collect();
            let [i] = moved[..] else {
                return Err(AnalysisError::Design(format!(
                    "Morris trajectory {t}, step {k} (rows {row}–{}): {} coordinates change, \
                     expected exactly 1",
                    row + 1,
                    moved.len()
                )));
            };
            if !effects[i].is_nan() {
                return Err(AnalysisError::Design(format!(
                    "Morris trajectory {t} moves parameter {i} twice"
                )));
            }
            effects[i] = (y[row + 1] - y[row]) / (x1[i] - x0[i]);
        }
        by_trajectory.push(effects);
    }
    Ok((0..d)
        .map(|i| by_trajectory.iter().map(|e| e[i]).collect())
        .collect())
}

/// Morris indices of outputs `y` at unit rows `x_unit` of `r` trajectories of `d`
/// parameters (trajectory-major), with a bootstrap interval for μ* from `bootstrap`
/// resamples at level `confidence`, the resamples a pure function of `seed`.
pub fn analyze(
    x_unit: &[Vec<f64>],
    y: &[f64],
    r: usize,
    d: usize,
    bootstrap: usize,
    confidence: f64,
    seed: u64,
) -> Result<MorrisIndices, AnalysisError> {
    if r < 2 || bootstrap < 2 {
        return Err(AnalysisError::Setting(format!(
            "Morris analysis needs at least 2 trajectories and 2 bootstrap resamples \
             (got {r} and {bootstrap})"
        )));
    }
    let z = z_of(confidence)?;
    let ee = elementary_effects(x_unit, y, r, d)?;
    let mut rng = Rng::new(seed, BOOTSTRAP);
    let mut pick = vec![0; r];
    let mut reps = vec![Vec::with_capacity(bootstrap); d];
    for _ in 0..bootstrap {
        pick.iter_mut().for_each(|p| *p = rng.index(r));
        for (i, acc) in reps.iter_mut().enumerate() {
            acc.push(pick.iter().map(|&t| ee[i][t].abs()).sum::<f64>() / r as f64);
        }
    }
    let abs: Vec<Vec<f64>> = ee
        .iter()
        .map(|e| e.iter().map(|v| v.abs()).collect())
        .collect();
    Ok(MorrisIndices {
        r,
        d,
        bootstrap,
        confidence,
        mu: ee.iter().map(|e| mean(e)).collect(),
        mu_star: abs
            .iter()
            .zip(&reps)
            .map(|(a, rep)| Estimate::from_replicates(mean(a), rep, z))
            .collect(),
        sigma: ee.iter().map(|e| sd(e)).collect(),
    })
}
