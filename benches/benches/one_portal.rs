//! End-to-end run of `scenarios/scale-1m-one-portal.toml` (issue 12): scale-1m's million
//! contacts in a single portal, on one thread, the path a large customer takes (one portal is
//! one partition, run by one thread). Elements = events, so the throughput line reads as events
//! per second; the target is at least 7 million a second (0.5 s for the run).
//!
//! The same figure from the command line, whole process included:
//! `cargo build --release && /usr/bin/time -v target/release/seqsim run
//! scenarios/scale-1m-one-portal.toml --threads 1 --summary`.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn one_portal(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/scale-1m-one-portal.toml");
    let scenario = scenarios::load(&path).expect("the one-portal scale scenario loads");
    let options = sim::RunOptions {
        threads: 1,
        ..sim::RunOptions::default()
    };
    let events = sim::run_with(&scenario, &options).counters.events;
    let mut group = c.benchmark_group("end_to_end");
    group.sample_size(10);
    group.throughput(Throughput::Elements(events));
    group.bench_function("scale-1m-one-portal/1-thread", |b| {
        b.iter(|| black_box(sim::run_with(&scenario, &options)))
    });
    group.finish();
}

criterion_group!(benches, one_portal);
criterion_main!(benches);
