//! The audit's observer in the factual run: own sanction spells, their causes and the
//! days and attempts they account for (amplification), in-context holds.

use super::*;

impl ChunkSim {
    /// An own sanction spell starts: audit bookkeeping (factual run only).
    pub(super) fn start_spell(
        &mut self,
        ctx: &Ctx<'_>,
        i: u32,
        day: u32,
        t: usize,
        cause: u32,
        in_context: bool,
    ) {
        let lives = &mut self.lives;
        lives.own_held[i as usize] += 1;
        lives.ever_own[i as usize] = true;
        if !ctx.full {
            return;
        }
        let nt = ctx.model.treatments.len();
        lives.spell_start[i as usize * nt + t] = day;
        lives.spell_cause[i as usize * nt + t] = cause;
        let g = &mut self.observed.group;
        g.applications += 1;
        if cause != 0 && !in_context {
            g.cross_applications += 1;
        }
        if in_context {
            let tr = &ctx.model.treatments[t];
            let members: Vec<u32> = if tr.household {
                self.spillover_members(ctx, i, t)
            } else {
                Vec::new()
            };
            for j in std::iter::once(i).chain(members) {
                self.hold_in_context(ctx, j, day, tr.service, true);
            }
        }
    }

    /// An own sanction spell ends: attributes its days and denied attempts to the
    /// domains of its causes (amplification), and closes its in-context holds.
    pub(super) fn end_spell(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, t: usize) {
        self.lives.own_held[i as usize] -= 1;
        if !ctx.full {
            return;
        }
        let nt = ctx.model.treatments.len();
        let tr = &ctx.model.treatments[t];
        let start = self.lives.spell_start[i as usize * nt + t];
        let cause = self.lives.spell_cause[i as usize * nt + t];
        let domain_bit = 1u32 << ctx.model.services[tr.service].domain;
        let members: Vec<u32> = if tr.household {
            self.spillover_members(ctx, i, t)
        } else {
            Vec::new()
        };
        let people = 1 + members.len() as u64;
        let denied: u64 = std::iter::once(i)
            .chain(members.iter().copied())
            .map(|j| self.attempts_between(ctx, j, tr.service, start, day))
            .sum();
        let g = &mut self.observed.group;
        for d in 0..ctx.model.domains.len() {
            if cause & (1 << d) != 0 {
                g.amplified_days[d] += (day - start) as u64 * people;
                g.amplified_denied[d] += denied;
            }
        }
        if cause == 0 || cause & domain_bit != 0 {
            for j in std::iter::once(i).chain(members) {
                self.hold_in_context(ctx, j, day, tr.service, false);
            }
        }
    }

    /// Opens (or closes) one in-context hold of service s for person j; attempts made
    /// while at least one is open are denied in context.
    pub(super) fn hold_in_context(
        &mut self,
        ctx: &Ctx<'_>,
        j: u32,
        day: u32,
        s: usize,
        open: bool,
    ) {
        let slot = ctx.slot_of[s][TreatmentKind::Sanction as usize];
        let idx = j as usize * ctx.slots.len() + slot;
        let word = self.lives.in_context[idx];
        let holders = word >> SINCE_BITS;
        if open {
            let since = if holders == 0 { day } else { word & SINCE_MASK };
            self.lives.in_context[idx] = (holders + 1) << SINCE_BITS | since;
        } else if holders > 0 {
            let since = word & SINCE_MASK;
            self.lives.in_context[idx] = (holders - 1) << SINCE_BITS | since;
            if holders == 1 {
                let n = self.attempts_between(ctx, j, s, since, day);
                self.observed.group.denied_in_context += n;
            }
        }
    }
}
