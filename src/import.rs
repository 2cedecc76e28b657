//! `seqsim import`: glue over `scenarios::import`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use scenarios::import::{self, ExportFiles, Portal, Shares};

use crate::output::{write_stdout, Output};

pub const IMPORT_HELP: &str = "\
Examples:
  seqsim import --contacts contacts.csv --users users.csv --sequences sequences.json
  seqsim import --contacts contacts.csv --users users.csv --synthesize 40000 --out synthetic.toml
  seqsim import --contacts export.csv --map my-properties.toml --skip-bad-rows
  seqsim import --contacts contacts.csv --pseudonymise shareable.csv

The files are read in HubSpot's names (docs/import.md): a contacts export (Record ID, Email,
Contact owner, Lifecycle Stage, Unsubscribed from all email, Opted out of email: TYPE, Email
hard bounce reason, Invalid email address, Email Address Quarantined, Currently in Sequence;
labels or internal names, any case), a users CSV (User ID, Email, Seat, Inbox provider) and
sequences as the Sequences API returns them. Without --synthesize, prints what the files hold:
each fact's share, the owners, the users and the sequences.

Exit codes: 0 read (and written); 2 bad input: every problem of the files, each with its file,
row and column and what is allowed (the first 50, then a count).";

// `seqsim import`.
#[derive(Args)]
pub struct ImportArgs {
    /// The contacts export (CSV).
    #[arg(long, value_name = "FILE")]
    contacts: PathBuf,
    /// The users (CSV): User ID, Email, Seat, Inbox provider, and optionally First Name, Last
    /// Name, Owner ID.
    #[arg(long, value_name = "FILE")]
    users: Option<PathBuf>,
    /// The sequences (JSON), as GET automation/v4/sequences/{id} (or the 2026-03 path) returns
    /// one: a sequence, an array of them, or {"results": [...]}.
    #[arg(long, value_name = "FILE")]
    sequences: Option<PathBuf>,
    /// A mapping file (TOML) naming the portal's own columns for facts: [contacts] and [users]
    /// tables of `fact = "Column"` (docs/import.md lists the facts).
    #[arg(long, value_name = "FILE")]
    map: Option<PathBuf>,
    /// Import the rows without problems and report how many were skipped and why, instead of
    /// refusing the files.
    #[arg(long)]
    skip_bad_rows: bool,
    /// Write a generated scenario of N contacts whose population matches the files' shares
    /// (per fact, and the mailbox providers by domain), with the users as senders and the
    /// sequences; no address is in it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    synthesize: Option<u32>,
    /// Write the scenario to this file instead of standard output (written whole or not at all).
    #[arg(long, requires = "synthesize")]
    out: Option<PathBuf>,
    /// Instead: write a pseudonymised copy of the contacts file here: only the facts' columns,
    /// each address's local part replaced by its hash salted with the file's own SHA-256, the
    /// domain kept. Importing the copy gives the same summary and synthesized scenario.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["synthesize", "out"])]
    pseudonymise: Option<PathBuf>,
}

/// `seqsim import`.
pub fn import(args: ImportArgs) -> Result<()> {
    if let Some(path) = &args.pseudonymise {
        let output = Output::prepare(path, "--pseudonymise")?;
        let mapping = match &args.map {
            Some(map) => import::Mapping::load(map)?,
            None => import::Mapping::default(),
        };
        return output.commit(&import::pseudonymise(&args.contacts, &mapping)?);
    }
    let output = (args.out.as_deref())
        .map(|p| Output::prepare(p, "--out"))
        .transpose()?;
    let files = ExportFiles {
        contacts: args.contacts.clone(),
        users: args.users.clone(),
        sequences: args.sequences.clone(),
        map: args.map.clone(),
    };
    let portal = import::read(&files, args.skip_bad_rows)?;
    if portal.contacts.iter().all(|c| c.email.is_none()) {
        anyhow::bail!(
            "`{}` holds no record with an email address; allowed: an export with at least one",
            args.contacts.display()
        );
    }
    let skipped = skipped(&portal);
    let Some(n) = args.synthesize else {
        return write_stdout(&(summary(&portal) + &skipped));
    };
    let name = (args.out.as_deref().and_then(|p| p.file_stem()))
        .map_or("synthesized".to_owned(), |s| {
            s.to_string_lossy().into_owned()
        });
    let text = import::synthesize(&portal, n, &name);
    if let Err(e) = scenarios::parse(&text, "the synthesized scenario", &name) {
        panic!("a synthesized scenario loads: {e}\n{text}");
    }
    eprint!("{skipped}");
    match output {
        Some(output) => output.commit(&text),
        None => write_stdout(&text),
    }
}

/// What the files hold, as a short text.
fn summary(portal: &Portal) -> String {
    let s = Shares::of(portal);
    let pct = |x: f64| format!("{:.2}%", 100.0 * x);
    let mut out = format!(
        "{} records, {} with an address ({} without: MISSING_EMAIL_ADDRESS)\n\nof the records with an address:\n",
        s.records, s.addressed, pct(s.missing_email)
    );
    for (label, share) in [
        ("unsubscribed from all email (UNSUBSCRIBED)", s.unsubscribed),
        (
            "opted out of a subscription type (UNSUBSCRIBED_PERSONAL)",
            s.unsubscribed_personal,
        ),
        ("hard-bounced (BOUNCED)", s.bounced),
        ("invalid address (will bounce)", s.invalid_address),
        ("quarantined (BLOCKED_ADDRESS)", s.blocked_address),
        ("blocked domain (BLOCKED_DOMAIN)", s.blocked_domain),
        (
            "marked as spam (PREVIOUSLY_MARKED_AS_SPAM)",
            s.marked_as_spam,
        ),
        ("in a sequence (ALREADY_ENROLLED)", s.already_enrolled),
        (
            "duplicates of an earlier record's address",
            s.duplicate_contacts,
        ),
    ] {
        out += &format!("  {label:<58} {:>8}\n", pct(share));
    }
    out += &format!(
        "  mailbox providers by domain: gmail {}, microsoft {}, other {}\n",
        pct(s.providers[0]),
        pct(s.providers[1]),
        pct(s.providers[2])
    );
    out += &format!(
        "\n{} users, {} sequences\n",
        portal.users.len(),
        portal.sequences.len()
    );
    for u in &portal.users {
        let owned = portal
            .contacts
            .iter()
            .filter(|c| c.owner.as_deref().is_some_and(|o| owns(u, o)))
            .count();
        let inbox = u.inbox.map_or("no inbox", |p| p.name());
        out += &format!(
            "  user {} ({}): {}, {inbox}, owns {owned} records\n",
            u.id,
            u.email,
            u.seat.name()
        );
    }
    for q in &portal.sequences {
        let kinds: Vec<&str> = q.steps.iter().map(|s| s.kind.name()).collect();
        out += &format!("  sequence {} `{}`: {}\n", q.id, q.name, kinds.join(", "));
    }
    out
}

/// Whether a contact's owner cell `owner` names user `u`: its owner id, user id, email or name.
pub fn owns(u: &import::ImportedUser, owner: &str) -> bool {
    u.owner_id.as_deref() == Some(owner)
        || u.id == owner
        || u.email.eq_ignore_ascii_case(owner)
        || (!u.name.is_empty() && u.name == owner)
}

/// The rows left out, a line each (for standard error, or after the summary).
fn skipped(portal: &Portal) -> String {
    if portal.skipped.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\nskipped {} rows with problems (--skip-bad-rows):\n",
        portal.skipped.len()
    );
    for p in portal.skipped.iter().take(import::MAX_PROBLEMS) {
        out += &format!("  - {p}\n");
    }
    out
}
