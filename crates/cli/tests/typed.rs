//! The engine's typed results read back what credsim writes: every golden
//! `summary.json` and `audit.json` deserialises into `Summary` and `Audit` and
//! serialises back to the same fields and values, so `credsim audit`, `compare` and `report` read
//! exactly what a run had in memory (a renamed or missing field fails here, not as a
//! silent "n/a").

use credsim_engine::Audit;
use credsim_engine::summary::Summary;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::Path;

fn round_trip<T: DeserializeOwned + Serialize>(path: &Path) {
    let text = std::fs::read_to_string(path).expect("golden file");
    let typed: T = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} does not deserialise: {e}", path.display()));
    // Compared as JSON values: both sides parse the numbers the same way (serde_json's
    // default parser may land one unit in the last place away from the written float).
    let again = serde_json::to_value(&typed).expect("serialise");
    let read: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert!(again == read, "{} changes in a round trip", path.display());
}

#[test]
fn golden_outputs_round_trip_through_the_typed_results() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut cases = 0;
    for entry in std::fs::read_dir(&golden).expect("golden folder") {
        let dir = entry.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        round_trip::<Summary>(&dir.join("summary.json"));
        round_trip::<Audit>(&dir.join("audit.json"));
        cases += 1;
    }
    assert!(cases >= 7, "{cases} golden cases");
}
