//! The report's charts as inline SVG: lines or stacked areas over reporting periods,
//! and horizontal bars with intervals.

use crate::fmt::esc;
use std::fmt::Write as _;

const PALETTE: [&str; 8] = [
    "#1b6ca8", "#e07b39", "#3a9e5c", "#c4373b", "#7d5ba6", "#8c6d31", "#d062a8", "#6b6b6b",
];

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
pub(super) fn line_chart(
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

/// One bar: label, value, optional 95% interval.
pub(super) type Bar = (String, f64, Option<(f64, f64)>);

/// An estimate as a bar (none when its value is null).
pub(super) fn bar(label: String, e: &credsim_engine::Estimate) -> Option<Bar> {
    Some((label, e.value?, e.ci_low.zip(e.ci_high)))
}

/// Horizontal bars (with optional intervals), as inline SVG.
pub(super) fn bar_chart(title: &str, x_label: &str, bars: &[Bar]) -> String {
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
