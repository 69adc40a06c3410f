//! `[identity]`, `[[stores]]` and `[[leaks]]`: record stores, the attributes they hold
//! (each a direct identifier, quasi-identifier or sensitive), and leaks of them at a
//! date, checked and compiled to [`LeakRules`]. Synthetic stores only: the engine
//! draws every value from (seed, person id) and reports aggregates.

pub mod raw;

use super::dated::calendar_date;
use super::simulation::Horizon;
use crate::error::FieldPath;
use crate::validate::Checker;
use serde::Serialize;
use std::collections::HashMap;

/// How an attribute is marked in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Singles a person out by itself (ID number, name, phone).
    Direct,
    /// Identifies in combination (birth date, sex, county).
    Quasi,
    /// What a leak discloses about the person (list entries, records).
    Sensitive,
}

/// A synthetic identity attribute (`identity.rs` in the engine draws it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdField {
    /// The ID-number-shaped identifier (GB 11643 shape, wrong check character).
    IdNumber,
    /// Full birth date.
    BirthDate,
    /// Birth year.
    BirthYear,
    /// Sex.
    Sex,
    /// County-level unit.
    County,
    /// Postcode-like cell.
    Postcode,
}

/// What an attribute of a store is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// A synthetic identity attribute with values.
    Identity(IdField),
    /// A direct identifier without modelled values, unique per person (name, phone,
    /// address: an assumption that each singles a person out).
    Unique,
    /// A population attribute (index into `Model::attributes`).
    Attribute(usize),
    /// The person's list entries at the leak's date.
    Lists,
    /// Whether the person has had a record by the leak's date.
    Records,
    /// An attribute without modelled values (counted as exposed only).
    Unmodelled,
}

impl Field {
    /// Whether it has values a quasi-identifier set or a join can use.
    pub fn has_values(&self) -> bool {
        matches!(
            self,
            Field::Identity(_) | Field::Unique | Field::Attribute(_)
        )
    }
}

/// One attribute of a store's table.
#[derive(Debug, Clone, Serialize)]
pub struct StoreAttribute {
    /// Name as written.
    pub name: String,
    /// What it is.
    pub field: Field,
    /// How it is marked.
    pub role: Role,
}

/// One table of a store.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// Name.
    pub name: String,
    /// Its attributes.
    pub attributes: Vec<StoreAttribute>,
}

/// Whom a store holds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// Each person independently with this probability.
    Share(f64),
    /// The persons on this list at the leak's date.
    List(usize),
    /// The persons with at least one record by the leak's date.
    Recorded,
}

/// A record store.
#[derive(Debug, Clone, Serialize)]
pub struct Store {
    /// Name.
    pub name: String,
    /// Whom it holds.
    pub coverage: Coverage,
    /// Its tables.
    pub tables: Vec<Table>,
}

/// What a leak takes from its stores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeakScope {
    /// Every record.
    Whole,
    /// Each held person's records with this probability.
    Sample(f64),
    /// One table (named by `Leak::table_name`), in each store that has it.
    Table,
}

/// How the leaked stores are organised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Topology {
    /// One store holding every agency's attributes.
    Centralised,
    /// One store per agency, joined on shared keys.
    Federated,
}

/// A leak.
#[derive(Debug, Clone, Serialize)]
pub struct Leak {
    /// Name.
    pub name: String,
    /// Day the stores are read (at its end).
    pub day: u32,
    /// Days exposed (None: to the horizon).
    pub window_days: Option<u32>,
    /// Days until discovered (an assumption; reported only).
    pub discovery_lag_days: Option<u32>,
    /// What is taken.
    pub scope: LeakScope,
    /// The table name of a `{ table = … }` scope.
    pub table_name: Option<String>,
    /// The stores taken from (indices into [`LeakRules::stores`]).
    pub stores: Vec<usize>,
    /// Topology.
    pub topology: Topology,
    /// Join keys (federated).
    pub join_on: Vec<Field>,
    /// Quasi-identifier sets, each as written and resolved.
    pub quasi_identifier_sets: Vec<Vec<(String, Field)>>,
}

impl Leak {
    /// The last day (exclusive) of exposure within a horizon of `days`.
    pub fn window_end(&self, days: u32) -> u32 {
        self.window_days
            .map_or(days, |w| self.day.saturating_add(w).min(days))
            .max(self.day)
    }
}

/// How identity attributes are drawn.
#[derive(Debug, Clone, Serialize)]
pub struct IdentityRules {
    /// Persons per county-level unit.
    pub county_persons: u64,
    /// Persons per postcode-like cell.
    pub postcode_persons: u64,
    /// Years of uniform birth dates without an `age` attribute.
    pub birth_years: u32,
    /// The oldest age of an open band.
    pub max_age: u32,
    /// Real persons per simulated person.
    pub scale: f64,
    /// The `age` attribute's bands `[from, to]` in whole years, per category (None: the
    /// scenario has no `age` attribute).
    pub age_bands: Option<(usize, Vec<(u32, u32)>)>,
    /// The calendar day number (days since 1970-01-01) of day 0 (`simulation.start`;
    /// 2000-01-01 without one, an assumption that only places the synthetic dates).
    pub day0: i64,
}

/// Stores and their leaks (`Model::leaks`; None when the scenario has no leak).
#[derive(Debug, Clone, Serialize)]
pub struct LeakRules {
    /// Identity attributes.
    pub identity: IdentityRules,
    /// Stores.
    pub stores: Vec<Store>,
    /// Leaks, in the file's order.
    pub leaks: Vec<Leak>,
}

/// The names of the synthetic identity attributes, as a scenario writes them.
pub const IDENTITY_NAMES: [(&str, Field); 9] = [
    ("id_number", Field::Identity(IdField::IdNumber)),
    ("birth_date", Field::Identity(IdField::BirthDate)),
    ("birth_year", Field::Identity(IdField::BirthYear)),
    ("sex", Field::Identity(IdField::Sex)),
    ("county", Field::Identity(IdField::County)),
    ("postcode", Field::Identity(IdField::Postcode)),
    ("name", Field::Unique),
    ("phone", Field::Unique),
    ("address", Field::Unique),
];

/// What the leak section needs from earlier sections.
pub(crate) struct Names<'a> {
    /// Population attribute ids → index.
    pub(crate) attributes: &'a HashMap<String, usize>,
    /// The attributes' category labels, in the model's order.
    pub(crate) categories: Vec<Vec<String>>,
    /// List ids → index.
    pub(crate) lists: &'a HashMap<String, usize>,
    /// The horizon.
    pub(crate) horizon: &'a Horizon,
}

/// Checks `[identity]`, `[[stores]]` and `[[leaks]]` and compiles them (None without
/// leaks; stores without a leak are checked all the same).
pub(crate) fn compile(
    ck: &mut Checker<'_>,
    s: &crate::raw::Scenario,
    names: &Names<'_>,
) -> Option<LeakRules> {
    if s.identity.is_none() && s.stores.is_empty() && s.leaks.is_empty() {
        return None;
    }
    let identity = identity(ck, s.identity.as_ref(), names);
    let store_path = FieldPath::keys(&["stores"]);
    let store_index = names_index(ck, &store_path, "store", s.stores.iter().map(|x| &x.name));
    let stores: Vec<Store> = s
        .stores
        .iter()
        .enumerate()
        .map(|(x, st)| store(ck, &store_path.index(x), st, names))
        .collect();
    let leak_path = FieldPath::keys(&["leaks"]);
    names_index(ck, &leak_path, "leak", s.leaks.iter().map(|x| &x.name));
    if s.leaks.len() > 255 {
        ck.fail(leak_path.clone(), "at most 255 leaks are allowed");
    }
    let leaks = s
        .leaks
        .iter()
        .enumerate()
        .map(|(x, l)| leak(ck, &leak_path.index(x), l, &store_index, &stores, names))
        .collect();
    Some(LeakRules {
        identity,
        stores,
        leaks,
    })
}

/// Indexes the `name`s of an array of tables, reporting empty and duplicate ones.
fn names_index<'s>(
    ck: &mut Checker<'_>,
    path: &FieldPath,
    what: &str,
    names: impl Iterator<Item = &'s String>,
) -> HashMap<String, usize> {
    let mut index = HashMap::new();
    for (i, name) in names.enumerate() {
        if name.is_empty() {
            ck.fail(
                path.index(i).key("name"),
                format!("{what} name must not be empty"),
            );
        } else if index.insert(name.clone(), i).is_some() {
            ck.fail(
                path.index(i).key("name"),
                format!("duplicate {what} name `{name}`: names must be unique"),
            );
        }
    }
    index
}

fn identity(ck: &mut Checker<'_>, raw: Option<&raw::Identity>, names: &Names<'_>) -> IdentityRules {
    let d = raw::Identity::default();
    let r = raw.unwrap_or(&d);
    let p = FieldPath::keys(&["identity"]);
    for (field, v) in [
        ("county_persons", r.county_persons),
        ("postcode_persons", r.postcode_persons),
    ] {
        if v == 0 || v > u64::from(u32::MAX) {
            ck.fail(
                p.key(field),
                format!(
                    "{field} must be a whole number of persons from 1 to {}",
                    u32::MAX
                ),
            );
        }
    }
    if !(1..=150).contains(&r.birth_years) {
        ck.fail(p.key("birth_years"), "birth_years must be from 1 to 150");
    }
    if !(1..=150).contains(&r.max_age) {
        ck.fail(p.key("max_age"), "max_age must be from 1 to 150");
    }
    if !(r.scale.is_finite() && r.scale >= 1.0) {
        ck.fail(
            p.key("scale"),
            format!(
                "scale `{}` is not allowed: the real persons one simulated person stands for, a number ≥ 1",
                r.scale
            ),
        );
    }
    let age_bands = names.attributes.get("age").map(|&a| {
        let bands = names.categories[a]
            .iter()
            .map(|label| {
                age_band(label, r.max_age).unwrap_or_else(|| {
                    ck.fail(
                        FieldPath::keys(&["population", "attributes"])
                            .index(a)
                            .key("categories"),
                        format!(
                            "age category `{label}` cannot place a birth date (a scenario with leaks reads `age` bands): write bands like \"15-59\" or \"60+\" up to identity.max_age = {}",
                            r.max_age
                        ),
                    );
                    (0, 0)
                })
            })
            .collect();
        (a, bands)
    });
    IdentityRules {
        county_persons: r.county_persons,
        postcode_persons: r.postcode_persons,
        birth_years: r.birth_years,
        max_age: r.max_age,
        scale: r.scale,
        age_bands,
        day0: names.horizon.start.map_or(10_957, |d| d.days()),
    }
}

/// `"15-59"` → (15, 59); `"60+"` → (60, max_age).
fn age_band(label: &str, max_age: u32) -> Option<(u32, u32)> {
    let (from, to) = match label.strip_suffix('+') {
        Some(from) => (from.trim().parse().ok()?, max_age),
        None => {
            let (a, b) = label.split_once('-')?;
            (a.trim().parse().ok()?, b.trim().parse().ok()?)
        }
    };
    (from <= to && to <= max_age).then_some((from, to))
}

/// Resolves an attribute name of a store, a set or a join.
fn field(name: &str, names: &Names<'_>) -> Field {
    if let Some((_, f)) = IDENTITY_NAMES.iter().find(|(n, _)| *n == name) {
        return f.clone();
    }
    if let Some(&a) = names.attributes.get(name) {
        return Field::Attribute(a);
    }
    match name {
        "lists" => Field::Lists,
        "records" => Field::Records,
        _ => Field::Unmodelled,
    }
}

fn store(ck: &mut Checker<'_>, p: &FieldPath, st: &raw::Store, names: &Names<'_>) -> Store {
    let coverage = match &st.coverage {
        toml::Value::Float(f) => Coverage::Share(ck.probability(p.key("coverage"), "coverage", *f)),
        toml::Value::Integer(i @ (0 | 1)) => Coverage::Share(*i as f64),
        toml::Value::String(s) if s == "recorded" => Coverage::Recorded,
        toml::Value::Table(t) if t.len() == 1 && t.get("list").is_some_and(|v| v.is_str()) => {
            let id = t.get("list").and_then(|v| v.as_str()).unwrap_or_default();
            Coverage::List(ck.lookup(p.key("coverage").key("list"), "list", names.lists, id))
        }
        other => {
            ck.fail(
                p.key("coverage"),
                format!(
                    "coverage `{other}` is not allowed: give a share of the population (0.7), {{ list = \"LIST\" }} (persons on a list at the leak's date) or \"recorded\" (persons with a record by then)"
                ),
            );
            Coverage::Share(0.0)
        }
    };
    if st.tables.is_empty() {
        ck.fail(
            p.key("tables"),
            "a store needs at least one table of attributes",
        );
    }
    let tables = st
        .tables
        .iter()
        .map(|(tname, attrs)| {
            let tp = p.key("tables").key(tname);
            if attrs.is_empty() {
                ck.fail(tp.clone(), format!("table `{tname}` has no attributes"));
            }
            let attributes = attrs
                .iter()
                .map(|(aname, role)| {
                    let role = match role.as_str() {
                        "direct" => Role::Direct,
                        "quasi" => Role::Quasi,
                        "sensitive" => Role::Sensitive,
                        other => {
                            ck.fail(
                                tp.key(aname),
                                format!(
                                    "`{other}` is not allowed: mark an attribute \"direct\", \"quasi\" or \"sensitive\""
                                ),
                            );
                            Role::Quasi
                        }
                    };
                    StoreAttribute {
                        name: aname.clone(),
                        field: field(aname, names),
                        role,
                    }
                })
                .collect();
            Table {
                name: tname.clone(),
                attributes,
            }
        })
        .collect();
    Store {
        name: st.name.clone(),
        coverage,
        tables,
    }
}

/// The names a quasi-identifier set or join may use.
fn value_names(names: &Names<'_>) -> String {
    let mut v: Vec<&str> = IDENTITY_NAMES.iter().map(|(n, _)| *n).collect();
    let mut attrs: Vec<&str> = names.attributes.keys().map(String::as_str).collect();
    attrs.sort_unstable();
    v.extend(attrs);
    v.join(", ")
}

fn leak(
    ck: &mut Checker<'_>,
    p: &FieldPath,
    l: &raw::Leak,
    store_index: &HashMap<String, usize>,
    stores: &[Store],
    names: &Names<'_>,
) -> Leak {
    let day = leak_day(ck, &p.key("date"), &l.date, names.horizon);
    if l.window_days == Some(0) {
        ck.fail(
            p.key("window_days"),
            "window_days must be at least 1 (or left out: to the horizon)",
        );
    }
    let mut ix: Vec<usize> = Vec::new();
    for (k, name) in l.stores.iter().enumerate() {
        let s = ck.lookup(p.key("stores").index(k), "store", store_index, name);
        if ix.contains(&s) && store_index.contains_key(name) {
            ck.fail(
                p.key("stores").index(k),
                format!("store `{name}` is named twice"),
            );
        }
        ix.push(s);
    }
    if l.stores.is_empty() {
        ck.fail(p.key("stores"), "a leak takes from at least one store");
    }
    if l.stores.len() > 8 {
        ck.fail(p.key("stores"), "a leak takes from at most 8 stores");
    }
    let topology = match l.topology.as_str() {
        "centralised" => {
            if l.stores.len() > 1 {
                ck.fail(
                    p.key("stores"),
                    "a centralised leak reads one store (the one holding every agency's attributes); for several stores write topology = \"federated\" with join_on",
                );
            }
            if !l.join_on.is_empty() {
                ck.fail(p.key("join_on"), "join_on is for federated stores only");
            }
            Topology::Centralised
        }
        "federated" => {
            if l.stores.len() < 2 {
                ck.fail(
                    p.key("stores"),
                    "a federated leak reads two or more stores (one per agency)",
                );
            }
            if l.join_on.is_empty() {
                ck.fail(
                    p.key("join_on"),
                    "a federated leak needs join_on: the shared keys its stores are joined on",
                );
            }
            Topology::Federated
        }
        other => {
            ck.fail(
                p.key("topology"),
                format!("topology `{other}` is not allowed: \"centralised\" or \"federated\""),
            );
            Topology::Centralised
        }
    };
    let (scope, table_name) = leak_scope(ck, &p.key("scope"), &l.scope);
    let held: Vec<&Store> = ix.iter().filter_map(|&s| stores.get(s)).collect();
    if let Some(t) = &table_name
        && !held.iter().any(|s| s.tables.iter().any(|x| &x.name == t))
    {
        ck.fail(
            p.key("scope").key("table"),
            format!("no store of this leak has a table `{t}`"),
        );
    }
    let in_leak = |name: &str| {
        held.iter().any(|s| {
            s.tables.iter().any(|t| {
                table_name.as_ref().is_none_or(|n| n == &t.name)
                    && t.attributes.iter().any(|a| a.name == name)
            })
        })
    };
    let mut resolve = |path: FieldPath, name: &str, what: &str| -> Field {
        let f = field(name, names);
        if !f.has_values() {
            ck.fail(
                path,
                format!(
                    "`{name}` has no synthetic values and cannot be used in {what}; allowed: {}",
                    value_names(names)
                ),
            );
        } else if !in_leak(name) {
            ck.fail(
                path,
                format!("`{name}` is not an attribute of what this leak takes from its stores"),
            );
        }
        f
    };
    let join_on = l
        .join_on
        .iter()
        .enumerate()
        .map(|(k, n)| resolve(p.key("join_on").index(k), n, "a join"))
        .collect();
    let sets = l
        .quasi_identifier_sets
        .iter()
        .enumerate()
        .map(|(k, set)| {
            let sp = p.key("quasi_identifier_sets").index(k);
            set.iter()
                .enumerate()
                .map(|(j, n)| (n.clone(), resolve(sp.index(j), n, "a quasi-identifier set")))
                .collect()
        })
        .collect();
    for (k, n) in l.join_on.iter().enumerate() {
        let holds = |s: &&Store| {
            s.tables.iter().any(|t| {
                table_name.as_ref().is_none_or(|x| x == &t.name)
                    && t.attributes.iter().any(|a| &a.name == n)
            })
        };
        if let Some(s) = held.iter().find(|s| !holds(s)) {
            ck.fail(
                p.key("join_on").index(k),
                format!("join key `{n}` is not held by store `{}`: every store of a federated leak must hold each join key", s.name),
            );
        }
    }
    let mut distinct: Vec<&str> = Vec::new();
    for s in &held {
        for t in &s.tables {
            if table_name.as_ref().is_none_or(|x| x == &t.name) {
                for a in &t.attributes {
                    if !distinct.contains(&a.name.as_str()) {
                        distinct.push(&a.name);
                    }
                }
            }
        }
    }
    if distinct.len() > 64 {
        ck.fail(
            p.key("stores"),
            format!(
                "what this leak takes from its stores holds {} distinct attributes; at most 64 can be evaluated",
                distinct.len()
            ),
        );
    }
    for (k, set) in l.quasi_identifier_sets.iter().enumerate() {
        let sp = p.key("quasi_identifier_sets").index(k);
        if set.is_empty() {
            ck.fail(
                sp.clone(),
                "a quasi-identifier set names at least one attribute",
            );
        }
        for (j, n) in set.iter().enumerate() {
            if set[..j].contains(n) {
                ck.fail(sp.index(j), format!("`{n}` is named twice in this set"));
            }
        }
    }
    Leak {
        name: l.name.clone(),
        day,
        window_days: l.window_days,
        discovery_lag_days: l.discovery_lag_days,
        scope,
        table_name,
        stores: ix,
        topology,
        join_on,
        quasi_identifier_sets: sets,
    }
}

/// A leak's `date`: a day number, or a calendar date with `simulation.start`.
fn leak_day(ck: &mut Checker<'_>, p: &FieldPath, v: &toml::Value, h: &Horizon) -> u32 {
    match v {
        toml::Value::Integer(d) if (0..i64::from(u32::MAX)).contains(d) => *d as u32,
        toml::Value::Datetime(t) => {
            let Some(date) = calendar_date(ck, p.clone(), "date", t) else {
                return 0;
            };
            let Some(start) = h.start else {
                if !h.start_invalid {
                    ck.fail(
                        p.clone(),
                        format!("`date = {date}` needs a calendar: set `simulation.start` (the date of day 0), or give a day number"),
                    );
                }
                return 0;
            };
            let d = date.days() - start.days();
            if d < 0 {
                ck.fail(
                    p.clone(),
                    format!("date {date} is before the start of the run ({start})"),
                );
                return 0;
            }
            d.min(i64::from(u32::MAX - 1)) as u32
        }
        other => {
            ck.fail(
                p.clone(),
                format!("date `{other}` is not allowed: a day number of the run (0, 1, …) or a calendar date such as 2021-04-01 with simulation.start"),
            );
            0
        }
    }
}

/// A leak's `scope`.
fn leak_scope(ck: &mut Checker<'_>, p: &FieldPath, v: &toml::Value) -> (LeakScope, Option<String>) {
    let allowed = "give \"whole\", { sample = FRACTION } or { table = \"NAME\" }";
    match v {
        toml::Value::String(s) if s == "whole" => (LeakScope::Whole, None),
        toml::Value::Table(t) if t.len() == 1 => {
            if let Some(f) = t.get("sample").and_then(toml::Value::as_float) {
                if !(f > 0.0 && f <= 1.0) {
                    ck.fail(
                        p.key("sample"),
                        format!("sample `{f}` is not allowed: a fraction in (0, 1]"),
                    );
                }
                (LeakScope::Sample(f), None)
            } else if let Some(n) = t.get("table").and_then(toml::Value::as_str) {
                (LeakScope::Table, Some(n.to_string()))
            } else {
                ck.fail(p.clone(), format!("scope `{v}` is not allowed: {allowed}"));
                (LeakScope::Whole, None)
            }
        }
        _ => {
            ck.fail(p.clone(), format!("scope `{v}` is not allowed: {allowed}"));
            (LeakScope::Whole, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::age_band;

    #[test]
    fn age_bands_parse() {
        assert_eq!(age_band("15-59", 100), Some((15, 59)));
        assert_eq!(age_band("60+", 100), Some((60, 100)));
        assert_eq!(age_band("0-14", 100), Some((0, 14)));
        assert_eq!(age_band("young", 100), None);
        assert_eq!(age_band("60-20", 100), None);
        assert_eq!(age_band("60+", 50), None);
    }
}
