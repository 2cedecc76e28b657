//! The recorder: beside the engine, not inside it. The portal tells it what happened
//! (`on_attempt`, `on_send`, `on_step_failed`, `on_reaction`, `on_end`, ...); it keeps the
//! counters, the daily series, and whatever recordings the run asked for (the traced contact's
//! journey, the audit, every contact's journey). The engine's control flow never reads
//! what is recorded.

use model::{Conditions, Decision, LimitSide, Outcome, RejectionCode, ReplyKind, StepFailure};

use crate::time::{SimTime, SECONDS_PER_DAY};

use super::facts::{AttemptFacts, DecidedAttempt, Observed};
use super::journey::{JourneyEntry, JourneyLog, Journeys};
use super::mail::{FailedStep, Reaction};
use super::result::{
    AttemptRecord, Audit, Counters, DayCounter, DayCounts, InboxPeak, Recordings, SendRecord,
    TraceEntry, TracedEvent,
};
use super::AttemptRequest;

/// What to record for one portal.
pub(crate) struct RecorderConfig {
    /// The portal's first contact and its number of contacts.
    pub contacts: std::ops::Range<u32>,
    /// The traced contact, if it is in this portal.
    pub trace_contact: Option<u32>,
    /// Whether to keep an audit.
    pub audit: bool,
    /// Whether to keep every contact's journey.
    pub journeys: bool,
    /// Whether to keep every attempt's facts.
    pub attempts: bool,
    /// Simulated days.
    pub horizon_days: u32,
    /// Whether to hash every event per day.
    pub event_hashes: bool,
    /// Per inbox of the portal (in its users' order): its daily cap and provider slot if it
    /// is a sending inbox.
    pub inbox_caps: Vec<Option<(u32, usize)>>,
}

/// One portal's recorder.
pub(crate) struct Recorder {
    counters: Counters,
    contacts: std::ops::Range<u32>,
    trace_contact: Option<u32>,
    trace: Vec<TraceEntry>,
    audit: Option<Audit>,
    journeys: Option<JourneyLog>,
    attempts: Option<Vec<DecidedAttempt>>,
    /// Per simulated day, a running hash of the day's events, when asked for.
    hashes: Option<Vec<u64>>,
    inbox_caps: Vec<Option<(u32, usize)>>,
    /// Per inbox: the highest rolling-24-hour usage seen.
    peak_sent_24h: Vec<u32>,
}

impl Recorder {
    pub fn new(config: RecorderConfig) -> Self {
        assert!(config
            .trace_contact
            .is_none_or(|c| config.contacts.contains(&c)));
        Self {
            counters: Counters::new(config.horizon_days),
            contacts: config.contacts,
            trace_contact: config.trace_contact,
            trace: Vec::new(),
            audit: config.audit.then(|| Audit {
                event_times: vec![Vec::new()],
                ..Audit::default()
            }),
            journeys: config.journeys.then(JourneyLog::default),
            attempts: config.attempts.then(Vec::new),
            hashes: (config.event_hashes).then(|| vec![0; config.horizon_days as usize]),
            peak_sent_24h: vec![0; config.inbox_caps.len()],
            inbox_caps: config.inbox_caps,
        }
    }

    /// Folds `value` into the hash of the day of `time`: a cheap mix (SplitMix64's finalizer
    /// over the running value), order-sensitive, so any change of an event, its time or its
    /// place among the day's events changes the day's hash.
    fn hash(&mut self, time: SimTime, value: u64) {
        if let Some(hashes) = &mut self.hashes {
            let day = &mut hashes[(time / SECONDS_PER_DAY) as usize];
            let mut z = (*day ^ value).wrapping_add(0x9e37_79b9_7f4a_7c15);
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            *day = z ^ (z >> 31);
        }
    }

    /// The counters of `slot` on the day of `time`.
    fn day(&mut self, time: SimTime, slot: usize) -> &mut DayCounts {
        let day = (time / SECONDS_PER_DAY) as usize;
        debug_assert!(
            day < self.counters.daily.len(),
            "events stop at the horizon"
        );
        &mut self.counters.daily[day][slot]
    }

    /// Adds `entry` to the journey of `contact`, if journeys are recorded.
    fn journey(&mut self, contact: u32, entry: JourneyEntry) {
        if let Some(log) = &mut self.journeys {
            debug_assert!(self.contacts.contains(&contact));
            log.push(contact - self.contacts.start, entry);
        }
    }

    /// Whether `contact` is the traced contact.
    pub fn traces(&self, contact: u32) -> bool {
        self.trace_contact == Some(contact)
    }

    /// Adds `event` to the trace if `contact` is the traced contact.
    pub fn traced(&mut self, time: SimTime, contact: u32, event: impl FnOnce() -> TracedEvent) {
        if self.trace_contact == Some(contact) {
            self.trace.push(TraceEntry {
                time,
                event: event(),
            });
        }
    }

    /// Adds `event` to the trace if this portal holds the traced contact.
    pub fn note(&mut self, time: SimTime, event: TracedEvent) {
        if let Some(contact) = self.trace_contact {
            self.traced(time, contact, || event);
        }
    }

    /// Whether the run records every attempt.
    pub fn records_attempts(&self) -> bool {
        self.attempts.is_some()
    }

    /// An event (or a planned attempt) is processed at `time`.
    pub fn on_event(&mut self, time: SimTime) {
        self.counters.events += 1;
        self.hash(time, u64::from(time));
        if let Some(audit) = &mut self.audit {
            audit.event_times[0].push(time);
        }
    }

    /// The facts of an attempt, and the rule set's decision on them (which a driven run may
    /// not follow).
    #[inline]
    pub fn on_attempt_facts(
        &mut self,
        facts: &AttemptFacts,
        observed: Observed,
        decision: Decision,
    ) {
        if let Some(attempts) = &mut self.attempts {
            attempts.push(DecidedAttempt {
                facts: *facts,
                observed,
                decision,
            });
        }
    }

    /// An attempt was decided.
    pub fn on_attempt(
        &mut self,
        time: SimTime,
        request: &AttemptRequest,
        conditions: Conditions,
        was_active: bool,
        decision: Decision,
    ) {
        let code = match decision {
            Decision::Enrolled => 0,
            Decision::Rejected(code) => 1 + code.index() as u64,
            Decision::Guarded(i) => 0x100 + u64::from(i),
        };
        self.hash(time, u64::from(request.contact) << 16 | code);
        let counters = &mut self.counters;
        counters.attempts += 1;
        counters.attempts_by_source[request.source.index()] += 1;
        match decision {
            Decision::Enrolled => counters.enrolled += 1,
            Decision::Rejected(code @ RejectionCode::SequencesDailyLimitReached) => {
                counters.rejected[code.index()] += 1;
                counters.limits.deferrals_by_day[(time / SECONDS_PER_DAY) as usize][0] += 1;
            }
            Decision::Rejected(code) => counters.rejected[code.index()] += 1,
            Decision::Guarded(i) => counters.guarded[usize::from(i)] += 1,
        }
        if let Some(audit) = &mut self.audit {
            audit.attempts.push(AttemptRecord {
                time,
                user: request.user,
                contact: request.contact,
                source: request.source,
                was_active,
                decision,
            });
        }
        self.journey(request.contact, JourneyEntry::Attempt(decision));
        self.traced(time, request.contact, || TracedEvent::Attempt {
            user: request.user,
            source: request.source,
            sequence: request.sequence,
            step: request.step,
            conditions,
            decision,
        });
    }

    /// The enrollment of `contact` attempted now is deferred to `to` by the sequences daily
    /// limit.
    pub fn on_deferred(&mut self, time: SimTime, contact: u32, to: SimTime) {
        self.counters.deferred_by_daily_limit += 1;
        self.counters.limits.deferrals_by_day[(time / SECONDS_PER_DAY) as usize][1] += 1;
        self.traced(time, contact, || TracedEvent::EnrollmentDeferred { to });
    }

    /// An email left (from the inbox of daily-series `slot`) and was answered.
    pub fn on_send(&mut self, slot: usize, send: SendRecord, retry: u8) {
        let reply = send.reply.kind() as u64;
        self.hash(
            send.time,
            u64::from(send.contact) << 24 | u64::from(send.step) << 8 | reply,
        );
        let day = self.day(send.time, slot);
        day.bump(DayCounter::Sent);
        match send.reply.kind() {
            ReplyKind::HardBounce => day.bump(DayCounter::HardBounces),
            ReplyKind::SoftBounce => day.bump(DayCounter::SoftBounces),
            ReplyKind::PolicyRejection => day.bump(DayCounter::Rejections),
            ReplyKind::Delivered => {}
            ReplyKind::SenderQuota => unreachable!("a sender-side answer"),
        }
        if let Some(audit) = &mut self.audit {
            audit.sends.push(send);
        }
        self.journey(send.contact, JourneyEntry::Sent(send.step));
        self.traced(send.time, send.contact, || TracedEvent::Sent {
            step: send.step,
            retry,
            reply: send.reply,
        });
    }

    /// A send falling due at `time` was placed in the next clock minute by the custom
    /// per-minute limit.
    pub fn on_minute_deferral(&mut self, time: SimTime) {
        self.counters.limits.deferrals_by_day[(time / SECONDS_PER_DAY) as usize][2] += 1;
    }

    /// A platform send of `inbox` (the portal's) left, `sent_24h` the inbox's rolling-24-hour
    /// usage with it.
    pub fn on_inbox_usage(&mut self, inbox: usize, sent_24h: u32) {
        let peak = &mut self.peak_sent_24h[inbox];
        *peak = (*peak).max(sent_24h);
    }

    /// A step of `contact` failed before its email left.
    pub fn on_step_failed(
        &mut self,
        time: SimTime,
        slot: usize,
        contact: u32,
        step: u8,
        failed: FailedStep,
    ) {
        let counter = match (failed.failure, failed.side) {
            (StepFailure::SendLimitReached, Some(side)) => {
                self.counters.limit_outcomes_by_side[side.index()] += 1;
                self.counters
                    .limits
                    .hit((time / SECONDS_PER_DAY) as usize, step, side);
                match side {
                    LimitSide::Platform => DayCounter::LimitHitsPlatform,
                    LimitSide::Provider => DayCounter::LimitHitsProvider,
                }
            }
            (StepFailure::SendLimitReached, None) => unreachable!("a limit has a side"),
            (StepFailure::SendFailure, _) => DayCounter::SendFailures,
            (StepFailure::InboxDisconnected, _) => DayCounter::InboxDisconnected,
            (StepFailure::GmailSendError, _) => DayCounter::GmailSendErrors,
        };
        self.day(time, slot).bump(counter);
        self.traced(time, contact, || TracedEvent::StepFailed {
            step,
            failure: failed.failure,
            side: failed.side,
            reply: failed.reply,
        });
    }

    /// The recipient `contact` of an email from the inbox of `slot` reacted.
    pub fn on_reaction(
        &mut self,
        time: SimTime,
        slot: usize,
        contact: u32,
        reaction: Reaction,
        sequence: u16,
    ) {
        let counter = match reaction {
            Reaction::Reply => DayCounter::Replies,
            Reaction::MeetingBooked => DayCounter::Meetings,
            Reaction::Unsubscribe { .. } => DayCounter::Unsubscribes,
            Reaction::SpamComplaint => DayCounter::Complaints,
            Reaction::OutOfOffice => DayCounter::OutOfOffice,
        };
        self.day(time, slot).bump(counter);
        self.traced(time, contact, || TracedEvent::Reacted {
            reaction,
            sequence,
        });
    }

    /// Enrollment `id` (the portal's `id`-th) of `contact` ended with `outcome`.
    pub fn on_end(&mut self, time: SimTime, id: u32, contact: u32, outcome: Outcome) {
        self.hash(time, u64::from(id) << 8 | outcome.index() as u64);
        self.counters.outcomes[outcome.index()] += 1;
        self.journey(contact, JourneyEntry::Ended(outcome));
        if let Some(audit) = &mut self.audit {
            // Outcomes are collected per enrollment id; pad for ids still running.
            if audit.outcomes.len() <= id as usize {
                audit.outcomes.resize(id as usize + 1, Outcome::StillActive);
            }
            audit.outcomes[id as usize] = outcome;
        }
        self.traced(time, contact, || TracedEvent::Ended(outcome));
    }

    /// Closes the recording at the horizon: `running` lists the contact of every enrollment
    /// still running, of `enrollments` made in all.
    pub fn finish(
        mut self,
        enrollments: usize,
        running: impl Iterator<Item = u32>,
    ) -> (Counters, Recordings) {
        for contact in running {
            self.counters.outcomes[Outcome::StillActive.index()] += 1;
            // A running enrollment is always its contact's last one.
            self.journey(contact, JourneyEntry::Ended(Outcome::StillActive));
        }
        if let Some(audit) = &mut self.audit {
            assert!(audit.outcomes.len() <= enrollments);
            audit.outcomes.resize(enrollments, Outcome::StillActive);
        }
        for (&peak, cap) in self.peak_sent_24h.iter().zip(&self.inbox_caps) {
            if let Some((cap, slot)) = *cap {
                (self.counters.limits.inbox_peaks).push(InboxPeak {
                    sent_24h: peak,
                    cap,
                    slot,
                });
            }
        }
        let recordings = Recordings {
            traced: None,
            trace: self.trace,
            audit: self.audit,
            journeys: (self.journeys).map(|log| Journeys::from_log(self.contacts, log)),
            attempts: self.attempts,
            event_hashes: self.hashes.map(|h| vec![h]),
        };
        (self.counters, recordings)
    }
}
