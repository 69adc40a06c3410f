//! `report.html`: one self-contained page (inline CSS and SVG, no script, no network)
//! built from a run folder's files, so `credsim report FOLDER` can rebuild it anytime.
//! It lays out numbers the run computed; it computes no model logic.

use crate::CliError;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

const PALETTE: [&str; 8] = [
    "#1b6ca8", "#e07b39", "#3a9e5c", "#c4373b", "#7d5ba6", "#8c6d31", "#d062a8", "#6b6b6b",
];

/// Writes `report.html` into a run folder from its other files.
pub fn write(dir: &Path) -> Result<(), CliError> {
    let read = |name: &str| std::fs::read_to_string(dir.join(name));
    let summary: Value = read("summary.json")
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .ok_or_else(|| {
            CliError::Usage(format!("`{}` has no readable summary.json", dir.display()))
        })?;
    let audit: Option<Value> = read("audit.json")
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    let series = read("timeseries.csv").unwrap_or_default();
    let scenario = read("scenario.toml").unwrap_or_default();
    let html = render(&summary, audit.as_ref(), &series, &scenario);
    let path = dir.join("report.html");
    let tmp = dir.join(".report.html.partial");
    std::fs::write(&tmp, html)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| CliError::Output(format!("cannot write `{}`: {e}", path.display())))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Columns of the CSV time series (comment lines skipped).
fn columns(csv: &str) -> Vec<(String, Vec<f64>)> {
    let mut lines = csv.lines().filter(|l| !l.starts_with('#'));
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let mut cols: Vec<(String, Vec<f64>)> = header
        .split(',')
        .map(|h| (h.to_string(), Vec::new()))
        .collect();
    for line in lines {
        for (i, v) in line.split(',').enumerate() {
            if let Some(c) = cols.get_mut(i) {
                c.1.push(v.parse().unwrap_or(f64::NAN));
            }
        }
    }
    cols
}

fn nice_max(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if x <= m * p {
            return m * p;
        }
    }
    10.0 * p
}

fn fmt_num(x: f64) -> String {
    if x.abs() >= 1e6 {
        format!("{:.1}M", x / 1e6)
    } else if x.abs() >= 1e4 {
        format!("{:.0}k", x / 1e3)
    } else if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// A line (or stacked area) chart over reporting periods, as inline SVG.
fn line_chart(
    title: &str,
    y_label: &str,
    x: &[f64],
    series: &[(String, Vec<f64>)],
    stacked: bool,
    y_min: Option<f64>,
) -> String {
    let (w, h, l, r, t, b) = (720.0, 300.0, 70.0, 160.0, 30.0, 45.0);
    let n = x.len();
    if n == 0 || series.is_empty() {
        return format!("<p class=\"note\">{}: no data.</p>", esc(title));
    }
    let mut tops = vec![0.0f64; n];
    let mut layers = Vec::new();
    for (_, ys) in series {
        let base = tops.clone();
        for (i, y) in ys.iter().enumerate().take(n) {
            tops[i] = if stacked { tops[i] + y } else { *y };
        }
        layers.push((base, tops.clone()));
    }
    let all: Vec<f64> = layers.iter().flat_map(|(_, t)| t.iter().copied()).collect();
    let lo = y_min
        .unwrap_or(0.0)
        .min(all.iter().copied().fold(f64::INFINITY, f64::min));
    let lo = if y_min.is_some() { lo } else { 0.0 };
    let hi_raw = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let hi = if y_min.is_some() {
        hi_raw.max(lo + 1e-9)
    } else if stacked && (hi_raw - 100.0).abs() < 1e-6 {
        100.0 // shares adding up to 100%
    } else {
        nice_max(hi_raw)
    };
    let (x0, x1) = (x[0], x[n - 1].max(x[0] + 1.0));
    let px = |v: f64| l + (v - x0) / (x1 - x0) * (w - l - r);
    let py = |v: f64| t + (1.0 - (v - lo) / (hi - lo).max(1e-12)) * (h - t - b);
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\"><text x=\"{}\" y=\"18\" class=\"title\">{}</text>",
        esc(title),
        l,
        esc(title)
    );
    for k in 0..=4 {
        let v = lo + (hi - lo) * k as f64 / 4.0;
        let y = py(v);
        let _ = write!(
            svg,
            "<line x1=\"{l}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" class=\"grid\"/><text x=\"{}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">{}</text>",
            w - r,
            l - 6.0,
            y + 4.0,
            fmt_num(v)
        );
    }
    for k in 0..=5 {
        let v = x0 + (x1 - x0) * k as f64 / 5.0;
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\" class=\"tick\" text-anchor=\"middle\">{}</text>",
            px(v),
            h - b + 16.0,
            fmt_num(v.round())
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{:.1}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">time (months since the start)</text><text x=\"14\" y=\"{:.1}\" class=\"axis\" text-anchor=\"middle\" transform=\"rotate(-90 14 {:.1})\">{}</text>",
        (l + w - r) / 2.0,
        h - 6.0,
        (t + h - b) / 2.0,
        (t + h - b) / 2.0,
        esc(y_label)
    );
    for (k, ((name, _), (base, top))) in series.iter().zip(&layers).enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let line: Vec<String> = (0..n)
            .map(|i| format!("{:.1},{:.1}", px(x[i]), py(top[i])))
            .collect();
        if stacked {
            let back: Vec<String> = (0..n)
                .rev()
                .map(|i| format!("{:.1},{:.1}", px(x[i]), py(base[i])))
                .collect();
            let _ = write!(
                svg,
                "<polygon points=\"{} {}\" fill=\"{color}\" fill-opacity=\"0.8\"/>",
                line.join(" "),
                back.join(" ")
            );
        } else {
            // A gap (NaN: e.g. no decision that month) breaks the line.
            let mut segment: Vec<&str> = Vec::new();
            for (i, point) in line.iter().enumerate() {
                if top[i].is_finite() {
                    segment.push(point);
                }
                if (!top[i].is_finite() || i + 1 == n) && !segment.is_empty() {
                    let _ = write!(
                        svg,
                        "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"/>",
                        segment.join(" ")
                    );
                    segment.clear();
                }
            }
        }
        let ly = t + 14.0 + 18.0 * k as f64;
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{}\" y=\"{:.1}\" class=\"tick\">{}</text>",
            w - r + 12.0,
            ly - 10.0,
            w - r + 30.0,
            ly,
            esc(name)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars (with optional intervals), as inline SVG.
/// One bar: label, value, optional 95% interval.
type Bar = (String, f64, Option<(f64, f64)>);

fn bar_chart(title: &str, x_label: &str, bars: &[Bar]) -> String {
    if bars.is_empty() {
        return format!("<p class=\"note\">{}: nothing to show.</p>", esc(title));
    }
    let (w, l, r, row) = (720.0, 200.0, 80.0, 24.0);
    let h = 50.0 + row * bars.len() as f64 + 30.0;
    let hi = nice_max(
        bars.iter()
            .map(|b| b.2.map_or(b.1, |c| c.1).max(b.1))
            .fold(0.0, f64::max),
    );
    let px = |v: f64| l + v.max(0.0) / hi * (w - l - r);
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\"><text x=\"10\" y=\"18\" class=\"title\">{}</text>",
        esc(title),
        esc(title)
    );
    for (k, (name, v, ci)) in bars.iter().enumerate() {
        let y = 36.0 + row * k as f64;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">{}</text><rect x=\"{l}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\">{}</text>",
            l - 6.0,
            y + 14.0,
            esc(name),
            px(*v) - l,
            row - 6.0,
            PALETTE[0],
            px(ci.map_or(*v, |c| c.1.max(*v))) + 4.0,
            y + 14.0,
            fmt_num(*v)
        );
        if let Some((a, b)) = ci {
            let _ = write!(
                svg,
                "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#222\" stroke-width=\"1.5\"/>",
                px(*a),
                px(*b),
                y + 9.0,
                y + 9.0
            );
        }
    }
    let base = 36.0 + row * bars.len() as f64 + 4.0;
    let _ = write!(
        svg,
        "<line x1=\"{l}\" x2=\"{}\" y1=\"{base}\" y2=\"{base}\" class=\"grid\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"axis\" text-anchor=\"middle\">{}</text></svg>",
        w - r,
        (l + w - r) / 2.0,
        base + 22.0,
        esc(x_label)
    );
    svg
}

fn estimate(v: &Value, percent: bool) -> String {
    let Some(x) = v["value"].as_f64() else {
        return "n/a".into();
    };
    let k = if percent { 100.0 } else { 1.0 };
    let unit = if percent { "%" } else { "" };
    match (v["ci_low"].as_f64(), v["ci_high"].as_f64()) {
        (Some(a), Some(b)) => format!(
            "{:.2}{unit} <span class=\"ci\">[{:.2}, {:.2}]</span>",
            x * k,
            a * k,
            b * k
        ),
        _ => format!("{:.2}{unit}", x * k),
    }
}

fn render(s: &Value, audit: Option<&Value>, csv: &str, scenario_toml: &str) -> String {
    let cols = columns(csv);
    let col = |name: &str| cols.iter().find(|c| c.0 == name).map(|c| c.1.clone());
    let months = col("period").unwrap_or_default();
    let persons = s["persons"].as_f64().unwrap_or(1.0).max(1.0);
    let name = s["scenario"]["name"].as_str().unwrap_or("?");
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>credsim report: {}</h1><p class=\"meta\">{} · seed {} · {} persons · {} days · scenario hash {} · credsim {}</p><p>{}</p>",
        esc(name),
        esc(name),
        s["seed"],
        s["persons"],
        s["days"],
        esc(s["scenario"]["hash"].as_str().unwrap_or("?")),
        esc(s["credsim_version"].as_str().unwrap_or("?")),
        esc(s["scenario"]["description"].as_str().unwrap_or(""))
    );
    body.push_str("<p class=\"note\">All persons are synthetic. Numbers follow from the scenario's rules and its assumptions (rates of behaviour, data quality), which are listed below with their sources.</p>");

    // Scenario in words.
    body.push_str("<h2>The regime in words</h2>");
    body.push_str(&scenario_in_words(scenario_toml));

    // Grades.
    let grades: Vec<String> = s["final"]["grade_shares"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    if !grades.is_empty() {
        body.push_str("<h2>Grades</h2>");
        let series: Vec<(String, Vec<f64>)> = grades
            .iter()
            .filter_map(|g| {
                col(&format!("grade_{g}"))
                    .map(|v| (g.clone(), v.iter().map(|x| 100.0 * x / persons).collect()))
            })
            .collect();
        body.push_str(&line_chart(
            "Share of persons in each grade (end of month)",
            "share of persons (%)",
            &months,
            &series,
            true,
            None,
        ));
        let score: Vec<(String, Vec<f64>)> = [
            ("90th percentile", "score_p90"),
            ("median", "score_p50"),
            ("mean", "mean_score"),
            ("10th percentile", "score_p10"),
        ]
        .iter()
        .filter_map(|(label, c)| col(c).map(|v| (label.to_string(), v)))
        .collect();
        if !score.is_empty() {
            body.push_str(&line_chart(
                "Score distribution (end of month)",
                "points",
                &months,
                &score,
                false,
                Some(f64::NAN),
            ));
        }
    }
    // Lists.
    let lists: Vec<(String, Vec<f64>)> = cols
        .iter()
        .filter(|c| c.0.starts_with("listed_"))
        .map(|c| (c.0.trim_start_matches("listed_").to_string(), c.1.clone()))
        .collect();
    let mut people = lists.clone();
    if let Some(sanctioned) = col("sanctioned") {
        people.push(("under ≥ 1 sanction".into(), sanctioned));
    }
    body.push_str("<h2>Lists and sanctions over time</h2>");
    body.push_str(&line_chart(
        "Persons listed and persons sanctioned (end of month)",
        "persons",
        &months,
        &people,
        false,
        None,
    ));
    // Sanctions by domain.
    let mut apps = Vec::new();
    let mut denied = Vec::new();
    for (d, c) in s["sanctions"].as_object().into_iter().flatten() {
        let a = c["applications"].as_f64().unwrap_or(0.0)
            + c["household_applications"].as_f64().unwrap_or(0.0);
        if a > 0.0 {
            apps.push((d.clone(), a, None));
        }
        let x = c["attempts"].as_f64().unwrap_or(0.0);
        if x > 0.0 {
            denied.push((d.clone(), x, None));
        }
    }
    body.push_str(&bar_chart(
        "Sanction applications by domain (own and household)",
        "applications over the horizon",
        &apps,
    ));
    body.push_str(&bar_chart(
        "Denied attempts to use a service, by domain",
        "denied attempts over the horizon",
        &denied,
    ));
    let r = &s["records"];
    let recs = ["true", "false", "misattributed"]
        .iter()
        .map(|k| (format!("{k} records"), r[k].as_f64().unwrap_or(0.0), None))
        .collect::<Vec<_>>();
    body.push_str(&bar_chart(
        "Records that reached the regime, by provenance",
        "records",
        &recs,
    ));

    responses_section(&mut body, s, audit, &months, &cols);

    // Audit.
    body.push_str("<h2>Audit</h2>");
    match audit {
        None => body.push_str(
            "<p class=\"note\">This run has no audit.json (it was run with --no-audit).</p>",
        ),
        Some(a) => body.push_str(&audit_section(a)),
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>credsim report: {}</title><style>{}</style></head><body>{}<footer>Generated by credsim {} from the files of this folder. Definitions: docs/outputs.md, docs/audit.md, docs/ODD.md.</footer></body></html>\n",
        esc(name),
        CSS,
        body,
        esc(s["credsim_version"].as_str().unwrap_or("?"))
    )
}

/// Appeals, repair, deterrence, chilling and contacts: queue and waiting time, acts
/// against the same regime without responses, and the audit's measures 10 to 12.
fn responses_section(
    body: &mut String,
    s: &Value,
    audit: Option<&Value>,
    months: &[f64],
    cols: &[(String, Vec<f64>)],
) {
    let col = |name: &str| cols.iter().find(|c| c.0 == name).map(|c| c.1.clone());
    let r = &s["responses"];
    if !r.is_object() {
        return;
    }
    body.push_str("<h2>People respond</h2>");
    if let (Some(queue), Some(filed)) = (col("appeals_waiting"), col("appeals_filed")) {
        let mut series = vec![
            ("waiting (month end)".to_string(), queue),
            ("filed".to_string(), filed),
        ];
        if let Some(d) = col("appeals_decided") {
            series.push(("decided".to_string(), d));
        }
        body.push_str(&line_chart(
            "Appeals: waiting for a review, filed and decided each month",
            "appeals",
            months,
            &series,
            false,
            None,
        ));
        if let Some(wait) = col("appeal_mean_wait_days") {
            body.push_str(&line_chart(
                "Appeals: mean days from filing to decision, by month of decision",
                "days",
                months,
                &[("mean wait".to_string(), wait)],
                false,
                None,
            ));
        }
    }
    let pairs = [("violations", "violations"), ("protected", "protected")];
    let mut acts = Vec::new();
    for (key, label) in pairs {
        if let (Some(c), Some(p)) = (
            col(&format!("{key}_candidate")),
            col(&format!("{key}_performed")),
        ) {
            let ratio = c
                .iter()
                .zip(&p)
                .map(|(c, p)| if *c > 0.0 { 100.0 * p / c } else { f64::NAN })
                .collect();
            acts.push((label.to_string(), ratio));
        }
    }
    if !acts.is_empty() {
        body.push_str(&line_chart(
            "Deterrence and chilling: acts done, % of those without responses",
            "% of candidate acts",
            months,
            &acts,
            false,
            Some(f64::NAN),
        ));
    }
    let chill: Vec<(String, Vec<f64>)> = cols
        .iter()
        .filter(|c| c.0.starts_with("chilling_factor"))
        .map(|c| {
            let label =
                c.0.trim_start_matches("chilling_factor")
                    .trim_start_matches('_');
            let label = if label.is_empty() { "everyone" } else { label };
            (label.to_string(), c.1.clone())
        })
        .collect();
    if !chill.is_empty() {
        body.push_str(&line_chart(
            "Chilling: factor on protected conduct in force each month",
            "factor",
            months,
            &chill,
            false,
            Some(0.0),
        ));
    }
    let Some(a) = audit else {
        return;
    };
    let mut out = String::from(MEASURES_HEADER);
    let mut row = |q: &str, m: &str, v: String| measure_row(&mut out, q, m, &v);
    let ap = &a["appeals"];
    if ap.is_object() {
        row(
            "Appeals and repair",
            "share of erroneous adverse records never corrected",
            estimate(&ap["share_of_erroneous_records_never_corrected"], true),
        );
        row(
            "",
            "wrongful sanction-days removed by appeals and repair",
            estimate(&ap["wrongful_sanction_days_removed"], false),
        );
        row(
            "",
            "sanction-days kept in force by queueing (of which wrongful)",
            format!(
                "{} ({})",
                estimate(&ap["sanction_days_due_to_queueing"], false),
                estimate(&ap["wrongful_sanction_days_due_to_queueing"], false)
            ),
        );
    }
    let re = &a["responses"];
    if re.is_object() {
        row(
            "Responses",
            "change in genuine violations (deterrence)",
            estimate(&re["change_in_violations"], true),
        );
        row(
            "",
            "change in protected conduct (chilling)",
            estimate(&re["change_in_protected_conduct"], true),
        );
    }
    let asn = &a["association"];
    if asn.is_object() {
        row(
            "Association",
            "persons sanctioned only through their contacts",
            estimate(&asn["persons_sanctioned_only_through_contacts"], false),
        );
    }
    out.push_str("</table>");
    body.push_str(&out);
}

/// The head of a table of audit measures.
const MEASURES_HEADER: &str =
    "<table><tr><th>question</th><th>measure</th><th>value [95% interval]</th></tr>";

/// One row of a table of audit measures.
fn measure_row(out: &mut String, question: &str, measure: &str, value: &str) {
    let _ = write!(
        out,
        "<tr><td>{}</td><td>{}</td><td>{value}</td></tr>",
        esc(question),
        esc(measure)
    );
}

fn audit_section(a: &Value) -> String {
    let mut out = String::from(
        "<p class=\"note\">Each measure compares the run with the same lives re-simulated with one mechanism switched off. Intervals are 95% (jackknife over groups of households).</p>",
    );
    out.push_str(MEASURES_HEADER);
    let mut row = |q: &str, m: &str, v: String| measure_row(&mut out, q, m, &v);
    let w = &a["wrongful"];
    row(
        "Wrongful sanctions",
        "persons sanctioned only because of false or misattributed records",
        estimate(&w["persons_wrongly_sanctioned"], false),
    );
    row(
        "",
        "share of sanction-days caused by data errors",
        estimate(&w["share_of_sanction_days_caused_by_errors"], true),
    );
    row(
        "Cross-context punishment",
        "share of sanction applications",
        estimate(&a["cross_context"]["share_of_applications"], true),
    );
    row(
        "",
        "share of denied attempts",
        estimate(&a["cross_context"]["share_of_denied_attempts"], true),
    );
    row(
        "Protected conduct",
        "share of sanction-days",
        estimate(&a["protected_conduct"]["share_of_sanction_days"], true),
    );
    row(
        "",
        "share of points deducted",
        estimate(&a["protected_conduct"]["share_of_deductions"], true),
    );
    row(
        "Household spill-over",
        "persons sanctioned only through a relative",
        estimate(&a["household_spillover"]["persons"], false),
    );
    row(
        "Scrutiny feedback",
        "share of sanction-days caused by scrutiny",
        estimate(&a["scrutiny_feedback"]["share_of_sanction_days"], true),
    );
    row(
        "Concentration",
        "Gini of sanction-days",
        estimate(&a["concentration"]["gini"], false),
    );
    row(
        "",
        "share of sanction-days borne by the top 1%",
        estimate(&a["concentration"]["top_1_percent_share"], true),
    );
    out.push_str("</table>");
    let mut bars = Vec::new();
    for (attr, rows) in a["disparate_impact"].as_object().into_iter().flatten() {
        for r in rows.as_array().into_iter().flatten() {
            let e = &r["ratio_sanctioned"];
            if let Some(v) = e["value"].as_f64() {
                let ci = e["ci_low"].as_f64().zip(e["ci_high"].as_f64());
                bars.push((
                    format!("{attr} = {}", r["category"].as_str().unwrap_or("?")),
                    v,
                    ci,
                ));
            }
        }
    }
    out.push_str(&bar_chart(
        "Sanction rate relative to the most favoured category (line: 95% interval)",
        "rate ratio (1 = equal; above 1.25 fails the four-fifths rule)",
        &bars,
    ));
    let mut amp = Vec::new();
    for (d, x) in a["amplification"].as_object().into_iter().flatten() {
        if let Some(v) = x["sanction_days_per_record"]["value"].as_f64() {
            let e = &x["sanction_days_per_record"];
            amp.push((
                d.clone(),
                v,
                e["ci_low"].as_f64().zip(e["ci_high"].as_f64()),
            ));
        }
    }
    out.push_str(&bar_chart(
        "Amplification: sanction-days per genuine recorded violation, by domain of origin",
        "sanction person-days per record",
        &amp,
    ));
    out
}

fn scenario_in_words(toml: &str) -> String {
    let Ok(sc) = credsim_model::parse(toml, "scenario.toml") else {
        return "<p class=\"note\">scenario.toml is missing or unreadable.</p>".into();
    };
    let mut out = String::new();
    if let Some(score) = &sc.score {
        let _ = write!(out, "<p>Everyone starts at <b>{}</b> points", score.base);
        if score.min.is_some() || score.max.is_some() {
            let _ = write!(
                out,
                " (bounded {}–{})",
                score.min.map_or("−∞".into(), |v| v.to_string()),
                score.max.map_or("∞".into(), |v| v.to_string())
            );
        }
        out.push_str(". Grades: ");
        let g: Vec<String> = score
            .grades
            .iter()
            .map(|g| {
                format!(
                    "<b>{}</b> {}–{}",
                    esc(&g.name),
                    g.min.map_or("".into(), |v| v.to_string()),
                    g.max.map_or("".into(), |v| v.to_string())
                )
            })
            .collect();
        out.push_str(&g.join(", "));
        out.push_str(".</p>");
    } else {
        out.push_str("<p>No point score: the regime works through lists only.</p>");
    }
    out.push_str("<table><tr><th>behaviour</th><th>domain</th><th>rate / person-year</th><th>points</th><th>description (with sources)</th></tr>");
    for b in &sc.behaviours {
        let rule = sc.records.get(&b.id);
        let _ = write!(
            out,
            "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&b.id),
            if b.protected {
                " <span class=\"flag\">protected</span>"
            } else {
                ""
            },
            esc(&b.domain),
            b.rate_per_year,
            rule.map_or("–".into(), |r| format!(
                "{}{}",
                r.points,
                r.expiry_days
                    .map_or(String::new(), |e| format!(" for {e} days"))
            )),
            esc(&b.description)
        );
    }
    out.push_str("</table><table><tr><th>source</th><th>captures</th><th>delay</th><th>false records / person-year</th><th>misattribution</th></tr>");
    for src in &sc.sources {
        let caps: Vec<String> = src
            .capture
            .iter()
            .map(|(b, p)| format!("{} {p}", esc(b)))
            .collect();
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{} days</td><td>{}</td><td>{}</td></tr>",
            esc(&src.id),
            caps.join(", "),
            src.delay_days,
            src.false_records_per_year,
            src.misattribution
        );
    }
    out.push_str("</table>");
    if !sc.lists.is_empty() || !sc.treatments.is_empty() {
        out.push_str("<ul>");
        for l in &sc.lists {
            let _ = write!(
                out,
                "<li>List <b>{}</b> ({:?}){}: {}</li>",
                esc(&l.id),
                l.kind,
                l.duration_days
                    .map_or(String::new(), |d| format!(", {d} days")),
                esc(&l.description)
            );
        }
        for t in &sc.treatments {
            let trig = match &t.trigger {
                credsim_model::raw::StatusTrigger::Grade(g) => format!("grade {g}"),
                credsim_model::raw::StatusTrigger::List(l) => format!("list {l}"),
            };
            let _ = write!(
                out,
                "<li>{:?} <b>{}</b> on {} when {}, scope {:?}{}: {}</li>",
                t.kind,
                esc(&t.id),
                esc(&t.service),
                esc(&trig),
                t.scope,
                if t.household { ", whole household" } else { "" },
                esc(&t.description)
            );
        }
        out.push_str("</ul>");
    }
    let _ = write!(
        out,
        "<details><summary>The full scenario, with every source and assumption as written</summary><pre>{}</pre></details>",
        esc(toml)
    );
    out
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}.meta{color:#555}.note{color:#555;font-size:.92em}svg{width:100%;height:auto;margin:.6em 0 1.2em}.title{font-weight:600;font-size:14px}.tick{font-size:11px;fill:#333}.axis{font-size:12px;fill:#333}.grid{stroke:#ddd}table{border-collapse:collapse;width:100%;font-size:.9em;margin:.6em 0}td,th{border-bottom:1px solid #e3e3e3;padding:.3em .5em;text-align:left;vertical-align:top}.ci{color:#666}.flag{background:#fbe3e4;color:#8a1f25;padding:0 .3em;border-radius:3px;font-size:.85em}pre{white-space:pre-wrap;font-size:.8em;background:#f7f7f7;padding:1em}footer{margin-top:2em;color:#777;font-size:.85em}@media print{details{display:none}svg{page-break-inside:avoid}}";
