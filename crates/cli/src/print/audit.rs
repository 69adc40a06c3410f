//! `credsim audit FOLDER`: every measure of a typed audit, section by section.

use super::est;
use crate::fmt::{by_name, thousands};
use crate::term::{out, outln};
use credsim_engine::Audit;
use credsim_engine::audit::{CrossContext, Mobility, Status, Stays};

mod impact;
mod tampering;

use impact::{disparate_impact, fairness};

fn section(n: u32, title: &str) {
    outln!("\n{n}. {title}");
}

/// A mechanism the scenario has that never acted: its measures are not applicable.
fn not_triggered(why: &str) {
    outln!("   not triggered: {why} (its measures are not applicable)");
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
        "counterfactuals run: {}",
        if a.counterfactuals.is_empty() {
            "none".to_string()
        } else {
            a.counterfactuals.join(", ")
        }
    );
    intervals(a);
    errors_and_contexts(a);
    disparate_impact(a);
    fairness(a);
    section(4, "Protected conduct");
    match &a.protected_conduct {
        Some(p) if p.status == Status::NotTriggered => {
            not_triggered("no record of protected conduct was ever filed")
        }
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
        "Amplification (attribution, not a causal effect: per genuine recorded violation, by domain of origin)",
    );
    outln!(
        "   days under at least one sanction with a record of the domain among its causes, per record"
    );
    for (d, x) in by_name(&a.amplification) {
        outln!(
            "   {:<20} {:>10} records   {:>18} sanction-days   {:>16} denied attempts",
            d,
            thousands(x.genuine_records),
            est(Some(&x.sanction_days_per_genuine_record), false),
            est(Some(&x.denied_attempts_per_record), false)
        );
    }
    spillover_and_scrutiny(a);
    mobility(&a.mobility);
    section(9, "Concentration of sanction-days");
    let c = &a.concentration;
    line(
        "prevalence s: share with any sanction-day",
        est(Some(&c.prevalence), true),
    );
    line(
        "Gini G₊ among those with sanction-days",
        est(Some(&c.gini_among_sanctioned), false),
    );
    line(
        "  share borne by the top 1% of them",
        est(Some(&c.top_1_percent_share_among_sanctioned), true),
    );
    line(
        "Gini over everyone (= 1 − s(1 − G₊))",
        est(Some(&c.gini), false),
    );
    line(
        "  share borne by the top 1% of all persons",
        est(Some(&c.top_1_percent_share), true),
    );
    appeals(a);
    responses_and_association(a);
    disproportion(a);
    tampering::tampering(a);
    leaks(a); // measure 16 (issue 17)
}

/// Measure 16: record-store leaks (absent without `[[leaks]]`).
fn leaks(a: &Audit) {
    let Some(x) = &a.leaks else {
        return;
    };
    section(16, "Record-store leaks");
    for l in &x.leaks {
        outln!("   leak `{}`", l.name);
        for (label, value) in crate::leaks::rows(l, x.scale) {
            line(&label, value);
        }
        for r in crate::leaks::set_rows(l, x.scale) {
            outln!("   {}", r[0]);
            for (h, v) in crate::leaks::SET_HEADER.iter().zip(&r).skip(1) {
                line(&format!("  {h}"), v.clone());
            }
        }
    }
    outln!("   {}", crate::leaks::note(x));
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

/// How the intervals were formed, and a warning when the jackknife groups are few.
fn intervals(a: &Audit) {
    let k = a.jackknife_groups;
    match a.intervals.t_quantile {
        Some(t) => outln!(
            "intervals: ± t(k−1) = {t:.3} jackknife standard errors over k = {k} groups of households"
        ),
        None => outln!(
            "intervals: none (k = {k} jackknife groups of households, fewer than {}); standard errors shown as (se …)",
            credsim_engine::MIN_GROUPS_FOR_INTERVAL
        ),
    }
    if k < credsim_engine::FEW_GROUPS {
        outln!(
            "warning: only {k} jackknife groups: standard errors are rough{}; a group is about {} persons, so about {} persons give {} groups",
            if a.intervals.t_quantile.is_some() {
                " and intervals wide"
            } else {
                ""
            },
            thousands(u64::from(credsim_engine::population::CHUNK_PERSONS)),
            thousands(
                u64::from(credsim_engine::population::CHUNK_PERSONS)
                    * credsim_engine::FEW_GROUPS as u64
            ),
            credsim_engine::FEW_GROUPS
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
        Some(w) if w.status == Status::NotTriggered => {
            not_triggered("no false or misattributed record was ever filed")
        }
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
                    "  gross share of sanction-days (days errors added)",
                    &w.gross_share_of_sanction_days,
                    true,
                ),
                (
                    "persons sanctioned only without errors (spared by them)",
                    &w.persons_spared_by_errors,
                    false,
                ),
                (
                    "person-days spared by data errors",
                    &w.person_days_spared_by_errors,
                    false,
                ),
                (
                    "net share of sanction-days caused by data errors",
                    &w.net_share_of_sanction_days_caused_by_errors,
                    true,
                ),
                (
                    "persons listed only because of data errors",
                    &w.persons_wrongly_listed,
                    false,
                ),
            ] {
                line(label, est(Some(e), percent));
            }
            outln!("   wrongly sanctioned by path (persons, excess person-days):");
            for (path, p) in &w.by_path {
                line(
                    &format!("  {path}"),
                    format!(
                        "{} persons, {} person-days",
                        est(Some(&p.persons), false),
                        est(Some(&p.person_days), false)
                    ),
                );
            }
        }
        None => outln!("   the scenario has no false or misattributed records"),
    }
    cross_context(&a.cross_context);
}

/// Measure 2: the Art. 5(1)(c)(i) shares, the three-way split, the domain map and the
/// causal contrast.
fn cross_context(c: &CrossContext) {
    section(2, "Cross-context punishment");
    outln!("   Art. 5(1)(c)(i) shares (\"no own record\" counted as cross-context):");
    for (label, e) in [
        ("share of sanction applications", &c.share_of_applications),
        ("share of denied attempts", &c.share_of_denied_attempts),
        (
            "share of persons ever sanctioned",
            &c.share_of_sanctioned_persons,
        ),
        ("share of sanction-days", &c.share_of_sanction_days),
    ] {
        line(label, est(Some(e), true));
    }
    outln!(
        "   {:<32} {:>16} {:>16} {:>16}",
        "split (labelled)",
        "in context",
        "cross-context",
        "no own record"
    );
    for (label, x) in [
        ("applications", &c.applications),
        ("denied attempts", &c.denied_attempts),
        ("persons ever sanctioned", &c.sanctioned_persons),
        ("sanction-days", &c.sanction_days),
    ] {
        outln!(
            "   {:<32} {:>16} {:>16} {:>16}",
            format!("{label} ({})", thousands(x.total)),
            est(Some(&x.in_context), true),
            est(Some(&x.cross_context), true),
            est(Some(&x.no_own_record), true)
        );
    }
    outln!("   domain map (record domain -> service domains its records can reach):");
    if c.domain_map.is_empty() {
        outln!("     no record reaches a sanction");
    }
    for (from, to) in &c.domain_map {
        outln!("     {from} -> {}", to.join(", "));
    }
    if let Some(v) = c.labelled_share_by_construction {
        outln!(
            "   warning: the domains make the labelled cross-context share {} by construction ({}); it describes the taxonomy, not the regime",
            if v == 0.0 { "0" } else { "1" },
            if v == 0.0 {
                "every record domain reaches only services of its own domain"
            } else {
                "no record domain reaches a service of its own domain"
            }
        );
    }
    match &c.joint_punishment {
        Some(j) => {
            outln!("   causal (against every treatment of scope \"own\"):");
            line(
                "persons sanctioned only through joint punishment",
                est(Some(&j.persons_sanctioned_only_through_scope), false),
            );
            line(
                "  share of persons ever sanctioned",
                est(Some(&j.share_of_sanctioned_persons), true),
            );
            line(
                "sanction-days only through joint punishment",
                est(Some(&j.sanction_days_only_through_scope), false),
            );
            line(
                "  share of sanction-days",
                est(Some(&j.share_of_sanction_days), true),
            );
        }
        None => outln!("   causal: not applicable (no sanction of scope \"all\")"),
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
        Some(s) if s.status == Status::NotTriggered => {
            not_triggered("nobody was ever under heightened scrutiny")
        }
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
    if x.status == Status::NotTriggered {
        return not_triggered("no appeal was ever filed and no record repaired");
    }
    line(
        "erroneous adverse records",
        thousands(x.erroneous_adverse_records),
    );
    line(
        &format!(
            "  corrected within 365 days (of {} followed that long)",
            thousands(x.erroneous_records_followed_365_days)
        ),
        est(
            Some(&x.share_of_erroneous_records_corrected_within_365_days),
            true,
        ),
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
    appeal_queue(x);
    for (label, e) in [
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

/// The review office: utilisation, and waits with pending appeals censored.
fn appeal_queue(x: &credsim_engine::audit::AppealsAudit) {
    if let Some(c) = x.review_capacity {
        line(
            &format!(
                "utilisation: appeals filed / {} reviews possible",
                thousands(c)
            ),
            format!(
                "{}{}",
                est(Some(&x.utilisation), false),
                if x.queue_unstable {
                    "  UNSTABLE: the queue grows without bound"
                } else {
                    ""
                }
            ),
        );
    }
    for (label, e) in [
        (
            "days from filing to decision: median (Kaplan–Meier)",
            &x.wait_median_days,
        ),
        ("  90th percentile", &x.wait_p90_days),
    ] {
        let v = if e.value.is_some() {
            est(Some(e), false)
        } else {
            "not reached".to_string()
        };
        line(label, v);
    }
    if x.queue_unstable {
        outln!(
            "   (with the queue unstable there is no steady waiting time: these waits grow with the horizon)"
        );
    }
    line(
        &format!(
            "  mean, decided only ({} pending left out)",
            thousands(x.appeals_pending_at_end)
        ),
        est(Some(&x.mean_wait_days), false),
    );
}

/// Measures 11 and 12.
fn responses_and_association(a: &Audit) {
    section(
        11,
        "Behavioural responses (same regime, people not responding)",
    );
    match &a.responses {
        Some(r) if r.status == Status::NotTriggered => {
            not_triggered("no act was ever deterred or chilled")
        }
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
        Some(c) if c.status == Status::NotTriggered => {
            not_triggered("no contacts trigger ever acted")
        }
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
