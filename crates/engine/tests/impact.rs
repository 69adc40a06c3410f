//! Disparate impact and unequal capture (measure 3) on the design note's audit cases
//! (tests/cases/, from the note on audit methods): the reference is stated or the
//! largest eligible category, ratios are unbiased under the null, ineligible
//! categories are reported apart, the Guidelines' four-fifths test.

mod common;

use credsim_engine::audit::{Audit, CategoryImpact};
use credsim_model::{Model, Overrides};
use std::sync::atomic::AtomicBool;

fn load(toml: &str, o: Overrides) -> Model {
    credsim_model::load(toml, "case", &o)
        .unwrap_or_else(|e| panic!("{e}"))
        .model
}

fn audit(m: &Model) -> Audit {
    let cancel = AtomicBool::new(false);
    let o = credsim_engine::run(m, &common::control(&cancel)).expect("runs");
    Audit::new(m, o.audit.as_ref().expect("audit ran"))
}

fn row<'a>(a: &'a Audit, attr: &str, cat: &str) -> &'a CategoryImpact {
    a.disparate_impact[attr]
        .iter()
        .find(|r| r.category == cat)
        .unwrap_or_else(|| panic!("{attr} = {cat}"))
}

fn value(e: &credsim_engine::Estimate) -> f64 {
    e.value.expect("defined")
}

const DI_NULL: &str = include_str!("cases/di-null.toml");
const CHILDREN: &str = include_str!("cases/di-children-reference.toml");

/// Under the null (equal behaviour, equal capture; di-null at 45,000 persons (6 jackknife groups: intervals need at least 5) with
/// three times its rate, 40 seeds), the minority's relative risk against the stated
/// reference (the largest category, the majority) is unbiased: its mean over seeds is
/// within 3 standard errors of the seed mean (SD/√40) of 1. Its 95% interval excludes
/// 1 at no more than the nominal rate (at most 6 of 40: P(Binomial(40, 0.05) ≥ 7) ≈
/// 0.014), and the four-fifths flag (which needs a significant difference) at most as
/// often. The majority is the reference in every seed.
#[test]
fn relative_risk_is_unbiased_under_the_null() {
    let toml = DI_NULL.replace("rate_per_year = 0.004", "rate_per_year = 0.012");
    let seeds = 40;
    let (mut ratios, mut excluded, mut flagged) = (Vec::new(), 0, 0);
    for seed in 1..=seeds {
        let m = load(
            &toml,
            Overrides {
                persons: Some(45_000),
                seed: Some(seed),
                ..Overrides::default()
            },
        );
        let a = audit(&m);
        assert!(row(&a, "group", "majority").reference, "seed {seed}");
        let r = row(&a, "group", "minority");
        assert!(r.eligible && !r.reference);
        let rr = &r.ratio_sanctioned;
        ratios.push(value(rr));
        if rr.ci_low.expect("interval") > 1.0 || rr.ci_high.expect("interval") < 1.0 {
            excluded += 1;
        }
        flagged += a.disparate_impact["group"]
            .iter()
            .filter(|r| r.four_fifths)
            .count();
    }
    let n = ratios.len() as f64;
    let mean = ratios.iter().sum::<f64>() / n;
    let sd = (ratios.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    assert!(
        (mean - 1.0).abs() <= 3.0 * sd / n.sqrt(),
        "mean {mean}, sd {sd}: {ratios:?}"
    );
    assert!(
        excluded <= 6,
        "interval excludes 1 in {excluded} of {seeds}"
    );
    assert!(
        flagged <= excluded,
        "four-fifths flag in {flagged} of {seeds}"
    );
}

/// Children cannot default (rate multiplier 0): they are not eligible, never the
/// reference, and get no ratio; 15-59 (the largest eligible category) is the
/// reference, or 60+ when the scenario states it. The relative risk is the quotient of
/// the two categories' sanction rates, the favourable ratio that of one minus them.
#[test]
fn children_are_not_eligible_and_the_reference_is_stated() {
    let a = audit(&common::model(CHILDREN));
    let kids = row(&a, "age", "0-14");
    assert!(!kids.eligible && !kids.reference);
    assert!(kids.rate_sanctioned.value.is_some_and(|r| r > 0.0));
    assert!(kids.ratio_sanctioned.value.is_none() && !kids.four_fifths);
    assert!(row(&a, "age", "15-59").reference);
    let stated = CHILDREN.replace(
        "level = \"person\"",
        "level = \"person\"\nreference = \"60+\"",
    );
    let a = audit(&load(&stated, Overrides::default()));
    let (old, adult) = (row(&a, "age", "60+"), row(&a, "age", "15-59"));
    assert!(old.reference && !adult.reference);
    let (r, r0) = (value(&adult.rate_sanctioned), value(&old.rate_sanctioned));
    assert!((value(&adult.ratio_sanctioned) - r / r0).abs() < 1e-12);
    assert!((value(&adult.favourable_ratio) - (1.0 - r) / (1.0 - r0)).abs() < 1e-12);
    assert!((value(&adult.statistical_parity_difference) - (r0 - r)).abs() < 1e-12);
    // The log-scale interval holds the value and is asymmetric.
    let rr = &adult.ratio_sanctioned;
    let (lo, hi, v) = (rr.ci_low.expect("lo"), rr.ci_high.expect("hi"), value(rr));
    assert!(lo < v && v < hi && (hi - v) > (v - lo));
}

/// 29 CFR 1607.4(D) on capture-level: the minority's favourable rate (1 − 0.844) is
/// far below 4/5 of the majority's (1 − 0.098), significantly: flagged; the majority,
/// the highest, is not. On di-children-reference, where 15-59 is sanctioned at 8.8%
/// against 4.7% (favourable ratio 0.96), the adverse ratio is far from 1 but the
/// Guidelines' rule does not fire.
#[test]
fn four_fifths_rule_on_favourable_rates() {
    let a = audit(&load(
        include_str!("cases/capture-level.toml"),
        Overrides {
            persons: Some(45_000),
            ..Overrides::default()
        },
    ));
    let (maj, min) = (row(&a, "group", "majority"), row(&a, "group", "minority"));
    let fr = |r: &CategoryImpact| 1.0 - value(&r.rate_sanctioned);
    assert!((value(&min.favourable_ratio_to_highest) - fr(min) / fr(maj)).abs() < 1e-12);
    assert!(min.four_fifths && !maj.four_fifths);
    assert!(min.adverse_ratio_above_1_25);
    let a = audit(&load(CHILDREN, Overrides::default()));
    assert!(a.disparate_impact["age"].iter().all(|r| !r.four_fifths));
}

/// Equal capture at a category's level is the scenario with that level written in:
/// capture-level equalised at the majority's level (0.3) or the minority's (0.6)
/// gives, category by category, exactly the rates (and jackknife errors) of separate
/// runs of capture-level-majority and capture-level-minority (same seed, so the same
/// lives). The design note's numbers at 100,000 persons: [0.0975, 0.8444] as run,
/// [0.0975, 0.3782] and [0.3897, 0.8444] at the two levels.
#[test]
fn equal_capture_at_a_category_level_equals_a_separate_run() {
    let small = || Overrides {
        persons: Some(45_000),
        ..Overrides::default()
    };
    let a = audit(&load(include_str!("cases/capture-level.toml"), small()));
    for (level, file) in [
        (
            "group = majority",
            include_str!("cases/capture-level-majority.toml"),
        ),
        (
            "group = minority",
            include_str!("cases/capture-level-minority.toml"),
        ),
    ] {
        let separate = audit(&load(file, small()));
        for r in &a.disparate_impact["group"] {
            let e = r
                .equal_capture
                .iter()
                .find(|e| e.level == level)
                .unwrap_or_else(|| panic!("{level}"));
            let s = row(&separate, "group", &r.category);
            assert_eq!(
                e.rate_sanctioned, s.rate_sanctioned,
                "{level} {}",
                r.category
            );
            assert_eq!(
                e.ratio_sanctioned, s.ratio_sanctioned,
                "{level} {}",
                r.category
            );
        }
    }
    // The population mean level (0.33) is there too, first.
    assert_eq!(
        a.disparate_impact["group"][0].equal_capture[0].level,
        "population mean"
    );
}

/// Capture multipliers on region only (capture-nonseparable): the group attribute
/// carries none, so it reports no equal-capture contrast (formerly a "share explained
/// by capture" of −23%); region does, at the mean and at each region's level.
#[test]
fn only_attributes_with_capture_multipliers_get_capture_contrasts() {
    let a = audit(&load(
        include_str!("cases/capture-nonseparable.toml"),
        Overrides {
            persons: Some(20_000),
            ..Overrides::default()
        },
    ));
    assert!(
        a.disparate_impact["group"]
            .iter()
            .all(|r| r.equal_capture.is_empty())
    );
    let levels: Vec<&str> = a.disparate_impact["region"][0]
        .equal_capture
        .iter()
        .map(|e| e.level.as_str())
        .collect();
    assert_eq!(
        levels,
        ["population mean", "region = rural", "region = urban"]
    );
}

/// Conditional parity against its analytic value: every record lists its person and
/// the list sanctions, so a person with k genuine violations is ever sanctioned with
/// probability 1 − (1 − p)^k, p the capture probability (0.3 for the majority, 0.6 for
/// the minority, whose capture multiplier is 2). Within 4 binomial standard errors,
/// for k = 0, 1, 2; conditional parity needs no equalisation level to show the
/// minority sanctioned more for the same conduct.
#[test]
fn conditional_parity_matches_binomial_capture() {
    let toml = DI_NULL
        .replace("rate_per_year = 0.004", "rate_per_year = 0.1")
        .replace(
            "capture = { speeding = 0.3 }",
            "capture = { speeding = 0.3 }\ncapture_multipliers = { group = { minority = 2.0 } }",
        );
    let a = audit(&load(
        &toml,
        Overrides {
            persons: Some(40_000),
            ..Overrides::default()
        },
    ));
    for (cat, p) in [("majority", 0.3f64), ("minority", 0.6)] {
        let r = row(&a, "group", cat);
        for k in 0..3 {
            let c = &r.sanctioned_given_acts[k];
            assert_eq!(c.acts, k.to_string());
            let expected = 1.0 - (1.0 - p).powi(k as i32);
            let n = c.persons as f64;
            assert!(n > 100.0, "{cat} k = {k}: n = {n}");
            let tol = 4.0 * (expected * (1.0 - expected) / n).sqrt() + 1e-12;
            let got = value(&c.rate_sanctioned);
            assert!(
                (got - expected).abs() <= tol,
                "{cat} k = {k}: {got} vs {expected} ± {tol}"
            );
        }
        assert_eq!(r.sanctioned_given_acts[3].acts, "3+");
    }
}

/// The persons table's ground truth adds up: its `violations` and `protected_acts`
/// columns sum to the summary's genuine acts of unprotected adverse and of protected
/// behaviours (suining-2010 has both), and the number of persons with k violations
/// is the audit's `persons` of conditional parity class k.
#[test]
fn persons_table_ground_truth_is_conserved() {
    let m = common::preset("suining-2010", 20_000);
    let (o, batches) = common::run_persons(&m, credsim_engine::Schedule::ChunkMajor);
    let mut rows = (0u64, 0u64, [0u64; 4]);
    for b in &batches {
        rows.0 += b.violations.iter().map(|&x| x as u64).sum::<u64>();
        rows.1 += b.protected_acts.iter().map(|&x| x as u64).sum::<u64>();
        for &k in &b.violations {
            rows.2[(k as usize).min(3)] += 1;
        }
    }
    let s = credsim_engine::summary::Summary::new(&m, &o);
    let a = Audit::new(&m, o.audit.as_ref().expect("audit"));
    let acts = |protected: bool| -> u64 {
        m.behaviours
            .iter()
            .filter(|b| b.protected == protected && (protected || b.adverse()))
            .map(|b| s.behaviour.acts[&b.id])
            .sum()
    };
    let (violations, protected, classes) = rows;
    assert!(violations > 0 && protected > 0);
    assert_eq!(violations, acts(false));
    assert_eq!(protected, acts(true));
    let by_class: Vec<u64> = (0..4)
        .map(|k| {
            a.disparate_impact["region"]
                .iter()
                .map(|r| r.sanctioned_given_acts[k].persons)
                .sum()
        })
        .collect();
    assert_eq!(by_class, classes);
}
