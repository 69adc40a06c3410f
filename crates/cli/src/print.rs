//! What credsim prints on the terminal: the preset list, the progress bar, the
//! readable summary of a run and the audit's few lines after it. The full audit and
//! the side-by-side table are in [`audit`] and [`table`].

mod audit;
mod table;

pub use audit::audit;
pub use table::audit_table;

use crate::fmt::{Style, estimate, pct, thousands};
use crate::output::RunInfo;
use crate::term::outln;
use credsim_engine::audit::Status;
use credsim_engine::summary::{Responses, Summary, Truth};
use credsim_engine::{Audit, Estimate};
use credsim_model::{Model, presets};
use indicatif::{ProgressBar, ProgressStyle};

/// `credsim presets`.
pub fn presets() {
    let width = presets::ALL.iter().map(|p| p.name.len()).max().unwrap_or(0);
    for p in presets::ALL {
        let default = if p.name == presets::DEFAULT {
            " (default)"
        } else {
            ""
        };
        outln!("{:width$}  {}{default}", p.name, p.summary);
    }
}

/// A progress bar over chunks of households (hidden when stderr is not a terminal).
pub fn progress_bar(model: &Model, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(model.persons);
    let style = ProgressStyle::with_template(
        "{prefix} [{bar:30}] {human_pos}/{human_len} persons · {per_sec} · ETA {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_prefix(format!(
        "{} · {} persons",
        model.name,
        thousands(model.persons)
    ));
    bar
}

/// The readable summary of a run.
pub fn summary(s: &Summary, info: &RunInfo) {
    outln!(
        "{} · seed {} · {} persons in {} households · {} days · credsim {}",
        s.scenario.name,
        s.seed,
        thousands(s.persons),
        thousands(s.households),
        s.days,
        s.credsim_version
    );
    outln!(
        "simulated in {:.2} s on {} threads: {} person-years/s, {} events/s",
        info.wall_seconds,
        info.threads,
        thousands(info.person_years_per_second as u64),
        thousands(info.events_per_second as u64)
    );
    if !s.final_state.grade_shares.is_empty() {
        outln!("\nGrades                share at end   persons ever   person-days");
        for (g, share) in &s.final_state.grade_shares {
            outln!(
                "  {:<18} {:>12}   {:>12}   {:>14}",
                g,
                pct(*share),
                thousands(s.persons_ever_in_grade[g]),
                thousands(s.person_days_by_grade[g])
            );
        }
        if let Some(mean) = s.final_state.mean_score {
            outln!("  mean score at end: {mean:.2}");
        }
    }
    if !s.listed.is_empty() {
        outln!("\nLists                 listed at end  persons ever   person-days");
        for (l, c) in &s.listed {
            outln!(
                "  {:<18} {:>12}   {:>12}   {:>14}",
                l,
                thousands(c.at_end),
                thousands(c.persons_ever),
                thousands(c.person_days)
            );
        }
    }
    for (title, map, verb) in [
        ("Sanctions", &s.sanctions, "denied"),
        ("Rewards", &s.rewards, "granted"),
    ] {
        let rows: Vec<_> = map.iter().filter(|(_, d)| !d.is_empty()).collect();
        if rows.is_empty() {
            continue;
        }
        outln!("\n{title:<21} applications  (household)  (cross-context)  {verb} attempts");
        for (d, c) in rows {
            outln!(
                "  {:<18} {:>12}  {:>11}  {:>15}  {:>15}",
                d,
                thousands(c.applications),
                thousands(c.household_applications),
                thousands(c.cross_context_applications),
                thousands(c.attempts)
            );
        }
    }
    outln!(
        "\nPersons ever sanctioned: {} ({}); ever under scrutiny: {}",
        thousands(s.sanctioned.persons_ever),
        pct(s.share_ever_sanctioned()),
        thousands(s.scrutiny.persons_ever)
    );
    let r = &s.records;
    outln!(
        "Records: {} ({} true, {} false, {} misattributed; {} still in the pipeline at the end)",
        thousands(r.total),
        thousands(r.true_),
        thousands(r.false_),
        thousands(r.misattributed),
        thousands(r.pending_at_end)
    );
    if let Some(x) = &s.responses {
        responses(x);
    }
}

/// The run's appeals, repair and responses, as counted in the factual run.
fn responses(x: &Responses) {
    let pair = |t: Truth| {
        format!(
            "{} ({} genuine, {} erroneous)",
            thousands(t.total()),
            thousands(t.genuine),
            thousands(t.erroneous)
        )
    };
    outln!("\nResponses");
    outln!("  adverse records           {}", pair(x.adverse_records));
    if x.appeals_filed.total() > 0 {
        outln!("  appeals filed             {}", pair(x.appeals_filed));
        outln!(
            "  appeals decided           {}; upheld {}; waiting at the end {}; mean wait {} days",
            thousands(x.appeals_decided.total()),
            thousands(x.appeals_upheld.total()),
            thousands(x.appeals_waiting_at_end),
            x.mean_wait_days.map_or("n/a".into(), |d| format!("{d:.1}"))
        );
    }
    if x.repaired.total() > 0 {
        outln!("  repaired                  {}", pair(x.repaired));
    }
    let (c, p) = (x.candidate_acts, x.performed_acts);
    if x.suppressed_acts() {
        let change = |change: Option<f64>| {
            change.map_or("n/a".to_string(), |c| format!("{:+.2}%", 100.0 * c))
        };
        outln!(
            "  violations                {} of {} that would happen without responses ({})",
            thousands(p.violations),
            thousands(c.violations),
            change(x.change_in_violations())
        );
        outln!(
            "  protected conduct         {} of {} ({})",
            thousands(p.protected),
            thousands(c.protected),
            change(x.change_in_protected_conduct())
        );
    }
    if x.association_entries > 0 {
        outln!(
            "  listed through contacts   {} entries",
            thousands(x.association_entries)
        );
    }
}

/// An estimate in the terminal's style.
fn est(e: Option<&Estimate>, percent: bool) -> String {
    estimate(e, percent, Style::Terminal)
}

/// Whether a section's mechanism acted; says so when it did not.
fn acted(status: Status, name: &str) -> bool {
    if status == Status::NotTriggered {
        outln!("  {name}: not triggered (the mechanism never acted in this run)");
    }
    status == Status::Acted
}

/// The few audit lines shown after a run.
/// The key measures of a replicate set: mean over the seeds, its t interval, and the
/// spread between seeds next to the runs' own standard errors.
pub fn pooled(audits: &[Audit], r: u64) {
    if audits.is_empty() {
        outln!("{r} replicates (no audit); pooled.json has the summary's numbers pooled");
        return;
    }
    outln!(
        "Pooled over {r} seeds (mean [95% interval over seeds]; sd between seeds vs mean within-run se):"
    );
    for m in crate::measures::MEASURES {
        let Some(label) = m.table else { continue };
        let picked: Vec<&Estimate> = audits.iter().filter_map(|a| (m.get)(a)).collect();
        let values: Vec<f64> = picked.iter().filter_map(|e| e.value).collect();
        if values.is_empty() {
            continue;
        }
        let ses: Vec<f64> = picked.iter().filter_map(|e| e.se).collect();
        let p = credsim_engine::pool::pooled(&values, Some(&ses));
        let show = |x: Option<f64>| {
            let e = Estimate {
                value: x,
                ..Estimate::default()
            };
            estimate(Some(&e), m.percent, Style::Terminal)
        };
        outln!(
            "  {label}: {} [{}, {}]; sd {} vs se {} ({} runs)",
            show(p.mean),
            show(p.ci_low),
            show(p.ci_high),
            show(p.sd_between_seeds),
            show(p.mean_within_se),
            p.runs
        );
    }
}

pub fn audit_brief(a: &Audit) {
    outln!(
        "Audit (± 95% interval; `credsim audit FOLDER` shows all of it, docs/audit.md defines it)"
    );
    if let Some(w) = a
        .wrongful
        .as_ref()
        .filter(|x| acted(x.status, "wrongful sanctions"))
    {
        outln!(
            "  wrongly sanctioned (only because of false or misattributed records): {} persons, {} of sanction-days (net)",
            est(Some(&w.persons_wrongly_sanctioned), false),
            est(Some(&w.net_share_of_sanction_days_caused_by_errors), true)
        );
    }
    let c = &a.cross_context;
    outln!(
        "  cross-context (no own record counted as cross-context): {} of sanction applications, {} of denied attempts",
        est(Some(&c.share_of_applications), true),
        est(Some(&c.share_of_denied_attempts), true)
    );
    if let Some(j) = &c.joint_punishment {
        outln!(
            "  joint punishment (causal, against every scope \"own\"): {} of sanction-days",
            est(Some(&j.share_of_sanction_days), true)
        );
    }
    if let Some(p) = a
        .protected_conduct
        .as_ref()
        .filter(|x| acted(x.status, "protected conduct"))
    {
        outln!(
            "  protected conduct: {} of sanction-days, {} of points deducted",
            est(Some(&p.share_of_sanction_days), true),
            est(Some(&p.share_of_deductions), true)
        );
    }
    outln!(
        "  sanctioned only through a household member: {} persons",
        est(Some(&a.household_spillover.persons), false)
    );
    if let Some(s) = a
        .scrutiny_feedback
        .as_ref()
        .filter(|x| acted(x.status, "scrutiny feedback"))
    {
        outln!(
            "  scrutiny feedback: {} of records, {} of sanction-days",
            est(Some(&s.share_of_records), true),
            est(Some(&s.share_of_sanction_days), true)
        );
    }
    if let Some((attr, r)) = a.largest_sanction_ratio() {
        outln!(
            "  largest sanction-rate ratio: {attr} = {}, {} × the reference category",
            r.category,
            est(Some(&r.ratio_sanctioned), false)
        );
    }
    let k = &a.concentration;
    outln!(
        "  concentration: {} have a sanction-day; among them Gini {}, top 1% bear {}; over everyone Gini {}",
        est(Some(&k.prevalence), true),
        est(Some(&k.gini_among_sanctioned), false),
        est(Some(&k.top_1_percent_share_among_sanctioned), true),
        est(Some(&k.gini), false)
    );
    if let Some(x) = a.appeals.as_ref().filter(|x| acted(x.status, "appeals")) {
        if x.queue_unstable {
            outln!(
                "  appeals: utilisation {} (filed / capacity): UNSTABLE, the queue grows without bound",
                est(Some(&x.utilisation), false)
            );
        }
        outln!(
            "  appeals: {} of erroneous adverse records corrected within 365 days; queueing kept {} sanction-days ({} wrongful)",
            est(
                Some(&x.share_of_erroneous_records_corrected_within_365_days),
                true
            ),
            est(Some(&x.sanction_days_due_to_queueing), false),
            est(Some(&x.wrongful_sanction_days_due_to_queueing), false)
        );
    }
    if let Some(r) = a
        .responses
        .as_ref()
        .filter(|x| acted(x.status, "responses"))
    {
        outln!(
            "  responses: violations {}, protected conduct {} against no responses",
            est(Some(&r.change_in_violations), true),
            est(Some(&r.change_in_protected_conduct), true)
        );
    }
    if let Some(c) = a
        .association
        .as_ref()
        .filter(|x| acted(x.status, "association"))
    {
        outln!(
            "  association: {} persons sanctioned only through their contacts",
            est(Some(&c.persons_sanctioned_only_through_contacts), false)
        );
    }
}
