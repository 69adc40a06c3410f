//! `[score]`: the point score's base and bounds, and the grade bands that must tile
//! every reachable score.

use crate::error::FieldPath;
use crate::validate::{Checker, MAX_GRADES, MAX_SCORE};
use serde::Serialize;
use std::collections::HashMap;

/// The tables as written in the scenario file (re-exported by [`crate::raw`]).
pub mod raw {
    use serde::{Deserialize, Serialize};

    /// `[score]`: the point score.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Score {
        /// Everyone's score before any record.
        pub base: i64,
        /// Lowest possible score (absent: unbounded).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub min: Option<i64>,
        /// Highest possible score (absent: unbounded).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub max: Option<i64>,
        /// Grade bands; together they must cover every possible score exactly once.
        #[serde(default)]
        pub grades: Vec<Grade>,
    }

    /// `[[score.grades]]`: one grade band (inclusive bounds).
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Grade {
        /// Grade name.
        pub name: String,
        /// Lowest score in the band (absent: no lower bound).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub min: Option<i64>,
        /// Highest score in the band (absent: no upper bound).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub max: Option<i64>,
        /// Free text.
        #[serde(default)]
        pub description: String,
    }
}

/// Score rules.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreRules {
    /// Base score.
    pub base: i64,
    /// Lower bound.
    pub min: Option<i64>,
    /// Upper bound.
    pub max: Option<i64>,
    /// Grades in rank order, best (highest band) first, whatever the file's order.
    pub grades: Vec<GradeBand>,
    /// Grade indices ordered from the lowest scores to the highest.
    pub ascending: Vec<usize>,
}

/// One grade band (inclusive bounds).
#[derive(Debug, Clone, Serialize)]
pub struct GradeBand {
    /// Name.
    pub name: String,
    /// Lowest score (None: unbounded).
    pub min: Option<i64>,
    /// Highest score (None: unbounded).
    pub max: Option<i64>,
}

impl ScoreRules {
    /// The score for a sum of points: base plus points, clamped to [min, max].
    #[inline]
    pub fn score(&self, points: i64) -> i64 {
        let mut s = self.base.saturating_add(points);
        if let Some(lo) = self.min {
            s = s.max(lo);
        }
        if let Some(hi) = self.max {
            s = s.min(hi);
        }
        s
    }

    /// The grade holding a score, if the scenario has grades.
    #[inline]
    pub fn grade(&self, score: i64) -> Option<usize> {
        self.ascending
            .iter()
            .copied()
            .find(|&g| self.grades[g].max.is_none_or(|hi| score <= hi))
    }

    /// The grade with the lowest scores.
    pub fn lowest_grade(&self) -> Option<usize> {
        self.ascending.first().copied()
    }
}

/// Checks the score and its grades and compiles them; returns them (if the scenario
/// has a score) and the grades' index by name.
pub(crate) fn compile(
    ck: &mut Checker<'_>,
    score: Option<&raw::Score>,
) -> (Option<ScoreRules>, HashMap<String, usize>) {
    let mut grade_index = HashMap::new();
    let score = score.map(|sc| {
        let p = FieldPath::keys(&["score"]);
        let big = |v: Option<i64>| v.is_some_and(|x| x.unsigned_abs() > MAX_SCORE as u64);
        if big(Some(sc.base))
            || big(sc.min)
            || big(sc.max)
            || sc.grades.iter().any(|g| big(g.min) || big(g.max))
        {
            ck.fail(
                p.clone(),
                format!("score values must lie within ±{MAX_SCORE}"),
            );
        }
        if let (Some(lo), Some(hi)) = (sc.min, sc.max)
            && lo > hi
        {
            ck.fail(p.key("min"), format!("min {lo} is above max {hi}"));
        }
        if sc.min.is_some_and(|lo| sc.base < lo) || sc.max.is_some_and(|hi| sc.base > hi) {
            ck.fail(
                p.key("base"),
                format!("base {} is outside [min, max]", sc.base),
            );
        }
        let gpath = p.key("grades");
        if sc.grades.len() > MAX_GRADES {
            ck.fail(gpath.clone(), format!("at most {MAX_GRADES} grades"));
        }
        for (i, g) in sc.grades.iter().enumerate() {
            if g.name.is_empty() || grade_index.insert(g.name.clone(), i).is_some() {
                ck.fail(
                    gpath.index(i).key("name"),
                    format!("grade name `{}` is empty or used twice", g.name),
                );
            }
            if let (Some(lo), Some(hi)) = (g.min, g.max)
                && lo > hi
            {
                ck.fail(
                    gpath.index(i).key("min"),
                    format!("grade `{}` has min {lo} above max {hi}", g.name),
                );
            }
        }
        let mut ascending: Vec<usize> = (0..sc.grades.len()).collect();
        ascending.sort_by_key(|&g| {
            let b = &sc.grades[g];
            (b.min.is_some(), b.min, b.max.is_none(), b.max)
        });
        check_bands(ck, &gpath, sc, &ascending);
        // Compiled grades are in rank order, best (highest band) first, whatever order
        // the scenario declares them in: every output lists them so.
        let rank: Vec<usize> = ascending.iter().rev().copied().collect();
        for (position, &declared) in rank.iter().enumerate() {
            grade_index.insert(sc.grades[declared].name.clone(), position);
        }
        ScoreRules {
            base: sc.base,
            min: sc.min,
            max: sc.max,
            grades: rank
                .iter()
                .map(|&declared| {
                    let g = &sc.grades[declared];
                    GradeBand {
                        name: g.name.clone(),
                        min: g.min,
                        max: g.max,
                    }
                })
                .collect(),
            ascending: (0..rank.len()).rev().collect(),
        }
    });
    (score, grade_index)
}

/// Grade bands must cover every reachable score exactly once.
fn check_bands(ck: &mut Checker<'_>, path: &FieldPath, sc: &raw::Score, ascending: &[usize]) {
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
