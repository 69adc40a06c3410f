//! What a leak counts, per chunk and mergeable: persons held, exposed and disclosed
//! per attribute, and equivalence classes as sorted (key, count) runs that merge by a
//! sorted join, so the merged classes are global across chunks and identical whatever
//! the split into chunks and threads. Keys are packed attribute values, never output.

use crate::tally::Counts;
use credsim_model::Model;

/// Equivalence classes: (key, persons) runs sorted by key. Held as a few sorted levels
/// of geometrically decreasing size (a merge joins the smallest levels while the newest
/// is at least half its predecessor), so that adding the chunks one by one costs
/// O(n log n), not O(n · chunks); [`Classes::runs`] joins the levels. Equality compares
/// the joined classes, whatever the levels.
#[derive(Debug, Clone, Default)]
pub struct Classes<K> {
    levels: Vec<Vec<(K, u32)>>,
}

/// Joins two sorted runs; counts of equal keys add.
fn join<K: Ord + Copy>(a: &[(K, u32)], b: &[(K, u32)]) -> Vec<(K, u32)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push((a[i].0, a[i].1 + b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

impl<K: Ord + Copy> Classes<K> {
    /// The classes of a list of keys (sorted in place).
    pub fn of(keys: &mut [K]) -> Classes<K> {
        keys.sort_unstable();
        let mut runs: Vec<(K, u32)> = Vec::new();
        for &k in keys.iter() {
            match runs.last_mut() {
                Some((last, n)) if *last == k => *n += 1,
                _ => runs.push((k, 1)),
            }
        }
        Classes {
            levels: if runs.is_empty() {
                Vec::new()
            } else {
                vec![runs]
            },
        }
    }

    /// Adds another set of classes (counts of equal keys add).
    pub fn merge(&mut self, o: &Classes<K>) {
        for level in &o.levels {
            self.levels.push(level.clone());
            while let [.., a, b] = self.levels.as_slice() {
                if 2 * b.len() < a.len() {
                    break;
                }
                let joined = join(a, b);
                self.levels.pop();
                self.levels.pop();
                self.levels.push(joined);
            }
        }
    }

    /// The classes, sorted by key, keys distinct.
    pub fn runs(&self) -> Vec<(K, u32)> {
        match self.levels.as_slice() {
            [] => Vec::new(),
            [one] => one.clone(),
            [first, rest @ ..] => rest.iter().fold(first.clone(), |acc, l| join(&acc, l)),
        }
    }
}

impl<K: Ord + Copy> PartialEq for Classes<K> {
    fn eq(&self, other: &Self) -> bool {
        self.runs() == other.runs()
    }
}

impl<K: Ord + Copy> Eq for Classes<K> {}

/// What a class list says: persons in classes below `k`, all persons, the smallest class.
pub fn persons_below<K>(runs: &[(K, u32)], k: u32) -> u64 {
    runs.iter()
        .filter(|r| r.1 < k)
        .map(|r| u64::from(r.1))
        .sum()
}

/// Persons in all classes.
pub fn persons<K>(runs: &[(K, u32)]) -> u64 {
    runs.iter().map(|r| u64::from(r.1)).sum()
}

/// The smallest class (None: no persons).
pub fn min_class<K>(runs: &[(K, u32)]) -> Option<u32> {
    runs.iter().map(|r| r.1).min()
}

impl<K: Ord + Copy> Counts for Classes<K> {
    fn add(&mut self, other: &Self) {
        self.merge(other);
    }
    fn zero(&mut self) {
        self.levels.clear();
    }
    fn shape(&self, _: &mut Vec<usize>) {}
}

/// One leak's counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LeakCounts {
    /// Persons the leak's day was evaluated for (0: the day is past the horizon).
    pub evaluated: u64,
    /// Per store of the leak: persons it held that day.
    pub held: Vec<u64>,
    /// Persons with at least one record leaked.
    pub exposed: u64,
    /// Of those, persons whose leaked rows carry a direct identifier with values
    /// (ID number, name, phone, address): each singled out (k = 1).
    pub singled_out: u64,
    /// Per attribute name of the leak ([`super::plan::Plan::names`]): persons exposed.
    pub attributes: Vec<u64>,
    /// Per attribute name: persons for whom a sensitive attribute discloses something
    /// (`lists`: on a list that day; `records`: a record by then; others: exposed).
    pub disclosed: Vec<u64>,
    /// Per quasi-identifier set: classes over the whole population.
    pub population: Vec<Classes<u64>>,
    /// Per quasi-identifier set: classes over the leaked persons whose leaked
    /// attributes include the whole set.
    pub leaked: Vec<Classes<u64>>,
    /// Federated: (join key, mask of the leak's stores the person was leaked from) →
    /// persons.
    pub link: Classes<(u64, u8)>,
}

impl Counts for LeakCounts {
    fn add(&mut self, o: &Self) {
        self.evaluated += o.evaluated;
        Counts::add(&mut self.held, &o.held);
        self.exposed += o.exposed;
        self.singled_out += o.singled_out;
        Counts::add(&mut self.attributes, &o.attributes);
        Counts::add(&mut self.disclosed, &o.disclosed);
        Counts::add(&mut self.population, &o.population);
        Counts::add(&mut self.leaked, &o.leaked);
        self.link.add(&o.link);
    }
    fn zero(&mut self) {
        self.evaluated = 0;
        Counts::zero(&mut self.held);
        self.exposed = 0;
        self.singled_out = 0;
        Counts::zero(&mut self.attributes);
        Counts::zero(&mut self.disclosed);
        Counts::zero(&mut self.population);
        Counts::zero(&mut self.leaked);
        self.link.zero();
    }
    fn shape(&self, out: &mut Vec<usize>) {
        Counts::shape(&self.held, out);
        Counts::shape(&self.attributes, out);
        Counts::shape(&self.disclosed, out);
        Counts::shape(&self.population, out);
        Counts::shape(&self.leaked, out);
    }
}

/// Every leak's counts (empty without leaks).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LeakTally {
    /// Per leak, in the model's order.
    pub leaks: Vec<LeakCounts>,
}

impl LeakTally {
    /// Empty counts shaped for the model's leaks.
    pub fn new(model: &Model) -> LeakTally {
        let Some(rules) = &model.leaks else {
            return LeakTally::default();
        };
        LeakTally {
            leaks: rules
                .leaks
                .iter()
                .map(|l| {
                    let names = super::plan::Plan::of(rules, l).names.len();
                    let sets = l.quasi_identifier_sets.len();
                    LeakCounts {
                        held: vec![0; l.stores.len()],
                        attributes: vec![0; names],
                        disclosed: vec![0; names],
                        population: vec![Classes::default(); sets],
                        leaked: vec![Classes::default(); sets],
                        ..Default::default()
                    }
                })
                .collect(),
        }
    }
}

impl Counts for LeakTally {
    fn add(&mut self, o: &Self) {
        Counts::add(&mut self.leaks, &o.leaks);
    }
    fn zero(&mut self) {
        Counts::zero(&mut self.leaks);
    }
    fn shape(&self, out: &mut Vec<usize>) {
        Counts::shape(&self.leaks, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Classes merged from any split of the keys, chunk by chunk in either order or as a
    /// tree, equal the classes of all of them.
    #[test]
    fn classes_merge_like_one_list() {
        let keys: Vec<u64> = (0..1000u64).map(|i| (i * 7919) % 97).collect();
        let whole = Classes::of(&mut keys.clone());
        for cut in [0, 1, 333, 999, 1000] {
            let mut a = Classes::of(&mut keys[..cut].to_vec());
            let b = Classes::of(&mut keys[cut..].to_vec());
            a.merge(&b);
            assert_eq!(a, whole, "cut at {cut}");
            let mut b2 = Classes::of(&mut keys[cut..].to_vec());
            b2.merge(&Classes::of(&mut keys[..cut].to_vec()));
            assert_eq!(b2, whole);
        }
        // Chunks of 10 one by one, and as two halves merged into each other.
        let mut seq = Classes::default();
        let (mut left, mut right) = (Classes::default(), Classes::default());
        for (x, chunk) in keys.chunks(10).enumerate() {
            let c = Classes::of(&mut chunk.to_vec());
            seq.merge(&c);
            if x < 50 {
                left.merge(&c)
            } else {
                right.merge(&c)
            }
        }
        assert!(
            seq.levels.len() <= 12,
            "levels stay logarithmic: {}",
            seq.levels.len()
        );
        left.merge(&right);
        assert_eq!(seq, whole);
        assert_eq!(left, whole);
        let runs = whole.runs();
        assert_eq!(persons(&runs), 1000);
        assert_eq!(runs.len(), 97);
        // 1000 = 97·10 + 30: 30 classes of 11 and 67 of 10.
        assert_eq!(min_class(&runs), Some(10));
        assert_eq!(persons_below(&runs, 11), 670);
    }
}
