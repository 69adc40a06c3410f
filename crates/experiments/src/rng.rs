//! The random numbers of the crate: one SplitMix64 mixer and one stream type, [`Rng`],
//! for sweep designs (`design`), Morris trajectories, Sobol' and Morris bootstraps and
//! ABC-SMC (`abc`). Every stream is a pure function of its key, so every design,
//! bootstrap and sampler run is the same on every machine and thread count.
//!
//! Three ways of keying a stream are kept, because each pins the outputs of its users
//! (designs in spec files and tests, SALib-checked bootstraps, ABC fits): [`Rng::new`]
//! (seed, purpose), [`Rng::keyed`] (seed and a list of parts: ABC's generation,
//! candidate and purpose) and [`Rng::at`] (seed, stream, index: a design's coordinate).
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

/// SplitMix64's step from state `z`: the golden-ratio increment, then [`mix`] (the
/// first output of a stream whose state is `z`).
pub fn step(z: u64) -> u64 {
    mix(z.wrapping_add(GOLDEN_RATIO))
}

/// The 64-bit key of (seed, purpose): the state of [`Rng::new`]'s stream, also the
/// scrambling seed of the Sobol' blocks.
pub fn key(seed: u64, purpose: u64) -> u64 {
    mix(mix(seed ^ GOLDEN_RATIO) ^ purpose.wrapping_mul(GOLDEN_RATIO))
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
            state: key(seed, purpose),
        }
    }

    /// A stream keyed by a seed and any number of parts (ABC-SMC's generation,
    /// candidate and purpose): each part is folded in by one mix.
    pub fn keyed(seed: u64, parts: &[u64]) -> Self {
        let mut k = mix(seed ^ GOLDEN_RATIO);
        for &part in parts {
            k = mix(k ^ part
                .wrapping_mul(GOLDEN_RATIO)
                .wrapping_add(0x2545_F491_4F6C_DD1D));
        }
        Rng { state: k }
    }

    /// A counter-based stream keyed by (seed, stream, index): a design's coordinate
    /// `stream` of row `index` is its first [`uniform`](Rng::uniform).
    pub fn at(seed: u64, stream: u64, index: u64) -> Self {
        Rng {
            state: step(step(seed) ^ stream) ^ index,
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

    /// A uniform number in the open interval (0, 1) (53 bits, never 0 or 1).
    pub fn open01(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard normal draw (Box–Muller on two [`open01`](Rng::open01) numbers; one
    /// of the pair is used).
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.open01(), self.open01());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
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

    /// The three keyings, pinned: `at` is the first output of SplitMix64 three steps
    /// deep (the formula the designs were written with), `keyed` with no parts starts
    /// from the seed's mix, and different keys give different streams.
    #[test]
    fn keyings_are_pinned_and_distinct() {
        let (seed, stream, index) = (42u64, 7u64, 3u64);
        let direct = step(step(step(seed) ^ stream) ^ index);
        assert_eq!(Rng::at(seed, stream, index).next_u64(), direct);
        assert_eq!(
            Rng::keyed(seed, &[]).next_u64(),
            step(mix(seed ^ GOLDEN_RATIO))
        );
        assert_eq!(Rng::new(seed, 5).next_u64(), step(key(seed, 5)));
        let a = Rng::keyed(1, &[0, 0, 1]).next_u64();
        assert_ne!(a, Rng::keyed(1, &[0, 1, 1]).next_u64());
        assert_ne!(a, Rng::keyed(1, &[1, 0, 1]).next_u64());
        assert_ne!(a, Rng::keyed(1, &[0, 0, 2]).next_u64());
        assert_eq!(a, Rng::keyed(1, &[0, 0, 1]).next_u64());
        assert_ne!(Rng::at(1, 0, 0).next_u64(), Rng::at(1, 0, 1).next_u64());
    }

    /// Box–Muller draws: mean 0 ± 5 SE (1/√n), variance 1 ± 5 SE (√(2/n)); open01 never
    /// gives 0 or 1.
    #[test]
    fn normal_moments_are_right() {
        let n = 200_000;
        let mut s = Rng::keyed(7, &[0, 0, 3]);
        let (mut m, mut m2) = (0.0, 0.0);
        for _ in 0..n {
            let z = s.normal();
            m += z;
            m2 += z * z;
        }
        assert!((m / n as f64).abs() < 5.0 / (n as f64).sqrt());
        assert!((m2 / n as f64 - 1.0).abs() < 5.0 * (2.0 / n as f64).sqrt());
        let u = Rng { state: u64::MAX }.open01();
        assert!(u > 0.0 && u < 1.0);
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
