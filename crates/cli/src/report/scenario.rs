//! The report's "regime in words": the resolved scenario's score, behaviours, sources,
//! lists and treatments as tables, then the scenario as written (scenario.toml, every
//! source and assumption label kept) and as resolved (scenario.resolved.toml).

use crate::fmt::esc;
use credsim_model::raw::Scenario;
use std::fmt::Write as _;

/// The regime in words (a note when the run folder has no readable scenario.toml and
/// scenario.resolved.toml).
pub(super) fn in_words(scenario: Option<(&Scenario, &str)>) -> String {
    let Some((sc, toml)) = scenario else {
        return "<p class=\"note\">scenario.toml or scenario.resolved.toml is missing or unreadable.</p>".into();
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
        "<details><summary>The scenario as written (scenario.toml), with every source and assumption</summary><pre>{}</pre></details>",
        esc(toml)
    );
    let _ = write!(
        out,
        "<details><summary>The scenario as resolved (scenario.resolved.toml): every default filled in, command-line overrides applied</summary><pre>{}</pre></details>",
        esc(&credsim_model::to_toml(sc))
    );
    out
}
