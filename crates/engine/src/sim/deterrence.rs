//! Deterrence: people who were punished for a behaviour do less of it for a while.

use super::*;
use crate::per_person::per_person;

per_person! {
    /// What deterrence keeps per person.
    pub(super) struct State(d) {
        /// Per deterrence slot: the day deterrence ends.
        until: u32 = 0, [d.deterrence], init, warm;
    }
}

impl ChunkSim {
    /// An adverse record of a deterring behaviour deters its person from it when, after
    /// the regime acted on the record, they hold a sanction of their own or are on a
    /// black list (until arrival + `days`; a later record extends, never shortens).
    pub(super) fn deter(&mut self, ctx: &Ctx<'_>, r: &Adverse) {
        let m = ctx.model;
        let (i, day, b) = (r.person, r.day, r.behaviour);
        if let Some(d) = &m.behaviours[b].deterrence {
            let slot = ctx.deterrence_slot[b];
            if slot != usize::MAX && self.punished(ctx, i, day) {
                let until =
                    &mut self.people.deterrence.until[i as usize * ctx.deterrence_slots + slot];
                *until = (*until).max(day.saturating_add(d.days));
            }
        }
    }

    /// The factor on person i's acts of behaviour b while deterred on `day` (None: not
    /// deterred).
    #[inline]
    pub(super) fn deterrence_factor(
        &self,
        ctx: &Ctx<'_>,
        i: u32,
        day: u32,
        b: usize,
    ) -> Option<f64> {
        let slot = ctx.deterrence_slot.get(b).copied().unwrap_or(usize::MAX);
        if slot != usize::MAX
            && self.people.deterrence.until[i as usize * ctx.deterrence_slots + slot] > day
            && let Some(d) = &ctx.model.behaviours[b].deterrence
        {
            return Some(d.factor);
        }
        None
    }
}
