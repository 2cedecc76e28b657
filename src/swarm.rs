//! `seqsim swarm`: swarm testing in the style of TigerBeetle's VOPR. Draws `--count` random
//! valid scenarios from `--seed` (`generate`), loads each one's TOML text through
//! `scenarios::parse` (so validation is exercised too), runs it on one thread with the audit
//! and the journeys recorded, and checks every invariant of `sim::check` on it, a panic caught
//! as a failure. Scenarios run in parallel, each on one thread; the first failure in scenario
//! order is reported, with the file that reproduces it, whatever the thread count.

mod generate;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::Args;

pub use generate::{generate, Feature};

pub const HELP: &str = "\
Examples:
  seqsim swarm --seed 1 --count 100             100 random scenarios, every invariant checked
  seqsim swarm --seed 7 --count 10000 --threads 2 --out-dir /tmp/swarm
  seqsim swarm --replay swarm-7-4321.toml       check one scenario file (a failure's, say) again

On a failure it prints the swarm seed, the scenario's index and seed, and writes the scenario
that reproduces it to DIR/swarm-SEED-INDEX.toml (--out-dir, default the current directory);
`seqsim swarm --replay FILE` checks it again, `seqsim run FILE` or `seqsim trace FILE` look
into it.

Exit codes: 0 every scenario kept every invariant; 1 a scenario failed (a broken invariant, a
panic, or a generated scenario that does not validate); 2 bad input (a flag, an unwritable
--out-dir, a --replay file that does not load).";

// `seqsim swarm`.
#[derive(Args)]
pub struct SwarmArgs {
    /// The swarm's seed: scenario I is drawn from the stream of (seed, I).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// How many scenarios to draw and check.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    count: u64,
    /// Where a failing scenario's file is written (default: the current directory).
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Check this scenario file with every invariant checker instead of drawing scenarios.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["count", "out_dir"])]
    replay: Option<PathBuf>,
    #[command(flatten)]
    threads: crate::ThreadArgs,
}

/// Checks a run of a scenario: `sim::check::all` in the command, planted failures in tests.
pub type Checker = dyn Fn(&sim::Scenario, &sim::RunResult) -> Result<(), String> + Sync;

/// A scenario that failed.
#[derive(Debug)]
pub struct Failure {
    /// Its index in the swarm.
    pub index: u64,
    /// Its own seed.
    pub seed: u64,
    /// What went wrong.
    pub message: String,
    /// Its file's text.
    pub toml: String,
}

/// What a swarm that found nothing ran.
#[derive(Debug, PartialEq, Eq)]
pub struct Summary {
    /// Scenarios run.
    pub scenarios: u64,
    /// Scenarios using each feature, by `Feature::index`.
    pub covered: [u64; Feature::ALL.len()],
}

/// `seqsim swarm`: exit 0 with a summary, 1 with the first failure.
pub fn command(args: SwarmArgs) -> Result<ExitCode> {
    if let Some(path) = &args.replay {
        return replay(path);
    }
    let dir = args.out_dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if !dir.is_dir() {
        anyhow::bail!(
            "cannot write failing scenarios to `{}` (--out-dir): not a directory; give an existing directory",
            dir.display()
        );
    }
    let checker: &Checker = &sim::check::all;
    match swarm(args.seed, args.count, args.threads.count(), checker) {
        Ok(summary) => {
            crate::write_stdout(&render_summary(args.seed, &summary))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(failure) => {
            let path = write_failure(&dir, args.seed, &failure)?;
            eprintln!("{}", render_failure(args.seed, &failure, &path));
            Ok(ExitCode::from(1))
        }
    }
}

/// Draws and checks scenarios `0..count` of swarm `seed` on `threads` threads (0: one per
/// core); the summary, or the failure of the lowest index.
pub fn swarm(seed: u64, count: u64, threads: usize, checker: &Checker) -> Result<Summary, Failure> {
    let outcomes = in_parallel(count, threads, |index| {
        let generated = generate(seed, index);
        let diff = index % DIFF_EVERY == 0;
        let failure = check_one(&generated.toml, &origin(seed, index), checker, diff)
            .err()
            .map(|message| Failure {
                index,
                seed: generated.seed,
                message,
                toml: generated.toml,
            });
        (generated.features, failure)
    });
    let mut covered = [0; Feature::ALL.len()];
    for (features, failure) in outcomes {
        if let Some(failure) = failure {
            return Err(failure);
        }
        for f in Feature::ALL {
            covered[f.index()] += features >> f.index() & 1;
        }
    }
    Ok(Summary {
        scenarios: count,
        covered,
    })
}

/// `each(i)` for `i` in `0..count` on `threads` threads (0: one per core), by index.
///
/// Plain scoped threads taking the next index from a counter, rather than rayon: every run
/// installs itself in a one-thread pool of its own (`sim::run_with`), and a rayon worker waiting
/// on another pool runs its own pool's jobs meanwhile, so scenarios nested on one stack until
/// it overflowed (seen at 10,000 scenarios).
fn in_parallel<T: Send>(count: u64, threads: usize, each: impl Fn(u64) -> T + Sync) -> Vec<T> {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Mutex;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let threads = if threads == 0 { cores } else { threads };
    let next = AtomicU64::new(0);
    let done = Mutex::new(Vec::with_capacity(count as usize));
    std::thread::scope(|scope| {
        for _ in 0..threads.min(count as usize) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= count {
                    break;
                }
                let value = each(index);
                done.lock().expect("no worker panics").push((index, value));
            });
        }
    });
    let mut done = done.into_inner().expect("no worker panics");
    done.sort_by_key(|&(index, _)| index);
    assert_eq!(done.len() as u64, count, "every index ran once");
    done.into_iter().map(|(_, value)| value).collect()
}

/// The file name of scenario `index` of swarm `seed`.
pub fn file_name(seed: u64, index: u64) -> String {
    format!("swarm-{seed}-{index}.toml")
}

fn origin(seed: u64, index: u64) -> String {
    format!("<swarm {seed} scenario {index}>")
}

/// One scenario in this many (by index) of a swarm also checks the multi-seed diff of its
/// guards (`one_sided_diff`: four more runs); `--replay` always does.
const DIFF_EVERY: u64 = 8;

/// Loads scenario `toml` through validation, runs it audited on one thread and checks it: the
/// violation, the panic or the validation error, or `Ok`. With `diff`, a scenario with guards
/// is also diffed over two seeds against itself without them.
pub fn check_one(toml: &str, origin: &str, checker: &Checker, diff: bool) -> Result<(), String> {
    let scenario = scenarios::parse(toml, origin, "swarm")
        .map_err(|e| format!("generator bug: the scenario does not validate: {e}"))?;
    let options = sim::RunOptions {
        threads: 1,
        audit: true,
        journeys: true,
        ..sim::RunOptions::default()
    };
    // The engine's panics carry the seed; the scenario file reproduces them.
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let result = sim::run_with(&scenario, &options);
        checker(&scenario, &result)
    }));
    let outcome = outcome.unwrap_or_else(|payload| Err(panic_text(payload.as_ref())));
    outcome?;
    if !diff || scenario.guards.is_empty() {
        return Ok(());
    }
    catch_unwind(AssertUnwindSafe(|| one_sided_diff(&scenario)))
        .unwrap_or_else(|payload| Err(panic_text(payload.as_ref())))
}

/// A caught panic's message, as a failure.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let text = (payload.downcast_ref::<String>().map(String::as_str))
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    format!("panicked: {text}")
}

/// `seqsim diff --seeds 2` of a guarded scenario against itself without its guards, both
/// ways, rendered in every format: each guard's code is on one side only, so it must count 0
/// in every run of the other side and its own runs' counts on its side (issue 26: this panicked).
fn one_sided_diff(guarded: &sim::Scenario) -> Result<(), String> {
    let order: Vec<model::Check> = (guarded.rules.order().iter())
        .filter(|c| !matches!(c, model::Check::Guard(_)))
        .copied()
        .collect();
    let bare = sim::Scenario {
        rules: model::RuleSet::with_guards(&order, Vec::new()).expect("the order less its guards"),
        guards: Vec::new(),
        ..guarded.clone()
    };
    let seeds = [guarded.seed, guarded.seed.wrapping_add(1)];
    let options = sim::RunOptions {
        threads: 1,
        ..sim::RunOptions::default()
    };
    let runs = |s: &sim::Scenario| sim::run_seeds(s, &seeds, &options, reports::Report::new_owned);
    let (guarded_runs, bare_runs) = (runs(guarded), runs(&bare));
    for (before, after) in [
        ((&bare, &bare_runs), (guarded, &guarded_runs)),
        ((guarded, &guarded_runs), (&bare, &bare_runs)),
    ] {
        let diff = reports::SeedsDiff::new((before.0, before.1), (after.0, after.1));
        for format in [
            reports::Format::Table,
            reports::Format::Markdown,
            reports::Format::Json,
        ] {
            diff.render(format);
        }
        let enrollment = |groups: &[reports::Group]| -> reports::Group {
            let found = groups.iter().find(|g| g.key == "enrollment");
            found.expect("a diff has the enrollment decisions").clone()
        };
        let (b, a) = (
            enrollment(&diff.before_counts),
            enrollment(&diff.after_counts),
        );
        let (bare_side, guarded_side) = if before.0.guards.is_empty() {
            (&b, &a)
        } else {
            (&a, &b)
        };
        for code in guarded.rules.guards() {
            let values = |group: &reports::Group| {
                (group.series.iter().find(|s| s.name == code.name)).map(|s| s.values.clone())
            };
            let own: Vec<u64> = (guarded_runs.iter())
                .map(|r| r.enrollment.get(&code.name).unwrap_or(u64::MAX))
                .collect();
            if values(bare_side) != Some(vec![0, 0]) || values(guarded_side) != Some(own) {
                return Err(format!(
                    "seed {}: the multi-seed diff against the scenario without its guards counts {} as {:?} on the bare side and {:?} on the guarded side",
                    guarded.seed, code.name, values(bare_side), values(guarded_side)
                ));
            }
        }
    }
    Ok(())
}

/// `--replay FILE`: the checks of one scenario file.
fn replay(path: &Path) -> Result<ExitCode> {
    // A file that does not validate is bad input here, not a generator bug; loading it first
    // also refuses what is not a regular file of at most 4 MiB before it is read.
    crate::load_scenario(path, &[])?;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read `{}` (--replay)", path.display()))?;
    let shown = path.display().to_string();
    let checker: &Checker = &sim::check::all;
    match check_one(&text, &shown, checker, true) {
        Ok(()) => {
            crate::write_stdout(&format!("{shown}: every invariant holds\n"))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(message) => {
            eprintln!("{shown}: FAILED: {message}");
            Ok(ExitCode::from(1))
        }
    }
}

fn write_failure(dir: &Path, seed: u64, failure: &Failure) -> Result<PathBuf> {
    let path = dir.join(file_name(seed, failure.index));
    let output = crate::Output::prepare(&path, "--out-dir")?;
    output.commit(&failure.toml)?;
    Ok(path)
}

fn render_failure(seed: u64, failure: &Failure, path: &Path) -> String {
    format!(
        "swarm FAILED: swarm seed {seed}, scenario {} (scenario seed {}): {}\nreproduce: seqsim swarm --replay {}",
        failure.index,
        failure.seed,
        failure.message,
        path.display()
    )
}

/// One line: how many scenarios ran and how many used each feature.
pub fn render_summary(seed: u64, summary: &Summary) -> String {
    let features: Vec<String> = Feature::ALL
        .iter()
        .map(|f| format!("{} {}", f.name(), summary.covered[f.index()]))
        .collect();
    format!(
        "swarm ok: seed {seed}, {} scenarios, every invariant held; features covered: {}\n",
        summary.scenarios,
        features.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every draw validates, and 200 draws use every feature.
    #[test]
    fn two_hundred_draws_validate_and_cover_every_feature() {
        let mut seen = 0u64;
        for index in 0..200 {
            let g = generate(3, index);
            if let Err(e) = scenarios::parse(&g.toml, "drawn", "drawn") {
                panic!("scenario {index} does not validate: {e}\n{}", g.toml);
            }
            seen |= g.features;
        }
        let missing: Vec<&str> = (Feature::ALL.iter())
            .filter(|f| seen & (1 << f.index()) == 0)
            .map(|f| f.name())
            .collect();
        assert!(missing.is_empty(), "never drawn: {missing:?}");
    }

    /// The same swarm seed draws byte-identical files; another seed or index, other files.
    #[test]
    fn the_same_seed_draws_the_same_text() {
        for index in [0, 1, 77] {
            assert_eq!(generate(9, index), generate(9, index));
            assert_ne!(generate(9, index).toml, generate(10, index).toml);
        }
        assert_ne!(generate(9, 0).toml, generate(9, 1).toml);
        let g = generate(9, 5);
        let scenario = scenarios::parse(&g.toml, "drawn", "drawn").unwrap();
        assert_eq!(scenario.seed, g.seed);
    }

    /// A short swarm with the real checkers finds nothing, and counts each feature once per
    /// scenario using it, whatever the thread count.
    #[test]
    fn a_short_swarm_passes_on_any_thread_count() {
        let checker: &Checker = &sim::check::all;
        let one = swarm(1, 12, 1, checker).expect("no failure");
        assert_eq!(one.scenarios, 12);
        let by_hand = (0..12)
            .filter(|&i| generate(1, i).has(Feature::ManyPortals))
            .count();
        assert_eq!(one.covered[Feature::ManyPortals.index()], by_hand as u64);
        assert_eq!(swarm(1, 12, 2, checker).expect("no failure"), one);
    }

    /// The checkers catch a corrupted result: one attempt too many, one send too many.
    #[test]
    fn the_checkers_catch_a_corrupted_result() {
        let scenario = scenarios::parse(&generate(2, 0).toml, "drawn", "drawn").unwrap();
        let options = sim::RunOptions {
            threads: 1,
            audit: true,
            journeys: true,
            ..sim::RunOptions::default()
        };
        let result = sim::run_with(&scenario, &options);
        assert_eq!(sim::check::all(&scenario, &result), Ok(()));
        let mut more = result.clone();
        more.counters.attempts += 1;
        let message = sim::check::all(&scenario, &more).unwrap_err();
        assert!(
            message.contains(&format!("seed {}", scenario.seed)),
            "{message}"
        );
        let mut outcome = result.clone();
        outcome.counters.outcomes[0] += 1;
        assert!(sim::check::journeys_agree(&scenario, &outcome).is_err());
    }

    /// A planted failure (results of multi-portal scenarios corrupted before the checkers see
    /// them) is reported at its lowest index, and its file loads and fails again.
    #[test]
    fn a_planted_failure_writes_a_file_that_reproduces_it() {
        let planted: &Checker = &|scenario, result| {
            let mut result = result.clone();
            if scenario.population.portals > 1 {
                result.counters.enrolled += 1;
            }
            sim::check::all(scenario, &result)
        };
        let first = (0..)
            .find(|&i| generate(4, i).has(Feature::ManyPortals))
            .unwrap();
        let failure = swarm(4, first + 5, 2, planted).unwrap_err();
        assert_eq!(failure.index, first);
        assert_eq!(failure.toml, generate(4, first).toml);
        let dir = tempfile::tempdir().unwrap();
        let path = write_failure(dir.path(), 4, &failure).unwrap();
        assert_eq!(path, dir.path().join(format!("swarm-4-{first}.toml")));
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, failure.toml);
        let loaded = scenarios::load(&path).unwrap();
        assert_eq!(loaded.seed, failure.seed);
        let again = check_one(&text, &path.display().to_string(), planted, true).unwrap_err();
        assert_eq!(again, failure.message);
        assert_eq!(check_one(&text, "file", &sim::check::all, true), Ok(()));
    }

    /// A panic in the run or a checker is a failure with its message; a file that does not
    /// validate is a generator bug.
    #[test]
    fn panics_and_invalid_files_are_failures() {
        let text = generate(5, 0).toml;
        let panicking: &Checker = &|s, _| panic!("planted panic (seed {})", s.seed);
        let message = check_one(&text, "drawn", panicking, true).unwrap_err();
        assert!(
            message.starts_with("panicked: planted panic (seed "),
            "{message}"
        );
        let broken = text.replace("[plan]", "[plan]\nbusiness_days_typo = 1");
        let message = check_one(&broken, "drawn", &sim::check::all, true).unwrap_err();
        assert!(message.starts_with("generator bug: "), "{message}");
    }
}
