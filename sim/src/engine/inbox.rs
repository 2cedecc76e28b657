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
    /// Pacing of placed sends: the earliest moment the next may leave, and the clock minute of
    /// the last placed send with how many were placed in it.
    next_free: SimTime,
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
            next_free: 0,
            placed_minute: u32::MAX,
            placed_in_minute: 0,
        }
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

    /// When a send due at `t` would leave: sends leave one at a time, `stagger_seconds` apart,
    /// and no more than the custom per-minute limit in a clock minute.
    pub fn slot(&self, t: SimTime, sending: &Sending) -> SimTime {
        let at = t.max(self.next_free);
        match sending.per_minute_limit {
            Some(limit) if at / 60 == self.placed_minute && self.placed_in_minute >= limit => {
                (at / 60 + 1) * 60
            }
            _ => at,
        }
    }

    /// Takes the slot `at` (from [`Self::slot`]) for a send.
    pub fn reserve(&mut self, at: SimTime, sending: &Sending) {
        debug_assert!(at >= self.next_free);
        self.next_free = at + sending.stagger_seconds;
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
