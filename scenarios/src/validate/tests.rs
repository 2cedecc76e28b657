//! Data-driven validation tests: scenario text in, the exact problems (key, message) out.
//!
//! Each fixture is [`BASE`], a small valid scenario, with one edit or a few; [`check`] compares
//! every problem validation reports, in order. The CLI tests only check that the binary shows
//! these problems; the details live here.

use super::validate;
use crate::key::{field, Key};

/// A small valid scenario; every other fixture edits it.
const BASE: &str = r#"seed = 7

[population]
contacts = 100

[[sequences]]
name = "intro"
steps = [{ kind = "automated_email" }, { kind = "task", delay_days = 2 }]

[[senders]]
count = 2
seat = "professional"
inbox = "gmail"

[plan]
business_days = 5
"#;

/// Validates `text` and checks that the problems are exactly `expected`, as (key, message).
fn check(text: &str, expected: &[(&str, &str)]) {
    let problems = match validate(text, "fixture") {
        Ok(scenario) => {
            scenario.assert_valid();
            Vec::new()
        }
        Err(problems) => problems,
    };
    let got: Vec<(&str, &str)> = (problems.iter())
        .map(|p| (p.key.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(got, expected, "the problems of:\n{text}");
}

/// [`BASE`] with each `(from, to)` replaced; each `from` must occur exactly once.
fn edit(edits: &[(&str, &str)]) -> String {
    let mut text = BASE.to_owned();
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "{from:?} in:\n{text}");
        text = text.replacen(from, to, 1);
    }
    text
}

/// [`BASE`] with `tables` appended.
fn with(tables: &str) -> String {
    format!("{BASE}\n{tables}")
}

#[test]
fn a_valid_file_has_no_problems() {
    check(BASE, &[]);
    let scenario = validate(BASE, "fixture").unwrap();
    assert_eq!(scenario.name, "fixture");
    assert_eq!(scenario.seed, 7);
    assert_eq!(scenario.sequences[0].steps.len(), 2);
}

#[test]
fn every_library_file_is_valid() {
    check(crate::DEFAULT_SCENARIO, &[]);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("library");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") && !path.ends_with("Cargo.toml") {
            check(&std::fs::read_to_string(&path).unwrap(), &[]);
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} scenario files");
}

#[test]
fn syntax_errors_are_one_problem() {
    let problems = validate("seed = 1\n[population\ncontacts = 3\n", "fixture").unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].key, "");
    assert!(problems[0].message.starts_with("not valid TOML: "));
    assert!(problems[0].message.contains("line 2"));
    assert!(!problems[0].message.contains('\n'));
}

#[test]
fn unknown_keys_are_all_reported() {
    check(
        &edit(&[
            ("seed = 7\n", "seed = 7\nmystery = true\n"),
            ("contacts = 100\n", "contacts = 100\ncolour = \"blue\"\n"),
            ("business_days = 5\n", "business_dayz = 3\nbusiness_days = 5\n"),
        ]),
        &[
            ("mystery", "unknown key; the keys allowed here are: name, description, seed, calendar, population, senders, sequences, plan, rules, sending, engagement, disconnections, tasks, reenrollment"),
            // In the order serde meets them: the tables' keys sorted.
            ("plan.business_dayz", "unknown key; the keys allowed here are: business_days, working_hours, coverage, second_enrollment, sources, bulk_size_max"),
            ("population.colour", "unknown key; the keys allowed here are: contacts, portals, domains, shared_persons, duplicate_contacts, mailbox_providers, subscription_types, rates"),
        ],
    );
}

#[test]
fn a_wrong_type_is_reported_in_the_file_s_terms() {
    check(
        &edit(&[("contacts = 100", "contacts = \"many\"")]),
        &[(
            "population.contacts",
            "invalid type: string \"many\", expected a whole number",
        )],
    );
    check(
        &edit(&[("seed = 7", "seed = -1")]),
        &[(
            "seed",
            "-1 is not a seed; allowed: a whole number from 0 to 18446744073709551615 (2^64 - 1), written as a TOML integer or, above 9223372036854775807, as a string: \"18446744073709551615\" or \"0xffffffffffffffff\"",
        )],
    );
    check(
        &with("[tasks]\ncompletion_hours = 3\n"),
        &[(
            "tasks.completion_hours",
            "invalid type: integer `3`, expected an array",
        )],
    );
}

#[test]
fn counts_out_of_range_are_reported() {
    check(
        &edit(&[
            ("contacts = 100", "contacts = 0"),
            ("count = 2", "count = -2"),
            ("business_days = 5", "business_days = 0"),
        ]),
        &[
            (
                "population.contacts",
                "0 is out of range; allowed: a positive whole number from 1 to 100000000",
            ),
            (
                "senders[0].count",
                "-2 is out of range; allowed: a positive whole number from 1 to 1000000",
            ),
            (
                "plan.business_days",
                "0 is out of range; allowed: a positive whole number from 1 to 3650",
            ),
        ],
    );
    check(
        &with("[sending]\nper_minute_limit = 11\nstagger_seconds = -1\n"),
        &[
            (
                "sending.stagger_seconds",
                "-1 is out of range; allowed: a whole number from 0 to 3600",
            ),
            (
                "sending.per_minute_limit",
                "11 is out of range; allowed: a positive whole number from 1 to 10",
            ),
        ],
    );
}

#[test]
fn impossible_probabilities_are_reported() {
    check(
        &edit(&[
            (
                "contacts = 100\n",
                "contacts = 100\n[population.rates]\ninvalid_address = 1.5\n",
            ),
            (
                "business_days = 5\n",
                "business_days = 5\ncoverage = -0.1\n",
            ),
        ]),
        &[
            (
                "population.rates.invalid_address",
                "1.5 is not a probability; allowed: a number from 0 to 1",
            ),
            (
                "plan.coverage",
                "-0.1 is not a probability; allowed: a number from 0 to 1",
            ),
        ],
    );
    check(
        &with("[engagement]\nreply = 0.7\nspam_complaint = 0.6\n"),
        &[(
            "engagement",
            "reply + meeting_booked + unsubscribe + spam_complaint + out_of_office = 1.2999999999999998; allowed: at most 1 (one reaction per email)",
        )],
    );
}

#[test]
fn shares_must_sum_to_one() {
    check(
        &with("[plan.sources]\ncrm_single = 0.5\ncrm_bulk = 0.2\n"),
        &[(
            "plan.sources",
            "crm_single + crm_bulk + gmail_extension = 0.7; the shares must sum to 1",
        )],
    );
    let providers = "[[population.mailbox_providers]]\nname = \"a\"\nshare = 0.5\nsoft_bounce = 0.6\npolicy_rejection = 0.6\n";
    check(
        &edit(&[("contacts = 100\n", &format!("contacts = 100\n{providers}"))]),
        &[
            (
                "population.mailbox_providers[0].policy_rejection",
                "soft_bounce + policy_rejection exceeds 1; allowed: probabilities of one answer, summing to at most 1",
            ),
            (
                "population.mailbox_providers",
                "the shares sum to 0.5; allowed: shares summing to 1",
            ),
        ],
    );
}

#[test]
fn unknown_names_list_the_catalogue() {
    check(
        &edit(&[
            ("seat = \"professional\"", "seat = \"platinum\""),
            ("inbox = \"gmail\"", "inbox = \"aol\""),
            ("kind = \"task\"", "kind = \"fax\""),
        ]),
        &[
            ("sequences[0].steps[1].kind", "\"fax\" is not a step kind; allowed: \"automated_email\", \"manual_email\", \"task\""),
            ("senders[0].seat", "\"platinum\" is not a seat; allowed: \"free\", \"starter\", \"professional\", \"enterprise\""),
            ("senders[0].inbox", "\"aol\" is not an inbox; allowed: \"gmail\", \"google_workspace\", \"microsoft_365\", \"outlook_com\", \"exchange\", \"other\", or \"none\" for no connected inbox"),
        ],
    );
    check(
        &with("[rules]\norder = [\"BOUNCED\", \"NOT_A_CODE\"]\n\n[reenrollment]\npolicy = \"sometimes\"\n"),
        &[
            ("rules.order[1]", "\"NOT_A_CODE\" is not an enrollment check; allowed: \"MISSING_EMAIL_ADDRESS\", \"NO_CONNECTED_INBOX\", \"CANNOT_COMMUNICATE\", \"SEAT_NOT_ELIGIBLE\", \"SEQUENCES_DAILY_LIMIT_REACHED\", \"BLOCKED_ADDRESS\", \"BLOCKED_DOMAIN\", \"BOUNCED\", \"RECIPIENT_PREVIOUSLY_BOUNCED_ON_PORTAL\", \"RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY\", \"PREVIOUSLY_MARKED_AS_SPAM\", \"OTHER_SEND_REJECTED\", \"UNSUBSCRIBED\", \"UNSUBSCRIBED_PERSONAL\", \"ALREADY_ENROLLED\""),
            ("reenrollment.policy", "\"sometimes\" is not a policy; allowed: \"none\", \"resume\""),
        ],
    );
    check(
        &with("[[disconnections.outages]]\ndate = \"2026-01-06\"\nstart = \"09:00\"\nhours = 2\ninbox = \"aol\"\n"),
        &[(
            "disconnections.outages[0].inbox",
            "\"aol\" is not an inbox provider; allowed: \"gmail\", \"google_workspace\", \"microsoft_365\", \"outlook_com\", \"exchange\", \"other\", or \"all\"",
        )],
    );
}

#[test]
fn rule_orders_name_each_check_once_and_the_required_ones() {
    check(
        &with("[rules]\norder = [\"MISSING_EMAIL_ADDRESS\", \"BOUNCED\", \"BOUNCED\", \"ALREADY_ENROLLED\"]\n"),
        &[(
            "rules.order",
            "BOUNCED is listed twice; allowed: each check at most once",
        )],
    );
    check(
        &with("[rules]\norder = [\"BOUNCED\", \"ALREADY_ENROLLED\"]\n"),
        &[(
            "rules.order",
            "MISSING_EMAIL_ADDRESS is left out; every rule set must check MISSING_EMAIL_ADDRESS and ALREADY_ENROLLED",
        )],
    );
}

#[test]
fn missing_tables_are_reported_with_every_other_problem() {
    let without_plan = BASE.split("[plan]").next().unwrap();
    check(
        &without_plan.replace("contacts = 100", "contacts = 0"),
        &[
            (
                "population.contacts",
                "0 is out of range; allowed: a positive whole number from 1 to 100000000",
            ),
            ("", "required key `plan` is missing here"),
        ],
    );
    check(
        "mystery = 1\n",
        &[
            ("mystery", "unknown key; the keys allowed here are: name, description, seed, calendar, population, senders, sequences, plan, rules, sending, engagement, disconnections, tasks, reenrollment"),
            ("", "required key `seed` is missing here"),
            ("", "required key `population` is missing here"),
            ("sequences", "0 sequences given; allowed: 1 to 16 [[sequences]] tables, each with a name and steps"),
            ("senders", "no senders; allowed: one or more [[senders]] tables with count, seat and inbox"),
            ("", "required key `plan` is missing here"),
        ],
    );
}

#[test]
fn many_problems_of_one_file_are_reported_at_once() {
    let text = edit(&[
        ("seed = 7\n", "seed = 7\n[calendar]\nstart = \"2026-13-01\"\nhorizon_days = 4000\n"),
        ("name = \"intro\"", "name = \"intro\"\nsend_window = [\"17:00\", \"09:00\"]"),
        ("{ kind = \"automated_email\" }", "{ kind = \"automated_email\", delay_days = 1 }"),
        ("inbox = \"gmail\"", "inbox = \"gmail\"\nportal = 3\nsequence = \"outro\""),
        ("business_days = 5", "business_days = 5\nworking_hours = [18, 8]\nbulk_size_max = 51"),
    ]) + "\n[disconnections]\nreconnect_hours = [5, 2]\n\n[[disconnections.outages]]\ndate = \"2027-01-01\"\nstart = \"25:00\"\nhours = 0\n\n[reenrollment]\npolicy = \"resume\"\ndelay_hours = 0\n";
    check(
        &text,
        &[
            ("calendar.start", "\"2026-13-01\" is not a date; write it as \"YYYY-MM-DD\", for example \"2026-01-05\""),
            ("calendar.horizon_days", "4000 is out of range; allowed: a positive whole number from 1 to 3650"),
            ("sequences[0].steps[0].delay_days", "1: the first step executes at enrollment; allowed: 0"),
            ("sequences[0].send_window", "[\"17:00\", \"09:00\"] is not a window; allowed: [\"HH:MM\", \"HH:MM\"] with the start before the end, for example [\"08:00\", \"17:30\"]"),
            ("senders[0].portal", "3 is not a portal; allowed: a portal number from 0 to population.portals - 1 = 0"),
            ("senders[0].sequence", "\"outro\" is not a sequence of this file; allowed: \"intro\""),
            ("plan.working_hours", "[18, 8] is not a span of hours; write [start, end] with 0 <= start < end <= 24, for example [8, 18]"),
            ("plan.bulk_size_max", "51 is out of range; allowed: a positive whole number from 1 to 50"),
            ("disconnections.reconnect_hours", "[5, 2] is not a span; allowed: [low, high] with 0 <= low <= high <= 720"),
            ("disconnections.outages[0].start", "\"25:00\" is not a time of day; write it as \"HH:MM\", for example \"09:30\""),
            ("disconnections.outages[0].hours", "0 is out of range; allowed: a number of hours above 0, up to 720"),
            ("reenrollment.delay_hours", "0 is out of range; allowed: a positive whole number from 1 to 8760"),
        ],
    );
}

#[test]
fn sequences_and_senders_are_checked_as_a_whole() {
    let second = "\n[[sequences]]\nname = \"intro\"\nsteps = []\n";
    check(
        &edit(&[("\n[[senders]]", &format!("{second}\n[[senders]]"))]),
        &[
            (
                "sequences[1].name",
                "\"intro\" names two sequences; allowed: a name no other sequence has",
            ),
            (
                "sequences[1].steps",
                "a sequence needs at least one step ([[sequences.steps]] with kind and delay_days)",
            ),
        ],
    );
}

#[test]
fn dates_are_checked_against_the_calendar() {
    check(
        &with("[calendar]\nhorizon_days = 4\n\n[[disconnections.outages]]\ndate = \"2026-01-12\"\nstart = \"09:00\"\nhours = 1\n"),
        &[
            ("disconnections.outages[0].date", "\"2026-01-12\" is outside the simulated days; allowed: a date from calendar.start to 3 days after it"),
            ("plan.business_days", "5 business days do not fit in calendar.horizon_days = 4; allowed: at most 4"),
        ],
    );
}

#[test]
fn keys_are_spelled_from_field_names() {
    struct Inner {
        horizon_days: i64,
    }
    struct Outer {
        calendar: Inner,
    }
    let raw = Outer {
        calendar: Inner { horizon_days: 3 },
    };
    let (key, value) = field!(Key::root().index(2), raw.calendar.horizon_days);
    assert_eq!(key.to_string(), "[2].calendar.horizon_days");
    assert_eq!(*value, 3);
    let (parent, name) = key.parent_and_name();
    assert_eq!(
        (parent.to_string().as_str(), name),
        ("[2].calendar", "horizon_days")
    );
    // A field's Rust name is its TOML key only as long as the raw structs never rename one.
    let raw_rs = include_str!("../raw.rs");
    assert!(!raw_rs.contains(&["ren", "ame"].concat()));
}

#[test]
fn the_source_shares_are_the_catalogue_s_sources() {
    // Every plan source is a key of `[plan.sources]`; re-enrollments are not planned.
    for source in sim::Source::ALL {
        let text = with(&format!("[plan.sources]\n{} = 0\n", source.name()));
        let problems = validate(&text, "fixture").err().unwrap_or_default();
        let unknown = problems
            .iter()
            .any(|p| p.message.starts_with("unknown key"));
        assert_eq!(
            unknown,
            source == sim::Source::ReEnrollment,
            "{}",
            source.name()
        );
    }
}

#[test]
fn subscription_types_are_checked() {
    // A sequence names a declared type; declared types replace rates.unsubscribed_personal.
    check(
        &edit(&[
            ("contacts = 100\n", "contacts = 100\nrates = { unsubscribed_personal = 0.1 }\n\n[[population.subscription_types]]\nname = \"sales\"\nunsubscribed_personal = 1.5\n\n[[population.subscription_types]]\nname = \"sales\"\n"),
            ("name = \"intro\"\n", "name = \"intro\"\nsubscription_type = \"news\"\n"),
        ]),
        &[
            ("population.rates.unsubscribed_personal", "with [[population.subscription_types]] declared, each type states its own unsubscribed_personal; allowed: no rates.unsubscribed_personal"),
            ("population.subscription_types[0].unsubscribed_personal", "1.5 is not a probability; allowed: a number from 0 to 1"),
            ("population.subscription_types[1].name", "\"sales\" names two types; allowed: a name no other type has"),
            ("sequences[0].subscription_type", "\"news\" is not a subscription type of the population; allowed: \"sales\", \"sales\""),
        ],
    );
    // Without declared types there is one, sales_email.
    check(
        &edit(&[(
            "name = \"intro\"\n",
            "name = \"intro\"\nsubscription_type = \"sales\"\n",
        )]),
        &[(
            "sequences[0].subscription_type",
            "\"sales\" is not a subscription type of the population; allowed: \"sales_email\"",
        )],
    );
    let two = edit(&[
        ("contacts = 100\n", "contacts = 100\n\n[[population.subscription_types]]\nname = \"sales\"\nunsubscribed_personal = 0.1\n\n[[population.subscription_types]]\nname = \"news\"\n"),
        ("name = \"intro\"\n", "name = \"intro\"\nsubscription_type = \"news\"\n"),
    ]);
    let scenario = validate(&two, "fixture").expect("valid");
    assert_eq!(scenario.sequences[0].subscription_type, 1);
    assert_eq!(
        scenario.population.subscription_types[0].unsubscribed_personal,
        0.1
    );
}

#[test]
fn remedies_are_checked_and_default_to_the_article() {
    check(
        &with("[reenrollment]\npolicy = \"resume\"\n\n[reenrollment.send_limit_reached]\nresume_at = \"later\"\nshare = -1\n\n[reenrollment.send_failure]\nretry_from = \"gmail\"\ndelay_minutes = 0\n\n[reenrollment.gmail_send_error]\nretry_from = \"outlook\"\n"),
        &[
            ("reenrollment.send_limit_reached.share", "-1 is not a probability; allowed: a number from 0 to 1"),
            ("reenrollment.send_limit_reached.resume_at", "\"later\" is not a step to resume at; allowed: \"next\", \"same\", \"first\""),
            ("reenrollment.send_failure.delay_minutes", "0 is out of range; allowed: a positive whole number from 1 to 525600"),
            ("reenrollment.gmail_send_error.retry_from", "\"outlook\" is not a place to retry from; allowed: \"gmail\", \"crm\""),
        ],
    );
    check(
        &with("[reenrollment]\npolicy = \"resume\"\n\n[reenrollment.inbox_disconnected]\nretry_from = \"crm\"\n"),
        &[("reenrollment.inbox_disconnected.retry_from", "only the gmail_send_error remedy re-enrolls from Gmail; allowed here: no retry_from")],
    );
    let text = with("[reenrollment]\npolicy = \"resume\"\ndelay_hours = 2\n\n[reenrollment.send_limit_reached]\nresume_at = \"same\"\nshare = 0.5\nreconnect_first = false\n");
    let scenario = validate(&text, "fixture").expect("valid");
    let sim::Reenrollment::Act(remedies) = scenario.reenrollment else {
        panic!("users act");
    };
    use model::StepFailure as F;
    let limit = remedies[F::SendLimitReached.index()];
    assert_eq!(
        (limit.resume_at, limit.share, limit.reconnect_first),
        (sim::ResumeAt::Same, 0.5, false)
    );
    assert_eq!(limit.delay_minutes, 120, "the legacy delay_hours");
    let gmail = remedies[F::GmailSendError.index()];
    assert_eq!(
        (gmail.resume_at, gmail.delay_minutes, gmail.from_gmail),
        (sim::ResumeAt::First, 5, true)
    );
    let failure = remedies[F::SendFailure.index()];
    assert_eq!(
        (
            failure.resume_at,
            failure.delay_minutes,
            failure.reconnect_first
        ),
        (sim::ResumeAt::Same, 120, true)
    );
}

#[test]
fn the_sequences_daily_limit_is_checked() {
    check(
        &with("[sending.sequences_daily_limit]\nper_user = 0\nwhen_full = \"later\"\n"),
        &[
            (
                "sending.sequences_daily_limit.per_user",
                "0 is out of range; allowed: a positive whole number from 1 to 1000000",
            ),
            (
                "sending.sequences_daily_limit.when_full",
                "\"later\" is not a way to handle a full day; allowed: \"refuse\", \"next_day\"",
            ),
        ],
    );
    let scenario = validate(
        &with("[sending.sequences_daily_limit]\nper_user = 40\n"),
        "fixture",
    )
    .expect("valid");
    let limit = scenario.sending.sequences_daily_limit.expect("a limit");
    assert_eq!(
        (limit.per_user, limit.when_full),
        (40, sim::scenario::WhenFull::Refuse)
    );
}

/// Validates `text`, which must be valid, and checks that its warnings are exactly `expected`.
fn check_warnings(text: &str, expected: &[&str]) {
    let scenario = validate(text, "fixture").unwrap_or_else(|p| panic!("{p:?} in:\n{text}"));
    scenario.assert_valid();
    assert_eq!(scenario.warnings, expected, "the warnings of:\n{text}");
}

#[test]
fn custom_limits_above_the_product_maximum_are_warnings() {
    let inbox = |inbox: &str, limit: &str| {
        edit(&[(
            "inbox = \"gmail\"",
            &format!("inbox = \"{inbox}\"\ndaily_limit = {limit}"),
        )])
    };
    let cases: [(&str, &str, &[&str]); 7] = [
        ("google_workspace", "999", &[]),
        ("gmail", "350", &[]),
        ("gmail", "100", &[]),
        (
            "google_workspace",
            "5000",
            &["key `senders[0].daily_limit`: 5000 is above the product's maximum for google_workspace inboxes, 999 (a custom limit must be below the default of 1,000); the run uses 5000"],
        ),
        (
            "other",
            "1000",
            &["key `senders[0].daily_limit`: 1000 is above the product's maximum for other inboxes, 999 (a custom limit must be below the default of 1,000); the run uses 1000"],
        ),
        (
            "gmail",
            "351",
            &["key `senders[0].daily_limit`: 351 is above the product's maximum for gmail inboxes, 350 (free Gmail is capped at 350 whatever is set); the run uses 350"],
        ),
        ("none", "5000", &[]),
    ];
    for (inbox_name, limit, expected) in cases {
        check_warnings(&inbox(inbox_name, limit), expected);
    }
    // A bad value is a problem, not a warning.
    check(
        &inbox("gmail", "0"),
        &[(
            "senders[0].daily_limit",
            "0 is out of range; allowed: a positive whole number from 1 to 100000",
        )],
    );
}

#[test]
fn reply_splits_name_replies_of_their_kind() {
    let provider = |extra: &str| {
        with(&format!(
            "[[population.mailbox_providers]]\nname = \"gmail\"\nshare = 1.0\nsoft_bounce = 0.1\n{extra}"
        ))
    };
    let at = "population.mailbox_providers[0]";
    check(&provider("mailbox_moved = 0.01\nsoft_bounce_split = { mailbox_full = 0.5, low_reputation = 0.5 }\ninvalid_split = { bad_mailbox = 0.9, null_mx = 0.1 }\n"), &[]);
    let scenario = validate(
        &provider("soft_bounce_split = { low_reputation = 0.25, mailbox_full = 0.75 }\n"),
        "f",
    )
    .unwrap();
    let split = &scenario.population.mailbox_providers[0].soft_bounce_split;
    assert_eq!(
        split,
        &[
            (model::SmtpReply::MailboxFull, 0.75),
            (model::SmtpReply::LowReputation, 0.25)
        ],
        "in catalogue order, whatever the file's"
    );
    check(
        &provider("soft_bounce_split = { bad_mailbox = 1.0 }\ninvalid_split = { bad_domain = 0.5, mailbox_moved = 0.5 }\n"),
        &[
            (
                &format!("{at}.soft_bounce_split.bad_mailbox"),
                "\"bad_mailbox\" is not a soft-bounce reply; allowed: \"mailbox_full\", \"network_routing\", \"receiving_too_fast\", \"low_reputation\"",
            ),
            (
                &format!("{at}.invalid_split.mailbox_moved"),
                "\"mailbox_moved\" is not an invalid-address reply; allowed: \"bad_mailbox\", \"bad_domain\", \"bad_syntax\", \"null_mx\"",
            ),
        ],
    );
    check(
        &provider("soft_bounce_split = { mailbox_full = 0.5, network_routing = 1.5 }\n"),
        &[
            (
                &format!("{at}.soft_bounce_split.network_routing"),
                "1.5 is not a probability; allowed: a number from 0 to 1",
            ),
            (
                &format!("{at}.soft_bounce_split"),
                "the shares sum to 2; allowed: shares summing to 1",
            ),
        ],
    );
    check(
        &provider("policy_rejection = 0.5\nmailbox_moved = 0.5\n"),
        &[(
            &format!("{at}.mailbox_moved"),
            "soft_bounce + policy_rejection + mailbox_moved exceeds 1; allowed: probabilities of one answer, summing to at most 1",
        )],
    );
}
