//! The service clocks at the edges: the ends of working periods, holidays and make-up days,
//! pauses over nights and holidays, reopens, changed targets and years without data.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

use yingcai_casedesk::{ClockState, Clocks, Reading, Standing, Timeline, read};
use yingcai_worktime::{BeijingMinute, WorkCalendar, WorkTimeError};

fn t(s: &str) -> BeijingMinute {
    s.parse().unwrap()
}

fn case(opened: &str, response_target: u64, resolution_target: u64) -> Timeline {
    Timeline {
        opened: t(opened),
        first_response: None,
        resolved: None,
        pauses: Vec::new(),
        response_target,
        resolution_target,
    }
}

fn at(timeline: &Timeline, now: &str) -> Clocks {
    read(timeline, &WorkCalendar::builtin(), t(now), 80).unwrap()
}

fn response(timeline: &Timeline, now: &str) -> Reading {
    at(timeline, now).response
}

fn due(r: &Reading) -> String {
    r.due.map(|d| d.to_string()).unwrap_or_default()
}

#[test]
fn across_national_day() {
    let c = case("2026-09-30T16:00", 61, 420);
    let r = response(&c, "2026-09-30T17:00");
    assert_eq!(
        (r.spent, r.remaining, r.state),
        (60, 1, ClockState::Running)
    );
    assert_eq!(due(&r), "2026-10-08T09:01");
    assert_eq!(r.standing, Standing::DueSoon);
    // Mid-holiday: nothing counts, the forecast stands.
    let r = response(&c, "2026-10-03T11:00");
    assert_eq!((r.spent, due(&r).as_str()), (60, "2026-10-08T09:01"));
    // At the due instant: due soon, not yet breached.
    let r = response(&c, "2026-10-08T09:01");
    assert_eq!((r.spent, r.remaining), (61, 0));
    assert_eq!(r.standing, Standing::DueSoon);
    assert_eq!(due(&r), "2026-10-08T09:01");
    // A minute later: breached, and the due instant stays where it was.
    let r = response(&c, "2026-10-08T09:02");
    assert_eq!((r.spent, r.remaining), (62, -1));
    assert_eq!(r.standing, Standing::Breached);
    assert_eq!(due(&r), "2026-10-08T09:01");

    let replied = |when: &str| {
        let mut c = c.clone();
        c.first_response = Some(t(when));
        response(&c, "2026-10-20T10:00")
    };
    let r = replied("2026-10-08T09:01");
    assert_eq!(
        (r.spent, r.state, r.standing, r.due),
        (61, ClockState::Met, Standing::MetOnTime, None)
    );
    assert_eq!(r.met_on_time(), Some(true));
    let r = replied("2026-10-08T09:02");
    assert_eq!((r.spent, r.standing), (62, Standing::MetLate));
    assert_eq!(r.met_on_time(), Some(false));
}

#[test]
fn a_target_reached_at_noon_is_due_at_noon() {
    let c = case("2026-03-02T09:00", 180, 420);
    let r = response(&c, "2026-03-02T11:59");
    assert_eq!((r.spent, r.standing), (179, Standing::DueSoon));
    assert_eq!(due(&r), "2026-03-02T12:00");
    let r = response(&c, "2026-03-02T12:00");
    assert_eq!((r.spent, r.standing), (180, Standing::DueSoon));
    assert_eq!(due(&r), "2026-03-02T12:00");
    // Lunch: no working minute has passed since, but the deadline has.
    let r = response(&c, "2026-03-02T12:30");
    assert_eq!(
        (r.spent, r.remaining, r.standing),
        (180, 0, Standing::Breached)
    );
    assert_eq!(due(&r), "2026-03-02T12:00");
    let r = response(&c, "2026-03-02T13:01");
    assert_eq!((r.spent, r.standing), (181, Standing::Breached));

    let mut replied = c.clone();
    replied.first_response = Some(t("2026-03-02T12:00"));
    assert_eq!(
        response(&replied, "2026-03-02T15:00").standing,
        Standing::MetOnTime
    );
    replied.first_response = Some(t("2026-03-02T12:30"));
    let r = response(&replied, "2026-03-02T15:00");
    assert_eq!((r.spent, r.standing), (180, Standing::MetLate));

    // One minute more is due after lunch.
    let c = case("2026-03-02T09:00", 181, 420);
    assert_eq!(due(&response(&c, "2026-03-02T12:30")), "2026-03-02T13:01");
    assert_eq!(response(&c, "2026-03-02T12:30").standing, Standing::DueSoon);
}

#[test]
fn a_target_reached_at_five_is_due_at_five_not_monday() {
    // Friday 2026-03-06.
    let c = case("2026-03-06T16:00", 60, 420);
    let r = response(&c, "2026-03-06T16:30");
    assert_eq!(due(&r), "2026-03-06T17:00");
    let r = response(&c, "2026-03-06T17:00");
    assert_eq!((r.spent, r.standing), (60, Standing::DueSoon));
    let r = response(&c, "2026-03-07T10:00");
    assert_eq!((r.spent, r.standing), (60, Standing::Breached));
    let r = response(&c, "2026-03-09T09:00");
    assert_eq!((r.spent, r.standing), (60, Standing::Breached));
    // The resolution clock: a working day of 420 minutes, due at 17:00 on Monday.
    let r = at(&c, "2026-03-06T16:30").resolution;
    assert_eq!(due(&r), "2026-03-09T16:00");
    assert_eq!(r.standing, Standing::OnTrack);
}

#[test]
fn make_up_saturdays_count_and_the_spring_festival_does_not() {
    // Friday 13 February to the make-up Saturday 14 February.
    let c = case("2026-02-13T16:00", 120, 420);
    assert_eq!(due(&response(&c, "2026-02-13T16:00")), "2026-02-14T10:00");
    let r = response(&c, "2026-02-14T10:00");
    assert_eq!((r.spent, r.standing), (120, Standing::DueSoon));
    // From the make-up Saturday over the festival (15 to 23 February).
    let c = case("2026-02-14T16:00", 61, 420);
    let r = response(&c, "2026-02-20T10:00");
    assert_eq!((r.spent, due(&r).as_str()), (60, "2026-02-24T09:01"));
    assert_eq!(r.standing, Standing::DueSoon);
    // The make-up Saturday 28 February.
    let c = case("2026-02-27T16:30", 60, 420);
    assert_eq!(due(&response(&c, "2026-02-27T16:30")), "2026-02-28T09:30");
    // An ordinary Saturday does not count.
    let c = case("2026-03-06T16:30", 60, 420);
    assert_eq!(due(&response(&c, "2026-03-06T16:30")), "2026-03-09T09:30");
    assert_eq!(response(&c, "2026-03-07T12:00").spent, 30);
}

#[test]
fn pauses_over_nights_and_holidays() {
    let mut c = case("2026-09-29T09:00", 240, 840);
    // Waiting on the requester from 10:00 on the 29th over National Day to 11:00 on 9 October.
    c.pauses = vec![(t("2026-09-29T10:00"), Some(t("2026-10-09T11:00")))];
    let clocks = at(&c, "2026-10-09T12:00");
    assert_eq!(clocks.response.spent, 120);
    assert_eq!(clocks.resolution.spent, 120);
    assert_eq!(clocks.response.state, ClockState::Running);
    assert_eq!(due(&clocks.response), "2026-10-09T15:00");
    assert_eq!(due(&clocks.resolution), "2026-10-12T10:00");

    // Still paused: no forecast, the count stands still.
    c.pauses = vec![(t("2026-09-29T10:00"), None)];
    let clocks = at(&c, "2026-10-09T12:00");
    assert_eq!(clocks.response.spent, 60);
    assert_eq!(clocks.response.state, ClockState::Paused);
    assert_eq!(clocks.response.due, None);
    assert_eq!(clocks.response.standing, Standing::OnTrack);

    // Overlapping and reversed pauses count once / not at all; the pause starts at the
    // opening's time, before the opening counts nothing.
    c.pauses = vec![
        (t("2026-09-28T09:00"), Some(t("2026-09-29T09:30"))),
        (t("2026-09-29T10:00"), Some(t("2026-09-29T11:00"))),
        (t("2026-09-29T10:30"), Some(t("2026-09-29T13:30"))),
        (t("2026-09-29T16:00"), Some(t("2026-09-29T15:00"))),
    ];
    let r = response(&c, "2026-09-29T17:00");
    // 09:30-10:00 and 13:30-17:00.
    assert_eq!(r.spent, 30 + 210);
    assert_eq!(r.state, ClockState::Running);
    let clock = WorkCalendar::builtin()
        .clock(
            t("2026-09-29T09:00"),
            t("2026-09-29T17:00"),
            &[
                (t("2026-09-28T09:00"), t("2026-09-29T09:30")),
                (t("2026-09-29T10:00"), t("2026-09-29T11:00")),
                (t("2026-09-29T10:30"), t("2026-09-29T13:30")),
            ],
        )
        .unwrap();
    assert_eq!(r.spent, clock);
}

#[test]
fn a_clock_that_reached_its_target_before_a_pause_is_breached_while_paused() {
    let mut c = case("2026-03-02T09:00", 60, 420);
    c.pauses = vec![(t("2026-03-02T11:00"), None)];
    let r = response(&c, "2026-03-02T11:00");
    assert_eq!((r.spent, r.state), (120, ClockState::Paused));
    assert_eq!(due(&r), "2026-03-02T10:00");
    assert_eq!(r.standing, Standing::Breached);
    // Paused at the very minute the target is reached: due soon while now is that minute.
    c.pauses = vec![(t("2026-03-02T10:00"), None)];
    let r = response(&c, "2026-03-02T10:00");
    assert_eq!(
        (r.spent, r.state, r.standing),
        (60, ClockState::Paused, Standing::DueSoon)
    );
    let r = response(&c, "2026-03-02T10:01");
    assert_eq!(
        (r.spent, r.state, r.standing),
        (60, ClockState::Paused, Standing::Breached)
    );
    assert_eq!(due(&r), "2026-03-02T10:00");
}

#[test]
fn the_due_instant_of_a_breach_skips_the_pauses_before_it() {
    let mut c = case("2026-03-02T09:00", 120, 420);
    c.pauses = vec![
        (t("2026-03-02T09:30"), Some(t("2026-03-02T14:00"))),
        (t("2026-03-02T14:30"), Some(t("2026-03-03T10:00"))),
    ];
    // 30 + 30 by 14:30, then 60 more from 10:00 the next day.
    let r = response(&c, "2026-03-03T15:00");
    assert_eq!(r.spent, 30 + 30 + 120 + 120);
    assert_eq!(due(&r), "2026-03-03T11:00");
    assert_eq!(r.standing, Standing::Breached);
}

#[test]
fn a_reopen_restarts_the_resolution_clock_from_where_it_stopped() {
    let mut c = case("2026-03-02T09:00", 60, 600);
    c.first_response = Some(t("2026-03-02T09:20"));
    c.resolved = Some(t("2026-03-02T15:00"));
    c.pauses = vec![(t("2026-03-02T15:00"), None)];
    let clocks = at(&c, "2026-03-04T10:00");
    assert_eq!(
        (clocks.resolution.spent, clocks.resolution.state),
        (300, ClockState::Met)
    );
    assert_eq!(clocks.resolution.standing, Standing::MetOnTime);
    assert_eq!(
        (clocks.response.spent, clocks.response.standing),
        (20, Standing::MetOnTime)
    );
    // Reopened on the 4th at 10:00: the time in between is a pause.
    c.resolved = None;
    c.pauses = vec![(t("2026-03-02T15:00"), Some(t("2026-03-04T10:00")))];
    let clocks = at(&c, "2026-03-04T11:00");
    assert_eq!(
        (clocks.resolution.spent, clocks.resolution.state),
        (360, ClockState::Running)
    );
    assert_eq!(due(&clocks.resolution), "2026-03-04T16:00");
    // The response clock stopped before, unaffected.
    assert_eq!(clocks.response.spent, 20);
}

#[test]
fn a_changed_target_keeps_the_time_already_spent() {
    let mut c = case("2026-03-02T09:00", 60, 420);
    c.pauses = vec![(t("2026-03-02T10:00"), Some(t("2026-03-02T14:00")))];
    let before = response(&c, "2026-03-03T09:30");
    c.response_target = 2000;
    let after = response(&c, "2026-03-03T09:30");
    assert_eq!(before.spent, after.spent);
    assert_eq!(before.spent, 60 + 180 + 30);
    assert_eq!(before.standing, Standing::Breached);
    assert_eq!(after.standing, Standing::OnTrack);
    assert_eq!(after.remaining, 2000 - 270);
    c.response_target = 0;
    let zero = response(&c, "2026-03-03T09:30");
    assert_eq!((zero.spent, zero.standing), (270, Standing::Breached));
    assert_eq!(due(&zero), "2026-03-02T09:00");
}

#[test]
fn warnings_start_at_the_warning_share() {
    let c = case("2026-03-02T09:00", 100, 420);
    let calendar = WorkCalendar::builtin();
    let standing =
        |now: &str, warn: u8| read(&c, &calendar, t(now), warn).unwrap().response.standing;
    assert_eq!(standing("2026-03-02T10:19", 80), Standing::OnTrack);
    assert_eq!(standing("2026-03-02T10:20", 80), Standing::DueSoon);
    assert_eq!(standing("2026-03-02T10:40", 80), Standing::DueSoon);
    assert_eq!(standing("2026-03-02T10:41", 80), Standing::Breached);
    assert_eq!(standing("2026-03-02T09:00", 0), Standing::DueSoon);
    assert_eq!(standing("2026-03-02T10:40", 255), Standing::OnTrack);
    assert_eq!(standing("2026-03-02T10:39", 100), Standing::OnTrack);
}

#[test]
fn odd_timelines_read_without_panicking() {
    let calendar = WorkCalendar::builtin();
    // Read before the opening: nothing spent, due counted from the opening.
    let c = case("2026-03-02T09:00", 60, u64::MAX);
    let r = read(&c, &calendar, t("2026-03-01T09:00"), 80);
    assert_eq!(r, Err(WorkTimeError::YearNotCovered(2027)));
    let c = case("2026-03-02T09:00", 60, 420);
    let r = response(&c, "2026-03-01T09:00");
    assert_eq!((r.spent, due(&r).as_str()), (0, "2026-03-02T10:00"));
    // A reply recorded before the opening, and a huge target met.
    let mut c = case("2026-03-02T09:00", u64::MAX, 420);
    c.first_response = Some(t("2026-03-01T09:00"));
    let r = response(&c, "2026-03-02T10:00");
    assert_eq!(
        (r.spent, r.remaining, r.standing),
        (0, i64::MAX, Standing::MetOnTime)
    );
}

#[test]
fn years_without_calendar_data_are_refused() {
    let calendar = WorkCalendar::builtin();
    let c = case("2027-01-04T09:00", 60, 420);
    assert_eq!(
        read(&c, &calendar, t("2027-01-04T10:00"), 80),
        Err(WorkTimeError::YearNotCovered(2027))
    );
    let c = case("2024-12-30T09:00", 60, 420);
    assert_eq!(
        read(&c, &calendar, t("2025-01-02T10:00"), 80),
        Err(WorkTimeError::YearNotCovered(2024))
    );
    // Within 2026, but the forecast runs into 2027.
    let c = case("2026-12-31T09:00", 60, 840);
    assert_eq!(
        read(&c, &calendar, t("2026-12-31T09:30"), 80),
        Err(WorkTimeError::YearNotCovered(2027))
    );
    // Read in 2027, even while paused since 2026.
    let mut c = case("2026-12-30T09:00", 60, 840);
    c.pauses = vec![(t("2026-12-30T09:30"), None)];
    assert_eq!(
        read(&c, &calendar, t("2027-01-05T09:30"), 80),
        Err(WorkTimeError::YearNotCovered(2027))
    );
    // Both clocks stopped in 2026: readable in 2027.
    c.first_response = Some(t("2026-12-30T09:10"));
    c.resolved = Some(t("2026-12-31T09:10"));
    let clocks = read(&c, &calendar, t("2027-01-05T09:30"), 80).unwrap();
    assert_eq!((clocks.response.spent, clocks.resolution.spent), (10, 30));
}

#[test]
fn readings_serialise_for_the_web() {
    let c = case("2026-09-30T16:00", 61, 420);
    let json = serde_json::to_value(at(&c, "2026-10-08T09:02")).unwrap();
    assert_eq!(
        json["response"],
        serde_json::json!({
            "spent": 62,
            "target": 61,
            "remaining": -1,
            "due": "2026-10-08T09:01",
            "state": "running",
            "standing": "breached",
        })
    );
    let mut c = c;
    c.resolved = Some(t("2026-10-08T09:02"));
    let json = serde_json::to_value(at(&c, "2026-10-08T09:02")).unwrap();
    assert_eq!(json["resolution"]["due"], serde_json::Value::Null);
    assert_eq!(json["resolution"]["state"], "met");
    assert_eq!(json["resolution"]["standing"], "met_on_time");
    assert_eq!(serde_json::to_value(Standing::DueSoon).unwrap(), "due_soon");
    assert_eq!(serde_json::to_value(Standing::MetLate).unwrap(), "met_late");
    assert_eq!(serde_json::to_value(ClockState::Paused).unwrap(), "paused");
}
