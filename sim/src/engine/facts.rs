//! Every fact the rules read at one attempt, as raw state rather than code bits: recorded for
//! tools that check another rule engine against the reference model (`RunOptions::attempts`),
//! and handed to a [`Decide`] that drives a run in the reference model's place.

use model::{AddressFlags, Conditions, ContactFlags, Decision, SenderState};

use crate::scenario::Source;
use crate::time::SimTime;

/// What the rules read at one attempt. [`AttemptFacts::conditions`] gives back exactly the
/// [`Conditions`] the engine evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttemptFacts {
    /// When.
    pub time: SimTime,
    /// The contact's portal.
    pub portal: u32,
    /// The contact.
    pub contact: u32,
    /// The enrolling user.
    pub user: u32,
    /// Where the attempt comes from.
    pub source: Source,
    /// The target sequence (index into the scenario's sequences).
    pub sequence: u16,
    /// The step the enrollment would start at (0: a new enrollment; later: a re-enrollment
    /// resuming there).
    pub step: u8,
    /// The address's platform-wide facts as seen from the portal (BOUNCED_GLOBALLY: a bounce
    /// some *other* account saw). Meaningless when the record has no address.
    pub address: AddressFlags,
    /// The record's facts and its address's facts in the portal; UNSUBSCRIBED_PERSONAL: the
    /// address opted out of the target sequence's subscription type.
    pub contact_flags: ContactFlags,
    /// The enrolling user as the rules see them.
    pub sender: SenderState,
    /// A provider rejected an earlier email of the target sequence to this record.
    pub rejected_in_sequence: bool,
    /// The contact has an active enrollment.
    pub already_enrolled: bool,
    /// The rule set's guards that hold (bit `i`: guard `i`).
    pub guards: u16,
}

impl AttemptFacts {
    /// The conditions the rules evaluate.
    #[inline]
    pub fn conditions(&self) -> Conditions {
        Conditions::new(
            self.address,
            self.contact_flags,
            self.sender,
            self.rejected_in_sequence,
            self.already_enrolled,
        )
        .with_guards(self.guards)
    }

    /// Whether the record has an email address.
    pub fn has_address(&self) -> bool {
        !self.contact_flags.contains(ContactFlags::MISSING_EMAIL)
    }

    /// Whether the world could follow an ENROLLED decision: the contact has an address and no
    /// active enrollment (the checks every rule set must hold, `RuleSet::REQUIRED`).
    pub fn may_enroll(&self) -> bool {
        self.has_address() && !self.already_enrolled
    }
}

/// What CEL checks (and engines of `seqsim-decision/2`) read of an attempt beyond its
/// [`AttemptFacts`]: the enrolling user's inbox provider and the statistics the engine keeps.
/// Recorded and driven runs keep every statistic, whatever their checks read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Observed {
    /// The enrolling user's inbox provider; `None`: the user has no inbox.
    pub provider: Option<model::InboxProvider>,
    /// The statistics at the attempt.
    pub statistics: crate::cel::Statistics,
}

/// One recorded attempt: its facts, what else it observed, and the reference model's
/// decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecidedAttempt {
    /// What the rules read.
    pub facts: AttemptFacts,
    /// What CEL checks read beyond it.
    pub observed: Observed,
    /// The scenario's rule set's decision.
    pub decision: Decision,
}

/// Decides attempts in the reference model's place (`sim::run_driven`): the world follows its
/// decisions, so their downstream effects show.
///
/// The run calls it from its worker threads, portal by portal; with one thread the calls come
/// in a deterministic order. What it returns must be a decision the world can follow: ENROLLED
/// only when [`AttemptFacts::may_enroll`], a guard only of the scenario's rule set (the run
/// asserts both). A decider that cannot decide (its engine failed) returns `reference`.
pub trait Decide: Sync {
    /// The decision on the attempt of `facts` (and `observed`); `reference` is the scenario's
    /// rule set's.
    fn decide(&self, facts: &AttemptFacts, observed: &Observed, reference: Decision) -> Decision;
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::SeatTier;

    fn facts(flags: ContactFlags, already_enrolled: bool) -> AttemptFacts {
        AttemptFacts {
            time: 0,
            portal: 0,
            contact: 0,
            user: 0,
            source: Source::CrmSingle,
            sequence: 0,
            step: 0,
            address: AddressFlags::EMPTY,
            contact_flags: flags,
            sender: SenderState::new(SeatTier::Professional, true),
            rejected_in_sequence: false,
            already_enrolled,
            guards: 0,
        }
    }

    /// The two facts the world needs to follow ENROLLED, worked out by hand for each case: an
    /// address, and no active enrollment; other flags do not matter.
    #[test]
    fn the_world_follows_an_enrollment_only_with_an_address_and_none_active() {
        let missing = ContactFlags::MISSING_EMAIL;
        let other = ContactFlags::UNSUBSCRIBED | ContactFlags::BOUNCED;
        let cases = [
            (ContactFlags::EMPTY, false, true, true),
            (other, false, true, true),
            (ContactFlags::EMPTY, true, true, false),
            (missing, false, false, false),
            (missing | other, true, false, false),
        ];
        for (flags, enrolled, has_address, may_enroll) in cases {
            let f = facts(flags, enrolled);
            assert_eq!(f.has_address(), has_address, "{flags:?} {enrolled}");
            assert_eq!(f.may_enroll(), may_enroll, "{flags:?} {enrolled}");
        }
    }
}
