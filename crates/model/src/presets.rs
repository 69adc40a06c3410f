//! Presets: cited scenarios embedded in the binary (sources in `scenarios/SOURCES.md`).

use crate::{Loaded, Overrides, ScenarioError};

/// One embedded preset.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// Name (`--preset NAME`).
    pub name: &'static str,
    /// One line for `credsim presets`.
    pub summary: &'static str,
    /// The scenario file.
    pub toml: &'static str,
}

/// The preset run when no scenario is given.
pub const DEFAULT: &str = "suining-2010";

/// Every preset.
pub const ALL: &[Preset] = &[
    Preset {
        name: "suining-2010",
        summary: "Suining County pilot (2010): base 1000, grades A–D, verified point items",
        toml: include_str!("../../../scenarios/suining-2010.toml"),
    },
    Preset {
        name: "suining-responses",
        summary: "suining-2010 with appeals, repair, deterrence, chilling and contacts vetting (responses assumed)",
        toml: include_str!("../../../scenarios/suining-responses.toml"),
    },
    Preset {
        name: "rongcheng",
        summary: "Rongcheng measures: deduction table, AAA–D bands (cut-offs unverified)",
        toml: include_str!("../../../scenarios/rongcheng.toml"),
    },
    Preset {
        name: "debtor-blacklist",
        summary: "National judgment-defaulter list: no score, 2-year listing, joint punishment, children's schooling",
        toml: include_str!("../../../scenarios/debtor-blacklist.toml"),
    },
    Preset {
        name: "debtor-blacklist-national",
        summary: "debtor-blacklist at 1:1,411.78 national scale from 1 Oct 2013, dated bans, rates fitted by ABC-SMC to 2013-2017 counts",
        toml: include_str!("../../../scenarios/debtor-blacklist-national.toml"),
    },
    Preset {
        name: "consumer-credit",
        summary: "Financial-only baseline: finance records, finance sanctions, no joint punishment",
        toml: include_str!("../../../scenarios/consumer-credit.toml"),
    },
    Preset {
        name: "debtor-insider",
        summary: "debtor-blacklist under attack: an insider delists paying clients, a vendor back-dates judgments, an outsider lists rivals; every defence compared (assumed)",
        toml: include_str!("../../../scenarios/debtor-insider.toml"),
    },
    Preset {
        name: "debtor-wipe",
        summary: "debtor-blacklist wiped ~14 months after its store was left open (Shanghai 2022 [S]); reconciliation and an anchored chain restore it",
        toml: include_str!("../../../scenarios/debtor-wipe.toml"),
    },
    Preset {
        name: "debtor-weeding",
        summary: "debtor-blacklist hit by a defective clean-up job at the scale of the UK PNC case (2020-21 [V]); only reconciliation finds the logged deletions",
        toml: include_str!("../../../scenarios/debtor-weeding.toml"),
    },
    Preset {
        name: "firms-2019",
        summary: "Firms: tax and customs ratings 2019-2020, class-dependent inspections, lists, role restrictions",
        toml: include_str!("../../../scenarios/firms-2019.toml"),
    },
    Preset {
        name: "police-dashboard",
        summary: "Record-store leak: an open police dashboard read ~14 months (Shanghai 2022 [S]), 70% coverage, uniqueness and k-anonymity, vs federated stores",
        toml: include_str!("../../../scenarios/police-dashboard.toml"),
    },
];

/// Finds a preset by name.
pub fn find(name: &str) -> Result<&'static Preset, ScenarioError> {
    ALL.iter()
        .find(|p| p.name == name)
        .ok_or_else(|| ScenarioError::UnknownPreset {
            name: name.to_string(),
            known: ALL.iter().map(|p| p.name).collect::<Vec<_>>().join(", "),
        })
}

/// Loads a preset with overrides.
pub fn load(name: &str, overrides: &Overrides) -> Result<Loaded, ScenarioError> {
    let preset = find(name)?;
    crate::load(preset.toml, &format!("preset {}", preset.name), overrides)
}
