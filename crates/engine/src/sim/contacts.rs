//! Contacts: association lists. Watched statuses are reported at period ends; a
//! person whose contacts' count crosses a threshold enters or leaves a list.

use super::*;

impl ChunkSim {
    /// Contacts trigger c starts or stops being met for person i.
    pub(super) fn association(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, c: usize, enter: bool) {
        // (`contacts_met` was set at the boundary, before this day's list ends.)
        let l = ctx.contact_lists[c].0;
        if enter {
            if !self.listed(ctx, i, day, l) {
                self.tally.responses.association_entries += 1;
                self.tally.periods[self.period]
                    .responses
                    .association_entries += 1;
            }
            self.put_on_list(ctx, i, day, l, 0);
        } else {
            if ctx.model.lists[l].duration_days.is_none() {
                self.take_off_list(ctx, i, day, l);
            }
        }
        self.update_treatments(ctx, i, day);
    }

    /// Notes that person i's watched statuses may have changed.
    pub(super) fn watch(&mut self, i: u32) {
        if let Some(flag) = self.people.watch_flag.get_mut(i as usize)
            && !*flag
        {
            *flag = true;
            self.watch_dirty.push(i);
        }
    }

    /// Persons whose watched statuses changed since the last report, as (person id,
    /// mask before, mask now), judged on the last day of the period just run.
    pub(super) fn take_watch_changes(&mut self, ctx: &Ctx<'_>) -> Vec<(u32, u8, u8)> {
        let day = self.epoch_end.saturating_sub(1);
        let mut out = Vec::new();
        for x in std::mem::take(&mut self.watch_dirty) {
            self.people.watch_flag[x as usize] = false;
            let now = ctx.watched.iter().enumerate().fold(0u8, |m, (w, &st)| {
                if self.status_holds(ctx, x, day, st) {
                    m | 1 << w
                } else {
                    m
                }
            });
            let before = self.people.watch_state[x as usize];
            if now != before {
                self.people.watch_state[x as usize] = now;
                out.push((self.id(x), before, now));
            }
        }
        out
    }
}
