//! `[[treatments]]`: sanctions and rewards, each on one service, triggered by a
//! grade or a list.

use super::dated::InForce;
use super::population::{Attributes, Categories};
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
        /// With `household`: the spill-over reaches only the members in these categories,
        /// attribute → categories (e.g. `{ age = ["0-14"] }`: the person's children).
        /// Absent: every other member.
        #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
        pub household_members: crate::raw::Named<Vec<String>>,
        /// The date the rule takes effect (a TOML local date; needs `simulation.start`).
        /// Absent: in force from the start.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub from: Option<toml::value::Datetime>,
        /// The date the rule stops being in force (absent: never).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub until: Option<toml::value::Datetime>,
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
    /// The household members the spill-over reaches (everyone: every other member).
    pub household_members: Categories,
    /// The days it is in force (`from`, `until`).
    pub in_force: InForce,
}

/// Checks the treatments and compiles them.
pub(crate) fn compile(
    ck: &mut Checker<'_>,
    treatments: &[raw::Treatment],
    service_index: &HashMap<String, usize>,
    statuses: &StatusNames<'_>,
    attributes: &Attributes<'_>,
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
        let members = p.key("household_members");
        let household_members = attributes.categories(ck, &members, &t.household_members);
        if !t.household && !t.household_members.is_empty() {
            ck.fail(
                members,
                "restricts the household spill-over, but `household` is not true: set `household = true` or remove `household_members`",
            );
        }
        out.push(Treatment {
            id: t.id.clone(),
            kind: t.kind,
            service,
            trigger,
            scope: t.scope,
            household: t.household,
            household_members,
            in_force: InForce::ALWAYS, // (`dated::compile`)
        });
    }
    out
}
