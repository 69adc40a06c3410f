//! `--set PATH=VALUE`: fields set by key path, typed and validated like the file, with
//! errors that name the `--set`.

use credsim_model::{Overrides, Set, presets};

fn sets(args: &[&str]) -> Overrides {
    Overrides {
        sets: args
            .iter()
            .map(|a| Set::parse(a).expect("PATH=VALUE"))
            .collect(),
        ..Overrides::default()
    }
}

fn error(name: &str, args: &[&str]) -> String {
    match presets::load(name, &sets(args)) {
        Ok(_) => panic!("{args:?} should not load"),
        Err(e) => e.to_string(),
    }
}

/// Setting a field to the value it has changes nothing: the scenario round-trips
/// exactly (same resolved scenario, same hash), key order included, for every preset.
#[test]
fn a_set_to_the_same_value_changes_nothing() {
    for p in presets::ALL {
        let plain = presets::load(p.name, &Overrides::default()).expect("preset");
        let seed = plain.scenario.simulation.seed;
        let same = presets::load(p.name, &sets(&[&format!("simulation.seed={seed}")]))
            .unwrap_or_else(|e| panic!("{}: {e}", p.name));
        assert_eq!(same.model.hash, plain.model.hash, "{}", p.name);
        assert_eq!(
            credsim_model::to_toml(&same.scenario),
            credsim_model::to_toml(&plain.scenario),
            "{}",
            p.name
        );
    }
}

/// Elements of arrays of tables by id or position; nested tables by key; inline
/// tables as values; later sets see earlier ones; --persons still applies after.
#[test]
fn sets_reach_fields_by_id_position_and_key() {
    let o = Overrides {
        persons: Some(1234),
        ..sets(&[
            "behaviours.traffic_violation.rate_per_year=0.2",
            "sources.traffic_police.capture.traffic_violation=0.6",
            "behaviours.0.rate_per_year=0.125",
            "scenario.name=renamed",
            "population.persons=99",
        ])
    };
    let l = presets::load("suining-2010", &o).expect("loads");
    let b = |id: &str| {
        l.scenario
            .behaviours
            .iter()
            .find(|b| b.id == id)
            .expect("behaviour")
            .rate_per_year
    };
    assert_eq!(b("traffic_violation"), 0.2);
    assert_eq!(l.scenario.behaviours[0].rate_per_year, 0.125);
    assert_eq!(l.model.name, "renamed");
    assert_eq!(l.model.persons, 1234, "--persons applies after --set");
    let plain = presets::load("suining-2010", &Overrides::default()).expect("preset");
    assert_ne!(l.model.hash, plain.model.hash);
    let src = l
        .model
        .sources
        .iter()
        .position(|s| s.id == "traffic_police")
        .expect("source");
    let beh = l
        .model
        .behaviours
        .iter()
        .position(|b| b.id == "traffic_violation")
        .expect("behaviour");
    let obs = l.model.behaviours[beh]
        .observers
        .iter()
        .find(|o| o.source == src)
        .expect("observed");
    assert_eq!(obs.capture, 0.6);
}

#[test]
fn bad_sets_name_the_set_and_what_is_allowed() {
    let e = error("suining-2010", &["behaviours.nope.rate_per_year=1"]);
    assert!(e.contains("--set behaviours.nope.rate_per_year=1"), "{e}");
    assert!(
        e.contains("no element with id `nope`") && e.contains("traffic_violation"),
        "{e}"
    );

    let e = error(
        "suining-2010",
        &["behaviours.traffic_violation.rate_per_year=abc"],
    );
    assert!(
        e.contains("invalid type: string \"abc\", expected f64"),
        "{e}"
    );

    let e = error("suining-2010", &["population.persns=5"]);
    assert!(
        e.contains("unknown field `persns`") && e.contains("`persons`"),
        "{e}"
    );

    let e = error("suining-2010", &["simulation.nothing.deeper=5"]);
    assert!(e.contains("`simulation` has no field `nothing`"), "{e}");

    // Validated like the file: the problem names the field and the --set, not the
    // file's line (which still holds the old value).
    let e = error(
        "suining-2010",
        &["behaviours.traffic_violation.rate_per_year=-1"],
    );
    assert!(
        e.contains("rate_per_year") && e.contains("must be a finite number ≥ 0"),
        "{e}"
    );
    assert!(
        e.contains("(value given by --set behaviours.traffic_violation.rate_per_year=-1)"),
        "{e}"
    );
    assert!(!e.contains(" | "), "no excerpt of the file's line: {e}");

    assert!(Set::parse("simulation.seed").is_err());
    assert!(Set::parse("a..b=1").is_err());
    assert!(Set::parse("=1").is_err());
}

/// A dated rule is set like any field: `--set treatments.ID.from=DATE` takes a TOML date
/// (sweeps and calibration move a rule's date this way); a date that breaks a rule is
/// refused with the usual message, naming the `--set`.
#[test]
fn a_rule_date_is_set_by_path() {
    let loaded = presets::load(
        "debtor-blacklist",
        &sets(&["treatments.no_flights.from=2014-07-01"]),
    )
    .expect("loads");
    let t = loaded
        .model
        .treatments
        .iter()
        .find(|t| t.id == "no_flights")
        .expect("no_flights");
    assert_eq!(t.in_force.from, 273); // 1 Oct 2013 + 273 days
    let e = error(
        "debtor-blacklist",
        &["treatments.no_loans.until=2015-01-01"],
    );
    assert!(e.contains("`until` must be after `from`"), "{e}");
    assert!(e.contains("--set"), "{e}");
}
