//! Tests of expectations files: what a valid file gives, and every problem reported at once.

use std::path::Path;

use super::*;

/// The scenario library's folder: files name scenarios relative to it.
fn library() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The problems of expectations `text` as `key: message` lines (empty when valid).
fn problems(text: &str, baseline: bool) -> Vec<String> {
    match parse_expectations(text, "expect.toml", library(), baseline) {
        Ok(_) => Vec::new(),
        Err(ScenarioError::InvalidExpectations { problems, .. }) => problems
            .iter()
            .map(|p| format!("{}: {}", p.key, p.message))
            .collect(),
        Err(other) => panic!("unexpected error {other}"),
    }
}

/// Checks that `text` has exactly one problem per key in `keys`, each mentioning its word.
fn check(text: &str, expected: &[(&str, &str)]) {
    let got = problems(text, false);
    assert_eq!(got.len(), expected.len(), "{got:#?}");
    for ((key, word), line) in expected.iter().zip(&got) {
        assert!(
            line.starts_with(&format!("{key}: ")),
            "{line} is not about {key}"
        );
        assert!(line.contains(word), "{line} does not say {word}");
    }
}

#[test]
fn a_valid_file_gives_its_scenarios_and_bounds() {
    let text = r#"
        [[scenario]]
        file = "scenarios/library/clean-opt-in.toml"
        seed = 7
        [[scenario.expect]]
        count = "outcomes.BOUNCED"
        share_max = 0.01
        max = 100
        [[scenario.expect]]
        count = "daily.*.none.sent"
        relative = 0.1
        min_count = 50
    "#;
    let e = parse_expectations(text, "x.toml", library(), true).unwrap();
    let s = &e.scenarios[0];
    assert_eq!(
        (s.label.as_str(), s.scenario.seed),
        ("scenarios/library/clean-opt-in.toml@7", 7)
    );
    assert_eq!(
        s.expects[0].bounds,
        [Bound::Max(100), Bound::ShareMax(0.01)]
    );
    assert_eq!(s.expects[0].key, "scenario[0].expect[0]");
    let daily = CountPath::Daily {
        day: None,
        provider: Some("none".into()),
        counter: "sent".into(),
    };
    assert_eq!((&s.expects[1].count, s.expects[1].min_count), (&daily, 50));
}

#[test]
fn every_problem_is_reported_at_once() {
    check(
        r#"
        [[scenario]]
        file = "scenarios/library/clean-opt-in.toml"
        colour = "red"
        [[scenario.expect]]
        count = "outcomes.BOUNCE"
        [[scenario.expect]]
        count = "enrollment_attempts"
        share_max = 0.5
        min = 10
        max = 5
        relative = 0.1
        [[scenario.expect]]
        count = "daily.99.gmail.sent"
        share_min = 0.5
        share_max = 0.2
        min_count = 3
        [[scenario]]
        file = "scenarios/library/no-such-file.toml"
        [[scenario.expect]]
        count = "outcomes.BOUNCED"
        min = -1
    "#,
        &[
            ("scenario[0].colour", "unknown key"),
            (
                "scenario[0].expect[0].count",
                "allowed in `outcomes`: FINISHED",
            ),
            ("scenario[0].expect[0]", "no bound"),
            ("scenario[0].expect[1].max", "below min"),
            (
                "scenario[0].expect[1].share_max",
                "needs a count of a section",
            ),
            ("scenario[0].expect[1].relative", "needs a baseline"),
            ("scenario[0].expect[2].count", "allowed: 0 to"),
            ("scenario[0].expect[2].share_max", "below share_min"),
            (
                "scenario[0].expect[2].min_count",
                "applies to a `relative` bound",
            ),
            (
                "scenario[1].file",
                "relative to the expectations file's folder",
            ),
            ("scenario[1].expect[0].min", "out of range"),
        ],
    );
}

#[test]
fn missing_parts_are_named() {
    check(
        "[[scenario]]\nseed = -1\n[[scenario.expect]]\nmax = 1\n",
        &[
            ("scenario[0].seed", "not a seed"),
            ("scenario[0]", "required key `file`"),
            ("scenario[0].expect[0]", "required key `count`"),
        ],
    );
    check("", &[("scenario", "no [[scenario]]")]);
    check(
        "[[scenario]]\nfile = \"scenarios/library/default.toml\"\n[[scenario.expect]]\ncount = \"events\"\n",
        &[("scenario[0].expect[0]", "no bound")],
    );
}

#[test]
fn count_paths_name_what_is_allowed() {
    let scenario = crate::default_scenario();
    let err = |text: &str| CountPath::parse(text, &scenario).unwrap_err();
    assert!(err("bounces").contains("enrollment_attempts, events"));
    assert!(err("daily.0.gmail").contains("daily.<day>.<provider>.<counter>"));
    assert!(err("daily.0.aol.sent").contains("google_workspace"));
    assert!(err("daily.0.gmail.mails").contains("hard_bounces"));
    assert_eq!(
        CountPath::parse("events", &scenario),
        Ok(CountPath::Total("events"))
    );
    let side = CountPath::parse("send_limit_reached_by_side.platform", &scenario).unwrap();
    assert_eq!(side.section(), Some(Section::SendLimitReachedBySide));
}
