//! `[identity]`, `[[stores]]` and `[[leaks]]` as written in the scenario file
//! (re-exported by [`crate::raw`]). Fields that take either a number or a table
//! (`coverage`, `scope`, `date`) are kept as TOML values and read by the checks, so
//! that a wrong one gets a message saying what is allowed.

use crate::raw::Named;
use serde::{Deserialize, Serialize};

/// `[identity]`: how the synthetic identity attributes are drawn (all optional).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// Simulated persons per county-level unit (default 500,000: ≈1.41 bn people over
    /// ≈2,850 units, RECORD-STORES "Derived" [U]). The cell's population is kept, not
    /// the number of units.
    #[serde(default = "default_county")]
    pub county_persons: u64,
    /// Simulated persons per postcode-like cell (default 9,330: the mean US ZIP
    /// population of J. D. Cook's check [S]).
    #[serde(default = "default_postcode")]
    pub postcode_persons: u64,
    /// Without an `age` attribute, birth dates are uniform over this many years before
    /// day 0 (default 78, J. D. Cook's check [S]).
    #[serde(default = "default_birth_years")]
    pub birth_years: u32,
    /// The oldest age of an open age band such as `60+` (default 100; assumption).
    #[serde(default = "default_max_age")]
    pub max_age: u32,
    /// Real persons each simulated person stands for (default 1): counts in the leak
    /// audit are also shown multiplied by it; shares are not.
    #[serde(default = "default_scale")]
    pub scale: f64,
}

fn default_county() -> u64 {
    500_000
}
fn default_postcode() -> u64 {
    9_330
}
fn default_birth_years() -> u32 {
    78
}
fn default_max_age() -> u32 {
    100
}
fn default_scale() -> f64 {
    1.0
}

impl Default for Identity {
    fn default() -> Self {
        Identity {
            county_persons: default_county(),
            postcode_persons: default_postcode(),
            birth_years: default_birth_years(),
            max_age: default_max_age(),
            scale: default_scale(),
        }
    }
}

/// One `[[stores]]` entry: a record store, whom it holds and what.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Store {
    /// Name (leaks name it).
    pub name: String,
    /// Whom it holds: a share of the population (`0.7`), the persons on a list at the
    /// leak's date (`{ list = "blacklist" }`), or those with at least one record by then
    /// (`"recorded"`).
    pub coverage: toml::Value,
    /// Its tables: table name → attribute → `direct`, `quasi` or `sensitive`.
    pub tables: Named<Named<String>>,
}

/// One `[[leaks]]` entry: a read of one or more stores at a date.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Leak {
    /// Name (in the audit).
    pub name: String,
    /// Day of the leak (a day number, or a calendar date with `simulation.start`); the
    /// store is read at the end of that day.
    pub date: toml::Value,
    /// Days the leaked data stay exposed (default: to the horizon).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_days: Option<u32>,
    /// Days until the leak is discovered (an assumption; reported only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discovery_lag_days: Option<u32>,
    /// What is taken: `"whole"`, `{ sample = 0.00075 }` or `{ table = "persons" }`.
    #[serde(default = "whole")]
    pub scope: toml::Value,
    /// The stores it takes from.
    pub stores: Vec<String>,
    /// `centralised` (one store holding every agency's attributes) or `federated` (one
    /// store per agency, joined on `join_on`).
    pub topology: String,
    /// The shared keys federated stores are joined on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub join_on: Vec<String>,
    /// Quasi-identifier sets to evaluate.
    #[serde(default)]
    pub quasi_identifier_sets: Vec<Vec<String>>,
}

fn whole() -> toml::Value {
    toml::Value::String("whole".into())
}
