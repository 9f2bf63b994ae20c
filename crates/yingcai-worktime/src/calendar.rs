//! [`WorkCalendar`]: the holidays and make-up working days of each covered year, the working
//! hours, and the per-day tables that answer working-time questions in constant time.

use std::fmt;

use serde::{Deserialize, Serialize};
use yingcai_domain::{Date, MAX_YEAR, MIN_YEAR};

use crate::hours::{HoursError, WorkingHours};
use crate::minute::{self, DAY};

/// The built-in calendar (2025 and 2026, from the State Council's notices).
const BUILTIN: &str = include_str!("../data/china.toml");

/// A public holiday of one year: its days off, inclusive, and the weekend days its notice
/// makes working days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holiday {
    /// The name in Chinese, e.g. `春节`.
    pub name_zh: String,
    /// The name in English, e.g. `Spring Festival`.
    pub name_en: String,
    /// The first day off.
    pub first: Date,
    /// The last day off (the same as `first` for a one-day holiday).
    pub last: Date,
    /// Saturdays and Sundays that are working days because of this holiday.
    pub makeup: Vec<Date>,
}

impl Holiday {
    pub fn contains(&self, date: Date) -> bool {
        self.first <= date && date <= self.last
    }
}

/// One year's notice: its holidays in date order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearCalendar {
    pub year: i16,
    pub holidays: Vec<Holiday>,
}

/// Why calendar data is refused: the year and field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarDataError {
    #[error("the calendar file cannot be read: {0}")]
    Syntax(String),
    #[error("working hours: {0}")]
    Hours(#[from] HoursError),
    #[error("the year {0} is outside the years 1900 to 2200")]
    YearOutOfRange(i16),
    #[error("the year {0} is given twice")]
    YearRepeated(i16),
    #[error(
        "year {year}, holiday number {index}: its name in Chinese and in English are both required"
    )]
    NameMissing { year: i16, index: usize },
    #[error(
        "year {year}, holiday \"{holiday}\": its last day {last} is before its first day {first}"
    )]
    HolidayReversed {
        year: i16,
        holiday: String,
        first: Date,
        last: Date,
    },
    #[error("year {year}, holiday \"{holiday}\": the day {date} is not in {year}")]
    OutsideYear {
        year: i16,
        holiday: String,
        date: Date,
    },
    #[error("year {year}: the holidays \"{first}\" and \"{second}\" overlap")]
    HolidaysOverlap {
        year: i16,
        first: String,
        second: String,
    },
    #[error(
        "year {year}, holiday \"{holiday}\": the make-up working day {date} is a {weekday}, not a Saturday or Sunday"
    )]
    MakeUpNotWeekend {
        year: i16,
        holiday: String,
        date: Date,
        weekday: &'static str,
    },
    #[error(
        "year {year}, holiday \"{holiday}\": the make-up working day {date} is a day off of the holiday \"{during}\""
    )]
    MakeUpOnHoliday {
        year: i16,
        holiday: String,
        date: Date,
        during: String,
    },
    #[error("year {year}: the make-up working day {date} is given twice")]
    MakeUpRepeated { year: i16, date: Date },
}

/// Why a working-time question has no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WorkTimeError {
    #[error(
        "the working-time calendar has no data for the year {0} (its holidays and make-up days must be added first)"
    )]
    YearNotCovered(i32),
}

/// The working-time calendar: which days are working days in each covered year, and the
/// working hours of a working day. Built once (from data), then shared; every question is
/// answered from per-day tables without iterating over days.
#[derive(Clone)]
pub struct WorkCalendar {
    years: Vec<YearCalendar>,
    hours: WorkingHours,
    pub(crate) index: Index,
}

impl PartialEq for WorkCalendar {
    fn eq(&self, other: &WorkCalendar) -> bool {
        self.years == other.years && self.hours == other.hours
    }
}

impl Eq for WorkCalendar {}

impl fmt::Debug for WorkCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkCalendar")
            .field("years", &self.years)
            .field("hours", &self.hours)
            .finish_non_exhaustive()
    }
}

/// Per-day prefix sums over the days from 1 January of the first covered year to 31
/// December of the last.
#[derive(Clone, Debug)]
pub(crate) struct Index {
    /// Day number (days since 1970-01-01) of the first day.
    pub(crate) first_day: i32,
    /// Whether each day is a working day.
    pub(crate) working: Vec<bool>,
    /// Working minutes before each day (one more entry than days).
    pub(crate) minutes: Vec<u32>,
    /// Working days before each day.
    pub(crate) workdays: Vec<u32>,
    /// Days of years without data before each day.
    pub(crate) gaps: Vec<u32>,
    /// Working minutes of a working day before each minute of the day (0..=1440).
    pub(crate) within: Vec<u16>,
    /// The earliest minute of a working day at which `k` working minutes have passed.
    pub(crate) reach: Vec<u16>,
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

impl WorkCalendar {
    /// The calendar compiled into yingcai: 2025 and 2026, default working hours.
    pub fn builtin() -> WorkCalendar {
        // Compiled-in data, read by the crate's tests: this cannot fail at run time.
        WorkCalendar::from_toml(BUILTIN).expect("the built-in calendar data is valid")
    }

    /// The calendar's data file as compiled in (a model for adding a year).
    pub fn builtin_toml() -> &'static str {
        BUILTIN
    }

    /// Checks the years (each at most once, each holiday's days and make-up days in its
    /// year, holidays not overlapping, make-up days on weekends and not on holidays) and
    /// builds the tables.
    pub fn new(
        mut years: Vec<YearCalendar>,
        hours: WorkingHours,
    ) -> Result<WorkCalendar, CalendarDataError> {
        years.sort_by_key(|y| y.year);
        for pair in years.windows(2) {
            if pair[0].year == pair[1].year {
                return Err(CalendarDataError::YearRepeated(pair[0].year));
            }
        }
        for year in &mut years {
            check_year(year)?;
        }
        let index = Index::build(&years, &hours);
        Ok(WorkCalendar {
            years,
            hours,
            index,
        })
    }

    /// Reads the data file format of `data/china.toml`.
    pub fn from_toml(text: &str) -> Result<WorkCalendar, CalendarDataError> {
        let file: File =
            toml::from_str(text).map_err(|e| CalendarDataError::Syntax(e.to_string()))?;
        let hours = match &file.hours {
            Some(periods) => WorkingHours::parse(periods)?,
            None => WorkingHours::default(),
        };
        let years = file
            .year
            .into_iter()
            .map(|y| YearCalendar {
                year: y.year,
                holidays: y
                    .holiday
                    .into_iter()
                    .map(|h| Holiday {
                        name_zh: h.zh,
                        name_en: h.en,
                        first: h.from,
                        last: h.to.unwrap_or(h.from),
                        makeup: h.makeup,
                    })
                    .collect(),
            })
            .collect();
        WorkCalendar::new(years, hours)
    }

    /// Writes the data file format that [`from_toml`](Self::from_toml) reads.
    pub fn to_toml(&self) -> String {
        let file = File {
            hours: Some(
                self.hours
                    .periods()
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            ),
            year: self
                .years
                .iter()
                .map(|y| YearFile {
                    year: y.year,
                    holiday: y
                        .holidays
                        .iter()
                        .map(|h| HolidayFile {
                            zh: h.name_zh.clone(),
                            en: h.name_en.clone(),
                            from: h.first,
                            to: Some(h.last),
                            makeup: h.makeup.clone(),
                        })
                        .collect(),
                })
                .collect(),
        };
        // Strings, dates and integers only: serialising cannot fail.
        toml::to_string(&file).unwrap_or_default()
    }

    /// The same days with other working hours.
    pub fn with_hours(&self, hours: WorkingHours) -> WorkCalendar {
        let index = Index::build(&self.years, &hours);
        WorkCalendar {
            years: self.years.clone(),
            hours,
            index,
        }
    }

    pub fn hours(&self) -> &WorkingHours {
        &self.hours
    }

    /// The covered years, in order.
    pub fn years(&self) -> &[YearCalendar] {
        &self.years
    }

    /// Whether the calendar has data for `year`.
    pub fn covers(&self, year: i16) -> bool {
        self.years.binary_search_by_key(&year, |y| y.year).is_ok()
    }

    /// The holiday `date` is a day off of, if any (also when the year is not covered: then
    /// there is none).
    pub fn holiday_on(&self, date: Date) -> Option<&Holiday> {
        let year = self
            .years
            .binary_search_by_key(&date.year(), |y| y.year)
            .ok()?;
        self.years[year].holidays.iter().find(|h| h.contains(date))
    }
}

fn check_year(year: &mut YearCalendar) -> Result<(), CalendarDataError> {
    let y = year.year;
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return Err(CalendarDataError::YearOutOfRange(y));
    }
    for (i, h) in year.holidays.iter().enumerate() {
        if h.name_zh.trim().is_empty() || h.name_en.trim().is_empty() {
            return Err(CalendarDataError::NameMissing {
                year: y,
                index: i + 1,
            });
        }
        if h.last < h.first {
            return Err(CalendarDataError::HolidayReversed {
                year: y,
                holiday: h.name_en.clone(),
                first: h.first,
                last: h.last,
            });
        }
        for date in [h.first, h.last].iter().chain(&h.makeup) {
            if date.year() != y {
                return Err(CalendarDataError::OutsideYear {
                    year: y,
                    holiday: h.name_en.clone(),
                    date: *date,
                });
            }
        }
    }
    year.holidays.sort_by_key(|h| h.first);
    for pair in year.holidays.windows(2) {
        if pair[1].first <= pair[0].last {
            return Err(CalendarDataError::HolidaysOverlap {
                year: y,
                first: pair[0].name_en.clone(),
                second: pair[1].name_en.clone(),
            });
        }
    }
    let mut seen: Vec<Date> = Vec::new();
    for h in &year.holidays {
        for &date in &h.makeup {
            let weekday = minute::weekday(minute::day_number(date));
            if weekday < 5 {
                return Err(CalendarDataError::MakeUpNotWeekend {
                    year: y,
                    holiday: h.name_en.clone(),
                    date,
                    weekday: WEEKDAYS[usize::from(weekday)],
                });
            }
            if let Some(during) = year.holidays.iter().find(|o| o.contains(date)) {
                return Err(CalendarDataError::MakeUpOnHoliday {
                    year: y,
                    holiday: h.name_en.clone(),
                    date,
                    during: during.name_en.clone(),
                });
            }
            if seen.contains(&date) {
                return Err(CalendarDataError::MakeUpRepeated { year: y, date });
            }
            seen.push(date);
        }
    }
    Ok(())
}

impl Index {
    fn build(years: &[YearCalendar], hours: &WorkingHours) -> Index {
        let mut within = vec![0u16; DAY as usize + 1];
        let mut reach = vec![0u16];
        let mut worked = 0u16;
        for m in 0..DAY as u16 {
            if hours
                .periods()
                .iter()
                .any(|p| p.start() <= m && m < p.end())
            {
                worked += 1;
                reach.push(m + 1);
            }
            within[usize::from(m) + 1] = worked;
        }
        let daily = u32::from(worked);
        let (Some(first), Some(last)) = (years.first(), years.last()) else {
            return Index {
                first_day: 0,
                working: Vec::new(),
                minutes: vec![0],
                workdays: vec![0],
                gaps: vec![0],
                within,
                reach,
            };
        };
        let first_day = minute::day_number(Date::new(first.year, 1, 1).unwrap_or(Date::MIN));
        let end_day = minute::day_number(Date::new(last.year, 12, 31).unwrap_or(Date::MAX)) + 1;
        let days = (end_day - first_day) as usize;
        let mut working = Vec::with_capacity(days);
        let mut minutes = Vec::with_capacity(days + 1);
        let mut workdays = Vec::with_capacity(days + 1);
        let mut gaps = Vec::with_capacity(days + 1);
        let (mut m, mut w, mut g) = (0u32, 0u32, 0u32);
        for day in first_day..end_day {
            minutes.push(m);
            workdays.push(w);
            gaps.push(g);
            let date = minute::date_of_day(day).unwrap_or(Date::MIN);
            let is_working = match years.binary_search_by_key(&date.year(), |y| y.year) {
                Ok(y) => {
                    let holidays = &years[y].holidays;
                    if holidays.iter().any(|h| h.contains(date)) {
                        false
                    } else if minute::weekday(day) >= 5 {
                        holidays.iter().any(|h| h.makeup.contains(&date))
                    } else {
                        true
                    }
                }
                Err(_) => {
                    g += 1;
                    false
                }
            };
            working.push(is_working);
            if is_working {
                m += daily;
                w += 1;
            }
        }
        minutes.push(m);
        workdays.push(w);
        gaps.push(g);
        Index {
            first_day,
            working,
            minutes,
            workdays,
            gaps,
            within,
            reach,
        }
    }
}

// The data file.

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hours: Option<Vec<String>>,
    #[serde(default)]
    year: Vec<YearFile>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    year: i16,
    #[serde(default)]
    holiday: Vec<HolidayFile>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayFile {
    zh: String,
    en: String,
    from: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<Date>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    makeup: Vec<Date>,
}
