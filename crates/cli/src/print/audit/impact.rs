//! `credsim audit`'s sections on who is hit harder: disparate impact (measure 3, with
//! the capture contrasts and conditional parity) and fairness on ground truth (3b).

use super::section;
use crate::fmt::{by_name, thousands};
use crate::print::est;
use crate::term::outln;
use credsim_engine::Audit;

/// A ratio with its log-scale 95% interval: `1.34 [0.95, 1.88]`; `n/a` when null.
fn ratio_ci(e: &credsim_engine::Estimate) -> String {
    ratio_digits(e, 2)
}

/// The same with `d` decimals (favourable ratios sit close to 1 for rare sanctions).
fn ratio_digits(e: &credsim_engine::Estimate, d: usize) -> String {
    match (e.value, e.ci_low, e.ci_high) {
        (Some(v), Some(lo), Some(hi)) => format!("{v:.d$} [{lo:.d$}, {hi:.d$}]"),
        (Some(v), _, _) => format!("{v:.d$}"),
        _ => "n/a".into(),
    }
}

/// Measure 3.
pub(super) fn disparate_impact(a: &Audit) {
    section(
        3,
        "Disparate impact (against the reference category, over the eligible pool)",
    );
    for (attr, rows) in by_name(&a.disparate_impact) {
        outln!("   {attr}:");
        outln!(
            "     {:<12} {:>11} {:>16} {:>20} {:>23} {:>16} {:>5}",
            "category",
            "persons",
            "sanctioned",
            "relative risk",
            "favourable ratio",
            "parity diff (pp)",
            "4/5"
        );
        for r in rows.iter().filter(|r| r.eligible) {
            let (risk, fav, spd) = if r.reference {
                ("reference".to_string(), String::new(), String::new())
            } else {
                (
                    ratio_ci(&r.ratio_sanctioned),
                    ratio_digits(&r.favourable_ratio, 3),
                    est(Some(&r.statistical_parity_difference.scaled(100.0)), false),
                )
            };
            outln!(
                "     {:<12} {:>11} {:>16} {:>20} {:>23} {:>16} {:>5}",
                r.category,
                thousands(r.persons),
                est(Some(&r.rate_sanctioned), true),
                risk,
                fav,
                spd,
                if r.four_fifths { "FLAG" } else { "" },
            );
        }
        for r in rows.iter().filter(|r| !r.eligible) {
            outln!(
                "     {:<12} {:>11} {:>16}   not eligible: cannot be sanctioned by own conduct; pure error or spill-over",
                r.category,
                thousands(r.persons),
                est(Some(&r.rate_sanctioned), true),
            );
        }
        capture_contrasts(rows);
        conditional_parity(rows);
    }
}

/// Measure 3b: fairness on ground truth, per attribute and per pair of attributes.
pub(super) fn fairness(a: &Audit) {
    let f = &a.fairness;
    outln!(
        "\n3b. Fairness on ground truth (Ŷ ever sanctioned; Yᴱ sanctioned without data errors, Yᶜ a genuine violation)"
    );
    let errors = a.wrongful.is_some();
    if !errors {
        outln!("   Yᴱ not applicable: the scenario has no data errors");
    }
    let rewards = f
        .attributes
        .values()
        .flat_map(|s| &s.groups)
        .any(|g| g.reward_rate.value.is_some());
    if !rewards {
        outln!("   rewarded not applicable: the scenario has no reward treatment");
    }
    let pp = |e: &credsim_engine::Estimate| match e.value {
        Some(_) => format!("{} pp", est(Some(&e.scaled(100.0)), false)),
        None => "n/a (fewer than two groups with both rates)".into(),
    };
    let sets = by_name(&f.attributes)
        .into_iter()
        .chain(by_name(&f.intersections));
    for (name, s) in sets {
        outln!(
            "   {name} (reference {}): equalized-odds difference Yᴱ {}, Yᶜ {}",
            s.reference.as_deref().unwrap_or("none"),
            if errors {
                pp(&s.equalized_odds_difference_errors)
            } else {
                "not applicable".into()
            },
            pp(&s.equalized_odds_difference_conduct),
        );
        outln!(
            "     {:<34} {:>9} {:>15} {:>15} {:>15} {:>15} {:>15} {:>15} {:>15}",
            "group",
            "persons",
            "selected",
            "FPR Yᴱ",
            "FNR Yᴱ",
            "FPR Yᶜ",
            "FNR Yᶜ",
            "FDR Yᶜ",
            "rewarded"
        );
        for g in &s.groups {
            let head = format!("     {:<34} {:>9}", g.group, thousands(g.persons));
            if g.too_small {
                outln!(
                    "{head}   fewer than {} persons: no values",
                    f.min_cell_persons
                );
                continue;
            }
            if !g.eligible {
                outln!(
                    "{head} {:>15}   not eligible: no error rates",
                    est(Some(&g.selection_rate), true)
                );
                continue;
            }
            let e = |r: Option<&credsim_engine::audit::ErrorRates>, fpr: bool| {
                r.map_or("n/a".into(), |r| {
                    let x = if fpr {
                        &r.false_positive_rate
                    } else {
                        &r.false_negative_rate
                    };
                    est(Some(x), true)
                })
            };
            outln!(
                "{head} {:>15} {:>15} {:>15} {:>15} {:>15} {:>15} {:>15}",
                est(Some(&g.selection_rate), true),
                e(g.data_errors.as_ref(), true),
                e(g.data_errors.as_ref(), false),
                e(Some(&g.conduct), true),
                e(Some(&g.conduct), false),
                est(Some(&g.conduct.false_discovery_rate), true),
                est(Some(&g.reward_rate), true),
            );
        }
    }
}

/// Measure 3 under equal capture, at each level (attributes with capture
/// multipliers only).
fn capture_contrasts(rows: &[credsim_engine::audit::CategoryImpact]) {
    let Some(first) = rows.first().filter(|r| !r.equal_capture.is_empty()) else {
        return;
    };
    outln!("     with capture equalised (everyone watched as at the level named):");
    for (l, level) in first.equal_capture.iter().enumerate() {
        outln!("       at {}:", level.level);
        for r in rows.iter().filter(|r| r.eligible) {
            let Some(e) = r.equal_capture.get(l) else {
                continue;
            };
            let (risk, spd) = if r.reference {
                ("reference".to_string(), String::new())
            } else {
                (
                    ratio_ci(&e.ratio_sanctioned),
                    est(Some(&e.statistical_parity_difference.scaled(100.0)), false),
                )
            };
            outln!(
                "         {:<12} {:>16} {:>20} {:>16}   (as run: {}, {})",
                r.category,
                est(Some(&e.rate_sanctioned), true),
                risk,
                spd,
                est(Some(&r.rate_sanctioned), true),
                if r.reference {
                    "reference".to_string()
                } else {
                    ratio_ci(&r.ratio_sanctioned)
                },
            );
        }
    }
}

/// Conditional parity: the sanction rate by number of genuine violations.
fn conditional_parity(rows: &[credsim_engine::audit::CategoryImpact]) {
    let Some(first) = rows.first() else {
        return;
    };
    let classes: Vec<&str> = first
        .sanctioned_given_acts
        .iter()
        .map(|c| c.acts.as_str())
        .collect();
    outln!(
        "     sanctioned, given the number of genuine violations ({}):",
        classes.join(", ")
    );
    for r in rows {
        let cells: Vec<String> = r
            .sanctioned_given_acts
            .iter()
            .map(|c| {
                format!(
                    "{} (n {})",
                    est(Some(&c.rate_sanctioned), true),
                    thousands(c.persons)
                )
            })
            .collect();
        outln!("       {:<12} {}", r.category, cells.join("  "));
    }
}
