//! Cases: what is stored of them, raising them and reading them (ledgers, history,
//! checklist, pauses). Changes to a case are in `changes.rs`.

use yingcai_domain::Date;

use super::attachments::insert_attachments;
use super::changes::insert_event;
use super::*;
use crate::account_notifications::{NewNotice, NoticeKind, insert_notices, team_officers};

/// The same notice about a case to each of `accounts`.
pub(super) fn notices_to(
    accounts: &[i64],
    kind: NoticeKind,
    case_id: i64,
    title: &str,
) -> Vec<NewNotice> {
    accounts
        .iter()
        .map(|&account_id| NewNotice {
            account_id,
            kind,
            case_id: Some(case_id),
            payload: json!({ "title": title }),
        })
        .collect()
}

/// What an entry of a case's history is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The requester raised the case (the description is on the case).
    Opened,
    /// A message the requester reads (from either side).
    Reply,
    /// An internal note: only the team sees it.
    Note,
    /// The status changed (the body is the new status).
    Status,
    /// The case moved to another team (the body is the reason).
    Transfer,
    /// The targets changed (the body is the reason).
    Targets,
    /// A checklist item was added or done (the body says which).
    Checklist,
    /// The requester rated the service (the body is the comment).
    Rating,
}

impl EventKind {
    const ALL: [EventKind; 8] = [
        EventKind::Opened,
        EventKind::Reply,
        EventKind::Note,
        EventKind::Status,
        EventKind::Transfer,
        EventKind::Targets,
        EventKind::Checklist,
        EventKind::Rating,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::Opened => "opened",
            EventKind::Reply => "reply",
            EventKind::Note => "note",
            EventKind::Status => "status",
            EventKind::Transfer => "transfer",
            EventKind::Targets => "targets",
            EventKind::Checklist => "checklist",
            EventKind::Rating => "rating",
        }
    }

    fn parse(text: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A case as the requester raises it, routed to its team with its category's targets.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub team_id: i64,
    pub requester_account_id: i64,
    pub enterprise_id: Option<i64>,
    pub category: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub response_target: i64,
    pub resolution_target: i64,
    /// When it was raised (ms); the demo backdates its cases.
    pub opened_at: i64,
}

/// A case as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CaseRecord {
    pub case_id: i64,
    pub team_id: i64,
    pub requester_account_id: i64,
    pub enterprise_id: Option<i64>,
    pub category: String,
    pub title: String,
    pub description: String,
    pub status: CaseStatus,
    pub opened_at: i64,
    pub first_response_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub response_target: i64,
    pub resolution_target: i64,
    pub response_spent: Option<i64>,
    pub resolution_spent: Option<i64>,
    pub reopen_count: i64,
    pub rating: Option<u8>,
    pub rating_comment: Option<String>,
    pub rated_at: Option<i64>,
    pub warned_at: Option<i64>,
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
pub(super) struct CaseRow {
    case_id: i64,
    team_id: i64,
    requester_account_id: i64,
    enterprise_id: Option<i64>,
    category: String,
    title: String,
    description: String,
    status: String,
    opened_at: i64,
    first_response_at: Option<i64>,
    resolved_at: Option<i64>,
    closed_at: Option<i64>,
    response_target: i64,
    resolution_target: i64,
    response_spent: Option<i64>,
    resolution_spent: Option<i64>,
    reopen_count: i64,
    rating: Option<i64>,
    rating_comment: Option<String>,
    rated_at: Option<i64>,
    warned_at: Option<i64>,
    updated_at: i64,
}

pub(super) const CASE_COLUMNS: &str = "case_id, team_id, requester_account_id, enterprise_id, category, title, description, status, opened_at, first_response_at, resolved_at, closed_at, response_target, resolution_target, response_spent, resolution_spent, reopen_count, rating, rating_comment, rated_at, warned_at, updated_at";

impl TryFrom<CaseRow> for CaseRecord {
    type Error = StoreError;

    fn try_from(row: CaseRow) -> Result<CaseRecord, StoreError> {
        let id = row.case_id;
        let corrupt = |column: &'static str| StoreError::Corrupt {
            table: "service_case",
            row: id,
            column,
        };
        Ok(CaseRecord {
            case_id: id,
            team_id: row.team_id,
            requester_account_id: row.requester_account_id,
            enterprise_id: row.enterprise_id,
            category: row.category,
            title: row.title,
            description: row.description,
            status: row.status.parse().map_err(|_| corrupt("status"))?,
            opened_at: row.opened_at,
            first_response_at: row.first_response_at,
            resolved_at: row.resolved_at,
            closed_at: row.closed_at,
            response_target: row.response_target,
            resolution_target: row.resolution_target,
            response_spent: row.response_spent,
            resolution_spent: row.resolution_spent,
            reopen_count: row.reopen_count,
            rating: row
                .rating
                .map(|r| {
                    u8::try_from(r)
                        .ok()
                        .filter(|r| (1..=5).contains(r))
                        .ok_or_else(|| corrupt("rating"))
                })
                .transpose()?,
            rating_comment: row.rating_comment,
            rated_at: row.rated_at,
            warned_at: row.warned_at,
            updated_at: row.updated_at,
        })
    }
}

/// A span in which a case's clocks stood still.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct PauseRecord {
    pub from_at: i64,
    pub until_at: Option<i64>,
    pub reason: String,
}

/// One entry of a case's history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CaseEvent {
    pub event_id: i64,
    pub at: i64,
    pub actor_account_id: Option<i64>,
    pub kind: EventKind,
    pub visible_to_requester: bool,
    pub body: String,
    /// For a transfer: the team it moved to.
    pub team_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    event_id: i64,
    at: i64,
    actor_account_id: Option<i64>,
    kind: String,
    visible_to_requester: i64,
    body: String,
    team_id: Option<i64>,
}

impl TryFrom<EventRow> for CaseEvent {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<CaseEvent, StoreError> {
        let corrupt = |column| StoreError::Corrupt {
            table: "service_case_event",
            row: row.event_id,
            column,
        };
        Ok(CaseEvent {
            event_id: row.event_id,
            at: row.at,
            actor_account_id: row.actor_account_id,
            kind: EventKind::parse(&row.kind).ok_or_else(|| corrupt("kind"))?,
            visible_to_requester: match row.visible_to_requester {
                0 => false,
                1 => true,
                _ => return Err(corrupt("visible_to_requester")),
            },
            body: row.body,
            team_id: row.team_id,
        })
    }
}

/// A checklist item of a case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChecklistItem {
    pub item_id: i64,
    pub text: String,
    pub owner_account_id: Option<i64>,
    pub due_date: Option<Date>,
    pub done_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ChecklistRow {
    item_id: i64,
    text: String,
    owner_account_id: Option<i64>,
    due_date: Option<String>,
    done_at: Option<i64>,
}

impl TryFrom<ChecklistRow> for ChecklistItem {
    type Error = StoreError;

    fn try_from(row: ChecklistRow) -> Result<ChecklistItem, StoreError> {
        Ok(ChecklistItem {
            item_id: row.item_id,
            due_date: row
                .due_date
                .map(|d| {
                    d.parse().map_err(|_| StoreError::Corrupt {
                        table: "service_checklist_item",
                        row: row.item_id,
                        column: "due_date",
                    })
                })
                .transpose()?,
            text: row.text,
            owner_account_id: row.owner_account_id,
            done_at: row.done_at,
        })
    }
}

/// Which cases to list, newest first; every field narrows the list.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub team_id: Option<i64>,
    pub requester_account_id: Option<i64>,
    /// Only these statuses (empty: any).
    pub statuses: Vec<CaseStatus>,
    /// Words in the title or description.
    pub text: Option<String>,
    /// Only cases with an id below this (paging back).
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// One decided change to a case: its status (possibly unchanged) and what goes with it.
#[derive(Debug, Clone)]
pub struct CaseTransition<'a> {
    /// The status the decision was made on; if the case has moved on meanwhile, nothing
    /// changes ([`CaseChangeError::Stale`]).
    pub from: CaseStatus,
    pub to: CaseStatus,
    pub at: i64,
    /// A reply or a note that goes with the change.
    pub message: Option<(EventKind, &'a str)>,
    /// This is the team's first reply the requester reads: the response clock stops (if
    /// it has not already), with `response_spent` working minutes spent (`None` when the
    /// calendar could not count them).
    pub first_response: bool,
    pub response_spent: Option<i64>,
    /// The working minutes the resolution clock had spent, when `to` is resolved.
    pub resolution_spent: Option<i64>,
}

/// The facts of one case that the team's monthly figures are computed from.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamMonthRow {
    pub opened_at: i64,
    pub first_response_at: Option<i64>,
    pub response_spent: Option<i64>,
    pub response_target: i64,
    pub resolved_at: Option<i64>,
    pub resolution_spent: Option<i64>,
    pub resolution_target: i64,
    pub rating: Option<i64>,
    pub reopen_count: i64,
    pub status: String,
}

pub(super) fn is_pause(status: CaseStatus) -> bool {
    matches!(
        status,
        CaseStatus::WaitingRequester | CaseStatus::WaitingBureau | CaseStatus::Resolved
    )
}

impl Store {
    /// Raises a case in its team's ledger.
    pub async fn open_case(&self, case: &NewCase<'_>, actor: &Actor) -> Result<i64, StoreError> {
        self.open_case_with_files(case, &[], actor).await
    }

    /// [`Store::open_case`] with the files the requester raised it with, written in the same
    /// transaction as the case and its first history entry.
    pub async fn open_case_with_files(
        &self,
        case: &NewCase<'_>,
        files: &[NewAttachment],
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let case_id: i64 = sqlx::query_scalar(
            "insert into service_case (team_id, requester_account_id, enterprise_id, category, title, description, status, opened_at, response_target, resolution_target, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $8) returning case_id",
        )
        .bind(case.team_id)
        .bind(case.requester_account_id)
        .bind(case.enterprise_id)
        .bind(case.category)
        .bind(case.title)
        .bind(case.description)
        .bind(CaseStatus::New.as_str())
        .bind(case.opened_at)
        .bind(case.response_target)
        .bind(case.resolution_target)
        .fetch_one(&mut *tx)
        .await?;
        let event = insert_event(
            &mut tx,
            case_id,
            case.opened_at,
            actor,
            EventKind::Opened,
            true,
            "",
            None,
        )
        .await?;
        insert_attachments(&mut tx, case_id, event, actor, files, case.opened_at)
            .await
            .map_err(|refused| match refused {
                CaseChangeError::Store(error) => error,
                other => StoreError::Other(anyhow::anyhow!("{other}")),
            })?;
        let officers = team_officers(&mut tx, case.team_id, actor_id(actor)).await?;
        let notices = notices_to(&officers, NoticeKind::CaseOpened, case_id, case.title);
        insert_notices(&mut tx, &notices, case.opened_at).await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "service_case.open",
                entity: "service_case",
                entity_id: case_id.to_string(),
                before: None,
                after: Some(json!({
                    "team_id": case.team_id, "category": case.category, "title": case.title,
                    "enterprise_id": case.enterprise_id,
                    "response_target": case.response_target,
                    "resolution_target": case.resolution_target,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(case_id)
    }

    pub async fn case(&self, case_id: i64) -> Result<CaseRecord, StoreError> {
        let row: CaseRow = sqlx::query_as(&format!(
            "select {CASE_COLUMNS} from service_case where case_id = $1"
        ))
        .bind(case_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        row.try_into()
    }

    /// Cases matching `filter`, newest first. The statement holds only the conditions the
    /// filter sets, so each shape has its own plan (a team's ledger walks the
    /// `(team_id, case_id)` index backwards and stops after `limit` rows).
    pub async fn cases(&self, filter: &CaseFilter) -> Result<Vec<CaseRecord>, StoreError> {
        // sqlx's query builder writes `?` placeholders for the `Any` driver, which
        // PostgreSQL refuses: number them here.
        enum Bind {
            Int(i64),
            Text(String),
        }
        let mut sql = format!("select {CASE_COLUMNS} from service_case where 1 = 1");
        let mut binds: Vec<Bind> = Vec::new();
        let param = |binds: &mut Vec<Bind>, value: Bind| {
            binds.push(value);
            format!("${}", binds.len())
        };
        if let Some(team) = filter.team_id {
            sql += &format!(" and team_id = {}", param(&mut binds, Bind::Int(team)));
        }
        if let Some(requester) = filter.requester_account_id {
            sql += &format!(
                " and requester_account_id = {}",
                param(&mut binds, Bind::Int(requester))
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
        if let Some(text) = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let pattern = format!("%{}%", text.replace(['%', '_'], ""));
            let p = param(&mut binds, Bind::Text(pattern));
            sql += &format!(" and (title like {p} or description like {p})");
        }
        if let Some(before) = filter.before_id {
            sql += &format!(" and case_id < {}", param(&mut binds, Bind::Int(before)));
        }
        sql += &format!(
            " order by case_id desc limit {}",
            param(&mut binds, Bind::Int(filter.limit.clamp(1, 500)))
        );
        let mut query = sqlx::query_as::<_, CaseRow>(&sql);
        for bind in binds {
            query = match bind {
                Bind::Int(v) => query.bind(v),
                Bind::Text(v) => query.bind(v),
            };
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.into_iter().map(CaseRecord::try_from).collect()
    }

    /// How many cases of a team stand in each status.
    pub async fn team_case_counts(
        &self,
        team_id: i64,
    ) -> Result<Vec<(CaseStatus, i64)>, StoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "select status, count(*) from service_case where team_id = $1 group by status",
        )
        .bind(team_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(status, n)| {
                status
                    .parse()
                    .map(|s| (s, n))
                    .map_err(|_| StoreError::Corrupt {
                        table: "service_case",
                        row: team_id,
                        column: "status",
                    })
            })
            .collect()
    }

    /// The requester's cases still open (not resolved or closed): `(case_id, title and
    /// description)`, for the duplicate hint.
    pub async fn open_case_texts(
        &self,
        requester_account_id: i64,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(sqlx::query_as(
            "select case_id, title || ' ' || description from service_case
              where requester_account_id = $1 and status not in ('resolved', 'closed')
              order by case_id desc limit 200",
        )
        .bind(requester_account_id)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn case_pauses(&self, case_id: i64) -> Result<Vec<PauseRecord>, StoreError> {
        Ok(sqlx::query_as(
            "select from_at, until_at, reason from service_case_pause where case_id = $1 order by from_at, pause_id",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// A case's history, oldest first; `internal` includes the team's notes.
    pub async fn case_events(
        &self,
        case_id: i64,
        internal: bool,
    ) -> Result<Vec<CaseEvent>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(
            "select event_id, at, actor_account_id, kind, visible_to_requester, body, team_id
               from service_case_event where case_id = $1 and ($2 = 1 or visible_to_requester = 1)
              order by event_id",
        )
        .bind(case_id)
        .bind(i64::from(internal))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(CaseEvent::try_from).collect()
    }

    pub async fn case_checklist(&self, case_id: i64) -> Result<Vec<ChecklistItem>, StoreError> {
        let rows: Vec<ChecklistRow> = sqlx::query_as(
            "select item_id, text, owner_account_id, due_date, done_at from service_checklist_item
              where case_id = $1 order by item_id",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(ChecklistItem::try_from).collect()
    }
}
