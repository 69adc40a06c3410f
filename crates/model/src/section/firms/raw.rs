//! `[firms]` as written in the scenario file (re-exported by [`crate::raw`]).

use crate::raw::Named;
use serde::{Deserialize, Serialize};

/// `[firms]`: a synthetic population of firms beside the persons, rated by several
/// regulators, listed and sanctioned, and linked to persons by their roles only.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Firms {
    /// Firms per person (the count is this times `population.persons`, rounded).
    /// Exactly one of `per_person` and `count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_person: Option<f64>,
    /// Number of firms. Exactly one of `per_person` and `count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Senior managers per firm beside its legal representative (0 to 8).
    #[serde(default)]
    pub managers: u32,
    /// Who may hold a role: attribute → the categories that may (e.g. adults).
    /// Absent: every person.
    #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
    pub holders: Named<Vec<String>>,
    /// Size class → its share of firms and its employees (for burden per employee).
    pub sizes: Named<Size>,
    /// Sector → share of firms. Absent: one sector, `all`.
    #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
    pub sectors: Named<f64>,
    /// Region → share of firms. Absent: one region, `all`.
    #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
    pub regions: Named<f64>,
    /// Flag (e.g. `trader`, `key_polluter`) → share of firms that carry it, drawn
    /// independently per flag.
    #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
    pub flags: Named<f64>,
    /// What firms do.
    pub behaviours: Vec<Behaviour>,
    /// Who records it routinely (inspections are the ratings').
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Ratings, one per regulator, each with its own classes and cadence.
    #[serde(default)]
    pub ratings: Vec<Rating>,
    /// Firm lists (abnormal operations, seriously dishonest, ...).
    #[serde(default)]
    pub lists: Vec<List>,
    /// Sanctions on firms across agencies.
    #[serde(default)]
    pub sanctions: Vec<Sanction>,
    /// How a firm's listing reaches the persons who hold its roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Roles>,
    /// Compliance burden: hours per rating requirement (absent: not assessed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_per_requirement: Option<f64>,
}

/// `sizes.<class> = { share = 0.8, employees = 5 }`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Size {
    /// Share of firms in this size class.
    pub share: f64,
    /// Employees of a firm of this class (for burden per employee).
    pub employees: f64,
}

/// `[[firms.behaviours]]`: one kind of firm conduct.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Behaviour {
    /// Identifier; also the record type.
    pub id: String,
    /// Domain (agency) it belongs to: one of the scenario's `domains`.
    pub domain: String,
    /// Mean occurrences per firm-year (before multipliers).
    pub rate_per_year: f64,
    /// Gamma shape of a per-firm multiplier of this behaviour (mean 1). Absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heterogeneity_shape: Option<f64>,
    /// Only firms with this flag do it (e.g. customs violations: `trader`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only: Option<String>,
    /// Size class → rate multiplier (missing classes: 1).
    #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
    pub size_multipliers: Named<f64>,
    /// Free text.
    #[serde(default)]
    pub description: String,
}

/// `[[firms.sources]]`: a routine source of records about firms.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Identifier.
    pub id: String,
    /// Behaviour → probability that an act is recorded by this source.
    pub observes: Named<f64>,
    /// Days from the act to the record's arrival.
    #[serde(default)]
    pub delay_days: u32,
    /// Behaviour → false records per firm-year (records of nothing that happened).
    #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
    pub false_records_per_year: Named<f64>,
    /// Free text.
    #[serde(default)]
    pub description: String,
}

/// `[[firms.ratings]]`: one regulator's rating.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    /// Identifier (`tax`, `customs`, ...).
    pub id: String,
    /// The regulator's domain.
    pub domain: String,
    /// Only firms with this flag are rated. Absent: every firm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<String>,
    /// Each firm's base score, normal with this mean and standard deviation (drawn
    /// from (seed, firm)): what the many indicators the model does not simulate give.
    pub base: Base,
    /// Classes from best to worst; each but the last has the lowest score it admits.
    pub classes: Vec<Class>,
    /// Days between assessments.
    pub every_days: u32,
    /// Day of the first assessment after day 0 (default `every_days`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_day: Option<u32>,
    /// Days before an assessment whose records count (default `every_days`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_days: Option<u32>,
    /// Behaviour → points one record deducts from the base score.
    #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
    pub points: Named<f64>,
    /// Records that put the firm straight into a class, for a term.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub direct: Vec<Direct>,
    /// Inspections at rates that depend on the class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspections: Option<Inspections>,
    /// Requirements the rating imposes on a rated firm (for the burden measure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirements: Option<f64>,
    /// Free text.
    #[serde(default)]
    pub description: String,
}

/// `base = { mean = 80, sd = 6 }`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Base {
    /// Mean.
    pub mean: f64,
    /// Standard deviation (≥ 0).
    pub sd: f64,
}

/// `{ id = "A", min = 90 }`: a class and the lowest score it admits.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Class {
    /// Name.
    pub id: String,
    /// Lowest score in the class (absent only on the last, worst class).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
}

/// `{ behaviour = "tax_evasion", class = "D", days = 730 }`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Direct {
    /// The record type that triggers it.
    pub behaviour: String,
    /// The class assigned.
    pub class: String,
    /// Days the class is held from the record's arrival.
    pub days: u32,
}

/// `inspections = { ... }` of a rating.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Inspections {
    /// Occasions per firm-year at which an inspection may happen (declarations,
    /// audit years).
    pub occasions_per_year: f64,
    /// Class → share of occasions inspected.
    pub share: Named<f64>,
    /// Probability that an inspection finds one unrecorded violation.
    pub detection: f64,
    /// Days back an inspection looks.
    pub lookback_days: u32,
    /// Behaviours an inspection looks for (default: those with points or a direct
    /// trigger in this rating).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finds: Vec<String>,
    /// The class whose share every class gets in the audit's counterfactual of equal
    /// inspection rates.
    pub reference: String,
}

/// `[[firms.lists]]`: a list of firms.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct List {
    /// Identifier.
    pub id: String,
    /// What puts a firm on it.
    pub trigger: Trigger,
    /// Days a listing is published; it ends then unless its trigger still holds.
    pub publicity_days: u32,
    /// Restoration on application before the term ends. Absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restoration: Option<Restoration>,
    /// Free text.
    #[serde(default)]
    pub description: String,
}

/// A trigger: a record of a behaviour, a rating's classes, or (sanctions) a list.
/// Exactly one of `behaviour`, `rating` (with `classes`) and `list`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// A record of this behaviour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behaviour: Option<String>,
    /// Being in one of `classes` of this rating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<String>,
    /// The classes of `rating`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    /// Being on this firm list (sanctions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
}

/// `restoration = { after_days = 90, probability = 0.5, handling_days = 7 }`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Restoration {
    /// Days after entry from which a firm may apply.
    pub after_days: u32,
    /// Probability that a listed firm applies then.
    pub probability: f64,
    /// Days from application to exit.
    #[serde(default)]
    pub handling_days: u32,
}

/// `[[firms.sanctions]]`: a sanction on firms.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Sanction {
    /// Identifier (`procurement_ban`, `bond_issuance`, ...).
    pub id: String,
    /// The domain (agency) that applies it.
    pub domain: String,
    /// A firm list or a rating's classes.
    pub trigger: Trigger,
    /// `all`: whatever the status's cause; `own`: only when the status comes from this
    /// sanction's domain.
    pub scope: crate::kinds::Scope,
    /// Free text.
    #[serde(default)]
    pub description: String,
}

/// `[firms.roles]`: how a firm's listing reaches its role-holders.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Roles {
    /// `restrict` (the post-2020 rule: spending restricted, person not listed) or
    /// `list` (the earlier practice: the person is listed).
    pub mode: RoleMode,
    /// Which roles it reaches: `representative`, `manager`.
    pub roles: Vec<String>,
    /// The firm lists whose listing reaches them.
    pub lists: Vec<String>,
    /// The person services restricted while it does (scenario `services`).
    pub services: Vec<String>,
}

/// Whether a firm's listing restricts its role-holders or lists them.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RoleMode {
    /// Restricted, not listed (SPC Fa Fa [2019] No. 35; the current rule).
    Restrict,
    /// Listed (the earlier practice).
    List,
}
