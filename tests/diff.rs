//! `seqsim diff` against answers worked out independently: a hand-made world in which only a
//! contact's second attempt changes, a recount of every number from the two runs' audit records,
//! and the spam-wave reorder of the QA issue.

use std::collections::BTreeMap;

use model::{Check, Decision, Outcome, RejectionCode, RuleSet};
use reports::{Change, Diff};
use sim::plan::Attempt;
use sim::{run_world, RunOptions, RunResult, Scenario, Source, World};

/// One portal, nothing drawn; user 0 (Professional) may enroll, user 1 (Starter) may not; one
/// sequence of three emails two days apart.
const QUIET: &str = r#"
seed = 5
[calendar]
start = "2026-03-02"
horizon_days = 14
[population]
contacts = 20
portals = 1
domains = 20
shared_persons = 0.0
duplicate_contacts = 0.0
[[sequences]]
name = "three"
steps = [
  { kind = "automated_email", delay_days = 0 },
  { kind = "automated_email", delay_days = 2 },
  { kind = "automated_email", delay_days = 2 },
]
[[senders]]
count = 1
seat = "professional"
inbox = "google_workspace"
[[senders]]
count = 1
seat = "starter"
inbox = "google_workspace"
[plan]
business_days = 5
coverage = 1.0
second_enrollment = 0.0
[plan.sources]
crm_single = 1.0
crm_bulk = 0.0
gmail_extension = 0.0
"#;

/// `scenario` with check `code` moved to just before check `anchor`.
fn moved_before(mut scenario: Scenario, code: RejectionCode, anchor: RejectionCode) -> Scenario {
    let name = format!(
        "{} ({} before {})",
        scenario.name,
        code.name(),
        anchor.name()
    );
    let (code, anchor) = (Check::Code(code), Check::Code(anchor));
    let mut order: Vec<Check> = scenario.rules.order().to_vec();
    order.retain(|&c| c != code);
    let at = order.iter().position(|&c| c == anchor).unwrap();
    order.insert(at, code);
    scenario.rules = RuleSet::with_guards(&order, scenario.rules.guards().to_vec()).unwrap();
    scenario.name = name;
    scenario
}

fn run(scenario: &Scenario, plan: Option<Vec<Attempt>>) -> RunResult {
    let options = RunOptions {
        audit: true,
        journeys: true,
        ..RunOptions::default()
    };
    match plan {
        Some(plan) => run_world(scenario, World::generate(scenario), plan, &options),
        None => sim::run_with(scenario, &options),
    }
}

fn diff_of(before: &Scenario, after: &Scenario, plan: Option<Vec<Attempt>>) -> Diff {
    let (rb, ra) = (run(before, plan.clone()), run(after, plan));
    Diff::new((before, &rb), (after, &ra), 5)
}

#[test]
fn a_change_of_the_second_attempt_only_is_counted() {
    let before = scenarios::parse(QUIET, "quiet.toml", "quiet").unwrap();
    let after = moved_before(
        before.clone(),
        RejectionCode::AlreadyEnrolled,
        RejectionCode::SeatNotEligible,
    );
    let attempt = |time, user, contact| Attempt {
        time,
        user,
        contact,
        source: Source::CrmSingle,
        bulk_position: 0,
    };
    // Contact 3 is enrolled by user 0 on Monday at 10:00 (the same in both runs), and while its
    // enrollment runs, user 1, whose seat may not sequence, tries again on Tuesday: the first
    // failing check in rule order is SEAT_NOT_ELIGIBLE before, ALREADY_ENROLLED after. Contact
    // 5 is enrolled once, the same in both.
    let plan = vec![
        attempt(36_000, 0, 3),
        attempt(37_000, 0, 5),
        attempt(86_400 + 36_000, 1, 3),
    ];
    let diff = diff_of(&before, &after, Some(plan));
    assert_eq!(diff.changed_contacts, 1);
    assert_eq!(diff.transitions.len(), 1);
    assert_eq!(diff.transitions[0].contacts, 1);
    assert_eq!(
        diff.transitions[0].change,
        Change::Decision {
            attempt: 2,
            before: Some("SEAT_NOT_ELIGIBLE".to_owned()),
            after: Some("ALREADY_ENROLLED".to_owned()),
        }
    );
    assert_eq!(diff.examples.len(), 1);
    let example = &diff.examples[0];
    assert_eq!(example.contact, 3);
    assert_eq!(example.before[0].decision, "ENROLLED");
    assert_eq!(example.before[0].outcome.as_deref(), Some("FINISHED"));
    assert_eq!(example.before[0].emails, Some(vec![1, 2, 3]));
    assert_eq!(example.before[0], example.after[0]);
    assert_eq!(diff.portals[0].changed_contacts, 1);
}

/// A contact's journey told by the audit: its decisions, and per enrollment its outcome and
/// the steps (from 1) of its emails.
type Told = (Vec<String>, Vec<(String, Vec<u8>)>);

/// Every contact's journey recounted from the audit alone. The `k`-th ENROLLED attempt made the
/// `k`-th enrollment (portals and their enrollments come in order); an email belongs to the
/// contact's latest enrollment made at or before it left.
fn told_by_audit(result: &RunResult) -> Vec<Told> {
    let audit = result.recordings.audit.as_ref().unwrap();
    let mut told: Vec<Told> = vec![Default::default(); result.shape.contacts as usize];
    let mut starts: Vec<Vec<u32>> = vec![Vec::new(); told.len()];
    let mut outcomes = audit.outcomes.iter();
    for a in &audit.attempts {
        let c = a.contact as usize;
        let name = match a.decision {
            Decision::Enrolled => "ENROLLED".to_owned(),
            Decision::Rejected(code) => code.name().to_owned(),
            Decision::Guarded(_) => unreachable!("no guards in this world"),
        };
        if a.decision == Decision::Enrolled {
            let outcome: &Outcome = outcomes.next().unwrap();
            told[c].1.push((outcome.name().to_owned(), Vec::new()));
            starts[c].push(a.time);
        }
        told[c].0.push(name);
    }
    assert!(outcomes.next().is_none());
    for s in &audit.sends {
        let c = s.contact as usize;
        let k = starts[c].iter().rposition(|&t| t <= s.time).unwrap();
        told[c].1[k].1.push(s.step + 1);
    }
    told
}

/// What one contact's two journeys differ in, as (kind, rank, before, after).
fn differences(b: &Told, a: &Told) -> Vec<(String, u32, String, String)> {
    let mut found = Vec::new();
    let text = |x: Option<&String>| x.cloned().unwrap_or_default();
    for k in 0..b.0.len().max(a.0.len()) {
        let (x, y) = (text(b.0.get(k)), text(a.0.get(k)));
        if x != y {
            found.push(("decision".to_owned(), k as u32 + 1, x, y));
        }
    }
    for k in 0..b.1.len().max(a.1.len()) {
        let (x, y) = (b.1.get(k), a.1.get(k));
        let (xo, yo) = (text(x.map(|e| &e.0)), text(y.map(|e| &e.0)));
        if xo != yo {
            found.push(("outcome".to_owned(), k as u32 + 1, xo, yo));
        }
        if let (Some(x), Some(y)) = (x, y) {
            if x.1 != y.1 {
                let (xs, ys) = (format!("{:?}", x.1), format!("{:?}", y.1));
                found.push(("emails".to_owned(), k as u32 + 1, xs, ys));
            }
        }
    }
    found
}

/// A transition of the diff as (kind, rank, before, after).
fn key_of(change: &Change) -> (String, u32, String, String) {
    let text = |x: &Option<String>| x.clone().unwrap_or_default();
    match change {
        Change::Decision {
            attempt,
            before,
            after,
        } => ("decision".into(), *attempt, text(before), text(after)),
        Change::Outcome {
            enrollment,
            before,
            after,
        } => ("outcome".into(), *enrollment, text(before), text(after)),
        Change::Emails {
            enrollment,
            before,
            after,
        } => (
            "emails".into(),
            *enrollment,
            format!("{before:?}"),
            format!("{after:?}"),
        ),
    }
}

#[test]
fn diff_agrees_with_a_recount_from_the_audits() {
    let before = scenarios::load("scenarios/library/spam-wave.toml".as_ref()).unwrap();
    let mut after = moved_before(
        before.clone(),
        RejectionCode::Unsubscribed,
        RejectionCode::PreviouslyMarkedAsSpam,
    );
    // Leaving out a check enrolls more contacts: outcomes change too.
    let order: Vec<Check> = (after.rules.order().iter().copied())
        .filter(|&c| c != Check::Code(RejectionCode::PreviouslyMarkedAsSpam))
        .collect();
    after.rules = RuleSet::with_guards(&order, Vec::new()).unwrap();
    // More complaints end enrollments earlier: fewer emails.
    after.engagement.spam_complaint *= 2.0;
    let (rb, ra) = (run(&before, None), run(&after, None));
    let diff = Diff::new((&before, &rb), (&after, &ra), 5);
    let (tb, ta) = (told_by_audit(&rb), told_by_audit(&ra));
    let mut changed = 0;
    let mut moves: BTreeMap<(String, u32, String, String), u64> = BTreeMap::new();
    for (b, a) in tb.iter().zip(&ta) {
        let found = differences(b, a);
        changed += u64::from(!found.is_empty());
        for key in found {
            *moves.entry(key).or_default() += 1;
        }
    }
    let reported: BTreeMap<_, u64> = (diff.transitions.iter())
        .map(|t| (key_of(&t.change), t.contacts))
        .collect();
    assert_eq!(diff.changed_contacts, changed);
    assert_eq!(reported, moves);
    for kind in ["decision", "outcome", "emails"] {
        assert!(moves.keys().any(|k| k.0 == kind), "no {kind} change");
    }
}

#[test]
fn the_spam_wave_reorder_of_the_issue_changes_contacts() {
    let before = scenarios::load("scenarios/library/spam-wave.toml".as_ref()).unwrap();
    let after = moved_before(
        before.clone(),
        RejectionCode::Unsubscribed,
        RejectionCode::PreviouslyMarkedAsSpam,
    );
    let diff = diff_of(&before, &after, None);
    let row = |name: &str| {
        let r = diff.enrollment.iter().find(|r| r.name == name).unwrap();
        i128::from(r.after) - i128::from(r.before)
    };
    let (spam, unsubscribed) = (row("PREVIOUSLY_MARKED_AS_SPAM"), row("UNSUBSCRIBED"));
    assert!(spam < 0 && unsubscribed > 0, "{spam} {unsubscribed}");
    assert!(diff.changed_contacts >= unsubscribed as u64);
    // Every decision that moved is a transition between the two codes.
    let mut net = 0;
    for t in &diff.transitions {
        let Change::Decision { before, after, .. } = &t.change else {
            panic!("a reorder changes decisions only: {t:?}");
        };
        assert_eq!(before.as_deref(), Some("PREVIOUSLY_MARKED_AS_SPAM"));
        assert_eq!(after.as_deref(), Some("UNSUBSCRIBED"));
        net += i128::from(t.contacts);
    }
    assert_eq!(net, unsubscribed);
    assert_eq!(-net, spam);
    let by_portal: u64 = diff.portals.iter().map(|p| p.changed_contacts).sum();
    assert_eq!(by_portal, diff.changed_contacts);
}
