//! The summary's `tampering` section: what the attacks did to the store and what the
//! defences checked (their cost), from the run's [`TamperTally`] and period records.

use super::*;
use crate::tally::{Tally, TamperTally};
use credsim_model::Defence;

/// `tampering` in summary.json (absent without attacks).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tampering {
    /// One entry per attack, in scenario order.
    pub attacks: Vec<AttackCounts>,
    /// Complaints at sanction encounters that revealed tampered records.
    pub complaints: u64,
    /// One entry per periodic defence the scenario declares: its checks and cost.
    pub defences: Vec<DefenceCost>,
}

/// What one attack did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttackCounts {
    /// The attack's id.
    pub id: String,
    /// `insert`, `delete` or `alter`.
    pub operation: String,
    /// Persons it inserted a record on or deleted records of.
    pub persons_hit: u64,
    /// Records inserted, deleted or altered.
    pub records_tampered: u64,
    /// Of those, detected by some defence before the horizon.
    pub records_detected: u64,
    /// Of those, repaired before the horizon.
    pub records_repaired: u64,
    /// Records no defence detected before the horizon.
    pub records_undetected_at_end: u64,
}

/// A periodic defence's checks and their cost.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DefenceCost {
    /// `reconciliation`, `sampling`, `hash_chain` or `merkle`.
    pub defence: String,
    /// Checks made before the horizon.
    pub checks: u64,
    /// Records compared with their sources (reconciliation; sampling: the expected
    /// number, share × store size), log entries hashed (hash chain: the whole chain at
    /// each check) or proof nodes (Merkle: ⌈log₂ n⌉ + 1 per consistency check), summed
    /// over the checks.
    pub records_checked: f64,
}

/// The store's size (records filed before the day, every provenance, deleted ones
/// included: the log) at each check of a defence, from records per reporting period.
pub fn store_at_checks(model: &Model, d: Defence, by_period: &[u64]) -> Vec<u64> {
    model
        .check_days(d)
        .iter()
        .map(|&c| {
            by_period
                .iter()
                .zip(&model.period_ends)
                .filter(|&(_, &end)| end <= c)
                .map(|(n, _)| n)
                .sum()
        })
        .collect()
}

/// The cost of each periodic defence the model declares (see [`DefenceCost`]).
pub fn defence_costs(model: &Model, by_period: &[u64]) -> Vec<DefenceCost> {
    Defence::ALL[1..]
        .iter()
        .filter_map(|&d| {
            let check = model.defences.checks[d as usize]?;
            let sizes = store_at_checks(model, d, by_period);
            let per_check = |n: u64| match d {
                Defence::Sampling => check.share * n as f64,
                Defence::Merkle if n > 0 => (n as f64).log2().ceil() + 1.0,
                Defence::Merkle => 0.0,
                _ => n as f64,
            };
            Some(DefenceCost {
                defence: d.name().to_string(),
                checks: sizes.len() as u64,
                records_checked: sizes.iter().map(|&n| per_check(n)).sum(),
            })
        })
        .collect()
}

/// Records per reporting period, every provenance (tampered inserts included).
pub fn records_by_period(t: &Tally) -> Vec<u64> {
    t.periods
        .iter()
        .map(|p| p.records.iter().sum::<u64>() + p.tampered)
        .collect()
}

/// The section, or None without attacks.
pub(super) fn tampering(model: &Model, t: &Tally) -> Option<Tampering> {
    if model.attacks.is_empty() {
        return None;
    }
    let c: &TamperTally = &t.tamper;
    Some(Tampering {
        attacks: model
            .attacks
            .iter()
            .enumerate()
            .map(|(x, a)| AttackCounts {
                id: a.id.clone(),
                operation: a.operation.name().into(),
                persons_hit: c.persons[x],
                records_tampered: c.records[x],
                records_detected: c.detected_any[x],
                records_repaired: c.repaired[x],
                records_undetected_at_end: c.records[x] - c.detected_any[x],
            })
            .collect(),
        complaints: c.complaints,
        defences: defence_costs(model, &records_by_period(t)),
    })
}
