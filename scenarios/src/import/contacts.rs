//! The contacts export: one record a row.

use std::collections::BTreeSet;
use std::path::Path;

use super::mapping::{Column, Mapping, OPT_OUT_PREFIXES};
use super::table::{self, Table};
use super::{boolean, ImportError, ImportedContact, LifecycleStage, RowProblem};

/// The contact columns, in the order a row is read.
pub(super) const COLUMNS: [Column; 11] = [
    Column::RecordId,
    Column::Email,
    Column::Owner,
    Column::LifecycleStage,
    Column::Unsubscribed,
    Column::HardBounceReason,
    Column::InvalidAddress,
    Column::BlockedAddress,
    Column::BlockedDomain,
    Column::MarkedAsSpam,
    Column::InSequence,
];

/// The table's index of each of `columns` (`None`: absent); a required one absent is a
/// problem of `fatal`.
pub(super) fn resolve(
    table: &Table,
    mapping: &Mapping,
    columns: &[Column],
    fatal: &mut Vec<RowProblem>,
) -> Vec<Option<usize>> {
    (columns.iter())
        .map(|&c| {
            let found = table.column(mapping.names(c));
            if found.is_none() && c.required() {
                let names = mapping.names(c).iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" or ");
                let message = format!("no column for {}; allowed: a column named {names} (or name yours in a --map file, key `{}`)", c.name(), c.name());
                fatal.push(RowProblem::new(&table.path, 1, "", &message));
            }
            found
        })
        .collect()
}

/// The records of the contacts CSV at `path`; a row with a problem is left out and its
/// problems added to `rows`; a missing column is a problem of `fatal`.
pub(super) fn read(
    path: &Path,
    mapping: &Mapping,
    rows: &mut Vec<RowProblem>,
    fatal: &mut Vec<RowProblem>,
) -> Result<Vec<ImportedContact>, ImportError> {
    let table = table::read(path, rows)?;
    let at = resolve(&table, mapping, &COLUMNS, fatal);
    if !fatal.is_empty() {
        return Ok(Vec::new());
    }
    let opt_outs = table.columns_with_prefix(&OPT_OUT_PREFIXES);
    let mut seen = BTreeSet::new();
    let mut contacts = Vec::with_capacity(table.rows.len());
    for (line, cells) in &table.rows {
        let mut row = Row {
            table: &table,
            line: *line,
            cells,
            at: &at,
            problems: Vec::new(),
        };
        let contact = row.contact(&opt_outs);
        if let Some(c) = &contact {
            if !seen.insert(c.record_id) {
                row.problem(0, &format!("record id {} is on an earlier row too; allowed: each record once (export one view, or drop the duplicate)", c.record_id));
            }
        }
        match (contact, row.problems.is_empty()) {
            (Some(c), true) => contacts.push(c),
            _ => rows.append(&mut row.problems),
        }
    }
    Ok(contacts)
}

/// One data row being read.
struct Row<'a> {
    table: &'a Table,
    line: usize,
    cells: &'a [String],
    at: &'a [Option<usize>],
    problems: Vec<RowProblem>,
}

impl Row<'_> {
    /// The cell of `COLUMNS[i]`, empty when the file has no such column.
    fn cell(&self, i: usize) -> &str {
        self.at[i].map_or("", |c| self.cells[c].as_str())
    }

    fn problem(&mut self, i: usize, message: &str) {
        let column = self.at[i].map_or("", |c| self.table.name(c));
        self.problems.push(RowProblem::new(
            &self.table.path,
            self.line,
            column,
            message,
        ));
    }

    fn flag(&mut self, i: usize) -> bool {
        boolean(self.cell(i)).unwrap_or_else(|m| {
            self.problem(i, &m);
            false
        })
    }

    fn contact(&mut self, opt_outs: &[(usize, String)]) -> Option<ImportedContact> {
        let id = self.cell(0);
        let record_id = match id.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let m = format!(
                    "`{id}` is not a record id; allowed: a whole number, as HubSpot's Record ID"
                );
                self.problem(0, &m);
                None
            }
        };
        let email = self.email();
        let lifecycle = self.lifecycle();
        let opted_out = (opt_outs.iter())
            .filter(|(c, _)| boolean(&self.cells[*c]).unwrap_or(!self.cells[*c].is_empty()))
            .map(|(_, name)| name.clone())
            .collect();
        Some(ImportedContact {
            record_id: record_id?,
            email,
            owner: Some(self.cell(2).to_owned()).filter(|o| !o.is_empty()),
            lifecycle,
            unsubscribed: self.flag(4),
            opted_out,
            hard_bounced: !self.cell(5).is_empty(),
            invalid_address: self.flag(6),
            blocked_address: self.flag(7),
            blocked_domain: self.flag(8),
            marked_as_spam: self.flag(9),
            in_sequence: self.flag(10),
        })
    }

    fn email(&mut self) -> Option<String> {
        let cell = self.cell(1).to_ascii_lowercase();
        let ok = cell.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.contains('@')
        });
        if !cell.is_empty() && !ok {
            self.problem(1, &format!("`{cell}` is not an email address; allowed: name@domain, or empty for a record without one"));
        }
        Some(cell).filter(|_| ok)
    }

    fn lifecycle(&mut self) -> Option<LifecycleStage> {
        let cell = self.cell(3);
        if cell.is_empty() {
            return None;
        }
        let stage = LifecycleStage::parse(cell);
        if stage.is_none() {
            let allowed: Vec<&str> = LifecycleStage::ALL
                .iter()
                .map(|(_, _, label)| *label)
                .collect();
            self.problem(3, &format!("`{cell}` is not a lifecycle stage; allowed: {} (or their internal values, as `marketingqualifiedlead`), or empty", allowed.join(", ")));
        }
        stage
    }
}
