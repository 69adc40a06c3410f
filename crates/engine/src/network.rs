//! Social ties beyond households, derived from (seed, person) and never stored.
//!
//! Person i has `contacts` ties, slot j = 0, 1, …: a directed small-world graph.
//! Slot j points to the id at offset +(j/2 + 1) (even j) or −(j/2 + 1) (odd j) on a
//! ring of all ids, so most ties are to neighbours in id order: the same household
//! and neighbourhood. With probability `rewiring` (one keyed draw per person and
//! slot) the tie instead goes to π_j(i), where π_j is a pseudo-random permutation of
//! all ids (a keyed Feistel network with cycle walking). Because π_j can be inverted,
//! the persons who have x as a contact can be listed from x alone, so a change in x's
//! status reaches exactly those persons: no edge list, O(contacts) work per change.
//!
//! A tie that lands on the person themself is dropped; two slots may point to the same
//! person (a stronger tie counts twice).

use crate::rng::{Keys, Purpose, mix};
use credsim_model::NetworkRules;

/// A keyed pseudo-random permutation of [0, n).
#[derive(Debug, Clone)]
struct Permutation {
    n: u64,
    half_bits: u32,
    mask: u64,
    key: u64,
}

impl Permutation {
    const ROUNDS: u64 = 4;

    fn new(n: u64, key: u64) -> Self {
        let bits = 64 - n.saturating_sub(1).leading_zeros();
        let half_bits = bits.div_ceil(2).max(1);
        Permutation {
            n,
            half_bits,
            mask: (1u64 << half_bits) - 1,
            key,
        }
    }

    fn round(&self, round: u64, half: u64) -> u64 {
        mix(self.key ^ (round << 56) ^ half) & self.mask
    }

    fn encrypt(&self, x: u64) -> u64 {
        let (mut l, mut r) = (x >> self.half_bits, x & self.mask);
        for k in 0..Self::ROUNDS {
            (l, r) = (r, l ^ self.round(k, r));
        }
        l << self.half_bits | r
    }

    fn decrypt(&self, y: u64) -> u64 {
        let (mut l, mut r) = (y >> self.half_bits, y & self.mask);
        for k in (0..Self::ROUNDS).rev() {
            (l, r) = (r ^ self.round(k, l), l);
        }
        l << self.half_bits | r
    }

    /// π(x): encrypt until the value falls in [0, n) (cycle walking keeps it a bijection).
    fn forward(&self, x: u64) -> u64 {
        let mut y = self.encrypt(x);
        while y >= self.n {
            y = self.encrypt(y);
        }
        y
    }

    /// π⁻¹(y).
    fn inverse(&self, y: u64) -> u64 {
        let mut x = self.decrypt(y);
        while x >= self.n {
            x = self.decrypt(x);
        }
        x
    }
}

/// The contact graph of a population.
#[derive(Debug, Clone)]
pub struct Network {
    persons: u64,
    rewiring: f64,
    keys: Keys,
    permutations: Vec<Permutation>,
}

impl Network {
    /// The graph for `persons` persons under the scenario's rules.
    pub fn new(rules: &NetworkRules, persons: u64, keys: Keys) -> Network {
        Network {
            persons,
            rewiring: rules.rewiring,
            keys,
            permutations: (0..rules.contacts)
                .map(|j| {
                    let key = keys.stream(Purpose::TiePermutation, j, 0, 0).next_u64();
                    Permutation::new(persons, key)
                })
                .collect(),
        }
    }

    fn rewired(&self, person: u64, slot: u32) -> bool {
        self.rewiring > 0.0
            && self.keys.stream(Purpose::Tie, slot, person, 0).uniform() < self.rewiring
    }

    /// The ring offset of slot j, as an amount to add modulo the population.
    fn offset(&self, slot: u32) -> u64 {
        let step = (slot as u64 / 2 + 1) % self.persons;
        if slot.is_multiple_of(2) {
            step
        } else {
            (self.persons - step) % self.persons
        }
    }

    /// Calls `f` with each contact of `person` (slot order).
    pub fn contacts(&self, person: u32, mut f: impl FnMut(u32)) {
        let i = person as u64;
        for (j, perm) in self.permutations.iter().enumerate() {
            let target = if self.rewired(i, j as u32) {
                perm.forward(i)
            } else {
                (i + self.offset(j as u32)) % self.persons
            };
            if target != i {
                f(target as u32);
            }
        }
    }

    /// Calls `f` with each person who has `person` as a contact, once per tie.
    pub fn followers(&self, person: u32, mut f: impl FnMut(u32)) {
        let x = person as u64;
        for (j, perm) in self.permutations.iter().enumerate() {
            let slot = j as u32;
            // A ring tie from x − offset, unless that tie was rewired.
            let y = (x + self.persons - self.offset(slot)) % self.persons;
            if y != x && !self.rewired(y, slot) {
                f(y as u32);
            }
            // A rewired tie from π⁻¹(x), if that person's slot was rewired.
            let y = perm.inverse(x);
            if y != x && self.rewired(y, slot) {
                f(y as u32);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutations_are_bijections_with_inverses() {
        for n in [1u64, 2, 3, 17, 1000, 4097] {
            let p = Permutation::new(n, 99);
            let mut seen = vec![false; n as usize];
            for x in 0..n {
                let y = p.forward(x);
                assert!(y < n);
                assert!(!seen[y as usize], "n = {n}: {y} hit twice");
                seen[y as usize] = true;
                assert_eq!(p.inverse(y), x);
            }
        }
    }

    /// Following ties backwards finds exactly the persons whose contacts include x,
    /// as many times as they have ties to x.
    #[test]
    fn followers_are_the_reverse_of_contacts() {
        for (n, rewiring) in [(1000u64, 0.3), (50, 1.0), (7, 0.0)] {
            let rules = NetworkRules {
                contacts: 6,
                rewiring,
            };
            let net = Network::new(&rules, n, Keys::new(4));
            let mut forward: Vec<(u32, u32)> = Vec::new();
            for i in 0..n as u32 {
                net.contacts(i, |c| forward.push((c, i)));
            }
            let mut backward: Vec<(u32, u32)> = Vec::new();
            for x in 0..n as u32 {
                net.followers(x, |y| backward.push((x, y)));
            }
            forward.sort_unstable();
            backward.sort_unstable();
            assert_eq!(forward, backward, "n = {n}, rewiring = {rewiring}");
        }
    }

    /// The share of rewired ties is Binomial(persons × contacts, rewiring): within four
    /// standard errors. Without rewiring every tie is a ring neighbour.
    #[test]
    fn rewiring_share_matches_the_probability() {
        let n = 20_000u64;
        let rules = NetworkRules {
            contacts: 10,
            rewiring: 0.1,
        };
        let net = Network::new(&rules, n, Keys::new(8));
        let mut far = 0u64;
        let mut total = 0u64;
        for i in 0..n as u32 {
            net.contacts(i, |c| {
                total += 1;
                let d = (c as i64 - i as i64).rem_euclid(n as i64);
                let ring = d.min(n as i64 - d);
                far += (ring > 5) as u64;
            });
        }
        // A rewired tie lands within 5 ids of its person with probability 10/n: negligible.
        let expected = 0.1 * total as f64;
        let se = (total as f64 * 0.1 * 0.9).sqrt();
        assert!(
            (far as f64 - expected).abs() < 4.0 * se,
            "{far} vs {expected}"
        );
    }
}
