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
        pub(crate) sanction_days: u32 = 0, [1], init, warm;
        /// Day the current sanctioned stretch began.
        pub(crate) sanction_since: u32 = 0, [1], copy, cold;
        /// Sanctions held because of the person's own status (not household spill-over).
        pub(crate) own_held: u16 = 0, [1], copy, cold;
        /// Ever sanctioned because of their own status.
        pub(crate) ever_own: bool = false, [1], copy, cold;
        /// First entry into the lowest grade (`NEVER`: never).
        pub(crate) low_entry: u32 = NEVER, [1], copy, warm;
        /// First exit from the lowest grade.
        pub(crate) low_exit: u32 = NEVER, [1], init, cold;
        /// First entry onto any list.
        pub(crate) list_entry: u32 = NEVER, [1], copy, cold;
        /// First exit from every list.
        pub(crate) list_exit: u32 = NEVER, [1], init, cold;
        /// Grade at the last year boundary (factual run).
        pub(crate) year_grade: u8 = u8::MAX, [Dims::when(d.factual)], init, cold;
        /// Start day of each own sanction spell, `[person × treatments + treatment]`.
        pub(crate) spell_start: u32 = 0, [Dims::when(d.factual) * d.treatments], init, cold;
        /// Domains of the causes of each own sanction spell.
        pub(crate) spell_cause: u32 = 0, [Dims::when(d.factual) * d.treatments], init, cold;
        /// Per hold slot: own sanction spells resting on a record from the service's
        /// domain (in context) and on records from other domains only (cross-context),
        /// packed by `context_layers`.
        pub(crate) context_slot: u32 = 0, [Dims::when(d.factual) * d.slots], init, warm;
        /// The same over all services of the person (for the days).
        pub(crate) context_person: u32 = 0, [Dims::when(d.factual)], init, cold;
        /// Sanction-days under at least one in-context own sanction.
        pub(crate) days_in_context: u32 = 0, [Dims::when(d.factual)], init, cold;
        /// Sanction-days under a cross-context own sanction and no in-context one.
        pub(crate) days_cross_context: u32 = 0, [Dims::when(d.factual)], init, cold;
        /// Per domain: sanctions (own or household) with an adverse record of that
        /// domain among their causes, packed holders << 16 | since (amplification).
        pub(crate) cause_days: u32 = 0, [Dims::when(d.factual) * d.domains], init, cold;
        /// Ever put on a list through its contacts trigger.
        pub(crate) via_contacts: bool = false, [Dims::when(d.factual)], init, cold;
        /// Records that arrived, `[person × 3 + provenance]` (for the persons table).
        pub(crate) records: u32 = 0, [Dims::when(d.factual) * 3], init, warm;
        /// Genuine acts performed: `[person × 2 + class]`, class 0 violations
        /// (unprotected adverse behaviours), 1 protected conduct (factual run).
        pub(crate) acts: u32 = 0, [Dims::when(d.factual) * 2], init, cold;
        /// Sanctioned in the no-errors counterfactual (Yᴱ, for the persons table): 0 not
        /// known (it did not run), 1 no, 2 yes (factual run).
        pub(crate) without_errors: u8 = 0, [Dims::when(d.factual)], init, cold;
        /// Lists the person is on now.
        pub(crate) lists_on: u8 = 0, [1], copy, cold;
        /// Since when the person is on some list.
        pub(crate) listed_since: u32 = 0, [1], copy, cold;
        /// Days on at least one list.
        pub(crate) listed_days: u32 = 0, [1], init, cold;
        /// Gravity of the person's genuine acts, summed (factual run; disproportion).
        pub(crate) gravity: f64 = 0.0, [Dims::when(d.factual)], init, cold;
        /// The largest gravity of one of the person's genuine acts (factual run).
        pub(crate) gravest: f64 = 0.0, [Dims::when(d.factual)], init, cold;
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
