//! The examples and edges of shared/data/working-time.md, one by one.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

use yingcai_domain::Date;
use yingcai_worktime::{
    BeijingMinute, CalendarDataError, WorkCalendar, WorkTimeError, WorkingHours,
};

fn t(s: &str) -> BeijingMinute {
    s.parse().unwrap()
}

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn due(start: &str, minutes: u64) -> String {
    WorkCalendar::builtin()
        .due(t(start), minutes)
        .unwrap()
        .to_string()
}

fn elapsed(start: &str, end: &str) -> u64 {
    WorkCalendar::builtin().elapsed(t(start), t(end)).unwrap()
}

#[test]
fn the_specs_example() {
    assert_eq!(due("2026-09-30T16:00", 61), "2026-10-08T09:01");
    assert_eq!(elapsed("2026-09-30T16:00", "2026-10-08T09:01"), 61);
}

#[test]
fn a_target_reached_at_the_end_of_a_period_is_due_then() {
    assert_eq!(due("2026-03-02T09:00", 180), "2026-03-02T12:00");
    assert_eq!(due("2026-03-02T09:00", 181), "2026-03-02T13:01");
    assert_eq!(due("2026-03-02T13:00", 240), "2026-03-02T17:00");
    assert_eq!(due("2026-03-02T09:00", 420), "2026-03-02T17:00");
    assert_eq!(due("2026-03-02T09:00", 421), "2026-03-03T09:01");
    assert_eq!(due("2026-03-02T11:59", 1), "2026-03-02T12:00");
    assert_eq!(due("2026-03-02T16:59", 1), "2026-03-02T17:00");
    // Friday 17:00 exactly, not Monday 09:00.
    assert_eq!(due("2026-03-06T16:00", 60), "2026-03-06T17:00");
}

#[test]
fn a_start_outside_working_time_waits_for_the_next_period() {
    assert_eq!(due("2026-03-02T12:30", 1), "2026-03-02T13:01");
    assert_eq!(due("2026-03-02T12:00", 1), "2026-03-02T13:01");
    assert_eq!(due("2026-03-02T17:30", 1), "2026-03-03T09:01");
    assert_eq!(due("2026-03-02T17:00", 60), "2026-03-03T10:00");
    assert_eq!(due("2026-03-02T08:00", 60), "2026-03-02T10:00");
    assert_eq!(due("2026-03-02T00:00", 420), "2026-03-02T17:00");
    // Friday evening to Monday.
    assert_eq!(due("2026-03-06T17:30", 1), "2026-03-09T09:01");
    assert_eq!(due("2026-03-07T10:00", 30), "2026-03-09T09:30");
    assert_eq!(elapsed("2026-03-02T12:30", "2026-03-02T13:00"), 0);
    assert_eq!(elapsed("2026-03-02T12:30", "2026-03-02T13:30"), 30);
    assert_eq!(elapsed("2026-03-02T08:00", "2026-03-02T18:00"), 420);
    assert_eq!(elapsed("2026-03-06T17:30", "2026-03-09T08:59"), 0);
}

#[test]
fn holidays_and_make_up_days() {
    let calendar = WorkCalendar::builtin();
    // A start on a holiday waits for its end.
    assert_eq!(due("2026-10-03T10:00", 1), "2026-10-08T09:01");
    assert_eq!(due("2025-10-01T09:00", 420), "2025-10-09T17:00");
    // Make-up Saturday and Sunday are working days.
    assert_eq!(due("2026-10-10T09:00", 60), "2026-10-10T10:00");
    assert_eq!(due("2026-10-09T16:30", 60), "2026-10-10T09:30");
    assert_eq!(due("2026-09-20T16:30", 60), "2026-09-21T09:30");
    assert_eq!(due("2026-09-19T16:30", 60), "2026-09-20T10:00");
    assert_eq!(due("2025-01-26T08:00", 1), "2025-01-26T09:01");
    for makeup in [
        "2025-01-26",
        "2025-02-08",
        "2025-04-27",
        "2025-09-28",
        "2025-10-11",
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ] {
        assert_eq!(calendar.is_working_day(d(makeup)), Ok(true), "{makeup}");
    }
    for off in [
        "2025-01-01",
        "2025-02-04",
        "2025-05-05",
        "2025-06-02",
        "2025-10-08",
        "2026-01-02",
        "2026-02-23",
        "2026-04-06",
        "2026-06-19",
        "2026-09-25",
        "2026-10-07",
        "2026-10-17",
        "2026-10-18",
    ] {
        assert_eq!(calendar.is_working_day(d(off)), Ok(false), "{off}");
    }
    assert_eq!(calendar.is_working_day(d("2026-10-16")), Ok(true));
    let spring = calendar.holiday_on(d("2026-02-20")).unwrap();
    assert_eq!(
        (spring.name_zh.as_str(), spring.name_en.as_str()),
        ("春节", "Spring Festival")
    );
    assert!(calendar.holiday_on(d("2026-02-24")).is_none());
    assert!(calendar.holiday_on(d("2027-01-01")).is_none());
}

#[test]
fn across_spring_festival_2026() {
    // Friday 02-13, make-up Saturday 02-14, nine days off, back on Tuesday 02-24.
    assert_eq!(due("2026-02-13T16:00", 120), "2026-02-14T10:00");
    assert_eq!(due("2026-02-14T16:00", 120), "2026-02-24T10:00");
    assert_eq!(due("2026-02-14T17:00", 1), "2026-02-24T09:01");
    assert_eq!(elapsed("2026-02-14T09:00", "2026-02-24T09:00"), 420);
    assert_eq!(
        elapsed("2026-02-13T09:00", "2026-02-28T17:00"),
        420 * 2 + 420 * 4 + 420
    );
}

#[test]
fn across_new_year_2025_to_2026() {
    // Wednesday 12-31, 01-01 to 01-03 off, make-up Sunday 01-04.
    assert_eq!(due("2025-12-31T16:00", 120), "2026-01-04T10:00");
    assert_eq!(due("2025-12-31T16:00", 60), "2025-12-31T17:00");
    assert_eq!(elapsed("2025-12-31T16:00", "2026-01-05T09:00"), 480);
    assert_eq!(elapsed("2025-12-31T23:59", "2026-01-04T08:00"), 0);
}

#[test]
fn zero_minutes_and_reversed_intervals() {
    assert_eq!(due("2026-10-03T03:00", 0), "2026-10-03T03:00");
    assert_eq!(due("2026-03-02T10:00", 0), "2026-03-02T10:00");
    assert_eq!(elapsed("2026-03-02T10:00", "2026-03-02T10:00"), 0);
    assert_eq!(elapsed("2026-03-03T10:00", "2026-03-02T10:00"), 0);
    assert_eq!(elapsed("2026-03-02T10:00", "2026-03-02T10:01"), 1);
}

fn not<T>(year: i32) -> Result<T, WorkTimeError> {
    Err(WorkTimeError::YearNotCovered(year))
}

#[test]
fn years_without_data_are_refused() {
    let calendar = WorkCalendar::builtin();
    assert_eq!(calendar.due(t("2027-01-04T09:00"), 1), not(2027));
    assert_eq!(calendar.due(t("2027-01-04T09:00"), 0), not(2027));
    assert_eq!(calendar.due(t("2024-12-31T09:00"), 1), not(2024));
    assert_eq!(calendar.due(t("2026-12-31T16:00"), 120), not(2027));
    assert_eq!(calendar.due(t("2026-12-31T16:00"), u64::MAX), not(2027));
    assert_eq!(
        calendar.due(t("2026-12-31T16:00"), 60),
        Ok(t("2026-12-31T17:00"))
    );
    assert_eq!(
        calendar.elapsed(t("2026-12-31T09:00"), t("2027-01-02T00:00")),
        not(2027)
    );
    assert_eq!(
        calendar.elapsed(t("2027-01-02T00:00"), t("2026-12-31T09:00")),
        not(2027)
    );
    assert_eq!(
        calendar.elapsed(t("1900-01-01T00:00"), t("2200-12-31T23:59")),
        not(1900)
    );
    assert_eq!(calendar.is_working_day(d("2027-01-04")), not(2027));
    assert_eq!(calendar.add_working_days(d("2026-12-31"), 1), not(2027));
    assert_eq!(calendar.add_working_days(d("2024-12-31"), 0), not(2024));
    assert_eq!(
        WorkTimeError::YearNotCovered(2027).to_string(),
        "the working-time calendar has no data for the year 2027 (its holidays and make-up days must be added first)"
    );
    // A gap between covered years is refused too.
    let mut years = calendar.years().to_vec();
    let mut later = years[1].clone();
    later.year = 2028;
    for h in &mut later.holidays {
        h.first = Date::new(2028, h.first.month(), h.first.day()).unwrap();
        h.last = Date::new(2028, h.last.month(), h.last.day()).unwrap();
        h.makeup.clear();
    }
    years.push(later);
    let gappy = WorkCalendar::new(years, WorkingHours::default()).unwrap();
    assert!(gappy.covers(2028) && !gappy.covers(2027));
    assert_eq!(gappy.due(t("2026-12-31T16:00"), 120), not(2027));
    assert_eq!(
        gappy.elapsed(t("2026-12-31T16:00"), t("2028-01-03T10:00")),
        not(2027)
    );
    assert_eq!(gappy.add_working_days(d("2026-12-31"), 5), not(2027));
    assert_eq!(
        gappy.due(t("2028-03-06T16:00"), 120),
        Ok(t("2028-03-07T10:00"))
    );
    assert_eq!(gappy.due(t("2028-12-29T16:00"), 120), not(2029));
    assert_eq!(
        gappy.due(t("2028-12-29T16:00"), 60),
        Ok(t("2028-12-29T17:00"))
    );
    // No data at all.
    let empty = WorkCalendar::new(Vec::new(), WorkingHours::default()).unwrap();
    assert_eq!(empty.due(t("2026-03-02T09:00"), 1), not(2026));
    assert_eq!(empty.add_working_days(d("2026-03-02"), 1), not(2026));
}

#[test]
fn working_days_for_public_notices() {
    let calendar = WorkCalendar::builtin();
    let add = |from: &str, n| calendar.add_working_days(d(from), n).unwrap().to_string();
    assert_eq!(add("2026-09-30", 0), "2026-09-30");
    assert_eq!(add("2026-10-03", 0), "2026-10-03");
    assert_eq!(add("2026-09-30", 1), "2026-10-08");
    assert_eq!(add("2026-09-30", 2), "2026-10-09");
    assert_eq!(add("2026-09-30", 3), "2026-10-10");
    assert_eq!(add("2026-09-30", 4), "2026-10-12");
    assert_eq!(add("2026-10-03", 1), "2026-10-08");
    assert_eq!(add("2025-12-26", 5), "2026-01-05");
    assert_eq!(add("2026-03-02", 5), "2026-03-09");
    assert_eq!(add("2026-12-24", 5), "2026-12-31");
}

#[test]
fn deadlines_at_the_end_of_the_nth_working_day() {
    let calendar = WorkCalendar::builtin();
    let end = |from: &str, n| {
        calendar
            .end_of_working_days(t(from), n)
            .unwrap()
            .to_string()
    };
    // The day of the start is not counted, whatever the hour.
    assert_eq!(end("2026-03-02T08:00", 1), "2026-03-03T17:00");
    assert_eq!(end("2026-03-02T23:59", 1), "2026-03-03T17:00");
    assert_eq!(end("2026-03-02T10:00", 5), "2026-03-09T17:00");
    // Before National Day: the holiday span is skipped, the make-up Saturday counts.
    assert_eq!(end("2026-09-30T16:00", 1), "2026-10-08T17:00");
    assert_eq!(end("2026-09-30T16:00", 3), "2026-10-10T17:00");
    // Before Spring Festival 2026: Saturday 02-14 is a working day, 02-15..02-23 are not.
    assert_eq!(end("2026-02-13T11:00", 1), "2026-02-14T17:00");
    assert_eq!(end("2026-02-13T11:00", 2), "2026-02-24T17:00");
    // Across the new year 2025 to 2026 (01-01..01-03 off, Sunday 01-04 worked).
    assert_eq!(end("2025-12-31T09:00", 1), "2026-01-04T17:00");
    assert_eq!(end("2026-03-02T10:00", 0), "2026-03-02T10:00");
    // The close of the day follows the configured hours.
    let late = calendar.with_hours(WorkingHours::parse(&["08:30-12:00", "14:30-18:00"]).unwrap());
    assert_eq!(
        late.end_of_working_days(t("2026-03-02T10:00"), 1),
        Ok(t("2026-03-03T18:00"))
    );
    // A deadline in a year without data is refused, never guessed.
    assert_eq!(
        calendar.end_of_working_days(t("2026-12-24T10:00"), 5),
        Ok(t("2026-12-31T17:00"))
    );
    assert_eq!(
        calendar.end_of_working_days(t("2026-12-24T10:00"), 6),
        not(2027)
    );
    assert_eq!(
        calendar.end_of_working_days(t("2027-01-04T10:00"), 0),
        not(2027)
    );
    assert_eq!(
        calendar.end_of_working_days(t("2024-12-31T10:00"), 1),
        not(2024)
    );
}

#[test]
fn a_clock_stops_while_paused() {
    let calendar = WorkCalendar::builtin();
    let start = t("2026-03-02T09:00");
    let now = t("2026-03-04T17:00");
    assert_eq!(calendar.clock(start, now, &[]), Ok(1260));
    let pauses = [
        // Overnight: 60 + 60 working minutes.
        (t("2026-03-02T16:00"), t("2026-03-03T10:00")),
        // Overlaps the first: only 10:00–11:00 more.
        (t("2026-03-03T09:30"), t("2026-03-03T11:00")),
        // Inside the first: nothing more.
        (t("2026-03-02T16:30"), t("2026-03-02T20:00")),
        // Began before the case: only 09:00–09:30 counts.
        (t("2026-03-01T00:00"), t("2026-03-02T09:30")),
        // After now, reversed, empty: nothing.
        (t("2026-03-05T09:00"), t("2026-03-05T12:00")),
        (t("2026-03-04T12:00"), t("2026-03-04T10:00")),
        (t("2026-03-04T10:00"), t("2026-03-04T10:00")),
    ];
    assert_eq!(calendar.clock(start, now, &pauses), Ok(1260 - 180 - 30));
    // A pause over a holiday costs nothing.
    assert_eq!(
        calendar.clock(
            t("2026-09-30T09:00"),
            t("2026-10-08T17:00"),
            &[(t("2026-10-01T00:00"), t("2026-10-08T00:00"))]
        ),
        Ok(840)
    );
    // Still paused: until = now.
    assert_eq!(
        calendar.clock(start, now, &[(t("2026-03-04T09:00"), now)]),
        Ok(840)
    );
    assert_eq!(calendar.clock(now, start, &pauses), Ok(0));
    assert_eq!(
        calendar.clock(start, t("2027-01-04T09:00"), &[]),
        Err(WorkTimeError::YearNotCovered(2027))
    );
}

#[test]
fn other_working_hours() {
    let calendar = WorkCalendar::builtin()
        .with_hours(WorkingHours::parse(&["08:30-12:00", "14:30-17:30"]).unwrap());
    assert_eq!(calendar.hours().minutes_per_day(), 390);
    assert_eq!(
        calendar.due(t("2026-03-02T12:00"), 1),
        Ok(t("2026-03-02T14:31"))
    );
    assert_eq!(
        calendar.due(t("2026-03-02T17:00"), 30),
        Ok(t("2026-03-02T17:30"))
    );
    assert_eq!(
        calendar.due(t("2026-03-02T17:00"), 31),
        Ok(t("2026-03-03T08:31"))
    );
    // Round the clock: a target reached at midnight is due at 00:00 the next day.
    let always = WorkCalendar::builtin().with_hours(WorkingHours::parse(&["00:00-24:00"]).unwrap());
    assert_eq!(
        always.due(t("2026-03-02T23:00"), 60),
        Ok(t("2026-03-03T00:00"))
    );
    assert_eq!(
        always.due(t("2026-03-06T23:00"), 61),
        Ok(t("2026-03-09T00:01"))
    );
    assert_eq!(
        always.due(t("2026-12-31T23:00"), 60),
        Ok(t("2027-01-01T00:00"))
    );
    assert_eq!(
        always.elapsed(t("2026-03-02T00:00"), t("2026-03-03T00:00")),
        Ok(1440)
    );
}

#[test]
fn the_data_file_round_trips_and_adding_a_year_is_data() {
    let builtin = WorkCalendar::builtin();
    assert_eq!(builtin.years().len(), 2);
    assert!(builtin.covers(2025) && builtin.covers(2026) && !builtin.covers(2027));
    assert_eq!(builtin.years()[1].holidays.len(), 7);
    assert_eq!(builtin.hours(), &WorkingHours::default());
    let written = builtin.to_toml();
    assert_eq!(WorkCalendar::from_toml(&written).unwrap(), builtin);
    let next = format!(
        "{}\n[[year]]\nyear = 2027\n\n[[year.holiday]]\nzh = \"元旦\"\nen = \"New Year's Day\"\nfrom = \"2027-01-01\"\n",
        WorkCalendar::builtin_toml()
    );
    let extended = WorkCalendar::from_toml(&next).unwrap();
    assert!(extended.covers(2027));
    assert_eq!(
        extended.due(t("2026-12-31T16:00"), 120),
        Ok(t("2027-01-04T10:00"))
    );
    let no_hours = WorkCalendar::from_toml("[[year]]\nyear = 2026\n").unwrap();
    assert_eq!(no_hours.hours(), &WorkingHours::default());
    assert_eq!(no_hours.is_working_day(d("2026-10-01")), Ok(true));
}

fn refused(text: &str) -> CalendarDataError {
    WorkCalendar::from_toml(text).unwrap_err()
}

fn holiday(year: i16, from: &str, to: &str, makeup: &str) -> String {
    format!(
        "[[year]]\nyear = {year}\n[[year.holiday]]\nzh = \"节\"\nen = \"Feast\"\nfrom = \"{from}\"\nto = \"{to}\"\nmakeup = [{makeup}]\n"
    )
}

#[test]
fn bad_data_is_refused_with_the_year_and_field() {
    let e = refused(&holiday(2026, "2026-10-01", "2026-10-07", "\"2026-10-12\""));
    assert_eq!(
        e.to_string(),
        "year 2026, holiday \"Feast\": the make-up working day 2026-10-12 is a Monday, not a Saturday or Sunday"
    );
    assert!(matches!(
        refused(&holiday(2026, "2026-10-01", "2026-10-07", "\"2026-10-03\"")),
        CalendarDataError::MakeUpOnHoliday { .. }
    ));
    assert!(matches!(
        refused(&holiday(
            2026,
            "2026-10-01",
            "2026-10-07",
            "\"2026-10-10\", \"2026-10-10\""
        )),
        CalendarDataError::MakeUpRepeated { .. }
    ));
    assert!(matches!(
        refused(&holiday(2026, "2026-10-07", "2026-10-01", "")),
        CalendarDataError::HolidayReversed { .. }
    ));
    assert!(matches!(
        refused(&holiday(2026, "2025-12-31", "2026-01-02", "")),
        CalendarDataError::OutsideYear { .. }
    ));
    assert!(matches!(
        refused(&holiday(2026, "2026-10-01", "2026-10-07", "\"2027-01-02\"")),
        CalendarDataError::OutsideYear { .. }
    ));
    let overlap = format!(
        "{}[[year.holiday]]\nzh = \"节\"\nen = \"Other\"\nfrom = \"2026-10-07\"\n",
        holiday(2026, "2026-10-01", "2026-10-07", "")
    );
    assert_eq!(
        refused(&overlap).to_string(),
        "year 2026: the holidays \"Feast\" and \"Other\" overlap"
    );
    let twice = format!(
        "{}{}",
        holiday(2026, "2026-10-01", "2026-10-07", ""),
        holiday(2026, "2026-05-01", "2026-05-05", "")
    );
    assert_eq!(refused(&twice), CalendarDataError::YearRepeated(2026));
    assert_eq!(
        refused("[[year]]\nyear = 2201\n"),
        CalendarDataError::YearOutOfRange(2201)
    );
    assert!(matches!(
        refused(
            "[[year]]\nyear = 2026\n[[year.holiday]]\nzh = \"\"\nen = \"Feast\"\nfrom = \"2026-10-01\"\n"
        ),
        CalendarDataError::NameMissing {
            year: 2026,
            index: 1
        }
    ));
    assert!(matches!(
        refused("hours = [\"13:00-17:00\", \"09:00-12:00\"]\n"),
        CalendarDataError::Hours(_)
    ));
    assert!(matches!(
        refused("hours = []\n"),
        CalendarDataError::Hours(_)
    ));
    // Shape errors name the line and the field.
    for (text, needle) in [
        (
            "[[year]]\nyear = 2026\n[[year.holiday]]\nzh = \"节\"\nen = \"F\"\nfrom = \"2026-02-30\"\n",
            "from",
        ),
        ("[[year]]\nyear = 2026\nholidays = []\n", "holidays"),
        ("[[year]]\nyear = \"2026\"\n", "year"),
        ("[[year]]\nyear = 99999\n", "year"),
        ("year = [", "line 1"),
    ] {
        let message = refused(text).to_string();
        assert!(message.contains(needle), "{message}");
        assert!(message.contains("line"), "{message}");
    }
}
