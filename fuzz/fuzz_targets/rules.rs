//! Fuzz target: the rule-file loader (`scenarios::parse_rules`) on arbitrary bytes: a rule book
//! or a `ScenarioError`, never a panic; an accepted rule book applied to the default scenario
//! keeps it valid (`assert_valid`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match scenarios::parse_rules(text, "fuzz-rules.toml") {
        Ok(book) => {
            let mut scenario = scenarios::default_scenario();
            book.apply(&mut scenario);
            scenario.assert_valid();
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
