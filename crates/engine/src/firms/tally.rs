//! Integer counts of the firm pass (merged in any order with the same result), the
//! audit's per-group firm counts, and the person-side counts of restrictions through
//! roles (kept in the persons' [`crate::Tally`]).

use crate::tally::Counts;
use credsim_model::Model;
use credsim_model::firms::FirmRules;

/// Implements [`Counts`] for a struct from its field list.
macro_rules! impl_counts {
    ($name:ident { $($field:ident),* $(,)? }) => {
        impl Counts for $name {
            fn add(&mut self, o: &Self) {
                $( Counts::add(&mut self.$field, &o.$field); )*
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

/// What the firm pass counts in the factual run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FirmTally {
    /// Firms.
    pub firms: u64,
    /// Firms per size class.
    pub by_size: Vec<u64>,
    /// Firms carrying each flag.
    pub by_flag: Vec<u64>,
    /// Firms without a role-holder (no person may hold the role).
    pub unfilled_roles: u64,
    /// Acts per behaviour.
    pub acts: Vec<u64>,
    /// Records per behaviour: `[behaviour][0 routine true, 1 found by inspection, 2 false]`.
    pub records: Vec<[u64; 3]>,
    /// Records captured but due after the horizon.
    pub records_pending: u64,
    /// `[rating][class]`: firms in the class on day 0 (rated firms only).
    pub day0_class: Vec<Vec<u64>>,
    /// `[rating][class]`: firm-days in the class.
    pub class_days: Vec<Vec<u64>>,
    /// `[rating][assessment][class]`: firms in each class after assessment k.
    pub assessed: Vec<Vec<Vec<u64>>>,
    /// `[rating]`: class changes to a better class at assessments.
    pub upgrades: Vec<u64>,
    /// `[rating]`: to a worse class.
    pub downgrades: Vec<u64>,
    /// `[rating]`: direct class assignments.
    pub direct: Vec<u64>,
    /// `[rating][class]`: inspection occasions.
    pub occasions: Vec<Vec<u64>>,
    /// `[rating][class]`: occasions inspected.
    pub inspected: Vec<Vec<u64>>,
    /// `[rating][class]`: violations found by inspections.
    pub found: Vec<Vec<u64>>,
    /// `[list]`: entries.
    pub entries: Vec<u64>,
    /// `[list]`: exits at the end of the publicity term.
    pub exits_term: Vec<u64>,
    /// `[list]`: exits by restoration.
    pub exits_restored: Vec<u64>,
    /// `[list]`: applications for restoration, and those refused (trigger still held).
    pub applications: Vec<u64>,
    /// `[list]`: refused applications.
    pub refused: Vec<u64>,
    /// `[list]`: firm-days listed.
    pub listed_days: Vec<u64>,
    /// `[list]`: days of the listings that ended within the horizon.
    pub completed_days: Vec<u64>,
    /// `[list]`: listings still open at the horizon.
    pub open_at_horizon: Vec<u64>,
    /// `[list]`: firms ever listed.
    pub ever_listed: Vec<u64>,
    /// `[sanction]`: applications.
    pub sanction_applications: Vec<u64>,
    /// `[sanction]`: applications whose status came from no record of its domain.
    pub sanction_cross: Vec<u64>,
    /// `[sanction]`: firm-days sanctioned.
    pub sanction_days: Vec<u64>,
    /// `[sanction]`: firms ever sanctioned.
    pub sanction_firms: Vec<u64>,
    /// Spells of a firm on a list that reaches its role-holders.
    pub role_spells: u64,
    /// Their firm-days.
    pub role_days: u64,
    /// `[size][rating]`: firms of the size class the rating rates (burden).
    pub rated_by_size: Vec<Vec<u64>>,
    /// Per reporting period.
    pub periods: Vec<FirmPeriod>,
}
impl_counts!(FirmTally {
    firms,
    by_size,
    by_flag,
    unfilled_roles,
    acts,
    records,
    records_pending,
    day0_class,
    class_days,
    assessed,
    upgrades,
    downgrades,
    direct,
    occasions,
    inspected,
    found,
    entries,
    exits_term,
    exits_restored,
    applications,
    refused,
    listed_days,
    completed_days,
    open_at_horizon,
    ever_listed,
    sanction_applications,
    sanction_cross,
    sanction_days,
    sanction_firms,
    role_spells,
    role_days,
    rated_by_size,
    periods,
});

/// Counts of one reporting period.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FirmPeriod {
    /// `[rating][class]`: firms in the class at the period's end.
    pub class: Vec<Vec<u64>>,
    /// `[rating]`: inspections in the period.
    pub inspections: Vec<u64>,
    /// `[list]`: firms listed at the period's end.
    pub listed: Vec<u64>,
    /// Firms on a list that reaches their role-holders at the period's end.
    pub role_listed: u64,
}
impl_counts!(FirmPeriod {
    class,
    inspections,
    listed,
    role_listed
});

impl FirmTally {
    /// An empty tally for a model with firms.
    pub fn new(model: &Model, f: &FirmRules) -> FirmTally {
        let (b, l, s) = (f.behaviours.len(), f.lists.len(), f.sanctions.len());
        let by_class =
            || -> Vec<Vec<u64>> { f.ratings.iter().map(|r| vec![0; r.classes.len()]).collect() };
        let assessments = |r: &credsim_model::firms::Rating| -> usize {
            let mut n = 0;
            let mut d = r.next_assessment_after(0);
            while d < model.days as u64 {
                n += 1;
                d = r.next_assessment_after(d as u32);
            }
            n
        };
        FirmTally {
            firms: 0,
            by_size: vec![0; f.sizes.values.len()],
            by_flag: vec![0; f.flags.len()],
            unfilled_roles: 0,
            acts: vec![0; b],
            records: vec![[0; 3]; b],
            records_pending: 0,
            day0_class: by_class(),
            class_days: by_class(),
            assessed: f
                .ratings
                .iter()
                .map(|r| vec![vec![0; r.classes.len()]; assessments(r)])
                .collect(),
            upgrades: vec![0; f.ratings.len()],
            downgrades: vec![0; f.ratings.len()],
            direct: vec![0; f.ratings.len()],
            occasions: by_class(),
            inspected: by_class(),
            found: by_class(),
            entries: vec![0; l],
            exits_term: vec![0; l],
            exits_restored: vec![0; l],
            applications: vec![0; l],
            refused: vec![0; l],
            listed_days: vec![0; l],
            completed_days: vec![0; l],
            open_at_horizon: vec![0; l],
            ever_listed: vec![0; l],
            sanction_applications: vec![0; s],
            sanction_cross: vec![0; s],
            sanction_days: vec![0; s],
            sanction_firms: vec![0; s],
            role_spells: 0,
            role_days: 0,
            rated_by_size: vec![vec![0; f.ratings.len()]; f.sizes.values.len()],
            periods: vec![
                FirmPeriod {
                    class: by_class(),
                    inspections: vec![0; f.ratings.len()],
                    listed: vec![0; l],
                    role_listed: 0,
                };
                model.period_ends.len()
            ],
        }
    }

    /// Adds `other` (the same shape).
    pub fn merge(&mut self, other: &FirmTally) {
        Counts::add(self, other);
    }
}

/// The audit's counts of one jackknife group of firms (firm id mod GROUPS).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FirmGroup {
    /// `[rating][day-0 class]`: firms.
    pub firms: Vec<Vec<u64>>,
    /// `[rating][day-0 class]`: genuine violations of the behaviours its inspections find.
    pub violations: Vec<Vec<u64>>,
    /// `[rating][day-0 class]`: of those, recorded (by a source or an inspection) in the
    /// factual run.
    pub recorded: Vec<Vec<u64>>,
    /// `[rating][day-0 class]`: recorded with every class inspected at the reference
    /// class's share.
    pub recorded_equal: Vec<Vec<u64>>,
    /// `[list]`: firms ever listed.
    pub listed: Vec<u64>,
    /// `[list]`: of those, not listed without false records (wrongful).
    pub wrongful: Vec<u64>,
    /// Firms.
    pub all_firms: u64,
    /// Sanction applications, all sanctions.
    pub applications: u64,
    /// Of those, cross-agency.
    pub cross: u64,
    /// `[list]`: entries.
    pub entries: Vec<u64>,
    /// `[list]`: exits.
    pub exits: Vec<u64>,
    /// `[list]`: days of completed listings.
    pub completed_days: Vec<u64>,
}
impl_counts!(FirmGroup {
    firms,
    violations,
    recorded,
    recorded_equal,
    listed,
    wrongful,
    all_firms,
    applications,
    cross,
    entries,
    exits,
    completed_days,
});

/// The audit's firm counts: one [`FirmGroup`] per jackknife group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FirmAuditTally {
    /// Per group.
    pub groups: Vec<FirmGroup>,
    /// Person-side counts of restrictions through roles (copied from the persons' tally).
    pub roles: RoleCounts,
    /// Firms per size class (copied from the factual tally, for the burden).
    pub by_size: Vec<u64>,
    /// `[size][rating]`: firms rated (copied likewise).
    pub rated_by_size: Vec<Vec<u64>>,
}

impl FirmAuditTally {
    /// Empty counts.
    pub fn new(model: &Model, f: &FirmRules) -> FirmAuditTally {
        let by_class =
            || -> Vec<Vec<u64>> { f.ratings.iter().map(|r| vec![0; r.classes.len()]).collect() };
        let l = f.lists.len();
        let g = FirmGroup {
            firms: by_class(),
            violations: by_class(),
            recorded: by_class(),
            recorded_equal: by_class(),
            listed: vec![0; l],
            wrongful: vec![0; l],
            all_firms: 0,
            applications: 0,
            cross: 0,
            entries: vec![0; l],
            exits: vec![0; l],
            completed_days: vec![0; l],
        };
        FirmAuditTally {
            groups: vec![g; crate::audit::GROUPS],
            roles: RoleCounts::new(model),
            by_size: vec![0; f.sizes.values.len()],
            rated_by_size: vec![vec![0; f.ratings.len()]; f.sizes.values.len()],
        }
    }

    /// Adds `other`'s groups (the copied counts are filled once, after the pass).
    pub fn merge(&mut self, other: &FirmAuditTally) {
        Counts::add(&mut self.groups, &other.groups);
    }
}

/// What persons suffer through the roles they hold, counted by the persons' chunks
/// (factual run). "Own status": ever sanctioned or ever listed by the person regime.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoleCounts {
    /// Persons reached through a role at some time.
    pub persons: u64,
    /// Of those, never sanctioned nor listed by the person regime.
    pub persons_without_own: u64,
    /// Person-days reached (the union of their firms' spells).
    pub days: u64,
    /// Of those, of persons without an own status.
    pub days_without_own: u64,
    /// Persons reached through two or more firms.
    pub multiple_posts: u64,
    /// `[role service]`: attempts denied through a role.
    pub denied: Vec<u64>,
}
impl_counts!(RoleCounts {
    persons,
    persons_without_own,
    days,
    days_without_own,
    multiple_posts,
    denied,
});

impl RoleCounts {
    /// Empty counts (zero-sized without role reach).
    pub fn new(model: &Model) -> RoleCounts {
        let services = model
            .firms
            .as_ref()
            .and_then(|f| f.roles.as_ref())
            .map_or(0, |r| r.services.len());
        RoleCounts {
            denied: vec![0; services],
            ..Default::default()
        }
    }
}
