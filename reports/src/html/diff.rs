//! The diff page (`seqsim diff --format html`): what was compared (scenarios, rules, seed);
//! the decision and outcome counts before and after as paired bars; every transition with its
//! contacts; example contacts, each with the command that traces it. With `--seeds`, each
//! count's paired change and its 95% interval as an interval chart, beyond noise marked.
//! Every chart is followed by the table of its numbers, taken from the same value the JSON
//! report serializes.

use std::fmt::Write as _;

use super::chart::{self, BarSeries, Bars, IntervalRow, Intervals};
use super::{escape, figure, head, Table, TAIL};
use crate::table::thousands;
use crate::{Change, Diff, Row, SeedsDiff};

/// The page of one diff; `trace` is the scenario argument its example commands trace (the
/// file or library name given for the first run).
pub fn render(d: &Diff, trace: &str) -> String {
    let title = format!(
        "seqsim diff: {} against {}",
        d.before.scenario, d.after.scenario
    );
    let mut out = head(&title);
    let _ = writeln!(out, "<h1>{}</h1>", escape(&title));
    let _ = writeln!(
        out,
        "<p>{} of {} contacts changed (seed {}).</p>",
        thousands(d.changed_contacts),
        thousands(d.contacts),
        d.seed
    );
    out.push_str(
        &sides(
            [
                (&d.before.scenario, &d.before.rules),
                (&d.after.scenario, &d.after.rules),
            ],
            &format!("seed {}", d.seed),
        )
        .html(),
    );
    paired(
        &mut out,
        "enrollment",
        "Enrollment decisions, before and after",
        "attempts",
        &d.enrollment,
    );
    paired(
        &mut out,
        "outcomes",
        "Enrollment outcomes, before and after",
        "enrollments",
        &d.outcomes,
    );
    out.push_str(&transitions(d).html());
    out.push_str(&examples(d, trace).html());
    out.push_str(TAIL);
    out
}

/// What was compared: each side's scenario and rules, and the seeds.
fn sides([before, after]: [(&str, &[String]); 2], seeds: &str) -> Table<'static> {
    Table {
        id: "compared".to_owned(),
        caption: "What was compared",
        header: &["", "scenario", "rules (in order)"],
        rows: vec![
            vec!["before".into(), before.0.to_owned(), before.1.join(", ")],
            vec!["after".into(), after.0.to_owned(), after.1.join(", ")],
            vec!["seeds".into(), seeds.to_owned(), String::new()],
        ],
        names: 3,
    }
}

/// Paired bars of `rows` (those not 0 on both sides), then the table of every row.
fn paired(out: &mut String, id: &str, caption: &str, unit: &str, rows: &[Row]) {
    let shown: Vec<&Row> = rows.iter().filter(|r| r.before + r.after > 0).collect();
    let categories: Vec<String> = shown.iter().map(|r| r.name.clone()).collect();
    let series = [
        BarSeries {
            label: "before".into(),
            values: shown.iter().map(|r| r.before).collect(),
        },
        BarSeries {
            label: "after".into(),
            values: shown.iter().map(|r| r.after).collect(),
        },
    ];
    let svg = chart::bars(&Bars {
        value_title: unit,
        categories: &categories,
        series: &series,
    });
    out.push_str(&figure(id, caption, &svg));
    let change = |r: &Row| {
        let d = r.after as i128 - r.before as i128;
        format!("{}{}", if d > 0 { "+" } else { "" }, d)
    };
    let table = Table {
        id: format!("{id}-table"),
        caption,
        header: &["name", "before", "after", "change"],
        rows: (rows.iter())
            .map(|r| {
                vec![
                    r.name.clone(),
                    thousands(r.before),
                    thousands(r.after),
                    change(r),
                ]
            })
            .collect(),
        names: 1,
    };
    out.push_str(&table.html());
}

/// A code or `-` for no such attempt or enrollment.
fn or_none(code: &Option<String>) -> String {
    code.clone().unwrap_or_else(|| "-".to_owned())
}

/// Emails' steps as `1 2 3`.
fn steps(s: &[u8]) -> String {
    s.iter().map(u8::to_string).collect::<Vec<_>>().join(" ")
}

/// Every transition with its contacts, most common first.
fn transitions(d: &Diff) -> Table<'static> {
    let rows = (d.transitions.iter())
        .map(|t| {
            let (kind, rank, before, after) = match &t.change {
                Change::Decision {
                    attempt,
                    before,
                    after,
                } => (
                    "decision",
                    format!("attempt {attempt}"),
                    or_none(before),
                    or_none(after),
                ),
                Change::Outcome {
                    enrollment,
                    before,
                    after,
                } => (
                    "outcome",
                    format!("enrollment {enrollment}"),
                    or_none(before),
                    or_none(after),
                ),
                Change::Emails {
                    enrollment,
                    before,
                    after,
                } => (
                    "emails",
                    format!("enrollment {enrollment}"),
                    steps(before),
                    steps(after),
                ),
            };
            vec![kind.to_owned(), rank, before, after, thousands(t.contacts)]
        })
        .collect();
    Table {
        id: "transitions".to_owned(),
        caption: "Transitions: how the changed contacts' journeys changed (a contact changed in several ways counts in each)",
        header: &["kind", "which", "before", "after", "contacts"],
        rows,
        names: 4,
    }
}

/// The example contacts: their attempts' decisions each side, and the command tracing them.
fn examples(d: &Diff, trace: &str) -> Table<'static> {
    let decisions = |attempts: &[crate::AttemptSummary]| {
        (attempts.iter())
            .map(|a| match &a.outcome {
                Some(o) => format!("{} ({o})", a.decision),
                None => a.decision.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rows = (d.examples.iter())
        .map(|e| {
            vec![
                e.contact.to_string(),
                e.portal.to_string(),
                decisions(&e.before),
                decisions(&e.after),
                format!(
                    "seqsim trace {trace} --seed {} --contact {}",
                    d.seed, e.contact
                ),
            ]
        })
        .collect();
    Table {
        id: "examples".to_owned(),
        caption: "Example changed contacts (run the command, with the side's --rules if any, to see the journey)",
        header: &["contact", "portal", "before", "after", "trace it"],
        rows,
        names: 5,
    }
}

/// The page of a diff over several seeds: each count's paired change with its interval.
pub fn render_seeds(d: &SeedsDiff) -> String {
    let title = format!(
        "seqsim diff: {} against {}, {} seeds",
        d.before.scenario,
        d.after.scenario,
        d.seeds.len()
    );
    let mut out = head(&title);
    let _ = writeln!(out, "<h1>{}</h1>", escape(&title));
    let seeds = (d.seeds.iter())
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    out.push_str(
        &sides(
            [
                (&d.before.scenario, &d.before.rules),
                (&d.after.scenario, &d.after.rules),
            ],
            &seeds,
        )
        .html(),
    );
    let rows = d.rows();
    let marked: Vec<IntervalRow> = (rows.iter())
        .map(|r| IntervalRow {
            label: format!("{}: {}", r.group, r.name),
            mean: r.change.mean,
            low: r.change.low.min(r.change.mean),
            high: r.change.high.max(r.change.mean),
            marked: r.change.excludes_zero(),
        })
        .collect();
    let svg = chart::intervals(&Intervals {
        value_title: "change, after - before (mean over the seeds, 95% interval)",
        rows: &marked,
        legend: ["beyond noise (the interval leaves out 0)", "within noise"],
    });
    out.push_str(&figure(
        "changes",
        "Each count's paired change over the seeds",
        &svg,
    ));
    let cell = |v: f64| format!("{v:.2}");
    let table = Table {
        id: "changes-table".to_owned(),
        caption: "Each count's means and paired change (counts 0 in every run left out)",
        header: &[
            "group",
            "name",
            "before",
            "after",
            "change",
            "95% low",
            "95% high",
            "beyond noise",
        ],
        rows: (rows.iter())
            .map(|r| {
                let c = &r.change;
                let beyond = if c.excludes_zero() { "yes" } else { "" };
                vec![
                    r.group.to_owned(),
                    r.name.clone(),
                    cell(r.before),
                    cell(r.after),
                    cell(c.mean),
                    cell(c.low),
                    cell(c.high),
                    beyond.to_owned(),
                ]
            })
            .collect(),
        names: 2,
    };
    out.push_str(&table.html());
    out.push_str(TAIL);
    out
}
