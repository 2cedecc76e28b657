//! Parameter sweeps and goal search over scenarios (`seqsim sweep`, `seqsim goal`,
//! `seqsim merge`).
//!
//! A sweep runs a scenario over a grid: the cartesian product of its `--vary` axes (each a key
//! path and its values, put in place with `--set`'s machinery before validation), times
//! `--seeds` seeds. Every run's report is reduced to its counts (integers, named by
//! `seqsim check`'s count paths); the metrics (a count, or its share of its section) are
//! computed from them when written. This crate holds the pure parts, each tested by hand: the
//! axes (`axis`), the grid and its shards (`grid`), metrics (`metric`) and their units, the
//! outputs (tidy CSV and JSON lines here, the HTML reports in `html`, each plot an SVG drawn by
//! plotters in `plot`), the plots' names for the keys (`label`), shard files and their merge
//! (`shard`), and the goal search's targets, bisection and monotonicity check (`goal`). Running
//! is [`run`]: one rayon pool over the runs (`sim::run_many`).

pub mod axis;
pub mod goal;
pub mod grid;
pub mod html;
pub mod label;
pub mod metric;
pub mod plot;
pub mod shard;

use scenarios::{parse_value, value_text, Setting};
use serde::{Deserialize, Serialize};

pub use axis::Axis;
pub use metric::{Metric, Value};

/// What a sweep is: the scenario, the axes, the seeds, the counts kept and the metrics
/// written. Shard files carry it, so that a merge writes what the sweep would.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grid {
    /// The scenario's name.
    pub scenario: String,
    /// SHA-256 of its file.
    pub scenario_sha256: Option<String>,
    /// The `--set` overrides applied to every run, as given.
    pub overrides: Vec<String>,
    /// The axes, in `--vary` order.
    pub axes: Vec<AxisHeader>,
    /// Seeds per grid point (each point's seed, then each next integer).
    pub seeds: u32,
    /// The count paths kept per run, in report order.
    pub counts: Vec<String>,
    /// The metrics written, in order.
    pub metrics: Vec<String>,
    /// The metrics plotted in the HTML report.
    pub plots: Vec<String>,
    /// The `--target`s drawn on their metrics' plots, as [`goal::Target::text`] writes them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
}

/// One axis as a shard file records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AxisHeader {
    /// The key path.
    pub path: String,
    /// Its values, in TOML's spelling (`48`, `0.5`, `"professional"`).
    pub values: Vec<String>,
    /// Its `--label`, the name plots give it (`reps`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl AxisHeader {
    /// The header of `axis`.
    pub fn of(axis: &Axis) -> Self {
        Self {
            path: axis.path.clone(),
            values: axis.values.iter().map(toml::Value::to_string).collect(),
            label: None,
        }
    }

    /// The name legends give the key: its label, else its path.
    pub fn name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.path)
    }

    /// The title of an axis of the key: its label and path (`reps (senders[0].count)`), or the
    /// path alone.
    pub fn title(&self) -> String {
        match &self.label {
            Some(label) => format!("{label} ({})", self.path),
            None => self.path.clone(),
        }
    }

    /// The values.
    pub fn values(&self) -> Vec<toml::Value> {
        self.values.iter().map(|v| parse_value(v)).collect()
    }
}

/// One run's counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRow {
    /// Its number in grid order.
    pub run: usize,
    /// The seed it ran with.
    pub seed: u64,
    /// Its counts, in the order of [`Grid::counts`].
    pub counts: Vec<u64>,
}

/// A finished sweep: the grid and every run, in run order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sweep {
    /// What was swept.
    pub grid: Grid,
    /// Every run, `runs[k].run == k`.
    pub runs: Vec<RunRow>,
}

/// A sweep ready to run: its grid and each run's scenario (seed included), in run order.
pub struct Prepared {
    /// What is swept.
    pub grid: Grid,
    /// The scenario of run `k`.
    pub scenarios: Vec<sim::Scenario>,
}

/// Builds the sweep of `axes` × `seeds`: `load` gives the scenario with the settings of one
/// grid point (the base `--set`s are the caller's). Every grid point is validated before any
/// runs; metrics and plots are checked against the scenario's counts.
pub fn prepare(
    load: impl Fn(&[Setting]) -> Result<sim::Scenario, String>,
    axes: &[Axis],
    seeds: u32,
    metrics: &[String],
    plots: &[String],
) -> Result<Prepared, String> {
    let lens: Vec<usize> = axes.iter().map(|a| a.values.len()).collect();
    if grid::run_count(&lens, seeds as usize).is_none() {
        return Err(format!(
            "the grid has more than {} runs; allowed: fewer --vary values or --seeds",
            grid::MAX_RUNS
        ));
    }
    let mut scenarios = Vec::new();
    let mut names: Option<Vec<String>> = None;
    for point in grid::points(&lens) {
        let settings: Vec<Setting> = (axes.iter().zip(&point))
            .map(|(a, &i)| a.setting(i))
            .collect();
        let scenario = load(&settings).map_err(|e| {
            let shown: Vec<String> = settings.iter().map(Setting::to_string).collect();
            format!("grid point {}: {e}", shown.join(" "))
        })?;
        let these = metric::count_names(&scenario);
        if names.as_ref().is_some_and(|n| *n != these) {
            return Err(format!("grid point {:?} gives reports with other counts than the first point (a --vary changes the rule set's codes); allowed: axes that keep the rule set", point));
        }
        names = Some(these);
        for seed in sim::seeds_from(scenario.seed, seeds) {
            scenarios.push(sim::Scenario {
                seed,
                ..scenario.clone()
            });
        }
    }
    let first = scenarios.first().ok_or("the grid is empty")?;
    let counts = names.expect("a point");
    let metrics = resolve(
        metrics,
        &counts,
        metric::default_metrics(&counts),
        "--metric",
    )?;
    let plots = resolve(plots, &counts, metrics.clone(), "--plot")?;
    let grid = Grid {
        scenario: first.name.clone(),
        scenario_sha256: first.source_sha256.clone(),
        overrides: (first.overrides.iter())
            .take(first.overrides.len() - axes.len())
            .cloned()
            .collect(),
        axes: axes.iter().map(AxisHeader::of).collect(),
        seeds,
        counts,
        metrics,
        plots,
        targets: Vec::new(),
    };
    Ok(Prepared { grid, scenarios })
}

/// The metric names `given` (or `default` when none), resolved to their full names.
fn resolve(
    given: &[String],
    counts: &[String],
    default: Vec<String>,
    flag: &str,
) -> Result<Vec<String>, String> {
    if given.is_empty() {
        return Ok(default);
    }
    (given.iter())
        .map(|m| {
            Metric::parse(m, counts)
                .map(|m| m.name)
                .map_err(|e| format!("{flag} {e}"))
        })
        .collect()
}

/// Runs the runs `which` (run numbers) of `prepared` on one pool of `threads` workers (0: one
/// per core), calling `done` after each; the rows come back in the order of `which`. A CEL
/// check that fails to evaluate in a run is the error (its [`sim::RuleError::describe`]),
/// the first in run order.
pub fn run(
    prepared: &Prepared,
    which: &[usize],
    threads: usize,
    done: &(dyn Fn() + Sync),
) -> Result<Vec<RunRow>, String> {
    let scenarios: Vec<sim::Scenario> = which
        .iter()
        .map(|&k| prepared.scenarios[k].clone())
        .collect();
    let options = sim::RunOptions {
        threads,
        ..sim::RunOptions::default()
    };
    let names = &prepared.grid.counts;
    let rows = sim::run_many(&scenarios, &options, |i, scenario, result| {
        done();
        if let Some(e) = &result.rule_error {
            return Err(e.describe(scenario));
        }
        let report = reports::Report::new(scenario, &result);
        Ok(RunRow {
            run: which[i],
            seed: scenario.seed,
            counts: metric::counts(&report, names),
        })
    });
    rows.into_iter().collect()
}

impl Grid {
    /// The metrics, parsed.
    pub fn metrics(&self) -> Vec<Metric> {
        (self.metrics.iter())
            .map(|m| Metric::parse(m, &self.counts).expect("checked when prepared"))
            .collect()
    }

    /// The targets, parsed.
    pub fn targets(&self) -> Vec<goal::Target> {
        (self.targets.iter())
            .map(|t| goal::Target::parse(t, &self.counts).expect("checked when presented"))
            .collect()
    }

    /// Puts the HTML report's presentation in place: the `--label` arguments `labels` (each
    /// over the label its key had) and the `--target` arguments `targets` (added to the
    /// grid's; a target's metric joins the metrics and the plots when missing). Errors name the
    /// option and what is allowed.
    pub fn present(&mut self, labels: &[String], targets: &[String]) -> Result<(), String> {
        let paths: Vec<&str> = self.axes.iter().map(|a| a.path.as_str()).collect();
        let given = label::labels(labels, &paths)?;
        for (axis, text) in self.axes.iter_mut().zip(given) {
            if text.is_some() {
                axis.label = text;
            }
        }
        for text in targets {
            let target = goal::Target::parse(text, &self.counts)?;
            for list in [&mut self.metrics, &mut self.plots] {
                if !list.contains(&target.metric.name) {
                    list.push(target.metric.name.clone());
                }
            }
            self.targets.push(target.text());
        }
        Ok(())
    }

    /// How many runs the grid makes.
    pub fn run_count(&self) -> usize {
        self.axes.iter().map(|a| a.values.len()).product::<usize>() * self.seeds as usize
    }

    /// The index of every axis's value at the grid point of each run, in run order.
    fn run_points(&self) -> Vec<Vec<usize>> {
        let lens: Vec<usize> = self.axes.iter().map(|a| a.values.len()).collect();
        (grid::points(&lens).into_iter())
            .flat_map(|p| std::iter::repeat_n(p, self.seeds as usize))
            .collect()
    }
}

use reports::csv::cell as csv_cell;

/// A TOML value as a JSON token: numbers, booleans and strings as themselves, anything else
/// as its TOML text in a string.
fn json_token(value: &toml::Value) -> String {
    match value {
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) if f.is_finite() => serde_json::to_string(f).expect("a number"),
        toml::Value::Boolean(b) => b.to_string(),
        other => serde_json::to_string(&value_text(other)).expect("a string"),
    }
}

impl Sweep {
    /// Each row of the tidy tables: the run's axis values, its seed, the metric and its value;
    /// in run order, then metric order.
    fn rows(&self) -> Vec<(Vec<toml::Value>, u64, &str, Value)> {
        let metrics = self.grid.metrics();
        let values: Vec<Vec<toml::Value>> = self.grid.axes.iter().map(AxisHeader::values).collect();
        let points = self.grid.run_points();
        let mut rows = Vec::with_capacity(self.runs.len() * metrics.len());
        for run in &self.runs {
            let at: Vec<toml::Value> = (points[run.run].iter().enumerate())
                .map(|(a, &i)| values[a][i].clone())
                .collect();
            for (m, name) in metrics.iter().zip(&self.grid.metrics) {
                rows.push((at.clone(), run.seed, name.as_str(), m.value(&run.counts)));
            }
        }
        rows
    }

    /// The tidy CSV: a header, then a row per (run, metric).
    pub fn csv(&self) -> String {
        let mut head: Vec<String> = self.grid.axes.iter().map(|a| csv_cell(&a.path)).collect();
        head.extend(["seed", "metric", "value"].map(str::to_owned));
        let mut out = head.join(",") + "\n";
        for (at, seed, metric, value) in self.rows() {
            let mut cells: Vec<String> = at.iter().map(|v| csv_cell(&value_text(v))).collect();
            cells.extend([seed.to_string(), csv_cell(metric), value.text()]);
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }

    /// JSON lines: an object per (run, metric), keys in the CSV's column order.
    pub fn jsonl(&self) -> String {
        let mut out = String::new();
        for (at, seed, metric, value) in self.rows() {
            let mut fields: Vec<String> = (self.grid.axes.iter().zip(&at))
                .map(|(a, v)| {
                    format!(
                        "{}:{}",
                        json_token(&toml::Value::String(a.path.clone())),
                        json_token(v)
                    )
                })
                .collect();
            fields.push(format!("\"seed\":{seed}"));
            fields.push(format!(
                "\"metric\":{}",
                serde_json::to_string(metric).expect("a string")
            ));
            fields.push(format!("\"value\":{}", value.text()));
            out.push_str(&format!("{{{}}}\n", fields.join(",")));
        }
        out
    }
}

#[cfg(test)]
mod tests;
