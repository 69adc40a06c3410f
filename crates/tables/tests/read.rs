//! Reading Parquet back: every column type a sweep writes, nulls, dictionary-encoded
//! strings, several row groups, projection, and a located error for a missing file.

use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, DictionaryArray, Float64Array, Int32Array, RecordBatch, StringArray, UInt32Array,
    UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use credsim_tables::read::{Column, read_columns};
use parquet::arrow::ArrowWriter;
use std::sync::Arc;

fn write(path: &std::path::Path, batches: &[Vec<ArrayRef>]) {
    let schema = Arc::new(Schema::new(vec![
        Field::new("run_id", DataType::UInt64, false),
        Field::new("replicate", DataType::UInt32, false),
        Field::new("n", DataType::Int32, true),
        Field::new("value", DataType::Float64, true),
        Field::new("name", DataType::Utf8, true),
        Field::new(
            "measure",
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
            false,
        ),
    ]));
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, schema.clone(), None).unwrap();
    for cols in batches {
        w.write(&RecordBatch::try_new(schema.clone(), cols.clone()).unwrap())
            .unwrap();
        w.flush().unwrap();
    }
    w.close().unwrap();
}

fn batch(ids: &[u64], measures: &[&str]) -> Vec<ArrayRef> {
    let k = ids.len();
    vec![
        Arc::new(UInt64Array::from(ids.to_vec())),
        Arc::new(UInt32Array::from(vec![7u32; k])),
        Arc::new(Int32Array::from(
            (0..k)
                .map(|i| (i % 2 == 0).then_some(-(i as i32)))
                .collect::<Vec<_>>(),
        )),
        Arc::new(Float64Array::from(
            (0..k)
                .map(|i| (i != 1).then_some(i as f64 / 2.0))
                .collect::<Vec<_>>(),
        )),
        Arc::new(StringArray::from(
            (0..k)
                .map(|i| (i != 0).then(|| format!("p{i}")))
                .collect::<Vec<_>>(),
        )),
        Arc::new(
            measures
                .iter()
                .copied()
                .collect::<DictionaryArray<Int32Type>>(),
        ),
    ]
}

#[test]
fn columns_read_back_with_their_types_and_nulls() {
    let dir = std::env::temp_dir().join(format!("credsim-read-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.parquet");
    write(
        &path,
        &[
            batch(&[0, 1, 2], &["a", "b", "a"]),
            batch(&[3, 4], &["c", "a"]),
        ],
    );
    let t = read_columns(&path, None).unwrap();
    assert_eq!(t.rows, 5);
    assert_eq!(
        t.names,
        ["run_id", "replicate", "n", "value", "name", "measure"]
    );
    assert_eq!(
        t.get("run_id"),
        Some(&Column::UInt(vec![
            Some(0),
            Some(1),
            Some(2),
            Some(3),
            Some(4)
        ]))
    );
    let n = t.get("n").unwrap();
    assert_eq!(
        (n.u64_at(0), n.f64_at(2), n.u64_at(2), n.f64_at(1)),
        (Some(0), Some(-2.0), None, None)
    );
    let v = t.get("value").unwrap();
    assert_eq!(
        (v.f64_at(0), v.f64_at(1), v.f64_at(2), v.f64_at(4)),
        (Some(0.0), None, Some(1.0), None)
    );
    let Some(Column::Text(m)) = t.get("measure") else {
        panic!("measure is text")
    };
    assert_eq!(m.values, ["a", "b", "c"]);
    assert_eq!(
        (0..5).map(|i| m.get(i).unwrap()).collect::<String>(),
        "abaca"
    );
    let Some(Column::Text(s)) = t.get("name") else {
        panic!("name is text")
    };
    assert_eq!(
        (s.get(0), s.get(1), s.get(4)),
        (None, Some("p1"), Some("p1"))
    );

    let only = read_columns(&path, Some(&["value", "run_id", "absent"])).unwrap();
    assert_eq!(only.names, ["run_id", "value"]);
    assert_eq!(only.rows, 5);

    let missing = read_columns(&dir.join("none.parquet"), None)
        .unwrap_err()
        .to_string();
    assert!(missing.contains("none.parquet"), "{missing}");
    std::fs::write(dir.join("bad.parquet"), b"not parquet").unwrap();
    assert!(read_columns(&dir.join("bad.parquet"), None).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}
