//! The terminal table of `credsim sensitivity`: one row per measure (ranked), one column
//! per parameter. Formats the report; computes nothing.

use super::analysis::{MeasureIndices, Report};
use crate::term::outln;

/// A number with about three significant digits (indices: two decimals).
pub fn sig(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 || !x.is_finite() {
        format!("{x:.0}")
    } else if a >= 1e5 {
        format!("{x:.3e}")
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else if a >= 1e-3 {
        format!("{x:.3}")
    } else {
        format!("{x:.2e}")
    }
}

/// The largest spread (max − min) over replicates of each parameter's index.
pub fn replicate_spread(m: &MeasureIndices) -> Option<f64> {
    let per = &m.per_replicate;
    let rows: Vec<&Vec<f64>> = per
        .iter()
        .filter(|r| r.error.is_none())
        .map(|r| if r.st.is_empty() { &r.mu_star } else { &r.st })
        .collect();
    let d = rows.first()?.len();
    let scale = if m.morris.is_some() { m.sd } else { 1.0 };
    (0..d)
        .map(|i| {
            let v = rows.iter().map(|r| r[i]);
            v.clone().fold(f64::MIN, f64::max) - v.fold(f64::MAX, f64::min)
        })
        .map(|s| s / scale)
        .reduce(f64::max)
}

/// An effect in a measure's units, 0 when below 1e-9 of the measure's sd (rounding).
fn effect(x: f64, sd: f64) -> String {
    sig(if x.abs() < 1e-9 * sd { 0.0 } else { x })
}

/// A parameter's cell for a measure.
fn cell(m: &MeasureIndices, i: usize) -> String {
    if let Some(s) = &m.sobol {
        format!(
            "{:.2}±{:.2} ({:.2})",
            s.st[i].value, s.st[i].conf, s.s1[i].value
        )
    } else if let Some(x) = &m.morris {
        format!(
            "{} σ {}",
            effect(x.mu_star[i].value, m.sd),
            effect(x.sigma[i], m.sd)
        )
    } else {
        String::new()
    }
}

fn clip(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n <= w {
        s.to_owned()
    } else {
        let tail: String = s.chars().skip(n - (w - 1)).collect();
        format!("…{tail}")
    }
}

/// Prints the ranked table (the first `top` measures) and the skipped measures' count.
pub fn table(r: &Report, top: usize, file_note: &str) {
    let s = &r.sweep;
    let sizes = match (s.n, s.trajectories) {
        (Some(n), _) => format!("N = {n}"),
        (_, Some(t)) => format!("{t} trajectories, {} levels", s.levels.unwrap_or(0)),
        _ => String::new(),
    };
    outln!(
        "{} sweep of {} ({sizes}, {} parameters, {} replicate{}, {} seeds; {} runs)",
        s.design,
        s.scenario,
        r.parameters.len(),
        s.replicates,
        if s.replicates == 1 { "" } else { "s" },
        s.seeds,
        s.runs
    );
    outln!("{}", r.method);
    let sobol = s.design == "sobol";
    if sobol {
        outln!(
            "Cells: total-order ST ± the {:.0}% bootstrap half-width (first-order S1); ranked by \
             the largest ST times the share of variance that is not seed noise.",
            r.confidence * 100.0
        );
    } else {
        outln!(
            "Cells: μ* (mean absolute elementary effect, in the measure's units per full range \
             of the parameter) and σ; ranked by the largest μ* / sd of the measure times the share \
             of variance that is not seed noise."
        );
    }
    outln!(
        "seed noise: share of the variance of the per-point outputs that is seed noise; seed \
         spread: the largest range of an index over single replicates{}.",
        if sobol { "" } else { " (in sd of the measure)" }
    );
    let shown = r.measures.len().min(top);
    outln!(
        "{} measures with indices ({shown} shown{}), {} skipped (constant or undefined; \
         see {file_note}).",
        r.measures.len(),
        if shown < r.measures.len() {
            "; --top N for more"
        } else {
            ""
        },
        r.skipped.len()
    );
    outln!();
    let mw = r
        .measures
        .iter()
        .take(shown)
        .map(|m| m.measure.chars().count())
        .max()
        .unwrap_or(7)
        .clamp(7, 56);
    let cells: Vec<Vec<String>> = r
        .measures
        .iter()
        .take(shown)
        .map(|m| (0..r.parameters.len()).map(|i| cell(m, i)).collect())
        .collect();
    let widths: Vec<usize> = r
        .parameters
        .iter()
        .enumerate()
        .map(|(i, p)| {
            cells
                .iter()
                .map(|c| c[i].chars().count())
                .chain([p.name.chars().count()])
                .max()
                .unwrap_or(8)
        })
        .collect();
    let mut head = format!("{:<mw$}", "measure");
    for (p, w) in r.parameters.iter().zip(&widths) {
        head.push_str(&format!("  {:<w$}", clip(&p.name, *w)));
    }
    head.push_str("  seed noise  seed spread");
    outln!("{}", head.trim_end());
    for (m, c) in r.measures.iter().zip(&cells) {
        let mut line = format!("{:<mw$}", clip(&m.measure, mw));
        for (x, w) in c.iter().zip(&widths) {
            line.push_str(&format!("  {x:<w$}"));
        }
        let noise = m
            .noise
            .map_or("–".into(), |n| format!("{:.3}", n.share_of_means));
        let spread = replicate_spread(m).map_or("–".into(), |x| format!("{x:.2}"));
        line.push_str(&format!("  {noise:<10}  {spread}"));
        outln!("{}", line.trim_end());
    }
}
