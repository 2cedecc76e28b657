//! `--seeds N`: a scenario run with several seeds, and a diff's two scenarios run with each of
//! them, summed up count by count over the seeds.
//!
//! Built from the [`Report`] of each run only (no journeys): each count of the report keeps its
//! integer value per seed, in seed order, and the statistics (mean, spread, the 95% interval of
//! the mean, see [`crate::stats`]) are computed when rendered, at fixed decimals, so the same
//! runs give the same bytes. The daily series is left out: it is a per-day breakdown of one run.

pub mod diff;

use std::fmt::Write as _;

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::stats::{t_975, Summary};
use crate::table::{counted, thousands, Grid};
use crate::text;
use crate::{Counts, Format, PopulationSummary, Report};

/// A count of the report in each seed's run, in seed order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Series {
    /// What is counted.
    pub name: String,
    /// Its value in each run.
    pub values: Vec<u64>,
}

/// A group of counts: one section of the report, or its two totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The section's JSON key, as in the single report; empty for the totals, whose counts
    /// are keys of their own there.
    pub key: &'static str,
    /// Its title in a table.
    pub title: &'static str,
    /// Its counts, in the report's order.
    pub series: Vec<Series>,
}

/// Every count of `r` by group, in the report's order, each with its one value.
pub(crate) fn groups_of(r: &Report) -> Vec<Group> {
    let group = |key, title, counts: &Counts| Group {
        key,
        title,
        series: (counts.0.iter())
            .map(|(name, value)| Series {
                name: name.to_string(),
                values: vec![*value],
            })
            .collect(),
    };
    let totals = Counts::new([
        ("enrollment_attempts", r.enrollment_attempts),
        ("events", r.events),
    ]);
    vec![
        group("", "run totals", &totals),
        group("enrollment", "enrollment decision", &r.enrollment),
        group(
            "attempts_by_source",
            "attempts by source",
            &r.attempts_by_source,
        ),
        group("outcomes", "enrollment outcome", &r.outcomes),
        group(
            "send_limit_reached_by_side",
            "send limit reached by side",
            &r.send_limit_reached_by_side,
        ),
        group(
            "sequences_daily_limit",
            "sequences daily limit at enrollment",
            &r.sequences_daily_limit,
        ),
    ]
}

/// The counts of `reports` (runs of one scenario, one per seed) gathered count by count.
fn gather(reports: &[Report]) -> Vec<Group> {
    let mut groups = groups_of(&reports[0]);
    for r in &reports[1..] {
        for (group, run) in groups.iter_mut().zip(groups_of(r)) {
            assert_eq!(group.series.len(), run.series.len(), "reports of one shape");
            for (series, one) in group.series.iter_mut().zip(run.series) {
                assert_eq!(
                    series.name, one.name,
                    "reports list their counts in one order"
                );
                series.values.extend(one.values);
            }
        }
    }
    groups
}

/// `seeds` in a few words: `42 to 61` when they count up by one, else listed.
fn seed_span(seeds: &[u64]) -> String {
    let consecutive = seeds.windows(2).all(|w| w[1] == w[0].wrapping_add(1));
    match (seeds.first(), seeds.last()) {
        (Some(first), Some(last)) if consecutive => format!("{first} to {last}"),
        _ => (seeds.iter().map(u64::to_string))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// `x` at two decimals with thousands separators: `-1,234.50`; never `-0.00`.
fn fixed(x: f64) -> String {
    let text = format!("{:.2}", x.abs());
    let (int, frac) = text.split_once('.').expect("two decimals");
    let sign = if x < 0.0 && text != "0.00" { "-" } else { "" };
    let int = int
        .parse::<u64>()
        .map_or_else(|_| int.to_owned(), thousands);
    format!("{sign}{int}.{frac}")
}

/// Like [`fixed`], with a `+` on a positive value.
fn signed(x: f64) -> String {
    let text = fixed(x);
    if x > 0.0 && text != "0.00" {
        format!("+{text}")
    } else {
        text
    }
}

/// `x` rounded to two decimals for JSON: the number [`fixed`] prints.
fn json_number(x: f64) -> f64 {
    let rounded: f64 = format!("{x:.2}").parse().expect("a number");
    rounded + 0.0 // -0.0 + 0.0 is 0.0: no `-0.0` in JSON
}

/// The values as signed integers for the statistics.
fn signed_values(values: &[u64]) -> Vec<i64> {
    values
        .iter()
        .map(|&v| i64::try_from(v).expect("a count fits i64"))
        .collect()
}

/// A summary as JSON: mean, sd, the interval's ends at two decimals; min and max as integers.
struct SummaryJson(Summary);

impl Serialize for SummaryJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let s = &self.0;
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("mean", &json_number(s.mean))?;
        map.serialize_entry("sd", &json_number(s.sd))?;
        map.serialize_entry("ci95_low", &json_number(s.low))?;
        map.serialize_entry("ci95_high", &json_number(s.high))?;
        map.serialize_entry("min", &s.min)?;
        map.serialize_entry("max", &s.max)?;
        map.end()
    }
}

/// How the intervals were computed, for the JSON.
#[derive(serde::Serialize)]
struct Method {
    level: f64,
    formula: &'static str,
    n: usize,
    df: usize,
    t: f64,
}

impl Method {
    fn of(n: usize) -> Self {
        Self {
            level: 0.95,
            formula: "mean +/- t * sd / sqrt(n), sd the sample standard deviation (n - 1), t Student's 0.975 quantile at n - 1 degrees of freedom",
            n,
            df: n - 1,
            t: t_975(n as u64 - 1),
        }
    }

    /// The interval in a few words, for the tables.
    fn sentence(n: usize) -> String {
        format!(
            "95% interval of the mean (mean +/- t * sd / sqrt(n); sd: the sample standard deviation; t = {:.6}, Student's t at {} degrees of freedom)",
            t_975(n as u64 - 1),
            n - 1
        )
    }
}

/// Writes entries keyed by the groups' keys (a totals group's counts directly), each value
/// made by `value` from a group index and a count index.
fn serialize_groups<M: SerializeMap, V: Serialize>(
    map: &mut M,
    groups: &[Group],
    value: impl Fn(usize, usize) -> V,
) -> Result<(), M::Error> {
    struct Entries<'a, F>(&'a Group, F);
    impl<V: Serialize, F: Fn(usize) -> V> Serialize for Entries<'_, F> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(self.0.series.len()))?;
            for (i, series) in self.0.series.iter().enumerate() {
                map.serialize_entry(&series.name, &(self.1)(i))?;
            }
            map.end()
        }
    }
    for (g, group) in groups.iter().enumerate() {
        if group.key.is_empty() {
            for (i, series) in group.series.iter().enumerate() {
                map.serialize_entry(&series.name, &value(g, i))?;
            }
        } else {
            map.serialize_entry(group.key, &Entries(group, |i| value(g, i)))?;
        }
    }
    Ok(())
}

/// A scenario run with several seeds: every count of its report, per seed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedsReport {
    /// The scenario's name.
    pub scenario: String,
    /// The seeds, in the order of the counts' values.
    pub seeds: Vec<u64>,
    /// What validation warned about the scenario file.
    pub warnings: Vec<String>,
    /// The first simulated day.
    pub start_date: String,
    /// Simulated days.
    pub horizon_days: u32,
    /// The world's size (the same for every seed).
    pub population: PopulationSummary,
    /// The counts.
    pub groups: Vec<Group>,
}

impl SeedsReport {
    /// The counts of `reports`: the runs of one scenario, one per seed, at least two.
    pub fn new(reports: &[Report]) -> Self {
        assert!(reports.len() >= 2, "several seeds");
        let first = &reports[0];
        for r in reports {
            assert_eq!(
                (&r.scenario, &r.start_date, r.horizon_days, &r.population),
                (
                    &first.scenario,
                    &first.start_date,
                    first.horizon_days,
                    &first.population
                ),
                "seed {}: runs of one scenario",
                r.seed
            );
        }
        Self {
            scenario: first.scenario.clone(),
            seeds: reports.iter().map(|r| r.seed).collect(),
            warnings: first.warnings.clone(),
            start_date: first.start_date.clone(),
            horizon_days: first.horizon_days,
            population: first.population.clone(),
            groups: gather(reports),
        }
    }

    fn summary(&self, g: usize, i: usize) -> Summary {
        Summary::of(&signed_values(&self.groups[g].series[i].values))
    }

    /// The report in `format`, ending with a newline.
    pub fn render(&self, format: Format) -> String {
        crate::render_as(format, self, |markdown| self.render_text(markdown))
    }

    fn render_text(&self, markdown: bool) -> String {
        let n = self.seeds.len();
        let (over, headline) = (
            format!("over {n} seeds ({})", seed_span(&self.seeds)),
            format!(
                "{} in {}, {}, {} from {}",
                counted(self.population.contacts, "contact"),
                counted(self.population.portals, "portal"),
                counted(self.population.senders, "sender"),
                counted(self.horizon_days.into(), "day"),
                self.start_date,
            ),
        );
        let mut out = if markdown {
            format!("# Scenario `{}` {over}\n\n{headline}.\n", self.scenario)
        } else {
            format!("scenario {} {over}\n{headline}\n", self.scenario)
        };
        let _ = writeln!(
            out,
            "\neach count over the seeds: mean, {}, min and max.\nthe daily series is left out over several seeds: run one seed with --seed S for it.",
            Method::sentence(n)
        );
        text::warnings(&self.warnings, &mut out, markdown);
        for (g, group) in self.groups.iter().enumerate() {
            let mut grid = Grid::new(
                &[group.title, "mean", "95% low", "95% high", "min", "max"],
                1,
            );
            for (i, series) in group.series.iter().enumerate() {
                let s = self.summary(g, i);
                grid.rows.push(vec![
                    name_cell(&series.name, markdown),
                    fixed(s.mean),
                    fixed(s.low),
                    fixed(s.high),
                    thousands(s.min as u64),
                    thousands(s.max as u64),
                ]);
            }
            grid.write(&mut out, markdown);
        }
        out
    }
}

/// A count's name in a table: in backticks for Markdown.
fn name_cell(name: &str, markdown: bool) -> String {
    if markdown {
        format!("`{name}`")
    } else {
        name.to_owned()
    }
}

impl Serialize for SeedsReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("scenario", &self.scenario)?;
        map.serialize_entry("seeds", &self.seeds)?;
        if !self.warnings.is_empty() {
            map.serialize_entry("warnings", &self.warnings)?;
        }
        map.serialize_entry("start_date", &self.start_date)?;
        map.serialize_entry("horizon_days", &self.horizon_days)?;
        map.serialize_entry("population", &self.population)?;
        map.serialize_entry("interval", &Method::of(self.seeds.len()))?;
        serialize_groups(&mut map, &self.groups, |g, i| {
            SummaryJson(self.summary(g, i))
        })?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_at_two_decimals() {
        assert_eq!(fixed(1234.5), "1,234.50");
        assert_eq!(fixed(-1234.567), "-1,234.57");
        assert_eq!(fixed(-0.001), "0.00");
        assert_eq!(signed(2.0), "+2.00");
        assert_eq!(signed(0.001), "0.00");
        assert_eq!(signed(-2.0), "-2.00");
        assert_eq!(json_number(2.0 / 3.0), 0.67);
        assert_eq!(json_number(-0.001).to_string(), "0");
    }

    #[test]
    fn seeds_are_spanned_when_consecutive() {
        assert_eq!(seed_span(&[42, 43, 44]), "42 to 44");
        assert_eq!(seed_span(&[u64::MAX, 0]), format!("{} to 0", u64::MAX));
        assert_eq!(seed_span(&[5, 3]), "5, 3");
    }
}
