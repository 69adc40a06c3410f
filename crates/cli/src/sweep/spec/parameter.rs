//! The parameters of a sweep spec: their TOML form (`[[parameter]]`: a list of values,
//! a range, or a distribution), checked into a [`Parameter`] with its marginal.

use super::{Check, Design, Kind, param_path};
use credsim_experiments::design::Marginal;
use credsim_model::Set;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawParameter {
    name: String,
    path: Option<String>,
    #[serde(default)]
    dummy: bool,
    values: Option<Vec<toml::Value>>,
    range: Option<Vec<toml::Value>>,
    #[serde(default)]
    log: bool,
    #[serde(default)]
    integer: bool,
    levels: Option<usize>,
    normal: Option<RawNormal>,
    truncated_normal: Option<RawTruncated>,
    lognormal: Option<RawLogNormal>,
    triangular: Option<RawTriangular>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNormal {
    mean: f64,
    sd: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTruncated {
    mean: f64,
    sd: f64,
    lo: Option<f64>,
    hi: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLogNormal {
    mu: f64,
    sigma: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTriangular {
    lo: f64,
    mode: f64,
    hi: f64,
}

/// One parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Parameter {
    /// Column name in design.parquet.
    pub name: String,
    /// Scenario key path (None for a dummy).
    pub path: Option<String>,
    /// The marginal a unit coordinate is mapped through.
    pub marginal: Marginal,
    /// The listed values (for `values`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<toml::Value>>,
    /// Grid levels (ranges and distributions in a grid).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub levels: Option<usize>,
}

impl Check<'_> {
    pub(super) fn parameter(
        &mut self,
        i: usize,
        raw: RawParameter,
        design: &Design,
    ) -> Option<Parameter> {
        let ok_name = !raw.name.is_empty()
            && raw
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !ok_name {
            self.at(
                param_path(i, "name"),
                "a parameter name is letters, digits, `_` and `-` (it names a design column)",
            );
        }
        if matches!(
            raw.name.as_str(),
            "run_id" | "point_id" | "replicate" | "seed" | "scenario_hash"
        ) {
            self.at(
                param_path(i, "name"),
                format!(
                    "`{}` is a column of design.parquet already; choose another name",
                    raw.name
                ),
            );
        }
        match (&raw.path, raw.dummy) {
            (None, false) => self.at(
                param_path(i, "name"),
                "a parameter needs `path` (a scenario key path, as `credsim run --set` takes), or `dummy = true`",
            ),
            (Some(_), true) => self.at(
                param_path(i, "dummy"),
                "a dummy parameter is not passed to the scenario: leave `path` out",
            ),
            (Some(p), false) => self.path(i, p),
            (None, true) => {}
        }
        let given: Vec<&str> = [
            ("values", raw.values.is_some()),
            ("range", raw.range.is_some()),
            ("normal", raw.normal.is_some()),
            ("truncated_normal", raw.truncated_normal.is_some()),
            ("lognormal", raw.lognormal.is_some()),
            ("triangular", raw.triangular.is_some()),
        ]
        .iter()
        .filter(|(_, g)| *g)
        .map(|(k, _)| *k)
        .collect();
        if given.len() != 1 {
            self.at(
                param_path(i, "name"),
                format!(
                    "give exactly one of values, range, normal, truncated_normal, lognormal, triangular (this parameter has {})",
                    if given.is_empty() { "none".to_string() } else { given.join(", ") }
                ),
            );
            return None;
        }
        if (raw.log || raw.integer) && raw.range.is_none() {
            self.at(
                param_path(i, if raw.log { "log" } else { "integer" }),
                "`log` and `integer` apply to a `range`",
            );
        }
        if raw.levels.is_some() && design.kind != Kind::Grid {
            self.at(param_path(i, "levels"), "`levels` applies to grid designs");
        }
        let (marginal, field) = self.marginal(i, &raw)?;
        if let Err(e) = marginal.check() {
            self.at(param_path(i, field), e);
            return None;
        }
        if design.kind == Kind::Morris && !marginal.bounded() {
            self.at(
                param_path(i, field),
                "a Morris design takes levels at 0 and 1 of the unit interval, so a parameter needs bounded support: use a range, values, truncated_normal or triangular",
            );
        }
        let levels = match (&marginal, design.kind) {
            (Marginal::Choice(_), _)
            | (_, Kind::Random | Kind::Lhs | Kind::Sobol | Kind::Morris) => None,
            (m, Kind::Grid) => {
                let k = raw.levels.or(design.levels);
                match k {
                    None | Some(0) => {
                        self.at(
                            param_path(i, field),
                            "in a grid, a range or distribution needs `levels` (here or in [design]), e.g. levels = 3",
                        );
                        None
                    }
                    Some(k) => {
                        if m.distinct_levels().is_some_and(|n| (k as u64) > n) {
                            self.at(
                                param_path(i, "levels"),
                                format!(
                                    "{k} levels repeat values: the integer range has {} values",
                                    m.distinct_levels().unwrap_or(0)
                                ),
                            );
                        }
                        Some(k)
                    }
                }
            }
        };
        Some(Parameter {
            name: raw.name,
            path: raw.path,
            marginal,
            values: raw.values,
            levels,
        })
    }

    /// A parameter's path: a `--set` path, and not one the sweep sets itself.
    fn path(&mut self, i: usize, path: &str) {
        if let Err(e) = Set::parse(&format!("{path}=0")) {
            self.at(param_path(i, "path"), e);
        } else if path.trim() == "simulation.seed" {
            self.at(
                param_path(i, "path"),
                "run seeds come from [runs] root_seed, seeds and replicates; simulation.seed cannot be a parameter",
            );
        }
    }

    fn marginal(&mut self, i: usize, raw: &RawParameter) -> Option<(Marginal, &'static str)> {
        if let Some(v) = &raw.values {
            if v.is_empty() {
                self.at(param_path(i, "values"), "the list of values is empty");
                return None;
            }
            return Some((Marginal::Choice(v.len()), "values"));
        }
        if let Some(r) = &raw.range {
            return self.range(i, r, raw.log, raw.integer).map(|m| (m, "range"));
        }
        if let Some(n) = &raw.normal {
            return Some((
                Marginal::Normal {
                    mean: n.mean,
                    sd: n.sd,
                },
                "normal",
            ));
        }
        if let Some(t) = &raw.truncated_normal {
            let m = Marginal::TruncatedNormal {
                mean: t.mean,
                sd: t.sd,
                lo: t.lo.unwrap_or(f64::NEG_INFINITY),
                hi: t.hi.unwrap_or(f64::INFINITY),
            };
            return Some((m, "truncated_normal"));
        }
        if let Some(l) = &raw.lognormal {
            return Some((
                Marginal::LogNormal {
                    mu: l.mu,
                    sigma: l.sigma,
                },
                "lognormal",
            ));
        }
        let t = raw.triangular.as_ref()?;
        Some((
            Marginal::Triangular {
                lo: t.lo,
                mode: t.mode,
                hi: t.hi,
            },
            "triangular",
        ))
    }

    fn range(&mut self, i: usize, r: &[toml::Value], log: bool, integer: bool) -> Option<Marginal> {
        let at = param_path(i, "range");
        let [lo, hi] = r else {
            self.at(at, "a range is two numbers, [lo, hi]");
            return None;
        };
        if integer {
            let (Some(lo), Some(hi)) = (lo.as_integer(), hi.as_integer()) else {
                self.at(at, "an integer range is two whole numbers, e.g. [1, 10]");
                return None;
            };
            return Some(if log {
                Marginal::LogInteger { lo, hi }
            } else {
                Marginal::Integer { lo, hi }
            });
        }
        let num = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
        let (Some(lo), Some(hi)) = (num(lo), num(hi)) else {
            self.at(at, "a range is two numbers, [lo, hi]");
            return None;
        };
        Some(if log {
            Marginal::LogUniform { lo, hi }
        } else {
            Marginal::Uniform { lo, hi }
        })
    }
}
