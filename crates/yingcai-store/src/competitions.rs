//! Open competitions (揭榜挂帅): needs with their indicators and rubric, their history, and
//! the numbered lists (榜单) they are published on. Each change is one transaction with its
//! history entry and its audit entry; which change is allowed when is decided by the
//! services, and each statement here still changes a need only from the status the
//! decision was made on.

use serde_json::json;
use yingcai_domain::competition::{Confidentiality, Criterion, Indicator, IpTerms, Need};
use yingcai_domain::status::NeedStatus;
use yingcai_domain::{Date, Fen};

use crate::audit::{self, Actor, Change};
use crate::policy::actor_id;
use crate::{Store, StoreError, dialect};

crate::refusal! {
    /// Why a change to a need or a list was not made.
    pub enum NeedChangeError {
        /// The need is not where the decision was made: someone changed it meanwhile.
        Stale => ("status", "need-stale", "the need was changed by someone else meanwhile"),
        /// A need on the list is no longer accepted, or its deadline is now too early.
        NotPublishable => ("needs", "list-need-not-publishable", "a need of the list cannot be published"),
        /// Another list took the number at the same moment.
        NumberTaken => ("title", "list-number-taken", "another list was published at the same moment"),
    }
}

/// A need as its issuer drafts it.
#[derive(Debug, Clone)]
pub struct NewNeed<'a> {
    pub owner_account_id: i64,
    pub enterprise_id: Option<i64>,
    pub issuer: &'a str,
    pub need: &'a Need,
    pub at: i64,
}

/// A need as stored, with its indicators and rubric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedRecord {
    pub need_id: i64,
    pub owner_account_id: i64,
    pub enterprise_id: Option<i64>,
    pub issuer: String,
    pub status: NeedStatus,
    pub return_reason: Option<String>,
    pub list_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub accepted_at: Option<i64>,
    pub published_at: Option<i64>,
    pub need: Need,
}

#[derive(sqlx::FromRow)]
struct NeedRow {
    need_id: i64,
    owner_account_id: i64,
    enterprise_id: Option<i64>,
    issuer: String,
    title: String,
    field: String,
    description: String,
    budget_fen: i64,
    duration_months: i64,
    bid_deadline: String,
    ip_terms: String,
    ip_note: String,
    confidentiality: String,
    confidentiality_note: String,
    stages: i64,
    winners: i64,
    status: String,
    return_reason: Option<String>,
    list_id: Option<i64>,
    created_at: i64,
    updated_at: i64,
    submitted_at: Option<i64>,
    accepted_at: Option<i64>,
    published_at: Option<i64>,
}

const NEED_COLUMNS: &str = "need_id, owner_account_id, enterprise_id, issuer, title, field, description, budget_fen, duration_months, bid_deadline, ip_terms, ip_note, confidentiality, confidentiality_note, stages, winners, status, return_reason, list_id, created_at, updated_at, submitted_at, accepted_at, published_at";

#[derive(sqlx::FromRow)]
struct IndicatorRow {
    need_id: i64,
    name: String,
    target: String,
    unit: String,
}

#[derive(sqlx::FromRow)]
struct CriterionRow {
    need_id: i64,
    criterion_id: i64,
    name: String,
    weight: i64,
}

impl NeedRow {
    fn into_record(
        self,
        indicators: Vec<Indicator>,
        criteria: Vec<Criterion>,
    ) -> Result<NeedRecord, StoreError> {
        let id = self.need_id;
        let corrupt = |column: &'static str| StoreError::Corrupt {
            table: "competition_need",
            row: id,
            column,
        };
        let small = |value: i64, column| u8::try_from(value).map_err(|_| corrupt(column));
        Ok(NeedRecord {
            need_id: id,
            owner_account_id: self.owner_account_id,
            enterprise_id: self.enterprise_id,
            issuer: self.issuer,
            status: self.status.parse().map_err(|_| corrupt("status"))?,
            return_reason: self.return_reason,
            list_id: self.list_id,
            created_at: self.created_at,
            updated_at: self.updated_at,
            submitted_at: self.submitted_at,
            accepted_at: self.accepted_at,
            published_at: self.published_at,
            need: Need {
                title: self.title,
                field: self.field,
                description: self.description,
                indicators,
                budget: Fen(self.budget_fen),
                duration_months: small(self.duration_months, "duration_months")?,
                bid_deadline: self
                    .bid_deadline
                    .parse::<Date>()
                    .map_err(|_| corrupt("bid_deadline"))?,
                ip_terms: IpTerms::parse(&self.ip_terms).ok_or_else(|| corrupt("ip_terms"))?,
                ip_note: self.ip_note,
                confidentiality: Confidentiality::parse(&self.confidentiality)
                    .ok_or_else(|| corrupt("confidentiality"))?,
                confidentiality_note: self.confidentiality_note,
                criteria,
                stages: small(self.stages, "stages")?,
                winners: small(self.winners, "winners")?,
            },
        })
    }
}

/// One entry of a need's history: the status it entered, by whom, and the reason given.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NeedEvent {
    pub at: i64,
    pub actor_account_id: Option<i64>,
    pub status: NeedStatus,
    pub note: String,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    event_id: i64,
    at: i64,
    actor_account_id: Option<i64>,
    status: String,
    note: String,
}

/// A published list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct ListRecord {
    pub list_id: i64,
    /// `2026-1`: the Beijing year of publication and the list's place in it.
    pub number: String,
    pub title: String,
    pub published_at: i64,
    pub published_by: Option<i64>,
    /// The shortest bid window the list was published with, in days.
    pub min_window_days: i64,
}

/// A list to publish: the needs in their order, each still accepted and closing on or
/// after `earliest_deadline`.
#[derive(Debug, Clone)]
pub struct NewList<'a> {
    pub title: &'a str,
    /// The Beijing year the list is numbered in.
    pub year: i16,
    pub min_window_days: u32,
    pub earliest_deadline: Date,
    pub need_ids: &'a [i64],
    pub at: i64,
}

/// Which needs to list; every field narrows the list. Newest first, or in list order when
/// `list_id` is set.
#[derive(Debug, Clone, Default)]
pub struct NeedFilter {
    pub owner_account_id: Option<i64>,
    /// Only these statuses (empty: any).
    pub statuses: Vec<NeedStatus>,
    pub list_id: Option<i64>,
    /// Only this field (an industry code).
    pub field: Option<String>,
    /// Words in the title, description or issuer — or the name of one of these fields
    /// (the web finds the fields whose name holds the words, in either language).
    pub text: Option<String>,
    pub text_fields: Vec<String>,
    pub limit: i64,
}

enum Bind {
    Int(i64),
    Text(String),
}

impl Store {
    /// Saves a new draft with its indicators and rubric.
    pub async fn create_need(&self, new: &NewNeed<'_>, actor: &Actor) -> Result<i64, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let n = new.need;
        let need_id: i64 = sqlx::query_scalar(
            "insert into competition_need (owner_account_id, enterprise_id, issuer, title, field, description, budget_fen, duration_months, bid_deadline, ip_terms, ip_note, confidentiality, confidentiality_note, stages, winners, status, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) returning need_id",
        )
        .bind(new.owner_account_id)
        .bind(new.enterprise_id)
        .bind(new.issuer)
        .bind(&n.title)
        .bind(&n.field)
        .bind(&n.description)
        .bind(n.budget.0)
        .bind(i64::from(n.duration_months))
        .bind(n.bid_deadline.to_string())
        .bind(n.ip_terms.as_str())
        .bind(&n.ip_note)
        .bind(n.confidentiality.as_str())
        .bind(&n.confidentiality_note)
        .bind(i64::from(n.stages))
        .bind(i64::from(n.winners))
        .bind(NeedStatus::Draft.as_str())
        .bind(new.at)
        .fetch_one(&mut *tx)
        .await?;
        insert_rows(&mut tx, need_id, n).await?;
        insert_event(&mut tx, need_id, new.at, actor, NeedStatus::Draft, "").await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "competition_need.draft",
                entity: "competition_need",
                entity_id: need_id.to_string(),
                before: None,
                after: Some(need_json(new.issuer, n)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(need_id)
    }

    /// Replaces a need's content while it is a draft or returned (`from`, the status the
    /// edit was decided on).
    pub async fn update_need(
        &self,
        need_id: i64,
        from: NeedStatus,
        issuer: &str,
        need: &Need,
        at: i64,
        actor: &Actor,
    ) -> Result<(), NeedChangeError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let n = need;
        let changed = sqlx::query(
            "update competition_need set issuer = $1, title = $2, field = $3, description = $4, budget_fen = $5, duration_months = $6, bid_deadline = $7, ip_terms = $8, ip_note = $9, confidentiality = $10, confidentiality_note = $11, stages = $12, winners = $13, updated_at = $14
              where need_id = $15 and status = $16 and status in ('draft', 'returned')",
        )
        .bind(issuer)
        .bind(&n.title)
        .bind(&n.field)
        .bind(&n.description)
        .bind(n.budget.0)
        .bind(i64::from(n.duration_months))
        .bind(n.bid_deadline.to_string())
        .bind(n.ip_terms.as_str())
        .bind(&n.ip_note)
        .bind(n.confidentiality.as_str())
        .bind(&n.confidentiality_note)
        .bind(i64::from(n.stages))
        .bind(i64::from(n.winners))
        .bind(at)
        .bind(need_id)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(NeedChangeError::Stale);
        }
        for table in ["competition_indicator", "competition_criterion"] {
            sqlx::query(&format!("delete from {table} where need_id = $1"))
                .bind(need_id)
                .execute(&mut *tx)
                .await?;
        }
        insert_rows(&mut tx, need_id, n).await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "competition_need.edit",
                entity: "competition_need",
                entity_id: need_id.to_string(),
                before: Some(json!({ "status": from.as_str() })),
                after: Some(need_json(issuer, n)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves a need from `from` to `to` (submitted, returned with `note` as the reason,
    /// accepted), with its history entry.
    pub async fn move_need(
        &self,
        need_id: i64,
        from: NeedStatus,
        to: NeedStatus,
        note: &str,
        at: i64,
        actor: &Actor,
    ) -> Result<(), NeedChangeError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let changed = sqlx::query(
            "update competition_need set status = $1, updated_at = $2,
                return_reason = case when $1 = 'returned' then $3 else null end,
                submitted_at = case when $1 = 'submitted' then $2 else submitted_at end,
                accepted_at = case when $1 = 'accepted' then $2 else accepted_at end
              where need_id = $4 and status = $5",
        )
        .bind(to.as_str())
        .bind(at)
        .bind(note)
        .bind(need_id)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(NeedChangeError::Stale);
        }
        insert_event(&mut tx, need_id, at, actor, to, note).await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "competition_need.status",
                entity: "competition_need",
                entity_id: need_id.to_string(),
                before: Some(json!({ "status": from.as_str() })),
                after: Some(
                    json!({ "status": to.as_str(), "reason": (!note.is_empty()).then_some(note) }),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Publishes a numbered list: the next number of `year`, every need on it published
    /// in the given order — all of them or none (a need no longer accepted, or closing
    /// before `earliest_deadline`, refuses the whole list).
    pub async fn publish_list(
        &self,
        list: &NewList<'_>,
        actor: &Actor,
    ) -> Result<ListRecord, NeedChangeError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let year = i64::from(list.year);
        let seq: i64 = sqlx::query_scalar::<_, i64>(
            "select coalesce(max(seq), 0) + 1 from competition_list where year = $1",
        )
        .bind(year)
        .fetch_one(&mut *tx)
        .await?;
        let number = format!("{year}-{seq}");
        let inserted = sqlx::query_scalar::<_, i64>(
            "insert into competition_list (number, year, seq, title, published_at, published_by, min_window_days)
             values ($1, $2, $3, $4, $5, $6, $7) returning list_id",
        )
        .bind(&number)
        .bind(year)
        .bind(seq)
        .bind(list.title)
        .bind(list.at)
        .bind(actor_id(actor))
        .bind(i64::from(list.min_window_days))
        .fetch_one(&mut *tx)
        .await;
        let list_id = match inserted.map_err(StoreError::from) {
            Ok(id) => id,
            Err(StoreError::Conflict { .. }) => return Err(NeedChangeError::NumberTaken),
            Err(other) => return Err(other.into()),
        };
        for (position, need_id) in list.need_ids.iter().enumerate() {
            let changed = sqlx::query(
                "update competition_need set status = 'published', list_id = $1, list_position = $2, published_at = $3, updated_at = $3
                  where need_id = $4 and status = 'accepted' and bid_deadline >= $5",
            )
            .bind(list_id)
            .bind(position as i64)
            .bind(list.at)
            .bind(need_id)
            .bind(list.earliest_deadline.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(NeedChangeError::NotPublishable);
            }
            insert_event(
                &mut tx,
                *need_id,
                list.at,
                actor,
                NeedStatus::Published,
                &number,
            )
            .await?;
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "competition_list.publish",
                entity: "competition_list",
                entity_id: list_id.to_string(),
                before: None,
                after: Some(json!({
                    "number": number, "title": list.title, "needs": list.need_ids,
                    "min_window_days": list.min_window_days,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(ListRecord {
            list_id,
            number,
            title: list.title.to_owned(),
            published_at: list.at,
            published_by: actor_id(actor),
            min_window_days: i64::from(list.min_window_days),
        })
    }

    pub async fn need(&self, need_id: i64) -> Result<NeedRecord, StoreError> {
        let row: NeedRow = sqlx::query_as(&format!(
            "select {NEED_COLUMNS} from competition_need where need_id = $1"
        ))
        .bind(need_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        self.with_rows(vec![row])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// Needs matching `filter` (at most 500).
    pub async fn needs(&self, filter: &NeedFilter) -> Result<Vec<NeedRecord>, StoreError> {
        let mut sql = format!("select {NEED_COLUMNS} from competition_need where 1 = 1");
        let mut binds: Vec<Bind> = Vec::new();
        let param = |binds: &mut Vec<Bind>, value: Bind| {
            binds.push(value);
            format!("${}", binds.len())
        };
        if let Some(owner) = filter.owner_account_id {
            sql += &format!(
                " and owner_account_id = {}",
                param(&mut binds, Bind::Int(owner))
            );
        }
        if !filter.statuses.is_empty() {
            let list: Vec<String> = filter
                .statuses
                .iter()
                .map(|s| param(&mut binds, Bind::Text(s.as_str().to_owned())))
                .collect();
            sql += &format!(" and status in ({})", list.join(", "));
        }
        if let Some(list) = filter.list_id {
            sql += &format!(" and list_id = {}", param(&mut binds, Bind::Int(list)));
        }
        if let Some(field) = &filter.field {
            sql += &format!(
                " and field = {}",
                param(&mut binds, Bind::Text(field.clone()))
            );
        }
        // PostgreSQL refuses a NUL in a text parameter; no stored text holds a control
        // character anyway.
        let text: Option<String> = filter
            .text
            .as_deref()
            .map(|t| t.chars().filter(|c| !c.is_control()).collect::<String>())
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
        if let Some(text) = text {
            let pattern = format!("%{}%", text.to_lowercase().replace(['%', '_'], ""));
            let p = param(&mut binds, Bind::Text(pattern));
            let mut any = vec![
                format!("lower(title) like {p}"),
                format!("lower(description) like {p}"),
                format!("lower(issuer) like {p}"),
            ];
            for field in &filter.text_fields {
                any.push(format!(
                    "field = {}",
                    param(&mut binds, Bind::Text(field.clone()))
                ));
            }
            sql += &format!(" and ({})", any.join(" or "));
        }
        sql += if filter.list_id.is_some() {
            " order by list_position, need_id"
        } else {
            " order by need_id desc"
        };
        sql += &format!(
            " limit {}",
            param(&mut binds, Bind::Int(filter.limit.clamp(1, 500)))
        );
        let mut query = sqlx::query_as::<_, NeedRow>(&sql);
        for bind in binds {
            query = match bind {
                Bind::Int(v) => query.bind(v),
                Bind::Text(v) => query.bind(v),
            };
        }
        let rows = query.fetch_all(self.pool()).await?;
        self.with_rows(rows).await
    }

    /// The needs with their indicators and criteria, read in two statements.
    async fn with_rows(&self, rows: Vec<NeedRow>) -> Result<Vec<NeedRecord>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = (1..=rows.len()).map(|i| format!("${i}")).collect();
        let ids = ids.join(", ");
        let indicators_sql = format!(
            "select need_id, name, target, unit from competition_indicator where need_id in ({ids}) order by need_id, position"
        );
        let criteria_sql = format!(
            "select need_id, criterion_id, name, weight from competition_criterion where need_id in ({ids}) order by need_id, position"
        );
        let mut indicators = sqlx::query_as::<_, IndicatorRow>(&indicators_sql);
        let mut criteria = sqlx::query_as::<_, CriterionRow>(&criteria_sql);
        for row in &rows {
            indicators = indicators.bind(row.need_id);
            criteria = criteria.bind(row.need_id);
        }
        let indicators = indicators.fetch_all(self.pool()).await?;
        let criteria = criteria.fetch_all(self.pool()).await?;
        rows.into_iter()
            .map(|row| {
                let id = row.need_id;
                let own_indicators = indicators
                    .iter()
                    .filter(|i| i.need_id == id)
                    .map(|i| Indicator {
                        name: i.name.clone(),
                        target: i.target.clone(),
                        unit: i.unit.clone(),
                    })
                    .collect();
                let own_criteria = criteria
                    .iter()
                    .filter(|c| c.need_id == id)
                    .map(|c| {
                        Ok(Criterion {
                            name: c.name.clone(),
                            weight: u8::try_from(c.weight).map_err(|_| StoreError::Corrupt {
                                table: "competition_criterion",
                                row: c.criterion_id,
                                column: "weight",
                            })?,
                        })
                    })
                    .collect::<Result<_, StoreError>>()?;
                row.into_record(own_indicators, own_criteria)
            })
            .collect()
    }

    /// A need's history, oldest first.
    pub async fn need_events(&self, need_id: i64) -> Result<Vec<NeedEvent>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(
            "select event_id, at, actor_account_id, status, note from competition_need_event where need_id = $1 order by event_id",
        )
        .bind(need_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(NeedEvent {
                    status: row.status.parse().map_err(|_| StoreError::Corrupt {
                        table: "competition_need_event",
                        row: row.event_id,
                        column: "status",
                    })?,
                    at: row.at,
                    actor_account_id: row.actor_account_id,
                    note: row.note,
                })
            })
            .collect()
    }

    /// Every published list, newest first.
    pub async fn competition_lists(&self) -> Result<Vec<ListRecord>, StoreError> {
        Ok(sqlx::query_as(
            "select list_id, number, title, published_at, published_by, min_window_days from competition_list order by published_at desc, list_id desc limit 500",
        )
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn competition_list(&self, list_id: i64) -> Result<ListRecord, StoreError> {
        sqlx::query_as(
            "select list_id, number, title, published_at, published_by, min_window_days from competition_list where list_id = $1",
        )
        .bind(list_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// How many needs there are (the demo seeds its needs only into an empty table).
    pub async fn count_needs(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("select count(*) from competition_need")
            .fetch_one(self.pool())
            .await?)
    }
}

fn need_json(issuer: &str, n: &Need) -> serde_json::Value {
    json!({
        "issuer": issuer, "title": n.title, "field": n.field,
        "budget_fen": n.budget.0, "duration_months": n.duration_months,
        "bid_deadline": n.bid_deadline.to_string(),
        "ip_terms": n.ip_terms.as_str(), "confidentiality": n.confidentiality.as_str(),
        "indicators": n.indicators.len(),
        "criteria": n.criteria.iter().map(|c| json!([c.name, c.weight])).collect::<Vec<_>>(),
        "stages": n.stages, "winners": n.winners,
    })
}

async fn insert_rows(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    need_id: i64,
    n: &Need,
) -> Result<(), StoreError> {
    for (position, i) in n.indicators.iter().enumerate() {
        sqlx::query(
            "insert into competition_indicator (need_id, position, name, target, unit) values ($1, $2, $3, $4, $5)",
        )
        .bind(need_id)
        .bind(position as i64)
        .bind(&i.name)
        .bind(&i.target)
        .bind(&i.unit)
        .execute(&mut **tx)
        .await?;
    }
    for (position, c) in n.criteria.iter().enumerate() {
        sqlx::query(
            "insert into competition_criterion (need_id, position, name, weight) values ($1, $2, $3, $4)",
        )
        .bind(need_id)
        .bind(position as i64)
        .bind(&c.name)
        .bind(i64::from(c.weight))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn insert_event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    need_id: i64,
    at: i64,
    actor: &Actor,
    status: NeedStatus,
    note: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into competition_need_event (need_id, at, actor_account_id, status, note) values ($1, $2, $3, $4, $5)",
    )
    .bind(need_id)
    .bind(at)
    .bind(actor_id(actor))
    .bind(status.as_str())
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
