//! The grading cadence (`[grading]`): grades assessed on fixed dates from the score on
//! that date, fixed between dates. A change of the score schedules the person's next
//! assessment (one pending at a time); the assessment re-evaluates status from the
//! score then (`status.rs`), so grade-keyed lists, treatments and scrutiny follow the
//! assessed grade.

use super::*;
use crate::per_person::{Dims, per_person};

per_person! {
    /// What the grading cadence keeps per person.
    pub(super) struct State(d) {
        /// Points at the last assessment (the score the grade was assessed from).
        assessed: i64 = 0, [Dims::when(d.graded)], init, warm;
        /// An assessment is scheduled for the person.
        pending: bool = false, [Dims::when(d.graded)], init, warm;
        /// Domains of the records behind the assessed grade, `[person × 2 + kind]`
        /// (sanction: adverse records; reward: favourable ones), as of the assessment.
        cause: u32 = 0, [2 * Dims::when(d.graded)], init, cold;
    }
}

impl ChunkSim {
    /// The points status is evaluated from: those of the last assessment with a
    /// grading cadence, the current ones without.
    #[inline]
    pub(super) fn graded_points(&self, ctx: &Ctx<'_>, i: u32) -> i64 {
        if ctx.model.grading.is_some() {
            self.people.grading.assessed[i as usize]
        } else {
            self.points(i)
        }
    }

    /// Domains of the records behind the assessed grade for a treatment of this kind
    /// (None without a grading cadence: the grade rests on the records active now).
    #[inline]
    pub(super) fn assessed_cause(&self, ctx: &Ctx<'_>, i: u32, kind: TreatmentKind) -> Option<u32> {
        ctx.model.grading.is_some().then(|| {
            self.people.grading.cause[2 * i as usize + (kind == TreatmentKind::Reward) as usize]
        })
    }

    /// The score changed on `day`: schedules the person's next assessment, unless one
    /// is pending (it will see this change too) or none falls within the horizon.
    pub(super) fn schedule_assessment(&mut self, ctx: &Ctx<'_>, i: u32, day: u32) {
        let Some(grading) = ctx.model.grading else {
            return;
        };
        if self.people.grading.pending[i as usize] {
            return;
        }
        let next = grading.next_on_or_after(day);
        if next < ctx.model.days as u64 {
            self.people.grading.pending[i as usize] = true;
            self.push(ctx, next as u32, i, What::Assessment);
        }
    }

    /// An assessment date: the grade is assessed from the score now, and status
    /// re-evaluated when the score differs from the last assessment's.
    pub(super) fn assess(&mut self, ctx: &Ctx<'_>, i: u32, day: u32) {
        let Some(rules) = &ctx.model.score else {
            return;
        };
        self.people.grading.pending[i as usize] = false;
        let before = rules.score(self.people.grading.assessed[i as usize]);
        let now = self.points(i);
        self.people.grading.assessed[i as usize] = now;
        // The grade's causes are those of this assessment until the next one.
        let causes = [TreatmentKind::Sanction, TreatmentKind::Reward]
            .map(|kind| self.live_cause_mask(ctx, i, kind));
        let old = [2 * i as usize, 2 * i as usize + 1].map(|k| self.people.grading.cause[k]);
        self.people.grading.cause[2 * i as usize..2 * i as usize + 2].copy_from_slice(&causes);
        self.tally.assessments += 1;
        if rules.score(now) != before || causes != old {
            self.refresh(ctx, i, day, Some(before));
        }
    }
}
