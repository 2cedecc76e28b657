//! Sequences as the Sequences API returns them (`GET /automation/v4/sequences/{id}` or
//! `/automation/sequences/2026-03/{id}`): one sequence, an array of them, or a list
//! response's `{"results": [...]}`.

use std::path::Path;

use serde::Deserialize;
use sim::StepKind;

use super::{shown, ImportError, ImportedSequence, ImportedStep, RowProblem, MAX_EXPORT_BYTES};

#[derive(Deserialize)]
#[serde(untagged)]
enum Document {
    List { results: Vec<Sequence> },
    Many(Vec<Sequence>),
    One(Box<Sequence>),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Sequence {
    id: String,
    name: String,
    steps: Vec<Step>,
    #[serde(default)]
    settings: Option<Settings>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Step {
    step_order: u32,
    delay_millis: u64,
    action_type: String,
    #[serde(default)]
    task_pattern: Option<TaskPattern>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TaskPattern {
    #[serde(default)]
    task_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Settings {
    #[serde(default)]
    eligible_follow_up_days: Option<String>,
    #[serde(default)]
    send_window_start_minute: Option<u32>,
    #[serde(default)]
    send_window_end_minute: Option<u32>,
}

/// The sequences of the JSON file at `path`; a value the importer does not know is a problem
/// of `fatal` naming its place.
pub(super) fn read(
    path: &Path,
    fatal: &mut Vec<RowProblem>,
) -> Result<Vec<ImportedSequence>, ImportError> {
    let file = shown(path);
    let read_error = |source| ImportError::Read {
        path: file.clone(),
        source,
    };
    let size = std::fs::metadata(path).map_err(read_error)?.len();
    if size > MAX_EXPORT_BYTES {
        return Err(ImportError::TooLarge {
            path: file,
            bytes: size,
        });
    }
    let text = std::fs::read_to_string(path).map_err(read_error)?;
    let document: Document = match serde_json::from_str(&text) {
        Ok(d) => d,
        Err(e) => {
            let message = format!("{e}; allowed: a sequence as the Sequences API returns it (id, name, steps with stepOrder, delayMillis and actionType), an array of them, or {{\"results\": [...]}}");
            fatal.push(RowProblem::new(&file, 0, "", &message));
            return Ok(Vec::new());
        }
    };
    let sequences = match document {
        Document::List { results } | Document::Many(results) => results,
        Document::One(one) => vec![*one],
    };
    Ok((sequences.into_iter().enumerate())
        .filter_map(|(i, s)| sequence(&file, i, s, fatal))
        .collect())
}

fn sequence(
    file: &str,
    i: usize,
    s: Sequence,
    fatal: &mut Vec<RowProblem>,
) -> Option<ImportedSequence> {
    let mut steps = s.steps;
    steps.sort_by_key(|st| st.step_order);
    let mut imported = Vec::new();
    for (j, step) in steps.iter().enumerate() {
        let place = format!("sequences[{i}].steps[{j}].actionType");
        let kind = match (
            step.action_type.as_str(),
            step.task_pattern
                .as_ref()
                .and_then(|t| t.task_type.as_deref()),
        ) {
            ("EMAIL", _) => StepKind::AutomatedEmail,
            ("TASK", Some("EMAIL")) => StepKind::ManualEmail,
            ("TASK", _) => StepKind::Task,
            ("FINISH_ENROLLMENT", _) => break,
            (other, _) => {
                let message = format!("`{other}` is not a step action; allowed: EMAIL, TASK, FINISH_ENROLLMENT (sequence `{}`)", s.name);
                fatal.push(RowProblem::new(file, 0, &place, &message));
                return None;
            }
        };
        imported.push(ImportedStep {
            kind,
            delay_millis: step.delay_millis,
        });
    }
    if imported.is_empty() {
        let message = format!("sequence `{}` has no step before FINISH_ENROLLMENT; allowed: at least one EMAIL or TASK step", s.name);
        fatal.push(RowProblem::new(
            file,
            0,
            &format!("sequences[{i}].steps"),
            &message,
        ));
        return None;
    }
    let settings = s.settings.unwrap_or(Settings {
        eligible_follow_up_days: None,
        send_window_start_minute: None,
        send_window_end_minute: None,
    });
    Some(ImportedSequence {
        id: s.id,
        name: s.name,
        steps: imported,
        weekdays_only: settings.eligible_follow_up_days.as_deref() != Some("EVERYDAY"),
        send_window: settings
            .send_window_start_minute
            .zip(settings.send_window_end_minute),
    })
}
