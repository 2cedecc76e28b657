//! Helpers shared by the end-to-end tests that write scenario files (`cli.rs`,
//! `reliability.rs`).

use std::path::{Path, PathBuf};

/// Writes `text` as a scenario file (`scenario.toml`) in a fresh directory.
pub fn scenario_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// A small valid scenario to change or break in small ways (the library's clean-opt-in).
pub fn valid_scenario() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/library/clean-opt-in.toml"),
    )
    .unwrap()
}
