//! One `[[scenario.expect]]` checked: its count path and its bounds, every problem reported.

use super::{Bound, Checker, CountPath, Expectation, RawExpect};
use crate::key::{field, Key};

impl Checker<'_> {
    /// The expectation at `at`; `scenario` is its scenario when that could be loaded (its
    /// count path is checked against it).
    pub(super) fn expect(
        &mut self,
        at: Key,
        raw: &RawExpect,
        scenario: Option<&sim::Scenario>,
    ) -> Option<Expectation> {
        let count = match field!(at, raw.count) {
            (key, None) => {
                let (parent, name) = key.parent_and_name();
                let message = format!("required key `{name}` is missing here; allowed: a count of the report, such as \"outcomes.BOUNCED\"");
                self.problem(parent, message);
                None
            }
            // Without its scenario, a count cannot be checked against its rule set.
            (_, Some(_)) if scenario.is_none() => None,
            (key, Some(text)) => match CountPath::parse(text, scenario?) {
                Ok(path) => Some(path),
                Err(message) => {
                    self.problem(key, message);
                    None
                }
            },
        };
        let bounds = self.bounds(&at, raw, count.as_ref());
        let min_count = match field!(at, raw.min_count) {
            (_, None) => 0,
            (key, Some(n)) if *n < 0 => {
                self.problem(
                    key,
                    format!("{n} is out of range; allowed: a whole number from 0"),
                );
                0
            }
            (key, Some(n)) => {
                if raw.relative.is_none() {
                    self.problem(key, "min_count applies to a `relative` bound, and this expectation has none; add `relative` or remove `min_count`");
                }
                *n as u64
            }
        };
        Some(Expectation {
            key: at.to_string(),
            count_text: raw.count.clone()?,
            count: count?,
            bounds: bounds?,
            min_count,
        })
    }

    /// The bounds of `raw`, in the order of [`Bound`]; `None` after a problem.
    fn bounds(
        &mut self,
        at: &Key,
        raw: &RawExpect,
        count: Option<&CountPath>,
    ) -> Option<Vec<Bound>> {
        let before = self.problems.len();
        let min = self.whole(field!(at, raw.min));
        let max = self.whole(field!(at, raw.max));
        if let (Some(lo), Some(hi)) = (min, max) {
            if lo > hi {
                self.problem(
                    at.field("max"),
                    format!("max {hi} is below min {lo}: no count can hold; allowed: max >= min"),
                );
            }
        }
        let share_min = self.share(field!(at, raw.share_min), count);
        let share_max = self.share(field!(at, raw.share_max), count);
        if let (Some(lo), Some(hi)) = (share_min, share_max) {
            if lo > hi {
                self.problem(at.field("share_max"), format!("share_max {hi} is below share_min {lo}: no share can hold; allowed: share_max >= share_min"));
            }
        }
        let relative = match field!(at, raw.relative) {
            (_, None) => None,
            (key, Some(r)) if !(r.is_finite() && *r >= 0.0) => {
                self.problem(
                    key,
                    format!("{r} is not a relative move; allowed: a number from 0 (0.1 is 10%)"),
                );
                None
            }
            (key, Some(r)) => {
                if !self.baseline {
                    self.problem(key, "a relative bound needs a baseline; give --baseline FILE (a report from `seqsim run --format json` or `seqsim check --save-baseline`) or --save-baseline FILE");
                }
                Some(*r)
            }
        };
        let bounds: Vec<Bound> = [
            min.map(Bound::Min),
            max.map(Bound::Max),
            share_min.map(Bound::ShareMin),
            share_max.map(Bound::ShareMax),
            relative.map(Bound::Relative),
        ]
        .into_iter()
        .flatten()
        .collect();
        if bounds.is_empty() && self.problems.len() == before {
            self.problem(
                at.clone(),
                "no bound; allowed: min, max, share_min, share_max, relative (with a baseline)",
            );
        }
        (self.problems.len() == before).then_some(bounds)
    }

    /// A count bound: a whole number from 0.
    fn whole(&mut self, (key, value): (Key, &Option<i64>)) -> Option<u64> {
        match value {
            Some(n) if *n < 0 => {
                self.problem(
                    key,
                    format!("{n} is out of range; allowed: a whole number from 0"),
                );
                None
            }
            n => n.map(|n| n as u64),
        }
    }

    /// A share bound: a number from 0 to 1, on a count that has a section total.
    fn share(
        &mut self,
        (key, value): (Key, &Option<f64>),
        count: Option<&CountPath>,
    ) -> Option<f64> {
        let share = (*value)?;
        if !(0.0..=1.0).contains(&share) {
            self.problem(
                key,
                format!("{share} is not a share; allowed: a number from 0 to 1"),
            );
            return None;
        }
        if matches!(count, Some(c) if c.section().is_none()) {
            self.problem(key, "a share needs a count of a section (enrollment, outcomes, attempts_by_source, send_limit_reached_by_side, sequences_daily_limit); use min or max here");
            return None;
        }
        Some(share)
    }
}
