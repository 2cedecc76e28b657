//! One snapshot per scenario file: the JSON report of its run. A new file in
//! `scenarios/library/` gets a snapshot with no new code; a change that moves any count fails
//! until it is reviewed (`cargo insta review`).
//!
//! The same runs check what the library as a whole promises: every enrollment code and every
//! outcome occurs somewhere, and the feedback codes emerge from dynamics alone.
//!
//! `SEQSIM_SNAPSHOTS_PASS=1` forces the snapshot comparisons (and only them) to pass, so that a
//! mutation test (docs/guide/reliability.md, "Mutation testing") counts a mutant that only moves
//! a snapshot as surviving: every behaviour must be protected by a test of its own.

use std::collections::BTreeMap;

use model::{Outcome, RejectionCode};
use reports::{Format, Report};

#[test]
fn every_scenario_file_matches_its_snapshot() {
    // (section, name) -> count over the library; rejection and outcome names overlap.
    let mut totals: BTreeMap<(&'static str, String), u64> = BTreeMap::new();
    let mut from_dynamics_alone = Vec::new();
    insta::glob!("../scenarios/library", "*.toml", |path| {
        let scenario = scenarios::load(path).unwrap_or_else(|e| panic!("{e}"));
        let result = sim::run(&scenario);
        let report = Report::new(&scenario, &result);
        assert_eq!(report.enrollment.total(), report.enrollment_attempts);
        assert_eq!(report.outcomes.total(), result.counters.enrolled);
        for (section, counts) in [
            ("enrollment", &report.enrollment),
            ("outcomes", &report.outcomes),
        ] {
            for (name, count) in &counts.0 {
                *totals.entry((section, name.to_string())).or_default() += count;
            }
        }
        let r = &scenario.population.rates;
        let no_initial_feedback = [
            r.bounced_globally_if_invalid,
            r.bounced_globally_if_valid,
            r.marked_as_spam,
            r.other_send_rejected,
        ]
        .iter()
        .all(|&p| p == 0.0);
        if no_initial_feedback {
            from_dynamics_alone.push((scenario.name.clone(), result.clone()));
        }
        if !snapshots_forced_to_pass() {
            insta::assert_snapshot!(report.render(Format::Json));
        }
    });

    let expected = RejectionCode::ALL
        .map(|c| ("enrollment", c.name().to_owned()))
        .into_iter()
        .chain(Outcome::ALL.map(|o| ("outcomes", o.name().to_owned())));
    for key in expected {
        assert!(
            totals.get(&key).copied().unwrap_or(0) > 0,
            "{key:?} never occurs in the library"
        );
    }
    let emerging = [
        RejectionCode::RecipientPreviouslyBouncedGlobally,
        RejectionCode::PreviouslyMarkedAsSpam,
        RejectionCode::OtherSendRejected,
    ];
    assert!(
        from_dynamics_alone
            .iter()
            .any(|(_, result)| emerging.iter().all(|&code| result.rejected(code) > 0)),
        "no scenario with zero initial feedback rates produces {emerging:?}"
    );
}

/// Whether `SEQSIM_SNAPSHOTS_PASS=1` asks for the snapshot comparisons to be skipped (see the
/// module docs).
fn snapshots_forced_to_pass() -> bool {
    std::env::var_os("SEQSIM_SNAPSHOTS_PASS").is_some_and(|v| v == "1")
}

/// The library's `per-minute-limit.toml` exists to show a custom per-minute limit binding: its
/// report must differ from the same scenario without the limit, and the limit must slow it down
/// (fewer sequences finished by the horizon).
#[test]
fn the_per_minute_limit_scenario_binds() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/library/per-minute-limit.toml");
    let limited = scenarios::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(limited.sending.per_minute_limit, Some(1));
    let mut unlimited = limited.clone();
    unlimited.sending.per_minute_limit = None;
    let report = |s: &sim::Scenario| Report::new(s, &sim::run(s));
    let (with, without) = (report(&limited), report(&unlimited));
    assert_ne!(with.outcomes, without.outcomes);
    let finished = |r: &Report| r.outcomes.get(Outcome::Finished.name()).unwrap();
    assert!(finished(&with) < finished(&without));
}
