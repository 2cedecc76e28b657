//! The sweep's HTML report: one self-contained page (no script, no external resource), a plot
//! per chosen metric drawn by plotters' SVG backend: the metric (mean over the seeds) against
//! the first axis, a line per value of the other axes, and with several seeds a band from the
//! lowest to the highest seed.

use plotters::prelude::*;

use crate::{AxisHeader, Metric, Sweep};

/// A plot's size in pixels.
pub const PLOT_SIZE: (u32, u32) = (720, 360);

/// One line of a plot: its label, and per first-axis value the mean, lowest and highest over
/// the seeds.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The other axes' values (`senders[1].count=8`), or the metric's name without them.
    pub label: String,
    /// Mean per first-axis value.
    pub mean: Vec<f64>,
    /// Lowest seed per first-axis value.
    pub low: Vec<f64>,
    /// Highest seed per first-axis value.
    pub high: Vec<f64>,
}

/// The series of `metric`: the runs grouped by the other axes' values (in grid order), each
/// point the seeds of one first-axis value. Without axes: one series of one point.
pub fn series(sweep: &Sweep, metric: &Metric) -> Vec<Series> {
    let axes = &sweep.grid.axes;
    let seeds = sweep.grid.seeds as usize;
    let first = axes.first().map_or(1, |a| a.values.len());
    let others = sweep.grid.run_count() / seeds / first;
    (0..others)
        .map(|o| {
            let label = other_label(axes, o);
            let mut s = Series {
                label,
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

/// The label of the `o`-th combination of the axes after the first (grid order).
fn other_label(axes: &[AxisHeader], mut o: usize) -> String {
    let mut parts = Vec::new();
    for axis in axes.iter().skip(1).rev() {
        let n = axis.values.len();
        parts.push(format!(
            "{}={}",
            axis.path,
            scenarios::value_text(&axis.values()[o % n])
        ));
        o /= n;
    }
    parts.reverse();
    parts.join(", ")
}

/// The x positions of the first axis: its values when all are numbers, else 0, 1, 2...
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
            Some(values.iter().map(scenarios::value_text).collect()),
        ),
    }
}

/// The range of `values`, widened when empty or a single value.
fn span(values: impl Iterator<Item = f64>, floor_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
        (l.min(v), h.max(v))
    });
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if floor_zero && lo >= 0.0 {
        lo = 0.0;
    }
    let pad = if hi > lo {
        (hi - lo) * 0.05
    } else {
        hi.abs().max(1.0) * 0.5
    };
    (
        if floor_zero && lo == 0.0 {
            0.0
        } else {
            lo - pad
        },
        hi + pad,
    )
}

/// One plot as an SVG document.
pub fn plot(title: &str, x_name: &str, axes: &[AxisHeader], lines: &[Series]) -> String {
    let (xs, labels) = x_positions(axes);
    let mut svg = String::new();
    draw(&mut svg, title, x_name, &xs, labels.as_deref(), lines)
        .expect("drawing into a string cannot fail");
    svg
}

/// Draws the plot into `svg`.
fn draw(
    svg: &mut String,
    title: &str,
    x_name: &str,
    xs: &[f64],
    labels: Option<&[String]>,
    lines: &[Series],
) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(svg, PLOT_SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let (x0, x1) = span(xs.iter().copied(), false);
    let (y0, y1) = span(
        lines
            .iter()
            .flat_map(|s| s.low.iter().chain(&s.high).copied()),
        true,
    );
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let label_of = |x: &f64| match labels {
        Some(l) => l
            .get(x.round().max(0.0) as usize)
            .filter(|_| (x - x.round()).abs() < 1e-6)
            .cloned()
            .unwrap_or_default(),
        None => format!("{}", (x * 1000.0).round() / 1000.0),
    };
    chart
        .configure_mesh()
        .x_desc(x_name)
        .x_label_formatter(&label_of)
        .x_labels(xs.len().clamp(2, 12))
        .draw()?;
    for (i, line) in lines.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        if line.low != line.high {
            let band: Vec<(f64, f64)> = (xs.iter().copied().zip(line.low.iter().copied()))
                .chain(xs.iter().copied().zip(line.high.iter().copied()).rev())
                .collect();
            chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.2).filled())))?;
        }
        let points: Vec<(f64, f64)> = xs.iter().copied().zip(line.mean.iter().copied()).collect();
        let drawn = chart.draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?;
        if !line.label.is_empty() {
            drawn.label(line.label.clone()).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        }
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
    }
    if lines.iter().any(|l| !l.label.is_empty()) {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()?;
    }
    root.present()?;
    Ok(())
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The whole HTML page.
pub fn render(sweep: &Sweep) -> String {
    let grid = &sweep.grid;
    let x_name = grid.axes.first().map_or("", |a| a.path.as_str());
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(&format!(
        "<title>seqsim sweep: {}</title>\n",
        escape(&grid.scenario)
    ));
    out.push_str("<style>body{font-family:sans-serif;margin:1.5em;color:#222}figure{margin:1em 0}figcaption{font-weight:bold}code{background:#f3f3f3;padding:0 .2em}</style>\n</head>\n<body>\n");
    out.push_str(&format!(
        "<h1>Sweep of <code>{}</code></h1>\n<ul>\n",
        escape(&grid.scenario)
    ));
    for axis in &grid.axes {
        let values: Vec<String> = axis.values().iter().map(scenarios::value_text).collect();
        out.push_str(&format!(
            "<li><code>{}</code>: {}</li>\n",
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
    if !grid.overrides.is_empty() {
        out.push_str(&format!(
            "<li>with --set <code>{}</code></li>\n",
            escape(&grid.overrides.join(" "))
        ));
    }
    out.push_str("</ul>\n");
    for name in &grid.plots {
        let metric = Metric::parse(name, &grid.counts).expect("checked when prepared");
        let unit = if metric.share_of.is_some() {
            " (% of its section)"
        } else {
            ""
        };
        let title = format!("{name}{unit}");
        let svg = plot(&title, x_name, &grid.axes, &series(sweep, &metric));
        out.push_str(&format!(
            "<figure class=\"plot\">\n<figcaption>{}</figcaption>\n{}\n</figure>\n",
            escape(name),
            svg.trim_end()
        ));
    }
    out.push_str("</body>\n</html>\n");
    out
}
