//! Golden outputs: every preset and two test scenarios (every coupled mechanism at once; many
//! records of every provenance), run at a fixed size and seed, must reproduce the committed
//! `summary.json`, `audit.json` and `timeseries.csv` byte for byte, and the persons and records
//! tables row for row (a hash of their decoded rows, so Parquet's own metadata does not count).
//!
//! A change that alters results must say so: regenerate with `CREDSIM_BLESS=1 cargo test
//! --test golden` in a commit that announces the output change and moves no code, and explain
//! the change in its message. The credsim version is masked, so a version bump alone is no change.

use arrow_array::cast::AsArray;
use arrow_array::types::{UInt8Type, UInt16Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Persons of every golden run: three chunks of households, so chunk merging is exercised.
const PERSONS: &str = "20000";
/// Years of a golden run (a case may name more).
const YEARS: &str = "3";

/// The golden cases: a name (its folder under `tests/golden/`), the scenario arguments and
/// the years (YEARS unless the preset acts later).
const CASES: &[(&str, &[&str], &str)] = &[
    ("suining-2010", &["--preset", "suining-2010"], YEARS),
    (
        "suining-responses",
        &["--preset", "suining-responses"],
        YEARS,
    ),
    ("rongcheng", &["--preset", "rongcheng"], YEARS),
    ("consumer-credit", &["--preset", "consumer-credit"], YEARS),
    ("debtor-blacklist", &["--preset", "debtor-blacklist"], YEARS),
    ("debtor-insider", &["--preset", "debtor-insider"], YEARS),
    ("debtor-wipe", &["--preset", "debtor-wipe"], YEARS),
    ("debtor-weeding", &["--preset", "debtor-weeding"], "8"),
    ("firms-2019", &["--preset", "firms-2019"], YEARS),
    ("police-dashboard", &["--preset", "police-dashboard"], YEARS),
    (
        "debtor-blacklist-national",
        &["--preset", "debtor-blacklist-national"],
        YEARS,
    ),
    ("coupled", &["tests/golden/coupled.toml"], YEARS),
    ("records-heavy", &["tests/golden/records-heavy.toml"], YEARS),
];

/// Files compared byte for byte (after masking the version).
const TEXT_FILES: &[&str] = &["summary.json", "audit.json", "timeseries.csv"];

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn mask_version(text: &str) -> String {
    text.replace(env!("CARGO_PKG_VERSION"), "<version>")
}

/// FNV-1a, 64 bits: a stable hash (std's hasher may change between Rust releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One line per row: every value as text (floats by their bits, dictionaries resolved).
fn rows_as_text(batch: &RecordBatch, out: &mut String) {
    let cell = |col: &dyn Array, r: usize| -> String {
        if col.is_null(r) {
            return "null".into();
        }
        match col.data_type() {
            DataType::UInt8 => col
                .as_primitive::<arrow_array::types::UInt8Type>()
                .value(r)
                .to_string(),
            DataType::UInt32 => col
                .as_primitive::<arrow_array::types::UInt32Type>()
                .value(r)
                .to_string(),
            DataType::Int64 => col
                .as_primitive::<arrow_array::types::Int64Type>()
                .value(r)
                .to_string(),
            DataType::Float64 => format!(
                "{:016x}",
                col.as_primitive::<arrow_array::types::Float64Type>()
                    .value(r)
                    .to_bits()
            ),
            DataType::Boolean => col.as_boolean().value(r).to_string(),
            DataType::Utf8 => col.as_string::<i32>().value(r).to_string(),
            DataType::Dictionary(k, _) if **k == DataType::UInt8 => {
                let d = col.as_dictionary::<UInt8Type>();
                let key = d.keys().value(r) as usize;
                d.values().as_string::<i32>().value(key).to_string()
            }
            DataType::Dictionary(k, _) if **k == DataType::UInt16 => {
                let d = col.as_dictionary::<UInt16Type>();
                let key = d.keys().value(r) as usize;
                d.values().as_string::<i32>().value(key).to_string()
            }
            other => panic!("golden: no text form for column type {other:?}"),
        }
    };
    for r in 0..batch.num_rows() {
        for (c, col) in batch.columns().iter().enumerate() {
            if c > 0 {
                out.push(',');
            }
            out.push_str(&cell(col.as_ref(), r));
        }
        out.push('\n');
    }
}

/// The schema's column names, then a hash and count of the rows of a Parquet table.
fn table_digest(path: &Path) -> String {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("a Parquet file")
        .build()
        .expect("a reader");
    let (mut text, mut rows, mut names) = (String::new(), 0usize, Vec::new());
    for batch in reader {
        let batch = batch.expect("a batch");
        if names.is_empty() {
            names = batch
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
        }
        rows += batch.num_rows();
        rows_as_text(&batch, &mut text);
    }
    format!(
        "columns: {}\nrows: {rows}\nfnv1a: {:016x}\n",
        names.join(","),
        fnv1a(text.as_bytes())
    )
}

#[test]
fn outputs_match_the_golden_files() {
    let bless = std::env::var_os("CREDSIM_BLESS").is_some_and(|v| v == "1");
    let scratch = std::env::temp_dir().join(format!("credsim-golden-{}", std::process::id()));
    let mut failures = String::new();
    for (name, scenario, years) in CASES {
        let out = scratch.join(name);
        let mut args: Vec<&str> = vec!["run"];
        args.extend_from_slice(scenario);
        let out_str = out.to_string_lossy().into_owned();
        args.extend_from_slice(&[
            "--persons",
            PERSONS,
            "--years",
            years,
            "--threads",
            "2",
            "--quiet",
            "--force",
            "--records-table",
            "--persons-table",
            "full",
            "--out",
            &out_str,
        ]);
        let o = Command::new(env!("CARGO_BIN_EXE_credsim"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("credsim runs");
        assert!(
            o.status.success(),
            "{name}: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        let expected_dir = golden_dir().join(name);
        let mut actual: Vec<(String, String)> = TEXT_FILES
            .iter()
            .map(|f| {
                let text = std::fs::read_to_string(out.join(f))
                    .unwrap_or_else(|e| panic!("{name}/{f}: {e}"));
                (f.to_string(), mask_version(&text))
            })
            .collect();
        let tables = format!(
            "persons.parquet\n{}records.parquet\n{}",
            table_digest(&out.join("persons.parquet")),
            table_digest(&out.join("records.parquet"))
        );
        actual.push(("tables.txt".into(), tables));
        for (file, text) in actual {
            let path = expected_dir.join(&file);
            if bless {
                std::fs::create_dir_all(&expected_dir).expect("golden folder");
                std::fs::write(&path, &text).expect("golden file written");
                continue;
            }
            match std::fs::read_to_string(&path) {
                Ok(expected) if expected == text => {}
                Ok(expected) => {
                    let line = expected
                        .lines()
                        .zip(text.lines())
                        .position(|(a, b)| a != b)
                        .unwrap_or(expected.lines().count().min(text.lines().count()));
                    let _ = writeln!(
                        failures,
                        "{name}/{file} differs from line {}:\n  golden: {}\n  now:    {}",
                        line + 1,
                        expected.lines().nth(line).unwrap_or("<end>"),
                        text.lines().nth(line).unwrap_or("<end>")
                    );
                }
                Err(e) => {
                    let _ = writeln!(failures, "{}: {e}", path.display());
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(
        failures.is_empty(),
        "outputs differ from the golden files (if the change is intended, regenerate with \
         CREDSIM_BLESS=1 cargo test --test golden and say why in the commit):\n{failures}"
    );
}
