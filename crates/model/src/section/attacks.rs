//! `[[attacks]]` and `[defences]`: tampering with the record store (records inserted
//! or deleted by someone with write access) and the store's defences, each with the
//! detection guarantee and the blind spots of docs/ODD.md §3.12.

use super::behaviours::Behaviour;
use super::population::{Attributes, Categories};
use crate::error::FieldPath;
use crate::validate::{Checker, MAX_DAYS};
use serde::Serialize;
use std::collections::HashMap;

/// Most attacks a scenario may declare (an attack's index is kept in a byte).
pub const MAX_ATTACKS: usize = 16;

/// The tables as written in the scenario file (re-exported by [`crate::raw`]).
pub mod raw {
    use crate::raw::Named;
    use serde::{Deserialize, Serialize};

    /// Who had write access to the store (a label: what they do is `operation`,
    /// `path` and `rewrites_log`).
    #[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
    #[serde(rename_all = "snake_case")]
    pub enum Attacker {
        /// An outsider through an open interface or a stolen login.
        Outsider,
        /// An authorised insider.
        Insider,
        /// A vendor or contractor who kept access.
        Vendor,
        /// A defective housekeeping ("weeding") job.
        CleanupJob,
    }

    /// What the attack does to the records of a person it hits.
    #[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
    #[serde(rename_all = "snake_case")]
    pub enum Operation {
        /// Files one record of the type in `records` on the person (provenance
        /// `tampered`).
        Insert,
        /// Deletes the person's active adverse records of the types in `records`.
        Delete,
        /// Shifts the date of the person's active adverse records of the types in
        /// `records` by `shift_days` (earlier: shorter terms and earlier expiry; later:
        /// longer ones), never past the day of the attack.
        Alter,
    }

    /// Where the tampering is written.
    #[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
    #[serde(rename_all = "snake_case")]
    pub enum WritePath {
        /// Into the store directly: the sources still hold the truth.
        #[default]
        Store,
        /// Through a source's normal input path: the source holds the tampered state too.
        Input,
    }

    /// `[[attacks]]`: one tampering campaign.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Attack {
        /// Identifier.
        pub id: String,
        /// Who did it.
        pub attacker: Attacker,
        /// Insert or delete.
        pub operation: Operation,
        /// Store (default) or input path.
        #[serde(default)]
        pub path: WritePath,
        /// The attacker also rewrites the store's log to hide the change.
        #[serde(default)]
        pub rewrites_log: bool,
        /// First day of the attack.
        pub from_day: u32,
        /// Last day of the attack (absent: `from_day`, a one-day attack).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub to_day: Option<u32>,
        /// Probability that each target person is hit (on a day drawn uniformly from
        /// the window).
        pub share: f64,
        /// The target set: attribute → categories (absent: every scored person).
        #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
        pub targets: Named<Vec<String>>,
        /// Only persons on this list on the day of the attack (delisting).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub listed: Option<String>,
        /// Record types: insert, exactly one adverse type; delete, the types deleted
        /// (absent: every adverse type).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub records: Vec<String>,
        /// Insert: the source the inserted record claims to come from.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub source: Option<String>,
        /// Alter: days added to each record's date (negative: back-dated).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub shift_days: Option<i32>,
        /// Free text.
        #[serde(default)]
        pub description: String,
    }

    /// A check every `every_periods` reporting periods, at period boundaries.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Every {
        /// Periods between checks (≥ 1).
        pub every_periods: u32,
    }

    /// A sampling audit.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Sampling {
        /// Share of the store's records checked against their sources at each audit
        /// (each record independently).
        pub share: f64,
        /// Periods between audits (≥ 1).
        pub every_periods: u32,
    }

    /// A hash chain over the store's log.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct HashChain {
        /// Periods between checks of the chain (and, anchored, between anchors).
        pub every_periods: u32,
        /// Its head is anchored outside the store at each check.
        pub anchored: bool,
    }

    /// `[defences]`: how the store's integrity is checked.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Defences {
        /// Probability that a person holding a tampered record complains at a sanction
        /// encounter (an attempt denied by a sanction), which reveals it.
        #[serde(default)]
        pub complaint_probability: f64,
        /// Days from detection to repair.
        #[serde(default)]
        pub repair_days: u32,
        /// Reconciliation of the whole store with its sources.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reconciliation: Option<Every>,
        /// Sampling audits against the sources.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sampling: Option<Sampling>,
        /// A hash chain over the log.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub hash_chain: Option<HashChain>,
        /// A Merkle log with signed tree heads published at each check and consistency
        /// proofs between them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub merkle: Option<Every>,
    }
}

pub use raw::{Attacker, Operation, WritePath};

impl Attack {
    /// The part of the window inside a run of `days` days (None: the attack starts
    /// after the run ends).
    pub fn days_in_run(&self, days: u32) -> Option<std::ops::RangeInclusive<u32>> {
        (self.from_day < days).then(|| self.from_day..=self.to_day.min(days - 1))
    }
}

impl Attacker {
    /// Name in outputs (as in the scenario file).
    pub fn name(self) -> &'static str {
        match self {
            Attacker::Outsider => "outsider",
            Attacker::Insider => "insider",
            Attacker::Vendor => "vendor",
            Attacker::CleanupJob => "cleanup_job",
        }
    }
}

impl WritePath {
    /// Name in outputs (as in the scenario file).
    pub fn name(self) -> &'static str {
        match self {
            WritePath::Store => "store",
            WritePath::Input => "input",
        }
    }
}

impl Operation {
    /// Name in outputs (as in the scenario file).
    pub fn name(self) -> &'static str {
        match self {
            Operation::Insert => "insert",
            Operation::Delete => "delete",
            Operation::Alter => "alter",
        }
    }
}

/// The defences, in the order of their counts in outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Defence {
    /// Subject complaints at sanction encounters.
    Complaints = 0,
    /// Reconciliation with the sources.
    Reconciliation = 1,
    /// Sampling audits.
    Sampling = 2,
    /// A hash chain.
    HashChain = 3,
    /// A Merkle log.
    Merkle = 4,
}

impl Defence {
    /// Every defence, in order.
    pub const ALL: [Defence; 5] = [
        Defence::Complaints,
        Defence::Reconciliation,
        Defence::Sampling,
        Defence::HashChain,
        Defence::Merkle,
    ];

    /// Name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Defence::Complaints => "complaints",
            Defence::Reconciliation => "reconciliation",
            Defence::Sampling => "sampling",
            Defence::HashChain => "hash_chain",
            Defence::Merkle => "merkle",
        }
    }
}

/// One attack, compiled.
#[derive(Debug, Clone, Serialize)]
pub struct Attack {
    /// Identifier.
    pub id: String,
    /// Who did it.
    pub attacker: Attacker,
    /// Insert, delete or alter.
    pub operation: Operation,
    /// Alter: days added to each record's date (0 for the other operations).
    pub shift_days: i32,
    /// Store or input path.
    pub path: WritePath,
    /// The log is rewritten to hide the change.
    pub rewrites_log: bool,
    /// First and last day of the window.
    pub from_day: u32,
    /// Last day of the window (inclusive).
    pub to_day: u32,
    /// Probability each target is hit.
    pub share: f64,
    /// Target persons by attribute categories.
    pub targets: Categories,
    /// Only persons on this list on the day (index).
    pub listed: Option<usize>,
    /// Insert: the type filed. Delete and alter: the types deleted or altered (every
    /// adverse type when the scenario names none).
    pub records: Vec<usize>,
    /// Insert: the source index the record claims.
    pub source: usize,
}

/// A periodic check.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Check {
    /// Periods between checks.
    pub every_periods: u32,
    /// Sampling: share of records checked (1 for other defences).
    pub share: f64,
    /// Hash chain: anchored outside the store (true for the Merkle log).
    pub anchored: bool,
}

/// The store's defences, compiled.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Defences {
    /// Complaint probability per sanction encounter.
    pub complaint_probability: f64,
    /// Days from detection to repair.
    pub repair_days: u32,
    /// Periodic checks, indexed by [`Defence`] (None for complaints and for defences
    /// the scenario lacks).
    pub checks: [Option<Check>; 5],
}

/// Checks the attacks and defences and compiles them.
pub(crate) fn compile(
    ck: &mut Checker<'_>,
    s: &crate::raw::Scenario,
    names: (
        &Attributes<'_>,
        &HashMap<String, usize>,
        &HashMap<String, usize>,
    ),
    behaviours: &[Behaviour],
) -> (Vec<Attack>, Defences) {
    let (attributes, behaviour_index, list_index) = names;
    let source_index: HashMap<String, usize> = s
        .sources
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.clone(), i))
        .collect();
    let path = FieldPath::keys(&["attacks"]);
    if s.attacks.len() > MAX_ATTACKS {
        ck.fail(
            path.clone(),
            format!(
                "{} attacks declared; at most {MAX_ATTACKS} are allowed",
                s.attacks.len()
            ),
        );
    }
    ck.ids(&path, "attack", s.attacks.iter().map(|a| a.id.as_str()));
    let mut attacks = Vec::new();
    for (x, a) in s.attacks.iter().enumerate() {
        let p = path.index(x);
        // A window beyond the horizon is allowed (`--years` may shorten a run: the run
        // is then the first years of the longer one, and the hits drawn after its end
        // never happen); `crate::warnings` reports it.
        let to_day = a.to_day.unwrap_or(a.from_day);
        if to_day < a.from_day || to_day > MAX_DAYS {
            ck.fail(
                p.key("to_day"),
                format!(
                    "to_day {to_day} must lie between from_day {} and {MAX_DAYS}",
                    a.from_day,
                ),
            );
        }
        let share = ck.probability(p.key("share"), "attack share", a.share);
        let targets = attributes.categories(ck, &p.key("targets"), &a.targets);
        let listed = a
            .listed
            .as_ref()
            .map(|l| ck.lookup(p.key("listed"), "list", list_index, l));
        let mut records = Vec::new();
        for (k, r) in a.records.iter().enumerate() {
            let b = ck.lookup(p.key("records").index(k), "record type", behaviour_index, r);
            if behaviour_index.contains_key(r) && !behaviours[b].adverse() {
                ck.fail(
                    p.key("records").index(k),
                    format!(
                        "record type `{r}` is not adverse (no negative points, no list trigger): only adverse records can be inserted or deleted"
                    ),
                );
            }
            records.push(b);
        }
        let mut source = 0;
        let shift_days = a.shift_days.unwrap_or(0);
        match (a.operation, a.shift_days) {
            (Operation::Alter, None | Some(0)) => ck.fail(
                p.key("shift_days"),
                "an alter names a non-zero shift_days (days added to each record's date; negative back-dates it)",
            ),
            (Operation::Alter, Some(d)) if d.unsigned_abs() > MAX_DAYS => ck.fail(
                p.key("shift_days"),
                format!("shift_days {d} is outside the allowed range [-{MAX_DAYS}, {MAX_DAYS}]"),
            ),
            (Operation::Insert | Operation::Delete, Some(_)) => ck.fail(
                p.key("shift_days"),
                "only an alter takes shift_days",
            ),
            _ => {}
        }
        match a.operation {
            Operation::Insert => {
                if records.len() != 1 {
                    ck.fail(
                        p.key("records"),
                        "an insert names exactly one record type (the type filed)",
                    );
                }
                match &a.source {
                    Some(src) => source = ck.lookup(p.key("source"), "source", &source_index, src),
                    None => ck.fail(
                        p.key("source"),
                        "an insert names the source its record claims to come from",
                    ),
                }
            }
            Operation::Delete | Operation::Alter => {
                if a.source.is_some() {
                    ck.fail(
                        p.key("source"),
                        "a delete or alter takes no source (it acts on records of any source)",
                    );
                }
                if records.is_empty() {
                    records = (0..behaviours.len())
                        .filter(|&b| behaviours[b].adverse())
                        .collect();
                }
            }
        }
        attacks.push(Attack {
            id: a.id.clone(),
            attacker: a.attacker,
            operation: a.operation,
            shift_days,
            path: a.path,
            rewrites_log: a.rewrites_log,
            from_day: a.from_day,
            to_day,
            share,
            targets,
            listed,
            records,
            source,
        });
    }
    let defences = s
        .defences
        .as_ref()
        .map(|d| defences(ck, d))
        .unwrap_or_default();
    if s.defences.is_some() && s.attacks.is_empty() {
        ck.fail(
            FieldPath::keys(&["defences"]),
            "[defences] without any [[attacks]]: nothing to detect",
        );
    }
    (attacks, defences)
}

fn defences(ck: &mut Checker<'_>, d: &raw::Defences) -> Defences {
    let p = FieldPath::keys(&["defences"]);
    let every = |ck: &mut Checker<'_>, name: &str, n: u32| {
        if n == 0 {
            ck.fail(
                p.key(name).key("every_periods"),
                "every_periods must be at least 1",
            );
        }
        n.max(1)
    };
    if d.repair_days > MAX_DAYS {
        ck.fail(
            p.key("repair_days"),
            format!("repair_days {} exceeds {MAX_DAYS}", d.repair_days),
        );
    }
    let check = |every_periods, share, anchored| Check {
        every_periods,
        share,
        anchored,
    };
    let mut checks = [None; 5];
    if let Some(r) = &d.reconciliation {
        checks[1] = Some(check(
            every(ck, "reconciliation", r.every_periods),
            1.0,
            true,
        ));
    }
    if let Some(s) = &d.sampling {
        let share = ck.probability(p.key("sampling").key("share"), "sampling share", s.share);
        checks[2] = Some(check(every(ck, "sampling", s.every_periods), share, true));
    }
    if let Some(h) = &d.hash_chain {
        checks[3] = Some(check(
            every(ck, "hash_chain", h.every_periods),
            1.0,
            h.anchored,
        ));
    }
    if let Some(m) = &d.merkle {
        checks[4] = Some(check(every(ck, "merkle", m.every_periods), 1.0, true));
    }
    Defences {
        complaint_probability: ck.probability(
            p.key("complaint_probability"),
            "complaint probability",
            d.complaint_probability,
        ),
        repair_days: d.repair_days,
        checks,
    }
}

/// What a defence can see of a tampered record (docs/ODD.md §3.12): the guarantee and
/// the blind spots, as one rule. `anchored_before` says whether the record's log entry
/// (a deleted record's arrival) predates the last anchor or signed tree head before the
/// attack.
impl Attack {
    /// Whether `defence` (with its check, if periodic) can see a record this attack
    /// tampered with.
    pub fn visible_to(
        &self,
        defence: Defence,
        check: Option<&Check>,
        anchored_before: bool,
    ) -> bool {
        visible(defence, self, check, anchored_before)
    }
}

fn visible(
    defence: Defence,
    attack: &Attack,
    check: Option<&Check>,
    anchored_before: bool,
) -> bool {
    let store = attack.path == WritePath::Store;
    let insert = attack.operation == Operation::Insert;
    // An insert or an alteration leaves a record in the store; a deletion leaves none.
    let present = attack.operation != Operation::Delete;
    match defence {
        // The subject holds the truth about their own file, whatever the path, and
        // complains of what harms them: an inserted record, or a date moved later
        // (a longer term). A deletion or a back-dated record helps them.
        Defence::Complaints => insert || attack.shift_days > 0,
        // The sources hold the truth unless the attack went through them.
        Defence::Reconciliation => check.is_some() && store,
        // Samples of the store's records, checked against the sources: an omission
        // cannot be sampled.
        Defence::Sampling => check.is_some() && store && present,
        // A log proves history was not rewritten, not that entries are true: only a
        // rewrite of an anchored entry shows (a deletion or an in-place alteration of
        // it), and an unanchored chain is recomputed.
        Defence::HashChain | Defence::Merkle => {
            check.is_some_and(|c| c.anchored && attack.rewrites_log && !insert && anchored_before)
        }
    }
}

impl crate::model::Model {
    /// The days a periodic defence checks the store, in order: the end of every
    /// `every_periods`-th reporting period before the horizon (a check on day c sees
    /// what was written before day c). Empty for complaints and absent defences.
    pub fn check_days(&self, defence: Defence) -> Vec<u32> {
        let Some(check) = self.defences.checks[defence as usize] else {
            return Vec::new();
        };
        let every = check.every_periods.max(1) as usize;
        self.period_ends
            .iter()
            .enumerate()
            .filter(|&(k, &end)| (k + 1) % every == 0 && end < self.days)
            .map(|(_, &end)| end)
            .collect()
    }
}
