//! Rules that take effect on a date (`from`, `until` of treatments and lists), checked
//! against hand-worked expectations: no sanction before the date, persons already
//! listed sanctioned on it, denied attempts after it at the rate the listed person-days
//! imply; a dated list admits nobody before its date; the same results at 1 and 2
//! threads and in both schedules, audit included. Tolerances are 4 standard errors.

mod common;

use common::{control, model, run_threads};
use credsim_engine::{Layout, Options, Outcome, Schedule};
use credsim_model::Model;
use std::sync::atomic::AtomicBool;

/// 40,000 persons living alone over two years from 1 Jan 2014 (monthly periods; day 365
/// is 1 Jan 2015 and starts period 12): court defaults at 0.3 a year, each recorded on
/// the day, each listing for longer than the run; flights attempted twice a year;
/// `extra` is appended.
fn base(extra: &str) -> String {
    format!(
        r#"domains = ["court", "transport"]
[scenario]
name = "dated"
[simulation]
days = 730
seed = 7
start = 2014-01-01
[population]
persons = 40000
[[behaviours]]
id = "default"
domain = "court"
rate_per_year = 0.3
[[sources]]
id = "court"
capture = {{ default = 1.0 }}
[[lists]]
id = "defaulters"
kind = "black"
duration_days = 5000
triggers = [{{ record = "default" }}]
[[services]]
id = "flights"
domain = "transport"
attempts_per_year = 2.0
{extra}"#
    )
}

const FLIGHT_BAN: &str = r#"[[treatments]]
id = "no_flights"
kind = "sanction"
service = "flights"
trigger = { list = "defaulters" }
scope = "all"
"#;

/// A score that a default lowers by 1 for 200 days: grade `bad` below 0.
const GRADES: &str = r#"[score]
base = 0
[[score.grades]]
name = "ok"
min = 0
[[score.grades]]
name = "bad"
max = -1
[records.default]
points = -1
expiry_days = 200
"#;

/// The first day of 2015: day 365, the first day of period 12.
const D: u32 = 365;

fn run(m: &Model, schedule: Schedule) -> Outcome {
    let cancel = AtomicBool::new(false);
    let options = Options {
        schedule,
        ..Options::default()
    };
    credsim_engine::run_with(m, &control(&cancel), options).expect("runs")
}

/// Mean and variance of one person's listed days in [from, days) when they are listed
/// from the day of their first default (Poisson at `rate` a year) to the end of the run.
fn listed_days(rate: f64, from: u32, days: u32) -> (f64, f64) {
    let l = rate / 365.0;
    let (mut m1, mut m2) = (0.0, 0.0);
    for f in 0..days {
        // First default on day f: continuous time in [f, f + 1).
        let p = (-l * f as f64).exp() - (-l * (f + 1) as f64).exp();
        let x = (days - f.max(from)) as f64;
        m1 += p * x;
        m2 += p * x * x;
    }
    (m1, m2 - m1 * m1)
}

/// A flight ban from 1 Jan 2015: nobody is sanctioned and no attempt is denied before;
/// everyone already listed is sanctioned on that day; the attempts denied after it are
/// Poisson(attempt rate × listed person-days from the day), the person-days themselves a
/// sum of independent persons' (variance from `listed_days`).
#[test]
fn a_ban_from_a_date_sanctions_the_listed_from_that_day() {
    let m = model(&base(&format!("{FLIGHT_BAN}from = 2015-01-01\n")));
    assert_eq!(m.treatments[0].in_force.from, D);
    let o = run(&m, Schedule::ChunkMajor);
    let lay = Layout::of(&m);
    let p = &o.tally.periods;
    let before: u64 = p[..12]
        .iter()
        .map(|p| p.denied[0] + p.applications[0])
        .sum();
    assert_eq!(before, 0, "sanctions or denials before the ban");
    assert!(p[..12].iter().all(|p| p.occupancy[lay.any_sanction()] == 0));
    // Applications in period 12: everyone listed at the end of period 11 (on day D
    // itself) and everyone listed for the first time in period 12 (nobody leaves).
    let listed_before = p[11].occupancy[lay.list(0)];
    let new = p[12].ever[lay.ever_list(0)] - p[11].ever[lay.ever_list(0)];
    assert!(
        listed_before > 5000,
        "{listed_before} listed before the ban"
    );
    assert_eq!(p[12].applications[0], listed_before + new);
    for (k, pk) in p.iter().enumerate().skip(12) {
        assert_eq!(
            pk.occupancy[lay.sanctioned(0)],
            pk.occupancy[lay.list(0)],
            "period {k}: everyone listed is banned"
        );
    }
    let (mean, var) = listed_days(0.3, D, m.days);
    let n = m.persons as f64;
    let a = 2.0 / 365.0;
    let expected = a * n * mean;
    let sd = (expected + a * a * n * var).sqrt();
    let denied = o.tally.denied[0] as f64;
    assert!(
        (denied - expected).abs() < 4.0 * sd,
        "denied {denied}, expected {expected:.0} ± {sd:.0}"
    );
}

/// A ban until 1 Jan 2015 is the mirror image: denials before, none after, and every
/// ban ends on that day.
#[test]
fn a_ban_until_a_date_ends_on_that_day() {
    let m = model(&base(&format!("{FLIGHT_BAN}until = 2015-01-01\n")));
    let o = run(&m, Schedule::ChunkMajor);
    let lay = Layout::of(&m);
    let p = &o.tally.periods;
    assert!(p[..12].iter().map(|p| p.denied[0]).sum::<u64>() > 0);
    assert_eq!(p[12..].iter().map(|p| p.denied[0]).sum::<u64>(), 0);
    assert!(p[12..].iter().all(|p| p.occupancy[lay.any_sanction()] == 0));
    assert_eq!(
        o.tally.ever[lay.ever_sanctioned()],
        p[11].ever[lay.ever_list(0)]
    );
}

/// A list from 1 Jan 2015 admits nobody before it; afterwards records list as usual, so
/// the persons ever listed are Binomial(n, 1 − e^(−rate × (days − D)/365)). A grade list
/// from the same day takes everyone already in the grade on that day and then follows
/// the grade exactly.
#[test]
fn a_list_from_a_date_admits_nobody_before_it() {
    let text = base(
        &[
            GRADES,
            r#"[[lists]]
id = "bad_grade"
kind = "black"
triggers = [{ grade = "bad" }]
from = 2015-01-01
"#,
        ]
        .concat(),
    )
    .replace(
        "triggers = [{ record = \"default\" }]",
        "triggers = [{ record = \"default\" }]\nfrom = 2015-01-01",
    );
    let m = model(&text);
    let o = run(&m, Schedule::ChunkMajor);
    let lay = Layout::of(&m);
    let p = &o.tally.periods;
    for l in 0..2 {
        assert_eq!(p[11].ever[lay.ever_list(l)], 0, "list {l} before its date");
    }
    let n = m.persons as f64;
    let q = 1.0 - (-0.3 * f64::from(m.days - D) / 365.0).exp();
    let ever = o.tally.ever[lay.ever_list(0)] as f64;
    let sd = (n * q * (1.0 - q)).sqrt();
    assert!(
        (ever - n * q).abs() < 4.0 * sd,
        "{ever} vs {:.0} ± {sd:.0}",
        n * q
    );
    let bad = lay.grade(1);
    assert!(p[11].occupancy[bad] > 1000);
    assert!(p[12].ever[lay.ever_list(1)] >= p[11].occupancy[bad]);
    for (k, pk) in p.iter().enumerate().skip(12) {
        assert_eq!(pk.occupancy[lay.list(1)], pk.occupancy[bad], "period {k}");
    }
}

/// Dated treatments and lists (record, grade and household rules, scope own and all,
/// from and until) give the same run and audit at 1 and 2 threads and in both
/// schedules.
#[test]
fn dated_rules_are_reproducible() {
    let text = base(
        &[
            GRADES,
            r#"[[lists]]
id = "bad_grade"
kind = "black"
duration_days = 90
triggers = [{ grade = "bad" }]
from = 2014-06-01
until = 2015-09-01
[[services]]
id = "court_services"
domain = "court"
attempts_per_year = 1.0
[[treatments]]
id = "no_flights"
kind = "sanction"
service = "flights"
trigger = { list = "defaulters" }
scope = "all"
household = true
from = 2014-08-15
[[treatments]]
id = "no_court_services"
kind = "sanction"
service = "court_services"
trigger = { list = "bad_grade" }
scope = "own"
until = 2015-03-01
[[treatments]]
id = "bad_no_flights"
kind = "sanction"
service = "flights"
trigger = { grade = "bad" }
scope = "all"
from = 2015-02-01
until = 2015-11-01
"#,
        ]
        .concat(),
    )
    .replace(
        "persons = 40000",
        "persons = 20000\n[population.households]\nsizes = { \"1\" = 0.5, \"3\" = 0.5 }",
    )
    .replace(
        "capture = { default = 1.0 }",
        "capture = { default = 0.8 }\nfalse_records_per_year = 0.02\nmisattribution = 0.05",
    );
    let m = model(&text);
    let a = run_threads(&m, 1);
    let b = run_threads(&m, 2);
    assert_eq!(a.tally, b.tally);
    assert_eq!(a.audit, b.audit);
    let c = run(&m, Schedule::EpochMajor);
    assert_eq!(a.tally, c.tally);
    assert_eq!(a.audit, c.audit);
    assert!(a.tally.applications.iter().all(|&x| x > 0));
}

/// A treatment dated after the end of the run is in force on no day: the run and its
/// audit (every counterfactual, here own-scope) are those of the scenario without it,
/// except for its own (empty) per-treatment counts and the audit's labels drawn from the
/// treatments as written.
#[test]
fn a_treatment_after_the_horizon_changes_nothing() {
    let court = r#"[[services]]
id = "court_services"
domain = "court"
attempts_per_year = 1.0
"#;
    let late = r#"[[treatments]]
id = "late"
kind = "sanction"
service = "court_services"
trigger = { list = "defaulters" }
scope = "own"
household = true
from = 2016-06-01
"#;
    let without = model(&base(&format!("{court}{FLIGHT_BAN}")));
    let with = model(&base(&format!("{court}{FLIGHT_BAN}{late}")));
    assert!(with.treatments[1].in_force.never(with.days));
    let (a, b) = (run_threads(&without, 2), run_threads(&with, 2));
    let (x, y) = (&a.tally, &b.tally);
    assert_eq!(y.applications[1] + y.spillover[1] + y.cross_context[1], 0);
    assert_eq!(x.applications[..], y.applications[..1]);
    assert_eq!(x.denied, y.denied);
    assert_eq!(x.occupancy_days, y.occupancy_days);
    assert_eq!(x.ever, y.ever);
    assert_eq!(x.events, y.events);
    for (p, q) in x.periods.iter().zip(&y.periods) {
        assert_eq!(p.occupancy, q.occupancy);
        assert_eq!(p.denied, q.denied);
    }
    let audit = |m: &Model, o: &Outcome| {
        let tally = o.audit.as_ref().expect("audit ran");
        let mut json = serde_json::to_value(credsim_engine::Audit::new(m, tally)).expect("json");
        // Labels derived from the treatments as written, not from what they did: the
        // domains the regime links and whether every treatment is joint punishment.
        json["scenario_hash"] = serde_json::Value::Null;
        json["cross_context"]["domain_map"] = serde_json::Value::Null;
        json["cross_context"]["labelled_share_by_construction"] = serde_json::Value::Null;
        json
    };
    assert_eq!(audit(&without, &a), audit(&with, &b));
}
