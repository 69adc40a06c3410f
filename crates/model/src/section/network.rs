//! `[network]`: social ties beyond households (what `contacts` list triggers count).

use crate::error::FieldPath;
use crate::validate::Checker;
use serde::Serialize;

/// The table as written in the scenario file (re-exported by [`crate::raw`]).
pub mod raw {
    use serde::{Deserialize, Serialize};

    /// `[network]`: each person's contacts, derived from (seed, person) and never stored:
    /// a directed small-world graph (a ring of `contacts` nearest ids, each tie rewired to
    /// a uniformly random person with probability `rewiring`).
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Network {
        /// Contacts per person (0 to 64; 0: nobody knows anybody, so contacts triggers
        /// never fire).
        pub contacts: u32,
        /// Probability that a tie goes to a random person instead of a near id.
        pub rewiring: f64,
    }
}

/// Social ties.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct NetworkRules {
    /// Contacts per person.
    pub contacts: u32,
    /// Probability a tie is rewired to a random person.
    pub rewiring: f64,
}

/// Checks the network, if the scenario has one, and compiles it.
pub(crate) fn compile(
    ck: &mut Checker<'_>,
    network: Option<&raw::Network>,
) -> Option<NetworkRules> {
    network.map(|n| {
        let p = FieldPath::keys(&["network"]);
        if n.contacts > 64 {
            ck.fail(
                p.key("contacts"),
                format!(
                    "{} contacts is not allowed: 0 to 64 (0: a network without ties)",
                    n.contacts
                ),
            );
        }
        NetworkRules {
            contacts: n.contacts,
            rewiring: ck.probability(p.key("rewiring"), "rewiring", n.rewiring),
        }
    })
}
