//! The audit's view of finished chunks: per-person outcomes, the factual run's audit
//! counts and the contrast with a counterfactual, and the persons table.

use super::*;
use crate::audit::{ACT_CLASSES, category_offsets, fair_pairs};

/// A person's gravity class from the gravity of their genuine acts (sum G and largest
/// act): 0 when G = 0 (no conduct of any gravity: a sanction is unjustified), 1 when
/// every act is below the minor threshold, 2 otherwise (or whenever G > 0 without a
/// threshold).
pub(super) fn gravity_class(total: f64, gravest: f64, minor: Option<f64>) -> usize {
    if total <= 0.0 {
        0
    } else if minor.is_some_and(|t| gravest < t) {
        1
    } else {
        2
    }
}

impl ChunkSim {
    /// Calls `f` with each fairness cell (`GroupTally::fair`) person i belongs to: one
    /// category per attribute, then one cell per pair of attributes.
    fn fair_cells(
        &self,
        m: &Model,
        (offsets, pairs): (&[usize], &[(usize, usize, usize)]),
        i: usize,
        mut f: impl FnMut(usize),
    ) {
        let a = m.attributes.len();
        let cat = |x: usize| self.people.persons.attrs[i * a + x] as usize;
        for (x, &o) in offsets.iter().enumerate() {
            f(o + cat(x));
        }
        for &(x, y, o) in pairs {
            f(o + cat(x) * m.attributes[y].categories.values.len() + cat(y));
        }
    }

    /// Ever sanctioned, sanction-days, ever listed, ever in the lowest grade.
    pub(super) fn outcome(&self, ctx: &Ctx<'_>, i: usize) -> (bool, u32, bool, bool) {
        let ever = self.people.persons.ever[i];
        let (sanctioned, listed, lowest) = ctx.outcome_bits;
        (
            ever & sanctioned != 0,
            self.lives.sanction_days[i],
            ever & listed != 0,
            ever & lowest != 0,
        )
    }

    /// Person i's sanction-days in context, cross-context and with no own record
    /// (household spill-over, contacts, the starting status), of `days` in all.
    fn days_by_context(&self, i: usize, days: u32) -> [u32; 3] {
        let (inside, cross) = (
            self.lives.days_in_context[i],
            self.lives.days_cross_context[i],
        );
        debug_assert!(inside + cross <= days, "context days within sanction-days");
        [inside, cross, days.saturating_sub(inside + cross)]
    }

    /// The persons-table rows of this chunk.
    pub(super) fn person_batch(&self, ctx: &Ctx<'_>, table: PersonsTable) -> PersonBatch {
        let m = ctx.model;
        let a = m.attributes.len();
        let mut b = PersonBatch {
            attributes: vec![Vec::new(); a],
            ..PersonBatch::default()
        };
        let first_household = self.household_offset;
        let tampered = (!m.attacks.is_empty()).then(|| self.tampered_per_person(ctx));
        for i in 0..self.people.len() {
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
            b.household
                .push(first_household + self.people.persons.household[i]);
            for (x, col) in b.attributes.iter_mut().enumerate() {
                col.push(self.people.persons.attrs[i * a + x]);
            }
            b.score.push(self.score_of(ctx, i as u32));
            b.grade.push(self.grade(i as u32).map(|g| g as u8));
            for (p, col) in b.records.iter_mut().enumerate() {
                col.push(self.lives.records[3 * i + p]);
            }
            if let Some(t) = &tampered {
                b.records_tampered.push(t[i]);
            }
            b.sanction_days.push(days);
            b.listed_days.push(self.lives.listed_days[i]);
            b.violations.push(self.lives.acts[2 * i]);
            b.protected_acts.push(self.lives.acts[2 * i + 1]);
            b.sanctioned_without_errors
                .push(match self.lives.without_errors.get(i) {
                    Some(1) => Some(false),
                    Some(2) => Some(true),
                    _ => None,
                });
            b.ever_rewarded
                .push(self.people.persons.ever[i] & 1 << ctx.layout.ever_rewarded() != 0);
            b.ever_lowest_grade.push(lowest);
            b.ever_sanctioned.push(sanctioned);
        }
        b
    }

    /// Adds the factual run's per-person outcomes to an audit group.
    pub(super) fn audit_factual(&self, ctx: &Ctx<'_>, g: &mut GroupTally) {
        let m = ctx.model;
        g.merge(&self.observed.group);
        g.responses.merge(&self.tally.responses);
        g.records += self.tally.records().iter().sum::<u64>();
        if !m.attacks.is_empty() {
            crate::tally::Counts::add(&mut g.tamper, &self.tally.tamper);
            for (s, p) in g.store_by_period.iter_mut().zip(&self.tally.periods) {
                *s += p.records.iter().sum::<u64>() + p.tampered;
            }
        }
        g.denied += self.tally.denied.iter().sum::<u64>();
        let a = m.attributes.len();
        let offsets = category_offsets(m);
        let pairs = fair_pairs(m);
        let rewarded = 1 << ctx.layout.ever_rewarded();
        let n = self.people.len();
        g.persons += n as u64;
        for i in 0..n {
            let (sanctioned, days, listed, lowest) = self.outcome(ctx, i);
            g.sanction_days += days as u64;
            if days > 0 {
                g.days_histogram[days as usize] += 1;
                let by_context = self.days_by_context(i, days);
                for (x, &d) in g.days_by_context.iter_mut().zip(&by_context) {
                    *x += d as u64;
                }
                // The person's context: some cross-context day; else some day with no
                // own record; else in context only.
                let c = match by_context {
                    [_, c, _] if c > 0 => 1,
                    [_, _, n] if n > 0 => 2,
                    _ => 0,
                };
                g.persons_by_context[c] += 1;
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
            let acts = (self.lives.acts[2 * i] as usize).min(ACT_CLASSES - 1);
            let class = gravity_class(
                self.lives.gravity[i],
                self.lives.gravest[i],
                m.minor_gravity,
            );
            let c = &mut g.gravity_classes[class];
            c[0] += 1;
            c[1] += sanctioned as u64;
            c[2] += days as u64;
            for (x, &o) in offsets.iter().enumerate() {
                let cat = o + self.people.persons.attrs[i * a + x] as usize;
                let c = &mut g.categories[cat];
                c[0] += 1;
                c[1] += sanctioned as u64;
                c[2] += listed as u64;
                c[3] += lowest as u64;
                let k = &mut g.categories_by_acts[cat];
                k[acts] += 1;
                k[ACT_CLASSES + acts] += sanctioned as u64;
            }
            // Fairness on ground truth: Ŷ against Yᶜ (a genuine violation), rewards.
            let at = 2 * sanctioned as usize + (self.lives.acts[2 * i] > 0) as usize;
            let rewarded = (self.people.persons.ever[i] & rewarded != 0) as u64;
            self.fair_cells(m, (&offsets, &pairs), i, |cell| {
                g.fair[cell][at] += 1;
                g.fair[cell][8] += rewarded;
            });
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
    pub(super) fn audit_contrast(
        &mut self,
        ctx: &Ctx<'_>,
        variant: Variant,
        other: Option<&ChunkSim>,
        only: Option<&[bool]>,
        g: &mut GroupTally,
    ) {
        let ye = self.contrast(ctx, variant, other, only, g);
        if let Some(ye) = ye {
            self.lives.without_errors.copy_from_slice(&ye);
        }
    }

    /// [`Self::audit_contrast`], returning with the no-errors counterfactual each
    /// person's Yᴱ (1 not sanctioned, 2 sanctioned; `Lives::without_errors`).
    fn contrast(
        &self,
        ctx: &Ctx<'_>,
        variant: Variant,
        other: Option<&ChunkSim>,
        only: Option<&[bool]>,
        g: &mut GroupTally,
    ) -> Option<Vec<u8>> {
        let cf = other.unwrap_or(self);
        // Person i's index in the counterfactual run, if it simulated them.
        let simulated = |i: usize| match (other, only) {
            (Some(v), Some(_)) => v.local_of(i as u32).map(|x| x as usize),
            (_, Some(h)) => h[self.people.persons.household[i] as usize].then_some(i),
            (_, None) => Some(i),
        };
        let n = self.people.len();
        if let Some(level) = variant.capture_level() {
            let counts = match level {
                0 => &mut g.categories_equal,
                l => &mut g.categories_at_level[l - 1],
            };
            let m = ctx.model;
            let a = m.attributes.len();
            let offsets = category_offsets(m);
            for i in 0..n {
                let (sanctioned, _, listed, lowest) = match simulated(i) {
                    Some(x) => cf.outcome(ctx, x),
                    None => self.outcome(ctx, i),
                };
                for (x, &o) in offsets.iter().enumerate() {
                    let c = &mut counts[o + self.people.persons.attrs[i * a + x] as usize];
                    c[0] += 1;
                    c[1] += sanctioned as u64;
                    c[2] += listed as u64;
                    c[3] += lowest as u64;
                }
            }
            return None;
        }
        let errors = variant == Variant::NoErrors;
        let mut ye = Vec::with_capacity(if errors { n } else { 0 });
        if errors {
            // Fairness on ground truth: Ŷ against Yᴱ, per person before the sums below.
            let m = ctx.model;
            let offsets = category_offsets(m);
            let pairs = fair_pairs(m);
            for i in 0..n {
                let fs = self.outcome(ctx, i).0;
                let vs = simulated(i).map_or(fs, |x| cf.outcome(ctx, x).0);
                ye.push(1 + vs as u8);
                let at = 4 + 2 * fs as usize + vs as usize;
                self.fair_cells(m, (&offsets, &pairs), i, |cell| g.fair[cell][at] += 1);
            }
        }
        // Wrongful sanctions by path (no-errors counterfactual): persons and excess days.
        let paths = errors.then(|| self.wrongful_paths(ctx));
        let mut by_path = [[0u64; 2]; 4];
        let c = g.contrast_mut(variant)?;
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
            if let Some(path) = &paths {
                let p = &mut by_path[path(i) as usize];
                p[0] += (fs && !vs) as u64;
                p[1] += fd.saturating_sub(vd) as u64;
            }
            c.spared_days += vd.saturating_sub(fd) as u64;
            c.listed += vl as u64;
            c.listed_only_factual += (fl && !vl) as u64;
        }
        for (a, b) in g.wrongful_paths.iter_mut().zip(&by_path) {
            a[0] += b[0];
            a[1] += b[1];
        }
        errors.then_some(ye)
    }

    /// The path by which data errors can reach each person of the factual run: an
    /// erroneous record of their own, else one on a household member, else a listing
    /// through contacts, else none of these (system-wide: queue, chilling, scrutiny).
    fn wrongful_paths(&self, ctx: &Ctx<'_>) -> impl Fn(usize) -> WrongfulPath + '_ {
        let erroneous =
            |i: usize| self.lives.records[3 * i + 1] + self.lives.records[3 * i + 2] > 0;
        // Reachable through a household member: a member with an erroneous record holds
        // a household sanction treatment whose spill-over reaches this person.
        let mut household = vec![false; self.people.len()];
        let household_sanctions: Vec<usize> = (0..ctx.model.treatments.len())
            .filter(|&t| {
                let tr = &ctx.model.treatments[t];
                tr.household && tr.kind == TreatmentKind::Sanction
            })
            .collect();
        for e in (0..self.people.len()).filter(|&e| erroneous(e)) {
            for &t in &household_sanctions {
                for j in self.spillover_members(ctx, e as u32, t) {
                    household[j as usize] = true;
                }
            }
        }
        move |i| {
            if erroneous(i) {
                WrongfulPath::Direct
            } else if household[i] {
                WrongfulPath::Household
            } else if self.lives.via_contacts[i] {
                WrongfulPath::Association
            } else {
                WrongfulPath::Systemic
            }
        }
    }
}
