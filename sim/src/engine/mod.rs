//! The discrete-event engine: enrollments play out over simulated weeks against inboxes, send
//! limits and mailbox providers.
//!
//! # Parallel, deterministic design
//!
//! Everything that happens to a contact happens inside its portal: its users, their inboxes,
//! its contact records. The one thing portals share is the platform's global bounce list. So
//! each portal is a partition with its own event queue, run by whichever thread rayon gives it,
//! and the global bounce list is merged at a fixed point: the end of every simulated day. A hard
//! bounce marks its own portal's records at once and joins the global list at the next
//! midnight (the platform refreshes the list daily). Every random draw comes from a stream
//! keyed by the entity it concerns (see `rng`), never from a shared generator. Together these
//! make the result independent of the number of threads and of scheduling: `--threads 1` and
//! `--threads 8` give the same bytes.

mod inbox;
mod portal;
pub mod queue;

use model::{
    AddressFlags, Conditions, Decision, LimitSide, Outcome, RejectionCode, SmtpReply, StepFailure,
};

use crate::plan::{self, Attempt};
use crate::scenario::{Scenario, Source, StepKind};
use crate::time::SimTime;
use crate::world::World;

use portal::PortalRun;
use rayon::prelude::*;

/// How to run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Record the journey of this contact (see [`RunResult::trace`]).
    pub trace_contact: Option<u32>,
    /// Record every attempt and send (see [`RunResult::audit`]), for tests.
    pub audit: bool,
    /// Record each contact's journey (see [`RunResult::journeys`]), for comparing runs.
    pub journeys: bool,
}

/// What happened to one contact over a run, in brief: enough to tell whether a rule change
/// changed it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Journey {
    /// The rules' decision on the contact's first attempt; `None` if no one tried.
    pub first_decision: Option<Decision>,
    /// Attempts to enroll the contact.
    pub attempts: u16,
    /// Times the contact was enrolled.
    pub enrollments: u16,
    /// How the contact's last enrollment ended (STILL_ACTIVE if it runs at the horizon).
    pub last_outcome: Option<Outcome>,
}

/// A recipient's reaction to a delivered email.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reaction {
    /// A reply (unenrolls).
    Reply,
    /// A booked meeting (unenrolls).
    MeetingBooked,
    /// An unsubscribe click: from all email, or from this type only (unenrolls).
    Unsubscribe {
        /// Opted out of all email.
        all: bool,
    },
    /// A spam complaint (unenrolls).
    SpamComplaint,
    /// An out-of-office auto-reply (does not unenroll).
    OutOfOffice,
}

impl Reaction {
    /// The outcome the reaction ends an enrollment with, if it ends it.
    pub fn outcome(self) -> Option<Outcome> {
        match self {
            Self::Reply => Some(Outcome::Replied),
            Self::MeetingBooked => Some(Outcome::MeetingBooked),
            Self::Unsubscribe { .. } => Some(Outcome::Unsubscribed),
            Self::SpamComplaint => Some(Outcome::MarkedAsSpam),
            Self::OutOfOffice => None,
        }
    }
}

/// One moment of a contact's journey.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEvent {
    /// When it happened.
    pub time: SimTime,
    /// What happened.
    pub what: TraceWhat,
}

/// What happened in a contact's journey.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceWhat {
    /// An enrollment attempt and the rules' decision.
    Attempt {
        /// The enrolling user.
        user: u32,
        /// Where the attempt came from.
        source: Source,
        /// The target sequence.
        sequence: u16,
        /// The step the enrollment would start at.
        step: u8,
        /// Every check that would block the attempt.
        conditions: Conditions,
        /// The rules' decision.
        decision: Decision,
    },
    /// A task step fell due; the user completes it at `done`.
    TaskCreated {
        /// The step.
        step: u8,
        /// Its kind.
        kind: StepKind,
        /// When the user completes it.
        done: SimTime,
    },
    /// An email left and the recipient's server answered.
    Sent {
        /// The step.
        step: u8,
        /// Retries of the step before this send.
        retry: u8,
        /// The answer.
        reply: SmtpReply,
    },
    /// A step failed (domain.md §4).
    StepFailed {
        /// The step.
        step: u8,
        /// Why.
        failure: StepFailure,
        /// For send limits, which side limited it.
        side: Option<LimitSide>,
        /// The sender's provider's answer, where it gives one (Gmail's 550 5.4.5 when its
        /// quota is exhausted).
        reply: Option<SmtpReply>,
    },
    /// The recipient reacted.
    Reacted(Reaction),
    /// The enrollment ended.
    Ended(Outcome),
    /// A re-enrollment at `step` is scheduled for `at`.
    ReEnrollScheduled {
        /// The step to resume at.
        step: u8,
        /// When.
        at: SimTime,
    },
    /// The address joined the platform's global bounce list (at the daily merge).
    GloballyBounced,
}

/// The traced contact as the run found it at the start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TracedContact {
    /// The contact's id.
    pub contact: u32,
    /// Its portal.
    pub portal: u32,
    /// Its person (mailbox).
    pub person: u32,
    /// The record it duplicates, if any.
    pub duplicate_of: Option<u32>,
    /// Platform-wide facts about the address.
    pub address: AddressFlags,
    /// Facts about the record.
    pub flags: model::ContactFlags,
    /// Whether the mailbox does not exist.
    pub invalid: bool,
    /// The recipient's mailbox provider's name.
    pub mailbox_provider: String,
    /// Whether it starts enrolled in a sequence outside the scenario.
    pub enrolled_elsewhere: bool,
}

/// One decided attempt, recorded when auditing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttemptRecord {
    /// When.
    pub time: SimTime,
    /// The enrolling user.
    pub user: u32,
    /// The contact.
    pub contact: u32,
    /// Where it came from.
    pub source: Source,
    /// Whether the contact had an active enrollment at the time.
    pub was_active: bool,
    /// The decision.
    pub decision: Decision,
}

/// One email that left, recorded when auditing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SendRecord {
    /// When it left.
    pub time: SimTime,
    /// The sending user.
    pub user: u32,
    /// The recipient contact.
    pub contact: u32,
    /// The sequence and step.
    pub sequence: u16,
    /// The step index (0 is step 1).
    pub step: u8,
    /// Sent by Gmail itself (step 1 of a Gmail-extension enrollment), not by the platform.
    pub by_gmail: bool,
    /// The contact record's facts at the moment of sending.
    pub contact_flags: model::ContactFlags,
    /// Whether a provider had rejected an earlier email of this sequence to the contact.
    pub rejected_in_sequence: bool,
    /// The answer.
    pub reply: SmtpReply,
}

/// Every attempt, send and ended enrollment of a run, when auditing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Audit {
    /// Attempts, per portal in time order, portals in order.
    pub attempts: Vec<AttemptRecord>,
    /// Sends, per portal in time order, portals in order.
    pub sends: Vec<SendRecord>,
    /// Times of processed events and attempts, per portal in processing order.
    pub event_times: Vec<Vec<SimTime>>,
    /// Outcome of every enrollment (at the horizon, STILL_ACTIVE for those not ended).
    pub outcomes: Vec<Outcome>,
}

/// Counters of one day and one sender provider.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DayCounters {
    /// Emails that left.
    pub sent: u64,
    /// Hard bounces (5.1.1).
    pub hard_bounces: u64,
    /// Soft bounces (4.x.x).
    pub soft_bounces: u64,
    /// Policy rejections (5.7.1).
    pub rejections: u64,
    /// Spam complaints.
    pub complaints: u64,
    /// Unsubscribe clicks.
    pub unsubscribes: u64,
    /// Replies.
    pub replies: u64,
    /// Booked meetings.
    pub meetings: u64,
    /// Out-of-office auto-replies.
    pub out_of_office: u64,
    /// Steps stopped by the platform's send limit.
    pub limit_hits_platform: u64,
    /// Steps stopped by the sender's provider's limit.
    pub limit_hits_provider: u64,
    /// Steps failed with SEND_FAILURE.
    pub send_failures: u64,
    /// Steps failed with INBOX_DISCONNECTED.
    pub inbox_disconnected: u64,
    /// Steps failed with GMAIL_SEND_ERROR.
    pub gmail_send_errors: u64,
}

impl DayCounters {
    fn add(&mut self, other: &DayCounters) {
        self.sent += other.sent;
        self.hard_bounces += other.hard_bounces;
        self.soft_bounces += other.soft_bounces;
        self.rejections += other.rejections;
        self.complaints += other.complaints;
        self.unsubscribes += other.unsubscribes;
        self.replies += other.replies;
        self.meetings += other.meetings;
        self.out_of_office += other.out_of_office;
        self.limit_hits_platform += other.limit_hits_platform;
        self.limit_hits_provider += other.limit_hits_provider;
        self.send_failures += other.send_failures;
        self.inbox_disconnected += other.inbox_disconnected;
        self.gmail_send_errors += other.gmail_send_errors;
    }
}

/// Slots of the daily series: one per [`model::InboxProvider`], then one for users without an
/// inbox.
pub const PROVIDER_SLOTS: usize = model::InboxProvider::ALL.len() + 1;

/// What a run produced: integer counts only, so that reports are exact and comparable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunResult {
    /// Contact records in the world.
    pub contacts: u64,
    /// Portals in the world.
    pub portals: u64,
    /// Users in the world.
    pub users: u64,
    /// Simulated days.
    pub horizon_days: u32,
    /// Enrollment attempts made (planned and re-enrollments).
    pub attempts: u64,
    /// Attempts that enrolled the contact.
    pub enrolled: u64,
    /// Rejected attempts, indexed by [`RejectionCode::index`].
    pub rejected: [u64; RejectionCode::ALL.len()],
    /// Attempts per source, indexed like [`Source::ALL`].
    pub attempts_by_source: [u64; Source::ALL.len()],
    /// Final outcome of every enrollment, indexed by [`Outcome::index`]; sums to `enrolled`.
    pub outcomes: [u64; Outcome::ALL.len()],
    /// SEND_LIMIT_REACHED outcomes by side: platform, provider.
    pub limit_outcomes_by_side: [u64; 2],
    /// Per day, per sender provider slot (see [`PROVIDER_SLOTS`]).
    pub daily: Vec<[DayCounters; PROVIDER_SLOTS]>,
    /// Which provider slots have users.
    pub provider_slots_used: [bool; PROVIDER_SLOTS],
    /// Events processed (attempts included).
    pub events: u64,
    /// The traced contact at the start, if one was asked for and exists.
    pub traced: Option<TracedContact>,
    /// The traced contact's journey, in time order.
    pub trace: Vec<TraceEvent>,
    /// Everything, when auditing.
    pub audit: Option<Audit>,
    /// Each contact's journey, by contact id, when asked for.
    pub journeys: Option<Vec<Journey>>,
}

impl RunResult {
    /// Rejections with `code`.
    pub fn rejected(&self, code: RejectionCode) -> u64 {
        self.rejected[code.index()]
    }

    /// Enrollments that ended with `outcome`.
    pub fn outcome(&self, outcome: Outcome) -> u64 {
        self.outcomes[outcome.index()]
    }

    /// Adds a partition's share: counts are summed; trace, audit records and journeys are
    /// appended (partitions come in portal order, so contacts stay in id order).
    fn absorb(&mut self, part: RunResult) {
        fn add<const N: usize>(into: &mut [u64; N], from: [u64; N]) {
            for (a, b) in into.iter_mut().zip(from) {
                *a += b;
            }
        }
        self.attempts += part.attempts;
        self.enrolled += part.enrolled;
        add(&mut self.rejected, part.rejected);
        add(&mut self.attempts_by_source, part.attempts_by_source);
        add(&mut self.outcomes, part.outcomes);
        add(
            &mut self.limit_outcomes_by_side,
            part.limit_outcomes_by_side,
        );
        for (day, part_day) in self.daily.iter_mut().zip(&part.daily) {
            for (slot, part_slot) in day.iter_mut().zip(part_day) {
                slot.add(part_slot);
            }
        }
        self.events += part.events;
        self.trace.extend(part.trace);
        if let (Some(audit), Some(p)) = (&mut self.audit, part.audit) {
            audit.attempts.extend(p.attempts);
            audit.sends.extend(p.sends);
            audit.event_times.extend(p.event_times);
            audit.outcomes.extend(p.outcomes);
        }
        if let (Some(all), Some(p)) = (&mut self.journeys, part.journeys) {
            all.extend(p);
        }
    }
}

/// Generates the world of `scenario` and runs it with default options.
pub fn run(scenario: &Scenario) -> RunResult {
    run_with(scenario, &RunOptions::default())
}

/// Where a run is, for a progress display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// The world is generated and the plan built.
    Generated,
    /// Simulated day `done` (counting from 1) of `of` is over.
    Day {
        /// Days simulated so far.
        done: u32,
        /// Days to simulate.
        of: u32,
    },
}

/// Generates the world of `scenario` and runs its plan to the horizon.
pub fn run_with(scenario: &Scenario, options: &RunOptions) -> RunResult {
    run_with_progress(scenario, options, &|_| {})
}

/// Like [`run_with`], telling `progress` where the run is (from the run's threads).
pub fn run_with_progress(
    scenario: &Scenario,
    options: &RunOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> RunResult {
    pool(options).install(|| {
        let world = World::generate(scenario);
        let attempts = plan::build(scenario, &world);
        progress(Progress::Generated);
        simulate(scenario, world, attempts, options, progress)
    })
}

/// Runs `attempts` (time-ordered) over `world`; for tests and tools that build their own plan.
pub fn run_world(
    scenario: &Scenario,
    world: World,
    attempts: Vec<Attempt>,
    options: &RunOptions,
) -> RunResult {
    pool(options).install(|| simulate(scenario, world, attempts, options, &|_| {}))
}

/// The worker pool of a run: `options.threads` threads, or one per core.
fn pool(options: &RunOptions) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .expect("a thread pool")
}

/// The run itself, inside the run's pool.
fn simulate(
    scenario: &Scenario,
    mut world: World,
    attempts: Vec<Attempt>,
    options: &RunOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> RunResult {
    let horizon_days = scenario.calendar.horizon_days;
    let mut result = RunResult {
        contacts: world.contacts.len() as u64,
        portals: u64::from(world.portals()),
        users: world.users.len() as u64,
        horizon_days,
        daily: vec![Default::default(); horizon_days as usize],
        ..RunResult::default()
    };
    for user in &world.users {
        result.provider_slots_used[portal::provider_slot(user)] = true;
    }

    // Each portal's attempts, keeping their order.
    let mut plans: Vec<Vec<Attempt>> = vec![Vec::new(); world.portals() as usize];
    for a in attempts {
        debug_assert!(
            plans
                .iter()
                .flatten()
                .last()
                .is_none_or(|l| l.time <= a.time),
            "the plan is time-ordered"
        );
        plans[world.portal_of(a.contact) as usize].push(a);
    }

    result.traced = options
        .trace_contact
        .filter(|&c| (c as usize) < world.contacts.len())
        .map(|c| {
            let record = world.contacts[c as usize];
            let person = world.persons[record.person as usize];
            TracedContact {
                contact: c,
                portal: world.portal_of(c),
                person: record.person,
                duplicate_of: (record.canonical != c).then_some(record.canonical),
                address: person.address,
                flags: record.flags,
                invalid: person.invalid,
                mailbox_provider: scenario.population.mailbox_providers
                    [usize::from(person.mailbox_provider)]
                .name
                .clone(),
                enrolled_elsewhere: world.enrolled_elsewhere[c as usize],
            }
        });
    let mut contacts = std::mem::take(&mut world.contacts);
    let traced_person = options
        .trace_contact
        .and_then(|c| contacts.get(c as usize))
        .map(|c| c.person);
    let mut runs: Vec<PortalRun> = Vec::with_capacity(plans.len());
    let mut rest: &mut [crate::world::Contact] = &mut contacts;
    for (p, plan) in plans.into_iter().enumerate() {
        let size = world.contacts_of(p as u32).len();
        let (mine, others) = rest.split_at_mut(size);
        rest = others;
        runs.push(PortalRun::new(
            scenario, &world, p as u32, mine, plan, options,
        ));
    }

    for day in 0..horizon_days {
        let end = (day + 1) * crate::time::SECONDS_PER_DAY;
        let shared = portal::Shared {
            scenario,
            users: &world.users,
            user_local: &world.user_local,
            persons: &world.persons,
        };
        runs.par_iter_mut()
            .for_each(|run| run.run_until(end, &shared));
        // The daily merge of the global bounce list, in portal order (a set union: the order
        // cannot change the result, but keep it fixed anyway).
        let mut traced_listed = false;
        for run in &mut runs {
            for person in run.take_global_bounces() {
                let address = &mut world.persons[person as usize].address;
                traced_listed |= traced_person == Some(person)
                    && !address.contains(AddressFlags::BOUNCED_GLOBALLY);
                address.insert(AddressFlags::BOUNCED_GLOBALLY);
            }
        }
        if traced_listed {
            for run in &mut runs {
                run.note(end, TraceWhat::GloballyBounced);
            }
        }
        progress(Progress::Day {
            done: day + 1,
            of: horizon_days,
        });
    }

    result.audit = options.audit.then(Audit::default);
    result.journeys = options.journeys.then(Vec::new);
    for run in runs {
        result.absorb(run.finish());
    }
    let ended: u64 = result.outcomes.iter().sum();
    assert_eq!(
        ended, result.enrolled,
        "seed {}: every enrollment ends in exactly one outcome",
        scenario.seed
    );
    assert_eq!(
        result.enrolled + result.rejected.iter().sum::<u64>(),
        result.attempts,
        "seed {}: every attempt gets exactly one decision",
        scenario.seed
    );
    result
}
