//! The harness's report: agreement, the confusion matrix of codes, the first disagreements with
//! their facts and the `seqsim trace` command that reproduces each, and in drive mode the
//! contact-by-contact diff of the driven run against the reference run. As text or JSON; no
//! timings, so the same run gives the same bytes.

use serde::Serialize;

use crate::drive::Comparison;
use crate::protocol::{Request, Rules};
use crate::request::RequestBuilder;

/// Which world the decisions shaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The reference model drives the world; the engine is only asked.
    Shadow,
    /// The engine's decisions drive the world.
    Drive,
}

/// What a report says about its run, beside the comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportMeta {
    /// The scenario's name.
    pub scenario: String,
    /// The seed.
    pub seed: u64,
    /// The mode.
    pub mode: Mode,
    /// The engine as the user named it (a command or a URL).
    pub engine: String,
    /// The `seqsim trace` command of the run without `--contact ID`.
    pub trace_prefix: String,
}

/// One cell of the confusion matrix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConfusionRow {
    /// The reference model's decision.
    pub reference: String,
    /// The engine's.
    pub engine: String,
    /// Attempts.
    pub attempts: u64,
}

/// One disagreement, with everything needed to reproduce it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DisagreementRow {
    /// The attempt's id.
    pub id: u64,
    /// The reference model's decision.
    pub reference: String,
    /// The engine's.
    pub engine: String,
    /// The command that shows the contact's journey in the reference run.
    pub trace: String,
    /// The request: every fact the rules read.
    pub request: Request,
}

/// Drive mode's downstream effects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DriveSection {
    /// ENROLLED decisions the world could not follow (no address, already enrolled): it kept
    /// the reference decision there.
    pub not_followed: u64,
    /// The reference run (before) against the driven run (after), contact by contact.
    pub diff: reports::Diff,
}

/// The harness's report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HarnessReport {
    /// The protocol spoken.
    pub protocol: &'static str,
    /// The scenario's name.
    pub scenario: String,
    /// The seed.
    pub seed: u64,
    /// The rule set.
    pub rules: Rules,
    /// The mode.
    pub mode: Mode,
    /// The engine.
    pub engine: String,
    /// Attempts compared.
    pub attempts: u64,
    /// Attempts on which the engine agrees with the reference model.
    pub agreed: u64,
    /// Attempts on which it does not.
    pub disagreed: u64,
    /// Attempts per (reference, engine) decision, in decision order (ENROLLED, built-in codes
    /// in catalogue order, guards), the reference's first.
    pub confusion: Vec<ConfusionRow>,
    /// The first disagreements, in attempt order.
    pub disagreements: Vec<DisagreementRow>,
    /// Drive mode only: the downstream effects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drive: Option<DriveSection>,
}

impl HarnessReport {
    /// The report of `comparison`.
    pub fn new(
        meta: ReportMeta,
        builder: &RequestBuilder,
        comparison: &Comparison,
        drive: Option<DriveSection>,
    ) -> Self {
        assert_eq!(meta.mode == Mode::Drive, drive.is_some());
        let name = |d| builder.decision_name(d).to_owned();
        let confusion = (comparison.confusion.iter())
            .map(|(&(r, e), &attempts)| ConfusionRow {
                reference: name(r),
                engine: name(e),
                attempts,
            })
            .collect();
        let disagreements = (comparison.first.iter())
            .map(|d| DisagreementRow {
                id: d.request.id,
                reference: name(d.reference),
                engine: name(d.engine),
                trace: format!("{} --contact {}", meta.trace_prefix, d.request.contact.id),
                request: d.request.clone(),
            })
            .collect();
        Self {
            protocol: builder.version().name(),
            scenario: meta.scenario,
            seed: meta.seed,
            rules: builder.rules().clone(),
            mode: meta.mode,
            engine: meta.engine,
            attempts: comparison.attempts,
            agreed: comparison.attempts - comparison.disagreed,
            disagreed: comparison.disagreed,
            confusion,
            disagreements,
            drive,
        }
    }

    /// Whether the engine agreed on every attempt.
    pub fn all_agree(&self) -> bool {
        self.disagreed == 0
    }

    /// The report as pretty JSON, ending with a newline.
    pub fn json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).expect("a report always serializes");
        out.push('\n');
        out
    }

    /// The report as text.
    pub fn text(&self) -> String {
        let mut out = format!(
            "seqsim harness ({}): scenario {:?}, seed {}, {} mode\nengine: {}\nrules: {} ({})\n\n",
            self.protocol,
            self.scenario,
            self.seed,
            mode_name(self.mode),
            self.engine,
            self.rules.name,
            self.rules.order.join(" > ")
        );
        out += &format!(
            "attempts   {:>12}\nagree      {:>12}  {}\ndisagree   {:>12}\n\n",
            reports::thousands(self.attempts),
            reports::thousands(self.agreed),
            percent(self.agreed, self.attempts),
            reports::thousands(self.disagreed),
        );
        out += &self.confusion_text();
        out += &self.disagreements_text();
        if let Some(drive) = &self.drive {
            out += &format!(
                "\nthe driven run against the reference run, contact by contact (ENROLLED decisions the world could not follow: {}):\n\n",
                drive.not_followed
            );
            out += &drive.diff.render(reports::Format::Table, false);
        }
        out
    }

    fn confusion_text(&self) -> String {
        let width = (self.confusion.iter())
            .map(|r| r.reference.len() + r.engine.len() + 4)
            .max()
            .unwrap_or(0)
            .max("reference -> engine".len());
        let mut out = format!("{:<width$}  {:>12}\n", "reference -> engine", "attempts");
        for row in &self.confusion {
            let cell = format!("{} -> {}", row.reference, row.engine);
            let mark = if row.reference == row.engine {
                ""
            } else {
                "  *"
            };
            out += &format!(
                "{cell:<width$}  {:>12}{mark}\n",
                reports::thousands(row.attempts)
            );
        }
        out
    }

    fn disagreements_text(&self) -> String {
        if self.disagreements.is_empty() {
            return String::new();
        }
        let mut out = format!(
            "\nthe first {} disagreements (of {}):\n",
            self.disagreements.len(),
            reports::thousands(self.disagreed)
        );
        for d in &self.disagreements {
            let facts = serde_json::to_string(&d.request).expect("a request always serializes");
            out += &format!(
                "  attempt {} (contact {}): reference {}, engine {}\n    facts: {facts}\n    reproduce: {}\n",
                d.id, d.request.contact.id, d.reference, d.engine, d.trace
            );
        }
        out
    }
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Shadow => "shadow",
        Mode::Drive => "drive",
    }
}

/// `part` of `whole` as a percentage with two decimals, rounded down, in integers.
fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "(no attempts)".to_owned();
    }
    let basis_points = u128::from(part) * 10_000 / u128::from(whole);
    format!("{}.{:02}%", basis_points / 100, basis_points % 100)
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percentages_round_down_in_integers() {
        assert_eq!(percent(1, 3), "33.33%");
        assert_eq!(percent(2, 3), "66.66%");
        assert_eq!(percent(9_999, 10_000), "99.99%");
        assert_eq!(percent(5, 5), "100.00%");
        assert_eq!(percent(0, 0), "(no attempts)");
    }
}
