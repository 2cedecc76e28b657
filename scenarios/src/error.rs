//! Errors for people: every problem of a file, each naming the key and what is allowed.

use std::fmt;

/// One problem with a scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The dotted key path (`plan.coverage`, `senders[1].seat`); empty for the file as a whole.
    pub key: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl Problem {
    pub(crate) fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "key `{}`: {}", self.key, self.message)
        }
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read scenario file `{path}`")]
    Read {
        /// The file.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A rule file could not be read.
    #[error("cannot read rule file `{path}`")]
    ReadRules {
        /// The file.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A rule file was read but is not a valid rule set.
    #[error("{}", Invalid("rule", path, problems))]
    InvalidRules {
        /// The file.
        path: String,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// An expectations file (`seqsim check`) could not be read.
    #[error("cannot read expectations file `{path}`")]
    ReadExpectations {
        /// The file.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// An expectations file was read but is not valid.
    #[error("{}", Invalid("expectations", path, problems))]
    InvalidExpectations {
        /// The file.
        path: String,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// A scenario argument that is neither an existing file nor a library scenario's name.
    #[error("`{arg}` is neither a scenario file nor a library scenario; no such file exists, and the library scenarios are: {names} (`seqsim list` describes them)")]
    NotFound {
        /// The argument as given.
        arg: String,
        /// Every library name, comma-separated.
        names: String,
    },
    /// A `--set` whose path the scenario cannot follow.
    #[error("--set {setting} cannot apply to scenario `{path}`: {problem}")]
    Set {
        /// The setting as given.
        setting: String,
        /// The scenario file or library scenario.
        path: String,
        /// Where the path stopped and what is allowed there.
        problem: Problem,
    },
    /// The file was read but is not a valid scenario.
    #[error("{}", Invalid("scenario", path, problems))]
    Invalid {
        /// The file.
        path: String,
        /// Every problem found, in file order where possible.
        problems: Vec<Problem>,
    },
}

/// What kind of file, the file, and its problems.
struct Invalid<'a>(&'a str, &'a str, &'a [Problem]);

impl fmt::Display for Invalid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Invalid(kind, path, problems) = self;
        match problems {
            [one] => write!(f, "{kind} file `{path}` is invalid: {one}"),
            _ => {
                write!(
                    f,
                    "{kind} file `{path}` is invalid ({} problems):",
                    problems.len()
                )?;
                for p in problems.iter() {
                    write!(f, "\n  - {p}")?;
                }
                Ok(())
            }
        }
    }
}
