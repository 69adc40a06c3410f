//! Broken scenarios: each gives its own specific message, at the right line and
//! field. Never a panic.

use credsim_model::{Overrides, ScenarioError};

#[path = "errors/attacks.rs"]
mod attacks;

const BASE: &str = r#"domains = ["traffic", "court", "transport"]

[scenario]
name = "base"

[simulation]
years = 2
seed = 1

[population]
persons = 1000
heterogeneity_shape = 1.0

[population.households]
sizes = { "1" = 0.5, "2" = 0.5 }

[[population.attributes]]
id = "region"
categories = { urban = 0.6, rural = 0.4 }

[[behaviours]]
id = "speeding"
domain = "traffic"
rate_per_year = 0.5
rate_multipliers = { region = { urban = 1.2 } }

[[behaviours]]
id = "default"
domain = "court"
rate_per_year = 0.01

[[sources]]
id = "camera"
capture = { speeding = 0.3 }
false_records_per_year = 0.01
misattribution = 0.01

[[sources]]
id = "court"
capture = { default = 0.9 }

[score]
base = 1000

[[score.grades]]
name = "A"
min = 900

[[score.grades]]
name = "D"
max = 899

[records.speeding]
points = -50
expiry_days = 365

[[lists]]
id = "black"
kind = "black"
duration_days = 730
triggers = [{ record = "default" }, { grade = "D" }]

[[services]]
id = "flights"
domain = "transport"
attempts_per_year = 1.0

[[treatments]]
id = "no_flights"
kind = "sanction"
service = "flights"
trigger = { list = "black" }
scope = "all"

[scrutiny]
trigger = { grade = "D" }
capture_multiplier = 2.0
duration_days = 365
"#;

fn load(text: &str) -> Result<credsim_model::Loaded, ScenarioError> {
    credsim_model::load(text, "case.toml", &Overrides::default())
}

#[test]
fn the_base_scenario_is_valid() {
    if let Err(e) = load(BASE) {
        panic!("{e}");
    }
}

/// (what is broken, text replaced, replacement, line (0: the line of the
/// replacement, where the user's mistake is), field path, message fragment)
const CASES: &[(&str, &str, &str, usize, &str, &str)] = &[
    (
        "disparate-impact reference not a category",
        "categories = { urban = 0.6, rural = 0.4 }",
        "categories = { urban = 0.6, rural = 0.4 }\nreference = \"suburban\"",
        20,
        "population.attributes[0].reference",
        "reference category `suburban` is not a category of attribute `region` (its categories: rural, urban)",
    ),
    (
        "typo in a field name",
        "misattribution = 0.01",
        "misatribution = 0.01",
        0,
        "sources[0].misatribution",
        "unknown field `misatribution`",
    ),
    (
        "wrong type",
        "persons = 1000",
        "persons = \"many\"",
        0,
        "population.persons",
        "invalid type: string \"many\"",
    ),
    (
        "probability above 1",
        "capture = { speeding = 0.3 }",
        "capture = { speeding = 1.5 }",
        0,
        "sources[0].capture.speeding",
        "capture probability 1.5 is outside the allowed range [0, 1]",
    ),
    (
        "negative probability",
        "misattribution = 0.01",
        "misattribution = -0.1",
        0,
        "sources[0].misattribution",
        "misattribution probability -0.1 is outside",
    ),
    (
        "negative rate",
        "rate_per_year = 0.01",
        "rate_per_year = -3.0",
        0,
        "behaviours[1].rate_per_year",
        "rate -3 is not allowed: it must be a finite number ≥ 0",
    ),
    (
        "not-a-number rate",
        "rate_per_year = 0.01",
        "rate_per_year = nan",
        0,
        "behaviours[1].rate_per_year",
        "must be a finite number",
    ),
    (
        "shares not summing to 1",
        "urban = 0.6, rural = 0.4",
        "urban = 0.6, rural = 0.6",
        0,
        "population.attributes[0].categories",
        "category shares sum to 1.2",
    ),
    (
        "overlapping grades",
        "min = 900",
        "min = 850",
        0,
        "score.grades[0].min",
        "grades `D` and `A` overlap",
    ),
    (
        "gap between grades",
        "max = 899",
        "max = 800",
        47,
        "score.grades[0].min",
        "gap between grades `D` and `A`: scores 801 to 899 fall in no grade",
    ),
    (
        "undefined behaviour in a source",
        "capture = { default = 0.9 }",
        "capture = { defualt = 0.9 }",
        0,
        "sources[1].capture.defualt",
        "unknown behaviour `defualt` (defined: default, speeding)",
    ),
    (
        "undefined domain",
        "domain = \"traffic\"",
        "domain = \"trafic\"",
        0,
        "behaviours[0].domain",
        "unknown domain `trafic`",
    ),
    (
        "undefined grade in a trigger",
        "trigger = { grade = \"D\" }",
        "trigger = { grade = \"E\" }",
        0,
        "scrutiny.trigger.grade",
        "unknown grade `E` (defined: A, D)",
    ),
    (
        "undefined list",
        "trigger = { list = \"black\" }",
        "trigger = { list = \"blak\" }",
        0,
        "treatments[0].trigger.list",
        "unknown list `blak` (defined: black)",
    ),
    (
        "undefined service",
        "service = \"flights\"",
        "service = \"flight\"",
        0,
        "treatments[0].service",
        "unknown service `flight`",
    ),
    (
        "unknown scope",
        "scope = \"all\"",
        "scope = \"everywhere\"",
        0,
        "treatments[0].scope",
        "unknown variant `everywhere`, expected `own` or `all`",
    ),
    (
        "unknown attribute category",
        "urban = 1.2",
        "city = 1.2",
        0,
        "behaviours[0].rate_multipliers.region.city",
        "attribute `region` has no category `city`",
    ),
    (
        "duplicate id",
        "id = \"court\"",
        "id = \"camera\"",
        39,
        "sources[1].id",
        "duplicate source id `camera`",
    ),
    (
        "record list without duration",
        "duration_days = 730",
        "",
        57,
        "lists[0].duration_days",
        "needs `duration_days`",
    ),
    (
        "both years and days",
        "years = 2",
        "years = 2\ndays = 10",
        8,
        "simulation.days",
        "give either `years` or `days`, not both",
    ),
    (
        "zero persons",
        "persons = 1000",
        "persons = 0",
        0,
        "population.persons",
        "0 persons is not allowed",
    ),
    (
        "bad household size",
        "\"1\" = 0.5",
        "\"one\" = 0.5",
        0,
        "population.households.sizes.one",
        "household size `one` is not allowed",
    ),
    (
        "base outside bounds",
        "base = 1000",
        "base = 1000\nmax = 990",
        0,
        "score.base",
        "base 1000 is outside [min, max]",
    ),
    (
        "zero expiry",
        "expiry_days = 365",
        "expiry_days = 0",
        0,
        "records.speeding.expiry_days",
        "expiry must be at least 1 day",
    ),
    (
        "bad name",
        "name = \"base\"",
        "name = \"my run/1\"",
        0,
        "scenario.name",
        "use letters, digits",
    ),
    ("syntax error", "seed = 1", "seed = = 1", 0, "", "TOML"),
    (
        "deterrence factor above 1",
        "rate_per_year = 0.01",
        "rate_per_year = 0.01\ndeterrence = { factor = 1.5, days = 30 }",
        31,
        "behaviours[1].deterrence.factor",
        "deterrence factor 1.5 is outside the allowed range [0, 1]",
    ),
    (
        "contacts trigger without a network",
        "triggers = [{ record = \"default\" }, { grade = \"D\" }]",
        "triggers = [{ contacts = { status = { grade = \"D\" }, at_least = 1 } }]",
        0,
        "lists[0].triggers[0].contacts",
        "contacts triggers need a [network] table",
    ),
    (
        "appeal probability above 1",
        "[scrutiny]",
        "[appeals]\nprobability = { genuine = 2.0, erroneous = 0.5 }\ncapacity_per_month_per_100k = 1.0\nprocessing_days = 30\nsuccess = { genuine = 0.1, erroneous = 0.5 }\n\n[scrutiny]",
        76,
        "appeals.probability.genuine",
        "probability 2 is outside the allowed range [0, 1]",
    ),
    (
        "chilling without protected conduct",
        "[scrutiny]",
        "[chilling]\nmax_reduction = 0.5\nmidpoint = 0.01\nsteepness = 100.0\n\n[scrutiny]",
        75,
        "chilling",
        "no behaviour has `protected = true`",
    ),
    (
        "a review longer than the longest horizon",
        "[scrutiny]",
        "[appeals]\nprobability = { genuine = 0.2, erroneous = 0.5 }\ncapacity_per_month_per_100k = 1.0\nprocessing_days = 99999\nsuccess = { genuine = 0.1, erroneous = 0.5 }\n\n[scrutiny]",
        78,
        "appeals.processing_days",
        "99999 days is not allowed: a review takes 1 to 36500 days",
    ),
    (
        "a contacts trigger watching its own list",
        "triggers = [{ record = \"default\" }, { grade = \"D\" }]",
        "triggers = [{ contacts = { status = { list = \"black\" }, at_least = 1 } }]",
        0,
        "lists[0].triggers[0].contacts.status",
        "cannot be triggered by contacts on itself",
    ),
    (
        "deterrence on a behaviour whose records are never adverse",
        "[[sources]]\nid = \"camera\"",
        "[[behaviours]]\nid = \"jaywalking\"\ndomain = \"traffic\"\nrate_per_year = 0.1\ndeterrence = { factor = 0.5, days = 30 }\n\n[[sources]]\nid = \"camera\"",
        36,
        "behaviours[2].deterrence",
        "neither deduct points nor trigger a list",
    ),
    (
        "acts beyond the engine's event numbering",
        "rate_per_year = 0.5",
        "rate_per_year = 9999999",
        0,
        "behaviours[0].rate_per_year",
        "may be at most 166000 per year",
    ),
    (
        "false records beyond the engine's event numbering",
        "false_records_per_year = 0.01",
        "false_records_per_year = 1e12",
        0,
        "sources[0].false_records_per_year",
        "numbers a chunk's events in 32 bits",
    ),
    (
        "attempts beyond the Poisson sampler",
        "attempts_per_year = 1.0",
        "attempts_per_year = 1e308",
        0,
        "services[0].attempts_per_year",
        "may be at most 7770000 per year",
    ),
    (
        "eligibility rule naming an unknown attribute",
        "persons = 1000",
        "scored = { regoin = [\"urban\"] }\npersons = 1000",
        0,
        "population.scored.regoin",
        "unknown attribute `regoin`",
    ),
    (
        "eligibility rule naming an unknown category",
        "persons = 1000",
        "scored = { region = [\"urban\", \"town\"] }\npersons = 1000",
        0,
        "population.scored.region[1]",
        "attribute `region` has no category `town` (its categories: rural, urban)",
    ),
    (
        "eligibility rule scoring nobody",
        "persons = 1000",
        "scored = { region = [] }\npersons = 1000",
        0,
        "population.scored.region",
        "list at least one category of `region`",
    ),
    (
        "household spill-over restricted without a spill-over",
        "scope = \"all\"",
        "scope = \"all\"\nhousehold_members = { region = [\"urban\"] }",
        74,
        "treatments[0].household_members",
        "but `household` is not true",
    ),
    (
        "household spill-over restricted to an unknown category",
        "scope = \"all\"",
        "scope = \"all\"\nhousehold = true\nhousehold_members = { region = [\"town\"] }",
        75,
        "treatments[0].household_members.region[0]",
        "attribute `region` has no category `town`",
    ),
    (
        "assessments 0 days apart",
        "[scrutiny]",
        "[grading]\nevery_days = 0\n\n[scrutiny]",
        76,
        "grading.every_days",
        "assessments must be at least 1 day apart",
    ),
    (
        "a first assessment on day 0",
        "[scrutiny]",
        "[grading]\nevery_days = 365\nfirst_day = 0\n\n[scrutiny]",
        77,
        "grading.first_day",
        "the first assessment after day 0 is on day 1 or later",
    ),
    (
        "a typo in the grading table",
        "[scrutiny]",
        "[grading]\nevery_day = 365\n\n[scrutiny]",
        76,
        "grading.every_day",
        "unknown field `every_day`",
    ),
    (
        "a propensity group that is not defined",
        "rate_per_year = 0.01",
        "rate_per_year = 0.01\npropensity = \"protest\"",
        31,
        "behaviours[1].propensity",
        "unknown propensity group `protest` (defined in population.propensity_groups: none)",
    ),
    (
        "a propensity group and an own shape",
        "rate_multipliers = { region = { urban = 1.2 } }",
        "heterogeneity_shape = 0.5\npropensity = \"protest\"\nrate_multipliers = { region = { urban = 1.2 } }",
        26,
        "behaviours[0].propensity",
        "either its own `heterogeneity_shape` or a `propensity` group, not both",
    ),
    (
        "a propensity group of shape 0",
        "persons = 1000",
        "propensity_groups = { protest = 0.0 }\npersons = 1000",
        0,
        "population.propensity_groups.protest",
        "Gamma shape 0",
    ),
    (
        "a negative gravity",
        "rate_per_year = 0.01",
        "rate_per_year = 0.01\ngravity = -1.0",
        31,
        "behaviours[1].gravity",
        "gravity -1 is not allowed",
    ),
    (
        "a negative threshold of minor conduct",
        "[scenario]",
        "minor_gravity = -5.0\n[scenario]",
        0,
        "minor_gravity",
        "gravity threshold -5 is not allowed",
    ),
    (
        "a false-record multiplier beyond the event numbering",
        "false_records_per_year = 0.01",
        "false_records_per_year = 0.01\nfalse_record_multipliers = { region = { urban = 1e12 } }",
        0,
        "sources[0].false_records_per_year",
        "at its largest false-record multiplier",
    ),
    (
        "a false-record multiplier of an unknown category",
        "false_records_per_year = 0.01",
        "false_records_per_year = 0.01\nfalse_record_multipliers = { region = { town = 2.0 } }",
        36,
        "sources[0].false_record_multipliers.region.town",
        "attribute `region` has no category `town`",
    ),
];

/// A stated reference category whose persons cannot act (rate multiplier 0 for every
/// adverse behaviour) is refused at the `reference` field, saying why.
#[test]
fn an_ineligible_reference_category_is_refused() {
    let text = BASE
        .replacen(
            "categories = { urban = 0.6, rural = 0.4 }",
            "categories = { urban = 0.6, rural = 0.4 }\nreference = \"rural\"",
            1,
        )
        .replacen(
            "rate_multipliers = { region = { urban = 1.2 } }",
            "rate_multipliers = { region = { rural = 0.0 } }",
            1,
        )
        .replacen(
            "rate_per_year = 0.01\n",
            "rate_per_year = 0.01\nrate_multipliers = { region = { rural = 0.0 } }\n",
            1,
        );
    let err = match load(&text) {
        Ok(_) => panic!("accepted"),
        Err(e) => e,
    };
    let p = &err.problems()[0];
    assert_eq!(p.path.to_string(), "population.attributes[0].reference");
    assert!(
        p.message
            .contains("reference category `rural` of attribute `region` is not eligible"),
        "{}",
        p.message
    );
    let line = text[..text.find("reference = ").unwrap_or(0)]
        .matches('\n')
        .count()
        + 1;
    assert_eq!(p.position.map(|x| x.0), Some(line));
    // Urban persons can still act: the same file with urban as reference loads.
    assert!(load(&text.replace("reference = \"rural\"", "reference = \"urban\"")).is_ok());
}

#[test]
fn each_broken_scenario_gives_its_specific_error() {
    for &(what, from, to, line, path, fragment) in CASES {
        assert!(BASE.contains(from), "case `{what}`: base lacks `{from}`");
        let text = BASE.replacen(from, to, 1);
        let err = match load(&text) {
            Ok(_) => panic!("case `{what}`: accepted"),
            Err(e) => e,
        };
        let shown = err.to_string();
        let p = err
            .problems()
            .iter()
            .find(|p| p.message.contains(fragment) || (fragment == "TOML" && !p.message.is_empty()))
            .unwrap_or_else(|| panic!("case `{what}`: no problem mentions `{fragment}`:\n{shown}"));
        assert_eq!(
            p.path.to_string(),
            path,
            "case `{what}`: field path\n{shown}"
        );
        let line = if line == 0 {
            let at = text.find(to).unwrap_or(0);
            text[..at].matches('\n').count() + 1
        } else {
            line
        };
        assert_eq!(
            p.position.map(|x| x.0),
            Some(line),
            "case `{what}`: line\n{shown}"
        );
        assert!(
            shown.contains("case.toml:"),
            "case `{what}`: the file is named\n{shown}"
        );
    }
}

#[test]
fn all_problems_are_reported_at_once() {
    let text = BASE
        .replacen(
            "capture = { speeding = 0.3 }",
            "capture = { speeding = 1.3 }",
            1,
        )
        .replacen("rate_per_year = 0.01", "rate_per_year = -1.0", 1)
        .replacen("service = \"flights\"", "service = \"trains\"", 1);
    let err = load(&text).expect_err("three problems");
    assert_eq!(err.problems().len(), 3, "{err}");
    assert!(
        err.to_string()
            .starts_with("scenario file `case.toml` has 3 problems")
    );
}

/// The bounds are the engine's, not round numbers: just below them the scenario is
/// valid, just above it is not (two years, one behaviour of multiplier 1.2 in urban
/// areas captured with probability 0.3; the other rates are small).
#[test]
fn the_rate_bounds_sit_where_the_engine_stops() {
    use credsim_model::validate::{MAX_ATTEMPTS_PER_PERSON, MAX_EVENTS_PER_PERSON};
    let others = 0.01 * 2.0 * 1.9 + 0.01 * 2.0; // default captured at 0.9; camera false records
    let acts = (MAX_EVENTS_PER_PERSON - others) / (2.0 * 1.2 * 1.3);
    for (rate, ok) in [(acts * 0.999, true), (acts * 1.001, false)] {
        let text = BASE.replacen("rate_per_year = 0.5", &format!("rate_per_year = {rate}"), 1);
        assert_eq!(load(&text).is_ok(), ok, "rate {rate}");
    }
    let attempts = MAX_ATTEMPTS_PER_PERSON / 2.0;
    for (rate, ok) in [(attempts * 0.999, true), (attempts * 1.001, false)] {
        let text = BASE.replacen(
            "attempts_per_year = 1.0",
            &format!("attempts_per_year = {rate}"),
            1,
        );
        assert_eq!(load(&text).is_ok(), ok, "attempts {rate}");
    }
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    for text in [
        "",
        "\u{0}",
        "[[",
        "domains = 3",
        "a = 1\na = 2",
        "[scenario]\nname = 5",
    ] {
        assert!(load(text).is_err(), "{text:?} was accepted");
    }
}

/// `simulation.start` must be a calendar date without a time.
#[test]
fn start_must_be_a_date() {
    let with = |start: &str| BASE.replace("seed = 1\n", &format!("seed = 1\nstart = {start}\n"));
    for start in [
        "2010-01-01T08:00:00",
        "2010-01-01T00:00:00Z",
        "\"2010-01-01\"",
    ] {
        let e = credsim_model::load(&with(start), "s.toml", &Overrides::default())
            .map(|_| ())
            .expect_err(start);
        assert!(e.to_string().contains("start"), "{start}: {e}");
    }
    let l =
        credsim_model::load(&with("2013-10-01"), "s.toml", &Overrides::default()).expect("a date");
    assert_eq!(
        l.model.start.map(|d| d.to_string()).as_deref(),
        Some("2013-10-01")
    );
}

/// `from` and `until` of a treatment or a list: a date needs `simulation.start`, must be
/// a calendar date, and `until` comes after `from`; each problem is located at its field.
/// A `from` before the start is day 0; dates compile to days since the start.
#[test]
fn dated_rules_need_a_calendar_and_an_order() {
    let started = BASE.replace("seed = 1\n", "seed = 1\nstart = 2014-01-01\n");
    let dated = |base: &str, fields: &str| {
        base.replace("scope = \"all\"", &format!("scope = \"all\"\n{fields}"))
    };
    for (text, path, message) in [
        (
            dated(BASE, "from = 2014-07-01"),
            "treatments[0].from",
            "`from = 2014-07-01` needs a calendar: set `simulation.start`",
        ),
        (
            dated(&started, "from = 2014-07-01\nuntil = 2014-07-01"),
            "treatments[0].until",
            "`until` must be after `from`",
        ),
        (
            dated(&started, "from = 2014-07-01T10:00:00"),
            "treatments[0].from",
            "from `2014-07-01T10:00:00` is not allowed: give a calendar date without a time",
        ),
        (
            started.replace(
                "duration_days = 730\n",
                "duration_days = 730\nuntil = 0999-01-01\n",
            ),
            "lists[0].until",
            "until `0999-01-01` is not allowed",
        ),
    ] {
        let Err(e) = load(&text) else {
            panic!("accepted: {path}");
        };
        let p = &e.problems()[0];
        assert_eq!(p.path.to_string(), path, "{e}");
        assert!(p.message.contains(message), "{e}");
        assert!(e.to_string().contains("case.toml:"), "located: {e}");
    }
    let l = load(&dated(&started, "from = 2013-01-01\nuntil = 2014-07-01")).expect("valid");
    assert_eq!(l.model.treatments[0].in_force.from, 0);
    assert_eq!(l.model.treatments[0].in_force.until, 181);
    assert_eq!(l.model.lists[0].in_force, credsim_model::InForce::ALWAYS);
}

#[test]
fn a_grading_cadence_needs_a_score() {
    let text = r#"domains = ["traffic"]
[scenario]
name = "no-score"
[simulation]
years = 1
seed = 1
[population]
persons = 10
[[behaviours]]
id = "speeding"
domain = "traffic"
rate_per_year = 0.1
[grading]
every_days = 365
"#;
    let Err(err) = load(text) else {
        panic!("a grading cadence without a score was accepted");
    };
    let p = err
        .problems()
        .iter()
        .find(|p| p.message.contains("needs a [score] table"))
        .unwrap_or_else(|| panic!("no problem names the score:\n{err}"));
    assert_eq!(p.path.to_string(), "grading");
}
