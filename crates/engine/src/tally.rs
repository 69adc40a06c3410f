//! Mergeable metric accumulators.
//!
//! Each chunk fills its own [`Tally`]; the run adds them up in chunk order. Every
//! field is an integer, so the merged result is exact and independent of how the work
//! was split across threads.

use credsim_model::Model;
use std::collections::BTreeMap;

/// Integer counts that add up exactly (merging chunks, in any order) and reset in
/// place. Implemented for integers and containers of them only, so a float count, which
/// would make results depend on how work was split, does not compile.
pub trait Counts {
    /// Adds `other` into `self` (containers of the same shape).
    fn add(&mut self, other: &Self);
    /// Zeroes every count, keeping the shape.
    fn zero(&mut self);
    /// Appends the lengths of every container, depth first: equal shapes give equal lists.
    fn shape(&self, out: &mut Vec<usize>);
}

macro_rules! scalar_counts {
    ($($t:ty),*) => {$(
        impl Counts for $t {
            #[inline]
            fn add(&mut self, other: &Self) {
                *self += *other;
            }
            #[inline]
            fn zero(&mut self) {
                *self = 0;
            }
            #[inline]
            fn shape(&self, _: &mut Vec<usize>) {}
        }
    )*};
}
scalar_counts!(u64, i64);

impl<const N: usize> Counts for [u64; N] {
    fn add(&mut self, other: &Self) {
        self.iter_mut().zip(other).for_each(|(x, y)| *x += y);
    }
    fn zero(&mut self) {
        *self = [0; N];
    }
    fn shape(&self, _: &mut Vec<usize>) {}
}

impl<T: Counts> Counts for Vec<T> {
    fn add(&mut self, other: &Self) {
        self.iter_mut().zip(other).for_each(|(x, y)| x.add(y));
    }
    fn zero(&mut self) {
        self.iter_mut().for_each(Counts::zero);
    }
    fn shape(&self, out: &mut Vec<usize>) {
        out.push(self.len());
        self.iter().for_each(|x| x.shape(out));
    }
}

impl Counts for BTreeMap<i64, u64> {
    fn add(&mut self, other: &Self) {
        for (&k, &n) in other {
            *self.entry(k).or_insert(0) += n;
        }
    }
    fn zero(&mut self) {
        self.clear();
    }
    fn shape(&self, _: &mut Vec<usize>) {}
}

/// Declares a struct of counts and derives [`Counts`] from its one field list.
macro_rules! counts {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[doc = $doc:literal])* pub $field:ident : $t:ty, )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $t, )*
        }

        impl Counts for $name {
            fn add(&mut self, other: &Self) {
                $( Counts::add(&mut self.$field, &other.$field); )*
            }
            fn zero(&mut self) {
                $( Counts::zero(&mut self.$field); )*
            }
            fn shape(&self, out: &mut Vec<usize>) {
                $( Counts::shape(&self.$field, out); )*
            }
        }
    };
}

/// Provenance of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Provenance {
    /// About a real act of the person it is filed on.
    True = 0,
    /// About nothing that happened.
    False = 1,
    /// About a real act of someone else.
    Misattributed = 2,
    /// Inserted by an attack on the store (`[[attacks]]`; counted apart, in
    /// [`TamperTally`], so runs without attacks keep their three-way counts).
    Tampered = 3,
}

impl Provenance {
    /// The provenances of every run, in index order (`Tampered` exists only with
    /// attacks and is counted apart).
    pub const ALL: [Provenance; 3] = [
        Provenance::True,
        Provenance::False,
        Provenance::Misattributed,
    ];

    /// Name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Provenance::True => "true",
            Provenance::False => "false",
            Provenance::Misattributed => "misattributed",
            Provenance::Tampered => "tampered",
        }
    }
}

/// Where each occupancy counter sits in [`Tally::occupancy_days`] and
/// [`PeriodTally::occupancy`]: persons in a state at a time.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Number of grades.
    pub grades: usize,
    /// Number of lists.
    pub lists: usize,
    /// Number of services.
    pub services: usize,
}

impl Layout {
    /// The layout for a model.
    pub fn of(model: &Model) -> Layout {
        Layout {
            grades: model.score.as_ref().map_or(0, |s| s.grades.len()),
            lists: model.lists.len(),
            services: model.services.len(),
        }
    }
    /// Persons in grade g.
    pub fn grade(&self, g: usize) -> usize {
        g
    }
    /// Persons on list l.
    pub fn list(&self, l: usize) -> usize {
        self.grades + l
    }
    /// Persons under heightened scrutiny.
    pub fn scrutiny(&self) -> usize {
        self.grades + self.lists
    }
    /// Persons whose use of service s is restricted.
    pub fn sanctioned(&self, s: usize) -> usize {
        self.grades + self.lists + 1 + s
    }
    /// Persons whose use of service s is granted or prioritised.
    pub fn rewarded(&self, s: usize) -> usize {
        self.grades + self.lists + 1 + self.services + s
    }
    /// Persons under at least one sanction.
    pub fn any_sanction(&self) -> usize {
        self.grades + self.lists + 1 + 2 * self.services
    }
    /// Number of occupancy counters.
    pub fn len(&self) -> usize {
        self.any_sanction() + 1
    }
    /// Whether there are no counters (never: `any_sanction` always exists).
    pub fn is_empty(&self) -> bool {
        false
    }
    /// "Ever" flag bit: was in grade g.
    pub fn ever_grade(&self, g: usize) -> usize {
        g
    }
    /// "Ever" flag bit: was on list l.
    pub fn ever_list(&self, l: usize) -> usize {
        credsim_model::validate::MAX_GRADES + l
    }
    /// "Ever" flag bit: was sanctioned.
    pub fn ever_sanctioned(&self) -> usize {
        credsim_model::validate::MAX_GRADES + credsim_model::validate::MAX_LISTS
    }
    /// "Ever" flag bit: was rewarded.
    pub fn ever_rewarded(&self) -> usize {
        self.ever_sanctioned() + 1
    }
    /// "Ever" flag bit: was under scrutiny.
    pub fn ever_scrutiny(&self) -> usize {
        self.ever_sanctioned() + 2
    }
}

counts! {
    /// Flows within one reporting period and the state at its end.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct PeriodTally {
        /// Occupancy counters at the end of the period (see [`Layout`]).
        pub occupancy: Vec<u64>,
        /// Sum of all scores at the end of the period.
        pub score_sum: i64,
        /// Persons at each score at the end of the period.
        pub score_counts: std::collections::BTreeMap<i64, u64>,
        /// Records that arrived in the period, by provenance.
        pub records: [u64; 3],
        /// Records that arrived in the period, by source.
        pub records_by_source: Vec<u64>,
        /// Applications of each treatment in the period (own and household spill-over).
        pub applications: Vec<u64>,
        /// Denied attempts per service in the period.
        pub denied: Vec<u64>,
        /// Granted (rewarded) attempts per service in the period.
        pub granted: Vec<u64>,
        /// Appeals, repair and behavioural responses in the period.
        pub responses: ResponseTally,
        /// Persons ever in each "ever" state by the period's end (cumulative; see
        /// [`Layout`]'s `ever_*`).
        pub ever: Vec<u64>,
        /// Tampered records that arrived in the period (0 without attacks).
        pub tampered: u64,
    }
}

/// Defences counted per attack (`credsim_model::Defence` order).
pub const DEFENCES: usize = 5;

counts! {
    /// Tampering with the store (`[[attacks]]`; every vector empty without attacks).
    /// Per attack a: `[a]`; per attack and defence d: `[a × DEFENCES + d]`, each defence
    /// counted as if it were the only one (the periodic ones are decided when the record
    /// is tampered with; complaints as they happen, until the record is repaired).
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct TamperTally {
        /// Persons the attack hit (it inserted or deleted at least one record).
        pub persons: Vec<u64>,
        /// Records inserted or deleted.
        pub records: Vec<u64>,
        /// Tampered records that arrived, per source (inserts).
        pub by_source: Vec<u64>,
        /// Tampered records that arrived, per record type (inserts).
        pub by_type: Vec<u64>,
        /// Records the defence can see (its guarantee covers them).
        pub visible: Vec<u64>,
        /// Of those, detected before the horizon.
        pub detected: Vec<u64>,
        /// Σ days from tampering to detection over those.
        pub detection_days: Vec<u64>,
        /// Visible records detected at the first check after the tampering.
        pub first_check: Vec<u64>,
        /// Sampling: visible records by the number of audits left after the tampering,
        /// `[a × (audits + 1) + n]` (for the analytic detection probability).
        pub audits_left: Vec<u64>,
        /// Records detected by some defence before the horizon.
        pub detected_any: Vec<u64>,
        /// Σ days from tampering to the first detection over those.
        pub first_detection_days: Vec<u64>,
        /// Records repaired before the horizon.
        pub repaired: Vec<u64>,
        /// Complaints that revealed tampered records (one per complaint).
        pub complaints: u64,
    }
}

impl TamperTally {
    /// Empty counts for a model (no vectors without attacks).
    pub fn new(model: &Model) -> TamperTally {
        let a = model.attacks.len();
        if a == 0 {
            return TamperTally::default();
        }
        TamperTally {
            persons: vec![0; a],
            records: vec![0; a],
            by_source: vec![0; model.sources.len()],
            by_type: vec![0; model.behaviours.len()],
            visible: vec![0; a * DEFENCES],
            detected: vec![0; a * DEFENCES],
            detection_days: vec![0; a * DEFENCES],
            first_check: vec![0; a * DEFENCES],
            audits_left: vec![
                0;
                a * (model.check_days(credsim_model::Defence::Sampling).len() + 1)
            ],
            detected_any: vec![0; a],
            first_detection_days: vec![0; a],
            repaired: vec![0; a],
            complaints: 0,
        }
    }
}

counts! {
    /// Appeals, credit repair and behavioural responses (all zero when the scenario has
    /// none). Index `[0]` is genuine (true) records, `[1]` erroneous (false or
    /// misattributed) ones.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ResponseTally {
        /// Adverse records (negative points or a list trigger) that arrived.
        pub adverse: [u64; 2],
        /// Appeals filed.
        pub appealed: [u64; 2],
        /// Appeals decided (their review ended).
        pub decided: [u64; 2],
        /// Appeals upheld: the record was removed.
        pub upheld: [u64; 2],
        /// Σ days from filing to decision over decided appeals.
        pub wait_days: u64,
        /// Appeals waiting for a review at the end (of the period, or of the run).
        pub queue: u64,
        /// Records removed by credit repair.
        pub repaired: [u64; 2],
        /// Records removed, by appeal or repair (each record once).
        pub removed: [u64; 2],
        /// Acts that would have happened without responses: `[violation, protected]`
        /// (violations: acts of unprotected behaviours with adverse records).
        pub candidate_acts: [u64; 2],
        /// Of those, acts that happened.
        pub performed_acts: [u64; 2],
        /// Acts suppressed by deterrence.
        pub deterred_acts: u64,
        /// Persons penalised (adverse record) for protected conduct, counted once per
        /// person and period.
        pub penalised_protected: u64,
        /// Entries onto lists through contacts.
        pub association_entries: u64,
    }
}

impl ResponseTally {
    /// Adds another tally (the queue is a state, set by the run, and adds up too).
    pub fn merge(&mut self, o: &ResponseTally) {
        Counts::add(self, o);
    }
}

counts! {
    /// Everything a run counts.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Tally {
        /// Genuine occurrences of each behaviour.
        pub acts: Vec<u64>,
        /// Records created by sources capturing acts (before delay and misattribution).
        pub captured: u64,
        /// Records that reached the regime within the horizon, `[source][provenance]`.
        pub records_by_source: Vec<[u64; 3]>,
        /// The same, `[record type][provenance]`.
        pub records_by_type: Vec<[u64; 3]>,
        /// Records created but due after the horizon.
        pub records_pending: u64,
        /// Treatment applications to the person whose status triggered them.
        pub applications: Vec<u64>,
        /// Of those, applications in a domain none of the triggering records came from.
        pub cross_context: Vec<u64>,
        /// Treatment applications to other household members (spill-over).
        pub spillover: Vec<u64>,
        /// Denied attempts per service.
        pub denied: Vec<u64>,
        /// Granted attempts per service.
        pub granted: Vec<u64>,
        /// Person-days in each occupancy state (see [`Layout`]).
        pub occupancy_days: Vec<u64>,
        /// Persons ever in each "ever" state (see [`Layout`]'s `ever_*`).
        pub ever: Vec<u64>,
        /// Events processed (acts, arrivals, expiries, list and scrutiny ends).
        pub events: u64,
        /// Grading dates on which a person's grade was assessed (`[grading]`; one per
        /// person and date with a changed score since the last assessment).
        pub assessments: u64,
        /// Appeals, repair and responses over the whole run.
        pub responses: ResponseTally,
        /// Tampering with the store and its detection (empty without attacks).
        pub tamper: TamperTally,
        /// Per reporting period.
        pub periods: Vec<PeriodTally>,
        /// Persons reached through the roles they hold in firms (`[firms.roles]`).
        pub roles: crate::firms::RoleCounts,
        /// Record-store leaks (`[[leaks]]`; empty without).
        pub leaks: crate::leaks::LeakTally,
    }
}

impl PeriodTally {
    /// The score below which a share q of persons lie (nearest rank; None without a score).
    pub fn score_quantile(&self, q: f64) -> Option<i64> {
        let total: u64 = self.score_counts.values().sum();
        if total == 0 {
            return None;
        }
        let rank = ((q * total as f64).ceil() as u64).clamp(1, total);
        let mut seen = 0;
        for (&score, &n) in &self.score_counts {
            seen += n;
            if seen >= rank {
                return Some(score);
            }
        }
        None
    }
}

impl Tally {
    /// An empty tally for a model.
    pub fn new(model: &Model) -> Tally {
        let layout = Layout::of(model);
        let t = model.treatments.len();
        let s = model.services.len();
        Tally {
            acts: vec![0; model.behaviours.len()],
            captured: 0,
            records_by_source: vec![[0; 3]; model.sources.len()],
            records_by_type: vec![[0; 3]; model.behaviours.len()],
            records_pending: 0,
            applications: vec![0; t],
            cross_context: vec![0; t],
            spillover: vec![0; t],
            denied: vec![0; s],
            granted: vec![0; s],
            occupancy_days: vec![0; layout.len()],
            ever: vec![0; 32],
            events: 0,
            assessments: 0,
            responses: ResponseTally::default(),
            tamper: TamperTally::new(model),
            periods: vec![
                PeriodTally {
                    occupancy: vec![0; layout.len()],
                    score_sum: 0,
                    score_counts: Default::default(),
                    records: [0; 3],
                    records_by_source: vec![0; model.sources.len()],
                    applications: vec![0; t],
                    denied: vec![0; s],
                    granted: vec![0; s],
                    responses: ResponseTally::default(),
                    ever: vec![0; 32],
                    tampered: 0,
                };
                model.period_ends.len()
            ],
            roles: crate::firms::RoleCounts::new(model),
            leaks: crate::leaks::LeakTally::new(model),
        }
    }

    /// A tally with no counters at all (no allocation): a placeholder.
    pub fn empty() -> Tally {
        Tally {
            acts: Vec::new(),
            captured: 0,
            records_by_source: Vec::new(),
            records_by_type: Vec::new(),
            records_pending: 0,
            applications: Vec::new(),
            cross_context: Vec::new(),
            spillover: Vec::new(),
            denied: Vec::new(),
            granted: Vec::new(),
            occupancy_days: Vec::new(),
            ever: Vec::new(),
            events: 0,
            assessments: 0,
            responses: ResponseTally::default(),
            tamper: TamperTally::default(),
            periods: Vec::new(),
            roles: Default::default(),
            leaks: Default::default(),
        }
    }

    /// Zeroes this tally in place when it has the shape of `Tally::new(model)` (then
    /// it equals that) and returns true; returns false, untouched, otherwise. Reusing a
    /// tally saves allocating its few hundred per-period vectors again.
    pub fn reset_for(&mut self, model: &Model) -> bool {
        self.reset_if_shaped(&Tally::new(model).shape_list())
    }

    /// Zeroes this tally in place when its shape ([`Counts::shape`]) is `shape` and
    /// returns true; returns false, untouched, otherwise (the allocation-free form of
    /// [`Tally::reset_for`], for a shape computed once per run).
    pub fn reset_if_shaped(&mut self, shape: &[usize]) -> bool {
        if self.shape_list() != shape {
            return false;
        }
        Counts::zero(self);
        true
    }

    /// The lengths of every container in the tally ([`Counts::shape`]).
    pub fn shape_list(&self) -> Vec<usize> {
        let mut out = Vec::new();
        Counts::shape(self, &mut out);
        out
    }

    /// Adds another tally into this one.
    pub fn merge(&mut self, o: &Tally) {
        Counts::add(self, o);
    }

    /// Records by provenance over the whole run.
    pub fn records(&self) -> [u64; 3] {
        let mut r = [0; 3];
        for s in &self.records_by_type {
            for (x, y) in r.iter_mut().zip(s) {
                *x += y;
            }
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A used tally, reset, equals a new one; a tally of another shape is refused.
    #[test]
    fn reset_tally_equals_a_new_one() {
        let load = |years| {
            let overrides = credsim_model::Overrides {
                persons: Some(5_000),
                years: Some(years),
                ..Default::default()
            };
            credsim_model::presets::load("suining-2010", &overrides)
                .expect("preset")
                .model
        };
        let m = load(3);
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let control = crate::sim::Control {
            progress: &|_, _| {},
            cancel: &cancel,
            persons: None,
            records: None,
        };
        let mut t = crate::sim::run(&m, &control).expect("run").tally;
        assert_ne!(t, Tally::new(&m), "the run counted something");
        assert!(t.reset_for(&m));
        assert_eq!(t, Tally::new(&m));
        let other = load(2);
        assert!(!t.reset_for(&other), "fewer periods");
        assert!(!Tally::empty().reset_for(&m));
    }

    #[test]
    fn score_quantiles_by_nearest_rank() {
        let p = PeriodTally {
            occupancy: vec![],
            score_sum: 0,
            score_counts: [(900, 1), (950, 2), (1000, 7)].into_iter().collect(),
            records: [0; 3],
            records_by_source: vec![],
            applications: vec![],
            denied: vec![],
            granted: vec![],
            responses: ResponseTally::default(),
            ever: vec![],
            tampered: 0,
        };
        // 10 persons: ranks 1 → 900, 2–3 → 950, 4–10 → 1000.
        assert_eq!(p.score_quantile(0.1), Some(900));
        assert_eq!(p.score_quantile(0.3), Some(950));
        assert_eq!(p.score_quantile(0.31), Some(1000));
        assert_eq!(p.score_quantile(0.9), Some(1000));
    }
}
