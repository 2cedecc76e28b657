//! The rule set: an ordered list of enrollment checks.

use crate::{Conditions, RejectionCode};

/// The result of evaluating one enrollment attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Decision {
    /// The contact is enrolled.
    Enrolled,
    /// The contact is not enrolled, for the first failing check in rule order.
    Rejected(RejectionCode),
}

/// Why a list of checks is not a rule set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleSetError {
    /// The same check appears twice.
    Duplicate(RejectionCode),
    /// A check every rule set must hold is left out (see [`RuleSet::REQUIRED`]).
    Missing(RejectionCode),
}

/// An ordered list of enrollment checks. A check left out of the list never blocks; the first
/// check in the list whose condition holds decides the rejection code.
///
/// No public source states the product's order (domain §3); [`RuleSet::default`] checks the
/// extra pre-enrollment blocks first, then the table of §3 top to bottom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSet {
    // A fixed array rather than a Vec: evaluation reads it on every attempt, and keeping it
    // inline avoids a pointer chase.
    order: [RejectionCode; RejectionCode::ALL.len()],
    len: u8,
    mask: u16,
}

impl RuleSet {
    /// Checks no rule set may leave out, because they guard facts of the world rather than
    /// policy: mail cannot go to a record without an address, and a contact can be in only one
    /// sequence at a time (domain §1).
    pub const REQUIRED: [RejectionCode; 2] = [
        RejectionCode::MissingEmailAddress,
        RejectionCode::AlreadyEnrolled,
    ];

    /// A rule set checking `order`, first to last.
    pub fn new(order: &[RejectionCode]) -> Result<Self, RuleSetError> {
        let mut rules = Self {
            order: RejectionCode::ALL,
            len: 0,
            mask: 0,
        };
        for &code in order {
            if rules.mask & code.bit() != 0 {
                return Err(RuleSetError::Duplicate(code));
            }
            rules.order[usize::from(rules.len)] = code;
            rules.len += 1;
            rules.mask |= code.bit();
        }
        match Self::REQUIRED.into_iter().find(|&code| !rules.checks(code)) {
            Some(code) => Err(RuleSetError::Missing(code)),
            None => Ok(rules),
        }
    }

    /// The checks, first to last.
    pub fn order(&self) -> &[RejectionCode] {
        &self.order[..usize::from(self.len)]
    }

    /// Whether `code` is checked at all.
    pub fn checks(&self, code: RejectionCode) -> bool {
        self.mask & code.bit() != 0
    }

    /// Decides an attempt: the first check in order whose condition holds rejects it.
    #[inline]
    pub fn evaluate(&self, conditions: Conditions) -> Decision {
        let blocking = conditions.bits() & self.mask;
        if blocking == 0 {
            return Decision::Enrolled;
        }
        for &code in self.order() {
            if blocking & code.bit() != 0 {
                return Decision::Rejected(code);
            }
        }
        unreachable!("a blocking condition {blocking:#06x} outside the rule set's checks")
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
        assert_eq!(rules.order()[0], C::MissingEmailAddress);
        assert_eq!(
            &rules.order()[RejectionCode::PRE_ENROLLMENT_BLOCKS.len()..],
            &RejectionCode::ENROLLMENT_REJECTIONS[..]
        );
        assert_eq!(rules.evaluate(Conditions::default()), Decision::Enrolled);
    }

    #[test]
    fn duplicates_are_refused_and_left_out_checks_never_block() {
        assert_eq!(
            RuleSet::new(&[C::Bounced, C::Unsubscribed, C::Bounced]),
            Err(RuleSetError::Duplicate(C::Bounced))
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
