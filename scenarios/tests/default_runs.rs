//! The embedded default scenario fires every enrollment check and reaches every outcome.

use model::{Outcome, RejectionCode};

#[test]
fn default_scenario_exercises_every_code_and_outcome() {
    let scenario = scenarios::default_scenario();
    let result = sim::run(&scenario);
    for code in RejectionCode::ALL {
        assert!(
            result.counters.rejected(code) > 0,
            "{} never occurs",
            code.name()
        );
    }
    for outcome in Outcome::ALL {
        assert!(
            result.outcome(outcome) > 0,
            "{} never occurs",
            outcome.name()
        );
    }
    assert!(result.counters.enrolled > 0);
}
