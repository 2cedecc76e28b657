//! The table and Markdown renderings of a [`Report`].

use std::fmt::Write as _;

use crate::table::{counted, share, thousands, Grid};
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
