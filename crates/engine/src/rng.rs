//! Counter-based randomness: every draw is a pure function of
//! (seed, purpose, sub-stream, entity, counter).
//!
//! No generator state is stored per person: a [`Stream`] is created on the spot from
//! its key, so results do not depend on thread count or scheduling, and switching one
//! mechanism off leaves every other mechanism's draws unchanged (common random numbers
//! for the audit's counterfactuals).
//!
//! The key is mixed through chained SplitMix64 finalisers (full avalanche: neighbouring
//! ids give unrelated streams); the stream itself is SplitMix64. The distributions are
//! written here rather than taken from `rand_distr` so that their output is pinned by
//! the golden-value tests below and cannot change with a dependency bump.

/// The golden-ratio increment of SplitMix64.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's finaliser: a bijection on u64 with full avalanche.
#[inline(always)]
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What a stream is for. Each purpose has its own key space, so adding draws for one
/// purpose never shifts another's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Purpose {
    /// Size of a household (entity: household).
    HouseholdSize = 1,
    /// Category of a person-level attribute (sub: attribute; entity: person).
    PersonAttribute = 2,
    /// Category of a household-level attribute (sub: attribute; entity: household).
    HouseholdAttribute = 3,
    /// Behaviour multiplier (sub: 0 global, 1 + behaviour for own shapes; entity: person).
    Heterogeneity = 4,
    /// Gap before act k and its behaviour (entity: person; counter: act number).
    Act = 5,
    /// Capture of act k by a source (sub: source; entity: person; counter: act number).
    Capture = 6,
    /// Misattribution of act k's record from a source and its target (sub: source).
    Misattribution = 7,
    /// False records of a source in a chunk (sub: source; entity: the chunk's first
    /// household).
    FalseRecords = 8,
    /// Attempts to use a service in a block of days (sub: service; entity: person;
    /// counter: block).
    Attempts = 9,
    /// Whether a person is in the persons-table sample (entity: person).
    Sample = 10,
    /// Appeal, its success and credit repair of one record (entity: the person it is
    /// filed on; counter: the record's day, type, source and provenance).
    Appeal = 11,
    /// Whether act k happens despite deterrence or chilling (entity: person; counter:
    /// act number).
    Response = 12,
    /// Whether tie j of a person is rewired (sub: j; entity: person).
    Tie = 13,
    /// The random permutation of tie slot j (sub: j).
    TiePermutation = 14,
    /// Attempts granted in one chunk and period (sub: service; entity: the chunk's
    /// first household; counter: period).
    GrantedAttempts = 15,
    /// Everything about firms (`firms/`): sub-streams named there (entity: firm, or a
    /// person for role-holders' codes).
    Firms = 16,
    /// Whether an attack hits a target person, and on which day (sub: attack; entity:
    /// person).
    Tamper = 17,
    /// The sampling audits' draws for one tampered record (sub: attack; entity: person;
    /// counter: the record's day and type).
    TamperDetection = 18,
    /// Whether a person holding a tampered record complains at an attempt denied on a
    /// day (sub: service; entity: person; counter: day).
    Complaint = 19,
    /// Record-store leaks (`identity.rs`, `sim/leaks.rs`): identity attributes (sub 1–3;
    /// entity: person), store coverage (sub 0x100, one draw per person for every store) and leak samples (sub 0x200 +
    /// leak).
    Leaks = 20,
}

/// A run's key: the seed, pre-mixed.
#[derive(Debug, Clone, Copy)]
pub struct Keys {
    seed_key: u64,
}

impl Keys {
    /// Keys for a seed.
    pub fn new(seed: u64) -> Self {
        Keys {
            seed_key: mix(seed ^ GOLDEN),
        }
    }

    /// The stream for (purpose, sub, entity, counter).
    #[inline(always)]
    pub fn stream(&self, purpose: Purpose, sub: u32, entity: u64, counter: u64) -> Stream {
        let h = mix(self.seed_key ^ ((purpose as u64) << 40 | sub as u64));
        let h = mix(h ^ entity);
        Stream {
            state: mix(h ^ counter.wrapping_mul(GOLDEN)),
        }
    }
}

/// A short SplitMix64 stream.
#[derive(Debug, Clone)]
pub struct Stream {
    state: u64,
}

impl Stream {
    /// Next 64 random bits.
    #[inline(always)]
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix(self.state)
    }

    /// Uniform in [0, 1), 53-bit resolution.
    #[inline(always)]
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in (0, 1).
    #[inline(always)]
    pub fn open_uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [0, n) (Lemire's multiply-shift; bias below 2⁻³² for n < 2³²).
    #[inline(always)]
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Standard exponential.
    #[inline]
    pub fn exponential(&mut self) -> f64 {
        -self.open_uniform().ln()
    }

    /// Standard normal (Box–Muller, one of the pair).
    #[inline]
    pub fn normal(&mut self) -> f64 {
        let r = (-2.0 * self.open_uniform().ln()).sqrt();
        r * (std::f64::consts::TAU * self.uniform()).cos()
    }

    /// Gamma(shape, scale 1) by Marsaglia and Tsang (2000), with the
    /// U^(1/shape) boost for shape < 1.
    pub fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let boost = self.open_uniform().powf(1.0 / shape);
            return self.gamma(shape + 1.0) * boost;
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = self.open_uniform();
            if u < 1.0 - 0.0331 * x * x * x * x || u.ln() < 0.5 * x * x + d * (1.0 - v + v.ln()) {
                return d * v;
            }
        }
    }

    /// Gamma with mean 1 and variance 1/shape: the heterogeneity multiplier.
    ///
    /// Shape 1/2 (the presets' choice) is drawn exactly as Z², Z standard normal:
    /// Gamma(1/2, scale 2) is the chi-square with one degree of freedom. Z comes from
    /// Marsaglia's polar method (for (v₁, v₂) uniform in the unit disc and
    /// s = v₁² + v₂², v₁·√(−2 ln s / s) is standard normal), so the draw costs one
    /// logarithm instead of a cosine, a power and two logarithms.
    #[inline]
    pub fn gamma_mean_one(&mut self, shape: f64) -> f64 {
        if shape == 0.5 {
            loop {
                let v1 = 2.0 * self.uniform() - 1.0;
                let v2 = 2.0 * self.uniform() - 1.0;
                let s = v1 * v1 + v2 * v2;
                if s > 0.0 && s < 1.0 {
                    return v1 * v1 * (-2.0 * s.ln() / s);
                }
            }
        }
        self.gamma(shape) / shape
    }

    /// Poisson(mean): see [`Poisson`]. For repeated draws with one mean, build a
    /// [`Poisson`] once instead.
    pub fn poisson(&mut self, mean: f64) -> u64 {
        Poisson::new(mean).sample(self)
    }
}

/// Poisson(mean) by sequential inversion, its constants precomputed. Means above 30
/// are split into equal parts (a sum of independent Poissons is Poisson), so the cost
/// is O(mean) and e^(−part) never underflows.
#[derive(Debug, Clone, Copy)]
pub struct Poisson {
    parts: u32,
    part: f64,
    exp_neg_part: f64,
}

impl Poisson {
    /// The distribution with this mean (0 for a mean that is ≤ 0 or not finite).
    pub fn new(mean: f64) -> Poisson {
        if !(mean > 0.0 && mean.is_finite()) {
            return Poisson {
                parts: 0,
                part: 0.0,
                exp_neg_part: 1.0,
            };
        }
        let parts = if mean > 30.0 {
            (mean / 30.0).ceil()
        } else {
            1.0
        };
        let part = mean / parts;
        Poisson {
            parts: parts as u32,
            part,
            exp_neg_part: (-part).exp(),
        }
    }

    /// One draw.
    #[inline]
    pub fn sample(&self, st: &mut Stream) -> u64 {
        let mut total = 0;
        for _ in 0..self.parts {
            let u = st.uniform();
            let mut k = 0u64;
            let mut p = self.exp_neg_part;
            let mut cdf = p;
            while u >= cdf && k < 1000 {
                k += 1;
                p *= self.part / k as f64;
                cdf += p;
                if p == 0.0 {
                    break;
                }
            }
            total += k;
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Golden values: if these change, every published result changes. Update them only
    /// on purpose, with a note in the changelog.
    #[test]
    fn golden_values_are_stable() {
        let keys = Keys::new(2010);
        let mut s = keys.stream(Purpose::Act, 0, 42, 7);
        let got = [s.next_u64(), s.next_u64()];
        assert_eq!(
            got,
            [GOLDEN_U64[0], GOLDEN_U64[1]],
            "raw stream changed: {got:x?}"
        );
        let mut s = keys.stream(Purpose::Heterogeneity, 0, 1, 0);
        let g = s.gamma_mean_one(0.7);
        assert_eq!(
            g.to_bits(),
            GOLDEN_GAMMA,
            "gamma changed: {g} ({:#x})",
            g.to_bits()
        );
        let mut s = keys.stream(Purpose::FalseRecords, 3, 99, 0);
        let p: Vec<u64> = (0..5).map(|_| s.poisson(2.5)).collect();
        assert_eq!(p, GOLDEN_POISSON, "poisson changed: {p:?}");
    }

    const GOLDEN_U64: [u64; 2] = [0x502d_c612_fbe2_4f50, 0xef5a_4946_69ff_8336];
    const GOLDEN_GAMMA: u64 = 0x3faf_d044_9d95_48c9;
    const GOLDEN_POISSON: [u64; 5] = [2, 4, 0, 4, 3];

    /// Neighbouring entities must give unrelated streams (the seeding pitfall in
    /// ENGINEERING.md): the first draws of ids 0..n are uniform and uncorrelated.
    #[test]
    fn neighbouring_ids_are_independent() {
        let keys = Keys::new(1);
        let n = 200_000;
        let u: Vec<f64> = (0..n)
            .map(|i| keys.stream(Purpose::Act, 0, i, 0).uniform())
            .collect();
        // Mean of U(0,1): 1/2, sd of the mean sqrt(1/12/n).
        let mean = u.iter().sum::<f64>() / n as f64;
        let se = (1.0 / 12.0 / n as f64).sqrt();
        assert!((mean - 0.5).abs() < 4.0 * se, "mean {mean}");
        // Lag-1 correlation across ids: sd 1/sqrt(n).
        let c: f64 = u
            .windows(2)
            .map(|w| (w[0] - 0.5) * (w[1] - 0.5))
            .sum::<f64>()
            / (n - 1) as f64
            * 12.0;
        assert!(c.abs() < 4.0 / (n as f64).sqrt(), "lag-1 correlation {c}");
        // Equal-width bins: chi-square with 15 degrees of freedom; 40 is far beyond the
        // 99.9th percentile (37.7).
        let mut bins = [0u64; 16];
        for x in &u {
            bins[(x * 16.0) as usize] += 1;
        }
        let e = n as f64 / 16.0;
        let chi2: f64 = bins.iter().map(|&b| (b as f64 - e).powi(2) / e).sum();
        assert!(chi2 < 40.0, "chi-square {chi2}");
    }

    /// Moments of the distributions against their formulas, 4 standard errors.
    #[test]
    fn distribution_moments() {
        let keys = Keys::new(9);
        let n = 200_000u64;
        for &shape in &[0.5, 1.0, 2.5] {
            let xs: Vec<f64> = (0..n)
                .map(|i| {
                    keys.stream(Purpose::Heterogeneity, 0, i, 0)
                        .gamma_mean_one(shape)
                })
                .collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            // Gamma(k, 1/k): mean 1, variance 1/k; se of mean sqrt(1/(k n)).
            let se = (1.0 / shape / n as f64).sqrt();
            assert!((mean - 1.0).abs() < 4.0 * se, "shape {shape}: mean {mean}");
            // Var of the sample variance ≈ (μ4 − σ⁴)/n with μ4 = 3σ⁴(1 + 2/k) for Gamma.
            let s2 = 1.0 / shape;
            let se_var = ((3.0 * s2 * s2 * (1.0 + 2.0 / shape) - s2 * s2) / n as f64).sqrt();
            assert!((var - s2).abs() < 4.0 * se_var, "shape {shape}: var {var}");
        }
        // Shape 1/2 is drawn as Z² (chi-square, one degree of freedom): its median is
        // 0.454936 and its 90th percentile 2.705543; the shares below them are
        // binomial, se sqrt(p(1−p)/n).
        let xs: Vec<f64> = (0..n)
            .map(|i| {
                keys.stream(Purpose::Heterogeneity, 0, i, 0)
                    .gamma_mean_one(0.5)
            })
            .collect();
        for (q, p) in [(0.454936, 0.5), (2.705543, 0.9)] {
            let below = xs.iter().filter(|&&x| x < q).count() as f64 / n as f64;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!((below - p).abs() < 4.0 * se, "below {q}: {below} vs {p}");
        }
        for &m in &[0.3, 4.0, 75.0] {
            let xs: Vec<f64> = (0..n)
                .map(|i| keys.stream(Purpose::FalseRecords, 0, i, 0).poisson(m) as f64)
                .collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            let se = (m / n as f64).sqrt();
            assert!((mean - m).abs() < 4.0 * se, "poisson {m}: mean {mean}");
            // Var of sample variance for Poisson ≈ (m + 2m²)/n.
            let se_var = ((m + 2.0 * m * m) / n as f64).sqrt();
            assert!((var - m).abs() < 4.0 * se_var, "poisson {m}: var {var}");
        }
        let xs: Vec<f64> = (0..n)
            .map(|i| keys.stream(Purpose::Act, 0, i, 0).exponential())
            .collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        assert!(
            (mean - 1.0).abs() < 4.0 / (n as f64).sqrt(),
            "exponential mean {mean}"
        );
    }
}
