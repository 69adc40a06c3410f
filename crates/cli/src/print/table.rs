//! Key measures of several runs side by side, as text or Markdown: two counts from the
//! summaries, then the measures of the registry ([`MEASURES`]) that have a table label.

use super::est;
use crate::fmt::thousands;
use crate::folder::Run;
use crate::measures::MEASURES;
use crate::term::{out, outln};

/// One cell of a row.
type Cell = fn(&Run) -> String;

/// Prints the table.
pub fn audit_table(runs: &[Run], markdown: bool) {
    let counts: [(&str, Cell); 2] = [
        ("persons", |r| thousands(r.summary.persons)),
        ("persons ever sanctioned", |r| {
            thousands(r.summary.sanctioned.persons_ever)
        }),
    ];
    let mut rows: Vec<(&str, Vec<String>)> = counts
        .iter()
        .map(|(label, f)| (*label, runs.iter().map(f).collect()))
        .collect();
    for m in MEASURES {
        let Some(label) = m.table else { continue };
        let cells = runs
            .iter()
            .map(|r| {
                let shown = est((m.get)(&r.audit), m.percent);
                match r.audit.largest_sanction_ratio() {
                    Some((attr, c)) if m.names_category => {
                        format!("{shown} ({attr}={})", c.category)
                    }
                    _ => shown,
                }
            })
            .collect();
        rows.push((label, cells));
    }
    let names: Vec<&str> = runs.iter().map(|r| r.audit.scenario.as_str()).collect();
    if markdown {
        outln!("| measure (± 95% interval) | {} |", names.join(" | "));
        outln!("|---|{}", "---:|".repeat(names.len()));
        for (label, cells) in rows {
            outln!("| {} | {} |", label.trim(), cells.join(" | "));
        }
    } else {
        out!("{:<62}", "measure (± 95% interval)");
        for n in &names {
            out!(" {n:>22}");
        }
        outln!();
        for (label, cells) in rows {
            out!("{label:<62}");
            for c in cells {
                out!(" {c:>22}");
            }
            outln!();
        }
    }
}
