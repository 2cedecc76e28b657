//! CEL checks end to end: each of the six guard kinds is the CEL expression docs/harness.md
//! gives for it (the same decision on every attempt of the library's scenarios over several
//! seeds), and CEL rule files work through the command line.

use std::path::Path;

use assert_cmd::Command;
use model::Decision;

/// Each guard kind (as a rule file writes it) beside the CEL check docs/harness.md says it is,
/// with thresholds low enough to bite in the library's scenarios.
const EQUIVALENT: [(&str, &str); 6] = [
    (
        "kind = \"sender_bounce_rate\"\nwindow_hours = 168\nthreshold = 0.02\nmin_sends = 20",
        "sender.sent_7d >= 20 && double(sender.bounces_7d) > 0.02 * double(sender.sent_7d)",
    ),
    (
        "kind = \"sender_complaint_rate\"\nwindow_hours = 168\nthreshold = 0.002\nmin_sends = 20",
        "sender.sent_7d >= 20 && double(sender.complaints_7d) > 0.002 * double(sender.sent_7d)",
    ),
    (
        "kind = \"domain_bounces\"\nbounces = 2",
        "domain.bounces >= 2",
    ),
    (
        "kind = \"cooldown\"\ndays = 20",
        "contact.seconds_since_enrollment_end < 20 * 86400",
    ),
    (
        "kind = \"daily_enrollment_cap\"\nper_day = 30",
        "sender.enrolled_today >= 30",
    ),
    (
        "kind = \"recent_engagement\"\ndays = 10",
        "contact.seconds_since_engagement < 10 * 86400",
    ),
];

fn rule_book(table: &str, body: &str) -> scenarios::RuleBook {
    let text = format!("[[{table}]]\ncode = \"PROVEN\"\ndescription = \"d\"\n{body}\n");
    scenarios::parse_rules(&text, "equivalence").unwrap_or_else(|e| panic!("{e}"))
}

/// Every attempt's decision in a run of `scenario`.
fn decisions(scenario: &sim::Scenario) -> Vec<(u32, u32, Decision)> {
    let options = sim::RunOptions {
        attempts: true,
        ..sim::RunOptions::default()
    };
    let result = sim::run_with(scenario, &options);
    assert!(result.rule_error.is_none(), "{:?}", result.rule_error);
    let attempts = result.recordings.attempts.expect("recorded");
    (attempts.iter())
        .map(|a| (a.facts.time, a.facts.contact, a.decision))
        .collect()
}

/// The library's scenarios, at most 20,000 contacts each (scale-1m is scaled down).
fn library() -> Vec<sim::Scenario> {
    let mut paths: Vec<_> = std::fs::read_dir("scenarios/library")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    (paths.iter())
        .map(|p| {
            let mut s = scenarios::load(p).unwrap();
            if s.population.contacts > 20_000 {
                s.scale_contacts(20_000);
            }
            s
        })
        .collect()
}

#[test]
fn each_guard_kind_decides_every_attempt_as_its_cel_expression() {
    let library = library();
    assert!(library.len() >= 10);
    for (guard, expression) in EQUIVALENT {
        let (kind_rules, cel_rules) = (
            rule_book("guards", guard),
            rule_book("checks", &format!("when = {expression:?}")),
        );
        let mut guarded = 0;
        for base in &library {
            for seed in sim::seeds_from(base.seed, 2) {
                let mut s = sim::Scenario {
                    seed,
                    ..base.clone()
                };
                kind_rules.apply(&mut s);
                let by_kind = decisions(&s);
                cel_rules.apply(&mut s);
                let by_cel = decisions(&s);
                assert_eq!(
                    by_kind.len(),
                    by_cel.len(),
                    "{} seed {seed}: {guard}",
                    s.name
                );
                if let Some(i) = (0..by_kind.len()).find(|&i| by_kind[i] != by_cel[i]) {
                    panic!(
                        "{} seed {seed}: attempt {i} {:?} under `{guard}`, {:?} under `{expression}`",
                        s.name, by_kind[i], by_cel[i]
                    );
                }
                guarded += (by_kind.iter())
                    .filter(|a| a.2 == Decision::Guarded(0))
                    .count();
            }
        }
        // The proof is not empty: the guard decided attempts.
        assert!(guarded >= 10, "`{guard}` decided only {guarded} attempts");
    }
}

fn seqsim() -> Command {
    Command::cargo_bin("seqsim").unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn a_check_that_fails_at_run_time_exits_2_naming_the_contact_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write(
        dir.path(),
        "r.toml",
        "[[checks]]\ncode = \"ODD\"\ndescription = \"d\"\nwhen = \"1 / (sender.sent_24h - 7) > 5\"\n",
    );
    let out = dir.path().join("out.json");
    let assert = seqsim()
        .args(["run", "--rules", &rules, "--format", "json", "--out"])
        .arg(&out)
        .assert()
        .code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    for part in [
        "CEL check ODD (`1 / (sender.sent_24h - 7) > 5`) failed to evaluate on the attempt of contact ",
        "(scenario default, seed 20261128): Division by zero",
        "nothing was written",
    ] {
        assert!(stderr.contains(part), "{part}: {stderr}");
    }
    assert!(!out.exists(), "a report was written");
}

/// The house-rules scenario with a check that divides by zero on its first attempt's
/// sender (who has sent nothing), and the paragraph each command must print.
fn failing_scenario(dir: &Path) -> String {
    let text = std::fs::read_to_string("scenarios/library/house-rules.toml").unwrap();
    let text = text.replace(
        "sender.bulk_enrolled_today >= 39\"",
        "10 / sender.sent_24h > 1\"",
    );
    assert!(
        text.contains("10 / sender.sent_24h"),
        "the check was replaced"
    );
    write(dir, "failing.toml", &text)
}

#[test]
fn every_command_that_runs_refuses_a_failing_check_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = failing_scenario(dir.path());
    let expectations = write(
        dir.path(),
        "expect.toml",
        "[[scenario]]\nfile = \"failing.toml\"\n[[scenario.expect]]\ncount = \"enrollment.ENROLLED\"\nmin = 1\n",
    );
    let commands: [Vec<&str>; 5] = [
        vec![
            "sweep",
            &scenario,
            "--vary",
            "population.contacts=200,300",
            "--out-dir",
        ],
        vec![
            "goal",
            &scenario,
            "--vary",
            "population.contacts=100..300",
            "--target",
            "ENROLLED > 50",
            "--html",
        ],
        vec!["export-attempts", &scenario, "--out"],
        vec!["run", &scenario, "--check-determinism", "--out"],
        vec!["check", &expectations, "--html"],
    ];
    for (i, args) in commands.into_iter().enumerate() {
        let out = dir.path().join(format!("out-{i}"));
        let assert = seqsim().args(&args).arg(&out).assert();
        let output = assert.get_output();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("CEL check FREE_GMAIL_BULK_CAP (`sender.provider == 'gmail' && source == 'crm_bulk' && 10 / sender.sent_24h > 1`) failed to evaluate")
                && stderr.contains("Division by zero"),
            "{args:?}: {stderr}"
        );
        // A sweep makes its --out-dir first (to find an unwritable one before the runs): it
        // stays empty.
        let written = out.is_file() || (out.is_dir() && out.read_dir().unwrap().next().is_some());
        assert!(!written, "{args:?} wrote {}", out.display());
    }
}

fn stdout_of(args: &[&str]) -> String {
    let out = seqsim().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{args:?}: {stderr}"
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_cel_checks_code_is_counted_alike_by_run_export_sweep_check_and_trace() {
    const CODE: &str = "FREE_GMAIL_BULK_CAP";
    let report: serde_json::Value =
        serde_json::from_str(&stdout_of(&["run", "house-rules", "--format", "json"])).unwrap();
    let n = report["enrollment"][CODE].as_u64().unwrap();
    assert!(n > 0, "the check refused some attempts");
    // export-attempts: the rows it decided, each listing the code among the checks that hold.
    let rows: Vec<serde_json::Value> = (stdout_of(&["export-attempts", "house-rules"]).lines())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let refused: Vec<_> = rows.iter().filter(|r| r["reference"] == CODE).collect();
    assert_eq!(refused.len() as u64, n);
    assert!(refused
        .iter()
        .all(|r| r["guards"].as_array().unwrap().contains(&CODE.into())));
    // sweep: the code as a metric, at the scenario's own size.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    let sweep = [
        "sweep",
        "house-rules",
        "--vary",
        "population.contacts=20000",
        "--metric",
        CODE,
        "--out-dir",
    ];
    seqsim().args(sweep).arg(&out).assert().code(0);
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert!(csv.contains(&format!(",enrollment.{CODE},{n}\n")), "{csv}");
    // check: a bound on the code's count holds at n and fails below it.
    let library = std::fs::canonicalize("scenarios/library/house-rules.toml").unwrap();
    for (max, code) in [(n, 0), (n - 1, 1)] {
        let text = format!(
            "[[scenario]]\nfile = {:?}\n[[scenario.expect]]\ncount = \"enrollment.{CODE}\"\nmax = {max}\n",
            library.display().to_string()
        );
        let expectations = write(dir.path(), "e.toml", &text);
        seqsim().args(["check", &expectations]).assert().code(code);
    }
    // trace: the first refused contact's journey names the code and the expression's reading.
    let contact = refused[0]["contact"]["id"].to_string();
    let trace = stdout_of(&["trace", "house-rules", "--contact", &contact]);
    assert!(
        trace.contains(&format!(
            ": rejected {CODE}: first failing check in rule order"
        )),
        "{trace}"
    );
    let reading = format!("CEL check {CODE} `sender.provider == 'gmail' && source == 'crm_bulk' && sender.bulk_enrolled_today >= 39` true, reading source = \"crm_bulk\", sender.provider = \"gmail\", sender.bulk_enrolled_today = ");
    assert!(trace.contains(&reading), "{trace}");
}

#[test]
fn a_rule_change_to_a_cel_check_shows_in_diff_over_seeds_and_in_the_moved_contacts_trace() {
    let rules = [
        "--before-rules",
        "rules/default.toml",
        "--after-rules",
        "rules/free-gmail-bulk-cap.toml",
        "default",
    ];
    let seeds = stdout_of(&[&["diff"][..], &rules, &["--seeds", "5"]].concat());
    let row = (seeds.lines())
        .find(|l| l.starts_with("FREE_GMAIL_BULK_CAP "))
        .unwrap_or_else(|| panic!("{seeds}"));
    assert!(row.trim_end().ends_with("yes"), "beyond noise: {row}");
    let one = stdout_of(&[&["diff"][..], &rules, &["--examples", "20"]].concat());
    assert!(one.contains("attempt 1: decision    ENROLLED "), "{one}");
    let moved = (one.lines())
        .filter_map(|l| l.trim().strip_prefix("contact "))
        .find(|l| {
            l.contains("=>")
                && l.split("=>")
                    .nth(1)
                    .unwrap()
                    .contains("FREE_GMAIL_BULK_CAP")
        })
        .unwrap_or_else(|| panic!("a contact the check moved: {one}"));
    let contact = moved.split(' ').next().unwrap();
    let trace = stdout_of(&[
        "trace",
        "default",
        "--rules",
        "rules/free-gmail-bulk-cap.toml",
        "--contact",
        contact,
    ]);
    assert!(trace.contains("rejected FREE_GMAIL_BULK_CAP"), "{trace}");
    assert!(
        trace.contains("CEL check FREE_GMAIL_BULK_CAP `") && trace.contains(" true, reading "),
        "{trace}"
    );
}

#[test]
fn every_bad_expression_exits_2_with_a_caret_under_the_problem() {
    let cases = [
        (
            "contact.bounced > 3",
            "no matching overload for '_>_' applied to '(bool, int)'",
            0,
        ),
        (
            "contact.bounce || true",
            "contact has no field bounce; allowed: id, ",
            0,
        ),
        (
            "true && foo",
            "unknown variable foo; allowed: time, portal",
            8,
        ),
        ("sender.sent_24h >", "Syntax error", 17),
        (
            "sender.sent_24h + 1",
            "it evaluates to an int, not a bool",
            0,
        ),
        (
            "sender",
            "sender is an object, not a value; allowed: one of its fields",
            0,
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (when, message, column) in cases {
        let text = format!("[[checks]]\ncode = \"C\"\ndescription = \"d\"\nwhen = {when:?}\n");
        let rules = write(dir.path(), "r.toml", &text);
        let assert = seqsim()
            .args(["validate", "--rules", &rules])
            .assert()
            .code(2);
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert!(
            stderr.contains("key `checks[0].when`: "),
            "{when}: {stderr}"
        );
        assert!(stderr.contains(message), "{when}: {stderr}");
        let caret = format!("\n    {when}\n    {}^", " ".repeat(column));
        assert!(
            stderr.contains(&caret),
            "{when}: caret at {column}: {stderr}"
        );
    }
}

#[test]
fn docs_harness_md_tables_every_variable_with_its_type() {
    let doc = std::fs::read_to_string("docs/harness.md").unwrap();
    let section = doc
        .split("## Variables of CEL checks")
        .nth(1)
        .expect("the section");
    let mut rows: Vec<(&str, &str)> = (section.lines())
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let name = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((name, *cells.get(2)?))
        })
        .filter(|(name, kind)| !name.contains(' ') && ["bool", "int", "string"].contains(kind))
        .collect();
    let mut known: Vec<(&str, &str)> = (sim::cel::Variable::ALL.iter())
        .map(|v| (v.name(), v.kind().name()))
        .collect();
    rows.sort();
    known.sort();
    assert_eq!(
        rows, known,
        "the table's rows: every variable once, with its type"
    );
}
