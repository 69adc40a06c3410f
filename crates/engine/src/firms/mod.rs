//! Firms, a second kind of entity, in their own pass before the persons: each firm
//! is drawn from (seed, id) and simulated alone (`sim.rs`), with the audit's
//! counterfactuals on the same random numbers; the pass returns integer tallies, the
//! firms table and, sorted by person, the spells in which a firm's listing reaches
//! the persons holding its roles. Roles are the only path from firms to persons: the
//! persons' chunks read those spells by person id (`sim/roles.rs`), so a
//! representative living in any chunk is reached, at any thread count.

pub mod codes;
mod draw;
pub mod measures;
mod sim;
pub mod summary;
pub mod tally;

use crate::population::Population;
use crate::rng::Keys;
use credsim_model::Model;
use credsim_model::firms::FirmRules;
pub use draw::NOBODY;
use rayon::prelude::*;
pub use tally::{FirmAuditTally, FirmTally, RoleCounts};

/// Firms per block of work (a block's firms are simulated in id order on one thread).
const BLOCK: u32 = 2_048;

/// A spell in which a firm's listing reaches a person through a role: days
/// [start, end) of firm `firm`'s listing on a list the roles rules name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RoleInterval {
    /// The person holding the role.
    pub person: u32,
    /// First day.
    pub start: u32,
    /// Day after the last.
    pub end: u32,
    /// The firm.
    pub firm: u32,
}

/// One row per firm, column by column (`firms.parquet`, docs/outputs.md).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FirmRows {
    /// Firm id.
    pub firm: Vec<u32>,
    /// Synthetic code (never a valid unified social credit code).
    pub code: Vec<String>,
    /// Size class index.
    pub size: Vec<u8>,
    /// Sector index.
    pub sector: Vec<u8>,
    /// Region index.
    pub region: Vec<u8>,
    /// Flags (bit per flag).
    pub flags: Vec<u32>,
    /// Legal representative's person id (None: nobody may hold the role).
    pub representative: Vec<Option<u32>>,
    /// The representative's synthetic identity number (never a valid one).
    pub representative_code: Vec<Option<String>>,
    /// `[rating][row]`: class index on day 0 (None: not rated).
    pub class_day0: Vec<Vec<Option<u8>>>,
    /// `[rating][row]`: class index on the last day.
    pub class_last: Vec<Vec<Option<u8>>>,
    /// Genuine acts.
    pub acts: Vec<u32>,
    /// Records that arrived.
    pub records: Vec<u32>,
    /// Inspections.
    pub inspections: Vec<u32>,
    /// Bit per list the firm was ever on.
    pub ever_listed: Vec<u32>,
    /// Days on at least one list.
    pub listed_days: Vec<u32>,
    /// Days under at least one sanction.
    pub sanctioned_days: Vec<u32>,
}

impl FirmRows {
    fn new(f: &FirmRules) -> FirmRows {
        FirmRows {
            class_day0: vec![Vec::new(); f.ratings.len()],
            class_last: vec![Vec::new(); f.ratings.len()],
            ..Default::default()
        }
    }

    fn append(&mut self, o: FirmRows) {
        self.firm.extend(o.firm);
        self.code.extend(o.code);
        self.size.extend(o.size);
        self.sector.extend(o.sector);
        self.region.extend(o.region);
        self.flags.extend(o.flags);
        self.representative.extend(o.representative);
        self.representative_code.extend(o.representative_code);
        for (a, b) in self.class_day0.iter_mut().zip(o.class_day0) {
            a.extend(b);
        }
        for (a, b) in self.class_last.iter_mut().zip(o.class_last) {
            a.extend(b);
        }
        self.acts.extend(o.acts);
        self.records.extend(o.records);
        self.inspections.extend(o.inspections);
        self.ever_listed.extend(o.ever_listed);
        self.listed_days.extend(o.listed_days);
        self.sanctioned_days.extend(o.sanctioned_days);
    }

    /// Rows.
    pub fn len(&self) -> usize {
        self.firm.len()
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.firm.is_empty()
    }
}

/// What the firm pass produced.
#[derive(Debug, Clone)]
pub struct FirmOutcome {
    /// The factual run's counts.
    pub tally: FirmTally,
    /// The audit's counts (None without the audit).
    pub audit: Option<FirmAuditTally>,
    /// The firms table.
    pub rows: FirmRows,
    /// Spells reaching persons through roles, sorted by (person, start, end, firm).
    pub roles: Vec<RoleInterval>,
}

/// One fold's accumulator.
struct Acc {
    tally: FirmTally,
    audit: Option<FirmAuditTally>,
    pieces: Vec<(u32, FirmRows, Vec<RoleInterval>)>,
}

/// Runs every firm of a model with `[firms]` (None without), with the audit's
/// counterfactuals when `audit`.
pub fn run(model: &Model, keys: &Keys, pop: &Population, audit: bool) -> Option<FirmOutcome> {
    let f = model.firms.as_ref()?;
    let count = f.count.min(u32::MAX as u64) as u32;
    let blocks = count.div_ceil(BLOCK);
    let new_acc = || Acc {
        tally: FirmTally::new(model, f),
        audit: audit.then(|| FirmAuditTally::new(model, f)),
        pieces: Vec::new(),
    };
    let acc = (0..blocks)
        .into_par_iter()
        .fold(new_acc, |mut acc, b| {
            let mut rows = FirmRows::new(f);
            let mut roles = Vec::new();
            let mut scratch = sim::Scratch::default();
            for id in b * BLOCK..(b * BLOCK + BLOCK).min(count) {
                one_firm(
                    model,
                    f,
                    keys,
                    pop,
                    id,
                    &mut acc,
                    &mut rows,
                    &mut roles,
                    &mut scratch,
                );
            }
            acc.pieces.push((b, rows, roles));
            acc
        })
        .reduce(new_acc, |mut a, b| {
            a.tally.merge(&b.tally);
            if let (Some(x), Some(y)) = (&mut a.audit, &b.audit) {
                x.merge(y);
            }
            a.pieces.extend(b.pieces);
            a
        });
    let mut pieces = acc.pieces;
    pieces.sort_unstable_by_key(|p| p.0);
    let mut rows = FirmRows::new(f);
    let mut roles = Vec::new();
    for (_, r, i) in pieces {
        rows.append(r);
        roles.extend(i);
    }
    roles.sort_unstable();
    Some(FirmOutcome {
        tally: acc.tally,
        audit: acc.audit,
        rows,
        roles,
    })
}

#[allow(clippy::too_many_arguments)]
fn one_firm(
    model: &Model,
    f: &FirmRules,
    keys: &Keys,
    pop: &Population,
    id: u32,
    acc: &mut Acc,
    rows: &mut FirmRows,
    roles: &mut Vec<RoleInterval>,
    scratch: &mut sim::Scratch,
) {
    let firm = draw::Firm::draw(model, f, keys, pop, id);
    let t = &mut acc.tally;
    t.firms += 1;
    t.by_size[firm.size as usize] += 1;
    for (k, n) in t.by_flag.iter_mut().enumerate() {
        *n += (firm.flags >> k & 1) as u64;
    }
    t.unfilled_roles += (firm.representative == NOBODY) as u64;
    for (r, rating) in f.ratings.iter().enumerate() {
        t.rated_by_size[firm.size as usize][r] += rating.rates(firm.flags) as u64;
    }
    let life = sim::simulate(
        model,
        f,
        keys,
        &firm,
        sim::Variant::Factual,
        Some(t),
        scratch,
    );
    if let Some(a) = &mut acc.audit {
        let g = &mut a.groups[id as usize % crate::audit::GROUPS];
        g.all_firms += 1;
        g.applications += life.applications as u64;
        g.cross += life.cross as u64;
        for l in 0..f.lists.len() {
            g.entries[l] += life.entries[l] as u64;
            g.exits[l] += life.exits[l] as u64;
            g.completed_days[l] += life.completed_days[l] as u64;
        }
        for (r, rating) in f.ratings.iter().enumerate() {
            let (Some(ins), c) = (&rating.inspections, life.day0[r]) else {
                continue;
            };
            if c == sim::UNRATED {
                continue;
            }
            let equal = if ins.unequal() {
                let v = sim::Variant::EqualInspections(r);
                sim::simulate(model, f, keys, &firm, v, None, scratch).recorded[r]
            } else {
                life.recorded[r]
            };
            let c = c as usize;
            g.firms[r][c] += 1;
            g.violations[r][c] += life.violations[r] as u64;
            g.recorded[r][c] += life.recorded[r] as u64;
            g.recorded_equal[r][c] += equal as u64;
        }
        let errors = f
            .sources
            .iter()
            .any(|s| s.false_per_day.iter().any(|&x| x > 0.0));
        let without = if errors {
            sim::simulate(model, f, keys, &firm, sim::Variant::NoErrors, None, scratch).ever_listed
        } else {
            life.ever_listed
        };
        for l in 0..f.lists.len() {
            let listed = life.ever_listed >> l & 1;
            g.listed[l] += listed as u64;
            g.wrongful[l] += (listed & !(without >> l) & 1) as u64;
        }
    }
    for person in firm.reached(f) {
        for &(start, end) in &life.role_spells {
            roles.push(RoleInterval {
                person,
                start,
                end,
                firm: id,
            });
        }
    }
    rows.firm.push(id);
    rows.code.push(codes::firm_code(keys, id, firm.region));
    rows.size.push(firm.size);
    rows.sector.push(firm.sector);
    rows.region.push(firm.region);
    rows.flags.push(firm.flags);
    let rep = (firm.representative != NOBODY).then_some(firm.representative);
    rows.representative.push(rep);
    rows.representative_code
        .push(rep.map(|p| codes::person_code(keys, p)));
    for r in 0..f.ratings.len() {
        rows.class_day0[r].push(Some(life.day0[r]).filter(|&c| c != sim::UNRATED));
        rows.class_last[r].push(Some(life.last[r]).filter(|&c| c != sim::UNRATED));
    }
    rows.acts.push(life.acts);
    rows.records.push(life.records);
    rows.inspections.push(life.inspections);
    rows.ever_listed.push(life.ever_listed);
    rows.listed_days.push(life.listed_days);
    rows.sanctioned_days.push(life.sanctioned_days);
}

/// Puts the firm pass into the run's outcome: the persons' role counts and the
/// factual sizes go into the firms' audit counts, which go into the run's audit.
pub(crate) fn attach(outcome: &mut crate::Outcome, mut f: FirmOutcome) {
    if let Some(a) = &mut f.audit {
        a.roles = outcome.tally.roles.clone();
        a.by_size = f.tally.by_size.clone();
        a.rated_by_size = f.tally.rated_by_size.clone();
    }
    if let Some(audit) = &mut outcome.audit {
        audit.firms = f.audit.take();
    }
    outcome.firms = Some(f);
}
