//! Simulated time: whole seconds from the scenario's start, on a weekday-aware calendar.

/// Seconds since the scenario's start (day 0, 00:00). A `u32` holds 136 years.
pub type SimTime = u32;

/// Seconds in a day.
pub const SECONDS_PER_DAY: u32 = 86_400;
/// Seconds in an hour.
pub const SECONDS_PER_HOUR: u32 = 3_600;

model::catalogue! {
    /// A day of the week; names are the three letters reports print.
    pub enum Weekday {
        /// Monday.
        Monday = "Mon",
        /// Tuesday.
        Tuesday = "Tue",
        /// Wednesday.
        Wednesday = "Wed",
        /// Thursday.
        Thursday = "Thu",
        /// Friday.
        Friday = "Fri",
        /// Saturday.
        Saturday = "Sat",
        /// Sunday.
        Sunday = "Sun",
    }
}

impl Weekday {
    /// The day `days` after this one.
    pub fn plus(self, days: u32) -> Weekday {
        Self::ALL[(self as usize + days as usize % 7) % 7]
    }

    /// Whether this is Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        matches!(self, Self::Saturday | Self::Sunday)
    }
}

/// The scenario's calendar: which weekday day 0 is, and how long the simulation runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    /// The date of day 0 as the scenario wrote it (`YYYY-MM-DD`); a label for reports.
    pub start_date: String,
    /// The weekday of day 0.
    pub start_weekday: Weekday,
    /// Days simulated; nothing happens at or after `horizon_days * SECONDS_PER_DAY`.
    pub horizon_days: u32,
}

impl Calendar {
    /// The weekday of simulated `day`.
    pub fn weekday(&self, day: u32) -> Weekday {
        self.start_weekday.plus(day)
    }

    /// The end of simulated time: nothing happens at or after it.
    pub fn horizon(&self) -> SimTime {
        self.horizon_days * SECONDS_PER_DAY
    }

    /// Whether `t` is an allowed moment for a follow-up: a weekday when `weekdays_only`, and
    /// inside `window` (minutes of the day, `[start, end)`) when one is set.
    pub fn allows(&self, t: SimTime, weekdays_only: bool, window: Option<(u32, u32)>) -> bool {
        let day_ok = !weekdays_only || !self.weekday(t / SECONDS_PER_DAY).is_weekend();
        let minute = t % SECONDS_PER_DAY / 60;
        let window_ok = window.is_none_or(|(start, end)| (start..end).contains(&minute));
        day_ok && window_ok
    }

    /// The first allowed moment at or after `t` (see [`Self::allows`]). A weekend moment moves
    /// to Monday at the same time of day; a moment outside the window moves to the window's
    /// next start.
    pub fn next_allowed(
        &self,
        t: SimTime,
        weekdays_only: bool,
        window: Option<(u32, u32)>,
    ) -> SimTime {
        let mut t = t;
        // A week and a day of moves reach an allowed moment from anywhere: bounded.
        for _ in 0..16 {
            let day = t / SECONDS_PER_DAY;
            if weekdays_only && self.weekday(day).is_weekend() {
                let to_monday = match self.weekday(day) {
                    Weekday::Saturday => 2,
                    _ => 1,
                };
                t += to_monday * SECONDS_PER_DAY;
                continue;
            }
            if let Some((start, end)) = window {
                let minute = t % SECONDS_PER_DAY / 60;
                if minute < start {
                    t = day * SECONDS_PER_DAY + start * 60;
                } else if minute >= end {
                    t = (day + 1) * SECONDS_PER_DAY + start * 60;
                    continue;
                }
            }
            debug_assert!(self.allows(t, weekdays_only, window), "{t} is allowed");
            return t;
        }
        unreachable!("no allowed moment within a week of {t} (window {window:?})")
    }

    /// The first `count` business days (Monday to Friday) from day 0, as day numbers.
    pub fn business_days(&self, count: u32) -> Vec<u32> {
        (0..)
            .filter(|&day| !self.weekday(day).is_weekend())
            .take(count as usize)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_days_skip_weekends() {
        let cal = Calendar {
            start_date: "2026-01-01".to_owned(),
            start_weekday: Weekday::Thursday,
            horizon_days: 30,
        };
        assert_eq!(cal.business_days(4), vec![0, 1, 4, 5]);
        assert_eq!(cal.weekday(3), Weekday::Sunday);
        assert_eq!(Weekday::Sunday.plus(1), Weekday::Monday);
    }

    #[test]
    fn follow_ups_move_to_allowed_moments() {
        let cal = Calendar {
            start_date: "2026-01-03".to_owned(),
            start_weekday: Weekday::Saturday,
            horizon_days: 30,
        };
        let at = |day: u32, h: u32, m: u32| day * SECONDS_PER_DAY + h * 3_600 + m * 60;
        // Saturday 10:15 moves to Monday 10:15.
        assert_eq!(cal.next_allowed(at(0, 10, 15), true, None), at(2, 10, 15));
        assert_eq!(cal.next_allowed(at(1, 10, 15), true, None), at(2, 10, 15));
        // Weekends allowed: unchanged.
        assert_eq!(cal.next_allowed(at(0, 10, 15), false, None), at(0, 10, 15));
        let window = Some((9 * 60, 17 * 60));
        // Before the window: its start; after it: the next allowed day's start.
        assert_eq!(cal.next_allowed(at(2, 7, 0), true, window), at(2, 9, 0));
        assert_eq!(cal.next_allowed(at(6, 17, 0), true, window), at(9, 9, 0));
        assert_eq!(cal.next_allowed(at(3, 12, 0), true, window), at(3, 12, 0));
        for t in (0..at(14, 0, 0)).step_by(997) {
            let next = cal.next_allowed(t, true, window);
            assert!(next >= t && cal.allows(next, true, window));
        }
    }
}
