//! `[grading]`: a grading cadence. Grades are assessed on fixed dates (e.g. once a
//! year) from the score on that date, and stay fixed between dates.

use crate::error::FieldPath;
use crate::validate::Checker;
use serde::Serialize;

/// The table as written in the scenario file (re-exported by [`crate::raw`]).
pub mod raw {
    use serde::{Deserialize, Serialize};

    /// `[grading]`: grades fixed at each assessment date.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Grading {
        /// Days between two assessments (365: once a year).
        pub every_days: u32,
        /// Day of the first assessment after day 0 (day 0 grades everyone from the base
        /// score). Default: `every_days`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub first_day: Option<u32>,
    }
}

/// Grades assessed on days `first_day + k × every_days` (k = 0, 1, …) and on day 0.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Grading {
    /// Days between two assessments.
    pub every_days: u32,
    /// Day of the first assessment after day 0 (≥ 1).
    pub first_day: u32,
}

impl Grading {
    /// The first assessment day on or after `day` (grades assessed on a day see every
    /// record of that day).
    #[inline]
    pub fn next_on_or_after(&self, day: u32) -> u64 {
        let (first, every) = (self.first_day as u64, self.every_days as u64);
        if (day as u64) <= first {
            first
        } else {
            first + (day as u64 - first).div_ceil(every) * every
        }
    }
}

/// Checks the grading cadence, if the scenario has one, and compiles it.
pub(crate) fn compile(
    ck: &mut Checker<'_>,
    grading: Option<&raw::Grading>,
    has_score: bool,
) -> Option<Grading> {
    grading.map(|g| {
        let p = FieldPath::keys(&["grading"]);
        if !has_score {
            ck.fail(
                p.clone(),
                "a grading cadence needs a [score] table with grades",
            );
        }
        if g.every_days == 0 {
            ck.fail(
                p.key("every_days"),
                "assessments must be at least 1 day apart",
            );
        }
        let first_day = g.first_day.unwrap_or(g.every_days);
        if g.first_day == Some(0) {
            ck.fail(
                p.key("first_day"),
                "the first assessment after day 0 is on day 1 or later (day 0 grades everyone from the base score)",
            );
        }
        Grading {
            every_days: g.every_days.max(1),
            first_day: first_day.max(1),
        }
    })
}
