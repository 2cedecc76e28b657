//! `seqsim init`: every template is a valid, runnable scenario; it goes to standard output or to
//! a new file (an existing one only with --force); the `ci` template's expectations example
//! passes `seqsim check`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::PredicateBooleanExt as _;
use predicates::str::contains;

const TEMPLATES: [&str; 3] = ["capacity", "qa", "ci"];

fn seqsim() -> Command {
    Command::cargo_bin("seqsim").unwrap()
}

fn template_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/templates/{name}.toml"))
}

fn init_stdout(args: &[&str]) -> String {
    let output = seqsim().arg("init").args(args).assert().success();
    String::from_utf8(output.get_output().stdout.clone()).unwrap()
}

#[test]
fn every_template_file_is_offered_and_runs() {
    let mut files: Vec<String> = std::fs::read_dir(template_path("x").parent().unwrap())
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    let mut offered = TEMPLATES.map(str::to_owned).to_vec();
    offered.sort();
    assert_eq!(
        files, offered,
        "the folder holds exactly the templates init offers"
    );
    for name in TEMPLATES {
        let text = init_stdout(&[name]);
        assert_eq!(text, std::fs::read_to_string(template_path(name)).unwrap());
        let scenario = scenarios::parse(&text, &format!("{name}.toml"), name)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            scenario.warnings.is_empty(),
            "{name}: {:?}",
            scenario.warnings
        );
        let result = sim::run(&scenario);
        assert!(result.counters.enrolled > 0, "{name} enrolls nobody");
        // Commented for a planner: more comment lines than a bare scenario needs.
        let comments = text.lines().filter(|l| l.contains('#')).count();
        assert!(comments >= 20, "{name}: {comments} commented lines");
    }
    assert_eq!(init_stdout(&[]), init_stdout(&["capacity"]), "the default");
}

#[test]
fn out_writes_a_new_file_and_keeps_an_existing_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.toml");
    let out = path.to_str().unwrap();
    seqsim()
        .args(["init", "qa", "--out", out])
        .assert()
        .success()
        .stdout("");
    let qa = std::fs::read_to_string(template_path("qa")).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), qa);
    seqsim()
        .args(["init", "ci", "--out", out])
        .assert()
        .code(2)
        .stderr(
            contains("plan.toml")
                .and(contains("exists"))
                .and(contains("--force")),
        );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), qa, "kept");
    seqsim()
        .args(["init", "ci", "--out", out, "--force"])
        .assert()
        .success();
    let ci = std::fs::read_to_string(template_path("ci")).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), ci, "replaced");
    seqsim()
        .args(["init", "surprise"])
        .assert()
        .code(2)
        .stderr(contains("capacity"));
    seqsim().args(["init", "--force"]).assert().code(2);
}

/// The `ci` template's comments hold an expectations file: saved beside the template, it passes.
#[test]
fn the_ci_templates_expectations_pass() {
    let text = std::fs::read_to_string(template_path("ci")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim() == "#   [[scenario]]")
        .unwrap();
    let expect: Vec<&str> = lines[start..]
        .iter()
        .take_while(|l| l.starts_with("#  ") || l.trim() == "#")
        .map(|l| l.trim_start_matches('#').strip_prefix("  ").unwrap_or(""))
        .collect();
    let expect = expect.join("\n");
    assert!(expect.contains("file = \"smoke.toml\""), "{expect}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("smoke.toml"), &text).unwrap();
    std::fs::write(dir.path().join("expect.toml"), &expect).unwrap();
    seqsim()
        .current_dir(dir.path())
        .args(["check", "expect.toml"])
        .assert()
        .success()
        .stdout(contains("outcomes.SEND_LIMIT_REACHED"));
}
