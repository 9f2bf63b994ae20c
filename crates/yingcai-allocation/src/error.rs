//! Why an instance was refused.

use thiserror::Error;

/// A reason to refuse an allocation instance.
///
/// Every variant names the offending ids so that the message can be shown to the
/// operator who exported the instance as is. When an instance has several problems,
/// the one reported is chosen deterministically (the same input always yields the
/// same error).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum InstanceError {
    /// The bytes are not JSON, or not JSON of the instance's shape (wrong types,
    /// unknown or missing fields, a key given twice in the top-level or a complex
    /// object).
    #[error("malformed instance JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line of the error (0 if unknown).
        line: usize,
        /// 1-based column of the error (0 if unknown).
        column: usize,
        /// serde_json's description of the problem.
        message: String,
    },
    /// The same applicant id is defined twice (a duplicate key in `applicants`).
    #[error("applicant {applicant:?} is defined more than once")]
    DuplicateApplicant {
        /// The repeated applicant id.
        applicant: String,
    },
    /// The same complex id is defined twice (a duplicate key in `complexes`).
    #[error("complex {complex:?} is defined more than once")]
    DuplicateComplex {
        /// The repeated complex id.
        complex: String,
    },
    /// An applicant lists a complex that is not defined in `complexes`.
    #[error("applicant {applicant:?} lists unknown complex {complex:?}")]
    UnknownComplex {
        /// The applicant whose list names the complex.
        applicant: String,
        /// The undefined complex id.
        complex: String,
    },
    /// An applicant lists the same complex more than once.
    #[error("applicant {applicant:?} lists complex {complex:?} more than once")]
    RepeatedPreference {
        /// The applicant.
        applicant: String,
        /// The complex listed twice.
        complex: String,
    },
    /// A complex's priority list names an applicant that is not defined in `applicants`.
    #[error("complex {complex:?} gives priority to unknown applicant {applicant:?}")]
    UnknownApplicant {
        /// The complex whose priority list names the applicant.
        complex: String,
        /// The undefined applicant id.
        applicant: String,
    },
    /// A complex's priority list names an applicant who did not list that complex.
    #[error("complex {complex:?} gives priority to applicant {applicant:?}, who did not list it")]
    UnrequestedPriority {
        /// The complex.
        complex: String,
        /// The applicant who does not want this complex.
        applicant: String,
    },
    /// A complex's priority list omits an applicant who listed that complex.
    #[error("complex {complex:?} has no priority for applicant {applicant:?}, who listed it")]
    MissingPriority {
        /// The complex.
        complex: String,
        /// The applicant missing from its priority list.
        applicant: String,
    },
    /// A complex's priority list names the same applicant more than once.
    #[error("complex {complex:?} lists applicant {applicant:?} more than once in its priority")]
    RepeatedPriority {
        /// The complex.
        complex: String,
        /// The applicant listed twice.
        applicant: String,
    },
    /// A complex's capacity is a negative integer.
    #[error("complex {complex:?} has negative capacity {capacity}")]
    NegativeCapacity {
        /// The complex.
        complex: String,
        /// The capacity found.
        capacity: i64,
    },
    /// A complex's capacity is not a JSON integer in `0..=4294967295`
    /// (e.g. `2.5`, `3.0`, `"3"`, `null`, or too large).
    #[error("complex {complex:?} has invalid capacity {found}: expected an integer from 0 to {max}", max = u32::MAX)]
    InvalidCapacity {
        /// The complex.
        complex: String,
        /// The JSON value found, as JSON text.
        found: String,
    },
    /// The instance has more ids or preference entries than fit the `u32` indices
    /// used internally (about four billion).
    #[error("instance too large: more than {max} ids or list entries", max = u32::MAX - 1)]
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
