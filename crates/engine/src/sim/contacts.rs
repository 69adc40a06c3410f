//! Contacts: association lists. Watched statuses are reported at period ends; a
//! person whose contacts' count crosses a threshold enters or leaves a list.

use super::*;
use crate::network::Network;
use crate::per_person::{Dims, per_person};

per_person! {
    /// What contacts triggers keep per person.
    pub(super) struct State(d) {
        /// The watched statuses held when last reported (bit w).
        watch_state: u8 = 0, [Dims::when(d.watched)], init, cold;
        /// Whether the person is in `ChunkSim::watch_dirty` (everyone is at the start).
        watch_flag: bool = true, [Dims::when(d.watched)], init, cold;
        /// Bit c set while contacts trigger c is met.
        met: u8 = 0, [Dims::when(d.contacts)], init, warm;
    }
}

impl ChunkSim {
    /// Whether contacts trigger c is met for person i.
    #[inline]
    pub(super) fn contacts_met(&self, i: u32, c: usize) -> bool {
        self.people.contacts.met[i as usize] & (1 << c) != 0
    }

    /// Contacts trigger c starts or stops being met for person i.
    pub(super) fn association(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, c: usize, enter: bool) {
        // (`contacts_met` was set at the boundary, before this day's list ends.)
        let l = ctx.contact_lists[c].0;
        if enter && !ctx.dated.list_in_force(ctx.model, l, day) {
            return; // entered on the day the list takes effect (`dated.rs`)
        }
        if enter {
            if !self.listed(ctx, i, day, l) {
                if ctx.full {
                    self.lives.via_contacts[i as usize] = true;
                }
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
        if let Some(flag) = self.people.contacts.watch_flag.get_mut(i as usize)
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
            self.people.contacts.watch_flag[x as usize] = false;
            let now = ctx.watched.iter().enumerate().fold(0u8, |m, (w, &st)| {
                if self.status_holds(ctx, x, day, st) {
                    m | 1 << w
                } else {
                    m
                }
            });
            let before = self.people.contacts.watch_state[x as usize];
            if now != before {
                self.people.contacts.watch_state[x as usize] = now;
                out.push((self.id(x), before, now));
            }
        }
        out
    }
}

/// The contacts state kept between periods (epoch-major schedule): the contact graph
/// and, per person, how many contacts hold each watched status.
pub(super) struct Ties {
    /// The contact graph (with contacts triggers in effect).
    network: Option<Network>,
    /// Per person and watched status: contacts holding it.
    contacts_holding: Vec<u32>,
    /// Per person: bit c set while contacts trigger c is met (as delivered).
    met: Vec<u8>,
}

impl Ties {
    /// The graph of the model's network, with no status held yet.
    pub(super) fn new(ctx: &Ctx<'_>) -> Ties {
        let m = ctx.model;
        let network = m
            .network
            .as_ref()
            .filter(|_| !ctx.contact_lists.is_empty())
            .map(|rules| Network::new(rules, m.persons, ctx.keys));
        let persons = if network.is_some() {
            m.persons as usize
        } else {
            0
        };
        Ties {
            network,
            contacts_holding: vec![0; persons * ctx.watched.len()],
            met: vec![0; persons],
        }
    }

    /// Contacts after period k: each change in a person's watched statuses moves the
    /// counts of everyone who has them as a contact; persons whose count crosses a
    /// trigger's threshold enter or leave its list on the first day of period k + 1.
    pub(super) fn associate(
        &mut self,
        ctx: &Ctx<'_>,
        pop: &Population,
        k: usize,
        chunks: &mut [ChunkSim],
    ) {
        let Some(net) = &self.network else {
            return;
        };
        let watched = ctx.watched.len();
        let mut touched: Vec<u32> = Vec::new();
        for c in chunks.iter_mut() {
            for (person, before, now) in c.take_watch_changes(ctx) {
                for w in 0..watched {
                    let bit = 1u8 << w;
                    if (before ^ now) & bit == 0 {
                        continue;
                    }
                    let holds = now & bit != 0;
                    net.followers(person, |y| {
                        let n = &mut self.contacts_holding[y as usize * watched + w];
                        *n = if holds { *n + 1 } else { *n - 1 };
                        touched.push(y);
                    });
                }
            }
        }
        touched.sort_unstable();
        touched.dedup();
        let day = ctx.model.period_ends[k];
        for y in touched {
            for (c, &(_, w, at_least)) in ctx.contact_lists.iter().enumerate() {
                let met = self.contacts_holding[y as usize * watched + w] >= at_least;
                let bit = 1u8 << c;
                if met == (self.met[y as usize] & bit != 0) {
                    continue;
                }
                self.met[y as usize] ^= bit;
                let chunk = &mut chunks[pop.chunk_of(y)];
                let i = y - chunk.first_person;
                // The condition changes now, before the next period's first day: a term
                // ending that day renews only if it still holds.
                chunk.people.contacts.met[i as usize] ^= bit;
                if day < ctx.model.days {
                    chunk.push(
                        ctx,
                        day,
                        i,
                        What::Association {
                            contact_list: c as u8,
                            enter: met,
                        },
                    );
                }
            }
        }
    }
}
