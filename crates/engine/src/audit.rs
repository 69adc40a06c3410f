//! The audit: what a regime does to people, measured on exact counterfactuals.
//!
//! Each chunk of households is simulated once as it is (the factual run) and again
//! with one mechanism switched off ([`Variant`]), on the same random numbers, so a
//! person's two lives differ only by that mechanism. Per-person comparisons are
//! accumulated in integer [`GroupTally`]s, one per jackknife group of chunks; every
//! published measure ([`Audit`]) carries a delete-a-group jackknife standard error.
//! Chunks are independent units (households and neighbourhoods never straddle them),
//! so the jackknife accounts for dependence within households and neighbourhoods.

use crate::per_person::{Dims, per_person};
use credsim_model::Model;
use indexmap::IndexMap;
use serde::Serialize;

/// Jackknife groups: chunk c belongs to group c mod GROUPS.
pub const GROUPS: usize = 20;

/// One mechanism switched off, everything else (and every random number) unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The regime as specified.
    Factual,
    /// No false records, no misattribution (every captured record lands on its actor).
    NoErrors,
    /// No heightened scrutiny.
    NoScrutiny,
    /// Every source's capture multipliers replaced by their population mean, so each
    /// person is watched as much as the average person.
    EqualCapture,
    /// Records of protected conduct are never filed.
    NoProtected,
    /// No appeals and no credit repair.
    NoAppeals,
    /// No appeals, no repair and no data errors (the error-free baseline of `NoAppeals`).
    NoAppealsNoErrors,
    /// Appeals reviewed without queueing: every review starts on the day it is filed.
    InstantAppeals,
    /// The error-free baseline of `InstantAppeals`.
    InstantAppealsNoErrors,
    /// No deterrence and no chilling: people act as if the regime did nothing to them.
    NoResponses,
    /// Contacts triggers never list anyone.
    NoAssociation,
}

impl Variant {
    /// The counterfactual variants that differ from the factual run for a model.
    pub fn applicable(model: &Model) -> Vec<Variant> {
        let mut v = Vec::new();
        if model
            .sources
            .iter()
            .any(|s| s.false_rate_per_day > 0.0 || s.misattribution > 0.0)
        {
            v.push(Variant::NoErrors);
        }
        if model.scrutiny.is_some() {
            v.push(Variant::NoScrutiny);
        }
        if model
            .sources
            .iter()
            .any(|s| s.capture_multipliers.iter().flatten().any(|&m| m != 1.0))
        {
            v.push(Variant::EqualCapture);
        }
        if model.behaviours.iter().any(|b| b.protected) {
            v.push(Variant::NoProtected);
        }
        let errors = v.contains(&Variant::NoErrors);
        if model.appeals.is_some() || model.repair.is_some() {
            v.push(Variant::NoAppeals);
            if errors {
                v.push(Variant::NoAppealsNoErrors);
            }
        }
        if model.appeals.is_some() {
            v.push(Variant::InstantAppeals);
            if errors {
                v.push(Variant::InstantAppealsNoErrors);
            }
        }
        if model.chilling.is_some() || model.behaviours.iter().any(|b| b.deterrence.is_some()) {
            v.push(Variant::NoResponses);
        }
        if model.lists.iter().any(|l| l.contacts.is_some()) {
            v.push(Variant::NoAssociation);
        }
        v
    }

    /// Data errors (false records, misattribution) happen.
    pub fn errors(self) -> bool {
        !matches!(
            self,
            Variant::NoErrors | Variant::NoAppealsNoErrors | Variant::InstantAppealsNoErrors
        )
    }

    /// Appeals and repair happen.
    pub fn appeals(self) -> bool {
        !matches!(self, Variant::NoAppeals | Variant::NoAppealsNoErrors)
    }

    /// Reviews start when filed, without a queue.
    pub fn instant_appeals(self) -> bool {
        matches!(
            self,
            Variant::InstantAppeals | Variant::InstantAppealsNoErrors
        )
    }

    /// Name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Factual => "factual",
            Variant::NoErrors => "no_errors",
            Variant::NoScrutiny => "no_scrutiny",
            Variant::EqualCapture => "equal_capture",
            Variant::NoProtected => "no_protected",
            Variant::NoAppeals => "no_appeals",
            Variant::NoAppealsNoErrors => "no_appeals_no_errors",
            Variant::InstantAppeals => "instant_appeals",
            Variant::InstantAppealsNoErrors => "instant_appeals_no_errors",
            Variant::NoResponses => "no_responses",
            Variant::NoAssociation => "no_association",
        }
    }
}

per_person! {
    /// Per-person outcomes of one simulated chunk, recorded by the engine for the audit
    /// and the persons table. Counterfactual runs keep neither spells, in-context holds,
    /// year-end grades nor per-person record counts: those stay empty.
    pub(crate) struct Lives(d) {
        /// Person-days under at least one sanction.
        sanction_days: u32 = 0, [1], init, warm;
        /// Day the current sanctioned stretch began.
        sanction_since: u32 = 0, [1], copy, cold;
        /// Sanctions held because of the person's own status (not household spill-over).
        own_held: u16 = 0, [1], copy, cold;
        /// Ever sanctioned because of their own status.
        ever_own: bool = false, [1], copy, cold;
        /// First entry into the lowest grade (`NEVER`: never).
        low_entry: u32 = NEVER, [1], copy, warm;
        /// First exit from the lowest grade.
        low_exit: u32 = NEVER, [1], init, cold;
        /// First entry onto any list.
        list_entry: u32 = NEVER, [1], copy, cold;
        /// First exit from every list.
        list_exit: u32 = NEVER, [1], init, cold;
        /// Grade at the last year boundary (factual run).
        year_grade: u8 = u8::MAX, [Dims::when(d.factual)], init, cold;
        /// Start day of each own sanction spell, `[person × treatments + treatment]`.
        spell_start: u32 = 0, [Dims::when(d.factual) * d.treatments], init, cold;
        /// Domains of the causes of each own sanction spell.
        spell_cause: u32 = 0, [Dims::when(d.factual) * d.treatments], init, cold;
        /// Per hold slot: holders of sanctions resting on a record from the service's
        /// own domain, packed like the main holds.
        in_context: u32 = 0, [Dims::when(d.factual) * d.slots], init, warm;
        /// Records that arrived, `[person × 3 + provenance]` (for the persons table).
        records: u32 = 0, [Dims::when(d.factual) * 3], init, warm;
        /// Lists the person is on now.
        lists_on: u8 = 0, [1], copy, cold;
        /// Since when the person is on some list.
        listed_since: u32 = 0, [1], copy, cold;
        /// Days on at least one list.
        listed_days: u32 = 0, [1], init, cold;
    }
}

/// Never happened.
pub(crate) const NEVER: u32 = u32::MAX;

/// Counts of one simulated chunk kept for the audit beside the per-person [`Lives`].
#[derive(Debug, Clone)]
pub(crate) struct Observed {
    /// Erroneous records seen (false, misattributed, including pending).
    pub errors_seen: u64,
    /// Records of protected conduct that arrived.
    pub protected_seen: u64,
    /// Factual-only counters.
    pub group: GroupTally,
}

impl Observed {
    /// Nothing observed yet.
    pub(crate) fn new(model: &Model) -> Observed {
        Observed {
            errors_seen: 0,
            protected_seen: 0,
            group: GroupTally::new(model),
        }
    }
}

/// What a counterfactual changed, summed over persons.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contrast {
    /// Persons ever sanctioned in the counterfactual.
    pub sanctioned: u64,
    /// Person-days sanctioned in the counterfactual.
    pub sanction_days: u64,
    /// Persons sanctioned in the factual run but never in the counterfactual.
    pub only_factual: u64,
    /// Persons sanctioned only in the counterfactual.
    pub only_counterfactual: u64,
    /// Σ over persons of max(0, factual days − counterfactual days).
    pub excess_days: u64,
    /// Σ over persons of max(0, counterfactual days − factual days).
    pub spared_days: u64,
    /// Persons ever listed in the counterfactual.
    pub listed: u64,
    /// Persons listed in the factual run but never in the counterfactual.
    pub listed_only_factual: u64,
    /// Records that arrived in the counterfactual.
    pub records: u64,
}

impl Contrast {
    fn add(&mut self, o: &Contrast) {
        self.sanctioned += o.sanctioned;
        self.sanction_days += o.sanction_days;
        self.only_factual += o.only_factual;
        self.only_counterfactual += o.only_counterfactual;
        self.excess_days += o.excess_days;
        self.spared_days += o.spared_days;
        self.listed += o.listed;
        self.listed_only_factual += o.listed_only_factual;
        self.records += o.records;
    }
}

/// Adverse outcomes by attribute category: persons, ever sanctioned, ever listed,
/// ever in the lowest grade.
pub type CategoryCounts = Vec<[u64; 4]>;

/// Everything the audit counts for one jackknife group of chunks. Integers only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupTally {
    /// Persons.
    pub persons: u64,
    /// Persons ever sanctioned.
    pub sanctioned: u64,
    /// Person-days under at least one sanction.
    pub sanction_days: u64,
    /// Persons ever on a list.
    pub listed: u64,
    /// Persons ever in the lowest grade.
    pub lowest: u64,
    /// Records that arrived.
    pub records: u64,
    /// Persons sanctioned only through household spill-over, and their sanction-days.
    pub spill_only: u64,
    /// Sanction-days of those persons.
    pub spill_only_days: u64,
    /// `days_histogram[d]`: persons with d sanction-days, d ≥ 1 (for concentration).
    pub days_histogram: Vec<u64>,
    /// Sanction applications (own) and of those cross-context.
    pub applications: u64,
    /// Cross-context sanction applications.
    pub cross_applications: u64,
    /// Denied attempts, and of those made while an in-context sanction held.
    pub denied: u64,
    /// Denied attempts under at least one sanction that is not cross-context (resting
    /// on an own-domain record, or on no record at all).
    pub denied_in_context: u64,
    /// Genuine (true) records with negative points or a list trigger, per domain.
    pub genuine: Vec<u64>,
    /// Sanction-days (own and household) attributed to each cause domain.
    pub amplified_days: Vec<u64>,
    /// Denied attempts under own and household sanction spells, per cause domain.
    pub amplified_denied: Vec<u64>,
    /// Points deducted by all records, and by records of protected conduct.
    pub deducted: u64,
    /// Points deducted by records of protected conduct.
    pub deducted_protected: u64,
    /// Grade transitions between consecutive year ends, `[from × grades + to]`.
    pub transitions: Vec<u64>,
    /// First stays in the lowest grade: (days, still there at the end).
    pub low_stays: Vec<(u32, bool)>,
    /// First stays on any list.
    pub list_stays: Vec<(u32, bool)>,
    /// Factual adverse outcomes per (attribute, category), flattened.
    pub categories: CategoryCounts,
    /// The same with capture equalised.
    pub categories_equal: CategoryCounts,
    /// Counterfactual without data errors.
    pub no_errors: Contrast,
    /// Counterfactual without scrutiny.
    pub no_scrutiny: Contrast,
    /// Counterfactual without records of protected conduct.
    pub no_protected: Contrast,
    /// Counterfactual without appeals and repair.
    pub no_appeals: Contrast,
    /// Counterfactual without appeals, repair and data errors.
    pub no_appeals_no_errors: Contrast,
    /// Counterfactual with reviews starting on filing (no queue).
    pub instant_appeals: Contrast,
    /// The same without data errors.
    pub instant_appeals_no_errors: Contrast,
    /// Counterfactual without deterrence and chilling.
    pub no_responses: Contrast,
    /// Counterfactual without contacts triggers.
    pub no_association: Contrast,
    /// The factual run's appeals, repair and responses.
    pub responses: crate::tally::ResponseTally,
}

impl GroupTally {
    /// Empty counters for a model.
    pub fn new(model: &Model) -> GroupTally {
        let d = model.domains.len();
        let g = model.score.as_ref().map_or(0, |s| s.grades.len());
        let cats: usize = model
            .attributes
            .iter()
            .map(|a| a.categories.values.len())
            .sum();
        GroupTally {
            days_histogram: vec![0; model.days as usize + 1],
            genuine: vec![0; d],
            amplified_days: vec![0; d],
            amplified_denied: vec![0; d],
            transitions: vec![0; g * g],
            categories: vec![[0; 4]; cats],
            categories_equal: vec![[0; 4]; cats],
            ..GroupTally::default()
        }
    }

    /// Adds another group's counts.
    pub fn merge(&mut self, o: &GroupTally) {
        fn add(a: &mut [u64], b: &[u64]) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
        self.persons += o.persons;
        self.sanctioned += o.sanctioned;
        self.sanction_days += o.sanction_days;
        self.listed += o.listed;
        self.lowest += o.lowest;
        self.records += o.records;
        self.spill_only += o.spill_only;
        self.spill_only_days += o.spill_only_days;
        add(&mut self.days_histogram, &o.days_histogram);
        self.applications += o.applications;
        self.cross_applications += o.cross_applications;
        self.denied += o.denied;
        self.denied_in_context += o.denied_in_context;
        add(&mut self.genuine, &o.genuine);
        add(&mut self.amplified_days, &o.amplified_days);
        add(&mut self.amplified_denied, &o.amplified_denied);
        self.deducted += o.deducted;
        self.deducted_protected += o.deducted_protected;
        add(&mut self.transitions, &o.transitions);
        self.low_stays.extend_from_slice(&o.low_stays);
        self.list_stays.extend_from_slice(&o.list_stays);
        for (a, b) in self.categories.iter_mut().zip(&o.categories) {
            add(a, b);
        }
        for (a, b) in self.categories_equal.iter_mut().zip(&o.categories_equal) {
            add(a, b);
        }
        self.no_errors.add(&o.no_errors);
        self.no_scrutiny.add(&o.no_scrutiny);
        self.no_protected.add(&o.no_protected);
        self.no_appeals.add(&o.no_appeals);
        self.no_appeals_no_errors.add(&o.no_appeals_no_errors);
        self.instant_appeals.add(&o.instant_appeals);
        self.instant_appeals_no_errors
            .add(&o.instant_appeals_no_errors);
        self.no_responses.add(&o.no_responses);
        self.no_association.add(&o.no_association);
        self.responses.merge(&o.responses);
    }
}

/// The audit's counters: one [`GroupTally`] per jackknife group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditTally {
    /// Counterfactual variants that were run.
    pub variants: Vec<Variant>,
    /// Appeals waiting for a review at the end of the factual run (population-wide).
    pub queue_at_end: u64,
    /// Per group.
    pub groups: Vec<GroupTally>,
}

impl AuditTally {
    /// Empty.
    pub fn new(model: &Model) -> AuditTally {
        AuditTally {
            variants: Variant::applicable(model),
            queue_at_end: 0,
            groups: vec![GroupTally::new(model); GROUPS],
        }
    }

    /// Adds another audit tally.
    pub fn merge(&mut self, o: &AuditTally) {
        for (a, b) in self.groups.iter_mut().zip(&o.groups) {
            a.merge(b);
        }
    }

    fn total(&self, skip: Option<usize>) -> GroupTally {
        let mut t = GroupTally::new_like(&self.groups[0]);
        for (g, x) in self.groups.iter().enumerate() {
            if Some(g) != skip {
                t.merge(x);
            }
        }
        t
    }

    /// A statistic of the whole population, with its delete-a-group jackknife
    /// standard error (None with fewer than two non-empty groups or an undefined value).
    fn estimate(&self, f: impl Fn(&GroupTally) -> Option<f64>) -> Estimate {
        let all = self.total(None);
        let value = f(&all);
        let used: Vec<usize> = (0..GROUPS)
            .filter(|&g| self.groups[g].persons > 0)
            .collect();
        let se = if used.len() >= 2 && value.is_some() {
            let reps: Option<Vec<f64>> = used.iter().map(|&g| f(&self.total(Some(g)))).collect();
            reps.map(|r| {
                let k = r.len() as f64;
                let mean = r.iter().sum::<f64>() / k;
                ((k - 1.0) / k * r.iter().map(|x| (x - mean).powi(2)).sum::<f64>()).sqrt()
            })
        } else {
            None
        };
        Estimate::new(value, se)
    }
}

impl GroupTally {
    fn new_like(t: &GroupTally) -> GroupTally {
        GroupTally {
            days_histogram: vec![0; t.days_histogram.len()],
            genuine: vec![0; t.genuine.len()],
            amplified_days: vec![0; t.amplified_days.len()],
            amplified_denied: vec![0; t.amplified_denied.len()],
            transitions: vec![0; t.transitions.len()],
            categories: vec![[0; 4]; t.categories.len()],
            categories_equal: vec![[0; 4]; t.categories_equal.len()],
            ..GroupTally::default()
        }
    }
}

/// A value with its standard error and 95% confidence interval (normal approximation).
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Estimate {
    /// Point estimate (null when undefined, e.g. a share of zero events).
    pub value: Option<f64>,
    /// Jackknife standard error.
    pub se: Option<f64>,
    /// value − 1.96 se.
    pub ci_low: Option<f64>,
    /// value + 1.96 se.
    pub ci_high: Option<f64>,
}

impl Estimate {
    fn new(value: Option<f64>, se: Option<f64>) -> Estimate {
        let value = value.filter(|v| v.is_finite());
        let se = se.filter(|v| v.is_finite());
        let (ci_low, ci_high) = match (value, se) {
            (Some(v), Some(s)) => (Some(v - 1.96 * s), Some(v + 1.96 * s)),
            _ => (None, None),
        };
        Estimate {
            value,
            se,
            ci_low,
            ci_high,
        }
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// `audit.json`: the measures, each with its standard error. Defined in docs/audit.md.
#[derive(Debug, Clone, Serialize)]
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
}

/// Measure 10.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
pub struct CrossContext {
    /// Cross-context sanction applications / sanction applications.
    pub share_of_applications: Estimate,
    /// Attempts denied while only cross-context sanctions held / denied attempts.
    pub share_of_denied_attempts: Estimate,
}

/// Measure 3, one category.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
pub struct Protected {
    /// Points deducted by records of protected conduct / all points deducted.
    pub share_of_deductions: Estimate,
    /// Persons listed only because of records of protected conduct / persons listed.
    pub share_of_listed_persons: Estimate,
    /// Sanction-days that exist only because of records of protected conduct / sanction-days.
    pub share_of_sanction_days: Estimate,
}

/// Measure 5, one domain of origin.
#[derive(Debug, Clone, Serialize)]
pub struct Amplification {
    /// Genuine records (true provenance) with negative points or a list trigger.
    pub genuine_records: u64,
    /// Sanction person-days (own and household) per such record.
    pub sanction_days_per_record: Estimate,
    /// Denied attempts per such record.
    pub denied_attempts_per_record: Estimate,
}

/// Measure 6.
#[derive(Debug, Clone, Serialize)]
pub struct Spillover {
    /// Persons sanctioned only through someone else in their household.
    pub persons: Estimate,
    /// Their share of all ever-sanctioned persons.
    pub share_of_sanctioned_persons: Estimate,
    /// Their sanction-days.
    pub person_days: Estimate,
}

/// Measure 7.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
pub struct Concentration {
    /// Gini coefficient of sanction-days over all persons.
    pub gini: Estimate,
    /// Share of all sanction-days borne by the 1% of persons with the most.
    pub top_1_percent_share: Estimate,
}

fn km_quantile(stays: &[(u32, bool)], q: f64) -> Option<f64> {
    // Kaplan–Meier: S(t) = Π over exit times ≤ t of (1 − exits/at risk).
    let mut v: Vec<(u32, bool)> = stays.to_vec();
    v.sort_unstable();
    let mut at_risk = v.len() as f64;
    let mut s = 1.0;
    let mut i = 0;
    while i < v.len() {
        let t = v[i].0;
        let (mut exits, mut all) = (0.0, 0.0);
        while i < v.len() && v[i].0 == t {
            if !v[i].1 {
                exits += 1.0;
            }
            all += 1.0;
            i += 1;
        }
        if exits > 0.0 {
            s *= 1.0 - exits / at_risk;
            if s <= 1.0 - q {
                return Some(t as f64);
            }
        }
        at_risk -= all;
    }
    None
}

/// (days, persons) for every non-empty bin of a sanction-days histogram, ascending.
fn bins(h: &[u64]) -> impl DoubleEndedIterator<Item = (f64, u64)> + '_ {
    h.iter()
        .enumerate()
        .skip(1)
        .filter(|&(_, &n)| n > 0)
        .map(|(d, &n)| (d as f64, n))
}

fn gini(h: &[u64], persons: u64) -> Option<f64> {
    // Persons without sanction-days are the mass at 0, ranked first.
    let total: f64 = bins(h).map(|(d, n)| d * n as f64).sum();
    if total <= 0.0 || persons == 0 {
        return None;
    }
    let n = persons as f64;
    let with_days: u64 = bins(h).map(|(_, c)| c).sum();
    let mut rank = (persons - with_days) as f64;
    let mut acc = 0.0;
    for (d, c) in bins(h) {
        // Σ over ranks rank+1..rank+c of rank × d.
        let c = c as f64;
        acc += d * (c * rank + c * (c + 1.0) / 2.0);
        rank += c;
    }
    Some(2.0 * acc / (n * total) - (n + 1.0) / n)
}

fn top_share(h: &[u64], persons: u64, top: f64) -> Option<f64> {
    let total: f64 = bins(h).map(|(d, n)| d * n as f64).sum();
    if total <= 0.0 {
        return None;
    }
    let mut left = (persons as f64 * top).ceil();
    let mut acc = 0.0;
    for (d, c) in bins(h).rev() {
        let take = (c as f64).min(left);
        acc += take * d;
        left -= take;
        if left <= 0.0 {
            break;
        }
    }
    Some(acc / total)
}

impl Audit {
    /// The published audit of a run.
    pub fn new(model: &Model, audit: &AuditTally) -> Audit {
        let has = |v: Variant| audit.variants.contains(&v);
        let est = |f: &dyn Fn(&GroupTally) -> Option<f64>| audit.estimate(f);
        // A population total estimated from a group subset: count per person × persons
        // (so that jackknife replicates are on the scale of the whole population).
        let n_all = audit.groups.iter().map(|g| g.persons).sum::<u64>() as f64;
        let total = move |g: &GroupTally, count: f64| match g.persons {
            0 => None,
            p if p as f64 == n_all => Some(count),
            p => Some(count / p as f64 * n_all),
        };
        let all = audit.total(None);

        let wrongful = has(Variant::NoErrors).then(|| Wrongful {
            persons_wrongly_sanctioned: est(&|g| total(g, g.no_errors.only_factual as f64)),
            share_of_sanctioned_persons: est(&|g| ratio(g.no_errors.only_factual, g.sanctioned)),
            person_days_wrongly_sanctioned: est(&|g| total(g, g.no_errors.excess_days as f64)),
            share_of_sanction_days_caused_by_errors: est(&|g| {
                ratio(g.sanction_days, g.sanction_days.max(1))
                    .map(|_| {
                        (g.sanction_days as f64 - g.no_errors.sanction_days as f64)
                            / g.sanction_days as f64
                    })
                    .filter(|_| g.sanction_days > 0)
            }),
            persons_spared_by_errors: est(&|g| total(g, g.no_errors.only_counterfactual as f64)),
            persons_wrongly_listed: est(&|g| total(g, g.no_errors.listed_only_factual as f64)),
        });

        let cross_context = CrossContext {
            share_of_applications: est(&|g| ratio(g.cross_applications, g.applications)),
            share_of_denied_attempts: est(&|g| {
                ratio(g.denied.saturating_sub(g.denied_in_context), g.denied)
            }),
        };

        let mut disparate_impact = IndexMap::new();
        let mut offset = 0;
        for attr in &model.attributes {
            let k = attr.categories.values.len();
            let range = offset..offset + k;
            offset += k;
            let rate = |c: &[u64; 4], j: usize| ratio(c[j], c[0]);
            // The most favoured category: lowest positive factual sanction rate (a
            // category nobody in which is sanctioned, e.g. children, cannot be a
            // denominator).
            let reference = range
                .clone()
                .filter(|&i| rate(&all.categories[i], 1).is_some_and(|r| r > 0.0))
                .min_by(|&a, &b| {
                    let ra = rate(&all.categories[a], 1).unwrap_or(0.0);
                    let rb = rate(&all.categories[b], 1).unwrap_or(0.0);
                    ra.total_cmp(&rb)
                })
                .unwrap_or(range.start);
            let equal = has(Variant::EqualCapture);
            let rows = range
                .clone()
                .map(|i| {
                    let ratio_of = move |cats: &CategoryCounts| {
                        let r = rate(&cats[i], 1)?;
                        let r0 = rate(&cats[reference], 1)?;
                        (r0 > 0.0).then(|| r / r0)
                    };
                    let factual = est(&|g| ratio_of(&g.categories));
                    CategoryImpact {
                        category: attr.categories.values[i - range.start].clone(),
                        persons: all.categories[i][0],
                        rate_sanctioned: est(&|g| rate(&g.categories[i], 1)),
                        rate_listed: est(&|g| rate(&g.categories[i], 2)),
                        rate_lowest_grade: est(&|g| rate(&g.categories[i], 3)),
                        ratio_sanctioned: factual,
                        four_fifths_flag: factual.value.is_some_and(|r| r > 1.25),
                        ratio_sanctioned_equal_capture: if equal {
                            est(&|g| ratio_of(&g.categories_equal))
                        } else {
                            Estimate::new(None, None)
                        },
                        share_explained_by_capture: if equal {
                            est(&|g| {
                                let r = ratio_of(&g.categories)?;
                                let e = ratio_of(&g.categories_equal)?;
                                ((r - 1.0).abs() > 1e-12).then(|| (r - e) / (r - 1.0))
                            })
                        } else {
                            Estimate::new(None, None)
                        },
                    }
                })
                .collect();
            disparate_impact.insert(attr.id.clone(), rows);
        }

        let protected_conduct = has(Variant::NoProtected).then(|| Protected {
            share_of_deductions: est(&|g| ratio(g.deducted_protected, g.deducted)),
            share_of_listed_persons: est(&|g| ratio(g.no_protected.listed_only_factual, g.listed)),
            share_of_sanction_days: est(&|g| {
                (g.sanction_days > 0).then(|| {
                    (g.sanction_days as f64 - g.no_protected.sanction_days as f64)
                        / g.sanction_days as f64
                })
            }),
        });

        let amplification = model
            .domains
            .iter()
            .enumerate()
            .filter(|&(d, _)| all.genuine[d] > 0)
            .map(|(d, name)| {
                (
                    name.clone(),
                    Amplification {
                        genuine_records: all.genuine[d],
                        sanction_days_per_record: est(&|g| {
                            ratio(g.amplified_days[d], g.genuine[d])
                        }),
                        denied_attempts_per_record: est(&|g| {
                            ratio(g.amplified_denied[d], g.genuine[d])
                        }),
                    },
                )
            })
            .collect();

        let household_spillover = Spillover {
            persons: est(&|g| total(g, g.spill_only as f64)),
            share_of_sanctioned_persons: est(&|g| ratio(g.spill_only, g.sanctioned)),
            person_days: est(&|g| total(g, g.spill_only_days as f64)),
        };

        let scrutiny_feedback = has(Variant::NoScrutiny).then(|| ScrutinyFeedback {
            extra_records: est(&|g| total(g, g.records as f64 - g.no_scrutiny.records as f64)),
            share_of_records: est(&|g| {
                (g.records > 0)
                    .then(|| (g.records as f64 - g.no_scrutiny.records as f64) / g.records as f64)
            }),
            share_of_sanction_days: est(&|g| {
                (g.sanction_days > 0).then(|| {
                    (g.sanction_days as f64 - g.no_scrutiny.sanction_days as f64)
                        / g.sanction_days as f64
                })
            }),
            persons_sanctioned_because_of_scrutiny: est(&|g| {
                total(g, g.no_scrutiny.only_factual as f64)
            }),
        });

        let grades: Vec<String> = model
            .score
            .as_ref()
            .map(|s| s.grades.iter().map(|g| g.name.clone()).collect())
            .unwrap_or_default();
        let n = grades.len();
        let transitions: Vec<Vec<u64>> = (0..n)
            .map(|a| (0..n).map(|b| all.transitions[a * n + b]).collect())
            .collect();
        let transition_shares = transitions
            .iter()
            .map(|row| {
                let s: u64 = row.iter().sum();
                row.iter().map(|&x| ratio(x, s)).collect()
            })
            .collect();
        let stays = |pick: fn(&GroupTally) -> &Vec<(u32, bool)>| Stays {
            entered: pick(&all).len() as u64,
            median_days: est(&|g| km_quantile(pick(g), 0.5)),
            p90_days: est(&|g| km_quantile(pick(g), 0.9)),
            share_never_leaving: est(&|g| {
                let v = pick(g);
                ratio(v.iter().filter(|x| x.1).count() as u64, v.len() as u64)
            }),
        };
        let mobility = Mobility {
            grades,
            transitions,
            transition_shares,
            lowest_grade: stays(|g| &g.low_stays),
            lists: stays(|g| &g.list_stays),
        };
        let concentration = Concentration {
            gini: est(&|g| gini(&g.days_histogram, g.persons)),
            top_1_percent_share: est(&|g| top_share(&g.days_histogram, g.persons, 0.01)),
        };
        let days_change = |c: fn(&GroupTally) -> &Contrast| {
            est(&|g| {
                let base = c(g).sanction_days;
                (base > 0).then(|| g.sanction_days as f64 / base as f64 - 1.0)
            })
        };
        let errors = has(Variant::NoErrors);
        let appeals = (has(Variant::NoAppeals)).then(|| {
            let r = &all.responses;
            let wrongful =
                |v: &Contrast, base: &Contrast| v.sanction_days as f64 - base.sanction_days as f64;
            let factual_wrongful =
                |g: &GroupTally| g.sanction_days as f64 - g.no_errors.sanction_days as f64;
            let queue = has(Variant::InstantAppeals);
            AppealsAudit {
                erroneous_adverse_records: r.adverse[1],
                share_of_erroneous_records_never_corrected: est(&|g| {
                    ratio(g.responses.removed[1], g.responses.adverse[1]).map(|x| 1.0 - x)
                }),
                share_of_genuine_records_removed: est(&|g| {
                    ratio(g.responses.removed[0], g.responses.adverse[0])
                }),
                appeals_filed: r.appealed[0] + r.appealed[1],
                appeals_decided: r.decided[0] + r.decided[1],
                appeals_upheld: r.upheld[0] + r.upheld[1],
                queue_at_end: audit.queue_at_end,
                mean_wait_days: est(&|g| {
                    let n = g.responses.decided[0] + g.responses.decided[1];
                    (n > 0).then(|| g.responses.wait_days as f64 / n as f64)
                }),
                sanction_days_removed: est(&|g| {
                    total(
                        g,
                        g.no_appeals.sanction_days as f64 - g.sanction_days as f64,
                    )
                }),
                wrongful_sanction_days_removed: if errors {
                    est(&|g| {
                        let without = wrongful(&g.no_appeals, &g.no_appeals_no_errors);
                        total(g, without - factual_wrongful(g))
                    })
                } else {
                    Estimate::new(None, None)
                },
                sanction_days_due_to_queueing: if queue {
                    est(&|g| {
                        total(
                            g,
                            g.sanction_days as f64 - g.instant_appeals.sanction_days as f64,
                        )
                    })
                } else {
                    Estimate::new(None, None)
                },
                wrongful_sanction_days_due_to_queueing: if queue && errors {
                    est(&|g| {
                        let instant = wrongful(&g.instant_appeals, &g.instant_appeals_no_errors);
                        total(g, factual_wrongful(g) - instant)
                    })
                } else {
                    Estimate::new(None, None)
                },
            }
        });
        let responses = has(Variant::NoResponses).then(|| {
            let change = |class: usize| {
                est(&move |g| {
                    let r = &g.responses;
                    ratio(r.performed_acts[class], r.candidate_acts[class]).map(|x| x - 1.0)
                })
            };
            ResponsesAudit {
                change_in_violations: change(0),
                change_in_protected_conduct: change(1),
                deterred_acts: all.responses.deterred_acts,
                change_in_sanction_days: days_change(|g| &g.no_responses),
                change_in_persons_sanctioned: est(&|g| {
                    let base = g.no_responses.sanctioned;
                    (base > 0).then(|| g.sanctioned as f64 / base as f64 - 1.0)
                }),
            }
        });
        let association = has(Variant::NoAssociation).then(|| AssociationAudit {
            persons_sanctioned_only_through_contacts: est(&|g| {
                total(g, g.no_association.only_factual as f64)
            }),
            share_of_sanctioned_persons: est(&|g| {
                ratio(g.no_association.only_factual, g.sanctioned)
            }),
            persons_listed_only_through_contacts: est(&|g| {
                total(g, g.no_association.listed_only_factual as f64)
            }),
            share_of_sanction_days: est(&|g| {
                (g.sanction_days > 0).then(|| {
                    (g.sanction_days as f64 - g.no_association.sanction_days as f64)
                        / g.sanction_days as f64
                })
            }),
        });
        Audit {
            credsim_version: crate::VERSION.to_string(),
            scenario: model.name.clone(),
            scenario_hash: model.hash.clone(),
            seed: model.seed,
            persons: model.persons,
            counterfactuals: audit
                .variants
                .iter()
                .map(|v| v.name().to_string())
                .collect(),
            jackknife_groups: audit.groups.iter().filter(|g| g.persons > 0).count(),
            wrongful,
            cross_context,
            disparate_impact,
            protected_conduct,
            amplification,
            household_spillover,
            scrutiny_feedback,
            mobility,
            concentration,
            appeals,
            responses,
            association,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gini_and_top_share_by_hand() {
        // 4 persons: 0, 0, 10, 30 days. Mean 10; Σ|xi − xj| over ordered pairs = 2·(10+30+10+30+20) = 200;
        // Gini = 200 / (2 · 16 · 10) = 0.625.
        let mut h = vec![0u64; 31];
        h[10] = 1;
        h[30] = 1;
        let g = gini(&h, 4).expect("defined");
        assert!((g - 0.625).abs() < 1e-12, "{g}");
        // Top 1% of 4 persons = 1 person (rounded up): 30 of 40 days.
        assert_eq!(top_share(&h, 4, 0.01), Some(0.75));
        // Equal days: Gini 0.
        let mut h = vec![0u64; 6];
        h[5] = 3;
        assert!(gini(&h, 3).expect("defined").abs() < 1e-12);
    }

    #[test]
    fn kaplan_meier_by_hand() {
        // Exits at 10, 20, 30; one censored at 15. S: after 10: 3/4; at 20 (2 at risk): 3/8.
        let stays = [(10, false), (15, true), (20, false), (30, false)];
        assert_eq!(km_quantile(&stays, 0.5), Some(20.0));
        assert_eq!(km_quantile(&stays, 0.25), Some(10.0));
        // Nobody leaves: undefined.
        assert_eq!(km_quantile(&[(5, true)], 0.5), None);
    }
}
