//! Attempts to use services: a Poisson process per person and service; attempts
//! made while a sanction holds are denied, while a reward holds granted.

use super::*;

impl ChunkSim {
    /// Counts person j's attempts to use service `s` on days [from, to) as denied, by
    /// period. Counterfactual runs skip this. (Granted attempts are counted per chunk
    /// and period: [`ChunkSim::count_granted`].)
    pub(super) fn count_denied(&mut self, ctx: &Ctx<'_>, j: u32, s: usize, from: u32, to: u32) {
        if !ctx.full {
            return;
        }
        let m = ctx.model;
        let person = self.id(j);
        let tally = &mut self.tally;
        for_each_attempt(ctx, person, s, from, to, |d| {
            let p = m.period_of(d);
            tally.denied[s] += 1;
            tally.periods[p].denied[s] += 1;
        });
    }

    /// Counts the attempts granted in period k, service by service: attempts made while
    /// a reward holds the service. Each person's attempts are a Poisson process
    /// independent of everything else, so, given the rewarded person-days D of the
    /// chunk in the period, their total is Poisson(rate × D): one draw per chunk,
    /// service and period, keyed by (chunk, service, period), instead of one keyed
    /// stream per person and hold. (Nothing needs granted attempts person by person;
    /// denied attempts are kept per person for the audit's amplification measures.)
    pub(super) fn count_granted(&mut self, ctx: &Ctx<'_>, k: usize) {
        for (s, process) in ctx.attempts.iter().enumerate() {
            if ctx.slot_of[s][TreatmentKind::Reward as usize] == usize::MAX {
                continue;
            }
            let days = self.tally.occupancy_days[ctx.layout.rewarded(s)];
            let new_days = days - self.rewarded_days[s];
            self.rewarded_days[s] = days;
            if new_days == 0 || process.rate <= 0.0 {
                continue;
            }
            let mut st = ctx.keys.stream(
                Purpose::GrantedAttempts,
                s as u32,
                self.household_offset as u64,
                k as u64,
            );
            let n = Poisson::new(process.rate * new_days as f64).sample(&mut st);
            self.tally.granted[s] += n;
            self.tally.periods[k].granted[s] += n;
        }
    }

    /// Attempts of person j at service s on days [from, to).
    pub(super) fn attempts_between(
        &self,
        ctx: &Ctx<'_>,
        j: u32,
        s: usize,
        from: u32,
        to: u32,
    ) -> u64 {
        let mut n = 0;
        for_each_attempt(ctx, self.id(j), s, from, to, |_| n += 1);
        n
    }
}

/// One service's attempts: a Poisson process per person, cut into blocks of days
/// each keyed by (person, service, block) so that the same attempts exist whatever the
/// person's status (common random numbers) and any interval can be read without
/// generating the whole horizon.
#[derive(Debug, Clone, Copy)]
pub(super) struct AttemptProcess {
    /// Attempts per day.
    pub(super) rate: f64,
    /// Days per block: the horizon when few attempts are expected in it, else about
    /// four attempts' worth, so reading an interval costs O(1 + attempts in it).
    pub(super) block_days: u32,
    /// Probability of no attempt in a whole block, e^(−rate·block_days).
    pub(super) none_in_block: f64,
}

impl AttemptProcess {
    /// Expected attempts per block above which the horizon is cut into shorter blocks.
    const PER_BLOCK: f64 = 4.0;

    pub(super) fn new(rate: f64, days: u32) -> Self {
        let rate = if rate.is_finite() { rate.max(0.0) } else { 0.0 };
        let block_days = if rate * days as f64 <= Self::PER_BLOCK {
            days.max(1)
        } else {
            ((Self::PER_BLOCK / rate) as u32).clamp(1, days.max(1))
        };
        AttemptProcess {
            rate,
            block_days,
            none_in_block: (-rate * block_days as f64).exp(),
        }
    }
}

/// Calls `f(day)` for each attempt of a person at service `s` on days [from, to).
/// Within a block the attempts are the arrival times of the process (exponential
/// gaps from the block's start); the first gap is drawn by inversion from one uniform,
/// so a block without attempts (the common case at the presets' rates) costs one
/// keyed hash and one comparison.
pub(super) fn for_each_attempt(
    ctx: &Ctx<'_>,
    person: u32,
    s: usize,
    from: u32,
    to: u32,
    mut f: impl FnMut(u32),
) {
    let process = &ctx.attempts[s];
    if process.rate <= 0.0 || to <= from {
        return;
    }
    let len = process.block_days;
    for block in from / len..=(to - 1) / len {
        let mut st = ctx
            .keys
            .stream(Purpose::Attempts, s as u32, person as u64, block as u64);
        let u = st.open_uniform();
        if u <= process.none_in_block {
            continue; // the first arrival falls beyond the block
        }
        let start = block * len;
        let end = to.min(start.saturating_add(len));
        let mut t = start as f64 - u.ln() / process.rate;
        while t < end as f64 {
            let d = t as u32;
            if d >= from {
                f(d);
            }
            t += st.exponential() / process.rate;
        }
    }
}
