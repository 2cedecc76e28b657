//! Each send draws from a stream of its own, keyed (contact, the contact's enrollment count
//! before this enrollment, step, retry) under the run's seed (ARCHITECTURE.md, "Invariants"),
//! and takes its five draws in a fixed order (fail, answer, reaction, unsubscribe kind, reaction
//! delay). The key is what makes a seed give the same world forever: here the reaction delays
//! are worked out from the documented keys alone and compared with the traced reactions.

mod common;

use sim::rng::{Stream, StreamKind};
use sim::{run_world, RunOptions, StepKind, TracedEvent, World};

const DAY: u32 = 86_400;
const HOUR: u32 = 3_600;

/// The reaction delay (seconds) the send keyed `key` draws: the fifth draw of its stream.
fn reaction_delay(seed: u64, key: [u64; 4], hours_max: u32) -> u32 {
    let mut s = Stream::keyed(seed, StreamKind::Send, &key);
    for _ in 0..4 {
        s.unit();
    }
    s.below(hours_max * HOUR + 1)
}

#[test]
fn each_send_draws_from_its_documented_key() {
    // Two automated emails three days apart; every recipient answers out of office (which
    // ends nothing), so every send has a reaction, at the send plus a minute plus its delay.
    let mut s = common::quiet(21, 50);
    s.sequences.truncate(1);
    s.sequences[0].steps = vec![
        common::step(StepKind::AutomatedEmail, 0),
        common::step(StepKind::AutomatedEmail, 3),
    ];
    s.sequences[0].weekdays_only = false;
    s.sequences[0].send_window = None;
    for group in &mut s.senders {
        group.sequence = 0;
    }
    s.engagement.out_of_office = 1.0;
    let contact = 7;
    // Day 0 is a Wednesday: enrolled on Monday (day 5) at 10:00, FINISHED on Thursday, enrolled
    // again on Monday (day 12) at 10:00.
    let (first, second) = (5 * DAY + 10 * HOUR, 12 * DAY + 10 * HOUR);
    let plan = vec![
        common::attempt(first, 0, contact),
        common::attempt(second, 0, contact),
    ];
    let options = RunOptions {
        threads: 1,
        trace_contact: Some(contact),
        ..RunOptions::default()
    };
    let result = run_world(&s, World::generate(&s), plan, &options);
    let reacted: Vec<u32> = (result.recordings.trace.iter())
        .filter(|e| matches!(e.event, TracedEvent::Reacted { .. }))
        .map(|e| e.time)
        .collect();
    let hours_max = s.engagement.reaction_hours_max;
    let c = u64::from(contact);
    let expected: Vec<u32> = [
        (first, [c, 0, 0, 0]),
        (first + 3 * DAY, [c, 0, 1, 0]),
        (second, [c, 1, 0, 0]),
        (second + 3 * DAY, [c, 1, 1, 0]),
    ]
    .iter()
    .map(|&(sent, key)| sent + 60 + reaction_delay(s.seed, key, hours_max))
    .collect();
    let mut expected_in_order = expected.clone();
    expected_in_order.sort_unstable();
    assert_eq!(reacted, expected_in_order);
    // The four keys give four different delays: the test tells the keys apart.
    expected_in_order.dedup();
    assert_eq!(expected_in_order.len(), 4);
}
