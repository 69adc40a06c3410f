//! The checks every scenario section uses, and the limits they enforce.
//!
//! A [`Checker`] collects problems instead of stopping at the first, so one
//! `credsim validate` shows everything to fix; every problem names the field path and
//! what is allowed. The sections (`crate::section`) call these helpers while compiling.

use crate::error::{FieldPath, Problem};
use crate::model::*;
use crate::raw::{self, Named};
use std::collections::HashMap;

/// Most domains a scenario may declare (they are kept as bits of a mask).
pub const MAX_DOMAINS: usize = 32;
/// Most grades.
pub const MAX_GRADES: usize = 16;
/// Most lists.
pub const MAX_LISTS: usize = 8;
/// Most treatments.
pub const MAX_TREATMENTS: usize = 32;
/// Most persons (person ids are 32-bit).
pub const MAX_PERSONS: u64 = 4_000_000_000;
/// Largest number of points one record may add or deduct.
pub const MAX_POINTS: u64 = 1_000_000_000;
/// Largest score bound or grade bound (keeps score arithmetic far from overflow).
pub const MAX_SCORE: i64 = 1_000_000_000_000;
/// Longest horizon in days (100 years).
pub const MAX_DAYS: u32 = 36_500;

/// Collects problems while checking, each placed in the source.
pub(crate) struct Checker<'a> {
    located: &'a crate::error::Located<'a>,
    problems: Vec<Problem>,
}

impl<'a> Checker<'a> {
    /// A checker with no problems yet, placing problems in `located`.
    pub(crate) fn new(located: &'a crate::error::Located<'a>) -> Self {
        Checker {
            located,
            problems: Vec::new(),
        }
    }

    /// Every problem found, in the order found, or `Ok` if there were none.
    pub(crate) fn finish(self) -> Result<(), Vec<Problem>> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(self.problems)
        }
    }

    /// Records a problem at a field.
    pub(crate) fn fail(&mut self, path: FieldPath, message: impl Into<String>) {
        self.problems
            .push(self.located.problem(path, message.into()));
    }

    /// A probability, which must lie in [0, 1].
    pub(crate) fn probability(&mut self, path: FieldPath, what: &str, p: f64) -> f64 {
        if !(0.0..=1.0).contains(&p) {
            self.fail(
                path,
                format!("{what} {p} is outside the allowed range [0, 1]"),
            );
        }
        p
    }

    /// A finite number ≥ 0.
    pub(crate) fn non_negative(&mut self, path: FieldPath, what: &str, x: f64) -> f64 {
        if !(x.is_finite() && x >= 0.0) {
            self.fail(
                path,
                format!("{what} {x} is not allowed: it must be a finite number ≥ 0"),
            );
        }
        x
    }

    /// A finite number > 0.
    pub(crate) fn positive(&mut self, path: FieldPath, what: &str, x: f64) -> f64 {
        if !(x.is_finite() && x > 0.0) {
            self.fail(
                path,
                format!("{what} {x} is not allowed: it must be a finite number > 0"),
            );
        }
        x
    }

    /// Checks shares that must sum to 1; returns them in file order.
    pub(crate) fn shares(&mut self, path: &FieldPath, what: &str, map: &Named<f64>) -> Vec<f64> {
        if map.is_empty() {
            self.fail(path.clone(), format!("{what} needs at least one entry"));
            return Vec::new();
        }
        let mut out = Vec::new();
        for (k, &v) in map {
            out.push(self.non_negative(path.key(k), "share", v));
        }
        let sum: f64 = out.iter().sum();
        if (sum - 1.0).abs() > 1e-6 {
            self.fail(
                path.clone(),
                format!("{what} sum to {sum}, but they must sum to 1 (within 1e-6)"),
            );
        }
        out
    }

    /// Indexes ids, reporting duplicates and empty ids.
    pub(crate) fn ids<'s>(
        &mut self,
        path: &FieldPath,
        what: &str,
        ids: impl Iterator<Item = &'s str>,
    ) -> HashMap<String, usize> {
        let mut index = HashMap::new();
        for (i, id) in ids.enumerate() {
            if id.is_empty() {
                self.fail(
                    path.index(i).key("id"),
                    format!("{what} id must not be empty"),
                );
            } else if index.insert(id.to_string(), i).is_some() {
                self.fail(
                    path.index(i).key("id"),
                    format!("duplicate {what} id `{id}`: ids must be unique"),
                );
            }
        }
        index
    }

    /// The index of a name, or a problem listing the defined names (and index 0).
    pub(crate) fn lookup(
        &mut self,
        path: FieldPath,
        what: &str,
        index: &HashMap<String, usize>,
        name: &str,
    ) -> usize {
        match index.get(name) {
            Some(&i) => i,
            None => {
                let mut known: Vec<&str> = index.keys().map(String::as_str).collect();
                known.sort_unstable();
                let known = if known.is_empty() {
                    "none are defined".to_string()
                } else {
                    format!("defined: {}", known.join(", "))
                };
                self.fail(path, format!("unknown {what} `{name}` ({known})"));
                0
            }
        }
    }
}

/// Multipliers by attribute category, `[attribute][category]`, defaulting to 1.
pub(crate) fn multipliers(
    ck: &mut Checker<'_>,
    path: &FieldPath,
    attrs: &[raw::Attribute],
    attr_index: &HashMap<String, usize>,
    map: &Named<Named<f64>>,
) -> Vec<Vec<f64>> {
    let mut out: Vec<Vec<f64>> = attrs
        .iter()
        .map(|a| vec![1.0; a.categories.len()])
        .collect();
    for (attr, cats) in map {
        if !attr_index.contains_key(attr) {
            // Reported once; its categories cannot be checked against anything.
            ck.lookup(path.key(attr), "attribute", attr_index, attr);
            continue;
        }
        let a = ck.lookup(path.key(attr), "attribute", attr_index, attr);
        let Some(attribute) = attrs.get(a) else {
            continue;
        };
        for (cat, &factor) in cats {
            let p = path.key(attr).key(cat);
            let factor = ck.non_negative(p.clone(), "multiplier", factor);
            match attribute.categories.get_index_of(cat) {
                Some(c) => out[a][c] = factor,
                None => {
                    let known: Vec<&str> =
                        attribute.categories.keys().map(String::as_str).collect();
                    ck.fail(
                        p,
                        format!(
                            "attribute `{attr}` has no category `{cat}` (its categories: {})",
                            known.join(", ")
                        ),
                    );
                }
            }
        }
    }
    out
}

/// Whether a name is usable in output folder names.
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Resolves a status trigger to a grade or list index.
pub(crate) fn status(
    ck: &mut Checker<'_>,
    path: &FieldPath,
    trigger: &raw::StatusTrigger,
    has_score: bool,
    grades: &HashMap<String, usize>,
    lists: &HashMap<String, usize>,
) -> Status {
    match trigger {
        raw::StatusTrigger::Grade(g) => {
            if !has_score {
                ck.fail(
                    path.key("grade"),
                    "grade triggers need a [score] with grades",
                );
                return Status::Grade(0);
            }
            Status::Grade(ck.lookup(path.key("grade"), "grade", grades, g))
        }
        raw::StatusTrigger::List(l) => Status::List(ck.lookup(path.key("list"), "list", lists, l)),
    }
}

/// Grade bands must cover every reachable score exactly once.
pub(crate) fn check_bands(
    ck: &mut Checker<'_>,
    path: &FieldPath,
    sc: &raw::Score,
    ascending: &[usize],
) {
    let g = &sc.grades;
    let Some((&first, &last)) = ascending.first().zip(ascending.last()) else {
        return;
    };
    let fmt = |v: Option<i64>| v.map_or("unbounded".to_string(), |x| x.to_string());
    if let Some(lo) = g[first].min
        && sc.min.is_none_or(|m| m < lo)
    {
        ck.fail(
            path.index(first).key("min"),
            format!(
                "scores below {lo} (score min: {}) fall in no grade: the lowest grade must start at or below the score's min (or omit its min)",
                fmt(sc.min)
            ),
        );
    }
    if let Some(hi) = g[last].max
        && sc.max.is_none_or(|m| m > hi)
    {
        ck.fail(
            path.index(last).key("max"),
            format!(
                "scores above {hi} (score max: {}) fall in no grade: the highest grade must end at or above the score's max (or omit its max)",
                fmt(sc.max)
            ),
        );
    }
    for w in ascending.windows(2) {
        let (a, b) = (&g[w[0]], &g[w[1]]);
        match (a.max, b.min) {
            (Some(hi), Some(lo)) if lo as i128 == hi as i128 + 1 => {}
            (Some(hi), Some(lo)) if lo <= hi => ck.fail(
                path.index(w[1]).key("min"),
                format!("grades `{}` and `{}` overlap: `{}` ends at {hi} and `{}` starts at {lo}; the next band must start at {}", a.name, b.name, a.name, b.name, hi as i128 + 1),
            ),
            (Some(hi), Some(lo)) => ck.fail(
                path.index(w[1]).key("min"),
                format!("gap between grades `{}` and `{}`: scores {} to {} fall in no grade", a.name, b.name, hi as i128 + 1, lo as i128 - 1),
            ),
            (None, _) => ck.fail(
                path.index(w[0]).key("max"),
                format!("grade `{}` has no `max` (unbounded above) but grade `{}` lies above it: only the highest grade may omit `max`", a.name, b.name),
            ),
            (_, None) => ck.fail(
                path.index(w[1]),
                format!("grades `{}` and `{}` both omit `min` (unbounded below): only the lowest grade may omit `min`", a.name, b.name),
            ),
        }
    }
}
