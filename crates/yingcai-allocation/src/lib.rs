//! Talent-apartment allocation for yingcai by **applicant-proposing deferred
//! acceptance** (many-to-one Gale–Shapley: complexes have capacities).
//!
//! Applicants rank the complexes they accept; each complex ranks exactly the
//! applicants who listed it. [`allocate`] returns the applicant-optimal stable
//! matching, which is unique, so any correct implementation yields the same pairs:
//! no applicant and complex would both rather have each other than what they got,
//! and no applicant can gain by misreporting preferences.
//!
//! The crate is pure: no I/O beyond writing to a caller's [`std::io::Write`], and
//! deterministic: the same input gives byte-identical output.
//!
//! ```
//! use yingcai_allocation::{Instance, allocate};
//!
//! let json = br#"{
//!   "applicants": {"a1": ["c1", "c2"], "a2": ["c1"], "a3": ["c1"]},
//!   "complexes": {
//!     "c1": {"capacity": 1, "priority": ["a2", "a1", "a3"]},
//!     "c2": {"capacity": 1, "priority": ["a1"]}
//!   }
//! }"#;
//! let instance = Instance::from_json(json)?;
//! let allocation = allocate(&instance);
//! assert_eq!(allocation.complex_of("a1"), Some("c2"));
//!
//! // a1 and a3 wanted c1 but are behind its cutoff, a2 at rank 0.
//! let c1 = instance.complex_index("c1").unwrap();
//! assert_eq!(allocation.cutoff(c1).map(|c| c.applicant), Some("a2"));
//!
//! let mut csv = Vec::new();
//! allocation.write_csv(&mut csv)?;
//! assert_eq!(csv, b"applicant,complex\na1,c2\na2,c1\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(clippy::unwrap_used)]

mod allocate;
mod build;
mod error;
mod idmap;
mod instance;
mod json;

pub use allocate::{Allocation, Cutoff, allocate};
pub use error::InstanceError;
pub use instance::Instance;

/// Not part of the API (no stability promise): the applicant-id table on its own, so
/// that `benches/idmap.rs` can time it against hash maps.
#[doc(hidden)]
pub mod bench {
    use std::borrow::Cow;

    /// What reading an instance does with applicant ids: a table of `names` (the
    /// applicants, index = position), then every reference in `refs` (the priority
    /// lists' entries) resolved to its index, `u32::MAX` if unknown. `Err` holds the
    /// position of the first name equal to an earlier one (`usize::MAX` if `refs`
    /// is too long to number in `u32`).
    pub fn resolve_ids(names: &[Cow<'_, str>], refs: &[Cow<'_, str>]) -> Result<Vec<u32>, usize> {
        crate::idmap::resolve_ids(names, refs)
    }
}
