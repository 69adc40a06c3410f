//! The published results of a run: the summary (`summary.json`) and the monthly time
//! series, computed from a [`Tally`] and the model's names. Pure functions; the
//! caller serialises them.
//!
//! The summary holds only what the scenario and seed determine, so identical runs
//! give byte-identical summaries (wall time and host go elsewhere).

use crate::Outcome;
use crate::tally::{Layout, Provenance, Tally};
use credsim_model::Model;
use credsim_model::raw::TreatmentKind;
use indexmap::IndexMap;
use serde::Serialize;

/// `summary.json`. Field names are a contract: users' scripts read them.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Version of credsim that produced this.
    pub credsim_version: String,
    /// Which scenario ran.
    pub scenario: ScenarioId,
    /// Seed of every random draw.
    pub seed: u64,
    /// Persons simulated.
    pub persons: u64,
    /// Households.
    pub households: u64,
    /// Horizon in days.
    pub days: u32,
    /// Reporting periods.
    pub periods: usize,
    /// What persons.parquet holds: `full`, `sample:P` (each person with probability P)
    /// or `none` (set by the caller that writes it).
    pub persons_table: String,
    /// State on the last day.
    #[serde(rename = "final")]
    pub final_state: Final,
    /// Records that reached the regime, by provenance (`true`, `false`, `misattributed`).
    pub records: Records,
    /// Genuine acts per behaviour, and how many were captured by a source.
    pub behaviour: Behaviour,
    /// Grade → person-days spent in it over the horizon (sums to persons × days).
    pub person_days_by_grade: IndexMap<String, u64>,
    /// Grade → persons who were ever in it (the starting grade counts).
    pub persons_ever_in_grade: IndexMap<String, u64>,
    /// List → persons ever listed and person-days listed.
    pub listed: IndexMap<String, Listed>,
    /// Domain → sanction applications and denied attempts in that domain.
    pub sanctions: IndexMap<String, DomainTreatment>,
    /// Domain → reward applications and granted attempts in that domain.
    pub rewards: IndexMap<String, DomainTreatment>,
    /// Treatment → its counts.
    pub treatments: IndexMap<String, TreatmentCounts>,
    /// Persons ever under any sanction, and person-days under at least one.
    pub sanctioned: Occupancy,
    /// Persons ever under heightened scrutiny, and person-days under it.
    pub scrutiny: Occupancy,
}

/// Scenario name, description and digest.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioId {
    /// Name.
    pub name: String,
    /// FNV-1a 64 digest of the resolved scenario.
    pub hash: String,
    /// Description.
    pub description: String,
}

/// State on the last day.
#[derive(Debug, Clone, Serialize)]
pub struct Final {
    /// Grade → share of persons.
    pub grade_shares: IndexMap<String, f64>,
    /// Grade → persons.
    pub grade_counts: IndexMap<String, u64>,
    /// Mean score (null without a score).
    pub mean_score: Option<f64>,
    /// List → persons listed.
    pub listed: IndexMap<String, u64>,
    /// Persons under at least one sanction.
    pub sanctioned: u64,
    /// Persons under heightened scrutiny.
    pub under_scrutiny: u64,
}

/// Record counts.
#[derive(Debug, Clone, Serialize)]
pub struct Records {
    /// Records about real acts of the person they are filed on.
    #[serde(rename = "true")]
    pub true_: u64,
    /// Records of nothing.
    #[serde(rename = "false")]
    pub false_: u64,
    /// Records of someone else's act.
    pub misattributed: u64,
    /// All records (the sum of the three).
    pub total: u64,
    /// Records created but due after the horizon (not counted above).
    pub pending_at_end: u64,
    /// Source → counts by provenance.
    pub by_source: IndexMap<String, ByProvenance>,
    /// Record type → counts by provenance.
    pub by_type: IndexMap<String, ByProvenance>,
}

/// Counts by provenance.
#[derive(Debug, Clone, Serialize)]
pub struct ByProvenance {
    /// True records.
    #[serde(rename = "true")]
    pub true_: u64,
    /// False records.
    #[serde(rename = "false")]
    pub false_: u64,
    /// Misattributed records.
    pub misattributed: u64,
}

impl From<[u64; 3]> for ByProvenance {
    fn from(c: [u64; 3]) -> Self {
        ByProvenance {
            true_: c[0],
            false_: c[1],
            misattributed: c[2],
        }
    }
}

/// Acts and captures.
#[derive(Debug, Clone, Serialize)]
pub struct Behaviour {
    /// Behaviour → genuine occurrences.
    pub acts: IndexMap<String, u64>,
    /// All genuine occurrences.
    pub total_acts: u64,
    /// Captures by sources (one act can be captured by several sources).
    pub captured: u64,
}

/// A list's counts.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    /// Persons ever on the list.
    pub persons_ever: u64,
    /// Person-days on the list.
    pub person_days: u64,
    /// Persons on the list on the last day.
    pub at_end: u64,
}

/// Treatment counts in one domain.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DomainTreatment {
    /// Applications to the person whose status triggered them.
    pub applications: u64,
    /// Applications to other members of their household.
    pub household_applications: u64,
    /// Applications in a domain none of the triggering records came from.
    pub cross_context_applications: u64,
    /// Attempts denied (sanctions) or granted (rewards) while applied.
    pub attempts: u64,
    /// Person-days with at least one service of the domain restricted (or granted),
    /// summed over the domain's services.
    pub person_days: u64,
}

/// One treatment's counts.
#[derive(Debug, Clone, Serialize)]
pub struct TreatmentCounts {
    /// `sanction` or `reward`.
    pub kind: TreatmentKind,
    /// Service affected.
    pub service: String,
    /// Domain of the service.
    pub domain: String,
    /// Applications to the triggering person.
    pub applications: u64,
    /// Of which outside the domains of the triggering records.
    pub cross_context_applications: u64,
    /// Applications to household members.
    pub household_applications: u64,
}

/// Persons ever in a state, and person-days in it.
#[derive(Debug, Clone, Serialize)]
pub struct Occupancy {
    /// Persons ever.
    pub persons_ever: u64,
    /// Person-days.
    pub person_days: u64,
}

impl Summary {
    /// Builds the summary of a run.
    pub fn new(model: &Model, outcome: &Outcome) -> Summary {
        let t = &outcome.tally;
        let layout = Layout::of(model);
        let last = t.periods.last();
        let end = |idx: usize| last.map_or(0, |p| p.occupancy[idx]);
        let grades: Vec<String> = model
            .score
            .as_ref()
            .map(|s| s.grades.iter().map(|g| g.name.clone()).collect())
            .unwrap_or_default();
        let persons = model.persons;
        let share = |n: u64| n as f64 / persons as f64;
        let records = t.records();
        let mut sanctions: IndexMap<String, DomainTreatment> = IndexMap::new();
        let mut rewards: IndexMap<String, DomainTreatment> = IndexMap::new();
        for d in &model.domains {
            sanctions.insert(d.clone(), DomainTreatment::default());
            rewards.insert(d.clone(), DomainTreatment::default());
        }
        let mut treatments = IndexMap::new();
        for (i, tr) in model.treatments.iter().enumerate() {
            let svc = &model.services[tr.service];
            let domain = &model.domains[svc.domain];
            let target = match tr.kind {
                TreatmentKind::Sanction => &mut sanctions,
                TreatmentKind::Reward => &mut rewards,
            };
            let e = target.entry(domain.clone()).or_default();
            e.applications += t.applications[i];
            e.household_applications += t.spillover[i];
            e.cross_context_applications += t.cross_context[i];
            treatments.insert(
                tr.id.clone(),
                TreatmentCounts {
                    kind: tr.kind,
                    service: svc.id.clone(),
                    domain: domain.clone(),
                    applications: t.applications[i],
                    cross_context_applications: t.cross_context[i],
                    household_applications: t.spillover[i],
                },
            );
        }
        for (s, svc) in model.services.iter().enumerate() {
            let domain = &model.domains[svc.domain];
            let e = sanctions.entry(domain.clone()).or_default();
            e.attempts += t.denied[s];
            e.person_days += t.occupancy_days[layout.sanctioned(s)];
            let e = rewards.entry(domain.clone()).or_default();
            e.attempts += t.granted[s];
            e.person_days += t.occupancy_days[layout.rewarded(s)];
        }
        Summary {
            credsim_version: crate::VERSION.to_string(),
            scenario: ScenarioId {
                name: model.name.clone(),
                hash: model.hash.clone(),
                description: model.description.clone(),
            },
            seed: model.seed,
            persons,
            households: outcome.households,
            days: model.days,
            periods: model.period_ends.len(),
            persons_table: "none".into(),
            final_state: Final {
                grade_shares: grades
                    .iter()
                    .enumerate()
                    .map(|(g, n)| (n.clone(), share(end(layout.grade(g)))))
                    .collect(),
                grade_counts: grades
                    .iter()
                    .enumerate()
                    .map(|(g, n)| (n.clone(), end(layout.grade(g))))
                    .collect(),
                mean_score: model
                    .score
                    .as_ref()
                    .map(|_| last.map_or(0, |p| p.score_sum) as f64 / persons as f64),
                listed: model
                    .lists
                    .iter()
                    .enumerate()
                    .map(|(l, list)| (list.id.clone(), end(layout.list(l))))
                    .collect(),
                sanctioned: end(layout.any_sanction()),
                under_scrutiny: end(layout.scrutiny()),
            },
            records: Records {
                true_: records[Provenance::True as usize],
                false_: records[Provenance::False as usize],
                misattributed: records[Provenance::Misattributed as usize],
                total: records.iter().sum(),
                pending_at_end: t.records_pending,
                by_source: model
                    .sources
                    .iter()
                    .zip(&t.records_by_source)
                    .map(|(s, &c)| (s.id.clone(), c.into()))
                    .collect(),
                by_type: model
                    .behaviours
                    .iter()
                    .zip(&t.records_by_type)
                    .map(|(b, &c)| (b.id.clone(), c.into()))
                    .collect(),
            },
            behaviour: Behaviour {
                acts: model
                    .behaviours
                    .iter()
                    .zip(&t.acts)
                    .map(|(b, &n)| (b.id.clone(), n))
                    .collect(),
                total_acts: t.acts.iter().sum(),
                captured: t.captured,
            },
            person_days_by_grade: grades
                .iter()
                .enumerate()
                .map(|(g, n)| (n.clone(), t.occupancy_days[layout.grade(g)]))
                .collect(),
            persons_ever_in_grade: grades
                .iter()
                .enumerate()
                .map(|(g, n)| (n.clone(), t.ever[layout.ever_grade(g)]))
                .collect(),
            listed: model
                .lists
                .iter()
                .enumerate()
                .map(|(l, list)| {
                    (
                        list.id.clone(),
                        Listed {
                            persons_ever: t.ever[layout.ever_list(l)],
                            person_days: t.occupancy_days[layout.list(l)],
                            at_end: end(layout.list(l)),
                        },
                    )
                })
                .collect(),
            sanctions,
            rewards,
            treatments,
            sanctioned: Occupancy {
                persons_ever: t.ever[layout.ever_sanctioned()],
                person_days: t.occupancy_days[layout.any_sanction()],
            },
            scrutiny: Occupancy {
                persons_ever: t.ever[layout.ever_scrutiny()],
                person_days: t.occupancy_days[layout.scrutiny()],
            },
        }
    }
}

/// One cell of the time series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// A count or a day.
    Int(i64),
    /// A mean or share.
    Float(f64),
}

/// A table: named columns, one row per reporting period.
#[derive(Debug, Clone)]
pub struct Table {
    /// Column names (documented in docs/outputs.md).
    pub columns: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

/// The monthly time series: state at each period's end and flows within it.
pub fn timeseries(model: &Model, tally: &Tally) -> Table {
    let layout = Layout::of(model);
    let mut columns = vec!["period".to_string(), "start_day".into(), "end_day".into()];
    let grades: Vec<&str> = model
        .score
        .as_ref()
        .map(|s| s.grades.iter().map(|g| g.name.as_str()).collect())
        .unwrap_or_default();
    for g in &grades {
        columns.push(format!("grade_{g}"));
    }
    if model.score.is_some() {
        columns.push("mean_score".into());
        for q in ["p10", "p50", "p90"] {
            columns.push(format!("score_{q}"));
        }
    }
    for l in &model.lists {
        columns.push(format!("listed_{}", l.id));
    }
    columns.extend(["sanctioned".into(), "under_scrutiny".into()]);
    for p in Provenance::ALL {
        columns.push(format!("records_{}", p.name()));
    }
    for src in &model.sources {
        columns.push(format!("records_source_{}", src.id));
    }
    for kind in ["sanction", "reward"] {
        for d in &model.domains {
            columns.push(format!("{kind}_applications_{d}"));
        }
        let verb = if kind == "sanction" {
            "denied"
        } else {
            "granted"
        };
        for d in &model.domains {
            columns.push(format!("{verb}_attempts_{d}"));
        }
    }
    let mut rows = Vec::new();
    let mut start = 0u32;
    for (k, p) in tally.periods.iter().enumerate() {
        let end = model.period_ends[k];
        let mut row = vec![
            Cell::Int(k as i64 + 1),
            Cell::Int(start as i64),
            Cell::Int(end as i64),
        ];
        for g in 0..grades.len() {
            row.push(Cell::Int(p.occupancy[layout.grade(g)] as i64));
        }
        if model.score.is_some() {
            row.push(Cell::Float(p.score_sum as f64 / model.persons as f64));
            for q in [0.1, 0.5, 0.9] {
                row.push(Cell::Int(p.score_quantile(q).unwrap_or(0)));
            }
        }
        for l in 0..model.lists.len() {
            row.push(Cell::Int(p.occupancy[layout.list(l)] as i64));
        }
        row.push(Cell::Int(p.occupancy[layout.any_sanction()] as i64));
        row.push(Cell::Int(p.occupancy[layout.scrutiny()] as i64));
        for c in p.records {
            row.push(Cell::Int(c as i64));
        }
        for &c in &p.records_by_source {
            row.push(Cell::Int(c as i64));
        }
        for kind in [TreatmentKind::Sanction, TreatmentKind::Reward] {
            let mut apps = vec![0i64; model.domains.len()];
            let mut attempts = vec![0i64; model.domains.len()];
            for (t, tr) in model.treatments.iter().enumerate() {
                if tr.kind == kind {
                    apps[model.services[tr.service].domain] += p.applications[t] as i64;
                }
            }
            for (s, svc) in model.services.iter().enumerate() {
                attempts[svc.domain] += match kind {
                    TreatmentKind::Sanction => p.denied[s],
                    TreatmentKind::Reward => p.granted[s],
                } as i64;
            }
            row.extend(apps.into_iter().map(Cell::Int));
            row.extend(attempts.into_iter().map(Cell::Int));
        }
        rows.push(row);
        start = end;
    }
    Table { columns, rows }
}
