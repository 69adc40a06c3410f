//! How numbers look: thousands separators, HTML escaping, and the one formatter of an
//! [`Estimate`] (in the terminal's, the comparison's or the report's style).

use credsim_engine::Estimate;

/// Formats 1234567 as 1,234,567.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share as a percentage with two decimals.
pub fn pct(x: f64) -> String {
    format!("{:.2}%", 100.0 * x)
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Entries of a named map in the order of their names: the order these views have
/// always shown attributes, domains and grades in (they used to read the JSON through
/// sorted maps).
pub fn by_name<'a, V>(
    entries: impl IntoIterator<Item = (&'a String, &'a V)>,
) -> Vec<(&'a String, &'a V)> {
    let mut v: Vec<_> = entries.into_iter().collect();
    v.sort_by(|a, b| a.0.cmp(b.0));
    v
}

/// How an estimate is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// As many decimals as its size calls for, large whole numbers with thousands
    /// separators, then ± the half-width of the 95% interval (t(k−1) standard errors):
    /// `12.34% ± 0.56`, `1,204 ± 87`; without an interval (fewer than 5 jackknife
    /// groups) the standard error: `12.34% (se 0.29)`.
    Terminal,
    /// Two decimals, then ± the half-width of the interval: `12.34% ± 0.56` (or the
    /// standard error, as in `Terminal`).
    Fixed,
    /// Two decimals and the 95% interval, as HTML: `12.34% <span class="ci">[11.78, 12.90]</span>`.
    Html,
}

/// An estimate (× 100 with a `%` when `percent`); `n/a` when it or its value is null.
pub fn estimate(e: Option<&Estimate>, percent: bool, style: Style) -> String {
    let Some(x) = e.and_then(|e| e.value) else {
        return "n/a".into();
    };
    let e = e.expect("a value comes with its estimate");
    let (k, unit) = if percent { (100.0, "%") } else { (1.0, "") };
    let spread = match (e.ci_high, e.se) {
        (Some(h), _) => Some(Spread::Half((h - e.value.unwrap_or(h)) * k)),
        (None, Some(se)) => Some(Spread::Se(se * k)),
        (None, None) => None,
    };
    let x = x * k;
    match style {
        Style::Terminal => terminal(x, spread, percent, unit),
        Style::Fixed => match spread {
            Some(Spread::Half(h)) => format!("{x:.2}{unit} ± {h:.2}"),
            Some(Spread::Se(se)) => format!("{x:.2}{unit} (se {se:.2})"),
            None => format!("{x:.2}{unit}"),
        },
        Style::Html => match (e.ci_low, e.ci_high) {
            (Some(a), Some(b)) => format!(
                "{x:.2}{unit} <span class=\"ci\">[{:.2}, {:.2}]</span>",
                a * k,
                b * k
            ),
            _ => format!("{x:.2}{unit}"),
        },
    }
}

/// What follows a value: the interval's half-width, or only the standard error.
#[derive(Clone, Copy)]
enum Spread {
    Half(f64),
    Se(f64),
}

fn terminal(x: f64, spread: Option<Spread>, percent: bool, unit: &str) -> String {
    let s = spread.map(|s| match s {
        Spread::Half(v) | Spread::Se(v) => v,
    });
    let whole = !percent && x.fract() == 0.0 && s.is_none_or(|s| s >= 0.5 || s == 0.0);
    let digits = if whole || x.abs() >= 100.0 {
        0
    } else if x.abs() < 0.1 && x != 0.0 {
        4
    } else {
        2
    };
    let show = |v: f64| {
        if digits == 0 && v.abs() >= 1000.0 {
            let sign = if v < 0.0 { "-" } else { "" };
            format!("{sign}{}", thousands(v.abs().round() as u64))
        } else {
            format!("{v:.digits$}")
        }
    };
    match spread {
        Some(Spread::Half(h)) => format!("{}{unit} ± {}", show(x), show(h)),
        Some(Spread::Se(se)) => format!("{}{unit} (se {})", show(x), show(se)),
        None => format!("{}{unit}", show(x)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(value: f64, se: Option<f64>) -> Estimate {
        let ci = se.map(|s| (value - 1.96 * s, value + 1.96 * s));
        Estimate {
            value: Some(value),
            se,
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
            replicates: Vec::new(),
        }
    }

    #[test]
    fn the_three_styles() {
        let share = e(0.1234, Some(0.001));
        assert_eq!(
            estimate(Some(&share), true, Style::Terminal),
            "12.34% ± 0.20"
        );
        assert_eq!(estimate(Some(&share), true, Style::Fixed), "12.34% ± 0.20");
        assert_eq!(
            estimate(Some(&share), true, Style::Html),
            "12.34% <span class=\"ci\">[12.14, 12.54]</span>"
        );
        let count = e(12345.0, Some(40.0));
        assert_eq!(
            estimate(Some(&count), false, Style::Terminal),
            "12,345 ± 78"
        );
        assert_eq!(
            estimate(Some(&count), false, Style::Fixed),
            "12345.00 ± 78.40"
        );
        assert_eq!(estimate(None, false, Style::Terminal), "n/a");
        // No interval (fewer than 5 jackknife groups): the standard error instead.
        let bare = Estimate {
            ci_low: None,
            ci_high: None,
            ..e(7.0, Some(0.89))
        };
        assert_eq!(estimate(Some(&bare), false, Style::Terminal), "7 (se 1)");
        assert_eq!(estimate(Some(&bare), false, Style::Fixed), "7.00 (se 0.89)");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
