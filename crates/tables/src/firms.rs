//! `firms.parquet`: one row per firm (synthetic firms only; codes and identity
//! numbers carry a wrong check character, so none is a valid real one).

use super::{Provenance, TableError, err};
use arrow_array::{ArrayRef, BooleanArray, RecordBatch, StringArray, UInt32Array};
use arrow_schema::{DataType, Field, Schema};
use credsim_engine::firms::FirmRows;
use credsim_model::firms::FirmRules;
use parquet::arrow::ArrowWriter;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

/// Rows per record batch (and row group).
const ROWS: usize = 1 << 20;

/// Writes the firms table of a model with `[firms]`.
pub fn write_firms(
    path: &Path,
    f: &FirmRules,
    rows: &FirmRows,
    prov: &Provenance,
) -> Result<u64, TableError> {
    let mut fields = vec![
        Field::new("firm", DataType::UInt32, false),
        Field::new("code", DataType::Utf8, false),
        Field::new("size", DataType::Utf8, false),
        Field::new("sector", DataType::Utf8, false),
        Field::new("region", DataType::Utf8, false),
        Field::new("flags", DataType::Utf8, false),
        Field::new("representative", DataType::UInt32, true),
        Field::new("representative_code", DataType::Utf8, true),
    ];
    for r in &f.ratings {
        fields.push(Field::new(
            format!("class_day0_{}", r.id),
            DataType::Utf8,
            true,
        ));
        fields.push(Field::new(format!("class_{}", r.id), DataType::Utf8, true));
    }
    for name in [
        "acts",
        "records",
        "inspections",
        "listed_days",
        "sanctioned_days",
    ] {
        fields.push(Field::new(name, DataType::UInt32, false));
    }
    for l in &f.lists {
        fields.push(Field::new(
            format!("ever_listed_{}", l.id),
            DataType::Boolean,
            false,
        ));
    }
    let schema = Arc::new(Schema::new(fields));
    let file = File::create(path).map_err(|e| err(path, e))?;
    let mut w = ArrowWriter::try_new(file, schema.clone(), Some(prov.properties(&[])))
        .map_err(|e| err(path, e))?;
    let n = rows.len();
    let mut from = 0;
    while from < n || (n == 0 && from == 0) {
        let to = (from + ROWS).min(n);
        let batch = batch(f, rows, from, to, &schema).map_err(|e| err(path, e))?;
        w.write(&batch).map_err(|e| err(path, e))?;
        if n == 0 {
            break;
        }
        from = to;
    }
    w.close().map_err(|e| err(path, e))?;
    Ok(n as u64)
}

fn batch(
    f: &FirmRules,
    rows: &FirmRows,
    from: usize,
    to: usize,
    schema: &Arc<Schema>,
) -> Result<RecordBatch, arrow_schema::ArrowError> {
    let r = from..to;
    let u32s = |v: &[u32]| -> ArrayRef { Arc::new(UInt32Array::from(v[r.clone()].to_vec())) };
    let names = |idx: &[u8], names: &[String]| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(
            idx[r.clone()].iter().map(|&i| names[i as usize].as_str()),
        ))
    };
    let flags: Vec<String> = rows.flags[r.clone()]
        .iter()
        .map(|&bits| {
            let set: Vec<&str> = f
                .flags
                .iter()
                .enumerate()
                .filter(|(k, _)| bits >> k & 1 == 1)
                .map(|(_, n)| n.as_str())
                .collect();
            set.join("+")
        })
        .collect();
    let mut columns: Vec<ArrayRef> = vec![
        u32s(&rows.firm),
        Arc::new(StringArray::from_iter_values(rows.code[r.clone()].iter())),
        names(&rows.size, &f.sizes.values),
        names(&rows.sector, &f.sectors.values),
        names(&rows.region, &f.regions.values),
        Arc::new(StringArray::from_iter_values(flags.iter())),
        Arc::new(UInt32Array::from(rows.representative[r.clone()].to_vec())),
        Arc::new(StringArray::from(
            rows.representative_code[r.clone()].to_vec(),
        )),
    ];
    for (k, rating) in f.ratings.iter().enumerate() {
        for col in [&rows.class_day0[k], &rows.class_last[k]] {
            let v: Vec<Option<&str>> = col[r.clone()]
                .iter()
                .map(|c| c.map(|c| rating.classes[c as usize].as_str()))
                .collect();
            columns.push(Arc::new(StringArray::from(v)));
        }
    }
    for v in [
        &rows.acts,
        &rows.records,
        &rows.inspections,
        &rows.listed_days,
        &rows.sanctioned_days,
    ] {
        columns.push(u32s(v));
    }
    for l in 0..f.lists.len() {
        let v: Vec<bool> = rows.ever_listed[r.clone()]
            .iter()
            .map(|&b| b >> l & 1 == 1)
            .collect();
        columns.push(Arc::new(BooleanArray::from(v)));
    }
    RecordBatch::try_new(schema.clone(), columns)
}
