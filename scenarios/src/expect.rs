//! Expectations files for `seqsim check`: the TOML format, its validation, and the count paths
//! an expectation names.
//!
//! A file lists scenarios (`[[scenario]]`, each a scenario file and an optional seed) and, for
//! each, expectations (`[[scenario.expect]]`): a count of the scenario's report and bounds on
//! it. Scenario files are relative to the expectations file's folder. Validation collects every
//! problem of the file at once (unknown keys, unknown count paths, impossible bounds, scenario
//! files that are missing or invalid), each naming its key and what is allowed.

mod bounds;
mod count;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use count::{CountPath, Section, TOTALS};

use crate::error::{Problem, ScenarioError};
use crate::key::{field, Key};

/// A validated expectations file.
#[derive(Clone, Debug)]
pub struct Expectations {
    /// The file as given on the command line, for messages and annotations.
    pub path: String,
    /// Each scenario with its expectations, in file order.
    pub scenarios: Vec<ScenarioExpectations>,
}

/// One `[[scenario]]`: the scenario to run and what its report must show.
#[derive(Clone, Debug)]
pub struct ScenarioExpectations {
    /// How reports, baselines and messages name it: `file` as written, then `@seed` when the
    /// entry sets a seed (`scenarios/library/purchased-list.toml@7`).
    pub label: String,
    /// The scenario, its seed replaced when the entry sets one.
    pub scenario: sim::Scenario,
    /// Its expectations, in file order.
    pub expects: Vec<Expectation>,
}

/// One `[[scenario.expect]]`: a count and its bounds.
#[derive(Clone, Debug, PartialEq)]
pub struct Expectation {
    /// Its key in the file (`scenario[0].expect[1]`).
    pub key: String,
    /// The count as written (`outcomes.BOUNCED`).
    pub count_text: String,
    /// The count.
    pub count: CountPath,
    /// Its bounds, each checked on its own, in the order min, max, share_min, share_max,
    /// relative.
    pub bounds: Vec<Bound>,
    /// Below this count in the baseline, a relative move is not judged (0: always judged).
    pub min_count: u64,
}

/// One bound on a count.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    /// At least this many.
    Min(u64),
    /// At most this many.
    Max(u64),
    /// At least this share of the count's section total.
    ShareMin(f64),
    /// At most this share of the count's section total.
    ShareMax(f64),
    /// At most this relative move (0.1: 10%) from the baseline's count.
    Relative(f64),
}

impl Bound {
    /// The bound's key in the file.
    pub fn key(self) -> &'static str {
        match self {
            Bound::Min(_) => "min",
            Bound::Max(_) => "max",
            Bound::ShareMin(_) => "share_min",
            Bound::ShareMax(_) => "share_max",
            Bound::Relative(_) => "relative",
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpectations {
    #[serde(default)]
    scenario: Vec<RawEntry>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    file: Option<String>,
    seed: Option<crate::numbers::RawSeed>,
    #[serde(default)]
    expect: Vec<RawExpect>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    count: Option<String>,
    min: Option<i64>,
    max: Option<i64>,
    share_min: Option<f64>,
    share_max: Option<f64>,
    relative: Option<f64>,
    min_count: Option<i64>,
}

/// Loads and validates the expectations file at `path`, loading every scenario it names
/// (relative to the file's folder). `baseline` says whether a baseline will be given: without
/// one, a `relative` bound is a problem.
pub fn load_expectations(path: &Path, baseline: bool) -> Result<Expectations, ScenarioError> {
    let shown = path.display().to_string();
    let text = crate::read_text(path).map_err(|source| ScenarioError::ReadExpectations {
        path: shown.clone(),
        source,
    })?;
    let folder = path.parent().unwrap_or(Path::new("")).to_owned();
    parse_expectations(&text, &shown, &folder, baseline)
}

/// Parses and validates expectations `text`; `origin` names it in messages and scenario files
/// are read relative to `folder`.
pub fn parse_expectations(
    text: &str,
    origin: &str,
    folder: &Path,
    baseline: bool,
) -> Result<Expectations, ScenarioError> {
    let invalid = |problems| ScenarioError::InvalidExpectations {
        path: origin.to_owned(),
        problems,
    };
    let (table, oversized) = crate::validate::parse_toml(text).map_err(invalid)?;
    let (raw, mut problems) = crate::validate::deserialize::deserialize::<RawExpectations>(table);
    let checker = Checker {
        folder,
        baseline,
        problems: &mut problems,
    };
    let scenarios = raw.map(|raw| checker.file(&raw));
    crate::numbers::restore(&mut problems, &oversized);
    match scenarios {
        Some(scenarios) if problems.is_empty() && !crate::numbers::any_refused(&oversized) => {
            Ok(Expectations {
                path: origin.to_owned(),
                scenarios,
            })
        }
        _ => Err(invalid(problems)),
    }
}

/// Checks the sections of an expectations file, pushing a problem for each bad value.
struct Checker<'p> {
    folder: &'p Path,
    baseline: bool,
    problems: &'p mut Vec<Problem>,
}

impl Checker<'_> {
    fn problem(&mut self, key: Key, message: impl Into<String>) {
        self.problems.push(Problem::new(key, message));
    }

    /// Every entry; those whose scenario could not be loaded are left out (with a problem).
    fn file(mut self, raw: &RawExpectations) -> Vec<ScenarioExpectations> {
        let at = Key::root();
        let (key, entries) = field!(at, raw.scenario);
        if entries.is_empty() {
            let message = "no [[scenario]]; add at least one, with `file` and [[scenario.expect]]";
            self.problem(key.clone(), message);
        }
        let mut out = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            for one in self.expand(key.index(i), entry) {
                out.extend(self.entry(key.index(i), &one));
            }
        }
        out
    }

    /// The entry once per scenario file its `file` matches, when `file` is a glob pattern
    /// (`*`, `?`, `[`), read relative to the expectations file's folder, sorted; otherwise the
    /// entry itself. A pattern that matches nothing is a problem.
    fn expand(&mut self, at: Key, raw: &RawEntry) -> Vec<RawEntry> {
        let Some(file) = raw.file.as_deref().filter(|f| f.contains(['*', '?', '['])) else {
            return vec![raw.clone()];
        };
        let pattern = self.folder.join(file).to_string_lossy().into_owned();
        let mut matched: Vec<String> = glob::glob(&pattern)
            .map(|paths| {
                paths
                    .filter_map(Result::ok)
                    .filter(|p| p.is_file())
                    .map(|p| {
                        p.strip_prefix(self.folder)
                            .unwrap_or(&p)
                            .display()
                            .to_string()
                    })
                    .collect()
            })
            .unwrap_or_default();
        matched.sort();
        if matched.is_empty() {
            let message = format!("{file:?} matches no scenario file; allowed: a file, a library name, or a glob pattern matching files, relative to this file's folder");
            self.problem(at.field("file"), message);
        }
        (matched.into_iter())
            .map(|file| RawEntry {
                file: Some(file),
                ..raw.clone()
            })
            .collect()
    }

    fn entry(&mut self, at: Key, raw: &RawEntry) -> Option<ScenarioExpectations> {
        let seed = match field!(at, raw.seed) {
            (key, Some(seed)) => match seed.value() {
                Ok(seed) => Some(Some(seed)),
                Err(message) => {
                    self.problem(key, message);
                    None
                }
            },
            (_, None) => Some(None),
        };
        let scenario = self.scenario_file(field!(at, raw.file));
        let (key, expects) = field!(at, raw.expect);
        if expects.is_empty() {
            self.problem(
                key.clone(),
                "no [[scenario.expect]]; add at least one, with `count` and a bound",
            );
        }
        let expects: Vec<Option<Expectation>> = (expects.iter().enumerate())
            .map(|(i, e)| self.expect(key.index(i), e, scenario.as_ref()))
            .collect();
        let (mut scenario, seed, file) = (scenario?, seed?, raw.file.clone()?);
        let label = match seed {
            Some(seed) => {
                scenario.seed = seed;
                format!("{file}@{seed}")
            }
            None => file,
        };
        Some(ScenarioExpectations {
            label,
            scenario,
            expects: expects.into_iter().collect::<Option<_>>()?,
        })
    }

    /// The scenario file, read relative to the expectations file's folder.
    fn scenario_file(&mut self, (key, file): (Key, &Option<String>)) -> Option<sim::Scenario> {
        let Some(file) = file else {
            let (parent, name) = key.parent_and_name();
            let message = format!("required key `{name}` is missing here; give a scenario file, relative to this file's folder");
            self.problem(parent, message);
            return None;
        };
        let path: PathBuf = self.folder.join(file);
        match crate::load_or_library(&path, file) {
            Ok(scenario) => Some(scenario),
            Err(err) => {
                let mut message = err.to_string().replace("\n  - ", "; ");
                if let ScenarioError::Read { source, .. } = &err {
                    message = format!("{message} ({source}); scenario files are read relative to the expectations file's folder");
                }
                if let ScenarioError::NotFound { .. } = &err {
                    message = format!("{message}; scenario files are read relative to the expectations file's folder");
                }
                self.problem(key, message);
                None
            }
        }
    }
}
