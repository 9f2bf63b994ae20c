//! Why an instance was refused.

use thiserror::Error;

/// A reason to refuse a reviewer-assignment instance.
///
/// Every variant names the offending proposal or reviewer so that the message can be
/// shown as is to the officer who exported the instance. When an instance has several
/// problems, the first in file order is reported.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum InstanceError {
    /// The bytes are not JSON, or not JSON of the instance's shape (wrong types, unknown
    /// or missing fields, a negative or fractional load).
    #[error("malformed instance JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line of the error (0 if unknown).
        line: usize,
        /// 1-based column of the error (0 if unknown).
        column: usize,
        /// serde_json's description of the problem.
        message: String,
    },
    /// `reviewers_per_proposal` is 0: every proposal needs at least one reviewer.
    #[error("reviewers_per_proposal must be at least 1")]
    ZeroReviewersPerProposal,
    /// The global `min_load` is larger than the global `max_load`.
    #[error("min_load {min_load} is larger than max_load {max_load}")]
    MinAboveMax {
        /// The global minimum load.
        min_load: u32,
        /// The global maximum load.
        max_load: u32,
    },
    /// The same reviewer id is defined twice in `reviewers`.
    #[error("reviewer {reviewer:?} is defined more than once")]
    DuplicateReviewer {
        /// The repeated id.
        reviewer: String,
    },
    /// The same proposal id is defined twice in `proposals`.
    #[error("proposal {proposal:?} is defined more than once")]
    DuplicateProposal {
        /// The repeated id.
        proposal: String,
    },
    /// A proposal lists the same candidate twice.
    #[error("proposal {proposal:?} lists candidate {reviewer:?} more than once")]
    RepeatedCandidate {
        /// The proposal.
        proposal: String,
        /// The candidate listed twice.
        reviewer: String,
    },
    /// A proposal's candidates name a reviewer not defined in `reviewers`.
    #[error("proposal {proposal:?} lists unknown reviewer {reviewer:?} as a candidate")]
    UnknownCandidate {
        /// The proposal.
        proposal: String,
        /// The undefined reviewer id.
        reviewer: String,
    },
    /// A proposal's conflicts name a reviewer not defined in `reviewers`.
    #[error("proposal {proposal:?} declares a conflict with unknown reviewer {reviewer:?}")]
    UnknownConflict {
        /// The proposal.
        proposal: String,
        /// The undefined reviewer id.
        reviewer: String,
    },
    /// An affinity is not an integer from 1 to 100.
    #[error(
        "proposal {proposal:?} gives candidate {reviewer:?} affinity {found}: expected an integer from 1 to 100"
    )]
    AffinityOutOfRange {
        /// The proposal.
        proposal: String,
        /// The candidate.
        reviewer: String,
        /// The JSON number found, as JSON text.
        found: String,
    },
    /// The instance is larger than the solver holds: more than 20,000,000 proposals
    /// and reviewers together, or more than 2,147,483,647 candidate entries or reviews.
    #[error(
        "instance too large: at most 20000000 proposals and reviewers together and 2147483647 candidate entries and reviews"
    )]
    TooLarge,
}

impl InstanceError {
    pub(crate) fn from_json(e: &serde_json::Error) -> Self {
        let (line, column) = (e.line(), e.column());
        let full = e.to_string();
        // serde_json appends the position to its message; we carry it in fields instead.
        let suffix = format!(" at line {line} column {column}");
        let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
        InstanceError::Json {
            line,
            column,
            message,
        }
    }
}
