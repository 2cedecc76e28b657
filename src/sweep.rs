//! `seqsim sweep`, `seqsim goal` and `seqsim merge`: argument glue over the `sweep` crate
//! (the grid, shards, metrics, outputs and bisection live there, tested by hand).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};
use clap::Args;

use super::{load_scenario, write_stdout, Output, SetArgs, ThreadArgs};

pub const SWEEP_HELP: &str = "\
Examples:
  seqsim sweep capacity-planning --vary 'senders[0].count=40..56:2' --seeds 5 --out-dir out
  seqsim sweep default --vary 'senders[0].count=8,12,16' --vary population.contacts=10000,20000 \\
      --metric SEND_LIMIT_REACHED% --metric BOUNCED --csv s.csv --html s.html
  seqsim sweep capacity-planning --vary 'senders[0].count=36..56:2' --seeds 3 \\
      --label 'senders[0].count=reps' --target 'SEND_LIMIT_REACHED < 1%' --html s.html
  seqsim sweep default --vary 'senders[0].count=8..16:2' --seeds 20 --shard auto/4 --out-dir shards
  seqsim merge shards/*.jsonl --csv s.csv --jsonl s.jsonl --html s.html

Runs are numbered in grid order (the first --vary slowest, then the seeds); every output lists
them in that order, then the metrics, whatever the thread count. Metrics: seqsim check's count
paths (outcomes.SEND_LIMIT_REACHED), a code alone when one section has it, with % for its share
of its section; default: enrollment_attempts, every enrollment decision and outcome with its
share, and the send-limit sides. --shard I/N runs runs I, I+N, I+2N... and writes
DIR/shard-I-of-N.jsonl; auto/N takes I from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or
SLURM_ARRAY_TASK_ID less SLURM_ARRAY_TASK_MIN (Slurm array); see docs/cluster.md.

The HTML report plots each metric against the first --vary, a line per value of the others:
the x axis titled by the key (and its --label PATH=TEXT, repeatable, one a varied key), the y
axis by the metric and its unit (% of outcomes for a share of the outcomes, enrollments for an
outcome's count), scaled to the plot's own values and targets; with several seeds a band from
the lowest to the highest seed. Each --target METRIC OP NUMBER[%] (repeatable; goal's form) is a
dashed line on its metric's plot, named in the legend; its metric is added to --metric when
missing. A table below every plot holds the numbers it plots. Labels only name keys in the
HTML; the CSV and JSON lines keep the paths. Shard files carry the labels and targets; merge's
--label replaces a key's label.

Exit codes: 0 the outputs were written; 2 bad input (a scenario, a --set, --vary, --metric,
--label, --target or --shard, an output path).";

pub const GOAL_HELP: &str = "\
Examples:
  seqsim goal capacity-planning --vary 'senders[0].count=30..80' --target 'SEND_LIMIT_REACHED < 1%'
  seqsim goal capacity-planning --vary 'senders[0].daily_limit=100..2000' \\
      --target 'SEND_LIMIT_REACHED < 1%' --seeds 5 --confidence 0.95
  seqsim goal default --vary population.contacts=1000..100000 --target 'BOUNCED <= 500' --maximize
  seqsim goal capacity-planning --vary 'senders[0].count=30..80' --target 'SEND_LIMIT_REACHED < 1%' \\
      --html goal.html --label 'senders[0].count=reps'

Both ends are run first: the target must fail at A and hold at B (with --maximize: hold at A,
fail at B). Bisection then halves the bracket; after every run the points so far must show
the metric moving one way only and the verdict changing once. Every point is printed with its
metric's mean over --seeds, its 95% interval and verdict; the answer with both neighbours. The
target is judged on the mean, or with --confidence 0.95 on the interval's end on the bound's
side (the upper end for < and <=). A bound with % is a share, without it a count: the first
line says which (`< 1% of outcomes`, `< 1 enrollments`). --html FILE also writes them as a page: the points
tried against the key (titled by its --label PATH=TEXT, if given), the target as a dashed
line, and a table of the points in the order tried.

Exit codes: 0 the answer was found; 1 no answer: the ends do not bracket one, or the metric is
non-monotone (the evidence says where); 2 bad input (a scenario, --set, --vary, --target,
--label, an output path).";

pub const MERGE_HELP: &str = "\
Examples:
  seqsim merge shards/shard-*-of-7.jsonl --csv sweep.csv --jsonl sweep.jsonl --html sweep.html
  seqsim merge shards/shard-*-of-7.jsonl --label 'senders[0].count=reps' --html sweep.html

The outputs are byte for byte what the unsharded sweep writes (with the --label and --target
the shards ran with, and merge's --label over a key's label). Every shard of one sweep must be
given, each once.

Exit codes: 0 the outputs were written; 2 a file is not a shard, shards of other sweeps, a
shard missing or given twice, a --label for a key the sweep does not vary, an output path.";

// `seqsim sweep`.
#[derive(Args)]
pub struct SweepArgs {
    /// Scenario file (TOML) or library name (seqsim list).
    scenario: PathBuf,
    /// A key and its values: PATH=V1,V2,... (TOML values) or PATH=A..B:STEP (numbers; STEP
    /// defaults to 1 for whole numbers). Repeatable: the grid is every combination.
    #[arg(long, value_name = "PATH=LIST|A..B:STEP", required = true, value_parser = sweep::Axis::parse)]
    vary: Vec<sweep::Axis>,
    /// Seeds per grid point: the point's seed, then each next integer.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    seeds: u32,
    /// A metric to write and plot (repeatable): a count path (outcomes.BOUNCED), a code alone
    /// (SEND_LIMIT_REACHED), with % for its share of its section.
    #[arg(long, value_name = "NAME")]
    metric: Vec<String>,
    /// A target drawn as a dashed line on its metric's plot (repeatable): METRIC OP NUMBER[%],
    /// as in 'SEND_LIMIT_REACHED < 1%' (its metric is added to --metric when missing).
    #[arg(long, value_name = "METRIC OP NUMBER[%]")]
    target: Vec<String>,
    #[command(flatten)]
    labels: LabelArgs,
    #[command(flatten)]
    outputs: SweepOutputs,
    /// Run only shard I of N (round-robin) and write DIR/shard-I-of-N.jsonl (--out-dir, default
    /// .); `auto/N` takes I from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    #[command(flatten)]
    set: SetArgs,
    #[command(flatten)]
    threads: ThreadArgs,
}

// The plots' names for the varied keys.
#[derive(Args)]
pub struct LabelArgs {
    /// The name plots give a varied key (repeatable): PATH=TEXT, as in
    /// 'senders[0].count=reps'; the CSV and JSON lines keep the path.
    #[arg(long, value_name = "PATH=TEXT")]
    label: Vec<String>,
}

// Where a sweep's outputs go.
#[derive(Args)]
pub struct SweepOutputs {
    /// Write sweep.csv, sweep.jsonl and sweep.html into this directory (with --shard: the
    /// shard file).
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Write the tidy CSV here.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Write the JSON lines here.
    #[arg(long, value_name = "FILE")]
    jsonl: Option<PathBuf>,
    /// Write the HTML report here.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

// `seqsim goal`.
#[derive(Args)]
pub struct GoalArgs {
    /// Scenario file (TOML) or library name (seqsim list).
    scenario: PathBuf,
    /// The key searched and its range of whole numbers: PATH=A..B.
    #[arg(long, value_name = "PATH=A..B")]
    vary: String,
    /// What must hold: METRIC OP NUMBER[%], as in 'SEND_LIMIT_REACHED < 1%'.
    #[arg(long)]
    target: String,
    /// Judge the target on the mean over N seeds at every value.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    seeds: u32,
    /// Find the largest value meeting the target instead of the smallest.
    #[arg(long)]
    maximize: bool,
    /// Judge each value on the end of its mean's interval at this level, on the bound's side
    /// (the upper end for < and <=), not on the mean; needs --seeds N, N >= 2. Allowed: 0.95.
    #[arg(long, value_name = "LEVEL", value_parser = parse_confidence)]
    confidence: Option<sweep::goal::Judge>,
    /// Also write the points tried as an HTML page: a plot with the target line, and a table.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    #[command(flatten)]
    labels: LabelArgs,
    #[command(flatten)]
    set: SetArgs,
    #[command(flatten)]
    threads: ThreadArgs,
}

// `seqsim merge`.
#[derive(Args)]
pub struct MergeArgs {
    /// Every shard file of one sweep.
    #[arg(required = true, value_name = "SHARD_FILE")]
    shards: Vec<PathBuf>,
    #[command(flatten)]
    labels: LabelArgs,
    #[command(flatten)]
    outputs: SweepOutputs,
}

/// A claimed output file and how to render the sweep into it.
type Rendered = (Output, fn(&sweep::Sweep) -> String);

impl SweepOutputs {
    /// The claimed output files (CSV, JSON lines, HTML), at least one.
    fn prepare(&self) -> Result<Vec<Rendered>> {
        create_dir(self.out_dir.as_deref())?;
        let in_dir = |name: &str| self.out_dir.as_ref().map(|d| d.join(name));
        let csv = self.csv.clone().or_else(|| in_dir("sweep.csv"));
        let jsonl = self.jsonl.clone().or_else(|| in_dir("sweep.jsonl"));
        let html = self.html.clone().or_else(|| in_dir("sweep.html"));
        let mut out: Vec<Rendered> = Vec::new();
        if let Some(p) = csv {
            out.push((Output::prepare(&p, "--csv")?, sweep::Sweep::csv));
        }
        if let Some(p) = jsonl {
            out.push((Output::prepare(&p, "--jsonl")?, sweep::Sweep::jsonl));
        }
        if let Some(p) = html {
            out.push((Output::prepare(&p, "--html")?, sweep::html::render));
        }
        if out.is_empty() {
            bail!("no output; allowed: --out-dir DIR, or any of --csv FILE, --jsonl FILE, --html FILE");
        }
        Ok(out)
    }
}

/// Creates the `--out-dir`, if given, with its parents.
fn create_dir(dir: Option<&Path>) -> Result<()> {
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create directory `{}` (--out-dir)", dir.display()))?;
    }
    Ok(())
}

/// Writes every output of `done`.
fn commit(outputs: Vec<Rendered>, done: &sweep::Sweep) -> Result<()> {
    for (output, render) in outputs {
        output.commit(&render(done))?;
    }
    Ok(())
}

/// `seqsim sweep`.
pub fn sweep(args: SweepArgs) -> Result<()> {
    let shard = (args.shard.as_deref())
        .map(|s| sweep::grid::parse_shard(s, |k| std::env::var(k).ok()))
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let prepared = prepare(&args)?;
    let total = prepared.grid.run_count();
    let Some((index, of)) = shard else {
        let outputs = args.outputs.prepare()?;
        let all: Vec<usize> = (0..total).collect();
        let runs = run_with_bar(&prepared, &all, &args.threads)?;
        return commit(
            outputs,
            &sweep::Sweep {
                grid: prepared.grid,
                runs,
            },
        );
    };
    let o = &args.outputs;
    if o.csv.is_some() || o.jsonl.is_some() || o.html.is_some() {
        bail!("--shard writes a shard file (into --out-dir), not --csv, --jsonl or --html; allowed: --shard with --out-dir DIR, then `seqsim merge` the shard files");
    }
    create_dir(o.out_dir.as_deref())?;
    let dir = o.out_dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let path = dir.join(format!("shard-{index}-of-{of}.jsonl"));
    let output = Output::prepare(&path, "--out-dir")?;
    let mine = sweep::grid::shard(total, index, of);
    let runs = run_with_bar(&prepared, &mine, &args.threads)?;
    output.commit(&sweep::shard::write(&prepared.grid, index, of, &runs))
}

/// The sweep's runs, every grid point's scenario validated first.
fn prepare(args: &SweepArgs) -> Result<sweep::Prepared> {
    let load = |settings: &[scenarios::Setting]| {
        let all: Vec<scenarios::Setting> = args.set.set.iter().chain(settings).cloned().collect();
        load_scenario(&args.scenario, &all).map_err(|e| format!("{e:#}"))
    };
    let mut prepared = sweep::prepare(load, &args.vary, args.seeds, &args.metric, &args.metric)
        .map_err(anyhow::Error::msg)?;
    (prepared.grid)
        .present(&args.labels.label, &args.target)
        .map_err(anyhow::Error::msg)?;
    Ok(prepared)
}

/// Runs `which` of `prepared` with a progress bar over runs on a terminal.
fn run_with_bar(
    prepared: &sweep::Prepared,
    which: &[usize],
    threads: &ThreadArgs,
) -> Result<Vec<sweep::RunRow>> {
    use std::io::IsTerminal as _;
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(which.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "sweep [{bar:30}] run {pos}/{len}, {elapsed} elapsed, {eta} left",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    let rows = sweep::run(prepared, which, threads.count(), &|| bar.inc(1));
    bar.finish_and_clear();
    rows.map_err(anyhow::Error::msg)
}

/// `seqsim merge`.
pub fn merge(args: MergeArgs) -> Result<()> {
    let mut files = Vec::with_capacity(args.shards.len());
    for path in &args.shards {
        let text = read_shard(path)?;
        files.push((path.display().to_string(), text));
    }
    let mut merged = sweep::shard::merge(&files).map_err(anyhow::Error::msg)?;
    (merged.grid)
        .present(&args.labels.label, &[])
        .map_err(anyhow::Error::msg)?;
    let outputs = args.outputs.prepare()?;
    commit(outputs, &merged)
}

/// A shard file's text.
fn read_shard(path: &Path) -> Result<String> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read shard file `{}`", path.display()))
}

/// `seqsim goal`: exit 0 with an answer, 1 without one.
pub fn goal(args: GoalArgs) -> Result<ExitCode> {
    let (path, segments, lo, hi) =
        sweep::axis::goal_range(&args.vary).map_err(anyhow::Error::msg)?;
    let at = |x: i64| -> Result<sim::Scenario> {
        let setting = scenarios::Setting::new(&path, segments.clone(), toml::Value::Integer(x));
        let all: Vec<scenarios::Setting> = args.set.set.iter().cloned().chain([setting]).collect();
        load_scenario(&args.scenario, &all).with_context(|| format!("--vary {path}={x}"))
    };
    let first = at(lo)?;
    at(hi)?;
    let names = sweep::metric::count_names(&first);
    let target = sweep::goal::Target::parse(&args.target, &names).map_err(anyhow::Error::msg)?;
    let axis = goal_axis(&args, &path)?;
    let html = (args.html.as_deref())
        .map(|p| Output::prepare(p, "--html"))
        .transpose()?;
    let options = sim::RunOptions {
        threads: args.threads.count(),
        ..sim::RunOptions::default()
    };
    let judge = args.confidence.unwrap_or(sweep::goal::Judge::Mean);
    if judge != sweep::goal::Judge::Mean && args.seeds < 2 {
        bail!("--confidence judges the interval of the mean over several seeds; allowed: --confidence 0.95 with --seeds N, N >= 2 (5 or more give a useful interval)");
    }
    let eval = |x: i64| -> Result<sweep::goal::Point> {
        let scenario = at(x)?;
        let seeds = sim::seeds_from(scenario.seed, args.seeds);
        let values = crate::run_seeds(&scenario, &seeds, &options, |s, r| {
            let report = reports::Report::new(s, &r);
            target
                .metric
                .value(&sweep::metric::counts(&report, &names))
                .as_f64()
        })?;
        let point = sweep::goal::Point::judge(x, &values, &target, judge);
        eprintln!("  {path} = {x}: {}", point_text(&target, &point));
        Ok(point)
    };
    let (verdict, tried) = sweep::goal::search(lo, hi, args.maximize, eval)?;
    if let Some(html) = html {
        html.commit(&sweep::html::goal(&sweep::html::GoalPage {
            scenario: &first.name,
            axis: &axis,
            range: (lo, hi),
            target: &target,
            seeds: args.seeds,
            judge,
            maximize: args.maximize,
            verdict: &verdict,
            tried: &tried,
        }))?;
    }
    let judged = judge.text(target.op, args.seeds);
    write_stdout(&render_goal(&path, &target, &judged, &verdict, &tried))?;
    Ok(match verdict {
        sweep::goal::Verdict::Found(_) => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    })
}

/// The key `goal` searches, with its `--label`: a label for another key, or a label without
/// `--html` (where labels are shown), is an error.
fn goal_axis(args: &GoalArgs, path: &str) -> Result<sweep::AxisHeader> {
    let label = sweep::label::labels(&args.labels.label, &[path])
        .map_err(anyhow::Error::msg)?
        .pop()
        .flatten();
    if label.is_some() && args.html.is_none() {
        bail!("--label names the key in the --html page; allowed: --label with --html FILE");
    }
    Ok(sweep::AxisHeader {
        path: path.to_owned(),
        values: Vec::new(),
        label,
    })
}

/// `--confidence`'s level: 0.95, the one level whose t quantiles `reports::stats` tabulates.
fn parse_confidence(text: &str) -> Result<sweep::goal::Judge, String> {
    match text.trim().parse::<f64>() {
        Ok(0.95) => Ok(sweep::goal::Judge::Interval95),
        _ => Err(format!(
            "`{text}` is not a level seqsim computes; allowed: 0.95 (the mean's 95% t-interval)"
        )),
    }
}

/// A point's mean, its interval and verdict in a few words (`0.8440%, 95% interval 0.6435%
/// to 1.0445% (fails)`).
fn point_text(target: &sweep::goal::Target, p: &sweep::goal::Point) -> String {
    let percent = if target.metric.share_of.is_some() {
        "%"
    } else {
        ""
    };
    let interval = p.interval.map_or(String::new(), |(low, high)| {
        format!(", 95% interval {low:.4}{percent} to {high:.4}{percent}")
    });
    let verdict = if p.holds { "holds" } else { "fails" };
    format!("mean {:.4}{percent}{interval} ({verdict})", p.mean)
}

/// The goal search's evidence and answer as text: the target with its unit and what is judged,
/// every point tried (mean, interval, verdict), the answer and its two neighbours.
fn render_goal(
    path: &str,
    target: &sweep::goal::Target,
    judged: &str,
    verdict: &sweep::goal::Verdict,
    tried: &[sweep::goal::Point],
) -> String {
    let mut out = format!("target: {}, judged on {judged}\n", target.described());
    let width = path.len().max(5);
    let several = tried.iter().any(|p| p.interval.is_some());
    let head = if several {
        "     95% low    95% high"
    } else {
        ""
    };
    out.push_str(&format!(
        "{:>3}  {:>width$}  {:>12}{head}  verdict\n",
        "#", path, "mean"
    ));
    for (i, p) in tried.iter().enumerate() {
        let interval = p.interval.map_or(String::new(), |(low, high)| {
            format!("  {low:>10.4}  {high:>10.4}")
        });
        let verdict = if p.holds { "holds" } else { "fails" };
        out.push_str(&format!(
            "{:>3}  {:>width$}  {:>12.4}{interval}  {verdict}\n",
            i + 1,
            p.x,
            p.mean
        ));
    }
    out.push_str(&sweep::html::verdict_text(path, verdict));
    out.push('\n');
    if let sweep::goal::Verdict::Found(x) = verdict {
        for (at, what) in [(x - 1, "below"), (*x, "the answer"), (x + 1, "above")] {
            if let Some(p) = tried.iter().find(|p| p.x == at) {
                let what = if at == *x {
                    what.to_owned()
                } else {
                    format!("neighbour {what}")
                };
                out.push_str(&format!(
                    "  {path} = {at} ({what}): {}\n",
                    point_text(target, p)
                ));
            }
        }
    }
    out
}
