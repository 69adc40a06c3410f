//! Engine checks against independent expectations: exact distributions, hand-worked
//! cases and conservation laws. Tolerances are 4 standard errors of the estimate,
//! each derived from the sampling distribution named next to it.

mod common;

use common::{model, run_threads};
use credsim_engine::Outcome;
use credsim_engine::summary::Summary;
use credsim_model::Model;
use std::sync::atomic::AtomicBool;

fn run(m: &Model) -> (Outcome, Summary) {
    let o = run_threads(m, 2);
    let s = Summary::new(m, &o);
    (o, s)
}

/// Negative-binomial probabilities P(N = n), n = 0..len: the count of a Poisson with
/// mean m·μ where μ ~ Gamma(k, 1/k) (mean 1). `k = None`: plain Poisson(m).
fn count_pmf(m: f64, k: Option<f64>, len: usize) -> Vec<f64> {
    let mut p = Vec::with_capacity(len);
    match k {
        None => {
            let mut q = (-m).exp();
            for n in 0..len {
                p.push(q);
                q *= m / (n + 1) as f64;
            }
        }
        Some(k) => {
            let mut q = (k / (k + m)).powf(k);
            for n in 0..len {
                p.push(q);
                q *= (n as f64 + k) / (n as f64 + 1.0) * m / (k + m);
            }
        }
    }
    p
}

/// One behaviour, one source, points with expiry, four grades by record count:
/// A: 0–1 records, B: 2–3, C: 4–6, D: 7 or more (−50 points each from base 1000).
fn analytic_scenario(shape: Option<f64>, persons: u64) -> String {
    let shape = shape.map_or(String::new(), |k| format!("heterogeneity_shape = {k}"));
    format!(
        r#"
domains = ["traffic"]
[scenario]
name = "analytic"
[simulation]
days = 1500
seed = 77
[population]
persons = {persons}
{shape}
[[behaviours]]
id = "speeding"
domain = "traffic"
rate_per_year = 2.0
[[sources]]
id = "camera"
capture = {{ speeding = 0.4 }}
[score]
base = 1000
[[score.grades]]
name = "A"
min = 950
[[score.grades]]
name = "B"
min = 850
max = 949
[[score.grades]]
name = "C"
min = 700
max = 849
[[score.grades]]
name = "D"
max = 699
[records.speeding]
points = -50
expiry_days = 365
"#
    )
}

/// Grade of a record count in [`analytic_scenario`].
fn grade_of(n: usize) -> usize {
    match n {
        0..=1 => 0,
        2..=3 => 1,
        4..=6 => 2,
        _ => 3,
    }
}

fn grade_probs(m: f64, k: Option<f64>) -> [f64; 4] {
    let pmf = count_pmf(m, k, 200);
    let mut g = [0.0; 4];
    for (n, p) in pmf.iter().enumerate() {
        g[grade_of(n)] += p;
    }
    g
}

/// Final grade shares and person-days per grade match the exact mixed-Poisson
/// computation: on day d the active records are those captured on days
/// [d − 364, d], a window of min(d + 1, 365) days, so the count is
/// Poisson(rate · capture · window / 365 · μ) with μ ~ Gamma(k, 1/k).
#[test]
fn grades_match_the_exact_distribution() {
    for shape in [None, Some(1.5)] {
        let persons = 200_000u64;
        let m = model(&analytic_scenario(shape, persons));
        let (_, s) = run(&m);
        let days = m.days as usize;
        let rate = 2.0 * 0.4 / 365.0; // captured records per person-day
        let n = persons as f64;

        // Final shares: binomial standard error sqrt(p(1 − p)/n).
        let expected = grade_probs(rate * 365.0, shape);
        for (g, name) in ["A", "B", "C", "D"].iter().enumerate() {
            let got = s.final_state.grade_shares[*name];
            let se = (expected[g] * (1.0 - expected[g]) / n).sqrt();
            assert!(
                (got - expected[g]).abs() <= 4.0 * se,
                "shape {shape:?}, grade {name}: share {got} vs exact {} (4 se = {})",
                expected[g],
                4.0 * se
            );
        }

        // Person-days: each person's days in a grade X lies in [0, days], so
        // Var(X) ≤ E[X](days − E[X]) (Bhatia–Davis); the total's standard error is at
        // most sqrt(n · that bound).
        let mut exp_days = [0.0; 4];
        for d in 0..days {
            let window = (d + 1).min(365) as f64;
            let p = grade_probs(rate * window, shape);
            for g in 0..4 {
                exp_days[g] += p[g];
            }
        }
        for (g, name) in ["A", "B", "C", "D"].iter().enumerate() {
            let got = s.person_days_by_grade[*name] as f64;
            let mean_x = exp_days[g];
            let se = (n * mean_x * (days as f64 - mean_x)).sqrt();
            assert!(
                (got - n * mean_x).abs() <= 4.0 * se,
                "shape {shape:?}, grade {name}: person-days {got} vs exact {} (4 se = {se})",
                n * mean_x
            );
        }
        let total: u64 = s.person_days_by_grade.values().sum();
        assert_eq!(
            total,
            persons * m.days as u64,
            "person-days must sum to persons × days"
        );
    }
}

/// Everything that ran must be accounted for: records = true + false + misattributed,
/// per source and per type; every capture became a true or misattributed record or
/// is still in the reporting pipeline; person-days over grades = persons × days.
#[test]
fn conservation_laws() {
    let toml = r#"
domains = ["traffic", "court", "transport"]
[scenario]
name = "conservation"
[simulation]
years = 4
seed = 5
[population]
persons = 60000
heterogeneity_shape = 0.8
[population.households]
sizes = { "1" = 0.3, "2" = 0.4, "4" = 0.3 }
[[behaviours]]
id = "speeding"
domain = "traffic"
rate_per_year = 1.0
[[behaviours]]
id = "default"
domain = "court"
rate_per_year = 0.05
[[sources]]
id = "camera"
capture = { speeding = 0.5 }
delay_days = 40
misattribution = 0.05
[[sources]]
id = "court"
capture = { default = 0.9 }
delay_days = 100
misattribution = 0.01
[score]
base = 1000
[[score.grades]]
name = "A"
min = 900
[[score.grades]]
name = "D"
max = 899
[records.speeding]
points = -40
expiry_days = 200
[[lists]]
id = "black"
kind = "black"
duration_days = 300
triggers = [{ record = "default" }, { grade = "D" }]
[[services]]
id = "flights"
domain = "transport"
attempts_per_year = 2.0
[[treatments]]
id = "no_flights"
kind = "sanction"
service = "flights"
trigger = { list = "black" }
scope = "all"
household = true
[scrutiny]
trigger = { grade = "D" }
capture_multiplier = 1.5
duration_days = 180
"#;
    let m = model(toml);
    let (o, s) = run(&m);
    let r = &s.records;
    assert_eq!(r.total, r.true_ + r.false_ + r.misattributed);
    let by_source: u64 = r
        .by_source
        .values()
        .map(|c| c.true_ + c.false_ + c.misattributed)
        .sum();
    let by_type: u64 = r
        .by_type
        .values()
        .map(|c| c.true_ + c.false_ + c.misattributed)
        .sum();
    assert_eq!(by_source, r.total);
    assert_eq!(by_type, r.total);
    assert_eq!(r.false_, 0, "no source makes false records");
    assert_eq!(
        o.tally.captured,
        r.true_ + r.misattributed + r.pending_at_end,
        "every capture is a true or misattributed record, or still pending"
    );
    assert!(r.misattributed > 0 && r.pending_at_end > 0);
    let days: u64 = s.person_days_by_grade.values().sum();
    assert_eq!(days, m.persons * m.days as u64);
    // Periods: the series' record counts add up to the totals.
    let series: u64 = o
        .tally
        .periods
        .iter()
        .map(|p| p.records.iter().sum::<u64>())
        .sum();
    assert_eq!(series, r.total);
    // Occupancy at the end of the last period is the final state.
    let end: u64 = s.final_state.grade_counts.values().sum();
    assert_eq!(end, m.persons);
    // Everyone starts in A.
    assert_eq!(s.persons_ever_in_grade["A"], m.persons);
    // Score distribution at each period end: everyone counted once, and it adds up to
    // the score sum; the median lies between the 10th and 90th percentiles.
    for p in &o.tally.periods {
        assert_eq!(p.score_counts.values().sum::<u64>(), m.persons);
        let sum: i64 = p.score_counts.iter().map(|(&s, &n)| s * n as i64).sum();
        assert_eq!(sum, p.score_sum);
        let (a, b, c) = (
            p.score_quantile(0.1),
            p.score_quantile(0.5),
            p.score_quantile(0.9),
        );
        assert!(a <= b && b <= c);
    }
}

/// Captures are a binomial thinning of acts (capture 0.5, doubled to 1.0 for the
/// urban half); false records are Poisson with mean persons × rate × years;
/// misattribution is a binomial share of captures.
#[test]
fn capture_false_records_and_misattribution_rates() {
    let toml = r#"
domains = ["traffic"]
[scenario]
name = "rates"
[simulation]
years = 5
seed = 11
[population]
persons = 100000
[[population.attributes]]
id = "region"
categories = { urban = 0.5, rural = 0.5 }
[[behaviours]]
id = "speeding"
domain = "traffic"
rate_per_year = 0.6
rate_multipliers = { region = { rural = 0.5 } }
[[sources]]
id = "camera"
capture = { speeding = 0.5 }
capture_multipliers = { region = { urban = 2.0 } }
false_records_per_year = 0.02
misattribution = 0.1
"#;
    let m = model(toml);
    let (o, s) = run(&m);
    let n = 100_000.0;
    let years = 5.0;
    // Acts: Poisson with mean n · years · rate · E[multiplier] = n · 5 · 0.6 · 0.75.
    let acts = s.behaviour.total_acts as f64;
    let exp_acts = n * years * 0.6 * 0.75;
    assert!(
        (acts - exp_acts).abs() <= 4.0 * exp_acts.sqrt(),
        "acts {acts} vs {exp_acts}"
    );
    // Captures given acts: urban acts are 2/3 of all (0.5·0.6 vs 0.5·0.3) and captured
    // with probability 1, rural with 0.5: expected share 2/3 + 1/3 · 0.5 = 5/6.
    let p = 5.0 / 6.0;
    let cap = o.tally.captured as f64;
    let se = (acts * p * (1.0 - p)).sqrt() + (acts * 1.0 / 3.0 * 2.0 / 3.0).sqrt() * 0.5;
    assert!(
        (cap - p * acts).abs() <= 4.0 * se,
        "captured {cap} vs {}",
        p * acts
    );
    // False records: Poisson(n · 0.02 · 5) = Poisson(10,000), counting those that
    // arrive within the horizon (delay 0: all of them).
    let f = s.records.false_ as f64;
    let exp_f = n * 0.02 * years;
    assert!(
        (f - exp_f).abs() <= 4.0 * exp_f.sqrt(),
        "false {f} vs {exp_f}"
    );
    // Misattributed share of captures: binomial(captured, 0.1). Records produced in
    // the last period are still pending, so compare delivered + pending.
    let mis = (s.records.misattributed + s.records.pending_at_end) as f64;
    let se = (cap * 0.1 * 0.9).sqrt();
    assert!(
        (mis - 0.1 * cap).abs() <= 4.0 * se,
        "misattributed {mis} vs {}",
        0.1 * cap
    );
}

fn joint_scenario(scope: &str) -> String {
    format!(
        r#"
domains = ["court", "transport", "education"]
[scenario]
name = "joint"
[simulation]
years = 3
seed = 3
[population]
persons = 3000
[population.households]
sizes = {{ "3" = 1.0 }}
[[behaviours]]
id = "default"
domain = "court"
rate_per_year = 0.5
[[sources]]
id = "court"
capture = {{ default = 1.0 }}
[[lists]]
id = "defaulters"
kind = "black"
duration_days = 200
triggers = [{{ record = "default" }}]
[[services]]
id = "court_fees_waiver"
domain = "court"
attempts_per_year = 1.0
[[services]]
id = "flights"
domain = "transport"
attempts_per_year = 4.0
[[services]]
id = "private_school"
domain = "education"
attempts_per_year = 1.0
[[treatments]]
id = "no_fee_waiver"
kind = "sanction"
service = "court_fees_waiver"
trigger = {{ list = "defaulters" }}
scope = "{scope}"
[[treatments]]
id = "no_flights"
kind = "sanction"
service = "flights"
trigger = {{ list = "defaulters" }}
scope = "{scope}"
[[treatments]]
id = "no_school"
kind = "sanction"
service = "private_school"
trigger = {{ list = "defaulters" }}
scope = "{scope}"
household = true
"#
    )
}

/// Hand-worked case: court records list people; with scope = own only the court
/// sanction applies (nothing lands in transport or education); with scope = all every
/// sanction applies, all of those outside court are cross-context, and the household
/// sanction reaches exactly the 2 other members of each 3-person household.
#[test]
fn joint_punishment_scope() {
    let m = model(&joint_scenario("own"));
    let (_, own) = run(&m);
    assert!(own.sanctions["court"].applications > 0);
    for d in ["transport", "education"] {
        assert_eq!(
            own.sanctions[d].applications, 0,
            "scope own: nothing in {d}"
        );
        assert_eq!(own.sanctions[d].household_applications, 0);
        assert_eq!(own.sanctions[d].attempts, 0);
    }
    for c in own.sanctions.values() {
        assert_eq!(c.cross_context_applications, 0);
    }

    let m = model(&joint_scenario("all"));
    let (_, all) = run(&m);
    let court = &all.sanctions["court"];
    assert_eq!(
        court.applications, own.sanctions["court"].applications,
        "same lives, same court sanctions"
    );
    assert_eq!(court.cross_context_applications, 0);
    for d in ["transport", "education"] {
        let c = &all.sanctions[d];
        assert_eq!(
            c.applications, court.applications,
            "every listing applies {d}"
        );
        assert_eq!(
            c.cross_context_applications, c.applications,
            "{d} is never the records' domain"
        );
    }
    let school = &all.sanctions["education"];
    assert_eq!(school.household_applications, 2 * school.applications);
    assert!(all.sanctions["transport"].attempts > 0);
}

/// Denied attempts are a Poisson process thinned by sanction status: given the
/// sanctioned person-days, their count is Poisson(rate × person-days / 365).
#[test]
fn denied_attempts_follow_sanctioned_time() {
    let m = model(&joint_scenario("all"));
    let (_, s) = run(&m);
    for (d, rate) in [("transport", 4.0), ("court", 1.0)] {
        let c = &s.sanctions[d];
        let expected = rate * c.person_days as f64 / 365.0;
        let got = c.attempts as f64;
        assert!(
            (got - expected).abs() <= 4.0 * expected.sqrt(),
            "{d}: denied {got} vs {expected}"
        );
    }
}

/// Same scenario and seed: identical summaries at 1, 2 and 4 threads.
#[test]
fn results_do_not_depend_on_thread_count() {
    let m = model(&joint_scenario("all").replace("persons = 3000", "persons = 50000"));
    let json = |t| {
        let o = run_threads(&m, t);
        serde_json::to_string(&Summary::new(&m, &o)).expect("json")
    };
    let one = json(1);
    assert_eq!(one, json(2));
    assert_eq!(one, json(4));
}

/// Chunk-major and epoch-major schedules (the one population-wide mechanisms need)
/// simulate the same lives and audit them alike.
#[test]
fn schedules_agree() {
    let joint = model(&joint_scenario("all").replace("persons = 3000", "persons = 40000"));
    let preset = credsim_model::presets::load(
        "suining-2010",
        &credsim_model::Overrides {
            persons: Some(30_000),
            ..Default::default()
        },
    )
    .expect("preset")
    .model;
    let cancel = AtomicBool::new(false);
    let control = common::control(&cancel);
    let options = |schedule| credsim_engine::Options {
        schedule,
        audit: true,
        persons_table: credsim_engine::PersonsTable::None,
        records_table: false,
    };
    for m in [&joint, &preset] {
        let a =
            credsim_engine::run_with(m, &control, options(credsim_engine::Schedule::ChunkMajor))
                .expect("runs");
        let b =
            credsim_engine::run_with(m, &control, options(credsim_engine::Schedule::EpochMajor))
                .expect("runs");
        assert_eq!(a.tally, b.tally, "{}", m.name);
        // The audit too: chunk-major skips counterfactuals where a mechanism never
        // acted, epoch-major re-simulates every chunk; both must agree exactly.
        assert_eq!(a.audit, b.audit, "{}", m.name);
    }
}

/// A cancelled run says so instead of returning partial results.
#[test]
fn cancellation_stops_the_run() {
    let m = model(&joint_scenario("all"));
    let cancel = AtomicBool::new(true);
    let control = common::control(&cancel);
    assert!(credsim_engine::run(&m, &control).is_err());
}

/// Common random numbers: switching false records or scrutiny off changes no act,
/// and a scrutiny multiplier of 1 changes no record at all.
#[test]
fn mechanisms_share_random_numbers() {
    let base = analytic_scenario(Some(1.0), 30_000);
    let with_false = base.replace(
        "capture = { speeding = 0.4 }",
        "capture = { speeding = 0.4 }\nfalse_records_per_year = 0.5",
    );
    let (_, a) = run(&model(&base));
    let (_, b) = run(&model(&with_false));
    assert_eq!(
        a.behaviour.acts, b.behaviour.acts,
        "false records must not move acts"
    );
    assert_eq!(
        a.records.true_, b.records.true_,
        "false records must not move captures"
    );
    assert!(b.records.false_ > 0);

    let scrutiny = |mult: f64| {
        format!(
            "{base}\n[scrutiny]\ntrigger = {{ grade = \"D\" }}\ncapture_multiplier = {mult}\nduration_days = 365\n"
        )
    };
    let (_, c) = run(&model(&scrutiny(1.0)));
    assert_eq!(a.records.true_, c.records.true_);
    assert_eq!(a.person_days_by_grade, c.person_days_by_grade);
    assert!(c.scrutiny.persons_ever > 0);
    let (_, d) = run(&model(&scrutiny(2.0)));
    assert_eq!(
        a.behaviour.acts, d.behaviour.acts,
        "scrutiny must not move acts"
    );
    assert!(d.records.true_ > a.records.true_, "scrutiny records more");
    assert!(
        d.person_days_by_grade["D"] > a.person_days_by_grade["D"],
        "feedback: more time in D"
    );
}

/// A score/grade-triggered list with no duration holds exactly while the grade holds.
#[test]
fn condition_lists_track_their_grade() {
    let toml = analytic_scenario(None, 20_000)
        + "\n[[lists]]\nid = \"low\"\nkind = \"black\"\ntriggers = [{ grade = \"D\" }]\n";
    let m = model(&toml);
    let (_, s) = run(&m);
    assert_eq!(s.listed["low"].person_days, s.person_days_by_grade["D"]);
    assert_eq!(s.listed["low"].persons_ever, s.persons_ever_in_grade["D"]);
    assert_eq!(s.listed["low"].at_end, s.final_state.grade_counts["D"]);
}

/// Grades are kept in rank order, best first, whatever order the scenario declares
/// them in: declaring them worst first (and a list and a treatment keyed to a grade)
/// gives the same run, every grade map in the same order.
#[test]
fn grades_are_in_rank_order_whatever_the_declaration() {
    let extra = "\n[[lists]]\nid = \"low\"\nkind = \"black\"\ntriggers = [{ grade = \"C\" }]\n";
    let declared = analytic_scenario(None, 5_000) + extra;
    // The four grade tables, worst first.
    let start = declared.find("[[score.grades]]").expect("grades");
    let end = declared.find("[records.speeding]").expect("records");
    let mut blocks: Vec<&str> = declared[start..end]
        .split("[[score.grades]]")
        .filter(|b| !b.trim().is_empty())
        .collect();
    blocks.reverse();
    let reversed = format!(
        "{}{}{}",
        &declared[..start],
        blocks
            .iter()
            .map(|b| format!("[[score.grades]]{b}"))
            .collect::<String>(),
        &declared[end..]
    );
    assert!(reversed.find("name = \"D\"") < reversed.find("name = \"A\""));
    let (a, b) = (model(&declared), model(&reversed));
    let names = |m: &Model| -> Vec<String> {
        m.score
            .as_ref()
            .expect("score")
            .grades
            .iter()
            .map(|g| g.name.clone())
            .collect()
    };
    assert_eq!(names(&a), ["A", "B", "C", "D"]);
    assert_eq!(names(&b), names(&a));
    let (_, sa) = run(&a);
    let (_, sb) = run(&b);
    let json = |s: &Summary| {
        let mut v = serde_json::to_value(s).expect("summary");
        v["scenario"]["hash"] = serde_json::Value::Null;
        v
    };
    assert_eq!(json(&sa), json(&sb));
    let order: Vec<&String> = sa.final_state.grade_shares.keys().collect();
    assert_eq!(order, ["A", "B", "C", "D"]);
}

/// The score distribution of `summary.json`: every date's bins add up to the
/// population, the dates are year ends and the last day, and at a year end the share
/// at the base score (no active record) is P(N = 0) = e^(−rate·capture) for the
/// Poisson count N of records in the 365-day window.
#[test]
fn score_distribution_adds_up_and_matches_the_poisson_window() {
    let persons = 20_000u64;
    let m = model(&analytic_scenario(None, persons));
    let (_, s) = run(&m);
    let d = s.score_distribution.expect("a score");
    let days: Vec<u32> = d.dates.iter().map(|h| h.day).collect();
    assert_eq!(days, [365, 730, 1095, 1460, 1500]);
    assert!([1, 2, 5, 10, 20, 50].contains(&d.bin_width));
    for h in &d.dates {
        assert_eq!(h.persons.iter().sum::<u64>(), persons, "day {}", h.day);
        assert!(h.persons.len() <= 40);
    }
    let year = &d.dates[1];
    let base_bin = ((1000 - d.first_bin) / d.bin_width) as usize;
    let p0 = (-2.0f64 * 0.4).exp();
    // Scores are 1000 − 50 n: the base bin holds n = 0 only when the bins are narrower
    // than 50 points.
    assert!(d.bin_width < 50);
    let n0 = year.persons[base_bin] as f64;
    let se = (persons as f64 * p0 * (1.0 - p0)).sqrt();
    assert!(
        (n0 - persons as f64 * p0).abs() < 4.0 * se,
        "{n0} vs {}",
        persons as f64 * p0
    );
}

/// The time series' cumulative columns: `ever_listed_L` never falls, is never below the
/// persons on the list now, and ends at the summary's persons ever listed;
/// `denied_attempts_to_date_S` adds up the month's denied attempts and ends at the
/// summary's denied attempts of the service's domain.
#[test]
fn cumulative_columns_add_up() {
    let toml = analytic_scenario(None, 20_000)
        + "\n[[lists]]\nid = \"low\"\nkind = \"black\"\ntriggers = [{ grade = \"D\" }]\nduration_days = 200\n"
        + "[[services]]\nid = \"rail\"\ndomain = \"traffic\"\nattempts_per_year = 2.0\n"
        + "[[treatments]]\nid = \"ban\"\nkind = \"sanction\"\nservice = \"rail\"\ntrigger = { list = \"low\" }\nscope = \"all\"\n";
    let m = model(&toml);
    let (o, s) = run(&m);
    let t = credsim_engine::summary::timeseries(&m, &o);
    let col = |name: &str| t.column(name).unwrap_or_else(|| panic!("column {name}"));
    let (now, ever) = (col("listed_low"), col("ever_listed_low"));
    assert!(ever.windows(2).all(|w| w[0] <= w[1]));
    assert!(now.iter().zip(&ever).all(|(n, e)| n <= e));
    assert_eq!(
        ever.last().copied(),
        Some(s.listed["low"].persons_ever as f64)
    );
    let (month, to_date) = (
        col("denied_attempts_traffic"),
        col("denied_attempts_to_date_rail"),
    );
    let mut sum = 0.0;
    for (m, d) in month.iter().zip(&to_date) {
        sum += m;
        assert_eq!(sum, *d);
    }
    assert_eq!(sum, s.sanctions["traffic"].attempts as f64);
    assert!(sum > 0.0);
}
