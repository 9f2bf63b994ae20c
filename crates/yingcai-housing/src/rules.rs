//! What the officer's rule files share: the error they are refused with and the
//! plumbing that turns TOML byte offsets into line numbers.

use thiserror::Error;

/// Why a rule file ([`PriorityRules`](crate::PriorityRules),
/// [`OfferRules`](crate::OfferRules) or [`LeaseRules`](crate::LeaseRules)) was
/// refused.
///
/// The message is meant to be shown as is to the officer who wrote the file, so it
/// starts with the line when one is known (`line 7: criterion "tier" is given
/// twice`). Rules that did not come from TOML text (serde from another format, or
/// [`validate`](crate::PriorityRules::validate) on hand-built rules) have no line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{}{problem}", line_prefix(*.line))]
pub struct RulesError {
    /// 1-based line of the offending entry in the TOML text, if known.
    pub line: Option<usize>,
    /// What is wrong.
    pub problem: RulesProblem,
}

/// What is wrong in a rule file (see [`RulesError`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RulesProblem {
    /// Not TOML, or TOML of the wrong shape: a syntax error, an unknown or missing
    /// field, a value of the wrong type or an unknown option value. The text is the
    /// TOML parser's own description.
    #[error("{0}")]
    Toml(String),
    /// A priority key names a criterion this crate does not know.
    #[error(
        "unknown criterion {found:?}; expected one of \"tier\", \"insurance_months\", \"arrival_date\", \"degree\", \"applied_at\""
    )]
    UnknownCriterion {
        /// The criterion as written.
        found: String,
    },
    /// Two priority keys use the same criterion: the second could never decide
    /// anything the first left tied, so it is almost certainly a mistake.
    #[error("criterion {criterion:?} is given twice")]
    RepeatedCriterion {
        /// The criterion's code.
        criterion: &'static str,
    },
    /// A criterion that ranks categories (`tier`, `degree`) has no `order` list.
    #[error("criterion {criterion:?} needs an `order` list")]
    MissingOrder {
        /// The criterion's code.
        criterion: &'static str,
    },
    /// A criterion with a natural order was given an `order` list.
    #[error("criterion {criterion:?} takes no `order` list")]
    UnexpectedOrder {
        /// The criterion's code.
        criterion: &'static str,
    },
    /// An `order` list is empty.
    #[error("the `order` of {criterion:?} is empty")]
    EmptyOrder {
        /// The criterion's code.
        criterion: &'static str,
    },
    /// An `order` entry is empty or only white space.
    #[error("the `order` of {criterion:?} has an empty entry")]
    BlankOrderEntry {
        /// The criterion's code.
        criterion: &'static str,
    },
    /// An `order` list names the same value twice.
    #[error("the `order` of {criterion:?} lists {entry:?} twice")]
    RepeatedOrderEntry {
        /// The criterion's code.
        criterion: &'static str,
        /// The repeated value.
        entry: String,
    },
    /// A number is outside the range this crate accepts. The ranges are generous;
    /// they exist to catch typos (`3650` response days) before they reach tenants.
    #[error("`{field}` must be from {min} to {max}, found {found}")]
    OutOfRange {
        /// The field's name as written in TOML.
        field: &'static str,
        /// The value found.
        found: u32,
        /// Smallest accepted value.
        min: u32,
        /// Largest accepted value.
        max: u32,
    },
}

fn line_prefix(line: Option<usize>) -> String {
    line.map(|l| format!("line {l}: ")).unwrap_or_default()
}

impl RulesError {
    pub(crate) fn new(line: Option<usize>, problem: RulesProblem) -> Self {
        RulesError { line, problem }
    }

    pub(crate) fn from_toml(text: &str, e: &toml::de::Error) -> Self {
        RulesError {
            line: e.span().map(|s| line_at(text, s.start)),
            problem: RulesProblem::Toml(e.message().trim_end().to_owned()),
        }
    }
}

/// 1-based line containing byte `offset` of `text`.
pub(crate) fn line_at(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Line of a spanned TOML value.
pub(crate) fn line_of<T>(text: &str, value: &toml::Spanned<T>) -> Option<usize> {
    Some(line_at(text, value.span().start))
}

/// Refuses `found` outside `min..=max`, pointing at `line`.
pub(crate) fn check_range(
    field: &'static str,
    found: u32,
    min: u32,
    max: u32,
    line: Option<usize>,
) -> Result<(), RulesError> {
    if (min..=max).contains(&found) {
        Ok(())
    } else {
        Err(RulesError::new(
            line,
            RulesProblem::OutOfRange {
                field,
                found,
                min,
                max,
            },
        ))
    }
}

/// Serializes rules that are plain data (strings, integers, arrays of tables).
pub(crate) fn to_toml_text<T: serde::Serialize>(value: &T) -> String {
    toml::to_string(value)
        .expect("rules hold only strings, integers and arrays of tables, which TOML can express")
}
