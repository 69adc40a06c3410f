//! The score: points added and taken back, and the domains of the active scored
//! records (the causes of the grade): adverse records (negative points) are the causes
//! of a sanction, favourable ones (positive points) the causes of a reward.

use super::*;
use crate::per_person::per_person;

per_person! {
    /// What the score keeps per person.
    pub(super) struct State(d) {
        /// Sum of the points of the person's active records (score: base + this, clamped).
        points: i64 = 0, [1], init, warm;
        /// Grade index (`NO_GRADE`: none).
        grade: u8 = NO_GRADE, [1], copy, warm;
        /// Per domain: active scored records with negative points (the causes of a
        /// sanction), then per domain those with positive points (of a reward).
        scored: u32 = 0, [2 * d.scored], init, warm;
    }
}

/// The signal that a person's grade changed: what status re-evaluation acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct GradeChange {
    /// The grade before (None: none).
    pub(super) old: Option<usize>,
    /// The grade now (None: none).
    pub(super) new: Option<usize>,
}

impl State {
    /// Every person's grade index (`NO_GRADE`: none), for year-end transitions.
    pub(super) fn grades(&self) -> &[u8] {
        &self.grade
    }
}

impl ChunkSim {
    /// Adds (or, on expiry, removes) a record's points and re-evaluates status.
    pub(super) fn add_points(
        &mut self,
        ctx: &Ctx<'_>,
        i: u32,
        day: u32,
        points: i64,
        domain: usize,
        sign: i32,
    ) {
        let Some(rules) = &ctx.model.score else {
            return;
        };
        let before = rules.score(self.people.score.points[i as usize]);
        self.people.score.points[i as usize] += points;
        let after = rules.score(self.people.score.points[i as usize]);
        self.score_sum += after - before;
        // The distribution of scores is reported for the factual run only.
        if after != before && ctx.full {
            if let Some(n) = self.score_counts.get_mut(&before) {
                *n -= 1;
                if *n == 0 {
                    self.score_counts.remove(&before);
                }
            }
            *self.score_counts.entry(after).or_insert(0) += 1;
        }
        // Track active scored records by domain and sign of their points (the record's
        // own points are `points × sign`): the causes of the current grade.
        if ctx.scored_stride > 0 && points != 0 {
            let favourable = (points > 0) == (sign > 0);
            let s = ctx.scored_stride;
            let slot = &mut self.people.score.scored
                [i as usize * 2 * s + if favourable { s } else { 0 } + domain];
            *slot = if sign > 0 {
                slot.saturating_add(1)
            } else {
                slot.saturating_sub(1)
            };
        }
        if ctx.model.grading.is_some() {
            // Status follows the assessed score: it stands until the next assessment
            // (re-evaluated now only for what the record's causes decide, scope `own`).
            self.schedule_assessment(ctx, i, day);
            let assessed = rules.score(self.graded_points(ctx, i));
            self.refresh(ctx, i, day, Some(assessed));
        } else {
            self.refresh(ctx, i, day, Some(before));
        }
    }

    /// The sum of the points of person i's active records.
    #[inline]
    pub(super) fn points(&self, i: u32) -> i64 {
        self.people.score.points[i as usize]
    }

    /// Person i's score (None: the regime keeps no score).
    #[inline]
    pub(super) fn score_of(&self, ctx: &Ctx<'_>, i: u32) -> Option<i64> {
        let rules = ctx.model.score.as_ref()?;
        Some(rules.score(self.people.score.points[i as usize]))
    }

    /// Person i's grade as last set (None: no score, or no grade).
    #[inline]
    pub(super) fn grade(&self, i: u32) -> Option<usize> {
        match self.people.score.grade[i as usize] {
            NO_GRADE => None,
            g => Some(g as usize),
        }
    }

    /// Grades person i on their current score; returns the change (None: unchanged).
    /// With a grading cadence the grade follows the score at the last assessment.
    pub(super) fn regrade(
        &mut self,
        ctx: &Ctx<'_>,
        rules: &ScoreRules,
        i: u32,
    ) -> Option<GradeChange> {
        let score = rules.score(self.graded_points(ctx, i));
        let old = self.people.score.grade[i as usize];
        let new = rules.grade(score).map_or(NO_GRADE, |g| g as u8);
        (new != old).then(|| {
            self.people.score.grade[i as usize] = new;
            GradeChange {
                old: (old != NO_GRADE).then_some(old as usize),
                new: (new != NO_GRADE).then_some(new as usize),
            }
        })
    }

    /// Domains of the person's active scored records that can cause a treatment of this
    /// kind, as a bit mask: adverse records (negative points) for a sanction, favourable
    /// ones (positive points) for a reward.
    /// With a grading cadence, the causes of the grade as assessed.
    pub(super) fn cause_mask(&self, ctx: &Ctx<'_>, i: u32, kind: TreatmentKind) -> u32 {
        self.assessed_cause(ctx, i, kind)
            .unwrap_or_else(|| self.live_cause_mask(ctx, i, kind))
    }

    /// Domains of the person's records active now that can cause a treatment of this
    /// kind, as a bit mask.
    pub(super) fn live_cause_mask(&self, ctx: &Ctx<'_>, i: u32, kind: TreatmentKind) -> u32 {
        let s = ctx.scored_stride;
        let from = i as usize * 2 * s + if kind == TreatmentKind::Reward { s } else { 0 };
        self.people.score.scored[from..from + s]
            .iter()
            .enumerate()
            .fold(0, |m, (d, &n)| if n > 0 { m | 1 << d } else { m })
    }
}
