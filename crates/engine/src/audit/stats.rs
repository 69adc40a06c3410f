//! Statistics behind the measures: estimates with intervals, ratios, Kaplan–Meier
//! quantiles of censored stays, the Gini coefficient and top shares of a histogram.

use serde::{Deserialize, Serialize};

/// A value with its standard error and 95% confidence interval (normal approximation).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Estimate {
    /// Point estimate (null when undefined, e.g. a share of zero events).
    pub value: Option<f64>,
    /// Jackknife standard error.
    pub se: Option<f64>,
    /// value − 1.96 se.
    pub ci_low: Option<f64>,
    /// value + 1.96 se.
    pub ci_high: Option<f64>,
}

impl Estimate {
    pub(super) fn new(value: Option<f64>, se: Option<f64>) -> Estimate {
        let value = value.filter(|v| v.is_finite());
        let se = se.filter(|v| v.is_finite());
        let (ci_low, ci_high) = match (value, se) {
            (Some(v), Some(s)) => (Some(v - 1.96 * s), Some(v + 1.96 * s)),
            _ => (None, None),
        };
        Estimate {
            value,
            se,
            ci_low,
            ci_high,
        }
    }
}

impl Estimate {
    /// A positive ratio from the estimate of its logarithm: the value e^l, the
    /// delta-method standard error e^l · se, and the interval from exponentiating the
    /// log-scale bounds (asymmetric, inside (0, ∞)).
    pub(super) fn from_log(log: Estimate) -> Estimate {
        let value = log.value.map(f64::exp);
        Estimate {
            value,
            se: value.zip(log.se).map(|(v, s)| v * s),
            ci_low: log.ci_low.map(f64::exp),
            ci_high: log.ci_high.map(f64::exp),
        }
    }
}

pub(super) fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

pub(super) fn km_quantile(stays: &[(u32, bool)], q: f64) -> Option<f64> {
    // Kaplan–Meier: S(t) = Π over exit times ≤ t of (1 − exits/at risk).
    let mut v: Vec<(u32, bool)> = stays.to_vec();
    v.sort_unstable();
    let mut at_risk = v.len() as f64;
    let mut s = 1.0;
    let mut i = 0;
    while i < v.len() {
        let t = v[i].0;
        let (mut exits, mut all) = (0.0, 0.0);
        while i < v.len() && v[i].0 == t {
            if !v[i].1 {
                exits += 1.0;
            }
            all += 1.0;
            i += 1;
        }
        if exits > 0.0 {
            s *= 1.0 - exits / at_risk;
            if s <= 1.0 - q {
                return Some(t as f64);
            }
        }
        at_risk -= all;
    }
    None
}

/// (days, persons) for every non-empty bin of a sanction-days histogram, ascending.
pub(super) fn bins(h: &[u64]) -> impl DoubleEndedIterator<Item = (f64, u64)> + '_ {
    h.iter()
        .enumerate()
        .skip(1)
        .filter(|&(_, &n)| n > 0)
        .map(|(d, &n)| (d as f64, n))
}

pub(super) fn gini(h: &[u64], persons: u64) -> Option<f64> {
    // Persons without sanction-days are the mass at 0, ranked first.
    let total: f64 = bins(h).map(|(d, n)| d * n as f64).sum();
    if total <= 0.0 || persons == 0 {
        return None;
    }
    let n = persons as f64;
    let with_days: u64 = bins(h).map(|(_, c)| c).sum();
    let mut rank = (persons - with_days) as f64;
    let mut acc = 0.0;
    for (d, c) in bins(h) {
        // Σ over ranks rank+1..rank+c of rank × d.
        let c = c as f64;
        acc += d * (c * rank + c * (c + 1.0) / 2.0);
        rank += c;
    }
    Some(2.0 * acc / (n * total) - (n + 1.0) / n)
}

pub(super) fn top_share(h: &[u64], persons: u64, top: f64) -> Option<f64> {
    let total: f64 = bins(h).map(|(d, n)| d * n as f64).sum();
    if total <= 0.0 {
        return None;
    }
    let mut left = (persons as f64 * top).ceil();
    let mut acc = 0.0;
    for (d, c) in bins(h).rev() {
        let take = (c as f64).min(left);
        acc += take * d;
        left -= take;
        if left <= 0.0 {
            break;
        }
    }
    Some(acc / total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gini_and_top_share_by_hand() {
        // 4 persons: 0, 0, 10, 30 days. Mean 10; Σ|xi − xj| over ordered pairs = 2·(10+30+10+30+20) = 200;
        // Gini = 200 / (2 · 16 · 10) = 0.625.
        let mut h = vec![0u64; 31];
        h[10] = 1;
        h[30] = 1;
        let g = gini(&h, 4).expect("defined");
        assert!((g - 0.625).abs() < 1e-12, "{g}");
        // Top 1% of 4 persons = 1 person (rounded up): 30 of 40 days.
        assert_eq!(top_share(&h, 4, 0.01), Some(0.75));
        // Equal days: Gini 0.
        let mut h = vec![0u64; 6];
        h[5] = 3;
        assert!(gini(&h, 3).expect("defined").abs() < 1e-12);
    }

    #[test]
    fn log_scale_intervals_by_hand() {
        // ln 2 ± 1.96 · 0.1: the interval is 2 · e^(±0.196), the se 2 · 0.1.
        let e = Estimate::from_log(Estimate::new(Some(2f64.ln()), Some(0.1)));
        let close = |a: Option<f64>, b: f64| (a.expect("defined") - b).abs() < 1e-12;
        assert!(close(e.value, 2.0));
        assert!(close(e.se, 0.2));
        assert!(close(e.ci_low, 2.0 * (-0.196f64).exp()));
        assert!(close(e.ci_high, 2.0 * 0.196f64.exp()));
        assert_eq!(Estimate::from_log(Estimate::new(None, None)).value, None);
    }

    #[test]
    fn kaplan_meier_by_hand() {
        // Exits at 10, 20, 30; one censored at 15. S: after 10: 3/4; at 20 (2 at risk): 3/8.
        let stays = [(10, false), (15, true), (20, false), (30, false)];
        assert_eq!(km_quantile(&stays, 0.5), Some(20.0));
        assert_eq!(km_quantile(&stays, 0.25), Some(10.0));
        // Nobody leaves: undefined.
        assert_eq!(km_quantile(&[(5, true)], 0.5), None);
    }
}
