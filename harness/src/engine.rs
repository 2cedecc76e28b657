//! The [`RuleEngine`] trait, what an engine can get wrong ([`EngineError`]), and the reference
//! engine: the model's rule set deciding from the requests alone.

use model::{AddressFlags, Conditions, ContactFlags, Decision, RuleSet, SenderState};

use crate::protocol::{Answer, Batch, Request};
use crate::request::seat_tier;

/// A rule engine under test: it decides batches of enrollment attempts.
///
/// Implement it to check a Rust implementation of the rules in-process (see
/// `examples/in_process.rs`): hand it to [`crate::shadow`] with the attempts of a reference
/// run and read the [`crate::HarnessReport`]. The subprocess and HTTP transports implement it
/// too, for engines in any language.
///
/// `decide` gets one [`Batch`] (the rule set and the requests, in id order) and returns one
/// [`Answer`] per request, in the same order, with the request's id and the decision's name:
/// `ENROLLED` or the reason code of the first failing check. The harness checks the answers
/// (count, ids, known codes) and reports any mismatch as a protocol error; an engine that
/// cannot answer returns an [`EngineError`].
pub trait RuleEngine {
    /// The answers to `batch`, in request order.
    fn decide(&mut self, batch: &Batch) -> Result<Vec<Answer>, EngineError>;
}

/// What went wrong talking to an engine: any of these is a protocol error (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The engine could not be started.
    #[error("the engine could not be started: {0}")]
    Spawn(String),
    /// The answer is not a JSON answer message.
    #[error("the answer is not a valid answer message ({detail}); got: {got}")]
    Malformed {
        /// What is wrong.
        detail: String,
        /// What came back, truncated.
        got: String,
    },
    /// The answer holds more or fewer answers than the batch held requests.
    #[error("{got} answers to a batch of {expected} requests")]
    WrongCount {
        /// Requests in the batch.
        expected: usize,
        /// Answers that came back.
        got: usize,
    },
    /// An answer's id is not its request's.
    #[error("answer {position} of the batch has id {got}, expected {expected} (answers come in request order)")]
    WrongId {
        /// The answer's position in the batch, from 0.
        position: usize,
        /// The request's id.
        expected: u64,
        /// The answer's id.
        got: u64,
    },
    /// An answer names no decision of the rule set.
    #[error("the decision {got:?} on attempt {id} is not ENROLLED, a built-in reason code or a guard of the rule set")]
    UnknownCode {
        /// The attempt.
        id: u64,
        /// The decision as it came back, truncated.
        got: String,
    },
    /// The engine process exited (or closed its output) before answering.
    #[error("the engine exited before answering ({0})")]
    Exited(String),
    /// No answer came within the timeout.
    #[error("no answer within {0} ms")]
    Timeout(u64),
    /// The HTTP service answered with an error, or could not be reached.
    #[error("HTTP: {0}")]
    Http(String),
    /// An I/O error talking to the engine.
    #[error("I/O: {0}")]
    Io(String),
    /// An in-process engine's own error.
    #[error("{0}")]
    Engine(String),
}

/// Most characters of an engine's output an error message quotes.
pub const QUOTE_CHARS_MAX: usize = 200;

/// `text` cut to [`QUOTE_CHARS_MAX`] characters, saying how much was left out.
pub fn truncated(text: &str) -> String {
    let count = text.chars().count();
    if count <= QUOTE_CHARS_MAX {
        return text.to_owned();
    }
    let head: String = text.chars().take(QUOTE_CHARS_MAX).collect();
    format!("{head}... ({} more characters)", count - QUOTE_CHARS_MAX)
}

/// The reference model as a [`RuleEngine`]: `model::RuleSet::evaluate` over the conditions
/// rebuilt from each request alone. It answers exactly what the simulator decided, which shows
/// that a request holds every fact the rules read.
#[derive(Clone, Debug)]
pub struct ReferenceEngine {
    rules: RuleSet,
}

impl ReferenceEngine {
    /// The engine of `rules`.
    pub fn new(rules: RuleSet) -> Self {
        Self { rules }
    }

    /// The decision on `request`.
    pub fn decide_one(&self, request: &Request) -> Decision {
        self.rules.evaluate(self.conditions(request))
    }

    /// The conditions the rules read from `request`.
    pub fn conditions(&self, request: &Request) -> Conditions {
        let c = &request.contact;
        let mut contact = ContactFlags::EMPTY;
        contact.set(ContactFlags::MISSING_EMAIL, !c.has_address);
        contact.set(ContactFlags::CANNOT_COMMUNICATE, c.cannot_communicate);
        contact.set(ContactFlags::BOUNCED, c.bounced);
        contact.set(ContactFlags::BOUNCED_ON_PORTAL, c.bounced_on_portal);
        contact.set(ContactFlags::MARKED_AS_SPAM, c.marked_as_spam);
        contact.set(ContactFlags::UNSUBSCRIBED, c.unsubscribed);
        contact.set(
            ContactFlags::UNSUBSCRIBED_PERSONAL,
            c.unsubscribed_from_type,
        );
        let mut address = AddressFlags::EMPTY;
        if let Some(a) = &request.address {
            address.set(AddressFlags::BLOCKED_ADDRESS, a.blocked_address);
            address.set(AddressFlags::BLOCKED_DOMAIN, a.blocked_domain);
            address.set(AddressFlags::BOUNCED_GLOBALLY, a.bounced_on_another_account);
        }
        let s = &request.sender;
        let sender = SenderState::new(seat_tier(s.seat), s.inbox_connected)
            .with_daily_limit_full(s.sequences_daily_limit_full);
        let guards = (request.guards.iter())
            .filter_map(|code| self.rules.guards().iter().position(|g| &g.name == code))
            .fold(0u16, |bits, i| bits | 1 << i);
        let e = &request.enrollment;
        Conditions::new(
            address,
            contact,
            sender,
            e.provider_rejected_in_sequence,
            e.already_enrolled,
        )
        .with_guards(guards)
    }
}

impl RuleEngine for ReferenceEngine {
    fn decide(&mut self, batch: &Batch) -> Result<Vec<Answer>, EngineError> {
        Ok((batch.requests.iter())
            .map(|r| Answer {
                id: r.id,
                decision: self.rules.decision_name(self.decide_one(r)).to_owned(),
            })
            .collect())
    }
}
