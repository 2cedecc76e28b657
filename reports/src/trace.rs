//! `seqsim trace`: one contact's journey as readable lines.

use std::fmt::Write as _;

use model::{AddressFlags, ContactFlags, Decision, LimitSide, SmtpReply};
use sim::{Reaction, RunResult, Scenario, TracedEvent};

use crate::{date_after, weekday_name};

/// The journey of the contact traced in `result` (see `sim::RunOptions::trace_contact`), or
/// `None` if the run traced no existing contact.
pub fn render_trace(scenario: &Scenario, result: &RunResult) -> Option<String> {
    let t = result.recordings.traced.as_ref()?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "contact {} of scenario {} (seed {}), portal {}, mailbox {} at {}{}",
        t.contact,
        scenario.name,
        scenario.seed,
        t.portal,
        t.person,
        t.mailbox_provider,
        if t.invalid {
            " (does not exist: mail to it hard-bounces)"
        } else {
            ""
        },
    );
    if let Some(original) = t.duplicate_of {
        let _ = writeln!(out, "  duplicate record of contact {original}");
    }
    let address: Vec<&str> = AddressFlags::ALL
        .iter()
        .filter(|(f, _)| t.address.contains(*f))
        .map(|(_, code)| code.name())
        .collect();
    let record: Vec<&str> = ContactFlags::ALL
        .iter()
        .filter(|(f, _)| t.flags.contains(*f))
        .map(|(_, code)| code.name())
        .collect();
    let _ = writeln!(out, "  address facts at start: {}", list(&address));
    let _ = writeln!(out, "  record facts at start: {}", list(&record));
    if t.enrolled_elsewhere {
        let _ = writeln!(out, "  starts enrolled in a sequence outside the scenario");
    }
    out.push('\n');

    if result.recordings.trace.is_empty() {
        let _ = writeln!(out, "no user tried to enroll this contact");
    }
    let sequence_name = |s: u16| scenario.sequences[usize::from(s)].name.as_str();
    for entry in &result.recordings.trace {
        let line = match &entry.event {
            TracedEvent::Attempt {
                user,
                source,
                sequence,
                step,
                conditions,
                decision,
            } => {
                let failing: Vec<&str> = conditions.codes().map(|c| c.name()).collect();
                let verdict = match decision {
                    Decision::Enrolled if failing.is_empty() => {
                        "ENROLLED: every check passed".to_owned()
                    }
                    Decision::Enrolled => format!(
                        "ENROLLED: the failing checks ({}) are not in the rule set",
                        failing.join(", ")
                    ),
                    Decision::Rejected(code) => {
                        let others: Vec<&str> = failing
                            .iter()
                            .copied()
                            .filter(|n| *n != code.name())
                            .collect();
                        let also = if others.is_empty() {
                            String::new()
                        } else {
                            format!("; also failing, later in rule order: {}", others.join(", "))
                        };
                        format!(
                            "rejected {}: first failing check in rule order{also}",
                            code.name()
                        )
                    }
                };
                let inbox = scenario
                    .group_of_user(*user)
                    .map_or("unknown", |g| g.inbox.map_or("no inbox", |p| p.name()));
                format!(
                    "attempt by user {user} ({inbox}, {}) into {:?} at step {}: {verdict}",
                    source.name(),
                    sequence_name(*sequence),
                    step + 1
                )
            }
            TracedEvent::TaskCreated { step, kind, done } => format!(
                "step {} ({}) is due: a task for the user, completed {}",
                step + 1,
                kind.name(),
                moment(scenario, *done)
            ),
            TracedEvent::Sent { step, retry, reply } => {
                let what = match reply {
                    SmtpReply::Delivered => "delivered",
                    SmtpReply::HardBounce => "hard bounce: the mailbox does not exist",
                    SmtpReply::SoftBounce => "soft bounce: transient, will retry if retries remain",
                    SmtpReply::PolicyRejection => "rejected by the recipient's provider on policy",
                    SmtpReply::SenderQuotaExhausted => "sender quota exhausted",
                };
                let retry = if *retry > 0 {
                    format!(" (retry {retry})")
                } else {
                    String::new()
                };
                format!(
                    "step {} email sent{retry}: {} {what}",
                    step + 1,
                    reply.code()
                )
            }
            TracedEvent::StepFailed {
                step,
                failure,
                side,
                reply,
            } => {
                let side = match side {
                    Some(LimitSide::Platform) => " (the platform's rolling 24-hour limit)",
                    Some(LimitSide::Provider) => " (the sender's provider's limit)",
                    None => "",
                };
                let reply = reply.map_or(String::new(), |r| format!(", answered {}", r.code()));
                format!("step {} failed: {}{side}{reply}", step + 1, failure.name())
            }
            TracedEvent::Reacted(reaction) => match reaction {
                Reaction::Reply => "the contact replied".to_owned(),
                Reaction::MeetingBooked => "the contact booked a meeting".to_owned(),
                Reaction::Unsubscribe { all: true } => {
                    "the contact unsubscribed from all email: now UNSUBSCRIBED".to_owned()
                }
                Reaction::Unsubscribe { all: false } => {
                    "the contact unsubscribed from sales email: now UNSUBSCRIBED_PERSONAL"
                        .to_owned()
                }
                Reaction::SpamComplaint => {
                    "the contact reported the email as spam: now PREVIOUSLY_MARKED_AS_SPAM"
                        .to_owned()
                }
                Reaction::OutOfOffice => "out-of-office auto-reply (does not unenroll)".to_owned(),
            },
            TracedEvent::Ended(outcome) => format!("enrollment ended: {}", outcome.name()),
            TracedEvent::ReEnrollScheduled { step, at } => format!(
                "re-enrollment at step {} scheduled for {}",
                step + 1,
                moment(scenario, *at)
            ),
            TracedEvent::GloballyBounced => {
                "the address joined the platform's global bounce list (daily refresh)".to_owned()
            }
        };
        let _ = writeln!(out, "{}  {line}", moment(scenario, entry.time));
    }
    Some(out)
}

fn list(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// `2026-03-04 Wed 10:15:23`.
fn moment(scenario: &Scenario, t: sim::SimTime) -> String {
    let day = t / 86_400;
    let s = t % 86_400;
    format!(
        "{} {} {:02}:{:02}:{:02}",
        date_after(&scenario.calendar.start_date, day),
        weekday_name(scenario.calendar.weekday(day)),
        s / 3_600,
        s / 60 % 60,
        s % 60
    )
}
