//! The table and Markdown renderings of a [`Report`].

use std::fmt::Write as _;

use crate::{Counts, Report};

/// Daily columns shown in the readable series, with their short headers.
const DAILY_COLUMNS: [(&str, &str); 11] = [
    ("sent", "sent"),
    ("limit_hits_platform", "limit:plat"),
    ("limit_hits_provider", "limit:prov"),
    ("hard_bounces", "bounced"),
    ("soft_bounces", "soft"),
    ("rejections", "rejected"),
    ("complaints", "spam"),
    ("unsubscribes", "unsub"),
    ("replies", "replies"),
    ("meetings", "meetings"),
    ("inbox_disconnected", "disconn"),
];

pub(crate) fn headline(r: &Report) -> String {
    format!(
        "{} in {}, {}, {} from {}; {}, {}",
        counted(r.population.contacts, "contact"),
        counted(r.population.portals, "portal"),
        counted(r.population.senders, "sender"),
        counted(r.horizon_days.into(), "day"),
        r.start_date,
        counted(r.enrollment_attempts, "enrollment attempt"),
        counted(r.events, "event"),
    )
}

fn sections(r: &Report) -> [(&'static str, &Counts); 5] {
    [
        ("enrollment decision", &r.enrollment),
        ("attempts by source", &r.attempts_by_source),
        ("enrollment outcome", &r.outcomes),
        ("send limit reached by side", &r.send_limit_reached_by_side),
        (
            "sequences daily limit at enrollment",
            &r.sequences_daily_limit,
        ),
    ]
}

/// The daily series: one row per day and sender provider on which something happened.
fn daily(r: &Report) -> Grid {
    let mut header = vec!["day", "date", "wd", "provider"];
    header.extend(DAILY_COLUMNS.iter().map(|(_, short)| *short));
    let mut grid = Grid::new(&header, 4);
    for day in &r.daily {
        for p in day.providers.iter().filter(|p| p.counts.total() > 0) {
            let mut row = vec![
                day.day.to_string(),
                day.date.clone(),
                day.weekday.to_owned(),
                p.provider.to_owned(),
            ];
            row.extend(
                DAILY_COLUMNS
                    .iter()
                    .map(|(key, _)| thousands(p.counts.get(key).unwrap_or(0))),
            );
            grid.rows.push(row);
        }
    }
    grid
}

/// The report as a terminal table, or as Markdown.
pub(crate) fn render(r: &Report, markdown: bool) -> String {
    let mut out = if markdown {
        format!(
            "# Scenario `{}` (seed {})\n\n{}.\n",
            r.scenario,
            r.seed,
            headline(r)
        )
    } else {
        format!(
            "scenario {} (seed {})\n{}\n",
            r.scenario,
            r.seed,
            headline(r)
        )
    };
    if !r.provenance.overrides.is_empty() {
        let shown: Vec<String> = (r.provenance.overrides.iter())
            .map(|o| format!("`{o}`"))
            .collect();
        out.push_str(&format!("with --set {}\n", shown.join(", ")));
    }
    warnings(&r.warnings, &mut out, markdown);
    for (title, counts) in sections(r) {
        let total = counts.total();
        let mut grid = Grid::new(&[title, "count", "share"], 1);
        for (name, count) in &counts.0 {
            let count = *count;
            let name = if markdown {
                format!("`{name}`")
            } else {
                name.to_string()
            };
            grid.rows
                .push(vec![name, thousands(count), share(count, total)]);
        }
        grid.write(&mut out, markdown);
    }
    crate::limits::render(&r.limits, markdown, &mut out);
    if r.daily.is_empty() {
        return out; // a summary (`--summary`)
    }
    let _ = write!(
        out,
        "\n{}",
        if markdown {
            "## Daily series\n"
        } else {
            "daily series (days and providers with activity)\n"
        }
    );
    daily(r).write(&mut out, markdown);
    out
}

/// The "Warnings" section, when validation warned about the file.
pub(crate) fn warnings(warnings: &[String], out: &mut String, markdown: bool) {
    if warnings.is_empty() {
        return;
    }
    out.push_str(if markdown {
        "\n## Warnings\n\n"
    } else {
        "\nwarnings\n"
    });
    for warning in warnings {
        let _ = writeln!(out, "{}{warning}", if markdown { "- " } else { "  - " });
    }
}

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
