//! What a run of a scenario will cost, from its sizes alone, before anything is generated: an
//! upper estimate of peak memory and of the events processed. The binary refuses a scenario
//! whose memory estimate is over its budget (`--max-memory`), so a 1.5 KB file asking for
//! 10,000 portals over ten years is an error in milliseconds, not an abort at 4 GB.
//!
//! The formula (ARCHITECTURE.md, "Resource estimate"), every term an upper estimate:
//!
//! ```text
//! memory = BASE                                        binary, thread stacks, allocator
//!        + contacts  x PER_CONTACT                     records, persons, run state, scratch
//!        + attempts  x PER_ATTEMPT                     plan, its split copy, enrollments,
//!                                                      pending events
//!        + portals x horizon_days x PER_PORTAL_DAY     each portal's daily counters
//!        + horizon_days x PER_PORTAL_DAY               the gathered daily counters
//!        + portals   x PER_PORTAL                      each portal's calendar queue ring
//!        + users     x PER_USER                        inboxes, plans, guards
//! attempts = contacts x coverage x (1 + second_enrollment), rounded up
//! events   = attempts x (3 + 2 x the longest sequence's steps)
//! ```
//!
//! `PER_CONTACT` and `PER_ATTEMPT` are calibrated against the peak RSS of `scale-1m` at 1M and
//! 10M contacts (`/usr/bin/time -v`, see docs/guide/scenarios.md, "Checking a scenario");
//! `PER_PORTAL_DAY` is the size of a day's counters.

use crate::engine::{DayCounts, PROVIDER_SLOTS};
use crate::plan::Attempt;
use crate::scenario::Scenario;

/// What the process costs before any scenario: the binary, the worker threads' stacks, the
/// allocator's arenas (measured: 4.9 MB for a run of 8,000 contacts).
pub const BASE_BYTES: u64 = 8 << 20;

/// Per contact record: the record (16 B), its person (8 B), its slot in the run (28 B), domain share,
/// the generation's scratch (group-by-key lists, sorted copies), rounded up from the 1M and
/// 10M measurements.
pub const PER_CONTACT_BYTES: u64 = 64;

/// Per planned attempt: the plan (`Attempt`, 16 B), the users drawn for each contact and the
/// per-user lists it is built from, a day's sort scratch, the per-portal split copy, the enrollment it makes (state, journey
/// offset), and its share of the pending events (16 B each).
pub const PER_ATTEMPT_BYTES: u64 = 3 * std::mem::size_of::<Attempt>() as u64;

/// One portal's counters of one day: a `DayCounts` per provider slot.
pub const PER_PORTAL_DAY_BYTES: u64 = (PROVIDER_SLOTS * std::mem::size_of::<DayCounts>()) as u64;

/// Per portal: the calendar queue's ring of 512 hourly buckets (a `Vec` each) and the
/// partition's fixed state.
pub const PER_PORTAL_BYTES: u64 = 512 * 24 + 4096;

/// Per user: inbox state (rolling-24-hour and per-minute windows), plan stream, guard
/// statistics.
pub const PER_USER_BYTES: u64 = 1024;

/// A run's estimated cost, with its parts for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Estimate {
    /// Peak memory, in bytes.
    pub memory_bytes: u64,
    /// Of which the daily counters (portals x horizon days).
    pub daily_counter_bytes: u64,
    /// Of which contacts and their planned attempts.
    pub contact_bytes: u64,
    /// Planned enrollment attempts.
    pub attempts: u64,
    /// Events the engine processes (an upper estimate).
    pub events: u64,
}

/// The estimate for one run of `scenario` (which need not be valid: the sizes are read as
/// they are, in `u64` arithmetic that cannot overflow for `u32` sizes).
pub fn estimate(scenario: &Scenario) -> Estimate {
    let pop = &scenario.population;
    let (contacts, portals) = (u64::from(pop.contacts), u64::from(pop.portals));
    let days = u64::from(scenario.calendar.horizon_days);
    let users: u64 = scenario.senders.iter().map(|g| u64::from(g.count)).sum();
    let plan = &scenario.plan;
    let share = plan.coverage.clamp(0.0, 1.0) * (1.0 + plan.second_enrollment.clamp(0.0, 1.0));
    // At most two attempts a contact: the float only rounds the expected count up.
    let attempts = ((contacts as f64 * share).ceil() as u64).min(2 * contacts);
    let daily_counter_bytes = (portals + 1) * days * PER_PORTAL_DAY_BYTES;
    let contact_bytes = contacts * PER_CONTACT_BYTES + attempts * PER_ATTEMPT_BYTES;
    let memory_bytes = BASE_BYTES
        + contact_bytes
        + daily_counter_bytes
        + portals * PER_PORTAL_BYTES
        + users * PER_USER_BYTES;
    let steps = scenario
        .sequences
        .iter()
        .map(|s| s.steps.len() as u64)
        .max();
    // An attempt, each step's due event and send, an end or a reaction: what scale-1m shows
    // (5.4M events for 1.1M attempts of 3 steps), with room for retries and re-enrollments.
    let events = attempts * (3 + 2 * steps.unwrap_or(1));
    Estimate {
        memory_bytes,
        daily_counter_bytes,
        contact_bytes,
        attempts,
        events,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::tests::base as small_scenario;

    /// The estimate is an upper bound on what can be counted by hand: the daily counters of
    /// every portal (the counters of one day: 4 provider slots x the daily counters, 8 bytes
    /// each), the contact records (16 B), persons (12 B) and planned attempts (16 B each).
    #[test]
    fn the_estimate_bounds_the_arrays_counted_by_hand() {
        for (contacts, portals, days) in [(100, 1, 30), (10_000, 7, 365), (1_000, 1_000, 3_650)] {
            let mut scenario = small_scenario();
            scenario.population.contacts = contacts;
            scenario.population.portals = portals;
            scenario.calendar.horizon_days = days;
            scenario.plan.coverage = 1.0;
            scenario.plan.second_enrollment = 0.5;
            let counters_per_day = crate::DayCounter::ALL.len() as u64 * 8 * 4;
            let by_hand = u64::from(portals) * u64::from(days) * counters_per_day
                // A record, a person and a slot per contact; a planned attempt and the
                // enrollment it may make per attempt.
                + u64::from(contacts) * (16 + 8 + 28)
                + u64::from(contacts) * 3 / 2 * (16 + 16);
            let e = estimate(&scenario);
            assert!(e.memory_bytes >= by_hand, "{e:?} < {by_hand}");
            assert_eq!(e.attempts, u64::from(contacts) * 3 / 2);
            assert!(
                e.daily_counter_bytes >= u64::from(portals) * u64::from(days) * counters_per_day
            );
        }
    }

    /// Issue 13's example: 10,000 portals over 3,650 days need about 28.6 GB of daily counters.
    #[test]
    fn ten_thousand_portals_over_ten_years_need_tens_of_gigabytes() {
        let mut scenario = small_scenario();
        scenario.population.portals = 10_000;
        scenario.calendar.horizon_days = 3_650;
        let gb = estimate(&scenario).daily_counter_bytes as f64 / 1e9;
        assert!((28.0..29.0).contains(&gb), "{gb} GB");
    }
}
