//! The reason-code catalogue, spelled exactly as `docs/domain.md` spells it.

use crate::Catalogue;

crate::catalogue! {
    /// Why a contact cannot be enrolled: the ten rejections of domain §3 and the four extra
    /// pre-enrollment blocks, in the default rule order (the extra blocks first).
    ///
    /// The declaration position is the bit the code occupies in [`crate::Conditions`]; it is an
    /// internal detail, not a priority: priority is the order of a [`crate::RuleSet`].
    #[repr(u8)]
    pub enum RejectionCode {
        /// The contact has no email address. The product checks this before anything else.
        MissingEmailAddress = "MISSING_EMAIL_ADDRESS",
        /// The enrolling user has no connected inbox (never connected, or disconnected right now).
        NoConnectedInbox = "NO_CONNECTED_INBOX",
        /// The user may not communicate with the contact (for example no lawful basis to process
        /// the contact's data, or no permission on the record).
        CannotCommunicate = "CANNOT_COMMUNICATE",
        /// The user's seat is not Sales or Service Hub Professional or Enterprise.
        SeatNotEligible = "SEAT_NOT_ELIGIBLE",
        /// The user's sequences daily limit (emails scheduled on one day by new, earlier and
        /// paused enrollments, domain §5) has no room for this enrollment's emails. Fires only
        /// when a scenario sets that limit.
        SequencesDailyLimitReached = "SEQUENCES_DAILY_LIMIT_REACHED",
        /// The contact's address is on the platform's block list.
        BlockedAddress = "BLOCKED_ADDRESS",
        /// The domain of the contact's address is on the platform's block list.
        BlockedDomain = "BLOCKED_DOMAIN",
        /// An email the platform sent to this contact bounced (likely an invalid address).
        Bounced = "BOUNCED",
        /// Earlier mail to this address from this account (portal) bounced.
        RecipientPreviouslyBouncedOnPortal = "RECIPIENT_PREVIOUSLY_BOUNCED_ON_PORTAL",
        /// Earlier mail to this address from other accounts on the platform bounced.
        RecipientPreviouslyBouncedGlobally = "RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY",
        /// A previous email to this address was marked as spam.
        PreviouslyMarkedAsSpam = "PREVIOUSLY_MARKED_AS_SPAM",
        /// A previous email in this sequence was rejected by the contact's mailbox provider, so
        /// the contact can receive no more from it.
        OtherSendRejected = "OTHER_SEND_REJECTED",
        /// The recipient opted out of all email from the company.
        Unsubscribed = "UNSUBSCRIBED",
        /// The recipient opted out of this type of email (one subscription type).
        UnsubscribedPersonal = "UNSUBSCRIBED_PERSONAL",
        /// The contact is already enrolled in a sequence.
        AlreadyEnrolled = "ALREADY_ENROLLED",
    }
}

impl RejectionCode {
    /// The ten enrollment rejections of the table in domain §3, in table order.
    pub const ENROLLMENT_REJECTIONS: [RejectionCode; 10] = [
        Self::BlockedAddress,
        Self::BlockedDomain,
        Self::Bounced,
        Self::RecipientPreviouslyBouncedOnPortal,
        Self::RecipientPreviouslyBouncedGlobally,
        Self::PreviouslyMarkedAsSpam,
        Self::OtherSendRejected,
        Self::Unsubscribed,
        Self::UnsubscribedPersonal,
        Self::AlreadyEnrolled,
    ];

    /// The further pre-enrollment blocks: the four of domain §3, then the sequences daily
    /// limit of domain §5.
    pub const PRE_ENROLLMENT_BLOCKS: [RejectionCode; 5] = [
        Self::MissingEmailAddress,
        Self::NoConnectedInbox,
        Self::CannotCommunicate,
        Self::SeatNotEligible,
        Self::SequencesDailyLimitReached,
    ];

    /// The code's bit in a [`crate::Conditions`] set.
    pub const fn bit(self) -> u16 {
        1 << self as u16
    }
}

crate::catalogue! {
    /// Why a step failed after enrollment (domain §4). A failed step ends the enrollment.
    pub enum StepFailure {
        /// The sender's send limit was hit, so the email was not sent. The simulator also
        /// records whether the platform or the mail provider limited it.
        SendLimitReached = "SEND_LIMIT_REACHED",
        /// Permanent send failure: a connection or provider problem.
        SendFailure = "SEND_FAILURE",
        /// The platform could not access the sender's mailbox to send the step.
        InboxDisconnected = "INBOX_DISCONNECTED",
        /// Enrolled from the Gmail extension: step 1 is sent by Gmail itself, and Gmail did not
        /// send it; the platform cannot see why.
        GmailSendError = "GMAIL_SEND_ERROR",
    }
}

/// How an enrollment ended (or that it had not ended when the simulation stopped).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Every step executed.
    Finished,
    /// The contact replied (from any address), which unenrolls them.
    Replied,
    /// The contact booked a meeting, which unenrolls them.
    MeetingBooked,
    /// The contact clicked unsubscribe (from all email, or from this type).
    Unsubscribed,
    /// An email of the sequence hard-bounced.
    Bounced,
    /// The contact reported an email of the sequence as spam.
    MarkedAsSpam,
    /// The contact's mailbox provider rejected an email of the sequence on policy grounds.
    OtherSendRejected,
    /// A step failed for an account or provider reason (domain §4).
    StepFailed(StepFailure),
    /// The enrollment was still executing or paused at the simulation's horizon.
    StillActive,
}

impl Outcome {
    /// Every outcome in report order.
    pub const ALL: [Outcome; 12] = [
        Self::Finished,
        Self::Replied,
        Self::MeetingBooked,
        Self::Unsubscribed,
        Self::Bounced,
        Self::MarkedAsSpam,
        Self::OtherSendRejected,
        Self::StepFailed(StepFailure::SendLimitReached),
        Self::StepFailed(StepFailure::SendFailure),
        Self::StepFailed(StepFailure::InboxDisconnected),
        Self::StepFailed(StepFailure::GmailSendError),
        Self::StillActive,
    ];

    /// The outcome's name as reports spell it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Finished => "FINISHED",
            Self::Replied => "REPLIED",
            Self::MeetingBooked => "MEETING_BOOKED",
            Self::Unsubscribed => "UNSUBSCRIBED",
            Self::Bounced => "BOUNCED",
            Self::MarkedAsSpam => "MARKED_AS_SPAM",
            Self::OtherSendRejected => "OTHER_SEND_REJECTED",
            Self::StepFailed(failure) => failure.name(),
            Self::StillActive => "STILL_ACTIVE",
        }
    }

    /// Position of the outcome in [`Self::ALL`]; dense, for count arrays. Derived from
    /// `ALL`, so the order is stated once.
    pub fn index(self) -> usize {
        <Self as Catalogue>::index(self)
    }
}

impl Catalogue for Outcome {
    const ALL: &'static [Outcome] = &Outcome::ALL;

    fn name(self) -> &'static str {
        Outcome::name(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_are_dense_and_names_unique() {
        for (i, code) in RejectionCode::ALL.into_iter().enumerate() {
            assert_eq!(code.index(), i);
            assert_eq!(
                <RejectionCode as Catalogue>::from_name(code.name()),
                Some(code)
            );
        }
        for (i, outcome) in Outcome::ALL.into_iter().enumerate() {
            assert_eq!(outcome.index(), i);
            assert_eq!(<Outcome as Catalogue>::name(outcome), outcome.name());
            assert_eq!(
                <Outcome as Catalogue>::from_name(outcome.name()),
                Some(outcome)
            );
        }
        assert_eq!(
            <Outcome as Catalogue>::name(Outcome::StepFailed(StepFailure::GmailSendError)),
            "GMAIL_SEND_ERROR"
        );
        let mut names: Vec<_> = Outcome::ALL.iter().map(|o| o.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Outcome::ALL.len());
    }

    #[test]
    fn catalogue_partitions_into_rejections_and_blocks() {
        let mut all: Vec<_> = RejectionCode::ENROLLMENT_REJECTIONS
            .iter()
            .chain(&RejectionCode::PRE_ENROLLMENT_BLOCKS)
            .copied()
            .collect();
        all.sort();
        assert_eq!(all, RejectionCode::ALL.to_vec());
        assert_eq!(<RejectionCode as Catalogue>::from_name("bounced"), None);
    }
}
