//! Reviewer assignment for yingcai's open competitions (揭榜挂帅): every proposal gets
//! exactly `k` distinct reviewers from its candidates, never one in conflict, every
//! reviewer reviews between a minimum and a maximum number of proposals, and the total
//! affinity is the largest possible.
//!
//! [`assign`] solves it exactly as a minimum-cost flow (proposals → reviewers → a hub,
//! minimum loads as node demands), by cost-scaling push–relabel after a maximum-flow
//! feasibility check. When no assignment exists, [`Infeasible`] lists findings an
//! officer can act on. [`assign_randomized`] caps every reviewer–proposal probability
//! and samples, from a published seed, an assignment whose marginals are those of the
//! best fractional assignment under the cap.
//!
//! The crate is pure: no I/O beyond writing to a caller's [`std::io::Write`], and
//! deterministic.
//!
//! ```
//! use yingcai_assignment::{Instance, assign, check};
//!
//! let json = br#"{"reviewers_per_proposal": 1, "min_load": 0, "max_load": 1,
//!   "reviewers": {"r1": {}, "r2": {}},
//!   "proposals": {"p1": {"candidates": {"r1": 90, "r2": 80}},
//!                 "p2": {"candidates": {"r1": 70, "r2": 10}, "conflicts": []}}}"#;
//! let instance = Instance::from_json(json)?;
//! let assignment = assign(&instance)?;
//! // p1–r2 and p2–r1 (150) beat p1–r1 and p2–r2 (100).
//! assert_eq!(check(&instance, &assignment)?, 150);
//!
//! let mut csv = Vec::new();
//! assignment.write_csv(&instance, &mut csv)?;
//! assert_eq!(csv, b"proposal,reviewer\np1,r2\np2,r1\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(clippy::unwrap_used)]

mod assign;
mod check;
mod error;
mod flow;
mod instance;
mod random;

pub use assign::{Assignment, Finding, Infeasible, Timer, assign, assign_timed};
pub use check::{Violation, check};
pub use error::InstanceError;
pub use instance::Instance;
pub use random::{Probability, Randomized, assign_randomized};
