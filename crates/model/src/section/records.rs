//! `[records.TYPE]`: what one record of each type (a behaviour id) does to the score
//! and how long it counts, folded into that behaviour.

use super::behaviours::Behaviour;
use crate::error::FieldPath;
use crate::raw::Named;
use crate::validate::{Checker, MAX_POINTS};
use std::collections::HashMap;

/// The table as written in the scenario file (re-exported by [`crate::raw`]).
pub mod raw {
    use serde::{Deserialize, Serialize};

    /// `[records.TYPE]`: what one record of a type does to the score.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct RecordRule {
        /// Points added to the score (negative: deducted).
        #[serde(default)]
        pub points: i64,
        /// Days after arrival when the record stops counting (absent: never).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub expiry_days: Option<u32>,
        /// Free text, e.g. the source of the amount.
        #[serde(default)]
        pub description: String,
    }
}

/// Checks the record rules and folds their points and expiry into the behaviours.
pub(crate) fn compile(
    ck: &mut Checker<'_>,
    records: &Named<raw::RecordRule>,
    behaviour_index: &HashMap<String, usize>,
    behaviours: &mut [Behaviour],
    has_score: bool,
) {
    let rpath = FieldPath::keys(&["records"]);
    for (ty, rule) in records {
        let b = ck.lookup(
            rpath.key(ty),
            "record type (behaviour id)",
            behaviour_index,
            ty,
        );
        if rule.points != 0 && !has_score {
            ck.fail(
                rpath.key(ty).key("points"),
                "points need a score: add a [score] table, or remove the points",
            );
        }
        if rule.points.unsigned_abs() > MAX_POINTS {
            ck.fail(
                rpath.key(ty).key("points"),
                format!(
                    "{} points is not allowed: at most ±{MAX_POINTS} per record",
                    rule.points
                ),
            );
        }
        if rule.expiry_days == Some(0) {
            ck.fail(
                rpath.key(ty).key("expiry_days"),
                "expiry must be at least 1 day (omit it for never)",
            );
        }
        if let Some(beh) = behaviours.get_mut(b) {
            beh.points = rule.points;
            beh.expiry_days = rule.expiry_days;
        }
    }
}
