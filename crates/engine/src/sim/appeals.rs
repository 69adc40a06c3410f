//! Appeals and the review office, and credit repair: decisions that remove records.

use super::*;

impl ChunkSim {
    /// Schedules the end of the review of an appeal filed on day `filed` (not at all
    /// when it falls after the horizon: the appeal is still in review at the end).
    pub(super) fn schedule_decision(&mut self, ctx: &Ctx<'_>, record: u32, filed: u32, day: u32) {
        if day < ctx.model.days {
            let i = self.recs[record as usize].person;
            self.push(ctx, day, i, What::Decision { record, filed });
        }
    }

    /// The review of an appeal ends: the record is removed if the appeal is upheld.
    pub(super) fn decide_appeal(&mut self, ctx: &Ctx<'_>, day: u32, record: u32, filed: u32) {
        let flags = self.recs[record as usize].flags;
        let truth = (flags & REC_ERRONEOUS != 0) as usize;
        let (total, period) = (
            &mut self.tally.responses,
            &mut self.tally.periods[self.period].responses,
        );
        total.decided[truth] += 1;
        period.decided[truth] += 1;
        total.wait_days += (day - filed) as u64;
        period.wait_days += (day - filed) as u64;
        if flags & REC_UPHELD != 0 {
            total.upheld[truth] += 1;
            period.upheld[truth] += 1;
            self.remove_record(ctx, day, record);
        }
    }
}
