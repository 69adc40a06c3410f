//! Restricted counterfactuals: which households a counterfactual must simulate again,
//! and whether it must be simulated at all.

use super::*;
use crate::per_person::{Dims, per_person};

per_person! {
    /// What the factual run notes per person for restricted counterfactuals.
    pub(super) struct State(d) {
        /// `REACHED_*` bits: the mechanisms that acted on the person.
        reached: u8 = 0, [Dims::when(d.factual)], copy, cold;
    }
}

/// The factual run filed an erroneous record on the person or misattributed one of
/// theirs: the no-errors counterfactual may differ for their household.
pub(super) const REACHED_BY_ERRORS: u8 = 1;

/// A record of protected conduct was filed on the person.
pub(super) const REACHED_BY_PROTECTED: u8 = 2;

/// The person came under heightened scrutiny.
pub(super) const REACHED_BY_SCRUTINY: u8 = 4;

/// Equal capture would have decided one of the person's acts otherwise.
pub(super) const REACHED_BY_CAPTURE: u8 = 8;

/// An attack inserted or deleted one of the person's records.
pub(super) const REACHED_BY_TAMPER: u8 = 16;

impl ChunkSim {
    /// Notes that a mechanism (`REACHED_*` bit) acted on person i in the factual run.
    #[inline]
    pub(super) fn mark_reached(&mut self, i: u32, by: u8) {
        self.people.replay.reached[i as usize] |= by;
    }

    /// The households a counterfactual must simulate again, per local household (None:
    /// all of them). Without errors, protected records or scrutiny, or with equal
    /// capture, a household the mechanism never reached in the factual run (no
    /// erroneous record, no protected record, nobody under scrutiny, no act whose
    /// capture equal capture would decide otherwise) lives exactly as in it: by induction
    /// over its events in time order, the same state gives the same capture
    /// probabilities, the same keyed draws give the same records, and nothing else
    /// differs. Households join the set when they are linked to it by a misattributed
    /// record (either way), and when the counterfactual itself misattributes into them
    /// ([`Self::widen`]). Chunk-major schedule only (the epoch-major schedule simulates
    /// every household: coupled mechanisms reach across them). Tested equal to simulating everyone in
    /// `restricted_counterfactuals_equal_full_ones`.
    pub(super) fn reached_households(&self, variant: Variant) -> Option<Vec<bool>> {
        let bit = match variant.spec().reach? {
            Reach::Errors => REACHED_BY_ERRORS,
            Reach::Protected => REACHED_BY_PROTECTED,
            Reach::Scrutiny => REACHED_BY_SCRUTINY,
            Reach::Capture => REACHED_BY_CAPTURE,
            Reach::Tamper => REACHED_BY_TAMPER,
        };
        if self.people.replay.reached.is_empty() {
            return None;
        }
        let mut households = vec![false; self.household_start.len() - 1];
        for (i, &r) in self.people.replay.reached.iter().enumerate() {
            if r & bit != 0 {
                households[self.people.persons.household[i] as usize] = true;
            }
        }
        self.close_over_misattributions(&mut households);
        Some(households)
    }

    /// Adds the households that records misattributed in a counterfactual landed in;
    /// returns whether any was added (the counterfactual must then run again).
    pub(super) fn widen(&self, households: &mut [bool], misattributions: &[(u32, u32)]) -> bool {
        let mut added = false;
        for &(_, target) in misattributions {
            let h = self.people.persons.household[target as usize] as usize;
            if !households[h] {
                households[h] = true;
                added = true;
            }
        }
        if added {
            self.close_over_misattributions(households);
        }
        added
    }

    /// Extends a set of households to every household linked to it by a record the
    /// factual run misattributed (from either side).
    pub(super) fn close_over_misattributions(&self, households: &mut [bool]) {
        loop {
            let mut changed = false;
            for &(actor, target) in &self.misattributions {
                let (a, t) = (
                    self.people.persons.household[actor as usize] as usize,
                    self.people.persons.household[target as usize] as usize,
                );
                if households[a] != households[t] {
                    households[a] = true;
                    households[t] = true;
                    changed = true;
                }
            }
            if !changed {
                return;
            }
        }
    }

    /// Whether switching a mechanism off can change anything in this chunk; when it
    /// cannot, the counterfactual equals the factual run and is not simulated.
    pub(super) fn variant_matters(&self, ctx: &Ctx<'_>, variant: Variant) -> bool {
        match variant {
            Variant::Factual => false,
            Variant::NoErrors => self.observed.errors_seen > 0,
            Variant::NoProtected => self.observed.protected_seen > 0,
            Variant::NoScrutiny => self.tally.ever[ctx.layout.ever_scrutiny()] > 0,
            Variant::EqualCapture | Variant::EqualCaptureAt(_) => true,
            Variant::NoAppeals | Variant::NoAppealsNoErrors => {
                self.tally.responses.appealed != [0; 2]
                    || self.tally.responses.repaired != [0; 2]
                    || (variant == Variant::NoAppealsNoErrors && self.observed.errors_seen > 0)
            }
            // Coupled mechanisms never reach the chunk-major schedule; deterrence alone
            // matters where someone was deterred.
            Variant::InstantAppeals | Variant::InstantAppealsNoErrors | Variant::NoAssociation => {
                true
            }
            // Scope is read at every status change, not only at the factual applications.
            Variant::OwnScope => true,
            // Some record was inserted or deleted.
            Variant::NoAttacks => self.tally.tamper.records.iter().any(|&n| n > 0),
            // Some act was thinned (by deterrence or chilling).
            Variant::NoResponses => {
                self.tally.responses.candidate_acts != self.tally.responses.performed_acts
            }
        }
    }
}
