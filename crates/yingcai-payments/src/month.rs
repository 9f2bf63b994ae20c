//! Months as plain `i32` indexes.
//!
//! A [`Month`] is `year * 12 + (month - 1)`, so January 2024 is
//! `2024 * 12 + 0 = 24288`. We chose a bare `i32` over a newtype so that
//! callers (database rows, JSON, SQL `INTEGER` columns) can store and
//! compare months without conversions, and so that "the month after" is
//! just `m + 1`: ordering, ranges (`first..=run`) and arithmetic are the
//! integer ones. The helpers below are the only places that know about
//! the calendar; they refuse anything outside years `0000..=9999`, which
//! is also the range that round-trips through the `"YYYY-MM"` text form.

use std::fmt;

use thiserror::Error;

/// A calendar month encoded as `year * 12 + (month - 1)`.
///
/// Consecutive months are consecutive integers, so `m + n` is "n months
/// later" and integer ordering is calendar ordering.
pub type Month = i32;

/// Smallest year the helpers accept; `"YYYY"` needs four digits.
pub const MIN_YEAR: i32 = 0;
/// Largest year the helpers accept; `"YYYY"` needs four digits.
pub const MAX_YEAR: i32 = 9999;

/// Why a year/month pair or a `"YYYY-MM"` string was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MonthError {
    /// The text is not exactly four digits, a dash and two digits.
    #[error("month {input:?} is not in the form YYYY-MM")]
    BadFormat {
        /// The rejected text.
        input: String,
    },
    /// The month number is not in `1..=12`.
    #[error("month number {month} is outside 1..=12")]
    MonthOutOfRange {
        /// The rejected month number.
        month: u32,
    },
    /// The year is not in `0..=9999`.
    #[error("year {year} is outside {MIN_YEAR}..={MAX_YEAR}")]
    YearOutOfRange {
        /// The rejected year.
        year: i32,
    },
}

/// Builds the [`Month`] index of `year`-`month` (month numbered `1..=12`).
///
/// # Errors
/// [`MonthError::YearOutOfRange`] or [`MonthError::MonthOutOfRange`].
pub fn month(year: i32, month: u32) -> Result<Month, MonthError> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(MonthError::YearOutOfRange { year });
    }
    if !(1..=12).contains(&month) {
        return Err(MonthError::MonthOutOfRange { month });
    }
    // Cannot overflow: year <= 9999 and month <= 12.
    Ok(year * 12 + (month as i32 - 1))
}

/// The calendar year of `m` (floor division, so it is also meaningful for
/// negative indexes).
pub fn year_of(m: Month) -> i32 {
    m.div_euclid(12)
}

/// The month number `1..=12` of `m`.
pub fn month_of(m: Month) -> u32 {
    // rem_euclid is in 0..12, so the cast and the +1 are exact.
    m.rem_euclid(12) as u32 + 1
}

/// Parses the strict `"YYYY-MM"` form (e.g. `"2024-03"`).
///
/// Strict on purpose: months are keys of stored payment lines, and
/// accepting `"2024-3"` or `" 2024-03"` would let two spellings of one
/// key exist upstream.
///
/// # Errors
/// [`MonthError::BadFormat`] when the shape is wrong,
/// [`MonthError::MonthOutOfRange`] for a month number outside `01..=12`.
pub fn parse_month(input: &str) -> Result<Month, MonthError> {
    let bad = || MonthError::BadFormat {
        input: input.to_owned(),
    };
    let bytes = input.as_bytes();
    if bytes.len() != 7 || bytes[4] != b'-' {
        return Err(bad());
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes[range].iter().try_fold(0u32, |acc, b| {
            b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
        })
    };
    let year = digits(0..4).ok_or_else(bad)?;
    let mon = digits(5..7).ok_or_else(bad)?;
    // A four-digit year is at most 9999, so it fits in i32.
    month(year as i32, mon)
}

/// Formats `m` as `"YYYY-MM"`; `format!("{}", display_month(m))`.
///
/// Returns a lightweight [`fmt::Display`] value instead of a `String` so
/// it can be used in `format!`/`write!` without an allocation.
pub fn display_month(m: Month) -> MonthDisplay {
    MonthDisplay(m)
}

/// Formats `m` as `"YYYY-MM"` into a new `String`.
pub fn format_month(m: Month) -> String {
    display_month(m).to_string()
}

/// [`fmt::Display`] adapter returned by [`display_month`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthDisplay(pub Month);

impl fmt::Display for MonthDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", year_of(self.0), month_of(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_matches_the_contract() {
        assert_eq!(month(2024, 1), Ok(2024 * 12));
        assert_eq!(month(2024, 12), Ok(2024 * 12 + 11));
        assert_eq!(month(0, 1), Ok(0));
        assert_eq!(month(9999, 12), Ok(9999 * 12 + 11));
    }

    #[test]
    fn month_refuses_out_of_range() {
        assert_eq!(
            month(2024, 0),
            Err(MonthError::MonthOutOfRange { month: 0 })
        );
        assert_eq!(
            month(2024, 13),
            Err(MonthError::MonthOutOfRange { month: 13 })
        );
        assert_eq!(month(-1, 5), Err(MonthError::YearOutOfRange { year: -1 }));
        assert_eq!(
            month(10000, 5),
            Err(MonthError::YearOutOfRange { year: 10000 })
        );
    }

    #[test]
    fn parse_and_format_round_trip() {
        for text in ["0000-01", "1999-12", "2024-02", "9999-12"] {
            let m = parse_month(text).expect("valid month");
            assert_eq!(format_month(m), text);
        }
        let m = parse_month("2024-03").expect("valid month");
        assert_eq!((year_of(m), month_of(m)), (2024, 3));
        assert_eq!(format_month(m + 10), "2025-01");
        assert_eq!(format_month(m - 3), "2023-12");
    }

    #[test]
    fn parse_is_strict() {
        for text in [
            "2024-3",
            "2024-003",
            " 2024-03",
            "2024/03",
            "２024-03",
            "",
            "abcd-ef",
            "+024-03",
        ] {
            assert!(
                matches!(parse_month(text), Err(MonthError::BadFormat { .. })),
                "{text:?} should be refused"
            );
        }
        assert_eq!(
            parse_month("2024-00"),
            Err(MonthError::MonthOutOfRange { month: 0 })
        );
        assert_eq!(
            parse_month("2024-13"),
            Err(MonthError::MonthOutOfRange { month: 13 })
        );
    }

    #[test]
    fn negative_indexes_use_floor_division() {
        assert_eq!(year_of(-1), -1);
        assert_eq!(month_of(-1), 12);
    }
}
