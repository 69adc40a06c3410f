//! The event-driven engine: each chunk of households runs its own event queue; the
//! whole population advances one reporting period (epoch) at a time.
//!
//! Chunks are independent (households and neighbourhoods never straddle them) and run
//! in parallel; later population-wide mechanisms (appeal queues, peer effects,
//! chilling) fit as epoch-synchronous updates in the epoch-major schedule. Cost grows with the number of
//! events (acts, record arrivals, expiries, status changes), not with persons × days.
//!
//! Semantics (see docs/ODD.md): time is in whole days; a person's state on a day is
//! their state after all of that day's events; events of one person on one day run in
//! the order list end, scrutiny end, expiry, record arrival, act.

mod acts;
mod appeals;
mod attempts;
mod capture;
mod chilling;
mod chunk_major;
mod contacts;
mod contrast;
mod ctx;
mod dated;
mod day0;
mod deterrence;
mod epoch_major;
mod event;
mod grading;
mod leaks;
mod lists;
mod memory;
mod observe;
mod people;
mod records;
mod replay;
mod roles;
mod score;
mod scrutiny;
mod status;
mod tamper;
#[cfg(test)]
mod tests;
mod treatments;

use crate::audit::{AuditTally, GroupTally, Lives, NEVER, Observed, Reach, Variant, WrongfulPath};
use crate::buffers::{filled, give_back, spare};
use crate::population::{self, CHUNK_PERSONS, ChunkRange, Population};
use crate::rng::{Keys, Poisson, Purpose};
use crate::tally::{Layout, Provenance, Tally};
use credsim_model::{AppealRules, ChillingRules, Model, RepairRules, Status};
use credsim_model::{ListKind, Scope, ScoreRules, TreatmentKind};
use rayon::prelude::*;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

pub use crate::api::*;
use acts::Exogenous;
use attempts::AttemptProcess;
use chilling::Chill;
pub use chunk_major::{run, run_with};
use ctx::Ctx;
use dated::Dated;
use event::{Event, What, merge_events, sort_events};
pub use memory::{MemoryEstimate, chunk_bytes_per_person, outcome_bytes_per_person};
use people::People;
use records::*;
use replay::*;
use score::GradeChange;
use treatments::{SINCE_BITS, SINCE_MASK};

const NO_GRADE: u8 = u8::MAX;

const FOREVER: u32 = u32::MAX;

thread_local! {
    /// Tallies of dropped chunks, for the next chunks simulated on this thread: a
    /// tally holds a few hundred small per-period vectors, and allocating and freeing
    /// them for every chunk and counterfactual took several per cent of a run.
    static SPARE_TALLIES: RefCell<Vec<Tally>> = const { RefCell::new(Vec::new()) };
}

/// A zeroed tally for the run: a spare one reset ([`Tally::reset_if_shaped`], equal to a new
/// one) or a new one.
fn fresh_tally(ctx: &Ctx<'_>) -> Tally {
    SPARE_TALLIES.with_borrow_mut(|spare| {
        while let Some(mut t) = spare.pop() {
            if t.reset_if_shaped(&ctx.tally_shape) {
                return t;
            }
        }
        Tally::new(ctx.model)
    })
}

impl Drop for ChunkSim {
    fn drop(&mut self) {
        for bucket in &mut self.buckets {
            give_back(bucket);
        }
        give_back(&mut self.scratch);
        give_back(&mut self.replays);
        give_back(&mut self.ids);
        give_back(&mut self.index_of);
        self.people.give_back();
        self.lives.give_back();
        let tally = std::mem::replace(&mut self.tally, Tally::empty());
        SPARE_TALLIES.with_borrow_mut(|spare| {
            if spare.len() < 4 {
                spare.push(tally);
            }
        });
    }
}

/// Factual index x's person in a counterfactual with this `index_of` map (empty: the
/// same index; None: not simulated).
#[inline]
fn local_index(index_of: &[u32], x: u32) -> Option<u32> {
    if index_of.is_empty() {
        Some(x)
    } else {
        Some(index_of[x as usize]).filter(|&i| i != u32::MAX)
    }
}

/// The state of one chunk of households (struct of arrays, indexed by local person).
struct ChunkSim {
    first_person: u32,
    /// Every person's state, array by array ([`People`]).
    people: People,
    /// A counterfactual of some households only: each person's index in the factual
    /// run's chunk (empty: the whole chunk, same indices).
    ids: Vec<u32>,
    /// With `ids`, each factual index's person here (`u32::MAX`: not simulated).
    index_of: Vec<u32>,
    /// Persons of the whole chunk (the neighbourhood misattribution draws from).
    neighbours: u32,
    /// With an eligibility rule (`[population] scored`), the factual indices of the
    /// chunk's scored persons, in order (the only persons records land on); empty
    /// without one.
    scored: Vec<u32>,
    /// Id of the chunk's first household.
    household_offset: u32,
    /// Local first person of each household, plus an end entry.
    household_start: Vec<u32>,
    /// Per service: rewarded person-days up to the last period end (granted attempts).
    rewarded_days: Vec<u64>,
    heap: BinaryHeap<Event>,
    /// Per period, the events scheduled for it before it started (unordered).
    buckets: Vec<Vec<Event>>,
    /// A counterfactual's replayed acts, in event order, and how many were handled.
    replays: Vec<Event>,
    replayed: usize,
    /// Room for sorting and merging a period's events.
    scratch: Vec<Event>,
    epoch_end: u32,
    tie: u32,
    occupancy: Vec<u64>,
    last_day: u32,
    score_sum: i64,
    /// Persons at each score (distinct scores are few: sums of record points).
    score_counts: BTreeMap<i64, u64>,
    period: usize,
    rates: Vec<f64>,
    tally: Tally,
    /// Per-person outcomes for the audit.
    lives: Lives,
    /// Audit counts beside the per-person outcomes.
    observed: Observed,
    /// Status-independent draws, recorded by the factual run for its counterfactuals.
    exogenous: Exogenous,
    /// Every record that arrived (only when the records table is asked for).
    record_log: Option<RecordLog>,
    /// Adverse records kept one by one and appeals filed (records.rs).
    store: Store,
    /// Chilling's per-chunk counts and factors (chilling.rs).
    chill: Chill,
    /// Persons whose watched statuses may have changed since the last report.
    watch_dirty: Vec<u32>,
    /// Misattributed records: (actor, person the record was filed on), both as indices
    /// in the factual run's chunk.
    misattributions: Vec<(u32, u32)>,
    /// Records attacks inserted or deleted (tamper.rs).
    tampering: tamper::Tampering,
}

impl ChunkSim {
    /// A chunk at day 0. With `replay` (the factual run of the same chunk), people,
    /// acts and false records are taken from it instead of being drawn again.
    ///
    /// With `only` (per household of the factual chunk), a counterfactual holds the
    /// persons of those households alone and replays their acts and false records (see
    /// [`Self::reached_households`]).
    pub(super) fn new(
        ctx: &Ctx<'_>,
        pop: &Population,
        range: &ChunkRange,
        replay: Option<&ChunkSim>,
        only: Option<&[bool]>,
    ) -> ChunkSim {
        let m = ctx.model;
        // A counterfactual of some households holds their persons only.
        let subset: Option<(&ChunkSim, &[bool])> = replay.zip(only);
        let n = match subset {
            Some((f, h)) => (0..h.len())
                .filter(|&x| h[x])
                .map(|x| (f.household_start[x + 1] - f.household_start[x]) as usize)
                .sum(),
            None => (range.persons.end - range.persons.start) as usize,
        };
        let dims = ctx.dims(replay.is_none());
        let mut c = ChunkSim {
            first_person: range.persons.start,
            ids: Vec::new(),
            index_of: Vec::new(),
            neighbours: (range.persons.end - range.persons.start),
            scored: Vec::new(),
            household_offset: range.households.start,
            people: People::alloc(&dims, n),
            household_start: Vec::new(),
            rewarded_days: vec![0; m.services.len()],
            heap: BinaryHeap::new(),
            buckets: vec![Vec::new(); m.period_ends.len()],
            replays: Vec::new(),
            replayed: 0,
            scratch: Vec::new(),
            epoch_end: 0,
            tie: 0,
            occupancy: filled(0, ctx.layout.len()),
            last_day: 0,
            score_sum: 0,
            score_counts: BTreeMap::new(),
            period: 0,
            rates: vec![0.0; m.behaviours.len()],
            tally: fresh_tally(ctx),
            lives: Lives::alloc(&dims, n),
            observed: Observed::new(m),
            exogenous: Exogenous::default(),
            record_log: ctx.log_records.then(RecordLog::default),
            store: Store::default(),
            chill: Chill::new(ctx),
            // Everyone is reported once at the first boundary.
            watch_dirty: if ctx.watched.is_empty() {
                Vec::new()
            } else {
                (0..n as u32).collect()
            },
            misattributions: Vec::new(),
            tampering: tamper::Tampering::default(),
        };
        // Filled below, household by household (or taken from the factual run).
        c.people.persons.household.clear();
        if replay.is_none() {
            c.people
                .acts
                .draw_multipliers(m, &ctx.keys, range.persons.start);
        }
        c.place_persons(ctx, pop, range, replay, only);
        if !m.scored.everyone() {
            c.scored = match replay {
                Some(f) => f.scored.clone(),
                None => (0..n as u32).filter(|&i| c.is_scored(ctx, i)).collect(),
            };
        }
        c.count_chill_categories(ctx);
        c.start_day0(ctx);
        if ctx.full {
            c.lives.year_grade.copy_from_slice(c.people.score.grades());
        }
        match replay {
            None => {
                c.schedule_first_acts(ctx);
                c.draw_false_records(ctx, range);
            }
            Some(f) => c.take_replays(ctx, f),
        }
        c.schedule_attacks(ctx);
        c.schedule_in_force(ctx);
        c.schedule_leaks(ctx);
        c
    }

    /// Puts the chunk's persons in place: their households and attributes, drawn (the
    /// factual run), taken from the factual run (a counterfactual), or those of the
    /// households asked for only, with the maps between the two numberings.
    fn place_persons(
        &mut self,
        ctx: &Ctx<'_>,
        pop: &Population,
        range: &ChunkRange,
        replay: Option<&ChunkSim>,
        only: Option<&[bool]>,
    ) {
        let m = ctx.model;
        let a = m.attributes.len();
        let n = self.people.len();
        let pop_start = range.persons.start;
        if let Some((f, h)) = replay.zip(only) {
            // The same people, of the households asked for: their households and
            // attributes from the factual run, and the map between the two numberings.
            self.people.persons.attrs.clear();
            self.index_of = filled(u32::MAX, f.people.len());
            self.ids = spare(n);
            for (x, _) in h.iter().enumerate().filter(|&(_, &on)| on) {
                self.household_start.push(self.ids.len() as u32);
                let local_h = self.household_start.len() as u32 - 1;
                for p in f.household_start[x]..f.household_start[x + 1] {
                    self.index_of[p as usize] = self.ids.len() as u32;
                    self.ids.push(p);
                    self.people.persons.household.push(local_h);
                    self.people.persons.attrs.extend_from_slice(
                        &f.people.persons.attrs[p as usize * a..(p as usize + 1) * a],
                    );
                }
            }
            self.household_start.push(n as u32);
            return;
        }
        if let Some(f) = replay {
            // The same people: take their households and attributes from the factual run.
            self.people
                .persons
                .household
                .clone_from(&f.people.persons.household);
            self.household_start.clone_from(&f.household_start);
            self.people
                .persons
                .attrs
                .clone_from(&f.people.persons.attrs);
            return;
        }
        for (local_h, h) in range.households.clone().enumerate() {
            let first = pop.household_start[h as usize] - pop_start;
            let end = pop.household_start[h as usize + 1] - pop_start;
            self.household_start.push(first);
            for p in first..end {
                self.people.persons.household.push(local_h as u32);
                let person = pop_start + p;
                population::attributes(
                    m,
                    &ctx.keys,
                    person,
                    h,
                    &mut self.people.persons.attrs[p as usize * a..(p as usize + 1) * a],
                );
            }
        }
        self.household_start.push(n as u32);
    }

    /// Adds person-days of the current state up to `day`.
    pub(super) fn advance_to(&mut self, day: u32) {
        if day > self.last_day {
            let dt = (day - self.last_day) as u64;
            for (d, &o) in self.tally.occupancy_days.iter_mut().zip(&self.occupancy) {
                *d += o * dt;
            }
            self.last_day = day;
        }
    }

    pub(super) fn set_ever(&mut self, i: u32, bit: usize) {
        let flags = &mut self.people.persons.ever[i as usize];
        if *flags & (1 << bit) == 0 {
            *flags |= 1 << bit;
            self.tally.ever[bit] += 1;
        }
    }

    /// Reads the state of every person with an event in `events` before handling
    /// them. In the epoch-major schedule a chunk's state has left the CPU caches since
    /// its last period; independent reads let the memory system fetch many cache lines
    /// at once, where the event loop would wait for them one at a time.
    pub(super) fn warm(&self, events: &[Event]) {
        let n = self.people.len();
        let mut persons: Vec<u32> = spare(events.len());
        // (A dated rule's event is on the index after everyone's: `dated.rs`.)
        persons.extend(
            events
                .iter()
                .map(|e| e.person)
                .filter(|&p| (p as usize) < n),
        );
        let mut sum = self
            .people
            .warm(&persons, n)
            .wrapping_add(self.lives.warm(&persons, n));
        give_back(&mut persons);
        for ev in events {
            if let What::Expiry { record, .. }
            | What::Decision { record, .. }
            | What::Repair { record } = ev.what
                && let Some(r) = self.store.recs.get(record as usize)
            {
                sum = sum.wrapping_add(r.flags as u64);
            }
        }
        std::hint::black_box(sum);
    }

    /// Runs epoch k: every event before the epoch's end.
    pub(super) fn advance(&mut self, ctx: &Ctx<'_>, k: usize) {
        self.epoch_end = ctx.model.period_ends[k];
        self.period = k;
        let mut bucket = std::mem::take(&mut self.buckets[k]);
        if self.scratch.capacity() == 0 {
            self.scratch = spare(bucket.len());
        }
        if ctx.coupled {
            self.warm(&bucket);
        }
        // Events scheduled before the period are sorted once; events scheduled during
        // it for a day within it go to the heap; the two are merged in (day, person,
        // kind, insertion) order, the order a single heap would give (keys are unique).
        let start = k.checked_sub(1).map_or(0, |j| ctx.model.period_ends[j]);
        let persons = self.people.len();
        sort_events(
            &mut bucket,
            &mut self.scratch,
            start,
            self.epoch_end,
            persons,
        );
        // A counterfactual's replayed acts are already in order: merge this period's.
        let replays = self.replays[self.replayed..].partition_point(|e| e.day < self.epoch_end);
        if replays > 0 {
            let from = self.replayed;
            self.replayed += replays;
            merge_events(
                &bucket,
                &self.replays[from..from + replays],
                &mut self.scratch,
            );
            std::mem::swap(&mut bucket, &mut self.scratch);
        }
        let mut next = 0;
        loop {
            let from_bucket = match (bucket.get(next), self.heap.peek()) {
                (Some(b), Some(h)) => b.key() < h.key(),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let ev = if from_bucket {
                next += 1;
                bucket[next - 1]
            } else {
                match self.heap.pop() {
                    Some(ev) => ev,
                    None => break,
                }
            };
            self.advance_to(ev.day);
            self.tally.events += 1;
            self.handle(ctx, ev);
        }
        give_back(&mut bucket);
        self.advance_to(self.epoch_end);
        if ctx.full {
            self.count_granted(ctx, k);
        }
        if ctx.full && self.epoch_end.is_multiple_of(365) {
            let g = ctx.model.score.as_ref().map_or(0, |s| s.grades.len());
            for (i, &to) in self.people.score.grades().iter().enumerate() {
                let from = self.lives.year_grade[i];
                if (from as usize) < g && (to as usize) < g {
                    self.observed.group.transitions[from as usize * g + to as usize] += 1;
                }
                self.lives.year_grade[i] = to;
            }
        }
        let t = &mut self.tally;
        t.periods[k].ever.copy_from_slice(&t.ever);
        let p = &mut t.periods[k];
        p.occupancy.copy_from_slice(&self.occupancy);
        p.score_sum = self.score_sum;
        if ctx.full {
            p.score_counts = self.score_counts.clone();
        }
    }

    pub(super) fn handle(&mut self, ctx: &Ctx<'_>, ev: Event) {
        let (i, day) = (ev.person, ev.day);
        match ev.what {
            What::Act { time } => self.act(ctx, i, day, time),
            What::Replay { k, behaviour } => self.replay(ctx, i, day, k, behaviour as usize),
            What::Arrival {
                behaviour,
                source,
                provenance,
            } => self.arrival(ctx, i, day, behaviour as usize, source as usize, provenance),
            What::Expiry { behaviour, record } => self.on_expiry(ctx, i, day, behaviour, record),
            What::Decision { record, filed } => self.decide_appeal(ctx, day, record, filed),
            What::Repair { record } => self.on_repair(ctx, day, record),
            What::Association {
                contact_list,
                enter,
            } => self.association(ctx, i, day, contact_list as usize, enter),
            What::ListEnd { list, until } => self.list_end(ctx, i, day, list as usize, until),
            What::ScrutinyEnd { until } => self.on_scrutiny_end(ctx, i, day, until),
            What::Assessment => self.assess(ctx, i, day),
            What::Tamper { attack } => self.on_tamper(ctx, i, day, attack as usize),
            What::Restore { tamp } => self.on_restore(ctx, day, tamp),
            What::Complaint { tamp, service } => {
                self.on_complaint(ctx, i, day, tamp, service as usize)
            }
            What::InForce => self.in_force_changes(ctx, day),
            What::Leak { leak } => self.on_leak(ctx, day, leak as usize),
        }
    }

    /// A chunk simulated from day 0 to the end of the horizon (see [`Self::new`] for
    /// `replay` and `only`).
    pub(super) fn simulate(
        ctx: &Ctx<'_>,
        pop: &Population,
        range: &ChunkRange,
        replay: Option<&ChunkSim>,
        only: Option<&[bool]>,
    ) -> ChunkSim {
        let mut chunk = ChunkSim::new(ctx, pop, range, replay, only);
        for k in 0..ctx.model.period_ends.len() {
            chunk.advance(ctx, k);
        }
        chunk.finish(ctx);
        chunk
    }

    /// The population id of local person i.
    #[inline]
    pub(super) fn id(&self, i: u32) -> u32 {
        self.first_person + self.factual_index(i)
    }

    /// Local person i's index in the factual run's chunk.
    #[inline]
    pub(super) fn factual_index(&self, i: u32) -> u32 {
        if self.ids.is_empty() {
            i
        } else {
            self.ids[i as usize]
        }
    }

    /// The local person of factual index x (None: not simulated here).
    #[inline]
    pub(super) fn local_of(&self, x: u32) -> Option<u32> {
        local_index(&self.index_of, x)
    }

    /// Closes the horizon: counts attempts of restrictions still open.
    pub(super) fn finish(&mut self, ctx: &Ctx<'_>) {
        let days = ctx.model.days;
        self.advance_to(days);
        for i in 0..self.people.len() {
            if self.sanctioned_now(i as u32) {
                self.lives.sanction_days[i] += days - self.lives.sanction_since[i];
            }
            if self.lives.lists_on[i] > 0 {
                self.lives.listed_days[i] += days - self.lives.listed_since[i];
            }
        }
        self.close_treatments_at_horizon(ctx);
        self.finish_tampering(ctx);
        self.account_roles(ctx);
    }
}
