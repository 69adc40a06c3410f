//! The firms' part of `summary.json`: counts of the factual run by name, and the
//! class shares, inspections and listings per reporting period.

use super::FirmOutcome;
use credsim_model::Model;
use credsim_model::firms::{FirmRules, RoleMode};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// `summary.json` → `firms`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FirmSummary {
    /// Firms simulated.
    pub firms: u64,
    /// Size class → firms.
    pub by_size: IndexMap<String, u64>,
    /// Flag → firms carrying it.
    pub by_flag: IndexMap<String, u64>,
    /// Firms whose legal representative nobody may be (`firms.holders` left nobody).
    pub without_representative: u64,
    /// Behaviour → acts and records.
    pub behaviours: IndexMap<String, FirmBehaviourCounts>,
    /// Records captured but due after the horizon.
    pub records_pending: u64,
    /// Rating → its classes, assessments and inspections.
    pub ratings: IndexMap<String, RatingCounts>,
    /// List → entries, exits, days.
    pub lists: IndexMap<String, FirmListCounts>,
    /// Sanction → applications and days.
    pub sanctions: IndexMap<String, FirmSanctionCounts>,
    /// Reach into persons through roles (absent without `[firms.roles]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<RoleSummary>,
    /// Per reporting period.
    pub series: FirmSeries,
}

/// Acts and records of one firm behaviour.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FirmBehaviourCounts {
    /// Genuine acts.
    pub acts: u64,
    /// Records from routine sources (true).
    pub records_routine: u64,
    /// Records from inspections' finds (true).
    pub records_found: u64,
    /// False records.
    pub records_false: u64,
}

/// One rating's counts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RatingCounts {
    /// Firms rated.
    pub rated: u64,
    /// Class → firms in it on day 0.
    pub day0: IndexMap<String, u64>,
    /// Class → firm-days in it.
    pub firm_days: IndexMap<String, u64>,
    /// Each assessment: its day and firms per class after it.
    pub assessments: Vec<Assessment>,
    /// Class changes to a better class at assessments.
    pub upgrades: u64,
    /// To a worse class.
    pub downgrades: u64,
    /// Direct class assignments.
    pub direct: u64,
    /// Class → inspection occasions, inspections, finds (absent without inspections).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspections: Option<IndexMap<String, InspectionCounts>>,
}

/// One assessment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Assessment {
    /// Its day.
    pub day: u32,
    /// Class → firms in it after the assessment.
    pub firms: IndexMap<String, u64>,
}

/// Inspections of firms of one class.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InspectionCounts {
    /// Occasions at which an inspection could happen.
    pub occasions: u64,
    /// Occasions inspected.
    pub inspected: u64,
    /// Violations found.
    pub found: u64,
    /// Share of occasions inspected (null without occasions).
    pub share_inspected: Option<f64>,
}

/// One firm list's counts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FirmListCounts {
    /// Entries.
    pub entries: u64,
    /// Exits at the end of the publicity term.
    pub exits_at_term: u64,
    /// Exits by restoration.
    pub exits_restored: u64,
    /// Applications for restoration decided.
    pub applications: u64,
    /// Of those, refused (the trigger still held).
    pub refused: u64,
    /// Firm-days listed.
    pub firm_days: u64,
    /// Listings open at the horizon.
    pub open_at_horizon: u64,
    /// Firms ever listed.
    pub firms_ever: u64,
}

/// One firm sanction's counts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FirmSanctionCounts {
    /// Its domain (agency).
    pub domain: String,
    /// Applications.
    pub applications: u64,
    /// Of those, cross-agency (the status came from no record of its domain).
    pub cross_agency: u64,
    /// Firm-days sanctioned.
    pub firm_days: u64,
    /// Firms ever sanctioned.
    pub firms_ever: u64,
}

/// What reached persons through roles.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RoleSummary {
    /// `restrict` (restricted, not listed) or `list` (listed).
    pub mode: RoleMode,
    /// Spells of firms on a list that reaches their role-holders.
    pub firm_spells: u64,
    /// Their firm-days.
    pub firm_days: u64,
    /// Persons reached (restricted, or listed, through a role).
    pub persons: u64,
    /// Of those, never sanctioned nor listed by the person regime.
    pub persons_without_own_status: u64,
    /// Person-days reached (the union of their firms' spells).
    pub person_days: u64,
    /// Of those, of persons without an own status.
    pub person_days_without_own_status: u64,
    /// Persons reached through two or more firms.
    pub persons_with_multiple_posts: u64,
    /// Service → attempts denied through a role.
    pub denied_attempts: IndexMap<String, u64>,
}

/// Per reporting period (state at each period's end).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FirmSeries {
    /// Exclusive end day of each period.
    pub period_end: Vec<u32>,
    /// Rating → class → firms in it at each period end.
    pub class: IndexMap<String, IndexMap<String, Vec<u64>>>,
    /// Rating → inspections in each period.
    pub inspections: IndexMap<String, Vec<u64>>,
    /// List → firms listed at each period end.
    pub listed: IndexMap<String, Vec<u64>>,
    /// Firms on a list reaching their role-holders, at each period end.
    pub role_listed: Vec<u64>,
}

fn named<T>(names: &[String], values: impl IntoIterator<Item = T>) -> IndexMap<String, T> {
    names.iter().cloned().zip(values).collect()
}

impl FirmSummary {
    /// The summary of a firm pass; `roles` are the persons' counts (`Tally::roles`).
    pub fn new(model: &Model, f: &FirmRules, o: &FirmOutcome, roles: &super::RoleCounts) -> Self {
        let t = &o.tally;
        let behaviour_names: Vec<String> = f.behaviours.iter().map(|b| b.id.clone()).collect();
        let ratings = f
            .ratings
            .iter()
            .enumerate()
            .map(|(r, rating)| {
                let classes = &rating.classes;
                let mut day = rating.next_assessment_after(0);
                let mut assessments = Vec::new();
                for row in &t.assessed[r] {
                    assessments.push(Assessment {
                        day: day as u32,
                        firms: named(classes, row.iter().copied()),
                    });
                    day = rating.next_assessment_after(day as u32);
                }
                let counts = RatingCounts {
                    rated: t.day0_class[r].iter().sum(),
                    day0: named(classes, t.day0_class[r].iter().copied()),
                    firm_days: named(classes, t.class_days[r].iter().copied()),
                    assessments,
                    upgrades: t.upgrades[r],
                    downgrades: t.downgrades[r],
                    direct: t.direct[r],
                    inspections: rating.inspections.as_ref().map(|_| {
                        named(
                            classes,
                            (0..classes.len()).map(|c| InspectionCounts {
                                occasions: t.occasions[r][c],
                                inspected: t.inspected[r][c],
                                found: t.found[r][c],
                                share_inspected: (t.occasions[r][c] > 0)
                                    .then(|| t.inspected[r][c] as f64 / t.occasions[r][c] as f64),
                            }),
                        )
                    }),
                };
                (rating.id.clone(), counts)
            })
            .collect();
        let lists = f
            .lists
            .iter()
            .enumerate()
            .map(|(l, list)| {
                let c = FirmListCounts {
                    entries: t.entries[l],
                    exits_at_term: t.exits_term[l],
                    exits_restored: t.exits_restored[l],
                    applications: t.applications[l],
                    refused: t.refused[l],
                    firm_days: t.listed_days[l],
                    open_at_horizon: t.open_at_horizon[l],
                    firms_ever: t.ever_listed[l],
                };
                (list.id.clone(), c)
            })
            .collect();
        let sanctions = f
            .sanctions
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let c = FirmSanctionCounts {
                    domain: model.domains[s.domain].clone(),
                    applications: t.sanction_applications[k],
                    cross_agency: t.sanction_cross[k],
                    firm_days: t.sanction_days[k],
                    firms_ever: t.sanction_firms[k],
                };
                (s.id.clone(), c)
            })
            .collect();
        let role_summary = f.roles.as_ref().map(|r| RoleSummary {
            mode: r.mode,
            firm_spells: t.role_spells,
            firm_days: t.role_days,
            persons: roles.persons,
            persons_without_own_status: roles.persons_without_own,
            person_days: roles.days,
            person_days_without_own_status: roles.days_without_own,
            persons_with_multiple_posts: roles.multiple_posts,
            denied_attempts: r
                .services
                .iter()
                .zip(&roles.denied)
                .map(|(&s, &n)| (model.services[s].id.clone(), n))
                .collect(),
        });
        let series = FirmSeries {
            period_end: model.period_ends.clone(),
            class: f
                .ratings
                .iter()
                .enumerate()
                .map(|(r, rating)| {
                    let by_class = (0..rating.classes.len())
                        .map(|c| t.periods.iter().map(|p| p.class[r][c]).collect());
                    (rating.id.clone(), named(&rating.classes, by_class))
                })
                .collect(),
            inspections: f
                .ratings
                .iter()
                .enumerate()
                .filter(|(_, rating)| rating.inspections.is_some())
                .map(|(r, rating)| {
                    (
                        rating.id.clone(),
                        t.periods.iter().map(|p| p.inspections[r]).collect(),
                    )
                })
                .collect(),
            listed: f
                .lists
                .iter()
                .enumerate()
                .map(|(l, list)| {
                    (
                        list.id.clone(),
                        t.periods.iter().map(|p| p.listed[l]).collect(),
                    )
                })
                .collect(),
            role_listed: t.periods.iter().map(|p| p.role_listed).collect(),
        };
        FirmSummary {
            firms: t.firms,
            by_size: named(&f.sizes.values, t.by_size.iter().copied()),
            by_flag: named(&f.flags, t.by_flag.iter().copied()),
            without_representative: t.unfilled_roles,
            behaviours: named(
                &behaviour_names,
                t.records
                    .iter()
                    .zip(&t.acts)
                    .map(|(r, &acts)| FirmBehaviourCounts {
                        acts,
                        records_routine: r[0],
                        records_found: r[1],
                        records_false: r[2],
                    }),
            ),
            records_pending: t.records_pending,
            ratings,
            lists,
            sanctions,
            roles: role_summary,
            series,
        }
    }
}
