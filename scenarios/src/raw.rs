//! The file format: serde mirrors of the TOML scenario, before validation.
//!
//! Counts are read as signed integers and names as strings on purpose: a negative count or an
//! unknown seat name is then reported by validation in our words, next to every other problem
//! of the file, instead of stopping deserialization at the first one.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    pub name: Option<String>,
    #[allow(dead_code)] // documentation for people reading the file; validated as a string
    pub description: Option<String>,
    // `seed` and the `population` and `plan` tables are required; they are optional here so
    // that validation reports a missing one together with every other problem of the file.
    pub seed: Option<crate::numbers::RawSeed>,
    #[serde(default)]
    pub calendar: RawCalendar,
    pub population: Option<RawPopulation>,
    #[serde(default)]
    pub senders: Vec<RawSenderGroup>,
    #[serde(default)]
    pub sequences: Vec<RawSequence>,
    pub plan: Option<RawPlan>,
    #[serde(default)]
    pub rules: RawRules,
    #[serde(default)]
    pub sending: RawSending,
    #[serde(default)]
    pub engagement: RawEngagement,
    #[serde(default)]
    pub disconnections: RawDisconnections,
    #[serde(default)]
    pub tasks: RawTasks,
    #[serde(default)]
    pub reenrollment: RawReenrollment,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCalendar {
    #[serde(default = "default_start")]
    pub start: String,
    #[serde(default = "default_horizon_days")]
    pub horizon_days: i64,
}

impl Default for RawCalendar {
    fn default() -> Self {
        Self {
            start: default_start(),
            horizon_days: default_horizon_days(),
        }
    }
}

fn default_start() -> String {
    "2026-01-05".to_owned()
}

fn default_horizon_days() -> i64 {
    30
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPopulation {
    pub contacts: i64,
    #[serde(default = "one")]
    pub portals: i64,
    #[serde(default = "default_domains")]
    pub domains: i64,
    #[serde(default)]
    pub shared_persons: f64,
    #[serde(default)]
    pub duplicate_contacts: f64,
    #[serde(default)]
    pub mailbox_providers: Vec<RawMailboxProvider>,
    #[serde(default)]
    pub subscription_types: Vec<RawSubscriptionType>,
    #[serde(default)]
    pub rates: RawRates,
}

/// A subscription type; without any, a population has one, [`DEFAULT_SUBSCRIPTION_TYPE`],
/// whose opt-out rate is `rates.unsubscribed_personal`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSubscriptionType {
    pub name: String,
    #[serde(default)]
    pub unsubscribed_personal: f64,
}

/// The one subscription type of a population that declares none.
pub(crate) const DEFAULT_SUBSCRIPTION_TYPE: &str = "sales_email";

fn one() -> i64 {
    1
}

fn default_domains() -> i64 {
    1_000
}

/// Every rate defaults to 0: a scenario states the states it wants.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawRates {
    pub missing_email: f64,
    pub invalid_address: f64,
    pub blocked_address: f64,
    pub blocked_domain: f64,
    pub bounced_globally_if_invalid: f64,
    pub bounced_globally_if_valid: f64,
    pub bounced_if_invalid: f64,
    pub bounced_if_valid: f64,
    pub bounced_on_portal_if_invalid: f64,
    pub bounced_on_portal_if_valid: f64,
    pub marked_as_spam: f64,
    pub other_send_rejected: f64,
    pub unsubscribed: f64,
    /// The opt-out rate of the default subscription type; with declared types, each type
    /// states its own.
    pub unsubscribed_personal: Option<f64>,
    pub cannot_communicate: f64,
    pub already_enrolled: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSenderGroup {
    pub count: i64,
    pub seat: String,
    pub inbox: String,
    pub portal: Option<i64>,
    pub sequence: Option<String>,
    pub daily_limit: Option<i64>,
    #[serde(default)]
    pub other_emails_per_day: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSequence {
    pub name: String,
    #[serde(default)]
    pub steps: Vec<RawStep>,
    #[serde(default = "yes")]
    pub weekdays_only: bool,
    pub send_window: Option<Vec<String>>,
    /// Defaults to the population's first subscription type.
    pub subscription_type: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStep {
    pub kind: String,
    #[serde(default)]
    pub delay_days: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlan {
    pub business_days: i64,
    #[serde(default = "default_working_hours")]
    pub working_hours: Vec<i64>,
    #[serde(default = "one_f64")]
    pub coverage: f64,
    #[serde(default)]
    pub second_enrollment: f64,
    #[serde(default)]
    pub sources: RawSources,
    #[serde(default = "default_bulk_size_max")]
    pub bulk_size_max: i64,
}

fn default_working_hours() -> Vec<i64> {
    vec![8, 18]
}

fn one_f64() -> f64 {
    1.0
}

fn default_bulk_size_max() -> i64 {
    50
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawSources {
    pub crm_single: f64,
    pub crm_bulk: f64,
    pub gmail_extension: f64,
}

impl Default for RawSources {
    fn default() -> Self {
        Self {
            crm_single: 1.0,
            crm_bulk: 0.0,
            gmail_extension: 0.0,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRules {
    #[allow(dead_code)] // documentation for people reading the file; validated as a string
    pub description: Option<String>,
    pub order: Option<Vec<String>>,
    #[serde(default)]
    pub guards: Vec<RawGuard>,
    #[serde(default)]
    pub checks: Vec<RawCheck>,
}

/// A CEL check as a rule set declares it: its own reason code, and the expression that
/// refuses an attempt when true.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCheck {
    pub code: String,
    pub description: String,
    pub when: String,
    pub action: Option<String>,
    pub pause_hours: Option<i64>,
}

model::catalogue! {
    /// What a CEL check does when its expression is true, as `action` spells it.
    pub(crate) enum CheckAction {
        /// Refuse this attempt (the default).
        Refuse = "refuse",
        /// Pause the sender for `pause_hours`: every attempt of theirs is refused with the
        /// check's code meanwhile.
        Pause = "pause",
    }
}

/// A guard as a rule set declares it: its own reason code, and what it measures. Which of the
/// optional keys a guard takes depends on its `kind`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGuard {
    pub code: String,
    pub description: String,
    pub kind: String,
    pub window_hours: Option<i64>,
    pub window_sends: Option<i64>,
    pub threshold: Option<f64>,
    pub min_sends: Option<i64>,
    pub bounces: Option<i64>,
    pub days: Option<i64>,
    pub per_day: Option<i64>,
    pub pause_hours: Option<i64>,
}

model::catalogue! {
    /// The guard kinds, as `kind` spells them.
    pub(crate) enum GuardKindName {
        /// [`sim::GuardKind::SenderBounceRate`].
        SenderBounceRate = "sender_bounce_rate",
        /// [`sim::GuardKind::SenderComplaintRate`].
        SenderComplaintRate = "sender_complaint_rate",
        /// [`sim::GuardKind::DomainBounces`].
        DomainBounces = "domain_bounces",
        /// [`sim::GuardKind::Cooldown`].
        Cooldown = "cooldown",
        /// [`sim::GuardKind::DailyEnrollmentCap`].
        DailyEnrollmentCap = "daily_enrollment_cap",
        /// [`sim::GuardKind::RecentEngagement`].
        RecentEngagement = "recent_engagement",
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMailboxProvider {
    pub name: String,
    pub share: f64,
    #[serde(default)]
    pub soft_bounce: f64,
    #[serde(default)]
    pub policy_rejection: f64,
    #[serde(default)]
    pub mailbox_moved: f64,
    /// Soft-bounce reply name -> share of the soft bounces.
    pub soft_bounce_split: Option<BTreeMap<String, f64>>,
    /// Invalid-address reply name -> share of the answers to addresses that do not exist.
    pub invalid_split: Option<BTreeMap<String, f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawSending {
    pub stagger_seconds: i64,
    pub bulk_per_minute: i64,
    pub per_minute_limit: Option<i64>,
    pub provider_limits: bool,
    pub provider_block_hours: i64,
    pub send_failure: f64,
    pub gmail_send_error: f64,
    pub soft_bounce_retries: i64,
    pub retry_backoff_minutes: i64,
    pub sequences_daily_limit: Option<RawSequencesDailyLimit>,
}

/// `[sending.sequences_daily_limit]`: absent, no such limit.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSequencesDailyLimit {
    pub per_user: i64,
    #[serde(default = "refuse")]
    pub when_full: String,
}

fn refuse() -> String {
    sim::scenario::WhenFull::Refuse.name().to_owned()
}

impl Default for RawSending {
    fn default() -> Self {
        Self {
            stagger_seconds: 30,
            bulk_per_minute: 3,
            per_minute_limit: None,
            provider_limits: true,
            provider_block_hours: 24,
            send_failure: 0.0,
            gmail_send_error: 0.0,
            soft_bounce_retries: 3,
            retry_backoff_minutes: 30,
            sequences_daily_limit: None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawEngagement {
    pub reply: f64,
    pub meeting_booked: f64,
    pub unsubscribe: f64,
    pub unsubscribe_all_share: f64,
    pub spam_complaint: f64,
    pub out_of_office: f64,
    pub reaction_hours_max: i64,
}

impl Default for RawEngagement {
    fn default() -> Self {
        Self {
            reply: 0.0,
            meeting_booked: 0.0,
            unsubscribe: 0.0,
            unsubscribe_all_share: 0.5,
            spam_complaint: 0.0,
            out_of_office: 0.0,
            reaction_hours_max: 48,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawDisconnections {
    pub per_inbox_day: f64,
    pub reconnect_hours: Vec<i64>,
    pub outages: Vec<RawOutage>,
}

impl Default for RawDisconnections {
    fn default() -> Self {
        Self {
            per_inbox_day: 0.0,
            reconnect_hours: vec![1, 24],
            outages: Vec::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOutage {
    pub date: String,
    pub start: String,
    pub hours: f64,
    pub inbox: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawTasks {
    pub completion_hours: Vec<i64>,
}

impl Default for RawTasks {
    fn default() -> Self {
        Self {
            completion_hours: vec![1, 24],
        }
    }
}

model::catalogue! {
    /// The re-enrollment policies, as `reenrollment.policy` spells them.
    pub(crate) enum Policy {
        /// [`sim::Reenrollment::None`].
        None = "none",
        /// [`sim::Reenrollment::Resume`].
        Resume = "resume",
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawReenrollment {
    pub policy: String,
    /// The default delay of the SEND_LIMIT_REACHED, SEND_FAILURE and INBOX_DISCONNECTED
    /// remedies, in hours.
    pub delay_hours: i64,
    pub send_limit_reached: RawRemedy,
    pub send_failure: RawRemedy,
    pub inbox_disconnected: RawRemedy,
    pub gmail_send_error: RawRemedy,
}

impl Default for RawReenrollment {
    fn default() -> Self {
        Self {
            policy: Policy::None.name().to_owned(),
            delay_hours: 24,
            send_limit_reached: RawRemedy::default(),
            send_failure: RawRemedy::default(),
            inbox_disconnected: RawRemedy::default(),
            gmail_send_error: RawRemedy::default(),
        }
    }
}

/// One failure's remedy; every key left out takes the knowledge base's default
/// ([`sim::Remedy::article`]).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawRemedy {
    pub share: Option<f64>,
    pub delay_minutes: Option<i64>,
    pub resume_at: Option<String>,
    pub reconnect_first: Option<bool>,
    pub retry_from: Option<String>,
}

model::catalogue! {
    /// Where a GMAIL_SEND_ERROR remedy re-enrolls from, as `retry_from` spells it.
    pub(crate) enum RetryFrom {
        /// The Gmail extension again.
        Gmail = "gmail",
        /// The CRM.
        Crm = "crm",
    }
}
