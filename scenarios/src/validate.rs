//! From scenario text to a validated [`sim::Scenario`], collecting every problem on the way.
//!
//! [`validate`] reads the TOML, `deserialize` turns it into the raw structs (reporting every
//! unknown key), and the section checks (`world`, `flow`, `dynamics`) convert each value,
//! pushing a problem for each bad one. This file holds the entry point, the assembly of the
//! scenario from its sections, and the small checks every section uses (counts, probabilities,
//! spans, catalogue names). Every key a problem names is built by [`field!`] from the field it
//! describes.

mod checks;
pub(crate) mod deserialize;
mod dynamics;
mod flow;
mod remedies;
mod rules;
#[cfg(test)]
mod tests;
mod world;

use chrono::NaiveDate;
use model::Catalogue;

use crate::error::Problem;
use crate::key::{field, Key};
use crate::numbers::{self, Oversized};
use crate::raw::RawScenario;

/// Validates scenario `text`: the scenario, or every problem of the file. `fallback_name` is
/// the scenario's name when the file gives none.
#[cfg(test)]
pub(crate) fn validate(text: &str, fallback_name: &str) -> Result<sim::Scenario, Vec<Problem>> {
    let (table, oversized) = parse_toml(text)?;
    validate_table(table, &oversized, fallback_name)
}

/// Validates a scenario's TOML `table` (its file's, with any `--set` applied; `oversized`: its
/// integers beyond 64 bits, set aside by `parse_toml`): the scenario, or every problem of it.
pub(crate) fn validate_table(
    table: toml::Table,
    oversized: &[Oversized],
    fallback_name: &str,
) -> Result<sim::Scenario, Vec<Problem>> {
    let (raw, mut problems) = deserialize::deserialize(table);
    rules::hint_guard_syntax(&mut problems, "rules.");
    let mut warnings = Vec::new();
    let scenario = raw.and_then(|raw| {
        let mut v = Validator {
            problems: &mut problems,
            warnings: &mut warnings,
        };
        v.scenario(&raw, fallback_name)
    });
    numbers::restore(&mut problems, oversized);
    match scenario {
        Some(mut scenario) if problems.is_empty() && !numbers::any_refused(oversized) => {
            scenario.warnings = warnings.iter().map(Problem::to_string).collect();
            Ok(scenario)
        }
        _ => Err(problems),
    }
}

/// Validates the rule file `text`: its checks and guards, or every problem of the file.
pub(crate) fn validate_rules(text: &str) -> Result<rules::Checked, Vec<Problem>> {
    let (table, oversized) = parse_toml(text)?;
    let (raw, mut problems) = deserialize::deserialize::<crate::raw::RawRules>(table);
    rules::hint_guard_syntax(&mut problems, "");
    let checked = raw.and_then(|raw| {
        let mut warnings = Vec::new();
        let mut v = Validator {
            problems: &mut problems,
            warnings: &mut warnings,
        };
        v.rules((Key::root(), &raw))
    });
    numbers::restore(&mut problems, &oversized);
    match checked {
        Some(checked) if problems.is_empty() && !numbers::any_refused(&oversized) => Ok(checked),
        _ => Err(problems),
    }
}

/// `text` as a TOML table, with its integers beyond 64 bits set aside (see `numbers`); or the
/// syntax error as the file's one problem.
pub(crate) fn parse_toml(text: &str) -> Result<(toml::Table, Vec<Oversized>), Vec<Problem>> {
    numbers::parse(text).map_err(|e| {
        let message = format!("not valid TOML: {}", one_line(&e));
        vec![Problem::new("", message)]
    })
}

/// Folds a multi-line message (toml's errors show the offending line) onto one line.
pub(crate) fn one_line(message: &str) -> String {
    /// toml's messages quote the offending line: a one-line junk file would fill the screen.
    const MAX_CHARS: usize = 300;
    let line = (message.lines().map(str::trim))
        .filter(|l| !l.is_empty() && *l != "|")
        .collect::<Vec<_>>()
        .join(" ");
    match line.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("{} [...]", &line[..end]),
        None => line,
    }
}

/// The calendar as far as it could be read: later checks (the plan's business days, outage
/// dates) need its parts even when the other part is bad.
struct CalendarParts {
    start: (Key, Option<NaiveDate>),
    horizon_days: (Key, Option<u32>),
}

/// Pushes problems, and warnings (values the product would not accept, which the file may
/// still run with); each section check is a method (in the section modules).
struct Validator<'p> {
    problems: &'p mut Vec<Problem>,
    warnings: &'p mut Vec<Problem>,
}

impl Validator<'_> {
    /// Checks every section of `raw`; the scenario if every value could be converted (the
    /// caller still checks that no problem was found).
    fn scenario(&mut self, raw: &RawScenario, fallback_name: &str) -> Option<sim::Scenario> {
        let at = Key::root();
        let seed = self.required(field!(at, raw.seed)).and_then(|(key, seed)| {
            seed.value()
                .map_err(|message| self.problem(key, message))
                .ok()
        });
        let calendar = self.calendar(field!(at, raw.calendar));
        let population = self.required(field!(at, raw.population));
        let (population, portals) = match population {
            Some(pop) => self.population(pop),
            None => (None, None),
        };
        let types = world::subscription_type_names(raw.population.as_ref());
        let sequences = self.sequences(field!(at, raw.sequences), &types);
        let senders = self.senders(field!(at, raw.senders), &raw.sequences, portals);
        let (plan, business_days) = match self.required(field!(at, raw.plan)) {
            Some(plan) => {
                let (plan, days) = self.plan(plan);
                (plan, Some(days))
            }
            None => (None, None),
        };
        let rules = self.rules(field!(at, raw.rules));
        let (rules, guards) = match rules {
            Some((rules, guards)) => (Some(rules), guards),
            None => (None, Vec::new()),
        };
        let sending = self.sending(field!(at, raw.sending));
        let engagement = self.engagement(field!(at, raw.engagement));
        let disconnections = self.disconnections(field!(at, raw.disconnections), &calendar);
        let tasks = self.tasks(field!(at, raw.tasks));
        let reenrollment = self.reenrollment(field!(at, raw.reenrollment));
        if let Some(business_days) = business_days {
            self.business_days_fit(business_days, &calendar);
        }
        Some(sim::Scenario {
            name: raw.name.clone().unwrap_or_else(|| fallback_name.to_owned()),
            seed: seed?,
            calendar: world::calendar(&raw.calendar.start, &calendar)?,
            population: population?,
            senders: senders?,
            sequences: sequences?,
            plan: plan?,
            rules: rules?,
            guards,
            sending: sending?,
            engagement,
            disconnections: disconnections?,
            tasks: tasks?,
            reenrollment: reenrollment?,
            warnings: Vec::new(),
            source_sha256: None,
            overrides: Vec::new(),
        })
    }

    fn problem(&mut self, key: Key, message: impl Into<String>) {
        self.problems.push(Problem::new(key, message));
    }

    fn warning(&mut self, key: Key, message: impl Into<String>) {
        self.warnings.push(Problem::new(key, message));
    }

    /// A value the file must give; its absence is reported as serde reports a missing key.
    fn required<'r, T>(&mut self, (key, value): (Key, &'r Option<T>)) -> Option<(Key, &'r T)> {
        match value {
            Some(value) => Some((key, value)),
            None => {
                let (parent, name) = key.parent_and_name();
                let message = format!("required key `{name}` is missing here");
                self.problem(parent, message);
                None
            }
        }
    }

    /// A whole number in `min..=max`.
    fn count(&mut self, (key, value): (Key, &i64), min: i64, max: i64) -> Option<u32> {
        if (min..=max).contains(value) {
            return Some(*value as u32);
        }
        let what = if min > 0 { "a positive" } else { "a" };
        self.problem(
            key,
            format!("{value} is out of range; allowed: {what} whole number from {min} to {max}"),
        );
        None
    }

    /// A whole number in `min..=max` if the file gives one: `Some(None)` when it does not.
    fn optional_count(
        &mut self,
        (key, value): (Key, &Option<i64>),
        min: i64,
        max: i64,
    ) -> Option<Option<u32>> {
        match value {
            None => Some(None),
            Some(value) => self.count((key, value), min, max).map(Some),
        }
    }

    /// A probability; on a bad value reports it and returns 0 so validation can go on.
    fn probability(&mut self, (key, value): (Key, &f64)) -> f64 {
        if (0.0..=1.0).contains(value) {
            return *value;
        }
        let message = format!("{value} is not a probability; allowed: a number from 0 to 1");
        self.problem(key, message);
        0.0
    }

    /// A `[low, high]` pair of whole numbers with `min <= low <= high <= max`.
    fn span(&mut self, (key, pair): (Key, &Vec<i64>), min: i64, max: i64) -> Option<(u32, u32)> {
        match pair[..] {
            [lo, hi] if min <= lo && lo <= hi && hi <= max => Some((lo as u32, hi as u32)),
            _ => {
                self.problem(
                    key,
                    format!("{pair:?} is not a span; allowed: [low, high] with {min} <= low <= high <= {max}"),
                );
                None
            }
        }
    }

    /// The member of catalogue `C` spelled `name`; otherwise a problem saying `name` is not
    /// `what` and listing the catalogue's names, then `also` (the words a field allows besides).
    fn named<C: Catalogue>(&mut self, key: Key, name: &str, what: &str, also: &str) -> Option<C> {
        let found = C::from_name(name);
        if found.is_none() {
            let allowed = quoted(C::ALL.iter().map(|c| c.name()));
            self.problem(
                key,
                format!("{name:?} is not {what}; allowed: {allowed}{also}"),
            );
        }
        found
    }
}

/// Names as a list of TOML strings: `"a", "b"`.
fn quoted<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = names.into_iter().map(|n| format!("\"{n}\"")).collect();
    quoted.join(", ")
}
