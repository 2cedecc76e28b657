//! One snapshot per scenario file: the JSON report of its run. A new file in `scenarios/` gets
//! a snapshot with no new code; a change that moves any count fails until it is reviewed
//! (`cargo insta review`).

use reports::{Format, Report};

#[test]
fn every_scenario_file_matches_its_snapshot() {
    insta::glob!("../scenarios", "*.toml", |path| {
        if path.file_name().is_some_and(|n| n == "Cargo.toml") {
            return;
        }
        let scenario = scenarios::load(path).unwrap_or_else(|e| panic!("{e}"));
        let result = sim::run(&scenario);
        let report = Report::new(&scenario, &result);
        assert_eq!(report.enrollment.total(), report.enrollment_attempts);
        insta::assert_snapshot!(report.render(Format::Json));
    });
}
