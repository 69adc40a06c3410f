//! A leak's plan, derived once from the model: the distinct attribute names it can
//! expose, which of them each of its stores exposes, and how a quasi-identifier set's
//! values pack into one 64-bit class key.

use credsim_model::{Coverage, Field, IdField, Leak, LeakRules, LeakScope, Role};

/// A leak's attribute names and sets.
pub struct Plan {
    /// Distinct attribute names in what the leak takes, in the order first met (store
    /// by store, table by table), with the role and field of their first mention.
    pub names: Vec<(String, Role, Field)>,
    /// Per store of the leak: the bits of `names` it exposes (scope applied).
    pub store_bits: Vec<u64>,
    /// Per quasi-identifier set: the bits of `names` it needs.
    pub set_bits: Vec<u64>,
    /// Bits of the direct identifiers with values (ID number, name, phone, address).
    pub direct_bits: u64,
    /// Per store of the leak: its coverage.
    pub coverage: Vec<Coverage>,
}

impl Plan {
    /// The plan of leak `l` (at most 64 distinct names: later ones are not counted).
    pub fn of(rules: &LeakRules, l: &Leak) -> Plan {
        let mut names: Vec<(String, Role, Field)> = Vec::new();
        let mut store_bits = Vec::with_capacity(l.stores.len());
        for &s in &l.stores {
            let mut bits = 0u64;
            for t in &rules.stores[s].tables {
                if l.scope == LeakScope::Table && l.table_name.as_deref() != Some(t.name.as_str()) {
                    continue;
                }
                for a in &t.attributes {
                    let x = match names.iter().position(|(n, _, _)| n == &a.name) {
                        Some(x) => x,
                        None => {
                            names.push((a.name.clone(), a.role, a.field.clone()));
                            names.len() - 1
                        }
                    };
                    if x < 64 {
                        bits |= 1 << x;
                    }
                }
            }
            store_bits.push(bits);
        }
        let bit = |name: &str| {
            names
                .iter()
                .position(|(n, _, _)| n == name)
                .filter(|&x| x < 64)
                .map_or(0, |x| 1u64 << x)
        };
        let set_bits = l
            .quasi_identifier_sets
            .iter()
            .map(|set| set.iter().fold(0, |m, (n, _)| m | bit(n)))
            .collect();
        let direct_bits = names
            .iter()
            .enumerate()
            .filter(|(x, (_, role, f))| {
                *x < 64
                    && *role == Role::Direct
                    && matches!(f, Field::Unique | Field::Identity(IdField::IdNumber))
            })
            .fold(0, |m, (x, _)| m | 1 << x);
        Plan {
            store_bits,
            set_bits,
            direct_bits,
            coverage: l.stores.iter().map(|&s| rules.stores[s].coverage).collect(),
            names,
        }
    }
}

/// Bits needed for values below `n` (at least 1).
pub fn bits_for(n: u64) -> u32 {
    (64 - n.max(1).leading_zeros()).max(1)
}

/// Packs values with their widths into one key: exact when the widths sum to 64 bits
/// or fewer, otherwise a 64-bit mix of the packing (distinct classes then collide with
/// probability about 2⁻⁶⁴ per pair). Whenever the next value would overflow 128 bits,
/// the packing so far is first folded into 64, so no value is ever shifted out.
pub fn pack(values: impl Iterator<Item = (u64, u32)>) -> u64 {
    let fold = |key: u128| crate::rng::mix(key as u64 ^ crate::rng::mix((key >> 64) as u64));
    let (mut key, mut used) = (0u128, 0u32);
    for (v, b) in values {
        let b = b.min(64);
        if used + b > 128 {
            key = u128::from(fold(key));
            used = 64;
        }
        key = key << b | u128::from(v);
        used += b;
    }
    if used <= 64 { key as u64 } else { fold(key) }
}

#[cfg(test)]
mod tests {
    use super::pack;

    /// Up to 64 bits the key is the exact packing; beyond 128 bits no value is lost:
    /// changing the first of twenty 8-bit values (160 bits) changes the key.
    #[test]
    fn every_value_reaches_the_key() {
        assert_eq!(
            pack([(3, 2), (1, 1), (200, 8)].into_iter()),
            (3 << 9) | (1 << 8) | 200
        );
        let key = |first: u64| pack((0..20).map(|k| (if k == 0 { first } else { k }, 8)));
        assert_ne!(key(1), key(2));
        let mid = |x: u64| pack((0..20).map(|k| (if k == 9 { x } else { k }, 8)));
        assert_ne!(mid(1), mid(2));
    }
}
