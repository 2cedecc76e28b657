//! A small sweep of the default scenario (8 runs: `senders[0].count` 8, 12, 16, 20 x 2 seeds)
//! against the same 8 runs made one by one with `sim::run_with`: the sweep's overhead (building
//! the grid, reducing each run to its counts, the pool) over the runs themselves, on one
//! thread and on two.
//!
//! The same from the command line, whole process included (docs/guide/sweep-goal.md, "Speed"):
//! `seqsim sweep default --vary 'senders[0].count=1..100' --seeds 2 --threads 1 --out-dir out`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};

fn sweeps(c: &mut Criterion) {
    let axis = sweep::Axis::parse("senders[0].count=8..20:4").expect("an axis");
    let load = |settings: &[scenarios::Setting]| {
        scenarios::default_scenario_with(settings).map_err(|e| e.to_string())
    };
    let prepared = sweep::prepare(load, &[axis], 2, &[], &[]).expect("a grid");
    let all: Vec<usize> = (0..prepared.scenarios.len()).collect();
    let mut group = c.benchmark_group("sweep_default_8_runs");
    group.sample_size(10);
    for threads in [1, 2] {
        group.bench_function(format!("sweep_threads_{threads}"), |b| {
            b.iter(|| black_box(sweep::run(&prepared, &all, threads, &|| {}).unwrap()))
        });
    }
    let one = sim::RunOptions {
        threads: 1,
        ..sim::RunOptions::default()
    };
    group.bench_function("runs_one_by_one_threads_1", |b| {
        b.iter(|| {
            for s in &prepared.scenarios {
                black_box(sim::run_with(s, &one));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, sweeps);
criterion_main!(benches);
