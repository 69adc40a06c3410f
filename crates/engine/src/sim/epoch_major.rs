//! The epoch-major schedule and the population-wide mechanisms it makes possible.
//!
//! Every chunk advances one reporting period; then, between periods, one sequential
//! step couples them: the review office takes appeals in the order filed, as many as
//! its capacity allows ([`Coupling::review`]); the chilling factor for the next period
//! follows from the share of persons penalised for protected conduct
//! ([`Coupling::chill`]); and changes in contacts' statuses reach the persons who know
//! them ([`Coupling::associate`]). Everything exchanged is integer counts or lists put
//! in a fixed order (by day and person id), so results do not depend on the thread
//! count. The audit's counterfactuals run the same schedule, each with its own
//! coupling: without errors, the review queue is shorter too.

use super::*;
use crate::network::Network;
use std::collections::VecDeque;

/// Runs a model period by period (all chunks in memory), with its audit.
pub(super) fn run_epoch_major(
    ctx: &Ctx<'_>,
    pop: &Population,
    control: &Control<'_>,
    options: Options,
) -> Result<Outcome, Cancelled> {
    let model = ctx.model;
    let variants = Ctx::counterfactuals(model, options.audit);
    let total = pop.chunks.len();
    let runs = 1 + variants.len();
    let periods = model.period_ends.len();
    // Progress in chunk units: each run is an equal share of the work.
    let progress = |run: usize, k: usize| {
        let done = (run * periods + k + 1) * total / (runs * periods);
        (control.progress)(done, total);
        if control.cancel.load(AtomicOrdering::Relaxed) {
            Err(Cancelled { done, total })
        } else {
            Ok(())
        }
    };
    let (mut factual, coupling) = simulate(ctx, pop, None, |k| progress(0, k))?;
    let mut tally = Tally::new(model);
    for c in &factual {
        tally.merge(&c.tally);
    }
    coupling.write_queue(&mut tally);
    let audit = if options.audit {
        let mut a = AuditTally::new(model);
        for (index, c) in factual.iter().enumerate() {
            c.audit_factual(ctx, &mut a.groups[index % crate::audit::GROUPS]);
        }
        for (r, vctx) in variants.iter().enumerate() {
            // Where the mechanism acted nowhere, the counterfactual is the factual run.
            if !factual.iter().any(|c| c.variant_matters(ctx, vctx.variant)) {
                for (index, f) in factual.iter().enumerate() {
                    let group = &mut a.groups[index % crate::audit::GROUPS];
                    f.audit_contrast(ctx, vctx.variant, None, None, group);
                }
                continue;
            }
            let (other, _) = simulate(vctx, pop, Some(&factual), |k| progress(r + 1, k))?;
            for (index, (f, v)) in factual.iter().zip(&other).enumerate() {
                let group = &mut a.groups[index % crate::audit::GROUPS];
                f.audit_contrast(ctx, vctx.variant, Some(v), None, group);
            }
        }
        a.queue_at_end = tally.responses.queue;
        Some(a)
    } else {
        None
    };
    if let Some(sink) = control.persons
        && options.persons_table != PersonsTable::None
    {
        for (index, c) in factual.iter().enumerate() {
            sink(index, c.person_batch(ctx, options.persons_table));
        }
    }
    if let Some(sink) = control.records {
        for (index, c) in factual.iter_mut().enumerate() {
            if let Some(log) = c.record_log.take() {
                sink(index, log);
            }
        }
    }
    Ok(Outcome {
        households: pop.households() as u64,
        chunks: total,
        tally,
        audit,
        chilling: if model.chilling.is_some() {
            coupling.chill_factors
        } else {
            Vec::new()
        },
    })
}

/// Simulates every chunk period by period, coupling them between periods. With
/// `replay`, each chunk replays the factual run's chunk of the same index.
fn simulate(
    ctx: &Ctx<'_>,
    pop: &Population,
    replay: Option<&[ChunkSim]>,
    mut after_period: impl FnMut(usize) -> Result<(), Cancelled>,
) -> Result<(Vec<ChunkSim>, Coupling), Cancelled> {
    let mut chunks: Vec<ChunkSim> = pop
        .chunks
        .par_iter()
        .enumerate()
        .map(|(index, range)| ChunkSim::new(ctx, pop, range, replay.map(|f| &f[index]), None))
        .collect();
    let mut coupling = Coupling::new(ctx, &chunks);
    for k in 0..ctx.model.period_ends.len() {
        chunks.par_iter_mut().for_each(|c| c.advance(ctx, k));
        coupling.review(ctx, k, &mut chunks);
        coupling.chill(ctx, k, &mut chunks);
        coupling.associate(ctx, pop, k, &mut chunks);
        after_period(k)?;
    }
    chunks.par_iter_mut().for_each(|c| c.finish(ctx));
    Ok((chunks, coupling))
}

/// The population-wide state kept between periods.
struct Coupling {
    /// Appeals waiting for a review, first come first served: (filing day, person id,
    /// chunk, record).
    queue: VecDeque<(u32, u32, u32, u32)>,
    /// Reviews the office could have started up to the last boundary.
    capacity_used: u64,
    /// Appeals waiting at the end of each period.
    queue_by_period: Vec<u64>,
    /// Persons per chilling category.
    chill_persons: Vec<u64>,
    /// The chilling factor in force in each period, per category.
    chill_factors: Vec<Vec<f64>>,
    /// The contact graph (with contacts triggers in effect).
    network: Option<Network>,
    /// Per person and watched status: contacts holding it.
    contacts_holding: Vec<u32>,
    /// Per person: bit c set while contacts trigger c is met (as delivered).
    met: Vec<u8>,
}

impl Coupling {
    fn new(ctx: &Ctx<'_>, chunks: &[ChunkSim]) -> Coupling {
        let m = ctx.model;
        let mut chill_persons = vec![0; ctx.chill_categories];
        for c in chunks {
            for (x, y) in chill_persons.iter_mut().zip(&c.chill_persons) {
                *x += y;
            }
        }
        let network = m
            .network
            .as_ref()
            .filter(|_| !ctx.contact_lists.is_empty())
            .map(|rules| Network::new(rules, m.persons, ctx.keys));
        let persons = if network.is_some() {
            m.persons as usize
        } else {
            0
        };
        Coupling {
            queue: VecDeque::new(),
            capacity_used: 0,
            queue_by_period: vec![0; m.period_ends.len()],
            chill_factors: vec![vec![1.0; ctx.chill_categories]; m.period_ends.len()],
            chill_persons,
            network,
            contacts_holding: vec![0; persons * ctx.watched.len()],
            met: vec![0; persons],
        }
    }

    /// The review office at the end of period k: appeals filed in the period join the
    /// queue in (day, person) order; the period's capacity C starts reviews from the
    /// head, spread evenly over the period (the i-th on day start + ⌊i·length/C⌋, or on
    /// its filing day if that is later). A review ends `processing_days` after it
    /// starts, and at the earliest at the boundary (a decision cannot reach into a
    /// period already simulated).
    fn review(&mut self, ctx: &Ctx<'_>, k: usize, chunks: &mut [ChunkSim]) {
        let Some(rules) = ctx.appeals.filter(|_| !ctx.instant_appeals) else {
            return;
        };
        let m = ctx.model;
        let mut filed = Vec::new();
        for (index, c) in chunks.iter_mut().enumerate() {
            for (day, record) in std::mem::take(&mut c.filed) {
                let person = c.first_person + c.recs[record as usize].person;
                filed.push((day, person, index as u32, record));
            }
        }
        filed.sort_unstable();
        self.queue.extend(filed);
        let end = m.period_ends[k];
        let start = if k == 0 { 0 } else { m.period_ends[k - 1] };
        let capacity = rules.capacity_until(end, m.persons);
        let available = capacity - self.capacity_used;
        self.capacity_used = capacity; // unused capacity is lost, not banked
        for i in 0..available {
            let Some((day, _, index, record)) = self.queue.pop_front() else {
                break;
            };
            let slot = start + (i * (end - start) as u64 / available) as u32;
            let decision = day.max(slot).saturating_add(rules.processing_days).max(end);
            chunks[index as usize].schedule_decision(ctx, record, day, decision);
        }
        self.queue_by_period[k] = self.queue.len() as u64;
    }

    /// Chilling after period k: the share of persons penalised for protected conduct
    /// in each category sets the factor for period k + 1 (a lag of one period).
    fn chill(&mut self, ctx: &Ctx<'_>, k: usize, chunks: &mut [ChunkSim]) {
        let Some(rules) = ctx.chilling else {
            return;
        };
        let mut penalised = vec![0u64; ctx.chill_categories];
        for c in chunks.iter_mut() {
            for (x, y) in penalised.iter_mut().zip(&mut c.chill_counts) {
                *x += std::mem::take(y);
            }
        }
        let factors: Vec<f64> = penalised
            .iter()
            .zip(&self.chill_persons)
            .map(|(&n, &of)| {
                if of == 0 {
                    1.0
                } else {
                    rules.factor(n as f64 / of as f64)
                }
            })
            .collect();
        if k + 1 < self.chill_factors.len() {
            self.chill_factors[k + 1].clone_from(&factors);
        }
        for c in chunks.iter_mut() {
            c.chill_factor.clone_from(&factors);
        }
    }

    /// Contacts after period k: each change in a person's watched statuses moves the
    /// counts of everyone who has them as a contact; persons whose count crosses a
    /// trigger's threshold enter or leave its list on the first day of period k + 1.
    fn associate(&mut self, ctx: &Ctx<'_>, pop: &Population, k: usize, chunks: &mut [ChunkSim]) {
        let Some(net) = &self.network else {
            return;
        };
        let watched = ctx.watched.len();
        let mut touched: Vec<u32> = Vec::new();
        for c in chunks.iter_mut() {
            for (person, before, now) in c.take_watch_changes(ctx) {
                for w in 0..watched {
                    let bit = 1u8 << w;
                    if (before ^ now) & bit == 0 {
                        continue;
                    }
                    let holds = now & bit != 0;
                    net.followers(person, |y| {
                        let n = &mut self.contacts_holding[y as usize * watched + w];
                        *n = if holds { *n + 1 } else { *n - 1 };
                        touched.push(y);
                    });
                }
            }
        }
        touched.sort_unstable();
        touched.dedup();
        let day = ctx.model.period_ends[k];
        for y in touched {
            for (c, &(_, w, at_least)) in ctx.contact_lists.iter().enumerate() {
                let met = self.contacts_holding[y as usize * watched + w] >= at_least;
                let bit = 1u8 << c;
                if met == (self.met[y as usize] & bit != 0) {
                    continue;
                }
                self.met[y as usize] ^= bit;
                let chunk = &mut chunks[pop.chunk_of(y)];
                let i = y - chunk.first_person;
                // The condition changes now, before the next period's first day: a term
                // ending that day renews only if it still holds.
                chunk.people.contacts_met[i as usize] ^= bit;
                if day < ctx.model.days {
                    chunk.push(
                        ctx,
                        day,
                        i,
                        What::Association {
                            contact_list: c as u8,
                            enter: met,
                        },
                    );
                }
            }
        }
    }

    /// Puts the queue lengths into the run's tally.
    fn write_queue(&self, tally: &mut Tally) {
        for (p, &q) in tally.periods.iter_mut().zip(&self.queue_by_period) {
            p.responses.queue = q;
        }
        tally.responses.queue = self.queue_by_period.last().copied().unwrap_or(0);
    }
}
