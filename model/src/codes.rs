//! The reason-code catalogue, spelled exactly as `../shared/domain.md` spells it.

/// Why a contact cannot be enrolled: the ten rejections of domain.md §3 and the four extra
/// pre-enrollment blocks, in the default rule order (the extra blocks first).
///
/// The discriminant is the bit the code occupies in [`crate::Conditions`]; it is an internal
/// detail, not a priority: priority is the order of a [`crate::RuleSet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum RejectionCode {
    /// The contact has no email address. The product checks this before anything else.
    MissingEmailAddress = 0,
    /// The enrolling user has no connected inbox (never connected, or disconnected right now).
    NoConnectedInbox = 1,
    /// The user may not communicate with the contact (for example no lawful basis to process
    /// the contact's data, or no permission on the record).
    CannotCommunicate = 2,
    /// The user's seat is not Sales or Service Hub Professional or Enterprise.
    SeatNotEligible = 3,
    /// The contact's address is on the platform's block list.
    BlockedAddress = 4,
    /// The domain of the contact's address is on the platform's block list.
    BlockedDomain = 5,
    /// An email the platform sent to this contact bounced (likely an invalid address).
    Bounced = 6,
    /// Earlier mail to this address from this account (portal) bounced.
    RecipientPreviouslyBouncedOnPortal = 7,
    /// Earlier mail to this address from other accounts on the platform bounced.
    RecipientPreviouslyBouncedGlobally = 8,
    /// A previous email to this address was marked as spam.
    PreviouslyMarkedAsSpam = 9,
    /// A previous email in this sequence was rejected by the contact's mailbox provider, so the
    /// contact can receive no more from it.
    OtherSendRejected = 10,
    /// The recipient opted out of all email from the company.
    Unsubscribed = 11,
    /// The recipient opted out of this type of email (one subscription type).
    UnsubscribedPersonal = 12,
    /// The contact is already enrolled in a sequence.
    AlreadyEnrolled = 13,
}

impl RejectionCode {
    /// Every code, in the default rule order of domain.md §3 (the extra blocks first).
    pub const ALL: [RejectionCode; 14] = [
        Self::MissingEmailAddress,
        Self::NoConnectedInbox,
        Self::CannotCommunicate,
        Self::SeatNotEligible,
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

    /// The ten enrollment rejections of the table in domain.md §3, in table order.
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

    /// The four further pre-enrollment blocks of domain.md §3.
    pub const PRE_ENROLLMENT_BLOCKS: [RejectionCode; 4] = [
        Self::MissingEmailAddress,
        Self::NoConnectedInbox,
        Self::CannotCommunicate,
        Self::SeatNotEligible,
    ];

    /// The code's name exactly as the product and domain.md spell it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::MissingEmailAddress => "MISSING_EMAIL_ADDRESS",
            Self::NoConnectedInbox => "NO_CONNECTED_INBOX",
            Self::CannotCommunicate => "CANNOT_COMMUNICATE",
            Self::SeatNotEligible => "SEAT_NOT_ELIGIBLE",
            Self::BlockedAddress => "BLOCKED_ADDRESS",
            Self::BlockedDomain => "BLOCKED_DOMAIN",
            Self::Bounced => "BOUNCED",
            Self::RecipientPreviouslyBouncedOnPortal => "RECIPIENT_PREVIOUSLY_BOUNCED_ON_PORTAL",
            Self::RecipientPreviouslyBouncedGlobally => "RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY",
            Self::PreviouslyMarkedAsSpam => "PREVIOUSLY_MARKED_AS_SPAM",
            Self::OtherSendRejected => "OTHER_SEND_REJECTED",
            Self::Unsubscribed => "UNSUBSCRIBED",
            Self::UnsubscribedPersonal => "UNSUBSCRIBED_PERSONAL",
            Self::AlreadyEnrolled => "ALREADY_ENROLLED",
        }
    }

    /// The code spelled `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|code| code.name() == name)
    }

    /// Position of the code in [`Self::ALL`]; dense, for count arrays.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The code's bit in a [`crate::Conditions`] set.
    pub const fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// Why a step failed after enrollment (domain.md §4). A failed step ends the enrollment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StepFailure {
    /// The sender's send limit was hit, so the email was not sent. The simulator also records
    /// whether the platform or the mail provider limited it.
    SendLimitReached,
    /// Permanent send failure: a connection or provider problem.
    SendFailure,
    /// The platform could not access the sender's mailbox to send the step.
    InboxDisconnected,
    /// Enrolled from the Gmail extension: step 1 is sent by Gmail itself, and Gmail did not send
    /// it; the platform cannot see why.
    GmailSendError,
}

impl StepFailure {
    /// Every step failure, in domain.md §4 order.
    pub const ALL: [StepFailure; 4] = [
        Self::SendLimitReached,
        Self::SendFailure,
        Self::InboxDisconnected,
        Self::GmailSendError,
    ];

    /// The code's name exactly as domain.md spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::SendLimitReached => "SEND_LIMIT_REACHED",
            Self::SendFailure => "SEND_FAILURE",
            Self::InboxDisconnected => "INBOX_DISCONNECTED",
            Self::GmailSendError => "GMAIL_SEND_ERROR",
        }
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
    /// A step failed for an account or provider reason (domain.md §4).
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

    /// Position of the outcome in [`Self::ALL`]; dense, for count arrays.
    pub const fn index(self) -> usize {
        match self {
            Self::Finished => 0,
            Self::Replied => 1,
            Self::MeetingBooked => 2,
            Self::Unsubscribed => 3,
            Self::Bounced => 4,
            Self::MarkedAsSpam => 5,
            Self::OtherSendRejected => 6,
            Self::StepFailed(StepFailure::SendLimitReached) => 7,
            Self::StepFailed(StepFailure::SendFailure) => 8,
            Self::StepFailed(StepFailure::InboxDisconnected) => 9,
            Self::StepFailed(StepFailure::GmailSendError) => 10,
            Self::StillActive => 11,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_are_dense_and_names_unique() {
        for (i, code) in RejectionCode::ALL.into_iter().enumerate() {
            assert_eq!(code.index(), i);
            assert_eq!(RejectionCode::from_name(code.name()), Some(code));
        }
        for (i, outcome) in Outcome::ALL.into_iter().enumerate() {
            assert_eq!(outcome.index(), i);
        }
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
        assert_eq!(RejectionCode::from_name("bounced"), None);
    }
}
