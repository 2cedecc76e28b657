//! `seqsim run --check-determinism`: the scenario run twice with one thread (A, B) and once
//! with several (C), every event hashed per portal per simulated day in the recorder, and A's
//! hashes compared with B's, then with C's; the first divergence is reported with its
//! simulated day and portal, as madsim reports the first divergent random draw.

use crate::{first_divergence, run_with, RuleError, RunOptions, Scenario};

/// Which run diverged from the first 1-thread run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rerun {
    /// The second 1-thread run (B).
    Again,
    /// The several-thread run (C).
    ManyThreads,
}

/// What the three runs of one scenario showed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The scenario's name.
    pub scenario: String,
    /// Its seed.
    pub seed: u64,
    /// The threads of the third run.
    pub threads: usize,
    /// Events of a run.
    pub events: u64,
    /// Portals.
    pub portals: usize,
    /// Simulated days.
    pub days: u32,
    /// The first divergence: which run, on which simulated day, in which portal.
    pub divergence: Option<(Rerun, u32, u32)>,
}

/// Runs `scenario` twice on one thread and once on `threads` (at least 2) and compares their
/// event hashes; a CEL check that fails to evaluate is the error.
pub fn determinism(scenario: &Scenario, threads: usize) -> Result<Verdict, RuleError> {
    assert!(threads >= 2, "the third run uses several threads");
    let run = |threads| {
        let options = RunOptions {
            threads,
            event_hashes: true,
            ..RunOptions::default()
        };
        let result = run_with(scenario, &options);
        if let Some(e) = result.rule_error {
            return Err(e);
        }
        let hashes = result.recordings.event_hashes.expect("asked for");
        Ok((hashes, result.counters.events))
    };
    // A: one thread; B: one thread again (the same schedule: catches state that leaks between
    // runs or reads an address, a clock or a hash map's order); C: `threads` threads.
    let (a, events) = run(1)?;
    let (b, _) = run(1)?;
    let (c, _) = run(threads)?;
    Ok(Verdict {
        scenario: scenario.name.clone(),
        seed: scenario.seed,
        threads,
        events,
        portals: a.len(),
        days: scenario.calendar.horizon_days,
        divergence: compare(&a, &b, &c).map(|(r, (day, portal))| (r, day, portal)),
    })
}

/// The first divergence of B, else of C, from A: which run, and its (day, portal).
fn compare(a: &[Vec<u64>], b: &[Vec<u64>], c: &[Vec<u64>]) -> Option<(Rerun, (u32, u32))> {
    let again = first_divergence(a, b).map(|at| (Rerun::Again, at));
    again.or_else(|| first_divergence(a, c).map(|at| (Rerun::ManyThreads, at)))
}

impl Verdict {
    /// The verdict as a line (or two) for the person who asked.
    pub fn describe(&self) -> String {
        let (name, seed, many) = (&self.scenario, self.seed, self.threads);
        match self.divergence {
            None => format!(
                "deterministic: scenario {name:?}, seed {seed}: two 1-thread runs and a {many}-thread run hash the same {} events ({} portals x {} days)\n",
                self.events, self.portals, self.days
            ),
            Some((which, day, portal)) => format!(
                "NOT deterministic: scenario {name:?}, seed {seed}: a 1-thread run and {what} first diverge on simulated day {day} (simulated time {} s to {} s) in portal {portal}; rerun with `seqsim trace` or `seqsim diff` on that portal's contacts\n",
                u64::from(day) * 86_400,
                u64::from(day + 1) * 86_400,
                what = match which {
                    Rerun::Again => "a second 1-thread run".to_owned(),
                    Rerun::ManyThreads => format!("the {many}-thread run"),
                },
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{compare, Rerun};
    use crate::first_divergence;

    /// A against B first, then against C: hand-made hash sequences.
    #[test]
    fn a_is_compared_with_the_rerun_then_the_many_threads() {
        let a = vec![vec![1, 2, 3], vec![4, 5, 6]];
        assert_eq!(compare(&a, &a, &a), None);
        let late = vec![vec![1, 2, 3], vec![4, 5, 7]];
        let early = vec![vec![9, 2, 3], vec![4, 5, 6]];
        assert_eq!(compare(&a, &a, &late), Some((Rerun::ManyThreads, (2, 1))));
        assert_eq!(compare(&a, &late, &a), Some((Rerun::Again, (2, 1))));
        // B's divergence is reported even when C diverges earlier.
        assert_eq!(compare(&a, &late, &early), Some((Rerun::Again, (2, 1))));
        assert_eq!(compare(&a, &a, &early), Some((Rerun::ManyThreads, (0, 0))));
    }

    /// Hand-made hash sequences: the first divergence is the earliest day, then the lowest
    /// portal; a missing portal or day is a divergence.
    #[test]
    fn the_first_divergence_is_the_earliest_day_then_portal() {
        let a = vec![vec![1, 2, 3], vec![4, 5, 6]];
        assert_eq!(first_divergence(&a, &a.clone()), None);
        let b = vec![vec![1, 2, 9], vec![4, 0, 6]];
        assert_eq!(first_divergence(&a, &b), Some((1, 1)));
        let c = vec![vec![1, 7, 3], vec![4, 0, 6]];
        assert_eq!(first_divergence(&a, &c), Some((1, 0)));
        let d = vec![vec![1, 2, 3]];
        assert_eq!(first_divergence(&a, &d), Some((0, 1)));
        let e = vec![vec![1, 2], vec![4, 5]];
        assert_eq!(first_divergence(&a, &e), Some((2, 0)));
        assert_eq!(first_divergence(&[], &[]), None);
    }
}
