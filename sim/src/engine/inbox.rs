//! A sender's inbox at run time: its connection, its send queue and its limits.

use std::collections::VecDeque;

use model::LimitSide;

use crate::scenario::Sending;
use crate::time::{SimTime, SECONDS_PER_DAY, SECONDS_PER_HOUR};
use crate::world::User;

/// Why the inbox cannot send right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The inbox is disconnected.
    Disconnected,
    /// A send limit is reached, on this side.
    Limit(LimitSide),
}

pub(crate) struct Inbox {
    /// Sorted, disjoint disconnection spans, and the first one not yet over.
    disconnected: Vec<(SimTime, SimTime)>,
    span: usize,
    has_inbox: bool,
    /// Sends in the last 24 hours, oldest first.
    window: VecDeque<SimTime>,
    platform_cap: u32,
    provider_cap: Option<u32>,
    provider_minute_cap: Option<u32>,
    blocked_until: SimTime,
    /// Sends that left in `sent_minute` (a clock minute), for the provider's per-minute cap.
    sent_minute: u32,
    sent_in_minute: u32,
    /// Pacing of placed sends: the slot of the last placed send (`None` before the first), and
    /// the clock minute of the last placed send with how many were placed in it. Slots are
    /// placed in increasing order, so the last one is the latest.
    last_slot: Option<SimTime>,
    placed_minute: u32,
    placed_in_minute: u32,
}

impl Inbox {
    pub fn new(user: &User, sending: &Sending) -> Self {
        let (platform_cap, provider_cap, provider_minute_cap) = match user.inbox {
            Some(p) => {
                let provider = sending.provider_limits.then(|| {
                    (
                        p.provider_daily_limit()
                            .map(|cap| cap.saturating_sub(user.other_emails_per_day)),
                        p.provider_minute_limit(),
                    )
                });
                let (day, minute) = provider.unwrap_or((None, None));
                (p.sequence_daily_limit(user.daily_limit), day, minute)
            }
            None => (0, None, None),
        };
        Self {
            disconnected: user.disconnected.clone(),
            span: 0,
            has_inbox: user.inbox.is_some(),
            window: VecDeque::new(),
            platform_cap,
            provider_cap,
            provider_minute_cap,
            blocked_until: 0,
            sent_minute: u32::MAX,
            sent_in_minute: 0,
            last_slot: None,
            placed_minute: u32::MAX,
            placed_in_minute: 0,
        }
    }

    /// The inbox's binding daily cap (the smaller of the platform's sequence limit and the
    /// provider's daily limit), or `None` without an inbox.
    pub fn daily_cap(&self) -> Option<u32> {
        (self.has_inbox).then(|| {
            self.provider_cap
                .map_or(self.platform_cap, |p| p.min(self.platform_cap))
        })
    }

    /// The sends the window counts in the 24 hours up to `t` (the latest send's time or
    /// later): the rolling-24-hour usage. Forgetting older sends changes no decision, since
    /// [`Self::check`] forgets them first anyway.
    pub fn sent_24h(&mut self, t: SimTime) -> u32 {
        self.expire(t);
        self.window.len() as u32
    }

    /// Whether the inbox is connected at `t`. Calls must come in time order.
    pub fn connected(&mut self, t: SimTime) -> bool {
        while self.span < self.disconnected.len() && self.disconnected[self.span].1 <= t {
            self.span += 1;
        }
        let down = self
            .disconnected
            .get(self.span)
            .is_some_and(|&(start, _)| start <= t);
        self.has_inbox && !down
    }

    /// When a send due at `t` would leave. The inbox sends one email at a time from a single
    /// queue in the order sends fall due ("HubSpot sends sequences emails one at a time from a
    /// single queue. If multiple sequences emails are scheduled to send at the same time, the
    /// sends will be staggered by 30 seconds", knowledge base, "What time will steps execute in
    /// sequences"):
    /// - a send due when the queue is idle (the last placed send left before `t`) leaves at `t`;
    /// - a send due while the queue still holds a send due at or before `t` (a collision: sends
    ///   scheduled for the same moment, or behind such a backlog) leaves `stagger_seconds` after
    ///   the last placed send;
    /// - with a custom per-minute limit, a send whose clock minute already holds that many
    ///   placed sends moves to the start of the next clock minute ("The limit of sends per
    ///   minute is based on clock minutes", "Set sending limits for connected email accounts").
    ///
    /// So two sends never leave in the same second, and slots only grow. The bulk pace
    /// (`bulk_per_minute`) is the due times the engine gives bulk first steps; the per-minute
    /// limit binds them as it binds every send.
    ///
    /// Also says whether the per-minute limit moved the send to the next clock minute.
    pub fn slot(&self, t: SimTime, sending: &Sending) -> (SimTime, bool) {
        let at = match self.last_slot {
            Some(last) if last >= t => last + sending.stagger_seconds.max(1),
            _ => t,
        };
        match sending.per_minute_limit {
            Some(limit) if at / 60 == self.placed_minute && self.placed_in_minute >= limit => {
                ((at / 60 + 1) * 60, true)
            }
            _ => (at, false),
        }
    }

    /// Takes the slot `at` (from [`Self::slot`]) for a send.
    pub fn reserve(&mut self, at: SimTime) {
        assert!(
            self.last_slot.is_none_or(|last| at > last),
            "slots are taken in increasing order"
        );
        self.last_slot = Some(at);
        if at / 60 == self.placed_minute {
            self.placed_in_minute += 1;
        } else {
            self.placed_minute = at / 60;
            self.placed_in_minute = 1;
        }
    }

    /// Checks whether a platform send may leave at `t`: connected, and under both sides'
    /// limits. Exceeding the provider's daily limit blocks the inbox for a while.
    pub fn check(&mut self, t: SimTime, sending: &Sending) -> Result<(), Refusal> {
        if !self.connected(t) {
            return Err(Refusal::Disconnected);
        }
        self.expire(t);
        debug_assert!(self
            .window
            .front()
            .is_none_or(|&first| first + SECONDS_PER_DAY > t));
        let sent = self.window.len() as u32;
        if sent >= self.platform_cap {
            return Err(Refusal::Limit(LimitSide::Platform));
        }
        if t < self.blocked_until {
            return Err(Refusal::Limit(LimitSide::Provider));
        }
        if self.provider_cap.is_some_and(|cap| sent >= cap) {
            self.blocked_until = t + sending.provider_block_hours * SECONDS_PER_HOUR;
            return Err(Refusal::Limit(LimitSide::Provider));
        }
        let in_minute = if t / 60 == self.sent_minute {
            self.sent_in_minute
        } else {
            0
        };
        if self.provider_minute_cap.is_some_and(|cap| in_minute >= cap) {
            return Err(Refusal::Limit(LimitSide::Provider));
        }
        Ok(())
    }

    /// Records a send that left at `t`.
    pub fn record(&mut self, t: SimTime) {
        assert!(
            self.window.back().is_none_or(|&last| last <= t),
            "sends are recorded in time order"
        );
        self.window.push_back(t);
        if t / 60 == self.sent_minute {
            self.sent_in_minute += 1;
        } else {
            self.sent_minute = t / 60;
            self.sent_in_minute = 1;
        }
    }

    /// Forgets sends older than 24 hours before `t`.
    fn expire(&mut self, t: SimTime) {
        while self
            .window
            .front()
            .is_some_and(|&sent| sent + SECONDS_PER_DAY <= t)
        {
            self.window.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use model::{InboxProvider, SeatTier};

    use super::*;

    fn sending(stagger_seconds: u32, per_minute_limit: Option<u32>) -> Sending {
        Sending {
            stagger_seconds,
            bulk_per_minute: 3,
            per_minute_limit,
            provider_limits: true,
            provider_block_hours: 24,
            send_failure: 0.0,
            gmail_send_error: 0.0,
            soft_bounce_retries: 0,
            retry_backoff_minutes: 30,
            sequences_daily_limit: None,
        }
    }

    fn user(inbox: Option<InboxProvider>, daily_limit: Option<u32>) -> User {
        User {
            portal: 0,
            seat: SeatTier::Professional,
            inbox,
            sequence: 0,
            daily_limit,
            other_emails_per_day: 0,
            disconnected: vec![(100, 200), (500, 600)],
        }
    }

    #[test]
    fn connection_follows_the_spans() {
        let mut inbox = Inbox::new(&user(Some(InboxProvider::Other), None), &sending(30, None));
        let expected = [
            (0, true),
            (99, true),
            (100, false),
            (199, false),
            (200, true),
            (500, false),
            (600, true),
        ];
        for (t, connected) in expected {
            assert_eq!(inbox.connected(t), connected, "at {t}");
        }
        let mut none = Inbox::new(&user(None, None), &sending(30, None));
        assert!(!none.connected(0), "no inbox is never connected");
    }

    /// The slots of sends due at `due`, placed in that order.
    fn slots(s: &Sending, due: &[SimTime]) -> Vec<SimTime> {
        let mut inbox = Inbox::new(&user(Some(InboxProvider::Other), None), s);
        due.iter()
            .map(|&t| {
                let (at, _) = inbox.slot(t, s);
                inbox.reserve(at);
                at
            })
            .collect()
    }

    #[test]
    fn only_collisions_are_staggered() {
        let s = sending(30, None);
        // Four due at 0 collide: 0, 30, 60, 90. One due at 45 waits behind them (the queue
        // still holds sends due before it): 90 + 30. Sends due when the queue is idle leave
        // when due, even one second apart.
        assert_eq!(
            slots(&s, &[0, 0, 0, 0, 45, 200, 201, 201]),
            [0, 30, 60, 90, 120, 200, 201, 231]
        );
        // A stagger of 0 still sends one at a time: never two in the same second.
        assert_eq!(slots(&sending(0, None), &[5, 5, 5]), [5, 6, 7]);
    }

    #[test]
    fn the_bulk_pace_is_kept() {
        // Bulk first steps fall due 60 / 3 = 20 s apart: none collide, three a clock minute.
        let due = [0, 20, 40, 60, 80, 100, 120];
        assert_eq!(slots(&sending(30, None), &due), due);
        // A custom limit of 10 does not bind them.
        assert_eq!(slots(&sending(30, Some(10)), &due), due);
    }

    #[test]
    fn a_per_minute_limit_defers_to_the_next_clock_minute() {
        // Limit 2, the bulk pace: 0, 20; 40 is the minute's third, so 60; 60 now collides
        // with it: 90 (minute 1 holds two); 80 waits behind 90: 120 (minute 2); 100 likewise:
        // 150; 120 likewise: 180, a new minute.
        assert_eq!(
            slots(&sending(30, Some(2)), &[0, 20, 40, 60, 80, 100, 120]),
            [0, 20, 60, 90, 120, 150, 180]
        );
        // Limit 3, stagger 10, four due at 0: 0, 10, 20, then the minute holds three: 60.
        assert_eq!(slots(&sending(10, Some(3)), &[0, 0, 0, 0]), [0, 10, 20, 60]);
        // Limit 1, three due at 59: 59; 69 is in minute 1, still empty; 79 is not: 120.
        assert_eq!(slots(&sending(10, Some(1)), &[59, 59, 59]), [59, 69, 120]);
        // Only the move to the next clock minute is a per-minute deferral, not a stagger.
        let s = sending(10, Some(1));
        let mut inbox = Inbox::new(&user(Some(InboxProvider::Other), None), &s);
        assert_eq!(inbox.slot(59, &s), (59, false));
        inbox.reserve(59);
        assert_eq!(inbox.slot(59, &s), (69, false));
        inbox.reserve(69);
        assert_eq!(inbox.slot(59, &s), (120, true));
    }

    #[test]
    fn the_platform_cap_counts_a_rolling_day() {
        // Other with a custom limit of 10 (the sequence limit itself: no 90% rule for a custom
        // limit). Fill it at t = 1000, then the 11th is refused until the first send is 24
        // hours old.
        let s = sending(0, None);
        let mut inbox = Inbox::new(&user(Some(InboxProvider::Other), Some(10)), &s);
        for i in 0..10 {
            assert_eq!(inbox.check(1_000 + i, &s), Ok(()));
            inbox.record(1_000 + i);
        }
        assert_eq!(
            inbox.check(2_000, &s),
            Err(Refusal::Limit(LimitSide::Platform))
        );
        assert_eq!(
            inbox.check(1_000 + SECONDS_PER_DAY - 1, &s),
            Err(Refusal::Limit(LimitSide::Platform))
        );
        assert_eq!(inbox.sent_24h(1_009), 10, "the window held ten");
        assert_eq!(
            inbox.check(1_000 + SECONDS_PER_DAY, &s),
            Ok(()),
            "the first send expired"
        );
        inbox.record(1_000 + SECONDS_PER_DAY);
        assert_eq!(
            inbox.sent_24h(1_000 + SECONDS_PER_DAY),
            10,
            "one expired, one added"
        );
        assert_eq!(
            inbox.sent_24h(1_009 + SECONDS_PER_DAY),
            1,
            "the rest expired"
        );
        assert_eq!(inbox.daily_cap(), Some(10));
    }

    #[test]
    fn exceeding_a_provider_limit_blocks_the_inbox() {
        // Outlook.com: provider 300, platform 900: the provider binds, then blocks 24 hours.
        let s = sending(0, None);
        let mut inbox = Inbox::new(&user(Some(InboxProvider::OutlookCom), None), &s);
        for i in 0..300 {
            assert_eq!(inbox.check(1_000 + i, &s), Ok(()));
            inbox.record(1_000 + i);
        }
        let blocked_at = 1_400;
        assert_eq!(
            inbox.check(blocked_at, &s),
            Err(Refusal::Limit(LimitSide::Provider))
        );
        // The window empties a day after the sends, but the block lasts 24 h from the refusal.
        let emptied = 1_300 + SECONDS_PER_DAY;
        assert!(emptied < blocked_at + SECONDS_PER_DAY);
        assert_eq!(
            inbox.check(emptied, &s),
            Err(Refusal::Limit(LimitSide::Provider))
        );
        assert_eq!(inbox.check(blocked_at + SECONDS_PER_DAY, &s), Ok(()));
        // The provider's 300 binds before the platform's 90% of 1,000.
        assert_eq!(inbox.daily_cap(), Some(300));
        let none = Inbox::new(&user(None, None), &s);
        assert_eq!(none.daily_cap(), None);
    }

    #[test]
    fn microsoft_365_takes_thirty_a_clock_minute() {
        let s = sending(0, None);
        let mut inbox = Inbox::new(&user(Some(InboxProvider::Microsoft365), None), &s);
        for i in 0..30 {
            assert_eq!(inbox.check(6_000 + i, &s), Ok(()));
            inbox.record(6_000 + i);
        }
        assert_eq!(
            inbox.check(6_059, &s),
            Err(Refusal::Limit(LimitSide::Provider))
        );
        assert_eq!(inbox.check(6_060, &s), Ok(()), "a new clock minute");
    }
}
