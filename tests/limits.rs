//! "Why limits bind" (every report's `limits` section) against independent oracles: a scenario
//! small enough to work out by hand, properties that tie the section to the report's own
//! totals over drawn scenarios, the spreads recomputed by a second, simpler implementation, and
//! the library's `capacity-planning` showing the cause the section exists to show.

use proptest::prelude::*;
use reports::{Format, Report, Spread};

fn report_of(text: &str) -> (sim::RunResult, Report) {
    let scenario = scenarios::parse(text, "test.toml", "test").unwrap_or_else(|e| panic!("{e}"));
    let result = sim::run(&scenario);
    let report = Report::new(&scenario, &result);
    (result, report)
}

/// One sender on Google Workspace with a custom limit of `limit`; `contacts` contacts, each
/// enrolled singly on day 0, a Friday; a three-email sequence `delays` apart.
fn friday_scenario(contacts: u32, limit: u32, delays: [u32; 3], weekdays_only: bool) -> String {
    format!(
        r#"seed = 7
[calendar]
start = "2026-06-05"
horizon_days = 14
[population]
contacts = {contacts}
portals = 1
domains = 10
[[population.mailbox_providers]]
name = "clean"
share = 1.0
[[sequences]]
name = "three"
weekdays_only = {weekdays_only}
steps = [
  {{ kind = "automated_email", delay_days = {} }},
  {{ kind = "automated_email", delay_days = {} }},
  {{ kind = "automated_email", delay_days = {} }},
]
[[senders]]
count = 1
seat = "professional"
inbox = "google_workspace"
daily_limit = {limit}
[plan]
business_days = 1
coverage = 1.0
[plan.sources]
crm_single = 1.0
crm_bulk = 0.0
gmail_extension = 0.0
"#,
        delays[0], delays[1], delays[2]
    )
}

/// (weekday, expected milli, simulated milli, platform hits) per weekday, Monday first.
fn weekday_rows(report: &Report) -> Vec<(&'static str, u64, u64, u64)> {
    (report.limits.by_weekday.iter())
        .map(|r| {
            (
                r.weekday,
                r.expected_sends_per_inbox_milli,
                r.simulated_sends_per_inbox_milli,
                r.send_limit_platform,
            )
        })
        .collect()
}

#[test]
fn a_friday_enrollment_worked_by_hand() {
    // Ten contacts enrolled on Friday (day 0) with delays 0, 1, 1 and weekdays only: step 1 on
    // Friday, step 2 on Saturday moved to Monday, step 3 on Tuesday. The estimate: ten sends on
    // each of those weekdays, over the horizon's two of each: 5 per inbox per day. The custom
    // limit of 6 lets six step-1 emails leave on Friday; the other four fail
    // SEND_LIMIT_REACHED (platform) at step 1 on Friday. The six go on: six sends on Monday
    // and six on Tuesday (each 24 hours after the Monday one, as the first Monday send leaves
    // the window): 3 per inbox per day. The peak: six in 24 hours, all of the cap of 6.
    let (_, report) = report_of(&friday_scenario(10, 6, [0, 1, 1], true));
    let l = &report.limits;
    assert_eq!(
        weekday_rows(&report),
        [
            ("Mon", 5_000, 3_000, 0),
            ("Tue", 5_000, 3_000, 0),
            ("Wed", 0, 0, 0),
            ("Thu", 0, 0, 0),
            ("Fri", 5_000, 3_000, 4),
            ("Sat", 0, 0, 0),
            ("Sun", 0, 0, 0),
        ]
    );
    assert!(l.by_weekday.iter().all(|r| r.days == 2));
    let by_step: Vec<(u32, u64, u64)> = (l.hits_by_step.iter())
        .map(|s| (s.step, s.platform, s.provider))
        .collect();
    assert_eq!(by_step, [(1, 4, 0), (2, 0, 0), (3, 0, 0)]);
    // The heat map: the four hits at step 1 on Friday, nothing else.
    for row in &l.hits_by_weekday_step {
        let want: &[u64] = if row.weekday == "Fri" {
            &[4, 0, 0]
        } else {
            &[0, 0, 0]
        };
        assert_eq!(row.hits, want, "{}", row.weekday);
    }
    assert_eq!(l.inboxes, 1);
    // The one inbox is every rank: six of its cap of six; the histogram's last bin (at cap).
    let ranked: Vec<(&str, u64, u64, u64)> = (l.peak_inboxes.iter())
        .map(|r| (r.rank, r.sent_24h, r.cap, r.permille_of_cap))
        .collect();
    assert_eq!(
        ranked,
        [
            ("max", 6, 6, 1_000),
            ("p95", 6, 6, 1_000),
            ("median", 6, 6, 1_000)
        ]
    );
    let caps: Vec<(&str, u64, u64)> = (l.caps_by_provider.iter())
        .map(|c| (c.provider, c.inboxes, c.daily_cap))
        .collect();
    assert_eq!(caps, [("google_workspace", 1, 6)]);
    let bins: Vec<u64> = l.peak_share_histogram.iter().map(|b| b.inboxes).collect();
    assert_eq!(bins, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    let full = Spread {
        max: 6,
        p95: 6,
        median: 6,
    };
    assert_eq!(l.peak_sent_24h, full);
    let all = Spread {
        max: 1_000,
        p95: 1_000,
        median: 1_000,
    };
    assert_eq!(l.peak_permille_of_cap, all);
    // Three weekdays carry sends in the estimate, equally: the first, Monday, at the mean.
    assert_eq!(l.peak_weekday.expected.weekday, "Mon");
    assert_eq!(l.peak_weekday.expected.permille_of_mean, 1_000);

    // Weekends allowed: Friday, Saturday, Sunday instead.
    let (_, report) = report_of(&friday_scenario(10, 6, [0, 1, 1], false));
    let loaded: Vec<(&str, u64)> = (report.limits.by_weekday.iter())
        .filter(|r| r.expected_sends_per_inbox_milli > 0)
        .map(|r| (r.weekday, r.expected_sends_per_inbox_milli))
        .collect();
    assert_eq!(loaded, [("Fri", 5_000), ("Sat", 5_000), ("Sun", 5_000)]);
}

#[test]
fn the_section_is_printed_in_every_format() {
    let (_, report) = report_of(&friday_scenario(10, 6, [0, 1, 1], true));
    let table = report.render(Format::Table);
    assert!(table.contains("why limits bind\nMondays carry 1.0x the mean load per inbox"));
    let markdown = report.render(Format::Markdown);
    assert!(markdown.contains("## Why limits bind\n\nMondays carry"));
    assert!(markdown.contains("| weekday | days | expected/inbox/day | simulated/inbox/day | limit:plat | limit:prov | daily:refused | daily:deferred | minute:deferred |"), "{markdown}");
    assert!(
        markdown.contains("| Fri | 2 | 5.0 | 3.0 | 4 | 0 | 0 | 0 | 0 |"),
        "{markdown}"
    );
    let json: serde_json::Value = serde_json::from_str(&report.render(Format::Json)).unwrap();
    assert_eq!(json["limits"]["peak_sent_24h"]["max"], 6);
    assert_eq!(json["limits"]["by_weekday"][4]["send_limit_platform"], 4);
}

/// The library's `capacity-planning` shows why its limits bind: Mondays carry the weekend's
/// follow-ups, so they carry the most sends per inbox and nearly every limit hit.
#[test]
fn mondays_carry_the_pile_up() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/library/capacity-planning.toml");
    let scenario = scenarios::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let report = Report::new(&scenario, &sim::run(&scenario));
    let l = &report.limits;
    let monday = &l.by_weekday[0];
    assert_eq!(monday.weekday, "Mon");
    for other in &l.by_weekday[1..] {
        assert!(monday.simulated_sends_per_inbox_milli > other.simulated_sends_per_inbox_milli);
        assert!(monday.expected_sends_per_inbox_milli > other.expected_sends_per_inbox_milli);
    }
    let hits: u64 = (l.by_weekday.iter()).map(|r| r.send_limit_platform).sum();
    assert!(hits > 0);
    assert!(
        monday.send_limit_platform * 10 >= hits * 9,
        "{} of {hits} on Mondays",
        monday.send_limit_platform
    );
    assert_eq!(l.peak_weekday.simulated.weekday, "Mon");
    assert!(l.peak_weekday.simulated.permille_of_mean >= 1_500);
    assert!(report.render(Format::Table).contains("Mondays carry 1."));
}

/// The library's `per-minute-limit` (a custom limit of one send a clock minute) defers sends to
/// the next minute, and the section counts them; a scenario without the limit defers none.
#[test]
fn per_minute_deferrals_are_counted() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/library/per-minute-limit.toml");
    let mut scenario = scenarios::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let deferred = |scenario: &sim::Scenario| -> u64 {
        let report = Report::new(scenario, &sim::run(scenario));
        report
            .limits
            .by_weekday
            .iter()
            .map(|r| r.per_minute_deferred)
            .sum()
    };
    assert!(deferred(&scenario) > 0);
    scenario.sending.per_minute_limit = None;
    assert_eq!(deferred(&scenario), 0);
}

/// The `p`-th percentile by a second definition: the smallest value that at least `p`% of the
/// values do not exceed.
fn percentile(values: &[u64], p: u64) -> u64 {
    let mut sorted = values.to_vec();
    sorted.sort();
    let n = sorted.len() as u64;
    for (i, &v) in sorted.iter().enumerate() {
        if (i as u64 + 1) * 100 >= p * n {
            return v;
        }
    }
    0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Over drawn small scenarios: the hits by weekday and by step add up to the report's
    /// SEND_LIMIT_REACHED count, the refusals by weekday to SEQUENCES_DAILY_LIMIT_REACHED, and
    /// the spreads match the percentile recomputed from the run's inbox peaks.
    #[test]
    fn the_section_adds_up(
        contacts in 1u32..400,
        limit in 1u32..60,
        delays in (0u32..4, 0u32..4),
        weekdays_only: bool,
        per_user in proptest::option::of(1u32..80),
        senders in 1u32..5,
        seed in 0u64..1_000,
    ) {
        let mut text = friday_scenario(contacts, limit, [0, delays.0, delays.1], weekdays_only)
            .replace("seed = 7", &format!("seed = {seed}"))
            .replace("count = 1\n", &format!("count = {senders}\n"))
            .replace("business_days = 1", "business_days = 3");
        if let Some(per_user) = per_user {
            text.push_str(&format!(
                "[sending.sequences_daily_limit]\nper_user = {per_user}\nwhen_full = \"refuse\"\n"
            ));
        }
        let (result, report) = report_of(&text);
        let l = &report.limits;
        let limited = report.outcomes.get("SEND_LIMIT_REACHED").unwrap();
        let by_weekday: u64 = (l.by_weekday.iter())
            .map(|r| r.send_limit_platform + r.send_limit_provider)
            .sum();
        let by_step: u64 = l.hits_by_step.iter().map(|s| s.platform + s.provider).sum();
        prop_assert_eq!(by_weekday, limited);
        prop_assert_eq!(by_step, limited);
        prop_assert_eq!(report.send_limit_reached_by_side.total(), limited);
        let refused: u64 = l.by_weekday.iter().map(|r| r.daily_limit_refused).sum();
        prop_assert_eq!(refused, report.sequences_daily_limit.get("refused").unwrap());
        let peaks = &result.counters.limits.inbox_peaks;
        prop_assert_eq!(peaks.len() as u32, senders);
        let sent: Vec<u64> = peaks.iter().map(|p| u64::from(p.sent_24h)).collect();
        prop_assert_eq!(l.peak_sent_24h.max, sent.iter().copied().max().unwrap());
        prop_assert_eq!(l.peak_sent_24h.p95, percentile(&sent, 95));
        prop_assert_eq!(l.peak_sent_24h.median, percentile(&sent, 50));
        // No Gmail-extension sends here: the window never passes the cap.
        prop_assert!(l.peak_sent_24h.max <= u64::from(limit));
        let permille: Vec<u64> = sent.iter().map(|&s| (s * 1_000 + u64::from(limit) / 2) / u64::from(limit)).collect();
        prop_assert_eq!(l.peak_permille_of_cap.p95, percentile(&permille, 95));
        prop_assert_eq!(l.peak_permille_of_cap.median, percentile(&permille, 50));
        // The heat map's rows add up to each weekday's hits (from the daily series); the
        // ranked inboxes are the percentiles of the shares, each with its own cap; the
        // histogram holds every inbox once.
        for (heat, row) in l.hits_by_weekday_step.iter().zip(&l.by_weekday) {
            prop_assert_eq!(heat.weekday, row.weekday);
            let hits: u64 = heat.hits.iter().sum();
            prop_assert_eq!(hits, row.send_limit_platform + row.send_limit_provider);
        }
        let ranks: Vec<u64> = l.peak_inboxes.iter().map(|r| r.permille_of_cap).collect();
        let want = [100, 95, 50].map(|p| percentile(&permille, p));
        prop_assert_eq!(ranks, want);
        for r in &l.peak_inboxes {
            prop_assert_eq!(r.cap, u64::from(limit));
            prop_assert!(sent.contains(&r.sent_24h));
        }
        prop_assert_eq!(l.caps_by_provider.len(), 1);
        prop_assert_eq!(l.caps_by_provider[0].provider, "google_workspace");
        prop_assert_eq!(l.caps_by_provider[0].daily_cap, u64::from(senders * limit));
        let binned: u64 = l.peak_share_histogram.iter().map(|b| b.inboxes).sum();
        prop_assert_eq!(binned, u64::from(senders));
        for b in &l.peak_share_histogram {
            let inside = permille.iter().filter(|&&p| {
                p >= b.from_permille && b.below_permille.is_none_or(|below| p < below)
            });
            prop_assert_eq!(inside.count() as u64, b.inboxes);
        }
    }
}
