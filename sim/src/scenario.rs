//! A scenario as the simulator takes it: plain, already validated data. The `scenarios` crate
//! builds it from a file; tests build it by hand.

use model::{InboxProvider, RuleSet, SeatTier};

use crate::time::{Calendar, SimTime};

/// Most sequences a scenario may define: a contact's per-sequence rejection marks are one
/// 16-bit set.
pub const MAX_SEQUENCES: usize = 16;
/// Most retries of one soft-bounced send: the backoff doubles with each, so more would only
/// wait past any horizon.
pub const MAX_SOFT_BOUNCE_RETRIES: u32 = 10;
/// Most contacts one bulk enrollment may hold (domain.md §1).
pub const MAX_BULK_SIZE: u32 = 50;

/// Everything that defines a simulated world and its enrollment flow.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// The scenario's name, for reports.
    pub name: String,
    /// The master seed every random stream derives from.
    pub seed: u64,
    /// Start weekday and horizon.
    pub calendar: Calendar,
    /// Who the contacts are.
    pub population: Population,
    /// Who enrolls them, in groups of alike users.
    pub senders: Vec<SenderGroup>,
    /// The sequences users enroll contacts in; at least one, at most [`MAX_SEQUENCES`].
    pub sequences: Vec<Sequence>,
    /// Who enrolls whom, when and how.
    pub plan: Plan,
    /// The enrollment checks, in order.
    pub rules: RuleSet,
    /// How the platform and the sender's provider send: pacing, limits, failures.
    pub sending: Sending,
    /// How recipients react to delivered email.
    pub engagement: Engagement,
    /// When inboxes lose their connection.
    pub disconnections: Disconnections,
    /// How long users take to complete task steps.
    pub tasks: Tasks,
    /// What happens after a step failure (domain.md §4).
    pub reenrollment: Reenrollment,
}

/// The contacts, their portals, and the odds of each initial state.
#[derive(Clone, Debug, PartialEq)]
pub struct Population {
    /// Contact records across all portals (> 0).
    pub contacts: u32,
    /// Portals (accounts) the contacts are split across, contiguously and evenly (> 0).
    pub portals: u32,
    /// Distinct email domains addresses are drawn from (> 0).
    pub domains: u32,
    /// Probability that a contact is a person (mailbox) already present as a contact in another
    /// portal, so that platform-wide facts such as the global bounce list connect portals.
    pub shared_persons: f64,
    /// Probability that a contact record duplicates an earlier record of the same portal (same
    /// address), so that what one record learns shows on the other as a portal-level fact.
    pub duplicate_contacts: f64,
    /// The recipients' mailbox providers and how each answers; at least one, shares summing
    /// to 1.
    pub mailbox_providers: Vec<MailboxProvider>,
    /// The odds of each initial state.
    pub rates: Rates,
}

/// Probabilities of the initial states, each in [0, 1]. "If invalid" and "if valid" pairs are
/// conditional on whether the person's mailbox exists: a dead mailbox has likely bounced before.
#[derive(Clone, Debug, PartialEq)]
pub struct Rates {
    /// A contact record has no email address.
    pub missing_email: f64,
    /// A person's mailbox does not exist (mail to it will hard-bounce).
    pub invalid_address: f64,
    /// A person's address is on the platform's block list.
    pub blocked_address: f64,
    /// A domain is on the platform's block list.
    pub blocked_domain: f64,
    /// A person is on the global bounce list, given an invalid mailbox.
    pub bounced_globally_if_invalid: f64,
    /// A person is on the global bounce list, given a valid mailbox.
    pub bounced_globally_if_valid: f64,
    /// A contact's earlier email bounced, given an invalid mailbox.
    pub bounced_if_invalid: f64,
    /// A contact's earlier email bounced, given a valid mailbox.
    pub bounced_if_valid: f64,
    /// Earlier mail from the contact's portal to the address bounced, given an invalid mailbox.
    pub bounced_on_portal_if_invalid: f64,
    /// Earlier mail from the contact's portal to the address bounced, given a valid mailbox.
    pub bounced_on_portal_if_valid: f64,
    /// A contact marked an earlier email as spam.
    pub marked_as_spam: f64,
    /// A provider rejected an earlier email of one of the scenario's sequences (drawn
    /// uniformly) to the contact.
    pub other_send_rejected: f64,
    /// A contact unsubscribed from all email.
    pub unsubscribed: f64,
    /// A contact unsubscribed from the sales-email type.
    pub unsubscribed_personal: f64,
    /// Users may not communicate with a contact.
    pub cannot_communicate: f64,
    /// A contact is already enrolled in a sequence outside the scenario when it starts.
    pub already_enrolled: f64,
}

/// A recipients' mailbox provider (Gmail, Microsoft, a corporate gateway...) and the odds of
/// each SMTP answer it gives a send to a mailbox that exists (domain.md §6). A mailbox that does
/// not exist always answers 550 5.1.1.
#[derive(Clone, Debug, PartialEq)]
pub struct MailboxProvider {
    /// The provider's name, for reports.
    pub name: String,
    /// Share of persons whose mailbox is at this provider.
    pub share: f64,
    /// Probability of a transient 4.x.x answer (mailbox full, greylisting, rate limiting).
    pub soft_bounce: f64,
    /// Probability of a policy rejection, 550 5.7.1.
    pub policy_rejection: f64,
}

/// A group of alike users.
#[derive(Clone, Debug, PartialEq)]
pub struct SenderGroup {
    /// Users in the group (> 0).
    pub count: u32,
    /// Their seat.
    pub seat: SeatTier,
    /// Their connected inbox's provider, or `None` for users who never connected one.
    pub inbox: Option<InboxProvider>,
    /// The portal they all belong to; `None` spreads the group's users over the portals.
    pub portal: Option<u32>,
    /// Index into [`Scenario::sequences`] of the sequence they enroll contacts in.
    pub sequence: u16,
    /// A custom per-inbox daily limit overriding the provider default (domain.md §5).
    pub daily_limit: Option<u32>,
    /// Email the users send outside sequences each day: it counts toward the provider's limits,
    /// not the platform's.
    pub other_emails_per_day: u32,
}

/// A sequence: steps with delays.
#[derive(Clone, Debug, PartialEq)]
pub struct Sequence {
    /// The sequence's name.
    pub name: String,
    /// Its steps, in order; at least one.
    pub steps: Vec<Step>,
    /// Follow-ups only on weekdays: a step falling on a weekend moves to Monday (the default).
    pub weekdays_only: bool,
    /// Follow-ups only between these minutes of the day, `[start, end)`; `None`: any time.
    pub send_window: Option<(u32, u32)>,
}

/// One step of a sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// What the step does.
    pub kind: StepKind,
    /// Days after the previous step (0 for the first step, which executes at enrollment).
    pub delay_days: u32,
}

model::catalogue! {
    /// What a step does; names as scenario files spell them.
    pub enum StepKind {
        /// An email the platform sends.
        AutomatedEmail = "automated_email",
        /// An email the user writes and sends from a task.
        ManualEmail = "manual_email",
        /// A call, LinkedIn or to-do task.
        Task = "task",
    }
}

/// Who enrolls whom, when, and from where.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Enrollments happen on the first `business_days` weekdays of the calendar (> 0).
    pub business_days: u32,
    /// Enrollments happen between these hours of the day: `[start, end)`, `start < end <= 24`.
    pub working_hours: (u32, u32),
    /// Probability that a contact is enrolled by a user of its portal.
    pub coverage: f64,
    /// Probability that an enrolled contact is also enrolled by a second user of its portal
    /// (overlapping lists; the same user when the portal has only one).
    pub second_enrollment: f64,
    /// How enrollments are made, as probabilities summing to 1.
    pub sources: SourceMix,
    /// Most contacts in one CRM bulk enrollment, 1..=[`MAX_BULK_SIZE`]; each bulk draws its size
    /// uniformly up to this.
    pub bulk_size_max: u32,
}

/// The share of enrollment actions per [`Source`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SourceMix {
    /// One contact from the CRM.
    pub crm_single: f64,
    /// A bulk of contacts from the CRM.
    pub crm_bulk: f64,
    /// One contact from the Gmail extension.
    pub gmail_extension: f64,
}

impl SourceMix {
    pub(crate) fn weights(&self) -> [f64; 3] {
        [self.crm_single, self.crm_bulk, self.gmail_extension]
    }
}

/// Pacing, limits and failures of sending (domain.md §2, §4, §5).
#[derive(Clone, Debug, PartialEq)]
pub struct Sending {
    /// Sends of one inbox that fall on the same moment leave this many seconds apart.
    pub stagger_seconds: u32,
    /// The first steps of a bulk enrollment leave at most this many a minute.
    pub bulk_per_minute: u32,
    /// A custom per-inbox limit per clock minute (1..=10), if set.
    pub per_minute_limit: Option<u32>,
    /// Whether the provider-side limits of domain.md §5 apply.
    pub provider_limits: bool,
    /// Hours a provider blocks an inbox once its limit is exceeded ("up to 24 h").
    pub provider_block_hours: u32,
    /// Probability that a send fails permanently for a connection or provider problem.
    pub send_failure: f64,
    /// Probability that Gmail does not send step 1 of a Gmail-extension enrollment.
    pub gmail_send_error: f64,
    /// Transient answers are retried this many times before the send counts as bounced.
    pub soft_bounce_retries: u32,
    /// The first retry waits this long; each later one twice as long as the one before.
    pub retry_backoff_minutes: u32,
}

/// How recipients react to a delivered email: at most one reaction per email, after a delay.
#[derive(Clone, Debug, PartialEq)]
pub struct Engagement {
    /// Probability of a reply (unenrolls).
    pub reply: f64,
    /// Probability of a booked meeting (unenrolls).
    pub meeting_booked: f64,
    /// Probability of an unsubscribe click (unenrolls).
    pub unsubscribe: f64,
    /// Of unsubscribes, the share that opts out of all email (the rest: this type only).
    pub unsubscribe_all_share: f64,
    /// Probability of a spam complaint (unenrolls).
    pub spam_complaint: f64,
    /// Probability of an out-of-office auto-reply (does not unenroll).
    pub out_of_office: f64,
    /// Reactions come uniformly within this many hours of delivery.
    pub reaction_hours_max: u32,
}

/// When inboxes lose their connection to the platform.
#[derive(Clone, Debug, PartialEq)]
pub struct Disconnections {
    /// Probability that an inbox disconnects on a given day (at a uniform time of day).
    pub per_inbox_day: f64,
    /// A disconnected inbox reconnects after a uniform number of hours in this span.
    pub reconnect_hours: (u32, u32),
    /// Scheduled outages.
    pub outages: Vec<Outage>,
}

/// A scheduled outage: inboxes cannot be reached for a while.
#[derive(Clone, Debug, PartialEq)]
pub struct Outage {
    /// When it starts, in seconds from the scenario's start.
    pub start: SimTime,
    /// How long it lasts, in seconds.
    pub duration: u32,
    /// The inboxes it hits: one provider's, or all.
    pub inbox: Option<InboxProvider>,
}

/// How users work through task steps.
#[derive(Clone, Debug, PartialEq)]
pub struct Tasks {
    /// A task is completed a uniform number of working hours in this span after it is due.
    pub completion_hours: (u32, u32),
}

/// What happens to an enrollment ended by a step failure (domain.md §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reenrollment {
    /// Nothing: the contact stays unenrolled.
    None,
    /// The user re-enrolls the contact after `delay_hours`: at the following step after
    /// SEND_LIMIT_REACHED, at the failed step after SEND_FAILURE or INBOX_DISCONNECTED, and from
    /// the CRM at step 1 after GMAIL_SEND_ERROR. The re-enrollment goes through the rules again.
    Resume {
        /// Hours between the failure and the re-enrollment; at least 1, so that a failure
        /// that repeats cannot loop within one moment.
        delay_hours: u32,
    },
}

model::catalogue! {
    /// Where an enrollment was made; names as scenario files and reports spell them, in report
    /// order.
    #[repr(u8)]
    pub enum Source {
        /// One contact from the CRM.
        CrmSingle = "crm_single",
        /// A bulk of at most 50 contacts from the CRM.
        CrmBulk = "crm_bulk",
        /// The Gmail extension: Gmail itself sends step 1.
        GmailExtension = "gmail_extension",
        /// A re-enrollment after a step failure, under [`Reenrollment::Resume`].
        ReEnrollment = "re_enrollment",
    }
}

impl Scenario {
    /// Scales the population to `contacts` contacts: the domains they are drawn from scale in
    /// proportion (so a domain holds as many addresses as before), and the plan, which is
    /// drawn per contact, follows by itself. Senders and portals stay.
    pub fn scale_contacts(&mut self, contacts: u32) {
        let pop = &mut self.population;
        let domains = u64::from(pop.domains) * u64::from(contacts) / u64::from(pop.contacts);
        pop.domains = domains.clamp(1, u64::from(u32::MAX)) as u32;
        pop.contacts = contacts;
    }

    /// The sender group of user `user` (users are numbered group by group).
    pub fn group_of_user(&self, user: u32) -> Option<&SenderGroup> {
        let mut first = 0;
        self.senders.iter().find(|g| {
            first += g.count;
            user < first
        })
    }

    /// The portal of every user, users numbered group by group. A group pinned to a portal puts
    /// all its users there; the others are dealt round-robin over the portals by their global
    /// user number, so every portal gets senders as soon as there are as many as portals.
    pub fn user_portals(&self) -> Vec<u32> {
        let mut portals = Vec::new();
        for group in &self.senders {
            for _ in 0..group.count {
                let user = portals.len() as u32;
                portals.push(group.portal.unwrap_or(user % self.population.portals));
            }
        }
        portals
    }
}
