//! Scenarios built by hand for the simulator's tests.
#![allow(dead_code)] // each test file uses its own part of these builders

use model::{InboxProvider, RuleSet, SeatTier};
use sim::*;

/// A small scenario with every rate at `rate`, `portals` portals and one user of each seat and
/// inbox kind that matters.
///
/// Initial states are drawn at an eighth of `rate` (so that most contacts can still be enrolled),
/// the dynamics (bounces, reactions, failures) at fractions of `rate` itself.
pub fn scenario(seed: u64, contacts: u32, portals: u32, rate: f64) -> Scenario {
    Scenario {
        name: "test".to_owned(),
        seed,
        calendar: Calendar {
            start_date: "2026-01-07".to_owned(),
            start_weekday: Weekday::Wednesday,
            horizon_days: 30,
        },
        population: population(contacts, portals, rate),
        senders: vec![
            group(
                3,
                SeatTier::Professional,
                Some(InboxProvider::GoogleWorkspace),
            ),
            group(1, SeatTier::Starter, Some(InboxProvider::Gmail)),
            group(1, SeatTier::Enterprise, None),
            // Outlook.com allows 300 a day; this user's own mail takes 280 of them, so the
            // provider's limit binds long before the platform's.
            SenderGroup {
                other_emails_per_day: 280,
                ..group(2, SeatTier::Professional, Some(InboxProvider::OutlookCom))
            },
        ],
        sequences: sequences(),
        plan: Plan {
            business_days: 5,
            working_hours: (9, 17),
            coverage: 0.9,
            second_enrollment: 0.3,
            sources: SourceMix {
                crm_single: 0.4,
                crm_bulk: 0.4,
                gmail_extension: 0.2,
            },
            bulk_size_max: 50,
        },
        rules: RuleSet::default(),
        guards: Vec::new(),
        sending: sending(rate),
        engagement: Engagement {
            reply: rate / 2.0,
            meeting_booked: rate / 8.0,
            unsubscribe: rate / 4.0,
            unsubscribe_all_share: 0.5,
            spam_complaint: rate / 8.0,
            out_of_office: rate / 4.0,
            reaction_hours_max: 48,
        },
        disconnections: Disconnections {
            per_inbox_day: rate / 2.0,
            reconnect_hours: (1, 30),
            outages: vec![Outage {
                start: 86_400 * 5 + 9 * 3_600,
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

/// The two sequences of [`scenario`]: "a" (email, email, task, manual email; weekdays, 09:00 to
/// 17:00; type sales_email) and "b" (two emails, weekends too; type newsletter).
pub fn sequences() -> Vec<Sequence> {
    vec![
        Sequence {
            name: "a".to_owned(),
            steps: vec![
                step(StepKind::AutomatedEmail, 0),
                step(StepKind::AutomatedEmail, 2),
                step(StepKind::Task, 1),
                step(StepKind::ManualEmail, 1),
            ],
            weekdays_only: true,
            send_window: Some((9 * 60, 17 * 60)),
            subscription_type: 0,
        },
        Sequence {
            name: "b".to_owned(),
            steps: vec![
                step(StepKind::AutomatedEmail, 0),
                step(StepKind::AutomatedEmail, 3),
            ],
            weekdays_only: false,
            send_window: None,
            subscription_type: 1,
        },
    ]
}

/// The population of [`scenario`]: two mailbox providers, two subscription types, initial
/// states at an eighth of `rate`, dynamics at fractions of it.
pub fn population(contacts: u32, portals: u32, rate: f64) -> Population {
    let flag = rate / 8.0;
    Population {
        contacts,
        portals,
        domains: 50,
        shared_persons: 0.2,
        duplicate_contacts: flag,
        mailbox_providers: vec![
            MailboxProvider::plain("gmail", 0.6, rate / 2.0, rate / 4.0),
            MailboxProvider::plain("corporate", 0.4, rate, rate / 2.0),
        ],
        subscription_types: vec![
            SubscriptionType {
                name: "sales_email".to_owned(),
                unsubscribed_personal: flag,
            },
            SubscriptionType {
                name: "newsletter".to_owned(),
                unsubscribed_personal: flag,
            },
        ],
        rates: Rates {
            missing_email: flag,
            invalid_address: flag,
            blocked_address: flag,
            blocked_domain: flag,
            bounced_globally_if_invalid: flag,
            bounced_globally_if_valid: flag,
            bounced_if_invalid: flag,
            bounced_if_valid: flag,
            bounced_on_portal_if_invalid: flag,
            bounced_on_portal_if_valid: flag,
            marked_as_spam: flag,
            other_send_rejected: flag,
            unsubscribed: flag,
            cannot_communicate: flag,
            already_enrolled: flag,
        },
    }
}

/// Sending as the product paces it, failures at fractions of `rate`.
fn sending(rate: f64) -> Sending {
    Sending {
        stagger_seconds: 30,
        bulk_per_minute: 3,
        per_minute_limit: None,
        provider_limits: true,
        provider_block_hours: 24,
        send_failure: rate / 10.0,
        gmail_send_error: rate / 2.0,
        soft_bounce_retries: 2,
        retry_backoff_minutes: 30,
        sequences_daily_limit: None,
    }
}

/// A scenario in which nothing goes wrong by chance: every rate is 0.
pub fn quiet(seed: u64, contacts: u32) -> Scenario {
    let mut s = scenario(seed, contacts, 1, 0.0);
    s.disconnections.outages.clear();
    s.reenrollment = Reenrollment::None;
    s
}

pub fn step(kind: StepKind, delay_days: u32) -> Step {
    Step { kind, delay_days }
}

fn group(count: u32, seat: SeatTier, inbox: Option<InboxProvider>) -> SenderGroup {
    SenderGroup {
        count,
        seat,
        inbox,
        portal: None,
        sequence: 0,
        daily_limit: None,
        other_emails_per_day: 0,
    }
}

/// A planned CRM-single attempt by `user` of `contact` at `time`.
pub fn attempt(time: u32, user: u32, contact: u32) -> plan::Attempt {
    plan::Attempt {
        time,
        user,
        contact,
        source: Source::CrmSingle,
        bulk_position: 0,
    }
}

/// Runs `attempts` over `world` on one thread with an audit.
pub fn audited(scenario: &Scenario, world: World, attempts: Vec<plan::Attempt>) -> RunResult {
    let options = RunOptions {
        threads: 1,
        audit: true,
        ..RunOptions::default()
    };
    run_world(scenario, world, attempts, &options)
}

/// The decision of every attempt in `result`'s audit, portal by portal in time order.
pub fn decisions(result: &RunResult) -> Vec<model::Decision> {
    let audit = result.recordings.audit.as_ref().expect("an audited run");
    audit.attempts.iter().map(|a| a.decision).collect()
}
