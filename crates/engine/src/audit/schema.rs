//! `audit.json`: the published measures, section by section. Every field is defined in
//! docs/audit.md.

use super::Estimate;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// `audit.json`: the measures, each with its standard error. Defined in docs/audit.md.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Audit {
    /// Version of credsim that produced this.
    pub credsim_version: String,
    /// Scenario name and hash, seed, persons.
    pub scenario: String,
    /// Hash of the resolved scenario.
    pub scenario_hash: String,
    /// Seed.
    pub seed: u64,
    /// Persons.
    pub persons: u64,
    /// Counterfactual runs made (mechanisms the scenario has).
    pub counterfactuals: Vec<String>,
    /// Jackknife groups with persons in them.
    pub jackknife_groups: usize,
    /// 1. Sanctions caused by false and misattributed records.
    pub wrongful: Option<Wrongful>,
    /// 2. Sanctions outside the domain of the records behind them.
    pub cross_context: CrossContext,
    /// 3. Adverse outcomes by attribute category.
    pub disparate_impact: IndexMap<String, Vec<CategoryImpact>>,
    /// 4. Records of protected conduct.
    pub protected_conduct: Option<Protected>,
    /// 5. Punishment per genuine recorded violation, by domain of origin.
    pub amplification: IndexMap<String, Amplification>,
    /// 6. Persons sanctioned only because of someone else in their household.
    pub household_spillover: Spillover,
    /// 7. Records and sanctions that exist only because of heightened scrutiny.
    pub scrutiny_feedback: Option<ScrutinyFeedback>,
    /// 8. Grade mobility and time to leave the lowest grade or a list.
    pub mobility: Mobility,
    /// 9. How concentrated sanction-days are.
    pub concentration: Concentration,
    /// 10. Appeals and credit repair: what they correct, what queueing costs (null without).
    pub appeals: Option<AppealsAudit>,
    /// 11. Behavioural responses: deterrence next to chilling.
    pub responses: Option<ResponsesAudit>,
    /// 12. Association punishment: sanctions through whom one knows.
    pub association: Option<AssociationAudit>,
    /// Measure 13, disproportion (EU AI Act Art. 5(1)(c)(ii)): sanctions by the gravity
    /// of the conduct behind them (null only in audits written before it existed).
    #[serde(default)]
    pub disproportion: Option<Disproportion>,
}

/// Measure 13.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Disproportion {
    /// The threshold of minor conduct (`minor_gravity`; null: not stated, so no person
    /// is classed as minor-only).
    pub minor_gravity: Option<f64>,
    /// Share of the ever-sanctioned whose genuine acts have total gravity 0
    /// (unjustified: erroneous records, protected conduct, household or contacts only).
    pub unjustified_share_of_sanctioned_persons: Estimate,
    /// Share of sanction-days borne by those persons.
    pub unjustified_share_of_sanction_days: Estimate,
    /// Share of the ever-sanctioned whose every genuine act is below the threshold
    /// (and some has a gravity > 0); null without a threshold.
    pub minor_only_share_of_sanctioned_persons: Option<Estimate>,
    /// Share of sanction-days borne by those persons; null without a threshold.
    pub minor_only_share_of_sanction_days: Option<Estimate>,
    /// By gravity class of the conduct: `none` (G = 0), `minor` (every act below the
    /// threshold), `serious` (some act at or above it; every G > 0 without a threshold).
    pub by_class: Vec<GravityClass>,
}

/// One gravity class of measure 13.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GravityClass {
    /// `none`, `minor` or `serious`.
    pub class: String,
    /// Persons in the class.
    pub persons: u64,
    /// Of them, ever sanctioned.
    pub persons_sanctioned: Estimate,
    /// Their sanction-days.
    pub sanction_days: Estimate,
    /// Share of all sanction-days.
    pub share_of_sanction_days: Estimate,
}

/// Measure 10.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppealsAudit {
    /// Adverse records (negative points or a list trigger) that were false or misattributed.
    pub erroneous_adverse_records: u64,
    /// Share of them never removed by an appeal or repair within the horizon.
    pub share_of_erroneous_records_never_corrected: Estimate,
    /// Share of genuine adverse records removed by an appeal or repair.
    pub share_of_genuine_records_removed: Estimate,
    /// Appeals filed.
    pub appeals_filed: u64,
    /// Appeals decided within the horizon.
    pub appeals_decided: u64,
    /// Appeals upheld.
    pub appeals_upheld: u64,
    /// Appeals still waiting for a review at the end.
    pub queue_at_end: u64,
    /// Mean days from filing to decision, over decided appeals.
    pub mean_wait_days: Estimate,
    /// Sanction-days that appeals and repair removed: days without them − days with them.
    pub sanction_days_removed: Estimate,
    /// Wrongful sanction-days (those caused by data errors) that appeals and repair
    /// removed: W(without appeals) − W(factual), W = sanction-days − sanction-days of the
    /// same regime without errors. Null without data errors.
    pub wrongful_sanction_days_removed: Estimate,
    /// Sanction-days that exist because reviews wait in a queue: days − days with every
    /// review starting on filing. Null without an appeal office.
    pub sanction_days_due_to_queueing: Estimate,
    /// Wrongful sanction-days that remained because of queueing: W(factual) − W(no queue).
    pub wrongful_sanction_days_due_to_queueing: Estimate,
}

/// Measure 11.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResponsesAudit {
    /// Relative change in genuine violations (acts of unprotected behaviours with adverse
    /// records) against the same regime without responses: performed / candidate − 1.
    pub change_in_violations: Estimate,
    /// The same for protected conduct (chilling, and deterrence of protected behaviours).
    pub change_in_protected_conduct: Estimate,
    /// Acts suppressed while deterred.
    pub deterred_acts: u64,
    /// Relative change in sanction-days: days / days without responses − 1.
    pub change_in_sanction_days: Estimate,
    /// Relative change in persons ever sanctioned.
    pub change_in_persons_sanctioned: Estimate,
}

/// Measure 12.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AssociationAudit {
    /// Persons ever sanctioned who would not have been without contacts triggers.
    pub persons_sanctioned_only_through_contacts: Estimate,
    /// Their share of ever-sanctioned persons.
    pub share_of_sanctioned_persons: Estimate,
    /// Persons ever listed who would not have been without contacts triggers.
    pub persons_listed_only_through_contacts: Estimate,
    /// Share of sanction-days that exist only because of contacts triggers.
    pub share_of_sanction_days: Estimate,
}

/// Measure 1.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Wrongful {
    /// Persons ever sanctioned who would never have been without data errors.
    pub persons_wrongly_sanctioned: Estimate,
    /// Share of ever-sanctioned persons who were wrongly sanctioned.
    pub share_of_sanctioned_persons: Estimate,
    /// Σ max(0, sanction-days − sanction-days without errors).
    pub person_days_wrongly_sanctioned: Estimate,
    /// (sanction-days − sanction-days without errors) / sanction-days.
    pub share_of_sanction_days_caused_by_errors: Estimate,
    /// Persons sanctioned only in the counterfactual without errors (e.g. whose own
    /// record was misattributed to someone else).
    pub persons_spared_by_errors: Estimate,
    /// Persons ever listed who would never have been listed without errors.
    pub persons_wrongly_listed: Estimate,
}

/// Measure 2.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CrossContext {
    /// Cross-context sanction applications / sanction applications.
    pub share_of_applications: Estimate,
    /// Attempts denied while only cross-context sanctions held / denied attempts.
    pub share_of_denied_attempts: Estimate,
}

/// Measure 3, one category.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CategoryImpact {
    /// Category.
    pub category: String,
    /// Persons in it.
    pub persons: u64,
    /// Share ever sanctioned / listed / in the lowest grade.
    pub rate_sanctioned: Estimate,
    /// Share ever listed.
    pub rate_listed: Estimate,
    /// Share ever in the lowest grade.
    pub rate_lowest_grade: Estimate,
    /// Sanction rate relative to the most favoured category (lowest sanction rate).
    pub ratio_sanctioned: Estimate,
    /// Ratio above 1.25 (the four-fifths rule read for an adverse outcome).
    pub four_fifths_flag: bool,
    /// The same ratio with capture equalised across persons (null without uneven capture).
    pub ratio_sanctioned_equal_capture: Estimate,
    /// Share of the excess ratio explained by unequal capture:
    /// (ratio − ratio with equal capture) / (ratio − 1).
    pub share_explained_by_capture: Estimate,
}

/// Measure 4.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Protected {
    /// Points deducted by records of protected conduct / all points deducted.
    pub share_of_deductions: Estimate,
    /// Persons listed only because of records of protected conduct / persons listed.
    pub share_of_listed_persons: Estimate,
    /// Sanction-days that exist only because of records of protected conduct / sanction-days.
    pub share_of_sanction_days: Estimate,
}

/// Measure 5, one domain of origin.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Amplification {
    /// Genuine records (true provenance) with negative points or a list trigger.
    pub genuine_records: u64,
    /// Sanction person-days (own and household) per such record.
    pub sanction_days_per_record: Estimate,
    /// Denied attempts per such record.
    pub denied_attempts_per_record: Estimate,
}

/// Measure 6.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Spillover {
    /// Persons sanctioned only through someone else in their household.
    pub persons: Estimate,
    /// Their share of all ever-sanctioned persons.
    pub share_of_sanctioned_persons: Estimate,
    /// Their sanction-days.
    pub person_days: Estimate,
}

/// Measure 7.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScrutinyFeedback {
    /// Records that exist only because of scrutiny (records − records without scrutiny).
    pub extra_records: Estimate,
    /// Share of all records.
    pub share_of_records: Estimate,
    /// Share of sanction-days that exist only because of scrutiny.
    pub share_of_sanction_days: Estimate,
    /// Persons sanctioned who would not have been without scrutiny.
    pub persons_sanctioned_because_of_scrutiny: Estimate,
}

/// Measure 8.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Mobility {
    /// Grades, in the order of the transition matrix.
    pub grades: Vec<String>,
    /// Year-end to next year-end transitions: `matrix[from][to]` person-years.
    pub transitions: Vec<Vec<u64>>,
    /// Row shares of the matrix.
    pub transition_shares: Vec<Vec<Option<f64>>>,
    /// First stays in the lowest grade.
    pub lowest_grade: Stays,
    /// First stays on any list.
    pub lists: Stays,
}

/// Time until leaving a state, from first entry (Kaplan–Meier, censored at the horizon).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stays {
    /// Persons who entered.
    pub entered: u64,
    /// Median days to leave (null if under half ever leave within the horizon).
    pub median_days: Estimate,
    /// 90th percentile.
    pub p90_days: Estimate,
    /// Share of those who entered still in the state at the end of the horizon.
    pub share_never_leaving: Estimate,
}

/// Measure 9.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Concentration {
    /// Gini coefficient of sanction-days over all persons.
    pub gini: Estimate,
    /// Share of all sanction-days borne by the 1% of persons with the most.
    pub top_1_percent_share: Estimate,
}
