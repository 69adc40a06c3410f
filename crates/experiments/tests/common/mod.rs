//! Helpers the estimator tests share: the SALib fixture, test functions, noise.
#![allow(dead_code)]

use credsim_experiments::rng::Rng;
use std::f64::consts::PI;

/// SALib 1.5.1's numbers (fixtures/salib.py generated them).
pub fn salib() -> serde_json::Value {
    serde_json::from_str(include_str!("../fixtures/salib.json")).expect("fixture is JSON")
}

pub fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

pub fn matrix(v: &serde_json::Value) -> Vec<Vec<f64>> {
    v.as_array().expect("array").iter().map(floats).collect()
}

/// The Ishigami function on unit coordinates mapped to [−π, π]³, a = 7, b = 0.1.
pub fn ishigami(u: &[f64]) -> f64 {
    let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

/// Ishigami's analytic indices (Ishigami and Homma 1990; Sobol' and Levitan 1999):
/// (S1, ST) for a = 7, b = 0.1.
pub fn ishigami_indices() -> ([f64; 3], [f64; 3]) {
    let (a, b) = (7.0f64, 0.1f64);
    let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
    let v = v1 + v2 + v13;
    ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
}

/// A standard normal draw (Box–Muller).
pub fn normal(rng: &mut Rng) -> f64 {
    let u = 1.0 - rng.uniform();
    (-2.0 * u.ln()).sqrt() * (2.0 * PI * rng.uniform()).cos()
}

/// Binomial tolerance: `k` successes in `n` trials at rate `p` lie within 3.5 sd.
pub fn within_binomial(k: usize, n: usize, p: f64) -> bool {
    let sd = (n as f64 * p * (1.0 - p)).sqrt();
    (k as f64 - n as f64 * p).abs() <= 3.5 * sd
}
