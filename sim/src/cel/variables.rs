//! The variables of CEL checks: the fields of a harness request (`seqsim-decision/2`) and the
//! statistics the engine keeps for expressions that read them. One table, documented in
//! docs/harness.md, "Variables of CEL checks".

model::catalogue! {
    /// A variable an expression may read, spelled as in the expression.
    pub enum Variable {
        /// Seconds since the scenario's start.
        TimeSeconds = "time.seconds",
        /// Days since the scenario's start (day 0 first).
        TimeDay = "time.day",
        /// The weekday: `Mon` to `Sun`.
        TimeWeekday = "time.weekday",
        /// The contact's portal (account).
        Portal = "portal",
        /// Where the attempt comes from: `crm_single`, `crm_bulk`, `gmail_extension`,
        /// `re_enrollment`.
        Source = "source",
        /// The target sequence's index in the scenario.
        SequenceIndex = "sequence.index",
        /// The target sequence's name.
        SequenceName = "sequence.name",
        /// The step the enrollment would start at (0: new; later: a re-enrollment).
        SequenceStep = "sequence.step",
        /// The target sequence's subscription type.
        SequenceSubscriptionType = "sequence.subscription_type",
        /// The contact's id.
        ContactId = "contact.id",
        /// The record has an email address.
        ContactHasAddress = "contact.has_address",
        /// CANNOT_COMMUNICATE's fact.
        ContactCannotCommunicate = "contact.cannot_communicate",
        /// BOUNCED's fact.
        ContactBounced = "contact.bounced",
        /// RECIPIENT_PREVIOUSLY_BOUNCED_ON_PORTAL's fact.
        ContactBouncedOnPortal = "contact.bounced_on_portal",
        /// PREVIOUSLY_MARKED_AS_SPAM's fact.
        ContactMarkedAsSpam = "contact.marked_as_spam",
        /// UNSUBSCRIBED's fact.
        ContactUnsubscribed = "contact.unsubscribed",
        /// UNSUBSCRIBED_PERSONAL's fact: opted out of the sequence's subscription type.
        ContactUnsubscribedFromType = "contact.unsubscribed_from_type",
        /// The record's enrollments before this attempt (statistic).
        ContactEnrollments = "contact.enrollments",
        /// The outcome of the record's last ended enrollment, `""` if none (statistic).
        ContactLastOutcome = "contact.last_outcome",
        /// Seconds since the record's last enrollment ended; never: the largest int
        /// (statistic).
        ContactSecondsSinceEnrollmentEnd = "contact.seconds_since_enrollment_end",
        /// Seconds since the contact last replied or booked a meeting; never: the largest int
        /// (statistic).
        ContactSecondsSinceEngagement = "contact.seconds_since_engagement",
        /// BLOCKED_ADDRESS's fact (false without an address).
        AddressBlockedAddress = "address.blocked_address",
        /// BLOCKED_DOMAIN's fact (false without an address).
        AddressBlockedDomain = "address.blocked_domain",
        /// RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY's fact (false without an address).
        AddressBouncedOnAnotherAccount = "address.bounced_on_another_account",
        /// Hard bounces on the contact's domain in this portal, ever (statistic).
        DomainBounces = "domain.bounces",
        /// The enrolling user.
        SenderUser = "sender.user",
        /// The user's seat: `free`, `starter`, `professional`, `enterprise`.
        SenderSeat = "sender.seat",
        /// The user's inbox provider (`gmail`, `google_workspace`, ...), `none` without one.
        SenderProvider = "sender.provider",
        /// The inbox is connected now.
        SenderInboxConnected = "sender.inbox_connected",
        /// SEQUENCES_DAILY_LIMIT_REACHED's fact.
        SenderSequencesDailyLimitFull = "sender.sequences_daily_limit_full",
        /// The inbox's sequence emails in the last 24 hours (statistic).
        SenderSent24h = "sender.sent_24h",
        /// The inbox's sequence emails in the last 7 days (statistic).
        SenderSent7d = "sender.sent_7d",
        /// Hard bounces of the inbox's emails in the last 7 days (statistic).
        SenderBounces7d = "sender.bounces_7d",
        /// Spam complaints about the inbox's emails in the last 7 days (statistic).
        SenderComplaints7d = "sender.complaints_7d",
        /// The user's enrollments this calendar day (statistic).
        SenderEnrolledToday = "sender.enrolled_today",
        /// The user's bulk (`crm_bulk`) enrollments this calendar day (statistic).
        SenderBulkEnrolledToday = "sender.bulk_enrolled_today",
        /// The contact is in a sequence now.
        EnrollmentAlreadyEnrolled = "enrollment.already_enrolled",
        /// A provider rejected an earlier email of the sequence to this record.
        EnrollmentProviderRejectedInSequence = "enrollment.provider_rejected_in_sequence",
    }
}

/// A variable's CEL type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// `bool`.
    Bool,
    /// `int`.
    Int,
    /// `string`.
    String,
}

impl Type {
    /// The type as CEL spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Bool => "bool",
            Self::Int => "int",
            Self::String => "string",
        }
    }
}

impl Variable {
    /// The objects variables are fields of, and the plain variables.
    pub const ROOTS: [&'static str; 9] = [
        "time",
        "portal",
        "source",
        "sequence",
        "contact",
        "address",
        "domain",
        "sender",
        "enrollment",
    ];

    /// The variable spelled `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.name() == name)
    }

    /// What a compiled expression's tree names the variable by: [`Self::TOKEN_MARK`] and its
    /// index, an identifier no CEL source can spell.
    pub(super) fn token(self) -> String {
        format!("{}{}", Self::TOKEN_MARK, self.index())
    }

    /// The first character of every [`Self::token`].
    pub(super) const TOKEN_MARK: char = '#';

    /// The fields of object `root`, if it is one.
    pub fn fields_of(root: &str) -> Option<Vec<&'static str>> {
        let fields: Vec<&str> = (Self::ALL.iter())
            .filter_map(|v| v.name().strip_prefix(root)?.strip_prefix('.'))
            .collect();
        (!fields.is_empty()).then_some(fields)
    }

    /// Its CEL type.
    pub const fn kind(self) -> Type {
        use Variable as V;
        match self {
            V::TimeWeekday
            | V::Source
            | V::SequenceName
            | V::SequenceSubscriptionType
            | V::ContactLastOutcome
            | V::SenderSeat
            | V::SenderProvider => Type::String,
            V::TimeSeconds
            | V::TimeDay
            | V::Portal
            | V::SequenceIndex
            | V::SequenceStep
            | V::ContactId
            | V::ContactEnrollments
            | V::ContactSecondsSinceEnrollmentEnd
            | V::ContactSecondsSinceEngagement
            | V::DomainBounces
            | V::SenderUser
            | V::SenderSent24h
            | V::SenderSent7d
            | V::SenderBounces7d
            | V::SenderComplaints7d
            | V::SenderEnrolledToday
            | V::SenderBulkEnrolledToday => Type::Int,
            _ => Type::Bool,
        }
    }

    /// Whether the engine keeps it only for expressions that read it: a count over the run's
    /// history rather than a fact of the attempt.
    pub const fn is_statistic(self) -> bool {
        use Variable as V;
        matches!(
            self,
            V::ContactEnrollments
                | V::ContactLastOutcome
                | V::ContactSecondsSinceEnrollmentEnd
                | V::ContactSecondsSinceEngagement
                | V::DomainBounces
                | V::SenderSent24h
                | V::SenderSent7d
                | V::SenderBounces7d
                | V::SenderComplaints7d
                | V::SenderEnrolledToday
                | V::SenderBulkEnrolledToday
        )
    }
}

/// A set of variables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Reads(u64);

impl Reads {
    /// No variable.
    pub const NONE: Self = Self(0);

    /// Every variable.
    pub const ALL: Self = Self((1 << Variable::ALL.len()) - 1);

    /// The set with `v` added.
    pub const fn with(self, v: Variable) -> Self {
        Self(self.0 | 1 << v.index())
    }

    /// Whether `v` is in the set.
    pub const fn contains(self, v: Variable) -> bool {
        self.0 & (1 << v.index()) != 0
    }

    /// Both sets'.
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// The variables of the set, in table order.
    pub fn iter(self) -> impl Iterator<Item = Variable> {
        Variable::ALL.into_iter().filter(move |&v| self.contains(v))
    }
}

const _: () = assert!(Variable::ALL.len() <= 64, "Reads is a u64");
