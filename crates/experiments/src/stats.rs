//! The small statistics the analyses share: an estimate with its bootstrap interval,
//! the z of SALib-style intervals, the errors of an analysis.

use serde::{Deserialize, Serialize};

/// An index with its bootstrap confidence interval, as SALib reports it: the half-width
/// `conf` = z · (standard deviation of the bootstrap replicates, ddof 1), with z the
/// normal quantile of the confidence level, and the interval `value ± conf`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The point estimate from all the runs.
    pub value: f64,
    /// The interval's half-width (SALib's `*_conf`).
    pub conf: f64,
    /// `value − conf`.
    pub low: f64,
    /// `value + conf`.
    pub high: f64,
}

impl Estimate {
    /// An estimate from its value and the bootstrap replicates of it, at the normal
    /// quantile `z`.
    pub fn from_replicates(value: f64, replicates: &[f64], z: f64) -> Self {
        let conf = z * sd(replicates);
        Estimate {
            value,
            conf,
            low: value - conf,
            high: value + conf,
        }
    }

    /// Whether the interval contains `x`.
    pub fn covers(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }
}

/// Why an analysis cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    /// The outputs do not match the design's size.
    #[error("{what}: expected {expected} outputs for this design, got {got}")]
    Length {
        what: &'static str,
        expected: usize,
        got: usize,
    },
    /// An output is not a finite number.
    #[error("output of row {row} is {value}, not a finite number")]
    NonFinite { row: usize, value: f64 },
    /// Every output is the same: there is no variance to apportion.
    #[error("the output is constant ({value}) over the design: no variance to apportion")]
    Constant { value: f64 },
    /// A setting is out of range.
    #[error("{0}")]
    Setting(String),
    /// The design's rows are not what the analysis expects.
    #[error("{0}")]
    Design(String),
}

/// Checks a confidence level and returns its two-sided normal quantile z.
pub fn z_of(confidence: f64) -> Result<f64, AnalysisError> {
    if confidence > 0.0 && confidence < 1.0 {
        Ok(crate::normal::quantile(0.5 + confidence / 2.0))
    } else {
        Err(AnalysisError::Setting(format!(
            "confidence level {confidence}: allowed are numbers strictly between 0 and 1"
        )))
    }
}

/// Checks that every output is finite and that they are not all equal.
pub fn check_outputs(y: &[f64]) -> Result<(), AnalysisError> {
    if let Some((row, &value)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(AnalysisError::NonFinite { row, value });
    }
    match y.first() {
        Some(&first) if y.iter().all(|&v| v == first) => {
            Err(AnalysisError::Constant { value: first })
        }
        _ => Ok(()),
    }
}

/// The arithmetic mean (0 for no values).
pub fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        0.0
    } else {
        x.iter().sum::<f64>() / x.len() as f64
    }
}

/// The sample standard deviation (ddof 1; 0 for fewer than two values).
pub fn sd(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let m = mean(x);
    (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z_of_checks_the_level() {
        // scipy.stats.norm.ppf(0.975), 0.995.
        assert!((z_of(0.95).unwrap() - 1.959_963_984_540_054).abs() < 1e-14);
        assert!((z_of(0.99).unwrap() - 2.575_829_303_548_900_4).abs() < 1e-14);
        assert!(z_of(1.0).is_err() && z_of(0.0).is_err() && z_of(f64::NAN).is_err());
    }

    #[test]
    fn outputs_are_checked() {
        assert_eq!(
            check_outputs(&[1.0, 1.0]),
            Err(AnalysisError::Constant { value: 1.0 })
        );
        assert!(matches!(
            check_outputs(&[1.0, f64::NAN]),
            Err(AnalysisError::NonFinite { row: 1, .. })
        ));
        assert_eq!(check_outputs(&[1.0, 2.0]), Ok(()));
    }

    #[test]
    fn estimates_from_replicates() {
        // sd of [1, 2, 3] is 1; z = 2 gives ± 2.
        let e = Estimate::from_replicates(0.5, &[1.0, 2.0, 3.0], 2.0);
        assert_eq!((e.conf, e.low, e.high), (2.0, -1.5, 2.5));
        assert!(e.covers(0.0) && !e.covers(2.6));
    }
}
