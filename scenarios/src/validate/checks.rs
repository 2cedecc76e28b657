//! Checks of a rule set's CEL checks (`[[checks]]`): a code of their own, an expression that
//! compiles against the variable table, and what they do when it is true.

use model::GuardCode;
use sim::cel::{Expression, Problem as CelProblem, MAX_EXPRESSION_BYTES, MAX_EXPRESSION_DEPTH};
use sim::{Guard, GuardKind};

use super::Validator;
use crate::key::{field, Key};
use crate::raw::{CheckAction, RawCheck};

/// The expression `source` with a caret under `offset`, indented, for a problem's message.
pub(crate) fn caret(source: &str, offset: usize) -> String {
    let offset = offset.min(source.len());
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[offset..]
        .find('\n')
        .map_or(source.len(), |i| offset + i);
    let column = source[line_start..offset].chars().count();
    format!(
        "\n    {}\n    {}^",
        &source[line_start..line_end],
        " ".repeat(column)
    )
}

/// The message of one problem of an expression.
fn message(source: &str, problem: &CelProblem) -> String {
    format!(
        "{} (a check's `when` is a CEL bool over the variables of docs/harness.md, at most {MAX_EXPRESSION_BYTES} bytes and {MAX_EXPRESSION_DEPTH} levels deep):{}",
        problem.message,
        caret(source, problem.offset)
    )
}

impl Validator<'_> {
    /// CEL check `c`, whose code must differ from the `earlier` declared ones and the
    /// built-in ones.
    pub(super) fn cel_check(
        &mut self,
        (at, c): (Key, &RawCheck),
        earlier: &[&str],
    ) -> Option<(GuardCode, Guard)> {
        let (code_key, code) = field!(at, c.code);
        let good_code = self.declared_code(code_key, code, earlier);
        let (when_key, when) = field!(at, c.when);
        let expression = match Expression::compile(when) {
            Ok(expression) => Some(expression),
            Err(problems) => {
                for p in &problems {
                    self.problem(when_key.clone(), message(when, p));
                }
                None
            }
        };
        let pause_hours = self.pause(&at, c);
        good_code.then_some(())?;
        let code = GuardCode {
            name: code.clone(),
            description: c.description.clone(),
        };
        let guard = Guard {
            kind: GuardKind::Expression(expression?),
            pause_hours: pause_hours?,
        };
        Some((code, guard))
    }

    /// What a check does when true: refuse (no `pause_hours`), or pause the sender for
    /// `pause_hours`.
    fn pause(&mut self, at: &Key, c: &RawCheck) -> Option<Option<u32>> {
        let (action_key, action) = field!(at, c.action);
        let action = match action {
            None => Some(CheckAction::Refuse),
            Some(name) => self.named::<CheckAction>(action_key, name, "a check's action", ""),
        }?;
        let hours = self.optional_count(field!(at, c.pause_hours), 1, 24 * 365)?;
        let wrong = match (action, hours) {
            (CheckAction::Pause, None) => "action = \"pause\" needs pause_hours",
            (CheckAction::Refuse, Some(_)) => "pause_hours needs action = \"pause\"",
            _ => return Some(hours),
        };
        let message = format!("{wrong}; allowed: action = \"refuse\" (the default) without pause_hours, or action = \"pause\" with pause_hours from 1 to 8760");
        self.problem(at.field("pause_hours"), message);
        None
    }
}
