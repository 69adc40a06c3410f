//! Arbitrary bytes into the scenario parser and validator: they may reject the input,
//! never panic. Valid inputs must also survive `show` (re-serialise and re-load to the
//! same scenario hash).
#![no_main]

use credsim_model::{Overrides, load, to_toml};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(loaded) = load(text, "fuzz.toml", &Overrides::default()) {
        let shown = to_toml(&loaded.scenario);
        let again = load(&shown, "shown.toml", &Overrides::default())
            .expect("a valid scenario, once shown, loads again");
        assert_eq!(again.model.hash, loaded.model.hash);
    } else if let Err(e) = load(text, "fuzz.toml", &Overrides::default()) {
        let _ = e.to_string();
    }
});
