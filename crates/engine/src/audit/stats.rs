//! Statistics behind the measures: estimates with intervals, ratios, Kaplan–Meier
//! quantiles of censored stays, the Gini coefficient and top shares of a histogram.

use serde::{Deserialize, Serialize};

/// Fewer jackknife groups than this: no interval (the standard error is still given).
pub const MIN_GROUPS_FOR_INTERVAL: usize = 5;
/// Fewer jackknife groups than this: the audit warns that intervals are wide and rough.
pub const FEW_GROUPS: usize = 10;

/// A value with its standard error, its 95% confidence interval (value ± t(k−1) se for k
/// jackknife groups; none below [`MIN_GROUPS_FOR_INTERVAL`] groups) and the jackknife
/// replicates it came from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Estimate {
    /// Point estimate (null when undefined, e.g. a share of zero events).
    pub value: Option<f64>,
    /// Jackknife standard error.
    pub se: Option<f64>,
    /// value − t(k−1) se (null below 5 groups).
    pub ci_low: Option<f64>,
    /// value + t(k−1) se.
    pub ci_high: Option<f64>,
    /// θ₍g₎: the statistic with group g left out, one per non-empty group in group order
    /// (empty when the value or a replicate is undefined). Two runs of the same seed and
    /// persons have the same groups, so their replicates pair (`credsim compare`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replicates: Vec<f64>,
}

impl Estimate {
    /// A value with a standard error not from a jackknife (normal interval, ± 1.96 se).
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
            replicates: Vec::new(),
        }
    }

    /// A value with its delete-a-group jackknife replicates θ₍g₎ (k of them):
    /// se = √((k−1)/k · Σ (θ₍g₎ − θ̄)²), interval value ± t₀.₉₇₅(k−1) se when
    /// k ≥ [`MIN_GROUPS_FOR_INTERVAL`].
    pub(crate) fn jackknife(value: Option<f64>, replicates: Option<Vec<f64>>) -> Estimate {
        let value = value.filter(|v| v.is_finite());
        let reps = replicates
            .filter(|r| r.len() >= 2 && value.is_some() && r.iter().all(|x| x.is_finite()))
            .unwrap_or_default();
        let se = jackknife_se(&reps);
        let half = se.and_then(|s| interval_quantile(reps.len()).map(|t| t * s));
        Estimate {
            value,
            se,
            ci_low: value.zip(half).map(|(v, h)| v - h),
            ci_high: value.zip(half).map(|(v, h)| v + h),
            replicates: reps,
        }
    }
}

/// The delete-a-group jackknife standard error of k ≥ 2 replicates.
pub(super) fn jackknife_se(reps: &[f64]) -> Option<f64> {
    (reps.len() >= 2).then(|| {
        let k = reps.len() as f64;
        let mean = reps.iter().sum::<f64>() / k;
        ((k - 1.0) / k * reps.iter().map(|x| (x - mean).powi(2)).sum::<f64>()).sqrt()
    })
}

/// The multiplier of the standard error for a 95% interval from k jackknife groups:
/// t₀.₉₇₅(k−1); none below [`MIN_GROUPS_FOR_INTERVAL`] groups.
pub fn interval_quantile(groups: usize) -> Option<f64> {
    (groups >= MIN_GROUPS_FOR_INTERVAL).then(|| t975(groups as f64 - 1.0))
}

/// t₀.₉₇₅(ν), the 97.5% quantile of Student's t with ν ≥ 1 degrees of freedom: exact
/// values (to 9 decimals) for ν = 1..30, the Cornish–Fisher expansion beyond (error
/// under 1e-6 there), the normal 1.959964 as ν → ∞.
pub fn t975(nu: f64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706204736,
        4.302652730,
        3.182446305,
        2.776445105,
        2.570581836,
        2.446911851,
        2.364624252,
        2.306004135,
        2.262157163,
        2.228138852,
        2.200985160,
        2.178812830,
        2.160368656,
        2.144786688,
        2.131449546,
        2.119905299,
        2.109815578,
        2.100922040,
        2.093024054,
        2.085963447,
        2.079613845,
        2.073873068,
        2.068657610,
        2.063898562,
        2.059538553,
        2.055529439,
        2.051830516,
        2.048407142,
        2.045229642,
        2.042272456,
    ];
    if nu < 1.0 {
        return f64::INFINITY;
    }
    if nu <= 30.0 && nu.fract() == 0.0 {
        return TABLE[nu as usize - 1];
    }
    let z: f64 = 1.959_963_984_540_054;
    let (z3, z5, z7, z9) = (z.powi(3), z.powi(5), z.powi(7), z.powi(9));
    z + (z3 + z) / (4.0 * nu)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * nu.powi(2))
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * nu.powi(3))
        + (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / (92160.0 * nu.powi(4))
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
            replicates: log.replicates.iter().map(|x| x.exp()).collect(),
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

/// Waits from filing to decision for Kaplan–Meier: (days, censored), a decided appeal
/// exiting after its wait, an appeal filed but not decided by the horizon censored at
/// horizon − filing day. `decisions` holds (filing day, wait) and is a sub-multiset of
/// the filings by filing day.
pub(super) fn censored_waits(
    filings: &[u32],
    decisions: &[(u32, u32)],
    horizon: u32,
) -> Vec<(u32, bool)> {
    let mut filed = filings.to_vec();
    filed.sort_unstable();
    let mut decided: Vec<u32> = decisions.iter().map(|d| d.0).collect();
    decided.sort_unstable();
    let mut out: Vec<(u32, bool)> = decisions.iter().map(|d| (d.1, false)).collect();
    let mut j = 0;
    for f in filed {
        if j < decided.len() && decided[j] == f {
            j += 1;
        } else {
            out.push((horizon.saturating_sub(f), true));
        }
    }
    out
}

/// Of the records that arrived more than `t` days before the horizon (so that a removal
/// within `t` days would be seen), the share removed within `t` days of arrival.
/// `removals` holds (arrival day, days to removal).
pub(super) fn removed_within(
    arrivals: &[u32],
    removals: &[(u32, u32)],
    horizon: u32,
    t: u32,
) -> Option<f64> {
    let followed = |a: u32| a.saturating_add(t) < horizon;
    let n = arrivals.iter().filter(|&&a| followed(a)).count() as u64;
    let k = removals
        .iter()
        .filter(|&&(a, w)| followed(a) && w <= t)
        .count() as u64;
    ratio(k, n)
}

/// (days, persons) for every non-empty bin of a sanction-days histogram, ascending.
pub(super) fn bins(h: &[u64]) -> impl DoubleEndedIterator<Item = (f64, u64)> + '_ {
    h.iter()
        .enumerate()
        .skip(1)
        .filter(|&(_, &n)| n > 0)
        .map(|(d, &n)| (d as f64, n))
}

/// Persons with at least one sanction-day in a sanction-days histogram.
pub(super) fn with_days(h: &[u64]) -> u64 {
    bins(h).map(|(_, n)| n).sum()
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
    fn t_quantiles_against_published_values() {
        // Fisher & Yates / any t table, two-sided 95%.
        for (nu, t) in [
            (1.0, 12.706),
            (2.0, 4.303),
            (3.0, 3.182),
            (4.0, 2.776),
            (6.0, 2.447),
            (9.0, 2.262),
            (19.0, 2.093),
            (30.0, 2.042),
            (40.0, 2.021),
            (60.0, 2.000),
            (120.0, 1.980),
        ] {
            assert!((t975(nu) - t).abs() < 6e-4, "ν = {nu}: {} vs {t}", t975(nu));
        }
        // ν = 2 has a closed form: (2p − 1) / √(2p(1 − p)), p = 0.975.
        assert!((t975(2.0) - 0.95 / (2.0f64 * 0.975 * 0.025).sqrt()).abs() < 1e-9);
        // ν = 1 is Cauchy: tan(π(p − ½)).
        assert!((t975(1.0) - (std::f64::consts::PI * 0.475).tan()).abs() < 1e-8);
        // The expansion joins the table at 30 and tends to the normal quantile.
        assert!((t975(30.5) - t975(30.0)).abs() < 2e-3 && t975(30.5) < t975(30.0));
        assert!((t975(1e9) - 1.959964).abs() < 1e-6);
        assert_eq!(interval_quantile(4), None);
        assert_eq!(interval_quantile(5), Some(t975(4.0)));
    }

    #[test]
    fn jackknife_interval_by_hand() {
        // Replicates 1, 2, 3, 4, 5: mean 3, Σ(x − 3)² = 10, se = √(4/5 · 10) = √8.
        let e = Estimate::jackknife(Some(3.0), Some(vec![1.0, 2.0, 3.0, 4.0, 5.0]));
        let se = 8f64.sqrt();
        assert!((e.se.expect("se") - se).abs() < 1e-12);
        assert!((e.ci_high.expect("ci") - (3.0 + 2.776445105 * se)).abs() < 1e-9);
        // Four groups: a standard error, no interval.
        let e = Estimate::jackknife(Some(3.0), Some(vec![1.0, 2.0, 3.0, 4.0]));
        assert!(e.se.is_some() && e.ci_low.is_none() && e.ci_high.is_none());
        // An undefined replicate: no standard error and no replicates kept.
        let e = Estimate::jackknife(Some(3.0), None);
        assert!(e.se.is_none() && e.replicates.is_empty());
    }

    #[test]
    fn gini_among_the_sanctioned_and_the_prevalence_identity() {
        // 569 persons: 80% (455) with 365 days, the rest 30..=143 days (one each), among
        // 100,000 persons. Over everyone G = 1 − s(1 − G₊), s = 569 / 100,000.
        let mut h = vec![0u64; 366];
        h[365] = 455;
        h[30..144].iter_mut().for_each(|x| *x += 1);
        let n = with_days(&h);
        assert_eq!(n, 569);
        let g_plus = gini(&h, n).expect("defined");
        let g = gini(&h, 100_000).expect("defined");
        let s = n as f64 / 100_000.0;
        assert!(
            (g - (1.0 - s * (1.0 - g_plus))).abs() < 1e-9,
            "{g} {g_plus}"
        );
        // G₊ by the mean difference: Σᵢⱼ |xᵢ − xⱼ| / (2 n² x̄).
        let xs: Vec<f64> = (1..366)
            .flat_map(|d| std::iter::repeat_n(d as f64, h[d] as usize))
            .collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let md: f64 = xs
            .iter()
            .flat_map(|a| xs.iter().map(move |b| (a - b).abs()))
            .sum();
        let by_pairs = md / (2.0 * (xs.len() as f64).powi(2) * mean);
        assert!((g_plus - by_pairs).abs() < 1e-9, "{g_plus} vs {by_pairs}");
        assert!(g > 0.99 && g_plus < 0.2);
        // Top 1% of the 569 = 6 persons, all at 365 days.
        let total: f64 = xs.iter().sum();
        assert_eq!(top_share(&h, n, 0.01), Some(6.0 * 365.0 / total));
    }

    #[test]
    fn waits_with_pending_appeals_censored_by_hand() {
        // Filed on days 0, 10, 20, 30; the first two decided after 5 and 50 days; horizon
        // 100, so the others are censored at 80 and 70.
        let w = censored_waits(&[30, 0, 20, 10], &[(10, 50), (0, 5)], 100);
        let mut sorted = w.clone();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            vec![(5, false), (50, false), (70, true), (80, true)]
        );
        // KM: after 5, S = 3/4; at 50 three at risk, S = 3/4 · 2/3 = 1/2: the median is
        // 50; S never reaches 0.1, so the 90th percentile is not reached.
        assert_eq!(km_quantile(&w, 0.5), Some(50.0));
        assert_eq!(km_quantile(&w, 0.9), None);
        // The naive mean over decided appeals (27.5) ignores the two still waiting.
        // Two filed on the same day, one decided: the other is censored.
        let w = censored_waits(&[7, 7], &[(7, 3)], 20);
        assert_eq!(w, vec![(3, false), (13, true)]);
    }

    #[test]
    fn removed_within_counts_only_records_followed_long_enough() {
        // Horizon 100, t = 30: records arriving on 0, 50 and 60 are followed (< 70), the
        // one on 80 is not. Removed after 10 (day 0) and 40 (day 50): 1 of 3 within 30.
        let share = removed_within(&[0, 50, 60, 80], &[(0, 10), (50, 40), (80, 1)], 100, 30);
        assert_eq!(share, Some(1.0 / 3.0));
        assert_eq!(removed_within(&[90], &[], 100, 30), None);
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
