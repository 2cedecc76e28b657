//! The trace page's time line, drawn by plotters' SVG backend: simulated days left to right
//! (each day a band, Saturdays and Sundays shaded, dates from the scenario's calendar), one lane
//! per kind of event top to bottom, a marker per event whose colour and shape say what it was,
//! and a legend of the markers drawn below.
//!
//! Every marker kind has a fill colour no other element of the chart uses, and each marker (and
//! each legend sample) is one SVG element: the page's tests count markers by their colour.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use sim::time::SECONDS_PER_DAY;
use sim::{SimTime, Weekday};

/// The chart's width in pixels.
pub const WIDTH: u32 = 1000;
/// The plot area's left edge: the lanes' names sit left of it.
pub const LEFT: i32 = 200;
/// The plot area's right edge.
pub const RIGHT: i32 = WIDTH as i32 - 24;
/// The plot area's top edge: the caption sits above it.
pub const TOP: i32 = 48;
/// Each lane's height.
const LANE_HEIGHT: i32 = 44;
/// The plot area's bottom edge.
pub const BOTTOM: i32 = TOP + LANE_HEIGHT * Lane::ALL.len() as i32;
/// Where the legend starts, and the height of its rows.
const LEGEND_TOP: i32 = BOTTOM + 96;
const LEGEND_ROW: i32 = 28;
/// Legend entries per row, and the width of each.
const LEGEND_COLUMNS: usize = 3;
const LEGEND_WIDTH: i32 = 320;
/// A marker's half size.
const MARKER: i32 = 7;

/// The fill of a Saturday's or Sunday's band.
pub const WEEKEND: RGBColor = RGBColor(0xDC, 0xDC, 0xDC);
/// The fill of a weekday's band.
pub const WEEKDAY: RGBColor = RGBColor(0xFB, 0xFB, 0xFB);
/// The lines between days and between lanes.
const GRID: RGBColor = RGBColor(0xB4, 0xB4, 0xB4);

/// A row of the chart: the kinds of event drawn in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// Enrollment attempts and deferred enrollments.
    Attempts,
    /// Sends and tasks: the steps that ran.
    Steps,
    /// The recipient's reactions.
    Reactions,
    /// Steps that failed or were not sent.
    Failures,
    /// Enrollments' ends.
    End,
    /// What the user did about a failure.
    User,
    /// The platform's global bounce list.
    Platform,
}

impl Lane {
    /// Every lane, top to bottom.
    pub const ALL: [Lane; 7] = [
        Self::Attempts,
        Self::Steps,
        Self::Reactions,
        Self::Failures,
        Self::End,
        Self::User,
        Self::Platform,
    ];

    /// The lane's name, left of it.
    fn name(self) -> &'static str {
        match self {
            Self::Attempts => "attempts",
            Self::Steps => "sends and tasks",
            Self::Reactions => "reactions",
            Self::Failures => "failures",
            Self::End => "enrollment ends",
            Self::User => "user's remedies",
            Self::Platform => "global bounce list",
        }
    }

    /// The lane's centre, in pixels from the top.
    fn centre(self) -> i32 {
        let index = Self::ALL.iter().position(|&l| l == self);
        let index = index.expect("every lane is in Lane::ALL") as i32;
        TOP + LANE_HEIGHT * index + LANE_HEIGHT / 2
    }
}

/// A marker's outline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Circle,
    Square,
    Diamond,
    TriangleUp,
    TriangleDown,
    TriangleRight,
}

/// What a marker shows: one per kind of event, and per decision, SMTP class or reaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    /// An attempt the rules enrolled.
    Enrolled,
    /// An attempt the rules refused (a rejection or a guard's code).
    Refused,
    /// An enrollment the sequences daily limit deferred.
    Deferred,
    /// An email answered 2xx.
    Sent2xx,
    /// An email answered 4xx (a soft bounce).
    Sent4xx,
    /// An email answered 5xx (a hard bounce, a rejection, a quota).
    Sent5xx,
    /// A task step fell due.
    Task,
    /// A reply.
    Reply,
    /// A booked meeting.
    Meeting,
    /// An unsubscribe, from all email or from one type.
    Unsubscribe,
    /// A spam complaint.
    Spam,
    /// An out-of-office auto-reply.
    OutOfOffice,
    /// A step failed.
    StepFailed,
    /// A step was not sent: the address learned a fact elsewhere.
    SendStopped,
    /// An enrollment ended.
    Ended,
    /// The user scheduled a re-enrollment (drawn at its time).
    ReEnroll,
    /// The user does not act on a failure.
    NoAction,
    /// The global bounce list recorded a bounce of the address.
    GlobalBounce,
}

impl Mark {
    /// Every marker, in the legend's order.
    pub const ALL: [Mark; 18] = [
        Self::Enrolled,
        Self::Refused,
        Self::Deferred,
        Self::Sent2xx,
        Self::Sent4xx,
        Self::Sent5xx,
        Self::Task,
        Self::Reply,
        Self::Meeting,
        Self::Unsubscribe,
        Self::Spam,
        Self::OutOfOffice,
        Self::StepFailed,
        Self::SendStopped,
        Self::Ended,
        Self::ReEnroll,
        Self::NoAction,
        Self::GlobalBounce,
    ];

    /// The lane the marker is drawn in.
    pub fn lane(self) -> Lane {
        match self {
            Self::Enrolled | Self::Refused | Self::Deferred => Lane::Attempts,
            Self::Sent2xx | Self::Sent4xx | Self::Sent5xx | Self::Task => Lane::Steps,
            Self::Reply | Self::Meeting | Self::Unsubscribe | Self::Spam | Self::OutOfOffice => {
                Lane::Reactions
            }
            Self::StepFailed | Self::SendStopped => Lane::Failures,
            Self::Ended => Lane::End,
            Self::ReEnroll | Self::NoAction => Lane::User,
            Self::GlobalBounce => Lane::Platform,
        }
    }

    /// The marker's fill: unique to it in the chart.
    pub fn colour(self) -> RGBColor {
        let (r, g, b) = match self {
            Self::Enrolled => (0x00, 0x9E, 0x73),
            Self::Refused => (0xD5, 0x5E, 0x00),
            Self::Deferred => (0x56, 0xB4, 0xE9),
            Self::Sent2xx => (0x00, 0x72, 0xB2),
            Self::Sent4xx => (0xE6, 0x9F, 0x00),
            Self::Sent5xx => (0xB2, 0x18, 0x2B),
            Self::Task => (0x8C, 0x7A, 0x00),
            Self::Reply => (0xCC, 0x79, 0xA7),
            Self::Meeting => (0x1B, 0x78, 0x37),
            Self::Unsubscribe => (0x76, 0x2A, 0x83),
            Self::Spam => (0xE7, 0x29, 0x8A),
            Self::OutOfOffice => (0x35, 0x97, 0x8F),
            Self::StepFailed => (0xE3, 0x1A, 0x1C),
            Self::SendStopped => (0x99, 0x34, 0x04),
            Self::Ended => (0x6A, 0x3D, 0x9A),
            Self::ReEnroll => (0x4D, 0x92, 0x21),
            Self::NoAction => (0xA6, 0x76, 0x1D),
            Self::GlobalBounce => (0x75, 0x70, 0xB3),
        };
        RGBColor(r, g, b)
    }

    fn shape(self) -> Shape {
        match self {
            Self::Enrolled | Self::Sent2xx | Self::Reply | Self::GlobalBounce => Shape::Circle,
            Self::Refused | Self::Task | Self::Unsubscribe | Self::StepFailed => Shape::Square,
            Self::Sent5xx | Self::Meeting | Self::Ended => Shape::Diamond,
            Self::Sent4xx | Self::NoAction => Shape::TriangleUp,
            Self::Spam | Self::SendStopped => Shape::TriangleDown,
            Self::Deferred | Self::OutOfOffice | Self::ReEnroll => Shape::TriangleRight,
        }
    }

    /// The legend's text.
    pub fn label(self) -> &'static str {
        match self {
            Self::Enrolled => "attempt: ENROLLED",
            Self::Refused => "attempt: refused (a code)",
            Self::Deferred => "enrollment deferred",
            Self::Sent2xx => "sent: 2xx delivered",
            Self::Sent4xx => "sent: 4xx soft bounce",
            Self::Sent5xx => "sent: 5xx hard bounce/refused",
            Self::Task => "task created",
            Self::Reply => "reply",
            Self::Meeting => "meeting booked",
            Self::Unsubscribe => "unsubscribe",
            Self::Spam => "spam complaint",
            Self::OutOfOffice => "out-of-office",
            Self::StepFailed => "step failed",
            Self::SendStopped => "send stopped",
            Self::Ended => "enrollment ended (outcome)",
            Self::ReEnroll => "re-enrollment, when due",
            Self::NoAction => "user does not act",
            Self::GlobalBounce => "global bounce listed",
        }
    }
}

/// One marker: what, where, and what it is drawn from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    /// What it shows.
    pub mark: Mark,
    /// Where it is drawn.
    pub at: SimTime,
    /// When the event happened, if not `at` (a re-enrollment scheduled then for `at`): a line
    /// joins the two.
    pub from: Option<SimTime>,
    /// Text beside the marker (an enrollment's outcome).
    pub note: Option<String>,
}

/// What the chart shows.
pub struct Chart<'a> {
    /// The caption above the plot.
    pub title: &'a str,
    /// Days drawn, from day 0.
    pub days: u32,
    /// The label under each day: its day of the month (or number), and whether to write its
    /// date and weekday too.
    pub day_labels: &'a [(String, Option<String>)],
    /// The weekday of day 0.
    pub start_weekday: Weekday,
    /// The markers, in event order.
    pub markers: &'a [Marker],
}

/// The days of `days` from day 0 that fall on a Saturday or a Sunday.
pub fn weekend_days(start: Weekday, days: u32) -> Vec<u32> {
    (0..days).filter(|&d| start.plus(d).is_weekend()).collect()
}

/// The chart as an SVG document.
pub fn svg(chart: &Chart) -> String {
    assert!(chart.days > 0, "a time line spans at least a day");
    assert_eq!(
        chart.day_labels.len(),
        chart.days as usize,
        "a label per day"
    );
    let legend_rows = legend(chart.markers).len().div_ceil(LEGEND_COLUMNS) as i32;
    let height = LEGEND_TOP + LEGEND_ROW * legend_rows.max(1) + 8;
    let mut out = String::new();
    draw(&mut out, (WIDTH, height as u32), chart).expect("drawing into a string cannot fail");
    out
}

/// The markers the legend lists: those drawn, in [`Mark::ALL`]'s order, and the weekend's
/// shading.
fn legend(markers: &[Marker]) -> Vec<Option<Mark>> {
    let drawn = |m: &Mark| markers.iter().any(|k| k.mark == *m);
    (Mark::ALL.iter().copied().filter(drawn).map(Some))
        .chain(std::iter::once(None))
        .collect()
}

type Drawn = Result<(), Box<dyn std::error::Error>>;

fn draw(svg: &mut String, size: (u32, u32), chart: &Chart) -> Drawn {
    let root = SVGBackend::with_string(svg, size).into_drawing_area();
    root.fill(&WHITE)?;
    let caption = ("sans-serif", 22).into_font().color(&BLACK);
    root.draw(&Text::new(chart.title.to_owned(), (16, 12), caption))?;
    let x = Scale::new(chart.days);
    draw_days(&root, chart, &x)?;
    draw_lanes(&root)?;
    for (m, dy) in chart.markers.iter().zip(dodge(chart.markers, &x)) {
        draw_marker(&root, m, &x, dy)?;
    }
    draw_legend(&root, &legend(chart.markers))?;
    root.present()?;
    Ok(())
}

/// Simulated time to pixels across the plot area.
struct Scale {
    seconds: f64,
}

impl Scale {
    fn new(days: u32) -> Self {
        Self {
            seconds: f64::from(days) * f64::from(SECONDS_PER_DAY),
        }
    }

    /// The pixel column of moment `t`.
    fn x(&self, t: SimTime) -> i32 {
        let share = f64::from(t) / self.seconds;
        LEFT + (share * f64::from(RIGHT - LEFT)).round() as i32
    }

    /// The pixel column where `day` starts.
    fn day(&self, day: u32) -> i32 {
        self.x(day.saturating_mul(SECONDS_PER_DAY))
    }
}

/// Each day's band (weekends shaded), the lines between days, and the days' labels.
fn draw_days(root: &DrawingArea<SVGBackend, Shift>, chart: &Chart, x: &Scale) -> Drawn {
    let small = ("sans-serif", 14).into_font().color(&BLACK);
    let centred = Pos::new(HPos::Center, VPos::Top);
    let weekends = weekend_days(chart.start_weekday, chart.days);
    for day in 0..chart.days {
        let (a, b) = (x.day(day), x.day(day + 1));
        let weekend = weekends.contains(&day);
        let fill = if weekend { WEEKEND } else { WEEKDAY };
        root.draw(&Rectangle::new([(a, TOP), (b, BOTTOM)], fill.filled()))?;
        root.draw(&PathElement::new(vec![(a, TOP), (a, BOTTOM)], GRID))?;
        let (number, date) = &chart.day_labels[day as usize];
        let style = small.clone().pos(centred);
        root.draw(&Text::new(number.clone(), ((a + b) / 2, BOTTOM + 6), style))?;
        // A date that would run off the chart's right edge is left out.
        let fits = a + 110 <= WIDTH as i32;
        if let Some(date) = date.as_ref().filter(|_| fits) {
            let style = small.clone().pos(Pos::new(HPos::Left, VPos::Top));
            root.draw(&PathElement::new(vec![(a, BOTTOM), (a, BOTTOM + 44)], GRID))?;
            root.draw(&Text::new(date.clone(), (a + 3, BOTTOM + 26), style))?;
        }
    }
    let axis = ("sans-serif", 15).into_font().color(&BLACK).pos(centred);
    let title = "simulated time: days from the scenario's start (Saturdays and Sundays shaded)";
    let middle = (LEFT + RIGHT) / 2;
    root.draw(&Text::new(title, (middle, BOTTOM + 52), axis))?;
    Ok(())
}

/// The lanes' names and the lines between lanes, and the plot area's frame.
fn draw_lanes(root: &DrawingArea<SVGBackend, Shift>) -> Drawn {
    let font = ("sans-serif", 16).into_font().color(&BLACK);
    let right = font.pos(Pos::new(HPos::Right, VPos::Center));
    for lane in Lane::ALL {
        let y = lane.centre();
        root.draw(&Text::new(lane.name(), (LEFT - 10, y), right.clone()))?;
        let below = y + LANE_HEIGHT / 2;
        root.draw(&PathElement::new(vec![(LEFT, below), (RIGHT, below)], GRID))?;
    }
    let frame = [(LEFT, TOP), (RIGHT, BOTTOM)];
    root.draw(&Rectangle::new(frame, BLACK.stroke_width(2)))?;
    Ok(())
}

/// How far above or below its lane's centre each marker is drawn, so that markers of a lane
/// that would overlap (moments a few hours apart) stand one above another: the first at the
/// centre, the next that would touch it above, then below, then at the centre again.
fn dodge(markers: &[Marker], x: &Scale) -> Vec<i32> {
    const OFFSETS: [i32; 3] = [0, -(MARKER * 2 - 1), MARKER * 2 - 1];
    let mut placed: Vec<(Lane, i32, usize)> = Vec::new();
    for m in markers {
        let (lane, px) = (m.mark.lane(), x.x(m.at));
        let near = (placed.iter().rev())
            .find(|&&(l, p, _)| l == lane && (p - px).abs() < MARKER * 2 + 1)
            .map_or(0, |&(_, _, slot)| slot + 1);
        placed.push((lane, px, near));
    }
    (placed.iter())
        .map(|&(_, _, slot)| OFFSETS[slot % OFFSETS.len()])
        .collect()
}

/// One marker in its lane (`dy` from its centre), with its line from the event's moment and its
/// note.
fn draw_marker(root: &DrawingArea<SVGBackend, Shift>, m: &Marker, x: &Scale, dy: i32) -> Drawn {
    let (px, y) = (x.x(m.at), m.mark.lane().centre() + dy);
    if let Some(from) = m.from {
        let line = PathElement::new(vec![(x.x(from), y), (px, y)], BLACK.stroke_width(1));
        root.draw(&line)?;
    }
    draw_shape(root, m.mark, (px, y))?;
    if let Some(note) = &m.note {
        let font = ("sans-serif", 13).into_font().color(&BLACK);
        let style = font.pos(Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new(note.clone(), (px + MARKER + 3, y), style))?;
    }
    Ok(())
}

/// `mark`'s shape, centred on `(x, y)`: one SVG element of its colour.
fn draw_shape(root: &DrawingArea<SVGBackend, Shift>, mark: Mark, (x, y): (i32, i32)) -> Drawn {
    let style = mark.colour().filled();
    let r = MARKER;
    let polygon = |points: Vec<(i32, i32)>| Polygon::new(points, style);
    match mark.shape() {
        Shape::Circle => root.draw(&Circle::new((x, y), r, style))?,
        Shape::Square => root.draw(&Rectangle::new(
            [(x - r + 1, y - r + 1), (x + r - 1, y + r - 1)],
            style,
        ))?,
        Shape::Diamond => root.draw(&polygon(vec![
            (x, y - r - 1),
            (x + r + 1, y),
            (x, y + r + 1),
            (x - r - 1, y),
        ]))?,
        Shape::TriangleUp => root.draw(&polygon(vec![
            (x, y - r - 1),
            (x + r, y + r),
            (x - r, y + r),
        ]))?,
        Shape::TriangleDown => root.draw(&polygon(vec![
            (x - r, y - r),
            (x + r, y - r),
            (x, y + r + 1),
        ]))?,
        Shape::TriangleRight => root.draw(&polygon(vec![
            (x - r, y - r),
            (x + r + 1, y),
            (x - r, y + r),
        ]))?,
    }
    Ok(())
}

/// The legend: a sample and a label per entry, [`LEGEND_COLUMNS`] a row; `None` is the
/// weekend's shading.
fn draw_legend(root: &DrawingArea<SVGBackend, Shift>, entries: &[Option<Mark>]) -> Drawn {
    let font = ("sans-serif", 15).into_font().color(&BLACK);
    let style = font.pos(Pos::new(HPos::Left, VPos::Center));
    for (i, entry) in entries.iter().enumerate() {
        let column = (i % LEGEND_COLUMNS) as i32;
        let row = (i / LEGEND_COLUMNS) as i32;
        let (x, y) = (24 + column * LEGEND_WIDTH, LEGEND_TOP + row * LEGEND_ROW);
        let text = match entry {
            Some(mark) => {
                draw_shape(root, *mark, (x + 10, y))?;
                mark.label()
            }
            None => {
                let sample = [(x, y - 9), (x + 20, y + 9)];
                root.draw(&Rectangle::new(sample, WEEKEND.filled()))?;
                "Saturday or Sunday"
            }
        };
        root.draw(&Text::new(text, (x + 28, y), style.clone()))?;
    }
    Ok(())
}
