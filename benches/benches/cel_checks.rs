//! What CEL checks cost (issue 21): scale-1m on one thread with its own rules, then under
//! `rules/two-cel-checks.toml` (one check over contact facts, one over the sender's rolling
//! 24-hour sends, a statistic the engine then keeps). Elements = enrollment attempts, so the
//! throughput lines read as decisions per second, with and without the checks side by side;
//! the target is at most 1.5x the time without them.
//!
//! The same figure from the command line, whole process included:
//! `target/release/seqsim run scale-1m --rules rules/two-cel-checks.toml --threads 1 --summary`
//! beside the same command without `--rules`.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn cel_checks(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let plain =
        scenarios::load(&root.join("scenarios/library/scale-1m.toml")).expect("scale-1m loads");
    let mut checked = plain.clone();
    scenarios::load_rules(&root.join("rules/two-cel-checks.toml"))
        .expect("the bench's rule file loads")
        .apply(&mut checked);
    assert!(checked
        .guards
        .iter()
        .any(|g| matches!(g.kind, sim::GuardKind::Expression(_))));
    let options = sim::RunOptions {
        threads: 1,
        ..sim::RunOptions::default()
    };
    let mut group = c.benchmark_group("cel_checks");
    group.sample_size(10);
    for (name, scenario) in [
        ("scale-1m/built-in", &plain),
        ("scale-1m/two-cel-checks", &checked),
    ] {
        let result = sim::run_with(scenario, &options);
        assert!(result.rule_error.is_none());
        group.throughput(Throughput::Elements(result.counters.attempts));
        group.bench_function(name, |b| {
            b.iter(|| black_box(sim::run_with(scenario, &options)))
        });
    }
    group.finish();
}

criterion_group!(benches, cel_checks);
criterion_main!(benches);
