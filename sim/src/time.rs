//! Simulated time: whole seconds from the scenario's start, on a weekday-aware calendar.

/// Seconds since the scenario's start (day 0, 00:00). A `u32` holds 136 years.
pub type SimTime = u32;

/// Seconds in a day.
pub const SECONDS_PER_DAY: u32 = 86_400;
/// Seconds in an hour.
pub const SECONDS_PER_HOUR: u32 = 3_600;

/// A day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Weekday {
    const ALL: [Weekday; 7] = [
        Self::Monday,
        Self::Tuesday,
        Self::Wednesday,
        Self::Thursday,
        Self::Friday,
        Self::Saturday,
        Self::Sunday,
    ];

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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Calendar {
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
            start_weekday: Weekday::Thursday,
            horizon_days: 30,
        };
        assert_eq!(cal.business_days(4), vec![0, 1, 4, 5]);
        assert_eq!(cal.weekday(3), Weekday::Sunday);
        assert_eq!(Weekday::Sunday.plus(1), Weekday::Monday);
    }
}
