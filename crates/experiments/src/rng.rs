//! The random numbers of designs and bootstraps: SplitMix64 streams keyed by a seed,
//! so every design and every bootstrap is a pure function of its seed.
//!
//! The generator is written here (a few lines) rather than taken from `rand`, so its
//! output is pinned by the golden values below and cannot change with a dependency bump.

/// The golden-ratio increment of SplitMix64.
pub const GOLDEN_RATIO: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's finaliser: a bijection on u64 with full avalanche.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A SplitMix64 stream (Steele, Lea and Flood 2014).
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A stream for a seed and a purpose (so one seed gives unrelated streams for, say,
    /// a design and its bootstrap).
    pub fn new(seed: u64, purpose: u64) -> Self {
        Rng {
            state: mix(mix(seed ^ GOLDEN_RATIO) ^ purpose.wrapping_mul(GOLDEN_RATIO)),
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_RATIO);
        mix(self.state)
    }

    /// A uniform integer in `0..n` (Lemire's multiply-shift with rejection: unbiased);
    /// 0 when `n` is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }

    /// A uniform index in `0..n`.
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// A uniform number in [0, 1) with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A random permutation of `0..n` (Fisher–Yates).
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.index(i + 1);
            p.swap(i, j);
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_the_reference_values() {
        // SplitMix64 from state 0: the first outputs of the reference implementation
        // (Vigna, splitmix64.c) are 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4.
        let mut r = Rng { state: 0 };
        assert_eq!(r.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next_u64(), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn below_is_uniform() {
        // 60,000 draws over 6 cells: each count ~ Binomial(60000, 1/6), sd ≈ 91.
        let mut r = Rng::new(3, 0);
        let mut c = [0usize; 6];
        for _ in 0..60_000 {
            c[r.index(6)] += 1;
        }
        for &k in &c {
            assert!((k as f64 - 10_000.0).abs() < 5.0 * 91.3, "{c:?}");
        }
        assert_eq!(r.below(0), 0);
    }

    #[test]
    fn permutations_are_permutations_and_seeded() {
        let a = Rng::new(9, 1).permutation(10);
        let mut s = a.clone();
        s.sort_unstable();
        assert_eq!(s, (0..10).collect::<Vec<_>>());
        assert_eq!(a, Rng::new(9, 1).permutation(10));
        assert_ne!(a, Rng::new(9, 2).permutation(10));
    }
}
