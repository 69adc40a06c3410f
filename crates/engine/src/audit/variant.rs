//! The counterfactual variants: one mechanism switched off, everything else (and every
//! random number) unchanged.

use credsim_model::{Model, Scope, TreatmentKind};

/// One mechanism switched off, everything else (and every random number) unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The regime as specified.
    Factual,
    /// No false records, no misattribution (every captured record lands on its actor).
    NoErrors,
    /// No heightened scrutiny.
    NoScrutiny,
    /// Every source's capture multipliers replaced by their population mean, so each
    /// person is watched as much as the average person.
    EqualCapture,
    /// Records of protected conduct are never filed.
    NoProtected,
    /// No appeals and no credit repair.
    NoAppeals,
    /// No appeals, no repair and no data errors (the error-free baseline of `NoAppeals`).
    NoAppealsNoErrors,
    /// Appeals reviewed without queueing: every review starts on the day it is filed.
    InstantAppeals,
    /// The error-free baseline of `InstantAppeals`.
    InstantAppealsNoErrors,
    /// No deterrence and no chilling: people act as if the regime did nothing to them.
    NoResponses,
    /// Contacts triggers never list anyone.
    NoAssociation,
    /// Every treatment has scope `own`: a sanction applies only while a record from its
    /// service's domain lies behind the status (no joint punishment across domains).
    OwnScope,
    /// No attack on the record store (`[[attacks]]`): the store as the sources filed it.
    NoAttacks,
    /// Every source's capture multipliers replaced by the mean level of one category of
    /// an attribute that carries capture multipliers: level `j` of
    /// [`capture_level_categories`], so everyone is watched as much as that category.
    EqualCaptureAt(u8),
}

/// Counterfactuals at most (bits of an act's replay mask).
const MAX_COUNTERFACTUALS: usize = 16;

/// The (attribute, category) levels of the equal-capture-at-category counterfactuals:
/// every category of every attribute some source has a capture multiplier other than 1
/// for, in attribute and category order.
pub(crate) fn capture_level_categories(model: &Model) -> Vec<(usize, usize)> {
    (0..model.attributes.len())
        .filter(|&x| carries_capture(model, x))
        .flat_map(|x| (0..model.attributes[x].categories.values.len()).map(move |c| (x, c)))
        .collect()
}

/// Some source has a capture multiplier other than 1 for a category of attribute `x`.
pub fn carries_capture(model: &Model, x: usize) -> bool {
    model
        .sources
        .iter()
        .any(|s| s.capture_multipliers[x].iter().any(|&m| m != 1.0))
}

/// The households a counterfactual can differ in: those the factual run marked as
/// reached by its mechanism (restricted counterfactuals, chunk-major schedule only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// An erroneous record was filed on a member, or one of theirs misattributed.
    Errors,
    /// A record of protected conduct was filed on a member.
    Protected,
    /// A member came under heightened scrutiny.
    Scrutiny,
    /// Equal capture would have decided one of a member's acts otherwise.
    Capture,
    /// An attack inserted or deleted a member's record.
    Tamper,
}

/// One counterfactual: what it switches off, where it can differ, and when a model has it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    /// The variant.
    pub variant: Variant,
    /// Name in outputs.
    pub name: &'static str,
    /// Data errors (false records, misattribution) happen.
    pub errors: bool,
    /// Appeals and repair happen.
    pub appeals: bool,
    /// Reviews start when filed, without a queue.
    pub instant_appeals: bool,
    /// Heightened scrutiny is in effect.
    pub scrutiny: bool,
    /// Deterrence and chilling are in effect.
    pub responses: bool,
    /// Contacts triggers are in effect.
    pub association: bool,
    /// Records of protected conduct are filed.
    pub protected_filed: bool,
    /// Capture multipliers are replaced by their population mean.
    pub equal_capture: bool,
    /// Every treatment is read as scope `own` (household spill-over unchanged).
    pub own_scope: bool,
    /// Attacks on the record store happen.
    pub attacks: bool,
    /// Where it can differ from the factual run (None: anywhere).
    pub reach: Option<Reach>,
    /// Whether a model has the mechanism, so that the counterfactual is run.
    pub applies: fn(&Model) -> bool,
}

/// The regime as specified: nothing switched off.
const FACTUAL: Spec = Spec {
    variant: Variant::Factual,
    name: "factual",
    errors: true,
    appeals: true,
    instant_appeals: false,
    scrutiny: true,
    responses: true,
    association: true,
    protected_filed: true,
    equal_capture: false,
    own_scope: false,
    attacks: true,
    reach: None,
    applies: |_| false,
};

fn has_errors(m: &Model) -> bool {
    m.sources
        .iter()
        .any(|s| s.false_rate_per_day > 0.0 || s.misattribution > 0.0)
}

fn has_appeals_or_repair(m: &Model) -> bool {
    m.appeals.is_some() || m.repair.is_some()
}

/// Every variant, in [`Variant`] order (which is the order of the audit's runs and of
/// the bits of replay masks): the one table of what each counterfactual switches off.
const SPECS: [Spec; 14] = [
    FACTUAL,
    Spec {
        variant: Variant::NoErrors,
        name: "no_errors",
        errors: false,
        reach: Some(Reach::Errors),
        applies: has_errors,
        ..FACTUAL
    },
    Spec {
        variant: Variant::NoScrutiny,
        name: "no_scrutiny",
        scrutiny: false,
        reach: Some(Reach::Scrutiny),
        applies: |m| m.scrutiny.is_some(),
        ..FACTUAL
    },
    Spec {
        variant: Variant::EqualCapture,
        name: "equal_capture",
        equal_capture: true,
        reach: Some(Reach::Capture),
        applies: |m| {
            m.sources
                .iter()
                .any(|s| s.capture_multipliers.iter().flatten().any(|&x| x != 1.0))
        },
        ..FACTUAL
    },
    Spec {
        variant: Variant::NoProtected,
        name: "no_protected",
        protected_filed: false,
        reach: Some(Reach::Protected),
        applies: |m| m.behaviours.iter().any(|b| b.protected),
        ..FACTUAL
    },
    Spec {
        variant: Variant::NoAppeals,
        name: "no_appeals",
        appeals: false,
        applies: has_appeals_or_repair,
        ..FACTUAL
    },
    Spec {
        variant: Variant::NoAppealsNoErrors,
        name: "no_appeals_no_errors",
        appeals: false,
        errors: false,
        applies: |m| has_appeals_or_repair(m) && has_errors(m),
        ..FACTUAL
    },
    Spec {
        variant: Variant::InstantAppeals,
        name: "instant_appeals",
        instant_appeals: true,
        applies: |m| m.appeals.is_some(),
        ..FACTUAL
    },
    Spec {
        variant: Variant::InstantAppealsNoErrors,
        name: "instant_appeals_no_errors",
        instant_appeals: true,
        errors: false,
        applies: |m| m.appeals.is_some() && has_errors(m),
        ..FACTUAL
    },
    Spec {
        variant: Variant::NoResponses,
        name: "no_responses",
        responses: false,
        applies: |m| m.chilling.is_some() || m.behaviours.iter().any(|b| b.deterrence.is_some()),
        ..FACTUAL
    },
    Spec {
        variant: Variant::NoAssociation,
        name: "no_association",
        association: false,
        applies: |m| m.lists.iter().any(|l| l.contacts.is_some()),
        ..FACTUAL
    },
    // Unrestricted (reach None): a sanction that began in context can lose its
    // own-domain record mid-spell, so no factual mark tells which households differ.
    Spec {
        variant: Variant::OwnScope,
        name: "own_scope",
        own_scope: true,
        applies: |m| {
            m.treatments
                .iter()
                .any(|t| t.kind == TreatmentKind::Sanction && t.scope == Scope::All)
        },
        ..FACTUAL
    },
    Spec {
        variant: Variant::NoAttacks,
        name: "no_attacks",
        attacks: false,
        reach: Some(Reach::Tamper),
        applies: |m| !m.attacks.is_empty(),
        ..FACTUAL
    },
    Spec {
        variant: Variant::EqualCaptureAt(0),
        name: "equal_capture_at",
        equal_capture: true,
        reach: Some(Reach::Capture),
        applies: |m| !capture_level_categories(m).is_empty(),
        ..FACTUAL
    },
];

impl Variant {
    /// What this variant switches off.
    #[inline]
    pub(crate) fn spec(self) -> &'static Spec {
        &SPECS[self.row()]
    }

    /// Its row in [`SPECS`].
    pub(crate) fn row(self) -> usize {
        match self {
            Variant::Factual => 0,
            Variant::NoErrors => 1,
            Variant::NoScrutiny => 2,
            Variant::EqualCapture => 3,
            Variant::NoProtected => 4,
            Variant::NoAppeals => 5,
            Variant::NoAppealsNoErrors => 6,
            Variant::InstantAppeals => 7,
            Variant::InstantAppealsNoErrors => 8,
            Variant::NoResponses => 9,
            Variant::NoAssociation => 10,
            Variant::OwnScope => 11,
            Variant::NoAttacks => 12,
            Variant::EqualCaptureAt(_) => 13,
        }
    }

    /// The counterfactual variants that differ from the factual run for a model: one
    /// per row of [`SPECS`] that applies, the equal-capture-at-category row once per
    /// level, at most 16 in all (levels beyond are not run).
    pub fn applicable(model: &Model) -> Vec<Variant> {
        let mut v: Vec<Variant> = Vec::new();
        for s in SPECS.iter().filter(|s| (s.applies)(model)) {
            match s.variant {
                Variant::EqualCaptureAt(_) => {
                    let levels = capture_level_categories(model).len();
                    let room = MAX_COUNTERFACTUALS.saturating_sub(v.len());
                    v.extend(
                        (0..levels.min(room).min(256)).map(|j| Variant::EqualCaptureAt(j as u8)),
                    );
                }
                x => v.push(x),
            }
        }
        v.truncate(MAX_COUNTERFACTUALS);
        v
    }

    /// Capture is equalised at level l of the run's capture levels: 0 the population
    /// mean, j + 1 the mean of level j of [`capture_level_categories`] (None: capture
    /// by the person's attributes).
    pub(crate) fn capture_level(self) -> Option<usize> {
        self.spec().equal_capture.then_some(match self {
            Variant::EqualCaptureAt(j) => j as usize + 1,
            _ => 0,
        })
    }

    /// Name in outputs, with the level of an equal-capture-at-category run
    /// (`equal_capture_at:region=urban`).
    pub fn label(self, model: &Model) -> String {
        match self {
            Variant::EqualCaptureAt(j) => {
                capture_level_categories(model).get(j as usize).map_or_else(
                    || self.name().to_string(),
                    |&(x, c)| {
                        let a = &model.attributes[x];
                        format!("{}:{}={}", self.name(), a.id, a.categories.values[c])
                    },
                )
            }
            _ => self.name().to_string(),
        }
    }

    /// Data errors (false records, misattribution) happen.
    pub fn errors(self) -> bool {
        self.spec().errors
    }

    /// Appeals and repair happen.
    pub fn appeals(self) -> bool {
        self.spec().appeals
    }

    /// Reviews start when filed, without a queue.
    pub fn instant_appeals(self) -> bool {
        self.spec().instant_appeals
    }

    /// Name in outputs.
    pub fn name(self) -> &'static str {
        self.spec().name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table is in `Variant` order, so `spec()` finds each variant's own row.
    #[test]
    fn specs_are_in_variant_order() {
        for (i, s) in SPECS.iter().enumerate() {
            assert_eq!(s.variant.row(), i, "{}", s.name);
        }
    }
}
