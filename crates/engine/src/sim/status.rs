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
            let old_grade = self.people.score.grade[i as usize];
            let new_grade = rules.grade(score).map_or(NO_GRADE, |g| g as u8);
            if new_grade != old_grade {
                changed = true;
                if old_grade != NO_GRADE {
                    self.occupancy[ctx.layout.grade(old_grade as usize)] -= 1;
                }
                if new_grade != NO_GRADE {
                    self.occupancy[ctx.layout.grade(new_grade as usize)] += 1;
                    self.set_ever(i, ctx.layout.ever_grade(new_grade as usize));
                }
                self.people.score.grade[i as usize] = new_grade;
                self.watch(i);
                let lowest = rules.lowest_grade().map_or(NO_GRADE, |g| g as u8);
                let lives = &mut self.lives;
                if new_grade == lowest && lives.low_entry[i as usize] == NEVER {
                    lives.low_entry[i as usize] = day;
                } else if old_grade == lowest
                    && lives.low_entry[i as usize] != NEVER
                    && lives.low_exit[i as usize] == NEVER
                {
                    lives.low_exit[i as usize] = day;
                }
            }
            let old_grade = (old_grade != NO_GRADE).then_some(old_grade as usize);
            let new_grade = (new_grade != NO_GRADE).then_some(new_grade as usize);
            for idx in 0..ctx.condition_lists.len() {
                let l = ctx.condition_lists[idx];
                let list = &ctx.model.lists[l];
                let was = before.is_some_and(|b| list.condition(b, old_grade));
                let now = list.condition(score, new_grade);
                if now && !was {
                    changed = true;
                    let cause = self.cause_mask(ctx, i);
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
            Status::Grade(g) => self.people.score.grade[i as usize] as usize == g,
            Status::List(l) => self.listed(ctx, i, day, l),
        }
    }

    /// Domains of the records behind a status.
    pub(super) fn cause(&self, ctx: &Ctx<'_>, i: u32, status: Status) -> u32 {
        match status {
            Status::Grade(_) => self.cause_mask(ctx, i),
            Status::List(l) => self.people.lists.cause[i as usize * ctx.model.lists.len() + l],
        }
    }
}
