//! A firm's lists, sanctions and role spells: entry, renewal and exit of listings,
//! sanctions that follow the classes and listings, and the spells that reach the
//! firm's role-holders.

use super::*;

impl Run<'_> {
    /// Whether list l's rating trigger still holds (a behaviour trigger never does
    /// once its listing stands: the conduct is cured or the term runs).
    pub(super) fn trigger_holds(&self, l: usize) -> bool {
        match self.f.lists[l].trigger {
            FirmTrigger::Rating { rating, classes } => {
                self.rated(rating) && classes & (1 << self.class[rating]) != 0
            }
            _ => false,
        }
    }

    pub(super) fn on_role_list(&self) -> bool {
        self.f
            .roles
            .as_ref()
            .is_some_and(|r| self.listed & r.lists != 0)
    }

    pub(super) fn enter(&mut self, l: usize, day: u32, cause: u32) {
        let list = &self.f.lists[l];
        let until = day.saturating_add(list.publicity_days);
        self.dirty = true;
        if self.listed & (1 << l) != 0 {
            self.cause[l] |= cause;
            if until > self.until[l] {
                self.until[l] = until;
                self.push(
                    until,
                    Kind::ListEnd {
                        list: l as u8,
                        until,
                    },
                );
            }
            return;
        }
        let was_role = self.on_role_list();
        if self.listed == 0 {
            self.any_listed_since = day;
        }
        self.listed |= 1 << l;
        self.until[l] = until;
        self.entered[l] = day;
        self.entry_no[l] += 1;
        self.cause[l] = cause;
        self.life.entries[l] += 1;
        let first = self.life.ever_listed & (1 << l) == 0;
        self.life.ever_listed |= 1 << l;
        count!(self, |t| {
            t.entries[l] += 1;
            if first {
                t.ever_listed[l] += 1;
            }
        });
        self.push(
            until,
            Kind::ListEnd {
                list: l as u8,
                until,
            },
        );
        if let Some(rs) = list.restoration {
            let entry = self.entry_no[l];
            let sub = SUB_RESTORE | l as u32;
            let u = self
                .keys
                .stream(Purpose::Firms, sub, self.firm.id as u64, entry as u64)
                .uniform();
            let decision = day as u64 + rs.after_days as u64 + rs.handling_days as u64;
            if u < rs.probability && decision < until as u64 {
                self.push(
                    decision as u32,
                    Kind::Decision {
                        list: l as u8,
                        entry,
                    },
                );
            }
        }
        if !was_role && self.on_role_list() {
            self.role_since = day;
        }
    }

    pub(super) fn exit(&mut self, l: usize, day: u32, restored: bool) {
        let was_role = self.on_role_list();
        self.dirty = true;
        self.listed &= !(1 << l);
        let spell = day - self.entered[l];
        self.life.exits[l] += 1;
        self.life.completed_days[l] += spell;
        count!(self, |t| {
            t.listed_days[l] += spell as u64;
            t.completed_days[l] += spell as u64;
            if restored {
                t.exits_restored[l] += 1;
            } else {
                t.exits_term[l] += 1;
            }
        });
        if self.listed == 0 {
            self.life.listed_days += day - self.any_listed_since;
        }
        if was_role && !self.on_role_list() {
            self.end_role_spell(day);
        }
    }

    pub(super) fn end_role_spell(&mut self, day: u32) {
        let since = self.role_since;
        if day > since {
            self.life.role_spells.push((since, day));
            count!(self, |t| {
                t.role_spells += 1;
                t.role_days += (day - since) as u64;
            });
        }
    }

    /// Starts and stops sanctions to match the firm's classes and listings (only
    /// after one of them changed: sanctions depend on nothing else).
    pub(super) fn refresh_sanctions(&mut self, day: u32) {
        if !self.dirty {
            return;
        }
        self.dirty = false;
        let f = self.f;
        for (k, s) in f.sanctions.iter().enumerate() {
            let (holds, cause) = match s.trigger {
                FirmTrigger::List(l) => (self.listed & (1 << l) != 0, self.cause[l]),
                FirmTrigger::Rating { rating, classes } => (
                    self.rated(rating) && classes & (1 << self.class[rating]) != 0,
                    1 << f.ratings[rating].domain,
                ),
                FirmTrigger::Behaviour(_) => (false, 0),
            };
            let own = cause & (1 << s.domain) != 0;
            let applies = holds && (s.scope == Scope::All || own);
            let on = self.sanctions_on & (1 << k) != 0;
            if applies && !on {
                if self.sanctions_on == 0 {
                    self.any_sanction_since = day;
                }
                self.sanctions_on |= 1 << k;
                self.sanction_since[k] = day;
                let first = self.sanctions_ever & (1 << k) == 0;
                self.sanctions_ever |= 1 << k;
                self.life.applications += 1;
                self.life.cross += !own as u32;
                count!(self, |t| {
                    t.sanction_applications[k] += 1;
                    t.sanction_cross[k] += !own as u64;
                    t.sanction_firms[k] += first as u64;
                });
            } else if !applies && on {
                self.sanction_off(k, day);
            }
        }
    }

    pub(super) fn sanction_off(&mut self, k: usize, day: u32) {
        self.sanctions_on &= !(1 << k);
        let since = self.sanction_since[k];
        count!(self, |t| t.sanction_days[k] += (day - since) as u64);
        if self.sanctions_on == 0 {
            self.life.sanctioned_days += day - self.any_sanction_since;
        }
    }
}
