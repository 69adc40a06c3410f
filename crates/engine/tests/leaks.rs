//! Record-store leaks (audit measure 16) against independent expectations: the
//! analytic unique share (1 − 1/d)^(z−1) for cells of z persons and d equally likely
//! combinations; US-like cells against the published figures (J. D. Cook, Sweeney,
//! Golle); what the Chinese ID number's county + birth date + sex imply; k-anonymity,
//! linkage and exposure person-days against a hand-worked example; the same audit at 1
//! and 2 threads. Tolerances are 4 standard errors of a binomial share.

mod common;

use common::{model, run_threads};
use credsim_engine::leaks::LeaksAudit;
use credsim_model::Model;

/// `persons` persons living alone over one year (day numbers, no calendar), a single
/// rare behaviour recorded by one source, a list it triggers, and `extra` appended.
fn base(persons: u64, extra: &str) -> String {
    format!(
        r#"domains = ["court"]
[scenario]
name = "leaks"
[simulation]
days = 365
seed = 17
[population]
persons = {persons}
[population.households]
sizes = {{ "1" = 1.0 }}
[[behaviours]]
id = "default"
domain = "court"
rate_per_year = 0.2
[[sources]]
id = "court"
capture = {{ default = 1.0 }}
[[lists]]
id = "defaulters"
kind = "black"
duration_days = 5000
triggers = [{{ record = "default" }}]
{extra}"#
    )
}

fn leaks_of(m: &Model, threads: usize) -> LeaksAudit {
    let out = run_threads(m, threads);
    let audit = credsim_engine::Audit::new(m, out.audit.as_ref().expect("audit"));
    audit.leaks.expect("leaks measured")
}

/// One store holding everyone with the identity attributes, read whole on day 100,
/// evaluated on `sets`.
fn whole_store(persons: u64, identity: &str, sets: &str) -> Model {
    model(&base(
        persons,
        &format!(
            r#"[identity]
{identity}
[[stores]]
name = "register"
coverage = 1.0
tables.persons = {{ id_number = "direct", birth_date = "quasi", birth_year = "quasi", sex = "quasi", county = "quasi", postcode = "quasi" }}
[[leaks]]
name = "dump"
date = 100
stores = ["register"]
topology = "centralised"
quasi_identifier_sets = {sets}
"#
        ),
    ))
}

/// |simulated − expected| within 4 binomial standard errors of a share of n (and a
/// floor of 1/n for shares near 0 or 1).
fn close(sim: f64, expected: f64, n: u64, what: &str) {
    close_unique(sim, expected, expected * (1.0 - expected), n, what);
}

/// The variance, per person, of the share unique in cells of z persons over d equally
/// likely combinations, λ = z/d: unique indicators in a cell are not independent, and
/// the occupancy variance of the singleton count is z·(e^(−λ) − e^(−2λ)(1 − λ + λ²))
/// (fixed z; larger than the binomial e^(−λ)(1 − e^(−λ)) when λ < 1).
fn unique_variance(lambda: f64) -> f64 {
    (-lambda).exp() - (-2.0 * lambda).exp() * (1.0 - lambda + lambda * lambda)
}

/// The same with cells of a fixed size left free (Poisson occupancy), an upper bound on
/// the fixed-z variance (by e^(−2λ)(1 − λ)²), for a mixture of groups: shares s_g of
/// the persons, each over combinations holding λ_g persons on average.
fn unique_variance_bound(groups: &[(f64, f64)]) -> f64 {
    groups
        .iter()
        .map(|&(s, l)| s * (-l).exp() * (1.0 - l * (-l).exp()))
        .sum()
}

/// |simulated − expected| within 4 standard errors of an occupancy share of n persons
/// with the given variance per person.
fn close_unique(sim: f64, expected: f64, variance: f64, n: u64, what: &str) {
    let se = (variance / n as f64).sqrt().max(1.0 / n as f64);
    assert!(
        (sim - expected).abs() <= 4.0 * se,
        "{what}: simulated {sim:.5}, expected {expected:.5} (4 se = {:.5})",
        4.0 * se
    );
}

/// (a) Cells of z persons with d equally likely (birth date, sex) combinations: the
/// unique share is (1 − 1/d)^(z−1), for z/d from 0.05 to 3, computed here from the
/// formula itself (not from the measure's analytic field, which is checked too).
#[test]
fn uniqueness_follows_the_analytic_curve() {
    let n = 60_000u64;
    // (persons per cell, years of birth dates): d = years · 365 · 2.
    for (z, years) in [(1_000u64, 27u32), (5_000, 10), (10_000, 7), (3_000, 2)] {
        let m = whole_store(
            n,
            &format!("postcode_persons = {z}\nbirth_years = {years}"),
            r#"[["postcode", "birth_date", "sex"]]"#,
        );
        let q = &leaks_of(&m, 2).leaks[0].quasi_identifier_sets[0];
        let d = f64::from(years * 365 * 2);
        let cells = n / z; // n is a multiple of z
        assert_eq!(cells * z, n);
        let expected = (1.0 - 1.0 / d).powf(z as f64 - 1.0);
        close_unique(
            q.population_unique_share,
            expected,
            unique_variance(z as f64 / d),
            n,
            &format!("z = {z}, d = {d}"),
        );
        let analytic = q.analytic_unique_share.expect("uniform cells");
        assert!(
            (analytic - expected).abs() < 1e-12,
            "{analytic} vs {expected}"
        );
    }
}

/// (b) US-like cells: ZIP-sized cells of 9,330 persons, birth dates over 78 years and
/// two sexes give ≈85% unique (J. D. Cook: 84.3–85.7% simulated, e^(−z/d) ≈ 84.9%),
/// inside the published 63% (Golle) – 87% (Sweeney) range. County-sized uniform cells
/// of 80,000 (≈248 M / ≈3,100 counties) give ≈24.5% (≈30% here, with a partial third
/// county of 26,600), above Sweeney's 18% on
/// {county, sex, birth date}: real county sizes are skewed, and most people live in
/// large counties where few are unique; uniform cells of the mean size overstate it.
#[test]
fn us_like_cells_match_the_published_figures() {
    let n = 9_330 * 20;
    let m = whole_store(
        n,
        "postcode_persons = 9330\ncounty_persons = 80000\nbirth_years = 78",
        r#"[["postcode", "birth_date", "sex"], ["county", "birth_date", "sex"]]"#,
    );
    let a = leaks_of(&m, 2);
    let zip = &a.leaks[0].quasi_identifier_sets[0];
    let expected = (1.0 - 1.0 / 56_940.0f64).powf(9_329.0);
    assert!((expected - 0.849).abs() < 0.001, "{expected}");
    close_unique(
        zip.population_unique_share,
        expected,
        unique_variance(9_330.0 / 56_940.0),
        n,
        "ZIP cells",
    );
    assert!(
        (0.843..=0.857).contains(&zip.population_unique_share),
        "{}",
        zip.population_unique_share
    );
    assert!((0.63..=0.87).contains(&zip.population_unique_share));
    let county = &a.leaks[0].quasi_identifier_sets[1];
    // Cells: two full counties and one of 26,600.
    let analytic = county.analytic_unique_share.expect("uniform");
    let q = 1.0 - 1.0 / 56_940.0f64;
    let by_hand = (2.0 * 80_000.0 * q.powf(79_999.0) + 26_600.0 * q.powf(26_599.0)) / n as f64;
    assert!((analytic - by_hand).abs() < 1e-12);
    let bound = unique_variance_bound(&[
        (160_000.0 / n as f64, 80_000.0 / 56_940.0),
        (26_600.0 / n as f64, 26_600.0 / 56_940.0),
    ]);
    close_unique(
        county.population_unique_share,
        by_hand,
        bound,
        n,
        "county cells",
    );
    assert!(
        county.population_unique_share > 0.18,
        "uniform cells overstate Sweeney's 18%"
    );
}

/// (c) The Chinese ID number carries county + birth date + sex: with county-level
/// units of ≈0.5 M persons (RECORD-STORES "Derived") and d = 78 · 365 · 2, ≈0.015%
/// (the "≈0.02%" of the derivation) are unique on the triple alone; the full number
/// is a direct identifier: everyone is unique, k = 1.
#[test]
fn the_id_number_triple_is_weak_but_the_number_is_direct() {
    let n = 500_000u64;
    let m = whole_store(
        n,
        "county_persons = 500000\nbirth_years = 78",
        r#"[["county", "birth_date", "sex"], ["id_number"]]"#,
    );
    let a = leaks_of(&m, 2);
    let triple = &a.leaks[0].quasi_identifier_sets[0];
    let expected = (1.0 - 1.0 / 56_940.0f64).powf(499_999.0);
    assert!((1.0e-4..3.0e-4).contains(&expected), "{expected}");
    // A Poisson count of ≈77 unique persons: 4 sd ≈ 35.
    let unique = triple.population_unique_share * n as f64;
    let mean = expected * n as f64;
    assert!(
        (unique - mean).abs() <= 4.0 * mean.sqrt(),
        "{unique} vs {mean}"
    );
    // Dozens of persons are unique on the triple (checked above), so the leaked table is
    // only 1-anonymous on it.
    assert!(unique >= 1.0);
    assert_eq!(triple.k_anonymity, Some(1));
    let id = &a.leaks[0].quasi_identifier_sets[1];
    assert_eq!(id.population_unique_share, 1.0);
    assert_eq!(id.k_anonymity, Some(1));
    assert_eq!(id.leaked_unique_share, Some(1.0));
    assert_eq!(id.leaked_classes, n);
    assert_eq!(a.leaks[0].singled_out_by_direct_identifier.simulated, n);
}

/// (d) Hand-worked: 10 persons, postcode cells of 3 (sizes 3, 3, 3, 1).
/// - k-anonymity on {postcode}: the smallest class is the last cell, 1; unique share
///   1/10; below 5: everyone.
/// - Two federated stores holding everyone, joined on postcode: every person is in
///   both; only the last cell's person has a key unique in both: linkage 1/10.
/// - Exposure person-days: 10 persons × (40 − 10) days.
/// - A table scope exposes only that table's attributes; a list coverage holds only
///   the listed.
#[test]
fn hand_worked_k_linkage_and_exposure() {
    let m = model(&base(
        10,
        r#"[identity]
postcode_persons = 3
scale = 1000
[[stores]]
name = "police"
coverage = 1.0
tables.persons = { postcode = "quasi", name = "direct" }
tables.incidents = { lists = "sensitive" }
[[stores]]
name = "courts"
coverage = 1
tables.cases = { postcode = "quasi", records = "sensitive" }
[[stores]]
name = "blacklist"
coverage = { list = "defaulters" }
tables.entries = { postcode = "quasi" }
[[leaks]]
name = "joined"
date = 10
window_days = 30
stores = ["police", "courts"]
topology = "federated"
join_on = ["postcode"]
quasi_identifier_sets = [["postcode"]]
[[leaks]]
name = "incidents"
date = 364
scope = { table = "incidents" }
stores = ["police"]
topology = "centralised"
[[leaks]]
name = "listed"
date = 364
stores = ["blacklist"]
topology = "centralised"
"#,
    ));
    let a = leaks_of(&m, 1);
    let j = &a.leaks[0];
    assert_eq!(j.persons_exposed.simulated, 10);
    assert_eq!(j.persons_exposed.scaled, 10_000.0);
    assert_eq!(j.exposure_person_days.simulated, 300);
    assert_eq!(j.exposed_until_day, 40);
    assert_eq!(j.singled_out_by_direct_identifier.simulated, 10);
    let q = &j.quasi_identifier_sets[0];
    assert_eq!(q.k_anonymity, Some(1));
    assert_eq!(q.leaked_classes, 4);
    assert_eq!(q.leaked_unique_share, Some(0.1));
    assert_eq!(q.leaked_below_5_share, Some(1.0));
    assert_eq!(q.population_unique_share, 0.1);
    assert_eq!(q.leaked_unique_in_population.simulated, 1);
    assert_eq!(
        q.analytic_unique_share,
        Some(0.1),
        "d = 1: alone iff the cell has 1"
    );
    let link = j.linkage.as_ref().expect("federated");
    assert_eq!(link.persons_in_several_stores.simulated, 10);
    assert_eq!(link.persons_linked.simulated, 1);
    assert_eq!(link.linkage_rate, Some(0.1));
    assert_eq!(link.persons_full_profile.simulated, 1);
    // Table scope: the incidents table only (lists), no direct identifier.
    let inc = &a.leaks[1];
    assert_eq!(inc.attributes.len(), 1);
    assert_eq!(inc.attributes[0].attribute, "lists");
    assert_eq!(inc.singled_out_by_direct_identifier.simulated, 0);
    assert_eq!(
        inc.exposure_person_days.simulated, 10,
        "10 persons × 1 day to the horizon"
    );
    // The persons on the list on day 364 are those the blacklist store holds, and
    // those the incidents table discloses as listed.
    let listed = a.leaks[2].stores[0].persons.simulated;
    assert_eq!(
        inc.attributes[0].disclosed.map(|c| c.simulated),
        Some(listed)
    );
    assert_eq!(a.leaks[2].persons_exposed.simulated, listed);
}

/// (e) Several chunks (cells straddle them): the same measure at 1 and 2 threads.
#[test]
fn identical_at_one_and_two_threads() {
    let m = model(&base(
        30_000,
        r#"[[stores]]
name = "register"
coverage = 0.7
tables.persons = { id_number = "direct", birth_date = "quasi", sex = "quasi", postcode = "quasi", lists = "sensitive" }
[[stores]]
name = "courts"
coverage = "recorded"
tables.cases = { birth_date = "quasi", sex = "quasi", records = "sensitive" }
[[leaks]]
name = "sample"
date = 200
scope = { sample = 0.3 }
stores = ["register", "courts"]
topology = "federated"
join_on = ["birth_date", "sex"]
quasi_identifier_sets = [["postcode", "birth_date", "sex"], ["birth_date"]]
[[leaks]]
name = "whole"
date = 200
stores = ["register", "courts"]
topology = "federated"
join_on = ["birth_date", "sex"]
quasi_identifier_sets = [["birth_date"]]
"#,
    ));
    let one = serde_json::to_string(&leaks_of(&m, 1)).expect("json");
    let two = serde_json::to_string(&leaks_of(&m, 2)).expect("json");
    assert_eq!(one, two);
    let a = leaks_of(&m, 2);
    let l = &a.leaks[0];
    // Coverage 0.7 of 30,000: within 4 se.
    close(
        l.stores[0].persons.simulated as f64 / 30_000.0,
        0.7,
        30_000,
        "coverage",
    );
    // Sampled at 0.3 per store: a person held by one store is exposed with 0.3, by both
    // with 1 − 0.7² = 0.51. The whole leak of the same stores exposes their union, so
    // n₂ = held₀ + held₁ − union persons are in both and n₁ = union − n₂ in one.
    let held = l.stores[0].persons.simulated + l.stores[1].persons.simulated;
    let union = a.leaks[1].persons_exposed.simulated;
    let (n2, n1) = ((held - union) as f64, (2 * union - held) as f64);
    assert!(n1 > 1_000.0 && n2 > 100.0, "{n1} {n2}");
    let expected = 0.3 * n1 + 0.51 * n2;
    let sd = (0.21 * n1 + 0.51 * 0.49 * n2).sqrt();
    let exposed = l.persons_exposed.simulated as f64;
    assert!(
        (exposed - expected).abs() <= 4.0 * sd,
        "exposed {exposed}, expected {expected} ± {}",
        4.0 * sd
    );
}

/// Birth dates uniform within census-like age bands (piecewise uniform, not uniform):
/// the unique share on {postcode, birth_date, sex} is Σ_b s_b (1 − s_b/(2·365·w_b))^(z−1)
/// per cell, worked here from the band shares s_b and widths w_b in years.
#[test]
fn age_banded_birth_dates_follow_the_piecewise_curve() {
    let n = 9_330 * 8;
    let m = model(&base(
        n,
        r#"[[population.attributes]]
id = "age"
categories = { "0-14" = 0.1795, "15-59" = 0.6335, "60+" = 0.1870 }
[identity]
max_age = 100
[[stores]]
name = "register"
coverage = 1.0
tables.persons = { postcode = "quasi", birth_date = "quasi", sex = "quasi" }
[[leaks]]
name = "dump"
date = 100
stores = ["register"]
topology = "centralised"
quasi_identifier_sets = [["postcode", "birth_date", "sex"]]
"#,
    ));
    let q = &leaks_of(&m, 2).leaks[0].quasi_identifier_sets[0];
    let z = 9_330.0f64;
    let expected: f64 = [(0.1795, 15.0), (0.6335, 45.0), (0.1870, 41.0)]
        .iter()
        .map(|&(s, w): &(f64, f64)| s * (1.0 - s / (2.0 * 365.0 * w)).powf(z - 1.0))
        .sum();
    let bound = unique_variance_bound(
        &[(0.1795, 15.0), (0.6335, 45.0), (0.1870, 41.0)]
            .map(|(s, w): (f64, f64)| (s, z * s / (2.0 * 365.0 * w))),
    );
    close_unique(q.population_unique_share, expected, bound, n, "age bands");
    let analytic = q.analytic_unique_share.expect("independent values");
    assert!(
        (analytic - expected).abs() < 1e-9,
        "{analytic} vs {expected}"
    );
}

/// summary.json's headline counts equal the audit's, with and without the audit.
#[test]
fn the_summary_repeats_the_audit_counts() {
    let m = whole_store(5_000, "", r#"[["sex"]]"#);
    let out = run_threads(&m, 2);
    let s = credsim_engine::summary::Summary::new(&m, &out);
    let a = credsim_engine::Audit::new(&m, out.audit.as_ref().expect("audit"));
    let (s, a) = (
        &s.leaks.expect("summary")[0],
        &a.leaks.expect("audit").leaks[0],
    );
    assert_eq!(s.persons_exposed, 5_000);
    assert_eq!(s.persons_exposed, a.persons_exposed.simulated);
    assert_eq!(s.exposure_person_days, a.exposure_person_days.simulated);
    assert_eq!(s.exposure_person_days, 5_000 * (365 - 100));
}
