//! The firms' part of `audit.json`: the inspection loop's amplification (by the
//! counterfactual of equal inspection rates), wrongful listings (by the counterfactual
//! without false records), the cross-agency share of sanctions, time on lists and
//! exits per entry, persons reached only through a role, and the compliance burden by
//! size. Estimates are delete-a-group jackknives over the firm groups (firm id mod 20).

use super::tally::{FirmAuditTally, FirmGroup, RoleCounts};
use crate::audit::Estimate;
use crate::tally::Counts;
use credsim_model::firms::{FirmRules, RoleMode};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// `audit.json` → `firms`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FirmAudit {
    /// Firms.
    pub firms: u64,
    /// Non-empty jackknife groups of firms.
    pub jackknife_groups: usize,
    /// Rating → the inspection loop's amplification (ratings with inspections).
    pub inspection_amplification: IndexMap<String, Amplification>,
    /// List → listings caused by false records (absent when no source makes false
    /// records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrongful_listings: Option<IndexMap<String, WrongfulListings>>,
    /// Sanction applications whose status came from another agency's records.
    pub cross_agency: CrossAgency,
    /// List → entries, exits and time on the list.
    pub time_on_lists: IndexMap<String, ListTime>,
    /// Persons reached through roles (absent without `[firms.roles]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<RoleAudit>,
    /// Size class → compliance burden (absent without `hours_per_requirement`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burden: Option<IndexMap<String, Burden>>,
}

/// Recorded violations per genuine violation by class on day 0, with class-dependent
/// inspections and with every class inspected at the reference class's share.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Amplification {
    /// The class whose share every class has in the counterfactual.
    pub reference_class: String,
    /// The best and the worst class with firms on day 0.
    pub high_class: Option<String>,
    /// The worst class with firms on day 0.
    pub low_class: Option<String>,
    /// Class on day 0 → its rows.
    pub by_class: IndexMap<String, AmplificationRow>,
    /// (recorded − recorded at equal rates) per violation, low class minus high class:
    /// the excess recorded violations of a low-class firm over a high-class firm with
    /// the same true rate that the class-dependent inspection rates cause.
    pub excess_low_over_high: Estimate,
}

/// One day-0 class.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AmplificationRow {
    /// Firms.
    pub firms: u64,
    /// Genuine violations of the behaviours inspections find.
    pub violations: u64,
    /// Recorded per violation (as specified).
    pub recorded_per_violation: Estimate,
    /// Recorded per violation with equal inspection rates.
    pub recorded_per_violation_equal_rates: Estimate,
    /// The difference: excess recorded per violation due to the class's rate.
    pub excess_per_violation: Estimate,
}

/// Listings of firms on one list that the false records caused.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WrongfulListings {
    /// Firms ever listed.
    pub firms_listed: u64,
    /// Firms listed that the run without false records never lists.
    pub firms_wrongly_listed: u64,
    /// Per 1,000 firms.
    pub per_1000_firms: Estimate,
    /// Share of the firms ever listed.
    pub share_of_listed: Estimate,
}

/// The cross-agency share of sanctions on firms.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CrossAgency {
    /// Applications, all sanctions.
    pub applications: u64,
    /// Of those, from a status no record of the sanction's domain lay behind.
    pub cross_agency: u64,
    /// The share.
    pub share: Estimate,
}

/// Time on one list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ListTime {
    /// Entries.
    pub entries: u64,
    /// Exits (term or restoration) within the horizon.
    pub exits: u64,
    /// Exits per entry.
    pub exits_per_entry: Estimate,
    /// Mean days of the listings that ended within the horizon (shorter than the
    /// mean of all listings: long ones are more often still open).
    pub mean_days_of_completed: Estimate,
}

/// Persons reached through the roles they hold.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RoleAudit {
    /// `restrict` or `list`.
    pub mode: RoleMode,
    /// Persons reached (restricted, or listed, through a role).
    pub persons: u64,
    /// Of those, never sanctioned nor listed by the person regime: reached only
    /// through a role.
    pub persons_only_through_role: u64,
    /// Their share of the persons reached.
    pub share_only_through_role: Option<f64>,
    /// Person-days reached.
    pub person_days: u64,
    /// Person-days of the persons reached only through a role.
    pub person_days_only_through_role: u64,
    /// Persons reached through two or more firms.
    pub persons_with_multiple_posts: u64,
}

/// The compliance burden of firms of one size class.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Burden {
    /// Firms.
    pub firms: u64,
    /// Employees per firm.
    pub employees: f64,
    /// Ratings per firm.
    pub ratings_per_firm: Option<f64>,
    /// Requirements per firm (the rated firms' ratings' requirements).
    pub requirements_per_firm: Option<f64>,
    /// Hours per firm (requirements × hours per requirement).
    pub hours_per_firm: Option<f64>,
    /// Hours per employee.
    pub hours_per_employee: Option<f64>,
}

/// A statistic of group totals with its jackknife over the non-empty groups.
fn est(groups: &[FirmGroup], stat: impl Fn(&FirmGroup) -> Option<f64>) -> Estimate {
    let mut total = groups[0].clone();
    for g in &groups[1..] {
        total.add(g);
    }
    let reps: Option<Vec<f64>> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.all_firms > 0)
        .map(|(k, _)| {
            let mut t = groups[if k == 0 { 1 } else { 0 }].clone();
            t.zero();
            for (j, g) in groups.iter().enumerate() {
                if j != k {
                    t.add(g);
                }
            }
            stat(&t)
        })
        .collect();
    Estimate::jackknife(stat(&total), reps)
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

impl FirmAudit {
    /// The firm audit from its tally.
    pub fn new(f: &FirmRules, a: &FirmAuditTally) -> FirmAudit {
        let g = &a.groups;
        let mut total = g[0].clone();
        for x in &g[1..] {
            total.add(x);
        }
        let inspection_amplification = f
            .ratings
            .iter()
            .enumerate()
            .filter_map(|(r, rating)| {
                let ins = rating.inspections.as_ref()?;
                let with_firms: Vec<usize> = (0..rating.classes.len())
                    .filter(|&c| total.firms[r][c] > 0)
                    .collect();
                let (high, low) = (with_firms.first().copied(), with_firms.last().copied());
                let excess = move |x: &FirmGroup, c: usize| -> Option<f64> {
                    let v = x.violations[r][c];
                    ratio(x.recorded[r][c], v)
                        .zip(ratio(x.recorded_equal[r][c], v))
                        .map(|(a, b)| a - b)
                };
                let by_class = (0..rating.classes.len())
                    .map(|c| {
                        let row = AmplificationRow {
                            firms: total.firms[r][c],
                            violations: total.violations[r][c],
                            recorded_per_violation: est(g, |x| {
                                ratio(x.recorded[r][c], x.violations[r][c])
                            }),
                            recorded_per_violation_equal_rates: est(g, |x| {
                                ratio(x.recorded_equal[r][c], x.violations[r][c])
                            }),
                            excess_per_violation: est(g, |x| excess(x, c)),
                        };
                        (rating.classes[c].clone(), row)
                    })
                    .collect();
                let excess_low_over_high = match (high, low) {
                    (Some(h), Some(l)) if h != l => {
                        est(g, |x| excess(x, l).zip(excess(x, h)).map(|(a, b)| a - b))
                    }
                    _ => Estimate::default(),
                };
                let amp = Amplification {
                    reference_class: rating.classes[ins.reference].clone(),
                    high_class: high.map(|c| rating.classes[c].clone()),
                    low_class: low.map(|c| rating.classes[c].clone()),
                    by_class,
                    excess_low_over_high,
                };
                Some((rating.id.clone(), amp))
            })
            .collect();
        let errors = f
            .sources
            .iter()
            .any(|s| s.false_per_day.iter().any(|&x| x > 0.0));
        let wrongful_listings = errors.then(|| {
            f.lists
                .iter()
                .enumerate()
                .map(|(l, list)| {
                    let w = WrongfulListings {
                        firms_listed: total.listed[l],
                        firms_wrongly_listed: total.wrongful[l],
                        per_1000_firms: est(g, |x| ratio(x.wrongful[l] * 1000, x.all_firms)),
                        share_of_listed: est(g, |x| ratio(x.wrongful[l], x.listed[l])),
                    };
                    (list.id.clone(), w)
                })
                .collect()
        });
        let time_on_lists = f
            .lists
            .iter()
            .enumerate()
            .map(|(l, list)| {
                let t = ListTime {
                    entries: total.entries[l],
                    exits: total.exits[l],
                    exits_per_entry: est(g, |x| ratio(x.exits[l], x.entries[l])),
                    mean_days_of_completed: est(g, |x| ratio(x.completed_days[l], x.exits[l])),
                };
                (list.id.clone(), t)
            })
            .collect();
        FirmAudit {
            firms: total.all_firms,
            jackknife_groups: g.iter().filter(|x| x.all_firms > 0).count(),
            inspection_amplification,
            wrongful_listings,
            cross_agency: CrossAgency {
                applications: total.applications,
                cross_agency: total.cross,
                share: est(g, |x| ratio(x.cross, x.applications)),
            },
            time_on_lists,
            roles: f.roles.as_ref().map(|r| role_audit(r.mode, &a.roles)),
            burden: burden(f, &a.by_size, &a.rated_by_size),
        }
    }
}

fn role_audit(mode: RoleMode, c: &RoleCounts) -> RoleAudit {
    RoleAudit {
        mode,
        persons: c.persons,
        persons_only_through_role: c.persons_without_own,
        share_only_through_role: ratio(c.persons_without_own, c.persons),
        person_days: c.days,
        person_days_only_through_role: c.days_without_own,
        persons_with_multiple_posts: c.multiple_posts,
    }
}

/// Firms per size and `[size][rating]` firms rated → the burden by size class.
fn burden(f: &FirmRules, by_size: &[u64], rated: &[Vec<u64>]) -> Option<IndexMap<String, Burden>> {
    let hours = f.hours_per_requirement?;
    Some(
        f.sizes
            .values
            .iter()
            .enumerate()
            .map(|(s, name)| {
                let (firms, rated) = (&by_size[s], &rated[s]);
                let n = *firms as f64;
                let per = |x: f64| (n > 0.0).then(|| x / n);
                let ratings: u64 = rated.iter().sum();
                let requirements: f64 = rated
                    .iter()
                    .zip(&f.ratings)
                    .map(|(&k, r)| k as f64 * r.requirements.unwrap_or(0.0))
                    .sum();
                let employees = f.employees[s];
                let b = Burden {
                    firms: *firms,
                    employees,
                    ratings_per_firm: per(ratings as f64),
                    requirements_per_firm: per(requirements),
                    hours_per_firm: per(requirements * hours),
                    hours_per_employee: per(requirements * hours / employees),
                };
                (name.clone(), b)
            })
            .collect(),
    )
}
