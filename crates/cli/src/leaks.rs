//! Audit measure 16 (record-store leaks) as labelled rows, the one layout the terminal
//! (`credsim audit`) and the report both format: they differ only in markup. Formats
//! typed results; computes nothing.

use crate::fmt::{pct, thousands};
use credsim_engine::leaks::LeaksAudit;
use credsim_engine::leaks::measures::{Count, LeakAudit};

/// A count, with its scaled value when the run is scaled.
fn count(c: &Count, scale: f64) -> String {
    if scale == 1.0 {
        thousands(c.simulated)
    } else {
        format!(
            "{} (scaled {})",
            thousands(c.simulated),
            thousands(c.scaled.round() as u64)
        )
    }
}

fn share(x: Option<f64>) -> String {
    x.map_or("–".into(), pct)
}

/// One leak's headline rows: (label, value).
pub fn rows(l: &LeakAudit, scale: f64) -> Vec<(String, String)> {
    let mut out = vec![(
        "when, topology, scope".to_string(),
        format!(
            "day {} to day {}{}, {}, {}",
            l.day,
            l.exposed_until_day,
            l.discovery_lag_days.map_or(String::new(), |d| format!(
                " (discovered after {d} days, assumed)"
            )),
            l.topology,
            l.scope
        ),
    )];
    if !l.happened {
        out.push((
            "not in this run".into(),
            "the leak's day is past the horizon".into(),
        ));
        return out;
    }
    for s in &l.stores {
        out.push((
            format!("persons held by {}", s.store),
            count(&s.persons, scale),
        ));
    }
    out.push(("persons exposed".into(), count(&l.persons_exposed, scale)));
    out.push((
        "exposure person-days".into(),
        count(&l.exposure_person_days, scale),
    ));
    out.push((
        "singled out by a direct identifier (k = 1)".into(),
        count(&l.singled_out_by_direct_identifier, scale),
    ));
    for a in &l.attributes {
        let role = format!("{:?}", a.role).to_lowercase();
        let value = match &a.disclosed {
            Some(d) => format!(
                "{}; discloses about {}",
                count(&a.persons, scale),
                count(d, scale)
            ),
            None => count(&a.persons, scale),
        };
        out.push((format!("  exposed: {} ({role})", a.attribute), value));
    }
    if let Some(k) = &l.linkage {
        out.push((
            format!(
                "linked on {} (of persons in several stores)",
                k.join_on.join(" + ")
            ),
            format!(
                "{} of {} ({})",
                count(&k.persons_linked, scale),
                count(&k.persons_in_several_stores, scale),
                share(k.linkage_rate)
            ),
        ));
        out.push((
            "  full profile (linked across every store)".into(),
            count(&k.persons_full_profile, scale),
        ));
    }
    out
}

/// The header of the uniqueness table.
pub const SET_HEADER: [&str; 7] = [
    "quasi-identifiers",
    "unique in population",
    "analytic",
    "< 5 in population",
    "k of the leaked table",
    "unique in leaked table",
    "leaked, unique in population",
];

/// One row per quasi-identifier set.
pub fn set_rows(l: &LeakAudit, scale: f64) -> Vec<[String; 7]> {
    l.quasi_identifier_sets
        .iter()
        .map(|q| {
            [
                q.attributes.join(" + "),
                pct(q.population_unique_share),
                share(q.analytic_unique_share),
                pct(q.population_below_5_share),
                q.k_anonymity.map_or("–".into(), thousands),
                share(q.leaked_unique_share),
                count(&q.leaked_unique_in_population, scale),
            ]
        })
        .collect()
}

/// The note under the measure.
pub fn note(a: &LeaksAudit) -> String {
    format!(
        "Synthetic stores; values never output. Cells keep their population: {} persons per county-level unit, {} per postcode cell (a run smaller than a unit has one partial unit). With a leaked direct identifier (ID number, name, phone, address) every such person is singled out: k = 1.",
        thousands(a.county_persons),
        thousands(a.postcode_persons)
    )
}
