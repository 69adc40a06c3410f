//! Measures read off a finished [`Audit`] (no new counts): the largest sanction-rate
//! ratio between categories, and an estimate's difference from another run's, tested
//! against their sampling errors. Writers format these; they compute nothing.

use super::{Audit, CategoryImpact, Estimate};

/// One estimate's difference from a reference estimate (another run's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    /// This value − the reference value.
    pub value: f64,
    /// Beyond sampling error: |Δ| > q · se(Δ); a zero difference never is. Paired:
    /// se(Δ) from the jackknife replicates of Δ, q = t₀.₉₇₅(k − 1). Independent:
    /// se(Δ) = √(se² + se_ref²) (a missing standard error counting as 0), q = 1.96.
    pub significant: bool,
    /// The standard error of the difference (null when neither run has one).
    pub se: Option<f64>,
    /// From paired replicates (runs sharing seed, persons and groups: common random
    /// numbers), or treating the runs as independent.
    pub paired: bool,
}

impl Difference {
    /// The difference of two counts, which have no sampling error: never significant.
    pub fn between_counts(count: u64, reference: u64) -> Difference {
        Difference {
            value: count as f64 - reference as f64,
            significant: false,
            se: None,
            paired: false,
        }
    }
}

impl Estimate {
    /// The same estimate in other units (× 100 for a percentage).
    pub fn scaled(&self, k: f64) -> Estimate {
        Estimate {
            value: self.value.map(|v| v * k),
            se: self.se.map(|v| v * k),
            ci_low: self.ci_low.map(|v| v * k),
            ci_high: self.ci_high.map(|v| v * k),
            replicates: self.replicates.iter().map(|v| v * k).collect(),
        }
    }

    /// This estimate's difference from `reference` treating the two runs as independent
    /// (null when either value is).
    pub fn difference_from(&self, reference: &Estimate) -> Option<Difference> {
        let d = self.value? - reference.value?;
        let se = (self.se.unwrap_or(0.0).powi(2) + reference.se.unwrap_or(0.0).powi(2)).sqrt();
        Some(Difference {
            value: d,
            significant: d.abs() > 1.96 * se && d != 0.0,
            se: (self.se.is_some() || reference.se.is_some()).then_some(se),
            paired: false,
        })
    }

    /// The paired difference from `reference`, an estimate of another run of the same
    /// seed and persons (so the same jackknife groups, and the same random numbers in
    /// each): Δ = θᴮ − θᴬ with the jackknife standard error of the replicates
    /// θᴮ₍g₎ − θᴬ₍g₎, tested at t₀.₉₇₅(k − 1) (never marked below 5 groups, where a
    /// single run gets no interval either). Null when either value is, or when the
    /// replicates are missing or of different numbers of groups.
    pub fn paired_difference_from(&self, reference: &Estimate) -> Option<Difference> {
        let d = self.value? - reference.value?;
        let (a, b) = (&reference.replicates, &self.replicates);
        if a.len() != b.len() || a.len() < 2 {
            return None;
        }
        let reps: Vec<f64> = b.iter().zip(a).map(|(y, x)| y - x).collect();
        let se = super::stats::jackknife_se(&reps)?;
        // Below 5 groups a single run gets no interval, and a difference no test.
        let q = super::stats::interval_quantile(reps.len());
        Some(Difference {
            value: d,
            significant: q.is_some_and(|q| d.abs() > q * se) && d != 0.0,
            se: Some(se),
            paired: true,
        })
    }

    /// Whether this estimate differs from `other` beyond sampling error (see
    /// [`Difference::significant`]; null when either value is).
    pub fn differs_from(&self, other: &Estimate) -> Option<bool> {
        self.difference_from(other).map(|d| d.significant)
    }
}

impl Audit {
    /// The category with the largest sanction-rate ratio (measure 3), with its
    /// attribute; an undefined ratio counts as 0, and of equal ratios the first wins,
    /// attributes taken in the order of their names and categories in their order;
    /// none when no ratio is above 0.
    pub fn largest_sanction_ratio(&self) -> Option<(&str, &CategoryImpact)> {
        let mut attributes: Vec<_> = self.disparate_impact.iter().collect();
        attributes.sort_by(|a, b| a.0.cmp(b.0));
        let mut worst: Option<(f64, &str, &CategoryImpact)> = None;
        for (attr, rows) in attributes {
            for r in rows {
                let x = r.ratio_sanctioned.value.unwrap_or(0.0);
                if worst.is_none_or(|w| x > w.0) {
                    worst = Some((x, attr, r));
                }
            }
        }
        worst.filter(|w| w.0 > 0.0).map(|(_, a, r)| (a, r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(value: Option<f64>, se: Option<f64>) -> Estimate {
        Estimate::new(value, se)
    }

    #[test]
    fn differences_against_sampling_error() {
        let d = e(Some(3.0), Some(1.0)).difference_from(&e(Some(0.0), Some(1.0)));
        // 3 > 1.96 · √2 ≈ 2.77.
        assert_eq!(
            d,
            Some(Difference {
                value: 3.0,
                significant: true,
                se: Some(2f64.sqrt()),
                paired: false,
            })
        );
        assert_eq!(
            e(Some(2.0), Some(1.0)).differs_from(&e(Some(0.0), Some(1.0))),
            Some(false)
        );
        // Without standard errors any nonzero difference is beyond sampling error; none is.
        assert_eq!(
            e(Some(1.0), None).differs_from(&e(Some(0.5), None)),
            Some(true)
        );
        assert_eq!(
            e(Some(1.0), None).differs_from(&e(Some(1.0), None)),
            Some(false)
        );
        assert_eq!(e(None, None).differs_from(&e(Some(1.0), None)), None);
        assert!(!Difference::between_counts(5, 3).significant);
    }

    #[test]
    fn paired_differences_by_hand() {
        // B = A + 0.5 + a little noise per group: the replicates move together, so the
        // paired standard error is far below the combined one.
        let a = Estimate::jackknife(Some(10.0), Some(vec![9.0, 11.0, 10.0, 8.0, 12.0]));
        let b = Estimate::jackknife(Some(10.5), Some(vec![9.5, 11.6, 10.5, 8.4, 12.5]));
        let p = b.paired_difference_from(&a).expect("pairs");
        let i = b.difference_from(&a).expect("defined");
        assert!(p.paired && !i.paired);
        // Δ₍g₎ = 0.5, 0.6, 0.5, 0.4, 0.5: mean 0.5, Σ(Δ − 0.5)² = 0.02, se = √(4/5 · 0.02).
        let se = (0.8f64 * 0.02).sqrt();
        assert!((p.se.expect("se") - se).abs() < 1e-12);
        assert!(p.significant, "0.5 > 2.776 · {se}");
        assert!(!i.significant, "combined se {:?}", i.se);
        // Replicates of different lengths (other groups) or missing do not pair.
        let c = Estimate::jackknife(Some(10.5), Some(vec![9.5, 11.6, 10.5, 8.4]));
        assert_eq!(c.paired_difference_from(&a), None);
        assert_eq!(e(Some(1.0), Some(0.1)).paired_difference_from(&a), None);
    }
}
