//! `[chilling]`: protected conduct falls as people see others penalised for it.

use super::behaviours;
use crate::error::FieldPath;
use crate::validate::Checker;
use serde::Serialize;
use std::collections::HashMap;

/// The table as written in the scenario file (re-exported by [`crate::raw`]).
pub mod raw {
    use serde::{Deserialize, Serialize};

    /// `[chilling]`: the rate of every protected behaviour in period k+1 is multiplied by
    /// m = 1 − max_reduction · (L(s) − L(0)) / (1 − L(0)), where s is the share of
    /// persons penalised for protected conduct in period k (in the person's category of
    /// `by_attribute`, or in the whole population) and L(x) = 1 / (1 + e^(−steepness·(x − midpoint))).
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Chilling {
        /// Largest fall of the rate, in [0, 1] (1: protected conduct can stop entirely).
        pub max_reduction: f64,
        /// Share of persons penalised in a period at which half the fall is reached
        /// (before the normalisation that makes m = 1 at s = 0).
        pub midpoint: f64,
        /// Steepness of the logistic response, per unit share (> 0).
        pub steepness: f64,
        /// Attribute whose categories respond separately (e.g. region). Absent: one
        /// population-wide response.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub by_attribute: Option<String>,
    }
}

/// Chilling of protected conduct.
#[derive(Debug, Clone, Serialize)]
pub struct ChillingRules {
    /// Largest fall of the rate.
    pub max_reduction: f64,
    /// Midpoint of the logistic, as a share of persons.
    pub midpoint: f64,
    /// Steepness of the logistic.
    pub steepness: f64,
    /// Attribute whose categories respond separately (None: the whole population).
    pub attribute: Option<usize>,
}

impl ChillingRules {
    /// The factor on protected conduct after a period in which a share `s` of
    /// persons was penalised for it: 1 − R·(L(s) − L(0))/(1 − L(0)), in [1 − R, 1].
    pub fn factor(&self, s: f64) -> f64 {
        let l = |x: f64| 1.0 / (1.0 + (-self.steepness * (x - self.midpoint)).exp());
        let l0 = l(0.0);
        if l0 >= 1.0 {
            return 1.0;
        }
        let rise = ((l(s) - l0) / (1.0 - l0)).clamp(0.0, 1.0);
        1.0 - self.max_reduction * rise
    }
}

/// Checks chilling, if the scenario has it, and compiles it (it needs a protected
/// behaviour to act on).
pub(crate) fn compile(
    ck: &mut Checker<'_>,
    chilling: Option<&raw::Chilling>,
    behaviours: &[behaviours::raw::Behaviour],
    attr_index: &HashMap<String, usize>,
) -> Option<ChillingRules> {
    chilling.map(|c| {
        let p = FieldPath::keys(&["chilling"]);
        if !behaviours.iter().any(|b| b.protected) {
            ck.fail(
                p.clone(),
                "chilling acts on protected behaviours, and no behaviour has `protected = true`",
            );
        }
        ChillingRules {
            max_reduction: ck.probability(p.key("max_reduction"), "max_reduction", c.max_reduction),
            midpoint: ck.probability(p.key("midpoint"), "midpoint (a share)", c.midpoint),
            steepness: ck.positive(p.key("steepness"), "steepness", c.steepness),
            attribute: c
                .by_attribute
                .as_ref()
                .map(|a| ck.lookup(p.key("by_attribute"), "attribute", attr_index, a)),
        }
    })
}
