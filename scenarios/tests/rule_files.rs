//! Rule files (`rules/*.toml`): every file of the library loads, and every kind of mistake is
//! reported at once, naming the key and what is allowed.

use model::{Check, Decision, RejectionCode};
use scenarios::{parse_rules, ScenarioError};

/// The problems of rule file `text`, as (key, message); empty if it is valid.
fn problems(text: &str) -> Vec<(String, String)> {
    match parse_rules(text, "test.toml") {
        Ok(_) => Vec::new(),
        Err(ScenarioError::InvalidRules { problems, .. }) => {
            problems.into_iter().map(|p| (p.key, p.message)).collect()
        }
        Err(other) => panic!("{other}"),
    }
}

fn check(text: &str, expected: &[(&str, &str)]) {
    let got = problems(text);
    let got: Vec<(&str, &str)> = got.iter().map(|(k, m)| (k.as_str(), m.as_str())).collect();
    assert_eq!(got, expected, "the problems of:\n{text}");
}

const GUARD: &str = r#"
[[guards]]
code = "SENDER_BOUNCE_RATE_HIGH"
description = "too many bounces"
kind = "sender_bounce_rate"
window_hours = 168
threshold = 0.05
"#;

#[test]
fn every_library_rule_file_loads() {
    let mut files = 0;
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules")).unwrap() {
        let path = entry.unwrap().path();
        scenarios::load_rules(&path).unwrap_or_else(|e| panic!("{e}"));
        files += 1;
    }
    assert!(files >= 5, "{files} rule files");
}

#[test]
fn guards_go_after_the_pre_enrollment_blocks_without_an_order() {
    let book = parse_rules(GUARD, "test.toml").unwrap();
    let order = book.rules.order();
    let blocks = RejectionCode::PRE_ENROLLMENT_BLOCKS.len();
    assert_eq!(order[blocks], Check::Guard(0));
    assert_eq!(order.len(), RejectionCode::ALL.len() + 1);
    assert_eq!(
        book.rules.decision_name(Decision::Guarded(0)),
        "SENDER_BOUNCE_RATE_HIGH"
    );
}

#[test]
fn bad_rule_files_report_every_problem() {
    let order = r#"order = ["MISSING_EMAIL_ADDRESS", "NOT_A_CODE", "BOUNCED", "BOUNCED", "ALREADY_ENROLLED", "SENDER_BOUNCE_RATE_HIGH"]"#;
    let text = format!("{order}\n{GUARD}").replace("window_hours = 168", "window_hours = -1");
    let text = text.replace("threshold = 0.05", "threshold = 5");
    let allowed = RejectionCode::ALL
        .map(|c| format!("\"{}\"", c.name()))
        .join(", ");
    let not_a_code = format!("\"NOT_A_CODE\" is not an enrollment check; allowed: {allowed}, or a declared guard: \"SENDER_BOUNCE_RATE_HIGH\"");
    check(
        &text,
        &[
            (
                "guards[0].window_hours",
                "-1 is out of range; allowed: a positive whole number from 1 to 8760",
            ),
            (
                "guards[0].threshold",
                "5 is not a probability; allowed: a number from 0 to 1",
            ),
            ("order[1]", &not_a_code),
        ],
    );
    // Once every name is known: a duplicate, then a missing required check.
    check(
        r#"order = ["MISSING_EMAIL_ADDRESS", "BOUNCED", "BOUNCED", "ALREADY_ENROLLED"]"#,
        &[(
            "order",
            "BOUNCED is listed twice; allowed: each check at most once",
        )],
    );
    check(
        r#"order = ["BOUNCED", "ALREADY_ENROLLED"]"#,
        &[("order", "MISSING_EMAIL_ADDRESS is left out; every rule set must check MISSING_EMAIL_ADDRESS and ALREADY_ENROLLED")],
    );
}

#[test]
fn guard_codes_and_kinds_are_checked() {
    let text = format!("{GUARD}{GUARD}")
        .replacen("kind = \"sender_bounce_rate\"", "kind = \"cooldown\"", 1)
        .replacen(
            "code = \"SENDER_BOUNCE_RATE_HIGH\"",
            "code = \"BOUNCED\"",
            1,
        );
    check(
        &text,
        &[
            (
                "guards[0].code",
                "BOUNCED is a built-in code; allowed: a code of the guard's own",
            ),
            (
                "guards[0].window_hours",
                "not a key of a cooldown guard; allowed here: days",
            ),
            (
                "guards[0].threshold",
                "not a key of a cooldown guard; allowed here: days",
            ),
            ("guards[0]", "required key `days` is missing here"),
        ],
    );
    check(
        &GUARD.replace("SENDER_BOUNCE_RATE_HIGH", "lower case").replace("sender_bounce_rate", "moon_phase"),
        &[
            ("guards[0].code", "\"lower case\" is not spelled like a reason code; allowed: capitals, digits and underscores, starting with a capital (SENDER_BOUNCE_RATE_HIGH)"),
            ("guards[0].kind", "\"moon_phase\" is not a guard kind; allowed: \"sender_bounce_rate\", \"sender_complaint_rate\", \"domain_bounces\", \"cooldown\", \"daily_enrollment_cap\", \"recent_engagement\""),
        ],
    );
    let twice = format!("{GUARD}{GUARD}");
    check(
        &twice,
        &[(
            "guards[1].code",
            "SENDER_BOUNCE_RATE_HIGH names two guards; allowed: a code no other guard has",
        )],
    );
    let left_out = format!("order = [\"MISSING_EMAIL_ADDRESS\", \"ALREADY_ENROLLED\"]\n{GUARD}");
    check(&left_out, &[("order", "guard SENDER_BOUNCE_RATE_HIGH is declared but not in the order, so it would never block; allowed: an order listing every declared guard (or no order: guards go after the pre-enrollment blocks)")]);
}
