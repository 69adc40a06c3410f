//! The time series (`timeseries.csv`): one row per reporting period, its columns named
//! once in [`column`], and typed readers for the writers.

use super::*;
use crate::Outcome;
use crate::tally::{Layout, Provenance};

/// One cell of the time series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// A count or a day.
    Int(i64),
    /// A mean or share.
    Float(f64),
    /// A calendar date, as days since 1970-01-01 (Arrow's `Date32`).
    Date(i32),
}

impl Cell {
    /// The cell as a number.
    pub fn as_f64(&self) -> f64 {
        match *self {
            Cell::Int(v) => v as f64,
            Cell::Float(v) => v,
            Cell::Date(v) => v as f64,
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
    /// The day the period ends: it covers days `[start_day, end_day)`.
    pub const END_DAY: &str = "end_day";
    /// Calendar date of the period's last day (`simulation.start` + end_day − 1).
    pub const END_DATE: &str = "end_date";
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

    /// Persons ever on a list by the period's end.
    pub fn ever_listed(list: &str) -> String {
        format!("ever_listed_{list}")
    }

    /// Denied attempts to use a service from the start to the period's end.
    pub fn denied_attempts_to_date(service: &str) -> String {
        format!("denied_attempts_to_date_{service}")
    }

    /// The chilling factor in force for a category (or for everyone).
    pub fn chilling(category: Option<&str>) -> String {
        match category {
            None => CHILLING.into(),
            Some(c) => format!("{CHILLING}_{c}"),
        }
    }

    /// Sanction applications in a domain in the period (own and household).
    pub fn sanction_applications(domain: &str) -> String {
        format!("sanction_applications_{domain}")
    }

    /// Denied attempts to use a service of a domain in the period.
    pub fn denied_attempts(domain: &str) -> String {
        format!("denied_attempts_{domain}")
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

    /// The last day of each reporting period as a fractional calendar year (2014.5 is
    /// 2 July 2014), when the scenario has a start date.
    pub fn calendar_years(&self) -> Option<Vec<f64>> {
        let c = self.columns.iter().position(|n| n == column::END_DATE)?;
        self.rows
            .iter()
            .map(|r| match r.get(c) {
                Some(Cell::Date(d)) => {
                    Some(credsim_model::calendar::Date::from_days(i64::from(*d)).decimal_year())
                }
                _ => None,
            })
            .collect()
    }

    /// The end of each reporting period in years since the start (365-day years).
    pub fn years(&self) -> Vec<f64> {
        self.column(column::END_DAY)
            .unwrap_or_default()
            .into_iter()
            .map(|d| d / 365.0)
            .collect()
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

/// What the time series has columns for, from the model.
struct Groups<'m> {
    grades: Vec<&'m str>,
    appeals: bool,
    repair: bool,
    responses: bool,
    contacts: bool,
    chill_names: Vec<String>,
}

impl<'m> Groups<'m> {
    fn of(model: &'m Model) -> Groups<'m> {
        let grades: Vec<&str> = model
            .score
            .as_ref()
            .map(|s| s.grades.iter().map(|g| g.name.as_str()).collect())
            .unwrap_or_default();
        let appeals = model.appeals.is_some();
        let repair = model.repair.is_some();
        let responses =
            model.chilling.is_some() || model.behaviours.iter().any(|b| b.deterrence.is_some());
        let contacts = model.lists.iter().any(|l| l.contacts.is_some());
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
        Groups {
            grades,
            appeals,
            repair,
            responses,
            contacts,
            chill_names,
        }
    }
}

/// The time series of a run: one row per reporting period.
pub fn timeseries(model: &Model, outcome: &Outcome) -> Table {
    let groups = Groups::of(model);
    let layout = Layout::of(model);
    let mut rows = Vec::new();
    let mut start = 0u32;
    for (k, p) in outcome.tally.periods.iter().enumerate() {
        let end = model.period_ends[k];
        rows.push(period_row(
            model, outcome, &groups, &layout, k, p, start, end,
        ));
        start = end;
    }
    Table {
        columns: column_names(model, &groups),
        rows,
    }
}

/// The services some sanction treatment restricts, in service order.
fn sanctioned_services(model: &Model) -> Vec<usize> {
    (0..model.services.len())
        .filter(|&s| {
            model
                .treatments
                .iter()
                .any(|t| t.service == s && t.kind == TreatmentKind::Sanction)
        })
        .collect()
}

/// The columns' names, in the order of [`period_row`]'s cells.
fn column_names(model: &Model, groups: &Groups<'_>) -> Vec<String> {
    let mut columns = vec![
        column::PERIOD.to_string(),
        "start_day".into(),
        column::END_DAY.into(),
    ];
    if model.start.is_some() {
        columns.push(column::END_DATE.into());
    }
    for g in &groups.grades {
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
        columns.push(column::ever_listed(&l.id));
    }
    columns.extend([column::SANCTIONED.into(), "under_scrutiny".into()]);
    for p in Provenance::ALL {
        columns.push(format!("records_{}", p.name()));
    }
    if !model.attacks.is_empty() {
        columns.push(format!("records_{}", Provenance::Tampered.name()));
    }
    for src in &model.sources {
        columns.push(format!("records_source_{}", src.id));
    }
    for d in &model.domains {
        columns.push(column::sanction_applications(d));
    }
    for d in &model.domains {
        columns.push(column::denied_attempts(d));
    }
    for d in &model.domains {
        columns.push(format!("reward_applications_{d}"));
    }
    for d in &model.domains {
        columns.push(format!("granted_attempts_{d}"));
    }
    for s in sanctioned_services(model) {
        columns.push(column::denied_attempts_to_date(&model.services[s].id));
    }
    if groups.appeals {
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
    if groups.appeals || groups.repair {
        columns.extend(["records_repaired", "records_removed"].map(String::from));
    }
    if groups.responses {
        for class in ActClass::ALL {
            columns.extend([column::candidate(class), column::performed(class)]);
        }
        columns.push("penalised_for_protected".into());
    }
    columns.extend(groups.chill_names.iter().cloned());
    if groups.contacts {
        columns.push("association_entries".into());
    }
    columns
}

/// One period's cells (see [`column_names`]).
#[allow(clippy::too_many_arguments)]
fn period_row(
    model: &Model,
    outcome: &Outcome,
    groups: &Groups<'_>,
    layout: &Layout,
    k: usize,
    p: &crate::tally::PeriodTally,
    start: u32,
    end: u32,
) -> Vec<Cell> {
    let mut row = vec![
        Cell::Int(k as i64 + 1),
        Cell::Int(start as i64),
        Cell::Int(end as i64),
    ];
    if let Some(day0) = model.start {
        row.push(Cell::Date((day0.days() + i64::from(end) - 1) as i32));
    }
    for g in 0..groups.grades.len() {
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
        row.push(Cell::Int(p.ever[layout.ever_list(l)] as i64));
    }
    row.push(Cell::Int(p.occupancy[layout.any_sanction()] as i64));
    row.push(Cell::Int(p.occupancy[layout.scrutiny()] as i64));
    for c in p.records {
        row.push(Cell::Int(c as i64));
    }
    if !model.attacks.is_empty() {
        row.push(Cell::Int(p.tampered as i64));
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
    for s in sanctioned_services(model) {
        let to_date: u64 = outcome.tally.periods[..=k]
            .iter()
            .map(|q| q.denied[s])
            .sum();
        row.push(Cell::Int(to_date as i64));
    }
    let r = &p.responses;
    let int = |x: u64| Cell::Int(x as i64);
    if groups.appeals {
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
    if groups.appeals || groups.repair {
        row.extend([
            int(r.repaired[0] + r.repaired[1]),
            int(r.removed[0] + r.removed[1]),
        ]);
    }
    if groups.responses {
        row.extend([
            int(r.candidate_acts[0]),
            int(r.performed_acts[0]),
            int(r.candidate_acts[1]),
            int(r.performed_acts[1]),
            int(r.penalised_protected),
        ]);
    }
    for c in 0..groups.chill_names.len() {
        row.push(Cell::Float(
            outcome
                .chilling
                .get(k)
                .and_then(|f| f.get(c))
                .copied()
                .unwrap_or(1.0),
        ));
    }
    if groups.contacts {
        row.push(int(r.association_entries));
    }
    row
}
