//! A rule engine in Rust that speaks the decision protocol `seqsim-decision/1` or `/2` over JSON lines:
//! one batch a line on standard input, one answer message a line on standard output. It is a
//! second, independent implementation of the rules (it reads the rule order from the batch
//! and each check's fact from the request; nothing of `model`), fast enough to measure the
//! harness's throughput:
//!
//! ```sh
//! cargo build --release --example jsonl_engine
//! seqsim harness scale-1m --engine target/release/examples/jsonl_engine --timing
//! ```

use std::io::{BufRead as _, Write as _};

use harness::protocol::{Answer, AnswerMessage, Batch, Request, Seat};

/// Whether the check named `code` fails for `request`: a built-in code's fact, or a guard the
/// request lists as holding.
pub fn holds(code: &str, r: &Request) -> bool {
    let (c, a, s, e) = (&r.contact, r.address.as_ref(), &r.sender, &r.enrollment);
    match code {
        "MISSING_EMAIL_ADDRESS" => !c.has_address,
        "NO_CONNECTED_INBOX" => !s.inbox_connected,
        "CANNOT_COMMUNICATE" => c.cannot_communicate,
        "SEAT_NOT_ELIGIBLE" => !matches!(s.seat, Seat::Professional | Seat::Enterprise),
        "SEQUENCES_DAILY_LIMIT_REACHED" => s.sequences_daily_limit_full,
        "BLOCKED_ADDRESS" => a.is_some_and(|a| a.blocked_address),
        "BLOCKED_DOMAIN" => a.is_some_and(|a| a.blocked_domain),
        "BOUNCED" => c.bounced,
        "RECIPIENT_PREVIOUSLY_BOUNCED_ON_PORTAL" => c.bounced_on_portal,
        "RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY" => a.is_some_and(|a| a.bounced_on_another_account),
        "PREVIOUSLY_MARKED_AS_SPAM" => c.marked_as_spam,
        "OTHER_SEND_REJECTED" => e.provider_rejected_in_sequence,
        "UNSUBSCRIBED" => c.unsubscribed,
        "UNSUBSCRIBED_PERSONAL" => c.unsubscribed_from_type,
        "ALREADY_ENROLLED" => e.already_enrolled,
        guard => r.guards.iter().any(|g| g == guard),
    }
}

/// The decision on `request` under the checks of `order`: the first that fails, or ENROLLED.
pub fn decide<'a>(order: &'a [String], request: &Request) -> &'a str {
    (order.iter())
        .find(|code| holds(code, request))
        .map_or("ENROLLED", |code| code.as_str())
}

/// The answer message to `batch`.
pub fn answer(batch: &Batch) -> AnswerMessage {
    let answers = (batch.requests.iter())
        .map(|r| Answer {
            id: r.id,
            decision: decide(&batch.rules.order, r).to_owned(),
        })
        .collect();
    AnswerMessage { answers }
}

fn main() {
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    for line in stdin.lines() {
        let line = line.expect("standard input is readable");
        let batch: Batch = serde_json::from_str(&line).expect("a batch of seqsim-decision/1 or 2");
        // Version 2 adds fields this engine does not read: it decides by the order and the
        // guards the request lists, as in version 1.
        assert!(
            harness::Version::from_name(&batch.protocol).is_some(),
            "a protocol this engine knows, not {}",
            batch.protocol
        );
        serde_json::to_writer(&mut stdout, &answer(&batch)).expect("standard output");
        stdout.write_all(b"\n").expect("standard output");
        stdout.flush().expect("standard output");
    }
}
