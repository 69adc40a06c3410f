//! One firm's fixed traits, drawn from (seed, firm id) alone: size, sector, region,
//! flags, base scores, behaviour rates, and the persons who hold its roles.

use crate::population::{self, Population};
use crate::rng::{Keys, Purpose};
use credsim_model::Model;
use credsim_model::firms::{FirmRules, MAX_MANAGERS, MAX_RATINGS};

/// Sub-streams of purpose `Firms` (the high byte names the draw, the low bytes its
/// rating, behaviour, source or list).
pub(super) const SUB_TRAITS: u32 = 1 << 16;
pub(super) const SUB_BASE: u32 = 2 << 16;
pub(super) const SUB_MULTIPLIER: u32 = 3 << 16;
pub(super) const SUB_ROLE: u32 = 4 << 16;
pub(super) const SUB_ACTS: u32 = 5 << 16;
pub(super) const SUB_CAPTURE: u32 = 6 << 16;
pub(super) const SUB_FALSE: u32 = 7 << 16;
pub(super) const SUB_OCCASIONS: u32 = 8 << 16;
pub(super) const SUB_DETECT: u32 = 9 << 16;
pub(super) const SUB_RESTORE: u32 = 10 << 16;

/// No person holds the role.
pub const NOBODY: u32 = u32::MAX;

/// Random person draws before the holders are searched in id order.
const HOLDER_TRIES: u32 = 1_000;

/// A firm's fixed traits.
#[derive(Debug, Clone)]
pub(super) struct Firm {
    pub(super) id: u32,
    pub(super) size: u8,
    pub(super) sector: u8,
    pub(super) region: u8,
    /// Bit per flag.
    pub(super) flags: u32,
    /// Base score per rating (NaN: not rated).
    pub(super) base: [f64; MAX_RATINGS],
    /// Acts per day of each behaviour.
    pub(super) rates: Vec<f64>,
    /// The legal representative ([`NOBODY`]: none may hold it).
    pub(super) representative: u32,
    /// Senior managers (the first `managers` entries).
    pub(super) managers: [u32; MAX_MANAGERS as usize],
}

impl Firm {
    pub(super) fn draw(
        model: &Model,
        f: &FirmRules,
        keys: &Keys,
        pop: &Population,
        id: u32,
    ) -> Firm {
        let mut st = keys.stream(Purpose::Firms, SUB_TRAITS, id as u64, 0);
        let size = f.sizes.index(st.uniform()) as u8;
        let sector = f.sectors.index(st.uniform()) as u8;
        let region = f.regions.index(st.uniform()) as u8;
        let mut flags = 0u32;
        for (k, &share) in f.flag_shares.iter().enumerate() {
            if st.uniform() < share {
                flags |= 1 << k;
            }
        }
        let mut base = [f64::NAN; MAX_RATINGS];
        for (r, rating) in f.ratings.iter().enumerate() {
            if rating.rates(flags) {
                let z = keys
                    .stream(Purpose::Firms, SUB_BASE | r as u32, id as u64, 0)
                    .normal();
                base[r] = rating.base_mean + rating.base_sd * z;
            }
        }
        let rates = f
            .behaviours
            .iter()
            .enumerate()
            .map(|(b, beh)| {
                if beh.only.is_some_and(|k| flags & (1 << k) == 0) {
                    return 0.0;
                }
                let m = beh.shape.map_or(1.0, |k| {
                    keys.stream(Purpose::Firms, SUB_MULTIPLIER | b as u32, id as u64, 0)
                        .gamma_mean_one(k)
                });
                beh.rate_per_day * beh.size_multipliers[size as usize] * m
            })
            .collect();
        let mut managers = [NOBODY; MAX_MANAGERS as usize];
        for (slot, m) in managers.iter_mut().enumerate().take(f.managers as usize) {
            *m = holder(model, f, keys, pop, id, 1 + slot as u64);
        }
        Firm {
            id,
            size,
            sector,
            region,
            flags,
            base,
            rates,
            representative: holder(model, f, keys, pop, id, 0),
            managers,
        }
    }

    /// The persons holding a role the roles rules reach, each once.
    pub(super) fn reached(&self, f: &FirmRules) -> Vec<u32> {
        let Some(r) = &f.roles else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if r.representative && self.representative != NOBODY {
            out.push(self.representative);
        }
        if r.managers {
            out.extend(
                self.managers[..f.managers as usize]
                    .iter()
                    .copied()
                    .filter(|&p| p != NOBODY),
            );
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The person holding role `slot` of firm `id` (0: legal representative): a uniform
/// draw among persons until one may hold roles (`firms.holders`); after
/// [`HOLDER_TRIES`] draws, the next such person after the last draw in id order
/// (wrapping); [`NOBODY`] when nobody may.
fn holder(model: &Model, f: &FirmRules, keys: &Keys, pop: &Population, id: u32, slot: u64) -> u32 {
    let persons = model.persons as u32;
    let mut st = keys.stream(Purpose::Firms, SUB_ROLE, id as u64, slot);
    let mut attrs = vec![0u8; model.attributes.len()];
    let mut may_hold = |p: u32| -> bool {
        if f.holders.everyone() {
            return true;
        }
        let h = pop.household_start.partition_point(|&s| s <= p) as u32 - 1;
        population::attributes(model, keys, p, h, &mut attrs);
        f.holders.contains(&attrs)
    };
    let mut p = 0;
    for _ in 0..HOLDER_TRIES {
        p = st.below(persons as u64) as u32;
        if may_hold(p) {
            return p;
        }
    }
    for k in 1..persons {
        let q = ((p as u64 + k as u64) % persons as u64) as u32;
        if may_hold(q) {
            return q;
        }
    }
    NOBODY
}
