//! The statistical gate of `seqsim check --seeds N` measured: under no change, how often does
//! "no significant change against the baseline" fail (its false-alarm rate), and is a planted
//! shift of known size caught. Both run the library functions the command runs, on blocks of
//! seeds of a small scenario (the bought list at 2,000 contacts).
//!
//! The false-alarm bound: each comparison of two independent blocks of 8 seeds fails with
//! probability at most 5% under no change (Welch at 5% two-sided, its quantile rounded to the
//! larger one). Over 40 independent comparisons the failures are then at most Binomial(40,
//! 0.05): mean 2, and P(X >= 7) = 0.0034. The test allows 6 (15%): exceeding it means the gate
//! false-alarms more than it states, not bad luck (at most a 1-in-300 chance). The seeds are
//! fixed, so the test is deterministic; the allowance keeps it from turning red on a model change
//! that merely redraws the counts.

use std::path::Path;

use reports::check::{Baseline, CheckReport, Verdict};

/// Seeds per block, as `seqsim check --seeds 8`.
const SEEDS_PER_BLOCK: u32 = 8;
/// Independent comparisons (pairs of disjoint blocks).
const COMPARISONS: u64 = 40;
/// The failures 40 comparisons at 5% may show: P(Binomial(40, 0.05) >= 7) = 0.0034.
const FALSE_ALARMS_ALLOWED: usize = 6;

/// The expectations (outcomes.BOUNCED with `relative`) loaded, with the scenario scaled down.
fn expectations(relative: f64) -> scenarios::Expectations {
    let dir = tempfile::tempdir().unwrap();
    let scenario =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/library/purchased-list.toml");
    let path = dir.path().join("expect.toml");
    let text = format!(
        "[[scenario]]\nfile = {:?}\n[[scenario.expect]]\ncount = \"outcomes.BOUNCED\"\nrelative = {relative:?}\n",
        scenario.display().to_string()
    );
    std::fs::write(&path, text).unwrap();
    let mut e = scenarios::load_expectations(&path, true).unwrap();
    e.scenarios[0].scenario.scale_contacts(2_000);
    e
}

/// The block of seeds starting at `first`, run on `scenario`.
fn block(scenario: &sim::Scenario, first: u64) -> (Vec<u64>, Vec<reports::Report>) {
    let seeds = sim::seeds_from(first, SEEDS_PER_BLOCK);
    let runs = sim::run_seeds(
        scenario,
        &seeds,
        &sim::RunOptions::default(),
        reports::Report::new_owned,
    );
    (seeds, runs)
}

/// The verdict on `after` judged against `before` as a baseline of several seeds, as `seqsim
/// check --seeds 8 --baseline FILE` gives it, and the relative move of the means.
fn judge(
    e: &scenarios::Expectations,
    before: (Vec<u64>, Vec<reports::Report>),
    after: (Vec<u64>, Vec<reports::Report>),
) -> (Verdict, f64) {
    let text = reports::check::seeded_baseline_json(e, &[before.0], &[before.1]);
    let baseline = Baseline::parse(&text, "base.json").unwrap();
    assert_eq!(baseline.seeds(), Some(SEEDS_PER_BLOCK as usize));
    let checked = CheckReport::new_seeded(e, &[after.1], Some(&baseline)).unwrap();
    let check = &checked.checks[0];
    let (_, base, test) = check.spread.unwrap().baseline.unwrap();
    (check.verdict, test.difference / base)
}

#[test]
fn no_change_fails_at_most_at_the_stated_rate() {
    let e = expectations(0.0);
    let scenario = &e.scenarios[0].scenario;
    let block_seeds = u64::from(SEEDS_PER_BLOCK);
    let mut false_alarms = 0;
    for k in 0..COMPARISONS {
        let first = 10_000 + 2 * k * block_seeds;
        let before = block(scenario, first);
        let after = block(scenario, first + block_seeds);
        if judge(&e, before, after).0 == Verdict::Fail {
            false_alarms += 1;
        }
    }
    eprintln!("false alarms: {false_alarms} of {COMPARISONS}");
    assert!(
        false_alarms <= FALSE_ALARMS_ALLOWED,
        "{false_alarms} of {COMPARISONS} comparisons without a change failed"
    );
}

#[test]
fn a_planted_shift_of_bounces_is_caught_in_every_block() {
    // 30% more dead mailboxes: about 30% more BOUNCED, the rest of the world alike.
    for relative in [0.0, 0.10] {
        let e = expectations(relative);
        let scenario = &e.scenarios[0].scenario;
        let mut shifted = scenario.clone();
        shifted.population.rates.invalid_address *= 1.3;
        for k in 0..5 {
            let first = 50_000 + 16 * k;
            let (verdict, moved) = judge(&e, block(scenario, first), block(&shifted, first + 8));
            eprintln!("block {k}: BOUNCED moved {:+.1}%", moved * 100.0);
            assert!(moved > 0.2, "the shift moved BOUNCED by {moved}");
            assert_eq!(verdict, Verdict::Fail, "block {k}, relative {relative}");
        }
    }
}
