//! The score: points added and taken back, and the domains of the active scored
//! records (the causes of the grade).

use super::*;
use crate::per_person::per_person;

per_person! {
    /// What the score keeps per person.
    pub(super) struct State(d) {
        /// Sum of the points of the person's active records (score: base + this, clamped).
        points: i64 = 0, [1], init, warm;
        /// Grade index (`NO_GRADE`: none).
        grade: u8 = NO_GRADE, [1], copy, warm;
        /// Per domain: active scored records (the causes of the grade).
        scored: u32 = 0, [d.scored], init, warm;
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
        // Track active scored records by domain: the causes of the current grade.
        if ctx.scored_stride > 0 {
            let slot = &mut self.people.score.scored[i as usize * ctx.scored_stride + domain];
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

    /// Domains of the person's active scored records, as a bit mask.
    pub(super) fn cause_mask(&self, ctx: &Ctx<'_>, i: u32) -> u32 {
        let s = ctx.scored_stride;
        self.people.score.scored[i as usize * s..(i as usize + 1) * s]
            .iter()
            .enumerate()
            .fold(0, |m, (d, &n)| if n > 0 { m | 1 << d } else { m })
    }
}
