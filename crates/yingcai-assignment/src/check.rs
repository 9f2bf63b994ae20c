//! The checker: every constraint of an assignment, and its total affinity.

use thiserror::Error;

use crate::assign::Assignment;
use crate::instance::Instance;

/// A constraint an assignment breaks (the first found, proposals before reviewers).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Violation {
    /// A pair names a proposal the instance does not define.
    #[error("unknown proposal {proposal:?}")]
    UnknownProposal {
        /// The id.
        proposal: String,
    },
    /// A pair names a reviewer the instance does not define.
    #[error("unknown reviewer {reviewer:?}")]
    UnknownReviewer {
        /// The id.
        reviewer: String,
    },
    /// A proposal has more or fewer than `k` reviewers.
    #[error("proposal {proposal:?} has {reviewers} reviewers, not {k}")]
    WrongCount {
        /// The proposal.
        proposal: String,
        /// How many it has.
        reviewers: u32,
        /// How many it must have.
        k: u32,
    },
    /// A reviewer is assigned to the same proposal twice.
    #[error("reviewer {reviewer:?} is assigned to proposal {proposal:?} more than once")]
    Repeated {
        /// The proposal.
        proposal: String,
        /// The reviewer.
        reviewer: String,
    },
    /// A reviewer in conflict with the proposal is assigned to it.
    #[error("reviewer {reviewer:?} is in conflict with proposal {proposal:?}")]
    Conflict {
        /// The proposal.
        proposal: String,
        /// The reviewer.
        reviewer: String,
    },
    /// A reviewer who is not a candidate for the proposal is assigned to it.
    #[error("reviewer {reviewer:?} is not a candidate for proposal {proposal:?}")]
    NotCandidate {
        /// The proposal.
        proposal: String,
        /// The reviewer.
        reviewer: String,
    },
    /// A reviewer's load is outside its bounds.
    #[error("reviewer {reviewer:?} has load {load}, outside {min}..={max}")]
    Load {
        /// The reviewer.
        reviewer: String,
        /// Its load.
        load: u32,
        /// Its least load.
        min: u32,
        /// Its largest load.
        max: u32,
    },
}

/// Checks every constraint and returns the total affinity.
///
/// # Errors
/// The first [`Violation`] found.
pub fn check(instance: &Instance, assignment: &Assignment) -> Result<u64, Violation> {
    let np = instance.num_proposals();
    let nr = instance.num_reviewers();
    let k = instance.reviewers_per_proposal();
    let mut count = vec![0u32; np];
    let mut load = vec![0u32; nr];
    let mut total = 0u64;
    let pairs = assignment.pairs();
    let ids = |p: u32, r: u32| {
        (
            instance.proposal_id(p).to_owned(),
            instance.reviewer_id(r).to_owned(),
        )
    };
    for (i, &(p, r)) in pairs.iter().enumerate() {
        if p as usize >= np {
            return Err(Violation::UnknownProposal {
                proposal: format!("#{p}"),
            });
        }
        if r as usize >= nr {
            return Err(Violation::UnknownReviewer {
                reviewer: format!("#{r}"),
            });
        }
        if i > 0 && pairs[i - 1] == (p, r) {
            let (proposal, reviewer) = ids(p, r);
            return Err(Violation::Repeated { proposal, reviewer });
        }
        if instance.is_conflict(p, r) {
            let (proposal, reviewer) = ids(p, r);
            return Err(Violation::Conflict { proposal, reviewer });
        }
        let Some(a) = instance.affinity(p, r) else {
            let (proposal, reviewer) = ids(p, r);
            return Err(Violation::NotCandidate { proposal, reviewer });
        };
        total += u64::from(a);
        count[p as usize] += 1;
        load[r as usize] += 1;
    }
    for (p, &c) in count.iter().enumerate() {
        if c != k {
            return Err(Violation::WrongCount {
                proposal: instance.proposal_id(p as u32).to_owned(),
                reviewers: c,
                k,
            });
        }
    }
    for (r, &l) in load.iter().enumerate() {
        let (min, max) = (instance.min_load(r as u32), instance.max_load(r as u32));
        if l < min || l > max {
            return Err(Violation::Load {
                reviewer: instance.reviewer_id(r as u32).to_owned(),
                load: l,
                min,
                max,
            });
        }
    }
    Ok(total)
}
