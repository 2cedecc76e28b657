//! A scenario as the simulator takes it: plain, already validated data. The `scenarios` crate
//! builds it from a file; tests build it by hand.

use model::{InboxProvider, RuleSet, SeatTier};

use crate::time::Calendar;

/// Most sequences a scenario may define: a contact's per-sequence rejection marks are one
/// 16-bit set.
pub const MAX_SEQUENCES: usize = 16;
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
}

/// A sequence: steps with delays.
#[derive(Clone, Debug, PartialEq)]
pub struct Sequence {
    /// The sequence's name.
    pub name: String,
    /// Its steps, in order; at least one.
    pub steps: Vec<Step>,
}

/// One step of a sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// What the step does.
    pub kind: StepKind,
    /// Days after the previous step (0 for the first step, which executes at enrollment).
    pub delay_days: u32,
}

/// What a step does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// An email the platform sends.
    AutomatedEmail,
    /// An email the user writes and sends from a task.
    ManualEmail,
    /// A call, LinkedIn or to-do task.
    Task,
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

/// Where an enrollment was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Source {
    /// One contact from the CRM.
    CrmSingle,
    /// A bulk of at most 50 contacts from the CRM.
    CrmBulk,
    /// The Gmail extension: Gmail itself sends step 1.
    GmailExtension,
}

impl Source {
    /// Every source, in report order.
    pub const ALL: [Source; 3] = [Self::CrmSingle, Self::CrmBulk, Self::GmailExtension];

    /// Snake-case name, as scenario files and reports spell it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::CrmSingle => "crm_single",
            Self::CrmBulk => "crm_bulk",
            Self::GmailExtension => "gmail_extension",
        }
    }
}

impl Scenario {
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
