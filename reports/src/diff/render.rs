//! The table and Markdown renderings of a [`Diff`].

use std::fmt::Write as _;

use super::{AttemptSummary, Change, Diff, PortalDiff, Row};
use crate::table::{counted, thousands, Grid};

/// The most common transitions shown; the rest are only counted (the JSON lists them all).
const TRANSITIONS_SHOWN: usize = 20;

/// The diff as a terminal table or as Markdown; with `by_portal`, each portal's share too.
pub(super) fn render(diff: &Diff, markdown: bool, by_portal: bool) -> String {
    let mut out = String::new();
    write_title(diff, &mut out, markdown);
    write_counts(&mut out, markdown, &diff.enrollment, &diff.outcomes);
    write_transitions(diff, &mut out, markdown);
    if by_portal {
        write_portals(&diff.portals, &mut out, markdown);
    }
    write_examples(diff, &mut out);
    out
}

/// The title line, and the two rule orders when they differ.
fn write_title(diff: &Diff, out: &mut String, markdown: bool) {
    let title = format!(
        "{} (before) against {} (after), seed {}: {} of {} changed",
        diff.before.scenario,
        diff.after.scenario,
        diff.seed,
        counted(diff.changed_contacts, "contact"),
        thousands(diff.contacts),
    );
    if markdown {
        let _ = writeln!(out, "# Diff: {title}");
    } else {
        let _ = writeln!(out, "diff: {title}");
    }
    if diff.before.rules != diff.after.rules {
        let _ = writeln!(out, "\nrule order before: {}", diff.before.rules.join(", "));
        let _ = writeln!(out, "rule order after:  {}", diff.after.rules.join(", "));
    }
}

/// `after - before`, signed.
fn change(r: &Row) -> String {
    let change = i128::from(r.after) - i128::from(r.before);
    let sign = if change > 0 { "+" } else { "" };
    format!("{sign}{change}")
}

/// The decision and outcome counts before and after, without the rows that are 0 in both.
pub(super) fn write_counts(out: &mut String, markdown: bool, enrollment: &[Row], outcomes: &[Row]) {
    for (title, rows) in [
        ("enrollment decision", enrollment),
        ("enrollment outcome", outcomes),
    ] {
        let mut grid = Grid::new(&[title, "before", "after", "change"], 1);
        for r in rows.iter().filter(|r| r.before != 0 || r.after != 0) {
            grid.rows.push(vec![
                r.name.clone(),
                thousands(r.before),
                thousands(r.after),
                change(r),
            ]);
        }
        grid.write(out, markdown);
    }
}

/// What changed, before and after, as table cells.
fn cells(change: &Change) -> [String; 3] {
    let or = |name: &Option<String>, none: &str| name.clone().unwrap_or_else(|| none.to_owned());
    match change {
        Change::Decision {
            attempt,
            before,
            after,
        } => [
            format!("attempt {attempt}: decision"),
            or(before, "(no attempt)"),
            or(after, "(no attempt)"),
        ],
        Change::Outcome {
            enrollment,
            before,
            after,
        } => [
            format!("enrollment {enrollment}: outcome"),
            or(before, "(not enrolled)"),
            or(after, "(not enrolled)"),
        ],
        Change::Emails {
            enrollment,
            before,
            after,
        } => [
            format!("enrollment {enrollment}: emails"),
            steps(before),
            steps(after),
        ],
    }
}

/// `steps 1, 2, 2` or `no email`.
fn steps(steps: &[u8]) -> String {
    if steps.is_empty() {
        return "no email".to_owned();
    }
    let list: Vec<String> = steps.iter().map(u8::to_string).collect();
    format!("steps {}", list.join(", "))
}

/// The most common transitions; the rest are only counted (the JSON lists them all).
fn write_transitions(diff: &Diff, out: &mut String, markdown: bool) {
    if diff.transitions.is_empty() {
        return;
    }
    let mut grid = Grid::new(&["change", "before", "", "after", "contacts"], 4);
    for t in diff.transitions.iter().take(TRANSITIONS_SHOWN) {
        let [what, before, after] = cells(&t.change);
        grid.rows.push(vec![
            what,
            before,
            "->".to_owned(),
            after,
            thousands(t.contacts),
        ]);
    }
    grid.write(out, markdown);
    let _ = writeln!(
        out,
        "\n(a contact changed in several ways counts in each; attempts and enrollments are \
         numbered in the contact's journey)"
    );
    if diff.transitions.len() > TRANSITIONS_SHOWN {
        let _ = writeln!(
            out,
            "({} more kinds of change in --format json)",
            diff.transitions.len() - TRANSITIONS_SHOWN
        );
    }
}

/// Each portal's changed contacts, then the counts that moved in each portal.
fn write_portals(portals: &[PortalDiff], out: &mut String, markdown: bool) {
    let mut grid = Grid::new(&["portal", "contacts", "changed"], 1);
    for p in portals {
        grid.rows.push(vec![
            p.portal.to_string(),
            thousands(p.contacts),
            thousands(p.changed_contacts),
        ]);
    }
    grid.write(out, markdown);
    for p in portals {
        let moved = |prefix: &str, rows: &[Row]| -> Vec<Vec<String>> {
            (rows.iter().filter(|r| r.before != r.after))
                .map(|r| {
                    let name = format!("{prefix} {}", r.name);
                    vec![name, thousands(r.before), thousands(r.after), change(r)]
                })
                .collect()
        };
        let mut rows = moved("decision", &p.enrollment);
        rows.extend(moved("outcome", &p.outcomes));
        if rows.is_empty() {
            continue;
        }
        let title = format!("portal {}", p.portal);
        let mut grid = Grid::new(&[&title, "before", "after", "change"], 1);
        grid.rows = rows;
        grid.write(out, markdown);
    }
}

/// An example's attempts in a few words: `ENROLLED -> FINISHED (steps 1, 2);
/// PREVIOUSLY_MARKED_AS_SPAM`.
fn summary(attempts: &[AttemptSummary]) -> String {
    if attempts.is_empty() {
        return "not attempted".to_owned();
    }
    let one = |a: &AttemptSummary| match (&a.outcome, &a.emails) {
        (Some(outcome), Some(emails)) => {
            format!("{} -> {outcome} ({})", a.decision, steps(emails))
        }
        _ => a.decision.clone(),
    };
    attempts.iter().map(one).collect::<Vec<_>>().join("; ")
}

/// The example contacts, with how to trace one.
fn write_examples(diff: &Diff, out: &mut String) {
    if diff.examples.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nexamples (explain one with `seqsim trace SCENARIO --contact ID`):"
    );
    for e in &diff.examples {
        let _ = writeln!(
            out,
            "  contact {} (portal {}): {}  =>  {}",
            e.contact,
            e.portal,
            summary(&e.before),
            summary(&e.after)
        );
    }
}
