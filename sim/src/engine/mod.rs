//! The discrete-event engine: enrollments play out over simulated weeks against inboxes, send
//! limits and mailbox providers.
//!
//! # Parallel, deterministic design
//!
//! Everything that happens to a contact happens inside its portal: its users, their inboxes,
//! its contact records. The one thing portals share is the platform's global bounce list. So
//! each portal is a partition with its own event queue, run by whichever thread rayon gives it,
//! and the global bounce list is merged at a fixed point: the end of every simulated day. A hard
//! bounce marks its own portal's records at once and joins the global list at the next
//! midnight (the platform refreshes the list daily). Every random draw comes from a stream
//! keyed by the entity it concerns (see `rng`), never from a shared generator. Together these
//! make the result independent of the number of threads and of scheduling: `--threads 1` and
//! `--threads 8` give the same bytes.

mod enrollment;
mod facts;
mod guards;
mod inbox;
mod journey;
mod mail;
mod mailboxes;
mod portal;
mod prefetch;
pub mod queue;
mod record;
mod result;
mod schedule;
mod slots;
mod watch;

use model::ContactFlags;

use crate::plan::{self, Attempt};
use crate::scenario::{Scenario, Source};
use crate::time::{SimTime, SECONDS_PER_DAY};
use crate::world::World;

use mailboxes::Mailboxes;
use portal::{DayView, PortalRun};
use rayon::prelude::*;

pub use facts::{AttemptFacts, Decide, DecidedAttempt, Observed};
pub use guards::{CheckReading, RuleError};
pub use journey::{EnrollmentJourney, Journey, JourneyEntry, Journeys};
pub use mail::Reaction;
pub use result::{
    first_divergence, AttemptRecord, Audit, Counters, DayCounter, DayCounts, InboxPeak,
    LimitCounts, Recordings, RunResult, SendRecord, TraceEntry, TracedContact, TracedEvent,
    WorldShape, PROVIDER_SLOTS,
};

/// How to run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Record the journey of this contact (see [`Recordings::trace`]).
    pub trace_contact: Option<u32>,
    /// Record every attempt and send (see [`Recordings::audit`]), for tests.
    pub audit: bool,
    /// Record each contact's journey (see [`Recordings::journeys`]), for comparing runs.
    pub journeys: bool,
    /// Record every attempt's facts and decision (see [`Recordings::attempts`]), for checking
    /// another rule engine against the reference.
    pub attempts: bool,
    /// Hash every event per portal per day (see [`Recordings::event_hashes`]).
    pub event_hashes: bool,
}

/// One enrollment attempt as the engine makes it: a planned one, or a re-enrollment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AttemptRequest {
    /// The enrolling user.
    pub user: u32,
    /// The contact.
    pub contact: u32,
    /// Where the attempt comes from.
    pub source: Source,
    /// Made from the Gmail extension: Gmail itself sends step 1.
    pub via_gmail: bool,
    /// The target sequence.
    pub sequence: u16,
    /// The step the enrollment starts at (0 for a new enrollment).
    pub step: u8,
    /// Seconds after enrollment that step 1 falls due (bulk pacing); 0 otherwise.
    pub first_step_delay_seconds: u32,
}

/// Generates the world of `scenario` and runs it with default options.
pub fn run(scenario: &Scenario) -> RunResult {
    run_with(scenario, &RunOptions::default())
}

/// Where a run is, for a progress display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// The world is generated and the plan built.
    Generated,
    /// Simulated day `done` (counting from 1) of `of` is over.
    Day {
        /// Days simulated so far.
        done: u32,
        /// Days to simulate.
        of: u32,
    },
}

/// Generates the world of `scenario` and runs its plan to the horizon.
pub fn run_with(scenario: &Scenario, options: &RunOptions) -> RunResult {
    run_with_progress(scenario, options, &|_| {})
}

/// Like [`run_with`], telling `progress` where the run is (from the run's threads).
pub fn run_with_progress(
    scenario: &Scenario,
    options: &RunOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> RunResult {
    scenario.assert_valid();
    pool(options).install(|| {
        let world = World::generate(scenario);
        let plans = plan::build_by_portal(scenario, &world);
        progress(Progress::Generated);
        simulate(scenario, world, plans, options, progress, None)
    })
}

/// Generates the world of `scenario` and runs its plan with `decider` deciding every attempt in
/// the rule set's place, so the world follows its decisions (see [`Decide`]).
pub fn run_driven(scenario: &Scenario, options: &RunOptions, decider: &dyn Decide) -> RunResult {
    scenario.assert_valid();
    pool(options).install(|| {
        let world = World::generate(scenario);
        let plans = plan::build_by_portal(scenario, &world);
        simulate(scenario, world, plans, options, &|_| {}, Some(decider))
    })
}

/// The seeds of a multi-seed run: `first`, `first + 1`, ..., `count` seeds in all (wrapping past
/// `u64::MAX`). Consecutive seeds are as unrelated as any two: every stream mixes its master
/// seed through SplitMix64 (see `rng`), and `seqsim run --seed S` replays any one of them.
pub fn seeds_from(first: u64, count: u32) -> Vec<u64> {
    (0..u64::from(count))
        .map(|i| first.wrapping_add(i))
        .collect()
}

/// Runs `scenario` once per seed of `seeds` and hands each result to `each`, with the scenario
/// as run (its seed replaced); the answers come back in the order of `seeds`.
///
/// One pool of `options.threads` workers runs the seeds in parallel (rayon over the seeds); a
/// run's own parallel parts (generation, the portals of a day) share that pool rather than
/// building their own, so the process never runs more workers than asked for. Each run is the
/// run `run_with` would make with that seed, and the answers are collected by position, so
/// they do not depend on the thread count or the schedule. `each` runs inside the pool: reduce
/// a result there (to a report, say) so that only the reduction is kept.
pub fn run_seeds<T: Send>(
    scenario: &Scenario,
    seeds: &[u64],
    options: &RunOptions,
    each: impl Fn(&Scenario, RunResult) -> T + Sync,
) -> Vec<T> {
    let scenarios: Vec<Scenario> = (seeds.iter())
        .map(|&seed| Scenario {
            seed,
            ..scenario.clone()
        })
        .collect();
    run_many(&scenarios, options, |_, scenario, result| {
        each(scenario, result)
    })
}

/// Runs every scenario of `scenarios` (a sweep's grid, seeds included) and hands each result to
/// `each` with its index and scenario; the answers come back in the order of `scenarios`.
///
/// The pooling of [`run_seeds`]: one pool of `options.threads` workers, rayon over the runs,
/// each run's own parallel parts sharing the pool; each run is the run `run_with` would make,
/// so the answers do not depend on the thread count or the schedule.
pub fn run_many<T: Send>(
    scenarios: &[Scenario],
    options: &RunOptions,
    each: impl Fn(usize, &Scenario, RunResult) -> T + Sync,
) -> Vec<T> {
    pool(options).install(|| {
        (scenarios.par_iter().enumerate())
            .map(|(i, scenario)| {
                scenario.assert_valid();
                let world = World::generate(scenario);
                let plans = plan::build_by_portal(scenario, &world);
                let result = simulate(scenario, world, plans, options, &|_| {}, None);
                each(i, scenario, result)
            })
            .collect()
    })
}

/// Runs `attempts` (time-ordered) over `world`; for tests and tools that build their own plan.
pub fn run_world(
    scenario: &Scenario,
    world: World,
    attempts: Vec<Attempt>,
    options: &RunOptions,
) -> RunResult {
    scenario.assert_valid();
    let plans = plans_by_portal(scenario.seed, &world, attempts);
    pool(options).install(|| simulate(scenario, world, plans, options, &|_| {}, None))
}

/// The worker pool of a run: `options.threads` threads, or one per core.
fn pool(options: &RunOptions) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .expect("a thread pool")
}

/// The run itself, inside the run's pool: split the world by portal, run the days, merge the
/// global bounce list after each, then gather the portals' counts and recordings.
fn simulate(
    scenario: &Scenario,
    mut world: World,
    plans: Vec<Vec<Attempt>>,
    options: &RunOptions,
    progress: &(dyn Fn(Progress) + Sync),
    decider: Option<&dyn Decide>,
) -> RunResult {
    let shape = world_shape(scenario, &world);
    let traced = options
        .trace_contact
        .filter(|&c| (c as usize) < world.contacts().len())
        .map(|c| traced_contact(scenario, &world, c));
    let traced_person = traced.as_ref().map(|t| t.person);
    assert_eq!(
        plans.len(),
        world.portals() as usize,
        "seed {}",
        scenario.seed
    );
    let mut runs = build_runs(scenario, &mut world, plans, options, decider.is_some());
    // The runs hold the persons' fixed facts now: a domain and the bounce list are all the day
    // loop keeps of them.
    let mut mailboxes = Mailboxes::new(world.take_persons());
    let (users, user_local) = (world.users(), world.user_local());
    let days = scenario.calendar.horizon_days;
    for day in 0..days {
        let end = (day + 1) * SECONDS_PER_DAY;
        let view = DayView {
            scenario,
            users,
            user_local,
            mailboxes: &mailboxes,
            decider,
        };
        runs.par_iter_mut()
            .for_each(|run| run.run_until(end, &view));
        merge_global_bounces(&mut runs, &mut mailboxes, traced_person, end);
        progress(Progress::Day {
            done: day + 1,
            of: days,
        });
    }
    gather(scenario, shape, traced, options, runs)
}

/// The portals' runs, built a wave of as many portals as there are threads at a time, from the
/// last portal down: each wave's records are freed from the world as soon as its runs hold
/// their own copies, so the world's records and the runs' slots are never all held at once.
fn build_runs(
    scenario: &Scenario,
    world: &mut World,
    mut plans: Vec<Vec<Attempt>>,
    options: &RunOptions,
    driven: bool,
) -> Vec<PortalRun> {
    let wave = rayon::current_num_threads().max(1);
    let mut runs: Vec<PortalRun> = Vec::with_capacity(plans.len());
    let mut end = plans.len();
    while end > 0 {
        let start = end.saturating_sub(wave);
        let built: Vec<PortalRun> = (start as u32..end as u32)
            .into_par_iter()
            .zip(plans.drain(start..).collect::<Vec<_>>())
            .map(|(p, plan)| {
                let part = world.portal_part(p);
                PortalRun::new(scenario, world, part, plan, options, driven)
            })
            .collect();
        world.release_records_from(world.contacts_of(start as u32).start);
        runs.extend(built.into_iter().rev());
        end = start;
    }
    assert!(world.contacts().is_empty(), "seed {}", scenario.seed);
    runs.reverse();
    runs
}

fn world_shape(scenario: &Scenario, world: &World) -> WorldShape {
    let mut shape = WorldShape {
        contacts: world.contacts().len() as u64,
        portals: u64::from(world.portals()),
        users: world.users().len() as u64,
        horizon_days: scenario.calendar.horizon_days,
        provider_slots_used: [false; PROVIDER_SLOTS],
    };
    for user in world.users() {
        shape.provider_slots_used[portal::provider_slot(user)] = true;
    }
    shape
}

/// Each portal's attempts, keeping their order.
fn plans_by_portal(seed: u64, world: &World, attempts: Vec<Attempt>) -> Vec<Vec<Attempt>> {
    assert!(
        attempts.windows(2).all(|w| w[0].time <= w[1].time),
        "seed {seed}: the plan is time-ordered"
    );
    if world.portals() == 1 {
        return vec![attempts];
    }
    let mut sizes = vec![0usize; world.portals() as usize];
    for a in &attempts {
        sizes[world.portal_of(a.contact) as usize] += 1;
    }
    let mut plans: Vec<Vec<Attempt>> = sizes.into_iter().map(Vec::with_capacity).collect();
    for a in attempts {
        plans[world.portal_of(a.contact) as usize].push(a);
    }
    plans
}

/// The daily merge of the global bounce list, in portal order: each portal's new bounces are
/// recorded with the portal that saw them (a set union: the order cannot change the result,
/// but keep it fixed anyway). The traced contact's portal notes every bounce of its address.
fn merge_global_bounces(
    runs: &mut [PortalRun],
    mailboxes: &mut Mailboxes,
    traced_person: Option<u32>,
    end: SimTime,
) {
    let mut traced_bounces = Vec::new();
    for (portal, run) in runs.iter_mut().enumerate() {
        for person in run.take_global_bounces() {
            mailboxes.list(person, portal as u32);
            if traced_person == Some(person) {
                traced_bounces.push(portal as u32);
            }
        }
    }
    traced_bounces.dedup();
    for portal in traced_bounces {
        for run in runs.iter_mut() {
            run.note(end, TracedEvent::GlobalBounceListed { portal });
        }
    }
}

/// Sums the portals' counters and appends their recordings, in portal order.
fn gather(
    scenario: &Scenario,
    shape: WorldShape,
    traced: Option<TracedContact>,
    options: &RunOptions,
    runs: Vec<PortalRun>,
) -> RunResult {
    let mut counters = Counters::new(shape.horizon_days);
    let mut recordings = Recordings {
        traced,
        trace: Vec::new(),
        audit: options.audit.then(Audit::default),
        journeys: options.journeys.then(Journeys::default),
        attempts: options.attempts.then(Vec::new),
        event_hashes: options.event_hashes.then(Vec::new),
    };
    let mut rule_error = None;
    for run in runs {
        let (part_counters, part_recordings, error) = run.finish();
        counters.add(&part_counters);
        recordings.append(part_recordings);
        rule_error = rule_error.or(error);
    }
    counters.assert_balanced(scenario.seed);
    if let Some(journeys) = &recordings.journeys {
        assert_eq!(
            u64::from(journeys.contacts()),
            shape.contacts,
            "seed {}",
            scenario.seed
        );
        journeys.assert_consistent(scenario.seed, counters.attempts, counters.enrolled);
    }
    if let Some(attempts) = &recordings.attempts {
        assert_eq!(
            attempts.len() as u64,
            counters.attempts,
            "seed {}: every attempt is recorded once",
            scenario.seed
        );
    }
    if let Some(audit) = &recordings.audit {
        assert_eq!(
            audit.attempts.len() as u64,
            counters.attempts,
            "seed {}",
            scenario.seed
        );
        assert_eq!(
            audit.outcomes.len() as u64,
            counters.enrolled,
            "seed {}",
            scenario.seed
        );
    }
    RunResult {
        shape,
        counters,
        recordings,
        rule_error,
    }
}

/// The traced contact `c` as the world holds it at the start.
fn traced_contact(scenario: &Scenario, world: &World, c: u32) -> TracedContact {
    let record = world.contacts()[c as usize];
    let canonical = world.contacts()[record.canonical as usize];
    let person = world.persons()[record.person as usize];
    let provider = &scenario.population.mailbox_providers[usize::from(person.mailbox_provider)];
    TracedContact {
        contact: c,
        portal: world.portal_of(c),
        person: record.person,
        duplicate_of: (record.canonical != c).then_some(record.canonical),
        address: person.address,
        flags: record.flags | (canonical.flags & ContactFlags::ADDRESS_FACTS),
        opted_out_of: (scenario.population.subscription_types.iter().enumerate())
            .filter(|(i, _)| canonical.opted_out & (1 << i) != 0)
            .map(|(_, t)| t.name.clone())
            .collect(),
        rejected_in: (scenario.sequences.iter().enumerate())
            .filter(|(i, _)| record.rejected_sequences & (1 << i) != 0)
            .map(|(_, s)| s.name.clone())
            .collect(),
        invalid: person.invalid,
        mailbox_provider: provider.name.clone(),
        enrolled_elsewhere: world.enrolled_elsewhere(c),
    }
}
