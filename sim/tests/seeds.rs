//! Several seeds of one scenario: `run_seeds` gives, seed by seed, the runs `run_with` gives,
//! in seed order, on any thread count.

mod common;

use sim::{run_seeds, run_with, seeds_from, RunOptions, RunResult, Scenario};

#[test]
fn seeds_count_up_from_the_first_and_wrap() {
    assert_eq!(seeds_from(7, 3), [7, 8, 9]);
    assert_eq!(seeds_from(u64::MAX, 2), [u64::MAX, 0]);
    assert!(seeds_from(7, 0).is_empty());
}

#[test]
fn each_seed_is_the_single_run_of_that_seed_on_any_thread_count() {
    let scenario = common::scenario(5, 1_500, 3, 0.2);
    let seeds = seeds_from(40, 3);
    let with = |threads: usize| {
        let options = RunOptions {
            threads,
            ..RunOptions::default()
        };
        run_seeds(&scenario, &seeds, &options, |s: &Scenario, r: RunResult| {
            (s.seed, r)
        })
    };
    let one = with(1);
    assert_eq!(one, with(2));
    assert_eq!(one, with(3));
    for (&seed, (ran, result)) in seeds.iter().zip(&one) {
        assert_eq!(*ran, seed);
        let single = Scenario {
            seed,
            ..scenario.clone()
        };
        assert_eq!(*result, run_with(&single, &RunOptions::default()));
    }
    assert_ne!(one[0].1, one[1].1, "seeds change the world");
}
