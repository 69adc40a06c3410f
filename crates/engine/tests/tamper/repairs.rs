//! Alterations (re-dating), repairs and their interplay with appeals, credit repair,
//! dated lists and shortened runs: each against a run without the attack or an
//! analytic expectation.

use super::*;

/// `debtors` with a score: each record costs 50 points of 1,000, for `expiry` days.
fn scored_debtors(seed: u64, expiry: u32, extra: &str) -> String {
    debtors(20_000, 0.8, 200, 1.0, seed, extra).replace(
        "[[services]]",
        &format!("[score]\nbase = 1000\n[records.default]\npoints = -50\nexpiry_days = {expiry}\n[[services]]"),
    )
}

/// Every person's score on the last day, in person order.
fn final_scores(rows: &[credsim_engine::PersonBatch]) -> Vec<Option<i64>> {
    rows.iter().flat_map(|b| b.score.iter().copied()).collect()
}

/// Persons on the list at the end.
fn listed_at_end(m: &Model, o: &Outcome) -> u64 {
    Summary::new(m, o).final_state.listed["defaulters"]
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
    let scored = |extra: &str| scored_debtors(23, 365, extra);
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
    assert_eq!(final_scores(&rows_f), final_scores(&rows_p));
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
    assert_eq!(
        listed_at_end(&attacked, &o),
        listed_at_end(&plain, &run_threads(&plain, 2))
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
    assert_eq!(listed_at_end(&m, &o), 0);
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
    let expected = listed_at_end(&plain, &run_threads(&plain, 2));
    assert!(expected > 1_000);
    assert_eq!(listed_at_end(&attacked, &o), expected);
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
    let scored = |extra: &str| scored_debtors(30, 1200, extra);
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
    assert_eq!(final_scores(&rows_f), final_scores(&rows_p));
    assert_eq!(listed_at_end(&factual, &of), listed_at_end(&plain, &op));
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
    assert_eq!(
        listed_at_end(&attacked, &o),
        listed_at_end(&plain, &run_threads(&plain, 2))
    );
}
