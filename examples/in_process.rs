//! A rule engine in Rust checked in-process through the library: implement
//! `harness::RuleEngine`, record a reference run's attempts, and compare with `harness::shadow`.
//! `tests/harness.rs` runs it; `cargo run --example in_process` prints its report.
//!
//! This engine implements the rules independently of `model` (a list of checks read from the
//! batch, each a fact of the request), so agreement on every attempt says the requests carry
//! every fact the rules read.

use harness::protocol::{Answer, Batch, Request, Seat};
use harness::{Direct, EngineError, RuleEngine, ShadowOptions};

/// A team's own implementation of the rules.
#[derive(Default)]
pub struct MyEngine {
    /// Batches decided so far.
    pub batches: u64,
}

impl MyEngine {
    fn holds(code: &str, r: &Request) -> bool {
        let a = r.address.as_ref();
        match code {
            "MISSING_EMAIL_ADDRESS" => !r.contact.has_address,
            "NO_CONNECTED_INBOX" => !r.sender.inbox_connected,
            "CANNOT_COMMUNICATE" => r.contact.cannot_communicate,
            "SEAT_NOT_ELIGIBLE" => !matches!(r.sender.seat, Seat::Professional | Seat::Enterprise),
            "SEQUENCES_DAILY_LIMIT_REACHED" => r.sender.sequences_daily_limit_full,
            "BLOCKED_ADDRESS" => a.is_some_and(|a| a.blocked_address),
            "BLOCKED_DOMAIN" => a.is_some_and(|a| a.blocked_domain),
            "BOUNCED" => r.contact.bounced,
            "RECIPIENT_PREVIOUSLY_BOUNCED_ON_PORTAL" => r.contact.bounced_on_portal,
            "RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY" => {
                a.is_some_and(|a| a.bounced_on_another_account)
            }
            "PREVIOUSLY_MARKED_AS_SPAM" => r.contact.marked_as_spam,
            "OTHER_SEND_REJECTED" => r.enrollment.provider_rejected_in_sequence,
            "UNSUBSCRIBED" => r.contact.unsubscribed,
            "UNSUBSCRIBED_PERSONAL" => r.contact.unsubscribed_from_type,
            "ALREADY_ENROLLED" => r.enrollment.already_enrolled,
            guard => r.guards.iter().any(|g| g == guard),
        }
    }
}

impl RuleEngine for MyEngine {
    fn decide(&mut self, batch: &Batch) -> Result<Vec<Answer>, EngineError> {
        self.batches += 1;
        let order = &batch.rules.order;
        Ok((batch.requests.iter())
            .map(|r| Answer {
                id: r.id,
                decision: (order.iter().find(|c| Self::holds(c, r)))
                    .map_or("ENROLLED", |c| c.as_str())
                    .to_owned(),
            })
            .collect())
    }
}

/// Runs `scenario`, asks `engine` about every attempt, and returns the comparison.
pub fn check(scenario: &sim::Scenario, engine: &mut dyn RuleEngine) -> harness::Comparison {
    let options = sim::RunOptions {
        attempts: true,
        ..sim::RunOptions::default()
    };
    let run = sim::run_with(scenario, &options);
    let attempts = run.recordings.attempts.as_deref().expect("asked for");
    let builder = harness::RequestBuilder::new(scenario, &scenario.name, harness::Version::V2);
    let options = ShadowOptions {
        batch: 500,
        show: 10,
    };
    harness::shadow(&builder, attempts, &mut Direct::new(engine), options)
        .expect("an in-process engine answers every batch")
}

fn main() {
    let scenario = scenarios::default_scenario();
    let mut engine = MyEngine::default();
    let comparison = check(&scenario, &mut engine);
    println!(
        "{} attempts in {} batches, {} disagreements",
        comparison.attempts, engine.batches, comparison.disagreed
    );
    std::process::exit(i32::from(comparison.disagreed > 0));
}
