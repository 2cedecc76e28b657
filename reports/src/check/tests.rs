//! Tests of the pure evaluation: verdicts of every bound, counts found in report JSON,
//! baselines, and the CI outputs' escaping.

use serde_json::json;

use super::ci::xml_escape;
use super::*;

fn m(count: u64, total: u64) -> Measure {
    Measure {
        count,
        total: Some(total),
    }
}

#[test]
fn absolute_and_share_bounds_hold_at_their_edge() {
    use Verdict::{Fail, Pass};
    let got = m(99, 1000);
    assert_eq!(judge(Bound::Min(99), got, None, 0), Pass);
    assert_eq!(judge(Bound::Min(100), got, None, 0), Fail);
    assert_eq!(judge(Bound::Max(99), got, None, 0), Pass);
    assert_eq!(judge(Bound::Max(98), got, None, 0), Fail);
    assert_eq!(judge(Bound::ShareMax(0.12), got, None, 0), Pass);
    assert_eq!(judge(Bound::ShareMax(0.05), got, None, 0), Fail);
    assert_eq!(judge(Bound::ShareMin(0.099), got, None, 0), Pass);
    assert_eq!(judge(Bound::ShareMin(0.1), got, None, 0), Fail);
    // An empty section has share 0.
    assert_eq!(judge(Bound::ShareMax(0.0), m(0, 0), None, 0), Pass);
}

#[test]
fn relative_bounds_judge_the_move_and_ignore_small_baselines() {
    use Verdict::{Fail, Pass, Skipped};
    let r = Bound::Relative(0.1);
    assert_eq!(judge(r, m(110, 0), Some(100), 0), Pass);
    assert_eq!(judge(r, m(90, 0), Some(100), 0), Pass);
    assert_eq!(judge(r, m(111, 0), Some(100), 0), Fail);
    assert_eq!(judge(r, m(89, 0), Some(100), 0), Fail);
    // min_count: a baseline below it is not judged; at it, it is.
    assert_eq!(judge(r, m(80, 0), Some(49), 50), Skipped);
    assert_eq!(judge(r, m(80, 0), Some(50), 50), Fail);
    // From zero, any count is an infinite move.
    assert_eq!(judge(r, m(0, 0), Some(0), 0), Pass);
    assert_eq!(judge(r, m(1, 0), Some(0), 0), Fail);
}

fn report_json() -> serde_json::Value {
    json!({
        "scenario": "s", "events": 7, "enrollment_attempts": 10,
        "outcomes": {"FINISHED": 6, "BOUNCED": 2},
        "daily": [
            {"day": 0, "providers": [{"provider": "gmail", "sent": 3}, {"provider": "none", "sent": 0}]},
            {"day": 1, "providers": [{"provider": "gmail", "sent": 4}]}
        ]
    })
}

#[test]
fn counts_are_found_in_report_json() {
    let r = report_json();
    let named = CountPath::Named {
        section: scenarios::Section::Outcomes,
        name: "BOUNCED".into(),
    };
    assert_eq!(measure(&r, &named), Some(m(2, 8)));
    assert_eq!(
        measure(&r, &CountPath::Total("events")).map(|m| m.count),
        Some(7)
    );
    let daily = |day, provider: Option<&str>| CountPath::Daily {
        day,
        provider: provider.map(str::to_owned),
        counter: "sent".into(),
    };
    let count = |p| measure(&r, &p).unwrap().count;
    assert_eq!(count(daily(None, Some("gmail"))), 7);
    assert_eq!(count(daily(Some(1), None)), 4);
    assert_eq!(count(daily(None, Some("outlook_com"))), 0);
    let guard = CountPath::Named {
        section: scenarios::Section::Outcomes,
        name: "NOT_THERE".into(),
    };
    assert_eq!(measure(&r, &guard), None);
}

#[test]
fn baselines_are_one_report_or_reports_keyed_by_label() {
    let single = Baseline::parse(&report_json().to_string(), "b.json").unwrap();
    assert!(single.report_for("any.toml", "s").is_some());
    assert!(single
        .missing("x.toml", "x")
        .contains("a report of scenario \"s\""));
    let keyed = json!({ "a.toml": report_json() }).to_string();
    let keyed = Baseline::parse(&keyed, "b.json").unwrap();
    assert!(keyed.report_for("a.toml", "other").is_some());
    assert!(keyed.missing("b.toml", "s").contains("it has: a.toml"));
    for bad in ["[]", "{\"a\": 1}", "nonsense"] {
        let err = Baseline::parse(bad, "b.json").unwrap_err();
        assert!(
            err.contains("baseline file `b.json` is not a baseline"),
            "{err}"
        );
    }
}

fn sample() -> CheckReport {
    let check = |bound, got, verdict| Check {
        scenario: "a<b>.toml".into(),
        key: "scenario[0].expect[0]".into(),
        count: "outcomes.BOUNCED".into(),
        bound,
        got,
        baseline: Some(100),
        min_count: 200,
        verdict,
        spread: None,
    };
    CheckReport {
        file: "e,x:p.toml".into(),
        checks: vec![
            check(Bound::ShareMax(0.05), m(99, 1000), Verdict::Fail),
            check(Bound::Max(100), m(99, 1000), Verdict::Pass),
            check(Bound::Relative(0.1), m(150, 1000), Verdict::Skipped),
        ],
    }
}

#[test]
fn texts_say_how_far_from_the_bound() {
    let r = sample();
    assert_eq!(r.checks[0].got_text(), "9.90% (99 of 1,000)");
    assert_eq!(
        (r.checks[0].expected().as_str(), r.checks[0].by().as_str()),
        ("share <= 5.00%", "+4.90 pts")
    );
    assert_eq!(r.checks[1].by(), "-1");
    assert_eq!(
        (r.checks[2].expected().as_str(), r.checks[2].by().as_str()),
        ("within 10.00% of 100", "+50.00%")
    );
    assert!(r.checks[2].message().contains("below min_count 200"));
    assert!(!r.passed());
    assert!(r.render_markdown().contains("### Failed checks"));
}

#[test]
fn junit_and_annotations_escape_what_they_carry() {
    assert_eq!(
        xml_escape("a<&>\"'\u{1}"),
        "a&lt;&amp;&gt;&quot;&apos;\u{FFFD}"
    );
    let xml = sample().junit();
    assert!(xml.contains("tests=\"3\" failures=\"1\" skipped=\"1\""));
    assert_eq!(xml.matches("<testcase ").count(), 3);
    assert_eq!(xml.matches("<failure ").count(), 1);
    assert!(xml.contains("name=\"a&lt;b&gt;.toml\""));
    let notes = sample().github_annotations();
    assert_eq!(notes.lines().count(), 1);
    assert!(notes.starts_with("::error file=e%2Cx%3Ap.toml,title=seqsim check%3A a<b>.toml outcomes.BOUNCED share_max::a<b>.toml: outcomes.BOUNCED is 9.90%25"), "{notes}");
}

#[test]
fn spreads_fail_only_when_the_whole_interval_is_on_the_wrong_side() {
    let spread = |low, high| Spread {
        seeds: 8,
        mean: (low + high) / 2.0,
        low,
        high,
        baseline: None,
    };
    let s = spread(90.0, 110.0);
    assert_eq!(judge_spread(Bound::Max(100), &s, 0), Verdict::Pass);
    assert_eq!(judge_spread(Bound::Max(89), &s, 0), Verdict::Fail);
    assert_eq!(judge_spread(Bound::Min(110), &s, 0), Verdict::Pass);
    assert_eq!(judge_spread(Bound::Min(111), &s, 0), Verdict::Fail);
    let share = spread(0.04, 0.06);
    assert_eq!(
        judge_spread(Bound::ShareMax(0.05), &share, 0),
        Verdict::Pass
    );
    assert_eq!(
        judge_spread(Bound::ShareMax(0.03), &share, 0),
        Verdict::Fail
    );
    assert_eq!(
        judge_spread(Bound::ShareMin(0.07), &share, 0),
        Verdict::Fail
    );
}

#[test]
fn relative_spreads_need_significance_and_the_tolerance() {
    // 1, 2, 3, 4 now against 4, 6, 8, 10: significant (stats.rs works it out), a move of
    // -4.5 from a mean of 7, -64%.
    let test = crate::stats::welch(&[1, 2, 3, 4], &[4, 6, 8, 10]);
    let s = Spread {
        seeds: 4,
        mean: 2.5,
        low: 0.0,
        high: 5.0,
        baseline: Some((4, 7.0, test)),
    };
    assert_eq!(judge_spread(Bound::Relative(0.0), &s, 0), Verdict::Fail);
    assert_eq!(judge_spread(Bound::Relative(0.6), &s, 0), Verdict::Fail);
    assert_eq!(judge_spread(Bound::Relative(0.7), &s, 0), Verdict::Pass);
    assert_eq!(judge_spread(Bound::Relative(0.0), &s, 8), Verdict::Skipped);
    // Not significant: passes whatever the tolerance.
    let test = crate::stats::welch(&[1, 2, 3, 4], &[2, 3, 4, 5]);
    let s = Spread {
        baseline: Some((4, 3.5, test)),
        ..s
    };
    assert_eq!(judge_spread(Bound::Relative(0.0), &s, 0), Verdict::Pass);
}
