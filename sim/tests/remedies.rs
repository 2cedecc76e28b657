//! What users do after a step failure (domain §4): the knowledge base's remedies as user
//! actions on the user's clock (weekdays, working hours, once the inbox is connected again),
//! the step each resumes at, the share of users who act; and subscription types.
//!
//! Each test runs a hand-made plan over a quiet world (nothing happens by chance) and checks the
//! audit or the trace against times worked out by hand. Day 0 is a Wednesday; the plan's working
//! hours are 09:00 to 17:00.

mod common;

use model::{Decision, RejectionCode, StepFailure};
use sim::plan::Attempt;
use sim::{
    run_world, Outage, Reenrollment, Remedy, ResumeAt, RunOptions, RunResult, Scenario, Source,
    StepKind, TracedEvent, World,
};

const HOUR: u32 = 3_600;
const DAY: u32 = 86_400;
const MONDAY: u32 = 5;

fn at(day: u32, hour: u32, minute: u32) -> u32 {
    day * DAY + hour * HOUR + minute * 60
}

/// A quiet world whose sequence 0 is two automated emails two days apart, weekdays only, no
/// window; every user acts as the knowledge base says.
fn two_emails() -> Scenario {
    let mut s = common::quiet(8, 500);
    s.sequences[0].steps = vec![
        common::step(StepKind::AutomatedEmail, 0),
        common::step(StepKind::AutomatedEmail, 2),
    ];
    s.sequences[0].send_window = None;
    s.reenrollment = Reenrollment::article();
    s
}

fn remedy_for(s: &mut Scenario, failure: StepFailure, change: impl FnOnce(&mut Remedy)) {
    let Reenrollment::Act(remedies) = &mut s.reenrollment else {
        panic!("remedies")
    };
    change(&mut remedies[failure.index()]);
}

fn run(scenario: &Scenario, plan: Vec<Attempt>, traced: u32) -> RunResult {
    let options = RunOptions {
        threads: 1,
        audit: true,
        trace_contact: Some(traced),
        ..RunOptions::default()
    };
    run_world(scenario, World::generate(scenario), plan, &options)
}

fn attempt(time: u32, user: u32, contact: u32, source: Source) -> Attempt {
    Attempt {
        time,
        user,
        contact,
        source,
        bulk_position: 0,
    }
}

/// (time, source, decision) of every attempt.
fn attempts(r: &RunResult) -> Vec<(u32, Source, Decision)> {
    let audit = r.recordings.audit.as_ref().unwrap();
    audit
        .attempts
        .iter()
        .map(|a| (a.time, a.source, a.decision))
        .collect()
}

/// (time, step) of every send.
fn sends(r: &RunResult) -> Vec<(u32, u8)> {
    let audit = r.recordings.audit.as_ref().unwrap();
    audit.sends.iter().map(|s| (s.time, s.step)).collect()
}

/// The Workspace inboxes are down from Wednesday (day 7) 09:00 to Thursday 14:00.
fn outage_wednesday(s: &mut Scenario) {
    s.disconnections.outages = vec![Outage {
        start: at(7, 9, 0),
        duration: 29 * HOUR,
        inbox: Some(model::InboxProvider::GoogleWorkspace),
    }];
}

#[test]
fn a_user_reconnects_then_retries_the_failed_step() {
    // Enrolled Monday 10:00; step 2 falls due Wednesday 10:00 inside the outage:
    // INBOX_DISCONNECTED. The user acts a day later, Thursday 10:00, but first waits for the
    // inbox: Thursday 14:00, a working hour. The re-enrollment starts at step 2, sent at once.
    let mut s = two_emails();
    outage_wednesday(&mut s);
    let r = run(
        &s,
        vec![attempt(at(MONDAY, 10, 0), 0, 7, Source::CrmSingle)],
        7,
    );
    assert_eq!(
        attempts(&r),
        [
            (at(MONDAY, 10, 0), Source::CrmSingle, Decision::Enrolled),
            (at(8, 14, 0), Source::ReEnrollment, Decision::Enrolled),
        ]
    );
    assert_eq!(sends(&r), [(at(MONDAY, 10, 0), 0), (at(8, 14, 0), 1)]);
}

#[test]
fn a_user_who_does_not_reconnect_first_meets_no_connected_inbox() {
    let mut s = two_emails();
    outage_wednesday(&mut s);
    remedy_for(&mut s, StepFailure::InboxDisconnected, |r| {
        r.reconnect_first = false
    });
    let r = run(
        &s,
        vec![attempt(at(MONDAY, 10, 0), 0, 7, Source::CrmSingle)],
        7,
    );
    let reject = Decision::Rejected(RejectionCode::NoConnectedInbox);
    assert_eq!(
        attempts(&r)[1],
        (at(8, 10, 0), Source::ReEnrollment, reject)
    );
    assert_eq!(sends(&r), [(at(MONDAY, 10, 0), 0)]);
}

#[test]
fn users_act_on_weekdays_in_working_hours() {
    // Enrolled Wednesday (day 0) 16:30; step 2 is due Friday 16:30, inside a 45-minute outage.
    // A day later is Saturday 16:30: the user acts when back at work, Monday 09:00.
    let mut s = two_emails();
    s.disconnections.outages = vec![Outage {
        start: at(2, 16, 0),
        duration: 45 * 60,
        inbox: None,
    }];
    let plan = || vec![attempt(at(0, 16, 30), 0, 7, Source::CrmSingle)];
    let r = run(&s, plan(), 7);
    assert_eq!(
        attempts(&r)[1],
        (at(MONDAY, 9, 0), Source::ReEnrollment, Decision::Enrolled)
    );
    // Twenty minutes later is Friday 16:50, a working moment; an hour later, 17:30, is not.
    for (minutes, expected) in [(20, at(2, 16, 50)), (60, at(MONDAY, 9, 0))] {
        remedy_for(&mut s, StepFailure::InboxDisconnected, |r| {
            r.delay_minutes = minutes
        });
        assert_eq!(
            attempts(&run(&s, plan(), 7))[1].0,
            expected,
            "{minutes} minutes"
        );
    }
}

#[test]
fn a_user_who_does_not_act_leaves_the_contact_unenrolled() {
    let mut s = two_emails();
    outage_wednesday(&mut s);
    remedy_for(&mut s, StepFailure::InboxDisconnected, |r| r.share = 0.0);
    let r = run(
        &s,
        vec![attempt(at(MONDAY, 10, 0), 0, 7, Source::CrmSingle)],
        7,
    );
    assert_eq!(attempts(&r).len(), 1);
    let trace = &r.recordings.trace;
    assert!(trace.iter().any(|e| e.event == TracedEvent::UserDoesNotAct));
}

/// The first SEND_LIMIT_REACHED of a free Gmail inbox (platform cap 90% of 350 = 315) is the
/// 316th of 316 enrollments at Monday 10:00; the steps (0-based) its re-enrollments start at.
fn resumed_steps_after_a_limit(resume_at: ResumeAt) -> Vec<u8> {
    let mut s = two_emails();
    s.senders = vec![s.senders[1].clone()];
    s.senders[0].count = 1;
    s.senders[0].seat = model::SeatTier::Professional;
    remedy_for(&mut s, StepFailure::SendLimitReached, |r| {
        r.resume_at = resume_at
    });
    let plan = (0..316)
        .map(|c| attempt(at(MONDAY, 10, 0), 0, c, Source::CrmSingle))
        .collect();
    let r = run(&s, plan, 315);
    let steps = r.recordings.trace.iter().filter_map(|e| match e.event {
        TracedEvent::Attempt { step, .. } => Some(step),
        _ => None,
    });
    steps.collect()
}

#[test]
fn after_a_send_limit_the_user_resumes_at_the_following_step_or_as_told() {
    assert_eq!(resumed_steps_after_a_limit(ResumeAt::Next), [0, 1]);
    assert_eq!(resumed_steps_after_a_limit(ResumeAt::Same), [0, 0]);
}

#[test]
fn after_a_gmail_send_error_the_user_retries_from_gmail_minutes_later() {
    let mut s = two_emails();
    s.sending.gmail_send_error = 1.0;
    s.calendar.horizon_days = 8;
    let t0 = at(MONDAY, 10, 0);
    let r = run(&s, vec![attempt(t0, 0, 7, Source::GmailExtension)], 7);
    let first = &attempts(&r)[..3];
    assert_eq!(first[0], (t0, Source::GmailExtension, Decision::Enrolled));
    // Gmail fails every time: the user retries from Gmail every 5 minutes.
    assert_eq!(
        first[1],
        (t0 + 300, Source::ReEnrollment, Decision::Enrolled)
    );
    assert_eq!(
        first[2],
        (t0 + 600, Source::ReEnrollment, Decision::Enrolled)
    );
    assert!(sends(&r).is_empty(), "Gmail never sent");
    // From the CRM instead, the platform sends step 1 at the retry.
    remedy_for(&mut s, StepFailure::GmailSendError, |r| {
        r.from_gmail = false
    });
    let r = run(&s, vec![attempt(t0, 0, 7, Source::GmailExtension)], 7);
    assert_eq!(sends(&r)[0], (t0 + 300, 0));
}

#[test]
fn an_opt_out_blocks_only_sequences_of_its_type() {
    // Users 0 and 1 enroll into sequence 0 (type sales_email), user 2 into sequence 1
    // (type newsletter). Every contact unsubscribes from the type of the first email it gets.
    let mut s = two_emails();
    s.senders = vec![s.senders[0].clone(), s.senders[0].clone()];
    s.senders[0].count = 2;
    s.senders[1].count = 1;
    s.senders[1].sequence = 1;
    s.engagement.unsubscribe = 1.0;
    s.engagement.unsubscribe_all_share = 0.0;
    let plan = vec![
        attempt(at(MONDAY, 10, 0), 0, 7, Source::CrmSingle),
        attempt(at(MONDAY + 3, 10, 0), 1, 7, Source::CrmSingle),
        attempt(at(MONDAY + 3, 11, 0), 2, 7, Source::CrmSingle),
    ];
    let r = run(&s, plan, 7);
    let decisions: Vec<Decision> = attempts(&r).into_iter().map(|a| a.2).collect();
    assert_eq!(
        decisions,
        [
            Decision::Enrolled,
            Decision::Rejected(RejectionCode::UnsubscribedPersonal),
            Decision::Enrolled,
        ]
    );
    // Unsubscribing from all email blocks both types.
    s.engagement.unsubscribe_all_share = 1.0;
    let plan = vec![
        attempt(at(MONDAY, 10, 0), 0, 7, Source::CrmSingle),
        attempt(at(MONDAY + 3, 11, 0), 2, 7, Source::CrmSingle),
    ];
    let r = run(&s, plan, 7);
    assert_eq!(
        attempts(&r)[1].2,
        Decision::Rejected(RejectionCode::Unsubscribed)
    );
}
