//! The decision protocol `seqsim-decision/2` (and `/1`, which it extends), as serde types:
//! one [`Batch`] of [`Request`]s
//! (every fact the rules read at one attempt, as raw state) goes to the engine, one
//! [`AnswerMessage`] comes back. `docs/harness.md` describes it and `docs/harness.schema.json`
//! is its JSON Schema.

use serde::{Deserialize, Serialize};

/// The protocol's name and version, carried by every batch. A change that an engine written
/// for this version could misread gets a new version.
pub const PROTOCOL: &str = Version::V2.name();

/// A version of the protocol an engine speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Version {
    /// `seqsim-decision/1`: the facts of the built-in checks, the time, the sequence and the
    /// guards' codes.
    V1,
    /// `seqsim-decision/2`: version 1 and the variables of CEL checks it lacks (the sender's
    /// provider, the statistics: fields marked "version 2" below) and each CEL check's
    /// expression in [`GuardInfo::when`].
    #[default]
    V2,
}

impl Version {
    /// Every version, oldest first.
    pub const ALL: [Version; 2] = [Version::V1, Version::V2];

    /// The name batches carry.
    pub const fn name(self) -> &'static str {
        match self {
            Version::V1 => "seqsim-decision/1",
            Version::V2 => "seqsim-decision/2",
        }
    }

    /// The version `name` names.
    pub fn from_name(name: &str) -> Option<Version> {
        Self::ALL.into_iter().find(|v| v.name() == name)
    }
}

/// The decision that enrolls the contact; any other decision is a reason code.
pub const ENROLLED: &str = "ENROLLED";

/// One message to the engine: the rule set and a batch of attempts to decide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// The [`Version`]'s name.
    pub protocol: String,
    /// The rule set the reference model decides with.
    pub rules: Rules,
    /// The attempts, in id order.
    pub requests: Vec<Request>,
}

/// The rule set: the checks in order, and the guards' codes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Where the rule set comes from: the `--rules` file as given, or the scenario's name.
    pub name: String,
    /// The checks, first to last: built-in reason codes and the guards' codes. The first check
    /// whose condition holds is the decision; none holds: ENROLLED. A code left out never
    /// blocks.
    pub order: Vec<String>,
    /// The rule set's guards: a guard's condition holds when the request lists its code in
    /// [`Request::guards`].
    pub guards: Vec<GuardInfo>,
}

/// One guard of the rule set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuardInfo {
    /// Its reason code.
    pub code: String,
    /// What it means.
    pub description: String,
    /// Version 2, a CEL check: its expression (true refuses), over the request's fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

/// One enrollment attempt: every fact the rules read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The attempt's id: its position among the run's attempts (portal by portal, each in time
    /// order). Answers carry it back.
    pub id: u64,
    /// When, in simulated time.
    pub time: Time,
    /// The contact's portal (account).
    pub portal: u32,
    /// Where the attempt comes from.
    pub source: Source,
    /// The target sequence.
    pub sequence: SequenceRef,
    /// The contact record and its address's facts in the portal.
    pub contact: ContactFacts,
    /// The address's platform-wide facts; `null` when the record has no address (address facts
    /// and provider rejections do not apply to it).
    pub address: Option<AddressFacts>,
    /// Version 2: the domain of the contact's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<DomainFacts>,
    /// The enrolling user.
    pub sender: SenderFacts,
    /// The contact's enrollment state.
    pub enrollment: EnrollmentFacts,
    /// The codes of the rule set's guards (CEL checks included) that hold for this attempt.
    pub guards: Vec<String>,
}

/// Version 2: the domain of the contact's address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainFacts {
    /// Hard bounces on the domain in the portal, ever.
    pub bounces: u32,
}

/// Simulated time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Time {
    /// Seconds since the scenario's start (day 0, 00:00).
    pub seconds: u32,
    /// The day, from 0.
    pub day: u32,
    /// The day's date, `YYYY-MM-DD`, from the scenario's start date.
    pub date: String,
    /// The day's weekday.
    pub weekday: Weekday,
}

/// A day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// Where an attempt comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// One contact from the CRM.
    CrmSingle,
    /// A bulk enrollment from the CRM.
    CrmBulk,
    /// The Gmail extension.
    GmailExtension,
    /// The user re-enrolls the contact after a step failed.
    ReEnrollment,
}

/// The target sequence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SequenceRef {
    /// Its index in the scenario.
    pub index: u16,
    /// Its name.
    pub name: String,
    /// The step the enrollment would start at, from 0 (later: a re-enrollment resuming).
    pub step: u8,
    /// The subscription type its email is sent under.
    pub subscription_type: String,
}

/// The contact record, with its address's facts in the portal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactFacts {
    /// The contact's id (`seqsim trace --contact ID`).
    pub id: u32,
    /// Whether the record has an email address.
    pub has_address: bool,
    /// Users of the portal may not communicate with the contact.
    pub cannot_communicate: bool,
    /// An email the platform sent to the contact bounced.
    pub bounced: bool,
    /// Earlier mail from this portal to the address bounced.
    pub bounced_on_portal: bool,
    /// A previous email to the address was marked as spam.
    pub marked_as_spam: bool,
    /// The address opted out of all email.
    pub unsubscribed: bool,
    /// The address opted out of the target sequence's subscription type.
    pub unsubscribed_from_type: bool,
    /// Version 2: the record's enrollments before this attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrollments: Option<u32>,
    /// Version 2: how its last enrollment ended (an outcome's name); `""`: none has ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_outcome: Option<String>,
    /// Version 2: seconds since its last enrollment ended; 9223372036854775807 (CEL's
    /// largest int): never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds_since_enrollment_end: Option<i64>,
    /// Version 2: seconds since it last replied or booked a meeting; as above when never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds_since_engagement: Option<i64>,
}

/// The address's platform-wide facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressFacts {
    /// The address is on the platform's block list.
    pub blocked_address: bool,
    /// Its domain is on the platform's block list.
    pub blocked_domain: bool,
    /// Mail to the address from another account (portal) on the platform bounced.
    pub bounced_on_another_account: bool,
}

/// The enrolling user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SenderFacts {
    /// The user's id.
    pub user: u32,
    /// The user's seat.
    pub seat: Seat,
    /// The user has a connected inbox right now.
    pub inbox_connected: bool,
    /// The user's sequences daily limit has no room for this enrollment's emails.
    pub sequences_daily_limit_full: bool,
    /// Version 2: the provider of the user's inbox (`gmail`, ...); `none`: no inbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Version 2: sequence emails the inbox sent in the last 24 hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_24h: Option<u32>,
    /// Version 2: ... in the last 7 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_7d: Option<u32>,
    /// Version 2: hard bounces of its emails in the last 7 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounces_7d: Option<u32>,
    /// Version 2: spam complaints about its emails in the last 7 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaints_7d: Option<u32>,
    /// Version 2: the user's enrollments this calendar day, before this attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrolled_today: Option<u32>,
    /// Version 2: ... of them bulk (`crm_bulk`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bulk_enrolled_today: Option<u32>,
}

/// A seat tier; only professional and enterprise seats may use sequences.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Seat {
    Free,
    Starter,
    Professional,
    Enterprise,
}

/// The contact's enrollment state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentFacts {
    /// The contact has an active enrollment.
    pub already_enrolled: bool,
    /// A mailbox provider rejected an earlier email of the target sequence to the record.
    pub provider_rejected_in_sequence: bool,
}

/// The engine's one message back: one answer per request, in request order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerMessage {
    /// The answers.
    pub answers: Vec<Answer>,
}

/// The decision on one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The request's id.
    pub id: u64,
    /// [`ENROLLED`], or the reason code of the first failing check.
    pub decision: String,
}
