//! `credsim audit FOLDER`: every measure of a typed audit, section by section.

use super::est;
use crate::fmt::{by_name, thousands};
use crate::term::{out, outln};
use credsim_engine::Audit;
use credsim_engine::audit::{Mobility, Stays};

fn section(n: u32, title: &str) {
    outln!("\n{n}. {title}");
}

fn line(label: &str, value: String) {
    outln!("   {label:<58} {value}");
}

/// Prints the whole audit.
pub fn audit(a: &Audit) {
    outln!(
        "Audit of {} · seed {} · {} persons · credsim {}",
        a.scenario,
        a.seed,
        thousands(a.persons),
        a.credsim_version
    );
    outln!(
        "counterfactuals run: {} · intervals are ± 1.96 jackknife standard errors over {} groups of households",
        a.counterfactuals.join(", "),
        a.jackknife_groups
    );
    errors_and_contexts(a);
    disparate_impact(a);
    section(4, "Protected conduct");
    match &a.protected_conduct {
        Some(p) => {
            line(
                "share of points deducted",
                est(Some(&p.share_of_deductions), true),
            );
            line(
                "share of listed persons listed only because of it",
                est(Some(&p.share_of_listed_persons), true),
            );
            line(
                "share of sanction-days that exist only because of it",
                est(Some(&p.share_of_sanction_days), true),
            );
        }
        None => outln!("   the scenario marks no behaviour as protected"),
    }
    section(
        5,
        "Amplification (per genuine recorded violation, by domain of origin)",
    );
    for (d, x) in by_name(&a.amplification) {
        outln!(
            "   {:<20} {:>10} records   {:>18} sanction-days   {:>16} denied attempts",
            d,
            thousands(x.genuine_records),
            est(Some(&x.sanction_days_per_record), false),
            est(Some(&x.denied_attempts_per_record), false)
        );
    }
    spillover_and_scrutiny(a);
    mobility(&a.mobility);
    section(9, "Concentration of sanction-days");
    line("Gini coefficient", est(Some(&a.concentration.gini), false));
    line(
        "share borne by the top 1% of persons",
        est(Some(&a.concentration.top_1_percent_share), true),
    );
    appeals(a);
    responses_and_association(a);
    disproportion(a);
}

/// Measure 13.
fn disproportion(a: &Audit) {
    section(
        13,
        "Disproportion (gravity of the genuine conduct behind sanctions)",
    );
    let Some(d) = &a.disproportion else {
        outln!("   not in this audit (written before the measure existed)");
        return;
    };
    line(
        "sanctioned persons with no conduct of any gravity",
        est(Some(&d.unjustified_share_of_sanctioned_persons), true),
    );
    line(
        "  their share of sanction-days",
        est(Some(&d.unjustified_share_of_sanction_days), true),
    );
    match (d.minor_gravity, &d.minor_only_share_of_sanctioned_persons) {
        (Some(t), Some(p)) => {
            line(
                &format!("sanctioned persons with only minor conduct (gravity < {t})"),
                est(Some(p), true),
            );
            line(
                "  their share of sanction-days",
                est(d.minor_only_share_of_sanction_days.as_ref(), true),
            );
        }
        _ => outln!("   minor conduct: not applicable (the scenario states no `minor_gravity`)"),
    }
    for c in &d.by_class {
        outln!(
            "   {:<10} {:>12} persons   {:>16} sanctioned   {:>20} sanction-days ({})",
            c.class,
            thousands(c.persons),
            est(Some(&c.persons_sanctioned), false),
            est(Some(&c.sanction_days), false),
            est(Some(&c.share_of_sanction_days), true)
        );
    }
}

/// Measures 1 and 2.
fn errors_and_contexts(a: &Audit) {
    section(
        1,
        "Wrongful sanctions (same lives without false and misattributed records)",
    );
    match &a.wrongful {
        Some(w) => {
            for (label, e, percent) in [
                (
                    "persons sanctioned only because of data errors",
                    &w.persons_wrongly_sanctioned,
                    false,
                ),
                (
                    "  share of all persons ever sanctioned",
                    &w.share_of_sanctioned_persons,
                    true,
                ),
                (
                    "person-days wrongly sanctioned",
                    &w.person_days_wrongly_sanctioned,
                    false,
                ),
                (
                    "share of sanction-days caused by data errors",
                    &w.share_of_sanction_days_caused_by_errors,
                    true,
                ),
                (
                    "persons sanctioned only without errors (spared by them)",
                    &w.persons_spared_by_errors,
                    false,
                ),
                (
                    "persons listed only because of data errors",
                    &w.persons_wrongly_listed,
                    false,
                ),
            ] {
                line(label, est(Some(e), percent));
            }
        }
        None => outln!("   the scenario has no false or misattributed records"),
    }
    section(2, "Cross-context punishment");
    line(
        "share of sanction applications",
        est(Some(&a.cross_context.share_of_applications), true),
    );
    line(
        "share of denied attempts",
        est(Some(&a.cross_context.share_of_denied_attempts), true),
    );
}

/// Measure 3.
fn disparate_impact(a: &Audit) {
    section(
        3,
        "Disparate impact (sanction rate relative to the most favoured category)",
    );
    for (attr, rows) in by_name(&a.disparate_impact) {
        outln!("   {attr}:");
        outln!(
            "     {:<12} {:>11} {:>16} {:>16} {:>5} {:>16} {:>18}",
            "category",
            "persons",
            "sanctioned",
            "ratio",
            "4/5",
            "equal capture",
            "due to capture"
        );
        for r in rows {
            outln!(
                "     {:<12} {:>11} {:>16} {:>16} {:>5} {:>16} {:>18}",
                r.category,
                thousands(r.persons),
                est(Some(&r.rate_sanctioned), true),
                est(Some(&r.ratio_sanctioned), false),
                if r.four_fifths_flag { "FLAG" } else { "" },
                est(Some(&r.ratio_sanctioned_equal_capture), false),
                est(Some(&r.share_explained_by_capture), true),
            );
        }
    }
}

/// Measures 6 and 7.
fn spillover_and_scrutiny(a: &Audit) {
    section(6, "Household spill-over");
    let h = &a.household_spillover;
    line(
        "persons sanctioned only through a household member",
        est(Some(&h.persons), false),
    );
    line(
        "  share of all persons ever sanctioned",
        est(Some(&h.share_of_sanctioned_persons), true),
    );
    line("  their sanction-days", est(Some(&h.person_days), false));
    section(
        7,
        "Scrutiny feedback (same lives without heightened scrutiny)",
    );
    match &a.scrutiny_feedback {
        Some(s) => {
            line(
                "records that exist only because of scrutiny",
                est(Some(&s.extra_records), false),
            );
            line(
                "  share of all records",
                est(Some(&s.share_of_records), true),
            );
            line(
                "share of sanction-days caused by scrutiny",
                est(Some(&s.share_of_sanction_days), true),
            );
            line(
                "persons sanctioned only because of scrutiny",
                est(Some(&s.persons_sanctioned_because_of_scrutiny), false),
            );
        }
        None => outln!("   the scenario has no heightened scrutiny"),
    }
}

/// Measure 8.
fn mobility(m: &Mobility) {
    section(8, "Mobility");
    if !m.grades.is_empty() {
        outln!("   year-end to next year-end (row shares):");
        out!("     {:<8}", "from\\to");
        for g in &m.grades {
            out!("{g:>10}");
        }
        outln!();
        for (a, row) in m.transition_shares.iter().enumerate() {
            out!("     {:<8}", m.grades.get(a).map_or("?", String::as_str));
            for x in row {
                match x {
                    Some(x) => out!("{:>9.2}%", 100.0 * x),
                    None => out!("{:>10}", "-"),
                }
            }
            outln!();
        }
    }
    let stays: [(&Stays, &str); 2] = [(&m.lowest_grade, "lowest grade"), (&m.lists, "any list")];
    for (s, label) in stays {
        outln!(
            "   first stay in the {label}: {} entered; median {} days, 90th percentile {} days, {} never left",
            thousands(s.entered),
            est(Some(&s.median_days), false),
            est(Some(&s.p90_days), false),
            est(Some(&s.share_never_leaving), true)
        );
    }
}

/// Measure 10.
fn appeals(a: &Audit) {
    section(10, "Appeals and credit repair");
    let Some(x) = &a.appeals else {
        outln!("   the scenario has no appeals or repair");
        return;
    };
    line(
        "erroneous adverse records",
        thousands(x.erroneous_adverse_records),
    );
    line(
        "  share never corrected by appeal or repair",
        est(Some(&x.share_of_erroneous_records_never_corrected), true),
    );
    line(
        "share of genuine adverse records removed",
        est(Some(&x.share_of_genuine_records_removed), true),
    );
    line(
        "appeals filed / decided / upheld / waiting at the end",
        format!(
            "{} / {} / {} / {}",
            thousands(x.appeals_filed),
            thousands(x.appeals_decided),
            thousands(x.appeals_upheld),
            thousands(x.queue_at_end)
        ),
    );
    for (label, e) in [
        ("mean days from filing to decision", &x.mean_wait_days),
        (
            "sanction-days appeals and repair removed",
            &x.sanction_days_removed,
        ),
        (
            "  of which wrongful (caused by data errors)",
            &x.wrongful_sanction_days_removed,
        ),
        (
            "sanction-days kept in force by queueing",
            &x.sanction_days_due_to_queueing,
        ),
        (
            "  of which wrongful",
            &x.wrongful_sanction_days_due_to_queueing,
        ),
    ] {
        line(label, est(Some(e), false));
    }
}

/// Measures 11 and 12.
fn responses_and_association(a: &Audit) {
    section(
        11,
        "Behavioural responses (same regime, people not responding)",
    );
    match &a.responses {
        Some(r) => {
            for (label, e) in [
                (
                    "change in genuine violations (deterrence)",
                    &r.change_in_violations,
                ),
                (
                    "change in protected conduct (chilling)",
                    &r.change_in_protected_conduct,
                ),
                ("change in sanction-days", &r.change_in_sanction_days),
                (
                    "change in persons ever sanctioned",
                    &r.change_in_persons_sanctioned,
                ),
            ] {
                line(label, est(Some(e), true));
            }
        }
        None => outln!("   the scenario has no deterrence or chilling"),
    }
    section(
        12,
        "Association punishment (same lives without contacts triggers)",
    );
    match &a.association {
        Some(c) => {
            for (label, e, percent) in [
                (
                    "persons sanctioned only through their contacts",
                    &c.persons_sanctioned_only_through_contacts,
                    false,
                ),
                (
                    "  share of all persons ever sanctioned",
                    &c.share_of_sanctioned_persons,
                    true,
                ),
                (
                    "persons listed only through their contacts",
                    &c.persons_listed_only_through_contacts,
                    false,
                ),
                (
                    "share of sanction-days caused by contacts triggers",
                    &c.share_of_sanction_days,
                    true,
                ),
            ] {
                line(label, est(Some(e), percent));
            }
        }
        None => outln!("   the scenario has no contacts triggers"),
    }
}
