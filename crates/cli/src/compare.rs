//! `credsim compare`: the same measures for several runs, each difference from the first
//! run tested against its sampling error (|Δ| > 1.96·√(se₁² + se₂²)).

use serde_json::Value;

/// (label, JSON pointer in audit.json, shown as a percentage).
const MEASURES: &[(&str, &str, bool)] = &[
    (
        "sanctioned only because of data errors",
        "/wrongful/persons_wrongly_sanctioned",
        false,
    ),
    (
        "share of sanction-days caused by data errors",
        "/wrongful/share_of_sanction_days_caused_by_errors",
        true,
    ),
    (
        "cross-context share of sanction applications",
        "/cross_context/share_of_applications",
        true,
    ),
    (
        "cross-context share of denied attempts",
        "/cross_context/share_of_denied_attempts",
        true,
    ),
    (
        "share of sanction-days caused by protected conduct",
        "/protected_conduct/share_of_sanction_days",
        true,
    ),
    (
        "sanctioned only through a household member",
        "/household_spillover/persons",
        false,
    ),
    (
        "share of sanction-days caused by scrutiny",
        "/scrutiny_feedback/share_of_sanction_days",
        true,
    ),
    ("Gini of sanction-days", "/concentration/gini", false),
    (
        "share of sanction-days borne by the top 1%",
        "/concentration/top_1_percent_share",
        true,
    ),
];

/// (label, JSON pointer in summary.json): counts without standard errors.
const COUNTS: &[(&str, &str)] = &[
    ("persons", "/persons"),
    ("persons ever sanctioned", "/sanctioned/persons_ever"),
    ("sanction person-days", "/sanctioned/person_days"),
    ("records", "/records/total"),
];

fn cell(v: Option<&Value>, percent: bool) -> (Option<f64>, Option<f64>) {
    let Some(v) = v else { return (None, None) };
    let k = if percent { 100.0 } else { 1.0 };
    (
        v["value"].as_f64().map(|x| x * k),
        v["se"].as_f64().map(|x| x * k),
    )
}

/// One comparison row: (label, per run "value", per run (Δ, significant)).
type Row = (String, Vec<String>, Vec<Option<(f64, bool)>>);

fn rows(runs: &[(Value, Value)]) -> Vec<Row> {
    let mut out = Vec::new();
    for &(label, ptr) in COUNTS {
        let vals: Vec<Option<f64>> = runs
            .iter()
            .map(|(_, s)| s.pointer(ptr).and_then(Value::as_f64))
            .collect();
        let shown = vals
            .iter()
            .map(|v| v.map_or("n/a".into(), |x| format!("{x:.0}")))
            .collect();
        let diffs = vals
            .iter()
            .map(|v| v.zip(vals[0]).map(|(a, b)| (a - b, false)))
            .collect();
        out.push((label.to_string(), shown, diffs));
    }
    for &(label, ptr, pct) in MEASURES {
        let vals: Vec<(Option<f64>, Option<f64>)> = runs
            .iter()
            .map(|(a, _)| cell(a.pointer(ptr), pct))
            .collect();
        let unit = if pct { "%" } else { "" };
        let shown = vals
            .iter()
            .map(|(v, se)| match (v, se) {
                (Some(v), Some(se)) => format!("{v:.2}{unit} ± {:.2}", 1.96 * se),
                (Some(v), None) => format!("{v:.2}{unit}"),
                _ => "n/a".into(),
            })
            .collect();
        let (v0, s0) = vals[0];
        let diffs = vals
            .iter()
            .map(|&(v, s)| {
                let d = v? - v0?;
                let se = (s.unwrap_or(0.0).powi(2) + s0.unwrap_or(0.0).powi(2)).sqrt();
                Some((d, d.abs() > 1.96 * se && d != 0.0))
            })
            .collect();
        out.push((label.to_string(), shown, diffs));
    }
    out
}

fn names(runs: &[(Value, Value)]) -> Vec<String> {
    runs.iter()
        .map(|(a, s)| {
            format!(
                "{} (seed {})",
                a["scenario"].as_str().unwrap_or("?"),
                s["seed"]
            )
        })
        .collect()
}

/// The comparison as a text table: values, then differences from the first run
/// (`*`: beyond sampling error).
pub fn text(runs: &[(Value, Value)]) -> String {
    let mut out = String::new();
    let names = names(runs);
    out.push_str(&format!("{:<52}", "measure (± 95% interval)"));
    for n in &names {
        out.push_str(&format!(" {n:>28}"));
    }
    out.push('\n');
    for (label, shown, diffs) in rows(runs) {
        out.push_str(&format!("{label:<52}"));
        for (k, s) in shown.iter().enumerate() {
            let d = match diffs[k] {
                Some((d, sig)) if k > 0 => format!(" (Δ {d:+.2}{})", if sig { "*" } else { "" }),
                _ => String::new(),
            };
            out.push_str(&format!(" {:>28}", format!("{s}{d}")));
        }
        out.push('\n');
    }
    out.push_str("Δ: difference from the first run; *: larger than 1.96 × its standard error (the runs' sampling errors combined).\n");
    out
}

/// The comparison as a self-contained HTML page.
pub fn render(runs: &[(Value, Value)]) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut t = String::from("<table><tr><th>measure (± 95% interval)</th>");
    for n in names(runs) {
        t.push_str(&format!("<th>{}</th>", esc(&n)));
    }
    t.push_str("</tr>");
    for (label, shown, diffs) in rows(runs) {
        t.push_str(&format!("<tr><td>{}</td>", esc(&label)));
        for (k, s) in shown.iter().enumerate() {
            let d = match diffs[k] {
                Some((d, sig)) if k > 0 => format!(
                    "<br><span class=\"{}\">Δ {d:+.2}{}</span>",
                    if sig { "sig" } else { "ns" },
                    if sig { " (beyond sampling error)" } else { "" }
                ),
                _ => String::new(),
            };
            t.push_str(&format!("<td>{}{d}</td>", esc(s)));
        }
        t.push_str("</tr>");
    }
    t.push_str("</table>");
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>credsim comparison</title><style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}}table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}}.sig{{color:#a3161c;font-weight:600}}.ns{{color:#777}}</style></head><body><h1>credsim comparison</h1><p>Differences are from the first run; one is marked when it exceeds 1.96 times the combined standard error of the two runs (jackknife over groups of households; see docs/audit.md).</p>{t}<p>Generated by credsim {}.</p></body></html>\n",
        credsim_engine::VERSION
    )
}
