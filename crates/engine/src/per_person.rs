//! Per-person state declared once.
//!
//! A chunk keeps its persons' state as a struct of arrays: one `Vec` per field, with a
//! fixed number of entries per person (one, or one per list, hold slot, treatment, …).
//! [`per_person!`] declares such a struct, and from that one declaration generates
//! everything that must name every array: allocation from the pool of spare buffers
//! (`alloc`), giving them back (`give_back`), the day-0 copy (`copy_first_to_all`), the
//! cache warm-up of the epoch-major schedule (`warm`) and the memory estimate
//! (`bytes_per_person`). Adding a field is one line; forgetting it in one of those
//! places is impossible.
//!
//! Each field states
//! - its element type and initial value,
//! - its entries per person, an expression of the [`Dims`] of the run (0 when the
//!   mechanism is off or the run does not keep it),
//! - its day-0 rule: `copy` (derived by day 0 from the rules alone, so everyone's equals
//!   the first person's), `own` (each person's own draws or identity, never copied) or
//!   `init` (day 0 leaves it at its initial value: checked in debug builds),
//! - whether the epoch-major warm-up reads it (`warm`) or not (`cold`).
//!
//! A field is private to the module that declares it unless it says otherwise: a
//! mechanism's state is its own, and other mechanisms ask it through its methods
//! (`ChunkSim::grade`, `under_scrutiny`, `listed`, …) or receive its typed signals
//! (`Adverse`, `GradeChange`). Only the population's own data (`sim/people.rs`) and the
//! audit's per-person outcomes (`audit/lives.rs`) are shared, marked `pub(crate)`.

use crate::buffers::Reusable;

/// The sizes that per-person arrays depend on, for one run (factual or counterfactual).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dims {
    /// Attributes.
    pub attributes: usize,
    /// Lists.
    pub lists: usize,
    /// Domains counted for the causes of the grade (0 without a score).
    pub scored: usize,
    /// Domains (the audit attributes sanction-days to each cause domain).
    pub domains: usize,
    /// Hold slots: distinct (service, kind) pairs of treatments.
    pub slots: usize,
    /// Treatments.
    pub treatments: usize,
    /// Behaviours with deterrence in effect.
    pub deterrence: usize,
    /// The factual run (it keeps what only the factual run reports).
    pub factual: bool,
    /// The run draws its own acts (a counterfactual replays the factual run's).
    pub draws_acts: bool,
    /// Adverse records are kept one by one (appeals or repair in effect).
    pub keeps_records: bool,
    /// Chilling in effect.
    pub chilling: bool,
    /// Contacts triggers are in effect and watch statuses (their watch state is kept).
    pub watched: bool,
    /// Contacts triggers are in effect (whether each is met is kept).
    pub contacts: bool,
    /// A grading cadence is in effect (the assessed score is kept).
    pub graded: bool,
}

impl Dims {
    /// 1 when `on`, else 0: the entries per person of an array kept only sometimes.
    #[inline]
    pub fn when(on: bool) -> usize {
        on as usize
    }
}

/// An element of a per-person array, as read by the warm-up.
pub(crate) trait Element: Reusable + Copy + PartialEq + std::fmt::Debug {
    /// Some bits of the value (the warm-up only needs the read).
    fn bits(self) -> u64;
}

macro_rules! element {
    ($($t:ty => $e:expr),* $(,)?) => {$(
        impl Element for $t {
            #[inline]
            fn bits(self) -> u64 {
                let f: fn($t) -> u64 = $e;
                f(self)
            }
        }
    )*};
}

element!(u8 => |x| x as u64, u16 => |x| x as u64, u32 => |x| x as u64, u64 => |x| x,
    i64 => |x| x as u64, f64 => |x| x.to_bits(), bool => |x| x as u64);

/// Copies person 0's entries (the first `stride`) to every other person.
pub(crate) fn copy_first<T: Copy>(v: &mut [T], persons: usize) {
    if persons == 0 || v.is_empty() {
        return;
    }
    let stride = v.len() / persons;
    if stride == 1 {
        let first = v[0];
        v[1..].fill(first);
        return;
    }
    let (first, rest) = v.split_at_mut(stride);
    for chunk in rest.chunks_exact_mut(stride) {
        chunk.copy_from_slice(first);
    }
}

/// A sum over the first entry of each of these persons in an array of `persons`
/// persons (0 when the array is empty): the reads bring the entries' cache lines in.
#[inline]
pub(crate) fn warm_bits<T: Element>(v: &[T], of: &[u32], persons: usize) -> u64 {
    if v.is_empty() {
        return 0;
    }
    let stride = v.len() / persons;
    of.iter().fold(0u64, |sum, &i| {
        sum.wrapping_add(v[i as usize * stride].bits())
    })
}

/// Declares a struct of per-person arrays and generates `alloc`, `give_back`,
/// `copy_first_to_all`, `warm` and `bytes_per_person` from the one declaration (see the
/// module documentation for the field syntax).
macro_rules! per_person {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident ($d:ident) {
            $(
                $(#[doc = $doc:literal])*
                $fvis:vis $field:ident : $t:ty = $init:expr, [$count:expr], $day0:ident, $warm:ident;
            )*
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $(
                $(#[doc = $doc])*
                $fvis $field: Vec<$t>,
            )*
        }

        #[allow(dead_code)]
        impl $name {
            /// Arrays for `persons` persons, each filled with its initial value.
            pub(crate) fn alloc($d: &$crate::per_person::Dims, persons: usize) -> Self {
                let _ = $d; // unused when every array has one entry per person
                $name {
                    $( $field: $crate::buffers::filled($init, persons * ($count)), )*
                }
            }

            /// Gives every array back to this thread's pool of spare buffers.
            pub(crate) fn give_back(&mut self) {
                $( $crate::buffers::give_back(&mut self.$field); )*
            }

            /// Bytes per person of these arrays in a run of these dimensions.
            pub(crate) fn bytes_per_person($d: &$crate::per_person::Dims) -> usize {
                let _ = $d;
                0 $( + std::mem::size_of::<$t>() * ($count) )*
            }

            /// Gives every person the day-0 state of person 0 (fields marked `copy`);
            /// fields marked `init` are checked to be untouched in debug builds.
            pub(crate) fn copy_first_to_all(&mut self, persons: usize) {
                let _ = persons; // unused when no array is copied (release builds)
                $( per_person!(@day0 $day0, self.$field, $init, persons); )*
            }

            /// A sum over the first entry of each of these persons in every `warm`
            /// array, array by array: the independent reads bring their cache lines in.
            pub(crate) fn warm(&self, of: &[u32], persons: usize) -> u64 {
                let _ = (of, persons); // unused when every array is cold
                0u64 $( .wrapping_add(per_person!(@warm $warm, self.$field, of, persons)) )*
            }
        }
    };
    (@day0 copy, $v:expr, $init:expr, $n:expr) => { $crate::per_person::copy_first(&mut $v, $n) };
    (@day0 own, $v:expr, $init:expr, $n:expr) => {};
    (@day0 init, $v:expr, $init:expr, $n:expr) => {
        debug_assert!($v.iter().all(|x| *x == $init), "day 0 changed an `init` array")
    };
    (@warm warm, $v:expr, $of:expr, $n:expr) => { $crate::per_person::warm_bits(&$v, $of, $n) };
    (@warm cold, $v:expr, $of:expr, $n:expr) => { 0u64 };
}

pub(crate) use per_person;
