//! The clocks against a naive reference that walks minute by minute: a minute counts when
//! its day is a working day (`WorkCalendar::is_working_day`), it lies in 09:00–12:00 or
//! 13:00–17:00, and no pause covers it (before the stop, or now); the due instant is the
//! end of the minute with which the count reaches the target. Random timelines in 2025–2026.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

use std::cell::RefCell;
use std::collections::HashMap;

use proptest::prelude::*;
use yingcai_casedesk::{ClockState, Reading, Standing, Timeline, read};
use yingcai_worktime::{BeijingMinute, WorkCalendar};

const DAY: i64 = 1440;

struct Naive {
    calendar: WorkCalendar,
    days: RefCell<HashMap<i64, bool>>,
}

impl Naive {
    fn working(&self, m: BeijingMinute) -> bool {
        let index = i64::from(m.index());
        let of_day = index.rem_euclid(DAY);
        if !((540..720).contains(&of_day) || (780..1020).contains(&of_day)) {
            return false;
        }
        *self
            .days
            .borrow_mut()
            .entry(index.div_euclid(DAY))
            .or_insert_with(|| self.calendar.is_working_day(m.date()).unwrap())
    }

    /// One clock, as the module documentation defines it, minute by minute.
    fn reading(
        &self,
        opened: BeijingMinute,
        stop: Option<BeijingMinute>,
        pauses: &[(BeijingMinute, Option<BeijingMinute>)],
        target: u64,
        now: BeijingMinute,
        warn: u8,
    ) -> Reading {
        let end = stop.unwrap_or(now);
        let paused = |m: BeijingMinute| {
            pauses
                .iter()
                .any(|&(from, until)| from <= m && m < until.unwrap_or(end))
        };
        // Before the end pauses apply; after it (a running clock's future) none do.
        let counts = |m: BeijingMinute| self.working(m) && (m >= end || !paused(m));
        let mut spent = 0u64;
        let mut m = opened;
        while m < end {
            spent += u64::from(counts(m));
            m = m.plus_minutes(1).unwrap();
        }
        let reached = |limit: Option<BeijingMinute>| {
            if target == 0 {
                return Some(opened);
            }
            let mut count = 0;
            let mut m = opened;
            loop {
                if limit.is_some_and(|limit| m >= limit) {
                    return None;
                }
                count += u64::from(counts(m));
                m = m.plus_minutes(1).unwrap();
                if count == target {
                    return Some(m);
                }
            }
        };
        let state = if stop.is_some() {
            ClockState::Met
        } else if pauses
            .iter()
            .any(|&(from, until)| from <= now && until.is_none_or(|u| now < u))
        {
            ClockState::Paused
        } else {
            ClockState::Running
        };
        let by_end = reached(Some(end));
        let due = match state {
            ClockState::Met => None,
            ClockState::Paused => by_end,
            ClockState::Running => reached(None),
        };
        let standing = match state {
            ClockState::Met => match by_end {
                Some(r) if end > r => Standing::MetLate,
                _ => Standing::MetOnTime,
            },
            _ => match by_end {
                Some(r) if now > r => Standing::Breached,
                _ if u128::from(spent) * 100 >= u128::from(target) * u128::from(warn) => {
                    Standing::DueSoon
                }
                _ => Standing::OnTrack,
            },
        };
        Reading {
            spent,
            target,
            remaining: target as i64 - spent as i64,
            due,
            state,
            standing,
        }
    }
}

fn naive() -> Naive {
    Naive {
        calendar: WorkCalendar::builtin(),
        days: RefCell::new(HashMap::new()),
    }
}

fn minute(index: i64) -> BeijingMinute {
    BeijingMinute::from_index(index).unwrap()
}

fn first() -> i64 {
    i64::from("2025-01-01T00:00".parse::<BeijingMinute>().unwrap().index())
}

fn last() -> i64 {
    i64::from("2026-09-30T23:59".parse::<BeijingMinute>().unwrap().index())
}

/// Offsets from the opening: mostly in working hours' neighbourhood, sometimes exactly on
/// the hour (12:00, 17:00 boundaries come from whole hours).
fn offset(max_days: i64) -> impl Strategy<Value = i64> {
    prop_oneof![
        -DAY..max_days * DAY,
        (-1..max_days * 24).prop_map(|h| h * 60),
    ]
}

type Pause = (i64, Option<i64>);

fn pauses() -> impl Strategy<Value = Vec<Pause>> {
    proptest::collection::vec(
        (
            offset(12),
            proptest::option::weighted(
                0.8,
                prop_oneof![-60i64..10 * DAY, (0i64..240).prop_map(|h| h * 60)],
            ),
        )
            .prop_map(|(from, len)| (from, len.map(|l| from + l))),
        0..5,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn the_clocks_match_a_minute_by_minute_walk(
        // A day after the first covered minute: offsets reach a day before the opening.
        opened in first() + DAY..=last(),
        on_the_hour in any::<bool>(),
        now in offset(12),
        response in proptest::option::of(offset(12)),
        resolved in proptest::option::of(offset(12)),
        pauses in pauses(),
        response_target in prop_oneof![0u64..600, 0u64..3000],
        resolution_target in 0u64..4000,
        warn in prop_oneof![Just(80u8), any::<u8>()],
        pick in 0usize..16,
    ) {
        let opened = if on_the_hour { opened - opened.rem_euclid(60) } else { opened };
        let timeline = Timeline {
            opened: minute(opened),
            first_response: response.map(|r| minute(opened + r)),
            resolved: resolved.map(|r| minute(opened + r)),
            pauses: pauses
                .iter()
                .map(|&(from, until)| (minute(opened + from), until.map(|u| minute(opened + u))))
                .collect(),
            response_target,
            resolution_target,
        };
        // Sometimes read exactly at a pause's start or end.
        let now = match (pick, pauses.get(pick % 8 / 2)) {
            (0..8, Some(&(from, _))) if pick % 2 == 0 => from,
            (0..8, Some(&(_, Some(until)))) => until,
            _ => now,
        };
        let now = minute(opened + now);
        let naive = naive();
        let check = |now: BeijingMinute| -> Result<yingcai_casedesk::Clocks, TestCaseError> {
            let clocks = read(&timeline, &naive.calendar, now, warn).unwrap();
            let expected = naive.reading(
                timeline.opened,
                timeline.first_response,
                &timeline.pauses,
                response_target,
                now,
                warn,
            );
            prop_assert_eq!(clocks.response, expected, "response at {}", now);
            let expected = naive.reading(
                timeline.opened,
                timeline.resolved,
                &timeline.pauses,
                resolution_target,
                now,
                warn,
            );
            prop_assert_eq!(clocks.resolution, expected, "resolution at {}", now);
            Ok(clocks)
        };
        let clocks = check(now)?;
        // And exactly at, and a minute after, each due instant.
        for due in [clocks.response.due, clocks.resolution.due].into_iter().flatten() {
            check(due)?;
            check(due.plus_minutes(1).unwrap())?;
        }
        // The target never changes what was spent.
        let mut other = timeline.clone();
        other.response_target = response_target / 2 + 7;
        other.resolution_target = resolution_target.saturating_mul(3);
        let again = read(&other, &naive.calendar, now, warn).unwrap();
        prop_assert_eq!(again.response.spent, clocks.response.spent);
        prop_assert_eq!(again.resolution.spent, clocks.resolution.spent);
    }
}

fn any_minute() -> impl Strategy<Value = BeijingMinute> {
    prop_oneof![
        (i64::from(BeijingMinute::MIN.index())..=i64::from(BeijingMinute::MAX.index()))
            .prop_map(minute),
        (first() - 10 * DAY..last() + 200 * DAY).prop_map(minute),
    ]
}

proptest! {
    #[test]
    fn any_timeline_reads_or_is_refused_without_panicking(
        opened in any_minute(),
        now in any_minute(),
        first_response in proptest::option::of(any_minute()),
        resolved in proptest::option::of(any_minute()),
        pauses in proptest::collection::vec((any_minute(), proptest::option::of(any_minute())), 0..4),
        response_target in any::<u64>(),
        resolution_target in prop_oneof![any::<u64>(), 0u64..5000],
        warn in any::<u8>(),
    ) {
        let timeline = Timeline {
            opened,
            first_response,
            resolved,
            pauses,
            response_target,
            resolution_target,
        };
        if let Ok(clocks) = read(&timeline, &WorkCalendar::builtin(), now, warn) {
            for r in [clocks.response, clocks.resolution] {
                prop_assert_eq!(i128::from(r.remaining), (i128::from(r.target) - i128::from(r.spent)).clamp(i128::from(i64::MIN), i128::from(i64::MAX)));
                prop_assert_eq!(r.due.is_none(), r.state == ClockState::Met || (r.state == ClockState::Paused && r.spent < r.target));
            }
        }
    }

    #[test]
    fn any_texts_compare_without_panicking(a in "\\PC{0,40}", b in "\\PC{0,40}") {
        let score = yingcai_casedesk::similarity(&a, &b);
        prop_assert!((0.0..=1.0).contains(&score));
        prop_assert_eq!(score, yingcai_casedesk::similarity(&b, &a));
    }
}
