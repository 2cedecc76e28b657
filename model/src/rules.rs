//! The rule set: an ordered list of enrollment checks.

use crate::{Conditions, RejectionCode};

/// Most guards one rule set may declare: their conditions are 16 bits of [`Conditions`].
pub const MAX_GUARDS: usize = 16;

/// The result of evaluating one enrollment attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Decision {
    /// The contact is enrolled.
    Enrolled,
    /// The contact is not enrolled, for the first failing check in rule order.
    Rejected(RejectionCode),
    /// The contact is not enrolled because guard `i` of the rule set (its own reason code,
    /// declared with the rule set) was the first failing check in rule order.
    Guarded(u8),
}

/// One check of a rule set: a built-in reason code, or one of the rule set's guards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Check {
    /// A built-in check of domain §3.
    Code(RejectionCode),
    /// Guard `i` of the rule set.
    Guard(u8),
}

impl Check {
    /// The check's bit in a [`Conditions`] set.
    #[inline]
    pub const fn bit(self) -> u32 {
        match self {
            Self::Code(code) => code.bit() as u32,
            Self::Guard(i) => 1 << (16 + i as u32),
        }
    }

    /// What the check decides when it is the first that fails.
    pub const fn decision(self) -> Decision {
        match self {
            Self::Code(code) => Decision::Rejected(code),
            Self::Guard(i) => Decision::Guarded(i),
        }
    }
}

/// A guard's reason code as a rule set declares it: reports, traces and diffs carry it like a
/// built-in code. What the guard measures is the simulator's business.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuardCode {
    /// The code, spelled like the built-in ones (`SENDER_BOUNCE_RATE_HIGH`).
    pub name: String,
    /// What it means, for people reading a report.
    pub description: String,
}

/// Why a list of checks is not a rule set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleSetError {
    /// The same check appears twice.
    Duplicate(Check),
    /// A check every rule set must hold is left out (see [`RuleSet::REQUIRED`]).
    Missing(RejectionCode),
    /// A check names a guard the rule set does not declare.
    UnknownGuard(u8),
    /// More guards than [`MAX_GUARDS`].
    TooManyGuards(usize),
}

/// Most checks in one rule set: every built-in code and every guard.
const MAX_CHECKS: usize = RejectionCode::ALL.len() + MAX_GUARDS;

/// An ordered list of enrollment checks. A check left out of the list never blocks; the first
/// check in the list whose condition holds decides the rejection code.
///
/// No public source states the product's order (domain §3); [`RuleSet::default`] checks the
/// extra pre-enrollment blocks first, then the table of §3 top to bottom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSet {
    // A fixed array rather than a Vec: evaluation reads it on every attempt, and keeping it
    // inline avoids a pointer chase.
    order: [Check; MAX_CHECKS],
    /// `order[i].bit()`, so that evaluation tests plain bits.
    bits: [u32; MAX_CHECKS],
    len: u8,
    mask: u32,
    guards: Vec<GuardCode>,
}

impl RuleSet {
    /// Checks no rule set may leave out, because they guard facts of the world rather than
    /// policy: mail cannot go to a record without an address, and a contact can be in only one
    /// sequence at a time (domain §1).
    pub const REQUIRED: [RejectionCode; 2] = [
        RejectionCode::MissingEmailAddress,
        RejectionCode::AlreadyEnrolled,
    ];

    /// A rule set checking the built-in codes of `order`, first to last.
    pub fn new(order: &[RejectionCode]) -> Result<Self, RuleSetError> {
        let checks: Vec<Check> = order.iter().map(|&code| Check::Code(code)).collect();
        Self::with_guards(&checks, Vec::new())
    }

    /// A rule set checking `order`, first to last, whose guards are `guards` (a
    /// [`Check::Guard`] `i` is `guards[i]`). A declared guard left out of `order` never blocks.
    pub fn with_guards(order: &[Check], guards: Vec<GuardCode>) -> Result<Self, RuleSetError> {
        if guards.len() > MAX_GUARDS {
            return Err(RuleSetError::TooManyGuards(guards.len()));
        }
        let mut rules = Self {
            order: [Check::Code(RejectionCode::MissingEmailAddress); MAX_CHECKS],
            bits: [0; MAX_CHECKS],
            len: 0,
            mask: 0,
            guards,
        };
        for &check in order {
            if let Check::Guard(i) = check {
                if usize::from(i) >= rules.guards.len() {
                    return Err(RuleSetError::UnknownGuard(i));
                }
            }
            if rules.mask & check.bit() != 0 {
                return Err(RuleSetError::Duplicate(check));
            }
            rules.order[usize::from(rules.len)] = check;
            rules.bits[usize::from(rules.len)] = check.bit();
            rules.len += 1;
            rules.mask |= check.bit();
        }
        match Self::REQUIRED.into_iter().find(|&code| !rules.checks(code)) {
            Some(code) => Err(RuleSetError::Missing(code)),
            None => Ok(rules),
        }
    }

    /// The checks, first to last.
    pub fn order(&self) -> &[Check] {
        &self.order[..usize::from(self.len)]
    }

    /// The guards' codes, by guard index.
    pub fn guards(&self) -> &[GuardCode] {
        &self.guards
    }

    /// Whether `code` is checked at all.
    pub fn checks(&self, code: RejectionCode) -> bool {
        self.mask & Check::Code(code).bit() != 0
    }

    /// The name of a check: the built-in code's, or the guard's declared code.
    pub fn check_name(&self, check: Check) -> &str {
        match check {
            Check::Code(code) => code.name(),
            Check::Guard(i) => &self.guards[usize::from(i)].name,
        }
    }

    /// The name of a decision: `ENROLLED`, or the code of the check that rejected.
    pub fn decision_name(&self, decision: Decision) -> &str {
        match decision {
            Decision::Enrolled => "ENROLLED",
            Decision::Rejected(code) => code.name(),
            Decision::Guarded(i) => &self.guards[usize::from(i)].name,
        }
    }

    /// Every check whose condition holds in `conditions`, in catalogue order: built-in codes,
    /// then guards.
    pub fn failing(&self, conditions: Conditions) -> impl Iterator<Item = Check> + '_ {
        let codes = conditions.codes().map(Check::Code);
        let guards = (0..self.guards.len() as u8)
            .filter(move |&i| conditions.guards() & (1 << i) != 0)
            .map(Check::Guard);
        codes.chain(guards)
    }

    /// Decides an attempt: the first check in order whose condition holds rejects it.
    #[inline]
    pub fn evaluate(&self, conditions: Conditions) -> Decision {
        let blocking = conditions.bits() & self.mask;
        if blocking == 0 {
            return Decision::Enrolled;
        }
        let len = usize::from(self.len);
        for (i, &bit) in self.bits[..len].iter().enumerate() {
            if blocking & bit != 0 {
                return self.order[i].decision();
            }
        }
        unreachable!("a blocking condition {blocking:#010x} outside the rule set's checks")
    }
}

impl Default for RuleSet {
    fn default() -> Self {
        Self::new(&RejectionCode::ALL).expect("the catalogue has no duplicates")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use RejectionCode as C;

    fn any_code() -> impl Strategy<Value = RejectionCode> {
        (0..RejectionCode::ALL.len()).prop_map(|i| RejectionCode::ALL[i])
    }

    fn any_order() -> impl Strategy<Value = Vec<RejectionCode>> {
        Just(RejectionCode::ALL.to_vec()).prop_shuffle()
    }

    #[test]
    fn default_order_follows_domain_md() {
        let rules = RuleSet::default();
        let codes: Vec<Check> = RejectionCode::ENROLLMENT_REJECTIONS
            .iter()
            .map(|&c| Check::Code(c))
            .collect();
        assert_eq!(rules.order()[0], Check::Code(C::MissingEmailAddress));
        assert_eq!(
            &rules.order()[RejectionCode::PRE_ENROLLMENT_BLOCKS.len()..],
            &codes[..]
        );
        assert_eq!(rules.evaluate(Conditions::default()), Decision::Enrolled);
    }

    #[test]
    fn duplicates_are_refused_and_left_out_checks_never_block() {
        assert_eq!(
            RuleSet::new(&[C::Bounced, C::Unsubscribed, C::Bounced]),
            Err(RuleSetError::Duplicate(Check::Code(C::Bounced)))
        );
        assert_eq!(
            RuleSet::new(&[C::Unsubscribed, C::AlreadyEnrolled]),
            Err(RuleSetError::Missing(C::MissingEmailAddress))
        );
        let rules =
            RuleSet::new(&[C::MissingEmailAddress, C::Unsubscribed, C::AlreadyEnrolled]).unwrap();
        assert!(!rules.checks(C::Bounced));
        let c = Conditions::from_codes([C::Bounced]);
        assert_eq!(rules.evaluate(c), Decision::Enrolled);
    }

    fn guard(name: &str) -> GuardCode {
        GuardCode {
            name: name.to_owned(),
            description: String::new(),
        }
    }

    #[test]
    fn guards_take_the_high_bits_and_their_declared_names() {
        // Guard i sits on bit 16 + i, a code on its catalogue position.
        assert_eq!(Check::Guard(0).bit(), 0x1_0000);
        assert_eq!(Check::Guard(3).bit(), 0x8_0000);
        assert_eq!(Check::Code(C::CannotCommunicate).bit(), 0b100);
        let order = [
            Check::Code(C::MissingEmailAddress),
            Check::Guard(1),
            Check::Code(C::Bounced),
            Check::Guard(0),
            Check::Code(C::AlreadyEnrolled),
        ];
        let rules = RuleSet::with_guards(&order, vec![guard("G_ZERO"), guard("G_ONE")]).unwrap();
        assert_eq!(rules.guards(), [guard("G_ZERO"), guard("G_ONE")]);
        assert_eq!(rules.check_name(Check::Guard(1)), "G_ONE");
        assert_eq!(rules.check_name(Check::Code(C::Bounced)), "BOUNCED");
        assert_eq!(rules.decision_name(Decision::Guarded(0)), "G_ZERO");
        assert_eq!(rules.decision_name(Decision::Enrolled), "ENROLLED");
        assert_eq!(
            rules.decision_name(Decision::Rejected(C::Bounced)),
            "BOUNCED"
        );
        // Both guards and BOUNCED hold: guard 1 comes first in the order.
        let both = Conditions::from_codes([C::Bounced]).with_guards(0b11);
        assert_eq!(rules.evaluate(both), Decision::Guarded(1));
        assert_eq!(
            rules.failing(both).collect::<Vec<_>>(),
            [Check::Code(C::Bounced), Check::Guard(0), Check::Guard(1)]
        );
        let second = Conditions::from_codes([]).with_guards(0b10);
        assert_eq!(rules.failing(second).collect::<Vec<_>>(), [Check::Guard(1)]);
        assert_eq!(rules.evaluate(second), Decision::Guarded(1));
        assert_eq!(rules.failing(Conditions::default()).count(), 0);
    }

    #[test]
    fn guards_must_be_declared_and_at_most_sixteen() {
        let required = [
            Check::Code(C::MissingEmailAddress),
            Check::Code(C::AlreadyEnrolled),
        ];
        let declared = |n: usize| (0..n).map(|i| guard(&format!("G{i}"))).collect::<Vec<_>>();
        assert!(RuleSet::with_guards(&required, declared(MAX_GUARDS)).is_ok());
        assert_eq!(
            RuleSet::with_guards(&required, declared(MAX_GUARDS + 1)),
            Err(RuleSetError::TooManyGuards(17))
        );
        let with = |i: u8| [required[0], Check::Guard(i), required[1]];
        assert!(RuleSet::with_guards(&with(1), declared(2)).is_ok());
        assert_eq!(
            RuleSet::with_guards(&with(2), declared(2)),
            Err(RuleSetError::UnknownGuard(2))
        );
    }

    proptest! {
        #[test]
        fn the_first_holding_check_in_rule_order_decides(
            order in any_order(),
            codes in proptest::collection::vec(any_code(), 0..6),
        ) {
            let rules = RuleSet::new(&order).unwrap();
            let conditions = Conditions::from_codes(codes.iter().copied());
            let expected = order
                .iter()
                .find(|code| codes.contains(code))
                .map_or(Decision::Enrolled, |&code| Decision::Rejected(code));
            prop_assert_eq!(rules.evaluate(conditions), expected);
        }

        #[test]
        fn reordering_the_rules_changes_which_code_wins(
            order in any_order(),
            codes in proptest::collection::btree_set(any_code(), 2..6),
        ) {
            let conditions = Conditions::from_codes(codes.iter().copied());
            let forward = RuleSet::new(&order).unwrap().evaluate(conditions);
            let reversed: Vec<_> = order.iter().rev().copied().collect();
            let backward = RuleSet::new(&reversed).unwrap().evaluate(conditions);
            // With two or more disqualifying states the two orders name different codes:
            // the first and the last of them in `order`.
            let first = *order.iter().find(|c| codes.contains(c)).unwrap();
            let last = *order.iter().rev().find(|c| codes.contains(c)).unwrap();
            prop_assert_eq!(forward, Decision::Rejected(first));
            prop_assert_eq!(backward, Decision::Rejected(last));
            prop_assert_ne!(forward, backward);
        }
    }
}
