//! `seqsim harness`: checks an external rule engine against the reference model on simulated
//! attempts. The serde boundary of the decision protocol (`seqsim-decision/2`, and `/1`; see
//! `docs/harness.md`): its types ([`protocol`]), requests built from a run's recorded attempts
//! ([`RequestBuilder`]), the [`RuleEngine`] trait for engines in-process and the
//! [`ReferenceEngine`], transports to engines in other processes ([`SubprocessEngine`] over JSON
//! lines, [`HttpEngine`] over HTTP POST), the two modes ([`shadow`], and [`Driver`] for
//! `sim::run_driven`) and the [`HarnessReport`].
//!
//! In-process, a Rust team checks its implementation in a test:
//!
//! ```
//! use harness::{shadow, Direct, ReferenceEngine, RequestBuilder, ShadowOptions};
//!
//! let scenario = scenarios::default_scenario();
//! let options = sim::RunOptions { attempts: true, ..Default::default() };
//! let run = sim::run_with(&scenario, &options);
//! let attempts = run.recordings.attempts.as_deref().unwrap();
//! let builder = RequestBuilder::new(&scenario, "default", harness::Version::V2);
//! let mut engine = ReferenceEngine::new(scenario.rules.clone()); // yours here
//! let options = ShadowOptions { batch: 1000, show: 10 };
//! let comparison = shadow(&builder, attempts, &mut Direct::new(&mut engine), options).unwrap();
//! assert_eq!(comparison.disagreed, 0);
//! ```

pub mod drive;
pub mod engine;
pub mod protocol;
pub mod report;
pub mod request;
pub mod transport;

pub use drive::{shadow, Comparison, Disagreement, Driven, Driver, ProtocolError, ShadowOptions};
pub use engine::{EngineError, ReferenceEngine, RuleEngine};
pub use protocol::{Answer, AnswerMessage, Batch, Request, Version, PROTOCOL};
pub use report::{DriveSection, HarnessReport, Mode, ReportMeta};
pub use request::RequestBuilder;
pub use transport::{Direct, HttpEngine, Pipeline, SubprocessEngine};
