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
