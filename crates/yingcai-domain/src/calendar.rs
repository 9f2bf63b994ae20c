//! yingcai's calendar: one [`Date`] and one [`Month`], both limited to the years a talent
//! platform has any use for (1900-01-01 to 2200-12-31).
//!
//! Every constructor checks the range (`new`, `FromStr`, serde, `TryFrom<jiff::civil::Date>`,
//! [`Month::from_index`]), and month arithmetic returns `None` instead of leaving it, so a
//! date that reached a rule, a payment or a stored row can be formatted, compared and turned
//! into a month without a failure path. A year such as 0999 or 9999 is refused at the edge
//! with a field error, not discovered later by whatever reads it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::FieldError;

/// The first year anything on the platform can be dated.
pub const MIN_YEAR: i16 = 1900;
/// The last year anything on the platform can be dated.
pub const MAX_YEAR: i16 = 2200;

/// Why a text or a value is not a [`Date`] or a [`Month`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("`{0}` is not a date (expected YYYY-MM-DD)")]
    NotADate(String),
    #[error("`{0}` is not a month (expected YYYY-MM)")]
    NotAMonth(String),
    #[error("`{0}` is outside the years 1900 to 2200")]
    OutOfRange(String),
}

impl CalendarError {
    /// The field error code for a date field.
    pub fn date_code(&self) -> &'static str {
        match self {
            CalendarError::OutOfRange(_) => "date-out-of-range",
            _ => "date-invalid",
        }
    }

    /// The field error code for a month field.
    pub fn month_code(&self) -> &'static str {
        match self {
            CalendarError::OutOfRange(_) => "month-out-of-range",
            _ => "month-invalid",
        }
    }
}

/// What is wrong with a text before it is worth allocating an error for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    Shape,
    Range,
}

/// A calendar day from 1900-01-01 to 2200-12-31. Four bytes and `Copy`: the rules engine
/// holds three per talent and evaluates millions of talents.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(
    // INVARIANT: MIN_YEAR <= year <= MAX_YEAR.
    jiff::civil::Date,
);

const _: () = assert!(std::mem::size_of::<Date>() == 4);

impl Date {
    pub const MIN: Date = Date(jiff::civil::Date::constant(MIN_YEAR, 1, 1));
    pub const MAX: Date = Date(jiff::civil::Date::constant(MAX_YEAR, 12, 31));

    /// The day `year-month-day`, if it exists and is in range.
    #[inline]
    pub fn new(year: i16, month: i8, day: i8) -> Option<Date> {
        Date::checked(i32::from(year), i32::from(month), i32::from(day)).ok()
    }

    #[inline]
    fn checked(year: i32, month: i32, day: i32) -> Result<Date, Fault> {
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(Fault::Shape);
        }
        if !(i32::from(MIN_YEAR)..=i32::from(MAX_YEAR)).contains(&year) {
            return Err(Fault::Range);
        }
        // The casts are exact (checked just above); jiff re-checks what it was given.
        jiff::civil::Date::new(year as i16, month as i8, day as i8)
            .map(Date)
            .map_err(|_| Fault::Shape)
    }

    pub fn year(self) -> i16 {
        self.0.year()
    }

    /// The month number, 1 to 12.
    pub fn month(self) -> i8 {
        self.0.month()
    }

    pub fn day(self) -> i8 {
        self.0.day()
    }

    /// The calendar month this day is in.
    #[inline]
    pub fn year_month(self) -> Month {
        Month {
            index: i32::from(self.0.year()) * 12 + i32::from(self.0.month()) - 1,
        }
    }

    /// The first month whose first day is on or after this day: something that takes effect
    /// on this day holds for whole months from that one on. `None` after 2200-12-01.
    pub fn first_full_month(self) -> Option<Month> {
        if self.day() == 1 {
            Some(self.year_month())
        } else {
            self.year_month().plus(1)
        }
    }

    /// The same day as jiff sees it, for calendar arithmetic and clocks.
    pub fn jiff(self) -> jiff::civil::Date {
        self.0
    }

    /// `days` later (earlier when negative), if that is still in range.
    pub fn plus_days(self, days: i32) -> Option<Date> {
        let later = self
            .0
            .checked_add(jiff::Span::new().try_days(days).ok()?)
            .ok()?;
        Date::try_from(later).ok()
    }

    /// Parses exactly `YYYY-MM-DD` (the population file's fast path: no allocation).
    #[inline]
    pub fn parse_bytes(b: &[u8]) -> Option<Date> {
        Date::parse_strict(b).ok()
    }

    #[inline]
    fn parse_strict(b: &[u8]) -> Result<Date, Fault> {
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(Fault::Shape);
        }
        let y = digits(&b[0..4]).ok_or(Fault::Shape)?;
        let m = digits(&b[5..7]).ok_or(Fault::Shape)?;
        let d = digits(&b[8..10]).ok_or(Fault::Shape)?;
        Date::checked(y, m, d)
    }

    /// Reads a form or API field: `required`, `date-invalid` or `date-out-of-range`.
    pub fn parse(field: &'static str, raw: &str) -> Result<Date, FieldError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        raw.parse()
            .map_err(|e: CalendarError| FieldError::new(field, e.date_code()))
    }
}

impl FromStr for Date {
    type Err = CalendarError;
    fn from_str(s: &str) -> Result<Date, CalendarError> {
        Date::parse_strict(s.as_bytes()).map_err(|fault| match fault {
            Fault::Shape => CalendarError::NotADate(s.to_owned()),
            Fault::Range => CalendarError::OutOfRange(s.to_owned()),
        })
    }
}

impl TryFrom<jiff::civil::Date> for Date {
    type Error = CalendarError;
    fn try_from(d: jiff::civil::Date) -> Result<Date, CalendarError> {
        if (MIN_YEAR..=MAX_YEAR).contains(&d.year()) {
            Ok(Date(d))
        } else {
            Err(CalendarError::OutOfRange(d.to_string()))
        }
    }
}

impl From<Date> for jiff::civil::Date {
    fn from(d: Date) -> jiff::civil::Date {
        d.0
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.year(),
            self.month(),
            self.day()
        )
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({self})")
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let raw = String::deserialize(d)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

/// A calendar month from 1900-01 to 2200-12. Ordered; consecutive months have
/// consecutive [`Month::index`]es, so the rules engine computes with plain integers.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    // INVARIANT: MIN.index <= index <= MAX.index, i.e. year*12 + (month-1) in range.
    index: i32,
}

impl Month {
    pub const MIN: Month = Month {
        index: MIN_YEAR as i32 * 12,
    };
    pub const MAX: Month = Month {
        index: MAX_YEAR as i32 * 12 + 11,
    };

    pub fn new(year: i16, month: i8) -> Option<Month> {
        if !(1..=12).contains(&month) {
            return None;
        }
        Month::from_index(i64::from(year) * 12 + i64::from(month) - 1)
    }

    /// The month with index `year*12 + (month-1)`, if in range.
    #[inline]
    pub fn from_index(index: i64) -> Option<Month> {
        (i64::from(Month::MIN.index)..=i64::from(Month::MAX.index))
            .contains(&index)
            .then_some(Month {
                index: index as i32,
            })
    }

    /// `year*12 + (month-1)`.
    #[inline]
    pub fn index(self) -> i32 {
        self.index
    }

    /// The month `date` is in.
    pub fn of(date: Date) -> Month {
        date.year_month()
    }

    pub fn year(self) -> i16 {
        // In range by the invariant, so the quotient fits.
        self.index.div_euclid(12) as i16
    }

    /// The month number, 1 to 12.
    pub fn month(self) -> i8 {
        (self.index.rem_euclid(12) + 1) as i8
    }

    /// Whole months from `earlier` to `self` (negative when `earlier` is later).
    pub fn months_since(self, earlier: Month) -> i32 {
        self.index - earlier.index
    }

    /// `months` later (earlier when negative); `None` outside 1900-01..=2200-12.
    #[inline]
    pub fn plus(self, months: i32) -> Option<Month> {
        Month::from_index(i64::from(self.index) + i64::from(months))
    }

    /// The month after, unless this is the last one.
    pub fn next(self) -> Option<Month> {
        self.plus(1)
    }

    /// The month before, unless this is the first one.
    pub fn prev(self) -> Option<Month> {
        self.plus(-1)
    }

    /// `self`, the month after, … up to and including `last` (nothing when `last` is earlier).
    pub fn through(self, last: Month) -> impl DoubleEndedIterator<Item = Month> + Clone {
        (self.index..=last.index).map(|index| Month { index })
    }

    pub fn first_day(self) -> Date {
        // In range by the invariant; the fallback is never taken.
        Date::new(self.year(), self.month(), 1).unwrap_or(Date::MIN)
    }

    pub fn last_day(self) -> Date {
        let days = days_in_month(i32::from(self.year()), i32::from(self.month()));
        Date::new(self.year(), self.month(), days as i8).unwrap_or(Date::MAX)
    }

    /// Reads a form or API field: `required`, `month-invalid` or `month-out-of-range`.
    pub fn parse(field: &'static str, raw: &str) -> Result<Month, FieldError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        raw.parse()
            .map_err(|e: CalendarError| FieldError::new(field, e.month_code()))
    }
}

impl FromStr for Month {
    type Err = CalendarError;
    fn from_str(s: &str) -> Result<Month, CalendarError> {
        let b = s.as_bytes();
        let bad = || CalendarError::NotAMonth(s.to_owned());
        if b.len() != 7 || b[4] != b'-' {
            return Err(bad());
        }
        let y = digits(&b[0..4]).ok_or_else(bad)?;
        let m = digits(&b[5..7]).ok_or_else(bad)?;
        if !(1..=12).contains(&m) {
            return Err(bad());
        }
        Month::from_index(i64::from(y) * 12 + i64::from(m) - 1)
            .ok_or_else(|| CalendarError::OutOfRange(s.to_owned()))
    }
}

impl TryFrom<jiff::civil::Date> for Month {
    type Error = CalendarError;
    fn try_from(d: jiff::civil::Date) -> Result<Month, CalendarError> {
        Date::try_from(d).map(Date::year_month)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl fmt::Debug for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Month({self})")
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let raw = String::deserialize(d)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

/// Four or two ASCII digits as a number.
#[inline]
fn digits(b: &[u8]) -> Option<i32> {
    let mut v = 0i32;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + i32::from(d);
    }
    Some(v)
}

#[inline]
fn days_in_month(year: i32, month: i32) -> i32 {
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
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn dates_are_real_days_in_range() {
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert!("2000-02-29".parse::<Date>().is_ok());
        assert!("2023-02-29".parse::<Date>().is_err());
        assert!("1900-02-29".parse::<Date>().is_err());
        assert!("2024-04-31".parse::<Date>().is_err());
        assert!("2024-4-01".parse::<Date>().is_err());
        assert_eq!(d("1900-01-01"), Date::MIN);
        assert_eq!(d("2200-12-31"), Date::MAX);
        for far in [
            "0999-01-01",
            "1899-12-31",
            "2201-01-01",
            "9999-12-31",
            "0000-01-01",
        ] {
            assert!(
                matches!(far.parse::<Date>(), Err(CalendarError::OutOfRange(_))),
                "{far}"
            );
        }
        assert!(matches!(
            "-999-01-01".parse::<Date>(),
            Err(CalendarError::NotADate(_))
        ));
        assert_eq!(
            Date::parse("birth_date", "0999-01-01"),
            Err(FieldError::new("birth_date", "date-out-of-range"))
        );
        assert_eq!(
            Date::parse("birth_date", "1999-02-30"),
            Err(FieldError::new("birth_date", "date-invalid"))
        );
        assert_eq!(
            Date::parse("birth_date", " "),
            Err(FieldError::new("birth_date", "required"))
        );
        let far = jiff::civil::Date::new(1899, 12, 31).unwrap();
        assert!(Date::try_from(far).is_err());
        assert!(Month::try_from(far).is_err());
        assert!(serde_json::from_str::<Date>("\"0999-01-01\"").is_err());
        assert_eq!(
            serde_json::from_str::<Date>("\"2024-03-01\"").unwrap(),
            d("2024-03-01")
        );
    }

    #[test]
    fn a_date_knows_its_months() {
        assert_eq!(d("2024-03-15").year_month().to_string(), "2024-03");
        assert_eq!(
            d("2024-03-15").first_full_month().unwrap().to_string(),
            "2024-04"
        );
        assert_eq!(
            d("2024-03-01").first_full_month().unwrap().to_string(),
            "2024-03"
        );
        assert_eq!(d("2200-12-02").first_full_month(), None);
        assert_eq!(d("2200-12-01").first_full_month(), Some(Month::MAX));
        assert_eq!(d("2024-02-28").plus_days(2), Some(d("2024-03-01")));
        assert_eq!(Date::MAX.plus_days(1), None);
        assert_eq!(Date::MIN.plus_days(-1), None);
        assert_eq!(Date::MIN.plus_days(i32::MAX), None);
    }

    #[test]
    fn months_parse_print_and_move_within_range() {
        let m: Month = "2026-11".parse().unwrap();
        assert_eq!((m.year(), m.month()), (2026, 11));
        assert_eq!(m.to_string(), "2026-11");
        assert_eq!(m.plus(2).unwrap().to_string(), "2027-01");
        assert_eq!(m.plus(-11).unwrap().to_string(), "2025-12");
        assert!("2026-13".parse::<Month>().is_err());
        assert!("2026-1".parse::<Month>().is_err());
        assert!("26-01".parse::<Month>().is_err());
        assert!(matches!(
            "1899-12".parse::<Month>(),
            Err(CalendarError::OutOfRange(_))
        ));
        assert_eq!(
            Month::parse("month", "0000-01"),
            Err(FieldError::new("month", "month-out-of-range"))
        );
        assert_eq!(Month::MAX.next(), None);
        assert_eq!(Month::MIN.prev(), None);
        assert_eq!(Month::MAX.plus(i32::MAX), None);
        assert_eq!(Month::MIN.plus(i32::MIN), None);
        assert_eq!(Month::from_index(i64::MAX), None);
        let arrival = d("2022-03-31").year_month();
        assert_eq!(m.plus(3).unwrap().months_since(arrival), 59);
        assert_eq!(arrival.first_day(), d("2022-03-01"));
        assert_eq!(arrival.last_day(), d("2022-03-31"));
        assert_eq!(Month::new(2024, 2).unwrap().last_day(), d("2024-02-29"));
        let months: Vec<String> = arrival
            .through(arrival.plus(2).unwrap())
            .map(|m| m.to_string())
            .collect();
        assert_eq!(months, ["2022-03", "2022-04", "2022-05"]);
        assert_eq!(arrival.through(arrival.prev().unwrap()).count(), 0);
        assert_eq!(Month::MIN.through(Month::MAX).count(), 301 * 12);
    }

    proptest! {
        #[test]
        fn random_text_never_panics(s in ".{0,24}", b in proptest::collection::vec(any::<u8>(), 0..16)) {
            let _ = s.parse::<Date>();
            let _ = s.parse::<Month>();
            let _ = Date::parse("f", &s);
            let _ = Month::parse("f", &s);
            let _ = Date::parse_bytes(&b);
            let _ = serde_json::from_value::<Date>(serde_json::Value::String(s.clone()));
            let _ = serde_json::from_value::<Month>(serde_json::Value::String(s));
        }

        #[test]
        fn date_shaped_text_is_in_range_or_refused(y in 0u32..10000, m in 0u32..100, dd in 0u32..100) {
            let text = format!("{y:04}-{m:02}-{dd:02}");
            match text.parse::<Date>() {
                Ok(date) => {
                    prop_assert!((1900..=2200).contains(&y));
                    prop_assert_eq!(date.to_string(), text.clone());
                    prop_assert_eq!(Date::parse_bytes(text.as_bytes()), Some(date));
                    prop_assert_eq!(Some(date), Date::try_from(date.jiff()).ok());
                }
                Err(CalendarError::OutOfRange(_)) => prop_assert!(!(1900..=2200).contains(&y)),
                Err(_) => prop_assert!(jiff::civil::Date::new(y as i16, m as i8, dd as i8).is_err()
                    || m > 12 || dd > 31),
            }
            let month = format!("{y:04}-{m:02}");
            if let Ok(parsed) = month.parse::<Month>() {
                prop_assert_eq!(parsed.to_string(), month);
                prop_assert_eq!(serde_json::to_string(&parsed).ok(), Some(format!("\"{parsed}\"")));
            }
        }

        #[test]
        fn extreme_values_never_panic(year in any::<i16>(), month in any::<i8>(), day in any::<i8>(),
                                      index in any::<i64>(), n in any::<i32>()) {
            if let Some(date) = Date::new(year, month, day) {
                prop_assert!((1900..=2200).contains(&date.year()));
                prop_assert_eq!(date.to_string().parse::<Date>().ok(), Some(date));
                let _ = date.first_full_month();
                let _ = date.plus_days(n);
            }
            if let Some(m) = Month::new(year, month) {
                prop_assert!(Month::MIN <= m && m <= Month::MAX);
            }
            for m in [Month::from_index(index), Some(Month::MIN), Some(Month::MAX)].into_iter().flatten() {
                if let Some(later) = m.plus(n) {
                    prop_assert_eq!(later.months_since(m), n);
                    prop_assert_eq!(later.to_string().parse::<Month>().ok(), Some(later));
                    prop_assert!(later.first_day() <= later.last_day());
                }
            }
            if let Ok(j) = jiff::civil::Date::new(year, month, day) {
                prop_assert_eq!(Date::try_from(j).is_ok(), (1900..=2200).contains(&year));
            }
        }
    }
}
