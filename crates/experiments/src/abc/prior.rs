//! Priors of ABC-SMC: uniform, log-uniform and (truncated) normal, each with its support,
//! its density and its draws, in the *internal* coordinate the sampler perturbs in
//! (the logarithm for a log-uniform prior, the value itself otherwise).

use crate::normal::{cdf, ln_cdf, quantile};
use crate::rng::Rng;

/// The prior of one parameter.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "distribution", rename_all = "kebab-case")]
pub enum Prior {
    /// Uniform on [min, max].
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Uniform in the logarithm on [min, max] (0 < min < max): each factor of ten
    /// equally likely.
    LogUniform {
        /// Lower bound (> 0).
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Normal(mean, sd²), truncated to [min, max] when bounds are given.
    Normal {
        /// Mean before truncation.
        mean: f64,
        /// Standard deviation before truncation (> 0).
        sd: f64,
        /// Lower bound (none: unbounded).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Upper bound (none: unbounded).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
}

impl Prior {
    /// Why the prior cannot be used, if it cannot.
    pub fn check(&self) -> Result<(), String> {
        let finite = |x: f64, what: &str| {
            if x.is_finite() {
                Ok(())
            } else {
                Err(format!("{what} must be a finite number"))
            }
        };
        match *self {
            Prior::Uniform { min, max } => {
                finite(min, "min")?;
                finite(max, "max")?;
                if min >= max {
                    return Err(format!("min ({min}) must be below max ({max})"));
                }
            }
            Prior::LogUniform { min, max } => {
                finite(min, "min")?;
                finite(max, "max")?;
                if min <= 0.0 {
                    return Err(format!(
                        "a log-uniform prior needs min > 0 (it is {min}); use a uniform prior to include 0"
                    ));
                }
                if min >= max {
                    return Err(format!("min ({min}) must be below max ({max})"));
                }
            }
            Prior::Normal { mean, sd, min, max } => {
                finite(mean, "mean")?;
                finite(sd, "sd")?;
                if sd <= 0.0 {
                    return Err(format!("sd must be above 0 (it is {sd})"));
                }
                if let Some(a) = min {
                    finite(a, "min")?;
                }
                if let Some(b) = max {
                    finite(b, "max")?;
                }
                if let (Some(a), Some(b)) = (min, max)
                    && a >= b
                {
                    return Err(format!("min ({a}) must be below max ({b})"));
                }
                let (lo, hi) = self.internal_cdf_range();
                if hi - lo < 1e-12 {
                    return Err(format!(
                        "the truncation [{}, {}] keeps almost none of Normal({mean}, {sd}²)",
                        min.map_or("-inf".into(), |a| a.to_string()),
                        max.map_or("inf".into(), |b| b.to_string())
                    ));
                }
            }
        }
        Ok(())
    }

    /// The value's bounds (infinite when unbounded).
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Prior::Uniform { min, max } | Prior::LogUniform { min, max } => (min, max),
            Prior::Normal { min, max, .. } => (
                min.unwrap_or(f64::NEG_INFINITY),
                max.unwrap_or(f64::INFINITY),
            ),
        }
    }

    /// The internal coordinate of a value.
    pub fn to_internal(&self, x: f64) -> f64 {
        match self {
            Prior::LogUniform { .. } => x.ln(),
            _ => x,
        }
    }

    /// The value of an internal coordinate.
    pub fn from_internal(&self, u: f64) -> f64 {
        match self {
            Prior::LogUniform { .. } => u.exp(),
            _ => u,
        }
    }

    /// Log density of the internal coordinate (−∞ outside the support).
    pub fn ln_density(&self, u: f64) -> f64 {
        match *self {
            Prior::Uniform { min, max } => {
                if (min..=max).contains(&u) {
                    -(max - min).ln()
                } else {
                    f64::NEG_INFINITY
                }
            }
            Prior::LogUniform { min, max } => {
                let (a, b) = (min.ln(), max.ln());
                if (a..=b).contains(&u) {
                    -(b - a).ln()
                } else {
                    f64::NEG_INFINITY
                }
            }
            Prior::Normal { mean, sd, .. } => {
                let (lo, hi) = self.bounds();
                if !(lo..=hi).contains(&u) {
                    return f64::NEG_INFINITY;
                }
                let (clo, chi) = self.internal_cdf_range();
                let z = (u - mean) / sd;
                -0.5 * z * z - sd.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln() - (chi - clo).ln()
            }
        }
    }

    /// A draw of the internal coordinate.
    pub(super) fn draw(&self, s: &mut Rng) -> f64 {
        let v = s.open01();
        match *self {
            Prior::Uniform { min, max } => (min + v * (max - min)).clamp(min, max),
            Prior::LogUniform { min, max } => {
                let (a, b) = (min.ln(), max.ln());
                (a + v * (b - a)).clamp(a, b)
            }
            Prior::Normal { mean, sd, .. } => {
                // Inverse-CDF draw on the truncated range: exact, and no rejection loop.
                let (clo, chi) = self.internal_cdf_range();
                let (lo, hi) = self.bounds();
                (mean + sd * quantile(clo + v * (chi - clo))).clamp(lo, hi)
            }
        }
    }

    /// Φ at the (standardised) bounds of a normal prior; (0, 1) for the others.
    fn internal_cdf_range(&self) -> (f64, f64) {
        match *self {
            Prior::Normal { mean, sd, min, max } => (
                min.map_or(0.0, |a| cdf((a - mean) / sd)),
                max.map_or(1.0, |b| cdf((b - mean) / sd)),
            ),
            _ => (0.0, 1.0),
        }
    }

    /// A short description, e.g. `log-uniform [0.0005, 0.01]`.
    pub fn describe(&self) -> String {
        match *self {
            Prior::Uniform { min, max } => format!("uniform [{min}, {max}]"),
            Prior::LogUniform { min, max } => format!("log-uniform [{min}, {max}]"),
            Prior::Normal { mean, sd, min, max } => {
                let mut s = format!("normal(mean {mean}, sd {sd})");
                if min.is_some() || max.is_some() {
                    s += &format!(
                        " truncated to [{}, {}]",
                        min.map_or("-inf".into(), |a| a.to_string()),
                        max.map_or("inf".into(), |b| b.to_string())
                    );
                }
                s
            }
        }
    }
}

/// `ln Φ(x)`, re-exported for the one-sided targets.
pub(super) fn ln_phi(x: f64) -> f64 {
    ln_cdf(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn densities_integrate_to_one() {
        let priors = [
            Prior::Uniform {
                min: -1.0,
                max: 3.0,
            },
            Prior::LogUniform {
                min: 0.01,
                max: 10.0,
            },
            Prior::Normal {
                mean: 1.0,
                sd: 2.0,
                min: Some(0.0),
                max: Some(4.0),
            },
            Prior::Normal {
                mean: 0.0,
                sd: 1.0,
                min: None,
                max: None,
            },
        ];
        for p in priors {
            let (lo, hi) = match p {
                Prior::LogUniform { min, max } => (min.ln(), max.ln()),
                Prior::Normal { min: None, .. } => (-12.0, 12.0),
                _ => p.bounds(),
            };
            let n = 200_000;
            let h = (hi - lo) / n as f64;
            let total: f64 = (0..n)
                .map(|i| p.ln_density(lo + (i as f64 + 0.5) * h).exp() * h)
                .sum();
            assert!((total - 1.0).abs() < 1e-6, "{p:?}: {total}");
            if p.bounds().1.is_finite() {
                assert_eq!(p.ln_density(hi + 1.0), f64::NEG_INFINITY);
            }
        }
    }

    #[test]
    fn bad_priors_are_refused() {
        for p in [
            Prior::Uniform { min: 1.0, max: 1.0 },
            Prior::LogUniform { min: 0.0, max: 1.0 },
            Prior::Normal {
                mean: 0.0,
                sd: 0.0,
                min: None,
                max: None,
            },
            Prior::Normal {
                mean: 0.0,
                sd: 1.0,
                min: Some(50.0),
                max: Some(60.0),
            },
            Prior::Uniform {
                min: f64::NAN,
                max: 1.0,
            },
        ] {
            assert!(p.check().is_err(), "{p:?}");
        }
    }
}
