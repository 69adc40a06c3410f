//! The report's section on tampering with the record store (measure 15 and the
//! summary's counts): harm and help, and each defence's detection beside its analytic
//! value and its blind spots.

use crate::fmt::{Style, esc, estimate};
use credsim_engine::Audit;
use credsim_engine::summary::Summary;
use std::fmt::Write as _;

/// Nothing without attacks.
pub(super) fn tampering(body: &mut String, s: &Summary, audit: Option<&Audit>) {
    let Some(counts) = &s.tampering else {
        return;
    };
    body.push_str("<h2>Attacks on the record store</h2>");
    body.push_str("<table><tr><th>attack</th><th>operation</th><th>persons hit</th><th>records tampered</th><th>detected</th><th>repaired</th><th>undetected at the end</th></tr>");
    for a in &counts.attacks {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&a.id),
            esc(&a.operation),
            a.persons_hit,
            a.records_tampered,
            a.records_detected,
            a.records_repaired,
            a.records_undetected_at_end
        );
    }
    body.push_str("</table>");
    if !counts.defences.is_empty() {
        body.push_str(
            "<table><tr><th>defence</th><th>checks</th><th>records checked (cost)</th></tr>",
        );
        for d in &counts.defences {
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{:.0}</td></tr>",
                esc(&d.defence),
                d.checks,
                d.records_checked
            );
        }
        body.push_str("</table>");
    }
    let Some(t) = audit.and_then(|a| a.tampering.as_ref()) else {
        return;
    };
    let e = |x| estimate(Some(x), false, Style::Html);
    let _ = write!(
        body,
        "<p>Against the same lives without the attacks: {} persons sanctioned only because of them ({} sanction-days), {} persons spared ({} sanction-days evaded).</p>",
        e(&t.persons_harmed),
        e(&t.sanction_days_caused),
        e(&t.persons_helped),
        e(&t.sanction_days_evaded)
    );
    let pct = |x: Option<f64>| x.map_or("–".into(), |v| format!("{:.2}%", v * 100.0));
    for a in &t.attacks {
        let _ = write!(
            body,
            "<p><b>{}</b>: each defence as if it were the only one (simulated, analytic).</p><table><tr><th>defence</th><th>visible records</th><th>detected</th><th>analytic</th><th>mean days to detection</th><th>cannot catch</th></tr>",
            esc(&a.id)
        );
        for d in a.defences.iter().filter(|d| d.declared) {
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&d.defence),
                d.records_visible,
                estimate(Some(&d.share_detected), true, Style::Html),
                pct(d.analytic_share_detected),
                e(&d.mean_days_to_detection),
                esc(&d.blind_spots)
            );
        }
        body.push_str("</table>");
    }
}
