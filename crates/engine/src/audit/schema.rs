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
    /// How the 95% intervals were formed from those groups.
    #[serde(default)]
    pub intervals: Intervals,
    /// 1. Sanctions caused by false and misattributed records.
    pub wrongful: Option<Wrongful>,
    /// 2. Sanctions outside the domain of the records behind them.
    pub cross_context: CrossContext,
    /// 3. Adverse outcomes by attribute category.
    pub disparate_impact: IndexMap<String, Vec<CategoryImpact>>,
    /// 3b. Fairness on ground truth: error rates against who really did what.
    pub fairness: Fairness,
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
    /// Measure 15, tampering with the record store (absent without `[[attacks]]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tampering: Option<super::TamperingAudit>,
    /// Firms: the inspection loop, wrongful listings, cross-agency sanctions, time on
    /// lists, persons reached through roles, burden (absent without `[firms]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firms: Option<crate::firms::measures::FirmAudit>,
    /// Measure 16, record-store leaks (absent without `[[leaks]]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaks: Option<crate::leaks::LeaksAudit>,
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

/// Whether a mechanism the scenario has acted in the run (docs/audit.md, "Not triggered").
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// It acted somewhere: the section's estimates are its measures.
    #[default]
    Acted,
    /// It never acted (e.g. nobody ever under scrutiny): the estimates are null.
    NotTriggered,
}

/// The intervals of every estimate: value ± t₀.₉₇₅(k − 1) · se over k jackknife groups.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct Intervals {
    /// t₀.₉₇₅(k − 1), the multiplier of every standard error (null below 5 groups: no
    /// estimate has `ci_low`/`ci_high` then, only its standard error).
    pub t_quantile: Option<f64>,
    /// "ok" (10 groups or more), "few groups" (5 to 9: wide, rough intervals) or "none"
    /// (fewer than 5 groups: no intervals).
    pub status: String,
}

impl Intervals {
    /// The intervals of an audit over `groups` non-empty jackknife groups.
    pub fn for_groups(groups: usize) -> Intervals {
        let status = if groups < super::stats::MIN_GROUPS_FOR_INTERVAL {
            "none"
        } else if groups < super::stats::FEW_GROUPS {
            "few groups"
        } else {
            "ok"
        };
        Intervals {
            t_quantile: super::stats::interval_quantile(groups),
            status: status.to_string(),
        }
    }
}

/// Measure 10.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppealsAudit {
    /// "acted", or "not_triggered": the scenario has the mechanism but it never acted in
    /// this run, so every estimate below is null (not applicable).
    #[serde(default)]
    pub status: Status,
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
    /// Reviews the office could start within the horizon (null without `[appeals]`).
    #[serde(default)]
    pub review_capacity: Option<u64>,
    /// Utilisation ρ = appeals filed / review capacity, over the horizon.
    #[serde(default)]
    pub utilisation: Estimate,
    /// ρ > 1: appeals arrive faster than the office can start reviews, so the queue grows
    /// without bound and every waiting time grows with the horizon.
    #[serde(default)]
    pub queue_unstable: bool,
    /// Appeals filed but not decided within the horizon (censored in the waits below).
    #[serde(default)]
    pub appeals_pending_at_end: u64,
    /// Kaplan–Meier median days from filing to decision, pending appeals censored at the
    /// horizon (null when fewer than half are decided: not reached).
    #[serde(default)]
    pub wait_median_days: Estimate,
    /// Kaplan–Meier 90th percentile of the same (null: not reached).
    #[serde(default)]
    pub wait_p90_days: Estimate,
    /// Erroneous adverse records that arrived more than 365 days before the horizon.
    #[serde(default)]
    pub erroneous_records_followed_365_days: u64,
    /// Of those, the share removed by an appeal or repair within 365 days of arrival.
    #[serde(default)]
    pub share_of_erroneous_records_corrected_within_365_days: Estimate,
}

/// Measure 11.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResponsesAudit {
    /// "acted", or "not_triggered": the scenario has the mechanism but it never acted in
    /// this run, so every estimate below is null (not applicable).
    #[serde(default)]
    pub status: Status,
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
    /// "acted", or "not_triggered": the scenario has the mechanism but it never acted in
    /// this run, so every estimate below is null (not applicable).
    #[serde(default)]
    pub status: Status,
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
    /// "acted", or "not_triggered": the scenario has the mechanism but it never acted in
    /// this run, so every estimate below is null (not applicable).
    #[serde(default)]
    pub status: Status,
    /// Persons ever sanctioned who would never have been without data errors.
    pub persons_wrongly_sanctioned: Estimate,
    /// Share of ever-sanctioned persons who were wrongly sanctioned.
    pub share_of_sanctioned_persons: Estimate,
    /// Σ max(0, sanction-days − sanction-days without errors) (gross wrongful days).
    pub person_days_wrongly_sanctioned: Estimate,
    /// Gross: Σ max(0, days − days without errors) / sanction-days.
    pub gross_share_of_sanction_days: Estimate,
    /// Net: (sanction-days − sanction-days without errors) / sanction-days; gross
    /// wrongful days less the days errors spared; can be negative.
    pub net_share_of_sanction_days_caused_by_errors: Estimate,
    /// Persons sanctioned only in the counterfactual without errors (e.g. whose own
    /// record was misattributed to someone else).
    pub persons_spared_by_errors: Estimate,
    /// Σ max(0, days without errors − days): sanction-days errors spared.
    pub person_days_spared_by_errors: Estimate,
    /// Wrongly sanctioned persons and their excess days by the path errors took:
    /// `direct`, `household`, `association`, `systemic` (adding up to the totals).
    pub by_path: IndexMap<String, WrongfulByPath>,
    /// Persons ever listed who would never have been listed without errors.
    pub persons_wrongly_listed: Estimate,
}

/// Measure 1, one path.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WrongfulByPath {
    /// Persons wrongly sanctioned on this path.
    pub persons: Estimate,
    /// Σ max(0, days − days without errors) of the persons on this path.
    pub person_days: Estimate,
}

/// Measure 2.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CrossContext {
    /// Art. 5(1)(c)(i) share: (cross-context + no own record) / sanction applications
    /// (own and household spill-over).
    pub share_of_applications: Estimate,
    /// The same for denied attempts.
    pub share_of_denied_attempts: Estimate,
    /// The same for persons ever sanctioned (with at least one sanction-day).
    pub share_of_sanctioned_persons: Estimate,
    /// The same for sanction-days.
    pub share_of_sanction_days: Estimate,
    /// Applications split three ways (shares adding up to 1).
    pub applications: ContextSplit,
    /// Denied attempts split three ways.
    pub denied_attempts: ContextSplit,
    /// Persons with at least one sanction-day: some cross-context day; else some day with
    /// no own record; else in context only.
    pub sanctioned_persons: ContextSplit,
    /// Sanction-days: under an in-context sanction; else under a cross-context one; else
    /// with no own record behind any sanction held.
    pub sanction_days: ContextSplit,
    /// Record domain → service domains of the sanctions its adverse records can trigger.
    pub domain_map: IndexMap<String, Vec<String>>,
    /// The labelled cross-context share (cross-context / applications with an own
    /// record) when the domain map fixes it: 1 when every record domain differs from every
    /// service domain it reaches, 0 when they are all the same; null otherwise.
    pub labelled_share_by_construction: Option<f64>,
    /// The causal version: what exists only because scopes reach beyond the record's
    /// domain (counterfactual: every treatment of scope `own`). Null without a sanction of
    /// scope `all`.
    pub joint_punishment: Option<JointPunishment>,
}

/// Shares of one count by the context of the sanctions behind it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContextSplit {
    /// Total counted (applications, attempts, persons or days).
    pub total: u64,
    /// An adverse record from the service's domain behind the sanction.
    pub in_context: Estimate,
    /// Adverse records behind it, none from the service's domain.
    pub cross_context: Estimate,
    /// No adverse record of the person's own: household spill-over, contacts, the
    /// starting status.
    pub no_own_record: Estimate,
}

/// Measure 2, causal: factual run against every treatment of scope `own`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JointPunishment {
    /// Persons ever sanctioned who would never be with every scope `own`.
    pub persons_sanctioned_only_through_scope: Estimate,
    /// Their share of persons ever sanctioned.
    pub share_of_sanctioned_persons: Estimate,
    /// Sanction-days − sanction-days with every scope `own`.
    pub sanction_days_only_through_scope: Estimate,
    /// That difference / sanction-days.
    pub share_of_sanction_days: Estimate,
}

/// Measure 3, one category.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CategoryImpact {
    /// Category.
    pub category: String,
    /// Persons in it.
    pub persons: u64,
    /// The reference category of the attribute's ratios and differences (stated in the
    /// scenario, else the largest eligible category).
    pub reference: bool,
    /// Its persons can be sanctioned by their own conduct (some adverse behaviour has
    /// a positive rate and capture for them). An ineligible category's rate is pure
    /// error or spill-over; it gets no ratio, difference or flag.
    pub eligible: bool,
    /// Share ever sanctioned / listed / in the lowest grade.
    pub rate_sanctioned: Estimate,
    /// Share ever listed.
    pub rate_listed: Estimate,
    /// Share ever in the lowest grade.
    pub rate_lowest_grade: Estimate,
    /// Adverse relative risk: sanction rate / the reference's (log-scale interval).
    pub ratio_sanctioned: Estimate,
    /// The adverse relative risk's point value is above 1.25 (credsim's former
    /// "four-fifths" flag; not the Guidelines' rule, see `four_fifths`).
    pub adverse_ratio_above_1_25: bool,
    /// Favourable rate (never sanctioned) / the reference's (log-scale interval).
    pub favourable_ratio: Estimate,
    /// Favourable rate − the reference's, as a share (printed in percentage points).
    pub statistical_parity_difference: Estimate,
    /// Favourable rate / the highest favourable rate among eligible categories, the
    /// highest chosen again in each jackknife replicate (log-scale interval).
    pub favourable_ratio_to_highest: Estimate,
    /// 29 CFR 1607.4(D): `favourable_ratio_to_highest` below 4/5, and significantly
    /// below 1 (its 95% interval excludes 1).
    pub four_fifths: bool,
    /// The same contrasts with capture equalised, at each stated level (the
    /// population mean, then each category's own level of every attribute that carries
    /// capture multipliers). Empty unless this attribute carries capture multipliers.
    pub equal_capture: Vec<EqualCaptureImpact>,
    /// Conditional parity: the sanction rate among persons with 0, 1, 2 and 3 or more
    /// genuine violations (acts of unprotected adverse behaviours).
    pub sanctioned_given_acts: Vec<ConditionalRate>,
}

/// Measure 3 with capture equalised at one level: everyone watched as much as the
/// average person, or as the average person of one category.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EqualCaptureImpact {
    /// `population mean`, or the category whose level everyone gets (`group = minority`).
    pub level: String,
    /// Share ever sanctioned in that counterfactual.
    pub rate_sanctioned: Estimate,
    /// Its adverse relative risk against the reference in the same counterfactual.
    pub ratio_sanctioned: Estimate,
    /// Its favourable-rate difference from the reference, as a share.
    pub statistical_parity_difference: Estimate,
}

/// The sanction rate of a category's persons with a given number of genuine violations.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConditionalRate {
    /// Genuine violations: `0`, `1`, `2`, `3+`.
    pub acts: String,
    /// Persons of the category with that many.
    pub persons: u64,
    /// Share of them ever sanctioned.
    pub rate_sanctioned: Estimate,
}

/// Measure 4.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Protected {
    /// "acted", or "not_triggered": the scenario has the mechanism but it never acted in
    /// this run, so every estimate below is null (not applicable).
    #[serde(default)]
    pub status: Status,
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
    /// Attribution ratio, not a causal effect: days persons spent under at least one
    /// sanction (own or household) with an adverse record of this domain among its
    /// causes, per genuine record.
    pub sanction_days_per_genuine_record: Estimate,
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
    /// "acted", or "not_triggered": the scenario has the mechanism but it never acted in
    /// this run, so every estimate below is null (not applicable).
    #[serde(default)]
    pub status: Status,
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
    /// Prevalence s: share of persons with at least one sanction-day.
    #[serde(default)]
    pub prevalence: Estimate,
    /// Gini coefficient G₊ among persons with at least one sanction-day
    /// (gini = 1 − s(1 − G₊)).
    #[serde(default)]
    pub gini_among_sanctioned: Estimate,
    /// Share of sanction-days borne by the 1% of persons with sanction-days who have the most.
    #[serde(default)]
    pub top_1_percent_share_among_sanctioned: Estimate,
}

/// Measure 3b: fairness on ground truth. Ŷ = ever sanctioned (positive = sanctioned,
/// as Aequitas); two truths: Yᴱ sanctioned without data errors, Yᶜ at least one
/// genuine violation (the crude surveillance label). Defined in docs/audit.md.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fairness {
    /// Cells of two attributes with fewer persons get no values.
    pub min_cell_persons: u64,
    /// Per attribute, by category.
    pub attributes: IndexMap<String, FairnessSet>,
    /// Per pair of attributes (`a × b`), by cell of their categories.
    pub intersections: IndexMap<String, FairnessSet>,
}

/// Fairness over the categories of one attribute or the cells of a pair.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FairnessSet {
    /// The reference: the attribute's reference category (measure 3), or the cell of
    /// both reference categories; null without one.
    pub reference: Option<String>,
    /// Equalized-odds difference with Yᴱ over eligible groups: the larger of
    /// max − min TPR and max − min FPR (null without the no-errors counterfactual).
    pub equalized_odds_difference_errors: Estimate,
    /// The same with Yᶜ.
    pub equalized_odds_difference_conduct: Estimate,
    /// Per category or cell.
    pub groups: Vec<FairnessGroup>,
}

/// One category or cell.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FairnessGroup {
    /// Category, or `a = x, b = y` for a cell.
    pub group: String,
    /// Persons in it.
    pub persons: u64,
    /// Eligible (measure 3; a cell: both its categories).
    pub eligible: bool,
    /// The reference group.
    pub reference: bool,
    /// A cell below `min_cell_persons`: every value is null.
    pub too_small: bool,
    /// P(Ŷ = 1): share ever sanctioned.
    pub selection_rate: Estimate,
    /// Share ever granted a reward treatment (null without reward treatments).
    pub reward_rate: Estimate,
    /// Its ratio to the reference group's (log-scale interval).
    pub reward_ratio: Estimate,
    /// Error rates with Yᴱ (null without the no-errors counterfactual).
    pub data_errors: Option<ErrorRates>,
    /// Error rates with Yᶜ.
    pub conduct: ErrorRates,
}

/// Ŷ against one truth label Y, in a group. Null for ineligible groups.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorRates {
    /// Persons with Y = 1.
    pub positives: u64,
    /// P(Ŷ = 1 | Y = 0).
    pub false_positive_rate: Estimate,
    /// P(Ŷ = 0 | Y = 1).
    pub false_negative_rate: Estimate,
    /// P(Y = 0 | Ŷ = 1).
    pub false_discovery_rate: Estimate,
    /// ½[(FPR − FPR_ref) + (TPR − TPR_ref)], TPR = 1 − FNR.
    pub average_odds_difference: Estimate,
}
