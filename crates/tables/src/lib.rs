//! Parquet tables of a run: `timeseries.parquet` (one row per reporting period) and
//! `persons.parquet` (one row per person, or a sample), written with the arrow-rs
//! `parquet` crate so pandas, polars, DuckDB and Spark read them.
//!
//! Writers only lay out what the engine computed; every file carries the credsim
//! version, scenario, scenario hash and seed in its key-value metadata.
//! `read` reads tables back as plain typed columns (the one reader: a sweep's design and
//! results); `columns` writes small tables of typed columns (a sweep's design, a
//! calibration's posterior).

pub mod columns;
pub mod read;

pub use columns::{Column, write_columns};

use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float64Array, Int64Array, RecordBatch,
    StringArray, UInt8Array, UInt32Array,
};
use arrow_schema::{DataType, Field, Schema};
use credsim_engine::PersonBatch;
use credsim_engine::summary::{Cell, Table};
use credsim_model::Model;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

mod firms;
pub use firms::write_firms;
pub mod sweep;

/// A failure to write a table.
#[derive(Debug)]
pub struct TableError(pub String);

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TableError {}

fn err(path: &Path, e: impl std::fmt::Display) -> TableError {
    TableError(format!("cannot write `{}`: {e}", path.display()))
}

/// Provenance written into every table's metadata.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// Key-value pairs (credsim_version, scenario, scenario_hash, seed, ...).
    pub pairs: Vec<(String, String)>,
}

impl Provenance {
    /// The provenance of a run of a model.
    pub fn of(model: &Model) -> Provenance {
        Provenance {
            pairs: vec![
                ("credsim_version".into(), credsim_engine::VERSION.into()),
                ("scenario".into(), model.name.clone()),
                ("scenario_hash".into(), model.hash.clone()),
                ("seed".into(), model.seed.to_string()),
            ],
        }
    }

    pub(crate) fn properties(&self, extra: &[(String, String)]) -> WriterProperties {
        let kv = self
            .pairs
            .iter()
            .chain(extra)
            .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
            .collect();
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_key_value_metadata(Some(kv))
            .build()
    }
}

/// The time series as one Arrow record batch (integer columns as Int64, fractional as
/// Float64, dates as Date32): what `timeseries.parquet` holds.
pub fn timeseries_batch(table: &Table) -> Result<RecordBatch, TableError> {
    let fields: Vec<Field> = table
        .columns
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let float = table.rows.iter().any(|r| matches!(r[c], Cell::Float(_)));
            let date = table.rows.iter().any(|r| matches!(r[c], Cell::Date(_)));
            Field::new(
                name,
                if date {
                    DataType::Date32
                } else if float {
                    DataType::Float64
                } else {
                    DataType::Int64
                },
                false,
            )
        })
        .collect();
    let columns: Vec<ArrayRef> = fields
        .iter()
        .enumerate()
        .map(|(c, f)| -> ArrayRef {
            match f.data_type() {
                DataType::Date32 => Arc::new(Date32Array::from_iter_values(
                    table.rows.iter().map(|r| r[c].as_f64() as i32),
                )),
                DataType::Float64 => Arc::new(Float64Array::from_iter_values(
                    table.rows.iter().map(|r| r[c].as_f64()),
                )),
                _ => Arc::new(Int64Array::from_iter_values(table.rows.iter().map(
                    |r| match r[c] {
                        Cell::Int(x) => x,
                        Cell::Float(x) => x as i64,
                        Cell::Date(x) => i64::from(x),
                    },
                ))),
            }
        })
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
        .map_err(|e| TableError(format!("cannot build the time series table: {e}")))
}

/// Writes the time series ([`timeseries_batch`]).
pub fn write_timeseries(path: &Path, table: &Table, prov: &Provenance) -> Result<(), TableError> {
    let batch = timeseries_batch(table).map_err(|e| err(path, e))?;
    let file = File::create(path).map_err(|e| err(path, e))?;
    let mut w = ArrowWriter::try_new(file, batch.schema(), Some(prov.properties(&[])))
        .map_err(|e| err(path, e))?;
    w.write(&batch).map_err(|e| err(path, e))?;
    w.close().map_err(|e| err(path, e))?;
    Ok(())
}

/// A Parquet file written batch by batch, in row groups of about a million rows so
/// that memory stays flat however large the table.
struct RowGroups {
    path: std::path::PathBuf,
    schema: Arc<Schema>,
    writer: ArrowWriter<File>,
    rows: u64,
}

impl RowGroups {
    fn create(
        path: &Path,
        schema: Arc<Schema>,
        props: WriterProperties,
    ) -> Result<Self, TableError> {
        let file = File::create(path).map_err(|e| err(path, e))?;
        let writer =
            ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| err(path, e))?;
        Ok(RowGroups {
            path: path.to_path_buf(),
            schema,
            writer,
            rows: 0,
        })
    }

    fn append(&mut self, columns: Vec<ArrayRef>) -> Result<(), TableError> {
        let batch =
            RecordBatch::try_new(self.schema.clone(), columns).map_err(|e| err(&self.path, e))?;
        self.append_batch(&batch)
    }

    fn append_batch(&mut self, batch: &RecordBatch) -> Result<(), TableError> {
        self.writer.write(batch).map_err(|e| err(&self.path, e))?;
        self.rows += batch.num_rows() as u64;
        if self.writer.in_progress_rows() >= 1 << 20 {
            self.writer.flush().map_err(|e| err(&self.path, e))?;
        }
        Ok(())
    }

    fn finish(self) -> Result<u64, TableError> {
        self.writer.close().map_err(|e| err(&self.path, e))?;
        Ok(self.rows)
    }
}

/// The persons table's layout: its Arrow schema and the dictionaries of its category
/// columns, turning the engine's rows of one chunk into a record batch.
#[derive(Debug, Clone)]
pub struct PersonsLayout {
    schema: Arc<Schema>,
    /// Category names of each attribute and grade names (dictionary values).
    attributes: Vec<(String, Arc<StringArray>)>,
    grades: Option<Arc<StringArray>>,
    /// The model has attacks: a last column `records_tampered`.
    tampered: bool,
}

impl PersonsLayout {
    /// The layout of a model's persons table.
    pub fn new(model: &Model) -> PersonsLayout {
        let dict = |name: &str| {
            Field::new(
                name,
                DataType::Dictionary(Box::new(DataType::UInt8), Box::new(DataType::Utf8)),
                false,
            )
        };
        let mut fields = vec![
            Field::new("person", DataType::UInt32, false),
            Field::new("household", DataType::UInt32, false),
        ];
        let attributes: Vec<(String, Arc<StringArray>)> = model
            .attributes
            .iter()
            .map(|a| {
                (
                    a.id.clone(),
                    Arc::new(StringArray::from_iter_values(a.categories.values.iter())),
                )
            })
            .collect();
        for (id, _) in &attributes {
            fields.push(dict(id));
        }
        let grades = model.score.as_ref().map(|s| {
            Arc::new(StringArray::from_iter_values(
                s.grades.iter().map(|g| g.name.as_str()),
            ))
        });
        fields.push(Field::new("score", DataType::Int64, true));
        fields.push(Field::new(
            "grade",
            DataType::Dictionary(Box::new(DataType::UInt8), Box::new(DataType::Utf8)),
            true,
        ));
        // Parquet keeps no dictionary order (readers list a column's categories in the
        // order they first appear), so the rank travels as a number: 1 = the best grade.
        fields.push(Field::new("grade_rank", DataType::UInt8, true));
        for name in [
            "records_true",
            "records_false",
            "records_misattributed",
            "sanction_days",
            "listed_days",
            "violations",
            "protected_acts",
        ] {
            fields.push(Field::new(name, DataType::UInt32, false));
        }
        fields.push(Field::new("ever_lowest_grade", DataType::Boolean, false));
        fields.push(Field::new("ever_sanctioned", DataType::Boolean, false));
        fields.push(Field::new(
            "sanctioned_without_errors",
            DataType::Boolean,
            true,
        ));
        fields.push(Field::new("ever_rewarded", DataType::Boolean, false));
        let tampered = !model.attacks.is_empty();
        if tampered {
            fields.push(Field::new("records_tampered", DataType::UInt32, false));
        }
        PersonsLayout {
            schema: Arc::new(Schema::new(fields)),
            attributes,
            grades,
            tampered,
        }
    }

    /// The table's schema.
    pub fn schema(&self) -> Arc<Schema> {
        self.schema.clone()
    }

    /// The rows of one chunk as a record batch.
    pub fn batch(&self, b: &PersonBatch) -> Result<RecordBatch, TableError> {
        let e = |e: arrow_schema::ArrowError| {
            TableError(format!("cannot build the persons table: {e}"))
        };
        let dict = |keys: UInt8Array, values: &Arc<StringArray>| -> Result<ArrayRef, TableError> {
            Ok(Arc::new(
                DictionaryArray::try_new(keys, values.clone()).map_err(e)?,
            ))
        };
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(UInt32Array::from(b.person.clone())),
            Arc::new(UInt32Array::from(b.household.clone())),
        ];
        for (i, (_, values)) in self.attributes.iter().enumerate() {
            columns.push(dict(UInt8Array::from(b.attributes[i].clone()), values)?);
        }
        columns.push(Arc::new(Int64Array::from(b.score.clone())));
        let empty = Arc::new(StringArray::from(Vec::<&str>::new()));
        let grades = self.grades.as_ref().unwrap_or(&empty);
        columns.push(dict(UInt8Array::from(b.grade.clone()), grades)?);
        // The model keeps its grades in rank order, best first.
        let rank = b.grade.iter().map(|g| g.map(|g| g + 1));
        columns.push(Arc::new(UInt8Array::from_iter(rank)));
        for col in b.records.iter().chain([
            &b.sanction_days,
            &b.listed_days,
            &b.violations,
            &b.protected_acts,
        ]) {
            columns.push(Arc::new(UInt32Array::from(col.clone())));
        }
        columns.push(Arc::new(BooleanArray::from(b.ever_lowest_grade.clone())));
        columns.push(Arc::new(BooleanArray::from(b.ever_sanctioned.clone())));
        columns.push(Arc::new(BooleanArray::from(
            b.sanctioned_without_errors.clone(),
        )));
        columns.push(Arc::new(BooleanArray::from(b.ever_rewarded.clone())));
        if self.tampered {
            columns.push(Arc::new(UInt32Array::from(b.records_tampered.clone())));
        }
        RecordBatch::try_new(self.schema.clone(), columns).map_err(e)
    }
}

/// Streams the persons table: one row group per batch of chunks, in person-id order.
pub struct PersonsWriter {
    file: RowGroups,
    layout: PersonsLayout,
}

impl PersonsWriter {
    /// Creates the file; `sampling` is recorded in the metadata.
    pub fn create(
        path: &Path,
        model: &Model,
        prov: &Provenance,
        sampling: &str,
    ) -> Result<PersonsWriter, TableError> {
        let layout = PersonsLayout::new(model);
        let props = prov.properties(&[("persons_table".into(), sampling.into())]);
        Ok(PersonsWriter {
            file: RowGroups::create(path, layout.schema(), props)?,
            layout,
        })
    }

    /// Appends the rows of one chunk (chunks must come in id order).
    pub fn write(&mut self, b: &PersonBatch) -> Result<(), TableError> {
        let batch = self.layout.batch(b).map_err(|e| err(&self.file.path, e))?;
        self.file.append_batch(&batch)
    }

    /// Finishes the file; returns the number of rows.
    pub fn finish(self) -> Result<u64, TableError> {
        self.file.finish()
    }
}

/// Streams the record log (`records.parquet`): one row per record that reached the
/// regime, chunk by chunk in person-id order, each chunk's records in arrival order.
pub struct RecordsWriter {
    file: RowGroups,
    types: Arc<StringArray>,
    sources: Arc<StringArray>,
    domains: Arc<StringArray>,
    provenances: Arc<StringArray>,
    /// Per record type: domain index, points, protected.
    type_info: Vec<(u8, i64, bool)>,
}

impl RecordsWriter {
    /// Creates the file.
    pub fn create(
        path: &Path,
        model: &Model,
        prov: &Provenance,
    ) -> Result<RecordsWriter, TableError> {
        let dict = |name: &str| {
            Field::new(
                name,
                DataType::Dictionary(Box::new(DataType::UInt16), Box::new(DataType::Utf8)),
                false,
            )
        };
        let schema = Arc::new(Schema::new(vec![
            Field::new("day", DataType::UInt32, false),
            Field::new("person", DataType::UInt32, false),
            dict("record_type"),
            dict("domain"),
            dict("source"),
            dict("provenance"),
            Field::new("points", DataType::Int64, false),
            Field::new("protected", DataType::Boolean, false),
        ]));
        let file = RowGroups::create(path, schema, prov.properties(&[]))?;
        let names = |v: Vec<&str>| Arc::new(StringArray::from(v));
        Ok(RecordsWriter {
            file,
            types: names(model.behaviours.iter().map(|b| b.id.as_str()).collect()),
            sources: names(model.sources.iter().map(|s| s.id.as_str()).collect()),
            domains: names(model.domains.iter().map(String::as_str).collect()),
            provenances: names(if model.attacks.is_empty() {
                vec!["true", "false", "misattributed"]
            } else {
                vec!["true", "false", "misattributed", "tampered"]
            }),
            type_info: model
                .behaviours
                .iter()
                .map(|b| (b.domain as u8, b.points, b.protected))
                .collect(),
        })
    }

    /// Appends one chunk's records (chunks must come in id order).
    pub fn write(&mut self, log: &credsim_engine::RecordLog) -> Result<(), TableError> {
        use arrow_array::UInt16Array;
        let path = self.file.path.clone();
        let dict = |keys: Vec<u16>, values: &Arc<StringArray>| -> Result<ArrayRef, TableError> {
            Ok(Arc::new(
                DictionaryArray::try_new(UInt16Array::from(keys), values.clone())
                    .map_err(|e| err(&path, e))?,
            ))
        };
        let info = |t: &u16| self.type_info[*t as usize];
        let columns: Vec<ArrayRef> = vec![
            Arc::new(UInt32Array::from(log.day.clone())),
            Arc::new(UInt32Array::from(log.person.clone())),
            dict(log.record_type.clone(), &self.types)?,
            dict(
                log.record_type.iter().map(|t| info(t).0 as u16).collect(),
                &self.domains,
            )?,
            dict(log.source.clone(), &self.sources)?,
            dict(
                log.provenance.iter().map(|&p| p as u16).collect(),
                &self.provenances,
            )?,
            Arc::new(Int64Array::from_iter_values(
                log.record_type.iter().map(|t| info(t).1),
            )),
            Arc::new(BooleanArray::from(
                log.record_type
                    .iter()
                    .map(|t| info(t).2)
                    .collect::<Vec<_>>(),
            )),
        ];
        self.file.append(columns)
    }

    /// Finishes the file; returns the number of rows.
    pub fn finish(self) -> Result<u64, TableError> {
        self.file.finish()
    }
}
