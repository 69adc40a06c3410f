//! Per-person outcomes of one simulated chunk ([`Lives`], declared once) and the chunk's
//! other audit counts ([`Observed`]).

use super::GroupTally;
use crate::per_person::{Dims, per_person};
use credsim_model::Model;

per_person! {
    /// Per-person outcomes of one simulated chunk, recorded by the engine for the audit
    /// and the persons table. Counterfactual runs keep neither spells, in-context holds,
    /// year-end grades nor per-person record counts: those stay empty.
    pub(crate) struct Lives(d) {
        /// Person-days under at least one sanction.
        sanction_days: u32 = 0, [1], init, warm;
        /// Day the current sanctioned stretch began.
        sanction_since: u32 = 0, [1], copy, cold;
        /// Sanctions held because of the person's own status (not household spill-over).
        own_held: u16 = 0, [1], copy, cold;
        /// Ever sanctioned because of their own status.
        ever_own: bool = false, [1], copy, cold;
        /// First entry into the lowest grade (`NEVER`: never).
        low_entry: u32 = NEVER, [1], copy, warm;
        /// First exit from the lowest grade.
        low_exit: u32 = NEVER, [1], init, cold;
        /// First entry onto any list.
        list_entry: u32 = NEVER, [1], copy, cold;
        /// First exit from every list.
        list_exit: u32 = NEVER, [1], init, cold;
        /// Grade at the last year boundary (factual run).
        year_grade: u8 = u8::MAX, [Dims::when(d.factual)], init, cold;
        /// Start day of each own sanction spell, `[person × treatments + treatment]`.
        spell_start: u32 = 0, [Dims::when(d.factual) * d.treatments], init, cold;
        /// Domains of the causes of each own sanction spell.
        spell_cause: u32 = 0, [Dims::when(d.factual) * d.treatments], init, cold;
        /// Per hold slot: holders of sanctions resting on a record from the service's
        /// own domain, packed like the main holds.
        in_context: u32 = 0, [Dims::when(d.factual) * d.slots], init, warm;
        /// Records that arrived, `[person × 3 + provenance]` (for the persons table).
        records: u32 = 0, [Dims::when(d.factual) * 3], init, warm;
        /// Lists the person is on now.
        lists_on: u8 = 0, [1], copy, cold;
        /// Since when the person is on some list.
        listed_since: u32 = 0, [1], copy, cold;
        /// Days on at least one list.
        listed_days: u32 = 0, [1], init, cold;
        /// Gravity of the person's genuine acts, summed (factual run; disproportion).
        gravity: f64 = 0.0, [Dims::when(d.factual)], init, cold;
        /// The largest gravity of one of the person's genuine acts (factual run).
        gravest: f64 = 0.0, [Dims::when(d.factual)], init, cold;
    }
}

/// Never happened.
pub(crate) const NEVER: u32 = u32::MAX;

/// Counts of one simulated chunk kept for the audit beside the per-person [`Lives`].
#[derive(Debug, Clone)]
pub(crate) struct Observed {
    /// Erroneous records seen (false, misattributed, including pending).
    pub errors_seen: u64,
    /// Records of protected conduct that arrived.
    pub protected_seen: u64,
    /// Factual-only counters.
    pub group: GroupTally,
}

impl Observed {
    /// Nothing observed yet.
    pub(crate) fn new(model: &Model) -> Observed {
        Observed {
            errors_seen: 0,
            protected_seen: 0,
            group: GroupTally::new(model),
        }
    }
}
