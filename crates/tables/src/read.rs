//! Reading Parquet tables back as plain typed columns (a sweep's `design.parquet` and
//! `results.parquet`), for analyses that do not want Arrow in their types.
//!
//! Integer columns of any width read as `Int` (i64) or `UInt` (u64), floating ones as
//! `Float`, strings (plain, large, view or dictionary-encoded) as `Text` with each
//! distinct value stored once. Nulls are kept as `None`.

use crate::TableError;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

/// Strings, each distinct value once: row i is `values[codes[i]]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labels {
    /// The distinct values, in order of first appearance.
    pub values: Vec<String>,
    /// Per row, the index into `values` (None: null).
    pub codes: Vec<Option<u32>>,
}

impl Labels {
    /// The value of row `i` (None: null or out of range).
    pub fn get(&self, i: usize) -> Option<&str> {
        let c = (*self.codes.get(i)?)?;
        self.values.get(c as usize).map(String::as_str)
    }
}

/// One column's values.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Signed integers.
    Int(Vec<Option<i64>>),
    /// Unsigned integers.
    UInt(Vec<Option<u64>>),
    /// Floating-point numbers.
    Float(Vec<Option<f64>>),
    /// Booleans.
    Bool(Vec<Option<bool>>),
    /// Strings.
    Text(Labels),
}

impl Column {
    /// The number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Int(v) => v.len(),
            Column::UInt(v) => v.len(),
            Column::Float(v) => v.len(),
            Column::Bool(v) => v.len(),
            Column::Text(l) => l.codes.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i` as a non-negative integer (integers only; None for null or negative).
    pub fn u64_at(&self, i: usize) -> Option<u64> {
        match self {
            Column::UInt(v) => *v.get(i)?,
            Column::Int(v) => v
                .get(i)
                .copied()
                .flatten()
                .and_then(|x| u64::try_from(x).ok()),
            _ => None,
        }
    }

    /// Row `i` as a number (integers converted; None for null or non-numeric).
    pub fn f64_at(&self, i: usize) -> Option<f64> {
        match self {
            Column::Float(v) => *v.get(i)?,
            Column::UInt(v) => v.get(i).copied().flatten().map(|x| x as f64),
            Column::Int(v) => v.get(i).copied().flatten().map(|x| x as f64),
            _ => None,
        }
    }

    /// A short name of the column's kind, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Column::Int(_) => "signed integer",
            Column::UInt(_) => "unsigned integer",
            Column::Float(_) => "floating-point",
            Column::Bool(_) => "boolean",
            Column::Text(_) => "string",
        }
    }
}

/// A table read back: column names and their values, in the file's order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Columns {
    /// Column names.
    pub names: Vec<String>,
    /// Column values, one per name.
    pub columns: Vec<Column>,
    /// The number of rows.
    pub rows: usize,
    /// The file's key-value metadata.
    pub metadata: Vec<(String, String)>,
}

impl Columns {
    /// The column named `name`.
    pub fn get(&self, name: &str) -> Option<&Column> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| &self.columns[i])
    }
}

fn read_err(path: &Path, e: impl std::fmt::Display) -> TableError {
    TableError(format!("cannot read `{}`: {e}", path.display()))
}

/// Reads a Parquet file's columns (only those in `wanted`, when given; a wanted
/// column the file lacks is simply absent from the result).
pub fn read_columns(path: &Path, wanted: Option<&[&str]>) -> Result<Columns, TableError> {
    let file = File::open(path).map_err(|e| read_err(path, e))?;
    let mut builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| read_err(path, e))?;
    let metadata = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .map(|kv| {
            kv.iter()
                .map(|k| (k.key.clone(), k.value.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    let schema = builder.schema().clone();
    let keep: Vec<usize> = (0..schema.fields().len())
        .filter(|&i| wanted.is_none_or(|w| w.contains(&schema.field(i).name().as_str())))
        .collect();
    let mask = ProjectionMask::roots(builder.parquet_schema(), keep.iter().copied());
    builder = builder.with_projection(mask);
    let names: Vec<String> = keep
        .iter()
        .map(|&i| schema.field(i).name().clone())
        .collect();
    let mut builders: Vec<Builder> = keep
        .iter()
        .map(|&i| Builder::for_type(schema.field(i).data_type()))
        .collect::<Option<_>>()
        .ok_or_else(|| {
            let bad = keep
                .iter()
                .map(|&i| schema.field(i))
                .find(|f| Builder::for_type(f.data_type()).is_none())
                .map(|f| format!("column `{}` has type {}", f.name(), f.data_type()))
                .unwrap_or_default();
            read_err(path, format!("{bad}, which credsim does not read"))
        })?;
    let reader = builder.build().map_err(|e| read_err(path, e))?;
    let mut rows = 0;
    for batch in reader {
        let batch = batch.map_err(|e| read_err(path, e))?;
        rows += batch.num_rows();
        for (b, col) in builders.iter_mut().zip(batch.columns()) {
            b.push(col).map_err(|e| read_err(path, e))?;
        }
    }
    Ok(Columns {
        names,
        columns: builders.into_iter().map(Builder::finish).collect(),
        rows,
        metadata,
    })
}

/// Accumulates one column over record batches.
enum Builder {
    Int(Vec<Option<i64>>),
    UInt(Vec<Option<u64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Text(Labels, HashMap<String, u32>),
}

impl Builder {
    fn for_type(t: &DataType) -> Option<Builder> {
        use DataType::*;
        Some(match t {
            Int8 | Int16 | Int32 | Int64 => Builder::Int(Vec::new()),
            UInt8 | UInt16 | UInt32 | UInt64 => Builder::UInt(Vec::new()),
            Float32 | Float64 => Builder::Float(Vec::new()),
            Boolean => Builder::Bool(Vec::new()),
            Utf8 | LargeUtf8 | Utf8View => Builder::Text(Labels::default(), HashMap::new()),
            Dictionary(_, v) if matches!(**v, Utf8 | LargeUtf8 | Utf8View) => {
                Builder::Text(Labels::default(), HashMap::new())
            }
            _ => return None,
        })
    }

    fn push(&mut self, a: &ArrayRef) -> Result<(), String> {
        let unexpected = || {
            format!(
                "unexpected column type {} in a later row group",
                a.data_type()
            )
        };
        macro_rules! prim {
            ($out:expr, $($t:ty),*) => {{
                $(if let Some(p) = a.as_primitive_opt::<$t>() {
                    $out.extend(p.iter().map(|v| v.map(Into::into)));
                    return Ok(());
                })*
                Err(unexpected())
            }};
        }
        match self {
            Builder::Int(out) => prim!(out, Int8Type, Int16Type, Int32Type, Int64Type),
            Builder::UInt(out) => prim!(out, UInt8Type, UInt16Type, UInt32Type, UInt64Type),
            Builder::Float(out) => prim!(out, Float32Type, Float64Type),
            Builder::Bool(out) => {
                let b = a.as_boolean_opt().ok_or_else(unexpected)?;
                out.extend(b.iter());
                Ok(())
            }
            Builder::Text(labels, index) => {
                let mut add = |s: Option<&str>| {
                    let code = s.map(|s| {
                        *index.entry(s.to_owned()).or_insert_with(|| {
                            labels.values.push(s.to_owned());
                            (labels.values.len() - 1) as u32
                        })
                    });
                    labels.codes.push(code);
                };
                if let Some(d) = a.as_any_dictionary_opt() {
                    let values = strings(d.values()).ok_or_else(unexpected)?;
                    let keys = if values.is_empty() {
                        vec![0; a.len()]
                    } else {
                        d.normalized_keys()
                    };
                    for (i, k) in keys.into_iter().enumerate() {
                        add(if a.is_null(i) { None } else { values[k] });
                    }
                } else {
                    strings(a).ok_or_else(unexpected)?.into_iter().for_each(add);
                }
                Ok(())
            }
        }
    }

    fn finish(self) -> Column {
        match self {
            Builder::Int(v) => Column::Int(v),
            Builder::UInt(v) => Column::UInt(v),
            Builder::Float(v) => Column::Float(v),
            Builder::Bool(v) => Column::Bool(v),
            Builder::Text(l, _) => Column::Text(l),
        }
    }
}

/// The values of a string array of any offset kind.
fn strings(a: &dyn Array) -> Option<Vec<Option<&str>>> {
    if let Some(s) = a.as_string_opt::<i32>() {
        Some(s.iter().collect())
    } else if let Some(s) = a.as_string_opt::<i64>() {
        Some(s.iter().collect())
    } else {
        a.as_string_view_opt().map(|s| s.iter().collect())
    }
}
