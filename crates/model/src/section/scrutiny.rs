//! `[scrutiny]`: heightened attention (more capture) on people with a status.

use crate::error::FieldPath;
use crate::kinds::Status;
use crate::validate::{Checker, StatusNames};
use serde::Serialize;

/// The table as written in the scenario file (re-exported by [`crate::raw`]).
pub mod raw {
    use crate::kinds::StatusTrigger;
    use serde::{Deserialize, Serialize};

    /// `[scrutiny]`: heightened attention on flagged people.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Scrutiny {
        /// Status that starts (or renews) scrutiny.
        pub trigger: StatusTrigger,
        /// Factor on every capture probability while under scrutiny (capped at probability 1).
        pub capture_multiplier: f64,
        /// Days scrutiny lasts after it is triggered.
        pub duration_days: u32,
    }
}

/// Heightened scrutiny.
#[derive(Debug, Clone, Serialize)]
pub struct Scrutiny {
    /// Trigger.
    pub trigger: Status,
    /// Capture multiplier.
    pub capture_multiplier: f64,
    /// Duration after each trigger.
    pub duration_days: u32,
}

/// Checks scrutiny, if the scenario has it, and compiles it.
pub(crate) fn compile(
    ck: &mut Checker<'_>,
    scrutiny: Option<&raw::Scrutiny>,
    statuses: &StatusNames<'_>,
) -> Option<Scrutiny> {
    scrutiny.map(|sc| {
        let p = FieldPath::keys(&["scrutiny"]);
        if sc.duration_days == 0 {
            ck.fail(p.key("duration_days"), "duration must be at least 1 day");
        }
        Scrutiny {
            trigger: ck.status(&p.key("trigger"), &sc.trigger, statuses),
            capture_multiplier: ck.non_negative(
                p.key("capture_multiplier"),
                "capture multiplier",
                sc.capture_multiplier,
            ),
            duration_days: sc.duration_days,
        }
    })
}
