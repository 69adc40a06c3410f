//! `sensitivity.html`: one self-contained page (inline CSS and SVG, no script, no
//! network) laid out from the typed report: what was swept, a heat table of every
//! ranked measure, and per measure a chart of its indices with their intervals
//! (Sobol': S1 and ST bars, single replicates as dots; Morris: μ*–σ plane and μ* bars).
//! Formats the report; computes nothing.

use super::analysis::{MeasureIndices, Report};
use super::print::{replicate_spread, sig};
use crate::fmt::esc;
use crate::report::charts::ticks;
use std::fmt::Write as _;

const BLUE: &str = "#1b6ca8";
const ORANGE: &str = "#e07b39";

fn tick_text(v: f64) -> String {
    let v = if v.abs() < 1e-12 { 0.0 } else { v };
    let s = sig(v);
    if s.contains('.') && !s.contains('e') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// A horizontal axis along the bottom with ticks and grid lines.
struct Axis {
    lo: f64,
    hi: f64,
    left: f64,
    right: f64,
}

impl Axis {
    fn new(lo: f64, hi: f64, left: f64, right: f64) -> Axis {
        let t = ticks(lo, hi, 6);
        Axis {
            lo: t[0],
            hi: t[t.len() - 1],
            left,
            right,
        }
    }

    fn x(&self, v: f64) -> f64 {
        let f = (v - self.lo) / (self.hi - self.lo).max(1e-12);
        self.left + f.clamp(-0.01, 1.01) * (self.right - self.left)
    }

    fn draw(&self, svg: &mut String, top: f64, bottom: f64, label: &str) {
        for t in ticks(self.lo, self.hi, 6) {
            let x = self.x(t);
            let _ = write!(
                svg,
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{top:.1}\" y2=\"{bottom:.1}\" class=\"grid\"/><text x=\"{x:.1}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"middle\">{}</text>",
                bottom + 14.0,
                tick_text(t)
            );
        }
        if self.lo < 0.0 && self.hi > 0.0 {
            let x = self.x(0.0);
            let _ = write!(
                svg,
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{top:.1}\" y2=\"{bottom:.1}\" stroke=\"#555\"/>"
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"axis\" text-anchor=\"middle\">{}</text>",
            (self.left + self.right) / 2.0,
            bottom + 32.0,
            esc(label)
        );
    }
}

fn whisker(svg: &mut String, a: f64, b: f64, y: f64) {
    let _ = write!(
        svg,
        "<line x1=\"{a:.1}\" x2=\"{b:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#222\" stroke-width=\"1.3\"/><line x1=\"{a:.1}\" x2=\"{a:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#222\"/><line x1=\"{b:.1}\" x2=\"{b:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#222\"/>",
        y - 3.0,
        y + 3.0,
        y - 3.0,
        y + 3.0
    );
}

/// One labelled bar series: (label, value, interval, single-replicate values).
type Row<'a> = (&'a str, f64, (f64, f64), Vec<f64>);

/// Bars per parameter: two series (e.g. S1 and ST) with intervals, replicate dots.
fn bars(title: &str, x_label: &str, names: &[&str], series: [(&str, &str, Vec<Row>); 2]) -> String {
    let (w, l, r) = (720.0, 190.0, 40.0);
    let group = 40.0;
    let h = 46.0 + group * names.len() as f64 + 44.0;
    let values = series.iter().flat_map(|(_, _, rows)| {
        rows.iter()
            .flat_map(|(_, v, ci, reps)| [*v, ci.0, ci.1].into_iter().chain(reps.iter().copied()))
    });
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let axis = Axis::new(lo, hi.max(lo + 1e-9), l, w - r);
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\"><text x=\"10\" y=\"18\" class=\"title\">{}</text>",
        esc(title),
        esc(title)
    );
    let bottom = 40.0 + group * names.len() as f64;
    axis.draw(&mut svg, 30.0, bottom, x_label);
    for (k, name) in names.iter().enumerate() {
        let y0 = 36.0 + group * k as f64;
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">{}</text>",
            l - 8.0,
            y0 + 19.0,
            esc(name)
        );
        for (j, (_, color, rows)) in series.iter().enumerate() {
            let Some((_, v, ci, reps)) = rows.get(k) else {
                continue;
            };
            let y = y0 + 3.0 + 15.0 * j as f64;
            let (a, b) = (axis.x(0.0f64.max(axis.lo)), axis.x(*v));
            let _ = write!(
                svg,
                "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"12\" fill=\"{color}\" class=\"mark\"><title>{}</title></rect>",
                a.min(b),
                (b - a).abs().max(0.8),
                esc(&format!(
                    "{name}: {} [{}, {}]",
                    sig(*v),
                    sig(ci.0),
                    sig(ci.1)
                ))
            );
            whisker(&mut svg, axis.x(ci.0), axis.x(ci.1), y + 6.0);
            for rv in reps {
                let _ = write!(
                    svg,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.6\" fill=\"#fff\" stroke=\"#333\"/>",
                    axis.x(*rv),
                    y + 6.0
                );
            }
        }
    }
    for (j, (label, color, _)) in series.iter().enumerate() {
        let x = l + 150.0 * j as f64;
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"10\" fill=\"{color}\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"tick legend\">{}</text>",
            h - 12.0,
            x + 16.0,
            h - 3.0,
            esc(label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The Morris plane: μ* across, σ up, with the σ = μ* diagonal and μ* intervals.
fn plane(title: &str, names: &[&str], m: &credsim_experiments::morris::MorrisIndices) -> String {
    let (w, h, l, r, t, b) = (720.0, 340.0, 70.0, 40.0, 30.0, 50.0);
    let xmax = m.mu_star.iter().map(|e| e.high).fold(0.0, f64::max);
    let ymax = m.sigma.iter().copied().fold(0.0, f64::max);
    let top = xmax.max(ymax).max(1e-12);
    let ax = Axis::new(0.0, top, l, w - r);
    let yt = ticks(0.0, top, 6);
    let ymax = yt[yt.len() - 1];
    let py = |v: f64| h - b - (v / ymax).clamp(0.0, 1.02) * (h - t - b);
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\"><text x=\"10\" y=\"18\" class=\"title\">{}</text>",
        esc(title),
        esc(title)
    );
    ax.draw(&mut svg, t, h - b, "μ* (mean |elementary effect|)");
    for v in &yt {
        let _ = write!(
            svg,
            "<line x1=\"{l}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" class=\"grid\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">{}</text>",
            w - r,
            l - 6.0,
            py(*v) + 4.0,
            tick_text(*v),
            y = py(*v)
        );
    }
    let _ = write!(
        svg,
        "<text x=\"14\" y=\"{:.1}\" class=\"axis\" transform=\"rotate(-90 14 {:.1})\" text-anchor=\"middle\">σ</text><line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\">σ = μ*</text>",
        (t + h - b) / 2.0,
        (t + h - b) / 2.0,
        ax.x(0.0),
        py(0.0),
        ax.x(ymax.min(ax.hi)),
        py(ymax.min(ax.hi)),
        ax.x(ymax.min(ax.hi)) - 50.0,
        py(ymax.min(ax.hi)) + 14.0
    );
    for (i, name) in names.iter().enumerate() {
        let (x, y) = (ax.x(m.mu_star[i].value), py(m.sigma[i]));
        whisker(
            &mut svg,
            ax.x(m.mu_star[i].low.max(0.0)),
            ax.x(m.mu_star[i].high),
            y,
        );
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"{BLUE}\" class=\"mark\"><title>{}</title></circle><text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\">{}</text>",
            esc(&format!(
                "{name}: μ* {}, σ {}",
                sig(m.mu_star[i].value),
                sig(m.sigma[i])
            )),
            x + 7.0,
            y - 6.0,
            esc(name)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn measure_section(r: &Report, m: &MeasureIndices, names: &[&str]) -> String {
    let mut s = format!(
        "<h3 id=\"m-{}\">{}</h3><p class=\"meta\">mean {} · sd over the design {}{}{}</p>",
        esc(&m.measure),
        esc(&m.measure),
        sig(m.mean),
        sig(m.sd),
        m.noise.map_or(String::new(), |n| format!(
            " · seed noise {:.1}% of the variance of single runs, {:.1}% of the replicate means'",
            100.0 * n.share_of_runs,
            100.0 * n.share_of_means
        )),
        replicate_spread(m).map_or(String::new(), |x| format!(
            " · largest spread of an index over single replicates {}",
            sig(x)
        ))
    );
    let reps = |f: &dyn Fn(&super::analysis::ReplicateIndices) -> &Vec<f64>, i: usize| {
        m.per_replicate
            .iter()
            .filter(|x| x.error.is_none())
            .filter_map(|x| f(x).get(i).copied())
            .collect::<Vec<f64>>()
    };
    if let Some(x) = &m.sobol {
        let rows = |es: &[credsim_experiments::Estimate], st: bool| -> Vec<Row> {
            es.iter()
                .enumerate()
                .map(|(i, e)| {
                    let rv = if st {
                        reps(&|x| &x.st, i)
                    } else {
                        reps(&|x| &x.s1, i)
                    };
                    (names[i], e.value, (e.low, e.high), rv)
                })
                .collect()
        };
        s.push_str(&bars(
            &format!("{}: Sobol' indices", m.measure),
            &format!(
                "index (bars: estimate; lines: {:.0}% bootstrap interval; circles: single replicates)",
                100.0 * r.confidence
            ),
            names,
            [
                ("S1 (first order)", BLUE, rows(&x.s1, false)),
                ("ST (total order)", ORANGE, rows(&x.st, true)),
            ],
        ));
    }
    if let Some(x) = &m.morris {
        s.push_str(&plane(&format!("{}: Morris μ* and σ", m.measure), names, x));
        let mu: Vec<Row> = x
            .mu_star
            .iter()
            .enumerate()
            .map(|(i, e)| (names[i], e.value, (e.low, e.high), reps(&|x| &x.mu_star, i)))
            .collect();
        let sg: Vec<Row> = x
            .sigma
            .iter()
            .enumerate()
            .map(|(i, v)| (names[i], *v, (*v, *v), reps(&|x| &x.sigma, i)))
            .collect();
        s.push_str(&bars(
            &format!("{}: μ* with its interval, and σ", m.measure),
            "elementary effect (measure units per full range of the parameter)",
            names,
            [("μ*", BLUE, mu), ("σ", ORANGE, sg)],
        ));
    }
    s
}

/// The heat table: one row per ranked measure, one cell per parameter.
fn heat(r: &Report, names: &[&str], rows: usize) -> String {
    let sobol = r.sweep.design == "sobol";
    let mut s = String::from("<div class=\"wide\"><table class=\"heat\"><tr><th>measure</th>");
    for n in names {
        let _ = write!(s, "<th>{}</th>", esc(n));
    }
    s.push_str("<th>seed noise</th></tr>");
    for m in r.measures.iter().take(rows) {
        let _ = write!(
            s,
            "<tr><td><a href=\"#m-{}\">{}</a></td>",
            esc(&m.measure),
            esc(&m.measure)
        );
        for i in 0..names.len() {
            let (v, text) = match (&m.sobol, &m.morris) {
                (Some(x), _) => (
                    x.st[i].value,
                    format!("{:.2} ({:.2})", x.st[i].value, x.s1[i].value),
                ),
                (_, Some(x)) => (
                    x.mu_star[i].value / m.sd.max(1e-300),
                    sig(x.mu_star[i].value),
                ),
                _ => (0.0, String::new()),
            };
            let a = (if sobol { v } else { v / 2.0 }).clamp(0.0, 1.0);
            let _ = write!(
                s,
                "<td style=\"background:rgba(224,123,57,{a:.2})\">{}</td>",
                esc(&text)
            );
        }
        let _ = write!(
            s,
            "<td>{}</td></tr>",
            m.noise
                .map_or("–".into(), |n| format!("{:.3}", n.share_of_means))
        );
    }
    s.push_str("</table></div>");
    s
}

/// A parameter's sweep.json entry without the name and path shown beside it.
fn spec_text(spec: &serde_json::Value) -> String {
    match spec {
        serde_json::Value::Object(o) => {
            let rest: serde_json::Map<String, serde_json::Value> = o
                .iter()
                .filter(|(k, _)| *k != "name" && *k != "path")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            serde_json::Value::Object(rest).to_string()
        }
        other => other.to_string(),
    }
}

/// The page: the first `charts` ranked measures get charts; the heat table lists all.
pub fn render(r: &Report, charts: usize) -> String {
    let names: Vec<&str> = r.parameters.iter().map(|p| p.name.as_str()).collect();
    let sw = &r.sweep;
    let mut body = format!(
        "<h1>credsim sensitivity: {}</h1><p class=\"meta\">{} design · {} · {} points × {} replicates = {} runs · {} seeds (root seed {}) · scenario hash {} · credsim {}</p><p>{}</p>",
        esc(&sw.scenario),
        esc(&sw.design),
        esc(&match (sw.n, sw.trajectories) {
            (Some(n), _) => format!(
                "N = {n}{}",
                if sw.second_order == Some(true) {
                    ", with second order"
                } else {
                    ""
                }
            ),
            (_, Some(t)) => format!("{t} trajectories on {} levels", sw.levels.unwrap_or(0)),
            _ => String::new(),
        }),
        sw.points,
        sw.replicates,
        sw.runs,
        esc(&sw.seeds),
        sw.root_seed,
        esc(&sw.scenario_hash),
        esc(&r.credsim_version),
        esc(&r.method)
    );
    body.push_str(if sw.design == "sobol" {
        "<p class=\"note\">S1, the first-order index, is the share of the measure's variance over the design that one parameter explains alone; ST, the total-order index, the share it explains with all its interactions (ST ≥ S1; ST − S1 is interaction). A parameter whose ST interval contains 0 has no detectable effect. Indices of noisy outputs: seed noise belongs to no parameter; with independent seeds it adds to every ST. See docs/sensitivity.md.</p>"
    } else {
        "<p class=\"note\">μ*, the mean absolute elementary effect, measures a parameter's overall influence (in the measure's units for a move across its whole range); σ, their standard deviation, measures non-linearity or interaction (σ near or above μ*: strongly non-linear or interacting). Morris screens: it ranks parameters, it does not apportion variance. See docs/sensitivity.md.</p>"
    });
    body.push_str(
        "<h2>Parameters</h2><table><tr><th>name</th><th>scenario path</th><th>as swept</th></tr>",
    );
    for p in &r.parameters {
        let _ = write!(
            body,
            "<tr><td>{}</td><td><code>{}</code></td><td class=\"spec\"><code>{}</code></td></tr>",
            esc(&p.name),
            esc(if p.path.is_empty() {
                "(dummy: not passed to the scenario)"
            } else {
                &p.path
            }),
            esc(&spec_text(&p.spec))
        );
    }
    body.push_str("</table>");
    let _ = write!(
        body,
        "<h2>Measures, ranked</h2><p class=\"note\">{} measures with indices, ranked by {}; cells: {}. {} measures were skipped (listed at the end).</p>",
        r.measures.len(),
        if sw.design == "sobol" {
            "their largest ST times the share of variance that is not seed noise"
        } else {
            "their largest μ* / sd times the share of variance that is not seed noise"
        },
        if sw.design == "sobol" {
            "ST (S1)"
        } else {
            "μ*"
        },
        r.skipped.len()
    );
    body.push_str(&heat(r, &names, r.measures.len()));
    let _ = write!(
        body,
        "<h2>Indices of the first {} measures</h2>",
        charts.min(r.measures.len())
    );
    for m in r.measures.iter().take(charts) {
        body.push_str(&measure_section(r, m, &names));
    }
    if !r.skipped.is_empty() {
        body.push_str("<h2>Skipped measures</h2><table><tr><th>measure</th><th>why</th></tr>");
        for k in &r.skipped {
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td></tr>",
                esc(&k.measure),
                esc(&k.reason)
            );
        }
        body.push_str("</table>");
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>credsim sensitivity: {}</title><style>{}{}</style></head><body>{}<footer>Generated by credsim {} from sensitivity.json of this sweep ({} bootstrap resamples, {:.0}% intervals, bootstrap seed {}). Definitions: docs/sensitivity.md.</footer></body></html>\n",
        esc(&sw.scenario),
        crate::report::CSS,
        ".heat td{font-variant-numeric:tabular-nums;white-space:nowrap}.wide{overflow-x:auto}td.spec{word-break:break-all;font-size:.85em}h3{margin-top:1.4em}",
        body,
        esc(&r.credsim_version),
        r.bootstrap,
        100.0 * r.confidence,
        r.bootstrap_seed
    )
}
