//! `from` and `until` of a treatment or a list: the calendar dates between which the
//! rule is in force, checked against `simulation.start` and compiled to day indices.

use super::simulation::Horizon;
use crate::calendar::Date;
use crate::error::FieldPath;
use crate::model::{List, Treatment};
use crate::raw::Scenario;
use crate::validate::Checker;
use serde::Serialize;

/// The days a dated rule (a treatment or a list) is in force: `from` ≤ day < `until`.
/// Undated rules are in force on every day ([`InForce::ALWAYS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InForce {
    /// First day in force (0: from the start; at or after the horizon: never in this run).
    pub from: u32,
    /// First day no longer in force (`u32::MAX`: never repealed; 0: never in force).
    pub until: u32,
}

impl InForce {
    /// In force on every day.
    pub const ALWAYS: InForce = InForce {
        from: 0,
        until: u32::MAX,
    };

    /// Whether the rule is in force on `day`.
    #[inline]
    pub fn holds(&self, day: u32) -> bool {
        self.from <= day && day < self.until
    }

    /// The days within the horizon `(0, days)` on which the rule starts or stops being
    /// in force (empty for a rule in force on every day of the run).
    pub fn changes(&self, days: u32) -> impl Iterator<Item = u32> + use<> {
        [self.from, self.until]
            .into_iter()
            .filter(move |&d| d > 0 && d < days)
    }

    /// Whether the rule is in force on no day of a horizon of `days` days.
    pub fn never(&self, days: u32) -> bool {
        self.from >= days.min(self.until)
    }
}

/// Checks the `from` and `until` of every list and treatment and folds them into the
/// compiled ones.
pub(crate) fn compile(
    ck: &mut Checker<'_>,
    s: &Scenario,
    horizon: &Horizon,
    lists: &mut [List],
    treatments: &mut [Treatment],
) {
    for (x, (l, out)) in s.lists.iter().zip(lists).enumerate() {
        let path = FieldPath::keys(&["lists"]).index(x);
        out.in_force = in_force(ck, &path, l.from.as_ref(), l.until.as_ref(), horizon);
    }
    for (x, (t, out)) in s.treatments.iter().zip(treatments).enumerate() {
        let path = FieldPath::keys(&["treatments"]).index(x);
        out.in_force = in_force(ck, &path, t.from.as_ref(), t.until.as_ref(), horizon);
    }
}

/// Checks a rule's `from` and `until` (at `path`) and compiles them to days of the
/// horizon: a date needs `simulation.start`; `until` must come after `from`. A `from` on
/// or before the start is day 0 (in force from the start); dates after the horizon are
/// allowed (`--years` may shorten a run), and [`crate::warnings`] reports a rule that is
/// never in force.
fn in_force(
    ck: &mut Checker<'_>,
    path: &FieldPath,
    from: Option<&toml::value::Datetime>,
    until: Option<&toml::value::Datetime>,
    horizon: &Horizon,
) -> InForce {
    // The day index of a date (None: a problem; Some(None): not given).
    let mut day = |field: &str, value: Option<&toml::value::Datetime>| -> Option<Option<i64>> {
        let Some(value) = value else {
            return Some(None); // not given
        };
        let date = calendar_date(ck, path.key(field), field, value)?;
        let Some(start) = horizon.start else {
            if horizon.start_invalid {
                return None; // the start's own problem is reported
            }
            ck.fail(
                path.key(field),
                format!(
                    "`{field} = {date}` needs a calendar: set `simulation.start` (the date of day 0), e.g. start = 2010-01-01"
                ),
            );
            return None;
        };
        Some(Some(date.days() - start.days()))
    };
    let (Some(from), Some(until)) = (day("from", from), day("until", until)) else {
        return InForce::ALWAYS;
    };
    if let (Some(f), Some(u)) = (from, until)
        && u <= f
    {
        ck.fail(
            path.key("until"),
            format!(
                "`until` must be after `from`: the rule would be in force on no day (from day {f} to day {u} of the run)"
            ),
        );
    }
    let to_day = |d: i64| d.clamp(0, i64::from(u32::MAX - 1)) as u32;
    InForce {
        from: from.map_or(0, to_day),
        until: until.map_or(u32::MAX, to_day),
    }
}

/// A calendar date without a time (years 1000–9000), as `simulation.start` takes it, or
/// a problem at `path`.
pub(crate) fn calendar_date(
    ck: &mut Checker<'_>,
    path: FieldPath,
    field: &str,
    t: &toml::value::Datetime,
) -> Option<Date> {
    let date = t.date.filter(|_| t.time.is_none() && t.offset.is_none());
    let valid =
        date.and_then(|d| Date::new(i32::from(d.year), u32::from(d.month), u32::from(d.day)));
    let in_range = valid.filter(|d| (1000..=9000).contains(&d.year));
    if in_range.is_none() {
        let example = if field == "start" {
            "2010-01-01"
        } else {
            "2014-07-01"
        };
        ck.fail(
            path,
            format!(
                "{field} `{t}` is not allowed: give a calendar date without a time, e.g. {field} = {example}"
            ),
        );
    }
    in_range
}
