//! A team's monthly figures and its backlog of open cases by age.
//!
//! Each case is reduced by the caller to its [`CaseFacts`] (from its [`crate::Clocks`] and
//! stored fields); [`monthly`] counts them into one [`MonthFigures`] per month:
//!
//! - by the month the case was **opened**: `opened`, `responded`, `responded_on_time`,
//!   `reopened`;
//! - by the month of its (latest) **resolution**: `resolved`, `resolved_on_time`,
//!   `median_resolution_minutes`, and the ratings (`rated`, `rating_sum`, `satisfied`): a
//!   rating is given on a resolution, so a rated case that is open again (reopened, no
//!   resolution month) is not counted until it is resolved again.
//!
//! Shares are `None` when there is nothing to divide by: show "—", never 0%. A case without
//! a rating is never counted as satisfied: satisfaction is `satisfied / rated`, and the
//! share of resolutions that were rated is given beside it.

use serde::Serialize;
use yingcai_domain::Month;
use yingcai_worktime::BeijingMinute;

/// What the figures need to know of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CaseFacts {
    /// The month the case was raised (Beijing time).
    pub opened_month: Month,
    /// `Some(on time?)` once responded ([`crate::Reading::met_on_time`] of the response
    /// clock).
    pub response_met: Option<bool>,
    /// `Some(on time?)` once resolved (of the resolution clock); `None` while open.
    pub resolution_met: Option<bool>,
    /// The month of the latest resolution; `None` while open.
    pub resolved_in_month: Option<Month>,
    /// The resolution clock's spent working minutes when resolved.
    pub resolution_minutes: Option<u64>,
    /// The requester's rating, 1 to 5 (anything else is ignored, as if unrated).
    pub rating: Option<u8>,
    /// Whether the case was ever reopened.
    pub reopened: bool,
    /// For open cases: calendar days since opened at 'now' ([`age_days`]); `None` when the
    /// case is resolved or closed.
    pub open_age_days: Option<u32>,
}

/// One month of a team's (or the province's) cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthFigures {
    /// The month (JSON: `YYYY-MM`).
    pub month: Month,
    /// Cases opened in the month.
    pub opened: u32,
    /// Of those, responded to (so far).
    pub responded: u32,
    /// Of those, responded to within the target.
    pub responded_on_time: u32,
    /// Cases whose latest resolution is in the month.
    pub resolved: u32,
    /// Of those, resolved within the target.
    pub resolved_on_time: u32,
    /// The middle resolution time of those (for an even count, the mean of the two middle
    /// ones, rounded down), in working minutes; `None` when none has one.
    pub median_resolution_minutes: Option<u64>,
    /// Resolutions of the month that were rated.
    pub rated: u32,
    /// The sum of their ratings.
    pub rating_sum: u32,
    /// Of those, rated 4 or 5.
    pub satisfied: u32,
    /// Cases opened in the month that were reopened at least once.
    pub reopened: u32,
}

fn percent(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) * 100.0 / f64::from(whole))
}

impl MonthFigures {
    fn empty(month: Month) -> MonthFigures {
        MonthFigures {
            month,
            opened: 0,
            responded: 0,
            responded_on_time: 0,
            resolved: 0,
            resolved_on_time: 0,
            median_resolution_minutes: None,
            rated: 0,
            rating_sum: 0,
            satisfied: 0,
            reopened: 0,
        }
    }

    /// `responded_on_time / responded`, in percent; `None` when nothing was responded to.
    pub fn on_time_response_percent(&self) -> Option<f64> {
        percent(self.responded_on_time, self.responded)
    }

    /// `resolved_on_time / resolved`, in percent; `None` when nothing was resolved.
    pub fn on_time_resolution_percent(&self) -> Option<f64> {
        percent(self.resolved_on_time, self.resolved)
    }

    /// `rating_sum / rated` (1 to 5); `None` when nothing was rated.
    pub fn mean_rating(&self) -> Option<f64> {
        (self.rated > 0).then(|| f64::from(self.rating_sum) / f64::from(self.rated))
    }

    /// `satisfied / rated`, in percent (unrated cases are not in it); `None` when nothing
    /// was rated.
    pub fn satisfaction_percent(&self) -> Option<f64> {
        percent(self.satisfied, self.rated)
    }

    /// `rated / resolved`, in percent: how much the satisfaction share rests on; `None`
    /// when nothing was resolved.
    pub fn rated_percent(&self) -> Option<f64> {
        percent(self.rated, self.resolved)
    }

    /// `reopened / opened`, in percent: the share of the month's cases reopened at least
    /// once; `None` when no case was opened.
    pub fn reopen_rate_percent(&self) -> Option<f64> {
        percent(self.reopened, self.opened)
    }
}

/// One [`MonthFigures`] per month that has any case opened or resolved in it, in month
/// order (see the module documentation for which month each figure counts in).
pub fn monthly(cases: &[CaseFacts]) -> Vec<MonthFigures> {
    let mut months: Vec<Month> = cases
        .iter()
        .flat_map(|c| [Some(c.opened_month), c.resolved_in_month])
        .flatten()
        .collect();
    months.sort_unstable();
    months.dedup();
    let mut figures: Vec<MonthFigures> = months.iter().map(|&m| MonthFigures::empty(m)).collect();
    let mut minutes: Vec<Vec<u64>> = vec![Vec::new(); months.len()];
    let add = |n: &mut u32, yes: bool| *n = n.saturating_add(u32::from(yes));
    for case in cases {
        if let Ok(i) = months.binary_search(&case.opened_month) {
            let f = &mut figures[i];
            add(&mut f.opened, true);
            add(&mut f.responded, case.response_met.is_some());
            add(&mut f.responded_on_time, case.response_met == Some(true));
            add(&mut f.reopened, case.reopened);
        }
        let Some(resolved) = case.resolved_in_month else {
            continue;
        };
        if let Ok(i) = months.binary_search(&resolved) {
            let f = &mut figures[i];
            add(&mut f.resolved, true);
            add(&mut f.resolved_on_time, case.resolution_met == Some(true));
            if let Some(m) = case.resolution_minutes {
                minutes[i].push(m);
            }
            if let Some(rating) = case.rating.filter(|r| (1..=5).contains(r)) {
                add(&mut f.rated, true);
                f.rating_sum = f.rating_sum.saturating_add(u32::from(rating));
                add(&mut f.satisfied, rating >= 4);
            }
        }
    }
    for (f, mut m) in figures.iter_mut().zip(minutes) {
        f.median_resolution_minutes = median(&mut m);
    }
    figures
}

fn median(values: &mut [u64]) -> Option<u64> {
    values.sort_unstable();
    let n = values.len();
    let upper = *values.get(n / 2)?;
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = values.get(n / 2 - 1).copied().unwrap_or(upper);
    // The mean without overflow, rounded down.
    Some(lower / 2 + upper / 2 + (lower % 2 + upper % 2) / 2)
}

/// Open cases by age in calendar days ([`CaseFacts::open_age_days`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Backlog {
    /// 0 or 1 day old (opened today or yesterday).
    pub under_2_days: u32,
    /// 2 to 4 days old.
    pub under_5_days: u32,
    /// 5 to 9 days old.
    pub under_10_days: u32,
    /// 10 days old or more.
    pub older: u32,
}

impl Backlog {
    /// All open cases.
    pub fn total(&self) -> u32 {
        self.under_2_days
            .saturating_add(self.under_5_days)
            .saturating_add(self.under_10_days)
            .saturating_add(self.older)
    }
}

/// Counts the open cases (those with an [`open_age_days`](CaseFacts::open_age_days)) into
/// age buckets; each open case is in exactly one.
pub fn backlog(cases: &[CaseFacts]) -> Backlog {
    let mut b = Backlog::default();
    for age in cases.iter().filter_map(|c| c.open_age_days) {
        let bucket = match age {
            0..2 => &mut b.under_2_days,
            2..5 => &mut b.under_5_days,
            5..10 => &mut b.under_10_days,
            _ => &mut b.older,
        };
        *bucket = bucket.saturating_add(1);
    }
    b
}

/// Calendar days from the Beijing date of `opened` to that of `now` (0 on the same day; 0
/// if `now` is earlier): a case opened at 16:00 yesterday is 1 day old this morning.
pub fn age_days(opened: BeijingMinute, now: BeijingMinute) -> u32 {
    let day = |m: BeijingMinute| i64::from(m.index()).div_euclid(1440);
    u32::try_from((day(now) - day(opened)).max(0)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test that cannot unwrap has failed")]
    use super::*;

    fn month(s: &str) -> Month {
        s.parse().unwrap()
    }

    fn opened(m: &str) -> CaseFacts {
        CaseFacts {
            opened_month: month(m),
            response_met: None,
            resolution_met: None,
            resolved_in_month: None,
            resolution_minutes: None,
            rating: None,
            reopened: false,
            open_age_days: Some(0),
        }
    }

    fn resolved(m: &str, r: &str, on_time: bool, minutes: u64, rating: Option<u8>) -> CaseFacts {
        CaseFacts {
            response_met: Some(true),
            resolution_met: Some(on_time),
            resolved_in_month: Some(month(r)),
            resolution_minutes: Some(minutes),
            rating,
            open_age_days: None,
            ..opened(m)
        }
    }

    #[test]
    fn response_counts_by_opened_month_and_resolution_by_resolved_month() {
        let cases = [
            CaseFacts {
                response_met: Some(false),
                ..opened("2026-03")
            },
            CaseFacts {
                response_met: Some(true),
                ..opened("2026-03")
            },
            opened("2026-03"),
            resolved("2026-03", "2026-04", true, 600, Some(5)),
            resolved("2026-04", "2026-04", false, 3000, Some(2)),
            resolved("2026-04", "2026-04", true, 100, None),
            CaseFacts {
                reopened: true,
                ..resolved("2026-04", "2026-06", true, 50, Some(4))
            },
        ];
        let figures = monthly(&cases);
        let months: Vec<String> = figures.iter().map(|f| f.month.to_string()).collect();
        assert_eq!(months, ["2026-03", "2026-04", "2026-06"]);
        let march = &figures[0];
        assert_eq!(
            (march.opened, march.responded, march.responded_on_time),
            (4, 3, 2)
        );
        assert_eq!((march.resolved, march.rated), (0, 0));
        assert_eq!(march.on_time_resolution_percent(), None);
        assert_eq!(march.median_resolution_minutes, None);
        assert_eq!(march.mean_rating(), None);
        assert_eq!(march.satisfaction_percent(), None);
        let third = march.on_time_response_percent().unwrap();
        assert!((third - 200.0 / 3.0).abs() < 1e-9);
        let april = &figures[1];
        assert_eq!((april.opened, april.reopened), (3, 1));
        assert_eq!((april.resolved, april.resolved_on_time), (3, 2));
        assert_eq!(april.median_resolution_minutes, Some(600));
        assert_eq!((april.rated, april.rating_sum, april.satisfied), (2, 7, 1));
        assert_eq!(april.mean_rating(), Some(3.5));
        assert_eq!(april.satisfaction_percent(), Some(50.0));
        let rated = april.rated_percent().unwrap();
        assert!((rated - 200.0 / 3.0).abs() < 1e-9);
        assert!((april.reopen_rate_percent().unwrap() - 100.0 / 3.0).abs() < 1e-9);
        let june = &figures[2];
        assert_eq!((june.opened, june.resolved, june.satisfied), (0, 1, 1));
        assert_eq!(june.on_time_response_percent(), None);
        assert_eq!(june.reopen_rate_percent(), None);
        assert_eq!(june.median_resolution_minutes, Some(50));
    }

    #[test]
    fn no_rating_is_not_satisfied() {
        let cases = [
            resolved("2026-05", "2026-05", true, 10, None),
            resolved("2026-05", "2026-05", true, 20, None),
            resolved("2026-05", "2026-05", true, 30, Some(4)),
            resolved("2026-05", "2026-05", true, 40, Some(0)),
            resolved("2026-05", "2026-05", true, 50, Some(9)),
        ];
        let may = &monthly(&cases)[0];
        assert_eq!((may.resolved, may.rated, may.satisfied), (5, 1, 1));
        assert_eq!(may.satisfaction_percent(), Some(100.0));
        assert_eq!(may.rated_percent(), Some(20.0));
        assert_eq!(may.median_resolution_minutes, Some(30));
        let unrated = [resolved("2026-05", "2026-05", true, 10, None)];
        let may = &monthly(&unrated)[0];
        assert_eq!(may.satisfaction_percent(), None);
        assert_eq!(may.rated_percent(), Some(0.0));
    }

    #[test]
    fn a_rated_case_open_again_waits_for_its_next_resolution() {
        let case = CaseFacts {
            rating: Some(5),
            reopened: true,
            open_age_days: Some(3),
            ..opened("2026-05")
        };
        let may = &monthly(&[case])[0];
        assert_eq!((may.opened, may.reopened, may.rated), (1, 1, 0));
    }

    #[test]
    fn medians_of_even_counts_are_the_mean_rounded_down() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7]), Some(7));
        assert_eq!(median(&mut [9, 1]), Some(5));
        assert_eq!(median(&mut [4, 1, 2, 9]), Some(3));
        assert_eq!(median(&mut [u64::MAX, u64::MAX]), Some(u64::MAX));
        assert_eq!(median(&mut [u64::MAX, u64::MAX - 1]), Some(u64::MAX - 1));
        assert_eq!(monthly(&[]), []);
    }

    #[test]
    fn open_cases_by_age() {
        let aged = |days| CaseFacts {
            open_age_days: Some(days),
            ..opened("2026-05")
        };
        let cases = [
            aged(0),
            aged(1),
            aged(2),
            aged(4),
            aged(5),
            aged(9),
            aged(10),
            aged(u32::MAX),
            resolved("2026-05", "2026-05", true, 1, None),
        ];
        let b = backlog(&cases);
        assert_eq!(
            b,
            Backlog {
                under_2_days: 2,
                under_5_days: 2,
                under_10_days: 2,
                older: 2
            }
        );
        assert_eq!(b.total(), 8);
    }

    #[test]
    fn age_is_counted_in_beijing_dates() {
        let m = |s: &str| s.parse::<BeijingMinute>().unwrap();
        assert_eq!(age_days(m("2026-05-11T16:00"), m("2026-05-11T23:59")), 0);
        assert_eq!(age_days(m("2026-05-11T23:59"), m("2026-05-12T00:00")), 1);
        assert_eq!(age_days(m("2026-05-11T16:00"), m("2026-05-21T09:00")), 10);
        assert_eq!(age_days(m("2026-05-11T16:00"), m("2026-05-01T09:00")), 0);
        assert_eq!(age_days(BeijingMinute::MIN, BeijingMinute::MAX), 109_937);
    }

    #[test]
    fn figures_serialise_for_the_web() {
        let json = serde_json::to_value(&monthly(&[opened("2026-05")])[0]).unwrap();
        assert_eq!(json["month"], "2026-05");
        assert_eq!(json["opened"], 1);
        assert_eq!(json["median_resolution_minutes"], serde_json::Value::Null);
        let json = serde_json::to_value(backlog(&[opened("2026-05")])).unwrap();
        assert_eq!(json["under_2_days"], 1);
    }
}
