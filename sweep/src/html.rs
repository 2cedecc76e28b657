//! The HTML reports: self-contained pages (no script, no external resource). The sweep's has a
//! plot per chosen metric (drawn in `plot`): the metric (mean over the seeds) against the first
//! axis, a line per value of the other axes, with several seeds a band from the lowest to the
//! highest seed, and each `--target` on its metric as a dashed line. The goal search's has the
//! points it tried and the target line. Below every plot a table holds the numbers it plots.

use reports::html::{escape, head};
use scenarios::value_text;

use crate::goal::{Judge, Point, Target, Verdict};
use crate::plot::{self, Chart, Line};
use crate::{AxisHeader, Metric, Sweep};

pub use crate::plot::Series;

/// The series of `metric`: the runs grouped by the other axes' values (in grid order), each
/// point the seeds of one first-axis value. Without axes: one series of one point. A series
/// of a grid of one axis has no label.
pub fn series(sweep: &Sweep, metric: &Metric) -> Vec<Series> {
    let axes = &sweep.grid.axes;
    let seeds = sweep.grid.seeds as usize;
    let first = axes.first().map_or(1, |a| a.values.len());
    let others = sweep.grid.run_count() / seeds / first;
    (0..others)
        .map(|o| {
            let mut s = Series {
                label: other_label(axes, o),
                mean: Vec::new(),
                low: Vec::new(),
                high: Vec::new(),
            };
            for x in 0..first {
                let point = x * others + o;
                let values: Vec<f64> = (sweep.runs[point * seeds..(point + 1) * seeds].iter())
                    .map(|r| metric.value(&r.counts).as_f64())
                    .collect();
                s.mean
                    .push(values.iter().sum::<f64>() / values.len() as f64);
                s.low
                    .push(values.iter().copied().fold(f64::INFINITY, f64::min));
                s.high
                    .push(values.iter().copied().fold(f64::NEG_INFINITY, f64::max));
            }
            s
        })
        .collect()
}

/// The label of the `o`-th combination of the axes after the first (grid order), each axis by
/// its name (its label, else its path).
fn other_label(axes: &[AxisHeader], mut o: usize) -> String {
    let mut parts = Vec::new();
    for axis in axes.iter().skip(1).rev() {
        let n = axis.values.len();
        parts.push(format!(
            "{}={}",
            axis.name(),
            value_text(&axis.values()[o % n])
        ));
        o /= n;
    }
    parts.reverse();
    parts.join(", ")
}

/// The x positions of the first axis: its values when all are numbers, else 0, 1, 2... with
/// the values' text.
fn x_positions(axes: &[AxisHeader]) -> (Vec<f64>, Option<Vec<String>>) {
    let Some(axis) = axes.first() else {
        return (vec![0.0], Some(vec![String::new()]));
    };
    let values = axis.values();
    let numbers: Option<Vec<f64>> = (values.iter())
        .map(|v| v.as_integer().map(|i| i as f64).or_else(|| v.as_float()))
        .collect();
    match numbers {
        Some(xs) => (xs, None),
        None => (
            (0..values.len()).map(|i| i as f64).collect(),
            Some(values.iter().map(value_text).collect()),
        ),
    }
}

/// The numbers a plot plots: a row per x value, per line its mean and, with several seeds, its
/// lowest and highest seed.
fn table(caption: &str, x_title: &str, xs: &[String], lines: &[Series], seeds: u32) -> String {
    let spread = seeds > 1;
    let mut out = format!(
        "<table class=\"values\">\n<caption>{}</caption>\n<thead>\n<tr><th scope=\"col\"{}>{}</th>",
        escape(caption),
        if spread { " rowspan=\"2\"" } else { "" },
        escape(x_title)
    );
    for line in lines {
        out.push_str(&format!(
            "<th scope=\"colgroup\"{}>{}</th>",
            if spread { " colspan=\"3\"" } else { "" },
            escape(&line.label)
        ));
    }
    out.push_str("</tr>\n");
    if spread {
        let three = "<th scope=\"col\">mean</th><th scope=\"col\">lowest</th><th scope=\"col\">highest</th>";
        out.push_str(&format!("<tr>{}</tr>\n", three.repeat(lines.len())));
    }
    out.push_str("</thead>\n<tbody>\n");
    for (i, x) in xs.iter().enumerate() {
        out.push_str(&format!("<tr><th scope=\"row\">{}</th>", escape(x)));
        for line in lines {
            let mut cells = vec![line.mean[i]];
            if spread {
                cells.extend([line.low[i], line.high[i]]);
            }
            for v in cells {
                out.push_str(&format!("<td>{}</td>", plot::number(v)));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// What several seeds make of a line and a band, for legends.
fn seed_texts(seeds: u32) -> (String, String) {
    (
        format!("mean of {seeds} seeds"),
        format!("lowest to highest of {seeds} seeds"),
    )
}

/// The sweep page's list of what was swept.
fn sweep_summary(sweep: &Sweep) -> String {
    let grid = &sweep.grid;
    let mut out = format!(
        "<h1>Sweep of <code>{}</code></h1>\n<ul>\n",
        escape(&grid.scenario)
    );
    for axis in &grid.axes {
        let values: Vec<String> = axis.values().iter().map(value_text).collect();
        let label = (axis.label.as_deref()).map_or(String::new(), |l| format!(" ({})", escape(l)));
        out.push_str(&format!(
            "<li><code>{}</code>{label}: {}</li>\n",
            escape(&axis.path),
            escape(&values.join(", "))
        ));
    }
    out.push_str(&format!(
        "<li>{} seed{} a point; {} runs",
        grid.seeds,
        if grid.seeds == 1 { "" } else { "s" },
        grid.run_count()
    ));
    if grid.seeds > 1 {
        out.push_str("; lines are the mean over the seeds, bands the lowest to the highest seed");
    }
    out.push_str("</li>\n");
    for target in grid.targets() {
        out.push_str(&format!(
            "<li>target <code>{}</code>: the dashed line</li>\n",
            escape(&target.spelled())
        ));
    }
    if !grid.overrides.is_empty() {
        out.push_str(&format!(
            "<li>with --set <code>{}</code></li>\n",
            escape(&grid.overrides.join(" "))
        ));
    }
    out.push_str("</ul>\n");
    out
}

/// One metric's figure: the plot, with its targets, and the table of its numbers.
fn figure(sweep: &Sweep, metric: &Metric, targets: &[Target]) -> String {
    let grid = &sweep.grid;
    let x_title = grid.axes.first().map_or(String::new(), AxisHeader::title);
    let (xs, ticks) = x_positions(&grid.axes);
    let (mean_text, band) = seed_texts(grid.seeds);
    let mut lines = series(sweep, metric);
    for line in lines.iter_mut().filter(|l| l.label.is_empty()) {
        line.label = if grid.seeds > 1 {
            mean_text.clone()
        } else {
            metric.name.clone()
        };
    }
    let mine: Vec<&Target> = (targets.iter())
        .filter(|t| t.metric.name == metric.name)
        .collect();
    let drawn: Vec<Line> = (mine.iter())
        .map(|t| Line {
            y: t.bound,
            text: t.legend(),
        })
        .collect();
    let svg = plot::svg(&Chart {
        title: &metric.name,
        x_title: &x_title,
        y_title: &metric.axis_title(),
        xs: &xs,
        x_ticks: ticks.as_deref(),
        series: &lines,
        targets: &drawn,
        band: &band,
    });
    let x_text: Vec<String> = (grid.axes.first()).map_or(vec![String::new()], |a| {
        a.values().iter().map(value_text).collect()
    });
    let mut caption = format!("{}, {}", metric.name, metric.unit());
    for t in &mine {
        caption.push_str(&format!("; {} (the dashed line)", t.legend()));
    }
    format!(
        "<figure class=\"plot\">\n<figcaption>{}</figcaption>\n{}\n</figure>\n{}",
        escape(&metric.name),
        svg.trim_end(),
        table(&caption, &x_title, &x_text, &lines, grid.seeds)
    )
}

/// The sweep's page.
pub fn render(sweep: &Sweep) -> String {
    let grid = &sweep.grid;
    let mut out = head(&format!("seqsim sweep: {}", grid.scenario));
    out.push_str(&sweep_summary(sweep));
    let targets = grid.targets();
    for name in &grid.plots {
        let metric = Metric::parse(name, &grid.counts).expect("checked when prepared");
        out.push_str(&figure(sweep, &metric, &targets));
    }
    out.push_str(reports::html::TAIL);
    out
}

/// What a goal search's page shows.
pub struct GoalPage<'a> {
    /// The scenario's name.
    pub scenario: &'a str,
    /// The key searched, with its label if given.
    pub axis: &'a AxisHeader,
    /// The range searched.
    pub range: (i64, i64),
    /// The target.
    pub target: &'a Target,
    /// Seeds a value.
    pub seeds: u32,
    /// How a value's seeds were judged.
    pub judge: Judge,
    /// Whether the search was for the largest value.
    pub maximize: bool,
    /// How it ended.
    pub verdict: &'a Verdict,
    /// Every point tried, in the order tried.
    pub tried: &'a [Point],
}

/// How a goal search ended, in words.
pub fn verdict_text(path: &str, verdict: &Verdict) -> String {
    match verdict {
        Verdict::Found(x) => format!("answer: {path} = {x}"),
        Verdict::NoBracket(why) | Verdict::NonMonotone(why) => format!("no answer: {why}"),
    }
}

/// The goal search's page: the points tried (mean over the seeds) against the key, the target
/// as a dashed line, and the table of the points in the order tried.
pub fn goal(page: &GoalPage) -> String {
    let (path, target) = (&page.axis.path, page.target);
    let mut out = head(&format!("seqsim goal: {}", page.scenario));
    out.push_str(&format!(
        "<h1>Goal search on <code>{}</code></h1>\n<ul>\n<li>target <code>{}</code>{}</li>\n",
        escape(page.scenario),
        escape(&target.described()),
        escape(&format!(
            ", judged on {}",
            page.judge.text(target.op, page.seeds)
        ))
    ));
    out.push_str(&format!(
        "<li>the {} value of <code>{}</code> in {}..{} meeting it</li>\n<li><strong>{}</strong></li>\n</ul>\n",
        if page.maximize { "largest" } else { "smallest" },
        escape(path),
        page.range.0,
        page.range.1,
        escape(&verdict_text(path, page.verdict))
    ));
    let mut sorted = page.tried.to_vec();
    sorted.sort_by_key(|p| p.x);
    let xs: Vec<f64> = sorted.iter().map(|p| p.x as f64).collect();
    let means: Vec<f64> = sorted.iter().map(|p| p.mean).collect();
    let end = |pick: fn((f64, f64)) -> f64| -> Vec<f64> {
        (sorted.iter())
            .map(|p| p.interval.map_or(p.mean, pick))
            .collect()
    };
    let label = if page.seeds > 1 {
        seed_texts(page.seeds).0
    } else {
        target.metric.name.clone()
    };
    let line = Series {
        label,
        mean: means,
        low: end(|(low, _)| low),
        high: end(|(_, high)| high),
    };
    let drawn = [Line {
        y: target.bound,
        text: target.legend(),
    }];
    let x_title = page.axis.title();
    let svg = plot::svg(&Chart {
        title: &format!("{} at the values tried", target.metric.name),
        x_title: &x_title,
        y_title: &target.metric.axis_title(),
        xs: &xs,
        x_ticks: None,
        series: std::slice::from_ref(&line),
        targets: &drawn,
        band: if page.seeds > 1 {
            "95% interval of the mean"
        } else {
            ""
        },
    });
    out.push_str(&format!(
        "<figure class=\"plot\">\n<figcaption>{}</figcaption>\n{}\n</figure>\n",
        escape(&target.metric.name),
        svg.trim_end()
    ));
    out.push_str(&goal_table(page, &x_title));
    out.push_str(reports::html::TAIL);
    out
}

/// The goal page's table: every point in the order tried, its mean (and with several seeds
/// its 95% interval) and verdict.
fn goal_table(page: &GoalPage, x_title: &str) -> String {
    let several = page.seeds > 1;
    let interval_head = if several {
        "<th scope=\"col\">95% low</th><th scope=\"col\">95% high</th>"
    } else {
        ""
    };
    let mut out = format!(
        "<table class=\"values\">\n<caption>The points tried, in order; {}, {}</caption>\n<thead>\n<tr><th scope=\"col\">#</th><th scope=\"col\">{}</th><th scope=\"col\">{} (mean)</th>{interval_head}<th scope=\"col\">verdict</th></tr>\n</thead>\n<tbody>\n",
        escape(&page.target.metric.name),
        escape(&page.target.metric.unit()),
        escape(x_title),
        escape(&page.target.metric.name)
    );
    for (i, p) in page.tried.iter().enumerate() {
        let interval = p.interval.map_or(String::new(), |(low, high)| {
            format!(
                "<td>{}</td><td>{}</td>",
                plot::number(low),
                plot::number(high)
            )
        });
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td>{interval}<td>{}</td></tr>\n",
            i + 1,
            p.x,
            plot::number(p.mean),
            if p.holds { "holds" } else { "fails" }
        ));
    }
    out.push_str("</tbody>\n</table>\n");
    out
}
