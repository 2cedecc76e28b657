//! The sequences daily limit at enrollment (domain §5): emails a user's enrollments have
//! scheduled on one day. Hand-made plans over a quiet world; day 0 is a Wednesday, day 5 a
//! Monday. The sequence sends two emails two days apart, so an enrollment on Monday holds
//! Monday and Wednesday.

mod common;

use model::{Decision, RejectionCode};
use sim::scenario::{SequencesDailyLimit, WhenFull};
use sim::{RunResult, Scenario, StepKind, World};

const DAY: u32 = 86_400;
const MONDAY: u32 = 5;

fn at(day: u32, hour: u32, second: u32) -> u32 {
    day * DAY + hour * 3_600 + second
}

fn scenario(per_user: u32, when_full: WhenFull) -> Scenario {
    let mut s = common::quiet(9, 100);
    s.sequences[0].steps = vec![
        common::step(StepKind::AutomatedEmail, 0),
        common::step(StepKind::AutomatedEmail, 2),
    ];
    s.sequences[0].send_window = None;
    s.sending.sequences_daily_limit = Some(SequencesDailyLimit {
        per_user,
        when_full,
    });
    s
}

fn run(s: &Scenario, plan: &[(u32, u32)]) -> RunResult {
    let world = World::generate(s);
    let attempts = (plan.iter())
        .map(|&(time, contact)| common::attempt(time, 0, contact))
        .collect();
    common::audited(s, world, attempts)
}

fn first_sends(r: &RunResult) -> Vec<(u32, u32)> {
    let audit = r.recordings.audit.as_ref().unwrap();
    let sends = audit.sends.iter().filter(|s| s.step == 0);
    sends.map(|s| (s.contact, s.time)).collect()
}

/// Five enrollments by one user on Monday morning, a minute apart (so no send waits for
/// another).
fn five_on_monday() -> Vec<(u32, u32)> {
    (0..5).map(|c| (at(MONDAY, 10, 60 * c), c)).collect()
}

#[test]
fn a_full_day_refuses_the_enrollment() {
    let r = run(&scenario(3, WhenFull::Refuse), &five_on_monday());
    let full = Decision::Rejected(RejectionCode::SequencesDailyLimitReached);
    let enrolled = Decision::Enrolled;
    assert_eq!(
        common::decisions(&r),
        [enrolled, enrolled, enrolled, full, full]
    );
    assert_eq!(r.counters.deferred_by_daily_limit, 0);
}

#[test]
fn next_day_defers_the_enrollment_to_a_day_with_room() {
    // Contacts 3 and 4 move to Tuesday, same time of day: their emails take Tuesday and
    // Thursday, which are empty.
    let r = run(&scenario(3, WhenFull::NextDay), &five_on_monday());
    assert!(common::decisions(&r)
        .iter()
        .all(|&d| d == Decision::Enrolled));
    assert_eq!(r.counters.deferred_by_daily_limit, 2);
    let mut sends = first_sends(&r);
    sends.sort_unstable();
    let expected: Vec<(u32, u32)> = (0..5)
        .map(|c| (c, at(MONDAY + u32::from(c >= 3), 10, 60 * c)))
        .collect();
    assert_eq!(sends, expected);
}

#[test]
fn an_enrollment_that_ends_frees_the_days_ahead() {
    // One email a day. Contact 0 (Monday and Wednesday) replies within the hour, which frees
    // Wednesday: contact 2 can then be enrolled on Wednesday. Contact 1 meets a full Monday.
    let mut s = scenario(1, WhenFull::Refuse);
    s.engagement.reply = 1.0;
    s.engagement.reaction_hours_max = 1;
    let plan = [
        (at(MONDAY, 10, 0), 0),
        (at(MONDAY, 12, 0), 1),
        (at(MONDAY + 2, 10, 0), 2),
    ];
    let r = run(&s, &plan);
    let full = Decision::Rejected(RejectionCode::SequencesDailyLimitReached);
    assert_eq!(
        common::decisions(&r),
        [Decision::Enrolled, full, Decision::Enrolled]
    );
    // Without the reply, Wednesday stays held.
    s.engagement.reply = 0.0;
    let r = run(&s, &plan);
    assert_eq!(common::decisions(&r), [Decision::Enrolled, full, full]);
}

#[test]
fn an_enrollment_with_room_at_the_weekend_is_made_at_once() {
    // Saturday (day 3) has room: the enrollment is not deferred, and step 1 leaves at once.
    for when_full in [WhenFull::Refuse, WhenFull::NextDay] {
        let r = run(&scenario(1, when_full), &[(at(3, 10, 0), 0)]);
        assert_eq!(common::decisions(&r), [Decision::Enrolled]);
        assert_eq!(r.counters.deferred_by_daily_limit, 0);
        assert_eq!(first_sends(&r), [(0, at(3, 10, 0))]);
    }
}

#[test]
fn a_deferred_enrollment_skips_the_weekend() {
    // One email a day, weekdays only for follow-ups. Contact 0, Thursday (day 1) 10:00, holds
    // Thursday and Monday (Saturday's follow-up moves to Monday). Contact 1, Thursday 11:00:
    // Thursday is full; Friday would send on Friday and Monday (full); Saturday and Sunday
    // are not deferred to; Monday is full; Tuesday (Tuesday and Thursday) fits.
    let r = run(
        &scenario(1, WhenFull::NextDay),
        &[(at(1, 10, 0), 0), (at(1, 11, 0), 1)],
    );
    assert_eq!(r.counters.deferred_by_daily_limit, 1);
    assert_eq!(first_sends(&r), [(0, at(1, 10, 0)), (1, at(6, 11, 0))]);
}
