//! Sweep designs: the points of the unit cube (or of a grid) at which a sweep runs
//! its scenario, in the row order the analyses rely on, and the mapping of a unit
//! coordinate to a parameter's value (its marginal distribution).
//!
//! A design is a list of rows, one per design point, each with one coordinate per
//! parameter: a level index for [`grid`], a coordinate in [0, 1) for [`random`] and
//! [`lhs`] (and for the Saltelli and Morris designs of `sobol.rs` and `morris.rs`).
//! [`Marginal::at`] turns a unit coordinate into a value by the marginal's quantile
//! function, [`Marginal::at_level`] a grid level. Every draw is a pure function of
//! (seed, dimension, row): a design is the same on every machine.

use crate::normal;
use crate::rng::Rng;

/// A uniform draw in [0, 1) (53 bits) keyed by (seed, stream, index).
fn uniform(seed: u64, stream: u64, index: u64) -> f64 {
    Rng::at(seed, stream, index).uniform()
}

/// Full factorial over `levels[j]` levels of each dimension: every combination of
/// level indices, the first dimension varying slowest (row-major), so row
/// `i = Σ_j l_j · Π_{k>j} levels[k]`. No dimensions give one empty row; a dimension
/// with no level gives no row.
pub fn grid(levels: &[usize]) -> Vec<Vec<usize>> {
    let rows: usize = levels.iter().product();
    (0..rows)
        .map(|mut i| {
            let mut row = vec![0; levels.len()];
            for (j, &k) in levels.iter().enumerate().rev() {
                row[j] = i % k;
                i /= k;
            }
            row
        })
        .collect()
}

/// `n` independent uniform points in [0, 1)^d: coordinate j of row i is the draw
/// keyed by (seed, j, i).
pub fn random(n: usize, d: usize, seed: u64) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| (0..d).map(|j| uniform(seed, j as u64, i as u64)).collect())
        .collect()
}

/// A Latin hypercube of `n` points in [0, 1)^d: in every dimension each of the `n`
/// strata [k/n, (k+1)/n) holds exactly one point, placed uniformly within it. The
/// strata are assigned to rows by an independent random permutation per dimension
/// (Fisher–Yates keyed by (seed, j)).
pub fn lhs(n: usize, d: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rows = vec![vec![0.0; d]; n];
    for j in 0..d {
        let mut strata: Vec<usize> = (0..n).collect();
        let stream = (1u64 << 32) | j as u64;
        for i in (1..n).rev() {
            let k = (uniform(seed, stream, i as u64) * (i + 1) as f64) as usize;
            strata.swap(i, k.min(i));
        }
        let within = (2u64 << 32) | j as u64;
        for (i, row) in rows.iter_mut().enumerate() {
            let u = uniform(seed, within, i as u64);
            // (k + u)/n < 1 for u < 1; the min guards the last ulp.
            row[j] = ((strata[i] as f64 + u) / n as f64).min(1.0 - f64::EPSILON / 2.0);
        }
    }
    rows
}

/// A parameter's value at a design point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A real number.
    Float(f64),
    /// A whole number.
    Int(i64),
    /// An index into the parameter's list of values.
    Index(usize),
}

/// How a parameter's values are spread: the marginal distribution a unit coordinate
/// is mapped through.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Marginal {
    /// One of `n` listed values, equally likely: index ⌊u·n⌋.
    Choice(usize),
    /// Uniform on [lo, hi]: lo + u·(hi − lo).
    Uniform { lo: f64, hi: f64 },
    /// Log-uniform on [lo, hi] (0 < lo): exp(ln lo + u·(ln hi − ln lo)).
    LogUniform { lo: f64, hi: f64 },
    /// Whole numbers lo..=hi, equally likely: lo + ⌊u·(hi − lo + 1)⌋.
    Integer { lo: i64, hi: i64 },
    /// Whole numbers lo..=hi (1 ≤ lo), log-uniformly: ⌊exp(ln lo + u·(ln(hi+1) − ln lo))⌋,
    /// so k has probability ln((k+1)/k) / ln((hi+1)/lo).
    LogInteger { lo: i64, hi: i64 },
    /// Normal with mean and standard deviation.
    Normal { mean: f64, sd: f64 },
    /// Normal(mean, sd) restricted to [lo, hi].
    TruncatedNormal {
        mean: f64,
        sd: f64,
        lo: f64,
        hi: f64,
    },
    /// exp(Normal(mu, sigma)): the median is exp(mu).
    LogNormal { mu: f64, sigma: f64 },
    /// Triangular on [lo, hi] with its mode.
    Triangular { lo: f64, mode: f64, hi: f64 },
}

/// Probabilities are kept this far from 0 and 1, so that unbounded quantiles stay
/// finite (about ±8.2 standard deviations).
const EDGE: f64 = 1.0 / (1u64 << 53) as f64;

impl Marginal {
    /// Why the marginal is impossible, if it is.
    pub fn check(&self) -> Result<(), String> {
        let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
        match *self {
            Marginal::Choice(0) => Err("the list of values is empty".into()),
            Marginal::Choice(_) => Ok(()),
            Marginal::Uniform { lo, hi } if !finite(&[lo, hi]) || lo > hi => Err(format!(
                "the range [{lo}, {hi}] must be finite with lo ≤ hi"
            )),
            Marginal::LogUniform { lo, hi } if !finite(&[lo, hi]) || lo <= 0.0 || lo > hi => Err(
                format!("a log range [{lo}, {hi}] must have 0 < lo ≤ hi (finite)"),
            ),
            Marginal::Integer { lo, hi } if lo > hi => {
                Err(format!("the integer range [{lo}, {hi}] must have lo ≤ hi"))
            }
            Marginal::LogInteger { lo, hi } if lo < 1 || lo > hi || hi == i64::MAX => Err(format!(
                "a log integer range [{lo}, {hi}] must have 1 ≤ lo ≤ hi"
            )),
            Marginal::Normal { mean, sd }
            | Marginal::LogNormal {
                mu: mean,
                sigma: sd,
            } if !finite(&[mean, sd]) || sd <= 0.0 => Err(format!(
                "the location {mean} and scale {sd} must be finite, the scale > 0"
            )),
            Marginal::TruncatedNormal { mean, sd, lo, hi } => {
                if !finite(&[mean, sd]) || sd <= 0.0 || lo.is_nan() || hi.is_nan() || lo >= hi {
                    return Err(format!(
                        "a truncated normal needs a finite mean, sd > 0 and lo < hi (got mean {mean}, sd {sd}, [{lo}, {hi}])"
                    ));
                }
                let (a, b) = ((lo - mean) / sd, (hi - mean) / sd);
                let mass = if a > 0.0 {
                    normal::cdf(-a) - normal::cdf(-b)
                } else {
                    normal::cdf(b) - normal::cdf(a)
                };
                if mass < 1e-12 {
                    return Err(format!(
                        "the window [{lo}, {hi}] holds {mass:.1e} of the normal's probability (at least 1e-12 is needed)"
                    ));
                }
                Ok(())
            }
            Marginal::Triangular { lo, mode, hi }
                if !(finite(&[lo, mode, hi]) && lo <= mode && mode <= hi && lo < hi) =>
            {
                Err(format!(
                    "a triangular distribution needs lo ≤ mode ≤ hi and lo < hi (got {lo}, {mode}, {hi})"
                ))
            }
            _ => Ok(()),
        }
    }

    /// Whether the support is bounded (Morris levels at 0 and 1 need it).
    pub fn bounded(&self) -> bool {
        !matches!(self, Marginal::Normal { .. } | Marginal::LogNormal { .. })
    }

    /// The value at unit coordinate `u` in [0, 1] (the quantile function). Unbounded
    /// quantiles are taken at u clamped to [2⁻⁵³, 1 − 2⁻⁵³].
    pub fn at(&self, u: f64) -> Value {
        let u = if u.is_nan() { 0.5 } else { u.clamp(0.0, 1.0) };
        let inner = u.clamp(EDGE, 1.0 - EDGE);
        match *self {
            Marginal::Choice(n) => Value::Index(((u * n as f64) as usize).min(n - 1)),
            Marginal::Uniform { lo, hi } => Value::Float((lo + u * (hi - lo)).min(hi)),
            Marginal::LogUniform { lo, hi } => {
                Value::Float((lo.ln() + u * (hi.ln() - lo.ln())).exp().clamp(lo, hi))
            }
            Marginal::Integer { lo, hi } => {
                let span = (hi as f64 - lo as f64) + 1.0;
                let k = (u * span).floor() as i64;
                Value::Int(lo.saturating_add(k).min(hi))
            }
            Marginal::LogInteger { lo, hi } => {
                let (a, b) = ((lo as f64).ln(), ((hi + 1) as f64).ln());
                let k = (a + u * (b - a)).exp().floor() as i64;
                Value::Int(k.clamp(lo, hi))
            }
            Marginal::Normal { mean, sd } => Value::Float(mean + sd * normal::quantile(inner)),
            Marginal::LogNormal { mu, sigma } => {
                Value::Float((mu + sigma * normal::quantile(inner)).exp())
            }
            Marginal::TruncatedNormal { mean, sd, lo, hi } => {
                let (a, b) = ((lo - mean) / sd, (hi - mean) / sd);
                // Work in the lower tail, where the CDF is accurate relative to its size.
                let z = if a > 0.0 {
                    let (pa, pb) = (normal::cdf(-b), normal::cdf(-a));
                    -normal::quantile((pb - u * (pb - pa)).clamp(EDGE * EDGE, 1.0 - EDGE))
                } else {
                    let (pa, pb) = (normal::cdf(a), normal::cdf(b));
                    normal::quantile((pa + u * (pb - pa)).clamp(EDGE * EDGE, 1.0 - EDGE))
                };
                Value::Float((mean + sd * z).clamp(lo, hi))
            }
            Marginal::Triangular { lo, mode, hi } => {
                let f = (mode - lo) / (hi - lo);
                let x = if u < f {
                    lo + (u * (hi - lo) * (mode - lo)).sqrt()
                } else {
                    hi - ((1.0 - u) * (hi - lo) * (hi - mode)).sqrt()
                };
                Value::Float(x.clamp(lo, hi))
            }
        }
    }

    /// The value of grid level `i` of `k`: a listed value by index; a range's `k`
    /// evenly spaced points from lo to hi inclusive (geometrically spaced for a log
    /// range; the midpoint when k = 1; whole numbers rounded to the nearest); a
    /// distribution's quantiles at the stratum midpoints (i + ½)/k.
    pub fn at_level(&self, i: usize, k: usize) -> Value {
        let t = if k <= 1 {
            0.5
        } else {
            i as f64 / (k - 1) as f64
        };
        match *self {
            Marginal::Choice(n) => Value::Index(i.min(n - 1)),
            Marginal::Uniform { lo, hi } => Value::Float((lo + t * (hi - lo)).min(hi)),
            Marginal::LogUniform { lo, hi } => {
                Value::Float((lo.ln() + t * (hi.ln() - lo.ln())).exp().clamp(lo, hi))
            }
            Marginal::Integer { lo, hi } => {
                Value::Int((lo as f64 + t * (hi as f64 - lo as f64)).round() as i64)
            }
            Marginal::LogInteger { lo, hi } => Value::Int(
                ((lo as f64).ln() + t * ((hi as f64).ln() - (lo as f64).ln()))
                    .exp()
                    .round()
                    .clamp(lo as f64, hi as f64) as i64,
            ),
            _ => self.at((i as f64 + 0.5) / k.max(1) as f64),
        }
    }

    /// The number of distinct grid levels this marginal can give (None: unlimited).
    pub fn distinct_levels(&self) -> Option<u64> {
        match *self {
            Marginal::Choice(n) => Some(n as u64),
            Marginal::Integer { lo, hi } | Marginal::LogInteger { lo, hi } => {
                Some(hi.abs_diff(lo).saturating_add(1))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    /// Row-major order worked by hand: 2 × 3 levels.
    #[test]
    fn grid_is_row_major_full_factorial() {
        assert_eq!(
            grid(&[2, 3]),
            vec![
                vec![0, 0],
                vec![0, 1],
                vec![0, 2],
                vec![1, 0],
                vec![1, 1],
                vec![1, 2]
            ]
        );
        assert_eq!(grid(&[]), vec![Vec::<usize>::new()]);
        assert!(grid(&[3, 0]).is_empty());
        // Every combination once.
        let g = grid(&[3, 4, 2]);
        let set: std::collections::HashSet<_> = g.iter().cloned().collect();
        assert_eq!((g.len(), set.len()), (24, 24));
    }

    /// Each stratum of each dimension holds exactly one point; the design is a pure
    /// function of the seed; different seeds give different designs.
    #[test]
    fn lhs_has_one_point_per_stratum() {
        for (n, d) in [(1, 3), (7, 2), (50, 5), (256, 3)] {
            let rows = lhs(n, d, 42);
            assert_eq!(rows.len(), n);
            for j in 0..d {
                let mut seen = vec![0; n];
                for r in &rows {
                    assert!((0.0..1.0).contains(&r[j]), "{}", r[j]);
                    seen[(r[j] * n as f64) as usize] += 1;
                }
                assert!(seen.iter().all(|&c| c == 1), "n {n} d {d} j {j}: {seen:?}");
            }
            assert_eq!(rows, lhs(n, d, 42));
        }
        assert_ne!(lhs(10, 2, 1), lhs(10, 2, 2));
        // The permutations of two dimensions differ (not the diagonal).
        let rows = lhs(20, 2, 3);
        assert!(
            rows.iter()
                .any(|r| (r[0] * 20.0) as usize != (r[1] * 20.0) as usize)
        );
    }

    /// Random points: in [0, 1), mean ½ and variance 1/12 within sampling error
    /// (n = 20,000: SE of the mean 0.0020, of the variance 0.00053; 5 SE).
    #[test]
    fn random_points_are_uniform() {
        let rows = random(20_000, 2, 9);
        for j in 0..2 {
            let xs: Vec<f64> = rows.iter().map(|r| r[j]).collect();
            assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
            let m = xs.iter().sum::<f64>() / xs.len() as f64;
            let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / xs.len() as f64;
            assert!((m - 0.5).abs() < 5.0 * 0.0020, "{m}");
            assert!((v - 1.0 / 12.0).abs() < 5.0 * 0.00053, "{v}");
        }
        assert_eq!(random(3, 2, 9), random(3, 2, 9));
        // Correlation between the two dimensions near 0 (SE 1/√n = 0.0071).
        let c = rows
            .iter()
            .map(|r| (r[0] - 0.5) * (r[1] - 0.5))
            .sum::<f64>()
            / rows.len() as f64
            * 12.0;
        assert!(c.abs() < 5.0 * 0.0071, "{c}");
    }

    /// Quantile functions worked by hand.
    #[test]
    fn marginals_map_unit_coordinates_by_hand() {
        let f = |m: Marginal, u: f64| match m.at(u) {
            Value::Float(x) => x,
            other => panic!("{other:?}"),
        };
        assert_eq!(f(Marginal::Uniform { lo: 2.0, hi: 6.0 }, 0.25), 3.0);
        assert!(close(
            f(Marginal::LogUniform { lo: 0.01, hi: 1.0 }, 0.5),
            0.1,
            1e-14
        ));
        assert!(close(
            f(Marginal::Normal { mean: 1.0, sd: 2.0 }, 0.975),
            1.0 + 2.0 * 1.959_963_984_540_054,
            1e-14
        ));
        assert!(close(
            f(
                Marginal::LogNormal {
                    mu: 0.0,
                    sigma: 1.0
                },
                0.5
            ),
            1.0,
            1e-15
        ));
        // Truncated to [0, ∞): the half-normal; its median is Φ⁻¹(0.75) = 0.6744897501960817.
        let half = Marginal::TruncatedNormal {
            mean: 0.0,
            sd: 1.0,
            lo: 0.0,
            hi: f64::INFINITY,
        };
        assert!(close(f(half.clone(), 0.5), 0.674_489_750_196_081_7, 1e-13));
        assert_eq!(f(half, 0.0), 0.0);
        // Truncated far in the upper tail: [5, 6] keeps values in the window, the
        // median where Q(x) = (Q(5) + Q(6))/2.
        let tail = Marginal::TruncatedNormal {
            mean: 0.0,
            sd: 1.0,
            lo: 5.0,
            hi: 6.0,
        };
        let m = f(tail.clone(), 0.5);
        let q = |x: f64| normal::cdf(-x);
        assert!(close(q(m), (q(5.0) + q(6.0)) / 2.0, 1e-10), "{m}");
        assert!(tail.check().is_ok());
        // Triangular on [0, 2] with mode 1: the median is the mode; u = 1/8 gives 0.5.
        let tri = Marginal::Triangular {
            lo: 0.0,
            mode: 1.0,
            hi: 2.0,
        };
        assert!(close(f(tri.clone(), 0.5), 1.0, 1e-15));
        assert!(close(f(tri, 0.125), 0.5, 1e-15));
        // Whole numbers 1..=4: quarters of the unit interval.
        let int = Marginal::Integer { lo: 1, hi: 4 };
        let got: Vec<Value> = [0.0, 0.24, 0.25, 0.74, 0.99, 1.0]
            .iter()
            .map(|&u| int.at(u))
            .collect();
        assert_eq!(
            got,
            [1, 1, 2, 3, 4, 4].map(Value::Int).to_vec(),
            "integer quarters"
        );
        // Log integers 1..=3: 1 below ln2/ln4 = ½, 2 below ln3/ln4, 3 above.
        let log = Marginal::LogInteger { lo: 1, hi: 3 };
        assert_eq!(log.at(0.49), Value::Int(1));
        assert_eq!(log.at(0.51), Value::Int(2));
        assert_eq!(log.at(0.80), Value::Int(3));
        assert_eq!(Marginal::Choice(3).at(0.5), Value::Index(1));
        assert_eq!(Marginal::Choice(3).at(1.0), Value::Index(2));
    }

    #[test]
    fn grid_levels_by_hand() {
        let r = Marginal::Uniform { lo: 0.0, hi: 1.0 };
        let levels: Vec<Value> = (0..5).map(|i| r.at_level(i, 5)).collect();
        assert_eq!(
            levels,
            [0.0, 0.25, 0.5, 0.75, 1.0].map(Value::Float).to_vec()
        );
        assert_eq!(r.at_level(0, 1), Value::Float(0.5));
        let log = Marginal::LogUniform { lo: 1.0, hi: 100.0 };
        assert!(matches!(log.at_level(1, 3), Value::Float(x) if close(x, 10.0, 1e-14)));
        assert_eq!(
            Marginal::Integer { lo: 0, hi: 10 }.at_level(1, 3),
            Value::Int(5)
        );
        // Distributions: quantiles at stratum midpoints; 2 levels of N(0,1) at ±Φ⁻¹(¾).
        let n = Marginal::Normal { mean: 0.0, sd: 1.0 };
        assert!(
            matches!(n.at_level(1, 2), Value::Float(x) if close(x, 0.674_489_750_196_081_7, 1e-13))
        );
    }

    #[test]
    fn impossible_marginals_are_refused() {
        for m in [
            Marginal::Choice(0),
            Marginal::Uniform { lo: 2.0, hi: 1.0 },
            Marginal::LogUniform { lo: 0.0, hi: 1.0 },
            Marginal::Integer { lo: 3, hi: 1 },
            Marginal::LogInteger { lo: 0, hi: 5 },
            Marginal::Normal { mean: 0.0, sd: 0.0 },
            Marginal::TruncatedNormal {
                mean: 0.0,
                sd: 1.0,
                lo: 40.0,
                hi: 41.0,
            },
            Marginal::Triangular {
                lo: 0.0,
                mode: 3.0,
                hi: 2.0,
            },
        ] {
            assert!(m.check().is_err(), "{m:?}");
        }
    }
}
