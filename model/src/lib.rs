//! The pure rule model of HubSpot-style sales-email sequences.
//!
//! This crate knows the reason-code catalogue (`docs/domain.md` §3 and §4), the state of an
//! address, a contact and a sender as far as the enrollment rules read it, and the ordered
//! [`RuleSet`] that turns that state into a [`Decision`].
//!
//! Invariants: no I/O, no clock, no random numbers, no serde. Everything here is a pure function
//! of its arguments, so the simulator can call it millions of times a second and tests can call it
//! with hand-made states.

mod catalogue;
mod codes;
mod rules;
mod sender;
mod smtp;
mod state;

pub use catalogue::Catalogue;
pub use codes::{Outcome, RejectionCode, StepFailure};
pub use rules::{Check, Decision, GuardCode, RuleSet, RuleSetError, MAX_GUARDS};
pub use sender::{InboxProvider, SeatTier, SenderState};
pub use smtp::{LimitSide, ReplyClass, ReplyKind, SmtpReply};
pub use state::{AddressFlags, Conditions, ContactFlags};
