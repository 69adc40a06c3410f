//! The memory estimate of a run, from the per-person state and the event queue.

use super::*;

/// Bytes per person of a chunk being simulated, factual run or counterfactual: the
/// per-person arrays as declared ([`People`]), the list of persons whose watched
/// statuses changed (contacts triggers), and pending events (each person always has
/// one pending act; records in the reporting pipeline, expiries and list ends add to
/// that: 1.5 events per person covers the presets, heap and bucket slack included).
fn state_bytes_per_person(model: &Model, factual: bool) -> f64 {
    let ctx = Ctx::new(model, Variant::Factual);
    let dims = counterfactual_dims(&ctx, factual);
    let watch_dirty = if dims.watched { 4 } else { 0 };
    (People::bytes_per_person(&dims) + watch_dirty) as f64
        + 1.5 * std::mem::size_of::<Event>() as f64
}

/// The dimensions of the factual run, or of a counterfactual (which keeps nothing
/// only the factual run reports and replays the factual run's acts).
fn counterfactual_dims(ctx: &Ctx<'_>, factual: bool) -> crate::per_person::Dims {
    let mut dims = ctx.dims(true);
    if !factual {
        dims.factual = false;
        dims.draws_acts = false;
    }
    dims
}

/// Bytes of state per person of the factual run's chunk being simulated (see
/// `state_bytes_per_person`).
pub fn chunk_bytes_per_person(model: &Model) -> f64 {
    state_bytes_per_person(model, true)
}

/// Bytes per person of what a simulated chunk keeps for the audit, beyond
/// [`chunk_bytes_per_person`]: per-person outcomes as declared ([`Lives`]; spells,
/// in-context holds, year-end grades and record counts only in the factual run) and
/// kept adverse records (16 bytes each, at the expected number per person).
pub fn outcome_bytes_per_person(model: &Model, factual: bool) -> f64 {
    let ctx = Ctx::new(model, Variant::Factual);
    let lives = Lives::bytes_per_person(&counterfactual_dims(&ctx, factual));
    let records = if ctx.track_records {
        std::mem::size_of::<Rec>() as f64 * expected_adverse_records_per_person(model)
    } else {
        0.0
    };
    lives as f64 + records
}

/// Expected adverse records per person over the horizon (mean multipliers of 1): every
/// source's captures of adverse behaviours, plus its false records.
pub(super) fn expected_adverse_records_per_person(model: &Model) -> f64 {
    let days = model.days as f64;
    let genuine: f64 = model
        .behaviours
        .iter()
        .filter(|b| b.adverse())
        .map(|b| b.rate_per_day * days * b.observers.iter().map(|o| o.capture).sum::<f64>())
        .sum();
    let false_records: f64 = model
        .sources
        .iter()
        .map(|s| s.false_rate_per_day * s.largest_false_multiplier() * days)
        .sum();
    genuine + false_records
}

/// Bytes per person of the events a chunk holds when every period's events are
/// bucketed ahead (epoch-major): the factual run's pending events plus, for a
/// counterfactual, its replayed acts (at most every act) and the factual run's record
/// of them (16 bytes each).
pub(super) fn replay_bytes_per_person(model: &Model) -> f64 {
    let acts: f64 = model
        .behaviours
        .iter()
        .map(|b| b.rate_per_day * model.days as f64)
        .sum();
    acts * (std::mem::size_of::<Event>() as f64 + 16.0)
}

/// Memory a run needs, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct MemoryEstimate {
    /// Kept for the whole run, per person: household boundaries (4 bytes per household)
    /// and, when a mechanism couples the population (epoch-major schedule), every
    /// person's simulation state: the factual run's and one counterfactual's.
    pub persistent_per_person: f64,
    /// Kept for the whole run in all.
    pub persistent: u64,
    /// Chunks being simulated and the threads' tallies, independent of the population size.
    pub in_flight: u64,
    /// The scenario couples persons across the population, so all of them stay in memory.
    pub coupled: bool,
}

impl MemoryEstimate {
    /// The estimate for a model run with its audit on `threads` threads.
    pub fn new(model: &Model, threads: usize) -> MemoryEstimate {
        Self::for_run(model, threads, true)
    }

    /// The estimate for a model run on `threads` threads, with or without the audit.
    pub fn for_run(model: &Model, threads: usize, audit: bool) -> MemoryEstimate {
        let mean_household = model.mean_household_size();
        let mut persistent_per_person =
            4.0 * 1.01 / mean_household.max(1.0) + 16.0 / CHUNK_PERSONS as f64;
        let tally = (model.period_ends.len()
            * (Layout::of(model).len() + 4 * model.services.len() + model.treatments.len() + 24)
            * 8) as f64;
        let per_person = chunk_bytes_per_person(model) + outcome_bytes_per_person(model, true);
        let chunk = CHUNK_PERSONS as f64 * 1.5 * per_person + tally;
        let coupled = model.coupled();
        if coupled {
            persistent_per_person += per_person;
            if audit {
                persistent_per_person += state_bytes_per_person(model, false)
                    + outcome_bytes_per_person(model, false)
                    + replay_bytes_per_person(model);
            }
            if model.lists.iter().any(|l| l.contacts.is_some()) {
                persistent_per_person += 5.0; // contacts holding each status, triggers met
            }
            // One tally per chunk.
            persistent_per_person += tally / CHUNK_PERSONS as f64;
        }
        MemoryEstimate {
            persistent_per_person,
            persistent: (model.persons as f64 * persistent_per_person) as u64,
            // Two tallies per thread (the chunk's and the fold accumulator), the binary
            // and allocator overhead; epoch-major runs keep one tally per chunk instead.
            in_flight: (threads as f64 * (chunk + tally) + 32e6) as u64,
            coupled,
        }
    }

    /// Total bytes.
    pub fn total(&self) -> u64 {
        self.persistent + self.in_flight
    }
}
