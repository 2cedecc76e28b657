//! The tidy outputs and the merge, on a hand-made sweep.

use super::*;

/// Two axes (a: 1, 2; b: "x", "y"), two seeds, counts [attempts, outcomes.A, outcomes.B].
fn sweep() -> Sweep {
    let grid = Grid {
        scenario: "hand".to_owned(),
        scenario_sha256: None,
        overrides: vec![],
        axes: vec![
            AxisHeader {
                path: "a".to_owned(),
                values: vec!["1".to_owned(), "2".to_owned()],
                label: None,
            },
            AxisHeader {
                path: "b".to_owned(),
                values: vec!["\"x\"".to_owned(), "\"y,z\"".to_owned()],
                label: None,
            },
        ],
        seeds: 2,
        counts: ["enrollment_attempts", "outcomes.A", "outcomes.B"]
            .map(str::to_owned)
            .to_vec(),
        metrics: ["outcomes.A", "outcomes.A%"].map(str::to_owned).to_vec(),
        plots: ["outcomes.A%"].map(str::to_owned).to_vec(),
        targets: vec![],
    };
    let runs = (0..8)
        .map(|k| RunRow {
            run: k,
            seed: 10 + (k % 2) as u64,
            counts: vec![9, k as u64, 4],
        })
        .collect();
    Sweep { grid, runs }
}

#[test]
fn csv_rows_come_in_grid_then_seed_then_metric_order() {
    let csv = sweep().csv();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 8 * 2);
    assert_eq!(lines[0], "a,b,seed,metric,value");
    assert_eq!(lines[1], "1,x,10,outcomes.A,0");
    assert_eq!(lines[2], "1,x,10,outcomes.A%,0");
    assert_eq!(lines[3], "1,x,11,outcomes.A,1");
    assert_eq!(lines[4], "1,x,11,outcomes.A%,20");
    // Run 2 is a=1, b="y,z" (quoted), seed 10: 2 of 2+4 is 33.3333%.
    assert_eq!(lines[6], "1,\"y,z\",10,outcomes.A%,33.3333");
    assert_eq!(lines[16], "2,\"y,z\",11,outcomes.A%,63.6364");
}

#[test]
fn json_lines_have_the_csv_columns_as_keys() {
    let jsonl = sweep().jsonl();
    let first = jsonl.lines().nth(3).unwrap();
    assert_eq!(
        first,
        r#"{"a":1,"b":"x","seed":11,"metric":"outcomes.A%","value":20}"#
    );
    for line in jsonl.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
}

#[test]
fn plots_take_the_mean_and_spread_over_seeds() {
    let s = sweep();
    let m = Metric::parse("outcomes.A", &s.grid.counts).unwrap();
    let series = html::series(&s, &m);
    assert_eq!(series.len(), 2);
    assert_eq!(series[0].label, "b=x");
    // b=x: runs 0,1 (a=1) and 4,5 (a=2).
    assert_eq!(series[0].mean, [0.5, 4.5]);
    assert_eq!(
        (series[0].low.clone(), series[0].high.clone()),
        (vec![0.0, 4.0], vec![1.0, 5.0])
    );
    assert_eq!(series[1].mean, [2.5, 6.5]);
    let html = html::render(&s);
    assert!(html.contains("<svg") && html.contains("<polyline") || html.contains("<path"));
    assert!(!html.contains("<script") && !html.contains("http://") || html.contains("xmlns"));
}

#[test]
fn merged_shards_give_the_sweep_and_bad_sets_are_refused() {
    let s = sweep();
    for n in [1, 3, 7] {
        let files: Vec<(String, String)> = (0..n)
            .rev()
            .map(|i| {
                let rows: Vec<RunRow> = grid::shard(8, i, n)
                    .iter()
                    .map(|&k| s.runs[k].clone())
                    .collect();
                (format!("s{i}"), shard::write(&s.grid, i, n, &rows))
            })
            .collect();
        assert_eq!(shard::merge(&files).unwrap(), s, "{n} shards");
        let err = shard::merge(&files[1..]).unwrap_err();
        if n > 1 {
            assert!(err.contains("missing"), "{err}");
        }
        let mut twice = files.clone();
        twice.push(files[0].clone());
        assert!(shard::merge(&twice).unwrap_err().contains("given twice"));
    }
    let mut other = s.clone();
    other.grid.seeds = 3;
    let rows: Vec<RunRow> = grid::shard(8, 0, 2)
        .iter()
        .map(|&k| s.runs[k].clone())
        .collect();
    let a = ("a".to_owned(), shard::write(&s.grid, 0, 2, &rows));
    let b = ("b".to_owned(), shard::write(&other.grid, 1, 2, &[]));
    let err = shard::merge(&[a.clone(), b]).unwrap_err();
    assert!(err.contains("another sweep"), "{err}");
    let short = (
        "c".to_owned(),
        shard::write(&s.grid, 1, 2, &[s.runs[1].clone()]),
    );
    assert!(shard::merge(&[a, short]).unwrap_err().contains("cut short"));
    assert!(shard::merge(&[("x".to_owned(), "{}\n".to_owned())])
        .unwrap_err()
        .contains("not a shard file"));
}

#[test]
fn labels_and_targets_are_presented_and_checked() {
    let mut s = sweep();
    s.grid
        .present(&["b=letters".to_owned()], &["outcomes.B <= 4".to_owned()])
        .unwrap();
    assert_eq!(s.grid.axes[1].label.as_deref(), Some("letters"));
    assert_eq!(s.grid.axes[1].title(), "letters (b)");
    assert_eq!(s.grid.axes[0].title(), "a");
    // The target's metric joins the metrics and the plots; its text reads back.
    assert_eq!(s.grid.metrics, ["outcomes.A", "outcomes.A%", "outcomes.B"]);
    assert_eq!(s.grid.plots, ["outcomes.A%", "outcomes.B"]);
    assert_eq!(s.grid.targets, ["outcomes.B <= 4"]);
    assert_eq!(s.grid.targets()[0].legend(), "target: B <= 4");
    // A later --label (merge's) replaces the earlier one; other keys keep theirs.
    s.grid.present(&["a=reps".to_owned()], &[]).unwrap();
    assert_eq!(
        (s.grid.axes[0].name(), s.grid.axes[1].name()),
        ("reps", "letters")
    );
    let err = s.grid.present(&["c=x".to_owned()], &[]).unwrap_err();
    assert!(
        err.contains("--label `c=x`: `c` is not a varied key") && err.contains("`a`, `b`"),
        "{err}"
    );
    let err = s.grid.present(&[], &["NOPE < 1".to_owned()]).unwrap_err();
    assert!(
        err.starts_with("--target") && err.contains("allowed"),
        "{err}"
    );
    // Shard headers carry the presentation, and leave it out when there is none.
    let text = shard::write(&s.grid, 0, 1, &s.runs);
    assert!(text.contains(r#""label":"reps""#), "{text}");
    assert_eq!(
        shard::merge(&[("s".to_owned(), text)]).unwrap().grid,
        s.grid
    );
    let plain = shard::write(&sweep().grid, 0, 1, &[]);
    assert!(
        !plain.contains("label") && !plain.contains("targets"),
        "{plain}"
    );
}

/// The 2-point `<polyline>`s of `svg` that are horizontal, by their height: dashes.
fn dashes(svg: &str) -> Vec<i64> {
    (svg.split("<polyline").skip(1))
        .filter_map(|p| p.split("points=\"").nth(1)?.split('"').next())
        .filter_map(|pts| {
            let ys: Vec<i64> = (pts.split_whitespace())
                .filter_map(|xy| xy.split_once(',')?.1.parse().ok())
                .collect();
            (ys.len() == 2 && ys[0] == ys[1]).then_some(ys[0])
        })
        .collect()
}

#[test]
fn the_page_names_its_axes_and_tabulates_what_it_plots() {
    let mut s = sweep();
    s.grid
        .present(
            &["a=reps".to_owned(), "b=letters".to_owned()],
            &["outcomes.A < 25%".to_owned()],
        )
        .unwrap();
    let html = html::render(&s);
    for text in [
        "reps (a)",
        "A (% of outcomes)",
        "target: A &lt; 25%",
        "letters=x",
        "lowest to highest of 2 seeds",
        "<li><code>a</code> (reps): 1, 2</li>",
    ] {
        assert!(html.contains(text), "{text}: {html}");
    }
    // outcomes.A% at a=1: b=x runs 0, 1 (0 and 1 of 1+4: 0%, 20%); b="y,z" runs 2, 3 (2 of 6,
    // 3 of 7). Per line: mean, lowest, highest.
    assert!(
        html.contains("<tr><th scope=\"row\">1</th><td>10</td><td>0</td><td>20</td><td>38.0952</td><td>33.3333</td><td>42.8571</td></tr>"),
        "{html}"
    );
    // The target is dashed across the plot at one height (a dash every 20 pixels of its 580 or
    // so); the grid's lines are one a height, and the legend's sample two dashes.
    let svg = html.split("<svg").nth(1).unwrap();
    let ys = dashes(svg);
    let at = |y: i64| ys.iter().filter(|&&h| h == y).count();
    let line = *ys.iter().max_by_key(|&&y| at(y)).unwrap();
    assert!((25..=30).contains(&at(line)), "{ys:?}");
    assert!(ys.iter().any(|&y| at(y) == 2), "{ys:?}");
}
