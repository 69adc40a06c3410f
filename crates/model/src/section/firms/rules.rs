//! The compiled `[firms]` section: what the engine's firm pass runs.

use crate::model::{Categorical, Categories};
use serde::Serialize;

pub use super::raw::RoleMode;

/// Most firm ratings.
pub const MAX_RATINGS: usize = 8;
/// Most classes of one rating.
pub const MAX_CLASSES: usize = 16;
/// Most firm lists.
pub const MAX_FIRM_LISTS: usize = 8;
/// Most firm sanctions.
pub const MAX_FIRM_SANCTIONS: usize = 32;
/// Most firm behaviours (record types).
pub const MAX_FIRM_BEHAVIOURS: usize = 64;
/// Most flags.
pub const MAX_FLAGS: usize = 16;
/// Most senior managers per firm.
pub const MAX_MANAGERS: u32 = 8;
/// Most events a firm may be expected to have over the horizon (acts, false records,
/// inspection occasions, assessments): a firm is simulated alone, so this bounds one
/// firm's memory and time.
pub const MAX_EVENTS_PER_FIRM: f64 = 1_000_000.0;

/// Firms: their population and the regime that rates, lists and sanctions them.
#[derive(Debug, Clone, Serialize)]
pub struct FirmRules {
    /// Number of firms.
    pub count: u64,
    /// Senior managers per firm besides the legal representative.
    pub managers: u32,
    /// Who may hold a role (attribute categories of persons).
    pub holders: Categories,
    /// Size classes and their shares.
    pub sizes: Categorical<String>,
    /// Employees of a firm of each size class.
    pub employees: Vec<f64>,
    /// Sectors.
    pub sectors: Categorical<String>,
    /// Regions.
    pub regions: Categorical<String>,
    /// Flag names.
    pub flags: Vec<String>,
    /// Share of firms carrying each flag.
    pub flag_shares: Vec<f64>,
    /// Behaviours (record types), by index.
    pub behaviours: Vec<FirmBehaviour>,
    /// Routine sources.
    pub sources: Vec<FirmSource>,
    /// Ratings.
    pub ratings: Vec<Rating>,
    /// Lists.
    pub lists: Vec<FirmList>,
    /// Sanctions.
    pub sanctions: Vec<FirmSanction>,
    /// Reach into persons through roles (None: firms never touch persons).
    pub roles: Option<RoleRules>,
    /// Hours per rating requirement (None: burden not assessed).
    pub hours_per_requirement: Option<f64>,
}

/// A firm behaviour.
#[derive(Debug, Clone, Serialize)]
pub struct FirmBehaviour {
    /// Identifier.
    pub id: String,
    /// Domain index.
    pub domain: usize,
    /// Mean acts per firm-day, before multipliers.
    pub rate_per_day: f64,
    /// Gamma shape of the firm's multiplier (None: 1).
    pub shape: Option<f64>,
    /// Only firms carrying this flag (index) act.
    pub only: Option<usize>,
    /// Multiplier per size class.
    pub size_multipliers: Vec<f64>,
}

/// A routine source.
#[derive(Debug, Clone, Serialize)]
pub struct FirmSource {
    /// Identifier.
    pub id: String,
    /// Capture probability per behaviour (0: not observed).
    pub capture: Vec<f64>,
    /// Days from act to record.
    pub delay_days: u32,
    /// False records per firm-day, per behaviour.
    pub false_per_day: Vec<f64>,
}

/// One regulator's rating.
#[derive(Debug, Clone, Serialize)]
pub struct Rating {
    /// Identifier.
    pub id: String,
    /// Domain index of the regulator.
    pub domain: usize,
    /// Only firms with this flag are rated.
    pub applies_to: Option<usize>,
    /// Mean of the base score.
    pub base_mean: f64,
    /// Standard deviation of the base score.
    pub base_sd: f64,
    /// Class names, best first.
    pub classes: Vec<String>,
    /// Lowest score of each class but the last (decreasing).
    pub mins: Vec<f64>,
    /// Days between assessments.
    pub every_days: u32,
    /// First assessment day after day 0.
    pub first_day: u32,
    /// Days before an assessment whose records count.
    pub window_days: u32,
    /// Points a record deducts, per behaviour.
    pub points: Vec<f64>,
    /// Direct class and term a record assigns, per behaviour.
    pub direct: Vec<Option<(usize, u32)>>,
    /// Class-dependent inspections.
    pub inspections: Option<InspectionRules>,
    /// Requirements a rated firm meets (burden).
    pub requirements: Option<f64>,
}

impl Rating {
    /// The class of a score.
    #[inline]
    pub fn class_of(&self, score: f64) -> usize {
        self.mins
            .iter()
            .position(|&m| score >= m)
            .unwrap_or(self.mins.len())
    }

    /// The first assessment day strictly after `day`.
    pub fn next_assessment_after(&self, day: u32) -> u64 {
        let (first, every) = (self.first_day as u64, self.every_days as u64);
        if (day as u64) < first {
            first
        } else {
            first + ((day as u64 - first) / every + 1) * every
        }
    }

    /// Whether a firm with these flags (bit per flag) is rated.
    #[inline]
    pub fn rates(&self, flags: u32) -> bool {
        self.applies_to.is_none_or(|f| flags & (1 << f) != 0)
    }
}

/// Class-dependent inspections of a rating.
#[derive(Debug, Clone, Serialize)]
pub struct InspectionRules {
    /// Occasions per firm-day.
    pub occasions_per_day: f64,
    /// Share of occasions inspected, per class.
    pub share: Vec<f64>,
    /// Probability an inspection finds one unrecorded violation.
    pub detection: f64,
    /// Days back an inspection looks.
    pub lookback_days: u32,
    /// Behaviours it looks for.
    pub finds: Vec<bool>,
    /// The class whose share every class has in the counterfactual.
    pub reference: usize,
}

impl InspectionRules {
    /// Whether the shares differ between classes (otherwise the counterfactual of
    /// equal rates is the factual run).
    pub fn unequal(&self) -> bool {
        let r = self.share[self.reference];
        self.share.iter().any(|&s| s != r)
    }
}

/// What puts a firm into a status.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum FirmTrigger {
    /// A record of this behaviour.
    Behaviour(usize),
    /// Being in one of these classes (bit per class) of this rating.
    Rating {
        /// Rating index.
        rating: usize,
        /// Class bits.
        classes: u32,
    },
    /// Being on this firm list.
    List(usize),
}

/// A firm list.
#[derive(Debug, Clone, Serialize)]
pub struct FirmList {
    /// Identifier.
    pub id: String,
    /// Its trigger (a behaviour or a rating's classes).
    pub trigger: FirmTrigger,
    /// Days of publicity.
    pub publicity_days: u32,
    /// Restoration on application.
    pub restoration: Option<RestorationRules>,
}

/// Restoration on application.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RestorationRules {
    /// Days after entry from which a firm may apply.
    pub after_days: u32,
    /// Probability that it applies then.
    pub probability: f64,
    /// Days from application to exit.
    pub handling_days: u32,
}

/// A sanction on firms.
#[derive(Debug, Clone, Serialize)]
pub struct FirmSanction {
    /// Identifier.
    pub id: String,
    /// Domain index.
    pub domain: usize,
    /// A list or a rating's classes.
    pub trigger: FirmTrigger,
    /// Own or all domains.
    pub scope: crate::kinds::Scope,
}

/// How firm listings reach persons.
#[derive(Debug, Clone, Serialize)]
pub struct RoleRules {
    /// Restrict or list.
    pub mode: RoleMode,
    /// Reaches the legal representative.
    pub representative: bool,
    /// Reaches the senior managers.
    pub managers: bool,
    /// Firm lists (bit per list) whose listing reaches them.
    pub lists: u32,
    /// Person services restricted.
    pub services: Vec<usize>,
}
