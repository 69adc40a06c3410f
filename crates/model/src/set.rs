//! Parameters by key path: `--set PATH=VALUE` replaces one field of a parsed scenario.
//!
//! A path names tables by key and the elements of an array of tables (behaviours,
//! sources, lists, …) by their `id` (or by their 0-based position):
//! `behaviours.petitioning.rate_per_year=0.01`, `sources.court.capture.debt=0.8`,
//! `population.persons=20000`. The value is TOML (`0.8`, `true`, `"text"`,
//! `{ urban = 1.2 }`); a value that is not TOML is taken as a string. The scenario with
//! the value in place must deserialize as the file would (same types, same names), and
//! is then validated like the file: a problem with a set field names the `--set`.

use crate::error::{FieldPath, Problem, Seg};
use crate::raw::Scenario;

/// One `--set PATH=VALUE`, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Set {
    /// The key path, as typed.
    pub path: String,
    /// The value, as typed.
    pub value: String,
}

impl Set {
    /// Splits `PATH=VALUE` at the first `=`.
    pub fn parse(arg: &str) -> Result<Set, String> {
        let (path, value) = arg.split_once('=').ok_or_else(|| {
            format!("`{arg}` is not PATH=VALUE (e.g. behaviours.petitioning.rate_per_year=0.01)")
        })?;
        let path = path.trim();
        if arg.chars().any(char::is_control) {
            return Err(format!(
                "`{}`: a control character (e.g. a line break) is not allowed in --set",
                arg.escape_debug()
            ));
        }
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(format!(
                "`{arg}`: the path must be keys separated by dots, e.g. simulation.seed"
            ));
        }
        Ok(Set {
            path: path.to_string(),
            value: value.trim().to_string(),
        })
    }

    /// As given on the command line.
    pub fn arg(&self) -> String {
        format!("{}={}", self.path, self.value)
    }
}

/// The value as TOML, or as a string when it is not TOML.
fn value_of(text: &str) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("v = {text}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_string()))
}

/// Applies the sets in order; returns the field path each one set (for placing later
/// problems) or the first that cannot be applied, with why.
pub(crate) fn apply(scenario: &mut Scenario, sets: &[Set]) -> Result<Vec<FieldPath>, String> {
    if sets.is_empty() {
        return Ok(Vec::new());
    }
    let mut tree = toml::Value::try_from(&*scenario)
        .map_err(|e| format!("cannot represent the scenario for --set: {e}"))?;
    let mut paths = Vec::new();
    for set in sets {
        let path = place(&mut tree, set, value_of(&set.value))?;
        // Deserialize after each set, so that a wrong type names its own --set.
        let _: Scenario = tree.clone().try_into().map_err(|e: toml::de::Error| {
            format!(
                "--set {}: the scenario does not accept this value: {}",
                set.arg(),
                e.message().trim()
            )
        })?;
        paths.push(path);
    }
    *scenario = tree
        .try_into()
        .map_err(|e: toml::de::Error| format!("--set: {}", e.message().trim()))?;
    Ok(paths)
}

/// Puts `value` at the set's path in the tree; returns the path as a field path.
fn place(tree: &mut toml::Value, set: &Set, value: toml::Value) -> Result<FieldPath, String> {
    let keys: Vec<&str> = set.path.split('.').collect();
    let mut node = tree;
    let mut path = Vec::new();
    let mut i = 0;
    while i < keys.len() {
        let key = keys[i];
        let last = i + 1 == keys.len();
        let here = FieldPath(path.clone());
        let table = match node {
            toml::Value::Table(t) => t,
            _ => {
                return Err(format!(
                    "--set {}: `{here}` is a value, not a table, so it has no field `{key}`",
                    set.arg()
                ));
            }
        };
        if !table.contains_key(key) {
            if last {
                // A field the resolved scenario leaves out (an optional one unset).
                table.insert(key.to_string(), value);
                path.push(Seg::Key(key.to_string()));
                return Ok(FieldPath(path));
            } else {
                let known: Vec<&str> = table.keys().map(String::as_str).collect();
                let rest = keys[i + 1..].join(".");
                let parent: String = keys[..i].iter().map(|k| format!("{k}.")).collect();
                return Err(format!(
                    "--set {}: {} has no field `{key}` (it has: {}); if `{key}` is an optional table the scenario leaves out, set it whole, e.g. --set '{parent}{key}={{ {rest} = … }}'",
                    set.arg(),
                    if here.0.is_empty() {
                        "the scenario".to_string()
                    } else {
                        format!("`{here}`")
                    },
                    known.join(", "),
                ));
            }
        }
        path.push(Seg::Key(key.to_string()));
        let Some(child) = table.get_mut(key) else {
            return Err(format!("--set {}: no field `{key}`", set.arg()));
        };
        if last {
            *child = value;
            return Ok(FieldPath(path));
        }
        node = child;
        i += 1;
        // An array of tables: the next key is an element's id (or its position).
        if let toml::Value::Array(items) = node {
            let id = keys[i];
            let position = items
                .iter()
                .position(|x| x.get("id").and_then(toml::Value::as_str) == Some(id))
                .or_else(|| id.parse::<usize>().ok().filter(|&k| k < items.len()));
            let Some(k) = position else {
                let ids: Vec<&str> = items
                    .iter()
                    .filter_map(|x| x.get("id").and_then(toml::Value::as_str))
                    .collect();
                return Err(format!(
                    "--set {}: `{}` has no element with id `{id}`; its ids are: {}",
                    set.arg(),
                    FieldPath(path.clone()),
                    if ids.is_empty() {
                        format!(
                            "none (use a position 0 to {})",
                            items.len().saturating_sub(1)
                        )
                    } else {
                        ids.join(", ")
                    }
                ));
            };
            path.push(Seg::Index(k));
            if i + 1 == keys.len() {
                return Err(format!(
                    "--set {}: `{}` is a whole table; set one of its fields",
                    set.arg(),
                    FieldPath(path)
                ));
            }
            node = &mut items[k];
            i += 1;
        }
    }
    Err(format!("--set {}: empty path", set.arg()))
}

/// A problem with a field some `--set` replaced is about the command line, not the
/// file: it names the `--set` instead of pointing at the file's (replaced) line.
pub(crate) fn relabel(mut p: Problem, sets: &[Set], paths: &[FieldPath]) -> Problem {
    let by_set = sets
        .iter()
        .zip(paths)
        .rev()
        .find(|(_, path)| p.path.0.starts_with(&path.0));
    if let Some((set, path)) = by_set
        && !path.0.is_empty()
    {
        p.message = format!("{} (value given by --set {})", p.message, set.arg());
        p.position = None;
        p.excerpt = None;
        p.width = 0;
    }
    p
}
