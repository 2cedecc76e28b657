//! Scenarios built by hand for the simulator's tests.

use model::{InboxProvider, RuleSet, SeatTier};
use sim::*;

/// A small scenario with every rate at `rate`, `portals` portals and one user of each seat and
/// inbox kind that matters.
pub fn scenario(seed: u64, contacts: u32, portals: u32, rate: f64) -> Scenario {
    Scenario {
        name: "test".to_owned(),
        seed,
        calendar: Calendar {
            start_weekday: Weekday::Wednesday,
            horizon_days: 30,
        },
        population: Population {
            contacts,
            portals,
            domains: 50,
            shared_persons: 0.2,
            rates: Rates {
                missing_email: rate,
                invalid_address: rate,
                blocked_address: rate,
                blocked_domain: rate,
                bounced_globally_if_invalid: rate,
                bounced_globally_if_valid: rate,
                bounced_if_invalid: rate,
                bounced_if_valid: rate,
                bounced_on_portal_if_invalid: rate,
                bounced_on_portal_if_valid: rate,
                marked_as_spam: rate,
                other_send_rejected: rate,
                unsubscribed: rate,
                unsubscribed_personal: rate,
                cannot_communicate: rate,
                already_enrolled: rate,
            },
        },
        senders: vec![
            group(
                3,
                SeatTier::Professional,
                Some(InboxProvider::GoogleWorkspace),
            ),
            group(1, SeatTier::Starter, Some(InboxProvider::Gmail)),
            group(1, SeatTier::Enterprise, None),
        ],
        sequences: vec![
            Sequence {
                name: "a".to_owned(),
                steps: vec![Step {
                    kind: StepKind::AutomatedEmail,
                    delay_days: 0,
                }],
            },
            Sequence {
                name: "b".to_owned(),
                steps: vec![Step {
                    kind: StepKind::AutomatedEmail,
                    delay_days: 0,
                }],
            },
        ],
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
    }
}

fn group(count: u32, seat: SeatTier, inbox: Option<InboxProvider>) -> SenderGroup {
    SenderGroup {
        count,
        seat,
        inbox,
        portal: None,
        sequence: 0,
        daily_limit: None,
    }
}
