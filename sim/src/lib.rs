//! The simulator: a seeded world and the enrollment flow that runs through the rule model.
//!
//! `sim` owns simulated time and randomness and knows no file format: it takes a
//! [`Scenario`] as plain data and returns integer counts. Same scenario, same seed: same world,
//! same counts, on any machine.

pub mod plan;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod time;
pub mod world;

pub use run::{run, run_observed, Decided, RunResult};
pub use scenario::{
    Plan, Population, Rates, Scenario, SenderGroup, Sequence, Source, SourceMix, Step, StepKind,
};
pub use time::{Calendar, Weekday};
pub use world::World;
