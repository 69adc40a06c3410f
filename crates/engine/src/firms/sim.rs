//! One firm through the horizon: its acts and their routine capture, false records,
//! the ratings' assessments and direct classes, class-dependent inspections that find
//! unrecorded violations (which feed back into the class), list entries, terms and
//! restoration, and sanctions. A firm is simulated alone: nothing in it depends on
//! another firm or on any person.

use super::draw::*;
use super::tally::FirmTally;
use crate::rng::{Keys, Purpose};
use credsim_model::Model;
use credsim_model::Scope;
use credsim_model::firms::{FirmRules, FirmTrigger, MAX_FIRM_LISTS, MAX_RATINGS};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Which run of a firm: as specified, or one of the audit's counterfactuals (on the
/// same random numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Variant {
    /// As specified.
    Factual,
    /// No false records.
    NoErrors,
    /// Every class of this rating inspected at its reference class's share.
    EqualInspections(usize),
}

/// Provenance of a firm record: a source's capture, an inspection's find, or false.
const ROUTINE: u8 = 0;
const FOUND: u8 = 1;
const FALSE: u8 = 2;
/// The act of a false record.
const NO_ACT: u32 = u32::MAX;
/// Not rated (class of an unrated firm).
pub(super) const UNRATED: u8 = u8::MAX;

#[derive(Debug, Clone, Copy)]
struct Act {
    day: u32,
    behaviour: u16,
    /// Bit per source that captured it.
    captured: u32,
    /// Known to the regime: captured by a source, or found by an inspection.
    known: bool,
    /// A record of it arrived within the horizon.
    recorded: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    ListEnd {
        list: u8,
        until: u32,
    },
    Decision {
        list: u8,
        entry: u32,
    },
    DirectEnd {
        rating: u8,
        until: u32,
    },
    Arrival {
        behaviour: u16,
        provenance: u8,
        act: u32,
    },
    Occasion {
        rating: u8,
        k: u32,
    },
    Assessment {
        rating: u8,
    },
}

impl Kind {
    /// Order of kinds on one day: terms end first, then records arrive, then
    /// inspections, then assessments (which see that day's records).
    fn rank(&self) -> u8 {
        match self {
            Kind::ListEnd { .. } | Kind::Decision { .. } => 0,
            Kind::DirectEnd { .. } => 1,
            Kind::Arrival { .. } => 2,
            Kind::Occasion { .. } => 3,
            Kind::Assessment { .. } => 4,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ev {
    day: u32,
    rank: u8,
    seq: u32,
    kind: Kind,
}

impl Ord for Ev {
    fn cmp(&self, o: &Self) -> Ordering {
        (o.day, o.rank, o.seq).cmp(&(self.day, self.rank, self.seq)) // min-heap
    }
}

impl PartialOrd for Ev {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Buffers reused from firm to firm.
#[derive(Default)]
pub(super) struct Scratch {
    acts: Vec<Act>,
    heap: BinaryHeap<Ev>,
    /// Records that arrived: (day, behaviour).
    records: Vec<(u32, u16)>,
}

/// What one run of a firm produced, for the audit, the roles and the firms table.
#[derive(Debug, Clone, Default)]
pub(super) struct Life {
    /// Class on day 0 per rating ([`UNRATED`]: not rated).
    pub(super) day0: [u8; MAX_RATINGS],
    /// Class on the last day per rating.
    pub(super) last: [u8; MAX_RATINGS],
    /// Per rating: genuine violations of the behaviours its inspections find.
    pub(super) violations: [u32; MAX_RATINGS],
    /// Of those, recorded within the horizon.
    pub(super) recorded: [u32; MAX_RATINGS],
    /// Inspections, all ratings.
    pub(super) inspections: u32,
    /// Genuine acts, all behaviours.
    pub(super) acts: u32,
    /// Records that arrived, all provenances.
    pub(super) records: u32,
    /// Bit per list the firm was ever on.
    pub(super) ever_listed: u32,
    /// Per list: entries, exits and days of completed listings.
    pub(super) entries: [u32; MAX_FIRM_LISTS],
    pub(super) exits: [u32; MAX_FIRM_LISTS],
    pub(super) completed_days: [u32; MAX_FIRM_LISTS],
    /// Days on at least one list.
    pub(super) listed_days: u32,
    /// Sanction applications, and those across agencies.
    pub(super) applications: u32,
    pub(super) cross: u32,
    /// Days under at least one sanction.
    pub(super) sanctioned_days: u32,
    /// Spells on a list that reaches the role-holders: [start, end).
    pub(super) role_spells: Vec<(u32, u32)>,
}

struct Run<'a> {
    m: &'a Model,
    f: &'a FirmRules,
    keys: &'a Keys,
    firm: &'a Firm,
    variant: Variant,
    tally: Option<&'a mut FirmTally>,
    s: &'a mut Scratch,
    life: Life,
    seq: u32,
    period: usize,
    assessed: [u8; MAX_RATINGS],
    class: [u8; MAX_RATINGS],
    class_since: [u32; MAX_RATINGS],
    direct_class: [u8; MAX_RATINGS],
    direct_until: [u32; MAX_RATINGS],
    assessments: [u32; MAX_RATINGS],
    listed: u32,
    until: [u32; MAX_FIRM_LISTS],
    entered: [u32; MAX_FIRM_LISTS],
    entry_no: [u32; MAX_FIRM_LISTS],
    cause: [u32; MAX_FIRM_LISTS],
    any_listed_since: u32,
    sanctions_on: u32,
    sanctions_ever: u32,
    sanction_since: Vec<u32>,
    any_sanction_since: u32,
    role_since: u32,
    /// A class or a listing changed since the sanctions were last evaluated.
    dirty: bool,
}

/// Counts into the factual run's tally (counterfactual runs have none).
macro_rules! count {
    ($run:expr, |$t:ident| $body:expr) => {
        if let Some($t) = $run.tally.as_deref_mut() {
            $body;
        }
    };
}

// After the macro: the module uses it.
mod status;

/// Simulates one firm; counts into `tally` when given (the factual run).
pub(super) fn simulate(
    m: &Model,
    f: &FirmRules,
    keys: &Keys,
    firm: &Firm,
    variant: Variant,
    tally: Option<&mut FirmTally>,
    s: &mut Scratch,
) -> Life {
    s.acts.clear();
    s.heap.clear();
    s.records.clear();
    let mut run = Run {
        m,
        f,
        keys,
        firm,
        variant,
        tally,
        s,
        life: Life {
            day0: [UNRATED; MAX_RATINGS],
            last: [UNRATED; MAX_RATINGS],
            ..Life::default()
        },
        seq: 0,
        period: 0,
        assessed: [UNRATED; MAX_RATINGS],
        class: [UNRATED; MAX_RATINGS],
        class_since: [0; MAX_RATINGS],
        direct_class: [0; MAX_RATINGS],
        direct_until: [0; MAX_RATINGS],
        assessments: [0; MAX_RATINGS],
        listed: 0,
        until: [0; MAX_FIRM_LISTS],
        entered: [0; MAX_FIRM_LISTS],
        entry_no: [0; MAX_FIRM_LISTS],
        cause: [0; MAX_FIRM_LISTS],
        any_listed_since: 0,
        sanctions_on: 0,
        sanctions_ever: 0,
        sanction_since: vec![0; f.sanctions.len()],
        any_sanction_since: 0,
        role_since: 0,
        dirty: true,
    };
    run.start();
    while let Some(ev) = run.s.heap.pop() {
        run.snapshot_before(ev.day);
        run.handle(ev);
    }
    run.close();
    run.life
}

impl Run<'_> {
    fn push(&mut self, day: u32, kind: Kind) {
        if day >= self.m.days {
            return;
        }
        let ev = Ev {
            day,
            rank: kind.rank(),
            seq: self.seq,
            kind,
        };
        self.seq += 1;
        self.s.heap.push(ev);
    }

    fn rated(&self, r: usize) -> bool {
        self.class[r] != UNRATED
    }

    /// Day 0: classes from the base scores, the acts and their captures, false records,
    /// inspection occasions and the first assessments.
    fn start(&mut self) {
        let (f, keys, id) = (self.f, self.keys, self.firm.id as u64);
        let days = self.m.days;
        for (r, rating) in f.ratings.iter().enumerate() {
            let base = self.firm.base[r];
            if base.is_nan() {
                continue;
            }
            let c = rating.class_of(base) as u8;
            self.assessed[r] = c;
            self.class[r] = c;
            self.life.day0[r] = c;
            count!(self, |t| t.day0_class[r][c as usize] += 1);
            self.push(
                rating.next_assessment_after(0).min(u32::MAX as u64) as u32,
                Kind::Assessment { rating: r as u8 },
            );
            if let Some(ins) = &rating.inspections
                && ins.occasions_per_day > 0.0
            {
                let mut st = keys.stream(Purpose::Firms, SUB_OCCASIONS | r as u32, id, 0);
                let mut t = 0.0;
                let mut k = 0u32;
                loop {
                    t += st.exponential() / ins.occasions_per_day;
                    if t >= days as f64 {
                        break;
                    }
                    self.push(t as u32, Kind::Occasion { rating: r as u8, k });
                    k += 1;
                }
            }
        }
        for (b, &rate) in self.firm.rates.iter().enumerate() {
            if rate <= 0.0 {
                continue;
            }
            let mut st = keys.stream(Purpose::Firms, SUB_ACTS | b as u32, id, 0);
            let mut t = 0.0;
            let mut n = 0u64;
            loop {
                t += st.exponential() / rate;
                if t >= days as f64 {
                    break;
                }
                let mut cap = keys.stream(Purpose::Firms, SUB_CAPTURE | b as u32, id, n);
                let mut captured = 0u32;
                for (src, source) in f.sources.iter().enumerate() {
                    let p = source.capture[b];
                    if p > 0.0 && cap.uniform() < p {
                        captured |= 1 << src;
                    }
                }
                self.s.acts.push(Act {
                    day: t as u32,
                    behaviour: b as u16,
                    captured,
                    known: captured != 0,
                    recorded: false,
                });
                n += 1;
            }
        }
        // Acts in day order (stable: behaviour order within a day); the index is the
        // act's key for inspections' draws.
        self.s.acts.sort_by_key(|a| a.day);
        count!(self, |t| {
            for a in &self.s.acts {
                t.acts[a.behaviour as usize] += 1;
            }
        });
        self.life.acts = self.s.acts.len() as u32;
        for k in 0..self.s.acts.len() {
            let a = self.s.acts[k];
            let mut bits = a.captured;
            while bits != 0 {
                let src = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let day = a.day as u64 + f.sources[src].delay_days as u64;
                if day < days as u64 {
                    let kind = Kind::Arrival {
                        behaviour: a.behaviour,
                        provenance: ROUTINE,
                        act: k as u32,
                    };
                    self.push(day as u32, kind);
                } else {
                    count!(self, |t| t.records_pending += 1);
                }
            }
        }
        if self.variant != Variant::NoErrors {
            for (src, source) in f.sources.iter().enumerate() {
                for (b, &rate) in source.false_per_day.iter().enumerate() {
                    if rate <= 0.0 {
                        continue;
                    }
                    let sub = SUB_FALSE | (src as u32) << 8 | b as u32;
                    let mut st = keys.stream(Purpose::Firms, sub, id, 0);
                    let mut t = 0.0;
                    loop {
                        t += st.exponential() / rate;
                        if t >= days as f64 {
                            break;
                        }
                        let kind = Kind::Arrival {
                            behaviour: b as u16,
                            provenance: FALSE,
                            act: NO_ACT,
                        };
                        self.push(t as u32, kind);
                    }
                }
            }
        }
        for l in 0..f.lists.len() {
            if let FirmTrigger::Rating { rating, classes } = f.lists[l].trigger
                && self.rated(rating)
                && classes & (1 << self.class[rating]) != 0
            {
                self.enter(l, 0, 1 << f.ratings[rating].domain);
            }
        }
        self.refresh_sanctions(0);
    }

    /// Snapshots the state at each period end up to `day` (state after every event
    /// of the days before the end).
    fn snapshot_before(&mut self, day: u32) {
        if self.tally.is_none() {
            let ends = &self.m.period_ends;
            self.period += ends[self.period.min(ends.len())..].partition_point(|&e| e <= day);
            return;
        }
        while self.period < self.m.period_ends.len() && self.m.period_ends[self.period] <= day {
            let k = self.period;
            let (class, listed) = (self.class, self.listed);
            let role = self.on_role_list();
            count!(self, |t| {
                let p = &mut t.periods[k];
                for (r, &c) in class.iter().enumerate().take(p.class.len()) {
                    if c != UNRATED {
                        p.class[r][c as usize] += 1;
                    }
                }
                for (l, n) in p.listed.iter_mut().enumerate() {
                    *n += (listed >> l & 1) as u64;
                }
                p.role_listed += role as u64;
            });
            self.period += 1;
        }
    }

    fn handle(&mut self, ev: Ev) {
        let day = ev.day;
        match ev.kind {
            Kind::ListEnd { list, until } => {
                let l = list as usize;
                if self.listed & (1 << l) == 0 || self.until[l] != until {
                    return; // extended or ended since
                }
                if self.trigger_holds(l) {
                    let next = day.saturating_add(self.f.lists[l].publicity_days);
                    self.until[l] = next;
                    self.push(next, Kind::ListEnd { list, until: next });
                } else {
                    self.exit(l, day, false);
                }
            }
            Kind::Decision { list, entry } => {
                let l = list as usize;
                if self.listed & (1 << l) == 0 || self.entry_no[l] != entry {
                    return;
                }
                count!(self, |t| t.applications[l] += 1);
                if self.trigger_holds(l) {
                    count!(self, |t| t.refused[l] += 1);
                } else {
                    self.exit(l, day, true);
                }
            }
            Kind::DirectEnd { rating, until } => {
                let r = rating as usize;
                if self.direct_until[r] == until {
                    self.direct_until[r] = 0;
                    self.set_class(r, self.assessed[r], day);
                }
            }
            Kind::Arrival {
                behaviour,
                provenance,
                act,
            } => self.arrive(day, behaviour as usize, provenance, act),
            Kind::Occasion { rating, k } => self.occasion(day, rating as usize, k),
            Kind::Assessment { rating } => self.assess(day, rating as usize),
        }
        self.refresh_sanctions(day);
    }

    fn arrive(&mut self, day: u32, b: usize, provenance: u8, act: u32) {
        let f = self.f;
        if act != NO_ACT {
            self.s.acts[act as usize].recorded = true;
        }
        self.s.records.push((day, b as u16));
        self.life.records += 1;
        count!(self, |t| t.records[b][provenance as usize] += 1);
        for (r, rating) in f.ratings.iter().enumerate() {
            let Some((c, days)) = rating.direct[b] else {
                continue;
            };
            if !self.rated(r) {
                continue;
            }
            let until = day.saturating_add(days);
            let active = self.direct_until[r] > day;
            self.direct_class[r] = if active {
                self.direct_class[r].max(c as u8)
            } else {
                c as u8
            };
            if until > self.direct_until[r] {
                self.direct_until[r] = until;
                self.push(
                    until,
                    Kind::DirectEnd {
                        rating: r as u8,
                        until,
                    },
                );
            }
            count!(self, |t| t.direct[r] += 1);
            self.set_class(r, self.assessed[r].max(self.direct_class[r]), day);
        }
        for (l, list) in f.lists.iter().enumerate() {
            if list.trigger == FirmTrigger::Behaviour(b) {
                self.enter(l, day, 1 << f.behaviours[b].domain);
            }
        }
    }

    fn occasion(&mut self, day: u32, r: usize, k: u32) {
        let Some(ins) = &self.f.ratings[r].inspections else {
            return;
        };
        let c = self.class[r] as usize;
        let share = match self.variant {
            Variant::EqualInspections(x) if x == r => ins.share[ins.reference],
            _ => ins.share[c],
        };
        count!(self, |t| t.occasions[r][c] += 1);
        let id = self.firm.id as u64;
        let sub = SUB_OCCASIONS | 0x80 | r as u32;
        let u = self
            .keys
            .stream(Purpose::Firms, sub, id, k as u64)
            .uniform();
        if u >= share {
            return;
        }
        self.life.inspections += 1;
        let period = self.period.min(self.m.period_ends.len() - 1);
        count!(self, |t| {
            t.inspected[r][c] += 1;
            t.periods[period].inspections[r] += 1;
        });
        let from = day.saturating_sub(ins.lookback_days);
        let first = self.s.acts.partition_point(|a| a.day < from);
        for x in first..self.s.acts.len() {
            let a = self.s.acts[x];
            if a.day > day {
                break;
            }
            if a.known || !ins.finds[a.behaviour as usize] {
                continue;
            }
            let key = (k as u64) << 32 | x as u64;
            let sub = SUB_DETECT | r as u32;
            if self.keys.stream(Purpose::Firms, sub, id, key).uniform() < ins.detection {
                self.s.acts[x].known = true;
                count!(self, |t| t.found[r][c] += 1);
                self.arrive(day, a.behaviour as usize, FOUND, x as u32);
            }
        }
    }

    fn assess(&mut self, day: u32, r: usize) {
        let rating = &self.f.ratings[r];
        let from = day as i64 - rating.window_days as i64;
        let points: f64 = self
            .s
            .records
            .iter()
            .filter(|&&(d, _)| d as i64 > from)
            .map(|&(_, b)| rating.points[b as usize])
            .sum();
        let new = rating.class_of(self.firm.base[r] - points) as u8;
        let old = self.class[r];
        self.assessed[r] = new;
        let eff = if self.direct_until[r] > day {
            new.max(self.direct_class[r])
        } else {
            new
        };
        let k = self.assessments[r] as usize;
        self.assessments[r] += 1;
        count!(self, |t| {
            if let Some(row) = t.assessed[r].get_mut(k) {
                row[eff as usize] += 1;
            }
            if eff < old {
                t.upgrades[r] += 1;
            } else if eff > old {
                t.downgrades[r] += 1;
            }
        });
        self.set_class(r, eff, day);
        let next = rating.next_assessment_after(day).min(u32::MAX as u64) as u32;
        self.push(next, Kind::Assessment { rating: r as u8 });
    }

    fn set_class(&mut self, r: usize, c: u8, day: u32) {
        let old = self.class[r];
        if c == old {
            return;
        }
        let since = self.class_since[r];
        count!(self, |t| t.class_days[r][old as usize] +=
            (day - since) as u64);
        self.class[r] = c;
        self.class_since[r] = day;
        self.dirty = true;
        for l in 0..self.f.lists.len() {
            if let FirmTrigger::Rating { rating, classes } = self.f.lists[l].trigger
                && rating == r
                && classes & (1 << c) != 0
            {
                self.enter(l, day, 1 << self.f.ratings[r].domain);
            }
        }
    }

    /// The horizon: open spells counted to its end.
    fn close(&mut self) {
        let days = self.m.days;
        self.snapshot_before(days);
        for (r, rating) in self.f.ratings.iter().enumerate() {
            if !self.rated(r) {
                continue;
            }
            let (c, since) = (self.class[r] as usize, self.class_since[r]);
            count!(self, |t| t.class_days[r][c] += (days - since) as u64);
            self.life.last[r] = c as u8;
            if let Some(ins) = &rating.inspections {
                for a in &self.s.acts {
                    if ins.finds[a.behaviour as usize] {
                        self.life.violations[r] += 1;
                        self.life.recorded[r] += a.recorded as u32;
                    }
                }
            }
        }
        let sanctions_on = self.sanctions_on;
        for k in 0..self.f.sanctions.len() {
            if sanctions_on & (1 << k) != 0 {
                self.sanction_off(k, days);
            }
        }
        if self.on_role_list() {
            self.end_role_spell(days);
        }
        if self.listed != 0 {
            self.life.listed_days += days - self.any_listed_since;
        }
        for l in 0..self.f.lists.len() {
            if self.listed & (1 << l) != 0 {
                let spell = (days - self.entered[l]) as u64;
                count!(self, |t| {
                    t.listed_days[l] += spell;
                    t.open_at_horizon[l] += 1;
                });
            }
        }
    }
}
