//! The registry of the audit's key measures, defined once for every view that shows
//! them side by side (`credsim audit` with several folders or `--markdown`,
//! `credsim compare`, report.html): which estimate of the typed [`Audit`] each is,
//! whether it is a share, and its label in each view. Presentation metadata only: the
//! values come from the engine.

use credsim_engine::{Audit, Estimate};

/// Reads one estimate of an audit (null when the scenario lacks its mechanism).
pub type Get = fn(&Audit) -> Option<&Estimate>;

/// Where report.html shows a measure.
#[derive(Debug, Clone, Copy)]
pub enum InReport {
    /// Not in the report.
    No,
    /// In the audit's table (`n/a` when the scenario lacks the mechanism), with this label.
    Audit(&'static str),
    /// In "People respond", with this label, when the scenario has the mechanism.
    Responses(&'static str),
}

/// One key measure.
#[derive(Debug, Clone, Copy)]
pub struct Measure {
    /// The audit's question it answers (report.html groups rows by it).
    pub question: &'static str,
    /// The estimate.
    pub get: Get,
    /// Shown as a percentage.
    pub percent: bool,
    /// Label in the side-by-side audit table (`None`: not in it).
    pub table: Option<&'static str>,
    /// Label in `credsim compare` (`None`: not in it).
    pub compare: Option<&'static str>,
    /// Place and label in report.html.
    pub report: InReport,
    /// An estimate report.html shows in parentheses after this one.
    pub report_with: Option<Get>,
    /// The side-by-side table names the category after the value (the largest ratio).
    pub names_category: bool,
    /// A population total (persons, person-days): `credsim compare` shows it per 100,000
    /// persons when the runs' sizes differ.
    pub total: bool,
}

const M: Measure = Measure {
    question: "",
    get: |_| None,
    percent: false,
    table: None,
    compare: None,
    report: InReport::No,
    report_with: None,
    names_category: false,
    total: false,
};

/// The key measures, in the order every view shows them.
pub const MEASURES: &[Measure] = &[
    Measure {
        question: "Wrongful sanctions",
        get: |a| a.wrongful.as_ref().map(|w| &w.persons_wrongly_sanctioned),
        compare: Some("sanctioned only because of data errors"),
        total: true,
        report: InReport::Audit(
            "persons sanctioned only because of false or misattributed records",
        ),
        ..M
    },
    Measure {
        question: "Wrongful sanctions",
        get: |a| a.wrongful.as_ref().map(|w| &w.share_of_sanctioned_persons),
        percent: true,
        table: Some("sanctioned only because of data errors (share of sanctioned)"),
        ..M
    },
    Measure {
        question: "Wrongful sanctions",
        get: |a| {
            a.wrongful
                .as_ref()
                .map(|w| &w.net_share_of_sanction_days_caused_by_errors)
        },
        percent: true,
        table: Some("sanction-days caused by data errors (net)"),
        compare: Some("net share of sanction-days caused by data errors"),
        report: InReport::Audit("net share of sanction-days caused by data errors"),
        ..M
    },
    Measure {
        question: "Wrongful sanctions",
        get: |a| a.wrongful.as_ref().map(|w| &w.gross_share_of_sanction_days),
        percent: true,
        table: Some("sanction-days added by data errors (gross)"),
        compare: Some("gross share of sanction-days added by data errors"),
        report: InReport::Audit("gross share of sanction-days added by data errors"),
        ..M
    },
    Measure {
        question: "Cross-context punishment",
        get: |a| Some(&a.cross_context.share_of_applications),
        percent: true,
        table: Some("cross-context sanction applications"),
        compare: Some("cross-context share of sanction applications"),
        report: InReport::Audit("share of sanction applications"),
        ..M
    },
    Measure {
        question: "Cross-context punishment",
        get: |a| Some(&a.cross_context.share_of_denied_attempts),
        percent: true,
        compare: Some("cross-context share of denied attempts"),
        report: InReport::Audit("share of denied attempts"),
        ..M
    },
    Measure {
        question: "Cross-context punishment",
        get: |a| {
            a.cross_context
                .joint_punishment
                .as_ref()
                .map(|j| &j.share_of_sanction_days)
        },
        percent: true,
        table: Some("sanction-days only through joint punishment (causal)"),
        compare: Some("share of sanction-days only through joint punishment"),
        report: InReport::Audit("share of sanction-days only through joint punishment (causal)"),
        ..M
    },
    Measure {
        question: "Protected conduct",
        get: |a| {
            a.protected_conduct
                .as_ref()
                .map(|p| &p.share_of_sanction_days)
        },
        percent: true,
        table: Some("sanction-days caused by protected conduct"),
        compare: Some("share of sanction-days caused by protected conduct"),
        report: InReport::Audit("share of sanction-days"),
        ..M
    },
    Measure {
        question: "Protected conduct",
        get: |a| a.protected_conduct.as_ref().map(|p| &p.share_of_deductions),
        percent: true,
        report: InReport::Audit("share of points deducted"),
        ..M
    },
    Measure {
        question: "Disparate impact",
        get: |a| a.largest_sanction_ratio().map(|(_, r)| &r.ratio_sanctioned),
        table: Some("largest sanction-rate ratio between categories"),
        names_category: true,
        ..M
    },
    Measure {
        question: "Household spill-over",
        get: |a| Some(&a.household_spillover.persons),
        total: true,
        table: Some("sanctioned only through a household member"),
        compare: Some("sanctioned only through a household member"),
        report: InReport::Audit("persons sanctioned only through a relative"),
        ..M
    },
    Measure {
        question: "Scrutiny feedback",
        get: |a| {
            a.scrutiny_feedback
                .as_ref()
                .map(|s| &s.share_of_sanction_days)
        },
        percent: true,
        table: Some("sanction-days caused by scrutiny"),
        compare: Some("share of sanction-days caused by scrutiny"),
        report: InReport::Audit("share of sanction-days caused by scrutiny"),
        ..M
    },
    Measure {
        question: "Concentration",
        get: |a| Some(&a.concentration.gini),
        table: Some("Gini of sanction-days"),
        compare: Some("Gini of sanction-days"),
        report: InReport::Audit("Gini of sanction-days"),
        ..M
    },
    Measure {
        question: "Concentration",
        get: |a| Some(&a.concentration.top_1_percent_share),
        percent: true,
        table: Some("sanction-days borne by the top 1%"),
        compare: Some("share of sanction-days borne by the top 1%"),
        report: InReport::Audit("share of sanction-days borne by the top 1%"),
        ..M
    },
    Measure {
        question: "Concentration",
        get: |a| Some(&a.concentration.prevalence),
        percent: true,
        table: Some("share with any sanction-day (prevalence)"),
        compare: Some("share with any sanction-day (prevalence)"),
        report: InReport::Audit("share of persons with any sanction-day (prevalence)"),
        ..M
    },
    Measure {
        question: "Concentration",
        get: |a| Some(&a.concentration.gini_among_sanctioned),
        table: Some("Gini among those with sanction-days"),
        compare: Some("Gini among those with sanction-days"),
        report: InReport::Audit("Gini of sanction-days among those with any"),
        ..M
    },
    Measure {
        question: "Appeals and repair",
        get: |a| {
            a.appeals
                .as_ref()
                .map(|x| &x.share_of_erroneous_records_corrected_within_365_days)
        },
        percent: true,
        table: Some("erroneous adverse records corrected within 365 days"),
        compare: Some("erroneous adverse records corrected within 365 days"),
        report: InReport::Responses(
            "share of erroneous adverse records corrected within 365 days (of those followed 365 days)",
        ),
        ..M
    },
    Measure {
        question: "Appeals and repair",
        get: |a| a.appeals.as_ref().map(|x| &x.utilisation),
        table: Some("appeal office utilisation (filed / capacity; > 1 unstable)"),
        compare: Some("appeal office utilisation (filed / capacity)"),
        report: InReport::Responses(
            "appeal office utilisation: filed / capacity (> 1: the queue grows without bound)",
        ),
        ..M
    },
    Measure {
        question: "Appeals and repair",
        get: |a| a.appeals.as_ref().map(|x| &x.wait_median_days),
        table: Some("median days from filing to decision (Kaplan–Meier)"),
        compare: Some("median days from filing to decision (Kaplan–Meier)"),
        report: InReport::Responses(
            "median days from filing to decision (Kaplan–Meier, pending appeals censored)",
        ),
        ..M
    },
    Measure {
        question: "Appeals and repair",
        get: |a| {
            a.appeals
                .as_ref()
                .map(|x| &x.wrongful_sanction_days_removed)
        },
        report: InReport::Responses("wrongful sanction-days removed by appeals and repair"),
        ..M
    },
    Measure {
        question: "Appeals and repair",
        get: |a| a.appeals.as_ref().map(|x| &x.sanction_days_due_to_queueing),
        table: Some("sanction-days kept in force by the appeal queue"),
        report: InReport::Responses("sanction-days kept in force by queueing (of which wrongful)"),
        report_with: Some(|a| {
            a.appeals
                .as_ref()
                .map(|x| &x.wrongful_sanction_days_due_to_queueing)
        }),
        ..M
    },
    Measure {
        question: "Responses",
        get: |a| a.responses.as_ref().map(|r| &r.change_in_violations),
        percent: true,
        table: Some("change in genuine violations (deterrence)"),
        report: InReport::Responses("change in genuine violations (deterrence)"),
        ..M
    },
    Measure {
        question: "Responses",
        get: |a| a.responses.as_ref().map(|r| &r.change_in_protected_conduct),
        percent: true,
        table: Some("change in protected conduct (chilling)"),
        report: InReport::Responses("change in protected conduct (chilling)"),
        ..M
    },
    Measure {
        question: "Association",
        get: |a| {
            a.association
                .as_ref()
                .map(|c| &c.persons_sanctioned_only_through_contacts)
        },
        table: Some("sanctioned only through contacts"),
        report: InReport::Responses("persons sanctioned only through their contacts"),
        ..M
    },
    Measure {
        question: "Disproportion",
        get: |a| {
            a.disproportion
                .as_ref()
                .map(|d| &d.unjustified_share_of_sanction_days)
        },
        percent: true,
        table: Some("sanction-days with no conduct of any gravity behind them"),
        compare: Some("sanction-days with no conduct of any gravity behind them"),
        report: InReport::Audit("sanction-days with no conduct of any gravity behind them"),
        ..M
    },
];
