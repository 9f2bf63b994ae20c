//! [`WorkingHours`]: the periods of a working day (default 09:00–12:00 and 13:00–17:00).

use std::fmt;
use std::str::FromStr;

/// One period of work, `HH:MM-HH:MM`, start included, end excluded (`24:00` ends at
/// midnight).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    // INVARIANT: start < end <= 1440 (minutes since midnight).
    start: u16,
    end: u16,
}

/// Why a working-hours setting is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    #[error("`{0}` is not a period of the day (expected HH:MM-HH:MM, such as 09:00-12:00)")]
    NotAPeriod(String),
    #[error("the period {0} ends before it starts")]
    Reversed(String),
    #[error("a working day needs at least one period")]
    Empty,
    #[error(
        "the period {later} starts before the period {earlier} ends (periods must be in order and must not overlap)"
    )]
    OutOfOrder { earlier: Period, later: Period },
}

impl Period {
    /// From minutes since midnight: `start < end <= 1440`.
    pub fn new(start: u16, end: u16) -> Option<Period> {
        (start < end && end <= 1440).then_some(Period { start, end })
    }

    /// Minutes since midnight at which the period starts.
    pub fn start(self) -> u16 {
        self.start
    }

    /// Minutes since midnight at which the period ends (not included).
    pub fn end(self) -> u16 {
        self.end
    }

    pub fn minutes(self) -> u16 {
        self.end - self.start
    }
}

fn clock_time(s: &str, allow_midnight: bool) -> Option<u16> {
    let b = s.as_bytes();
    if b.len() != 5
        || b[2] != b':'
        || !b
            .iter()
            .enumerate()
            .all(|(i, c)| i == 2 || c.is_ascii_digit())
    {
        return None;
    }
    let h = u16::from(b[0] - b'0') * 10 + u16::from(b[1] - b'0');
    let m = u16::from(b[3] - b'0') * 10 + u16::from(b[4] - b'0');
    match (h, m) {
        (24, 0) if allow_midnight => Some(1440),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

impl FromStr for Period {
    type Err = HoursError;
    fn from_str(s: &str) -> Result<Period, HoursError> {
        let bad = || HoursError::NotAPeriod(s.to_owned());
        let (a, b) = s.trim().split_once('-').ok_or_else(bad)?;
        let start = clock_time(a.trim(), false).ok_or_else(bad)?;
        let end = clock_time(b.trim(), true).ok_or_else(bad)?;
        Period::new(start, end).ok_or_else(|| HoursError::Reversed(s.trim().to_owned()))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            self.end / 60,
            self.end % 60
        )
    }
}

/// The periods of every working day: at least one, in order, not overlapping (one may end
/// where the next starts).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct WorkingHours {
    periods: Vec<Period>,
}

impl WorkingHours {
    pub fn new(periods: Vec<Period>) -> Result<WorkingHours, HoursError> {
        if periods.is_empty() {
            return Err(HoursError::Empty);
        }
        for pair in periods.windows(2) {
            if pair[1].start < pair[0].end {
                return Err(HoursError::OutOfOrder {
                    earlier: pair[0],
                    later: pair[1],
                });
            }
        }
        Ok(WorkingHours { periods })
    }

    /// Reads `["09:00-12:00", "13:00-17:00"]`-style texts.
    pub fn parse<S: AsRef<str>>(periods: &[S]) -> Result<WorkingHours, HoursError> {
        let periods = periods
            .iter()
            .map(|p| p.as_ref().parse())
            .collect::<Result<Vec<Period>, _>>()?;
        WorkingHours::new(periods)
    }

    pub fn periods(&self) -> &[Period] {
        &self.periods
    }

    /// Working minutes in a working day (420 by default).
    pub fn minutes_per_day(&self) -> u16 {
        self.periods.iter().map(|p| p.minutes()).sum()
    }
}

impl Default for WorkingHours {
    /// 09:00–12:00 and 13:00–17:00.
    fn default() -> WorkingHours {
        WorkingHours {
            periods: vec![
                Period {
                    start: 9 * 60,
                    end: 12 * 60,
                },
                Period {
                    start: 13 * 60,
                    end: 17 * 60,
                },
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test that cannot unwrap has failed")]
    use super::*;

    #[test]
    fn periods_are_checked() {
        let default = WorkingHours::parse(&["09:00-12:00", "13:00-17:00"]).unwrap();
        assert_eq!(default, WorkingHours::default());
        assert_eq!(default.minutes_per_day(), 420);
        assert_eq!(default.periods()[1].to_string(), "13:00-17:00");
        assert!(WorkingHours::parse(&["08:30-12:00", "12:00-24:00"]).is_ok());
        assert_eq!(WorkingHours::parse::<&str>(&[]), Err(HoursError::Empty));
        assert!(matches!(
            WorkingHours::parse(&["13:00-17:00", "09:00-12:00"]),
            Err(HoursError::OutOfOrder { .. })
        ));
        assert!(matches!(
            WorkingHours::parse(&["09:00-13:30", "13:00-17:00"]),
            Err(HoursError::OutOfOrder { .. })
        ));
        assert!(matches!(
            WorkingHours::parse(&["12:00-09:00"]),
            Err(HoursError::Reversed(_))
        ));
        assert!(matches!(
            WorkingHours::parse(&["09:00-09:00"]),
            Err(HoursError::Reversed(_))
        ));
        for bad in [
            "9:00-12:00",
            "09:00",
            "24:00-24:00",
            "09:00-24:01",
            "09:60-10:00",
            "０9:00-12:00",
            "-",
        ] {
            assert!(
                matches!(bad.parse::<Period>(), Err(HoursError::NotAPeriod(_))),
                "{bad}"
            );
        }
    }
}
