//! The questions: when is something due, how much working time has passed, how long has a
//! case's clock run (pauses excepted), which day is N working days on.
//!
//! Everything is read from the calendar's per-day prefix sums: `W(t)`, the working minutes
//! from the first covered day to the instant `t`, is two table reads; `elapsed` is a
//! difference of two `W`s and `due` a binary search over the days for `W(start) + minutes`.

use yingcai_domain::Date;

use crate::calendar::{WorkCalendar, WorkTimeError};
use crate::minute::{self, BeijingMinute, DAY};

impl WorkCalendar {
    /// The covered day of `day_number` as an index into the tables.
    #[inline]
    fn day_index(&self, day_number: i32) -> Result<usize, WorkTimeError> {
        let ix = &self.index;
        let i = i64::from(day_number) - i64::from(ix.first_day);
        if i < 0 || i >= ix.working.len() as i64 {
            return Err(WorkTimeError::YearNotCovered(minute::year_of_day(
                day_number,
            )));
        }
        let i = i as usize;
        if ix.gaps[i + 1] != ix.gaps[i] {
            return Err(WorkTimeError::YearNotCovered(minute::year_of_day(
                day_number,
            )));
        }
        Ok(i)
    }

    /// Refuses the first uncovered day between two covered days `from <= to`, if any.
    #[inline]
    fn covered_between(&self, from: usize, to: usize) -> Result<(), WorkTimeError> {
        let gaps = &self.index.gaps;
        if gaps[to + 1] == gaps[from] {
            return Ok(());
        }
        let first_gap = from + gaps[from..].partition_point(|&g| g == gaps[from]) - 1;
        Err(self.not_covered(first_gap))
    }

    fn not_covered(&self, i: usize) -> WorkTimeError {
        WorkTimeError::YearNotCovered(minute::year_of_day(self.index.first_day + i as i32))
    }

    /// Working minutes from the first covered day to minute `of_day` of day `i`.
    #[inline]
    fn worked_until(&self, i: usize, of_day: u16) -> u32 {
        let ix = &self.index;
        ix.minutes[i]
            + if ix.working[i] {
                u32::from(ix.within[usize::from(of_day)])
            } else {
                0
            }
    }

    /// Whether `date` is a working day: Monday to Friday and not a holiday's day off, or a
    /// make-up Saturday or Sunday.
    pub fn is_working_day(&self, date: Date) -> Result<bool, WorkTimeError> {
        let i = self.day_index(minute::day_number(date))?;
        Ok(self.index.working[i])
    }

    /// The `n`th working day after `date` (`date` itself when `n` is 0), e.g. the last day
    /// of a public notice of `n` working days published on `date`.
    pub fn add_working_days(&self, date: Date, n: u32) -> Result<Date, WorkTimeError> {
        let a = self.day_index(minute::day_number(date))?;
        if n == 0 {
            return Ok(date);
        }
        let workdays = &self.index.workdays;
        let target = u64::from(workdays[a + 1]) + u64::from(n);
        let last = workdays.len() - 1;
        if target > u64::from(workdays[last]) {
            self.covered_between(a, last - 1)?;
            return Err(self.beyond_last());
        }
        // The first p with `target` working days before it; the day before p is the one.
        let p = a + 1 + workdays[a + 1..].partition_point(|&w| u64::from(w) < target);
        let d = p - 1;
        self.covered_between(a, d)?;
        Ok(minute::date_of_day(self.index.first_day + d as i32).unwrap_or(date))
    }

    /// The end of the `n`th working day after the day of `t`: the end of that day's last
    /// working period (17:00 by default), Beijing time. The day of `t` itself is not
    /// counted, whatever the hour (as administrative periods are counted in China: the
    /// day a period starts is not one of its days), so a request made on a Friday
    /// afternoon before a holiday with 1 working day to answer is due at the end of the
    /// first working day after the holiday. `n = 0` is `t` itself. Refused when the day of
    /// `t`, or any day up to the answer, is in a year without data: an administrative
    /// deadline is never guessed from weekdays.
    pub fn end_of_working_days(
        &self,
        t: BeijingMinute,
        n: u32,
    ) -> Result<BeijingMinute, WorkTimeError> {
        if n == 0 {
            self.day_index(t.day_number())?;
            return Ok(t);
        }
        let day = self.add_working_days(t.date(), n)?;
        let closes = self
            .hours()
            .periods()
            .last()
            .map_or(DAY as u16, |p| p.end());
        let index = i64::from(minute::day_number(day)) * i64::from(DAY) + i64::from(closes);
        // Only a working day ending at 24:00 on 2200-12-31 could leave the range.
        BeijingMinute::from_index(index).ok_or(WorkTimeError::YearNotCovered(
            i32::from(yingcai_domain::MAX_YEAR) + 1,
        ))
    }

    fn beyond_last(&self) -> WorkTimeError {
        WorkTimeError::YearNotCovered(self.years().last().map_or(0, |y| i32::from(y.year) + 1))
    }

    /// The working minutes in `[start, end]`: 0 when `end <= start`. Both instants, and
    /// every day between them, must be in covered years.
    pub fn elapsed(&self, start: BeijingMinute, end: BeijingMinute) -> Result<u64, WorkTimeError> {
        let a = self.day_index(start.day_number())?;
        let b = self.day_index(end.day_number())?;
        self.covered_between(a.min(b), a.max(b))?;
        if end <= start {
            return Ok(0);
        }
        Ok(u64::from(
            self.worked_until(b, end.minute_of_day()) - self.worked_until(a, start.minute_of_day()),
        ))
    }

    /// The earliest instant `t >= start` at which the working minutes in `[start, t]` reach
    /// `minutes` (`start` itself for 0). A start outside working time waits for the next
    /// working period; a target reached exactly at the end of a period (12:00, 17:00) is due
    /// then. Refused when `start`, or any day up to the answer, is in a year without data.
    pub fn due(&self, start: BeijingMinute, minutes: u64) -> Result<BeijingMinute, WorkTimeError> {
        let a = self.day_index(start.day_number())?;
        if minutes == 0 {
            return Ok(start);
        }
        let ix = &self.index;
        let target = u64::from(self.worked_until(a, start.minute_of_day())).saturating_add(minutes);
        let last = ix.minutes.len() - 1;
        if target > u64::from(ix.minutes[last]) {
            self.covered_between(a, last - 1)?;
            return Err(self.beyond_last());
        }
        // The day d with minutes[d] < target <= minutes[d + 1]: a working day, on which the
        // target is reached `target - minutes[d]` working minutes in (1 to a day's worth).
        let p = a + 1 + ix.minutes[a + 1..].partition_point(|&m| u64::from(m) < target);
        let d = p - 1;
        self.covered_between(a, d)?;
        let into_day = (target - u64::from(ix.minutes[d])) as usize;
        let of_day = ix.reach.get(into_day).copied().unwrap_or(0);
        let index = i64::from(ix.first_day + d as i32) * i64::from(DAY) + i64::from(of_day);
        // Only past 2200-12-31T24:00 can this leave the range.
        BeijingMinute::from_index(index).ok_or(WorkTimeError::YearNotCovered(
            i32::from(yingcai_domain::MAX_YEAR) + 1,
        ))
    }

    /// A case's clock: [`elapsed`](Self::elapsed) from `start` to `now`, less the working
    /// minutes of its pauses. Each pause `(from, until)` counts only inside `[start, now]`
    /// (a pause still running is passed with `until = now`; one with `until <= from` counts
    /// nothing); overlapping pauses are counted once.
    pub fn clock(
        &self,
        start: BeijingMinute,
        now: BeijingMinute,
        pauses: &[(BeijingMinute, BeijingMinute)],
    ) -> Result<u64, WorkTimeError> {
        let total = self.elapsed(start, now)?;
        let mut spans: Vec<(BeijingMinute, BeijingMinute)> = pauses
            .iter()
            .map(|&(from, until)| (from.max(start), until.min(now)))
            .filter(|(from, until)| from < until)
            .collect();
        spans.sort_unstable();
        let mut paused = 0;
        let mut current: Option<(BeijingMinute, BeijingMinute)> = None;
        for (from, until) in spans {
            current = match current {
                Some((f, u)) if from <= u => Some((f, u.max(until))),
                Some((f, u)) => {
                    paused += self.elapsed(f, u)?;
                    Some((from, until))
                }
                None => Some((from, until)),
            };
        }
        if let Some((f, u)) = current {
            paused += self.elapsed(f, u)?;
        }
        Ok(total - paused)
    }
}
