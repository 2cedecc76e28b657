//! What the engine counts and draws that no other test pins: the daily series' provider slots,
//! the independence of a user's decision to act from the step's task delay, and the parts of a
//! run that `seqsim` builds on (several seeds, the traced contact, progress).
//!
//! Each test runs a hand-made plan (or a small generated one) and checks it against an answer
//! worked out by hand, or against a second, simple recount. Day 0 is a Wednesday, day 5 a
//! Monday.

mod common;

use common::attempt;

use model::{ContactFlags, Decision, InboxProvider, RejectionCode, StepFailure};
use sim::plan::{self, Attempt};
use sim::{
    run_world, AttemptFacts, DayCounter, Decide, Progress, Reenrollment, ResumeAt, RunOptions,
    RunResult, Scenario, Source, StepKind, TracedContact, TracedEvent, World, PROVIDER_SLOTS,
};

const HOUR: u32 = 3_600;
const DAY: u32 = 86_400;
const MONDAY: u32 = 5;

fn audited(scenario: &Scenario, plan: Vec<Attempt>) -> RunResult {
    let options = RunOptions {
        threads: 1,
        audit: true,
        ..RunOptions::default()
    };
    run_world(scenario, World::generate(scenario), plan, &options)
}

/// A quiet world whose users are one free Gmail inbox (user 0) and one Outlook.com inbox
/// (user 1), both Professional seats, sending one automated email.
fn gmail_and_outlook() -> Scenario {
    let mut s = common::quiet(2, 20);
    let mut outlook = s.senders[0].clone();
    s.senders[0].count = 1;
    s.senders[0].inbox = Some(InboxProvider::Gmail);
    outlook.count = 1;
    outlook.inbox = Some(InboxProvider::OutlookCom);
    outlook.other_emails_per_day = 0;
    s.senders = vec![s.senders[0].clone(), outlook];
    s.sequences[0].steps = vec![common::step(StepKind::AutomatedEmail, 0)];
    s
}

#[test]
fn each_send_counts_in_its_sender_s_provider_slot() {
    // Slots are the providers in catalogue order (Gmail 0, Google Workspace 1, Microsoft 365 2,
    // Outlook.com 3, Exchange 4, Other 5), then "no inbox" (6).
    let s = gmail_and_outlook();
    let plan = vec![
        attempt(MONDAY * DAY + 10 * HOUR, 0, 0),
        attempt(MONDAY * DAY + 10 * HOUR + 60, 0, 1),
        attempt(MONDAY * DAY + 11 * HOUR, 1, 2),
    ];
    let r = audited(&s, plan);
    let sent: Vec<u64> = (0..PROVIDER_SLOTS)
        .map(|slot| r.counters.daily[MONDAY as usize][slot].get(DayCounter::Sent))
        .collect();
    assert_eq!(sent, [2, 0, 0, 1, 0, 0, 0]);
    assert_eq!(
        r.shape.provider_slots_used,
        [true, false, false, true, false, false, false]
    );
}

/// A quiet world in which user 0's sequence is one manual email (a task, then the email), its
/// task done 1 to 48 hours after it is created, every send fails (SEND_FAILURE), and half of
/// the users act on it a minute later, around the clock on weekdays.
fn failing_manual_emails() -> Scenario {
    let mut s = common::quiet(6, 400);
    s.sequences[0].steps = vec![common::step(StepKind::ManualEmail, 0)];
    s.tasks.completion_hours = (1, 48);
    s.plan.working_hours = (0, 24);
    s.sending.send_failure = 1.0;
    s.reenrollment = Reenrollment::article();
    let Reenrollment::Act(remedies) = &mut s.reenrollment else {
        unreachable!("the article acts")
    };
    let remedy = &mut remedies[StepFailure::SendFailure.index()];
    remedy.share = 0.5;
    remedy.delay_minutes = 1;
    remedy.resume_at = ResumeAt::Same;
    remedy.reconnect_first = false;
    s
}

#[test]
fn whether_a_user_acts_is_drawn_apart_from_the_task_s_delay() {
    // Contact c is enrolled on Monday at c x 10 minutes; its task is done after a delay drawn
    // in [1 h, 48 h], the email fails at once and a user who acts re-enrolls a minute later
    // (the last task is done by Friday 19:00: no weekend in between). So a re-enrollment's
    // time less the enrollment's is the delay plus a minute (plus at most a few minutes of
    // send pacing). Acting is a draw of its own: about half the users act, and the delays of
    // those who do spread over the whole range, half of them past its middle, 24.5 hours.
    let s = failing_manual_emails();
    let enrolled_at = |c: u32| MONDAY * DAY + c * 600;
    let plan = (0..400).map(|c| attempt(enrolled_at(c), 0, c)).collect();
    let r = audited(&s, plan);
    let audit = r.recordings.audit.as_ref().expect("audited");
    let mut delays = std::collections::BTreeMap::new();
    for a in audit.attempts.iter() {
        if a.source == Source::ReEnrollment {
            delays
                .entry(a.contact)
                .or_insert(a.time - enrolled_at(a.contact) - 60);
        }
    }
    let acted = delays.len();
    assert!((160..=240).contains(&acted), "{acted} of 400 users act");
    assert!(delays
        .values()
        .all(|&d| (HOUR..=48 * HOUR + 600).contains(&d)));
    let late = delays.values().filter(|&&d| d > 49 * HOUR / 2).count();
    assert!(
        (acted * 35 / 100..=acted * 65 / 100).contains(&late),
        "{late} of the {acted} who act had a task delay past 24.5 hours"
    );
}

#[test]
fn progress_tells_generation_then_every_day_in_order() {
    let mut s = common::scenario(4, 200, 2, 0.2);
    s.calendar.horizon_days = 7;
    let seen = std::sync::Mutex::new(Vec::new());
    let options = RunOptions {
        threads: 2,
        ..RunOptions::default()
    };
    sim::run_with_progress(&s, &options, &|p| seen.lock().unwrap().push(p));
    let mut expected = vec![Progress::Generated];
    expected.extend((1..=7).map(|done| Progress::Day { done, of: 7 }));
    assert_eq!(seen.into_inner().unwrap(), expected);
}

#[test]
fn run_many_answers_each_scenario_by_its_index_in_order() {
    let scenarios: Vec<Scenario> = [11, 12, 13]
        .map(|seed| common::scenario(seed, 300, 2, 0.2))
        .into();
    let options = RunOptions {
        threads: 2,
        ..RunOptions::default()
    };
    let answers = sim::run_many(&scenarios, &options, |i, s, r| (i, s.seed, r));
    for (i, (index, seed, result)) in answers.into_iter().enumerate() {
        assert_eq!((index, seed), (i, scenarios[i].seed));
        assert_eq!(result, sim::run(&scenarios[i]));
    }
}

/// The traced contact `c` of `world` worked out from its records, field by field.
fn traced_by_hand(s: &Scenario, world: &World, c: u32) -> TracedContact {
    let record = world.contacts()[c as usize];
    let canonical = world.contacts()[record.canonical as usize];
    let person = world.persons()[record.person as usize];
    let names = |bits: u16, all: Vec<String>| -> Vec<String> {
        (all.into_iter().enumerate())
            .filter(|(i, _)| (bits >> i) & 1 == 1)
            .map(|(_, name)| name)
            .collect()
    };
    let types = s.population.subscription_types.iter();
    let sequences = s.sequences.iter();
    let mut flags = record.flags;
    flags.insert(canonical.flags & ContactFlags::ADDRESS_FACTS);
    TracedContact {
        contact: c,
        portal: c / 100,
        person: record.person,
        duplicate_of: Some(record.canonical).filter(|&o| o != c),
        address: person.address,
        flags,
        opted_out_of: names(canonical.opted_out, types.map(|t| t.name.clone()).collect()),
        rejected_in: names(
            record.rejected_sequences,
            sequences.map(|q| q.name.clone()).collect(),
        ),
        invalid: person.invalid,
        mailbox_provider: ["gmail", "corporate"][usize::from(person.mailbox_provider)].to_owned(),
        enrolled_elsewhere: world.enrolled_elsewhere(c),
    }
}

#[test]
fn the_traced_contact_is_its_record_as_the_world_holds_it() {
    // 300 contacts in 3 portals of 100; initial facts at 6%, duplicates at 30%. No plan: the
    // traced contact is read at the start.
    let mut s = common::scenario(21, 300, 3, 0.5);
    s.population.duplicate_contacts = 0.3;
    let world = World::generate(&s);
    let traced = |c: u32| {
        let options = RunOptions {
            threads: 1,
            trace_contact: Some(c),
            ..RunOptions::default()
        };
        run_world(&s, world.clone(), Vec::new(), &options)
            .recordings
            .traced
    };
    let all: Vec<TracedContact> = (0..300).map(|c| traced(c).expect("traced")).collect();
    for (c, t) in (0..300).zip(&all) {
        assert_eq!(*t, traced_by_hand(&s, &world, c), "contact {c}");
    }
    // Every field is seen both ways.
    assert!(all.iter().any(|t| t.duplicate_of.is_some()));
    assert!(all.iter().any(|t| !t.opted_out_of.is_empty()));
    assert!(all.iter().any(|t| !t.rejected_in.is_empty()));
    assert!(all.iter().any(|t| t.invalid) && all.iter().any(|t| t.enrolled_elsewhere));
    assert!(all.iter().any(|t| t.mailbox_provider == "corporate"));
    let on_canonical = |t: &TracedContact| t.duplicate_of.is_none();
    let facts = |t: &TracedContact| !(t.flags & ContactFlags::ADDRESS_FACTS).is_empty();
    assert!(all.iter().any(|t| on_canonical(t) && facts(t)));
    assert!(all.iter().any(|t| !on_canonical(t) && facts(t)));
    // A contact the world does not hold is not traced.
    assert_eq!(traced(300), None);
}

/// Decides every attempt as the rule set did.
struct Follow;

impl Decide for Follow {
    fn decide(&self, _: &AttemptFacts, _: &sim::Observed, reference: Decision) -> Decision {
        reference
    }
}

/// Refuses every attempt as UNSUBSCRIBED.
struct Refuse;

impl Decide for Refuse {
    fn decide(&self, _: &AttemptFacts, _: &sim::Observed, _: Decision) -> Decision {
        Decision::Rejected(RejectionCode::Unsubscribed)
    }
}

#[test]
fn a_driven_run_follows_its_decider() {
    let s = common::scenario(31, 400, 2, 0.2);
    let options = RunOptions {
        threads: 1,
        ..RunOptions::default()
    };
    let reference = sim::run_with(&s, &options);
    assert_eq!(sim::run_driven(&s, &options, &Follow), reference);
    assert!(reference.counters.enrolled > 0);
    // Refused, nothing is enrolled, so nothing is sent or re-enrolled: the planned attempts
    // are all there is.
    let refused = sim::run_driven(&s, &options, &Refuse);
    let planned = plan::build(&s, &World::generate(&s)).len() as u64;
    assert_eq!(refused.counters.attempts, planned);
    assert_eq!(refused.counters.enrolled, 0);
    assert_eq!(refused.rejected(RejectionCode::Unsubscribed), planned);
}

#[test]
fn the_trace_tells_when_the_traced_address_joins_the_global_list() {
    // Two portals of 200 contacts, every mailbox dead: a send hard-bounces at once, and the
    // bouncing person joins the global list at the next midnight. Contact 5 (portal 0, user 0)
    // bounces on Monday, the traced contact 205 (portal 1, user 1) on Tuesday: only the
    // traced address's listing is in the trace, at Wednesday 00:00, by portal 1.
    let mut s = common::quiet(6, 400);
    s.population.portals = 2;
    s.population.shared_persons = 0.0;
    s.population.rates.invalid_address = 1.0;
    let plan = vec![
        attempt(MONDAY * DAY + 10 * HOUR, 0, 5),
        attempt((MONDAY + 1) * DAY + 10 * HOUR, 1, 205),
    ];
    let options = RunOptions {
        threads: 2,
        trace_contact: Some(205),
        ..RunOptions::default()
    };
    let r = run_world(&s, World::generate(&s), plan, &options);
    let listed: Vec<(u32, TracedEvent)> = (r.recordings.trace.iter())
        .filter(|e| matches!(e.event, TracedEvent::GlobalBounceListed { .. }))
        .map(|e| (e.time, e.event.clone()))
        .collect();
    assert_eq!(
        listed,
        [(
            (MONDAY + 2) * DAY,
            TracedEvent::GlobalBounceListed { portal: 1 }
        )]
    );
}

/// A quiet world whose user 0 enrolls in sequence "a" (type sales_email, 0) and user 1 in
/// sequence "b" (type newsletter, 1), both Google Workspace, Professional.
fn two_types() -> Scenario {
    let mut s = common::quiet(9, 50);
    s.senders.truncate(1);
    s.senders[0].count = 1;
    let mut b = s.senders[0].clone();
    b.sequence = 1;
    s.senders.push(b);
    s
}

/// (contact, decision) of every attempt, in time order (one portal).
fn decided(r: &RunResult) -> Vec<(u32, Decision)> {
    let audit = r.recordings.audit.as_ref().expect("audited");
    audit
        .attempts
        .iter()
        .map(|a| (a.contact, a.decision))
        .collect()
}

#[test]
fn an_address_opted_out_of_the_second_type_is_refused_its_sequences_only() {
    let mut s = two_types();
    s.population.subscription_types[1].unsubscribed_personal = 1.0;
    let plan = vec![
        attempt(MONDAY * DAY + 10 * HOUR, 1, 0),
        attempt(MONDAY * DAY + 11 * HOUR, 0, 0),
    ];
    assert_eq!(
        decided(&audited(&s, plan)),
        [
            (0, Decision::Rejected(RejectionCode::UnsubscribedPersonal)),
            (0, Decision::Enrolled),
        ]
    );
}

#[test]
fn an_unsubscribe_from_the_second_type_refuses_its_sequences_only() {
    // Every delivered email is answered by an unsubscribe from its type alone, within 48
    // hours: sequence "b"'s email of Monday 10:00 opts contact 0 out of newsletters by
    // Wednesday 10:01. On Thursday "b" refuses the contact and "a" enrolls it.
    let mut s = two_types();
    s.engagement.unsubscribe = 1.0;
    s.engagement.unsubscribe_all_share = 0.0;
    let plan = vec![
        attempt(MONDAY * DAY + 10 * HOUR, 1, 0),
        attempt((MONDAY + 3) * DAY + 10 * HOUR, 1, 0),
        attempt((MONDAY + 3) * DAY + 11 * HOUR, 0, 0),
    ];
    assert_eq!(
        decided(&audited(&s, plan)),
        [
            (0, Decision::Enrolled),
            (0, Decision::Rejected(RejectionCode::UnsubscribedPersonal)),
            (0, Decision::Enrolled),
        ]
    );
}

/// The delay from enrollment to the email of a one-step manual-email sequence, for 200
/// contacts enrolled on Monday 5 minutes apart, tasks done `hours` after they are created
/// (working around the clock, so no task waits for a working hour).
fn manual_email_delays(hours: (u32, u32)) -> Vec<u32> {
    let mut s = common::quiet(12, 200);
    s.sequences[0].steps = vec![common::step(StepKind::ManualEmail, 0)];
    s.tasks.completion_hours = hours;
    s.plan.working_hours = (0, 24);
    let enrolled_at = |c: u32| MONDAY * DAY + c * 300;
    let plan = (0..200).map(|c| attempt(enrolled_at(c), 0, c)).collect();
    let r = audited(&s, plan);
    let audit = r.recordings.audit.as_ref().expect("audited");
    let delays: Vec<u32> = (audit.sends.iter())
        .map(|send| send.time - enrolled_at(send.contact))
        .collect();
    assert_eq!(delays.len(), 200);
    delays
}

#[test]
fn a_task_is_done_within_its_completion_hours() {
    // Done 2 to 5 hours after it is created, uniformly: the 200 delays fill the range (the
    // email may wait a few seconds behind another one's 30 s stagger).
    let delays = manual_email_delays((2, 5));
    let (min, max) = (delays.iter().min().unwrap(), delays.iter().max().unwrap());
    assert!((2 * HOUR..2 * HOUR + 600).contains(min), "earliest {min} s");
    assert!(
        (5 * HOUR - 600..=5 * HOUR + 60).contains(max),
        "latest {max} s"
    );
    // A fixed completion time: exactly 3 hours.
    let delays = manual_email_delays((3, 3));
    assert!(delays
        .iter()
        .all(|&d| (3 * HOUR..3 * HOUR + 60).contains(&d)));
}

#[test]
fn a_send_records_whether_its_sequence_had_a_rejection() {
    // Every record starts rejected by a provider in one of the two sequences; the rule set
    // checks only what it must, so user 1 enrolls all of them in sequence "b" (1) and sends.
    let mut s = two_types();
    s.population.rates.other_send_rejected = 1.0;
    s.rules = model::RuleSet::new(&model::RuleSet::REQUIRED).unwrap();
    let world = World::generate(&s);
    let in_b: Vec<bool> = (world.contacts()[..20].iter())
        .map(|c| c.rejected_sequences == 0b10)
        .collect();
    assert!(in_b.contains(&true) && in_b.contains(&false));
    let plan = (0..20)
        .map(|c| attempt(MONDAY * DAY + 10 * HOUR + c * 60, 1, c))
        .collect();
    let r = audited(&s, plan);
    let audit = r.recordings.audit.as_ref().expect("audited");
    let recorded: Vec<bool> = (audit.sends.iter())
        .filter(|send| send.step == 0)
        .map(|send| send.rejected_in_sequence)
        .collect();
    assert_eq!(recorded, in_b);
}
