//! The firms preset through the command: firms.parquet holds one row per firm, in id
//! order, with codes and identity numbers that never validate, and agrees with
//! summary.json; the report has its firms section.

use arrow_array::cast::AsArray;
use arrow_array::types::UInt32Type;
use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::process::Command;

fn read(path: &std::path::Path) -> Vec<RecordBatch> {
    let file = std::fs::File::open(path).expect("firms.parquet");
    ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("reader")
        .build()
        .expect("batches")
        .map(|b| b.expect("batch"))
        .collect()
}

#[test]
fn firms_table_agrees_with_the_summary_and_its_codes_never_validate() {
    let dir = std::env::temp_dir().join(format!("credsim-cli-firms-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = dir.join("run");
    let o = Command::new(env!("CARGO_BIN_EXE_credsim"))
        .args([
            "run",
            "--preset",
            "firms-2019",
            "--persons",
            "50000",
            "--years",
            "2",
            "--quiet",
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .expect("credsim runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let firms = summary["firms"]["firms"].as_u64().unwrap();
    let batches = read(&out.join("firms.parquet"));
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(rows as u64, firms);
    let mut next = 0u32;
    let mut listed = 0u64;
    for b in &batches {
        let ids = b
            .column_by_name("firm")
            .unwrap()
            .as_primitive::<UInt32Type>();
        let codes = b.column_by_name("code").unwrap().as_string::<i32>();
        let reps = b
            .column_by_name("representative_code")
            .unwrap()
            .as_string::<i32>();
        let ever = b
            .column_by_name("ever_listed_judgment_defaulters")
            .unwrap()
            .as_boolean();
        for i in 0..b.num_rows() {
            assert_eq!(ids.value(i), next);
            next += 1;
            let code = codes.value(i).as_bytes();
            assert_eq!(code.len(), 18);
            let right = credsim_engine::firms::codes::uscc_check(&code[..17]).unwrap();
            assert_ne!(code[17], right, "firm {} has a valid code", ids.value(i));
            if reps.is_valid(i) {
                let p = reps.value(i).as_bytes();
                let right = credsim_engine::identity::id_check(&p[..17]).unwrap();
                assert_ne!(p[17], right, "a valid identity number");
            }
            listed += ever.value(i) as u64;
        }
    }
    assert_eq!(
        listed,
        summary["firms"]["lists"]["judgment_defaulters"]["firms_ever"]
            .as_u64()
            .unwrap()
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("<h2>Firms</h2>"));
    assert!(report.contains("Through roles:"));
    let _ = std::fs::remove_dir_all(&dir);
}
