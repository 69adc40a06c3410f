//! Persons reached through the roles they hold in firms: the chunk reads the firms'
//! role spells of its persons (sorted by person id, `firms::RoleInterval`) at the end
//! of the factual run and counts who is reached, for how many days, whether the person
//! regime ever sanctioned or listed them itself, and the attempts the restriction
//! denies. The spells do not enter the person regime's score, lists or treatments.

use super::*;
use crate::firms::RoleInterval;

impl ChunkSim {
    /// Counts the role spells of this chunk's persons into `tally.roles` (factual run).
    pub(super) fn account_roles(&mut self, ctx: &Ctx<'_>) {
        let (Some(spells), true) = (ctx.roles, ctx.full) else {
            return;
        };
        let Some(rules) = ctx.model.firms.as_ref().and_then(|f| f.roles.as_ref()) else {
            return;
        };
        let first = self.first_person;
        let end = first + self.people.len() as u32;
        let lo = spells.partition_point(|s| s.person < first);
        let hi = spells.partition_point(|s| s.person < end);
        let mut own_bits = 1u32 << ctx.layout.ever_sanctioned();
        for l in 0..ctx.model.lists.len() {
            own_bits |= 1 << ctx.layout.ever_list(l);
        }
        let days = ctx.model.days;
        let mut i = lo;
        let mut firms: Vec<u32> = Vec::new();
        while i < hi {
            let person = spells[i].person;
            let j = i + spells[i..hi].partition_point(|s| s.person == person);
            let own = self.people.persons.ever[(person - first) as usize] & own_bits != 0;
            firms.clear();
            firms.extend(spells[i..j].iter().map(|s| s.firm));
            firms.sort_unstable();
            firms.dedup();
            let mut reached = 0u64;
            for (from, to) in union(&spells[i..j], days) {
                reached += (to - from) as u64;
                for (k, &s) in rules.services.iter().enumerate() {
                    let denied = &mut self.tally.roles.denied[k];
                    attempts::for_each_attempt(ctx, person, s, from, to, |_| *denied += 1);
                }
            }
            let r = &mut self.tally.roles;
            r.persons += 1;
            r.days += reached;
            r.multiple_posts += (firms.len() > 1) as u64;
            if !own {
                r.persons_without_own += 1;
                r.days_without_own += reached;
            }
            i = j;
        }
    }
}

/// The union of one person's spells (sorted by start), cut to the horizon.
fn union(spells: &[RoleInterval], days: u32) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    for s in spells {
        let (from, to) = (s.start.min(days), s.end.min(days));
        if from >= to {
            continue;
        }
        match out.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => out.push((from, to)),
        }
    }
    out
}
