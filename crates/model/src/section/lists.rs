//! `[[lists]]`: black and red lists, what puts a person on them (records, grades,
//! scores, contacts) and for how long.

use super::behaviours::Behaviour;
use super::dated::InForce;
use super::network::raw::Network;
use crate::error::FieldPath;
use crate::kinds::{ListKind, Status};
use crate::validate::{Checker, MAX_LISTS, StatusNames};
use serde::Serialize;
use std::collections::HashMap;

/// The tables as written in the scenario file (re-exported by [`crate::raw`]).
pub mod raw {
    use crate::kinds::{ListKind, StatusTrigger};
    use serde::{Deserialize, Serialize};

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
        /// The date the list starts admitting persons (a TOML local date; needs `simulation.start`).
        /// Absent: in force from the start.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub from: Option<toml::value::Datetime>,
        /// The date the rule list is closed: everyone on it leaves (absent: never).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub until: Option<toml::value::Datetime>,
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
}

/// A black or red list.
#[derive(Debug, Clone, Serialize)]
pub struct List {
    /// Identifier.
    pub id: String,
    /// Black or red.
    pub kind: ListKind,
    /// Term after a trigger (None: while the condition holds).
    pub duration_days: Option<u32>,
    /// Entering one of these grades lists a person.
    pub grade_triggers: Vec<usize>,
    /// The score falling below this lists a person.
    pub score_below: Option<i64>,
    /// The score reaching this lists a person.
    pub score_at_least: Option<i64>,
    /// Enough contacts holding a status lists a person (then the list has no other
    /// trigger).
    pub contacts: Option<ContactsCondition>,
    /// The days the list is in force (`from`, `until`): it admits nobody before
    /// `from`, and everyone leaves it on `until`.
    pub in_force: InForce,
}

/// A contacts trigger of a list.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ContactsCondition {
    /// The contacts' status that counts.
    pub status: Status,
    /// How many contacts must hold it (≥ 1).
    pub at_least: u32,
}

impl List {
    /// Whether the score/grade condition of this list holds.
    #[inline]
    pub fn condition(&self, score: i64, grade: Option<usize>) -> bool {
        // (Contacts conditions are evaluated by the engine at period boundaries.)
        grade.is_some_and(|g| self.grade_triggers.contains(&g))
            || self.score_below.is_some_and(|b| score < b)
            || self.score_at_least.is_some_and(|a| score >= a)
    }

    /// Whether the list has any score/grade condition.
    pub fn has_condition(&self) -> bool {
        !self.grade_triggers.is_empty()
            || self.score_below.is_some()
            || self.score_at_least.is_some()
    }
}

/// What list triggers may name.
struct Names<'a> {
    /// Behaviour id → index (record triggers).
    behaviours: &'a HashMap<String, usize>,
    /// Grades and lists (grade and contacts triggers).
    status: StatusNames<'a>,
    /// The network, if any (contacts triggers need one).
    network: Option<&'a Network>,
}

/// Checks the lists and compiles them, adding each record trigger to its behaviour's
/// lists; returns them and their index by id.
pub(crate) fn compile(
    ck: &mut Checker<'_>,
    lists: &[raw::List],
    behaviour_index: &HashMap<String, usize>,
    behaviours: &mut [Behaviour],
    has_score: bool,
    grade_index: &HashMap<String, usize>,
    network: Option<&Network>,
) -> (Vec<List>, HashMap<String, usize>) {
    let lpath = FieldPath::keys(&["lists"]);
    if lists.len() > MAX_LISTS {
        ck.fail(lpath.clone(), format!("at most {MAX_LISTS} lists"));
    }
    let list_index = ck.ids(&lpath, "list", lists.iter().map(|l| l.id.as_str()));
    let names = Names {
        behaviours: behaviour_index,
        status: StatusNames {
            has_score,
            grades: grade_index,
            lists: &list_index,
        },
        network,
    };
    let mut out = Vec::new();
    for (i, l) in lists.iter().enumerate() {
        let p = lpath.index(i);
        let mut list = List {
            id: l.id.clone(),
            kind: l.kind,
            duration_days: l.duration_days,
            grade_triggers: Vec::new(),
            score_below: None,
            score_at_least: None,
            contacts: None,
            in_force: InForce::ALWAYS, // (`dated::compile`)
        };
        if l.triggers.is_empty() {
            ck.fail(p.key("triggers"), "a list needs at least one trigger");
        }
        let mut has_record_trigger = false;
        for (j, t) in l.triggers.iter().enumerate() {
            has_record_trigger |= matches!(t, raw::ListTrigger::Record(_));
            let tp = p.key("triggers").index(j);
            trigger(ck, tp, t, i, &mut list, behaviours, &names);
        }
        if list.contacts.is_some() && l.triggers.len() > 1 {
            ck.fail(
                p.key("triggers"),
                "a list with a contacts trigger may have no other trigger (make a second list for records, grades or scores)",
            );
        }
        match l.duration_days {
            Some(0) => ck.fail(p.key("duration_days"), "duration must be at least 1 day (omit it for: while the condition holds)"),
            None if has_record_trigger => ck.fail(
                p.key("duration_days"),
                "a list with record triggers needs `duration_days` (how long a record keeps a person listed)",
            ),
            _ => {}
        }
        out.push(list);
    }
    (out, list_index)
}

/// Checks trigger `t` (at `tp`) of list `i` and folds it into the list, or, for a
/// record trigger, into the behaviour.
fn trigger(
    ck: &mut Checker<'_>,
    tp: FieldPath,
    t: &raw::ListTrigger,
    i: usize,
    list: &mut List,
    behaviours: &mut [Behaviour],
    names: &Names<'_>,
) {
    match t {
        raw::ListTrigger::Record(b) => {
            let bi = ck.lookup(
                tp.key("record"),
                "record type (behaviour id)",
                names.behaviours,
                b,
            );
            if let Some(beh) = behaviours.get_mut(bi) {
                beh.lists_triggered.push(i);
            }
        }
        raw::ListTrigger::Grade(g) => {
            if !names.status.has_score {
                ck.fail(tp.key("grade"), "grade triggers need a [score] with grades");
            } else {
                let gi = ck.lookup(tp.key("grade"), "grade", names.status.grades, g);
                list.grade_triggers.push(gi);
            }
        }
        raw::ListTrigger::ScoreBelow(v) | raw::ListTrigger::ScoreAtLeast(v) => {
            if !names.status.has_score {
                ck.fail(tp.clone(), "score triggers need a [score] table");
            }
            let slot = if matches!(t, raw::ListTrigger::ScoreBelow(_)) {
                &mut list.score_below
            } else {
                &mut list.score_at_least
            };
            if slot.replace(*v).is_some() {
                ck.fail(tp, "give each kind of score trigger at most once per list");
            }
        }
        raw::ListTrigger::Contacts(c) => {
            let cp = tp.key("contacts");
            let status = ck.status(&cp.key("status"), &c.status, &names.status);
            match names.network {
                None => ck.fail(
                    cp.clone(),
                    "contacts triggers need a [network] table (who knows whom)",
                ),
                Some(n) if c.at_least == 0 || (n.contacts > 0 && c.at_least > n.contacts) => ck.fail(
                    cp.key("at_least"),
                    format!(
                        "at_least = {} is not allowed: it must be 1 to the number of contacts ({})",
                        c.at_least, n.contacts
                    ),
                ),
                Some(_) => {}
            }
            if list.contacts.is_some() {
                ck.fail(tp.clone(), "give at most one contacts trigger per list");
            }
            if status == Status::List(i) {
                ck.fail(
                    cp.key("status"),
                    format!(
                        "list `{}` cannot be triggered by contacts on itself: nobody is on it to begin with, so nobody could ever enter it",
                        list.id
                    ),
                );
            }
            list.contacts = Some(ContactsCondition {
                status,
                at_least: c.at_least,
            });
        }
    }
}
