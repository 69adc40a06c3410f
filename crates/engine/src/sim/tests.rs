//! Tests of the chunk simulation against independent expectations.

use super::attempts::for_each_attempt;
use super::*;
use std::sync::atomic::AtomicBool;

fn simulate_chunk(ctx: &Ctx<'_>, pop: &Population, replay: Option<&ChunkSim>) -> ChunkSim {
    ChunkSim::simulate(ctx, pop, &pop.chunks[0], replay, None)
}

/// A preset with the given persons (and years).
fn preset(name: &str, persons: u64, years: Option<u32>) -> Model {
    let overrides = credsim_model::Overrides {
        persons: Some(persons),
        years,
        ..Default::default()
    };
    credsim_model::presets::load(name, &overrides)
        .expect("preset")
        .model
}

/// Every preset with the given persons (and years).
fn every_preset(persons: u64, years: Option<u32>) -> Vec<Model> {
    credsim_model::presets::ALL
        .iter()
        .map(|p| preset(p.name, persons, years))
        .collect()
}

/// A model with its treatments and lists dated (`from`, `until`, by day), alternately
/// from day 200, until day 500 and from 300 until 700 (dated rules, `dated.rs`).
fn dated(mut m: Model) -> Model {
    use credsim_model::InForce;
    let spans = [(200, u32::MAX), (0, 500), (300, 700)];
    for (x, t) in m.treatments.iter_mut().enumerate() {
        let (from, until) = spans[x % 3];
        t.in_force = InForce { from, until };
    }
    for (x, l) in m.lists.iter_mut().enumerate() {
        let (from, until) = spans[(x + 1) % 3];
        l.in_force = InForce { from, until };
    }
    m.name.push_str(" (dated rules)");
    m
}

fn same_lives(a: &ChunkSim, b: &ChunkSim, ctx: &Ctx<'_>, what: &str) {
    assert_eq!(a.tally, b.tally, "{what}: tally");
    assert_eq!(a.observed.group, b.observed.group, "{what}: audit counts");
    assert_eq!(a.lives.sanction_days, b.lives.sanction_days, "{what}");
    assert_eq!(a.lives.listed_days, b.lives.listed_days, "{what}");
    assert_eq!(a.lives.records, b.lives.records, "{what}");
    for i in 0..a.people.len() {
        assert_eq!(a.outcome(ctx, i), b.outcome(ctx, i), "{what}: person {i}");
    }
}

/// Deriving day 0 once per chunk (when it is everyone's) gives exactly the lives of
/// deriving it person by person, factual and counterfactual, for every preset and
/// for a day-0 treatment that reaches the household (where the copy must not be
/// used).
#[test]
fn day0_template_equals_per_person() {
    let mut models = every_preset(20_000, Some(3));
    let mut household = models[0].clone();
    for t in &mut household.treatments {
        t.household = true;
    }
    models.push(household);
    models.push(dated(models[0].clone()));
    models.push(dated(preset("debtor-blacklist", 20_000, Some(3))));
    for m in &models {
        let fast = Ctx::new(m, Variant::Factual);
        let mut slow = Ctx::new(m, Variant::Factual);
        slow.day0_template = false;
        let pop = Population::build(m, &fast.keys);
        let a = simulate_chunk(&fast, &pop, None);
        let b = simulate_chunk(&slow, &pop, None);
        same_lives(&a, &b, &fast, &m.name);
        for v in Variant::applicable(m) {
            let vf = Ctx::new(m, v);
            let mut vs = Ctx::new(m, v);
            vs.day0_template = false;
            let x = simulate_chunk(&vf, &pop, Some(&a));
            let y = simulate_chunk(&vs, &pop, Some(&b));
            same_lives(&x, &y, &vf, &format!("{} {}", m.name, v.name()));
        }
    }
}

/// Granted attempts, drawn per chunk and period, are Poisson(rate × rewarded
/// person-days) in total for each service (suining-2010: every service has a
/// reward; 30,000 persons, 10 years; four standard deviations), and the periods add
/// up to the total.
#[test]
fn granted_attempts_follow_rewarded_time() {
    let m = preset("suining-2010", 30_000, None);
    let options = Options {
        audit: false,
        ..Options::default()
    };
    let cancel = AtomicBool::new(false);
    let control = Control {
        cancel: &cancel,
        progress: &|_, _| {},
        persons: None,
        records: None,
    };
    let o = run_with(&m, &control, options).expect("run");
    let ctx = Ctx::new(&m, Variant::Factual);
    let mut checked = 0;
    for (s, service) in m.services.iter().enumerate() {
        if ctx.slot_of[s][TreatmentKind::Reward as usize] == usize::MAX {
            continue;
        }
        let days = o.tally.occupancy_days[ctx.layout.rewarded(s)] as f64;
        let expected = service.attempts_per_day * days;
        let got = o.tally.granted[s] as f64;
        assert!(expected > 100.0, "{}: too few expected", service.id);
        assert!(
            (got - expected).abs() <= 4.0 * expected.sqrt(),
            "{}: granted {got} vs {expected}",
            service.id
        );
        let by_period: u64 = o.tally.periods.iter().map(|p| p.granted[s]).sum();
        assert_eq!(by_period, o.tally.granted[s]);
        checked += 1;
    }
    assert!(checked > 0);
}

/// A counterfactual simulated for the households its mechanism reached (widened
/// until closed) gives every person the outcome of simulating the whole chunk,
/// and the same number of records, for every preset and for a scenario where
/// misattribution is frequent and scrutiny stops capture (so that the widening is
/// exercised).
#[test]
fn restricted_counterfactuals_equal_full_ones() {
    let mut models = every_preset(20_000, None);
    let mut misattributing = models[0].clone();
    for src in &mut misattributing.sources {
        src.misattribution = 0.02;
    }
    // Scrutiny (from grade B) that stops capture: the no-scrutiny counterfactual then
    // records acts the factual run did not, and misattributes some of them outside
    // the households first simulated (the widening).
    if let Some(sc) = &mut misattributing.scrutiny {
        sc.trigger = credsim_model::Status::Grade(1);
        sc.capture_multiplier = 0.0;
    }
    misattributing
        .name
        .push_str(" (misattribution 0.02, scrutiny from grade B stops capture)");
    models.push(misattributing);
    // Everyone under scrutiny from day 0 for the whole horizon: day 0 is derived once
    // for the chunk and copied (nothing is scheduled), so the copy must carry who the
    // mechanism reached.
    let mut watched = preset("suining-2010", 20_000, Some(1));
    let start = watched.score.as_ref().and_then(|r| r.grade(r.score(0)));
    if let (Some(sc), Some(g)) = (&mut watched.scrutiny, start) {
        sc.trigger = credsim_model::Status::Grade(g);
        sc.duration_days = watched.days;
    }
    watched
        .name
        .push_str(" (everyone under scrutiny from day 0, one year)");
    models.push(watched);
    // Capture multipliers on two attributes, with misattribution: the equal-capture
    // counterfactuals at the population mean and at each category's level (levels
    // above and below a person's own capture, and a record they would make linking
    // another household).
    let mut levels = credsim_model::load(
        &include_str!("../../tests/cases/capture-nonseparable.toml")
            .replace("persons = 100000", "persons = 20000")
            .replace(
                "capture_multipliers = { region = { urban = 1.5, rural = 0.5 } }",
                "capture_multipliers = { region = { urban = 1.5, rural = 0.5 }, group = { minority = 1.5 } }\nmisattribution = 0.05",
            ),
        "capture-levels",
        &credsim_model::Overrides::default(),
    )
    .expect("loads")
    .model;
    assert_eq!(
        Variant::applicable(&levels)
            .iter()
            .filter(|v| matches!(v, Variant::EqualCaptureAt(_)))
            .count(),
        4
    );
    levels
        .name
        .push_str(" (capture levels, misattribution 0.05)");
    models.push(levels);
    // Attacks: a delisting and an inserted listing, found by reconciliation and
    // complaints (the no-attacks counterfactual restricted to the households hit).
    let attacked = format!(
        "{}{}",
        credsim_model::presets::find("debtor-blacklist")
            .expect("preset")
            .toml,
        r#"
[[attacks]]
id = "delist"
attacker = "insider"
operation = "delete"
from_day = 400
to_day = 700
share = 0.3
listed = "defaulters"
[[attacks]]
id = "list"
attacker = "outsider"
operation = "insert"
from_day = 200
share = 0.01
records = ["court_judgment_nonperformance"]
source = "court"
[defences]
complaint_probability = 0.5
reconciliation = { every_periods = 6 }
"#
    );
    let attacked = credsim_model::load(
        &attacked,
        "attacked",
        &credsim_model::Overrides {
            persons: Some(20_000),
            ..Default::default()
        },
    )
    .expect("loads")
    .model;
    models.push(attacked);
    models.push(dated(preset("suining-2010", 20_000, Some(3))));
    models.push(dated(preset("debtor-blacklist", 20_000, Some(3))));
    let (mut restricted, mut widened) = (0, 0);
    for m in models.iter().filter(|m| !m.coupled()) {
        let ctx = Ctx::new(m, Variant::Factual);
        let pop = Population::build(m, &ctx.keys);
        for range in &pop.chunks {
            let run = |vctx: &Ctx<'_>, replay: Option<&ChunkSim>, only: Option<&[bool]>| {
                ChunkSim::simulate(vctx, &pop, range, replay, only)
            };
            let f = run(&ctx, None, None);
            for v in Variant::applicable(m) {
                let Some(mut only) = f.reached_households(v) else {
                    continue;
                };
                let vctx = Ctx::new(m, v);
                let full = run(&vctx, Some(&f), None);
                let part = loop {
                    let part = run(&vctx, Some(&f), Some(&only));
                    if !f.widen(&mut only, &part.misattributions) {
                        break part;
                    }
                    widened += 1;
                };
                restricted += only.iter().filter(|&&h| !h).count();
                let kept: usize = (0..only.len())
                    .filter(|&h| only[h])
                    .map(|h| (f.household_start[h + 1] - f.household_start[h]) as usize)
                    .sum();
                assert_eq!(
                    part.people.len(),
                    kept,
                    "holds the households simulated only"
                );
                let mut records = part.tally.records().iter().sum::<u64>();
                for i in 0..f.people.len() {
                    let what = format!("{} {} person {i}", m.name, v.name());
                    if only[f.people.persons.household[i] as usize] {
                        let x = part.local_of(i as u32).expect("simulated") as usize;
                        assert_eq!(part.outcome(&vctx, x), full.outcome(&vctx, i), "{what}");
                    } else {
                        assert_eq!(f.outcome(&ctx, i), full.outcome(&vctx, i), "{what}");
                        records += f.lives.records[3 * i..3 * i + 3]
                            .iter()
                            .map(|&r| r as u64)
                            .sum::<u64>();
                    }
                }
                let all = full.tally.records().iter().sum::<u64>();
                assert_eq!(records, all, "{} {}: records", m.name, v.name());
            }
        }
    }
    assert!(restricted > 0, "no household was left out");
    assert!(widened > 0, "the widening was never exercised");
}

fn model(attempts_per_year: f64) -> Model {
    let toml = format!(
        r#"
domains = ["d"]
[scenario]
name = "attempts"
[simulation]
years = 10
seed = 5
[population]
persons = 10
[[behaviours]]
id = "b"
domain = "d"
rate_per_year = 0.0
[[sources]]
id = "s"
capture = {{ b = 1.0 }}
[[services]]
id = "v"
domain = "d"
attempts_per_year = {attempts_per_year}
"#
    );
    credsim_model::load(&toml, "test", &credsim_model::Overrides::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .model
}

/// Attempts over [0, T) are Poisson(rate·T) in mean and variance (within four
/// standard errors over 20,000 persons), and counting [0, c) and [c, T) separately
/// finds exactly the attempts of [0, T): one process, whatever the intervals asked.
#[test]
fn attempt_process_is_poisson_and_additive() {
    for per_year in [0.05, 3.0] {
        let m = model(per_year);
        let ctx = Ctx::new(&m, Variant::Factual);
        let mean = per_year * m.days as f64 / 365.0;
        let n = 20_000u32;
        let (mut sum, mut sum_sq) = (0.0, 0.0);
        for person in 0..n {
            let mut whole = Vec::new();
            for_each_attempt(&ctx, person, 0, 0, m.days, |d| whole.push(d));
            let cut = (person * 7) % m.days;
            let mut parts = Vec::new();
            for_each_attempt(&ctx, person, 0, 0, cut, |d| parts.push(d));
            for_each_attempt(&ctx, person, 0, cut, m.days, |d| parts.push(d));
            assert_eq!(whole, parts, "person {person}, cut at {cut}");
            let k = whole.len() as f64;
            sum += k;
            sum_sq += k * k;
        }
        let avg = sum / n as f64;
        let var = sum_sq / n as f64 - avg * avg;
        let se = (mean / n as f64).sqrt();
        assert!(
            (avg - mean).abs() < 4.0 * se,
            "{per_year}/y: mean {avg} vs {mean}"
        );
        // Var of the sample variance of a Poisson: (μ + 2μ²)/n.
        let se_var = ((mean + 2.0 * mean * mean) / n as f64).sqrt();
        assert!(
            (var - mean).abs() < 4.0 * se_var,
            "{per_year}/y: var {var} vs {mean}"
        );
    }
}

/// The equal-capture level is the mean capture multiplier over the persons the regime
/// scores: with the minority (multiplier 2, share 0.1) unscored, the population level is
/// the majority's 1, not 0.9 · 1 + 0.1 · 2 = 1.1.
#[test]
fn equal_capture_levels_average_over_the_scored() {
    let text = include_str!("../../tests/cases/capture-level.toml");
    let load = |t: &str| {
        credsim_model::load(t, "levels", &credsim_model::Overrides::default())
            .expect("loads")
            .model
    };
    let everyone = super::ctx::capture_levels(&load(text));
    assert!((everyone[0][0] - 1.1).abs() < 1e-12, "{everyone:?}");
    let scored = text.replace(
        "persons = 100000",
        "persons = 100000\nscored = { group = [\"majority\"] }",
    );
    let levels = super::ctx::capture_levels(&load(&scored));
    assert!((levels[0][0] - 1.0).abs() < 1e-12, "{levels:?}");
    // The levels of each category stay that category's multiplier.
    assert_eq!(levels[1..], [vec![1.0], vec![2.0]]);
}
