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
pub(super) fn log_est(cx: &Counts<'_>, f: impl Fn(&GroupTally) -> Option<f64>) -> Estimate {
    Estimate::from_log(cx.est(|g| f(g).filter(|&r| r > 0.0).map(f64::ln)))
}

/// Undefined (ineligible categories, no reference).
pub(super) fn none() -> Estimate {
    Estimate::new(None, None)
}

/// The equal-capture counterfactuals run, each with its level's name and which
/// counts are its own: None the population mean, Some(j) category level j.
fn capture_levels(cx: &Counts<'_>) -> Vec<(String, Option<usize>)> {
    let mut v = Vec::new();
    if cx.has(Variant::EqualCapture) {
        v.push(("population mean".to_string(), None));
    }
    let m = cx.model;
    for (j, (x, c)) in crate::audit::capture_level_categories(m)
        .into_iter()
        .enumerate()
    {
        if cx.has(Variant::EqualCaptureAt(j as u8)) {
            let a = &m.attributes[x];
            v.push((format!("{} = {}", a.id, a.categories.values[c]), Some(j)));
        }
    }
    v
}

/// One equal-capture counterfactual's per-category counts in a group.
fn level_counts(g: &GroupTally, level: Option<usize>) -> Option<&CategoryCounts> {
    match level {
        None => Some(&g.categories_equal),
        Some(j) => g.categories_at_level.get(j),
    }
}

/// Disparate impact: adverse-outcome rates by category of each attribute, against
/// the reference category, and the same under equal capture.
pub(super) fn disparate_impact(cx: &Counts<'_>) -> IndexMap<String, Vec<CategoryImpact>> {
    let mut disparate_impact = IndexMap::new();
    let offsets = crate::audit::category_offsets(cx.model);
    let levels = capture_levels(cx);
    for (x, attr) in cx.model.attributes.iter().enumerate() {
        let k = attr.categories.values.len();
        let start = offsets[x];
        let rate = move |cats: &CategoryCounts, c: usize, j: usize| {
            ratio(cats[start + c][j], cats[start + c][0])
        };
        let favourable = move |cats: &CategoryCounts, c: usize| rate(cats, c, 1).map(|r| 1.0 - r);
        let eligible: Vec<bool> = (0..k).map(|c| cx.model.eligible(x, c)).collect();
        let reference = reference(cx.model, x);
        let carries = crate::audit::carries_capture(cx.model, x);
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
                CategoryImpact {
                    category: attr.categories.values[c].clone(),
                    persons: cx.all().categories[start + c][0],
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
                    equal_capture: if carries {
                        levels
                            .iter()
                            .map(|(level, which)| {
                                let which = *which;
                                EqualCaptureImpact {
                                    level: level.clone(),
                                    rate_sanctioned: cx
                                        .est(|g| rate(level_counts(g, which)?, c, 1)),
                                    ratio_sanctioned: against(quotient, false)
                                        .map_or_else(none, |f| {
                                            log_est(cx, |g| f(level_counts(g, which)?))
                                        }),
                                    statistical_parity_difference: against(
                                        |a, b| Some(a - b),
                                        true,
                                    )
                                    .map_or_else(none, |f| cx.est(|g| f(level_counts(g, which)?))),
                                }
                            })
                            .collect()
                    } else {
                        Vec::new()
                    },
                    sanctioned_given_acts: (0..ACT_CLASSES)
                        .map(|j| ConditionalRate {
                            acts: if j + 1 < ACT_CLASSES {
                                j.to_string()
                            } else {
                                format!("{j}+")
                            },
                            persons: cx.all().categories_by_acts[start + c][j],
                            rate_sanctioned: cx.est(|g| {
                                let n = &g.categories_by_acts[start + c];
                                ratio(n[ACT_CLASSES + j], n[j])
                            }),
                        })
                        .collect(),
                }
            })
            .collect();
        disparate_impact.insert(attr.id.clone(), rows);
    }
    disparate_impact
}
