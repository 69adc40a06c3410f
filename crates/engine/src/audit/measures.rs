//! The measures: each section of [`Audit`] computed by one function from the audit's
//! counts, with delete-a-group jackknife standard errors. Definitions: docs/audit.md.

use super::stats::{gini, km_quantile, ratio, top_share};
use super::*;
use credsim_model::Model;
use indexmap::IndexMap;

/// What every measure reads: the model, the audit's counts per jackknife group and
/// their total over the whole population.
struct Counts<'a> {
    model: &'a Model,
    audit: &'a AuditTally,
    /// Every group's counts added up.
    all: GroupTally,
    /// Persons in all groups.
    persons: f64,
}

impl Counts<'_> {
    /// The model has this counterfactual.
    fn has(&self, v: Variant) -> bool {
        self.audit.variants.contains(&v)
    }

    /// A statistic of the whole population with its jackknife standard error.
    fn est(&self, f: impl Fn(&GroupTally) -> Option<f64>) -> Estimate {
        self.audit.estimate(f)
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
            all: audit.total(None),
            persons: audit.groups.iter().map(|g| g.persons).sum::<u64>() as f64,
        };
        Audit {
            credsim_version: crate::VERSION.to_string(),
            scenario: model.name.clone(),
            scenario_hash: model.hash.clone(),
            seed: model.seed,
            persons: model.persons,
            counterfactuals: audit
                .variants
                .iter()
                .map(|v| v.name().to_string())
                .collect(),
            jackknife_groups: audit.groups.iter().filter(|g| g.persons > 0).count(),
            wrongful: wrongful(&cx),
            cross_context: cross_context(&cx),
            disparate_impact: disparate_impact(&cx),
            protected_conduct: protected_conduct(&cx),
            amplification: amplification(&cx),
            household_spillover: household_spillover(&cx),
            scrutiny_feedback: scrutiny_feedback(&cx),
            mobility: mobility(&cx),
            concentration: concentration(&cx),
            appeals: appeals(&cx),
            responses: responses(&cx),
            association: association(&cx),
            disproportion: Some(disproportion(&cx)),
        }
    }
}

/// Wrongful sanctions: what the no-errors counterfactual removes.
fn wrongful(cx: &Counts<'_>) -> Option<Wrongful> {
    cx.has(Variant::NoErrors).then(|| Wrongful {
        persons_wrongly_sanctioned: cx.est(|g| cx.total(g, g.no_errors.only_factual as f64)),
        share_of_sanctioned_persons: cx.est(|g| ratio(g.no_errors.only_factual, g.sanctioned)),
        person_days_wrongly_sanctioned: cx.est(|g| cx.total(g, g.no_errors.excess_days as f64)),
        share_of_sanction_days_caused_by_errors: cx.est(|g| {
            ratio(g.sanction_days, g.sanction_days.max(1))
                .map(|_| {
                    (g.sanction_days as f64 - g.no_errors.sanction_days as f64)
                        / g.sanction_days as f64
                })
                .filter(|_| g.sanction_days > 0)
        }),
        persons_spared_by_errors: cx.est(|g| cx.total(g, g.no_errors.only_counterfactual as f64)),
        persons_wrongly_listed: cx.est(|g| cx.total(g, g.no_errors.listed_only_factual as f64)),
    })
}

/// Cross-context sanctions: applications and denied attempts outside the domain of the
/// records behind them.
fn cross_context(cx: &Counts<'_>) -> CrossContext {
    CrossContext {
        share_of_applications: cx.est(|g| ratio(g.cross_applications, g.applications)),
        share_of_denied_attempts: cx
            .est(|g| ratio(g.denied.saturating_sub(g.denied_in_context), g.denied)),
    }
}

/// Disparate impact: adverse-outcome rates by category of each attribute, their ratio
/// to the most favoured category, and the same under equal capture.
fn disparate_impact(cx: &Counts<'_>) -> IndexMap<String, Vec<CategoryImpact>> {
    let mut disparate_impact = IndexMap::new();
    let mut offset = 0;
    for attr in &cx.model.attributes {
        let k = attr.categories.values.len();
        let range = offset..offset + k;
        offset += k;
        let rate = |c: &[u64; 4], j: usize| ratio(c[j], c[0]);
        // The most favoured category: lowest positive factual sanction rate (a
        // category nobody in which is sanctioned, e.g. children, cannot be a
        // denominator).
        let reference = range
            .clone()
            .filter(|&i| rate(&cx.all.categories[i], 1).is_some_and(|r| r > 0.0))
            .min_by(|&a, &b| {
                let ra = rate(&cx.all.categories[a], 1).unwrap_or(0.0);
                let rb = rate(&cx.all.categories[b], 1).unwrap_or(0.0);
                ra.total_cmp(&rb)
            })
            .unwrap_or(range.start);
        let equal = cx.has(Variant::EqualCapture);
        let rows = range
            .clone()
            .map(|i| {
                let ratio_of = move |cats: &CategoryCounts| {
                    let r = rate(&cats[i], 1)?;
                    let r0 = rate(&cats[reference], 1)?;
                    (r0 > 0.0).then(|| r / r0)
                };
                let factual = cx.est(|g| ratio_of(&g.categories));
                CategoryImpact {
                    category: attr.categories.values[i - range.start].clone(),
                    persons: cx.all.categories[i][0],
                    rate_sanctioned: cx.est(|g| rate(&g.categories[i], 1)),
                    rate_listed: cx.est(|g| rate(&g.categories[i], 2)),
                    rate_lowest_grade: cx.est(|g| rate(&g.categories[i], 3)),
                    ratio_sanctioned: factual,
                    four_fifths_flag: factual.value.is_some_and(|r| r > 1.25),
                    ratio_sanctioned_equal_capture: if equal {
                        cx.est(|g| ratio_of(&g.categories_equal))
                    } else {
                        Estimate::new(None, None)
                    },
                    share_explained_by_capture: if equal {
                        cx.est(|g| {
                            let r = ratio_of(&g.categories)?;
                            let e = ratio_of(&g.categories_equal)?;
                            ((r - 1.0).abs() > 1e-12).then(|| (r - e) / (r - 1.0))
                        })
                    } else {
                        Estimate::new(None, None)
                    },
                }
            })
            .collect();
        disparate_impact.insert(attr.id.clone(), rows);
    }
    disparate_impact
}

/// Protected conduct: deductions, listings and sanction-days that exist only because
/// it is penalised.
fn protected_conduct(cx: &Counts<'_>) -> Option<Protected> {
    cx.has(Variant::NoProtected).then(|| Protected {
        share_of_deductions: cx.est(|g| ratio(g.deducted_protected, g.deducted)),
        share_of_listed_persons: cx.est(|g| ratio(g.no_protected.listed_only_factual, g.listed)),
        share_of_sanction_days: cx.est(|g| {
            (g.sanction_days > 0).then(|| {
                (g.sanction_days as f64 - g.no_protected.sanction_days as f64)
                    / g.sanction_days as f64
            })
        }),
    })
}

/// Amplification: sanction-days and denied attempts per genuine recorded violation,
/// by domain of origin.
fn amplification(cx: &Counts<'_>) -> IndexMap<String, Amplification> {
    cx.model
        .domains
        .iter()
        .enumerate()
        .filter(|&(d, _)| cx.all.genuine[d] > 0)
        .map(|(d, name)| {
            (
                name.clone(),
                Amplification {
                    genuine_records: cx.all.genuine[d],
                    sanction_days_per_record: cx.est(|g| ratio(g.amplified_days[d], g.genuine[d])),
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
        extra_records: cx.est(|g| cx.total(g, g.records as f64 - g.no_scrutiny.records as f64)),
        share_of_records: cx.est(|g| {
            (g.records > 0)
                .then(|| (g.records as f64 - g.no_scrutiny.records as f64) / g.records as f64)
        }),
        share_of_sanction_days: cx.est(|g| {
            (g.sanction_days > 0).then(|| {
                (g.sanction_days as f64 - g.no_scrutiny.sanction_days as f64)
                    / g.sanction_days as f64
            })
        }),
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
        .map(|a| (0..n).map(|b| cx.all.transitions[a * n + b]).collect())
        .collect();
    let transition_shares = transitions
        .iter()
        .map(|row| {
            let s: u64 = row.iter().sum();
            row.iter().map(|&x| ratio(x, s)).collect()
        })
        .collect();
    let stays = |pick: fn(&GroupTally) -> &Vec<(u32, bool)>| Stays {
        entered: pick(&cx.all).len() as u64,
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

/// Concentration of sanction-days: Gini and the top 1% share.
fn concentration(cx: &Counts<'_>) -> Concentration {
    Concentration {
        gini: cx.est(|g| gini(&g.days_histogram, g.persons)),
        top_1_percent_share: cx.est(|g| top_share(&g.days_histogram, g.persons, 0.01)),
    }
}

/// Appeals and repair: what they correct, and what queueing costs.
fn appeals(cx: &Counts<'_>) -> Option<AppealsAudit> {
    let errors = cx.has(Variant::NoErrors);
    (cx.has(Variant::NoAppeals)).then(|| {
        let r = &cx.all.responses;
        let wrongful =
            |v: &Contrast, base: &Contrast| v.sanction_days as f64 - base.sanction_days as f64;
        let factual_wrongful =
            |g: &GroupTally| g.sanction_days as f64 - g.no_errors.sanction_days as f64;
        let queue = cx.has(Variant::InstantAppeals);
        AppealsAudit {
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
            change_in_violations: change(0),
            change_in_protected_conduct: change(1),
            deterred_acts: cx.all.responses.deterred_acts,
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
        persons_sanctioned_only_through_contacts: cx
            .est(|g| cx.total(g, g.no_association.only_factual as f64)),
        share_of_sanctioned_persons: cx.est(|g| ratio(g.no_association.only_factual, g.sanctioned)),
        persons_listed_only_through_contacts: cx
            .est(|g| cx.total(g, g.no_association.listed_only_factual as f64)),
        share_of_sanction_days: cx.est(|g| {
            (g.sanction_days > 0).then(|| {
                (g.sanction_days as f64 - g.no_association.sanction_days as f64)
                    / g.sanction_days as f64
            })
        }),
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
        minor_only_share_of_sanctioned_persons: minor.map(|m| m.0),
        minor_only_share_of_sanction_days: minor.map(|m| m.1),
        by_class: names
            .iter()
            .enumerate()
            .filter(|&(c, _)| c != 1 || cx.model.minor_gravity.is_some())
            .map(|(c, name)| GravityClass {
                class: name.to_string(),
                persons: cx.all.gravity_classes[c][0],
                persons_sanctioned: cx.est(|g| cx.total(g, g.gravity_classes[c][1] as f64)),
                sanction_days: cx.est(|g| cx.total(g, g.gravity_classes[c][2] as f64)),
                share_of_sanction_days: share(c, 2, |g| g.sanction_days),
            })
            .collect(),
    }
}
