//! seqsim's HTML pages in a real browser: headless Chromium (Debian's `chromium`, which
//! `.ci/test`, the README's test command, installs when missing) renders them. The sweep's
//! report: its DOM must hold every plot's SVG with drawn lines, its axes' titles (a `--label`'s
//! text among them), the `--target` as a dashed line on its metric's plot and in the legend, and
//! a table of the plotted numbers; a screenshot must show coloured data in every plot. The check
//! page: its rows green and red. The trace page: its time line's SVG, an event table equal to
//! the JSON trace, and coloured markers inside the plot area.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

/// The metrics plotted: two plots.
const PLOTS: [&str; 2] = ["SEND_LIMIT_REACHED%", "outcomes.FINISHED"];

/// Writes the HTML report of a small sweep (three seeds: bands) into `dir`.
fn report(dir: &Path) -> PathBuf {
    let html = dir.join("sweep.html");
    let mut cmd = Command::cargo_bin("seqsim").unwrap();
    cmd.args([
        "sweep",
        "capacity-planning",
        "--set",
        "population.contacts=3000",
    ]);
    cmd.args([
        "--vary",
        "senders[0].count=1..4",
        "--vary",
        "plan.business_days=5,10",
        "--seeds",
        "3",
    ]);
    for m in PLOTS {
        cmd.args(["--metric", m]);
    }
    cmd.args(["--label", "senders[0].count=sales reps"]);
    cmd.args(["--target", "SEND_LIMIT_REACHED < 1%"]);
    cmd.arg("--html").arg(&html).assert().success();
    html
}

/// Chromium, headless and quiet, on `html` with `what` (`--dump-dom`, `--screenshot=...`).
fn chromium(html: &Path, profile: &Path, what: &str) -> std::process::Output {
    chromium_tall(html, profile, what, 2200)
}

/// [`chromium`] with a window `height` pixels tall (a screenshot's height).
fn chromium_tall(html: &Path, profile: &Path, what: &str, height: u32) -> std::process::Output {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: install Debian's `chromium` (apt-get install -y chromium; bash .ci/test does it)"
    );
    let output = Process::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
        ])
        .args([
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size=1000,{height}"))
        .args(["--hide-scrollbars", what])
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The `points` of every `<polyline>` in `svg`, as (x, y) pairs.
fn polylines(svg: &str) -> Vec<Vec<(f64, f64)>> {
    (svg.split("<polyline").skip(1))
        .filter_map(|p| p.split("points=\"").nth(1)?.split('"').next())
        .map(|pts| {
            (pts.split_whitespace())
                .filter_map(|xy| {
                    let (x, y) = xy.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect()
        })
        .collect()
}

#[test]
fn every_plot_is_drawn_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(dir.path());
    let profile = tempfile::tempdir().unwrap();
    let dom = chromium(&html, profile.path(), "--dump-dom");
    let dom = String::from_utf8(dom.stdout).unwrap();
    let figures: Vec<&str> = dom.split("<figure class=\"plot\">").skip(1).collect();
    assert_eq!(figures.len(), PLOTS.len(), "{dom}");
    // Per plot: the y axis's title with its unit, and whether the target is drawn on it.
    let y_titles = [
        "SEND_LIMIT_REACHED (% of outcomes)",
        "FINISHED (enrollments)",
    ];
    for ((figure, y_title), targeted) in figures.iter().zip(y_titles).zip([true, false]) {
        let svg = figure.split("</figure>").next().unwrap();
        for title in ["sales reps (senders[0].count)", y_title] {
            assert!(
                svg_texts(svg).iter().any(|t| t == title),
                "no `{title}`: {svg}"
            );
        }
        let legend = svg_texts(svg).contains(&"target: SEND_LIMIT_REACHED < 1%".to_owned());
        assert_eq!(legend, targeted, "the target's legend: {svg}");
        check_target_line(svg, targeted);
        // The table of the plotted numbers follows the figure: a row per rep count.
        let table = figure
            .split("<table")
            .nth(1)
            .expect("a table after the plot");
        let table = table.split("</table>").next().unwrap();
        assert!(table.contains("sales reps (senders[0].count)"), "{table}");
        assert_eq!(table.matches("<th scope=\"row\">").count(), 4, "{table}");
        assert!(svg.contains("<svg"), "no SVG: {svg}");
        // A line per business_days value, each through the four rep counts.
        let lines: Vec<Vec<(f64, f64)>> = polylines(svg)
            .into_iter()
            .filter(|l| l.len() == 4)
            .collect();
        assert!(lines.len() >= 2, "not two data lines: {svg}");
        // Bands of the seed spread: one filled polygon per line.
        assert!(svg.matches("<polygon").count() >= 1, "no band: {svg}");
        assert!(svg.matches("<circle").count() >= 8, "no points: {svg}");
    }
    let png_path = dir.path().join("shot.png");
    let profile = tempfile::tempdir().unwrap();
    chromium(
        &html,
        profile.path(),
        &format!("--screenshot={}", png_path.display()),
    );
    let rows = coloured_rows(&png_path);
    // Coloured (data) pixels gather in one block of rows per plot; the captions, axes and
    // labels between plots are grey.
    let blocks = blocks(&rows, 40);
    assert!(blocks.len() >= PLOTS.len(), "coloured blocks {blocks:?}");
    for (start, end, pixels) in blocks.iter().take(PLOTS.len()) {
        assert!(
            *pixels > 500,
            "plot at rows {start}..{end} is nearly blank: {pixels} coloured pixels"
        );
    }
}

/// The text of every `<text>` element of `svg`, trimmed and unescaped.
fn svg_texts(svg: &str) -> Vec<String> {
    (svg.split("<text").skip(1))
        .filter_map(|t| t.split_once('>')?.1.split("</text>").next())
        .map(|t| {
            (t.trim())
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}

/// With `targeted`, the plot holds a dashed horizontal line (20 or more two-point polylines at
/// one height) between its data's highest and lowest points and near the lowest (the target,
/// 1%, against data from 0% to over 40%); without, no height has more than two.
fn check_target_line(svg: &str, targeted: bool) {
    let lines = polylines(svg);
    let dashes: Vec<f64> = (lines.iter())
        .filter(|l| l.len() == 2 && l[0].1 == l[1].1)
        .map(|l| l[0].1)
        .collect();
    let at = |y: f64| dashes.iter().filter(|&&h| h == y).count();
    let most = dashes.iter().copied().max_by_key(|&y| at(y));
    if !targeted {
        assert!(most.is_none_or(|y| at(y) <= 2), "a dashed line: {dashes:?}");
        return;
    }
    let y = most.expect("dashes");
    assert!(at(y) >= 20, "no dashed target line: {dashes:?}");
    let data: Vec<f64> = (lines.iter().filter(|l| l.len() == 4))
        .flat_map(|l| l.iter().map(|p| p.1))
        .collect();
    let (top, bottom) = data
        .iter()
        .fold((f64::INFINITY, 0f64), |(t, b), &v| (t.min(v), b.max(v)));
    let depth = (y - top) / (bottom - top);
    assert!(
        (0.9..1.0).contains(&depth),
        "the target at {y}, the data from {top} to {bottom}"
    );
}

/// Per row of the screenshot, how many of its pixels are coloured (not white, grey or black):
/// the data lines, points and bands; text and the mesh are grey.
fn coloured_rows(png_path: &Path) -> Vec<usize> {
    let (width, rgb) = pixels(png_path);
    (rgb.chunks(width))
        .map(|row| (row.iter()).filter(|p| coloured(p)).count())
        .collect()
}

/// Whether a pixel is coloured: its channels differ by more than 40 (white, grey and black
/// do not).
fn coloured(p: &[u8; 3]) -> bool {
    p.iter().max().unwrap() - p.iter().min().unwrap() > 40
}

/// Blocks of rows holding coloured pixels, split by at least `gap` rows without: (first row,
/// last row, coloured pixels).
fn blocks(rows: &[usize], gap: usize) -> Vec<(usize, usize, usize)> {
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    for (y, &n) in rows.iter().enumerate().filter(|(_, n)| **n > 0) {
        match out.last_mut() {
            Some(b) if y - b.1 <= gap => {
                b.1 = y;
                b.2 += n;
            }
            _ => out.push((y, y, n)),
        }
    }
    out
}

/// Pixels of `png_path` within 6 of `rgb` in every channel.
fn pixels_of(png_path: &Path, rgb: [u8; 3]) -> usize {
    let (_, pixels) = pixels(png_path);
    (pixels.iter())
        .filter(|p| (0..3).all(|i| p[i].abs_diff(rgb[i]) <= 6))
        .count()
}

/// The screenshot at `png_path`: its width and its pixels' RGB, row by row.
fn pixels(png_path: &Path) -> (usize, Vec<[u8; 3]>) {
    let decoder = png::Decoder::new(std::fs::File::open(png_path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    assert!(channels >= 3, "{:?}", info.color_type);
    let rgb = (buf[..info.buffer_size()].chunks(channels))
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width as usize, rgb)
}

#[test]
fn a_check_page_shows_every_bound_green_or_red_in_a_real_browser() {
    // purchased-list bounces 9.91% of its enrollments (tests/check.rs): under 12% holds, under
    // 2% fails by 7.91 points.
    let dir = tempfile::tempdir().unwrap();
    let library =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/library/purchased-list.toml");
    let expect = dir.path().join("expect.toml");
    std::fs::write(
        &expect,
        format!(
            "[[scenario]]\nfile = {:?}\n[[scenario.expect]]\ncount = \"outcomes.BOUNCED\"\nshare_max = 0.12\n[[scenario.expect]]\ncount = \"outcomes.BOUNCED\"\nshare_max = 0.02\n",
            library.display().to_string()
        ),
    )
    .unwrap();
    let html = dir.path().join("check.html");
    let out = Command::cargo_bin("seqsim")
        .unwrap()
        .args(["check", "--format", "html"])
        .arg(&expect)
        .arg("--html")
        .arg(dir.path().join("also.html"))
        .assert()
        .code(1);
    std::fs::write(&html, &out.get_output().stdout).unwrap();
    let also = std::fs::read(dir.path().join("also.html")).unwrap();
    assert_eq!(
        also,
        out.get_output().stdout,
        "--html FILE writes the same page"
    );
    let profile = tempfile::tempdir().unwrap();
    let dom = String::from_utf8(chromium(&html, profile.path(), "--dump-dom").stdout).unwrap();
    assert!(dom.contains("<h1>seqsim check FAILED</h1>"), "{dom}");
    assert!(
        dom.contains("2 checks, 1 passed, 1 failed, 0 skipped"),
        "{dom}"
    );
    let row = |class: &str, expected: &str, by: &str, result: &str| {
        format!(
            "<tr class=\"{class}\"><td class=\"name\">{}</td><td class=\"name\">outcomes.BOUNCED</td><td>{expected}</td><td>9.91% (3,734 of 37,685)</td><td>{by}</td><td class=\"name\">{result}</td></tr>",
            library.display()
        )
    };
    for want in [
        row("pass", "share &lt;= 12.00%", "-2.09 pts", "pass"),
        row("fail", "share &lt;= 2.00%", "+7.91 pts", "FAIL"),
    ] {
        assert!(dom.contains(&want), "{want}\n{dom}");
    }
    let png_path = dir.path().join("check.png");
    chromium(
        &html,
        profile.path(),
        &format!("--screenshot={}", png_path.display()),
    );
    // The rows' backgrounds (reports/src/html.rs): green #c8ecd0, red #f6c6c6.
    let (green, red) = (
        pixels_of(&png_path, [0xc8, 0xec, 0xd0]),
        pixels_of(&png_path, [0xf6, 0xc6, 0xc6]),
    );
    assert!(
        green > 2000 && red > 2000,
        "green {green}, red {red} pixels"
    );
}

/// The rows of the table `id` in `dom`, each as its cells' text (thousands separators kept).
fn table_rows(dom: &str, id: &str) -> Vec<Vec<String>> {
    let start = format!("<table id=\"{id}\">");
    let table = (dom.split(&start).nth(1)).unwrap_or_else(|| panic!("no table {id}"));
    let table = table.split("</table>").next().unwrap();
    (table.split("<tr>").skip(1))
        .map(|row| {
            (row.split("<td").skip(1))
                .filter_map(|c| c.split_once('>')?.1.split("</td>").next())
                .map(|c| c.replace("&amp;", "&"))
                .collect::<Vec<String>>()
        })
        .filter(|cells| !cells.is_empty())
        .collect()
}

/// A count as a table prints it (`14,977`) as a number.
fn count(cell: &str) -> u64 {
    cell.replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("`{cell}` is not a count"))
}

#[test]
fn a_run_page_draws_every_chart_and_its_tables_equal_the_json_report() {
    let dir = tempfile::tempdir().unwrap();
    let (json_path, html) = (dir.path().join("r.json"), dir.path().join("r.html"));
    Command::cargo_bin("seqsim")
        .unwrap()
        .args([
            "run",
            "--set",
            "population.contacts=6000",
            "--format",
            "json",
            "--out",
        ])
        .arg(&json_path)
        .arg("--html")
        .arg(&html)
        .assert()
        .success();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let dom = String::from_utf8(chromium(&html, profile.path(), "--dump-dom").stdout).unwrap();
    let charts = ["enrollment", "outcomes", "daily", "heat", "peaks"];
    for chart in charts {
        let figure = (dom
            .split(&format!("<figure class=\"chart\" id=\"r0-{chart}\">"))
            .nth(1))
        .unwrap_or_else(|| panic!("no chart {chart}"));
        let svg = figure.split("</figure>").next().unwrap();
        assert!(
            svg.contains("<svg") && svg.contains("<rect"),
            "{chart}: {svg}"
        );
    }
    for name in [
        json["scenario"].as_str().unwrap(),
        &json["seed"].to_string(),
    ] {
        assert!(
            dom.contains(&format!("<td class=\"name\">{name}</td>")),
            "{name}"
        );
    }
    // Every named count: the chart's table row for row, zeros included.
    for (section, table) in [
        ("enrollment", "r0-enrollment-table"),
        ("outcomes", "r0-outcomes-table"),
    ] {
        let want: Vec<(String, u64)> = (json[section].as_object().unwrap().iter())
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
            .collect();
        let mut got: Vec<(String, u64)> = (table_rows(&dom, table).iter())
            .map(|r| (r[0].clone(), count(&r[1])))
            .collect();
        // serde_json's map holds its keys sorted.
        got.sort();
        assert_eq!(got, want, "{section}");
    }
    run_page_limit_tables(&dom, &json);
    let png_path = dir.path().join("run.png");
    let profile = tempfile::tempdir().unwrap();
    let shot = format!("--screenshot={}", png_path.display());
    chromium_tall(&html, profile.path(), &shot, 12_000);
    // Coloured pixels gather in a block per chart: the tables between them are grey.
    let blocks = blocks(&coloured_rows(&png_path), 40);
    let drawn: Vec<&(usize, usize, usize)> = blocks.iter().filter(|b| b.2 > 500).collect();
    assert!(drawn.len() >= charts.len(), "coloured blocks {blocks:?}");
}

/// The run page's limits and daily tables hold the JSON report's numbers.
fn run_page_limit_tables(dom: &str, json: &serde_json::Value) {
    let limits = &json["limits"];
    let heat: Vec<Vec<u64>> = (table_rows(dom, "r0-heat-table").iter())
        .map(|r| r[1..].iter().map(|c| count(c)).collect())
        .collect();
    let want: Vec<Vec<u64>> = (limits["hits_by_weekday_step"].as_array().unwrap().iter())
        .map(|w| {
            w["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h.as_u64().unwrap())
                .collect()
        })
        .collect();
    assert_eq!(heat, want);
    assert!(
        heat.iter().flatten().sum::<u64>() > 0,
        "the default scenario meets its limits"
    );
    let bins: Vec<u64> = table_rows(dom, "r0-peaks-table")
        .iter()
        .map(|r| count(&r[1]))
        .collect();
    let want: Vec<u64> = (limits["peak_share_histogram"].as_array().unwrap().iter())
        .map(|b| b["inboxes"].as_u64().unwrap())
        .collect();
    assert_eq!(bins, want);
    let caps: Vec<(String, u64)> = (table_rows(dom, "r0-caps").iter())
        .map(|r| (r[0].clone(), count(&r[2])))
        .collect();
    let want: Vec<(String, u64)> = (limits["caps_by_provider"].as_array().unwrap().iter())
        .map(|c| {
            (
                c["provider"].as_str().unwrap().to_owned(),
                c["daily_cap"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(caps, want);
    // The daily table: per day and provider, the sends of the JSON's daily series.
    let daily: Vec<(u64, String, u64)> = (table_rows(dom, "r0-daily-table").iter())
        .map(|r| (count(&r[0]), r[3].clone(), count(&r[4])))
        .collect();
    let mut want = Vec::new();
    for day in json["daily"].as_array().unwrap() {
        for p in day["providers"].as_array().unwrap() {
            let provider = p["provider"].as_str().unwrap().to_owned();
            want.push((
                day["day"].as_u64().unwrap(),
                provider,
                p["sent"].as_u64().unwrap(),
            ));
        }
    }
    assert_eq!(daily, want);
}

/// Runs `seqsim diff default default --after-rules rules/two-guards.toml` with `extra` args,
/// writing its JSON to `dir/d.json` and its page to `dir/d.html`; the parsed JSON and the
/// page's DOM in Chromium.
fn diff_page(dir: &Path, extra: &[&str]) -> (serde_json::Value, String) {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/two-guards.toml");
    let (json_path, html) = (dir.join("d.json"), dir.join("d.html"));
    Command::cargo_bin("seqsim")
        .unwrap()
        .args([
            "diff",
            "default",
            "default",
            "--set",
            "population.contacts=6000",
        ])
        .arg("--after-rules")
        .arg(&rules)
        .args(extra)
        .args(["--format", "json", "--out"])
        .arg(&json_path)
        .arg("--html")
        .arg(&html)
        .assert()
        .success();
    let json = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let dom = String::from_utf8(chromium(&html, profile.path(), "--dump-dom").stdout).unwrap();
    (json, dom)
}

#[test]
fn a_diff_page_pairs_the_counts_and_lists_the_transitions_of_the_json_report() {
    let dir = tempfile::tempdir().unwrap();
    let (json, dom) = diff_page(dir.path(), &[]);
    for chart in ["enrollment", "outcomes"] {
        assert!(
            dom.contains(&format!("<figure class=\"chart\" id=\"{chart}\">")),
            "{chart}"
        );
        let rows: Vec<(String, u64, u64)> = (table_rows(&dom, &format!("{chart}-table")).iter())
            .map(|r| (r[0].clone(), count(&r[1]), count(&r[2])))
            .collect();
        let want: Vec<(String, u64, u64)> = (json[chart].as_array().unwrap().iter())
            .map(|r| {
                let n = |k: &str| r[k].as_u64().unwrap();
                (
                    r["name"].as_str().unwrap().to_owned(),
                    n("before"),
                    n("after"),
                )
            })
            .collect();
        assert_eq!(rows, want, "{chart}");
    }
    let transitions: Vec<u64> = (table_rows(&dom, "transitions").iter())
        .map(|r| count(&r[4]))
        .collect();
    let want: Vec<u64> = (json["transitions"].as_array().unwrap().iter())
        .map(|t| t["contacts"].as_u64().unwrap())
        .collect();
    assert_eq!(transitions, want);
    assert!(!want.is_empty(), "the guards change some journeys");
    // Each example with the command that traces it.
    let examples = table_rows(&dom, "examples");
    let ids: Vec<u64> = json["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["contact"].as_u64().unwrap())
        .collect();
    assert_eq!(examples.len(), ids.len());
    for (row, id) in examples.iter().zip(&ids) {
        let seed = &json["seed"];
        assert_eq!(
            row[4],
            format!("seqsim trace default --seed {seed} --contact {id}")
        );
    }
}

#[test]
fn a_seeds_diff_page_draws_each_change_with_its_interval() {
    let dir = tempfile::tempdir().unwrap();
    let (json, dom) = diff_page(dir.path(), &["--seeds", "3"]);
    assert!(dom.contains("<figure class=\"chart\" id=\"changes\">"));
    let rows = table_rows(&dom, "changes-table");
    let beyond = rows.iter().filter(|r| r[7] == "yes").count() as u64;
    assert_eq!(beyond, json["changes_beyond_noise"].as_u64().unwrap());
    assert!(rows.len() > 10, "{rows:?}");
    // The guard's code: 0 before in every seed, its mean after as the JSON has it.
    let guard = rows
        .iter()
        .find(|r| r[1] == "SENDER_BOUNCE_RATE_HIGH")
        .expect("the guard's row");
    assert_eq!(guard[2], "0.00");
    // Every enrollment row's means and interval as the JSON report has them.
    for row in rows.iter().filter(|r| r[0] == "enrollment decision") {
        let c = &json["enrollment"][&row[1]];
        let cells = [&c["before_mean"], &c["after_mean"], &c["change"]["mean"]];
        let cells = cells
            .into_iter()
            .chain([&c["change"]["ci95_low"], &c["change"]["ci95_high"]]);
        for (cell, want) in row[2..7].iter().zip(cells) {
            let got: f64 = cell.parse().unwrap();
            assert!(
                (got - want.as_f64().unwrap()).abs() < 0.006,
                "{row:?}: {want}"
            );
        }
        assert_eq!(
            row[7] == "yes",
            c["beyond_noise"].as_bool().unwrap(),
            "{row:?}"
        );
    }
}

/// The traced journey: at-send-limits' contact 261 is enrolled, hits the platform's send limit,
/// is re-enrolled by its user two days later, soft-bounces (452) and is delivered on the retry,
/// gets two more steps delivered, finishes and unsubscribes from all email.
const TRACED: [&str; 4] = ["trace", "at-send-limits", "--contact", "261"];

/// `seqsim trace` of [`TRACED`] in `format`, its standard output.
fn trace(format: &str) -> String {
    let out = Command::cargo_bin("seqsim")
        .unwrap()
        .args(TRACED)
        .args(["--format", format])
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

/// The text of the cell of class `class` in `row` (the HTML after `<tr class="event `).
fn cell<'a>(row: &'a str, class: &str) -> &'a str {
    let start = format!("<td class=\"{class}\">");
    (row.split(&start).nth(1))
        .and_then(|c| c.split("</td>").next())
        .unwrap_or_else(|| panic!("no cell {class} in {row}"))
}

#[test]
fn a_trace_page_shows_the_journey_as_the_json_does_in_a_real_browser() {
    let json: serde_json::Value = serde_json::from_str(&trace("json")).unwrap();
    let events = json["events"].as_array().unwrap();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    for kind in [
        "attempt",
        "sent",
        "step_failed",
        "re_enroll_scheduled",
        "reacted",
        "ended",
    ] {
        assert!(
            kinds.contains(&kind),
            "the journey has no {kind}: {kinds:?}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("trace.html");
    std::fs::write(&html, trace("html")).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let dom = String::from_utf8(chromium(&html, profile.path(), "--dump-dom").stdout).unwrap();
    let figure = dom
        .split("<figure class=\"timeline\">")
        .nth(1)
        .expect("the time line");
    let svg = figure.split("</figure>").next().unwrap();
    assert!(
        svg.contains("<svg") && svg.contains("</svg>"),
        "no SVG: {figure}"
    );
    // Sends delivered: one blue circle each, and the legend's.
    let delivered = (events.iter())
        .filter(|e| e["event"] == "sent" && e["reply"]["class"] == 2)
        .count();
    assert_eq!(
        svg.matches("fill=\"#0072B2\"").count(),
        delivered + 1,
        "{svg}"
    );
    let table = dom
        .split("<table class=\"events\">")
        .nth(1)
        .expect("the events' table");
    let table = table.split("</table>").next().unwrap();
    let rows: Vec<&str> = table.split("<tr class=\"event ").skip(1).collect();
    assert_eq!(rows.len(), events.len(), "{table}");
    assert!(
        table.contains(&format!("({} events)", events.len())),
        "{table}"
    );
    for (row, event) in rows.iter().zip(events) {
        assert_eq!(cell(row, "seconds"), event["seconds"].to_string(), "{row}");
        assert_eq!(cell(row, "event name"), event["event"].as_str().unwrap());
        let code = event["reply"]["code"].as_str().unwrap_or("");
        assert_eq!(cell(row, "smtp name"), code, "{row}");
    }
    assert!(
        table.contains("452 4.2.2"),
        "the soft bounce's code: {table}"
    );
    let png_path = dir.path().join("trace.png");
    chromium(
        &html,
        profile.path(),
        &format!("--screenshot={}", png_path.display()),
    );
    check_plot_area(&png_path);
}

/// The plot area of the trace page's screenshot (the rows its weekend bands, grey #DCDCDC,
/// cross; between the bands' first and last columns) holds coloured (not grey) pixels: the
/// markers.
fn check_plot_area(png_path: &Path) {
    let (width, rgb) = pixels(png_path);
    let near = |p: &[u8; 3], c: [u8; 3]| (0..3).all(|i| p[i].abs_diff(c[i]) <= 6);
    let shaded = |row: &[[u8; 3]]| row.iter().filter(|p| near(p, [0xdc; 3])).count();
    let rows: &Vec<&[[u8; 3]]> = &rgb.chunks(width).collect();
    // A band is a day wide (over 20 pixels) and a month holds several: the legend's sample
    // (20 pixels) is not a plot row.
    let plot: Vec<usize> = (0..rows.len()).filter(|&y| shaded(rows[y]) > 60).collect();
    assert!(plot.len() > 200, "no shaded weekends: {} rows", plot.len());
    let columns: Vec<usize> = (plot.iter())
        .flat_map(|&y| (0..width).filter(move |&x| near(&rows[y][x], [0xdc; 3])))
        .collect();
    let (left, right) = (columns.iter().min().unwrap(), columns.iter().max().unwrap());
    let (top, bottom) = (plot[0], plot[plot.len() - 1]);
    let markers: usize = (top..=bottom)
        .map(|y| {
            rows[y][*left..=*right]
                .iter()
                .filter(|p| coloured(p))
                .count()
        })
        .sum();
    assert!(
        markers > 800,
        "the plot area (rows {top}..{bottom}, columns {left}..{right}) is nearly blank: {markers} coloured pixels"
    );
}
