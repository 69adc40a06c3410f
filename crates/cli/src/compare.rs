//! `credsim compare`: the same measures for several runs, each difference from the first
//! run and whether it exceeds sampling error (the engine's [`Estimate::difference_from`]),
//! as a text table and as a self-contained HTML page.

use crate::fmt::{Style, esc, estimate};
use crate::folder::Run;
use crate::measures::MEASURES;
use credsim_engine::Difference;
use credsim_engine::summary::Summary;

/// Reads a count of a summary.
type Count = fn(&Summary) -> u64;

/// (label, count): counts without standard errors.
const COUNTS: &[(&str, Count)] = &[
    ("persons", |s| s.persons),
    ("persons ever sanctioned", |s| s.sanctioned.persons_ever),
    ("sanction person-days", |s| s.sanctioned.person_days),
    ("records", |s| s.records.total),
];

/// One comparison row: label, each run's value as shown, and each run's difference from
/// the first (in the units shown: percentage points for a share).
struct Row {
    label: &'static str,
    shown: Vec<String>,
    diffs: Vec<Option<Difference>>,
}

fn rows(runs: &[Run]) -> Vec<Row> {
    let mut out = Vec::new();
    for &(label, count) in COUNTS {
        let first = count(&runs[0].summary);
        out.push(Row {
            label,
            shown: runs.iter().map(|r| count(&r.summary).to_string()).collect(),
            diffs: runs
                .iter()
                .map(|r| Some(Difference::between_counts(count(&r.summary), first)))
                .collect(),
        });
    }
    for m in MEASURES {
        let Some(label) = m.compare else { continue };
        let scale = if m.percent { 100.0 } else { 1.0 };
        let first = (m.get)(&runs[0].audit);
        out.push(Row {
            label,
            shown: runs
                .iter()
                .map(|r| estimate((m.get)(&r.audit), m.percent, Style::Fixed))
                .collect(),
            diffs: runs
                .iter()
                .map(|r| {
                    let e = (m.get)(&r.audit)?.scaled(scale);
                    e.difference_from(&first?.scaled(scale))
                })
                .collect(),
        });
    }
    out
}

fn names(runs: &[Run]) -> Vec<String> {
    runs.iter()
        .map(|r| format!("{} (seed {})", r.audit.scenario, r.summary.seed))
        .collect()
}

/// The comparison as a text table: values, then differences from the first run
/// (`*`: beyond sampling error).
pub fn text(runs: &[Run]) -> String {
    let mut out = String::new();
    let names = names(runs);
    out.push_str(&format!("{:<52}", "measure (± 95% interval)"));
    for n in &names {
        out.push_str(&format!(" {n:>28}"));
    }
    out.push('\n');
    for row in rows(runs) {
        out.push_str(&format!("{:<52}", row.label));
        for (k, s) in row.shown.iter().enumerate() {
            let d = match row.diffs[k] {
                Some(d) if k > 0 => format!(
                    " (Δ {:+.2}{})",
                    d.value,
                    if d.significant { "*" } else { "" }
                ),
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
pub fn render(runs: &[Run]) -> String {
    let mut t = String::from("<table><tr><th>measure (± 95% interval)</th>");
    for n in names(runs) {
        t.push_str(&format!("<th>{}</th>", esc(&n)));
    }
    t.push_str("</tr>");
    for row in rows(runs) {
        t.push_str(&format!("<tr><td>{}</td>", esc(row.label)));
        for (k, s) in row.shown.iter().enumerate() {
            let d = match row.diffs[k] {
                Some(d) if k > 0 => format!(
                    "<br><span class=\"{}\">Δ {:+.2}{}</span>",
                    if d.significant { "sig" } else { "ns" },
                    d.value,
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
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>credsim comparison</title><style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}}table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}}.sig{{color:#a3161c;font-weight:600}}.ns{{color:#777}}</style></head><body><h1>credsim comparison</h1><p>Differences are from the first run; one is marked when it exceeds 1.96 times the combined standard error of the two runs (jackknife over groups of households; see docs/audit.md).</p>{t}<p>Generated by credsim {}.</p></body></html>\n",
        credsim_engine::VERSION
    )
}
