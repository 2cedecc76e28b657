//! `seqsim import`: a portal as a HubSpot admin exports it. A contacts CSV, a users CSV and the
//! sequences as the Sequences API returns them, read in HubSpot's own column and field names
//! (docs/import.md gives each name and its source), through a default mapping that a mapping
//! file (`--map`) can override for a portal's custom property names.
//!
//! Reading never stops at the first bad row: every problem (the file, the row, the column and
//! what is allowed) is collected, up to [`MAX_PROBLEMS`] and then a count; with `skip_bad_rows`
//! the bad rows are left out and counted instead.

mod contacts;
mod mapping;
mod sequences;
mod synthesize;
mod table;
mod users;

use std::fmt;
use std::path::{Path, PathBuf};

use model::{InboxProvider, SeatTier};

pub use mapping::{Column, Mapping};
pub use synthesize::{synthesize, Shares};

/// Largest export file read: 1 GiB (a million contacts export to about 150 MB).
pub const MAX_EXPORT_BYTES: u64 = 1 << 30;

/// Most problems listed; the rest are counted.
pub const MAX_PROBLEMS: usize = 50;

/// The export files of one portal.
#[derive(Clone, Debug, Default)]
pub struct ExportFiles {
    /// The contacts CSV.
    pub contacts: PathBuf,
    /// The users CSV, if given.
    pub users: Option<PathBuf>,
    /// The sequences JSON, if given.
    pub sequences: Option<PathBuf>,
    /// A mapping file, if given.
    pub map: Option<PathBuf>,
}

/// One problem of an export file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    /// The file.
    pub file: String,
    /// The line (1: the header; for JSON, 0).
    pub row: usize,
    /// The column (or JSON path); empty for the row as a whole.
    pub column: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl RowProblem {
    pub(crate) fn new(file: &str, row: usize, column: &str, message: &str) -> Self {
        Self {
            file: file.to_owned(),
            row,
            column: column.to_owned(),
            message: message.to_owned(),
        }
    }
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.file)?;
        if self.row > 0 {
            write!(f, " row {}", self.row)?;
        }
        if !self.column.is_empty() {
            write!(f, " column `{}`", self.column)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why an import failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A file could not be read.
    #[error("cannot read export file `{path}`")]
    Read {
        /// The file.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A file over [`MAX_EXPORT_BYTES`], refused before reading.
    #[error("export file `{path}` is {bytes} bytes, over the budget of {MAX_EXPORT_BYTES} (1 GiB); allowed: a smaller export (split it by owner or list)")]
    TooLarge {
        /// The file.
        path: String,
        /// Its size.
        bytes: u64,
    },
    /// The mapping file is not valid.
    #[error("mapping file `{path}` is invalid: {message}")]
    Map {
        /// The file.
        path: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// Rows or columns with problems.
    #[error("{}", Listed(problems, *more))]
    Invalid {
        /// The problems, at most [`MAX_PROBLEMS`].
        problems: Vec<RowProblem>,
        /// How many more there were.
        more: usize,
    },
}

struct Listed<'a>(&'a [RowProblem], usize);

impl fmt::Display for Listed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Listed(problems, more) = self;
        let total = problems.len() + more;
        write!(
            f,
            "the export files have {total} problem{}:",
            if total == 1 { "" } else { "s" }
        )?;
        for p in problems.iter() {
            write!(f, "\n  - {p}")?;
        }
        if *more > 0 {
            write!(
                f,
                "\n  - and {more} more (fix these first, or import the rest with --skip-bad-rows)"
            )?;
        }
        Ok(())
    }
}

/// A lifecycle stage of HubSpot's eight defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum LifecycleStage {
    Subscriber,
    Lead,
    MarketingQualifiedLead,
    SalesQualifiedLead,
    Opportunity,
    Customer,
    Evangelist,
    Other,
}

impl LifecycleStage {
    /// Every stage: its internal value and its label.
    pub const ALL: [(LifecycleStage, &'static str, &'static str); 8] = [
        (Self::Subscriber, "subscriber", "Subscriber"),
        (Self::Lead, "lead", "Lead"),
        (
            Self::MarketingQualifiedLead,
            "marketingqualifiedlead",
            "Marketing Qualified Lead",
        ),
        (
            Self::SalesQualifiedLead,
            "salesqualifiedlead",
            "Sales Qualified Lead",
        ),
        (Self::Opportunity, "opportunity", "Opportunity"),
        (Self::Customer, "customer", "Customer"),
        (Self::Evangelist, "evangelist", "Evangelist"),
        (Self::Other, "other", "Other"),
    ];

    fn parse(text: &str) -> Option<Self> {
        (Self::ALL.iter())
            .find(|(_, value, label)| {
                text.eq_ignore_ascii_case(value) || text.eq_ignore_ascii_case(label)
            })
            .map(|(s, _, _)| *s)
    }
}

/// One contact record as the export holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedContact {
    /// `hs_object_id`.
    pub record_id: u64,
    /// The address, lower-cased; `None`: the record has none.
    pub email: Option<String>,
    /// The owner as the cell names it (an owner id, a user id, an email or a name).
    pub owner: Option<String>,
    /// Its lifecycle stage.
    pub lifecycle: Option<LifecycleStage>,
    /// Opted out of all email (UNSUBSCRIBED).
    pub unsubscribed: bool,
    /// The subscription types it opted out of (UNSUBSCRIBED_PERSONAL), by name.
    pub opted_out: Vec<String>,
    /// An email to it hard-bounced (BOUNCED).
    pub hard_bounced: bool,
    /// HubSpot marks the address invalid: mail to it will bounce.
    pub invalid_address: bool,
    /// The address is quarantined (BLOCKED_ADDRESS).
    pub blocked_address: bool,
    /// Its domain is blocked (BLOCKED_DOMAIN).
    pub blocked_domain: bool,
    /// It marked an email as spam (PREVIOUSLY_MARKED_AS_SPAM).
    pub marked_as_spam: bool,
    /// It is in a sequence now (ALREADY_ENROLLED).
    pub in_sequence: bool,
}

/// One user as the users export holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedUser {
    /// The user id.
    pub id: String,
    /// The user's email (its sender address).
    pub email: String,
    /// First and last name.
    pub name: String,
    /// The user's owner id (the value of a contact's `hubspot_owner_id`), if given.
    pub owner_id: Option<String>,
    /// The seat.
    pub seat: SeatTier,
    /// The connected inbox's provider; `None`: none connected.
    pub inbox: Option<InboxProvider>,
}

/// A step of an imported sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportedStep {
    /// What it does.
    pub kind: sim::StepKind,
    /// `delayMillis`: the wait after the previous step.
    pub delay_millis: u64,
}

/// A sequence as the Sequences API returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedSequence {
    /// `id`.
    pub id: String,
    /// `name`.
    pub name: String,
    /// `steps`, by `stepOrder`, up to a `FINISH_ENROLLMENT`.
    pub steps: Vec<ImportedStep>,
    /// `settings.eligibleFollowUpDays` is not `EVERYDAY`.
    pub weekdays_only: bool,
    /// `settings.sendWindowStartMinute` and `sendWindowEndMinute`.
    pub send_window: Option<(u32, u32)>,
}

/// What the export files hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Portal {
    /// The contact records, in file order.
    pub contacts: Vec<ImportedContact>,
    /// The users, in file order.
    pub users: Vec<ImportedUser>,
    /// The sequences, in file order.
    pub sequences: Vec<ImportedSequence>,
    /// Rows left out under `skip_bad_rows`: each problem.
    pub skipped: Vec<RowProblem>,
}

/// Reads the export files; with `skip_bad_rows`, a row with a problem is left out (and listed
/// in [`Portal::skipped`]) instead of failing the import. A missing column, a file that cannot
/// be read, or a bad mapping always fails.
pub fn read(files: &ExportFiles, skip_bad_rows: bool) -> Result<Portal, ImportError> {
    let mapping = match &files.map {
        Some(path) => Mapping::load(path)?,
        None => Mapping::default(),
    };
    let mut rows = Vec::new();
    let mut fatal = Vec::new();
    let contacts = contacts::read(&files.contacts, &mapping, &mut rows, &mut fatal)?;
    let users = match &files.users {
        Some(path) => users::read(path, &mapping, &mut rows, &mut fatal)?,
        None => Vec::new(),
    };
    let sequences = match &files.sequences {
        Some(path) => sequences::read(path, &mut fatal)?,
        None => Vec::new(),
    };
    if !fatal.is_empty() || (!rows.is_empty() && !skip_bad_rows) {
        fatal.extend(rows);
        return Err(listed(fatal));
    }
    let portal = Portal {
        contacts,
        users,
        sequences,
        skipped: rows,
    };
    Ok(portal)
}

/// `problems` as the error: the first [`MAX_PROBLEMS`], and how many more.
fn listed(mut problems: Vec<RowProblem>) -> ImportError {
    let more = problems.len().saturating_sub(MAX_PROBLEMS);
    problems.truncate(MAX_PROBLEMS);
    ImportError::Invalid { problems, more }
}

/// A boolean cell as exports write them: `true`/`false`, `yes`/`no`, `1`/`0`; empty is false.
fn boolean(cell: &str) -> Result<bool, String> {
    match cell.to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "0" => Ok(false),
        "true" | "yes" | "1" => Ok(true),
        _ => Err(format!(
            "`{cell}` is not a yes/no value; allowed: true, false, yes, no, 1, 0, or empty (false)"
        )),
    }
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// The contacts CSV at `path` with its personal data taken out: only the columns of facts
/// (`mapping`'s and the per-type opt-outs) are kept, and each address's local part is replaced
/// by its salted SHA-256 (16 hex digits), the domain kept. The salt is the SHA-256 of the
/// file's bytes: the same file always gives the same copy, two records of one address keep one
/// hash, and no one without the file can test a guessed address against it. Importing the copy
/// gives the same summary and the same synthesized scenario as the file.
pub fn pseudonymise(path: &Path, mapping: &Mapping) -> Result<String, ImportError> {
    use sha2::{Digest, Sha256};
    let mut problems = Vec::new();
    let table = table::read(path, &mut problems)?;
    let mut fatal = Vec::new();
    let columns = contacts::COLUMNS;
    let at = contacts::resolve(&table, mapping, &columns, &mut fatal);
    if !fatal.is_empty() || !problems.is_empty() {
        fatal.extend(problems);
        return Err(listed(fatal));
    }
    let bytes = std::fs::read(path).map_err(|source| ImportError::Read {
        path: shown(path),
        source,
    })?;
    let salt = Sha256::digest(&bytes);
    let email = at[columns
        .iter()
        .position(|&c| c == Column::Email)
        .expect("a contacts column")]
    .expect("required");
    let opt_outs = table.columns_with_prefix(&mapping::OPT_OUT_PREFIXES);
    let mut kept: Vec<usize> = at
        .iter()
        .flatten()
        .copied()
        .chain(opt_outs.iter().map(|(i, _)| *i))
        .collect();
    kept.sort_unstable();
    kept.dedup();
    let mut out = csv::Writer::from_writer(Vec::new());
    let write_error = |e: csv::Error| ImportError::Read {
        path: shown(path),
        source: std::io::Error::other(e),
    };
    out.write_record(kept.iter().map(|&i| table.name(i)))
        .map_err(write_error)?;
    for (_, cells) in &table.rows {
        let cell = |i: usize| match (i == email, cells[i].split_once('@')) {
            (true, Some((local, domain))) => {
                let hash = Sha256::new()
                    .chain_update(salt)
                    .chain_update(local.to_ascii_lowercase())
                    .finalize();
                let hex: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
                format!("{hex}@{}", domain.to_ascii_lowercase())
            }
            _ => cells[i].clone(),
        };
        out.write_record(kept.iter().map(|&i| cell(i)))
            .map_err(write_error)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| write_error(e.into_error().into()))?;
    Ok(String::from_utf8(bytes).expect("the cells were UTF-8"))
}
