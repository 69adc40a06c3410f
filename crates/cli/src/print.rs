//! What credsim prints on the terminal: the preset list, the progress bar and the
//! readable summary table of a run.

use crate::output::RunInfo;
use credsim_engine::summary::Summary;
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
        println!("{:width$}  {}{default}", p.name, p.summary);
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

fn pct(x: f64) -> String {
    format!("{:.2}%", 100.0 * x)
}

/// The readable summary of a run.
pub fn summary(s: &Summary, info: &RunInfo) {
    println!(
        "{} · seed {} · {} persons in {} households · {} days · credsim {}",
        s.scenario.name,
        s.seed,
        thousands(s.persons),
        thousands(s.households),
        s.days,
        s.credsim_version
    );
    println!(
        "simulated in {:.2} s on {} threads: {} person-years/s, {} events/s",
        info.wall_seconds,
        info.threads,
        thousands(info.person_years_per_second as u64),
        thousands(info.events_per_second as u64)
    );
    if !s.final_state.grade_shares.is_empty() {
        println!("\nGrades                share at end   persons ever   person-days");
        for (g, share) in &s.final_state.grade_shares {
            println!(
                "  {:<18} {:>12}   {:>12}   {:>14}",
                g,
                pct(*share),
                thousands(s.persons_ever_in_grade[g]),
                thousands(s.person_days_by_grade[g])
            );
        }
        if let Some(mean) = s.final_state.mean_score {
            println!("  mean score at end: {mean:.2}");
        }
    }
    if !s.listed.is_empty() {
        println!("\nLists                 listed at end  persons ever   person-days");
        for (l, c) in &s.listed {
            println!(
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
        let rows: Vec<_> = map
            .iter()
            .filter(|(_, d)| d.applications + d.household_applications + d.attempts > 0)
            .collect();
        if rows.is_empty() {
            continue;
        }
        println!("\n{title:<21} applications  (household)  (cross-context)  {verb} attempts");
        for (d, c) in rows {
            println!(
                "  {:<18} {:>12}  {:>11}  {:>15}  {:>15}",
                d,
                thousands(c.applications),
                thousands(c.household_applications),
                thousands(c.cross_context_applications),
                thousands(c.attempts)
            );
        }
    }
    println!(
        "\nPersons ever sanctioned: {} ({}); ever under scrutiny: {}",
        thousands(s.sanctioned.persons_ever),
        pct(s.sanctioned.persons_ever as f64 / s.persons as f64),
        thousands(s.scrutiny.persons_ever)
    );
    let r = &s.records;
    println!(
        "Records: {} ({} true, {} false, {} misattributed; {} still in the pipeline at the end)",
        thousands(r.total),
        thousands(r.true_),
        thousands(r.false_),
        thousands(r.misattributed),
        thousands(r.pending_at_end)
    );
    if let Some(x) = &s.responses {
        let pair = |t: credsim_engine::summary::Truth| {
            format!(
                "{} ({} genuine, {} erroneous)",
                thousands(t.genuine + t.erroneous),
                thousands(t.genuine),
                thousands(t.erroneous)
            )
        };
        println!(
            "
Responses"
        );
        println!("  adverse records           {}", pair(x.adverse_records));
        if x.appeals_filed.genuine + x.appeals_filed.erroneous > 0 {
            println!("  appeals filed             {}", pair(x.appeals_filed));
            println!(
                "  appeals decided           {}; upheld {}; waiting at the end {}; mean wait {} days",
                thousands(x.appeals_decided.genuine + x.appeals_decided.erroneous),
                thousands(x.appeals_upheld.genuine + x.appeals_upheld.erroneous),
                thousands(x.appeals_waiting_at_end),
                x.mean_wait_days.map_or("n/a".into(), |d| format!("{d:.1}"))
            );
        }
        if x.repaired.genuine + x.repaired.erroneous > 0 {
            println!("  repaired                  {}", pair(x.repaired));
        }
        let (c, p) = (x.candidate_acts, x.performed_acts);
        if c.violations + c.protected > p.violations + p.protected {
            let change = |p: u64, c: u64| {
                if c == 0 {
                    "n/a".to_string()
                } else {
                    format!("{:+.2}%", 100.0 * (p as f64 / c as f64 - 1.0))
                }
            };
            println!(
                "  violations                {} of {} that would happen without responses ({})",
                thousands(p.violations),
                thousands(c.violations),
                change(p.violations, c.violations)
            );
            println!(
                "  protected conduct         {} of {} ({})",
                thousands(p.protected),
                thousands(c.protected),
                change(p.protected, c.protected)
            );
        }
        if x.association_entries > 0 {
            println!(
                "  listed through contacts   {} entries",
                thousands(x.association_entries)
            );
        }
    }
}

/// An estimate from audit.json as "value ± 1.96·se", as a percentage or a number.
fn est(v: &serde_json::Value, percent: bool) -> String {
    let Some(x) = v["value"].as_f64() else {
        return "n/a".into();
    };
    let (x, se, unit) = if percent {
        (100.0 * x, v["se"].as_f64().map(|s| 100.0 * s), "%")
    } else {
        (x, v["se"].as_f64(), "")
    };
    let whole = !percent && x.fract() == 0.0 && se.is_none_or(|s| s >= 0.5 || s == 0.0);
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
    match se {
        Some(se) => format!("{}{unit} ± {}", show(x), show(1.96 * se)),
        None => format!("{}{unit}", show(x)),
    }
}

/// The few audit lines shown after a run.
pub fn audit_brief(a: &credsim_engine::Audit) {
    let v = serde_json::to_value(a).unwrap_or_default();
    println!(
        "Audit (± 95% interval; `credsim audit FOLDER` shows all of it, docs/audit.md defines it)"
    );
    if v["wrongful"].is_object() {
        let w = &v["wrongful"];
        println!(
            "  wrongly sanctioned (only because of false or misattributed records): {} persons, {} of sanction-days",
            est(&w["persons_wrongly_sanctioned"], false),
            est(&w["share_of_sanction_days_caused_by_errors"], true)
        );
    }
    println!(
        "  cross-context: {} of sanction applications, {} of denied attempts",
        est(&v["cross_context"]["share_of_applications"], true),
        est(&v["cross_context"]["share_of_denied_attempts"], true)
    );
    if v["protected_conduct"].is_object() {
        println!(
            "  protected conduct: {} of sanction-days, {} of points deducted",
            est(&v["protected_conduct"]["share_of_sanction_days"], true),
            est(&v["protected_conduct"]["share_of_deductions"], true)
        );
    }
    println!(
        "  sanctioned only through a household member: {} persons",
        est(&v["household_spillover"]["persons"], false)
    );
    if v["scrutiny_feedback"].is_object() {
        println!(
            "  scrutiny feedback: {} of records, {} of sanction-days",
            est(&v["scrutiny_feedback"]["share_of_records"], true),
            est(&v["scrutiny_feedback"]["share_of_sanction_days"], true)
        );
    }
    let mut worst: Option<(String, String, f64, String)> = None;
    if let Some(attrs) = v["disparate_impact"].as_object() {
        for (attr, rows) in attrs {
            for r in rows.as_array().into_iter().flatten() {
                let x = r["ratio_sanctioned"]["value"].as_f64().unwrap_or(0.0);
                if worst.as_ref().is_none_or(|w| x > w.2) {
                    worst = Some((
                        attr.clone(),
                        r["category"].as_str().unwrap_or("?").into(),
                        x,
                        est(&r["ratio_sanctioned"], false),
                    ));
                }
            }
        }
    }
    if let Some((attr, cat, x, shown)) = worst
        && x > 0.0
    {
        println!(
            "  largest sanction-rate ratio: {attr} = {cat}, {shown} × the most favoured category"
        );
    }
    println!(
        "  concentration: Gini of sanction-days {}, top 1% bear {}",
        est(&v["concentration"]["gini"], false),
        est(&v["concentration"]["top_1_percent_share"], true)
    );
    let a = &v["appeals"];
    if a.is_object() {
        println!(
            "  appeals: {} of erroneous adverse records never corrected; queueing kept {} sanction-days ({} wrongful)",
            est(&a["share_of_erroneous_records_never_corrected"], true),
            est(&a["sanction_days_due_to_queueing"], false),
            est(&a["wrongful_sanction_days_due_to_queueing"], false)
        );
    }
    let r = &v["responses"];
    if r.is_object() {
        println!(
            "  responses: violations {}, protected conduct {} against no responses",
            est(&r["change_in_violations"], true),
            est(&r["change_in_protected_conduct"], true)
        );
    }
    let c = &v["association"];
    if c.is_object() {
        println!(
            "  association: {} persons sanctioned only through their contacts",
            est(&c["persons_sanctioned_only_through_contacts"], false)
        );
    }
}

/// `credsim audit FOLDER`: every measure of audit.json.
pub fn audit(v: &serde_json::Value) {
    println!(
        "Audit of {} · seed {} · {} persons · credsim {}",
        v["scenario"].as_str().unwrap_or("?"),
        v["seed"],
        thousands(v["persons"].as_u64().unwrap_or(0)),
        v["credsim_version"].as_str().unwrap_or("?")
    );
    println!(
        "counterfactuals run: {} · intervals are ± 1.96 jackknife standard errors over {} groups of households",
        v["counterfactuals"]
            .as_array()
            .map(|a| a
                .iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(", "))
            .unwrap_or_default(),
        v["jackknife_groups"]
    );
    let section = |n: u32, title: &str| println!("\n{n}. {title}");
    let line = |label: &str, value: String| println!("   {label:<58} {value}");
    section(
        1,
        "Wrongful sanctions (same lives without false and misattributed records)",
    );
    match v["wrongful"].as_object() {
        Some(_) => {
            let w = &v["wrongful"];
            line(
                "persons sanctioned only because of data errors",
                est(&w["persons_wrongly_sanctioned"], false),
            );
            line(
                "  share of all persons ever sanctioned",
                est(&w["share_of_sanctioned_persons"], true),
            );
            line(
                "person-days wrongly sanctioned",
                est(&w["person_days_wrongly_sanctioned"], false),
            );
            line(
                "share of sanction-days caused by data errors",
                est(&w["share_of_sanction_days_caused_by_errors"], true),
            );
            line(
                "persons sanctioned only without errors (spared by them)",
                est(&w["persons_spared_by_errors"], false),
            );
            line(
                "persons listed only because of data errors",
                est(&w["persons_wrongly_listed"], false),
            );
        }
        None => println!("   the scenario has no false or misattributed records"),
    }
    section(2, "Cross-context punishment");
    line(
        "share of sanction applications",
        est(&v["cross_context"]["share_of_applications"], true),
    );
    line(
        "share of denied attempts",
        est(&v["cross_context"]["share_of_denied_attempts"], true),
    );
    section(
        3,
        "Disparate impact (sanction rate relative to the most favoured category)",
    );
    for (attr, rows) in v["disparate_impact"].as_object().into_iter().flatten() {
        println!("   {attr}:");
        println!(
            "     {:<12} {:>11} {:>16} {:>16} {:>5} {:>16} {:>18}",
            "category", "persons", "sanctioned", "ratio", "4/5", "equal capture", "due to capture"
        );
        for r in rows.as_array().into_iter().flatten() {
            println!(
                "     {:<12} {:>11} {:>16} {:>16} {:>5} {:>16} {:>18}",
                r["category"].as_str().unwrap_or("?"),
                thousands(r["persons"].as_u64().unwrap_or(0)),
                est(&r["rate_sanctioned"], true),
                est(&r["ratio_sanctioned"], false),
                if r["four_fifths_flag"].as_bool().unwrap_or(false) {
                    "FLAG"
                } else {
                    ""
                },
                est(&r["ratio_sanctioned_equal_capture"], false),
                est(&r["share_explained_by_capture"], true),
            );
        }
    }
    section(4, "Protected conduct");
    match v["protected_conduct"].as_object() {
        Some(_) => {
            let p = &v["protected_conduct"];
            line(
                "share of points deducted",
                est(&p["share_of_deductions"], true),
            );
            line(
                "share of listed persons listed only because of it",
                est(&p["share_of_listed_persons"], true),
            );
            line(
                "share of sanction-days that exist only because of it",
                est(&p["share_of_sanction_days"], true),
            );
        }
        None => println!("   the scenario marks no behaviour as protected"),
    }
    section(
        5,
        "Amplification (per genuine recorded violation, by domain of origin)",
    );
    for (d, a) in v["amplification"].as_object().into_iter().flatten() {
        println!(
            "   {:<20} {:>10} records   {:>18} sanction-days   {:>16} denied attempts",
            d,
            thousands(a["genuine_records"].as_u64().unwrap_or(0)),
            est(&a["sanction_days_per_record"], false),
            est(&a["denied_attempts_per_record"], false)
        );
    }
    section(6, "Household spill-over");
    let h = &v["household_spillover"];
    line(
        "persons sanctioned only through a household member",
        est(&h["persons"], false),
    );
    line(
        "  share of all persons ever sanctioned",
        est(&h["share_of_sanctioned_persons"], true),
    );
    line("  their sanction-days", est(&h["person_days"], false));
    section(
        7,
        "Scrutiny feedback (same lives without heightened scrutiny)",
    );
    match v["scrutiny_feedback"].as_object() {
        Some(_) => {
            let s = &v["scrutiny_feedback"];
            line(
                "records that exist only because of scrutiny",
                est(&s["extra_records"], false),
            );
            line("  share of all records", est(&s["share_of_records"], true));
            line(
                "share of sanction-days caused by scrutiny",
                est(&s["share_of_sanction_days"], true),
            );
            line(
                "persons sanctioned only because of scrutiny",
                est(&s["persons_sanctioned_because_of_scrutiny"], false),
            );
        }
        None => println!("   the scenario has no heightened scrutiny"),
    }
    section(8, "Mobility");
    let m = &v["mobility"];
    let grades: Vec<&str> = m["grades"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g.as_str())
        .collect();
    if !grades.is_empty() {
        println!("   year-end to next year-end (row shares):");
        print!("     {:<8}", "from\\to");
        for g in &grades {
            print!("{g:>10}");
        }
        println!();
        for (a, row) in m["transition_shares"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            print!("     {:<8}", grades.get(a).unwrap_or(&"?"));
            for x in row.as_array().into_iter().flatten() {
                match x.as_f64() {
                    Some(x) => print!("{:>9.2}%", 100.0 * x),
                    None => print!("{:>10}", "-"),
                }
            }
            println!();
        }
    }
    for (key, label) in [("lowest_grade", "lowest grade"), ("lists", "any list")] {
        let s = &m[key];
        println!(
            "   first stay in the {label}: {} entered; median {} days, 90th percentile {} days, {} never left",
            thousands(s["entered"].as_u64().unwrap_or(0)),
            est(&s["median_days"], false),
            est(&s["p90_days"], false),
            est(&s["share_never_leaving"], true)
        );
    }
    section(9, "Concentration of sanction-days");
    line("Gini coefficient", est(&v["concentration"]["gini"], false));
    line(
        "share borne by the top 1% of persons",
        est(&v["concentration"]["top_1_percent_share"], true),
    );
    section(10, "Appeals and credit repair");
    let a = &v["appeals"];
    if a.is_object() {
        let count = |k: &str| thousands(a[k].as_u64().unwrap_or(0));
        line(
            "erroneous adverse records",
            count("erroneous_adverse_records"),
        );
        line(
            "  share never corrected by appeal or repair",
            est(&a["share_of_erroneous_records_never_corrected"], true),
        );
        line(
            "share of genuine adverse records removed",
            est(&a["share_of_genuine_records_removed"], true),
        );
        line(
            "appeals filed / decided / upheld / waiting at the end",
            format!(
                "{} / {} / {} / {}",
                count("appeals_filed"),
                count("appeals_decided"),
                count("appeals_upheld"),
                count("queue_at_end")
            ),
        );
        line(
            "mean days from filing to decision",
            est(&a["mean_wait_days"], false),
        );
        line(
            "sanction-days appeals and repair removed",
            est(&a["sanction_days_removed"], false),
        );
        line(
            "  of which wrongful (caused by data errors)",
            est(&a["wrongful_sanction_days_removed"], false),
        );
        line(
            "sanction-days kept in force by queueing",
            est(&a["sanction_days_due_to_queueing"], false),
        );
        line(
            "  of which wrongful",
            est(&a["wrongful_sanction_days_due_to_queueing"], false),
        );
    } else {
        println!("   the scenario has no appeals or repair");
    }
    section(
        11,
        "Behavioural responses (same regime, people not responding)",
    );
    let r = &v["responses"];
    if r.is_object() {
        line(
            "change in genuine violations (deterrence)",
            est(&r["change_in_violations"], true),
        );
        line(
            "change in protected conduct (chilling)",
            est(&r["change_in_protected_conduct"], true),
        );
        line(
            "change in sanction-days",
            est(&r["change_in_sanction_days"], true),
        );
        line(
            "change in persons ever sanctioned",
            est(&r["change_in_persons_sanctioned"], true),
        );
    } else {
        println!("   the scenario has no deterrence or chilling");
    }
    section(
        12,
        "Association punishment (same lives without contacts triggers)",
    );
    let c = &v["association"];
    if c.is_object() {
        line(
            "persons sanctioned only through their contacts",
            est(&c["persons_sanctioned_only_through_contacts"], false),
        );
        line(
            "  share of all persons ever sanctioned",
            est(&c["share_of_sanctioned_persons"], true),
        );
        line(
            "persons listed only through their contacts",
            est(&c["persons_listed_only_through_contacts"], false),
        );
        line(
            "share of sanction-days caused by contacts triggers",
            est(&c["share_of_sanction_days"], true),
        );
    } else {
        println!("   the scenario has no contacts triggers");
    }
}

/// Key measures of several runs side by side (plain or Markdown).
pub fn audit_table(runs: &[(serde_json::Value, serde_json::Value)], markdown: bool) {
    type Row = (
        &'static str,
        fn(&serde_json::Value, &serde_json::Value) -> String,
    );
    let rows: [Row; 17] = [
        ("persons", |_, s| {
            thousands(s["persons"].as_u64().unwrap_or(0))
        }),
        ("persons ever sanctioned", |_, s| {
            thousands(s["sanctioned"]["persons_ever"].as_u64().unwrap_or(0))
        }),
        (
            "sanctioned only because of data errors (share of sanctioned)",
            |a, _| est(&a["wrongful"]["share_of_sanctioned_persons"], true),
        ),
        ("sanction-days caused by data errors", |a, _| {
            est(
                &a["wrongful"]["share_of_sanction_days_caused_by_errors"],
                true,
            )
        }),
        ("cross-context sanction applications", |a, _| {
            est(&a["cross_context"]["share_of_applications"], true)
        }),
        ("sanction-days caused by protected conduct", |a, _| {
            est(&a["protected_conduct"]["share_of_sanction_days"], true)
        }),
        ("largest sanction-rate ratio between categories", |a, _| {
            worst_ratio(a).0
        }),
        ("  of which explained by unequal capture", |a, _| {
            worst_ratio(a).1
        }),
        ("sanctioned only through a household member", |a, _| {
            est(&a["household_spillover"]["persons"], false)
        }),
        ("sanction-days caused by scrutiny", |a, _| {
            est(&a["scrutiny_feedback"]["share_of_sanction_days"], true)
        }),
        ("Gini of sanction-days", |a, _| {
            est(&a["concentration"]["gini"], false)
        }),
        ("sanction-days borne by the top 1%", |a, _| {
            est(&a["concentration"]["top_1_percent_share"], true)
        }),
        ("erroneous adverse records never corrected", |a, _| {
            est(
                &a["appeals"]["share_of_erroneous_records_never_corrected"],
                true,
            )
        }),
        ("sanction-days kept in force by the appeal queue", |a, _| {
            est(&a["appeals"]["sanction_days_due_to_queueing"], false)
        }),
        ("change in genuine violations (deterrence)", |a, _| {
            est(&a["responses"]["change_in_violations"], true)
        }),
        ("change in protected conduct (chilling)", |a, _| {
            est(&a["responses"]["change_in_protected_conduct"], true)
        }),
        ("sanctioned only through contacts", |a, _| {
            est(
                &a["association"]["persons_sanctioned_only_through_contacts"],
                false,
            )
        }),
    ];
    let names: Vec<String> = runs
        .iter()
        .map(|(a, _)| a["scenario"].as_str().unwrap_or("?").to_string())
        .collect();
    if markdown {
        println!("| measure (± 95% interval) | {} |", names.join(" | "));
        println!("|---|{}", "---:|".repeat(names.len()));
        for (label, f) in rows {
            let cells: Vec<String> = runs.iter().map(|(a, s)| f(a, s)).collect();
            println!("| {} | {} |", label.trim(), cells.join(" | "));
        }
    } else {
        print!("{:<62}", "measure (± 95% interval)");
        for n in &names {
            print!(" {n:>22}");
        }
        println!();
        for (label, f) in rows {
            print!("{label:<62}");
            for (a, s) in runs {
                print!(" {:>22}", f(a, s));
            }
            println!();
        }
    }
}

/// The largest sanction-rate ratio of any category, and the share of it explained by
/// unequal capture.
fn worst_ratio(a: &serde_json::Value) -> (String, String) {
    let mut best: Option<(f64, &serde_json::Value, String)> = None;
    for (attr, rows) in a["disparate_impact"].as_object().into_iter().flatten() {
        for r in rows.as_array().into_iter().flatten() {
            let x = r["ratio_sanctioned"]["value"].as_f64().unwrap_or(0.0);
            if best.as_ref().is_none_or(|b| x > b.0) {
                best = Some((
                    x,
                    r,
                    format!("{attr}={}", r["category"].as_str().unwrap_or("?")),
                ));
            }
        }
    }
    match best {
        Some((x, r, label)) if x > 0.0 => (
            format!("{} ({label})", est(&r["ratio_sanctioned"], false)),
            est(&r["share_explained_by_capture"], true),
        ),
        _ => ("n/a".into(), "n/a".into()),
    }
}
