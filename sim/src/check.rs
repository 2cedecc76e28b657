//! The invariant checkers of an audited run, shared by the property tests
//! (`sim/tests/properties.rs`) and `seqsim swarm`: each reads a [`RunResult`] recorded with
//! `RunOptions { audit: true, journeys: true, .. }` and returns the first violation it finds as
//! a message naming the seed, or `Ok`.
//!
//! Also here: [`determinism`], `--check-determinism`'s three runs and their verdict.
//!
//! They recount from the audit records, independently of the engine's counters: one decision
//! per attempt, one outcome per enrollment, no double enrollment, time order, the inboxes'
//! rolling-24-hour and per-minute caps, sends only to contacts whose state allows them and only
//! at allowed times, and the journeys agreeing with the counts.

mod determinism;

use std::collections::BTreeMap;

pub use determinism::{determinism, Rerun, Verdict};

use model::{Check, ContactFlags, Decision, Outcome, RejectionCode};

use crate::{Audit, RunResult, Scenario, World};

/// A broken invariant: what was found, with the seed.
pub type Violation = String;

/// Fails with `message` (and the seed) unless `ok`.
fn ensure(
    ok: bool,
    scenario: &Scenario,
    message: impl FnOnce() -> String,
) -> Result<(), Violation> {
    if ok {
        Ok(())
    } else {
        Err(format!("{} (seed {})", message(), scenario.seed))
    }
}

fn audit_of<'r>(scenario: &Scenario, result: &'r RunResult) -> Result<&'r Audit, Violation> {
    let audit = result.recordings.audit.as_ref();
    audit.ok_or_else(|| format!("the run was not audited (seed {})", scenario.seed))
}

/// Every checker in turn; the first violation.
pub fn all(scenario: &Scenario, result: &RunResult) -> Result<(), Violation> {
    one_code_per_attempt(scenario, result)?;
    one_outcome_per_enrollment(scenario, result)?;
    no_double_enrollment(scenario, result)?;
    time_is_monotone(scenario, result)?;
    inbox_limits(scenario, result)?;
    sends_are_allowed(scenario, result)?;
    if result.recordings.journeys.is_some() {
        journeys_agree(scenario, result)?;
    }
    Ok(())
}

/// Every attempt gets exactly one code, and the audit agrees with the counts.
pub fn one_code_per_attempt(scenario: &Scenario, result: &RunResult) -> Result<(), Violation> {
    let audit = audit_of(scenario, result)?;
    let attempts = audit.attempts.len() as u64;
    ensure(attempts == result.counters.attempts, scenario, || {
        format!(
            "{attempts} audited attempts, {} counted",
            result.counters.attempts
        )
    })?;
    let mut tally: BTreeMap<Decision, u64> = BTreeMap::new();
    for a in &audit.attempts {
        *tally.entry(a.decision).or_default() += 1;
    }
    let enrolled = tally.get(&Decision::Enrolled).copied().unwrap_or(0);
    ensure(enrolled == result.counters.enrolled, scenario, || {
        format!(
            "{enrolled} audited ENROLLED, {} counted",
            result.counters.enrolled
        )
    })?;
    for code in RejectionCode::ALL {
        let seen = tally.get(&Decision::Rejected(code)).copied().unwrap_or(0);
        ensure(seen == result.rejected(code), scenario, || {
            format!(
                "{seen} audited {}, {} counted",
                code.name(),
                result.rejected(code)
            )
        })?;
    }
    Ok(())
}

/// Every enrollment ends in exactly one outcome.
pub fn one_outcome_per_enrollment(
    scenario: &Scenario,
    result: &RunResult,
) -> Result<(), Violation> {
    let audit = audit_of(scenario, result)?;
    let outcomes = audit.outcomes.len() as u64;
    ensure(outcomes == result.counters.enrolled, scenario, || {
        format!(
            "{outcomes} outcomes for {} enrollments",
            result.counters.enrolled
        )
    })?;
    for outcome in Outcome::ALL {
        let seen = audit.outcomes.iter().filter(|&&o| o == outcome).count() as u64;
        ensure(seen == result.outcome(outcome), scenario, || {
            format!(
                "{seen} audited {}, {} counted",
                outcome.name(),
                result.outcome(outcome)
            )
        })?;
    }
    Ok(())
}

/// No contact is ever enrolled while it has an active enrollment.
pub fn no_double_enrollment(scenario: &Scenario, result: &RunResult) -> Result<(), Violation> {
    for a in &audit_of(scenario, result)?.attempts {
        ensure(
            !(a.was_active && a.decision == Decision::Enrolled),
            scenario,
            || format!("contact {} enrolled while active", a.contact),
        )?;
    }
    Ok(())
}

/// Event times never go backwards and stop before the horizon.
pub fn time_is_monotone(scenario: &Scenario, result: &RunResult) -> Result<(), Violation> {
    let horizon = scenario.calendar.horizon();
    for (portal, times) in audit_of(scenario, result)?.event_times.iter().enumerate() {
        let back = times.windows(2).position(|w| w[0] > w[1]);
        ensure(back.is_none(), scenario, || {
            format!(
                "portal {portal}: time goes back after event {}",
                back.unwrap_or(0)
            )
        })?;
        ensure(times.last().is_none_or(|&t| t < horizon), scenario, || {
            format!("portal {portal}: an event at or after the horizon {horizon}")
        })?;
    }
    Ok(())
}

/// No inbox sends more than its caps in a rolling 24 hours or a clock minute.
pub fn inbox_limits(scenario: &Scenario, result: &RunResult) -> Result<(), Violation> {
    let world = World::generate(scenario);
    let mut by_user: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for s in audit_of(scenario, result)?
        .sends
        .iter()
        .filter(|s| !s.by_gmail)
    {
        by_user.entry(s.user).or_default().push(s.time);
    }
    for (user, times) in by_user {
        let u = &world.users()[user as usize];
        let Some(provider) = u.inbox else {
            return Err(format!(
                "user {user} without an inbox sent (seed {})",
                scenario.seed
            ));
        };
        let (platform, provider_day, provider_minute) = caps_from_domain_md(provider.name());
        // A custom limit is the sequence limit itself; free Gmail stays at 350 (domain §5.1).
        let platform = match (u.daily_limit, provider.name()) {
            (Some(custom), "gmail") => custom.min(350),
            (Some(custom), _) => custom,
            (None, _) => platform,
        };
        // `sending.provider_limits = false` switches the provider's caps off.
        let providers = scenario.sending.provider_limits;
        let provider_cap = (provider_day.filter(|_| providers))
            .map(|cap| cap.saturating_sub(u.other_emails_per_day));
        let cap = platform.min(provider_cap.unwrap_or(u32::MAX)) as usize;
        // Rolling 24 hours: the sends in (t - 24h, t] for every send time t.
        let mut start = 0;
        for end in 0..times.len() {
            while times[start] + 86_400 <= times[end] {
                start += 1;
            }
            ensure(end - start < cap, scenario, || {
                format!("user {user}: {} sends in 24 h, cap {cap}", end - start + 1)
            })?;
        }
        let minute_cap = [
            scenario.sending.per_minute_limit,
            provider_minute.filter(|_| providers),
        ];
        if let Some(minute_cap) = minute_cap.into_iter().flatten().min() {
            let mut per_minute: BTreeMap<u32, u32> = BTreeMap::new();
            for t in &times {
                *per_minute.entry(t / 60).or_default() += 1;
            }
            let worst = per_minute.values().copied().max().unwrap_or(0);
            ensure(worst <= minute_cap, scenario, || {
                format!("user {user}: {worst} sends in a clock minute, cap {minute_cap}")
            })?;
        }
    }
    Ok(())
}

/// Nothing is sent to a record whose own state forbids it, nor after a rejection in the
/// sequence (when the rule set checks OTHER_SEND_REJECTED), and follow-ups keep to the allowed days and window.
pub fn sends_are_allowed(scenario: &Scenario, result: &RunResult) -> Result<(), Violation> {
    // The record's own facts that forbid mail (portal- and platform-level facts are checked
    // at enrollment only, as in the product).
    let forbidding = [
        ContactFlags::MISSING_EMAIL,
        ContactFlags::BOUNCED,
        ContactFlags::MARKED_AS_SPAM,
        ContactFlags::UNSUBSCRIBED,
        ContactFlags::UNSUBSCRIBED_PERSONAL,
    ];
    let checks_rejection =
        (scenario.rules.order()).contains(&Check::Code(RejectionCode::OtherSendRejected));
    for s in &audit_of(scenario, result)?.sends {
        for flag in forbidding {
            ensure(!s.contact_flags.contains(flag), scenario, || {
                format!("sent to contact {} marked {flag:?}", s.contact)
            })?;
        }
        // A rule set may leave OTHER_SEND_REJECTED out (docs/guide/rules.md, "Order"): then the
        // rejection does not stop a new enrollment in the sequence, as the rule set asks.
        ensure(
            !(s.rejected_in_sequence && checks_rejection),
            scenario,
            || {
                format!(
                    "sent to contact {} after a rejection in the sequence",
                    s.contact
                )
            },
        )?;
        if s.step > 0 {
            let seq = &scenario.sequences[usize::from(s.sequence)];
            let start = scenario.calendar.start_weekday as usize;
            let allowed = allowed_by_hand(start, s.time, seq.weekdays_only, seq.send_window);
            ensure(allowed, scenario, || {
                format!(
                    "step {} sent at {} outside the allowed days and window",
                    s.step + 1,
                    s.time
                )
            })?;
        }
    }
    Ok(())
}

/// An inbox's caps as docs/domain.md §5 states them, written out here rather than read from
/// `model` (an oracle independent of the engine's own functions): the platform's sequence limit
/// (90% of 350 for free Gmail, of 1,000 for every other inbox), the provider's daily limit
/// (Workspace 2,000, free Gmail 500, Microsoft 365 10,000, Outlook.com 300, none for Exchange
/// and other inboxes) and its per-minute limit (Microsoft 365, 30).
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

/// The journeys tell the same story as the counters: one journey per contact, their decisions
/// adding up to the attempts and their enrollments' outcomes to the outcomes.
pub fn journeys_agree(scenario: &Scenario, result: &RunResult) -> Result<(), Violation> {
    let Some(journeys) = result.recordings.journeys.as_ref() else {
        return Err(format!(
            "the run recorded no journeys (seed {})",
            scenario.seed
        ));
    };
    let contacts = u64::from(journeys.contacts());
    ensure(contacts == result.shape.contacts, scenario, || {
        format!("{contacts} journeys for {} contacts", result.shape.contacts)
    })?;
    let (mut decisions, mut enrolled) = (0u64, 0u64);
    let mut outcomes = [0u64; Outcome::ALL.len()];
    for c in 0..journeys.contacts() {
        let journey = journeys.journey(c);
        decisions += journey.decisions.len() as u64;
        let enrolling = journey.decisions.iter();
        let enrolling = enrolling.filter(|&&d| d == Decision::Enrolled).count();
        ensure(enrolling == journey.enrollments.len(), scenario, || {
            format!(
                "contact {c}: {enrolling} ENROLLED decisions, {} enrollments",
                journey.enrollments.len()
            )
        })?;
        enrolled += enrolling as u64;
        for e in &journey.enrollments {
            outcomes[e.outcome.index()] += 1;
        }
    }
    ensure(decisions == result.counters.attempts, scenario, || {
        format!(
            "{decisions} journey decisions, {} attempts",
            result.counters.attempts
        )
    })?;
    ensure(enrolled == result.counters.enrolled, scenario, || {
        format!(
            "{enrolled} journey enrollments, {} counted",
            result.counters.enrolled
        )
    })?;
    ensure(outcomes == result.counters.outcomes, scenario, || {
        format!(
            "journey outcomes {outcomes:?}, counted {:?}",
            result.counters.outcomes
        )
    })
}
