//! `summary.json → leaks`: per leak, its day and the persons it exposed (the headline
//! counts; everything else is audit measure 16).

use super::tally::LeakTally;
use credsim_model::LeakRules;
use serde::{Deserialize, Serialize};

/// One leak's headline counts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LeakSummary {
    /// Name.
    pub name: String,
    /// Day of the leak (past the horizon: nothing leaked in this run).
    pub day: u32,
    /// Persons with at least one record leaked.
    pub persons_exposed: u64,
    /// The same × `identity.scale`.
    pub persons_exposed_scaled: f64,
    /// Persons exposed × days from the leak to the end of exposure.
    pub exposure_person_days: u64,
}

/// The leaks' headline counts.
pub fn summary(rules: &LeakRules, t: &LeakTally, days: u32) -> Vec<LeakSummary> {
    rules
        .leaks
        .iter()
        .zip(&t.leaks)
        .map(|(l, c)| LeakSummary {
            name: l.name.clone(),
            day: l.day,
            persons_exposed: c.exposed,
            persons_exposed_scaled: c.exposed as f64 * rules.identity.scale,
            exposure_person_days: c.exposed * u64::from(l.window_end(days).saturating_sub(l.day)),
        })
        .collect()
}
