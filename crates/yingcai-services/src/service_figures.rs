//! A service team's figures for its officers and for the public: month by month for the
//! last twelve months, the first-response and resolution targets met, the working time to
//! resolve, the requesters' ratings and the reopened cases, with the open cases by age.
//!
//! The store gives each case's stored facts ([`TeamMonthRow`]); [`facts`] reduces one to
//! the [`CaseFacts`] of `yingcai-casedesk`, whose [`monthly`] and [`backlog`] count them:
//!
//! - months are Beijing calendar months of the opening and of the (latest) resolution;
//! - a clock that stopped is met when its stored working minutes are within its target
//!   (`spent <= target`); a stopped clock whose minutes could not be counted (the calendar
//!   lacked the year) is not met, since the target cannot be shown to have been kept;
//! - a rating counts only on a resolved or closed case, and only 1 to 5;
//! - a case is open (and in the backlog) unless it is resolved or closed.
//!
//! Nothing here names a case, a requester or an enterprise: the figures are aggregates and
//! may be published.

use jiff::Timestamp;
use serde::Serialize;
use yingcai_casedesk::{Backlog, CaseFacts, MonthFigures, age_days, backlog, monthly};
use yingcai_domain::Month;
use yingcai_domain::status::CaseStatus;
use yingcai_store::{Store, TeamMonthRow};
use yingcai_worktime::BeijingMinute;

use crate::Error;

/// How many months the figures cover, the current one included.
pub const MONTHS: i32 = 12;

/// A team's (or every team's) figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamFigures {
    /// One entry per month of the last [`MONTHS`], oldest first, the current month last;
    /// a month without cases has zero counts (and so no shares).
    pub months: Vec<MonthFigures>,
    /// The same months counted together; its `month` is the last of them. Its median is
    /// that of every resolution in the months.
    pub whole: MonthFigures,
    /// The cases open now, by age.
    pub backlog: Backlog,
}

/// Published figures show a month's ratings only when at least this many requesters
/// rated: with fewer, a team's mean would let people work out one requester's rating.
pub const PUBLIC_MIN_RATED: u32 = 5;

impl TeamFigures {
    /// The figures as published: a month (or the twelve months together) with fewer than
    /// [`PUBLIC_MIN_RATED`] ratings shows none (its satisfaction reads "—").
    pub fn for_public(mut self) -> TeamFigures {
        for month in self
            .months
            .iter_mut()
            .chain(std::iter::once(&mut self.whole))
        {
            if month.rated < PUBLIC_MIN_RATED {
                month.rated = 0;
                month.rating_sum = 0;
                month.satisfied = 0;
            }
        }
        self
    }
}

fn minute(ms: i64) -> Result<BeijingMinute, Error> {
    Timestamp::from_millisecond(ms)
        .ok()
        .and_then(|t| BeijingMinute::from_timestamp(t).ok())
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("instant {ms} is out of range")))
}

fn month_of(minute: BeijingMinute) -> Month {
    minute.date().year_month()
}

/// The month of `now` (ms) and the eleven before it, as `(first, last)`.
pub fn window(now: i64) -> Result<(Month, Month), Error> {
    let last = month_of(minute(now)?);
    let first = last
        .plus(1 - MONTHS)
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("{last} is too early for figures")))?;
    Ok((first, last))
}

/// The instant (ms) the month `first` begins in Beijing.
fn start_ms(first: Month) -> i64 {
    BeijingMinute::start_of(first.first_day())
        .to_timestamp()
        .as_millisecond()
}

/// What the figures need of one stored case, as of `now`.
pub fn facts(row: &TeamMonthRow, now: BeijingMinute) -> Result<CaseFacts, Error> {
    let opened = minute(row.opened_at)?;
    let status: CaseStatus = row.status.parse().map_err(|_| {
        Error::Internal(anyhow::anyhow!(
            "a service case has the unknown status {:?}",
            row.status
        ))
    })?;
    let open = !matches!(status, CaseStatus::Resolved | CaseStatus::Closed);
    let met = |spent: Option<i64>, target: i64| spent.is_some_and(|s| s <= target);
    let resolved = match row.resolved_at {
        Some(ms) if !open => Some(minute(ms)?),
        _ => None,
    };
    Ok(CaseFacts {
        opened_month: month_of(opened),
        response_met: row
            .first_response_at
            .map(|_| met(row.response_spent, row.response_target)),
        resolution_met: resolved.map(|_| met(row.resolution_spent, row.resolution_target)),
        resolved_in_month: resolved.map(month_of),
        resolution_minutes: resolved
            .and(row.resolution_spent)
            .and_then(|s| u64::try_from(s).ok()),
        rating: row
            .rating
            .and_then(|r| u8::try_from(r).ok())
            .filter(|r| (1..=5).contains(r)),
        reopened: row.reopen_count > 0,
        open_age_days: open.then(|| age_days(opened, now)),
    })
}

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

/// The months' counts added up, as the figures of `last` (the median is left to the
/// caller: it is not a sum).
fn summed(months: &[MonthFigures], last: Month) -> MonthFigures {
    let mut whole = empty(last);
    for f in months {
        for (sum, n) in [
            (&mut whole.opened, f.opened),
            (&mut whole.responded, f.responded),
            (&mut whole.responded_on_time, f.responded_on_time),
            (&mut whole.resolved, f.resolved),
            (&mut whole.resolved_on_time, f.resolved_on_time),
            (&mut whole.rated, f.rated),
            (&mut whole.rating_sum, f.rating_sum),
            (&mut whole.satisfied, f.satisfied),
            (&mut whole.reopened, f.reopened),
        ] {
            *sum = sum.saturating_add(n);
        }
    }
    whole
}

/// The middle value (for an even count the mean of the two middle ones, rounded down), as
/// `yingcai_casedesk::monthly` counts a month's.
fn median(values: &mut [u64]) -> Option<u64> {
    values.sort_unstable();
    let n = values.len();
    let upper = *values.get(n / 2)?;
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = values.get(n / 2 - 1).copied().unwrap_or(upper);
    Some(lower / 2 + upper / 2 + (lower % 2 + upper % 2) / 2)
}

/// The figures of the stored cases `rows` for the twelve months ending with `now`'s.
pub fn figures_of(rows: &[TeamMonthRow], now: i64) -> Result<TeamFigures, Error> {
    let (first, last) = window(now)?;
    let now = minute(now)?;
    let facts: Vec<CaseFacts> = rows
        .iter()
        .map(|row| facts(row, now))
        .collect::<Result<_, _>>()?;
    let counted = monthly(&facts);
    let months: Vec<MonthFigures> = first
        .through(last)
        .map(|month| {
            counted
                .iter()
                .find(|f| f.month == month)
                .cloned()
                .unwrap_or_else(|| empty(month))
        })
        .collect();
    let mut whole = summed(&months, last);
    let mut minutes: Vec<u64> = facts
        .iter()
        .filter(|c| {
            c.resolved_in_month
                .is_some_and(|m| (first..=last).contains(&m))
        })
        .filter_map(|c| c.resolution_minutes)
        .collect();
    whole.median_resolution_minutes = median(&mut minutes);
    Ok(TeamFigures {
        months,
        whole,
        backlog: backlog(&facts),
    })
}

/// The figures of one team (`Some(team_id)`) or of every team together (`None`) for the
/// twelve months ending with the month of `now` (ms), with the backlog as of `now`. The
/// database does the counting ([`Store::opened_months`] and its siblings), so the cost is
/// a few grouped statements whatever the number of cases.
pub async fn team_figures(
    store: &Store,
    team_id: Option<i64>,
    now: i64,
) -> Result<TeamFigures, Error> {
    let (first, _) = window(now)?;
    let since = start_ms(first);
    let opened = store.opened_months(team_id, since).await?;
    let resolved = store
        .resolved_months(team_id, since, team_id.is_none())
        .await?;
    let open = store.open_days(team_id).await?;
    let whole_median = store.median_resolution_since(team_id, since).await?;
    let everyone = |_: i64| true;
    assemble(&opened, &resolved, &open, whole_median, now, &everyone)
}

/// Every team's figures, by team id, from one set of grouped statements (the public
/// overview).
pub async fn figures_by_team(
    store: &Store,
    teams: &[i64],
    now: i64,
) -> Result<Vec<(i64, TeamFigures)>, Error> {
    let (first, _) = window(now)?;
    let since = start_ms(first);
    let opened = store.opened_months(None, since).await?;
    let resolved = store.resolved_months(None, since, false).await?;
    let open = store.open_days(None).await?;
    let mut out = Vec::new();
    for &team in teams {
        let whole_median = store.median_resolution_since(Some(team), since).await?;
        let mine = |t: i64| t == team;
        out.push((
            team,
            assemble(&opened, &resolved, &open, whole_median, now, &mine)?,
        ));
    }
    Ok(out)
}

/// What the public dashboard shows: all teams together and every team, each anonymised
/// ([`TeamFigures::for_public`]), teams in the store's order.
pub async fn public_overview(
    store: &Store,
    now: i64,
) -> Result<(TeamFigures, Vec<(yingcai_store::TeamRecord, TeamFigures)>), Error> {
    let everyone = team_figures(store, None, now).await?.for_public();
    let records = store.service_teams().await?;
    let ids: Vec<i64> = records.iter().map(|t| t.team_id).collect();
    let mut by_team = figures_by_team(store, &ids, now).await?;
    let mut teams = Vec::with_capacity(records.len());
    for team in records {
        if let Some(at) = by_team.iter().position(|(id, _)| *id == team.team_id) {
            let (_, figures) = by_team.swap_remove(at);
            teams.push((team, figures.for_public()));
        }
    }
    Ok((everyone, teams))
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

fn stored_month(text: &str) -> Option<Month> {
    text.parse().ok()
}

/// The figures of the rows whose team `keep` accepts.
fn assemble(
    opened: &[yingcai_store::OpenedMonth],
    resolved: &[yingcai_store::ResolvedMonth],
    open: &[yingcai_store::OpenDay],
    whole_median: Option<i64>,
    now: i64,
    keep: &dyn Fn(i64) -> bool,
) -> Result<TeamFigures, Error> {
    let (first, last) = window(now)?;
    let now_minute = minute(now)?;
    let mut months: Vec<MonthFigures> = first.through(last).map(empty).collect();
    let slot = |months: &mut Vec<MonthFigures>, month: Month| -> Option<usize> {
        months.iter().position(|f| f.month == month)
    };
    for row in opened.iter().filter(|r| keep(r.team_id)) {
        // A month outside the window (a clock set wrong) is not counted.
        let Some(i) = stored_month(&row.month).and_then(|m| slot(&mut months, m)) else {
            continue;
        };
        let f = &mut months[i];
        f.opened += count(row.opened);
        f.responded += count(row.responded);
        f.responded_on_time += count(row.responded_on_time);
        f.reopened += count(row.reopened);
    }
    for row in resolved.iter().filter(|r| keep(r.team_id)) {
        let Some(i) = stored_month(&row.month).and_then(|m| slot(&mut months, m)) else {
            continue;
        };
        let f = &mut months[i];
        f.resolved += count(row.resolved);
        f.resolved_on_time += count(row.resolved_on_time);
        f.rated += count(row.rated);
        f.rating_sum += count(row.rating_sum);
        f.satisfied += count(row.satisfied);
        f.median_resolution_minutes = row.median_minutes.and_then(|m| u64::try_from(m).ok());
    }
    let mut whole = summed(&months, last);
    whole.median_resolution_minutes = whole_median.and_then(|m| u64::try_from(m).ok());
    // The backlog by age, counted as `yingcai_casedesk::backlog` counts it.
    let mut open_by_age = Backlog::default();
    for row in open.iter().filter(|r| keep(r.team_id)) {
        let day: yingcai_domain::Date = row.day.parse().map_err(|_| {
            Error::Internal(anyhow::anyhow!("a case's day {:?} does not read", row.day))
        })?;
        let age = age_days(BeijingMinute::start_of(day), now_minute);
        let n = count(row.open);
        let band = match age {
            0..=1 => &mut open_by_age.under_2_days,
            2..=4 => &mut open_by_age.under_5_days,
            5..=9 => &mut open_by_age.under_10_days,
            _ => &mut open_by_age.older,
        };
        *band = band.saturating_add(n);
    }
    Ok(TeamFigures {
        months,
        whole,
        backlog: open_by_age,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test that cannot unwrap has failed")]
    use super::*;

    /// Milliseconds of a Beijing wall-clock minute, `YYYY-MM-DDTHH:MM`.
    fn ms(beijing: &str) -> i64 {
        beijing
            .parse::<BeijingMinute>()
            .unwrap()
            .to_timestamp()
            .as_millisecond()
    }

    fn at(beijing: &str) -> BeijingMinute {
        beijing.parse().unwrap()
    }

    fn month(s: &str) -> Month {
        s.parse().unwrap()
    }

    /// A case raised at `opened` with targets of 60 and 2100 working minutes, not yet
    /// answered.
    fn raised(opened: &str) -> TeamMonthRow {
        TeamMonthRow {
            opened_at: ms(opened),
            first_response_at: None,
            response_spent: None,
            response_target: 60,
            resolved_at: None,
            resolution_spent: None,
            resolution_target: 2100,
            rating: None,
            reopen_count: 0,
            status: "new".into(),
        }
    }

    fn answered(opened: &str, spent: i64) -> TeamMonthRow {
        TeamMonthRow {
            first_response_at: Some(ms(opened) + 3_600_000),
            response_spent: Some(spent),
            status: "in_progress".into(),
            ..raised(opened)
        }
    }

    fn solved(opened: &str, response: i64, resolved: &str, spent: i64) -> TeamMonthRow {
        TeamMonthRow {
            resolved_at: Some(ms(resolved)),
            resolution_spent: Some(spent),
            status: "resolved".into(),
            ..answered(opened, response)
        }
    }

    const NOW: &str = "2026-05-20T10:00";

    #[test]
    fn three_cases_two_answered_on_time_and_an_unrated_one_is_not_satisfied() {
        let rows = [
            // Answered in 30 of 60 minutes, solved in 600 of 2100, rated 5.
            TeamMonthRow {
                rating: Some(5),
                ..solved("2026-05-04T09:00", 30, "2026-05-06T15:00", 600)
            },
            // Answered late (90 > 60), solved late (3000 > 2100), not rated.
            solved("2026-05-05T09:00", 90, "2026-05-11T10:00", 3000),
            // Answered in exactly the target; reopened and open again for 14 days.
            TeamMonthRow {
                reopen_count: 1,
                ..answered("2026-05-06T11:00", 60)
            },
        ];
        let figures = figures_of(&rows, ms(NOW)).unwrap();
        assert_eq!(figures.months.len(), 12);
        assert_eq!(figures.months[0].month, month("2025-06"));
        let may = &figures.months[11];
        assert_eq!(may.month, month("2026-05"));
        assert_eq!(
            (may.opened, may.responded, may.responded_on_time),
            (3, 3, 2)
        );
        // 2 of 3: 66.7%.
        let on_time = may.on_time_response_percent().unwrap();
        assert_eq!(format!("{on_time:.1}"), "66.7");
        assert_eq!((may.resolved, may.resolved_on_time), (2, 1));
        assert_eq!(may.on_time_resolution_percent(), Some(50.0));
        // The mean of 600 and 3000.
        assert_eq!(may.median_resolution_minutes, Some(1800));
        // One of the two solved cases is rated: satisfaction is 1 of 1 rated, not 1 of 2.
        assert_eq!((may.rated, may.rating_sum, may.satisfied), (1, 5, 1));
        assert_eq!(may.satisfaction_percent(), Some(100.0));
        assert_eq!(may.rated_percent(), Some(50.0));
        assert_eq!(may.mean_rating(), Some(5.0));
        assert_eq!(may.reopened, 1);
        assert_eq!(format!("{:.1}", may.reopen_rate_percent().unwrap()), "33.3");
        // The other months have nothing to divide by.
        let april = &figures.months[10];
        assert_eq!((april.opened, april.resolved), (0, 0));
        assert_eq!(april.on_time_response_percent(), None);
        assert_eq!(april.satisfaction_percent(), None);
        assert_eq!(april.median_resolution_minutes, None);
        // The open case is 14 days old.
        assert_eq!(
            figures.backlog,
            Backlog {
                older: 1,
                ..Backlog::default()
            }
        );
        // Only May has cases, so the twelve months are May's figures.
        assert_eq!(&figures.whole, may);
    }

    #[test]
    fn a_low_rating_is_rated_but_not_satisfied() {
        let rows = [
            TeamMonthRow {
                rating: Some(3),
                ..solved("2026-05-04T09:00", 30, "2026-05-06T15:00", 600)
            },
            TeamMonthRow {
                rating: Some(4),
                status: "closed".into(),
                ..solved("2026-05-04T10:00", 30, "2026-05-07T15:00", 700)
            },
            solved("2026-05-04T11:00", 30, "2026-05-08T15:00", 800),
        ];
        let may = &figures_of(&rows, ms(NOW)).unwrap().months[11];
        assert_eq!((may.resolved, may.rated, may.satisfied), (3, 2, 1));
        assert_eq!(may.satisfaction_percent(), Some(50.0));
        assert_eq!(may.mean_rating(), Some(3.5));
        assert_eq!(may.median_resolution_minutes, Some(700));
    }

    #[test]
    fn months_are_beijing_months_and_resolutions_count_where_they_happen() {
        // 16:30 UTC on 31 March is 00:30 on 1 April in Beijing.
        let utc_evening = raised("2026-04-01T00:30");
        assert_eq!(
            Timestamp::from_millisecond(utc_evening.opened_at)
                .unwrap()
                .to_string(),
            "2026-03-31T16:30:00Z"
        );
        let rows = [
            utc_evening,
            // Raised before the twelve months, solved in January: a January resolution.
            solved("2025-04-10T09:00", 30, "2026-01-15T09:00", 100),
        ];
        let figures = figures_of(&rows, ms(NOW)).unwrap();
        let by_month = |m: &str| {
            figures
                .months
                .iter()
                .find(|f| f.month == month(m))
                .unwrap()
                .clone()
        };
        assert_eq!(by_month("2026-04").opened, 1);
        assert_eq!(by_month("2026-03").opened, 0);
        let january = by_month("2026-01");
        assert_eq!((january.opened, january.resolved), (0, 1));
        assert_eq!(january.median_resolution_minutes, Some(100));
        assert_eq!((figures.whole.opened, figures.whole.resolved), (1, 1));
        // Still open, 49 days after it was raised.
        assert_eq!(figures.backlog.older, 1);
        assert_eq!(figures.backlog.total(), 1);
    }

    #[test]
    fn a_stopped_clock_that_could_not_be_counted_is_not_met() {
        let row = TeamMonthRow {
            response_spent: None,
            resolution_spent: None,
            ..solved("2026-05-04T09:00", 0, "2026-05-06T15:00", 0)
        };
        let facts = facts(&row, at(NOW)).unwrap();
        assert_eq!(facts.response_met, Some(false));
        assert_eq!(facts.resolution_met, Some(false));
        assert_eq!(facts.resolution_minutes, None);
        assert_eq!(facts.open_age_days, None);
    }

    #[test]
    fn a_reopened_case_is_open_and_its_old_rating_is_ignored() {
        let row = TeamMonthRow {
            reopen_count: 2,
            resolved_at: None,
            rating: Some(9),
            status: "in_progress".into(),
            ..solved("2026-05-18T09:00", 30, "2026-05-19T09:00", 100)
        };
        let facts = facts(&row, at(NOW)).unwrap();
        assert!(facts.reopened);
        assert_eq!(facts.resolved_in_month, None);
        assert_eq!(facts.rating, None);
        assert_eq!(facts.open_age_days, Some(2));
        let unknown = TeamMonthRow {
            status: "lost".into(),
            ..raised("2026-05-18T09:00")
        };
        assert!(super::facts(&unknown, at(NOW)).is_err());
    }

    #[test]
    fn the_window_ends_with_the_current_beijing_month() {
        let (first, last) = window(ms("2026-01-01T00:10")).unwrap();
        assert_eq!((first, last), (month("2025-02"), month("2026-01")));
        assert_eq!(start_ms(first), ms("2025-02-01T00:00"));
        let empty = figures_of(&[], ms(NOW)).unwrap();
        assert!(
            empty
                .months
                .iter()
                .all(|m| m.opened == 0 && m.resolved == 0)
        );
        assert_eq!(empty.whole.on_time_resolution_percent(), None);
        assert_eq!(empty.backlog.total(), 0);
    }

    #[test]
    fn published_figures_hide_ratings_that_would_name_a_requester() {
        let mut month = MonthFigures {
            month: "2026-11".parse().unwrap(),
            opened: 3,
            responded: 3,
            responded_on_time: 3,
            resolved: 3,
            resolved_on_time: 2,
            median_resolution_minutes: Some(60),
            rated: 1,
            rating_sum: 2,
            satisfied: 0,
            reopened: 0,
        };
        let few = TeamFigures {
            months: vec![month.clone()],
            whole: month.clone(),
            backlog: Backlog::default(),
        }
        .for_public();
        assert_eq!(few.months[0].mean_rating(), None);
        assert_eq!(few.whole.satisfaction_percent(), None);
        assert_eq!(few.months[0].resolved_on_time, 2, "other figures stay");
        month.rated = 5;
        month.rating_sum = 20;
        month.satisfied = 4;
        let enough = TeamFigures {
            months: vec![month.clone()],
            whole: month,
            backlog: Backlog::default(),
        }
        .for_public();
        assert_eq!(enough.months[0].mean_rating(), Some(4.0));
    }

    /// The database's counting agrees with the case desk's own, on every backend, for one
    /// team, for every team together and team by team.
    #[tokio::test]
    async fn the_database_counts_what_the_case_desk_counts() {
        use yingcai_store::testing::TestDatabase;
        let now = ms("2026-12-07T10:00");
        for backend in TestDatabase::backends() {
            let (_db, store) = TestDatabase::create(backend).await.unwrap();
            let requester = store
                .create_account(
                    &yingcai_store::NewAccount {
                        email: yingcai_domain::Email::parse("r@example.cn").unwrap(),
                        display_name: yingcai_domain::DisplayName::parse("display_name", "R")
                            .unwrap(),
                        phone: None,
                        password_hash: "x".into(),
                        roles: yingcai_domain::RoleSet::new(vec![yingcai_domain::Role::Talent])
                            .unwrap(),
                        locale: yingcai_domain::Locale::ZhCn,
                        must_change_password: false,
                    },
                    &yingcai_store::Actor::System,
                )
                .await
                .unwrap();
            let mut teams = Vec::new();
            for t in 0..3 {
                teams.push(
                    store
                        .save_service_team(
                            None,
                            &yingcai_store::TeamInput {
                                name: format!("T{t}"),
                                leader_account_id: None,
                                industries: vec!["next_gen_it".into()],
                                districts: vec![],
                                members: vec![],
                            },
                            &yingcai_store::Actor::System,
                        )
                        .await
                        .unwrap(),
                );
            }
            // Cases over fourteen months, in every state, some clocks uncounted, some
            // ratings out of range; a small generator keeps them the same on every run.
            let mut seed: u64 = 7;
            let mut next = |n: u64| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                (seed >> 33) % n
            };
            let statuses = [
                "new",
                "accepted",
                "in_progress",
                "waiting_bureau",
                "resolved",
                "closed",
                "closed",
            ];
            let mut values = Vec::new();
            for i in 0..400 {
                let team = teams[next(3) as usize];
                let opened = now - i64::try_from(next(420 * 86_400)).unwrap() * 1_000 - 60_000;
                let status = statuses[next(statuses.len() as u64) as usize];
                let done = matches!(status, "resolved" | "closed");
                let responded = status != "new" || next(2) == 0;
                let spent = |n: u64, next: &mut dyn FnMut(u64) -> u64| {
                    if next(10) == 0 {
                        "null".to_owned()
                    } else {
                        next(n).to_string()
                    }
                };
                let response = if responded {
                    spent(900, &mut next)
                } else {
                    "null".into()
                };
                let resolution = if done {
                    spent(9_000, &mut next)
                } else {
                    "null".into()
                };
                let resolved_at = if done {
                    (opened + i64::try_from(next(40 * 86_400)).unwrap() * 1_000)
                        .min(now)
                        .to_string()
                } else {
                    "null".into()
                };
                let rating = if done && next(3) > 0 {
                    next(7).to_string()
                } else {
                    "null".into()
                };
                values.push(format!(
                    "({team}, {requester}, 'other', 'c{i}', 'd', '{status}', {opened}, {first}, {resolved_at}, 420, 4200, {response}, {resolution}, {reopen}, {rating}, {opened})",
                    first = if responded { (opened + 60_000).to_string() } else { "null".into() },
                    reopen = i64::from(next(9) == 0),
                ));
            }
            store
                .execute_unchecked(&format!(
                    "insert into service_case (team_id, requester_account_id, category, title, description, status, opened_at, first_response_at, resolved_at, response_target, resolution_target, response_spent, resolution_spent, reopen_count, rating, updated_at) values {}",
                    values.join(", ")
                ))
                .await
                .unwrap();
            let (first, _) = window(now).unwrap();
            for team in teams.iter().copied().map(Some).chain([None]) {
                let rows = store.team_month_rows(team, start_ms(first)).await.unwrap();
                let expected = figures_of(&rows, now).unwrap();
                let counted = team_figures(&store, team, now).await.unwrap();
                assert_eq!(counted, expected, "{backend:?} team {team:?}");
                assert!(expected.whole.opened > 0 && expected.whole.rated > 0);
            }
            for (team, counted) in figures_by_team(&store, &teams, now).await.unwrap() {
                let rows = store
                    .team_month_rows(Some(team), start_ms(first))
                    .await
                    .unwrap();
                assert_eq!(
                    counted,
                    figures_of(&rows, now).unwrap(),
                    "{backend:?} by team {team}"
                );
            }
        }
    }
}
