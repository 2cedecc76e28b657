//! The no-progress detector: a portal's events at one simulated second are bounded, and a run
//! that exceeds the bound is looping at one instant (an event that schedules itself again at
//! the same second), which the engine stops with the seed, the time and what loops, instead of
//! spinning until memory or patience runs out.
//!
//! The bound: at one second an enrollment legitimately has at most a handful of events per
//! step (a step falling due, its send, a task's completion, a reaction, a retry, a
//! re-enrollment), so `per_enrollment` = 4 x (longest sequence + most retries + 8) events for
//! each enrollment that existed when the second began or was planned at it, plus `fixed` =
//! 64 per user of the portal for the inbox-level work. Enrollments made by the events of the
//! second itself do not raise the bound: a loop that re-enrolls at one instant is caught too.

use crate::scenario::MAX_SOFT_BOUNCE_RETRIES;
use crate::time::SimTime;

/// Counts a portal's queued events at the current second against the bound.
#[derive(Clone, Debug)]
pub(crate) struct InstantWatch {
    /// The second being counted (none before the first event).
    at: Option<SimTime>,
    /// Queued events handled at it so far.
    events: u64,
    /// The bound for the second, fixed when it began (raised by planned attempts only).
    bound: u64,
    per_enrollment: u64,
    fixed: u64,
}

/// The second at which a portal stopped making progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NoProgress {
    pub at: SimTime,
    pub events: u64,
    pub bound: u64,
}

impl InstantWatch {
    /// A watch for a portal of `users` users whose longest sequence has `max_steps` steps.
    pub fn new(max_steps: usize, users: usize) -> Self {
        let per_enrollment = 4 * (max_steps as u64 + u64::from(MAX_SOFT_BOUNCE_RETRIES) + 8);
        let fixed = 64 * (users as u64 + 1);
        Self {
            at: None,
            events: 0,
            bound: fixed,
            per_enrollment,
            fixed,
        }
    }

    /// A planned attempt at `at`: it may make one more enrollment with events this second.
    pub fn planned(&mut self, at: SimTime, enrollments: usize) {
        self.begin(at, enrollments);
        self.bound += self.per_enrollment;
    }

    /// A queued event at `at`, with `enrollments` made so far: an error once the second holds
    /// more events than its bound.
    pub fn event(&mut self, at: SimTime, enrollments: usize) -> Result<(), NoProgress> {
        self.begin(at, enrollments);
        self.events += 1;
        match self.events > self.bound {
            true => Err(NoProgress {
                at,
                events: self.events,
                bound: self.bound,
            }),
            false => Ok(()),
        }
    }

    /// Starts counting a new second if `at` is one.
    fn begin(&mut self, at: SimTime, enrollments: usize) {
        debug_assert!(self.at.is_none_or(|now| at >= now), "time goes forward");
        if self.at != Some(at) {
            self.at = Some(at);
            self.events = 0;
            self.bound = self.fixed + (enrollments as u64) * self.per_enrollment;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-computed: 3 steps and 10 retries give 4 x (3 + 10 + 8) = 84 events an enrollment;
    /// 2 users give 64 x 3 = 192 fixed.
    #[test]
    fn a_second_holds_its_bound_of_events_and_no_more() {
        let mut watch = InstantWatch::new(3, 2);
        // Second 100 begins with 5 enrollments: 192 + 5 x 84 = 612 events allowed.
        for _ in 0..612 {
            watch.event(100, 5).unwrap();
        }
        let stop = watch.event(100, 5).unwrap_err();
        assert_eq!(
            stop,
            NoProgress {
                at: 100,
                events: 613,
                bound: 612
            }
        );
    }

    #[test]
    fn a_new_second_starts_a_new_count() {
        let mut watch = InstantWatch::new(3, 2);
        for second in 0..1_000 {
            for _ in 0..192 {
                watch.event(second, 0).unwrap();
            }
        }
    }

    /// Enrollments made during the second do not raise its bound (a loop re-enrolling at one
    /// instant is caught); planned attempts do.
    #[test]
    fn only_enrollments_before_the_second_and_planned_attempts_count() {
        let mut watch = InstantWatch::new(3, 2);
        watch.event(50, 0).unwrap();
        let mut stopped = None;
        for i in 1..10_000 {
            if let Err(stop) = watch.event(50, i) {
                stopped = Some(stop);
                break;
            }
        }
        assert_eq!(stopped.map(|s| s.bound), Some(192));
        let mut watch = InstantWatch::new(3, 2);
        watch.planned(70, 0);
        watch.planned(70, 1);
        for _ in 0..192 + 2 * 84 {
            watch.event(70, 2).unwrap();
        }
        assert!(watch.event(70, 2).is_err());
    }

    /// Each planned attempt raises the bound of its second by 84 even when no enrollment
    /// exists yet: 3 planned at second 70 allow 192 + 3 x 84 = 444 events.
    #[test]
    fn each_planned_attempt_raises_its_second_s_bound() {
        let mut watch = InstantWatch::new(3, 2);
        for _ in 0..3 {
            watch.planned(70, 0);
        }
        for _ in 0..444 {
            watch.event(70, 0).unwrap();
        }
        assert_eq!(watch.event(70, 0).unwrap_err().bound, 444);
    }
}
