//! What the engine counts and draws that no other test pins: the daily series' provider slots,
//! the independence of a user's decision to act from the step's task delay, and the parts of a
//! run that `seqsim` builds on (several seeds, the traced contact, progress).
//!
//! Each test runs a hand-made plan (or a small generated one) and checks it against an answer
//! worked out by hand, or against a second, simple recount. Day 0 is a Wednesday, day 5 a
//! Monday.

mod common;

use model::{InboxProvider, StepFailure};
use sim::plan::Attempt;
use sim::{
    run_world, DayCounter, Reenrollment, ResumeAt, RunOptions, RunResult, Scenario, Source,
    StepKind, World, PROVIDER_SLOTS,
};

const HOUR: u32 = 3_600;
const DAY: u32 = 86_400;
const MONDAY: u32 = 5;

fn attempt(time: u32, user: u32, contact: u32) -> Attempt {
    Attempt {
        time,
        user,
        contact,
        source: Source::CrmSingle,
        bulk_position: 0,
    }
}

fn audited(scenario: &Scenario, plan: Vec<Attempt>) -> RunResult {
    let options = RunOptions {
        threads: 1,
        audit: true,
        ..RunOptions::default()
    };
    run_world(scenario, World::generate(scenario), plan, &options)
}

/// A quiet world whose users are one free Gmail inbox (user 0) and one Outlook.com inbox
/// (user 1), both Professional seats, sending one automated email.
fn gmail_and_outlook() -> Scenario {
    let mut s = common::quiet(2, 20);
    let mut outlook = s.senders[0].clone();
    s.senders[0].count = 1;
    s.senders[0].inbox = Some(InboxProvider::Gmail);
    outlook.count = 1;
    outlook.inbox = Some(InboxProvider::OutlookCom);
    outlook.other_emails_per_day = 0;
    s.senders = vec![s.senders[0].clone(), outlook];
    s.sequences[0].steps = vec![common::step(StepKind::AutomatedEmail, 0)];
    s
}

#[test]
fn each_send_counts_in_its_sender_s_provider_slot() {
    // Slots are the providers in catalogue order (Gmail 0, Google Workspace 1, Microsoft 365 2,
    // Outlook.com 3, Exchange 4, Other 5), then "no inbox" (6).
    let s = gmail_and_outlook();
    let plan = vec![
        attempt(MONDAY * DAY + 10 * HOUR, 0, 0),
        attempt(MONDAY * DAY + 10 * HOUR + 60, 0, 1),
        attempt(MONDAY * DAY + 11 * HOUR, 1, 2),
    ];
    let r = audited(&s, plan);
    let sent: Vec<u64> = (0..PROVIDER_SLOTS)
        .map(|slot| r.counters.daily[MONDAY as usize][slot].get(DayCounter::Sent))
        .collect();
    assert_eq!(sent, [2, 0, 0, 1, 0, 0, 0]);
    assert_eq!(
        r.shape.provider_slots_used,
        [true, false, false, true, false, false, false]
    );
}

/// A quiet world in which user 0's sequence is one manual email (a task, then the email), its
/// task done 1 to 48 hours after it is created, every send fails (SEND_FAILURE), and half of
/// the users act on it a minute later, around the clock on weekdays.
fn failing_manual_emails() -> Scenario {
    let mut s = common::quiet(6, 400);
    s.sequences[0].steps = vec![common::step(StepKind::ManualEmail, 0)];
    s.tasks.completion_hours = (1, 48);
    s.plan.working_hours = (0, 24);
    s.sending.send_failure = 1.0;
    s.reenrollment = Reenrollment::article();
    let Reenrollment::Act(remedies) = &mut s.reenrollment else {
        unreachable!("the article acts")
    };
    let remedy = &mut remedies[StepFailure::SendFailure.index()];
    remedy.share = 0.5;
    remedy.delay_minutes = 1;
    remedy.resume_at = ResumeAt::Same;
    remedy.reconnect_first = false;
    s
}

#[test]
fn whether_a_user_acts_is_drawn_apart_from_the_task_s_delay() {
    // Contact c is enrolled on Monday at c x 10 minutes; its task is done after a delay drawn
    // in [1 h, 48 h], the email fails at once and a user who acts re-enrolls a minute later
    // (the last task is done by Friday 19:00: no weekend in between). So a re-enrollment's
    // time less the enrollment's is the delay plus a minute (plus at most a few minutes of
    // send pacing). Acting is a draw of its own: about half the users act, and the delays of
    // those who do spread over the whole range, half of them past its middle, 24.5 hours.
    let s = failing_manual_emails();
    let enrolled_at = |c: u32| MONDAY * DAY + c * 600;
    let plan = (0..400).map(|c| attempt(enrolled_at(c), 0, c)).collect();
    let r = audited(&s, plan);
    let audit = r.recordings.audit.as_ref().expect("audited");
    let mut delays = std::collections::BTreeMap::new();
    for a in audit.attempts.iter() {
        if a.source == Source::ReEnrollment {
            delays
                .entry(a.contact)
                .or_insert(a.time - enrolled_at(a.contact) - 60);
        }
    }
    let acted = delays.len();
    assert!((160..=240).contains(&acted), "{acted} of 400 users act");
    assert!(delays.values().all(|&d| (HOUR..=48 * HOUR + 600).contains(&d)));
    let late = delays.values().filter(|&&d| d > 49 * HOUR / 2).count();
    assert!(
        (acted * 35 / 100..=acted * 65 / 100).contains(&late),
        "{late} of the {acted} who act had a task delay past 24.5 hours"
    );
}
