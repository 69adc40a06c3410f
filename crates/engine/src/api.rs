//! The engine's public interface: how a caller controls a run and what it gets back.

use crate::audit::AuditTally;
use crate::tally::Tally;
use std::sync::atomic::AtomicBool;

/// The run was stopped before the end of the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the run was cancelled after {done} of {total} chunks")]
pub struct Cancelled {
    /// Chunks of households completed.
    pub done: usize,
    /// Chunks in all.
    pub total: usize,
}

/// How the caller follows and controls a run.
pub struct Control<'a> {
    /// Called as work completes, with (chunks done, chunks in all).
    pub progress: &'a (dyn Fn(usize, usize) + Sync),
    /// Set to stop the run at the next period boundary.
    pub cancel: &'a AtomicBool,
    /// Receives each chunk's persons-table rows with the chunk's index (chunks finish
    /// in any order; the receiver restores id order). None: no persons table.
    pub persons: Option<&'a (dyn Fn(usize, PersonBatch) + Sync)>,
    /// Receives each chunk's record log with the chunk's index (when
    /// `Options::records_table` is set).
    pub records: Option<&'a (dyn Fn(usize, RecordLog) + Sync)>,
}

/// Records that reached the regime in one chunk, in the order they arrived.
#[derive(Debug, Clone, Default)]
pub struct RecordLog {
    /// Arrival day.
    pub day: Vec<u32>,
    /// Person the record is filed on.
    pub person: Vec<u32>,
    /// Record type (behaviour index).
    pub record_type: Vec<u16>,
    /// Source index.
    pub source: Vec<u16>,
    /// Provenance (0 true, 1 false, 2 misattributed, 3 tampered).
    pub provenance: Vec<u8>,
}

/// Which persons go into the persons table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PersonsTable {
    /// Nobody.
    None,
    /// Everybody.
    Full,
    /// Each person independently with this probability (a Bernoulli sample keyed by
    /// (seed, person), so the same persons are drawn whatever the thread count).
    Sample(f64),
}

/// Persons-table rows of one chunk, column by column (see docs/outputs.md).
#[derive(Debug, Clone, Default)]
pub struct PersonBatch {
    /// Person id.
    pub person: Vec<u32>,
    /// Household id.
    pub household: Vec<u32>,
    /// Category index of each attribute, `attributes[attribute][row]`.
    pub attributes: Vec<Vec<u8>>,
    /// Score on the last day (None without a score).
    pub score: Vec<Option<i64>>,
    /// Grade index on the last day.
    pub grade: Vec<Option<u8>>,
    /// Records that arrived, by provenance.
    pub records: [Vec<u32>; 3],
    /// Tampered records filed on the person (empty without attacks).
    pub records_tampered: Vec<u32>,
    /// Days under at least one sanction.
    pub sanction_days: Vec<u32>,
    /// Days on at least one list.
    pub listed_days: Vec<u32>,
    /// Genuine violations performed (acts of unprotected adverse behaviours, captured
    /// or not): the audit's K, ground truth for recomputing fairness measures.
    pub violations: Vec<u32>,
    /// Acts of protected conduct performed.
    pub protected_acts: Vec<u32>,
    /// Sanctioned in the no-errors counterfactual (Yᴱ; None when it did not run).
    pub sanctioned_without_errors: Vec<Option<bool>>,
    /// Ever granted a reward treatment.
    pub ever_rewarded: Vec<bool>,
    /// Ever in the lowest grade.
    pub ever_lowest_grade: Vec<bool>,
    /// Ever sanctioned.
    pub ever_sanctioned: Vec<bool>,
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Number of households.
    pub households: u64,
    /// Number of chunks the population was cut into.
    pub chunks: usize,
    /// All counts.
    pub tally: Tally,
    /// The audit's counts (None when the audit was not run).
    pub audit: Option<AuditTally>,
    /// Chilling: the factor on protected conduct in force in each period, per category
    /// of the chilling attribute (one category without one). Empty without chilling.
    pub chilling: Vec<Vec<f64>>,
    /// The firm pass (None without `[firms]`).
    pub firms: Option<crate::firms::FirmOutcome>,
}

/// Order in which chunks and periods are simulated. Both give identical results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Each chunk runs through the whole horizon, then its state is dropped: memory
    /// holds only the chunks in flight. Possible while no mechanism couples chunks.
    ChunkMajor,
    /// Every chunk advances one period, then the next: all chunk states stay in memory,
    /// and population-wide mechanisms (appeal capacity, chilling, contacts) act between
    /// periods. Always used when the scenario has such a mechanism.
    EpochMajor,
}

/// How to run.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Chunk-major (default) or epoch-major.
    pub schedule: Schedule,
    /// Run the audit's counterfactuals.
    pub audit: bool,
    /// Rows for the persons table, passed to `Control::persons`.
    pub persons_table: PersonsTable,
    /// Log every record, passed to `Control::records`.
    pub records_table: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            schedule: Schedule::ChunkMajor,
            audit: true,
            persons_table: PersonsTable::None,
            records_table: false,
        }
    }
}
