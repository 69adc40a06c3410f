//! Firms (`[firms]`), checked against independent expectations: inspections at
//! class-dependent rates and the amplification measure (analytic recorded share, the
//! null, interval coverage across seeds), assessments from a window of records,
//! wrongful listings from false records, the cross-agency share, exits per entry with
//! restoration, persons reached through roles, and determinism across thread counts
//! and schedules. Tolerances are 4 standard errors of the sampling distribution named
//! next to each.

mod common;

use common::{control, model};
use credsim_engine::firms::measures::FirmAudit;
use credsim_engine::firms::summary::FirmSummary;
use credsim_engine::summary::Summary;
use credsim_engine::{Audit, Options, Outcome, Schedule};
use credsim_model::Model;
use std::sync::atomic::AtomicBool;

/// The persons' part: `persons` persons, no conduct, one service.
fn persons(persons: u64, years: u32, seed: u64) -> String {
    format!(
        r#"domains = ["court", "tax", "customs", "procurement", "transport"]
[scenario]
name = "firms-test"
description = "firms test"
[simulation]
years = {years}
seed = {seed}
reporting_period = "month"
[population]
persons = {persons}
[[behaviours]]
id = "nothing"
domain = "court"
rate_per_year = 0.0
[[services]]
id = "flights"
domain = "transport"
attempts_per_year = 2.0
"#
    )
}

/// Two fixed classes (no points: a firm keeps its day-0 class), inspections at
/// `high`/`low` shares of 2 occasions a year, detection `d`, no routine capture.
fn inspections(firms: u64, seed: u64, high: f64, low: f64, d: f64) -> String {
    persons(500, 3, seed)
        + &format!(
            r#"
[firms]
count = {firms}
sizes = {{ small = {{ share = 1.0, employees = 10 }} }}
[[firms.behaviours]]
id = "violation"
domain = "tax"
rate_per_year = 1.0
[[firms.ratings]]
id = "tax"
domain = "tax"
base = {{ mean = 50.0, sd = 10.0 }}
classes = [ {{ id = "high", min = 50.0 }}, {{ id = "low" }} ]
every_days = 365
inspections = {{ occasions_per_year = 2.0, share = {{ high = {high}, low = {low} }}, detection = {d}, lookback_days = 100000, finds = ["violation"], reference = "high" }}
"#
        )
}

fn run(m: &Model, threads: usize, schedule: Schedule) -> Outcome {
    let cancel = AtomicBool::new(false);
    let ctl = control(&cancel);
    let options = Options {
        schedule,
        ..Options::default()
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool")
        .install(|| credsim_engine::run_with(m, &ctl, options))
        .expect("runs")
}

fn results(m: &Model) -> (FirmSummary, FirmAudit, Outcome) {
    let o = run(m, 2, Schedule::ChunkMajor);
    let s = Summary::new(m, &o).firms.expect("firm summary");
    let a = Audit::new(m, o.audit.as_ref().expect("audit"))
        .firms
        .expect("firm audit");
    (s, a, o)
}

/// Share of violations recorded by the horizon T (days) when undetected violations
/// are found at rate λ a day from the day they happen: acts fall uniformly on days
/// 0..T, and one on day d stays unfound with probability e^(−λ(T−d)).
fn recorded_share(lambda: f64, t: u32) -> f64 {
    (0..t)
        .map(|d| 1.0 - (-lambda * (t - d) as f64).exp())
        .sum::<f64>()
        / t as f64
}

#[test]
fn inspections_amplify_recorded_violations_as_their_rates_imply() {
    let (high, low, d) = (0.1, 0.8, 0.5);
    let m = model(&inspections(20_000, 11, high, low, d));
    let (s, a, _) = results(&m);
    // Inspected share of occasions per class: binomial around the stated share.
    let ins = s.ratings["tax"].inspections.as_ref().expect("inspections");
    for (class, share) in [("high", high), ("low", low)] {
        let c = &ins[class];
        let p = c.inspected as f64 / c.occasions as f64;
        let se = (share * (1.0 - share) / c.occasions as f64).sqrt();
        assert!((p - share).abs() < 4.0 * se, "{class}: {p} vs {share}");
    }
    let amp = &a.inspection_amplification["tax"];
    let rate = |share: f64| 2.0 / 365.0 * share * d;
    let (g_high, g_low) = (
        recorded_share(rate(high), m.days),
        recorded_share(rate(low), m.days),
    );
    for (class, g) in [("high", g_high), ("low", g_low)] {
        let row = &amp.by_class[class];
        let v = row.recorded_per_violation.value.unwrap();
        let se = row.recorded_per_violation.se.unwrap();
        assert!((v - g).abs() < 4.0 * se, "{class}: {v} vs {g} (se {se})");
        // The counterfactual inspects every class at the high class's share.
        let e = row.recorded_per_violation_equal_rates.value.unwrap();
        let se = row.recorded_per_violation_equal_rates.se.unwrap();
        assert!(
            (e - g_high).abs() < 4.0 * se,
            "{class} equal: {e} vs {g_high}"
        );
    }
    let x = &amp.excess_low_over_high;
    let truth = g_low - g_high;
    assert!(truth > 0.3, "the test needs a clear excess: {truth}");
    assert!(
        (x.value.unwrap() - truth).abs() < 4.0 * x.se.unwrap(),
        "{x:?} vs {truth}"
    );
    assert_eq!(amp.low_class.as_deref(), Some("low"));
    assert_eq!(amp.high_class.as_deref(), Some("high"));
}

#[test]
fn equal_inspection_rates_or_no_detection_give_no_excess() {
    // Equal shares: the counterfactual is the factual run.
    let (_, a, _) = results(&model(&inspections(4_000, 5, 0.3, 0.3, 0.5)));
    let amp = &a.inspection_amplification["tax"];
    assert_eq!(amp.excess_low_over_high.value, Some(0.0));
    // Unequal shares but inspections find nothing: the counterfactual is run, and
    // records nothing more or less.
    let (s, a, _) = results(&model(&inspections(4_000, 5, 0.1, 0.9, 0.0)));
    let amp = &a.inspection_amplification["tax"];
    assert_eq!(amp.excess_low_over_high.value, Some(0.0));
    for row in amp.by_class.values() {
        assert_eq!(row.recorded_per_violation.value, Some(0.0));
    }
    assert!(s.ratings["tax"].inspections.as_ref().unwrap()["low"].inspected > 0);
}

#[test]
fn the_excess_interval_covers_the_analytic_value() {
    let (high, low, d) = (0.1, 0.8, 0.5);
    let rate = |share: f64| 2.0 / 365.0 * share * d;
    let seeds = 40;
    let mut covered = 0;
    for seed in 0..seeds {
        let m = model(&inspections(1_500, 1_000 + seed, high, low, d));
        let truth = recorded_share(rate(low), m.days) - recorded_share(rate(high), m.days);
        let (_, a, _) = results(&m);
        let x = &a.inspection_amplification["tax"].excess_low_over_high;
        covered += (x.ci_low.unwrap() <= truth && truth <= x.ci_high.unwrap()) as u32;
    }
    // 95% intervals: P(covered ≤ 32 of 40) < 0.1% under nominal coverage.
    assert!(covered >= 33, "covered {covered} of {seeds}");
}

/// One behaviour `v` at `rate` a year with capture 1 and no delay, plus false records
/// of it at `false_rate`; the rest of the regime in `regime`.
fn listing(firms: u64, years: u32, rate: f64, false_rate: f64, regime: &str) -> String {
    persons(500, years, 3)
        + &format!(
            r#"
[firms]
count = {firms}
sizes = {{ small = {{ share = 1.0, employees = 10 }} }}
[[firms.behaviours]]
id = "v"
domain = "tax"
rate_per_year = {rate}
[[firms.sources]]
id = "bureau"
observes = {{ v = 1.0 }}
false_records_per_year = {{ v = {false_rate} }}
{regime}
"#
        )
}

#[test]
fn assessments_count_the_records_of_their_window() {
    // Base 100 for every firm, 10 points a record: A (≥ 95) iff no record in the
    // 365 days before the assessment, B (≥ 85) iff one, C otherwise.
    let rating = r#"
[[firms.ratings]]
id = "tax"
domain = "tax"
base = { mean = 100.0, sd = 0.0 }
classes = [ { id = "A", min = 95.0 }, { id = "B", min = 85.0 }, { id = "C" } ]
every_days = 365
points = { v = 10.0 }
"#;
    let rate = 0.5;
    let m = model(&listing(20_000, 3, rate, 0.0, rating));
    let (s, _, _) = results(&m);
    let r = &s.ratings["tax"];
    assert_eq!(r.day0["A"], 20_000);
    assert_eq!(r.assessments.len(), 2);
    // Records in (day − 365, day]: Poisson(rate × 365/365); the first assessment (day
    // 365) sees days 1..=365, all of the acts of days 0..365 but day 0's.
    let mean = rate * 364.0 / 365.0;
    let p = [(-mean).exp(), mean * (-mean).exp()];
    let first = &r.assessments[0];
    assert_eq!(first.day, 365);
    for (class, p) in [("A", p[0]), ("B", p[1])] {
        let n = first.firms[class] as f64;
        let se = (20_000.0 * p * (1.0 - p)).sqrt();
        assert!(
            (n - 20_000.0 * p).abs() < 4.0 * se,
            "{class}: {n} vs {}",
            20_000.0 * p
        );
    }
}

#[test]
fn false_records_alone_list_wrongly_and_as_often_as_they_arrive() {
    let list = r#"
[[firms.lists]]
id = "black"
trigger = { behaviour = "v" }
publicity_days = 365
"#;
    let phi = 0.2;
    let m = model(&listing(20_000, 3, 0.0, phi, list));
    let (s, a, _) = results(&m);
    let w = &a.wrongful_listings.as_ref().expect("errors happen")["black"];
    // No genuine act: every listed firm is wrongly listed.
    assert_eq!(w.firms_wrongly_listed, w.firms_listed);
    assert_eq!(s.lists["black"].firms_ever, w.firms_listed);
    // Ever listed iff at least one false record in 3 years.
    let p = 1.0 - (-phi * 3.0f64).exp();
    let v = w.per_1000_firms.value.unwrap();
    let se = 1000.0 * (p * (1.0 - p) / 20_000.0).sqrt();
    assert!((v - 1000.0 * p).abs() < 4.0 * se, "{v} vs {}", 1000.0 * p);
    // Genuine acts only: nothing is wrongful, and the measure is absent.
    let (_, a, _) = results(&model(&listing(5_000, 3, 0.2, 0.0, list)));
    assert!(a.wrongful_listings.is_none());
}

#[test]
fn cross_agency_sanctions_are_those_of_another_domain() {
    let regime = r#"
[[firms.lists]]
id = "black"
trigger = { behaviour = "v" }
publicity_days = 365
[[firms.sanctions]]
id = "audit_more"
domain = "tax"
trigger = { list = "black" }
scope = "all"
[[firms.sanctions]]
id = "procurement_ban"
domain = "procurement"
trigger = { list = "black" }
scope = "all"
[[firms.sanctions]]
id = "procurement_own"
domain = "procurement"
trigger = { list = "black" }
scope = "own"
"#;
    let (s, a, _) = results(&model(&listing(5_000, 3, 0.3, 0.0, regime)));
    let tax = &s.sanctions["audit_more"];
    let ban = &s.sanctions["procurement_ban"];
    // Every listing applies both `all` sanctions; the tax one is in the record's domain.
    assert!(tax.applications > 100);
    assert_eq!(tax.applications, ban.applications);
    assert_eq!(tax.cross_agency, 0);
    assert_eq!(ban.cross_agency, ban.applications);
    // Own scope: a tax record never brings a procurement sanction.
    assert_eq!(s.sanctions["procurement_own"].applications, 0);
    assert_eq!(a.cross_agency.share.value, Some(0.5));
    assert_eq!(tax.firm_days, s.lists["black"].firm_days);
}

#[test]
fn restoration_shortens_listings_as_the_rule_says() {
    let (after, handling, p, term) = (90u32, 7u32, 0.4, 365u32);
    let regime = format!(
        r#"
[[firms.lists]]
id = "black"
trigger = {{ behaviour = "v" }}
publicity_days = {term}
restoration = {{ after_days = {after}, probability = {p}, handling_days = {handling} }}
"#
    );
    let years = 10;
    let (s, a, _) = results(&model(&listing(60_000, years, 0.005, 0.0, &regime)));
    let l = &s.lists["black"];
    // Conservation: every entry has exited or is open at the horizon.
    assert_eq!(
        l.entries,
        l.exits_at_term + l.exits_restored + l.open_at_horizon
    );
    assert_eq!(l.applications, l.exits_restored + l.refused);
    assert_eq!(l.refused, 0, "a behaviour trigger is cured by the term");
    // An entry on a uniform day τ exits within the horizon T iff τ + D < T, with
    // D = after + handling (probability p) or the term (a second record within a
    // listing, which would extend it, has probability ≈ 0.5%).
    let t = (years * 365) as f64;
    let short = (after + handling) as f64;
    let expected = p * (1.0 - short / t) + (1.0 - p) * (1.0 - term as f64 / t);
    let x = &a.time_on_lists["black"].exits_per_entry;
    let se = (expected * (1.0 - expected) / l.entries as f64).sqrt();
    assert!(
        (x.value.unwrap() - expected).abs() < 4.0 * se,
        "{x:?} vs {expected}"
    );
    let restored = l.exits_restored as f64 / l.entries as f64;
    let expected = p * (1.0 - short / t);
    let se = (expected * (1.0 - expected) / l.entries as f64).sqrt();
    assert!(
        (restored - expected).abs() < 4.0 * se,
        "{restored} vs {expected}"
    );
}

/// Every firm on a role list for the whole horizon: class `low` from day 0 for all.
fn roles(persons: u64, firms: u64, managers: u32, reach: &str) -> String {
    self::persons(persons, 2, 9)
        + &format!(
            r#"
[firms]
count = {firms}
managers = {managers}
sizes = {{ small = {{ share = 1.0, employees = 10 }} }}
[[firms.behaviours]]
id = "v"
domain = "court"
rate_per_year = 0.0
[[firms.ratings]]
id = "court"
domain = "court"
base = {{ mean = 0.0, sd = 0.0 }}
classes = [ {{ id = "high", min = 50.0 }}, {{ id = "low" }} ]
every_days = 365
[[firms.lists]]
id = "defaulters"
trigger = {{ rating = "court", classes = ["low"] }}
publicity_days = 100
[firms.roles]
mode = "restrict"
roles = [{reach}]
lists = ["defaulters"]
services = ["flights"]
"#
        )
}

#[test]
fn roles_reach_the_representatives_and_only_them() {
    let (n, f) = (3_000u64, 2_000u64);
    let m = model(&roles(n, f, 0, "\"representative\""));
    let (s, a, o) = results(&m);
    let rows = &o.firms.as_ref().unwrap().rows;
    // Independent recount: the distinct representatives of the firms.
    let mut reps: Vec<u32> = rows.representative.iter().map(|r| r.unwrap()).collect();
    reps.sort_unstable();
    reps.dedup();
    let r = s.roles.as_ref().unwrap();
    assert_eq!(r.persons, reps.len() as u64);
    assert_eq!(r.person_days, r.persons * m.days as u64);
    // Nobody is sanctioned by the person regime (no conduct): all only through roles.
    assert_eq!(r.persons_without_own_status, r.persons);
    let ra = a.roles.as_ref().unwrap();
    assert_eq!(ra.share_only_through_role, Some(1.0));
    // Expected distinct persons among f uniform draws of n, and those drawn twice or more.
    let q = 1.0 - 1.0 / n as f64;
    let distinct = n as f64 * (1.0 - q.powi(f as i32));
    let once = f as f64 * q.powi(f as i32 - 1);
    assert!(
        (r.persons as f64 - distinct).abs() < 40.0,
        "{} vs {distinct}",
        r.persons
    );
    let multi = distinct - once;
    assert!((r.persons_with_multiple_posts as f64 - multi).abs() < 4.0 * multi.sqrt());
    // Denied flights: Poisson(2 a year × person-days).
    let mean = 2.0 / 365.0 * r.person_days as f64;
    let denied = r.denied_attempts["flights"] as f64;
    assert!(
        (denied - mean).abs() < 4.0 * mean.sqrt(),
        "{denied} vs {mean}"
    );
    // Firm side: every firm listed from day 0 to the horizon, renewed each term.
    assert_eq!(r.firm_spells, f);
    assert_eq!(s.lists["defaulters"].entries, f);
    assert_eq!(s.series.role_listed.last().copied(), Some(f));
    // Managers as well: more persons.
    let m2 = model(&roles(n, f, 2, "\"representative\", \"manager\""));
    let (s2, _, _) = results(&m2);
    assert!(s2.roles.unwrap().persons > r.persons + 1_000);
}

#[test]
fn own_status_is_read_from_the_person_regime() {
    // Every person is listed by their own conduct within days: nobody is reached only
    // through a role.
    let text = roles(2_000, 500, 0, "\"representative\"").replace(
        "rate_per_year = 0.0\n[[services]]",
        "rate_per_year = 50.0\n[[sources]]\nid = \"court\"\ncapture = { nothing = 1.0 }\n[[lists]]\nid = \"own\"\nkind = \"black\"\nduration_days = 3650\ntriggers = [ { record = \"nothing\" } ]\n[[services]]",
    );
    let (s, _, _) = results(&model(&text));
    let r = s.roles.unwrap();
    assert!(r.persons > 300);
    assert_eq!(r.persons_without_own_status, 0);
    assert_eq!(r.person_days_without_own_status, 0);
}

#[test]
fn firms_are_the_same_at_any_thread_count_and_schedule() {
    let regime = r#"
[[firms.ratings]]
id = "tax"
domain = "tax"
base = { mean = 80.0, sd = 10.0 }
classes = [ { id = "A", min = 90.0 }, { id = "B", min = 60.0 }, { id = "C" } ]
every_days = 365
points = { v = 15.0 }
inspections = { occasions_per_year = 3.0, share = { A = 0.05, B = 0.2, C = 0.9 }, detection = 0.6, lookback_days = 730, reference = "B" }
[[firms.lists]]
id = "black"
trigger = { rating = "tax", classes = ["C"] }
publicity_days = 200
restoration = { after_days = 30, probability = 0.5 }
[firms.roles]
mode = "list"
roles = ["representative"]
lists = ["black"]
services = ["flights"]
"#;
    let text = listing(9_000, 3, 0.4, 0.05, regime).replace(
        "observes = { v = 1.0 }",
        "observes = { v = 0.3 }\ndelay_days = 20",
    );
    let m = model(&text);
    let outputs = |o: &Outcome| {
        let s = serde_json::to_string(&Summary::new(&m, o).firms).unwrap();
        let a = serde_json::to_string(&Audit::new(&m, o.audit.as_ref().unwrap()).firms).unwrap();
        (
            s,
            a,
            o.firms.as_ref().unwrap().rows.clone(),
            o.tally.roles.clone(),
        )
    };
    let one = outputs(&run(&m, 1, Schedule::ChunkMajor));
    assert_eq!(one, outputs(&run(&m, 3, Schedule::ChunkMajor)));
    assert_eq!(one, outputs(&run(&m, 2, Schedule::EpochMajor)));
    assert!(one.3.persons > 0);
}
