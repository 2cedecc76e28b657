//! One portal's share of a run: its contacts, inboxes, enrollments and event queue.

use model::{
    Conditions, ContactFlags, Decision, LimitSide, Outcome, SenderState, SmtpReply, StepFailure,
};

use super::inbox::{Inbox, Refusal};
use super::queue::{Action, EventQueue};
use super::{
    AttemptRecord, Audit, DayCounters, Journey, Reaction, RunOptions, RunResult, SendRecord,
    TraceEvent, TraceWhat, PROVIDER_SLOTS,
};
use crate::plan::Attempt;
use crate::rng::{Stream, StreamKind};
use crate::scenario::{Reenrollment, Scenario, Source, StepKind};
use crate::time::{SimTime, SECONDS_PER_DAY, SECONDS_PER_HOUR};
use crate::world::{Contact, Person, User, World};

/// Read-only state every portal reads during a simulated day.
pub(crate) struct Shared<'a> {
    pub scenario: &'a Scenario,
    pub users: &'a [User],
    pub user_local: &'a [u32],
    /// Persons as of the last daily merge.
    pub persons: &'a [Person],
}

/// The daily-series slot of `user`'s inbox provider.
pub(crate) fn provider_slot(user: &User) -> usize {
    user.inbox.map_or(PROVIDER_SLOTS - 1, |p| p as usize)
}

/// Marks a contact's active enrollment: none, one outside the scenario, or one of ours.
const NOT_ENROLLED: u32 = u32::MAX;
const ENROLLED_ELSEWHERE: u32 = u32::MAX - 1;

/// The stream slot of a task's completion delay (sends use their retry count, at most
/// [`crate::scenario::MAX_SOFT_BOUNCE_RETRIES`]).
const TASK_SLOT: u64 = u64::MAX;

struct Enrollment {
    contact: u32,
    user: u32,
    /// The contact's enrollment count before this one: with the contact, the stream key.
    ordinal: u32,
    sequence: u16,
    step: u8,
    retry: u8,
    task_done: bool,
    ended: bool,
    source: Source,
    /// The scheduled time of the current step (before pacing); the next delay counts from it.
    base: SimTime,
}

pub(crate) struct PortalRun<'a> {
    seed: u64,
    first_contact: u32,
    contacts: &'a mut [Contact],
    active: Vec<u32>,
    ordinals: Vec<u32>,
    inboxes: Vec<Inbox>,
    plan: Vec<Attempt>,
    next_attempt: usize,
    enrollments: Vec<Enrollment>,
    queue: EventQueue,
    now: SimTime,
    /// The partition's share of the result: counts, trace, audit and journeys.
    part: RunResult,
    global_bounces: Vec<u32>,
    trace_contact: Option<u32>,
}

impl<'a> PortalRun<'a> {
    pub fn new(
        scenario: &Scenario,
        world: &World,
        portal: u32,
        contacts: &'a mut [Contact],
        plan: Vec<Attempt>,
        options: &RunOptions,
    ) -> Self {
        let range = world.contacts_of(portal);
        let active = world.enrolled_elsewhere[range.start as usize..range.end as usize]
            .iter()
            .map(|&e| if e { ENROLLED_ELSEWHERE } else { NOT_ENROLLED })
            .collect();
        let inboxes = world
            .users_of(portal)
            .iter()
            .map(|&u| Inbox::new(&world.users[u as usize], &scenario.sending))
            .collect();
        let audit = options.audit.then(|| Audit {
            event_times: vec![Vec::new()],
            ..Audit::default()
        });
        let contacts_len = contacts.len();
        Self {
            seed: scenario.seed,
            first_contact: range.start,
            ordinals: vec![0; contacts.len()],
            contacts,
            active,
            inboxes,
            plan,
            next_attempt: 0,
            enrollments: Vec::new(),
            queue: EventQueue::new(scenario.calendar.horizon()),
            now: 0,
            part: RunResult {
                daily: vec![Default::default(); scenario.calendar.horizon_days as usize],
                audit,
                journeys: options
                    .journeys
                    .then(|| vec![Journey::default(); contacts_len]),
                ..RunResult::default()
            },
            global_bounces: Vec::new(),
            trace_contact: options.trace_contact.filter(|c| range.contains(c)),
        }
    }

    /// Processes every attempt and event before `end`, in time order; planned attempts before
    /// queued events at the same second.
    pub fn run_until(&mut self, end: SimTime, sh: &Shared) {
        loop {
            let attempt_at = self.plan.get(self.next_attempt).map(|a| a.time);
            let event_at = self.queue.peek_time();
            let take_attempt = match (attempt_at, event_at) {
                (Some(a), Some(e)) => a <= e,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => return,
            };
            let at = if take_attempt { attempt_at } else { event_at }.expect("checked above");
            if at >= end {
                return;
            }
            assert!(
                at >= self.now,
                "seed {}: time went back from {} to {at}",
                self.seed,
                self.now
            );
            self.now = at;
            self.part.events += 1;
            if let Some(audit) = &mut self.part.audit {
                audit.event_times[0].push(at);
            }
            if take_attempt {
                let a = self.plan[self.next_attempt];
                self.next_attempt += 1;
                let sequence = sh.users[a.user as usize].sequence;
                let pace = 60 / sh.scenario.sending.bulk_per_minute.max(1);
                let delay = u32::from(a.bulk_position) * pace;
                self.attempt(sh, a.user, a.contact, a.source, sequence, 0, delay);
            } else {
                let event = self.queue.pop().expect("peeked");
                self.handle(sh, event.enrollment, event.action);
            }
        }
    }

    /// Global bounces found since the last merge.
    pub fn take_global_bounces(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.global_bounces)
    }

    /// Adds `what` to the trace, if this portal holds the traced contact.
    pub fn note(&mut self, time: SimTime, what: TraceWhat) {
        if self.trace_contact.is_some() {
            self.part.trace.push(TraceEvent { time, what });
        }
    }

    /// Closes the run at the horizon: enrollments not ended are STILL_ACTIVE.
    pub fn finish(mut self) -> RunResult {
        for e in &self.enrollments {
            if !e.ended {
                self.part.outcomes[Outcome::StillActive.index()] += 1;
                if let Some(journeys) = &mut self.part.journeys {
                    // A running enrollment is always its contact's last one.
                    journeys[(e.contact - self.first_contact) as usize].last_outcome =
                        Some(Outcome::StillActive);
                }
            }
        }
        if let Some(audit) = &mut self.part.audit {
            audit
                .outcomes
                .resize(self.enrollments.len(), Outcome::StillActive);
        }
        self.part
    }

    fn local(&self, contact: u32) -> usize {
        (contact - self.first_contact) as usize
    }

    fn traced(&mut self, contact: u32, what: impl FnOnce() -> TraceWhat) {
        if self.trace_contact == Some(contact) {
            self.part.trace.push(TraceEvent {
                time: self.now,
                what: what(),
            });
        }
    }

    fn day(&mut self, user: &User) -> &mut DayCounters {
        let day = (self.now / SECONDS_PER_DAY) as usize;
        &mut self.part.daily[day][provider_slot(user)]
    }

    /// The flags of contact `c` as the rules and the send guard read them: its own, and the
    /// portal-level address facts kept on its canonical record.
    fn contact_flags(&self, c: usize) -> ContactFlags {
        let contact = self.contacts[c];
        let canonical = self.local(contact.canonical);
        let mut flags = contact.flags;
        if self.contacts[canonical]
            .flags
            .contains(ContactFlags::BOUNCED_ON_PORTAL)
        {
            flags.insert(ContactFlags::BOUNCED_ON_PORTAL);
        }
        flags
    }

    /// An enrollment attempt by `user` of `contact` into `sequence` at `step`, now; the first
    /// step falls due `delay` seconds later (bulk pacing).
    #[allow(clippy::too_many_arguments)] // an attempt is these seven facts
    fn attempt(
        &mut self,
        sh: &Shared,
        user: u32,
        contact: u32,
        source: Source,
        sequence: u16,
        step: u8,
        delay: u32,
    ) {
        let c = self.local(contact);
        let record = self.contacts[c];
        let person = &sh.persons[record.person as usize];
        let user_record = &sh.users[user as usize];
        let inbox = sh.user_local[user as usize] as usize;
        let connected = self.inboxes[inbox].connected(self.now);
        let was_active = self.active[c] != NOT_ENROLLED;
        let conditions = Conditions::new(
            person.address,
            self.contact_flags(c),
            SenderState::new(user_record.seat, connected),
            record.rejected_sequences & (1 << sequence) != 0,
            was_active,
        );
        let decision = sh.scenario.rules.evaluate(conditions);
        self.part.attempts += 1;
        self.part.attempts_by_source[source as usize] += 1;
        if let Some(audit) = &mut self.part.audit {
            audit.attempts.push(AttemptRecord {
                time: self.now,
                user,
                contact,
                source,
                was_active,
                decision,
            });
        }
        self.traced(contact, || TraceWhat::Attempt {
            user,
            source,
            sequence,
            step,
            conditions,
            decision,
        });
        if let Some(journeys) = &mut self.part.journeys {
            let j = &mut journeys[c];
            j.first_decision.get_or_insert(decision);
            j.attempts = j.attempts.saturating_add(1);
            if decision == Decision::Enrolled {
                j.enrollments = j.enrollments.saturating_add(1);
            }
        }
        match decision {
            Decision::Rejected(code) => self.part.rejected[code.index()] += 1,
            Decision::Enrolled => {
                assert!(
                    !was_active,
                    "seed {}: contact {contact} enrolled while already enrolled",
                    self.seed
                );
                self.part.enrolled += 1;
                let id = self.enrollments.len() as u32;
                let ordinal = self.ordinals[c];
                self.ordinals[c] += 1;
                self.active[c] = id;
                let seq = &sh.scenario.sequences[usize::from(sequence)];
                // Step 1 runs at enrollment, whatever the day; a resumed later step is a
                // follow-up and keeps to the allowed days and window.
                let due = if step == 0 {
                    self.now + delay
                } else {
                    let cal = &sh.scenario.calendar;
                    cal.next_allowed(self.now, seq.weekdays_only, seq.send_window)
                };
                self.enrollments.push(Enrollment {
                    contact,
                    user,
                    ordinal,
                    sequence,
                    step,
                    retry: 0,
                    task_done: false,
                    ended: false,
                    source,
                    // Later steps keep the time of day of the enrollment itself, not of the
                    // bulk-paced first send.
                    base: if step == 0 { self.now } else { due },
                });
                self.queue.push(due, id, Action::StepDue);
            }
        }
    }

    fn handle(&mut self, sh: &Shared, id: u32, action: Action) {
        match action {
            Action::ReEnroll(step) => {
                let e = &self.enrollments[id as usize];
                let (user, contact, sequence) = (e.user, e.contact, e.sequence);
                self.attempt(sh, user, contact, Source::ReEnrollment, sequence, step, 0);
            }
            Action::React(reaction) => self.react(sh, id, reaction),
            _ if self.enrollments[id as usize].ended => {}
            Action::StepDue => self.step_due(sh, id),
            Action::TaskDone => self.task_done(sh, id),
            Action::Send => self.send(sh, id),
        }
    }

    /// A draw stream for the current step and retry of enrollment `id`, in `slot`.
    fn stream(&self, id: u32, slot: u64) -> Stream {
        let e = &self.enrollments[id as usize];
        let key = [e.contact.into(), e.ordinal.into(), e.step.into(), slot];
        Stream::keyed(self.seed, StreamKind::Send, &key)
    }

    fn step_due(&mut self, sh: &Shared, id: u32) {
        let e = &self.enrollments[id as usize];
        let kind = sh.scenario.sequences[usize::from(e.sequence)].steps[usize::from(e.step)].kind;
        match kind {
            StepKind::AutomatedEmail => self.place_send(sh, id),
            StepKind::ManualEmail if e.task_done => self.place_send(sh, id),
            StepKind::ManualEmail | StepKind::Task => {
                let (lo, hi) = sh.scenario.tasks.completion_hours;
                let mut s = self.stream(id, TASK_SLOT);
                let hours = lo * SECONDS_PER_HOUR + s.below((hi - lo) * SECONDS_PER_HOUR + 1);
                let done = sh
                    .scenario
                    .calendar
                    .next_allowed(self.now + hours, true, None);
                let (step, contact) = (e.step, e.contact);
                self.traced(contact, || TraceWhat::TaskCreated { step, kind, done });
                self.queue.push(done, id, Action::TaskDone);
            }
        }
    }

    fn task_done(&mut self, sh: &Shared, id: u32) {
        let e = &mut self.enrollments[id as usize];
        e.task_done = true;
        e.base = self.now;
        let kind = sh.scenario.sequences[usize::from(e.sequence)].steps[usize::from(e.step)].kind;
        match kind {
            StepKind::ManualEmail => self.place_send(sh, id),
            _ => self.advance(sh, id),
        }
    }

    /// Puts the step's email in the inbox's send queue: it leaves at the inbox's next free slot,
    /// or, for a follow-up whose slot falls outside the allowed days or window, the step is
    /// due again at the next allowed moment.
    fn place_send(&mut self, sh: &Shared, id: u32) {
        let e = &self.enrollments[id as usize];
        if e.source == Source::GmailExtension && e.step == 0 {
            // Gmail sends step 1 itself: the platform's queue is not involved.
            return self.send(sh, id);
        }
        let sending = &sh.scenario.sending;
        let inbox = sh.user_local[e.user as usize] as usize;
        let slot = self.inboxes[inbox].slot(self.now, sending);
        let seq = &sh.scenario.sequences[usize::from(e.sequence)];
        let cal = &sh.scenario.calendar;
        if e.step > 0 && !cal.allows(slot, seq.weekdays_only, seq.send_window) {
            let again = cal.next_allowed(slot, seq.weekdays_only, seq.send_window);
            self.queue.push(again, id, Action::StepDue);
            return;
        }
        self.inboxes[inbox].reserve(slot, sending);
        if slot == self.now {
            self.send(sh, id);
        } else {
            self.queue.push(slot, id, Action::Send);
        }
    }

    /// The step's email leaves now, or the step fails.
    fn send(&mut self, sh: &Shared, id: u32) {
        let scenario = sh.scenario;
        let sending = &scenario.sending;
        let e = &self.enrollments[id as usize];
        let (contact, user, step, retry, sequence) =
            (e.contact, e.user, e.step, e.retry, e.sequence);
        let user_record = &sh.users[user as usize];
        let by_gmail = e.source == Source::GmailExtension && step == 0;
        let inbox = sh.user_local[user as usize] as usize;

        // Fixed draw slots, whatever happens.
        let mut s = self.stream(id, u64::from(retry));
        let fail_draw = s.unit();
        let answer_draw = s.unit();
        let reaction_draw = s.unit();
        let unsubscribe_all_draw = s.unit();
        let reaction_delay = s.below(scenario.engagement.reaction_hours_max * SECONDS_PER_HOUR + 1);

        let refusal = if by_gmail {
            (fail_draw < sending.gmail_send_error).then_some(StepFailure::GmailSendError)
        } else {
            match self.inboxes[inbox].check(self.now, sending) {
                Err(Refusal::Disconnected) => Some(StepFailure::InboxDisconnected),
                Err(Refusal::Limit(side)) => {
                    let day = self.day(user_record);
                    match side {
                        LimitSide::Platform => day.limit_hits_platform += 1,
                        LimitSide::Provider => day.limit_hits_provider += 1,
                    }
                    let google = user_record.inbox.is_some_and(|p| p.is_google());
                    let reply = (side == LimitSide::Provider && google)
                        .then_some(SmtpReply::SenderQuotaExhausted);
                    self.traced(contact, || TraceWhat::StepFailed {
                        step,
                        failure: StepFailure::SendLimitReached,
                        side: Some(side),
                        reply,
                    });
                    self.part.limit_outcomes_by_side[side as usize] += 1;
                    return self.end(sh, id, Outcome::StepFailed(StepFailure::SendLimitReached));
                }
                Ok(()) => (fail_draw < sending.send_failure).then_some(StepFailure::SendFailure),
            }
        };
        if let Some(failure) = refusal {
            let day = self.day(user_record);
            match failure {
                StepFailure::GmailSendError => day.gmail_send_errors += 1,
                StepFailure::InboxDisconnected => day.inbox_disconnected += 1,
                _ => day.send_failures += 1,
            }
            self.traced(contact, || TraceWhat::StepFailed {
                step,
                failure,
                side: None,
                reply: None,
            });
            return self.end(sh, id, Outcome::StepFailed(failure));
        }

        // The email leaves.
        self.inboxes[inbox].record(self.now);
        self.day(user_record).sent += 1;
        let c = self.local(contact);
        let record = self.contacts[c];
        let person = &sh.persons[record.person as usize];
        let provider = &scenario.population.mailbox_providers[usize::from(person.mailbox_provider)];
        let reply = if person.invalid {
            SmtpReply::HardBounce
        } else if answer_draw < provider.soft_bounce {
            SmtpReply::SoftBounce
        } else if answer_draw < provider.soft_bounce + provider.policy_rejection {
            SmtpReply::PolicyRejection
        } else {
            SmtpReply::Delivered
        };
        if let Some(audit) = &mut self.part.audit {
            audit.sends.push(SendRecord {
                time: self.now,
                user,
                contact,
                sequence,
                step,
                by_gmail,
                contact_flags: record.flags,
                rejected_in_sequence: record.rejected_sequences & (1 << sequence) != 0,
                reply,
            });
        }
        self.traced(contact, || TraceWhat::Sent { step, retry, reply });

        match reply {
            SmtpReply::HardBounce => {
                self.day(user_record).hard_bounces += 1;
                self.contacts[c].flags.insert(ContactFlags::BOUNCED);
                let canonical = self.local(record.canonical);
                self.contacts[canonical]
                    .flags
                    .insert(ContactFlags::BOUNCED_ON_PORTAL);
                self.global_bounces.push(record.person);
                self.end(sh, id, Outcome::Bounced);
            }
            SmtpReply::SoftBounce => {
                self.day(user_record).soft_bounces += 1;
                if u32::from(retry) < sending.soft_bounce_retries {
                    let backoff = (sending.retry_backoff_minutes * 60) << retry;
                    self.enrollments[id as usize].retry += 1;
                    self.queue.push(self.now + backoff, id, Action::StepDue);
                } else {
                    // Answers that stay transient through every retry count as a bounce of
                    // this contact; the address is not known to be dead, so no global listing.
                    self.contacts[c].flags.insert(ContactFlags::BOUNCED);
                    self.end(sh, id, Outcome::Bounced);
                }
            }
            SmtpReply::PolicyRejection => {
                self.day(user_record).rejections += 1;
                self.contacts[c].rejected_sequences |= 1 << sequence;
                self.end(sh, id, Outcome::OtherSendRejected);
            }
            SmtpReply::Delivered => {
                let g = &scenario.engagement;
                let odds = [
                    (g.spam_complaint, Reaction::SpamComplaint),
                    (
                        g.unsubscribe,
                        Reaction::Unsubscribe {
                            all: unsubscribe_all_draw < g.unsubscribe_all_share,
                        },
                    ),
                    (g.meeting_booked, Reaction::MeetingBooked),
                    (g.reply, Reaction::Reply),
                    (g.out_of_office, Reaction::OutOfOffice),
                ];
                let mut acc = 0.0;
                for (p, reaction) in odds {
                    acc += p;
                    if reaction_draw < acc {
                        // A reaction takes at least a minute.
                        self.queue.push(
                            self.now + 60 + reaction_delay,
                            id,
                            Action::React(reaction),
                        );
                        break;
                    }
                }
                self.advance(sh, id);
            }
            SmtpReply::SenderQuotaExhausted => unreachable!("a sender-side answer"),
        }
    }

    /// The current step is done: on to the next, or FINISHED after the last.
    fn advance(&mut self, sh: &Shared, id: u32) {
        let e = &mut self.enrollments[id as usize];
        let seq = &sh.scenario.sequences[usize::from(e.sequence)];
        let next = usize::from(e.step) + 1;
        if next == seq.steps.len() {
            return self.end(sh, id, Outcome::Finished);
        }
        e.step = next as u8;
        e.retry = 0;
        e.task_done = false;
        // A step that left late (a full send queue, a retry) can put the nominal time of the
        // next one in the past: then it is due now.
        let nominal = e.base + seq.steps[next].delay_days * SECONDS_PER_DAY;
        let due = sh.scenario.calendar.next_allowed(
            nominal.max(self.now),
            seq.weekdays_only,
            seq.send_window,
        );
        e.base = due;
        self.queue.push(due, id, Action::StepDue);
    }

    /// The recipient reacts to an email of enrollment `id`. Complaints and unsubscribes mark the
    /// contact whatever became of the enrollment; any unenrolling reaction ends the contact's
    /// active enrollment, whichever it is.
    fn react(&mut self, sh: &Shared, id: u32, reaction: Reaction) {
        let e = &self.enrollments[id as usize];
        let (contact, user) = (e.contact, e.user);
        let user_record = &sh.users[user as usize];
        let c = self.local(contact);
        let day = self.day(user_record);
        match reaction {
            Reaction::Reply => day.replies += 1,
            Reaction::MeetingBooked => day.meetings += 1,
            Reaction::Unsubscribe { .. } => day.unsubscribes += 1,
            Reaction::SpamComplaint => day.complaints += 1,
            Reaction::OutOfOffice => day.out_of_office += 1,
        }
        let flags = &mut self.contacts[c].flags;
        match reaction {
            Reaction::SpamComplaint => flags.insert(ContactFlags::MARKED_AS_SPAM),
            Reaction::Unsubscribe { all: true } => flags.insert(ContactFlags::UNSUBSCRIBED),
            Reaction::Unsubscribe { all: false } => {
                flags.insert(ContactFlags::UNSUBSCRIBED_PERSONAL)
            }
            _ => {}
        }
        self.traced(contact, || TraceWhat::Reacted(reaction));
        let active = self.active[c];
        if let Some(outcome) = reaction.outcome() {
            if active != NOT_ENROLLED && active != ENROLLED_ELSEWHERE {
                self.end(sh, active, outcome);
            }
        }
    }

    /// Ends enrollment `id` with `outcome`, and schedules its re-enrollment if the policy says so.
    fn end(&mut self, sh: &Shared, id: u32, outcome: Outcome) {
        let e = &mut self.enrollments[id as usize];
        debug_assert!(!e.ended, "seed {}: enrollment {id} ended twice", self.seed);
        e.ended = true;
        let (contact, step) = (e.contact, e.step);
        let steps = sh.scenario.sequences[usize::from(e.sequence)].steps.len();
        let c = self.local(contact);
        if self.active[c] == id {
            self.active[c] = NOT_ENROLLED;
        }
        self.part.outcomes[outcome.index()] += 1;
        if let Some(journeys) = &mut self.part.journeys {
            journeys[c].last_outcome = Some(outcome);
        }
        if let Some(audit) = &mut self.part.audit {
            // Outcomes are collected per enrollment id; pad for ids still running.
            if audit.outcomes.len() <= id as usize {
                audit.outcomes.resize(id as usize + 1, Outcome::StillActive);
            }
            audit.outcomes[id as usize] = outcome;
        }
        self.traced(contact, || TraceWhat::Ended(outcome));

        let Reenrollment::Resume { delay_hours } = sh.scenario.reenrollment else {
            return;
        };
        let resume = match outcome {
            Outcome::StepFailed(StepFailure::SendLimitReached) => usize::from(step) + 1,
            Outcome::StepFailed(StepFailure::SendFailure | StepFailure::InboxDisconnected) => {
                usize::from(step)
            }
            Outcome::StepFailed(StepFailure::GmailSendError) => 0,
            _ => return,
        };
        if resume >= steps {
            return;
        }
        let at = self.now + delay_hours * SECONDS_PER_HOUR;
        if self.queue.push(at, id, Action::ReEnroll(resume as u8)) {
            self.traced(contact, || TraceWhat::ReEnrollScheduled {
                step: resume as u8,
                at,
            });
        }
    }
}
