//! The time estimate of a run, made before it starts from the expected counts of what
//! costs time: person-years, events (acts, record arrivals and expiries, false records),
//! attempts enumerated or drawn, and the audit's counterfactual re-simulations.
//!
//! The constants are core-seconds measured on the presets (docs/PERFORMANCE.md, "The
//! time estimate"); the estimate is meant to be within a factor of about 3 of the wall
//! time, enough to warn before a long run and to refuse one that would never finish.

use crate::audit::{Reach, Variant};
use crate::population::CHUNK_PERSONS;
use credsim_model::Model;

/// Core-seconds per person-year of the chunk-major schedule: drawing the population,
/// each person's first act, the period steps, the per-person outcomes and the persons
/// table (debtor-blacklist, which has almost no events: 1.29 s for 10⁸ person-years
/// on 2 cores, without its audit).
pub const SECONDS_PER_PERSON_YEAR: f64 = 2.5e-8;
/// Core-seconds per person-year of the epoch-major schedule (a coupled scenario keeps
/// every person's state and warms it each period; suining-responses without its audit,
/// 2.59 s for 3 × 10⁷ person-years and 5.85 × 10⁶ events on 2 cores).
pub const SECONDS_PER_PERSON_YEAR_COUPLED: f64 = 1.35e-7;
/// Core-seconds per event (an act, a record's arrival or expiry: suining-2010,
/// rongcheng and consumer-credit at 10⁷ persons without their audits, after the
/// person-years: 2.15, 2.05 and 1.6 × 10⁻⁷).
pub const SECONDS_PER_EVENT: f64 = 2.0e-7;
/// Cost of a counterfactual's simulation of a household relative to the factual run's:
/// it counts no attempts, writes no persons table and keeps fewer tallies
/// (suining-responses at 3 × 10⁶ persons, which re-simulates everyone 10 times:
/// 2.59 s without its audit, 12.94 s with it, a factor of 0.43).
pub const COUNTERFACTUAL_COST: f64 = 0.5;
/// Core-seconds per attempt to use a service counted one by one or drawn as part of a
/// Poisson total (about 30 ns: a keyed draw and a logarithm, or one step of sequential
/// inversion).
pub const SECONDS_PER_ATTEMPT: f64 = 3e-8;

/// What a run is expected to cost.
#[derive(Debug, Clone, Copy)]
pub struct CostEstimate {
    /// Persons × years.
    pub person_years: f64,
    /// Expected acts of the factual run (candidate acts, before responses thin them).
    pub acts: f64,
    /// Expected records: captured acts and false records.
    pub records: f64,
    /// Expected events of the factual run: acts, record arrivals, record expiries.
    pub events: f64,
    /// Attempts that may be enumerated (denied) or drawn (granted): the attempts at a
    /// service some treatment restricts or grants, made by the persons in households
    /// with a record (those a treatment can reach, spill-over included).
    pub attempts: f64,
    /// Counterfactual runs of the audit.
    pub counterfactuals: usize,
    /// Their work relative to the factual run's events and person-years: the sum over
    /// counterfactuals of the share of households each simulates again.
    pub counterfactual_share: f64,
    /// Cores the run can use: the threads, at most one per chunk.
    pub cores: f64,
    /// Core-seconds in all.
    pub core_seconds: f64,
    /// Estimated wall-clock seconds.
    pub seconds: f64,
}

impl CostEstimate {
    /// The estimate for a model run on `threads` threads, with or without its audit.
    pub fn for_run(model: &Model, threads: usize, audit: bool) -> CostEstimate {
        let days = model.days as f64;
        let persons = model.persons as f64;
        let person_years = persons * days / 365.0;
        // Population means of each behaviour's rate multipliers and each source's
        // capture multipliers (attributes are independent: the mean of a product is the
        // product of the means); heterogeneity has mean 1.
        let mean_of = |m: &[Vec<f64>]| -> f64 {
            model
                .attributes
                .iter()
                .zip(m)
                .map(|(a, x)| {
                    a.categories
                        .shares
                        .iter()
                        .zip(x)
                        .map(|(s, v)| s * v)
                        .sum::<f64>()
                })
                .product()
        };
        let capture_mean: Vec<f64> = model
            .sources
            .iter()
            .map(|s| mean_of(&s.capture_multipliers))
            .collect();
        // Per person over the horizon.
        let (mut acts, mut captured, mut expiries, mut replayed) = (0.0, 0.0, 0.0, 0.0);
        let (mut protected, mut adverse, mut misattributed) = (0.0, 0.0, 0.0);
        let expiring = |e: Option<u32>| e.map_or(0.0, |e| (1.0 - e as f64 / days).max(0.0));
        for b in &model.behaviours {
            let a = b.rate_per_day * mean_of(&b.multipliers) * days;
            let mut c = 0.0;
            for o in &b.observers {
                let r = a * (o.capture * capture_mean[o.source]).min(1.0);
                c += r;
                misattributed += r * model.sources[o.source].misattribution;
            }
            acts += a;
            captured += c;
            replayed += c.min(a);
            expiries += c * expiring(b.expiry_days);
            if b.protected {
                protected += c;
            }
            if b.adverse() {
                adverse += c;
            }
        }
        let mut false_records = 0.0;
        for s in &model.sources {
            let f = s.false_rate_per_day * s.largest_false_multiplier() * days;
            false_records += f;
            // False records take the types of genuine ones: their expiry, roughly.
            let share = if captured > 0.0 {
                expiries / captured
            } else {
                0.0
            };
            expiries += f * share;
        }
        let records = captured + false_records;
        // Attacks: one event per person hit (an upper bound: every target category), and
        // an arrival per insert.
        let tampering: f64 = model
            .attacks
            .iter()
            .map(|a| {
                let insert = a.operation == credsim_model::Operation::Insert;
                a.share * if insert { 2.0 } else { 1.0 }
            })
            .sum();
        let events = acts + records + expiries + tampering;
        // The share of persons in households with a record: those a mechanism (a
        // treatment, a counterfactual) can reach.
        let household = model.mean_household_size().max(1.0);
        let reached = |per_person: f64| 1.0 - (-per_person.max(0.0) * household).exp();
        let attempts: f64 = model
            .services
            .iter()
            .enumerate()
            .filter(|(s, _)| model.treatments.iter().any(|t| t.service == *s))
            .map(|(_, s)| s.attempts_per_day * days)
            .sum::<f64>()
            * reached(records);
        // The audit: each counterfactual simulates again the households its mechanism
        // reached (all of them when the scenario couples the population), replaying
        // the factual run's capturable acts.
        let variants = if audit {
            Variant::applicable(model)
        } else {
            Vec::new()
        };
        let coupled = model.coupled();
        let counterfactual_share: f64 = variants
            .iter()
            .map(|v| {
                if coupled {
                    return 1.0;
                }
                match v.spec().reach {
                    None => 1.0,
                    Some(Reach::Errors) => reached(false_records + misattributed),
                    Some(Reach::Protected) => reached(protected),
                    Some(Reach::Scrutiny) => reached(adverse + false_records),
                    Some(Reach::Capture) => reached(captured),
                    // At most the attacks' share of persons (an upper bound).
                    Some(Reach::Tamper) => {
                        model.attacks.iter().map(|a| a.share).sum::<f64>().min(1.0)
                    }
                }
            })
            .sum();
        let per_person_year = if coupled {
            SECONDS_PER_PERSON_YEAR_COUPLED
        } else {
            SECONDS_PER_PERSON_YEAR
        };
        let counterfactual_events = replayed + records + expiries;
        let again = COUNTERFACTUAL_COST * counterfactual_share;
        let core_seconds = person_years * per_person_year * (1.0 + again)
            + persons * SECONDS_PER_EVENT * (events + again * counterfactual_events)
            + persons * attempts * SECONDS_PER_ATTEMPT;
        let chunks = (persons / CHUNK_PERSONS as f64).ceil().max(1.0);
        let cores = (threads.max(1) as f64).min(chunks);
        CostEstimate {
            person_years,
            acts: acts * persons,
            records: records * persons,
            events: events * persons,
            attempts: attempts * persons,
            counterfactuals: variants.len(),
            counterfactual_share,
            cores,
            core_seconds,
            seconds: core_seconds / cores,
        }
    }
}
