//! The service teams' monthly figures, counted by the database: a province's million cases
//! are summed where they lie, and only a few hundred rows (a team, a month, a count) come
//! back. Months are Beijing calendar months (UTC+8 all year).
//!
//! The counting rules are those of `yingcai_casedesk::monthly` (its `CaseFacts`), and a
//! test compares both on the same cases: a case counts where it was opened for openings,
//! first answers and reopens, and in the month of its latest resolution (if it is resolved
//! or closed now) for solutions, their working time and ratings; a clock whose minutes are
//! unknown is not on time; a rating counts only from 1 to 5.

use super::*;
use crate::Backend;

/// The Beijing month of a column of Unix milliseconds for the figures' window, as the
/// `YYYY-MM` text of the month it falls in: a chain of integer comparisons against the
/// months' first instants (computed here), far cheaper per row than formatting a date.
fn month_of(column: &str, since: i64) -> String {
    // Twelve months and a margin: the window starts at `since`, the first of a month.
    let mut starts: Vec<(i64, String)> = Vec::new();
    let Some(first) = jiff::Timestamp::from_millisecond(since).ok().map(|t| {
        t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
            .date()
    }) else {
        return "'0000-00'".to_owned();
    };
    let mut month = first.first_of_month();
    for _ in 0..14 {
        let zoned = month
            .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
            .map(|z| z.timestamp().as_millisecond());
        if let Ok(ms) = zoned {
            starts.push((ms, month.strftime("%Y-%m").to_string()));
        }
        match month.checked_add(jiff::ToSpan::months(1)) {
            Ok(next) => month = next,
            Err(_) => break,
        }
    }
    let mut sql = String::from("case");
    for pair in starts.windows(2) {
        sql += &format!(" when {column} < {} then '{}'", pair[1].0, pair[0].1);
    }
    sql += " else 'later' end";
    sql
}

/// The team condition of a figures query, only when one team is asked for: a statement
/// for every team and one for a team each get their own plan.
fn team_condition(team: Option<i64>, param: usize) -> String {
    team.map(|_| format!(" and team_id = ${param}"))
        .unwrap_or_default()
}

/// Binds the team (when there is one) after the statement's other parameters.
fn bind_team<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    team: Option<i64>,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    match team {
        Some(team) => query.bind(team),
        None => query,
    }
}

/// Openings of one team in one month.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenedMonth {
    pub team_id: i64,
    /// `YYYY-MM`, Beijing time.
    pub month: String,
    pub opened: i64,
    pub responded: i64,
    pub responded_on_time: i64,
    pub reopened: i64,
}

/// Solutions of one team in one month.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ResolvedMonth {
    pub team_id: i64,
    pub month: String,
    pub resolved: i64,
    pub resolved_on_time: i64,
    pub rated: i64,
    pub rating_sum: i64,
    pub satisfied: i64,
    /// The middle working time to solve (for an even count the mean of the two middle
    /// ones, rounded down); `None` without counted minutes.
    pub median_minutes: Option<i64>,
}

/// A team's open cases opened on one Beijing day (`YYYY-MM-DD`), for the backlog by age.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenDay {
    pub team_id: i64,
    pub day: String,
    pub open: i64,
}

/// The middle of sorted values, as `yingcai_casedesk` counts it.
fn median(sorted: &[i64]) -> Option<i64> {
    let n = sorted.len();
    let upper = *sorted.get(n / 2)?;
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = sorted.get(n / 2 - 1).copied().unwrap_or(upper);
    Some(
        lower.div_euclid(2) + upper.div_euclid(2) + (lower.rem_euclid(2) + upper.rem_euclid(2)) / 2,
    )
}

impl Store {
    /// Openings per team and month since `since` (ms); `team`: one team only.
    pub async fn opened_months(
        &self,
        team: Option<i64>,
        since: i64,
    ) -> Result<Vec<OpenedMonth>, StoreError> {
        let month = month_of("opened_at", since);
        let sql = format!(
            "select team_id, {month} as month, count(*) as opened,
                    cast(sum(case when first_response_at is not null then 1 else 0 end) as bigint) as responded,
                    cast(sum(case when first_response_at is not null and response_spent <= response_target then 1 else 0 end) as bigint) as responded_on_time,
                    cast(sum(case when reopen_count > 0 then 1 else 0 end) as bigint) as reopened
               from service_case
              where opened_at >= $1{team_cond}
              group by team_id, {month}",
            team_cond = team_condition(team, 2)
        );
        Ok(bind_team(sqlx::query_as(&sql).bind(since), team)
            .fetch_all(self.pool())
            .await?)
    }

    /// Solutions per team and month since `since` (ms), with each month's median working
    /// time to solve; `team`: one team only; `combined`: every team's counted as one (team
    /// id 0), whose medians are those of all their solutions together.
    pub async fn resolved_months(
        &self,
        team: Option<i64>,
        since: i64,
        combined: bool,
    ) -> Result<Vec<ResolvedMonth>, StoreError> {
        let month = month_of("resolved_at", since);
        let team_id = if combined { "0" } else { "team_id" };
        // A constant in `group by` would be read as a column number.
        let group = if combined {
            month.clone()
        } else {
            format!("team_id, {month}")
        };
        let counted = format!(
            "from service_case
              where resolved_at >= $1{} and status in ('resolved', 'closed')",
            team_condition(team, 2)
        );
        // PostgreSQL finds each month's middle itself; on SQLite (a laptop's cases) the
        // minutes come back sorted and the middle is taken here.
        let median_sql = match self.backend() {
            Backend::Postgres => {
                ", cast(floor(percentile_cont(0.5) within group (order by resolution_spent)) as bigint) as median_minutes"
            }
            Backend::Sqlite => ", null as median_minutes",
        };
        let sql = format!(
            "select {team_id} as team_id, {month} as month, count(*) as resolved,
                    cast(sum(case when resolution_spent <= resolution_target then 1 else 0 end) as bigint) as resolved_on_time,
                    cast(sum(case when rating between 1 and 5 then 1 else 0 end) as bigint) as rated,
                    cast(sum(case when rating between 1 and 5 then rating else 0 end) as bigint) as rating_sum,
                    cast(sum(case when rating between 4 and 5 then 1 else 0 end) as bigint) as satisfied
                    {median_sql}
               {counted}
              group by {group}"
        );
        let mut months: Vec<ResolvedMonth> = bind_team(sqlx::query_as(&sql).bind(since), team)
            .fetch_all(self.pool())
            .await?;
        if self.backend() == Backend::Sqlite {
            let sql = format!(
                "select {team_id}, {month}, resolution_spent {counted} and resolution_spent is not null
                  order by 1, 2, resolution_spent"
            );
            let minutes: Vec<(i64, String, i64)> =
                bind_team(sqlx::query_as(&sql).bind(since), team)
                    .fetch_all(self.pool())
                    .await?;
            for m in &mut months {
                let values: Vec<i64> = minutes
                    .iter()
                    .filter(|(t, month, _)| *t == m.team_id && *month == m.month)
                    .map(|(_, _, v)| *v)
                    .collect();
                m.median_minutes = median(&values);
            }
        }
        Ok(months)
    }

    /// The median working time to solve over every solution since `since` (ms) of one team
    /// or all.
    pub async fn median_resolution_since(
        &self,
        team: Option<i64>,
        since: i64,
    ) -> Result<Option<i64>, StoreError> {
        let counted = format!(
            "from service_case
              where resolved_at >= $1{} and status in ('resolved', 'closed')
                and resolution_spent is not null",
            team_condition(team, 2)
        );
        match self.backend() {
            Backend::Postgres => {
                let sql = format!(
                    "select cast(floor(percentile_cont(0.5) within group (order by resolution_spent)) as bigint) {counted}"
                );
                let (median,): (Option<i64>,) = bind_team(sqlx::query_as(&sql).bind(since), team)
                    .fetch_one(self.pool())
                    .await?;
                Ok(median)
            }
            Backend::Sqlite => {
                let sql = format!("select resolution_spent {counted} order by resolution_spent");
                let values: Vec<(i64,)> = bind_team(sqlx::query_as(&sql).bind(since), team)
                    .fetch_all(self.pool())
                    .await?;
                let values: Vec<i64> = values.into_iter().map(|(v,)| v).collect();
                Ok(median(&values))
            }
        }
    }

    /// Open cases (not resolved or closed) per team and Beijing day of opening.
    pub async fn open_days(&self, team: Option<i64>) -> Result<Vec<OpenDay>, StoreError> {
        // Days since 1970-01-01 in Beijing, by integer arithmetic (cheap per row); the
        // open statuses listed, so the (team, status, …, opened_at) index answers alone.
        let day = "(opened_at + 28800000) / 86400000";
        let sql = format!(
            "select team_id, {day} as day, count(*) as open from service_case
              where status in ('new', 'accepted', 'in_progress', 'waiting_requester', 'waiting_bureau'){}
              group by team_id, {day}",
            team_condition(team, 1)
        );
        let rows: Vec<(i64, i64, i64)> = bind_team(sqlx::query_as(&sql), team)
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(team_id, day, open)| {
                let date = jiff::civil::date(1970, 1, 1)
                    .checked_add(jiff::Span::new().days(day))
                    .ok()?;
                Some(OpenDay {
                    team_id,
                    day: date.to_string(),
                    open,
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_middle_is_counted_as_the_case_desk_counts_it() {
        assert_eq!(super::median(&[]), None);
        assert_eq!(super::median(&[7]), Some(7));
        assert_eq!(super::median(&[1, 4]), Some(2));
        assert_eq!(super::median(&[3, 5, 100]), Some(5));
        assert_eq!(super::median(&[3, 6]), Some(4));
    }
}
