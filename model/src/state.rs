//! The state the enrollment rules read, as small bit sets.
//!
//! Each flag occupies the bit of the [`RejectionCode`] it triggers, so assembling the
//! [`Conditions`] of an enrollment attempt is a handful of ORs: this is the hot path of every
//! simulation.

use crate::{RejectionCode, SenderState};

macro_rules! flag_set {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $flag:ident = $code:ident,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name(u16);

        impl $name {
            $($(#[$fdoc])* pub const $flag: Self = Self(RejectionCode::$code.bit());)*
            /// No flag set.
            pub const EMPTY: Self = Self(0);
            /// Every flag of this set, with the code it triggers.
            pub const ALL: &'static [(Self, RejectionCode)] = &[$((Self::$flag, RejectionCode::$code),)*];

            /// Whether every flag of `other` is set.
            #[inline]
            pub const fn contains(self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }
            /// Sets the flags of `other`.
            #[inline]
            pub fn insert(&mut self, other: Self) {
                self.0 |= other.0;
            }
            /// Clears the flags of `other`.
            #[inline]
            pub fn remove(&mut self, other: Self) {
                self.0 &= !other.0;
            }
            /// Sets or clears the flags of `other`.
            #[inline]
            pub fn set(&mut self, other: Self, on: bool) {
                if on { self.insert(other) } else { self.remove(other) }
            }
            /// Whether no flag is set.
            #[inline]
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }
        }

        impl std::ops::BitOr for $name {
            type Output = Self;
            #[inline]
            fn bitor(self, rhs: Self) -> Self {
                Self(self.0 | rhs.0)
            }
        }

        impl std::ops::BitAnd for $name {
            type Output = Self;
            #[inline]
            fn bitand(self, rhs: Self) -> Self {
                Self(self.0 & rhs.0)
            }
        }
    };
}

flag_set! {
    /// Platform-wide facts about one email address (one person's mailbox), shared by every
    /// portal in which the address is a contact.
    AddressFlags {
        /// The address is on the platform's block list.
        BLOCKED_ADDRESS = BlockedAddress,
        /// The address's domain is on the platform's block list.
        BLOCKED_DOMAIN = BlockedDomain,
        /// Mail to the address from some account on the platform bounced: it is on the global
        /// bounce list.
        BOUNCED_GLOBALLY = RecipientPreviouslyBouncedGlobally,
    }
}

flag_set! {
    /// Facts about one contact record in one portal. The [`ContactFlags::ADDRESS_FACTS`] belong
    /// to the record's address in the portal: the simulator keeps them on one record per address.
    ContactFlags {
        /// The record has no email address; address facts do not apply to it.
        MISSING_EMAIL = MissingEmailAddress,
        /// Users of this portal may not communicate with the contact.
        CANNOT_COMMUNICATE = CannotCommunicate,
        /// An email the platform sent to this contact bounced.
        BOUNCED = Bounced,
        /// Earlier mail from this portal to the contact's address bounced.
        BOUNCED_ON_PORTAL = RecipientPreviouslyBouncedOnPortal,
        /// A previous email to the contact was marked as spam.
        MARKED_AS_SPAM = PreviouslyMarkedAsSpam,
        /// The contact opted out of all email.
        UNSUBSCRIBED = Unsubscribed,
        /// The contact opted out of the sales-email subscription type.
        UNSUBSCRIBED_PERSONAL = UnsubscribedPersonal,
    }
}

impl ContactFlags {
    /// The facts that belong to the address rather than the record (bounces, complaint,
    /// unsubscribes): every record of one address in a portal shares them.
    pub const ADDRESS_FACTS: Self = Self(
        Self::BOUNCED.0
            | Self::BOUNCED_ON_PORTAL.0
            | Self::MARKED_AS_SPAM.0
            | Self::UNSUBSCRIBED.0
            | Self::UNSUBSCRIBED_PERSONAL.0,
    );
}

/// Everything that would block one enrollment attempt: a set of [`RejectionCode`]s (the low 16
/// bits) and of the rule set's guards that hold (the high 16 bits: guard `i` on bit `16 + i`).
/// Which one is reported is the [`crate::RuleSet`]'s decision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Conditions(u32);

impl Conditions {
    /// Assembles the conditions of an attempt to enroll a contact.
    ///
    /// `rejected_in_sequence`: a provider rejected an earlier email of the target sequence to
    /// this contact. `already_enrolled`: the contact has an active enrollment.
    #[inline]
    pub fn new(
        address: AddressFlags,
        contact: ContactFlags,
        sender: SenderState,
        rejected_in_sequence: bool,
        already_enrolled: bool,
    ) -> Self {
        // A record without an address has no address facts, and no mail can have been
        // rejected for it: its other checks cannot fire whatever the rule order.
        let has_address = !contact.contains(ContactFlags::MISSING_EMAIL);
        let address_bits = if has_address { address.0 } else { 0 };
        let rejected = if rejected_in_sequence && has_address {
            RejectionCode::OtherSendRejected.bit()
        } else {
            0
        };
        let enrolled = if already_enrolled {
            RejectionCode::AlreadyEnrolled.bit()
        } else {
            0
        };
        let bits = address_bits | contact.0 | sender.condition_bits() | rejected | enrolled;
        Self(u32::from(bits))
    }

    /// The same conditions, with the guards of `guards` (bit `i`: guard `i`) holding too.
    #[inline]
    pub const fn with_guards(self, guards: u16) -> Self {
        Self(self.0 | (guards as u32) << 16)
    }

    /// The guards that hold (bit `i`: guard `i`).
    #[inline]
    pub const fn guards(self) -> u16 {
        (self.0 >> 16) as u16
    }

    /// The set holding exactly `codes`.
    pub fn from_codes(codes: impl IntoIterator<Item = RejectionCode>) -> Self {
        Self(u32::from(
            codes.into_iter().fold(0, |bits, code| bits | code.bit()),
        ))
    }

    /// Whether `code` would block the attempt.
    #[inline]
    pub const fn contains(self, code: RejectionCode) -> bool {
        self.0 & code.bit() as u32 != 0
    }

    /// The codes in the set, in [`RejectionCode::ALL`] order.
    pub fn codes(self) -> impl Iterator<Item = RejectionCode> {
        RejectionCode::ALL
            .into_iter()
            .filter(move |code| self.contains(*code))
    }

    /// The raw bit set (bit i is `RejectionCode::ALL[i]`, bit 16 + i guard i).
    #[inline]
    pub const fn bits(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeatTier;

    #[test]
    fn missing_address_hides_address_facts() {
        let address = AddressFlags::BLOCKED_ADDRESS | AddressFlags::BOUNCED_GLOBALLY;
        let sender = SenderState::new(SeatTier::Professional, true);
        let c = Conditions::new(address, ContactFlags::MISSING_EMAIL, sender, true, false);
        assert_eq!(
            c.codes().collect::<Vec<_>>(),
            vec![RejectionCode::MissingEmailAddress]
        );
        let c = Conditions::new(address, ContactFlags::EMPTY, sender, true, true);
        assert_eq!(
            c.codes().collect::<Vec<_>>(),
            vec![
                RejectionCode::BlockedAddress,
                RejectionCode::RecipientPreviouslyBouncedGlobally,
                RejectionCode::OtherSendRejected,
                RejectionCode::AlreadyEnrolled
            ]
        );
    }

    #[test]
    fn guards_sit_above_the_codes() {
        let c = Conditions::from_codes([RejectionCode::Bounced]);
        assert_eq!(c.guards(), 0);
        let guarded = c.with_guards(0b101);
        assert_eq!(guarded.guards(), 0b101);
        assert_eq!(
            guarded.bits(),
            RejectionCode::Bounced.bit() as u32 | 0b101 << 16
        );
        assert!(guarded.contains(RejectionCode::Bounced));
        // Guards add up: holding them again changes nothing.
        assert_eq!(guarded.with_guards(0b001).guards(), 0b101);
        assert_eq!(guarded.with_guards(0x8000).guards(), 0x8005);
    }

    #[test]
    fn flags_set_and_clear() {
        let mut f = ContactFlags::EMPTY;
        f.set(ContactFlags::BOUNCED, true);
        assert!(f.contains(ContactFlags::BOUNCED));
        f.set(ContactFlags::BOUNCED, false);
        assert!(f.is_empty());
        assert_eq!(ContactFlags::ALL.len(), 7);
        // The address's facts are the five of domain §4.3, not the record's own two.
        let facts = [
            ContactFlags::BOUNCED,
            ContactFlags::BOUNCED_ON_PORTAL,
            ContactFlags::MARKED_AS_SPAM,
            ContactFlags::UNSUBSCRIBED,
            ContactFlags::UNSUBSCRIBED_PERSONAL,
        ];
        for (flag, _) in ContactFlags::ALL {
            assert_eq!(
                ContactFlags::ADDRESS_FACTS.contains(*flag),
                facts.contains(flag),
                "{flag:?}"
            );
        }
        assert_eq!(AddressFlags::ALL.len(), 3);
    }
}
