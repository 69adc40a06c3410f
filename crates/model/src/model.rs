//! The validated, compiled model the engine runs.
//!
//! Ids are resolved to indices, rates are per day, probabilities are known to be in
//! range, and grade bands are known to tile the score range. Nothing here can be
//! inconsistent, so the engine never re-checks.
//!
//! [`Model`] and the helpers several sections share are defined here; each section's
//! compiled form lives beside its raw form and its checks in the crate's section
//! modules, and is re-exported here.

pub use crate::kinds::Status;
pub use crate::section::appeals::{AppealRules, RepairRules};
pub use crate::section::attacks::{
    Attack, Attacker, Check, Defence, Defences, Operation, WritePath,
};
pub use crate::section::behaviours::{Behaviour, Deterrence};
pub use crate::section::chilling::ChillingRules;
pub use crate::section::dated::InForce;
pub use crate::section::firms::rules as firms;
pub use crate::section::firms::rules::FirmRules;
pub use crate::section::grading::Grading;
pub use crate::section::leaks::{
    Coverage, Field, IDENTITY_NAMES, IdField, IdentityRules, Leak, LeakRules, LeakScope, Role,
    Store, StoreAttribute, Table, Topology,
};
pub use crate::section::lists::{ContactsCondition, List};
pub use crate::section::network::NetworkRules;
pub use crate::section::population::{Attribute, Categories};
pub use crate::section::score::{GradeBand, ScoreRules};
pub use crate::section::scrutiny::Scrutiny;
pub use crate::section::services::Service;
pub use crate::section::sources::{Observer, Source};
pub use crate::section::treatments::Treatment;
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
    /// Calendar date of day 0 (`simulation.start`; None: time is days since the start).
    pub start: Option<crate::calendar::Date>,
    /// Number of persons.
    pub persons: u64,
    /// Household sizes and the cumulative shares of households with each size.
    pub household_sizes: Categorical<u32>,
    /// Global heterogeneity shape (None: no heterogeneity).
    pub heterogeneity_shape: Option<f64>,
    /// The persons the regime scores (see [`Model::scored`]).
    pub scored: Categories,
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
    /// The grading cadence (None: the grade follows every change of the score).
    pub grading: Option<Grading>,
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
    /// The audit's threshold of minor conduct (None: not assessed).
    pub minor_gravity: Option<f64>,
    /// Tampering with the record store (empty: none).
    pub attacks: Vec<Attack>,
    /// The store's defences (all off without `[defences]`).
    pub defences: Defences,
    /// Firms, if any (`[firms]`).
    pub firms: Option<FirmRules>,
    /// Record stores and their leaks, if any (`[[stores]]`, `[[leaks]]`).
    pub leaks: Option<LeakRules>,
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

impl Model {
    /// The eligibility rule: whether the regime scores a person with these attribute
    /// categories (one per attribute, in the model's order). Records (genuine, false and
    /// misattributed) land only on scored persons (`[population] scored`); without the
    /// rule everyone is scored.
    #[inline]
    pub fn scored(&self, attrs: &[u8]) -> bool {
        self.scored.contains(attrs)
    }

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
