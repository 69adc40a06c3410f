//! The per-person state of a chunk's simulation: the persons themselves (households,
//! attributes, "ever" flags) and, one declared struct each, every mechanism's
//! per-person arrays (`per_person!` in the mechanism's module). [`People`] is the one
//! list of them: allocation, give-back, the day-0 copy, the warm-up and the memory
//! estimate fan out from it, so a mechanism's arrays cannot be left out of any.

use super::*;
use crate::per_person::{Dims, per_person};

per_person! {
    /// The persons of the chunk, whatever the mechanisms.
    pub(super) struct Persons(d) {
        /// Local index of the person's household.
        pub(crate) household: u32 = 0, [1], own, cold;
        /// Category of each attribute, `[person × attributes + attribute]`.
        pub(crate) attrs: u8 = 0, [d.attributes], own, warm;
        /// "Ever" flags (bits of `Layout`): grades, lists, sanctioned, rewarded, scrutiny.
        pub(crate) ever: u32 = 0, [1], copy, warm;
    }
}

/// Declares [`People`] from the list of per-person parts and fans the generated
/// methods out over them.
macro_rules! people {
    ($($part:ident: $t:ty),* $(,)?) => {
        /// Every person's state in one chunk, part by part, indexed by local person.
        pub(super) struct People {
            $(pub(super) $part: $t,)*
        }

        impl People {
            /// Every part for `persons` persons, at its initial values.
            pub(super) fn alloc(d: &Dims, persons: usize) -> People {
                People { $($part: <$t>::alloc(d, persons),)* }
            }

            /// Gives every array back to this thread's pool of spare buffers.
            pub(super) fn give_back(&mut self) {
                $(self.$part.give_back();)*
            }

            /// Bytes per person of every part.
            pub(super) fn bytes_per_person(d: &Dims) -> usize {
                0 $(+ <$t>::bytes_per_person(d))*
            }

            /// Gives every person person 0's day-0 state (see `per_person!`).
            pub(super) fn copy_first_to_all(&mut self, persons: usize) {
                $(self.$part.copy_first_to_all(persons);)*
            }

            /// Reads the entries of these persons in every `warm` array.
            pub(super) fn warm(&self, of: &[u32], persons: usize) -> u64 {
                0u64 $(.wrapping_add(self.$part.warm(of, persons)))*
            }
        }
    };
}

people! {
    persons: Persons,
    acts: acts::State,
    score: score::State,
    lists: lists::State,
    treatments: treatments::State,
    scrutiny: scrutiny::State,
    grading: grading::State,
    records: records::State,
    deterrence: deterrence::State,
    chilling: chilling::State,
    contacts: contacts::State,
    replay: replay::State,
}

impl People {
    /// Persons in the chunk.
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.persons.ever.len()
    }
}
