//! Fuzz target: the scenario loader (`scenarios::parse`, what `load` runs on a file's text) on
//! arbitrary bytes. Any input must give a scenario or a `ScenarioError`, never a panic; a
//! scenario it accepts must pass `sim::Scenario::assert_valid` (what every run asserts first).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // `load` reads UTF-8 text; other bytes are refused before parsing.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match scenarios::parse(text, "fuzz.toml", "fuzz") {
        Ok(scenario) => scenario.assert_valid(),
        // The message a bad file gets, rendered as the binary prints it.
        Err(error) => drop(error.to_string()),
    }
});
