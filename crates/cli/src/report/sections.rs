//! The report's sections from typed results: grades and score, lists and sanctions,
//! people's responses, and the audit's measures (the rows from [`MEASURES`]).

use super::charts::{Bar, Scale, Time, bar, bar_chart, histogram_chart, line_chart};
use crate::fmt::{Style, by_name, esc, estimate};
use crate::measures::{InReport, MEASURES, Measure};
use credsim_engine::Audit;
use credsim_engine::summary::{ActClass, Summary, Table, column};
use std::fmt::Write as _;

/// Grade shares over time (stacked, and on a log scale so that small grades show) and
/// the score's distribution (nothing without grades). Grades in rank order, best first.
pub(super) fn grades(body: &mut String, s: &Summary, series: &Table) {
    if s.final_state.grade_shares.is_empty() {
        return;
    }
    let years = Time::of(series);
    body.push_str("<h2>Grades</h2>");
    let shares: Vec<(String, Vec<f64>)> = s
        .final_state
        .grade_shares
        .keys()
        .filter_map(|g| Some((g.clone(), series.grade_percentages(g, s.persons)?)))
        .collect();
    body.push_str(&line_chart(
        "Share of persons in each grade (end of month; best grade at the bottom)",
        "share of persons (%)",
        &years,
        &shares,
        true,
        Scale::FromZero,
    ));
    body.push_str(&line_chart(
        "Share of persons in each grade, log scale (small grades visible; a gap: nobody)",
        "share of persons (%, log scale)",
        &years,
        &shares,
        false,
        Scale::Log,
    ));
    if let Some(d) = &s.score_distribution {
        let histograms: Vec<(String, Vec<u64>)> = d
            .dates
            .iter()
            .map(|h| {
                (
                    format!("day {} (year {:.1})", h.day, h.day as f64 / 365.0),
                    h.persons.clone(),
                )
            })
            .collect();
        body.push_str(&histogram_chart(
            &format!(
                "Score distribution at year ends: persons per {} points",
                d.bin_width
            ),
            "score",
            d.first_bin as f64,
            d.bin_width as f64,
            &histograms,
        ));
    }
    let score: Vec<(String, Vec<f64>)> = [
        ("90th percentile", column::SCORE_P90),
        ("median", column::SCORE_P50),
        ("mean", column::MEAN_SCORE),
        ("10th percentile", column::SCORE_P10),
    ]
    .iter()
    .filter_map(|(label, c)| series.column(c).map(|v| (label.to_string(), v)))
    .collect();
    if !score.is_empty() {
        body.push_str(&line_chart(
            "Score percentiles and mean (end of month)",
            "points",
            &years,
            &score,
            false,
            Scale::Fit,
        ));
    }
}

/// Persons listed and sanctioned over time, sanctions by domain, records by provenance.
pub(super) fn lists_and_sanctions(body: &mut String, s: &Summary, series: &Table) {
    let mut people: Vec<(String, Vec<f64>)> = s
        .listed
        .keys()
        .filter_map(|l| series.listed(l).map(|v| (l.clone(), v)))
        .collect();
    if let Some(sanctioned) = series.column(column::SANCTIONED) {
        people.push(("under ≥ 1 sanction".into(), sanctioned));
    }
    body.push_str("<h2>Lists and sanctions over time</h2>");
    let years = Time::of(series);
    body.push_str(&line_chart(
        "Persons listed and persons sanctioned (end of month)",
        "persons",
        &years,
        &people,
        false,
        Scale::FromZero,
    ));
    let by_domain = |name: fn(&str) -> String| -> Vec<(String, Vec<f64>)> {
        by_name(&s.sanctions)
            .into_iter()
            .filter_map(|(d, _)| {
                let v = series.column(&name(d))?;
                v.iter().any(|&x| x > 0.0).then(|| (d.clone(), v))
            })
            .collect()
    };
    let applied = by_domain(column::sanction_applications);
    if !applied.is_empty() {
        body.push_str(&line_chart(
            "Sanction applications each month, by domain of the service (own and household)",
            "applications per month",
            &years,
            &applied,
            false,
            Scale::FromZero,
        ));
    }
    let denied_by_month = by_domain(column::denied_attempts);
    if !denied_by_month.is_empty() {
        body.push_str(&line_chart(
            "Denied attempts to use a service each month, by domain",
            "denied attempts per month",
            &years,
            &denied_by_month,
            false,
            Scale::FromZero,
        ));
    }
    let mut apps: Vec<Bar> = Vec::new();
    let mut denied: Vec<Bar> = Vec::new();
    for (d, c) in by_name(&s.sanctions) {
        if c.all_applications() > 0 {
            apps.push((d.clone(), c.all_applications() as f64, None));
        }
        if c.attempts > 0 {
            denied.push((d.clone(), c.attempts as f64, None));
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
    let r = &s.records;
    let recs: Vec<Bar> = [
        ("true", r.true_),
        ("false", r.false_),
        ("misattributed", r.misattributed),
    ]
    .iter()
    .map(|(k, n)| (format!("{k} records"), *n as f64, None))
    .collect();
    body.push_str(&bar_chart(
        "Records that reached the regime, by provenance",
        "records",
        &recs,
    ));
}

/// Appeals, repair, deterrence, chilling and contacts: queue and waiting time, acts
/// against the same regime without responses, and the audit's measures of them.
pub(super) fn responses(body: &mut String, s: &Summary, audit: Option<&Audit>, series: &Table) {
    if s.responses.is_none() {
        return;
    }
    let months = &Time::of(series);
    body.push_str("<h2>People respond</h2>");
    if let (Some(queue), Some(filed)) = (
        series.column(column::APPEALS_WAITING),
        series.column(column::APPEALS_FILED),
    ) {
        let mut lines = vec![
            ("waiting (month end)".to_string(), queue),
            ("filed".to_string(), filed),
        ];
        if let Some(d) = series.column(column::APPEALS_DECIDED) {
            lines.push(("decided".to_string(), d));
        }
        body.push_str(&line_chart(
            "Appeals: waiting for a review, filed and decided each month",
            "appeals",
            months,
            &lines,
            false,
            Scale::FromZero,
        ));
        if let Some(wait) = series.column(column::APPEAL_MEAN_WAIT_DAYS) {
            body.push_str(&line_chart(
                "Appeals: mean days from filing to decision, by month of decision",
                "days",
                months,
                &[("mean wait".to_string(), wait)],
                false,
                Scale::FromZero,
            ));
        }
    }
    let acts: Vec<(String, Vec<f64>)> = ActClass::ALL
        .iter()
        .filter_map(|&class| {
            let percent = series.performed_percentages(class)?;
            Some((class.name().to_string(), percent))
        })
        .collect();
    if !acts.is_empty() {
        body.push_str(&line_chart(
            "Deterrence and chilling: acts done, % of those without responses",
            "% of candidate acts",
            months,
            &acts,
            false,
            Scale::Fit,
        ));
    }
    let chill: Vec<(String, Vec<f64>)> = series
        .chilling_factors()
        .into_iter()
        .map(|(category, v)| (category.unwrap_or("everyone").to_string(), v))
        .collect();
    if !chill.is_empty() {
        body.push_str(&line_chart(
            "Chilling: factor on protected conduct in force each month",
            "factor",
            months,
            &chill,
            false,
            Scale::FromZero,
        ));
    }
    let Some(a) = audit else {
        return;
    };
    let rows = MEASURES.iter().filter_map(|m| match m.report {
        InReport::Responses(label) if (m.get)(a).is_some() => Some((m, label)),
        _ => None,
    });
    body.push_str(&measures_table(a, rows));
}

/// A table of audit measures, the question named on the first row of each.
fn measures_table<'m>(a: &Audit, rows: impl Iterator<Item = (&'m Measure, &'m str)>) -> String {
    let mut out = String::from(
        "<table><tr><th>question</th><th>measure</th><th>value [95% interval]</th></tr>",
    );
    let mut last = "";
    for (m, label) in rows {
        let mut value = estimate((m.get)(a), m.percent, Style::Html);
        if let Some(with) = m.report_with {
            value = format!("{value} ({})", estimate(with(a), m.percent, Style::Html));
        }
        let question = if m.question == last { "" } else { m.question };
        last = m.question;
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{value}</td></tr>",
            esc(question),
            esc(label)
        );
    }
    out.push_str("</table>");
    out
}

/// The audit: its key measures, disparate impact and amplification as bars.
pub(super) fn audit(a: &Audit) -> String {
    let mut out = String::from(
        "<p class=\"note\">Each measure compares the run with the same lives re-simulated with one mechanism switched off. Intervals are 95% (jackknife over groups of households).</p>",
    );
    let rows = MEASURES.iter().filter_map(|m| match m.report {
        InReport::Audit(label) => Some((m, label)),
        _ => None,
    });
    out.push_str(&measures_table(a, rows));
    let bars: Vec<Bar> = by_name(&a.disparate_impact)
        .into_iter()
        .flat_map(|(attr, rows)| {
            rows.iter().filter(|r| r.eligible).filter_map(move |r| {
                let reference = if r.reference { " (reference)" } else { "" };
                bar(
                    format!("{attr} = {}{reference}", r.category),
                    &r.ratio_sanctioned,
                )
            })
        })
        .collect();
    out.push_str(&bar_chart(
        "Sanction rate relative to the reference category (line: 95% interval)",
        "adverse relative risk (1 = equal; eligible categories only; the four-fifths test of the Uniform Guidelines uses favourable rates, see the audit)",
        &bars,
    ));
    let amp: Vec<Bar> = by_name(&a.amplification)
        .into_iter()
        .filter_map(|(d, x)| bar(d.clone(), &x.sanction_days_per_genuine_record))
        .collect();
    out.push_str(&bar_chart(
        "Amplification: sanction-days per genuine recorded violation, by domain of origin",
        "sanction person-days per record",
        &amp,
    ));
    out
}
