//! Audit measure 16, `leaks`: per leak, the persons held, exposed by attribute and
//! disclosed; per quasi-identifier set, uniqueness in the synthetic population (with
//! the analytic (1 − 1/d)^(z−1) where cells are uniform) and the k-anonymity of the
//! leaked table; cross-store linkage of federated stores; exposure person-days.
//! Counts are also given times `identity.scale`; shares are not scaled.

use super::plan::Plan;
use super::tally::{LeakCounts, LeakTally, min_class, persons, persons_below};
use crate::identity::YEAR_DAYS;
use credsim_model::{Field, IdField, IdentityRules, Leak, LeakRules, LeakScope, Model, Role};
use serde::{Deserialize, Serialize};

/// Measure 16.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LeaksAudit {
    /// Real persons per simulated person (`identity.scale`).
    pub scale: f64,
    /// Simulated persons per county-level unit and per postcode cell.
    pub county_persons: u64,
    /// Simulated persons per postcode-like cell.
    pub postcode_persons: u64,
    /// Per leak, in the scenario's order.
    pub leaks: Vec<LeakAudit>,
}

/// One leak.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LeakAudit {
    /// Name.
    pub name: String,
    /// Day of the leak.
    pub day: u32,
    /// Whether the day is within the run (false: nothing leaked in this run).
    pub happened: bool,
    /// First day no longer exposed (the window's end or the horizon).
    pub exposed_until_day: u32,
    /// Days until discovered (an assumption of the scenario; reported only).
    pub discovery_lag_days: Option<u32>,
    /// `centralised` or `federated`.
    pub topology: String,
    /// `whole`, `sample F` or `table NAME`.
    pub scope: String,
    /// Persons each store held on the day.
    pub stores: Vec<StoreHeld>,
    /// Persons with at least one record leaked.
    pub persons_exposed: Count,
    /// Persons exposed × days from the leak to the end of exposure.
    pub exposure_person_days: Count,
    /// Persons singled out by a leaked direct identifier with values (k = 1).
    pub singled_out_by_direct_identifier: Count,
    /// Persons exposed per attribute.
    pub attributes: Vec<AttributeExposure>,
    /// Per quasi-identifier set.
    pub quasi_identifier_sets: Vec<QuasiIdentifiers>,
    /// Federated stores joined on their shared keys (null: one store or no join).
    pub linkage: Option<Linkage>,
}

/// A count and the same times the scale.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Count {
    /// Simulated.
    pub simulated: u64,
    /// Times `identity.scale`.
    pub scaled: f64,
}

/// Persons a store held.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoreHeld {
    /// Store.
    pub store: String,
    /// Persons held on the leak's day.
    pub persons: Count,
}

/// Exposure of one attribute.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttributeExposure {
    /// Attribute.
    pub attribute: String,
    /// `direct`, `quasi` or `sensitive`.
    pub role: Role,
    /// Persons whose leaked rows carry it.
    pub persons: Count,
    /// Sensitive attributes: persons about whom it discloses something (`lists`: on a
    /// list; `records`: with a record; others: every person exposed).
    pub disclosed: Option<Count>,
}

/// Uniqueness on one quasi-identifier set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QuasiIdentifiers {
    /// The attributes.
    pub attributes: Vec<String>,
    /// Share of the synthetic population alone in its class (k = 1).
    pub population_unique_share: f64,
    /// Share of the population in classes of fewer than 5.
    pub population_below_5_share: f64,
    /// The expected unique share if persons draw their values independently:
    /// Σ_c p_c (1 − p_c)^(z−1) averaged over the cells' sizes z, which is
    /// (1 − 1/d)^(z−1) for d equally likely combinations ([`analytic_unique`]); null
    /// where values are not independent (household-level attributes, age beside a
    /// birth date, birth years).
    pub analytic_unique_share: Option<f64>,
    /// Persons in the leaked table with every attribute of the set.
    pub leaked_persons: u64,
    /// Classes in it.
    pub leaked_classes: u64,
    /// Its k-anonymity: the smallest class (null: nobody leaked with the set).
    pub k_anonymity: Option<u64>,
    /// Share of its persons alone in their class within the leaked table.
    pub leaked_unique_share: Option<f64>,
    /// Share in classes of fewer than 5 within the leaked table.
    pub leaked_below_5_share: Option<f64>,
    /// Leaked persons unique in the whole population on the set (re-identifiable by
    /// anyone holding a full register with these attributes).
    pub leaked_unique_in_population: Count,
    /// With the leaked direct identifiers (ID number, name, phone, address) added: the
    /// persons singled out (each its own class, k = 1; null: none leaked).
    pub with_direct_identifier_k: Option<u64>,
}

/// Linkage of federated stores on their shared keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Linkage {
    /// The keys.
    pub join_on: Vec<String>,
    /// Persons leaked from two or more of the stores.
    pub persons_in_several_stores: Count,
    /// Of those, persons whose key is unique in at least two of their stores, so that
    /// the join links their records one to one.
    pub persons_linked: Count,
    /// Linked share of persons in several stores.
    pub linkage_rate: Option<f64>,
    /// Persons linked across every store of the leak (a full centralised profile).
    pub persons_full_profile: Count,
}

impl LeaksAudit {
    /// The measure from the merged counts.
    pub fn new(model: &Model, rules: &LeakRules, t: &LeakTally) -> LeaksAudit {
        let scale = rules.identity.scale;
        LeaksAudit {
            scale,
            county_persons: rules.identity.county_persons,
            postcode_persons: rules.identity.postcode_persons,
            leaks: rules
                .leaks
                .iter()
                .zip(&t.leaks)
                .map(|(l, c)| leak(model, rules, l, c))
                .collect(),
        }
    }
}

fn count(n: u64, scale: f64) -> Count {
    Count {
        simulated: n,
        scaled: n as f64 * scale,
    }
}

fn share(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn leak(model: &Model, rules: &LeakRules, l: &Leak, c: &LeakCounts) -> LeakAudit {
    let s = rules.identity.scale;
    let plan = Plan::of(rules, l);
    let until = l.window_end(model.days);
    let days = u64::from(until.saturating_sub(l.day));
    let sets = l
        .quasi_identifier_sets
        .iter()
        .enumerate()
        .map(|(k, set)| {
            let pop = c.population[k].runs();
            let leaked = c.leaked[k].runs();
            let n = persons(&pop);
            let lp = persons(&leaked);
            // Leaked classes unique in the population: a merge join on the keys.
            let mut unique_in_pop = 0u64;
            let mut j = 0;
            for &(key, m) in &leaked {
                while j < pop.len() && pop[j].0 < key {
                    j += 1;
                }
                if j < pop.len() && pop[j] == (key, 1) {
                    unique_in_pop += u64::from(m);
                }
            }
            QuasiIdentifiers {
                attributes: set.iter().map(|(n, _)| n.clone()).collect(),
                population_unique_share: share(persons_below(&pop, 2), n).unwrap_or(0.0),
                population_below_5_share: share(persons_below(&pop, 5), n).unwrap_or(0.0),
                analytic_unique_share: analytic_unique(
                    model,
                    &rules.identity,
                    set.iter().map(|(_, f)| f),
                    model.persons,
                ),
                leaked_persons: lp,
                leaked_classes: leaked.len() as u64,
                k_anonymity: min_class(&leaked).map(u64::from),
                leaked_unique_share: share(persons_below(&leaked, 2), lp),
                leaked_below_5_share: share(persons_below(&leaked, 5), lp),
                leaked_unique_in_population: count(unique_in_pop, s),
                with_direct_identifier_k: (c.singled_out > 0).then_some(1),
            }
        })
        .collect();
    let linkage = (l.stores.len() > 1 && !l.join_on.is_empty()).then(|| linkage(l, c, s));
    LeakAudit {
        name: l.name.clone(),
        day: l.day,
        happened: l.day < model.days,
        exposed_until_day: until,
        discovery_lag_days: l.discovery_lag_days,
        topology: format!("{:?}", l.topology).to_lowercase(),
        scope: match l.scope {
            LeakScope::Whole => "whole".into(),
            LeakScope::Sample(f) => format!("sample {f}"),
            LeakScope::Table => format!("table {}", l.table_name.as_deref().unwrap_or("")),
        },
        stores: l
            .stores
            .iter()
            .zip(&c.held)
            .map(|(&st, &h)| StoreHeld {
                store: rules.stores[st].name.clone(),
                persons: count(h, s),
            })
            .collect(),
        persons_exposed: count(c.exposed, s),
        exposure_person_days: count(c.exposed * days, s),
        singled_out_by_direct_identifier: count(c.singled_out, s),
        attributes: plan
            .names
            .iter()
            .zip(c.attributes.iter().zip(&c.disclosed))
            .map(|((name, role, _), (&p, &d))| AttributeExposure {
                attribute: name.clone(),
                role: *role,
                persons: count(p, s),
                disclosed: (*role == Role::Sensitive).then(|| count(d, s)),
            })
            .collect(),
        quasi_identifier_sets: sets,
        linkage,
    }
}

/// Linkage from the (join key, store mask) classes: per key, the persons of each
/// store; a person is linked when the key is unique in at least two of its stores.
fn linkage(l: &Leak, c: &LeakCounts, s: f64) -> Linkage {
    let stores = l.stores.len();
    let all: u8 = if stores >= 8 {
        u8::MAX
    } else {
        (1u8 << stores) - 1
    };
    let (mut several, mut linked, mut full) = (0u64, 0u64, 0u64);
    let runs = &c.link.runs();
    let mut i = 0;
    while i < runs.len() {
        let key = runs[i].0.0;
        let mut j = i;
        let mut per_store = [0u64; 8];
        while j < runs.len() && runs[j].0.0 == key {
            let (mask, m) = (runs[j].0.1, u64::from(runs[j].1));
            for (k, p) in per_store.iter_mut().enumerate().take(stores) {
                if mask & (1 << k) != 0 {
                    *p += m;
                }
            }
            j += 1;
        }
        for &((_, mask), m) in &runs[i..j] {
            let m = u64::from(m);
            if mask.count_ones() < 2 {
                continue;
            }
            several += m;
            let unique_in = (0..stores)
                .filter(|&k| mask & (1 << k) != 0 && per_store[k] == 1)
                .count();
            if unique_in >= 2 {
                linked += m;
            }
            if mask == all && unique_in == stores {
                full += m;
            }
        }
        i = j;
    }
    Linkage {
        join_on: l
            .join_on
            .iter()
            .map(|f| field_name(f).to_string())
            .collect(),
        persons_in_several_stores: count(several, s),
        persons_linked: count(linked, s),
        linkage_rate: share(linked, several),
        persons_full_profile: count(full, s),
    }
}

fn field_name(f: &Field) -> &'static str {
    credsim_model::IDENTITY_NAMES
        .iter()
        .find(|(_, g)| g == f)
        .map_or("attribute", |(n, _)| n)
}

/// The expected unique share when persons draw their values independently of each
/// other: within a cell of z persons, a person whose combination has probability p is
/// alone with probability (1 − p)^(z−1), so the share is
/// Σ_cells z Σ_c p_c (1 − p_c)^(z−1) / N, the cells being the intersections of the
/// location units named (the whole population without one). With d equally likely
/// combinations this is (1 − 1/d)^(z−1). Birth dates are uniform within each `age`
/// band (exact: piecewise uniform); person-level attributes have their shares. None
/// when the values are not independent across or within persons (household-level
/// attributes, `age` beside a birth date or year, birth years, which straddle calendar
/// years).
pub fn analytic_unique<'f>(
    model: &Model,
    r: &IdentityRules,
    fields: impl Iterator<Item = &'f Field>,
    persons: u64,
) -> Option<f64> {
    // The combination distribution as (probability, number of combinations with it).
    let mut dist: Vec<(f64, f64)> = vec![(1.0, 1.0)];
    let mut units = Vec::new();
    let mut dated = false;
    let mut aged = false;
    let times = |dist: &mut Vec<(f64, f64)>, by: &[(f64, f64)]| {
        *dist = dist
            .iter()
            .flat_map(|&(p, n)| by.iter().map(move |&(q, m)| (p * q, n * m)))
            .filter(|&(p, _)| p > 0.0)
            .collect();
    };
    for f in fields {
        match f {
            Field::Identity(IdField::Sex) => times(&mut dist, &[(0.5, 2.0)]),
            Field::Identity(IdField::BirthDate) => {
                dated = true;
                let by: Vec<(f64, f64)> = match &r.age_bands {
                    None => {
                        let d = f64::from(r.birth_years * YEAR_DAYS);
                        vec![(1.0 / d, d)]
                    }
                    Some((a, bands)) => {
                        let shares = &model.attributes[*a].categories.shares;
                        bands
                            .iter()
                            .zip(shares)
                            .map(|(&(from, to), &s)| {
                                let d = f64::from((to + 1 - from) * YEAR_DAYS);
                                (s / d, d)
                            })
                            .collect()
                    }
                };
                times(&mut dist, &by);
            }
            Field::Attribute(a) => {
                let attr = &model.attributes[*a];
                if attr.level != credsim_model::Level::Person {
                    return None;
                }
                aged |= r.age_bands.as_ref().is_some_and(|(x, _)| x == a);
                let by: Vec<(f64, f64)> =
                    attr.categories.shares.iter().map(|&s| (s, 1.0)).collect();
                times(&mut dist, &by);
            }
            Field::Identity(IdField::County) => units.push(r.county_persons),
            Field::Identity(IdField::Postcode) => units.push(r.postcode_persons),
            Field::Identity(IdField::IdNumber) | Field::Unique => return Some(1.0),
            _ => return None,
        }
    }
    if persons == 0 || (dated && aged) {
        return None;
    }
    // Cell boundaries: multiples of each unit's size, up to the population.
    let mut cuts: Vec<u64> = vec![0, persons];
    for &u in &units {
        cuts.extend((1..=(persons - 1) / u).map(|k| k * u));
    }
    cuts.sort_unstable();
    cuts.dedup();
    let sum: f64 = cuts
        .windows(2)
        .map(|w| {
            let z = (w[1] - w[0]) as f64;
            z * dist
                .iter()
                .map(|&(p, n)| n * p * (1.0 - p).powf(z - 1.0))
                .sum::<f64>()
        })
        .sum();
    Some(sum / persons as f64)
}
