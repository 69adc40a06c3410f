//! Tampering with the record store: attacks that insert, delete or re-date records
//! (`[[attacks]]`), their detection by the store's defences (`[defences]`) and the
//! repair that follows (docs/ODD.md §3.12).
//!
//! An attack hits each target person with its `share`, on a day drawn uniformly from
//! its window (stream Tamper, keyed by attack and person, so every run of the audit
//! hits the same persons on the same days). A tampered record is then decided, defence
//! by defence, as if that defence were the only one: whether the defence can see it at
//! all (`Attack::visible_to`, the guarantees and blind spots of RECORD-STORES.md) and,
//! for the periodic defences, on which check it is found. The record is repaired
//! `repair_days` after the first detection by any defence: an inserted record is
//! removed, a deleted one restored with what is left of its term, an altered one given
//! back its date. Complaints are the one
//! state-dependent defence: at each attempt denied by a sanction the person complains
//! with `complaint_probability`, which reveals every tampered record filed on them.

use super::*;
use crate::tally::DEFENCES;
use credsim_model::{Defence, Operation};

/// A record an attack inserted, deleted or altered.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tampered {
    /// The kept record (`Store::recs`).
    record: u32,
    /// Local person.
    person: u32,
    /// Attack index.
    attack: u8,
    /// Day of the tampering.
    day: u32,
    /// The record's true date (an alteration gives it another).
    true_day: u32,
    /// First day some defence detects it (`NEVER`: not before the horizon).
    detected: u32,
    /// Repaired (removed or restored).
    repaired: bool,
    /// A complaint of the person revealed it.
    complained: bool,
}

/// A chunk's tampered records, and the inserts on their way to the store.
#[derive(Debug, Default)]
pub(super) struct Tampering {
    /// Records attacks inserted or deleted, in order of tampering.
    list: Vec<Tampered>,
    /// Inserts scheduled as arrivals and not yet filed: (person, day, attack).
    pending: Vec<(u32, u32, u8)>,
}

impl ChunkSim {
    /// Schedules every attack's hits on this chunk's persons (none in the no-attacks
    /// counterfactual). A person is a target when scored and in the attack's target
    /// categories; hit with probability `share`, on a uniform day of the window.
    #[cold]
    #[inline(never)]
    pub(super) fn schedule_attacks(&mut self, ctx: &Ctx<'_>) {
        if !ctx.attacks {
            return;
        }
        let m = ctx.model;
        let a = m.attributes.len();
        for (x, at) in m.attacks.iter().enumerate() {
            let width = (at.to_day - at.from_day) as u64 + 1;
            for i in 0..self.people.len() as u32 {
                let attrs = &self.people.persons.attrs[i as usize * a..(i as usize + 1) * a];
                if !at.targets.contains(attrs) || !self.is_scored(ctx, i) {
                    continue;
                }
                let mut st = ctx
                    .keys
                    .stream(Purpose::Tamper, x as u32, self.id(i) as u64, 0);
                if st.uniform() >= at.share {
                    continue;
                }
                let day = at.from_day + st.below(width) as u32;
                if day >= m.days {
                    continue; // drawn after the end of a shortened run: never happens
                }
                self.push(ctx, day, i, What::Tamper { attack: x as u8 });
            }
        }
    }

    /// Attack x hits person i: inserts its record, or deletes the person's active
    /// adverse records of its types (a listed-only attack skips persons not listed).
    #[cold]
    #[inline(never)]
    pub(super) fn on_tamper(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, x: usize) {
        let at = &ctx.model.attacks[x];
        if at.listed.is_some_and(|l| !self.listed(ctx, i, day, l)) {
            return;
        }
        let mut hit = false;
        match at.operation {
            Operation::Insert => {
                // Filed as an arrival of the same day (after this event), which calls
                // `inserted`: the arrival keeps a single caller, so it stays inlined.
                self.tampering.pending.push((i, day, x as u8));
                let what = What::Arrival {
                    behaviour: at.records[0] as u16,
                    source: at.source as u16,
                    provenance: Provenance::Tampered as u8,
                };
                self.push(ctx, day, i, what);
            }
            Operation::Delete | Operation::Alter => {
                let mut doomed: Vec<u32> = Vec::new();
                let mut r = self.last_kept(i);
                while r != NO_RECORD {
                    let rec = self.store.recs[r as usize];
                    if rec.flags & (REC_REMOVED | REC_EXPIRED | REC_PLANTED) == 0
                        && at.records.contains(&(rec.behaviour as usize))
                    {
                        doomed.push(r);
                    }
                    r = rec.prev;
                }
                // Oldest first, so the order of deletions is the order of filing.
                for &r in doomed.iter().rev() {
                    // Decided on the record as filed (its true date and log entry),
                    // whatever date an earlier, unrepaired alteration gave it.
                    let filed = self.filed_day(r);
                    if at.operation == Operation::Delete {
                        self.note_tampered(ctx, x, i, day, r, filed);
                        self.unfile(ctx, day, r);
                    } else {
                        // The attacker shifts the date the store holds.
                        let now = self.store.recs[r as usize].day;
                        let new =
                            (i64::from(now) + i64::from(at.shift_days)).clamp(0, i64::from(day));
                        if new as u32 == now {
                            continue; // clamped to no change: nothing is tampered with
                        }
                        self.note_tampered(ctx, x, i, day, r, filed);
                        self.redate(ctx, day, r, new as u32, filed);
                    }
                    hit = true;
                }
            }
        }
        if hit {
            self.tally.tamper.persons[x] += 1;
        }
    }

    /// A tampered record arrived (`records.rs::arrival`; kept as `record`): counted apart
    /// from the three other provenances, and decided defence by defence.
    #[cold]
    #[inline(never)]
    pub(super) fn inserted(
        &mut self,
        ctx: &Ctx<'_>,
        i: u32,
        day: u32,
        b: usize,
        source: usize,
        record: u32,
    ) {
        self.tally.tamper.by_source[source] += 1;
        self.tally.tamper.by_type[b] += 1;
        self.tally.periods[self.period].tampered += 1;
        let pending = &mut self.tampering.pending;
        let Some(k) = pending.iter().position(|&(p, d, _)| p == i && d == day) else {
            return;
        };
        let x = pending.remove(k).2 as usize;
        if record != NO_RECORD {
            self.note_tampered(ctx, x, i, day, record, day);
            self.tally.tamper.persons[x] += 1;
        }
    }

    /// Decides, defence by defence, whether and when kept record `record` (just
    /// tampered with by attack x on day `day`) is detected, and schedules its repair.
    fn note_tampered(
        &mut self,
        ctx: &Ctx<'_>,
        x: usize,
        i: u32,
        day: u32,
        record: u32,
        filed: u32,
    ) {
        let m = ctx.model;
        let at = &m.attacks[x];
        let rec = self.store.recs[record as usize];
        let id = self.id(i);
        if ctx.full {
            self.mark_reached(i, REACHED_BY_TAMPER);
        }
        let t = &mut self.tally.tamper;
        t.records[x] += 1;
        let mut first = NEVER;
        let mut complaints = false;
        for d in Defence::ALL {
            let check = m.defences.checks[d as usize].as_ref();
            let days = &ctx.check_days[d as usize];
            // The checks up to today are behind the tampering; the entry a rewrite
            // erases (a deleted record's filing) is anchored when one of them came after it.
            let next = days.partition_point(|&c| c <= day);
            let anchored_before = next > 0 && days[next - 1] > filed;
            if d == Defence::Complaints {
                if at.visible_to(d, None, false) && m.defences.complaint_probability > 0.0 {
                    t.visible[x * DEFENCES + d as usize] += 1;
                    complaints = true;
                }
                continue;
            }
            if !at.visible_to(d, check, anchored_before) {
                continue;
            }
            t.visible[x * DEFENCES + d as usize] += 1;
            let found = match (d, check) {
                (Defence::Sampling, Some(c)) => {
                    let left = days.len() - next;
                    t.audits_left[x * (days.len() + 1) + left] += 1;
                    let u = ctx
                        .keys
                        .stream(
                            Purpose::TamperDetection,
                            x as u32,
                            id as u64,
                            (filed as u64) << 16 | rec.behaviour as u64,
                        )
                        .uniform();
                    // The audit on which it is first sampled: Geometric(share), by inversion.
                    let j = if c.share >= 1.0 {
                        1.0
                    } else if c.share <= 0.0 {
                        f64::INFINITY
                    } else {
                        ((1.0 - u).ln() / (1.0 - c.share).ln()).floor() + 1.0
                    };
                    (j <= left as f64).then(|| (days[next + j as usize - 1], j == 1.0))
                }
                _ => days.get(next).map(|&c| (c, true)),
            };
            if let Some((c, at_first)) = found {
                let k = x * DEFENCES + d as usize;
                t.detected[k] += 1;
                t.detection_days[k] += (c - day) as u64;
                t.first_check[k] += at_first as u64;
                first = first.min(c);
            }
        }
        let idx = self.tampering.list.len() as u32;
        self.tampering.list.push(Tampered {
            record,
            person: i,
            attack: x as u8,
            day,
            true_day: filed,
            detected: first,
            repaired: false,
            complained: false,
        });
        if first != NEVER {
            self.schedule_restore(ctx, idx, first);
        }
        if complaints {
            self.schedule_complaint(ctx, idx, day);
        }
    }

    /// The day kept record `record` was truly filed: its date, unless an alteration not
    /// yet repaired gave it another (then the true date that alteration kept).
    fn filed_day(&self, record: u32) -> u32 {
        let r = self.store.recs[record as usize];
        if r.flags & REC_ALTERED == 0 {
            return r.day;
        }
        self.tampering
            .list
            .iter()
            .rev()
            .find(|t| t.record == record && !t.repaired && t.true_day != r.day)
            .map_or(r.day, |t| t.true_day)
    }

    /// The repair of tampered record `idx`, `repair_days` after its detection.
    fn schedule_restore(&mut self, ctx: &Ctx<'_>, idx: u32, detected: u32) {
        let at = detected.saturating_add(ctx.model.defences.repair_days);
        if at < ctx.model.days {
            let i = self.tampering.list[idx as usize].person;
            self.push(ctx, at, i, What::Restore { tamp: idx });
        }
    }

    /// Repairs tampered record `idx`: an inserted record is removed, a deleted one
    /// restored (the first repair scheduled for it does it; later ones find it done).
    #[cold]
    #[inline(never)]
    pub(super) fn on_restore(&mut self, ctx: &Ctx<'_>, day: u32, idx: u32) {
        let t = self.tampering.list[idx as usize];
        if t.repaired {
            return;
        }
        self.tampering.list[idx as usize].repaired = true;
        self.tally.tamper.repaired[t.attack as usize] += 1;
        match ctx.model.attacks[t.attack as usize].operation {
            Operation::Insert => self.unfile(ctx, day, t.record),
            Operation::Delete => self.restore_record(ctx, day, t.record),
            Operation::Alter => self.redate(ctx, day, t.record, t.true_day, t.true_day),
        }
    }

    /// Gives kept record `record` the date `new` on day `day` (an alteration, or its
    /// repair; `filed`: the day it was truly filed), in place, as if it had been filed on
    /// `new`: its points come out or back only if that changes whether it has expired,
    /// its expiry moves to the new date (an altered record's expiry events at other
    /// dates are ignored, `records.rs::on_expiry`), and the terms it backs are lengthened
    /// or shortened to the term from the new date, so a person who stays listed is never
    /// taken off and put back (list stays and sanction spells stay whole).
    fn redate(&mut self, ctx: &Ctx<'_>, day: u32, record: u32, new: u32, filed: u32) {
        let r = self.store.recs[record as usize];
        if r.flags & REC_REMOVED != 0 {
            // Removed meanwhile (an upheld appeal): only its date is repaired.
            self.store.recs[record as usize].day = new;
            return;
        }
        let (i, b, old) = (r.person, r.behaviour as usize, r.day);
        let beh = &ctx.model.behaviours[b];
        let (points, domain, expiry) = (beh.points, beh.domain, beh.expiry_days);
        let scored = points != 0 && ctx.model.score.is_some();
        let was_active = r.flags & REC_EXPIRED == 0;
        let active = expiry.is_none_or(|e| new.saturating_add(e) > day);
        let rec = &mut self.store.recs[record as usize];
        rec.day = new;
        rec.flags |= REC_ALTERED;
        if scored {
            if active {
                rec.flags &= !REC_EXPIRED;
            } else {
                rec.flags |= REC_EXPIRED;
            }
            match (was_active, active) {
                (true, false) => self.add_points(ctx, i, day, -points, domain, -1),
                (false, true) => self.add_points(ctx, i, day, points, domain, 1),
                _ => {}
            }
            if let Some(e) = expiry.filter(|_| active) {
                let end = new.saturating_add(e);
                if end < ctx.model.days {
                    let what = What::Expiry {
                        behaviour: b as u16,
                        record,
                    };
                    self.push(ctx, end, i, what);
                }
            }
        }
        let lists = ctx.model.behaviours[b].lists_triggered.len();
        if lists == 0 {
            return;
        }
        for x in 0..lists {
            let l = ctx.model.behaviours[b].lists_triggered[x];
            if !ctx.dated.list_in_force(ctx.model, l, filed) {
                continue; // its filing listed nobody on a list not yet in force
            }
            if new > old {
                let until = ctx.model.lists[l]
                    .duration_days
                    .map_or(FOREVER, |d| new.saturating_add(d));
                if until > day {
                    self.put_on_list_until(ctx, i, day, l, 1 << domain, until);
                }
            } else {
                self.shorten_listing(ctx, i, day, l);
            }
        }
        self.update_treatments(ctx, i, day);
    }

    /// Schedules the next attempt, on or after `from`, at which the person holding
    /// tampered record `idx` would complain if the attempt is denied: the attempts of
    /// every service a sanction can restrict (stream Attempts), each a complaint with
    /// `complaint_probability` (stream Complaint, keyed by person, service and day).
    fn schedule_complaint(&mut self, ctx: &Ctx<'_>, idx: u32, from: u32) {
        let i = self.tampering.list[idx as usize].person;
        let person = self.id(i);
        let q = ctx.model.defences.complaint_probability;
        let mut best: Option<(u32, usize)> = None;
        for &s in &ctx.complaint_services {
            let mut first = None;
            attempts::for_each_attempt(ctx, person, s, from, ctx.model.days, |d| {
                if first.is_none()
                    && ctx
                        .keys
                        .stream(Purpose::Complaint, s as u32, person as u64, d as u64)
                        .uniform()
                        < q
                {
                    first = Some(d);
                }
            });
            if let Some(d) = first
                && best.is_none_or(|(b, _)| d < b)
            {
                best = Some((d, s));
            }
        }
        if let Some((d, s)) = best {
            self.push(
                ctx,
                d,
                i,
                What::Complaint {
                    tamp: idx,
                    service: s as u16,
                },
            );
        }
    }

    /// A complaining attempt of the person holding tampered record `idx`: if a sanction
    /// denies it, the complaint reveals every tampered record filed on them that is not
    /// yet repaired; otherwise the next complaining attempt is awaited.
    #[cold]
    #[inline(never)]
    pub(super) fn on_complaint(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, idx: u32, s: usize) {
        let t = self.tampering.list[idx as usize];
        if t.repaired || t.complained {
            return;
        }
        if !self.restricted(ctx, i, s) {
            self.schedule_complaint(ctx, idx, day + 1);
            return;
        }
        self.tally.tamper.complaints += 1;
        for k in 0..self.tampering.list.len() {
            let t = self.tampering.list[k];
            let seen =
                ctx.model.attacks[t.attack as usize].visible_to(Defence::Complaints, None, false);
            if t.person != i || t.repaired || t.complained || !seen {
                continue;
            }
            self.tampering.list[k].complained = true;
            let c = t.attack as usize * DEFENCES + Defence::Complaints as usize;
            self.tally.tamper.detected[c] += 1;
            self.tally.tamper.detection_days[c] += (day - t.day) as u64;
            if day < t.detected {
                self.tampering.list[k].detected = day;
                self.schedule_restore(ctx, k as u32, day);
            }
        }
    }

    /// At the horizon: records detected by some defence, and the days to detection.
    pub(super) fn finish_tampering(&mut self, ctx: &Ctx<'_>) {
        for t in &self.tampering.list {
            if t.detected < ctx.model.days {
                let x = t.attack as usize;
                self.tally.tamper.detected_any[x] += 1;
                self.tally.tamper.first_detection_days[x] += (t.detected - t.day) as u64;
            }
        }
    }

    /// Tampered records inserted on each person of the chunk (persons table).
    pub(super) fn tampered_per_person(&self, ctx: &Ctx<'_>) -> Vec<u32> {
        let mut n = vec![0; self.people.len()];
        for t in &self.tampering.list {
            if ctx.model.attacks[t.attack as usize].operation == Operation::Insert {
                n[t.person as usize] += 1;
            }
        }
        n
    }
}
