//! What a portal's CEL checks read beyond the attempt itself: the statistics of
//! [`crate::cel::Statistics`], each kept incrementally, and only when some expression reads it.

use std::collections::{BTreeMap, VecDeque};

use model::{InboxProvider, Outcome};

use super::Subject;
use crate::cel::{Facts, Reads, Statistics, Variable};
use crate::engine::AttemptFacts;
use crate::scenario::Source;
use crate::time::{SimTime, Weekday, SECONDS_PER_DAY};

/// The attempt a CEL check reads, as the engine knows it when the guards are asked.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Inputs<'a> {
    /// The attempt as the rules see it (its `guards` not yet set).
    pub attempt: &'a AttemptFacts,
    /// Its weekday.
    pub weekday: Weekday,
    /// The target sequence's name.
    pub sequence_name: &'a str,
    /// The target sequence's subscription type.
    pub subscription_type: &'a str,
    /// The enrolling user's inbox provider.
    pub provider: Option<InboxProvider>,
}

/// A CEL check that failed to evaluate on an attempt: the first of a portal's run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    /// The failing guard's index in the rule set.
    pub guard: usize,
    /// The attempt's contact.
    pub contact: u32,
    /// The attempt's time.
    pub time: SimTime,
    /// The interpreter's message.
    pub message: String,
}

impl RuleError {
    pub(crate) fn new(guard: usize, facts: &Facts, message: String) -> Self {
        Self {
            guard,
            contact: facts.attempt.contact,
            time: facts.attempt.time,
            message,
        }
    }
}

/// Seven days, the longest window a variable reads.
const WEEK: SimTime = 7 * SECONDS_PER_DAY;

/// A record's enrollments as CEL checks read them.
#[derive(Clone, Copy, Debug)]
struct ContactHistory {
    enrollments: u32,
    last_outcome: Option<Outcome>,
    last_end: Option<SimTime>,
    last_engagement: Option<SimTime>,
}

/// Events of one inbox, newest last, as long as some variable's window reaches them.
type Times = Vec<VecDeque<SimTime>>;

/// The statistics one portal's CEL checks read; a part no expression reads is `None`.
pub(crate) struct History {
    reads: Reads,
    /// Per inbox: sequence emails sent (kept 7 days if `sender.sent_7d` is read, else 24 hours).
    sends: Option<(Times, SimTime)>,
    bounces: Option<Times>,
    complaints: Option<Times>,
    /// Per inbox: the day of its last enrollment, and its enrollments and bulk enrollments that
    /// day.
    enrolled: Option<Vec<(u32, u32, u32)>>,
    domain_bounces: Option<BTreeMap<u32, u32>>,
    contacts: Option<Vec<ContactHistory>>,
}

/// Events in `times` less than `window` old at `now`.
fn within(times: &VecDeque<SimTime>, window: SimTime, now: SimTime) -> u32 {
    let old = times.partition_point(|&t| t + window <= now);
    (times.len() - old) as u32
}

/// Appends `t` to `times`, dropping what is `keep` old by then.
fn push(times: &mut VecDeque<SimTime>, t: SimTime, keep: SimTime) {
    debug_assert!(times.back().is_none_or(|&last| last <= t));
    while times.front().is_some_and(|&old| old + keep <= t) {
        times.pop_front();
    }
    times.push_back(t);
}

impl History {
    /// The parts `reads` needs, for `inboxes` inboxes and `contacts` contacts.
    pub fn new(reads: Reads, inboxes: usize, contacts: usize) -> Self {
        use Variable as V;
        let any = |vs: &[Variable]| vs.iter().any(|&v| reads.contains(v));
        let times = || vec![VecDeque::new(); inboxes];
        let contact_vars = [
            V::ContactEnrollments,
            V::ContactLastOutcome,
            V::ContactSecondsSinceEnrollmentEnd,
            V::ContactSecondsSinceEngagement,
        ];
        let empty = ContactHistory {
            enrollments: 0,
            last_outcome: None,
            last_end: None,
            last_engagement: None,
        };
        let keep = if reads.contains(V::SenderSent7d) {
            WEEK
        } else {
            SECONDS_PER_DAY
        };
        Self {
            reads,
            sends: any(&[V::SenderSent24h, V::SenderSent7d]).then(|| (times(), keep)),
            bounces: any(&[V::SenderBounces7d]).then(times),
            complaints: any(&[V::SenderComplaints7d]).then(times),
            enrolled: any(&[V::SenderEnrolledToday, V::SenderBulkEnrolledToday])
                .then(|| vec![(u32::MAX, 0, 0); inboxes]),
            domain_bounces: any(&[V::DomainBounces]).then(BTreeMap::new),
            contacts: any(&contact_vars).then(|| vec![empty; contacts]),
        }
    }

    /// The facts of the attempt of `inputs` about `subject` at `now`.
    pub fn facts<'a>(&self, inputs: &Inputs<'a>, subject: &Subject, now: SimTime) -> Facts<'a> {
        debug_assert_eq!(inputs.attempt.time, now);
        Facts {
            attempt: inputs.attempt,
            weekday: inputs.weekday,
            sequence_name: inputs.sequence_name,
            subscription_type: inputs.subscription_type,
            provider: inputs.provider,
            statistics: self.statistics(subject, now),
        }
    }

    /// The statistics at `now` for `subject`; zero (or never) where no expression reads them.
    fn statistics(&self, subject: &Subject, now: SimTime) -> Statistics {
        let mut s = Statistics::default();
        let inbox = subject.inbox;
        if let Some((sends, _)) = &self.sends {
            s.sent_24h = within(&sends[inbox], SECONDS_PER_DAY, now);
            s.sent_7d = within(&sends[inbox], WEEK, now);
            if !self.reads.contains(Variable::SenderSent7d) {
                s.sent_7d = 0;
            }
        }
        if let Some(bounces) = &self.bounces {
            s.bounces_7d = within(&bounces[inbox], WEEK, now);
        }
        if let Some(complaints) = &self.complaints {
            s.complaints_7d = within(&complaints[inbox], WEEK, now);
        }
        if let Some(enrolled) = &self.enrolled {
            let (day, all, bulk) = enrolled[inbox];
            if day == now / SECONDS_PER_DAY {
                (s.enrolled_today, s.bulk_enrolled_today) = (all, bulk);
            }
        }
        if let Some(counts) = &self.domain_bounces {
            s.domain_bounces = counts.get(&subject.domain).copied().unwrap_or(0);
        }
        if let Some(contacts) = &self.contacts {
            let c = contacts[subject.contact];
            s.enrollments = c.enrollments;
            s.last_outcome = c.last_outcome;
            s.since_enrollment_end = c.last_end.map(|t| now - t);
            s.since_engagement = c.last_engagement.map(|t| now - t);
        }
        s
    }

    pub fn on_send(&mut self, inbox: usize, t: SimTime) {
        if let Some((sends, keep)) = &mut self.sends {
            push(&mut sends[inbox], t, *keep);
        }
    }

    pub fn on_hard_bounce(&mut self, inbox: usize, domain: u32, t: SimTime) {
        if let Some(bounces) = &mut self.bounces {
            push(&mut bounces[inbox], t, WEEK);
        }
        if let Some(counts) = &mut self.domain_bounces {
            *counts.entry(domain).or_default() += 1;
        }
    }

    pub fn on_complaint(&mut self, inbox: usize, t: SimTime) {
        if let Some(complaints) = &mut self.complaints {
            push(&mut complaints[inbox], t, WEEK);
        }
    }

    pub fn on_engagement(&mut self, contact: usize, t: SimTime) {
        if let Some(contacts) = &mut self.contacts {
            contacts[contact].last_engagement = Some(t);
        }
    }

    pub fn on_end(&mut self, contact: usize, outcome: Outcome, t: SimTime) {
        if let Some(contacts) = &mut self.contacts {
            let c = &mut contacts[contact];
            (c.last_outcome, c.last_end) = (Some(outcome), Some(t));
        }
    }

    pub fn on_enroll(&mut self, inbox: usize, contact: usize, source: Source, t: SimTime) {
        if let Some(enrolled) = &mut self.enrolled {
            let day = t / SECONDS_PER_DAY;
            let (last_day, all, bulk) = &mut enrolled[inbox];
            if *last_day != day {
                (*last_day, *all, *bulk) = (day, 0, 0);
            }
            *all += 1;
            *bulk += u32::from(source == Source::CrmBulk);
        }
        if let Some(contacts) = &mut self.contacts {
            contacts[contact].enrollments += 1;
        }
    }
}

impl RuleError {
    /// The error as one paragraph for the person who wrote the check, naming the scenario,
    /// seed and contact that reproduce it.
    pub fn describe(&self, scenario: &crate::Scenario) -> String {
        let code = (scenario.rules.guards().get(self.guard)).map_or("?", |g| g.name.as_str());
        let source = match scenario.guards.get(self.guard).map(|g| &g.kind) {
            Some(crate::GuardKind::Expression(e)) => e.source(),
            _ => "?",
        };
        let (day, seconds) = (self.time / SECONDS_PER_DAY, self.time % SECONDS_PER_DAY);
        format!(
            "CEL check {code} (`{source}`) failed to evaluate on the attempt of contact {} on day {day} at {:02}:{:02} (scenario {}, seed {}): {}; nothing was written. Allowed: an expression every attempt can evaluate: guard what can fail with a test first (`sender.sent_7d > 0 && ...`)",
            self.contact,
            seconds / 3_600,
            seconds % 3_600 / 60,
            scenario.name,
            scenario.seed,
            self.message,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What happens to a portal of 2 inboxes, 3 contacts and 3 domains.
    #[derive(Clone, Copy, Debug)]
    enum Happening {
        Send(usize),
        Bounce(usize, u32),
        Complaint(usize),
        Engagement(usize),
        End(usize, Outcome),
        Enroll(usize, usize, Source),
    }

    fn happenings() -> impl Strategy<Value = Vec<(SimTime, Happening)>> {
        let outcome = prop_oneof![Just(Outcome::Finished), Just(Outcome::Bounced)];
        let source = prop_oneof![Just(Source::CrmBulk), Just(Source::CrmSingle)];
        let happening = prop_oneof![
            (0usize..2).prop_map(Happening::Send),
            (0usize..2, 0u32..3).prop_map(|(i, d)| Happening::Bounce(i, d)),
            (0usize..2).prop_map(Happening::Complaint),
            (0usize..3).prop_map(Happening::Engagement),
            (0usize..3, outcome).prop_map(|(c, o)| Happening::End(c, o)),
            (0usize..2, 0usize..3, source).prop_map(|(i, c, s)| Happening::Enroll(i, c, s)),
        ];
        // Times on a coarse grid of half days, so that windows' ends are hit exactly.
        let timed = ((0u32..40).prop_map(|h| h * SECONDS_PER_DAY / 2), happening);
        proptest::collection::vec(timed, 0..120).prop_map(|mut v| {
            v.sort_by_key(|&(t, _)| t);
            v
        })
    }

    /// The statistics at `now` for (inbox, contact, domain), recounted from the whole history:
    /// what happened before `now` (at `now` too: the engine asks after what happened then).
    fn recount(
        history: &[(SimTime, Happening)],
        q: (usize, usize, u32),
        now: SimTime,
    ) -> Statistics {
        use Happening as H;
        let (inbox, contact, domain) = q;
        let past = || history.iter().filter(|(t, _)| *t <= now);
        let recent = |window: SimTime, pick: &dyn Fn(&Happening) -> bool| {
            past().filter(|(t, h)| now - t < window && pick(h)).count() as u32
        };
        let today = |bulk: bool| {
            past()
                .filter(|(t, h)| t / SECONDS_PER_DAY == now / SECONDS_PER_DAY && matches!(h, H::Enroll(i, _, s) if *i == inbox && (!bulk || *s == Source::CrmBulk)))
                .count() as u32
        };
        let last_end = past().rfind(|(_, h)| matches!(h, H::End(c, _) if *c == contact));
        let engaged = past().rfind(|(_, h)| matches!(h, H::Engagement(c) if *c == contact));
        Statistics {
            enrollments: past()
                .filter(|(_, h)| matches!(h, H::Enroll(_, c, _) if *c == contact))
                .count() as u32,
            last_outcome: last_end.map(|(_, h)| match h {
                H::End(_, o) => *o,
                _ => unreachable!(),
            }),
            since_enrollment_end: last_end.map(|(t, _)| now - t),
            since_engagement: engaged.map(|(t, _)| now - t),
            domain_bounces: past()
                .filter(|(_, h)| matches!(h, H::Bounce(_, d) if *d == domain))
                .count() as u32,
            sent_24h: recent(SECONDS_PER_DAY, &|h| matches!(h, H::Send(i) if *i == inbox)),
            sent_7d: recent(WEEK, &|h| matches!(h, H::Send(i) if *i == inbox)),
            bounces_7d: recent(WEEK, &|h| matches!(h, H::Bounce(i, _) if *i == inbox)),
            complaints_7d: recent(WEEK, &|h| matches!(h, H::Complaint(i) if *i == inbox)),
            enrolled_today: today(false),
            bulk_enrolled_today: today(true),
        }
    }

    fn every_statistic() -> Reads {
        (Variable::ALL.iter())
            .filter(|v| v.is_statistic())
            .fold(Reads::NONE, |r, &v| r.with(v))
    }

    proptest! {
        #[test]
        fn every_statistic_equals_a_recount_of_the_whole_history(
            history in happenings(),
            q in (0usize..2, 0usize..3, 0u32..3),
            later in 0u32..3,
        ) {
            let mut kept = History::new(every_statistic(), 2, 3);
            for &(t, h) in &history {
                match h {
                    Happening::Send(i) => kept.on_send(i, t),
                    Happening::Bounce(i, d) => kept.on_hard_bounce(i, d, t),
                    Happening::Complaint(i) => kept.on_complaint(i, t),
                    Happening::Engagement(c) => kept.on_engagement(c, t),
                    Happening::End(c, o) => kept.on_end(c, o, t),
                    Happening::Enroll(i, c, s) => kept.on_enroll(i, c, s, t),
                }
            }
            let last = history.last().map_or(0, |(t, _)| *t);
            let now = last + later * SECONDS_PER_DAY / 2;
            let subject = Subject { inbox: q.0, contact: q.1, domain: q.2 };
            prop_assert_eq!(kept.statistics(&subject, now), recount(&history, q, now));
        }
    }

    #[test]
    fn a_statistic_no_expression_reads_is_not_kept() {
        let reads = Reads::NONE.with(Variable::SenderSent24h);
        let mut kept = History::new(reads, 1, 1);
        assert!(kept.bounces.is_none() && kept.contacts.is_none() && kept.enrolled.is_none());
        for t in [0, 10, 20] {
            kept.on_send(0, t);
            kept.on_hard_bounce(0, 0, t);
        }
        let s = kept.statistics(
            &Subject {
                inbox: 0,
                contact: 0,
                domain: 0,
            },
            30,
        );
        assert_eq!(
            (s.sent_24h, s.sent_7d, s.bounces_7d, s.domain_bounces),
            (3, 0, 0, 0)
        );
        // Kept 24 hours only: a send a day and a half old has been dropped.
        kept.on_send(0, 36 * 3_600);
        assert_eq!(kept.sends.as_ref().unwrap().0[0].len(), 1);
    }
}
