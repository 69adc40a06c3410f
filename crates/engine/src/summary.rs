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
use serde::{Deserialize, Serialize};

/// `summary.json`. Field names are a contract: users' scripts read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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

impl Responses {
    /// Whether responses suppressed any act (deterrence or chilling was at work).
    pub fn suppressed_acts(&self) -> bool {
        self.candidate_acts.total() > self.performed_acts.total()
    }

    /// Relative change in genuine violations against the acts that would have happened
    /// without responses: performed / candidate − 1 (null without candidates). Counted
    /// in the factual run; the audit's measure 11 compares with a re-simulation instead.
    pub fn change_in_violations(&self) -> Option<f64> {
        relative_change(
            self.performed_acts.violations,
            self.candidate_acts.violations,
        )
    }

    /// The same for protected conduct.
    pub fn change_in_protected_conduct(&self) -> Option<f64> {
        relative_change(self.performed_acts.protected, self.candidate_acts.protected)
    }
}

/// a / b − 1, null when b is 0.
fn relative_change(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64 - 1.0)
}

/// A count for genuine and for erroneous records.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Truth {
    /// Records of a real act of the person.
    pub genuine: u64,
    /// False or misattributed records.
    pub erroneous: u64,
}

impl Truth {
    /// Genuine and erroneous together.
    pub fn total(&self) -> u64 {
        self.genuine + self.erroneous
    }
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
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ActClasses {
    /// Acts of unprotected behaviours whose records are adverse (genuine violations).
    pub violations: u64,
    /// Acts of protected behaviours.
    pub protected: u64,
}

impl ActClasses {
    /// Both classes together.
    pub fn total(&self) -> u64 {
        self.violations + self.protected
    }
}

/// Scenario name, description and digest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScenarioId {
    /// Name.
    pub name: String,
    /// FNV-1a 64 digest of the resolved scenario.
    pub hash: String,
    /// Description.
    pub description: String,
}

/// State on the last day.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Behaviour {
    /// Behaviour → genuine occurrences.
    pub acts: IndexMap<String, u64>,
    /// All genuine occurrences.
    pub total_acts: u64,
    /// Captures by sources (one act can be captured by several sources).
    pub captured: u64,
}

/// A list's counts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Listed {
    /// Persons ever on the list.
    pub persons_ever: u64,
    /// Person-days on the list.
    pub person_days: u64,
    /// Persons on the list on the last day.
    pub at_end: u64,
}

/// Treatment counts in one domain.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
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

impl DomainTreatment {
    /// Applications to the triggering persons and to their households.
    pub fn all_applications(&self) -> u64 {
        self.applications + self.household_applications
    }

    /// Whether nothing was applied and no attempt denied (or granted) in the domain.
    pub fn is_empty(&self) -> bool {
        self.all_applications() + self.attempts == 0
    }
}

/// One treatment's counts.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Occupancy {
    /// Persons ever.
    pub persons_ever: u64,
    /// Person-days.
    pub person_days: u64,
}

impl Summary {
    /// Share of persons ever under any sanction.
    pub fn share_ever_sanctioned(&self) -> f64 {
        self.sanctioned.persons_ever as f64 / self.persons as f64
    }

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

impl Cell {
    /// The cell as a number.
    pub fn as_f64(&self) -> f64 {
        match *self {
            Cell::Int(v) => v as f64,
            Cell::Float(v) => v,
        }
    }
}

/// A table: named columns, one row per reporting period.
#[derive(Debug, Clone)]
pub struct Table {
    /// Column names (documented in docs/outputs.md).
    pub columns: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

/// Names of the time series' columns that readers look up, defined once for the
/// writer ([`timeseries`]) and the readers ([`Table`]'s methods); docs/outputs.md
/// lists every column.
pub mod column {
    /// Reporting period, from 1.
    pub const PERIOD: &str = "period";
    /// Mean score at the period's end.
    pub const MEAN_SCORE: &str = "mean_score";
    /// 10th percentile of the score.
    pub const SCORE_P10: &str = "score_p10";
    /// Median score.
    pub const SCORE_P50: &str = "score_p50";
    /// 90th percentile of the score.
    pub const SCORE_P90: &str = "score_p90";
    /// Persons under at least one sanction.
    pub const SANCTIONED: &str = "sanctioned";
    /// Appeals filed in the period.
    pub const APPEALS_FILED: &str = "appeals_filed";
    /// Appeals decided in the period.
    pub const APPEALS_DECIDED: &str = "appeals_decided";
    /// Appeals waiting at the period's end.
    pub const APPEALS_WAITING: &str = "appeals_waiting";
    /// Mean days from filing to decision of the period's decisions.
    pub const APPEAL_MEAN_WAIT_DAYS: &str = "appeal_mean_wait_days";
    /// Prefix of the chilling factors' columns.
    pub(crate) const CHILLING: &str = "chilling_factor";

    /// Persons in a grade at the period's end.
    pub fn grade(grade: &str) -> String {
        format!("grade_{grade}")
    }

    /// Persons on a list at the period's end.
    pub fn listed(list: &str) -> String {
        format!("listed_{list}")
    }

    /// The chilling factor in force for a category (or for everyone).
    pub fn chilling(category: Option<&str>) -> String {
        match category {
            None => CHILLING.into(),
            Some(c) => format!("{CHILLING}_{c}"),
        }
    }

    /// Acts of a class that would have happened without responses.
    pub fn candidate(class: super::ActClass) -> String {
        format!("{}_candidate", class.name())
    }

    /// Acts of a class that happened.
    pub fn performed(class: super::ActClass) -> String {
        format!("{}_performed", class.name())
    }
}

/// A class of acts that responses act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActClass {
    /// Acts of unprotected behaviours whose records are adverse.
    Violations,
    /// Acts of protected behaviours.
    Protected,
}

impl ActClass {
    /// Both classes.
    pub const ALL: [ActClass; 2] = [ActClass::Violations, ActClass::Protected];

    /// Its name in column names.
    pub fn name(self) -> &'static str {
        match self {
            ActClass::Violations => "violations",
            ActClass::Protected => "protected",
        }
    }
}

impl Table {
    /// A column's values as numbers (null when the run has no such column).
    pub fn column(&self, name: &str) -> Option<Vec<f64>> {
        let c = self.columns.iter().position(|n| n == name)?;
        Some(
            self.rows
                .iter()
                .filter_map(|r| r.get(c).map(Cell::as_f64))
                .collect(),
        )
    }

    /// The reporting periods, 1, 2, …
    pub fn periods(&self) -> Vec<f64> {
        self.column(column::PERIOD).unwrap_or_default()
    }

    /// Percentage of `persons` in a grade at each period's end.
    pub fn grade_percentages(&self, grade: &str, persons: u64) -> Option<Vec<f64>> {
        let n = (persons as f64).max(1.0);
        let counts = self.column(&column::grade(grade))?;
        Some(counts.into_iter().map(|x| 100.0 * x / n).collect())
    }

    /// Persons on a list at each period's end.
    pub fn listed(&self, list: &str) -> Option<Vec<f64>> {
        self.column(&column::listed(list))
    }

    /// Acts of a class done, as a percentage of those that would have been done
    /// without responses, each period (NaN in a period without candidate acts).
    pub fn performed_percentages(&self, class: ActClass) -> Option<Vec<f64>> {
        let c = self.column(&column::candidate(class))?;
        let p = self.column(&column::performed(class))?;
        Some(
            c.iter()
                .zip(&p)
                .map(|(c, p)| if *c > 0.0 { 100.0 * p / c } else { f64::NAN })
                .collect(),
        )
    }

    /// The chilling factors in force each period: by category of the chilling
    /// attribute, or one for everyone (null category).
    pub fn chilling_factors(&self) -> Vec<(Option<&str>, Vec<f64>)> {
        self.columns
            .iter()
            .filter_map(|name| {
                let rest = name.strip_prefix(column::CHILLING)?;
                let category = match rest.strip_prefix('_') {
                    Some(c) => Some(c),
                    None if rest.is_empty() => None,
                    None => return None,
                };
                Some((category, self.column(name)?))
            })
            .collect()
    }
}

/// The monthly time series: state at each period's end and flows within it.
pub fn timeseries(model: &Model, outcome: &Outcome) -> Table {
    let tally = &outcome.tally;
    let layout = Layout::of(model);
    let mut columns = vec![
        column::PERIOD.to_string(),
        "start_day".into(),
        "end_day".into(),
    ];
    let grades: Vec<&str> = model
        .score
        .as_ref()
        .map(|s| s.grades.iter().map(|g| g.name.as_str()).collect())
        .unwrap_or_default();
    for g in &grades {
        columns.push(column::grade(g));
    }
    if model.score.is_some() {
        columns.extend(
            [
                column::MEAN_SCORE,
                column::SCORE_P10,
                column::SCORE_P50,
                column::SCORE_P90,
            ]
            .map(String::from),
        );
    }
    for l in &model.lists {
        columns.push(column::listed(&l.id));
    }
    columns.extend([column::SANCTIONED.into(), "under_scrutiny".into()]);
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
                column::APPEALS_FILED,
                column::APPEALS_DECIDED,
                "appeals_upheld",
                column::APPEALS_WAITING,
                column::APPEAL_MEAN_WAIT_DAYS,
            ]
            .map(String::from),
        );
    }
    if appeals || repair {
        columns.extend(["records_repaired", "records_removed"].map(String::from));
    }
    if responses {
        for class in ActClass::ALL {
            columns.extend([column::candidate(class), column::performed(class)]);
        }
        columns.push("penalised_for_protected".into());
    }
    let chill_names: Vec<String> = match model.chilling.as_ref() {
        None => Vec::new(),
        Some(c) => match c.attribute {
            None => vec![column::chilling(None)],
            Some(a) => model.attributes[a]
                .categories
                .values
                .iter()
                .map(|v| column::chilling(Some(v.as_str())))
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
