//! Tampering with the record store (measure 15): harm and help through the
//! no-attacks counterfactual, and detection per defence with its analytic value beside
//! the simulated one. Definitions: docs/audit.md.

use super::super::stats::ratio;
use super::*;
use crate::tally::DEFENCES;
use credsim_model::{Attack, Defence};

/// What each defence cannot catch, as the model implements it (docs/ODD.md §3.12).
fn blind_spots(d: Defence) -> &'static str {
    match d {
        Defence::Complaints => {
            "catches only an inserted record, or one re-dated later, whose subject meets a sanction and complains; never a deletion or a back-dated record (they help their subject) nor a record that sanctions nobody"
        }
        Defence::Reconciliation => {
            "misses whatever went through a source's normal input path: the source agrees with the store"
        }
        Defence::Sampling => {
            "misses deletions (an omission cannot be sampled) and input-path records; finds an inserted or re-dated record only on an audit that samples it"
        }
        Defence::HashChain => {
            "misses every change written through the logged interface (the log is intact), every insert (appended after the last anchor), every alteration written as a new entry, rewrites of entries after the last anchor, and all rewrites when unanchored (the chain is recomputed)"
        }
        Defence::Merkle => {
            "as the anchored chain: catches rewrites of entries committed in a published tree head only; misses true-looking appends, omissions and entries after the last head; split views need gossip (one view modelled)"
        }
    }
}

/// For a record tampered with on a uniform day of the attack's window within the run
/// (`horizon` days): the probability that a check follows before the horizon, and the
/// mean wait to it. `after_a_check`: only days after the first check count (a log
/// defence sees a rewrite only of an entry anchored by an earlier check, so the records
/// it can see were tampered with after one).
fn next_check(
    days: &[u32],
    a: &Attack,
    horizon: u32,
    after_a_check: bool,
) -> (Option<f64>, Option<f64>) {
    let Some(window) = a.days_in_run(horizon) else {
        return (None, None);
    };
    let first = if after_a_check {
        days.first().map_or(u32::MAX, |&c| c.max(*window.start()))
    } else {
        *window.start()
    };
    if first > *window.end() {
        return (None, None);
    }
    let window = first..=*window.end();
    let n = (window.end() - window.start() + 1) as f64;
    let waits: Vec<u32> = window
        .filter_map(|t| {
            let next = days.partition_point(|&c| c <= t);
            days.get(next).map(|&c| c - t)
        })
        .collect();
    let share = waits.len() as f64 / n;
    let mean = (!waits.is_empty())
        .then(|| waits.iter().map(|&w| w as f64).sum::<f64>() / waits.len() as f64);
    (Some(share), mean)
}

/// Measure 15, or None without attacks.
pub(super) fn tampering(cx: &Counts<'_>) -> Option<TamperingAudit> {
    let m = cx.model;
    if m.attacks.is_empty() || !cx.has(Variant::NoAttacks) {
        return None;
    }
    let harm = cx.section(Variant::NoAttacks, |cx| {
        Some((
            cx.est(|g| cx.total(g, g.no_attacks.only_factual as f64)),
            cx.est(|g| cx.total(g, g.no_attacks.excess_days as f64)),
            cx.est(|g| cx.total(g, g.no_attacks.only_counterfactual as f64)),
            cx.est(|g| cx.total(g, g.no_attacks.spared_days as f64)),
            cx.est(|g| days_removed_share(g, &g.no_attacks)),
        ))
    })?;
    let all = &cx.all().tamper;
    let attacks = m
        .attacks
        .iter()
        .enumerate()
        .map(|(x, a)| {
            let defences = Defence::ALL.iter().map(|&d| defence(cx, x, a, d)).collect();
            AttackAudit {
                id: a.id.clone(),
                attacker: a.attacker.name().into(),
                operation: a.operation.name().into(),
                path: a.path.name().into(),
                rewrites_log: a.rewrites_log,
                records_tampered: all.records[x],
                records_undetected_at_end: all.records[x] - all.detected_any[x],
                share_detected: cx.est(|g| ratio(g.tamper.detected_any[x], g.tamper.records[x])),
                mean_days_to_detection: cx
                    .est(|g| ratio(g.tamper.first_detection_days[x], g.tamper.detected_any[x])),
                defences,
            }
        })
        .collect();
    Some(TamperingAudit {
        status: cx.status(Variant::NoAttacks),
        persons_harmed: harm.0,
        sanction_days_caused: harm.1,
        persons_helped: harm.2,
        sanction_days_evaded: harm.3,
        net_share_of_sanction_days: harm.4,
        attacks,
    })
}

/// One defence against attack x, as if it were the only one.
fn defence(cx: &Counts<'_>, x: usize, a: &Attack, d: Defence) -> DefenceDetection {
    let m = cx.model;
    let k = x * DEFENCES + d as usize;
    let all = &cx.all().tamper;
    let check = m.defences.checks[d as usize];
    let declared = match d {
        Defence::Complaints => m.defences.complaint_probability > 0.0,
        _ => check.is_some(),
    };
    let visible = all.visible[k];
    let days = m.check_days(d);
    let (mut share, mut first, mut attack, mut wait) = (None, None, None, None);
    if visible > 0 {
        match (d, check) {
            (Defence::Sampling, Some(c)) => {
                // Each record is sampled at each audit with probability f: found by
                // the horizon with 1 − (1 − f)^n after n audits, at the first with f.
                let f = c.share;
                let stride = days.len() + 1;
                let hist = &all.audits_left[x * stride..(x + 1) * stride];
                let by_n = |g: &dyn Fn(usize) -> f64| {
                    hist.iter()
                        .enumerate()
                        .map(|(n, &h)| h as f64 * g(n))
                        .sum::<f64>()
                };
                let v = visible as f64;
                share = Some(by_n(&|n| 1.0 - (1.0 - f).powi(n as i32)) / v);
                first = Some(f * (visible - hist[0]) as f64 / v);
                let audits = by_n(&|n| n as f64);
                attack = Some(1.0 - (1.0 - f).powf(audits));
            }
            (Defence::Complaints, _) => {}
            _ => {
                // Every visible record is found at the next check: the analytic values
                // for a record tampered with on a uniform day of the window (for the
                // log defences, of the window after the first check: what they can see).
                let log = matches!(d, Defence::HashChain | Defence::Merkle);
                let (s, w) = next_check(&days, a, m.days, log);
                share = s;
                first = s;
                wait = w;
                attack = Some(if s.unwrap_or(0.0) > 0.0 { 1.0 } else { 0.0 });
            }
        }
    }
    DefenceDetection {
        defence: d.name().into(),
        declared,
        records_visible: visible,
        share_detected: cx.est(|g| ratio(g.tamper.detected[k], g.tamper.visible[k])),
        analytic_share_detected: share,
        share_detected_at_first_check: if d == Defence::Complaints {
            Estimate::default()
        } else {
            cx.est(|g| ratio(g.tamper.first_check[k], g.tamper.visible[k]))
        },
        analytic_share_detected_at_first_check: first,
        attack_detected: all.detected[k] > 0,
        analytic_attack_detected: attack,
        mean_days_to_detection: cx.est(|g| ratio(g.tamper.detection_days[k], g.tamper.detected[k])),
        analytic_mean_days_to_detection: wait,
        blind_spots: blind_spots(d).into(),
    }
}
