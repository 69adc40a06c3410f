//! `audit.json`'s `tampering` section (measure 15): what attacks on the record store
//! did to people, and what each defence detected. Defined in docs/audit.md.

use super::{Estimate, Status};
use serde::{Deserialize, Serialize};

/// Measure 15 (present only with `[[attacks]]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TamperingAudit {
    /// "acted", or "not_triggered": no attack inserted or deleted any record, so every
    /// estimate of the contrast below is null.
    #[serde(default)]
    pub status: Status,
    /// Persons ever sanctioned who would not have been without the attacks
    /// (counterfactual `no_attacks`, same random numbers).
    pub persons_harmed: Estimate,
    /// Σ max(0, sanction-days − sanction-days without the attacks).
    pub sanction_days_caused: Estimate,
    /// Persons sanctioned without the attacks and never with them.
    pub persons_helped: Estimate,
    /// Σ max(0, sanction-days without the attacks − sanction-days).
    pub sanction_days_evaded: Estimate,
    /// (sanction-days − sanction-days without the attacks) / sanction-days.
    pub net_share_of_sanction_days: Estimate,
    /// One entry per attack.
    pub attacks: Vec<AttackAudit>,
}

/// One attack and its detection.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttackAudit {
    /// The attack's id.
    pub id: String,
    /// `outsider`, `insider`, `vendor` or `cleanup_job`.
    pub attacker: String,
    /// `insert` or `delete`.
    pub operation: String,
    /// `store` or `input`.
    pub path: String,
    /// Whether the log was rewritten.
    pub rewrites_log: bool,
    /// Records inserted or deleted.
    pub records_tampered: u64,
    /// Records no defence detected before the horizon.
    pub records_undetected_at_end: u64,
    /// Share of the tampered records some defence detected before the horizon.
    pub share_detected: Estimate,
    /// Mean days from tampering to the first detection, over those detected.
    pub mean_days_to_detection: Estimate,
    /// Each defence as if it were the only one.
    pub defences: Vec<DefenceDetection>,
}

/// What one defence detects of one attack (as if it were the only defence).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DefenceDetection {
    /// `complaints`, `reconciliation`, `sampling`, `hash_chain` or `merkle`.
    pub defence: String,
    /// The scenario declares it (complaints: a complaint probability above 0).
    pub declared: bool,
    /// Tampered records it can see at all (its guarantee covers them).
    pub records_visible: u64,
    /// Share of the visible records detected before the horizon.
    pub share_detected: Estimate,
    /// The analytic value of that share (null where none is stated).
    pub analytic_share_detected: Option<f64>,
    /// Share of the visible records detected at the first check after the tampering.
    pub share_detected_at_first_check: Estimate,
    /// Its analytic value.
    pub analytic_share_detected_at_first_check: Option<f64>,
    /// Whether it detected at least one record of the attack before the horizon.
    pub attack_detected: bool,
    /// The analytic probability of that (sampling: 1 − (1 − f)^Σn over the visible
    /// records' audits left).
    pub analytic_attack_detected: Option<f64>,
    /// Mean days from tampering to detection, over the records detected.
    pub mean_days_to_detection: Estimate,
    /// Its analytic value (periodic checks: the mean wait to the next check over the
    /// attack's window, days uniform).
    pub analytic_mean_days_to_detection: Option<f64>,
    /// What it cannot catch (docs/ODD.md §3.12).
    pub blind_spots: String,
}
