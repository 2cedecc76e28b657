//! `seqsim init [capacity|qa|ci]`: writes a commented starter scenario in the planner's terms
//! (reps, contacts, weeks, steps). The templates are files (`scenarios/templates/*.toml`)
//! embedded in the binary; a test loads and runs each.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};

pub(crate) const INIT_HELP: &str = "\
Examples:
  seqsim init                                   the capacity template on standard output
  seqsim init qa --out my-list.toml             a QA starter, written to a new file
  seqsim init ci --out ci/smoke.toml --force    replace an existing file
  seqsim init capacity > plan.toml && seqsim run plan.toml --summary

Templates: capacity (reps, contacts, weeks and steps against the send limits), qa (a list with
some of every problem, for reason codes and traces), ci (a small fast scenario, with an
expectations file for `seqsim check` in its comments).

Exit codes: 0 the template was written; 2 the --out file exists (without --force) or cannot be
written.";

// `seqsim init`.
#[derive(Args)]
pub(crate) struct InitArgs {
    /// Which starter scenario.
    #[arg(value_enum, default_value_t = Template::Capacity)]
    template: Template,
    /// Write the scenario to this file instead of standard output; an existing file is kept
    /// unless --force is given.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace the --out file if it exists.
    #[arg(long, requires = "out")]
    force: bool,
}

/// The starter scenarios.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Template {
    /// Reps, contacts, weeks and steps against the send limits.
    Capacity,
    /// A list with some of every problem: reason codes, traces, diffs.
    Qa,
    /// A small fast scenario for `seqsim check` in CI.
    Ci,
}

impl Template {
    /// The template's text.
    pub(crate) fn text(self) -> &'static str {
        match self {
            Self::Capacity => include_str!("../scenarios/templates/capacity.toml"),
            Self::Qa => include_str!("../scenarios/templates/qa.toml"),
            Self::Ci => include_str!("../scenarios/templates/ci.toml"),
        }
    }
}

/// `seqsim init`: the template on standard output, or in a new `--out` file.
pub(crate) fn init(args: InitArgs) -> Result<()> {
    let text = args.template.text();
    let Some(path) = args.out else {
        return crate::write_stdout(text);
    };
    if !args.force && std::fs::symlink_metadata(&path).is_ok() {
        bail!(
            "cannot write the scenario to `{}` (--out): the file exists; give a new path, or --force to replace it",
            path.display()
        );
    }
    crate::Output::prepare(&path, "--out")?.commit(text)
}
