//! `seqsim check` end to end: exit codes, every kind of bad input, baselines, and the CI
//! outputs (JUnit XML, GitHub annotations).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

/// `seqsim` with no GitHub Actions environment, whatever CI runs the tests.
fn seqsim() -> Command {
    let mut cmd = Command::cargo_bin("seqsim").unwrap();
    cmd.env_remove("GITHUB_ACTIONS");
    cmd
}

/// A library scenario's absolute path, as an expectations file may name it.
fn library(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/library")
        .join(name);
    path.display().to_string()
}

/// A fresh folder holding `expect.toml` with `text`.
fn expectations(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("expect.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// An expectations file with one scenario (`file`, TOML-quoted) and the expectations `body`.
fn one(file: &str, body: &str) -> String {
    format!("[[scenario]]\nfile = {file:?}\n{body}")
}

const PURCHASED_BOUNCED: &str =
    "[[scenario.expect]]\ncount = \"outcomes.BOUNCED\"\nshare_max = 0.12\nshare_min = 0.05\n";

#[test]
fn every_bound_holding_exits_0_with_a_table() {
    let (_dir, path) = expectations(&one(&library("purchased-list.toml"), PURCHASED_BOUNCED));
    seqsim()
        .arg("check")
        .arg(&path)
        .assert()
        .code(0)
        .stdout(contains("2 checks, 2 passed, 0 failed"))
        .stdout(contains("share <= 12.00%"))
        .stdout(contains("9.91% (3,734 of 37,685)"))
        .stderr("");
}

#[test]
fn a_failed_bound_exits_1_and_says_by_how_much() {
    let body =
        "[[scenario.expect]]\ncount = \"outcomes.BOUNCED\"\nshare_max = 0.02\nmax = 100000\n";
    let (_dir, path) = expectations(&one(&library("purchased-list.toml"), body));
    let out = seqsim().arg("check").arg(&path).assert().code(1);
    out.stdout(contains("1 failed"))
        .stdout(contains("+7.91 pts"))
        .stdout(contains("FAIL"))
        .stderr(contains("::error").not());
    seqsim()
        .args(["check", "--format", "markdown"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout(contains("## seqsim check FAILED"))
        .stdout(contains("### Failed checks"));
}

/// Checks `seqsim check ARGS` exits 2 with `words` (and nothing) on stderr and no output.
fn assert_bad(args: &[&std::ffi::OsStr], words: &[&str]) {
    let out = seqsim().arg("check").args(args).assert().code(2).stdout("");
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    for word in words {
        assert!(stderr.contains(word), "no {word:?} in: {stderr}");
    }
}

#[test]
fn a_bad_file_exits_2_with_every_problem_at_once() {
    let text = format!(
        "{}colour = 1\n[[scenario.expect]]\ncount = \"outcomes.BOUNCE\"\nmax = 1\n[[scenario.expect]]\ncount = \"events\"\nmin = 5\nmax = 1\nrelative = 0.1\n[[scenario]]\nfile = \"nowhere.toml\"\n[[scenario.expect]]\ncount = \"events\"\nshare_max = 2\n",
        one(&library("clean-opt-in.toml"), "")
    );
    let (_dir, path) = expectations(&text);
    let shown = path.display().to_string();
    assert_bad(
        &[path.as_os_str()],
        &[
            &format!("expectations file `{shown}` is invalid (6 problems)"),
            "`scenario[0].colour`: unknown key; the keys allowed here are: file, seed, expect",
            "`scenario[0].expect[0].count`: \"outcomes.BOUNCE\" is not a count; allowed in `outcomes`: FINISHED",
            "`scenario[0].expect[1].max`: max 1 is below min 5",
            "`scenario[0].expect[1].relative`: a relative bound needs a baseline",
            "`scenario[1].file`: `nowhere.toml` is neither a scenario file nor a library scenario",
            "`scenario[1].expect[0].share_max`: 2 is not a share",
        ],
    );
}

#[test]
fn missing_files_and_bad_baselines_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("nowhere.toml");
    assert_bad(
        &[nowhere.as_os_str()],
        &["cannot read expectations file", "nowhere.toml"],
    );
    let body = "[[scenario.expect]]\ncount = \"events\"\nrelative = 0.1\n";
    let (dir, path) = expectations(&one(&library("clean-opt-in.toml"), body));
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "[1, 2]").unwrap();
    let flag = std::ffi::OsStr::new("--baseline");
    assert_bad(
        &[path.as_os_str(), flag, bad.as_os_str()],
        &["bad.json` is not a baseline: not a JSON object"],
    );
    let other = dir.path().join("other.json");
    let report = seqsim()
        .args(["run", "--format", "json"])
        .output()
        .unwrap()
        .stdout;
    std::fs::write(&other, report).unwrap();
    assert_bad(
        &[path.as_os_str(), flag, other.as_os_str()],
        &["is a report of scenario \"default\", not of"],
    );
    let missing = dir.path().join("missing.json");
    assert_bad(
        &[path.as_os_str(), flag, missing.as_os_str()],
        &["cannot read baseline file", "(--baseline)"],
    );
    let junit = std::ffi::OsStr::new("--junit");
    let (dir, path) = expectations(&one(&library("purchased-list.toml"), PURCHASED_BOUNCED));
    assert_bad(
        &[path.as_os_str(), junit, dir.path().as_os_str()],
        &["(--junit): it is a directory"],
    );
}

/// A copy of clean-opt-in in a fresh folder, with expectations `body` beside it.
fn copied(body: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (dir, path) = expectations(&one("clean.toml", body));
    let scenario = dir.path().join("clean.toml");
    std::fs::copy(library("clean-opt-in.toml"), &scenario).unwrap();
    (dir, path, scenario)
}

#[test]
fn relative_bounds_hold_against_an_unchanged_baseline_and_catch_a_change() {
    let body = "[[scenario.expect]]\ncount = \"outcomes.BOUNCED\"\nrelative = 0.1\n";
    let (dir, path, scenario) = copied(body);
    let baseline = dir.path().join("baseline.json");
    seqsim()
        .arg("check")
        .arg(&path)
        .arg("--save-baseline")
        .arg(&baseline)
        .assert()
        .code(0);
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&baseline).unwrap()).unwrap();
    assert_eq!(saved["clean.toml"]["outcomes"]["BOUNCED"], 28);
    let check = || {
        let mut cmd = seqsim();
        cmd.arg("check").arg(&path).arg("--baseline").arg(&baseline);
        cmd
    };
    check()
        .assert()
        .code(0)
        .stdout(contains("within 10.00% of 28"));
    // Planted: five times the dead mailboxes.
    let text = std::fs::read_to_string(&scenario).unwrap();
    let tweaked = text.replace("invalid_address = 0.005", "invalid_address = 0.025");
    assert_ne!(text, tweaked);
    std::fs::write(&scenario, tweaked).unwrap();
    check().assert().code(1).stdout(contains("FAIL"));
    // A single report from `seqsim run --format json` serves as a baseline too.
    let run = seqsim()
        .args(["run", "--format", "json"])
        .arg(&scenario)
        .output()
        .unwrap();
    std::fs::write(&baseline, run.stdout).unwrap();
    check().assert().code(0);
}

#[test]
fn another_seed_moves_the_counts() {
    let body = "seed = 7\n[[scenario.expect]]\ncount = \"outcomes.FINISHED\"\nrelative = 0.0\n";
    let (dir, path) = expectations(&one(&library("clean-opt-in.toml"), body));
    let baseline = dir.path().join("run.json");
    let run = seqsim()
        .args(["run", "--format", "json"])
        .arg(library("clean-opt-in.toml"))
        .output()
        .unwrap();
    std::fs::write(&baseline, run.stdout).unwrap();
    let out = seqsim()
        .arg("check")
        .arg(&path)
        .arg("--baseline")
        .arg(&baseline)
        .assert()
        .code(1);
    out.stdout(contains("clean-opt-in.toml@7"));
}

#[test]
fn counts_below_min_count_in_the_baseline_are_not_judged() {
    // BOUNCED moves from 28 to far more; FINISHED (thousands) hardly at all.
    let body = "[[scenario.expect]]\ncount = \"outcomes.BOUNCED\"\nrelative = 0.1\nmin_count = 50\n[[scenario.expect]]\ncount = \"outcomes.FINISHED\"\nrelative = 0.1\nmin_count = 50\n";
    let (dir, path, scenario) = copied(body);
    let baseline = dir.path().join("baseline.json");
    seqsim()
        .arg("check")
        .arg(&path)
        .arg("--save-baseline")
        .arg(&baseline)
        .assert()
        .code(0);
    let text = std::fs::read_to_string(&scenario).unwrap();
    std::fs::write(
        &scenario,
        text.replace("invalid_address = 0.005", "invalid_address = 0.025"),
    )
    .unwrap();
    seqsim()
        .arg("check")
        .arg(&path)
        .arg("--baseline")
        .arg(&baseline)
        .assert()
        .code(0)
        .stdout(contains("1 passed, 0 failed, 1 skipped"))
        .stdout(contains("  skipped\n"))
        .stdout(contains("check: 1 passed, 0 failed, 1 skipped\n"))
        // One word for one verdict, in the header, the rows and the footer (issue 26).
        .stdout(contains("ignored").not());
}

#[test]
fn junit_has_one_testcase_per_check_and_a_failure_per_failed_one() {
    let body = "[[scenario.expect]]\ncount = \"outcomes.BOUNCED\"\nshare_max = 0.02\nmin = 1\n[[scenario.expect]]\ncount = \"daily.*.*.sent\"\nmin = 1\n";
    let (dir, path) = expectations(&one(&library("purchased-list.toml"), body));
    let junit = dir.path().join("report.xml");
    seqsim()
        .arg("check")
        .arg(&path)
        .arg("--junit")
        .arg(&junit)
        .assert()
        .code(1);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    assert!(
        xml.contains("<testsuites name=\"seqsim check\" tests=\"3\" failures=\"1\" skipped=\"0\">")
    );
    assert_eq!(xml.matches("<testcase ").count(), 3);
    assert_eq!(xml.matches("<failure ").count(), 1);
    assert_eq!(xml.matches("</testsuite>").count(), 1);
    // Every element opened is closed: a tiny well-formedness check.
    let opened = xml.matches("<testcase").count() + xml.matches("<testsuite ").count();
    let closed = xml.matches("</testcase>").count()
        + xml.matches("/>").count()
        + xml.matches("</testsuite>").count();
    assert_eq!(opened, closed, "{xml}");
    assert!(xml.contains("<failure message=\""));
    assert!(
        !xml.contains("<= ") && xml.contains("&lt;= "),
        "bounds are escaped: {xml}"
    );
}

#[test]
fn github_actions_gets_error_annotations_on_stderr() {
    let body = "[[scenario.expect]]\ncount = \"outcomes.BOUNCED\"\nshare_max = 0.02\n[[scenario.expect]]\ncount = \"events\"\nmin = 1\n";
    let (_dir, path) = expectations(&one(&library("purchased-list.toml"), body));
    let out = seqsim()
        .env("GITHUB_ACTIONS", "true")
        .arg("check")
        .arg(&path)
        .assert()
        .code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("::error file="), "{stderr}");
    assert!(
        stderr.contains("expect.toml,title=seqsim check%3A "),
        "{stderr}"
    );
    assert!(stderr.contains("outcomes.BOUNCED share_max::"), "{stderr}");
    assert!(
        stderr.contains("is 9.91%25 (3,734 of 37,685), expected share <= 2.00%25"),
        "{stderr}"
    );
}

#[test]
fn the_library_meets_its_expectations() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("expectations/library.toml");
    seqsim()
        .arg("check")
        .arg(path)
        .assert()
        .code(0)
        .stdout(contains(" 0 failed"));
}

#[test]
fn seeds_judge_the_mean_and_a_seeded_baseline_by_welch() {
    let body = "[[scenario.expect]]\ncount = \"outcomes.BOUNCED\"\nrelative = 0.0\nmax = 1000\n";
    let (dir, path, scenario) = copied(body);
    let base8 = dir.path().join("base8.json");
    let check = |extra: &[&std::ffi::OsStr]| {
        let mut cmd = seqsim();
        cmd.arg("check").arg(&path).args(extra);
        cmd
    };
    check(&[
        "--seeds".as_ref(),
        "6".as_ref(),
        "--save-baseline".as_ref(),
        base8.as_ref(),
    ])
    .assert()
    .code(0)
    .stdout(contains("<= 1,000, 95% interval of the mean"))
    .stdout(contains("of 6 seeds"))
    .stdout(contains("no significant move from mean"));
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&base8).unwrap()).unwrap();
    assert_eq!(saved["clean.toml"]["reports"].as_array().unwrap().len(), 6);
    // A one-seed check against a baseline of several seeds, and the other way round: exit 2.
    let one_seed = dir.path().join("one.json");
    check(&["--save-baseline".as_ref(), one_seed.as_ref()])
        .assert()
        .code(0);
    assert_bad(
        &[path.as_ref(), "--baseline".as_ref(), base8.as_ref()],
        &["base8.json", "holds runs of 6 seeds", "--seeds N (N >= 2)"],
    );
    assert_bad(
        &[
            path.as_ref(),
            "--seeds".as_ref(),
            "6".as_ref(),
            "--baseline".as_ref(),
            one_seed.as_ref(),
        ],
        &[
            "one.json",
            "holds one seed per scenario",
            "--save-baseline FILE --seeds N",
        ],
    );
    // Planted: five times the dead mailboxes, a move far beyond seed-to-seed noise.
    let text = std::fs::read_to_string(&scenario).unwrap();
    std::fs::write(
        &scenario,
        text.replace("invalid_address = 0.005", "invalid_address = 0.025"),
    )
    .unwrap();
    check(&[
        "--seeds".as_ref(),
        "6".as_ref(),
        "--baseline".as_ref(),
        base8.as_ref(),
    ])
    .assert()
    .code(1)
    .stdout(contains("1 passed, 1 failed"))
    .stdout(contains("significant beyond ±"));
}

#[test]
fn named_baselines_live_under_dot_seqsim_as_criterion_keeps_its_own() {
    let body = "[[scenario.expect]]\ncount = \"outcomes.BOUNCED\"\nrelative = 0.1\n";
    let (dir, path, scenario) = copied(body);
    let in_dir = |cmd: &mut Command| {
        cmd.current_dir(dir.path());
    };
    let mut save = seqsim();
    in_dir(&mut save);
    save.arg("check")
        .arg(&path)
        .args(["--save-baseline", "main"])
        .assert()
        .code(0);
    let stored = dir.path().join(".seqsim/baselines/main.json");
    assert!(stored.is_file(), "{}", stored.display());
    let check = || {
        let mut cmd = seqsim();
        in_dir(&mut cmd);
        cmd.arg("check").arg(&path).args(["--baseline", "main"]);
        cmd
    };
    check().assert().code(0);
    let text = std::fs::read_to_string(&scenario).unwrap();
    std::fs::write(
        &scenario,
        text.replace("invalid_address = 0.005", "invalid_address = 0.025"),
    )
    .unwrap();
    check().assert().code(1);
    let mut missing = seqsim();
    in_dir(&mut missing);
    missing
        .arg("check")
        .arg(&path)
        .args(["--baseline", "nope"])
        .assert()
        .code(2)
        .stderr(contains(".seqsim/baselines/nope.json"));
}

#[test]
fn a_glob_gives_many_scenarios_one_verdict() {
    let (dir, path) = expectations(
        "[[scenario]]\nfile = \"s/*.toml\"\n[[scenario.expect]]\ncount = \"enrollment.ENROLLED\"\nmin = 1\n",
    );
    std::fs::create_dir(dir.path().join("s")).unwrap();
    for name in ["clean-opt-in.toml", "spam-wave.toml"] {
        std::fs::copy(library(name), dir.path().join("s").join(name)).unwrap();
    }
    seqsim()
        .arg("check")
        .arg(&path)
        .assert()
        .code(0)
        .stdout(contains("s/clean-opt-in.toml"))
        .stdout(contains("s/spam-wave.toml"))
        .stdout(contains("check: 2 passed, 0 failed"));
    let (_empty, nothing) = expectations(
        "[[scenario]]\nfile = \"none/*.toml\"\n[[scenario.expect]]\ncount = \"events\"\nmin = 1\n",
    );
    seqsim()
        .arg("check")
        .arg(&nothing)
        .assert()
        .code(2)
        .stderr(contains("matches no scenario file"));
}
