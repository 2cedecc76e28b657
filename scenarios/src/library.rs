//! The scenario library (`scenarios/library/*.toml`), embedded in the binary so that
//! `seqsim list` and `seqsim run NAME` work from any folder and from an installed binary.
//!
//! A scenario argument is a file when such a file exists, otherwise a library name (with or
//! without `.toml`); a file path always wins over a name.

use std::path::Path;

use crate::ScenarioError;

/// One scenario of the library: its name (the file stem) and its text.
#[derive(Clone, Copy, Debug)]
pub struct LibraryScenario {
    /// The file stem, `purchased-list`.
    pub name: &'static str,
    /// The file's text.
    pub text: &'static str,
}

/// One library entry from its file stem.
macro_rules! entry {
    ($name:literal) => {
        LibraryScenario {
            name: $name,
            text: include_str!(concat!("../library/", $name, ".toml")),
        }
    };
}

/// Every library scenario, sorted by name (a test checks it lists the folder exactly).
pub const LIBRARY: &[LibraryScenario] = &[
    entry!("at-send-limits"),
    entry!("capacity-planning"),
    entry!("clean-opt-in"),
    entry!("default"),
    entry!("gmail-extension-heavy"),
    entry!("house-rules"),
    entry!("overlapping-team"),
    entry!("per-minute-limit"),
    entry!("purchased-list"),
    entry!("re-engagement"),
    entry!("scale-1m"),
    entry!("shared-bad-list"),
    entry!("spam-wave"),
    entry!("tuesday-outage"),
    entry!("weeks-of-feedback"),
];

impl LibraryScenario {
    /// The library scenario called `name` (`purchased-list` or `purchased-list.toml`).
    pub fn find(name: &str) -> Option<Self> {
        let stem = name.strip_suffix(".toml").unwrap_or(name);
        LIBRARY.iter().copied().find(|s| s.name == stem)
    }

    /// The file's one-line `description` key (empty when it has none).
    pub fn description(&self) -> String {
        let table: toml::Table = self.text.parse().expect("library files are TOML");
        (table.get("description").and_then(toml::Value::as_str))
            .unwrap_or_default()
            .to_owned()
    }

    /// The scenario, validated: the same as loading its file from `scenarios/library/`.
    pub fn scenario(&self) -> sim::Scenario {
        self.scenario_with(&[])
            .expect("library scenarios are valid")
    }

    /// The scenario with `settings` (`--set`) applied, validated.
    pub fn scenario_with(
        &self,
        settings: &[crate::Setting],
    ) -> Result<sim::Scenario, ScenarioError> {
        let origin = format!("<library scenario {}>", self.name);
        crate::parse_with(self.text, &origin, self.name, settings)
    }
}

/// Every library name, comma-separated, for messages.
pub fn library_names() -> String {
    let names: Vec<&str> = LIBRARY.iter().map(|s| s.name).collect();
    names.join(", ")
}

/// The scenario file at `path` when it exists; otherwise the library scenario named `arg`
/// (the argument as the user gave it); otherwise an error naming both and the library.
pub fn load_or_library(path: &Path, arg: &str) -> Result<sim::Scenario, ScenarioError> {
    load_or_library_with(path, arg, &[])
}

/// [`load_or_library`] with `settings` (`--set`) applied before validation.
pub fn load_or_library_with(
    path: &Path,
    arg: &str,
    settings: &[crate::Setting],
) -> Result<sim::Scenario, ScenarioError> {
    if path.exists() {
        return crate::load_with(path, settings);
    }
    match LibraryScenario::find(arg) {
        Some(found) => found.scenario_with(settings),
        None => Err(ScenarioError::NotFound {
            arg: arg.to_owned(),
            names: library_names(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_lists_its_folder_exactly() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("library");
        let mut stems: Vec<String> = (std::fs::read_dir(dir).unwrap())
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        stems.sort();
        let names: Vec<&str> = LIBRARY.iter().map(|s| s.name).collect();
        assert_eq!(stems, names);
        for s in LIBRARY {
            assert!(!s.description().is_empty(), "{} has no description", s.name);
        }
    }

    #[test]
    fn names_are_found_with_or_without_the_extension() {
        assert_eq!(
            LibraryScenario::find("spam-wave").unwrap().name,
            "spam-wave"
        );
        assert_eq!(
            LibraryScenario::find("spam-wave.toml").unwrap().name,
            "spam-wave"
        );
        assert!(LibraryScenario::find("spam").is_none());
        let err = load_or_library(Path::new("no-such"), "no-such").unwrap_err();
        let message = err.to_string();
        assert!(message.contains("`no-such`"), "{message}");
        assert!(
            message.contains("purchased-list, re-engagement"),
            "{message}"
        );
    }

    #[test]
    fn a_library_scenario_equals_its_file() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("library/clean-opt-in.toml");
        let by_name = load_or_library(Path::new("clean-opt-in"), "clean-opt-in").unwrap();
        assert_eq!(by_name, crate::load(&path).unwrap());
    }
}
