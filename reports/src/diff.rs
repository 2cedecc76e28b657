//! `seqsim diff`: the same seeded world run under two scenarios (typically two rule sets), and
//! which contacts' journeys changed.
//!
//! A contact changed when the decision on any of its attempts, the outcome of any of its
//! enrollments, or the emails sent in any of them (how many, and their steps) differ between the
//! two runs. Attempts and enrollments are compared by their rank in the contact's journey: the
//! second attempt before against the second attempt after.

use std::collections::BTreeMap;

use model::{Decision, Outcome};
use sim::{Journey, JourneyEntry, Journeys, RunResult, Scenario};

use crate::{decision_name, Format, Report};

mod render;
mod set;

pub use set::{DiffSet, DiffTotal};

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

/// One way a contact's journey changed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// The decision on the contact's `attempt`-th attempt (from 1); `None` where that run made
    /// no such attempt.
    Decision {
        /// The attempt's rank in the contact's journey, from 1.
        attempt: u32,
        /// Its decision in the first run.
        before: Option<String>,
        /// In the second run.
        after: Option<String>,
    },
    /// The outcome of the contact's `enrollment`-th enrollment (from 1); `None` where that run
    /// made no such enrollment.
    Outcome {
        /// The enrollment's rank in the contact's journey, from 1.
        enrollment: u32,
        /// Its outcome in the first run.
        before: Option<String>,
        /// In the second run.
        after: Option<String>,
    },
    /// The emails sent in the contact's `enrollment`-th enrollment, which both runs made: the
    /// step (from 1) of each email in order, a retried step once per send.
    Emails {
        /// The enrollment's rank in the contact's journey, from 1.
        enrollment: u32,
        /// The steps of its emails in the first run.
        before: Vec<u8>,
        /// In the second run.
        after: Vec<u8>,
    },
}

/// Contacts whose journeys changed in one same way.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Transition {
    /// The change.
    #[serde(flatten)]
    pub change: Change,
    /// How many contacts changed so.
    pub contacts: u64,
}

/// One attempt of an example contact, and the enrollment it made.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AttemptSummary {
    /// The rules' decision.
    pub decision: String,
    /// How the enrollment ended, for an ENROLLED attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// The steps (from 1) of its emails, for an ENROLLED attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emails: Option<Vec<u8>>,
}

/// One changed contact.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Example {
    /// The contact's id (for `seqsim trace`).
    pub contact: u32,
    /// Its portal.
    pub portal: u32,
    /// Its attempts in the first run.
    pub before: Vec<AttemptSummary>,
    /// In the second run.
    pub after: Vec<AttemptSummary>,
}

/// One portal's (customer's) share of a diff.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PortalDiff {
    /// The portal.
    pub portal: u32,
    /// Its contacts.
    pub contacts: u64,
    /// Those whose journey changed.
    pub changed_contacts: u64,
    /// Decisions of its attempts before and after, without the rows that are 0 in both.
    pub enrollment: Vec<Row>,
    /// Outcomes of its enrollments, likewise.
    pub outcomes: Vec<Row>,
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
    /// Contacts with at least one change (a decision, an outcome, emails).
    pub changed_contacts: u64,
    /// Enrollment decisions of all attempts, before and after.
    pub enrollment: Vec<Row>,
    /// Enrollment outcomes, before and after.
    pub outcomes: Vec<Row>,
    /// Every kind of change with the contacts it happened to, most common first; a contact
    /// changed in several ways counts in each.
    pub transitions: Vec<Transition>,
    /// Per portal, in portal order.
    pub portals: Vec<PortalDiff>,
    /// The first changed contacts by id.
    pub examples: Vec<Example>,
}

/// One of a portal's count tables.
type PortalRows = fn(&PortalDiff) -> &[Row];

/// A change before it is named; ordered, to count in a map.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Decision(u32, Option<Decision>, Option<Decision>),
    Outcome(u32, Option<Outcome>, Option<Outcome>),
    Emails(u32, Vec<u8>, Vec<u8>),
}

/// Every way journey `a` (after) differs from `b` (before), by rank.
fn changes(b: &Journey, a: &Journey) -> Vec<Key> {
    let mut keys = Vec::new();
    let rank = |k: usize| k as u32 + 1;
    for k in 0..b.decisions.len().max(a.decisions.len()) {
        let (x, y) = (b.decisions.get(k).copied(), a.decisions.get(k).copied());
        if x != y {
            keys.push(Key::Decision(rank(k), x, y));
        }
    }
    for k in 0..b.enrollments.len().max(a.enrollments.len()) {
        let (x, y) = (b.enrollments.get(k), a.enrollments.get(k));
        if x.map(|e| e.outcome) != y.map(|e| e.outcome) {
            keys.push(Key::Outcome(
                rank(k),
                x.map(|e| e.outcome),
                y.map(|e| e.outcome),
            ));
        }
        if let (Some(x), Some(y)) = (x, y) {
            if x.emails != y.emails {
                keys.push(Key::Emails(rank(k), x.emails.clone(), y.emails.clone()));
            }
        }
    }
    keys
}

/// Steps from 0 as steps from 1.
fn steps_from_one(steps: &[u8]) -> Vec<u8> {
    steps.iter().map(|s| s + 1).collect()
}

/// The named change of `key`, between runs of scenarios `before` and `after`.
fn change((before, after): (&Scenario, &Scenario), key: Key) -> Change {
    let name = |s, d: Option<Decision>| d.map(|d| decision_name(s, d));
    let outcome = |o: Option<Outcome>| o.map(|o| o.name().to_owned());
    match key {
        Key::Decision(attempt, b, a) => Change::Decision {
            attempt,
            before: name(before, b),
            after: name(after, a),
        },
        Key::Outcome(enrollment, b, a) => Change::Outcome {
            enrollment,
            before: outcome(b),
            after: outcome(a),
        },
        Key::Emails(enrollment, b, a) => Change::Emails {
            enrollment,
            before: steps_from_one(&b),
            after: steps_from_one(&a),
        },
    }
}

/// A journey's attempts, each with the enrollment it made.
fn attempts(scenario: &Scenario, j: &Journey) -> Vec<AttemptSummary> {
    let mut enrollments = j.enrollments.iter();
    (j.decisions.iter())
        .map(|&d| {
            let made = (d == Decision::Enrolled)
                .then(|| enrollments.next())
                .flatten();
            AttemptSummary {
                decision: decision_name(scenario, d),
                outcome: made.map(|e| e.outcome.name().to_owned()),
                emails: made.map(|e| steps_from_one(&e.emails)),
            }
        })
        .collect()
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

/// Decision and outcome counts of one portal, before (`[0]`) and after (`[1]`).
#[derive(Default)]
struct Tally {
    decisions: BTreeMap<Decision, [u64; 2]>,
    outcomes: BTreeMap<Outcome, [u64; 2]>,
}

impl Tally {
    /// Counts the entries of one contact's journey in run `run` (0 before, 1 after).
    fn add(&mut self, run: usize, entries: &[JourneyEntry]) {
        for &entry in entries {
            match entry {
                JourneyEntry::Attempt(d) => self.decisions.entry(d).or_default()[run] += 1,
                JourneyEntry::Ended(o) => self.outcomes.entry(o).or_default()[run] += 1,
                JourneyEntry::Sent(_) => {}
            }
        }
    }
}

/// The counts in `counts` (by name) as rows in the order of `order`, which names them all.
fn rows_in_order(order: &[Row], counts: BTreeMap<String, [u64; 2]>) -> Vec<Row> {
    let rows: Vec<Row> = (order.iter())
        .filter_map(|r| {
            counts.get(&r.name).map(|&[before, after]| Row {
                name: r.name.clone(),
                before,
                after,
            })
        })
        .collect();
    assert_eq!(
        rows.len(),
        counts.len(),
        "every count has a row of the run's"
    );
    rows
}

/// What the walk over the contacts gathers.
struct Walk {
    changed: u64,
    moves: BTreeMap<Key, u64>,
    portals: Vec<(u64, u64, Tally)>,
    examples: Vec<(u32, u32, Journey, Journey)>,
}

/// Compares every contact's journeys, portal by portal.
fn walk(jb: &Journeys, ja: &Journeys, examples: usize) -> Walk {
    assert_eq!(
        jb.contacts(),
        ja.contacts(),
        "the two runs have the same contacts"
    );
    assert!(
        jb.portals().eq(ja.portals()),
        "the two runs have the same portals"
    );
    let mut w = Walk {
        changed: 0,
        moves: BTreeMap::new(),
        portals: Vec::new(),
        examples: Vec::new(),
    };
    for (portal, range) in jb.portals().enumerate() {
        let (contacts, mut changed, mut tally) = (range.len() as u64, 0, Tally::default());
        for contact in range {
            let (eb, ea) = (jb.of(contact), ja.of(contact));
            tally.add(0, eb);
            tally.add(1, ea);
            if eb == ea {
                continue;
            }
            let (b, a) = (jb.journey(contact), ja.journey(contact));
            let keys = changes(&b, &a);
            if keys.is_empty() {
                continue; // the same journey, its events interleaved otherwise
            }
            changed += 1;
            for key in keys {
                *w.moves.entry(key).or_default() += 1;
            }
            if w.examples.len() < examples {
                w.examples.push((contact, portal as u32, b, a));
            }
        }
        w.changed += changed;
        w.portals.push((contacts, changed, tally));
    }
    w
}

impl Diff {
    /// Compares two runs of the same world; both results must hold journeys.
    pub fn new(
        before: (&Scenario, &RunResult),
        after: (&Scenario, &RunResult),
        examples: usize,
    ) -> Self {
        let (jb, ja) = (journeys_of(before.1), journeys_of(after.1));
        let w = walk(jb, ja, examples);
        let scenarios = (before.0, after.0);
        let mut transitions: Vec<Transition> = (w.moves.into_iter())
            .map(|(key, contacts)| Transition {
                change: change(scenarios, key),
                contacts,
            })
            .collect();
        // Most common first; the map's order breaks ties, so the list is stable.
        transitions.sort_by_key(|t| std::cmp::Reverse(t.contacts));
        let (rb, ra) = (
            Report::new(before.0, before.1),
            Report::new(after.0, after.1),
        );
        let enrollment = rows(&rb.enrollment, &ra.enrollment);
        let outcomes = rows(&rb.outcomes, &ra.outcomes);
        let portals = (w.portals.into_iter().enumerate())
            .map(|(p, (contacts, changed, tally))| PortalDiff {
                portal: p as u32,
                contacts,
                changed_contacts: changed,
                enrollment: rows_in_order(&enrollment, named_decisions(scenarios, tally.decisions)),
                outcomes: rows_in_order(&outcomes, named_outcomes(tally.outcomes)),
            })
            .collect();
        let examples = (w.examples.into_iter())
            .map(|(contact, portal, b, a)| Example {
                contact,
                portal,
                before: attempts(before.0, &b),
                after: attempts(after.0, &a),
            })
            .collect();
        let diff = Diff {
            before: side(before.0),
            after: side(after.0),
            seed: before.0.seed,
            contacts: u64::from(jb.contacts()),
            changed_contacts: w.changed,
            enrollment,
            outcomes,
            transitions,
            portals,
            examples,
        };
        diff.assert_reconciled();
        diff
    }

    /// The transitions account for every difference of the count tables, and the portals add
    /// up to them.
    fn assert_reconciled(&self) {
        let mut moved: BTreeMap<(&str, &str), i128> = BTreeMap::new();
        for t in &self.transitions {
            let (table, before, after) = match &t.change {
                Change::Decision { before, after, .. } => ("decision", before, after),
                Change::Outcome { before, after, .. } => ("outcome", before, after),
                Change::Emails { .. } => continue,
            };
            for (name, sign) in [(before, -1), (after, 1)] {
                if let Some(name) = name {
                    *moved.entry((table, name)).or_default() += sign * i128::from(t.contacts);
                }
            }
        }
        moved.retain(|_, n| *n != 0);
        let tables: [(&str, &[Row], PortalRows); 2] = [
            ("decision", &self.enrollment, |p| &p.enrollment),
            ("outcome", &self.outcomes, |p| &p.outcomes),
        ];
        let total = |rows: &[Row]| -> (u64, u64) {
            (rows.iter()).fold((0, 0), |(b, a), r| (b + r.before, a + r.after))
        };
        let mut counted = BTreeMap::new();
        for (table, rows, of_portal) in tables {
            for r in rows.iter().filter(|r| r.before != r.after) {
                let change = i128::from(r.after) - i128::from(r.before);
                counted.insert((table, r.name.as_str()), change);
            }
            let portals = (self.portals.iter().map(|p| total(of_portal(p))))
                .fold((0, 0), |(b, a), (pb, pa)| (b + pb, a + pa));
            assert_eq!(total(rows), portals, "the portals' {table} counts add up");
        }
        assert_eq!(moved, counted, "the transitions explain the count tables");
    }

    /// The diff in `format`, ending with a newline; the text formats show the per-portal
    /// breakdown only when `by_portal` (JSON always holds it).
    pub fn render(&self, format: Format, by_portal: bool) -> String {
        match format {
            Format::Json => {
                let mut out = serde_json::to_string_pretty(self).expect("a diff always serializes");
                out.push('\n');
                out
            }
            Format::Table | Format::Markdown => {
                render::render(self, format == Format::Markdown, by_portal)
            }
        }
    }
}

/// The journeys a run recorded.
fn journeys_of(result: &RunResult) -> &Journeys {
    let journeys = result.recordings.journeys.as_ref();
    journeys.expect("runs with journeys")
}

/// Decision counts by name, each run's named by its scenario.
fn named_decisions(
    scenarios: (&Scenario, &Scenario),
    counts: BTreeMap<Decision, [u64; 2]>,
) -> BTreeMap<String, [u64; 2]> {
    let mut named: BTreeMap<String, [u64; 2]> = BTreeMap::new();
    for (d, [b, a]) in counts {
        for (run, scenario, n) in [(0, scenarios.0, b), (1, scenarios.1, a)] {
            if n > 0 {
                named.entry(decision_name(scenario, d)).or_default()[run] += n;
            }
        }
    }
    named
}

/// Outcome counts by name.
fn named_outcomes(counts: BTreeMap<Outcome, [u64; 2]>) -> BTreeMap<String, [u64; 2]> {
    (counts.into_iter())
        .map(|(o, c)| (o.name().to_owned(), c))
        .collect()
}
