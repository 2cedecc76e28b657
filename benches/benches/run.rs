//! End-to-end runs of `scenarios/library/scale-1m.toml` at 10k, 100k and 1M contacts (the plan
//! scales with the population), on every core. Elements = contacts, so the throughput line shows
//! the cost per contact staying flat as the world grows.
//!
//! The same figures from the command line, whole process included:
//! `cargo build --release &&
//! /usr/bin/time -v target/release/seqsim run scenarios/library/scale-1m.toml`
//! (add `--contacts 10000000` for the 10M variant, `--threads 1` for one core).

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

fn runs(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/library/scale-1m.toml");
    let base = scenarios::load(&path).expect("the scale scenario loads");
    let mut group = c.benchmark_group("end_to_end");
    group.sample_size(10);
    for contacts in [10_000u32, 100_000, 1_000_000] {
        let mut scenario = base.clone();
        scenario.scale_contacts(contacts);
        group.throughput(Throughput::Elements(contacts.into()));
        group.bench_with_input(BenchmarkId::new("scale-1m", contacts), &scenario, |b, s| {
            b.iter(|| black_box(sim::run(s)))
        });
    }
    group.finish();
}

criterion_group!(benches, runs);
criterion_main!(benches);
