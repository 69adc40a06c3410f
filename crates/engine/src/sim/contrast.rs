//! The audit's view of finished chunks: per-person outcomes, the factual run's audit
//! counts and the contrast with a counterfactual, and the persons table.

use super::*;

/// Where each attribute's categories start in the audit's flat per-category counts.
pub(super) fn category_offsets(model: &Model) -> Vec<usize> {
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

    /// The persons-table rows of this chunk.
    pub(super) fn person_batch(&self, ctx: &Ctx<'_>, table: PersonsTable) -> PersonBatch {
        let m = ctx.model;
        let a = m.attributes.len();
        let mut b = PersonBatch {
            attributes: vec![Vec::new(); a],
            ..PersonBatch::default()
        };
        let first_household = self.household_offset;
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
            b.score.push(
                m.score
                    .as_ref()
                    .map(|r| r.score(self.people.score.points[i])),
            );
            b.grade.push(
                (self.people.score.grade[i] != NO_GRADE).then_some(self.people.score.grade[i]),
            );
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

    /// Adds the factual run's per-person outcomes to an audit group.
    pub(super) fn audit_factual(&self, ctx: &Ctx<'_>, g: &mut GroupTally) {
        let m = ctx.model;
        g.merge(&self.observed.group);
        g.responses.merge(&self.tally.responses);
        g.records += self.tally.records().iter().sum::<u64>();
        g.denied += self.tally.denied.iter().sum::<u64>();
        let a = m.attributes.len();
        let offsets = category_offsets(m);
        let n = self.people.len();
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
                let c = &mut g.categories[o + self.people.persons.attrs[i * a + x] as usize];
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
    pub(super) fn audit_contrast(
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
            (_, Some(h)) => h[self.people.persons.household[i] as usize].then_some(i),
            (_, None) => Some(i),
        };
        let n = self.people.len();
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
                    let c =
                        &mut g.categories_equal[o + self.people.persons.attrs[i * a + x] as usize];
                    c[0] += 1;
                    c[1] += sanctioned as u64;
                    c[2] += listed as u64;
                    c[3] += lowest as u64;
                }
            }
            return;
        }
        let Some(c) = g.contrast_mut(variant) else {
            return;
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
