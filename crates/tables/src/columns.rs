//! Small tables of named typed columns written in one go: a sweep's `design.parquet`,
//! a calibration's `posterior.parquet` and `predictive.parquet`.

use super::{Provenance, RowGroups, TableError, err};
use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray, UInt32Array, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use std::path::Path;
use std::sync::Arc;

/// One typed column of a table written by [`write_columns`] (None: null).
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Unsigned 64-bit integers, never null (ids, seeds).
    U64(Vec<u64>),
    /// Unsigned 32-bit integers, never null (replicate).
    U32(Vec<u32>),
    /// Signed integers.
    I64(Vec<Option<i64>>),
    /// Real numbers.
    F64(Vec<Option<f64>>),
    /// Booleans.
    Bool(Vec<Option<bool>>),
    /// Text.
    Utf8(Vec<Option<String>>),
}

impl Column {
    /// Real numbers with NaN written as null (an undefined value).
    pub fn floats(x: &[f64]) -> Column {
        Column::F64(x.iter().map(|&y| (!y.is_nan()).then_some(y)).collect())
    }

    fn len(&self) -> usize {
        match self {
            Column::U64(v) => v.len(),
            Column::U32(v) => v.len(),
            Column::I64(v) => v.len(),
            Column::F64(v) => v.len(),
            Column::Bool(v) => v.len(),
            Column::Utf8(v) => v.len(),
        }
    }

    fn array(&self) -> (DataType, bool, ArrayRef) {
        match self {
            Column::U64(v) => (
                DataType::UInt64,
                false,
                Arc::new(UInt64Array::from(v.clone())),
            ),
            Column::U32(v) => (
                DataType::UInt32,
                false,
                Arc::new(UInt32Array::from(v.clone())),
            ),
            Column::I64(v) => (DataType::Int64, true, Arc::new(Int64Array::from(v.clone()))),
            Column::F64(v) => (
                DataType::Float64,
                true,
                Arc::new(Float64Array::from(v.clone())),
            ),
            Column::Bool(v) => (
                DataType::Boolean,
                true,
                Arc::new(BooleanArray::from(v.clone())),
            ),
            Column::Utf8(v) => (DataType::Utf8, true, Arc::new(StringArray::from(v.clone()))),
        }
    }
}

/// Writes named typed columns of equal length as one table, with the provenance and
/// `extra` key-value metadata.
pub fn write_columns(
    path: &Path,
    columns: &[(String, Column)],
    prov: &Provenance,
    extra: &[(String, String)],
) -> Result<(), TableError> {
    let rows = columns.first().map_or(0, |(_, c)| c.len());
    if let Some((name, _)) = columns.iter().find(|(_, c)| c.len() != rows) {
        return Err(err(path, format!("column `{name}` has a different length")));
    }
    let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = columns
        .iter()
        .map(|(name, c)| {
            let (t, nullable, a) = c.array();
            (Field::new(name, t, nullable), a)
        })
        .unzip();
    let mut w = RowGroups::create(path, Arc::new(Schema::new(fields)), prov.properties(extra))?;
    w.append(arrays)?;
    w.finish().map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{Column as Read, read_columns};

    /// Every kind of column round-trips through the reader, NaN as null; unequal
    /// lengths are refused.
    #[test]
    fn columns_round_trip() {
        let dir =
            std::env::temp_dir().join(format!("credsim-tables-columns-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("d.parquet");
        let prov = Provenance {
            pairs: vec![("format".into(), "test".into())],
        };
        let cols = vec![
            ("run_id".to_string(), Column::U64(vec![0, 1])),
            ("rep".to_string(), Column::U32(vec![2, 3])),
            ("k".to_string(), Column::I64(vec![Some(-1), None])),
            ("x".to_string(), Column::floats(&[0.5, f64::NAN])),
            ("b".to_string(), Column::Bool(vec![None, Some(true)])),
            ("s".to_string(), Column::Utf8(vec![Some("a".into()), None])),
        ];
        let extra = [("calibration".to_string(), "c".to_string())];
        write_columns(&path, &cols, &prov, &extra).expect("writes");
        let back = read_columns(&path, None).expect("reads");
        assert_eq!(back.rows, 2);
        assert_eq!(
            back.get("run_id"),
            Some(&Read::UInt(vec![Some(0), Some(1)]))
        );
        assert_eq!(back.get("rep"), Some(&Read::UInt(vec![Some(2), Some(3)])));
        assert_eq!(back.get("k"), Some(&Read::Int(vec![Some(-1), None])));
        assert_eq!(back.get("x"), Some(&Read::Float(vec![Some(0.5), None])));
        assert_eq!(back.get("b"), Some(&Read::Bool(vec![None, Some(true)])));
        assert_eq!(
            back.get("s").and_then(|c| match c {
                Read::Text(l) => Some((l.get(0), l.get(1))),
                _ => None,
            }),
            Some((Some("a"), None))
        );
        assert!(back.metadata.contains(&("format".into(), "test".into())));
        assert!(back.metadata.contains(&("calibration".into(), "c".into())));
        let bad = vec![
            ("a".to_string(), Column::U64(vec![0, 1])),
            ("b".to_string(), Column::floats(&[0.5])),
        ];
        assert!(write_columns(&path, &bad, &prov, &[]).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
