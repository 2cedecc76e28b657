//! The two ways to run an engine against the reference model: [`shadow`] (the reference model
//! drives the world, every attempt is also asked of the engine) and [`Driver`] (the engine's
//! decisions drive the world, through `sim::run_driven`), and their [`Comparison`].

use std::collections::{BTreeMap, VecDeque};
use std::ops::Range;
use std::sync::Mutex;

use model::Decision;
use sim::{AttemptFacts, Decide, DecidedAttempt, Observed};

use crate::engine::{truncated, EngineError, RuleEngine};
use crate::protocol::{Answer, Request};
use crate::request::RequestBuilder;
use crate::transport::{Pipeline, IN_FLIGHT_MAX};

/// A protocol error, with the attempt it happened at.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("attempt {id} (contact {contact}; the batch of attempts {} to {}): {error}", .batch.start, .batch.end - 1)]
pub struct ProtocolError {
    /// The attempt: the one whose answer is wrong, or the batch's first.
    pub id: u64,
    /// Its contact.
    pub contact: u32,
    /// The ids of the batch.
    pub batch: Range<u64>,
    /// What went wrong.
    pub error: EngineError,
}

/// One attempt on which the engine and the reference model disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disagreement {
    /// The attempt's request: every fact the rules read.
    pub request: Request,
    /// The reference model's decision.
    pub reference: Decision,
    /// The engine's.
    pub engine: Decision,
}

/// The engine's decisions against the reference model's, attempt by attempt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Attempts compared.
    pub attempts: u64,
    /// Attempts on which they disagree.
    pub disagreed: u64,
    /// Attempts per (reference decision, engine decision).
    pub confusion: BTreeMap<(Decision, Decision), u64>,
    /// The first disagreements, in id order, at most as many as asked for.
    pub first: Vec<Disagreement>,
    /// How many disagreements to keep.
    pub show: usize,
}

impl Comparison {
    /// An empty comparison keeping the first `show` disagreements.
    pub fn new(show: usize) -> Self {
        Self {
            show,
            ..Self::default()
        }
    }

    /// Adds one attempt; `request` builds its request when it is a disagreement to keep.
    pub fn add(
        &mut self,
        reference: Decision,
        engine: Decision,
        request: impl FnOnce() -> Request,
    ) {
        self.attempts += 1;
        *self.confusion.entry((reference, engine)).or_default() += 1;
        if reference != engine {
            self.disagreed += 1;
            if self.first.len() < self.show {
                self.first.push(Disagreement {
                    request: request(),
                    reference,
                    engine,
                });
            }
        }
        debug_assert_eq!(self.confusion.values().sum::<u64>(), self.attempts);
    }
}

/// The engine's decisions in `answers` to the requests of ids `ids`, checked: one answer per
/// request, in order, each naming a decision of the rule set. The error names the attempt by
/// its position (`Err((position, error))`).
pub fn check_answers(
    builder: &RequestBuilder,
    ids: Range<u64>,
    answers: &[Answer],
) -> Result<Vec<Decision>, (usize, EngineError)> {
    let expected = (ids.end - ids.start) as usize;
    if answers.len() != expected {
        let error = EngineError::WrongCount {
            expected,
            got: answers.len(),
        };
        return Err((answers.len().min(expected.saturating_sub(1)), error));
    }
    let mut decisions = Vec::with_capacity(expected);
    for (position, (answer, id)) in answers.iter().zip(ids).enumerate() {
        if answer.id != id {
            let error = EngineError::WrongId {
                position,
                expected: id,
                got: answer.id,
            };
            return Err((position, error));
        }
        let Some(decision) = builder.parse_decision(&answer.decision) else {
            let got = truncated(&answer.decision);
            return Err((position, EngineError::UnknownCode { id, got }));
        };
        decisions.push(decision);
    }
    Ok(decisions)
}

/// How [`shadow`] batches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShadowOptions {
    /// Requests per batch (at least 1).
    pub batch: usize,
    /// Disagreements to keep.
    pub show: usize,
}

/// Shadow mode: every attempt of a reference run (`attempts`, from `RunOptions::attempts`) is
/// asked of `engine` in batches, several in flight, and its answer compared with the
/// reference decision. Stops at the first protocol error.
pub fn shadow(
    builder: &RequestBuilder,
    attempts: &[DecidedAttempt],
    engine: &mut dyn Pipeline,
    options: ShadowOptions,
) -> Result<Comparison, ProtocolError> {
    assert!(options.batch > 0, "a batch holds at least one request");
    let mut comparison = Comparison::new(options.show);
    let mut pending: VecDeque<Range<u64>> = VecDeque::with_capacity(IN_FLIGHT_MAX);
    let total = attempts.len() as u64;
    let mut start = 0;
    while start < total || !pending.is_empty() {
        if start < total && pending.len() < IN_FLIGHT_MAX {
            let ids = start..(start + options.batch as u64).min(total);
            let requests = ids
                .clone()
                .map(|id| {
                    let attempt = &attempts[id as usize];
                    builder.request(id, &attempt.facts, &attempt.observed)
                })
                .collect();
            let sent = engine.submit(builder.batch(requests));
            sent.map_err(|error| protocol_error(attempts, ids.clone(), 0, error))?;
            start = ids.end;
            pending.push_back(ids);
            continue;
        }
        let ids = pending.pop_front().expect("a batch in flight");
        let answers =
            (engine.receive()).map_err(|e| protocol_error(attempts, ids.clone(), 0, e))?;
        let decisions = check_answers(builder, ids.clone(), &answers)
            .map_err(|(at, e)| protocol_error(attempts, ids.clone(), at, e))?;
        for (id, engine_decision) in ids.zip(decisions) {
            let attempt = &attempts[id as usize];
            comparison.add(attempt.decision, engine_decision, || {
                builder.request(id, &attempt.facts, &attempt.observed)
            });
        }
    }
    assert_eq!(comparison.attempts, total, "every attempt is compared once");
    Ok(comparison)
}

fn protocol_error(
    attempts: &[DecidedAttempt],
    batch: Range<u64>,
    position: usize,
    error: EngineError,
) -> ProtocolError {
    let id = batch.start + position as u64;
    ProtocolError {
        id,
        contact: attempts[id as usize].facts.contact,
        batch,
        error,
    }
}

/// Drive mode: a [`Decide`] that asks the engine about every attempt, one at a time, and gives
/// the world the engine's decision. Where the world cannot follow it (ENROLLED for a contact
/// without an address or already enrolled: checks every rule set holds), the world keeps the
/// reference decision and the attempt counts in [`Driven::not_followed`]. After a protocol
/// error the engine is asked nothing more and the world follows the reference model.
pub struct Driver<'a> {
    builder: &'a RequestBuilder,
    state: Mutex<Driven<'a>>,
}

/// What a driven run found.
pub struct Driven<'a> {
    engine: &'a mut (dyn RuleEngine + Send),
    /// The next attempt's id: attempts in the order the run asks (deterministic with one
    /// thread).
    next_id: u64,
    /// The engine against the reference model on the driven world's attempts.
    pub comparison: Comparison,
    /// The first protocol error.
    pub error: Option<ProtocolError>,
    /// ENROLLED decisions the world could not follow.
    pub not_followed: u64,
}

impl<'a> Driver<'a> {
    /// The driver asking `engine`, keeping the first `show` disagreements.
    pub fn new(
        builder: &'a RequestBuilder,
        engine: &'a mut (dyn RuleEngine + Send),
        show: usize,
    ) -> Self {
        let state = Driven {
            engine,
            next_id: 0,
            comparison: Comparison::new(show),
            error: None,
            not_followed: 0,
        };
        Self {
            builder,
            state: Mutex::new(state),
        }
    }

    /// What the run found.
    pub fn finish(self) -> Driven<'a> {
        self.state.into_inner().expect("no decider panics")
    }
}

impl Decide for Driver<'_> {
    fn decide(&self, facts: &AttemptFacts, observed: &Observed, reference: Decision) -> Decision {
        let mut state = self.state.lock().expect("no decider panics");
        let id = state.next_id;
        state.next_id += 1;
        if state.error.is_some() {
            return reference;
        }
        let request = self.builder.request(id, facts, observed);
        let batch = self.builder.batch(vec![request.clone()]);
        let answer = (state.engine.decide(&batch))
            .map_err(|e| (0, e))
            .and_then(|answers| check_answers(self.builder, id..id + 1, &answers));
        let engine = match answer {
            Ok(decisions) => decisions[0],
            Err((_, error)) => {
                let contact = facts.contact;
                let batch = id..id + 1;
                state.error = Some(ProtocolError {
                    id,
                    contact,
                    batch,
                    error,
                });
                return reference;
            }
        };
        state.comparison.add(reference, engine, || request);
        if engine == Decision::Enrolled && !facts.may_enroll() {
            state.not_followed += 1;
            return reference;
        }
        engine
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(id: u64, decision: &str) -> Answer {
        Answer {
            id,
            decision: decision.to_owned(),
        }
    }

    #[test]
    fn answers_are_checked_for_count_order_and_codes() {
        let mut scenario = scenarios::default_scenario();
        scenario.rules = model::RuleSet::default();
        let builder = RequestBuilder::new(&scenario, "test", crate::Version::V2);
        let ok = [answer(5, "ENROLLED"), answer(6, "BOUNCED")];
        let decisions = check_answers(&builder, 5..7, &ok).unwrap();
        let bounced = Decision::Rejected(model::RejectionCode::Bounced);
        assert_eq!(decisions, vec![Decision::Enrolled, bounced]);
        let err = |answers: &[Answer]| check_answers(&builder, 5..7, answers).unwrap_err();
        let short = EngineError::WrongCount {
            expected: 2,
            got: 1,
        };
        assert_eq!(err(&ok[..1]), (1, short));
        let swapped = [answer(6, "ENROLLED"), answer(5, "ENROLLED")];
        let wrong = EngineError::WrongId {
            position: 0,
            expected: 5,
            got: 6,
        };
        assert_eq!(err(&swapped), (0, wrong));
        let unknown = [answer(5, "ENROLLED"), answer(6, "bounced")];
        let got = "bounced".to_owned();
        assert_eq!(err(&unknown), (1, EngineError::UnknownCode { id: 6, got }));
    }

    #[test]
    fn quotes_are_cut_at_200_characters() {
        assert_eq!(truncated("short"), "short");
        let long = "é".repeat(250);
        let cut = truncated(&long);
        assert!(cut.starts_with(&"é".repeat(200)));
        assert!(cut.ends_with("... (50 more characters)"), "{cut}");
    }
}
