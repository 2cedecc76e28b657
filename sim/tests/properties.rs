//! Properties of whole runs, over randomly drawn scenarios.

mod common;

use std::collections::BTreeMap;

use model::{Decision, RejectionCode, RuleSet};
use proptest::prelude::*;
use sim::{run, run_observed, World};

fn any_scenario() -> impl Strategy<Value = sim::Scenario> {
    (any::<u64>(), 1u32..400, 1u32..4, 0.0f64..0.4)
        .prop_map(|(seed, contacts, portals, rate)| common::scenario(seed, contacts, portals, rate))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_attempt_gets_exactly_one_code(scenario in any_scenario()) {
        let mut observed = 0u64;
        let mut tally: BTreeMap<Decision, u64> = BTreeMap::new();
        let result = run_observed(&scenario, |d| {
            observed += 1;
            *tally.entry(d.decision).or_default() += 1;
        });
        prop_assert_eq!(observed, result.attempts);
        prop_assert_eq!(result.enrolled + result.rejected.iter().sum::<u64>(), result.attempts);
        prop_assert_eq!(tally.get(&Decision::Enrolled).copied().unwrap_or(0), result.enrolled);
        for code in RejectionCode::ALL {
            let seen = tally.get(&Decision::Rejected(code)).copied().unwrap_or(0);
            prop_assert_eq!(seen, result.rejected(code));
        }
    }

    #[test]
    fn no_contact_ever_has_two_active_enrollments(scenario in any_scenario()) {
        let world = World::generate(&scenario);
        // Replay the decisions against our own record of who is active.
        let mut active = world.enrolled_elsewhere.clone();
        let mut last_time = 0;
        run_observed(&scenario, |d| {
            let c = d.attempt.contact as usize;
            assert!(d.attempt.time >= last_time, "attempts go back in time");
            last_time = d.attempt.time;
            if d.decision == Decision::Enrolled {
                assert!(!active[c], "contact {c} enrolled twice (seed {})", scenario.seed);
                active[c] = true;
            } else if active[c] {
                // An active contact can only be turned away.
                assert!(matches!(d.decision, Decision::Rejected(_)));
            }
        });
    }

    #[test]
    fn rule_order_moves_codes_but_not_who_enrolls(scenario in any_scenario()) {
        // Whether any check fails does not depend on the order, so the enrolled attempts are the
        // same; which code a multiply-disqualified contact gets does.
        let forward = run(&scenario);
        let mut reversed = scenario.clone();
        let order: Vec<_> = RejectionCode::ALL.iter().rev().copied().collect();
        reversed.rules = RuleSet::new(&order).unwrap();
        let backward = run(&reversed);
        prop_assert_eq!(forward.enrolled, backward.enrolled);
        prop_assert_eq!(forward.attempts, backward.attempts);
    }

    #[test]
    fn the_same_seed_gives_the_same_result(scenario in any_scenario()) {
        prop_assert_eq!(run(&scenario), run(&scenario));
    }
}

#[test]
fn reordering_rules_changes_the_distribution() {
    let scenario = common::scenario(11, 5_000, 2, 0.2);
    let forward = run(&scenario);
    let mut reversed = scenario.clone();
    let order: Vec<_> = RejectionCode::ALL.iter().rev().copied().collect();
    reversed.rules = RuleSet::new(&order).unwrap();
    let backward = run(&reversed);
    assert_eq!(forward.enrolled, backward.enrolled);
    assert_ne!(forward.rejected, backward.rejected);
    // ALREADY_ENROLLED moves from last to first place: it can only gain.
    let already = RejectionCode::AlreadyEnrolled;
    assert!(backward.rejected(already) > forward.rejected(already));
}

#[test]
fn another_seed_gives_another_world() {
    let a = run(&common::scenario(1, 2_000, 2, 0.1));
    let b = run(&common::scenario(2, 2_000, 2, 0.1));
    assert_ne!(a, b);
    let wa = World::generate(&common::scenario(1, 2_000, 2, 0.1));
    let wb = World::generate(&common::scenario(2, 2_000, 2, 0.1));
    assert_ne!(wa.contacts, wb.contacts);
}

#[test]
fn already_enrolled_arises_from_the_plan_alone() {
    // No drawn flags at all: the only way to meet ALREADY_ENROLLED is two users enrolling the
    // same contact.
    let scenario = common::scenario(3, 3_000, 1, 0.0);
    let result = run(&scenario);
    assert!(result.rejected(RejectionCode::AlreadyEnrolled) > 0);
    for code in RejectionCode::ALL {
        if !matches!(
            code,
            RejectionCode::AlreadyEnrolled
                | RejectionCode::SeatNotEligible
                | RejectionCode::NoConnectedInbox
        ) {
            assert_eq!(result.rejected(code), 0, "{}", code.name());
        }
    }
}
