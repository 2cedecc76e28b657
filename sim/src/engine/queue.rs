//! The event queue: a calendar queue of one-hour buckets, each split into minutes when reached,
//! each minute sorted when reached.
//!
//! Most events in this domain are known hours or days ahead (a follow-up two days out, a
//! reaction within a day), so a single heap over every pending event would be large and
//! cache-cold. Here a push into a later hour is an append to that hour's `Vec`. When the queue
//! reaches an hour, its bucket is dealt into sixty minute buckets; the minute being processed is
//! its bucket sorted by (time, sequence) once and read front to back, beside a small heap of the
//! events pushed into the current minute while it runs. Pushes into a later minute of the
//! current hour are appends again. (A busy hour holds tens of thousands of events: a heap over
//! all of them cost 14% of a run in pops; one over the events pushed into the current hour, which
//! are most of the sends a busy hour paces, still 10%; per minute the heap is a few dozen long.)
//! The hour buckets form a ring covering the next [`WINDOW_HOURS`]; the rare event further
//! ahead waits in an overflow heap until the ring reaches it, so memory does not grow with the
//! horizon. Order is exactly (time, insertion sequence): ties are FIFO and reproducible. Events
//! at or after the horizon are dropped: the queue is bounded by it.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use crate::time::{SimTime, SECONDS_PER_HOUR};

/// Minutes in an hour: the current hour's buckets.
const MINUTES: usize = 60;

/// What an event does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// A step of the enrollment is due.
    StepDue,
    /// A placed send of the enrollment leaves now.
    Send,
    /// The enrollment's task step is completed.
    TaskDone,
    /// The recipient reacts to an email of the enrollment.
    React(super::Reaction),
    /// The user re-enrolls the contact of the (ended) enrollment at `step`, from the Gmail
    /// extension or the CRM.
    ReEnroll {
        /// The step the re-enrollment starts at.
        step: u8,
        /// Made from the Gmail extension (Gmail sends step 1).
        via_gmail: bool,
    },
}

/// One pending event: 12 bytes (the ring holds millions). Its insertion sequence, which breaks
/// ties between events at one second, is where it sits in its bucket; only the two heaps, where
/// position says nothing, keep it beside the event (`Sequenced`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// When it happens.
    pub time: SimTime,
    /// The enrollment it concerns.
    pub enrollment: u32,
    /// What it does.
    pub action: Action,
}

const _: () = assert!(std::mem::size_of::<Event>() == 12);

/// The earliest pending event, and where it waits (the late heap or the sorted minute).
#[derive(Clone, Copy, Debug)]
pub struct Front {
    /// The event.
    pub event: Event,
    late: bool,
}

/// An event with its insertion sequence, ordered by (time, sequence): a heap entry.
#[derive(Clone, Copy, Debug)]
struct Sequenced {
    seq: u32,
    event: Event,
}

impl Sequenced {
    fn key(&self) -> (SimTime, u32) {
        (self.event.time, self.seq)
    }
}
impl PartialEq for Sequenced {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Sequenced {}
impl PartialOrd for Sequenced {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Sequenced {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// Hours of buckets in the ring: three weeks, longer than any delay but a sequence's own.
pub const WINDOW_HOURS: usize = 512;

/// Pending events of one partition, popped in (time, sequence) order.
pub struct EventQueue {
    /// Bucket of hour `h` is `ring[h % WINDOW_HOURS]`, for `current < h < current + WINDOW_HOURS`.
    ring: Vec<Vec<Event>>,
    /// Events at `current + WINDOW_HOURS` or later.
    overflow: BinaryHeap<Reverse<Sequenced>>,
    /// Events in `ring` and `overflow`.
    waiting: usize,
    /// The hour whose events are in `minutes`, `sorted` and `late`; every earlier hour is done.
    current: usize,
    /// The current hour's events by minute of the hour, for the minutes from `next_minute` on.
    minutes: Vec<Vec<Event>>,
    /// The first minute of the current hour not yet taken into `sorted`.
    next_minute: usize,
    /// Events in `minutes`.
    waiting_minutes: usize,
    /// The current minute's bucket, sorted by (time, sequence); `sorted[next..]` are pending.
    /// (Every bucket holds its events of one second in sequence order: see `sort_by_second`.)
    sorted: Vec<Event>,
    next: usize,
    /// Events pushed into the current hour after their minute was taken (all later in sequence
    /// than `sorted`'s).
    late: BinaryHeap<Reverse<Sequenced>>,
    next_seq: u32,
    horizon: SimTime,
    /// The time of the last popped event: pops never go back, pushes never land before it.
    last_popped: SimTime,
}

impl EventQueue {
    /// An empty queue for events before `horizon`.
    pub fn new(horizon: SimTime) -> Self {
        Self {
            ring: vec![Vec::new(); WINDOW_HOURS],
            overflow: BinaryHeap::new(),
            waiting: 0,
            current: 0,
            minutes: vec![Vec::new(); MINUTES],
            next_minute: 0,
            waiting_minutes: 0,
            sorted: Vec::new(),
            next: 0,
            late: BinaryHeap::new(),
            next_seq: 0,
            horizon,
            last_popped: 0,
        }
    }

    /// Schedules `action` for `enrollment` at `time`; false (and nothing queued) at or after
    /// the horizon.
    pub fn push(&mut self, time: SimTime, enrollment: u32, action: Action) -> bool {
        assert!(
            time >= self.last_popped,
            "an event pushed for {time}, before the last popped one at {}",
            self.last_popped
        );
        if time >= self.horizon {
            return false;
        }
        let event = Event {
            time,
            enrollment,
            action,
        };
        let seq = self.next_seq;
        self.next_seq = self
            .next_seq
            .checked_add(1)
            .expect("more than 2^32 events in one partition");
        let hour = (time / SECONDS_PER_HOUR) as usize;
        if hour <= self.current {
            let minute = minute_of(time);
            if hour == self.current && minute >= self.next_minute {
                self.minutes[minute].push(event);
                self.waiting_minutes += 1;
            } else {
                self.late.push(Reverse(Sequenced { seq, event }));
            }
            return true;
        }
        if hour < self.current + WINDOW_HOURS {
            self.ring[hour % WINDOW_HOURS].push(event);
        } else {
            self.overflow.push(Reverse(Sequenced { seq, event }));
        }
        self.waiting += 1;
        true
    }

    /// The earliest pending event of the current hour: the sorted bucket's next, or the late
    /// heap's top, whichever is first in (time, sequence). Every late event was pushed after the
    /// sorted bucket was taken, so at one second the sorted one comes first.
    fn front(&self) -> Option<(Event, bool)> {
        let sorted = self.sorted.get(self.next);
        let late = self.late.peek().map(|Reverse(l)| &l.event);
        match (sorted, late) {
            (Some(s), Some(l)) if l.time < s.time => Some((*l, true)),
            (Some(s), _) => Some((*s, false)),
            (None, Some(l)) => Some((*l, true)),
            (None, None) => None,
        }
    }

    /// The time of the earliest pending event.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        self.peek().map(|(e, _)| e.time)
    }

    /// The earliest pending event, to be taken with [`EventQueue::take`] if the caller
    /// handles it now: the engine looks at the front once per event, not once to decide and
    /// again to pop.
    pub fn front_event(&mut self) -> Option<Front> {
        self.peek().map(|(event, late)| Front { event, late })
    }

    /// The earliest pending event, and whether it is in the late heap: `front`, after moving on
    /// to the minute that holds it.
    fn peek(&mut self) -> Option<(Event, bool)> {
        // Each turn moves one minute or one hour on; the hours before the horizon bound the
        // loop.
        loop {
            if let Some(front) = self.front() {
                return Some(front);
            }
            if self.waiting_minutes > 0 {
                self.advance_minute();
            } else if self.waiting > 0 {
                self.advance_hour();
            } else {
                return None;
            }
        }
    }

    /// Moves to the next hour: the overflow events now in reach join the ring, and the hour's
    /// bucket is dealt into its minutes.
    fn advance_hour(&mut self) {
        debug_assert!(self.late.is_empty() && self.next == self.sorted.len());
        debug_assert_eq!(self.waiting_minutes, 0);
        self.current += 1;
        let reach = self.current + WINDOW_HOURS;
        // In (time, sequence) order, into buckets no push has reached yet: each bucket keeps
        // its events of one second in sequence order.
        while let Some(Reverse(e)) = self.overflow.peek() {
            let hour = (e.event.time / SECONDS_PER_HOUR) as usize;
            if hour >= reach {
                break;
            }
            debug_assert!(hour + 1 == reach, "the hour entering the ring");
            self.ring[hour % WINDOW_HOURS].push(e.event);
            self.overflow.pop();
        }
        let bucket = std::mem::take(&mut self.ring[self.current % WINDOW_HOURS]);
        self.waiting -= bucket.len();
        self.waiting_minutes = bucket.len();
        for e in bucket {
            debug_assert_eq!((e.time / SECONDS_PER_HOUR) as usize, self.current);
            self.minutes[minute_of(e.time)].push(e);
        }
        self.next_minute = 0;
    }

    /// Moves to the next minute of the current hour that holds events, and sorts its bucket.
    fn advance_minute(&mut self) {
        debug_assert!(self.late.is_empty() && self.next == self.sorted.len());
        // `waiting_minutes > 0`: some minute from `next_minute` on holds an event.
        let minute = (self.next_minute..MINUTES)
            .find(|&m| !self.minutes[m].is_empty())
            .expect("a minute holds the waiting events");
        self.next_minute = minute + 1;
        let mut bucket = std::mem::take(&mut self.minutes[minute]);
        self.waiting_minutes -= bucket.len();
        sort_by_second(&bucket, &mut self.sorted);
        debug_assert!(
            (self.sorted.windows(2)).all(|w| w[0].time <= w[1].time),
            "a minute's events sort by time"
        );
        self.next = 0;
        // The emptied bucket keeps its capacity for the next hour's minute.
        bucket.clear();
        self.minutes[minute] = bucket;
    }

    /// The enrollment of the `k`-th pending event of the current hour's sorted bucket (0 is
    /// the next), if there is one: what the engine prefetches (events pushed into the current
    /// hour are not counted, so this may not be the `k`-th event to pop).
    pub fn sorted_ahead(&self, k: usize) -> Option<u32> {
        self.sorted.get(self.next + k).map(|e| e.enrollment)
    }

    /// Removes and returns the earliest pending event.
    pub fn pop(&mut self) -> Option<Event> {
        let front = self.front_event()?;
        Some(self.take(front))
    }

    /// Removes `front`, which [`EventQueue::front_event`] gave with no push or pop since,
    /// and returns its event.
    pub fn take(&mut self, front: Front) -> Event {
        debug_assert_eq!(self.front(), Some((front.event, front.late)));
        if front.late {
            self.late.pop();
        } else {
            self.next += 1;
        }
        let event = front.event;
        assert!(event.time >= self.last_popped, "events pop in time order");
        self.last_popped = event.time;
        event
    }
}

/// `bucket`, one minute's events, into `sorted` in (time, sequence) order. Within each second the
/// bucket already holds its events in sequence order (later pushes append, and the overflow
/// events that open a bucket come in (time, sequence) order), so a stable counting sort by the
/// second of the minute is exact: linear, where a comparison sort of a busy hour cost 5% of a
/// run. A bucket of a few events (a quiet portal's minute) takes the standard stable sort
/// instead, where the counts would cost more than the events.
fn sort_by_second(bucket: &[Event], sorted: &mut Vec<Event>) {
    if bucket.len() < FEW_IN_A_MINUTE {
        sorted.clear();
        sorted.extend_from_slice(bucket);
        sorted.sort_by_key(|e| e.time);
        return;
    }
    let mut starts = [0usize; 61];
    for e in bucket {
        starts[(e.time % 60) as usize + 1] += 1;
    }
    for s in 1..starts.len() {
        starts[s] += starts[s - 1];
    }
    sorted.clear();
    let Some(&first) = bucket.first() else {
        return;
    };
    sorted.resize(bucket.len(), first);
    for &e in bucket {
        let at = &mut starts[(e.time % 60) as usize];
        sorted[*at] = e;
        *at += 1;
    }
}

/// Below this many events a minute's bucket is sorted by comparison (see `sort_by_second`).
const FEW_IN_A_MINUTE: usize = 16;

/// The minute of the hour of `time`.
fn minute_of(time: SimTime) -> usize {
    (time % SECONDS_PER_HOUR / 60) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// At one second, an event that waited in the overflow heap comes before one pushed later
    /// straight into the ring at the window's edge: worked by hand.
    #[test]
    fn the_windows_edge_keeps_insertion_order() {
        let hour = SECONDS_PER_HOUR;
        let edge = |current: u32| (current + WINDOW_HOURS as u32) * hour;
        let mut q = EventQueue::new(2 * edge(0));
        // At hour 0, hour 5 + the window is beyond reach: event 1 waits in the overflow heap.
        let at = edge(5) + 7;
        assert!(q.push(at, 1, Action::StepDue));
        // Move the queue to hour 5, where `at` is exactly the window's edge.
        for h in 1..=5 {
            assert!(q.push(h * hour, 100 + h, Action::Send));
            assert_eq!(q.pop().map(|e| e.enrollment), Some(100 + h));
        }
        assert_eq!(q.current, 5);
        assert!(q.push(at, 2, Action::StepDue));
        let order: Vec<u32> = std::iter::from_fn(|| q.pop())
            .map(|e| e.enrollment)
            .collect();
        assert_eq!(order, [1, 2]);
    }

    proptest! {
        #[test]
        fn pops_in_time_then_insertion_order(
            // Spread over seventy days, or crowded into a few seconds (ties).
            times in proptest::collection::vec(prop_oneof![0u32..6_000_000, 0u32..4], 0..300),
            // Pushes into the current minute, a later minute of the hour, a later hour and
            // beyond the ring.
            later in proptest::collection::vec(
                prop_oneof![0u32..2, 0u32..60, 0u32..3_600, 0u32..3_000_000],
                0..100,
            ),
        ) {
            // Seventy days: events land in the current hour, the ring and the overflow.
            let horizon = 70 * 86_400;
            let mut q = EventQueue::new(horizon);
            let mut expected = Vec::new();
            for (i, &t) in times.iter().enumerate() {
                if q.push(t, i as u32, Action::StepDue) {
                    expected.push((t, i as u32));
                } else {
                    prop_assert!(t >= horizon);
                }
            }
            // Interleave pops with pushes at or after the popped time, as the engine does.
            let mut popped = Vec::new();
            let mut extra = later.iter();
            let mut next_id = times.len() as u32;
            while let Some(e) = q.pop() {
                popped.push((e.time, e.enrollment));
                if let Some(&dt) = extra.next() {
                    if q.push(e.time + dt, next_id, Action::Send) {
                        expected.push((e.time + dt, next_id));
                    }
                    next_id += 1;
                }
            }
            // Insertion order breaks ties, and ids were handed out in insertion order.
            expected.sort();
            prop_assert_eq!(popped, expected);
        }
    }
}
