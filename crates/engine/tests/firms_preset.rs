//! The firms-2019 preset against the published figures it cites: the tax and customs
//! class shares at the evaluation of 2019 (the assessment on day 1,095, results of
//! 2020) and the customs inspection rates of 2019. The shares come out of base scores
//! and violation rates calibrated to them (assumptions, scenarios/firms-2019.toml);
//! the test states how close: total-variation distance below 1 percentage point, each
//! class within 0.6 pp. Inspection shares: binomial, 4 standard errors.

use credsim_engine::summary::Summary;
use credsim_model::{Overrides, presets, set::Set};
use std::sync::atomic::AtomicBool;

fn shares(row: &indexmap::IndexMap<String, u64>) -> Vec<f64> {
    let total: u64 = row.values().sum();
    row.values().map(|&n| n as f64 / total as f64).collect()
}

#[test]
fn firm_preset_matches_the_published_class_shares_and_inspection_rates() {
    // 20,000 persons holding the roles of 400,000 firms (19,880 traders): enough firms
    // for the customs classes of 0.2%.
    let overrides = Overrides {
        persons: Some(20_000),
        sets: vec![Set::parse("firms.per_person=20").unwrap()],
        ..Overrides::default()
    };
    let m = presets::load("firms-2019", &overrides)
        .expect("preset")
        .model;
    let cancel = AtomicBool::new(false);
    let ctl = credsim_engine::Control {
        progress: &|_, _| {},
        cancel: &cancel,
        persons: None,
        records: None,
    };
    let options = credsim_engine::Options {
        audit: false,
        ..Default::default()
    };
    let o = credsim_engine::run_with(&m, &ctl, options).expect("runs");
    let s = Summary::new(&m, &o).firms.expect("firms");
    let at = |rating: &str| {
        let r = &s.ratings[rating];
        let a = r
            .assessments
            .iter()
            .find(|a| a.day == 1095)
            .expect("2019 evaluation");
        shares(&a.firms)
    };
    // Tax: A 5.85%, B+M 84.67%, C+D 9.49% (2019 evaluation [S]); C and D split with the
    // 2018 D share 7.01% [S] (assumption: D as in 2018).
    let tax = at("tax");
    let published = [0.0585, 0.8467, 0.0949 - 0.0701, 0.0701];
    eprintln!("tax {tax:?} vs {published:?}");
    // Customs, end-May 2020 (derived shares of 1,460,048 [V]/[S]).
    let customs = at("customs");
    let published_customs = [0.0022, 0.0176, 0.9756, 0.0046];
    eprintln!("customs {customs:?} vs {published_customs:?}");
    for (name, got, want) in [
        ("tax", &tax, &published),
        ("customs", &customs, &published_customs),
    ] {
        let tv: f64 = got
            .iter()
            .zip(want.iter())
            .map(|(a, b)| (a - b).abs())
            .sum::<f64>()
            / 2.0;
        assert!(
            tv < 0.01,
            "{name}: total-variation distance {tv}: {got:?} vs {want:?}"
        );
        for (g, w) in got.iter().zip(want.iter()) {
            assert!((g - w).abs() < 0.006, "{name}: {got:?} vs {want:?}");
        }
    }
    // C + D together is what 2019 published.
    assert!(
        (tax[2] + tax[3] - 0.0949).abs() < 0.006,
        "C+D {}",
        tax[2] + tax[3]
    );
    // Customs mean inspection rates 2019 [V]: inspected share of declarations by class.
    let ins = s.ratings["customs"]
        .inspections
        .as_ref()
        .expect("inspections");
    for (class, rate) in [
        ("advanced_certified", 0.0057),
        ("general_certified", 0.0169),
        ("general_credit", 0.0244),
        ("dishonest", 0.8476),
    ] {
        let c = &ins[class];
        let p = c.inspected as f64 / c.occasions as f64;
        let se = (rate * (1.0 - rate) / c.occasions as f64).sqrt();
        eprintln!("{class}: {p} vs {rate} ({} occasions)", c.occasions);
        assert!((p - rate).abs() < 4.0 * se, "{class}: {p} vs {rate}");
    }
}
