//! Treatments: sanctions and rewards that start and stop with a status, their holds
//! per service (shared by several treatments), and household spill-over.

use super::*;
use crate::per_person::per_person;

per_person! {
    /// What the treatments keep per person.
    pub(super) struct State(d) {
        /// Treatments applied to the person through their own status (bit t).
        active: u32 = 0, [1], copy, warm;
        /// Services the person is sanctioned in (holds of kind sanction).
        sanctions_held: u16 = 0, [1], copy, warm;
        /// Per hold slot (see `Ctx::slots`): holders << 16 | day opened.
        holds: u32 = 0, [d.slots], copy, warm;
    }
}

/// Bits of a packed hold holding the day it opened; the bits above count holders.
pub(super) const SINCE_BITS: u32 = 16;

pub(super) const SINCE_MASK: u32 = (1 << SINCE_BITS) - 1;

impl ChunkSim {
    /// Starts and stops treatments (and scrutiny) to match the person's status.
    pub(super) fn update_treatments(&mut self, ctx: &Ctx<'_>, i: u32, day: u32) {
        let m = ctx.model;
        // The causes of the grade for a sanction and for a reward, each computed once
        // (treatments do not change records).
        let mut grade_cause: [Option<u32>; 2] = [None; 2];
        let triggers = &ctx.triggered;
        let holding = self.triggers_holding(ctx, i, day);
        // Treatments of scope `all` apply exactly while their trigger holds: only those
        // whose application differs from it change. Counterfactuals skip rewards (they
        // measure sanctions only).
        let active_now = self.people.treatments.active[i as usize];
        let mut todo = (holding ^ active_now) & triggers.scope_all | triggers.scope_own;
        if !ctx.full {
            todo &= !triggers.rewards;
        }
        while todo != 0 {
            let t = todo.trailing_zeros() as usize;
            todo &= todo - 1;
            let tr = &m.treatments[t];
            let bit = 1u32 << t;
            let holds = holding & bit != 0;
            let active = self.people.treatments.active[i as usize] & bit != 0;
            let domain_bit = 1u32 << m.services[tr.service].domain;
            let cause = match (holds, tr.trigger) {
                (false, _) => 0,
                (true, Status::Grade(_)) => *grade_cause[tr.kind as usize]
                    .get_or_insert_with(|| self.cause_mask(ctx, i, tr.kind)),
                (true, status) => self.cause(ctx, i, status, tr.kind),
            };
            let scope_all = triggers.scope_all & bit != 0;
            let applies = holds && (scope_all || cause & domain_bit != 0);
            if applies && !active {
                self.people.treatments.active[i as usize] |= bit;
                self.tally.applications[t] += 1;
                self.tally.periods[self.period].applications[t] += 1;
                // Cross-context: records lie behind the status, none from this domain.
                if cause != 0 && cause & domain_bit == 0 {
                    self.tally.cross_context[t] += 1;
                }
                self.hold(ctx, i, day, tr.service, tr.kind);
                if tr.household {
                    for j in self.spillover_members(ctx, i, t) {
                        self.tally.spillover[t] += 1;
                        self.tally.periods[self.period].applications[t] += 1;
                        self.hold(ctx, j, day, tr.service, tr.kind);
                    }
                }
                if tr.kind == TreatmentKind::Sanction {
                    self.start_spell(ctx, i, day, t, cause);
                }
            } else if !applies && active {
                self.people.treatments.active[i as usize] &= !bit;
                self.release(ctx, i, day, tr.service, tr.kind);
                if tr.household {
                    for j in self.spillover_members(ctx, i, t) {
                        self.release(ctx, j, day, tr.service, tr.kind);
                    }
                }
                if tr.kind == TreatmentKind::Sanction {
                    self.end_spell(ctx, i, day, t);
                }
            }
        }
        if let Some(sc) = ctx.scrutiny
            && !self.under_scrutiny(i, day)
            && self.status_holds(ctx, i, day, sc.trigger)
        {
            self.start_scrutiny(ctx, i, day, true);
        }
    }

    /// The treatments in force whose trigger holds for person i on `day`, as a bit set.
    #[inline]
    pub(super) fn triggers_holding(&self, ctx: &Ctx<'_>, i: u32, day: u32) -> u32 {
        let triggers = &ctx.triggered;
        let mut holding = self
            .grade(i)
            .and_then(|g| triggers.by_grade.get(g).copied())
            .unwrap_or(0);
        for (l, &mask) in triggers.by_list.iter().enumerate() {
            if mask != 0 && self.listed(ctx, i, day, l) {
                holding |= mask;
            }
        }
        holding & ctx.dated.treatments_in_force(ctx.model, day)
    }

    /// The treatments applied to person i through their own status, as a bit set.
    #[inline]
    pub(super) fn active_treatments(&self, i: u32) -> u32 {
        self.people.treatments.active[i as usize]
    }

    /// Whether person i holds a sanction in some service now.
    #[inline]
    pub(super) fn sanctioned_now(&self, i: u32) -> bool {
        self.people.treatments.sanctions_held[i as usize] > 0
    }

    /// At the end of the horizon: ends every open own sanction spell (audit
    /// bookkeeping) and, in the factual run, counts the denied attempts of every
    /// sanction still held.
    pub(super) fn close_treatments_at_horizon(&mut self, ctx: &Ctx<'_>) {
        let days = ctx.model.days;
        for i in 0..self.people.len() {
            let mut sanctions = self.people.treatments.active[i] & ctx.sanction_treatments;
            while sanctions != 0 {
                let t = sanctions.trailing_zeros() as usize;
                sanctions &= sanctions - 1;
                self.end_spell(ctx, i as u32, days, t);
            }
        }
        if !ctx.full {
            return; // counterfactuals count no attempts
        }
        let slots = ctx.slots.len();
        for j in 0..self.people.len() {
            for (slot, &(s, kind)) in ctx.slots.iter().enumerate() {
                let word = self.people.treatments.holds[j * slots + slot];
                if kind == TreatmentKind::Sanction && word >> SINCE_BITS > 0 {
                    let since = word & SINCE_MASK;
                    self.count_denied(ctx, j as u32, s, since, days);
                }
            }
        }
    }

    /// Whether some sanction (own or household) restricts service s for person j now.
    pub(super) fn restricted(&self, ctx: &Ctx<'_>, j: u32, s: usize) -> bool {
        let slot = ctx.slot_of[s][TreatmentKind::Sanction as usize];
        slot != usize::MAX
            && self.people.treatments.holds[j as usize * ctx.slots.len() + slot] >> SINCE_BITS > 0
    }

    /// Whether treatment t is applied to person i through their own status.
    #[inline]
    pub(super) fn treatment_active(&self, i: u32, t: usize) -> bool {
        self.people.treatments.active[i as usize] & (1 << t) != 0
    }

    pub(super) fn household_members(&self, i: u32) -> impl Iterator<Item = u32> + use<> {
        let h = self.people.persons.household[i as usize] as usize;
        (self.household_start[h]..self.household_start[h + 1]).filter(move |&j| j != i)
    }

    /// The other members of i's household that treatment t's spill-over reaches: those
    /// in its `household_members` categories (every other member without them).
    pub(super) fn spillover_members(&self, ctx: &Ctx<'_>, i: u32, t: usize) -> Vec<u32> {
        let members = &ctx.model.treatments[t].household_members;
        let a = ctx.model.attributes.len();
        let attrs = &self.people.persons.attrs;
        self.household_members(i)
            .filter(|&j| members.contains(&attrs[j as usize * a..(j as usize + 1) * a]))
            .collect()
    }

    /// The hold word of (person j, service s, kind).
    pub(super) fn hold_word(
        &mut self,
        ctx: &Ctx<'_>,
        j: u32,
        s: usize,
        kind: TreatmentKind,
    ) -> &mut u32 {
        let slot = ctx.slot_of[s][kind as usize];
        &mut self.people.treatments.holds[j as usize * ctx.slots.len() + slot]
    }

    /// One more treatment holds service `s` for person `j`.
    pub(super) fn hold(&mut self, ctx: &Ctx<'_>, j: u32, day: u32, s: usize, kind: TreatmentKind) {
        let word = self.hold_word(ctx, j, s, kind);
        let holders = *word >> SINCE_BITS;
        *word = (holders + 1) << SINCE_BITS
            | if holders == 0 {
                day
            } else {
                *word & SINCE_MASK
            };
        if holders > 0 {
            return;
        }
        match kind {
            TreatmentKind::Sanction => {
                self.occupancy[ctx.layout.sanctioned(s)] += 1;
                let held = &mut self.people.treatments.sanctions_held[j as usize];
                *held += 1;
                if *held == 1 {
                    self.occupancy[ctx.layout.any_sanction()] += 1;
                    self.set_ever(j, ctx.layout.ever_sanctioned());
                    self.lives.sanction_since[j as usize] = day;
                }
            }
            TreatmentKind::Reward => {
                self.occupancy[ctx.layout.rewarded(s)] += 1;
                self.set_ever(j, ctx.layout.ever_rewarded());
            }
        }
    }

    /// One treatment fewer holds service `s` for person `j`; when none is left, the
    /// attempts made while it was held are counted.
    pub(super) fn release(
        &mut self,
        ctx: &Ctx<'_>,
        j: u32,
        day: u32,
        s: usize,
        kind: TreatmentKind,
    ) {
        let word = self.hold_word(ctx, j, s, kind);
        let holders = *word >> SINCE_BITS;
        if holders == 0 {
            return;
        }
        let since = *word & SINCE_MASK;
        *word = (holders - 1) << SINCE_BITS | since;
        if holders > 1 {
            return;
        }
        if kind == TreatmentKind::Sanction {
            self.count_denied(ctx, j, s, since, day);
        }
        match kind {
            TreatmentKind::Sanction => {
                self.occupancy[ctx.layout.sanctioned(s)] -= 1;
                let held = &mut self.people.treatments.sanctions_held[j as usize];
                *held -= 1;
                if *held == 0 {
                    self.occupancy[ctx.layout.any_sanction()] -= 1;
                    let since = self.lives.sanction_since[j as usize];
                    self.lives.sanction_days[j as usize] += day - since;
                }
            }
            TreatmentKind::Reward => self.occupancy[ctx.layout.rewarded(s)] -= 1,
        }
    }
}
