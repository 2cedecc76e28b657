//! From a TOML table to a validated [`sim::Scenario`], collecting every problem on the way.

use chrono::{Datelike, NaiveDate};
use model::{Catalogue, InboxProvider, RejectionCode, RuleSet, RuleSetError, SeatTier};
use serde_path_to_error::Segment;
use sim::scenario::{MAX_BULK_SIZE, MAX_SEQUENCES, MAX_SOFT_BOUNCE_RETRIES};
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
    let portals = v.count("population.portals", pop.portals, 1, 10_000);
    let domains = v.count("population.domains", pop.domains, 1, 100_000_000);
    let shared_persons = v.probability("population.shared_persons", pop.shared_persons);
    let duplicate_contacts = v.probability("population.duplicate_contacts", pop.duplicate_contacts);
    let mailbox_providers = v.mailbox_providers(&pop.mailbox_providers);
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
    let sending = v.sending(&raw.sending);
    let engagement = v.engagement(&raw.engagement);
    let disconnections = v.disconnections(&raw.disconnections, start, horizon_days);
    let completion_hours = v.span(
        "tasks.completion_hours",
        &raw.tasks.completion_hours,
        0,
        24 * 30,
    );
    let reenrollment = match raw.reenrollment.policy.as_str() {
        "none" => Some(sim::Reenrollment::None),
        "resume" => v
            .count(
                "reenrollment.delay_hours",
                raw.reenrollment.delay_hours,
                1,
                24 * 365,
            )
            .map(|delay_hours| sim::Reenrollment::Resume { delay_hours }),
        other => {
            v.problem(
                "reenrollment.policy",
                format!("{other:?} is not a policy; allowed: \"none\", \"resume\""),
            );
            None
        }
    };

    if let (Some(days), Some(plan_days), Some(start)) = (horizon_days, business_days, start) {
        // The last planned business day must fall inside the horizon.
        let calendar = sim::Calendar {
            start_date: String::new(),
            start_weekday: weekday(start),
            horizon_days: days,
        };
        let fitting = (0..days)
            .filter(|&d| !calendar.weekday(d).is_weekend())
            .count();
        if plan_days as usize > fitting {
            v.problem(
                "plan.business_days",
                format!(
                    "{plan_days} business days do not fit in calendar.horizon_days = {days}; allowed: at most {fitting}"
                ),
            );
        }
    }

    Some(sim::Scenario {
        name: raw.name.unwrap_or_else(|| fallback_name.to_owned()),
        seed: raw.seed,
        calendar: sim::Calendar {
            start_date: raw.calendar.start.clone(),
            start_weekday: weekday(start?),
            horizon_days: horizon_days?,
        },
        population: sim::Population {
            contacts: contacts?,
            portals: portals?,
            domains: domains?,
            shared_persons,
            duplicate_contacts,
            mailbox_providers: mailbox_providers?,
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
        sending: sending?,
        engagement,
        disconnections: disconnections?,
        tasks: sim::Tasks {
            completion_hours: completion_hours?,
        },
        reenrollment: reenrollment?,
    })
}

/// `"HH:MM"` as minutes of the day; `end_of_day` allows `"24:00"`.
fn clock(text: &str, end_of_day: bool) -> Option<u32> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    let minutes = h * 60 + m;
    (m < 60 && (minutes < 24 * 60 || (end_of_day && minutes == 24 * 60))).then_some(minutes)
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
            let send_window = match &seq.send_window {
                None => Some(None),
                Some(pair) => {
                    let parsed = match &pair[..] {
                        [a, b] => clock(a, false).zip(clock(b, true)).filter(|(a, b)| a < b),
                        _ => None,
                    };
                    if parsed.is_none() {
                        self.problem(
                            format!("sequences[{i}].send_window"),
                            format!("{pair:?} is not a window; allowed: [\"HH:MM\", \"HH:MM\"] with the start before the end, for example [\"08:00\", \"17:30\"]"),
                        );
                        ok = false;
                    }
                    parsed.map(Some)
                }
            };
            out.push(sim::Sequence {
                name: seq.name.clone(),
                steps,
                weekdays_only: seq.weekdays_only,
                send_window: send_window.flatten(),
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
            let other = self.count(
                &key("other_emails_per_day"),
                g.other_emails_per_day,
                0,
                100_000,
            );
            match (count, seat, inbox, portal, sequence, daily_limit, other) {
                (
                    Some(count),
                    Some(seat),
                    Some(inbox),
                    Some(portal),
                    Some(sequence),
                    Some(daily_limit),
                    Some(other_emails_per_day),
                ) => out.push(sim::SenderGroup {
                    count,
                    seat,
                    inbox,
                    portal,
                    sequence,
                    daily_limit,
                    other_emails_per_day,
                }),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A `[low, high]` pair of whole numbers with `min <= low <= high <= max`.
    fn span(&mut self, key: &str, pair: &[i64], min: i64, max: i64) -> Option<(u32, u32)> {
        match pair {
            [lo, hi] if min <= *lo && lo <= hi && *hi <= max => Some((*lo as u32, *hi as u32)),
            _ => {
                self.problem(
                    key,
                    format!("{pair:?} is not a span; allowed: [low, high] with {min} <= low <= high <= {max}"),
                );
                None
            }
        }
    }

    fn mailbox_providers(
        &mut self,
        raw: &[RawMailboxProvider],
    ) -> Option<Vec<sim::MailboxProvider>> {
        if raw.is_empty() {
            // No providers described: every mailbox answers like a plain, well-behaved server.
            return Some(vec![sim::MailboxProvider {
                name: "other".to_owned(),
                share: 1.0,
                soft_bounce: 0.0,
                policy_rejection: 0.0,
            }]);
        }
        if raw.len() > 255 {
            self.problem(
                "population.mailbox_providers",
                "more than 255 providers; allowed: 1 to 255",
            );
            return None;
        }
        let mut out = Vec::new();
        for (i, m) in raw.iter().enumerate() {
            let key = |field: &str| format!("population.mailbox_providers[{i}].{field}");
            let soft_bounce = self.probability(&key("soft_bounce"), m.soft_bounce);
            let policy_rejection = self.probability(&key("policy_rejection"), m.policy_rejection);
            if soft_bounce + policy_rejection > 1.0 {
                self.problem(
                    key("policy_rejection"),
                    "soft_bounce + policy_rejection exceeds 1; allowed: probabilities of one answer, summing to at most 1",
                );
            }
            out.push(sim::MailboxProvider {
                name: m.name.clone(),
                share: self.probability(&key("share"), m.share),
                soft_bounce,
                policy_rejection,
            });
        }
        let sum: f64 = out.iter().map(|m| m.share).sum();
        if (sum - 1.0).abs() > 1e-9 {
            self.problem(
                "population.mailbox_providers",
                format!("the shares sum to {sum}; allowed: shares summing to 1"),
            );
        }
        Some(out)
    }

    fn sending(&mut self, r: &RawSending) -> Option<sim::Sending> {
        let stagger_seconds = self.count("sending.stagger_seconds", r.stagger_seconds, 0, 3_600);
        let bulk_per_minute = self.count("sending.bulk_per_minute", r.bulk_per_minute, 1, 60);
        let per_minute_limit = match r.per_minute_limit {
            None => Some(None),
            Some(n) => self.count("sending.per_minute_limit", n, 1, 10).map(Some),
        };
        let provider_block_hours = self.count(
            "sending.provider_block_hours",
            r.provider_block_hours,
            0,
            24 * 7,
        );
        let soft_bounce_retries = self.count(
            "sending.soft_bounce_retries",
            r.soft_bounce_retries,
            0,
            i64::from(MAX_SOFT_BOUNCE_RETRIES),
        );
        let retry_backoff_minutes = self.count(
            "sending.retry_backoff_minutes",
            r.retry_backoff_minutes,
            1,
            24 * 60,
        );
        Some(sim::Sending {
            stagger_seconds: stagger_seconds?,
            bulk_per_minute: bulk_per_minute?,
            per_minute_limit: per_minute_limit?,
            provider_limits: r.provider_limits,
            provider_block_hours: provider_block_hours?,
            send_failure: self.probability("sending.send_failure", r.send_failure),
            gmail_send_error: self.probability("sending.gmail_send_error", r.gmail_send_error),
            soft_bounce_retries: soft_bounce_retries?,
            retry_backoff_minutes: retry_backoff_minutes?,
        })
    }

    fn engagement(&mut self, r: &RawEngagement) -> sim::Engagement {
        let mut p = |name: &str, value: f64| self.probability(&format!("engagement.{name}"), value);
        let engagement = sim::Engagement {
            reply: p("reply", r.reply),
            meeting_booked: p("meeting_booked", r.meeting_booked),
            unsubscribe: p("unsubscribe", r.unsubscribe),
            unsubscribe_all_share: p("unsubscribe_all_share", r.unsubscribe_all_share),
            spam_complaint: p("spam_complaint", r.spam_complaint),
            out_of_office: p("out_of_office", r.out_of_office),
            reaction_hours_max: 0,
        };
        let sum = engagement.reply
            + engagement.meeting_booked
            + engagement.unsubscribe
            + engagement.spam_complaint
            + engagement.out_of_office;
        if sum > 1.0 + 1e-9 {
            self.problem(
                "engagement",
                format!("reply + meeting_booked + unsubscribe + spam_complaint + out_of_office = {sum}; allowed: at most 1 (one reaction per email)"),
            );
        }
        let hours = self.count(
            "engagement.reaction_hours_max",
            r.reaction_hours_max,
            0,
            24 * 30,
        );
        sim::Engagement {
            reaction_hours_max: hours.unwrap_or(0),
            ..engagement
        }
    }

    fn disconnections(
        &mut self,
        r: &RawDisconnections,
        start: Option<NaiveDate>,
        horizon_days: Option<u32>,
    ) -> Option<sim::Disconnections> {
        let per_inbox_day = self.probability("disconnections.per_inbox_day", r.per_inbox_day);
        let reconnect_hours = self.span(
            "disconnections.reconnect_hours",
            &r.reconnect_hours,
            0,
            24 * 30,
        );
        let mut outages = Some(Vec::new());
        for (i, o) in r.outages.iter().enumerate() {
            let key = |field: &str| format!("disconnections.outages[{i}].{field}");
            let day = match (
                NaiveDate::parse_from_str(&o.date, "%Y-%m-%d"),
                start,
                horizon_days,
            ) {
                (Ok(date), Some(start), Some(days)) => {
                    let day = (date - start).num_days();
                    if (0..i64::from(days)).contains(&day) {
                        Some(day as u32)
                    } else {
                        self.problem(
                            key("date"),
                            format!("{:?} is outside the simulated days; allowed: a date from calendar.start to {} days after it", o.date, days - 1),
                        );
                        None
                    }
                }
                (Err(_), _, _) => {
                    self.problem(
                        key("date"),
                        format!("{:?} is not a date; write it as \"YYYY-MM-DD\"", o.date),
                    );
                    None
                }
                _ => None,
            };
            let minute = clock(&o.start, false);
            if minute.is_none() {
                self.problem(
                    key("start"),
                    format!(
                        "{:?} is not a time of day; write it as \"HH:MM\", for example \"09:30\"",
                        o.start
                    ),
                );
            }
            let duration = if o.hours > 0.0 && o.hours <= 24.0 * 30.0 {
                Some((o.hours * 3_600.0).round() as u32)
            } else {
                self.problem(
                    key("hours"),
                    format!(
                        "{} is out of range; allowed: a number of hours above 0, up to 720",
                        o.hours
                    ),
                );
                None
            };
            let inbox = match o.inbox.as_deref() {
                None | Some("all") => Some(None),
                Some(name) => {
                    let found = InboxProvider::ALL.into_iter().find(|p| p.name() == name);
                    if found.is_none() {
                        self.problem(
                            key("inbox"),
                            format!(
                                "{name:?} is not an inbox provider; allowed: {}, or \"all\"",
                                quoted(InboxProvider::ALL.map(InboxProvider::name))
                            ),
                        );
                    }
                    found.map(Some)
                }
            };
            match (day, minute, duration, inbox, &mut outages) {
                (Some(day), Some(minute), Some(duration), Some(inbox), Some(list)) => {
                    list.push(sim::Outage {
                        start: day * 86_400 + minute * 60,
                        duration,
                        inbox,
                    })
                }
                _ => outages = None,
            }
        }
        Some(sim::Disconnections {
            per_inbox_day,
            reconnect_hours: reconnect_hours?,
            outages: outages?,
        })
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
