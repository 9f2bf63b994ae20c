//! Calendar months and dates, kept as small integers so evaluation never allocates.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A calendar month, stored as `year * 12 + (month - 1)`.
///
/// Months are the unit of every rule in a pack (allowances are monthly), so months are
/// plain integers: `m - arrival_month` is a subtraction, not a calendar computation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i32);

impl Month {
    /// Builds a month from a year and a month number (1..=12).
    pub fn new(year: i32, month: u32) -> Option<Month> {
        if !(1..=12).contains(&month) || !(1000..=9999).contains(&year) {
            return None;
        }
        Some(Month(year * 12 + month as i32 - 1))
    }
    /// The year.
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }
    /// The month number, 1..=12.
    pub fn month(self) -> u32 {
        (self.0.rem_euclid(12) + 1) as u32
    }
    /// This month plus `n` months (negative goes back).
    pub fn plus(self, n: i32) -> Month {
        Month(self.0 + n)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// A month string was not `YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a month (expected YYYY-MM)")]
pub struct BadMonth(pub String);

impl FromStr for Month {
    type Err = BadMonth;
    fn from_str(s: &str) -> Result<Month, BadMonth> {
        let b = s.as_bytes();
        let bad = || BadMonth(s.to_string());
        if b.len() != 7 || b[4] != b'-' {
            return Err(bad());
        }
        let y = digits(&b[0..4]).ok_or_else(bad)?;
        let m = digits(&b[5..7]).ok_or_else(bad)?;
        Month::new(y as i32, m).ok_or_else(bad)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A calendar date (day precision), 4 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i16,
    month: u8,
    day: u8,
}

impl Date {
    /// Builds a date, checking the day against the month's length (leap years included).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1000..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date {
            year: year as i16,
            month: month as u8,
            day: day as u8,
        })
    }
    /// The year.
    pub fn year(self) -> i32 {
        self.year as i32
    }
    /// The month number, 1..=12.
    pub fn month_number(self) -> u32 {
        self.month as u32
    }
    /// The day of the month.
    pub fn day(self) -> u32 {
        self.day as u32
    }
    /// The calendar month this date falls in.
    pub fn month(self) -> Month {
        Month(self.year as i32 * 12 + self.month as i32 - 1)
    }
    /// The first month whose first day is on or after this date: a value that takes
    /// effect on this date is in force for whole months from this one on.
    pub(crate) fn first_full_month(self) -> Month {
        if self.day == 1 {
            self.month()
        } else {
            self.month().plus(1)
        }
    }

    /// Parses exactly `YYYY-MM-DD` from bytes (the CSV fast path).
    #[inline]
    pub fn parse_bytes(b: &[u8]) -> Option<Date> {
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let y = digits(&b[0..4])?;
        let m = digits(&b[5..7])?;
        let d = digits(&b[8..10])?;
        Date::new(y as i32, m, d)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A date string was not `YYYY-MM-DD` or not a real day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date (expected YYYY-MM-DD)")]
pub struct BadDate(pub String);

impl FromStr for Date {
    type Err = BadDate;
    fn from_str(s: &str) -> Result<Date, BadDate> {
        Date::parse_bytes(s.as_bytes()).ok_or_else(|| BadDate(s.to_string()))
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[inline]
fn digits(b: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + d as u32;
    }
    Some(v)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_round_trip() {
        let m: Month = "2026-11".parse().unwrap();
        assert_eq!(m.to_string(), "2026-11");
        assert_eq!(m.plus(2).to_string(), "2027-01");
        assert!("2026-13".parse::<Month>().is_err());
        assert!("2026-1".parse::<Month>().is_err());
    }

    #[test]
    fn dates_are_checked() {
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert!("2023-02-29".parse::<Date>().is_err());
        assert!("1900-02-29".parse::<Date>().is_err());
        assert!("2000-02-29".parse::<Date>().is_ok());
        assert!("2024-04-31".parse::<Date>().is_err());
        assert!("2024-4-01".parse::<Date>().is_err());
        let d: Date = "2024-03-15".parse().unwrap();
        assert_eq!(d.month().to_string(), "2024-03");
        assert_eq!(d.first_full_month().to_string(), "2024-04");
        let d1: Date = "2024-03-01".parse().unwrap();
        assert_eq!(d1.first_full_month().to_string(), "2024-03");
    }
}
