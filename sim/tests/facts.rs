//! The facts of docs/domain.md that had no test of their own: when steps execute (§2), what
//! ends an enrollment and what does not (§4.2), exactly whom a hard bounce blocks later (§4.3),
//! the providers' own send limits (§5) and the SMTP reply classes (§6).
//!
//! Each test runs a hand-made plan over a generated world and checks the audit (or the traced
//! contact's events) against an answer worked out by hand. Times are seconds from day 0 at
//! 00:00; day 0 of the test calendar is a Wednesday, so days 3 and 4 are a weekend, day 5 a
//! Monday, days 10 and 11 the next weekend, day 12 a Monday.

mod common;

use common::attempt;

use model::{Decision, InboxProvider, Outcome, RejectionCode, ReplyClass, RuleSet, SmtpReply};
use sim::plan::Attempt;
use sim::{
    run_world, DayCounter, RunOptions, RunResult, Scenario, Source, StepKind, TracedEvent, World,
};

const MINUTE: u32 = 60;
const HOUR: u32 = 3_600;
const DAY: u32 = 86_400;

/// `h:m` on `day`, in seconds from day 0 at 00:00.
fn at(day: u32, h: u32, m: u32) -> u32 {
    day * DAY + h * HOUR + m * MINUTE
}

fn audited(scenario: &Scenario, plan: Vec<Attempt>, trace: Option<u32>) -> RunResult {
    let world = World::generate(scenario);
    let options = RunOptions {
        threads: 1,
        audit: true,
        trace_contact: trace,
        ..RunOptions::default()
    };
    run_world(scenario, world, plan, &options)
}

/// The (time, step) of every email sent to `contact`.
fn sends_to(result: &RunResult, contact: u32) -> Vec<(u32, u8)> {
    let audit = result.recordings.audit.as_ref().expect("audited");
    audit
        .sends
        .iter()
        .filter(|s| s.contact == contact)
        .map(|s| (s.time, s.step))
        .collect()
}

fn outcomes(result: &RunResult) -> Vec<Outcome> {
    result
        .recordings
        .audit
        .as_ref()
        .expect("audited")
        .outcomes
        .clone()
}

/// One portal, nothing drawn, and user 0 (Google Workspace, Professional) sending one sequence
/// of automated emails with these delays (days).
fn emails(delays: &[u32], weekdays_only: bool, window: Option<(u32, u32)>) -> Scenario {
    let mut s = common::quiet(11, 50);
    s.sequences.truncate(1);
    let seq = &mut s.sequences[0];
    seq.steps = delays
        .iter()
        .map(|&d| common::step(StepKind::AutomatedEmail, d))
        .collect();
    seq.weekdays_only = weekdays_only;
    seq.send_window = window;
    for group in &mut s.senders {
        group.sequence = 0;
    }
    s
}

// ---- §2 Timing ----

#[test]
fn step_one_executes_at_enrollment_even_at_the_weekend() {
    // Weekdays only, window 09:00-17:00: neither holds back step 1. Contact 0 is enrolled on
    // Saturday at 20:00, contact 1 on Sunday at 06:30; both emails leave at that second.
    let scenario = emails(&[0, 1], true, Some((9 * 60, 17 * 60)));
    let plan = vec![attempt(at(3, 20, 0), 0, 0), attempt(at(4, 6, 30), 0, 1)];
    let result = audited(&scenario, plan, None);
    assert_eq!(sends_to(&result, 0)[0], (at(3, 20, 0), 0));
    assert_eq!(sends_to(&result, 1)[0], (at(4, 6, 30), 0));
    // Step 2 is a follow-up: Sunday 20:00 goes to Monday 20:00, after the window, so Tuesday
    // 09:00; Monday 06:30 waits for the window's start at 09:00.
    assert_eq!(sends_to(&result, 0)[1], (at(6, 9, 0), 1));
    assert_eq!(sends_to(&result, 1)[1], (at(5, 9, 0), 1));
}

#[test]
fn follow_ups_keep_the_time_of_day_and_move_off_weekends() {
    // The knowledge base's example: enrolled on a Monday at 17:00 (here 17:23:45), steps 3 and
    // 3 days apart: Thursday, then Sunday, which moves to Monday when weekdays only.
    let enrolled = at(5, 17, 23) + 45;
    for (weekdays_only, third) in [(true, 12), (false, 11)] {
        let scenario = emails(&[0, 3, 3], weekdays_only, None);
        let result = audited(&scenario, vec![attempt(enrolled, 0, 7)], None);
        assert_eq!(
            sends_to(&result, 7),
            [
                (enrolled, 0),
                (enrolled + 3 * DAY, 1),
                (enrolled + (third - 5) * DAY, 2)
            ],
            "weekdays only: {weekdays_only}"
        );
        assert_eq!(outcomes(&result), [Outcome::Finished]);
    }
}

#[test]
fn a_send_window_moves_a_follow_up_to_the_window_s_next_start() {
    // Window 09:00-17:00, weekdays only, steps a day apart.
    let scenario = emails(&[0, 1, 1], true, Some((9 * 60, 17 * 60)));
    let plan = vec![
        // Monday 18:30: step 2 falls on Tuesday 18:30, after the window: Wednesday 09:00;
        // step 3 a day after that.
        attempt(at(5, 18, 30), 0, 0),
        // Friday 07:15: step 2 falls on Saturday, so Monday 07:15, before the window: 09:00.
        attempt(at(9, 7, 15), 0, 1),
    ];
    let result = audited(&scenario, plan, None);
    assert_eq!(
        sends_to(&result, 0),
        [(at(5, 18, 30), 0), (at(7, 9, 0), 1), (at(8, 9, 0), 2)]
    );
    assert_eq!(
        sends_to(&result, 1),
        [(at(9, 7, 15), 0), (at(12, 9, 0), 1), (at(13, 9, 0), 2)]
    );
}

#[test]
fn a_task_pauses_the_enrollment_until_it_is_completed() {
    // Email, a task a day later, an email two days after the task is done; weekends allowed
    // so that only the pause moves the last email.
    let mut scenario = emails(&[0, 1, 2], false, None);
    scenario.sequences[0].steps[1].kind = StepKind::Task;
    for (contact, day) in [(0, 0), (1, 1), (2, 2)] {
        let enrolled = at(day, 10, 0);
        let result = audited(
            &scenario,
            vec![attempt(enrolled, 0, contact)],
            Some(contact),
        );
        let done = result
            .recordings
            .trace
            .iter()
            .find_map(|e| match e.event {
                TracedEvent::TaskCreated { step: 1, done, .. } => {
                    assert_eq!(e.time, enrolled + DAY, "the task falls due after its delay");
                    Some(done)
                }
                _ => None,
            })
            .expect("a task");
        assert!(done >= enrolled + DAY + HOUR, "the task takes time");
        assert_eq!(
            sends_to(&result, contact),
            [(enrolled, 0), (done + 2 * DAY, 2)],
            "contact {contact}: the delay counts from the completion"
        );
    }
}

// ---- §4.2 Unenrollment triggers ----

#[test]
fn nothing_is_sent_after_an_unenrolling_reaction_but_out_of_office_goes_on() {
    // Emails on days 0, 3 and 6 at 10:00; a reaction comes within 48 hours and a minute.
    let base = emails(&[0, 3, 3], false, None);
    let enrolled = at(0, 10, 0);
    let cases: [(&str, Outcome); 6] = [
        ("reply", Outcome::Replied),
        ("meeting", Outcome::MeetingBooked),
        ("unsubscribe", Outcome::Unsubscribed),
        ("spam", Outcome::MarkedAsSpam),
        ("bounce", Outcome::Bounced),
        ("out_of_office", Outcome::Finished),
    ];
    for (what, outcome) in cases {
        let mut s = base.clone();
        let e = &mut s.engagement;
        match what {
            "reply" => e.reply = 1.0,
            "meeting" => e.meeting_booked = 1.0,
            "unsubscribe" => e.unsubscribe = 1.0,
            "spam" => e.spam_complaint = 1.0,
            "bounce" => s.population.rates.invalid_address = 1.0,
            _ => e.out_of_office = 1.0,
        }
        let result = audited(&s, vec![attempt(enrolled, 0, 0)], Some(0));
        let when = |ended: bool| {
            let trace = &result.recordings.trace;
            trace.iter().find_map(|e| match e.event {
                TracedEvent::Ended(_) if ended => Some(e.time),
                TracedEvent::Reacted { .. } if !ended => Some(e.time),
                TracedEvent::Sent {
                    reply: SmtpReply::BadMailbox,
                    ..
                } if !ended => Some(e.time),
                _ => None,
            })
        };
        if outcome != Outcome::Finished {
            assert_eq!(
                when(true),
                when(false),
                "{what}: unenrolled when it happens"
            );
        }
        let expected = if outcome == Outcome::Finished {
            vec![
                (enrolled, 0),
                (enrolled + 3 * DAY, 1),
                (enrolled + 6 * DAY, 2),
            ]
        } else {
            vec![(enrolled, 0)]
        };
        assert_eq!(sends_to(&result, 0), expected, "{what}");
        assert_eq!(outcomes(&result), [outcome], "{what}");
    }
}

// ---- §4.3 Side effects later enrollments see ----

/// Two portals, every mailbox dead, and the rules checking `first`, then the other checks, then
/// the two that stop the idle users: user 4 of portal 0 (no inbox, NO_CONNECTED_INBOX) and user
/// 3 of portal 1 (Starter, SEAT_NOT_ELIGIBLE). So any address fact shows before them.
fn dead_mailboxes(first: RejectionCode) -> Scenario {
    let mut scenario = common::quiet(7, 400);
    scenario.population.portals = 2;
    scenario.population.shared_persons = 0.5;
    scenario.population.duplicate_contacts = 0.3;
    scenario.population.rates.invalid_address = 1.0;
    let last = [
        RejectionCode::NoConnectedInbox,
        RejectionCode::SeatNotEligible,
    ];
    let mut order = vec![first];
    order.extend(
        RejectionCode::ALL
            .into_iter()
            .filter(|c| *c != first && !last.contains(c)),
    );
    order.extend(last);
    scenario.rules = RuleSet::new(&order).unwrap();
    scenario
}

#[test]
fn a_hard_bounce_blocks_exactly_the_records_of_its_address() {
    // User 0 (portal 0) enrolls a record that is not its address's first in the portal (so the
    // fact must reach the address, not only the record); its email bounces at once. Then every
    // record of both portals is tried by the idle users, before and after the next midnight.
    let on_portal = RejectionCode::RecipientPreviouslyBouncedOnPortal;
    for first in [RejectionCode::Bounced, on_portal] {
        let scenario = dead_mailboxes(first);
        let world = World::generate(&scenario);
        let person = |c: u32| world.contacts()[c as usize].person;
        let mine = world
            .contacts_of(0)
            .find(|&c| {
                world.contacts()[c as usize].canonical != c
                    && world.contacts_of(1).any(|o| person(o) == person(c))
            })
            .expect("an address held twice in portal 0 and once in portal 1");
        let mut plan = vec![attempt(at(0, 10, 0), 0, mine)];
        let mut expected = vec![(at(0, 10, 0), mine, Decision::Enrolled)];
        for (after_midnight, start) in [(false, at(0, 11, 0)), (true, at(1, 11, 0))] {
            for c in 0..world.contacts().len() as u32 {
                let p = world.portal_of(c);
                plan.push(attempt(start + c, [4, 3][p as usize], c));
                let code = match (p, person(c) == person(mine)) {
                    (0, true) => first,
                    (0, false) => RejectionCode::NoConnectedInbox,
                    (_, true) if after_midnight => {
                        RejectionCode::RecipientPreviouslyBouncedGlobally
                    }
                    _ => RejectionCode::SeatNotEligible,
                };
                expected.push((start + c, c, Decision::Rejected(code)));
            }
        }
        let result = audited(&scenario, plan, None);
        let audit = result.recordings.audit.as_ref().expect("audited");
        let mut got: Vec<_> = audit
            .attempts
            .iter()
            .map(|a| (a.time, a.contact, a.decision))
            .collect();
        got.sort_by_key(|&(t, c, _)| (t, c));
        assert_eq!(got, expected, "{first:?} checked first");
        assert_eq!(audit.sends.len(), 1, "only the first attempt sent anything");
    }
}

// ---- §5 Provider send limits ----

const PER_DAY: u32 = 600;
const DAYS: u32 = 3;

/// One sender with `inbox` whose own mail takes `other` of its provider's daily limit, a
/// one-step sequence, `per_day` contacts enrolled at once at 08:00 on each of the first
/// [`DAYS`] business days, and no block after a provider limit. Returns, per business day,
/// (sent, platform hits, provider hits).
fn daily_sends(inbox: InboxProvider, other: u32, stagger: u32, per_day: u32) -> Vec<[u64; 3]> {
    let mut s = common::quiet(5, per_day * DAYS);
    s.senders = vec![s.senders[0].clone()];
    s.senders[0].count = 1;
    s.senders[0].inbox = Some(inbox);
    s.senders[0].other_emails_per_day = other;
    s.sequences.truncate(1);
    s.sequences[0].steps = vec![common::step(StepKind::AutomatedEmail, 0)];
    s.sending.provider_block_hours = 0;
    s.sending.stagger_seconds = stagger;
    let days = s.calendar.business_days(DAYS);
    let plan = (0..per_day * DAYS)
        .map(|c| attempt(at(days[(c / per_day) as usize], 8, 0), 0, c))
        .collect();
    let result = run_world(&s, World::generate(&s), plan, &RunOptions::default());
    let count = |d: u32, counter| -> u64 {
        result.counters.daily[d as usize]
            .iter()
            .map(|c| c.get(counter))
            .sum()
    };
    days.iter()
        .map(|&d| {
            [
                count(d, DayCounter::Sent),
                count(d, DayCounter::LimitHitsPlatform),
                count(d, DayCounter::LimitHitsProvider),
            ]
        })
        .collect()
}

#[test]
fn provider_daily_limits_bind_once_other_mail_eats_into_them() {
    // Sends leave 30 s apart from 08:00; at the k-th send of a day the rolling 24 hours hold
    // the previous day's sends after the k-th and this day's first k: so each day sends
    // exactly the binding cap, and the rest of the 600 hit that side's limit.
    // (inbox, other mail a day, sent a day, side): the platform's cap is 90% of 350 for free
    // Gmail (315) and of 1,000 for the rest (900); the provider's is its limit minus the
    // other mail.
    let cases = [
        (InboxProvider::Gmail, 0, 315, 1), // 500 at Gmail: the platform's 315 binds
        (InboxProvider::Gmail, 300, 200, 2), // 500 - 300
        (InboxProvider::GoogleWorkspace, 1_500, 500, 2), // 2,000 - 1,500
        (InboxProvider::Microsoft365, 9_600, 400, 2), // 10,000 - 9,600
        (InboxProvider::OutlookCom, 100, 200, 2), // 300 - 100
        (InboxProvider::Exchange, 9_999, 600, 0), // no published limit: nothing binds
    ];
    for (inbox, other, sent, side) in cases {
        let mut day = [sent, 0, 0];
        if side > 0 {
            day[side] = u64::from(PER_DAY) - sent;
        }
        assert_eq!(
            daily_sends(inbox, other, 30, PER_DAY),
            vec![day; DAYS as usize],
            "{inbox:?} with {other} other emails a day"
        );
    }
}

#[test]
fn microsoft_365_takes_thirty_a_clock_minute() {
    // Sends leave a second apart from 08:00:00: in each clock minute the first 30 leave and
    // the next 30 hit the provider's limit. 1,000 a day: minutes 0-15 send 16 * 30 = 480,
    // minute 16 (40 sends) 30 more: 510 sent, 490 limited, well under either daily limit.
    assert_eq!(
        daily_sends(InboxProvider::Microsoft365, 0, 1, 1_000),
        vec![[510, 0, 490]; DAYS as usize]
    );
}

// ---- §6 SMTP reply classes ----

#[test]
fn smtp_replies_are_coded_and_classed_as_rfc_3463_says() {
    // Typed from RFC 5321 §4.2 and RFC 3463 §3 (and domain §6): 2.X.X success, 4.X.X
    // persistent transient failure, 5.X.X permanent failure; X.1.1 bad destination mailbox,
    // X.2.2 mailbox full, X.4.5 system congestion / quota, X.7.1 delivery not authorized.
    let table = [
        (SmtpReply::Delivered, "250 2.0.0", ReplyClass::Success),
        (SmtpReply::BadMailbox, "550 5.1.1", ReplyClass::Permanent),
        (SmtpReply::MailboxFull, "452 4.2.2", ReplyClass::Transient),
        (
            SmtpReply::PolicyRejection,
            "550 5.7.1",
            ReplyClass::Permanent,
        ),
        (
            SmtpReply::SenderQuotaExhausted,
            "550 5.4.5",
            ReplyClass::Permanent,
        ),
    ];
    for (reply, code, class) in table {
        assert_eq!((reply.code(), reply.class()), (code, class), "{reply:?}");
    }
}

#[test]
fn a_transient_answer_is_retried_and_a_permanent_one_is_not() {
    // 452 4.2.2 for every send: two retries, 30 then 60 minutes later, then the contact is
    // BOUNCED. 550 5.7.1: no retry, OTHER_SEND_REJECTED, and the sequence refuses the contact.
    let enrolled = at(0, 10, 0);
    let mut soft = emails(&[0], false, None);
    soft.sending.soft_bounce_retries = 2;
    soft.sending.retry_backoff_minutes = 30;
    for p in &mut soft.population.mailbox_providers {
        p.soft_bounce = 1.0;
    }
    let result = audited(&soft, vec![attempt(enrolled, 0, 0)], None);
    let times = [enrolled, enrolled + 30 * MINUTE, enrolled + 90 * MINUTE];
    assert_eq!(sends_to(&result, 0), times.map(|t| (t, 0)));
    assert_eq!(outcomes(&result), [Outcome::Bounced]);

    let mut policy = emails(&[0], false, None);
    for p in &mut policy.population.mailbox_providers {
        p.policy_rejection = 1.0;
    }
    let plan = vec![attempt(enrolled, 0, 0), attempt(enrolled + DAY, 0, 0)];
    let result = audited(&policy, plan, None);
    assert_eq!(sends_to(&result, 0), [(enrolled, 0)]);
    assert_eq!(outcomes(&result), [Outcome::OtherSendRejected]);
    let audit = result.recordings.audit.as_ref().unwrap();
    assert_eq!(
        audit.attempts[1].decision,
        Decision::Rejected(RejectionCode::OtherSendRejected)
    );
}

#[test]
fn a_policy_rejection_blocks_only_the_sequence_it_hit() {
    // Every email answers 550 5.7.1. Users 0-2 send sequence "a" (0), users 5 and 6 sequence
    // "b" (1). Contact 0 is rejected in "b" on day 0: on day 1 user 0 may still enroll it in
    // "a" (whose email is rejected in turn), and on day 2 user 5 may not enroll it in "b".
    let mut s = common::quiet(11, 50);
    s.senders[3].sequence = 1;
    s.senders[3].other_emails_per_day = 0;
    for p in &mut s.population.mailbox_providers {
        p.policy_rejection = 1.0;
    }
    let t = at(0, 10, 0);
    let plan = vec![
        attempt(t, 5, 0),
        attempt(t + DAY, 0, 0),
        attempt(t + 2 * DAY, 5, 0),
        attempt(t + 2 * DAY + HOUR, 1, 0),
    ];
    let result = audited(&s, plan, None);
    let rejected = Decision::Rejected(RejectionCode::OtherSendRejected);
    assert_eq!(
        common::decisions(&result),
        [Decision::Enrolled, Decision::Enrolled, rejected, rejected]
    );
    assert_eq!(sends_to(&result, 0), [(t, 0), (t + DAY, 0)]);
}

#[test]
fn the_next_delay_counts_from_the_scheduled_time_not_the_send() {
    // A bulk of three at Wednesday 10:00 leaves at the bulk pace, 0, 20 and 40 s after it;
    // step 2, a day later, counts from the enrollment's 10:00 for all three (domain §2, the
    // next delay counts from the previous step's scheduled time), so the three collide on
    // Thursday at 10:00 and leave 30 s apart (the stagger), not 20 s apart.
    let t = at(0, 10, 0);
    let s = emails(&[0, 1], false, None);
    let plan = (0..3)
        .map(|c| Attempt {
            source: Source::CrmBulk,
            bulk_position: c as u8,
            ..attempt(t, 0, c)
        })
        .collect();
    let result = audited(&s, plan, None);
    for c in 0..3 {
        let step_two = at(1, 10, 0) + 30 * c;
        assert_eq!(sends_to(&result, c), [(t + 20 * c, 0), (step_two, 1)]);
    }
}

#[test]
fn a_contact_enrolled_outside_the_scenario_is_already_enrolled() {
    // rates.already_enrolled = 1: every contact starts enrolled in a sequence the scenario does
    // not run, and stays so; nothing else blocks (a Workspace user, nothing drawn).
    let mut s = emails(&[0], false, None);
    s.population.rates.already_enrolled = 1.0;
    let plan = vec![attempt(at(0, 10, 0), 0, 0), attempt(at(5, 10, 0), 0, 0)];
    let result = audited(&s, plan, None);
    let already = Decision::Rejected(RejectionCode::AlreadyEnrolled);
    assert_eq!(common::decisions(&result), [already, already]);
    assert_eq!(sends_to(&result, 0), []);
}

#[test]
fn gmail_s_own_step_one_counts_in_the_inbox_s_rolling_day() {
    // A custom limit of 2 on user 0's Workspace inbox. Gmail sends the step 1 of a Gmail
    // extension enrollment itself, past the platform's checks, but the email left the inbox:
    // it counts in the rolling 24 hours, so of two CRM enrollments after it only the first
    // sends, and the second meets SEND_LIMIT_REACHED on the platform's side.
    let mut s = emails(&[0], false, None);
    s.senders[0].daily_limit = Some(2);
    let t = at(0, 10, 0);
    let plan = vec![
        Attempt {
            source: Source::GmailExtension,
            ..attempt(t, 0, 0)
        },
        attempt(t + HOUR, 0, 1),
        attempt(t + 2 * HOUR, 0, 2),
    ];
    let result = audited(&s, plan, None);
    assert_eq!(sends_to(&result, 0), [(t, 0)]);
    assert_eq!(sends_to(&result, 1), [(t + HOUR, 0)]);
    assert_eq!(sends_to(&result, 2), []);
    assert_eq!(
        outcomes(&result),
        [
            Outcome::Finished,
            Outcome::Finished,
            Outcome::StepFailed(model::StepFailure::SendLimitReached)
        ]
    );
}

/// The last simulated day is simulated like any other: an enrollment at 10:00 on the horizon's
/// last day sends its first email then, and a day-earlier enrollment sends its follow-up then.
#[test]
fn the_horizons_last_day_is_simulated() {
    let scenario = emails(&[0, 1], false, None);
    let last = scenario.calendar.horizon_days - 1;
    let plan = vec![
        attempt(at(last - 1, 10, 0), 0, 1),
        attempt(at(last, 11, 0), 0, 2),
    ];
    let result = audited(&scenario, plan, None);
    assert_eq!(
        sends_to(&result, 1),
        [(at(last - 1, 10, 0), 0), (at(last, 10, 0), 1)]
    );
    assert_eq!(sends_to(&result, 2), [(at(last, 11, 0), 0)]);
}
