//! "Why limits bind", a section of every report: how close each inbox came to its cap, where the
//! limits were met (by weekday and by step), and the load per inbox and weekday, simulated and
//! as the plan and the step delays alone predict it (`sim::estimate`), with the busiest weekday's
//! share of the mean. Integers only: usages as counts, ratios in per-mille, loads in thousandths
//! of a send, all rounded half up in integer arithmetic.

use model::{LimitSide, RejectionCode};
use sim::{DayCounter, RunResult, Scenario, Weekday};

use crate::text::{thousands, Grid};

/// The section as the JSON report holds it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Limits {
    /// Sending inboxes: users with an inbox and a seat that may use sequences.
    pub inboxes: u64,
    /// Over the sending inboxes, each inbox's peak rolling-24-hour usage (sends its window
    /// counted in any 24 hours).
    pub peak_sent_24h: Spread,
    /// Over the sending inboxes, each one's peak usage in per-mille of its daily cap (the
    /// smaller of the platform's sequence limit and the provider's daily limit).
    pub peak_permille_of_cap: Spread,
    /// Per weekday, Monday first: limit hits, and the load per inbox.
    pub by_weekday: Vec<WeekdayLoad>,
    /// SEND_LIMIT_REACHED by step number (1 is step 1), up to the longest sequence's last step.
    pub hits_by_step: Vec<StepHits>,
    /// The busiest weekday against the mean of the weekdays that carry sends in the estimate.
    pub peak_weekday: PeakWeekday,
}

/// The maximum, 95th percentile and median of a set of integers, by nearest rank: the value at
/// position ceil(p/100 * n) of the sorted values (the lower median for an even count); 0 for
/// an empty set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Spread {
    /// The largest value.
    pub max: u64,
    /// The 95th percentile.
    pub p95: u64,
    /// The median.
    pub median: u64,
}

impl Spread {
    /// The spread of `values`.
    pub fn of(mut values: Vec<u64>) -> Self {
        values.sort_unstable();
        let rank = |p: usize| {
            let n = values.len();
            (n > 0).then(|| values[(p * n).div_ceil(100).max(1) - 1])
        };
        Self {
            max: values.last().copied().unwrap_or(0),
            p95: rank(95).unwrap_or(0),
            median: rank(50).unwrap_or(0),
        }
    }
}

/// One weekday of the horizon.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct WeekdayLoad {
    /// Three letters.
    pub weekday: &'static str,
    /// Days of the horizon that fall on it.
    pub days: u32,
    /// SEND_LIMIT_REACHED step failures on it, the platform's limit.
    pub send_limit_platform: u64,
    /// SEND_LIMIT_REACHED step failures on it, the provider's limit.
    pub send_limit_provider: u64,
    /// Attempts the sequences daily limit refused on it (SEQUENCES_DAILY_LIMIT_REACHED).
    pub daily_limit_refused: u64,
    /// Enrollments the sequences daily limit deferred on it.
    pub daily_limit_deferred: u64,
    /// Sends the custom per-minute limit (`sending.per_minute_limit`) moved to the next clock
    /// minute, by the day they fell due.
    pub per_minute_deferred: u64,
    /// Expected sends per sending inbox per day on it, in thousandths (`sim::estimate`).
    pub expected_sends_per_inbox_milli: u64,
    /// Simulated sends per sending inbox per day on it, in thousandths.
    pub simulated_sends_per_inbox_milli: u64,
}

/// SEND_LIMIT_REACHED at one step.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StepHits {
    /// The step's number (1 is step 1).
    pub step: u32,
    /// Stopped by the platform's limit.
    pub platform: u64,
    /// Stopped by the provider's limit.
    pub provider: u64,
}

/// The busiest weekday, expected and simulated.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PeakWeekday {
    /// By the estimate.
    pub expected: Peak,
    /// In the run.
    pub simulated: Peak,
}

/// A weekday's load against the mean.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Peak {
    /// Three letters (the first of equal loads, Monday first).
    pub weekday: &'static str,
    /// Its sends per inbox per day in per-mille of the mean over the weekdays that carry sends
    /// in the estimate (all seven if none does); 0 when nothing is sent.
    pub permille_of_mean: u64,
}

/// `num / den` rounded half up; 0 when `den` is 0.
pub(crate) fn ratio(num: u128, den: u128) -> u64 {
    if den == 0 {
        return 0;
    }
    ((num * 2 + den) / (den * 2)) as u64
}

impl Limits {
    /// The section for `result`, a run of `scenario`.
    pub fn new(scenario: &Scenario, result: &RunResult) -> Self {
        let limits = &result.counters.limits;
        let peaks = &limits.inbox_peaks;
        let permille = |sent: u32, cap: u32| match cap {
            0 => 1_000,
            cap => ratio(u128::from(sent) * 1_000, u128::from(cap)),
        };
        let by_weekday = by_weekday(scenario, result);
        let longest = (scenario.sequences.iter()).map(|s| s.steps.len());
        let steps = longest.max().unwrap_or(0).max(limits.hits_by_step.len());
        let hits_by_step = (0..steps)
            .map(|i| {
                let hits = limits.hits_by_step.get(i).copied().unwrap_or_default();
                StepHits {
                    step: i as u32 + 1,
                    platform: hits[LimitSide::Platform.index()],
                    provider: hits[LimitSide::Provider.index()],
                }
            })
            .collect();
        Self {
            inboxes: peaks.len() as u64,
            peak_sent_24h: Spread::of(peaks.iter().map(|p| u64::from(p.sent_24h)).collect()),
            peak_permille_of_cap: Spread::of(
                peaks.iter().map(|p| permille(p.sent_24h, p.cap)).collect(),
            ),
            peak_weekday: peak_weekday(&by_weekday),
            by_weekday,
            hits_by_step,
        }
    }
}

/// Each weekday's hits and loads, Monday first.
fn by_weekday(scenario: &Scenario, result: &RunResult) -> Vec<WeekdayLoad> {
    let cal = &scenario.calendar;
    let counters = &result.counters;
    let inboxes = u128::from(sim::estimate::sending_inboxes(scenario));
    let expected = sim::estimate::expected_sends_by_day(scenario);
    let mut rows: Vec<WeekdayLoad> = (Weekday::ALL.iter())
        .map(|w| WeekdayLoad {
            weekday: w.name(),
            days: 0,
            send_limit_platform: 0,
            send_limit_provider: 0,
            daily_limit_refused: 0,
            daily_limit_deferred: 0,
            per_minute_deferred: 0,
            expected_sends_per_inbox_milli: 0,
            simulated_sends_per_inbox_milli: 0,
        })
        .collect();
    let mut sent = [0u64; 7];
    let mut expected_by_weekday = [0.0f64; 7];
    for (day, slots) in counters.daily.iter().enumerate() {
        let w = cal.weekday(day as u32).index();
        let row = &mut rows[w];
        row.days += 1;
        for slot in slots {
            row.send_limit_platform += slot.get(DayCounter::LimitHitsPlatform);
            row.send_limit_provider += slot.get(DayCounter::LimitHitsProvider);
            sent[w] += slot.get(DayCounter::Sent);
        }
        let [refused, deferred, per_minute] = counters.limits.deferrals_by_day[day];
        row.daily_limit_refused += refused;
        row.daily_limit_deferred += deferred;
        row.per_minute_deferred += per_minute;
        expected_by_weekday[w] += expected[day];
    }
    for (w, row) in rows.iter_mut().enumerate() {
        let per = inboxes * u128::from(row.days);
        row.simulated_sends_per_inbox_milli = ratio(u128::from(sent[w]) * 1_000, per);
        // Round the estimate to whole thousandths of all inboxes' sends first: integers on.
        let milli = (expected_by_weekday[w] * 1_000.0).round() as u128;
        row.expected_sends_per_inbox_milli = ratio(milli, per);
    }
    debug_assert_eq!(
        rows.iter().map(|r| r.daily_limit_refused).sum::<u64>(),
        counters.rejected(RejectionCode::SequencesDailyLimitReached)
    );
    rows
}

/// The busiest weekday of each column against the mean of the weekdays the estimate loads.
fn peak_weekday(rows: &[WeekdayLoad]) -> PeakWeekday {
    let loaded: Vec<&WeekdayLoad> = match rows.iter().any(|r| r.expected_sends_per_inbox_milli > 0)
    {
        true => (rows.iter())
            .filter(|r| r.expected_sends_per_inbox_milli > 0)
            .collect(),
        false => rows.iter().collect(),
    };
    let peak = |load: fn(&WeekdayLoad) -> u64| {
        let sum: u64 = loaded.iter().map(|r| load(r)).sum();
        let top = (rows.iter()).fold(
            &rows[0],
            |best, r| if load(r) > load(best) { r } else { best },
        );
        Peak {
            weekday: top.weekday,
            permille_of_mean: ratio(
                u128::from(load(top)) * 1_000 * loaded.len() as u128,
                u128::from(sum),
            ),
        }
    };
    PeakWeekday {
        expected: peak(|r| r.expected_sends_per_inbox_milli),
        simulated: peak(|r| r.simulated_sends_per_inbox_milli),
    }
}

/// Thousandths as a decimal with one digit, rounded half up: `2833` as `2.8`.
fn tenths(milli: u64) -> String {
    let tenths = (milli + 50) / 100;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `Mon` as `Mondays`.
fn plural(weekday: &str) -> String {
    let full = Weekday::ALL
        .iter()
        .zip([
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ])
        .find(|(w, _)| w.name() == weekday)
        .map_or(weekday, |(_, full)| full);
    format!("{full}s")
}

/// The sentence that says where the load peaks, simulated and expected.
pub(crate) fn headline(l: &Limits) -> String {
    let (sim, exp) = (&l.peak_weekday.simulated, &l.peak_weekday.expected);
    if sim.permille_of_mean == 0 {
        return "Nothing was sent.".to_owned();
    }
    format!(
        "{} carry {}x the mean load per inbox (simulated; the plan and step delays alone put {} at {}x).",
        plural(sim.weekday),
        tenths(sim.permille_of_mean),
        plural(exp.weekday),
        tenths(exp.permille_of_mean),
    )
}

/// The section as text (a terminal table, or Markdown), appended to `out`.
pub(crate) fn render(l: &Limits, markdown: bool, out: &mut String) {
    use std::fmt::Write as _;
    let _ = write!(
        out,
        "\n{}{}\n",
        if markdown {
            "## Why limits bind\n\n"
        } else {
            "why limits bind\n"
        },
        headline(l)
    );
    let share = |permille: u64| format!("{}.{}%", permille / 10, permille % 10);
    let mut peaks = Grid::new(&["peak rolling 24 h per inbox", "sends", "of cap"], 1);
    let (sent, of_cap) = (&l.peak_sent_24h, &l.peak_permille_of_cap);
    for (name, s, c) in [
        ("max", sent.max, of_cap.max),
        ("p95", sent.p95, of_cap.p95),
        ("median", sent.median, of_cap.median),
    ] {
        peaks
            .rows
            .push(vec![name.to_owned(), thousands(s), share(c)]);
    }
    peaks.write(out, markdown);
    let header = [
        "weekday",
        "days",
        "expected/inbox/day",
        "simulated/inbox/day",
        "limit:plat",
        "limit:prov",
        "daily:refused",
        "daily:deferred",
        "minute:deferred",
    ];
    let mut days = Grid::new(&header, 1);
    for r in &l.by_weekday {
        days.rows.push(vec![
            r.weekday.to_owned(),
            r.days.to_string(),
            tenths(r.expected_sends_per_inbox_milli),
            tenths(r.simulated_sends_per_inbox_milli),
            thousands(r.send_limit_platform),
            thousands(r.send_limit_provider),
            thousands(r.daily_limit_refused),
            thousands(r.daily_limit_deferred),
            thousands(r.per_minute_deferred),
        ]);
    }
    days.write(out, markdown);
    let mut steps = Grid::new(&["SEND_LIMIT_REACHED by step", "platform", "provider"], 1);
    for s in &l.hits_by_step {
        let step = format!("step {}", s.step);
        steps
            .rows
            .push(vec![step, thousands(s.platform), thousands(s.provider)]);
    }
    steps.write(out, markdown);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_round_half_up() {
        assert_eq!(ratio(1, 2), 1);
        assert_eq!(ratio(1, 3), 0);
        assert_eq!(ratio(2, 3), 1);
        assert_eq!(ratio(5, 0), 0);
        assert_eq!(ratio(2_800, 1_000), 3);
    }

    #[test]
    fn the_headline_names_the_busiest_weekday() {
        assert_eq!(tenths(2_833), "2.8");
        assert_eq!(tenths(2_850), "2.9");
        assert_eq!(plural("Mon"), "Mondays");
        let mut l = Limits {
            inboxes: 1,
            peak_sent_24h: Spread::default(),
            peak_permille_of_cap: Spread::default(),
            by_weekday: Vec::new(),
            hits_by_step: Vec::new(),
            peak_weekday: PeakWeekday {
                expected: Peak {
                    weekday: "Mon",
                    permille_of_mean: 2_600,
                },
                simulated: Peak {
                    weekday: "Mon",
                    permille_of_mean: 2_840,
                },
            },
        };
        assert_eq!(
            headline(&l),
            "Mondays carry 2.8x the mean load per inbox (simulated; the plan and step delays alone put Mondays at 2.6x)."
        );
        l.peak_weekday.simulated.permille_of_mean = 0;
        assert_eq!(headline(&l), "Nothing was sent.");
    }

    #[test]
    fn spreads_use_the_nearest_rank() {
        assert_eq!(Spread::of(vec![]), Spread::default());
        let one = Spread::of(vec![7]);
        assert_eq!((one.max, one.p95, one.median), (7, 7, 7));
        // 1..=20: the median is the 10th value, the p95 the 19th.
        let s = Spread::of((1..=20).rev().collect());
        assert_eq!((s.max, s.p95, s.median), (20, 19, 10));
    }
}
