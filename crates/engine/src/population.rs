//! The synthetic population: households, chunks, attributes and behaviour rates, all
//! derived from (seed, id).
//!
//! Only household boundaries are stored (4 bytes per household); a person's
//! attributes and multipliers are pure functions of the seed and their id, so any part
//! of the population can be rebuilt anywhere, in any order.

use crate::rng::{Keys, Purpose};
use credsim_model::Level;
use credsim_model::Model;
use rayon::prelude::*;
use std::ops::Range;

/// Persons per chunk, aimed at (a chunk is whole households). Fixed, so chunk
/// boundaries, and with them every result, do not depend on the thread count.
pub const CHUNK_PERSONS: u32 = credsim_model::validate::CHUNK_PERSONS as u32;

/// A contiguous block of whole households, simulated by one task.
#[derive(Debug, Clone)]
pub struct ChunkRange {
    /// Households in the chunk.
    pub households: Range<u32>,
    /// Persons in the chunk.
    pub persons: Range<u32>,
}

/// Household boundaries and the chunking of the population.
#[derive(Debug, Clone)]
pub struct Population {
    /// `household_start[h]` is the first person of household h; one extra entry at the end.
    pub household_start: Vec<u32>,
    /// Chunks in id order.
    pub chunks: Vec<ChunkRange>,
}

impl Population {
    /// Draws household sizes until every person has a household (the last household
    /// is cut to fit) and cuts the households into chunks.
    pub fn build(model: &Model, keys: &Keys) -> Population {
        let persons = model.persons as u32;
        let mean_size = model.mean_household_size();
        let mut household_start: Vec<u32> =
            Vec::with_capacity((persons as f64 / mean_size.max(1.0) * 1.01) as usize + 2);
        // Sizes are keyed by household id, so a block of them is drawn in parallel
        // (into the table itself), then turned into first persons by a running sum
        // that stops at the household reaching the population: the same table as
        // drawing one household after another.
        let size = |h: u64| {
            let u = keys.stream(Purpose::HouseholdSize, 0, h, 0).uniform();
            model.household_sizes.values[model.household_sizes.index(u)]
        };
        let mut next = 0u32;
        while next < persons {
            let first = household_start.len();
            let room = household_start.capacity() - first;
            let block = room.max(1 << 16);
            household_start.resize(first + block, 0);
            household_start[first..]
                .par_chunks_mut(1 << 16)
                .enumerate()
                .for_each(|(c, part)| {
                    let h0 = (first + (c << 16)) as u64;
                    for (x, slot) in part.iter_mut().enumerate() {
                        *slot = size(h0 + x as u64);
                    }
                });
            let mut end = household_start.len();
            for (x, slot) in household_start[first..].iter_mut().enumerate() {
                let s = *slot;
                *slot = next;
                next = next.saturating_add(s).min(persons);
                if next >= persons {
                    end = first + x + 1;
                    break;
                }
            }
            household_start.truncate(end);
        }
        household_start.push(persons);

        let mut chunks = Vec::new();
        let n_households = household_start.len() as u32 - 1;
        let mut first = 0u32;
        while first < n_households {
            let start = household_start[first as usize];
            let mut last = first;
            while last < n_households && household_start[last as usize] - start < CHUNK_PERSONS {
                last += 1;
            }
            chunks.push(ChunkRange {
                households: first..last,
                persons: start..household_start[last as usize],
            });
            first = last;
        }
        Population {
            household_start,
            chunks,
        }
    }

    /// Number of households.
    pub fn households(&self) -> u32 {
        self.household_start.len() as u32 - 1
    }

    /// Index of the chunk holding a person.
    pub fn chunk_of(&self, person: u32) -> usize {
        self.chunks.partition_point(|c| c.persons.end <= person)
    }
}

/// The category of each attribute for one person.
#[inline]
pub fn attributes(model: &Model, keys: &Keys, person: u32, household: u32, out: &mut [u8]) {
    for (a, attr) in model.attributes.iter().enumerate() {
        let u = match attr.level {
            Level::Person => keys.stream(Purpose::PersonAttribute, a as u32, person as u64, 0),
            Level::Household => {
                keys.stream(Purpose::HouseholdAttribute, a as u32, household as u64, 0)
            }
        }
        .uniform();
        out[a] = attr.categories.index(u) as u8;
    }
}

/// A person's global behaviour multiplier (1 without heterogeneity).
#[inline]
pub fn multiplier(model: &Model, keys: &Keys, person: u32) -> f64 {
    model.heterogeneity_shape.map_or(1.0, |k| {
        keys.stream(Purpose::Heterogeneity, 0, person as u64, 0)
            .gamma_mean_one(k)
    })
}

/// First Heterogeneity stream of the propensity groups (group g: this + g): apart from
/// the global multiplier (0) and the behaviours' own (1 + behaviour).
const GROUP_STREAMS: u32 = 1 << 31;

/// A person's behaviour rates per day, one per behaviour (written into `rates`),
/// given their global multiplier; returns their sum.
#[inline]
pub fn behaviour_rates(
    model: &Model,
    keys: &Keys,
    person: u32,
    attrs: &[u8],
    global: f64,
    rates: &mut [f64],
) -> f64 {
    let mut total = 0.0;
    for (b, beh) in model.behaviours.iter().enumerate() {
        let mut r = beh.rate_per_day;
        for (a, &c) in attrs.iter().enumerate() {
            r *= beh.multipliers[a][c as usize];
        }
        r *= match (beh.group, beh.own_shape) {
            (Some((g, k)), _) if r > 0.0 => keys
                .stream(
                    Purpose::Heterogeneity,
                    GROUP_STREAMS + g as u32,
                    person as u64,
                    0,
                )
                .gamma_mean_one(k),
            (Some(_), _) => 1.0,
            (None, Some(k)) if r > 0.0 => keys
                .stream(Purpose::Heterogeneity, 1 + b as u32, person as u64, 0)
                .gamma_mean_one(k),
            (None, Some(_)) => 1.0,
            (None, None) => global,
        };
        rates[b] = r;
        total += r;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Validation bounds the events per person by the largest chunk
    /// (`validate::MAX_CHUNK_PERSONS`): with households of 100, chunks come within one
    /// household of it and never exceed it.
    #[test]
    fn chunks_stay_within_the_validated_size() {
        let text = credsim_model::presets::find(credsim_model::presets::DEFAULT)
            .expect("default preset")
            .toml
            .replace(
                "sizes = { \"1\" = 0.25, \"2\" = 0.30, \"3\" = 0.20, \"4\" = 0.13, \"5\" = 0.07, \"6\" = 0.05 }",
                "sizes = { \"1\" = 0.5, \"100\" = 0.5 }",
            );
        let o = credsim_model::Overrides {
            persons: Some(100_000),
            ..Default::default()
        };
        let m = credsim_model::load(&text, "case.toml", &o)
            .expect("valid")
            .model;
        assert!(m.mean_household_size() > 50.0, "the replacement applied");
        let pop = Population::build(&m, &Keys::new(m.seed));
        let largest = pop.chunks.iter().map(|c| c.persons.len() as u64).max();
        let bound = credsim_model::validate::MAX_CHUNK_PERSONS;
        assert!(
            largest.is_some_and(|n| n > bound - 100 && n <= bound),
            "{largest:?}"
        );
    }

    /// The table built in parallel blocks equals drawing one household after another
    /// until the population is reached (the last household cut to fit), for sizes
    /// below, at and across the block size.
    #[test]
    fn parallel_household_table_equals_sequential() {
        for persons in [1u64, 7, 65_536, 200_003, 1_000_000] {
            let overrides = credsim_model::Overrides {
                persons: Some(persons),
                ..Default::default()
            };
            let m = credsim_model::presets::load("suining-2010", &overrides)
                .expect("preset")
                .model;
            let keys = Keys::new(m.seed);
            let mut expected = Vec::new();
            let (mut next, mut h) = (0u32, 0u64);
            while next < persons as u32 {
                expected.push(next);
                let u = keys.stream(Purpose::HouseholdSize, 0, h, 0).uniform();
                let size = m.household_sizes.values[m.household_sizes.index(u)];
                next = next.saturating_add(size).min(persons as u32);
                h += 1;
            }
            expected.push(persons as u32);
            let pop = Population::build(&m, &keys);
            assert_eq!(pop.household_start, expected, "{persons} persons");
            let covered: u32 = pop.chunks.iter().map(|c| c.persons.len() as u32).sum();
            assert_eq!(covered, persons as u32);
        }
    }
}
