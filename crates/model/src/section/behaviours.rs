//! `domains` and `[[behaviours]]`: the domains of life, and what people do in them
//! (rates, heterogeneity, multipliers by attribute, deterrence).

use super::population::Attributes;
use super::sources::Observer;
use crate::error::FieldPath;
use crate::model::DAYS_PER_YEAR;
use crate::validate::{
    Checker, MAX_CHUNK_PERSONS, MAX_DAYS, MAX_DOMAINS, MAX_EVENTS_PER_PERSON, show,
};
use serde::Serialize;
use std::collections::HashMap;

/// The tables as written in the scenario file (re-exported by [`crate::raw`]).
pub mod raw {
    use crate::raw::Named;
    use serde::{Deserialize, Serialize};

    /// `[[behaviours]]`: one kind of conduct, with its rate in the population.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Behaviour {
        /// Identifier; also the record type of records about it.
        pub id: String,
        /// Domain of life it belongs to.
        pub domain: String,
        /// Mean number of occurrences per person per year (before multipliers).
        pub rate_per_year: f64,
        /// Conduct protected by international human-rights norms (speech, religion, petitioning).
        #[serde(default)]
        pub protected: bool,
        /// Own Gamma shape for this behaviour's multiplier, drawn independently of the
        /// person's global one. Absent: the person's global multiplier applies.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub heterogeneity_shape: Option<f64>,
        /// The propensity group (`population.propensity_groups`) whose multiplier this
        /// behaviour shares with the group's other behaviours, instead of the global one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub propensity: Option<String>,
        /// Gravity of one act, for the audit's disproportion measure (≥ 0). Absent: the
        /// points its record type deducts, 1 for a type that triggers a list without
        /// deducting, 0 for protected conduct and for conduct rewarded or ignored.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub gravity: Option<f64>,
        /// Attribute → category → rate multiplier (missing categories: 1).
        #[serde(default)]
        pub rate_multipliers: Named<Named<f64>>,
        /// After a record of this behaviour finds the person sanctioned or on a black list,
        /// their rate of it is multiplied by a factor for a while. Absent: no deterrence.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub deterrence: Option<Deterrence>,
        /// Free text.
        #[serde(default)]
        pub description: String,
    }

    /// `deterrence = { factor = 0.5, days = 365 }` of a behaviour.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Deterrence {
        /// Factor on the person's rate of the behaviour while deterred, in [0, 1].
        pub factor: f64,
        /// Days the factor applies after each sanctioned or listed record.
        pub days: u32,
    }
}

/// A behaviour and what the regime does with its records.
#[derive(Debug, Clone, Serialize)]
pub struct Behaviour {
    /// Identifier (also the record type).
    pub id: String,
    /// Domain index.
    pub domain: usize,
    /// Base rate per person per day.
    pub rate_per_day: f64,
    /// Protected conduct.
    pub protected: bool,
    /// Own Gamma shape, drawn independently of the global multiplier.
    pub own_shape: Option<f64>,
    /// Propensity group (index, Gamma shape): the multiplier shared with the group's
    /// other behaviours, instead of the global one.
    pub group: Option<(usize, f64)>,
    /// Gravity of one act (the audit's disproportion measure).
    pub gravity: f64,
    /// `multipliers[attribute][category]`: rate multiplier.
    pub multipliers: Vec<Vec<f64>>,
    /// Sources that observe it, with their base capture probability.
    pub observers: Vec<Observer>,
    /// Score points of one record of this type.
    pub points: i64,
    /// Days a record counts for (None: forever).
    pub expiry_days: Option<u32>,
    /// Lists that one record of this type puts a person on.
    pub lists_triggered: Vec<usize>,
    /// Deterrence after a sanctioned or listed record, if any.
    pub deterrence: Option<Deterrence>,
}

impl Behaviour {
    /// Whether its records are adverse: they deduct points or put people on lists
    /// (the records that can be appealed or repaired).
    pub fn adverse(&self) -> bool {
        self.points < 0 || !self.lists_triggered.is_empty()
    }
}

/// Deterrence of one behaviour.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Deterrence {
    /// Factor on the rate while deterred, in [0, 1].
    pub factor: f64,
    /// Days it lasts after each sanctioned or listed record.
    pub days: u32,
}

/// Checks the domain names (1 to [`MAX_DOMAINS`], unique); returns their index by name.
pub(crate) fn domains(ck: &mut Checker<'_>, domains: &[String]) -> HashMap<String, usize> {
    let dpath = FieldPath::keys(&["domains"]);
    let mut domain_index = HashMap::new();
    if domains.is_empty() || domains.len() > MAX_DOMAINS {
        ck.fail(dpath.clone(), format!("declare 1 to {MAX_DOMAINS} domains"));
    }
    for (i, d) in domains.iter().enumerate() {
        if d.is_empty() || domain_index.insert(d.clone(), i).is_some() {
            ck.fail(
                dpath.index(i),
                format!("domain `{d}` is empty or declared twice"),
            );
        }
    }
    domain_index
}

/// Checks the behaviours and compiles them, with no observers, points or lists yet
/// (the sources, records and lists sections fold those in); returns them and their
/// index by id.
pub(crate) fn compile(
    ck: &mut Checker<'_>,
    behaviours: &[raw::Behaviour],
    domain_index: &HashMap<String, usize>,
    attributes: &Attributes<'_>,
    groups: &HashMap<String, (usize, f64)>,
) -> (Vec<Behaviour>, HashMap<String, usize>) {
    let bpath = FieldPath::keys(&["behaviours"]);
    if behaviours.is_empty() {
        ck.fail(
            bpath.clone(),
            "declare at least one behaviour ([[behaviours]])",
        );
    }
    if behaviours.len() > u16::MAX as usize {
        ck.fail(bpath.clone(), "at most 65535 behaviours");
    }
    let behaviour_index = ck.ids(
        &bpath,
        "behaviour",
        behaviours.iter().map(|b| b.id.as_str()),
    );
    let mut out = Vec::new();
    for (i, b) in behaviours.iter().enumerate() {
        let p = bpath.index(i);
        let domain = ck.lookup(p.key("domain"), "domain", domain_index, &b.domain);
        let rate = ck.non_negative(p.key("rate_per_year"), "rate", b.rate_per_year);
        let own_shape = b
            .heterogeneity_shape
            .map(|k| ck.positive(p.key("heterogeneity_shape"), "Gamma shape", k));
        let group = b.propensity.as_ref().and_then(|g| {
            let path = p.key("propensity");
            if b.heterogeneity_shape.is_some() {
                ck.fail(
                    path.clone(),
                    "give a behaviour either its own `heterogeneity_shape` or a `propensity` group, not both",
                );
            }
            let found = groups.get(g).copied();
            if found.is_none() {
                let mut known: Vec<&str> = groups.keys().map(String::as_str).collect();
                known.sort_unstable();
                ck.fail(
                    path,
                    format!(
                        "unknown propensity group `{g}` (defined in population.propensity_groups: {})",
                        if known.is_empty() { "none".to_string() } else { known.join(", ") }
                    ),
                );
            }
            found
        });
        let multipliers =
            attributes.multipliers(ck, &p.key("rate_multipliers"), &b.rate_multipliers);
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
        out.push(Behaviour {
            id: b.id.clone(),
            domain,
            rate_per_day: rate / DAYS_PER_YEAR,
            protected: b.protected,
            own_shape,
            group,
            gravity: 0.0,
            multipliers,
            observers: Vec::new(),
            points: 0,
            expiry_days: None,
            lists_triggered: Vec::new(),
            deterrence,
        });
    }
    (out, behaviour_index)
}

/// Checks that only behaviours with adverse records have deterrence (it follows
/// sanctioned or listed records); call it once records and lists are folded in.
pub(crate) fn check_deterrence(ck: &mut Checker<'_>, behaviours: &[Behaviour]) {
    let bpath = FieldPath::keys(&["behaviours"]);
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
}

/// The largest product of a behaviour's rate multipliers over the categories of every
/// attribute (the rate of the person it multiplies most, before heterogeneity).
pub fn largest_multiplier(b: &Behaviour) -> f64 {
    b.multipliers
        .iter()
        .map(|m| m.iter().copied().fold(0.0, f64::max))
        .product()
}

/// Checks that the events a person is expected to have over the horizon (acts at the
/// largest rate multipliers, the records sources capture of them, false records) fit the
/// engine's event numbering ([`MAX_EVENTS_PER_PERSON`]); the problem is placed at the
/// rate contributing most. Call it once sources are folded in.
pub(crate) fn check_event_budget(
    ck: &mut Checker<'_>,
    (raw_behaviours, behaviours): (&[raw::Behaviour], &[Behaviour]),
    raw_sources: &[super::sources::raw::Source],
    days: u32,
) {
    let finite = |x: f64| if x.is_finite() && x > 0.0 { x } else { 0.0 };
    let years = days as f64 / DAYS_PER_YEAR;
    // (field, its value per year, events per person per unit of it, what, note)
    let mut parts: Vec<(FieldPath, f64, f64, &str, String)> = Vec::new();
    for (i, (raw, b)) in raw_behaviours.iter().zip(behaviours).enumerate() {
        let captured: f64 = b.observers.iter().map(|o| finite(o.capture)).sum();
        let mult = largest_multiplier(b);
        let note = if mult != 1.0 {
            format!("; this behaviour at its largest rate multiplier, {mult}")
        } else {
            String::new()
        };
        parts.push((
            FieldPath::keys(&["behaviours"])
                .index(i)
                .key("rate_per_year"),
            finite(raw.rate_per_year),
            finite(mult * (1.0 + captured) * years),
            "rate",
            note,
        ));
    }
    for (j, src) in raw_sources.iter().enumerate() {
        // At most the largest product of the category multipliers (unnamed categories: 1).
        let mult: f64 = src
            .false_record_multipliers
            .values()
            .map(|cats| cats.values().copied().map(finite).fold(1.0, f64::max))
            .product();
        let note = if mult != 1.0 {
            format!("; this source at its largest false-record multiplier, {mult}")
        } else {
            String::new()
        };
        parts.push((
            FieldPath::keys(&["sources"])
                .index(j)
                .key("false_records_per_year"),
            finite(src.false_records_per_year),
            (mult * years).min(f64::MAX),
            "false-record rate",
            note,
        ));
    }
    let total: f64 = parts.iter().map(|p| p.1 * p.2).sum();
    if total <= MAX_EVENTS_PER_PERSON {
        return;
    }
    let Some((path, value, per_unit, what, note)) = parts
        .iter()
        .max_by(|a, b| (a.1 * a.2).total_cmp(&(b.1 * b.2)))
    else {
        return;
    };
    let others = total - value * per_unit;
    let allowed = ((MAX_EVENTS_PER_PERSON - others) / per_unit).max(0.0);
    ck.fail(
        path.clone(),
        format!(
            "{what} {} per year is not allowed over {days} days: the scenario expects about \
             {total:.3e} events per person (acts, the records captured of them, false records{note}), \
             but the engine numbers a chunk's events in 32 bits, which allows at most {} per person \
             in a chunk of up to {MAX_CHUNK_PERSONS} persons; here this {what} may be at most {} per year \
             (or shorten the horizon)",
            show(*value),
            MAX_EVENTS_PER_PERSON.floor(),
            format_allowed(allowed),
        ),
    );
}

/// A bound for a message: 3 significant digits, rounded down.
pub(crate) fn format_allowed(x: f64) -> String {
    if x.is_nan() || x <= 0.0 {
        return "0".into();
    }
    let digits = x.log10().floor() as i32 - 2;
    let scale = 10f64.powi(digits);
    let v = (x / scale).floor() * scale;
    if (1.0..1e15).contains(&v) {
        format!("{}", v.round() as u64)
    } else {
        format!("{v:.3e}")
    }
}

/// Each behaviour's gravity: as given, else |points| of its record type when they are
/// deducted, 1 for a type that triggers a list without deducting, 0 for protected
/// conduct and for conduct the regime rewards or ignores (called once the
/// records and lists sections have folded in points and list triggers).
pub(crate) fn gravity(ck: &mut Checker<'_>, raw: &[raw::Behaviour], behaviours: &mut [Behaviour]) {
    let bpath = FieldPath::keys(&["behaviours"]);
    for (i, (r, b)) in raw.iter().zip(behaviours.iter_mut()).enumerate() {
        b.gravity = match r.gravity {
            Some(g) => ck.non_negative(bpath.index(i).key("gravity"), "gravity", g),
            None if b.protected => 0.0,
            None if b.points < 0 => b.points.unsigned_abs() as f64,
            None if !b.lists_triggered.is_empty() => 1.0,
            None => 0.0,
        };
    }
}
