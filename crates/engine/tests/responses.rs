//! People respond: appeals, repair, deterrence, chilling and contacts, each checked
//! against an independent expectation (queue arithmetic, binomial thinning, exact
//! counterfactual identities). Tolerances are 4 standard errors of the estimate, from
//! the sampling distribution named next to each.

mod common;

use common::{model, run_threads};
use credsim_engine::audit::GroupTally;
use credsim_engine::summary::Summary;
use credsim_engine::{Audit, Outcome};
use credsim_model::Model;
use std::sync::atomic::AtomicBool;

fn run(m: &Model) -> Outcome {
    run_threads(m, 2)
}

/// The audit's counts summed over jackknife groups.
fn audit_total(o: &Outcome) -> GroupTally {
    let a = o.audit.as_ref().expect("audit ran");
    let mut t = a.groups[0].clone();
    for g in &a.groups[1..] {
        t.merge(g);
    }
    t
}

/// Debtors: one adverse record type (a court judgment: −50 points, lists for
/// `list_days`), captured with probability 1 and no delay; listed persons lose flights.
/// `extra` is appended (response tables).
fn debtors(persons: u64, rate: f64, list_days: u32, extra: &str) -> String {
    format!(
        r#"
domains = ["court", "transport"]
[scenario]
name = "debtors"
[simulation]
years = 4
seed = 11
[population]
persons = {persons}
[[population.attributes]]
id = "region"
categories = {{ urban = 0.6, rural = 0.4 }}
[[behaviours]]
id = "default"
domain = "court"
rate_per_year = {rate}
{deterrence}
[[sources]]
id = "court"
capture = {{ default = 1.0 }}
[score]
base = 1000
[[score.grades]]
name = "A"
min = 1000
[[score.grades]]
name = "B"
max = 999
[records.default]
points = -50
expiry_days = 730
[[lists]]
id = "defaulters"
kind = "black"
duration_days = {list_days}
triggers = [{{ record = "default" }}]
[[services]]
id = "flights"
domain = "transport"
attempts_per_year = 2.0
[[treatments]]
id = "no_flights"
kind = "sanction"
service = "flights"
trigger = {{ list = "defaulters" }}
scope = "all"
{extra}
"#,
        deterrence = extra
            .lines()
            .find(|l| l.starts_with("deterrence"))
            .unwrap_or(""),
        extra = extra
            .lines()
            .filter(|l| !l.starts_with("deterrence"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

fn appeals(capacity: f64, processing: u32, success: f64) -> String {
    format!(
        r#"
[appeals]
probability = {{ genuine = 1.0, erroneous = 1.0 }}
capacity_per_month_per_100k = {capacity}
processing_days = {processing}
success = {{ genuine = {success}, erroneous = {success} }}
"#
    )
}

/// With capacity below demand, the queue grows each period by exactly the appeals
/// filed minus the reviews the period's capacity starts; filings are Poisson.
#[test]
fn queue_grows_by_arrivals_minus_capacity() {
    // 20,000 persons × 0.05 records a year ≈ 83 appeals a month; capacity 20 a month.
    let m = model(&debtors(20_000, 0.05, 365, &appeals(100.0, 60, 0.0)));
    let o = run(&m);
    let rules = m.appeals.as_ref().expect("appeals");
    let mut queue = 0u64;
    let mut filed = 0u64;
    let mut start = 0;
    for (k, p) in o.tally.periods.iter().enumerate() {
        let end = m.period_ends[k];
        let capacity =
            rules.capacity_until(end, m.persons) - rules.capacity_until(start, m.persons);
        let arrivals = p.responses.appealed.iter().sum::<u64>();
        assert!(
            queue + arrivals >= capacity,
            "period {k}: demand below capacity"
        );
        queue = queue + arrivals - capacity;
        assert_eq!(p.responses.queue, queue, "period {k}");
        filed += arrivals;
        start = end;
    }
    // Filings: every record is appealed, and records are Poisson(N · rate · years).
    let expected = 20_000.0 * 0.05 * 4.0;
    assert!(
        (filed as f64 - expected).abs() < 4.0 * expected.sqrt(),
        "{filed} vs {expected}"
    );
    // Mean growth per period ≈ arrivals − capacity (the law the issue asks for).
    let periods = o.tally.periods.len() as f64;
    let growth = queue as f64 / periods;
    let capacity = rules.capacity_until(m.days, m.persons) as f64 / periods;
    let arrival = expected / periods;
    let se = expected.sqrt() / periods;
    assert!(
        (growth - (arrival - capacity)).abs() < 4.0 * se,
        "{growth} vs {}",
        arrival - capacity
    );
}

/// Utilisation against the analytic arrival rate: every record is appealed and records
/// are Poisson(N · rate · H/365), so ρ = N · rate · H/365 / capacity(H), within 4 Poisson
/// standard errors; above 1 the queue is flagged unstable, and the Kaplan–Meier wait
/// (pending appeals censored) is at least the processing time; far below 1 it is not
/// flagged and every wait is the processing time exactly.
#[test]
fn utilisation_against_the_arrival_rate() {
    for (capacity, unstable) in [(100.0, true), (1e6, false)] {
        let m = model(&debtors(20_000, 0.05, 365, &appeals(capacity, 45, 0.0)));
        let o = run(&m);
        let a = Audit::new(&m, o.audit.as_ref().expect("audit"));
        let x = a.appeals.expect("appeals");
        let rules = m.appeals.as_ref().expect("appeals");
        let cap = rules.capacity_until(m.days, m.persons) as f64;
        assert_eq!(x.review_capacity, Some(cap as u64));
        let expected = 20_000.0 * 0.05 * m.days as f64 / 365.0;
        let rho = x.utilisation.value.expect("defined");
        assert!(
            (rho - expected / cap).abs() < 4.0 * expected.sqrt() / cap,
            "{rho} vs {}",
            expected / cap
        );
        assert_eq!(x.queue_unstable, unstable);
        assert_eq!(
            x.appeals_pending_at_end,
            x.appeals_filed - x.appeals_decided
        );
        let median = x.wait_median_days.value.expect("reached");
        if unstable {
            assert!(median > 45.0, "{median}");
        } else {
            assert_eq!(median, 45.0);
            assert_eq!(x.wait_p90_days.value, Some(45.0));
        }
    }
}

/// With capacity far above demand the queue stays empty and every appeal waits
/// exactly its processing time (processing ≥ a period, so no boundary delays it);
/// upheld appeals are Binomial(decided, success).
#[test]
fn ample_capacity_means_waiting_equals_processing() {
    let m = model(&debtors(20_000, 0.05, 365, &appeals(1e6, 45, 0.3)));
    let o = run(&m);
    let r = &o.tally.responses;
    let decided: u64 = r.decided.iter().sum();
    assert!(decided > 1000);
    assert_eq!(r.wait_days, 45 * decided);
    assert!(o.tally.periods.iter().all(|p| p.responses.queue == 0));
    // Filed but undecided: exactly the appeals filed in the last 45 days.
    let upheld: u64 = r.upheld.iter().sum();
    let expected = 0.3 * decided as f64;
    let se = (decided as f64 * 0.3 * 0.7).sqrt();
    assert!(
        (upheld as f64 - expected).abs() < 4.0 * se,
        "{upheld} vs {expected}"
    );
    // Each upheld appeal removes its record exactly once.
    assert_eq!(r.removed, r.upheld);
}

/// The audit's counterfactuals equal separate runs: without appeals and repair, and
/// with every review starting on filing (the same as ample capacity when reviews
/// take at least a period).
#[test]
fn appeal_counterfactuals_equal_separate_runs() {
    let extra = format!(
        "{}\n[repair]\nafter_days = 200\nprobability = 0.2\n",
        appeals(30.0, 45, 0.6)
    );
    let scenario = debtors(20_000, 0.05, 365, &extra).replace(
        "capture = { default = 1.0 }",
        "capture = { default = 1.0 }\nfalse_records_per_year = 0.01",
    );
    let m = model(&scenario);
    let o = run(&m);
    let t = audit_total(&o);
    let sanction_days =
        |o: &Outcome| o.tally.occupancy_days[credsim_engine::Layout::of(&m).any_sanction()];

    let without = model(&debtors(20_000, 0.05, 365, "").replace(
        "capture = { default = 1.0 }",
        "capture = { default = 1.0 }\nfalse_records_per_year = 0.01",
    ));
    assert_eq!(t.no_appeals.sanction_days, sanction_days(&run(&without)));

    let instant = model(&scenario.replace(
        "capacity_per_month_per_100k = 30",
        "capacity_per_month_per_100k = 1000000",
    ));
    assert_eq!(
        t.instant_appeals.sanction_days,
        sanction_days(&run(&instant))
    );
    // The queue costs sanction-days: reviews that wait keep records in force longer.
    assert!(t.instant_appeals.sanction_days < t.sanction_days);
    assert!(t.no_appeals.sanction_days > t.sanction_days);

    let audit = Audit::new(&m, o.audit.as_ref().expect("audit"));
    let a = audit.appeals.expect("appeals measure");
    assert!(a.wrongful_sanction_days_removed.value.is_some());
    assert!(a.sanction_days_due_to_queueing.value.expect("defined") > 0.0);
}

/// Repair removes a Binomial(eligible, p) number of records, where eligible records
/// arrived at least `after_days` before the end and had not expired by then.
#[test]
fn repair_removes_its_share_of_records() {
    let m = model(&debtors(
        30_000,
        0.1,
        365,
        "[repair]\nafter_days = 100\nprobability = 0.25\n",
    ));
    let o = run(&m);
    let cut = m.days - 100;
    let (mut lo, mut hi) = (0u64, 0u64);
    let mut start = 0;
    for (k, p) in o.tally.periods.iter().enumerate() {
        let end = m.period_ends[k];
        let n: u64 = p.responses.adverse.iter().sum();
        if end <= cut {
            lo += n;
        }
        if start < cut {
            hi += n;
        }
        start = end;
    }
    let repaired: u64 = o.tally.responses.repaired.iter().sum();
    let se = (hi as f64 * 0.25 * 0.75).sqrt();
    assert!(
        repaired as f64 > 0.25 * lo as f64 - 4.0 * se
            && (repaired as f64) < 0.25 * hi as f64 + 4.0 * se,
        "{repaired} not in 0.25 × [{lo}, {hi}]"
    );
}

/// A deterrence factor of 0 for the whole horizon removes every repeat offence: each
/// person has at most one record, the one that listed them. With factor ½, the
/// suppressed acts are Binomial(acts while deterred, ½).
#[test]
fn deterrence_thins_repeat_offences() {
    let zero = model(&debtors(
        20_000,
        1.0,
        3000,
        "deterrence = { factor = 0.0, days = 5000 }",
    ));
    let o = run(&zero);
    let layout = credsim_engine::Layout::of(&zero);
    let ever_listed = o.tally.ever[layout.ever_list(0)];
    let records: u64 = o.tally.records().iter().sum();
    assert_eq!(records, ever_listed);
    assert!(o.tally.responses.candidate_acts[0] > 2 * records);

    let half = model(&debtors(
        20_000,
        1.0,
        3000,
        "deterrence = { factor = 0.5, days = 5000 }",
    ));
    let o = run(&half);
    let first_acts = o.tally.ever[layout.ever_list(0)];
    let while_deterred = o.tally.responses.candidate_acts[0] - first_acts;
    let suppressed = o.tally.responses.deterred_acts;
    assert_eq!(
        suppressed,
        o.tally.responses.candidate_acts[0] - o.tally.responses.performed_acts[0]
    );
    let expected = 0.5 * while_deterred as f64;
    let se = (while_deterred as f64 * 0.25).sqrt();
    assert!(
        (suppressed as f64 - expected).abs() < 4.0 * se,
        "{suppressed} vs {expected}"
    );
}

fn protest(extra: &str) -> String {
    format!(
        r#"
domains = ["public_order"]
[scenario]
name = "protest"
[simulation]
years = 5
seed = 5
[population]
persons = 50000
[[behaviours]]
id = "petitioning"
domain = "public_order"
rate_per_year = 0.2
protected = true
[[sources]]
id = "office"
capture = {{ petitioning = 0.5 }}
[score]
base = 1000
[[score.grades]]
name = "A"
min = 1000
[[score.grades]]
name = "B"
max = 999
[records.petitioning]
points = -50
expiry_days = 365
{extra}
"#
    )
}

/// Chilling: each period's factor is the documented logistic of the previous
/// period's share of persons penalised (exactly), and protected acts happen as
/// Binomial(candidates, factor) thinning (4 standard errors over all periods).
#[test]
fn chilling_follows_last_periods_penalties() {
    let m = model(&protest(
        "[chilling]\nmax_reduction = 0.8\nmidpoint = 0.004\nsteepness = 1500.0\n",
    ));
    let o = run(&m);
    let rules = m.chilling.as_ref().expect("chilling");
    let (mut dev, mut var) = (0.0, 0.0);
    let mut lowest: f64 = 1.0;
    for (k, p) in o.tally.periods.iter().enumerate() {
        let f = o.chilling[k][0];
        let expected = if k == 0 {
            1.0
        } else {
            let penalised = o.tally.periods[k - 1].responses.penalised_protected;
            rules.factor(penalised as f64 / m.persons as f64)
        };
        assert_eq!(f, expected, "period {k}");
        let cand = p.responses.candidate_acts[1] as f64;
        dev += p.responses.performed_acts[1] as f64 - cand * f;
        var += cand * f * (1.0 - f);
        lowest = lowest.min(f);
    }
    assert!(lowest < 0.9, "the scenario should chill ({lowest})");
    assert!(dev.abs() < 4.0 * var.sqrt(), "{dev} vs sd {}", var.sqrt());
}

/// The logistic response by hand: 1 at no penalties, 1 − R in the limit, and the
/// normalised value at the midpoint.
#[test]
fn chilling_factor_by_hand() {
    let r = credsim_model::ChillingRules {
        max_reduction: 0.6,
        midpoint: 0.01,
        steepness: 200.0,
        attribute: None,
    };
    assert_eq!(r.factor(0.0), 1.0);
    assert!((r.factor(1.0) - 0.4).abs() < 1e-9);
    let l0 = 1.0 / (1.0 + (2.0f64).exp()); // L(0) = 1/(1 + e^(200·0.01))
    let expected = 1.0 - 0.6 * (0.5 - l0) / (1.0 - l0);
    assert!((r.factor(0.01) - expected).abs() < 1e-12);
    assert!(r.factor(0.005) > r.factor(0.01));
}

fn associates(contacts: u32, rewiring: f64) -> String {
    debtors(
        30_000,
        0.3,
        180,
        &format!(
            r#"
[network]
contacts = {contacts}
rewiring = {rewiring}
[[lists]]
id = "associates"
kind = "black"
triggers = [{{ contacts = {{ status = {{ list = "defaulters" }}, at_least = 1 }} }}]
[[services]]
id = "public_jobs"
domain = "court"
attempts_per_year = 1.0
[[treatments]]
id = "associates_vetted"
kind = "sanction"
service = "public_jobs"
trigger = {{ list = "associates" }}
scope = "all"
"#
        ),
    )
}

/// Contacts: with random ties (rewiring 1) and a share q of persons listed at the end of
/// period k, the share listed as associates at the end of period k + 1 is
/// 1 − (1 − q)^c (within 4 binomial standard errors); a network without ties lists
/// nobody and the audit finds no association effect.
#[test]
fn association_follows_contacts_statuses() {
    let m = model(&associates(4, 1.0));
    let o = run(&m);
    let layout = credsim_engine::Layout::of(&m);
    let n = m.persons as f64;
    let k = o.tally.periods.len() - 2;
    let q = o.tally.periods[k].occupancy[layout.list(0)] as f64 / n;
    let p = 1.0 - (1.0 - q).powi(4);
    let got = o.tally.periods[k + 1].occupancy[layout.list(1)] as f64;
    let se = (n * p * (1.0 - p)).sqrt();
    assert!((got - n * p).abs() < 4.0 * se, "{got} vs {}", n * p);
    let t = audit_total(&o);
    assert!(t.no_association.only_factual > 0);

    let none = model(&associates(0, 0.0));
    let o = run(&none);
    assert_eq!(o.tally.responses.association_entries, 0);
    assert_eq!(o.tally.ever[layout.ever_list(1)], 0);
    let t = audit_total(&o);
    assert_eq!(t.no_association.only_factual, 0);
    assert_eq!(t.no_association.sanction_days, t.sanction_days);
}

/// Population-wide mechanisms keep results independent of the thread count.
#[test]
fn coupled_runs_do_not_depend_on_thread_count() {
    let m = credsim_model::presets::load(
        "suining-responses",
        &credsim_model::Overrides {
            persons: Some(40_000),
            ..Default::default()
        },
    )
    .expect("preset")
    .model;
    let json = |t| {
        let o = run_threads(&m, t);
        let audit = Audit::new(&m, o.audit.as_ref().expect("audit"));
        (
            serde_json::to_string(&Summary::new(&m, &o)).expect("json"),
            serde_json::to_string(&audit).expect("json"),
        )
    };
    let one = json(1);
    assert_eq!(one, json(2));
    assert_eq!(one, json(3));
}

/// A cancelled coupled run says so instead of returning partial results.
#[test]
fn coupled_runs_can_be_cancelled() {
    let m = model(&protest(
        "[chilling]\nmax_reduction = 0.5\nmidpoint = 0.01\nsteepness = 100.0\n",
    ));
    assert!(m.coupled());
    let cancel = AtomicBool::new(true);
    let control = common::control(&cancel);
    assert!(credsim_engine::run(&m, &control).is_err());
}

/// Conservation with records removed early: the days persons spend listed, summed
/// person by person, equal the list's person-days (a term cut back twice must end
/// once).
#[test]
fn removals_keep_listed_days_conserved() {
    let extra = format!(
        "{}\n[repair]\nafter_days = 60\nprobability = 0.5\n",
        appeals(1e6, 40, 0.5)
    );
    let m = model(&debtors(20_000, 0.8, 365, &extra));
    let cancel = AtomicBool::new(false);
    let total = std::sync::Mutex::new(0u64);
    let sink = |_: usize, b: credsim_engine::PersonBatch| {
        let days: u64 = b.listed_days.iter().map(|&d| d as u64).sum();
        *total.lock().expect("lock") += days;
    };
    let control = credsim_engine::Control {
        persons: Some(&sink),
        ..common::control(&cancel)
    };
    let options = credsim_engine::Options {
        persons_table: credsim_engine::PersonsTable::Full,
        ..Default::default()
    };
    let o = credsim_engine::run_with(&m, &control, options).expect("runs");
    let layout = credsim_engine::Layout::of(&m);
    assert!(o.tally.responses.removed.iter().sum::<u64>() > 1000);
    assert_eq!(
        *total.lock().expect("lock"),
        o.tally.occupancy_days[layout.list(0)]
    );
}

/// The no-responses counterfactual is simulated whenever anything was thinned,
/// chilling included (not only deterrence), and equals a separate run without
/// `[chilling]`.
#[test]
fn chilling_counterfactual_equals_a_run_without_chilling() {
    let sanction = r#"
[[services]]
id = "permits"
domain = "public_order"
attempts_per_year = 1.0
[[treatments]]
id = "no_permits"
kind = "sanction"
service = "permits"
trigger = { grade = "B" }
scope = "all"
"#;
    let chill = "[chilling]\nmax_reduction = 0.8\nmidpoint = 0.004\nsteepness = 1500.0\n";
    let m = model(&protest(&format!("{chill}{sanction}")));
    let o = run(&m);
    let t = audit_total(&o);
    let plain = model(&protest(sanction));
    let p = run(&plain);
    let layout = credsim_engine::Layout::of(&m);
    assert_eq!(
        t.no_responses.sanction_days,
        p.tally.occupancy_days[layout.any_sanction()]
    );
    assert!(
        t.no_responses.sanction_days > t.sanction_days,
        "chilling spares sanctions"
    );
}

/// With every review started on filing and no queue ever, the queue costs nothing:
/// reviews shorter than a period wait for the boundary in both runs alike.
#[test]
fn no_queue_no_queueing_cost() {
    let m = model(&debtors(20_000, 0.05, 365, &appeals(1e6, 5, 0.6)));
    let o = run(&m);
    assert!(o.tally.periods.iter().all(|p| p.responses.queue == 0));
    let t = audit_total(&o);
    assert_eq!(t.instant_appeals.sanction_days, t.sanction_days);
}
