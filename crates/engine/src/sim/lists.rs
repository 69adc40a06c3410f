//! Black and red lists: entry, renewal, end, and terms cut back when a record is
//! removed.

use super::*;
use crate::per_person::per_person;

per_person! {
    /// What the lists keep per person.
    pub(super) struct State(d) {
        /// Per list: the day the current term ends (≤ today: not listed).
        until: u32 = 0, [d.lists], copy, warm;
        /// Per list: domains of the records behind the current term, as a bit mask.
        cause: u32 = 0, [d.lists], copy, cold;
    }
}

impl ChunkSim {
    /// Cuts person i's term on list l to the latest one a remaining (not removed)
    /// record of a type that triggers l still backs; takes them off if none does. A
    /// listing whose grade or score condition holds stands.
    pub(super) fn shorten_listing(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, l: usize) {
        let list = &ctx.model.lists[l];
        let Some(duration) = list.duration_days else {
            return;
        };
        if !self.listed(ctx, i, day, l) || self.condition_holds(ctx, i, l) {
            return;
        }
        let until = self
            .kept_records(i)
            .filter(|rec| {
                rec.flags & REC_REMOVED == 0
                    && ctx.model.behaviours[rec.behaviour as usize]
                        .lists_triggered
                        .contains(&l)
                    // a record filed before a dated list took effect listed nobody on it
                    && ctx.dated.list_in_force(ctx.model, l, rec.day)
            })
            .map(|rec| rec.day.saturating_add(duration))
            .max()
            .unwrap_or(0);
        let idx = i as usize * ctx.model.lists.len() + l;
        if until <= day {
            self.take_off_list(ctx, i, day, l);
        } else if until < self.people.lists.until[idx] {
            self.people.lists.until[idx] = until;
            self.schedule_list_end(ctx, i, l, until);
        }
    }

    /// Whether list l's own condition (grade or score, or its contacts trigger) holds
    /// for person i now.
    pub(super) fn condition_holds(&self, ctx: &Ctx<'_>, i: u32, l: usize) -> bool {
        let list = &ctx.model.lists[l];
        let by_score = ctx.model.score.as_ref().is_some_and(|rules| {
            list.condition(rules.score(self.graded_points(ctx, i)), self.grade(i))
        });
        by_score
            || ctx
                .contact_lists
                .iter()
                .position(|&(x, _, _)| x == l)
                .is_some_and(|c| self.contacts_met(i, c))
    }

    /// Domains of the records behind person i's current term on list l.
    pub(super) fn list_cause(&self, ctx: &Ctx<'_>, i: u32, l: usize) -> u32 {
        self.people.lists.cause[i as usize * ctx.model.lists.len() + l]
    }

    pub(super) fn listed(&self, ctx: &Ctx<'_>, i: u32, day: u32, l: usize) -> bool {
        self.people.lists.until[i as usize * ctx.model.lists.len() + l] > day
    }

    /// Puts person i on list l (or extends their term), if the list is in force.
    pub(super) fn put_on_list(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, l: usize, cause: u32) {
        let until = ctx.model.lists[l]
            .duration_days
            .map_or(FOREVER, |d| day.saturating_add(d));
        self.put_on_list_until(ctx, i, day, l, cause, until);
    }

    /// Puts person i on list l until day `until` (> day), or extends their term to it.
    #[inline]
    pub(super) fn put_on_list_until(
        &mut self,
        ctx: &Ctx<'_>,
        i: u32,
        day: u32,
        l: usize,
        cause: u32,
        until: u32,
    ) {
        if !ctx.dated.list_in_force(ctx.model, l, day) {
            return; // a dated list admits nobody outside its dates (`dated.rs`)
        }
        let idx = i as usize * ctx.model.lists.len() + l;
        let was = self.people.lists.until[idx] > day;
        if !was {
            self.watch(i);
            self.people.lists.cause[idx] = 0;
            self.occupancy[ctx.layout.list(l)] += 1;
            self.set_ever(i, ctx.layout.ever_list(l));
            self.observe_listed(i, day);
        }
        self.people.lists.cause[idx] |= cause;
        if until > self.people.lists.until[idx] || !was {
            self.people.lists.until[idx] = until;
            self.schedule_list_end(ctx, i, l, until);
        }
    }

    /// Schedules the end of person i's term on list l (none at or after the horizon).
    pub(super) fn schedule_list_end(&mut self, ctx: &Ctx<'_>, i: u32, l: usize, until: u32) {
        if until < ctx.model.days {
            self.push(
                ctx,
                until,
                i,
                What::ListEnd {
                    list: l as u8,
                    until,
                },
            );
        }
    }

    pub(super) fn take_off_list(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, l: usize) {
        let idx = i as usize * ctx.model.lists.len() + l;
        if self.people.lists.until[idx] > day {
            self.watch(i);
            self.people.lists.until[idx] = day;
            self.people.lists.cause[idx] = 0;
            self.occupancy[ctx.layout.list(l)] -= 1;
            self.observe_list_exit(ctx, i, day);
        }
    }

    pub(super) fn list_end(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, l: usize, until: u32) {
        let idx = i as usize * ctx.model.lists.len() + l;
        if self.people.lists.until[idx] != until {
            return; // extended since: a later event ends it
        }
        let list = &ctx.model.lists[l];
        if self.condition_holds(ctx, i, l) {
            // Still meets the condition: the term renews.
            let cause = self.cause_mask(ctx, i, status::list_cause_kind(list));
            self.people.lists.cause[idx] |= cause;
            let next = day.saturating_add(list.duration_days.unwrap_or(FOREVER - day));
            self.people.lists.until[idx] = next;
            self.schedule_list_end(ctx, i, l, next);
            // New causes may bring own-domain treatments into scope.
            self.update_treatments(ctx, i, day);
        } else {
            self.watch(i);
            // Not listed (0 ≤ any day), and any other end event scheduled for this same
            // day is now stale: a term cut back by `shorten_listing` can have two.
            self.people.lists.until[idx] = 0;
            self.people.lists.cause[idx] = 0;
            self.occupancy[ctx.layout.list(l)] -= 1;
            self.observe_list_exit(ctx, i, day);
            self.update_treatments(ctx, i, day);
        }
    }
}
