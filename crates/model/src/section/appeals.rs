//! `[appeals]` and `[repair]`: the two ways an adverse record can go early, through
//! a review office of limited capacity or through a paid or educational step.

use super::population::Attributes;
use crate::error::FieldPath;
use crate::validate::{Checker, MAX_DAYS};
use serde::Serialize;

/// The tables as written in the scenario file (re-exported by [`crate::raw`]).
pub mod raw {
    use crate::raw::Named;
    use serde::{Deserialize, Serialize};

    /// `[appeals]`: people contest adverse records; a review office decides them in the
    /// order filed, as many per month as its capacity allows.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Appeals {
        /// Probability that an adverse record (negative points or a list trigger) is
        /// appealed, for genuine records and for false or misattributed ones.
        pub probability: ByTruth,
        /// Attribute → category → multiplier on the probability of appealing (not everyone
        /// knows how); the product is capped at 1.
        #[serde(default)]
        pub probability_multipliers: Named<Named<f64>>,
        /// Appeals the office starts per month per 100,000 persons of the population.
        pub capacity_per_month_per_100k: f64,
        /// Days from the start of a review to its decision.
        pub processing_days: u32,
        /// Probability that a reviewed appeal removes the record.
        pub success: ByTruth,
        /// Free text.
        #[serde(default)]
        pub description: String,
    }

    /// A probability for genuine (true) records and for erroneous (false or
    /// misattributed) ones.
    #[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct ByTruth {
        /// For records of a real act of the person.
        pub genuine: f64,
        /// For false and misattributed records.
        pub erroneous: f64,
    }

    /// `[repair]`: an adverse record may be removed early after a waiting period, by
    /// those who take a paid or educational step.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Repair {
        /// Days after a record's arrival when it can be removed.
        pub after_days: u32,
        /// Probability that the person takes the step for a given adverse record.
        pub probability: f64,
        /// Free text.
        #[serde(default)]
        pub description: String,
    }
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

/// Checks appeals, if the scenario has them, and compiles them.
pub(crate) fn compile(
    ck: &mut Checker<'_>,
    appeals: Option<&raw::Appeals>,
    attributes: &Attributes<'_>,
) -> Option<AppealRules> {
    appeals.map(|a| {
        let p = FieldPath::keys(&["appeals"]);
        if !(1..=MAX_DAYS).contains(&a.processing_days) {
            ck.fail(
                p.key("processing_days"),
                format!(
                    "{} days is not allowed: a review takes 1 to {MAX_DAYS} days",
                    a.processing_days
                ),
            );
        }
        if a.capacity_per_month_per_100k > 1e9 {
            ck.fail(
                p.key("capacity_per_month_per_100k"),
                format!(
                    "{} is not allowed: at most 1e9 reviews per month per 100,000 persons",
                    a.capacity_per_month_per_100k
                ),
            );
        }
        AppealRules {
            appeal_genuine: ck.probability(
                p.key("probability").key("genuine"),
                "probability",
                a.probability.genuine,
            ),
            appeal_erroneous: ck.probability(
                p.key("probability").key("erroneous"),
                "probability",
                a.probability.erroneous,
            ),
            multipliers: attributes.multipliers(
                ck,
                &p.key("probability_multipliers"),
                &a.probability_multipliers,
            ),
            capacity_per_month_per_100k: ck.non_negative(
                p.key("capacity_per_month_per_100k"),
                "capacity",
                a.capacity_per_month_per_100k,
            ),
            processing_days: a.processing_days,
            success_genuine: ck.probability(
                p.key("success").key("genuine"),
                "probability",
                a.success.genuine,
            ),
            success_erroneous: ck.probability(
                p.key("success").key("erroneous"),
                "probability",
                a.success.erroneous,
            ),
        }
    })
}

/// Checks credit repair, if the scenario has it, and compiles it.
pub(crate) fn repair(ck: &mut Checker<'_>, repair: Option<&raw::Repair>) -> Option<RepairRules> {
    repair.map(|r| {
        let p = FieldPath::keys(&["repair"]);
        if !(1..=MAX_DAYS).contains(&r.after_days) {
            ck.fail(
                p.key("after_days"),
                format!(
                    "{} days is not allowed: the waiting period is 1 to {MAX_DAYS} days",
                    r.after_days
                ),
            );
        }
        RepairRules {
            after_days: r.after_days,
            probability: ck.probability(p.key("probability"), "probability", r.probability),
        }
    })
}
