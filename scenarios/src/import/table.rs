//! A CSV export read as a table: its header resolved to the columns a reader asks for (by any
//! of their names, case and surrounding spaces aside), each data row's cells as text, and every
//! problem with its row and column.

use std::path::Path;

use super::{RowProblem, MAX_EXPORT_BYTES};

/// One export file, read whole.
pub(super) struct Table {
    /// The file as given, for messages.
    pub path: String,
    header: Vec<String>,
    /// Data rows: the file's line number (the header is line 1) and the cells.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Reads the CSV at `path` (at most [`MAX_EXPORT_BYTES`], refused before reading when larger):
/// a malformed row or a cell that is not UTF-8 is a problem of its row, and the row is left out.
pub(super) fn read(
    path: &Path,
    problems: &mut Vec<RowProblem>,
) -> Result<Table, super::ImportError> {
    let shown = path.display().to_string();
    let read_error = |source| super::ImportError::Read {
        path: shown.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read_error)?;
    if !meta.is_file() {
        return Err(read_error(std::io::Error::other(
            "not a regular file; give a CSV file",
        )));
    }
    if meta.len() > MAX_EXPORT_BYTES {
        return Err(super::ImportError::TooLarge {
            path: shown,
            bytes: meta.len(),
        });
    }
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(file);
    let header = match reader.byte_headers() {
        Ok(h) => utf8_cells(h).map_err(|_| header_problem(&shown, "the header is not UTF-8"))?,
        Err(e) => return Err(header_problem(&shown, &e.to_string())),
    };
    let mut rows = Vec::new();
    for (i, record) in reader.byte_records().enumerate() {
        let line = i + 2;
        match record {
            Ok(r) => match utf8_cells(&r) {
                Ok(cells) => rows.push((line, cells)),
                Err(column) => problems.push(RowProblem::new(&shown, line, &header[column], "the cell is not UTF-8; allowed: a UTF-8 file, as HubSpot exports (save it again as CSV UTF-8)")),
            },
            Err(e) => problems.push(RowProblem::new(&shown, line, "", &malformed(&e, header.len()))),
        }
    }
    Ok(Table {
        path: shown,
        header,
        rows,
    })
}

fn header_problem(path: &str, what: &str) -> super::ImportError {
    super::ImportError::Invalid {
        problems: vec![RowProblem::new(
            path,
            1,
            "",
            &format!("{what}; allowed: a CSV file whose first line names its columns"),
        )],
        more: 0,
    }
}

/// Each cell as text, or the index of the first that is not UTF-8.
fn utf8_cells(record: &csv::ByteRecord) -> Result<Vec<String>, usize> {
    (record.iter().enumerate())
        .map(|(i, cell)| {
            std::str::from_utf8(cell)
                .map(|s| s.trim().to_owned())
                .map_err(|_| i)
        })
        .collect()
}

fn malformed(e: &csv::Error, columns: usize) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { len, .. } => format!(
            "the row has {len} cells, the header {columns}; allowed: one cell per column (quote a cell that holds a comma)"
        ),
        _ => format!("the row cannot be read as CSV ({e}); allowed: RFC 4180 CSV, as HubSpot exports"),
    }
}

impl Table {
    /// The index of the column named by any of `names`, if the header has one.
    pub fn column(&self, names: &[String]) -> Option<usize> {
        let wanted = |h: &str| names.iter().any(|n| n.eq_ignore_ascii_case(h));
        self.header.iter().position(|h| wanted(h))
    }

    /// The columns whose name starts with any of `prefixes` (case aside), with the rest of
    /// each name.
    pub fn columns_with_prefix(&self, prefixes: &[&str]) -> Vec<(usize, String)> {
        (self.header.iter().enumerate())
            .filter_map(|(i, h)| {
                let lower = h.to_ascii_lowercase();
                let p = prefixes
                    .iter()
                    .find(|p| lower.starts_with(&p.to_ascii_lowercase()))?;
                Some((i, h[p.len()..].trim().to_owned()))
            })
            .collect()
    }

    /// The header's name of column `i`.
    pub fn name(&self, i: usize) -> &str {
        &self.header[i]
    }
}
