//! `seqsim run --check-determinism`: the scenario run with one thread and with N, every event
//! hashed per portal per simulated day in the recorder, and the two sequences of hashes
//! compared; the first divergence is reported with its simulated day and portal, as madsim
//! reports the first divergent random draw.

use anyhow::Result;
use std::process::ExitCode;

/// The verdict over `scenario`: exit 0 when the 1-thread and `threads`-thread runs hash the
/// same, 1 with the first divergence otherwise.
pub fn check(scenario: &sim::Scenario, threads: usize) -> Result<(String, ExitCode)> {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let many = match threads {
        0 | 1 => cores.max(2),
        n => n,
    };
    let run = |threads| {
        let options = sim::RunOptions {
            threads,
            event_hashes: true,
            ..sim::RunOptions::default()
        };
        let result = sim::run_with(scenario, &options);
        let hashes = result.recordings.event_hashes.expect("asked for");
        (hashes, result.counters.events)
    };
    let (one, events) = run(1);
    let (other, _) = run(many);
    let days = scenario.calendar.horizon_days;
    Ok(match sim::first_divergence(&one, &other) {
        None => (
            format!(
                "deterministic: scenario {:?}, seed {}: 1 and {many} threads hash the same {events} events ({} portals x {days} days)\n",
                scenario.name,
                scenario.seed,
                one.len(),
            ),
            ExitCode::SUCCESS,
        ),
        Some((day, portal)) => (
            format!(
                "NOT deterministic: scenario {:?}, seed {}: 1 and {many} threads first diverge on simulated day {day} (from {} s) in portal {portal}; rerun with `seqsim trace` or `seqsim diff` on that portal's contacts\n",
                scenario.name,
                scenario.seed,
                u64::from(day) * 86_400,
            ),
            ExitCode::from(1),
        ),
    })
}

#[cfg(test)]
mod tests {
    /// Hand-made hash sequences: the first divergence is the earliest day, then the lowest
    /// portal; a missing portal or day is a divergence.
    #[test]
    fn the_first_divergence_is_the_earliest_day_then_portal() {
        let a = vec![vec![1, 2, 3], vec![4, 5, 6]];
        assert_eq!(sim::first_divergence(&a, &a.clone()), None);
        let b = vec![vec![1, 2, 9], vec![4, 0, 6]];
        assert_eq!(sim::first_divergence(&a, &b), Some((1, 1)));
        let c = vec![vec![1, 7, 3], vec![4, 0, 6]];
        assert_eq!(sim::first_divergence(&a, &c), Some((1, 0)));
        let d = vec![vec![1, 2, 3]];
        assert_eq!(sim::first_divergence(&a, &d), Some((0, 1)));
        let e = vec![vec![1, 2], vec![4, 5]];
        assert_eq!(sim::first_divergence(&a, &e), Some((2, 0)));
        assert_eq!(sim::first_divergence(&[], &[]), None);
    }
}
