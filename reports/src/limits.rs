//! "Why limits bind", a section of every report: how close each inbox came to its cap, where the
//! limits were met (by weekday and by step), and the load per inbox and weekday, simulated and
//! as the plan and the step delays alone predict it (`sim::estimate`), with the busiest weekday's
//! share of the mean. Integers only: usages as counts, ratios in per-mille, loads in thousandths
//! of a send, all rounded half up in integer arithmetic.

use model::{LimitSide, RejectionCode};
use sim::{DayCounter, RunResult, Scenario, Weekday};

use crate::table::{thousands, Grid};

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
    /// The inboxes at the maximum, 95th percentile and median of the peak usage's share of the
    /// inbox's own cap (nearest rank, as [`Spread`]; equal shares ranked by sends, then by
    /// inbox order): each one inbox's sends, cap and share, so that a row reads as one inbox.
    pub peak_inboxes: Vec<RankedInbox>,
    /// The sending inboxes by their peak usage's share of their cap, in tenths of the cap:
    /// `[0%, 10%)` up to `[90%, 100%)`, then at the cap or over it (Gmail's own step-1 sends
    /// can pass it).
    pub peak_share_histogram: Vec<ShareBin>,
    /// Per weekday, Monday first: limit hits, and the load per inbox.
    pub by_weekday: Vec<WeekdayLoad>,
    /// Per sender provider with sending inboxes, in catalogue order: how many, and the sum of
    /// their daily caps (the most the provider's inboxes may send in a day).
    pub caps_by_provider: Vec<ProviderCap>,
    /// SEND_LIMIT_REACHED by step number (1 is step 1), up to the longest sequence's last step.
    pub hits_by_step: Vec<StepHits>,
    /// SEND_LIMIT_REACHED (both sides) per weekday, Monday first, by step: as many steps as
    /// `hits_by_step`, each step's weekdays summing to its two sides there.
    pub hits_by_weekday_step: Vec<WeekdaySteps>,
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

/// One inbox of [`Limits::peak_inboxes`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RankedInbox {
    /// `max`, `p95` or `median`.
    pub rank: &'static str,
    /// Its peak rolling-24-hour usage.
    pub sent_24h: u64,
    /// Its daily cap.
    pub cap: u64,
    /// The usage in per-mille of the cap.
    pub permille_of_cap: u64,
}

/// One sender provider of [`Limits::caps_by_provider`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ProviderCap {
    /// The provider's name, as in the daily series.
    pub provider: &'static str,
    /// Its sending inboxes.
    pub inboxes: u64,
    /// The sum of their daily caps.
    pub daily_cap: u64,
}

/// One bin of [`Limits::peak_share_histogram`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ShareBin {
    /// The bin's lowest share, in per-mille of the cap.
    pub from_permille: u64,
    /// The share the bin stops short of; absent for the last bin (at the cap or over).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub below_permille: Option<u64>,
    /// Sending inboxes whose peak share falls in the bin.
    pub inboxes: u64,
}

/// SEND_LIMIT_REACHED on one weekday, by step.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct WeekdaySteps {
    /// Three letters.
    pub weekday: &'static str,
    /// Per step (the first is step 1): the step failures.
    pub hits: Vec<u64>,
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
        let hits_by_step: Vec<StepHits> = (0..steps)
            .map(|i| {
                let hits = limits.hits_by_step.get(i).copied().unwrap_or_default();
                StepHits {
                    step: i as u32 + 1,
                    platform: hits[LimitSide::Platform.index()],
                    provider: hits[LimitSide::Provider.index()],
                }
            })
            .collect();
        let shares: Vec<(u64, u64, u64)> = (peaks.iter())
            .map(|p| {
                let (sent, cap) = (u64::from(p.sent_24h), u64::from(p.cap));
                (permille(p.sent_24h, p.cap), sent, cap)
            })
            .collect();
        Self {
            inboxes: peaks.len() as u64,
            peak_sent_24h: Spread::of(peaks.iter().map(|p| u64::from(p.sent_24h)).collect()),
            peak_permille_of_cap: Spread::of(shares.iter().map(|s| s.0).collect()),
            peak_inboxes: ranked_inboxes(shares.clone()),
            peak_share_histogram: share_histogram(&shares),
            caps_by_provider: caps_by_provider(peaks),
            peak_weekday: peak_weekday(&by_weekday),
            by_weekday,
            hits_by_weekday_step: by_weekday_step(scenario, result, &hits_by_step),
            hits_by_step,
        }
    }
}

/// The inboxes at the maximum, p95 and median of `shares` (per-mille of cap, sends, cap, one
/// per inbox in inbox order), by nearest rank over the shares, equal shares by sends.
fn ranked_inboxes(mut shares: Vec<(u64, u64, u64)>) -> Vec<RankedInbox> {
    // A stable sort: equal (share, sends) keep inbox order.
    shares.sort_by_key(|&(share, sent, _)| (share, sent));
    let n = shares.len();
    if n == 0 {
        return Vec::new();
    }
    [("max", 100), ("p95", 95), ("median", 50)]
        .into_iter()
        .map(|(rank, p)| {
            let (share, sent, cap) = shares[(p * n).div_ceil(100).max(1) - 1];
            RankedInbox {
                rank,
                sent_24h: sent,
                cap,
                permille_of_cap: share,
            }
        })
        .collect()
}

/// The sending inboxes and the sum of their caps per provider slot, slots without inboxes
/// left out.
fn caps_by_provider(peaks: &[sim::InboxPeak]) -> Vec<ProviderCap> {
    let mut slots = [(0u64, 0u64); sim::PROVIDER_SLOTS];
    for p in peaks {
        slots[p.slot].0 += 1;
        slots[p.slot].1 += u64::from(p.cap);
    }
    (slots.iter().enumerate())
        .filter(|(_, &(inboxes, _))| inboxes > 0)
        .map(|(slot, &(inboxes, daily_cap))| ProviderCap {
            provider: crate::slot_name(slot),
            inboxes,
            daily_cap,
        })
        .collect()
}

/// The histogram of the shares (the first of each triple), in tenths of the cap, then at the
/// cap or over.
fn share_histogram(shares: &[(u64, u64, u64)]) -> Vec<ShareBin> {
    let mut bins: Vec<ShareBin> = (0..=10)
        .map(|i| ShareBin {
            from_permille: i * 100,
            below_permille: (i < 10).then_some((i + 1) * 100),
            inboxes: 0,
        })
        .collect();
    for &(share, _, _) in shares {
        bins[(share / 100).min(10) as usize].inboxes += 1;
    }
    debug_assert_eq!(
        bins.iter().map(|b| b.inboxes).sum::<u64>(),
        shares.len() as u64
    );
    bins
}

/// SEND_LIMIT_REACHED per weekday and step, from the run's counts per day and step; as many
/// steps as `by_step`, whose two sides each step's weekdays sum to.
fn by_weekday_step(
    scenario: &Scenario,
    result: &RunResult,
    by_step: &[StepHits],
) -> Vec<WeekdaySteps> {
    let mut rows: Vec<WeekdaySteps> = (Weekday::ALL.iter())
        .map(|w| WeekdaySteps {
            weekday: w.name(),
            hits: vec![0; by_step.len()],
        })
        .collect();
    let limits = &result.counters.limits;
    for (day, steps) in limits.hits_by_day_step.iter().enumerate() {
        let row = &mut rows[scenario.calendar.weekday(day as u32).index()];
        assert!(steps.len() <= by_step.len(), "a hit beyond the last step");
        row.hits.iter_mut().zip(steps).for_each(|(a, b)| *a += b);
    }
    for (i, step) in by_step.iter().enumerate() {
        let sum: u64 = rows.iter().map(|r| r.hits[i]).sum();
        assert_eq!(
            sum,
            step.platform + step.provider,
            "step {}'s hits by weekday",
            step.step
        );
    }
    rows
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
pub(crate) fn tenths(milli: u64) -> String {
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
    let title = "peak rolling 24 h: the inbox at each rank of share of its cap";
    let mut peaks = Grid::new(&[title, "sends", "cap", "of cap"], 1);
    for inbox in &l.peak_inboxes {
        peaks.rows.push(vec![
            inbox.rank.to_owned(),
            thousands(inbox.sent_24h),
            thousands(inbox.cap),
            share(inbox.permille_of_cap),
        ]);
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
            peak_inboxes: Vec::new(),
            peak_share_histogram: Vec::new(),
            caps_by_provider: Vec::new(),
            by_weekday: Vec::new(),
            hits_by_step: Vec::new(),
            hits_by_weekday_step: Vec::new(),
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

    #[test]
    fn each_rank_is_one_inbox_with_its_own_cap() {
        // Three inboxes: 159 of 716 (22.2%), 264 of 264 (100%), 50 of 500 (10%); and a fourth
        // at 100% with fewer sends, ranked below the 264 one.
        let shares = vec![
            (222, 159, 716),
            (1_000, 264, 264),
            (100, 50, 500),
            (1_000, 40, 40),
        ];
        let ranked = ranked_inboxes(shares);
        let rows: Vec<(&str, u64, u64, u64)> = (ranked.iter())
            .map(|r| (r.rank, r.sent_24h, r.cap, r.permille_of_cap))
            .collect();
        // Sorted: 10%, 22.2%, 100% (40), 100% (264). p95: rank ceil(3.8) = 4; median rank 2.
        assert_eq!(
            rows,
            [
                ("max", 264, 264, 1_000),
                ("p95", 264, 264, 1_000),
                ("median", 159, 716, 222)
            ]
        );
        assert!(ranked_inboxes(Vec::new()).is_empty());
    }

    #[test]
    fn the_histogram_bins_tenths_of_the_cap_then_at_or_over_it() {
        let shares: Vec<(u64, u64, u64)> = [0, 99, 100, 555, 999, 1_000, 1_250]
            .iter()
            .map(|&s| (s, 0, 0))
            .collect();
        let bins = share_histogram(&shares);
        assert_eq!(bins.len(), 11);
        let counts: Vec<u64> = bins.iter().map(|b| b.inboxes).collect();
        assert_eq!(counts, [2, 1, 0, 0, 0, 1, 0, 0, 0, 1, 2]);
        assert_eq!(
            (bins[9].from_permille, bins[9].below_permille),
            (900, Some(1_000))
        );
        assert_eq!(
            (bins[10].from_permille, bins[10].below_permille),
            (1_000, None)
        );
    }
}
