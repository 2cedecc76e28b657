//! Tidy CSV of `run` and `diff` (`--format csv`): one row per count (and per seed), as the
//! sweep's CSV, so that a spreadsheet or a dataframe reads a report without parsing JSON. A
//! count is named by its path (`enrollment.ENROLLED`, `outcomes.FINISHED`, `events`), as
//! sweep metrics and check bounds name it.

use crate::diff::Diff;
use crate::seeds::{diff::SeedsDiff, Group, SeedsReport};
use crate::Report;

/// The header of a run's CSV.
pub const RUN_HEADER: &str = "scenario,seed,count,value\n";

/// The header of a diff's CSV.
pub const DIFF_HEADER: &str = "before,after,seed,count,before_value,after_value,change\n";

/// A CSV cell: quoted when it holds a comma, a quote or a line break. (Hand-written: four
/// lines, where a CSV crate would add a dependency for one escaping rule.)
pub fn cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// A count's path: its group's key and its name (the totals: the name alone).
fn path(group: &Group, name: &str) -> String {
    match group.key {
        "" => name.to_owned(),
        key => format!("{key}.{name}"),
    }
}

/// Every count of groups whose series hold one value per seed of `seeds`, a row per seed per
/// count, seed by seed.
fn per_seed(seeds: &[u64], groups: &[Group]) -> Vec<(u64, String, u64)> {
    let mut rows = Vec::new();
    for (i, &seed) in seeds.iter().enumerate() {
        for g in groups {
            for s in &g.series {
                assert_eq!(s.values.len(), seeds.len(), "a value per seed");
                rows.push((seed, path(g, &s.name), s.values[i]));
            }
        }
    }
    rows
}

/// The rows of one run's report (no header).
pub fn run(report: &Report) -> String {
    let groups = crate::seeds::groups_of(report);
    let rows = per_seed(&[report.seed], &groups);
    let name = cell(&report.scenario);
    (rows.iter())
        .map(|(seed, count, value)| format!("{name},{seed},{count},{value}\n"))
        .collect()
}

/// The rows of a report over seeds (no header): each seed's count.
pub fn seeds(report: &SeedsReport) -> String {
    let name = cell(&report.scenario);
    (per_seed(&report.seeds, &report.groups).iter())
        .map(|(seed, count, value)| format!("{name},{seed},{count},{value}\n"))
        .collect()
}

fn diff_row(before: &str, after: &str, seed: u64, count: &str, b: u64, a: u64) -> String {
    let change = i128::from(a) - i128::from(b);
    format!("{before},{after},{seed},{count},{b},{a},{change:+}\n")
}

/// A diff's CSV (with its header): every enrollment decision and outcome, before and after.
pub fn diff(d: &Diff) -> String {
    let (before, after) = (cell(&d.before.scenario), cell(&d.after.scenario));
    let mut out = DIFF_HEADER.to_owned();
    for (key, rows) in [("enrollment", &d.enrollment), ("outcomes", &d.outcomes)] {
        for r in rows {
            out += &diff_row(
                &before,
                &after,
                d.seed,
                &format!("{key}.{}", r.name),
                r.before,
                r.after,
            );
        }
    }
    out
}

/// A diff over seeds' CSV (with its header): every count of every seed, before and after.
pub fn seeds_diff(d: &SeedsDiff) -> String {
    let (before, after) = (cell(&d.before.scenario), cell(&d.after.scenario));
    let mut out = DIFF_HEADER.to_owned();
    let (b, a) = (
        per_seed(&d.seeds, &d.before_counts),
        per_seed(&d.seeds, &d.after_counts),
    );
    for (x, y) in b.iter().zip(&a) {
        assert_eq!((x.0, &x.1), (y.0, &y.1), "the same count of the same seed");
        out += &diff_row(&before, &after, x.0, &x.1, x.2, y.2);
    }
    out
}
