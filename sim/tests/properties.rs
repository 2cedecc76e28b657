//! Properties of whole runs over randomly drawn scenarios: decisions, enrollments, sends,
//! limits and time.

mod common;

use std::collections::BTreeMap;

use model::{ContactFlags, Decision, Outcome, RejectionCode, RuleSet};
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
            window_hours: 48,
            threshold: 0.02,
            min_sends: 5,
        },
        GuardKind::SenderComplaintRate {
            window_hours: 48,
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
        .map(|i| kinds[i])
        .collect();
    let pause = |i: usize| (i == 0).then_some(12);
    s.guards = (chosen.iter().enumerate())
        .map(|(i, &kind)| Guard {
            kind,
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
            ..RunOptions::default()
        },
    )
}

/// Every attempt gets exactly one code, and the audit agrees with the counts.
fn check_one_code_per_attempt(result: &RunResult) -> Result<(), TestCaseError> {
    let audit = result.recordings.audit.as_ref().unwrap();
    prop_assert_eq!(audit.attempts.len() as u64, result.counters.attempts);
    let mut tally: BTreeMap<Decision, u64> = BTreeMap::new();
    for a in &audit.attempts {
        *tally.entry(a.decision).or_default() += 1;
    }
    prop_assert_eq!(
        tally.get(&Decision::Enrolled).copied().unwrap_or(0),
        result.counters.enrolled
    );
    for code in RejectionCode::ALL {
        let seen = tally.get(&Decision::Rejected(code)).copied().unwrap_or(0);
        prop_assert_eq!(seen, result.rejected(code));
    }
    Ok(())
}

/// Every enrollment ends in exactly one outcome.
fn check_one_outcome_per_enrollment(result: &RunResult) -> Result<(), TestCaseError> {
    let audit = result.recordings.audit.as_ref().unwrap();
    prop_assert_eq!(audit.outcomes.len() as u64, result.counters.enrolled);
    for outcome in Outcome::ALL {
        let seen = audit.outcomes.iter().filter(|&&o| o == outcome).count() as u64;
        prop_assert_eq!(seen, result.outcome(outcome), "{}", outcome.name());
    }
    Ok(())
}

/// No contact is ever enrolled while it has an active enrollment.
fn check_no_double_enrollment(
    scenario: &Scenario,
    result: &RunResult,
) -> Result<(), TestCaseError> {
    for a in &result.recordings.audit.as_ref().unwrap().attempts {
        prop_assert!(
            !(a.was_active && a.decision == Decision::Enrolled),
            "contact {} enrolled while active (seed {})",
            a.contact,
            scenario.seed
        );
        if a.was_active {
            prop_assert!(a.decision != Decision::Enrolled);
        }
    }
    Ok(())
}

/// Event times never go backwards and stop before the horizon.
fn check_time_is_monotone(scenario: &Scenario, result: &RunResult) -> Result<(), TestCaseError> {
    for times in &result.recordings.audit.as_ref().unwrap().event_times {
        prop_assert!(times.windows(2).all(|w| w[0] <= w[1]));
        prop_assert!(times
            .last()
            .is_none_or(|&t| t < scenario.calendar.horizon()));
    }
    Ok(())
}

/// An inbox's caps as docs/domain.md §5 states them, written out here rather than read from
/// `model`: the platform's sequence limit (90% of 350 for free Gmail, of 1,000 for every other
/// inbox), the provider's daily limit (Workspace 2,000, free Gmail 500, Microsoft 365 10,000,
/// Outlook.com 300, none for Exchange and other inboxes) and its per-minute limit (Microsoft
/// 365, 30).
fn caps_from_domain_md(provider: &str) -> (u32, Option<u32>, Option<u32>) {
    match provider {
        "gmail" => (315, Some(500), None),
        "google_workspace" => (900, Some(2_000), None),
        "microsoft_365" => (900, Some(10_000), Some(30)),
        "outlook_com" => (900, Some(300), None),
        "exchange" | "other" => (900, None, None),
        _ => panic!("a provider docs/domain.md does not list: {provider}"),
    }
}

/// Whether `t` (seconds from day 0, which is a `start` weekday, Monday = 0) is an allowed moment
/// for a follow-up, worked out from the raw seconds rather than with `Calendar::allows`: a
/// weekday when `weekdays_only`, and within `window` (minutes of the day, `[start, end)`).
fn allowed_by_hand(start: usize, t: u32, weekdays_only: bool, window: Option<(u32, u32)>) -> bool {
    let weekday = (start + (t / 86_400) as usize) % 7;
    let minute_of_day = (t % 86_400) / 60;
    let day_ok = !weekdays_only || weekday < 5;
    let window_ok = match window {
        None => true,
        Some((from, to)) => from <= minute_of_day && minute_of_day < to,
    };
    day_ok && window_ok
}

/// No inbox sends more than its caps in a rolling 24 hours or a clock minute.
fn check_inbox_limits(scenario: &Scenario, result: &RunResult) -> Result<(), TestCaseError> {
    let world = World::generate(scenario);
    let mut by_user: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for s in result
        .recordings
        .audit
        .as_ref()
        .unwrap()
        .sends
        .iter()
        .filter(|s| !s.by_gmail)
    {
        by_user.entry(s.user).or_default().push(s.time);
    }
    for (user, times) in by_user {
        let u = &world.users()[user as usize];
        let provider = u.inbox.expect("only connected inboxes send");
        let (platform, provider_day, provider_minute) = caps_from_domain_md(provider.name());
        // A custom limit is the sequence limit itself; free Gmail stays at 350 (domain §5.1).
        let platform = match (u.daily_limit, provider.name()) {
            (Some(custom), "gmail") => custom.min(350),
            (Some(custom), _) => custom,
            (None, _) => platform,
        };
        let provider_day = provider_day
            .filter(|_| scenario.sending.provider_limits)
            .map(|cap| cap.saturating_sub(u.other_emails_per_day));
        let provider_minute = provider_minute.filter(|_| scenario.sending.provider_limits);
        let cap = platform.min(provider_day.unwrap_or(u32::MAX)) as usize;
        // Rolling 24 hours: the sends in (t - 24h, t] for every send time t.
        let mut start = 0;
        for end in 0..times.len() {
            while times[start] + 86_400 <= times[end] {
                start += 1;
            }
            prop_assert!(
                end - start < cap,
                "user {user}: {} sends in 24 h, cap {cap}",
                end - start + 1
            );
        }
        // Clock minutes.
        let mut per_minute: BTreeMap<u32, u32> = BTreeMap::new();
        for t in &times {
            *per_minute.entry(t / 60).or_default() += 1;
        }
        let minute_cap = [scenario.sending.per_minute_limit, provider_minute]
            .into_iter()
            .flatten()
            .min();
        if let Some(minute_cap) = minute_cap {
            prop_assert!(per_minute.values().all(|&n| n <= minute_cap));
        }
    }
    Ok(())
}

/// Nothing is sent to a record whose own state forbids it, nor after a rejection in the
/// sequence, and follow-ups keep to the allowed days and window.
fn check_sends_are_allowed(scenario: &Scenario, result: &RunResult) -> Result<(), TestCaseError> {
    // The record's own facts that forbid mail (portal- and platform-level facts are checked
    // at enrollment only, as in the product).
    let forbidding = [
        ContactFlags::MISSING_EMAIL,
        ContactFlags::BOUNCED,
        ContactFlags::MARKED_AS_SPAM,
        ContactFlags::UNSUBSCRIBED,
        ContactFlags::UNSUBSCRIBED_PERSONAL,
    ];
    for s in &result.recordings.audit.as_ref().unwrap().sends {
        for flag in forbidding {
            prop_assert!(
                !s.contact_flags.contains(flag),
                "sent to contact {} marked {flag:?} (seed {})",
                s.contact,
                scenario.seed
            );
        }
        prop_assert!(
            !s.rejected_in_sequence,
            "sent to contact {} after a rejection in the sequence (seed {})",
            s.contact,
            scenario.seed
        );
        if s.step > 0 {
            let seq = &scenario.sequences[usize::from(s.sequence)];
            let start = scenario.calendar.start_weekday as usize;
            prop_assert!(
                allowed_by_hand(start, s.time, seq.weekdays_only, seq.send_window),
                "step {} sent at {} outside the allowed days and window",
                s.step + 1,
                s.time
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The six audited invariants, checked together on one run per drawn scenario, so the same
    /// CPU covers more seeds.
    #[test]
    fn an_audited_run_keeps_every_invariant(scenario in any_scenario()) {
        let result = audited(&scenario);
        check_one_code_per_attempt(&result)?;
        check_one_outcome_per_enrollment(&result)?;
        check_no_double_enrollment(&scenario, &result)?;
        check_time_is_monotone(&scenario, &result)?;
        check_inbox_limits(&scenario, &result)?;
        check_sends_are_allowed(&scenario, &result)?;
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
