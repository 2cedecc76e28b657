//! Scenario files: the TOML format, its validation, and the embedded default scenario.
//!
//! This crate is the boundary between files and the simulator: it reads TOML with serde,
//! checks every value, reports all problems of a file at once, and hands `sim` a plain
//! [`sim::Scenario`].

mod error;
mod expect;
pub mod import;
mod key;
mod library;
mod numbers;
mod raw;
mod set;
mod validate;

use std::path::Path;

pub use error::{Problem, ScenarioError};
pub use expect::{
    load_expectations, parse_expectations, Bound, CountPath, Expectation, Expectations,
    ScenarioExpectations, Section, TOTALS,
};
pub use library::{library_names, load_or_library, load_or_library_with, LibraryScenario, LIBRARY};
pub use set::{parse_path, parse_value, value_text, Segment, Setting};

/// The default scenario's text, used when `seqsim run` gets no file.
pub const DEFAULT_SCENARIO: &str = include_str!("../library/default.toml");
/// How the default scenario is named in messages.
pub const DEFAULT_ORIGIN: &str = "<embedded default scenario>";

/// The largest file seqsim reads (scenario, rule or expectations file): far above any real one,
/// and small enough that a wrong path (`/dev/zero`, a huge log) is refused at once.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The text of the file at `path`: refused, without reading, unless it is a regular file of at
/// most [`MAX_FILE_BYTES`] (a FIFO would block, a device never end).
pub(crate) fn read_text(path: &Path) -> std::io::Result<String> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other(
            "not a regular file (a directory, a FIFO or a device); give a TOML file",
        ));
    }
    let too_big = || {
        std::io::Error::other(format!(
            "larger than {MAX_FILE_BYTES} bytes; give a TOML file of at most 4 MiB"
        ))
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big());
    }
    Ok(text)
}

/// The SHA-256 of `bytes` in lower-case hex: a file's content, for provenance.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Loads and validates the scenario in the file at `path`.
pub fn load(path: &Path) -> Result<sim::Scenario, ScenarioError> {
    load_with(path, &[])
}

/// Loads the scenario in the file at `path`, applies `settings` (`--set`) to its TOML, and
/// validates the result.
pub fn load_with(path: &Path, settings: &[Setting]) -> Result<sim::Scenario, ScenarioError> {
    let shown = path.display().to_string();
    let text = read_text(path).map_err(|source| ScenarioError::Read {
        path: shown.clone(),
        source,
    })?;
    let stem = path.file_stem().map_or_else(
        || "scenario".to_owned(),
        |s| s.to_string_lossy().into_owned(),
    );
    parse_with(&text, &shown, &stem, settings)
}

/// A rule set read from a rule file: the order of the checks, the guards' reason codes (in
/// `rules`), and what each guard measures.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleBook {
    /// The checks in order, with the guards' codes.
    pub rules: model::RuleSet,
    /// What guard `i` measures.
    pub guards: Vec<sim::Guard>,
}

impl RuleBook {
    /// `scenario` under this rule set instead of its own.
    pub fn apply(&self, scenario: &mut sim::Scenario) {
        scenario.rules = self.rules.clone();
        scenario.guards = self.guards.clone();
    }
}

/// Loads and validates the rule file at `path` (`rules/*.toml`: an optional `description`, an
/// optional `order`, `[[guards]]` and `[[checks]]`).
pub fn load_rules(path: &Path) -> Result<RuleBook, ScenarioError> {
    let shown = path.display().to_string();
    let text = read_text(path).map_err(|source| ScenarioError::ReadRules {
        path: shown.clone(),
        source,
    })?;
    parse_rules(&text, &shown)
}

/// Whether the file at `path` is shaped like a rule file rather than a scenario: a TOML table
/// whose keys are only a rule file's (`description`, `order`, `guards`, `checks`), with one
/// besides `description` among them. An unreadable or malformed file is not: loading it as a scenario
/// reports why.
pub fn is_rule_file(path: &Path) -> bool {
    let Ok(text) = read_text(path) else {
        return false;
    };
    let Ok(table) = text.parse::<toml::Table>() else {
        return false;
    };
    let rule_key = |k: &str| matches!(k, "description" | "order" | "guards" | "checks");
    table.keys().all(|k| rule_key(k)) && table.keys().any(|k| k != "description")
}

/// Parses and validates rule file `text`; `origin` names it in messages.
pub fn parse_rules(text: &str, origin: &str) -> Result<RuleBook, ScenarioError> {
    match validate::validate_rules(text) {
        Ok((rules, guards)) => Ok(RuleBook { rules, guards }),
        Err(problems) => Err(ScenarioError::InvalidRules {
            path: origin.to_owned(),
            problems,
        }),
    }
}

/// The embedded default scenario.
pub fn default_scenario() -> sim::Scenario {
    parse(DEFAULT_SCENARIO, DEFAULT_ORIGIN, "default").expect("the embedded default is valid")
}

/// The embedded default scenario with `settings` (`--set`) applied.
pub fn default_scenario_with(settings: &[Setting]) -> Result<sim::Scenario, ScenarioError> {
    parse_with(DEFAULT_SCENARIO, DEFAULT_ORIGIN, "default", settings)
}

/// Parses and validates scenario `text`. `origin` names it in messages; `fallback_name` is its
/// name when the file gives none.
pub fn parse(
    text: &str,
    origin: &str,
    fallback_name: &str,
) -> Result<sim::Scenario, ScenarioError> {
    parse_with(text, origin, fallback_name, &[])
}

/// Parses scenario `text`, applies `settings` (`--set`, in order) to its TOML, and validates
/// the result like a file: a problem a setting caused names it. The provenance keeps the
/// file's SHA-256 and the settings as given.
pub fn parse_with(
    text: &str,
    origin: &str,
    fallback_name: &str,
    settings: &[Setting],
) -> Result<sim::Scenario, ScenarioError> {
    let invalid = |problems| ScenarioError::Invalid {
        path: origin.to_owned(),
        problems,
    };
    let (mut table, oversized) = validate::parse_toml(text).map_err(invalid)?;
    for setting in settings {
        setting
            .apply(&mut table)
            .map_err(|problem| ScenarioError::Set {
                setting: setting.to_string(),
                path: origin.to_owned(),
                problem,
            })?;
    }
    let mut scenario = validate::validate_table(table, &oversized, fallback_name)
        .map_err(|problems| invalid(name_settings(problems, settings)))?;
    scenario.source_sha256 = Some(sha256_hex(text.as_bytes()));
    scenario.overrides = settings.iter().map(Setting::to_string).collect();
    Ok(scenario)
}

/// `problems` with each one about a key a setting wrote (or a table on its way) naming the
/// setting.
fn name_settings(problems: Vec<Problem>, settings: &[Setting]) -> Vec<Problem> {
    let mut problems = problems;
    for problem in &mut problems {
        let key = problem.key.as_str();
        let by = settings.iter().rev().find(|s| {
            !key.is_empty()
                && (s.path == key
                    || s.path.starts_with(&format!("{key}."))
                    || key.starts_with(&format!("{}.", s.path)))
        });
        if let Some(setting) = by {
            problem.message = format!("{} (from --set {setting})", problem.message);
        }
    }
    problems
}
