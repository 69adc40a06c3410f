//! Disparate impact (measure 3): rates by category against a stated reference, over
//! the eligible pool; the Guidelines' four-fifths test. Definitions: docs/audit.md.

use super::super::stats::ratio;
use super::*;

/// The reference category of attribute `x`: the one stated in the scenario, else the
/// largest eligible category by its stated share (the first of equal ones); None when
/// no category is eligible. Never chosen from the run's outcomes.
pub(super) fn reference(model: &Model, x: usize) -> Option<usize> {
    let attr = &model.attributes[x];
    attr.reference.or_else(|| {
        let shares = &attr.categories.shares;
        (0..shares.len())
            .filter(|&c| model.eligible(x, c))
            .fold(None, |best: Option<usize>, c| match best {
                Some(b) if shares[b] >= shares[c] => Some(b),
                _ => Some(c),
            })
    })
}

/// An estimate of a positive ratio, jackknifed on the log scale.
fn log_est(cx: &Counts<'_>, f: impl Fn(&GroupTally) -> Option<f64>) -> Estimate {
    Estimate::from_log(cx.est(|g| f(g).filter(|&r| r > 0.0).map(f64::ln)))
}

/// Undefined (ineligible categories, no reference).
fn none() -> Estimate {
    Estimate::new(None, None)
}

/// Disparate impact: adverse-outcome rates by category of each attribute, against
/// the reference category, and the same under equal capture.
pub(super) fn disparate_impact(cx: &Counts<'_>) -> IndexMap<String, Vec<CategoryImpact>> {
    let mut disparate_impact = IndexMap::new();
    let mut offset = 0;
    for (x, attr) in cx.model.attributes.iter().enumerate() {
        let k = attr.categories.values.len();
        let start = offset;
        offset += k;
        let rate = move |cats: &CategoryCounts, c: usize, j: usize| {
            ratio(cats[start + c][j], cats[start + c][0])
        };
        let favourable = move |cats: &CategoryCounts, c: usize| rate(cats, c, 1).map(|r| 1.0 - r);
        let eligible: Vec<bool> = (0..k).map(|c| cx.model.eligible(x, c)).collect();
        let reference = reference(cx.model, x);
        let equal = cx.has(Variant::EqualCapture);
        let rows = (0..k)
            .map(|c| {
                let is_ref = reference == Some(c);
                // Against the reference: None for an ineligible category or without one.
                let against = |f: fn(f64, f64) -> Option<f64>, fr: bool| {
                    let r0 = reference.filter(|_| eligible[c])?;
                    Some(move |cats: &CategoryCounts| {
                        let (a, b) = if fr {
                            (favourable(cats, c)?, favourable(cats, r0)?)
                        } else {
                            (rate(cats, c, 1)?, rate(cats, r0, 1)?)
                        };
                        f(a, b)
                    })
                };
                let quotient = |a: f64, b: f64| (b > 0.0).then(|| a / b);
                let ratio_sanctioned = against(quotient, false)
                    .map_or_else(none, |f| log_est(cx, |g| f(&g.categories)));
                let favourable_ratio = against(quotient, true)
                    .map_or_else(none, |f| log_est(cx, |g| f(&g.categories)));
                let spd = against(|a, b| Some(a - b), true)
                    .map_or_else(none, |f| cx.est(|g| f(&g.categories)));
                // The highest favourable rate among eligible categories, in each replicate.
                let to_highest = if eligible[c] {
                    log_est(cx, |g| {
                        let best = (0..k)
                            .filter(|&j| eligible[j])
                            .filter_map(|j| favourable(&g.categories, j))
                            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))?;
                        quotient(favourable(&g.categories, c)?, best)
                    })
                } else {
                    none()
                };
                let ratio_of = |cats: &CategoryCounts| against(quotient, false)?(cats);
                CategoryImpact {
                    category: attr.categories.values[c].clone(),
                    persons: cx.all.categories[start + c][0],
                    reference: is_ref,
                    eligible: eligible[c],
                    rate_sanctioned: cx.est(|g| rate(&g.categories, c, 1)),
                    rate_listed: cx.est(|g| rate(&g.categories, c, 2)),
                    rate_lowest_grade: cx.est(|g| rate(&g.categories, c, 3)),
                    adverse_ratio_above_1_25: ratio_sanctioned.value.is_some_and(|r| r > 1.25),
                    ratio_sanctioned,
                    favourable_ratio,
                    statistical_parity_difference: spd,
                    four_fifths: to_highest.value.is_some_and(|r| r < 0.8)
                        && to_highest.ci_high.is_some_and(|h| h < 1.0),
                    favourable_ratio_to_highest: to_highest,
                    ratio_sanctioned_equal_capture: if equal {
                        cx.est(|g| ratio_of(&g.categories_equal))
                    } else {
                        none()
                    },
                    share_explained_by_capture: if equal {
                        cx.est(|g| {
                            let r = ratio_of(&g.categories)?;
                            let e = ratio_of(&g.categories_equal)?;
                            ((r - 1.0).abs() > 1e-12).then(|| (r - e) / (r - 1.0))
                        })
                    } else {
                        none()
                    },
                }
            })
            .collect();
        disparate_impact.insert(attr.id.clone(), rows);
    }
    disparate_impact
}
