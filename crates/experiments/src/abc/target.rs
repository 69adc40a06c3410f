//! Targets and their observation-error model: what each published figure says about the
//! simulated value, as a likelihood relative to its maximum.
//!
//! A point target `y ± σ` says `y = s + e`, `e ~ Normal(0, σ²)`: relative likelihood
//! `exp(−z²/2)`, `z = (s − y)/σ`. A lower-bound target `> y` says that the true value,
//! observed with the same error, exceeds `y`: likelihood `Φ((s − y)/σ)`, which is 1 far
//! above the bound, ½ on it and falls like a normal tail below. The *deviance* of a
//! target is −2 ln of its relative likelihood (z² for a point target); the *distance* of
//! a simulation is the square root of the sum of its targets' deviances: the Euclidean
//! norm of the standardised residuals when every target is a point.

use super::prior::ln_phi;

/// What a figure says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The value, observed with error.
    Point,
    /// A lower bound (">"): the value is above it.
    Lower,
}

/// How uncertain a figure is: the standard deviation is the largest of the absolute SD,
/// the relative SD times |observed|, and the rounding floor `unit/√12` (the SD of a
/// uniform rounding error: "≈13 M" rounded to 1 M has SD 0.29 M).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ObservationError {
    /// Absolute SD, in the target's units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd: Option<f64>,
    /// SD as a fraction of the observed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative: Option<f64>,
    /// The unit the figure is rounded to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounding: Option<f64>,
}

impl ObservationError {
    /// The SD for an observed value, or why there is none.
    pub fn sd_for(&self, observed: f64) -> Result<f64, String> {
        for (v, what) in [
            (self.sd, "sd"),
            (self.relative, "sd_relative"),
            (self.rounding, "rounding"),
        ] {
            if let Some(x) = v
                && !(x.is_finite() && x >= 0.0)
            {
                return Err(format!("{what} must be a finite number ≥ 0 (it is {x})"));
            }
        }
        let sd = self
            .sd
            .unwrap_or(0.0)
            .max(self.relative.unwrap_or(0.0) * observed.abs())
            .max(self.rounding.unwrap_or(0.0) / 12f64.sqrt());
        if sd > 0.0 {
            Ok(sd)
        } else {
            Err("the observation error is 0: give sd, sd_relative or rounding (above 0)".into())
        }
    }
}

/// One target as the sampler sees it.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Target {
    /// The published figure.
    pub observed: f64,
    /// Its observation-error SD (> 0).
    pub sd: f64,
    /// Point or lower bound.
    pub kind: Kind,
}

impl Target {
    /// A target, its SD from the error model.
    pub fn new(observed: f64, kind: Kind, error: &ObservationError) -> Result<Target, String> {
        if !observed.is_finite() {
            return Err(format!(
                "the observed value must be finite (it is {observed})"
            ));
        }
        Ok(Target {
            observed,
            sd: error.sd_for(observed)?,
            kind,
        })
    }

    /// The standardised residual `(s − y)/σ`; for a lower bound, 0 when the bound holds.
    pub fn residual(&self, simulated: f64) -> f64 {
        let z = (simulated - self.observed) / self.sd;
        match self.kind {
            Kind::Point => z,
            Kind::Lower => z.min(0.0),
        }
    }

    /// −2 ln(relative likelihood) of a simulated value (+∞ for a value that is not finite).
    pub fn deviance(&self, simulated: f64) -> f64 {
        if !simulated.is_finite() {
            return f64::INFINITY;
        }
        let z = (simulated - self.observed) / self.sd;
        match self.kind {
            Kind::Point => z * z,
            Kind::Lower => -2.0 * ln_phi(z),
        }
    }
}

/// The distance of a simulation from the targets: √(Σ deviances).
pub fn distance(targets: &[Target], simulated: &[f64]) -> f64 {
    targets
        .iter()
        .zip(simulated)
        .map(|(t, &s)| t.deviance(s))
        .sum::<f64>()
        .sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_model_and_deviance() {
        let e = ObservationError {
            sd: Some(1.0),
            relative: Some(0.05),
            rounding: Some(1_000_000.0),
        };
        // 13 M: 5% is 650,000, rounding to 1 M gives 288,675: the relative SD wins.
        assert_eq!(e.sd_for(13e6), Ok(650_000.0));
        let r = ObservationError {
            rounding: Some(1e6),
            ..Default::default()
        };
        assert!((r.sd_for(13e6).unwrap_or(0.0) - 1e6 / 12f64.sqrt()).abs() < 1e-6);
        assert!(ObservationError::default().sd_for(1.0).is_err());
        let p = Target {
            observed: 10.0,
            sd: 2.0,
            kind: Kind::Point,
        };
        assert_eq!(p.deviance(14.0), 4.0);
        assert_eq!(p.residual(14.0), 2.0);
        let l = Target {
            kind: Kind::Lower,
            ..p
        };
        // On the bound the likelihood is ½; far above it 1; below like a normal tail.
        assert!((l.deviance(10.0) - 2.0 * std::f64::consts::LN_2).abs() < 1e-6);
        assert!(l.deviance(40.0) < 1e-9);
        assert_eq!(l.residual(40.0), 0.0);
        assert_eq!(l.residual(6.0), -2.0);
        assert!(l.deviance(-1000.0).is_finite() && l.deviance(-1000.0) > 2.0e5);
        assert_eq!(distance(&[p, p], &[14.0, 14.0]), 8f64.sqrt());
    }
}
