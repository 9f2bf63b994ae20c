//! The calendar's answers against a naive reference that walks minute by minute over the
//! spec's table (typed in again here, and read with jiff, not with the crate's tables).
//!
//! The `#[ignore]`d test checks a sample of a `yingcai sla clock` output file:
//! `SLA_CASES=cases.csv SLA_OUT=out.csv cargo test --release -p yingcai-worktime --test reference -- --ignored`

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

use std::collections::HashSet;
use std::sync::OnceLock;

use jiff::civil::{Date as JDate, Weekday};
use proptest::prelude::*;
use yingcai_worktime::{BeijingMinute, WorkCalendar, WorkTimeError};

/// Days off and make-up days of shared/data/working-time.md, 2025 and 2026.
const OFF: &[(&str, &str)] = &[
    ("2025-01-01", "2025-01-01"),
    ("2025-01-28", "2025-02-04"),
    ("2025-04-04", "2025-04-06"),
    ("2025-05-01", "2025-05-05"),
    ("2025-05-31", "2025-06-02"),
    ("2025-10-01", "2025-10-08"),
    ("2026-01-01", "2026-01-03"),
    ("2026-02-15", "2026-02-23"),
    ("2026-04-04", "2026-04-06"),
    ("2026-05-01", "2026-05-05"),
    ("2026-06-19", "2026-06-21"),
    ("2026-09-25", "2026-09-27"),
    ("2026-10-01", "2026-10-07"),
];
const MAKEUP: &[&str] = &[
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
];

struct Naive {
    off: HashSet<JDate>,
    makeup: HashSet<JDate>,
    /// Each day's answer from [`Naive::working_day`], from `FIRST` on (the minute loops
    /// would be slow in a debug build if they asked jiff for every minute).
    days: Vec<Option<bool>>,
    first: BeijingMinute,
}

const FIRST: &str = "2024-12-01";

fn naive() -> &'static Naive {
    static NAIVE: OnceLock<Naive> = OnceLock::new();
    NAIVE.get_or_init(|| {
        let mut off = HashSet::new();
        for (from, to) in OFF {
            let (mut day, to): (JDate, JDate) = (from.parse().unwrap(), to.parse().unwrap());
            while day <= to {
                off.insert(day);
                day = day.tomorrow().unwrap();
            }
        }
        let makeup = MAKEUP.iter().map(|d| d.parse().unwrap()).collect();
        let first: BeijingMinute = format!("{FIRST}T00:00").parse().unwrap();
        let mut naive = Naive {
            off,
            makeup,
            days: Vec::new(),
            first,
        };
        let mut day: JDate = FIRST.parse().unwrap();
        for _ in 0..800 {
            // The cache is keyed as the minute loop reads it: check that minute 0 of the
            // k-th day is that day by jiff's reckoning.
            let k = naive.days.len() as i32;
            assert_eq!(civil(at(first.index() + k * 1440)), (day, 0));
            naive.days.push(naive.working_day(day));
            day = day.tomorrow().unwrap();
        }
        naive
    })
}

/// The Beijing wall-clock date and minute of day, via jiff.
fn civil(t: BeijingMinute) -> (JDate, i32) {
    let zoned = t
        .to_timestamp()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)));
    (
        zoned.date(),
        i32::from(zoned.hour()) * 60 + i32::from(zoned.minute()),
    )
}

impl Naive {
    fn working_day(&self, day: JDate) -> Option<bool> {
        if !(2025..=2026).contains(&day.year()) {
            return None;
        }
        let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
        Some(!self.off.contains(&day) && (!weekend || self.makeup.contains(&day)))
    }

    /// Whether the minute starting at `t` is working time; `None` outside 2025–2026.
    fn working_minute(&self, t: BeijingMinute) -> Option<bool> {
        let since = t.index() - self.first.index();
        let (k, m) = (since.div_euclid(1440), since.rem_euclid(1440));
        let day = *self.days.get(usize::try_from(k).ok()?)?;
        let hours = (540..720).contains(&m) || (780..1020).contains(&m);
        Some(day? && hours)
    }

    fn covered(&self, t: BeijingMinute) -> Option<()> {
        self.working_minute(t).map(|_| ())
    }

    fn due(&self, start: BeijingMinute, minutes: u64) -> Option<BeijingMinute> {
        self.covered(start)?;
        let (mut t, mut count) = (start, 0);
        while count < minutes {
            if self.working_minute(t)? {
                count += 1;
            }
            t = t.plus_minutes(1).unwrap();
        }
        Some(t)
    }

    /// Working minutes in [start, end) not inside any pause.
    fn clock(
        &self,
        start: BeijingMinute,
        end: BeijingMinute,
        pauses: &[(BeijingMinute, BeijingMinute)],
    ) -> Option<u64> {
        self.covered(start)?;
        self.covered(end)?;
        let (mut t, mut count) = (start, 0);
        while t < end {
            if self.working_minute(t)? && !pauses.iter().any(|&(a, b)| a <= t && t < b) {
                count += 1;
            }
            t = t.plus_minutes(1).unwrap();
        }
        Some(count)
    }
}

fn calendar() -> &'static WorkCalendar {
    static CALENDAR: OnceLock<WorkCalendar> = OnceLock::new();
    CALENDAR.get_or_init(WorkCalendar::builtin)
}

fn at(index: i32) -> BeijingMinute {
    BeijingMinute::from_index(i64::from(index)).unwrap()
}

fn minute_of(text: &str) -> i32 {
    text.parse::<BeijingMinute>().unwrap().index()
}

/// Starts over 2025–2026 plus a week either side (to meet the uncovered years).
fn any_start() -> impl Strategy<Value = BeijingMinute> {
    (minute_of("2024-12-25T00:00")..minute_of("2027-01-08T00:00")).prop_map(at)
}

/// Starts near the spec's hard places: year ends, Spring Festival, National Day, and on
/// the hour boundaries of the day.
fn tricky_start() -> impl Strategy<Value = BeijingMinute> {
    let days = prop::sample::select(vec![
        "2024-12-31",
        "2025-01-24",
        "2025-02-07",
        "2025-09-26",
        "2025-12-30",
        "2025-12-31",
        "2026-01-02",
        "2026-02-12",
        "2026-02-14",
        "2026-02-27",
        "2026-09-18",
        "2026-09-30",
        "2026-10-09",
        "2026-12-30",
        "2026-12-31",
    ]);
    let minute = prop_oneof![
        prop::sample::select(vec![
            0, 480, 539, 540, 541, 719, 720, 721, 750, 779, 780, 1019, 1020, 1021, 1050, 1439
        ]),
        0..1440,
    ];
    (days, minute).prop_map(|(day, m)| at(minute_of(&format!("{day}T00:00")) + m))
}

fn duration() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => 0u64..5,
        6 => 0u64..1300,
        1 => 1300u64..4000,
        1 => prop::sample::select(vec![180u64, 240, 420, 421, 840, 2940]),
    ]
}

fn pauses(start: BeijingMinute) -> impl Strategy<Value = Vec<(BeijingMinute, BeijingMinute)>> {
    // From a day before the start to ten days after, up to four days long (over nights,
    // weekends and holidays), sometimes reversed or overlapping.
    let base = start.index();
    prop::collection::vec(
        (-1440..14_400i32, -60..5760i32)
            .prop_map(move |(from, len)| (at(base + from), at(base + from + len))),
        0..5,
    )
}

fn check(start: BeijingMinute, minutes: u64) -> Result<(), TestCaseError> {
    let got = calendar().due(start, minutes);
    match naive().due(start, minutes) {
        Some(expected) => {
            prop_assert_eq!(got, Ok(expected), "due({}, {})", start, minutes);
            prop_assert_eq!(calendar().elapsed(start, expected), Ok(minutes));
        }
        None => prop_assert!(
            matches!(got, Err(WorkTimeError::YearNotCovered(2024 | 2027))),
            "due({start}, {minutes}) = {got:?}, expected a year not covered"
        ),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn due_is_the_first_minute_the_target_is_reached(start in any_start(), minutes in duration()) {
        check(start, minutes)?;
    }

    #[test]
    fn due_at_the_hard_places(start in tricky_start(), minutes in duration()) {
        check(start, minutes)?;
    }

    #[test]
    fn elapsed_counts_working_minutes(start in any_start(), len in -2000i32..20_000) {
        let end = at(start.index() + len);
        let got = calendar().elapsed(start, end);
        match naive().clock(start, end, &[]) {
            Some(expected) => prop_assert_eq!(got, Ok(expected), "elapsed({}, {})", start, end),
            None => prop_assert!(matches!(got, Err(WorkTimeError::YearNotCovered(2024 | 2027)))),
        }
    }

    #[test]
    fn a_clock_does_not_count_paused_minutes(
        (start, pauses) in any_start().prop_flat_map(|s| (Just(s), pauses(s))),
        len in 0i32..14_400,
    ) {
        let now = at(start.index() + len);
        let got = calendar().clock(start, now, &pauses);
        match naive().clock(start, now, &pauses) {
            Some(expected) => prop_assert_eq!(got, Ok(expected), "clock({}, {}, {:?})", start, now, pauses),
            None => prop_assert!(got.is_err()),
        }
    }

    #[test]
    fn working_days_are_the_tables(day in 0i32..731, n in 0u32..40) {
        let date = at(minute_of("2025-01-01T00:00") + day * 1440).date();
        let jdate = date.jiff();
        prop_assert_eq!(calendar().is_working_day(date).ok(), naive().working_day(jdate));
        let mut expected = Some(jdate);
        let mut left = n;
        while left > 0 {
            expected = expected.and_then(|d| d.tomorrow().ok());
            match expected.map(|d| naive().working_day(d)) {
                Some(Some(true)) => left -= 1,
                Some(Some(false)) => {}
                _ => { expected = None; break; }
            }
        }
        let got = calendar().add_working_days(date, n);
        match expected {
            Some(e) => prop_assert_eq!(got.map(|d| d.jiff()), Ok(e)),
            None => prop_assert_eq!(got, Err(WorkTimeError::YearNotCovered(2027))),
        }
    }
}

/// The end of the `n`th working day after the day of `start`, counted day by day on the
/// naive calendar: `None` when a day on the way is in a year without data.
fn naive_end_of_working_days(start: BeijingMinute, n: u32) -> Option<BeijingMinute> {
    let (mut day, _) = civil(start);
    naive().working_day(day)?;
    if n == 0 {
        return Some(start);
    }
    let mut left = n;
    while left > 0 {
        day = day.tomorrow().ok()?;
        if naive().working_day(day)? {
            left -= 1;
        }
    }
    let midnight: BeijingMinute = format!("{day}T00:00").parse().ok()?;
    midnight.plus_minutes(17 * 60)
}

/// Instants on and around the holiday spans and make-up days of 2025–2026, at any hour.
fn around_holidays() -> impl Strategy<Value = BeijingMinute> {
    let anchors: Vec<&str> = OFF
        .iter()
        .flat_map(|(from, to)| [*from, *to])
        .chain(MAKEUP.iter().copied())
        .chain(["2024-12-31", "2026-12-24", "2026-12-31"])
        .collect();
    (prop::sample::select(anchors), -4i32..5, 0i32..1440)
        .prop_map(|(day, shift, m)| at(minute_of(&format!("{day}T00:00")) + shift * 1440 + m))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn end_of_working_days_is_the_day_by_day_count(
        start in prop_oneof![any_start(), around_holidays()],
        n in prop_oneof![0u32..12, 12u32..40],
    ) {
        let got = calendar().end_of_working_days(start, n);
        match naive_end_of_working_days(start, n) {
            Some(expected) => {
                prop_assert_eq!(got, Ok(expected), "end_of_working_days({}, {})", start, n);
                if n > 0 {
                    // The close of a working day after the start's day.
                    prop_assert_eq!(calendar().is_working_day(expected.date()), Ok(true));
                    prop_assert!(expected.date() > start.date());
                }
            }
            None => prop_assert!(
                matches!(got, Err(WorkTimeError::YearNotCovered(2024 | 2027))),
                "end_of_working_days({start}, {n}) = {got:?}, expected a year not covered"
            ),
        }
    }
}

/// Checks every 97th row of a `yingcai sla clock` output against the naive reference.
#[test]
#[ignore = "needs SLA_CASES and SLA_OUT files; run with --release"]
fn a_sample_of_an_output_file_matches_the_reference() {
    let cases = std::fs::read_to_string(std::env::var("SLA_CASES").unwrap()).unwrap();
    let out = std::fs::read_to_string(std::env::var("SLA_OUT").unwrap()).unwrap();
    let step: usize = std::env::var("SLA_STEP").map_or(97, |s| s.parse().unwrap());
    let (mut checked, mut rows) = (0, 0);
    let mut outputs = out.lines();
    assert_eq!(outputs.next(), Some("case,due,elapsed"));
    let mut inputs = cases.lines();
    assert_eq!(inputs.next(), Some("case,start,minutes,end"));
    for (i, (input, output)) in inputs.zip(outputs.by_ref()).enumerate() {
        rows += 1;
        if i % step != 0 {
            continue;
        }
        let f: Vec<&str> = input.split(',').collect();
        let g: Vec<&str> = output.split(',').collect();
        assert_eq!(f[0], g[0], "row {}", i + 2);
        let start: BeijingMinute = f[1].parse().unwrap();
        let minutes: u64 = f[2].parse().unwrap();
        let end: BeijingMinute = f[3].parse().unwrap();
        let due = naive().due(start, minutes).unwrap();
        let elapsed = naive().clock(start, end, &[]).unwrap();
        assert_eq!(g[1], due.to_string(), "row {}: {input}", i + 2);
        assert_eq!(g[2], elapsed.to_string(), "row {}: {input}", i + 2);
        checked += 1;
    }
    assert_eq!(outputs.next(), None, "more output rows than cases");
    eprintln!("{checked} of {rows} rows checked against the reference: all equal");
}
