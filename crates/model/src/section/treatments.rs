//! `[[treatments]]`: sanctions and rewards, each on one service, triggered by a
//! grade or a list.

use crate::error::FieldPath;
use crate::kinds::{Scope, Status, TreatmentKind};
use crate::validate::{Checker, MAX_TREATMENTS, StatusNames};
use serde::Serialize;
use std::collections::HashMap;

/// The table as written in the scenario file (re-exported by [`crate::raw`]).
pub mod raw {
    use crate::kinds::{Scope, StatusTrigger, TreatmentKind};
    use serde::{Deserialize, Serialize};

    /// `[[treatments]]`: a sanction or reward.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Treatment {
        /// Identifier.
        pub id: String,
        /// Sanction (restricts the service) or reward (grants or prioritises it).
        pub kind: TreatmentKind,
        /// The service affected.
        pub service: String,
        /// Grade or list membership that triggers it.
        pub trigger: StatusTrigger,
        /// `own`: applies only when a record behind the trigger is from the service's own
        /// domain. `all`: applies whatever domain the records came from (joint punishment).
        pub scope: Scope,
        /// Also applies to every other member of the person's household.
        #[serde(default)]
        pub household: bool,
        /// Free text, e.g. the legal basis.
        #[serde(default)]
        pub description: String,
    }
}

/// A sanction or reward.
#[derive(Debug, Clone, Serialize)]
pub struct Treatment {
    /// Identifier.
    pub id: String,
    /// Sanction or reward.
    pub kind: TreatmentKind,
    /// Service index.
    pub service: usize,
    /// Trigger.
    pub trigger: Status,
    /// Own domain or all domains.
    pub scope: Scope,
    /// Household spill-over.
    pub household: bool,
}

/// Checks the treatments and compiles them.
pub(crate) fn compile(
    ck: &mut Checker<'_>,
    treatments: &[raw::Treatment],
    service_index: &HashMap<String, usize>,
    statuses: &StatusNames<'_>,
) -> Vec<Treatment> {
    let tpath = FieldPath::keys(&["treatments"]);
    if treatments.len() > MAX_TREATMENTS {
        ck.fail(
            tpath.clone(),
            format!("at most {MAX_TREATMENTS} treatments"),
        );
    }
    ck.ids(
        &tpath,
        "treatment",
        treatments.iter().map(|t| t.id.as_str()),
    );
    let mut out = Vec::new();
    for (i, t) in treatments.iter().enumerate() {
        let p = tpath.index(i);
        let service = ck.lookup(p.key("service"), "service", service_index, &t.service);
        let trigger = ck.status(&p.key("trigger"), &t.trigger, statuses);
        out.push(Treatment {
            id: t.id.clone(),
            kind: t.kind,
            service,
            trigger,
            scope: t.scope,
            household: t.household,
        });
    }
    out
}
