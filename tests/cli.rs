//! The command line end to end: the main job, its formats, and every kind of bad input.

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

mod common;
use common::{scenario_file, valid_scenario};

fn seqsim() -> Command {
    Command::cargo_bin("seqsim").unwrap()
}

fn json_of(output: &[u8]) -> serde_json::Value {
    serde_json::from_slice(output).expect("the report is JSON")
}

/// Runs `seqsim validate` and `seqsim run` on `text` and checks both fail with exit code 2 and
/// a message naming the file and every key in `keys`.
fn assert_rejected(text: &str, keys: &[&str]) {
    let (_dir, path) = scenario_file(text);
    for args in [vec!["validate"], vec!["run", "--format", "json"]] {
        let output = seqsim()
            .args(&args)
            .arg(&path)
            .assert()
            .code(2)
            .stdout("")
            .stderr(contains(path.display().to_string()))
            .stderr(contains("panicked").not())
            .get_output()
            .clone();
        let stderr = String::from_utf8(output.stderr).unwrap();
        for key in keys {
            assert!(
                stderr.contains(&format!("`{key}`")),
                "no key `{key}` in: {stderr}"
            );
        }
    }
}

#[test]
fn default_run_shows_every_enrollment_code() {
    let out = seqsim()
        .args(["run", "--format", "json"])
        .assert()
        .success();
    let report = json_of(&out.get_output().stdout);
    assert_eq!(report["scenario"], "default");
    let attempts = report["enrollment_attempts"].as_u64().unwrap();
    let enrollment = report["enrollment"].as_object().unwrap();
    let sum: u64 = enrollment.values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(sum, attempts);
    assert!(enrollment["ENROLLED"].as_u64().unwrap() > 0);
    for code in model::RejectionCode::ENROLLMENT_REJECTIONS {
        assert!(
            enrollment[code.name()].as_u64().unwrap() > 0,
            "{}",
            code.name()
        );
    }
}

#[test]
fn table_and_markdown_name_every_code() {
    for format in ["table", "markdown"] {
        let out = seqsim()
            .args(["run", "--format", format])
            .assert()
            .success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        for code in model::RejectionCode::ALL {
            assert!(text.contains(code.name()), "{format} lacks {}", code.name());
        }
        assert!(text.contains("ENROLLED"));
    }
    seqsim()
        .arg("run")
        .assert()
        .success()
        .stdout(contains("enrollment decision"));
}

#[test]
fn runs_are_byte_identical_and_seeds_change_the_world() {
    let run = |seed: &str| {
        seqsim()
            .args([
                "run",
                "scenarios/library/overlapping-team.toml",
                "--format",
                "json",
                "--seed",
                seed,
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    assert_eq!(run("7"), run("7"));
    assert_ne!(run("7"), run("8"));
    assert_eq!(json_of(&run("8"))["seed"], 8);
}

#[test]
fn out_writes_the_report_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    seqsim()
        .args(["run", "--format", "json", "--out"])
        .arg(&path)
        .assert()
        .success()
        .stdout("");
    let written = std::fs::read(&path).unwrap();
    let printed = seqsim()
        .args(["run", "--format", "json"])
        .assert()
        .success();
    assert_eq!(written, printed.get_output().stdout);
    // Only the report is left behind: no temporary file.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn help_has_examples() {
    seqsim()
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("Examples:"))
        .stdout(contains("seqsim run"));
    seqsim()
        .args(["run", "--help"])
        .assert()
        .success()
        .stdout(contains("--seed"));
    // Each command's help shows its own examples and its exit codes.
    for command in ["run", "trace", "diff", "validate", "check"] {
        let out = seqsim().args([command, "--help"]).assert().success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(
            text.contains(&format!("  seqsim {command} ")),
            "{command}: {text}"
        );
        assert!(text.contains("Exit codes: 0"), "{command}: {text}");
        let others = ["run", "trace", "diff", "validate", "check"]
            .into_iter()
            .filter(|c| *c != command);
        for other in others {
            assert!(
                !text.contains(&format!("  seqsim {other} ")),
                "{command} shows {other}"
            );
        }
    }
}

#[test]
fn every_library_scenario_validates() {
    for entry in std::fs::read_dir("scenarios/library").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") && !path.ends_with("Cargo.toml") {
            seqsim()
                .arg("validate")
                .arg(&path)
                .assert()
                .success()
                .stdout(contains("is valid"));
        }
    }
}

#[test]
fn rule_files_validate_on_their_own() {
    // Every library rule file, given with --rules or as the file itself: exit 0, its checks
    // in order (counted here from the file's own guards and the 15 built-in codes).
    for entry in std::fs::read_dir("rules").unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let (guards, cel) = (
            text.matches("[[guards]]").count(),
            text.matches("[[checks]]").count(),
        );
        let checks = if text.contains("order = [") {
            // An order lists its checks between the brackets, one quoted name each.
            let order = &text[text.find("order = [").unwrap()..];
            order[..order.find(']').unwrap()].matches('"').count() / 2
        } else {
            15 + guards + cel
        };
        let expected = format!(
            "rule file `{}` is valid: {checks} checks in order: ",
            path.display()
        );
        for args in [vec!["validate", "--rules"], vec!["validate"]] {
            seqsim()
                .args(&args)
                .arg(&path)
                .assert()
                .success()
                .stdout(predicate::str::starts_with(expected.clone()))
                .stdout(contains(format!("; {guards} guard")))
                .stdout(contains(format!(" {cel} CEL check")));
        }
    }
    let (_dir, bad) = scenario_file(
        "[[guards]]\ncode = \"G\"\ndescription = \"d\"\nkind = \"cooldown\"\nday = 3\n",
    );
    for args in [vec!["validate", "--rules"], vec!["validate"]] {
        seqsim()
            .args(&args)
            .arg(&bad)
            .assert()
            .code(2)
            .stdout("")
            .stderr(contains(format!(
                "rule file `{}` is invalid",
                bad.display()
            )))
            .stderr(contains("key `guards[0].day`: unknown key"))
            .stderr(contains("a guard is a [[guards]] table"));
    }
    // With a scenario: the scenario under the rule file.
    seqsim()
        .args(["validate", "default", "--rules", "rules/two-guards.toml"])
        .assert()
        .success()
        .stdout(contains("library scenario `default` is valid"));
    seqsim()
        .args([
            "validate",
            "--rules",
            "rules/two-guards.toml",
            "--set",
            "seed=1",
        ])
        .assert()
        .code(2)
        .stderr(contains("allowed: --set with a SCENARIO"));
}

#[test]
fn malformed_toml_is_rejected() {
    assert_rejected("seed = 1\n[population\ncontacts = 3\n", &[]);
    assert_rejected("", &[]);
    let (_dir, path) = scenario_file("seed = 1\n[population\ncontacts = 3\n");
    seqsim()
        .arg("validate")
        .arg(&path)
        .assert()
        .stderr(contains("not valid TOML"))
        .stderr(contains("line 2"));
    let (_dir, path) = scenario_file("");
    seqsim()
        .arg("validate")
        .arg(&path)
        .assert()
        .stderr(contains("`seed`"));
}

#[test]
fn unknown_keys_are_all_reported_at_once() {
    let text = valid_scenario()
        .replace("[plan]\n", "[plan]\nbusiness_dayz = 3\n")
        .replace("[population]\n", "[population]\ncolour = \"blue\"\n")
        .replace("seed = 1001\n", "seed = 1001\nmystery = true\n");
    assert_rejected(
        &text,
        &["plan.business_dayz", "population.colour", "mystery"],
    );
    let (_dir, path) = scenario_file(&text);
    seqsim()
        .arg("validate")
        .arg(&path)
        .assert()
        .stderr(contains("allowed here"))
        .stderr(contains("business_days"));
}

#[test]
fn probabilities_outside_zero_one_are_rejected() {
    let text = valid_scenario()
        .replace("invalid_address = 0.005", "invalid_address = 1.5")
        .replace("coverage = 0.95", "coverage = -0.1");
    assert_rejected(
        &text,
        &["population.rates.invalid_address", "plan.coverage"],
    );
    let text = valid_scenario().replace("gmail_extension = 0.1", "gmail_extension = 0.3");
    assert_rejected(&text, &["plan.sources"]);
}

#[test]
fn zero_and_negative_counts_are_rejected() {
    let text = valid_scenario()
        .replace("contacts = 8000", "contacts = 0")
        .replace("count = 6", "count = -2")
        .replace("business_days = 15", "business_days = 0");
    assert_rejected(
        &text,
        &[
            "population.contacts",
            "senders[0].count",
            "plan.business_days",
        ],
    );
}

#[test]
fn bad_names_are_rejected_with_the_allowed_ones() {
    let text = valid_scenario()
        .replace("seat = \"enterprise\"", "seat = \"platinum\"")
        .replace("kind = \"task\"", "kind = \"fax\"");
    assert_rejected(&text, &["senders[1].seat", "sequences[0].steps[1].kind"]);
    let (_dir, path) = scenario_file(&text);
    seqsim()
        .arg("validate")
        .arg(&path)
        .assert()
        .stderr(contains("\"professional\""));
    let text = valid_scenario().replace(
        "[plan]",
        "[rules]\norder = [\"BOUNCED\", \"ALREADY_ENROLLED\"]\n\n[plan]",
    );
    assert_rejected(&text, &["rules.order"]);
}

#[test]
fn a_scenario_without_senders_is_rejected() {
    let text: String = valid_scenario()
        .split("[[senders]]")
        .next()
        .unwrap()
        .to_owned()
        + &valid_scenario()[valid_scenario().find("[plan]").unwrap()..];
    assert_rejected(&text, &["senders"]);
}

#[test]
fn a_missing_file_is_reported() {
    for args in [vec!["validate"], vec!["run"]] {
        seqsim()
            .args(&args)
            .arg("no/such/scenario.toml")
            .assert()
            .code(2)
            .stderr(contains("no/such/scenario.toml"));
    }
}

#[test]
fn an_unwritable_out_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing_dir = dir.path().join("missing").join("report.json");
    seqsim()
        .args(["run", "--out"])
        .arg(&missing_dir)
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("--out"))
        .stderr(contains("does not exist"));
    assert!(!missing_dir.exists());
    // A directory is not a file to write to.
    seqsim()
        .args(["run", "--out"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(contains("is a directory"));
    // A bad scenario leaves an existing report untouched.
    let report = dir.path().join("report.json");
    std::fs::write(&report, "previous").unwrap();
    let (_d, bad) = scenario_file("seed = -1");
    seqsim()
        .arg("run")
        .arg(&bad)
        .arg("--out")
        .arg(&report)
        .assert()
        .code(2);
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "previous");
}

#[test]
fn bad_flags_exit_with_two() {
    seqsim().args(["run", "--format", "xml"]).assert().code(2);
    seqsim()
        .args(["run", "--seed", "minus-one"])
        .assert()
        .code(2);
}

#[test]
fn json_reports_outcomes_and_a_daily_series() {
    let out = seqsim()
        .args(["run", "--format", "json"])
        .assert()
        .success();
    let report = json_of(&out.get_output().stdout);
    let enrolled = report["enrollment"]["ENROLLED"].as_u64().unwrap();
    let outcomes = report["outcomes"].as_object().unwrap();
    assert_eq!(
        outcomes.values().map(|v| v.as_u64().unwrap()).sum::<u64>(),
        enrolled
    );
    for outcome in model::Outcome::ALL {
        assert!(outcomes.contains_key(outcome.name()), "{}", outcome.name());
    }
    let daily = report["daily"].as_array().unwrap();
    assert_eq!(daily.len() as u64, report["horizon_days"].as_u64().unwrap());
    assert_eq!(daily[0]["date"], "2026-03-02");
    assert_eq!(daily[0]["weekday"], "Mon");
    let sent: u64 = daily
        .iter()
        .flat_map(|d| d["providers"].as_array().unwrap())
        .map(|p| p["sent"].as_u64().unwrap())
        .sum();
    assert!(sent > enrolled, "{sent} emails for {enrolled} enrollments");
}

#[test]
fn thread_count_does_not_change_the_report() {
    let run = |threads: &str| {
        seqsim()
            .args([
                "run",
                "scenarios/library/weeks-of-feedback.toml",
                "--format",
                "json",
                "--threads",
                threads,
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    assert_eq!(one, run("8"));
}

#[test]
fn contacts_override_scales_the_scenario() {
    let out = seqsim()
        .args(["run", "--contacts", "3000", "--format", "json"])
        .assert()
        .success();
    let report = json_of(&out.get_output().stdout);
    assert_eq!(report["population"]["contacts"], 3000);
    let attempts = report["enrollment_attempts"].as_u64().unwrap();
    assert!((2_500..4_000).contains(&attempts), "{attempts}");
    seqsim().args(["run", "--contacts", "0"]).assert().code(2);
    seqsim().args(["run", "--threads", "0"]).assert().code(2);
}

#[test]
fn trace_explains_a_contact_end_to_end() {
    // Find a contact that bounced in the weeks-of-feedback scenario and was tried again.
    let out = seqsim()
        .args([
            "trace",
            "scenarios/library/weeks-of-feedback.toml",
            "--contact",
            "7",
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.starts_with("contact 7 of scenario weeks-of-feedback"),
        "{text}"
    );
    assert!(text.contains("attempt by user"), "{text}");
    assert!(
        text.contains("enrollment ended:") || text.contains("rejected"),
        "{text}"
    );
    // Every line after the header starts with a date and time.
    for line in text.lines().skip_while(|l| !l.is_empty()).skip(1) {
        assert!(
            line.starts_with("2026-02-") || line.starts_with("2026-03-"),
            "{line}"
        );
    }
    let same = seqsim()
        .args([
            "trace",
            "scenarios/library/weeks-of-feedback.toml",
            "--contact",
            "7",
        ])
        .assert()
        .success();
    assert_eq!(out.get_output().stdout, same.get_output().stdout);
    seqsim()
        .args(["trace", "--contact", "99999999"])
        .assert()
        .code(2)
        .stderr(contains("allowed: 0 to 19999"));
}

/// The journey of spam-wave's contact 8 as `seqsim trace` printed it before `--format json`
/// came: the text stays as it was.
const SPAM_WAVE_CONTACT_8: &str = concat!(
    "contact 8 of scenario spam-wave (seed 3004), portal 0, mailbox 8 at other\n",
    "  address facts at start: none\n",
    "  record facts at start (with its address's facts in this portal): none\n",
    "  subscription types opted out of at start (UNSUBSCRIBED_PERSONAL): none\n",
    "  sequences whose email a provider rejected (OTHER_SEND_REJECTED): none\n",
    "\n",
    "2026-01-14 Wed 08:34:49  attempt by user 6 (google_workspace, crm_bulk) into \"hard-sell\" (subscription type sales_email) at step 1: ENROLLED: every check passed\n",
    "2026-01-14 Wed 08:35:49  step 1 email sent: 250 2.0.0 delivered\n",
    "2026-01-15 Thu 08:46:06  step 2 email sent: 250 2.0.0 delivered\n",
    "2026-01-16 Fri 08:47:06  step 3 email sent: 250 2.0.0 delivered\n",
    "2026-01-19 Mon 08:59:06  step 4 email sent: 250 2.0.0 delivered\n",
    "2026-01-19 Mon 08:59:06  enrollment ended: FINISHED\n",
    "2026-02-04 Wed 08:43:10  attempt by user 8 (google_workspace, crm_bulk) into \"hard-sell\" (subscription type sales_email) at step 1: ENROLLED: every check passed\n",
    "2026-02-04 Wed 08:43:50  step 1 email sent: 250 2.0.0 delivered\n",
    "2026-02-05 Thu 07:25:32  out-of-office auto-reply (does not unenroll)\n",
    "2026-02-05 Thu 08:43:40  step 2 email sent: 250 2.0.0 delivered\n",
    "2026-02-06 Fri 08:43:10  step 3 email sent: 250 2.0.0 delivered\n",
    "2026-02-09 Mon 08:43:10  step 4 email sent: 250 2.0.0 delivered\n",
    "2026-02-09 Mon 08:43:10  enrollment ended: FINISHED\n",
);

#[test]
fn trace_prints_the_same_text_and_json_with_every_fact() {
    let trace = |args: &[&str]| {
        let out = seqsim()
            .args(["trace", "scenarios/library/spam-wave.toml"])
            .args(args)
            .assert()
            .success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    assert_eq!(trace(&["--contact", "8"]), SPAM_WAVE_CONTACT_8);
    assert_eq!(
        trace(&["--contact", "8", "--format", "table"]),
        SPAM_WAVE_CONTACT_8
    );
    // Contact 2829 complained, unsubscribed, and was tried again two weeks later.
    let doc = json_of(trace(&["--contact", "2829", "--format", "json"]).as_bytes());
    assert_eq!(doc["scenario"], "spam-wave");
    assert_eq!(doc["seed"], 3004);
    let contact = &doc["contact"];
    assert_eq!(contact["id"], 2829);
    assert_eq!(contact["portal"], 0);
    for key in [
        "address_facts",
        "record_facts",
        "opted_out_of",
        "rejected_in",
    ] {
        assert!(contact[key].is_array(), "{key}");
    }
    let events = doc["events"].as_array().unwrap();
    let of = |kind: &str| -> Vec<&serde_json::Value> {
        events.iter().filter(|e| e["event"] == kind).collect()
    };
    let attempts = of("attempt");
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0]["decision"], "ENROLLED");
    assert_eq!(attempts[0]["sender"]["seat"], "professional");
    assert_eq!(attempts[0]["sender"]["inbox_connected"], true);
    assert_eq!(attempts[0]["subscription_type"], "sales_email");
    let second = attempts[1];
    assert_eq!(second["decision"], "PREVIOUSLY_MARKED_AS_SPAM");
    assert_eq!(
        second["conditions"],
        serde_json::json!(["PREVIOUSLY_MARKED_AS_SPAM", "UNSUBSCRIBED"])
    );
    assert_eq!(second["at"], "2026-01-27 Tue 14:00:06");
    assert_eq!(second["seconds"], 1_346_406);
    let reactions: Vec<&str> = (of("reacted").iter())
        .map(|e| e["reaction"].as_str().unwrap())
        .collect();
    assert_eq!(reactions, ["spam_complaint", "unsubscribe_all"]);
    assert_eq!(of("ended")[0]["outcome"], "MARKED_AS_SPAM");
    assert!(of("sent").iter().all(|e| e["reply"]["code"] == "250 2.0.0"));
    // The text tells the same journey, line for line.
    let text = trace(&["--contact", "2829"]);
    let lines = text.lines().skip_while(|l| !l.is_empty()).skip(1).count();
    assert_eq!(lines, events.len());
}

#[test]
fn bad_dynamics_settings_are_rejected() {
    let base = valid_scenario();
    let text = base.split("\n[engagement]").next().unwrap().to_owned()
        + "\n[engagement]\nreply = 0.7\nspam_complaint = 0.6\n\n[disconnections]\nreconnect_hours = [5, 2]\n\n[[disconnections.outages]]\ndate = \"2027-01-01\"\nstart = \"25:00\"\nhours = 2\ninbox = \"aol\"\n\n[reenrollment]\npolicy = \"sometimes\"\n\n[sending]\nper_minute_limit = 11\n";
    assert_rejected(
        &text,
        &[
            "engagement",
            "disconnections.reconnect_hours",
            "disconnections.outages[0].date",
            "disconnections.outages[0].start",
            "disconnections.outages[0].inbox",
            "reenrollment.policy",
            "sending.per_minute_limit",
        ],
    );
    let text = base.split("\n[engagement]").next().unwrap().to_owned()
        + "\n[reenrollment]\npolicy = \"resume\"\ndelay_hours = 0\n";
    assert_rejected(&text, &["reenrollment.delay_hours"]);
    let text = valid_scenario().replace(
        "name = \"demo-follow-up\"",
        "name = \"demo-follow-up\"\nsend_window = [\"17:00\", \"09:00\"]",
    );
    assert_rejected(&text, &["sequences[0].send_window"]);
}

/// The default scenario with the bounce checks moved to the end of the rule order.
fn reordered_default() -> (tempfile::TempDir, std::path::PathBuf) {
    let text = std::fs::read_to_string("scenarios/library/default.toml").unwrap()
        + "\n[rules]\norder = [\"MISSING_EMAIL_ADDRESS\", \"NO_CONNECTED_INBOX\", \"CANNOT_COMMUNICATE\", \
           \"SEAT_NOT_ELIGIBLE\", \"SEQUENCES_DAILY_LIMIT_REACHED\", \"BLOCKED_ADDRESS\", \"BLOCKED_DOMAIN\", \"PREVIOUSLY_MARKED_AS_SPAM\", \
           \"OTHER_SEND_REJECTED\", \"UNSUBSCRIBED\", \"UNSUBSCRIBED_PERSONAL\", \"ALREADY_ENROLLED\", \
           \"RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY\", \"RECIPIENT_PREVIOUSLY_BOUNCED_ON_PORTAL\", \"BOUNCED\"]\n";
    scenario_file(&text)
}

#[test]
fn diff_shows_which_contacts_a_rule_change_moves() {
    let (_dir, reordered) = reordered_default();
    let out = seqsim()
        .args(["diff", "scenarios/library/default.toml"])
        .arg(&reordered)
        .args(["--format", "json", "--examples", "3"])
        .assert()
        .success();
    let diff = json_of(&out.get_output().stdout);
    let changed = diff["changed_contacts"].as_u64().unwrap();
    assert!(changed > 0);
    // A contact changed in several ways counts in each.
    let moved: u64 = diff["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["contacts"].as_u64().unwrap())
        .sum();
    assert!(moved >= changed);
    assert_eq!(diff["examples"].as_array().unwrap().len(), 3);
    // Reordering checks never changes who enrolls, only the codes of the rejected.
    let enrolled = &diff["enrollment"][0];
    assert_eq!(enrolled["name"], "ENROLLED");
    assert_eq!(enrolled["before"], enrolled["after"]);
    let first = &diff["transitions"][0];
    assert_eq!(first["kind"], "decision");
    assert_eq!(first["attempt"], 1);
    assert_eq!(first["before"], "BOUNCED");
    assert_eq!(first["after"], "RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY");
    let portals = diff["portals"].as_array().unwrap();
    assert_eq!(portals.len(), 4);
    let changed_in_portals: u64 = portals
        .iter()
        .map(|p| p["changed_contacts"].as_u64().unwrap())
        .sum();
    assert_eq!(changed_in_portals, changed);

    let text = seqsim()
        .args(["diff", "scenarios/library/default.toml"])
        .arg(&reordered)
        .assert()
        .success();
    let text = String::from_utf8(text.get_output().stdout.clone()).unwrap();
    assert!(text.contains("rule order after:"), "{text}");
    assert!(text.contains("seqsim trace"), "{text}");
    assert!(text.contains("attempt 1: decision  BOUNCED"), "{text}");
    assert!(!text.contains("portal 0 "), "{text}");
    let by_portal = seqsim()
        .args(["diff", "scenarios/library/default.toml", "--by-portal"])
        .arg(&reordered)
        .assert()
        .success();
    let by_portal = String::from_utf8(by_portal.get_output().stdout.clone()).unwrap();
    assert!(by_portal.starts_with(&text[..text.find("\nexamples").unwrap()]));
    assert!(
        by_portal.contains("portal  contacts  changed"),
        "{by_portal}"
    );
    assert!(by_portal.contains("decision BOUNCED"), "{by_portal}");
}

#[test]
fn diff_of_a_scenario_with_itself_is_empty_and_other_worlds_are_refused() {
    let out = seqsim()
        .args([
            "diff",
            "scenarios/library/clean-opt-in.toml",
            "scenarios/library/clean-opt-in.toml",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let diff = json_of(&out.get_output().stdout);
    assert_eq!(diff["changed_contacts"], 0);
    assert!(diff["transitions"].as_array().unwrap().is_empty());
    seqsim()
        .args([
            "diff",
            "scenarios/library/default.toml",
            "scenarios/library/spam-wave.toml",
        ])
        .assert()
        .code(2)
        .stderr(contains("population.portals"));
}

#[test]
fn diff_refuses_scenarios_whose_worlds_differ_and_names_every_key() {
    let text = valid_scenario()
        .replace("horizon_days = 30", "horizon_days = 31")
        .replace("coverage = 0.95", "coverage = 0.5");
    let (_dir, changed) = scenario_file(&text);
    let output = seqsim()
        .args(["diff", "scenarios/library/clean-opt-in.toml"])
        .arg(&changed)
        .assert()
        .code(2)
        .stdout("")
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for part in [
        "`scenarios/library/clean-opt-in.toml`",
        &format!("`{}`", changed.display()),
        "(`calendar.horizon_days`, `plan.coverage` differ)",
        "must match",
    ] {
        assert!(stderr.contains(part), "no {part} in: {stderr}");
    }
    // Engagement shapes no world: the diff runs.
    let text = valid_scenario().replace("reply = 0.09", "reply = 0.2");
    let (_dir, changed) = scenario_file(&text);
    seqsim()
        .args(["diff", "scenarios/library/clean-opt-in.toml"])
        .arg(&changed)
        .assert()
        .success();
}

/// Every command that writes to standard output, with arguments that succeed.
const WRITING_COMMANDS: [&[&str]; 4] = [
    &[
        "run",
        "scenarios/library/clean-opt-in.toml",
        "--contacts",
        "500",
    ],
    &[
        "trace",
        "scenarios/library/clean-opt-in.toml",
        "--contact",
        "3",
    ],
    &["validate", "scenarios/library/clean-opt-in.toml"],
    &[
        "diff",
        "scenarios/library/clean-opt-in.toml",
        "scenarios/library/clean-opt-in.toml",
    ],
];

/// Runs `seqsim args` with `stdout` as its standard output.
fn run_into(args: &[&str], stdout: std::process::Stdio) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_seqsim"))
        .args(args)
        .stdout(stdout)
        .output()
        .unwrap()
}

#[test]
#[cfg(target_os = "linux")]
fn a_full_standard_output_is_an_error() {
    for args in WRITING_COMMANDS {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let output = run_into(args, full.into());
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("seqsim: error: cannot write to standard output: ")
                && stderr.lines().count() == 1,
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    for args in WRITING_COMMANDS {
        let (reader, writer) = std::io::pipe().unwrap();
        // No one will read: every write to the pipe fails with a broken pipe.
        drop(reader);
        let output = run_into(args, writer.into());
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

#[test]
fn custom_limits_above_the_product_maximum_are_warned_about() {
    let text = valid_scenario().replacen(
        "inbox = \"google_workspace\"",
        "inbox = \"google_workspace\"\ndaily_limit = 5000",
        1,
    );
    let (_dir, path) = scenario_file(&text);
    let warning = "key `senders[0].daily_limit`: 5000 is above the product's maximum for google_workspace inboxes, 999";
    seqsim()
        .arg("validate")
        .arg(&path)
        .assert()
        .success()
        .stdout(contains(format!("warning: {warning}")));
    let out = seqsim()
        .args(["run", "--format", "json"])
        .arg(&path)
        .assert()
        .success();
    let report = json_of(&out.get_output().stdout);
    let warnings = report["warnings"].as_array().expect("a warnings list");
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].as_str().unwrap().starts_with(warning));
    for (format, title) in [
        ("table", "\nwarnings\n  - "),
        ("markdown", "\n## Warnings\n\n- "),
    ] {
        seqsim()
            .args(["run", "--format", format])
            .arg(&path)
            .assert()
            .success()
            .stdout(contains(format!("{title}{warning}")));
    }
    // Without warnings the JSON report has no `warnings` key.
    let (_dir, clean) = scenario_file(&valid_scenario());
    let out = seqsim()
        .args(["run", "--format", "json"])
        .arg(&clean)
        .assert()
        .success();
    assert!(json_of(&out.get_output().stdout).get("warnings").is_none());
}

#[test]
fn a_rule_file_applies_its_guards_to_any_scenario() {
    // purchased-list is full of dead mailboxes: the bounce-rate guard fires, and its code is in
    // the report beside the built-in ones, the counts still summing to the attempts.
    let out = seqsim()
        .args(["run", "scenarios/library/purchased-list.toml", "--rules"])
        .arg("rules/sender-bounce-guard.toml")
        .args(["--format", "json"])
        .assert()
        .success();
    let report = json_of(&out.get_output().stdout);
    let enrollment = report["enrollment"].as_object().unwrap();
    let guarded = enrollment["SENDER_BOUNCE_RATE_HIGH"].as_u64().unwrap();
    assert!(guarded > 1_000, "{guarded}");
    let total: u64 = enrollment.values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(total, report["enrollment_attempts"].as_u64().unwrap());
    // The same scenario without the rule file has no such code.
    let plain = seqsim()
        .args([
            "run",
            "scenarios/library/purchased-list.toml",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let plain = json_of(&plain.get_output().stdout);
    assert!(plain["enrollment"].get("SENDER_BOUNCE_RATE_HIGH").is_none());
    // The trace names the guard when it decides.
    seqsim()
        .args([
            "trace",
            "scenarios/library/purchased-list.toml",
            "--contact",
            "45000",
            "--rules",
        ])
        .arg("rules/sender-bounce-guard.toml")
        .assert()
        .success()
        .stdout(contains(
            "rejected SENDER_BOUNCE_RATE_HIGH: first failing check",
        ));
}

#[test]
fn a_bad_rule_file_exits_two_naming_the_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "order = [\"BOUNCED\", \"ALREADY_ENROLLED\"]\n\n[[guards]]\ncode = \"G\"\ndescription = \"d\"\nkind = \"cooldown\"\ndays = -3\n",
    )
    .unwrap();
    let out = seqsim()
        .args(["run", "--rules"])
        .arg(&path)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("rule file `"), "{stderr}");
    assert!(stderr.contains("bad.toml"), "{stderr}");
    assert!(
        stderr.contains("key `guards[0].days`: -3 is out of range"),
        "{stderr}"
    );
    assert!(
        stderr.contains("key `order`: guard G is declared but not in the order"),
        "{stderr}"
    );
    seqsim()
        .args(["run", "--rules", "no/such/rules.toml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "cannot read rule file `no/such/rules.toml`",
        ));
}

#[test]
fn diff_runs_one_scenario_under_two_rule_files() {
    let out = seqsim()
        .args(["diff", "scenarios/library/spam-wave.toml"])
        .args(["--before-rules", "rules/default.toml"])
        .args(["--after-rules", "rules/unsubscribed-before-spam.toml"])
        .args(["--format", "json"])
        .assert()
        .success();
    let diff = json_of(&out.get_output().stdout);
    let rows = diff["enrollment"].as_array().unwrap();
    let row = |name: &str| rows.iter().find(|r| r["name"] == name).unwrap().clone();
    let spam = row("PREVIOUSLY_MARKED_AS_SPAM");
    let unsubscribed = row("UNSUBSCRIBED");
    assert!(spam["after"].as_u64() < spam["before"].as_u64(), "{spam}");
    assert!(unsubscribed["after"].as_u64() > unsubscribed["before"].as_u64());
}

#[test]
fn diff_runs_many_scenarios_under_two_rule_files_with_a_total() {
    let out = seqsim()
        .args([
            "diff",
            "scenarios/library/spam-wave.toml",
            "scenarios/library/re-engagement.toml",
        ])
        .args(["--before-rules", "rules/default.toml"])
        .args(["--after-rules", "rules/unsubscribed-before-spam.toml"])
        .args(["--format", "json"])
        .assert()
        .success();
    let set = json_of(&out.get_output().stdout);
    let diffs = set["scenarios"].as_array().unwrap();
    assert_eq!(diffs.len(), 2);
    let sum = |key: &str| -> u64 { diffs.iter().map(|d| d[key].as_u64().unwrap()).sum() };
    assert_eq!(
        set["total"]["changed_contacts"].as_u64().unwrap(),
        sum("changed_contacts")
    );
    assert_eq!(set["total"]["contacts"].as_u64().unwrap(), sum("contacts"));
    let total_row = |name: &str| {
        let rows = set["total"]["enrollment"].as_array().unwrap();
        rows.iter().find(|r| r["name"] == name).unwrap()["after"]
            .as_u64()
            .unwrap()
    };
    let each: u64 = diffs
        .iter()
        .map(|d| {
            let rows = d["enrollment"].as_array().unwrap();
            rows.iter().find(|r| r["name"] == "UNSUBSCRIBED").unwrap()["after"]
                .as_u64()
                .unwrap()
        })
        .sum();
    assert_eq!(total_row("UNSUBSCRIBED"), each);
    // The text shows a table per scenario and the total.
    let text = seqsim()
        .args([
            "diff",
            "scenarios/library/spam-wave.toml",
            "scenarios/library/re-engagement.toml",
        ])
        .args(["--before-rules", "rules/default.toml"])
        .args(["--after-rules", "rules/unsubscribed-before-spam.toml"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&text.get_output().stdout).into_owned();
    assert_eq!(text.matches("diff: ").count(), 2, "{text}");
    assert!(text.contains("total over 2 scenarios:"), "{text}");
    // Without both rule files, diff takes exactly two scenarios.
    seqsim()
        .args(["diff", "scenarios/library/spam-wave.toml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "diff takes two scenarios, BEFORE AFTER, not 1",
        ));
}

#[cfg(unix)]
#[test]
fn out_files_get_the_usual_permissions() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let bin = assert_cmd::cargo::cargo_bin("seqsim");
    let script = format!(
        "umask 022; exec '{}' run --format json --out '{}'",
        bin.display(),
        out.display()
    );
    let status = std::process::Command::new("sh")
        .args(["-c", &script])
        .status()
        .unwrap();
    assert!(status.success());
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644, "0666 less the umask 022, not a private 0600");
}

#[test]
fn summary_leaves_out_the_daily_series() {
    let full = seqsim()
        .args(["run", "--format", "json"])
        .assert()
        .success();
    let summary = seqsim()
        .args(["run", "--format", "json", "--summary"])
        .assert()
        .success();
    let (full, summary) = (
        json_of(&full.get_output().stdout),
        json_of(&summary.get_output().stdout),
    );
    assert!(full["daily"].is_array());
    assert!(summary.get("daily").is_none());
    assert_eq!(full["enrollment"], summary["enrollment"]);
    assert_eq!(full["outcomes"], summary["outcomes"]);
    let text = seqsim().args(["run", "--summary"]).assert().success();
    let text = String::from_utf8_lossy(&text.get_output().stdout).into_owned();
    assert!(text.contains("enrollment decision") && !text.contains("daily series"));
}

#[cfg(unix)]
#[test]
fn hostile_inputs_exit_two_at_once_with_a_short_message() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let big = dir.path().join("big.toml");
    std::fs::write(&big, vec![b'#'; 5 * 1024 * 1024]).unwrap();
    let junk = dir.path().join("junk.toml");
    std::fs::write(&junk, vec![b'x'; 1024 * 1024]).unwrap();
    let cases: [(&std::path::Path, &str); 4] = [
        (&fifo, "not a regular file"),
        (std::path::Path::new("/dev/zero"), "not a regular file"),
        (&big, "larger than 4194304 bytes"),
        (&junk, "not valid TOML"),
    ];
    for (path, words) in cases {
        let out = seqsim().arg("validate").arg(path).assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains(words), "{}: {stderr}", path.display());
        assert!(
            stderr.len() < 2_000,
            "{}: {} bytes on stderr",
            path.display(),
            stderr.len()
        );
    }
    seqsim()
        .args(["run", "--rules", "/dev/zero"])
        .assert()
        .code(2)
        .stderr(contains("not a regular file"));
}

#[test]
fn a_sequence_of_more_than_255_steps_is_refused() {
    let steps: Vec<String> = (0..256)
        .map(|i| {
            format!(
                "{{ kind = \"automated_email\", delay_days = {} }}",
                i.min(1)
            )
        })
        .collect();
    let text =
        valid_scenario().replacen("steps = [", &format!("steps = [{}, ", steps.join(", ")), 1);
    assert_rejected(&text, &["sequences[0].steps"]);
}

#[cfg(unix)]
#[test]
fn out_writes_only_regular_files_and_threads_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.txt");
    std::fs::write(&target, "keep me").unwrap();
    let link = dir.path().join("link.txt");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let slash = format!("{}/newname/", dir.path().display());
    for out in [link.display().to_string(), "/dev/null".to_owned(), slash] {
        let result = seqsim().args(["run", "--out", &out]).assert().code(2);
        let stderr = String::from_utf8_lossy(&result.get_output().stderr).into_owned();
        assert!(
            stderr.contains("cannot write the report"),
            "{out}: {stderr}"
        );
    }
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    seqsim()
        .args(["run", "--threads", "65535"])
        .assert()
        .code(2)
        .stderr(contains("65535 is not in 1..=256"));
}

#[test]
fn an_html_page_of_several_seeds_is_refused_naming_what_is_allowed() {
    let out = Command::cargo_bin("seqsim")
        .unwrap()
        .args(["run", "clean-opt-in", "--seeds", "3", "--format", "html"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("one seed's run") && stderr.contains("--seeds"),
        "{stderr}"
    );
    assert!(out.get_output().stdout.is_empty());
}

#[test]
fn run_writes_its_html_page_to_stdout_or_beside_another_format() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("r.html");
    let out = Command::cargo_bin("seqsim")
        .unwrap()
        .args(["run", "clean-opt-in", "--summary", "--html"])
        .arg(&page)
        .assert()
        .success();
    // The table goes to standard output, the page to the file.
    let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(table.contains("enrollment decision"), "{table}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    assert!(
        html.contains("left out of a summary"),
        "a summary has no daily chart"
    );
    let stdout = Command::cargo_bin("seqsim")
        .unwrap()
        .args(["run", "clean-opt-in", "--summary", "--format", "html"])
        .assert()
        .success();
    assert_eq!(
        stdout.get_output().stdout,
        html.as_bytes(),
        "the same page either way"
    );
}
