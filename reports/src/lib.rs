//! Reports of a run: a terminal table, JSON and Markdown, a contact's journey, and a run's or a
//! diff's counts over several seeds.
//!
//! This crate is the output boundary: it turns a [`sim::RunResult`] into text. Every number in a
//! report is an integer count (shares are computed from them when printed), keys come in a fixed
//! order, and nothing depends on the clock or the machine, so the same run gives the same bytes.

pub mod check;
pub mod csv;
mod diff;
pub mod html;
mod limits;
mod seeds;
pub mod stats;
mod table;
mod text;
mod trace;

use std::borrow::Cow;

use model::{Decision, InboxProvider, Outcome, RejectionCode};
use serde::ser::{Serialize, SerializeMap, Serializer};
use sim::{DayCounter, DayCounts, RunResult, Scenario, Source, PROVIDER_SLOTS};

pub use diff::{
    AttemptSummary, Change, Diff, DiffSet, DiffTotal, Example, PortalDiff, Row, Side, Transition,
};
pub use limits::{
    Limits, Peak, PeakWeekday, ProviderCap, RankedInbox, ShareBin, Spread, StepHits, WeekdayLoad,
    WeekdaySteps,
};
pub use seeds::{
    diff::{SeedsDiff, SeedsRow},
    Group, SeedsReport, Series,
};
pub use table::{counted, thousands};
pub use trace::{render_trace, trace_json};

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned plain text for a terminal.
    Table,
    /// One JSON object.
    Json,
    /// GitHub-flavoured Markdown.
    Markdown,
}

/// A run's report: what was run and the counts it gave.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// The scenario's name.
    pub scenario: String,
    /// The seed the run used.
    pub seed: u64,
    /// What wrote the report, from what: for telling a baseline apart.
    pub provenance: Provenance,
    /// What validation warned about the scenario file (values the product would not accept,
    /// used as given), each naming its key; absent from JSON when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The first simulated day.
    pub start_date: String,
    /// Simulated days.
    pub horizon_days: u32,
    /// The world's size.
    pub population: PopulationSummary,
    /// Events the engine processed (attempts, steps, sends, reactions...): the run's work.
    pub events: u64,
    /// Attempts made.
    pub enrollment_attempts: u64,
    /// `ENROLLED` and every rejection code, with its count; sums to `enrollment_attempts`.
    pub enrollment: Counts,
    /// Attempts per source.
    pub attempts_by_source: Counts,
    /// The final outcome of every enrollment; sums to `enrollment.ENROLLED`.
    pub outcomes: Counts,
    /// SEND_LIMIT_REACHED outcomes by the side whose limit stopped the step.
    pub send_limit_reached_by_side: Counts,
    /// The sequences daily limit at enrollment: attempts it refused
    /// (SEQUENCES_DAILY_LIMIT_REACHED) and enrollments it deferred to a later day; apart from
    /// the send-time SEND_LIMIT_REACHED.
    pub sequences_daily_limit: Counts,
    /// Why limits bind: inboxes' peak usage against their caps, limit hits by weekday and
    /// step, and the load per weekday, expected and simulated.
    pub limits: Limits,
    /// What happened each day, per sender provider; left out of a summary.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub daily: Vec<Day>,
}

/// The version of the report's format ([`Report`], and `docs/report.schema.json`): bumped when a
/// key changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

/// Where a report comes from, so that a baseline can be told apart from a report of something
/// else.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Provenance {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The seqsim that wrote the report.
    pub seqsim_version: &'static str,
    /// SHA-256 of the scenario file's content; absent for a scenario built in code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario_sha256: Option<String>,
    /// The rule set's checks in order (built-in codes, and guards by their codes).
    pub rules: Vec<String>,
    /// SHA-256 of the rule set: its order, and each guard's code, description and what it
    /// measures; equal hashes, equal rules (whether from the scenario or a rule file).
    pub rules_sha256: String,
    /// The `--set PATH=VALUE` overrides applied to the scenario file, in order; absent from
    /// JSON when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
}

impl Provenance {
    /// The provenance of a report of `scenario`.
    pub fn of(scenario: &Scenario) -> Self {
        let rules = &scenario.rules;
        let names: Vec<String> = (rules.order().iter())
            .map(|&check| rules.check_name(check).to_owned())
            .collect();
        let mut canonical = names.join(",");
        for (code, guard) in rules.guards().iter().zip(&scenario.guards) {
            canonical.push_str(&format!(";{}|{}|{guard:?}", code.name, code.description));
        }
        Self {
            schema_version: SCHEMA_VERSION,
            seqsim_version: env!("CARGO_PKG_VERSION"),
            scenario_sha256: scenario.source_sha256.clone(),
            rules: names,
            rules_sha256: scenarios::sha256_hex(canonical.as_bytes()),
            overrides: scenario.overrides.clone(),
        }
    }
}

/// The world's size.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PopulationSummary {
    /// Contact records.
    pub contacts: u64,
    /// Portals.
    pub portals: u64,
    /// Users (potential senders).
    pub senders: u64,
}

/// One simulated day.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Day {
    /// Day number from 0.
    pub day: u32,
    /// Its date.
    pub date: String,
    /// Its weekday, three letters.
    pub weekday: &'static str,
    /// Counters per sender provider (those that have users), in catalogue order.
    pub providers: Vec<ProviderDay>,
}

/// One sender provider's counters on one day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderDay {
    /// The provider's name (`none` for users without an inbox).
    pub provider: &'static str,
    /// The counters.
    pub counts: Counts,
}

impl Serialize for ProviderDay {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.counts.0.len() + 1))?;
        map.serialize_entry("provider", self.provider)?;
        for (name, count) in &self.counts.0 {
            map.serialize_entry(name, count)?;
        }
        map.end()
    }
}

/// Named counts in a fixed order; serialized as a JSON object in that order. Names are the
/// catalogues' (static) or a rule set's guard codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counts(pub Vec<(Cow<'static, str>, u64)>);

impl Counts {
    /// The counts of `named`, in its order.
    pub fn new<N: Into<Cow<'static, str>>>(named: impl IntoIterator<Item = (N, u64)>) -> Self {
        Self(named.into_iter().map(|(n, c)| (n.into(), c)).collect())
    }

    /// The count named `name`, if present.
    pub fn get(&self, name: &str) -> Option<u64> {
        self.0.iter().find(|(n, _)| n == name).map(|&(_, c)| c)
    }

    /// The sum of the counts.
    pub fn total(&self) -> u64 {
        self.0.iter().map(|&(_, c)| c).sum()
    }
}

impl Serialize for Counts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, count) in &self.0 {
            map.serialize_entry(name, count)?;
        }
        map.end()
    }
}

/// The name a report gives decision `d`: `ENROLLED`, or the name of the code that rejected the
/// attempt. Every decision reports print is named here and nowhere else, so a new kind of
/// decision (say, codes a scenario's rule file defines, hence `scenario`) is named in one place.
pub(crate) fn decision_name(scenario: &Scenario, d: Decision) -> String {
    scenario.rules.decision_name(d).to_owned()
}

/// The name of daily-series provider slot `slot`.
pub(crate) fn slot_name(slot: usize) -> &'static str {
    InboxProvider::ALL.get(slot).map_or("none", |p| p.name())
}

fn day_counts(c: &DayCounts) -> Counts {
    Counts::new(DayCounter::ALL.map(|counter| (counter.name(), c.get(counter))))
}

/// The date `days` after `start` (`YYYY-MM-DD`), or `day N` if `start` is not a date.
fn date_after(start: &str, days: u32) -> String {
    chrono::NaiveDate::parse_from_str(start, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.checked_add_days(chrono::Days::new(days.into())))
        .map_or_else(
            || format!("day {days}"),
            |d| d.format("%Y-%m-%d").to_string(),
        )
}

impl Report {
    /// The report of `result`, a run of `scenario`.
    pub fn new(scenario: &Scenario, result: &RunResult) -> Self {
        let counters = &result.counters;
        let guards = scenario.rules.guards().iter().enumerate();
        let enrollment = std::iter::once((Cow::Borrowed("ENROLLED"), counters.enrolled))
            .chain(
                RejectionCode::ALL
                    .into_iter()
                    .map(|code| (Cow::Borrowed(code.name()), result.rejected(code))),
            )
            .chain(guards.map(|(i, g)| (Cow::Owned(g.name.clone()), counters.guarded[i])))
            .collect();
        let by_source = Source::ALL.map(|s| (s.name(), counters.attempts_from(s)));
        let outcomes = Outcome::ALL.map(|o| (o.name(), result.outcome(o)));
        let [platform, provider] = counters.limit_outcomes_by_side;
        let slots: Vec<usize> = (0..PROVIDER_SLOTS)
            .filter(|&s| result.shape.provider_slots_used[s])
            .collect();
        let cal = &scenario.calendar;
        let daily = counters
            .daily
            .iter()
            .enumerate()
            .map(|(d, counters)| Day {
                day: d as u32,
                date: date_after(&cal.start_date, d as u32),
                weekday: cal.weekday(d as u32).name(),
                providers: slots
                    .iter()
                    .map(|&s| ProviderDay {
                        provider: slot_name(s),
                        counts: day_counts(&counters[s]),
                    })
                    .collect(),
            })
            .collect();
        Report {
            scenario: scenario.name.clone(),
            seed: scenario.seed,
            provenance: Provenance::of(scenario),
            warnings: scenario.warnings.clone(),
            start_date: cal.start_date.clone(),
            horizon_days: result.shape.horizon_days,
            population: PopulationSummary {
                contacts: result.shape.contacts,
                portals: result.shape.portals,
                senders: result.shape.users,
            },
            events: counters.events,
            enrollment_attempts: counters.attempts,
            enrollment: Counts(enrollment),
            attempts_by_source: Counts::new(by_source),
            outcomes: Counts::new(outcomes),
            send_limit_reached_by_side: Counts::new([
                ("platform", platform),
                ("provider", provider),
            ]),
            sequences_daily_limit: Counts::new([
                (
                    "refused",
                    counters.rejected(RejectionCode::SequencesDailyLimitReached),
                ),
                ("deferred", counters.deferred_by_daily_limit),
            ]),
            limits: Limits::new(scenario, result),
            daily,
        }
    }

    /// [`Report::new`] taking the result, to drop it once reported (as `sim::run_seeds` hands
    /// it over).
    pub fn new_owned(scenario: &Scenario, result: RunResult) -> Self {
        Self::new(scenario, &result)
    }

    /// The report without its daily series: the distributions alone.
    pub fn summary(mut self) -> Self {
        self.daily.clear();
        self
    }

    /// The report in `format`, ending with a newline.
    pub fn render(&self, format: Format) -> String {
        render_as(format, self, |markdown| text::render(self, markdown))
    }
}

/// The embedded scenario library (`seqsim list`): every name with its one-line description, as
/// a table, a Markdown table, or a JSON array of `{"name", "description"}`.
pub fn render_library(format: Format) -> String {
    let rows: Vec<(&str, String)> = (scenarios::LIBRARY.iter())
        .map(|s| (s.name, s.description()))
        .collect();
    match format {
        Format::Json => {
            #[derive(serde::Serialize)]
            struct Row<'a> {
                name: &'a str,
                description: &'a str,
            }
            let values: Vec<Row> = (rows.iter())
                .map(|(name, description)| Row { name, description })
                .collect();
            let mut out = serde_json::to_string_pretty(&values).expect("rows serialize");
            out.push('\n');
            out
        }
        Format::Table => {
            let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
            let mut out = format!("{:width$}  DESCRIPTION\n", "NAME");
            for (name, description) in &rows {
                out.push_str(&format!("{name:width$}  {description}\n"));
            }
            out
        }
        Format::Markdown => {
            let mut out = "| name | description |\n|---|---|\n".to_owned();
            for (name, description) in &rows {
                out.push_str(&format!("| `{name}` | {description} |\n"));
            }
            out
        }
    }
}

/// Several JSON documents (reports rendered with `Format::Json`) as one pretty JSON array, in
/// the order given, ending with a newline: `seqsim run` with several scenarios. Built from the
/// text, so every document keeps its key order.
pub fn json_array(documents: &[String]) -> String {
    let items: Vec<String> = (documents.iter())
        .map(|d| {
            let lines: Vec<String> = d.trim_end().lines().map(|l| format!("  {l}")).collect();
            lines.join("\n")
        })
        .collect();
    if items.is_empty() {
        return "[]\n".to_owned();
    }
    format!("[\n{}\n]\n", items.join(",\n"))
}

/// `value` in `format`, ending with a newline: pretty JSON, or `text(markdown)`.
pub(crate) fn render_as(
    format: Format,
    value: &impl Serialize,
    text: impl FnOnce(bool) -> String,
) -> String {
    match format {
        Format::Json => {
            let mut out = serde_json::to_string_pretty(value).expect("reports always serialize");
            out.push('\n');
            out
        }
        Format::Table => text(false),
        Format::Markdown => text(true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_array_keeps_each_document_whole() {
        let docs = [
            "{\n  \"b\": 1,\n  \"a\": [\n    2\n  ]\n}\n".to_owned(),
            "{}\n".to_owned(),
        ];
        let array = json_array(&docs);
        let parsed: Vec<serde_json::Value> = serde_json::from_str(&array).unwrap();
        assert_eq!(parsed.len(), 2);
        assert!(array.starts_with("[\n  {\n    \"b\": 1,"), "{array}");
        assert_eq!(json_array(&[]), "[]\n");
    }

    #[test]
    fn json_keys_keep_their_order() {
        let counts = Counts::new([("B", 2), ("A", 1)]);
        assert_eq!(serde_json::to_string(&counts).unwrap(), r#"{"B":2,"A":1}"#);
        assert_eq!(counts.total(), 3);
        assert_eq!(counts.get("A"), Some(1));
    }

    #[test]
    fn dates_count_from_the_start() {
        assert_eq!(date_after("2026-02-27", 2), "2026-03-01");
        assert_eq!(date_after("nonsense", 2), "day 2");
    }
}
