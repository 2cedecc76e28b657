//! The enrolling user: seat and connected inbox.

use crate::RejectionCode;

crate::catalogue! {
    /// A user's seat tier, cheapest first. Only Professional and Enterprise seats (Sales or
    /// Service Hub) may use sequences.
    pub enum SeatTier {
        /// No paid seat.
        Free = "free",
        /// A Starter seat.
        Starter = "starter",
        /// A Professional seat.
        Professional = "professional",
        /// An Enterprise seat.
        Enterprise = "enterprise",
    }
}

impl SeatTier {
    /// Whether a user with this seat may enroll contacts in sequences.
    pub const fn may_use_sequences(self) -> bool {
        matches!(self, Self::Professional | Self::Enterprise)
    }
}

crate::catalogue! {
    /// The provider behind a sender's connected inbox (domain §5); names as scenario files
    /// and reports spell them.
    pub enum InboxProvider {
        /// A free Gmail account.
        Gmail = "gmail",
        /// Google Workspace.
        GoogleWorkspace = "google_workspace",
        /// Microsoft 365 / Office 365.
        Microsoft365 = "microsoft_365",
        /// Outlook.com (consumer).
        OutlookCom = "outlook_com",
        /// Exchange on premises.
        Exchange = "exchange",
        /// Any other IMAP/SMTP inbox.
        Other = "other",
    }
}

impl InboxProvider {
    /// The platform's default per-inbox limit over a rolling 24 hours: free Gmail 350, every
    /// other inbox 1,000 (domain §5).
    pub const fn platform_daily_limit(self) -> u32 {
        match self {
            Self::Gmail => 350,
            _ => 1_000,
        }
    }

    /// The provider's own daily message limit over a rolling 24 hours, where one is published
    /// (domain §5): Workspace 2,000 messages (its 10,000 recipients never bind first for
    /// one-recipient sequence email), free Gmail 500, Microsoft 365 10,000 recipients,
    /// Outlook.com 300. Exchange on premises and other inboxes publish none.
    pub const fn provider_daily_limit(self) -> Option<u32> {
        match self {
            Self::GoogleWorkspace => Some(2_000),
            Self::Gmail => Some(500),
            Self::Microsoft365 => Some(10_000),
            Self::OutlookCom => Some(300),
            Self::Exchange | Self::Other => None,
        }
    }

    /// The provider's own per-minute message limit, where one is published: Microsoft 365,
    /// 30 messages a minute.
    pub const fn provider_minute_limit(self) -> Option<u32> {
        match self {
            Self::Microsoft365 => Some(30),
            _ => None,
        }
    }

    /// Whether the inbox is at Google, so the Gmail extension can send from it.
    pub const fn is_google(self) -> bool {
        matches!(self, Self::Gmail | Self::GoogleWorkspace)
    }

    /// The per-inbox sequence limit over a rolling 24 hours: 90% of the inbox limit, where the
    /// inbox limit is the custom one if set (never above 350 for free Gmail), else the default.
    pub const fn sequence_daily_limit(self, custom: Option<u32>) -> u32 {
        let default = self.platform_daily_limit();
        let limit = match custom {
            Some(custom) if matches!(self, Self::Gmail) && custom > default => default,
            Some(custom) => custom,
            None => default,
        };
        // 90%, rounded down: the limit is "reached" at 90% of the inbox limit.
        limit * 9 / 10
    }
}

/// The enrolling user as the rules see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SenderState {
    /// The user's seat.
    pub seat: SeatTier,
    /// Whether the user has a connected inbox right now.
    pub inbox_connected: bool,
    /// Whether the user's sequences daily limit has no room for the enrollment.
    pub daily_limit_full: bool,
}

impl SenderState {
    /// A sender with `seat`, connected or not.
    pub const fn new(seat: SeatTier, inbox_connected: bool) -> Self {
        Self {
            seat,
            inbox_connected,
            daily_limit_full: false,
        }
    }

    /// The same sender, whose sequences daily limit is full or not.
    pub const fn with_daily_limit_full(self, daily_limit_full: bool) -> Self {
        Self {
            daily_limit_full,
            ..self
        }
    }

    /// The [`crate::Conditions`] bits this sender contributes.
    #[inline]
    pub(crate) const fn condition_bits(self) -> u16 {
        let inbox = if self.inbox_connected {
            0
        } else {
            RejectionCode::NoConnectedInbox.bit()
        };
        let seat = if self.seat.may_use_sequences() {
            0
        } else {
            RejectionCode::SeatNotEligible.bit()
        };
        let limit = if self.daily_limit_full {
            RejectionCode::SequencesDailyLimitReached.bit()
        } else {
            0
        };
        inbox | seat | limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_limit_is_ninety_percent() {
        assert_eq!(InboxProvider::Gmail.sequence_daily_limit(None), 315);
        assert_eq!(
            InboxProvider::GoogleWorkspace.sequence_daily_limit(None),
            900
        );
        assert_eq!(
            InboxProvider::Microsoft365.sequence_daily_limit(Some(200)),
            180
        );
        // Free Gmail stays capped at 350 whatever the custom limit says.
        assert_eq!(InboxProvider::Gmail.sequence_daily_limit(Some(2_000)), 315);
        assert_eq!(InboxProvider::Gmail.sequence_daily_limit(Some(100)), 90);
    }

    #[test]
    fn a_full_sequences_daily_limit_is_a_sender_block() {
        let sender = SenderState::new(SeatTier::Enterprise, true);
        assert_eq!(sender.condition_bits(), 0);
        let full = sender.with_daily_limit_full(true);
        assert_eq!(
            full.condition_bits(),
            RejectionCode::SequencesDailyLimitReached.bit()
        );
    }

    #[test]
    fn only_professional_and_enterprise_may_sequence() {
        let eligible: Vec<_> = SeatTier::ALL
            .into_iter()
            .filter(|s| s.may_use_sequences())
            .collect();
        assert_eq!(eligible, vec![SeatTier::Professional, SeatTier::Enterprise]);
    }
}
