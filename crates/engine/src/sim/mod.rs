//! The event-driven engine: each chunk of households runs its own event queue; the
//! whole population advances one reporting period (epoch) at a time.
//!
//! Chunks are independent (households and neighbourhoods never straddle them) and run
//! in parallel; later population-wide mechanisms (appeal queues, peer effects,
//! chilling) fit as epoch-synchronous updates in the epoch-major schedule. Cost grows with the number of
//! events (acts, record arrivals, expiries, status changes), not with persons × days.
//!
//! Semantics (see docs/ODD.md): time is in whole days; a person's state on a day is
//! their state after all of that day's events; events of one person on one day run in
//! the order list end, scrutiny end, expiry, record arrival, act.

mod coupling;

use crate::audit::{AuditTally, GroupTally, Lives, NEVER, Variant};
use crate::buffers::{filled, give_back, spare};
use crate::population::{self, CHUNK_PERSONS, ChunkRange, Population};
use crate::rng::{Keys, Poisson, Purpose};
use crate::tally::{Layout, Provenance, Tally};
use credsim_model::raw::{ListKind, Scope, TreatmentKind};
use credsim_model::{AppealRules, ChillingRules, Model, RepairRules, Status};
use rayon::prelude::*;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering as AtomicOrdering};

/// The run was stopped before the end of the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the run was cancelled after {done} of {total} chunks")]
pub struct Cancelled {
    /// Chunks of households completed.
    pub done: usize,
    /// Chunks in all.
    pub total: usize,
}

/// How the caller follows and controls a run.
pub struct Control<'a> {
    /// Called as work completes, with (chunks done, chunks in all).
    pub progress: &'a (dyn Fn(usize, usize) + Sync),
    /// Set to stop the run at the next period boundary.
    pub cancel: &'a AtomicBool,
    /// Receives each chunk's persons-table rows with the chunk's index (chunks finish
    /// in any order; the receiver restores id order). None: no persons table.
    pub persons: Option<&'a (dyn Fn(usize, PersonBatch) + Sync)>,
    /// Receives each chunk's record log with the chunk's index (when
    /// `Options::records_table` is set).
    pub records: Option<&'a (dyn Fn(usize, RecordLog) + Sync)>,
}

/// Records that reached the regime in one chunk, in the order they arrived.
#[derive(Debug, Clone, Default)]
pub struct RecordLog {
    /// Arrival day.
    pub day: Vec<u32>,
    /// Person the record is filed on.
    pub person: Vec<u32>,
    /// Record type (behaviour index).
    pub record_type: Vec<u16>,
    /// Source index.
    pub source: Vec<u16>,
    /// Provenance (0 true, 1 false, 2 misattributed).
    pub provenance: Vec<u8>,
}

/// Which persons go into the persons table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PersonsTable {
    /// Nobody.
    None,
    /// Everybody.
    Full,
    /// Each person independently with this probability (a Bernoulli sample keyed by
    /// (seed, person), so the same persons are drawn whatever the thread count).
    Sample(f64),
}

/// Persons-table rows of one chunk, column by column (see docs/outputs.md).
#[derive(Debug, Clone, Default)]
pub struct PersonBatch {
    /// Person id.
    pub person: Vec<u32>,
    /// Household id.
    pub household: Vec<u32>,
    /// Category index of each attribute, `attributes[attribute][row]`.
    pub attributes: Vec<Vec<u8>>,
    /// Score on the last day (None without a score).
    pub score: Vec<Option<i64>>,
    /// Grade index on the last day.
    pub grade: Vec<Option<u8>>,
    /// Records that arrived, by provenance.
    pub records: [Vec<u32>; 3],
    /// Days under at least one sanction.
    pub sanction_days: Vec<u32>,
    /// Days on at least one list.
    pub listed_days: Vec<u32>,
    /// Ever in the lowest grade.
    pub ever_lowest_grade: Vec<bool>,
    /// Ever sanctioned.
    pub ever_sanctioned: Vec<bool>,
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Number of households.
    pub households: u64,
    /// Number of chunks the population was cut into.
    pub chunks: usize,
    /// All counts.
    pub tally: Tally,
    /// The audit's counts (None when the audit was not run).
    pub audit: Option<AuditTally>,
    /// Chilling: the factor on protected conduct in force in each period, per category
    /// of the chilling attribute (one category without one). Empty without chilling.
    pub chilling: Vec<Vec<f64>>,
}

/// Order in which chunks and periods are simulated. Both give identical results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Each chunk runs through the whole horizon, then its state is dropped: memory
    /// holds only the chunks in flight. Possible while no mechanism couples chunks.
    ChunkMajor,
    /// Every chunk advances one period, then the next: all chunk states stay in memory,
    /// and population-wide mechanisms (appeal capacity, chilling, contacts) act between
    /// periods. Always used when the scenario has such a mechanism.
    EpochMajor,
}

/// How to run.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Chunk-major (default) or epoch-major.
    pub schedule: Schedule,
    /// Run the audit's counterfactuals.
    pub audit: bool,
    /// Rows for the persons table, passed to `Control::persons`.
    pub persons_table: PersonsTable,
    /// Log every record, passed to `Control::records`.
    pub records_table: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            schedule: Schedule::ChunkMajor,
            audit: true,
            persons_table: PersonsTable::None,
            records_table: false,
        }
    }
}

/// Runs a model, with its audit, to the end of its horizon on the current rayon pool.
pub fn run(model: &Model, control: &Control<'_>) -> Result<Outcome, Cancelled> {
    run_with(model, control, Options::default())
}

/// Runs a model with the given options.
pub fn run_with(
    model: &Model,
    control: &Control<'_>,
    options: Options,
) -> Result<Outcome, Cancelled> {
    let mut ctx = Ctx::new(model, Variant::Factual);
    ctx.log_records = options.records_table;
    let ctx = ctx;
    let pop = Population::build(model, &ctx.keys);
    if model.coupled() || options.schedule == Schedule::EpochMajor {
        return coupling::run_epoch_major(&ctx, &pop, control, options);
    }
    let total = pop.chunks.len();
    let done = AtomicUsize::new(0);
    let cancelled = || {
        control
            .cancel
            .load(AtomicOrdering::Relaxed)
            .then(|| Cancelled {
                done: done.load(AtomicOrdering::Relaxed),
                total,
            })
    };
    let audit = options.audit;
    let variants = Ctx::counterfactuals(model, audit);
    let simulate =
        |ctx: &Ctx<'_>, range: &ChunkRange, replay: Option<&ChunkSim>, only: Option<&[bool]>| {
            ChunkSim::simulate(ctx, &pop, range, replay, only)
        };
    // Tallies hold integers only, so the merge order cannot change the result.
    let (tally, audit_tally) = pop
        .chunks
        .par_iter()
        .enumerate()
        // Fewer, larger folds: each fold carries a whole audit tally to merge.
        .with_min_len(4)
        .try_fold(
            || (Tally::new(model), audit.then(|| AuditTally::new(model))),
            |(mut acc, mut acc_audit), (index, range)| {
                if let Some(c) = cancelled() {
                    return Err(c);
                }
                let mut chunk = simulate(&ctx, range, None, None);
                if let Some(a) = &mut acc_audit {
                    let group = &mut a.groups[index % crate::audit::GROUPS];
                    chunk.audit_factual(&ctx, group);
                    for vctx in &variants {
                        if !chunk.variant_matters(&ctx, vctx.variant) {
                            chunk.audit_contrast(&ctx, vctx.variant, None, None, group);
                            continue;
                        }
                        // Only the households the mechanism can reach are simulated
                        // again; widened (rarely) when the counterfactual misattributes
                        // a record to a household outside them.
                        let mut only = chunk.reached_households(vctx.variant);
                        let other = loop {
                            let other = simulate(vctx, range, Some(&chunk), only.as_deref());
                            let widened = only
                                .as_mut()
                                .is_some_and(|h| chunk.widen(h, &other.misattributions));
                            if !widened {
                                break other;
                            }
                        };
                        chunk.audit_contrast(
                            &ctx,
                            vctx.variant,
                            Some(&other),
                            only.as_deref(),
                            group,
                        );
                    }
                }
                acc.merge(&chunk.tally);
                if let Some(sink) = control.persons
                    && options.persons_table != PersonsTable::None
                {
                    sink(index, chunk.person_batch(&ctx, options.persons_table));
                }
                if let (Some(sink), Some(log)) = (control.records, chunk.record_log.take()) {
                    sink(index, log);
                }
                let d = done.fetch_add(1, AtomicOrdering::Relaxed) + 1;
                (control.progress)(d, total);
                Ok((acc, acc_audit))
            },
        )
        .try_reduce(
            || (Tally::new(model), audit.then(|| AuditTally::new(model))),
            |(mut a, mut aa), (b, ba)| {
                a.merge(&b);
                if let (Some(x), Some(y)) = (&mut aa, &ba) {
                    x.merge(y);
                }
                Ok((a, aa))
            },
        )?;
    Ok(Outcome {
        households: pop.households() as u64,
        chunks: total,
        tally,
        audit: audit_tally,
        chilling: Vec::new(),
    })
}

/// Read-only context shared by all chunks.
struct Ctx<'m> {
    model: &'m Model,
    /// Which mechanism is switched off (Factual: none).
    variant: Variant,
    /// Factual run: count everything (variants skip rewards, attempts and time series).
    full: bool,
    /// Scrutiny in effect (None in the no-scrutiny counterfactual).
    scrutiny: Option<&'m credsim_model::Scrutiny>,
    /// Per source, the population mean of its capture multiplier (equal-capture variant).
    capture_mean: Vec<f64>,
    /// The counterfactual variants of this model, each as (equal capture, scrutiny in
    /// effect), in `Variant::applicable` order: bit v of an act's replay mask is
    /// variant v.
    replay_variants: Vec<(bool, bool)>,
    /// This run's bit in replay masks (counterfactuals; 0 for the factual run).
    replay_bit: u16,
    /// Keep a log of every record (factual run, records table).
    log_records: bool,
    keys: Keys,
    layout: Layout,
    /// Lists with a score/grade condition.
    condition_lists: Vec<usize>,
    /// Expected false records of each source over the horizon, per person.
    false_per_person: Vec<f64>,
    /// Each service's attempt process (the same for every person).
    attempts: Vec<AttemptProcess>,
    /// The (service, kind) pairs some treatment can hold: one hold slot per person each.
    slots: Vec<(usize, TreatmentKind)>,
    /// `slot_of[service][kind]`: the slot of a pair.
    slot_of: Vec<[usize; 2]>,
    /// Some treatment has scope `own` (its application depends on the causes of a
    /// status, not only on the status).
    any_own_scope: bool,
    /// Stride of the per-person counts of active scored records by domain (the number
    /// of domains, or 0 without a score).
    scored_stride: usize,
    /// Data errors happen (off in the no-errors counterfactuals).
    errors: bool,
    /// Appeals in effect.
    appeals: Option<&'m AppealRules>,
    /// Reviews start when filed (no queue).
    instant_appeals: bool,
    /// Credit repair in effect.
    repair: Option<&'m RepairRules>,
    /// Adverse records are kept one by one (appeals or repair may remove them).
    track_records: bool,
    /// Per behaviour, its deterrence slot (`usize::MAX`: none; none at all when
    /// responses are off).
    deterrence_slot: Vec<usize>,
    /// Number of deterrence slots per person.
    deterrence_slots: usize,
    /// Chilling in effect.
    chilling: Option<&'m ChillingRules>,
    /// Categories the chilling response is computed for (1 without an attribute).
    chill_categories: usize,
    /// Per behaviour: 0 a violation (unprotected, adverse records), 1 protected
    /// conduct, 2 neither (counted apart for the responses' audit).
    act_class: Vec<u8>,
    /// Statuses watched by contacts triggers: bit w of a watch mask is `watched[w]`.
    watched: Vec<Status>,
    /// Contacts triggers in effect: (list, watched index, at least).
    contact_lists: Vec<(usize, usize, u32)>,
    /// The model couples chunks (epoch-major schedule; chunk state is cold each period).
    coupled: bool,
    /// Bit t set when treatment t is a sanction.
    sanction_treatments: u32,
    /// Derive day 0 once per chunk when it is everyone's (off only to test that it
    /// equals deriving it person by person).
    day0_template: bool,
    /// Treatments by trigger and kind, as bit sets.
    triggered: Triggered,
    /// "Ever" bits of the audit's outcomes: sanctioned, any list, the lowest grade.
    outcome_bits: (u32, u32, u32),
    /// The factual run notes the acts equal capture would decide otherwise (the
    /// model has the equal-capture counterfactual).
    equal_capture_audited: bool,
    /// Behaviour rates before the person's multiplier, per combination of attribute
    /// categories (None when a behaviour has its own multiplier, or combinations are
    /// too many).
    rate_table: Option<RateTable>,
}

/// The model's treatments as bit sets (bit t: treatment t), for finding the treatments
/// a status change can start or stop without visiting all of them.
struct Triggered {
    /// Per grade, the treatments it triggers.
    by_grade: Vec<u32>,
    /// Per list, the treatments it triggers.
    by_list: Vec<u32>,
    /// Treatments of scope `all` and of scope `own`.
    scope_all: u32,
    scope_own: u32,
    /// Rewards.
    rewards: u32,
}

impl Triggered {
    fn of(model: &Model) -> Triggered {
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
            match tr.scope {
                Scope::All => t.scope_all |= bit,
                Scope::Own => t.scope_own |= bit,
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
struct RateTable {
    /// Combination index = Σ category × stride.
    strides: Vec<usize>,
    rates: Vec<f64>,
}

impl RateTable {
    /// Most attribute combinations tabulated.
    const MAX_COMBINATIONS: usize = 4096;

    fn new(model: &Model) -> Option<RateTable> {
        if model.behaviours.iter().any(|b| b.own_shape.is_some()) {
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
    fn new(model: &'m Model, variant: Variant) -> Self {
        let mut slots: Vec<(usize, TreatmentKind)> = Vec::new();
        for t in &model.treatments {
            if !slots.contains(&(t.service, t.kind)) {
                slots.push((t.service, t.kind));
            }
        }
        let mut ctx = Ctx {
            model,
            variant,
            full: variant == Variant::Factual,
            scrutiny: model
                .scrutiny
                .as_ref()
                .filter(|_| variant != Variant::NoScrutiny),
            capture_mean: model
                .sources
                .iter()
                .map(|src| {
                    // Attributes are drawn independently, so the mean of the product
                    // is the product of the means.
                    model
                        .attributes
                        .iter()
                        .zip(&src.capture_multipliers)
                        .map(|(a, m)| {
                            a.categories
                                .shares
                                .iter()
                                .zip(m)
                                .map(|(s, x)| s * x)
                                .sum::<f64>()
                        })
                        .product()
                })
                .collect(),
            log_records: false,
            replay_variants: Variant::applicable(model)
                .iter()
                .map(|&v| (v == Variant::EqualCapture, v != Variant::NoScrutiny))
                .collect(),
            replay_bit: Variant::applicable(model)
                .iter()
                .position(|&v| v == variant)
                .map_or(0, |p| 1 << p),
            keys: Keys::new(model.seed),
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
            slot_of: (0..model.services.len())
                .map(|sv| {
                    [TreatmentKind::Sanction, TreatmentKind::Reward].map(|k| {
                        slots
                            .iter()
                            .position(|&x| x == (sv, k))
                            .unwrap_or(usize::MAX)
                    })
                })
                .collect(),
            layout: Layout::of(model),
            condition_lists: (0..model.lists.len())
                .filter(|&l| model.lists[l].has_condition())
                .collect(),
            any_own_scope: model.treatments.iter().any(|t| t.scope == Scope::Own),
            scored_stride: if model.score.is_some() {
                model.domains.len()
            } else {
                0
            },
            errors: variant.errors(),
            appeals: model.appeals.as_ref().filter(|_| variant.appeals()),
            instant_appeals: variant.instant_appeals(),
            repair: model.repair.as_ref().filter(|_| variant.appeals()),
            track_records: (model.appeals.is_some() || model.repair.is_some()) && variant.appeals(),
            deterrence_slot: {
                let mut next = 0;
                model
                    .behaviours
                    .iter()
                    .map(|b| {
                        if b.deterrence.is_some() && variant != Variant::NoResponses {
                            next += 1;
                            next - 1
                        } else {
                            usize::MAX
                        }
                    })
                    .collect()
            },
            deterrence_slots: if variant == Variant::NoResponses {
                0
            } else {
                model
                    .behaviours
                    .iter()
                    .filter(|b| b.deterrence.is_some())
                    .count()
            },
            chilling: model
                .chilling
                .as_ref()
                .filter(|_| variant != Variant::NoResponses),
            chill_categories: model
                .chilling
                .as_ref()
                .and_then(|c| c.attribute)
                .map_or(1, |a| model.attributes[a].categories.values.len()),
            act_class: model
                .behaviours
                .iter()
                .map(|b| {
                    if b.protected {
                        1
                    } else if b.adverse() {
                        0
                    } else {
                        2
                    }
                })
                .collect(),
            watched: {
                let mut w: Vec<Status> = Vec::new();
                for l in &model.lists {
                    if let Some(c) = &l.contacts
                        && !w.contains(&c.status)
                        && variant != Variant::NoAssociation
                    {
                        w.push(c.status);
                    }
                }
                w
            },
            contact_lists: Vec::new(),
            coupled: model.coupled(),
            rate_table: RateTable::new(model),
            day0_template: true,
            triggered: Triggered::of(model),
            equal_capture_audited: variant == Variant::Factual
                && Variant::applicable(model).contains(&Variant::EqualCapture),
            outcome_bits: {
                let lay = Layout::of(model);
                let listed = (0..model.lists.len()).fold(0, |m, l| m | 1 << lay.ever_list(l));
                let lowest = model
                    .score
                    .as_ref()
                    .and_then(|s| s.lowest_grade())
                    .map_or(0, |g| 1 << lay.ever_grade(g));
                (1 << lay.ever_sanctioned(), listed, lowest)
            },
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
    fn counterfactuals(model: &'m Model, audit: bool) -> Vec<Ctx<'m>> {
        if !audit {
            return Vec::new();
        }
        Variant::applicable(model)
            .into_iter()
            .map(|v| Ctx::new(model, v))
            .collect()
    }

    /// The chilling category of a person with these attributes.
    fn chill_category(&self, attrs: &[u8]) -> usize {
        self.chilling
            .and_then(|c| c.attribute)
            .map_or(0, |a| attrs[a] as usize)
    }
}

#[derive(Debug, Clone, Copy)]
enum What {
    Expiry {
        behaviour: u16,
        /// The record in `ChunkSim::recs` (`NO_RECORD`: not kept one by one).
        record: u32,
    },
    /// The review of an appeal ends (filed on day `filed`).
    Decision {
        record: u32,
        filed: u32,
    },
    /// Credit repair removes a record.
    Repair {
        record: u32,
    },
    /// The count of a person's contacts holding a watched status crossed the threshold
    /// of contacts trigger `contact_list` (an index into `Ctx::contact_lists`).
    Association {
        contact_list: u8,
        enter: bool,
    },
    ListEnd {
        list: u8,
        until: u32,
    },
    ScrutinyEnd {
        until: u32,
    },
    Arrival {
        behaviour: u16,
        source: u16,
        provenance: u8,
    },
    Act {
        time: f64,
    },
    /// An act replayed from the factual run in a counterfactual (its number and behaviour).
    Replay {
        k: u32,
        behaviour: u16,
    },
}

impl What {
    fn rank(&self) -> u8 {
        match self {
            What::ListEnd { .. } => 0,
            What::ScrutinyEnd { .. } => 1,
            What::Expiry { .. } | What::Decision { .. } | What::Repair { .. } => 2,
            What::Arrival { .. } | What::Association { .. } => 3,
            What::Act { .. } | What::Replay { .. } => 4,
        }
    }
}

/// A scheduled event; ordered by (day, person, kind, insertion) — earliest first.
#[derive(Debug, Clone, Copy)]
struct Event {
    day: u32,
    person: u32,
    rank: u8,
    tie: u32,
    what: What,
}

impl Event {
    fn key(&self) -> (u32, u32, u8, u32) {
        (self.day, self.person, self.rank, self.tie)
    }
}
impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key()) // reversed: BinaryHeap pops the earliest
    }
}

const NO_GRADE: u8 = u8::MAX;

const FOREVER: u32 = u32::MAX;

/// What the factual run hands to its counterfactuals: everything drawn independently
/// of anyone's status, so that they need not draw it again.
#[derive(Debug, Default)]
struct Exogenous {
    /// Acts that some source could capture in some variant: (day, person, act number,
    /// behaviour, replay mask). Bit v of the mask is set when the act's capture draws
    /// fall below the highest capture probability variant v could give this person;
    /// variant v replays only those acts (the others produce no record in it).
    acts: Vec<(u32, u32, u32, u16, u16)>,
    /// False records: (arrival day, person, behaviour, source).
    false_records: Vec<(u32, u32, u16, u16)>,
}

/// An adverse record kept one by one, so that an appeal or repair can remove it.
#[derive(Debug, Clone, Copy)]
struct Rec {
    /// Arrival day.
    day: u32,
    /// Local person it is filed on.
    person: u32,
    /// The person's previous kept record (`NO_RECORD`: none).
    prev: u32,
    /// Record type.
    behaviour: u16,
    /// `REC_*` bits.
    flags: u8,
}

const NO_RECORD: u32 = u32::MAX;
/// The record has expired.
const REC_EXPIRED: u8 = 1;
/// The record was removed (appeal upheld, or repair).
const REC_REMOVED: u8 = 2;
/// False or misattributed.
const REC_ERRONEOUS: u8 = 4;
/// An appeal of it will be upheld when decided.
const REC_UPHELD: u8 = 8;

/// Bits of a packed hold holding the day it opened; the bits above count holders.
const SINCE_BITS: u32 = 16;
const SINCE_MASK: u32 = (1 << SINCE_BITS) - 1;

thread_local! {
    /// Tallies of dropped chunks, for the next chunks simulated on this thread: a
    /// tally holds a few hundred small per-period vectors, and allocating and freeing
    /// them for every chunk and counterfactual took several per cent of a run.
    static SPARE_TALLIES: RefCell<Vec<Tally>> = const { RefCell::new(Vec::new()) };
}

/// A zeroed tally for `model`: a spare one reset ([`Tally::reset_for`], equal to a new
/// one) or a new one.
fn fresh_tally(model: &Model) -> Tally {
    SPARE_TALLIES.with_borrow_mut(|spare| {
        while let Some(mut t) = spare.pop() {
            if t.reset_for(model) {
                return t;
            }
        }
        Tally::new(model)
    })
}

impl crate::buffers::Reusable for Event {
    fn with_pool<R>(f: impl FnOnce(&mut Vec<Vec<Event>>) -> R) -> R {
        thread_local! {
            static POOL: RefCell<Vec<Vec<Event>>> = const { RefCell::new(Vec::new()) };
        }
        POOL.with_borrow_mut(f)
    }
}

impl Drop for ChunkSim {
    fn drop(&mut self) {
        for bucket in &mut self.buckets {
            give_back(bucket);
        }
        give_back(&mut self.scratch);
        give_back(&mut self.replays);
        give_back(&mut self.household);
        give_back(&mut self.ids);
        give_back(&mut self.index_of);
        give_back(&mut self.attrs);
        give_back(&mut self.points);
        give_back(&mut self.grade);
        give_back(&mut self.list_until);
        give_back(&mut self.list_cause);
        give_back(&mut self.scrutiny_until);
        give_back(&mut self.active);
        give_back(&mut self.sanctions_held);
        give_back(&mut self.scored);
        give_back(&mut self.ever);
        give_back(&mut self.act_seq);
        give_back(&mut self.holds);
        give_back(&mut self.multiplier);
        give_back(&mut self.last_rec);
        give_back(&mut self.deterred_until);
        give_back(&mut self.penalised_period);
        give_back(&mut self.watch_state);
        give_back(&mut self.watch_flag);
        give_back(&mut self.contacts_met);
        give_back(&mut self.reached);
        self.lives.give_back();
        let tally = std::mem::replace(&mut self.tally, Tally::empty());
        SPARE_TALLIES.with_borrow_mut(|spare| {
            if spare.len() < 4 {
                spare.push(tally);
            }
        });
    }
}

/// Sorts the events of the period [start, end) in (day, person, kind, insertion)
/// order: by day with a counting sort, then each day's few events on one packed word
/// (person 20 bits, kind 3, insertion 32). Falls back on a comparison sort for periods
/// over 512 days or chunks over 2^20 persons. Keys are unique, so the order is the
/// one `Event::key` gives.
fn sort_events(
    events: &mut [Event],
    scratch: &mut Vec<Event>,
    start: u32,
    end: u32,
    persons: usize,
) {
    const DAYS: usize = 512;
    let span = (end - start) as usize;
    if span > DAYS || persons > 1 << 20 {
        events.sort_unstable_by_key(Event::key);
        return;
    }
    let mut first = [0u32; DAYS + 1];
    for e in events.iter() {
        first[(e.day - start) as usize + 1] += 1;
    }
    for d in 0..span {
        first[d + 1] += first[d];
    }
    scratch.clear();
    scratch.extend_from_slice(events);
    let mut at = first;
    for e in scratch.iter() {
        let d = (e.day - start) as usize;
        events[at[d] as usize] = *e;
        at[d] += 1;
    }
    for d in 0..span {
        let day = &mut events[first[d] as usize..first[d + 1] as usize];
        if day.len() > 1 {
            day.sort_unstable_by_key(|e| {
                (e.person as u64) << 35 | (e.rank as u64) << 32 | e.tie as u64
            });
        }
    }
}

/// Factual index x's person in a counterfactual with this `index_of` map (empty: the
/// same index; None: not simulated).
#[inline]
fn local_index(index_of: &[u32], x: u32) -> Option<u32> {
    if index_of.is_empty() {
        Some(x)
    } else {
        Some(index_of[x as usize]).filter(|&i| i != u32::MAX)
    }
}

/// Where each attribute's categories start in the audit's flat per-category counts.
fn category_offsets(model: &Model) -> Vec<usize> {
    model
        .attributes
        .iter()
        .scan(0, |acc, at| {
            let o = *acc;
            *acc += at.categories.values.len();
            Some(o)
        })
        .collect()
}

/// Merges two runs of events, each in key order, into `out` in key order.
fn merge_events(a: &[Event], b: &[Event], out: &mut Vec<Event>) {
    out.clear();
    out.reserve(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].key() < b[j].key() {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

/// The state of one chunk of households (struct of arrays, indexed by local person).
struct ChunkSim {
    first_person: u32,
    /// A counterfactual of some households only: each person's index in the factual
    /// run's chunk (empty: the whole chunk, same indices).
    ids: Vec<u32>,
    /// With `ids`, each factual index's person here (`u32::MAX`: not simulated).
    index_of: Vec<u32>,
    /// Persons of the whole chunk (the neighbourhood misattribution draws from).
    neighbours: u32,
    /// Id of the chunk's first household.
    household_offset: u32,
    /// Local index of each person's household.
    household: Vec<u32>,
    /// Local first person of each household, plus an end entry.
    household_start: Vec<u32>,
    attrs: Vec<u8>,
    points: Vec<i64>,
    grade: Vec<u8>,
    list_until: Vec<u32>,
    list_cause: Vec<u32>,
    scrutiny_until: Vec<u32>,
    active: Vec<u32>,
    sanctions_held: Vec<u16>,
    scored: Vec<u32>,
    ever: Vec<u32>,
    act_seq: Vec<u32>,
    /// Per person and hold slot (see `Ctx::slots`): holders << 16 | day opened.
    holds: Vec<u32>,
    /// Per service: rewarded person-days up to the last period end (granted attempts).
    rewarded_days: Vec<u64>,
    heap: BinaryHeap<Event>,
    /// Per period, the events scheduled for it before it started (unordered).
    buckets: Vec<Vec<Event>>,
    /// A counterfactual's replayed acts, in event order, and how many were handled.
    replays: Vec<Event>,
    replayed: usize,
    /// Room for sorting and merging a period's events.
    scratch: Vec<Event>,
    epoch_end: u32,
    tie: u32,
    occupancy: Vec<u64>,
    last_day: u32,
    score_sum: i64,
    /// Persons at each score (distinct scores are few: sums of record points).
    score_counts: BTreeMap<i64, u64>,
    period: usize,
    rates: Vec<f64>,
    /// Each person's global behaviour multiplier (drawn once, used at every act).
    multiplier: Vec<f64>,
    tally: Tally,
    /// Per-person outcomes for the audit.
    lives: Lives,
    /// Status-independent draws, recorded by the factual run for its counterfactuals.
    exogenous: Exogenous,
    /// Every record that arrived (only when the records table is asked for).
    record_log: Option<RecordLog>,
    /// Adverse records kept one by one (appeals, repair).
    recs: Vec<Rec>,
    /// Each person's latest kept record (`NO_RECORD`: none).
    last_rec: Vec<u32>,
    /// Appeals filed this period for the review office: (filing day, record).
    filed: Vec<(u32, u32)>,
    /// Per person and deterrence slot: the day deterrence ends.
    deterred_until: Vec<u32>,
    /// Per person: 1 + the last period they were penalised for protected conduct.
    penalised_period: Vec<u16>,
    /// Persons penalised for protected conduct this period, per chilling category.
    chill_counts: Vec<u64>,
    /// Persons per chilling category.
    chill_persons: Vec<u64>,
    /// The chilling factor in force this period, per category.
    chill_factor: Vec<f64>,
    /// Per person: the watched statuses held when last reported (bit w).
    watch_state: Vec<u8>,
    /// Persons whose watched statuses may have changed since the last report.
    watch_dirty: Vec<u32>,
    /// Whether a person is in `watch_dirty`.
    watch_flag: Vec<bool>,
    /// Per person: bit c set while contacts trigger c is met.
    contacts_met: Vec<u8>,
    /// Factual run, per person: `REACHED_*` bits, the mechanisms that acted on them.
    reached: Vec<u8>,
    /// Misattributed records: (actor, person the record was filed on), both as indices
    /// in the factual run's chunk.
    misattributions: Vec<(u32, u32)>,
}

/// The factual run filed an erroneous record on the person or misattributed one of
/// theirs: the no-errors counterfactual may differ for their household.
const REACHED_BY_ERRORS: u8 = 1;
/// A record of protected conduct was filed on the person.
const REACHED_BY_PROTECTED: u8 = 2;
/// The person came under heightened scrutiny.
const REACHED_BY_SCRUTINY: u8 = 4;
/// Equal capture would have decided one of the person's acts otherwise.
const REACHED_BY_CAPTURE: u8 = 8;

impl ChunkSim {
    /// A chunk at day 0. With `replay` (the factual run of the same chunk), people,
    /// acts and false records are taken from it instead of being drawn again.
    ///
    /// With `only` (per household of the factual chunk), a counterfactual holds the
    /// persons of those households alone and replays their acts and false records (see
    /// [`Self::reached_households`]).
    fn new(
        ctx: &Ctx<'_>,
        pop: &Population,
        range: &ChunkRange,
        replay: Option<&ChunkSim>,
        only: Option<&[bool]>,
    ) -> ChunkSim {
        let m = ctx.model;
        // A counterfactual of some households holds their persons only.
        let subset: Option<(&ChunkSim, &[bool])> = replay.zip(only);
        let n = match subset {
            Some((f, h)) => (0..h.len())
                .filter(|&x| h[x])
                .map(|x| (f.household_start[x + 1] - f.household_start[x]) as usize)
                .sum(),
            None => (range.persons.end - range.persons.start) as usize,
        };
        let a = m.attributes.len();
        let l = m.lists.len();
        let mut c = ChunkSim {
            first_person: range.persons.start,
            ids: Vec::new(),
            index_of: Vec::new(),
            neighbours: (range.persons.end - range.persons.start),
            household_offset: range.households.start,
            household: spare(n),
            household_start: Vec::new(),
            attrs: filled(0, n * a),
            points: filled(0, n),
            grade: filled(NO_GRADE, n),
            list_until: filled(0, n * l),
            list_cause: filled(0, n * l),
            scrutiny_until: filled(0, n),
            active: filled(0, n),
            sanctions_held: filled(0, n),
            scored: filled(0, n * ctx.scored_stride),
            ever: filled(0, n),
            act_seq: filled(0, n),
            holds: filled(0, n * ctx.slots.len()),
            rewarded_days: vec![0; m.services.len()],
            heap: BinaryHeap::new(),
            buckets: vec![Vec::new(); m.period_ends.len()],
            replays: Vec::new(),
            replayed: 0,
            scratch: Vec::new(),
            epoch_end: 0,
            tie: 0,
            occupancy: filled(0, ctx.layout.len()),
            last_day: 0,
            score_sum: 0,
            score_counts: BTreeMap::new(),
            period: 0,
            rates: vec![0.0; m.behaviours.len()],
            multiplier: match replay {
                Some(_) => Vec::new(),
                None => {
                    let mut v = spare(n);
                    v.extend(
                        (0..n as u32)
                            .map(|i| population::multiplier(m, &ctx.keys, range.persons.start + i)),
                    );
                    v
                }
            },
            tally: fresh_tally(m),
            lives: Lives::new(m, n, ctx.slots.len(), ctx.full),
            exogenous: Exogenous::default(),
            record_log: ctx.log_records.then(RecordLog::default),
            recs: Vec::new(),
            last_rec: if ctx.track_records {
                filled(NO_RECORD, n)
            } else {
                Vec::new()
            },
            filed: Vec::new(),
            deterred_until: filled(0, n * ctx.deterrence_slots),
            penalised_period: if ctx.chilling.is_some() {
                filled(0, n)
            } else {
                Vec::new()
            },
            chill_counts: filled(0, ctx.chill_categories),
            chill_persons: filled(0, ctx.chill_categories),
            chill_factor: vec![1.0; ctx.chill_categories],
            watch_state: if ctx.watched.is_empty() {
                Vec::new()
            } else {
                filled(0, n)
            },
            // Everyone is reported once at the first boundary.
            watch_dirty: if ctx.watched.is_empty() {
                Vec::new()
            } else {
                (0..n as u32).collect()
            },
            watch_flag: filled(
                !ctx.watched.is_empty(),
                if ctx.watched.is_empty() { 0 } else { n },
            ),
            contacts_met: if ctx.contact_lists.is_empty() {
                Vec::new()
            } else {
                filled(0, n)
            },
            reached: if ctx.full { filled(0, n) } else { Vec::new() },
            misattributions: Vec::new(),
        };
        let pop_start = range.persons.start;
        if let Some((f, h)) = subset {
            // The same people, of the households asked for: their households and
            // attributes from the factual run, and the map between the two numberings.
            c.attrs.clear();
            c.index_of = filled(u32::MAX, f.act_seq.len());
            c.ids = spare(n);
            for (x, _) in h.iter().enumerate().filter(|&(_, &on)| on) {
                c.household_start.push(c.ids.len() as u32);
                let local_h = c.household_start.len() as u32 - 1;
                for p in f.household_start[x]..f.household_start[x + 1] {
                    c.index_of[p as usize] = c.ids.len() as u32;
                    c.ids.push(p);
                    c.household.push(local_h);
                    c.attrs
                        .extend_from_slice(&f.attrs[p as usize * a..(p as usize + 1) * a]);
                }
            }
            c.household_start.push(n as u32);
        } else if let Some(f) = replay {
            // The same people: take their households and attributes from the factual run.
            c.household.clone_from(&f.household);
            c.household_start.clone_from(&f.household_start);
            c.attrs.clone_from(&f.attrs);
        }
        for (local_h, h) in range.households.clone().enumerate() {
            if replay.is_some() {
                break;
            }
            let first = pop.household_start[h as usize] - pop_start;
            let end = pop.household_start[h as usize + 1] - pop_start;
            c.household_start.push(first);
            for p in first..end {
                c.household.push(local_h as u32);
                let person = pop_start + p;
                population::attributes(
                    m,
                    &ctx.keys,
                    person,
                    h,
                    &mut c.attrs[p as usize * a..(p as usize + 1) * a],
                );
            }
        }
        if replay.is_none() {
            c.household_start.push(n as u32);
        }
        if ctx.chilling.is_some() {
            for i in 0..n {
                let cat = ctx.chill_category(&c.attrs[i * a..(i + 1) * a]);
                c.chill_persons[cat] += 1;
            }
        }

        // Initial status: everyone starts at the base score with no records (without a
        // score nothing holds on day 0: lists start empty).
        if let Some(rules) = &m.score {
            c.score_sum += rules.score(0) * n as i64;
            *c.score_counts.entry(rules.score(0)).or_insert(0) += n as u64;
            let mut first = 0;
            if n > 0 && ctx.day0_template {
                first = if c.start_everyone_like_the_first(ctx) {
                    n as u32
                } else {
                    1
                };
            }
            for i in first..n as u32 {
                c.refresh(ctx, i, 0, None);
            }
        }
        for i in 0..n as u32 {
            let person = pop_start + i;
            if ctx.full {
                c.lives.year_grade[i as usize] = c.grade[i as usize];
            }
            if replay.is_some() {
                continue;
            }
            // The first act.
            let total = c.person_rates(ctx, i);
            if total > 0.0 {
                let t = ctx
                    .keys
                    .stream(Purpose::Act, 1, person as u64, 0)
                    .exponential()
                    / total;
                c.schedule_act(ctx, i, t);
            }
        }
        // False records over the whole horizon (they do not depend on state). Each
        // person's false records of a source are a Poisson process of the same rate,
        // independent of everything else; their superposition over the chunk is a
        // Poisson process of n times the rate whose records fall on persons drawn
        // uniformly. So one keyed stream per chunk and source draws the number, then
        // each record's person, day and type.
        if replay.is_none() && ctx.errors && n > 0 {
            for (s, src) in m.sources.iter().enumerate() {
                let Some(types) = &src.false_types else {
                    continue;
                };
                if src.false_rate_per_day <= 0.0 {
                    continue;
                }
                let mut st = ctx.keys.stream(
                    Purpose::FalseRecords,
                    s as u32,
                    range.households.start as u64,
                    0,
                );
                let count = Poisson::new(ctx.false_per_person[s] * n as f64).sample(&mut st);
                for _ in 0..count {
                    let i = st.below(n as u64) as u32;
                    let day = (st.uniform() * m.days as f64) as u32;
                    let behaviour = types.values[types.index(st.uniform())];
                    let arrival = day.saturating_add(src.delay_days);
                    if ctx.full {
                        c.exogenous
                            .false_records
                            .push((arrival, i, behaviour as u16, s as u16));
                    }
                    c.schedule_record(
                        ctx,
                        i,
                        arrival,
                        behaviour as u16,
                        s as u16,
                        Provenance::False,
                    );
                }
            }
        }
        if let Some(ex) = replay.map(|f| &f.exogenous) {
            // The factual run handled its acts in event order, so they are kept in
            // order apart and merged period by period (`advance`).
            // Factual indices to this run's (all of them, or those of the households
            // asked for).
            let index_of = std::mem::take(&mut c.index_of);
            let local = |i: u32| local_index(&index_of, i);
            c.replays = spare(ex.acts.len());
            for &(day, i, k, behaviour, mask) in &ex.acts {
                if mask & ctx.replay_bit == 0 {
                    continue;
                }
                if let Some(i) = local(i) {
                    let what = What::Replay { k, behaviour };
                    c.replays.push(Event {
                        day,
                        person: i,
                        rank: what.rank(),
                        tie: c.tie,
                        what,
                    });
                    c.tie = c.tie.wrapping_add(1);
                }
            }
            debug_assert!(c.replays.is_sorted_by_key(Event::key));
            if ctx.errors {
                for &(day, i, b, s) in &ex.false_records {
                    if let Some(i) = local(i) {
                        c.schedule_record(ctx, i, day, b, s, Provenance::False);
                    }
                }
            }
            c.index_of = index_of;
        }
        c
    }

    fn person_rates(&mut self, ctx: &Ctx<'_>, i: u32) -> f64 {
        let a = ctx.model.attributes.len();
        let attrs = &self.attrs[i as usize * a..(i as usize + 1) * a];
        if let Some(table) = &ctx.rate_table {
            // The same products as `population::behaviour_rates`, in the same order.
            let combo: usize = attrs
                .iter()
                .zip(&table.strides)
                .map(|(&c, &s)| c as usize * s)
                .sum();
            let global = self.multiplier[i as usize];
            let nb = self.rates.len();
            let mut total = 0.0;
            for (r, &base) in self
                .rates
                .iter_mut()
                .zip(&table.rates[combo * nb..(combo + 1) * nb])
            {
                *r = base * global;
                total += *r;
            }
            return total;
        }
        population::behaviour_rates(
            ctx.model,
            &ctx.keys,
            self.id(i),
            attrs,
            self.multiplier[i as usize],
            &mut self.rates,
        )
    }

    fn push(&mut self, ctx: &Ctx<'_>, day: u32, person: u32, what: What) {
        let ev = Event {
            day,
            person,
            rank: what.rank(),
            tie: self.tie,
            what,
        };
        self.tie = self.tie.wrapping_add(1);
        if day < self.epoch_end {
            self.heap.push(ev);
        } else {
            let k = ctx.model.period_of(day);
            let bucket = &mut self.buckets[k];
            if bucket.capacity() == 0 {
                *bucket = spare(64);
            }
            bucket.push(ev);
        }
    }

    fn schedule_act(&mut self, ctx: &Ctx<'_>, i: u32, time: f64) {
        if time < ctx.model.days as f64 {
            self.push(ctx, time as u32, i, What::Act { time });
        }
    }

    fn schedule_record(
        &mut self,
        ctx: &Ctx<'_>,
        i: u32,
        day: u32,
        behaviour: u16,
        source: u16,
        p: Provenance,
    ) {
        if day < ctx.model.days {
            self.push(
                ctx,
                day,
                i,
                What::Arrival {
                    behaviour,
                    source,
                    provenance: p as u8,
                },
            );
        } else {
            self.tally.records_pending += 1;
            if p != Provenance::True {
                self.lives.errors_seen += 1;
            }
        }
    }

    /// Adds person-days of the current state up to `day`.
    fn advance_to(&mut self, day: u32) {
        if day > self.last_day {
            let dt = (day - self.last_day) as u64;
            for (d, &o) in self.tally.occupancy_days.iter_mut().zip(&self.occupancy) {
                *d += o * dt;
            }
            self.last_day = day;
        }
    }

    fn set_ever(&mut self, i: u32, bit: usize) {
        let flags = &mut self.ever[i as usize];
        if *flags & (1 << bit) == 0 {
            *flags |= 1 << bit;
            self.tally.ever[bit] += 1;
        }
    }

    /// Reads the state of every person with an event in `events` before handling
    /// them. In the epoch-major schedule a chunk's state has left the CPU caches since
    /// its last period; independent reads let the memory system fetch many cache lines
    /// at once, where the event loop would wait for them one at a time.
    fn warm(&self, ctx: &Ctx<'_>, events: &[Event]) {
        let (a, l, sd, slots) = (
            ctx.model.attributes.len(),
            ctx.model.lists.len(),
            ctx.scored_stride,
            ctx.slots.len(),
        );
        let first = |v: &[u32], i: usize, stride: usize| v.get(i * stride).copied().unwrap_or(0);
        let mut sum = 0u64;
        for ev in events {
            let i = ev.person as usize;
            sum = sum
                .wrapping_add(self.points[i] as u64)
                .wrapping_add(self.grade[i] as u64)
                .wrapping_add(self.act_seq[i] as u64)
                .wrapping_add(self.active[i] as u64)
                .wrapping_add(self.ever[i] as u64)
                .wrapping_add(self.sanctions_held[i] as u64)
                .wrapping_add(self.attrs.get(i * a).copied().unwrap_or(0) as u64)
                .wrapping_add(self.multiplier.get(i).map_or(0, |m| m.to_bits()))
                .wrapping_add(first(&self.scored, i, sd) as u64)
                .wrapping_add(first(&self.holds, i, slots) as u64)
                .wrapping_add(first(&self.list_until, i, l) as u64)
                .wrapping_add(first(&self.deterred_until, i, ctx.deterrence_slots) as u64)
                .wrapping_add(self.lives.records.get(3 * i).copied().unwrap_or(0) as u64)
                .wrapping_add(self.lives.sanction_days[i] as u64)
                .wrapping_add(self.lives.low_entry[i] as u64)
                .wrapping_add(first(&self.lives.in_context, i, slots) as u64)
                .wrapping_add(self.scrutiny_until[i] as u64)
                .wrapping_add(self.last_rec.get(i).copied().unwrap_or(0) as u64)
                .wrapping_add(self.penalised_period.get(i).copied().unwrap_or(0) as u64)
                .wrapping_add(self.contacts_met.get(i).copied().unwrap_or(0) as u64);
            if let What::Expiry { record, .. }
            | What::Decision { record, .. }
            | What::Repair { record } = ev.what
                && let Some(r) = self.recs.get(record as usize)
            {
                sum = sum.wrapping_add(r.flags as u64);
            }
        }
        std::hint::black_box(sum);
    }

    /// Day 0 for person 0, then, when that is provably everyone's day 0, the same
    /// status for every person of the chunk without re-deriving it (returns true).
    ///
    /// Everyone starts with no records, hence with the same score, grade, condition
    /// lists, treatments and scrutiny. The copy is valid when person 0's day 0 reached
    /// nobody else (no household treatment), scheduled no event and started no audited
    /// sanction spell, and changed no count besides occupancy, "ever" flags and
    /// treatment applications: all checked here; otherwise the caller derives the
    /// others' day 0 one by one (tested equal in `day0_template_equals_per_person`).
    fn start_everyone_like_the_first(&mut self, ctx: &Ctx<'_>) -> bool {
        let events = (
            self.heap.len(),
            self.buckets.iter().map(Vec::len).sum::<usize>(),
        );
        // Day 0 can change the totals and period 0 only: the later periods are set
        // aside so that the snapshot and comparison below stay small.
        let later = self.tally.periods.split_off(1);
        let tally = self.tally.clone();
        let occupancy = self.occupancy.clone();
        let group = self.lives.group.clone();
        self.refresh(ctx, 0, 0, None);
        let household = ctx
            .model
            .treatments
            .iter()
            .enumerate()
            .any(|(t, tr)| tr.household && self.active[0] & (1 << t) != 0);
        let mut rest = self.tally.clone();
        rest.ever.clone_from(&tally.ever);
        rest.applications.clone_from(&tally.applications);
        rest.periods[0]
            .applications
            .clone_from(&tally.periods[0].applications);
        let scheduled = (
            self.heap.len(),
            self.buckets.iter().map(Vec::len).sum::<usize>(),
        );
        let same = !household && scheduled == events && rest == tally && self.lives.group == group;
        self.tally.periods.extend(later);
        if !same {
            return false;
        }
        let n = self.act_seq.len();
        let others = (n - 1) as u64;
        let grow = |now: &mut [u64], before: &[u64]| {
            for (x, &b) in now.iter_mut().zip(before) {
                *x += (*x - b) * others;
            }
        };
        grow(&mut self.occupancy, &occupancy);
        grow(&mut self.tally.ever, &tally.ever);
        grow(&mut self.tally.applications, &tally.applications);
        grow(
            &mut self.tally.periods[0].applications,
            &tally.periods[0].applications,
        );
        fn copy<T: Copy>(v: &mut [T], stride: usize) {
            if stride == 0 || v.is_empty() {
                return;
            }
            let (first, rest) = v.split_at_mut(stride);
            for chunk in rest.chunks_exact_mut(stride) {
                chunk.copy_from_slice(first);
            }
        }
        let (l, slots) = (ctx.model.lists.len(), ctx.slots.len());
        copy(&mut self.grade, 1);
        copy(&mut self.ever, 1);
        copy(&mut self.list_until, l);
        copy(&mut self.list_cause, l);
        copy(&mut self.scrutiny_until, 1);
        copy(&mut self.active, 1);
        copy(&mut self.sanctions_held, 1);
        copy(&mut self.holds, slots);
        copy(&mut self.reached, 1);
        let lives = &mut self.lives;
        copy(&mut lives.sanction_since, 1);
        copy(&mut lives.own_held, 1);
        copy(&mut lives.ever_own, 1);
        copy(&mut lives.low_entry, 1);
        copy(&mut lives.list_entry, 1);
        copy(&mut lives.lists_on, 1);
        copy(&mut lives.listed_since, 1);
        true
    }

    /// Runs epoch k: every event before the epoch's end.
    fn advance(&mut self, ctx: &Ctx<'_>, k: usize) {
        self.epoch_end = ctx.model.period_ends[k];
        self.period = k;
        let mut bucket = std::mem::take(&mut self.buckets[k]);
        if self.scratch.capacity() == 0 {
            self.scratch = spare(bucket.len());
        }
        if ctx.coupled {
            self.warm(ctx, &bucket);
        }
        // Events scheduled before the period are sorted once; events scheduled during
        // it for a day within it go to the heap; the two are merged in (day, person,
        // kind, insertion) order, the order a single heap would give (keys are unique).
        let start = k.checked_sub(1).map_or(0, |j| ctx.model.period_ends[j]);
        let persons = self.act_seq.len();
        sort_events(
            &mut bucket,
            &mut self.scratch,
            start,
            self.epoch_end,
            persons,
        );
        // A counterfactual's replayed acts are already in order: merge this period's.
        let replays = self.replays[self.replayed..].partition_point(|e| e.day < self.epoch_end);
        if replays > 0 {
            let from = self.replayed;
            self.replayed += replays;
            merge_events(
                &bucket,
                &self.replays[from..from + replays],
                &mut self.scratch,
            );
            std::mem::swap(&mut bucket, &mut self.scratch);
        }
        let mut next = 0;
        loop {
            let from_bucket = match (bucket.get(next), self.heap.peek()) {
                (Some(b), Some(h)) => b.key() < h.key(),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let ev = if from_bucket {
                next += 1;
                bucket[next - 1]
            } else {
                match self.heap.pop() {
                    Some(ev) => ev,
                    None => break,
                }
            };
            self.advance_to(ev.day);
            self.tally.events += 1;
            self.handle(ctx, ev);
        }
        give_back(&mut bucket);
        self.advance_to(self.epoch_end);
        if ctx.full {
            self.count_granted(ctx, k);
        }
        if ctx.full && self.epoch_end.is_multiple_of(365) {
            let g = ctx.model.score.as_ref().map_or(0, |s| s.grades.len());
            for i in 0..self.grade.len() {
                let (from, to) = (self.lives.year_grade[i], self.grade[i]);
                if (from as usize) < g && (to as usize) < g {
                    self.lives.group.transitions[from as usize * g + to as usize] += 1;
                }
                self.lives.year_grade[i] = to;
            }
        }
        let p = &mut self.tally.periods[k];
        p.occupancy.copy_from_slice(&self.occupancy);
        p.score_sum = self.score_sum;
        if ctx.full {
            p.score_counts = self.score_counts.clone();
        }
    }

    fn handle(&mut self, ctx: &Ctx<'_>, ev: Event) {
        let (i, day) = (ev.person, ev.day);
        match ev.what {
            What::Act { time } => self.act(ctx, i, day, time),
            What::Replay { k, behaviour } => {
                if self.performs(ctx, i, day, k, behaviour as usize) {
                    self.capture(ctx, i, day, k, behaviour as usize);
                }
            }
            What::Arrival {
                behaviour,
                source,
                provenance,
            } => self.arrival(ctx, i, day, behaviour as usize, source as usize, provenance),
            What::Expiry { behaviour, record } => {
                if record != NO_RECORD {
                    let r = &mut self.recs[record as usize];
                    if r.flags & REC_REMOVED != 0 {
                        return; // its points were taken back when it was removed
                    }
                    r.flags |= REC_EXPIRED;
                }
                let beh = &ctx.model.behaviours[behaviour as usize];
                self.add_points(ctx, i, day, -beh.points, beh.domain, -1);
            }
            What::Decision { record, filed } => self.decide_appeal(ctx, day, record, filed),
            What::Repair { record } => {
                let flags = self.recs[record as usize].flags;
                if flags & (REC_REMOVED | REC_EXPIRED) == 0 {
                    let truth = (flags & REC_ERRONEOUS != 0) as usize;
                    self.tally.responses.repaired[truth] += 1;
                    self.tally.periods[self.period].responses.repaired[truth] += 1;
                    self.remove_record(ctx, day, record);
                }
            }
            What::Association {
                contact_list,
                enter,
            } => self.association(ctx, i, day, contact_list as usize, enter),
            What::ListEnd { list, until } => self.list_end(ctx, i, day, list as usize, until),
            What::ScrutinyEnd { until } => {
                if self.scrutiny_until[i as usize] == until
                    && let Some(sc) = ctx.scrutiny
                {
                    if self.status_holds(ctx, i, day, sc.trigger) {
                        self.start_scrutiny(ctx, i, day, false);
                    } else {
                        self.occupancy[ctx.layout.scrutiny()] -= 1;
                    }
                }
            }
        }
    }

    fn act(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, time: f64) {
        let person = self.id(i);
        let k = self.act_seq[i as usize];
        self.act_seq[i as usize] += 1;
        let total = self.person_rates(ctx, i);
        let mut st = ctx.keys.stream(Purpose::Act, 0, person as u64, k as u64);
        let target = st.uniform() * total;
        let mut acc = 0.0;
        let mut b = self.rates.len() - 1;
        for (j, &r) in self.rates.iter().enumerate() {
            acc += r;
            if target < acc {
                b = j;
                break;
            }
        }
        let next = time + st.exponential() / total;
        let class = ctx.act_class[b] as usize;
        if class < 2 {
            self.tally.responses.candidate_acts[class] += 1;
            self.tally.periods[self.period].responses.candidate_acts[class] += 1;
        }
        // Acts are drawn as if nobody responded to the regime; deterrence and chilling
        // thin them (so every variant shares the same candidate acts).
        let replay = if self.performs(ctx, i, day, k, b) {
            self.tally.acts[b] += 1;
            if class < 2 {
                self.tally.responses.performed_acts[class] += 1;
                self.tally.periods[self.period].responses.performed_acts[class] += 1;
            }
            self.capture(ctx, i, day, k, b)
        } else {
            self.replay_mask(ctx, i, k, b)
        };
        if replay != 0 && ctx.full {
            self.exogenous.acts.push((day, i, k, b as u16, replay));
        }
        self.schedule_act(ctx, i, next);
    }

    /// Whether candidate act k (of behaviour b) happens: always without responses;
    /// with them, with probability (deterrence factor, while deterred) × (chilling
    /// factor, for protected conduct), by one keyed draw.
    fn performs(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, k: u32, b: usize) -> bool {
        let mut factor = 1.0;
        let mut deterred = false;
        let slot = ctx.deterrence_slot.get(b).copied().unwrap_or(usize::MAX);
        if slot != usize::MAX
            && self.deterred_until[i as usize * ctx.deterrence_slots + slot] > day
            && let Some(d) = &ctx.model.behaviours[b].deterrence
        {
            factor *= d.factor;
            deterred = true;
        }
        if ctx.chilling.is_some() && ctx.model.behaviours[b].protected {
            let a = ctx.model.attributes.len();
            let cat = ctx.chill_category(&self.attrs[i as usize * a..(i as usize + 1) * a]);
            factor *= self.chill_factor[cat];
        }
        if factor >= 1.0 {
            return true;
        }
        let person = self.id(i);
        let happens = ctx
            .keys
            .stream(Purpose::Response, 0, person as u64, k as u64)
            .uniform()
            < factor;
        if !happens && deterred {
            self.tally.responses.deterred_acts += 1;
        }
        happens
    }

    /// The counterfactuals in which act k could be recorded (the capture draws of
    /// [`Self::capture`], without recording anything), as a replay mask.
    fn replay_mask(&self, ctx: &Ctx<'_>, i: u32, k: u32, b: usize) -> u16 {
        if !ctx.full {
            return 0;
        }
        let person = self.id(i);
        ctx.model.behaviours[b]
            .observers
            .iter()
            .fold(0, |mask, obs| {
                let u = ctx
                    .keys
                    .stream(Purpose::Capture, obs.source as u32, person as u64, k as u64)
                    .uniform();
                mask | self.observer_replay_mask(ctx, i, obs, u)
            })
    }

    /// The counterfactuals in which capture draw u of observer `obs` could succeed for
    /// person i: those whose highest possible capture probability for i exceeds u.
    /// Each bound is computed with the same operations, in the same order, as the
    /// variant's own capture probability (and scrutiny at its larger factor; products
    /// of non-negative floats are monotone), so no act a variant would record is left
    /// out.
    fn observer_replay_mask(
        &self,
        ctx: &Ctx<'_>,
        i: u32,
        obs: &credsim_model::Observer,
        u: f64,
    ) -> u16 {
        let watched = ctx
            .model
            .scrutiny
            .as_ref()
            .map_or(1.0, |s| s.capture_multiplier.max(1.0));
        let bound = |equal: bool, scrutiny: bool| {
            self.capture_probability(ctx, i, obs, if scrutiny { watched } else { 1.0 }, equal)
        };
        let mut cache = [[None::<f64>; 2]; 2];
        let mut mask = 0u16;
        for (v, &(equal, scrutiny)) in ctx.replay_variants.iter().enumerate() {
            let p = *cache[equal as usize][scrutiny as usize]
                .get_or_insert_with(|| bound(equal, scrutiny));
            if u < p {
                mask |= 1 << v;
            }
        }
        mask
    }

    /// The probability that `obs` captures an act of person i, with scrutiny factor
    /// `scrutiny`, and with capture equalised (`equal`) or by i's attributes. The one
    /// computation of it, so that replay bounds use the same operations in the same
    /// order as the capture itself.
    fn capture_probability(
        &self,
        ctx: &Ctx<'_>,
        i: u32,
        obs: &credsim_model::Observer,
        scrutiny: f64,
        equal: bool,
    ) -> f64 {
        let mut p = obs.capture * scrutiny;
        if equal {
            p *= ctx.capture_mean[obs.source];
        } else {
            let a = ctx.model.attributes.len();
            let src = &ctx.model.sources[obs.source];
            for (x, &c) in self.attrs[i as usize * a..(i as usize + 1) * a]
                .iter()
                .enumerate()
            {
                p *= src.capture_multipliers[x][c as usize];
            }
        }
        p
    }

    /// Lets every source observing behaviour b capture act k of person i; returns
    /// the counterfactuals that could record this act (see [`Self::replay_mask`]; 0
    /// outside the factual run).
    fn capture(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, k: u32, b: usize) -> u16 {
        let m = ctx.model;
        let person = self.id(i);
        let scrutiny = match ctx.scrutiny {
            Some(sc) if self.scrutiny_until[i as usize] > day => sc.capture_multiplier,
            _ => 1.0,
        };
        let mut replay = 0u16;
        for obs in &m.behaviours[b].observers {
            let src = &m.sources[obs.source];
            let p = self.capture_probability(
                ctx,
                i,
                obs,
                scrutiny,
                ctx.variant == Variant::EqualCapture,
            );
            let u = ctx
                .keys
                .stream(Purpose::Capture, obs.source as u32, person as u64, k as u64)
                .uniform();
            if ctx.full {
                replay |= self.observer_replay_mask(ctx, i, obs, u);
                if ctx.equal_capture_audited {
                    // Where equal capture would decide this act otherwise, the
                    // counterfactual's life of this household can differ from here on;
                    // a record it would make, and misattribute, links its target.
                    let q = self.capture_probability(ctx, i, obs, scrutiny, true);
                    if (u < p) != (u < q) {
                        self.reached[i as usize] |= REACHED_BY_CAPTURE;
                        if u < q
                            && let Some(target) = self.misattribution_target(ctx, i, obs, k)
                        {
                            self.misattributions.push((i, target));
                        }
                    }
                }
            }
            if u >= p {
                continue;
            }
            self.tally.captured += 1;
            let arrival = day.saturating_add(src.delay_days);
            if let Some(target) = self.misattribution_target(ctx, i, obs, k) {
                // Kept in the factual run's numbering (what `widen` reads).
                self.misattributions.push((self.factual_index(i), target));
                if ctx.full {
                    self.reached[i as usize] |= REACHED_BY_ERRORS;
                }
                // A target outside the households simulated here makes the caller
                // widen them and run this counterfactual again.
                if let Some(target) = self.local_of(target) {
                    self.schedule_record(
                        ctx,
                        target,
                        arrival,
                        b as u16,
                        obs.source as u16,
                        Provenance::Misattributed,
                    );
                }
            } else {
                self.schedule_record(
                    ctx,
                    i,
                    arrival,
                    b as u16,
                    obs.source as u16,
                    Provenance::True,
                );
            }
        }
        replay
    }

    /// A chunk simulated from day 0 to the end of the horizon (see [`Self::new`] for
    /// `replay` and `only`).
    fn simulate(
        ctx: &Ctx<'_>,
        pop: &Population,
        range: &ChunkRange,
        replay: Option<&ChunkSim>,
        only: Option<&[bool]>,
    ) -> ChunkSim {
        let mut chunk = ChunkSim::new(ctx, pop, range, replay, only);
        for k in 0..ctx.model.period_ends.len() {
            chunk.advance(ctx, k);
        }
        chunk.finish(ctx);
        chunk
    }

    /// The population id of local person i.
    #[inline]
    fn id(&self, i: u32) -> u32 {
        self.first_person + self.factual_index(i)
    }

    /// Local person i's index in the factual run's chunk.
    #[inline]
    fn factual_index(&self, i: u32) -> u32 {
        if self.ids.is_empty() {
            i
        } else {
            self.ids[i as usize]
        }
    }

    /// The local person of factual index x (None: not simulated here).
    #[inline]
    fn local_of(&self, x: u32) -> Option<u32> {
        local_index(&self.index_of, x)
    }

    /// The person act k's record from `obs` is misattributed to, if it is (with data
    /// errors in effect): another person of the same neighbourhood (this chunk),
    /// uniformly, by the act's own misattribution draws.
    fn misattribution_target(
        &self,
        ctx: &Ctx<'_>,
        i: u32,
        obs: &credsim_model::Observer,
        k: u32,
    ) -> Option<u32> {
        let src = &ctx.model.sources[obs.source];
        let person = self.id(i);
        let mut ms = ctx.keys.stream(
            Purpose::Misattribution,
            obs.source as u32,
            person as u64,
            k as u64,
        );
        let neighbours = self.neighbours as u64;
        let misattributed = ms.uniform() < src.misattribution;
        if !(misattributed && neighbours > 1 && ctx.errors) {
            return None;
        }
        let actor = self.factual_index(i);
        let mut target = ms.below(neighbours - 1) as u32;
        if target >= actor {
            target += 1;
        }
        Some(target)
    }

    fn arrival(
        &mut self,
        ctx: &Ctx<'_>,
        i: u32,
        day: u32,
        b: usize,
        source: usize,
        provenance: u8,
    ) {
        let prov = provenance as usize;
        let beh = &ctx.model.behaviours[b];
        if beh.protected {
            if ctx.variant == Variant::NoProtected {
                return; // never filed
            }
            self.lives.protected_seen += 1;
        }
        if provenance != Provenance::True as u8 {
            self.lives.errors_seen += 1;
        }
        if ctx.full {
            self.lives.records[3 * i as usize + prov] += 1;
            if provenance != Provenance::True as u8 {
                self.reached[i as usize] |= REACHED_BY_ERRORS;
            }
            if beh.protected {
                self.reached[i as usize] |= REACHED_BY_PROTECTED;
            }
        }
        let id = self.id(i);
        if let Some(log) = &mut self.record_log {
            log.day.push(day);
            log.person.push(id);
            log.record_type.push(b as u16);
            log.source.push(source as u16);
            log.provenance.push(provenance);
        }
        if ctx.full {
            let g = &mut self.lives.group;
            if provenance == Provenance::True as u8
                && (beh.points < 0 || !beh.lists_triggered.is_empty())
            {
                g.genuine[beh.domain] += 1;
            }
            if beh.points < 0 && ctx.model.score.is_some() {
                g.deducted += beh.points.unsigned_abs();
                if beh.protected {
                    g.deducted_protected += beh.points.unsigned_abs();
                }
            }
        }
        self.tally.records_by_source[source][prov] += 1;
        self.tally.records_by_type[b][prov] += 1;
        self.tally.periods[self.period].records[prov] += 1;
        self.tally.periods[self.period].records_by_source[source] += 1;
        let adverse = beh.adverse();
        let record = if ctx.track_records && adverse {
            let r = self.recs.len() as u32;
            let erroneous = provenance != Provenance::True as u8;
            self.recs.push(Rec {
                day,
                person: i,
                prev: self.last_rec[i as usize],
                behaviour: b as u16,
                flags: if erroneous { REC_ERRONEOUS } else { 0 },
            });
            self.last_rec[i as usize] = r;
            r
        } else {
            NO_RECORD
        };
        if beh.points != 0 && ctx.model.score.is_some() {
            if let Some(e) = beh.expiry_days {
                let end = day.saturating_add(e);
                if end < ctx.model.days {
                    self.push(
                        ctx,
                        end,
                        i,
                        What::Expiry {
                            behaviour: b as u16,
                            record,
                        },
                    );
                }
            }
            self.add_points(ctx, i, day, beh.points, beh.domain, 1);
        }
        if !beh.lists_triggered.is_empty() {
            for l in 0..beh.lists_triggered.len() {
                let list = ctx.model.behaviours[b].lists_triggered[l];
                self.put_on_list(ctx, i, day, list, 1 << beh.domain);
            }
            self.update_treatments(ctx, i, day);
        }
        if adverse {
            self.after_adverse_record(ctx, i, day, b, source, provenance, record);
        }
    }

    /// What follows an adverse record once the regime has acted on it: appeal and
    /// repair (kept records), deterrence, and the chilling signal.
    #[allow(clippy::too_many_arguments)]
    fn after_adverse_record(
        &mut self,
        ctx: &Ctx<'_>,
        i: u32,
        day: u32,
        b: usize,
        source: usize,
        provenance: u8,
        record: u32,
    ) {
        let m = ctx.model;
        let beh = &m.behaviours[b];
        let truth = (provenance != Provenance::True as u8) as usize;
        self.tally.responses.adverse[truth] += 1;
        self.tally.periods[self.period].responses.adverse[truth] += 1;
        if record != NO_RECORD {
            // One stream per record, keyed by what the record is, so the same record
            // gets the same draws in every variant.
            let key =
                (day as u64) << 34 | (b as u64) << 18 | (source as u64) << 2 | provenance as u64;
            let mut st = ctx.keys.stream(Purpose::Appeal, 0, self.id(i) as u64, key);
            let (appeal, success, repair) = (st.uniform(), st.uniform(), st.uniform());
            if let Some(rules) = ctx.appeals {
                let a = m.attributes.len();
                let mut p = if truth == 1 {
                    rules.appeal_erroneous
                } else {
                    rules.appeal_genuine
                };
                for (x, &c) in self.attrs[i as usize * a..(i as usize + 1) * a]
                    .iter()
                    .enumerate()
                {
                    p *= rules.multipliers[x][c as usize];
                }
                if appeal < p.min(1.0) {
                    self.tally.responses.appealed[truth] += 1;
                    self.tally.periods[self.period].responses.appealed[truth] += 1;
                    let upheld = if truth == 1 {
                        rules.success_erroneous
                    } else {
                        rules.success_genuine
                    };
                    if success < upheld {
                        self.recs[record as usize].flags |= REC_UPHELD;
                    }
                    if ctx.instant_appeals {
                        // No queue, but the same boundary rule as the office's reviews.
                        let decision = day
                            .saturating_add(rules.processing_days)
                            .max(self.epoch_end);
                        self.schedule_decision(ctx, record, day, decision);
                    } else {
                        self.filed.push((day, record));
                    }
                }
            }
            if let Some(rules) = ctx.repair
                && repair < rules.probability
            {
                let when = day.saturating_add(rules.after_days);
                if when < m.days {
                    self.push(ctx, when, i, What::Repair { record });
                }
            }
        }
        if let Some(d) = &beh.deterrence {
            let slot = ctx.deterrence_slot[b];
            let listed_black = m
                .lists
                .iter()
                .enumerate()
                .any(|(l, list)| list.kind == ListKind::Black && self.listed(ctx, i, day, l));
            if slot != usize::MAX && (self.lives.own_held[i as usize] > 0 || listed_black) {
                let until = &mut self.deterred_until[i as usize * ctx.deterrence_slots + slot];
                *until = (*until).max(day.saturating_add(d.days));
            }
        }
        if beh.protected && ctx.chilling.is_some() {
            let stamp = self.period as u16 + 1;
            if self.penalised_period[i as usize] != stamp {
                self.penalised_period[i as usize] = stamp;
                let a = m.attributes.len();
                let cat = ctx.chill_category(&self.attrs[i as usize * a..(i as usize + 1) * a]);
                self.chill_counts[cat] += 1;
                self.tally.responses.penalised_protected += 1;
                self.tally.periods[self.period]
                    .responses
                    .penalised_protected += 1;
            }
        }
    }

    /// Schedules the end of the review of an appeal filed on day `filed` (not at all
    /// when it falls after the horizon: the appeal is still in review at the end).
    fn schedule_decision(&mut self, ctx: &Ctx<'_>, record: u32, filed: u32, day: u32) {
        if day < ctx.model.days {
            let i = self.recs[record as usize].person;
            self.push(ctx, day, i, What::Decision { record, filed });
        }
    }

    /// The review of an appeal ends: the record is removed if the appeal is upheld.
    fn decide_appeal(&mut self, ctx: &Ctx<'_>, day: u32, record: u32, filed: u32) {
        let flags = self.recs[record as usize].flags;
        let truth = (flags & REC_ERRONEOUS != 0) as usize;
        let (total, period) = (
            &mut self.tally.responses,
            &mut self.tally.periods[self.period].responses,
        );
        total.decided[truth] += 1;
        period.decided[truth] += 1;
        total.wait_days += (day - filed) as u64;
        period.wait_days += (day - filed) as u64;
        if flags & REC_UPHELD != 0 {
            total.upheld[truth] += 1;
            period.upheld[truth] += 1;
            self.remove_record(ctx, day, record);
        }
    }

    /// Removes a kept record: its points are taken back (unless it has expired) and a
    /// listing it triggered is cut to the latest term a remaining record still backs.
    fn remove_record(&mut self, ctx: &Ctx<'_>, day: u32, record: u32) {
        let r = self.recs[record as usize];
        if r.flags & REC_REMOVED != 0 {
            return;
        }
        self.recs[record as usize].flags |= REC_REMOVED;
        let truth = (r.flags & REC_ERRONEOUS != 0) as usize;
        self.tally.responses.removed[truth] += 1;
        self.tally.periods[self.period].responses.removed[truth] += 1;
        let (i, b) = (r.person, r.behaviour as usize);
        let beh = &ctx.model.behaviours[b];
        if r.flags & REC_EXPIRED == 0 && beh.points != 0 && ctx.model.score.is_some() {
            self.add_points(ctx, i, day, -beh.points, beh.domain, -1);
        }
        if !beh.lists_triggered.is_empty() {
            for x in 0..beh.lists_triggered.len() {
                let l = ctx.model.behaviours[b].lists_triggered[x];
                self.shorten_listing(ctx, i, day, l);
            }
            self.update_treatments(ctx, i, day);
        }
    }

    /// Cuts person i's term on list l to the latest one a remaining (not removed)
    /// record of a type that triggers l still backs; takes them off if none does. A
    /// listing whose grade or score condition holds stands.
    fn shorten_listing(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, l: usize) {
        let list = &ctx.model.lists[l];
        let Some(duration) = list.duration_days else {
            return;
        };
        if !self.listed(ctx, i, day, l) || self.condition_holds(ctx, i, l) {
            return;
        }
        let mut until = 0u32;
        let mut r = self.last_rec[i as usize];
        while r != NO_RECORD {
            let rec = self.recs[r as usize];
            if rec.flags & REC_REMOVED == 0
                && ctx.model.behaviours[rec.behaviour as usize]
                    .lists_triggered
                    .contains(&l)
            {
                until = until.max(rec.day.saturating_add(duration));
            }
            r = rec.prev;
        }
        let idx = i as usize * ctx.model.lists.len() + l;
        if until <= day {
            self.take_off_list(ctx, i, day, l);
        } else if until < self.list_until[idx] {
            self.list_until[idx] = until;
            self.schedule_list_end(ctx, i, l, until);
        }
    }

    /// Whether list l's own condition (grade or score, or its contacts trigger) holds
    /// for person i now.
    fn condition_holds(&self, ctx: &Ctx<'_>, i: u32, l: usize) -> bool {
        let list = &ctx.model.lists[l];
        let by_score = ctx.model.score.as_ref().is_some_and(|rules| {
            let score = rules.score(self.points[i as usize]);
            let g = self.grade[i as usize];
            list.condition(score, (g != NO_GRADE).then_some(g as usize))
        });
        by_score
            || ctx
                .contact_lists
                .iter()
                .position(|&(x, _, _)| x == l)
                .is_some_and(|c| self.contacts_met[i as usize] & (1 << c) != 0)
    }

    /// Contacts trigger c starts or stops being met for person i.
    fn association(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, c: usize, enter: bool) {
        // (`contacts_met` was set at the boundary, before this day's list ends.)
        let l = ctx.contact_lists[c].0;
        if enter {
            if !self.listed(ctx, i, day, l) {
                self.tally.responses.association_entries += 1;
                self.tally.periods[self.period]
                    .responses
                    .association_entries += 1;
            }
            self.put_on_list(ctx, i, day, l, 0);
        } else {
            if ctx.model.lists[l].duration_days.is_none() {
                self.take_off_list(ctx, i, day, l);
            }
        }
        self.update_treatments(ctx, i, day);
    }

    /// Notes that person i's watched statuses may have changed.
    fn watch(&mut self, i: u32) {
        if let Some(flag) = self.watch_flag.get_mut(i as usize)
            && !*flag
        {
            *flag = true;
            self.watch_dirty.push(i);
        }
    }

    /// Persons whose watched statuses changed since the last report, as (person id,
    /// mask before, mask now), judged on the last day of the period just run.
    fn take_watch_changes(&mut self, ctx: &Ctx<'_>) -> Vec<(u32, u8, u8)> {
        let day = self.epoch_end.saturating_sub(1);
        let mut out = Vec::new();
        for x in std::mem::take(&mut self.watch_dirty) {
            self.watch_flag[x as usize] = false;
            let now = ctx.watched.iter().enumerate().fold(0u8, |m, (w, &st)| {
                if self.status_holds(ctx, x, day, st) {
                    m | 1 << w
                } else {
                    m
                }
            });
            let before = self.watch_state[x as usize];
            if now != before {
                self.watch_state[x as usize] = now;
                out.push((self.id(x), before, now));
            }
        }
        out
    }

    /// Adds (or, on expiry, removes) a record's points and re-evaluates status.
    fn add_points(
        &mut self,
        ctx: &Ctx<'_>,
        i: u32,
        day: u32,
        points: i64,
        domain: usize,
        sign: i32,
    ) {
        let Some(rules) = &ctx.model.score else {
            return;
        };
        let before = rules.score(self.points[i as usize]);
        self.points[i as usize] += points;
        let after = rules.score(self.points[i as usize]);
        self.score_sum += after - before;
        // The distribution of scores is reported for the factual run only.
        if after != before && ctx.full {
            if let Some(n) = self.score_counts.get_mut(&before) {
                *n -= 1;
                if *n == 0 {
                    self.score_counts.remove(&before);
                }
            }
            *self.score_counts.entry(after).or_insert(0) += 1;
        }
        // Track active scored records by domain: the causes of the current grade.
        if ctx.scored_stride > 0 {
            let slot = &mut self.scored[i as usize * ctx.scored_stride + domain];
            *slot = if sign > 0 {
                slot.saturating_add(1)
            } else {
                slot.saturating_sub(1)
            };
        }
        self.refresh(ctx, i, day, Some(before));
    }

    /// Domains of the person's active scored records, as a bit mask.
    fn cause_mask(&self, ctx: &Ctx<'_>, i: u32) -> u32 {
        let s = ctx.scored_stride;
        self.scored[i as usize * s..(i as usize + 1) * s]
            .iter()
            .enumerate()
            .fold(0, |m, (d, &n)| if n > 0 { m | 1 << d } else { m })
    }

    /// Re-evaluates grade, condition lists, treatments and scrutiny after the score
    /// may have changed (`before`: the previous score; None at the start).
    fn refresh(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, before: Option<i64>) {
        // Whether a grade or list membership may have changed; when none did and every
        // treatment applies whatever the causes (scope `all`), treatments stand as they are.
        let mut changed = before.is_none() || ctx.any_own_scope;
        if let Some(rules) = &ctx.model.score {
            let score = rules.score(self.points[i as usize]);
            let old_grade = self.grade[i as usize];
            let new_grade = rules.grade(score).map_or(NO_GRADE, |g| g as u8);
            if new_grade != old_grade {
                changed = true;
                if old_grade != NO_GRADE {
                    self.occupancy[ctx.layout.grade(old_grade as usize)] -= 1;
                }
                if new_grade != NO_GRADE {
                    self.occupancy[ctx.layout.grade(new_grade as usize)] += 1;
                    self.set_ever(i, ctx.layout.ever_grade(new_grade as usize));
                }
                self.grade[i as usize] = new_grade;
                self.watch(i);
                let lowest = rules.lowest_grade().map_or(NO_GRADE, |g| g as u8);
                let lives = &mut self.lives;
                if new_grade == lowest && lives.low_entry[i as usize] == NEVER {
                    lives.low_entry[i as usize] = day;
                } else if old_grade == lowest
                    && lives.low_entry[i as usize] != NEVER
                    && lives.low_exit[i as usize] == NEVER
                {
                    lives.low_exit[i as usize] = day;
                }
            }
            let old_grade = (old_grade != NO_GRADE).then_some(old_grade as usize);
            let new_grade = (new_grade != NO_GRADE).then_some(new_grade as usize);
            for idx in 0..ctx.condition_lists.len() {
                let l = ctx.condition_lists[idx];
                let list = &ctx.model.lists[l];
                let was = before.is_some_and(|b| list.condition(b, old_grade));
                let now = list.condition(score, new_grade);
                if now && !was {
                    changed = true;
                    let cause = self.cause_mask(ctx, i);
                    self.put_on_list(ctx, i, day, l, cause);
                } else if was && !now && list.duration_days.is_none() {
                    changed = true;
                    self.take_off_list(ctx, i, day, l);
                }
            }
        } else {
            changed = true;
        }
        if changed {
            self.update_treatments(ctx, i, day);
        }
    }

    fn listed(&self, ctx: &Ctx<'_>, i: u32, day: u32, l: usize) -> bool {
        self.list_until[i as usize * ctx.model.lists.len() + l] > day
    }

    fn put_on_list(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, l: usize, cause: u32) {
        let idx = i as usize * ctx.model.lists.len() + l;
        let was = self.list_until[idx] > day;
        let until = ctx.model.lists[l]
            .duration_days
            .map_or(FOREVER, |d| day.saturating_add(d));
        if !was {
            self.watch(i);
            self.list_cause[idx] = 0;
            self.occupancy[ctx.layout.list(l)] += 1;
            self.set_ever(i, ctx.layout.ever_list(l));
            if self.lives.list_entry[i as usize] == NEVER {
                self.lives.list_entry[i as usize] = day;
            }
            self.lives.lists_on[i as usize] += 1;
            if self.lives.lists_on[i as usize] == 1 {
                self.lives.listed_since[i as usize] = day;
            }
        }
        self.list_cause[idx] |= cause;
        if until > self.list_until[idx] || !was {
            self.list_until[idx] = until;
            self.schedule_list_end(ctx, i, l, until);
        }
    }

    /// Schedules the end of person i's term on list l (none at or after the horizon).
    fn schedule_list_end(&mut self, ctx: &Ctx<'_>, i: u32, l: usize, until: u32) {
        if until < ctx.model.days {
            self.push(
                ctx,
                until,
                i,
                What::ListEnd {
                    list: l as u8,
                    until,
                },
            );
        }
    }

    fn take_off_list(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, l: usize) {
        let idx = i as usize * ctx.model.lists.len() + l;
        if self.list_until[idx] > day {
            self.watch(i);
            self.list_until[idx] = day;
            self.list_cause[idx] = 0;
            self.occupancy[ctx.layout.list(l)] -= 1;
            self.note_list_exit(ctx, i, day);
        }
    }

    fn list_end(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, l: usize, until: u32) {
        let idx = i as usize * ctx.model.lists.len() + l;
        if self.list_until[idx] != until {
            return; // extended since: a later event ends it
        }
        let list = &ctx.model.lists[l];
        if self.condition_holds(ctx, i, l) {
            // Still meets the condition: the term renews.
            let cause = self.cause_mask(ctx, i);
            self.list_cause[idx] |= cause;
            let next = day.saturating_add(list.duration_days.unwrap_or(FOREVER - day));
            self.list_until[idx] = next;
            self.schedule_list_end(ctx, i, l, next);
            // New causes may bring own-domain treatments into scope.
            self.update_treatments(ctx, i, day);
        } else {
            self.watch(i);
            // Not listed (0 ≤ any day), and any other end event scheduled for this same
            // day is now stale: a term cut back by `shorten_listing` can have two.
            self.list_until[idx] = 0;
            self.list_cause[idx] = 0;
            self.occupancy[ctx.layout.list(l)] -= 1;
            self.note_list_exit(ctx, i, day);
            self.update_treatments(ctx, i, day);
        }
    }

    /// A person leaves a list: closes their days on lists when they are on none any
    /// more, and records the end of their first stay.
    fn note_list_exit(&mut self, ctx: &Ctx<'_>, i: u32, day: u32) {
        let lives = &mut self.lives;
        lives.lists_on[i as usize] -= 1;
        if lives.lists_on[i as usize] == 0 {
            lives.listed_days[i as usize] += day - lives.listed_since[i as usize];
        }
        if lives.list_entry[i as usize] != NEVER
            && lives.list_exit[i as usize] == NEVER
            && (0..ctx.model.lists.len()).all(|l| !self.listed(ctx, i, day, l))
        {
            self.lives.list_exit[i as usize] = day;
        }
    }

    fn status_holds(&self, ctx: &Ctx<'_>, i: u32, day: u32, status: Status) -> bool {
        match status {
            Status::Grade(g) => self.grade[i as usize] as usize == g,
            Status::List(l) => self.listed(ctx, i, day, l),
        }
    }

    /// Domains of the records behind a status.
    fn cause(&self, ctx: &Ctx<'_>, i: u32, status: Status) -> u32 {
        match status {
            Status::Grade(_) => self.cause_mask(ctx, i),
            Status::List(l) => self.list_cause[i as usize * ctx.model.lists.len() + l],
        }
    }

    fn start_scrutiny(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, fresh: bool) {
        let Some(sc) = ctx.scrutiny else {
            return;
        };
        let until = day.saturating_add(sc.duration_days);
        self.scrutiny_until[i as usize] = until;
        if ctx.full {
            self.reached[i as usize] |= REACHED_BY_SCRUTINY;
        }
        if fresh {
            self.occupancy[ctx.layout.scrutiny()] += 1;
            self.set_ever(i, ctx.layout.ever_scrutiny());
        }
        if until < ctx.model.days {
            self.push(ctx, until, i, What::ScrutinyEnd { until });
        }
    }

    /// Starts and stops treatments (and scrutiny) to match the person's status.
    fn update_treatments(&mut self, ctx: &Ctx<'_>, i: u32, day: u32) {
        let m = ctx.model;
        // The causes of the grade, computed once (treatments do not change records).
        let mut grade_cause: Option<u32> = None;
        // The treatments whose trigger holds, as a bit set.
        let triggers = &ctx.triggered;
        let mut holding = match self.grade[i as usize] {
            NO_GRADE => 0,
            g => triggers.by_grade.get(g as usize).copied().unwrap_or(0),
        };
        for (l, &mask) in triggers.by_list.iter().enumerate() {
            if mask != 0 && self.listed(ctx, i, day, l) {
                holding |= mask;
            }
        }
        // Treatments of scope `all` apply exactly while their trigger holds: only those
        // whose application differs from it change. Counterfactuals skip rewards (they
        // measure sanctions only).
        let active_now = self.active[i as usize];
        let mut todo = (holding ^ active_now) & triggers.scope_all | triggers.scope_own;
        if !ctx.full {
            todo &= !triggers.rewards;
        }
        while todo != 0 {
            let t = todo.trailing_zeros() as usize;
            todo &= todo - 1;
            let tr = &m.treatments[t];
            let bit = 1u32 << t;
            let holds = holding & bit != 0;
            let active = self.active[i as usize] & bit != 0;
            let domain_bit = 1u32 << m.services[tr.service].domain;
            let cause = match (holds, tr.trigger) {
                (false, _) => 0,
                (true, Status::Grade(_)) => {
                    *grade_cause.get_or_insert_with(|| self.cause_mask(ctx, i))
                }
                (true, status) => self.cause(ctx, i, status),
            };
            let applies = holds && (tr.scope == Scope::All || cause & domain_bit != 0);
            if applies && !active {
                self.active[i as usize] |= bit;
                self.tally.applications[t] += 1;
                self.tally.periods[self.period].applications[t] += 1;
                // Cross-context: records lie behind the status, none from this domain.
                if cause != 0 && cause & domain_bit == 0 {
                    self.tally.cross_context[t] += 1;
                }
                self.hold(ctx, i, day, tr.service, tr.kind);
                if tr.household {
                    for j in self.household_members(i) {
                        self.tally.spillover[t] += 1;
                        self.tally.periods[self.period].applications[t] += 1;
                        self.hold(ctx, j, day, tr.service, tr.kind);
                    }
                }
                if tr.kind == TreatmentKind::Sanction {
                    // Not cross-context: an own-domain record, or no record, behind it.
                    let in_context = cause == 0 || cause & domain_bit != 0;
                    self.start_spell(ctx, i, day, t, cause, in_context);
                }
            } else if !applies && active {
                self.active[i as usize] &= !bit;
                self.release(ctx, i, day, tr.service, tr.kind);
                if tr.household {
                    for j in self.household_members(i) {
                        self.release(ctx, j, day, tr.service, tr.kind);
                    }
                }
                if tr.kind == TreatmentKind::Sanction {
                    self.end_spell(ctx, i, day, t);
                }
            }
        }
        if let Some(sc) = ctx.scrutiny
            && self.scrutiny_until[i as usize] <= day
            && self.status_holds(ctx, i, day, sc.trigger)
        {
            self.start_scrutiny(ctx, i, day, true);
        }
    }

    fn household_members(&self, i: u32) -> impl Iterator<Item = u32> + use<> {
        let h = self.household[i as usize] as usize;
        (self.household_start[h]..self.household_start[h + 1]).filter(move |&j| j != i)
    }

    /// The hold word of (person j, service s, kind).
    fn hold_word(&mut self, ctx: &Ctx<'_>, j: u32, s: usize, kind: TreatmentKind) -> &mut u32 {
        let slot = ctx.slot_of[s][kind as usize];
        &mut self.holds[j as usize * ctx.slots.len() + slot]
    }

    /// One more treatment holds service `s` for person `j`.
    fn hold(&mut self, ctx: &Ctx<'_>, j: u32, day: u32, s: usize, kind: TreatmentKind) {
        let word = self.hold_word(ctx, j, s, kind);
        let holders = *word >> SINCE_BITS;
        *word = (holders + 1) << SINCE_BITS
            | if holders == 0 {
                day
            } else {
                *word & SINCE_MASK
            };
        if holders > 0 {
            return;
        }
        match kind {
            TreatmentKind::Sanction => {
                self.occupancy[ctx.layout.sanctioned(s)] += 1;
                let held = &mut self.sanctions_held[j as usize];
                *held += 1;
                if *held == 1 {
                    self.occupancy[ctx.layout.any_sanction()] += 1;
                    self.set_ever(j, ctx.layout.ever_sanctioned());
                    self.lives.sanction_since[j as usize] = day;
                }
            }
            TreatmentKind::Reward => {
                self.occupancy[ctx.layout.rewarded(s)] += 1;
                self.set_ever(j, ctx.layout.ever_rewarded());
            }
        }
    }

    /// One treatment fewer holds service `s` for person `j`; when none is left, the
    /// attempts made while it was held are counted.
    fn release(&mut self, ctx: &Ctx<'_>, j: u32, day: u32, s: usize, kind: TreatmentKind) {
        let word = self.hold_word(ctx, j, s, kind);
        let holders = *word >> SINCE_BITS;
        if holders == 0 {
            return;
        }
        let since = *word & SINCE_MASK;
        *word = (holders - 1) << SINCE_BITS | since;
        if holders > 1 {
            return;
        }
        if kind == TreatmentKind::Sanction {
            self.count_denied(ctx, j, s, since, day);
        }
        match kind {
            TreatmentKind::Sanction => {
                self.occupancy[ctx.layout.sanctioned(s)] -= 1;
                let held = &mut self.sanctions_held[j as usize];
                *held -= 1;
                if *held == 0 {
                    self.occupancy[ctx.layout.any_sanction()] -= 1;
                    let since = self.lives.sanction_since[j as usize];
                    self.lives.sanction_days[j as usize] += day - since;
                }
            }
            TreatmentKind::Reward => self.occupancy[ctx.layout.rewarded(s)] -= 1,
        }
    }

    /// Counts person j's attempts to use service `s` on days [from, to) as denied, by
    /// period. Counterfactual runs skip this. (Granted attempts are counted per chunk
    /// and period: [`ChunkSim::count_granted`].)
    fn count_denied(&mut self, ctx: &Ctx<'_>, j: u32, s: usize, from: u32, to: u32) {
        if !ctx.full {
            return;
        }
        let m = ctx.model;
        let person = self.id(j);
        let tally = &mut self.tally;
        for_each_attempt(ctx, person, s, from, to, |d| {
            let p = m.period_of(d);
            tally.denied[s] += 1;
            tally.periods[p].denied[s] += 1;
        });
    }

    /// Counts the attempts granted in period k, service by service: attempts made while
    /// a reward holds the service. Each person's attempts are a Poisson process
    /// independent of everything else, so, given the rewarded person-days D of the
    /// chunk in the period, their total is Poisson(rate × D): one draw per chunk,
    /// service and period, keyed by (chunk, service, period), instead of one keyed
    /// stream per person and hold. (Nothing needs granted attempts person by person;
    /// denied attempts are kept per person for the audit's amplification measures.)
    fn count_granted(&mut self, ctx: &Ctx<'_>, k: usize) {
        for (s, process) in ctx.attempts.iter().enumerate() {
            if ctx.slot_of[s][TreatmentKind::Reward as usize] == usize::MAX {
                continue;
            }
            let days = self.tally.occupancy_days[ctx.layout.rewarded(s)];
            let new_days = days - self.rewarded_days[s];
            self.rewarded_days[s] = days;
            if new_days == 0 || process.rate <= 0.0 {
                continue;
            }
            let mut st = ctx.keys.stream(
                Purpose::GrantedAttempts,
                s as u32,
                self.household_offset as u64,
                k as u64,
            );
            let n = Poisson::new(process.rate * new_days as f64).sample(&mut st);
            self.tally.granted[s] += n;
            self.tally.periods[k].granted[s] += n;
        }
    }

    /// Attempts of person j at service s on days [from, to).
    fn attempts_between(&self, ctx: &Ctx<'_>, j: u32, s: usize, from: u32, to: u32) -> u64 {
        let mut n = 0;
        for_each_attempt(ctx, self.id(j), s, from, to, |_| n += 1);
        n
    }

    /// An own sanction spell starts: audit bookkeeping (factual run only).
    fn start_spell(
        &mut self,
        ctx: &Ctx<'_>,
        i: u32,
        day: u32,
        t: usize,
        cause: u32,
        in_context: bool,
    ) {
        let lives = &mut self.lives;
        lives.own_held[i as usize] += 1;
        lives.ever_own[i as usize] = true;
        if !ctx.full {
            return;
        }
        let nt = ctx.model.treatments.len();
        lives.spell_start[i as usize * nt + t] = day;
        lives.spell_cause[i as usize * nt + t] = cause;
        let g = &mut lives.group;
        g.applications += 1;
        if cause != 0 && !in_context {
            g.cross_applications += 1;
        }
        if in_context {
            let tr = &ctx.model.treatments[t];
            let members: Vec<u32> = if tr.household {
                self.household_members(i).collect()
            } else {
                Vec::new()
            };
            for j in std::iter::once(i).chain(members) {
                self.hold_in_context(ctx, j, day, tr.service, true);
            }
        }
    }

    /// An own sanction spell ends: attributes its days and denied attempts to the
    /// domains of its causes (amplification), and closes its in-context holds.
    fn end_spell(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, t: usize) {
        self.lives.own_held[i as usize] -= 1;
        if !ctx.full {
            return;
        }
        let nt = ctx.model.treatments.len();
        let tr = &ctx.model.treatments[t];
        let start = self.lives.spell_start[i as usize * nt + t];
        let cause = self.lives.spell_cause[i as usize * nt + t];
        let domain_bit = 1u32 << ctx.model.services[tr.service].domain;
        let members: Vec<u32> = if tr.household {
            self.household_members(i).collect()
        } else {
            Vec::new()
        };
        let people = 1 + members.len() as u64;
        let denied: u64 = std::iter::once(i)
            .chain(members.iter().copied())
            .map(|j| self.attempts_between(ctx, j, tr.service, start, day))
            .sum();
        let g = &mut self.lives.group;
        for d in 0..ctx.model.domains.len() {
            if cause & (1 << d) != 0 {
                g.amplified_days[d] += (day - start) as u64 * people;
                g.amplified_denied[d] += denied;
            }
        }
        if cause == 0 || cause & domain_bit != 0 {
            for j in std::iter::once(i).chain(members) {
                self.hold_in_context(ctx, j, day, tr.service, false);
            }
        }
    }

    /// Opens (or closes) one in-context hold of service s for person j; attempts made
    /// while at least one is open are denied in context.
    fn hold_in_context(&mut self, ctx: &Ctx<'_>, j: u32, day: u32, s: usize, open: bool) {
        let slot = ctx.slot_of[s][TreatmentKind::Sanction as usize];
        let idx = j as usize * ctx.slots.len() + slot;
        let word = self.lives.in_context[idx];
        let holders = word >> SINCE_BITS;
        if open {
            let since = if holders == 0 { day } else { word & SINCE_MASK };
            self.lives.in_context[idx] = (holders + 1) << SINCE_BITS | since;
        } else if holders > 0 {
            let since = word & SINCE_MASK;
            self.lives.in_context[idx] = (holders - 1) << SINCE_BITS | since;
            if holders == 1 {
                let n = self.attempts_between(ctx, j, s, since, day);
                self.lives.group.denied_in_context += n;
            }
        }
    }

    /// Closes the horizon: counts attempts of restrictions still open.
    fn finish(&mut self, ctx: &Ctx<'_>) {
        let days = ctx.model.days;
        self.advance_to(days);
        for i in 0..self.act_seq.len() {
            if self.sanctions_held[i] > 0 {
                self.lives.sanction_days[i] += days - self.lives.sanction_since[i];
            }
            if self.lives.lists_on[i] > 0 {
                self.lives.listed_days[i] += days - self.lives.listed_since[i];
            }
            let mut sanctions = self.active[i] & ctx.sanction_treatments;
            while sanctions != 0 {
                let t = sanctions.trailing_zeros() as usize;
                sanctions &= sanctions - 1;
                self.end_spell(ctx, i as u32, days, t);
            }
        }
        if !ctx.full {
            return; // counterfactuals count no attempts
        }
        let slots = ctx.slots.len();
        for j in 0..self.act_seq.len() {
            for (slot, &(s, kind)) in ctx.slots.iter().enumerate() {
                let word = self.holds[j * slots + slot];
                if kind == TreatmentKind::Sanction && word >> SINCE_BITS > 0 {
                    let since = word & SINCE_MASK;
                    self.count_denied(ctx, j as u32, s, since, ctx.model.days);
                }
            }
        }
    }
}

/// The audit's view of a finished chunk.
impl ChunkSim {
    /// Ever sanctioned, sanction-days, ever listed, ever in the lowest grade.
    fn outcome(&self, ctx: &Ctx<'_>, i: usize) -> (bool, u32, bool, bool) {
        let ever = self.ever[i];
        let (sanctioned, listed, lowest) = ctx.outcome_bits;
        (
            ever & sanctioned != 0,
            self.lives.sanction_days[i],
            ever & listed != 0,
            ever & lowest != 0,
        )
    }

    /// The persons-table rows of this chunk.
    fn person_batch(&self, ctx: &Ctx<'_>, table: PersonsTable) -> PersonBatch {
        let m = ctx.model;
        let a = m.attributes.len();
        let mut b = PersonBatch {
            attributes: vec![Vec::new(); a],
            ..PersonBatch::default()
        };
        let first_household = self.household_offset;
        for i in 0..self.act_seq.len() {
            let person = self.first_person + i as u32;
            if let PersonsTable::Sample(p) = table
                && ctx
                    .keys
                    .stream(Purpose::Sample, 0, person as u64, 0)
                    .uniform()
                    >= p
            {
                continue;
            }
            let (sanctioned, days, _, lowest) = self.outcome(ctx, i);
            b.person.push(person);
            b.household.push(first_household + self.household[i]);
            for (x, col) in b.attributes.iter_mut().enumerate() {
                col.push(self.attrs[i * a + x]);
            }
            b.score
                .push(m.score.as_ref().map(|r| r.score(self.points[i])));
            b.grade
                .push((self.grade[i] != NO_GRADE).then_some(self.grade[i]));
            for (p, col) in b.records.iter_mut().enumerate() {
                col.push(self.lives.records[3 * i + p]);
            }
            b.sanction_days.push(days);
            b.listed_days.push(self.lives.listed_days[i]);
            b.ever_lowest_grade.push(lowest);
            b.ever_sanctioned.push(sanctioned);
        }
        b
    }

    /// The households a counterfactual must simulate again, per local household (None:
    /// all of them). Without errors, protected records or scrutiny, or with equal
    /// capture, a household the mechanism never reached in the factual run (no
    /// erroneous record, no protected record, nobody under scrutiny, no act whose
    /// capture equal capture would decide otherwise) lives exactly as in it: by induction
    /// over its events in time order, the same state gives the same capture
    /// probabilities, the same keyed draws give the same records, and nothing else
    /// differs. Households join the set when they are linked to it by a misattributed
    /// record (either way), and when the counterfactual itself misattributes into them
    /// ([`Self::widen`]). Chunk-major schedule only (the epoch-major schedule simulates
    /// every household: coupled mechanisms reach across them). Tested equal to simulating everyone in
    /// `restricted_counterfactuals_equal_full_ones`.
    fn reached_households(&self, variant: Variant) -> Option<Vec<bool>> {
        let bit = match variant {
            Variant::NoErrors => REACHED_BY_ERRORS,
            Variant::NoProtected => REACHED_BY_PROTECTED,
            Variant::NoScrutiny => REACHED_BY_SCRUTINY,
            Variant::EqualCapture => REACHED_BY_CAPTURE,
            _ => return None,
        };
        if self.reached.is_empty() {
            return None;
        }
        let mut households = vec![false; self.household_start.len() - 1];
        for (i, &r) in self.reached.iter().enumerate() {
            if r & bit != 0 {
                households[self.household[i] as usize] = true;
            }
        }
        self.close_over_misattributions(&mut households);
        Some(households)
    }

    /// Adds the households that records misattributed in a counterfactual landed in;
    /// returns whether any was added (the counterfactual must then run again).
    fn widen(&self, households: &mut [bool], misattributions: &[(u32, u32)]) -> bool {
        let mut added = false;
        for &(_, target) in misattributions {
            let h = self.household[target as usize] as usize;
            if !households[h] {
                households[h] = true;
                added = true;
            }
        }
        if added {
            self.close_over_misattributions(households);
        }
        added
    }

    /// Extends a set of households to every household linked to it by a record the
    /// factual run misattributed (from either side).
    fn close_over_misattributions(&self, households: &mut [bool]) {
        loop {
            let mut changed = false;
            for &(actor, target) in &self.misattributions {
                let (a, t) = (
                    self.household[actor as usize] as usize,
                    self.household[target as usize] as usize,
                );
                if households[a] != households[t] {
                    households[a] = true;
                    households[t] = true;
                    changed = true;
                }
            }
            if !changed {
                return;
            }
        }
    }

    /// Whether switching a mechanism off can change anything in this chunk; when it
    /// cannot, the counterfactual equals the factual run and is not simulated.
    fn variant_matters(&self, ctx: &Ctx<'_>, variant: Variant) -> bool {
        match variant {
            Variant::Factual => false,
            Variant::NoErrors => self.lives.errors_seen > 0,
            Variant::NoProtected => self.lives.protected_seen > 0,
            Variant::NoScrutiny => self.tally.ever[ctx.layout.ever_scrutiny()] > 0,
            Variant::EqualCapture => true,
            Variant::NoAppeals | Variant::NoAppealsNoErrors => {
                self.tally.responses.appealed != [0; 2]
                    || self.tally.responses.repaired != [0; 2]
                    || (variant == Variant::NoAppealsNoErrors && self.lives.errors_seen > 0)
            }
            // Coupled mechanisms never reach the chunk-major schedule; deterrence alone
            // matters where someone was deterred.
            Variant::InstantAppeals | Variant::InstantAppealsNoErrors | Variant::NoAssociation => {
                true
            }
            // Some act was thinned (by deterrence or chilling).
            Variant::NoResponses => {
                self.tally.responses.candidate_acts != self.tally.responses.performed_acts
            }
        }
    }

    /// Adds the factual run's per-person outcomes to an audit group.
    fn audit_factual(&self, ctx: &Ctx<'_>, g: &mut GroupTally) {
        let m = ctx.model;
        g.merge(&self.lives.group);
        g.responses.merge(&self.tally.responses);
        g.records += self.tally.records().iter().sum::<u64>();
        g.denied += self.tally.denied.iter().sum::<u64>();
        let a = m.attributes.len();
        let offsets = category_offsets(m);
        let n = self.act_seq.len();
        g.persons += n as u64;
        for i in 0..n {
            let (sanctioned, days, listed, lowest) = self.outcome(ctx, i);
            g.sanction_days += days as u64;
            if days > 0 {
                g.days_histogram[days as usize] += 1;
            }
            if sanctioned {
                g.sanctioned += 1;
                if !self.lives.ever_own[i] {
                    g.spill_only += 1;
                    g.spill_only_days += days as u64;
                }
            }
            g.listed += listed as u64;
            g.lowest += lowest as u64;
            for (x, &o) in offsets.iter().enumerate() {
                let c = &mut g.categories[o + self.attrs[i * a + x] as usize];
                c[0] += 1;
                c[1] += sanctioned as u64;
                c[2] += listed as u64;
                c[3] += lowest as u64;
            }
            let stay = |entry: u32, exit: u32| {
                (entry != NEVER).then(|| {
                    if exit == NEVER {
                        (m.days - entry, true)
                    } else {
                        (exit - entry, false)
                    }
                })
            };
            if let Some(x) = stay(self.lives.low_entry[i], self.lives.low_exit[i]) {
                g.low_stays.push(x);
            }
            if let Some(x) = stay(self.lives.list_entry[i], self.lives.list_exit[i]) {
                g.list_stays.push(x);
            }
        }
    }

    /// Adds the comparison with a counterfactual run of the same chunk (None: the
    /// counterfactual is known to equal the factual run).
    ///
    /// With `only`, the counterfactual simulated those households alone; everyone else
    /// lived as in the factual run (see [`Self::reached_households`]).
    fn audit_contrast(
        &self,
        ctx: &Ctx<'_>,
        variant: Variant,
        other: Option<&ChunkSim>,
        only: Option<&[bool]>,
        g: &mut GroupTally,
    ) {
        let cf = other.unwrap_or(self);
        // Person i's index in the counterfactual run, if it simulated them.
        let simulated = |i: usize| match (other, only) {
            (Some(v), Some(_)) => v.local_of(i as u32).map(|x| x as usize),
            (_, Some(h)) => h[self.household[i] as usize].then_some(i),
            (_, None) => Some(i),
        };
        let n = self.act_seq.len();
        if variant == Variant::EqualCapture {
            let m = ctx.model;
            let a = m.attributes.len();
            let offsets = category_offsets(m);
            for i in 0..n {
                let (sanctioned, _, listed, lowest) = match simulated(i) {
                    Some(x) => cf.outcome(ctx, x),
                    None => self.outcome(ctx, i),
                };
                for (x, &o) in offsets.iter().enumerate() {
                    let c = &mut g.categories_equal[o + self.attrs[i * a + x] as usize];
                    c[0] += 1;
                    c[1] += sanctioned as u64;
                    c[2] += listed as u64;
                    c[3] += lowest as u64;
                }
            }
            return;
        }
        let c = match variant {
            Variant::NoErrors => &mut g.no_errors,
            Variant::NoScrutiny => &mut g.no_scrutiny,
            Variant::NoProtected => &mut g.no_protected,
            Variant::NoAppeals => &mut g.no_appeals,
            Variant::NoAppealsNoErrors => &mut g.no_appeals_no_errors,
            Variant::InstantAppeals => &mut g.instant_appeals,
            Variant::InstantAppealsNoErrors => &mut g.instant_appeals_no_errors,
            Variant::NoResponses => &mut g.no_responses,
            Variant::NoAssociation => &mut g.no_association,
            Variant::Factual | Variant::EqualCapture => return,
        };
        c.records += cf.tally.records().iter().sum::<u64>();
        for i in 0..n {
            let (fs, fd, fl, _) = self.outcome(ctx, i);
            let (vs, vd, vl, _) = if let Some(x) = simulated(i) {
                cf.outcome(ctx, x)
            } else {
                c.records += self.lives.records[3 * i..3 * i + 3]
                    .iter()
                    .map(|&r| r as u64)
                    .sum::<u64>();
                (fs, fd, fl, false)
            };
            c.sanctioned += vs as u64;
            c.sanction_days += vd as u64;
            c.only_factual += (fs && !vs) as u64;
            c.only_counterfactual += (vs && !fs) as u64;
            c.excess_days += fd.saturating_sub(vd) as u64;
            c.spared_days += vd.saturating_sub(fd) as u64;
            c.listed += vl as u64;
            c.listed_only_factual += (fl && !vl) as u64;
        }
    }
}

/// One service's attempts: a Poisson process per person, cut into blocks of days
/// each keyed by (person, service, block) so that the same attempts exist whatever the
/// person's status (common random numbers) and any interval can be read without
/// generating the whole horizon.
#[derive(Debug, Clone, Copy)]
struct AttemptProcess {
    /// Attempts per day.
    rate: f64,
    /// Days per block: the horizon when few attempts are expected in it, else about
    /// four attempts' worth, so reading an interval costs O(1 + attempts in it).
    block_days: u32,
    /// Probability of no attempt in a whole block, e^(−rate·block_days).
    none_in_block: f64,
}

impl AttemptProcess {
    /// Expected attempts per block above which the horizon is cut into shorter blocks.
    const PER_BLOCK: f64 = 4.0;

    fn new(rate: f64, days: u32) -> Self {
        let rate = if rate.is_finite() { rate.max(0.0) } else { 0.0 };
        let block_days = if rate * days as f64 <= Self::PER_BLOCK {
            days.max(1)
        } else {
            ((Self::PER_BLOCK / rate) as u32).clamp(1, days.max(1))
        };
        AttemptProcess {
            rate,
            block_days,
            none_in_block: (-rate * block_days as f64).exp(),
        }
    }
}

/// Calls `f(day)` for each attempt of a person at service `s` on days [from, to).
/// Within a block the attempts are the arrival times of the process (exponential
/// gaps from the block's start); the first gap is drawn by inversion from one uniform,
/// so a block without attempts (the common case at the presets' rates) costs one
/// keyed hash and one comparison.
fn for_each_attempt(
    ctx: &Ctx<'_>,
    person: u32,
    s: usize,
    from: u32,
    to: u32,
    mut f: impl FnMut(u32),
) {
    let process = &ctx.attempts[s];
    if process.rate <= 0.0 || to <= from {
        return;
    }
    let len = process.block_days;
    for block in from / len..=(to - 1) / len {
        let mut st = ctx
            .keys
            .stream(Purpose::Attempts, s as u32, person as u64, block as u64);
        let u = st.open_uniform();
        if u <= process.none_in_block {
            continue; // the first arrival falls beyond the block
        }
        let start = block * len;
        let end = to.min(start.saturating_add(len));
        let mut t = start as f64 - u.ln() / process.rate;
        while t < end as f64 {
            let d = t as u32;
            if d >= from {
                f(d);
            }
            t += st.exponential() / process.rate;
        }
    }
}

/// Bytes of state per person of a chunk being simulated: the per-person arrays plus
/// pending events (each person always has one pending act; records in the reporting
/// pipeline, expiries and list ends add to that: 1.5 events per person covers the
/// presets, heap and bucket slack included).
pub fn chunk_bytes_per_person(model: &Model) -> f64 {
    let lists = model.lists.len();
    let scored = if model.score.is_some() {
        model.domains.len()
    } else {
        0
    };
    let slots = Ctx::new(model, Variant::Factual).slots.len();
    let arrays = 4 // household
        + model.attributes.len() // attributes
        + 8 // points
        + 1 // grade
        + 8 * lists // list_until + list_cause
        + 4 // scrutiny_until
        + 4 // active treatments
        + 2 // sanctions held
        + 4 * scored // active scored records per domain
        + 4 * slots // treatment holds
        + 4 // ever flags
        + 4 // act counter
        + 8; // behaviour multiplier
    arrays as f64 + 1.5 * std::mem::size_of::<Event>() as f64
}

/// Bytes per person of what a simulated chunk keeps for the audit and the responses,
/// beyond [`chunk_bytes_per_person`]: per-person outcomes (`Lives`; spells, in-context
/// holds, year-end grades and record counts only in the factual run), kept adverse
/// records (16 bytes each, at the expected number per person), deterrence and chilling
/// state, and the watch state of contacts triggers.
pub fn outcome_bytes_per_person(model: &Model, factual: bool) -> f64 {
    let ctx = Ctx::new(model, Variant::Factual);
    let t = model.treatments.len();
    let slots = ctx.slots.len();
    let lives = 4 + 4 + 2 + 1 + 4 * 4 + 1 + 4 + 4 // days, since, held, ever, stays, lists
        + if factual { 1 + 8 * t + 4 * slots + 12 + 1 } else { 0 }; // … records, reached
    let responses = 4 * ctx.deterrence_slots
        + if ctx.chilling.is_some() { 2 } else { 0 }
        + if ctx.watched.is_empty() { 0 } else { 4 + 1 + 1 }
        + if ctx.contact_lists.is_empty() { 0 } else { 1 }
        + if ctx.track_records { 4 } else { 0 };
    let records = if ctx.track_records {
        16.0 * expected_adverse_records_per_person(model)
    } else {
        0.0
    };
    (lives + responses) as f64 + records
}

/// Expected adverse records per person over the horizon (mean multipliers of 1): every
/// source's captures of adverse behaviours, plus its false records.
fn expected_adverse_records_per_person(model: &Model) -> f64 {
    let days = model.days as f64;
    let genuine: f64 = model
        .behaviours
        .iter()
        .filter(|b| b.adverse())
        .map(|b| b.rate_per_day * days * b.observers.iter().map(|o| o.capture).sum::<f64>())
        .sum();
    let false_records: f64 = model
        .sources
        .iter()
        .map(|s| s.false_rate_per_day * days)
        .sum();
    genuine + false_records
}

/// Bytes per person of the events a chunk holds when every period's events are
/// bucketed ahead (epoch-major): the factual run's pending events plus, for a
/// counterfactual, its replayed acts (at most every act) and the factual run's record
/// of them (16 bytes each).
fn replay_bytes_per_person(model: &Model) -> f64 {
    let acts: f64 = model
        .behaviours
        .iter()
        .map(|b| b.rate_per_day * model.days as f64)
        .sum();
    acts * (std::mem::size_of::<Event>() as f64 + 16.0)
}

/// Memory a run needs, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct MemoryEstimate {
    /// Kept for the whole run, per person: household boundaries (4 bytes per household)
    /// and, when a mechanism couples the population (epoch-major schedule), every
    /// person's simulation state: the factual run's and one counterfactual's.
    pub persistent_per_person: f64,
    /// Kept for the whole run in all.
    pub persistent: u64,
    /// Chunks being simulated and the threads' tallies, independent of the population size.
    pub in_flight: u64,
    /// The scenario couples persons across the population, so all of them stay in memory.
    pub coupled: bool,
}

impl MemoryEstimate {
    /// The estimate for a model run with its audit on `threads` threads.
    pub fn new(model: &Model, threads: usize) -> MemoryEstimate {
        Self::for_run(model, threads, true)
    }

    /// The estimate for a model run on `threads` threads, with or without the audit.
    pub fn for_run(model: &Model, threads: usize, audit: bool) -> MemoryEstimate {
        let mean_household = model.mean_household_size();
        let mut persistent_per_person =
            4.0 * 1.01 / mean_household.max(1.0) + 16.0 / CHUNK_PERSONS as f64;
        let tally = (model.period_ends.len()
            * (Layout::of(model).len() + 4 * model.services.len() + model.treatments.len() + 24)
            * 8) as f64;
        let per_person = chunk_bytes_per_person(model) + outcome_bytes_per_person(model, true);
        let chunk = CHUNK_PERSONS as f64 * 1.5 * per_person + tally;
        let coupled = model.coupled();
        if coupled {
            persistent_per_person += per_person;
            if audit {
                persistent_per_person += chunk_bytes_per_person(model)
                    + outcome_bytes_per_person(model, false)
                    + replay_bytes_per_person(model);
            }
            if model.lists.iter().any(|l| l.contacts.is_some()) {
                persistent_per_person += 5.0; // contacts holding each status, triggers met
            }
            // One tally per chunk.
            persistent_per_person += tally / CHUNK_PERSONS as f64;
        }
        MemoryEstimate {
            persistent_per_person,
            persistent: (model.persons as f64 * persistent_per_person) as u64,
            // Two tallies per thread (the chunk's and the fold accumulator), the binary
            // and allocator overhead; epoch-major runs keep one tally per chunk instead.
            in_flight: (threads as f64 * (chunk + tally) + 32e6) as u64,
            coupled,
        }
    }

    /// Total bytes.
    pub fn total(&self) -> u64 {
        self.persistent + self.in_flight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simulate_chunk(ctx: &Ctx<'_>, pop: &Population, replay: Option<&ChunkSim>) -> ChunkSim {
        ChunkSim::simulate(ctx, pop, &pop.chunks[0], replay, None)
    }

    /// A preset with the given persons (and years).
    fn preset(name: &str, persons: u64, years: Option<u32>) -> Model {
        let overrides = credsim_model::Overrides {
            persons: Some(persons),
            years,
            ..Default::default()
        };
        credsim_model::presets::load(name, &overrides)
            .expect("preset")
            .model
    }

    /// Every preset with the given persons (and years).
    fn every_preset(persons: u64, years: Option<u32>) -> Vec<Model> {
        credsim_model::presets::ALL
            .iter()
            .map(|p| preset(p.name, persons, years))
            .collect()
    }

    fn same_lives(a: &ChunkSim, b: &ChunkSim, ctx: &Ctx<'_>, what: &str) {
        assert_eq!(a.tally, b.tally, "{what}: tally");
        assert_eq!(a.lives.group, b.lives.group, "{what}: audit counts");
        assert_eq!(a.lives.sanction_days, b.lives.sanction_days, "{what}");
        assert_eq!(a.lives.listed_days, b.lives.listed_days, "{what}");
        assert_eq!(a.lives.records, b.lives.records, "{what}");
        for i in 0..a.act_seq.len() {
            assert_eq!(a.outcome(ctx, i), b.outcome(ctx, i), "{what}: person {i}");
        }
    }

    /// Deriving day 0 once per chunk (when it is everyone's) gives exactly the lives of
    /// deriving it person by person, factual and counterfactual, for every preset and
    /// for a day-0 treatment that reaches the household (where the copy must not be
    /// used).
    #[test]
    fn day0_template_equals_per_person() {
        let mut models = every_preset(20_000, Some(3));
        let mut household = models[0].clone();
        for t in &mut household.treatments {
            t.household = true;
        }
        models.push(household);
        for m in &models {
            let fast = Ctx::new(m, Variant::Factual);
            let mut slow = Ctx::new(m, Variant::Factual);
            slow.day0_template = false;
            let pop = Population::build(m, &fast.keys);
            let a = simulate_chunk(&fast, &pop, None);
            let b = simulate_chunk(&slow, &pop, None);
            same_lives(&a, &b, &fast, &m.name);
            for v in Variant::applicable(m) {
                let vf = Ctx::new(m, v);
                let mut vs = Ctx::new(m, v);
                vs.day0_template = false;
                let x = simulate_chunk(&vf, &pop, Some(&a));
                let y = simulate_chunk(&vs, &pop, Some(&b));
                same_lives(&x, &y, &vf, &format!("{} {}", m.name, v.name()));
            }
        }
    }

    /// Granted attempts, drawn per chunk and period, are Poisson(rate × rewarded
    /// person-days) in total for each service (suining-2010: every service has a
    /// reward; 30,000 persons, 10 years; four standard deviations), and the periods add
    /// up to the total.
    #[test]
    fn granted_attempts_follow_rewarded_time() {
        let m = preset("suining-2010", 30_000, None);
        let options = Options {
            audit: false,
            ..Options::default()
        };
        let cancel = AtomicBool::new(false);
        let control = Control {
            cancel: &cancel,
            progress: &|_, _| {},
            persons: None,
            records: None,
        };
        let o = run_with(&m, &control, options).expect("run");
        let ctx = Ctx::new(&m, Variant::Factual);
        let mut checked = 0;
        for (s, service) in m.services.iter().enumerate() {
            if ctx.slot_of[s][TreatmentKind::Reward as usize] == usize::MAX {
                continue;
            }
            let days = o.tally.occupancy_days[ctx.layout.rewarded(s)] as f64;
            let expected = service.attempts_per_day * days;
            let got = o.tally.granted[s] as f64;
            assert!(expected > 100.0, "{}: too few expected", service.id);
            assert!(
                (got - expected).abs() <= 4.0 * expected.sqrt(),
                "{}: granted {got} vs {expected}",
                service.id
            );
            let by_period: u64 = o.tally.periods.iter().map(|p| p.granted[s]).sum();
            assert_eq!(by_period, o.tally.granted[s]);
            checked += 1;
        }
        assert!(checked > 0);
    }

    /// A counterfactual simulated for the households its mechanism reached (widened
    /// until closed) gives every person the outcome of simulating the whole chunk,
    /// and the same number of records, for every preset and for a scenario where
    /// misattribution is frequent and scrutiny stops capture (so that the widening is
    /// exercised).
    #[test]
    fn restricted_counterfactuals_equal_full_ones() {
        let mut models = every_preset(20_000, None);
        let mut misattributing = models[0].clone();
        for src in &mut misattributing.sources {
            src.misattribution = 0.02;
        }
        // Scrutiny (from grade B) that stops capture: the no-scrutiny counterfactual then
        // records acts the factual run did not, and misattributes some of them outside
        // the households first simulated (the widening).
        if let Some(sc) = &mut misattributing.scrutiny {
            sc.trigger = credsim_model::Status::Grade(1);
            sc.capture_multiplier = 0.0;
        }
        misattributing
            .name
            .push_str(" (misattribution 0.02, scrutiny from grade B stops capture)");
        models.push(misattributing);
        // Everyone under scrutiny from day 0 for the whole horizon: day 0 is derived once
        // for the chunk and copied (nothing is scheduled), so the copy must carry who the
        // mechanism reached.
        let mut watched = preset("suining-2010", 20_000, Some(1));
        let start = watched.score.as_ref().and_then(|r| r.grade(r.score(0)));
        if let (Some(sc), Some(g)) = (&mut watched.scrutiny, start) {
            sc.trigger = credsim_model::Status::Grade(g);
            sc.duration_days = watched.days;
        }
        watched
            .name
            .push_str(" (everyone under scrutiny from day 0, one year)");
        models.push(watched);
        let (mut restricted, mut widened) = (0, 0);
        for m in models.iter().filter(|m| !m.coupled()) {
            let ctx = Ctx::new(m, Variant::Factual);
            let pop = Population::build(m, &ctx.keys);
            for range in &pop.chunks {
                let run = |vctx: &Ctx<'_>, replay: Option<&ChunkSim>, only: Option<&[bool]>| {
                    ChunkSim::simulate(vctx, &pop, range, replay, only)
                };
                let f = run(&ctx, None, None);
                for v in Variant::applicable(m) {
                    let Some(mut only) = f.reached_households(v) else {
                        continue;
                    };
                    let vctx = Ctx::new(m, v);
                    let full = run(&vctx, Some(&f), None);
                    let part = loop {
                        let part = run(&vctx, Some(&f), Some(&only));
                        if !f.widen(&mut only, &part.misattributions) {
                            break part;
                        }
                        widened += 1;
                    };
                    restricted += only.iter().filter(|&&h| !h).count();
                    let kept: usize = (0..only.len())
                        .filter(|&h| only[h])
                        .map(|h| (f.household_start[h + 1] - f.household_start[h]) as usize)
                        .sum();
                    assert_eq!(
                        part.act_seq.len(),
                        kept,
                        "holds the households simulated only"
                    );
                    let mut records = part.tally.records().iter().sum::<u64>();
                    for i in 0..f.act_seq.len() {
                        let what = format!("{} {} person {i}", m.name, v.name());
                        if only[f.household[i] as usize] {
                            let x = part.local_of(i as u32).expect("simulated") as usize;
                            assert_eq!(part.outcome(&vctx, x), full.outcome(&vctx, i), "{what}");
                        } else {
                            assert_eq!(f.outcome(&ctx, i), full.outcome(&vctx, i), "{what}");
                            records += f.lives.records[3 * i..3 * i + 3]
                                .iter()
                                .map(|&r| r as u64)
                                .sum::<u64>();
                        }
                    }
                    let all = full.tally.records().iter().sum::<u64>();
                    assert_eq!(records, all, "{} {}: records", m.name, v.name());
                }
            }
        }
        assert!(restricted > 0, "no household was left out");
        assert!(widened > 0, "the widening was never exercised");
    }

    fn model(attempts_per_year: f64) -> Model {
        let toml = format!(
            r#"
domains = ["d"]
[scenario]
name = "attempts"
[simulation]
years = 10
seed = 5
[population]
persons = 10
[[behaviours]]
id = "b"
domain = "d"
rate_per_year = 0.0
[[sources]]
id = "s"
capture = {{ b = 1.0 }}
[[services]]
id = "v"
domain = "d"
attempts_per_year = {attempts_per_year}
"#
        );
        credsim_model::load(&toml, "test", &credsim_model::Overrides::default())
            .unwrap_or_else(|e| panic!("{e}"))
            .model
    }

    /// Attempts over [0, T) are Poisson(rate·T) in mean and variance (within four
    /// standard errors over 20,000 persons), and counting [0, c) and [c, T) separately
    /// finds exactly the attempts of [0, T): one process, whatever the intervals asked.
    #[test]
    fn attempt_process_is_poisson_and_additive() {
        for per_year in [0.05, 3.0] {
            let m = model(per_year);
            let ctx = Ctx::new(&m, Variant::Factual);
            let mean = per_year * m.days as f64 / 365.0;
            let n = 20_000u32;
            let (mut sum, mut sum_sq) = (0.0, 0.0);
            for person in 0..n {
                let mut whole = Vec::new();
                for_each_attempt(&ctx, person, 0, 0, m.days, |d| whole.push(d));
                let cut = (person * 7) % m.days;
                let mut parts = Vec::new();
                for_each_attempt(&ctx, person, 0, 0, cut, |d| parts.push(d));
                for_each_attempt(&ctx, person, 0, cut, m.days, |d| parts.push(d));
                assert_eq!(whole, parts, "person {person}, cut at {cut}");
                let k = whole.len() as f64;
                sum += k;
                sum_sq += k * k;
            }
            let avg = sum / n as f64;
            let var = sum_sq / n as f64 - avg * avg;
            let se = (mean / n as f64).sqrt();
            assert!(
                (avg - mean).abs() < 4.0 * se,
                "{per_year}/y: mean {avg} vs {mean}"
            );
            // Var of the sample variance of a Poisson: (μ + 2μ²)/n.
            let se_var = ((mean + 2.0 * mean * mean) / n as f64).sqrt();
            assert!(
                (var - mean).abs() < 4.0 * se_var,
                "{per_year}/y: var {var} vs {mean}"
            );
        }
    }
}
