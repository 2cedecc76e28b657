//! The users export: one user a row, with the seat and the connected inbox.

use std::collections::BTreeSet;
use std::path::Path;

use model::{Catalogue as _, InboxProvider, SeatTier};

use super::contacts::resolve;
use super::mapping::{Column, Mapping};
use super::table;
use super::{ImportError, ImportedUser, RowProblem};

const COLUMNS: [Column; 7] = [
    Column::UserId,
    Column::UserEmail,
    Column::FirstName,
    Column::LastName,
    Column::OwnerId,
    Column::Seat,
    Column::InboxProvider,
];

/// The users of the users CSV at `path`; a row with a problem is left out and its problems
/// added to `rows`; a missing column is a problem of `fatal`.
pub(super) fn read(
    path: &Path,
    mapping: &Mapping,
    rows: &mut Vec<RowProblem>,
    fatal: &mut Vec<RowProblem>,
) -> Result<Vec<ImportedUser>, ImportError> {
    let table = table::read(path, rows)?;
    let at = resolve(&table, mapping, &COLUMNS, fatal);
    if !fatal.is_empty() {
        return Ok(Vec::new());
    }
    let mut seen = BTreeSet::new();
    let mut users = Vec::new();
    for (line, cells) in &table.rows {
        let cell = |i: usize| at[i].map_or("", |c| cells[c].as_str());
        let mut problems = Vec::new();
        let mut problem = |i: usize, m: String| {
            let column = at[i].map_or("", |c| table.name(c));
            problems.push(RowProblem::new(&table.path, *line, column, &m));
        };
        let id = cell(0).to_owned();
        if id.is_empty() || !seen.insert(id.clone()) {
            problem(0, format!("user id `{id}` is empty or on an earlier row too; allowed: each user once, with its id"));
        }
        if !cell(1).contains('@') {
            problem(
                1,
                format!(
                    "`{}` is not an email address; allowed: the user's address, name@domain",
                    cell(1)
                ),
            );
        }
        let seat = seat(cell(5)).ok_or_else(|| problem(5, format!("`{}` is not a seat; allowed: free, starter, professional, enterprise (or HubSpot's names, as `Sales Hub Professional`)", cell(5))));
        let inbox = provider(cell(6)).ok_or_else(|| {
            problem(
                6,
                format!(
                    "`{}` is not an inbox provider; allowed: {}, or none (no connected inbox)",
                    cell(6),
                    InboxProvider::names()
                ),
            )
        });
        if let (Ok(seat), Ok(inbox), true) = (seat, inbox, problems.is_empty()) {
            users.push(ImportedUser {
                id,
                email: cell(1).to_ascii_lowercase(),
                name: format!("{} {}", cell(2), cell(3)).trim().to_owned(),
                owner_id: Some(cell(4).to_owned()).filter(|o| !o.is_empty()),
                seat,
                inbox,
            });
        } else {
            rows.append(&mut problems);
        }
    }
    Ok(users)
}

/// A seat as seqsim names it, or as HubSpot's seat names end (`Sales Hub Professional`).
fn seat(cell: &str) -> Option<SeatTier> {
    let last = cell.rsplit(' ').next().unwrap_or("").to_ascii_lowercase();
    SeatTier::from_name(&last).or(if cell.is_empty() {
        Some(SeatTier::Free)
    } else {
        None
    })
}

/// A provider's name; `none` or empty: no connected inbox.
fn provider(cell: &str) -> Option<Option<InboxProvider>> {
    let lower = cell.to_ascii_lowercase();
    match lower.as_str() {
        "" | "none" => Some(None),
        name => InboxProvider::from_name(name).map(Some),
    }
}
