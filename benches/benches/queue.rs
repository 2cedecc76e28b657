//! The event queue against the obvious alternative, on this domain's pattern: events pushed
//! hours or days ahead, popped in time order, each pop pushing a follow-up later.
//!
//! `calendar_queue` is `sim`'s queue (one-hour buckets, a heap for the current hour);
//! `binary_heap` is one `BinaryHeap` over every pending event. Elements = events popped.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use sim::engine::queue::{Action, EventQueue};

const HORIZON: u32 = 30 * 86_400;

/// Initial event times over the first 20 days and, per pop, the delay of the follow-up it
/// schedules (minutes to three days): a fixed-seed xorshift, so both queues see the same load.
fn workload(n: usize) -> (Vec<u32>, Vec<u32>) {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |bound: u32| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        ((u128::from(x) * u128::from(bound)) >> 64) as u32
    };
    let starts = (0..n).map(|_| next(20 * 86_400)).collect();
    let delays = (0..n).map(|_| 60 + next(3 * 86_400)).collect();
    (starts, delays)
}

fn queues(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_queue");
    for n in [100_000usize, 1_000_000] {
        let (starts, delays) = workload(n);
        group.throughput(Throughput::Elements(2 * n as u64));
        group.bench_with_input(BenchmarkId::new("calendar_queue", n), &n, |b, _| {
            b.iter(|| {
                let mut q = EventQueue::new(HORIZON);
                for (i, &t) in starts.iter().enumerate() {
                    q.push(t, i as u32, Action::StepDue);
                }
                let mut popped = 0u64;
                let mut follow = delays.iter();
                while let Some(e) = q.pop() {
                    popped += u64::from(e.time);
                    if let Some(&d) = follow.next() {
                        q.push(e.time + d, e.enrollment, Action::Send);
                    }
                }
                black_box(popped)
            })
        });
        group.bench_with_input(BenchmarkId::new("binary_heap", n), &n, |b, _| {
            b.iter(|| {
                let mut q = BinaryHeap::new();
                let mut seq = 0u32;
                for (i, &t) in starts.iter().enumerate() {
                    q.push(Reverse((t, seq, i as u32)));
                    seq += 1;
                }
                let mut popped = 0u64;
                let mut follow = delays.iter();
                while let Some(Reverse((t, _, id))) = q.pop() {
                    popped += u64::from(t);
                    if let Some(&d) = follow.next() {
                        if t + d < HORIZON {
                            q.push(Reverse((t + d, seq, id)));
                            seq += 1;
                        }
                    }
                }
                black_box(popped)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, queues);
criterion_main!(benches);
