//! Every embedded preset parses, validates and has the shape its description promises.

use credsim_model::{Overrides, presets};

#[test]
fn every_preset_loads() {
    for p in presets::ALL {
        let loaded = presets::load(p.name, &Overrides::default())
            .unwrap_or_else(|e| panic!("preset {} does not load:\n{e}", p.name));
        assert_eq!(
            loaded.model.name, p.name,
            "the preset's [scenario] name must match"
        );
    }
}

/// `period_of` (arithmetic) agrees with a search of the period ends on every day, for
/// every reporting period and horizons that do and do not end on a period boundary.
#[test]
fn period_of_matches_the_period_ends() {
    let p = &presets::ALL[0];
    for (period, years) in [("month", 10), ("quarter", 3), ("year", 7)] {
        let base = presets::load(p.name, &Overrides::default())
            .expect("preset")
            .scenario;
        for days in [years * 365, years * 365 - 17, 40] {
            let mut s = base.clone();
            s.simulation.years = None;
            s.simulation.days = Some(days);
            s.simulation.reporting_period = match period {
                "month" => credsim_model::raw::Period::Month,
                "quarter" => credsim_model::raw::Period::Quarter,
                _ => credsim_model::raw::Period::Year,
            };
            let text = toml::to_string(&s).expect("toml");
            let m = credsim_model::load(&text, "t", &Overrides::default())
                .expect("loads")
                .model;
            for day in 0..days {
                let searched = m.period_ends.partition_point(|&end| end <= day);
                assert_eq!(
                    m.period_of(day),
                    searched,
                    "{period}, {days} days, day {day}"
                );
            }
        }
    }
}

/// `suining-responses` is `suining-2010` plus the response tables: removing them (and
/// the name) gives back suining-2010's scenario exactly, so the two files cannot drift.
#[test]
fn responses_preset_extends_suining() {
    let load = |name| {
        presets::load(name, &Overrides::default())
            .expect("preset")
            .scenario
    };
    let base = load("suining-2010");
    let mut s = load("suining-responses");
    assert!(s.appeals.is_some() && s.repair.is_some() && s.chilling.is_some());
    s.scenario = base.scenario.clone();
    s.appeals = None;
    s.repair = None;
    s.chilling = None;
    s.network = None;
    for b in &mut s.behaviours {
        b.deterrence = None;
    }
    s.lists.retain(|l| l.id != "vetting_associates");
    s.treatments.retain(|t| !t.id.starts_with("associate_"));
    assert_eq!(s, base);
}

/// The tampering presets are `debtor-blacklist` plus `[[attacks]]` and `[defences]`:
/// removing them (and the name and description) gives back its scenario exactly.
#[test]
fn tampering_presets_extend_debtor_blacklist() {
    let load = |name| {
        presets::load(name, &Overrides::default())
            .expect("preset")
            .scenario
    };
    let base = load("debtor-blacklist");
    for name in ["debtor-insider", "debtor-wipe", "debtor-weeding"] {
        let mut s = load(name);
        assert!(!s.attacks.is_empty() && s.defences.is_some(), "{name}");
        s.scenario = base.scenario.clone();
        s.attacks.clear();
        s.defences = None;
        assert_eq!(s, base, "{name}");
    }
}
