//! House rules, checked on every test run: each source file documents its module, nothing
//! reaching a report can iterate a `HashMap` or read a clock or an OS random source, and no
//! debugging leftovers remain. The architecture's invariants, kept true by a test.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if !path.ends_with("target")
                && !path.file_name().unwrap().to_string_lossy().starts_with('.')
            {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every folder of the workspace that holds Rust sources.
const EVERY_CRATE: &[&str] = &[
    "model",
    "sim",
    "scenarios",
    "reports",
    "benches",
    "src",
    "tests",
];

fn files_of(crates: &[&str]) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for krate in crates {
        rust_files(&root.join(krate), &mut files);
    }
    assert!(!files.is_empty());
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

#[test]
fn every_source_file_documents_its_module() {
    for (path, text) in files_of(EVERY_CRATE) {
        let first = text.lines().next().unwrap_or("");
        assert!(
            first.starts_with("//!"),
            "{} has no module doc (//!) at the top",
            path.display()
        );
    }
}

#[test]
fn the_simulation_core_stays_deterministic_and_pure() {
    // Spelled in pieces so that this file does not match itself.
    let banned_everywhere = [["Hash", "Map"].concat(), ["Hash", "Set"].concat()];
    let banned_in_core = [
        ["Std", "Rng"].concat(),
        ["Small", "Rng"].concat(),
        ["thread", "_rng"].concat(),
        ["Os", "Rng"].concat(),
        ["System", "Time"].concat(),
        ["Instant", "::"].concat(),
        ["std::", "fs"].concat(),
        ["serde", "::"].concat(),
        ["Serial", "ize"].concat(),
    ];
    for (path, text) in files_of(&["model", "sim", "scenarios", "reports"]) {
        for word in &banned_everywhere {
            assert!(
                !text.contains(word.as_str()),
                "{} uses {word}: iteration order must not reach output",
                path.display()
            );
        }
        let core = ["model", "sim"]
            .iter()
            .any(|c| path.components().any(|p| p.as_os_str() == *c));
        if core {
            for word in &banned_in_core {
                assert!(!text.contains(word.as_str()), "{} uses {word}: model and sim do no I/O, read no clock, draw only from sim::rng and know no serde", path.display());
            }
        }
    }
}

#[test]
fn no_debugging_leftovers() {
    let banned = [
        ["db", "g!("].concat(),
        ["to", "do!("].concat(),
        ["unimpl", "emented!("].concat(),
        ["#[ig", "nore"].concat(),
    ];
    for (path, text) in files_of(EVERY_CRATE) {
        for word in &banned {
            assert!(
                !text.contains(word.as_str()),
                "{} contains {word}",
                path.display()
            );
        }
    }
}
