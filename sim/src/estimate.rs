//! The analytic send estimate: how many automated emails each sending inbox is expected to send
//! on each day, worked out from the plan and the sequences' step delays alone, with no run. A
//! report prints it beside the simulated figure, so a planner sees that the load's shape (say,
//! Mondays carrying the weekend's follow-ups) comes from the plan and the delays, not from chance.
//!
//! Assumptions (an upper-bound style estimate):
//! - every contact of a portal is enrolled with probability `plan.coverage` by one user of its
//!   portal drawn uniformly (second enrollments meet ALREADY_ENROLLED and are left out), on a
//!   plan day drawn uniformly among the first `plan.business_days` business days, at a moment
//!   spread evenly over the working hours (each hour's midpoint, weighted alike);
//! - nothing ends an enrollment early: no rejection, bounce, reply, unsubscribe or limit;
//! - only automated email steps count (manual emails wait on tasks the user completes later);
//!   step 1 leaves at enrollment, each later step its delay in 24-hour multiples after the
//!   previous step's scheduled time, moved to Monday off a weekend (`weekdays_only`) and into
//!   the send window, as the engine moves them; task pauses, bulk pacing and queues are ignored;
//! - users without an inbox or without a sequences seat send nothing.
//!
//! Plain `f64` arithmetic in a fixed order, so the same scenario gives the same figures on every
//! machine; reports round them to integers.

use model::{InboxProvider, SeatTier};

use crate::scenario::{Scenario, Sequence, StepKind};
use crate::time::{Calendar, SimTime, SECONDS_PER_DAY, SECONDS_PER_HOUR};

/// Whether a user with `seat` and `inbox` sends sequence email: an inbox and a seat that may use
/// sequences. The inboxes a report's per-inbox figures count.
pub fn sends_sequences(seat: SeatTier, inbox: Option<InboxProvider>) -> bool {
    inbox.is_some() && seat.may_use_sequences()
}

/// The sending inboxes of `scenario` (see [`sends_sequences`]).
pub fn sending_inboxes(scenario: &Scenario) -> u32 {
    (scenario.senders.iter())
        .filter(|g| sends_sequences(g.seat, g.inbox))
        .map(|g| g.count)
        .sum()
}

/// The days (from day 0) on which an enrollment of `seq` whose step 1 runs at `start` sends its
/// automated emails, in step order, as the engine schedules them nominally.
pub fn automated_send_days(calendar: &Calendar, seq: &Sequence, start: SimTime) -> Vec<u32> {
    let mut days = Vec::with_capacity(seq.steps.len());
    let mut at = start;
    for (i, step) in seq.steps.iter().enumerate() {
        if i > 0 {
            let nominal = at + step.delay_days * SECONDS_PER_DAY;
            at = calendar.next_allowed(nominal, seq.weekdays_only, seq.send_window);
        }
        if step.kind == StepKind::AutomatedEmail {
            days.push(at / SECONDS_PER_DAY);
        }
    }
    days
}

/// The expected automated sends of all sending inboxes together on each day of the horizon.
pub fn expected_sends_by_day(scenario: &Scenario) -> Vec<f64> {
    let cal = &scenario.calendar;
    let horizon = cal.horizon_days as usize;
    let mut total = vec![0.0; horizon];
    let enrollments = expected_enrollments_by_sequence(scenario);
    for (seq, &count) in scenario.sequences.iter().zip(&enrollments) {
        if count == 0.0 {
            continue;
        }
        for (day, share) in send_profile(scenario, seq).into_iter().enumerate() {
            total[day] += count * share;
        }
    }
    total
}

/// Per sequence, the enrollments its sending users are expected to make.
fn expected_enrollments_by_sequence(scenario: &Scenario) -> Vec<f64> {
    let pop = &scenario.population;
    let user_portals = scenario.user_portals();
    let mut users_in = vec![0u32; pop.portals as usize];
    for &p in &user_portals {
        users_in[p as usize] += 1;
    }
    let contacts_of = |p: u64| {
        let (c, n) = (u64::from(pop.contacts), u64::from(pop.portals));
        (c * (p + 1) / n - c * p / n) as f64
    };
    let mut by_sequence = vec![0.0; scenario.sequences.len()];
    let users = (scenario.senders.iter()).flat_map(|g| std::iter::repeat_n(g, g.count as usize));
    for (group, &portal) in users.zip(&user_portals) {
        if sends_sequences(group.seat, group.inbox) {
            let share = contacts_of(portal.into()) / f64::from(users_in[portal as usize]);
            by_sequence[usize::from(group.sequence)] += share * scenario.plan.coverage;
        }
    }
    by_sequence
}

/// For one enrollment of `seq` at a uniformly drawn plan moment: the expected automated sends
/// on each day of the horizon (sends past the horizon are dropped).
fn send_profile(scenario: &Scenario, seq: &Sequence) -> Vec<f64> {
    let cal = &scenario.calendar;
    let mut profile = vec![0.0; cal.horizon_days as usize];
    let days = cal.business_days(scenario.plan.business_days);
    let (from, to) = scenario.plan.working_hours;
    let moments = days.len() as f64 * f64::from(to - from);
    for &day in &days {
        for hour in from..to {
            let start = day * SECONDS_PER_DAY + hour * SECONDS_PER_HOUR + SECONDS_PER_HOUR / 2;
            if start >= cal.horizon() {
                continue;
            }
            for send_day in automated_send_days(cal, seq, start) {
                if let Some(slot) = profile.get_mut(send_day as usize) {
                    *slot += 1.0 / moments;
                }
            }
        }
    }
    profile
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Step;
    use crate::time::Weekday;

    fn calendar() -> Calendar {
        Calendar {
            start_date: "2026-06-05".to_owned(),
            start_weekday: Weekday::Friday,
            horizon_days: 14,
        }
    }

    fn sequence(delays: &[u32], kinds: &[StepKind]) -> Sequence {
        Sequence {
            name: "s".to_owned(),
            steps: (delays.iter().zip(kinds))
                .map(|(&delay_days, &kind)| Step { kind, delay_days })
                .collect(),
            weekdays_only: true,
            send_window: None,
            subscription_type: 0,
        }
    }

    #[test]
    fn follow_ups_skip_the_weekend() {
        use StepKind::*;
        let seq = sequence(
            &[0, 1, 1, 2],
            &[AutomatedEmail, AutomatedEmail, Task, AutomatedEmail],
        );
        // Friday 10:00 (day 0): +1 is Saturday, so Monday (day 3); the task +1 is Tuesday
        // (day 4), not an email; +2 is Thursday (day 6).
        let start = 10 * SECONDS_PER_HOUR;
        assert_eq!(automated_send_days(&calendar(), &seq, start), [0, 3, 6]);
        // With weekends allowed: Saturday (1), the task Sunday (2), Tuesday (4).
        let open = Sequence {
            weekdays_only: false,
            ..seq
        };
        assert_eq!(automated_send_days(&calendar(), &open, start), [0, 1, 4]);
        // A window of 09:00-12:00 moves a 15:00 follow-up to the next day's 09:00.
        let windowed = Sequence {
            send_window: Some((9 * 60, 12 * 60)),
            weekdays_only: false,
            ..sequence(&[0, 1], &[AutomatedEmail, AutomatedEmail])
        };
        assert_eq!(
            automated_send_days(&calendar(), &windowed, 15 * SECONDS_PER_HOUR),
            [0, 2]
        );
    }
}
