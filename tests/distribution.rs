//! What a user installs seqsim with, and the formats other tools read: the CSV of `run` and
//! `diff` read back against the JSON report, the completion scripts and the man page.

use std::process::Command;

use assert_cmd::cargo::CommandCargoExt as _;
use serde_json::Value;

fn seqsim(args: &[&str]) -> String {
    let out = Command::cargo_bin("seqsim")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The rows of a CSV without quoted cells, by header name.
fn rows(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    (lines.map(|l| {
        header
            .iter()
            .map(|h| h.to_string())
            .zip(l.split(',').map(str::to_owned))
            .collect()
    }))
    .collect()
}

/// Every count path of a JSON report with its value: the totals and each section's counts.
fn json_counts(report: &Value) -> Vec<(String, u64)> {
    let mut out = vec![
        (
            "enrollment_attempts".to_owned(),
            report["enrollment_attempts"].as_u64().unwrap(),
        ),
        ("events".to_owned(), report["events"].as_u64().unwrap()),
    ];
    for section in [
        "enrollment",
        "attempts_by_source",
        "outcomes",
        "send_limit_reached_by_side",
        "sequences_daily_limit",
    ] {
        for (name, value) in report[section].as_object().unwrap() {
            out.push((format!("{section}.{name}"), value.as_u64().unwrap()));
        }
    }
    out.sort();
    out
}

#[test]
fn run_csv_holds_every_count_of_the_json_report_a_row_each() {
    let report: Value = serde_json::from_str(&seqsim(&["run", "--format", "json"])).unwrap();
    let csv = seqsim(&["run", "--format", "csv"]);
    let table = rows(&csv);
    assert!(table
        .iter()
        .all(|r| r["scenario"] == "default" && r["seed"] == "20261128"));
    let mut got: Vec<(String, u64)> = table
        .iter()
        .map(|r| (r["count"].clone(), r["value"].parse().unwrap()))
        .collect();
    got.sort();
    assert_eq!(got, json_counts(&report));
    // Over seeds: each seed's counts, as that seed's own run gives them.
    let seeds = rows(&seqsim(&["run", "--format", "csv", "--seeds", "2"]));
    let second: Value =
        serde_json::from_str(&seqsim(&["run", "--format", "json", "--seed", "20261129"])).unwrap();
    let mut of_second: Vec<(String, u64)> = (seeds.iter().filter(|r| r["seed"] == "20261129"))
        .map(|r| (r["count"].clone(), r["value"].parse().unwrap()))
        .collect();
    of_second.sort();
    assert_eq!(of_second, json_counts(&second));
}

#[test]
fn diff_csv_holds_each_count_before_and_after_with_its_change() {
    let args = [
        "diff",
        "--before-rules",
        "rules/default.toml",
        "--after-rules",
        "rules/free-gmail-bulk-cap.toml",
        "default",
    ];
    let json: Value =
        serde_json::from_str(&seqsim(&[&args[..], &["--format", "json"]].concat())).unwrap();
    let table = rows(&seqsim(&[&args[..], &["--format", "csv"]].concat()));
    for section in ["enrollment", "outcomes"] {
        for row in json[section].as_array().unwrap() {
            let count = format!("{section}.{}", row["name"].as_str().unwrap());
            let r = table
                .iter()
                .find(|r| r["count"] == count)
                .unwrap_or_else(|| panic!("{count}"));
            let (b, a) = (
                row["before"].as_i64().unwrap(),
                row["after"].as_i64().unwrap(),
            );
            assert_eq!(
                (
                    r["before_value"].parse::<i64>().unwrap(),
                    r["after_value"].parse::<i64>().unwrap()
                ),
                (b, a)
            );
            assert_eq!(r["change"].parse::<i64>().unwrap(), a - b, "{count}");
        }
    }
    let seeds = rows(&seqsim(
        &[&args[..], &["--format", "csv", "--seeds", "3"]].concat(),
    ));
    let cap: Vec<_> = seeds
        .iter()
        .filter(|r| r["count"] == "enrollment.FREE_GMAIL_BULK_CAP")
        .collect();
    assert_eq!(cap.len(), 3, "a row per seed");
    assert!(cap
        .iter()
        .all(|r| r["before_value"] == "0" && r["after_value"].parse::<u64>().unwrap() > 0));
}

#[test]
fn completion_scripts_and_the_man_page_name_every_command() {
    let commands = [
        "run",
        "trace",
        "diff",
        "validate",
        "check",
        "harness",
        "export-attempts",
        "import",
        "init",
        "sweep",
        "goal",
        "merge",
        "swarm",
        "completions",
        "man",
    ];
    let bash = seqsim(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("seqsim.bash");
    std::fs::write(&script, &bash).unwrap();
    let check = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(check.success(), "bash reads the script");
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        assert!(
            seqsim(&["completions", shell]).contains("import"),
            "{shell}"
        );
    }
    let man = seqsim(&["man"]);
    assert!(man.contains(".TH seqsim 1"), "{man}");
    for c in commands {
        assert!(
            bash.contains(&format!("seqsim,{c})")) || bash.contains(c),
            "bash: {c}"
        );
        assert!(
            man.contains(&format!("seqsim\\-{}", c.replace('-', "\\-"))),
            "man: {c}"
        );
    }
}
