//! `seqsim check --seeds N`: bounds judged on the mean over N seeds, with its 95% interval,
//! and relative bounds judged by Welch's t-test against a baseline of several seeds.
//!
//! An absolute bound (`min`, `max`, `share_min`, `share_max`) fails only when the whole 95%
//! t-interval of the mean (of the count, or of the share, over the seeds) is on its wrong side:
//! a bound the mean may still meet is not failed on noise. A `relative` bound fails only when
//! the means of this run and of the baseline differ significantly (Welch, 5% two-sided) *and*
//! by more than the relative tolerance of the baseline's mean; `relative = 0` judges the
//! significance alone ("no significant change"). Welch rather than a test paired by seed: it
//! holds whether or not both runs used the same seeds (a paired test needs the same seeds and
//! would be wrong for blocks of other seeds), and with the same seeds it only ignores their
//! positive correlation, which makes it more conservative, not less.

use serde_json::Value;

use super::{measure, Bound, Check, Expectation, Verdict};
use crate::stats::{interval, welch, Welch};
use crate::Report;

/// A count (or share) over several seeds, and the test against the baseline's seeds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    /// How many seeds.
    pub seeds: usize,
    /// The mean over the seeds (a share for share bounds).
    pub mean: f64,
    /// The 95% t-interval of the mean, low end.
    pub low: f64,
    /// High end.
    pub high: f64,
    /// For a relative bound: the baseline's seeds, the mean of its count and the test.
    pub baseline: Option<(usize, f64, Welch)>,
}

/// The count of `e` in every report of `jsons` (reports as JSON).
fn counts(jsons: &[Value], e: &Expectation) -> Option<Vec<i64>> {
    (jsons.iter())
        .map(|j| measure(j, &e.count).map(|m| m.count as i64))
        .collect()
}

/// Judges `expects`, the expectations of scenario `label`, against its `reports` (one per
/// seed, at least two) and, for relative bounds, the baseline's reports (as JSON, at least
/// two). The error names every count a relative bound needs that the baseline lacks.
pub fn evaluate_seeded(
    label: &str,
    expects: &[Expectation],
    reports: &[Report],
    baseline: Option<&[Value]>,
) -> Result<Vec<Check>, Vec<String>> {
    assert!(reports.len() >= 2, "a seeded check runs at least two seeds");
    let jsons: Vec<Value> = (reports.iter())
        .map(|r| serde_json::to_value(r).expect("reports always serialize"))
        .collect();
    let mut checks = Vec::new();
    let mut missing = Vec::new();
    for e in expects {
        let got: Vec<_> = (jsons.iter())
            .map(|j| measure(j, &e.count).expect("a valid count path is in every report"))
            .collect();
        let values = counts(&jsons, e).expect("measured above");
        for &bound in &e.bounds {
            let base = match super::baseline_value(bound, baseline, label, e, |b| counts(b, e)) {
                Ok(base) => base,
                Err(message) => {
                    missing.push(message);
                    continue;
                }
            };
            let spread = spread(bound, &got, &values, base.as_deref());
            checks.push(Check {
                scenario: label.to_owned(),
                key: e.key.clone(),
                count: e.count_text.clone(),
                bound,
                got: got[0],
                baseline: None,
                min_count: e.min_count,
                verdict: judge_spread(bound, &spread, e.min_count),
                spread: Some(spread),
            });
        }
    }
    if missing.is_empty() {
        Ok(checks)
    } else {
        Err(missing)
    }
}

/// The spread `bound` is judged on: of the shares for share bounds, else of the counts, with
/// the test against `base` (the baseline's counts) for a relative bound.
fn spread(bound: Bound, got: &[super::Measure], values: &[i64], base: Option<&[i64]>) -> Spread {
    let reals: Vec<f64> = match bound {
        Bound::ShareMin(_) | Bound::ShareMax(_) => got.iter().map(|m| m.share()).collect(),
        _ => values.iter().map(|&v| v as f64).collect(),
    };
    let (mean, low, high) = interval(&reals);
    Spread {
        seeds: values.len(),
        mean,
        low,
        high,
        baseline: base.map(|b| (b.len(), crate::stats::mean(b), welch(values, b))),
    }
}

/// The verdict of `bound` on a spread: an absolute bound fails when the whole interval is on
/// its wrong side; a relative one when the change is significant and beyond the tolerance.
pub fn judge_spread(bound: Bound, s: &Spread, min_count: u64) -> Verdict {
    let fails = match bound {
        Bound::Min(min) => s.high < min as f64,
        Bound::Max(max) => s.low > max as f64,
        Bound::ShareMin(share) => s.high < share,
        Bound::ShareMax(share) => s.low > share,
        Bound::Relative(relative) => {
            let (_, base, test) = s.baseline.expect("a relative bound has a baseline");
            if base < min_count as f64 {
                return Verdict::Skipped;
            }
            test.significant() && test.difference.abs() > relative * base
        }
    };
    if fails {
        Verdict::Fail
    } else {
        Verdict::Pass
    }
}
