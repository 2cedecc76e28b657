//! Whether two scenarios generate the same world: the precondition of comparing them run
//! against run, contact by contact (`seqsim diff`).
//!
//! A setting shapes the world when [`World::generate`](crate::World::generate) or
//! [`plan::build`](crate::plan::build) reads it. The comparisons below destructure every
//! struct they look into, naming each field as world-shaping or not, so a new field does not
//! compile until someone decides which it is.

use std::fmt;

use crate::scenario::{
    Disconnections, MailboxProvider, Plan, Population, Rates, Scenario, SenderGroup, SourceMix,
    SubscriptionType,
};
use crate::time::Calendar;

/// Why two scenarios cannot be compared contact by contact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompareError {
    /// The scenarios generate different worlds or enrollment plans: the keys (as scenario files
    /// spell them) of the settings that differ, as [`world_differences`] lists them.
    DifferentWorlds {
        /// The differing keys; never empty.
        keys: Vec<&'static str>,
    },
}

impl fmt::Display for CompareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DifferentWorlds { keys } => {
                let keys: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
                write!(
                    f,
                    "they generate different worlds ({} differ); diff compares one world under two scenarios, so every setting that shapes the world or its enrollment plan must match (only the name, the calendar's start date, sequence steps, mailbox providers' answers, rules, sending, engagement, tasks and reenrollment may differ)",
                    keys.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for CompareError {}

/// `Ok` when `before` and `after` generate the same world and enrollment plan, so that their
/// runs can be compared contact by contact.
pub fn same_world(before: &Scenario, after: &Scenario) -> Result<(), CompareError> {
    let keys = world_differences(before, after);
    if keys.is_empty() {
        Ok(())
    } else {
        Err(CompareError::DifferentWorlds { keys })
    }
}

/// The key paths, as scenario files spell them, of every setting that shapes the generated
/// world or its enrollment plan and differs between `before` and `after`, each named once, in
/// scenario order. Empty when both generate the same world and plan.
///
/// Settings only the engine reads never appear: the name, rules and guards, sending, engagement, tasks,
/// reenrollment, validation's warnings, the sequences' steps and windows, and the mailbox providers' names and answers.
/// Of `[calendar]`, the plan reads the start's weekday (the date is a label) and the inbox
/// disconnections the horizon; of the sequences, the contacts' rejection marks read the count.
pub fn world_differences(before: &Scenario, after: &Scenario) -> Vec<&'static str> {
    let Scenario {
        name: _,
        seed,
        calendar,
        population,
        senders,
        sequences,
        plan,
        rules: _,
        guards: _,
        sending: _,
        engagement: _,
        disconnections,
        tasks: _,
        reenrollment: _,
        warnings: _,
        source_sha256: _,
        overrides: _,
    } = before;
    let mut keys = Keys::default();
    keys.check("seed", seed, &after.seed);
    compare_calendar(&mut keys, calendar, &after.calendar);
    compare_population(&mut keys, population, &after.population);
    compare_senders(&mut keys, senders, &after.senders);
    keys.check(
        "sequences (count)",
        &sequences.len(),
        &after.sequences.len(),
    );
    compare_plan(&mut keys, plan, &after.plan);
    compare_disconnections(&mut keys, disconnections, &after.disconnections);
    keys.0
}

/// Differing keys, each once, in the order first found.
#[derive(Default)]
struct Keys(Vec<&'static str>);

impl Keys {
    fn check<T: PartialEq + ?Sized>(&mut self, key: &'static str, before: &T, after: &T) {
        if before != after && !self.0.contains(&key) {
            self.0.push(key);
        }
    }
}

fn compare_calendar(keys: &mut Keys, before: &Calendar, after: &Calendar) {
    let Calendar {
        start_date: _,
        start_weekday,
        horizon_days,
    } = before;
    keys.check(
        "calendar.start (its weekday)",
        start_weekday,
        &after.start_weekday,
    );
    keys.check("calendar.horizon_days", horizon_days, &after.horizon_days);
}

fn compare_population(keys: &mut Keys, before: &Population, after: &Population) {
    let Population {
        contacts,
        portals,
        domains,
        shared_persons,
        duplicate_contacts,
        mailbox_providers,
        subscription_types,
        rates,
    } = before;
    keys.check("population.contacts", contacts, &after.contacts);
    keys.check("population.portals", portals, &after.portals);
    keys.check("population.domains", domains, &after.domains);
    keys.check(
        "population.shared_persons",
        shared_persons,
        &after.shared_persons,
    );
    keys.check(
        "population.duplicate_contacts",
        duplicate_contacts,
        &after.duplicate_contacts,
    );
    keys.check(
        "population.mailbox_providers (count)",
        &mailbox_providers.len(),
        &after.mailbox_providers.len(),
    );
    for (b, a) in mailbox_providers.iter().zip(&after.mailbox_providers) {
        let MailboxProvider {
            name: _,
            share,
            soft_bounce: _,
            policy_rejection: _,
            mailbox_moved: _,
            soft_bounce_split: _,
            invalid_split: _,
        } = b;
        keys.check("population.mailbox_providers.share", share, &a.share);
    }
    keys.check(
        "population.subscription_types (count)",
        &subscription_types.len(),
        &after.subscription_types.len(),
    );
    for (b, a) in subscription_types.iter().zip(&after.subscription_types) {
        let SubscriptionType {
            name: _,
            unsubscribed_personal,
        } = b;
        keys.check(
            "population.subscription_types.unsubscribed_personal",
            unsubscribed_personal,
            &a.unsubscribed_personal,
        );
    }
    compare_rates(keys, rates, &after.rates);
}

fn compare_rates(keys: &mut Keys, before: &Rates, after: &Rates) {
    // Every rate is drawn when the world is generated. The pattern lists every field, so a new
    // rate does not compile until it is added here.
    macro_rules! each_rate {
        ($($rate:ident),* $(,)?) => {{
            let Rates { $($rate: _),* } = before;
            $(
                let key = concat!("population.rates.", stringify!($rate));
                keys.check(key, &before.$rate, &after.$rate);
            )*
        }};
    }
    each_rate!(
        missing_email,
        invalid_address,
        blocked_address,
        blocked_domain,
        bounced_globally_if_invalid,
        bounced_globally_if_valid,
        bounced_if_invalid,
        bounced_if_valid,
        bounced_on_portal_if_invalid,
        bounced_on_portal_if_valid,
        marked_as_spam,
        other_send_rejected,
        unsubscribed,
        cannot_communicate,
        already_enrolled,
    );
}

fn compare_senders(keys: &mut Keys, before: &[SenderGroup], after: &[SenderGroup]) {
    // Every user is generated from its group; the plan deals contacts to users by portal and
    // lets only Google inboxes use the Gmail extension.
    keys.check("senders (count)", &before.len(), &after.len());
    for (b, a) in before.iter().zip(after) {
        let SenderGroup {
            count,
            seat,
            inbox,
            portal,
            sequence,
            daily_limit,
            other_emails_per_day,
        } = b;
        keys.check("senders.count", count, &a.count);
        keys.check("senders.seat", seat, &a.seat);
        keys.check("senders.inbox", inbox, &a.inbox);
        keys.check("senders.portal", portal, &a.portal);
        keys.check("senders.sequence", sequence, &a.sequence);
        keys.check("senders.daily_limit", daily_limit, &a.daily_limit);
        keys.check(
            "senders.other_emails_per_day",
            other_emails_per_day,
            &a.other_emails_per_day,
        );
    }
}

fn compare_plan(keys: &mut Keys, before: &Plan, after: &Plan) {
    let Plan {
        business_days,
        working_hours,
        coverage,
        second_enrollment,
        sources,
        bulk_size_max,
    } = before;
    keys.check("plan.business_days", business_days, &after.business_days);
    keys.check("plan.working_hours", working_hours, &after.working_hours);
    keys.check("plan.coverage", coverage, &after.coverage);
    keys.check(
        "plan.second_enrollment",
        second_enrollment,
        &after.second_enrollment,
    );
    let SourceMix {
        crm_single,
        crm_bulk,
        gmail_extension,
    } = sources;
    let mix = &after.sources;
    keys.check("plan.sources.crm_single", crm_single, &mix.crm_single);
    keys.check("plan.sources.crm_bulk", crm_bulk, &mix.crm_bulk);
    keys.check(
        "plan.sources.gmail_extension",
        gmail_extension,
        &mix.gmail_extension,
    );
    keys.check("plan.bulk_size_max", bulk_size_max, &after.bulk_size_max);
}

fn compare_disconnections(keys: &mut Keys, before: &Disconnections, after: &Disconnections) {
    let Disconnections {
        per_inbox_day,
        reconnect_hours,
        outages,
    } = before;
    keys.check(
        "disconnections.per_inbox_day",
        per_inbox_day,
        &after.per_inbox_day,
    );
    keys.check(
        "disconnections.reconnect_hours",
        reconnect_hours,
        &after.reconnect_hours,
    );
    keys.check("disconnections.outages", outages, &after.outages);
}

#[cfg(test)]
pub(crate) mod tests {
    use model::{InboxProvider, RuleSet, SeatTier};

    use super::*;
    use crate::scenario::{
        Engagement, Outage, Reenrollment, Sending, Sequence, Step, StepKind, Tasks,
    };
    use crate::time::Weekday;
    use crate::{plan, World};

    /// A two-step sequence (an email, then a task two days later), weekdays only, 09:00 to
    /// 17:00.
    fn sequence(name: &str) -> Sequence {
        Sequence {
            name: name.to_owned(),
            steps: vec![
                Step {
                    kind: StepKind::AutomatedEmail,
                    delay_days: 0,
                },
                Step {
                    kind: StepKind::Task,
                    delay_days: 2,
                },
            ],
            weekdays_only: true,
            send_window: Some((540, 1020)),
            subscription_type: 0,
        }
    }

    /// A small scenario in which every setting matters: every rate non-zero, two providers,
    /// pinned and spread senders, two sequences, disconnections and an outage.
    pub(crate) fn base() -> Scenario {
        let group = |count, seat, inbox| SenderGroup {
            count,
            seat,
            inbox,
            portal: None,
            sequence: 0,
            daily_limit: Some(200),
            other_emails_per_day: 10,
        };
        Scenario {
            name: "compare".to_owned(),
            seed: 11,
            calendar: Calendar {
                start_date: "2026-01-05".to_owned(),
                start_weekday: Weekday::Monday,
                horizon_days: 20,
            },
            population: population(),
            senders: vec![
                group(
                    4,
                    SeatTier::Professional,
                    Some(InboxProvider::GoogleWorkspace),
                ),
                SenderGroup {
                    portal: Some(1),
                    sequence: 1,
                    ..group(2, SeatTier::Starter, Some(InboxProvider::OutlookCom))
                },
            ],
            sequences: vec![sequence("a"), sequence("b")],
            plan: Plan {
                business_days: 5,
                working_hours: (9, 17),
                coverage: 0.8,
                second_enrollment: 0.3,
                sources: SourceMix {
                    crm_single: 0.4,
                    crm_bulk: 0.4,
                    gmail_extension: 0.2,
                },
                bulk_size_max: 20,
            },
            rules: RuleSet::default(),
            guards: Vec::new(),
            sending: sending(),
            engagement: engagement(),
            disconnections: Disconnections {
                per_inbox_day: 0.2,
                reconnect_hours: (1, 30),
                outages: vec![Outage {
                    start: 86_400 * 3 + 9 * 3_600,
                    duration: 4 * 3_600,
                    inbox: Some(InboxProvider::GoogleWorkspace),
                }],
            },
            tasks: Tasks {
                completion_hours: (1, 48),
            },
            reenrollment: Reenrollment::article(),
            warnings: Vec::new(),
            source_sha256: None,
            overrides: Vec::new(),
        }
    }

    /// Three portals of contacts with every rate non-zero and two mailbox providers.
    fn population() -> Population {
        Population {
            contacts: 600,
            portals: 3,
            domains: 40,
            shared_persons: 0.3,
            duplicate_contacts: 0.2,
            mailbox_providers: vec![
                MailboxProvider::plain("gmail", 0.6, 0.1, 0.05),
                MailboxProvider::plain("corporate", 0.4, 0.2, 0.1),
            ],
            subscription_types: vec![SubscriptionType {
                name: "sales_email".to_owned(),
                unsubscribed_personal: 0.2,
            }],
            rates: Rates {
                missing_email: 0.2,
                invalid_address: 0.3,
                blocked_address: 0.2,
                blocked_domain: 0.2,
                bounced_globally_if_invalid: 0.5,
                bounced_globally_if_valid: 0.2,
                bounced_if_invalid: 0.5,
                bounced_if_valid: 0.2,
                bounced_on_portal_if_invalid: 0.5,
                bounced_on_portal_if_valid: 0.2,
                marked_as_spam: 0.2,
                other_send_rejected: 0.3,
                unsubscribed: 0.2,
                cannot_communicate: 0.2,
                already_enrolled: 0.2,
            },
        }
    }

    fn sending() -> Sending {
        Sending {
            stagger_seconds: 30,
            bulk_per_minute: 3,
            per_minute_limit: None,
            provider_limits: true,
            provider_block_hours: 24,
            send_failure: 0.01,
            gmail_send_error: 0.05,
            soft_bounce_retries: 2,
            retry_backoff_minutes: 30,
            sequences_daily_limit: None,
        }
    }

    fn engagement() -> Engagement {
        Engagement {
            reply: 0.1,
            meeting_booked: 0.02,
            unsubscribe: 0.05,
            unsubscribe_all_share: 0.5,
            spam_complaint: 0.02,
            out_of_office: 0.05,
            reaction_hours_max: 48,
        }
    }

    /// The oracle: the generated world and plan themselves, written out.
    fn world_and_plan(scenario: &Scenario) -> String {
        let world = World::generate(scenario);
        let plan = plan::build(scenario, &world);
        format!("{world:?}\n{plan:?}")
    }

    type Change = fn(&mut Scenario);

    /// Changes of one world-shaping setting, and the keys each must be named by.
    fn world_changes() -> Vec<(Change, &'static [&'static str])> {
        [
            population_changes(),
            rate_changes(),
            sender_and_plan_changes(),
        ]
        .concat()
    }

    fn population_changes() -> Vec<(Change, &'static [&'static str])> {
        vec![
            (|s| s.seed = 12, &["seed"]),
            (
                |s| s.calendar.start_weekday = Weekday::Thursday,
                &["calendar.start (its weekday)"],
            ),
            (|s| s.calendar.horizon_days = 25, &["calendar.horizon_days"]),
            (|s| s.population.contacts = 601, &["population.contacts"]),
            (|s| s.population.portals = 2, &["population.portals"]),
            (|s| s.population.domains = 41, &["population.domains"]),
            (
                |s| s.population.shared_persons = 0.4,
                &["population.shared_persons"],
            ),
            (
                |s| s.population.duplicate_contacts = 0.3,
                &["population.duplicate_contacts"],
            ),
            (
                |s| s.population.mailbox_providers[0].share = 0.5,
                &["population.mailbox_providers.share"],
            ),
            (
                |s| {
                    let mut third = s.population.mailbox_providers[1].clone();
                    third.share = 0.2;
                    s.population.mailbox_providers[1].share = 0.2;
                    s.population.mailbox_providers.push(third);
                },
                &[
                    "population.mailbox_providers (count)",
                    "population.mailbox_providers.share",
                ],
            ),
        ]
    }

    fn rate_changes() -> Vec<(Change, &'static [&'static str])> {
        vec![
            (
                |s| s.population.rates.missing_email = 0.3,
                &["population.rates.missing_email"],
            ),
            (
                |s| s.population.rates.invalid_address = 0.4,
                &["population.rates.invalid_address"],
            ),
            (
                |s| s.population.rates.blocked_address = 0.3,
                &["population.rates.blocked_address"],
            ),
            (
                |s| s.population.rates.blocked_domain = 0.3,
                &["population.rates.blocked_domain"],
            ),
            (
                |s| s.population.rates.bounced_globally_if_invalid = 0.6,
                &["population.rates.bounced_globally_if_invalid"],
            ),
            (
                |s| s.population.rates.bounced_globally_if_valid = 0.3,
                &["population.rates.bounced_globally_if_valid"],
            ),
            (
                |s| s.population.rates.bounced_if_invalid = 0.6,
                &["population.rates.bounced_if_invalid"],
            ),
            (
                |s| s.population.rates.bounced_if_valid = 0.3,
                &["population.rates.bounced_if_valid"],
            ),
            (
                |s| s.population.rates.bounced_on_portal_if_invalid = 0.6,
                &["population.rates.bounced_on_portal_if_invalid"],
            ),
            (
                |s| s.population.rates.bounced_on_portal_if_valid = 0.3,
                &["population.rates.bounced_on_portal_if_valid"],
            ),
            (
                |s| s.population.rates.marked_as_spam = 0.3,
                &["population.rates.marked_as_spam"],
            ),
            (
                |s| s.population.rates.other_send_rejected = 0.4,
                &["population.rates.other_send_rejected"],
            ),
            (
                |s| s.population.rates.unsubscribed = 0.3,
                &["population.rates.unsubscribed"],
            ),
            (
                |s| s.population.subscription_types[0].unsubscribed_personal = 0.3,
                &["population.subscription_types.unsubscribed_personal"],
            ),
            (
                |s| s.population.rates.cannot_communicate = 0.3,
                &["population.rates.cannot_communicate"],
            ),
            (
                |s| s.population.rates.already_enrolled = 0.3,
                &["population.rates.already_enrolled"],
            ),
        ]
    }

    fn sender_and_plan_changes() -> Vec<(Change, &'static [&'static str])> {
        vec![
            (
                |s| s.senders.push(s.senders[0].clone()),
                &["senders (count)"],
            ),
            (|s| s.senders[0].count = 5, &["senders.count"]),
            (
                |s| s.senders[0].seat = SeatTier::Enterprise,
                &["senders.seat"],
            ),
            (
                |s| s.senders[0].inbox = Some(InboxProvider::Gmail),
                &["senders.inbox"],
            ),
            (|s| s.senders[1].portal = Some(2), &["senders.portal"]),
            (|s| s.senders[1].sequence = 0, &["senders.sequence"]),
            (
                |s| s.senders[1].daily_limit = None,
                &["senders.daily_limit"],
            ),
            (
                |s| s.senders[1].other_emails_per_day = 0,
                &["senders.other_emails_per_day"],
            ),
            (|s| s.sequences.truncate(1), &["sequences (count)"]),
            (|s| s.plan.business_days = 6, &["plan.business_days"]),
            (|s| s.plan.working_hours = (8, 17), &["plan.working_hours"]),
            (|s| s.plan.coverage = 0.9, &["plan.coverage"]),
            (
                |s| s.plan.second_enrollment = 0.4,
                &["plan.second_enrollment"],
            ),
            (
                |s| s.plan.sources.crm_single = 0.3,
                &["plan.sources.crm_single"],
            ),
            (
                |s| s.plan.sources.crm_bulk = 0.3,
                &["plan.sources.crm_bulk"],
            ),
            // The last source takes what the others leave, so it changes only with another.
            (
                |s| {
                    s.plan.sources.crm_bulk = 0.3;
                    s.plan.sources.gmail_extension = 0.3;
                },
                &["plan.sources.crm_bulk", "plan.sources.gmail_extension"],
            ),
            (|s| s.plan.bulk_size_max = 10, &["plan.bulk_size_max"]),
            (
                |s| s.disconnections.per_inbox_day = 0.3,
                &["disconnections.per_inbox_day"],
            ),
            (
                |s| s.disconnections.reconnect_hours = (2, 30),
                &["disconnections.reconnect_hours"],
            ),
            (
                |s| s.disconnections.outages.clear(),
                &["disconnections.outages"],
            ),
        ]
    }

    /// Changes of settings only the engine reads (or that only label a report).
    fn engine_changes() -> Vec<Change> {
        vec![
            |s| s.name = "other".to_owned(),
            |s| s.calendar.start_date = "2026-01-12".to_owned(),
            |s| s.population.mailbox_providers[0].name = "other".to_owned(),
            |s| s.population.mailbox_providers[0].soft_bounce = 0.5,
            |s| s.population.mailbox_providers[1].policy_rejection = 0.5,
            |s| s.sequences[0].name = "other".to_owned(),
            |s| {
                s.sequences[0].steps.pop();
            },
            |s| s.sequences[1].weekdays_only = false,
            |s| s.sequences[1].send_window = None,
            |s| {
                let mut order = s.rules.order().to_vec();
                order.reverse();
                s.rules = RuleSet::with_guards(&order, Vec::new()).expect("a reordered rule set");
            },
            |s| s.sending.send_failure = 0.5,
            |s| s.sending.provider_limits = false,
            |s| s.engagement.reply = 0.5,
            |s| s.engagement.spam_complaint = 0.3,
            |s| s.tasks.completion_hours = (2, 10),
            |s| s.reenrollment = Reenrollment::None,
        ]
    }

    #[test]
    fn every_world_shaping_change_is_named_and_changes_the_world() {
        let before = base();
        let world = world_and_plan(&before);
        assert!(world_differences(&before, &before).is_empty());
        for (i, (change, expected)) in world_changes().into_iter().enumerate() {
            let mut after = base();
            change(&mut after);
            assert_eq!(world_differences(&before, &after), *expected, "change {i}");
            assert_eq!(world_differences(&after, &before), *expected, "change {i}");
            assert!(
                world_and_plan(&after) != world,
                "change {i} ({expected:?}) changes neither the world nor the plan"
            );
            assert_eq!(
                same_world(&before, &after),
                Err(CompareError::DifferentWorlds {
                    keys: expected.to_vec()
                })
            );
        }
    }

    #[test]
    fn engine_settings_are_not_named_and_leave_the_world_alone() {
        let before = base();
        let world = world_and_plan(&before);
        for (i, change) in engine_changes().into_iter().enumerate() {
            let mut after = base();
            change(&mut after);
            assert_ne!(after, before, "change {i} changes nothing");
            assert_eq!(
                world_differences(&before, &after),
                [] as [&str; 0],
                "change {i}"
            );
            assert!(
                world_and_plan(&after) == world,
                "change {i} changes the world or the plan"
            );
            assert_eq!(same_world(&before, &after), Ok(()));
        }
    }

    #[test]
    fn the_error_names_every_differing_key() {
        let mut after = base();
        after.population.contacts = 10;
        after.plan.coverage = 0.1;
        let err = same_world(&base(), &after).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("(`population.contacts`, `plan.coverage` differ)"),
            "{text}"
        );
    }
}
