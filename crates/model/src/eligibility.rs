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
    /// The one place eligibility is decided, including the regime's own rule of whom it
    /// scores (`population.scored`, [`Model::scored`]): a category it does not score
    /// is not eligible.
    pub fn eligible(&self, attribute: usize, category: usize) -> bool {
        // Whether persons of category c of attribute x can be scored and act and be
        // captured, as far as attribute x decides: the regime scores them, and the
        // behaviour's rate and the source's capture have positive factors for them.
        let scored = |x: usize, c: usize| {
            self.scored.everyone()
                || self
                    .scored
                    .allowed
                    .get(x)
                    .is_none_or(|a| a.get(c).copied().unwrap_or(false))
        };
        let positive = |f: &[Vec<f64>], x: usize, c: usize| {
            f.get(x).is_none_or(|v| v.get(c).is_some_and(|&m| m > 0.0))
        };
        self.behaviours.iter().any(|b| {
            b.adverse()
                && b.rate_per_day > 0.0
                && b.observers.iter().any(|o| {
                    let capture = &self.sources[o.source].capture_multipliers;
                    let fits = |x: usize, c: usize| {
                        scored(x, c) && positive(&b.multipliers, x, c) && positive(capture, x, c)
                    };
                    o.capture > 0.0
                        && (0..self.attributes.len()).all(|x| {
                            if x == attribute {
                                fits(x, category)
                            } else {
                                (0..self.attributes[x].categories.values.len()).any(|c| fits(x, c))
                            }
                        })
                })
        })
    }
}
