//! `seqsim trace`: one contact's journey as readable lines, or as one JSON document.

use std::fmt::Write as _;

use model::{AddressFlags, Conditions, ContactFlags, Decision, LimitSide, SmtpReply};
use sim::{Reaction, RunResult, Scenario, TracedContact, TracedEvent};

use crate::date_after;

mod json;

pub(crate) use json::reaction_name;
pub use json::trace_json;

/// The journey of the contact traced in `result` (see `sim::RunOptions::trace_contact`), or
/// `None` if the run traced no existing contact.
pub fn render_trace(scenario: &Scenario, result: &RunResult) -> Option<String> {
    let traced = result.recordings.traced.as_ref()?;
    let mut out = header(scenario, traced);
    if result.recordings.trace.is_empty() {
        let _ = writeln!(out, "no user tried to enroll this contact");
    }
    for entry in &result.recordings.trace {
        let line = event_line(scenario, traced, &entry.event);
        let _ = writeln!(out, "{}  {line}", moment(scenario, entry.time));
    }
    Some(out)
}

/// Who the contact is and what is known about it at the start, ending with a blank line.
fn header(scenario: &Scenario, t: &TracedContact) -> String {
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
    let (address, record) = (address_facts(t), record_facts(t));
    let _ = writeln!(out, "  address facts at start: {}", list(&address));
    if t.address.contains(AddressFlags::BOUNCED_GLOBALLY) {
        let _ = writeln!(
            out,
            "    (RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY at start: bounces at accounts outside \
             the simulation)"
        );
    }
    let _ = writeln!(
        out,
        "  record facts at start (with its address's facts in this portal): {}",
        list(&record)
    );
    let opted: Vec<&str> = t.opted_out_of.iter().map(String::as_str).collect();
    let _ = writeln!(
        out,
        "  subscription types opted out of at start (UNSUBSCRIBED_PERSONAL): {}",
        list(&opted)
    );
    let rejected: Vec<&str> = t.rejected_in.iter().map(String::as_str).collect();
    let _ = writeln!(
        out,
        "  sequences whose email a provider rejected (OTHER_SEND_REJECTED): {}",
        list(&rejected)
    );
    if t.enrolled_elsewhere {
        let _ = writeln!(out, "  starts enrolled in a sequence outside the scenario");
    }
    out.push('\n');
    out
}

/// The platform-wide facts of the traced contact's address at the start, as the codes they
/// raise, in catalogue order.
pub(crate) fn address_facts(t: &TracedContact) -> Vec<&'static str> {
    (AddressFlags::ALL.iter())
        .filter(|(f, _)| t.address.contains(*f))
        .map(|(_, code)| code.name())
        .collect()
}

/// The facts of the traced record (and of its address in the portal) at the start, as codes,
/// in catalogue order.
pub(crate) fn record_facts(t: &TracedContact) -> Vec<&'static str> {
    (ContactFlags::ALL.iter())
        .filter(|(f, _)| t.flags.contains(*f))
        .map(|(_, code)| code.name())
        .collect()
}

/// The name the JSON trace tags `event` with (its `event` key).
pub(crate) fn event_name(event: &TracedEvent) -> &'static str {
    match event {
        TracedEvent::Attempt { .. } => "attempt",
        TracedEvent::EnrollmentDeferred { .. } => "enrollment_deferred",
        TracedEvent::TaskCreated { .. } => "task_created",
        TracedEvent::Sent { .. } => "sent",
        TracedEvent::StepFailed { .. } => "step_failed",
        TracedEvent::SendStopped { .. } => "send_stopped",
        TracedEvent::Reacted { .. } => "reacted",
        TracedEvent::Ended(_) => "ended",
        TracedEvent::ReEnrollScheduled { .. } => "re_enroll_scheduled",
        TracedEvent::UserDoesNotAct => "user_does_not_act",
        TracedEvent::GlobalBounceListed { .. } => "global_bounce_listed",
        TracedEvent::ChecksRead(_) => "checks_read",
    }
}

/// One event of the journey, without its moment.
pub(crate) fn event_line(
    scenario: &Scenario,
    traced: &TracedContact,
    what: &TracedEvent,
) -> String {
    match what {
        TracedEvent::ChecksRead(readings) => checks_line(scenario, readings),
        TracedEvent::Attempt {
            user,
            source,
            sequence,
            step,
            conditions,
            decision,
        } => attempt_line(
            scenario,
            *user,
            *source,
            *sequence,
            *step,
            (conditions, decision),
        ),
        TracedEvent::EnrollmentDeferred { to } => format!(
            "the user's sequences daily limit has no room for this enrollment's emails: it \
             starts {}",
            moment(scenario, *to)
        ),
        TracedEvent::TaskCreated { step, kind, done } => format!(
            "step {} ({}) is due: a task for the user, completed {}",
            step + 1,
            kind.name(),
            moment(scenario, *done)
        ),
        TracedEvent::Sent { step, retry, reply } => sent_line(*step, *retry, *reply),
        TracedEvent::StepFailed {
            step,
            failure,
            side,
            reply,
        } => failure_line(*step, failure.name(), *side, *reply),
        TracedEvent::SendStopped { step, fact } => format!(
            "step {} not sent: the address is now {} (learned on another record of it), \
             which ends the enrollment",
            step + 1,
            fact.name()
        ),
        TracedEvent::Reacted { reaction, sequence } => {
            let sequence = &scenario.sequences[usize::from(*sequence)];
            let kind = &scenario.population.subscription_types
                [usize::from(sequence.subscription_type)]
            .name;
            reaction_line(*reaction, kind)
        }
        TracedEvent::Ended(outcome) => format!("enrollment ended: {}", outcome.name()),
        TracedEvent::ReEnrollScheduled {
            step,
            at,
            via_gmail,
        } => format!(
            "the user will re-enroll the contact at step {} from {}, {} (a weekday, in working \
             hours, once the inbox is connected if the remedy says so)",
            step + 1,
            if *via_gmail { "Gmail" } else { "the CRM" },
            moment(scenario, *at)
        ),
        TracedEvent::UserDoesNotAct => {
            "the user does not act on the failure (reenrollment share)".to_owned()
        }
        TracedEvent::GlobalBounceListed { portal } if *portal == traced.portal => format!(
            "the global bounce list (daily refresh) records a bounce of this address from this \
             account (portal {portal}): other accounts now see \
             RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY, this one does not"
        ),
        TracedEvent::GlobalBounceListed { portal } => format!(
            "the global bounce list (daily refresh) records a bounce of this address from \
             another account (portal {portal}): this account now sees \
             RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY"
        ),
    }
}

/// An attempt by `user` into `sequence` at `step`, and the rules' decision.
fn attempt_line(
    scenario: &Scenario,
    user: u32,
    source: sim::Source,
    sequence: u16,
    step: u8,
    (conditions, decision): (&Conditions, &Decision),
) -> String {
    let inbox = scenario
        .group_of_user(user)
        .map_or("unknown", |g| g.inbox.map_or("no inbox", |p| p.name()));
    let sequence = &scenario.sequences[usize::from(sequence)];
    let kind =
        &scenario.population.subscription_types[usize::from(sequence.subscription_type)].name;
    format!(
        "attempt by user {user} ({inbox}, {}) into {:?} (subscription type {kind}) at step {}: {}",
        source.name(),
        sequence.name,
        step + 1,
        verdict(&scenario.rules, conditions, decision)
    )
}

/// Why an attempt was decided so: the first failing check, and which others failed too.
fn verdict(rules: &model::RuleSet, conditions: &Conditions, decision: &Decision) -> String {
    let failing: Vec<&str> = (rules.failing(*conditions))
        .map(|check| rules.check_name(check))
        .collect();
    let name = rules.decision_name(*decision);
    match decision {
        Decision::Enrolled if failing.is_empty() => "ENROLLED: every check passed".to_owned(),
        Decision::Enrolled => format!(
            "ENROLLED: the failing checks ({}) are not in the rule set",
            failing.join(", ")
        ),
        Decision::Rejected(_) | Decision::Guarded(_) => {
            let others: Vec<&str> = failing.iter().copied().filter(|n| *n != name).collect();
            let also = if others.is_empty() {
                String::new()
            } else {
                format!("; also failing, later in rule order: {}", others.join(", "))
            };
            format!("rejected {name}: first failing check in rule order{also}")
        }
    }
}

/// A send of step `step` (from 0) and the recipient's answer.
fn sent_line(step: u8, retry: u8, reply: SmtpReply) -> String {
    let what = match reply {
        SmtpReply::Delivered => "delivered",
        SmtpReply::BadMailbox => "hard bounce: the mailbox does not exist",
        SmtpReply::BadDomain => "hard bounce: the domain does not exist",
        SmtpReply::BadSyntax => "hard bounce: the address's syntax is bad",
        SmtpReply::MailboxMoved => "hard bounce: the mailbox moved, no forwarding address",
        SmtpReply::NullMx => "hard bounce: the domain accepts no mail (null MX)",
        SmtpReply::MailboxFull => "soft bounce: mailbox full, will retry if retries remain",
        SmtpReply::NetworkRouting => {
            "soft bounce: network or routing problem, will retry if retries remain"
        }
        SmtpReply::ReceivingTooFast => {
            "soft bounce: the mailbox is receiving too fast, will retry if retries remain"
        }
        SmtpReply::LowReputation => {
            "soft bounce: rate-limited for low sender reputation, will retry if retries remain"
        }
        SmtpReply::PolicyRejection => "rejected by the recipient's provider on policy",
        SmtpReply::SenderQuotaExhausted => "sender quota exhausted",
    };
    let retry = if retry > 0 {
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

/// A failure of step `step` (from 0): its code, whose limit stopped it, and the SMTP answer.
fn failure_line(
    step: u8,
    failure: &str,
    side: Option<LimitSide>,
    reply: Option<SmtpReply>,
) -> String {
    let side = match side {
        Some(LimitSide::Platform) => " (the platform's rolling 24-hour limit)",
        Some(LimitSide::Provider) => " (the sender's provider's limit)",
        None => "",
    };
    let reply = reply.map_or(String::new(), |r| {
        let quota = if r == SmtpReply::SenderQuotaExhausted {
            " (the sender's daily sending quota at its provider is exhausted)"
        } else {
            ""
        };
        format!(", answered {}{quota}", r.code())
    });
    format!("step {} failed: {failure}{side}{reply}", step + 1)
}

/// What the contact did in reply to an email sent under subscription type `kind`.
fn reaction_line(reaction: Reaction, kind: &str) -> String {
    match reaction {
        Reaction::Reply => "the contact replied".to_owned(),
        Reaction::MeetingBooked => "the contact booked a meeting".to_owned(),
        Reaction::Unsubscribe { all: true } => {
            "the contact unsubscribed from all email: now UNSUBSCRIBED".to_owned()
        }
        Reaction::Unsubscribe { all: false } => format!(
            "the contact unsubscribed from subscription type {kind}: now UNSUBSCRIBED_PERSONAL \
             for sequences of that type"
        ),
        Reaction::SpamComplaint => {
            "the contact reported the email as spam: now PREVIOUSLY_MARKED_AS_SPAM".to_owned()
        }
        Reaction::OutOfOffice => "out-of-office auto-reply (does not unenroll)".to_owned(),
    }
}

fn list(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// What the CEL checks read at an attempt: each check's code, expression, verdict and the
/// values of the variables it read.
fn checks_line(scenario: &Scenario, readings: &[sim::CheckReading]) -> String {
    let each: Vec<String> = (readings.iter())
        .map(|r| {
            let values: Vec<String> = (r.values.iter())
                .map(|(v, value)| format!("{} = {value}", v.name()))
                .collect();
            format!(
                "CEL check {} `{}` {}, reading {}",
                check_code(scenario, r),
                check_source(scenario, r),
                check_verdict(r),
                values.join(", ")
            )
        })
        .collect();
    each.join("; ")
}

/// Each check's code and verdict (`FREE_GMAIL_BULK_CAP true`), for a table cell.
pub(crate) fn verdicts(scenario: &Scenario, readings: &[sim::CheckReading]) -> String {
    let each: Vec<String> = (readings.iter())
        .map(|r| format!("{} {}", check_code(scenario, r), check_verdict(r)))
        .collect();
    each.join(", ")
}

pub(crate) fn check_code<'a>(scenario: &'a Scenario, r: &sim::CheckReading) -> &'a str {
    &scenario.rules.guards()[usize::from(r.guard)].name
}

pub(crate) fn check_source<'a>(scenario: &'a Scenario, r: &sim::CheckReading) -> &'a str {
    match &scenario.guards[usize::from(r.guard)].kind {
        sim::GuardKind::Expression(e) => e.source().trim(),
        _ => unreachable!("a reading is of a CEL check"),
    }
}

/// `true`, `false` or `failed: MESSAGE`.
fn check_verdict(r: &sim::CheckReading) -> String {
    match &r.verdict {
        Ok(held) => held.to_string(),
        Err(message) => format!("failed: {message}"),
    }
}

/// `2026-03-04 Wed 10:15:23`.
pub(crate) fn moment(scenario: &Scenario, t: sim::SimTime) -> String {
    let day = t / 86_400;
    let s = t % 86_400;
    format!(
        "{} {} {:02}:{:02}:{:02}",
        date_after(&scenario.calendar.start_date, day),
        scenario.calendar.weekday(day).name(),
        s / 3_600,
        s / 60 % 60,
        s % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_worded_with_their_codes() {
        let line = failure_line(
            1,
            "SEND_LIMIT_REACHED",
            Some(LimitSide::Provider),
            Some(SmtpReply::SenderQuotaExhausted),
        );
        assert_eq!(line, "step 2 failed: SEND_LIMIT_REACHED (the sender's provider's limit), answered 550 5.4.5 (the sender's daily sending quota at its provider is exhausted)");
        assert_eq!(
            sent_line(0, 1, SmtpReply::ReceivingTooFast),
            "step 1 email sent (retry 1): 450 4.2.1 soft bounce: the mailbox is receiving too fast, will retry if retries remain"
        );
        assert_eq!(
            sent_line(2, 0, SmtpReply::NullMx),
            "step 3 email sent: 550 5.7.27 hard bounce: the domain accepts no mail (null MX)"
        );
    }
}
