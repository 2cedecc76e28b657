//! The run page (`seqsim run --format html`): per scenario, what was run (scenario, seed, rules,
//! provenance) and its warnings; the decisions and outcomes as bars; sends per day per
//! provider against the providers' caps, limit hits marked; where limits bind as a weekday x
//! step heat map; the inboxes' peak usage as a histogram of the share of their cap. Every
//! chart is followed by a table of the numbers it draws, taken from the same [`Report`] the
//! JSON report serializes.

use std::fmt::Write as _;

use super::chart::{self, BarSeries, Bars, Heat, Line, Lines};
use super::{escape, figure, head, Table, TAIL};
use crate::table::thousands;
use crate::{Counts, Report};

/// The page of `reports` (one per scenario run, in order).
pub fn render(reports: &[Report]) -> String {
    assert!(!reports.is_empty(), "a run page shows at least one report");
    let title = match reports {
        [one] => format!("seqsim run: {}", one.scenario),
        _ => format!("seqsim run: {} scenarios", reports.len()),
    };
    let mut out = head(&title);
    let _ = writeln!(out, "<h1>{}</h1>", escape(&title));
    for (i, report) in reports.iter().enumerate() {
        if reports.len() > 1 {
            let _ = writeln!(out, "<h2>{}</h2>", escape(&report.scenario));
        }
        section(&mut out, report, &format!("r{i}-"));
    }
    out.push_str(TAIL);
    out
}

/// One report's section; ids start with `prefix`.
fn section(out: &mut String, r: &Report, prefix: &str) {
    let id = |name: &str| format!("{prefix}{name}");
    let _ = writeln!(out, "<p>{}</p>", escape(&crate::text::headline(r)));
    out.push_str(&provenance(r, id("provenance")).html());
    if !r.warnings.is_empty() {
        out.push_str("<h3>Warnings</h3>\n<ul class=\"warnings\">\n");
        for w in &r.warnings {
            let _ = writeln!(out, "<li>{}</li>", escape(w));
        }
        out.push_str("</ul>\n");
    }
    counts_chart(
        out,
        &id("enrollment"),
        "Enrollment decisions",
        "attempts",
        &r.enrollment,
    );
    counts_chart(
        out,
        &id("outcomes"),
        "Enrollment outcomes",
        "enrollments",
        &r.outcomes,
    );
    for (name, counts) in [
        ("attempts_by_source", &r.attempts_by_source),
        ("send_limit_reached_by_side", &r.send_limit_reached_by_side),
        ("sequences_daily_limit", &r.sequences_daily_limit),
    ] {
        out.push_str(&counts_table(id(name), name, counts).html());
    }
    daily(out, r, prefix);
    limits(out, r, prefix);
}

/// What was run: the scenario, seed, calendar, world, rules and provenance.
fn provenance(r: &Report, id: String) -> Table<'static> {
    let p = &r.provenance;
    let mut rows = vec![
        ("scenario", r.scenario.clone()),
        ("seed", r.seed.to_string()),
        ("start date", r.start_date.clone()),
        ("days", r.horizon_days.to_string()),
        ("contacts", thousands(r.population.contacts)),
        ("portals", thousands(r.population.portals)),
        ("senders", thousands(r.population.senders)),
        ("rules (in order)", p.rules.join(", ")),
        ("rules_sha256", p.rules_sha256.clone()),
        ("seqsim_version", p.seqsim_version.to_owned()),
        ("schema_version", p.schema_version.to_string()),
    ];
    if let Some(sha) = &p.scenario_sha256 {
        rows.push(("scenario_sha256", sha.clone()));
    }
    rows.extend(p.overrides.iter().map(|o| ("--set", o.clone())));
    Table {
        id,
        caption: "What was run",
        header: &["what", "value"],
        rows: rows
            .into_iter()
            .map(|(k, v)| vec![k.to_owned(), v])
            .collect(),
        names: 2,
    }
}

/// A table of named counts, a row each, zeros included.
fn counts_table<'a>(id: String, caption: &'a str, counts: &Counts) -> Table<'a> {
    Table {
        id,
        caption,
        header: &["name", "count"],
        rows: (counts.0.iter())
            .map(|(name, n)| vec![name.to_string(), thousands(*n)])
            .collect(),
        names: 1,
    }
}

/// Bars of the counts that are not 0, then the table of all of them.
fn counts_chart(out: &mut String, id: &str, caption: &str, unit: &str, counts: &Counts) {
    let shown: Vec<&(std::borrow::Cow<'static, str>, u64)> =
        counts.0.iter().filter(|(_, n)| *n > 0).collect();
    let categories: Vec<String> = shown.iter().map(|(name, _)| name.to_string()).collect();
    let series = [BarSeries {
        label: unit.to_owned(),
        values: shown.iter().map(|(_, n)| *n).collect(),
    }];
    let value_title = format!("{unit} (codes at 0 are in the table only)");
    let svg = chart::bars(&Bars {
        value_title: &value_title,
        categories: &categories,
        series: &series,
    });
    out.push_str(&figure(id, caption, &svg));
    out.push_str(&counts_table(format!("{id}-table"), caption, counts).html());
}

/// Sends per day per provider against the caps, limit hits marked; then the numbers.
fn daily(out: &mut String, r: &Report, prefix: &str) {
    if r.daily.is_empty() {
        out.push_str(
            "<p>The daily series is left out of a summary (<code>--summary</code>).</p>\n",
        );
        return;
    }
    let caps = &r.limits.caps_by_provider;
    let days: Vec<String> = r.daily.iter().map(|d| d.date.clone()).collect();
    let shaded: Vec<bool> = (r.daily.iter())
        .map(|d| matches!(d.weekday, "Sat" | "Sun"))
        .collect();
    let providers: Vec<&'static str> = match r.daily.first() {
        Some(d) => d.providers.iter().map(|p| p.provider).collect(),
        None => Vec::new(),
    };
    let count = |day: usize, slot: usize, key: &str| -> u64 {
        (r.daily[day].providers.get(slot)).map_or(0, |p| p.counts.get(key).unwrap_or(0))
    };
    let hits = |d: usize, s: usize| {
        count(d, s, "limit_hits_platform") + count(d, s, "limit_hits_provider")
    };
    // Per inbox: the providers' sums of caps dwarf any one inbox's sends, so each line is its
    // provider's mean inbox, against the mean cap. Providers without sending inboxes have no
    // line.
    let lines: Vec<Line> = (providers.iter().enumerate())
        .filter_map(|(s, &name)| {
            let cap = caps.iter().find(|c| c.provider == name && c.inboxes > 0)?;
            let per = cap.inboxes as f64;
            Some(Line {
                label: name.to_owned(),
                values: (0..days.len())
                    .map(|d| count(d, s, "sent") as f64 / per)
                    .collect(),
                cap: Some(cap.daily_cap as f64 / per),
                marks: (0..days.len()).map(|d| hits(d, s) > 0).collect(),
            })
        })
        .collect();
    let svg = chart::lines(&Lines {
        y_title: "emails sent per inbox per day",
        days: &days,
        shaded: &shaded,
        lines: &lines,
        mark_text: "a day with SEND_LIMIT_REACHED",
    });
    let caption = "Sends per inbox per day, by sender provider, against the mean daily cap";
    out.push_str(&figure(&format!("{prefix}daily"), caption, &svg));
    out.push_str(&caps_table(r, format!("{prefix}caps")).html());
    out.push_str(&daily_table(r, &providers, format!("{prefix}daily-table")).html());
}

/// The providers' sending inboxes and caps.
fn caps_table(r: &Report, id: String) -> Table<'static> {
    Table {
        id,
        caption: "Daily caps per sender provider (limits.caps_by_provider)",
        header: &["provider", "inboxes", "daily cap"],
        rows: (r.limits.caps_by_provider.iter())
            .map(|c| {
                vec![
                    c.provider.to_owned(),
                    thousands(c.inboxes),
                    thousands(c.daily_cap),
                ]
            })
            .collect(),
        names: 1,
    }
}

/// Per day and provider: sent and limit hits on each side.
fn daily_table(r: &Report, providers: &[&str], id: String) -> Table<'static> {
    let mut rows = Vec::new();
    for day in &r.daily {
        for p in day
            .providers
            .iter()
            .filter(|p| providers.contains(&p.provider))
        {
            let get = |key: &str| thousands(p.counts.get(key).unwrap_or(0));
            rows.push(vec![
                day.day.to_string(),
                day.date.clone(),
                day.weekday.to_owned(),
                p.provider.to_owned(),
                get("sent"),
                get("limit_hits_platform"),
                get("limit_hits_provider"),
            ]);
        }
    }
    Table {
        id,
        caption: "Sends and limit hits per day and provider (daily)",
        header: &[
            "day",
            "date",
            "weekday",
            "provider",
            "sent",
            "limit hits: platform",
            "limit hits: provider",
        ],
        rows,
        names: 4,
    }
}

/// Why limits bind: the heat map, the histogram and their tables, the load per weekday.
fn limits(out: &mut String, r: &Report, prefix: &str) {
    let l = &r.limits;
    let _ = writeln!(
        out,
        "<h3>Why limits bind</h3>\n<p>{}</p>",
        escape(&crate::limits::headline(l))
    );
    let rows: Vec<String> = l
        .hits_by_weekday_step
        .iter()
        .map(|w| w.weekday.to_owned())
        .collect();
    let steps: Vec<String> = (1..=l.hits_by_step.len())
        .map(|s| format!("step {s}"))
        .collect();
    let values: Vec<Vec<u64>> = l
        .hits_by_weekday_step
        .iter()
        .map(|w| w.hits.clone())
        .collect();
    let svg = chart::heat(&Heat {
        rows: &rows,
        columns: &steps,
        values: &values,
    });
    out.push_str(&figure(
        &format!("{prefix}heat"),
        "SEND_LIMIT_REACHED by weekday and step",
        &svg,
    ));
    let mut header = vec!["weekday"];
    header.extend(steps.iter().map(String::as_str));
    out.push_str(
        &Table {
            id: format!("{prefix}heat-table"),
            caption: "SEND_LIMIT_REACHED by weekday and step (limits.hits_by_weekday_step)",
            header: &header,
            rows: (l.hits_by_weekday_step.iter())
                .map(|w| {
                    std::iter::once(w.weekday.to_owned())
                        .chain(w.hits.iter().map(|&h| thousands(h)))
                        .collect()
                })
                .collect(),
            names: 1,
        }
        .html(),
    );
    histogram(out, r, prefix);
    out.push_str(&load_table(r, format!("{prefix}load")).html());
}

/// The name of a histogram bin: `20-30%`, or `at the cap or over`.
fn bin_name(b: &crate::ShareBin) -> String {
    match b.below_permille {
        Some(below) => format!("{}-{}%", b.from_permille / 10, below / 10),
        None => "at the cap or over".to_owned(),
    }
}

/// The inboxes' peak share of their cap: the histogram, its table, and the ranked inboxes.
fn histogram(out: &mut String, r: &Report, prefix: &str) {
    let l = &r.limits;
    let categories: Vec<String> = l.peak_share_histogram.iter().map(bin_name).collect();
    let series = [BarSeries {
        label: "inboxes".to_owned(),
        values: l.peak_share_histogram.iter().map(|b| b.inboxes).collect(),
    }];
    let svg = chart::bars(&Bars {
        value_title: "sending inboxes",
        categories: &categories,
        series: &series,
    });
    let caption = "Each inbox's peak rolling 24 h usage, as a share of its own cap";
    out.push_str(&figure(&format!("{prefix}peaks"), caption, &svg));
    let rows = (l.peak_share_histogram.iter())
        .map(|b| vec![bin_name(b), thousands(b.inboxes)])
        .collect();
    let table = Table {
        id: format!("{prefix}peaks-table"),
        caption: "Sending inboxes by peak share of cap (limits.peak_share_histogram)",
        header: &["share of cap", "inboxes"],
        rows,
        names: 1,
    };
    out.push_str(&table.html());
    let share = |p: u64| format!("{}.{}%", p / 10, p % 10);
    let ranked = Table {
        id: format!("{prefix}ranked"),
        caption: "The inbox at each rank of share of its cap (limits.peak_inboxes)",
        header: &["rank", "sends in 24 h", "cap", "of cap"],
        rows: (l.peak_inboxes.iter())
            .map(|i| {
                vec![
                    i.rank.to_owned(),
                    thousands(i.sent_24h),
                    thousands(i.cap),
                    share(i.permille_of_cap),
                ]
            })
            .collect(),
        names: 1,
    };
    out.push_str(&ranked.html());
}

/// The load and the limits met per weekday.
fn load_table(r: &Report, id: String) -> Table<'static> {
    let tenths = |milli: u64| crate::limits::tenths(milli);
    Table {
        id,
        caption: "Per weekday: sends per inbox per day, expected and simulated, and the limits met (limits.by_weekday)",
        header: &[
            "weekday", "days", "expected/inbox/day", "simulated/inbox/day", "limit: platform",
            "limit: provider", "daily: refused", "daily: deferred", "minute: deferred",
        ],
        rows: (r.limits.by_weekday.iter())
            .map(|w| {
                vec![
                    w.weekday.to_owned(),
                    w.days.to_string(),
                    tenths(w.expected_sends_per_inbox_milli),
                    tenths(w.simulated_sends_per_inbox_milli),
                    thousands(w.send_limit_platform),
                    thousands(w.send_limit_provider),
                    thousands(w.daily_limit_refused),
                    thousands(w.daily_limit_deferred),
                    thousands(w.per_minute_deferred),
                ]
            })
            .collect(),
        names: 1,
    }
}
