//! Tampering with the record store (`[[attacks]]`, `[defences]`; docs/ODD.md §3.12):
//! each defence's detection against its analytic value, each defence's blind spot, the
//! repair, the no-attacks counterfactual against a separate run, and the same results
//! at any thread count and on both schedules. Tolerances are 4 standard errors of the
//! sampling distribution named beside each.

mod common;
#[path = "tamper/repairs.rs"]
mod repairs;

use common::{control, model, run_threads};
use credsim_engine::audit::GroupTally;
use credsim_engine::summary::Summary;
use credsim_engine::{Audit, Outcome, Schedule};
use credsim_model::{Defence, Model};
use std::sync::atomic::AtomicBool;

/// Debtors: one adverse record type (a court judgment that lists its person for
/// `list_days`), captured with probability 1 and no delay; listed persons lose flights,
/// attempted `attempts` times a year. Monthly periods, 4 years. `extra` is appended
/// (attacks and defences).
fn debtors(
    persons: u64,
    rate: f64,
    list_days: u32,
    attempts: f64,
    seed: u64,
    extra: &str,
) -> String {
    format!(
        r#"
domains = ["court", "transport"]
[scenario]
name = "debtors"
[simulation]
years = 4
seed = {seed}
[population]
persons = {persons}
[[population.attributes]]
id = "region"
categories = {{ urban = 0.6, rural = 0.4 }}
[[behaviours]]
id = "default"
domain = "court"
rate_per_year = {rate}
[[sources]]
id = "court"
capture = {{ default = 1.0 }}
[[lists]]
id = "defaulters"
kind = "black"
duration_days = {list_days}
triggers = [{{ record = "default" }}]
[[services]]
id = "flights"
domain = "transport"
attempts_per_year = {attempts}
[[treatments]]
id = "no_flights"
kind = "sanction"
service = "flights"
trigger = {{ list = "defaulters" }}
scope = "all"
{extra}
"#
    )
}

fn insert(share: f64, day: u32, path: &str, rewrite: bool) -> String {
    format!(
        r#"
[[attacks]]
id = "listing"
attacker = "outsider"
operation = "insert"
path = "{path}"
rewrites_log = {rewrite}
from_day = {day}
share = {share}
records = ["default"]
source = "court"
"#
    )
}

fn delete(share: f64, day: u32, path: &str, rewrite: bool) -> String {
    format!(
        r#"
[[attacks]]
id = "delisting"
attacker = "insider"
operation = "delete"
path = "{path}"
rewrites_log = {rewrite}
from_day = {day}
share = {share}
listed = "defaulters"
"#
    )
}

/// Every defence, checked every `every` months; sampling at share f.
fn all_defences(q: f64, every: u32, f: f64, anchored: bool) -> String {
    format!(
        r#"
[defences]
complaint_probability = {q}
reconciliation = {{ every_periods = {every} }}
sampling = {{ share = {f}, every_periods = {every} }}
hash_chain = {{ every_periods = {every}, anchored = {anchored} }}
merkle = {{ every_periods = {every} }}
"#
    )
}

fn audit_total(o: &Outcome) -> GroupTally {
    let a = o.audit.as_ref().expect("audit ran");
    let mut t = a.groups[0].clone();
    for g in &a.groups[1..] {
        t.merge(g);
    }
    t
}

fn audit(m: &Model, o: &Outcome) -> Audit {
    Audit::new(m, o.audit.as_ref().expect("audit ran"))
}

/// (visible, detected, Σ days, detected at the first check) of defence d, attack 0.
fn counts(t: &GroupTally, d: Defence) -> [u64; 4] {
    let k = d as usize;
    let c = &t.tamper;
    [
        c.visible[k],
        c.detected[k],
        c.detection_days[k],
        c.first_check[k],
    ]
}

/// Binomial test: |x/n − p| within 4 standard errors.
fn near(x: u64, n: u64, p: f64, what: &str) {
    let n = n as f64;
    let se = (p * (1.0 - p) / n).sqrt().max(1e-12);
    let got = x as f64 / n;
    assert!(
        (got - p).abs() <= 4.0 * se,
        "{what}: {got} against {p} (4 SE = {})",
        4.0 * se
    );
}

#[test]
fn reconciliation_finds_every_store_record_at_the_next_check() {
    let m = model(&debtors(
        20_000,
        0.0,
        3650,
        1.0,
        5,
        &(insert(0.05, 100, "store", false) + &all_defences(0.0, 3, 0.3, true)),
    ));
    let o = run_threads(&m, 2);
    let t = audit_total(&o);
    let k = t.tamper.records[0];
    near(k, 20_000, 0.05, "persons hit");
    // Checks every 3 months: the first after day 100 is the end of month 6, day 182.
    let days = m.check_days(Defence::Reconciliation);
    assert_eq!(days[0], 91);
    let next = days.iter().copied().find(|&c| c > 100).expect("a check");
    assert_eq!(next, 182);
    let [vis, det, sum, first] = counts(&t, Defence::Reconciliation);
    assert_eq!((vis, det, first), (k, k, k));
    assert_eq!(
        sum,
        k * (next - 100) as u64,
        "every record waits exactly to the next check"
    );
    let a = audit(&m, &o);
    let r = &a.tampering.as_ref().expect("section").attacks[0].defences
        [Defence::Reconciliation as usize];
    assert_eq!(r.analytic_mean_days_to_detection, Some((next - 100) as f64));
    assert_eq!(r.mean_days_to_detection.value, Some((next - 100) as f64));
    assert_eq!(r.analytic_share_detected, Some(1.0));
    // Repaired at detection (repair_days 0): every inserted record removed, so the
    // harm is exactly the days from insertion to the check, for every person hit.
    assert_eq!(t.tamper.repaired[0], k);
    let s = Summary::new(&m, &o);
    assert_eq!(s.records.tampered, Some(k));
    assert_eq!(s.records.total, k);
    assert_eq!(
        t.no_attacks.sanction_days, 0,
        "nobody is sanctioned without the attack"
    );
    assert_eq!(t.no_attacks.excess_days, k * (next - 100) as u64);
    assert_eq!(t.no_attacks.only_factual, k);
    // The log defences never see an insert; sampling sees it (store path).
    assert_eq!(counts(&t, Defence::HashChain)[0], 0);
    assert_eq!(counts(&t, Defence::Merkle)[0], 0);
    assert_eq!(counts(&t, Defence::Sampling)[0], k);
}

#[test]
fn sampling_detects_as_the_binomial_says() {
    let f = 0.02;
    let m = model(&debtors(
        40_000,
        0.0,
        3650,
        1.0,
        6,
        &(insert(0.05, 100, "store", false) + &all_defences(0.0, 1, f, true)),
    ));
    let o = run_threads(&m, 2);
    let t = audit_total(&o);
    let [vis, det, _, first] = counts(&t, Defence::Sampling);
    assert!(vis > 1_000);
    near(first, vis, f, "sampled at the first audit");
    // Audits at every month end after day 100 and before day 1460.
    let n = m
        .check_days(Defence::Sampling)
        .iter()
        .filter(|&&c| c > 100)
        .count() as i32;
    near(det, vis, 1.0 - (1.0 - f).powi(n), "sampled by the horizon");
    let a = audit(&m, &o);
    let s = &a.tampering.as_ref().expect("section").attacks[0].defences[Defence::Sampling as usize];
    let analytic = s.analytic_share_detected.expect("analytic");
    assert!((analytic - (1.0 - (1.0 - f).powi(n))).abs() < 1e-12);
    assert_eq!(s.analytic_share_detected_at_first_check, Some(f));
}

/// The attack as a whole: with k records and sampling share f, the first audit finds
/// at least one with probability 1 − (1 − f)^k; over 60 seeds the share of runs in which
/// it did agrees with the mean of that probability within 4 binomial SEs.
#[test]
fn the_attack_level_detection_probability_agrees_across_seeds() {
    let f = 0.1;
    let (mut hits, mut expected) = (0u64, 0.0);
    let runs = 60;
    for seed in 0..runs {
        let m = model(&debtors(
            2_000,
            0.0,
            3650,
            1.0,
            100 + seed,
            &(insert(0.004, 100, "store", false) + &all_defences(0.0, 1, f, true)),
        ));
        let o = run_threads(&m, 1);
        let t = audit_total(&o);
        let k = t.tamper.records[0] as i32;
        expected += 1.0 - (1.0 - f).powi(k);
        hits += (counts(&t, Defence::Sampling)[3] > 0) as u64;
    }
    near(
        hits,
        runs,
        expected / runs as f64,
        "attacks found at the first audit",
    );
}

#[test]
fn complaints_arrive_at_the_thinned_attempt_rate() {
    // A tampered listing bans flights from day 100 to the horizon (no other record):
    // denied attempts are Poisson at rate a, each a complaint with probability q, so
    // P(found by day 1460) = 1 − exp(−a q (1460 − 100) / 365).
    let (a, q) = (2.0, 0.2);
    let extra =
        insert(0.1, 100, "input", false) + &format!("[defences]\ncomplaint_probability = {q}\n");
    let m = model(&debtors(20_000, 0.0, 3650, a, 7, &extra));
    let o = run_threads(&m, 2);
    let t = audit_total(&o);
    let [vis, det, _, _] = counts(&t, Defence::Complaints);
    assert_eq!(
        vis, t.tamper.records[0],
        "the subject holds the truth, whatever the path"
    );
    let p = 1.0 - (-a * q * (1460.0 - 100.0) / 365.0f64).exp();
    near(det, vis, p, "complained by the horizon");
    assert_eq!(
        t.tamper.complaints, det,
        "one record per person, one complaint each"
    );
    assert_eq!(t.tamper.repaired[0], det, "repaired on the complaint's day");
    // Input path: no other defence could have seen it (none is declared either).
    for d in [
        Defence::Reconciliation,
        Defence::Sampling,
        Defence::HashChain,
        Defence::Merkle,
    ] {
        assert_eq!(counts(&t, d)[0], 0, "{d:?}");
    }
}

#[test]
fn an_input_path_record_is_invisible_to_every_check_against_the_sources() {
    let m = model(&debtors(
        10_000,
        0.0,
        3650,
        1.0,
        8,
        &(insert(0.05, 100, "input", true) + &all_defences(0.0, 1, 1.0, true)),
    ));
    let t = audit_total(&run_threads(&m, 2));
    assert!(t.tamper.records[0] > 0);
    for d in [
        Defence::Reconciliation,
        Defence::Sampling,
        Defence::HashChain,
        Defence::Merkle,
    ] {
        assert_eq!(counts(&t, d), [0; 4], "{d:?}");
    }
    assert_eq!(t.tamper.detected_any[0], 0, "nobody complains: q = 0");
    assert_eq!(t.tamper.repaired[0], 0);
}

/// Deletions: no complaint (the subject is helped), no sample (an omission), no log
/// check unless the log was rewritten and the entry anchored; reconciliation finds them
/// and the repair restores the listing. With listings longer than the horizon a deleted
/// person loses the days from the deletion to the check, or to their next record if one
/// comes first (which relists them): E = (1 − e^(−λL))/λ for L days and rate λ.
#[test]
fn deletions_show_only_to_reconciliation_and_anchored_rewrites() {
    let run = |rewrite: bool, anchored: bool| {
        let m = model(&debtors(
            20_000,
            0.3,
            3650,
            1.0,
            9,
            &(delete(0.3, 400, "store", rewrite) + &all_defences(0.5, 3, 1.0, anchored)),
        ));
        let o = run_threads(&m, 2);
        (m, audit_total(&o))
    };
    let (m, t) = run(false, true);
    let k = t.tamper.records[0];
    let persons = t.tamper.persons[0];
    assert!(persons > 500 && k >= persons);
    assert_eq!(counts(&t, Defence::Complaints)[0], 0);
    assert_eq!(counts(&t, Defence::Sampling)[0], 0);
    assert_eq!(
        counts(&t, Defence::HashChain)[0],
        0,
        "the delete is a logged entry"
    );
    assert_eq!(counts(&t, Defence::Merkle)[0], 0);
    let next = m
        .check_days(Defence::Reconciliation)
        .into_iter()
        .find(|&c| c > 400)
        .expect("check");
    assert_eq!(
        counts(&t, Defence::Reconciliation),
        [k, k, k * (next - 400) as u64, k]
    );
    assert_eq!(t.tamper.repaired[0], k);
    let (l, lambda) = ((next - 400) as f64, 0.3 / 365.0);
    let expected = persons as f64 * (1.0 - (-lambda * l).exp()) / lambda;
    // Per person at most L days (SD ≤ L/2), and days are whole (≤ 1 day per relisting).
    let tolerance = 4.0 * (persons as f64).sqrt() * l / 2.0 + persons as f64 * lambda * l;
    let spared = t.no_attacks.spared_days as f64;
    assert!(
        (spared - expected).abs() <= tolerance,
        "days evaded {spared}, expected {expected} ± {tolerance}"
    );
    assert!(spared <= persons as f64 * l);
    assert_eq!(t.no_attacks.excess_days, 0);
    assert_eq!(
        t.no_attacks.only_counterfactual, 0,
        "sanctioned before the deletion anyway"
    );

    // A rewritten log: the anchored chain and the Merkle log see the deleted entries
    // filed before the last check (day 365), not the later ones.
    let (m, t) = run(true, true);
    let last = m
        .check_days(Defence::HashChain)
        .into_iter()
        .rfind(|&c| c <= 400)
        .expect("anchor");
    assert_eq!(last, 365);
    let [vis, det, _, _] = counts(&t, Defence::HashChain);
    assert!(
        vis > 0 && vis < t.tamper.records[0],
        "some entries after the anchor: {vis}"
    );
    assert_eq!(det, vis);
    assert_eq!(counts(&t, Defence::Merkle)[0], vis);
    // Unanchored, the attacker recomputes the chain: nothing shows.
    let (_, t) = run(true, false);
    assert_eq!(counts(&t, Defence::HashChain)[0], 0);
}

#[test]
fn without_defences_nothing_is_found() {
    let m = model(&debtors(
        10_000,
        0.2,
        3650,
        1.0,
        10,
        &delete(0.5, 500, "store", true),
    ));
    let o = run_threads(&m, 2);
    let t = audit_total(&o);
    assert!(t.tamper.records[0] > 0);
    assert_eq!(t.tamper.detected_any[0], 0);
    let s = Summary::new(&m, &o);
    let c = &s.tampering.as_ref().expect("section").attacks[0];
    assert_eq!(c.records_undetected_at_end, c.records_tampered);
    assert!(s.tampering.as_ref().expect("section").defences.is_empty());
}

/// The no-attacks counterfactual is a run of the same scenario without `[[attacks]]`.
#[test]
fn the_counterfactual_is_a_run_without_the_attacks() {
    let base = debtors(20_000, 0.3, 365, 1.0, 12, "");
    let with = base.clone()
        + &delete(0.2, 300, "store", false)
        + &insert(0.02, 500, "store", false).replace("\"listing\"", "\"listing2\"")
        + &all_defences(0.3, 2, 0.1, true);
    let m = model(&with);
    let t = audit_total(&run_threads(&m, 2));
    let plain = model(&base);
    let s = Summary::new(&plain, &run_threads(&plain, 2));
    assert_eq!(t.no_attacks.sanction_days, s.sanctioned.person_days);
    assert_eq!(t.no_attacks.sanctioned, s.sanctioned.persons_ever);
    assert!(t.no_attacks.excess_days > 0 && t.no_attacks.spared_days > 0);
}

/// Same outputs at 1 and 2 threads and on both schedules.
#[test]
fn threads_and_schedules_agree() {
    let m = model(
        &(debtors(20_000, 0.3, 365, 1.0, 13, &delete(0.2, 300, "store", true))
            + &insert(0.02, 500, "store", false).replace("\"listing\"", "\"listing2\"")
            + &all_defences(0.3, 2, 0.1, true)),
    );
    let json = |o: &Outcome| {
        let s = serde_json::to_string(&Summary::new(&m, o)).expect("json");
        let a = serde_json::to_string(&audit(&m, o)).expect("json");
        s + &a.replace(&m.hash, "")
    };
    let one = json(&run_threads(&m, 1));
    assert_eq!(one, json(&run_threads(&m, 2)));
    let cancel = AtomicBool::new(false);
    let options = credsim_engine::Options {
        schedule: Schedule::EpochMajor,
        ..credsim_engine::Options::default()
    };
    let epoch = credsim_engine::run_with(&m, &control(&cancel), options).expect("runs");
    assert_eq!(one, json(&epoch));
}
