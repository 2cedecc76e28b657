//! `seqsim harness` (check an external rule engine against the reference model, in shadow or
//! drive mode) and `seqsim export-attempts` (every attempt's facts and reference decision as
//! JSON lines). Glue over the `harness` crate: argument parsing, exit codes, output.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ::harness::{
    Driver, HarnessReport, HttpEngine, Mode, Pipeline, ReportMeta, RequestBuilder, RuleEngine,
    ShadowOptions, SubprocessEngine,
};
use anyhow::{bail, Context as _, Result};
use clap::{Args, ValueEnum};

use crate::{Output, ScenarioArgs, ThreadArgs};

pub const HARNESS_HELP: &str = "\
Examples:
  seqsim harness --engine 'python3 examples/python_engine.py'
  seqsim harness scale-1m --engine target/release/examples/jsonl_engine --timing
  seqsim harness purchased-list --engine-url http://127.0.0.1:8080/decide --batch 1000
  seqsim harness --engine './my-engine --strict' --mode drive --show 5 --format json
  seqsim harness purchased-list --rules rules/sender-bounce-guard.toml --engine ./my-engine

The engine speaks the protocol seqsim-decision/2 (docs/harness.md; --protocol
seqsim-decision/1 for an engine written for version 1): one batch of requests a line on its standard input, one answer message a line on its standard output (or the batch as
the body of an HTTP POST to --engine-url, the answer as the response's body).

Exit codes: 0 the engine agrees with the reference model on every attempt; 1 it disagrees on
some (the report lists the first, each with the `seqsim trace` command that reproduces it);
2 bad input, or a protocol error (a malformed answer, a wrong id or count, an unknown code,
an engine that exits or does not answer within --timeout-ms, an HTTP error), naming the
attempt and what came back. The engine process is stopped on every path.";

pub const EXPORT_HELP: &str = "\
Examples:
  seqsim export-attempts --out attempts.jsonl
  seqsim export-attempts purchased-list --rules rules/sender-bounce-guard.toml --seed 7
  seqsim export-attempts scale-1m --out scale.jsonl --threads 2

Each line is one attempt's request of the protocol seqsim-decision/2 (or --protocol
seqsim-decision/1; docs/harness.md, schema docs/harness.schema.json) with \"reference\": the reference model's decision.

Exit codes: 0 written; 2 bad input (a scenario or rule file, a flag, an output that cannot be
written).";

// `seqsim harness`.
#[derive(Args)]
pub struct HarnessArgs {
    #[command(flatten)]
    input: ScenarioArgs,
    /// The engine to start, a program and its arguments ('CMD ARGS', split like a shell; no
    /// shell runs it): JSON lines on its standard input and output.
    #[arg(
        long,
        value_name = "'CMD ARGS'",
        required_unless_present = "engine_url",
        conflicts_with = "engine_url"
    )]
    engine: Option<String>,
    /// The URL of a running engine: each batch is POSTed to it as JSON.
    #[arg(long, value_name = "URL")]
    engine_url: Option<String>,
    /// shadow: the reference model drives the world, every attempt is also asked of the
    /// engine; drive: the engine's decisions drive the world, compared with the reference run
    /// contact by contact.
    #[arg(long, value_enum, default_value_t = ModeArg::Shadow)]
    mode: ModeArg,
    /// Requests per batch (shadow mode; drive mode asks one attempt at a time).
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    batch: u32,
    /// The longest wait for each answer, in milliseconds.
    #[arg(long, value_name = "T", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    timeout_ms: u64,
    /// How many disagreements to list, first first.
    #[arg(long, value_name = "N", default_value_t = 10)]
    show: usize,
    /// Report format.
    #[arg(long, value_enum, default_value_t = HarnessFormat::Text)]
    format: HarnessFormat,
    /// Write the report to this file instead of standard output (written whole or not at all).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the throughput (decisions a second) on standard error.
    #[arg(long)]
    timing: bool,
    #[command(flatten)]
    protocol: ProtocolArg,
    #[command(flatten)]
    threads: ThreadArgs,
}

/// The protocol version requests are written in.
#[derive(Args)]
struct ProtocolArg {
    /// The protocol version of the requests: seqsim-decision/2 (the variables of CEL checks
    /// too) or seqsim-decision/1 (for an engine written for version 1; it still decides CEL
    /// checks, which `guards` lists when they hold).
    #[arg(long, value_name = "VERSION", default_value = harness::PROTOCOL, value_parser = protocol_version)]
    protocol: harness::Version,
}

fn protocol_version(name: &str) -> std::result::Result<harness::Version, String> {
    harness::Version::from_name(name).ok_or_else(|| {
        let all: Vec<&str> = harness::Version::ALL.iter().map(|v| v.name()).collect();
        format!("allowed: {}", all.join(", "))
    })
}

// `seqsim export-attempts`.
#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    input: ScenarioArgs,
    /// Output format: one JSON object a line.
    #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
    format: ExportFormat,
    /// Write to this file instead of standard output (written whole or not at all).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    protocol: ProtocolArg,
    #[command(flatten)]
    threads: ThreadArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ModeArg {
    Shadow,
    Drive,
}

#[derive(Clone, Copy, ValueEnum)]
enum HarnessFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Jsonl,
}

/// The engine under test, in another process.
enum External {
    Process(SubprocessEngine),
    Http(HttpEngine),
}

impl External {
    fn pipeline(&mut self) -> &mut dyn Pipeline {
        match self {
            Self::Process(e) => e,
            Self::Http(e) => e,
        }
    }

    fn engine(&mut self) -> &mut (dyn RuleEngine + Send) {
        match self {
            Self::Process(e) => e,
            Self::Http(e) => e,
        }
    }
}

/// The name batches give the rule set: the `--rules` file as given, or the scenario's name.
fn rules_name(input: &ScenarioArgs, scenario: &sim::Scenario) -> String {
    match &input.overrides.rules {
        Some(path) => path.display().to_string(),
        None => format!("{} (the scenario's rules)", scenario.name),
    }
}

/// `seqsim trace ...` for this run, without `--contact ID`.
fn trace_prefix(input: &ScenarioArgs, scenario: &sim::Scenario) -> String {
    let quote = |p: &PathBuf| {
        let text = p.display().to_string();
        shlex::try_quote(&text).map_or(text.clone(), |q| q.into_owned())
    };
    let mut words = vec!["seqsim trace".to_owned()];
    words.extend(input.scenario.as_ref().map(quote));
    words.push(format!("--seed {}", scenario.seed));
    if let Some(rules) = &input.overrides.rules {
        words.push(format!("--rules {}", quote(rules)));
    }
    words.join(" ")
}

/// `seqsim harness`: 0 all agree, 1 any disagreement; an error (bad input, a protocol error)
/// exits 2.
pub fn harness(args: HarnessArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let scenario = args.input.load()?;
    let output = (args.out.as_deref())
        .map(|p| Output::prepare(p, "--out"))
        .transpose()?;
    let rules = rules_name(&args.input, &scenario);
    let builder = RequestBuilder::new(&scenario, &rules, args.protocol.protocol);
    let timeout = Duration::from_millis(args.timeout_ms);
    let (mut external, label) = match (&args.engine, &args.engine_url) {
        (Some(command), _) => (
            External::Process(SubprocessEngine::spawn(command, timeout)?),
            command.clone(),
        ),
        (None, Some(url)) => (External::Http(HttpEngine::new(url, timeout)), url.clone()),
        (None, None) => bail!("give the engine: --engine 'CMD ARGS' or --engine-url URL"),
    };
    let meta = ReportMeta {
        scenario: scenario.name.clone(),
        seed: scenario.seed,
        mode: match args.mode {
            ModeArg::Shadow => Mode::Shadow,
            ModeArg::Drive => Mode::Drive,
        },
        engine: label,
        trace_prefix: trace_prefix(&args.input, &scenario),
    };
    let report = match args.mode {
        ModeArg::Shadow => shadow(&scenario, &builder, &mut external, meta, &args, started)?,
        ModeArg::Drive => drive(&scenario, &builder, &mut external, meta, &args)?,
    };
    drop(external);
    let text = match args.format {
        HarnessFormat::Text => report.text(),
        HarnessFormat::Json => report.json(),
    };
    crate::emit(output, &text)?;
    if args.timing {
        eprintln!(
            "harness: the whole command took {:.3} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(if report.all_agree() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Shadow mode: the reference run's attempts, every one asked of the engine.
fn shadow(
    scenario: &sim::Scenario,
    builder: &RequestBuilder,
    external: &mut External,
    meta: ReportMeta,
    args: &HarnessArgs,
    started: Instant,
) -> Result<HarnessReport> {
    let options = sim::RunOptions {
        threads: args.threads.count(),
        attempts: true,
        ..sim::RunOptions::default()
    };
    let run = crate::run_checked(scenario, &options)?;
    let attempts = run.recordings.attempts.as_deref().expect("asked for");
    let compare_started = Instant::now();
    let options = ShadowOptions {
        batch: args.batch as usize,
        show: args.show,
    };
    let comparison = ::harness::shadow(builder, attempts, external.pipeline(), options)
        .context("protocol error")?;
    if args.timing {
        let (seconds, total) = (
            compare_started.elapsed().as_secs_f64(),
            started.elapsed().as_secs_f64(),
        );
        let n = comparison.attempts as f64;
        eprintln!(
            "harness: {} decisions compared in {seconds:.3} s ({:.0} decisions/s); {total:.3} s since the start ({:.0} decisions/s)",
            comparison.attempts,
            n / seconds,
            n / total
        );
    }
    Ok(HarnessReport::new(meta, builder, &comparison, None))
}

/// Drive mode: the engine's decisions drive the world (one thread, one attempt at a time),
/// then the driven run is compared with the reference run contact by contact.
fn drive(
    scenario: &sim::Scenario,
    builder: &RequestBuilder,
    external: &mut External,
    meta: ReportMeta,
    args: &HarnessArgs,
) -> Result<HarnessReport> {
    let options = sim::RunOptions {
        threads: args.threads.count(),
        journeys: true,
        ..sim::RunOptions::default()
    };
    let reference = crate::run_checked(scenario, &options)?;
    let driver = Driver::new(builder, external.engine(), args.show);
    let one_thread = sim::RunOptions {
        threads: 1,
        ..options
    };
    let driven_run = crate::checked(scenario, sim::run_driven(scenario, &one_thread, &driver))?;
    let driven = driver.finish();
    if let Some(error) = driven.error {
        bail!("protocol error (the run went on with the reference model's decisions): {error}");
    }
    let diff = reports::Diff::new((scenario, &reference), (scenario, &driven_run), args.show);
    let section = ::harness::DriveSection {
        not_followed: driven.not_followed,
        diff,
    };
    Ok(HarnessReport::new(
        meta,
        builder,
        &driven.comparison,
        Some(section),
    ))
}

/// `seqsim export-attempts`: every attempt's request and the reference decision, a JSON object
/// a line, written as it is built.
pub fn export_attempts(args: ExportArgs) -> Result<()> {
    let scenario = args.input.load()?;
    let output = (args.out.as_deref())
        .map(|p| Output::prepare(p, "--out"))
        .transpose()?;
    let ExportFormat::Jsonl = args.format;
    let rules = rules_name(&args.input, &scenario);
    let builder = RequestBuilder::new(&scenario, &rules, args.protocol.protocol);
    let options = sim::RunOptions {
        threads: args.threads.count(),
        attempts: true,
        ..sim::RunOptions::default()
    };
    let run = crate::run_checked(&scenario, &options)?;
    let attempts = run.recordings.attempts.as_deref().expect("asked for");
    let write = |out: &mut dyn std::io::Write| builder.write_export(attempts, out);
    match output {
        Some(mut output) => {
            let shown = output.path.display().to_string();
            write(output.temp.as_file_mut())
                .with_context(|| format!("cannot write to `{shown}` (--out)"))?;
            output.commit("")
        }
        None => match write(&mut std::io::stdout().lock()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(e).context("cannot write to standard output")
            }
            _ => Ok(()),
        },
    }
}
