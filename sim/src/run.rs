//! Running a scenario: every planned attempt through the rule model, in time order.

use model::{Conditions, Decision, RejectionCode, SenderState};

use crate::plan::{self, Attempt};
use crate::scenario::{Scenario, Source};
use crate::world::World;

/// What a run produced: integer counts only, so that reports are exact and comparable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunResult {
    /// Contact records in the world.
    pub contacts: u64,
    /// Portals in the world.
    pub portals: u64,
    /// Users in the world.
    pub users: u64,
    /// Enrollment attempts made.
    pub attempts: u64,
    /// Attempts that enrolled the contact.
    pub enrolled: u64,
    /// Rejected attempts, indexed by [`RejectionCode::index`].
    pub rejected: [u64; RejectionCode::ALL.len()],
    /// Attempts per source, indexed like [`Source::ALL`].
    pub attempts_by_source: [u64; Source::ALL.len()],
}

impl RunResult {
    /// Rejections with `code`.
    pub fn rejected(&self, code: RejectionCode) -> u64 {
        self.rejected[code.index()]
    }
}

/// One decided attempt, for callers that watch a run attempt by attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decided {
    /// The attempt.
    pub attempt: Attempt,
    /// What the rules decided.
    pub decision: Decision,
}

/// Generates the world of `scenario` and runs its plan.
pub fn run(scenario: &Scenario) -> RunResult {
    run_observed(scenario, |_| {})
}

/// Like [`run`], calling `observe` with every decided attempt in order.
pub fn run_observed(scenario: &Scenario, mut observe: impl FnMut(&Decided)) -> RunResult {
    let world = World::generate(scenario);
    let attempts = plan::build(scenario, &world);
    let seed = scenario.seed;

    let mut active = world.enrolled_elsewhere.clone();
    let mut result = RunResult {
        contacts: world.contacts.len() as u64,
        portals: (world.portal_starts.len() - 1) as u64,
        users: world.users.len() as u64,
        ..RunResult::default()
    };
    for attempt in &attempts {
        let contact = &world.contacts[attempt.contact as usize];
        let person = &world.persons[contact.person as usize];
        let user = &world.users[attempt.user as usize];
        let sender = SenderState::new(user.seat, user.inbox.is_some());
        let rejected_here = contact.rejected_sequences & (1 << user.sequence) != 0;
        let is_active = active[attempt.contact as usize];
        let conditions = Conditions::new(
            person.address,
            contact.flags,
            sender,
            rejected_here,
            is_active,
        );
        let decision = scenario.rules.evaluate(conditions);
        match decision {
            Decision::Enrolled => {
                assert!(
                    !is_active,
                    "seed {seed}: contact {} enrolled while already enrolled",
                    attempt.contact
                );
                active[attempt.contact as usize] = true;
                result.enrolled += 1;
            }
            Decision::Rejected(code) => result.rejected[code.index()] += 1,
        }
        result.attempts += 1;
        result.attempts_by_source[attempt.source as usize] += 1;
        observe(&Decided {
            attempt: *attempt,
            decision,
        });
    }
    assert_eq!(
        result.enrolled + result.rejected.iter().sum::<u64>(),
        result.attempts,
        "seed {seed}: every attempt gets exactly one decision"
    );
    result
}
