//! Day 0 derived once per chunk when it is provably everyone's.

use super::*;

impl ChunkSim {
    /// Day 0: everyone starts at the base score with no records (without a score
    /// nothing holds on day 0: lists start empty). Derived once for the chunk when that
    /// is provably everyone's day 0, else person by person.
    pub(super) fn start_day0(&mut self, ctx: &Ctx<'_>) {
        let Some(rules) = &ctx.model.score else {
            return;
        };
        let n = self.people.len();
        self.score_sum += rules.score(0) * n as i64;
        *self.score_counts.entry(rules.score(0)).or_insert(0) += n as u64;
        let mut first = 0;
        if n > 0 && ctx.day0_template {
            first = if self.start_everyone_like_the_first(ctx) {
                n as u32
            } else {
                1
            };
        }
        for i in first..n as u32 {
            self.refresh(ctx, i, 0, None);
        }
    }

    /// Day 0 for person 0, then, when that is provably everyone's day 0, the same
    /// status for every person of the chunk without re-deriving it (returns true).
    ///
    /// Everyone starts with no records, hence with the same score, grade, condition
    /// lists, treatments and scrutiny. The copy is valid when person 0's day 0 reached
    /// nobody else (no household treatment), scheduled no event and started no audited
    /// sanction spell, and changed no count besides occupancy, "ever" flags and
    /// treatment applications: all checked here; otherwise the caller derives the
    /// others' day 0 one by one (tested equal in `day0_template_equals_per_person`).
    pub(super) fn start_everyone_like_the_first(&mut self, ctx: &Ctx<'_>) -> bool {
        let events = (
            self.heap.len(),
            self.buckets.iter().map(Vec::len).sum::<usize>(),
        );
        // Day 0 can change the totals and period 0 only: the later periods are set
        // aside so that the snapshot and comparison below stay small.
        let later = self.tally.periods.split_off(1);
        let tally = self.tally.clone();
        let occupancy = self.occupancy.clone();
        let group = self.observed.group.clone();
        self.refresh(ctx, 0, 0, None);
        let household = ctx
            .model
            .treatments
            .iter()
            .enumerate()
            .any(|(t, tr)| tr.household && self.treatment_active(0, t));
        let mut rest = self.tally.clone();
        rest.ever.clone_from(&tally.ever);
        rest.applications.clone_from(&tally.applications);
        rest.periods[0]
            .applications
            .clone_from(&tally.periods[0].applications);
        let scheduled = (
            self.heap.len(),
            self.buckets.iter().map(Vec::len).sum::<usize>(),
        );
        let same =
            !household && scheduled == events && rest == tally && self.observed.group == group;
        self.tally.periods.extend(later);
        if !same {
            return false;
        }
        let n = self.people.len();
        let others = (n - 1) as u64;
        let grow = |now: &mut [u64], before: &[u64]| {
            for (x, &b) in now.iter_mut().zip(before) {
                *x += (*x - b) * others;
            }
        };
        grow(&mut self.occupancy, &occupancy);
        grow(&mut self.tally.ever, &tally.ever);
        grow(&mut self.tally.applications, &tally.applications);
        grow(
            &mut self.tally.periods[0].applications,
            &tally.periods[0].applications,
        );
        // Every array's day-0 rule is part of its declaration (`People`, `Lives`).
        self.people.copy_first_to_all(n);
        self.lives.copy_first_to_all(n);
        true
    }
}
