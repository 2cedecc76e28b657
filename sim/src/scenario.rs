//! A scenario as the simulator takes it: plain, already validated data. The `scenarios` crate
//! builds it from a file; tests build it by hand.

use model::{InboxProvider, RuleSet, SeatTier, SmtpReply};

use crate::time::{Calendar, SimTime};

/// Most steps in one sequence: a step's index is a `u8`.
pub const MAX_STEPS: usize = u8::MAX as usize;
/// Most sequences a scenario may define: a contact's per-sequence rejection marks are one
/// 16-bit set.
pub const MAX_SEQUENCES: usize = 16;
/// Most subscription types a scenario may define: an address's personal opt-outs are one
/// 16-bit set.
pub const MAX_SUBSCRIPTION_TYPES: usize = 16;
/// Most retries of one soft-bounced send: the backoff doubles with each, so more would only
/// wait past any horizon.
pub const MAX_SOFT_BOUNCE_RETRIES: u32 = 10;
/// Most contacts one bulk enrollment may hold (domain §1).
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
    /// The enrollment checks, in order, with the reason codes of the rule set's guards.
    pub rules: RuleSet,
    /// What each guard of `rules` measures: `guards[i]` is guard `i`.
    pub guards: Vec<Guard>,
    /// How the platform and the sender's provider send: pacing, limits, failures.
    pub sending: Sending,
    /// How recipients react to delivered email.
    pub engagement: Engagement,
    /// When inboxes lose their connection.
    pub disconnections: Disconnections,
    /// How long users take to complete task steps.
    pub tasks: Tasks,
    /// What happens after a step failure (domain §4).
    pub reenrollment: Reenrollment,
    /// What validation warned about the file this scenario came from (a value the product
    /// would not accept but the run uses as given), each naming its key, for the report. The
    /// engine never reads it; empty for scenarios built in code.
    pub warnings: Vec<String>,
    /// The SHA-256 of the file this scenario was read from (lower-case hex), for a report's
    /// provenance; `None` for scenarios built in code. The engine never reads it.
    pub source_sha256: Option<String>,
    /// The `--set PATH=VALUE` overrides applied to the file's text before validation, as given,
    /// for a report's provenance; empty when none. The engine never reads it.
    pub overrides: Vec<String>,
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
    /// The subscription types email is sent under; 1..=[`MAX_SUBSCRIPTION_TYPES`].
    pub subscription_types: Vec<SubscriptionType>,
    /// The odds of each initial state.
    pub rates: Rates,
}

/// A subscription type (domain §3): a recipient may opt out of one type
/// (UNSUBSCRIBED_PERSONAL for sequences of that type) or of all email (UNSUBSCRIBED).
#[derive(Clone, Debug, PartialEq)]
pub struct SubscriptionType {
    /// The type's name, for reports.
    pub name: String,
    /// Probability that an address starts opted out of this type.
    pub unsubscribed_personal: f64,
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
    /// Users may not communicate with a contact.
    pub cannot_communicate: f64,
    /// A contact is already enrolled in a sequence outside the scenario when it starts.
    pub already_enrolled: f64,
}

/// A recipients' mailbox provider (Gmail, Microsoft, a corporate gateway...) and the odds of
/// each SMTP answer it gives a send to a mailbox that exists (domain §6). A mailbox that does
/// not exist always answers 550 5.1.1.
#[derive(Clone, Debug, PartialEq)]
pub struct MailboxProvider {
    /// The provider's name, for reports.
    pub name: String,
    /// Share of persons whose mailbox is at this provider.
    pub share: f64,
    /// Probability of a transient 4.x.x answer (mailbox full, greylisting, rate limiting), in
    /// total over the soft-bounce replies.
    pub soft_bounce: f64,
    /// Probability of a policy rejection, 550 5.7.1.
    pub policy_rejection: f64,
    /// Probability that a mailbox that exists answers 550 5.1.6 (moved, no forwarding
    /// address): a hard bounce a valid address can still get.
    pub mailbox_moved: f64,
    /// How soft bounces split among the soft-bounce replies ([`SmtpReply::is_soft_bounce`]):
    /// `(reply, share)`, each reply once, shares summing to 1.
    pub soft_bounce_split: Vec<(SmtpReply, f64)>,
    /// How an address that does not exist is answered, among the invalid-address replies
    /// ([`SmtpReply::is_invalid_address_answer`]): `(reply, share)`, shares summing to 1.
    pub invalid_split: Vec<(SmtpReply, f64)>,
}

impl MailboxProvider {
    /// The default split of soft bounces: every one 452 4.2.2 (mailbox full), the one soft
    /// answer earlier versions modelled, so files that give no split keep their numbers.
    pub fn default_soft_bounce_split() -> Vec<(SmtpReply, f64)> {
        vec![(SmtpReply::MailboxFull, 1.0)]
    }

    /// The default answer to an address that does not exist: 550 5.1.1 (bad mailbox).
    pub fn default_invalid_split() -> Vec<(SmtpReply, f64)> {
        vec![(SmtpReply::BadMailbox, 1.0)]
    }

    /// A provider with these answer odds, no mailbox-moved bounces and the default splits.
    pub fn plain(name: &str, share: f64, soft_bounce: f64, policy_rejection: f64) -> Self {
        Self {
            name: name.to_owned(),
            share,
            soft_bounce,
            policy_rejection,
            mailbox_moved: 0.0,
            soft_bounce_split: Self::default_soft_bounce_split(),
            invalid_split: Self::default_invalid_split(),
        }
    }
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
    /// A custom per-inbox daily limit overriding the provider default (domain §5).
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
    /// Index into [`Population::subscription_types`] of the type its email is sent under.
    pub subscription_type: u16,
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

/// Pacing, limits and failures of sending (domain §2, §4, §5).
#[derive(Clone, Debug, PartialEq)]
pub struct Sending {
    /// Sends of one inbox that fall due while its queue still holds an earlier one (sends
    /// scheduled for the same moment) leave this many seconds apart; at least one second, since
    /// an inbox sends one email at a time. Sends due when the queue is idle leave when due.
    pub stagger_seconds: u32,
    /// The first steps of a bulk enrollment leave at most this many a minute.
    pub bulk_per_minute: u32,
    /// A custom per-inbox limit per clock minute (1..=10), if set.
    pub per_minute_limit: Option<u32>,
    /// Whether the provider-side limits of domain §5 apply.
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
    /// The sequences daily limit checked at enrollment, if the scenario sets one.
    pub sequences_daily_limit: Option<SequencesDailyLimit>,
}

/// The sequences daily limit (domain §5): per user, the sequence emails scheduled on one day
/// by new, earlier and paused enrollments. Its size "varies by subscription" and is not public,
/// so it is a parameter. An enrollment's emails are scheduled on the days its steps fall on
/// nominally (step delays, weekends and send window; tasks and queues aside); an enrollment
/// that ends early frees the days still ahead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SequencesDailyLimit {
    /// Emails one user may have scheduled on one day (> 0).
    pub per_user: u32,
    /// What happens to an enrollment whose emails would overfill a day.
    pub when_full: WhenFull,
}

model::catalogue! {
    /// What happens to an enrollment whose emails do not fit the sequences daily limit.
    pub enum WhenFull {
        /// The attempt is refused: SEQUENCES_DAILY_LIMIT_REACHED.
        Refuse = "refuse",
        /// The enrollment starts on the first later day (same time of day) on which all its
        /// emails fit; refused if none within the horizon does.
        NextDay = "next_day",
    }
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

/// A guard of a rule set: a check of its own, with its own reason code (declared in the
/// [`RuleSet`]), that holds while a statistic the engine keeps is over its threshold. With
/// `pause_hours`, the guard instead pauses the sender once it holds: every attempt of the
/// sender is refused with the guard's code for that many hours, whatever the statistic does.
#[derive(Clone, Debug, PartialEq)]
pub struct Guard {
    /// What it measures and where its threshold is.
    pub kind: GuardKind,
    /// Pause the sender this long once the guard holds, instead of refusing only while it does.
    pub pause_hours: Option<u32>,
}

/// What a guard measures. Rates hold when *above* their threshold; counts when they reach it.
#[derive(Clone, Debug, PartialEq)]
pub enum GuardKind {
    /// A CEL check: holds when the expression is true on the attempt's facts
    /// ([`crate::cel`]).
    Expression(crate::cel::Expression),
    /// The sender's hard bounces over its sends in its rolling `window`, once it sent at least
    /// `min_sends` in that window.
    SenderBounceRate {
        /// The rolling window, in hours or in sends.
        window: RateWindow,
        /// Holds when the rate is above this.
        threshold: f64,
        /// Fewer sends in the window never hold.
        min_sends: u32,
    },
    /// The sender's spam complaints over its sends in its rolling `window`, once it sent at
    /// least `min_sends` in that window.
    SenderComplaintRate {
        /// The rolling window, in hours or in sends.
        window: RateWindow,
        /// Holds when the rate is above this.
        threshold: f64,
        /// Fewer sends in the window never hold.
        min_sends: u32,
    },
    /// Hard bounces on the contact's domain in this portal, ever: holds from `bounces` on
    /// (suppress a domain after N).
    DomainBounces {
        /// Bounces that suppress the domain.
        bounces: u32,
    },
    /// The contact's last enrollment ended (finished or unenrolled) less than `days` ago.
    Cooldown {
        /// Days without re-enrollment.
        days: u32,
    },
    /// The sender has already made `per_day` enrollments this (calendar) day.
    DailyEnrollmentCap {
        /// Enrollments a user may make a day.
        per_day: u32,
    },
    /// The contact replied or booked a meeting less than `days` ago.
    RecentEngagement {
        /// Days after a reply or meeting.
        days: u32,
    },
}

/// The rolling window of a rate guard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateWindow {
    /// The last so many hours: sends and hits less than that old.
    Hours(u32),
    /// The sender's last so many sends (all of them while it has sent fewer), and the hits
    /// since the oldest of them left: "over the last 200 sends".
    Sends(u32),
}

impl GuardKind {
    /// The window, threshold and minimum sends of a rate guard; `None` for the others.
    pub fn rate(&self) -> Option<(RateWindow, f64, u32)> {
        match *self {
            Self::SenderBounceRate {
                window,
                threshold,
                min_sends,
            }
            | Self::SenderComplaintRate {
                window,
                threshold,
                min_sends,
            } => Some((window, threshold, min_sends)),
            _ => None,
        }
    }
}

/// What happens to an enrollment ended by a step failure (domain §4).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reenrollment {
    /// Nothing: the contact stays unenrolled.
    None,
    /// Users act as the knowledge base tells them, one [`Remedy`] per failure, indexed by
    /// [`model::StepFailure::index`]. A re-enrollment goes through the rules again.
    Act([Remedy; model::StepFailure::ALL.len()]),
}

/// What a user does about one kind of step failure, on the user's own clock: only on weekdays,
/// within the plan's working hours.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Remedy {
    /// Share of users who act at all (drawn per failure).
    pub share: f64,
    /// The user acts at least this long after the failure (> 0).
    pub delay_minutes: u32,
    /// The step the re-enrollment starts at.
    pub resume_at: ResumeAt,
    /// The user first waits until the inbox is connected again.
    pub reconnect_first: bool,
    /// The re-enrollment is made from the Gmail extension, which sends step 1 itself (the
    /// article's first remedy for GMAIL_SEND_ERROR); otherwise from the CRM.
    pub from_gmail: bool,
}

model::catalogue! {
    /// Where a re-enrollment resumes, relative to the step that failed.
    pub enum ResumeAt {
        /// The following step (the article's remedy for SEND_LIMIT_REACHED).
        Next = "next",
        /// The failed step again (SEND_FAILURE, INBOX_DISCONNECTED).
        Same = "same",
        /// Step 1 (GMAIL_SEND_ERROR).
        First = "first",
    }
}

impl Remedy {
    /// The knowledge base's remedy for `failure`: after SEND_LIMIT_REACHED re-enroll at the
    /// following step; after SEND_FAILURE check the connection and re-enroll at this step;
    /// after INBOX_DISCONNECTED reconnect, then retry; after GMAIL_SEND_ERROR retry from Gmail
    /// after a few minutes. Every user acts, a day later (minutes for Gmail), once the inbox is
    /// connected.
    pub fn article(failure: model::StepFailure) -> Self {
        use model::StepFailure as F;
        let (resume_at, delay_minutes, from_gmail) = match failure {
            F::SendLimitReached => (ResumeAt::Next, 24 * 60, false),
            F::SendFailure | F::InboxDisconnected => (ResumeAt::Same, 24 * 60, false),
            F::GmailSendError => (ResumeAt::First, 5, true),
        };
        Self {
            share: 1.0,
            delay_minutes,
            resume_at,
            reconnect_first: true,
            from_gmail,
        }
    }
}

impl Reenrollment {
    /// Every user acts as the knowledge base says (see [`Remedy::article`]).
    pub fn article() -> Self {
        Self::Act(model::StepFailure::ALL.map(Remedy::article))
    }
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
        /// A re-enrollment after a step failure, under [`Reenrollment::Act`].
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

impl Scenario {
    /// Asserts everything the `scenarios` crate's validation promises, so that code taking a
    /// scenario built by hand (tests, benches) meets the same guarantees as one read from a
    /// file. Panics, naming the seed, on the first broken promise. Validation's sanity caps on
    /// `population.contacts` and `population.domains` are not asserted: [`Self::scale_contacts`]
    /// may step past them on purpose.
    pub fn assert_valid(&self) {
        let seed = self.seed;
        assert!(
            (1..=3_650).contains(&self.calendar.horizon_days),
            "seed {seed}: horizon_days = {} is not in 1..=3650",
            self.calendar.horizon_days
        );
        assert_population(seed, &self.population);
        assert!(
            (1..=MAX_SEQUENCES).contains(&self.sequences.len()),
            "seed {seed}: {} sequences, not 1..={MAX_SEQUENCES}",
            self.sequences.len()
        );
        for (i, sequence) in self.sequences.iter().enumerate() {
            let earlier = &self.sequences[..i];
            assert!(
                usize::from(sequence.subscription_type) < self.population.subscription_types.len(),
                "seed {seed}: sequence {:?} has no subscription type",
                sequence.name
            );
            assert!(
                earlier.iter().all(|s| s.name != sequence.name),
                "seed {seed}: two sequences are named {:?}",
                sequence.name
            );
            assert_sequence(seed, sequence);
        }
        assert!(!self.senders.is_empty(), "seed {seed}: no sender groups");
        for group in &self.senders {
            assert_sender_group(seed, group, self.population.portals, self.sequences.len());
        }
        assert_plan(seed, &self.plan, &self.calendar);
        assert_eq!(
            self.guards.len(),
            self.rules.guards().len(),
            "seed {seed}: every guard of the rule set measures something"
        );
        for guard in &self.guards {
            assert_guard(seed, guard);
        }
        for code in RuleSet::REQUIRED {
            assert!(
                self.rules.checks(code),
                "seed {seed}: the rules leave out {}",
                code.name()
            );
        }
        assert_sending(seed, &self.sending);
        assert_engagement(seed, &self.engagement);
        assert_disconnections(seed, &self.disconnections, self.calendar.horizon_days);
        assert_span(
            seed,
            "tasks.completion_hours",
            self.tasks.completion_hours,
            24 * 30,
        );
        if let Reenrollment::Act(remedies) = &self.reenrollment {
            for remedy in remedies {
                assert_probability(seed, "reenrollment share", remedy.share);
                assert!(
                    (1..=60 * 24 * 365).contains(&remedy.delay_minutes),
                    "seed {seed}: a re-enrollment delay of {} minutes is not in 1..=525600",
                    remedy.delay_minutes
                );
            }
        }
    }
}

fn assert_guard(seed: u64, guard: &Guard) {
    let positive = match (guard.kind.rate(), &guard.kind) {
        (Some((window, threshold, min_sends)), _) => {
            assert_probability(seed, "a guard's threshold", threshold);
            if let RateWindow::Sends(sends) = window {
                assert!(
                    min_sends <= sends,
                    "seed {seed}: min_sends {min_sends} over a window of {sends} sends never holds"
                );
            }
            let (RateWindow::Hours(length) | RateWindow::Sends(length)) = window;
            length.min(min_sends)
        }
        (None, GuardKind::DomainBounces { bounces }) => *bounces,
        (None, GuardKind::Cooldown { days } | GuardKind::RecentEngagement { days }) => *days,
        (None, GuardKind::DailyEnrollmentCap { per_day }) => *per_day,
        (None, GuardKind::Expression(_)) => 1,
        (None, _) => unreachable!("every other kind is a rate"),
    };
    assert!(positive > 0, "seed {seed}: a guard's window or count is 0");
    assert!(
        guard.pause_hours != Some(0),
        "seed {seed}: a pause of 0 hours"
    );
}

fn assert_probability(seed: u64, what: &str, p: f64) {
    assert!(
        (0.0..=1.0).contains(&p),
        "seed {seed}: {what} = {p} is not a probability"
    );
}

fn assert_shares(seed: u64, what: &str, shares: &[f64]) {
    for &share in shares {
        assert_probability(seed, what, share);
    }
    let sum: f64 = shares.iter().sum();
    assert!(
        (sum - 1.0).abs() <= 1e-9,
        "seed {seed}: the {what} shares sum to {sum}, not 1"
    );
}

/// A `(low, high)` span with `low <= high <= max`.
fn assert_span(seed: u64, what: &str, (lo, hi): (u32, u32), max: u32) {
    assert!(
        lo <= hi && hi <= max,
        "seed {seed}: {what} = ({lo}, {hi}) is not a span with low <= high <= {max}"
    );
}

fn assert_population(seed: u64, pop: &Population) {
    assert!(pop.contacts > 0, "seed {seed}: no contacts");
    assert!(
        (1..=10_000).contains(&pop.portals),
        "seed {seed}: {} portals, not 1..=10000",
        pop.portals
    );
    assert!(pop.domains > 0, "seed {seed}: no domains");
    assert_probability(seed, "shared_persons", pop.shared_persons);
    assert_probability(seed, "duplicate_contacts", pop.duplicate_contacts);
    let providers = &pop.mailbox_providers;
    assert!(
        (1..=255).contains(&providers.len()),
        "seed {seed}: {} mailbox providers, not 1..=255",
        providers.len()
    );
    for m in providers {
        assert_mailbox_provider(seed, m);
    }
    let shares: Vec<f64> = providers.iter().map(|m| m.share).collect();
    assert_shares(seed, "mailbox provider", &shares);
    let types = &pop.subscription_types;
    assert!(
        (1..=MAX_SUBSCRIPTION_TYPES).contains(&types.len()),
        "seed {seed}: {} subscription types, not 1..={MAX_SUBSCRIPTION_TYPES}",
        types.len()
    );
    for (i, t) in types.iter().enumerate() {
        assert_probability(seed, "unsubscribed_personal", t.unsubscribed_personal);
        assert!(
            types[..i].iter().all(|other| other.name != t.name),
            "seed {seed}: two subscription types are named {:?}",
            t.name
        );
    }
    let r = &pop.rates;
    for rate in [
        r.missing_email,
        r.invalid_address,
        r.blocked_address,
        r.blocked_domain,
        r.bounced_globally_if_invalid,
        r.bounced_globally_if_valid,
        r.bounced_if_invalid,
        r.bounced_if_valid,
        r.bounced_on_portal_if_invalid,
        r.bounced_on_portal_if_valid,
        r.marked_as_spam,
        r.other_send_rejected,
        r.unsubscribed,
        r.cannot_communicate,
        r.already_enrolled,
    ] {
        assert_probability(seed, "a population rate", rate);
    }
}

fn assert_mailbox_provider(seed: u64, m: &MailboxProvider) {
    assert_probability(seed, "soft_bounce", m.soft_bounce);
    assert_probability(seed, "policy_rejection", m.policy_rejection);
    assert_probability(seed, "mailbox_moved", m.mailbox_moved);
    assert!(
        m.soft_bounce + m.policy_rejection + m.mailbox_moved <= 1.0,
        "seed {seed}: mailbox provider {:?} answers soft_bounce + policy_rejection + mailbox_moved > 1",
        m.name
    );
    let splits = [
        (
            &m.soft_bounce_split,
            "soft-bounce split",
            SmtpReply::is_soft_bounce as fn(_) -> _,
        ),
        (
            &m.invalid_split,
            "invalid-address split",
            SmtpReply::is_invalid_address_answer,
        ),
    ];
    for (split, what, allowed) in splits {
        for (i, &(reply, _)) in split.iter().enumerate() {
            assert!(
                allowed(reply) && split[..i].iter().all(|&(r, _)| r != reply),
                "seed {seed}: mailbox provider {:?}: {reply:?} in its {what}",
                m.name
            );
        }
        let shares: Vec<f64> = split.iter().map(|&(_, share)| share).collect();
        assert_shares(seed, what, &shares);
    }
}

fn assert_sequence(seed: u64, sequence: &Sequence) {
    let name = &sequence.name;
    assert!(
        sequence.steps.len() <= MAX_STEPS,
        "seed {seed}: sequence {name:?} has {} steps, more than {MAX_STEPS}",
        sequence.steps.len()
    );
    let Some((first, later)) = sequence.steps.split_first() else {
        panic!("seed {seed}: sequence {name:?} has no steps");
    };
    assert_eq!(
        first.delay_days, 0,
        "seed {seed}: the first step of {name:?} has a delay"
    );
    for step in later {
        assert!(
            step.delay_days <= 365,
            "seed {seed}: a step of {name:?} waits {} days, more than 365",
            step.delay_days
        );
    }
    if let Some((start, end)) = sequence.send_window {
        assert!(
            start < end && end <= 24 * 60,
            "seed {seed}: the send window of {name:?} is not start < end <= 24:00"
        );
    }
}

fn assert_sender_group(seed: u64, group: &SenderGroup, portals: u32, sequences: usize) {
    assert!(
        (1..=1_000_000).contains(&group.count),
        "seed {seed}: a sender group of {} users, not 1..=1000000",
        group.count
    );
    if let Some(portal) = group.portal {
        assert!(
            portal < portals,
            "seed {seed}: sender group portal {portal} is not below {portals} portals"
        );
    }
    assert!(
        usize::from(group.sequence) < sequences,
        "seed {seed}: sender group sequence {} is not below {sequences} sequences",
        group.sequence
    );
    if let Some(limit) = group.daily_limit {
        assert!(
            (1..=100_000).contains(&limit),
            "seed {seed}: daily_limit {limit} is not in 1..=100000"
        );
    }
    assert!(
        group.other_emails_per_day <= 100_000,
        "seed {seed}: other_emails_per_day {} is above 100000",
        group.other_emails_per_day
    );
}

fn assert_plan(seed: u64, plan: &Plan, calendar: &Calendar) {
    let days = plan.business_days;
    let fitting = (0..calendar.horizon_days)
        .filter(|&d| !calendar.weekday(d).is_weekend())
        .count();
    assert!(
        days > 0 && days as usize <= fitting,
        "seed {seed}: {days} business days, not 1..={fitting} (the weekdays of the horizon)"
    );
    let (start, end) = plan.working_hours;
    assert!(
        start < end && end <= 24,
        "seed {seed}: working_hours ({start}, {end}) are not start < end <= 24"
    );
    assert_probability(seed, "coverage", plan.coverage);
    assert_probability(seed, "second_enrollment", plan.second_enrollment);
    assert_shares(seed, "source", &plan.sources.weights());
    assert!(
        (1..=MAX_BULK_SIZE).contains(&plan.bulk_size_max),
        "seed {seed}: bulk_size_max {} is not in 1..={MAX_BULK_SIZE}",
        plan.bulk_size_max
    );
}

fn assert_sending(seed: u64, s: &Sending) {
    let counts = [
        ("stagger_seconds", s.stagger_seconds, 0, 3_600),
        ("bulk_per_minute", s.bulk_per_minute, 1, 60),
        ("provider_block_hours", s.provider_block_hours, 0, 24 * 7),
        (
            "soft_bounce_retries",
            s.soft_bounce_retries,
            0,
            MAX_SOFT_BOUNCE_RETRIES,
        ),
        ("retry_backoff_minutes", s.retry_backoff_minutes, 1, 24 * 60),
        ("per_minute_limit", s.per_minute_limit.unwrap_or(1), 1, 10),
    ];
    for (what, value, min, max) in counts {
        assert!(
            (min..=max).contains(&value),
            "seed {seed}: {what} = {value} is not in {min}..={max}"
        );
    }
    assert_probability(seed, "send_failure", s.send_failure);
    assert_probability(seed, "gmail_send_error", s.gmail_send_error);
}

fn assert_engagement(seed: u64, e: &Engagement) {
    let reactions = [
        e.reply,
        e.meeting_booked,
        e.unsubscribe,
        e.spam_complaint,
        e.out_of_office,
    ];
    for p in reactions.into_iter().chain([e.unsubscribe_all_share]) {
        assert_probability(seed, "an engagement probability", p);
    }
    let sum: f64 = reactions.iter().sum();
    assert!(
        sum <= 1.0 + 1e-9,
        "seed {seed}: the reactions to one email sum to {sum}, above 1"
    );
    assert!(
        e.reaction_hours_max <= 24 * 30,
        "seed {seed}: reaction_hours_max {} is above 720",
        e.reaction_hours_max
    );
}

fn assert_disconnections(seed: u64, d: &Disconnections, horizon_days: u32) {
    assert_probability(seed, "per_inbox_day", d.per_inbox_day);
    assert_span(seed, "reconnect_hours", d.reconnect_hours, 24 * 30);
    for outage in &d.outages {
        assert!(
            outage.start / 86_400 < horizon_days,
            "seed {seed}: an outage starts at {}, after the horizon",
            outage.start
        );
        assert!(
            outage.duration <= 720 * 3_600,
            "seed {seed}: an outage lasts {} seconds, more than 720 hours",
            outage.duration
        );
    }
}
