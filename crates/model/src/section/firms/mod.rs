//! `[firms]`: firms as a second kind of entity. Their population (sizes, sectors,
//! regions, flags), behaviours and routine sources, the ratings of several regulators
//! with their classes, cadences, direct triggers and class-dependent inspections, firm
//! lists with publicity terms and restoration, sanctions across agencies, and the roles
//! through which a firm's listing reaches persons. Checks and compilation; the compiled
//! form is in [`rules`].

mod ratings;
pub mod raw;
pub mod rules;

use super::population::Attributes;
use crate::error::FieldPath;
use crate::model::{Categorical, DAYS_PER_YEAR};
use crate::raw::Named;
use crate::validate::{Checker, MAX_PERSONS, show};
use rules::*;
use std::collections::HashMap;

/// What the firms section needs from the sections before it.
pub(crate) struct Names<'a, 's> {
    /// Domain → index.
    pub(crate) domains: &'a HashMap<String, usize>,
    /// Person attributes (for `holders`).
    pub(crate) attributes: &'a Attributes<'s>,
    /// Person service → index.
    pub(crate) services: &'a HashMap<String, usize>,
    /// Persons in the population.
    pub(crate) persons: u64,
    /// Horizon in days.
    pub(crate) days: u32,
}

/// Checks `[firms]`, if present, and compiles it.
pub(crate) fn compile(
    ck: &mut Checker<'_>,
    firms: Option<&raw::Firms>,
    names: &Names<'_, '_>,
) -> Option<FirmRules> {
    let f = firms?;
    let p = FieldPath::keys(&["firms"]);
    let count = match (f.per_person, f.count) {
        (Some(r), None) => {
            let r = ck.non_negative(p.key("per_person"), "firms per person", r);
            (r * names.persons as f64).round() as u64
        }
        (None, Some(n)) => n,
        _ => {
            ck.fail(
                p.clone(),
                "give exactly one of `per_person` (firms per person) and `count` (firms)",
            );
            0
        }
    };
    if !(1..=MAX_PERSONS).contains(&count) {
        ck.fail(
            p.key(if f.count.is_some() { "count" } else { "per_person" }),
            format!("{count} firms is not allowed: there must be 1 to {MAX_PERSONS} (firm ids are 32-bit)"),
        );
    }
    if f.managers > MAX_MANAGERS {
        ck.fail(
            p.key("managers"),
            format!(
                "{} managers per firm is not allowed: at most {MAX_MANAGERS}",
                f.managers
            ),
        );
    }
    let holders = names
        .attributes
        .categories(ck, &p.key("holders"), &f.holders);
    let (sizes, employees, size_index) = sizes(ck, &p, &f.sizes);
    let sectors = categorical(ck, &p.key("sectors"), "sector shares", &f.sectors);
    let regions = categorical(ck, &p.key("regions"), "region shares", &f.regions);
    let mut flag_index = HashMap::new();
    let mut flag_shares = Vec::new();
    if f.flags.len() > MAX_FLAGS {
        ck.fail(p.key("flags"), format!("at most {MAX_FLAGS} flags"));
    }
    for (k, (name, &share)) in f.flags.iter().enumerate() {
        flag_index.insert(name.clone(), k);
        flag_shares.push(ck.probability(p.key("flags").key(name), "flag share", share));
    }
    let (behaviours, behaviour_index) = behaviours(ck, f, names, &size_index, &flag_index);
    let sources = sources(ck, f, &behaviour_index);
    let ctx = ratings::Ctx {
        domains: names.domains,
        flags: &flag_index,
        behaviours: &behaviour_index,
    };
    let (ratings, rating_index) = ratings::compile(ck, &f.ratings, &ctx);
    let (lists, list_index) = ratings::lists(ck, &f.lists, &ratings, &rating_index, &ctx);
    let sanctions =
        ratings::sanctions(ck, &f.sanctions, &ratings, &rating_index, &list_index, &ctx);
    let roles = f
        .roles
        .as_ref()
        .map(|r| roles(ck, r, &list_index, names.services, f.managers));
    let hours_per_requirement = f.hours_per_requirement.map(|h| {
        if !f.ratings.iter().any(|r| r.requirements.is_some()) {
            ck.fail(
                p.key("hours_per_requirement"),
                "the burden needs `requirements` on at least one rating",
            );
        }
        ck.non_negative(p.key("hours_per_requirement"), "hours", h)
    });
    let rules = FirmRules {
        count,
        managers: f.managers.min(MAX_MANAGERS),
        holders,
        sizes,
        employees,
        sectors,
        regions,
        flags: f.flags.keys().cloned().collect(),
        flag_shares,
        behaviours,
        sources,
        ratings,
        lists,
        sanctions,
        roles,
        hours_per_requirement,
    };
    event_budget(ck, &p, &rules, names.days);
    Some(rules)
}

/// Shares of named categories (absent: one category `all`).
fn categorical(
    ck: &mut Checker<'_>,
    path: &FieldPath,
    what: &str,
    map: &Named<f64>,
) -> Categorical<String> {
    if map.is_empty() {
        return Categorical::new(vec!["all".into()], vec![1.0]);
    }
    if map.len() > 255 {
        ck.fail(path.clone(), "at most 255 categories");
    }
    let shares = ck.shares(path, what, map);
    Categorical::new(map.keys().cloned().collect(), shares)
}

type Sizes = (Categorical<String>, Vec<f64>, HashMap<String, usize>);

fn sizes(ck: &mut Checker<'_>, p: &FieldPath, map: &Named<raw::Size>) -> Sizes {
    let path = p.key("sizes");
    let shares: Named<f64> = map.iter().map(|(k, s)| (k.clone(), s.share)).collect();
    let cat = categorical(ck, &path, "size shares", &shares);
    if map.is_empty() {
        ck.fail(path.clone(), "give at least one size class");
    }
    let employees = map
        .iter()
        .map(|(k, s)| ck.positive(path.key(k).key("employees"), "employees", s.employees))
        .collect();
    let index = map
        .keys()
        .enumerate()
        .map(|(i, k)| (k.clone(), i))
        .collect();
    (cat, employees, index)
}

fn behaviours(
    ck: &mut Checker<'_>,
    f: &raw::Firms,
    names: &Names<'_, '_>,
    size_index: &HashMap<String, usize>,
    flag_index: &HashMap<String, usize>,
) -> (Vec<FirmBehaviour>, HashMap<String, usize>) {
    let bpath = FieldPath::keys(&["firms", "behaviours"]);
    if f.behaviours.is_empty() || f.behaviours.len() > MAX_FIRM_BEHAVIOURS {
        ck.fail(
            bpath.clone(),
            format!("declare 1 to {MAX_FIRM_BEHAVIOURS} firm behaviours"),
        );
    }
    let index = ck.ids(
        &bpath,
        "firm behaviour",
        f.behaviours.iter().map(|b| b.id.as_str()),
    );
    let mut out = Vec::new();
    for (i, b) in f.behaviours.iter().enumerate() {
        let p = bpath.index(i);
        let mut size_multipliers = vec![1.0; f.sizes.len()];
        for (k, &m) in &b.size_multipliers {
            let at = ck.lookup(
                p.key("size_multipliers").key(k),
                "size class",
                size_index,
                k,
            );
            let m = ck.non_negative(p.key("size_multipliers").key(k), "multiplier", m);
            if let Some(slot) = size_multipliers.get_mut(at) {
                *slot = m;
            }
        }
        out.push(FirmBehaviour {
            id: b.id.clone(),
            domain: ck.lookup(p.key("domain"), "domain", names.domains, &b.domain),
            rate_per_day: ck.non_negative(p.key("rate_per_year"), "rate", b.rate_per_year)
                / DAYS_PER_YEAR,
            shape: b
                .heterogeneity_shape
                .map(|k| ck.positive(p.key("heterogeneity_shape"), "Gamma shape", k)),
            only: b
                .only
                .as_ref()
                .map(|o| ck.lookup(p.key("only"), "flag", flag_index, o)),
            size_multipliers,
        });
    }
    (out, index)
}

/// A map from behaviour names to values, as one value per behaviour (0 if absent).
pub(crate) fn per_behaviour(
    ck: &mut Checker<'_>,
    path: &FieldPath,
    what: &str,
    map: &Named<f64>,
    behaviours: &HashMap<String, usize>,
    probability: bool,
) -> Vec<f64> {
    let mut out = vec![0.0; behaviours.len()];
    for (k, &v) in map {
        let b = ck.lookup(path.key(k), "firm behaviour", behaviours, k);
        let v = if probability {
            ck.probability(path.key(k), what, v)
        } else {
            ck.non_negative(path.key(k), what, v)
        };
        if let Some(slot) = out.get_mut(b) {
            *slot = v;
        }
    }
    out
}

fn sources(
    ck: &mut Checker<'_>,
    f: &raw::Firms,
    behaviours: &HashMap<String, usize>,
) -> Vec<FirmSource> {
    let spath = FieldPath::keys(&["firms", "sources"]);
    ck.ids(
        &spath,
        "firm source",
        f.sources.iter().map(|s| s.id.as_str()),
    );
    if f.sources.len() > 32 {
        ck.fail(spath.clone(), "at most 32 firm sources");
    }
    f.sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let p = spath.index(i);
            FirmSource {
                id: s.id.clone(),
                capture: per_behaviour(
                    ck,
                    &p.key("observes"),
                    "capture probability",
                    &s.observes,
                    behaviours,
                    true,
                ),
                delay_days: s.delay_days,
                false_per_day: per_behaviour(
                    ck,
                    &p.key("false_records_per_year"),
                    "false-record rate",
                    &s.false_records_per_year,
                    behaviours,
                    false,
                )
                .into_iter()
                .map(|r| r / DAYS_PER_YEAR)
                .collect(),
            }
        })
        .collect()
}

fn roles(
    ck: &mut Checker<'_>,
    r: &raw::Roles,
    list_index: &HashMap<String, usize>,
    services: &HashMap<String, usize>,
    managers: u32,
) -> RoleRules {
    let p = FieldPath::keys(&["firms", "roles"]);
    let (mut representative, mut reach_managers) = (false, false);
    for (k, role) in r.roles.iter().enumerate() {
        match role.as_str() {
            "representative" => representative = true,
            "manager" => reach_managers = true,
            other => ck.fail(
                p.key("roles").index(k),
                format!("unknown role `{other}` (roles: representative, manager)"),
            ),
        }
    }
    if r.roles.is_empty() {
        ck.fail(
            p.key("roles"),
            "name at least one role (representative, manager)",
        );
    }
    if reach_managers && managers == 0 {
        ck.fail(
            p.key("roles"),
            "role `manager` reaches nobody: set `firms.managers` to 1 or more",
        );
    }
    let mut lists = 0u32;
    for (k, l) in r.lists.iter().enumerate() {
        lists |= 1 << ck.lookup(p.key("lists").index(k), "firm list", list_index, l);
    }
    if r.lists.is_empty() {
        ck.fail(p.key("lists"), "name at least one firm list");
    }
    let services = r
        .services
        .iter()
        .enumerate()
        .map(|(k, s)| ck.lookup(p.key("services").index(k), "service", services, s))
        .collect();
    if r.services.is_empty() {
        ck.fail(p.key("services"), "name at least one service to restrict");
    }
    RoleRules {
        mode: r.mode,
        representative,
        managers: reach_managers,
        lists,
        services,
    }
}

/// A firm's expected events over the horizon must stay within [`MAX_EVENTS_PER_FIRM`].
fn event_budget(ck: &mut Checker<'_>, p: &FieldPath, f: &FirmRules, days: u32) {
    let max_size = f.size_multipliers_max();
    let acts: f64 = f
        .behaviours
        .iter()
        .zip(&max_size)
        .map(|(b, m)| b.rate_per_day * m)
        .sum::<f64>();
    let false_records: f64 = f.sources.iter().flat_map(|s| &s.false_per_day).sum();
    let occasions: f64 = f
        .ratings
        .iter()
        .filter_map(|r| r.inspections.as_ref())
        .map(|i| i.occasions_per_day)
        .sum();
    let assessments: f64 = f
        .ratings
        .iter()
        .map(|r| 1.0 / r.every_days.max(1) as f64)
        .sum();
    let per_firm = (acts + false_records + occasions + assessments) * days as f64;
    if per_firm.is_nan() || per_firm > MAX_EVENTS_PER_FIRM {
        ck.fail(
            p.clone(),
            format!(
                "a firm would have about {} events over the horizon (acts, false records, inspection occasions, assessments); at most {} are allowed: lower the rates or shorten the horizon",
                show(per_firm),
                show(MAX_EVENTS_PER_FIRM)
            ),
        );
    }
}

impl FirmRules {
    /// The largest size multiplier of each behaviour.
    pub fn size_multipliers_max(&self) -> Vec<f64> {
        self.behaviours
            .iter()
            .map(|b| b.size_multipliers.iter().copied().fold(0.0, f64::max))
            .collect()
    }
}
