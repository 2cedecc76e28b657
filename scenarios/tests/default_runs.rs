//! The embedded default scenario fires every enrollment check and reaches every outcome.

use model::{Outcome, RejectionCode};

#[test]
fn default_scenario_exercises_every_code_and_outcome() {
    let scenario = scenarios::default_scenario();
    let result = sim::run(&scenario);
    for code in RejectionCode::ALL {
        assert!(
            result.counters.rejected(code) > 0,
            "{} never occurs",
            code.name()
        );
    }
    for outcome in Outcome::ALL {
        assert!(
            result.outcome(outcome) > 0,
            "{} never occurs",
            outcome.name()
        );
    }
    assert!(result.counters.enrolled > 0);
}

#[test]
fn users_act_on_their_own_clock_in_the_default_scenario() {
    // Every re-enrollment is a user's action: on a weekday, within working hours (08:00 to
    // 18:00 in the default scenario), and once the inbox is connected again, so none meets
    // NO_CONNECTED_INBOX.
    let scenario = scenarios::default_scenario();
    let options = sim::RunOptions {
        audit: true,
        ..sim::RunOptions::default()
    };
    let result = sim::run_with(&scenario, &options);
    let audit = result.recordings.audit.as_ref().unwrap();
    let reenrollments: Vec<_> = (audit.attempts.iter())
        .filter(|a| a.source == sim::Source::ReEnrollment)
        .collect();
    assert!(reenrollments.len() > 100, "{}", reenrollments.len());
    let (from, to) = scenario.plan.working_hours;
    for a in reenrollments {
        let day = a.time / 86_400;
        let hour = a.time % 86_400 / 3_600;
        // Day 0 (2026-03-02) is a Monday: days 5 and 6 of each week are the weekend.
        assert!(day % 7 < 5, "a re-enrollment on a weekend, day {day}");
        assert!((from..to).contains(&hour), "a re-enrollment at {hour}:00");
        assert_ne!(
            a.decision,
            model::Decision::Rejected(RejectionCode::NoConnectedInbox),
            "contact {} re-enrolled before its user reconnected",
            a.contact
        );
    }
}
