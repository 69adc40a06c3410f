//! Events: what can happen to a person on a day, their order, and the chunk's queue
//! (period buckets sorted once, a heap for events scheduled within the period).

use super::*;

#[derive(Debug, Clone, Copy)]
pub(super) enum What {
    Expiry {
        behaviour: u16,
        /// The record in `ChunkSim::recs` (`NO_RECORD`: not kept one by one).
        record: u32,
    },
    /// The review of an appeal ends (filed on day `filed`).
    Decision {
        record: u32,
        filed: u32,
    },
    /// Credit repair removes a record.
    Repair {
        record: u32,
    },
    /// The count of a person's contacts holding a watched status crossed the threshold
    /// of contacts trigger `contact_list` (an index into `Ctx::contact_lists`).
    Association {
        contact_list: u8,
        enter: bool,
    },
    ListEnd {
        list: u8,
        until: u32,
    },
    ScrutinyEnd {
        until: u32,
    },
    Arrival {
        behaviour: u16,
        source: u16,
        provenance: u8,
    },
    Act {
        time: f64,
    },
    /// An act replayed from the factual run in a counterfactual (its number and behaviour).
    Replay {
        k: u32,
        behaviour: u16,
    },
    /// A grading date: the grade is assessed from the score (`grading.rs`).
    Assessment,
    /// Attack `attack` hits the person (`tamper.rs`).
    Tamper {
        attack: u8,
    },
    /// Tampered record `tamp` (`ChunkSim::tampering`) is repaired.
    Restore {
        tamp: u32,
    },
    /// The person holding tampered record `tamp` attempts `service` and complains if
    /// the attempt is denied.
    Complaint {
        tamp: u32,
        service: u16,
    },
    /// A dated rule starts or stops (`dated.rs`): every person of the chunk is
    /// re-evaluated. Its person is the index after everyone's, so it runs after all of
    /// that day's events.
    InForce,
    /// A record-store leak (`leaks.rs`): the chunk's stores are read. Its person is the
    /// index after everyone's, like `InForce`, and its rank is after it.
    Leak {
        leak: u8,
    },
}

impl What {
    pub(super) fn rank(&self) -> u8 {
        match self {
            What::ListEnd { .. } => 0,
            What::ScrutinyEnd { .. } => 1,
            What::Expiry { .. }
            | What::Decision { .. }
            | What::Repair { .. }
            | What::Restore { .. } => 2,
            What::Arrival { .. } | What::Association { .. } | What::Tamper { .. } => 3,
            What::Act { .. } | What::Replay { .. } => 4,
            What::Assessment => 5,
            What::Complaint { .. } => 6,
            What::InForce => 7,
            What::Leak { .. } => 8,
        }
    }
}

/// A scheduled event; ordered by (day, person, kind, insertion) — earliest first.
#[derive(Debug, Clone, Copy)]
pub(super) struct Event {
    pub(super) day: u32,
    pub(super) person: u32,
    pub(super) rank: u8,
    pub(super) tie: u32,
    pub(super) what: What,
}

impl Event {
    pub(super) fn key(&self) -> (u32, u32, u8, u32) {
        (self.day, self.person, self.rank, self.tie)
    }
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Event {}

impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Event {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key()) // reversed: BinaryHeap pops the earliest
    }
}

impl crate::buffers::Reusable for Event {
    fn with_pool<R>(f: impl FnOnce(&mut Vec<Vec<Event>>) -> R) -> R {
        thread_local! {
            static POOL: RefCell<Vec<Vec<Event>>> = const { RefCell::new(Vec::new()) };
        }
        POOL.with_borrow_mut(f)
    }
}

/// Sorts the events of the period [start, end) in (day, person, kind, insertion)
/// order: by day with a counting sort, then each day's few events on one packed word
/// (person 21 bits: up to 2²⁰ persons and the index after everyone's; kind 4; insertion 32). Falls back on a comparison sort for periods
/// over 512 days or chunks over 2^20 persons. Keys are unique, so the order is the
/// one `Event::key` gives.
pub(super) fn sort_events(
    events: &mut [Event],
    scratch: &mut Vec<Event>,
    start: u32,
    end: u32,
    persons: usize,
) {
    const DAYS: usize = 512;
    let span = (end - start) as usize;
    if span > DAYS || persons > 1 << 20 {
        events.sort_unstable_by_key(Event::key);
        return;
    }
    let mut first = [0u32; DAYS + 1];
    for e in events.iter() {
        first[(e.day - start) as usize + 1] += 1;
    }
    for d in 0..span {
        first[d + 1] += first[d];
    }
    scratch.clear();
    scratch.extend_from_slice(events);
    let mut at = first;
    for e in scratch.iter() {
        let d = (e.day - start) as usize;
        events[at[d] as usize] = *e;
        at[d] += 1;
    }
    for d in 0..span {
        let day = &mut events[first[d] as usize..first[d + 1] as usize];
        if day.len() > 1 {
            day.sort_unstable_by_key(|e| {
                (e.person as u64) << 36 | (e.rank as u64) << 32 | e.tie as u64
            });
        }
    }
}

/// Merges two runs of events, each in key order, into `out` in key order.
pub(super) fn merge_events(a: &[Event], b: &[Event], out: &mut Vec<Event>) {
    out.clear();
    out.reserve(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].key() < b[j].key() {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

impl ChunkSim {
    pub(super) fn push(&mut self, ctx: &Ctx<'_>, day: u32, person: u32, what: What) {
        let ev = Event {
            day,
            person,
            rank: what.rank(),
            tie: self.tie,
            what,
        };
        self.tie = self.tie.wrapping_add(1);
        if day < self.epoch_end {
            self.heap.push(ev);
        } else {
            let k = ctx.model.period_of(day);
            let bucket = &mut self.buckets[k];
            if bucket.capacity() == 0 {
                *bucket = spare(64);
            }
            bucket.push(ev);
        }
    }
}
