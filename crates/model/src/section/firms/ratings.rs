//! `[[firms.ratings]]`, `[[firms.lists]]` and `[[firms.sanctions]]`: checks and
//! compilation of the regulators' ratings, the firm lists and the sanctions on firms.

use super::raw;
use super::rules::*;
use crate::error::FieldPath;
use crate::model::DAYS_PER_YEAR;
use crate::validate::Checker;
use std::collections::HashMap;

/// Names the ratings, lists and sanctions resolve.
pub(super) struct Ctx<'a> {
    pub(super) domains: &'a HashMap<String, usize>,
    pub(super) flags: &'a HashMap<String, usize>,
    pub(super) behaviours: &'a HashMap<String, usize>,
}

pub(super) fn compile(
    ck: &mut Checker<'_>,
    ratings: &[raw::Rating],
    cx: &Ctx<'_>,
) -> (Vec<Rating>, HashMap<String, usize>) {
    let rpath = FieldPath::keys(&["firms", "ratings"]);
    if ratings.len() > MAX_RATINGS {
        ck.fail(rpath.clone(), format!("at most {MAX_RATINGS} ratings"));
    }
    let index = ck.ids(&rpath, "rating", ratings.iter().map(|r| r.id.as_str()));
    let out = ratings
        .iter()
        .enumerate()
        .map(|(i, r)| rating(ck, &rpath.index(i), r, cx))
        .collect();
    (out, index)
}

fn rating(ck: &mut Checker<'_>, p: &FieldPath, r: &raw::Rating, cx: &Ctx<'_>) -> Rating {
    let n = cx.behaviours.len();
    let cpath = p.key("classes");
    if r.classes.len() < 2 || r.classes.len() > MAX_CLASSES {
        ck.fail(
            cpath.clone(),
            format!("give 2 to {MAX_CLASSES} classes, best first"),
        );
    }
    let class_index = ck.ids(&cpath, "class", r.classes.iter().map(|c| c.id.as_str()));
    let mut mins = Vec::new();
    for (k, c) in r.classes.iter().enumerate() {
        let last = k + 1 == r.classes.len();
        match (c.min, last) {
            (Some(_), true) => ck.fail(
                cpath.index(k).key("min"),
                "the last (worst) class takes every lower score: give it no `min`",
            ),
            (None, false) => ck.fail(
                cpath.index(k).key("min"),
                "every class but the last needs `min`, the lowest score it admits",
            ),
            (Some(m), false) => {
                if !m.is_finite() {
                    ck.fail(cpath.index(k).key("min"), "`min` must be a finite number");
                } else if mins.last().is_some_and(|&prev| m >= prev) {
                    ck.fail(
                        cpath.index(k).key("min"),
                        format!("`min` {m} must be below the previous class's (classes go from best to worst)"),
                    );
                }
                mins.push(m);
            }
            (None, true) => {}
        }
    }
    if !r.base.mean.is_finite() {
        ck.fail(
            p.key("base").key("mean"),
            "the base mean must be a finite number",
        );
    }
    let base_sd = ck.non_negative(p.key("base").key("sd"), "standard deviation", r.base.sd);
    if r.every_days == 0 {
        ck.fail(
            p.key("every_days"),
            "assessments must be at least 1 day apart",
        );
    }
    if r.first_day == Some(0) {
        ck.fail(
            p.key("first_day"),
            "the first assessment after day 0 is on day 1 or later (day 0 rates every firm from its base score)",
        );
    }
    let every_days = r.every_days.max(1);
    let window_days = r.window_days.unwrap_or(every_days);
    if window_days == 0 {
        ck.fail(p.key("window_days"), "the window must be at least 1 day");
    }
    let points = super::per_behaviour(
        ck,
        &p.key("points"),
        "points",
        &r.points,
        cx.behaviours,
        false,
    );
    let mut direct = vec![None; n];
    for (k, d) in r.direct.iter().enumerate() {
        let dp = p.key("direct").index(k);
        let b = ck.lookup(
            dp.key("behaviour"),
            "firm behaviour",
            cx.behaviours,
            &d.behaviour,
        );
        let c = ck.lookup(dp.key("class"), "class", &class_index, &d.class);
        if d.days == 0 {
            ck.fail(dp.key("days"), "a direct class is held at least 1 day");
        }
        if let Some(slot) = direct.get_mut(b) {
            if slot.is_some() {
                ck.fail(
                    dp.key("behaviour"),
                    format!(
                        "behaviour `{}` has two direct triggers in this rating",
                        d.behaviour
                    ),
                );
            }
            *slot = Some((c, d.days.max(1)));
        }
    }
    let inspections = r.inspections.as_ref().map(|i| {
        inspections(
            ck,
            &p.key("inspections"),
            i,
            r.classes.len(),
            &class_index,
            cx,
            &points,
            &direct,
        )
    });
    Rating {
        id: r.id.clone(),
        domain: ck.lookup(p.key("domain"), "domain", cx.domains, &r.domain),
        applies_to: r
            .applies_to
            .as_ref()
            .map(|f| ck.lookup(p.key("applies_to"), "flag", cx.flags, f)),
        base_mean: r.base.mean,
        base_sd,
        classes: r.classes.iter().map(|c| c.id.clone()).collect(),
        mins,
        every_days,
        first_day: r.first_day.unwrap_or(every_days).max(1),
        window_days: window_days.max(1),
        points,
        direct,
        inspections,
        requirements: r
            .requirements
            .map(|q| ck.non_negative(p.key("requirements"), "requirements", q)),
    }
}

#[allow(clippy::too_many_arguments)]
fn inspections(
    ck: &mut Checker<'_>,
    p: &FieldPath,
    i: &raw::Inspections,
    classes: usize,
    class_index: &HashMap<String, usize>,
    cx: &Ctx<'_>,
    points: &[f64],
    direct: &[Option<(usize, u32)>],
) -> InspectionRules {
    let occasions = ck.non_negative(
        p.key("occasions_per_year"),
        "occasions",
        i.occasions_per_year,
    );
    let mut share = vec![f64::NAN; classes];
    for (k, &s) in &i.share {
        let c = ck.lookup(p.key("share").key(k), "class", class_index, k);
        let s = ck.probability(p.key("share").key(k), "inspection share", s);
        if let Some(slot) = share.get_mut(c) {
            *slot = s;
        }
    }
    if class_index.len() == classes {
        for (name, &c) in class_index {
            if share[c].is_nan() {
                ck.fail(
                    p.key("share"),
                    format!("give the inspection share of every class (missing: `{name}`)"),
                );
            }
        }
    }
    let share = share
        .into_iter()
        .map(|s| if s.is_nan() { 0.0 } else { s })
        .collect();
    let mut finds = vec![false; cx.behaviours.len()];
    if i.finds.is_empty() {
        for (b, slot) in finds.iter_mut().enumerate() {
            *slot = points[b] > 0.0 || direct[b].is_some();
        }
    }
    for (k, b) in i.finds.iter().enumerate() {
        let b = ck.lookup(p.key("finds").index(k), "firm behaviour", cx.behaviours, b);
        if let Some(slot) = finds.get_mut(b) {
            *slot = true;
        }
    }
    if !finds.iter().any(|&f| f) {
        ck.fail(
            p.key("finds"),
            "inspections find nothing: name behaviours in `finds`, or give the rating points or direct triggers",
        );
    }
    if i.lookback_days == 0 {
        ck.fail(
            p.key("lookback_days"),
            "an inspection looks back at least 1 day",
        );
    }
    InspectionRules {
        occasions_per_day: occasions / DAYS_PER_YEAR,
        share,
        detection: ck.probability(p.key("detection"), "detection probability", i.detection),
        lookback_days: i.lookback_days.max(1),
        finds,
        reference: ck.lookup(p.key("reference"), "class", class_index, &i.reference),
    }
}

/// Resolves a trigger; `allow_list` for sanctions (lists may not trigger lists).
fn trigger(
    ck: &mut Checker<'_>,
    p: &FieldPath,
    t: &raw::Trigger,
    ratings: &[Rating],
    rating_index: &HashMap<String, usize>,
    lists: Option<&HashMap<String, usize>>,
    cx: &Ctx<'_>,
) -> FirmTrigger {
    let given = t.behaviour.is_some() as u8 + t.rating.is_some() as u8 + t.list.is_some() as u8;
    let allowed = if lists.is_some() {
        "`list` or `rating` with `classes`"
    } else {
        "`behaviour` or `rating` with `classes`"
    };
    if given != 1 {
        ck.fail(p.clone(), format!("give exactly one of {allowed}"));
        return FirmTrigger::Behaviour(0);
    }
    if t.rating.is_none() && !t.classes.is_empty() {
        ck.fail(p.key("classes"), "`classes` goes with `rating`");
    }
    if let Some(b) = &t.behaviour {
        if lists.is_some() {
            ck.fail(
                p.key("behaviour"),
                format!("a sanction's trigger is {allowed}"),
            );
        }
        return FirmTrigger::Behaviour(ck.lookup(
            p.key("behaviour"),
            "firm behaviour",
            cx.behaviours,
            b,
        ));
    }
    if let Some(l) = &t.list {
        let Some(index) = lists else {
            ck.fail(p.key("list"), format!("a list's trigger is {allowed}"));
            return FirmTrigger::Behaviour(0);
        };
        return FirmTrigger::List(ck.lookup(p.key("list"), "firm list", index, l));
    }
    let name = t.rating.as_deref().unwrap_or_default();
    let r = ck.lookup(p.key("rating"), "rating", rating_index, name);
    if t.classes.is_empty() {
        ck.fail(
            p.key("classes"),
            "name the classes of the rating that trigger it",
        );
    }
    let mut classes = 0u32;
    if let Some(rating) = ratings.get(r).filter(|_| rating_index.contains_key(name)) {
        let index: HashMap<String, usize> = rating
            .classes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i))
            .collect();
        for (k, c) in t.classes.iter().enumerate() {
            classes |= 1 << ck.lookup(p.key("classes").index(k), "class", &index, c);
        }
    }
    FirmTrigger::Rating { rating: r, classes }
}

pub(super) fn lists(
    ck: &mut Checker<'_>,
    lists: &[raw::List],
    ratings: &[Rating],
    rating_index: &HashMap<String, usize>,
    cx: &Ctx<'_>,
) -> (Vec<FirmList>, HashMap<String, usize>) {
    let lpath = FieldPath::keys(&["firms", "lists"]);
    if lists.len() > MAX_FIRM_LISTS {
        ck.fail(
            lpath.clone(),
            format!("at most {MAX_FIRM_LISTS} firm lists"),
        );
    }
    let index = ck.ids(&lpath, "firm list", lists.iter().map(|l| l.id.as_str()));
    let out = lists
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let p = lpath.index(i);
            if l.publicity_days == 0 {
                ck.fail(
                    p.key("publicity_days"),
                    "a listing is published at least 1 day",
                );
            }
            let restoration = l.restoration.as_ref().map(|r| RestorationRules {
                after_days: r.after_days,
                probability: ck.probability(
                    p.key("restoration").key("probability"),
                    "probability",
                    r.probability,
                ),
                handling_days: r.handling_days,
            });
            FirmList {
                id: l.id.clone(),
                trigger: trigger(
                    ck,
                    &p.key("trigger"),
                    &l.trigger,
                    ratings,
                    rating_index,
                    None,
                    cx,
                ),
                publicity_days: l.publicity_days.max(1),
                restoration,
            }
        })
        .collect();
    (out, index)
}

pub(super) fn sanctions(
    ck: &mut Checker<'_>,
    sanctions: &[raw::Sanction],
    ratings: &[Rating],
    rating_index: &HashMap<String, usize>,
    list_index: &HashMap<String, usize>,
    cx: &Ctx<'_>,
) -> Vec<FirmSanction> {
    let spath = FieldPath::keys(&["firms", "sanctions"]);
    if sanctions.len() > MAX_FIRM_SANCTIONS {
        ck.fail(
            spath.clone(),
            format!("at most {MAX_FIRM_SANCTIONS} firm sanctions"),
        );
    }
    ck.ids(
        &spath,
        "firm sanction",
        sanctions.iter().map(|s| s.id.as_str()),
    );
    sanctions
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let p = spath.index(i);
            FirmSanction {
                id: s.id.clone(),
                domain: ck.lookup(p.key("domain"), "domain", cx.domains, &s.domain),
                trigger: trigger(
                    ck,
                    &p.key("trigger"),
                    &s.trigger,
                    ratings,
                    rating_index,
                    Some(list_index),
                    cx,
                ),
                scope: s.scope,
            }
        })
        .collect()
}
