//! Rule evaluation throughput: decisions per second on one core, for the default order, a
//! reversed one, and a rule set with four guards; then the two CEL checks of
//! `rules/two-cel-checks.toml`, each evaluated by the interpreter on every attempt, and through
//! the memo a run uses. Criterion's "thrpt" line is the figure (elements = decisions).

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

fn facts((attempt, statistics): &(sim::AttemptFacts, sim::cel::Statistics)) -> sim::cel::Facts<'_> {
    sim::cel::Facts {
        attempt,
        weekday: sim::Weekday::Monday,
        sequence_name: "outbound",
        subscription_type: "sales_email",
        provider: Some(model::InboxProvider::Gmail),
        statistics: *statistics,
    }
}

/// The two checks of `rules/two-cel-checks.toml` on every attempt: `interpreter` evaluates
/// both each time, `memo` as a run does.
fn cel_checks(c: &mut Criterion) {
    let attempts = benches::cel_attempts(1 << 16);
    let checks = [
        "source == 'crm_bulk' && address.bounced_on_another_account",
        "sender.sent_24h >= 1000",
    ]
    .map(|text| sim::cel::Expression::compile(text).expect("a valid check"));
    let mut group = c.benchmark_group("rule_evaluation");
    group.throughput(Throughput::Elements(attempts.len() as u64));
    group.bench_function("two_cel_checks/interpreter", |b| {
        b.iter(|| {
            let refused = (attempts.iter())
                .filter(|a| checks.iter().any(|e| e.holds(&facts(a)) == Ok(true)))
                .count();
            black_box(refused)
        })
    });
    group.bench_function("two_cel_checks/memo", |b| {
        b.iter(|| {
            let mut memos = [sim::cel::Memo::default(), sim::cel::Memo::default()];
            let refused = (attempts.iter())
                .filter(|a| {
                    let f = facts(a);
                    (checks.iter().zip(&mut memos)).any(|(e, m)| m.holds(e, &f) == Ok(true))
                })
                .count();
            black_box(refused)
        })
    });
    group.finish();
}

criterion_group!(benches, evaluate, cel_checks);
criterion_main!(benches);
