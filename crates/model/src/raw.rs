//! The scenario file format: serde types that mirror the TOML a user writes.
//!
//! These types only describe *shape* (field names, types, defaults). Everything that
//! needs more than one field to check (ids that must exist, probabilities in range,
//! grade bands that tile the score range) is checked while compiling a [`Scenario`]
//! into a [`crate::Model`], section by section. Every table denies unknown fields, so
//! a typo is an error that names the field, never a silently ignored key.
//!
//! After deserialisation every default is filled in, so serialising a [`Scenario`]
//! back to TOML shows the fully resolved scenario (`credsim show`), in the order of
//! these types' fields (maps keep the file's order).
//!
//! Only [`Scenario`] is defined here; each table's type lives beside its compiled
//! form and its checks in the crate's section modules, and is re-exported here.

pub use crate::kinds::{Level, ListKind, Period, Scope, StatusTrigger, TreatmentKind};
pub use crate::section::appeals::raw::{Appeals, ByTruth, Repair};
pub use crate::section::attacks::raw::{Attack, Defences};
pub use crate::section::behaviours::raw::{Behaviour, Deterrence};
pub use crate::section::chilling::raw::Chilling;
pub use crate::section::firms::raw as firms;
pub use crate::section::grading::raw::Grading;
pub use crate::section::leaks::raw::{Identity, Leak, Store};
pub use crate::section::lists::raw::{ContactsTrigger, List, ListTrigger};
pub use crate::section::network::raw::Network;
pub use crate::section::population::raw::{Attribute, Households, Population};
pub use crate::section::records::raw::RecordRule;
pub use crate::section::score::raw::{Grade, Score};
pub use crate::section::scrutiny::raw::Scrutiny;
pub use crate::section::services::raw::Service;
pub use crate::section::simulation::raw::{Meta, Simulation};
pub use crate::section::sources::raw::Source;
pub use crate::section::treatments::raw::Treatment;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// A map from names to values that keeps the order of the file.
pub type Named<V> = IndexMap<String, V>;

/// One scenario: one regime applied to one synthetic population.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name and description.
    pub scenario: Meta,
    /// Horizon, reporting period and seed.
    pub simulation: Simulation,
    /// The synthetic population.
    pub population: Population,
    /// Every domain of life the regime touches (court, finance, transport, ...).
    /// Behaviours, services and treatments must name one of these.
    pub domains: Vec<String>,
    /// The audit's threshold of minor conduct: a sanctioned person all of whose genuine
    /// adverse acts have a gravity below it was sanctioned for minor conduct only (a
    /// top-level key, before the first table). Absent: not assessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minor_gravity: Option<f64>,
    /// What people do (the world, not the regime).
    pub behaviours: Vec<Behaviour>,
    /// Who records it, how well, how late and with what errors.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// The point score, if the regime has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Score>,
    /// A grading cadence: grades assessed on fixed dates only (absent: the grade follows
    /// every change of the score).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grading: Option<Grading>,
    /// Points and expiry per record type (record types are behaviour ids).
    #[serde(default)]
    pub records: Named<RecordRule>,
    /// Black and red lists.
    #[serde(default)]
    pub lists: Vec<List>,
    /// Services whose access the regime can restrict or grant.
    #[serde(default)]
    pub services: Vec<Service>,
    /// Sanctions and rewards.
    #[serde(default)]
    pub treatments: Vec<Treatment>,
    /// Heightened scrutiny of flagged people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scrutiny: Option<Scrutiny>,
    /// Appeals against adverse records, reviewed by an office of limited capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeals: Option<Appeals>,
    /// Credit repair: adverse records removed early after a waiting period and a
    /// paid or educational step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair: Option<Repair>,
    /// Chilling: protected conduct falls as people see others penalised for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chilling: Option<Chilling>,
    /// Social ties beyond households (needed by `contacts` list triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<Network>,
    /// Tampering with the record store (issue 17; docs/ODD.md §3.12).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attacks: Vec<Attack>,
    /// The record store's defences against tampering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defences: Option<Defences>,
    /// Firms: a second kind of entity, rated, listed and sanctioned, linked to persons
    /// by their roles only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firms: Option<firms::Firms>,
    // --- record-store leaks (issue 17, section/leaks.rs) ---
    /// How the synthetic identity attributes of leaks are drawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// Record stores: whom each holds and which attributes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stores: Vec<Store>,
    /// Leaks of the stores at a date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leaks: Vec<Leak>,
}
