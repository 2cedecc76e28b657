//! `seqsim diff`: the same seeded world run under two scenarios (typically two rule sets), and
//! which contacts' journeys changed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use sim::{Journey, RunResult, Scenario};

use crate::text::{counted, thousands, Grid};
use crate::{Format, Report};

/// One run of a diff.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Side {
    /// The scenario's name.
    pub scenario: String,
    /// Its rule order.
    pub rules: Vec<String>,
}

/// A count before and after.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Row {
    /// What is counted.
    pub name: String,
    /// Count in the first run.
    pub before: u64,
    /// Count in the second run.
    pub after: u64,
}

/// Contacts whose journey moved from one summary to another.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Transition {
    /// The journey's summary in the first run.
    pub before: String,
    /// In the second run.
    pub after: String,
    /// How many contacts moved so.
    pub contacts: u64,
}

/// One changed contact.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Example {
    /// The contact's id (for `seqsim trace`).
    pub contact: u32,
    /// Its journey in the first run.
    pub before: String,
    /// In the second run.
    pub after: String,
}

/// Two runs of one world compared contact by contact.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diff {
    /// The first run.
    pub before: Side,
    /// The second run.
    pub after: Side,
    /// The seed both runs used.
    pub seed: u64,
    /// Contacts in the world.
    pub contacts: u64,
    /// Contacts whose journey (first decision, attempts, enrollments, last outcome) differs.
    pub changed_contacts: u64,
    /// Enrollment decisions of all attempts, before and after.
    pub enrollment: Vec<Row>,
    /// Enrollment outcomes, before and after.
    pub outcomes: Vec<Row>,
    /// How changed contacts moved, most common first.
    pub transitions: Vec<Transition>,
    /// The first changed contacts by id.
    pub examples: Vec<Example>,
}

/// A journey in a few words: `BOUNCED`, `ENROLLED -> REPLIED`, `ENROLLED -> FINISHED (2
/// enrollments, 3 attempts)`.
fn summary(scenario: &Scenario, j: &Journey) -> String {
    let first = match j.first_decision {
        None => return "not attempted".to_owned(),
        Some(decision) => scenario.rules.decision_name(decision),
    };
    let mut s = first.to_owned();
    if let Some(outcome) = j.last_outcome {
        let _ = write!(s, " -> {}", outcome.name());
    }
    if j.attempts > 1 {
        let _ = write!(
            s,
            " ({}, {})",
            counted(j.enrollments.into(), "enrollment"),
            counted(j.attempts.into(), "attempt")
        );
    }
    s
}

/// The counts of both runs side by side, by name: the first run's names in order, then the
/// second run's own (a guard only one rule set declares counts 0 in the other).
fn rows(before: &crate::Counts, after: &crate::Counts) -> Vec<Row> {
    let names = (before.0.iter())
        .chain(after.0.iter().filter(|(n, _)| before.get(n).is_none()))
        .map(|(n, _)| n);
    names
        .map(|name| Row {
            name: name.to_string(),
            before: before.get(name).unwrap_or(0),
            after: after.get(name).unwrap_or(0),
        })
        .collect()
}

fn side(scenario: &Scenario) -> Side {
    Side {
        scenario: scenario.name.clone(),
        rules: (scenario.rules.order().iter())
            .map(|&c| scenario.rules.check_name(c).to_owned())
            .collect(),
    }
}

impl Diff {
    /// Compares two runs of the same world; both results must hold journeys.
    pub fn new(
        before: (&Scenario, &RunResult),
        after: (&Scenario, &RunResult),
        examples: usize,
    ) -> Self {
        let journeys = |r: &RunResult| r.recordings.journeys.clone().expect("runs with journeys");
        let (jb, ja) = (journeys(before.1), journeys(after.1));
        assert_eq!(jb.len(), ja.len(), "the two runs have the same contacts");
        let mut moves: BTreeMap<(String, String), u64> = BTreeMap::new();
        let mut changed = 0u64;
        let mut shown = Vec::new();
        for (contact, (b, a)) in jb.iter().zip(&ja).enumerate() {
            if b == a {
                continue;
            }
            changed += 1;
            let (sb, sa) = (summary(before.0, b), summary(after.0, a));
            if shown.len() < examples {
                shown.push(Example {
                    contact: contact as u32,
                    before: sb.clone(),
                    after: sa.clone(),
                });
            }
            *moves.entry((sb, sa)).or_default() += 1;
        }
        let mut transitions: Vec<Transition> = moves
            .into_iter()
            .map(|((before, after), contacts)| Transition {
                before,
                after,
                contacts,
            })
            .collect();
        // Most common first; the map's order breaks ties, so the list is stable.
        transitions.sort_by_key(|t| std::cmp::Reverse(t.contacts));
        let (rb, ra) = (
            Report::new(before.0, before.1),
            Report::new(after.0, after.1),
        );
        Diff {
            before: side(before.0),
            after: side(after.0),
            seed: before.0.seed,
            contacts: jb.len() as u64,
            changed_contacts: changed,
            enrollment: rows(&rb.enrollment, &ra.enrollment),
            outcomes: rows(&rb.outcomes, &ra.outcomes),
            transitions,
            examples: shown,
        }
    }

    /// The diff in `format`, ending with a newline.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => {
                let mut out = serde_json::to_string_pretty(self).expect("a diff always serializes");
                out.push('\n');
                out
            }
            Format::Table | Format::Markdown => self.render_text(format == Format::Markdown),
        }
    }

    fn render_text(&self, markdown: bool) -> String {
        let mut out = String::new();
        self.write_title(&mut out, markdown);
        self.write_counts(&mut out, markdown);
        self.write_transitions(&mut out, markdown);
        self.write_examples(&mut out);
        out
    }

    /// The title line, and the two rule orders when they differ.
    fn write_title(&self, out: &mut String, markdown: bool) {
        let title = format!(
            "{} (before) against {} (after), seed {}: {} of {} changed",
            self.before.scenario,
            self.after.scenario,
            self.seed,
            counted(self.changed_contacts, "contact"),
            thousands(self.contacts),
        );
        if markdown {
            let _ = writeln!(out, "# Diff: {title}");
        } else {
            let _ = writeln!(out, "diff: {title}");
        }
        if self.before.rules != self.after.rules {
            let _ = writeln!(out, "\nrule order before: {}", self.before.rules.join(", "));
            let _ = writeln!(out, "rule order after:  {}", self.after.rules.join(", "));
        }
    }

    /// The decision and outcome counts before and after, without the rows that are 0 in both.
    fn write_counts(&self, out: &mut String, markdown: bool) {
        for (title, rows) in [
            ("enrollment decision", &self.enrollment),
            ("enrollment outcome", &self.outcomes),
        ] {
            let mut grid = Grid::new(&[title, "before", "after", "change"], 1);
            for r in rows.iter().filter(|r| r.before != 0 || r.after != 0) {
                let change = i128::from(r.after) - i128::from(r.before);
                let sign = if change > 0 { "+" } else { "" };
                grid.rows.push(vec![
                    r.name.to_owned(),
                    thousands(r.before),
                    thousands(r.after),
                    format!("{sign}{change}"),
                ]);
            }
            grid.write(out, markdown);
        }
    }

    /// The most common transitions; the rest are only counted (the JSON lists them all).
    fn write_transitions(&self, out: &mut String, markdown: bool) {
        const SHOWN: usize = 20;
        if self.transitions.is_empty() {
            return;
        }
        let mut grid = Grid::new(&["before", "", "after", "contacts"], 3);
        for t in self.transitions.iter().take(SHOWN) {
            grid.rows.push(vec![
                t.before.clone(),
                "->".to_owned(),
                t.after.clone(),
                thousands(t.contacts),
            ]);
        }
        grid.write(out, markdown);
        if self.transitions.len() > SHOWN {
            let _ = writeln!(
                out,
                "\n({} more kinds of change in --format json)",
                self.transitions.len() - SHOWN
            );
        }
    }

    /// The example contacts, with how to trace one.
    fn write_examples(&self, out: &mut String) {
        if self.examples.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "\nexamples (explain one with `seqsim trace SCENARIO --contact ID`):"
        );
        for e in &self.examples {
            let _ = writeln!(
                out,
                "  contact {}: {}  =>  {}",
                e.contact, e.before, e.after
            );
        }
    }
}
