//! The pages' charts as SVG documents, drawn by plotters' SVG backend: horizontal bars (one
//! series, or two paired), lines over days with their caps dashed and marked points, a heat
//! map, and intervals around a mean. Category names are drawn beside the plot at the pixel
//! plotters maps each category to, so every bar and row carries its own label; counts are
//! printed at the bars' ends. Pure functions of their input: the same numbers, the same bytes.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::table::thousands;

/// The series' colours: Okabe and Ito's palette (told apart with any colour vision), dark
/// enough on white; the eighth series takes the first colour again.
pub const COLOURS: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(100, 100, 100),
];

/// The colour of series `i`.
pub fn colour(i: usize) -> RGBColor {
    COLOURS[i % COLOURS.len()]
}

/// Every chart's width in pixels.
const WIDTH: u32 = 960;

/// Label and title sizes in plotters' units.
const TEXT: u32 = 17;

/// A drawing's result: plotters reports its backend's errors, which a string cannot have.
type Drawn = Result<(), Box<dyn std::error::Error>>;

/// One series of bars: its legend text, and a value per category.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BarSeries {
    /// The legend's text (`before`, `after`).
    pub label: String,
    /// A value per category.
    pub values: Vec<u64>,
}

/// Horizontal bars: a row per category, in each row a bar per series.
pub struct Bars<'a> {
    /// The value axis's title, with the unit.
    pub value_title: &'a str,
    /// The rows' names, top to bottom.
    pub categories: &'a [String],
    /// The series; a legend is drawn when there are several.
    pub series: &'a [BarSeries],
}

/// One line over the days.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// The legend's text.
    pub label: String,
    /// A value per day.
    pub values: Vec<f64>,
    /// A level to draw dashed in the line's colour (its cap), if any.
    pub cap: Option<f64>,
    /// Per day, whether to mark the point (a limit was hit).
    pub marks: Vec<bool>,
}

/// Lines over the days, shaded days behind them.
pub struct Lines<'a> {
    /// The y axis's title, with the unit.
    pub y_title: &'a str,
    /// A tick text per day (a date); shown for a few days only.
    pub days: &'a [String],
    /// Per day, whether to shade it (a weekend).
    pub shaded: &'a [bool],
    /// The lines.
    pub lines: &'a [Line],
    /// The legend's text for a marked point.
    pub mark_text: &'a str,
}

/// A heat map: a cell per row and column, darker for more, its count written in it.
pub struct Heat<'a> {
    /// The rows' names, top to bottom.
    pub rows: &'a [String],
    /// The columns' names, left to right.
    pub columns: &'a [String],
    /// Per row, a value per column.
    pub values: &'a [Vec<u64>],
}

/// One row of an interval chart.
#[derive(Clone, Debug, PartialEq)]
pub struct IntervalRow {
    /// The row's name.
    pub label: String,
    /// The point.
    pub mean: f64,
    /// The interval's ends.
    pub low: f64,
    /// The interval's upper end.
    pub high: f64,
    /// Drawn in the marked colour (beyond noise).
    pub marked: bool,
}

/// Intervals around means, a row each, a line at 0.
pub struct Intervals<'a> {
    /// The value axis's title.
    pub value_title: &'a str,
    /// The rows.
    pub rows: &'a [IntervalRow],
    /// The legend's text for marked rows and for the others.
    pub legend: [&'a str; 2],
}

/// The colour of a marked interval, and of the others.
const MARKED: RGBColor = RGBColor(213, 94, 0);
const UNMARKED: RGBColor = RGBColor(86, 180, 233);

/// The text style of labels, aligned by `h` and centred vertically.
fn font(h: HPos) -> TextStyle<'static> {
    ("sans-serif", TEXT)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(h, VPos::Center))
}

/// A number as an axis shows it: an integer with thousands separators when whole, else two
/// decimals.
fn axis_number(v: f64) -> String {
    let v = if (v - v.round()).abs() < 1e-9 {
        v.round()
    } else {
        v
    };
    match v.fract() == 0.0 && v.abs() < 1e15 {
        true if v < 0.0 => format!("-{}", thousands(v.abs() as u64)),
        true => thousands(v as u64),
        false => format!("{v:.2}"),
    }
}

/// The width of a label column for `names`: about 9 pixels a character, within bounds.
fn label_width(names: &[String]) -> u32 {
    let widest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    (widest as u32 * 9 + 24).clamp(60, 540)
}

/// Draws with `draw` on a white `size` canvas; the SVG document.
fn render(size: (u32, u32), draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Drawn) -> String {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        let drawn = root
            .fill(&WHITE)
            .map_err(Into::into)
            .and_then(|()| draw(&root));
        drawn.expect("drawing into a string cannot fail");
        root.present().expect("drawing into a string cannot fail");
    }
    out
}

/// The bars as an SVG document.
pub fn bars(chart: &Bars) -> String {
    let n = chart.categories.len();
    assert!(
        chart.series.iter().all(|s| s.values.len() == n),
        "a value per category in every series"
    );
    assert!(!chart.series.is_empty(), "bars need a series");
    let per = chart.series.len() as u32;
    let legend = if per > 1 { 36 } else { 0 };
    let height = 90 + legend + n.max(1) as u32 * (12 + 22 * per);
    render((WIDTH, height), |root| draw_bars(root, chart, legend))
}

fn draw_bars(root: &DrawingArea<SVGBackend, Shift>, chart: &Bars, legend: u32) -> Drawn {
    let n = chart.categories.len();
    let values = chart.series.iter().flat_map(|s| s.values.iter().copied());
    let max = values.max().unwrap_or(0).max(1) as f64;
    let mut c = ChartBuilder::on(root)
        .margin(12)
        .margin_top(12 + legend)
        .margin_right(96)
        .x_label_area_size(56)
        .y_label_area_size(label_width(chart.categories))
        .build_cartesian_2d(0f64..max * 1.02, 0f64..n.max(1) as f64)?;
    c.configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(6)
        .x_desc(chart.value_title)
        .x_label_formatter(&|v| axis_number(*v))
        .label_style(("sans-serif", TEXT).into_font().color(&BLACK))
        .axis_desc_style(("sans-serif", TEXT).into_font().color(&BLACK))
        .bold_line_style(BLACK.mix(0.12))
        .light_line_style(TRANSPARENT)
        .draw()?;
    let h = 0.8 / chart.series.len() as f64;
    // The top of series `k`'s bar in row `i` (row 0 at the top).
    let top = |i: usize, k: usize| n as f64 - i as f64 - 0.1 - k as f64 * h;
    for (k, s) in chart.series.iter().enumerate() {
        let bar = |(i, &v): (usize, &u64)| {
            Rectangle::new(
                [(0.0, top(i, k)), (v as f64, top(i, k) - h)],
                colour(k).filled(),
            )
        };
        c.draw_series(s.values.iter().enumerate().map(bar))?;
    }
    let (x0, _) = c.backend_coord(&(0.0, 0.0));
    for (i, name) in chart.categories.iter().enumerate() {
        let (_, y) = c.backend_coord(&(0.0, n as f64 - i as f64 - 0.5));
        root.draw(&Text::new(name.clone(), (x0 - 8, y), font(HPos::Right)))?;
        for (k, s) in chart.series.iter().enumerate() {
            let at = c.backend_coord(&(s.values[i] as f64, top(i, k) - h / 2.0));
            let text = thousands(s.values[i]);
            root.draw(&Text::new(text, (at.0 + 6, at.1), font(HPos::Left)))?;
        }
    }
    if chart.series.len() > 1 {
        let entries = (chart.series.iter().enumerate()).map(|(k, s)| (colour(k), s.label.as_str()));
        draw_swatches(root, (x0, 22), entries)?;
    }
    Ok(())
}

/// A row of legend entries from `at`: a filled square of each colour and its text.
fn draw_swatches<'t>(
    root: &DrawingArea<SVGBackend, Shift>,
    at: (i32, i32),
    entries: impl Iterator<Item = (RGBColor, &'t str)>,
) -> Drawn {
    let mut x = at.0;
    for (c, text) in entries {
        root.draw(&Rectangle::new(
            [(x, at.1 - 8), (x + 16, at.1 + 8)],
            c.filled(),
        ))?;
        root.draw(&Text::new(
            text.to_owned(),
            (x + 22, at.1),
            font(HPos::Left),
        ))?;
        x += 40 + 9 * text.chars().count() as i32;
    }
    Ok(())
}

/// The lines as an SVG document.
pub fn lines(chart: &Lines) -> String {
    let days = chart.days.len();
    assert_eq!(chart.shaded.len(), days, "a shade per day");
    for l in chart.lines {
        assert!(
            l.values.len() == days && l.marks.len() == days,
            "a value and mark per day"
        );
    }
    let legend = 30 * (chart.lines.len() as u32 + 1);
    render((WIDTH, 420 + legend), |root| {
        draw_lines(root, chart, legend)
    })
}

fn draw_lines(root: &DrawingArea<SVGBackend, Shift>, chart: &Lines, legend: u32) -> Drawn {
    let days = chart.days.len().max(1);
    let highest = (chart.lines.iter())
        .flat_map(|l| l.values.iter().copied().chain(l.cap))
        .fold(1f64, f64::max);
    let top = highest * 1.05;
    let mut c = ChartBuilder::on(root)
        .margin(16)
        .margin_bottom(16 + legend)
        .x_label_area_size(56)
        .y_label_area_size(90)
        .build_cartesian_2d(-0.5f64..days as f64 - 0.5, 0f64..top)?;
    let step = days.div_ceil(10).max(1);
    let tick = |x: &f64| {
        let day = x.round() as usize;
        match (x - x.round()).abs() < 1e-6 && day.is_multiple_of(step) {
            true => chart.days.get(day).cloned().unwrap_or_default(),
            false => String::new(),
        }
    };
    for (d, _) in chart.shaded.iter().enumerate().filter(|(_, s)| **s) {
        let band = [(d as f64 - 0.5, 0.0), (d as f64 + 0.5, top)];
        c.draw_series(std::iter::once(Rectangle::new(
            band,
            RGBColor(228, 228, 228).filled(),
        )))?;
    }
    c.configure_mesh()
        .x_labels(days.min(60))
        .x_label_formatter(&tick)
        .y_label_formatter(&|v| axis_number(*v))
        .y_labels(8)
        .x_desc("day (weekends shaded)")
        .y_desc(chart.y_title)
        .label_style(("sans-serif", TEXT).into_font().color(&BLACK))
        .axis_desc_style(("sans-serif", TEXT).into_font().color(&BLACK))
        .bold_line_style(BLACK.mix(0.12))
        .light_line_style(TRANSPARENT)
        .draw()?;
    for (k, l) in chart.lines.iter().enumerate() {
        if let Some(cap) = l.cap {
            let ends = [(-0.5, cap), (days as f64 - 0.5, cap)];
            c.draw_series(DashedLineSeries::new(
                ends,
                10,
                6,
                colour(k).stroke_width(2),
            ))?;
        }
        let points: Vec<(f64, f64)> = (l.values.iter().enumerate())
            .map(|(d, &v)| (d as f64, v))
            .collect();
        c.draw_series(LineSeries::new(points.clone(), colour(k).stroke_width(3)))?;
        let marked = (points.iter().zip(&l.marks)).filter(|(_, m)| **m);
        c.draw_series(marked.map(|(&p, _)| TriangleMarker::new(p, 8, BLACK.filled())))?;
    }
    draw_line_legend(root, chart, 420 + 8)
}

/// The lines' legend below the plot from height `y`: each line with its cap, then the mark.
fn draw_line_legend(root: &DrawingArea<SVGBackend, Shift>, chart: &Lines, y: u32) -> Drawn {
    for (k, l) in chart.lines.iter().enumerate() {
        let y = (y + 30 * k as u32) as i32;
        root.draw(&PathElement::new(
            vec![(110, y), (150, y)],
            colour(k).stroke_width(3),
        ))?;
        let mut text = l.label.clone();
        if let Some(cap) = l.cap {
            root.draw(&DashedPathElement::new(
                vec![(420, y), (460, y)],
                10,
                6,
                colour(k).stroke_width(2),
            ))?;
            root.draw(&Text::new(
                format!("cap {}", axis_number(cap)),
                (468, y),
                font(HPos::Left),
            ))?;
            text.push_str(" (sent)");
        }
        root.draw(&Text::new(text, (158, y), font(HPos::Left)))?;
    }
    let y = (y + 30 * chart.lines.len() as u32) as i32;
    root.draw(&TriangleMarker::new((130, y), 8, BLACK.filled()))?;
    root.draw(&Text::new(
        chart.mark_text.to_owned(),
        (158, y),
        font(HPos::Left),
    ))?;
    Ok(())
}

/// The heat map as an SVG document.
pub fn heat(chart: &Heat) -> String {
    assert_eq!(
        chart.values.len(),
        chart.rows.len(),
        "a row of values per row"
    );
    let columns = chart.columns.len();
    assert!(
        chart.values.iter().all(|r| r.len() == columns),
        "a value per column"
    );
    let height = 110 + 36 * chart.rows.len().max(1) as u32;
    render((WIDTH, height), |root| draw_heat(root, chart))
}

/// The fill of a cell holding `v` of the map's `max`: white to dark vermillion.
fn heat_fill(v: u64, max: u64) -> RGBColor {
    let t = if max == 0 { 0.0 } else { v as f64 / max as f64 };
    let mix = |white: f64, full: f64| (white + (full - white) * t).round() as u8;
    RGBColor(mix(255.0, 180.0), mix(255.0, 60.0), mix(255.0, 0.0))
}

fn draw_heat(root: &DrawingArea<SVGBackend, Shift>, chart: &Heat) -> Drawn {
    let (rows, columns) = (chart.rows.len().max(1), chart.columns.len().max(1));
    let max = chart.values.iter().flatten().copied().max().unwrap_or(0);
    let mut c = ChartBuilder::on(root)
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(label_width(chart.rows))
        .build_cartesian_2d(0f64..columns as f64, 0f64..rows as f64)?;
    c.configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .draw()?;
    for (i, row) in chart.values.iter().enumerate() {
        let y = (rows - i) as f64;
        let cell = |(j, &v): (usize, &u64)| {
            let corners = [(j as f64, y), (j as f64 + 1.0, y - 1.0)];
            Rectangle::new(corners, heat_fill(v, max).filled())
        };
        c.draw_series(row.iter().enumerate().map(cell))?;
        for (j, &v) in row.iter().enumerate() {
            let at = c.backend_coord(&(j as f64 + 0.5, y - 0.5));
            let ink = if v * 2 > max { WHITE } else { BLACK };
            let style = font(HPos::Center).color(&ink);
            root.draw(&Text::new(thousands(v), at, style))?;
        }
    }
    let (x0, y0) = c.backend_coord(&(0.0, 0.0));
    for (i, name) in chart.rows.iter().enumerate() {
        let (_, y) = c.backend_coord(&(0.0, (rows - i) as f64 - 0.5));
        root.draw(&Text::new(name.clone(), (x0 - 8, y), font(HPos::Right)))?;
    }
    for (j, name) in chart.columns.iter().enumerate() {
        let (x, _) = c.backend_coord(&(j as f64 + 0.5, 0.0));
        root.draw(&Text::new(name.clone(), (x, y0 + 18), font(HPos::Center)))?;
    }
    Ok(())
}

/// The intervals as an SVG document.
pub fn intervals(chart: &Intervals) -> String {
    for r in chart.rows {
        assert!(
            r.low <= r.mean && r.mean <= r.high,
            "{}: the mean inside its interval",
            r.label
        );
    }
    let height = 130 + 30 * chart.rows.len().max(1) as u32;
    render((WIDTH, height), |root| draw_intervals(root, chart))
}

fn draw_intervals(root: &DrawingArea<SVGBackend, Shift>, chart: &Intervals) -> Drawn {
    let n = chart.rows.len().max(1);
    let ends = (chart.rows.iter())
        .flat_map(|r| [r.low, r.high])
        .filter(|v| v.is_finite());
    let (lo, hi) = ends.fold((0f64, 0f64), |(l, h), v| (l.min(v), h.max(v)));
    let pad = ((hi - lo) * 0.05).max(0.5);
    let labels: Vec<String> = chart.rows.iter().map(|r| r.label.clone()).collect();
    let mut c = ChartBuilder::on(root)
        .margin(16)
        .margin_top(48)
        .x_label_area_size(56)
        .y_label_area_size(label_width(&labels))
        .build_cartesian_2d(lo - pad..hi + pad, 0f64..n as f64)?;
    c.configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(8)
        .x_desc(chart.value_title)
        .x_label_formatter(&|v| format!("{v:.1}"))
        .label_style(("sans-serif", TEXT).into_font().color(&BLACK))
        .axis_desc_style(("sans-serif", TEXT).into_font().color(&BLACK))
        .bold_line_style(BLACK.mix(0.12))
        .light_line_style(TRANSPARENT)
        .draw()?;
    c.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, 0.0), (0.0, n as f64)],
        BLACK.stroke_width(2),
    )))?;
    for (i, r) in chart.rows.iter().enumerate() {
        let y = n as f64 - i as f64 - 0.5;
        let ink = if r.marked { MARKED } else { UNMARKED };
        let whisker = vec![(r.low, y), (r.high, y)];
        c.draw_series(std::iter::once(PathElement::new(
            whisker,
            ink.stroke_width(4),
        )))?;
        c.draw_series(std::iter::once(Circle::new((r.mean, y), 6, ink.filled())))?;
        let (x0, py) = (
            c.backend_coord(&(lo - pad, y)).0,
            c.backend_coord(&(0.0, y)).1,
        );
        root.draw(&Text::new(r.label.clone(), (x0 - 8, py), font(HPos::Right)))?;
    }
    let (x0, _) = c.backend_coord(&(lo - pad, 0.0));
    let entries = [(MARKED, chart.legend[0]), (UNMARKED, chart.legend[1])];
    draw_swatches(root, (x0, 22), entries.into_iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `<rect>` elements of `svg` filled with `rgb`.
    fn rects_of(svg: &str, rgb: RGBColor) -> usize {
        let fill = format!("fill=\"#{:02X}{:02X}{:02X}\"", rgb.0, rgb.1, rgb.2);
        (svg.split("<rect").skip(1))
            .filter(|r| r.split("/>").next().is_some_and(|r| r.contains(&fill)))
            .count()
    }

    /// The `<text>` contents of `svg`.
    fn texts(svg: &str) -> Vec<&str> {
        (svg.split("<text").skip(1))
            .filter_map(|t| t.split_once('>')?.1.split("</text>").next())
            .map(str::trim)
            .collect()
    }

    #[test]
    fn paired_bars_draw_a_bar_and_a_count_per_value_and_each_category_once() {
        let categories = [
            "ENROLLED".to_owned(),
            "BOUNCED".to_owned(),
            "EMPTY".to_owned(),
        ];
        let series = [
            BarSeries {
                label: "before".into(),
                values: vec![1_200, 30, 0],
            },
            BarSeries {
                label: "after".into(),
                values: vec![1_150, 80, 0],
            },
        ];
        let svg = bars(&Bars {
            value_title: "attempts",
            categories: &categories,
            series: &series,
        });
        assert!(svg.starts_with("<svg"), "{svg}");
        // A bar per value of each series (zero-width ones too), in the series' colour; the
        // legend adds one swatch each.
        assert_eq!(rects_of(&svg, colour(0)), 3 + 1);
        assert_eq!(rects_of(&svg, colour(1)), 3 + 1);
        let texts = texts(&svg);
        for want in [
            "ENROLLED", "BOUNCED", "EMPTY", "1,200", "1,150", "30", "80", "before", "after",
        ] {
            assert_eq!(
                texts.iter().filter(|t| **t == want).count(),
                1,
                "{want}: {texts:?}"
            );
        }
        assert!(texts.contains(&"attempts"));
        // One series: no legend.
        let one = bars(&Bars {
            value_title: "x",
            categories: &categories[..1],
            series: &[BarSeries {
                label: "before".into(),
                values: vec![7],
            }],
        });
        assert_eq!(rects_of(&one, colour(0)), 1);
        assert!(!one.contains(">before<"));
    }

    #[test]
    fn lines_shade_the_given_days_mark_hits_and_dash_caps() {
        let days: Vec<String> = (0..7).map(|d| format!("d{d}")).collect();
        let shaded = [false, false, false, false, false, true, true];
        let line = Line {
            label: "gmail".into(),
            values: vec![5.0, 9.0, 10.0, 10.0, 3.0, 0.0, 0.0],
            cap: Some(10.0),
            marks: vec![false, false, true, true, false, false, false],
        };
        let chart = Lines {
            y_title: "emails",
            days: &days,
            shaded: &shaded,
            lines: &[line],
            mark_text: "hit",
        };
        let svg = lines(&chart);
        assert_eq!(
            rects_of(&svg, RGBColor(228, 228, 228)),
            2,
            "two shaded days"
        );
        // Two marked points and the legend's sample: three black triangles (polygons).
        assert_eq!(svg.matches("<polygon").count(), 3, "{svg}");
        let texts = texts(&svg);
        assert!(
            texts.contains(&"cap 10") && texts.contains(&"gmail (sent)") && texts.contains(&"hit")
        );
        // The data line: one polyline through seven points.
        let seven = (svg.split("<polyline").skip(1))
            .filter_map(|p| p.split("points=\"").nth(1)?.split('"').next())
            .any(|pts| pts.split_whitespace().count() == 7);
        assert!(seven, "{svg}");
    }

    #[test]
    fn heat_cells_grow_darker_with_their_count() {
        assert_eq!(heat_fill(0, 10), RGBColor(255, 255, 255));
        assert_eq!(heat_fill(10, 10), RGBColor(180, 60, 0));
        assert_eq!(heat_fill(5, 10), RGBColor(218, 158, 128));
        assert_eq!(heat_fill(0, 0), RGBColor(255, 255, 255));
        let rows = ["Mon".to_owned(), "Tue".to_owned()];
        let columns = [
            "step 1".to_owned(),
            "step 2".to_owned(),
            "step 3".to_owned(),
        ];
        let values = [vec![10, 5, 0], vec![0, 0, 1]];
        let svg = heat(&Heat {
            rows: &rows,
            columns: &columns,
            values: &values,
        });
        assert_eq!(rects_of(&svg, heat_fill(10, 10)), 1);
        assert!(rects_of(&svg, heat_fill(0, 10)) >= 3);
        let texts = texts(&svg);
        for want in ["Mon", "Tue", "step 1", "step 3", "10", "5", "1"] {
            assert!(texts.contains(&want), "{want}: {texts:?}");
        }
    }

    #[test]
    fn intervals_are_coloured_by_their_mark() {
        let rows = [
            IntervalRow {
                label: "BOUNCED".into(),
                mean: 4.0,
                low: 2.5,
                high: 5.5,
                marked: true,
            },
            IntervalRow {
                label: "FINISHED".into(),
                mean: -1.0,
                low: -3.0,
                high: 1.0,
                marked: false,
            },
        ];
        let svg = intervals(&Intervals {
            value_title: "change",
            rows: &rows,
            legend: ["beyond noise", "within noise"],
        });
        let circles = |c: RGBColor| {
            let fill = format!("fill=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2);
            svg.split("<circle")
                .skip(1)
                .filter(|e| e.split("/>").next().is_some_and(|e| e.contains(&fill)))
                .count()
        };
        assert_eq!((circles(MARKED), circles(UNMARKED)), (1, 1));
        let texts = texts(&svg);
        assert!(texts.contains(&"BOUNCED") && texts.contains(&"beyond noise"));
    }

    #[test]
    fn axis_numbers_read_as_counts() {
        assert_eq!(axis_number(12_000.0), "12,000");
        assert_eq!(axis_number(-3.0), "-3");
        assert_eq!(axis_number(2.5), "2.50");
    }
}
