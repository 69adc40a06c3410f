//! `[[sources]]`: who records which behaviours, how well, how late and with what
//! errors (false and misattributed records).

use super::behaviours::Behaviour;
use super::population::Attributes;
use crate::error::FieldPath;
use crate::model::{Categorical, DAYS_PER_YEAR};
use crate::validate::{Checker, MAX_DAYS};
use serde::Serialize;
use std::collections::HashMap;

/// The table as written in the scenario file (re-exported by [`crate::raw`]).
pub mod raw {
    use crate::raw::Named;
    use serde::{Deserialize, Serialize};

    /// `[[sources]]`: one data source feeding the regime.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Source {
        /// Identifier.
        pub id: String,
        /// Behaviour id → probability that one occurrence is recorded by this source.
        pub capture: Named<f64>,
        /// Attribute → category → multiplier on every capture probability of this source
        /// (cameras are denser in cities). The product is capped at 1.
        #[serde(default)]
        pub capture_multipliers: Named<Named<f64>>,
        /// Days between the act and the record reaching the regime.
        #[serde(default)]
        pub delay_days: u32,
        /// Records of nothing, per person per year (their type follows the source's mix of genuine records).
        #[serde(default)]
        pub false_records_per_year: f64,
        /// Attribute → category → multiplier on the false-record rate of persons in that
        /// category (the product over attributes; e.g. fewer files on the elderly).
        #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
        pub false_record_multipliers: Named<Named<f64>>,
        /// Probability that a captured record lands on another, random person of the same
        /// neighbourhood (about 8,192 persons in consecutive households).
        #[serde(default)]
        pub misattribution: f64,
        /// Free text.
        #[serde(default)]
        pub description: String,
    }
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
    /// False records per person per day (before `false_multipliers`).
    pub false_rate_per_day: f64,
    /// `false_multipliers[attribute][category]`: multiplier on the false-record rate;
    /// empty when the source gives none (every person at the same rate).
    pub false_multipliers: Vec<Vec<f64>>,
    /// Probability a captured record lands on another person.
    pub misattribution: f64,
    /// `capture_multipliers[attribute][category]`.
    pub capture_multipliers: Vec<Vec<f64>>,
    /// Record types of false records (behaviour indices), weighted by the source's
    /// mix of genuine records (base rate × base capture).
    pub false_types: Option<Categorical<usize>>,
}

/// Checks the sources and compiles them, adding each source's observers to the
/// behaviours it captures.
pub(crate) fn compile(
    ck: &mut Checker<'_>,
    sources: &[raw::Source],
    behaviour_index: &HashMap<String, usize>,
    behaviours: &mut [Behaviour],
    attributes: &Attributes<'_>,
) -> Vec<Source> {
    let spath = FieldPath::keys(&["sources"]);
    if sources.len() > u16::MAX as usize {
        ck.fail(spath.clone(), "at most 65535 sources");
    }
    ck.ids(&spath, "source", sources.iter().map(|x| x.id.as_str()));
    let mut out = Vec::new();
    for (i, src) in sources.iter().enumerate() {
        let p = spath.index(i);
        let mut weights = Vec::new();
        for (b, &prob) in &src.capture {
            let bi = ck.lookup(p.key("capture").key(b), "behaviour", behaviour_index, b);
            let prob = ck.probability(p.key("capture").key(b), "capture probability", prob);
            if let Some(beh) = behaviours.get_mut(bi) {
                beh.observers.push(Observer {
                    source: i,
                    capture: prob,
                });
                weights.push((bi, beh.rate_per_day * prob));
            }
        }
        let capture_multipliers =
            attributes.multipliers(ck, &p.key("capture_multipliers"), &src.capture_multipliers);
        let false_multipliers = if src.false_record_multipliers.is_empty() {
            Vec::new()
        } else {
            attributes.multipliers(
                ck,
                &p.key("false_record_multipliers"),
                &src.false_record_multipliers,
            )
        };
        let false_rate = ck.non_negative(
            p.key("false_records_per_year"),
            "false-record rate",
            src.false_records_per_year,
        );
        // False records follow the source's mix of genuine records (base rate × base
        // capture); a source whose behaviours nobody does files them by capture alone.
        let total: f64 = weights.iter().map(|w| w.1).sum();
        let by_capture: Vec<(usize, f64)> = src
            .capture
            .iter()
            .filter_map(|(b, &p)| behaviour_index.get(b).map(|&i| (i, p)))
            .collect();
        let weights = if total > 0.0 { weights } else { by_capture };
        let false_types = if weights.iter().any(|w| w.1 > 0.0) {
            Some(Categorical::new(
                weights.iter().map(|w| w.0).collect(),
                weights.iter().map(|w| w.1).collect(),
            ))
        } else {
            if false_rate > 0.0 {
                ck.fail(
                    p.key("false_records_per_year"),
                    "false records take the type of a behaviour the source captures, but this source captures none with a positive probability",
                );
            }
            None
        };
        if src.delay_days > MAX_DAYS {
            ck.fail(
                p.key("delay_days"),
                format!(
                    "a delay of {} days is not allowed: at most {MAX_DAYS}",
                    src.delay_days
                ),
            );
        }
        out.push(Source {
            id: src.id.clone(),
            delay_days: src.delay_days,
            false_rate_per_day: false_rate / DAYS_PER_YEAR,
            misattribution: ck.probability(
                p.key("misattribution"),
                "misattribution probability",
                src.misattribution,
            ),
            capture_multipliers,
            false_multipliers,
            false_types,
        });
    }
    out
}

impl Source {
    /// The false-record rate multiplier of a person with these attribute categories.
    pub fn false_multiplier(&self, attrs: &[u8]) -> f64 {
        self.false_multipliers
            .iter()
            .zip(attrs)
            .map(|(m, &c)| m[c as usize])
            .product()
    }

    /// The largest false-record rate multiplier of any person (1 without multipliers).
    pub fn largest_false_multiplier(&self) -> f64 {
        self.false_multipliers
            .iter()
            .map(|m| m.iter().copied().fold(0.0, f64::max))
            .product()
    }
}
