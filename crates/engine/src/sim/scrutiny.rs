//! Heightened scrutiny: terms started by a status, renewed while it holds.

use super::*;
use crate::per_person::per_person;

per_person! {
    /// What heightened scrutiny keeps per person.
    pub(super) struct State(d) {
        /// The day the current term ends (≤ today: not under scrutiny).
        until: u32 = 0, [1], copy, warm;
    }
}

impl ChunkSim {
    /// Whether person i is under heightened scrutiny on `day`.
    #[inline]
    pub(super) fn under_scrutiny(&self, i: u32, day: u32) -> bool {
        self.people.scrutiny.until[i as usize] > day
    }

    /// A scrutiny term ends (unless superseded): it renews while the trigger holds.
    pub(super) fn on_scrutiny_end(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, until: u32) {
        if self.people.scrutiny.until[i as usize] == until
            && let Some(sc) = ctx.scrutiny
        {
            if self.status_holds(ctx, i, day, sc.trigger) {
                self.start_scrutiny(ctx, i, day, false);
            } else {
                self.occupancy[ctx.layout.scrutiny()] -= 1;
            }
        }
    }

    pub(super) fn start_scrutiny(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, fresh: bool) {
        let Some(sc) = ctx.scrutiny else {
            return;
        };
        let until = day.saturating_add(sc.duration_days);
        self.people.scrutiny.until[i as usize] = until;
        if ctx.full {
            self.mark_reached(i, REACHED_BY_SCRUTINY);
        }
        if fresh {
            self.occupancy[ctx.layout.scrutiny()] += 1;
            self.set_ever(i, ctx.layout.ever_scrutiny());
        }
        if until < ctx.model.days {
            self.push(ctx, until, i, What::ScrutinyEnd { until });
        }
    }
}
