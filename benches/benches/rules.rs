//! Rule evaluation throughput: decisions per second on one core, for the default order, a
//! reversed one, and a rule set with four guards. Criterion's "thrpt" line is the figure
//! (elements = decisions).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use model::{Decision, RejectionCode, RuleSet};

fn evaluate(c: &mut Criterion) {
    let conditions = benches::conditions(1 << 20);
    let reversed: Vec<_> = RejectionCode::ALL.iter().rev().copied().collect();
    let rule_sets = [
        ("default_order", RuleSet::default()),
        ("reversed_order", RuleSet::new(&reversed).unwrap()),
        ("four_guards", benches::guarded_rules()),
    ];
    let mut group = c.benchmark_group("rule_evaluation");
    group.throughput(Throughput::Elements(conditions.len() as u64));
    for (name, rules) in &rule_sets {
        group.bench_function(*name, |b| {
            b.iter(|| {
                let mut enrolled = 0u64;
                for &c in &conditions {
                    enrolled += u64::from(black_box(rules).evaluate(c) == Decision::Enrolled);
                }
                black_box(enrolled)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, evaluate);
criterion_main!(benches);
