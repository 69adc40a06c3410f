//! The report's firms section: class counts per rating over time, inspections by
//! class, lists, role reach, and the firm audit's measures. Formats what the engine
//! computed.

use super::charts::{Scale, Time, line_chart};
use crate::fmt::{Style, esc, estimate, pct, thousands};
use credsim_engine::Audit;
use credsim_engine::summary::{Summary, Table};
use std::fmt::Write as _;

fn est(e: &credsim_engine::Estimate, percent: bool) -> String {
    estimate(Some(e), percent, Style::Html)
}

/// Appends the firms section (nothing without firms).
pub(super) fn section(body: &mut String, s: &Summary, audit: Option<&Audit>, series: &Table) {
    let Some(f) = &s.firms else {
        return;
    };
    let _ = write!(
        body,
        "<h2>Firms</h2><p>{} synthetic firms (codes with a deliberately wrong check character). Roles are the only path from a firm to a person.</p>",
        thousands(f.firms)
    );
    let time = Time::of(series);
    for (rating, classes) in &f.series.class {
        let lines: Vec<(String, Vec<f64>)> = classes
            .iter()
            .map(|(c, v)| (c.clone(), v.iter().map(|&x| x as f64).collect()))
            .collect();
        body.push_str(&line_chart(
            &format!("Firms by {rating} class (end of each period; stacked)"),
            "firms",
            &time,
            &lines,
            true,
            Scale::FromZero,
        ));
    }
    body.push_str("<table><tr><th>rating</th><th>class</th><th>firms on day 0</th><th>occasions</th><th>inspected</th><th>share inspected</th><th>violations found</th></tr>");
    for (rating, r) in &f.ratings {
        for (class, n) in &r.day0 {
            let ins = r.inspections.as_ref().and_then(|i| i.get(class));
            let cell = |x: Option<u64>| x.map_or("–".into(), thousands);
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(rating),
                esc(class),
                thousands(*n),
                cell(ins.map(|i| i.occasions)),
                cell(ins.map(|i| i.inspected)),
                ins.and_then(|i| i.share_inspected).map_or("–".into(), pct),
                cell(ins.map(|i| i.found)),
            );
        }
    }
    body.push_str("</table>");
    body.push_str("<table><tr><th>firm list</th><th>entries</th><th>exits at term</th><th>restored</th><th>open at horizon</th><th>firm-days</th></tr>");
    for (l, c) in &f.lists {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(l),
            thousands(c.entries),
            thousands(c.exits_at_term),
            thousands(c.exits_restored),
            thousands(c.open_at_horizon),
            thousands(c.firm_days)
        );
    }
    body.push_str("</table>");
    if let Some(r) = &f.roles {
        let how = match r.mode {
            credsim_model::firms::RoleMode::Restrict => "restricted (not listed)",
            credsim_model::firms::RoleMode::List => "listed",
        };
        let _ = write!(
            body,
            "<p>Through roles: {} persons {how} for {} person-days, {} of them never sanctioned or listed for anything they did themselves ({} person-days); {} through two or more firms. Attempts denied through a role: {}.</p>",
            thousands(r.persons),
            thousands(r.person_days),
            thousands(r.persons_without_own_status),
            thousands(r.person_days_without_own_status),
            thousands(r.persons_with_multiple_posts),
            r.denied_attempts
                .iter()
                .map(|(s, n)| format!("{} {}", esc(s), thousands(*n)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let lines = vec![(
            "firms on a list reaching their role-holders".to_string(),
            f.series.role_listed.iter().map(|&x| x as f64).collect(),
        )];
        body.push_str(&line_chart(
            "Firms whose listing restricts their legal representatives",
            "firms",
            &time,
            &lines,
            false,
            Scale::FromZero,
        ));
    }
    let Some(a) = audit.and_then(|a| a.firms.as_ref()) else {
        return;
    };
    body.push_str(
        "<h3>Firm audit</h3><table><tr><th>measure</th><th>estimate (95% interval)</th></tr>",
    );
    for (rating, amp) in &a.inspection_amplification {
        let _ = write!(
            body,
            "<tr><td>{}: excess recorded violations per violation, class {} over class {} (inspection rates vs all at {})</td><td>{}</td></tr>",
            esc(rating),
            esc(amp.low_class.as_deref().unwrap_or("–")),
            esc(amp.high_class.as_deref().unwrap_or("–")),
            esc(&amp.reference_class),
            est(&amp.excess_low_over_high, true)
        );
    }
    if let Some(w) = &a.wrongful_listings {
        for (l, x) in w {
            let _ = write!(
                body,
                "<tr><td>{}: wrongful listings per 1,000 firms (false records)</td><td>{}</td></tr>",
                esc(l),
                est(&x.per_1000_firms, false)
            );
        }
    }
    let _ = write!(
        body,
        "<tr><td>cross-agency share of sanctions on firms</td><td>{}</td></tr>",
        est(&a.cross_agency.share, true)
    );
    for (l, t) in &a.time_on_lists {
        let _ = write!(
            body,
            "<tr><td>{}: exits per entry; mean days of completed listings</td><td>{}; {}</td></tr>",
            esc(l),
            est(&t.exits_per_entry, true),
            est(&t.mean_days_of_completed, false)
        );
    }
    body.push_str("</table>");
    if let Some(b) = &a.burden {
        body.push_str("<table><tr><th>size</th><th>employees</th><th>ratings per firm</th><th>requirement-hours per firm</th><th>hours per employee</th></tr>");
        for (size, x) in b {
            let num = |v: Option<f64>| v.map_or("–".into(), |v| format!("{v:.2}"));
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(size),
                x.employees,
                num(x.ratings_per_firm),
                num(x.hours_per_firm),
                num(x.hours_per_employee)
            );
        }
        body.push_str("</table>");
    }
}
