//! The summary built from a run's tallies, section by section.

use super::*;
use crate::Outcome;
use crate::tally::{Layout, Provenance, ResponseTally, Tally};

impl Summary {
    /// Builds the summary of a run.
    pub fn new(model: &Model, outcome: &Outcome) -> Summary {
        let t = &outcome.tally;
        let layout = Layout::of(model);
        let grades = grade_names(model);
        let (sanctions, rewards, treatments) = treatments_by_domain(model, t, &layout);
        Summary {
            credsim_version: crate::VERSION.to_string(),
            scenario: ScenarioId {
                name: model.name.clone(),
                hash: model.hash.clone(),
                description: model.description.clone(),
            },
            seed: model.seed,
            persons: model.persons,
            households: outcome.households,
            days: model.days,
            start_date: model.start.map(|d| d.to_string()),
            periods: model.period_ends.len(),
            persons_table: "none".into(),
            final_state: final_state(model, t, &layout, &grades),
            records: records(model, t),
            behaviour: Behaviour {
                acts: model
                    .behaviours
                    .iter()
                    .zip(&t.acts)
                    .map(|(b, &n)| (b.id.clone(), n))
                    .collect(),
                total_acts: t.acts.iter().sum(),
                captured: t.captured,
            },
            person_days_by_grade: grades
                .iter()
                .enumerate()
                .map(|(g, n)| (n.clone(), t.occupancy_days[layout.grade(g)]))
                .collect(),
            persons_ever_in_grade: grades
                .iter()
                .enumerate()
                .map(|(g, n)| (n.clone(), t.ever[layout.ever_grade(g)]))
                .collect(),
            listed: listed(model, t, &layout),
            sanctions,
            rewards,
            treatments,
            sanctioned: Occupancy {
                persons_ever: t.ever[layout.ever_sanctioned()],
                person_days: t.occupancy_days[layout.any_sanction()],
            },
            scrutiny: Occupancy {
                persons_ever: t.ever[layout.ever_scrutiny()],
                person_days: t.occupancy_days[layout.scrutiny()],
            },
            responses: has_responses(model).then(|| responses(&t.responses)),
            score_distribution: score_distribution(model, t),
            grading: model.grading.map(|g| GradingCounts {
                every_days: g.every_days,
                first_day: g.first_day,
                assessments: t.assessments,
            }),
            tampering: tampering::tampering(model, t),
            firms: model
                .firms
                .as_ref()
                .zip(outcome.firms.as_ref())
                .map(|(f, o)| crate::firms::summary::FirmSummary::new(model, f, o, &t.roles)),
            // The classes moved to the audit tally when there is one (chunk_major.rs).
            leaks: model.leaks.as_ref().map(|r| {
                let counts = outcome
                    .audit
                    .as_ref()
                    .and_then(|a| a.leaks.as_ref())
                    .unwrap_or(&t.leaks);
                crate::leaks::summary::summary(r, counts, model.days)
            }),
        }
    }
}

/// The most dates a score distribution shows.
const SCORE_DATES: usize = 5;

/// The most bins of a score distribution.
const SCORE_BINS: i64 = 40;

/// The score's distribution at up to [`SCORE_DATES`] year ends spread evenly over the
/// horizon (the last included), and at the last day if it is not a year end.
fn score_distribution(model: &Model, t: &Tally) -> Option<ScoreDistribution> {
    model.score.as_ref()?;
    let ends = &model.period_ends;
    let years: Vec<usize> = (0..ends.len())
        .filter(|&k| ends[k].is_multiple_of(365))
        .collect();
    let mut picked: Vec<usize> = if years.len() <= SCORE_DATES {
        years.clone()
    } else {
        (0..SCORE_DATES)
            .map(|j| years[(j * (years.len() - 1)).div_ceil(SCORE_DATES - 1)])
            .collect()
    };
    let last = ends.len().checked_sub(1)?;
    if picked.last() != Some(&last) {
        picked.push(last);
    }
    let counts = |k: usize| &t.periods[k].score_counts;
    let lo = picked
        .iter()
        .filter_map(|&k| counts(k).keys().next())
        .min()?;
    let hi = picked
        .iter()
        .filter_map(|&k| counts(k).keys().next_back())
        .max()?;
    let span = hi - lo + 1;
    let mut width = 1i64;
    'nice: for power in 0..19 {
        for m in [1, 2, 5] {
            width = m * 10i64.pow(power);
            // One bin to spare: aligning the first bin down can add one.
            if (span + width - 1) / width < SCORE_BINS {
                break 'nice;
            }
        }
    }
    let first_bin = lo.div_euclid(width) * width;
    let bins = ((hi - first_bin) / width + 1) as usize;
    let dates = picked
        .iter()
        .map(|&k| {
            let mut persons = vec![0u64; bins];
            for (&score, &n) in counts(k) {
                persons[((score - first_bin) / width) as usize] += n;
            }
            ScoreHistogram {
                day: ends[k],
                persons,
            }
        })
        .collect();
    Some(ScoreDistribution {
        first_bin,
        bin_width: width,
        dates,
    })
}

/// The grades' names, in band order (none without a score).
fn grade_names(model: &Model) -> Vec<String> {
    model
        .score
        .as_ref()
        .map(|s| s.grades.iter().map(|g| g.name.clone()).collect())
        .unwrap_or_default()
}

/// Sanctions and rewards by domain (applications, attempts, person-days) and each
/// treatment's counts.
#[allow(clippy::type_complexity)]
fn treatments_by_domain(
    model: &Model,
    t: &Tally,
    layout: &Layout,
) -> (
    IndexMap<String, DomainTreatment>,
    IndexMap<String, DomainTreatment>,
    IndexMap<String, TreatmentCounts>,
) {
    let mut sanctions: IndexMap<String, DomainTreatment> = IndexMap::new();
    let mut rewards: IndexMap<String, DomainTreatment> = IndexMap::new();
    for d in &model.domains {
        sanctions.insert(d.clone(), DomainTreatment::default());
        rewards.insert(d.clone(), DomainTreatment::default());
    }
    let mut treatments = IndexMap::new();
    for (i, tr) in model.treatments.iter().enumerate() {
        let svc = &model.services[tr.service];
        let domain = &model.domains[svc.domain];
        let target = match tr.kind {
            TreatmentKind::Sanction => &mut sanctions,
            TreatmentKind::Reward => &mut rewards,
        };
        let e = target.entry(domain.clone()).or_default();
        e.applications += t.applications[i];
        e.household_applications += t.spillover[i];
        e.cross_context_applications += t.cross_context[i];
        treatments.insert(
            tr.id.clone(),
            TreatmentCounts {
                kind: tr.kind,
                service: svc.id.clone(),
                domain: domain.clone(),
                applications: t.applications[i],
                cross_context_applications: t.cross_context[i],
                household_applications: t.spillover[i],
            },
        );
    }
    for (s, svc) in model.services.iter().enumerate() {
        let domain = &model.domains[svc.domain];
        let e = sanctions.entry(domain.clone()).or_default();
        e.attempts += t.denied[s];
        e.person_days += t.occupancy_days[layout.sanctioned(s)];
        let e = rewards.entry(domain.clone()).or_default();
        e.attempts += t.granted[s];
        e.person_days += t.occupancy_days[layout.rewarded(s)];
    }
    (sanctions, rewards, treatments)
}

/// The state on the last day.
fn final_state(model: &Model, t: &Tally, layout: &Layout, grades: &[String]) -> Final {
    let persons = model.persons;
    let share = |n: u64| n as f64 / persons as f64;
    let last = t.periods.last();
    let end = |idx: usize| last.map_or(0, |p| p.occupancy[idx]);
    Final {
        grade_shares: grades
            .iter()
            .enumerate()
            .map(|(g, n)| (n.clone(), share(end(layout.grade(g)))))
            .collect(),
        grade_counts: grades
            .iter()
            .enumerate()
            .map(|(g, n)| (n.clone(), end(layout.grade(g))))
            .collect(),
        mean_score: model
            .score
            .as_ref()
            .map(|_| last.map_or(0, |p| p.score_sum) as f64 / persons as f64),
        listed: model
            .lists
            .iter()
            .enumerate()
            .map(|(l, list)| (list.id.clone(), end(layout.list(l))))
            .collect(),
        sanctioned: end(layout.any_sanction()),
        under_scrutiny: end(layout.scrutiny()),
    }
}

/// Records by provenance, source and type.
fn records(model: &Model, t: &Tally) -> Records {
    let records = t.records();
    // Tampered records only with attacks, so other runs keep their three provenances.
    let attacks = !model.attacks.is_empty();
    let tampered = |v: &[u64], x: usize| attacks.then(|| v[x]);
    let tampered_total: u64 = t.tamper.by_type.iter().sum();
    Records {
        true_: records[Provenance::True as usize],
        false_: records[Provenance::False as usize],
        misattributed: records[Provenance::Misattributed as usize],
        tampered: attacks.then_some(tampered_total),
        total: records.iter().sum::<u64>() + tampered_total,
        pending_at_end: t.records_pending,
        by_source: model
            .sources
            .iter()
            .zip(&t.records_by_source)
            .enumerate()
            .map(|(s, (src, &c))| {
                let mut p = ByProvenance::from(c);
                p.tampered = tampered(&t.tamper.by_source, s);
                (src.id.clone(), p)
            })
            .collect(),
        by_type: model
            .behaviours
            .iter()
            .zip(&t.records_by_type)
            .enumerate()
            .map(|(b, (beh, &c))| {
                let mut p = ByProvenance::from(c);
                p.tampered = tampered(&t.tamper.by_type, b);
                (beh.id.clone(), p)
            })
            .collect(),
    }
}

/// Each list: persons ever on it, person-days, listed at the end.
fn listed(model: &Model, t: &Tally, layout: &Layout) -> IndexMap<String, Listed> {
    let last = t.periods.last();
    let end = |idx: usize| last.map_or(0, |p| p.occupancy[idx]);
    model
        .lists
        .iter()
        .enumerate()
        .map(|(l, list)| {
            (
                list.id.clone(),
                Listed {
                    persons_ever: t.ever[layout.ever_list(l)],
                    person_days: t.occupancy_days[layout.list(l)],
                    at_end: end(layout.list(l)),
                },
            )
        })
        .collect()
}

/// Appeals, repair and behavioural responses over the whole run.
fn responses(r: &ResponseTally) -> Responses {
    let decided = r.decided[0] + r.decided[1];
    Responses {
        adverse_records: r.adverse.into(),
        appeals_filed: r.appealed.into(),
        appeals_decided: r.decided.into(),
        appeals_upheld: r.upheld.into(),
        appeals_waiting_at_end: r.queue,
        mean_wait_days: (decided > 0).then(|| r.wait_days as f64 / decided as f64),
        repaired: r.repaired.into(),
        removed: r.removed.into(),
        candidate_acts: ActClasses {
            violations: r.candidate_acts[0],
            protected: r.candidate_acts[1],
        },
        performed_acts: ActClasses {
            violations: r.performed_acts[0],
            protected: r.performed_acts[1],
        },
        deterred_acts: r.deterred_acts,
        penalised_for_protected_conduct: r.penalised_protected,
        association_entries: r.association_entries,
    }
}
