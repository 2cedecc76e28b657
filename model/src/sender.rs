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

    /// The largest custom per-inbox daily limit the product lets an account set: below the
    /// default ("The number selected must be less than the default limit of 1,000"), so 999 for
    /// 1,000-limit inboxes; free Gmail "is capped at 350" whatever is set, so 350 (knowledge
    /// base, "Set sending limits for connected email accounts", 2025).
    pub const fn custom_daily_limit_max(self) -> u32 {
        match self {
            Self::Gmail => 350,
            _ => self.platform_daily_limit() - 1,
        }
    }

    /// The per-inbox sequence limit over a rolling 24 hours.
    ///
    /// Without a custom limit it is 90% of the default inbox limit: "if you reach 90% of your
    /// HubSpot send limit, you have reached your sequence send limit" (knowledge base, "sales
    /// email send limits", 2020). With a custom limit it is the custom limit itself: "A custom
    /// send limit will take precedence over email provider limits and your subscription's
    /// sequences daily send limit" (knowledge base, "Set sending limits for connected email
    /// accounts", 2025). The 90% rule derives the sequences limit from the default; the newer
    /// article, written for custom limits, says the custom limit replaces that derived limit,
    /// and no article applies 90% to a custom value. Free Gmail stays capped at 350 whatever
    /// is set. A custom limit above [`Self::custom_daily_limit_max`] for other inboxes is used
    /// as given (validation warns about it).
    pub const fn sequence_daily_limit(self, custom: Option<u32>) -> u32 {
        match custom {
            Some(custom) if matches!(self, Self::Gmail) && custom > 350 => 350,
            Some(custom) => custom,
            // 90%, rounded down: the limit is "reached" at 90% of the inbox limit.
            None => self.platform_daily_limit() * 9 / 10,
        }
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

    /// domain.md §5 written out independently of the code above: per provider, the
    /// platform's default limit, its sequences limit (90%), the provider's daily and per-minute
    /// limits, and whether the Gmail extension can send from it.
    #[allow(clippy::type_complexity)]
    const DOMAIN_LIMITS: [(InboxProvider, u32, u32, Option<u32>, Option<u32>, bool); 6] = [
        (InboxProvider::Gmail, 350, 315, Some(500), None, true),
        (
            InboxProvider::GoogleWorkspace,
            1_000,
            900,
            Some(2_000),
            None,
            true,
        ),
        (
            InboxProvider::Microsoft365,
            1_000,
            900,
            Some(10_000),
            Some(30),
            false,
        ),
        (
            InboxProvider::OutlookCom,
            1_000,
            900,
            Some(300),
            None,
            false,
        ),
        (InboxProvider::Exchange, 1_000, 900, None, None, false),
        (InboxProvider::Other, 1_000, 900, None, None, false),
    ];

    #[test]
    fn every_provider_s_limits_are_domain_sections_five() {
        let listed: Vec<InboxProvider> = DOMAIN_LIMITS.iter().map(|row| row.0).collect();
        assert_eq!(
            listed,
            InboxProvider::ALL,
            "the table lists every provider once"
        );
        for (provider, platform, sequences, day, minute, google) in DOMAIN_LIMITS {
            assert_eq!(provider.platform_daily_limit(), platform, "{provider:?}");
            assert_eq!(
                provider.sequence_daily_limit(None),
                sequences,
                "{provider:?}"
            );
            assert_eq!(provider.provider_daily_limit(), day, "{provider:?}");
            assert_eq!(provider.provider_minute_limit(), minute, "{provider:?}");
            assert_eq!(provider.is_google(), google, "{provider:?}");
        }
    }

    #[test]
    fn the_default_sequence_limit_is_ninety_percent() {
        assert_eq!(InboxProvider::Gmail.sequence_daily_limit(None), 315);
        assert_eq!(
            InboxProvider::GoogleWorkspace.sequence_daily_limit(None),
            900
        );
        assert_eq!(InboxProvider::OutlookCom.sequence_daily_limit(None), 900);
    }

    #[test]
    fn a_custom_limit_is_the_sequence_limit() {
        assert_eq!(
            InboxProvider::Microsoft365.sequence_daily_limit(Some(200)),
            200
        );
        assert_eq!(InboxProvider::Gmail.sequence_daily_limit(Some(100)), 100);
        // Free Gmail stays capped at 350 whatever the custom limit says.
        assert_eq!(InboxProvider::Gmail.sequence_daily_limit(Some(2_000)), 350);
        assert_eq!(InboxProvider::Gmail.sequence_daily_limit(Some(350)), 350);
        // Above the product's maximum elsewhere: used as given.
        assert_eq!(
            InboxProvider::GoogleWorkspace.sequence_daily_limit(Some(5_000)),
            5_000
        );
    }

    #[test]
    fn custom_limits_stay_below_the_default() {
        let max: Vec<u32> = InboxProvider::ALL
            .iter()
            .map(|p| p.custom_daily_limit_max())
            .collect();
        // gmail, google_workspace, microsoft_365, outlook_com, exchange, other.
        assert_eq!(max, [350, 999, 999, 999, 999, 999]);
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
        // Every block at once: each on its own bit.
        let blocked = SenderState::new(SeatTier::Starter, false).with_daily_limit_full(true);
        assert_eq!(
            blocked.condition_bits(),
            RejectionCode::NoConnectedInbox.bit()
                + RejectionCode::SeatNotEligible.bit()
                + RejectionCode::SequencesDailyLimitReached.bit()
        );
        let disconnected = SenderState::new(SeatTier::Professional, false);
        assert_eq!(
            disconnected.condition_bits(),
            RejectionCode::NoConnectedInbox.bit()
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
