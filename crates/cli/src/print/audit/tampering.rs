//! Measure 15 in `credsim audit`: tampering with the record store, and what each defence
//! alone detects beside its analytic value.

use super::super::est;
use super::{line, not_triggered, section};
use crate::fmt::thousands;
use crate::term::outln;
use credsim_engine::Audit;
use credsim_engine::audit::Status;

/// An analytic value as a percentage or a day count (`-` when none is stated).
fn analytic(x: Option<f64>, percent: bool) -> String {
    match (x, percent) {
        (Some(v), true) => format!("{:.2}%", v * 100.0),
        (Some(v), false) => format!("{v:.1}"),
        (None, _) => "-".into(),
    }
}

/// Prints measure 15 (nothing without attacks).
pub(super) fn tampering(a: &Audit) {
    let Some(t) = &a.tampering else {
        return;
    };
    section(
        15,
        "Tampering with the record store (same lives without the attacks)",
    );
    if t.status == Status::NotTriggered {
        not_triggered("no attack inserted or deleted any record");
    } else {
        line(
            "persons sanctioned only because of the attacks",
            est(Some(&t.persons_harmed), false),
        );
        line(
            "  sanction-days they caused",
            est(Some(&t.sanction_days_caused), false),
        );
        line(
            "persons spared a sanction by the attacks",
            est(Some(&t.persons_helped), false),
        );
        line(
            "  sanction-days evaded",
            est(Some(&t.sanction_days_evaded), false),
        );
        line(
            "net share of sanction-days",
            est(Some(&t.net_share_of_sanction_days), true),
        );
    }
    for at in &t.attacks {
        outln!(
            "   attack `{}` ({}, {} via the {}{}): {} records, {} undetected at the end; found {} after {} days on average",
            at.id,
            at.attacker,
            at.operation,
            at.path,
            if at.rewrites_log {
                ", log rewritten"
            } else {
                ""
            },
            thousands(at.records_tampered),
            thousands(at.records_undetected_at_end),
            est(Some(&at.share_detected), true),
            est(Some(&at.mean_days_to_detection), false)
        );
        outln!(
            "     {:<15} {:>10} {:>20} {:>9} {:>20} {:>9} {:>16} {:>8}",
            "each alone",
            "visible",
            "detected",
            "analytic",
            "at first check",
            "analytic",
            "mean days",
            "analytic"
        );
        for d in &at.defences {
            let name = if d.declared {
                d.defence.clone()
            } else {
                format!("({})", d.defence)
            };
            outln!(
                "     {:<15} {:>10} {:>20} {:>9} {:>20} {:>9} {:>16} {:>8}",
                name,
                thousands(d.records_visible),
                est(Some(&d.share_detected), true),
                analytic(d.analytic_share_detected, true),
                est(Some(&d.share_detected_at_first_check), true),
                analytic(d.analytic_share_detected_at_first_check, true),
                est(Some(&d.mean_days_to_detection), false),
                analytic(d.analytic_mean_days_to_detection, false)
            );
        }
    }
    outln!(
        "   (in parentheses: not declared; what each defence cannot catch: audit.json `blind_spots`, docs/ODD.md §3.12)"
    );
}
