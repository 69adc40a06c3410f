//! `[identity]`, `[[stores]]` and `[[leaks]]`: a valid scenario compiles as written;
//! each broken one gives its own located message (file, line, field, what is allowed),
//! never a panic; a scenario without them is unchanged.

const BASE: &str = r#"domains = ["court"]

[scenario]
name = "leaks"

[simulation]
years = 2
seed = 1
start = 2020-01-01

[population]
persons = 1000

[[population.attributes]]
id = "age"
categories = { "0-14" = 0.2, "15-59" = 0.6, "60+" = 0.2 }

[[behaviours]]
id = "default"
domain = "court"
rate_per_year = 0.1

[[sources]]
id = "court"
capture = { default = 1.0 }

[[lists]]
id = "black"
kind = "black"
duration_days = 730
triggers = [{ record = "default" }]

[identity]
county_persons = 500
scale = 1000

[[stores]]
name = "police"
coverage = 0.7
tables.persons = { id_number = "direct", birth_date = "quasi", sex = "quasi", county = "quasi", age = "quasi" }
tables.incidents = { lists = "sensitive", medical = "sensitive" }

[[stores]]
name = "courts"
coverage = { list = "black" }
tables.cases = { id_number = "direct", records = "sensitive" }

[[leaks]]
name = "dashboard"
date = 2021-04-01
window_days = 420
discovery_lag_days = 270
stores = ["police"]
topology = "centralised"
quasi_identifier_sets = [["county", "birth_date", "sex"], ["age", "sex"]]

[[leaks]]
name = "joined"
date = 100
scope = { sample = 0.5 }
stores = ["police", "courts"]
topology = "federated"
join_on = ["id_number"]
"#;

fn check(text: &str) -> Result<credsim_model::Loaded, credsim_model::ScenarioError> {
    credsim_model::load(text, "case.toml", &credsim_model::Overrides::default())
}

#[test]
fn the_base_leak_scenario_compiles() {
    let m = check(BASE).unwrap_or_else(|e| panic!("{e}")).model;
    let r = m.leaks.expect("leaks");
    assert_eq!(r.stores.len(), 2);
    assert_eq!(r.identity.county_persons, 500);
    assert_eq!(r.identity.scale, 1000.0);
    // 2021-04-01 is day 456 after 2020-01-01 (2020 is a leap year: 366 + 90).
    assert_eq!(r.leaks[0].day, 456);
    assert_eq!(
        r.leaks[0].window_end(730),
        730,
        "420 days would pass the horizon"
    );
    assert_eq!(r.leaks[1].window_end(730), 730);
    assert_eq!(
        r.identity.age_bands.as_ref().map(|(_, b)| b.clone()),
        Some(vec![(0, 14), (15, 59), (60, 100)])
    );
    assert_eq!(r.stores[1].coverage, credsim_model::Coverage::List(0));
    assert_eq!(
        r.leaks[0].quasi_identifier_sets[1][0].1,
        credsim_model::Field::Attribute(0)
    );
}

#[test]
fn a_scenario_without_leaks_has_the_same_text_as_before() {
    let text = BASE.split("[identity]").next().unwrap();
    let loaded = check(text).unwrap_or_else(|e| panic!("{e}"));
    let shown = credsim_model::to_toml(&loaded.scenario);
    assert!(
        !shown.contains("[identity") && !shown.contains("[[stores") && !shown.contains("[[leaks")
    );
    assert!(loaded.model.leaks.is_none());
}

/// (what is broken, text replaced, replacement, field path, message fragment)
const CASES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "unknown store",
        "stores = [\"police\"]",
        "stores = [\"polise\"]",
        "leaks[0].stores[0]",
        "unknown store `polise` (defined: courts, police)",
    ),
    (
        "coverage above 1",
        "coverage = 0.7",
        "coverage = 1.7",
        "stores[0].coverage",
        "coverage 1.7 is outside the allowed range [0, 1]",
    ),
    (
        "coverage of another kind",
        "coverage = 0.7",
        "coverage = \"everyone\"",
        "stores[0].coverage",
        "give a share of the population (0.7), { list = \"LIST\" }",
    ),
    (
        "coverage by an unknown list",
        "coverage = { list = \"black\" }",
        "coverage = { list = \"red\" }",
        "stores[1].coverage.list",
        "unknown list `red`",
    ),
    (
        "role not allowed",
        "lists = \"sensitive\"",
        "lists = \"secret\"",
        "stores[0].tables.incidents.lists",
        "mark an attribute \"direct\", \"quasi\" or \"sensitive\"",
    ),
    (
        "date without a calendar",
        "start = 2020-01-01\n",
        "",
        "leaks[0].date",
        "needs a calendar: set `simulation.start`",
    ),
    (
        "date before the start",
        "date = 2021-04-01",
        "date = 2019-04-01",
        "leaks[0].date",
        "is before the start of the run",
    ),
    (
        "date of another type",
        "date = 100",
        "date = \"soon\"",
        "leaks[1].date",
        "a day number of the run",
    ),
    (
        "centralised leak of two stores",
        "stores = [\"police\"]\ntopology = \"centralised\"",
        "stores = [\"police\", \"courts\"]\ntopology = \"centralised\"",
        "leaks[0].stores",
        "a centralised leak reads one store",
    ),
    (
        "federated without join keys",
        "join_on = [\"id_number\"]\n",
        "",
        "leaks[1].join_on",
        "a federated leak needs join_on",
    ),
    (
        "join key missing from a store",
        "join_on = [\"id_number\"]",
        "join_on = [\"birth_date\"]",
        "leaks[1].join_on[0]",
        "join key `birth_date` is not held by store `courts`",
    ),
    (
        "unknown topology",
        "topology = \"federated\"",
        "topology = \"distributed\"",
        "leaks[1].topology",
        "\"centralised\" or \"federated\"",
    ),
    (
        "unmodelled attribute in a set",
        "[\"age\", \"sex\"]",
        "[\"medical\", \"sex\"]",
        "leaks[0].quasi_identifier_sets[1][0]",
        "`medical` has no synthetic values",
    ),
    (
        "set attribute not in the leaked store",
        "[\"age\", \"sex\"]",
        "[\"postcode\", \"sex\"]",
        "leaks[0].quasi_identifier_sets[1][0]",
        "`postcode` is not an attribute of what this leak takes",
    ),
    (
        "attribute named twice in a set",
        "[\"age\", \"sex\"]",
        "[\"sex\", \"sex\"]",
        "leaks[0].quasi_identifier_sets[1][1]",
        "`sex` is named twice",
    ),
    (
        "sample out of range",
        "scope = { sample = 0.5 }",
        "scope = { sample = 1.5 }",
        "leaks[1].scope.sample",
        "a fraction in (0, 1]",
    ),
    (
        "scope of another kind",
        "scope = { sample = 0.5 }",
        "scope = \"half\"",
        "leaks[1].scope",
        "give \"whole\", { sample = FRACTION } or { table = \"NAME\" }",
    ),
    (
        "table scope of a missing table",
        "scope = { sample = 0.5 }",
        "scope = { table = \"vehicles\" }",
        "leaks[1].scope.table",
        "no store of this leak has a table `vehicles`",
    ),
    (
        "zero window",
        "window_days = 420",
        "window_days = 0",
        "leaks[0].window_days",
        "window_days must be at least 1",
    ),
    (
        "scale below 1",
        "scale = 1000",
        "scale = 0.5",
        "identity.scale",
        "a number ≥ 1",
    ),
    (
        "age bands that place no birth date",
        "\"60+\" = 0.2",
        "old = 0.2",
        "population.attributes[0].categories",
        "age category `old` cannot place a birth date",
    ),
    (
        "duplicate store",
        "name = \"courts\"",
        "name = \"police\"",
        "stores[1].name",
        "duplicate store name `police`",
    ),
    (
        "typo in a leak field",
        "window_days = 420",
        "window = 420",
        "leaks[0].window",
        "unknown field `window`",
    ),
];

#[test]
fn each_broken_leak_scenario_gives_its_specific_error() {
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
            .find(|p| p.message.contains(fragment))
            .unwrap_or_else(|| panic!("case `{what}`: no problem mentions `{fragment}`:\n{shown}"));
        assert_eq!(p.path.to_string(), path, "case `{what}`:\n{shown}");
        assert!(p.position.is_some(), "case `{what}`: located\n{shown}");
        assert!(
            shown.contains("case.toml:"),
            "case `{what}`: the file is named\n{shown}"
        );
    }
}

/// A leak can evaluate at most 64 distinct attributes (one bit each): more is a located
/// error at the leak's `stores`, not a silent loss of the later ones.
#[test]
fn a_leak_of_more_than_64_attributes_is_refused() {
    let many: Vec<String> = (0..65)
        .map(|k| format!("extra{k} = \"sensitive\""))
        .collect();
    let from = "tables.incidents = { lists = \"sensitive\", medical = \"sensitive\" }";
    assert!(BASE.contains(from));
    let text = BASE.replacen(
        from,
        &format!("tables.incidents = {{ {} }}", many.join(", ")),
        1,
    );
    let err = check(&text).expect_err("refused");
    let p = err
        .problems()
        .iter()
        .find(|p| p.message.contains("at most 64 can be evaluated"))
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!(p.path.to_string(), "leaks[0].stores");
}
