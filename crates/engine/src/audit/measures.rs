//! The measures: each section of [`Audit`] computed by one function from the audit's
//! counts, with delete-a-group jackknife standard errors. Definitions: docs/audit.md.

use super::stats::{
    censored_waits, gini, km_quantile, ratio, removed_within, top_share, with_days,
};
use super::*;
use credsim_model::{Model, Scope, Status as Trigger, TreatmentKind};
use fairness::fairness;
use impact::disparate_impact;
use indexmap::IndexMap;

mod fairness;
mod impact;
mod tampering;

/// What every measure reads: the model, the audit's counts per jackknife group and
/// their total over the whole population.
struct Counts<'a> {
    model: &'a Model,
    audit: &'a AuditTally,
    /// The jackknife's totals (the whole population's included), built once.
    jackknife: super::tally::Jackknife,
    /// Persons in all groups.
    persons: f64,
    /// The section being computed is of a mechanism that never acted: every estimate
    /// is null (not applicable).
    not_applicable: std::cell::Cell<bool>,
}

impl Counts<'_> {
    /// Every group's counts added up.
    fn all(&self) -> &GroupTally {
        &self.jackknife.all
    }

    /// The model has this counterfactual.
    fn has(&self, v: Variant) -> bool {
        self.audit.variants.contains(&v)
    }

    /// A statistic of the whole population with its jackknife standard error.
    fn est(&self, f: impl Fn(&GroupTally) -> Option<f64>) -> Estimate {
        if self.not_applicable.get() {
            return Estimate::default();
        }
        self.jackknife.estimate(f)
    }

    /// Whether the mechanism of counterfactual `v` acted anywhere in the run.
    fn status(&self, v: Variant) -> Status {
        if self.all().acted & (1 << v.row()) != 0 {
            Status::Acted
        } else {
            Status::NotTriggered
        }
    }

    /// The section of the mechanism of counterfactual `v`, its estimates null when the
    /// mechanism never acted.
    fn section<T>(&self, v: Variant, f: impl FnOnce(&Self) -> Option<T>) -> Option<T> {
        self.not_applicable
            .set(self.has(v) && self.status(v) == Status::NotTriggered);
        let out = f(self);
        self.not_applicable.set(false);
        out
    }

    /// A population total estimated from a group subset: count per person × persons
    /// (so that jackknife replicates are on the scale of the whole population).
    fn total(&self, g: &GroupTally, count: f64) -> Option<f64> {
        match g.persons {
            0 => None,
            p if p as f64 == self.persons => Some(count),
            p => Some(count / p as f64 * self.persons),
        }
    }
}

impl Audit {
    /// The published audit of a run: one function per measure, in the order of
    /// `audit.json`.
    pub fn new(model: &Model, audit: &AuditTally) -> Audit {
        let cx = Counts {
            model,
            audit,
            jackknife: super::tally::Jackknife::new(audit),
            persons: audit.groups.iter().map(|g| g.persons).sum::<u64>() as f64,
            not_applicable: std::cell::Cell::new(false),
        };
        let groups = audit.groups.iter().filter(|g| g.persons > 0).count();
        Audit {
            credsim_version: crate::VERSION.to_string(),
            scenario: model.name.clone(),
            scenario_hash: model.hash.clone(),
            seed: model.seed,
            persons: model.persons,
            counterfactuals: audit.variants.iter().map(|v| v.label(model)).collect(),
            jackknife_groups: groups,
            intervals: Intervals::for_groups(groups),
            wrongful: cx.section(Variant::NoErrors, wrongful),
            cross_context: cross_context(&cx),
            disparate_impact: disparate_impact(&cx),
            fairness: fairness(&cx),
            protected_conduct: cx.section(Variant::NoProtected, protected_conduct),
            amplification: amplification(&cx),
            household_spillover: household_spillover(&cx),
            scrutiny_feedback: cx.section(Variant::NoScrutiny, scrutiny_feedback),
            mobility: mobility(&cx),
            concentration: concentration(&cx),
            appeals: cx.section(Variant::NoAppeals, appeals),
            responses: cx.section(Variant::NoResponses, responses),
            association: cx.section(Variant::NoAssociation, association),
            disproportion: Some(disproportion(&cx)),
            tampering: tampering::tampering(&cx),
            firms: model
                .firms
                .as_ref()
                .zip(audit.firms.as_ref())
                .map(|(f, a)| crate::firms::measures::FirmAudit::new(f, a)),
            leaks: model
                .leaks
                .as_ref()
                .zip(audit.leaks.as_ref())
                .map(|(r, t)| crate::leaks::LeaksAudit::new(model, r, t)),
        }
    }
}

/// Wrongful sanctions: what the no-errors counterfactual removes.
fn wrongful(cx: &Counts<'_>) -> Option<Wrongful> {
    cx.has(Variant::NoErrors).then(|| Wrongful {
        status: cx.status(Variant::NoErrors),
        persons_wrongly_sanctioned: cx.est(|g| cx.total(g, g.no_errors.only_factual as f64)),
        share_of_sanctioned_persons: cx.est(|g| ratio(g.no_errors.only_factual, g.sanctioned)),
        person_days_wrongly_sanctioned: cx.est(|g| cx.total(g, g.no_errors.excess_days as f64)),
        gross_share_of_sanction_days: cx.est(|g| ratio(g.no_errors.excess_days, g.sanction_days)),
        net_share_of_sanction_days_caused_by_errors: cx
            .est(|g| days_removed_share(g, &g.no_errors)),
        persons_spared_by_errors: cx.est(|g| cx.total(g, g.no_errors.only_counterfactual as f64)),
        person_days_spared_by_errors: cx.est(|g| cx.total(g, g.no_errors.spared_days as f64)),
        by_path: WrongfulPath::ALL
            .iter()
            .map(|&(p, name)| {
                let k = p as usize;
                let row = WrongfulByPath {
                    persons: cx.est(|g| cx.total(g, g.wrongful_paths[k][0] as f64)),
                    person_days: cx.est(|g| cx.total(g, g.wrongful_paths[k][1] as f64)),
                };
                (name.to_string(), row)
            })
            .collect(),
        persons_wrongly_listed: cx.est(|g| cx.total(g, g.no_errors.listed_only_factual as f64)),
    })
}

/// Cross-context sanctions: applications and denied attempts outside the domain of the
/// records behind them.
///
/// Each count is split three ways: in context, cross-context, no own record. The Art.
/// 5(1)(c)(i) shares count "no own record" as cross-context (never as in context).
fn cross_context(cx: &Counts<'_>) -> CrossContext {
    // (in context, cross-context, total) of each count; no own record is the rest.
    type Parts = fn(&GroupTally) -> [u64; 3];
    let applications: Parts = |g| {
        let all = g.applications + g.household_applications;
        [g.in_applications, g.cross_applications, all]
    };
    let denied: Parts = |g| [g.denied_in_context, g.denied_cross_context, g.denied];
    let persons: Parts = |g| {
        let p = &g.persons_by_context;
        [p[0], p[1], p.iter().sum()]
    };
    let days: Parts = |g| [g.days_by_context[0], g.days_by_context[1], g.sanction_days];
    let art5 = |parts: Parts| {
        cx.est(move |g| {
            let [inside, _, all] = parts(g);
            ratio(all.saturating_sub(inside), all)
        })
    };
    let split = |parts: Parts| ContextSplit {
        total: parts(cx.all())[2],
        in_context: cx.est(move |g| ratio(parts(g)[0], parts(g)[2])),
        cross_context: cx.est(move |g| ratio(parts(g)[1], parts(g)[2])),
        no_own_record: cx.est(move |g| {
            let [inside, cross, all] = parts(g);
            ratio(all.saturating_sub(inside + cross), all)
        }),
    };
    let domain_map = domain_map(cx.model);
    CrossContext {
        share_of_applications: art5(applications),
        share_of_denied_attempts: art5(denied),
        share_of_sanctioned_persons: art5(persons),
        share_of_sanction_days: art5(days),
        applications: split(applications),
        denied_attempts: split(denied),
        sanctioned_persons: split(persons),
        sanction_days: split(days),
        labelled_share_by_construction: by_construction(&domain_map),
        domain_map,
        joint_punishment: cx.has(Variant::OwnScope).then(|| JointPunishment {
            persons_sanctioned_only_through_scope: cx
                .est(|g| cx.total(g, g.own_scope.only_factual as f64)),
            share_of_sanctioned_persons: cx.est(|g| ratio(g.own_scope.only_factual, g.sanctioned)),
            sanction_days_only_through_scope: cx
                .est(|g| cx.total(g, g.sanction_days as f64 - g.own_scope.sanction_days as f64)),
            share_of_sanction_days: cx.est(|g| days_removed_share(g, &g.own_scope)),
        }),
    }
}

/// Record domain → the service domains of the sanctions its adverse records can
/// trigger: through the grade (negative points) or the lists a record type triggers or
/// whose score condition it can meet; a sanction of scope `own` only from its own
/// domain. Domains in declaration order.
pub(crate) fn domain_map(m: &Model) -> IndexMap<String, Vec<String>> {
    let sanctions = |t: &&credsim_model::Treatment| t.kind == TreatmentKind::Sanction;
    let mut map = IndexMap::new();
    for (d, name) in m.domains.iter().enumerate() {
        let mut reach = vec![false; m.domains.len()];
        for b in m.behaviours.iter().filter(|b| b.domain == d && b.adverse()) {
            for t in m.treatments.iter().filter(sanctions) {
                let by_record = match t.trigger {
                    Trigger::Grade(_) => b.points < 0 && m.score.is_some(),
                    Trigger::List(l) => {
                        b.lists_triggered.contains(&l)
                            || (b.points < 0 && m.score.is_some() && m.lists[l].has_condition())
                    }
                };
                let s = m.services[t.service].domain;
                if by_record && (t.scope == Scope::All || s == d) {
                    reach[s] = true;
                }
            }
        }
        let to: Vec<String> = (0..m.domains.len())
            .filter(|&s| reach[s])
            .map(|s| m.domains[s].clone())
            .collect();
        if !to.is_empty() {
            map.insert(name.clone(), to);
        }
    }
    map
}

/// The labelled cross-context share when the domain map alone fixes it: 1 when no
/// record domain reaches a service of its own domain, 0 when each reaches only its own.
fn by_construction(map: &IndexMap<String, Vec<String>>) -> Option<f64> {
    let pairs = || {
        map.iter()
            .flat_map(|(r, to)| to.iter().map(move |s| r == s))
    };
    if map.is_empty() {
        None
    } else if pairs().all(|same| !same) {
        Some(1.0)
    } else if pairs().all(|same| same) {
        Some(0.0)
    } else {
        None
    }
}

/// Protected conduct: deductions, listings and sanction-days that exist only because
/// it is penalised.
fn protected_conduct(cx: &Counts<'_>) -> Option<Protected> {
    cx.has(Variant::NoProtected).then(|| Protected {
        status: cx.status(Variant::NoProtected),
        share_of_deductions: cx.est(|g| ratio(g.deducted_protected, g.deducted)),
        share_of_listed_persons: cx.est(|g| ratio(g.no_protected.listed_only_factual, g.listed)),
        share_of_sanction_days: cx.est(|g| days_removed_share(g, &g.no_protected)),
    })
}

/// Amplification: sanction-days and denied attempts per genuine recorded violation,
/// by domain of origin.
fn amplification(cx: &Counts<'_>) -> IndexMap<String, Amplification> {
    cx.model
        .domains
        .iter()
        .enumerate()
        .filter(|&(d, _)| cx.all().genuine[d] > 0)
        .map(|(d, name)| {
            (
                name.clone(),
                Amplification {
                    genuine_records: cx.all().genuine[d],
                    sanction_days_per_genuine_record: cx
                        .est(|g| ratio(g.amplified_days[d], g.genuine[d])),
                    denied_attempts_per_record: cx
                        .est(|g| ratio(g.amplified_denied[d], g.genuine[d])),
                },
            )
        })
        .collect()
}

/// Household spill-over: persons sanctioned only through a household member.
fn household_spillover(cx: &Counts<'_>) -> Spillover {
    Spillover {
        persons: cx.est(|g| cx.total(g, g.spill_only as f64)),
        share_of_sanctioned_persons: cx.est(|g| ratio(g.spill_only, g.sanctioned)),
        person_days: cx.est(|g| cx.total(g, g.spill_only_days as f64)),
    }
}

/// Scrutiny feedback: records and sanctions that exist only because of heightened
/// scrutiny.
fn scrutiny_feedback(cx: &Counts<'_>) -> Option<ScrutinyFeedback> {
    cx.has(Variant::NoScrutiny).then(|| ScrutinyFeedback {
        status: cx.status(Variant::NoScrutiny),
        extra_records: cx.est(|g| cx.total(g, g.records as f64 - g.no_scrutiny.records as f64)),
        share_of_records: cx.est(|g| {
            (g.records > 0)
                .then(|| (g.records as f64 - g.no_scrutiny.records as f64) / g.records as f64)
        }),
        share_of_sanction_days: cx.est(|g| days_removed_share(g, &g.no_scrutiny)),
        persons_sanctioned_because_of_scrutiny: cx
            .est(|g| cx.total(g, g.no_scrutiny.only_factual as f64)),
    })
}

/// Mobility: year-end grade transitions and time to leave the lowest grade or a list.
fn mobility(cx: &Counts<'_>) -> Mobility {
    let grades: Vec<String> = cx
        .model
        .score
        .as_ref()
        .map(|s| s.grades.iter().map(|g| g.name.clone()).collect())
        .unwrap_or_default();
    let n = grades.len();
    let transitions: Vec<Vec<u64>> = (0..n)
        .map(|a| (0..n).map(|b| cx.all().transitions[a * n + b]).collect())
        .collect();
    let transition_shares = transitions
        .iter()
        .map(|row| {
            let s: u64 = row.iter().sum();
            row.iter().map(|&x| ratio(x, s)).collect()
        })
        .collect();
    let stays = |pick: fn(&GroupTally) -> &Vec<(u32, bool)>| Stays {
        entered: pick(cx.all()).len() as u64,
        median_days: cx.est(|g| km_quantile(pick(g), 0.5)),
        p90_days: cx.est(|g| km_quantile(pick(g), 0.9)),
        share_never_leaving: cx.est(|g| {
            let v = pick(g);
            ratio(v.iter().filter(|x| x.1).count() as u64, v.len() as u64)
        }),
    };
    Mobility {
        grades,
        transitions,
        transition_shares,
        lowest_grade: stays(|g| &g.low_stays),
        lists: stays(|g| &g.list_stays),
    }
}

/// Concentration of sanction-days: Gini and the top 1% share over everyone, prevalence,
/// and the Gini and top 1% share among those with sanction-days.
fn concentration(cx: &Counts<'_>) -> Concentration {
    Concentration {
        gini: cx.est(|g| gini(&g.days_histogram, g.persons)),
        top_1_percent_share: cx.est(|g| top_share(&g.days_histogram, g.persons, 0.01)),
        prevalence: cx.est(|g| ratio(with_days(&g.days_histogram), g.persons)),
        gini_among_sanctioned: cx.est(|g| gini(&g.days_histogram, with_days(&g.days_histogram))),
        top_1_percent_share_among_sanctioned: cx
            .est(|g| top_share(&g.days_histogram, with_days(&g.days_histogram), 0.01)),
    }
}

/// Appeals and repair: what they correct, and what queueing costs.
fn appeals(cx: &Counts<'_>) -> Option<AppealsAudit> {
    let errors = cx.has(Variant::NoErrors);
    (cx.has(Variant::NoAppeals)).then(|| {
        let r = &cx.all().responses;
        let wrongful =
            |v: &Contrast, base: &Contrast| v.sanction_days as f64 - base.sanction_days as f64;
        let factual_wrongful =
            |g: &GroupTally| g.sanction_days as f64 - g.no_errors.sanction_days as f64;
        let queue = cx.has(Variant::InstantAppeals);
        let h = cx.model.days;
        let capacity = cx
            .model
            .appeals
            .as_ref()
            .map(|rules| rules.capacity_until(h, cx.model.persons));
        let filed = r.appealed[0] + r.appealed[1];
        AppealsAudit {
            status: cx.status(Variant::NoAppeals),
            erroneous_adverse_records: r.adverse[1],
            share_of_erroneous_records_never_corrected: cx
                .est(|g| ratio(g.responses.removed[1], g.responses.adverse[1]).map(|x| 1.0 - x)),
            share_of_genuine_records_removed: cx
                .est(|g| ratio(g.responses.removed[0], g.responses.adverse[0])),
            appeals_filed: r.appealed[0] + r.appealed[1],
            appeals_decided: r.decided[0] + r.decided[1],
            appeals_upheld: r.upheld[0] + r.upheld[1],
            queue_at_end: cx.audit.queue_at_end,
            mean_wait_days: cx.est(|g| {
                let n = g.responses.decided[0] + g.responses.decided[1];
                (n > 0).then(|| g.responses.wait_days as f64 / n as f64)
            }),
            sanction_days_removed: cx.est(|g| {
                cx.total(
                    g,
                    g.no_appeals.sanction_days as f64 - g.sanction_days as f64,
                )
            }),
            wrongful_sanction_days_removed: if errors {
                cx.est(|g| {
                    let without = wrongful(&g.no_appeals, &g.no_appeals_no_errors);
                    cx.total(g, without - factual_wrongful(g))
                })
            } else {
                Estimate::new(None, None)
            },
            sanction_days_due_to_queueing: if queue {
                cx.est(|g| {
                    cx.total(
                        g,
                        g.sanction_days as f64 - g.instant_appeals.sanction_days as f64,
                    )
                })
            } else {
                Estimate::new(None, None)
            },
            wrongful_sanction_days_due_to_queueing: if queue && errors {
                cx.est(|g| {
                    let instant = wrongful(&g.instant_appeals, &g.instant_appeals_no_errors);
                    cx.total(g, factual_wrongful(g) - instant)
                })
            } else {
                Estimate::new(None, None)
            },
            review_capacity: capacity,
            utilisation: cx.est(|g| {
                let filed = (g.appeal_filings.len() as f64, capacity?);
                cx.total(g, filed.0).map(|f| f / filed.1 as f64)
            }),
            queue_unstable: filed as f64 > capacity.map_or(f64::INFINITY, |c| c as f64),
            appeals_pending_at_end: filed - (r.decided[0] + r.decided[1]),
            wait_median_days: cx.est(|g| {
                km_quantile(
                    &censored_waits(&g.appeal_filings, &g.appeal_decisions, h),
                    0.5,
                )
            }),
            wait_p90_days: cx.est(|g| {
                km_quantile(
                    &censored_waits(&g.appeal_filings, &g.appeal_decisions, h),
                    0.9,
                )
            }),
            erroneous_records_followed_365_days: cx
                .all()
                .erroneous_arrivals
                .iter()
                .filter(|&&a| a.saturating_add(365) < h)
                .count() as u64,
            share_of_erroneous_records_corrected_within_365_days: cx
                .est(|g| removed_within(&g.erroneous_arrivals, &g.erroneous_removals, h, 365)),
        }
    })
}

/// Behavioural responses: deterrence and chilling against no responses.
fn responses(cx: &Counts<'_>) -> Option<ResponsesAudit> {
    let days_change = |c: fn(&GroupTally) -> &Contrast| {
        cx.est(|g| {
            let base = c(g).sanction_days;
            (base > 0).then(|| g.sanction_days as f64 / base as f64 - 1.0)
        })
    };
    cx.has(Variant::NoResponses).then(|| {
        let change = |class: usize| {
            cx.est(move |g| {
                let r = &g.responses;
                ratio(r.performed_acts[class], r.candidate_acts[class]).map(|x| x - 1.0)
            })
        };
        ResponsesAudit {
            status: cx.status(Variant::NoResponses),
            change_in_violations: change(0),
            change_in_protected_conduct: change(1),
            deterred_acts: cx.all().responses.deterred_acts,
            change_in_sanction_days: days_change(|g| &g.no_responses),
            change_in_persons_sanctioned: cx.est(|g| {
                let base = g.no_responses.sanctioned;
                (base > 0).then(|| g.sanctioned as f64 / base as f64 - 1.0)
            }),
        }
    })
}

/// Association punishment: sanctions through whom one knows.
fn association(cx: &Counts<'_>) -> Option<AssociationAudit> {
    cx.has(Variant::NoAssociation).then(|| AssociationAudit {
        status: cx.status(Variant::NoAssociation),
        persons_sanctioned_only_through_contacts: cx
            .est(|g| cx.total(g, g.no_association.only_factual as f64)),
        share_of_sanctioned_persons: cx.est(|g| ratio(g.no_association.only_factual, g.sanctioned)),
        persons_listed_only_through_contacts: cx
            .est(|g| cx.total(g, g.no_association.listed_only_factual as f64)),
        share_of_sanction_days: cx.est(|g| days_removed_share(g, &g.no_association)),
    })
}

/// Disproportion: sanctions by the gravity class of the person's genuine conduct.
fn disproportion(cx: &Counts<'_>) -> Disproportion {
    let share = |class: usize, k: usize, of: fn(&GroupTally) -> u64| {
        cx.est(move |g| ratio(g.gravity_classes[class][k], of(g)))
    };
    let minor = cx.model.minor_gravity.map(|_| {
        (
            share(1, 1, |g| g.sanctioned),
            share(1, 2, |g| g.sanction_days),
        )
    });
    let names = ["none", "minor", "serious"];
    Disproportion {
        minor_gravity: cx.model.minor_gravity,
        unjustified_share_of_sanctioned_persons: share(0, 1, |g| g.sanctioned),
        unjustified_share_of_sanction_days: share(0, 2, |g| g.sanction_days),
        minor_only_share_of_sanctioned_persons: minor.as_ref().map(|m| m.0.clone()),
        minor_only_share_of_sanction_days: minor.map(|m| m.1),
        by_class: names
            .iter()
            .enumerate()
            .filter(|&(c, _)| c != 1 || cx.model.minor_gravity.is_some())
            .map(|(c, name)| GravityClass {
                class: name.to_string(),
                persons: cx.all().gravity_classes[c][0],
                persons_sanctioned: cx.est(|g| cx.total(g, g.gravity_classes[c][1] as f64)),
                sanction_days: cx.est(|g| cx.total(g, g.gravity_classes[c][2] as f64)),
                share_of_sanction_days: share(c, 2, |g| g.sanction_days),
            })
            .collect(),
    }
}

/// The share of the factual run's sanction-days a counterfactual does not have (net:
/// days it adds elsewhere are subtracted; None without sanction-days).
fn days_removed_share(g: &GroupTally, without: &Contrast) -> Option<f64> {
    (g.sanction_days > 0)
        .then(|| (g.sanction_days as f64 - without.sanction_days as f64) / g.sanction_days as f64)
}
