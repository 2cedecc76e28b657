//! A rule set's guards in whole runs: each fires exactly when its statistic crosses its
//! threshold, checked against a plain re-enactment of the plan (the bounce-rate guard) or
//! against times worked out by hand. Day 0 is a Wednesday; day 5 a Monday.

mod common;

use model::{Check, Decision, GuardCode, RejectionCode, RuleSet};
use sim::{Guard, GuardKind, RunResult, Scenario, StepKind, World};

const HOUR: u32 = 3_600;
const DAY: u32 = 86_400;
const MONDAY: u32 = 5;

/// A quiet world with one-email sequences, under `kind` as its only guard, checked first.
fn guarded(kind: GuardKind, contacts: u32) -> Scenario {
    let mut s = common::quiet(12, contacts);
    for seq in &mut s.sequences {
        seq.steps = vec![common::step(StepKind::AutomatedEmail, 0)];
        seq.send_window = None;
    }
    s.disconnections.per_inbox_day = 0.0;
    let mut order = vec![
        Check::Code(RejectionCode::MissingEmailAddress),
        Check::Guard(0),
    ];
    order.extend(RejectionCode::ALL.iter().skip(1).map(|&c| Check::Code(c)));
    let code = GuardCode {
        name: "GUARD".to_owned(),
        description: "a test guard".to_owned(),
    };
    s.rules = RuleSet::with_guards(&order, vec![code]).unwrap();
    s.guards = vec![Guard {
        kind,
        pause_hours: None,
    }];
    s
}

fn run(s: &Scenario, world: World, plan: &[(u32, u32)]) -> RunResult {
    let attempts = (plan.iter())
        .map(|&(time, contact)| common::attempt(time, 0, contact))
        .collect();
    common::audited(s, world, attempts)
}

#[test]
fn the_bounce_rate_guard_refuses_exactly_while_the_rate_is_above_its_threshold() {
    // One enrollment an hour; a dead mailbox bounces at once. Re-enacted plainly: the guard
    // holds when, over the last 24 hours, at least 5 emails left and more than 30% bounced.
    let kind = GuardKind::SenderBounceRate {
        window: sim::RateWindow::Hours(24),
        threshold: 0.3,
        min_sends: 5,
    };
    let mut s = guarded(kind, 300);
    s.population.rates.invalid_address = 0.35;
    let world = World::generate(&s);
    let dead: Vec<bool> = (0..200)
        .map(|c| world.persons()[world.contacts()[c].person as usize].invalid)
        .collect();
    let plan: Vec<(u32, u32)> = (0..200).map(|c| (MONDAY * DAY + c * HOUR, c)).collect();
    let result = run(&s, world, &plan);
    let mut sent: Vec<(u32, bool)> = Vec::new();
    let mut expected = Vec::new();
    for &(t, c) in &plan {
        let window: Vec<bool> = (sent.iter())
            .filter(|&&(at, _)| at + 24 * HOUR > t)
            .map(|&(_, bounced)| bounced)
            .collect();
        let bounced = window.iter().filter(|&&b| b).count();
        if window.len() >= 5 && bounced as f64 > 0.3 * window.len() as f64 {
            expected.push(Decision::Guarded(0));
        } else {
            expected.push(Decision::Enrolled);
            sent.push((t, dead[c as usize]));
        }
    }
    let guarded = expected
        .iter()
        .filter(|&&d| d == Decision::Guarded(0))
        .count();
    assert!(
        guarded > 10 && guarded < 150,
        "{guarded} guarded: the test must see both sides"
    );
    assert_eq!(common::decisions(&result), expected);
}

#[test]
fn a_bounce_rate_over_the_last_sends_refuses_exactly_while_they_bounce_too_often() {
    // As above with a window of the sender's last 12 sends: the guard holds when at least 5
    // emails left and more than 30% of the last 12 (all, while fewer) bounced. The window
    // moves with sends only: with one-email sequences nothing is sent once it holds, so it
    // holds from then on (docs/domain.md: pair it with follow-ups, or count in hours).
    let kind = GuardKind::SenderBounceRate {
        window: sim::RateWindow::Sends(12),
        threshold: 0.3,
        min_sends: 5,
    };
    let mut s = guarded(kind, 300);
    s.population.rates.invalid_address = 0.35;
    s.calendar.horizon_days = 80;
    let world = World::generate(&s);
    let dead: Vec<bool> = (0..200)
        .map(|c| world.persons()[world.contacts()[c].person as usize].invalid)
        .collect();
    let plan: Vec<(u32, u32)> = (0..70).map(|c| (MONDAY * DAY + c * 5 * HOUR, c)).collect();
    let result = run(&s, world, &plan);
    let mut sent: Vec<bool> = Vec::new();
    let mut expected = Vec::new();
    for &(_, c) in &plan {
        let window = &sent[sent.len().saturating_sub(12)..];
        let bounced = window.iter().filter(|&&b| b).count();
        if window.len() >= 5 && bounced as f64 > 0.3 * window.len() as f64 {
            expected.push(Decision::Guarded(0));
        } else {
            expected.push(Decision::Enrolled);
            sent.push(dead[c as usize]);
        }
    }
    let guarded = expected
        .iter()
        .filter(|&&d| d == Decision::Guarded(0))
        .count();
    assert!(
        guarded > 5 && sent.len() > 5,
        "{guarded} guarded, {} sent: the test must see both sides",
        sent.len()
    );
    assert_eq!(common::decisions(&result), expected);
}

#[test]
fn a_cooldown_refuses_until_its_days_have_passed() {
    // Enrolled Monday 10:00, finished at once (one email). Three days of cooldown: refused on
    // Thursday 09:59, enrolled again at 10:00.
    let s = guarded(GuardKind::Cooldown { days: 3 }, 50);
    let world = World::generate(&s);
    let t0 = MONDAY * DAY + 10 * HOUR;
    let plan = [
        (t0, 7),
        (t0 + DAY, 7),
        (t0 + 3 * DAY - 60, 7),
        (t0 + 3 * DAY, 7),
    ];
    let d = common::decisions(&run(&s, world, &plan));
    let g = Decision::Guarded(0);
    assert_eq!(d, [Decision::Enrolled, g, g, Decision::Enrolled]);
}

#[test]
fn a_daily_cap_counts_one_calendar_day_of_the_users_enrollments() {
    let s = guarded(GuardKind::DailyEnrollmentCap { per_day: 2 }, 50);
    let world = World::generate(&s);
    let t0 = MONDAY * DAY + 10 * HOUR;
    let plan = [(t0, 1), (t0 + 60, 2), (t0 + 120, 3), (t0 + DAY, 4)];
    let d = common::decisions(&run(&s, world, &plan));
    let e = Decision::Enrolled;
    assert_eq!(d, [e, e, Decision::Guarded(0), e]);
}

#[test]
fn recent_engagement_leaves_a_contact_alone_for_its_days() {
    // Every delivered email is answered within the hour; two days of peace after a reply.
    let mut s = guarded(GuardKind::RecentEngagement { days: 2 }, 50);
    s.engagement.reply = 1.0;
    s.engagement.reaction_hours_max = 0;
    let world = World::generate(&s);
    let t0 = MONDAY * DAY + 10 * HOUR;
    // The reply comes 60 s after the send, at t0 + 60.
    let plan = [
        (t0, 7),
        (t0 + DAY, 7),
        (t0 + 2 * DAY + 59, 7),
        (t0 + 2 * DAY + 60, 7),
    ];
    let d = common::decisions(&run(&s, world, &plan));
    let g = Decision::Guarded(0);
    assert_eq!(d, [Decision::Enrolled, g, g, Decision::Enrolled]);
}

#[test]
fn a_domain_is_suppressed_after_its_bounces() {
    // Every mailbox is dead; the guard suppresses a domain from its second bounce on.
    let mut s = guarded(GuardKind::DomainBounces { bounces: 2 }, 400);
    s.population.rates.invalid_address = 1.0;
    s.population.domains = 3;
    let world = World::generate(&s);
    let domain = |c: u32| world.persons()[world.contacts()[c as usize].person as usize].domain;
    let same: Vec<u32> = (0..400)
        .filter(|&c| domain(c) == domain(0))
        .take(4)
        .collect();
    let other = (0..400).find(|&c| domain(c) != domain(0)).unwrap();
    let t0 = MONDAY * DAY + 10 * HOUR;
    let plan = [
        (t0, same[0]),
        (t0 + HOUR, same[1]),
        (t0 + 2 * HOUR, same[2]),
        (t0 + 3 * HOUR, other),
    ];
    let d = common::decisions(&run(&s, world, &plan));
    let e = Decision::Enrolled;
    assert_eq!(d, [e, e, Decision::Guarded(0), e]);
}

#[test]
fn the_complaint_rate_guard_counts_complaints_when_they_come() {
    // Every delivered email is reported as spam 60 s after it leaves. One send and one
    // complaint over the window: 100%, above 50%, from the complaint on.
    let kind = GuardKind::SenderComplaintRate {
        window: sim::RateWindow::Hours(24),
        threshold: 0.5,
        min_sends: 1,
    };
    let mut s = guarded(kind, 50);
    s.engagement.spam_complaint = 1.0;
    s.engagement.reaction_hours_max = 0;
    let world = World::generate(&s);
    let t0 = MONDAY * DAY + 10 * HOUR;
    // Sends at t0 and t0 + 30 (no complaint yet: enrolled); complaints at t0 + 60 and
    // t0 + 90; at t0 + 120, 2 of 2 sends were reported: refused; a day later the window is
    // empty again.
    let plan = [(t0, 1), (t0 + 30, 3), (t0 + 120, 2), (t0 + 25 * HOUR, 4)];
    let d = common::decisions(&run(&s, world, &plan));
    let e = Decision::Enrolled;
    assert_eq!(d, [e, e, Decision::Guarded(0), e]);
}
