//! Plain-text tables (a terminal's or Markdown) and exact number formatting, shared by every
//! text report.

use std::fmt::Write as _;

/// A table of text cells: the first `left` columns aligned left, the others right; drawn for a
/// terminal (a rule under the header) or as Markdown.
pub(crate) struct Grid {
    header: Vec<String>,
    /// The rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
    left: usize,
}

impl Grid {
    /// An empty grid with these column headers.
    pub fn new(header: &[&str], left: usize) -> Self {
        Self {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
            left,
        }
    }

    /// Appends the grid to `out`, after a blank line.
    pub fn write(&self, out: &mut String, markdown: bool) {
        assert!(
            (self.rows.iter()).all(|row| row.len() == self.header.len()),
            "every row has a cell per column"
        );
        out.push('\n');
        if markdown {
            let align: Vec<&str> = (0..self.header.len())
                .map(|i| if i < self.left { "---" } else { "---:" })
                .collect();
            let _ = writeln!(
                out,
                "| {} |\n|{}|",
                self.header.join(" | "),
                align.join("|")
            );
            for row in &self.rows {
                let _ = writeln!(out, "| {} |", row.join(" | "));
            }
            return;
        }
        let widths: Vec<usize> = (0..self.header.len())
            .map(|i| {
                self.rows
                    .iter()
                    .map(|row| row[i].len())
                    .chain([self.header[i].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (cell, &w))| {
                    if i < self.left {
                        format!("{cell:<w$}")
                    } else {
                        format!("{cell:>w$}")
                    }
                })
                .collect();
            padded.join("  ").trim_end().to_owned()
        };
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        let _ = writeln!(out, "{}", line(&self.header));
        let _ = writeln!(out, "{}", line(&rule));
        for row in &self.rows {
            let _ = writeln!(out, "{}", line(row));
        }
    }
}

/// `3 portals`, `1 portal`.
pub fn counted(n: u64, noun: &str) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} {noun}{s}", thousands(n))
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `part / total` as a percentage with two decimals, computed in integers so the text is exact.
pub(crate) fn share(part: u64, total: u64) -> String {
    if total == 0 {
        return "-".to_owned();
    }
    let basis_points = (u128::from(part) * 10_000 + u128::from(total) / 2) / u128::from(total);
    format!("{}.{:02}%", basis_points / 100, basis_points % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_exactly() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(12_345_678), "12,345,678");
        assert_eq!(share(1, 3), "33.33%");
        assert_eq!(share(2, 3), "66.67%");
        assert_eq!(share(5, 5), "100.00%");
        assert_eq!(share(0, 0), "-");
    }
}
