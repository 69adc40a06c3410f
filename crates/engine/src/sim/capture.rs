//! Capture: whether a source records an act (capture probability, scrutiny, equal
//! capture), misattribution to another person, and the replay masks that tell each
//! counterfactual which acts it could record.

use super::*;

impl ChunkSim {
    /// Whether the regime scores local person i (the eligibility rule,
    /// [`credsim_model::Model::scored`]): only scored persons' acts are captured, and
    /// false and misattributed records land only on scored persons.
    pub(super) fn is_scored(&self, ctx: &Ctx<'_>, i: u32) -> bool {
        let a = ctx.model.attributes.len();
        ctx.model
            .scored(&self.people.persons.attrs[i as usize * a..(i as usize + 1) * a])
    }

    /// The counterfactuals in which act k could be recorded (the capture draws of
    /// [`Self::capture`], without recording anything), as a replay mask.
    pub(super) fn replay_mask(&self, ctx: &Ctx<'_>, i: u32, k: u32, b: usize) -> u16 {
        if !ctx.full || !self.is_scored(ctx, i) {
            return 0;
        }
        let person = self.id(i);
        ctx.model.behaviours[b]
            .observers
            .iter()
            .fold(0, |mask, obs| {
                let u = ctx
                    .keys
                    .stream(Purpose::Capture, obs.source as u32, person as u64, k as u64)
                    .uniform();
                mask | self.observer_replay_mask(ctx, i, obs, u)
            })
    }

    /// The counterfactuals in which capture draw u of observer `obs` could succeed for
    /// person i: those whose highest possible capture probability for i exceeds u.
    /// Each bound is computed with the same operations, in the same order, as the
    /// variant's own capture probability (and scrutiny at its larger factor; products
    /// of non-negative floats are monotone), so no act a variant would record is left
    /// out.
    pub(super) fn observer_replay_mask(
        &self,
        ctx: &Ctx<'_>,
        i: u32,
        obs: &credsim_model::Observer,
        u: f64,
    ) -> u16 {
        let watched = ctx
            .model
            .scrutiny
            .as_ref()
            .map_or(1.0, |s| s.capture_multiplier.max(1.0));
        let bound = |level: Option<usize>, scrutiny: bool| {
            self.capture_probability(ctx, i, obs, if scrutiny { watched } else { 1.0 }, level)
        };
        // Capture by attributes is shared by most variants; each level by one.
        let mut cache = [None::<f64>; 2];
        let mut mask = 0u16;
        for (v, &(level, scrutiny)) in ctx.replay_variants.iter().enumerate() {
            let p = match level {
                None => *cache[scrutiny as usize].get_or_insert_with(|| bound(None, scrutiny)),
                Some(_) => bound(level, scrutiny),
            };
            if u < p {
                mask |= 1 << v;
            }
        }
        mask
    }

    /// The probability that `obs` captures an act of person i, with scrutiny factor
    /// `scrutiny`, and with capture equalised at a level (`Ctx::capture_levels`) or by
    /// i's attributes (None). The one computation of it, so that replay bounds use the
    /// same operations in the same order as the capture itself.
    pub(super) fn capture_probability(
        &self,
        ctx: &Ctx<'_>,
        i: u32,
        obs: &credsim_model::Observer,
        scrutiny: f64,
        level: Option<usize>,
    ) -> f64 {
        let mut p = obs.capture * scrutiny;
        if let Some(l) = level {
            p *= ctx.capture_levels[l][obs.source];
        } else {
            let a = ctx.model.attributes.len();
            let src = &ctx.model.sources[obs.source];
            for (x, &c) in self.people.persons.attrs[i as usize * a..(i as usize + 1) * a]
                .iter()
                .enumerate()
            {
                p *= src.capture_multipliers[x][c as usize];
            }
        }
        p
    }

    /// Lets every source observing behaviour b capture act k of person i; returns
    /// the counterfactuals that could record this act (see [`Self::replay_mask`]; 0
    /// outside the factual run).
    pub(super) fn capture(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, k: u32, b: usize) -> u16 {
        let m = ctx.model;
        if !self.is_scored(ctx, i) {
            return 0; // not scored: no source files a record on this person
        }
        let person = self.id(i);
        let scrutiny = match ctx.scrutiny {
            Some(sc) if self.under_scrutiny(i, day) => sc.capture_multiplier,
            _ => 1.0,
        };
        let mut replay = 0u16;
        for obs in &m.behaviours[b].observers {
            let src = &m.sources[obs.source];
            let p = self.capture_probability(ctx, i, obs, scrutiny, ctx.capture_level);
            let u = ctx
                .keys
                .stream(Purpose::Capture, obs.source as u32, person as u64, k as u64)
                .uniform();
            if ctx.full {
                replay |= self.observer_replay_mask(ctx, i, obs, u);
                if ctx.equal_capture_audited {
                    // Where equal capture at some level would decide this act
                    // otherwise, that counterfactual's life of this household can differ
                    // from here on (one mark for every level: a superset of each one's
                    // households); a record it would make, and misattribute, links its
                    // target.
                    let (mut differs, mut records) = (false, false);
                    for &(level, _) in &ctx.replay_variants {
                        if level.is_some() {
                            let q = self.capture_probability(ctx, i, obs, scrutiny, level);
                            if (u < p) != (u < q) {
                                differs = true;
                                records |= u < q;
                            }
                        }
                    }
                    if differs {
                        self.mark_reached(i, REACHED_BY_CAPTURE);
                        if records && let Some(target) = self.misattribution_target(ctx, i, obs, k)
                        {
                            self.misattributions.push((i, target));
                        }
                    }
                }
            }
            if u >= p {
                continue;
            }
            self.tally.captured += 1;
            let arrival = day.saturating_add(src.delay_days);
            if let Some(target) = self.misattribution_target(ctx, i, obs, k) {
                // Kept in the factual run's numbering (what `widen` reads).
                self.misattributions.push((self.factual_index(i), target));
                if ctx.full {
                    self.mark_reached(i, REACHED_BY_ERRORS);
                }
                // A target outside the households simulated here makes the caller
                // widen them and run this counterfactual again.
                if let Some(target) = self.local_of(target) {
                    self.schedule_record(
                        ctx,
                        target,
                        arrival,
                        b as u16,
                        obs.source as u16,
                        Provenance::Misattributed,
                    );
                }
            } else {
                self.schedule_record(
                    ctx,
                    i,
                    arrival,
                    b as u16,
                    obs.source as u16,
                    Provenance::True,
                );
            }
        }
        replay
    }

    /// The person act k's record from `obs` is misattributed to, if it is (with data
    /// errors in effect): another person of the same neighbourhood (this chunk),
    /// uniformly, by the act's own misattribution draws; with an eligibility rule,
    /// another scored person of it (the actor is scored: only their acts are captured).
    pub(super) fn misattribution_target(
        &self,
        ctx: &Ctx<'_>,
        i: u32,
        obs: &credsim_model::Observer,
        k: u32,
    ) -> Option<u32> {
        let src = &ctx.model.sources[obs.source];
        let person = self.id(i);
        let mut ms = ctx.keys.stream(
            Purpose::Misattribution,
            obs.source as u32,
            person as u64,
            k as u64,
        );
        let everyone = ctx.model.scored.everyone();
        let neighbours = if everyone {
            self.neighbours as u64
        } else {
            self.scored.len() as u64
        };
        let misattributed = ms.uniform() < src.misattribution;
        if !(misattributed && neighbours > 1 && ctx.errors) {
            return None;
        }
        let actor = self.factual_index(i);
        // The actor's place among the candidates (all persons, or the scored ones).
        let place = if everyone {
            actor
        } else {
            self.scored.partition_point(|&x| x < actor) as u32
        };
        let mut target = ms.below(neighbours - 1) as u32;
        if target >= place {
            target += 1;
        }
        Some(if everyone {
            target
        } else {
            self.scored[target as usize]
        })
    }
}
