//! The read-only context of one run (the factual run or one counterfactual): the
//! model, the mechanisms in effect, keys, layout and every table derived from the model
//! once, shared by all chunks.

use super::*;

/// Read-only context shared by all chunks.
pub(super) struct Ctx<'m> {
    pub(super) model: &'m Model,
    /// Which mechanism is switched off (Factual: none).
    pub(super) variant: Variant,
    /// Factual run: count everything (variants skip rewards, attempts and time series).
    pub(super) full: bool,
    /// Scrutiny in effect (None in the no-scrutiny counterfactual).
    pub(super) scrutiny: Option<&'m credsim_model::Scrutiny>,
    /// `capture_levels[l][source]`: the multiplier that replaces everyone's when
    /// capture is equalised at level l (`Variant::capture_level`): 0 the population
    /// mean, j + 1 the mean of category level j.
    pub(super) capture_levels: Vec<Vec<f64>>,
    /// This run's capture level (None: capture by the person's attributes).
    pub(super) capture_level: Option<usize>,
    /// The counterfactual variants of this model, each as (capture level, scrutiny in
    /// effect), in `Variant::applicable` order: bit v of an act's replay mask is
    /// variant v.
    pub(super) replay_variants: Vec<(Option<usize>, bool)>,
    /// This run's bit in replay masks (counterfactuals; 0 for the factual run).
    pub(super) replay_bit: u16,
    /// Keep a log of every record (factual run, records table).
    pub(super) log_records: bool,
    pub(super) keys: Keys,
    /// The firms' role spells, sorted by person (factual run with `[firms.roles]`).
    pub(super) roles: Option<&'m [crate::firms::RoleInterval]>,
    pub(super) layout: Layout,
    /// Lists with a score/grade condition.
    pub(super) condition_lists: Vec<usize>,
    /// Expected false records of each source over the horizon, per person.
    pub(super) false_per_person: Vec<f64>,
    /// Each service's attempt process (the same for every person).
    pub(super) attempts: Vec<AttemptProcess>,
    /// The (service, kind) pairs some treatment can hold: one hold slot per person each.
    pub(super) slots: Vec<(usize, TreatmentKind)>,
    /// `slot_of[service][kind]`: the slot of a pair.
    pub(super) slot_of: Vec<[usize; 2]>,
    /// Some treatment has scope `own` (its application depends on the causes of a
    /// status, not only on the status).
    pub(super) any_own_scope: bool,
    /// Stride of the per-person counts of active scored records by domain (the number
    /// of domains, or 0 without a score).
    pub(super) scored_stride: usize,
    /// Data errors happen (off in the no-errors counterfactuals).
    pub(super) errors: bool,
    /// Appeals in effect.
    pub(super) appeals: Option<&'m AppealRules>,
    /// Reviews start when filed (no queue).
    pub(super) instant_appeals: bool,
    /// Credit repair in effect.
    pub(super) repair: Option<&'m RepairRules>,
    /// Adverse records are kept one by one (appeals, repair or attacks may remove them).
    pub(super) track_records: bool,
    /// Attacks on the record store happen (off in the no-attacks counterfactual).
    pub(super) attacks: bool,
    /// Per defence (`credsim_model::Defence` order), the days it checks the store.
    pub(super) check_days: Vec<Vec<u32>>,
    /// Services a sanction can restrict and people attempt: where a person holding a
    /// tampered record meets a sanction and may complain.
    pub(super) complaint_services: Vec<usize>,
    /// Per behaviour, its deterrence slot (`usize::MAX`: none; none at all when
    /// responses are off).
    pub(super) deterrence_slot: Vec<usize>,
    /// Number of deterrence slots per person.
    pub(super) deterrence_slots: usize,
    /// Chilling in effect.
    pub(super) chilling: Option<&'m ChillingRules>,
    /// Categories the chilling response is computed for (1 without an attribute).
    pub(super) chill_categories: usize,
    /// Per behaviour: 0 a violation (unprotected, adverse records), 1 protected
    /// conduct, 2 neither (counted apart for the responses' audit).
    pub(super) act_class: Vec<u8>,
    /// Statuses watched by contacts triggers: bit w of a watch mask is `watched[w]`.
    pub(super) watched: Vec<Status>,
    /// Contacts triggers in effect: (list, watched index, at least).
    pub(super) contact_lists: Vec<(usize, usize, u32)>,
    /// The model couples chunks (epoch-major schedule; chunk state is cold each period).
    pub(super) coupled: bool,
    /// Bit t set when treatment t is a sanction.
    pub(super) sanction_treatments: u32,
    /// The shape of the run's tally (`Tally::shape_list`), to reuse spare tallies.
    pub(super) tally_shape: Vec<usize>,
    /// Derive day 0 once per chunk when it is everyone's (off only to test that it
    /// equals deriving it person by person).
    pub(super) day0_template: bool,
    /// Treatments by trigger and kind, as bit sets.
    pub(super) triggered: Triggered,
    /// The dated treatments and lists, and the days they start or stop.
    pub(super) dated: Dated,
    /// "Ever" bits of the audit's outcomes: sanctioned, any list, the lowest grade.
    pub(super) outcome_bits: (u32, u32, u32),
    /// The factual run notes the acts equal capture would decide otherwise (the
    /// model has the equal-capture counterfactual).
    pub(super) equal_capture_audited: bool,
    /// Behaviour rates before the person's multiplier, per combination of attribute
    /// categories (None when a behaviour has its own multiplier, or combinations are
    /// too many).
    pub(super) rate_table: Option<RateTable>,
}

/// The model's treatments as bit sets (bit t: treatment t), for finding the treatments
/// a status change can start or stop without visiting all of them.
pub(super) struct Triggered {
    /// Per grade, the treatments it triggers.
    pub(super) by_grade: Vec<u32>,
    /// Per list, the treatments it triggers.
    pub(super) by_list: Vec<u32>,
    /// Treatments of scope `all` and of scope `own`.
    pub(super) scope_all: u32,
    pub(super) scope_own: u32,
    /// Rewards.
    pub(super) rewards: u32,
}

impl Triggered {
    /// `own_scope`: every treatment read as scope `own` (the own-scope counterfactual).
    pub(super) fn of(model: &Model, own_scope: bool) -> Triggered {
        let grades = model.score.as_ref().map_or(0, |s| s.grades.len());
        let mut t = Triggered {
            by_grade: vec![0; grades],
            by_list: vec![0; model.lists.len()],
            scope_all: 0,
            scope_own: 0,
            rewards: 0,
        };
        for (x, tr) in model.treatments.iter().enumerate() {
            let bit = 1u32 << x;
            match tr.trigger {
                Status::Grade(g) => t.by_grade[g] |= bit,
                Status::List(l) => t.by_list[l] |= bit,
            }
            match (tr.scope, own_scope) {
                (Scope::All, false) => t.scope_all |= bit,
                (Scope::Own, _) | (_, true) => t.scope_own |= bit,
            }
            if tr.kind == TreatmentKind::Reward {
                t.rewards |= bit;
            }
        }
        t
    }
}

/// `rates[combination × behaviours + b]`: behaviour b's base rate times its attribute
/// multipliers, multiplied in attribute order as `population::behaviour_rates` does, so
/// rates from the table are bit-identical to rates computed per person.
pub(super) struct RateTable {
    /// Combination index = Σ category × stride.
    pub(super) strides: Vec<usize>,
    pub(super) rates: Vec<f64>,
}

impl RateTable {
    /// Most attribute combinations tabulated.
    const MAX_COMBINATIONS: usize = 4096;

    pub(super) fn new(model: &Model) -> Option<RateTable> {
        if model
            .behaviours
            .iter()
            .any(|b| b.own_shape.is_some() || b.group.is_some())
        {
            return None;
        }
        let sizes: Vec<usize> = model
            .attributes
            .iter()
            .map(|a| a.categories.values.len())
            .collect();
        let combinations = sizes
            .iter()
            .try_fold(1usize, |acc, &n| acc.checked_mul(n))
            .filter(|&c| c <= Self::MAX_COMBINATIONS)?;
        let mut strides = vec![1; sizes.len()];
        for x in (0..sizes.len().saturating_sub(1)).rev() {
            strides[x] = strides[x + 1] * sizes[x + 1];
        }
        let mut rates = Vec::with_capacity(combinations * model.behaviours.len());
        for combo in 0..combinations {
            for beh in &model.behaviours {
                let mut r = beh.rate_per_day;
                for (x, &stride) in strides.iter().enumerate() {
                    r *= beh.multipliers[x][combo / stride % sizes[x]];
                }
                rates.push(r);
            }
        }
        Some(RateTable { strides, rates })
    }
}

impl<'m> Ctx<'m> {
    pub(super) fn new(model: &'m Model, variant: Variant) -> Self {
        let slots = hold_slots(model);
        let mut ctx = Ctx {
            model,
            variant,
            full: variant == Variant::Factual,
            scrutiny: model.scrutiny.as_ref().filter(|_| variant.spec().scrutiny),
            capture_levels: capture_levels(model),
            capture_level: variant.capture_level(),
            log_records: false,
            replay_variants: Variant::applicable(model)
                .iter()
                .map(|&v| (v.capture_level(), v.spec().scrutiny))
                .collect(),
            replay_bit: Variant::applicable(model)
                .iter()
                .position(|&v| v == variant)
                .map_or(0, |p| 1 << p),
            keys: Keys::new(model.seed),
            roles: None,
            false_per_person: model
                .sources
                .iter()
                .map(|s| s.false_rate_per_day * model.days as f64)
                .collect(),
            attempts: model
                .services
                .iter()
                .map(|s| AttemptProcess::new(s.attempts_per_day, model.days))
                .collect(),
            slots: slots.clone(),
            slot_of: slot_index(model, &slots),
            layout: Layout::of(model),
            condition_lists: (0..model.lists.len())
                .filter(|&l| model.lists[l].has_condition())
                .collect(),
            any_own_scope: variant.spec().own_scope
                || model.treatments.iter().any(|t| t.scope == Scope::Own),
            scored_stride: if model.score.is_some() {
                model.domains.len()
            } else {
                0
            },
            errors: variant.errors(),
            appeals: model.appeals.as_ref().filter(|_| variant.appeals()),
            instant_appeals: variant.instant_appeals(),
            repair: model.repair.as_ref().filter(|_| variant.appeals()),
            track_records: ((model.appeals.is_some() || model.repair.is_some())
                && variant.appeals())
                || (!model.attacks.is_empty() && variant.spec().attacks),
            attacks: !model.attacks.is_empty() && variant.spec().attacks,
            check_days: credsim_model::Defence::ALL
                .iter()
                .map(|&d| model.check_days(d))
                .collect(),
            complaint_services: complaint_services(model, &slots),
            deterrence_slot: deterrence_slots(model, variant),
            deterrence_slots: if !variant.spec().responses {
                0
            } else {
                model
                    .behaviours
                    .iter()
                    .filter(|b| b.deterrence.is_some())
                    .count()
            },
            chilling: model.chilling.as_ref().filter(|_| variant.spec().responses),
            chill_categories: model
                .chilling
                .as_ref()
                .and_then(|c| c.attribute)
                .map_or(1, |a| model.attributes[a].categories.values.len()),
            act_class: model.behaviours.iter().map(act_class).collect(),
            watched: watched_statuses(model, variant),
            contact_lists: Vec::new(),
            coupled: model.coupled(),
            rate_table: RateTable::new(model),
            day0_template: true,
            tally_shape: Tally::new(model).shape_list(),
            triggered: Triggered::of(model, variant.spec().own_scope),
            dated: Dated::of(model),
            equal_capture_audited: variant == Variant::Factual
                && Variant::applicable(model)
                    .iter()
                    .any(|v| v.capture_level().is_some()),
            outcome_bits: outcome_bits(model),
            sanction_treatments: model
                .treatments
                .iter()
                .enumerate()
                .filter(|(_, t)| t.kind == TreatmentKind::Sanction)
                .fold(0, |m, (t, _)| m | 1 << t),
        };
        ctx.contact_lists = model
            .lists
            .iter()
            .enumerate()
            .filter_map(|(l, list)| {
                let c = list.contacts.as_ref()?;
                let w = ctx.watched.iter().position(|&s| s == c.status)?;
                Some((l, w, c.at_least))
            })
            .collect();
        ctx
    }

    /// The contexts of the audit's counterfactual runs (none without the audit).
    pub(super) fn counterfactuals(model: &'m Model, audit: bool) -> Vec<Ctx<'m>> {
        if !audit {
            return Vec::new();
        }
        Variant::applicable(model)
            .into_iter()
            .map(|v| Ctx::new(model, v))
            .collect()
    }

    /// The sizes of this run's per-person arrays (`draws_acts`: the run draws its own
    /// acts rather than replaying the factual run's).
    pub(super) fn dims(&self, draws_acts: bool) -> crate::per_person::Dims {
        let m = self.model;
        crate::per_person::Dims {
            attributes: m.attributes.len(),
            lists: m.lists.len(),
            scored: self.scored_stride,
            domains: m.domains.len(),
            slots: self.slots.len(),
            treatments: m.treatments.len(),
            deterrence: self.deterrence_slots,
            factual: self.full,
            draws_acts,
            keeps_records: self.track_records,
            chilling: self.chilling.is_some(),
            watched: !self.watched.is_empty(),
            contacts: !self.contact_lists.is_empty(),
            graded: m.grading.is_some(),
        }
    }

    /// The chilling category of a person with these attributes.
    pub(super) fn chill_category(&self, attrs: &[u8]) -> usize {
        self.chilling
            .and_then(|c| c.attribute)
            .map_or(0, |a| attrs[a] as usize)
    }
}

/// The capture levels of the equal-capture counterfactuals, per source: first the
/// population mean of its capture multiplier (the equal-capture variant's level), then
/// for each level (x, c) of `capture_level_categories` the mean among persons of
/// category c of x. Attributes are drawn independently, so the mean of the product is
/// the product of the means, with x's factor fixed at c's multiplier (so a single
/// attribute's level is exactly that category's multiplier). Means are over the scored
/// categories (`population.scored`): the unscored are never captured.
pub(super) fn capture_levels(model: &Model) -> Vec<Vec<f64>> {
    let level = |fixed: Option<(usize, usize)>| -> Vec<f64> {
        model
            .sources
            .iter()
            .map(|src| {
                model
                    .attributes
                    .iter()
                    .zip(&src.capture_multipliers)
                    .enumerate()
                    .map(|(x, (a, m))| match fixed {
                        Some((fx, c)) if fx == x => m[c],
                        // The mean over the persons the regime scores (only their
                        // acts are captured): shares of unscored categories left out.
                        _ => {
                            let scored =
                                |c: usize| model.scored.allowed.get(x).is_none_or(|v| v[c]);
                            let shares = a.categories.shares.iter().enumerate();
                            let total: f64 = shares
                                .clone()
                                .filter(|&(c, _)| scored(c))
                                .map(|(_, s)| s)
                                .sum();
                            let mean: f64 = shares
                                .filter(|&(c, _)| scored(c))
                                .map(|(c, s)| s * m[c])
                                .sum();
                            let everyone = (0..m.len()).all(scored);
                            match everyone {
                                true => mean,
                                false if total > 0.0 => mean / total,
                                false => 1.0,
                            }
                        }
                    })
                    .product()
            })
            .collect()
    };
    std::iter::once(level(None))
        .chain(
            crate::audit::capture_level_categories(model)
                .into_iter()
                .map(|xc| level(Some(xc))),
        )
        .collect()
}

/// Services some sanction restricts and people attempt (none without attacks).
fn complaint_services(model: &Model, slots: &[(usize, TreatmentKind)]) -> Vec<usize> {
    if model.attacks.is_empty() {
        return Vec::new();
    }
    (0..model.services.len())
        .filter(|&s| {
            slots.contains(&(s, TreatmentKind::Sanction))
                && model.services[s].attempts_per_day > 0.0
        })
        .collect()
}

/// The (service, kind) pairs some treatment can hold, in order of first appearance:
/// one hold slot per person each.
fn hold_slots(model: &Model) -> Vec<(usize, TreatmentKind)> {
    let mut slots: Vec<(usize, TreatmentKind)> = Vec::new();
    for t in &model.treatments {
        if !slots.contains(&(t.service, t.kind)) {
            slots.push((t.service, t.kind));
        }
    }
    slots
}

/// `[service][kind]`: the hold slot of a pair (`usize::MAX`: none).
fn slot_index(model: &Model, slots: &[(usize, TreatmentKind)]) -> Vec<[usize; 2]> {
    (0..model.services.len())
        .map(|sv| {
            [TreatmentKind::Sanction, TreatmentKind::Reward].map(|k| {
                slots
                    .iter()
                    .position(|&x| x == (sv, k))
                    .unwrap_or(usize::MAX)
            })
        })
        .collect()
}

/// Per behaviour, its deterrence slot (`usize::MAX`: none; none at all when responses
/// are off).
fn deterrence_slots(model: &Model, variant: Variant) -> Vec<usize> {
    let mut next = 0;
    model
        .behaviours
        .iter()
        .map(|b| {
            if b.deterrence.is_some() && variant.spec().responses {
                next += 1;
                next - 1
            } else {
                usize::MAX
            }
        })
        .collect()
}

/// 0 a violation (unprotected, adverse records), 1 protected conduct, 2 neither.
fn act_class(b: &credsim_model::Behaviour) -> u8 {
    if b.protected {
        1
    } else if b.adverse() {
        0
    } else {
        2
    }
}

/// The statuses contacts triggers watch (none without association).
fn watched_statuses(model: &Model, variant: Variant) -> Vec<Status> {
    let mut w: Vec<Status> = Vec::new();
    for l in &model.lists {
        if let Some(c) = &l.contacts
            && !w.contains(&c.status)
            && variant.spec().association
        {
            w.push(c.status);
        }
    }
    w
}

/// "Ever" bits of the audit's outcomes: sanctioned, any list, the lowest grade.
fn outcome_bits(model: &Model) -> (u32, u32, u32) {
    let lay = Layout::of(model);
    let listed = (0..model.lists.len()).fold(0, |m, l| m | 1 << lay.ever_list(l));
    let lowest = model
        .score
        .as_ref()
        .and_then(|s| s.lowest_grade())
        .map_or(0, |g| 1 << lay.ever_grade(g));
    (1 << lay.ever_sanctioned(), listed, lowest)
}
