//! `credsim compare`: the same measures for several runs, each difference from the first
//! run and whether it exceeds sampling error (the engine's [`Estimate::difference_from`]
//! and [`Estimate::paired_difference_from`]), as a text table and as a self-contained
//! HTML page with a chart of each measure's values and intervals side by side.
//!
//! Runs are named by their folders. A run with the first run's seed, persons and
//! jackknife groups and the same `[population]` shares its random numbers (common random
//! numbers), so its differences are paired: their standard error comes from the
//! jackknife replicates of θᴮ − θᴬ. Otherwise the runs are treated as independent. When
//! the runs' sizes differ, counts and totals are shown per 100,000 persons.

use crate::fmt::{Style, esc, estimate};
use crate::folder::Run;
use crate::measures::MEASURES;
use credsim_engine::summary::Summary;
use credsim_engine::{Difference, Estimate};
use std::fmt::Write as _;

/// Reads a count of a summary.
type Count = fn(&Summary) -> u64;

/// (label, count): counts without standard errors.
const COUNTS: &[(&str, Count)] = &[
    ("persons", |s| s.persons),
    ("persons ever sanctioned", |s| s.sanctioned.persons_ever),
    ("sanction person-days", |s| s.sanctioned.person_days),
    ("records", |s| s.records.total),
];

/// Persons a rate is per, when sizes differ.
const PER: f64 = 100_000.0;

/// One comparison row: label, each run's value as shown, each run's difference from the
/// first (in the units shown: percentage points for a share), and each run's estimate in
/// those units for the chart (none for counts).
struct Row {
    label: String,
    shown: Vec<String>,
    diffs: Vec<Option<Difference>>,
    estimates: Vec<Option<Estimate>>,
}

/// How each run is compared with the first.
struct Plan {
    /// Paired (common random numbers) or independent, per run (the first: unused).
    paired: Vec<bool>,
    /// The runs' sizes differ: counts and totals per 100,000 persons.
    rates: bool,
    /// Per run, the resolved-scenario parameters that differ from the first run's.
    differing: Vec<Vec<String>>,
}

impl Plan {
    fn new(runs: &[Run]) -> Plan {
        let first = &runs[0];
        let differing: Vec<Vec<String>> = runs
            .iter()
            .map(|r| differing_parameters(first, r))
            .collect();
        let paired = runs
            .iter()
            .zip(&differing)
            .map(|(r, d)| {
                r.summary.seed == first.summary.seed
                    && r.audit.persons == first.audit.persons
                    && r.audit.jackknife_groups == first.audit.jackknife_groups
                    && !d.iter().any(|p| p.starts_with("population"))
            })
            .collect();
        Plan {
            paired,
            rates: runs.iter().any(|r| r.audit.persons != first.audit.persons),
            differing,
        }
    }

    /// How run `k` was compared with the first, in words.
    fn method(&self, runs: &[Run], k: usize) -> String {
        if self.paired[k] {
            format!(
                "paired: same seed {} and {} persons as {} (common random numbers), standard error of each difference from its {} jackknife replicates, marked beyond t(k−1)",
                runs[k].summary.seed,
                crate::fmt::thousands(runs[k].audit.persons),
                runs[0].name,
                runs[k].audit.jackknife_groups
            )
        } else {
            let why = if runs[k].summary.seed != runs[0].summary.seed {
                "seeds differ"
            } else if runs[k].audit.persons != runs[0].audit.persons {
                "persons differ"
            } else {
                "the population differs"
            };
            format!("independent ({why}): standard error √(se² + se₀²), marked beyond 1.96 of it")
        }
    }
}

/// Dotted names of the leaves of a resolved scenario (tables of an array named by their
/// `id` when they have one), with their values as TOML text.
fn leaves(prefix: &str, v: &toml::Value, out: &mut Vec<(String, String)>) {
    match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                let name = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaves(&name, x, out);
            }
        }
        toml::Value::Array(a) if a.iter().any(|x| x.is_table()) => {
            for (i, x) in a.iter().enumerate() {
                let key = x
                    .get("id")
                    .and_then(|id| id.as_str())
                    .map_or_else(|| i.to_string(), String::from);
                leaves(&format!("{prefix}[{key}]"), x, out);
            }
        }
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// The parameters of `run`'s resolved scenario that differ from `first`'s (name and
/// description left out), as `name: first → run`; empty when either is unknown.
fn differing_parameters(first: &Run, run: &Run) -> Vec<String> {
    let (Some(a), Some(b)) = (&first.resolved, &run.resolved) else {
        return Vec::new();
    };
    let flat = |t: &toml::Table| {
        let mut v = Vec::new();
        leaves("", &toml::Value::Table(t.clone()), &mut v);
        v.into_iter()
            .filter(|(k, _)| k != "scenario.name" && k != "scenario.description")
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let (a, b) = (flat(a), flat(b));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            let show = |x: Option<&String>| x.map_or("(absent)".to_string(), String::clone);
            format!("{k}: {} → {}", show(a.get(k)), show(b.get(k)))
        })
        .collect()
}

fn rows(runs: &[Run], plan: &Plan) -> Vec<Row> {
    let mut out = Vec::new();
    let per = |r: &Run| PER / r.audit.persons.max(1) as f64;
    for &(label, count) in COUNTS {
        if plan.rates && label != "persons" {
            let rate = |r: &Run| count(&r.summary) as f64 * per(r);
            out.push(Row {
                label: format!("{label} per 100,000 persons"),
                shown: runs.iter().map(|r| format!("{:.2}", rate(r))).collect(),
                diffs: runs
                    .iter()
                    .map(|r| {
                        Some(Difference {
                            value: rate(r) - rate(&runs[0]),
                            significant: false,
                            se: None,
                            paired: false,
                        })
                    })
                    .collect(),
                estimates: vec![None; runs.len()],
            });
            continue;
        }
        let first = count(&runs[0].summary);
        out.push(Row {
            label: label.to_string(),
            shown: runs.iter().map(|r| count(&r.summary).to_string()).collect(),
            diffs: runs
                .iter()
                .map(|r| Some(Difference::between_counts(count(&r.summary), first)))
                .collect(),
            estimates: vec![None; runs.len()],
        });
    }
    for m in MEASURES {
        let Some(label) = m.compare else { continue };
        let as_rate = plan.rates && m.total;
        let scale = |r: &Run| {
            if m.percent {
                100.0
            } else if as_rate {
                per(r)
            } else {
                1.0
            }
        };
        let shown_as = |r: &Run| (m.get)(&r.audit).map(|e| e.scaled(scale(r)));
        let first = shown_as(&runs[0]);
        out.push(Row {
            label: if as_rate {
                format!("{label} per 100,000 persons")
            } else {
                label.to_string()
            },
            shown: runs
                .iter()
                .map(|r| {
                    let e = if as_rate {
                        shown_as(r)
                    } else {
                        (m.get)(&r.audit).cloned()
                    };
                    estimate(e.as_ref(), m.percent && !as_rate, Style::Fixed)
                })
                .collect(),
            diffs: runs
                .iter()
                .enumerate()
                .map(|(k, r)| {
                    let (e, f) = (shown_as(r)?, first.as_ref()?);
                    if plan.paired[k] {
                        e.paired_difference_from(f).or_else(|| e.difference_from(f))
                    } else {
                        e.difference_from(f)
                    }
                })
                .collect(),
            estimates: runs.iter().map(shown_as).collect(),
        });
    }
    out
}

/// The comparison as a text table: values, then differences from the first run
/// (`*`: beyond sampling error), how each run was compared and what differs.
pub fn text(runs: &[Run]) -> String {
    let plan = Plan::new(runs);
    let mut out = String::new();
    out.push_str(&format!("{:<52}", "measure (± 95% interval)"));
    for r in runs {
        out.push_str(&format!(" {:>28}", r.name));
    }
    out.push('\n');
    for row in rows(runs, &plan) {
        out.push_str(&format!("{:<52}", row.label));
        for (k, s) in row.shown.iter().enumerate() {
            let d = match row.diffs[k] {
                Some(d) if k > 0 => format!(
                    " (Δ {}{})",
                    delta(d.value),
                    if d.significant { "*" } else { "" }
                ),
                _ => String::new(),
            };
            out.push_str(&format!(" {:>28}", format!("{s}{d}")));
        }
        out.push('\n');
    }
    out.push_str("Δ: difference from the first run (percentage points for shares); *: beyond sampling error.\n");
    for k in 1..runs.len() {
        let _ = writeln!(
            out,
            "{} vs {}: {}",
            runs[k].name,
            runs[0].name,
            plan.method(runs, k)
        );
        let _ = writeln!(out, "  {}", differing_text(&plan.differing[k]));
    }
    if plan.rates {
        out.push_str("The runs' sizes differ: counts and totals are per 100,000 persons.\n");
    }
    out
}

/// A difference with two decimals, or in scientific notation when that would show 0.00.
fn delta(v: f64) -> String {
    if v != 0.0 && v.abs() < 0.005 {
        format!("{v:+.1e}")
    } else {
        format!("{v:+.2}")
    }
}

fn differing_text(d: &[String]) -> String {
    if d.is_empty() {
        "parameters that differ: none found (or a scenario.resolved.toml is missing)".into()
    } else {
        format!("parameters that differ: {}", d.join("; "))
    }
}

/// One run's dot in a chart: the run's index, its value, its interval.
struct Point {
    run: usize,
    value: f64,
    ci: Option<(f64, f64)>,
}

/// A measure's value and 95% interval in each run, side by side, as inline SVG: a dot per
/// run and a line for its interval (none without one), a zero line when zero is in range.
fn interval_chart(title: &str, names: &[String], estimates: &[Option<Estimate>]) -> String {
    let pts: Vec<Point> = estimates
        .iter()
        .enumerate()
        .filter_map(|(run, e)| {
            let e = e.as_ref()?;
            Some(Point {
                run,
                value: e.value?,
                ci: e.ci_low.zip(e.ci_high),
            })
        })
        .collect();
    if pts.is_empty() {
        return String::new();
    }
    let (w, l, r, row) = (720.0, 200.0, 90.0, 22.0);
    let h = 34.0 + row * names.len() as f64 + 26.0;
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in &pts {
        let (v, (a, b)) = (p.value, p.ci.unwrap_or((p.value, p.value)));
        lo = lo.min(a.min(v));
        hi = hi.max(b.max(v));
    }
    if lo > 0.0 && lo < 0.5 * hi {
        lo = 0.0;
    }
    let pad = if hi > lo {
        0.05 * (hi - lo)
    } else {
        lo.abs().max(1.0) * 0.05
    };
    let (lo, hi) = (lo - pad, hi + pad);
    let px = |v: f64| l + (v - lo) / (hi - lo) * (w - l - r);
    // Enough decimals to tell the ends of the axis apart.
    let digits = (2 - (hi - lo).log10().floor() as i32).clamp(0, 8) as usize;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{t}\"><text x=\"10\" y=\"18\" class=\"title\">{t}</text>",
        t = esc(title)
    );
    if lo < 0.0 && hi > 0.0 {
        let _ = write!(
            svg,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"28\" y2=\"{:.1}\" class=\"zero\"/>",
            h - 24.0,
            x = px(0.0)
        );
    }
    for Point { run, value: v, ci } in pts {
        let y = 40.0 + row * run as f64;
        let whisker = ci.map_or(String::new(), |(a, b)| {
            format!(
                "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" class=\"ci\"/>",
                px(a),
                px(b)
            )
        });
        let _ = write!(
            svg,
            "<text x=\"{lx:.1}\" y=\"{ty:.1}\" class=\"tick\" text-anchor=\"end\">{name}</text>{whisker}<circle cx=\"{cx:.1}\" cy=\"{y:.1}\" r=\"4\" class=\"dot\"/><text x=\"{vx:.1}\" y=\"{ty:.1}\" class=\"tick\">{v:.digits$}</text>",
            lx = l - 8.0,
            ty = y + 4.0,
            name = esc(&names[run]),
            cx = px(v),
            vx = w - r + 6.0,
        );
    }
    let base = h - 22.0;
    let _ = write!(
        svg,
        "<line x1=\"{l}\" x2=\"{:.1}\" y1=\"{base:.1}\" y2=\"{base:.1}\" class=\"grid\"/><text x=\"{l}\" y=\"{:.1}\" class=\"tick\">{:.digits$}</text><text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">{:.digits$}</text></svg>",
        w - r,
        base + 16.0,
        lo,
        w - r,
        base + 16.0,
        hi
    );
    svg
}

/// The comparison as a self-contained HTML page.
pub fn render(runs: &[Run]) -> String {
    let plan = Plan::new(runs);
    let names: Vec<String> = runs.iter().map(|r| r.name.clone()).collect();
    let rows = rows(runs, &plan);
    let mut t = String::from("<table><tr><th>measure (± 95% interval)</th>");
    for n in &names {
        t.push_str(&format!("<th>{}</th>", esc(n)));
    }
    t.push_str("</tr>");
    for row in &rows {
        t.push_str(&format!("<tr><td>{}</td>", esc(&row.label)));
        for (k, s) in row.shown.iter().enumerate() {
            let d = match row.diffs[k] {
                Some(d) if k > 0 => format!(
                    "<br><span class=\"{}\">Δ {}{}</span>",
                    if d.significant { "sig" } else { "ns" },
                    delta(d.value),
                    if d.significant {
                        " (beyond sampling error)"
                    } else {
                        ""
                    }
                ),
                _ => String::new(),
            };
            t.push_str(&format!("<td>{}{d}</td>", esc(s)));
        }
        t.push_str("</tr>");
    }
    t.push_str("</table>");
    let mut how = String::from("<ul>");
    for k in 1..runs.len() {
        let _ = write!(
            how,
            "<li><b>{}</b> vs <b>{}</b>: {}.<br>{}</li>",
            esc(&runs[k].name),
            esc(&runs[0].name),
            esc(&plan.method(runs, k)),
            esc(&differing_text(&plan.differing[k]))
        );
    }
    how.push_str("</ul>");
    if plan.rates {
        how.push_str("<p>The runs' sizes differ: counts and totals are per 100,000 persons.</p>");
    }
    let mut charts = String::new();
    for row in rows
        .iter()
        .filter(|r| r.estimates.iter().any(Option::is_some))
    {
        charts.push_str(&interval_chart(&row.label, &names, &row.estimates));
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>credsim comparison</title><style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}}table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}}.sig{{color:#a3161c;font-weight:600}}.ns{{color:#777}}svg{{width:100%;max-width:720px;display:block;margin:.6em 0}}.title{{font-size:13px;font-weight:600}}.tick{{font-size:11px;fill:#444}}.grid{{stroke:#bbb}}.zero{{stroke:#999;stroke-dasharray:3 3}}.ci{{stroke:#1b6ca8;stroke-width:2}}.dot{{fill:#1b6ca8}}</style></head><body><h1>credsim comparison</h1><p>Differences are from the first run. A difference is marked when it exceeds sampling error: paired runs (same seed, persons and population: common random numbers) take its standard error from the jackknife replicates of the difference, others combine the two runs' standard errors (see docs/audit.md).</p>{how}{t}<h2>Measures side by side</h2><p>Each dot is a run's value, its line the 95% interval (none with fewer than 5 jackknife groups).</p>{charts}<p>Generated by credsim {}.</p></body></html>\n",
        credsim_engine::VERSION
    )
}
