//! yingcai's operations: what a talent, an enterprise, an officer, an administrator or
//! another system does, one function each, every write in one transaction.
//!
//! Pages, the JSON API, the CLI and the scheduled jobs call these same functions, so an
//! operation has one set of checks and one set of refusals whoever asks. The functions take
//! checked domain values (never raw form fields) and answer [`Error`] or an operation's own
//! refusal enum; the web crate turns either into a page or a JSON error.

pub mod accounts;
pub mod audit;
pub mod benefits;
pub mod bids;
pub mod cards;
pub mod case_attachments;
pub mod competitions;
pub mod desk_alerts;
pub mod documents;
pub mod housing;
pub mod housing_desk;
pub mod mail;
pub mod payments;
pub mod policy;
pub mod profiles;
pub mod registry;
pub mod sandbox;
pub mod security;
pub mod service_desk;
pub mod service_figures;
pub mod verification;
pub mod work_calendar;

use yingcai_domain::{FieldError, FieldErrors};
use yingcai_store::StoreError;

/// Why an operation did not happen. Refusals are the caller's to fix (nothing was
/// written); [`Error::Internal`] is ours.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more fields are wrong.
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    /// No such thing — or not the caller's to see, which must look the same.
    #[error("not found")]
    NotFound,
    /// Too many failed sign-ins for this account or address.
    #[error("too many attempts")]
    Throttled,
    /// An account whose password was reset must set a new one first.
    #[error("password change required")]
    MustChangePassword,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    pub fn field(field: &'static str, code: &'static str) -> Error {
        Error::Invalid(FieldError::new(field, code).into())
    }
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Error::NotFound,
            other => Error::Internal(anyhow::Error::new(other)),
        }
    }
}

/// Every refusal enum of the store and of these operations turns into an [`Error`]: the
/// reasons a person can act on as `Invalid`, the rest as the store's failure.
macro_rules! from_refusals {
    ($($refusal:ty),+ $(,)?) => {$(
        impl From<$refusal> for Error {
            fn from(refusal: $refusal) -> Self {
                match yingcai_store::Refusal::into_fields(refusal) {
                    Ok(fields) => Error::Invalid(fields),
                    Err(error) => error.into(),
                }
            }
        }
    )+};
}

from_refusals!(
    yingcai_store::payments::ApproveRunError,
    yingcai_store::payments::ExportRunError,
    yingcai_store::payments::SettleRunError,
    yingcai_store::payments::RepaymentError,
    yingcai_store::SubmissionError,
    yingcai_store::CaseChangeError,
    yingcai_store::NeedChangeError,
    yingcai_store::BidChangeError,
    housing::OfferAnswerError,
    cards::IssueCardError,
    sandbox::PublishError,
    profiles::DocumentRefusal,
    payments::RunMonthError,
    payments::SettlementImportError,
    housing_desk::ComplexError,
    housing_desk::UnitStatusError,
    housing_desk::BallotError,
);

impl From<FieldErrors> for Error {
    fn from(errors: FieldErrors) -> Self {
        Error::Invalid(errors)
    }
}

impl From<FieldError> for Error {
    fn from(error: FieldError) -> Self {
        Error::Invalid(error.into())
    }
}

/// The text a panic carried (`panic!("…")` gives a `&str` or a `String`), for the one log
/// line a panic gets wherever it is caught (the scheduler, the web's panic layer, the binary's
/// panic hook).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}
