//! The rule set's guards at run time: the statistics they read, kept incrementally as the
//! portal's events happen (no scan per attempt), and which guards hold for an attempt.
//!
//! Each statistic is told what happened (`on_send`, `on_hard_bounce`, `on_complaint`,
//! `on_engagement`, `on_end`, `on_enroll`) and answers `holds` for one attempt: the sender's
//! inbox, the contact, the contact's domain and the time.

use std::collections::{BTreeMap, VecDeque};

use model::Outcome;

use crate::cel::{Facts, Memo, Reads};
use crate::engine::Observed;
use crate::scenario::{Guard, GuardKind, RateWindow, Source};
use crate::time::{SimTime, SECONDS_PER_DAY, SECONDS_PER_HOUR};

mod history;

use history::History;
pub(crate) use history::Inputs;
pub use history::RuleError;

/// Marks "never" in per-contact times.
const NEVER: SimTime = SimTime::MAX;

/// Events of one inbox in a rolling window: sends, and the events whose rate over sends a
/// guard watches (hard bounces, or complaints).
#[derive(Clone, Debug)]
pub(crate) struct RollingRate {
    window: RateWindow,
    sends: VecDeque<SimTime>,
    hits: VecDeque<SimTime>,
}

impl RollingRate {
    /// An empty window.
    pub fn new(window: RateWindow) -> Self {
        Self {
            window,
            sends: VecDeque::new(),
            hits: VecDeque::new(),
        }
    }

    /// Drops what left the window by `now`: in hours, what is at least that old; in sends,
    /// the hits before the oldest send kept (the sends themselves leave as new ones come).
    fn expire(&mut self, now: SimTime) {
        match self.window {
            RateWindow::Hours(hours) => {
                let window = hours * SECONDS_PER_HOUR;
                for queue in [&mut self.sends, &mut self.hits] {
                    while queue.front().is_some_and(|&t| t + window <= now) {
                        queue.pop_front();
                    }
                }
            }
            RateWindow::Sends(_) => {
                if let Some(&oldest) = self.sends.front() {
                    while self.hits.front().is_some_and(|&t| t < oldest) {
                        self.hits.pop_front();
                    }
                }
            }
        }
    }

    /// Whether, over the window at `now`, at least `min_sends` sends were made and hits over
    /// sends is above `threshold`.
    pub fn above(&mut self, now: SimTime, threshold: f64, min_sends: u32) -> bool {
        self.expire(now);
        let sends = self.sends.len();
        if let RateWindow::Sends(n) = self.window {
            assert!(sends <= n as usize, "a window of {n} sends holds {sends}");
        }
        sends > 0
            && sends >= min_sends as usize
            && self.hits.len() as f64 > threshold * sends as f64
    }

    /// A send at `t` (calls come in time order).
    pub fn send(&mut self, t: SimTime) {
        debug_assert!(self.sends.back().is_none_or(|&last| last <= t));
        self.sends.push_back(t);
        if let RateWindow::Sends(n) = self.window {
            if self.sends.len() > n as usize {
                self.sends.pop_front();
                self.expire(t);
            }
        }
    }

    /// A hit at `t` (calls come in time order).
    pub fn hit(&mut self, t: SimTime) {
        debug_assert!(self.hits.back().is_none_or(|&last| last <= t));
        self.hits.push_back(t);
    }
}

/// One guard's statistic for one portal.
enum Statistic {
    /// Per inbox.
    Rate(Vec<RollingRate>),
    /// Hard bounces per domain in the portal.
    DomainBounces(BTreeMap<u32, u32>),
    /// Per local contact: when its last enrollment ended.
    LastEnd(Vec<SimTime>),
    /// Per inbox: the day of its last enrollment and its enrollments that day.
    Enrollments(Vec<(u32, u32)>),
    /// Per local contact: its last reply or meeting.
    LastEngagement(Vec<SimTime>),
    /// A CEL check reads the portal's [`History`]; its verdicts so far, by what it read.
    Expression(Memo),
}

/// One CEL check at one traced attempt: the variables it read, their values, and its verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckReading {
    /// The check's guard index in the rule set.
    pub guard: u8,
    /// Each variable the expression reads, with its value as CEL writes it.
    pub values: Vec<(crate::cel::Variable, String)>,
    /// True: it refused (or would have, were an earlier check not first); an evaluation error's
    /// text.
    pub verdict: Result<bool, String>,
}

/// One portal's guards.
pub(crate) struct Guards {
    specs: Vec<Guard>,
    stats: Vec<Statistic>,
    /// Per guard and inbox: the end of the sender's pause, for pausing guards.
    paused_until: Vec<Vec<SimTime>>,
    /// Whether any guard is a CEL check.
    expressions: bool,
    /// The statistics the CEL checks read (every one, made to observe), if any are kept.
    history: Option<History>,
    /// The first evaluation error of a CEL check, if one failed.
    error: Option<RuleError>,
}

/// What one attempt's guards read.
pub(crate) struct Subject {
    /// The sender's inbox (its index in the portal).
    pub inbox: usize,
    /// The contact (its index in the portal).
    pub contact: usize,
    /// The domain of the contact's address.
    pub domain: u32,
}

impl Guards {
    /// The guards `specs` for a portal of `inboxes` users and `contacts` contacts; with
    /// `observe`, every statistic is kept (for [`Self::observe`]), not only what CEL checks
    /// read.
    pub fn new(specs: &[Guard], inboxes: usize, contacts: usize, observe: bool) -> Self {
        assert!(specs.len() <= model::MAX_GUARDS);
        let stats = specs
            .iter()
            .map(|g| match g.kind {
                GuardKind::SenderBounceRate { window, .. }
                | GuardKind::SenderComplaintRate { window, .. } => {
                    Statistic::Rate(vec![RollingRate::new(window); inboxes])
                }
                GuardKind::DomainBounces { .. } => Statistic::DomainBounces(BTreeMap::new()),
                GuardKind::Cooldown { .. } => Statistic::LastEnd(vec![NEVER; contacts]),
                GuardKind::DailyEnrollmentCap { .. } => {
                    Statistic::Enrollments(vec![(u32::MAX, 0); inboxes])
                }
                GuardKind::RecentEngagement { .. } => {
                    Statistic::LastEngagement(vec![NEVER; contacts])
                }
                GuardKind::Expression(_) => Statistic::Expression(Memo::default()),
            })
            .collect();
        let reads = (specs.iter()).fold(Reads::NONE, |reads, g| match &g.kind {
            GuardKind::Expression(e) => reads.union(e.reads()),
            _ => reads,
        });
        let reads = if observe { Reads::ALL } else { reads };
        let expressions = specs
            .iter()
            .any(|g| matches!(g.kind, GuardKind::Expression(_)));
        Self {
            specs: specs.to_vec(),
            stats,
            paused_until: vec![vec![0; inboxes]; specs.len()],
            expressions,
            history: (expressions || observe).then(|| History::new(reads, inboxes, contacts)),
            error: None,
        }
    }

    /// The first evaluation error of a CEL check in the run so far.
    pub fn error(&self) -> Option<&RuleError> {
        self.error.as_ref()
    }

    /// Whether any guard is declared.
    pub fn any(&self) -> bool {
        !self.specs.is_empty()
    }

    /// The guards that hold for an attempt about `subject` at `now` (bit `i`: guard `i`); the
    /// CEL checks read `inputs`, which they require. A pausing guard that holds pauses the
    /// sender from now on. A CEL check that fails to evaluate does not hold, and its error is
    /// kept (the first one) for [`Self::error`].
    pub fn holding(&mut self, subject: &Subject, inputs: Option<&Inputs>, now: SimTime) -> u16 {
        let facts = (self.history.as_ref())
            .filter(|_| self.expressions)
            .map(|history| {
                let inputs = inputs.expect("CEL checks read the attempt's facts");
                history.facts(inputs, subject, now)
            });
        self.hold(subject, facts.as_ref(), now)
    }

    /// [`Self::holding`], and what the attempt observes beyond its facts (the statistics read
    /// once for both); only for guards made to observe.
    pub fn holding_observed(
        &mut self,
        subject: &Subject,
        inputs: &Inputs,
        now: SimTime,
    ) -> (u16, Observed) {
        let history = (self.history.as_ref()).expect("guards made to observe keep the history");
        let facts = history.facts(inputs, subject, now);
        let observed = Observed {
            provider: inputs.provider,
            statistics: facts.statistics,
        };
        (self.hold(subject, Some(&facts), now), observed)
    }

    /// The guards that hold, the CEL checks reading `facts` (present when there are any).
    fn hold(&mut self, subject: &Subject, facts: Option<&Facts>, now: SimTime) -> u16 {
        let mut bits = 0u16;
        for i in 0..self.specs.len() {
            let paused = &mut self.paused_until[i][subject.inbox];
            if *paused > now {
                bits |= 1 << i;
                continue;
            }
            let holding = match &self.specs[i].kind {
                GuardKind::Expression(e) => {
                    let facts = facts.expect("kept with an expression");
                    let Statistic::Expression(memo) = &mut self.stats[i] else {
                        unreachable!("a CEL check's statistic is its memo")
                    };
                    match memo.holds(e, facts) {
                        Ok(holds) => holds,
                        Err(message) => {
                            let error = RuleError::new(i, facts, message);
                            self.error.get_or_insert(error);
                            false
                        }
                    }
                }
                kind => holds(kind, &mut self.stats[i], subject, now),
            };
            if holding {
                bits |= 1 << i;
                if let Some(hours) = self.specs[i].pause_hours {
                    *paused = now + hours * SECONDS_PER_HOUR;
                }
            }
        }
        bits
    }

    /// Whether any guard is a CEL check.
    pub fn any_expression(&self) -> bool {
        self.expressions
    }

    /// What each CEL check reads for an attempt about `subject` at `now`, and its verdict, for
    /// the trace (nothing is kept or paused).
    pub fn readings(&self, subject: &Subject, inputs: &Inputs, now: SimTime) -> Vec<CheckReading> {
        let Some(history) = &self.history else {
            return Vec::new();
        };
        let facts = history.facts(inputs, subject, now);
        (self.specs.iter().enumerate())
            .filter_map(|(i, g)| match &g.kind {
                GuardKind::Expression(e) => Some(CheckReading {
                    guard: i as u8,
                    values: e.reads().iter().map(|v| (v, facts.show(v))).collect(),
                    verdict: e.holds(&facts),
                }),
                _ => None,
            })
            .collect()
    }

    /// Inbox `inbox` sent an email at `t`.
    pub fn on_send(&mut self, inbox: usize, t: SimTime) {
        if let Some(history) = &mut self.history {
            history.on_send(inbox, t);
        }
        for stat in &mut self.stats {
            if let Statistic::Rate(rates) = stat {
                rates[inbox].send(t);
            }
        }
    }

    /// An email of inbox `inbox` to an address on `domain` hard-bounced at `t`.
    pub fn on_hard_bounce(&mut self, inbox: usize, domain: u32, t: SimTime) {
        if let Some(history) = &mut self.history {
            history.on_hard_bounce(inbox, domain, t);
        }
        for (spec, stat) in self.specs.iter().zip(&mut self.stats) {
            match (&spec.kind, stat) {
                (GuardKind::SenderBounceRate { .. }, Statistic::Rate(rates)) => rates[inbox].hit(t),
                (_, Statistic::DomainBounces(counts)) => *counts.entry(domain).or_default() += 1,
                _ => {}
            }
        }
    }

    /// A recipient of inbox `inbox` complained at `t`.
    pub fn on_complaint(&mut self, inbox: usize, t: SimTime) {
        if let Some(history) = &mut self.history {
            history.on_complaint(inbox, t);
        }
        for (spec, stat) in self.specs.iter().zip(&mut self.stats) {
            if let (GuardKind::SenderComplaintRate { .. }, Statistic::Rate(rates)) =
                (&spec.kind, stat)
            {
                rates[inbox].hit(t);
            }
        }
    }

    /// Contact `contact` replied or booked a meeting at `t`.
    pub fn on_engagement(&mut self, contact: usize, t: SimTime) {
        if let Some(history) = &mut self.history {
            history.on_engagement(contact, t);
        }
        for stat in &mut self.stats {
            if let Statistic::LastEngagement(last) = stat {
                last[contact] = t;
            }
        }
    }

    /// An enrollment of contact `contact` ended at `t` with `outcome`.
    pub fn on_end(&mut self, contact: usize, outcome: Outcome, t: SimTime) {
        if let Some(history) = &mut self.history {
            history.on_end(contact, outcome, t);
        }
        for stat in &mut self.stats {
            if let Statistic::LastEnd(last) = stat {
                last[contact] = t;
            }
        }
    }

    /// Inbox `inbox`'s user enrolled contact `contact` from `source` at `t`.
    pub fn on_enroll(&mut self, inbox: usize, contact: usize, source: Source, t: SimTime) {
        if let Some(history) = &mut self.history {
            history.on_enroll(inbox, contact, source, t);
        }
        let day = t / SECONDS_PER_DAY;
        for stat in &mut self.stats {
            if let Statistic::Enrollments(counts) = stat {
                let (last_day, count) = &mut counts[inbox];
                if *last_day != day {
                    (*last_day, *count) = (day, 0);
                }
                *count += 1;
            }
        }
    }
}

/// Whether a guard of `kind`, reading `stat`, holds for `subject` at `now`.
fn holds(kind: &GuardKind, stat: &mut Statistic, subject: &Subject, now: SimTime) -> bool {
    if let (Some((_, threshold, min_sends)), Statistic::Rate(rates)) = (kind.rate(), &mut *stat) {
        return rates[subject.inbox].above(now, threshold, min_sends);
    }
    match (kind, stat) {
        (GuardKind::DomainBounces { bounces }, Statistic::DomainBounces(counts)) => {
            counts.get(&subject.domain).is_some_and(|n| n >= bounces)
        }
        (GuardKind::Cooldown { days }, Statistic::LastEnd(last))
        | (GuardKind::RecentEngagement { days }, Statistic::LastEngagement(last)) => {
            let at = last[subject.contact];
            at != NEVER && now < at + days * SECONDS_PER_DAY
        }
        (GuardKind::DailyEnrollmentCap { per_day }, Statistic::Enrollments(counts)) => {
            let (day, count) = counts[subject.inbox];
            day == now / SECONDS_PER_DAY && count >= *per_day
        }
        _ => unreachable!("each guard keeps the statistic of its kind"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An event of one inbox: a send, or a hit (bounce, complaint), at a time.
    #[derive(Clone, Copy, Debug)]
    enum Event {
        Send(SimTime),
        Hit(SimTime),
    }

    fn events() -> impl Strategy<Value = Vec<Event>> {
        let event = (any::<bool>(), 0u32..3 * SECONDS_PER_DAY).prop_map(|(send, t)| {
            if send {
                Event::Send(t)
            } else {
                Event::Hit(t)
            }
        });
        proptest::collection::vec(event, 0..60).prop_map(|mut v| {
            v.sort_by_key(|e| match *e {
                Event::Send(t) | Event::Hit(t) => t,
            });
            v
        })
    }

    /// What happens to a portal of 2 inboxes, 3 contacts and 3 domains, for the count guards.
    #[derive(Clone, Copy, Debug)]
    enum Happening {
        Bounce(usize, u32),
        End(usize),
        Engagement(usize),
        Enroll(usize),
        Query(usize, usize, u32),
    }

    fn happenings() -> impl Strategy<Value = Vec<(SimTime, Happening)>> {
        let happening = prop_oneof![
            (0usize..2, 0u32..3).prop_map(|(i, d)| Happening::Bounce(i, d)),
            (0usize..3).prop_map(Happening::End),
            (0usize..3).prop_map(Happening::Engagement),
            (0usize..2).prop_map(Happening::Enroll),
            (0usize..2, 0usize..3, 0u32..3).prop_map(|(i, c, d)| Happening::Query(i, c, d)),
        ];
        let timed = (0u32..10 * SECONDS_PER_DAY, happening);
        proptest::collection::vec(timed, 0..80).prop_map(|mut v| {
            v.sort_by_key(|&(t, _)| t);
            v
        })
    }

    /// The guards that hold, recounted from the whole history: domain bounces, cooldown,
    /// daily cap and recent engagement (bits 0 to 3).
    fn recount(
        history: &[(SimTime, Happening)],
        q: (usize, usize, u32),
        now: SimTime,
        k: (u32, u32, u32, u32),
    ) -> u16 {
        let (inbox, contact, domain) = q;
        let (bounces, cooldown_days, per_day, engaged_days) = k;
        let domain_bounces = history
            .iter()
            .filter(|(_, h)| matches!(h, Happening::Bounce(_, d) if *d == domain))
            .count();
        let last = |pick: fn(&Happening) -> Option<usize>| {
            history
                .iter()
                .rev()
                .find(|(_, h)| pick(h) == Some(contact))
                .map(|&(t, _)| t)
        };
        let ended = last(|h| {
            if let Happening::End(c) = h {
                Some(*c)
            } else {
                None
            }
        });
        let engaged = last(|h| {
            if let Happening::Engagement(c) = h {
                Some(*c)
            } else {
                None
            }
        });
        let today = history
            .iter()
            .filter(|(t, h)| {
                matches!(h, Happening::Enroll(i) if *i == inbox)
                    && t / SECONDS_PER_DAY == now / SECONDS_PER_DAY
            })
            .count();
        let within =
            |at: Option<SimTime>, days: u32| at.is_some_and(|at| now < at + days * SECONDS_PER_DAY);
        u16::from(domain_bounces >= bounces as usize)
            | u16::from(within(ended, cooldown_days)) << 1
            | u16::from(today >= per_day as usize) << 2
            | u16::from(within(engaged, engaged_days)) << 3
    }

    proptest! {
        /// The count and time guards hold exactly when a recount of the history says so.
        #[test]
        fn count_guards_hold_exactly_when_a_recount_says_so(
            history in happenings(),
            k in (1u32..4, 1u32..4, 1u32..4, 1u32..4),
        ) {
            let specs = [
                guard(GuardKind::DomainBounces { bounces: k.0 }),
                guard(GuardKind::Cooldown { days: k.1 }),
                guard(GuardKind::DailyEnrollmentCap { per_day: k.2 }),
                guard(GuardKind::RecentEngagement { days: k.3 }),
            ];
            let mut guards = Guards::new(&specs, 2, 3, false);
            for (i, &(t, h)) in history.iter().enumerate() {
                match h {
                    Happening::Bounce(inbox, d) => guards.on_hard_bounce(inbox, d, t),
                    Happening::End(c) => guards.on_end(c, Outcome::Finished, t),
                    Happening::Engagement(c) => guards.on_engagement(c, t),
                    Happening::Enroll(inbox) => guards.on_enroll(inbox, 0, Source::CrmSingle, t),
                    Happening::Query(inbox, c, d) => {
                        let expected = recount(&history[..i], (inbox, c, d), t, k);
                        prop_assert_eq!(guards.holding(&subject(inbox, c, d), None, t), expected);
                    }
                }
            }
        }

        /// The incremental rate agrees with a plain recount over the window, at every query:
        /// the guard holds exactly when the statistic is above the threshold. A window in
        /// sends is recounted as the last N sends and the hits since the oldest of them.
        #[test]
        fn the_rolling_rate_is_a_recount_of_the_window(
            events in events(),
            in_sends in any::<bool>(),
            length in 1u32..48,
            threshold in 0.0f64..1.0,
            min_sends in 1u32..10,
        ) {
            let window = if in_sends { RateWindow::Sends(length) } else { RateWindow::Hours(length) };
            let mut rate = RollingRate::new(window);
            let mut seen: Vec<Event> = Vec::new();
            for event in events {
                let now = match event {
                    Event::Send(t) | Event::Hit(t) => t,
                };
                let (sends, hits) = recount_window(&seen, window, now);
                let expected = sends >= min_sends as usize && hits as f64 / sends as f64 > threshold;
                prop_assert_eq!(rate.above(now, threshold, min_sends), expected);
                match event {
                    Event::Send(t) => rate.send(t),
                    Event::Hit(t) => rate.hit(t),
                }
                seen.push(event);
            }
        }
    }

    /// The sends and hits of `seen` (in time order) in `window` at `now`, counted plainly.
    fn recount_window(seen: &[Event], window: RateWindow, now: SimTime) -> (usize, usize) {
        let send_times: Vec<SimTime> = (seen.iter())
            .filter_map(|e| {
                if let Event::Send(t) = e {
                    Some(*t)
                } else {
                    None
                }
            })
            .collect();
        let hit_times = (seen.iter()).filter_map(|e| {
            if let Event::Hit(t) = e {
                Some(*t)
            } else {
                None
            }
        });
        match window {
            RateWindow::Hours(hours) => {
                let inside = |t: &SimTime| t + hours * SECONDS_PER_HOUR > now;
                let sends = send_times.iter().filter(|t| inside(t)).count();
                (sends, hit_times.filter(inside).count())
            }
            RateWindow::Sends(n) => {
                let kept = &send_times[send_times.len().saturating_sub(n as usize)..];
                let hits = kept
                    .first()
                    .map_or(0, |&oldest| hit_times.filter(|&t| t >= oldest).count());
                (kept.len(), hits)
            }
        }
    }

    const H: u32 = SECONDS_PER_HOUR;

    #[test]
    fn a_rate_is_above_only_over_its_window_and_minimum() {
        let mut r = RollingRate::new(RateWindow::Hours(24));
        for t in 0..10 {
            r.send(t * H);
        }
        r.hit(5 * H);
        // 1 of 10 in the window: 10% is not above 10%, is above 9.99%.
        assert!(!r.above(10 * H, 0.10, 1));
        assert!(r.above(10 * H, 0.0999, 1));
        assert!(!r.above(10 * H, 0.0999, 11), "fewer sends than the minimum");
        // A 10-hour window at 15 h holds (5 h, 15 h]: the hit at 5 h has just left it.
        let mut r = RollingRate::new(RateWindow::Hours(10));
        for t in 0..10 {
            r.send(t * H);
        }
        r.hit(5 * H);
        assert!(r.above(15 * H - 1, 0.0, 1), "at 15 h - 1 s it is still in");
        assert!(!r.above(15 * H, 0.0, 1), "the hit at 5 h left at 15 h");
    }

    #[test]
    fn a_rate_over_the_last_sends_forgets_the_hits_before_its_oldest_send() {
        // Worked by hand: a window of 4 sends; sends at 0..6 h, one hit at 1 h and one at 4 h.
        let mut r = RollingRate::new(RateWindow::Sends(4));
        for t in 0..2 {
            r.send(t * H);
        }
        r.hit(H);
        // 2 sends (fewer than 4: all of them), 1 hit: 50%.
        assert!(r.above(2 * H, 0.49, 1) && !r.above(2 * H, 0.5, 1));
        assert!(
            !r.above(2 * H, 0.0, 3),
            "2 sends, fewer than a minimum of 3"
        );
        for t in 2..5 {
            r.send(t * H);
        }
        r.hit(4 * H);
        // Sends at 1, 2, 3, 4 h are the last 4; the hits at 1 h and 4 h are since the oldest.
        assert!(r.above(5 * H, 0.49, 4) && !r.above(5 * H, 0.5, 4));
        r.send(5 * H);
        // Sends at 2..5 h: the hit at 1 h has left; 1 of 4 is 25%, whatever the hour.
        assert!(r.above(500 * H, 0.24, 4) && !r.above(500 * H, 0.25, 4));
    }

    fn subject(inbox: usize, contact: usize, domain: u32) -> Subject {
        Subject {
            inbox,
            contact,
            domain,
        }
    }

    fn guard(kind: GuardKind) -> Guard {
        Guard {
            kind,
            pause_hours: None,
        }
    }

    #[test]
    fn counts_and_times_hold_from_their_thresholds() {
        let specs = [
            guard(GuardKind::DomainBounces { bounces: 2 }),
            guard(GuardKind::Cooldown { days: 3 }),
            guard(GuardKind::DailyEnrollmentCap { per_day: 2 }),
            guard(GuardKind::RecentEngagement { days: 1 }),
        ];
        let mut g = Guards::new(&specs, 2, 4, false);
        let day = SECONDS_PER_DAY;
        let s = subject(0, 1, 7);
        assert_eq!(g.holding(&s, None, 0), 0);
        g.on_hard_bounce(1, 7, 10);
        assert_eq!(g.holding(&s, None, 20), 0, "one bounce on the domain");
        g.on_hard_bounce(0, 7, 30);
        assert_eq!(
            g.holding(&s, None, 40),
            0b0001,
            "two: the domain is suppressed"
        );
        assert_eq!(g.holding(&subject(0, 1, 8), None, 40), 0, "another domain");
        g.on_end(1, Outcome::Finished, day);
        assert_eq!(g.holding(&subject(0, 1, 8), None, 4 * day - 1), 0b0010);
        assert_eq!(
            g.holding(&subject(0, 1, 8), None, 4 * day),
            0,
            "three days later"
        );
        g.on_enroll(1, 0, Source::CrmSingle, 5 * day);
        g.on_enroll(1, 0, Source::CrmSingle, 5 * day + 1);
        assert_eq!(g.holding(&subject(1, 0, 8), None, 5 * day + 2), 0b0100);
        assert_eq!(g.holding(&subject(1, 0, 8), None, 6 * day), 0, "a new day");
        g.on_engagement(2, 7 * day);
        assert_eq!(g.holding(&subject(1, 2, 8), None, 8 * day - 1), 0b1000);
        assert_eq!(g.holding(&subject(1, 2, 8), None, 8 * day), 0);
    }

    #[test]
    fn a_pausing_guard_holds_for_its_hours_once_it_holds() {
        let spec = Guard {
            kind: GuardKind::SenderBounceRate {
                window: RateWindow::Hours(1),
                threshold: 0.5,
                min_sends: 1,
            },
            pause_hours: Some(24),
        };
        // Second in the rule set, behind a cooldown that never holds here: its bit is 0b10.
        let mut g = Guards::new(&[guard(GuardKind::Cooldown { days: 3 }), spec], 1, 1, false);
        let s = subject(0, 0, 0);
        g.on_send(0, 0);
        g.on_hard_bounce(0, 0, 0);
        assert_eq!(g.holding(&s, None, 60), 0b10, "1 of 1 is above 50%: paused");
        // The bounce leaves the window after an hour; the pause lasts 24 hours from 60 s.
        assert_eq!(g.holding(&s, None, 2 * H), 0b10);
        assert_eq!(g.holding(&s, None, 24 * H + 59), 0b10);
        assert_eq!(g.holding(&s, None, 24 * H + 60), 0);
    }
}
