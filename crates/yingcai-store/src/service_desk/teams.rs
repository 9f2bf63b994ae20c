//! Teams, pairing, categories and calendar years.

use super::*;

/// A service team with whom and what it serves.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TeamRecord {
    pub team_id: i64,
    pub name: String,
    /// The English name, for the teams made from the industry catalogue; None: `name` in
    /// both languages.
    pub name_en: Option<String>,
    pub leader_account_id: Option<i64>,
    /// Industry codes (from the registry's catalogue).
    pub industries: Vec<String>,
    /// Districts served; empty: every district.
    pub districts: Vec<String>,
    /// Officers' account ids.
    pub members: Vec<i64>,
}

impl TeamRecord {
    /// Whether this team serves an enterprise of `industry` in `district`.
    pub fn serves(&self, industry: &str, district: &str) -> bool {
        self.industries.iter().any(|i| i == industry)
            && (self.districts.is_empty() || self.districts.iter().any(|d| d == district))
    }

    /// The name to show in `locale`.
    pub fn name_in(&self, locale: yingcai_domain::Locale) -> &str {
        match (&self.name_en, locale) {
            (Some(english), yingcai_domain::Locale::En) => english,
            _ => &self.name,
        }
    }

    /// A team no officer serves yet (made from the catalogue, or left empty by an
    /// administrator): its cases wait until one is added.
    pub fn unstaffed(&self) -> bool {
        self.members.is_empty() && self.leader_account_id.is_none()
    }
}

/// An enterprise a team serves, as the officers' team page lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct PairedEnterprise {
    pub enterprise_id: i64,
    pub name: String,
    pub industry: String,
    pub district: String,
    /// The officer who paired it; None: paired automatically by industry and district.
    pub paired_by: Option<i64>,
    pub paired_at: i64,
}

/// A team made from the registry's industry catalogue: one industry, every district, no
/// leader or members yet (an administrator adds them).
#[derive(Debug, Clone)]
pub struct DefaultTeam {
    pub industry: String,
    pub name: String,
    pub name_en: String,
}

/// A team as an administrator saves it (checked by the service).
#[derive(Debug, Clone)]
pub struct TeamInput {
    pub name: String,
    pub leader_account_id: Option<i64>,
    pub industries: Vec<String>,
    pub districts: Vec<String>,
    pub members: Vec<i64>,
}

/// A case category and its service targets in working minutes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct CategoryRecord {
    pub code: String,
    pub position: i64,
    pub response_minutes: i64,
    pub resolution_minutes: i64,
}

/// A year of the working-time calendar added by an administrator.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CalendarYearRecord {
    pub year: i64,
    /// The year's entry, in the calendar's TOML form.
    pub data: String,
    pub added_by: Option<i64>,
    pub added_at: i64,
}

#[derive(sqlx::FromRow)]
struct TeamRow {
    team_id: i64,
    name: String,
    name_en: Option<String>,
    leader_account_id: Option<i64>,
}

impl Store {
    /// Every team, by name, with its industries, districts and members.
    pub async fn service_teams(&self) -> Result<Vec<TeamRecord>, StoreError> {
        let rows: Vec<TeamRow> = sqlx::query_as(
            "select team_id, name, name_en, leader_account_id from service_team order by name, team_id",
        )
        .fetch_all(self.pool())
        .await?;
        let industries: Vec<(i64, String)> =
            sqlx::query_as("select team_id, industry from service_team_industry order by industry")
                .fetch_all(self.pool())
                .await?;
        let districts: Vec<(i64, String)> =
            sqlx::query_as("select team_id, district from service_team_district order by district")
                .fetch_all(self.pool())
                .await?;
        let members: Vec<(i64, i64)> = sqlx::query_as(
            "select team_id, account_id from service_team_member order by account_id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let id = row.team_id;
                TeamRecord {
                    team_id: id,
                    name: row.name,
                    name_en: row.name_en,
                    leader_account_id: row.leader_account_id,
                    industries: pick(&industries, id),
                    districts: pick(&districts, id),
                    members: pick(&members, id),
                }
            })
            .collect())
    }

    pub async fn service_team(&self, team_id: i64) -> Result<TeamRecord, StoreError> {
        self.service_teams()
            .await?
            .into_iter()
            .find(|t| t.team_id == team_id)
            .ok_or(StoreError::NotFound)
    }

    /// The teams an officer belongs to (as member or leader).
    pub async fn teams_of_officer(&self, account_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "select team_id from service_team_member where account_id = $1
             union select team_id from service_team where leader_account_id = $1
             order by 1",
        )
        .bind(account_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Creates a team (`team_id` None) or replaces one's name, leader, industries,
    /// districts and members.
    pub async fn save_service_team(
        &self,
        team_id: Option<i64>,
        team: &TeamInput,
        actor: &Actor,
    ) -> Result<i64, CaseChangeError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let now = now_ms();
        let id = match team_id {
            None => {
                sqlx::query_scalar(
                    "insert into service_team (name, leader_account_id, created_at, updated_at)
                     values ($1, $2, $3, $3) returning team_id",
                )
                .bind(&team.name)
                .bind(team.leader_account_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?
            }
            Some(id) => {
                let changed = sqlx::query(
                    "update service_team set name = $1, leader_account_id = $2, updated_at = $3,
                            name_en = case when name = $1 then name_en else null end
                      where team_id = $4",
                )
                .bind(&team.name)
                .bind(team.leader_account_id)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed == 0 {
                    return Err(CaseChangeError::NoSuchTeam);
                }
                for table in [
                    "service_team_industry",
                    "service_team_district",
                    "service_team_member",
                ] {
                    sqlx::query(&format!("delete from {table} where team_id = $1"))
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                id
            }
        };
        for industry in &team.industries {
            sqlx::query("insert into service_team_industry (team_id, industry) values ($1, $2)")
                .bind(id)
                .bind(industry)
                .execute(&mut *tx)
                .await?;
        }
        for district in &team.districts {
            sqlx::query("insert into service_team_district (team_id, district) values ($1, $2)")
                .bind(id)
                .bind(district)
                .execute(&mut *tx)
                .await?;
        }
        for member in &team.members {
            sqlx::query("insert into service_team_member (team_id, account_id) values ($1, $2)")
                .bind(id)
                .bind(member)
                .execute(&mut *tx)
                .await?;
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: if team_id.is_some() {
                    "service_team.update"
                } else {
                    "service_team.create"
                },
                entity: "service_team",
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({
                    "name": team.name, "leader": team.leader_account_id,
                    "industries": team.industries, "districts": team.districts,
                    "members": team.members,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Creates a team for each of `teams` whose industry no team serves yet, skipping a
    /// name already taken. With `only_when_none`, creates nothing at all unless the site has
    /// no team (a fresh install). Two app servers starting at once create them once: the
    /// check and the inserts hold the write lock (SQLite) or a lock on the table that
    /// conflicts with itself (PostgreSQL). Returns the new teams' ids.
    pub async fn create_default_teams(
        &self,
        teams: &[DefaultTeam],
        only_when_none: bool,
        actor: &Actor,
    ) -> Result<Vec<i64>, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        if self.backend() == crate::Backend::Postgres {
            sqlx::query("lock table service_team in share row exclusive mode")
                .execute(&mut *tx)
                .await?;
        }
        let existing: i64 = sqlx::query_scalar("select count(*) from service_team")
            .fetch_one(&mut *tx)
            .await?;
        if only_when_none && existing > 0 {
            return Ok(Vec::new());
        }
        let served: Vec<String> =
            sqlx::query_scalar("select distinct industry from service_team_industry")
                .fetch_all(&mut *tx)
                .await?;
        let names: Vec<String> = sqlx::query_scalar("select name from service_team")
            .fetch_all(&mut *tx)
            .await?;
        let now = now_ms();
        let mut created = Vec::new();
        for team in teams {
            if served.contains(&team.industry) || names.contains(&team.name) {
                continue;
            }
            let id: i64 = sqlx::query_scalar(
                "insert into service_team (name, name_en, leader_account_id, created_at, updated_at)
                 values ($1, $2, null, $3, $3) returning team_id",
            )
            .bind(&team.name)
            .bind(&team.name_en)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("insert into service_team_industry (team_id, industry) values ($1, $2)")
                .bind(id)
                .bind(&team.industry)
                .execute(&mut *tx)
                .await?;
            audit::append(
                &mut tx,
                actor,
                Change {
                    action: "service_team.create",
                    entity: "service_team",
                    entity_id: id.to_string(),
                    before: None,
                    after: Some(json!({
                        "name": team.name, "name_en": team.name_en, "leader": null,
                        "industries": [team.industry], "districts": [], "members": [],
                        "default": true,
                    })),
                },
            )
            .await?;
            created.push(id);
        }
        tx.commit().await?;
        Ok(created)
    }

    /// The team that serves an enterprise, if it is paired.
    pub async fn team_of_enterprise(&self, enterprise_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("select team_id from service_pairing where enterprise_id = $1")
                .bind(enterprise_id)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// Every pairing: `(enterprise_id, team_id, paired_by)`; `paired_by` None when it was
    /// automatic.
    pub async fn service_pairings(&self) -> Result<Vec<(i64, i64, Option<i64>)>, StoreError> {
        Ok(sqlx::query_as(
            "select enterprise_id, team_id, paired_by from service_pairing order by enterprise_id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Pairs an enterprise with a team. An officer's choice (`by_officer`) is kept by later
    /// automatic pairings; an automatic one never replaces an officer's.
    pub async fn pair_enterprise(
        &self,
        enterprise_id: i64,
        team_id: i64,
        by_officer: bool,
        actor: &Actor,
    ) -> Result<bool, CaseChangeError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let team: Option<i64> =
            sqlx::query_scalar("select team_id from service_team where team_id = $1")
                .bind(team_id)
                .fetch_optional(&mut *tx)
                .await?;
        if team.is_none() {
            return Err(CaseChangeError::NoSuchTeam);
        }
        let before: Option<(i64, Option<i64>)> = sqlx::query_as(
            "select team_id, paired_by from service_pairing where enterprise_id = $1",
        )
        .bind(enterprise_id)
        .fetch_optional(&mut *tx)
        .await?;
        match before {
            Some((_, Some(_))) if !by_officer => return Ok(false),
            Some((current, _)) if current == team_id && !by_officer => return Ok(false),
            _ => {}
        }
        let paired_by = if by_officer { actor_id(actor) } else { None };
        sqlx::query("delete from service_pairing where enterprise_id = $1")
            .bind(enterprise_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into service_pairing (enterprise_id, team_id, paired_by, paired_at) values ($1, $2, $3, $4)",
        )
        .bind(enterprise_id)
        .bind(team_id)
        .bind(paired_by)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "service_team.pair",
                entity: "enterprise",
                entity_id: enterprise_id.to_string(),
                before: before.map(|(team, _)| json!({ "team_id": team })),
                after: Some(json!({ "team_id": team_id, "by_officer": by_officer })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The first `limit` enterprises a team serves, by name, and how many it serves.
    pub async fn team_enterprises(
        &self,
        team_id: i64,
        limit: i64,
    ) -> Result<(Vec<PairedEnterprise>, i64), StoreError> {
        let rows = sqlx::query_as(
            "select e.enterprise_id, e.name, e.industry, e.district, p.paired_by, p.paired_at
               from service_pairing p join enterprise e on e.enterprise_id = p.enterprise_id
              where p.team_id = $1
              order by e.name, e.enterprise_id
              limit $2",
        )
        .bind(team_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let count: i64 =
            sqlx::query_scalar("select count(*) from service_pairing where team_id = $1")
                .bind(team_id)
                .fetch_one(self.pool())
                .await?;
        Ok((rows, count))
    }

    /// Verified enterprises that no team serves yet: `(enterprise_id, industry, district)`.
    pub async fn unpaired_enterprises(&self) -> Result<Vec<(i64, String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "select e.enterprise_id, e.industry, e.district from enterprise e
              where e.verified = 1
                and not exists (select 1 from service_pairing p where p.enterprise_id = e.enterprise_id)
              order by e.enterprise_id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// The categories, in their display order.
    pub async fn service_categories(&self) -> Result<Vec<CategoryRecord>, StoreError> {
        Ok(sqlx::query_as(
            "select code, position, response_minutes, resolution_minutes from service_category order by position, code",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Changes a category's targets for cases raised from now on.
    pub async fn set_category_targets(
        &self,
        code: &str,
        response_minutes: i64,
        resolution_minutes: i64,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let before: Option<(i64, i64)> = sqlx::query_as(
            "select response_minutes, resolution_minutes from service_category where code = $1",
        )
        .bind(code)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(before) = before else {
            return Err(StoreError::NotFound);
        };
        sqlx::query(
            "update service_category set response_minutes = $1, resolution_minutes = $2, updated_at = $3 where code = $4",
        )
        .bind(response_minutes)
        .bind(resolution_minutes)
        .bind(now_ms())
        .bind(code)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "service_category.targets",
                entity: "service_category",
                entity_id: code.to_owned(),
                before: Some(json!({"response_minutes": before.0, "resolution_minutes": before.1})),
                after: Some(
                    json!({"response_minutes": response_minutes, "resolution_minutes": resolution_minutes}),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The calendar years administrators added, by year.
    pub async fn calendar_years(&self) -> Result<Vec<CalendarYearRecord>, StoreError> {
        Ok(sqlx::query_as(
            "select year, data, added_by, added_at from work_calendar_year order by year",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Adds (or replaces) one year of the working-time calendar; the caller has checked
    /// `data`.
    pub async fn save_calendar_year(
        &self,
        year: i64,
        data: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let before: Option<String> =
            sqlx::query_scalar("select data from work_calendar_year where year = $1")
                .bind(year)
                .fetch_optional(&mut *tx)
                .await?;
        sqlx::query("delete from work_calendar_year where year = $1")
            .bind(year)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into work_calendar_year (year, data, added_by, added_at) values ($1, $2, $3, $4)",
        )
        .bind(year)
        .bind(data)
        .bind(actor_id(actor))
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "calendar.year",
                entity: "work_calendar_year",
                entity_id: year.to_string(),
                before: before.map(|d| json!({ "data": d })),
                after: Some(json!({ "data": data })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn pick<T: Clone>(pairs: &[(i64, T)], id: i64) -> Vec<T> {
    pairs
        .iter()
        .filter(|(team, _)| *team == id)
        .map(|(_, v)| v.clone())
        .collect()
}
