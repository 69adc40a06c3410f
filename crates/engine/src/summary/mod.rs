//! The published results of a run: the summary (`summary.json`) and the monthly time
//! series, computed from a [`Tally`] and the model's names. Pure functions; the
//! caller serialises them.
//!
//! The summary holds only what the scenario and seed determine, so identical runs
//! give byte-identical summaries (wall time and host go elsewhere).

use credsim_model::Model;
use credsim_model::TreatmentKind;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

mod build;
mod tampering;
mod timeseries;

pub use tampering::{
    AttackCounts, DefenceCost, Tampering, defence_costs, records_by_period, store_at_checks,
};
pub use timeseries::*;

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
    /// Calendar date of day 0 (`simulation.start`), absent without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
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
    /// The score's distribution at a few dates, in common bins (absent without a score).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_distribution: Option<ScoreDistribution>,
    /// The grading cadence (absent when grades follow every change of the score).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grading: Option<GradingCounts>,
    /// Tampering with the record store and the defences' cost (absent without attacks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tampering: Option<Tampering>,
    /// Firms: ratings, inspections, lists, sanctions, roles (absent without `[firms]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firms: Option<crate::firms::summary::FirmSummary>,
    /// Record-store leaks: persons exposed per leak (absent without `[[leaks]]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaks: Option<Vec<crate::leaks::summary::LeakSummary>>,
}

/// Persons by score at a few dates (year ends spread over the horizon, and its last
/// day), in bins of equal width shared by every date so that they can be overlaid.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScoreDistribution {
    /// Lowest score of the first bin; bin j holds scores
    /// `[first_bin + j × bin_width, first_bin + (j + 1) × bin_width − 1]`.
    pub first_bin: i64,
    /// Scores per bin (1, 2 or 5 × a power of ten; at most 40 bins cover every date).
    pub bin_width: i64,
    /// One histogram per date, in time order.
    pub dates: Vec<ScoreHistogram>,
}

/// The persons in each score bin at the end of one day.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScoreHistogram {
    /// The day (the end of a reporting period).
    pub day: u32,
    /// Persons per bin (they add up to the population).
    pub persons: Vec<u64>,
}

/// Grades assessed on fixed dates (`[grading]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GradingCounts {
    /// Days between two assessments.
    pub every_days: u32,
    /// Day of the first assessment after day 0.
    pub first_day: u32,
    /// Assessments made: one per person and date whose score changed since the
    /// person's last assessment.
    pub assessments: u64,
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
    /// Records inserted by attacks on the store (absent without attacks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tampered: Option<u64>,
    /// All records (the sum of the provenances).
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
    /// Tampered records (absent without attacks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tampered: Option<u64>,
}

impl From<[u64; 3]> for ByProvenance {
    fn from(c: [u64; 3]) -> Self {
        ByProvenance {
            true_: c[0],
            false_: c[1],
            misattributed: c[2],
            tampered: None,
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
}

/// Whether the scenario has appeals, repair, deterrence, chilling or contacts triggers.
pub fn has_responses(model: &Model) -> bool {
    model.appeals.is_some()
        || model.repair.is_some()
        || model.chilling.is_some()
        || model.behaviours.iter().any(|b| b.deterrence.is_some())
        || model.lists.iter().any(|l| l.contacts.is_some())
}
