//! Re-evaluation of a person's status after a change: grade, condition lists, then
//! treatments and scrutiny, in that order; and what a status is and rests on.

use super::*;

impl ChunkSim {
    /// Re-evaluates grade, condition lists, treatments and scrutiny after the score
    /// may have changed (`before`: the previous score; None at the start).
    pub(super) fn refresh(&mut self, ctx: &Ctx<'_>, i: u32, day: u32, before: Option<i64>) {
        // Whether a grade or list membership may have changed; when none did and every
        // treatment applies whatever the causes (scope `all`), treatments stand as they are.
        let mut changed = before.is_none() || ctx.any_own_scope;
        if let Some(rules) = &ctx.model.score {
            let score = rules.score(self.graded_points(ctx, i));
            let old_grade = self.grade(i);
            if let Some(change) = self.regrade(ctx, rules, i) {
                changed = true;
                if let Some(old) = change.old {
                    self.occupancy[ctx.layout.grade(old)] -= 1;
                }
                if let Some(new) = change.new {
                    self.occupancy[ctx.layout.grade(new)] += 1;
                    self.set_ever(i, ctx.layout.ever_grade(new));
                }
                self.watch(i);
                self.observe_grade_change(rules, i, day, change);
            }
            let new_grade = self.grade(i);
            for idx in 0..ctx.condition_lists.len() {
                let l = ctx.condition_lists[idx];
                let list = &ctx.model.lists[l];
                let was = before.is_some_and(|b| list.condition(b, old_grade));
                let now = list.condition(score, new_grade);
                if now && !was {
                    changed = true;
                    let cause = self.cause_mask(ctx, i, list_cause_kind(list));
                    self.put_on_list(ctx, i, day, l, cause);
                } else if was && !now && list.duration_days.is_none() {
                    changed = true;
                    self.take_off_list(ctx, i, day, l);
                }
            }
        } else {
            changed = true;
        }
        if changed {
            self.update_treatments(ctx, i, day);
        }
    }

    pub(super) fn status_holds(&self, ctx: &Ctx<'_>, i: u32, day: u32, status: Status) -> bool {
        match status {
            Status::Grade(g) => self.grade(i) == Some(g),
            Status::List(l) => self.listed(ctx, i, day, l),
        }
    }

    /// Domains of the records behind a status, for a treatment of this kind.
    pub(super) fn cause(&self, ctx: &Ctx<'_>, i: u32, status: Status, kind: TreatmentKind) -> u32 {
        match status {
            Status::Grade(_) => self.cause_mask(ctx, i, kind),
            Status::List(l) => self.list_cause(ctx, i, l),
        }
    }

    /// Whether person i is punished now for deterrence: holds a sanction through their
    /// own status, or is on a black list.
    pub(super) fn punished(&self, ctx: &Ctx<'_>, i: u32, day: u32) -> bool {
        self.lives.own_held[i as usize] > 0
            || ctx
                .model
                .lists
                .iter()
                .enumerate()
                .any(|(l, list)| list.kind == ListKind::Black && self.listed(ctx, i, day, l))
    }
}

/// Which records can be the causes of a list's term entered through its condition: the
/// adverse ones for a black list, the favourable ones for a red (honour) list.
pub(super) fn list_cause_kind(list: &credsim_model::List) -> TreatmentKind {
    match list.kind {
        ListKind::Red => TreatmentKind::Reward,
        ListKind::Black => TreatmentKind::Sanction,
    }
}
