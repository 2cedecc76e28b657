//! `seqsim import` end to end: the example exports read in HubSpot's names (shares checked
//! against a recount of the CSV by hand), a synthesized scenario whose world matches the
//! file's shares within sampling error, and every bad-file case with its message.

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt as _;

const CONTACTS: &str = "scenarios/imports/acme-contacts.csv";
const USERS: &str = "scenarios/imports/acme-users.csv";
const SEQUENCES: &str = "scenarios/imports/acme-sequences.json";

fn seqsim(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("seqsim")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

/// The fixture's rows as plain cells (it quotes nothing), and the index of `name`.
fn fixture() -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(CONTACTS).unwrap();
    let mut lines = text
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect::<Vec<_>>());
    (lines.next().unwrap(), lines.collect())
}

/// The share, among records with an address, of those whose `column` is `true` (or, for the
/// bounce reason, not empty): counted here from the cells, not by the importer.
fn recount(column: &str) -> f64 {
    let (header, rows) = fixture();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (email, c) = (at("Email"), at(column));
    let addressed: Vec<_> = rows.iter().filter(|r| !r[email].is_empty()).collect();
    let hits = addressed
        .iter()
        .filter(|r| r[c] == "true" || (column.ends_with("reason") && !r[c].is_empty()));
    hits.count() as f64 / addressed.len() as f64
}

#[test]
fn the_summary_gives_each_facts_share_as_a_recount_of_the_file() {
    let (code, out, err) = seqsim(&[
        "import",
        "--contacts",
        CONTACTS,
        "--users",
        USERS,
        "--sequences",
        SEQUENCES,
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("400 records, 396 with an address"), "{out}");
    for (label, column) in [
        ("(UNSUBSCRIBED)", "Unsubscribed from all email"),
        ("(UNSUBSCRIBED_PERSONAL)", "Opted out of email: One to One"),
        ("(BOUNCED)", "Email hard bounce reason"),
        ("(BLOCKED_ADDRESS)", "Email Address Quarantined"),
        ("(PREVIOUSLY_MARKED_AS_SPAM)", "Marked as spam"),
        ("(ALREADY_ENROLLED)", "Currently in Sequence"),
    ] {
        let line = out.lines().find(|l| l.contains(label)).unwrap();
        let want = format!("{:.2}%", 100.0 * recount(column));
        assert!(
            line.trim_end().ends_with(&want),
            "{label}: {line}, want {want}"
        );
    }
    assert!(
        out.contains("user 5100 (ada@acme.example): professional, google_workspace, owns "),
        "{out}"
    );
    assert!(
        out.contains("user 5111 (lea@acme.example): starter, no inbox, owns 0 records"),
        "{out}"
    );
    assert!(out.contains("sequence 9001 `Acme outbound`: automated_email, automated_email, task, automated_email\n"), "{out}");
    assert!(
        out.contains("sequence 9002 `Acme follow-up`: automated_email, manual_email\n"),
        "{out}"
    );
}

#[test]
fn a_synthesized_world_draws_the_files_shares_within_sampling_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("acme.toml");
    let out_s = out.display().to_string();
    let (code, _, err) = seqsim(&[
        "import",
        "--contacts",
        CONTACTS,
        "--users",
        USERS,
        "--sequences",
        SEQUENCES,
        "--synthesize",
        "60000",
        "--out",
        &out_s,
    ]);
    assert_eq!(code, Some(0), "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains('@'), "no address in a synthesized scenario");
    let scenario = scenarios::load(&out).unwrap();
    assert_eq!(
        (scenario.population.contacts, scenario.population.portals),
        (60_000, 1)
    );
    assert_eq!(scenario.senders.iter().map(|g| g.count).sum::<u32>(), 12);
    assert_eq!(scenario.sequences.len(), 2);
    let world = sim::World::generate(&scenario);
    let contacts = world.contacts();
    let addressed: Vec<_> = contacts
        .iter()
        .filter(|c| !c.flags.contains(model::ContactFlags::MISSING_EMAIL))
        .collect();
    let n = addressed.len() as f64;
    for (flag, column) in [
        (
            model::ContactFlags::UNSUBSCRIBED,
            "Unsubscribed from all email",
        ),
        (model::ContactFlags::BOUNCED, "Email hard bounce reason"),
        (model::ContactFlags::MARKED_AS_SPAM, "Marked as spam"),
    ] {
        let got = addressed.iter().filter(|c| c.flags.contains(flag)).count() as f64 / n;
        let p = recount(column);
        let sigma = (p * (1.0 - p) / n).sqrt();
        assert!(
            (got - p).abs() < 4.0 * sigma + 1e-6,
            "{column}: drawn {got}, file {p}, sigma {sigma}"
        );
    }
    let missing = 1.0 - n / contacts.len() as f64;
    assert!(
        (missing - 4.0 / 400.0).abs() < 4.0 * (0.01f64 * 0.99 / 60_000.0).sqrt(),
        "{missing}"
    );
    let (code, _, err) = seqsim(&["run", &out_s, "--summary"]);
    assert_eq!(code, Some(0), "{err}");
}

fn write(dir: &Path, name: &str, text: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// Exit code 2 and standard error on importing `contacts` (text) with `extra` arguments.
fn refused(contacts: &[u8], extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "c.csv", contacts);
    let mut args = vec!["import", "--contacts", &file];
    args.extend(extra);
    let (code, out, err) = seqsim(&args);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(out.is_empty(), "{out}");
    err.replace(&file, "c.csv")
}

const HEADER: &str = "Record ID,Email,Lifecycle Stage,Unsubscribed from all email\n";

#[test]
fn every_bad_row_is_named_with_its_row_column_and_what_is_allowed() {
    let rows = format!("{HEADER}1,a@x.example,Lead,false\n2,not-an-address,Lead,false\n3,c@x.example,Prospect,false\n1,d@x.example,Lead,maybe\nx,e@x.example,Lead,false\n6,f@x.example,Lead\n");
    let err = refused(rows.as_bytes(), &[]);
    for part in [
        "the export files have 6 problems:",
        "`c.csv` row 3 column `Email`: `not-an-address` is not an email address; allowed: name@domain, or empty for a record without one",
        "`c.csv` row 4 column `Lifecycle Stage`: `Prospect` is not a lifecycle stage; allowed: Subscriber, Lead, Marketing Qualified Lead,",
        "`c.csv` row 5 column `Unsubscribed from all email`: `maybe` is not a yes/no value; allowed: true, false, yes, no, 1, 0, or empty (false)",
        "`c.csv` row 5 column `Record ID`: record id 1 is on an earlier row too; allowed: each record once",
        "`c.csv` row 6 column `Record ID`: `x` is not a record id; allowed: a whole number",
        "`c.csv` row 7: the row has 3 cells, the header 4; allowed: one cell per column",
    ] {
        assert!(err.contains(part), "{part}\n{err}");
    }
}

#[test]
fn a_missing_column_an_encoding_error_and_an_oversized_file_are_refused() {
    let err = refused(b"Record ID,Name\n1,Ada\n", &[]);
    assert!(err.contains("`c.csv` row 1: no column for contacts.email; allowed: a column named `Email` or `email` (or name yours in a --map file, key `contacts.email`)"), "{err}");
    let err = refused(b"Record ID,Email\n1,caf\xe9@x.example\n", &[]);
    assert!(
        err.contains("`c.csv` row 2 column `Email`: the cell is not UTF-8; allowed: a UTF-8 file"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(scenarios::import::MAX_EXPORT_BYTES + 1)
        .unwrap();
    let (code, _, err) = seqsim(&["import", "--contacts", &big.display().to_string()]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("is 1073741825 bytes, over the budget of 1073741824 (1 GiB)"),
        "{err}"
    );
}

#[test]
fn problems_are_listed_up_to_fifty_then_counted_and_skip_bad_rows_imports_the_rest() {
    let mut rows = String::from(HEADER);
    for i in 0..80 {
        rows += &format!(
            "{i},a{i}@x.example,Lead,{}\n",
            if i % 2 == 0 { "perhaps" } else { "true" }
        );
    }
    let err = refused(rows.as_bytes(), &[]);
    assert!(err.contains("the export files have 40 problems:"), "{err}");
    for i in 0..30 {
        rows += &format!("{},b{i}@x.example,Lead,perhaps\n", 100 + i);
    }
    let err = refused(rows.as_bytes(), &[]);
    assert!(
        err.contains("the export files have 70 problems:")
            && err
                .contains("and 20 more (fix these first, or import the rest with --skip-bad-rows)"),
        "{err}"
    );
    assert_eq!(err.matches("\n  - `c.csv`").count(), 50, "{err}");
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "c.csv", rows.as_bytes());
    let (code, out, err) = seqsim(&["import", "--contacts", &file, "--skip-bad-rows"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("40 records, 40 with an address"), "{out}");
    assert!(
        out.contains("skipped 70 rows with problems (--skip-bad-rows):"),
        "{out}"
    );
}

#[test]
fn a_mapping_file_names_a_portals_own_columns_and_refuses_an_unknown_fact() {
    let dir = tempfile::tempdir().unwrap();
    let contacts = write(
        dir.path(),
        "c.csv",
        b"Id,Mail,Spam (custom)\n1,a@x.example,yes\n2,b@x.example,no\n",
    );
    let map = write(dir.path(), "map.toml", b"[contacts]\nrecord_id = \"Id\"\nemail = [\"Mail\", \"E-mail\"]\nmarked_as_spam = \"spam (CUSTOM)\"\n");
    let (code, out, err) = seqsim(&["import", "--contacts", &contacts, "--map", &map]);
    assert_eq!(code, Some(0), "{err}");
    let line = out
        .lines()
        .find(|l| l.contains("(PREVIOUSLY_MARKED_AS_SPAM)"))
        .unwrap();
    assert!(line.trim_end().ends_with("50.00%"), "{line}");
    let bad = write(dir.path(), "bad.toml", b"[contacts]\nspam = \"Spam\"\n");
    let (code, _, err) = seqsim(&["import", "--contacts", &contacts, "--map", &bad]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains(
            "is invalid: unknown key `contacts.spam`; allowed: contacts.record_id, contacts.email,"
        ),
        "{err}"
    );
}

#[test]
fn bad_users_and_sequences_are_named_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let users = write(dir.path(), "u.csv", b"User ID,Email,Seat,Inbox provider\n1,a@acme.example,Sales Hub Platinum,gmail\n2,b@acme.example,professional,yahoo\n");
    let sequences = write(dir.path(), "s.json", br#"{"id": "7", "name": "Intro", "steps": [{"stepOrder": 0, "delayMillis": 0, "actionType": "SMS"}]}"#);
    let (code, _, err) = seqsim(&[
        "import",
        "--contacts",
        CONTACTS,
        "--users",
        &users,
        "--sequences",
        &sequences,
    ]);
    assert_eq!(code, Some(2));
    for part in [
        "u.csv` row 2 column `Seat`: `Sales Hub Platinum` is not a seat; allowed: free, starter, professional, enterprise",
        "u.csv` row 3 column `Inbox provider`: `yahoo` is not an inbox provider; allowed: gmail, google_workspace, microsoft_365, outlook_com, exchange, other, or none",
        "s.json` column `sequences[0].steps[0].actionType`: `SMS` is not a step action; allowed: EMAIL, TASK, FINISH_ENROLLMENT (sequence `Intro`)",
    ] {
        assert!(err.contains(part), "{part}\n{err}");
    }
}

#[test]
fn a_pseudonymised_copy_keeps_every_fact_and_no_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.csv").display().to_string();
    let again = dir.path().join("again.csv").display().to_string();
    for out in [&copy, &again] {
        let (code, out, err) = seqsim(&["import", "--contacts", CONTACTS, "--pseudonymise", out]);
        assert_eq!((code, out.as_str()), (Some(0), ""), "{err}");
    }
    let text = std::fs::read_to_string(&copy).unwrap();
    assert_eq!(
        text,
        std::fs::read_to_string(&again).unwrap(),
        "the same copy each time"
    );
    assert!(
        !text.contains("First Name") && !text.contains("Last Name"),
        "names are not facts"
    );
    let (header, rows) = fixture();
    let email = header.iter().position(|h| h == "Email").unwrap();
    let copied: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(copied.len(), rows.len());
    let copy_email = |line: &str| line.split(',').nth(1).unwrap().to_owned();
    let mut pairs = std::collections::BTreeMap::new();
    for (row, line) in rows.iter().zip(&copied) {
        let (original, hashed) = (&row[email], copy_email(line));
        if original.is_empty() {
            assert!(hashed.is_empty());
            continue;
        }
        let (local, domain) = original.split_once('@').unwrap();
        assert!(!hashed.contains(local), "{hashed} hides {local}");
        assert!(
            hashed.ends_with(&format!("@{domain}")),
            "{hashed} keeps {domain}"
        );
        // One address, one hash; two addresses, two hashes.
        assert_eq!(
            pairs
                .entry(original.clone())
                .or_insert_with(|| hashed.clone()),
            &hashed
        );
    }
    let distinct: std::collections::BTreeSet<&String> = pairs.values().collect();
    assert_eq!(distinct.len(), pairs.len());
    // The same summary and the same synthesized scenario as the file.
    let (_, original, _) = seqsim(&["import", "--contacts", CONTACTS]);
    let (_, pseudonymised, _) = seqsim(&["import", "--contacts", &copy]);
    assert_eq!(original, pseudonymised);
    let synth = |file: &str| seqsim(&["import", "--contacts", file, "--synthesize", "1000"]).1;
    assert_eq!(synth(CONTACTS), synth(&copy));
}
