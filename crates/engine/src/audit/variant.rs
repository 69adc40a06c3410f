//! The counterfactual variants: one mechanism switched off, everything else (and every
//! random number) unchanged.

use credsim_model::Model;

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
}

impl Variant {
    /// The counterfactual variants that differ from the factual run for a model.
    pub fn applicable(model: &Model) -> Vec<Variant> {
        let mut v = Vec::new();
        if model
            .sources
            .iter()
            .any(|s| s.false_rate_per_day > 0.0 || s.misattribution > 0.0)
        {
            v.push(Variant::NoErrors);
        }
        if model.scrutiny.is_some() {
            v.push(Variant::NoScrutiny);
        }
        if model
            .sources
            .iter()
            .any(|s| s.capture_multipliers.iter().flatten().any(|&m| m != 1.0))
        {
            v.push(Variant::EqualCapture);
        }
        if model.behaviours.iter().any(|b| b.protected) {
            v.push(Variant::NoProtected);
        }
        let errors = v.contains(&Variant::NoErrors);
        if model.appeals.is_some() || model.repair.is_some() {
            v.push(Variant::NoAppeals);
            if errors {
                v.push(Variant::NoAppealsNoErrors);
            }
        }
        if model.appeals.is_some() {
            v.push(Variant::InstantAppeals);
            if errors {
                v.push(Variant::InstantAppealsNoErrors);
            }
        }
        if model.chilling.is_some() || model.behaviours.iter().any(|b| b.deterrence.is_some()) {
            v.push(Variant::NoResponses);
        }
        if model.lists.iter().any(|l| l.contacts.is_some()) {
            v.push(Variant::NoAssociation);
        }
        v
    }

    /// Data errors (false records, misattribution) happen.
    pub fn errors(self) -> bool {
        !matches!(
            self,
            Variant::NoErrors | Variant::NoAppealsNoErrors | Variant::InstantAppealsNoErrors
        )
    }

    /// Appeals and repair happen.
    pub fn appeals(self) -> bool {
        !matches!(self, Variant::NoAppeals | Variant::NoAppealsNoErrors)
    }

    /// Reviews start when filed, without a queue.
    pub fn instant_appeals(self) -> bool {
        matches!(
            self,
            Variant::InstantAppeals | Variant::InstantAppealsNoErrors
        )
    }

    /// Name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Factual => "factual",
            Variant::NoErrors => "no_errors",
            Variant::NoScrutiny => "no_scrutiny",
            Variant::EqualCapture => "equal_capture",
            Variant::NoProtected => "no_protected",
            Variant::NoAppeals => "no_appeals",
            Variant::NoAppealsNoErrors => "no_appeals_no_errors",
            Variant::InstantAppeals => "instant_appeals",
            Variant::InstantAppealsNoErrors => "instant_appeals_no_errors",
            Variant::NoResponses => "no_responses",
            Variant::NoAssociation => "no_association",
        }
    }
}
