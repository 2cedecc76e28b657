//! The command line under hostile conditions (issue 13): signals during a run, numbers beyond
//! TOML's integers, scenarios too large for the machine, and the determinism self-check.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

mod common;
use common::{scenario_file, valid_scenario};

fn seqsim() -> Command {
    Command::cargo_bin("seqsim").unwrap()
}

/// `valid_scenario` with the line starting `key =` replaced by `key = value`.
fn with_line(key: &str, value: &str) -> String {
    let text = valid_scenario();
    let prefix = format!("{key} =");
    assert!(text.lines().any(|l| l.starts_with(&prefix)), "no `{key}`");
    (text.lines())
        .map(|l| match l.starts_with(&prefix) {
            true => format!("{key} = {value}"),
            false => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The temporary report files in `dir`.
fn temporary_files(dir: &Path) -> Vec<String> {
    (std::fs::read_dir(dir).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".seqsim-report-"))
        .collect()
}

/// Issue 13's row "SIGTERM during `run --out`": the temporary file is removed and the exit is
/// 143 (128 + SIGTERM), not 0. The run is long (5M contacts) so that it is still running when
/// the signal comes; it is stopped within milliseconds of creating its temporary file.
#[cfg(unix)]
#[test]
fn sigterm_during_run_out_removes_the_temporary_file() {
    for signal in ["TERM", "INT"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report.txt");
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("seqsim"))
            .args(["run", "scale-1m", "--contacts", "5000000", "--out"])
            .arg(&out)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut waited = 0;
        while temporary_files(dir.path()).is_empty() {
            assert!(waited < 2_000, "no temporary file after 20 s");
            assert!(child.try_wait().unwrap().is_none(), "the run ended early");
            std::thread::sleep(std::time::Duration::from_millis(10));
            waited += 1;
        }
        let killed = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(killed.success());
        let output = child.wait_with_output().unwrap();
        let expected = if signal == "TERM" { 143 } else { 130 };
        assert_eq!(output.status.code(), Some(expected), "SIG{signal}");
        assert!(String::from_utf8_lossy(&output.stderr).contains(&format!("SIG{signal}")));
        assert_eq!(temporary_files(dir.path()), Vec::<String>::new());
        assert!(!out.exists());
    }
}

/// Issue 13's row "`seed = 2^64-1` in a file": the largest seed is written as a TOML integer
/// (beyond TOML's 64-bit signed range) or as a string, in decimal or hex, and runs as
/// `--seed 18446744073709551615` does.
#[test]
fn the_largest_seed_can_be_written_in_a_file() {
    let by_flag = seqsim()
        .args(["run", "--format", "json", "--summary", "--seed"])
        .arg(u64::MAX.to_string())
        .arg(scenario_file(&valid_scenario()).1)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    for written in [
        "18446744073709551615",
        "\"18446744073709551615\"",
        "\"0xffffffffffffffff\"",
    ] {
        let (_dir, path) = scenario_file(&with_line("seed", written));
        seqsim()
            .arg("validate")
            .arg(&path)
            .assert()
            .code(0)
            .stdout(contains("seed 18446744073709551615"));
        let by_file = seqsim()
            .args(["run", "--format", "json", "--summary"])
            .arg(&path)
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let (mut a, mut b): (serde_json::Value, serde_json::Value) = (
            serde_json::from_slice(&by_flag).unwrap(),
            serde_json::from_slice(&by_file).unwrap(),
        );
        assert_eq!(a["seed"], serde_json::json!(u64::MAX), "{written}");
        // The files differ (so do their SHA-256s); the runs do not.
        (a["provenance"], b["provenance"]) = (serde_json::Value::Null, serde_json::Value::Null);
        assert_eq!(a, b, "{written}");
    }
    for (written, shown) in [
        ("18446744073709551616", "18446744073709551616"),
        ("\"0x1ffffffffffffffff\"", "0x1ffffffffffffffff"),
        ("-1", "-1"),
    ] {
        let (_dir, path) = scenario_file(&with_line("seed", written));
        seqsim()
            .arg("validate")
            .arg(&path)
            .assert()
            .code(2)
            .stderr(contains("key `seed`"))
            .stderr(contains(shown))
            .stderr(contains("18446744073709551615"));
    }
}

/// Issue 13's row "a count of 2^63 in a file": exit 2 naming the key path, the file's digits
/// and the range the key allows (the scenarios crate checks every integer key of the library).
#[test]
fn a_count_beyond_toml_integers_names_its_key_and_range() {
    let text = valid_scenario().replacen("contacts = ", "contacts = 9223372036854775808 #", 1);
    let (_dir, path) = scenario_file(&text);
    seqsim()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(contains(
            "key `population.contacts`: 9223372036854775808 is out of range",
        ))
        .stderr(contains("from 1 to 100000000"))
        .stderr(contains("TOML parse error").not());
}

/// Issue 13's row "`portals = 10000, horizon_days = 3650` (a 1.5 KB file that validates)": its
/// daily counters alone need about 28.6 GB, so every command refuses it at once, naming the
/// figures and the knob; with a budget it fits, the same file validates.
#[test]
fn a_scenario_over_the_memory_budget_is_refused_before_it_runs() {
    let text = valid_scenario()
        .replacen("portals = 1\n", "portals = 10000\n", 1)
        .replacen("horizon_days = 30\n", "horizon_days = 3650\n", 1)
        .replacen("count = 6\n", "count = 10000\n", 1);
    assert!(text.len() < 2_000);
    let (dir, path) = scenario_file(&text);
    let out = dir.path().join("report.txt");
    for args in [
        vec!["validate"],
        vec!["run", "--out", out.to_str().unwrap()],
        vec!["trace", "--contact", "1"],
        vec!["run", "--max-memory", "16GiB"],
    ] {
        seqsim()
            .args(&args)
            .arg(&path)
            .assert()
            .code(2)
            .stdout("")
            .stderr(contains("10000 portals x 3650 horizon_days"))
            .stderr(contains("--max-memory"))
            .stderr(contains("GiB of daily counters"));
    }
    assert!(!out.exists());
    assert_eq!(temporary_files(dir.path()), Vec::<String>::new());
    seqsim()
        .args(["validate", "--max-memory", "64GiB"])
        .arg(&path)
        .assert()
        .code(0)
        .stdout(contains("estimated peak memory 26.8 GiB"));
    seqsim()
        .args(["validate", "--max-memory", "2 parsecs"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(contains("unknown unit"));
}

/// `--check-determinism`: the library's multi-portal default hashes the same twice on 1 thread
/// and on 3 threads (exit 0); a bad file is still exit 2.
#[test]
fn check_determinism_finds_the_runs_identical() {
    seqsim()
        .args(["run", "default", "--check-determinism", "--threads", "3"])
        .assert()
        .code(0)
        .stdout(contains("deterministic: scenario \"default\""))
        .stdout(contains(
            "two 1-thread runs and a 3-thread run hash the same 95824 events (4 portals x 30 days)",
        ));
    let (_dir, path) = scenario_file("seed = 1\n");
    seqsim()
        .args(["run", "--check-determinism"])
        .arg(&path)
        .assert()
        .code(2);
}

/// `seqsim swarm`: a short swarm passes with its one-line summary; a failure's file replays
/// (here a passing one, drawn by the swarm's own generator through the CLI's --replay).
#[test]
fn a_short_swarm_passes_and_a_file_replays() {
    let dir = tempfile::tempdir().unwrap();
    let out = seqsim()
        .args([
            "swarm",
            "--seed",
            "1",
            "--count",
            "20",
            "--threads",
            "2",
            "--out-dir",
        ])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(contains(
            "swarm ok: seed 1, 20 scenarios, every invariant held",
        ))
        .get_output()
        .stdout
        .clone();
    assert_eq!(String::from_utf8(out).unwrap().lines().count(), 1);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file on success"
    );
    let library = "scenarios/library/tuesday-outage.toml";
    seqsim()
        .args(["swarm", "--replay", library])
        .assert()
        .code(0)
        .stdout(contains("every invariant holds"));
    seqsim()
        .args(["swarm", "--out-dir", "/nonexistent/dir"])
        .assert()
        .code(2);
}
