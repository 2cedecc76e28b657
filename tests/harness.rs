//! `seqsim harness` and `seqsim export-attempts` end to end: the example engines (Rust in
//! process, Rust and Python over JSON lines, Python over HTTP), the planted bug found exactly,
//! drive mode, the schema, and every exit code and protocol error, each followed by a check
//! that the engine process is gone.

use std::collections::BTreeSet;
use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use assert_cmd::cargo::CommandCargoExt as _;
use serde_json::Value;

#[allow(dead_code)]
#[path = "../examples/in_process.rs"]
mod in_process;

const PYTHON: &str = "python3";

fn seqsim() -> Command {
    Command::cargo_bin("seqsim").unwrap()
}

fn run(args: &[&str]) -> Output {
    seqsim().args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(out)))
}

/// The exported attempts of the default scenario (optionally under a rule file).
fn exported(extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["export-attempts"];
    args.extend(extra);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    (out.stdout.lines())
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect()
}

/// A Python engine in `dir` that writes its pid to `dir/pid`, then runs `body` (with `sys`
/// and `json` imported); the command that starts it.
fn python_engine(dir: &Path, body: &str) -> String {
    let script = dir.join("engine.py");
    let pid = dir.join("pid");
    let text = format!(
        "import json, os, sys, time\nopen({:?}, 'w').write(str(os.getpid()))\n{body}\n",
        pid.display().to_string()
    );
    std::fs::write(&script, text).unwrap();
    format!("{PYTHON} {}", script.display())
}

/// The engine process written its pid to `dir/pid` is gone.
fn assert_engine_gone(dir: &Path) {
    let pid = std::fs::read_to_string(dir.join("pid")).expect("the engine started");
    let proc = PathBuf::from(format!("/proc/{}", pid.trim()));
    assert!(!proc.exists(), "engine process {} still exists", pid.trim());
}

/// An answer loop: `answer(batch)` is a Python expression of the answers list.
fn answering(answer: &str) -> String {
    format!("for line in sys.stdin:\n    b = json.loads(line)\n    print(json.dumps({{'answers': {answer}}}), flush=True)")
}

#[test]
fn the_in_process_example_agrees_on_every_attempt_with_and_without_guards() {
    let mut scenario = scenarios::default_scenario();
    let mut engine = in_process::MyEngine::default();
    let comparison = in_process::check(&scenario, &mut engine);
    assert!(comparison.attempts > 10_000 && engine.batches > 1);
    assert_eq!(comparison.disagreed, 0, "{:?}", comparison.first);
    // Under guards: the request's guard codes carry what the guards measured.
    scenarios::load_rules(Path::new("rules/list-hygiene.toml"))
        .unwrap()
        .apply(&mut scenario);
    let comparison = in_process::check(&scenario, &mut engine);
    let guarded: u64 = (comparison.confusion.iter())
        .filter(|((r, _), _)| matches!(r, model::Decision::Guarded(_)))
        .map(|(_, n)| n)
        .sum();
    assert!(guarded > 0, "the guards held for some attempts");
    assert_eq!(comparison.disagreed, 0, "{:?}", comparison.first);
}

#[test]
fn exported_rows_batches_and_answers_validate_against_the_schema() {
    let text = std::fs::read_to_string("docs/harness.schema.json").unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let part = |name: &str| {
        let mut schema = doc.clone();
        schema.as_object_mut().unwrap().remove("anyOf");
        schema["$ref"] = Value::from(format!("#/$defs/{name}"));
        jsonschema::validator_for(&schema).unwrap()
    };
    let (row, batch, answers) = (part("export_row"), part("batch"), part("answer_message"));
    let rows = exported(&["--rules", "rules/list-hygiene.toml"]);
    assert!(
        rows.iter().any(|r| r["address"].is_null()),
        "a record without an address"
    );
    assert!(rows
        .iter()
        .any(|r| !r["guards"].as_array().unwrap().is_empty()));
    for r in &rows {
        let errors: Vec<String> = row.iter_errors(r).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{r}: {errors:?}");
    }
    // A batch as the harness sends it, and an answer message.
    let scenario = scenarios::default_scenario();
    let builder = harness::RequestBuilder::new(&scenario, "default", harness::Version::V2);
    let options = sim::RunOptions {
        attempts: true,
        ..Default::default()
    };
    let run = sim::run_with(&scenario, &options);
    let attempts = run.recordings.attempts.unwrap();
    let requests = (0..50)
        .map(|i| {
            let a = &attempts[i as usize];
            builder.request(i, &a.facts, &a.observed)
        })
        .collect();
    let sent = serde_json::to_value(builder.batch(requests)).unwrap();
    assert!(batch.is_valid(&sent));
    let good = serde_json::json!({"answers": [{"id": 0, "decision": "ENROLLED"}]});
    assert!(answers.is_valid(&good));
    assert!(!answers.is_valid(&serde_json::json!({"answers": [{"id": -1, "decision": "x"}]})));
    assert!(
        !row.is_valid(&serde_json::json!({"id": 0})),
        "a row needs every fact"
    );
}

#[test]
fn the_rust_jsonl_engine_agrees_and_the_report_is_deterministic() {
    let engine = example_binary("jsonl_engine");
    let args = [
        "harness", "--engine", &engine, "--format", "json", "--batch", "777",
    ];
    let first = run(&args);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let report = json(&first);
    let rows = exported(&[]);
    assert_eq!(report["attempts"], rows.len());
    assert_eq!(report["disagreed"], 0);
    assert_eq!(report["protocol"], "seqsim-decision/2");
    // The confusion matrix is the reference decisions' distribution, on its diagonal.
    for cell in report["confusion"].as_array().unwrap() {
        assert_eq!(cell["reference"], cell["engine"]);
        let n = rows
            .iter()
            .filter(|r| r["reference"] == cell["reference"])
            .count();
        assert_eq!(cell["attempts"], n);
    }
    assert_eq!(run(&args).stdout, first.stdout, "the same bytes twice");
    // Under a rule file with guards: the guards' codes travel in the batch and the requests.
    let guarded = run(&[
        "harness",
        "--engine",
        &engine,
        "--rules",
        "rules/list-hygiene.toml",
    ]);
    assert_eq!(guarded.status.code(), Some(0), "{}", stderr(&guarded));
    let text = String::from_utf8_lossy(&guarded.stdout);
    assert!(text.contains("rules: rules/list-hygiene.toml"), "{text}");
}

/// The example binary `name`: `cargo test` builds the examples before running the tests; a
/// lone `cargo test --test harness` does not, so a missing one is built here (with the test
/// profile). After editing an example, run `cargo test` whole (or build it) so that it is
/// fresh.
/// Version 2's fields of a request or row, as `(object, field)`: `""` for a top-level one.
const VERSION_2: [(&str, &str); 12] = [
    ("contact", "enrollments"),
    ("contact", "last_outcome"),
    ("contact", "seconds_since_enrollment_end"),
    ("contact", "seconds_since_engagement"),
    ("", "domain"),
    ("sender", "provider"),
    ("sender", "sent_24h"),
    ("sender", "sent_7d"),
    ("sender", "bounces_7d"),
    ("sender", "complaints_7d"),
    ("sender", "enrolled_today"),
    ("sender", "bulk_enrolled_today"),
];

/// `row` without version 2's fields.
fn as_version_1(row: &Value) -> Value {
    let mut row = row.clone();
    for (object, field) in VERSION_2 {
        let target = if object.is_empty() {
            &mut row
        } else {
            &mut row[object]
        };
        assert!(
            target.as_object_mut().unwrap().remove(field).is_some(),
            "{object}.{field}"
        );
    }
    row
}

#[test]
fn version_1_rows_are_version_2_rows_without_its_fields() {
    let rules = ["--rules", "rules/two-cel-checks.toml"];
    let v2 = exported(&rules);
    let v1 = exported(&[&rules[..], &["--protocol", "seqsim-decision/1"]].concat());
    assert_eq!(v1.len(), v2.len());
    for (one, two) in v1.iter().zip(&v2) {
        assert_eq!(one, &as_version_1(two));
    }
    // The CEL checks' codes travel in `guards` in both, so a version-1 engine decides them.
    let guarded = |rows: &[Value]| {
        (rows.iter())
            .filter(|r| r["reference"] == "BULK_TO_BOUNCED_ELSEWHERE")
            .count()
    };
    assert!(guarded(&v1) > 0);
    assert!(
        (v1.iter()).all(|r| (r["reference"] != "BULK_TO_BOUNCED_ELSEWHERE")
            || r["guards"]
                .as_array()
                .unwrap()
                .contains(&Value::from("BULK_TO_BOUNCED_ELSEWHERE")))
    );
    let out = run(&["export-attempts", "--protocol", "seqsim-decision/3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("allowed: seqsim-decision/1, seqsim-decision/2"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn engines_of_both_versions_decide_cel_checks_by_the_guards_listed() {
    for protocol in ["seqsim-decision/1", "seqsim-decision/2"] {
        for mode in ["shadow", "drive"] {
            let out = run(&[
                "harness",
                "house-rules",
                "--engine",
                "python3 examples/python_engine.py",
                "--protocol",
                protocol,
                "--mode",
                mode,
                "--format",
                "json",
            ]);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{protocol} {mode}: {}",
                stderr(&out)
            );
            let report = json(&out);
            assert_eq!(report["protocol"], protocol);
            assert_eq!(report["disagreed"], 0, "{protocol} {mode}");
            // The batch's rules carry each check's expression in version 2 only.
            let guards = report["rules"]["guards"].as_array().unwrap();
            assert_eq!(guards.len(), 2);
            for g in guards {
                assert_eq!(g.get("when").is_some(), protocol.ends_with('2'), "{g}");
            }
            let cel_decided = (report["confusion"].as_array().unwrap().iter())
                .filter(|c| c["reference"] == "FREE_GMAIL_BULK_CAP")
                .count();
            assert_eq!(
                cel_decided, 1,
                "{protocol} {mode}: a CEL check decided some attempts"
            );
        }
    }
}

/// Recounts, from the rows alone (a run the reference drives: ENROLLED rows are enrollments),
/// what version 2 says each attempt's record and sender had done before it.
#[test]
fn version_2_statistics_recount_from_the_rows_before_them() {
    let rows = exported(&["house-rules"]);
    let key = |r: &Value, f: &str| {
        (
            r["portal"].as_u64().unwrap(),
            r[f]["id"].as_u64().or(r[f]["user"].as_u64()).unwrap(),
        )
    };
    let mut enrollments = std::collections::BTreeMap::new();
    let mut today = std::collections::BTreeMap::new();
    let (mut some_enrolled, mut some_bulk) = (false, false);
    for r in &rows {
        let contact = key(r, "contact");
        let sender = (key(r, "sender"), r["time"]["day"].as_u64().unwrap());
        let before = enrollments.get(&contact).copied().unwrap_or(0u32);
        assert_eq!(r["contact"]["enrollments"], before, "{r}");
        let (all, bulk) = today.get(&sender).copied().unwrap_or((0u32, 0u32));
        assert_eq!(r["sender"]["enrolled_today"], all, "{r}");
        assert_eq!(r["sender"]["bulk_enrolled_today"], bulk, "{r}");
        (some_enrolled, some_bulk) = (some_enrolled || before > 0, some_bulk || bulk > 0);
        if r["reference"] == "ENROLLED" {
            *enrollments.entry(contact).or_default() += 1;
            let counts = today.entry(sender).or_default();
            counts.0 += 1;
            counts.1 += u32::from(r["source"] == "crm_bulk");
        }
    }
    assert!(some_enrolled && some_bulk, "the recount is not empty");
}

fn example_binary(name: &str) -> String {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap().join("examples");
    let path = dir.join(name);
    if !path.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--profile", "test", "--example", name])
            .status()
            .unwrap();
        assert!(status.success());
    }
    path.display().to_string()
}

/// The ids of the attempts the planted bug gets wrong, from the exported rows alone: bulk
/// attempts rejected UNSUBSCRIBED_PERSONAL whose next failing check (in the default order)
/// gives another answer, which, since that code is then skipped, is always the case.
fn planted_bug_ids(rows: &[Value]) -> BTreeSet<u64> {
    (rows.iter())
        .filter(|r| r["source"] == "crm_bulk" && r["reference"] == "UNSUBSCRIBED_PERSONAL")
        .map(|r| r["id"].as_u64().unwrap())
        .collect()
}

fn reported_ids(report: &Value) -> BTreeSet<u64> {
    let shown = report["disagreements"].as_array().unwrap();
    assert_eq!(
        report["disagreed"],
        shown.len(),
        "every disagreement is listed"
    );
    shown.iter().map(|d| d["id"].as_u64().unwrap()).collect()
}

#[test]
fn the_python_engine_agrees_and_its_planted_bug_is_found_exactly() {
    let clean = run(&["harness", "--engine", "python3 examples/python_engine.py"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    let engine = "python3 examples/python_engine.py --planted-bug";
    let out = run(&[
        "harness", "--engine", engine, "--format", "json", "--show", "100000",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    let expected = planted_bug_ids(&exported(&[]));
    assert!(expected.len() > 50, "the bug matters: {}", expected.len());
    assert_eq!(reported_ids(&report), expected);
    let first = &report["disagreements"][0];
    assert_eq!(first["reference"], "UNSUBSCRIBED_PERSONAL");
    assert_eq!(first["request"]["source"], "crm_bulk");
    let contact = first["request"]["contact"]["id"].as_u64().unwrap();
    let trace = format!("seqsim trace --seed 20261128 --contact {contact}");
    assert_eq!(first["trace"], trace);
    // The trace command shows that attempt's UNSUBSCRIBED_PERSONAL.
    let words: Vec<&str> = trace.split(' ').skip(1).collect();
    let traced = run(&words);
    assert!(String::from_utf8_lossy(&traced.stdout).contains("UNSUBSCRIBED_PERSONAL"));
}

/// Starts examples/http_engine.py on a free port; its URL.
fn http_engine(args: &[&str]) -> (Child, String) {
    let mut command = Command::new(PYTHON);
    command.arg("examples/http_engine.py").args(args);
    http_service(command)
}

/// Starts the HTTP service of `command`, which prints `listening on URL` first; its URL.
fn http_service(mut command: Command) -> (Child, String) {
    let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    (child, url)
}

#[test]
fn the_http_engine_agrees_and_its_planted_bug_is_found_exactly() {
    let (mut clean, url) = http_engine(&[]);
    let out = run(&["harness", "--engine-url", &url, "--batch", "1000"]);
    clean.kill().unwrap();
    clean.wait().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (mut buggy, url) = http_engine(&["--planted-bug"]);
    let args = [
        "harness",
        "--engine-url",
        &url,
        "--format",
        "json",
        "--show",
        "100000",
    ];
    let out = run(&args);
    buggy.kill().unwrap();
    buggy.wait().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(reported_ids(&json(&out)), planted_bug_ids(&exported(&[])));
    // The Rust HTTP example, in batches of 1,000 and of 3.
    let (mut rust, url) = http_service(Command::new(example_binary("http_rust_engine")));
    let big = run(&["harness", "--engine-url", &url, "--batch", "1000"]);
    let small = run(&["harness", "--engine-url", &url, "--batch", "3"]);
    let driven = run(&["harness", "--engine-url", &url, "--mode", "drive"]);
    rust.kill().unwrap();
    rust.wait().unwrap();
    assert_eq!(big.status.code(), Some(0), "{}", stderr(&big));
    assert_eq!(small.status.code(), Some(0), "{}", stderr(&small));
    assert_eq!(big.stdout, small.stdout, "the batch size changes nothing");
    assert_eq!(driven.status.code(), Some(0), "{}", stderr(&driven));
}

#[test]
fn drive_mode_shows_the_downstream_effects_of_the_planted_bug() {
    let engine = "python3 examples/python_engine.py --planted-bug";
    let out = run(&[
        "harness", "--engine", engine, "--mode", "drive", "--format", "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    let diff = &report["drive"]["diff"];
    assert!(diff["changed_contacts"].as_u64().unwrap() > 0);
    // The driven world enrolled opted-out contacts: more ENROLLED, fewer UNSUBSCRIBED_PERSONAL.
    let row = |name: &str| {
        let rows = diff["enrollment"].as_array().unwrap();
        let r = rows.iter().find(|r| r["name"] == name).unwrap();
        (r["before"].as_u64().unwrap(), r["after"].as_u64().unwrap())
    };
    let (before, after) = row("ENROLLED");
    assert!(after > before);
    let (before, after) = row("UNSUBSCRIBED_PERSONAL");
    assert!(after < before);
    let clean = run(&[
        "harness",
        "--engine",
        "python3 examples/python_engine.py",
        "--mode",
        "drive",
    ]);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    assert!(String::from_utf8_lossy(&clean.stdout).contains("0 contacts of 20,000 changed"));
}

#[test]
fn drive_mode_keeps_the_reference_decision_where_the_world_cannot_follow_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let always = answering("[{'id': r['id'], 'decision': 'ENROLLED'} for r in b['requests']]");
    let engine = python_engine(dir.path(), &always);
    let args = [
        "harness", "--engine", &engine, "--mode", "drive", "--format", "json",
    ];
    let out = run(&args);
    assert_engine_gone(dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    // Every attempt is a disagreement unless the reference enrolled too; those on contacts
    // without an address or already enrolled could not be followed.
    let cells = report["confusion"].as_array().unwrap();
    let count = |reference: &str| {
        let cell = cells.iter().find(|c| c["reference"] == reference);
        cell.map_or(0, |c| c["attempts"].as_u64().unwrap())
    };
    assert!(cells.iter().all(|c| c["engine"] == "ENROLLED"));
    let impossible = count("MISSING_EMAIL_ADDRESS") + count("ALREADY_ENROLLED");
    assert!(impossible > 0);
    assert!(report["drive"]["not_followed"].as_u64().unwrap() >= impossible);
}

/// Runs the harness against a Python engine with `body` in a fresh folder: the exit code and
/// stderr, after checking that the engine is gone.
fn broken_engine(body: &str, extra: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let engine = python_engine(dir.path(), body);
    let mut args = vec!["harness", "--engine", &engine];
    args.extend(extra);
    if !extra.contains(&"--timeout-ms") {
        args.extend(["--timeout-ms", "2000"]);
    }
    let out = run(&args);
    assert_engine_gone(dir.path());
    (out.status.code(), stderr(&out))
}

#[test]
fn every_protocol_error_exits_2_naming_the_attempt_and_stops_the_engine() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            &answering("undefined_name") as &str,
            "exited before answering (exit status: 1)",
            &[],
        ),
        (
            "for line in sys.stdin:\n    print('not json at all', flush=True)",
            "not a valid answer message",
            &[],
        ),
        (
            &answering("[{'id': r['id'] + 1, 'decision': 'ENROLLED'} for r in b['requests']]"),
            "has id 1, expected 0",
            &[],
        ),
        (
            &answering("[{'id': r['id'], 'decision': 'NOT_A_CODE'} for r in b['requests']]"),
            "\"NOT_A_CODE\" on attempt 0",
            &[],
        ),
        (
            &answering("[]"),
            "0 answers to a batch of 1000 requests",
            &[],
        ),
        (
            "sys.stdin.readline()\nsys.exit(3)",
            "exited before answering (exit status: 3)",
            &[],
        ),
        (
            "time.sleep(60)",
            "no answer within 300 ms",
            &["--timeout-ms", "300"],
        ),
        (
            &answering("[{'id': r['id'], 'decision': 'NOT_A_CODE'} for r in b['requests']]"),
            "the run went on with the reference model's decisions",
            &["--mode", "drive"],
        ),
    ];
    for (body, says, extra) in cases {
        let (code, err) = broken_engine(body, extra);
        assert_eq!(code, Some(2), "{body}: {err}");
        assert!(
            err.contains("protocol error") && err.contains("attempt 0 (contact"),
            "{body}: {err}"
        );
        assert!(err.contains(says), "{body}: {err}");
    }
}

#[test]
fn a_garbage_line_is_quoted_truncated_and_an_engine_that_cannot_start_exits_2() {
    let long = "x".repeat(5000);
    let (code, err) = broken_engine(
        &format!("for line in sys.stdin:\n    print('{long}', flush=True)"),
        &[],
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("xxxx... (4800 more characters)"), "{err}");
    let out = run(&["harness", "--engine", "/no/such/engine"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("could not be started"),
        "{}",
        stderr(&out)
    );
    let out = run(&["harness"]);
    assert_eq!(out.status.code(), Some(2), "an engine is required");
}

#[test]
fn an_http_error_exits_2_with_the_status_and_body() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("server.py");
    std::fs::write(
        &script,
        "from http.server import BaseHTTPRequestHandler, HTTPServer\n\
         class H(BaseHTTPRequestHandler):\n    def do_POST(self):\n        \
         self.rfile.read(int(self.headers['Content-Length']))\n        \
         self.send_response(500)\n        self.send_header('Content-Length', '13')\n        \
         self.end_headers()\n        self.wfile.write(b'engine broken')\n    \
         def log_message(self, *a):\n        pass\n\
         s = HTTPServer(('127.0.0.1', 0), H)\nprint('listening on http://127.0.0.1:%d/' % s.server_address[1], flush=True)\ns.serve_forever()\n",
    )
    .unwrap();
    let mut python = Command::new(PYTHON);
    python.arg(&script);
    let (mut child, url) = http_service(python);
    let out = run(&["harness", "--engine-url", &url]);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("answered 500") && err.contains("engine broken"),
        "{err}"
    );
    // Nothing listening: an HTTP error too.
    let out = run(&[
        "harness",
        "--engine-url",
        "http://127.0.0.1:1/",
        "--timeout-ms",
        "2000",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("HTTP"), "{}", stderr(&out));
}

/// An engine that enrolls everyone, served by Python's single-threaded `HTTPServer` with
/// keep-alive (HTTP/1.1): one connection at a time.
const SINGLE_THREADED_SERVER: &str = r#"
import json
from http.server import BaseHTTPRequestHandler, HTTPServer

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        batch = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        answers = [{"id": r["id"], "decision": "ENROLLED"} for r in batch["requests"]]
        body = json.dumps({"answers": answers}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass

s = HTTPServer(("127.0.0.1", 0), H)
print("listening on http://127.0.0.1:%d/" % s.server_address[1], flush=True)
s.serve_forever()
"#;

#[test]
fn a_single_threaded_http_server_times_out_naming_the_cause() {
    // Python's plain HTTPServer speaking HTTP/1.1 keeps serving the first keep-alive
    // connection, so the harness's other requests in flight wait: the user's report (issue 26).
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("single.py");
    std::fs::write(&script, SINGLE_THREADED_SERVER).unwrap();
    let mut python = Command::new(PYTHON);
    python.arg(&script);
    let (mut child, url) = http_service(python);
    let out = run(&[
        "harness",
        "--engine-url",
        &url,
        "--batch",
        "100",
        "--timeout-ms",
        "1500",
    ]);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    for says in [
        "within 1500 ms (--timeout-ms)",
        "a single-threaded server (Python's HTTPServer speaking HTTP/1.1)",
        "ThreadingHTTPServer",
        "docs/harness.md",
    ] {
        assert!(err.contains(says), "{says}: {err}");
    }
}

/// A decider that always follows the reference model, counting its calls.
struct Follow(std::sync::atomic::AtomicU64);

impl sim::Decide for Follow {
    fn decide(
        &self,
        _: &sim::AttemptFacts,
        _: &sim::Observed,
        reference: model::Decision,
    ) -> model::Decision {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        reference
    }
}

#[test]
fn recorded_attempts_do_not_depend_on_threads_and_a_run_driven_by_the_reference_is_the_reference() {
    let scenario = scenarios::load(Path::new("scenarios/library/spam-wave.toml")).unwrap();
    let options = |threads| sim::RunOptions {
        threads,
        attempts: true,
        journeys: true,
        ..Default::default()
    };
    let one = sim::run_with(&scenario, &options(1));
    let three = sim::run_with(&scenario, &options(3));
    assert_eq!(one.recordings.attempts, three.recordings.attempts);
    let attempts = one.recordings.attempts.as_deref().unwrap();
    assert_eq!(attempts.len() as u64, one.counters.attempts);
    // Each recorded decision is the rule set's on the recorded facts.
    for a in attempts {
        assert_eq!(scenario.rules.evaluate(a.facts.conditions()), a.decision);
    }
    let follow = Follow(0.into());
    let driven = sim::run_driven(&scenario, &options(1), &follow);
    assert_eq!(follow.0.into_inner(), one.counters.attempts);
    assert_eq!(driven.counters, one.counters);
    assert_eq!(driven.recordings.journeys, one.recordings.journeys);
}

/// Whether process `pid` is gone: no entry in /proc, or a zombie waiting to be reaped.
/// Whether `pid` is gone (or a zombie) within a few seconds: SIGKILL to a process group returns
/// before its members have died, and a loaded machine may take a moment to end them.
fn process_gone(pid: &str) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        if process_gone_now(pid) {
            return true;
        }
        if std::time::Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn process_gone_now(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())) {
        Err(_) => true,
        // The state follows the command's closing parenthesis.
        Ok(stat) => stat.rsplit(") ").next().is_some_and(|s| s.starts_with('Z')),
    }
}

#[test]
fn what_the_engine_started_is_stopped_with_it() {
    // An engine that starts a helper process of its own, then never answers.
    let dir = tempfile::tempdir().unwrap();
    let child = dir.path().join("child");
    let body = format!(
        "import subprocess\np = subprocess.Popen(['sleep', '300'])\nopen({:?}, 'w').write(str(p.pid))\ntime.sleep(60)",
        child.display().to_string()
    );
    let engine = python_engine(dir.path(), &body);
    let out = run(&["harness", "--engine", &engine, "--timeout-ms", "500"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_engine_gone(dir.path());
    let helper = std::fs::read_to_string(&child).expect("the engine started its helper");
    assert!(
        process_gone(&helper),
        "the engine's helper {helper} still runs"
    );
}
