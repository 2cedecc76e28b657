//! From a TOML table to the raw structs, reporting every unknown key of the file.

use serde_path_to_error::Segment;

use serde::de::DeserializeOwned;

use crate::error::Problem;

/// Most unknown keys reported before giving up on a file: a bound on the retry loop below.
const MAX_UNKNOWN_KEYS: usize = 64;

/// Deserializes `table`, collecting every unknown key instead of stopping at the first: each
/// one is reported, removed, and deserialization tried again. Any other error (a wrong type, a
/// missing key inside a table) ends the attempt. The required top-level keys (`seed` and the
/// `population` and `plan` tables) are optional in the raw structs, so that validation reports
/// their absence together with every other problem of the file.
pub(crate) fn deserialize<T: DeserializeOwned>(table: toml::Table) -> (Option<T>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut root = toml::Value::Table(table);
    for _ in 0..MAX_UNKNOWN_KEYS {
        let err = match serde_path_to_error::deserialize::<_, T>(root.clone()) {
            Ok(raw) => return (Some(raw), problems),
            Err(err) => err,
        };
        let segments: Vec<Segment> = err.path().iter().cloned().collect();
        // Deserializing a value appends "in <table>" lines; the key path already says where.
        let message = err.into_inner().to_string();
        let message = message.lines().next().unwrap_or_default().to_owned();
        let key = key_path(&segments);
        match message.strip_prefix("unknown field `") {
            Some(rest) if remove_key(&mut root, &segments) => {
                let allowed = rest.split_once("`, expected ").map_or("", |(_, a)| a);
                let allowed = allowed.replace("one of ", "").replace('`', "");
                problems.push(Problem::new(
                    key,
                    format!("unknown key; the keys allowed here are: {allowed}"),
                ));
            }
            _ => {
                problems.push(Problem::new(key, explain_serde(&message)));
                return (None, problems);
            }
        }
    }
    problems.push(Problem::new(
        "",
        format!("more than {MAX_UNKNOWN_KEYS} unknown keys; is this a seqsim file?"),
    ));
    (None, problems)
}

fn key_path(segments: &[Segment]) -> String {
    let mut key = String::new();
    for segment in segments {
        match segment {
            Segment::Map { key: k } => {
                if !key.is_empty() {
                    key.push('.');
                }
                key.push_str(k);
            }
            Segment::Seq { index } => key.push_str(&format!("[{index}]")),
            Segment::Enum { variant } => key.push_str(&format!("::{variant}")),
            Segment::Unknown => key.push_str(".?"),
        }
    }
    key
}

/// Removes the key `segments` point at; false if the path does not lead to a table key.
fn remove_key(root: &mut toml::Value, segments: &[Segment]) -> bool {
    let Some((Segment::Map { key: last }, parents)) = segments.split_last() else {
        return false;
    };
    let mut here = root;
    for segment in parents {
        let next = match (here, segment) {
            (toml::Value::Table(t), Segment::Map { key }) => t.get_mut(key),
            (toml::Value::Array(a), Segment::Seq { index }) => a.get_mut(*index),
            _ => None,
        };
        match next {
            Some(v) => here = v,
            None => return false,
        }
    }
    match here {
        toml::Value::Table(t) => t.remove(last).is_some(),
        _ => false,
    }
}

/// serde's messages name Rust types (`expected i64`); say it in the file's terms.
fn explain_serde(message: &str) -> String {
    let message = message
        .replace("expected u64", "expected a whole number from 0 up")
        .replace("expected i64", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace("expected a string", "expected a quoted string")
        .replace("a sequence", "an array")
        .replace("struct Raw", "a table ");
    match message.strip_prefix("missing field `") {
        Some(rest) => format!(
            "required key `{}` is missing here",
            rest.trim_end_matches('`')
        ),
        None => message,
    }
}
