//! Working time on China's official calendar: the platform's one answer to "when is this
//! due?" and "how much working time has this case used?".
//!
//! Working days are Monday to Friday that are not public holidays, plus the weekend days the
//! State Council's yearly notice makes working days (调休 make-up days); working hours are
//! 09:00–12:00 and 13:00–17:00 Beijing time unless configured otherwise. The calendar is data
//! ([`WorkCalendar::from_toml`], built in: 2025 and 2026); a year without data is refused
//! with [`WorkTimeError::YearNotCovered`], never guessed from weekdays.
//!
//! Pure: no I/O, no clock reading, no async. Each question is answered in constant time
//! (`elapsed`) or a binary search over the covered days (`due`), from per-day prefix sums.
//!
//! ```
//! use yingcai_worktime::{BeijingMinute, WorkCalendar};
//! let calendar = WorkCalendar::builtin();
//! let start: BeijingMinute = "2026-09-30T16:00".parse().unwrap();
//! let due = calendar.due(start, 61).unwrap();
//! assert_eq!(due.to_string(), "2026-10-08T09:01");
//! assert_eq!(calendar.elapsed(start, due).unwrap(), 61);
//! ```

mod calendar;
mod clock;
mod hours;
mod minute;

pub use calendar::{CalendarDataError, Holiday, WorkCalendar, WorkTimeError, YearCalendar};
pub use hours::{HoursError, Period, WorkingHours};
pub use minute::{BeijingMinute, InstantError};
