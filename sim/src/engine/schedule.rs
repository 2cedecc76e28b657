//! The sequences daily limit at enrollment (domain §5): per user and day, the sequence emails
//! scheduled by the user's enrollments. An enrollment's emails are scheduled on the days its
//! steps fall on nominally (24-hour multiples of the delays, moved off weekends and into the
//! send window as follow-ups are; task pauses and queues aside); an enrollment that ends early
//! frees the days still ahead.

use crate::scenario::{Sequence, StepKind};
use crate::time::{Calendar, SimTime, SECONDS_PER_DAY};

/// The days (from day 0) on which an enrollment of `seq` that executes step `from_step` at
/// `start` has its emails scheduled, one entry per email step, in step order.
pub(crate) fn email_days(
    calendar: &Calendar,
    seq: &Sequence,
    start: SimTime,
    from_step: u8,
) -> Vec<u32> {
    let from = usize::from(from_step);
    assert!(from < seq.steps.len(), "a step of the sequence");
    let mut days = Vec::with_capacity(seq.steps.len() - from);
    let mut at = start;
    for (i, step) in seq.steps.iter().enumerate().skip(from) {
        if i > from {
            let nominal = at + step.delay_days * SECONDS_PER_DAY;
            at = calendar.next_allowed(nominal, seq.weekdays_only, seq.send_window);
        }
        if step.kind != StepKind::Task {
            days.push(at / SECONDS_PER_DAY);
        }
    }
    days
}

/// The emails each user of one portal has scheduled on each day of the horizon.
pub(crate) struct DailySchedule {
    per_user: u32,
    horizon_days: u32,
    /// `scheduled[inbox * horizon_days + day]`.
    scheduled: Vec<u32>,
}

impl DailySchedule {
    /// An empty schedule for `inboxes` users over `horizon_days` days, at most `per_user`
    /// emails a user a day.
    pub fn new(per_user: u32, inboxes: usize, horizon_days: u32) -> Self {
        assert!(per_user > 0);
        Self {
            per_user,
            horizon_days,
            scheduled: vec![0; inboxes * horizon_days as usize],
        }
    }

    fn slot(&self, inbox: usize, day: u32) -> Option<usize> {
        (day < self.horizon_days).then(|| inbox * self.horizon_days as usize + day as usize)
    }

    /// Whether emails on `days` fit user `inbox`'s limit (days past the horizon always fit).
    pub fn fits(&self, inbox: usize, days: &[u32]) -> bool {
        // Two emails of one enrollment can share a day (a delay of 0): count them together.
        days.iter().all(|&day| {
            let same_day = days.iter().filter(|&&d| d == day).count() as u32;
            self.slot(inbox, day)
                .is_none_or(|s| self.scheduled[s] + same_day <= self.per_user)
        })
    }

    /// Schedules emails on `days` for user `inbox`.
    pub fn add(&mut self, inbox: usize, days: &[u32]) {
        for &day in days {
            if let Some(s) = self.slot(inbox, day) {
                self.scheduled[s] += 1;
            }
        }
    }

    /// Frees the emails of `days` after `today` (an enrollment ended before sending them).
    pub fn release_after(&mut self, inbox: usize, days: &[u32], today: u32) {
        for &day in days.iter().filter(|&&d| d > today) {
            if let Some(s) = self.slot(inbox, day) {
                assert!(self.scheduled[s] > 0, "freeing an email that was scheduled");
                self.scheduled[s] -= 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Step;
    use crate::time::Weekday;

    fn calendar() -> Calendar {
        // Day 0 is a Wednesday.
        Calendar {
            start_date: "2026-01-07".to_owned(),
            start_weekday: Weekday::Wednesday,
            horizon_days: 30,
        }
    }

    fn sequence(steps: &[(StepKind, u32)]) -> Sequence {
        Sequence {
            name: "s".to_owned(),
            steps: steps
                .iter()
                .map(|&(kind, delay_days)| Step { kind, delay_days })
                .collect(),
            weekdays_only: true,
            send_window: None,
            subscription_type: 0,
        }
    }

    #[test]
    fn emails_fall_on_their_nominal_days() {
        use StepKind::*;
        let seq = sequence(&[
            (AutomatedEmail, 0),
            (AutomatedEmail, 2),
            (Task, 1),
            (ManualEmail, 3),
        ]);
        let ten = 10 * 3_600;
        // Wednesday (day 0); +2 = Friday (2); task +1 = Saturday -> Monday (5); +3 = Thursday (8).
        assert_eq!(email_days(&calendar(), &seq, ten, 0), [0, 2, 8]);
        // Resumed at step 2 on Friday (day 2): that step, then Monday (task), then Thursday.
        assert_eq!(email_days(&calendar(), &seq, 2 * 86_400 + ten, 1), [2, 8]);
    }

    #[test]
    fn the_schedule_counts_fits_and_frees() {
        let mut s = DailySchedule::new(2, 2, 10);
        assert!(s.fits(0, &[1, 3]));
        s.add(0, &[1, 3]);
        s.add(0, &[1]);
        assert!(!s.fits(0, &[1]), "day 1 holds two");
        assert!(s.fits(1, &[1]), "another user");
        assert!(s.fits(0, &[3, 12]), "past the horizon always fits");
        assert!(!s.fits(0, &[3, 3]), "two emails on one day count twice");
        s.release_after(0, &[1, 3], 1);
        assert!(s.fits(0, &[3, 3]), "day 3 freed, day 1 kept");
        assert!(!s.fits(0, &[1]));
    }

    #[test]
    fn each_user_day_has_its_own_count() {
        // Two users, ten days, two emails a day. Fill user 0's day 1 and user 1's day 0 and
        // day 9: no other user-day, and no day at or past the horizon (10), is touched.
        let mut s = DailySchedule::new(2, 2, 10);
        s.add(0, &[1, 1]);
        s.add(1, &[0, 0, 9, 9]);
        for day in 0..10 {
            assert_eq!(s.fits(0, &[day]), day != 1, "user 0, day {day}");
            assert_eq!(s.fits(1, &[day]), day != 0 && day != 9, "user 1, day {day}");
        }
        assert!(s.fits(0, &[10, 10, 10]), "the horizon's day is past it");
        s.add(0, &[10, 10, 10]);
        assert!(!s.fits(1, &[0]) && s.fits(0, &[0]));
    }
}
