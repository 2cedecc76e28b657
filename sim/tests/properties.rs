//! Properties of whole runs over randomly drawn scenarios: decisions, enrollments, sends,
//! limits and time.

mod common;

use model::{Outcome, RejectionCode, RuleSet};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use sim::{run, run_with, RunOptions, RunResult, Scenario, World};

fn any_scenario() -> impl Strategy<Value = Scenario> {
    (
        (
            any::<u64>(),
            1u32..600,
            1u32..4,
            0.0f64..0.4,
            proptest::option::of(1u32..=10),
            0u32..=60,
            0u8..64,
        ),
        any_variety(),
    )
        .prop_map(
            |((seed, contacts, portals, rate, per_minute, stagger, guards), variety)| {
                let mut s = common::scenario(seed, contacts, portals, rate);
                s.sending.per_minute_limit = per_minute;
                s.sending.stagger_seconds = stagger;
                // Small limits so that they bite in small worlds.
                s.senders[0].daily_limit = Some(40);
                with_guards(&mut s, guards);
                variety.apply(&mut s);
                s
            },
        )
}

/// What the property worlds vary beyond rates and sizes: the calendar, the senders' seats,
/// inboxes and sequences, the sequences' allowed days and windows, and the policies.
#[derive(Clone, Debug)]
struct Variety {
    start_weekday: usize,
    horizon_days: u32,
    /// Per extra sender group (one per seat and one per inbox kind): its sequence (0 or 1).
    sequences: [u16; 10],
    /// Per sequence: weekdays only, and which window (none, office hours, a short morning).
    weekdays_only: [bool; 2],
    windows: [u8; 2],
    reenrollment: u8,
    daily_limit: u8,
    provider_limits: bool,
    provider_block_hours: u32,
}

fn any_variety() -> impl Strategy<Value = Variety> {
    (
        0usize..7,
        14u32..40,
        proptest::array::uniform10(0u16..2),
        proptest::array::uniform2(any::<bool>()),
        proptest::array::uniform2(0u8..3),
        0u8..4,
        0u8..3,
        any::<bool>(),
        0u32..48,
    )
        .prop_map(
            |(start_weekday, horizon_days, sequences, weekdays_only, windows, r, d, p, b)| {
                Variety {
                    start_weekday,
                    horizon_days,
                    sequences,
                    weekdays_only,
                    windows,
                    reenrollment: r,
                    daily_limit: d,
                    provider_limits: p,
                    provider_block_hours: b,
                }
            },
        )
}

impl Variety {
    fn apply(&self, s: &mut Scenario) {
        use model::{InboxProvider, SeatTier};
        use sim::scenario::{SequencesDailyLimit, WhenFull};
        use sim::{ResumeAt, SenderGroup};
        s.calendar.start_weekday = sim::Weekday::ALL[self.start_weekday];
        s.calendar.horizon_days = self.horizon_days;
        s.plan.business_days = 5;
        // One user of every seat (with a Workspace inbox) and of every inbox kind (with a
        // Professional seat), on either sequence.
        let seats = SeatTier::ALL.map(|seat| (seat, Some(InboxProvider::GoogleWorkspace)));
        let inboxes = InboxProvider::ALL.map(|inbox| (SeatTier::Professional, Some(inbox)));
        let extra = seats.into_iter().chain(inboxes);
        for ((seat, inbox), &sequence) in extra.zip(&self.sequences) {
            s.senders.push(SenderGroup {
                count: 1,
                seat,
                inbox,
                portal: None,
                sequence,
                daily_limit: None,
                other_emails_per_day: 0,
            });
        }
        let windows = [None, Some((9 * 60, 17 * 60)), Some((7 * 60 + 30, 11 * 60))];
        for (i, seq) in s.sequences.iter_mut().enumerate() {
            seq.weekdays_only = self.weekdays_only[i];
            seq.send_window = windows[usize::from(self.windows[i])];
        }
        match self.reenrollment {
            0 => s.reenrollment = sim::Reenrollment::None,
            1 => {}
            resume => {
                let resume_at = [ResumeAt::Same, ResumeAt::First][usize::from(resume - 2)];
                if let sim::Reenrollment::Act(remedies) = &mut s.reenrollment {
                    for remedy in remedies {
                        remedy.resume_at = resume_at;
                        remedy.share = 0.5;
                        remedy.reconnect_first = resume_at == ResumeAt::Same;
                    }
                }
            }
        }
        s.sending.sequences_daily_limit = [WhenFull::Refuse, WhenFull::NextDay]
            .get(usize::from(self.daily_limit))
            .map(|&when_full| SequencesDailyLimit {
                per_user: 30,
                when_full,
            });
        s.sending.provider_limits = self.provider_limits;
        s.sending.provider_block_hours = self.provider_block_hours;
    }
}

/// `s` under a rule set with the guards of `which` (bit i: kind i of six), checked right after
/// the pre-enrollment blocks, with thresholds low enough to hold in small worlds.
fn with_guards(s: &mut Scenario, which: u8) {
    use model::{Check, GuardCode};
    use sim::{Guard, GuardKind};
    let kinds = [
        GuardKind::SenderBounceRate {
            window: sim::RateWindow::Hours(48),
            threshold: 0.02,
            min_sends: 5,
        },
        GuardKind::SenderComplaintRate {
            window: sim::RateWindow::Hours(48),
            threshold: 0.01,
            min_sends: 5,
        },
        GuardKind::DomainBounces { bounces: 2 },
        GuardKind::Cooldown { days: 3 },
        GuardKind::DailyEnrollmentCap { per_day: 20 },
        GuardKind::RecentEngagement { days: 2 },
    ];
    let chosen: Vec<GuardKind> = (0..6)
        .filter(|i| which & (1 << i) != 0)
        .map(|i| kinds[i].clone())
        .collect();
    let pause = |i: usize| (i == 0).then_some(12);
    s.guards = (chosen.iter().enumerate())
        .map(|(i, kind)| Guard {
            kind: kind.clone(),
            pause_hours: pause(i),
        })
        .collect();
    let codes = (0..chosen.len())
        .map(|i| GuardCode {
            name: format!("GUARD_{i}"),
            description: String::new(),
        })
        .collect();
    let blocks = RejectionCode::PRE_ENROLLMENT_BLOCKS.map(Check::Code);
    let order: Vec<Check> = (blocks.into_iter())
        .chain((0..chosen.len() as u8).map(Check::Guard))
        .chain(RejectionCode::ENROLLMENT_REJECTIONS.map(Check::Code))
        .collect();
    s.rules = RuleSet::with_guards(&order, codes).expect("a valid rule set");
}

fn audited(scenario: &Scenario) -> RunResult {
    run_with(
        scenario,
        &RunOptions {
            threads: 1,
            audit: true,
            journeys: true,
            ..RunOptions::default()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The audited invariants (sim::check: six over the audit, one over the journeys), checked together on one run per drawn scenario, so the same
    /// CPU covers more seeds.
    #[test]
    fn an_audited_run_keeps_every_invariant(scenario in any_scenario()) {
        // The checkers live in `sim::check`, shared with `seqsim swarm`.
        let result = audited(&scenario);
        sim::check::all(&scenario, &result).map_err(TestCaseError::fail)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn rule_order_moves_codes_but_not_who_enrolls(scenario in any_scenario()) {
        // Whether any check fails does not depend on the order, so the same attempts enroll
        // and the world evolves the same; only the code of a rejected attempt can move.
        let forward = run(&scenario);
        let mut reversed = scenario.clone();
        let order: Vec<_> = scenario.rules.order().iter().rev().copied().collect();
        let guards = scenario.rules.guards().to_vec();
        reversed.rules = RuleSet::with_guards(&order, guards).unwrap();
        let backward = run(&reversed);
        prop_assert_eq!(forward.counters.enrolled, backward.counters.enrolled);
        prop_assert_eq!(forward.counters.attempts, backward.counters.attempts);
        prop_assert_eq!(forward.counters.outcomes, backward.counters.outcomes);
    }

    #[test]
    fn the_same_seed_gives_the_same_result_on_any_thread_count(scenario in any_scenario()) {
        let one = run_with(&scenario, &RunOptions { threads: 1, ..RunOptions::default() });
        let three = run_with(&scenario, &RunOptions { threads: 3, ..RunOptions::default() });
        prop_assert_eq!(&one, &three);
        prop_assert_eq!(&one, &run(&scenario));
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
    assert_eq!(forward.counters.enrolled, backward.counters.enrolled);
    assert_ne!(forward.counters.rejected, backward.counters.rejected);
    // ALREADY_ENROLLED moves from last to first place: it can only gain.
    let already = RejectionCode::AlreadyEnrolled;
    assert!(backward.counters.rejected(already) > forward.counters.rejected(already));
}

#[test]
fn another_seed_gives_another_world() {
    let a = run(&common::scenario(1, 2_000, 2, 0.1));
    let b = run(&common::scenario(2, 2_000, 2, 0.1));
    assert_ne!(a, b);
    let wa = World::generate(&common::scenario(1, 2_000, 2, 0.1));
    let wb = World::generate(&common::scenario(2, 2_000, 2, 0.1));
    assert_ne!(wa.contacts(), wb.contacts());
}

#[test]
fn already_enrolled_arises_from_the_plan_alone() {
    // No drawn flags at all: the only way to meet ALREADY_ENROLLED is two users enrolling the
    // same contact while the first enrollment runs.
    let scenario = common::quiet(3, 3_000);
    let result = run(&scenario);
    assert!(result.counters.rejected(RejectionCode::AlreadyEnrolled) > 0);
    for code in RejectionCode::ALL {
        if !matches!(
            code,
            RejectionCode::AlreadyEnrolled
                | RejectionCode::SeatNotEligible
                | RejectionCode::NoConnectedInbox
        ) {
            assert_eq!(result.counters.rejected(code), 0, "{}", code.name());
        }
    }
}

#[test]
fn the_property_worlds_exercise_every_mechanism() {
    // The properties above mean something only if their worlds send, hit limits, bounce, and
    // fail steps: check one such world does all of it.
    let mut scenario = common::scenario(21, 3_000, 2, 0.3);
    scenario.senders[0].daily_limit = Some(40);
    let result = audited(&scenario);
    let audit = result.recordings.audit.as_ref().unwrap();
    assert!(audit.sends.len() > 1_000, "{} sends", audit.sends.len());
    assert!(audit.sends.iter().any(|s| s.step > 0));
    for outcome in Outcome::ALL {
        if outcome != Outcome::StillActive {
            assert!(
                result.outcome(outcome) > 0,
                "{} never happens",
                outcome.name()
            );
        }
    }
    assert!(result.counters.attempts_by_source[sim::Source::ReEnrollment as usize] > 0);
    assert!(
        result
            .counters
            .limit_outcomes_by_side
            .iter()
            .all(|&n| n > 0),
        "both sides limit"
    );
}
