//! What a run produces: summable [`Counters`], optional [`Recordings`] (trace, audit,
//! journeys), and the shape of the world that was run. Integer counts only, so that reports are
//! exact and comparable.

use model::{
    AddressFlags, Conditions, ContactFlags, Decision, LimitSide, Outcome, RejectionCode, SmtpReply,
    StepFailure,
};

use crate::scenario::{Source, StepKind};
use crate::time::SimTime;

use super::facts::DecidedAttempt;
use super::journey::Journeys;
use super::mail::Reaction;

/// Slots of the daily series: one per [`model::InboxProvider`], then one for users without an
/// inbox.
pub const PROVIDER_SLOTS: usize = model::InboxProvider::ALL.len() + 1;

model::catalogue! {
    /// One counter of the daily series; names as reports spell them, in report order.
    pub enum DayCounter {
        /// Emails that left.
        Sent = "sent",
        /// Hard bounces (5.1.1).
        HardBounces = "hard_bounces",
        /// Soft bounces (4.x.x).
        SoftBounces = "soft_bounces",
        /// Policy rejections (5.7.1).
        Rejections = "rejections",
        /// Spam complaints.
        Complaints = "complaints",
        /// Unsubscribe clicks.
        Unsubscribes = "unsubscribes",
        /// Replies.
        Replies = "replies",
        /// Booked meetings.
        Meetings = "meetings",
        /// Out-of-office auto-replies.
        OutOfOffice = "out_of_office",
        /// Steps stopped by the platform's send limit.
        LimitHitsPlatform = "limit_hits_platform",
        /// Steps stopped by the sender's provider's limit.
        LimitHitsProvider = "limit_hits_provider",
        /// Steps failed with SEND_FAILURE.
        SendFailures = "send_failures",
        /// Steps failed with INBOX_DISCONNECTED.
        InboxDisconnected = "inbox_disconnected",
        /// Steps failed with GMAIL_SEND_ERROR.
        GmailSendErrors = "gmail_send_errors",
    }
}

/// The counters of one day and one sender provider slot, indexed by [`DayCounter`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DayCounts([u64; DayCounter::ALL.len()]);

impl DayCounts {
    /// The count of `counter`.
    pub fn get(&self, counter: DayCounter) -> u64 {
        self.0[counter.index()]
    }

    pub(crate) fn bump(&mut self, counter: DayCounter) {
        self.0[counter.index()] += 1;
    }

    fn add(&mut self, other: &DayCounts) {
        add_arrays(&mut self.0, &other.0);
    }
}

/// The counts of a run or of one portal's share of it; shares add up with [`Counters::add`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counters {
    /// Enrollment attempts made (planned and re-enrollments).
    pub attempts: u64,
    /// Attempts that enrolled the contact.
    pub enrolled: u64,
    /// Rejected attempts, indexed by [`RejectionCode::index`].
    pub rejected: [u64; RejectionCode::ALL.len()],
    /// Attempts rejected by the rule set's guards, indexed by guard.
    pub guarded: [u64; model::MAX_GUARDS],
    /// Attempts per source, indexed by [`Source::index`].
    pub attempts_by_source: [u64; Source::ALL.len()],
    /// Final outcome of every enrollment, indexed by [`Outcome::index`]; sums to `enrolled`.
    pub outcomes: [u64; Outcome::ALL.len()],
    /// SEND_LIMIT_REACHED outcomes by side, indexed by [`LimitSide::index`].
    pub limit_outcomes_by_side: [u64; LimitSide::ALL.len()],
    /// Per day, per sender provider slot (see [`PROVIDER_SLOTS`]).
    pub daily: Vec<[DayCounts; PROVIDER_SLOTS]>,
    /// Events processed (attempts included).
    pub events: u64,
    /// Enrollments the sequences daily limit deferred to a later day.
    pub deferred_by_daily_limit: u64,
    /// Why limits bind: see [`LimitCounts`].
    pub limits: LimitCounts,
}

/// What the report's "why limits bind" section is built from: where the limits were met, and
/// how close each inbox came to its cap.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LimitCounts {
    /// SEND_LIMIT_REACHED step failures by step index (0 is step 1), each indexed by
    /// [`LimitSide::index`]; as long as the highest step that met a limit.
    pub hits_by_step: Vec<[u64; LimitSide::ALL.len()]>,
    /// SEND_LIMIT_REACHED step failures per day (both sides), each day's by step index; a
    /// day's list is as long as its highest step that met a limit. Summed over the days, the
    /// same counts as `hits_by_step`.
    pub hits_by_day_step: Vec<Vec<u64>>,
    /// Per day: attempts the sequences daily limit refused (SEQUENCES_DAILY_LIMIT_REACHED),
    /// enrollments it deferred, and sends the custom per-minute limit moved to the next clock
    /// minute (counted when placed, by the day they fell due), in that order.
    pub deferrals_by_day: Vec<[u64; 3]>,
    /// Every sending inbox (see [`crate::estimate::sends_sequences`]), portals in order and
    /// the portal's users in order: its peak rolling-24-hour usage and its cap.
    pub inbox_peaks: Vec<InboxPeak>,
}

/// One inbox's peak rolling-24-hour usage against its cap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InboxPeak {
    /// The most sends the inbox's rolling window counted in any 24 hours. Gmail's own step-1
    /// sends count in it (the platform checks its limit before every other send, not those), so
    /// it can pass the cap.
    pub sent_24h: u32,
    /// The inbox's binding daily cap: the smaller of the platform's sequence limit and the
    /// provider's daily limit (less the user's other emails), when provider limits apply.
    pub cap: u32,
    /// The daily-series slot of the inbox's provider.
    pub slot: usize,
}

impl LimitCounts {
    fn new(horizon_days: u32) -> Self {
        Self {
            hits_by_step: Vec::new(),
            hits_by_day_step: vec![Vec::new(); horizon_days as usize],
            deferrals_by_day: vec![[0; 3]; horizon_days as usize],
            inbox_peaks: Vec::new(),
        }
    }

    /// A SEND_LIMIT_REACHED of `side` at step index `step` on day `day`.
    pub(crate) fn hit(&mut self, day: usize, step: u8, side: LimitSide) {
        let step = usize::from(step);
        if self.hits_by_step.len() <= step {
            self.hits_by_step
                .resize(step + 1, [0; LimitSide::ALL.len()]);
        }
        self.hits_by_step[step][side.index()] += 1;
        let steps = &mut self.hits_by_day_step[day];
        if steps.len() <= step {
            steps.resize(step + 1, 0);
        }
        steps[step] += 1;
    }

    fn add(&mut self, other: &LimitCounts) {
        if self.hits_by_step.len() < other.hits_by_step.len() {
            (self.hits_by_step).resize(other.hits_by_step.len(), [0; LimitSide::ALL.len()]);
        }
        for (a, b) in self.hits_by_step.iter_mut().zip(&other.hits_by_step) {
            add_arrays(a, b);
        }
        assert_eq!(self.hits_by_day_step.len(), other.hits_by_day_step.len());
        for (a, b) in (self.hits_by_day_step.iter_mut()).zip(&other.hits_by_day_step) {
            if a.len() < b.len() {
                a.resize(b.len(), 0);
            }
            a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
        }
        assert_eq!(self.deferrals_by_day.len(), other.deferrals_by_day.len());
        for (a, b) in (self.deferrals_by_day.iter_mut()).zip(&other.deferrals_by_day) {
            add_arrays(a, b);
        }
        self.inbox_peaks.extend_from_slice(&other.inbox_peaks);
    }
}

impl Counters {
    /// Zero counts over `horizon_days` days.
    pub fn new(horizon_days: u32) -> Self {
        Self {
            attempts: 0,
            enrolled: 0,
            rejected: [0; RejectionCode::ALL.len()],
            guarded: [0; model::MAX_GUARDS],
            attempts_by_source: [0; Source::ALL.len()],
            outcomes: [0; Outcome::ALL.len()],
            limit_outcomes_by_side: [0; LimitSide::ALL.len()],
            daily: vec![Default::default(); horizon_days as usize],
            events: 0,
            deferred_by_daily_limit: 0,
            limits: LimitCounts::new(horizon_days),
        }
    }

    /// Adds another share of the same run (same horizon).
    pub fn add(&mut self, other: &Counters) {
        assert_eq!(self.daily.len(), other.daily.len(), "shares of one horizon");
        self.attempts += other.attempts;
        self.enrolled += other.enrolled;
        add_arrays(&mut self.rejected, &other.rejected);
        add_arrays(&mut self.guarded, &other.guarded);
        add_arrays(&mut self.attempts_by_source, &other.attempts_by_source);
        add_arrays(&mut self.outcomes, &other.outcomes);
        add_arrays(
            &mut self.limit_outcomes_by_side,
            &other.limit_outcomes_by_side,
        );
        for (day, other_day) in self.daily.iter_mut().zip(&other.daily) {
            for (slot, other_slot) in day.iter_mut().zip(other_day) {
                slot.add(other_slot);
            }
        }
        self.events += other.events;
        self.deferred_by_daily_limit += other.deferred_by_daily_limit;
        self.limits.add(&other.limits);
    }

    /// Rejections with `code`.
    pub fn rejected(&self, code: RejectionCode) -> u64 {
        self.rejected[code.index()]
    }

    /// Enrollments that ended with `outcome`.
    pub fn outcome(&self, outcome: Outcome) -> u64 {
        self.outcomes[outcome.index()]
    }

    /// Attempts made from `source`.
    pub fn attempts_from(&self, source: Source) -> u64 {
        self.attempts_by_source[source.index()]
    }

    /// Every attempt has exactly one decision, every enrollment exactly one outcome.
    pub(crate) fn assert_balanced(&self, seed: u64) {
        let decided =
            self.enrolled + self.rejected.iter().sum::<u64>() + self.guarded.iter().sum::<u64>();
        assert_eq!(
            decided, self.attempts,
            "seed {seed}: every attempt gets exactly one decision"
        );
        let by_source: u64 = self.attempts_by_source.iter().sum();
        assert_eq!(
            by_source, self.attempts,
            "seed {seed}: every attempt has one source"
        );
        let ended: u64 = self.outcomes.iter().sum();
        assert_eq!(
            ended, self.enrolled,
            "seed {seed}: every enrollment ends in exactly one outcome"
        );
        let limited: u64 = self.limit_outcomes_by_side.iter().sum();
        assert_eq!(
            limited,
            self.outcome(Outcome::StepFailed(StepFailure::SendLimitReached)),
            "seed {seed}: every SEND_LIMIT_REACHED has one side"
        );
        let by_step: u64 = self.limits.hits_by_step.iter().flatten().sum();
        assert_eq!(
            limited, by_step,
            "seed {seed}: every limit hit has one step"
        );
        let by_day_step: u64 = self.limits.hits_by_day_step.iter().flatten().sum();
        assert_eq!(
            limited, by_day_step,
            "seed {seed}: every limit hit has one day and step"
        );
        let by_day = (self.limits.deferrals_by_day.iter())
            .fold([0, 0], |[r, d], day| [r + day[0], d + day[1]]);
        assert_eq!(
            by_day,
            [
                self.rejected(RejectionCode::SequencesDailyLimitReached),
                self.deferred_by_daily_limit
            ],
            "seed {seed}: every daily-limit refusal and deferral has one day"
        );
    }
}

fn add_arrays<const N: usize>(into: &mut [u64; N], from: &[u64; N]) {
    for (a, b) in into.iter_mut().zip(from) {
        *a += b;
    }
}

/// The size of the world a run ran over.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorldShape {
    /// Contact records.
    pub contacts: u64,
    /// Portals.
    pub portals: u64,
    /// Users.
    pub users: u64,
    /// Simulated days.
    pub horizon_days: u32,
    /// Which daily-series provider slots have users.
    pub provider_slots_used: [bool; PROVIDER_SLOTS],
}

/// What a run produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunResult {
    /// The world's size.
    pub shape: WorldShape,
    /// The counts.
    pub counters: Counters,
    /// What was recorded beside the counts, as [`super::RunOptions`] asked.
    pub recordings: Recordings,
    /// The first CEL check that failed to evaluate (in portal order, then time order), if
    /// one did: the run is then not a valid result of its rule set, and is not to be reported.
    pub rule_error: Option<super::guards::RuleError>,
}

impl RunResult {
    /// Rejections with `code`.
    pub fn rejected(&self, code: RejectionCode) -> u64 {
        self.counters.rejected(code)
    }

    /// Enrollments that ended with `outcome`.
    pub fn outcome(&self, outcome: Outcome) -> u64 {
        self.counters.outcome(outcome)
    }
}

/// Recordings of a run beyond its counts; each is present only when asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recordings {
    /// The traced contact at the start, if one was asked for and exists.
    pub traced: Option<TracedContact>,
    /// The traced contact's journey, in time order.
    pub trace: Vec<TraceEntry>,
    /// Every attempt, send and outcome, when auditing.
    pub audit: Option<Audit>,
    /// Each contact's journey, by contact id, when asked for.
    pub journeys: Option<Journeys>,
    /// Every attempt's facts and the rule set's decision, per portal in time order, portals in
    /// order, when asked for (`RunOptions::attempts`).
    pub attempts: Option<Vec<DecidedAttempt>>,
    /// A running hash of every event, per portal (outer, in portal order) per simulated day
    /// (inner), when asked for: what `--check-determinism` compares.
    pub event_hashes: Option<Vec<Vec<u64>>>,
}

impl Recordings {
    /// Appends a later portal's recordings (portals come in order, so contacts stay in id
    /// order).
    pub(crate) fn append(&mut self, later: Recordings) {
        assert!(later.traced.is_none(), "the traced contact is set once");
        self.trace.extend(later.trace);
        if let (Some(audit), Some(more)) = (&mut self.audit, later.audit) {
            audit.attempts.extend(more.attempts);
            audit.sends.extend(more.sends);
            audit.event_times.extend(more.event_times);
            audit.outcomes.extend(more.outcomes);
        }
        if let (Some(all), Some(more)) = (&mut self.journeys, later.journeys) {
            all.append(more);
        }
        if let (Some(all), Some(more)) = (&mut self.attempts, later.attempts) {
            all.extend(more);
        }
        if let (Some(all), Some(more)) = (&mut self.event_hashes, later.event_hashes) {
            all.extend(more);
        }
    }
}

/// Where two runs' event hashes first differ: the earliest simulated day with a differing
/// portal, and the first such portal of that day; `None` when they are identical. Runs of
/// different shapes (portal or day counts) differ at the first index one lacks.
pub fn first_divergence(a: &[Vec<u64>], b: &[Vec<u64>]) -> Option<(u32, u32)> {
    let portals = a.len().max(b.len());
    let days = (a.iter().chain(b)).map(Vec::len).max().unwrap_or(0);
    for day in 0..days {
        for portal in 0..portals {
            let x = a.get(portal).and_then(|p| p.get(day));
            let y = b.get(portal).and_then(|p| p.get(day));
            if x != y {
                return Some((day as u32, portal as u32));
            }
        }
    }
    None
}

/// One moment of the traced contact's journey.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEntry {
    /// When it happened.
    pub time: SimTime,
    /// What happened.
    pub event: TracedEvent,
}

/// What happened in the traced contact's journey.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TracedEvent {
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
    /// What the rule set's CEL checks read at the attempt just before, and what each said.
    ChecksRead(Vec<super::guards::CheckReading>),
    /// The sequences daily limit deferred the enrollment: its first step runs at `to`.
    EnrollmentDeferred {
        /// When the enrollment's first step runs.
        to: SimTime,
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
    /// A step failed (domain §4).
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
    /// The step's email was not sent: the address learned `fact` while the enrollment ran
    /// (on another record of the address), which ends the enrollment.
    SendStopped {
        /// The step.
        step: u8,
        /// The address's fact.
        fact: RejectionCode,
    },
    /// The recipient reacted to an email of `sequence`.
    Reacted {
        /// The reaction.
        reaction: Reaction,
        /// The sequence of the email (an unsubscribe from its type opts out of that type).
        sequence: u16,
    },
    /// The enrollment ended.
    Ended(Outcome),
    /// The user will re-enroll the contact at `step`, at `at`.
    ReEnrollScheduled {
        /// The step to resume at.
        step: u8,
        /// When (the user's clock: a weekday, working hours, the inbox connected if asked).
        at: SimTime,
        /// From the Gmail extension rather than the CRM.
        via_gmail: bool,
    },
    /// The user does not act on the step failure (the remedy's share).
    UserDoesNotAct,
    /// The platform's global bounce list recorded a bounce of the address from `portal` (at
    /// the daily merge): attempts in other portals now see
    /// RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY.
    GlobalBounceListed {
        /// The portal whose mail bounced.
        portal: u32,
    },
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
    /// Facts about the record and its address in the portal.
    pub flags: ContactFlags,
    /// The subscription types the address opted out of.
    pub opted_out_of: Vec<String>,
    /// The sequences in which a provider rejected an email to the contact.
    pub rejected_in: Vec<String>,
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
    /// The sequence.
    pub sequence: u16,
    /// The step index (0 is step 1).
    pub step: u8,
    /// Sent by Gmail itself (step 1 of a Gmail-extension enrollment), not by the platform.
    pub by_gmail: bool,
    /// The contact record's facts at the moment of sending.
    pub contact_flags: ContactFlags,
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
    /// Outcome of every enrollment (at the horizon, STILL_ACTIVE for those not ended), per
    /// portal in enrollment order, portals in order.
    pub outcomes: Vec<Outcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_add_field_by_field() {
        let mut a = Counters::new(2);
        let mut b = Counters::new(2);
        a.attempts = 3;
        a.enrolled = 1;
        a.rejected[RejectionCode::Bounced.index()] = 2;
        b.attempts = 4;
        b.enrolled = 4;
        b.outcomes[Outcome::Finished.index()] = 4;
        b.daily[1][2].bump(DayCounter::Replies);
        b.daily[1][2].bump(DayCounter::Replies);
        b.events = 9;
        a.add(&b);
        assert_eq!((a.attempts, a.enrolled, a.events), (7, 5, 9));
        assert_eq!(a.rejected(RejectionCode::Bounced), 2);
        assert_eq!(a.outcome(Outcome::Finished), 4);
        assert_eq!(a.daily[1][2].get(DayCounter::Replies), 2);
        assert_eq!(a.daily[0][2].get(DayCounter::Replies), 0);
    }

    #[test]
    fn day_counter_names_are_the_report_keys() {
        let names: Vec<&str> = DayCounter::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names[0], "sent");
        assert_eq!(names[13], "gmail_send_errors");
        assert_eq!(names.len(), 14);
    }
}
