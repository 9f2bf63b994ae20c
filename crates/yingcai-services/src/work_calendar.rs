//! The platform's one working-time calendar as the operations read it: the years compiled
//! into `yingcai-worktime` (2025–2026) with the years administrators added at
//! `/admin/calendar` (table `work_calendar_year`; an added year replaces a compiled-in
//! one), on the site's working hours. Every administrative deadline is counted on it: the
//! service desk's clocks, housing offers' answer-by dates, and the answer-by dates of
//! requests for documents. A year without data is refused, never guessed from weekdays.

use jiff::Timestamp;
use yingcai_store::{Actor, Store};
use yingcai_worktime::{BeijingMinute, WorkCalendar, WorkTimeError, WorkingHours};

use crate::Error;

/// The calendar in force: the years compiled in with the years administrators added.
pub async fn calendar(store: &Store, hours: &WorkingHours) -> Result<WorkCalendar, Error> {
    let mut years: Vec<_> = WorkCalendar::builtin().years().to_vec();
    for added in store.calendar_years().await? {
        let parsed = WorkCalendar::from_toml(&added.data).map_err(|e| {
            anyhow::anyhow!("stored calendar year {} does not read: {e}", added.year)
        })?;
        for year in parsed.years() {
            years.retain(|y| y.year != year.year);
            years.push(year.clone());
        }
    }
    WorkCalendar::new(years, hours.clone())
        .map_err(|e| Error::Internal(anyhow::anyhow!("the stored calendar is inconsistent: {e}")))
}

/// Checks one year's calendar entry (the `[[year]]` TOML form) and stores it.
pub async fn add_calendar_year(
    store: &Store,
    hours: &WorkingHours,
    data: &str,
    actor: &Actor,
) -> Result<i16, Error> {
    let parsed =
        WorkCalendar::from_toml(data).map_err(|_| Error::field("data", "calendar-data-invalid"))?;
    let [year] = parsed.years() else {
        return Err(Error::field("data", "calendar-one-year"));
    };
    // The new year must fit with the others (checked by building the whole calendar).
    let mut years: Vec<_> = calendar(store, hours).await?.years().to_vec();
    years.retain(|y| y.year != year.year);
    years.push(year.clone());
    WorkCalendar::new(years, hours.clone())
        .map_err(|_| Error::field("data", "calendar-data-invalid"))?;
    let single = WorkCalendar::new(vec![year.clone()], hours.clone())
        .map_err(|_| Error::field("data", "calendar-data-invalid"))?;
    store
        .save_calendar_year(i64::from(year.year), &single.to_toml(), actor)
        .await?;
    Ok(year.year)
}

/// The Beijing minute of an instant in Unix milliseconds.
pub fn minute(ms: i64) -> Result<BeijingMinute, Error> {
    Timestamp::from_millisecond(ms)
        .ok()
        .and_then(|t| BeijingMinute::from_timestamp(t).ok())
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("instant {ms} is out of range")))
}

/// Unix milliseconds of a Beijing minute.
pub fn millis(t: BeijingMinute) -> i64 {
    t.to_timestamp().as_millisecond()
}

/// What the official calendar could count. A year without data is not a failure of the
/// operation that asked: each caller decides whether it refuses, skips or goes on without
/// the figure, so it is an outcome beside the value, not an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted<T> {
    /// Counted on the official calendar.
    Known(T),
    /// The calendar has no data for this year: an administrator adds it at /admin/calendar.
    YearMissing(i32),
}

impl<T> Counted<T> {
    /// The figure, when it could be counted.
    pub fn known(self) -> Option<T> {
        match self {
            Counted::Known(value) => Some(value),
            Counted::YearMissing(_) => None,
        }
    }

    /// The figure, or the missing year as the refusal of an operation that cannot go on
    /// without it.
    pub fn required(self) -> Result<T, YearMissing> {
        match self {
            Counted::Known(value) => Ok(value),
            Counted::YearMissing(year) => Err(YearMissing(year)),
        }
    }

    pub fn as_ref(&self) -> Counted<&T> {
        match self {
            Counted::Known(value) => Counted::Known(value),
            Counted::YearMissing(year) => Counted::YearMissing(*year),
        }
    }
}

impl<T> From<Result<T, WorkTimeError>> for Counted<T> {
    fn from(result: Result<T, WorkTimeError>) -> Self {
        match result {
            Ok(value) => Counted::Known(value),
            Err(WorkTimeError::YearNotCovered(year)) => Counted::YearMissing(year),
        }
    }
}

/// An administrative deadline: the end of the `working_days`th working day after the day
/// of `from` (Unix ms), Beijing time, as Unix ms, or the year the calendar lacks.
pub fn deadline_after(
    calendar: &WorkCalendar,
    from: i64,
    working_days: u32,
) -> Result<Counted<i64>, Error> {
    Ok(calendar
        .end_of_working_days(minute(from)?, working_days)
        .map(millis)
        .into())
}

/// A deadline that could not be counted because the calendar has no data for `0`: an
/// administrator adds that year at `/admin/calendar`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the working-time calendar has no data for {0}, so the deadline cannot be counted: an administrator adds that year at /admin/calendar"
)]
pub struct YearMissing(pub i32);

impl From<WorkTimeError> for YearMissing {
    fn from(error: WorkTimeError) -> Self {
        match error {
            WorkTimeError::YearNotCovered(year) => YearMissing(year),
        }
    }
}
