//! Acts: each person's behaviour as a Poisson process over behaviours, thinned by
//! deterrence and chilling; acts drawn in the factual run are replayed in its
//! counterfactuals.

use super::*;
use crate::per_person::{Dims, per_person};

per_person! {
    /// What the acts mechanism keeps per person.
    pub(super) struct State(d) {
        /// Acts drawn so far (the act counter keying each act's draws).
        seq: u32 = 0, [1], init, warm;
        /// The global behaviour multiplier (drawn once; runs that draw their own acts).
        multiplier: f64 = 0.0, [Dims::when(d.draws_acts)], own, warm;
    }
}

/// What the factual run hands to its counterfactuals: everything drawn independently
/// of anyone's status, so that they need not draw it again.
#[derive(Debug, Default)]
pub(super) struct Exogenous {
    /// Acts that some source could capture in some variant: (day, person, act number,
    /// behaviour, replay mask). Bit v of the mask is set when the act's capture draws
    /// fall below the highest capture probability variant v could give this person;
    /// variant v replays only those acts (the others produce no record in it).
    pub(super) acts: Vec<(u32, u32, u32, u16, u16)>,
    /// False records: (arrival day, person, behaviour, source).
    pub(super) false_records: Vec<(u32, u32, u16, u16)>,
}

impl State {
    /// Draws every person's global behaviour multiplier (persons from `first` on).
    pub(super) fn draw_multipliers(&mut self, model: &Model, keys: &Keys, first: u32) {
        for (i, x) in self.multiplier.iter_mut().enumerate() {
            *x = population::multiplier(model, keys, first + i as u32);
        }
    }
}

impl ChunkSim {
    /// Schedules every person's first act (the factual run).
    pub(super) fn schedule_first_acts(&mut self, ctx: &Ctx<'_>) {
        for i in 0..self.people.len() as u32 {
            let person = self.first_person + i;
            let total = self.person_rates(ctx, i);
            if total > 0.0 {
                let t = ctx
                    .keys
                    .stream(Purpose::Act, 1, person as u64, 0)
                    .exponential()
                    / total;
                self.schedule_act(ctx, i, t);
            }
        }
    }

    /// A counterfactual takes the factual run's acts it could record (by their replay
    /// masks) and its false records, for the persons it simulates. The factual run
    /// handled its acts in event order, so they are kept in order apart and merged
    /// period by period (`advance`).
    pub(super) fn take_replays(&mut self, ctx: &Ctx<'_>, f: &ChunkSim) {
        let ex = &f.exogenous;
        // Factual indices to this run's (all of them, or those of the households
        // asked for).
        let index_of = std::mem::take(&mut self.index_of);
        let local = |i: u32| local_index(&index_of, i);
        self.replays = spare(ex.acts.len());
        for &(day, i, k, behaviour, mask) in &ex.acts {
            if mask & ctx.replay_bit == 0 {
                continue;
            }
            if let Some(i) = local(i) {
                let what = What::Replay { k, behaviour };
                self.replays.push(Event {
                    day,
                    person: i,
                    rank: what.rank(),
                    tie: self.tie,
                    what,
                });
                self.tie = self.tie.wrapping_add(1);
            }
        }
        debug_assert!(self.replays.is_sorted_by_key(Event::key));
        if ctx.errors {
            for &(day, i, b, s) in &ex.false_records {
                if let Some(i) = local(i) {
                    self.schedule_record(ctx, i, day, b, s, Provenance::False);
                }
            }
        }
        self.index_of = index_of;
    }

    /// A counterfactual replays factual act k: it happens (responses may thin it
    /// differently here), then sources may capture it.
    pub(super) fn replay(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, k: u32, b: usize) {
        if self.performs(ctx, i, day, k, b) {
            self.capture(ctx, i, day, k, b);
        }
    }

    pub(super) fn person_rates(&mut self, ctx: &Ctx<'_>, i: u32) -> f64 {
        let a = ctx.model.attributes.len();
        let attrs = &self.people.persons.attrs[i as usize * a..(i as usize + 1) * a];
        if let Some(table) = &ctx.rate_table {
            // The same products as `population::behaviour_rates`, in the same order.
            let combo: usize = attrs
                .iter()
                .zip(&table.strides)
                .map(|(&c, &s)| c as usize * s)
                .sum();
            let global = self.people.acts.multiplier[i as usize];
            let nb = self.rates.len();
            let mut total = 0.0;
            for (r, &base) in self
                .rates
                .iter_mut()
                .zip(&table.rates[combo * nb..(combo + 1) * nb])
            {
                *r = base * global;
                total += *r;
            }
            return total;
        }
        population::behaviour_rates(
            ctx.model,
            &ctx.keys,
            self.id(i),
            attrs,
            self.people.acts.multiplier[i as usize],
            &mut self.rates,
        )
    }

    pub(super) fn schedule_act(&mut self, ctx: &Ctx<'_>, i: u32, time: f64) {
        if time < ctx.model.days as f64 {
            self.push(ctx, time as u32, i, What::Act { time });
        }
    }

    pub(super) fn act(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, time: f64) {
        let person = self.id(i);
        let k = self.people.acts.seq[i as usize];
        // Validation keeps a person's expected acts far below 2³² (the chunk's event
        // numbering allows about 518,000 events per person); a person drawn so active
        // that the act counter would wrap has no further acts rather than repeating
        // act numbers (and their draws).
        let Some(next_k) = k.checked_add(1) else {
            return;
        };
        self.people.acts.seq[i as usize] = next_k;
        let total = self.person_rates(ctx, i);
        let mut st = ctx.keys.stream(Purpose::Act, 0, person as u64, k as u64);
        let target = st.uniform() * total;
        let mut acc = 0.0;
        let mut b = self.rates.len() - 1;
        for (j, &r) in self.rates.iter().enumerate() {
            acc += r;
            if target < acc {
                b = j;
                break;
            }
        }
        let next = time + st.exponential() / total;
        let class = ctx.act_class[b] as usize;
        if class < 2 {
            self.tally.responses.candidate_acts[class] += 1;
            self.tally.periods[self.period].responses.candidate_acts[class] += 1;
        }
        // Acts are drawn as if nobody responded to the regime; deterrence and chilling
        // thin them (so every variant shares the same candidate acts).
        let replay = if self.performs(ctx, i, day, k, b) {
            self.tally.acts[b] += 1;
            if ctx.full {
                let g = ctx.model.behaviours[b].gravity;
                self.lives.gravity[i as usize] += g;
                let gravest = &mut self.lives.gravest[i as usize];
                *gravest = gravest.max(g);
            }
            if class < 2 {
                self.tally.responses.performed_acts[class] += 1;
                self.tally.periods[self.period].responses.performed_acts[class] += 1;
                if ctx.full {
                    let a = &mut self.lives.acts[2 * i as usize + class];
                    *a = a.saturating_add(1);
                }
            }
            self.capture(ctx, i, day, k, b)
        } else {
            self.replay_mask(ctx, i, k, b)
        };
        if replay != 0 && ctx.full {
            self.exogenous.acts.push((day, i, k, b as u16, replay));
        }
        self.schedule_act(ctx, i, next);
    }

    /// Whether candidate act k (of behaviour b) happens: always without responses;
    /// with them, with probability (deterrence factor, while deterred) × (chilling
    /// factor, for protected conduct), by one keyed draw.
    pub(super) fn performs(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, k: u32, b: usize) -> bool {
        let mut factor = 1.0;
        let deterrence = self.deterrence_factor(ctx, i, day, b);
        if let Some(f) = deterrence {
            factor *= f;
        }
        if let Some(f) = self.chilling_factor(ctx, i, b) {
            factor *= f;
        }
        if factor >= 1.0 {
            return true;
        }
        let person = self.id(i);
        let happens = ctx
            .keys
            .stream(Purpose::Response, 0, person as u64, k as u64)
            .uniform()
            < factor;
        if !happens && deterrence.is_some() {
            self.tally.responses.deterred_acts += 1;
        }
        happens
    }
}
