//! `[[services]]`: the services whose use the regime can restrict or grant.

use crate::error::FieldPath;
use crate::model::DAYS_PER_YEAR;
use crate::validate::{Checker, MAX_ATTEMPTS_PER_PERSON, MAX_CHUNK_PERSONS, show};
use serde::Serialize;
use std::collections::HashMap;

/// The table as written in the scenario file (re-exported by [`crate::raw`]).
pub mod raw {
    use serde::{Deserialize, Serialize};

    /// `[[services]]`: a service whose use the regime can restrict or grant.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Service {
        /// Identifier (flights, high_speed_rail, private_school, loans, ...).
        pub id: String,
        /// Domain the service belongs to.
        pub domain: String,
        /// Attempts to use the service per person per year.
        pub attempts_per_year: f64,
        /// Free text.
        #[serde(default)]
        pub description: String,
    }
}

/// A service.
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    /// Identifier.
    pub id: String,
    /// Domain index.
    pub domain: usize,
    /// Attempts per person per day.
    pub attempts_per_day: f64,
}

/// Checks the services and compiles them; returns them and their index by id. `days`
/// is the horizon: a person's expected attempts over it must stay within
/// [`MAX_ATTEMPTS_PER_PERSON`].
pub(crate) fn compile(
    ck: &mut Checker<'_>,
    services: &[raw::Service],
    domain_index: &HashMap<String, usize>,
    days: u32,
) -> (Vec<Service>, HashMap<String, usize>) {
    let svpath = FieldPath::keys(&["services"]);
    let service_index = ck.ids(&svpath, "service", services.iter().map(|x| x.id.as_str()));
    let mut out = Vec::new();
    for (i, sv) in services.iter().enumerate() {
        let p = svpath.index(i);
        let years = days as f64 / DAYS_PER_YEAR;
        let rate = sv.attempts_per_year;
        if rate.is_finite() && rate * years > MAX_ATTEMPTS_PER_PERSON {
            ck.fail(
                p.key("attempts_per_year"),
                format!(
                    "attempt rate {} per year is not allowed over {days} days: that is {:.3e} attempts \
                     per person, but the attempts granted in a chunk of up to {MAX_CHUNK_PERSONS} persons \
                     are one Poisson draw, exact up to a mean of 30 × (2³² − 1), so at most {} per person; \
                     here the rate may be at most {} per year (or shorten the horizon)",
                    show(rate),
                    rate * years,
                    MAX_ATTEMPTS_PER_PERSON.floor(),
                    super::behaviours::format_allowed(MAX_ATTEMPTS_PER_PERSON / years),
                ),
            );
        }
        out.push(Service {
            id: sv.id.clone(),
            domain: ck.lookup(p.key("domain"), "domain", domain_index, &sv.domain),
            attempts_per_day: ck.non_negative(
                p.key("attempts_per_year"),
                "attempt rate",
                sv.attempts_per_year,
            ) / DAYS_PER_YEAR,
        });
    }
    (out, service_index)
}
