//! Rules the presets need, checked against independent expectations: the eligibility
//! rule (records land only on scored persons), household spill-over restricted to a
//! category, and grading on assessment dates. Tolerances are 4 standard errors of the
//! sampling distribution named next to each.

mod common;

use common::{control, model};
use credsim_engine::summary::Summary;
use credsim_engine::{Options, Outcome, PersonBatch, PersonsTable};
use credsim_model::Model;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

/// Runs a model without the audit, with the full persons table (rows in id order).
fn run_persons(m: &Model) -> (Outcome, Summary, PersonBatch) {
    let cancel = AtomicBool::new(false);
    let batches: Mutex<Vec<(usize, PersonBatch)>> = Mutex::new(Vec::new());
    let receive = |c: usize, b: PersonBatch| batches.lock().expect("lock").push((c, b));
    let mut ctl = control(&cancel);
    ctl.persons = Some(&receive);
    let options = Options {
        audit: false,
        persons_table: PersonsTable::Full,
        ..Options::default()
    };
    let o = credsim_engine::run_with(m, &ctl, options).expect("runs");
    let mut batches = batches.into_inner().expect("lock");
    batches.sort_by_key(|b| b.0);
    let mut all = PersonBatch {
        attributes: vec![Vec::new(); m.attributes.len()],
        ..PersonBatch::default()
    };
    for (_, b) in batches {
        all.person.extend(b.person);
        for (a, col) in b.attributes.into_iter().enumerate() {
            all.attributes[a].extend(col);
        }
        for p in 0..3 {
            all.records[p].extend(&b.records[p]);
        }
        all.ever_sanctioned.extend(b.ever_sanctioned);
        all.grade.extend(b.grade);
    }
    let s = Summary::new(m, &o);
    (o, s, all)
}

const AGES: &str = r#"
[population.households]
sizes = { "1" = 0.25, "2" = 0.30, "3" = 0.20, "4" = 0.13, "5" = 0.07, "6" = 0.05 }
[[population.attributes]]
id = "age"
level = "person"
categories = { "0-14" = 0.18, "15-59" = 0.63, "60+" = 0.19 }
"#;

/// Children act (their rate is not zero) and sources make false and misattributed
/// records, but the regime scores persons aged 15+ only: no record of any provenance
/// reaches a child. False records are Poisson(scored persons × rate × years);
/// misattributed records a binomial share of the captures.
#[test]
fn records_land_only_on_scored_persons() {
    let toml = format!(
        r#"
domains = ["traffic"]
[scenario]
name = "eligibility"
[simulation]
years = 5
seed = 3
[population]
persons = 50000
scored = {{ age = ["15-59", "60+"] }}
{AGES}
[[behaviours]]
id = "speeding"
domain = "traffic"
rate_per_year = 0.4
[[sources]]
id = "camera"
capture = {{ speeding = 0.5 }}
false_records_per_year = 0.02
misattribution = 0.2
"#
    );
    let m = model(&toml);
    let (o, s, p) = run_persons(&m);
    let mut scored = 0u64;
    for (x, &age) in p.attributes[0].iter().enumerate() {
        let records: u32 = (0..3).map(|k| p.records[k][x]).sum();
        if age == 0 {
            assert_eq!(records, 0, "child {} has {records} records", p.person[x]);
        } else {
            scored += 1;
            assert!(m.scored(&[age]));
        }
    }
    assert!(!m.scored(&[0]));
    // Children's acts happen (and are counted) but are never captured: captures are
    // binomial(acts of the scored, 0.5), acts of the scored a share 0.82 of all acts.
    let acts = s.behaviour.total_acts as f64;
    let scored_acts = acts * scored as f64 / p.person.len() as f64;
    let cap = o.tally.captured as f64;
    let se = (scored_acts * 0.25).sqrt() + 0.5 * (acts * 0.18 * 0.82).sqrt();
    assert!(
        (cap - 0.5 * scored_acts).abs() <= 4.0 * se,
        "captured {cap} vs {}",
        0.5 * scored_acts
    );
    let f = s.records.false_ as f64;
    let exp_f = scored as f64 * 0.02 * 5.0;
    assert!(
        (f - exp_f).abs() <= 4.0 * exp_f.sqrt(),
        "false records {f} vs {exp_f}"
    );
    let mis = (s.records.misattributed + s.records.pending_at_end) as f64;
    assert!(
        (mis - 0.2 * cap).abs() <= 4.0 * (cap * 0.2 * 0.8).sqrt(),
        "misattributed {mis} vs {}",
        0.2 * cap
    );
    assert!(s.records.misattributed > 0 && s.records.false_ > 0);
}

/// A list-triggered ban whose household spill-over reaches members aged 0-14 only.
/// Only adults (15-59) are listed, and age is drawn per person independently of the
/// household, so each application reaches Binomial(s − 1, 0.18) children, s the
/// size-biased household size: spill-over = applications × E[children | person] =
/// applications × 0.18 × Σ f_s s(s−1) / Σ f_s s. Nobody aged 60+ is ever sanctioned.
#[test]
fn household_spillover_restricted_to_a_category() {
    let toml = format!(
        r#"
domains = ["court", "education"]
[scenario]
name = "children-only"
[simulation]
years = 5
seed = 5
[population]
persons = 100000
{AGES}
[[behaviours]]
id = "nonperformance"
domain = "court"
rate_per_year = 0.01
rate_multipliers = {{ age = {{ "0-14" = 0.0, "60+" = 0.0 }} }}
[[sources]]
id = "court"
capture = {{ nonperformance = 0.9 }}
[[lists]]
id = "defaulters"
kind = "black"
duration_days = 730
triggers = [{{ record = "nonperformance" }}]
[[services]]
id = "private_school"
domain = "education"
attempts_per_year = 0.01
[[treatments]]
id = "no_private_school"
kind = "sanction"
service = "private_school"
trigger = {{ list = "defaulters" }}
scope = "all"
household = true
household_members = {{ age = ["0-14"] }}
"#
    );
    let m = model(&toml);
    let (o, _, p) = run_persons(&m);
    let sizes = [0.25, 0.30, 0.20, 0.13, 0.07, 0.05];
    let (mut first, mut second, mut third) = (0.0, 0.0, 0.0);
    for (k, f) in sizes.iter().enumerate() {
        let s = (k + 1) as f64;
        first += f * s;
        second += f * s * (s - 1.0);
        third += f * s * (s - 1.0) * (s - 1.0);
    }
    let pc = 0.18;
    let others = second / first; // E[s − 1 | person]
    let others_sq = third / first; // E[(s − 1)² | person]
    let mean = pc * others;
    // Var C = E[(s−1) p(1−p)] + p² Var(s − 1).
    let var = others * pc * (1.0 - pc) + pc * pc * (others_sq - others * others);
    let apps = o.tally.applications[0] as f64;
    let spill = o.tally.spillover[0] as f64;
    assert!(apps > 1000.0, "{apps} applications");
    assert!(
        (spill - apps * mean).abs() <= 4.0 * (apps * var).sqrt(),
        "spill-over {spill} vs {} (applications {apps} × {mean})",
        apps * mean
    );
    let mut by_age = [0u64; 3];
    for (x, &age) in p.attributes[0].iter().enumerate() {
        by_age[age as usize] += p.ever_sanctioned[x] as u64;
    }
    assert_eq!(by_age[2], 0, "persons aged 60+ sanctioned by a school ban");
    assert!(by_age[0] > 0 && by_age[1] > 0, "{by_age:?}");
}
