//! Record-store leaks in the event loop: on a leak's day, after every person's events
//! of that day ([`What::Leak`], on the person index after everyone's), which persons
//! each of its stores holds is read from the simulated state (a drawn share, the
//! persons on a list that day, or those with a record by then; share coverage is nested:
//! one uniform draw per person for every store), the leak's scope and
//! sample applied, and the chunk's counts and class keys tallied (factual run only).
//! A scenario without leaks schedules no such event.

use super::*;
use crate::identity::{SUB_COVERAGE, SUB_SAMPLE};
use crate::leaks::Classes;
use crate::leaks::plan::Plan;
use credsim_model::{Coverage, Field, LeakScope, Role};

impl ChunkSim {
    /// Schedules the chunk's leak events (factual run, leaks within the horizon).
    pub(super) fn schedule_leaks(&mut self, ctx: &Ctx<'_>) {
        let Some(rules) = &ctx.model.leaks else {
            return;
        };
        if !ctx.full {
            return;
        }
        let after_everyone = self.people.len() as u32;
        for (x, l) in rules.leaks.iter().enumerate() {
            if l.day < ctx.model.days {
                self.push(ctx, l.day, after_everyone, What::Leak { leak: x as u8 });
            }
        }
    }

    /// Leak `x` happens at the end of `day`: tally what it takes from this chunk.
    #[cold]
    #[inline(never)]
    pub(super) fn on_leak(&mut self, ctx: &Ctx<'_>, day: u32, x: usize) {
        let m = ctx.model;
        let Some(rules) = &m.leaks else {
            return;
        };
        let leak = &rules.leaks[x];
        let plan = Plan::of(rules, leak);
        let values = crate::leaks::Values::new(m, &rules.identity);
        let a = m.attributes.len();
        let n = self.people.len();
        let sets: Vec<Vec<&Field>> = leak
            .quasi_identifier_sets
            .iter()
            .map(|s| s.iter().map(|(_, f)| f).collect())
            .collect();
        let mut pop_keys: Vec<Vec<u64>> = vec![Vec::with_capacity(n); sets.len()];
        let mut leaked_keys: Vec<Vec<u64>> = vec![Vec::new(); sets.len()];
        let mut link_keys: Vec<(u64, u8)> = Vec::new();
        let federated = leak.stores.len() > 1 && !leak.join_on.is_empty();
        let mut t = std::mem::take(&mut self.tally.leaks.leaks[x]);
        t.evaluated += n as u64;
        for i in 0..n as u32 {
            let id = self.id(i);
            let attrs = &self.people.persons.attrs[i as usize * a..(i as usize + 1) * a];
            for (k, set) in sets.iter().enumerate() {
                pop_keys[k].push(values.key(set.iter().copied(), id, attrs));
            }
            let listed = self.lives.lists_on[i as usize] > 0;
            let recorded = self.lives.records[i as usize * 3..i as usize * 3 + 3]
                .iter()
                .any(|&r| r > 0);
            let mut mask = 0u8;
            let mut exposed = 0u64;
            // One uniform per person decides every share coverage (nested coverage:
            // stores of the same share hold the same persons, so a centralised store
            // and federated ones of equal coverage are compared on the same persons).
            let u = ctx
                .keys
                .stream(Purpose::Leaks, SUB_COVERAGE, id as u64, 0)
                .uniform();
            for (k, cov) in plan.coverage.iter().enumerate() {
                let held = match *cov {
                    Coverage::Share(p) => u < p,
                    Coverage::List(l) => self.listed(ctx, i, day, l),
                    Coverage::Recorded => recorded,
                };
                if !held {
                    continue;
                }
                t.held[k] += 1;
                let taken = match leak.scope {
                    LeakScope::Sample(f) => {
                        ctx.keys
                            .stream(Purpose::Leaks, SUB_SAMPLE + x as u32, id as u64, k as u64)
                            .uniform()
                            < f
                    }
                    LeakScope::Whole | LeakScope::Table => true,
                };
                if taken && plan.store_bits[k] != 0 {
                    mask |= 1 << k;
                    exposed |= plan.store_bits[k];
                }
            }
            if mask == 0 {
                continue;
            }
            t.exposed += 1;
            if exposed & plan.direct_bits != 0 {
                t.singled_out += 1;
            }
            for (b, (_, role, field)) in plan.names.iter().enumerate().take(64) {
                if exposed & (1 << b) == 0 {
                    continue;
                }
                t.attributes[b] += 1;
                let discloses = match field {
                    Field::Lists => listed,
                    Field::Records => recorded,
                    _ => true,
                };
                if *role == Role::Sensitive && discloses {
                    t.disclosed[b] += 1;
                }
            }
            for k in 0..sets.len() {
                if exposed & plan.set_bits[k] == plan.set_bits[k] {
                    leaked_keys[k].push(*pop_keys[k].last().unwrap_or(&0));
                }
            }
            if federated {
                link_keys.push((values.key(leak.join_on.iter(), id, attrs), mask));
            }
        }
        for k in 0..sets.len() {
            t.population[k].merge(&Classes::of(&mut pop_keys[k]));
            t.leaked[k].merge(&Classes::of(&mut leaked_keys[k]));
        }
        t.link.merge(&Classes::of(&mut link_keys));
        self.tally.leaks.leaks[x] = t;
    }
}
