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

/// An administrative deadline: the end of the `working_days`th working day after the day
/// of `from` (Unix ms), Beijing time, as Unix ms. The inner error names the year the
/// calendar lacks; the caller decides whether that refuses the operation.
pub fn deadline_after(
    calendar: &WorkCalendar,
    from: i64,
    working_days: u32,
) -> Result<Result<i64, WorkTimeError>, Error> {
    Ok(calendar
        .end_of_working_days(minute(from)?, working_days)
        .map(millis))
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
