//! The event queue: a calendar queue of one-hour buckets, each turned into a small binary heap
//! when reached.
//!
//! Most events in this domain are known hours or days ahead (a follow-up two days out, a
//! reaction within a day), so a single heap over every pending event would be large and
//! cache-cold. Here a push into a later hour is an append to that hour's `Vec`; only the hour
//! being processed is a heap. Order is exactly (time, insertion sequence): ties are FIFO and
//! reproducible. Events at or after the horizon are dropped: the queue is bounded by it.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use crate::time::{SimTime, SECONDS_PER_HOUR};

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
    /// The user re-enrolls the contact of the (ended) enrollment at this step.
    ReEnroll(u8),
}

/// One pending event.
#[derive(Clone, Copy, Debug)]
pub struct Event {
    /// When it happens.
    pub time: SimTime,
    /// Insertion sequence: breaks ties between events at the same second.
    pub seq: u32,
    /// The enrollment it concerns.
    pub enrollment: u32,
    /// What it does.
    pub action: Action,
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.time, self.seq).cmp(&(other.time, other.seq))
    }
}

/// Pending events of one partition, popped in (time, sequence) order.
pub struct EventQueue {
    buckets: Vec<Vec<Event>>,
    /// The bucket whose events are in `heap`; every earlier bucket is empty.
    current: usize,
    heap: BinaryHeap<Reverse<Event>>,
    next_seq: u32,
    horizon: SimTime,
}

impl EventQueue {
    /// An empty queue for events before `horizon`.
    pub fn new(horizon: SimTime) -> Self {
        let buckets = horizon.div_ceil(SECONDS_PER_HOUR) as usize;
        Self {
            buckets: vec![Vec::new(); buckets.max(1)],
            current: 0,
            heap: BinaryHeap::new(),
            next_seq: 0,
            horizon,
        }
    }

    /// Schedules `action` for `enrollment` at `time`; false (and nothing queued) at or after
    /// the horizon.
    pub fn push(&mut self, time: SimTime, enrollment: u32, action: Action) -> bool {
        if time >= self.horizon {
            return false;
        }
        let event = Event {
            time,
            seq: self.next_seq,
            enrollment,
            action,
        };
        self.next_seq = self
            .next_seq
            .checked_add(1)
            .expect("more than 2^32 events in one partition");
        let bucket = (time / SECONDS_PER_HOUR) as usize;
        if bucket <= self.current {
            self.heap.push(Reverse(event));
        } else {
            self.buckets[bucket].push(event);
        }
        true
    }

    /// The time of the earliest pending event.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        while self.heap.is_empty() {
            if self.current + 1 >= self.buckets.len() {
                return None;
            }
            self.current += 1;
            let bucket = std::mem::take(&mut self.buckets[self.current]);
            self.heap = bucket.into_iter().map(Reverse).collect();
        }
        self.heap.peek().map(|Reverse(e)| e.time)
    }

    /// Removes and returns the earliest pending event.
    pub fn pop(&mut self) -> Option<Event> {
        self.peek_time()?;
        self.heap.pop().map(|Reverse(e)| e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn pops_in_time_then_insertion_order(
            times in proptest::collection::vec(0u32..200_000, 0..300),
            later in proptest::collection::vec(0u32..20_000, 0..100),
        ) {
            let horizon = 150_000;
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
