//! Evaluating a CEL check on one attempt's facts: the variables are resolved in place, by
//! their qualified names, from [`Facts`].

use cel::common::types::{CelBool, CelInt, CelString};
use cel::common::value::CowVal;
use cel::context::VariableResolver;
use cel::{Context, IdedExpr, Value};
use model::{AddressFlags, ContactFlags, InboxProvider, Outcome, SeatTier, SenderState};

#[cfg(test)]
use super::Type;
use super::{env, Expression, Problem, Reads, Variable};
use crate::engine::AttemptFacts;
use crate::scenario::Source;
use crate::time::Weekday;

/// The statistics an attempt's expressions may read (zero, or "never", when none reads them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Statistics {
    /// `contact.enrollments`.
    pub enrollments: u32,
    /// `contact.last_outcome`.
    pub last_outcome: Option<Outcome>,
    /// `contact.seconds_since_enrollment_end`; `None`: never.
    pub since_enrollment_end: Option<u32>,
    /// `contact.seconds_since_engagement`; `None`: never.
    pub since_engagement: Option<u32>,
    /// `domain.bounces`.
    pub domain_bounces: u32,
    /// `sender.sent_24h`.
    pub sent_24h: u32,
    /// `sender.sent_7d`.
    pub sent_7d: u32,
    /// `sender.bounces_7d`.
    pub bounces_7d: u32,
    /// `sender.complaints_7d`.
    pub complaints_7d: u32,
    /// `sender.enrolled_today`.
    pub enrolled_today: u32,
    /// `sender.bulk_enrolled_today`.
    pub bulk_enrolled_today: u32,
}

/// Everything an expression may read about one attempt.
#[derive(Clone, Copy, Debug)]
pub struct Facts<'a> {
    /// The attempt as the rules see it.
    pub attempt: &'a AttemptFacts,
    /// Its weekday.
    pub weekday: Weekday,
    /// The target sequence's name.
    pub sequence_name: &'a str,
    /// The target sequence's subscription type.
    pub subscription_type: &'a str,
    /// The enrolling user's inbox provider, if the user has an inbox.
    pub provider: Option<InboxProvider>,
    /// The statistics read.
    pub statistics: Statistics,
}

/// One variable's value.
enum Fact<'a> {
    Bool(bool),
    Int(i64),
    Str(&'a str),
}

fn never_or(seconds: Option<u32>) -> i64 {
    seconds.map_or(i64::MAX, i64::from)
}

impl<'a> Facts<'a> {
    /// The value of `v`.
    fn value(&self, v: Variable) -> Fact<'a> {
        use Variable as V;
        let a = self.attempt;
        let s = &self.statistics;
        let has_address = a.has_address();
        let flag = |f: ContactFlags| Fact::Bool(a.contact_flags.contains(f));
        let address = |f: AddressFlags| Fact::Bool(has_address && a.address.contains(f));
        let int = |n: u32| Fact::Int(i64::from(n));
        match v {
            V::TimeSeconds => int(a.time),
            V::TimeDay => int(a.time / crate::time::SECONDS_PER_DAY),
            V::TimeWeekday => Fact::Str(self.weekday.name()),
            V::Portal => int(a.portal),
            V::Source => Fact::Str(a.source.name()),
            V::SequenceIndex => int(a.sequence.into()),
            V::SequenceName => Fact::Str(self.sequence_name),
            V::SequenceStep => int(a.step.into()),
            V::SequenceSubscriptionType => Fact::Str(self.subscription_type),
            V::ContactId => int(a.contact),
            V::ContactHasAddress => Fact::Bool(has_address),
            V::ContactCannotCommunicate => flag(ContactFlags::CANNOT_COMMUNICATE),
            V::ContactBounced => flag(ContactFlags::BOUNCED),
            V::ContactBouncedOnPortal => flag(ContactFlags::BOUNCED_ON_PORTAL),
            V::ContactMarkedAsSpam => flag(ContactFlags::MARKED_AS_SPAM),
            V::ContactUnsubscribed => flag(ContactFlags::UNSUBSCRIBED),
            V::ContactUnsubscribedFromType => flag(ContactFlags::UNSUBSCRIBED_PERSONAL),
            V::ContactEnrollments => int(s.enrollments),
            V::ContactLastOutcome => Fact::Str(s.last_outcome.map_or("", Outcome::name)),
            V::ContactSecondsSinceEnrollmentEnd => Fact::Int(never_or(s.since_enrollment_end)),
            V::ContactSecondsSinceEngagement => Fact::Int(never_or(s.since_engagement)),
            V::AddressBlockedAddress => address(AddressFlags::BLOCKED_ADDRESS),
            V::AddressBlockedDomain => address(AddressFlags::BLOCKED_DOMAIN),
            V::AddressBouncedOnAnotherAccount => address(AddressFlags::BOUNCED_GLOBALLY),
            V::DomainBounces => int(s.domain_bounces),
            V::SenderUser => int(a.user),
            V::SenderSeat => Fact::Str(a.sender.seat.name()),
            V::SenderProvider => Fact::Str(self.provider.map_or("none", InboxProvider::name)),
            V::SenderInboxConnected => Fact::Bool(a.sender.inbox_connected),
            V::SenderSequencesDailyLimitFull => Fact::Bool(a.sender.daily_limit_full),
            V::SenderSent24h => int(s.sent_24h),
            V::SenderSent7d => int(s.sent_7d),
            V::SenderBounces7d => int(s.bounces_7d),
            V::SenderComplaints7d => int(s.complaints_7d),
            V::SenderEnrolledToday => int(s.enrolled_today),
            V::SenderBulkEnrolledToday => int(s.bulk_enrolled_today),
            V::EnrollmentAlreadyEnrolled => Fact::Bool(a.already_enrolled),
            V::EnrollmentProviderRejectedInSequence => {
                Fact::Bool(a.rejected_in_sequence && has_address)
            }
        }
    }
}

impl Facts<'_> {
    /// A word that tells the values of `v` apart within one portal's run: the value itself,
    /// and for a name the index of the thing it names (a sequence's name and subscription type
    /// by the sequence's index, which determines both).
    pub(super) fn key(&self, v: Variable) -> u64 {
        use Variable as V;
        let a = self.attempt;
        let name = |index: Option<usize>| index.map_or(u64::MAX, |i| i as u64);
        match self.value(v) {
            Fact::Bool(b) => u64::from(b),
            Fact::Int(n) => n as u64,
            Fact::Str(_) => match v {
                V::TimeWeekday => name(Some(self.weekday.index())),
                V::Source => name(Some(a.source.index())),
                V::SequenceName | V::SequenceSubscriptionType => u64::from(a.sequence),
                V::ContactLastOutcome => name(self.statistics.last_outcome.map(Outcome::index)),
                V::SenderSeat => name(Some(a.sender.seat.index())),
                V::SenderProvider => name(self.provider.map(InboxProvider::index)),
                _ => unreachable!("{} is not a name", v.name()),
            },
        }
    }

    /// The value of `v` as CEL writes it: `true`, `41`, `"gmail"`.
    pub fn show(&self, v: Variable) -> String {
        match self.value(v) {
            Fact::Bool(b) => b.to_string(),
            Fact::Int(n) => n.to_string(),
            Fact::Str(s) => format!("{s:?}"),
        }
    }
}

/// One variable's value as the interpreter reads it: in place, no allocation per lookup.
enum Slot<'a> {
    Unbound,
    Bool(CelBool),
    Int(CelInt),
    Str(CelString<'a>),
}

/// The values of the variables an expression reads, on one attempt, as the interpreter
/// resolves them. A variable is the identifier [`Variable::token`] names it by in a compiled
/// tree.
pub(super) struct Bindings<'a> {
    slots: [Slot<'a>; Variable::ALL.len()],
}

impl<'a> Facts<'a> {
    /// The values of the variables of `reads`.
    pub(super) fn bind(&self, reads: Reads) -> Bindings<'a> {
        let mut slots = [const { Slot::Unbound }; Variable::ALL.len()];
        for v in reads.iter() {
            slots[v.index()] = match self.value(v) {
                Fact::Bool(b) => Slot::Bool(CelBool::from(b)),
                Fact::Int(n) => Slot::Int(CelInt::from(n)),
                Fact::Str(s) => Slot::Str(CelString::from(s)),
            };
        }
        Bindings { slots }
    }
}

impl VariableResolver for Bindings<'_> {
    fn resolve<'b>(&'b self, name: &str) -> Option<CowVal<'b, 'b>> {
        let index: usize = name.strip_prefix(Variable::TOKEN_MARK)?.parse().ok()?;
        let val: &dyn cel::common::value::Val = match self.slots.get(index)? {
            Slot::Unbound => return None,
            Slot::Bool(b) => b,
            Slot::Int(n) => n,
            Slot::Str(s) => s,
        };
        Some(CowVal::Borrowed(val))
    }
}

/// Whether `tree` evaluates to true on `bindings` (of every variable it reads); an error or a
/// non-bool is the error's text.
pub(super) fn holds(tree: &IdedExpr, bindings: &Bindings) -> Result<bool, String> {
    let mut context = Context::with_env(env().clone());
    context.set_variable_resolver(bindings);
    match Value::resolve(tree, &context) {
        Ok(Value::Bool(b)) => Ok(b),
        Ok(other) => Err(format!(
            "it evaluates to {}, not a bool; allowed: an expression of type bool (true refuses the attempt)",
            type_name(&other)
        )),
        Err(e) => Err(e.to_string()),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Int(_) => "an int",
        Value::UInt(_) => "a uint",
        Value::Float(_) => "a double",
        Value::String(_) => "a string",
        Value::Null => "null",
        Value::List(_) => "a list",
        Value::Map(_) => "a map",
        _ => "a value of another type",
    }
}

/// The facts of the probes: every flag clear and every count zero (a new contact's first
/// attempt), then every flag set and every count large (a contact with a long history).
fn probe_attempts() -> [(AttemptFacts, Statistics, Option<InboxProvider>); 2] {
    let mut flags = ContactFlags::EMPTY;
    ContactFlags::ALL.iter().for_each(|(f, _)| flags.insert(*f));
    let mut address = AddressFlags::EMPTY;
    AddressFlags::ALL
        .iter()
        .for_each(|(f, _)| address.insert(*f));
    let clear = AttemptFacts {
        time: 0,
        portal: 0,
        contact: 0,
        user: 0,
        source: Source::CrmSingle,
        sequence: 0,
        step: 0,
        address: AddressFlags::EMPTY,
        contact_flags: ContactFlags::EMPTY,
        sender: SenderState::new(SeatTier::Free, false),
        rejected_in_sequence: false,
        already_enrolled: false,
        guards: 0,
    };
    let set = AttemptFacts {
        time: 30 * crate::time::SECONDS_PER_DAY + 3_600,
        portal: 3,
        contact: 4_000,
        user: 7,
        source: Source::CrmBulk,
        step: 2,
        address,
        contact_flags: flags,
        sender: SenderState::new(SeatTier::Enterprise, true).with_daily_limit_full(true),
        rejected_in_sequence: true,
        already_enrolled: true,
        ..clear
    };
    let many = Statistics {
        enrollments: 5,
        last_outcome: Some(Outcome::Finished),
        since_enrollment_end: Some(86_400),
        since_engagement: Some(3_600),
        domain_bounces: 9,
        sent_24h: 400,
        sent_7d: 2_000,
        bounces_7d: 40,
        complaints_7d: 3,
        enrolled_today: 60,
        bulk_enrolled_today: 50,
    };
    [
        (clear, Statistics::default(), None),
        (set, many, Some(InboxProvider::Gmail)),
    ]
}

/// The problems the probes find: an error, or a value that is not a bool.
pub(super) fn probe(expression: &Expression) -> Vec<Problem> {
    for (attempt, statistics, provider) in probe_attempts() {
        let facts = Facts {
            attempt: &attempt,
            weekday: Weekday::Monday,
            sequence_name: "probe",
            subscription_type: "sales_email",
            provider,
            statistics,
        };
        if let Err(message) = expression.holds(&facts) {
            let message = match message.contains("not a bool") {
                true => message,
                false => format!("{message}, on probe facts with {}; allowed: an expression every attempt can evaluate", probe_name(provider)),
            };
            // One probe's error is enough: the next would most often repeat it.
            return vec![Problem { offset: 0, message }];
        }
    }
    Vec::new()
}

fn probe_name(provider: Option<InboxProvider>) -> &'static str {
    match provider {
        None => "every flag false, every count 0",
        Some(_) => "every flag true, every count above 0",
    }
}

/// The type each variable resolves to, checked by the tests against [`Variable::kind`].
#[cfg(test)]
pub(super) fn resolved_type(facts: &Facts, v: Variable) -> Type {
    match facts.value(v) {
        Fact::Bool(_) => Type::Bool,
        Fact::Int(_) => Type::Int,
        Fact::Str(_) => Type::String,
    }
}
