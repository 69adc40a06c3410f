//! The long result rows of one run: every number of `summary.json` and every
//! estimate or number of `audit.json`, named by its JSON path (docs/sweep.md,
//! "results.parquet"). A layout of the typed results; no measure is computed here.

use credsim_tables::sweep::ResultRows;
use serde_json::Value;

/// Appends the rows of one document (`prefix` = "summary" or "audit") of run `run_id`.
///
/// Names: keys joined by `.`; an element of an array of numbers by its index
/// (`[3]`); an element of an array of objects by its identifying field when every
/// element has a distinct one (`id`, `category`, `name`, `attribute`, `group`, `source`,
/// `list`, `treatment`, `service`, `domain`, `behaviour`), by its index otherwise. An
/// estimate (an object with `value` and `se`) is one row with both; its interval and
/// jackknife replicates are left out. Other numbers have no se. Strings, booleans and
/// nulls outside estimates are left out, and so is `summary.seed` (the run's seed is in
/// design.parquet).
pub fn flatten(run_id: u64, prefix: &str, doc: &Value, out: &mut ResultRows) {
    match doc {
        // The run's seed identifies the run, it measures nothing (and with independent
        // seeds it would look like an output that every parameter drives).
        Value::Object(o) => {
            for (k, x) in o.iter().filter(|(k, _)| !IDENTITY.contains(&k.as_str())) {
                walk(run_id, format!("{prefix}.{k}"), x, out);
            }
        }
        _ => walk(run_id, prefix.to_string(), doc, out),
    }
}

/// Top-level numbers that identify a run rather than measure it.
const IDENTITY: &[&str] = &["seed"];

const ID_FIELDS: &[&str] = &[
    "id",
    "category",
    "name",
    "attribute",
    "group",
    "source",
    "list",
    "treatment",
    "service",
    "domain",
    "behaviour",
];

fn is_estimate(o: &serde_json::Map<String, Value>) -> bool {
    o.contains_key("value") && o.contains_key("se")
}

fn walk(run_id: u64, path: String, v: &Value, out: &mut ResultRows) {
    match v {
        Value::Number(n) => out.push(run_id, path, n.as_f64(), None),
        Value::Object(o) if is_estimate(o) => {
            out.push(run_id, path, o["value"].as_f64(), o["se"].as_f64());
        }
        Value::Object(o) => {
            for (k, x) in o {
                walk(run_id, format!("{path}.{k}"), x, out);
            }
        }
        Value::Array(items) => {
            let names = element_names(items);
            for (i, x) in items.iter().enumerate() {
                let label = names
                    .as_ref()
                    .map_or_else(|| i.to_string(), |n| n[i].clone());
                walk(run_id, format!("{path}[{label}]"), x, out);
            }
        }
        Value::String(_) | Value::Bool(_) | Value::Null => {}
    }
}

/// The identifying field's values, when every element is an object with a distinct one.
fn element_names(items: &[Value]) -> Option<Vec<String>> {
    let first = items.first()?.as_object()?;
    let field = ID_FIELDS
        .iter()
        .find(|f| first.get(**f).is_some_and(Value::is_string))?;
    let names: Vec<String> = items
        .iter()
        .map(|x| x.get(*field).and_then(Value::as_str).map(str::to_string))
        .collect::<Option<_>>()?;
    let distinct: std::collections::HashSet<&String> = names.iter().collect();
    (distinct.len() == names.len()).then_some(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flattened_by_hand() {
        let doc = json!({
            "persons": 2000,
            "seed": 99,
            "name": "x",
            "final": {"mean_score": null, "shares": {"A": 0.5}},
            "e": {"value": 1.5, "se": 0.25, "ci_low": null, "replicates": [1.0, 2.0]},
            "u": {"value": null, "se": null},
            "bins": [3, 4],
            "by": [{"category": "rural", "n": 1}, {"category": "urban", "n": 2}],
            "same": [{"category": "a", "n": 1}, {"category": "a", "n": 2}]
        });
        let mut rows = ResultRows::default();
        flatten(7, "summary", &doc, &mut rows);
        let got: Vec<(String, Option<f64>, Option<f64>)> = rows
            .measure
            .iter()
            .zip(&rows.value)
            .zip(&rows.se)
            .map(|((m, v), s)| (m.clone(), *v, *s))
            .collect();
        let want = [
            ("summary.persons", Some(2000.0), None),
            ("summary.final.shares.A", Some(0.5), None),
            ("summary.e", Some(1.5), Some(0.25)),
            ("summary.u", None, None),
            ("summary.bins[0]", Some(3.0), None),
            ("summary.bins[1]", Some(4.0), None),
            ("summary.by[rural].n", Some(1.0), None),
            ("summary.by[urban].n", Some(2.0), None),
            ("summary.same[0].n", Some(1.0), None),
            ("summary.same[1].n", Some(2.0), None),
        ];
        let mut got_sorted = got.clone();
        got_sorted.sort_by(|a, b| a.0.cmp(&b.0));
        let mut want: Vec<_> = want
            .iter()
            .map(|(m, v, s)| (m.to_string(), *v, *s))
            .collect();
        want.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(got_sorted, want);
        assert!(rows.run_id.iter().all(|&r| r == 7));
    }
}
