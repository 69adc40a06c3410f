//! Fairness on ground truth (measure 3b) against closed forms (tests/cases/fair-base:
//! one record lists its person at once, no spill-over, no heterogeneity, no delays),
//! conservation of its counts, and the persons table's Yᴱ and rewards.

mod common;

use credsim_engine::audit::{Audit, ErrorRates, FairnessGroup};
use credsim_engine::{Estimate, PersonBatch};
use credsim_model::Model;

const BASE: &str = include_str!("cases/fair-base.toml");

fn load(toml: &str) -> Model {
    common::model(toml)
}

/// The audit and the persons table (all persons) of a run.
fn run(m: &Model) -> (Audit, Vec<PersonBatch>) {
    run_in(m, credsim_engine::Schedule::ChunkMajor)
}

fn run_in(m: &Model, schedule: credsim_engine::Schedule) -> (Audit, Vec<PersonBatch>) {
    let (o, rows) = common::run_persons(m, schedule);
    (Audit::new(m, o.audit.as_ref().expect("audit")), rows)
}

/// fair-base with false records at 0.02 a year.
fn with_errors() -> String {
    BASE.replace(
        "false_records_per_year = 0.0",
        "false_records_per_year = 0.02",
    )
}

fn group<'a>(a: &'a Audit, attr: &str, name: &str) -> &'a FairnessGroup {
    a.fairness.attributes[attr]
        .groups
        .iter()
        .find(|g| g.group == name)
        .unwrap_or_else(|| panic!("{attr} = {name}"))
}

fn value(e: &Estimate) -> f64 {
    e.value.expect("defined")
}

/// Within 4 binomial standard errors of p on n persons.
fn near(got: f64, p: f64, n: u64, what: &str) {
    let se = (p * (1.0 - p) / n as f64).sqrt();
    assert!((got - p).abs() < 4.0 * se, "{what}: {got} vs {p} ± {se}");
}

/// False records at r = 0.02 a year over H = 5 years on everyone; one record
/// sanctions. Against Yᴱ (sanctioned without errors), a person the correct records
/// spare is sanctioned iff at least one false record arrives, independent of their
/// acts: FPR = 1 − e^{−rH} in every category. False records only add sanctions
/// (no misattribution), so FNR = 0 exactly. The two groups are alike (the null).
#[test]
fn false_records_give_the_analytic_false_positive_rate() {
    let m = load(&with_errors());
    let (a, _) = run(&m);
    let fpr = 1.0 - (-0.02f64 * 5.0).exp();
    for cat in ["majority", "minority"] {
        let g = group(&a, "group", cat);
        let e = g.data_errors.as_ref().expect("no_errors ran");
        near(
            value(&e.false_positive_rate),
            fpr,
            g.persons - e.positives,
            cat,
        );
        assert_eq!(value(&e.false_negative_rate), 0.0, "{cat}");
    }
    // Under the null (the groups behave and are watched alike): TPR = 1 in both, so
    // the equalized-odds difference is |ΔFPR| exactly and the minority's average odds
    // difference ½ ΔFPR, within 4 binomial SEs of 0.
    let rates = |cat| {
        let g = group(&a, "group", cat);
        let e = g.data_errors.clone().expect("ran");
        (value(&e.false_positive_rate), g.persons - e.positives, e)
    };
    let ((f0, n0, _), (f1, n1, e1)) = (rates("majority"), rates("minority"));
    let eod = value(&a.fairness.attributes["group"].equalized_odds_difference_errors);
    assert!(
        (eod - (f1 - f0).abs()).abs() < 1e-12,
        "{eod} vs {f1} − {f0}"
    );
    let aod = value(&e1.average_odds_difference);
    assert!((aod - 0.5 * (f1 - f0)).abs() < 1e-12);
    let se = 0.5 * (fpr * (1.0 - fpr) * (1.0 / n0 as f64 + 1.0 / n1 as f64)).sqrt();
    assert!(aod.abs() < 4.0 * se, "average odds difference {aod} ± {se}");
    // Nobody is rewarded: no reward treatment, so not applicable.
    assert!(group(&a, "group", "majority").reward_rate.value.is_none());
}

/// Without data errors: no no-errors contrast (null, not 0), and against Yᶜ (a
/// genuine violation) nobody is sanctioned without one, FPR = FDR = 0 exactly. With
/// K ~ Poisson(μ = 0.1 × 5) acts and each captured with p = 0.5, a violator escapes
/// iff none is captured: FNR = (e^{−pμ} − e^{−μ}) / (1 − e^{−μ}) ≈ 0.438.
#[test]
fn without_errors_the_conduct_rates_are_analytic() {
    let (a, _) = run(&load(BASE));
    let mu = 0.5f64;
    let fnr = ((-0.5 * mu).exp() - (-mu).exp()) / (1.0 - (-mu).exp());
    assert!(
        a.fairness.attributes["group"]
            .equalized_odds_difference_errors
            .value
            .is_none()
    );
    for cat in ["majority", "minority"] {
        let g = group(&a, "group", cat);
        assert!(g.data_errors.is_none());
        let c: &ErrorRates = &g.conduct;
        assert_eq!(value(&c.false_positive_rate), 0.0, "{cat}");
        assert_eq!(value(&c.false_discovery_rate), 0.0, "{cat}");
        near(value(&c.false_negative_rate), fnr, c.positives, cat);
    }
}

/// Counts add up: each attribute's categories hold every person; the cells of
/// group × age add up, over ages, to the group's persons and positives of both labels;
/// cells under the minimum (elders, 0.3% of 20,000) have no values, the others do.
/// The persons table's Yᴱ agrees with the audit: its positives per category, and the
/// FPR recomputed from the table's rows equals the audit's.
#[test]
fn counts_add_up_and_small_cells_are_null() {
    let m = load(&with_errors());
    let (a, rows) = run(&m);
    for s in a.fairness.attributes.values() {
        assert_eq!(s.groups.iter().map(|g| g.persons).sum::<u64>(), m.persons);
    }
    let cells = &a.fairness.intersections["group × age"];
    assert_eq!(
        cells.reference.as_deref(),
        Some("group = majority, age = adult")
    );
    for cat in ["majority", "minority"] {
        let g = group(&a, "group", cat);
        let of: Vec<&FairnessGroup> = cells
            .groups
            .iter()
            .filter(|c| c.group.starts_with(&format!("group = {cat},")))
            .collect();
        assert_eq!(of.len(), 2);
        let sum = |f: fn(&FairnessGroup) -> u64| of.iter().map(|c| f(c)).sum::<u64>();
        assert_eq!(sum(|c| c.persons), g.persons);
        assert_eq!(sum(|c| c.conduct.positives), g.conduct.positives);
        let pe = |c: &FairnessGroup| c.data_errors.as_ref().expect("ran").positives;
        assert_eq!(sum(pe), pe(g));
        for c in of {
            let small = c.persons < a.fairness.min_cell_persons;
            assert_eq!(c.too_small, small, "{}", c.group);
            assert_eq!(small, c.group.ends_with("elder"), "{}", c.group);
            assert_eq!(c.selection_rate.value.is_none(), small);
            assert_eq!(c.conduct.false_negative_rate.value.is_none(), small);
        }
    }
    // The persons table: per group category (index 0 majority), Yᴱ = 1 and the
    // false positives among Yᴱ = 0.
    let mut t = [[0u64; 3]; 2];
    for b in &rows {
        for (r, &c) in b.attributes[0].iter().enumerate() {
            let ye = b.sanctioned_without_errors[r].expect("no_errors ran");
            let x = &mut t[c as usize];
            x[0] += ye as u64;
            x[1] += !ye as u64;
            x[2] += (!ye && b.ever_sanctioned[r]) as u64;
        }
    }
    for (c, cat) in ["majority", "minority"].iter().enumerate() {
        let e = group(&a, "group", cat).data_errors.clone().expect("ran");
        assert_eq!(t[c][0], e.positives, "{cat}");
        assert_eq!(
            value(&e.false_positive_rate),
            t[c][2] as f64 / t[c][1] as f64
        );
    }
}

/// Rewards (suining-2010 has reward treatments): per region category, the reward rate
/// times persons is the persons table's count of `ever_rewarded`, and the ratio is
/// the rate over the reference's.
#[test]
fn reward_rates_match_the_persons_table() {
    let m = common::preset("suining-2010", 10_000);
    let (a, rows) = run(&m);
    let x = m
        .attributes
        .iter()
        .position(|at| at.id == "region")
        .expect("region");
    let values = &m.attributes[x].categories.values;
    let mut n = vec![0u64; values.len()];
    for b in &rows {
        for (r, &c) in b.attributes[x].iter().enumerate() {
            n[c as usize] += b.ever_rewarded[r] as u64;
        }
    }
    assert!(n.iter().sum::<u64>() > 0, "someone is rewarded");
    let s = &a.fairness.attributes["region"];
    let reference = s.groups.iter().find(|g| g.reference).expect("reference");
    for (c, name) in values.iter().enumerate() {
        let g = group(&a, "region", name);
        let rate = value(&g.reward_rate);
        assert!(
            (rate * g.persons as f64 - n[c] as f64).abs() < 1e-6,
            "{name}"
        );
        let ratio = rate / value(&reference.reward_rate);
        assert!((value(&g.reward_ratio) - ratio).abs() < 1e-9, "{name}");
    }
}

/// The persons table's Yᴱ comes from the no-errors counterfactual in both schedules
/// (chunk-major contrasts a chunk before writing it, epoch-major all chunks after
/// the whole run): the columns are identical.
#[test]
fn persons_table_ground_truth_is_the_same_in_both_schedules() {
    let m = load(
        &BASE
            .replace(
                "false_records_per_year = 0.0",
                "false_records_per_year = 0.02",
            )
            .replace("persons = 20000", "persons = 5000"),
    );
    let column = |schedule| {
        let (_, rows) = run_in(&m, schedule);
        rows.iter()
            .flat_map(|b| b.sanctioned_without_errors.clone())
            .collect::<Vec<_>>()
    };
    let a = column(credsim_engine::Schedule::ChunkMajor);
    assert_eq!(a.len() as u64, m.persons);
    assert!(a.iter().all(Option::is_some));
    assert_eq!(a, column(credsim_engine::Schedule::EpochMajor));
}
