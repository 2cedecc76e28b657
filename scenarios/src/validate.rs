//! From a TOML table to a validated [`sim::Scenario`], collecting every problem on the way.

use chrono::{Datelike, NaiveDate};
use model::{InboxProvider, RejectionCode, RuleSet, RuleSetError, SeatTier};
use serde_path_to_error::Segment;
use sim::scenario::{MAX_BULK_SIZE, MAX_SEQUENCES};
use sim::time::Weekday;

use crate::error::Problem;
use crate::raw::*;

/// Most unknown keys reported before giving up on a file: a bound on the retry loop below.
const MAX_UNKNOWN_KEYS: usize = 64;

/// Deserializes `table`, collecting every unknown key instead of stopping at the first: each
/// one is reported, removed, and deserialization tried again. Any other error (a wrong type, a
/// missing key) ends the attempt.
pub(crate) fn deserialize(table: toml::Table) -> (Option<RawScenario>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut root = toml::Value::Table(table);
    for _ in 0..MAX_UNKNOWN_KEYS {
        let err = match serde_path_to_error::deserialize::<_, RawScenario>(root.clone()) {
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
        format!("more than {MAX_UNKNOWN_KEYS} unknown keys; is this a seqsim scenario?"),
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

/// Checks every value of `raw`, pushing a problem for each bad one; returns the scenario if the
/// values could all be converted (the caller still checks that no problem was found).
pub(crate) fn validate(
    raw: RawScenario,
    fallback_name: &str,
    problems: &mut Vec<Problem>,
) -> Option<sim::Scenario> {
    let mut v = Validator { problems };

    let start = NaiveDate::parse_from_str(&raw.calendar.start, "%Y-%m-%d")
        .map_err(|_| {
            v.problem(
                "calendar.start",
                format!(
                    "{:?} is not a date; write it as \"YYYY-MM-DD\", for example \"2026-01-05\"",
                    raw.calendar.start
                ),
            )
        })
        .ok();
    let horizon_days = v.count("calendar.horizon_days", raw.calendar.horizon_days, 1, 3_650);

    let pop = &raw.population;
    let contacts = v.count("population.contacts", pop.contacts, 1, 100_000_000);
    let portals = v.count("population.portals", pop.portals, 1, 100_000);
    let domains = v.count("population.domains", pop.domains, 1, 100_000_000);
    let shared_persons = v.probability("population.shared_persons", pop.shared_persons);
    let rates = v.rates(&pop.rates);

    let sequences = v.sequences(&raw.sequences);
    let senders = v.senders(&raw.senders, &raw.sequences, portals);

    let p = &raw.plan;
    let business_days = v.count("plan.business_days", p.business_days, 1, 3_650);
    let working_hours = match p.working_hours[..] {
        [from, to] if 0 <= from && from < to && to <= 24 => Some((from as u32, to as u32)),
        _ => {
            v.problem(
                "plan.working_hours",
                format!(
                    "{:?} is not a span of hours; write [start, end] with 0 <= start < end <= 24, for example [8, 18]",
                    p.working_hours
                ),
            );
            None
        }
    };
    let coverage = v.probability("plan.coverage", p.coverage);
    let second_enrollment = v.probability("plan.second_enrollment", p.second_enrollment);
    let sources = sim::SourceMix {
        crm_single: v.probability("plan.sources.crm_single", p.sources.crm_single),
        crm_bulk: v.probability("plan.sources.crm_bulk", p.sources.crm_bulk),
        gmail_extension: v.probability("plan.sources.gmail_extension", p.sources.gmail_extension),
    };
    let sum = sources.crm_single + sources.crm_bulk + sources.gmail_extension;
    if (sum - 1.0).abs() > 1e-9 {
        v.problem(
            "plan.sources",
            format!("crm_single + crm_bulk + gmail_extension = {sum}; the shares must sum to 1"),
        );
    }
    let bulk_size_max = v.count(
        "plan.bulk_size_max",
        p.bulk_size_max,
        1,
        i64::from(MAX_BULK_SIZE),
    );
    let rules = v.rules(&raw.rules);

    if let (Some(days), Some(plan_days)) = (horizon_days, business_days) {
        // The last planned business day must fall inside the horizon.
        let needed = plan_days + (plan_days - 1) / 5 * 2 + 1;
        if needed > days + 2 {
            v.problem(
                "plan.business_days",
                format!(
                    "{plan_days} business days do not fit in calendar.horizon_days = {days}; allowed: at most about {} business days",
                    days * 5 / 7
                ),
            );
        }
    }

    Some(sim::Scenario {
        name: raw.name.unwrap_or_else(|| fallback_name.to_owned()),
        seed: raw.seed,
        calendar: sim::Calendar {
            start_weekday: weekday(start?),
            horizon_days: horizon_days?,
        },
        population: sim::Population {
            contacts: contacts?,
            portals: portals?,
            domains: domains?,
            shared_persons,
            rates,
        },
        senders: senders?,
        sequences: sequences?,
        plan: sim::Plan {
            business_days: business_days?,
            working_hours: working_hours?,
            coverage,
            second_enrollment,
            sources,
            bulk_size_max: bulk_size_max?,
        },
        rules: rules?,
    })
}

fn weekday(date: NaiveDate) -> Weekday {
    match date.weekday() {
        chrono::Weekday::Mon => Weekday::Monday,
        chrono::Weekday::Tue => Weekday::Tuesday,
        chrono::Weekday::Wed => Weekday::Wednesday,
        chrono::Weekday::Thu => Weekday::Thursday,
        chrono::Weekday::Fri => Weekday::Friday,
        chrono::Weekday::Sat => Weekday::Saturday,
        chrono::Weekday::Sun => Weekday::Sunday,
    }
}

struct Validator<'a> {
    problems: &'a mut Vec<Problem>,
}

impl Validator<'_> {
    fn problem(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(key, message));
    }

    /// A whole number in `min..=max`.
    fn count(&mut self, key: &str, value: i64, min: i64, max: i64) -> Option<u32> {
        if (min..=max).contains(&value) {
            Some(value as u32)
        } else {
            let what = if min > 0 { "a positive" } else { "a" };
            self.problem(
                key,
                format!(
                    "{value} is out of range; allowed: {what} whole number from {min} to {max}"
                ),
            );
            None
        }
    }

    /// A probability; on a bad value reports it and returns 0 so validation can go on.
    fn probability(&mut self, key: &str, value: f64) -> f64 {
        if (0.0..=1.0).contains(&value) {
            value
        } else {
            self.problem(
                key,
                format!("{value} is not a probability; allowed: a number from 0 to 1"),
            );
            0.0
        }
    }

    fn rates(&mut self, r: &RawRates) -> sim::Rates {
        let mut p =
            |name: &str, value: f64| self.probability(&format!("population.rates.{name}"), value);
        sim::Rates {
            missing_email: p("missing_email", r.missing_email),
            invalid_address: p("invalid_address", r.invalid_address),
            blocked_address: p("blocked_address", r.blocked_address),
            blocked_domain: p("blocked_domain", r.blocked_domain),
            bounced_globally_if_invalid: p(
                "bounced_globally_if_invalid",
                r.bounced_globally_if_invalid,
            ),
            bounced_globally_if_valid: p("bounced_globally_if_valid", r.bounced_globally_if_valid),
            bounced_if_invalid: p("bounced_if_invalid", r.bounced_if_invalid),
            bounced_if_valid: p("bounced_if_valid", r.bounced_if_valid),
            bounced_on_portal_if_invalid: p(
                "bounced_on_portal_if_invalid",
                r.bounced_on_portal_if_invalid,
            ),
            bounced_on_portal_if_valid: p(
                "bounced_on_portal_if_valid",
                r.bounced_on_portal_if_valid,
            ),
            marked_as_spam: p("marked_as_spam", r.marked_as_spam),
            other_send_rejected: p("other_send_rejected", r.other_send_rejected),
            unsubscribed: p("unsubscribed", r.unsubscribed),
            unsubscribed_personal: p("unsubscribed_personal", r.unsubscribed_personal),
            cannot_communicate: p("cannot_communicate", r.cannot_communicate),
            already_enrolled: p("already_enrolled", r.already_enrolled),
        }
    }

    fn sequences(&mut self, raw: &[RawSequence]) -> Option<Vec<sim::Sequence>> {
        if raw.is_empty() || raw.len() > MAX_SEQUENCES {
            self.problem(
                "sequences",
                format!(
                    "{} sequences given; allowed: 1 to {MAX_SEQUENCES} [[sequences]] tables, each with a name and steps",
                    raw.len()
                ),
            );
            return None;
        }
        let mut ok = true;
        let mut out = Vec::new();
        for (i, seq) in raw.iter().enumerate() {
            if raw[..i].iter().any(|other| other.name == seq.name) {
                self.problem(
                    format!("sequences[{i}].name"),
                    format!(
                        "{:?} names two sequences; allowed: a name no other sequence has",
                        seq.name
                    ),
                );
                ok = false;
            }
            if seq.steps.is_empty() {
                self.problem(
                    format!("sequences[{i}].steps"),
                    "a sequence needs at least one step ([[sequences.steps]] with kind and delay_days)",
                );
                ok = false;
            }
            let mut steps = Vec::new();
            for (j, step) in seq.steps.iter().enumerate() {
                let key = format!("sequences[{i}].steps[{j}]");
                let kind = match step.kind.as_str() {
                    "automated_email" => Some(sim::StepKind::AutomatedEmail),
                    "manual_email" => Some(sim::StepKind::ManualEmail),
                    "task" => Some(sim::StepKind::Task),
                    other => {
                        self.problem(
                            format!("{key}.kind"),
                            format!("{other:?} is not a step kind; allowed: \"automated_email\", \"manual_email\", \"task\""),
                        );
                        None
                    }
                };
                let delay_days = if j == 0 && step.delay_days != 0 {
                    self.problem(
                        format!("{key}.delay_days"),
                        format!(
                            "{}: the first step executes at enrollment; allowed: 0",
                            step.delay_days
                        ),
                    );
                    None
                } else {
                    self.count(&format!("{key}.delay_days"), step.delay_days, 0, 365)
                };
                match (kind, delay_days) {
                    (Some(kind), Some(delay_days)) => steps.push(sim::Step { kind, delay_days }),
                    _ => ok = false,
                }
            }
            out.push(sim::Sequence {
                name: seq.name.clone(),
                steps,
            });
        }
        ok.then_some(out)
    }

    fn senders(
        &mut self,
        raw: &[RawSenderGroup],
        sequences: &[RawSequence],
        portals: Option<u32>,
    ) -> Option<Vec<sim::SenderGroup>> {
        if raw.is_empty() {
            self.problem(
                "senders",
                "no senders; allowed: one or more [[senders]] tables with count, seat and inbox",
            );
            return None;
        }
        let mut ok = true;
        let mut out = Vec::new();
        for (i, g) in raw.iter().enumerate() {
            let key = |field: &str| format!("senders[{i}].{field}");
            let count = self.count(&key("count"), g.count, 1, 1_000_000);
            let seat = SeatTier::ALL.into_iter().find(|s| s.name() == g.seat);
            if seat.is_none() {
                self.problem(
                    key("seat"),
                    format!(
                        "{:?} is not a seat; allowed: {}",
                        g.seat,
                        quoted(SeatTier::ALL.map(SeatTier::name))
                    ),
                );
            }
            let inbox = if g.inbox == "none" {
                Some(None)
            } else {
                let found = InboxProvider::ALL.into_iter().find(|p| p.name() == g.inbox);
                if found.is_none() {
                    self.problem(
                        key("inbox"),
                        format!(
                            "{:?} is not an inbox; allowed: {}, or \"none\" for no connected inbox",
                            g.inbox,
                            quoted(InboxProvider::ALL.map(InboxProvider::name))
                        ),
                    );
                }
                found.map(Some)
            };
            let portal = match (g.portal, portals) {
                (None, _) => Some(None),
                (Some(p), Some(n)) if (0..i64::from(n)).contains(&p) => Some(Some(p as u32)),
                (Some(p), n) => {
                    self.problem(
                        key("portal"),
                        format!(
                            "{p} is not a portal; allowed: a portal number from 0 to population.portals - 1{}",
                            n.map_or(String::new(), |n| format!(" = {}", n - 1))
                        ),
                    );
                    None
                }
            };
            let sequence = match &g.sequence {
                None => Some(0),
                Some(name) => {
                    let found = sequences.iter().position(|s| &s.name == name);
                    if found.is_none() {
                        let names: Vec<&str> = sequences.iter().map(|s| s.name.as_str()).collect();
                        self.problem(
                            key("sequence"),
                            format!(
                                "{name:?} is not a sequence of this file; allowed: {}",
                                quoted(names)
                            ),
                        );
                    }
                    found.map(|s| s as u16)
                }
            };
            let daily_limit = match g.daily_limit {
                None => Some(None),
                Some(limit) => self.count(&key("daily_limit"), limit, 1, 100_000).map(Some),
            };
            match (count, seat, inbox, portal, sequence, daily_limit) {
                (
                    Some(count),
                    Some(seat),
                    Some(inbox),
                    Some(portal),
                    Some(sequence),
                    Some(daily_limit),
                ) => out.push(sim::SenderGroup {
                    count,
                    seat,
                    inbox,
                    portal,
                    sequence,
                    daily_limit,
                }),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn rules(&mut self, raw: &RawRules) -> Option<RuleSet> {
        let Some(names) = &raw.order else {
            return Some(RuleSet::default());
        };
        let mut codes = Vec::new();
        for (i, name) in names.iter().enumerate() {
            match RejectionCode::from_name(name) {
                Some(code) => codes.push(code),
                None => self.problem(
                    format!("rules.order[{i}]"),
                    format!(
                        "{name:?} is not an enrollment check; allowed: {}",
                        quoted(RejectionCode::ALL.map(RejectionCode::name))
                    ),
                ),
            }
        }
        if codes.len() != names.len() {
            return None;
        }
        match RuleSet::new(&codes) {
            Ok(rules) => Some(rules),
            Err(RuleSetError::Duplicate(code)) => {
                self.problem(
                    "rules.order",
                    format!(
                        "{} is listed twice; allowed: each check at most once",
                        code.name()
                    ),
                );
                None
            }
            Err(RuleSetError::Missing(code)) => {
                self.problem(
                    "rules.order",
                    format!(
                        "{} is left out; every rule set must check {}",
                        code.name(),
                        RuleSet::REQUIRED.map(RejectionCode::name).join(" and ")
                    ),
                );
                None
            }
        }
    }
}

fn quoted<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
