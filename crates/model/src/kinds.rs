//! The domain's vocabulary: small enums that the scenario file and the compiled
//! model share (the file names them in `snake_case`; the model keeps them as they
//! are), and the statuses that trigger treatments, scrutiny and contacts.

use serde::{Deserialize, Serialize};

/// Reporting period.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Twelve periods per 365-day year (30 or 31 days).
    #[default]
    Month,
    /// Four periods per year.
    Quarter,
    /// One period per year.
    Year,
}

/// Whether an attribute is drawn per person or per household.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Drawn independently for each person.
    #[default]
    Person,
    /// Drawn once per household and shared by its members.
    Household,
}

/// Black or red.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// Punitive list.
    Black,
    /// Honour list.
    Red,
}

/// Sanction or reward.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TreatmentKind {
    /// Restricts access.
    Sanction,
    /// Grants or prioritises access.
    Reward,
}

/// Scope of a treatment.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Only in the domain of the records that triggered it.
    Own,
    /// In every domain ("joint punishment").
    All,
}

/// A status that triggers a treatment, scrutiny or a contacts trigger, as the file
/// names it (by grade name or list id; compiled to a [`Status`]).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum StatusTrigger {
    /// Being in this grade.
    Grade(String),
    /// Being on this list.
    List(String),
}

/// A status: grade or list membership, by index (the compiled [`StatusTrigger`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    /// In grade (index).
    Grade(usize),
    /// On list (index).
    List(usize),
}
