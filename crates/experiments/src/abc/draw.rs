//! The random numbers of ABC-SMC: a stream per (seed, generation, candidate, purpose),
//! so every proposal, simulation seed and acceptance draw is a pure function of its key,
//! whatever order (or batch size, or thread count) the simulations run in.

/// SplitMix64's finaliser: a bijection on u64 with full avalanche.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// What a stream is for (part of its key).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Purpose {
    /// Drawing a candidate's parameters (prior draw, or ancestor and perturbation).
    Propose = 1,
    /// The seed handed to the simulator.
    Seed = 2,
    /// The uniform number of the acceptance test.
    Accept = 3,
    /// Resampling a population (posterior-predictive draws).
    Resample = 4,
}

/// A SplitMix64 stream keyed by (seed, generation, index, purpose).
#[derive(Debug, Clone)]
pub(crate) struct Stream {
    state: u64,
}

impl Stream {
    pub(crate) fn new(seed: u64, generation: u64, index: u64, purpose: Purpose) -> Stream {
        let mut k = mix(seed ^ GOLDEN);
        for part in [generation, index, purpose as u64] {
            k = mix(k ^ part
                .wrapping_mul(GOLDEN)
                .wrapping_add(0x2545_F491_4F6C_DD1D));
        }
        Stream { state: k }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix(self.state)
    }

    /// Uniform in the open interval (0, 1) (53 bits, never 0 or 1).
    pub(crate) fn open01(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard normal draw (Box–Muller; one of the pair is used).
    pub(crate) fn normal(&mut self) -> f64 {
        let (u, v) = (self.open01(), self.open01());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_give_unrelated_streams_and_moments_are_right() {
        let a = Stream::new(1, 0, 0, Purpose::Propose).next_u64();
        assert_ne!(a, Stream::new(1, 0, 1, Purpose::Propose).next_u64());
        assert_ne!(a, Stream::new(1, 1, 0, Purpose::Propose).next_u64());
        assert_ne!(a, Stream::new(1, 0, 0, Purpose::Seed).next_u64());
        assert_eq!(a, Stream::new(1, 0, 0, Purpose::Propose).next_u64());
        let n = 200_000;
        let mut s = Stream::new(7, 0, 0, Purpose::Accept);
        let (mut m, mut m2) = (0.0, 0.0);
        for _ in 0..n {
            let z = s.normal();
            m += z;
            m2 += z * z;
        }
        // Mean 0 ± 5 SE (1/√n), variance 1 ± 5 SE (√(2/n)).
        assert!((m / n as f64).abs() < 5.0 / (n as f64).sqrt());
        assert!((m2 / n as f64 - 1.0).abs() < 5.0 * (2.0 / n as f64).sqrt());
    }
}
