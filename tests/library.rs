//! The built-in scenario library on the command line: `seqsim list`, library names wherever a
//! scenario file goes, and `run` over several files or a glob pattern.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;

fn seqsim() -> Command {
    Command::cargo_bin("seqsim").unwrap()
}

fn library_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/library")
}

/// Every library file's stem, sorted.
fn library_stems() -> Vec<String> {
    let mut stems: Vec<String> = (std::fs::read_dir(library_dir()).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    stems.sort();
    stems
}

/// `seqsim` with `args` run in `dir`: its standard output, after checking it succeeded.
fn stdout_in(dir: &Path, args: &[&str]) -> String {
    let output = seqsim().current_dir(dir).args(args).assert().success();
    String::from_utf8(output.get_output().stdout.clone()).unwrap()
}

#[test]
fn list_shows_every_library_file_from_any_folder() {
    let elsewhere = tempfile::tempdir().unwrap();
    let table = stdout_in(elsewhere.path(), &["list"]);
    let json = stdout_in(elsewhere.path(), &["list", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let names: Vec<&str> = (json.as_array().unwrap().iter())
        .map(|row| row["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, library_stems());
    for (stem, row) in library_stems().iter().zip(json.as_array().unwrap()) {
        let text = std::fs::read_to_string(library_dir().join(format!("{stem}.toml"))).unwrap();
        let description = row["description"].as_str().unwrap();
        assert_eq!(description, description_line(&text));
        assert!(
            table
                .lines()
                .any(|l| l.starts_with(stem.as_str()) && l.ends_with(description)),
            "{stem} missing from\n{table}"
        );
    }
}

/// The `description = "..."` line of a scenario file, read without a TOML parser.
fn description_line(text: &str) -> &str {
    let line = (text.lines())
        .find_map(|l| l.strip_prefix("description = \""))
        .expect("a description line");
    line.strip_suffix('"').expect("a one-line string")
}

#[test]
fn a_name_runs_the_library_file_byte_for_byte() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let elsewhere = tempfile::tempdir().unwrap();
    let args = ["--contacts", "2000", "--format", "json"];
    let by_file = stdout_in(
        root,
        &[&["run", "scenarios/library/purchased-list.toml"], &args[..]].concat(),
    );
    for name in ["purchased-list", "purchased-list.toml"] {
        let by_name = stdout_in(elsewhere.path(), &[&["run", name], &args[..]].concat());
        assert_eq!(by_name, by_file, "{name}");
    }
    let trace = |dir: &Path, s: &str| stdout_in(dir, &["trace", s, "--contact", "7"]);
    assert_eq!(
        trace(elsewhere.path(), "spam-wave"),
        trace(root, "scenarios/library/spam-wave.toml")
    );
    let validated = stdout_in(elsewhere.path(), &["validate", "spam-wave"]);
    assert!(
        validated.starts_with("library scenario `spam-wave` is valid"),
        "{validated}"
    );
}

#[test]
fn a_file_wins_over_a_name() {
    let dir = tempfile::tempdir().unwrap();
    let clean = std::fs::read_to_string(library_dir().join("clean-opt-in.toml")).unwrap();
    std::fs::write(dir.path().join("purchased-list"), clean).unwrap();
    let validated = stdout_in(dir.path(), &["validate", "purchased-list"]);
    assert!(
        validated.starts_with("scenario file `purchased-list` is valid"),
        "{validated}"
    );
}

#[test]
fn an_unknown_name_exits_two_listing_the_library() {
    for command in [
        &["run", "no-such-scenario"][..],
        &["trace", "no-such-scenario", "--contact", "1"],
        &["validate", "no-such-scenario"],
        &["diff", "no-such-scenario", "spam-wave"],
    ] {
        let output = seqsim().args(command).assert().code(2).stdout("");
        let stderr = String::from_utf8(output.get_output().stderr.clone()).unwrap();
        assert!(
            stderr.contains("`no-such-scenario` is neither a scenario file nor a library scenario"),
            "{stderr}"
        );
        for stem in library_stems() {
            assert!(stderr.contains(&stem), "{stem} not listed in {stderr}");
        }
    }
}

#[test]
fn a_glob_runs_every_file_in_order() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let args = ["--contacts", "300", "--summary", "--format", "json"];
    let text = stdout_in(
        root,
        &[&["run", "scenarios/library/*.toml"], &args[..]].concat(),
    );
    let reports: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(reports.as_array().unwrap().len(), library_stems().len());
    let one = |file: &str| {
        let text = stdout_in(root, &[&["run", file], &args[..]].concat());
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    };
    assert_eq!(reports[0], one("scenarios/library/at-send-limits.toml"));
    assert_eq!(reports[3], one("scenarios/library/default.toml"));
    seqsim()
        .args(["run", "scenarios/library/no-such-*.toml"])
        .assert()
        .code(2)
        .stderr(contains("matches no file"));
}

#[test]
fn several_scenarios_go_to_one_out_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports.json");
    let args = ["--contacts", "300", "--summary", "--format", "json"];
    seqsim()
        .args(["run", "spam-wave", "clean-opt-in", "--out"])
        .arg(&out)
        .args(args)
        .assert()
        .success()
        .stdout("");
    let both: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let one = stdout_in(dir.path(), &[&["run", "clean-opt-in"], &args[..]].concat());
    assert_eq!(both.as_array().unwrap().len(), 2);
    assert_eq!(
        both[1],
        serde_json::from_str::<serde_json::Value>(&one).unwrap()
    );
    let tables = stdout_in(
        dir.path(),
        &["run", "spam-wave", "clean-opt-in", "--contacts", "300"],
    );
    assert!(
        tables.contains("spam-wave") && tables.contains("clean-opt-in"),
        "{tables}"
    );
}
