//! Warnings: what validates but cannot have the effect it seems to ask for. A warning
//! never stops a run; `credsim validate` and `credsim run` print them, each located in
//! the file like an error.

use crate::error::{FieldPath, Located, Problem};
use crate::{Model, Scope, Status};

/// Every warning for a compiled model, in the order of the scenario's sections.
pub(crate) fn check(model: &Model, located: &Located<'_>) -> Vec<Problem> {
    let mut out = Vec::new();
    unrecorded_behaviours(model, located, &mut out);
    capped_capture(model, located, &mut out);
    capped_under_scrutiny(model, located, &mut out);
    own_scope_never_applies(model, located, &mut out);
    never_in_force(model, located, &mut out);
    attacks_beyond_the_run(model, located, &mut out);
    out
}

/// An attack whose window starts after the run ends never happens; one that ends after
/// it hits only on the days inside the run (a shorter `--years` than the scenario was
/// written for).
fn attacks_beyond_the_run(model: &Model, located: &Located<'_>, out: &mut Vec<Problem>) {
    for (x, a) in model.attacks.iter().enumerate() {
        let path = FieldPath::keys(&["attacks"]).index(x);
        let message = match a.days_in_run(model.days) {
            None => format!(
                "attack `{}` starts on day {}, after the end of the run ({} days): it never happens",
                a.id, a.from_day, model.days
            ),
            Some(w) if *w.end() < a.to_day => format!(
                "attack `{}` runs to day {}, after the end of the run ({} days): only its hits drawn on days {}-{} happen",
                a.id,
                a.to_day,
                model.days,
                w.start(),
                w.end()
            ),
            Some(_) => continue,
        };
        let field = if a.from_day >= model.days {
            "from_day"
        } else {
            "to_day"
        };
        out.push(located.problem(path.key(field), message));
    }
}

/// A list or treatment dated (`from`, `until`) so that it is in force on no day of the
/// run: it has no effect (a shorter `--years` than the scenario was written for, or a
/// date outside the run).
fn never_in_force(model: &Model, located: &Located<'_>, out: &mut Vec<Problem>) {
    let lists = model.lists.iter().map(|l| ("lists", &l.id, l.in_force));
    let treatments = model
        .treatments
        .iter()
        .map(|t| ("treatments", &t.id, t.in_force));
    let mut index = [0usize; 2];
    for (table, id, in_force) in lists.chain(treatments) {
        let x = &mut index[usize::from(table == "treatments")];
        let path = FieldPath::keys(&[table]).index(*x);
        *x += 1;
        if !in_force.never(model.days) {
            continue;
        }
        let (field, when) = if in_force.from >= model.days {
            ("from", "takes effect after the end of the run")
        } else {
            ("until", "ends before the start of the run")
        };
        let what = &table[..table.len() - 1];
        out.push(located.problem(
            path.key(field),
            format!(
                "{what} `{id}` {when} (a run of {} days): it is in force on no day of the run and has no effect",
                model.days
            ),
        ));
    }
}

/// A behaviour no source records never produces a record: the regime never sees it.
fn unrecorded_behaviours(model: &Model, located: &Located<'_>, out: &mut Vec<Problem>) {
    for (b, beh) in model.behaviours.iter().enumerate() {
        if beh.rate_per_day > 0.0 && beh.observers.iter().all(|o| o.capture <= 0.0) {
            out.push(located.problem(
                FieldPath::keys(&["behaviours"]).index(b),
                format!(
                    "no source records behaviour `{}` (no `capture` entry above 0 in any \
                     [[sources]]): its acts happen but never produce a record, so the regime \
                     never acts on them",
                    beh.id
                ),
            ));
        }
    }
}

/// A capture probability times the largest product of a source's multipliers above 1 is
/// capped at 1: part of the multipliers' effect is lost for those categories.
fn capped_capture(model: &Model, located: &Located<'_>, out: &mut Vec<Problem>) {
    for (s, src) in model.sources.iter().enumerate() {
        let largest: f64 = src
            .capture_multipliers
            .iter()
            .map(|m| m.iter().copied().fold(0.0, f64::max))
            .product();
        let capped: Vec<String> = model
            .behaviours
            .iter()
            .flat_map(|b| b.observers.iter().map(move |o| (b, o)))
            .filter(|(_, o)| o.source == s && o.capture * largest > 1.0)
            .map(|(b, o)| {
                format!(
                    "`{}` ({} × {} = {:.3})",
                    b.id,
                    o.capture,
                    largest,
                    o.capture * largest
                )
            })
            .collect();
        if !capped.is_empty() {
            out.push(located.problem(
                FieldPath::keys(&["sources"]).index(s).key("capture_multipliers"),
                format!(
                    "the capture probability of {} exceeds 1 for persons in the categories with \
                     the largest multipliers and is capped at 1 there, so the multipliers act \
                     less than written",
                    capped.join(", ")
                ),
            ));
        }
    }
}

/// Heightened scrutiny multiplies every capture probability too; where the product
/// exceeds 1 it is capped, so scrutiny raises capture by less than its multiplier says.
fn capped_under_scrutiny(model: &Model, located: &Located<'_>, out: &mut Vec<Problem>) {
    let Some(sc) = &model.scrutiny else {
        return;
    };
    let capped: Vec<String> = model
        .behaviours
        .iter()
        .flat_map(|b| b.observers.iter().map(move |o| (b, o)))
        .filter(|(_, o)| o.capture > 0.0 && o.capture * sc.capture_multiplier > 1.0)
        .map(|(b, o)| {
            format!(
                "`{}` ({} × {} = {:.3})",
                b.id,
                o.capture,
                sc.capture_multiplier,
                o.capture * sc.capture_multiplier
            )
        })
        .collect();
    if !capped.is_empty() {
        out.push(located.problem(
            FieldPath::keys(&["scrutiny", "capture_multiplier"]),
            format!(
                "under scrutiny the capture probability of {} exceeds 1 (before any capture \
                 multiplier) and is capped at 1, so scrutiny raises capture by less than its \
                 multiplier",
                capped.join(", ")
            ),
        ));
    }
}

/// A treatment of scope `own` applies only when a record behind its trigger comes from
/// the service's own domain; when no record that can lie behind the trigger has that
/// domain, it never applies.
fn own_scope_never_applies(model: &Model, located: &Located<'_>, out: &mut Vec<Problem>) {
    // Domains of scored records (the causes of a grade or of a grade or score listing).
    let scored: u64 = if model.score.is_some() {
        model
            .behaviours
            .iter()
            .filter(|b| b.points != 0)
            .fold(0, |m, b| m | 1 << b.domain)
    } else {
        0
    };
    let causes = |status: Status| -> u64 {
        match status {
            Status::Grade(_) => scored,
            Status::List(l) => {
                let list = &model.lists[l];
                let by_records = model
                    .behaviours
                    .iter()
                    .filter(|b| b.lists_triggered.contains(&l))
                    .fold(0, |m, b| m | 1 << b.domain);
                let by_condition = if list.has_condition() { scored } else { 0 };
                by_records | by_condition
            }
        }
    };
    for (t, tr) in model.treatments.iter().enumerate() {
        if tr.scope != Scope::Own {
            continue;
        }
        let domain = model.services[tr.service].domain;
        if causes(tr.trigger) & (1 << domain) == 0 {
            out.push(located.problem(
                FieldPath::keys(&["treatments"]).index(t).key("scope"),
                format!(
                    "treatment `{}` has scope `own`, but no record that can lie behind its \
                     trigger comes from the service's domain `{}`, so it never applies \
                     (use scope = \"all\" for joint punishment)",
                    tr.id, model.domains[domain]
                ),
            ));
        }
    }
}
