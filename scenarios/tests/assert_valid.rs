//! `sim::Scenario::assert_valid` holds for every scenario validation accepts, and panics, naming
//! the seed, on scenarios broken by hand past what validation allows.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// A way to break a valid scenario.
type Break = fn(&mut sim::Scenario);

/// Breaks a copy of the default scenario with `brk` and returns `assert_valid`'s panic message.
fn panic_of(brk: Break) -> String {
    let mut scenario = scenarios::default_scenario();
    brk(&mut scenario);
    let payload = catch_unwind(AssertUnwindSafe(|| scenario.assert_valid()))
        .expect_err("assert_valid accepted a broken scenario");
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload.downcast_ref::<&str>().unwrap().to_string(),
    }
}

#[test]
fn the_default_and_every_library_scenario_pass() {
    scenarios::default_scenario().assert_valid();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("library");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") && !path.ends_with("Cargo.toml") {
            let scenario = scenarios::load(&path).unwrap_or_else(|e| panic!("{e}"));
            scenario.assert_valid();
        }
    }
}

#[test]
fn broken_scenarios_panic_with_their_seed() {
    let seed = scenarios::default_scenario().seed;
    let breaks: Vec<(&str, Break)> = vec![
        ("not a probability", |s| s.plan.coverage = 1.5),
        ("shares sum to", |s| {
            s.population.mailbox_providers[0].share += 0.1
        }),
        ("not below", |s| s.senders[0].portal = Some(99_999)),
        ("not below", |s| {
            s.senders[0].sequence = s.sequences.len() as u16
        }),
        ("sequences, not", |s| s.sequences.clear()),
        ("has no steps", |s| s.sequences[0].steps.clear()),
        ("has a delay", |s| s.sequences[0].steps[0].delay_days = 1),
        ("no contacts", |s| s.population.contacts = 0),
        ("not a span", |s| s.tasks.completion_hours = (5, 2)),
        ("working_hours", |s| s.plan.working_hours = (8, 25)),
        ("bulk_size_max", |s| s.plan.bulk_size_max = 0),
        ("soft_bounce_retries", |s| {
            s.sending.soft_bounce_retries = 11
        }),
        ("per_minute_limit", |s| {
            s.sending.per_minute_limit = Some(11)
        }),
        ("re-enrollment delay of 0 minutes", |s| {
            let mut remedies = [sim::Remedy::article(model::StepFailure::SendFailure); 4];
            remedies[2].delay_minutes = 0;
            s.reenrollment = sim::Reenrollment::Act(remedies)
        }),
        ("reenrollment share", |s| {
            let mut remedies = [sim::Remedy::article(model::StepFailure::SendFailure); 4];
            remedies[0].share = 1.5;
            s.reenrollment = sim::Reenrollment::Act(remedies)
        }),
        ("subscription type", |s| {
            s.sequences[0].subscription_type = 9
        }),
    ];
    for (expected, brk) in breaks {
        let message = panic_of(brk);
        assert!(
            message.contains(expected),
            "{expected:?} not in {message:?}"
        );
        assert!(
            message.contains(&format!("seed {seed}")),
            "no seed in {message:?}"
        );
    }
}
