//! Every embedded preset parses, validates and has the shape its description promises.

use credsim_model::{Overrides, presets};

#[test]
fn every_preset_loads() {
    for p in presets::ALL {
        let loaded = presets::load(p.name, &Overrides::default())
            .unwrap_or_else(|e| panic!("preset {} does not load:\n{e}", p.name));
        assert_eq!(
            loaded.model.name, p.name,
            "the preset's [scenario] name must match"
        );
    }
}
