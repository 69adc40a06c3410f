//! Entry points and the chunk-major schedule: each chunk runs through the whole
//! horizon, its counterfactuals after it, and is dropped.

use super::*;

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
    let keys = Keys::new(model.seed);
    let pop = Population::build(model, &keys);
    // Firms first, in their own pass: their listings reach persons through roles,
    // delivered to the persons' chunks by person id.
    let firms = crate::firms::run(model, &keys, &pop, options.audit);
    let mut outcome = run_persons(model, &pop, firms.as_ref(), control, options)?;
    if let Some(f) = firms {
        crate::firms::attach(&mut outcome, f);
    }
    if let Some(a) = outcome.audit.as_mut().filter(|_| model.leaks.is_some()) {
        // Measure 16 (leaks/measures.rs) reads the classes from the audit; moved, not
        // copied (they can be the largest part of the tally).
        a.leaks = Some(std::mem::take(&mut outcome.tally.leaks));
    }
    Ok(outcome)
}

/// The persons' run, with the firms' role spells (if any) delivered to their chunks.
fn run_persons(
    model: &Model,
    pop: &Population,
    firms: Option<&crate::firms::FirmOutcome>,
    control: &Control<'_>,
    options: Options,
) -> Result<Outcome, Cancelled> {
    let mut ctx = Ctx::new(model, Variant::Factual);
    ctx.log_records = options.records_table;
    ctx.roles = firms.map(|f| f.roles.as_slice());
    let ctx = ctx;
    if model.coupled() || options.schedule == Schedule::EpochMajor {
        return epoch_major::run_epoch_major(&ctx, pop, control, options);
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
            ChunkSim::simulate(ctx, pop, range, replay, only)
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
                        let acted = chunk.variant_matters(&ctx, vctx.variant);
                        group.note_acted(vctx.variant, acted);
                        if !acted {
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
        firms: None,
        households: pop.households() as u64,
        chunks: total,
        tally,
        audit: audit_tally,
        chilling: Vec::new(),
    })
}
