//! `seqsim`: the command line. Thin glue: parse arguments, load a scenario, run it, write a
//! report. Every error a user can cause exits with code 2 and one message on stderr.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};
use clap::{Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  seqsim run                                    run the embedded default scenario
  seqsim run scenarios/purchased-list.toml      run a scenario file
  seqsim run scenarios/clean-opt-in.toml --seed 7 --format json --out report.json
  seqsim run scenarios/scale-1m.toml --contacts 10000000 --threads 2
  seqsim trace scenarios/spam-wave.toml --contact 42
  seqsim diff scenarios/default.toml my-reordered-rules.toml --examples 20
  seqsim validate scenarios/overlapping-team.toml";

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
    #[command(after_help = EXAMPLES)]
    Run {
        /// Scenario file (TOML); the embedded default scenario when left out.
        scenario: Option<PathBuf>,
        /// Seed to use instead of the scenario's own.
        #[arg(long)]
        seed: Option<u64>,
        /// Report format.
        #[arg(long, value_enum, default_value_t = FormatArg::Table)]
        format: FormatArg,
        /// Write the report to this file instead of standard output (written whole or not at all).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads (default: one per core). The report is the same for any number.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
        threads: Option<u16>,
        /// Replace the scenario's contact count; its domains and plan scale with it.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000_000))]
        contacts: Option<u32>,
    },
    /// Print one contact's journey: every attempt, step, send and reply code, and the rule or
    /// event that decided it.
    #[command(after_help = EXAMPLES)]
    Trace {
        /// Scenario file (TOML); the embedded default scenario when left out.
        scenario: Option<PathBuf>,
        /// The contact's id (0 to the scenario's contacts - 1).
        #[arg(long)]
        contact: u32,
        /// Seed to use instead of the scenario's own.
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Run one seeded world under two scenarios (say, two rule sets) and show which contacts'
    /// journeys changed, how, and examples to trace.
    #[command(after_help = EXAMPLES)]
    Diff {
        /// The scenario before the change.
        before: PathBuf,
        /// The scenario after the change; it must describe the same population.
        after: PathBuf,
        /// Seed for both runs (default: the first scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Report format.
        #[arg(long, value_enum, default_value_t = FormatArg::Table)]
        format: FormatArg,
        /// How many changed contacts to list.
        #[arg(long, default_value_t = 10)]
        examples: usize,
        /// Write the diff to this file instead of standard output (written whole or not at all).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads (default: one per core).
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
        threads: Option<u16>,
    },
    /// Check a scenario file and report every problem in it.
    #[command(after_help = EXAMPLES)]
    Validate {
        /// Scenario file (TOML).
        scenario: PathBuf,
    },
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
    let cli = Cli::parse();
    match execute(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("seqsim: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn execute(command: Command) -> Result<()> {
    match command {
        Command::Run {
            scenario,
            seed,
            format,
            out,
            threads,
            contacts,
        } => {
            let mut scenario = load(scenario.as_deref(), seed)?;
            if let Some(contacts) = contacts {
                scenario.scale_contacts(contacts);
            }
            // Claim the output file before the run, so a bad path fails at once rather than
            // after a long simulation; the report replaces it whole when done.
            let output = out.as_deref().map(Output::prepare).transpose()?;
            let options = sim::RunOptions {
                threads: threads.map_or(0, usize::from),
                ..sim::RunOptions::default()
            };
            let bar = ProgressBar::new(u64::from(scenario.calendar.horizon_days));
            let result = sim::run_with_progress(&scenario, &options, &|p| bar.update(p));
            bar.finish();
            let text = reports::Report::new(&scenario, &result).render(format.into());
            emit(output, &text)
        }
        Command::Diff {
            before,
            after,
            seed,
            format,
            examples,
            out,
            threads,
        } => {
            let mut first = scenarios::load(&before)?;
            let mut second = scenarios::load(&after)?;
            let seed = seed.unwrap_or(first.seed);
            first.seed = seed;
            second.seed = seed;
            let (a, b) = (&first.population, &second.population);
            if (a.contacts, a.portals) != (b.contacts, b.portals) {
                bail!(
                    "`{}` and `{}` describe different populations (population.contacts {} and {}, population.portals {} and {}); diff compares one world under two scenarios, so these keys must match",
                    before.display(),
                    after.display(),
                    a.contacts,
                    b.contacts,
                    a.portals,
                    b.portals
                );
            }
            let output = out.as_deref().map(Output::prepare).transpose()?;
            let options = sim::RunOptions {
                threads: threads.map_or(0, usize::from),
                journeys: true,
                ..sim::RunOptions::default()
            };
            let r1 = sim::run_with(&first, &options);
            let r2 = sim::run_with(&second, &options);
            let diff = reports::Diff::new((&first, &r1), (&second, &r2), examples);
            emit(output, &diff.render(format.into()))
        }
        Command::Trace {
            scenario,
            contact,
            seed,
        } => {
            let scenario = load(scenario.as_deref(), seed)?;
            let contacts = scenario.population.contacts;
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
            let result = sim::run_with(&scenario, &options);
            let text = reports::render_trace(&scenario, &result).expect("the contact exists");
            print!("{text}");
            Ok(())
        }
        Command::Validate { scenario: path } => {
            let scenario = scenarios::load(&path)?;
            let pop = &scenario.population;
            let senders: u32 = scenario.senders.iter().map(|g| g.count).sum();
            println!(
                "scenario file `{}` is valid: scenario {:?}, seed {}, {} in {}, {}, {}",
                path.display(),
                scenario.name,
                scenario.seed,
                reports::counted(pop.contacts.into(), "contact"),
                reports::counted(pop.portals.into(), "portal"),
                reports::counted(senders.into(), "sender"),
                reports::counted(scenario.sequences.len() as u64, "sequence"),
            );
            Ok(())
        }
    }
}

/// A progress bar on stderr for runs that take a while: it appears only on a terminal, and only
/// once a run has lasted a second, so quick runs and pipes print nothing extra.
struct ProgressBar {
    bar: indicatif::ProgressBar,
    started: std::time::Instant,
    shown: std::sync::atomic::AtomicBool,
}

impl ProgressBar {
    fn new(days: u64) -> Self {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_length(days);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg:>12} [{bar:30}] day {pos}/{len}, {elapsed} elapsed",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        bar.set_message("generating");
        Self {
            bar,
            started: std::time::Instant::now(),
            shown: false.into(),
        }
    }

    fn update(&self, progress: sim::Progress) {
        use std::io::IsTerminal as _;
        use std::sync::atomic::Ordering;
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() > std::time::Duration::from_secs(1)
            && std::io::stderr().is_terminal()
        {
            self.shown.store(true, Ordering::Relaxed);
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        match progress {
            sim::Progress::Generated => self.bar.set_message("simulating"),
            sim::Progress::Day { done, .. } => self.bar.set_position(u64::from(done)),
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Writes `text` to the prepared output file, or to standard output.
fn emit(output: Option<Output>, text: &str) -> Result<()> {
    match output {
        Some(output) => output.commit(text),
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`seqsim run | head`) is not an error worth a message.
            let _ = stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush());
            Ok(())
        }
    }
}

/// The scenario at `path` (the embedded default without one), with `seed` if given.
fn load(path: Option<&Path>, seed: Option<u64>) -> Result<sim::Scenario> {
    let mut scenario = match path {
        Some(path) => scenarios::load(path)?,
        None => scenarios::default_scenario(),
    };
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    Ok(scenario)
}

/// A report file being written: a temporary file beside the target, renamed over it at the end.
struct Output {
    path: PathBuf,
    temp: tempfile::NamedTempFile,
}

impl Output {
    fn prepare(path: &Path) -> Result<Self> {
        let shown = path.display();
        if path.is_dir() {
            bail!(
                "cannot write the report to `{shown}` (--out): it is a directory; give a file path"
            );
        }
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            bail!(
                "cannot write the report to `{shown}` (--out): directory `{}` does not exist",
                dir.display()
            );
        }
        let temp = tempfile::Builder::new()
            .prefix(".seqsim-report-")
            .tempfile_in(dir)
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot write the report to `{shown}` (--out): directory `{}` is not writable ({})",
                    dir.display(),
                    e.kind()
                )
            })?;
        Ok(Self {
            path: path.to_owned(),
            temp,
        })
    }

    fn commit(mut self, text: &str) -> Result<()> {
        let shown = self.path.display().to_string();
        self.temp
            .write_all(text.as_bytes())
            .and_then(|()| self.temp.flush())
            .with_context(|| format!("cannot write the report to `{shown}` (--out)"))?;
        self.temp
            .persist(&self.path)
            .with_context(|| format!("cannot write the report to `{shown}` (--out)"))?;
        Ok(())
    }
}
