//! Tampering with the record store (`[[attacks]]`, `[defences]`; docs/ODD.md §3.12):
//! each defence's detection against its analytic value, each defence's blind spot, the
//! repair, the no-attacks counterfactual against a separate run, and the same results
//! at any thread count and on both schedules. Tolerances are 4 standard errors of the
//! sampling distribution named beside each.

mod common;

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

fn alter(share: f64, day: u32, shift: i32, path: &str, rewrite: bool) -> String {
    format!(
        r#"
[[attacks]]
id = "redating"
attacker = "vendor"
operation = "alter"
path = "{path}"
rewrites_log = {rewrite}
from_day = {day}
share = {share}
listed = "defaulters"
shift_days = {shift}
"#
    )
}

/// Back-dating a record past its whole term takes its person off the list exactly as
/// deleting it would, and its repair restores exactly what a deletion's repair does:
/// the same sanction-days, the same days evaded, the same detections by
/// reconciliation. Unlike the deletion, the altered record is still in the store, so
/// sampling can see it; the subject, helped, never complains.
#[test]
fn back_dating_past_the_term_acts_as_a_deletion() {
    let run = |attack: &str| {
        let m = model(&debtors(
            20_000,
            0.3,
            365,
            1.0,
            21,
            &(attack.to_string() + &all_defences(0.5, 3, 0.5, true)),
        ));
        let o = run_threads(&m, 2);
        (Summary::new(&m, &o), audit_total(&o))
    };
    let (sd, td) = run(&delete(0.3, 400, "store", false));
    let (sa, ta) = run(&alter(0.3, 400, -3650, "store", false));
    assert!(td.tamper.records[0] > 300);
    assert_eq!(ta.tamper.records[0], td.tamper.records[0]);
    assert_eq!(sa.sanctioned.person_days, sd.sanctioned.person_days);
    assert_eq!(ta.no_attacks.spared_days, td.no_attacks.spared_days);
    assert!(ta.no_attacks.spared_days > 0);
    assert_eq!(ta.no_attacks.excess_days, 0);
    assert_eq!(
        counts(&ta, Defence::Reconciliation),
        counts(&td, Defence::Reconciliation)
    );
    assert_eq!(counts(&ta, Defence::Complaints)[0], 0);
    assert_eq!(counts(&td, Defence::Sampling)[0], 0);
    assert_eq!(counts(&ta, Defence::Sampling)[0], ta.tamper.records[0]);
}

/// Moving a record's date later (clamped to the day of the attack) extends its
/// person's term: with the shift beyond the term, everyone hit on day t is listed
/// until t + L, so a person whose latest record is a days old gains a days. Given
/// listing at t, a is Exp(λ) truncated to [0, L) (records at rate λ, stationary):
/// E[a] = 1/λ − L·e^(−λL)/(1 − e^(−λL)). The subject is harmed and can complain.
#[test]
fn a_later_date_extends_the_term_by_the_records_age() {
    let (rate, l, t) = (0.05, 365u32, 800u32);
    let m = model(&debtors(
        100_000,
        rate,
        l,
        1.0,
        22,
        &(alter(1.0, t, 3650, "store", false) + "[defences]\ncomplaint_probability = 0.0\n"),
    ));
    let o = run_threads(&m, 2);
    let tt = audit_total(&o);
    let persons = tt.tamper.persons[0] as f64;
    assert!(persons > 3_000.0, "{persons}");
    let lambda = rate / 365.0;
    let lf = l as f64;
    let q = (-lambda * lf).exp();
    let mean_age = 1.0 / lambda - lf * q / (1.0 - q);
    // Age roughly uniform on [0, L): SD ≤ L/√12 per person; a new record in the gained
    // days (probability ≤ λ·L per person) shortens the gain by at most L.
    let expected = persons * mean_age;
    let tolerance = 4.0 * persons.sqrt() * lf / 12f64.sqrt() + persons * lambda * lf * lf;
    let excess = tt.no_attacks.excess_days as f64;
    assert!(
        (excess - expected).abs() <= tolerance,
        "days added {excess}, expected {expected} ± {tolerance}"
    );
    assert_eq!(tt.no_attacks.spared_days, 0);
    assert!(
        m.attacks[0].visible_to(Defence::Complaints, None, false),
        "a harmed subject can complain"
    );
}

/// Re-dating and repairing conserve the store: when reconciliation has given every
/// altered record back its date before the horizon, each person's final score (points
/// that expire 365 days after a record's date) and list state equal those of the run
/// without the attack. A record expiring twice, or never, would break this.
#[test]
fn repaired_alterations_leave_the_final_state_of_a_run_without_them() {
    let scored = |extra: &str| {
        debtors(20_000, 0.8, 200, 1.0, 23, extra).replace(
            "[[services]]",
            "[score]\nbase = 1000\n[records.default]\npoints = -50\nexpiry_days = 365\n[[services]]",
        )
    };
    let attacks = alter(0.5, 300, -120, "store", false)
        + &alter(0.5, 500, 90, "store", false).replace("\"redating\"", "\"postdating\"")
        + &all_defences(0.0, 3, 0.2, true);
    let factual = model(&scored(&attacks));
    let plain = model(&scored(""));
    let (of, rows_f) = common::run_persons(&factual, Schedule::ChunkMajor);
    let (_, rows_p) = common::run_persons(&plain, Schedule::ChunkMajor);
    let t = audit_total(&of);
    assert!(t.tamper.records[0] > 1_000 && t.tamper.records[1] > 1_000);
    assert_eq!(
        t.tamper.repaired[0] + t.tamper.repaired[1],
        t.tamper.records[0] + t.tamper.records[1]
    );
    let scores = |rows: &[credsim_engine::PersonBatch]| -> Vec<Option<i64>> {
        rows.iter().flat_map(|b| b.score.iter().copied()).collect()
    };
    assert_eq!(scores(&rows_f), scores(&rows_p));
    // While altered, the back-dated records expired early and the post-dated ones late:
    // sanction-days differ, both ways.
    assert!(t.no_attacks.spared_days > 0 && t.no_attacks.excess_days > 0);
}

/// A run shortened by `--years` is the first years of the longer run: an attack window
/// that extends past its end hits, month by month, exactly the records the longer run's
/// attack hits in those months, and nothing after.
#[test]
fn a_shortened_run_keeps_the_attacks_first_hits() {
    let text = |years: u32| {
        debtors(
            10_000,
            0.3,
            365,
            1.0,
            24,
            &insert(0.05, 300, "store", false),
        )
        .replace("years = 4", &format!("years = {years}"))
        .replace("from_day = 300", "from_day = 300\nto_day = 1000")
    };
    let long = run_threads(&model(&text(4)), 2);
    let short = run_threads(&model(&text(2)), 2);
    let monthly =
        |o: &Outcome| -> Vec<u64> { o.tally.periods.iter().map(|p| p.tampered).collect() };
    let (l, s) = (monthly(&long), monthly(&short));
    assert_eq!(s.len(), 24);
    assert_eq!(s[..], l[..24]);
    assert!(s.iter().sum::<u64>() > 100, "hits inside the short run");
    assert!(
        l[24..].iter().sum::<u64>() > 0,
        "and after it, in the long run"
    );
}

/// An appeal upheld while an attack has deleted its record still stands when the
/// deletion is repaired: with every appeal upheld 60 days after filing, the persons
/// listed at the end are those of the run without the attack (the records of the last
/// 60 days), although the deleted records come back a year later.
#[test]
fn an_appeal_upheld_during_a_deletion_survives_the_repair() {
    let appeals = "[appeals]\nprobability = { genuine = 1.0, erroneous = 1.0 }\nsuccess = { genuine = 1.0, erroneous = 1.0 }\nprocessing_days = 60\ncapacity_per_month_per_100k = 1000000\n";
    let text = |attack: &str| debtors(20_000, 0.5, 3650, 1.0, 25, &(appeals.to_string() + attack));
    let attacked = model(&text(
        &(delete(0.5, 400, "store", false)
            + "[defences]\nreconciliation = { every_periods = 24 }\n"),
    ));
    let plain = model(&text(""));
    let o = run_threads(&attacked, 2);
    let t = audit_total(&o);
    assert!(t.tamper.records[0] > 300, "records deleted while in appeal");
    assert_eq!(t.tamper.repaired[0], t.tamper.records[0]);
    let listed = |m: &Model, o: &Outcome| Summary::new(m, o).final_state.listed["defaulters"];
    assert_eq!(
        listed(&attacked, &o),
        listed(&plain, &run_threads(&plain, 2))
    );
}

/// A post-dating that leaves a person listed throughout (terms longer than the run)
/// changes nothing a person lives through: the person is never taken off the list and
/// put back, so treatment applications (one per sanction spell started), sanction-days
/// and list occupancy are those of the run without the attack, month by month.
#[test]
fn an_alteration_keeps_list_stays_and_sanction_spells_whole() {
    let text = |attack: &str| debtors(20_000, 0.3, 3650, 1.0, 26, attack);
    let attacked = model(&text(&alter(0.5, 400, 30, "store", false)));
    let plain = model(&text(""));
    let (a, p) = (run_threads(&attacked, 2), run_threads(&plain, 2));
    assert!(audit_total(&a).tamper.records[0] > 500);
    let monthly = |o: &Outcome| -> Vec<(Vec<u64>, Vec<u64>)> {
        o.tally
            .periods
            .iter()
            .map(|x| (x.applications.clone(), x.occupancy.clone()))
            .collect()
    };
    assert_eq!(monthly(&a), monthly(&p));
    assert_eq!(
        Summary::new(&attacked, &a).sanctioned.person_days,
        Summary::new(&plain, &p).sanctioned.person_days
    );
}

/// A deletion acts on the records the sources filed, never on a record another attack
/// planted: so repairing the deletion cannot bring back a planted listing that the
/// insert's own repair removed. With every person hit by both (an insert on day 100, a
/// deletion of listed persons on day 150, both found at the check on day 182), the
/// inserts are all removed at the check and nobody they listed is listed at the end.
#[test]
fn a_deletion_never_takes_a_planted_record() {
    let attacks = insert(1.0, 100, "store", false)
        + &delete(1.0, 150, "store", false).replace("\"delisting\"", "\"delisting2\"")
        + "[defences]\nreconciliation = { every_periods = 3 }\n";
    let m = model(&debtors(5_000, 0.0, 3650, 1.0, 27, &attacks));
    let o = run_threads(&m, 2);
    let t = audit_total(&o);
    assert!(t.tamper.records[0] > 3_000, "planted");
    assert_eq!(t.tamper.records[1], 0, "no source-filed record to delete");
    assert_eq!(t.tamper.repaired[0], t.tamper.records[0]);
    assert_eq!(Summary::new(&m, &o).final_state.listed["defaulters"], 0);
}

/// A dated list lists nobody for a record filed before it took effect, and neither does
/// the repair of that record's deletion after the list took effect: the persons listed
/// at the end are those of the run without the attack.
#[test]
fn a_restored_record_does_not_list_on_a_list_not_in_force_at_its_filing() {
    let text = |extra: &str| {
        debtors(20_000, 0.3, 3650, 1.0, 28, extra)
            .replace("seed = 28", "seed = 28\nstart = 2014-01-01")
            .replace(
                "duration_days = 3650",
                "duration_days = 3650\nfrom = 2015-01-01",
            )
    };
    let attack = "[[attacks]]\nid = \"early\"\nattacker = \"insider\"\noperation = \"delete\"\nfrom_day = 300\nshare = 0.5\n[defences]\nreconciliation = { every_periods = 15 }\n";
    let attacked = model(&text(attack));
    let plain = model(&text(""));
    let o = run_threads(&attacked, 2);
    let t = audit_total(&o);
    assert!(t.tamper.records[0] > 1_000 && t.tamper.repaired[0] == t.tamper.records[0]);
    let listed = |m: &Model, o: &Outcome| Summary::new(m, o).final_state.listed["defaulters"];
    let expected = listed(&plain, &run_threads(&plain, 2));
    assert!(expected > 1_000);
    assert_eq!(listed(&attacked, &o), expected);
}

/// The log defences see a rewritten deletion only when a check anchored the entry
/// before the attack, so their analytic wait is over the attack days after the first
/// check: a window of days 0-400 with yearly anchors (days 365, 730) gives visible
/// records tampered with on days 365-400, all found on day 730, a mean wait of
/// 730 − 382.5 = 347.5 days (a uniform day's SD over 36 days, 10.4, over √n, inflated
/// for persons with several records).
#[test]
fn the_log_defences_analytic_wait_is_over_what_they_can_see() {
    let attack = delete(0.5, 0, "store", true)
        .replace("from_day = 0", "from_day = 0\nto_day = 400")
        + "[defences]\nhash_chain = { every_periods = 12, anchored = true }\n";
    let m = model(&debtors(40_000, 0.3, 3650, 1.0, 29, &attack));
    let o = run_threads(&m, 2);
    let t = audit_total(&o);
    let [vis, det, sum, _] = counts(&t, Defence::HashChain);
    assert!(vis > 200 && det == vis, "{vis} {det}");
    let a = audit(&m, &o);
    let h =
        &a.tampering.as_ref().expect("section").attacks[0].defences[Defence::HashChain as usize];
    let analytic = h.analytic_mean_days_to_detection.expect("analytic");
    assert!((analytic - 347.5).abs() < 1e-9, "{analytic}");
    let mean = sum as f64 / det as f64;
    // A person's records share one attack day, so the mean over records has variance
    // σ²·Σk²/(Σk)²; for a zero-truncated Poisson count of records per listed person
    // (rate μ ≤ 0.3 · 400/365 before the attack) Σk²/Σk ≈ 1 + μ ≤ 1.33.
    let se = (36f64 * 36.0 / 12.0 * 1.33).sqrt() / (det as f64).sqrt();
    assert!(
        (mean - analytic).abs() <= 4.0 * se,
        "{mean} against {analytic} ± {}",
        4.0 * se
    );
}

/// Two alterations of the same record before either is repaired (back 120 days on day
/// 300, forward 90 on day 330, both found at the check on day 365): each keeps the true
/// date, so after both repairs each person's final score and list state equal those of
/// the run without them. Points expire 1,200 days after a record's date, so a record of
/// days 261-300 left dated 120 days early would have expired by the horizon (day 1460).
#[test]
fn overlapping_alterations_repair_to_the_true_date() {
    let scored = |extra: &str| {
        debtors(20_000, 0.8, 200, 1.0, 30, extra).replace(
            "[[services]]",
            "[score]\nbase = 1000\n[records.default]\npoints = -50\nexpiry_days = 1200\n[[services]]",
        )
    };
    let attacks = alter(1.0, 300, -120, "store", false)
        + &alter(1.0, 330, 90, "store", false).replace("\"redating\"", "\"postdating\"")
        + "[defences]\nreconciliation = { every_periods = 12 }\n";
    let factual = model(&scored(&attacks));
    let plain = model(&scored(""));
    let (of, rows_f) = common::run_persons(&factual, Schedule::ChunkMajor);
    let (op, rows_p) = common::run_persons(&plain, Schedule::ChunkMajor);
    let t = audit_total(&of);
    assert!(t.tamper.records[0] > 1_000 && t.tamper.records[1] > 1_000);
    assert_eq!(
        t.tamper.repaired[0] + t.tamper.repaired[1],
        t.tamper.records[0] + t.tamper.records[1]
    );
    let scores = |rows: &[credsim_engine::PersonBatch]| -> Vec<Option<i64>> {
        rows.iter().flat_map(|b| b.score.iter().copied()).collect()
    };
    assert_eq!(scores(&rows_f), scores(&rows_p));
    let listed = |m: &Model, o: &Outcome| Summary::new(m, o).final_state.listed["defaulters"];
    assert_eq!(listed(&factual, &of), listed(&plain, &op));
}

/// A credit repair due while an attack has deleted its record still removes it: with
/// every record repaired 100 days after filing, the persons listed at the end are those
/// of the run without the attack, although the deleted records come back on day ~456.
#[test]
fn a_credit_repair_due_during_a_deletion_survives_the_restore() {
    let text = |attack: &str| {
        debtors(
            20_000,
            0.5,
            3650,
            1.0,
            31,
            &("[repair]\nafter_days = 100\nprobability = 1.0\n".to_string() + attack),
        )
    };
    let attacked = model(&text(
        &(delete(0.5, 300, "store", false)
            + "[defences]\nreconciliation = { every_periods = 15 }\n"),
    ));
    let plain = model(&text(""));
    let o = run_threads(&attacked, 2);
    let t = audit_total(&o);
    assert!(
        t.tamper.records[0] > 300,
        "records deleted before their repair"
    );
    assert_eq!(t.tamper.repaired[0], t.tamper.records[0]);
    let listed = |m: &Model, o: &Outcome| Summary::new(m, o).final_state.listed["defaulters"];
    assert_eq!(
        listed(&attacked, &o),
        listed(&plain, &run_threads(&plain, 2))
    );
}
