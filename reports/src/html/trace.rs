//! `seqsim trace --format html`: one contact's journey as a self-contained page: a header with
//! the scenario, seed, rules and provenance, the journey on a time line (inline SVG, see
//! [`chart`]), a table of every event the time line plots, and a table of the contact's facts
//! at the start. Built from the run's recordings, as the text and JSON traces are.

use std::fmt::Write as _;

use model::{Decision, SmtpReply};
use sim::{Reaction, RunResult, Scenario, SimTime, TraceEntry, TracedContact, TracedEvent};

use super::{escape, head, TAIL};
use crate::trace::{address_facts, event_line, event_name, moment, reaction_name, record_facts};
use crate::{date_after, decision_name, Provenance};

mod chart;
#[cfg(test)]
mod tests;

use chart::{Chart, Mark, Marker};

/// Where the traced run's inputs came from, for the page's header: what the scenario and the
/// rules do not say of themselves.
#[derive(Clone, Copy, Debug, Default)]
pub struct Inputs<'a> {
    /// The scenario file or library name as given; `None` for the embedded default.
    pub scenario: Option<&'a str>,
    /// The rule file given instead of the scenario's own rules (`--rules`), if any.
    pub rules: Option<&'a str>,
}

/// One row of the events' table, and what the time line draws for it.
struct Row {
    seconds: SimTime,
    event: &'static str,
    step: Option<u32>,
    /// The decision, failure code, reaction, outcome or fact, where the event has one.
    result: String,
    reply: Option<SmtpReply>,
    details: String,
    /// None for what the chart does not draw (what the CEL checks read).
    marker: Option<Marker>,
}

/// The journey of the contact traced in `result` as one HTML page (ending with a newline), or
/// `None` if the run traced no existing contact.
pub fn trace_html(scenario: &Scenario, result: &RunResult, inputs: Inputs) -> Option<String> {
    let traced = result.recordings.traced.as_ref()?;
    let rows: Vec<Row> = (result.recordings.trace.iter())
        .map(|e| row(scenario, traced, e))
        .collect();
    let title = format!(
        "seqsim trace: contact {} of {} (seed {})",
        traced.contact, scenario.name, scenario.seed
    );
    let mut out = head(&title);
    let _ = writeln!(out, "<h1>{}</h1>", escape(&title));
    out.push_str(&header(scenario, inputs));
    out.push_str(&figure(scenario, &title, &rows));
    out.push_str(&events_table(scenario, &rows));
    out.push_str(&facts_table(traced));
    out.push_str(TAIL);
    Some(out)
}

/// The table row of `entry`, and its marker.
fn row(scenario: &Scenario, traced: &TracedContact, entry: &TraceEntry) -> Row {
    let event = &entry.event;
    let (mark, result) = mark_and_result(scenario, event);
    let (step, reply) = step_and_reply(event);
    let (at, from, note) = match *event {
        TracedEvent::ReEnrollScheduled { at, .. } => (at, Some(entry.time), None),
        TracedEvent::Ended(outcome) => (entry.time, None, Some(outcome.name().to_owned())),
        _ => (entry.time, None, None),
    };
    Row {
        seconds: entry.time,
        event: event_name(event),
        step,
        result,
        reply,
        details: event_line(scenario, traced, event),
        marker: mark.map(|mark| Marker {
            mark,
            at,
            from,
            note,
        }),
    }
}

/// The marker of `event`, and the name of its decision, failure, reaction, outcome or fact.
fn mark_and_result(scenario: &Scenario, event: &TracedEvent) -> (Option<Mark>, String) {
    if let TracedEvent::ChecksRead(readings) = event {
        return (None, crate::trace::verdicts(scenario, readings));
    }
    let (mark, result) = drawn_mark_and_result(scenario, event);
    (Some(mark), result)
}

/// [`mark_and_result`] of an event the chart draws.
fn drawn_mark_and_result(scenario: &Scenario, event: &TracedEvent) -> (Mark, String) {
    let none = String::new;
    match *event {
        TracedEvent::Attempt { decision, .. } => {
            let mark = match decision {
                Decision::Enrolled => Mark::Enrolled,
                Decision::Rejected(_) | Decision::Guarded(_) => Mark::Refused,
            };
            (mark, decision_name(scenario, decision))
        }
        TracedEvent::EnrollmentDeferred { .. } => (Mark::Deferred, none()),
        TracedEvent::TaskCreated { kind, .. } => (Mark::Task, kind.name().to_owned()),
        TracedEvent::Sent { reply, .. } => (sent_mark(reply), reply.name().to_owned()),
        TracedEvent::StepFailed { failure, .. } => (Mark::StepFailed, failure.name().to_owned()),
        TracedEvent::SendStopped { fact, .. } => (Mark::SendStopped, fact.name().to_owned()),
        TracedEvent::Reacted { reaction, .. } => {
            (reaction_mark(reaction), reaction_name(reaction).to_owned())
        }
        TracedEvent::Ended(outcome) => (Mark::Ended, outcome.name().to_owned()),
        TracedEvent::ReEnrollScheduled { via_gmail, .. } => {
            let from = if via_gmail { "gmail" } else { "crm" };
            (Mark::ReEnroll, from.to_owned())
        }
        TracedEvent::UserDoesNotAct => (Mark::NoAction, none()),
        TracedEvent::GlobalBounceListed { portal } => {
            (Mark::GlobalBounce, format!("portal {portal}"))
        }
        TracedEvent::ChecksRead(_) => unreachable!("not drawn"),
    }
}

/// The marker of a send answered `reply`: by its SMTP class.
fn sent_mark(reply: SmtpReply) -> Mark {
    match reply.class() {
        model::ReplyClass::Success => Mark::Sent2xx,
        model::ReplyClass::Transient => Mark::Sent4xx,
        model::ReplyClass::Permanent => Mark::Sent5xx,
    }
}

fn reaction_mark(reaction: Reaction) -> Mark {
    match reaction {
        Reaction::Reply => Mark::Reply,
        Reaction::MeetingBooked => Mark::Meeting,
        Reaction::Unsubscribe { .. } => Mark::Unsubscribe,
        Reaction::SpamComplaint => Mark::Spam,
        Reaction::OutOfOffice => Mark::OutOfOffice,
    }
}

/// The step (from 1) and the SMTP answer of `event`, where it has them.
fn step_and_reply(event: &TracedEvent) -> (Option<u32>, Option<SmtpReply>) {
    let step1 = |s: u8| Some(u32::from(s) + 1);
    match *event {
        TracedEvent::Attempt { step, .. }
        | TracedEvent::TaskCreated { step, .. }
        | TracedEvent::SendStopped { step, .. }
        | TracedEvent::ReEnrollScheduled { step, .. } => (step1(step), None),
        TracedEvent::Sent { step, reply, .. } => (step1(step), Some(reply)),
        TracedEvent::StepFailed { step, reply, .. } => (step1(step), reply),
        TracedEvent::EnrollmentDeferred { .. }
        | TracedEvent::Reacted { .. }
        | TracedEvent::Ended(_)
        | TracedEvent::UserDoesNotAct
        | TracedEvent::ChecksRead(_)
        | TracedEvent::GlobalBounceListed { .. } => (None, None),
    }
}

/// The scenario, seed, rules and provenance, as a table.
fn header(scenario: &Scenario, inputs: Inputs) -> String {
    let p = Provenance::of(scenario);
    let rules = match inputs.rules {
        Some(file) => format!("rule file {file}"),
        None => "the scenario's own [rules]".to_owned(),
    };
    let guards: Vec<String> = (scenario.rules.guards().iter())
        .map(|g| format!("{}: {}", g.name, g.description))
        .collect();
    let rows = [
        ("scenario", scenario.name.clone()),
        (
            "scenario file",
            inputs.scenario.unwrap_or("the embedded default").to_owned(),
        ),
        ("seed", scenario.seed.to_string()),
        ("rules", rules),
        ("checks in order", p.rules.join(", ")),
        ("guards", list(&guards, "none")),
        ("calendar", calendar(scenario)),
        ("schema version", p.schema_version.to_string()),
        ("seqsim version", p.seqsim_version.to_owned()),
        (
            "scenario SHA-256",
            p.scenario_sha256
                .unwrap_or_else(|| "none (built in code)".to_owned()),
        ),
        ("rules SHA-256", p.rules_sha256),
        ("overrides (--set)", list(&p.overrides, "none")),
    ];
    name_value_table("run", "The traced run and its provenance", &rows)
}

/// The calendar's start and horizon.
fn calendar(scenario: &Scenario) -> String {
    let c = &scenario.calendar;
    format!(
        "day 0 is {} {}, {} days simulated",
        c.start_date,
        c.start_weekday.name(),
        c.horizon_days
    )
}

/// `items` joined by commas, or `empty`.
fn list(items: &[String], empty: &str) -> String {
    if items.is_empty() {
        empty.to_owned()
    } else {
        items.join(", ")
    }
}

/// A table of `(name, value)` rows with `caption`, its class `class`.
fn name_value_table(class: &str, caption: &str, rows: &[(&str, String)]) -> String {
    let mut out = format!(
        "<table class=\"{class}\">\n<caption>{}</caption>\n<tbody>\n",
        escape(caption)
    );
    for (name, value) in rows {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"name\">{}</td></tr>",
            escape(name),
            escape(value)
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// Days the time line spans: the horizon, or up to the last moment it draws if later.
fn span_days(scenario: &Scenario, rows: &[Row]) -> u32 {
    let last = (rows.iter())
        .flat_map(|r| [Some(r.seconds), r.marker.as_ref().map(|m| m.at)])
        .flatten()
        .max()
        .unwrap_or(0);
    scenario
        .calendar
        .horizon_days
        .max(last / sim::time::SECONDS_PER_DAY + 1)
}

/// Each day's label under the time line: its day of the month (its number when the start is
/// not a date), and on day 0 and Mondays its weekday and date.
fn day_labels(scenario: &Scenario, days: u32) -> Vec<(String, Option<String>)> {
    let c = &scenario.calendar;
    (0..days)
        .map(|day| {
            let date = date_after(&c.start_date, day);
            let number = match chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d") {
                Ok(d) => chrono::Datelike::day(&d).to_string(),
                Err(_) => day.to_string(),
            };
            let weekday = c.weekday(day);
            let dated = day == 0 || weekday == sim::Weekday::Monday;
            (number, dated.then(|| format!("{} {date}", weekday.name())))
        })
        .collect()
}

/// The time line in a figure.
fn figure(scenario: &Scenario, title: &str, rows: &[Row]) -> String {
    let days = span_days(scenario, rows);
    let labels = day_labels(scenario, days);
    let markers: Vec<Marker> = rows.iter().filter_map(|r| r.marker.clone()).collect();
    let svg = chart::svg(&Chart {
        title,
        days,
        day_labels: &labels,
        start_weekday: scenario.calendar.start_weekday,
        markers: &markers,
    });
    let caption = format!(
        "The journey on a time line: {} events, one lane per kind",
        rows.len()
    );
    format!(
        "<figure class=\"timeline\">\n<figcaption>{}</figcaption>\n{svg}\n</figure>\n",
        escape(&caption)
    )
}

/// Every event the time line plots, in time order.
fn events_table(scenario: &Scenario, rows: &[Row]) -> String {
    let mut out = format!(
        "<table class=\"events\">\n<caption>Every event of the journey ({} events), in time order</caption>\n<thead>\n<tr>",
        rows.len()
    );
    let columns = [
        "#", "at", "seconds", "event", "step", "result", "SMTP", "class", "details",
    ];
    for name in columns {
        let _ = write!(out, "<th scope=\"col\">{name}</th>");
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    if rows.is_empty() {
        out.push_str(
            "<tr><td class=\"name\" colspan=\"9\">no user tried to enroll this contact</td></tr>\n",
        );
    }
    for (i, r) in rows.iter().enumerate() {
        out.push_str(&event_row(scenario, i + 1, r));
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// Event `n`'s row: cells classed by what they hold, so that tools can read them.
fn event_row(scenario: &Scenario, n: usize, r: &Row) -> String {
    let step = r.step.map_or(String::new(), |s| s.to_string());
    let (code, class) = r.reply.map_or((String::new(), String::new()), |reply| {
        (
            reply.code().to_owned(),
            format!("{}xx", reply.class().digit()),
        )
    });
    let cells = [
        ("n", n.to_string()),
        ("at name", moment(scenario, r.seconds)),
        ("seconds", r.seconds.to_string()),
        ("event name", r.event.to_owned()),
        ("step", step),
        ("result name", r.result.clone()),
        ("smtp name", code),
        ("class", class),
        ("details name", r.details.clone()),
    ];
    let mut out = format!("<tr class=\"event {}\">", r.event);
    for (class, text) in cells {
        let _ = write!(out, "<td class=\"{class}\">{}</td>", escape(&text));
    }
    out.push_str("</tr>\n");
    out
}

/// The traced contact as the run found it at the start.
fn facts_table(t: &TracedContact) -> String {
    let names = |v: Vec<&str>| {
        list(
            &v.into_iter().map(str::to_owned).collect::<Vec<_>>(),
            "none",
        )
    };
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let rows = [
        ("contact", t.contact.to_string()),
        ("portal", t.portal.to_string()),
        ("person (mailbox)", t.person.to_string()),
        (
            "duplicate of",
            t.duplicate_of
                .map_or("none".to_owned(), |c| format!("contact {c}")),
        ),
        ("mailbox provider", t.mailbox_provider.clone()),
        ("mailbox does not exist", yes_no(t.invalid)),
        ("starts enrolled elsewhere", yes_no(t.enrolled_elsewhere)),
        ("address facts", names(address_facts(t))),
        (
            "record facts (with its address's in the portal)",
            names(record_facts(t)),
        ),
        (
            "opted out of (UNSUBSCRIBED_PERSONAL)",
            list(&t.opted_out_of, "none"),
        ),
        (
            "rejected in (OTHER_SEND_REJECTED)",
            list(&t.rejected_in, "none"),
        ),
    ];
    name_value_table("facts", "The contact's facts at the start", &rows)
}
