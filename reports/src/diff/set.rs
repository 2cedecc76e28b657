//! `seqsim diff --before-rules A --after-rules B SCENARIO...`: one diff per scenario, each a
//! world run under both rule sets, and their total.

use std::fmt::Write as _;

use super::render::write_counts;
use super::{Diff, Row};
use crate::table::{counted, thousands};
use crate::Format;

/// The diffs of several scenarios under the same two rule sets, and their total.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DiffSet {
    /// One diff per scenario, in the order given.
    pub scenarios: Vec<Diff>,
    /// Their sums.
    pub total: DiffTotal,
}

/// The sums over a set of diffs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DiffTotal {
    /// Scenarios compared.
    pub scenarios: u64,
    /// Contacts in all their worlds.
    pub contacts: u64,
    /// Contacts with at least one change, in all.
    pub changed_contacts: u64,
    /// Enrollment decisions, summed by name.
    pub enrollment: Vec<Row>,
    /// Enrollment outcomes, summed by name.
    pub outcomes: Vec<Row>,
}

/// `rows` summed by name, names in the order first met.
fn sum_rows<'a>(rows: impl Iterator<Item = &'a Row>) -> Vec<Row> {
    let mut sums: Vec<Row> = Vec::new();
    for r in rows {
        match sums.iter_mut().find(|s| s.name == r.name) {
            Some(s) => {
                s.before += r.before;
                s.after += r.after;
            }
            None => sums.push(r.clone()),
        }
    }
    sums
}

impl DiffSet {
    /// The set of `diffs`, at least one.
    pub fn new(diffs: Vec<Diff>) -> Self {
        assert!(!diffs.is_empty(), "a set of diffs");
        let total = DiffTotal {
            scenarios: diffs.len() as u64,
            contacts: diffs.iter().map(|d| d.contacts).sum(),
            changed_contacts: diffs.iter().map(|d| d.changed_contacts).sum(),
            enrollment: sum_rows(diffs.iter().flat_map(|d| &d.enrollment)),
            outcomes: sum_rows(diffs.iter().flat_map(|d| &d.outcomes)),
        };
        Self {
            scenarios: diffs,
            total,
        }
    }

    /// The set in `format`: each scenario's diff as [`Diff::render`] gives it, then the total.
    pub fn render(&self, format: Format, by_portal: bool) -> String {
        crate::render_as(format, self, |markdown| {
            let mut out = String::new();
            for diff in &self.scenarios {
                out.push_str(&diff.render(format, by_portal));
                out.push('\n');
            }
            let t = &self.total;
            let title = format!(
                "total over {}: {} of {} changed",
                counted(t.scenarios, "scenario"),
                counted(t.changed_contacts, "contact"),
                thousands(t.contacts)
            );
            let _ = writeln!(out, "{}{title}", if markdown { "# " } else { "" });
            write_counts(&mut out, markdown, &t.enrollment, &t.outcomes);
            out
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, before: u64, after: u64) -> Row {
        Row {
            name: name.to_owned(),
            before,
            after,
        }
    }

    #[test]
    fn rows_sum_by_name_in_the_order_first_met() {
        let a = [row("ENROLLED", 5, 4), row("BOUNCED", 1, 2)];
        let b = [
            row("ENROLLED", 10, 9),
            row("GUARD", 0, 3),
            row("BOUNCED", 0, 1),
        ];
        let sums = sum_rows(a.iter().chain(&b));
        assert_eq!(
            sums,
            [
                row("ENROLLED", 15, 13),
                row("BOUNCED", 1, 3),
                row("GUARD", 0, 3)
            ]
        );
    }
}
