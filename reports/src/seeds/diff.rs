//! `seqsim diff --seeds N`: the same pair of runs (before, after) for each of N seeds, and per
//! count the change (after - before) over the seeds: its mean, its 95% interval, and whether
//! that interval leaves out 0, that is whether the change exceeds seed-to-seed noise.
//!
//! The change is paired: both runs of one seed share their world, so the interval is that of the
//! per-seed differences, not of two independent means.

use std::fmt::Write as _;

use serde::ser::{Serialize, SerializeMap, Serializer};
use sim::Scenario;

use super::{
    fixed, gather, json_number, name_cell, seed_span, serialize_groups, signed, Group, Method,
    Series, SummaryJson,
};
use crate::stats::{mean, Summary};
use crate::table::{counted, Grid};
use crate::{Format, Report};

/// One scenario of the diff.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Side {
    /// The scenario's name.
    pub scenario: String,
    /// Its rule order.
    pub rules: Vec<String>,
}

impl Side {
    fn of(scenario: &Scenario) -> Self {
        Self {
            scenario: scenario.name.clone(),
            rules: (scenario.rules.order().iter())
                .map(|&c| scenario.rules.check_name(c).to_owned())
                .collect(),
        }
    }
}

/// One count of [`SeedsDiff::rows`].
#[derive(Clone, Debug, PartialEq)]
pub struct SeedsRow {
    /// Its group's title (`enrollment decision`, ...).
    pub group: &'static str,
    /// What is counted.
    pub name: String,
    /// The mean before.
    pub before: f64,
    /// The mean after.
    pub after: f64,
    /// The change (after - before) seed by seed, summarized.
    pub change: Summary,
}

/// One count before and after, over the seeds.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Change {
    before: f64,
    after: f64,
    change: Summary,
}

impl Serialize for Change {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("before_mean", &json_number(self.before))?;
        map.serialize_entry("after_mean", &json_number(self.after))?;
        map.serialize_entry("change", &SummaryJson(self.change))?;
        map.serialize_entry("beyond_noise", &self.change.excludes_zero())?;
        map.end()
    }
}

/// Two scenarios run with each of several seeds, count by count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedsDiff {
    /// The first scenario.
    pub before: Side,
    /// The second.
    pub after: Side,
    /// The seeds, each used by one run of each scenario.
    pub seeds: Vec<u64>,
    /// The counts of the first scenario's runs.
    pub before_counts: Vec<Group>,
    /// The counts of the second's, in the same order.
    pub after_counts: Vec<Group>,
}

impl SeedsDiff {
    /// Compares the runs of `before` and `after`: one report per seed each, the same seeds in
    /// the same order, at least two.
    pub fn new(before: (&Scenario, &[Report]), after: (&Scenario, &[Report])) -> Self {
        let seeds: Vec<u64> = before.1.iter().map(|r| r.seed).collect();
        let after_seeds: Vec<u64> = after.1.iter().map(|r| r.seed).collect();
        assert_eq!(seeds, after_seeds, "one pair of runs per seed");
        assert!(seeds.len() >= 2, "several seeds");
        let (mut before_counts, mut after_counts) = (gather(before.1), gather(after.1));
        for (b, a) in before_counts.iter_mut().zip(&mut after_counts) {
            assert_eq!(b.key, a.key, "reports list their groups in one order");
            align(b, a, seeds.len());
        }
        assert!(
            (before_counts.iter().zip(&after_counts)).all(|(b, a)| (b.series.iter())
                .map(|s| &s.name)
                .eq(a.series.iter().map(|s| &s.name))),
            "aligned groups name the same counts in the same order"
        );
        Self {
            before: Side::of(before.0),
            after: Side::of(after.0),
            seeds,
            before_counts,
            after_counts,
        }
    }

    /// Count `i` of group `g`: before, after and the change, over the seeds.
    fn change(&self, g: usize, i: usize) -> Change {
        let values = |groups: &[Group]| -> Vec<i64> {
            (groups[g].series[i].values.iter())
                .map(|&v| i64::try_from(v).expect("a count fits i64"))
                .collect()
        };
        let (b, a) = (values(&self.before_counts), values(&self.after_counts));
        let changes: Vec<i64> = a.iter().zip(&b).map(|(a, b)| a - b).collect();
        Change {
            before: mean(&b),
            after: mean(&a),
            change: Summary::of(&changes),
        }
    }

    /// Every count that is not 0 in every run, group by group in the report's order: its
    /// group's title, its name, and its means before and after and its paired change.
    pub fn rows(&self) -> Vec<SeedsRow> {
        (self.indices())
            .filter(|&(g, i)| {
                let (b, a) = (
                    &self.before_counts[g].series[i],
                    &self.after_counts[g].series[i],
                );
                b.values.iter().chain(&a.values).any(|&v| v > 0)
            })
            .map(|(g, i)| {
                let c = self.change(g, i);
                SeedsRow {
                    group: self.before_counts[g].title,
                    name: self.before_counts[g].series[i].name.clone(),
                    before: c.before,
                    after: c.after,
                    change: c.change,
                }
            })
            .collect()
    }

    /// Every (group, count) index pair.
    fn indices(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (self.before_counts.iter().enumerate())
            .flat_map(|(g, group)| (0..group.series.len()).map(move |i| (g, i)))
    }

    /// How many counts changed beyond seed-to-seed noise, of how many.
    fn beyond_noise(&self) -> (usize, usize) {
        let changes: Vec<Change> = self.indices().map(|(g, i)| self.change(g, i)).collect();
        let beyond = changes.iter().filter(|c| c.change.excludes_zero()).count();
        (beyond, changes.len())
    }

    /// The diff in `format`, ending with a newline.
    pub fn render(&self, format: Format) -> String {
        crate::render_as(format, self, |markdown| self.render_text(markdown))
    }

    fn render_text(&self, markdown: bool) -> String {
        let n = self.seeds.len();
        let (beyond, counts) = self.beyond_noise();
        let title = format!(
            "{} (before) against {} (after), {n} seeds ({}): {} of {counts} changed beyond seed-to-seed noise",
            self.before.scenario,
            self.after.scenario,
            seed_span(&self.seeds),
            counted(beyond as u64, "count"),
        );
        let mut out = if markdown {
            format!("# Diff: {title}\n")
        } else {
            format!("diff: {title}\n")
        };
        if self.before.rules != self.after.rules {
            let _ = writeln!(out, "\nrule order before: {}", self.before.rules.join(", "));
            let _ = writeln!(out, "rule order after:  {}", self.after.rules.join(", "));
        }
        let _ = writeln!(
            out,
            "\nchange: after - before in each seed's pair of runs; its mean over the seeds and its {}.\nbeyond noise: the interval leaves out 0. Counts that are 0 in every run are left out.",
            Method::sentence(n)
        );
        self.write_groups(&mut out, markdown);
        out
    }

    /// One table per group, without the counts that are 0 in every run.
    fn write_groups(&self, out: &mut String, markdown: bool) {
        for (g, group) in self.before_counts.iter().enumerate() {
            let header = [
                group.title,
                "before",
                "after",
                "change",
                "95% low",
                "95% high",
                "beyond noise",
            ];
            let mut grid = Grid::new(&header, 1);
            for (i, series) in group.series.iter().enumerate() {
                let after = &self.after_counts[g].series[i];
                if series.values.iter().chain(&after.values).all(|&v| v == 0) {
                    continue;
                }
                let c = self.change(g, i);
                grid.rows.push(vec![
                    name_cell(&series.name, markdown),
                    fixed(c.before),
                    fixed(c.after),
                    signed(c.change.mean),
                    signed(c.change.low),
                    signed(c.change.high),
                    if c.change.excludes_zero() { "yes" } else { "" }.to_owned(),
                ]);
            }
            grid.write(out, markdown);
        }
    }
}

/// Gives `before` and `after` (one group of each side, `n` seeds) the union of their counts, in
/// one order: `before`'s, then the counts only `after` has, in its order. A count one side does
/// not have (a guard's code that only the other rule set declares) is 0 in each of its runs.
fn align(before: &mut Group, after: &mut Group, n: usize) {
    let union: Vec<String> = (before.series.iter().map(|s| s.name.clone()))
        .chain(
            (after.series.iter())
                .filter(|a| !before.series.iter().any(|b| b.name == a.name))
                .map(|a| a.name.clone()),
        )
        .collect();
    for group in [before, after] {
        let mut old = std::mem::take(&mut group.series);
        group.series = (union.iter())
            .map(|name| match old.iter().position(|s| s.name == *name) {
                Some(i) => old.swap_remove(i),
                None => Series {
                    name: name.clone(),
                    values: vec![0; n],
                },
            })
            .collect();
        assert!(old.is_empty(), "every count of a side is in the union");
    }
}

impl Serialize for SeedsDiff {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("before", &self.before)?;
        map.serialize_entry("after", &self.after)?;
        map.serialize_entry("seeds", &self.seeds)?;
        map.serialize_entry("interval", &Method::of(self.seeds.len()))?;
        map.serialize_entry("changes_beyond_noise", &self.beyond_noise().0)?;
        serialize_groups(&mut map, &self.before_counts, |g, i| self.change(g, i))?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(names: &[(&str, [u64; 2])]) -> Group {
        Group {
            key: "enrollment",
            title: "enrollment decision",
            series: (names.iter())
                .map(|&(name, values)| Series {
                    name: name.to_owned(),
                    values: values.to_vec(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_code_on_one_side_only_counts_zero_on_the_other() {
        // Worked by hand: before has a guard GUARD_B, after guards GUARD_A and GUARD_C.
        let mut before = group(&[("ENROLLED", [9, 8]), ("GUARD_B", [1, 2])]);
        let mut after = group(&[
            ("ENROLLED", [7, 7]),
            ("GUARD_A", [3, 0]),
            ("GUARD_C", [0, 1]),
        ]);
        align(&mut before, &mut after, 2);
        let expected_before = group(&[
            ("ENROLLED", [9, 8]),
            ("GUARD_B", [1, 2]),
            ("GUARD_A", [0, 0]),
            ("GUARD_C", [0, 0]),
        ]);
        let expected_after = group(&[
            ("ENROLLED", [7, 7]),
            ("GUARD_B", [0, 0]),
            ("GUARD_A", [3, 0]),
            ("GUARD_C", [0, 1]),
        ]);
        assert_eq!((before, after), (expected_before, expected_after));
    }
}
