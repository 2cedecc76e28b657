//! `seqsim trace --format json`: the traced contact and every event of its journey, with every
//! fact the rules read, as one JSON document built from the same recordings as the text.

use model::{Conditions, Decision, RejectionCode};
use model::{LimitSide, RuleSet, SmtpReply};
use serde::Serialize;
use sim::{Reaction, RunResult, Scenario, SimTime, Source, TracedContact, TracedEvent};

use super::moment;
use crate::decision_name;

/// The whole document.
#[derive(Serialize)]
struct Trace<'a> {
    scenario: &'a str,
    seed: u64,
    contact: Contact<'a>,
    events: Vec<Event>,
}

/// The traced contact at the start.
#[derive(Serialize)]
struct Contact<'a> {
    id: u32,
    portal: u32,
    person: u32,
    duplicate_of: Option<u32>,
    mailbox_provider: &'a str,
    mailbox_invalid: bool,
    enrolled_elsewhere: bool,
    /// Platform-wide facts of the address, as the codes they raise.
    address_facts: Vec<&'static str>,
    /// Facts of the record and of its address in the portal, as codes.
    record_facts: Vec<&'static str>,
    /// Subscription types the address opted out of (UNSUBSCRIBED_PERSONAL).
    opted_out_of: &'a [String],
    /// Sequences whose email a provider rejected (OTHER_SEND_REJECTED).
    rejected_in: &'a [String],
}

/// One moment of the journey.
#[derive(Serialize)]
struct Event {
    /// Seconds from the first simulated day at 00:00.
    seconds: SimTime,
    /// The same moment as text.
    at: String,
    #[serde(flatten)]
    what: What,
}

/// The enrolling user as the rules saw them.
#[derive(Serialize)]
struct Sender {
    user: u32,
    seat: Option<&'static str>,
    inbox: Option<&'static str>,
    inbox_connected: bool,
    daily_limit_full: bool,
}

/// What happened, tagged by `event`.
#[derive(Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum What {
    Attempt {
        sender: Sender,
        source: &'static str,
        sequence: String,
        subscription_type: String,
        step: u32,
        /// Every check that would block the attempt, in catalogue order.
        conditions: Vec<String>,
        decision: String,
        /// The failing checks the rule set holds, in rule order: the first decided.
        failing_in_rule_order: Vec<String>,
    },
    EnrollmentDeferred {
        to_seconds: SimTime,
        to: String,
    },
    TaskCreated {
        step: u32,
        kind: &'static str,
        done_seconds: SimTime,
        done: String,
    },
    Sent {
        step: u32,
        retry: u8,
        reply: Reply,
    },
    StepFailed {
        step: u32,
        failure: &'static str,
        limit_side: Option<&'static str>,
        reply: Option<Reply>,
    },
    SendStopped {
        step: u32,
        fact: &'static str,
    },
    Reacted {
        reaction: &'static str,
        sequence: String,
        subscription_type: String,
    },
    Ended {
        outcome: &'static str,
    },
    ReEnrollScheduled {
        step: u32,
        at_seconds: SimTime,
        at: String,
        from: &'static str,
    },
    UserDoesNotAct,
    GlobalBounceListed {
        portal: u32,
        this_account: bool,
    },
    /// What the rule set's CEL checks read at the attempt before.
    ChecksRead {
        checks: Vec<CheckRead>,
    },
}

/// One CEL check at an attempt.
#[derive(Serialize)]
struct CheckRead {
    code: String,
    when: String,
    /// True or false; absent when it failed to evaluate.
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// Each variable read, and its value as CEL writes it (`41`, `true`, `"gmail"`).
    values: Vec<VariableValue>,
}

#[derive(Serialize)]
struct VariableValue {
    variable: &'static str,
    value: String,
}

/// An SMTP answer.
#[derive(Serialize)]
struct Reply {
    code: &'static str,
    class: u8,
    name: &'static str,
}

fn reply(r: SmtpReply) -> Reply {
    Reply {
        code: r.code(),
        class: r.class().digit(),
        name: r.name(),
    }
}

/// The journey of the contact traced in `result` as one JSON document (ending with a newline),
/// or `None` if the run traced no existing contact.
pub fn trace_json(scenario: &Scenario, result: &RunResult) -> Option<String> {
    let traced = result.recordings.traced.as_ref()?;
    let events = (result.recordings.trace.iter())
        .map(|e| Event {
            seconds: e.time,
            at: moment(scenario, e.time),
            what: what(scenario, traced, &e.event),
        })
        .collect();
    let doc = Trace {
        scenario: &scenario.name,
        seed: scenario.seed,
        contact: contact(traced),
        events,
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("a trace always serializes");
    out.push('\n');
    Some(out)
}

fn contact(t: &TracedContact) -> Contact<'_> {
    Contact {
        id: t.contact,
        portal: t.portal,
        person: t.person,
        duplicate_of: t.duplicate_of,
        mailbox_provider: &t.mailbox_provider,
        mailbox_invalid: t.invalid,
        enrolled_elsewhere: t.enrolled_elsewhere,
        address_facts: super::address_facts(t),
        record_facts: super::record_facts(t),
        opted_out_of: &t.opted_out_of,
        rejected_in: &t.rejected_in,
    }
}

/// The names of sequence `sequence` and of its subscription type.
fn sequence_names(scenario: &Scenario, sequence: u16) -> (String, String) {
    let s = &scenario.sequences[usize::from(sequence)];
    let kind = &scenario.population.subscription_types[usize::from(s.subscription_type)];
    (s.name.clone(), kind.name.clone())
}

/// The failing checks of `conditions` that `rules` holds, in rule order.
fn in_rule_order(rules: &RuleSet, conditions: Conditions) -> Vec<String> {
    (rules.order().iter())
        .filter(|&&c| conditions.bits() & c.bit() != 0)
        .map(|&c| rules.check_name(c).to_owned())
        .collect()
}

fn attempt(
    scenario: &Scenario,
    (user, source, sequence, step): (u32, Source, u16, u8),
    conditions: Conditions,
    decision: Decision,
) -> What {
    let group = scenario.group_of_user(user);
    let (sequence, subscription_type) = sequence_names(scenario, sequence);
    What::Attempt {
        sender: Sender {
            user,
            seat: group.map(|g| g.seat.name()),
            inbox: group.and_then(|g| g.inbox).map(|p| p.name()),
            inbox_connected: !conditions.contains(RejectionCode::NoConnectedInbox),
            daily_limit_full: conditions.contains(RejectionCode::SequencesDailyLimitReached),
        },
        source: source.name(),
        sequence,
        subscription_type,
        step: u32::from(step) + 1,
        conditions: (scenario.rules.failing(conditions))
            .map(|c| scenario.rules.check_name(c).to_owned())
            .collect(),
        decision: decision_name(scenario, decision),
        failing_in_rule_order: in_rule_order(&scenario.rules, conditions),
    }
}

/// The name the JSON trace gives `reaction` (its `reaction` key).
pub(crate) fn reaction_name(reaction: Reaction) -> &'static str {
    match reaction {
        Reaction::Reply => "reply",
        Reaction::MeetingBooked => "meeting_booked",
        Reaction::Unsubscribe { all: true } => "unsubscribe_all",
        Reaction::Unsubscribe { all: false } => "unsubscribe_type",
        Reaction::SpamComplaint => "spam_complaint",
        Reaction::OutOfOffice => "out_of_office",
    }
}

/// One event as JSON.
fn what(scenario: &Scenario, traced: &TracedContact, event: &TracedEvent) -> What {
    let step1 = |s: u8| u32::from(s) + 1;
    match *event {
        TracedEvent::Attempt {
            user,
            source,
            sequence,
            step,
            conditions,
            decision,
        } => attempt(
            scenario,
            (user, source, sequence, step),
            conditions,
            decision,
        ),
        TracedEvent::EnrollmentDeferred { to } => What::EnrollmentDeferred {
            to_seconds: to,
            to: moment(scenario, to),
        },
        TracedEvent::TaskCreated { step, kind, done } => What::TaskCreated {
            step: step1(step),
            kind: kind.name(),
            done_seconds: done,
            done: moment(scenario, done),
        },
        TracedEvent::Sent {
            step,
            retry,
            reply: r,
        } => What::Sent {
            step: step1(step),
            retry,
            reply: reply(r),
        },
        TracedEvent::StepFailed {
            step,
            failure,
            side,
            reply: r,
        } => What::StepFailed {
            step: step1(step),
            failure: failure.name(),
            limit_side: side.map(LimitSide::name),
            reply: r.map(reply),
        },
        TracedEvent::SendStopped { step, fact } => What::SendStopped {
            step: step1(step),
            fact: fact.name(),
        },
        TracedEvent::Reacted { reaction, sequence } => {
            let (sequence, subscription_type) = sequence_names(scenario, sequence);
            What::Reacted {
                reaction: reaction_name(reaction),
                sequence,
                subscription_type,
            }
        }
        TracedEvent::Ended(outcome) => What::Ended {
            outcome: outcome.name(),
        },
        TracedEvent::ReEnrollScheduled {
            step,
            at,
            via_gmail,
        } => What::ReEnrollScheduled {
            step: step1(step),
            at_seconds: at,
            at: moment(scenario, at),
            from: if via_gmail { "gmail" } else { "crm" },
        },
        TracedEvent::UserDoesNotAct => What::UserDoesNotAct,
        TracedEvent::ChecksRead(ref readings) => checks_read(scenario, readings),
        TracedEvent::GlobalBounceListed { portal } => What::GlobalBounceListed {
            portal,
            this_account: portal == traced.portal,
        },
    }
}

fn checks_read(scenario: &Scenario, readings: &[sim::CheckReading]) -> What {
    What::ChecksRead {
        checks: (readings.iter()).map(|r| check_read(scenario, r)).collect(),
    }
}

fn check_read(scenario: &Scenario, r: &sim::CheckReading) -> CheckRead {
    CheckRead {
        code: super::check_code(scenario, r).to_owned(),
        when: super::check_source(scenario, r).to_owned(),
        verdict: r.verdict.as_ref().ok().copied(),
        error: r.verdict.as_ref().err().cloned(),
        values: (r.values.iter())
            .map(|(v, value)| VariableValue {
                variable: v.name(),
                value: value.clone(),
            })
            .collect(),
    }
}
