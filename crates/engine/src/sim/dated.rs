//! Rules in force by date (`from`, `until` of treatments and lists): which are in force
//! on a day, and, on each day one starts or stops, the re-evaluation of every person of
//! the chunk, so that a person already eligible that day is treated or listed from it.
//!
//! A dated rule is in force on the days `from ≤ day < until`. Before `from`, a dated list
//! admits nobody and a dated treatment applies to nobody; every other mechanism runs as
//! usual (records arrive, points count, conditions are met). On the day a rule takes
//! effect, one event per chunk ([`What::InForce`], on a person index after every
//! person's, so after all of that day's events) puts on a list that starts every person
//! whose grade, score or contacts condition then holds (a record trigger lists only
//! from records that arrive from that day), takes everyone off a list that ends, and
//! starts or stops the treatments whose state changes. A scenario without dates
//! schedules no such event and reads no date on its paths.

use super::*;

/// The model's dated rules, derived once per run (`Ctx::dated`).
pub(super) struct Dated {
    /// Days within the horizon (after day 0) on which some rule starts or stops being in
    /// force, ascending and distinct.
    pub(super) days: Vec<u32>,
    /// Bit t: treatment t is dated.
    treatments: u32,
    /// Bit l: list l is dated.
    lists: u32,
}

impl Dated {
    pub(super) fn of(model: &Model) -> Dated {
        let dated = |f: &dyn Fn(usize) -> credsim_model::InForce, n: usize| {
            (0..n)
                .filter(|&x| f(x) != credsim_model::InForce::ALWAYS)
                .fold(0u32, |m, x| m | 1 << x)
        };
        let mut days: Vec<u32> = model
            .treatments
            .iter()
            .map(|t| t.in_force)
            .chain(model.lists.iter().map(|l| l.in_force))
            .flat_map(|f| f.changes(model.days))
            .collect();
        days.sort_unstable();
        days.dedup();
        Dated {
            days,
            treatments: dated(&|t| model.treatments[t].in_force, model.treatments.len()),
            lists: dated(&|l| model.lists[l].in_force, model.lists.len()),
        }
    }

    /// The treatments in force on `day`, as a bit set (every bit when none is dated).
    #[inline]
    pub(super) fn treatments_in_force(&self, model: &Model, day: u32) -> u32 {
        if self.treatments == 0 {
            return u32::MAX;
        }
        self.dated_in_force(model, day)
    }

    /// [`Self::treatments_in_force`] when some treatment is dated (off the hot path).
    #[cold]
    #[inline(never)]
    fn dated_in_force(&self, model: &Model, day: u32) -> u32 {
        let mut out = u32::MAX;
        let mut dated = self.treatments;
        while dated != 0 {
            let t = dated.trailing_zeros() as usize;
            dated &= dated - 1;
            if !model.treatments[t].in_force.holds(day) {
                out &= !(1 << t);
            }
        }
        out
    }

    /// Whether list l admits persons on `day`.
    #[inline]
    pub(super) fn list_in_force(&self, model: &Model, l: usize, day: u32) -> bool {
        self.lists & (1 << l) == 0 || model.lists[l].in_force.holds(day)
    }
}

impl ChunkSim {
    /// Schedules the chunk's re-evaluation on each day a dated rule starts or stops.
    pub(super) fn schedule_in_force(&mut self, ctx: &Ctx<'_>) {
        let after_everyone = self.people.len() as u32;
        for k in 0..ctx.dated.days.len() {
            self.push(ctx, ctx.dated.days[k], after_everyone, What::InForce);
        }
    }

    /// A dated rule starts or stops on `day`: lists that end lose everyone, lists that
    /// start take everyone whose condition holds, and each person's treatments follow.
    /// (Rare: kept out of line so that the event dispatch stays as it was.)
    #[cold]
    #[inline(never)]
    pub(super) fn in_force_changes(&mut self, ctx: &Ctx<'_>, day: u32) {
        let m = ctx.model;
        let at = |f: credsim_model::InForce| (f.from == day, f.until == day);
        let (mut starting, mut ending) = (0u32, 0u32);
        for (l, list) in m.lists.iter().enumerate() {
            let (starts, ends) = at(list.in_force);
            starting |= u32::from(starts) << l;
            ending |= u32::from(ends) << l;
        }
        let changed_treatments = m
            .treatments
            .iter()
            .enumerate()
            .filter(|(_, t)| at(t.in_force) != (false, false))
            .fold(0u32, |mask, (t, _)| mask | 1 << t);
        for i in 0..self.people.len() as u32 {
            let mut touched = false;
            for l in bits(ending) {
                touched |= self.listed(ctx, i, day, l);
                self.take_off_list(ctx, i, day, l);
            }
            for l in bits(starting) {
                if let Some(c) = ctx.contact_lists.iter().position(|&(x, _, _)| x == l) {
                    if self.contacts_met(i, c) {
                        self.association(ctx, i, day, c, true);
                    }
                } else if self.condition_holds(ctx, i, l) {
                    let cause = self.cause_mask(ctx, i, status::list_cause_kind(&m.lists[l]));
                    self.put_on_list(ctx, i, day, l, cause);
                    touched = true;
                }
            }
            let relevant = self.triggers_holding(ctx, i, day) | self.active_treatments(i);
            if touched || changed_treatments & relevant != 0 {
                self.update_treatments(ctx, i, day);
            }
        }
    }
}

/// The indices of the set bits of a mask, lowest first.
fn bits(mut mask: u32) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (mask != 0).then(|| {
            let x = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            x
        })
    })
}
