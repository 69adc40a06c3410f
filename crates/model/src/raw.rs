//! The scenario file format: serde types that mirror the TOML a user writes.
//!
//! These types only describe *shape* (field names, types, defaults). Everything that
//! needs more than one field to check (ids that must exist, probabilities in range,
//! grade bands that tile the score range) is checked by [`crate::validate`], which
//! turns a [`Scenario`] into a [`crate::Model`]. Every table denies unknown fields, so
//! a typo is an error that names the field, never a silently ignored key.
//!
//! After deserialisation every default is filled in, so serialising a [`Scenario`]
//! back to TOML shows the fully resolved scenario (`credsim show`), in the order of
//! these types' fields (maps keep the file's order).

pub use crate::kinds::{Level, ListKind, Period, Scope, StatusTrigger, TreatmentKind};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// A map from names to values that keeps the order of the file.
pub type Named<V> = IndexMap<String, V>;

/// One scenario: one regime applied to one synthetic population.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name and description.
    pub scenario: Meta,
    /// Horizon, reporting period and seed.
    pub simulation: Simulation,
    /// The synthetic population.
    pub population: Population,
    /// Every domain of life the regime touches (court, finance, transport, ...).
    /// Behaviours, services and treatments must name one of these.
    pub domains: Vec<String>,
    /// What people do (the world, not the regime).
    pub behaviours: Vec<Behaviour>,
    /// Who records it, how well, how late and with what errors.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// The point score, if the regime has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Score>,
    /// Points and expiry per record type (record types are behaviour ids).
    #[serde(default)]
    pub records: Named<RecordRule>,
    /// Black and red lists.
    #[serde(default)]
    pub lists: Vec<List>,
    /// Services whose access the regime can restrict or grant.
    #[serde(default)]
    pub services: Vec<Service>,
    /// Sanctions and rewards.
    #[serde(default)]
    pub treatments: Vec<Treatment>,
    /// Heightened scrutiny of flagged people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scrutiny: Option<Scrutiny>,
    /// Appeals against adverse records, reviewed by an office of limited capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeals: Option<Appeals>,
    /// Credit repair: adverse records removed early after a waiting period and a
    /// paid or educational step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair: Option<Repair>,
    /// Chilling: protected conduct falls as people see others penalised for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chilling: Option<Chilling>,
    /// Social ties beyond households (needed by `contacts` list triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<Network>,
}

/// `[scenario]`: what this scenario is.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Short name, used in output folder names (letters, digits, `-`, `_`, `.`).
    pub name: String,
    /// One line saying what the scenario models.
    #[serde(default)]
    pub description: String,
}

/// `[simulation]`: horizon, reporting period and seed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Simulation {
    /// Horizon in years of 365 days. Give `years` or `days`, not both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<u32>,
    /// Horizon in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// Seed of every random draw.
    pub seed: u64,
    /// Length of a reporting period (the time-series step and the engine's epoch).
    #[serde(default)]
    pub reporting_period: Period,
}

/// `[population]`: who lives in the synthetic country.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Population {
    /// Number of persons.
    pub persons: u64,
    /// Shape k of the Gamma(k, 1/k) multiplier (mean 1, variance 1/k) applied to every
    /// behaviour rate of a person. Absent: everyone has multiplier 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heterogeneity_shape: Option<f64>,
    /// Household sizes.
    #[serde(default)]
    pub households: Households,
    /// Categorical attributes (region, age band, group, ...).
    #[serde(default)]
    pub attributes: Vec<Attribute>,
}

/// `[population.households]`: the household size distribution.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Households {
    /// Household size (as a string key, `"1"`, `"2"`, ...) → share of households.
    pub sizes: Named<f64>,
}

impl Default for Households {
    fn default() -> Self {
        Households {
            sizes: [("1".to_string(), 1.0)].into_iter().collect(),
        }
    }
}

/// `[[population.attributes]]`: one categorical attribute.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    /// Attribute name (`region`, `age`, `group`).
    pub id: String,
    /// Whether every member of a household shares the category.
    #[serde(default)]
    pub level: Level,
    /// Category → share of the population (shares sum to 1).
    pub categories: Named<f64>,
}

/// `[[behaviours]]`: one kind of conduct, with its rate in the population.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Behaviour {
    /// Identifier; also the record type of records about it.
    pub id: String,
    /// Domain of life it belongs to.
    pub domain: String,
    /// Mean number of occurrences per person per year (before multipliers).
    pub rate_per_year: f64,
    /// Conduct protected by international human-rights norms (speech, religion, petitioning).
    #[serde(default)]
    pub protected: bool,
    /// Own Gamma shape for this behaviour's multiplier, drawn independently of the
    /// person's global one. Absent: the person's global multiplier applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heterogeneity_shape: Option<f64>,
    /// Attribute → category → rate multiplier (missing categories: 1).
    #[serde(default)]
    pub rate_multipliers: Named<Named<f64>>,
    /// After a record of this behaviour finds the person sanctioned or on a black list,
    /// their rate of it is multiplied by a factor for a while. Absent: no deterrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deterrence: Option<Deterrence>,
    /// Free text.
    #[serde(default)]
    pub description: String,
}

/// `deterrence = { factor = 0.5, days = 365 }` of a behaviour.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Deterrence {
    /// Factor on the person's rate of the behaviour while deterred, in [0, 1].
    pub factor: f64,
    /// Days the factor applies after each sanctioned or listed record.
    pub days: u32,
}

/// `[[sources]]`: one data source feeding the regime.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Identifier.
    pub id: String,
    /// Behaviour id → probability that one occurrence is recorded by this source.
    pub capture: Named<f64>,
    /// Attribute → category → multiplier on every capture probability of this source
    /// (cameras are denser in cities). The product is capped at 1.
    #[serde(default)]
    pub capture_multipliers: Named<Named<f64>>,
    /// Days between the act and the record reaching the regime.
    #[serde(default)]
    pub delay_days: u32,
    /// Records of nothing, per person per year (their type follows the source's mix of genuine records).
    #[serde(default)]
    pub false_records_per_year: f64,
    /// Probability that a captured record lands on another, random person of the same
    /// neighbourhood (about 8,192 persons in consecutive households).
    #[serde(default)]
    pub misattribution: f64,
    /// Free text.
    #[serde(default)]
    pub description: String,
}

/// `[score]`: the point score.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Score {
    /// Everyone's score before any record.
    pub base: i64,
    /// Lowest possible score (absent: unbounded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Highest possible score (absent: unbounded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// Grade bands; together they must cover every possible score exactly once.
    #[serde(default)]
    pub grades: Vec<Grade>,
}

/// `[[score.grades]]`: one grade band (inclusive bounds).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// Grade name.
    pub name: String,
    /// Lowest score in the band (absent: no lower bound).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Highest score in the band (absent: no upper bound).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// Free text.
    #[serde(default)]
    pub description: String,
}

/// `[records.TYPE]`: what one record of a type does to the score.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RecordRule {
    /// Points added to the score (negative: deducted).
    #[serde(default)]
    pub points: i64,
    /// Days after arrival when the record stops counting (absent: never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_days: Option<u32>,
    /// Free text, e.g. the source of the amount.
    #[serde(default)]
    pub description: String,
}

/// `[[lists]]`: a black or red list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct List {
    /// Identifier.
    pub id: String,
    /// Black (punitive) or red (honour) list.
    pub kind: ListKind,
    /// Days on the list after the triggering event. Absent: while a grade or score
    /// trigger holds (allowed only without record triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_days: Option<u32>,
    /// What puts a person on the list (any one suffices).
    pub triggers: Vec<ListTrigger>,
    /// Free text.
    #[serde(default)]
    pub description: String,
}

/// What puts a person on a list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ListTrigger {
    /// The arrival of a record of this type.
    Record(String),
    /// Entering this grade.
    Grade(String),
    /// The score falling below this value.
    ScoreBelow(i64),
    /// The score reaching at least this value.
    ScoreAtLeast(i64),
    /// At least `at_least` of the person's contacts (see `[network]`) holding a status
    /// at the last reporting-period boundary (association punishment).
    Contacts(ContactsTrigger),
}

/// `{ contacts = { status = { list = "x" }, at_least = 1 } }`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ContactsTrigger {
    /// The contacts' status that counts.
    pub status: StatusTrigger,
    /// How many contacts must hold it.
    pub at_least: u32,
}

/// `[[services]]`: a service whose use the regime can restrict or grant.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Identifier (flights, high_speed_rail, private_school, loans, ...).
    pub id: String,
    /// Domain the service belongs to.
    pub domain: String,
    /// Attempts to use the service per person per year.
    pub attempts_per_year: f64,
    /// Free text.
    #[serde(default)]
    pub description: String,
}

/// `[[treatments]]`: a sanction or reward.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Treatment {
    /// Identifier.
    pub id: String,
    /// Sanction (restricts the service) or reward (grants or prioritises it).
    pub kind: TreatmentKind,
    /// The service affected.
    pub service: String,
    /// Grade or list membership that triggers it.
    pub trigger: StatusTrigger,
    /// `own`: applies only when a record behind the trigger is from the service's own
    /// domain. `all`: applies whatever domain the records came from (joint punishment).
    pub scope: Scope,
    /// Also applies to every other member of the person's household.
    #[serde(default)]
    pub household: bool,
    /// Free text, e.g. the legal basis.
    #[serde(default)]
    pub description: String,
}

/// `[scrutiny]`: heightened attention on flagged people.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scrutiny {
    /// Status that starts (or renews) scrutiny.
    pub trigger: StatusTrigger,
    /// Factor on every capture probability while under scrutiny (capped at probability 1).
    pub capture_multiplier: f64,
    /// Days scrutiny lasts after it is triggered.
    pub duration_days: u32,
}

/// `[appeals]`: people contest adverse records; a review office decides them in the
/// order filed, as many per month as its capacity allows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Appeals {
    /// Probability that an adverse record (negative points or a list trigger) is
    /// appealed, for genuine records and for false or misattributed ones.
    pub probability: ByTruth,
    /// Attribute → category → multiplier on the probability of appealing (not everyone
    /// knows how); the product is capped at 1.
    #[serde(default)]
    pub probability_multipliers: Named<Named<f64>>,
    /// Appeals the office starts per month per 100,000 persons of the population.
    pub capacity_per_month_per_100k: f64,
    /// Days from the start of a review to its decision.
    pub processing_days: u32,
    /// Probability that a reviewed appeal removes the record.
    pub success: ByTruth,
    /// Free text.
    #[serde(default)]
    pub description: String,
}

/// A probability for genuine (true) records and for erroneous (false or
/// misattributed) ones.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ByTruth {
    /// For records of a real act of the person.
    pub genuine: f64,
    /// For false and misattributed records.
    pub erroneous: f64,
}

/// `[repair]`: an adverse record may be removed early after a waiting period, by
/// those who take a paid or educational step.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Repair {
    /// Days after a record's arrival when it can be removed.
    pub after_days: u32,
    /// Probability that the person takes the step for a given adverse record.
    pub probability: f64,
    /// Free text.
    #[serde(default)]
    pub description: String,
}

/// `[chilling]`: the rate of every protected behaviour in period k+1 is multiplied by
/// m = 1 − max_reduction · (L(s) − L(0)) / (1 − L(0)), where s is the share of
/// persons penalised for protected conduct in period k (in the person's category of
/// `by_attribute`, or in the whole population) and L(x) = 1 / (1 + e^(−steepness·(x − midpoint))).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Chilling {
    /// Largest fall of the rate, in [0, 1] (1: protected conduct can stop entirely).
    pub max_reduction: f64,
    /// Share of persons penalised in a period at which half the fall is reached
    /// (before the normalisation that makes m = 1 at s = 0).
    pub midpoint: f64,
    /// Steepness of the logistic response, per unit share (> 0).
    pub steepness: f64,
    /// Attribute whose categories respond separately (e.g. region). Absent: one
    /// population-wide response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_attribute: Option<String>,
}

/// `[network]`: each person's contacts, derived from (seed, person) and never stored:
/// a directed small-world graph (a ring of `contacts` nearest ids, each tie rewired to
/// a uniformly random person with probability `rewiring`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Contacts per person (0 to 64; 0: nobody knows anybody, so contacts triggers
    /// never fire).
    pub contacts: u32,
    /// Probability that a tie goes to a random person instead of a near id.
    pub rewiring: f64,
}
