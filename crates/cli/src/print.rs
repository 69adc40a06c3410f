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
pub fn summary(model: &Model, s: &Summary, info: &RunInfo) {
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
    let _ = model;
}
