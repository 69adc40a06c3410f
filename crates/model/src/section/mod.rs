//! Turning a parsed [`Scenario`] into a runnable [`Model`], or into a list of problems,
//! one scenario section at a time.
//!
//! Each section module holds a part of the file format (its inner `raw` module,
//! re-exported by [`crate::raw`]), its compiled form (re-exported by [`crate::model`])
//! and the function that checks the one and builds the other. The raw types sit in an
//! inner module so they keep their own names where the compiled form has the same
//! one (`raw::Behaviour` and `Behaviour`): serde's messages quote the Rust type name
//! (`expected struct Behaviour`). [`compile`] calls
//! them in a fixed order (the order problems are reported in); a section receives the
//! names resolved by earlier ones (domains, attributes, behaviours, grades, lists,
//! services), and the sources, records and lists sections fold their part into the
//! behaviours.

pub(crate) mod appeals;
pub(crate) mod attacks;
pub(crate) mod behaviours;
pub(crate) mod chilling;
pub(crate) mod dated;
pub(crate) mod firms;
pub(crate) mod grading;
pub(crate) mod leaks;
pub(crate) mod lists;
pub(crate) mod network;
pub(crate) mod population;
pub(crate) mod records;
pub(crate) mod score;
pub(crate) mod scrutiny;
pub(crate) mod services;
pub(crate) mod simulation;
pub(crate) mod sources;
pub(crate) mod treatments;

use crate::error::{FieldPath, Located, Problem};
use crate::model::Model;
use crate::raw::Scenario;
use crate::validate::{Checker, StatusNames};

/// Checks a scenario and compiles it. `hash` identifies the resolved scenario.
pub(crate) fn compile(
    s: &Scenario,
    located: &Located<'_>,
    hash: String,
) -> Result<Model, Vec<Problem>> {
    let mut ck = Checker::new(located);
    simulation::meta(&mut ck, &s.scenario);
    let horizon = simulation::compile(&mut ck, &s.simulation);
    let population = population::compile(&mut ck, &s.population);
    let attributes = &population.names;
    let domains = behaviours::domains(&mut ck, &s.domains);
    let (mut behaviours, behaviour_index) = behaviours::compile(
        &mut ck,
        &s.behaviours,
        &domains,
        attributes,
        &population.groups,
    );
    let sources = sources::compile(
        &mut ck,
        &s.sources,
        &behaviour_index,
        &mut behaviours,
        attributes,
    );
    let (score, grades) = score::compile(&mut ck, s.score.as_ref());
    let grading = grading::compile(&mut ck, s.grading.as_ref(), score.is_some());
    records::compile(
        &mut ck,
        &s.records,
        &behaviour_index,
        &mut behaviours,
        score.is_some(),
    );
    let (mut lists, list_index) = lists::compile(
        &mut ck,
        &s.lists,
        &behaviour_index,
        &mut behaviours,
        score.is_some(),
        &grades,
        s.network.as_ref(),
    );
    behaviours::check_deterrence(&mut ck, &behaviours);
    behaviours::gravity(&mut ck, &s.behaviours, &mut behaviours);
    behaviours::check_event_budget(
        &mut ck,
        (&s.behaviours, &behaviours),
        &s.sources,
        horizon.days,
    );
    let (services, service_index) = services::compile(&mut ck, &s.services, &domains, horizon.days);
    let statuses = StatusNames {
        has_score: score.is_some(),
        grades: &grades,
        lists: &list_index,
    };
    let mut treatments = treatments::compile(
        &mut ck,
        &s.treatments,
        &service_index,
        &statuses,
        attributes,
    );
    dated::compile(&mut ck, s, &horizon, &mut lists, &mut treatments);
    let scrutiny = scrutiny::compile(&mut ck, s.scrutiny.as_ref(), &statuses);
    let appeals = appeals::compile(&mut ck, s.appeals.as_ref(), attributes);
    let repair = appeals::repair(&mut ck, s.repair.as_ref());
    let chilling = chilling::compile(
        &mut ck,
        s.chilling.as_ref(),
        &s.behaviours,
        &attributes.index,
    );
    let network = network::compile(&mut ck, s.network.as_ref());
    let (attacks, defences) = attacks::compile(
        &mut ck,
        s,
        (attributes, &behaviour_index, &list_index),
        &behaviours,
    );
    let firm_names = firms::Names {
        domains: &domains,
        attributes,
        services: &service_index,
        persons: population.persons,
        days: horizon.days,
    };
    let firms = firms::compile(&mut ck, s.firms.as_ref(), &firm_names);
    let minor_gravity = s.minor_gravity.map(|g| {
        let path = crate::error::FieldPath::keys(&["minor_gravity"]);
        ck.non_negative(path, "gravity threshold", g)
    });
    // Record-store leaks (issue 17).
    let leak_names = leaks::Names {
        attributes: &attributes.index,
        categories: population
            .attributes
            .iter()
            .map(|a| a.categories.values.clone())
            .collect(),
        lists: &list_index,
        horizon: &horizon,
    };
    let leaks = leaks::compile(&mut ck, s, &leak_names);
    ck.finish()?;

    let model = Model {
        name: s.scenario.name.clone(),
        description: s.scenario.description.clone(),
        hash,
        seed: s.simulation.seed,
        days: horizon.days,
        period_ends: Model::periods(horizon.days, horizon.per_year),
        periods_per_year: horizon.per_year,
        start: horizon.start,
        persons: population.persons,
        household_sizes: population.household_sizes,
        scored: population.scored,
        heterogeneity_shape: population.heterogeneity_shape,
        attributes: population.attributes,
        domains: s.domains.clone(),
        behaviours,
        sources,
        score,
        grading,
        lists,
        services,
        treatments,
        scrutiny,
        appeals,
        repair,
        chilling,
        network,
        minor_gravity,
        attacks,
        defences,
        firms,
        leaks,
    };
    check_references(located, &model)?;
    Ok(model)
}

/// A stated reference category of disparate impact must be eligible (its persons can
/// be sanctioned by their own conduct, [`Model::eligible`]).
fn check_references(located: &Located<'_>, model: &Model) -> Result<(), Vec<Problem>> {
    let mut ck = Checker::new(located);
    for (x, a) in model.attributes.iter().enumerate() {
        if let Some(c) = a.reference
            && !model.eligible(x, c)
        {
            ck.fail(
                FieldPath::keys(&["population", "attributes"])
                    .index(x)
                    .key("reference"),
                format!(
                    "reference category `{}` of attribute `{}` is not eligible: no adverse behaviour has a positive rate and capture for its persons, so they are sanctioned only through errors or spill-over; state an eligible category",
                    a.categories.values[c], a.id
                ),
            );
        }
    }
    ck.finish()
}
