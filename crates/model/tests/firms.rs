//! `[firms]` validation: each broken firm scenario gives its specific error, at the
//! field's path and line; a scenario without `[firms]` resolves to the same text and
//! hash as before the section existed.

use credsim_model::{Overrides, load};

const BASE: &str = r#"domains = ["court", "tax", "customs", "transport"]

[scenario]
name = "firms-case"
description = "validation"

[simulation]
years = 2
seed = 1

[population]
persons = 1000

[[population.attributes]]
id = "age"
categories = { child = 0.2, adult = 0.8 }

[[behaviours]]
id = "default"
domain = "court"
rate_per_year = 0.01

[[services]]
id = "flights"
domain = "transport"
attempts_per_year = 1.0

[firms]
per_person = 0.1
holders = { age = ["adult"] }
sizes = { micro = { share = 0.9, employees = 4 }, large = { share = 0.1, employees = 500 } }
flags = { trader = 0.1 }

[[firms.behaviours]]
id = "arrears"
domain = "tax"
rate_per_year = 0.2

[[firms.behaviours]]
id = "smuggling"
domain = "customs"
rate_per_year = 0.01
only = "trader"

[[firms.sources]]
id = "bureau"
observes = { arrears = 0.5 }
delay_days = 30
false_records_per_year = { arrears = 0.001 }

[[firms.ratings]]
id = "tax"
domain = "tax"
base = { mean = 80.0, sd = 6.0 }
classes = [ { id = "A", min = 90.0 }, { id = "B", min = 70.0 }, { id = "D" } ]
every_days = 365
points = { arrears = 10.0 }
direct = [ { behaviour = "smuggling", class = "D", days = 730 } ]
inspections = { occasions_per_year = 1.0, share = { A = 0.01, B = 0.03, D = 0.2 }, detection = 0.5, lookback_days = 1095, reference = "B" }

[[firms.lists]]
id = "black"
trigger = { rating = "tax", classes = ["D"] }
publicity_days = 365
restoration = { after_days = 90, probability = 0.3 }

[[firms.sanctions]]
id = "ban"
domain = "court"
trigger = { list = "black" }
scope = "all"

[firms.roles]
mode = "restrict"
roles = ["representative"]
lists = ["black"]
services = ["flights"]
"#;

fn check(text: &str) -> Result<credsim_model::Loaded, credsim_model::ScenarioError> {
    load(text, "case.toml", &Overrides::default())
}

/// (what, from, to, field path, message fragment): `from` in BASE becomes `to`.
const CASES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "both counts",
        "per_person = 0.1",
        "per_person = 0.1\ncount = 10",
        "firms",
        "exactly one of `per_person`",
    ),
    (
        "no firms",
        "per_person = 0.1",
        "per_person = 0.0",
        "firms.per_person",
        "0 firms",
    ),
    (
        "size share",
        "share = 0.9,",
        "share = 0.8,",
        "firms.sizes",
        "must sum to 1",
    ),
    (
        "employees",
        "employees = 4",
        "employees = 0",
        "firms.sizes.micro.employees",
        "> 0",
    ),
    (
        "holder category",
        "age = [\"adult\"]",
        "age = [\"grown\"]",
        "firms.holders.age[0]",
        "no category `grown`",
    ),
    (
        "behaviour domain",
        "domain = \"tax\"\nrate_per_year = 0.2",
        "domain = \"taxes\"\nrate_per_year = 0.2",
        "firms.behaviours[0].domain",
        "unknown domain `taxes`",
    ),
    (
        "unknown flag",
        "only = \"trader\"",
        "only = \"exporter\"",
        "firms.behaviours[1].only",
        "unknown flag `exporter`",
    ),
    (
        "capture",
        "observes = { arrears = 0.5 }",
        "observes = { arrears = 1.5 }",
        "firms.sources[0].observes.arrears",
        "outside the allowed range",
    ),
    (
        "observes unknown",
        "observes = { arrears = 0.5 }",
        "observes = { arear = 0.5 }",
        "firms.sources[0].observes.arear",
        "unknown firm behaviour `arear`",
    ),
    (
        "min order",
        "{ id = \"B\", min = 70.0 }",
        "{ id = \"B\", min = 95.0 }",
        "firms.ratings[0].classes[1].min",
        "below the previous class",
    ),
    (
        "last min",
        "{ id = \"D\" }",
        "{ id = \"D\", min = 10.0 }",
        "firms.ratings[0].classes[2].min",
        "give it no `min`",
    ),
    (
        "direct class",
        "class = \"D\", days = 730",
        "class = \"E\", days = 730",
        "firms.ratings[0].direct[0].class",
        "unknown class `E`",
    ),
    (
        "share missing",
        "A = 0.01, B = 0.03, D = 0.2",
        "A = 0.01, B = 0.03",
        "firms.ratings[0].inspections.share",
        "missing: `D`",
    ),
    (
        "reference",
        "reference = \"B\"",
        "reference = \"Z\"",
        "firms.ratings[0].inspections.reference",
        "unknown class `Z`",
    ),
    (
        "assessments",
        "every_days = 365",
        "every_days = 0",
        "firms.ratings[0].every_days",
        "at least 1 day",
    ),
    (
        "trigger classes",
        "classes = [\"D\"] }",
        "classes = [\"F\"] }",
        "firms.lists[0].trigger.classes[0]",
        "unknown class `F`",
    ),
    (
        "trigger kinds",
        "trigger = { rating = \"tax\", classes = [\"D\"] }",
        "trigger = { list = \"black\" }",
        "firms.lists[0].trigger.list",
        "a list's trigger is",
    ),
    (
        "restoration",
        "probability = 0.3",
        "probability = 3.0",
        "firms.lists[0].restoration.probability",
        "outside the allowed range",
    ),
    (
        "sanction trigger",
        "trigger = { list = \"black\" }",
        "trigger = { list = \"white\" }",
        "firms.sanctions[0].trigger.list",
        "unknown firm list `white`",
    ),
    (
        "role",
        "roles = [\"representative\"]",
        "roles = [\"director\"]",
        "firms.roles.roles[0]",
        "unknown role `director`",
    ),
    (
        "manager without managers",
        "roles = [\"representative\"]",
        "roles = [\"manager\"]",
        "firms.roles.roles",
        "set `firms.managers`",
    ),
    (
        "role service",
        "services = [\"flights\"]",
        "services = [\"trains\"]",
        "firms.roles.services[0]",
        "unknown service `trains`",
    ),
    (
        "mode",
        "mode = \"restrict\"",
        "mode = \"forbid\"",
        "firms.roles.mode",
        "TOML",
    ),
    (
        "budget",
        "rate_per_year = 0.2",
        "rate_per_year = 1e9",
        "firms",
        "events over the horizon",
    ),
];

#[test]
fn the_base_firm_scenario_loads() {
    let m = check(BASE).unwrap_or_else(|e| panic!("{e}")).model;
    let f = m.firms.expect("firms");
    assert_eq!(f.count, 100);
    assert_eq!(f.ratings[0].class_of(90.0), 0);
    assert_eq!(f.ratings[0].class_of(89.9), 1);
    assert_eq!(f.ratings[0].class_of(-1e9), 2);
}

#[test]
fn each_broken_firm_scenario_gives_its_specific_error() {
    for &(what, from, to, path, fragment) in CASES {
        assert!(BASE.contains(from), "case `{what}`: base lacks `{from}`");
        let text = BASE.replacen(from, to, 1);
        let err = match check(&text) {
            Ok(_) => panic!("case `{what}`: accepted"),
            Err(e) => e,
        };
        let shown = err.to_string();
        let p = err
            .problems()
            .iter()
            .find(|p| p.message.contains(fragment) || (fragment == "TOML" && !p.message.is_empty()))
            .unwrap_or_else(|| panic!("case `{what}`: no problem mentions `{fragment}`:\n{shown}"));
        assert_eq!(p.path.to_string(), path, "case `{what}`:\n{shown}");
        assert!(p.position.is_some(), "case `{what}`: located\n{shown}");
        assert!(
            shown.contains("case.toml:"),
            "case `{what}`: the file is named\n{shown}"
        );
    }
}

#[test]
fn a_scenario_without_firms_has_the_same_text_as_before() {
    let text = BASE.split("[firms]").next().unwrap();
    let loaded = check(text).unwrap_or_else(|e| panic!("{e}"));
    assert!(!credsim_model::to_toml(&loaded.scenario).contains("[firms"));
    assert!(loaded.model.firms.is_none());
}
