//! The epoch-major schedule and the population-wide mechanisms it makes possible.
//!
//! Every chunk advances one reporting period; then, between periods, one sequential
//! step couples them: the review office takes appeals in the order filed, as many as
//! its capacity allows ([`Office::review`]); the chilling factor for the next period
//! follows from the share of persons penalised for protected conduct
//! ([`Climate::chill`]); and changes in contacts' statuses reach the persons who know
//! them ([`Ties::associate`]). Everything exchanged is integer counts or lists put
//! in a fixed order (by day and person id), so results do not depend on the thread
//! count. The audit's counterfactuals run the same schedule, each with its own
//! coupling: without errors, the review queue is shorter too.

use super::appeals::Office;
use super::chilling::Climate;
use super::contacts::Ties;
use super::*;

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
    coupling.office.write_queue(&mut tally);
    let audit = if options.audit {
        let mut a = AuditTally::new(model);
        for (index, c) in factual.iter().enumerate() {
            c.audit_factual(ctx, &mut a.groups[index % crate::audit::GROUPS]);
        }
        for (r, vctx) in variants.iter().enumerate() {
            for (index, c) in factual.iter().enumerate() {
                let acted = c.variant_matters(ctx, vctx.variant);
                a.groups[index % crate::audit::GROUPS].note_acted(vctx.variant, acted);
            }
            // Where the mechanism acted nowhere, the counterfactual is the factual run.
            if !factual.iter().any(|c| c.variant_matters(ctx, vctx.variant)) {
                for (index, f) in factual.iter_mut().enumerate() {
                    let group = &mut a.groups[index % crate::audit::GROUPS];
                    f.audit_contrast(ctx, vctx.variant, None, None, group);
                }
                continue;
            }
            let (other, _) = simulate(vctx, pop, Some(&factual), |k| progress(r + 1, k))?;
            for (index, (f, v)) in factual.iter_mut().zip(&other).enumerate() {
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
        firms: None,
        households: pop.households() as u64,
        chunks: total,
        tally,
        audit,
        chilling: if model.chilling.is_some() {
            coupling.climate.factors
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
        coupling.between_periods(ctx, pop, k, &mut chunks);
        after_period(k)?;
    }
    chunks.par_iter_mut().for_each(|c| c.finish(ctx));
    Ok((chunks, coupling))
}

/// The population-wide state kept between periods, one part per coupled mechanism.
struct Coupling {
    office: Office,
    climate: Climate,
    ties: Ties,
}

impl Coupling {
    fn new(ctx: &Ctx<'_>, chunks: &[ChunkSim]) -> Coupling {
        Coupling {
            office: Office::new(ctx.model),
            climate: Climate::new(ctx, chunks),
            ties: Ties::new(ctx),
        }
    }

    /// The population-wide step after period k, in a fixed order: the review office,
    /// then chilling, then contacts.
    fn between_periods(
        &mut self,
        ctx: &Ctx<'_>,
        pop: &Population,
        k: usize,
        chunks: &mut [ChunkSim],
    ) {
        self.office.review(ctx, k, chunks);
        self.climate.chill(ctx, k, chunks);
        self.ties.associate(ctx, pop, k, chunks);
    }
}
