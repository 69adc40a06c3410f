//! Chilling: protected conduct falls when people see others penalised for it. Each
//! chunk counts persons penalised per category; between periods, the population-wide
//! share sets the next period's factor on protected acts.

use super::*;
use crate::per_person::{Dims, per_person};

per_person! {
    /// What chilling keeps per person.
    pub(super) struct State(d) {
        /// 1 + the last period the person was penalised for protected conduct.
        penalised_period: u16 = 0, [Dims::when(d.chilling)], init, warm;
    }
}

/// A chunk's chilling counts: who was penalised this period, per category, and the
/// factor in force.
pub(super) struct Chill {
    /// Persons penalised for protected conduct this period, per chilling category.
    pub(super) penalised: Vec<u64>,
    /// Persons per chilling category.
    pub(super) persons: Vec<u64>,
    /// The chilling factor in force this period, per category.
    pub(super) factor: Vec<f64>,
}

impl Chill {
    /// No one penalised yet; factors of 1.
    pub(super) fn new(ctx: &Ctx<'_>) -> Chill {
        Chill {
            penalised: filled(0, ctx.chill_categories),
            persons: filled(0, ctx.chill_categories),
            factor: vec![1.0; ctx.chill_categories],
        }
    }
}

/// The chilling state kept between periods (epoch-major schedule).
pub(super) struct Climate {
    /// Persons per chilling category.
    persons: Vec<u64>,
    /// The chilling factor in force in each period, per category.
    pub(super) factors: Vec<Vec<f64>>,
}

impl Climate {
    /// Factors of 1 everywhere; the categories' sizes from the chunks.
    pub(super) fn new(ctx: &Ctx<'_>, chunks: &[ChunkSim]) -> Climate {
        let mut persons = vec![0; ctx.chill_categories];
        for c in chunks {
            for (x, y) in persons.iter_mut().zip(&c.chill.persons) {
                *x += y;
            }
        }
        Climate {
            persons,
            factors: vec![vec![1.0; ctx.chill_categories]; ctx.model.period_ends.len()],
        }
    }

    /// Chilling after period k: the share of persons penalised for protected conduct
    /// in each category sets the factor for period k + 1 (a lag of one period).
    pub(super) fn chill(&mut self, ctx: &Ctx<'_>, k: usize, chunks: &mut [ChunkSim]) {
        let Some(rules) = ctx.chilling else {
            return;
        };
        let mut penalised = vec![0u64; ctx.chill_categories];
        for c in chunks.iter_mut() {
            for (x, y) in penalised.iter_mut().zip(&mut c.chill.penalised) {
                *x += std::mem::take(y);
            }
        }
        let factors: Vec<f64> = penalised
            .iter()
            .zip(&self.persons)
            .map(|(&n, &of)| {
                if of == 0 {
                    1.0
                } else {
                    rules.factor(n as f64 / of as f64)
                }
            })
            .collect();
        if k + 1 < self.factors.len() {
            self.factors[k + 1].clone_from(&factors);
        }
        for c in chunks.iter_mut() {
            c.chill.factor.clone_from(&factors);
        }
    }
}

impl ChunkSim {
    /// Counts the chunk's persons per chilling category.
    pub(super) fn count_chill_categories(&mut self, ctx: &Ctx<'_>) {
        if ctx.chilling.is_some() {
            let a = ctx.model.attributes.len();
            for i in 0..self.people.len() {
                let cat = ctx.chill_category(&self.people.persons.attrs[i * a..(i + 1) * a]);
                self.chill.persons[cat] += 1;
            }
        }
    }

    /// An adverse record of protected conduct penalises its person: counted once per
    /// person and period in the person's chilling category.
    pub(super) fn note_penalised(&mut self, ctx: &Ctx<'_>, r: &Adverse) {
        let m = ctx.model;
        let i = r.person;
        if m.behaviours[r.behaviour].protected && ctx.chilling.is_some() {
            let stamp = self.period as u16 + 1;
            if self.people.chilling.penalised_period[i as usize] != stamp {
                self.people.chilling.penalised_period[i as usize] = stamp;
                let a = m.attributes.len();
                let cat = ctx.chill_category(
                    &self.people.persons.attrs[i as usize * a..(i as usize + 1) * a],
                );
                self.chill.penalised[cat] += 1;
                self.tally.responses.penalised_protected += 1;
                self.tally.periods[self.period]
                    .responses
                    .penalised_protected += 1;
            }
        }
    }

    /// The factor on person i's acts of behaviour b this period (None: not chilled).
    #[inline]
    pub(super) fn chilling_factor(&self, ctx: &Ctx<'_>, i: u32, b: usize) -> Option<f64> {
        if ctx.chilling.is_some() && ctx.model.behaviours[b].protected {
            let a = ctx.model.attributes.len();
            let cat = ctx
                .chill_category(&self.people.persons.attrs[i as usize * a..(i as usize + 1) * a]);
            return Some(self.chill.factor[cat]);
        }
        None
    }
}
