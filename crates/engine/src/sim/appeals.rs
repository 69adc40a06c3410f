//! Appeals and the review office, and credit repair: decisions that remove records.

use super::*;
use std::collections::VecDeque;

impl ChunkSim {
    /// An adverse record kept one by one may be appealed (to the review office, or
    /// decided without a queue) and repaired. One stream per record, keyed by what the
    /// record is, gives the appeal, success and repair draws, so the same record gets
    /// the same draws in every variant.
    pub(super) fn contest(&mut self, ctx: &Ctx<'_>, r: &Adverse) {
        let m = ctx.model;
        let (i, day, record) = (r.person, r.day, r.record);
        let truth = r.erroneous() as usize;
        let key = (day as u64) << 34
            | (r.behaviour as u64) << 18
            | (r.source as u64) << 2
            | r.provenance as u64;
        let mut st = ctx.keys.stream(Purpose::Appeal, 0, self.id(i) as u64, key);
        let (appeal, success, repair) = (st.uniform(), st.uniform(), st.uniform());
        if let Some(rules) = ctx.appeals {
            let a = m.attributes.len();
            let mut p = if truth == 1 {
                rules.appeal_erroneous
            } else {
                rules.appeal_genuine
            };
            for (x, &c) in self.people.persons.attrs[i as usize * a..(i as usize + 1) * a]
                .iter()
                .enumerate()
            {
                p *= rules.multipliers[x][c as usize];
            }
            if appeal < p.min(1.0) {
                self.tally.responses.appealed[truth] += 1;
                self.tally.periods[self.period].responses.appealed[truth] += 1;
                if ctx.full {
                    self.observed.group.appeal_filings.push(day);
                }
                let upheld = if truth == 1 {
                    rules.success_erroneous
                } else {
                    rules.success_genuine
                };
                if success < upheld {
                    self.store.recs[record as usize].flags |= REC_UPHELD;
                }
                if ctx.instant_appeals {
                    // No queue, but the same boundary rule as the office's reviews.
                    let decision = day
                        .saturating_add(rules.processing_days)
                        .max(self.epoch_end);
                    self.schedule_decision(ctx, record, day, decision);
                } else {
                    self.store.filed.push((day, record));
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

    /// Credit repair removes a record, unless it has expired or was removed already.
    pub(super) fn on_repair(&mut self, ctx: &Ctx<'_>, day: u32, record: u32) {
        let r = self.store.recs[record as usize];
        let flags = r.flags;
        if flags & REC_REMOVED != 0 && flags & REC_OVERRULED == 0 {
            // Taken out by an attack meanwhile (`tamper.rs`): had it been in the store, the
            // repair would have removed it unless it had expired, so the removal stands if
            // the record is restored.
            let beh = &ctx.model.behaviours[r.behaviour as usize];
            let expired = beh.points != 0
                && ctx.model.score.is_some()
                && beh
                    .expiry_days
                    .is_some_and(|e| r.day.saturating_add(e) <= day);
            if !expired {
                self.store.recs[record as usize].flags |= REC_OVERRULED;
            }
            return;
        }
        if flags & (REC_REMOVED | REC_EXPIRED) == 0 {
            let truth = (flags & REC_ERRONEOUS != 0) as usize;
            self.tally.responses.repaired[truth] += 1;
            self.tally.periods[self.period].responses.repaired[truth] += 1;
            self.remove_record(ctx, day, record);
        }
    }

    /// Schedules the end of the review of an appeal filed on day `filed` (not at all
    /// when it falls after the horizon: the appeal is still in review at the end).
    pub(super) fn schedule_decision(&mut self, ctx: &Ctx<'_>, record: u32, filed: u32, day: u32) {
        if day < ctx.model.days {
            let i = self.store.recs[record as usize].person;
            self.push(ctx, day, i, What::Decision { record, filed });
        }
    }

    /// The review of an appeal ends: the record is removed if the appeal is upheld.
    pub(super) fn decide_appeal(&mut self, ctx: &Ctx<'_>, day: u32, record: u32, filed: u32) {
        let flags = self.store.recs[record as usize].flags;
        let truth = (flags & REC_ERRONEOUS != 0) as usize;
        let (total, period) = (
            &mut self.tally.responses,
            &mut self.tally.periods[self.period].responses,
        );
        total.decided[truth] += 1;
        period.decided[truth] += 1;
        total.wait_days += (day - filed) as u64;
        period.wait_days += (day - filed) as u64;
        if ctx.full {
            self.observed
                .group
                .appeal_decisions
                .push((filed, day - filed));
        }
        if flags & REC_UPHELD != 0 {
            total.upheld[truth] += 1;
            period.upheld[truth] += 1;
            self.remove_record(ctx, day, record);
        }
    }
}

/// The review office: one queue of appeals for the whole population, first come first
/// served, as many reviews started each period as its capacity allows (epoch-major
/// schedule; without a queue, reviews start when filed and this does nothing).
pub(super) struct Office {
    /// Appeals waiting for a review: (filing day, person id, chunk, record).
    queue: VecDeque<(u32, u32, u32, u32)>,
    /// Reviews the office could have started up to the last boundary.
    capacity_used: u64,
    /// Appeals waiting at the end of each period.
    queue_by_period: Vec<u64>,
}

impl Office {
    /// An empty office.
    pub(super) fn new(model: &Model) -> Office {
        Office {
            queue: VecDeque::new(),
            capacity_used: 0,
            queue_by_period: vec![0; model.period_ends.len()],
        }
    }

    /// The review office at the end of period k: appeals filed in the period join the
    /// queue in (day, person) order; the period's capacity C starts reviews from the
    /// head, spread evenly over the period (the i-th on day start + ⌊i·length/C⌋, or on
    /// its filing day if that is later). A review ends `processing_days` after it
    /// starts, and at the earliest at the boundary (a decision cannot reach into a
    /// period already simulated).
    pub(super) fn review(&mut self, ctx: &Ctx<'_>, k: usize, chunks: &mut [ChunkSim]) {
        let Some(rules) = ctx.appeals.filter(|_| !ctx.instant_appeals) else {
            return;
        };
        let m = ctx.model;
        let mut filed = Vec::new();
        for (index, c) in chunks.iter_mut().enumerate() {
            for (day, record) in std::mem::take(&mut c.store.filed) {
                let person = c.first_person + c.store.recs[record as usize].person;
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

    /// Puts the queue lengths into the run's tally.
    pub(super) fn write_queue(&self, tally: &mut Tally) {
        for (p, &q) in tally.periods.iter_mut().zip(&self.queue_by_period) {
            p.responses.queue = q;
        }
        tally.responses.queue = self.queue_by_period.last().copied().unwrap_or(0);
    }
}
