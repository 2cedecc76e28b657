//! One plot as an SVG document, drawn by plotters' SVG backend: lines through each series'
//! means, a semi-transparent band of the line's colour from the lowest to the highest seed,
//! target lines dashed, both axes titled, and the legend in a panel of its own on the right,
//! where it hides no data. The y axis spans the plot's own values and targets
//! ([`y_range`]).

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// The chart's size in pixels, without the legend panel.
pub const CHART_SIZE: (u32, u32) = (720, 480);

/// The lines' colours: the pages' palette (Okabe and Ito's), shared with the run and diff
/// pages.
use reports::html::chart::colour;

/// The colour of the target lines.
const TARGET: RGBColor = RGBColor(20, 20, 20);

/// The band's opacity over white.
const BAND_OPACITY: f64 = 0.28;

/// Text sizes, in plotters' units (the SVG's font size is 1/1.24 of them).
const CAPTION: u32 = 26;
const TEXT: u32 = 20;

/// One line of a plot: its label, and per x position the mean, lowest and highest over the
/// seeds.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The legend's text for the line.
    pub label: String,
    /// Mean per x position.
    pub mean: Vec<f64>,
    /// Lowest seed per x position.
    pub low: Vec<f64>,
    /// Highest seed per x position.
    pub high: Vec<f64>,
}

/// A horizontal target line: where, and the legend's text.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Its height in the metric's unit.
    pub y: f64,
    /// The legend's text (`target: < 1%`).
    pub text: String,
}

/// What one plot shows.
pub struct Chart<'a> {
    /// The caption above the plot.
    pub title: &'a str,
    /// The x axis's title.
    pub x_title: &'a str,
    /// The y axis's title, with the unit.
    pub y_title: &'a str,
    /// The x positions.
    pub xs: &'a [f64],
    /// The text of each x position, when the values are not numbers (then the positions are
    /// 0, 1, 2...).
    pub x_ticks: Option<&'a [String]>,
    /// The lines.
    pub series: &'a [Series],
    /// The target lines.
    pub targets: &'a [Line],
    /// The legend's text for the bands (`lowest to highest of 3 seeds`), shown when a band is.
    pub band: &'a str,
}

/// The y axis's range for `values` and the `targets`' heights: from the lowest to the highest,
/// padded by a twentieth of the spread on each side; from 0 (less the pad, so that points at 0
/// stand clear of the axis) instead when the values are not negative and come within a fifth
/// of the spread of 0. A spread of 0 pads by a tenth of the value, or by 1 at 0. Targets are
/// always inside.
pub fn y_range(values: impl IntoIterator<Item = f64>, targets: &[f64]) -> (f64, f64) {
    let (lo, hi) = (values.into_iter().chain(targets.iter().copied()))
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(v), h.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let spread = hi - lo;
    let pad = match spread > 0.0 {
        true => spread * 0.05,
        false if hi == 0.0 => 1.0,
        false => hi.abs() * 0.1,
    };
    let from_zero = lo >= 0.0 && lo <= spread * 0.2;
    (if from_zero { -pad } else { lo - pad }, hi + pad)
}

/// The x axis's range: the positions padded by a twentieth of their spread (one position:
/// half its size, at least 0.5, each side).
fn x_range(xs: &[f64]) -> (f64, f64) {
    let (lo, hi) = (xs.iter()).fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
        (l.min(v), h.max(v))
    });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = if hi > lo {
        (hi - lo) * 0.05
    } else {
        hi.abs().max(1.0) * 0.5
    };
    (lo - pad, hi + pad)
}

/// A number as axes and tables show it: at most four decimals, no trailing zeros.
pub fn number(v: f64) -> String {
    let t = format!("{v:.4}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    if t == "-0" {
        "0".to_owned()
    } else {
        t.to_owned()
    }
}

/// The plot as an SVG document.
pub fn svg(chart: &Chart) -> String {
    let entries = legend_entries(chart);
    let widest = entries.iter().map(|(_, t)| t.chars().count()).max();
    let panel = (widest.unwrap_or(0) as u32 * 10 + 64).clamp(160, 480);
    let size = (CHART_SIZE.0 + panel, CHART_SIZE.1);
    let mut out = String::new();
    draw(&mut out, size, chart, &entries).expect("drawing into a string cannot fail");
    out
}

/// What a legend entry's sample shows.
#[derive(Clone, Copy)]
enum Sample {
    /// A data line of this colour, with a point.
    Line(RGBColor),
    /// A band of this colour.
    Band(RGBColor),
    /// A target line.
    Target,
}

/// The legend: each line, the band (when any is drawn), each target.
fn legend_entries(chart: &Chart) -> Vec<(Sample, String)> {
    let mut out: Vec<(Sample, String)> = (chart.series.iter().enumerate())
        .map(|(i, s)| (Sample::Line(colour(i)), s.label.clone()))
        .collect();
    if chart.series.iter().any(|s| s.low != s.high) {
        out.push((Sample::Band(colour(0)), chart.band.to_owned()));
    }
    out.extend((chart.targets.iter()).map(|t| (Sample::Target, t.text.clone())));
    out
}

/// Draws the chart and its legend into `svg`.
fn draw(
    svg: &mut String,
    size: (u32, u32),
    chart: &Chart,
    entries: &[(Sample, String)],
) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(svg, size).into_drawing_area();
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(CHART_SIZE.0);
    draw_chart(&left, chart)?;
    draw_legend(&right, entries)?;
    root.present()?;
    Ok(())
}

/// The x tick text at position `x`.
fn x_tick(ticks: Option<&[String]>, x: f64) -> String {
    match ticks {
        Some(t) => (t.get(x.round().max(0.0) as usize))
            .filter(|_| (x - x.round()).abs() < 1e-6)
            .cloned()
            .unwrap_or_default(),
        None => number((x * 1000.0).round() / 1000.0),
    }
}

/// The axes, the bands, the target lines and the data lines, in that order (lines on top).
fn draw_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let (x0, x1) = x_range(chart.xs);
    let heights: Vec<f64> = chart.targets.iter().map(|t| t.y).collect();
    let values = (chart.series.iter()).flat_map(|s| s.low.iter().chain(&s.high).copied());
    let (y0, y1) = y_range(values, &heights);
    let mut c = ChartBuilder::on(area)
        .caption(
            chart.title,
            ("sans-serif", CAPTION).into_font().color(&BLACK),
        )
        .margin(16)
        .x_label_area_size(64)
        .y_label_area_size(104)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let x_label = |x: &f64| x_tick(chart.x_ticks, *x);
    let y_label = |y: &f64| number(*y);
    c.configure_mesh()
        .x_desc(chart.x_title)
        .y_desc(chart.y_title)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .x_labels(chart.xs.len().clamp(2, 12))
        .y_labels(8)
        .label_style(("sans-serif", TEXT).into_font().color(&BLACK))
        .axis_desc_style(("sans-serif", TEXT).into_font().color(&BLACK))
        .axis_style(BLACK.stroke_width(2))
        .bold_line_style(BLACK.mix(0.12))
        .light_line_style(TRANSPARENT)
        .draw()?;
    for (i, s) in chart.series.iter().enumerate() {
        if s.low != s.high {
            let band: Vec<(f64, f64)> = (chart.xs.iter().copied().zip(s.low.iter().copied()))
                .chain(chart.xs.iter().copied().zip(s.high.iter().copied()).rev())
                .collect();
            let fill = colour(i).mix(BAND_OPACITY).filled();
            c.draw_series(std::iter::once(Polygon::new(band, fill)))?;
        }
    }
    for t in chart.targets {
        let ends = [(x0, t.y), (x1, t.y)];
        c.draw_series(DashedLineSeries::new(ends, 12, 8, TARGET.stroke_width(3)))?;
    }
    for (i, s) in chart.series.iter().enumerate() {
        let points: Vec<(f64, f64)> = chart
            .xs
            .iter()
            .copied()
            .zip(s.mean.iter().copied())
            .collect();
        c.draw_series(LineSeries::new(points.clone(), colour(i).stroke_width(4)))?;
        c.draw_series(
            points
                .iter()
                .map(|&p| Circle::new(p, 5, colour(i).filled())),
        )?;
    }
    Ok(())
}

/// The legend, one entry a row from the top of `area`.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Sample, String)],
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let font = ("sans-serif", TEXT).into_font().color(&BLACK);
    for (row, (sample, text)) in entries.iter().enumerate() {
        let y = 64 + 30 * row as i32;
        let (a, b) = ((8, y), (48, y));
        match *sample {
            Sample::Line(c) => {
                area.draw(&PathElement::new(vec![a, b], c.stroke_width(4)))?;
                area.draw(&Circle::new((28, y), 5, c.filled()))?;
            }
            Sample::Band(c) => {
                let fill = c.mix(BAND_OPACITY).filled();
                area.draw(&Rectangle::new([(8, y - 9), (48, y + 9)], fill))?;
            }
            Sample::Target => {
                area.draw(&DashedPathElement::new(
                    vec![a, b],
                    12,
                    8,
                    TARGET.stroke_width(3),
                ))?;
            }
        }
        let at = (56, y - 9);
        area.draw(&Text::new(text.clone(), at, font.clone()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: (f64, f64), want: (f64, f64)) -> bool {
        (got.0 - want.0).abs() < 1e-9 && (got.1 - want.1).abs() < 1e-9
    }

    #[test]
    fn the_y_range_is_the_data_padded_and_holds_the_targets() {
        // 40..60: spread 20, a pad of 1 each side; 40 is far from 0 (more than 20/5 = 4).
        assert!(close(y_range([40.0, 55.0, 60.0], &[]), (39.0, 61.0)));
        // A target above the data widens it: 0.2..1, spread 0.8, pad 0.04; 0.2 > 0.16.
        assert!(close(y_range([0.2, 0.8], &[1.0]), (0.16, 1.04)));
        // A target below brings 1..10 near 0 (1 <= 9/5): from 0 less 0.45, up to 10 + 0.45.
        assert!(close(y_range([2.0, 10.0], &[1.0]), (-0.45, 10.45)));
        // Values from 0 (a share that reaches 0): 0..26, a pad of 1.3 each side.
        assert!(close(y_range([0.0, 10.0, 26.0], &[1.0]), (-1.3, 27.3)));
        // 3..10 is not near 0 (3 > 7/5): 3 - 0.35.
        assert!(close(y_range([3.0, 10.0], &[]), (2.65, 10.35)));
        // Negative values are never floored at 0.
        assert!(close(y_range([-10.0, -2.0], &[]), (-10.4, -1.6)));
        // No spread: a tenth of the value each side, or 1 at 0; nothing: 0..1.
        assert!(close(y_range([5.0, 5.0], &[]), (4.5, 5.5)));
        assert!(close(y_range([0.0], &[]), (-1.0, 1.0)));
        assert!(close(y_range([], &[]), (0.0, 1.0)));
        assert!(close(y_range([f64::NAN, 2.0, 4.0], &[]), (1.9, 4.1)));
    }

    #[test]
    fn numbers_keep_four_decimals_at_most() {
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(100.0 / 3.0), "33.3333");
        assert_eq!(number(12000.0), "12000");
        assert_eq!(number(-0.00001), "0");
        assert_eq!(x_tick(None, 4.0), "4");
        let ticks = ["starter".to_owned(), "pro".to_owned()];
        assert_eq!(x_tick(Some(&ticks), 1.0), "pro");
        assert_eq!(x_tick(Some(&ticks), 0.5), "");
    }
}
