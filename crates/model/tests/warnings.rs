//! Warnings: scenarios that validate but cannot have the effect they seem to ask for are
//! loaded, with a located warning each; the presets have none but the one they should.

use credsim_model::{Overrides, load, presets, render_warnings};

const BASE: &str = r#"domains = ["traffic", "court", "transport"]

[scenario]
name = "warn"

[simulation]
years = 1
seed = 1

[population]
persons = 1000

[[population.attributes]]
id = "region"
categories = { urban = 0.6, rural = 0.4 }

[[behaviours]]
id = "speeding"
domain = "traffic"
rate_per_year = 0.5

[[behaviours]]
id = "default"
domain = "court"
rate_per_year = 0.01

[[sources]]
id = "camera"
capture = { speeding = 0.3 }
capture_multipliers = { region = { urban = 2.0 } }

[score]
base = 1000

[[score.grades]]
name = "A"
min = 1000

[[score.grades]]
name = "B"
max = 999

[records.speeding]
points = -50

[[services]]
id = "flights"
domain = "transport"
attempts_per_year = 1.0

[[treatments]]
id = "no_flights"
kind = "sanction"
service = "flights"
trigger = { grade = "B" }
scope = "all"
"#;

fn warnings(text: &str) -> String {
    let loaded = load(text, "w.toml", &Overrides::default()).expect("the scenario is valid");
    render_warnings("w.toml", &loaded.warnings)
}

/// The base scenario: `default` is recorded by no source (the only warning).
#[test]
fn an_unrecorded_behaviour_is_warned_about() {
    let w = warnings(BASE);
    assert_eq!(w.matches("warning:").count(), 1, "{w}");
    assert!(w.contains("w.toml:22:1: field `behaviours[1]`"), "{w}");
    assert!(w.contains("no source records behaviour `default`"), "{w}");
}

/// 0.6 × 2.0 exceeds 1: capped for urban persons.
#[test]
fn capped_capture_is_warned_about() {
    let text = BASE.replace(
        "capture = { speeding = 0.3 }",
        "capture = { speeding = 0.6 }",
    );
    let w = warnings(&text);
    assert!(w.contains("field `sources[0].capture_multipliers`"), "{w}");
    assert!(w.contains("`speeding` (0.6 × 2 = 1.200)"), "{w}");
}

/// A sanction of scope `own` in transport, triggered by a grade whose records are all
/// traffic records, never applies; in traffic it can.
#[test]
fn an_own_scope_that_never_applies_is_warned_about() {
    let own = BASE.replace("scope = \"all\"", "scope = \"own\"");
    let w = warnings(&own);
    assert!(w.contains("field `treatments[0].scope`"), "{w}");
    assert!(w.contains("treatment `no_flights` has scope `own`"), "{w}");
    let in_domain = own.replace(
        "domain = \"transport\"\nattempts",
        "domain = \"traffic\"\nattempts",
    );
    assert!(!warnings(&in_domain).contains("scope `own`"));
}

/// Scrutiny ×2 on a capture of 0.6 is capped at 1.
#[test]
fn capture_capped_under_scrutiny_is_warned_about() {
    let text = format!(
        "{BASE}\n[scrutiny]\ntrigger = {{ grade = \"B\" }}\ncapture_multiplier = 2.0\nduration_days = 100\n"
    )
    .replace("capture = { speeding = 0.3 }", "capture = { speeding = 0.6 }")
    .replace("urban = 2.0", "urban = 1.0");
    let w = warnings(&text);
    assert!(w.contains("field `scrutiny.capture_multiplier`"), "{w}");
    assert!(w.contains("`speeding` (0.6 × 2 = 1.200)"), "{w}");
}

/// The presets: rongcheng's late-fee capture (0.9 × 1.2) is capped, and in both Suining
/// presets scrutiny ×2 is capped for the behaviours captured at more than 0.5.
#[test]
fn presets_warn_only_where_they_should() {
    for p in presets::ALL {
        let loaded = presets::load(p.name, &Overrides::default()).expect("preset loads");
        let w = render_warnings(p.name, &loaded.warnings);
        match p.name {
            "rongcheng" => {
                assert_eq!(loaded.warnings.len(), 1, "{w}");
                assert!(w.contains("late_public_service_fees"), "{w}");
            }
            "suining-2010" | "suining-responses" => {
                assert_eq!(loaded.warnings.len(), 1, "{w}");
                assert!(w.contains("scrutiny.capture_multiplier"), "{w}");
            }
            _ => assert!(loaded.warnings.is_empty(), "{}: {w}", p.name),
        }
    }
}

/// A treatment or list dated so that it is in force on no day of the run (here after a
/// one-year run from 2014-01-01, or until its start) is loaded, with a warning at the
/// date; one in force for part of the run is not warned about.
#[test]
fn a_rule_never_in_force_is_warned_about() {
    let dated = |field: &str| {
        BASE.replace("seed = 1\n", "seed = 1\nstart = 2014-01-01\n")
            .replace("scope = \"all\"", &format!("scope = \"all\"\n{field}"))
    };
    let w = warnings(&dated("from = 2015-01-01"));
    assert!(w.contains("field `treatments[0].from`"), "{w}");
    assert!(
        w.contains("treatment `no_flights` takes effect after the end of the run"),
        "{w}"
    );
    let w = warnings(&dated("until = 2013-06-01"));
    assert!(w.contains("field `treatments[0].until`"), "{w}");
    assert!(w.contains("ends before the start of the run"), "{w}");
    let w = warnings(&dated("from = 2014-12-31"));
    assert!(!w.contains("no effect"), "{w}");
}

/// An attack whose window starts after the end of the run (here a one-year run) is
/// loaded, with a warning at `from_day` that it never happens; one that ends after the
/// run is warned about at `to_day`; one inside the run is not warned about.
#[test]
fn an_attack_beyond_the_run_is_warned_about() {
    let attack = |window: &str| {
        format!(
            "{BASE}\n[[attacks]]\nid = \"wipe\"\nattacker = \"outsider\"\noperation = \"delete\"\nshare = 1.0\n{window}\n"
        )
    };
    let w = warnings(&attack("from_day = 400"));
    assert!(w.contains("field `attacks[0].from_day`"), "{w}");
    assert!(
        w.contains(
            "attack `wipe` starts on day 400, after the end of the run (365 days): it never happens"
        ),
        "{w}"
    );
    let w = warnings(&attack("from_day = 300\nto_day = 500"));
    assert!(w.contains("field `attacks[0].to_day`"), "{w}");
    assert!(
        w.contains("only its hits drawn on days 300-364 happen"),
        "{w}"
    );
    let w = warnings(&attack("from_day = 300\nto_day = 364"));
    assert!(!w.contains("attack `wipe`"), "{w}");
}
