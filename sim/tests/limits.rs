//! Send limits where arithmetic gives the answer exactly.
//!
//! One sender, a one-step sequence, and a hand-made plan: every business day at 08:00:00 the
//! sender enrolls `per_day` contacts at once. Their first steps all fall due at that moment: a
//! collision, so they leave one at a time 30 seconds apart (the stagger), and on every day the k-th send of the day leaves at 08:00:00 + 30k s. At that moment the rolling
//! 24 hours hold the previous day's sends with a later offset and this day's earlier sends:
//! exactly `cap - 1` while k < cap, and `cap` from then on. So each business day sends exactly
//! `cap` emails and fails exactly `per_day - cap` steps with SEND_LIMIT_REACHED.

mod common;

use model::{InboxProvider, LimitSide, Outcome, SmtpReply, StepFailure};
use sim::plan::Attempt;
use sim::{
    run_world, DayCounter, RunOptions, RunResult, Scenario, Source, StepKind, TracedEvent, World,
};

const PER_DAY: u32 = 1_000;
const DAYS: u32 = 5;

fn one_sender(inbox: InboxProvider, block_hours: u32) -> Scenario {
    let mut s = common::quiet(5, PER_DAY * DAYS);
    s.senders = vec![s.senders[0].clone()];
    s.senders[0].count = 1;
    s.senders[0].inbox = Some(inbox);
    s.sequences.truncate(1);
    s.sequences[0].steps = vec![common::step(StepKind::AutomatedEmail, 0)];
    s.sending.provider_block_hours = block_hours;
    s.calendar.horizon_days = 10;
    s
}

/// `PER_DAY` enrollments by user 0 at 08:00:00 on each of the first `DAYS` business days.
fn daily_plan(scenario: &Scenario) -> Vec<Attempt> {
    let days = scenario.calendar.business_days(DAYS);
    (0..PER_DAY * DAYS)
        .map(|c| Attempt {
            time: days[(c / PER_DAY) as usize] * 86_400 + 8 * 3_600,
            user: 0,
            contact: c,
            source: Source::CrmSingle,
            bulk_position: 0,
        })
        .collect()
}

fn run_plan(scenario: &Scenario) -> RunResult {
    let world = World::generate(scenario);
    run_world(
        scenario,
        world,
        daily_plan(scenario),
        &RunOptions::default(),
    )
}

/// Asserts that every business day sent `sent` emails and had `platform` and `provider`
/// limit hits.
fn assert_daily(result: &RunResult, scenario: &Scenario, sent: u64, platform: u64, provider: u64) {
    let days = scenario.calendar.business_days(DAYS);
    let per_day = |counter: DayCounter| -> Vec<u64> {
        days.iter()
            .map(|&d| {
                result.counters.daily[d as usize]
                    .iter()
                    .map(|c| c.get(counter))
                    .sum()
            })
            .collect()
    };
    let expected = |n: u64| vec![n; DAYS as usize];
    assert_eq!(per_day(DayCounter::Sent), expected(sent), "sent");
    assert_eq!(
        per_day(DayCounter::LimitHitsPlatform),
        expected(platform),
        "platform hits"
    );
    assert_eq!(
        per_day(DayCounter::LimitHitsProvider),
        expected(provider),
        "provider hits"
    );
}

#[test]
fn platform_limit_hits_per_day_are_exact() {
    // Google Workspace: the platform's limit is 90% of 1,000 = 900 a rolling day.
    let scenario = one_sender(InboxProvider::GoogleWorkspace, 24);
    let result = run_plan(&scenario);
    assert_daily(&result, &scenario, 900, 100, 0);
    let limited = result.outcome(Outcome::StepFailed(StepFailure::SendLimitReached));
    assert_eq!(limited, 100 * u64::from(DAYS));
    assert_eq!(result.counters.limit_outcomes_by_side, [limited, 0]);
    assert_eq!(result.outcome(Outcome::Finished), 900 * u64::from(DAYS));
}

#[test]
fn a_custom_limit_moves_the_cap() {
    let mut scenario = one_sender(InboxProvider::GoogleWorkspace, 24);
    // A custom limit is the sequence limit itself, without the 90% rule of the default: 500.
    scenario.senders[0].daily_limit = Some(500);
    let result = run_plan(&scenario);
    assert_daily(&result, &scenario, 500, 500, 0);
}

#[test]
fn provider_limit_hits_per_day_are_exact() {
    // Outlook.com allows 300 a day, under the platform's 900: the provider limits, and with no
    // block after the limit the same arithmetic holds with cap 300.
    let scenario = one_sender(InboxProvider::OutlookCom, 0);
    let result = run_plan(&scenario);
    assert_daily(&result, &scenario, 300, 0, 700);
    assert_eq!(
        result.counters.limit_outcomes_by_side,
        [0, 700 * u64::from(DAYS)]
    );
}

#[test]
fn a_provider_block_stops_sending_until_it_lifts() {
    // With the default 24-hour block, the first day sends 300; the block then covers the next
    // day's sends until 08:00 + 300 * 30 s, after which the window is empty again and 300 more
    // leave before the limit blocks the inbox once more: 300 a day still, but from offset 300.
    let scenario = one_sender(InboxProvider::OutlookCom, 24);
    let result = run_plan(&scenario);
    assert_daily(&result, &scenario, 300, 0, 700);
}

/// The send times of a run of `scenario` with one bulk of `size` CRM-bulk attempts at 08:00 of
/// the first business day.
fn bulk_send_times(scenario: &Scenario, size: u32) -> Vec<u32> {
    let world = World::generate(scenario);
    let start = scenario.calendar.business_days(1)[0] * 86_400 + 8 * 3_600;
    let attempts: Vec<Attempt> = (0..size)
        .map(|c| Attempt {
            time: start,
            user: 0,
            contact: c,
            source: Source::CrmBulk,
            bulk_position: c as u8,
        })
        .collect();
    let options = RunOptions {
        audit: true,
        ..RunOptions::default()
    };
    let result = run_world(scenario, world, attempts, &options);
    let audit = result.recordings.audit.expect("audited");
    audit.sends.iter().map(|s| s.time - start).collect()
}

#[test]
fn bulk_first_steps_leave_three_a_minute() {
    // A bulk of 50 paced at 60 / 3 = 20 s: the k-th first step leaves at 20k s, none collide,
    // so every clock minute from 08:00 holds exactly three (the last, 08:16, holds two).
    let scenario = one_sender(InboxProvider::GoogleWorkspace, 24);
    let times = bulk_send_times(&scenario, 50);
    assert_eq!(times, (0..50).map(|k| 20 * k).collect::<Vec<_>>());
    let mut per_minute = [0; 17];
    for t in &times {
        per_minute[(t / 60) as usize] += 1;
    }
    assert_eq!(per_minute[..16], [3; 16]);
    assert_eq!(per_minute[16], 2);
}

#[test]
fn a_lower_per_minute_limit_binds_bulk_first_steps() {
    // Limit 2: 0, 20, then 40 is the minute's third: 60. From there every first step falls
    // due while the queue still holds an earlier one (the k-th at 20k s <= the previous slot),
    // so they leave 30 s apart (the stagger), two a clock minute: 60 + 30 (k - 2).
    let mut scenario = one_sender(InboxProvider::GoogleWorkspace, 24);
    scenario.sending.per_minute_limit = Some(2);
    let times = bulk_send_times(&scenario, 10);
    assert_eq!(times, [0, 20, 60, 90, 120, 150, 180, 210, 240, 270]);
}

#[test]
fn a_workspace_senders_own_mail_makes_gmail_answer_5_4_5() {
    // Workspace allows 2,000 messages a day; this user's own mail takes 1,500 of them, so the
    // provider's 500 binds before the platform's 900. With no block after the limit the
    // arithmetic of the module doc holds with cap 500: 500 sent, 500 provider hits a day.
    let mut scenario = one_sender(InboxProvider::GoogleWorkspace, 0);
    scenario.senders[0].other_emails_per_day = 1_500;
    let world = World::generate(&scenario);
    let attempts = daily_plan(&scenario);
    // Contact 700 is the 701st of the first day: past the provider's 500.
    let options = RunOptions {
        trace_contact: Some(700),
        ..RunOptions::default()
    };
    let result = run_world(&scenario, world, attempts, &options);
    assert_daily(&result, &scenario, 500, 0, 500);
    assert_eq!(
        result.counters.limit_outcomes_by_side,
        [0, 500 * u64::from(DAYS)]
    );
    let failed: Vec<_> = (result.recordings.trace.iter())
        .filter_map(|entry| match entry.event {
            TracedEvent::StepFailed {
                failure,
                side,
                reply,
                ..
            } => Some((failure, side, reply)),
            _ => None,
        })
        .collect();
    assert_eq!(
        failed,
        [(
            StepFailure::SendLimitReached,
            Some(LimitSide::Provider),
            Some(SmtpReply::SenderQuotaExhausted)
        )]
    );
    assert_eq!(SmtpReply::SenderQuotaExhausted.code(), "550 5.4.5");
}
