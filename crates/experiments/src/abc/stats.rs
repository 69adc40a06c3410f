//! Weighted summaries of a particle population: effective sample size, quantiles, mean
//! and covariance, and the Cholesky factor the perturbation kernel draws with.

// Index loops read as the matrix algebra they implement.
#![allow(clippy::needless_range_loop)]

/// Effective sample size `(Σw)² / Σw²` (Kish).
pub fn ess(weights: &[f64]) -> f64 {
    let s: f64 = weights.iter().sum();
    let s2: f64 = weights.iter().map(|w| w * w).sum();
    if s2 > 0.0 { s * s / s2 } else { 0.0 }
}

/// The weighted q-quantile (0 ≤ q ≤ 1): the smallest value whose cumulative weight
/// reaches q of the total (the inverse of the weighted empirical distribution
/// function). NaN for an empty sample. Equal weights give the type-1 sample quantile.
pub fn weighted_quantile(values: &[f64], weights: &[f64], q: f64) -> f64 {
    let mut order: Vec<usize> = (0..values.len()).filter(|&i| !values[i].is_nan()).collect();
    if order.is_empty() {
        return f64::NAN;
    }
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let total: f64 = order.iter().map(|&i| weights[i]).sum();
    let goal = q.clamp(0.0, 1.0) * total;
    let mut cum = 0.0;
    for &i in &order {
        cum += weights[i];
        if cum >= goal * (1.0 - 1e-12) && cum > 0.0 {
            return values[i];
        }
    }
    values[order[order.len() - 1]]
}

/// The unweighted q-quantile.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    weighted_quantile(values, &vec![1.0; values.len()], q)
}

/// Weighted mean of each coordinate.
pub fn weighted_mean(points: &[Vec<f64>], weights: &[f64]) -> Vec<f64> {
    let d = points.first().map_or(0, Vec::len);
    let total: f64 = weights.iter().sum();
    let mut m = vec![0.0; d];
    for (p, &w) in points.iter().zip(weights) {
        for (mk, &x) in m.iter_mut().zip(p) {
            *mk += w * x;
        }
    }
    m.iter_mut().for_each(|x| *x /= total);
    m
}

/// Weighted covariance matrix (normalised weights, no small-sample correction).
pub fn weighted_covariance(points: &[Vec<f64>], weights: &[f64]) -> Vec<Vec<f64>> {
    let m = weighted_mean(points, weights);
    let d = m.len();
    let total: f64 = weights.iter().sum();
    let mut c = vec![vec![0.0; d]; d];
    for (p, &w) in points.iter().zip(weights) {
        for a in 0..d {
            for b in 0..=a {
                c[a][b] += w * (p[a] - m[a]) * (p[b] - m[b]);
            }
        }
    }
    for a in 0..d {
        for b in 0..=a {
            c[a][b] /= total;
            c[b][a] = c[a][b];
        }
    }
    c
}

/// The lower Cholesky factor of a symmetric positive-definite matrix, or None.
pub fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let d = a.len();
    let mut l = vec![vec![0.0; d]; d];
    for i in 0..d {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let v = a[i][i] - s;
                if !(v > 0.0 && v.is_finite()) {
                    return None;
                }
                l[i][j] = v.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// Solves `L x = b` for lower-triangular L.
pub fn forward(l: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let mut x = vec![0.0; b.len()];
    for i in 0..b.len() {
        let s: f64 = (0..i).map(|k| l[i][k] * x[k]).sum();
        x[i] = (b[i] - s) / l[i][i];
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries() {
        assert_eq!(ess(&[1.0, 1.0, 1.0, 1.0]), 4.0);
        assert_eq!(ess(&[1.0, 0.0, 0.0]), 1.0);
        let v = [3.0, 1.0, 2.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 2.0);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 4.0);
        assert_eq!(weighted_quantile(&v, &[0.0, 0.0, 0.0, 1.0], 0.1), 4.0);
        let pts = vec![vec![1.0, 2.0], vec![3.0, 6.0]];
        let c = weighted_covariance(&pts, &[0.5, 0.5]);
        assert_eq!(c, vec![vec![1.0, 2.0], vec![2.0, 4.0]]);
        assert!(cholesky(&c).is_none(), "singular");
        let a = vec![vec![4.0, 2.0], vec![2.0, 3.0]];
        let l = cholesky(&a).expect("positive definite");
        assert_eq!(l, vec![vec![2.0, 0.0], vec![1.0, 2f64.sqrt()]]);
        let x = forward(&l, &[2.0, 1.0 + 2f64.sqrt()]);
        assert!((x[0] - 1.0).abs() < 1e-12 && (x[1] - 1.0).abs() < 1e-12);
    }
}
