//! Who can be sanctioned by their own conduct: the eligible pool of disparate impact
//! and the ground-truth fairness measures (docs/audit.md, "Eligibility").

use crate::Model;

impl Model {
    /// Whether the persons of `category` of attribute `attribute` can be sanctioned
    /// through their own conduct, by construction of the model: some adverse behaviour
    /// (its records deduct points or put people on a list) has a positive rate for them
    /// and is captured with positive probability by some source. A behaviour's rate
    /// for a person is its base rate times one multiplier per attribute, so for the
    /// category it is positive when its own multiplier is, and every other attribute
    /// has some category with a positive multiplier; capture likewise. An ineligible
    /// category (e.g. children with rate multiplier 0 in a regime that scores adults)
    /// is sanctioned only through false or misattributed records or through spill-over
    /// from others: it is reported apart and is never the reference category.
    ///
    /// The one place eligibility is decided: a rule that confines records to some
    /// persons (e.g. by age) belongs here.
    pub fn eligible(&self, attribute: usize, category: usize) -> bool {
        // Some category of every other attribute, and this category of this one, has a
        // positive factor.
        let possible = |factors: &[Vec<f64>]| {
            factors.iter().enumerate().all(|(x, f)| {
                if x == attribute {
                    f.get(category).is_some_and(|&m| m > 0.0)
                } else {
                    f.iter().any(|&m| m > 0.0)
                }
            })
        };
        self.behaviours.iter().any(|b| {
            b.adverse()
                && b.rate_per_day > 0.0
                && possible(&b.multipliers)
                && b.observers.iter().any(|o| {
                    o.capture > 0.0 && possible(&self.sources[o.source].capture_multipliers)
                })
        })
    }
}
