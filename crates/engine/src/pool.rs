//! Replicates pooled: the same scenario run with several seeds, each of its numbers
//! summarised across the runs. Every number of `summary.json` and every estimate of
//! `audit.json` (an object with `value` and `se`) becomes, in the same place of the
//! tree, `{mean, sd_between_seeds, mean_within_se, ci_low, ci_high, runs}`: the mean over
//! the runs where it is defined, the standard deviation between them, the mean of the
//! runs' own (jackknife) standard errors, and the interval mean ± t₀.₉₇₅(R − 1) · sd / √R
//! over the R runs that define it. Strings, booleans and lists of strings are kept when
//! every run agrees on them (e.g. names) and dropped otherwise (e.g. the seed-specific
//! hash); arrays of numbers are pooled element by element.

use crate::audit::t975;
#[cfg(test)]
use serde_json::json;
use serde_json::{Map, Value};

/// Pools the same document (summary or audit, as JSON) of several runs.
pub fn pool(runs: &[Value]) -> Value {
    let refs: Vec<&Value> = runs.iter().collect();
    pool_node(&refs).unwrap_or(Value::Null)
}

fn is_estimate(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.contains_key("value") && o.contains_key("se"))
}

fn pool_node(nodes: &[&Value]) -> Option<Value> {
    let first = nodes.first()?;
    if nodes.iter().all(|n| is_estimate(n)) {
        let values: Vec<f64> = nodes.iter().filter_map(|n| n["value"].as_f64()).collect();
        let ses: Vec<f64> = nodes.iter().filter_map(|n| n["se"].as_f64()).collect();
        return Some(summarise(&values, Some(&ses)));
    }
    match first {
        Value::Number(_) if nodes.iter().all(|n| n.is_number() || n.is_null()) => {
            let values: Vec<f64> = nodes.iter().filter_map(|n| n.as_f64()).collect();
            Some(summarise(&values, None))
        }
        Value::Object(o) => {
            let mut out = Map::new();
            for key in o.keys() {
                // Each run's own seed is in `seeds` of the pooled file.
                if key == "seed" {
                    continue;
                }
                let children: Option<Vec<&Value>> = nodes.iter().map(|n| n.get(key)).collect();
                if let Some(v) = children.and_then(|c| pool_node(&c)) {
                    out.insert(key.clone(), v);
                }
            }
            Some(Value::Object(out))
        }
        Value::Array(a) => {
            let same_len = nodes
                .iter()
                .all(|n| n.as_array().is_some_and(|x| x.len() == a.len()));
            if !same_len {
                return None;
            }
            if a.iter()
                .all(|x| !x.is_number() && !x.is_object() && !x.is_array())
            {
                return nodes.iter().all(|n| n == first).then(|| (*first).clone());
            }
            let items: Option<Vec<Value>> = (0..a.len())
                .map(|i| {
                    let column: Vec<&Value> = nodes.iter().map(|n| &n[i]).collect();
                    pool_node(&column)
                })
                .collect();
            items.map(Value::Array)
        }
        // Strings, booleans, nulls: kept when every run agrees.
        other => nodes.iter().all(|n| n == first).then(|| (*other).clone()),
    }
}

/// One number over R runs.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Pooled {
    /// Mean over the runs that define it.
    pub mean: Option<f64>,
    /// Standard deviation between those runs (R − 1 in the denominator).
    pub sd_between_seeds: Option<f64>,
    /// Mean of the runs' own standard errors (estimates only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_within_se: Option<f64>,
    /// mean − t₀.₉₇₅(R − 1) · sd / √R.
    pub ci_low: Option<f64>,
    /// mean + t₀.₉₇₅(R − 1) · sd / √R.
    pub ci_high: Option<f64>,
    /// Runs that define it.
    pub runs: usize,
}

/// The mean, between-run SD, mean within-run SE and t interval of some runs' values.
pub fn pooled(values: &[f64], ses: Option<&[f64]>) -> Pooled {
    let r = values.len();
    let mean = (r > 0).then(|| values.iter().sum::<f64>() / r as f64);
    let sd = mean
        .filter(|_| r >= 2)
        .map(|m| (values.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (r as f64 - 1.0)).sqrt());
    let half = sd.map(|s| t975(r as f64 - 1.0) * s / (r as f64).sqrt());
    Pooled {
        mean,
        sd_between_seeds: sd,
        mean_within_se: ses
            .filter(|s| !s.is_empty())
            .map(|s| s.iter().sum::<f64>() / s.len() as f64),
        ci_low: mean.zip(half).map(|(m, h)| m - h),
        ci_high: mean.zip(half).map(|(m, h)| m + h),
        runs: r,
    }
}

fn summarise(values: &[f64], ses: Option<&[f64]>) -> Value {
    serde_json::to_value(pooled(values, ses)).unwrap_or(Value::Null)
}

/// The seed of replicate k (0-based) of a scenario seeded `seed`: replicate 0 keeps the
/// scenario's seed, the others are SplitMix64 of (seed + k), so that replicate sets of
/// nearby seeds do not overlap.
pub fn replicate_seed(seed: u64, k: u64) -> u64 {
    if k == 0 {
        return seed;
    }
    let mut z = seed.wrapping_add(k.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_by_hand() {
        let runs = [
            json!({"name": "x", "n": 1, "e": {"value": 1.0, "se": 0.5}, "h": "a", "v": [1, 2]}),
            json!({"name": "x", "n": 3, "e": {"value": 3.0, "se": 1.5}, "h": "b", "v": [3, 4]}),
        ];
        let p = pool(&runs);
        assert_eq!(p["name"], "x");
        assert!(p.get("h").is_none(), "disagreeing strings are dropped");
        assert_eq!(p["n"]["mean"], 2.0);
        // sd of {1, 3} = √2; t(1) = 12.706: 2 ± 12.706 · √2 / √2.
        let sd = p["n"]["sd_between_seeds"].as_f64().expect("sd");
        assert!((sd - 2f64.sqrt()).abs() < 1e-12);
        let hi = p["e"]["ci_high"].as_f64().expect("ci");
        assert!((hi - (2.0 + t975(1.0))).abs() < 1e-9, "{hi}");
        assert_eq!(p["e"]["mean_within_se"], 1.0);
        assert_eq!(p["v"][1]["mean"], 3.0);
        // A value undefined in one run is pooled over the others.
        let runs = [
            json!({"e": {"value": null, "se": null}}),
            json!({"e": {"value": 2.0, "se": 0.1}}),
        ];
        assert_eq!(pool(&runs)["e"]["runs"], 1);
    }

    #[test]
    fn replicate_seeds_are_distinct() {
        let seeds: std::collections::HashSet<u64> =
            (0..1000).map(|k| replicate_seed(7, k)).collect();
        assert_eq!(seeds.len(), 1000);
        assert_eq!(replicate_seed(7, 0), 7);
    }
}
