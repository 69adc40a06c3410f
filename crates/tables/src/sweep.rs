//! The Parquet tables of a sweep folder (docs/sweep.md): `design.parquet` (one row per
//! run, typed columns), the long result tables (`parts/*.parquet` written by workers,
//! `results.parquet` consolidated from them: run_id, measure, value, se) and their
//! reader. The layout only: which runs and rows go where is the sweep runner's.

use super::read::{Column, read_columns};
use super::{Provenance, RowGroups, TableError, err};
use arrow_array::{Float64Array, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use std::path::Path;
use std::sync::Arc;

/// Long result rows: one per (run, measure).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultRows {
    /// The run each row belongs to.
    pub run_id: Vec<u64>,
    /// The measure's name (`summary.…` or `audit.…`).
    pub measure: Vec<String>,
    /// Its value (None: undefined, e.g. a ratio over nobody).
    pub value: Vec<Option<f64>>,
    /// Its standard error (None: the measure has none).
    pub se: Vec<Option<f64>>,
}

impl ResultRows {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.run_id.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.run_id.is_empty()
    }

    /// Appends one row.
    pub fn push(&mut self, run_id: u64, measure: String, value: Option<f64>, se: Option<f64>) {
        self.run_id.push(run_id);
        self.measure.push(measure);
        self.value.push(value);
        self.se.push(se);
    }

    /// Appends every row of `other`.
    pub fn extend(&mut self, other: ResultRows) {
        self.run_id.extend(other.run_id);
        self.measure.extend(other.measure);
        self.value.extend(other.value);
        self.se.extend(other.se);
    }

    /// The rows of the runs `keep` accepts, in their order.
    pub fn filter(self, keep: impl Fn(u64) -> bool) -> ResultRows {
        let mut out = ResultRows::default();
        let rows = self
            .run_id
            .into_iter()
            .zip(self.measure)
            .zip(self.value)
            .zip(self.se);
        for (((r, m), v), s) in rows {
            if keep(r) {
                out.push(r, m, v, s);
            }
        }
        out
    }

    /// Stable sort by run id (rows of one run keep their order).
    pub fn sort_by_run(self) -> ResultRows {
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_by_key(|&i| self.run_id[i]);
        let mut out = ResultRows::default();
        for i in order {
            out.push(
                self.run_id[i],
                self.measure[i].clone(),
                self.value[i],
                self.se[i],
            );
        }
        out
    }
}

fn results_schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![
        Field::new("run_id", DataType::UInt64, false),
        Field::new("measure", DataType::Utf8, false),
        Field::new("value", DataType::Float64, true),
        Field::new("se", DataType::Float64, true),
    ]))
}

/// A long result table written batch by batch (a part file or results.parquet).
pub struct ResultsWriter {
    file: RowGroups,
}

impl ResultsWriter {
    /// Creates the file (replacing one of the same name).
    pub fn create(path: &Path, prov: &Provenance) -> Result<ResultsWriter, TableError> {
        Ok(ResultsWriter {
            file: RowGroups::create(path, results_schema(), prov.properties(&[]))?,
        })
    }

    /// Appends rows.
    pub fn write(&mut self, rows: &ResultRows) -> Result<(), TableError> {
        if rows.is_empty() {
            return Ok(());
        }
        self.file.append(vec![
            Arc::new(UInt64Array::from(rows.run_id.clone())),
            Arc::new(StringArray::from_iter_values(&rows.measure)),
            Arc::new(Float64Array::from(rows.value.clone())),
            Arc::new(Float64Array::from(rows.se.clone())),
        ])
    }

    /// Closes the file; returns the rows written.
    pub fn finish(self) -> Result<u64, TableError> {
        self.file.finish()
    }
}

/// Reads a long result table back (a part file or results.parquet), through the
/// generic reader.
pub fn read_results(path: &Path) -> Result<ResultRows, TableError> {
    let bad = |e: &str| TableError(format!("cannot read `{}`: {e}", path.display()));
    let t = read_columns(path, Some(&["run_id", "measure", "value", "se"]))?;
    let column = |name: &str| {
        t.get(name)
            .ok_or_else(|| bad(&format!("no column `{name}`")))
    };
    let (run, measure, value, se) = (
        column("run_id")?,
        column("measure")?,
        column("value")?,
        column("se")?,
    );
    let (Column::UInt(run), Column::Text(measure), Column::Float(value), Column::Float(se)) =
        (run, measure, value, se)
    else {
        return Err(bad("the columns do not have the result table's types"));
    };
    let mut out = ResultRows::default();
    for i in 0..t.rows {
        let (Some(r), Some(m)) = (run[i], measure.get(i)) else {
            return Err(bad(&format!("row {i} has a null run_id or measure")));
        };
        out.push(r, m.to_string(), value[i], se[i]);
    }
    Ok(out)
}

/// Writes rows as a complete result table in one go.
pub fn write_results(path: &Path, rows: &ResultRows, prov: &Provenance) -> Result<(), TableError> {
    let mut w = ResultsWriter::create(path, prov)?;
    w.write(rows).map_err(|e| err(path, e))?;
    w.finish().map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_round_trip_with_nulls() {
        let dir = std::env::temp_dir().join(format!("credsim-tables-sweep-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("r.parquet");
        let mut rows = ResultRows::default();
        rows.push(3, "summary.persons".into(), Some(2000.0), None);
        rows.push(1, "audit.x".into(), None, Some(0.5));
        rows.push(1, "audit.y".into(), Some(-1.25), Some(0.0));
        let prov = Provenance {
            pairs: vec![("format".into(), "test".into())],
        };
        write_results(&path, &rows, &prov).expect("writes");
        assert_eq!(read_results(&path).expect("reads"), rows);
        let sorted = rows.clone().sort_by_run();
        assert_eq!(sorted.run_id, [1, 1, 3]);
        assert_eq!(sorted.measure[0], "audit.x");
        assert_eq!(rows.filter(|r| r == 3).len(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
