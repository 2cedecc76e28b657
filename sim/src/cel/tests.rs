//! The CEL checks' compile-time checks and evaluation, on hand-written expressions and facts.

use model::{AddressFlags, ContactFlags, InboxProvider, Outcome, SeatTier, SenderState};
use proptest::prelude::*;

use super::eval::resolved_type;
use super::*;
use crate::engine::AttemptFacts;
use crate::scenario::Source;
use crate::time::Weekday;

fn problems(source: &str) -> Vec<Problem> {
    Expression::compile(source).expect_err(source)
}

/// A hand-made attempt: contact 12 of portal 1, day 2 at 10:00, bulk, a bounced record with
/// an address on a blocked domain, an enterprise user on Gmail, enrolled twice before, the
/// last enrollment FINISHED an hour ago, never engaged.
fn attempt() -> AttemptFacts {
    let mut flags = ContactFlags::EMPTY;
    flags.insert(ContactFlags::BOUNCED);
    AttemptFacts {
        time: 2 * 86_400 + 10 * 3_600,
        portal: 1,
        contact: 12,
        user: 4,
        source: Source::CrmBulk,
        sequence: 1,
        step: 0,
        address: AddressFlags::BLOCKED_DOMAIN,
        contact_flags: flags,
        sender: SenderState::new(SeatTier::Enterprise, true),
        rejected_in_sequence: false,
        already_enrolled: false,
        guards: 0,
    }
}

fn facts(attempt: &AttemptFacts) -> Facts<'_> {
    Facts {
        attempt,
        weekday: Weekday::Wednesday,
        sequence_name: "four-touch",
        subscription_type: "sales_email",
        provider: Some(InboxProvider::Gmail),
        statistics: Statistics {
            enrollments: 2,
            last_outcome: Some(Outcome::Finished),
            since_enrollment_end: Some(3_600),
            since_engagement: None,
            sent_24h: 41,
            ..Statistics::default()
        },
    }
}

fn eval(source: &str, facts: &Facts) -> bool {
    Expression::compile(source)
        .unwrap_or_else(|p| panic!("{source}: {p:?}"))
        .holds(facts)
        .unwrap()
}

#[test]
fn the_variables_read_the_attempt_as_written_by_hand() {
    let a = attempt();
    let f = facts(&a);
    for (expression, want) in [
        (
            "time.seconds == 208800 && time.day == 2 && time.weekday == 'Wed'",
            true,
        ),
        ("portal == 1 && contact.id == 12 && sender.user == 4", true),
        (
            "source == 'crm_bulk' && sequence.index == 1 && sequence.step == 0",
            true,
        ),
        (
            "sequence.name == 'four-touch' && sequence.subscription_type == 'sales_email'",
            true,
        ),
        (
            "contact.has_address && contact.bounced && !contact.marked_as_spam",
            true,
        ),
        ("address.blocked_domain && !address.blocked_address", true),
        (
            "sender.seat == 'enterprise' && sender.provider == 'gmail'",
            true,
        ),
        (
            "sender.inbox_connected && !sender.sequences_daily_limit_full",
            true,
        ),
        (
            "contact.enrollments == 2 && contact.last_outcome == 'FINISHED'",
            true,
        ),
        ("contact.seconds_since_enrollment_end == 3600", true),
        // Never engaged: as if infinitely long ago.
        (
            "contact.seconds_since_engagement == 9223372036854775807",
            true,
        ),
        ("contact.seconds_since_engagement < 30 * 86400", false),
        ("sender.sent_24h >= 40 && sender.bounces_7d == 0", true),
        (
            "enrollment.already_enrolled || enrollment.provider_rejected_in_sequence",
            false,
        ),
        (
            "['crm_bulk', 'gmail_extension'].exists(s, s == source)",
            true,
        ),
    ] {
        assert_eq!(eval(expression, &f), want, "{expression}");
    }
}

#[test]
fn without_an_address_the_address_facts_are_false() {
    let mut a = attempt();
    a.contact_flags.insert(ContactFlags::MISSING_EMAIL);
    assert!(!a.has_address());
    let f = facts(&a);
    assert!(!eval("contact.has_address", &f));
    assert!(!eval("address.blocked_domain", &f), "set, but no address");
}

#[test]
fn every_variable_resolves_to_the_type_the_table_gives() {
    let a = attempt();
    let f = facts(&a);
    for v in Variable::ALL {
        assert_eq!(resolved_type(&f, v), v.kind(), "{}", v.name());
        let probe = match v.kind() {
            Type::Bool => format!("{} || true", v.name()),
            Type::Int => format!("{} >= 0 || true", v.name()),
            Type::String => format!("{} != 'x' || true", v.name()),
        };
        let e = Expression::compile(&probe).unwrap_or_else(|p| panic!("{probe}: {p:?}"));
        assert_eq!(e.reads(), Reads::NONE.with(v), "{probe}");
    }
}

#[test]
fn reads_are_the_variables_named_and_no_bound_name() {
    let e = Expression::compile(
        "contact.enrollments > 1 && [1, 2].exists(x, x == sender.sent_24h) && [3].all(y, y > 0)",
    )
    .unwrap();
    let read: Vec<&str> = e.reads().iter().map(Variable::name).collect();
    assert_eq!(read, ["contact.enrollments", "sender.sent_24h"]);
}

#[test]
fn problems_say_what_and_where() {
    for (source, message, offset) in [
        (
            "contact.bounce",
            "contact has no field bounce; allowed: id, has_address",
            0,
        ),
        (
            "true && foo.bar",
            "unknown variable foo; allowed: time, portal",
            8,
        ),
        ("1 == 1 && sender", "sender is an object, not a value", 10),
        ("sender.sent_24h >", "Syntax error", 17),
        (
            "sender.sent_24h + 1",
            "it evaluates to an int, not a bool",
            0,
        ),
        (
            "contact.bounced > 3",
            "no matching overload for '_>_' applied to '(bool, int)'",
            0,
        ),
        ("1 / sender.sent_24h > 0", "Division by zero", 0),
        ("{'a': 1}.a == 1", "a map or message literal", 0),
    ] {
        let found = problems(source);
        assert!(
            found
                .iter()
                .any(|p| p.message.contains(message) && p.offset == offset),
            "{source}: {found:?}"
        );
    }
}

#[test]
fn every_problem_of_an_expression_is_reported_in_text_order() {
    let found = problems("nope && contact.nope || sender.nope");
    let offsets: Vec<usize> = found.iter().map(|p| p.offset).collect();
    assert_eq!(offsets, [0, 8, 24], "{found:?}");
}

#[test]
fn size_and_depth_are_limited() {
    let long = format!("true{}", " || true".repeat(MAX_EXPRESSION_BYTES / 8));
    assert!(long.len() > MAX_EXPRESSION_BYTES);
    assert!(problems(&long)[0].message.contains("at most 4096"));
    let deep = format!("{}true{}", "(!".repeat(40), ")".repeat(40));
    assert!(deep.len() < MAX_EXPRESSION_BYTES);
    let found = problems(&deep);
    assert!(found[0].message.contains("deeper than 32"), "{found:?}");
    let shallow = format!("{}true{}", "(!".repeat(10), ")".repeat(10));
    assert!(Expression::compile(&shallow).is_ok());
}

/// Text made of CEL's own pieces, so that random text often parses and reaches the later checks.
fn cel_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("contact.bounced".to_owned()),
        Just("sender.sent_24h".to_owned()),
        Just("source".to_owned()),
        Just("contact".to_owned()),
        Just("foo.bar".to_owned()),
        Just(" && ".to_owned()),
        Just(" || ".to_owned()),
        Just(" > ".to_owned()),
        Just(" / ".to_owned()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just("!".to_owned()),
        Just("3".to_owned()),
        Just("0".to_owned()),
        Just("'x'".to_owned()),
        Just(".exists(x, x".to_owned()),
        Just("[1, 2]".to_owned()),
        Just("{".to_owned()),
        "\\PC{0,3}",
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn random_text_is_compiled_or_refused_with_problems_never_a_panic(
        text in prop_oneof![cel_like(), "\\PC{0,60}"],
    ) {
        match Expression::compile(&text) {
            Ok(e) => {
                let a = attempt();
                // A compiled expression evaluates (to a bool or an error), never panics.
                let _ = e.holds(&facts(&a));
            }
            Err(found) => {
                prop_assert!(!found.is_empty());
                for p in found {
                    prop_assert!(p.offset <= text.len() && text.is_char_boundary(p.offset));
                    prop_assert!(!p.message.is_empty());
                }
            }
        }
    }
}
