//! The audit's integer counts: per jackknife group of chunks ([`GroupTally`], with a
//! [`Contrast`] per counterfactual) and for the whole run ([`AuditTally`]), and the
//! jackknife over groups.

use super::{Estimate, GROUPS, Variant};
use credsim_model::Model;

/// What a counterfactual changed, summed over persons.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contrast {
    /// Persons ever sanctioned in the counterfactual.
    pub sanctioned: u64,
    /// Person-days sanctioned in the counterfactual.
    pub sanction_days: u64,
    /// Persons sanctioned in the factual run but never in the counterfactual.
    pub only_factual: u64,
    /// Persons sanctioned only in the counterfactual.
    pub only_counterfactual: u64,
    /// Σ over persons of max(0, factual days − counterfactual days).
    pub excess_days: u64,
    /// Σ over persons of max(0, counterfactual days − factual days).
    pub spared_days: u64,
    /// Persons ever listed in the counterfactual.
    pub listed: u64,
    /// Persons listed in the factual run but never in the counterfactual.
    pub listed_only_factual: u64,
    /// Records that arrived in the counterfactual.
    pub records: u64,
}

impl Contrast {
    fn add(&mut self, o: &Contrast) {
        self.sanctioned += o.sanctioned;
        self.sanction_days += o.sanction_days;
        self.only_factual += o.only_factual;
        self.only_counterfactual += o.only_counterfactual;
        self.excess_days += o.excess_days;
        self.spared_days += o.spared_days;
        self.listed += o.listed;
        self.listed_only_factual += o.listed_only_factual;
        self.records += o.records;
    }
}

/// The path by which data errors reach a person, first that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrongfulPath {
    /// An erroneous (false or misattributed) record filed on the person.
    Direct = 0,
    /// An erroneous record on another member of their household.
    Household = 1,
    /// None of those, and listed through a contacts trigger.
    Association = 2,
    /// None of those (the appeal queue, chilling, scrutiny, …).
    Systemic = 3,
}

impl WrongfulPath {
    /// Every path, in order, with its name in outputs.
    pub const ALL: [(WrongfulPath, &'static str); 4] = [
        (WrongfulPath::Direct, "direct"),
        (WrongfulPath::Household, "household"),
        (WrongfulPath::Association, "association"),
        (WrongfulPath::Systemic, "systemic"),
    ];
}

/// Adverse outcomes by attribute category: persons, ever sanctioned, ever listed,
/// ever in the lowest grade.
pub type CategoryCounts = Vec<[u64; 4]>;

/// Classes of the number of genuine violations of conditional parity: 0, 1, 2, 3+.
pub const ACT_CLASSES: usize = 4;

/// Per cell of fairness on ground truth (a category, or a cell of two attributes'
/// categories): persons by (Ŷ ever sanctioned, Yᶜ at least one genuine violation) at
/// `2Ŷ + Yᶜ`, by (Ŷ, Yᴱ sanctioned without data errors) at `4 + 2Ŷ + Yᴱ` (filled only
/// when the no-errors counterfactual runs), and persons ever rewarded at 8.
pub const FAIR: usize = 9;

/// Fairness counts: marginal categories first (flattened like `categories`), then the
/// cells of each pair of attributes (x < y, in order; `cat_x × k_y + cat_y`).
pub type FairCounts = Vec<[u64; FAIR]>;

/// Everything the audit counts for one jackknife group of chunks. Integers only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupTally {
    /// Persons.
    pub persons: u64,
    /// Persons ever sanctioned.
    pub sanctioned: u64,
    /// Person-days under at least one sanction.
    pub sanction_days: u64,
    /// Persons ever on a list.
    pub listed: u64,
    /// Persons ever in the lowest grade.
    pub lowest: u64,
    /// Records that arrived.
    pub records: u64,
    /// Persons sanctioned only through household spill-over, and their sanction-days.
    pub spill_only: u64,
    /// Sanction-days of those persons.
    pub spill_only_days: u64,
    /// `days_histogram[d]`: persons with d sanction-days, d ≥ 1 (for concentration).
    pub days_histogram: Vec<u64>,
    /// Sanction applications (own) and of those cross-context.
    pub applications: u64,
    /// Cross-context sanction applications.
    pub cross_applications: u64,
    /// In-context sanction applications (an adverse record from the service's domain
    /// behind the status).
    pub in_applications: u64,
    /// Household spill-over applications (one per other member; no own record).
    pub household_applications: u64,
    /// Denied attempts, and of those made while an in-context sanction held.
    pub denied: u64,
    /// Denied attempts under at least one sanction that is not cross-context (resting
    /// on an own-domain record, or on no record at all).
    pub denied_in_context: u64,
    /// Denied attempts under a cross-context own sanction and no in-context one.
    pub denied_cross_context: u64,
    /// Persons ever sanctioned by context of their sanction-days: some cross-context
    /// day; else some day with no own record; else in context only.
    pub persons_by_context: [u64; 3],
    /// Sanction-days in context, cross-context, with no own record.
    pub days_by_context: [u64; 3],
    /// Genuine (true) records with negative points or a list trigger, per domain.
    pub genuine: Vec<u64>,
    /// Per cause domain: days persons spent under at least one sanction (own or
    /// household) with an adverse record of that domain among its causes.
    pub amplified_days: Vec<u64>,
    /// Denied attempts under own and household sanction spells, per cause domain.
    pub amplified_denied: Vec<u64>,
    /// Points deducted by all records, and by records of protected conduct.
    pub deducted: u64,
    /// Points deducted by records of protected conduct.
    pub deducted_protected: u64,
    /// Grade transitions between consecutive year ends, `[from × grades + to]`.
    pub transitions: Vec<u64>,
    /// First stays in the lowest grade: (days, still there at the end).
    pub low_stays: Vec<(u32, bool)>,
    /// First stays on any list.
    pub list_stays: Vec<(u32, bool)>,
    /// Factual adverse outcomes per (attribute, category), flattened.
    pub categories: CategoryCounts,
    /// The same with capture equalised.
    pub categories_equal: CategoryCounts,
    /// The same with capture equalised at each category level
    /// (`capture_level_categories`), one per level.
    pub categories_at_level: Vec<CategoryCounts>,
    /// Per (attribute, category): persons with 0, 1, 2 and 3 or more genuine acts of
    /// violations (unprotected adverse behaviours) in the factual run, then of those
    /// the persons ever sanctioned (conditional parity).
    pub categories_by_acts: Vec<[u64; 2 * ACT_CLASSES]>,
    /// Fairness on ground truth, per category and per cell of two attributes.
    pub fair: FairCounts,
    /// Counterfactual without data errors.
    pub no_errors: Contrast,
    /// Counterfactual without scrutiny.
    pub no_scrutiny: Contrast,
    /// Counterfactual without records of protected conduct.
    pub no_protected: Contrast,
    /// Counterfactual without appeals and repair.
    pub no_appeals: Contrast,
    /// Counterfactual without appeals, repair and data errors.
    pub no_appeals_no_errors: Contrast,
    /// Counterfactual with reviews starting on filing (no queue).
    pub instant_appeals: Contrast,
    /// The same without data errors.
    pub instant_appeals_no_errors: Contrast,
    /// Counterfactual without deterrence and chilling.
    pub no_responses: Contrast,
    /// Counterfactual without contacts triggers.
    pub no_association: Contrast,
    /// Wrongful sanctions by path ([`WrongfulPath`] order): persons sanctioned only with
    /// data errors, and Σ max(0, days − days without errors), of persons on that path.
    pub wrongful_paths: [[u64; 2]; 4],
    /// Counterfactual with every treatment of scope `own`.
    pub own_scope: Contrast,
    /// Counterfactual without attacks on the record store.
    pub no_attacks: Contrast,
    /// The factual run's tampering and its detection (empty without attacks).
    pub tamper: crate::tally::TamperTally,
    /// Records that arrived in each reporting period, of every provenance (attacks
    /// only: the store's size at each check, for the defences' cost).
    pub store_by_period: Vec<u64>,
    /// The factual run's appeals, repair and responses.
    pub responses: crate::tally::ResponseTally,
    /// Filing day of every appeal (factual run).
    pub appeal_filings: Vec<u32>,
    /// (filing day, days to decision) of every appeal decided within the horizon.
    pub appeal_decisions: Vec<(u32, u32)>,
    /// Arrival day of every erroneous adverse record kept for appeals or repair.
    pub erroneous_arrivals: Vec<u32>,
    /// (arrival day, days to removal) of every erroneous adverse record removed by an
    /// appeal or repair.
    pub erroneous_removals: Vec<(u32, u32)>,
    /// Bit `1 << (variant as u32)`: the variant's mechanism acted in some chunk of the
    /// group (an erroneous record, a protected record, someone under scrutiny, an appeal
    /// or repair, an act thinned by a response; see `ChunkSim::variant_matters`).
    pub acted: u32,
    /// By gravity class of the person's genuine conduct (none, minor only, serious; see
    /// `GravityClass`): `[class][persons, ever sanctioned, sanction-days]`.
    pub gravity_classes: [[u64; 3]; 3],
}

impl GroupTally {
    /// The contrast a counterfactual fills (None: the factual run, and equal capture,
    /// which fills the per-category counts instead).
    pub(crate) fn contrast_mut(&mut self, variant: Variant) -> Option<&mut Contrast> {
        Some(match variant {
            Variant::NoErrors => &mut self.no_errors,
            Variant::NoScrutiny => &mut self.no_scrutiny,
            Variant::NoProtected => &mut self.no_protected,
            Variant::NoAppeals => &mut self.no_appeals,
            Variant::NoAppealsNoErrors => &mut self.no_appeals_no_errors,
            Variant::InstantAppeals => &mut self.instant_appeals,
            Variant::InstantAppealsNoErrors => &mut self.instant_appeals_no_errors,
            Variant::NoResponses => &mut self.no_responses,
            Variant::NoAssociation => &mut self.no_association,
            Variant::OwnScope => &mut self.own_scope,
            Variant::NoAttacks => &mut self.no_attacks,
            Variant::Factual | Variant::EqualCapture | Variant::EqualCaptureAt(_) => return None,
        })
    }
}

impl GroupTally {
    /// Empty counters for a model.
    pub fn new(model: &Model) -> GroupTally {
        let d = model.domains.len();
        let g = model.score.as_ref().map_or(0, |s| s.grades.len());
        let cats: usize = model
            .attributes
            .iter()
            .map(|a| a.categories.values.len())
            .sum();
        GroupTally {
            days_histogram: vec![0; model.days as usize + 1],
            genuine: vec![0; d],
            amplified_days: vec![0; d],
            amplified_denied: vec![0; d],
            transitions: vec![0; g * g],
            categories: vec![[0; 4]; cats],
            categories_equal: vec![[0; 4]; cats],
            categories_at_level: vec![
                vec![[0; 4]; cats];
                super::capture_level_categories(model).len()
            ],
            categories_by_acts: vec![[0; 2 * ACT_CLASSES]; cats],
            fair: vec![[0; FAIR]; fair_cells(model)],
            tamper: crate::tally::TamperTally::new(model),
            store_by_period: if model.attacks.is_empty() {
                Vec::new()
            } else {
                vec![0; model.period_ends.len()]
            },
            ..GroupTally::default()
        }
    }

    /// Adds another group's counts.
    pub fn merge(&mut self, o: &GroupTally) {
        fn add(a: &mut [u64], b: &[u64]) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
        self.persons += o.persons;
        self.sanctioned += o.sanctioned;
        self.sanction_days += o.sanction_days;
        self.listed += o.listed;
        self.lowest += o.lowest;
        self.records += o.records;
        self.spill_only += o.spill_only;
        self.spill_only_days += o.spill_only_days;
        add(&mut self.days_histogram, &o.days_histogram);
        self.applications += o.applications;
        self.cross_applications += o.cross_applications;
        self.denied += o.denied;
        self.denied_in_context += o.denied_in_context;
        self.denied_cross_context += o.denied_cross_context;
        self.in_applications += o.in_applications;
        self.household_applications += o.household_applications;
        add(&mut self.persons_by_context, &o.persons_by_context);
        add(&mut self.days_by_context, &o.days_by_context);
        add(&mut self.genuine, &o.genuine);
        add(&mut self.amplified_days, &o.amplified_days);
        add(&mut self.amplified_denied, &o.amplified_denied);
        self.deducted += o.deducted;
        self.deducted_protected += o.deducted_protected;
        for (a, b) in self.gravity_classes.iter_mut().zip(&o.gravity_classes) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
        add(&mut self.transitions, &o.transitions);
        self.low_stays.extend_from_slice(&o.low_stays);
        self.list_stays.extend_from_slice(&o.list_stays);
        for (a, b) in self.categories.iter_mut().zip(&o.categories) {
            add(a, b);
        }
        for (a, b) in self.categories_equal.iter_mut().zip(&o.categories_equal) {
            add(a, b);
        }
        for (l, m) in self
            .categories_at_level
            .iter_mut()
            .zip(&o.categories_at_level)
        {
            for (a, b) in l.iter_mut().zip(m) {
                add(a, b);
            }
        }
        for (a, b) in self
            .categories_by_acts
            .iter_mut()
            .zip(&o.categories_by_acts)
        {
            add(a, b);
        }
        for (a, b) in self.fair.iter_mut().zip(&o.fair) {
            add(a, b);
        }
        self.no_errors.add(&o.no_errors);
        self.no_scrutiny.add(&o.no_scrutiny);
        self.no_protected.add(&o.no_protected);
        self.no_appeals.add(&o.no_appeals);
        self.no_appeals_no_errors.add(&o.no_appeals_no_errors);
        self.instant_appeals.add(&o.instant_appeals);
        self.instant_appeals_no_errors
            .add(&o.instant_appeals_no_errors);
        self.no_responses.add(&o.no_responses);
        self.no_association.add(&o.no_association);
        self.no_attacks.add(&o.no_attacks);
        crate::tally::Counts::add(&mut self.tamper, &o.tamper);
        add(&mut self.store_by_period, &o.store_by_period);
        self.own_scope.add(&o.own_scope);
        for (a, b) in self.wrongful_paths.iter_mut().zip(&o.wrongful_paths) {
            add(a, b);
        }
        self.responses.merge(&o.responses);
        self.appeal_filings.extend_from_slice(&o.appeal_filings);
        self.appeal_decisions.extend_from_slice(&o.appeal_decisions);
        self.erroneous_arrivals
            .extend_from_slice(&o.erroneous_arrivals);
        self.erroneous_removals
            .extend_from_slice(&o.erroneous_removals);
        self.acted |= o.acted;
    }

    /// Notes whether a counterfactual's mechanism acted in a chunk of this group.
    pub(crate) fn note_acted(&mut self, variant: Variant, acted: bool) {
        if acted {
            self.acted |= 1 << variant.row();
        }
    }
}

/// The audit's counters: one [`GroupTally`] per jackknife group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditTally {
    /// Counterfactual variants that were run.
    pub variants: Vec<Variant>,
    /// Appeals waiting for a review at the end of the factual run (population-wide).
    pub queue_at_end: u64,
    /// Per group.
    pub groups: Vec<GroupTally>,
    /// The firms' audit counts (None without `[firms]`).
    pub firms: Option<crate::firms::FirmAuditTally>,
    /// The leaks' counts, copied from the factual tally (None without `[[leaks]]`).
    pub leaks: Option<crate::leaks::LeakTally>,
}

impl AuditTally {
    /// Empty.
    pub fn new(model: &Model) -> AuditTally {
        AuditTally {
            variants: Variant::applicable(model),
            queue_at_end: 0,
            groups: vec![GroupTally::new(model); GROUPS],
            firms: None,
            leaks: None,
        }
    }

    /// Adds another audit tally.
    pub fn merge(&mut self, o: &AuditTally) {
        for (a, b) in self.groups.iter_mut().zip(&o.groups) {
            a.merge(b);
        }
    }

    pub(super) fn total(&self, skip: Option<usize>) -> GroupTally {
        let mut t = GroupTally::new_like(&self.groups[0]);
        for (g, x) in self.groups.iter().enumerate() {
            if Some(g) != skip {
                t.merge(x);
            }
        }
        t
    }

    /// A statistic of the whole population, with its delete-a-group jackknife
    /// standard error and replicates (None with fewer than two non-empty groups or an
    /// undefined value).
    #[cfg(test)]
    pub(super) fn estimate(&self, f: impl Fn(&GroupTally) -> Option<f64>) -> Estimate {
        Jackknife::new(self).estimate(f)
    }
}

/// The totals a jackknife estimate reads, built once for all the audit's measures: the
/// whole population and, for each non-empty group g, every group but g.
pub(super) struct Jackknife {
    /// Every group's counts added up.
    pub(super) all: GroupTally,
    /// All groups but one, for each non-empty group in group order.
    left_out: Vec<GroupTally>,
}

impl Jackknife {
    /// The totals of an audit tally.
    pub(super) fn new(t: &AuditTally) -> Jackknife {
        let used = (0..GROUPS).filter(|&g| t.groups[g].persons > 0);
        Jackknife {
            all: t.total(None),
            left_out: used.map(|g| t.total(Some(g))).collect(),
        }
    }

    /// A statistic of the whole population, with its delete-a-group jackknife
    /// standard error and replicates (None with fewer than two non-empty groups or an
    /// undefined value).
    pub(super) fn estimate(&self, f: impl Fn(&GroupTally) -> Option<f64>) -> Estimate {
        let value = f(&self.all);
        let reps: Option<Vec<f64>> = (self.left_out.len() >= 2 && value.is_some())
            .then(|| self.left_out.iter().map(&f).collect())
            .flatten();
        Estimate::jackknife(value, reps)
    }
}

impl GroupTally {
    pub(super) fn new_like(t: &GroupTally) -> GroupTally {
        GroupTally {
            days_histogram: vec![0; t.days_histogram.len()],
            genuine: vec![0; t.genuine.len()],
            amplified_days: vec![0; t.amplified_days.len()],
            amplified_denied: vec![0; t.amplified_denied.len()],
            transitions: vec![0; t.transitions.len()],
            categories: vec![[0; 4]; t.categories.len()],
            categories_equal: vec![[0; 4]; t.categories_equal.len()],
            categories_at_level: t
                .categories_at_level
                .iter()
                .map(|l| vec![[0; 4]; l.len()])
                .collect(),
            categories_by_acts: vec![[0; 2 * ACT_CLASSES]; t.categories_by_acts.len()],
            fair: vec![[0; FAIR]; t.fair.len()],
            tamper: {
                let mut z = t.tamper.clone();
                crate::tally::Counts::zero(&mut z);
                z
            },
            store_by_period: vec![0; t.store_by_period.len()],
            ..GroupTally::default()
        }
    }
}

/// Where each attribute's categories start in the audit's flat per-category counts.
pub(crate) fn category_offsets(model: &Model) -> Vec<usize> {
    model
        .attributes
        .iter()
        .scan(0, |acc, at| {
            let o = *acc;
            *acc += at.categories.values.len();
            Some(o)
        })
        .collect()
}

/// Where each pair of attributes' cells start in [`GroupTally::fair`]: `(x, y, offset)`
/// for x < y, after the marginal categories.
pub(crate) fn fair_pairs(model: &Model) -> Vec<(usize, usize, usize)> {
    let k = |x: usize| model.attributes[x].categories.values.len();
    let n = model.attributes.len();
    let mut at: usize = model
        .attributes
        .iter()
        .map(|a| a.categories.values.len())
        .sum();
    let mut v = Vec::new();
    for x in 0..n {
        for y in x + 1..n {
            v.push((x, y, at));
            at += k(x) * k(y);
        }
    }
    v
}

/// Entries of [`GroupTally::fair`].
fn fair_cells(model: &Model) -> usize {
    let k = |x: usize| model.attributes[x].categories.values.len();
    match fair_pairs(model).last() {
        Some(&(x, y, at)) => at + k(x) * k(y),
        None => model
            .attributes
            .iter()
            .map(|a| a.categories.values.len())
            .sum(),
    }
}
