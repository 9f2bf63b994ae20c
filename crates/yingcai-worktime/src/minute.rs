//! [`BeijingMinute`]: an instant to the minute on Beijing's wall clock (UTC+8, no daylight
//! saving), the resolution of every service deadline.

use std::fmt;
use std::str::FromStr;

use yingcai_domain::{Date, MAX_YEAR, MIN_YEAR};

/// Minutes in a day.
pub(crate) const DAY: i32 = 1440;
/// Beijing is UTC+8 all year.
const OFFSET_MINUTES: i64 = 8 * 60;

/// Why a text or a timestamp is not a [`BeijingMinute`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstantError {
    #[error("`{0}` is not an instant (expected YYYY-MM-DDTHH:MM, Beijing time)")]
    NotAnInstant(String),
    #[error("`{0}` is outside the years 1900 to 2200")]
    OutOfRange(String),
}

/// A minute on Beijing's clock from 1900-01-01T00:00 to 2200-12-31T23:59, written
/// `YYYY-MM-DDTHH:MM`. Four bytes, `Copy`, ordered; consecutive minutes have consecutive
/// [`BeijingMinute::index`]es.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BeijingMinute(
    // INVARIANT: MIN.0 <= minutes since 1970-01-01T00:00 Beijing time <= MAX.0.
    i32,
);

const _: () = assert!(std::mem::size_of::<BeijingMinute>() == 4);

const MIN_INDEX: i32 = days_from_civil(MIN_YEAR as i32, 1, 1) * DAY;
const MAX_INDEX: i32 = days_from_civil(MAX_YEAR as i32, 12, 31) * DAY + DAY - 1;

impl BeijingMinute {
    pub const MIN: BeijingMinute = BeijingMinute(MIN_INDEX);
    pub const MAX: BeijingMinute = BeijingMinute(MAX_INDEX);

    /// `hour:minute` on `date`, if it is a time of day (00:00 to 23:59).
    pub fn new(date: Date, hour: u8, minute: u8) -> Option<BeijingMinute> {
        (hour < 24 && minute < 60).then(|| {
            BeijingMinute(day_number(date) * DAY + i32::from(hour) * 60 + i32::from(minute))
        })
    }

    /// Midnight at the start of `date`.
    pub fn start_of(date: Date) -> BeijingMinute {
        BeijingMinute(day_number(date) * DAY)
    }

    /// Minutes since 1970-01-01T00:00 Beijing time (negative before).
    #[inline]
    pub fn index(self) -> i32 {
        self.0
    }

    /// The minute with this [`index`](Self::index), if in range.
    #[inline]
    pub fn from_index(index: i64) -> Option<BeijingMinute> {
        (i64::from(MIN_INDEX)..=i64::from(MAX_INDEX))
            .contains(&index)
            .then_some(BeijingMinute(index as i32))
    }

    /// `minutes` later (earlier when negative), if still in range.
    pub fn plus_minutes(self, minutes: i64) -> Option<BeijingMinute> {
        BeijingMinute::from_index(i64::from(self.0).checked_add(minutes)?)
    }

    /// Days since 1970-01-01 (negative before).
    #[inline]
    pub(crate) fn day_number(self) -> i32 {
        self.0.div_euclid(DAY)
    }

    /// Minutes since midnight, 0 to 1439.
    #[inline]
    pub fn minute_of_day(self) -> u16 {
        self.0.rem_euclid(DAY) as u16
    }

    pub fn date(self) -> Date {
        let (y, m, d) = civil_from_days(self.day_number());
        // In range by the invariant; the fallback is never taken.
        Date::new(y as i16, m as i8, d as i8).unwrap_or(Date::MIN)
    }

    pub fn hour(self) -> u8 {
        (self.minute_of_day() / 60) as u8
    }

    pub fn minute(self) -> u8 {
        (self.minute_of_day() % 60) as u8
    }

    /// The instant this minute starts, as an absolute time.
    pub fn to_timestamp(self) -> jiff::Timestamp {
        let seconds = (i64::from(self.0) - OFFSET_MINUTES) * 60;
        // Years 1900 to 2200 are well inside jiff's range; the fallback is never taken.
        jiff::Timestamp::from_second(seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// The Beijing minute `ts` falls in (seconds are dropped), if in range.
    pub fn from_timestamp(ts: jiff::Timestamp) -> Result<BeijingMinute, InstantError> {
        let index = ts.as_second().div_euclid(60) + OFFSET_MINUTES;
        BeijingMinute::from_index(index).ok_or_else(|| InstantError::OutOfRange(ts.to_string()))
    }

    /// Parses exactly `YYYY-MM-DDTHH:MM` without allocating (the CLI's fast path); `None` for
    /// anything else. [`FromStr`] says why.
    #[inline]
    pub fn parse_bytes(b: &[u8]) -> Option<BeijingMinute> {
        if b.len() != 16 || b[10] != b'T' || b[13] != b':' {
            return None;
        }
        let date = Date::parse_bytes(&b[..10])?;
        let hour = two_digits(b[11], b[12])?;
        let minute = two_digits(b[14], b[15])?;
        BeijingMinute::new(date, hour, minute)
    }

    /// `YYYY-MM-DDTHH:MM` as ASCII bytes, for writers that avoid `fmt`.
    pub fn to_bytes(self) -> [u8; 16] {
        let date = self.date();
        let mut out = *b"0000-00-00T00:00";
        let year = date.year() as u16;
        out[0] = b'0' + (year / 1000) as u8;
        out[1] = b'0' + (year / 100 % 10) as u8;
        out[2] = b'0' + (year / 10 % 10) as u8;
        out[3] = b'0' + (year % 10) as u8;
        put2(&mut out[5..7], date.month() as u8);
        put2(&mut out[8..10], date.day() as u8);
        put2(&mut out[11..13], self.hour());
        put2(&mut out[14..16], self.minute());
        out
    }
}

#[inline]
fn two_digits(a: u8, b: u8) -> Option<u8> {
    let (a, b) = (a.wrapping_sub(b'0'), b.wrapping_sub(b'0'));
    (a <= 9 && b <= 9).then_some(a * 10 + b)
}

#[inline]
fn put2(out: &mut [u8], v: u8) {
    out[0] = b'0' + v / 10;
    out[1] = b'0' + v % 10;
}

impl FromStr for BeijingMinute {
    type Err = InstantError;
    fn from_str(s: &str) -> Result<BeijingMinute, InstantError> {
        if let Some(minute) = BeijingMinute::parse_bytes(s.as_bytes()) {
            return Ok(minute);
        }
        // Say whether the shape is right but the year is not.
        let b = s.as_bytes();
        let shaped = b.len() == 16
            && b[10] == b'T'
            && b[13] == b':'
            && two_digits(b[11], b[12]).is_some_and(|h| h < 24)
            && two_digits(b[14], b[15]).is_some_and(|m| m < 60);
        match s.get(..10).map(str::parse::<Date>) {
            Some(Err(yingcai_domain::CalendarError::OutOfRange(_))) if shaped => {
                Err(InstantError::OutOfRange(s.to_owned()))
            }
            _ => Err(InstantError::NotAnInstant(s.to_owned())),
        }
    }
}

impl fmt::Display for BeijingMinute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.to_bytes();
        // ASCII by construction.
        f.write_str(std::str::from_utf8(&bytes).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for BeijingMinute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BeijingMinute({self})")
    }
}

/// Days since 1970-01-01 of a day.
#[inline]
pub(crate) fn day_number(date: Date) -> i32 {
    days_from_civil(
        i32::from(date.year()),
        date.month() as u32,
        date.day() as u32,
    )
}

/// The day `days` after 1970-01-01, if in range.
#[inline]
pub(crate) fn date_of_day(days: i32) -> Option<Date> {
    let (y, m, d) = civil_from_days(days);
    Date::new(i16::try_from(y).ok()?, m as i8, d as i8)
}

/// The calendar year of day `days` after 1970-01-01 (also outside the platform's range).
pub(crate) fn year_of_day(days: i32) -> i32 {
    civil_from_days(days).0
}

/// Monday 0 … Sunday 6 of day `days` after 1970-01-01 (a Thursday).
#[inline]
pub(crate) fn weekday(days: i32) -> u8 {
    (days + 3).rem_euclid(7) as u8
}

// Howard Hinnant's civil-from-days algorithms (proleptic Gregorian calendar), valid far
// beyond the years 1900 to 2200 used here.
const fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = (y - era * 400) as u32;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i32 - 719_468
}

const fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = (z - era * 146_097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe as i32 + era * 400;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test that cannot unwrap has failed")]
    use super::*;
    use proptest::prelude::*;

    fn m(s: &str) -> BeijingMinute {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_prints_the_same_text() {
        let t = m("2026-09-30T16:00");
        assert_eq!(t.to_string(), "2026-09-30T16:00");
        assert_eq!(t.date().to_string(), "2026-09-30");
        assert_eq!((t.hour(), t.minute(), t.minute_of_day()), (16, 0, 960));
        assert_eq!(m("1900-01-01T00:00"), BeijingMinute::MIN);
        assert_eq!(m("2200-12-31T23:59"), BeijingMinute::MAX);
        assert_eq!(BeijingMinute::MIN.to_string(), "1900-01-01T00:00");
        assert_eq!(BeijingMinute::MAX.to_string(), "2200-12-31T23:59");
        assert_eq!(m("1970-01-01T00:01").index(), 1);
        assert_eq!(m("1969-12-31T23:59").index(), -1);
        assert_eq!(BeijingMinute::MAX.plus_minutes(1), None);
        assert_eq!(BeijingMinute::MIN.plus_minutes(-1), None);
        assert_eq!(
            m("2025-12-31T23:59").plus_minutes(1),
            Some(m("2026-01-01T00:00"))
        );
        for bad in [
            "",
            "2026-09-30",
            "2026-09-30 16:00",
            "2026-09-30T24:00",
            "2026-09-30T16:60",
            "2026-02-29T10:00",
            "2026-9-30T16:00",
            "2026-09-30T16:00:00",
            "2026-09-30T1６:0",
            "+026-09-30T16:00",
        ] {
            assert!(
                matches!(
                    bad.parse::<BeijingMinute>(),
                    Err(InstantError::NotAnInstant(_))
                ),
                "{bad}"
            );
        }
        for far in ["1899-12-31T23:59", "2201-01-01T00:00", "9999-12-31T00:00"] {
            assert!(
                matches!(
                    far.parse::<BeijingMinute>(),
                    Err(InstantError::OutOfRange(_))
                ),
                "{far}"
            );
        }
    }

    #[test]
    fn converts_to_and_from_timestamps_at_utc_plus_8() {
        let t = m("2026-10-08T09:01");
        let ts = t.to_timestamp();
        assert_eq!(ts.to_string(), "2026-10-08T01:01:00Z");
        assert_eq!(BeijingMinute::from_timestamp(ts), Ok(t));
        let later: jiff::Timestamp = "2026-10-08T01:01:59.9Z".parse().unwrap();
        assert_eq!(BeijingMinute::from_timestamp(later), Ok(t));
        let before: jiff::Timestamp = "2026-10-08T01:00:59Z".parse().unwrap();
        assert_eq!(
            BeijingMinute::from_timestamp(before),
            Ok(m("2026-10-08T09:00"))
        );
        let far: jiff::Timestamp = "2200-12-31T16:00:00Z".parse().unwrap();
        assert!(BeijingMinute::from_timestamp(far).is_err());
        assert_eq!(
            BeijingMinute::from_timestamp(BeijingMinute::MIN.to_timestamp()),
            Ok(BeijingMinute::MIN)
        );
    }

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused_without_panicking(s in ".{0,20}", b in proptest::collection::vec(any::<u8>(), 0..20)) {
            let _ = s.parse::<BeijingMinute>();
            let _ = BeijingMinute::parse_bytes(&b);
        }

        #[test]
        fn every_minute_round_trips(index in MIN_INDEX..=MAX_INDEX) {
            let t = BeijingMinute(index);
            let text = t.to_string();
            prop_assert_eq!(text.parse::<BeijingMinute>(), Ok(t));
            prop_assert_eq!(BeijingMinute::from_timestamp(t.to_timestamp()), Ok(t));
            let j = jiff::civil::DateTime::from(t.to_timestamp().to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8))));
            prop_assert_eq!(j.date(), t.date().jiff());
            prop_assert_eq!((j.hour() as u8, j.minute() as u8), (t.hour(), t.minute()));
            prop_assert_eq!(BeijingMinute::new(t.date(), t.hour(), t.minute()), Some(t));
            prop_assert_eq!(i64::from(weekday(t.day_number())), i64::from(t.date().jiff().weekday().to_monday_zero_offset()));
        }
    }
}
