//! The per-person state of a chunk's simulation, declared once ([`per_person!`]): every
//! array a mechanism keeps per person, with its size, day-0 rule and warm-up flag.

use super::*;
use crate::per_person::{Dims, per_person};

per_person! {
    /// Every person's state in one chunk, indexed by local person.
    pub(super) struct People(d) {
        /// Local index of the person's household.
        household: u32 = 0, [1], own, cold;
        /// Category of each attribute, `[person × attributes + attribute]`.
        attrs: u8 = 0, [d.attributes], own, warm;
        /// Sum of the points of the person's active records (score: base + this, clamped).
        points: i64 = 0, [1], init, warm;
        /// Grade index (`NO_GRADE`: none).
        grade: u8 = NO_GRADE, [1], copy, warm;
        /// Per list: the day the current term ends (≤ today: not listed).
        list_until: u32 = 0, [d.lists], copy, warm;
        /// Per list: domains of the records behind the current term, as a bit mask.
        list_cause: u32 = 0, [d.lists], copy, cold;
        /// The day heightened scrutiny ends (≤ today: not under scrutiny).
        scrutiny_until: u32 = 0, [1], copy, warm;
        /// Treatments applied to the person through their own status (bit t).
        active: u32 = 0, [1], copy, warm;
        /// Services the person is sanctioned in (holds of kind sanction).
        sanctions_held: u16 = 0, [1], copy, warm;
        /// Per domain: active scored records (the causes of the grade).
        scored: u32 = 0, [d.scored], init, warm;
        /// "Ever" flags (bits of `Layout`): grades, lists, sanctioned, rewarded, scrutiny.
        ever: u32 = 0, [1], copy, warm;
        /// Acts drawn so far (the act counter keying each act's draws).
        act_seq: u32 = 0, [1], init, warm;
        /// Per hold slot (see `Ctx::slots`): holders << 16 | day opened.
        holds: u32 = 0, [d.slots], copy, warm;
        /// The global behaviour multiplier (drawn once; runs that draw their own acts).
        multiplier: f64 = 0.0, [Dims::when(d.draws_acts)], own, warm;
        /// The person's latest kept record (`NO_RECORD`: none; appeals or repair).
        last_rec: u32 = NO_RECORD, [Dims::when(d.keeps_records)], init, warm;
        /// Per deterrence slot: the day deterrence ends.
        deterred_until: u32 = 0, [d.deterrence], init, warm;
        /// 1 + the last period the person was penalised for protected conduct (chilling).
        penalised_period: u16 = 0, [Dims::when(d.chilling)], init, warm;
        /// The watched statuses held when last reported (bit w; contacts triggers).
        watch_state: u8 = 0, [Dims::when(d.watched)], init, cold;
        /// Whether the person is in `ChunkSim::watch_dirty` (everyone is at the start).
        watch_flag: bool = true, [Dims::when(d.watched)], init, cold;
        /// Bit c set while contacts trigger c is met.
        contacts_met: u8 = 0, [Dims::when(d.contacts)], init, warm;
        /// Factual run: `REACHED_*` bits, the mechanisms that acted on the person.
        reached: u8 = 0, [Dims::when(d.factual)], copy, cold;
    }
}
