//! Calendar months: the period allowances are paid for.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::FieldError;

/// A calendar month, `YYYY-MM`. Ordered; `Month + n` moves by whole months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    // INVARIANT: year*12 + (month-1), with month in 1..=12 and year in 1900..=9999.
    index: i32,
}

impl Month {
    pub fn new(year: i16, month: i8) -> Option<Month> {
        ((1900..=9999).contains(&year) && (1..=12).contains(&month)).then(|| Month {
            index: i32::from(year) * 12 + i32::from(month) - 1,
        })
    }

    pub fn of(date: Date) -> Month {
        Month {
            index: i32::from(date.year()) * 12 + i32::from(date.month()) - 1,
        }
    }

    pub fn year(self) -> i16 {
        (self.index.div_euclid(12)) as i16
    }

    pub fn month(self) -> i8 {
        (self.index.rem_euclid(12) + 1) as i8
    }

    /// Whole months from `earlier` to `self` (negative when `earlier` is later).
    pub fn months_since(self, earlier: Month) -> i32 {
        self.index - earlier.index
    }

    pub fn plus(self, months: i32) -> Month {
        Month {
            index: self.index + months,
        }
    }

    pub fn first_day(self) -> Date {
        Date::new(self.year(), self.month(), 1).expect("INVARIANT: month in range")
    }

    pub fn parse(field: &'static str, raw: &str) -> Result<Month, FieldError> {
        raw.trim()
            .parse()
            .map_err(|()| FieldError::new(field, "month-invalid"))
    }
}

impl FromStr for Month {
    type Err = ();
    fn from_str(s: &str) -> Result<Month, ()> {
        let (y, m) = s.split_once('-').ok_or(())?;
        if y.len() != 4 || m.len() != 2 {
            return Err(());
        }
        Month::new(y.parse().map_err(|_| ())?, m.parse().map_err(|_| ())?).ok_or(())
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
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
        raw.parse()
            .map_err(|()| serde::de::Error::custom(format!("not a month (YYYY-MM): {raw}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let m: Month = "2026-11".parse().unwrap();
        assert_eq!((m.year(), m.month()), (2026, 11));
        assert_eq!(m.to_string(), "2026-11");
        assert_eq!(m.plus(2).to_string(), "2027-01");
        assert!("2026-13".parse::<Month>().is_err());
        assert!("2026-1".parse::<Month>().is_err());
        assert!("26-01".parse::<Month>().is_err());
    }

    #[test]
    fn month_arithmetic_matches_calendar() {
        let arrival = Month::of(Date::new(2022, 3, 31).unwrap());
        let m: Month = "2027-02".parse().unwrap();
        assert_eq!(m.months_since(arrival), 59);
        assert_eq!(arrival.first_day(), Date::new(2022, 3, 1).unwrap());
    }
}
