//! Record-store leaks: the plan of a leak (`plan.rs`), its mergeable counts
//! (`tally.rs`) and the audit measure 16 built from them (`measures.rs`). The event
//! that reads the stores on the leak's day is `sim/leaks.rs`; identity values come
//! from `identity.rs`. Outputs are aggregates only: no key or value leaves the engine.

pub mod measures;
pub mod plan;
pub mod summary;
pub mod tally;

pub use measures::LeaksAudit;
pub use tally::{Classes, LeakCounts, LeakTally};

use crate::identity;
use crate::rng::Keys;
use credsim_model::{Field, IdField, IdentityRules, Model};

/// The values of a person's attributes as class-key parts (value, bits).
pub struct Values<'a> {
    keys: Keys,
    rules: &'a IdentityRules,
    /// Persons of the run (bounds the widths of units and of person ids).
    persons: u64,
}

impl<'a> Values<'a> {
    /// For a model with leaks.
    pub fn new(model: &Model, rules: &'a IdentityRules) -> Values<'a> {
        Values {
            keys: Keys::new(model.seed),
            rules,
            persons: model.persons,
        }
    }

    /// The person's category of `age` among `attrs` (None without one).
    #[inline]
    pub fn age(&self, attrs: &[u8]) -> Option<u8> {
        self.rules
            .age_bands
            .as_ref()
            .and_then(|(a, _)| attrs.get(*a).copied())
    }

    /// The class-key part of field `f` of person `id` with categories `attrs`.
    pub fn value(&self, f: &Field, id: u32, attrs: &[u8]) -> (u64, u32) {
        let r = self.rules;
        let oldest = u64::from(r.max_age.max(r.birth_years) + 1) * u64::from(identity::YEAR_DAYS);
        match f {
            Field::Identity(IdField::IdNumber) | Field::Unique => (u64::from(id), 32),
            Field::Identity(IdField::BirthDate) => {
                let b = identity::birth_day(&self.keys, r, id, self.age(attrs));
                ((r.day0 - 1 - b) as u64, plan::bits_for(oldest))
            }
            Field::Identity(IdField::BirthYear) => {
                let b = identity::birth_day(&self.keys, r, id, self.age(attrs));
                let y = identity::year_of(r.day0) - identity::year_of(b);
                (y.max(0) as u64, plan::bits_for(oldest / 365 + 2))
            }
            Field::Identity(IdField::Sex) => (u64::from(identity::sex(&self.keys, id)), 1),
            Field::Identity(IdField::County) => (
                u64::from(identity::county(r, id)),
                plan::bits_for(self.persons / r.county_persons + 1),
            ),
            Field::Identity(IdField::Postcode) => (
                u64::from(identity::postcode(r, id)),
                plan::bits_for(self.persons / r.postcode_persons + 1),
            ),
            Field::Attribute(a) => (u64::from(attrs.get(*a).copied().unwrap_or(0)), 8),
            Field::Lists | Field::Records | Field::Unmodelled => (0, 0),
        }
    }

    /// The class key of a set of fields.
    pub fn key<'f>(&self, fields: impl Iterator<Item = &'f Field>, id: u32, attrs: &[u8]) -> u64 {
        plan::pack(fields.map(|f| self.value(f, id, attrs)))
    }
}
