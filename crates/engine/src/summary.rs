//! The published results of a run: the summary (`summary.json`) and the monthly time
//! series, computed from a [`Tally`] and the model's names. Pure functions; the
//! caller serialises them.
//!
//! The summary holds only what the scenario and seed determine, so identical runs
//! give byte-identical summaries (wall time and host go elsewhere).

use crate::Outcome;
use crate::tally::{Layout, Provenance};
use credsim_model::Model;
use credsim_model::TreatmentKind;
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
    /// Appeals, credit repair and behavioural responses (absent when the scenario has
    /// none of them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responses: Option<Responses>,
}

/// Appeals, repair, deterrence, chilling and contacts over the whole run. Pairs are
/// `{genuine, erroneous}`: records of a real act of the person, and false or
/// misattributed ones.
#[derive(Debug, Clone, Serialize)]
pub struct Responses {
    /// Adverse records (negative points or a list trigger) that arrived.
    pub adverse_records: Truth,
    /// Appeals filed.
    pub appeals_filed: Truth,
    /// Appeals decided within the horizon.
    pub appeals_decided: Truth,
    /// Appeals upheld (record removed).
    pub appeals_upheld: Truth,
    /// Appeals waiting for a review at the end.
    pub appeals_waiting_at_end: u64,
    /// Mean days from filing to decision (null when none was decided).
    pub mean_wait_days: Option<f64>,
    /// Records removed by credit repair.
    pub repaired: Truth,
    /// Records removed by appeal or repair.
    pub removed: Truth,
    /// Acts that would have happened without deterrence and chilling:
    /// `{violations, protected}`.
    pub candidate_acts: ActClasses,
    /// Acts that happened.
    pub performed_acts: ActClasses,
    /// Acts suppressed while deterred.
    pub deterred_acts: u64,
    /// Person-periods penalised (adverse record) for protected conduct.
    pub penalised_for_protected_conduct: u64,
    /// Entries onto lists through contacts triggers.
    pub association_entries: u64,
}

/// A count for genuine and for erroneous records.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Truth {
    /// Records of a real act of the person.
    pub genuine: u64,
    /// False or misattributed records.
    pub erroneous: u64,
}

impl From<[u64; 2]> for Truth {
    fn from(c: [u64; 2]) -> Self {
        Truth {
            genuine: c[0],
            erroneous: c[1],
        }
    }
}

/// Acts by class.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ActClasses {
    /// Acts of unprotected behaviours whose records are adverse (genuine violations).
    pub violations: u64,
    /// Acts of protected behaviours.
    pub protected: u64,
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
            responses: has_responses(model).then(|| {
                let r = &t.responses;
                let decided = r.decided[0] + r.decided[1];
                Responses {
                    adverse_records: r.adverse.into(),
                    appeals_filed: r.appealed.into(),
                    appeals_decided: r.decided.into(),
                    appeals_upheld: r.upheld.into(),
                    appeals_waiting_at_end: r.queue,
                    mean_wait_days: (decided > 0).then(|| r.wait_days as f64 / decided as f64),
                    repaired: r.repaired.into(),
                    removed: r.removed.into(),
                    candidate_acts: ActClasses {
                        violations: r.candidate_acts[0],
                        protected: r.candidate_acts[1],
                    },
                    performed_acts: ActClasses {
                        violations: r.performed_acts[0],
                        protected: r.performed_acts[1],
                    },
                    deterred_acts: r.deterred_acts,
                    penalised_for_protected_conduct: r.penalised_protected,
                    association_entries: r.association_entries,
                }
            }),
        }
    }
}

/// Whether the scenario has appeals, repair, deterrence, chilling or contacts triggers.
pub fn has_responses(model: &Model) -> bool {
    model.appeals.is_some()
        || model.repair.is_some()
        || model.chilling.is_some()
        || model.behaviours.iter().any(|b| b.deterrence.is_some())
        || model.lists.iter().any(|l| l.contacts.is_some())
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
pub fn timeseries(model: &Model, outcome: &Outcome) -> Table {
    let tally = &outcome.tally;
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
    let appeals = model.appeals.is_some();
    let repair = model.repair.is_some();
    let responses =
        model.chilling.is_some() || model.behaviours.iter().any(|b| b.deterrence.is_some());
    let contacts = model.lists.iter().any(|l| l.contacts.is_some());
    if appeals {
        columns.extend(
            [
                "appeals_filed",
                "appeals_decided",
                "appeals_upheld",
                "appeals_waiting",
                "appeal_mean_wait_days",
            ]
            .map(String::from),
        );
    }
    if appeals || repair {
        columns.extend(["records_repaired", "records_removed"].map(String::from));
    }
    if responses {
        columns.extend(
            [
                "violations_candidate",
                "violations_performed",
                "protected_candidate",
                "protected_performed",
                "penalised_for_protected",
            ]
            .map(String::from),
        );
    }
    let chill_names: Vec<String> = match model.chilling.as_ref() {
        None => Vec::new(),
        Some(c) => match c.attribute {
            None => vec!["chilling_factor".into()],
            Some(a) => model.attributes[a]
                .categories
                .values
                .iter()
                .map(|v| format!("chilling_factor_{v}"))
                .collect(),
        },
    };
    columns.extend(chill_names.iter().cloned());
    if contacts {
        columns.push("association_entries".into());
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
        let r = &p.responses;
        let int = |x: u64| Cell::Int(x as i64);
        if appeals {
            let decided = r.decided[0] + r.decided[1];
            row.extend([
                int(r.appealed[0] + r.appealed[1]),
                int(decided),
                int(r.upheld[0] + r.upheld[1]),
                int(r.queue),
                Cell::Float(if decided > 0 {
                    r.wait_days as f64 / decided as f64
                } else {
                    f64::NAN
                }),
            ]);
        }
        if appeals || repair {
            row.extend([
                int(r.repaired[0] + r.repaired[1]),
                int(r.removed[0] + r.removed[1]),
            ]);
        }
        if responses {
            row.extend([
                int(r.candidate_acts[0]),
                int(r.performed_acts[0]),
                int(r.candidate_acts[1]),
                int(r.performed_acts[1]),
                int(r.penalised_protected),
            ]);
        }
        for c in 0..chill_names.len() {
            row.push(Cell::Float(
                outcome
                    .chilling
                    .get(k)
                    .and_then(|f| f.get(c))
                    .copied()
                    .unwrap_or(1.0),
            ));
        }
        if contacts {
            row.push(int(r.association_entries));
        }
        rows.push(row);
        start = end;
    }
    Table { columns, rows }
}
