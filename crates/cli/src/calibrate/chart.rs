//! fit.html: one self-contained page (inline CSS and SVG, no script) with, per column the
//! targets read, the posterior-predictive band against the published figures, and the
//! posterior, fit and prediction tables. It lays out computed values; it computes none.

use super::fit::{Predictive, Report, num};
use super::spec::Role;
use super::write::Context;
use crate::fmt::esc;
use crate::report::charts::{Marker, Time, band_chart};
use credsim_experiments::abc::Kind;
use std::fmt::Write as _;

/// The page.
pub fn page(c: &Context, r: &Report, p: &Predictive) -> String {
    let mut body = String::new();
    let m = &c.reference.model;
    let _ = write!(
        body,
        "<h1>credsim calibration: {}</h1><p class=\"meta\">base {} (hash {}) · {} persons × scale factor {} · seed {} · credsim {}</p><p>{}</p>",
        esc(&c.spec.name),
        esc(&m.name),
        esc(&m.hash),
        crate::fmt::thousands(m.persons),
        num(c.factor),
        c.spec.seed,
        esc(credsim_engine::VERSION),
        esc(&c.spec.description)
    );
    let _ = write!(
        body,
        "<p class=\"note\">ABC-SMC {} after {} generations and {} simulations; the posterior is at epsilon {:.3}{}. Bands: posterior-predictive median and 5–95% range of {} runs (particles drawn by weight, fresh seeds). Markers: published figures with their 90% observation-error bars (±1.645 sd); open markers are held out of the fit; triangles are lower bounds. Method: docs/calibration.md.</p>",
        if r.converged {
            "converged"
        } else {
            "stopped early"
        },
        r.generations.len(),
        r.simulations,
        r.epsilon,
        if r.converged {
            " (the observation-error model itself)"
        } else {
            " (above 1: a tempered, wider approximation)"
        },
        p.runs.len()
    );
    for band in &p.bands {
        let time = Time {
            x: band.x.clone(),
            from: band.x.first().map_or(0.0, |v| v.floor()),
            label: "date (year)",
        };
        let markers: Vec<Marker> = c
            .spec
            .targets
            .iter()
            .filter(|t| t.stat.column == band.column && t.stat.scaled == band.scaled)
            .map(|t| Marker {
                x: t.stat.date.decimal_year(),
                y: t.target.observed,
                bar: 1.645 * t.target.sd,
                lower: t.target.kind == Kind::Lower,
                held_out: t.role == Role::Validate,
            })
            .collect();
        let label = if band.scaled {
            "count (scaled)"
        } else {
            "value"
        };
        body.push_str(&band_chart(
            &band.column,
            label,
            &time,
            [&band.q05, &band.q50, &band.q95],
            &markers,
        ));
    }
    body.push_str("<h2>Posterior</h2><table><tr><th>parameter</th><th>scenario path</th><th>prior</th><th>median</th><th>90% interval</th><th>mean ± sd</th></tr>");
    for row in &r.parameters {
        let q = &row.posterior;
        let _ = write!(
            body,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"ci\">[{}, {}]</td><td class=\"ci\">{} ± {}</td></tr>",
            esc(&row.name),
            esc(&row.path),
            esc(&row.prior),
            num(q.median),
            num(q.q05),
            num(q.q95),
            num(q.mean),
            num(q.sd)
        );
    }
    body.push_str("</table><h2>Fit</h2><table><tr><th>target</th><th>role</th><th>date</th><th>observed</th><th>sd</th><th>simulated median</th><th>90% interval</th><th>z</th><th>consistent</th><th>source</th></tr>");
    for f in &r.fit {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td><td class=\"ci\">[{}, {}]</td><td>{:.2}</td><td>{}</td><td class=\"note\">{}</td></tr>",
            esc(&f.name),
            if f.role == Role::Fit {
                "fit"
            } else {
                "held out"
            },
            esc(&f.date),
            if f.kind == Kind::Lower { "&gt;" } else { "" },
            num(f.observed),
            num(f.sd),
            num(f.simulated.median),
            num(f.simulated.q05),
            num(f.simulated.q95),
            f.residual,
            if f.consistent {
                "yes"
            } else {
                "<span class=\"flag\">no</span>"
            },
            esc(&f.source)
        );
    }
    body.push_str("</table>");
    if !r.predictions.is_empty() {
        body.push_str("<h2>Predictions</h2><table><tr><th>statistic</th><th>column</th><th>date</th><th>median</th><th>90% interval</th></tr>");
        for q in &r.predictions {
            let _ = write!(
                body,
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"ci\">[{}, {}]</td></tr>",
                esc(&q.name),
                esc(&q.column),
                esc(&q.date),
                num(q.simulated.median),
                num(q.simulated.q05),
                num(q.simulated.q95)
            );
        }
        body.push_str("</table>");
    }
    body.push_str("<h2>Generations</h2><table><tr><th>generation</th><th>epsilon</th><th>simulations</th><th>accepted</th><th>acceptance</th><th>ESS</th><th>failed</th></tr>");
    for g in &r.generations {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1}%</td><td>{:.1}</td><td>{}</td></tr>",
            g.index,
            g.epsilon.map_or("∞".into(), |e| format!("{e:.3}")),
            g.simulations,
            g.accepted,
            100.0 * g.acceptance_rate,
            g.ess,
            g.failures
        );
    }
    body.push_str("</table>");
    let _ = write!(body, "<h2>Spec</h2><pre>{}</pre>", esc(c.text));
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>credsim calibration: {}</title><style>{}</style></head><body>{}<footer>Generated by credsim {}. All persons are synthetic.</footer></body></html>\n",
        esc(&c.spec.name),
        crate::report::CSS,
        body,
        esc(credsim_engine::VERSION)
    )
}
