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
                "BOUNCED is a built-in code; allowed: a code of the check's own",
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
            "SENDER_BOUNCE_RATE_HIGH names two checks; allowed: a code no other guard or CEL check has",
        )],
    );
    let left_out = format!("order = [\"MISSING_EMAIL_ADDRESS\", \"ALREADY_ENROLLED\"]\n{GUARD}");
    check(&left_out, &[("order", "guard SENDER_BOUNCE_RATE_HIGH is declared but not in the order, so it would never block; allowed: an order listing every declared guard and CEL check (or no order: they go after the pre-enrollment blocks)")]);
}

#[test]
fn a_rate_guard_counts_its_window_in_hours_or_in_sends() {
    use sim::{GuardKind, RateWindow};
    let in_sends = GUARD.replace("window_hours = 168", "window_sends = 200\nmin_sends = 50");
    let book = parse_rules(&in_sends, "test.toml").unwrap();
    assert_eq!(
        book.guards[0].kind,
        GuardKind::SenderBounceRate {
            window: RateWindow::Sends(200),
            threshold: 0.05,
            min_sends: 50,
        }
    );
    let book = parse_rules(GUARD, "test.toml").unwrap();
    assert_eq!(
        book.guards[0].kind.rate().unwrap().0,
        RateWindow::Hours(168)
    );
    let exactly_one = |given| {
        format!("a rate guard's window is window_hours (the last N hours, 1 to 8760) or window_sends (the sender's last N sends, 1 to 1000000), exactly one of them, and {given}")
    };
    check(
        &GUARD.replace(
            "window_hours = 168",
            "window_hours = 168\nwindow_sends = 200",
        ),
        &[("guards[0].window_sends", &exactly_one("both are given"))],
    );
    check(
        &GUARD.replace("window_hours = 168", ""),
        &[("guards[0].window_hours", &exactly_one("neither is given"))],
    );
    check(
        &in_sends.replace("window_sends = 200", "window_sends = 20"),
        &[("guards[0].min_sends", "50 sends is more than the window's 20 (window_sends), so the guard could never hold; allowed: at most window_sends")],
    );
    check(
        &in_sends.replace("window_sends = 200", "window_sends = 0"),
        &[(
            "guards[0].window_sends",
            "0 is out of range; allowed: a positive whole number from 1 to 1000000",
        )],
    );
    let cooldown = "[[guards]]\ncode = \"C\"\ndescription = \"d\"\nkind = \"cooldown\"\ndays = 3\nwindow_sends = 9\n";
    check(
        cooldown,
        &[(
            "guards[0].window_sends",
            "not a key of a cooldown guard; allowed here: days",
        )],
    );
}

#[test]
fn an_unknown_key_of_a_rule_set_shows_how_a_guard_is_written() {
    let syntax = |table: &str| {
        let checks = table.replace("guards", "checks");
        format!("a guard is a [[{table}]] table with code (a reason code of its own, SENDER_BOUNCE_RATE_HIGH), description, kind, the kind's keys (sender_bounce_rate, sender_complaint_rate: window_hours or window_sends, threshold, min_sends; domain_bounces: bounces; cooldown, recent_engagement: days; daily_enrollment_cap: per_day) and optionally pause_hours; a CEL check is a [[{checks}]] table with code, description, when (a CEL expression, true refuses) and optionally action = \"pause\" with pause_hours")
    };
    check(
        "[[guard]]\ncode = \"A\"\n",
        &[(
            "guard",
            &format!(
                "unknown key; the keys allowed here are: description, order, guards, checks; {}",
                syntax("guards")
            ),
        )],
    );
    // In a scenario: under [rules], and a rule file's top-level [[guards]] pasted as it is.
    let default = scenarios::DEFAULT_SCENARIO;
    for (extra, key, place) in [
        ("\n[rules]\nguard = 3\n", "rules.guard", ""),
        (
            "\n[[guards]]\ncode = \"A\"\n",
            "guards",
            "a scenario declares guards under [rules]: ",
        ),
    ] {
        let text = format!("{default}{extra}");
        let Err(ScenarioError::Invalid { problems, .. }) = scenarios::parse(&text, "s.toml", "s")
        else {
            panic!("{extra} is invalid");
        };
        let problem = problems.iter().find(|p| p.key == key).expect(key);
        assert!(
            problem
                .message
                .starts_with("unknown key; the keys allowed here are: ")
                && problem
                    .message
                    .ends_with(&format!("; {place}{}", syntax("rules.guards"))),
            "{}",
            problem.message
        );
    }
}

#[test]
fn a_rule_file_is_told_from_a_scenario_by_its_keys() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/../rules");
    for entry in std::fs::read_dir(rules).unwrap() {
        assert!(scenarios::is_rule_file(&entry.unwrap().path()));
    }
    let library = concat!(env!("CARGO_MANIFEST_DIR"), "/library/default.toml");
    assert!(!scenarios::is_rule_file(std::path::Path::new(library)));
    assert!(!scenarios::is_rule_file(&file(
        "d.toml",
        "description = \"only\"\n"
    )));
    assert!(!scenarios::is_rule_file(&file("bad.toml", "order = [\n")));
    assert!(!scenarios::is_rule_file(&file(
        "mixed.toml",
        "seed = 1\n[[guards]]\n"
    )));
    assert!(scenarios::is_rule_file(&file(
        "o.toml",
        "order = [\"ALREADY_ENROLLED\"]\n"
    )));
}
