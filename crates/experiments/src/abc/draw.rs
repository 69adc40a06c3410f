//! The keys of ABC-SMC's random streams: a stream per (seed, generation, candidate,
//! purpose), so every proposal, simulation seed and acceptance draw is a pure function
//! of its key, whatever order (or batch size, or thread count) the simulations run in.

use crate::rng::Rng;

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

/// The stream keyed by (seed, generation, index, purpose).
pub(crate) fn stream(seed: u64, generation: u64, index: u64, purpose: Purpose) -> Rng {
    Rng::keyed(seed, &[generation, index, purpose as u64])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_give_unrelated_streams() {
        let a = stream(1, 0, 0, Purpose::Propose).next_u64();
        assert_ne!(a, stream(1, 0, 1, Purpose::Propose).next_u64());
        assert_ne!(a, stream(1, 1, 0, Purpose::Propose).next_u64());
        assert_ne!(a, stream(1, 0, 0, Purpose::Seed).next_u64());
        assert_eq!(a, stream(1, 0, 0, Purpose::Propose).next_u64());
    }
}
