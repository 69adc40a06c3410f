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

/// A round step (1, 2, 2.5 or 5 × a power of ten) giving at most `most` intervals
/// over `span`.
fn nice_step(span: f64, most: usize) -> f64 {
    let raw = (span / most as f64).max(1e-12);
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&s| s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * p)
}

/// Round ticks covering [lo, hi]: the axis runs from the first to the last.
pub(crate) fn ticks(lo: f64, hi: f64, most: usize) -> Vec<f64> {
    let step = nice_step((hi - lo).max(1e-9), most);
    let first = (lo / step + 1e-9).floor() * step;
    let last = (hi / step - 1e-9).ceil() * step;
    let n = ((last - first) / step).round() as usize;
    (0..=n.max(1)).map(|k| first + step * k as f64).collect()
}

/// A tick label with as many decimals as the step between ticks needs.
fn tick_label(v: f64, step: f64) -> String {
    if v.abs() >= 1e6 && step >= 1e5 {
        return format!("{}M", trim(v / 1e6, step / 1e6));
    }
    if v.abs() >= 1e4 && step >= 1e3 {
        return format!("{}k", trim(v / 1e3, step / 1e3));
    }
    trim(v, step)
}

fn trim(v: f64, step: f64) -> String {
    // The fewest decimals that write the step exactly (0.25 → 2, 0.5 → 1, 5 → 0).
    let decimals = (0..10)
        .find(|&d| {
            let scaled = step * 10f64.powi(d);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(10) as usize;
    let v = if v.abs() < step * 1e-6 { 0.0 } else { v };
    format!("{v:.decimals$}")
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

/// How a chart's value axis runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Scale {
    /// From zero to a round value above the largest.
    FromZero,
    /// Round values around the data (e.g. scores, factors).
    Fit,
    /// Powers of ten around the positive values (zeros leave gaps): small shares and
    /// counts stay visible.
    Log,
}

/// A chart's frame: value and time axes, title, labels.
struct Frame {
    w: f64,
    h: f64,
    l: f64,
    r: f64,
    t: f64,
    b: f64,
    x0: f64,
    x1: f64,
    /// Axis range, in axis units (log10 of the value on a log scale).
    lo: f64,
    hi: f64,
    log: bool,
}

impl Frame {
    /// The standard frame over these x ticks and value range.
    fn new(x_ticks: &[f64], lo: f64, hi: f64, log: bool) -> Frame {
        Frame {
            w: 720.0,
            h: 300.0,
            l: 70.0,
            r: 160.0,
            t: 30.0,
            b: 45.0,
            x0: x_ticks.first().copied().unwrap_or(0.0),
            x1: x_ticks.last().copied().unwrap_or(1.0),
            lo,
            hi,
            log,
        }
    }

    fn px(&self, v: f64) -> f64 {
        self.l + (v - self.x0) / (self.x1 - self.x0).max(1e-12) * (self.w - self.l - self.r)
    }

    /// The y of a value (None: not drawable, e.g. zero on a log scale).
    fn py(&self, v: f64) -> Option<f64> {
        let a = if self.log {
            (v > 0.0 && v.is_finite()).then(|| v.log10())?
        } else {
            v.is_finite().then_some(v)?
        };
        let f = (a - self.lo) / (self.hi - self.lo).max(1e-12);
        Some(self.t + (1.0 - f.clamp(-0.02, 1.02)) * (self.h - self.t - self.b))
    }

    /// Opens the SVG with the title, the value grid and the x axis.
    fn open(&self, title: &str, y_label: &str, x_label: &str, x_ticks: &[f64]) -> String {
        let mut svg = format!(
            "<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\"><text x=\"{}\" y=\"18\" class=\"title\">{}</text>",
            self.w,
            self.h,
            esc(title),
            self.l,
            esc(title)
        );
        let y_ticks: Vec<f64> = if self.log {
            (self.lo.round() as i32..=self.hi.round() as i32)
                .map(f64::from)
                .collect()
        } else {
            ticks(self.lo, self.hi, 5)
        };
        let y_step = y_ticks.get(1).map_or(1.0, |b| b - y_ticks[0]);
        for &v in &y_ticks {
            let value = if self.log { 10f64.powf(v) } else { v };
            let Some(y) = self.py(value) else { continue };
            let label = if self.log {
                tick_label(value, value)
            } else {
                tick_label(v, y_step)
            };
            let _ = write!(
                svg,
                "<line x1=\"{}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" class=\"grid\"/><text x=\"{}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">{label}</text>",
                self.l,
                self.w - self.r,
                self.l - 6.0,
                y + 4.0,
            );
        }
        let x_step = x_ticks.get(1).map_or(1.0, |b| b - x_ticks[0]);
        for &v in x_ticks {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{}\" class=\"tick\" text-anchor=\"middle\">{}</text>",
                self.px(v),
                self.h - self.b + 16.0,
                tick_label(v, x_step)
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">{}</text><text x=\"14\" y=\"{:.1}\" class=\"axis\" text-anchor=\"middle\" transform=\"rotate(-90 14 {:.1})\">{}</text>",
            (self.l + self.w - self.r) / 2.0,
            self.h - 6.0,
            esc(x_label),
            (self.t + self.h - self.b) / 2.0,
            (self.t + self.h - self.b) / 2.0,
            esc(y_label)
        );
        svg
    }

    /// A legend entry, the k-th, at the right.
    fn legend(&self, svg: &mut String, k: usize, color: &str, name: &str) {
        let ly = self.t + 14.0 + 18.0 * k as f64;
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{color}\" class=\"key\"/><text x=\"{}\" y=\"{:.1}\" class=\"tick legend\">{}</text>",
            self.w - self.r + 12.0,
            ly - 10.0,
            self.w - self.r + 30.0,
            ly,
            esc(name)
        );
    }
}

/// The value axis range of a chart's values, in axis units.
fn value_range(values: impl Iterator<Item = f64> + Clone, scale: Scale) -> Option<(f64, f64)> {
    let finite = values.filter(|v| v.is_finite());
    let hi = finite.clone().fold(f64::NEG_INFINITY, f64::max);
    match scale {
        Scale::FromZero => Some((0.0, nice_max(hi.max(0.0)))),
        Scale::Fit => {
            let lo = finite.fold(f64::INFINITY, f64::min);
            if !lo.is_finite() {
                return None;
            }
            let hi = if hi - lo < 1e-9 { lo + 1.0 } else { hi };
            let t = ticks(lo, hi, 5);
            Some((t[0], t[t.len() - 1]))
        }
        Scale::Log => {
            let lo = finite.filter(|&v| v > 0.0).fold(f64::INFINITY, f64::min);
            if !lo.is_finite() {
                return None;
            }
            let (a, b) = (lo.log10().floor(), hi.log10().ceil());
            Some((a, if b > a { b } else { a + 1.0 }))
        }
    }
}

/// The time axis of the report's charts: the end of each reporting period in years,
/// since the start or as calendar years.
pub(crate) struct Time {
    /// One value per reporting period.
    pub x: Vec<f64>,
    /// Where the axis starts (0, or the start date's calendar year).
    pub from: f64,
    /// The axis label.
    pub label: &'static str,
}

impl Time {
    /// Round ticks over the axis; calendar years are whole years.
    fn ticks(&self) -> Vec<f64> {
        let end = self.x.iter().copied().fold(self.from + 1e-9, f64::max);
        let t = ticks(self.from, end, 8);
        if self.from != 0.0 && t.len() > 1 && t[1] - t[0] < 1.0 {
            let (a, b) = (self.from.floor() as i64, end.ceil() as i64);
            return (a..=b).map(|y| y as f64).collect();
        }
        t
    }

    /// Calendar years when the scenario has a start date, else years since the start.
    pub(crate) fn of(series: &credsim_engine::summary::Table) -> Time {
        match series.calendar_years() {
            Some(x) if !x.is_empty() => Time {
                from: x[0].floor(),
                x,
                label: "date (year)",
            },
            _ => Time {
                x: series.years(),
                from: 0.0,
                label: "years since the start",
            },
        }
    }
}

/// A line (or stacked area) chart over time, as inline SVG.
pub(super) fn line_chart(
    title: &str,
    y_label: &str,
    time: &Time,
    series: &[(String, Vec<f64>)],
    stacked: bool,
    scale: Scale,
) -> String {
    let x = &time.x;
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
    let all = layers.iter().flat_map(|(_, t)| t.iter().copied());
    let Some((lo, hi)) = value_range(all.clone(), scale) else {
        return format!(
            "<p class=\"note\">{}: nothing above zero to show.</p>",
            esc(title)
        );
    };
    // Shares adding up to 100% stack to exactly 100.
    let hi = if stacked && scale == Scale::FromZero && all.clone().all(|v| v <= 100.0 + 1e-6) {
        hi.min(100.0)
    } else {
        hi
    };
    let x_ticks = time.ticks();
    let f = Frame::new(&x_ticks, lo, hi, scale == Scale::Log);
    let mut svg = f.open(title, y_label, time.label, &x_ticks);
    for (k, ((name, _), (base, top))) in series.iter().zip(&layers).enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        if stacked {
            let line: Vec<String> = (0..n)
                .filter_map(|i| Some(format!("{:.1},{:.1}", f.px(x[i]), f.py(top[i])?)))
                .collect();
            let back: Vec<String> = (0..n)
                .rev()
                .filter_map(|i| Some(format!("{:.1},{:.1}", f.px(x[i]), f.py(base[i])?)))
                .collect();
            let _ = write!(
                svg,
                "<polygon points=\"{} {}\" fill=\"{color}\" fill-opacity=\"0.8\" class=\"mark\"/>",
                line.join(" "),
                back.join(" ")
            );
        } else {
            // A gap (NaN, or zero on a log scale) breaks the line; a lone point is a dot.
            let mut segment: Vec<String> = Vec::new();
            for i in 0..=n {
                let point = (i < n)
                    .then(|| f.py(top[i]).map(|y| (f.px(x[i]), y)))
                    .flatten();
                match point {
                    Some((px, py)) => segment.push(format!("{px:.1},{py:.1}")),
                    None if segment.len() == 1 => {
                        let _ = write!(
                            svg,
                            "<circle cx=\"{}\" r=\"2.5\" fill=\"{color}\" class=\"mark\"/>",
                            segment[0].replacen(',', "\" cy=\"", 1)
                        );
                        segment.clear();
                    }
                    None if !segment.is_empty() => {
                        let _ = write!(
                            svg,
                            "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" class=\"mark\"/>",
                            segment.join(" ")
                        );
                        segment.clear();
                    }
                    None => {}
                }
            }
        }
        f.legend(&mut svg, k, color, name);
    }
    svg.push_str("</svg>");
    svg
}

/// An observed figure on a band chart.
pub(crate) struct Marker {
    /// Date (same axis as the band).
    pub x: f64,
    /// Value.
    pub y: f64,
    /// Half-width of its error bar (none: 0).
    pub bar: f64,
    /// A lower bound (drawn as ▲ with the bar below only).
    pub lower: bool,
    /// Held out of the fit (drawn open).
    pub held_out: bool,
}

/// A posterior-predictive band over time: the median as a line, the 5–95% range shaded,
/// and the observed figures as markers with error bars (filled: fitted; open: held out;
/// triangles: lower bounds).
pub(crate) fn band_chart(
    title: &str,
    y_label: &str,
    time: &Time,
    band: [&[f64]; 3],
    markers: &[Marker],
) -> String {
    let [q05, q50, q95] = band;
    let x = &time.x;
    let n = x.len().min(q05.len()).min(q50.len()).min(q95.len());
    if n == 0 {
        return format!("<p class=\"note\">{}: no data.</p>", esc(title));
    }
    let values = q95[..n]
        .iter()
        .copied()
        .chain(markers.iter().map(|m| m.y + m.bar));
    let Some((lo, hi)) = value_range(values, Scale::FromZero) else {
        return format!("<p class=\"note\">{}: no data.</p>", esc(title));
    };
    let x_ticks = time.ticks();
    let f = Frame::new(&x_ticks, lo, hi, false);
    let mut svg = f.open(title, y_label, time.label, &x_ticks);
    let color = PALETTE[0];
    let top: Vec<String> = (0..n)
        .filter_map(|i| Some(format!("{:.1},{:.1}", f.px(x[i]), f.py(q95[i])?)))
        .collect();
    let bottom: Vec<String> = (0..n)
        .rev()
        .filter_map(|i| Some(format!("{:.1},{:.1}", f.px(x[i]), f.py(q05[i])?)))
        .collect();
    let mid: Vec<String> = (0..n)
        .filter_map(|i| Some(format!("{:.1},{:.1}", f.px(x[i]), f.py(q50[i])?)))
        .collect();
    let _ = write!(
        svg,
        "<polygon points=\"{} {}\" fill=\"{color}\" fill-opacity=\"0.25\" class=\"mark\"/><polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" class=\"mark\"/>",
        top.join(" "),
        bottom.join(" "),
        mid.join(" ")
    );
    let dot = PALETTE[3];
    for m in markers {
        let (Some(y), Some(y0), Some(y1)) = (
            f.py(m.y),
            f.py(m.y - m.bar),
            f.py(if m.lower { m.y } else { m.y + m.bar }),
        ) else {
            continue;
        };
        let px = f.px(m.x);
        let fill = if m.held_out { "white" } else { dot };
        let _ = write!(
            svg,
            "<line x1=\"{px:.1}\" x2=\"{px:.1}\" y1=\"{y0:.1}\" y2=\"{y1:.1}\" stroke=\"{dot}\" stroke-width=\"1.5\"/>"
        );
        if m.lower {
            let _ = write!(
                svg,
                "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"{fill}\" stroke=\"{dot}\" stroke-width=\"1.5\"/>",
                px - 5.0,
                y + 4.0,
                px + 5.0,
                y + 4.0,
                px,
                y - 5.0
            );
        } else {
            let _ = write!(
                svg,
                "<circle cx=\"{px:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"{fill}\" stroke=\"{dot}\" stroke-width=\"1.5\"/>"
            );
        }
    }
    f.legend(&mut svg, 0, color, "simulated: median, 90%");
    f.legend(&mut svg, 1, dot, "published (open: held out)");
    svg.push_str("</svg>");
    svg
}

/// Histograms over the same bins (e.g. the score at several dates) as step lines on a
/// log scale of persons, so that small bins stay visible. `first` and `width`: the
/// lowest value of the first bin and the bin width.
pub(super) fn histogram_chart(
    title: &str,
    x_label: &str,
    first: f64,
    width: f64,
    histograms: &[(String, Vec<u64>)],
) -> String {
    let bins = histograms.iter().map(|(_, h)| h.len()).max().unwrap_or(0);
    let values = histograms
        .iter()
        .flat_map(|(_, h)| h.iter().map(|&c| c as f64));
    let Some((lo, hi)) = value_range(values, Scale::Log).filter(|_| bins > 0) else {
        return format!("<p class=\"note\">{}: no data.</p>", esc(title));
    };
    let end = first + width * bins as f64;
    let x_ticks = ticks(first, end, 8);
    let f = Frame::new(&x_ticks, lo, hi, true);
    let mut svg = f.open(title, "persons (log scale)", x_label, &x_ticks);
    for (k, (name, h)) in histograms.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        // A step per non-empty bin: across the bin at its height (empty bins: a gap).
        for (j, &c) in h.iter().enumerate() {
            let Some(y) = f.py(c as f64) else { continue };
            let (a, b) = (
                f.px(first + width * j as f64),
                f.px(first + width * (j + 1) as f64),
            );
            let _ = write!(
                svg,
                "<line x1=\"{a:.1}\" x2=\"{b:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{color}\" stroke-width=\"2.5\" class=\"mark\"/>"
            );
        }
        f.legend(&mut svg, k, color, name);
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
            "<text x=\"{}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">{}</text><rect x=\"{l}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" class=\"mark\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\">{}</text>",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 3.0, 8), [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]);
        assert_eq!(
            ticks(995.83, 1000.0, 5),
            [995.0, 996.0, 997.0, 998.0, 999.0, 1000.0]
        );
        assert_eq!(ticks(0.0, 10.0, 8), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(ticks(0.0, 0.9, 4), [0.0, 0.25, 0.5, 0.75, 1.0]);
    }

    #[test]
    fn tick_labels_use_the_decimals_of_the_step() {
        assert_eq!(tick_label(0.5, 0.5), "0.5");
        assert_eq!(tick_label(0.75, 0.25), "0.75");
        assert_eq!(tick_label(2.0, 0.5), "2.0");
        assert_eq!(tick_label(998.0, 1.0), "998");
        assert_eq!(tick_label(20_000.0, 5_000.0), "20k");
        assert_eq!(tick_label(2_500_000.0, 500_000.0), "2.5M");
        assert_eq!(tick_label(0.001, 0.001), "0.001");
        assert_eq!(tick_label(-1e-17, 0.5), "0.0");
    }

    #[test]
    fn a_log_scale_leaves_zeros_out_and_keeps_small_values() {
        let time = Time {
            x: vec![0.5, 1.0, 1.5],
            from: 0.0,
            label: "years",
        };
        let svg = line_chart(
            "t",
            "y",
            &time,
            &[
                ("small".into(), vec![0.0, 0.001, 0.002]),
                ("big".into(), vec![99.0, 98.0, 97.0]),
            ],
            false,
            Scale::Log,
        );
        // The small series draws from its first positive value; the axis spans 10^-3 to 10^2.
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains(">0.001<") && svg.contains(">100<"), "{svg}");
    }
}
