//! The CEL checks' compile-time checks and evaluation, on hand-written expressions.

use super::*;

fn problems(source: &str) -> Vec<Problem> {
    Expression::compile(source).expect_err(source)
}

#[test]
fn placeholder_compiles() {
    let e = Expression::compile("contact.bounced && sender.sent_24h > 3").unwrap();
    assert!(e.reads().contains(Variable::SenderSent24h));
    assert!(!problems("contact.bounced > 3").is_empty());
}
