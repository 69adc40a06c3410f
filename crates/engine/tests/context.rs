//! Cross-context sanctions, wrongful sanctions by path and amplification on cases with
//! known answers (issue 12: the causes of a status are its adverse records only).

mod common;

use common::model;
use credsim_engine::audit::{Audit, Estimate};
use credsim_engine::summary::Summary;
use credsim_model::Model;
use std::sync::atomic::AtomicBool;

fn run(m: &Model) -> (Summary, Audit) {
    let cancel = AtomicBool::new(false);
    let control = common::control(&cancel);
    let o = credsim_engine::run(m, &control).expect("runs");
    let s = Summary::new(m, &o);
    let a = Audit::new(m, o.audit.as_ref().expect("audit ran"));
    (s, a)
}

#[allow(dead_code)]
fn value(e: &Estimate) -> f64 {
    e.value.expect("defined")
}

/// `audit-cases/cc-own-positive.toml` at 20,000 persons: grade D comes from speeding
/// (traffic) alone; a donation (+10, honours) is active beside it for many.
fn own_positive(donation_points: i64) -> String {
    format!(
        r#"
domains = ["traffic", "honours"]
[scenario]
name = "cc-own-positive"
[simulation]
years = 5
seed = 1
[population]
persons = 20000
[[behaviours]]
id = "speeding"
domain = "traffic"
rate_per_year = 0.5
[[behaviours]]
id = "donation"
domain = "honours"
rate_per_year = 0.3
[[sources]]
id = "camera"
capture = {{ speeding = 0.3 }}
[[sources]]
id = "registry"
capture = {{ donation = 1.0 }}
[score]
base = 1000
[[score.grades]]
name = "A"
min = 900
[[score.grades]]
name = "D"
max = 899
[records.speeding]
points = -50
expiry_days = 730
[records.donation]
points = {donation_points}
expiry_days = 730
[[services]]
id = "honours_award"
domain = "honours"
attempts_per_year = 0.5
[[treatments]]
id = "no_award_if_D"
kind = "sanction"
service = "honours_award"
trigger = {{ grade = "D" }}
scope = "own"
"#
    )
}

/// A positive record is never a cause of a sanction: the own-scope honours sanction
/// never applies when only traffic records lower the grade (it applied to 929 of
/// 100,000 persons when positive records counted). Control: when the donation record
/// deducts points, it is a cause and the same sanction applies.
#[test]
fn positive_records_never_cause_an_own_scope_sanction() {
    let (s, _) = run(&model(&own_positive(10)));
    assert!(s.persons_ever_in_grade["D"] > 0, "grade D is reached");
    assert_eq!(s.treatments["no_award_if_D"].applications, 0);
    assert_eq!(s.sanctioned.persons_ever, 0);
    let (s, _) = run(&model(&own_positive(-10)));
    assert!(s.treatments["no_award_if_D"].applications > 0);
}

/// A court list (its records are the only adverse ones) and sanctions on it; households
/// of 3. `extra` adds sections (treatments).
fn listed(persons: u64, extra: &str) -> String {
    format!(
        r#"
domains = ["court", "transport", "education"]
[scenario]
name = "context"
[simulation]
years = 4
seed = 5
[population]
persons = {persons}
[population.households]
sizes = {{ "3" = 1.0 }}
[[behaviours]]
id = "default"
domain = "court"
rate_per_year = 0.05
[[sources]]
id = "court"
capture = {{ default = 0.8 }}
[[lists]]
id = "defaulters"
kind = "black"
duration_days = 300
triggers = [{{ record = "default" }}]
[[services]]
id = "flights"
domain = "transport"
attempts_per_year = 3.0
[[services]]
id = "private_school"
domain = "education"
attempts_per_year = 1.0
[[services]]
id = "court_waiver"
domain = "court"
attempts_per_year = 1.0
{extra}
"#
    )
}

fn ban(id: &str, service: &str, scope: &str, household: bool) -> String {
    format!(
        "[[treatments]]\nid = \"{id}\"\nkind = \"sanction\"\nservice = \"{service}\"\n\
         trigger = {{ list = \"defaulters\" }}\nscope = \"{scope}\"\nhousehold = {household}\n"
    )
}

/// A ban on flights (transport) while on the court list, extended to the household:
/// the listed person's days are cross-context, every other sanction-day rests on no own
/// record. The ban applies exactly while listed, so the cross-context days are the
/// list's person-days (counted by the list, not by the audit's observer) and the rest of
/// the sanction-days have no own record.
#[test]
fn context_split_of_a_household_ban() {
    let (s, a) = run(&model(&listed(
        30000,
        &ban("no_flights", "flights", "all", true),
    )));
    let c = &a.cross_context;
    let listed_days = s.listed["defaulters"].person_days;
    let days = s.sanctioned.person_days;
    assert!(listed_days > 0 && days > listed_days, "spill-over happens");
    assert_eq!(c.sanction_days.total, days);
    assert_eq!(value(&c.sanction_days.in_context), 0.0);
    let cross = value(&c.sanction_days.cross_context) * days as f64;
    assert!((cross - listed_days as f64).abs() < 1e-6 * days as f64);
    let none = value(&c.sanction_days.no_own_record) * days as f64;
    assert!((none - (days - listed_days) as f64).abs() < 1e-6 * days as f64);
    // Applications: one own per listing (the treatment's count), one per other member
    // (households of 3).
    let own = s.treatments["no_flights"].applications;
    assert_eq!(c.applications.total, 3 * own);
    let cross = value(&c.applications.cross_context) * (3 * own) as f64;
    assert!((cross - own as f64).abs() < 1e-6 * own as f64);
    // Art. 5(1)(c)(i): no own record counts as cross-context, never in context.
    assert_eq!(value(&c.share_of_sanction_days), 1.0);
    assert_eq!(value(&c.share_of_applications), 1.0);
    // Persons: the listed ones are cross-context, the others have no own record, and
    // the latter are the household spill-over persons.
    let persons = c.sanctioned_persons.total as f64;
    let none = value(&c.sanctioned_persons.no_own_record) * persons;
    assert!((none - value(&a.household_spillover.persons)).abs() < 1e-6 * persons);
    // The domain map: court records reach transport only; the share is 1 by construction.
    assert_eq!(c.domain_map["court"], vec!["transport".to_string()]);
    assert_eq!(c.labelled_share_by_construction, Some(1.0));
}

/// The own-scope counterfactual equals a separate run with every scope `own`. Grade D
/// comes from a record of either domain; the honours sanction applies in the factual run
/// while any record is active, with scope `own` only while an honours record is: the
/// persons and days only through joint punishment are the difference, strictly between
/// none and all.
#[test]
fn joint_punishment_equals_a_separate_own_scope_run() {
    let all = own_positive(-50)
        .replace("min = 900", "min = 951")
        .replace("max = 899", "max = 950")
        .replace("scope = \"own\"", "scope = \"all\"");
    let (s, a) = run(&model(&all));
    let own = all.replace("scope = \"all\"", "scope = \"own\"");
    let (s_own, a_own) = run(&model(&own));
    assert!(
        a_own.cross_context.joint_punishment.is_none(),
        "no scope all: not applicable"
    );
    let j = a
        .cross_context
        .joint_punishment
        .as_ref()
        .expect("scope all present");
    let days = s.sanctioned.person_days as f64;
    let diff = days - s_own.sanctioned.person_days as f64;
    assert_eq!(value(&j.sanction_days_only_through_scope), diff);
    assert!(diff > 0.0 && diff < days, "{diff} of {days}");
    assert_eq!(value(&j.share_of_sanction_days), diff / days);
    let only = s.sanctioned.persons_ever - s_own.sanctioned.persons_ever;
    assert!(only > 0);
    // Scope `own` applies on a subset of the days (sanctions feed back into nothing), so
    // nobody is sanctioned only with it: the persons are the difference of the counts.
    assert_eq!(value(&j.persons_sanctioned_only_through_scope), only as f64);
    // Both record domains reach the honours service: no labelled share by construction.
    assert_eq!(a.cross_context.labelled_share_by_construction, None);
    assert_eq!(a.cross_context.domain_map.len(), 2);
}

/// `audit-cases/cc-taxonomy.toml` at 20,000 persons: speeding (traffic) and a rail ban
/// of scope `all` on a service labelled `service_domain`.
fn taxonomy(service_domain: &str) -> String {
    format!(
        r#"
domains = ["traffic", "transport"]
[scenario]
name = "cc-taxonomy"
[simulation]
years = 5
seed = 1
[population]
persons = 20000
[population.households]
sizes = {{ "1" = 0.3, "2" = 0.3, "3" = 0.2, "4" = 0.2 }}
[[behaviours]]
id = "speeding"
domain = "traffic"
rate_per_year = 0.5
[[sources]]
id = "camera"
capture = {{ speeding = 0.3 }}
[score]
base = 1000
[[score.grades]]
name = "A"
min = 900
[[score.grades]]
name = "D"
max = 899
[records.speeding]
points = -50
expiry_days = 730
[[services]]
id = "rail"
domain = "{service_domain}"
attempts_per_year = 0.5
[[treatments]]
id = "no_rail_if_D"
kind = "sanction"
service = "rail"
trigger = {{ grade = "D" }}
scope = "all"
"#
    )
}

/// Relabelling the service's domain changes nothing the regime does (same persons,
/// days), yet moves the labelled share from 1 to 0, each flagged as fixed by
/// construction. The causal contrast moves from 1 to 0 too: its counterfactual (scope
/// `own`) is itself defined by the labels.
#[test]
fn relabelling_a_domain_moves_the_labelled_and_the_causal_share() {
    let (s1, a1) = run(&model(&taxonomy("transport")));
    let (s0, a0) = run(&model(&taxonomy("traffic")));
    assert_eq!(s1.sanctioned.person_days, s0.sanctioned.person_days);
    assert_eq!(s1.sanctioned.persons_ever, s0.sanctioned.persons_ever);
    assert!(s1.sanctioned.persons_ever > 0);
    let (c1, c0) = (&a1.cross_context, &a0.cross_context);
    assert_eq!(value(&c1.applications.cross_context), 1.0);
    assert_eq!(value(&c0.applications.in_context), 1.0);
    assert_eq!(c1.labelled_share_by_construction, Some(1.0));
    assert_eq!(c0.labelled_share_by_construction, Some(0.0));
    let causal = |c: &credsim_engine::audit::CrossContext| {
        value(
            &c.joint_punishment
                .as_ref()
                .expect("scope all")
                .share_of_sanction_days,
        )
    };
    assert_eq!(causal(c1), 1.0);
    assert_eq!(causal(c0), 0.0);
}

/// `audit-cases/cc-association.toml` at 30,000 persons: an own rail ban while on the
/// offenders list (traffic records) and an association ban through contacts. The
/// association applications rest on no own record, never in context: the split's
/// cross-context share is the own-status ban's applications (all cross-context by the
/// per-treatment count of the summary) over all.
#[test]
fn association_sanctions_have_no_own_record() {
    let toml = contacts_case(30000, 0.02, 0.0);
    let (s, a) = run(&model(&toml));
    let offender = &s.treatments["no_rail_offender"];
    let associate = &s.treatments["no_rail_associate"];
    assert!(associate.applications > 0 && offender.applications > 0);
    assert_eq!(offender.cross_context_applications, offender.applications);
    assert_eq!(associate.cross_context_applications, 0);
    let c = &a.cross_context;
    let all = offender.applications + associate.applications;
    assert_eq!(c.applications.total, all);
    assert_eq!(value(&c.applications.in_context), 0.0);
    let expect = offender.applications as f64 / all as f64;
    assert!((value(&c.applications.cross_context) - expect).abs() < 1e-12);
    assert!((value(&c.applications.no_own_record) - (1.0 - expect)).abs() < 1e-12);
    assert_eq!(value(&c.share_of_applications), 1.0);
    assert_eq!(value(&c.denied_attempts.in_context), 0.0);
}

/// `audit-cases/wrongful-paths.toml` (contacts, a household ban, false records) with
/// `persons`, the speeding rate and the false-record rate given.
fn contacts_case(persons: u64, rate: f64, false_rate: f64) -> String {
    format!(
        r#"
domains = ["traffic", "transport"]
[scenario]
name = "wrongful-paths"
[simulation]
years = 5
seed = 1
[population]
persons = {persons}
[population.households]
sizes = {{ "1" = 0.3, "2" = 0.3, "3" = 0.2, "4" = 0.2 }}
[[behaviours]]
id = "speeding"
domain = "traffic"
rate_per_year = {rate}
[[sources]]
id = "camera"
capture = {{ speeding = 0.3 }}
false_records_per_year = {false_rate}
[[lists]]
id = "offenders"
kind = "black"
duration_days = 365
triggers = [{{ record = "speeding" }}]
[network]
contacts = 4
rewiring = 0.05
[[lists]]
id = "associates"
kind = "black"
duration_days = 365
triggers = [{{ contacts = {{ status = {{ list = "offenders" }}, at_least = 1 }} }}]
[[services]]
id = "rail"
domain = "transport"
attempts_per_year = 0.5
[[treatments]]
id = "no_rail_offender"
kind = "sanction"
service = "rail"
trigger = {{ list = "offenders" }}
scope = "all"
household = {household}
[[treatments]]
id = "no_rail_associate"
kind = "sanction"
service = "rail"
trigger = {{ list = "associates" }}
scope = "all"
"#,
        household = false_rate > 0.0
    )
}

/// Every person's (person id, household, erroneous records, ever sanctioned,
/// sanction-days), from the persons table.
fn persons_of(m: &Model) -> Vec<(u32, u32, u32, bool, u32)> {
    let rows = std::sync::Mutex::new(Vec::new());
    let take = |_: usize, b: credsim_engine::PersonBatch| {
        let mut rows = rows.lock().expect("not poisoned");
        for k in 0..b.person.len() {
            let erroneous = b.records[1][k] + b.records[2][k];
            rows.push((
                b.person[k],
                b.household[k],
                erroneous,
                b.ever_sanctioned[k],
                b.sanction_days[k],
            ));
        }
    };
    let cancel = AtomicBool::new(false);
    let control = credsim_engine::Control {
        persons: Some(&take),
        ..common::control(&cancel)
    };
    let options = credsim_engine::Options {
        persons_table: credsim_engine::PersonsTable::Full,
        audit: false,
        ..credsim_engine::Options::default()
    };
    credsim_engine::run_with(m, &control, options).expect("runs");
    let mut rows = rows.into_inner().expect("not poisoned");
    rows.sort_unstable();
    rows
}

/// Wrongful sanctions by path against an independent computation: the persons table of
/// the run joined with that of a separate run without false records (as
/// docs/audit.md describes), each person classed by their own erroneous records, then
/// their household's. Contacts are the only other path here (no queue, chilling or
/// scrutiny), so the systemic path is empty; the paths add up to the totals exactly.
#[test]
fn wrongful_paths_match_a_join_with_an_error_free_run() {
    let factual = model(&contacts_case(30000, 0.006, 0.002));
    let (_, a) = run(&factual);
    let f = persons_of(&factual);
    let v = persons_of(&model(
        &contacts_case(30000, 0.006, 0.0).replace("household = false", "household = true"),
    ));
    assert_eq!(f.len(), v.len());
    let mut erroneous_household = std::collections::HashSet::new();
    for r in &f {
        if r.2 > 0 {
            erroneous_household.insert(r.1);
        }
    }
    // [direct, household, rest] × (persons, excess days)
    let mut expect = [[0u64; 2]; 3];
    for (x, y) in f.iter().zip(&v) {
        assert_eq!(x.0, y.0);
        let path = if x.2 > 0 {
            0
        } else if erroneous_household.contains(&x.1) {
            1
        } else {
            2
        };
        expect[path][0] += (x.3 && !y.3) as u64;
        expect[path][1] += x.4.saturating_sub(y.4) as u64;
    }
    let w = a.wrongful.as_ref().expect("errors present");
    let got = |p: &str| {
        let r = &w.by_path[p];
        [value(&r.persons), value(&r.person_days)]
    };
    for (k, p) in ["direct", "household"].iter().enumerate() {
        assert_eq!(got(p), [expect[k][0] as f64, expect[k][1] as f64], "{p}");
    }
    let [ap, ad] = got("association");
    assert_eq!(
        [ap, ad],
        [expect[2][0] as f64, expect[2][1] as f64],
        "association"
    );
    assert_eq!(got("systemic"), [0.0, 0.0]);
    for (k, e) in expect.iter().enumerate() {
        assert!(e[0] > 0, "path {k} is exercised");
    }
    let persons: f64 = w.by_path.values().map(|r| value(&r.persons)).sum();
    let days: f64 = w.by_path.values().map(|r| value(&r.person_days)).sum();
    assert_eq!(persons, value(&w.persons_wrongly_sanctioned));
    assert_eq!(days, value(&w.person_days_wrongly_sanctioned));
    // Gross and net apart: gross − spared = net, on the days.
    let total = value(&w.gross_share_of_sanction_days) / value(&w.person_days_wrongly_sanctioned);
    let net =
        (value(&w.person_days_wrongly_sanctioned) - value(&w.person_days_spared_by_errors)) * total;
    assert!((net - value(&w.net_share_of_sanction_days_caused_by_errors)).abs() < 1e-12);
}

/// Amplification counts days under at least one sanction: with three bans (one of them
/// on the household) caused by court records alone, the days attributed to court are
/// exactly the sanction-days (treatment-days would count each ban and member apart).
/// With two cause domains the attributions overlap: each is at most the total, their sum
/// at least it (the attribution is not additive).
#[test]
fn amplification_attributes_days_under_sanction() {
    let bans = ban("no_flights", "flights", "all", false)
        + &ban("no_school", "private_school", "all", true)
        + &ban("no_waiver", "court_waiver", "all", false);
    let (s, a) = run(&model(&listed(20000, &bans)));
    let court = &a.amplification["court"];
    let days = value(&court.sanction_days_per_genuine_record) * court.genuine_records as f64;
    let total = s.sanctioned.person_days as f64;
    assert!((days - total).abs() < 1e-9 * total, "{days} vs {total}");
    let applications: u64 = s.treatments.values().map(|t| t.applications).sum();
    assert!(
        applications > s.treatments["no_flights"].applications,
        "concurrent bans"
    );

    // Grade D takes two active records, of either domain: the causes of a spell (fixed
    // when it starts) are one or both domains.
    let two = own_positive(-50)
        .replace("min = 900", "min = 901")
        .replace("max = 899", "max = 900")
        .replace("scope = \"own\"", "scope = \"all\"");
    let (s, a) = run(&model(&two));
    let total = s.sanctioned.person_days as f64;
    let attributed: Vec<f64> = a
        .amplification
        .values()
        .map(|x| value(&x.sanction_days_per_genuine_record) * x.genuine_records as f64)
        .collect();
    assert_eq!(attributed.len(), 2);
    assert!(
        attributed
            .iter()
            .all(|&d| d > 0.0 && d <= total * (1.0 + 1e-12))
    );
    let sum: f64 = attributed.iter().sum();
    assert!(sum > total, "{attributed:?} {total}");
}
