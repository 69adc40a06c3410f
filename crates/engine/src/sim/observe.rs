//! The audit's observer in the factual run: own sanction spells, their causes and the
//! days and attempts they account for (amplification), and the context of each
//! sanction-day and denied attempt (in context, cross-context, no own record).

use super::*;

/// The context of an own sanction spell: an adverse record from the service's domain
/// behind it (in context), adverse records from other domains only (cross-context), or
/// none (no own record: contacts, the starting status). Household spill-over is no own
/// record too, and is never tracked here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Layer {
    InContext = 0,
    CrossContext = 1,
}

impl Layer {
    /// The layer of a spell with these cause domains on a service of this domain bit
    /// (None: no own record).
    pub(super) fn of(cause: u32, domain_bit: u32) -> Option<Layer> {
        if cause & domain_bit != 0 {
            Some(Layer::InContext)
        } else if cause != 0 {
            Some(Layer::CrossContext)
        } else {
            None
        }
    }
}

/// Open spells per layer and the day the current top layer began, in one word:
/// in-context spells << 24 | cross-context spells << 16 | since. The top layer is in
/// context while an in-context spell is open, else cross-context while one of those is.
/// Opens (`open`) or closes one spell of `layer` on `day`; returns the new word and, when
/// the top layer changed, the segment that ended: (its layer, its first day).
pub(super) fn context_layers(
    word: u32,
    day: u32,
    layer: Layer,
    open: bool,
) -> (u32, Option<(Layer, u32)>) {
    let top = |w: u32| {
        if w >> 24 != 0 {
            Some(Layer::InContext)
        } else if (w >> 16) & 0xff != 0 {
            Some(Layer::CrossContext)
        } else {
            None
        }
    };
    let shift = if layer == Layer::InContext { 24 } else { 16 };
    let count = (word >> shift) & 0xff;
    if !open && count == 0 {
        return (word, None);
    }
    let count = if open { count + 1 } else { count - 1 };
    let mut new = (word & !(0xff << shift)) | count << shift;
    let (before, after) = (top(word), top(new));
    if before == after {
        return (new, None);
    }
    let ended = before.map(|l| (l, word & SINCE_MASK));
    new = (new & !SINCE_MASK) | if after.is_some() { day } else { 0 };
    (new, ended)
}

impl ChunkSim {
    /// A grade change: the first entry into and exit from the lowest grade.
    pub(super) fn observe_grade_change(
        &mut self,
        rules: &ScoreRules,
        i: u32,
        day: u32,
        change: GradeChange,
    ) {
        // Without grades (no lowest), a change to no grade counts as entering it, as
        // the grade's `NO_GRADE` index always did.
        let lowest = rules.lowest_grade();
        let lives = &mut self.lives;
        if change.new == lowest && lives.low_entry[i as usize] == NEVER {
            lives.low_entry[i as usize] = day;
        } else if change.old == lowest
            && lives.low_entry[i as usize] != NEVER
            && lives.low_exit[i as usize] == NEVER
        {
            lives.low_exit[i as usize] = day;
        }
    }

    /// A person leaves a list: closes their days on lists when they are on none any
    /// more, and records the end of their first stay.
    pub(super) fn observe_list_exit(&mut self, ctx: &Ctx<'_>, i: u32, day: u32) {
        let lives = &mut self.lives;
        lives.lists_on[i as usize] -= 1;
        if lives.lists_on[i as usize] == 0 {
            lives.listed_days[i as usize] += day - lives.listed_since[i as usize];
        }
        if lives.list_entry[i as usize] != NEVER
            && lives.list_exit[i as usize] == NEVER
            && (0..ctx.model.lists.len()).all(|l| !self.listed(ctx, i, day, l))
        {
            self.lives.list_exit[i as usize] = day;
        }
    }

    /// Person i goes onto a list.
    pub(super) fn observe_listed(&mut self, i: u32, day: u32) {
        let lives = &mut self.lives;
        if lives.list_entry[i as usize] == NEVER {
            lives.list_entry[i as usize] = day;
        }
        lives.lists_on[i as usize] += 1;
        if lives.lists_on[i as usize] == 1 {
            lives.listed_since[i as usize] = day;
        }
    }

    /// An own sanction spell starts: audit bookkeeping (factual run only).
    pub(super) fn start_spell(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, t: usize, cause: u32) {
        let lives = &mut self.lives;
        lives.own_held[i as usize] += 1;
        lives.ever_own[i as usize] = true;
        if !ctx.full {
            return;
        }
        let nt = ctx.model.treatments.len();
        lives.spell_start[i as usize * nt + t] = day;
        lives.spell_cause[i as usize * nt + t] = cause;
        let tr = &ctx.model.treatments[t];
        let domain_bit = 1u32 << ctx.model.services[tr.service].domain;
        let layer = Layer::of(cause, domain_bit);
        let members: Vec<u32> = if tr.household {
            self.spillover_members(ctx, i, t)
        } else {
            Vec::new()
        };
        let g = &mut self.observed.group;
        g.applications += 1;
        g.household_applications += members.len() as u64;
        match layer {
            Some(Layer::CrossContext) => g.cross_applications += 1,
            Some(Layer::InContext) => g.in_applications += 1,
            None => {}
        }
        if let Some(layer) = layer {
            self.context_spell(ctx, i, day, tr.service, layer, true);
        }
        for j in std::iter::once(i).chain(members) {
            self.cause_spell(ctx, j, day, cause, true);
        }
    }

    /// An own sanction spell ends: attributes its denied attempts to the domains of its
    /// causes (amplification), and closes its context and cause segments.
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
        let denied: u64 = std::iter::once(i)
            .chain(members.iter().copied())
            .map(|j| self.attempts_between(ctx, j, tr.service, start, day))
            .sum();
        let g = &mut self.observed.group;
        for d in 0..ctx.model.domains.len() {
            if cause & (1 << d) != 0 {
                g.amplified_denied[d] += denied;
            }
        }
        if let Some(layer) = Layer::of(cause, domain_bit) {
            self.context_spell(ctx, i, day, tr.service, layer, false);
        }
        for j in std::iter::once(i).chain(members) {
            self.cause_spell(ctx, j, day, cause, false);
        }
    }

    /// Opens (or closes) one own spell of `layer` on service s for person i: the
    /// attempts and days of a segment that ends are counted in its layer.
    fn context_spell(
        &mut self,
        ctx: &Ctx<'_>,
        i: u32,
        day: u32,
        s: usize,
        layer: Layer,
        open: bool,
    ) {
        let slot = ctx.slot_of[s][TreatmentKind::Sanction as usize];
        let idx = i as usize * ctx.slots.len() + slot;
        let (word, ended) = context_layers(self.lives.context_slot[idx], day, layer, open);
        self.lives.context_slot[idx] = word;
        if let Some((l, since)) = ended {
            let n = self.attempts_between(ctx, i, s, since, day);
            let g = &mut self.observed.group;
            match l {
                Layer::InContext => g.denied_in_context += n,
                Layer::CrossContext => g.denied_cross_context += n,
            }
        }
        let p = i as usize;
        let (word, ended) = context_layers(self.lives.context_person[p], day, layer, open);
        self.lives.context_person[p] = word;
        if let Some((l, since)) = ended {
            match l {
                Layer::InContext => self.lives.days_in_context[p] += day - since,
                Layer::CrossContext => self.lives.days_cross_context[p] += day - since,
            }
        }
    }

    /// Opens (or closes) one sanction on person j with these cause domains: the days j
    /// spends under at least one sanction caused by domain d are attributed to d.
    fn cause_spell(&mut self, ctx: &Ctx<'_>, j: u32, day: u32, cause: u32, open: bool) {
        let nd = ctx.model.domains.len();
        for d in 0..nd {
            if cause & (1 << d) == 0 {
                continue;
            }
            let w = &mut self.lives.cause_days[j as usize * nd + d];
            let holders = *w >> SINCE_BITS;
            if open {
                *w = (holders + 1) << SINCE_BITS | if holders == 0 { day } else { *w & SINCE_MASK };
            } else if holders > 0 {
                *w = (holders - 1) << SINCE_BITS | (*w & SINCE_MASK);
                if holders == 1 {
                    self.observed.group.amplified_days[d] += (day - (*w & SINCE_MASK)) as u64;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-worked sequence: cross opens on day 10, in context on 20 (cross's segment
    /// 10–20 ends), a second cross on 25 (no change of top), in context closes on 30 (its
    /// segment 20–30 ends, cross resumes), both crosses close on 40 and 50 (the cross
    /// segment 30–50 ends at the last one). Closing what is not open changes nothing.
    #[test]
    fn context_layers_by_hand() {
        let (c, i) = (Layer::CrossContext, Layer::InContext);
        let steps = [
            (10, c, true, None),
            (20, i, true, Some((c, 10))),
            (25, c, true, None),
            (30, i, false, Some((i, 20))),
            (40, c, false, None),
            (50, c, false, Some((c, 30))),
            (60, i, false, None),
        ];
        let mut w = 0;
        for (day, layer, open, ended) in steps {
            let (next, got) = context_layers(w, day, layer, open);
            assert_eq!(got, ended, "day {day}");
            w = next;
        }
        assert_eq!(w, 0);
    }
}
