//! The officers' verification of submitted records: returning a submission to its owner
//! asks for documents or corrections, with an answer-by date of a number of working days
//! on the official calendar (`web.document_request_working_days`, 10 by default).
//!
//! The date is information, not a sanction: nothing happens on its own when it passes; the
//! owner and the officers' queue show the request as overdue, and the officer decides.

use yingcai_domain::FieldError;
use yingcai_store::{Actor, Store};
use yingcai_worktime::WorkCalendar;

use crate::Error;
use crate::work_calendar::{Counted, deadline_after};

/// The longest reason an officer may give.
pub const REASON_MAX_CHARS: usize = 1000;

/// Checks an officer's reason for returning a submission (trimmed): required, at most
/// [`REASON_MAX_CHARS`] characters, no control characters but line breaks.
pub fn check_reason(raw: &str) -> Result<&str, FieldError> {
    let reason = raw.trim();
    let problem = if reason.is_empty() {
        Some("required")
    } else if reason.chars().count() > REASON_MAX_CHARS {
        Some("too-long")
    } else if reason
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        Some("text-invalid")
    } else {
        None
    };
    match problem {
        Some(code) => Err(FieldError::new("reason", code)),
        None => Ok(reason),
    }
}

/// What a return recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Returned {
    /// The answer-by date (Unix ms): the end of the `working_days`th working day after
    /// today, Beijing time.
    pub respond_by: Option<i64>,
    /// The year the calendar lacks when no date could be counted. The return is made all
    /// the same (an officer's request for documents must not wait on the calendar); the
    /// officer is told, and an administrator adds the year at `/admin/calendar`.
    pub calendar_missing: Option<i32>,
}

/// Returns a submitted record to its owner with `reason` (checked with [`check_reason`])
/// and an answer-by date `working_days` working days on, counted on `calendar` at `now`
/// (Unix ms). One transaction, audited with the date.
pub async fn return_submission(
    store: &Store,
    calendar: &WorkCalendar,
    working_days: u32,
    submission_id: i64,
    reason: &str,
    now: i64,
    officer: &Actor,
) -> Result<Returned, Error> {
    let reason = check_reason(reason)?;
    let (respond_by, calendar_missing) = match deadline_after(calendar, now, working_days)? {
        Counted::Known(by) => (Some(by), None),
        Counted::YearMissing(year) => {
            tracing::warn!(
                submission_id,
                year,
                "returned without an answer-by date: the working calendar lacks the year"
            );
            (None, Some(year))
        }
    };
    store
        .return_submission(submission_id, reason, respond_by, officer)
        .await?;
    Ok(Returned {
        respond_by,
        calendar_missing,
    })
}
