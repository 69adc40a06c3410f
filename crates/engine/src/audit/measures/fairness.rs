//! Fairness on ground truth (measure 3b): selection, error and reward rates by category
//! and by cell of two attributes, against what credsim knows. Definitions: docs/audit.md.

use super::super::stats::ratio;
use super::impact::{log_est, none, reference};
use super::*;
use credsim_model::TreatmentKind;

/// Cells of two attributes with fewer persons get no values (documented in
/// docs/audit.md): a cell rate's standard error is then at most 0.05.
pub const MIN_CELL_PERSONS: u64 = 100;

/// Where a truth label's (Ŷ, Y) counts start in a [`FAIR`] row: Yᶜ, Yᴱ.
const CONDUCT: usize = 0;
const ERRORS: usize = 4;

/// One category or cell.
struct Group {
    /// Index in `GroupTally::fair`.
    at: usize,
    name: String,
    eligible: bool,
    small: bool,
}

fn persons(f: &[u64; FAIR]) -> u64 {
    f[..4].iter().sum()
}

/// Persons with (Ŷ = y, Y = t) for the label at `base`.
fn n(f: &[u64; FAIR], base: usize, y: usize, t: usize) -> u64 {
    f[base + 2 * y + t]
}

fn tpr(f: &[u64; FAIR], base: usize) -> Option<f64> {
    ratio(n(f, base, 1, 1), n(f, base, 0, 1) + n(f, base, 1, 1))
}

fn fpr(f: &[u64; FAIR], base: usize) -> Option<f64> {
    ratio(n(f, base, 1, 0), n(f, base, 0, 0) + n(f, base, 1, 0))
}

/// max(max − min TPR, max − min FPR) over `groups` (at least two with both defined).
fn equalized_odds(g: &GroupTally, groups: &[&Group], base: usize) -> Option<f64> {
    let (t, f): (Vec<f64>, Vec<f64>) = groups
        .iter()
        .filter_map(|x| Some((tpr(&g.fair[x.at], base)?, fpr(&g.fair[x.at], base)?)))
        .unzip();
    let range = |v: &[f64]| {
        let (lo, hi) = v
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| {
                (l.min(x), h.max(x))
            });
        hi - lo
    };
    (t.len() >= 2).then(|| range(&t).max(range(&f)))
}

/// Error rates of one group with one label; null when ineligible or too small.
fn error_rates(cx: &Counts<'_>, x: &Group, r: Option<&Group>, base: usize) -> ErrorRates {
    let at = x.at;
    let on = x.eligible && !x.small;
    let est = |f: fn(&[u64; FAIR], usize) -> Option<f64>| {
        if on {
            cx.est(|g| f(&g.fair[at], base))
        } else {
            none()
        }
    };
    let fnr = |f: &[u64; FAIR], b: usize| tpr(f, b).map(|t| 1.0 - t);
    let fdr = |f: &[u64; FAIR], b: usize| ratio(n(f, b, 1, 0), n(f, b, 1, 0) + n(f, b, 1, 1));
    let average_odds_difference = match r {
        Some(r) if on => {
            let ra = r.at;
            cx.est(|g| {
                let (c, r) = (&g.fair[at], &g.fair[ra]);
                Some(0.5 * ((fpr(c, base)? - fpr(r, base)?) + (tpr(c, base)? - tpr(r, base)?)))
            })
        }
        _ => none(),
    };
    let f = &cx.all().fair[at];
    ErrorRates {
        positives: n(f, base, 0, 1) + n(f, base, 1, 1),
        false_positive_rate: est(fpr),
        false_negative_rate: est(fnr),
        false_discovery_rate: est(fdr),
        average_odds_difference,
    }
}

/// The measures of a set of groups (one attribute's categories or one pair's cells).
fn set(cx: &Counts<'_>, groups: Vec<Group>, reference: Option<usize>) -> FairnessSet {
    let rewards = cx
        .model
        .treatments
        .iter()
        .any(|t| t.kind == TreatmentKind::Reward);
    let errors = cx.has(Variant::NoErrors);
    let r = reference.map(|j| &groups[j]).filter(|r| !r.small);
    let reward_rate = |f: &[u64; FAIR]| ratio(f[8], persons(f));
    let counted: Vec<&Group> = groups.iter().filter(|x| x.eligible && !x.small).collect();
    let odds = |base: usize| {
        if counted.len() >= 2 {
            cx.est(|g| equalized_odds(g, &counted, base))
        } else {
            none()
        }
    };
    FairnessSet {
        reference: r.map(|r| r.name.clone()),
        equalized_odds_difference_errors: if errors { odds(ERRORS) } else { none() },
        equalized_odds_difference_conduct: odds(CONDUCT),
        groups: groups
            .iter()
            .map(|x| {
                let at = x.at;
                let rewarded = rewards && !x.small;
                FairnessGroup {
                    group: x.name.clone(),
                    persons: persons(&cx.all().fair[at]),
                    eligible: x.eligible,
                    reference: r.is_some_and(|r| r.at == at),
                    too_small: x.small,
                    selection_rate: if x.small {
                        none()
                    } else {
                        cx.est(|g| {
                            let f = &g.fair[at];
                            ratio(f[2] + f[3], persons(f))
                        })
                    },
                    reward_rate: if rewarded {
                        cx.est(|g| reward_rate(&g.fair[at]))
                    } else {
                        none()
                    },
                    reward_ratio: match r {
                        Some(r) if rewarded => log_est(cx, |g| {
                            let b = reward_rate(&g.fair[r.at]).filter(|&b| b > 0.0)?;
                            Some(reward_rate(&g.fair[at])? / b)
                        }),
                        _ => none(),
                    },
                    data_errors: errors.then(|| error_rates(cx, x, r, ERRORS)),
                    conduct: error_rates(cx, x, r, CONDUCT),
                }
            })
            .collect(),
    }
}

/// Fairness on ground truth, per attribute and per pair of attributes.
pub(super) fn fairness(cx: &Counts<'_>) -> Fairness {
    let m = cx.model;
    let values = |x: usize| &m.attributes[x].categories.values;
    let offsets = crate::audit::category_offsets(m);
    let attributes = m
        .attributes
        .iter()
        .enumerate()
        .map(|(x, attr)| {
            let groups = (0..values(x).len())
                .map(|c| Group {
                    at: offsets[x] + c,
                    name: values(x)[c].clone(),
                    eligible: m.eligible(x, c),
                    small: false,
                })
                .collect();
            (attr.id.clone(), set(cx, groups, reference(m, x)))
        })
        .collect();
    let intersections = crate::audit::fair_pairs(m)
        .into_iter()
        .map(|(x, y, o)| {
            let (a, b) = (&m.attributes[x], &m.attributes[y]);
            let ky = values(y).len();
            let mut groups = Vec::new();
            for c in 0..values(x).len() {
                for d in 0..ky {
                    let at = o + c * ky + d;
                    groups.push(Group {
                        at,
                        name: format!("{} = {}, {} = {}", a.id, values(x)[c], b.id, values(y)[d]),
                        eligible: m.eligible(x, c) && m.eligible(y, d),
                        small: persons(&cx.all().fair[at]) < MIN_CELL_PERSONS,
                    });
                }
            }
            let r = reference(m, x)
                .zip(reference(m, y))
                .map(|(c, d)| c * ky + d);
            (format!("{} × {}", a.id, b.id), set(cx, groups, r))
        })
        .collect();
    Fairness {
        min_cell_persons: MIN_CELL_PERSONS,
        attributes,
        intersections,
    }
}
