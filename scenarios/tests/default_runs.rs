//! The embedded default scenario fires every enrollment check at least once.

use model::RejectionCode;

#[test]
fn default_scenario_exercises_every_enrollment_code() {
    let scenario = scenarios::default_scenario();
    let result = sim::run(&scenario);
    for code in RejectionCode::ALL {
        assert!(
            result.rejected(code) > 0,
            "{} never occurs: {result:?}",
            code.name()
        );
    }
    assert!(result.enrolled > 0);
}
