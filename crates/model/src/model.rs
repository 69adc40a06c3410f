//! The validated, compiled model the engine runs.
//!
//! Ids are resolved to indices, rates are per day, probabilities are known to be in
//! range, and grade bands are known to tile the score range. Nothing here can be
//! inconsistent, so the engine never re-checks.

pub use crate::kinds::Status;
use crate::kinds::{Level, ListKind, Scope, TreatmentKind};
use serde::Serialize;

/// Days in a simulated year.
pub const DAYS_PER_YEAR: f64 = 365.0;

/// A scenario ready to run.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    /// Scenario name.
    pub name: String,
    /// One-line description.
    pub description: String,
    /// Hex digest of the resolved scenario (identifies exactly what ran).
    pub hash: String,
    /// Seed of every random draw.
    pub seed: u64,
    /// Horizon in days.
    pub days: u32,
    /// Exclusive end day of each reporting period; the last equals `days`.
    pub period_ends: Vec<u32>,
    /// Reporting periods per 365-day year (12, 4 or 1).
    pub periods_per_year: u32,
    /// Number of persons.
    pub persons: u64,
    /// Household sizes and the cumulative shares of households with each size.
    pub household_sizes: Categorical<u32>,
    /// Global heterogeneity shape (None: no heterogeneity).
    pub heterogeneity_shape: Option<f64>,
    /// Categorical attributes.
    pub attributes: Vec<Attribute>,
    /// Domain names.
    pub domains: Vec<String>,
    /// Behaviours, with the regime's rules for their records folded in.
    pub behaviours: Vec<Behaviour>,
    /// Data sources.
    pub sources: Vec<Source>,
    /// The score, if any.
    pub score: Option<ScoreRules>,
    /// Lists.
    pub lists: Vec<List>,
    /// Services.
    pub services: Vec<Service>,
    /// Sanctions and rewards.
    pub treatments: Vec<Treatment>,
    /// Heightened scrutiny, if any.
    pub scrutiny: Option<Scrutiny>,
    /// Appeals, if any.
    pub appeals: Option<AppealRules>,
    /// Credit repair, if any.
    pub repair: Option<RepairRules>,
    /// Chilling of protected conduct, if any.
    pub chilling: Option<ChillingRules>,
    /// Social ties, if any.
    pub network: Option<NetworkRules>,
}

/// A discrete distribution over labelled outcomes.
#[derive(Debug, Clone, Serialize)]
pub struct Categorical<T> {
    /// Outcomes.
    pub values: Vec<T>,
    /// Probability of each outcome (sums to 1).
    pub shares: Vec<f64>,
    /// Cumulative probabilities; the last is exactly 1.
    pub cdf: Vec<f64>,
}

impl<T> Categorical<T> {
    /// Builds a distribution from outcomes and shares that sum to 1 (within rounding).
    pub fn new(values: Vec<T>, shares: Vec<f64>) -> Self {
        let total: f64 = shares.iter().sum();
        let mut acc = 0.0;
        let mut cdf: Vec<f64> = shares
            .iter()
            .map(|s| {
                acc += s / total;
                acc
            })
            .collect();
        if let Some(last) = cdf.last_mut() {
            *last = 1.0;
        }
        Categorical {
            values,
            shares: shares.iter().map(|s| s / total).collect(),
            cdf,
        }
    }

    /// Index of the outcome for a uniform number `u` in [0, 1).
    #[inline]
    pub fn index(&self, u: f64) -> usize {
        let mut i = 0;
        while i + 1 < self.cdf.len() && u >= self.cdf[i] {
            i += 1;
        }
        i
    }
}

/// A categorical attribute of persons.
#[derive(Debug, Clone, Serialize)]
pub struct Attribute {
    /// Attribute name.
    pub id: String,
    /// Person- or household-level.
    pub level: Level,
    /// Categories and shares.
    pub categories: Categorical<String>,
}

/// A behaviour and what the regime does with its records.
#[derive(Debug, Clone, Serialize)]
pub struct Behaviour {
    /// Identifier (also the record type).
    pub id: String,
    /// Domain index.
    pub domain: usize,
    /// Base rate per person per day.
    pub rate_per_day: f64,
    /// Protected conduct.
    pub protected: bool,
    /// Own Gamma shape, drawn independently of the global multiplier.
    pub own_shape: Option<f64>,
    /// `multipliers[attribute][category]`: rate multiplier.
    pub multipliers: Vec<Vec<f64>>,
    /// Sources that observe it, with their base capture probability.
    pub observers: Vec<Observer>,
    /// Score points of one record of this type.
    pub points: i64,
    /// Days a record counts for (None: forever).
    pub expiry_days: Option<u32>,
    /// Lists that one record of this type puts a person on.
    pub lists_triggered: Vec<usize>,
    /// Deterrence after a sanctioned or listed record, if any.
    pub deterrence: Option<Deterrence>,
}

impl Behaviour {
    /// Whether its records are adverse: they deduct points or put people on lists
    /// (the records that can be appealed or repaired).
    pub fn adverse(&self) -> bool {
        self.points < 0 || !self.lists_triggered.is_empty()
    }
}

/// Deterrence of one behaviour.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Deterrence {
    /// Factor on the rate while deterred, in [0, 1].
    pub factor: f64,
    /// Days it lasts after each sanctioned or listed record.
    pub days: u32,
}

/// A source observing a behaviour.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Observer {
    /// Source index.
    pub source: usize,
    /// Base capture probability.
    pub capture: f64,
}

/// A data source.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// Identifier.
    pub id: String,
    /// Reporting delay.
    pub delay_days: u32,
    /// False records per person per day.
    pub false_rate_per_day: f64,
    /// Probability a captured record lands on another person.
    pub misattribution: f64,
    /// `capture_multipliers[attribute][category]`.
    pub capture_multipliers: Vec<Vec<f64>>,
    /// Record types of false records (behaviour indices), weighted by the source's
    /// mix of genuine records (base rate × base capture).
    pub false_types: Option<Categorical<usize>>,
}

/// Score rules.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreRules {
    /// Base score.
    pub base: i64,
    /// Lower bound.
    pub min: Option<i64>,
    /// Upper bound.
    pub max: Option<i64>,
    /// Grades, in the order of the file.
    pub grades: Vec<GradeBand>,
    /// Grade indices ordered from the lowest scores to the highest.
    pub ascending: Vec<usize>,
}

/// One grade band (inclusive bounds).
#[derive(Debug, Clone, Serialize)]
pub struct GradeBand {
    /// Name.
    pub name: String,
    /// Lowest score (None: unbounded).
    pub min: Option<i64>,
    /// Highest score (None: unbounded).
    pub max: Option<i64>,
}

impl ScoreRules {
    /// The score for a sum of points: base plus points, clamped to [min, max].
    #[inline]
    pub fn score(&self, points: i64) -> i64 {
        let mut s = self.base.saturating_add(points);
        if let Some(lo) = self.min {
            s = s.max(lo);
        }
        if let Some(hi) = self.max {
            s = s.min(hi);
        }
        s
    }

    /// The grade holding a score, if the scenario has grades.
    #[inline]
    pub fn grade(&self, score: i64) -> Option<usize> {
        self.ascending
            .iter()
            .copied()
            .find(|&g| self.grades[g].max.is_none_or(|hi| score <= hi))
    }

    /// The grade with the lowest scores.
    pub fn lowest_grade(&self) -> Option<usize> {
        self.ascending.first().copied()
    }
}

/// A black or red list.
#[derive(Debug, Clone, Serialize)]
pub struct List {
    /// Identifier.
    pub id: String,
    /// Black or red.
    pub kind: ListKind,
    /// Term after a trigger (None: while the condition holds).
    pub duration_days: Option<u32>,
    /// Entering one of these grades lists a person.
    pub grade_triggers: Vec<usize>,
    /// The score falling below this lists a person.
    pub score_below: Option<i64>,
    /// The score reaching this lists a person.
    pub score_at_least: Option<i64>,
    /// Enough contacts holding a status lists a person (then the list has no other
    /// trigger).
    pub contacts: Option<ContactsCondition>,
}

/// A contacts trigger of a list.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ContactsCondition {
    /// The contacts' status that counts.
    pub status: Status,
    /// How many contacts must hold it (≥ 1).
    pub at_least: u32,
}

impl List {
    /// Whether the score/grade condition of this list holds.
    #[inline]
    pub fn condition(&self, score: i64, grade: Option<usize>) -> bool {
        // (Contacts conditions are evaluated by the engine at period boundaries.)
        grade.is_some_and(|g| self.grade_triggers.contains(&g))
            || self.score_below.is_some_and(|b| score < b)
            || self.score_at_least.is_some_and(|a| score >= a)
    }

    /// Whether the list has any score/grade condition.
    pub fn has_condition(&self) -> bool {
        !self.grade_triggers.is_empty()
            || self.score_below.is_some()
            || self.score_at_least.is_some()
    }
}

/// A service.
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    /// Identifier.
    pub id: String,
    /// Domain index.
    pub domain: usize,
    /// Attempts per person per day.
    pub attempts_per_day: f64,
}

/// A sanction or reward.
#[derive(Debug, Clone, Serialize)]
pub struct Treatment {
    /// Identifier.
    pub id: String,
    /// Sanction or reward.
    pub kind: TreatmentKind,
    /// Service index.
    pub service: usize,
    /// Trigger.
    pub trigger: Status,
    /// Own domain or all domains.
    pub scope: Scope,
    /// Household spill-over.
    pub household: bool,
}

/// Heightened scrutiny.
#[derive(Debug, Clone, Serialize)]
pub struct Scrutiny {
    /// Trigger.
    pub trigger: Status,
    /// Capture multiplier.
    pub capture_multiplier: f64,
    /// Duration after each trigger.
    pub duration_days: u32,
}

/// Appeals.
#[derive(Debug, Clone, Serialize)]
pub struct AppealRules {
    /// Probability of appealing a genuine adverse record.
    pub appeal_genuine: f64,
    /// Probability of appealing a false or misattributed adverse record.
    pub appeal_erroneous: f64,
    /// `multipliers[attribute][category]` on the probability of appealing.
    pub multipliers: Vec<Vec<f64>>,
    /// Reviews started per month per 100,000 persons.
    pub capacity_per_month_per_100k: f64,
    /// Days from the start of a review to its decision.
    pub processing_days: u32,
    /// Probability a reviewed appeal of a genuine record removes it.
    pub success_genuine: f64,
    /// Probability a reviewed appeal of an erroneous record removes it.
    pub success_erroneous: f64,
}

impl AppealRules {
    /// Reviews the office can have started by the end of day `end` (exclusive), for a
    /// population: capacity accrues continuously at `capacity_per_month_per_100k`
    /// per month of 365/12 days.
    pub fn capacity_until(&self, end: u32, persons: u64) -> u64 {
        // ⌊c·N·12·E / (10⁵·365)⌋ with one division (validation keeps c ≤ 10⁹, so the
        // product stays far below 2⁶⁴).
        (self.capacity_per_month_per_100k * persons as f64 * 12.0 * end as f64 / 3.65e7).floor()
            as u64
    }
}

/// Credit repair.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RepairRules {
    /// Days after arrival when a record can be removed.
    pub after_days: u32,
    /// Probability the person takes the step for an adverse record.
    pub probability: f64,
}

/// Chilling of protected conduct.
#[derive(Debug, Clone, Serialize)]
pub struct ChillingRules {
    /// Largest fall of the rate.
    pub max_reduction: f64,
    /// Midpoint of the logistic, as a share of persons.
    pub midpoint: f64,
    /// Steepness of the logistic.
    pub steepness: f64,
    /// Attribute whose categories respond separately (None: the whole population).
    pub attribute: Option<usize>,
}

impl ChillingRules {
    /// The factor on protected conduct after a period in which a share `s` of
    /// persons was penalised for it: 1 − R·(L(s) − L(0))/(1 − L(0)), in [1 − R, 1].
    pub fn factor(&self, s: f64) -> f64 {
        let l = |x: f64| 1.0 / (1.0 + (-self.steepness * (x - self.midpoint)).exp());
        let l0 = l(0.0);
        if l0 >= 1.0 {
            return 1.0;
        }
        let rise = ((l(s) - l0) / (1.0 - l0)).clamp(0.0, 1.0);
        1.0 - self.max_reduction * rise
    }
}

/// Social ties.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct NetworkRules {
    /// Contacts per person.
    pub contacts: u32,
    /// Probability a tie is rewired to a random person.
    pub rewiring: f64,
}

impl Model {
    /// Whether some mechanism couples persons across neighbourhoods (appeal capacity,
    /// chilling, contacts), so the population must advance one period at a time.
    pub fn coupled(&self) -> bool {
        self.appeals.is_some()
            || self.chilling.is_some()
            || self.lists.iter().any(|l| l.contacts.is_some())
    }

    /// Exclusive end days of the reporting periods for a horizon.
    pub fn periods(days: u32, per_year: u32) -> Vec<u32> {
        let mut ends = Vec::new();
        let mut k: u64 = 1;
        loop {
            let end = (k * 365 / per_year as u64) as u32;
            if end >= days {
                ends.push(days);
                return ends;
            }
            ends.push(end);
            k += 1;
        }
    }

    /// Mean household size (persons per household, before the last one is cut to fit).
    pub fn mean_household_size(&self) -> f64 {
        let h = &self.household_sizes;
        h.values
            .iter()
            .zip(&h.shares)
            .map(|(&s, &p)| s as f64 * p)
            .sum()
    }

    /// Index of the period holding a day. Period k ends at ⌊(k+1)·365/P⌋ (P periods a
    /// year), so the number of ends at or before `day` is ⌊((day+1)·P − 1)/365⌋: no
    /// search.
    #[inline]
    pub fn period_of(&self, day: u32) -> usize {
        let p = self.periods_per_year as u64;
        let k = (((day as u64 + 1) * p).saturating_sub(1) / 365) as usize;
        k.min(self.period_ends.len() - 1)
    }
}
