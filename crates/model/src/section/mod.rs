//! Turning a parsed [`Scenario`] into a runnable [`Model`], or into a list of problems.
//!
//! Every check names the field path and what is allowed; all problems are collected
//! (not just the first), so one `credsim validate` shows everything to fix.

use crate::error::{FieldPath, Problem};
use crate::model::*;
use crate::raw::{self, Scenario};
use crate::validate::*;
use std::collections::HashMap;

/// Checks a scenario and compiles it. `hash` identifies the resolved scenario.
pub(crate) fn compile(
    s: &Scenario,
    located: &crate::error::Located<'_>,
    hash: String,
) -> Result<Model, Vec<Problem>> {
    let mut ck = Checker::new(located);
    let root = FieldPath::default();

    if !valid_name(&s.scenario.name) {
        ck.fail(
            FieldPath::keys(&["scenario", "name"]),
            format!(
                "name `{}` is not allowed: use letters, digits, `-`, `_` and `.` only (it names output folders)",
                s.scenario.name
            ),
        );
    }

    // Simulation.
    let sim = FieldPath::keys(&["simulation"]);
    let days = match (s.simulation.years, s.simulation.days) {
        (Some(y), None) => y.saturating_mul(365),
        (None, Some(d)) => d,
        (Some(_), Some(_)) => {
            ck.fail(sim.key("days"), "give either `years` or `days`, not both");
            0
        }
        (None, None) => {
            ck.fail(sim.clone(), "the horizon is missing: set `years` or `days`");
            0
        }
    };
    if (s.simulation.years.is_some() != s.simulation.days.is_some())
        && !(1..=MAX_DAYS).contains(&days)
    {
        let field = if s.simulation.years.is_some() {
            "years"
        } else {
            "days"
        };
        ck.fail(
            sim.key(field),
            format!("a horizon of {days} days is not allowed: it must be 1 to {MAX_DAYS} days (100 years)"),
        );
    }
    let per_year = match s.simulation.reporting_period {
        raw::Period::Month => 12,
        raw::Period::Quarter => 4,
        raw::Period::Year => 1,
    };

    // Population.
    let pop = FieldPath::keys(&["population"]);
    let persons = s.population.persons;
    if !(1..=MAX_PERSONS).contains(&persons) {
        ck.fail(
            pop.key("persons"),
            format!("{persons} persons is not allowed: it must be 1 to {MAX_PERSONS}"),
        );
    }
    let heterogeneity_shape = s
        .population
        .heterogeneity_shape
        .map(|k| ck.positive(pop.key("heterogeneity_shape"), "Gamma shape", k));
    let hh = pop.key("households").key("sizes");
    let shares = ck.shares(&hh, "household size shares", &s.population.households.sizes);
    let mut sizes = Vec::new();
    for key in s.population.households.sizes.keys() {
        match key.parse::<u32>() {
            Ok(n) if (1..=100).contains(&n) => sizes.push(n),
            _ => {
                ck.fail(
                    hh.key(key),
                    format!("household size `{key}` is not allowed: sizes are whole numbers from 1 to 100, written as keys like \"3\""),
                );
                sizes.push(1);
            }
        }
    }
    let household_sizes = Categorical::new(sizes, shares);

    let apath = pop.key("attributes");
    let attr_index = ck.ids(
        &apath,
        "attribute",
        s.population.attributes.iter().map(|a| a.id.as_str()),
    );
    let mut attributes = Vec::new();
    for (i, a) in s.population.attributes.iter().enumerate() {
        let shares = ck.shares(
            &apath.index(i).key("categories"),
            "category shares",
            &a.categories,
        );
        if a.categories.len() > 255 {
            ck.fail(
                apath.index(i).key("categories"),
                "at most 255 categories per attribute",
            );
        }
        attributes.push(Attribute {
            id: a.id.clone(),
            level: a.level,
            categories: Categorical::new(a.categories.keys().cloned().collect(), shares),
        });
    }

    // Domains.
    let dpath = FieldPath::keys(&["domains"]);
    let mut domain_index = HashMap::new();
    if s.domains.is_empty() || s.domains.len() > MAX_DOMAINS {
        ck.fail(dpath.clone(), format!("declare 1 to {MAX_DOMAINS} domains"));
    }
    for (i, d) in s.domains.iter().enumerate() {
        if d.is_empty() || domain_index.insert(d.clone(), i).is_some() {
            ck.fail(
                dpath.index(i),
                format!("domain `{d}` is empty or declared twice"),
            );
        }
    }

    // Behaviours.
    let bpath = FieldPath::keys(&["behaviours"]);
    if s.behaviours.is_empty() {
        ck.fail(
            bpath.clone(),
            "declare at least one behaviour ([[behaviours]])",
        );
    }
    if s.behaviours.len() > u16::MAX as usize {
        ck.fail(bpath.clone(), "at most 65535 behaviours");
    }
    let behaviour_index = ck.ids(
        &bpath,
        "behaviour",
        s.behaviours.iter().map(|b| b.id.as_str()),
    );
    let mut behaviours = Vec::new();
    for (i, b) in s.behaviours.iter().enumerate() {
        let p = bpath.index(i);
        let domain = ck.lookup(p.key("domain"), "domain", &domain_index, &b.domain);
        let rate = ck.non_negative(p.key("rate_per_year"), "rate", b.rate_per_year);
        let own_shape = b
            .heterogeneity_shape
            .map(|k| ck.positive(p.key("heterogeneity_shape"), "Gamma shape", k));
        let multipliers = multipliers(
            &mut ck,
            &p.key("rate_multipliers"),
            &s.population.attributes,
            &attr_index,
            &b.rate_multipliers,
        );
        let deterrence = b.deterrence.as_ref().map(|d| {
            let dp = p.key("deterrence");
            if !(1..=MAX_DAYS).contains(&d.days) {
                ck.fail(
                    dp.key("days"),
                    format!(
                        "{} days is not allowed: deterrence lasts 1 to {MAX_DAYS} days",
                        d.days
                    ),
                );
            }
            Deterrence {
                factor: ck.probability(dp.key("factor"), "deterrence factor", d.factor),
                days: d.days,
            }
        });
        behaviours.push(Behaviour {
            id: b.id.clone(),
            domain,
            rate_per_day: rate / DAYS_PER_YEAR,
            protected: b.protected,
            own_shape,
            multipliers,
            observers: Vec::new(),
            points: 0,
            expiry_days: None,
            lists_triggered: Vec::new(),
            deterrence,
        });
    }

    // Sources.
    let spath = FieldPath::keys(&["sources"]);
    if s.sources.len() > u16::MAX as usize {
        ck.fail(spath.clone(), "at most 65535 sources");
    }
    ck.ids(&spath, "source", s.sources.iter().map(|x| x.id.as_str()));
    let mut sources = Vec::new();
    for (i, src) in s.sources.iter().enumerate() {
        let p = spath.index(i);
        let mut weights = Vec::new();
        for (b, &prob) in &src.capture {
            let bi = ck.lookup(p.key("capture").key(b), "behaviour", &behaviour_index, b);
            let prob = ck.probability(p.key("capture").key(b), "capture probability", prob);
            if let Some(beh) = behaviours.get_mut(bi) {
                beh.observers.push(Observer {
                    source: i,
                    capture: prob,
                });
                weights.push((bi, beh.rate_per_day * prob));
            }
        }
        let capture_multipliers = multipliers(
            &mut ck,
            &p.key("capture_multipliers"),
            &s.population.attributes,
            &attr_index,
            &src.capture_multipliers,
        );
        let false_rate = ck.non_negative(
            p.key("false_records_per_year"),
            "false-record rate",
            src.false_records_per_year,
        );
        // False records follow the source's mix of genuine records (base rate × base
        // capture); a source whose behaviours nobody does files them by capture alone.
        let total: f64 = weights.iter().map(|w| w.1).sum();
        let by_capture: Vec<(usize, f64)> = src
            .capture
            .iter()
            .filter_map(|(b, &p)| behaviour_index.get(b).map(|&i| (i, p)))
            .collect();
        let weights = if total > 0.0 { weights } else { by_capture };
        let false_types = if weights.iter().any(|w| w.1 > 0.0) {
            Some(Categorical::new(
                weights.iter().map(|w| w.0).collect(),
                weights.iter().map(|w| w.1).collect(),
            ))
        } else {
            if false_rate > 0.0 {
                ck.fail(
                    p.key("false_records_per_year"),
                    "false records take the type of a behaviour the source captures, but this source captures none with a positive probability",
                );
            }
            None
        };
        if src.delay_days > MAX_DAYS {
            ck.fail(
                p.key("delay_days"),
                format!(
                    "a delay of {} days is not allowed: at most {MAX_DAYS}",
                    src.delay_days
                ),
            );
        }
        sources.push(Source {
            id: src.id.clone(),
            delay_days: src.delay_days,
            false_rate_per_day: false_rate / DAYS_PER_YEAR,
            misattribution: ck.probability(
                p.key("misattribution"),
                "misattribution probability",
                src.misattribution,
            ),
            capture_multipliers,
            false_types,
        });
    }

    // Score and grades.
    let mut grade_index = HashMap::new();
    let score = s.score.as_ref().map(|sc| {
        let p = FieldPath::keys(&["score"]);
        let big = |v: Option<i64>| v.is_some_and(|x| x.unsigned_abs() > MAX_SCORE as u64);
        if big(Some(sc.base))
            || big(sc.min)
            || big(sc.max)
            || sc.grades.iter().any(|g| big(g.min) || big(g.max))
        {
            ck.fail(
                p.clone(),
                format!("score values must lie within ±{MAX_SCORE}"),
            );
        }
        if let (Some(lo), Some(hi)) = (sc.min, sc.max)
            && lo > hi
        {
            ck.fail(p.key("min"), format!("min {lo} is above max {hi}"));
        }
        if sc.min.is_some_and(|lo| sc.base < lo) || sc.max.is_some_and(|hi| sc.base > hi) {
            ck.fail(
                p.key("base"),
                format!("base {} is outside [min, max]", sc.base),
            );
        }
        let gpath = p.key("grades");
        if sc.grades.len() > MAX_GRADES {
            ck.fail(gpath.clone(), format!("at most {MAX_GRADES} grades"));
        }
        for (i, g) in sc.grades.iter().enumerate() {
            if g.name.is_empty() || grade_index.insert(g.name.clone(), i).is_some() {
                ck.fail(
                    gpath.index(i).key("name"),
                    format!("grade name `{}` is empty or used twice", g.name),
                );
            }
            if let (Some(lo), Some(hi)) = (g.min, g.max)
                && lo > hi
            {
                ck.fail(
                    gpath.index(i).key("min"),
                    format!("grade `{}` has min {lo} above max {hi}", g.name),
                );
            }
        }
        let mut ascending: Vec<usize> = (0..sc.grades.len()).collect();
        ascending.sort_by_key(|&g| {
            let b = &sc.grades[g];
            (b.min.is_some(), b.min, b.max.is_none(), b.max)
        });
        check_bands(&mut ck, &gpath, sc, &ascending);
        ScoreRules {
            base: sc.base,
            min: sc.min,
            max: sc.max,
            grades: sc
                .grades
                .iter()
                .map(|g| GradeBand {
                    name: g.name.clone(),
                    min: g.min,
                    max: g.max,
                })
                .collect(),
            ascending,
        }
    });

    // Record rules.
    let rpath = FieldPath::keys(&["records"]);
    for (ty, rule) in &s.records {
        let b = ck.lookup(
            rpath.key(ty),
            "record type (behaviour id)",
            &behaviour_index,
            ty,
        );
        if rule.points != 0 && score.is_none() {
            ck.fail(
                rpath.key(ty).key("points"),
                "points need a score: add a [score] table, or remove the points",
            );
        }
        if rule.points.unsigned_abs() > MAX_POINTS {
            ck.fail(
                rpath.key(ty).key("points"),
                format!(
                    "{} points is not allowed: at most ±{MAX_POINTS} per record",
                    rule.points
                ),
            );
        }
        if rule.expiry_days == Some(0) {
            ck.fail(
                rpath.key(ty).key("expiry_days"),
                "expiry must be at least 1 day (omit it for never)",
            );
        }
        if let Some(beh) = behaviours.get_mut(b) {
            beh.points = rule.points;
            beh.expiry_days = rule.expiry_days;
        }
    }

    // Lists.
    let lpath = FieldPath::keys(&["lists"]);
    if s.lists.len() > MAX_LISTS {
        ck.fail(lpath.clone(), format!("at most {MAX_LISTS} lists"));
    }
    let list_index = ck.ids(&lpath, "list", s.lists.iter().map(|l| l.id.as_str()));
    let mut lists = Vec::new();
    for (i, l) in s.lists.iter().enumerate() {
        let p = lpath.index(i);
        let mut list = List {
            id: l.id.clone(),
            kind: l.kind,
            duration_days: l.duration_days,
            grade_triggers: Vec::new(),
            score_below: None,
            score_at_least: None,
            contacts: None,
        };
        if l.triggers.is_empty() {
            ck.fail(p.key("triggers"), "a list needs at least one trigger");
        }
        let mut has_record_trigger = false;
        for (j, t) in l.triggers.iter().enumerate() {
            let tp = p.key("triggers").index(j);
            match t {
                raw::ListTrigger::Record(b) => {
                    has_record_trigger = true;
                    let bi = ck.lookup(
                        tp.key("record"),
                        "record type (behaviour id)",
                        &behaviour_index,
                        b,
                    );
                    if let Some(beh) = behaviours.get_mut(bi) {
                        beh.lists_triggered.push(i);
                    }
                }
                raw::ListTrigger::Grade(g) => {
                    if score.is_none() {
                        ck.fail(tp.key("grade"), "grade triggers need a [score] with grades");
                    } else {
                        let gi = ck.lookup(tp.key("grade"), "grade", &grade_index, g);
                        list.grade_triggers.push(gi);
                    }
                }
                raw::ListTrigger::ScoreBelow(v) | raw::ListTrigger::ScoreAtLeast(v) => {
                    if score.is_none() {
                        ck.fail(tp.clone(), "score triggers need a [score] table");
                    }
                    let slot = if matches!(t, raw::ListTrigger::ScoreBelow(_)) {
                        &mut list.score_below
                    } else {
                        &mut list.score_at_least
                    };
                    if slot.replace(*v).is_some() {
                        ck.fail(tp, "give each kind of score trigger at most once per list");
                    }
                }
                raw::ListTrigger::Contacts(c) => {
                    let cp = tp.key("contacts");
                    let status = status(
                        &mut ck,
                        &cp.key("status"),
                        &c.status,
                        score.is_some(),
                        &grade_index,
                        &list_index,
                    );
                    match &s.network {
                        None => ck.fail(
                            cp.clone(),
                            "contacts triggers need a [network] table (who knows whom)",
                        ),
                        Some(n) if c.at_least == 0 || (n.contacts > 0 && c.at_least > n.contacts) => ck.fail(
                            cp.key("at_least"),
                            format!(
                                "at_least = {} is not allowed: it must be 1 to the number of contacts ({})",
                                c.at_least, n.contacts
                            ),
                        ),
                        Some(_) => {}
                    }
                    if list.contacts.is_some() {
                        ck.fail(tp.clone(), "give at most one contacts trigger per list");
                    }
                    if status == Status::List(i) {
                        ck.fail(
                            cp.key("status"),
                            format!(
                                "list `{}` cannot be triggered by contacts on itself: nobody is on it to begin with, so nobody could ever enter it",
                                l.id
                            ),
                        );
                    }
                    list.contacts = Some(ContactsCondition {
                        status,
                        at_least: c.at_least,
                    });
                }
            }
        }
        if list.contacts.is_some() && l.triggers.len() > 1 {
            ck.fail(
                p.key("triggers"),
                "a list with a contacts trigger may have no other trigger (make a second list for records, grades or scores)",
            );
        }
        match l.duration_days {
            Some(0) => ck.fail(p.key("duration_days"), "duration must be at least 1 day (omit it for: while the condition holds)"),
            None if has_record_trigger => ck.fail(
                p.key("duration_days"),
                "a list with record triggers needs `duration_days` (how long a record keeps a person listed)",
            ),
            _ => {}
        }
        lists.push(list);
    }

    for (i, b) in behaviours.iter().enumerate() {
        if b.deterrence.is_some() && !b.adverse() {
            ck.fail(
                bpath.index(i).key("deterrence"),
                format!(
                    "behaviour `{}` has deterrence, but its records neither deduct points nor trigger a list, so they never sanction anyone (deterrence follows adverse records)",
                    b.id
                ),
            );
        }
    }

    // Services and treatments.
    let svpath = FieldPath::keys(&["services"]);
    let service_index = ck.ids(&svpath, "service", s.services.iter().map(|x| x.id.as_str()));
    let mut services = Vec::new();
    for (i, sv) in s.services.iter().enumerate() {
        let p = svpath.index(i);
        services.push(Service {
            id: sv.id.clone(),
            domain: ck.lookup(p.key("domain"), "domain", &domain_index, &sv.domain),
            attempts_per_day: ck.non_negative(
                p.key("attempts_per_year"),
                "attempt rate",
                sv.attempts_per_year,
            ) / DAYS_PER_YEAR,
        });
    }
    let tpath = FieldPath::keys(&["treatments"]);
    if s.treatments.len() > MAX_TREATMENTS {
        ck.fail(
            tpath.clone(),
            format!("at most {MAX_TREATMENTS} treatments"),
        );
    }
    ck.ids(
        &tpath,
        "treatment",
        s.treatments.iter().map(|t| t.id.as_str()),
    );
    let mut treatments = Vec::new();
    for (i, t) in s.treatments.iter().enumerate() {
        let p = tpath.index(i);
        let service = ck.lookup(p.key("service"), "service", &service_index, &t.service);
        let trigger = status(
            &mut ck,
            &p.key("trigger"),
            &t.trigger,
            score.is_some(),
            &grade_index,
            &list_index,
        );
        treatments.push(Treatment {
            id: t.id.clone(),
            kind: t.kind,
            service,
            trigger,
            scope: t.scope,
            household: t.household,
        });
    }

    let scrutiny = s.scrutiny.as_ref().map(|sc| {
        let p = FieldPath::keys(&["scrutiny"]);
        if sc.duration_days == 0 {
            ck.fail(p.key("duration_days"), "duration must be at least 1 day");
        }
        Scrutiny {
            trigger: status(
                &mut ck,
                &p.key("trigger"),
                &sc.trigger,
                score.is_some(),
                &grade_index,
                &list_index,
            ),
            capture_multiplier: ck.non_negative(
                p.key("capture_multiplier"),
                "capture multiplier",
                sc.capture_multiplier,
            ),
            duration_days: sc.duration_days,
        }
    });
    let appeals = s.appeals.as_ref().map(|a| {
        let p = FieldPath::keys(&["appeals"]);
        if !(1..=MAX_DAYS).contains(&a.processing_days) {
            ck.fail(
                p.key("processing_days"),
                format!(
                    "{} days is not allowed: a review takes 1 to {MAX_DAYS} days",
                    a.processing_days
                ),
            );
        }
        if a.capacity_per_month_per_100k > 1e9 {
            ck.fail(
                p.key("capacity_per_month_per_100k"),
                format!(
                    "{} is not allowed: at most 1e9 reviews per month per 100,000 persons",
                    a.capacity_per_month_per_100k
                ),
            );
        }
        AppealRules {
            appeal_genuine: ck.probability(
                p.key("probability").key("genuine"),
                "probability",
                a.probability.genuine,
            ),
            appeal_erroneous: ck.probability(
                p.key("probability").key("erroneous"),
                "probability",
                a.probability.erroneous,
            ),
            multipliers: multipliers(
                &mut ck,
                &p.key("probability_multipliers"),
                &s.population.attributes,
                &attr_index,
                &a.probability_multipliers,
            ),
            capacity_per_month_per_100k: ck.non_negative(
                p.key("capacity_per_month_per_100k"),
                "capacity",
                a.capacity_per_month_per_100k,
            ),
            processing_days: a.processing_days,
            success_genuine: ck.probability(
                p.key("success").key("genuine"),
                "probability",
                a.success.genuine,
            ),
            success_erroneous: ck.probability(
                p.key("success").key("erroneous"),
                "probability",
                a.success.erroneous,
            ),
        }
    });
    let repair = s.repair.as_ref().map(|r| {
        let p = FieldPath::keys(&["repair"]);
        if !(1..=MAX_DAYS).contains(&r.after_days) {
            ck.fail(
                p.key("after_days"),
                format!(
                    "{} days is not allowed: the waiting period is 1 to {MAX_DAYS} days",
                    r.after_days
                ),
            );
        }
        RepairRules {
            after_days: r.after_days,
            probability: ck.probability(p.key("probability"), "probability", r.probability),
        }
    });
    let chilling = s.chilling.as_ref().map(|c| {
        let p = FieldPath::keys(&["chilling"]);
        if !s.behaviours.iter().any(|b| b.protected) {
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
                .map(|a| ck.lookup(p.key("by_attribute"), "attribute", &attr_index, a)),
        }
    });
    let network = s.network.as_ref().map(|n| {
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
    });
    let _ = root;

    ck.finish()?;
    Ok(Model {
        name: s.scenario.name.clone(),
        description: s.scenario.description.clone(),
        hash,
        seed: s.simulation.seed,
        days,
        period_ends: Model::periods(days, per_year),
        periods_per_year: per_year,
        persons,
        household_sizes,
        heterogeneity_shape,
        attributes,
        domains: s.domains.clone(),
        behaviours,
        sources,
        score,
        lists,
        services,
        treatments,
        scrutiny,
        appeals,
        repair,
        chilling,
        network,
    })
}
