//! `seqsim`: the command line. Thin glue: parse arguments, load a scenario, run it, write a
//! report. Every error a user can cause exits with code 2 and one message on stderr.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use output::{emit, write_stdout, Output, ProgressBar};

mod budget;
mod cleanup;
mod harness;
mod import;
mod init;
mod memory;
mod output;
mod swarm;
mod sweep;

const EXAMPLES: &str = "\
Examples:
  seqsim run                                    run the embedded default scenario
  seqsim list                                   the built-in scenario library
  seqsim run purchased-list                     run a library scenario by name
  seqsim run scenarios/library/purchased-list.toml      run a scenario file
  seqsim run 'scenarios/library/*.toml' --summary       every file a pattern matches
  seqsim run scenarios/library/clean-opt-in.toml --seed 7 --format json --out report.json
  seqsim run scale-1m --contacts 10000000 --threads 2
  seqsim run scenarios/library/purchased-list.toml --seeds 20   mean and 95% interval over 20 seeds
  seqsim trace scenarios/library/spam-wave.toml --contact 42
  seqsim diff scenarios/library/default.toml my-reordered-rules.toml --examples 20
  seqsim diff scenarios/library/default.toml my-reordered-rules.toml --seeds 10
  seqsim run scenarios/library/purchased-list.toml --rules rules/sender-bounce-guard.toml
  seqsim diff scenarios/library/spam-wave.toml scenarios/library/re-engagement.toml \\
      --before-rules rules/default.toml --after-rules rules/unsubscribed-before-spam.toml
  seqsim validate scenarios/library/overlapping-team.toml
  seqsim harness --engine 'python3 examples/python_engine.py'   check another rule engine
  seqsim export-attempts --out attempts.jsonl   every attempt's facts and reference decision
  seqsim init capacity --out plan.toml          a commented starter scenario

Exit codes: 0 done; 2 bad input (a scenario or rule file, a flag, an output that cannot be
written), with one message on stderr naming the file, the key and what is allowed.";

const RUN_HELP: &str = "\
Examples:
  seqsim run                                    run the embedded default scenario
  seqsim run purchased-list                     a library scenario by name (seqsim list)
  seqsim run scenarios/library/purchased-list.toml      run a scenario file
  seqsim run a.toml b.toml --format json        several scenarios: a JSON array of reports
  seqsim run 'scenarios/library/*.toml' --summary       every file a pattern matches
  seqsim run scenarios/library/clean-opt-in.toml --seed 7 --format json --out report.json
  seqsim run scenarios/library/purchased-list.toml --rules rules/sender-bounce-guard.toml
  seqsim run scenarios/library/purchased-list.toml --seeds 20   mean and 95% interval over 20 seeds
  seqsim run scenarios/library/scale-1m.toml --contacts 10000000 --threads 2
  seqsim run --summary                          the distributions without the daily series
  seqsim run scale-1m --check-determinism       twice on 1 thread, once on N: the same events?

Exit codes: 0 the report was written (--check-determinism: the runs were identical); 1
--check-determinism found a divergence; 2 bad input (a scenario or rule file, a flag, an output
that cannot be written).";

const TRACE_HELP: &str = "\
Examples:
  seqsim trace scenarios/library/spam-wave.toml --contact 42
  seqsim trace scenarios/library/purchased-list.toml --contact 45000 --rules rules/sender-bounce-guard.toml
  seqsim trace --contact 312 --format json      every fact the rules read, for tools
  seqsim trace scenarios/library/default.toml --contact 42 --format html > journey.html
                                                the journey on a time line, and every event

Exit codes: 0 the journey was written; 2 bad input (a file, a contact id out of range).";

const DIFF_HELP: &str = "\
Examples:
  seqsim diff scenarios/library/default.toml my-reordered-rules.toml --examples 20
  seqsim diff scenarios/library/spam-wave.toml --before-rules rules/default.toml \\
      --after-rules rules/unsubscribed-before-spam.toml
  seqsim diff scenarios/library/spam-wave.toml scenarios/library/re-engagement.toml \\
      --before-rules rules/default.toml --after-rules rules/unsubscribed-before-spam.toml
  seqsim diff scenarios/library/default.toml my-reordered-rules.toml --seeds 10 --by-portal

Exit codes: 0 the diff was written; 2 bad input (a file, scenarios that generate different
worlds, a flag).";

const VALIDATE_HELP: &str = "\
Examples:
  seqsim validate scenarios/library/overlapping-team.toml

Exit codes: 0 the file is valid (warnings, if any, are printed); 2 it is not, with every
problem listed.";

const LIST_HELP: &str = "\
Examples:
  seqsim list                                   names and descriptions
  seqsim list --format json                     [{\"name\", \"description\"}, ...]

Any command that takes a scenario file also takes a library name (`purchased-list` or
`purchased-list.toml`) when no such file exists; a file always wins over a name.";

const CHECK_HELP: &str = "\
Examples:
  seqsim check expectations/library.toml
  seqsim check expectations/library.toml --junit report.xml --format markdown
  seqsim check expectations/library.toml --save-baseline baseline.json
  seqsim check expectations/library.toml --baseline baseline.json
  seqsim check expectations/library.toml --seeds 8 --save-baseline base8.json
  seqsim check expectations/library.toml --seeds 8 --baseline base8.json

Exit codes: 0 every expectation holds; 1 an expectation fails (the table says which, by how
much); 2 bad input (the expectations file, a scenario, a baseline, an output path), with every
problem of a file listed.";

/// Deterministic simulator and test harness for sales-email sequences.
#[derive(Parser)]
#[command(name = "seqsim", version, about, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and report its reason-code distribution.
    #[command(after_help = RUN_HELP)]
    Run(RunArgs),
    /// Print one contact's journey: every attempt, step, send and reply code, and the rule or
    /// event that decided it.
    #[command(after_help = TRACE_HELP)]
    Trace(TraceArgs),
    /// Run one seeded world under two scenarios (say, two rule sets) and show which contacts'
    /// journeys changed, how, and examples to trace.
    #[command(
        after_help = DIFF_HELP,
        mut_arg("out", |a| a.help("Write the diff to this file instead of standard output (written whole or not at all)").display_order(3)),
        mut_arg("threads", |a| a.help("Worker threads (default: one per core)")),
        mut_arg("seeds", |a| a.help("Run both scenarios with N seeds and show each count's mean change with its 95% interval over them, marking changes beyond seed-to-seed noise (--examples applies to one seed only)")),
    )]
    Diff(DiffArgs),
    /// List the built-in scenario library: each name and its description. Any scenario
    /// argument may be one of these names.
    #[command(after_help = LIST_HELP)]
    List(ListArgs),
    /// Check a scenario file and report every problem in it.
    #[command(after_help = VALIDATE_HELP)]
    Validate(ValidateArgs),
    /// Run the scenarios of an expectations file and check their counts against its bounds:
    /// exit 0 when every bound holds, 1 when any fails, 2 on bad input.
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
    /// Check an external rule engine against the reference model on every simulated attempt
    /// (protocol seqsim-decision/2 or /1, docs/harness.md): exit 0 when it agrees on all, 1 when it
    /// disagrees on any, 2 on bad input or a protocol error.
    #[command(after_help = harness::HARNESS_HELP)]
    Harness(harness::HarnessArgs),
    /// Write every attempt of a run, with every fact the rules read and the reference
    /// decision, as JSON lines.
    #[command(after_help = harness::EXPORT_HELP)]
    ExportAttempts(harness::ExportArgs),
    /// Read a portal's CRM exports (contacts, users, sequences) in HubSpot's names: what they
    /// hold, or a synthesized scenario whose population matches them.
    #[command(after_help = import::IMPORT_HELP)]
    Import(import::ImportArgs),
    /// Print a shell's completion script for seqsim: `seqsim completions bash >
    /// ~/.local/share/bash-completion/completions/seqsim` (zsh, fish, elvish, powershell alike).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print seqsim's man page (roff): `seqsim man > seqsim.1; man ./seqsim.1`.
    Man,
    /// Write a commented starter scenario (capacity, qa or ci) in a planner's terms: reps,
    /// contacts, weeks and steps.
    #[command(after_help = init::INIT_HELP)]
    Init(init::InitArgs),
    /// Run a scenario over a grid of values (--vary), in parallel: tidy CSV and JSON lines, and
    /// an HTML report with a plot per metric.
    #[command(after_help = sweep::SWEEP_HELP)]
    Sweep(sweep::SweepArgs),
    /// Find the smallest (or largest) value of a key meeting a target, by bisection, checking
    /// monotonicity; prints every point tried.
    #[command(after_help = sweep::GOAL_HELP)]
    Goal(sweep::GoalArgs),
    /// Combine the shard files of `seqsim sweep --shard` into the sweep's outputs.
    #[command(after_help = sweep::MERGE_HELP)]
    Merge(sweep::MergeArgs),
    /// Draw random valid scenarios covering every feature and run each with every invariant
    /// checker; on a failure, write the scenario that reproduces it and exit 1.
    #[command(after_help = swarm::HELP)]
    Swarm(swarm::SwarmArgs),
}

// The argument structs have no doc comments: clap would read them as command descriptions.
// The shared structs' help fits `run`; `diff` rewords two of its flags with `mut_arg`.

// `seqsim run`.
#[derive(Args)]
struct RunArgs {
    /// Scenario files, library names (seqsim list) or glob patterns ('scenarios/*.toml',
    /// expanded by seqsim when the shell did not); the embedded default scenario when left
    /// out. Several: each report in turn (JSON: an array), all in one --out file.
    #[arg(value_name = "SCENARIO")]
    scenarios: Vec<PathBuf>,
    #[command(flatten)]
    overrides: Overrides,
    #[command(flatten)]
    set: SetArgs,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    threads: ThreadArgs,
    #[command(flatten)]
    seeds: SeedsArgs,
    /// Replace the scenario's contact count; its domains and plan scale with it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000_000))]
    contacts: Option<u32>,
    /// Print the distributions only, without the daily series.
    #[arg(long)]
    summary: bool,
    #[command(flatten)]
    budget: budget::BudgetArgs,
    /// Instead of a report: run each scenario twice with 1 thread and once with --threads (or
    /// one per core), hashing every event per portal per day, and report the first divergence
    /// with its day, portal and simulated time (exit 1) or that the runs are identical (exit 0).
    #[arg(long)]
    check_determinism: bool,
}

// `seqsim trace`.
#[derive(Args)]
struct TraceArgs {
    /// The contact's id (0 to the scenario's contacts - 1).
    #[arg(long)]
    contact: u32,
    #[command(flatten)]
    input: ScenarioArgs,
    /// Output format: readable lines; one JSON document with every fact the rules read; or one
    /// self-contained HTML page (no script, nothing fetched): the journey on a time line (days,
    /// weekends shaded, a lane per kind of event, a marker per event), a table of every event,
    /// the contact's facts at the start, the scenario, seed, rules and provenance.
    #[arg(long, value_enum, default_value_t = TraceFormat::Table)]
    format: TraceFormat,
    #[command(flatten)]
    budget: budget::BudgetArgs,
}

// `seqsim diff`.
#[derive(Args)]
struct DiffArgs {
    /// BEFORE AFTER: one world under two scenarios (they must generate the same world). With
    /// both --before-rules and --after-rules: one or more scenarios, each under both rule files.
    #[arg(required = true, value_name = "SCENARIO")]
    scenarios: Vec<PathBuf>,
    #[command(flatten)]
    set: SetArgs,
    /// Seed for both runs (default: the first scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Rule file to run both scenarios under instead of their own [rules].
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// Rule file to run the first scenario under instead of its own [rules] (or --rules).
    #[arg(long, value_name = "FILE")]
    before_rules: Option<PathBuf>,
    /// Rule file to run the second scenario under instead of its own [rules] (or --rules).
    #[arg(long, value_name = "FILE")]
    after_rules: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
    /// How many changed contacts to list.
    // Listed between --format and --out (display orders 1 and 3), as before the flattening.
    #[arg(long, default_value_t = 10, display_order = 2)]
    examples: usize,
    /// Also show each portal's changed contacts and moved counts (JSON always has them).
    #[arg(long)]
    by_portal: bool,
    #[command(flatten)]
    threads: ThreadArgs,
    #[command(flatten)]
    seeds: SeedsArgs,
    #[command(flatten)]
    budget: budget::BudgetArgs,
}

// `seqsim list`.
#[derive(Args)]
struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
}

// `seqsim validate`.
#[derive(Args)]
struct ValidateArgs {
    /// Scenario file (TOML), or a library name; a rule file (only description, order and
    /// [[guards]]) is checked as a rule file.
    #[arg(required_unless_present = "rules")]
    scenario: Option<PathBuf>,
    /// Rule file (rules/*.toml) to check: alone, or with SCENARIO the scenario under it.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    #[command(flatten)]
    budget: budget::BudgetArgs,
    #[command(flatten)]
    set: SetArgs,
}

// `seqsim check`.
#[derive(Args)]
struct CheckArgs {
    /// Expectations file (TOML); its scenario files are relative to its folder.
    expectations: PathBuf,
    /// Baseline for `relative` bounds: a report from `seqsim run --format json`, or a file
    /// from --save-baseline; a bare NAME reads .seqsim/baselines/NAME.json.
    #[arg(long, value_name = "NAME|FILE")]
    baseline: Option<PathBuf>,
    /// Write every scenario's report, keyed by scenario, to this file (a baseline for later
    /// checks; a bare NAME writes .seqsim/baselines/NAME.json); it is also the baseline of this
    /// check when --baseline is not given.
    #[arg(long, value_name = "NAME|FILE")]
    save_baseline: Option<PathBuf>,
    /// Output format: a table of every check, a summary for a pull-request comment, or a
    /// self-contained HTML page (a row per bound: green passed, red failed, grey skipped).
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    format: CheckFormat,
    /// Also write the checks as JUnit XML to this file (one testcase per check).
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Also write the checks as an HTML page to this file (a row per bound, green or red).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Run each scenario with N seeds (its seed, then each next integer): an absolute bound
    /// fails only when the whole 95% interval of the mean is on its wrong side, a relative one
    /// only when Welch's t-test against a baseline of several seeds finds a significant move
    /// beyond its tolerance; with --save-baseline, saves every seed's report.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    seeds: Option<u32>,
    #[command(flatten)]
    threads: ThreadArgs,
    #[command(flatten)]
    budget: budget::BudgetArgs,
}

// A scenario to run: a file, a library name or the embedded default, and what to override.
#[derive(Args)]
struct ScenarioArgs {
    /// Scenario file (TOML) or library name (seqsim list); the embedded default scenario when
    /// left out.
    scenario: Option<PathBuf>,
    #[command(flatten)]
    overrides: Overrides,
    #[command(flatten)]
    set: SetArgs,
}

// What to replace in a loaded scenario: its seed and its rules.
#[derive(Args)]
struct Overrides {
    /// Seed to use instead of the scenario's own.
    #[arg(long)]
    seed: Option<u64>,
    /// Rule file (rules/*.toml) to use instead of the scenario's own [rules].
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
}

// `--set PATH=VALUE`: keys of the scenario replaced before validation.
#[derive(Args, Clone)]
struct SetArgs {
    /// Replace a key of the scenario before validation, as if the file held VALUE there
    /// (repeatable): senders[0].count=48, population.contacts=60000,
    /// sending.stagger_seconds=0. VALUE is read as TOML (a number, true/false, "text",
    /// [8, 18]), else as a string; reports list the settings in their provenance.
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_setting)]
    set: Vec<scenarios::Setting>,
}

/// `--set`'s value read, or clap's error (exit 2) saying what is allowed.
fn parse_setting(arg: &str) -> Result<scenarios::Setting, String> {
    scenarios::Setting::parse(arg)
}

// Where a report goes and in which format.
#[derive(Args)]
struct OutputArgs {
    /// Report format: a terminal table, JSON, Markdown, a self-contained HTML page (charts
    /// with the numbers they draw in tables below them; one seed's run or diff), or tidy CSV
    /// (a row per count and seed: scenario,seed,count,value; a diff's
    /// before,after,seed,count,before_value,after_value,change).
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    format: ReportFormat,
    /// Write the report to this file instead of standard output (written whole or not at all).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also write the report as an HTML page to this file, beside --format's report.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

// The worker threads of a run.
#[derive(Args)]
struct ThreadArgs {
    /// Worker threads (default: one per core). The report is the same for any number.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS))]
    threads: Option<u16>,
}

// Several seeds of one run.
#[derive(Args)]
struct SeedsArgs {
    /// Run with N seeds (--seed, or the scenario's, then each next integer), in parallel, and
    /// report each count's mean, min, max and 95% interval of the mean over the seeds, without
    /// the daily series; 1 gives the single report.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    seeds: Option<u32>,
}

#[derive(Clone, Copy, ValueEnum)]
enum TraceFormat {
    Table,
    Json,
    Html,
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    Table,
    Markdown,
    Html,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Table,
    Json,
    Markdown,
    Html,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Table,
    Json,
    Markdown,
}

impl From<FormatArg> for reports::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Table => reports::Format::Table,
            FormatArg::Json => reports::Format::Json,
            FormatArg::Markdown => reports::Format::Markdown,
        }
    }
}

fn main() -> ExitCode {
    memory::tune_allocator();
    let cli = Cli::parse();
    match execute(cli.command) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("seqsim: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// The command's exit code: 0, or 1 when `check` finds a failed bound; an error exits 2.
fn execute(command: Command) -> Result<ExitCode> {
    match command {
        Command::Run(args) if args.check_determinism => return check_determinism(args),
        Command::Run(args) => run(args),
        Command::Trace(args) => trace(args),
        Command::Diff(args) => diff(args),
        Command::List(args) => write_stdout(&reports::render_library(args.format.into())),
        Command::Validate(args) => validate(args),
        Command::Check(args) => return check(args),
        Command::Harness(args) => return harness::harness(args),
        Command::ExportAttempts(args) => harness::export_attempts(args),
        Command::Import(args) => import::import(args),
        Command::Completions { shell } => completions(shell),
        Command::Man => man(),
        Command::Init(args) => init::init(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Goal(args) => return sweep::goal(args),
        Command::Merge(args) => sweep::merge(args),
        Command::Swarm(args) => return swarm::command(args),
    }?;
    Ok(ExitCode::SUCCESS)
}

/// `seqsim run`: each scenario's report; several in turn (JSON: an array of them).
fn run(args: RunArgs) -> Result<()> {
    let (paths, listed) = expand_scenarios(&args.scenarios)?;
    let mut scenarios = Vec::with_capacity(paths.len().max(1));
    if paths.is_empty() {
        scenarios.push(scenarios::default_scenario_with(&args.set.set)?);
    }
    for path in &paths {
        scenarios.push(load_scenario(path, &args.set.set)?);
    }
    if args.output.wants_html() && args.seeds.several(0).is_some() {
        bail!("an HTML page draws one seed's run; allowed: --format html or --html FILE without --seeds N (N >= 2), or --seeds N with --format table|json|markdown");
    }
    // Claim the output files before the runs, so a bad path fails at once rather than after a
    // long simulation; the reports replace them whole when done.
    let outputs = args.output.prepare()?;
    let mut runs = Vec::with_capacity(scenarios.len());
    for mut scenario in scenarios {
        args.overrides.apply(&mut scenario)?;
        if let Some(contacts) = args.contacts {
            scenario.scale_contacts(contacts);
        }
        let seeds = args.seeds.several(0).map_or(1, |s| s.len());
        args.budget.check(&scenario, args.threads.at_once(seeds))?;
        runs.push(run_one(&scenario, &args)?);
    }
    let text = || {
        if args.output.is_csv() {
            let rows = runs.iter().map(RunReport::csv);
            return reports::csv::RUN_HEADER.to_owned() + &rows.collect::<String>();
        }
        let format = args.output.text_format().expect("a text format");
        let mut texts: Vec<String> = runs.iter().map(|r| r.render(format)).collect();
        match format {
            _ if !listed => texts.remove(0),
            reports::Format::Json => reports::json_array(&texts),
            reports::Format::Table | reports::Format::Markdown => texts.join("\n"),
        }
    };
    let page = || {
        let one: Vec<reports::Report> = (runs.iter())
            .map(|r| match r {
                RunReport::One(report) => (**report).clone(),
                RunReport::Seeds(_) => unreachable!("HTML with --seeds is refused above"),
            })
            .collect();
        reports::html::run::render(&one)
    };
    args.output.emit(outputs, text, page)
}

/// A run's report: one seed's, or the counts over several.
enum RunReport {
    One(Box<reports::Report>),
    Seeds(reports::SeedsReport),
}

impl RunReport {
    fn render(&self, format: reports::Format) -> String {
        match self {
            RunReport::One(r) => r.render(format),
            RunReport::Seeds(r) => r.render(format),
        }
    }

    /// Its CSV rows, without the header.
    fn csv(&self) -> String {
        match self {
            RunReport::One(r) => reports::csv::run(r),
            RunReport::Seeds(r) => reports::csv::seeds(r),
        }
    }
}

/// The threads of `--check-determinism`'s third run: `--threads` (0: one per core), at least 2.
fn several_threads(threads: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    match threads {
        0 | 1 => cores.max(2),
        n => n,
    }
}

/// `seqsim run --check-determinism`: every scenario run with 1 and N threads and compared.
fn check_determinism(args: RunArgs) -> Result<ExitCode> {
    let (paths, _) = expand_scenarios(&args.scenarios)?;
    let mut scenarios = Vec::with_capacity(paths.len().max(1));
    if paths.is_empty() {
        scenarios.push(scenarios::default_scenario());
    }
    for path in &paths {
        scenarios.push(load_scenario(path, &args.set.set)?);
    }
    if args.output.wants_html() {
        bail!("--check-determinism prints a verdict, not a report; allowed: --check-determinism without --format html or --html");
    }
    let (output, _) = args.output.prepare()?;
    let (mut text, mut code) = (String::new(), ExitCode::SUCCESS);
    for mut scenario in scenarios {
        args.overrides.apply(&mut scenario)?;
        if let Some(contacts) = args.contacts {
            scenario.scale_contacts(contacts);
        }
        args.budget.check(&scenario, 1)?;
        let verdict = sim::check::determinism(&scenario, several_threads(args.threads.count()))
            .map_err(|e| anyhow::anyhow!(e.describe(&scenario)))?;
        text.push_str(&verdict.describe());
        if verdict.divergence.is_some() {
            code = ExitCode::from(1);
        }
    }
    emit(output, &text)?;
    Ok(code)
}

/// One scenario's report for `seqsim run`.
fn run_one(scenario: &sim::Scenario, args: &RunArgs) -> Result<RunReport> {
    let options = sim::RunOptions {
        threads: args.threads.count(),
        ..sim::RunOptions::default()
    };
    if let Some(seeds) = args.seeds.several(scenario.seed) {
        let runs = run_seeds(scenario, &seeds, &options, reports::Report::new_owned)?;
        return Ok(RunReport::Seeds(reports::SeedsReport::new(&runs)));
    }
    let bar = ProgressBar::new(u64::from(scenario.calendar.horizon_days));
    let result = sim::run_with_progress(scenario, &options, &|p| bar.update(p));
    bar.finish();
    let result = checked(scenario, result)?;
    let mut report = reports::Report::new(scenario, &result);
    if args.summary {
        report = report.summary();
    }
    Ok(RunReport::One(Box::new(report)))
}

/// `result`, unless a CEL check of `scenario` failed to evaluate in it: then that failure, as
/// an input error, before anything is written.
pub(crate) fn checked(scenario: &sim::Scenario, result: sim::RunResult) -> Result<sim::RunResult> {
    match &result.rule_error {
        Some(e) => bail!(e.describe(scenario)),
        None => Ok(result),
    }
}

/// [`sim::run_with`], [`checked`].
pub(crate) fn run_checked(
    scenario: &sim::Scenario,
    options: &sim::RunOptions,
) -> Result<sim::RunResult> {
    checked(scenario, sim::run_with(scenario, options))
}

/// [`sim::run_seeds`], each run [`checked`] before `each` reads it.
pub(crate) fn run_seeds<T: Send>(
    scenario: &sim::Scenario,
    seeds: &[u64],
    options: &sim::RunOptions,
    each: impl Fn(&sim::Scenario, sim::RunResult) -> T + Sync,
) -> Result<Vec<T>> {
    let runs = sim::run_seeds(scenario, seeds, options, |s, r| match &r.rule_error {
        Some(e) => Err(e.describe(s)),
        None => Ok(each(s, r)),
    });
    runs.into_iter()
        .collect::<std::result::Result<Vec<T>, String>>()
        .map_err(anyhow::Error::msg)
}

/// `run`'s scenario arguments with glob patterns expanded (for shells that did not, or
/// quoted patterns), and whether they form a list: several arguments or any pattern. An
/// argument that exists as a file, or has no `*`, `?` or `[`, is kept as it is.
fn expand_scenarios(args: &[PathBuf]) -> Result<(Vec<PathBuf>, bool)> {
    let mut paths = Vec::with_capacity(args.len());
    let mut listed = args.len() > 1;
    for arg in args {
        let text = arg.to_string_lossy();
        if arg.exists() || !text.contains(['*', '?', '[']) {
            paths.push(arg.clone());
            continue;
        }
        listed = true;
        let matches =
            glob::glob(&text).with_context(|| format!("`{text}` is not a valid glob pattern"))?;
        let mut found: Vec<PathBuf> = matches.filter_map(Result::ok).collect();
        found.sort();
        if found.is_empty() {
            bail!("pattern `{text}` matches no file");
        }
        paths.extend(found);
    }
    Ok((paths, listed))
}

/// The scenario file at `path`, or, when no such file exists, the library scenario it names,
/// with `settings` (`--set`) applied before validation.
fn load_scenario(path: &Path, settings: &[scenarios::Setting]) -> Result<sim::Scenario> {
    Ok(scenarios::load_or_library_with(
        path,
        &path.to_string_lossy(),
        settings,
    )?)
}

/// `seqsim trace`: one contact's journey.
fn trace(args: TraceArgs) -> Result<()> {
    let scenario = args.input.load()?;
    args.budget.check(&scenario, 1)?;
    let (contact, contacts) = (args.contact, scenario.population.contacts);
    if contact >= contacts {
        bail!(
            "--contact {contact} is not a contact of scenario {:?}; allowed: 0 to {}",
            scenario.name,
            contacts - 1
        );
    }
    let options = sim::RunOptions {
        trace_contact: Some(contact),
        ..sim::RunOptions::default()
    };
    let result = run_checked(&scenario, &options)?;
    let text = match args.format {
        TraceFormat::Table => reports::render_trace(&scenario, &result),
        TraceFormat::Json => reports::trace_json(&scenario, &result),
        TraceFormat::Html => {
            let scenario_file = args
                .input
                .scenario
                .as_ref()
                .map(|p| p.display().to_string());
            let rules_file = (args.input.overrides.rules.as_ref()).map(|p| p.display().to_string());
            let inputs = reports::html::trace::Inputs {
                scenario: scenario_file.as_deref(),
                rules: rules_file.as_deref(),
            };
            reports::html::trace::trace_html(&scenario, &result, inputs)
        }
    };
    let text = text.expect("the contact exists");
    write_stdout(&text)
}

/// Most worker threads: far above any machine this runs on, and a bound on the pool a typo
/// (`--threads 65535`) would otherwise try to build.
const MAX_THREADS: i64 = 256;

/// Where named baselines live, as criterion keeps its own: `--save-baseline main` writes
/// `.seqsim/baselines/main.json`, and `--baseline main` reads it.
const BASELINES: &str = ".seqsim/baselines";

/// The file of baseline `arg`: a bare name (one path component, no extension) is a named
/// baseline under [`BASELINES`]; anything else is a file path.
fn named_baseline(arg: &Path) -> PathBuf {
    let bare = arg.components().count() == 1 && arg.extension().is_none();
    if bare {
        Path::new(BASELINES).join(arg).with_extension("json")
    } else {
        arg.to_owned()
    }
}

/// `seqsim diff`: one world under two scenarios, contact by contact; or several scenarios,
/// each under two rule files, and their total.
fn diff(args: DiffArgs) -> Result<()> {
    let pairs = diff_pairs(&args)?;
    if args.output.wants_html() && pairs.len() > 1 {
        bail!("an HTML page shows one pair of runs; allowed: --format html or --html FILE with BEFORE AFTER, or one SCENARIO with --before-rules and --after-rules");
    }
    // Both sides' results are held at once (with every contact's journey).
    let seeds = args.seeds.several(0).map_or(1, |s| s.len());
    for (first, second) in &pairs {
        args.budget.check(first, 2 * args.threads.at_once(seeds))?;
        args.budget.check(second, 2 * args.threads.at_once(seeds))?;
    }
    let outputs = args.output.prepare()?;
    let format = args.output.text_format();
    if args.seeds.several(0).is_some() {
        let diffs: Vec<reports::SeedsDiff> = (pairs.iter())
            .map(|(first, second)| {
                let seeds = args.seeds.several(first.seed).expect("several seeds");
                diff_seeds((first, second), &seeds, &args.threads)
            })
            .collect::<Result<_>>()?;
        let text = || match format {
            None => csv_tables(diffs.iter().map(reports::csv::seeds_diff)),
            Some(format) => (diffs.iter().map(|d| d.render(format)))
                .collect::<Vec<_>>()
                .join("\n"),
        };
        return (args.output).emit(outputs, text, || {
            reports::html::diff::render_seeds(&diffs[0])
        });
    }
    let options = sim::RunOptions {
        threads: args.threads.count(),
        journeys: true,
        ..sim::RunOptions::default()
    };
    let mut diffs: Vec<reports::Diff> = (pairs.iter())
        .map(|(first, second)| {
            let r1 = run_checked(first, &options)?;
            let r2 = run_checked(second, &options)?;
            Ok(reports::Diff::new(
                (first, &r1),
                (second, &r2),
                args.examples,
            ))
        })
        .collect::<Result<_>>()?;
    let traced = args.scenarios[0].display().to_string();
    // Rendered before the text consumes the diffs, and only when asked for.
    let page = (args.output.wants_html()).then(|| reports::html::diff::render(&diffs[0], &traced));
    let text = || match diffs.len() {
        _ if args.output.is_csv() => csv_tables(diffs.iter().map(reports::csv::diff)),
        1 => diffs
            .remove(0)
            .render(format.expect("a text format"), args.by_portal),
        _ => reports::DiffSet::new(diffs).render(format.expect("a text format"), args.by_portal),
    };
    args.output
        .emit(outputs, text, || page.expect("rendered when wanted"))
}

/// `seqsim completions SHELL`: the script, from the command line's definition.
fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(
        shell,
        &mut <Cli as clap::CommandFactory>::command(),
        "seqsim",
        &mut script,
    );
    write_stdout(&String::from_utf8(script).expect("completion scripts are UTF-8"))
}

/// `seqsim man`: the man page, from the command line's definition.
fn man() -> Result<()> {
    let mut page = Vec::new();
    clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut page)?;
    write_stdout(&String::from_utf8(page).expect("roff is UTF-8"))
}

/// CSV tables with one header, as one table: the first whole, the others without theirs.
fn csv_tables(tables: impl Iterator<Item = String>) -> String {
    let mut out = String::new();
    for (i, t) in tables.enumerate() {
        let body = if i == 0 {
            &t[..]
        } else {
            t.split_once('\n').map_or("", |(_, b)| b)
        };
        out += body;
    }
    out
}

/// The (before, after) scenarios `diff` compares, each pair one world: with both rule files,
/// every scenario under each; otherwise the two scenarios given, each under its rule file if
/// one is given.
fn diff_pairs(args: &DiffArgs) -> Result<Vec<(sim::Scenario, sim::Scenario)>> {
    let both_rules = args.before_rules.is_some() && args.after_rules.is_some();
    let files: Vec<(&Path, &Path)> = match &args.scenarios[..] {
        many if both_rules => many.iter().map(|p| (p.as_path(), p.as_path())).collect(),
        [before, after] => vec![(before.as_path(), after.as_path())],
        other => bail!(
            "diff takes two scenarios, BEFORE AFTER, not {}; or, with both --before-rules and --after-rules, one or more scenarios, each run under both rule files",
            other.len()
        ),
    };
    let mut pairs = Vec::with_capacity(files.len());
    for (before, after) in files {
        let mut first = load_scenario(before, &args.set.set)?;
        let mut second = load_scenario(after, &args.set.set)?;
        let seed = args.seed.unwrap_or(first.seed);
        (first.seed, second.seed) = (seed, seed);
        let both = args.rules.as_deref();
        apply_rules(&mut first, args.before_rules.as_deref().or(both))?;
        apply_rules(&mut second, args.after_rules.as_deref().or(both))?;
        sim::compare::same_world(&first, &second).with_context(|| {
            format!(
                "cannot diff `{}` and `{}`",
                before.display(),
                after.display()
            )
        })?;
        pairs.push((first, second));
    }
    Ok(pairs)
}

/// `seqsim diff --seeds N`: both scenarios run with every seed, compared count by count.
fn diff_seeds(
    (first, second): (&sim::Scenario, &sim::Scenario),
    seeds: &[u64],
    threads: &ThreadArgs,
) -> Result<reports::SeedsDiff> {
    let options = sim::RunOptions {
        threads: threads.count(),
        ..sim::RunOptions::default()
    };
    let r1 = run_seeds(first, seeds, &options, reports::Report::new_owned)?;
    let r2 = run_seeds(second, seeds, &options, reports::Report::new_owned)?;
    Ok(reports::SeedsDiff::new((first, &r1), (second, &r2)))
}

/// `seqsim validate`: a scenario file checked, and summed up; or a rule file on its own.
fn validate(args: ValidateArgs) -> Result<()> {
    let path = match (&args.scenario, &args.rules) {
        (None, Some(rules)) => return validate_rules(rules, &args),
        (Some(path), None) if scenarios::is_rule_file(path) => return validate_rules(path, &args),
        (Some(path), _) => path,
        (None, None) => unreachable!("clap requires SCENARIO or --rules"),
    };
    let mut scenario = load_scenario(path, &args.set.set)?;
    apply_rules(&mut scenario, args.rules.as_deref())?;
    let estimate = args.budget.check(&scenario, 1)?;
    let kind = if path.exists() {
        "scenario file"
    } else {
        "library scenario"
    };
    let pop = &scenario.population;
    let senders: u32 = scenario.senders.iter().map(|g| g.count).sum();
    let warnings: String = (scenario.warnings.iter())
        .map(|w| format!("warning: {w}\n"))
        .collect();
    write_stdout(&format!(
        "{kind} `{}` is valid: scenario {:?}, seed {}, {} in {}, {}, {}; estimated peak memory {}, about {} events\n{warnings}",
        path.display(),
        scenario.name,
        scenario.seed,
        reports::counted(pop.contacts.into(), "contact"),
        reports::counted(pop.portals.into(), "portal"),
        reports::counted(senders.into(), "sender"),
        reports::counted(scenario.sequences.len() as u64, "sequence"),
        budget::shown(estimate.memory_bytes),
        estimate.events,
    ))
}

/// `seqsim validate --rules FILE` (or a rule file as SCENARIO): the file checked alone, its
/// checks in order and its guards summed up.
fn validate_rules(path: &Path, args: &ValidateArgs) -> Result<()> {
    if !args.set.set.is_empty() {
        bail!("--set edits a scenario's keys, and `{}` is checked as a rule file; allowed: --set with a SCENARIO", path.display());
    }
    let book = scenarios::load_rules(path)?;
    let rules = &book.rules;
    let order: Vec<&str> = rules.order().iter().map(|&c| rules.check_name(c)).collect();
    let lines: String = (rules.guards().iter().zip(&book.guards))
        .map(|(g, kind)| match &kind.kind {
            sim::GuardKind::Expression(e) => {
                format!(
                    "\n  CEL check {}: {}\n    when {}",
                    g.name,
                    g.description,
                    e.source().trim()
                )
            }
            _ => format!("\n  guard {}: {}", g.name, g.description),
        })
        .collect();
    let cel = (book.guards.iter())
        .filter(|g| matches!(g.kind, sim::GuardKind::Expression(_)))
        .count();
    write_stdout(&format!(
        "rule file `{}` is valid: {} in order: {}; {}, {}{lines}\n",
        path.display(),
        reports::counted(order.len() as u64, "check"),
        order.join(", "),
        reports::counted((rules.guards().len() - cel) as u64, "guard"),
        reports::counted(cel as u64, "CEL check"),
    ))
}

/// `seqsim check`: every scenario of the expectations file run, its bounds checked.
fn check(args: CheckArgs) -> Result<ExitCode> {
    let args = CheckArgs {
        baseline: args.baseline.map(|b| named_baseline(&b)),
        save_baseline: args.save_baseline.map(|b| named_baseline(&b)),
        ..args
    };
    if let Some(dir) = args.save_baseline.as_deref().and_then(Path::parent) {
        if dir == Path::new(BASELINES) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create `{BASELINES}` (--save-baseline)"))?;
        }
    }
    let baseline = read_baseline(&args)?;
    let will_have_baseline = baseline.is_some() || args.save_baseline.is_some();
    let expectations = scenarios::load_expectations(&args.expectations, will_have_baseline)?;
    let seeds = args.seeds.map_or(1, |n| n as usize);
    for s in &expectations.scenarios {
        args.budget
            .check(&s.scenario, args.threads.at_once(seeds))?;
    }
    let junit = (args.junit.as_deref())
        .map(|p| Output::prepare(p, "--junit"))
        .transpose()?;
    let save = (args.save_baseline.as_deref())
        .map(|p| Output::prepare(p, "--save-baseline"))
        .transpose()?;
    let html = (args.html.as_deref())
        .map(|p| Output::prepare(p, "--html"))
        .transpose()?;
    let options = sim::RunOptions {
        threads: args.threads.count(),
        ..sim::RunOptions::default()
    };
    let checked = match args.seeds.filter(|&n| n > 1) {
        None => check_one_seed(&expectations, &options, baseline, save)?,
        Some(n) => check_seeds(&expectations, &options, n, baseline, save)?,
    };
    if let Some(junit) = junit {
        junit.commit(&checked.junit())?;
    }
    if let Some(html) = html {
        html.commit(&checked.render_html())?;
    }
    if std::env::var_os("GITHUB_ACTIONS").is_some() {
        eprint!("{}", checked.github_annotations());
    }
    write_stdout(&match args.format {
        CheckFormat::Table => checked.render_table(),
        CheckFormat::Markdown => checked.render_markdown(),
        CheckFormat::Html => checked.render_html(),
    })?;
    Ok(if checked.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The `--baseline` file of `seqsim check`, if given, and fit for its `--seeds`: a baseline of
/// several seeds goes with `--seeds N` (N >= 2) only, and the other kinds without it.
fn read_baseline(args: &CheckArgs) -> Result<Option<reports::check::Baseline>> {
    let Some(path) = &args.baseline else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read baseline file `{shown}` (--baseline)"))?;
    let baseline = reports::check::Baseline::parse(&text, &shown).map_err(anyhow::Error::msg)?;
    let several = args.seeds.is_some_and(|n| n > 1);
    match (baseline.seeds(), several) {
        (Some(n), false) => anyhow::bail!(
            "baseline file `{shown}` holds runs of {n} seeds (from --save-baseline with --seeds); allowed: check against it with --seeds N (N >= 2), or give a one-seed baseline (`seqsim run --format json`, or --save-baseline without --seeds)"
        ),
        (None, true) => anyhow::bail!(
            "baseline file `{shown}` holds one seed per scenario, and --seeds N judges relative bounds against seed-to-seed variance; allowed: a baseline from `seqsim check --save-baseline FILE --seeds N` (N >= 2), or a check without --seeds"
        ),
        _ => Ok(Some(baseline)),
    }
}

/// The error of relative bounds a baseline cannot serve.
fn unjudged(problems: Vec<String>) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot judge relative bounds:\n  - {}",
        problems.join("\n  - ")
    )
}

/// `seqsim check` with one seed per scenario.
fn check_one_seed(
    expectations: &scenarios::Expectations,
    options: &sim::RunOptions,
    mut baseline: Option<reports::check::Baseline>,
    save: Option<Output>,
) -> Result<reports::check::CheckReport> {
    let runs: Vec<reports::Report> = (expectations.scenarios.iter())
        .map(|s| {
            Ok(reports::Report::new(
                &s.scenario,
                &run_checked(&s.scenario, options)?,
            ))
        })
        .collect::<Result<_>>()?;
    if let Some(save) = save {
        let text = reports::check::baseline_json(expectations, &runs);
        if baseline.is_none() {
            let origin = save.path.display().to_string();
            baseline =
                Some(reports::check::Baseline::parse(&text, &origin).map_err(anyhow::Error::msg)?);
        }
        save.commit(&text)?;
    }
    reports::check::CheckReport::new(expectations, &runs, baseline.as_ref()).map_err(unjudged)
}

/// `seqsim check --seeds N` (N >= 2): every scenario run with N seeds from its own.
fn check_seeds(
    expectations: &scenarios::Expectations,
    options: &sim::RunOptions,
    n: u32,
    mut baseline: Option<reports::check::Baseline>,
    save: Option<Output>,
) -> Result<reports::check::CheckReport> {
    let seeds: Vec<Vec<u64>> = (expectations.scenarios.iter())
        .map(|s| sim::seeds_from(s.scenario.seed, n))
        .collect();
    let runs: Vec<Vec<reports::Report>> = (expectations.scenarios.iter().zip(&seeds))
        .map(|(s, seeds)| run_seeds(&s.scenario, seeds, options, reports::Report::new_owned))
        .collect::<Result<_>>()?;
    if let Some(save) = save {
        let text = reports::check::seeded_baseline_json(expectations, &seeds, &runs);
        if baseline.is_none() {
            let origin = save.path.display().to_string();
            baseline =
                Some(reports::check::Baseline::parse(&text, &origin).map_err(anyhow::Error::msg)?);
        }
        save.commit(&text)?;
    }
    reports::check::CheckReport::new_seeded(expectations, &runs, baseline.as_ref())
        .map_err(unjudged)
}

impl ScenarioArgs {
    /// The scenario file or library scenario (the embedded default without one), with the
    /// overrides applied.
    fn load(&self) -> Result<sim::Scenario> {
        let mut scenario = match &self.scenario {
            Some(path) => load_scenario(path, &self.set.set)?,
            None => scenarios::default_scenario_with(&self.set.set)?,
        };
        self.overrides.apply(&mut scenario)?;
        Ok(scenario)
    }
}

impl Overrides {
    /// `scenario` with the seed and the rule file, if given.
    fn apply(&self, scenario: &mut sim::Scenario) -> Result<()> {
        if let Some(seed) = self.seed {
            scenario.seed = seed;
        }
        apply_rules(scenario, self.rules.as_deref())
    }
}

/// `scenario` under the rule file at `path`, if one is given.
fn apply_rules(scenario: &mut sim::Scenario, path: Option<&Path>) -> Result<()> {
    if let Some(path) = path {
        scenarios::load_rules(path)?.apply(scenario);
    }
    Ok(())
}

impl OutputArgs {
    /// The claimed `--out` file (`None` for standard output), and the claimed `--html` file.
    fn prepare(&self) -> Result<(Option<Output>, Option<Output>)> {
        let out = (self.out.as_deref()).map(|p| Output::prepare(p, "--out"));
        let html = (self.html.as_deref()).map(|p| Output::prepare(p, "--html"));
        Ok((out.transpose()?, html.transpose()?))
    }

    /// Whether `--format csv` is asked for.
    fn is_csv(&self) -> bool {
        self.format == ReportFormat::Csv
    }

    /// Whether an HTML page is asked for (`--format html` or `--html FILE`).
    fn wants_html(&self) -> bool {
        self.format == ReportFormat::Html || self.html.is_some()
    }

    /// The text format of `--format`; `None` for HTML.
    fn text_format(&self) -> Option<reports::Format> {
        match self.format {
            ReportFormat::Table => Some(reports::Format::Table),
            ReportFormat::Json => Some(reports::Format::Json),
            ReportFormat::Markdown => Some(reports::Format::Markdown),
            ReportFormat::Html | ReportFormat::Csv => None,
        }
    }

    /// Writes `text` (the `--format` report) and `page` (the HTML page, made only when asked
    /// for) where they go.
    fn emit(
        &self,
        (out, html): (Option<Output>, Option<Output>),
        text: impl FnOnce() -> String,
        page: impl FnOnce() -> String,
    ) -> Result<()> {
        let page = self.wants_html().then(page);
        let text = match self.format {
            ReportFormat::Html => page.clone().expect("an HTML format makes the page"),
            _ => text(),
        };
        if let (Some(html), Some(page)) = (html, &page) {
            html.commit(page)?;
        }
        emit(out, &text)
    }
}

impl SeedsArgs {
    /// The seeds from `first` when `--seeds` asks for more than one; `None` for one run.
    fn several(&self, first: u64) -> Option<Vec<u64>> {
        self.seeds
            .filter(|&n| n > 1)
            .map(|n| sim::seeds_from(first, n))
    }
}

impl ThreadArgs {
    /// The thread count `sim::RunOptions` takes: 0 for one per core.
    fn count(&self) -> usize {
        self.threads.map_or(0, usize::from)
    }

    /// How many of `runs` runs (seeds) run at once: one per thread.
    fn at_once(&self, runs: usize) -> u64 {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let threads = self.threads.map_or(cores, usize::from);
        runs.min(threads).max(1) as u64
    }
}
