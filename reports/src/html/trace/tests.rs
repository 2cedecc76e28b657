//! The trace page on a hand-made journey with every kind of event: its markers counted in the
//! SVG against the events, its weekend shading against a calendar computed apart, its tables
//! against the events, its text escaped.

use chrono::{Datelike, NaiveDate};
use model::{Conditions, Decision, LimitSide, Outcome, RejectionCode, SmtpReply, StepFailure};
use sim::{Calendar, Reaction, RunResult, Scenario, StepKind, TraceEntry, TracedEvent, Weekday};

use super::chart::{self, Mark};
use super::{trace_html, Inputs};

const DAY: u32 = 86_400;
const HOUR: u32 = 3_600;

/// The journey's start: Friday 6 March 2026, ten days.
const START: &str = "2026-03-06";
const HORIZON: u32 = 10;

/// A small run of the default scenario tracing contact 7, its journey replaced by `events`, its
/// calendar by [`START`] and [`HORIZON`], and its name by `name`.
fn journey(name: &str, events: Vec<(u32, TracedEvent)>) -> (Scenario, RunResult) {
    let small = scenarios::Setting::parse("population.contacts=2000").expect("a setting");
    let mut scenario = scenarios::default_scenario_with(&[small]).expect("the default");
    let options = sim::RunOptions {
        trace_contact: Some(7),
        ..sim::RunOptions::default()
    };
    let mut result = sim::run_with(&scenario, &options);
    result.recordings.trace = (events.into_iter())
        .map(|(time, event)| TraceEntry { time, event })
        .collect();
    scenario.name = name.to_owned();
    scenario.calendar = Calendar {
        start_date: START.to_owned(),
        start_weekday: Weekday::Friday,
        horizon_days: HORIZON,
    };
    (scenario, result)
}

fn attempt(decision: Decision, conditions: Conditions) -> TracedEvent {
    TracedEvent::Attempt {
        user: 0,
        source: sim::Source::ALL[0],
        sequence: 0,
        step: 0,
        conditions,
        decision,
    }
}

fn sent(step: u8, reply: SmtpReply) -> TracedEvent {
    TracedEvent::Sent {
        step,
        retry: 0,
        reply,
    }
}

fn reacted(reaction: Reaction) -> TracedEvent {
    TracedEvent::Reacted {
        reaction,
        sequence: 0,
    }
}

/// Day `day`, `hour` o'clock.
fn at(day: u32, hour: u32) -> u32 {
    day * DAY + hour * HOUR
}

/// Every kind of event, some twice: (time, event, the marker it must draw).
fn every_kind() -> Vec<(u32, TracedEvent, Mark)> {
    let mut events = first_days();
    events.extend(later_days());
    events
}

/// The journey's first five days: a refusal, an enrollment, sends, a task, a limit.
fn first_days() -> Vec<(u32, TracedEvent, Mark)> {
    let refused = RejectionCode::Unsubscribed;
    vec![
        (
            at(0, 9),
            attempt(
                Decision::Rejected(refused),
                Conditions::from_codes([refused]),
            ),
            Mark::Refused,
        ),
        (
            at(0, 10),
            attempt(Decision::Enrolled, Conditions::default()),
            Mark::Enrolled,
        ),
        (
            at(0, 10),
            TracedEvent::EnrollmentDeferred { to: at(3, 9) },
            Mark::Deferred,
        ),
        (at(3, 9), sent(0, SmtpReply::Delivered), Mark::Sent2xx),
        (at(3, 12), reacted(Reaction::OutOfOffice), Mark::OutOfOffice),
        (at(4, 9), sent(1, SmtpReply::MailboxFull), Mark::Sent4xx),
        (at(4, 13), sent(1, SmtpReply::Delivered), Mark::Sent2xx),
        (
            at(4, 15),
            TracedEvent::TaskCreated {
                step: 2,
                kind: StepKind::Task,
                done: at(5, 10),
            },
            Mark::Task,
        ),
        (
            at(5, 10),
            TracedEvent::StepFailed {
                step: 3,
                failure: StepFailure::SendLimitReached,
                side: Some(LimitSide::Provider),
                reply: Some(SmtpReply::SenderQuotaExhausted),
            },
            Mark::StepFailed,
        ),
    ]
}

/// The journey's later days: the remedy, a bounce, the global list, reactions.
fn later_days() -> Vec<(u32, TracedEvent, Mark)> {
    vec![
        (
            at(5, 10),
            TracedEvent::Ended(Outcome::StepFailed(StepFailure::SendLimitReached)),
            Mark::Ended,
        ),
        (
            at(5, 10),
            TracedEvent::ReEnrollScheduled {
                step: 3,
                at: at(6, 9),
                via_gmail: false,
            },
            Mark::ReEnroll,
        ),
        (
            at(6, 9),
            attempt(Decision::Enrolled, Conditions::default()),
            Mark::Enrolled,
        ),
        (at(6, 9), sent(3, SmtpReply::BadMailbox), Mark::Sent5xx),
        (at(6, 9), TracedEvent::Ended(Outcome::Bounced), Mark::Ended),
        (
            at(7, 0),
            TracedEvent::GlobalBounceListed { portal: 0 },
            Mark::GlobalBounce,
        ),
        (
            at(7, 9),
            TracedEvent::SendStopped {
                step: 1,
                fact: RejectionCode::Bounced,
            },
            Mark::SendStopped,
        ),
        (at(7, 9), TracedEvent::UserDoesNotAct, Mark::NoAction),
        (at(7, 11), reacted(Reaction::Reply), Mark::Reply),
        (at(7, 12), reacted(Reaction::MeetingBooked), Mark::Meeting),
        (
            at(8, 12),
            reacted(Reaction::Unsubscribe { all: false }),
            Mark::Unsubscribe,
        ),
        (at(9, 12), reacted(Reaction::SpamComplaint), Mark::Spam),
    ]
}

fn page_of(name: &str) -> (String, Vec<(u32, TracedEvent, Mark)>, Scenario, RunResult) {
    let events = every_kind();
    let plain = events.iter().map(|(t, e, _)| (*t, e.clone())).collect();
    let (scenario, result) = journey(name, plain);
    let page = trace_html(&scenario, &result, Inputs::default()).expect("a traced contact");
    (page, events, scenario, result)
}

/// The page's SVG.
fn svg_of(page: &str) -> &str {
    let start = page.find("<svg").expect("an SVG");
    let end = page.find("</svg>").expect("the SVG's end");
    &page[start..end]
}

/// SVG elements filled with `colour`.
fn filled(svg: &str, colour: plotters::style::RGBColor) -> usize {
    let RGBColor(r, g, b) = colour;
    svg.matches(&format!("fill=\"#{r:02X}{g:02X}{b:02X}\""))
        .count()
}

use plotters::style::RGBColor;

#[test]
fn every_event_draws_one_marker_of_its_kind() {
    let (page, events, _, _) = page_of("every kind");
    let svg = svg_of(&page);
    for mark in Mark::ALL {
        let want = events.iter().filter(|(_, _, m)| *m == mark).count();
        // Each marker kind drawn appears once more, as the legend's sample.
        let want = if want == 0 { 0 } else { want + 1 };
        assert_eq!(
            filled(svg, mark.colour()),
            want,
            "markers of {mark:?} ({})",
            mark.label()
        );
        if want > 0 {
            assert!(svg.contains(mark.label()), "the legend names {mark:?}");
        }
    }
    // Every kind of event is in the journey, so every marker kind is drawn.
    assert!(Mark::ALL.iter().all(|m| events.iter().any(|e| e.2 == *m)));
    // Each end carries its outcome.
    assert!(
        svg.contains(">\nBOUNCED\n</text>") || svg.contains(">BOUNCED</text>"),
        "{svg}"
    );
}

#[test]
fn weekends_are_shaded_and_only_weekends() {
    let (page, _, _, _) = page_of("weekends");
    let svg = svg_of(&page);
    let start = NaiveDate::parse_from_str(START, "%Y-%m-%d").expect("a date");
    let weekend = (0..HORIZON)
        .filter(|&d| {
            let day = start + chrono::Days::new(d.into());
            matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun)
        })
        .count();
    assert_eq!(weekend, 4, "Sat 7, Sun 8, Sat 14, Sun 15 March 2026");
    // A band per day: the weekend's shaded (and the legend's sample), the others not.
    assert_eq!(filled(svg, chart::WEEKEND), weekend + 1);
    assert_eq!(filled(svg, chart::WEEKDAY), HORIZON as usize - weekend);
    assert_eq!(
        chart::weekend_days(Weekday::Friday, HORIZON),
        vec![1, 2, 8, 9]
    );
    // Each weekend band starts where its day starts.
    for day in [1, 2, 8, 9] {
        let x = chart::LEFT
            + (f64::from(day) / f64::from(HORIZON) * f64::from(chart::RIGHT - chart::LEFT)).round()
                as i32;
        let band = format!("<rect x=\"{x}\" y=\"{}\"", chart::TOP);
        let shaded = svg.split(&band).nth(1).expect("a band at the day's start");
        assert!(
            shaded
                .split("/>")
                .next()
                .is_some_and(|r| r.contains("#DCDCDC")),
            "day {day}: {shaded}"
        );
    }
    // Dates label day 0 and the Monday.
    assert!(svg.contains("Fri 2026-03-06") && svg.contains("Mon 2026-03-09"));
}

#[test]
fn the_events_table_lists_every_event_as_the_json_does() {
    let (page, events, scenario, result) = page_of("table");
    let json: serde_json::Value =
        serde_json::from_str(&crate::trace_json(&scenario, &result).expect("json")).expect("JSON");
    let json_events = json["events"].as_array().expect("events");
    let rows: Vec<&str> = page.split("<tr class=\"event ").skip(1).collect();
    assert_eq!(rows.len(), events.len());
    assert_eq!(json_events.len(), events.len());
    for (row, want) in rows.iter().zip(json_events) {
        let cell = |class: &str| {
            let start = format!("<td class=\"{class}\">");
            row.split(&start)
                .nth(1)
                .and_then(|c| c.split("</td>").next())
                .unwrap_or("missing")
        };
        assert_eq!(cell("seconds"), want["seconds"].to_string());
        assert_eq!(cell("event name"), want["event"].as_str().expect("a tag"));
        // The JSON's re_enroll_scheduled holds two `at` keys (the event's moment, then the
        // re-enrollment's, which a parser keeps): the page's `at` is the event's.
        if want["event"] != "re_enroll_scheduled" {
            assert_eq!(cell("at name"), want["at"].as_str().expect("a moment"));
        }
        let code = want["reply"]["code"].as_str().unwrap_or("");
        assert_eq!(cell("smtp name"), code);
    }
    assert!(
        page.contains("<td class=\"smtp name\">550 5.4.5</td>"),
        "the failure's answer"
    );
    assert!(page.contains("<td class=\"class\">4xx</td>"));
    assert!(page.contains("SEND_LIMIT_REACHED"));
    assert!(page.contains("The contact's facts at the start"));
    assert!(page.contains("rules SHA-256") && page.contains("seqsim version"));
}

#[test]
fn text_is_escaped() {
    let (page, _, _, _) = page_of("<script>&\"x\"");
    assert!(!page.contains("<script>"), "raw markup in the page");
    assert!(page.contains("&lt;script&gt;&amp;&quot;x&quot;"));
    assert!(svg_of(&page).contains("&lt;script&gt;&amp;"));
    let again = page_of("<script>&\"x\"").0;
    assert_eq!(page, again, "the same inputs give the same bytes");
}
