//! `[scenario]` and `[simulation]`: the scenario's name, and its horizon, reporting
//! period and seed.

use crate::calendar::Date;
use crate::error::FieldPath;
use crate::kinds::Period;
use crate::validate::{Checker, MAX_DAYS};

/// The tables as written in the scenario file (re-exported by [`crate::raw`]).
pub mod raw {
    use crate::kinds::Period;
    use serde::{Deserialize, Serialize};

    /// `[scenario]`: what this scenario is.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Meta {
        /// Short name, used in output folder names (letters, digits, `-`, `_`, `.`).
        pub name: String,
        /// One line saying what the scenario models.
        #[serde(default)]
        pub description: String,
    }

    /// `[simulation]`: horizon, reporting period and seed.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Simulation {
        /// Horizon in years of 365 days. Give `years` or `days`, not both.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub years: Option<u32>,
        /// Horizon in days.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub days: Option<u32>,
        /// Seed of every random draw.
        pub seed: u64,
        /// Length of a reporting period (the time-series step and the engine's epoch).
        #[serde(default)]
        pub reporting_period: Period,
        /// Calendar date of day 0 (a TOML local date, e.g. `2010-01-01`): outputs then
        /// carry dates. Without it, time is days since the start.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub start: Option<toml::value::Datetime>,
    }
}

/// The horizon as compiled: its length and how it is cut into reporting periods.
pub(crate) struct Horizon {
    /// Horizon in days (0 if it is invalid).
    pub(crate) days: u32,
    /// Reporting periods per 365-day year (12, 4 or 1).
    pub(crate) per_year: u32,
    /// Calendar date of day 0.
    pub(crate) start: Option<Date>,
    /// `simulation.start` is given but is not a valid date (already reported).
    pub(crate) start_invalid: bool,
}

/// Checks the scenario's name (it names output folders).
pub(crate) fn meta(ck: &mut Checker<'_>, m: &raw::Meta) {
    if !valid_name(&m.name) {
        ck.fail(
            FieldPath::keys(&["scenario", "name"]),
            format!(
                "name `{}` is not allowed: use letters, digits, `-`, `_` and `.` only (it names output folders)",
                m.name
            ),
        );
    }
}

/// Whether a name is usable in output folder names.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Checks the horizon (`years` or `days`) and resolves the reporting period.
pub(crate) fn compile(ck: &mut Checker<'_>, s: &raw::Simulation) -> Horizon {
    let sim = FieldPath::keys(&["simulation"]);
    let days = match (s.years, s.days) {
        (Some(y), None) => y.saturating_mul(365),
        (None, Some(d)) => d,
        (Some(_), Some(_)) => {
            ck.fail(sim.key("days"), "give either `years` or `days`, not both");
            0
        }
        (None, None) => {
            ck.fail(sim.clone(), "the horizon is missing: set `years` or `days`");
            0
        }
    };
    if (s.years.is_some() != s.days.is_some()) && !(1..=MAX_DAYS).contains(&days) {
        let field = if s.years.is_some() { "years" } else { "days" };
        ck.fail(
            sim.key(field),
            format!("a horizon of {days} days is not allowed: it must be 1 to {MAX_DAYS} days (100 years)"),
        );
    }
    let per_year = match s.reporting_period {
        Period::Month => 12,
        Period::Quarter => 4,
        Period::Year => 1,
    };
    let start = s
        .start
        .as_ref()
        .and_then(|t| super::dated::calendar_date(ck, sim.key("start"), "start", t));
    Horizon {
        days,
        per_year,
        start_invalid: s.start.is_some() && start.is_none(),
        start,
    }
}
