//! Reports of a run: a terminal table, JSON and Markdown.
//!
//! This crate is the output boundary: it turns a [`sim::RunResult`] into text. Every number in a
//! report is an integer count (shares are computed from them when printed), keys come in a fixed
//! order, and nothing depends on the clock or the machine, so the same run gives the same bytes.

use std::fmt::Write as _;

use model::RejectionCode;
use serde::ser::{Serialize, SerializeMap, Serializer};
use sim::{RunResult, Scenario, Source};

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned plain text for a terminal.
    Table,
    /// One JSON object.
    Json,
    /// GitHub-flavoured Markdown.
    Markdown,
}

/// A run's report: what was run and the counts it gave.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// The scenario's name.
    pub scenario: String,
    /// The seed the run used.
    pub seed: u64,
    /// The world's size.
    pub population: PopulationSummary,
    /// Attempts made.
    pub enrollment_attempts: u64,
    /// `ENROLLED` and every rejection code, with its count; sums to `enrollment_attempts`.
    pub enrollment: Counts,
    /// Attempts per source.
    pub attempts_by_source: Counts,
}

/// The world's size.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PopulationSummary {
    /// Contact records.
    pub contacts: u64,
    /// Portals.
    pub portals: u64,
    /// Users (potential senders).
    pub senders: u64,
}

/// Named counts in a fixed order; serialized as a JSON object in that order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counts(pub Vec<(&'static str, u64)>);

impl Counts {
    /// The count named `name`, if present.
    pub fn get(&self, name: &str) -> Option<u64> {
        self.0.iter().find(|(n, _)| *n == name).map(|&(_, c)| c)
    }

    /// The sum of the counts.
    pub fn total(&self) -> u64 {
        self.0.iter().map(|&(_, c)| c).sum()
    }
}

impl Serialize for Counts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, count) in &self.0 {
            map.serialize_entry(name, count)?;
        }
        map.end()
    }
}

impl Report {
    /// The report of `result`, a run of `scenario`.
    pub fn new(scenario: &Scenario, result: &RunResult) -> Self {
        let enrollment = std::iter::once(("ENROLLED", result.enrolled))
            .chain(
                RejectionCode::ALL
                    .into_iter()
                    .map(|code| (code.name(), result.rejected(code))),
            )
            .collect();
        let by_source = Source::ALL
            .into_iter()
            .map(|s| (s.name(), result.attempts_by_source[s as usize]))
            .collect();
        Report {
            scenario: scenario.name.clone(),
            seed: scenario.seed,
            population: PopulationSummary {
                contacts: result.contacts,
                portals: result.portals,
                senders: result.users,
            },
            enrollment_attempts: result.attempts,
            enrollment: Counts(enrollment),
            attempts_by_source: Counts(by_source),
        }
    }

    /// The report in `format`, ending with a newline.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => {
                let mut out =
                    serde_json::to_string_pretty(self).expect("a report always serializes");
                out.push('\n');
                out
            }
            Format::Table => self.render_table(),
            Format::Markdown => self.render_markdown(),
        }
    }

    fn headline(&self) -> String {
        format!(
            "{} contacts in {} portals, {} senders; {} enrollment attempts",
            thousands(self.population.contacts),
            thousands(self.population.portals),
            thousands(self.population.senders),
            thousands(self.enrollment_attempts),
        )
    }

    fn sections(&self) -> [(&'static str, &Counts); 2] {
        [
            ("enrollment decision", &self.enrollment),
            ("attempts by source", &self.attempts_by_source),
        ]
    }

    fn render_table(&self) -> String {
        let mut out = format!(
            "scenario {} (seed {})\n{}\n",
            self.scenario,
            self.seed,
            self.headline()
        );
        for (title, counts) in self.sections() {
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
        out
    }

    fn render_markdown(&self) -> String {
        let mut out = format!(
            "# Scenario `{}` (seed {})\n\n{}.\n",
            self.scenario,
            self.seed,
            self.headline()
        );
        for (title, counts) in self.sections() {
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
        out
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
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

    #[test]
    fn json_keys_keep_their_order() {
        let counts = Counts(vec![("B", 2), ("A", 1)]);
        assert_eq!(serde_json::to_string(&counts).unwrap(), r#"{"B":2,"A":1}"#);
        assert_eq!(counts.total(), 3);
        assert_eq!(counts.get("A"), Some(1));
    }
}
