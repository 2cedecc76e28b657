//! `seqsim check`: expectations judged against reports, for CI gates.
//!
//! An expectations file (`scenarios::Expectations`) bounds counts of each scenario's report.
//! Each bound of each expectation is one [`Check`], judged from a [`Report`] (and, for a
//! `relative` bound, the baseline's report of the same scenario) by pure functions over
//! integer counts: [`evaluate`], and beside it [`evaluate_seeded`] for `--seeds N`, which
//! judges bounds on the mean over the seeds and relative bounds by Welch's t-test
//! (`check/seeded.rs`). Reports are read as their
//! JSON, so a count is found the same way in a fresh report and in a baseline file written by
//! `seqsim run --format json` or `seqsim check --save-baseline`.

mod ci;
mod measure;
mod render;
mod seeded;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

pub use measure::{measure, Measure};
pub use scenarios::{Bound, CountPath, Expectation, Expectations, ScenarioExpectations};
pub use seeded::{evaluate_seeded, judge_spread, Spread};

use crate::Report;

/// What became of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The bound holds.
    Pass,
    /// The bound does not hold.
    Fail,
    /// A relative bound not judged: the baseline's count is below `min_count`.
    Skipped,
}

/// One bound of one expectation, judged.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// The scenario's label (`scenarios/library/purchased-list.toml`, `...@7` with a seed).
    pub scenario: String,
    /// The expectation's key in the file (`scenario[0].expect[1]`).
    pub key: String,
    /// The count as written.
    pub count: String,
    /// The bound.
    pub bound: Bound,
    /// The count and its section's total in the report.
    pub got: Measure,
    /// The count in the baseline, for a relative bound.
    pub baseline: Option<u64>,
    /// The expectation's `min_count`.
    pub min_count: u64,
    /// The verdict.
    pub verdict: Verdict,
    /// With `--seeds N`: the mean over the seeds and its interval the bound was judged on
    /// (then `got` is the first seed's and `baseline` is `None`).
    pub spread: Option<Spread>,
}

/// Every check of an expectations file, in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckReport {
    /// The expectations file, as given.
    pub file: String,
    /// The checks.
    pub checks: Vec<Check>,
}

/// The baseline's value of `e`'s count for `bound` (read by `value`): `None` for a bound that
/// needs no baseline, an error naming the count when the baseline lacks it. Validation made
/// sure every relative bound has a baseline.
pub(crate) fn baseline_value<B, T>(
    bound: Bound,
    baseline: Option<B>,
    label: &str,
    e: &Expectation,
    value: impl FnOnce(B) -> Option<T>,
) -> Result<Option<T>, String> {
    match (bound, baseline) {
        (Bound::Relative(_), Some(b)) => value(b).map(Some).ok_or_else(|| {
            format!(
                "the baseline of `{label}` has no count `{}` ({})",
                e.count_text, e.key
            )
        }),
        (Bound::Relative(_), None) => {
            panic!("a relative bound without a baseline passed validation")
        }
        _ => Ok(None),
    }
}

/// Judges each scenario's `runs` (in file order) with `judge`, handing it the scenario's
/// baseline entry (`base_of`) when it has relative bounds; every problem is collected.
fn judge_all<'b, R, B>(
    expectations: &Expectations,
    runs: &[R],
    baseline: Option<&'b Baseline>,
    base_of: impl Fn(&'b Baseline, &ScenarioExpectations) -> Option<B>,
    judge: impl Fn(&ScenarioExpectations, &R, Option<B>) -> Result<Vec<Check>, Vec<String>>,
) -> Result<CheckReport, Vec<String>> {
    assert_eq!(
        expectations.scenarios.len(),
        runs.len(),
        "runs per scenario"
    );
    let mut checks = Vec::new();
    let mut problems = Vec::new();
    for (s, run) in expectations.scenarios.iter().zip(runs) {
        let relative = s.expects.iter().flat_map(|e| &e.bounds);
        let needs_baseline = relative
            .into_iter()
            .any(|b| matches!(b, Bound::Relative(_)));
        let base = match baseline {
            Some(b) if needs_baseline => match base_of(b, s) {
                Some(base) => Some(base),
                None => {
                    problems.push(b.missing(&s.label, &s.scenario.name));
                    continue;
                }
            },
            _ => None,
        };
        match judge(s, run, base) {
            Ok(found) => checks.extend(found),
            Err(missing) => problems.extend(missing),
        }
    }
    if problems.is_empty() {
        Ok(CheckReport {
            file: expectations.path.clone(),
            checks,
        })
    } else {
        Err(problems)
    }
}

impl CheckReport {
    /// Judges every expectation of `expectations` against `reports` (one per scenario, in file
    /// order) and, for relative bounds, `baseline`. The error lists every scenario or count the
    /// baseline lacks.
    pub fn new(
        expectations: &Expectations,
        reports: &[Report],
        baseline: Option<&Baseline>,
    ) -> Result<Self, Vec<String>> {
        judge_all(
            expectations,
            reports,
            baseline,
            |b, s| b.report_for(&s.label, &s.scenario.name),
            |s, report, base| evaluate(&s.label, &s.expects, report, base),
        )
    }

    /// [`CheckReport::new`] over several seeds: `runs` holds each scenario's reports, one
    /// per seed (at least two), and relative bounds need a baseline of several seeds.
    pub fn new_seeded(
        expectations: &Expectations,
        runs: &[Vec<Report>],
        baseline: Option<&Baseline>,
    ) -> Result<Self, Vec<String>> {
        judge_all(
            expectations,
            runs,
            baseline,
            |b, s| b.runs_for(&s.label),
            |s, reports, base| evaluate_seeded(&s.label, &s.expects, reports, base),
        )
    }

    /// True when no check failed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.verdict != Verdict::Fail)
    }

    /// How many checks have verdict `v`.
    pub fn count(&self, v: Verdict) -> usize {
        self.checks.iter().filter(|c| c.verdict == v).count()
    }
}

/// Judges `expects`, the expectations of scenario `label`, against its `report` and, for
/// relative bounds, the `baseline` report (as JSON). The error names every count a relative
/// bound needs that the baseline lacks.
pub fn evaluate(
    label: &str,
    expects: &[Expectation],
    report: &Report,
    baseline: Option<&Value>,
) -> Result<Vec<Check>, Vec<String>> {
    let json = serde_json::to_value(report).expect("reports always serialize");
    let mut checks = Vec::new();
    let mut missing = Vec::new();
    for e in expects {
        let got = measure(&json, &e.count).expect("a valid count path is in every report");
        for &bound in &e.bounds {
            let base = baseline_value(bound, baseline, label, e, |b| {
                measure(b, &e.count).map(|m| m.count)
            });
            let base = match base {
                Ok(base) => base,
                Err(message) => {
                    missing.push(message);
                    continue;
                }
            };
            let verdict = judge(bound, got, base, e.min_count);
            checks.push(Check {
                scenario: label.to_owned(),
                key: e.key.clone(),
                count: e.count_text.clone(),
                bound,
                got,
                baseline: base,
                min_count: e.min_count,
                verdict,
                spread: None,
            });
        }
    }
    if missing.is_empty() {
        Ok(checks)
    } else {
        Err(missing)
    }
}

/// The verdict of `bound` on `got`, with the baseline's count for a relative bound.
pub fn judge(bound: Bound, got: Measure, baseline: Option<u64>, min_count: u64) -> Verdict {
    let holds = match bound {
        Bound::Min(min) => got.count >= min,
        Bound::Max(max) => got.count <= max,
        Bound::ShareMin(share) => got.share() >= share,
        Bound::ShareMax(share) => got.share() <= share,
        Bound::Relative(relative) => {
            let base = baseline.expect("a relative bound has a baseline");
            if base < min_count {
                return Verdict::Skipped;
            }
            got.count.abs_diff(base) as f64 <= relative * base as f64
        }
    };
    if holds {
        Verdict::Pass
    } else {
        Verdict::Fail
    }
}

/// The reports relative bounds are judged against: one report (from `seqsim run --format
/// json`), which serves the scenarios of its name, or reports keyed by scenario label (from
/// `seqsim check --save-baseline`).
#[derive(Clone, Debug, PartialEq)]
pub enum Baseline {
    /// One report.
    Single {
        /// The file, for messages.
        origin: String,
        /// The report.
        report: Value,
    },
    /// Reports keyed by scenario label.
    Keyed {
        /// The file, for messages.
        origin: String,
        /// The reports.
        reports: BTreeMap<String, Value>,
    },
    /// Each scenario's reports over several seeds, keyed by scenario label (from `seqsim check
    /// --save-baseline FILE --seeds N`).
    Seeded {
        /// The file, for messages.
        origin: String,
        /// The reports, one per seed.
        runs: BTreeMap<String, Vec<Value>>,
    },
}

impl Baseline {
    /// Reads baseline JSON `text`; `origin` names the file in messages.
    pub fn parse(text: &str, origin: &str) -> Result<Self, String> {
        let bad = |why: String| {
            format!("baseline file `{origin}` is not a baseline: {why}; allowed: a report from `seqsim run --format json` or a file from `seqsim check --save-baseline`")
        };
        let value: Value =
            serde_json::from_str(text).map_err(|e| bad(format!("not JSON ({e})")))?;
        let Value::Object(map) = value else {
            return Err(bad("not a JSON object".to_owned()));
        };
        let origin = origin.to_owned();
        if map.get("scenario").is_some_and(Value::is_string) {
            return Ok(Baseline::Single {
                origin,
                report: Value::Object(map),
            });
        }
        if let Some(runs) = seeded_runs(&map) {
            return Ok(Baseline::Seeded { origin, runs });
        }
        match map
            .iter()
            .find(|(_, r)| !r.get("scenario").is_some_and(Value::is_string))
        {
            Some((key, _)) => Err(bad(format!("`{key}` does not hold a report"))),
            None => Ok(Baseline::Keyed {
                origin,
                reports: map.into_iter().collect(),
            }),
        }
    }

    /// The file, as given.
    pub fn origin(&self) -> &str {
        match self {
            Baseline::Single { origin, .. }
            | Baseline::Keyed { origin, .. }
            | Baseline::Seeded { origin, .. } => origin,
        }
    }

    /// The fewest seeds of a scenario in a baseline of several seeds; `None` for a baseline of
    /// one seed.
    pub fn seeds(&self) -> Option<usize> {
        match self {
            Baseline::Seeded { runs, .. } => runs.values().map(Vec::len).min(),
            _ => None,
        }
    }

    /// The baseline reports of scenario `label`, one per seed, in a baseline of several seeds.
    fn runs_for(&self, label: &str) -> Option<&[Value]> {
        match self {
            Baseline::Seeded { runs, .. } => runs.get(label).map(Vec::as_slice),
            _ => None,
        }
    }

    /// The baseline report of scenario `label`, named `name`.
    fn report_for(&self, label: &str, name: &str) -> Option<&Value> {
        match self {
            Baseline::Single { report, .. } => (report["scenario"] == name).then_some(report),
            Baseline::Keyed { reports, .. } => reports.get(label),
            Baseline::Seeded { .. } => None,
        }
    }

    /// Why the baseline has no report for scenario `label`, named `name`.
    fn missing(&self, label: &str, name: &str) -> String {
        match self {
            Baseline::Single { origin, report } => format!(
                "baseline file `{origin}` is a report of scenario {}, not of `{label}` (scenario {name:?})",
                report["scenario"]
            ),
            Baseline::Keyed { origin, reports } => {
                let keys: Vec<&str> = reports.keys().map(String::as_str).collect();
                format!("baseline file `{origin}` has no report for `{label}`; it has: {}", keys.join(", "))
            }
            Baseline::Seeded { origin, runs } => {
                let keys: Vec<&str> = runs.keys().map(String::as_str).collect();
                format!("baseline file `{origin}` has no runs for `{label}`; it has: {}", keys.join(", "))
            }
        }
    }
}

/// The baseline file `--save-baseline` writes: every scenario's report keyed by its label, in
/// file order, as pretty JSON ending with a newline.
pub fn baseline_json(expectations: &Expectations, reports: &[Report]) -> String {
    struct Keyed<'a>(Vec<(&'a str, &'a Report)>);
    impl Serialize for Keyed<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(self.0.len()))?;
            for (label, report) in &self.0 {
                map.serialize_entry(label, report)?;
            }
            map.end()
        }
    }
    let labels = expectations.scenarios.iter().map(|s| s.label.as_str());
    let keyed = Keyed(labels.zip(reports).collect());
    let mut out = serde_json::to_string_pretty(&keyed).expect("reports always serialize");
    out.push('\n');
    out
}

/// The runs of a baseline of several seeds: every entry of `map` an object `{"seeds": [...],
/// "reports": [...]}` with two or more reports, one per seed; `None` otherwise.
fn seeded_runs(map: &serde_json::Map<String, Value>) -> Option<BTreeMap<String, Vec<Value>>> {
    if map.is_empty() {
        return None;
    }
    let runs_of = |v: &Value| {
        let seeds = v.get("seeds")?.as_array()?;
        let reports = v.get("reports")?.as_array()?;
        let all_reports = reports
            .iter()
            .all(|r| r.get("scenario").is_some_and(Value::is_string));
        (seeds.len() == reports.len() && reports.len() >= 2 && all_reports).then(|| reports.clone())
    };
    (map.iter())
        .map(|(label, v)| Some((label.clone(), runs_of(v)?)))
        .collect()
}

/// The baseline file `--save-baseline` writes with `--seeds N`: for every scenario, keyed by
/// its label (sorted), `{"seeds": [...], "reports": [one report per seed]}`, as pretty
/// JSON ending with a newline.
pub fn seeded_baseline_json(
    expectations: &Expectations,
    seeds: &[Vec<u64>],
    runs: &[Vec<Report>],
) -> String {
    let mut map = serde_json::Map::new();
    let labels = expectations.scenarios.iter().map(|s| s.label.clone());
    for ((label, seeds), reports) in labels.zip(seeds).zip(runs) {
        let reports: Vec<Value> = (reports.iter())
            .map(|r| serde_json::to_value(r).expect("reports always serialize"))
            .collect();
        map.insert(
            label,
            serde_json::json!({"seeds": seeds, "reports": reports}),
        );
    }
    let mut out = serde_json::to_string_pretty(&map).expect("JSON values serialize");
    out.push('\n');
    out
}
