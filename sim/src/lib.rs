//! The simulator: a seeded world, an enrollment plan, and the discrete-event engine that plays
//! the enrollments out over simulated weeks through the rule model.
//!
//! `sim` owns simulated time and randomness and knows no file format: it takes a
//! [`Scenario`] as plain data and returns integer counts. Same scenario, same seed: same world,
//! same counts, on any machine and any number of threads.

pub mod cel;
pub mod check;
pub mod compare;
pub mod engine;
pub mod estimate;
pub mod plan;
pub mod resources;
pub mod rng;
pub mod scenario;
pub mod time;
pub mod world;

pub use engine::{
    first_divergence, run, run_driven, run_many, run_seeds, run_with, run_with_progress, run_world,
    seeds_from, AttemptFacts, AttemptRecord, Audit, CheckReading, Counters, DayCounter, DayCounts,
    Decide, DecidedAttempt, EnrollmentJourney, InboxPeak, Journey, JourneyEntry, Journeys,
    LimitCounts, Observed, Progress, Reaction, Recordings, RuleError, RunOptions, RunResult,
    SendRecord, TraceEntry, TracedContact, TracedEvent, WorldShape, PROVIDER_SLOTS,
};
pub use scenario::{
    Disconnections, Engagement, Guard, GuardKind, MailboxProvider, Outage, Plan, Population,
    RateWindow, Rates, Reenrollment, Remedy, ResumeAt, Scenario, SenderGroup, Sending, Sequence,
    Source, SourceMix, Step, StepKind, SubscriptionType, Tasks,
};
pub use time::{Calendar, SimTime, Weekday};
pub use world::World;
