//! `--seeds N` end to end: the multi-seed report against single-seed runs, its independence of
//! the thread count, the multi-seed diff's verdicts, and bad values.

use assert_cmd::Command;
use predicates::str::contains;

fn seqsim() -> Command {
    Command::cargo_bin("seqsim").unwrap()
}

/// Standard output of a successful `seqsim` run with `args`.
fn stdout_of(args: &[&str]) -> Vec<u8> {
    seqsim()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_slice(&stdout_of(args)).expect("the report is JSON")
}

/// The default scenario with the bounce checks moved to the end of the rule order (as in
/// tests/cli.rs): a change that moves rejections between codes and nothing else.
fn reordered_default() -> (tempfile::TempDir, String) {
    let text = std::fs::read_to_string("scenarios/library/default.toml").unwrap()
        + "\n[rules]\norder = [\"MISSING_EMAIL_ADDRESS\", \"NO_CONNECTED_INBOX\", \"CANNOT_COMMUNICATE\", \
           \"SEAT_NOT_ELIGIBLE\", \"SEQUENCES_DAILY_LIMIT_REACHED\", \"BLOCKED_ADDRESS\", \"BLOCKED_DOMAIN\", \"PREVIOUSLY_MARKED_AS_SPAM\", \
           \"OTHER_SEND_REJECTED\", \"UNSUBSCRIBED\", \"UNSUBSCRIBED_PERSONAL\", \"ALREADY_ENROLLED\", \
           \"RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY\", \"RECIPIENT_PREVIOUSLY_BOUNCED_ON_PORTAL\", \"BOUNCED\"]\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reordered.toml");
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap().to_owned();
    (dir, path)
}

/// The counted sections of a single report, and its two totals.
const SECTIONS: [&str; 5] = [
    "enrollment",
    "attempts_by_source",
    "outcomes",
    "send_limit_reached_by_side",
    "sequences_daily_limit",
];
const TOTALS: [&str; 2] = ["enrollment_attempts", "events"];

#[test]
fn multi_seed_reports_are_the_same_on_any_thread_count() {
    for format in ["json", "table", "markdown"] {
        let run = |threads| {
            stdout_of(&[
                "run",
                "--seeds",
                "3",
                "--format",
                format,
                "--threads",
                threads,
            ])
        };
        assert_eq!(run("1"), run("2"), "--format {format}");
    }
}

#[test]
fn one_seed_is_the_single_report() {
    for format in ["json", "table"] {
        assert_eq!(
            stdout_of(&["run", "--seeds", "1", "--format", format]),
            stdout_of(&["run", "--format", format])
        );
    }
}

#[test]
fn the_mean_is_the_mean_of_the_single_seed_runs() {
    let report = json(&["run", "--seed", "7", "--seeds", "4", "--format", "json"]);
    assert_eq!(report["seeds"], serde_json::json!([7, 8, 9, 10]));
    assert!(report.get("daily").is_none());
    let singles: Vec<serde_json::Value> = (7..11)
        .map(|seed| json(&["run", "--seed", &seed.to_string(), "--format", "json"]))
        .collect();
    let check = |stats: &serde_json::Value, values: Vec<u64>, what: &str| {
        let mean = values.iter().sum::<u64>() as f64 / values.len() as f64;
        let shown = stats["mean"].as_f64().unwrap();
        // The report rounds to two decimals.
        assert!(
            (shown - mean).abs() <= 0.005 + 1e-9,
            "{what}: {shown} != {mean}"
        );
        assert_eq!(stats["min"], *values.iter().min().unwrap(), "{what}");
        assert_eq!(stats["max"], *values.iter().max().unwrap(), "{what}");
        let (low, high) = (
            stats["ci95_low"].as_f64().unwrap(),
            stats["ci95_high"].as_f64().unwrap(),
        );
        assert!(low <= shown && shown <= high, "{what}");
    };
    let value = |single: &serde_json::Value, path: &[&str]| {
        path.iter().fold(single, |v, key| &v[key]).as_u64().unwrap()
    };
    for total in TOTALS {
        let values = singles.iter().map(|s| value(s, &[total])).collect();
        check(&report[total], values, total);
    }
    let mut counts = 0;
    for section in SECTIONS {
        for (name, stats) in report[section].as_object().unwrap() {
            let values = singles.iter().map(|s| value(s, &[section, name])).collect();
            check(stats, values, &format!("{section}.{name}"));
            counts += 1;
        }
        assert_eq!(
            report[section].as_object().unwrap().len(),
            singles[0][section].as_object().unwrap().len()
        );
    }
    assert!(counts > 30, "{counts} counts");
}

#[test]
fn table_and_markdown_show_every_count_and_the_method() {
    let table = String::from_utf8(stdout_of(&["run", "--seeds", "2"])).unwrap();
    assert!(
        table.starts_with("scenario default over 2 seeds (20261128 to 20261129)\n"),
        "{table}"
    );
    assert!(
        table.contains("t = 12.706205, Student's t at 1 degrees of freedom"),
        "{table}"
    );
    assert!(table.contains("the daily series is left out"), "{table}");
    let markdown =
        String::from_utf8(stdout_of(&["run", "--seeds", "2", "--format", "markdown"])).unwrap();
    assert!(
        markdown.starts_with("# Scenario `default` over 2 seeds (20261128 to 20261129)\n"),
        "{markdown}"
    );
    for code in model::RejectionCode::ALL {
        assert!(
            table.contains(&format!("\n{} ", code.name())),
            "{}",
            code.name()
        );
        assert!(
            markdown.contains(&format!("| `{}` |", code.name())),
            "{}",
            code.name()
        );
    }
}

#[test]
fn a_diff_of_a_scenario_with_itself_marks_nothing() {
    let diff = json(&[
        "diff",
        "scenarios/library/default.toml",
        "scenarios/library/default.toml",
        "--seeds",
        "3",
        "--format",
        "json",
    ]);
    assert_eq!(diff["changes_beyond_noise"], 0);
    assert_eq!(diff["seeds"].as_array().unwrap().len(), 3);
    for section in SECTIONS {
        for (name, row) in diff[section].as_object().unwrap() {
            assert_eq!(row["beyond_noise"], false, "{section}.{name}");
            assert_eq!(row["change"]["mean"], 0.0, "{section}.{name}");
        }
    }
    let table = String::from_utf8(stdout_of(&[
        "diff",
        "scenarios/library/default.toml",
        "scenarios/library/default.toml",
        "--seeds",
        "3",
    ]))
    .unwrap();
    assert!(table.contains(": 0 counts of "), "{table}");
    assert!(!table.contains(" yes\n"), "{table}");
}

#[test]
fn a_diff_marks_the_codes_a_rule_reorder_moves() {
    let (_dir, reordered) = reordered_default();
    let diff = json(&[
        "diff",
        "scenarios/library/default.toml",
        &reordered,
        "--seeds",
        "4",
        "--format",
        "json",
    ]);
    let enrollment = &diff["enrollment"];
    // Checked later, BOUNCED loses what the global bounce list catches first.
    assert_eq!(enrollment["BOUNCED"]["beyond_noise"], true);
    assert!(
        enrollment["BOUNCED"]["change"]["ci95_high"]
            .as_f64()
            .unwrap()
            < 0.0
    );
    let global = &enrollment["RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY"];
    assert_eq!(global["beyond_noise"], true);
    assert!(global["change"]["ci95_low"].as_f64().unwrap() > 0.0);
    // A reorder never changes who enrolls, nor what becomes of an enrollment.
    assert_eq!(enrollment["ENROLLED"]["beyond_noise"], false);
    assert_eq!(enrollment["ENROLLED"]["change"]["sd"], 0.0);
    for (name, row) in diff["outcomes"].as_object().unwrap() {
        assert_eq!(row["beyond_noise"], false, "{name}");
    }
    let marked = diff["changes_beyond_noise"].as_u64().unwrap();
    assert!(marked >= 2, "{marked}");
    let table = String::from_utf8(stdout_of(&[
        "diff",
        "scenarios/library/default.toml",
        &reordered,
        "--seeds",
        "4",
    ]))
    .unwrap();
    assert!(table.contains("rule order after:"), "{table}");
    let bounced = table.lines().find(|l| l.starts_with("BOUNCED ")).unwrap();
    assert!(bounced.ends_with(" yes"), "{bounced}");
}

#[test]
fn one_seed_keeps_the_single_diff() {
    let (_dir, reordered) = reordered_default();
    assert_eq!(
        stdout_of(&[
            "diff",
            "scenarios/library/default.toml",
            &reordered,
            "--seeds",
            "1",
            "--format",
            "json"
        ]),
        stdout_of(&[
            "diff",
            "scenarios/library/default.toml",
            &reordered,
            "--format",
            "json"
        ])
    );
}

#[test]
fn bad_seed_counts_exit_with_two() {
    for bad in ["0", "10001", "-1", "99999999999999999999", "many"] {
        for command in [
            vec!["run"],
            vec![
                "diff",
                "scenarios/library/default.toml",
                "scenarios/library/default.toml",
            ],
        ] {
            seqsim()
                .args(&command)
                .arg(format!("--seeds={bad}"))
                .assert()
                .code(2)
                .stdout("")
                .stderr(contains("--seeds"));
        }
    }
    seqsim()
        .args(["run", "--seeds", "0"])
        .assert()
        .stderr(contains("0 is not in 1..=10000"));
}

/// The enrollment decisions of `run default --seed SEED --rules RULES`, by code.
fn decisions_of_one_run(rules: &str, seed: u64) -> serde_json::Map<String, serde_json::Value> {
    let seed = seed.to_string();
    let report = json(&[
        "run", "default", "--seed", &seed, "--rules", rules, "--format", "json",
    ]);
    report["enrollment"].as_object().unwrap().clone()
}

#[test]
fn every_library_rule_file_diffs_against_the_default_rules_over_seeds() {
    // A guard's code exists on the after side only (issue 26): the multi-seed diff compares the
    // union of codes, a code one side lacks counting 0 there. Oracle: single-seed runs.
    let mut files: Vec<String> = std::fs::read_dir("rules")
        .unwrap()
        .map(|e| e.unwrap().path().to_str().unwrap().to_owned())
        .filter(|p| p.ends_with(".toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "{files:?}");
    for file in &files {
        let diff = json(&[
            "diff",
            "--before-rules",
            "rules/default.toml",
            "--after-rules",
            file,
            "default",
            "--seeds",
            "3",
            "--format",
            "json",
        ]);
        let seeds: Vec<u64> = (diff["seeds"].as_array().unwrap().iter())
            .map(|s| s.as_u64().unwrap())
            .collect();
        let runs = |rules: &str| -> Vec<_> {
            (seeds.iter())
                .map(|&s| decisions_of_one_run(rules, s))
                .collect()
        };
        let (before, after) = (runs("rules/default.toml"), runs(file));
        let names: std::collections::BTreeSet<&String> =
            before.iter().chain(&after).flat_map(|r| r.keys()).collect();
        let enrollment = diff["enrollment"].as_object().unwrap();
        assert_eq!(enrollment.len(), names.len(), "{file}: the union of codes");
        for name in names {
            let mean = |side: &[serde_json::Map<String, serde_json::Value>]| -> f64 {
                let sum: u64 = side
                    .iter()
                    .map(|r| r.get(name).map_or(0, |v| v.as_u64().unwrap()))
                    .sum();
                (sum as f64 / 3.0 * 100.0).round() / 100.0
            };
            let row = &enrollment[name.as_str()];
            assert_eq!(
                row["before_mean"].as_f64().unwrap(),
                mean(&before),
                "{file} {name}"
            );
            assert_eq!(
                row["after_mean"].as_f64().unwrap(),
                mean(&after),
                "{file} {name}"
            );
        }
    }
}

#[test]
fn a_guard_on_the_after_side_only_diffs_in_both_forms() {
    for args in [
        vec![
            "diff",
            "default",
            "default",
            "--after-rules",
            "rules/sender-bounce-guard.toml",
        ],
        vec![
            "diff",
            "--before-rules",
            "rules/default.toml",
            "--after-rules",
            "rules/sender-bounce-guard.toml",
            "default",
        ],
    ] {
        let mut args = args.clone();
        args.extend(["--seeds", "2"]);
        let table = String::from_utf8(stdout_of(&args)).unwrap();
        assert!(table.contains("rule order after:"), "{table}");
        assert!(table.contains("SENDER_BOUNCE_RATE_HIGH"), "{table}");
    }
}
