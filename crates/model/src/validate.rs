//! The checks every scenario section uses, and the limits they enforce.
//!
//! A `Checker` collects problems instead of stopping at the first, so one
//! `credsim validate` shows everything to fix; every problem names the field path and
//! what is allowed. The sections (`crate::section`) call these helpers while compiling.

use crate::error::{FieldPath, Problem};
use crate::kinds::{Status, StatusTrigger};
use crate::raw::Named;
use std::collections::HashMap;

/// Most domains a scenario may declare (they are kept as bits of a mask).
pub const MAX_DOMAINS: usize = 32;
/// Most grades.
pub const MAX_GRADES: usize = 16;
/// Most lists.
pub const MAX_LISTS: usize = 8;
/// Most treatments.
pub const MAX_TREATMENTS: usize = 32;
/// Most persons (person ids are 32-bit: at most 2³² − 1 = 4,294,967,295; rounded down).
pub const MAX_PERSONS: u64 = 4_000_000_000;
/// Largest number of points one record may add or deduct.
pub const MAX_POINTS: u64 = 1_000_000_000;
/// Largest score bound or grade bound (keeps score arithmetic far from overflow).
pub const MAX_SCORE: i64 = 1_000_000_000_000;
/// Longest horizon in days (100 years).
pub const MAX_DAYS: u32 = 36_500;
/// Largest household (sizes are keys "1" to "100").
pub const MAX_HOUSEHOLD: u64 = 100;
/// Persons per chunk the engine aims at (its `population::CHUNK_PERSONS`): it cuts the
/// population into chunks of whole households, adding households while a chunk holds
/// fewer than this many persons.
pub const CHUNK_PERSONS: u64 = 8_192;
/// Most persons in one chunk: 8,191 and then the largest household.
pub const MAX_CHUNK_PERSONS: u64 = CHUNK_PERSONS - 1 + MAX_HOUSEHOLD;
/// Most events a person may be expected to have over the horizon (518,027): a chunk
/// numbers the events it schedules in 32 bits (`Event::tie`, the insertion order that
/// breaks ties between a person's events of one day and kind), and every act, record
/// arrival and false record is an event, so a chunk of [`MAX_CHUNK_PERSONS`] persons
/// has 2³² numbers for all of them.
pub const MAX_EVENTS_PER_PERSON: f64 = 4_294_967_296.0 / MAX_CHUNK_PERSONS as f64;
/// Largest mean the Poisson sampler draws correctly (`rng::Poisson` splits a mean into
/// at most 2³² − 1 parts of at most 30).
pub const MAX_POISSON_MEAN: f64 = 30.0 * u32::MAX as f64;
/// Most attempts to use one service a person may be expected to make over the horizon
/// (about 1.55 × 10⁷): the attempts granted in a chunk and period are one Poisson draw
/// of mean rate × rewarded person-days, at most rate × [`MAX_CHUNK_PERSONS`] × days.
/// (Below it the gaps between attempts, in f64 days, stay above 10⁸ ulps of a day.)
pub const MAX_ATTEMPTS_PER_PERSON: f64 = MAX_POISSON_MEAN / MAX_CHUNK_PERSONS as f64;

/// A number as written in a message: plainly below 10⁷, in scientific notation above
/// (so 1e308 does not print 309 digits).
pub(crate) fn show(x: f64) -> String {
    if x.abs() < 1e7 {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

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

    /// Resolves a status trigger to a grade or list index.
    pub(crate) fn status(
        &mut self,
        path: &FieldPath,
        trigger: &StatusTrigger,
        names: &StatusNames<'_>,
    ) -> Status {
        match trigger {
            StatusTrigger::Grade(g) => {
                if !names.has_score {
                    self.fail(
                        path.key("grade"),
                        "grade triggers need a [score] with grades",
                    );
                    return Status::Grade(0);
                }
                Status::Grade(self.lookup(path.key("grade"), "grade", names.grades, g))
            }
            StatusTrigger::List(l) => {
                Status::List(self.lookup(path.key("list"), "list", names.lists, l))
            }
        }
    }
}

/// The grades and lists a status trigger may name.
pub(crate) struct StatusNames<'a> {
    /// Whether the scenario has a score (grade triggers need one).
    pub(crate) has_score: bool,
    /// Grade name → index.
    pub(crate) grades: &'a HashMap<String, usize>,
    /// List id → index.
    pub(crate) lists: &'a HashMap<String, usize>,
}
