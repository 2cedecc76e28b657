//! One portal's share of a run: its contacts, inboxes, enrollments and event queue. The control
//! flow lives here; what one email does is decided by the pure functions of `mail`, and what is
//! counted or recorded by the `Recorder`.

use model::{ContactFlags, Decision, Outcome, ReplyKind, SenderState, StepFailure};

use super::enrollment::{Enrollment, Stage, Start};
use super::facts::{AttemptFacts, Decide, Observed};
use super::guards::{Guards, Inputs, RuleError, Subject};
use super::inbox::Inbox;
use super::mail::{self, FailedStep, Reaction, SendDraws};
use super::mailboxes::Mailboxes;
use super::prefetch::prefetch;
use super::queue::{Action, Event, EventQueue, Front};
use super::record::{Recorder, RecorderConfig};
use super::result::{Counters, Recordings, SendRecord, TracedEvent, PROVIDER_SLOTS};
use super::schedule::{self, DailySchedule};
use super::slots::{self, Counts, Slot};
use super::watch::{InstantWatch, NoProgress};
use super::{AttemptRequest, RunOptions};
use crate::plan::Attempt;
use crate::rng::{Stream, StreamKind};
use crate::scenario::{Reenrollment, Scenario, Source, StepKind, WhenFull};
use crate::time::{SimTime, SECONDS_PER_DAY, SECONDS_PER_HOUR};
use crate::world::{PortalPart, User, World};

/// Read-only state every portal reads during a simulated day.
pub(crate) struct DayView<'a> {
    pub scenario: &'a Scenario,
    pub users: &'a [User],
    pub user_local: &'a [u32],
    /// The persons' domains and the global bounce list, as of the last daily merge.
    pub mailboxes: &'a Mailboxes,
    /// Decides attempts in the rule set's place, when a run is driven.
    pub decider: Option<&'a dyn Decide>,
}

/// The daily-series slot of `user`'s inbox provider.
pub(crate) fn provider_slot(user: &User) -> usize {
    user.inbox.map_or(PROVIDER_SLOTS - 1, |p| p.index())
}

/// Marks a contact's active enrollment: none, one outside the scenario, or one of ours.
const NOT_ENROLLED: u32 = u32::MAX;
const ENROLLED_ELSEWHERE: u32 = u32::MAX - 1;

/// The stream slot of a task's completion delay (sends use their retry count, at most
/// [`crate::scenario::MAX_SOFT_BOUNCE_RETRIES`]).
const TASK_SLOT: u64 = u64::MAX;
/// The stream slot of whether the user acts on a step failure.
const ACT_SLOT: u64 = u64::MAX - 1;

/// How many events ahead in the hour `prefetch_ahead` starts loading an enrollment, and the
/// contact slot it names: far enough for a memory load to land (a few hundred nanoseconds, at
/// about a hundred nanoseconds an event), near enough that the lines are still in cache.
const PREFETCH_ENROLLMENT_AHEAD: usize = 24;
const PREFETCH_SLOT_AHEAD: usize = 12;

pub(crate) struct PortalRun {
    seed: u64,
    /// `Stream::prefix(seed, StreamKind::Send)`, computed once.
    send_prefix: u64,
    portal: u32,
    /// The portal's contact records and their run state, in slot order (see `slots`).
    slots: Vec<Slot>,
    /// The enrollment counts past a slot's 16 bits.
    counts: Counts,
    inboxes: Vec<Inbox>,
    /// The planned attempts not yet made, latest first: the next is the last, so making one
    /// frees its place, and the memory is handed back daily (`release_plan`).
    plan: Vec<Attempt>,
    enrollments: Vec<Enrollment>,
    /// Per enrollment, where it started: only under a sequences daily limit, empty otherwise.
    starts: Vec<Start>,
    queue: EventQueue,
    now: SimTime,
    recorder: Recorder,
    global_bounces: Vec<u32>,
    /// The users' scheduled emails per day, under a sequences daily limit.
    schedule: Option<DailySchedule>,
    /// The rule set's guards and the statistics they read.
    guards: Guards,
    /// The bound on events at one second (the no-progress detector).
    watch: InstantWatch,
}

/// Where an enrollment fits the sequences daily limit.
struct DailyFit {
    /// It fits nowhere: SEQUENCES_DAILY_LIMIT_REACHED.
    full: bool,
    /// Days to defer the enrollment by (under `next_day`).
    shift_days: u32,
    /// The days its emails take.
    days: Vec<u32>,
}

/// Each of the portal's inboxes' rolling-24-hour cap and provider, for the recorder: `None` for
/// an inbox that sends no sequence email.
fn inbox_caps(part: &PortalPart, inboxes: &[Inbox], users: &[User]) -> Vec<Option<(u32, usize)>> {
    (part.users.iter().zip(inboxes))
        .map(|(&u, inbox)| {
            let user = &users[u as usize];
            let sends = crate::estimate::sends_sequences(user.seat, user.inbox);
            (inbox.daily_cap())
                .filter(|_| sends)
                .map(|cap| (cap, provider_slot(user)))
        })
        .collect()
}

impl PortalRun {
    pub fn new(
        scenario: &Scenario,
        world: &World,
        part: PortalPart<'_>,
        mut plan: Vec<Attempt>,
        options: &RunOptions,
        driven: bool,
    ) -> Self {
        let ids = part.contact_ids.clone();
        assert!(plan.iter().all(|a| ids.contains(&a.contact)));
        let elsewhere = part.enrolled_elsewhere;
        let marker = |local: usize| match elsewhere[local] {
            true => ENROLLED_ELSEWHERE,
            false => NOT_ENROLLED,
        };
        // From here on the plan's `contact` is the contact's slot.
        let persons = world.persons();
        let users = world.users();
        let slots = slots::lay_out(ids.start, part.contacts, persons, marker, &mut plan);
        let inboxes: Vec<Inbox> = part
            .users
            .iter()
            .map(|&u| Inbox::new(&users[u as usize], &scenario.sending))
            .collect();
        let recorder = Recorder::new(RecorderConfig {
            contacts: ids.clone(),
            trace_contact: options.trace_contact.filter(|c| ids.contains(c)),
            audit: options.audit,
            journeys: options.journeys,
            attempts: options.attempts,
            horizon_days: scenario.calendar.horizon_days,
            event_hashes: options.event_hashes,
            inbox_caps: inbox_caps(&part, &inboxes, users),
        });
        let observe = options.attempts || driven;
        let guards = Guards::new(
            &scenario.guards,
            part.users.len(),
            part.contacts.len(),
            observe,
        );
        let planned = plan.len();
        plan.reverse();
        Self {
            seed: scenario.seed,
            send_prefix: Stream::prefix(scenario.seed, StreamKind::Send),
            portal: part.portal,
            slots,
            counts: Counts::default(),
            inboxes,
            plan,
            // Every planned attempt may enroll: reserving them at once spares the growing
            // vector's copies, whose freed blocks the allocator keeps (about 25% more peak
            // memory at 10M contacts). Re-enrollments may still grow it.
            enrollments: Vec::with_capacity(planned),
            starts: Vec::new(),
            queue: EventQueue::new(scenario.calendar.horizon()),
            now: 0,
            recorder,
            global_bounces: Vec::new(),
            guards,
            watch: InstantWatch::new(
                (scenario.sequences.iter().map(|s| s.steps.len()).max()).unwrap_or(1),
                part.users.len(),
            ),
            schedule: scenario.sending.sequences_daily_limit.map(|limit| {
                DailySchedule::new(
                    limit.per_user,
                    part.users.len(),
                    scenario.calendar.horizon_days,
                )
            }),
        }
    }

    /// Processes every attempt and event before `end`, in time order; planned attempts before
    /// queued events at the same second.
    pub fn run_until(&mut self, end: SimTime, view: &DayView) {
        assert!(
            end > self.now || self.now == 0,
            "seed {}: days advance",
            self.seed
        );
        while let Some((at, front)) = self.next_moment() {
            if at >= end {
                break;
            }
            assert!(
                at >= self.now,
                "seed {}: time went back from {} to {at}",
                self.seed,
                self.now
            );
            self.now = at;
            self.recorder.on_event(at);
            if let Some(front) = front {
                self.prefetch_ahead();
                let event = self.queue.take(front);
                debug_assert_eq!(event.time, at);
                if let Err(stop) = self.watch.event(at, self.enrollments.len()) {
                    self.no_progress(stop, &event);
                }
                self.handle(view, event.enrollment, event.action);
            } else {
                self.watch.planned(at, self.enrollments.len());
                self.planned_attempt(view);
            }
        }
        self.release_plan();
    }

    /// Starts loading what the events a few places ahead in the hour will read: the
    /// enrollment of a far one, and the contact slot of a nearer one (whose enrollment was
    /// prefetched by an earlier call). A cache hint only (see `prefetch`).
    fn prefetch_ahead(&self) {
        if let Some(id) = self.queue.sorted_ahead(PREFETCH_ENROLLMENT_AHEAD) {
            prefetch(&self.enrollments[id as usize]);
        }
        if let Some(id) = self.queue.sorted_ahead(PREFETCH_SLOT_AHEAD) {
            prefetch(&self.slots[self.enrollments[id as usize].slot as usize]);
        }
    }

    /// Hands back the memory of the planned attempts made so far (a shrink in place: the
    /// plan is held latest first), so that the plan's memory shrinks day by day as the
    /// enrollments' grows, and the two are never held whole at once.
    fn release_plan(&mut self) {
        self.plan.shrink_to_fit();
    }

    /// Stops a run looping at one instant: a broken engine invariant, reported with the seed,
    /// the time and the event that keeps recurring.
    fn no_progress(&self, stop: NoProgress, event: &Event) -> ! {
        let e = &self.enrollments[event.enrollment as usize];
        panic!(
            "seed {}: no progress at simulated time {} s (day {}, second {} of the day) in portal {}: {} events at this one second, over the bound of {}; looping: {:?} of enrollment {} (contact {}, sequence {}, step {}, retry {})",
            self.seed,
            stop.at,
            stop.at / SECONDS_PER_DAY,
            stop.at % SECONDS_PER_DAY,
            self.portal,
            stop.events,
            stop.bound,
            event.action,
            event.enrollment,
            self.slots[e.slot as usize].id,
            e.sequence(),
            e.step,
            e.retry,
        )
    }

    /// When the next attempt or event happens, and the queue's front if it is an event rather
    /// than a planned attempt (those come first at equal times).
    fn next_moment(&mut self) -> Option<(SimTime, Option<Front>)> {
        let attempt_at = self.plan.last().map(|a| a.time);
        match (attempt_at, self.queue.front_event()) {
            (Some(a), Some(f)) if a <= f.event.time => Some((a, None)),
            (Some(a), None) => Some((a, None)),
            (_, Some(f)) => Some((f.event.time, Some(f))),
            (None, None) => None,
        }
    }

    fn planned_attempt(&mut self, view: &DayView) {
        let a = self.plan.pop().expect("a planned attempt");
        // Slots follow the plan's first attempts, but second attempts go back: a cache hint.
        if let Some(ahead) =
            (self.plan.len().checked_sub(1 + PREFETCH_SLOT_AHEAD)).map(|i| &self.plan[i])
        {
            prefetch(&self.slots[ahead.contact as usize]);
        }
        let pace_seconds = 60 / view.scenario.sending.bulk_per_minute.max(1);
        let c = a.contact as usize;
        self.attempt(
            view,
            c,
            AttemptRequest {
                user: a.user,
                contact: self.slots[c].id,
                source: a.source,
                via_gmail: a.source == Source::GmailExtension,
                sequence: view.users[a.user as usize].sequence,
                step: 0,
                first_step_delay_seconds: u32::from(a.bulk_position) * pace_seconds,
            },
        );
    }

    /// Global bounces found since the last merge.
    pub fn take_global_bounces(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.global_bounces)
    }

    /// Adds `event` to the trace, if this portal holds the traced contact.
    pub fn note(&mut self, time: SimTime, event: TracedEvent) {
        self.recorder.note(time, event);
    }

    /// Closes the run at the horizon: enrollments not ended are STILL_ACTIVE. With the first
    /// CEL check that failed to evaluate, if one did.
    pub fn finish(self) -> (Counters, Recordings, Option<RuleError>) {
        assert!(
            self.plan.is_empty(),
            "seed {}: planned attempts left unmade at the horizon",
            self.seed
        );
        let running = self
            .enrollments
            .iter()
            .filter(|e| e.stage() != Stage::Ended)
            .map(|e| self.slots[e.slot as usize].id);
        let error = self.guards.error().cloned();
        let (counters, recordings) = self.recorder.finish(self.enrollments.len(), running);
        (counters, recordings, error)
    }

    /// The contact id of slot `c`.
    fn id(&self, c: usize) -> u32 {
        self.slots[c].id
    }

    fn enrollment(&self, id: u32) -> &Enrollment {
        &self.enrollments[id as usize]
    }

    /// The flags of contact `c` as the rules and the send guard read them for a sequence of
    /// `subscription_type`: the record's own, and its address's facts in this portal, kept on
    /// its canonical record (UNSUBSCRIBED_PERSONAL if the address opted out of that type).
    fn contact_flags(&self, c: usize, subscription_type: u16) -> ContactFlags {
        let own = self.slots[c].flags;
        let canonical = &self.slots[self.canonical(c)];
        let mut flags = own | (canonical.flags & ContactFlags::ADDRESS_FACTS);
        if canonical.opted_out & (1 << subscription_type) != 0 {
            flags.insert(ContactFlags::UNSUBSCRIBED_PERSONAL);
        }
        flags
    }

    /// The slot of the canonical record of slot `c`'s address.
    fn canonical(&self, c: usize) -> usize {
        let canonical = self.slots[c].canonical as usize;
        debug_assert_eq!(self.slots[canonical].canonical as usize, canonical);
        canonical
    }

    /// Records a fact about contact `c`'s address in this portal, which every record of the
    /// address sees.
    fn learn(&mut self, c: usize, fact: ContactFlags) {
        debug_assert!(ContactFlags::ADDRESS_FACTS.contains(fact));
        debug_assert!(
            !fact.contains(ContactFlags::UNSUBSCRIBED_PERSONAL),
            "see opt_out"
        );
        let canonical = self.canonical(c);
        self.slots[canonical].flags.insert(fact);
    }

    /// Contact `c`'s address opts out of `subscription_type`.
    fn opt_out(&mut self, c: usize, subscription_type: u16) {
        let canonical = self.canonical(c);
        self.slots[canonical].opted_out |= 1 << subscription_type;
    }

    /// The subscription type of `sequence`.
    fn subscription_type(view: &DayView, sequence: u16) -> u16 {
        view.scenario.sequences[usize::from(sequence)].subscription_type
    }

    /// An enrollment attempt, now: the rules decide, and an enrolled contact's first step (the
    /// request's) falls due.
    fn attempt(&mut self, view: &DayView, c: usize, request: AttemptRequest) {
        let record = self.slots[c];
        debug_assert_eq!(record.id, request.contact);
        let user = &view.users[request.user as usize];
        let inbox = self.inbox_of(view, request.user);
        let connected = self.inboxes[inbox].connected(self.now);
        let was_active = record.active != NOT_ENROLLED;
        let fit = self.daily_fit(view, &request, inbox);
        let full = fit.as_ref().is_some_and(|f| f.full);
        let mut facts = AttemptFacts {
            time: self.now,
            portal: self.portal,
            contact: request.contact,
            user: request.user,
            source: request.source,
            sequence: request.sequence,
            step: request.step,
            address: view.mailboxes.address_seen_from(&record, self.portal),
            contact_flags: self.contact_flags(c, Self::subscription_type(view, request.sequence)),
            sender: SenderState::new(user.seat, connected).with_daily_limit_full(full),
            rejected_in_sequence: record.rejected_sequences & (1 << request.sequence) != 0,
            already_enrolled: was_active,
            guards: 0,
        };
        let (guards, observed) = self.guarded(view, &facts, c, inbox);
        facts.guards = guards;
        let conditions = facts.conditions();
        let reference = view.scenario.rules.evaluate(conditions);
        let decision = match view.decider {
            None => reference,
            Some(decider) => self.driven(view, decider, &facts, &observed, reference),
        };
        self.recorder.on_attempt_facts(&facts, observed, reference);
        self.recorder
            .on_attempt(self.now, &request, conditions, was_active, decision);
        if self.guards.any_expression() && self.recorder.traces(request.contact) {
            self.trace_readings(view, &facts, c, inbox);
        }
        if decision == Decision::Enrolled {
            assert!(
                !was_active,
                "seed {}: contact {} enrolled while already enrolled",
                self.seed, request.contact
            );
            self.enroll(view, c, &request, inbox, fit);
        }
    }

    /// The rule set's guards that hold for the attempt of `facts` (its `guards` not yet set)
    /// of slot `c` by inbox `inbox`, and, when the run records or drives attempts, what the
    /// attempt observes.
    fn guarded(
        &mut self,
        view: &DayView,
        facts: &AttemptFacts,
        c: usize,
        inbox: usize,
    ) -> (u16, Observed) {
        let observing = view.decider.is_some() || self.recorder.records_attempts();
        if !self.guards.any() && !observing {
            return (0, Observed::default());
        }
        let (subject, inputs) = self.guard_inputs(view, facts, c, inbox);
        match observing {
            true => (self.guards).holding_observed(&subject, &inputs, self.now),
            false => {
                let bits = self.guards.holding(&subject, Some(&inputs), self.now);
                (bits, Observed::default())
            }
        }
    }

    /// Traces what the CEL checks read of the attempt of `facts` of slot `c` by inbox `inbox`,
    /// and their verdicts (nothing is kept or paused).
    fn trace_readings(&mut self, view: &DayView, facts: &AttemptFacts, c: usize, inbox: usize) {
        let (subject, inputs) = self.guard_inputs(view, facts, c, inbox);
        let readings = self.guards.readings(&subject, &inputs, self.now);
        self.recorder.traced(self.now, facts.contact, || {
            TracedEvent::ChecksRead(readings)
        });
    }

    /// What the guards read of the attempt of `facts` of slot `c` by inbox `inbox`.
    fn guard_inputs<'v>(
        &self,
        view: &DayView<'v>,
        facts: &'v AttemptFacts,
        c: usize,
        inbox: usize,
    ) -> (Subject, Inputs<'v>) {
        let subject = Subject {
            inbox,
            contact: c,
            domain: view.mailboxes.domain(self.slots[c].person),
        };
        let sequence = &view.scenario.sequences[usize::from(facts.sequence)];
        let types = &view.scenario.population.subscription_types;
        let inputs = Inputs {
            attempt: facts,
            weekday: view.scenario.calendar.weekday(self.now / SECONDS_PER_DAY),
            sequence_name: &sequence.name,
            subscription_type: &types[usize::from(sequence.subscription_type)].name,
            provider: view.users[facts.user as usize].inbox,
        };
        (subject, inputs)
    }

    /// The decider's decision on the attempt of `facts`, asserted to be one the world can
    /// follow (see [`Decide`]).
    fn driven(
        &self,
        view: &DayView,
        decider: &dyn Decide,
        facts: &AttemptFacts,
        observed: &Observed,
        reference: Decision,
    ) -> Decision {
        let decision = decider.decide(facts, observed, reference);
        match decision {
            Decision::Enrolled => assert!(
                facts.may_enroll(),
                "seed {}: a decider enrolled contact {}, which has no address or is enrolled",
                self.seed,
                facts.contact
            ),
            Decision::Guarded(i) => assert!(
                usize::from(i) < view.scenario.rules.guards().len(),
                "seed {}: a decider named guard {i}, which the rule set does not declare",
                self.seed
            ),
            Decision::Rejected(_) => {}
        }
        decision
    }

    /// Where the enrollment of `request` fits the sequences daily limit of user `inbox`, if the
    /// scenario sets one: now, or (under `next_day`) the first later weekday on which all its
    /// emails fit; `full` when it fits nowhere in the horizon.
    fn daily_fit(
        &self,
        view: &DayView,
        request: &AttemptRequest,
        inbox: usize,
    ) -> Option<DailyFit> {
        let schedule = self.schedule.as_ref()?;
        let limit = view.scenario.sending.sequences_daily_limit?;
        let cal = &view.scenario.calendar;
        let seq = &view.scenario.sequences[usize::from(request.sequence)];
        let start_on = |shift_days: u32| {
            let t = self.now + shift_days * SECONDS_PER_DAY;
            match request.step {
                0 => t,
                _ => cal.next_allowed(t, seq.weekdays_only, seq.send_window),
            }
        };
        let shifts = match limit.when_full {
            WhenFull::Refuse => 0..1,
            WhenFull::NextDay => 0..cal.horizon_days,
        };
        for shift_days in shifts {
            let start = start_on(shift_days);
            if start >= cal.horizon() {
                break;
            }
            if shift_days > 0 && cal.weekday(start / SECONDS_PER_DAY).is_weekend() {
                continue;
            }
            let days = schedule::email_days(cal, seq, start, request.step);
            if schedule.fits(inbox, &days) {
                return Some(DailyFit {
                    full: false,
                    shift_days,
                    days,
                });
            }
        }
        let days = schedule::email_days(cal, seq, start_on(0), request.step);
        Some(DailyFit {
            full: true,
            shift_days: 0,
            days,
        })
    }

    /// The index in `inboxes` of user `user`'s inbox; the user must be of this portal.
    fn inbox_of(&self, view: &DayView, user: u32) -> usize {
        let local = view.user_local[user as usize] as usize;
        assert!(
            local < self.inboxes.len() && view.users[user as usize].portal == self.portal,
            "seed {}: user {user} is not of portal {}",
            self.seed,
            self.portal
        );
        local
    }

    /// Starts an enrollment for an accepted `request` of user `inbox`. Step 1 runs at
    /// enrollment, whatever the day; a resumed later step is a follow-up and keeps to the
    /// allowed days and window. Under a sequences daily limit its emails take their days, and
    /// the whole enrollment may start `fit.shift_days` later.
    fn enroll(
        &mut self,
        view: &DayView,
        c: usize,
        request: &AttemptRequest,
        inbox: usize,
        fit: Option<DailyFit>,
    ) {
        let id = self.enrollments.len() as u32;
        self.guards.on_enroll(inbox, c, request.source, self.now);
        let shift_seconds = fit.as_ref().map_or(0, |f| f.shift_days * SECONDS_PER_DAY);
        let start = self.now + shift_seconds;
        if let (Some(schedule), Some(fit)) = (&mut self.schedule, &fit) {
            schedule.add(inbox, &fit.days);
            if fit.shift_days > 0 {
                self.recorder.on_deferred(self.now, request.contact, start);
            }
        }
        let seq = &view.scenario.sequences[usize::from(request.sequence)];
        assert!(
            usize::from(request.step) < seq.steps.len(),
            "seed {}",
            self.seed
        );
        let due = if request.step == 0 {
            start + request.first_step_delay_seconds
        } else {
            let cal = &view.scenario.calendar;
            cal.next_allowed(start, seq.weekdays_only, seq.send_window)
        };
        self.enrollments.push(Enrollment {
            slot: c as u32,
            user: request.user,
            sequence: u8::try_from(request.sequence).expect("at most 16 sequences"),
            step: request.step,
            retry: 0,
            state: Enrollment::state(Stage::Executing, request.via_gmail),
            // Later steps keep the time of day of the enrollment itself, not of the bulk-paced
            // first send.
            base: if request.step == 0 { start } else { due },
        });
        if self.schedule.is_some() {
            self.starts.push(Start {
                time: if request.step == 0 { start } else { due },
                step: request.step,
            });
            debug_assert_eq!(self.starts.len(), self.enrollments.len());
        }
        self.slots[c].active = id;
        self.counts.add(c as u32, &mut self.slots[c].ordinal);
        self.queue.push(due, id, Action::StepDue);
    }

    fn handle(&mut self, view: &DayView, id: u32, action: Action) {
        assert!((id as usize) < self.enrollments.len(), "seed {}", self.seed);
        match action {
            Action::ReEnroll { step, via_gmail } => {
                let e = self.enrollment(id);
                debug_assert_eq!(e.stage(), Stage::Ended, "only an ended enrollment resumes");
                let c = e.slot as usize;
                let request = AttemptRequest {
                    user: e.user,
                    contact: self.id(c),
                    source: Source::ReEnrollment,
                    via_gmail,
                    sequence: e.sequence(),
                    step,
                    first_step_delay_seconds: 0,
                };
                self.attempt(view, c, request);
            }
            Action::React(reaction) => self.react(view, id, reaction),
            _ if self.enrollment(id).stage() == Stage::Ended => {}
            Action::StepDue => self.step_due(view, id),
            Action::TaskDone => self.task_done(view, id),
            Action::Send => self.send(view, id),
        }
    }

    /// A draw stream for the current step and retry of enrollment `id`, in `slot`.
    fn stream(&self, id: u32, slot: u64) -> Stream {
        let e = self.enrollment(id);
        let record = &self.slots[e.slot as usize];
        // Only the contact's latest enrollment draws: a running one is its contact's active
        // enrollment (never two at once), and an ended one draws only as it ends, before any
        // newer enrollment. So its ordinal is the contact's count less one.
        assert!(
            record.active == id || e.stage() == Stage::Ended,
            "seed {}: enrollment {id} draws, not its contact's latest",
            self.seed
        );
        let ordinal = self.counts.get(e.slot, record.ordinal) - 1;
        let key = [record.id.into(), ordinal.into(), e.step.into(), slot];
        Stream::keyed_from(self.send_prefix, &key)
    }

    fn step_kind(&self, view: &DayView, id: u32) -> StepKind {
        let e = self.enrollment(id);
        view.scenario.sequences[usize::from(e.sequence())].steps[usize::from(e.step)].kind
    }

    fn step_due(&mut self, view: &DayView, id: u32) {
        let kind = self.step_kind(view, id);
        let e = self.enrollment(id);
        match (kind, e.stage()) {
            (StepKind::AutomatedEmail, _) | (StepKind::ManualEmail, Stage::TaskCompleted) => {
                self.place_send(view, id)
            }
            (StepKind::ManualEmail | StepKind::Task, _) => {
                let (lo, hi) = view.scenario.tasks.completion_hours;
                let span_seconds = (hi - lo) * SECONDS_PER_HOUR;
                let delay_seconds =
                    lo * SECONDS_PER_HOUR + self.stream(id, TASK_SLOT).below(span_seconds + 1);
                let done = self.user_moment(view, e.user, self.now + delay_seconds, false);
                let (step, contact) = (e.step, self.id(e.slot as usize));
                self.recorder
                    .traced(self.now, contact, || TracedEvent::TaskCreated {
                        step,
                        kind,
                        done,
                    });
                self.queue.push(done, id, Action::TaskDone);
            }
        }
    }

    fn task_done(&mut self, view: &DayView, id: u32) {
        let kind = self.step_kind(view, id);
        let e = &mut self.enrollments[id as usize];
        debug_assert_eq!(e.stage(), Stage::Executing);
        e.set_stage(Stage::TaskCompleted);
        e.base = self.now;
        match kind {
            StepKind::ManualEmail => self.place_send(view, id),
            StepKind::Task => self.advance(view, id),
            StepKind::AutomatedEmail => {
                unreachable!("seed {}: no task for an automated email", self.seed)
            }
        }
    }

    /// Puts the step's email in the inbox's send queue: it leaves at the inbox's next free
    /// slot, or, for a follow-up whose slot falls outside the allowed days or window, the step
    /// is due again at the next allowed moment.
    fn place_send(&mut self, view: &DayView, id: u32) {
        let e = self.enrollment(id);
        if e.via_gmail() && e.step == 0 {
            // Gmail sends step 1 itself: the platform's queue is not involved.
            return self.send(view, id);
        }
        let sending = &view.scenario.sending;
        let inbox = self.inbox_of(view, e.user);
        let (slot, minute_deferred) = self.inboxes[inbox].slot(self.now, sending);
        assert!(
            slot >= self.now,
            "seed {}: a send slot in the past",
            self.seed
        );
        let seq = &view.scenario.sequences[usize::from(e.sequence())];
        let cal = &view.scenario.calendar;
        if e.step > 0 && !cal.allows(slot, seq.weekdays_only, seq.send_window) {
            let again = cal.next_allowed(slot, seq.weekdays_only, seq.send_window);
            assert!(
                again > self.now,
                "seed {}: a step due again later",
                self.seed
            );
            self.queue.push(again, id, Action::StepDue);
            return;
        }
        self.inboxes[inbox].reserve(slot);
        if minute_deferred {
            self.recorder.on_minute_deferral(self.now);
        }
        if slot == self.now {
            self.send(view, id);
        } else {
            self.queue.push(slot, id, Action::Send);
        }
    }

    /// The step's email leaves now, or the step fails.
    fn send(&mut self, view: &DayView, id: u32) {
        let scenario = view.scenario;
        let e = self.enrollment(id);
        debug_assert_ne!(e.stage(), Stage::Ended);
        let (c, step, retry) = (e.slot as usize, e.step, e.retry);
        let user = &view.users[e.user as usize];
        let by_gmail = e.via_gmail() && step == 0;
        let inbox = self.inbox_of(view, e.user);
        let flags = self.contact_flags(c, Self::subscription_type(view, e.sequence()));
        let record = self.slots[c];
        let contact = record.id;
        if let Some((fact, outcome)) = mail::address_stop(flags) {
            self.recorder
                .traced(self.now, contact, || TracedEvent::SendStopped {
                    step,
                    fact,
                });
            return self.end(view, id, outcome);
        }
        let draws = SendDraws::draw(&mut self.stream(id, retry.into()), &scenario.engagement);
        let refusal = if by_gmail {
            None
        } else {
            self.inboxes[inbox].check(self.now, &scenario.sending).err()
        };
        let verdict =
            mail::sender_verdict(by_gmail, refusal, draws.fail, &scenario.sending, user.inbox);
        if let Some(failed) = verdict {
            return self.fail_step(view, id, failed);
        }

        // The email leaves.
        self.inboxes[inbox].record(self.now);
        let sent_24h = self.inboxes[inbox].sent_24h(self.now);
        self.recorder.on_inbox_usage(inbox, sent_24h);
        self.guards.on_send(inbox, self.now);
        let provider = &scenario.population.mailbox_providers[usize::from(record.mailbox_provider)];
        let reply = mail::recipient_answer(record.invalid, provider, draws.answer);
        let e = self.enrollment(id);
        let send = SendRecord {
            time: self.now,
            user: e.user,
            contact,
            sequence: e.sequence(),
            step,
            by_gmail,
            contact_flags: flags,
            rejected_in_sequence: record.rejected_sequences & (1 << e.sequence()) != 0,
            reply,
        };
        self.recorder.on_send(provider_slot(user), send, retry);
        match reply.kind() {
            ReplyKind::HardBounce => self.hard_bounce(view, id),
            ReplyKind::SoftBounce => self.soft_bounce(view, id),
            ReplyKind::PolicyRejection => {
                let sequence = self.enrollment(id).sequence;
                self.slots[c].rejected_sequences |= 1 << sequence;
                self.end(view, id, Outcome::OtherSendRejected);
            }
            ReplyKind::Delivered => {
                if let Some(reaction) = mail::pick_reaction(&scenario.engagement, &draws) {
                    // A reaction takes at least a minute.
                    let at = self.now + 60 + draws.reaction_delay_seconds;
                    self.queue.push(at, id, Action::React(reaction));
                }
                self.advance(view, id);
            }
            ReplyKind::SenderQuota => unreachable!("a sender-side answer"),
        }
    }

    /// The step failed before its email left: the enrollment ends with the failure.
    fn fail_step(&mut self, view: &DayView, id: u32, failed: FailedStep) {
        let e = self.enrollment(id);
        let slot = provider_slot(&view.users[e.user as usize]);
        let (contact, step) = (self.id(e.slot as usize), e.step);
        self.recorder
            .on_step_failed(self.now, slot, contact, step, failed);
        self.end(view, id, Outcome::StepFailed(failed.failure));
    }

    /// 550 5.1.1: the address is BOUNCED and RECIPIENT_PREVIOUSLY_BOUNCED_ON_PORTAL in this
    /// portal, and the person joins the global bounce list at the next daily merge.
    fn hard_bounce(&mut self, view: &DayView, id: u32) {
        let e = self.enrollment(id);
        let c = e.slot as usize;
        let inbox = self.inbox_of(view, e.user);
        self.learn(c, ContactFlags::BOUNCED | ContactFlags::BOUNCED_ON_PORTAL);
        let person = self.slots[c].person;
        let domain = view.mailboxes.domain(person);
        self.guards.on_hard_bounce(inbox, domain, self.now);
        self.global_bounces.push(person);
        self.end(view, id, Outcome::Bounced);
    }

    /// A transient answer: retried with doubling backoff; once retries run out it counts as
    /// a bounce of this contact (the address is not known to be dead, so no global listing).
    fn soft_bounce(&mut self, view: &DayView, id: u32) {
        let sending = &view.scenario.sending;
        let e = &mut self.enrollments[id as usize];
        if u32::from(e.retry) < sending.soft_bounce_retries {
            let backoff_seconds = (sending.retry_backoff_minutes * 60) << e.retry;
            e.retry += 1;
            self.queue
                .push(self.now + backoff_seconds, id, Action::StepDue);
        } else {
            let c = e.slot as usize;
            self.learn(c, ContactFlags::BOUNCED);
            self.end(view, id, Outcome::Bounced);
        }
    }

    /// The current step is done: on to the next, or FINISHED after the last.
    fn advance(&mut self, view: &DayView, id: u32) {
        let now = self.now;
        let e = &mut self.enrollments[id as usize];
        let seq = &view.scenario.sequences[usize::from(e.sequence())];
        let next = usize::from(e.step) + 1;
        if next == seq.steps.len() {
            return self.end(view, id, Outcome::Finished);
        }
        e.step = next as u8;
        e.retry = 0;
        e.set_stage(Stage::Executing);
        // A step that left late (a full send queue, a retry) can put the nominal time of the
        // next one in the past: then it is due now.
        let nominal = e.base + seq.steps[next].delay_days * SECONDS_PER_DAY;
        let cal = &view.scenario.calendar;
        let due = cal.next_allowed(nominal.max(now), seq.weekdays_only, seq.send_window);
        assert!(
            due >= now && due >= e.base,
            "seed {}: the next step is later",
            self.seed
        );
        e.base = due;
        self.queue.push(due, id, Action::StepDue);
    }

    /// The recipient reacts to an email of enrollment `id`. Complaints and unsubscribes mark
    /// the contact whatever became of the enrollment; any unenrolling reaction ends the
    /// contact's active enrollment, whichever it is.
    fn react(&mut self, view: &DayView, id: u32, reaction: Reaction) {
        let e = self.enrollment(id);
        let (c, sequence) = (e.slot as usize, e.sequence());
        let contact = self.id(c);
        let slot = provider_slot(&view.users[e.user as usize]);
        let inbox = self.inbox_of(view, e.user);
        self.recorder
            .on_reaction(self.now, slot, contact, reaction, sequence);
        match reaction {
            Reaction::SpamComplaint => self.guards.on_complaint(inbox, self.now),
            Reaction::Reply | Reaction::MeetingBooked => self.guards.on_engagement(c, self.now),
            Reaction::Unsubscribe { .. } | Reaction::OutOfOffice => {}
        }
        match reaction {
            Reaction::SpamComplaint => self.learn(c, ContactFlags::MARKED_AS_SPAM),
            Reaction::Unsubscribe { all: true } => self.learn(c, ContactFlags::UNSUBSCRIBED),
            Reaction::Unsubscribe { all: false } => {
                self.opt_out(c, Self::subscription_type(view, sequence))
            }
            Reaction::Reply | Reaction::MeetingBooked | Reaction::OutOfOffice => {}
        }
        let active = self.slots[c].active;
        if let Some(outcome) = reaction.outcome() {
            if active != NOT_ENROLLED && active != ENROLLED_ELSEWHERE {
                self.end(view, active, outcome);
            }
        }
    }

    /// Ends enrollment `id` with `outcome`, and schedules its re-enrollment if the policy says
    /// so.
    fn end(&mut self, view: &DayView, id: u32, outcome: Outcome) {
        let e = &mut self.enrollments[id as usize];
        assert_ne!(
            e.stage(),
            Stage::Ended,
            "seed {}: enrollment {id} ended twice",
            self.seed
        );
        e.set_stage(Stage::Ended);
        let c = e.slot as usize;
        let steps = view.scenario.sequences[usize::from(e.sequence())]
            .steps
            .len();
        let contact = self.id(c);
        if self.slots[c].active == id {
            self.slots[c].active = NOT_ENROLLED;
        }
        self.recorder.on_end(self.now, id, contact, outcome);
        self.guards.on_end(c, outcome, self.now);
        self.release_scheduled(view, id);

        if let Outcome::StepFailed(failure) = outcome {
            self.act_on_failure(view, id, failure, steps);
        }
    }

    /// Frees the days still ahead that the ended enrollment `id` held under the sequences daily
    /// limit.
    fn release_scheduled(&mut self, view: &DayView, id: u32) {
        if self.schedule.is_none() {
            return;
        }
        let e = self.enrollment(id);
        let seq = &view.scenario.sequences[usize::from(e.sequence())];
        let start = self.starts[id as usize];
        let days = schedule::email_days(&view.scenario.calendar, seq, start.time, start.step);
        let inbox = self.inbox_of(view, e.user);
        let today = self.now / SECONDS_PER_DAY;
        if let Some(schedule) = &mut self.schedule {
            schedule.release_after(inbox, &days, today);
        }
    }

    /// The user whose enrollment `id` failed with `failure` acts as the scenario's remedy says:
    /// or not at all (the remedy's share), and otherwise on the user's own clock.
    fn act_on_failure(&mut self, view: &DayView, id: u32, failure: StepFailure, steps: usize) {
        let Reenrollment::Act(remedies) = &view.scenario.reenrollment else {
            return;
        };
        let remedy = remedies[failure.index()];
        let e = self.enrollment(id);
        let (contact, user, step) = (self.id(e.slot as usize), e.user, e.step);
        let Some(resume) = mail::resume_step(remedy.resume_at, step, steps) else {
            return;
        };
        if !self.stream(id, ACT_SLOT).chance(remedy.share) {
            self.recorder
                .traced(self.now, contact, || TracedEvent::UserDoesNotAct);
            return;
        }
        let earliest = self.now + remedy.delay_minutes * 60;
        let at = self.user_moment(view, user, earliest, remedy.reconnect_first);
        let via_gmail = remedy.from_gmail && resume == 0;
        let action = Action::ReEnroll {
            step: resume,
            via_gmail,
        };
        if self.queue.push(at, id, action) {
            self.recorder
                .traced(self.now, contact, || TracedEvent::ReEnrollScheduled {
                    step: resume,
                    at,
                    via_gmail,
                });
        }
    }

    /// The first moment at or after `t` when `user` is at work (a weekday, within the plan's
    /// working hours) and, if `needs_inbox`, the user's inbox is connected.
    fn user_moment(&self, view: &DayView, user: u32, t: SimTime, needs_inbox: bool) -> SimTime {
        let spans: &[(SimTime, SimTime)] = if needs_inbox {
            &view.users[user as usize].disconnected
        } else {
            &[]
        };
        let (from, to) = view.scenario.plan.working_hours;
        let at = mail::user_moment(&view.scenario.calendar, (from * 60, to * 60), spans, t);
        assert!(
            at >= t,
            "seed {}: the user acts later, not earlier",
            self.seed
        );
        at
    }
}
