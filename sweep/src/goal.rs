//! `seqsim goal`: the smallest (or largest) whole value of a key meeting a target, by
//! bisection, checking on the way that the metric moves one way only.
//!
//! The target is a metric and a bound: `SEND_LIMIT_REACHED < 1%` (a share in percent of its
//! section), `outcomes.BOUNCED <= 200` (a count); its names are `seqsim check`'s count paths.
//! Both ends are evaluated first: the target must fail at one end and hold at the other (for
//! the smallest value: fail at A, hold at B; for the largest: hold at A, fail at B). Then
//! bisection keeps one failing and one holding point until they are neighbours. After every
//! evaluation the points so far, in value order, must have metric values that move one way
//! only (the way from A's to B's; equal neighbours allowed) and verdicts that change once;
//! otherwise the search stops and says "non-monotone", with the points that show it. Once
//! found, the answer's other neighbour is evaluated too (the bisection tried the failing one),
//! so the answer is reported between both.
//!
//! A point is judged on the mean over its seeds, or with `--confidence 0.95` ([`Judge`]) on
//! the end of the mean's 95% t-interval on the bound's side: `< 1%` then holds only where the
//! interval lies wholly below 1%.

use crate::metric::Metric;

/// A comparison of a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Op {
    const ALL: [(&'static str, Op); 4] =
        [("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt)];

    /// Whether `value op bound` holds.
    pub fn holds(self, value: f64, bound: f64) -> bool {
        match self {
            Op::Lt => value < bound,
            Op::Le => value <= bound,
            Op::Gt => value > bound,
            Op::Ge => value >= bound,
        }
    }

    /// Its symbol.
    pub fn symbol(self) -> &'static str {
        Op::ALL
            .iter()
            .find(|(_, o)| *o == self)
            .expect("every op")
            .0
    }
}

/// A target: a metric, a comparison and a bound.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// The metric judged (its mean over the seeds).
    pub metric: Metric,
    /// The comparison.
    pub op: Op,
    /// The bound (in percent for a share).
    pub bound: f64,
}

/// What a target looks like, for messages.
const FORM: &str = "METRIC OP NUMBER, OP one of < <= > >=, NUMBER ending in % for a share of the count's section (SEND_LIMIT_REACHED < 1%, outcomes.BOUNCED <= 200)";

impl Target {
    /// `--target`'s text read against the report's count paths `names`.
    pub fn parse(text: &str, names: &[String]) -> Result<Self, String> {
        let found = Op::ALL
            .iter()
            .find_map(|&(sym, op)| text.split_once(sym).map(|(m, b)| (m, op, b)));
        let Some((metric, op, bound)) = found else {
            return Err(format!(
                "--target `{text}` has no comparison; allowed: {FORM}"
            ));
        };
        let bound = bound.trim();
        let (number, percent) = match bound.strip_suffix('%') {
            Some(n) => (n.trim(), true),
            None => (bound, false),
        };
        let Some(bound) = number.parse::<f64>().ok().filter(|b| b.is_finite()) else {
            return Err(format!(
                "--target `{text}`: `{number}` is not a number; allowed: {FORM}"
            ));
        };
        let metric = metric.trim();
        let metric = match (percent, metric.ends_with('%')) {
            (true, false) => format!("{metric}%"),
            _ => metric.to_owned(),
        };
        let metric = Metric::parse(&metric, names).map_err(|e| format!("--target {e}"))?;
        if metric.share_of.is_none() && percent {
            return Err(format!(
                "--target `{text}`: a % bound needs a share; allowed: {FORM}"
            ));
        }
        Ok(Self { metric, op, bound })
    }

    /// The target as it reads (`outcomes.SEND_LIMIT_REACHED% < 1`); [`Target::parse`] reads
    /// it back.
    pub fn text(&self) -> String {
        format!("{} {} {}", self.metric.name, self.op.symbol(), self.bound)
    }

    /// The comparison and bound, with `%` for a share (`< 1%`).
    fn bound_text(&self) -> String {
        let percent = if self.metric.share_of.is_some() {
            "%"
        } else {
            ""
        };
        format!(
            "{} {}{percent}",
            self.op.symbol(),
            crate::plot::number(self.bound)
        )
    }

    /// The target as `--target` would spell it (`outcomes.SEND_LIMIT_REACHED < 1%`).
    pub fn spelled(&self) -> String {
        let base = self.metric.name.trim_end_matches('%');
        format!("{base} {}", self.bound_text())
    }

    /// The target with its unit, so a count and a share cannot be mixed up
    /// (`outcomes.SEND_LIMIT_REACHED < 1% of outcomes`, `outcomes.BOUNCED <= 200 enrollments`).
    pub fn described(&self) -> String {
        let base = self.metric.name.trim_end_matches('%');
        let unit = self.metric.unit();
        let number = crate::plot::number(self.bound);
        match unit.strip_prefix('%') {
            Some(of) => format!("{base} {} {number}%{of}", self.op.symbol()),
            None => format!("{base} {} {number} {unit}", self.op.symbol()),
        }
    }

    /// The target as a plot's legend shows it, by the code alone (`target: SEND_LIMIT_REACHED
    /// < 1%`).
    pub fn legend(&self) -> String {
        let base = self.metric.name.trim_end_matches('%');
        let code = base.split_once('.').map_or(base, |(_, n)| n);
        format!("target: {code} {}", self.bound_text())
    }
}

/// How the seeds of a point are judged against the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judge {
    /// The mean over the seeds must meet the bound.
    Mean,
    /// The end of the mean's 95% interval on the bound's side must meet it (`--confidence
    /// 0.95`): the high end for `<` and `<=`, the low end for `>` and `>=`. Needs two seeds.
    Interval95,
}

impl Judge {
    /// What is judged, in a few words (`the mean over 5 seeds`).
    pub fn text(self, op: Op, seeds: u32) -> String {
        match self {
            Judge::Mean if seeds == 1 => "one seed".to_owned(),
            Judge::Mean => format!("the mean over {seeds} seeds"),
            Judge::Interval95 => format!(
                "the {} end of the mean's 95% interval over {seeds} seeds",
                if matches!(op, Op::Lt | Op::Le) {
                    "upper"
                } else {
                    "lower"
                }
            ),
        }
    }
}

/// One evaluated value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// The key's value.
    pub x: i64,
    /// The metric's mean over the seeds.
    pub mean: f64,
    /// The 95% t-interval of the mean (low, high); `None` for one seed.
    pub interval: Option<(f64, f64)>,
    /// The value judged: the mean, or the interval's end (see [`Judge`]).
    pub value: f64,
    /// Whether the target holds there.
    pub holds: bool,
}

impl Point {
    /// The point at `x` whose seeds gave the metric `values` (at least one; two for
    /// [`Judge::Interval95`]), judged against `target`.
    pub fn judge(x: i64, values: &[f64], target: &Target, judge: Judge) -> Self {
        assert!(!values.is_empty(), "a point has at least one seed");
        let (mean, interval) = if values.len() >= 2 {
            let (m, low, high) = reports::stats::interval(values);
            (m, Some((low, high)))
        } else {
            (values[0], None)
        };
        let value = match (judge, interval) {
            (Judge::Mean, _) => mean,
            (Judge::Interval95, Some((low, high))) => match target.op {
                Op::Lt | Op::Le => high,
                Op::Gt | Op::Ge => low,
            },
            (Judge::Interval95, None) => panic!("an interval needs two seeds"),
        };
        Self {
            x,
            mean,
            interval,
            value,
            holds: target.op.holds(value, target.bound),
        }
    }
}

/// How a search ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// The answer: the smallest (largest) value meeting the target.
    Found(i64),
    /// The ends do not bracket the answer: what they show.
    NoBracket(String),
    /// A point breaks monotonicity: the points that show it.
    NonMonotone(String),
}

/// Searches [lo, hi] for the smallest value where the target holds (the largest with
/// `maximize`), calling `eval` on each value tried; every point tried is returned, in the order
/// tried. `eval`'s error ends the search.
pub fn search<E>(
    lo: i64,
    hi: i64,
    maximize: bool,
    mut eval: impl FnMut(i64) -> Result<Point, E>,
) -> Result<(Verdict, Vec<Point>), E> {
    assert!(lo <= hi, "an empty range {lo}..{hi}");
    let mut tried = vec![eval(lo)?];
    if hi != lo {
        tried.push(eval(hi)?);
    }
    let (a, b) = (tried[0], tried[tried.len() - 1]);
    // The end where the target should fail, and where it should hold.
    let (mut fail, mut hold) = if maximize { (b, a) } else { (a, b) };
    if fail.holds || !hold.holds || lo == hi {
        return Ok((Verdict::NoBracket(no_bracket(a, b, maximize)), tried));
    }
    while (hold.x - fail.x).abs() > 1 {
        let mid = fail.x.min(hold.x) + (hold.x - fail.x).abs() / 2;
        let p = eval(mid)?;
        tried.push(p);
        if let Some(evidence) = non_monotone(&tried, maximize) {
            return Ok((Verdict::NonMonotone(evidence), tried));
        }
        if p.holds {
            hold = p;
        } else {
            fail = p;
        }
    }
    // The answer's other neighbour (the failing one was tried): its mean and interval are
    // reported beside the answer's, and it must agree with monotonicity too.
    let beyond = if maximize { hold.x - 1 } else { hold.x + 1 };
    if (lo..=hi).contains(&beyond) && tried.iter().all(|p| p.x != beyond) {
        tried.push(eval(beyond)?);
        if let Some(evidence) = non_monotone(&tried, maximize) {
            return Ok((Verdict::NonMonotone(evidence), tried));
        }
    }
    Ok((Verdict::Found(hold.x), tried))
}

/// Why ends `a` (at A) and `b` (at B) do not bracket an answer.
fn no_bracket(a: Point, b: Point, maximize: bool) -> String {
    let says = |p: Point| if p.holds { "holds" } else { "fails" };
    let want = if maximize {
        "hold at A and fail at B"
    } else {
        "fail at A and hold at B"
    };
    format!(
        "the target {} at {} and {} at {}; a search for the {} value needs it to {want}",
        says(a),
        a.x,
        says(b),
        b.x,
        if maximize { "largest" } else { "smallest" }
    )
}

/// The evidence that `tried` is not monotone, if it is not: in value order, metric values that
/// turn back against the direction from the lowest to the highest value tried, or verdicts that
/// change more than once. The direction is the means' (an interval's end wavers more than the
/// mean with the seeds' spread); the verdicts are the judged values'.
pub fn non_monotone(tried: &[Point], maximize: bool) -> Option<String> {
    let mut sorted = tried.to_vec();
    sorted.sort_by_key(|p| p.x);
    let (first, last) = (sorted[0], sorted[sorted.len() - 1]);
    let direction = (last.mean - first.mean).signum();
    let show = |p: &Point| {
        format!(
            "{} -> {} ({})",
            p.x,
            p.mean,
            if p.holds { "holds" } else { "fails" }
        )
    };
    for w in sorted.windows(2) {
        let moved = (w[1].mean - w[0].mean) * direction;
        let turned = if maximize {
            !w[0].holds && w[1].holds
        } else {
            w[0].holds && !w[1].holds
        };
        if moved < 0.0 || turned {
            return Some(format!(
                "non-monotone: between {} and {}, {} and {} go against the ends {} and {}",
                w[0].x,
                w[1].x,
                show(&w[0]),
                show(&w[1]),
                show(&first),
                show(&last)
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        [
            "enrollment_attempts",
            "outcomes.SEND_LIMIT_REACHED",
            "outcomes.FINISHED",
        ]
        .map(str::to_owned)
        .to_vec()
    }

    /// A point of a metric that is `f(x)` against a bound of `< 1`.
    fn point(x: i64, f: impl Fn(i64) -> f64) -> Result<Point, ()> {
        let value = f(x);
        Ok(Point {
            x,
            mean: value,
            interval: None,
            value,
            holds: value < 1.0,
        })
    }

    #[test]
    fn targets_read_metric_comparison_and_bound() {
        let t = Target::parse("SEND_LIMIT_REACHED < 1%", &names()).unwrap();
        assert_eq!(
            (t.metric.name.as_str(), t.op, t.bound),
            ("outcomes.SEND_LIMIT_REACHED%", Op::Lt, 1.0)
        );
        let t = Target::parse("outcomes.FINISHED>=200", &names()).unwrap();
        assert_eq!(
            (t.metric.name.as_str(), t.op, t.bound),
            ("outcomes.FINISHED", Op::Ge, 200.0)
        );
        assert!(t.op.holds(200.0, 200.0) && !Op::Gt.holds(200.0, 200.0));
        assert_eq!(t.legend(), "target: FINISHED >= 200");
        // The text reads back as the same target; the legend shows the share's %.
        let t = Target::parse("SEND_LIMIT_REACHED <= 0.5%", &names()).unwrap();
        assert_eq!(t.text(), "outcomes.SEND_LIMIT_REACHED% <= 0.5");
        assert_eq!(Target::parse(&t.text(), &names()).unwrap(), t);
        assert_eq!(t.legend(), "target: SEND_LIMIT_REACHED <= 0.5%");
        assert_eq!(t.spelled(), "outcomes.SEND_LIMIT_REACHED <= 0.5%");
        assert_eq!(Target::parse(&t.spelled(), &names()).unwrap(), t);
        let t = Target::parse("enrollment_attempts > 10", &names()).unwrap();
        assert_eq!(t.legend(), "target: enrollment_attempts > 10");
        for (bad, says) in [
            ("SEND_LIMIT_REACHED 1%", "no comparison"),
            ("SEND_LIMIT_REACHED < x", "not a number"),
            ("NOPE < 1", "not a count"),
            ("enrollment_attempts < 1%", "no share"),
        ] {
            let err = Target::parse(bad, &names()).unwrap_err();
            assert!(
                err.contains(says) && err.contains("allowed"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn bisection_finds_the_smallest_value_by_hand() {
        // 10 - x/5 falls below 1 from x = 46 (at 45 it is exactly 1, not < 1).
        let f = |x: i64| 10.0 - x as f64 / 5.0;
        let (verdict, tried) = search(30, 80, false, |x| point(x, f)).unwrap();
        assert_eq!(verdict, Verdict::Found(46));
        let xs: Vec<i64> = tried.iter().map(|p| p.x).collect();
        // The answer's neighbours are both tried: 45 by the bisection, 47 after it.
        assert_eq!(xs, [30, 80, 55, 42, 48, 45, 46, 47]);
    }

    #[test]
    fn bisection_finds_the_largest_value_by_hand() {
        // x/10 stays below 1 up to 9.
        let (verdict, tried) = search(0, 20, true, |x| point(x, |x| x as f64 / 10.0)).unwrap();
        assert_eq!(verdict, Verdict::Found(9));
        assert_eq!(
            tried.iter().map(|p| p.x).collect::<Vec<_>>(),
            [0, 20, 10, 5, 7, 8, 9]
        );
    }

    #[test]
    fn ends_that_do_not_bracket_say_so() {
        let (verdict, tried) = search(0, 10, false, |x| point(x, |_| 0.5)).unwrap();
        assert_eq!(tried.len(), 2);
        let Verdict::NoBracket(why) = verdict else {
            panic!("{verdict:?}")
        };
        assert!(why.contains("holds at 0 and holds at 10"), "{why}");
    }

    #[test]
    fn a_bump_in_the_middle_is_non_monotone() {
        // Falls from 5 to 0, but at 5 it is 9: the first midpoint shows it.
        let f = |x: i64| if x == 5 { 9.0 } else { 5.0 - x as f64 / 2.0 };
        let (verdict, tried) = search(0, 10, false, |x| point(x, f)).unwrap();
        assert_eq!(tried.iter().map(|p| p.x).collect::<Vec<_>>(), [0, 10, 5]);
        let Verdict::NonMonotone(why) = verdict else {
            panic!("{verdict:?}")
        };
        assert!(why.contains("between 0 and 5"), "{why}");
        // Values that move one way but verdicts that change twice cannot happen under one
        // bound; a hand-made set of points shows the verdict check on its own.
        let pts = [
            Point {
                x: 0,
                mean: 3.0,
                interval: None,
                value: 3.0,
                holds: false,
            },
            Point {
                x: 1,
                mean: 2.0,
                interval: None,
                value: 2.0,
                holds: true,
            },
            Point {
                x: 2,
                mean: 1.0,
                interval: None,
                value: 1.0,
                holds: false,
            },
        ];
        assert!(non_monotone(&pts, false)
            .unwrap()
            .contains("between 1 and 2"));
        assert_eq!(non_monotone(&pts[..2], false), None);
    }

    #[test]
    fn a_point_is_judged_on_its_mean_or_its_intervals_end_by_hand() {
        // The five seeds at 45 reps: mean 0.844; sd 0.161493 (sum of squares 0.10432
        // over 4); t(4) = 2.776445; half-width 2.776445 * 0.161493 / sqrt(5) = 0.200520.
        let seeds = [0.99, 0.96, 0.59, 0.89, 0.79];
        let lt = Target::parse("SEND_LIMIT_REACHED < 1%", &names()).unwrap();
        let mean = Point::judge(45, &seeds, &lt, Judge::Mean);
        assert!((mean.mean - 0.844).abs() < 1e-12 && mean.holds);
        let (low, high) = mean.interval.unwrap();
        assert!((high - 1.044520).abs() < 1e-6, "{high}");
        assert!((low - 0.643480).abs() < 1e-6, "{low}");
        let bound = Point::judge(45, &seeds, &lt, Judge::Interval95);
        assert_eq!((bound.value, bound.holds), (high, false));
        let gt = Target::parse("SEND_LIMIT_REACHED > 0.7%", &names()).unwrap();
        let bound = Point::judge(45, &seeds, &gt, Judge::Interval95);
        assert_eq!((bound.value, bound.holds), (low, false));
        assert!(Point::judge(45, &seeds, &gt, Judge::Mean).holds);
        let one = Point::judge(45, &[0.5], &lt, Judge::Mean);
        assert_eq!((one.mean, one.interval, one.holds), (0.5, None, true));
    }

    #[test]
    fn judged_on_the_interval_the_answer_moves_by_its_half_width() {
        // Two seeds at mean 10 - x/5, 0.1 either side: sd 0.1 * sqrt(2), so the half-width is
        // t(1) * 0.1 = 1.2706205. The mean is below 1 from x = 46; the upper end, from
        // 10 - x/5 < -0.2706205, that is x > 51.35: from 52.
        let t = Target::parse("SEND_LIMIT_REACHED < 1%", &names()).unwrap();
        let t = &t;
        let at = |judge| {
            move |x: i64| -> Result<Point, ()> {
                let m = 10.0 - x as f64 / 5.0;
                Ok(Point::judge(x, &[m - 0.1, m + 0.1], t, judge))
            }
        };
        let (mean, _) = search(30, 80, false, at(Judge::Mean)).unwrap();
        assert_eq!(mean, Verdict::Found(46));
        let (bound, tried) = search(30, 80, false, at(Judge::Interval95)).unwrap();
        assert_eq!(bound, Verdict::Found(52));
        let xs: Vec<i64> = tried.iter().map(|p| p.x).collect();
        assert!(xs.contains(&51) && xs.contains(&53), "{xs:?}");
    }

    #[test]
    fn a_target_says_whether_it_is_a_count_or_a_share() {
        let t = |text: &str| Target::parse(text, &names()).unwrap().described();
        assert_eq!(
            t("SEND_LIMIT_REACHED < 1%"),
            "outcomes.SEND_LIMIT_REACHED < 1% of outcomes"
        );
        assert_eq!(
            t("SEND_LIMIT_REACHED < 1"),
            "outcomes.SEND_LIMIT_REACHED < 1 enrollments"
        );
        assert_eq!(
            t("enrollment_attempts >= 20"),
            "enrollment_attempts >= 20 attempts"
        );
    }

    #[test]
    fn the_answers_other_neighbour_is_tried_after_the_search() {
        // x/10 stays below 1 up to 9; over 0..100 the bisection tries 10 (fails) but not 8.
        let (verdict, tried) = search(0, 100, true, |x| point(x, |x| x as f64 / 10.0)).unwrap();
        assert_eq!(verdict, Verdict::Found(9));
        let xs: Vec<i64> = tried.iter().map(|p| p.x).collect();
        assert_eq!(xs, [0, 100, 50, 25, 12, 6, 9, 10, 8]);
        // An answer at the range's end has no neighbour beyond it: 10 - x/5 < 1 from 46.
        let (verdict, tried) =
            search(30, 46, false, |x| point(x, |x| 10.0 - x as f64 / 5.0)).unwrap();
        assert_eq!(verdict, Verdict::Found(46));
        assert!(tried.iter().all(|p| p.x <= 46), "{tried:?}");
    }

    #[test]
    fn what_is_judged_is_said_in_words() {
        assert_eq!(Judge::Mean.text(Op::Lt, 1), "one seed");
        assert_eq!(Judge::Mean.text(Op::Lt, 5), "the mean over 5 seeds");
        assert_eq!(
            Judge::Interval95.text(Op::Le, 5),
            "the upper end of the mean's 95% interval over 5 seeds"
        );
        assert_eq!(
            Judge::Interval95.text(Op::Gt, 3),
            "the lower end of the mean's 95% interval over 3 seeds"
        );
    }
}
