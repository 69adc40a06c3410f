//! Records: arrival (points, lists, the adverse-record fan-out), expiry, removal, and
//! adverse records kept one by one for appeals and repair.

use super::*;
use crate::per_person::{Dims, per_person};

per_person! {
    /// What the record store keeps per person (adverse records kept one by one).
    pub(super) struct State(d) {
        /// The person's latest kept record (`NO_RECORD`: none; appeals or repair).
        last: u32 = NO_RECORD, [Dims::when(d.keeps_records)], init, warm;
    }
}

/// An adverse record kept one by one, so that an appeal or repair can remove it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rec {
    /// Arrival day.
    pub(super) day: u32,
    /// Local person it is filed on.
    pub(super) person: u32,
    /// The person's previous kept record (`NO_RECORD`: none).
    pub(super) prev: u32,
    /// Record type.
    pub(super) behaviour: u16,
    /// `REC_*` bits.
    pub(super) flags: u8,
}

pub(super) const NO_RECORD: u32 = u32::MAX;

/// The record has expired.
pub(super) const REC_EXPIRED: u8 = 1;

/// The record was removed (appeal upheld, or repair).
pub(super) const REC_REMOVED: u8 = 2;

/// False or misattributed.
pub(super) const REC_ERRONEOUS: u8 = 4;

/// An appeal of it will be upheld when decided.
pub(super) const REC_UPHELD: u8 = 8;

/// An attack (or its repair) gave the record another date (`tamper.rs`): only an
/// expiry on the day its current date implies counts.
pub(super) const REC_ALTERED: u8 = 16;

/// An upheld appeal was decided while an attack had taken the record out: the repair
/// of the deletion must not bring it back (`tamper.rs`).
pub(super) const REC_OVERRULED: u8 = 32;

/// Planted by an attack's insert (`tamper.rs`): never the target of a deletion or an
/// alteration, which act on the records the sources filed.
pub(super) const REC_PLANTED: u8 = 64;

/// The chunk's store of adverse records kept one by one (appeals or repair may remove
/// them), and the appeals filed this period for the review office.
#[derive(Debug, Default)]
pub(super) struct Store {
    /// Kept records, in order of arrival.
    pub(super) recs: Vec<Rec>,
    /// Appeals filed this period: (filing day, record).
    pub(super) filed: Vec<(u32, u32)>,
}

/// The signal that an adverse record arrived and the regime has acted on it: what
/// appeals, repair, deterrence and chilling respond to.
#[derive(Debug, Clone, Copy)]
pub(super) struct Adverse {
    /// Local person the record is filed on.
    pub(super) person: u32,
    /// Arrival day.
    pub(super) day: u32,
    /// Record type (behaviour index).
    pub(super) behaviour: usize,
    /// Source index.
    pub(super) source: usize,
    /// `Provenance` as a number.
    pub(super) provenance: u8,
    /// The kept record (`NO_RECORD`: not kept one by one).
    pub(super) record: u32,
}

impl Adverse {
    /// False or misattributed.
    pub(super) fn erroneous(&self) -> bool {
        self.provenance != Provenance::True as u8
    }
}

impl ChunkSim {
    /// False records over the whole horizon (they do not depend on state; the factual
    /// run keeps them for its counterfactuals). Each person's false records of a source
    /// are a Poisson process of the same rate, independent of everything else; their
    /// superposition over the chunk is a Poisson process of n times the rate whose
    /// records fall on persons drawn uniformly. So one keyed stream per chunk and
    /// source draws the number, then each record's person, day and type. With an
    /// eligibility rule, n and the persons drawn are the chunk's scored persons.
    pub(super) fn draw_false_records(&mut self, ctx: &Ctx<'_>, range: &ChunkRange) {
        let m = ctx.model;
        let n = self.people.len();
        if !ctx.errors || n == 0 {
            return;
        }
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
            let everyone = m.scored.everyone();
            let pool = if everyone { n } else { self.scored.len() };
            if pool == 0 {
                continue;
            }
            // With category multipliers, records are drawn at the largest rate and each
            // kept with probability (the person's multiplier / the largest): a thinned
            // Poisson process, at each person's own rate.
            let thinned = !src.false_multipliers.is_empty();
            let top = if thinned {
                src.largest_false_multiplier()
            } else {
                1.0
            };
            if top <= 0.0 {
                continue;
            }
            let mean = ctx.false_per_person[s] * top * pool as f64;
            let count = Poisson::new(mean).sample(&mut st);
            let a = m.attributes.len();
            for _ in 0..count {
                let x = st.below(pool as u64) as u32;
                let i = if everyone { x } else { self.scored[x as usize] };
                if thinned {
                    let attrs = &self.people.persons.attrs[i as usize * a..(i as usize + 1) * a];
                    if st.uniform() * top >= src.false_multiplier(attrs) {
                        continue;
                    }
                }
                let day = (st.uniform() * m.days as f64) as u32;
                let behaviour = types.values[types.index(st.uniform())];
                let arrival = day.saturating_add(src.delay_days);
                if ctx.full {
                    self.exogenous
                        .false_records
                        .push((arrival, i, behaviour as u16, s as u16));
                }
                self.schedule_record(
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

    pub(super) fn schedule_record(
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
                self.observed.errors_seen += 1;
            }
        }
    }

    pub(super) fn arrival(
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
            if !ctx.variant.spec().protected_filed {
                return; // never filed
            }
            self.observed.protected_seen += 1;
        }
        let tampered = provenance == Provenance::Tampered as u8;
        if provenance != Provenance::True as u8 && !tampered {
            self.observed.errors_seen += 1;
        }
        if ctx.full {
            // Tampered records are counted per person by the attacks (`tamper.rs`).
            if !tampered {
                self.lives.records[3 * i as usize + prov] += 1;
                if provenance != Provenance::True as u8 {
                    self.mark_reached(i, REACHED_BY_ERRORS);
                }
            }
            if beh.protected {
                self.mark_reached(i, REACHED_BY_PROTECTED);
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
            let g = &mut self.observed.group;
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
        if !tampered {
            self.tally.records_by_source[source][prov] += 1;
            self.tally.records_by_type[b][prov] += 1;
            self.tally.periods[self.period].records[prov] += 1;
        }
        self.tally.periods[self.period].records_by_source[source] += 1;
        let adverse = beh.adverse();
        let record = if ctx.track_records && adverse {
            let r = self.store.recs.len() as u32;
            let erroneous = provenance != Provenance::True as u8;
            self.store.recs.push(Rec {
                day,
                person: i,
                prev: self.people.records.last[i as usize],
                behaviour: b as u16,
                flags: if tampered {
                    REC_ERRONEOUS | REC_PLANTED
                } else if erroneous {
                    REC_ERRONEOUS
                } else {
                    0
                },
            });
            self.people.records.last[i as usize] = r;
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
            let adverse = Adverse {
                person: i,
                day,
                behaviour: b,
                source,
                provenance,
                record,
            };
            self.after_adverse_record(ctx, &adverse);
        }
        if tampered {
            self.inserted(ctx, i, day, b, source, record);
        }
    }

    /// What follows an adverse record once the regime has acted on it (points, lists,
    /// treatments), in a fixed order: appeal and repair of a kept record, deterrence,
    /// then the chilling signal.
    pub(super) fn after_adverse_record(&mut self, ctx: &Ctx<'_>, r: &Adverse) {
        let truth = r.erroneous() as usize;
        self.tally.responses.adverse[truth] += 1;
        self.tally.periods[self.period].responses.adverse[truth] += 1;
        if ctx.full && truth == 1 {
            self.observed.group.erroneous_arrivals.push(r.day);
        }
        if r.record != NO_RECORD {
            self.contest(ctx, r);
        }
        self.deter(ctx, r);
        self.note_penalised(ctx, r);
    }

    /// A record expires: its points are taken back, unless it was removed before.
    /// Person i's kept records, latest first (removed and expired ones included).
    pub(super) fn kept_records(&self, i: u32) -> impl Iterator<Item = Rec> + '_ {
        let first = self
            .people
            .records
            .last
            .get(i as usize)
            .copied()
            .unwrap_or(NO_RECORD);
        std::iter::successors(
            (first != NO_RECORD).then(|| self.store.recs[first as usize]),
            |r| (r.prev != NO_RECORD).then(|| self.store.recs[r.prev as usize]),
        )
    }

    pub(super) fn on_expiry(
        &mut self,
        ctx: &Ctx<'_>,
        i: u32,
        day: u32,
        behaviour: u16,
        record: u32,
    ) {
        if record != NO_RECORD {
            let r = &mut self.store.recs[record as usize];
            if r.flags & (REC_REMOVED | REC_ALTERED) != 0 {
                if r.flags & REC_REMOVED != 0 {
                    return; // its points were taken back when it was removed
                }
                let due = ctx.model.behaviours[behaviour as usize]
                    .expiry_days
                    .map(|e| r.day.saturating_add(e));
                if r.flags & REC_EXPIRED != 0 || due != Some(day) {
                    return; // scheduled for a date the record no longer has
                }
            }
            r.flags |= REC_EXPIRED;
        }
        let beh = &ctx.model.behaviours[behaviour as usize];
        self.add_points(ctx, i, day, -beh.points, beh.domain, -1);
    }

    /// Person i's latest kept record (`NO_RECORD`: none).
    pub(super) fn last_kept(&self, i: u32) -> u32 {
        self.people
            .records
            .last
            .get(i as usize)
            .copied()
            .unwrap_or(NO_RECORD)
    }

    /// Removes a kept record by an appeal or repair (counted as such), see [`Self::unfile`].
    pub(super) fn remove_record(&mut self, ctx: &Ctx<'_>, day: u32, record: u32) {
        let r = self.store.recs[record as usize];
        if r.flags & REC_REMOVED != 0 {
            // Already out (an attack's deletion, or an earlier removal): the removal
            // still stands if the record is ever restored.
            self.store.recs[record as usize].flags |= REC_OVERRULED;
            return;
        }
        let truth = (r.flags & REC_ERRONEOUS != 0) as usize;
        self.tally.responses.removed[truth] += 1;
        self.tally.periods[self.period].responses.removed[truth] += 1;
        if ctx.full && truth == 1 {
            self.observed
                .group
                .erroneous_removals
                .push((r.day, day - r.day));
        }
        self.unfile(ctx, day, record);
    }

    /// Takes a kept record out of the store: its points are taken back (unless it has
    /// expired) and a listing it triggered is cut to the latest term a remaining record
    /// still backs. Status is re-evaluated.
    pub(super) fn unfile(&mut self, ctx: &Ctx<'_>, day: u32, record: u32) {
        let r = self.store.recs[record as usize];
        if r.flags & REC_REMOVED != 0 {
            return;
        }
        self.store.recs[record as usize].flags |= REC_REMOVED;
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

    /// Puts a record taken out by [`Self::unfile`] back (the repair of a tampered
    /// deletion): its points again unless its expiry has passed meanwhile, and the
    /// listings it triggered for what is left of their terms (arrival + duration).
    pub(super) fn restore_record(&mut self, ctx: &Ctx<'_>, day: u32, record: u32) {
        let r = self.store.recs[record as usize];
        if r.flags & REC_REMOVED == 0 || r.flags & REC_OVERRULED != 0 {
            return; // in the store, or removed by an appeal upheld meanwhile
        }
        let flags = &mut self.store.recs[record as usize].flags;
        *flags &= !REC_REMOVED;
        let (i, b) = (r.person, r.behaviour as usize);
        let beh = &ctx.model.behaviours[b];
        let (points, domain) = (beh.points, beh.domain);
        if beh
            .expiry_days
            .is_some_and(|e| r.day.saturating_add(e) <= day)
        {
            // Its expiry event found it taken out and left it: it is expired now.
            *flags |= REC_EXPIRED;
        } else if points != 0 && ctx.model.score.is_some() {
            self.add_points(ctx, i, day, points, domain, 1);
        }
        let lists = &ctx.model.behaviours[b].lists_triggered;
        if !lists.is_empty() {
            for x in 0..lists.len() {
                let l = ctx.model.behaviours[b].lists_triggered[x];
                let until = ctx.model.lists[l]
                    .duration_days
                    .map_or(FOREVER, |d| r.day.saturating_add(d));
                // Only a term its filing started: a dated list not in force then listed
                // nobody.
                if until > day && ctx.dated.list_in_force(ctx.model, l, r.day) {
                    self.put_on_list_until(ctx, i, day, l, 1 << domain, until);
                }
            }
            self.update_treatments(ctx, i, day);
        }
    }
}
