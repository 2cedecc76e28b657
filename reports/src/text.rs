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

fn headline(r: &Report) -> String {
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

fn sections(r: &Report) -> [(&'static str, &Counts); 4] {
    [
        ("enrollment decision", &r.enrollment),
        ("attempts by source", &r.attempts_by_source),
        ("enrollment outcome", &r.outcomes),
        ("send limit reached by side", &r.send_limit_reached_by_side),
    ]
}

/// One row of the daily series: day, date, weekday, provider, then the columns; `None` for a
/// day and provider on which nothing happened.
fn daily_rows(r: &Report) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for day in &r.daily {
        for p in &day.providers {
            if p.counts.total() == 0 {
                continue;
            }
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
            rows.push(row);
        }
    }
    rows
}

fn daily_header() -> Vec<&'static str> {
    let mut header = vec!["day", "date", "wd", "provider"];
    header.extend(DAILY_COLUMNS.iter().map(|(_, short)| *short));
    header
}

pub(crate) fn table(r: &Report) -> String {
    let mut out = format!(
        "scenario {} (seed {})\n{}\n",
        r.scenario,
        r.seed,
        headline(r)
    );
    for (title, counts) in sections(r) {
        let width = counts
            .0
            .iter()
            .map(|(n, _)| n.len())
            .max()
            .unwrap_or(0)
            .max(title.len());
        let total = counts.total();
        let _ = writeln!(out, "\n{title:<width$}  {:>12}  {:>7}", "count", "share");
        let _ = writeln!(
            out,
            "{}  {}  {}",
            "-".repeat(width),
            "-".repeat(12),
            "-".repeat(7)
        );
        for &(name, count) in &counts.0 {
            let _ = writeln!(
                out,
                "{name:<width$}  {:>12}  {:>7}",
                thousands(count),
                share(count, total)
            );
        }
    }
    let header = daily_header();
    let rows = daily_rows(r);
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|row| row[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let _ = writeln!(out, "\ndaily series (days and providers with activity)");
    let line = |cells: &[&str]| {
        cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, &w))| {
                if i < 4 {
                    format!("{cell:<w$}")
                } else {
                    format!("{cell:>w$}")
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let _ = writeln!(out, "{}", line(&header).trim_end());
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        let _ = writeln!(out, "{}", line(&cells).trim_end());
    }
    out
}

pub(crate) fn markdown(r: &Report) -> String {
    let mut out = format!(
        "# Scenario `{}` (seed {})\n\n{}.\n",
        r.scenario,
        r.seed,
        headline(r)
    );
    for (title, counts) in sections(r) {
        let total = counts.total();
        let _ = writeln!(out, "\n| {title} | count | share |\n|---|---:|---:|");
        for &(name, count) in &counts.0 {
            let _ = writeln!(
                out,
                "| `{name}` | {} | {} |",
                thousands(count),
                share(count, total)
            );
        }
    }
    let header = daily_header();
    let _ = writeln!(out, "\n## Daily series\n\n| {} |", header.join(" | "));
    let align: Vec<&str> = (0..header.len())
        .map(|i| if i < 4 { "---" } else { "---:" })
        .collect();
    let _ = writeln!(out, "|{}|", align.join("|"));
    for row in daily_rows(r) {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out
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
fn share(part: u64, total: u64) -> String {
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
