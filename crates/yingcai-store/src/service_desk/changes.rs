//! Changes to a case: its status with pauses and stopped clocks, transfers, targets,
//! checklist items, ratings and the warnings' marks, each in one transaction with its
//! history entry, notifications and audit entry.

use yingcai_domain::Date;

use super::attachments::insert_attachments;
use super::cases::{CASE_COLUMNS, CaseRow, is_pause, notices_to};
use super::*;
use crate::account_notifications::{
    NewNotice, NoticeKind, insert_notices, notify_change, team_officers,
};

impl Store {
    /// Applies one decided change: the status (only if the case still stands where the
    /// decision was made), its pauses, the clocks it stops, the message, the notifications
    /// it gives and the audit entry. The first answer also lets the resolution clock be
    /// warned about (the one warning so far was the response clock's).
    pub async fn change_case(
        &self,
        case_id: i64,
        change: &CaseTransition<'_>,
        actor: &Actor,
    ) -> Result<(), CaseChangeError> {
        self.change_case_with_files(case_id, change, &[], actor)
            .await
    }

    /// [`Store::change_case`] with files that come with the change's message (a reply the
    /// requester reads or an internal note), written in the same transaction; without a
    /// message they come with an empty reply.
    pub async fn change_case_with_files(
        &self,
        case_id: i64,
        change: &CaseTransition<'_>,
        files: &[NewAttachment],
        actor: &Actor,
    ) -> Result<(), CaseChangeError> {
        let (from, to, at) = (change.from, change.to, change.at);
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let reopened = from == CaseStatus::Resolved && to != CaseStatus::Closed;
        let changed = sqlx::query(
            "update service_case set status = $1, updated_at = $2,
                response_spent = case when $9 = 1 and first_response_at is null then $3 else response_spent end,
                first_response_at = case when $9 = 1 and first_response_at is null then $2 else first_response_at end,
                warned_at = case when $9 = 1 and first_response_at is null then null else warned_at end,
                resolved_at = case when $10 = 1 then $2 when $5 = 1 then null else resolved_at end,
                resolution_spent = case when $10 = 1 then $4 when $5 = 1 then null else resolution_spent end,
                reopen_count = reopen_count + $5,
                rating = case when $5 = 1 then null else rating end,
                rating_comment = case when $5 = 1 then null else rating_comment end,
                rated_at = case when $5 = 1 then null else rated_at end,
                rating_reminded_at = case when $5 = 1 then null else rating_reminded_at end,
                closed_at = case when $6 = 1 then $2 else closed_at end
              where case_id = $7 and status = $8",
        )
        .bind(to.as_str())
        .bind(at)
        .bind(change.response_spent)
        .bind(change.resolution_spent)
        .bind(i64::from(reopened))
        .bind(i64::from(to == CaseStatus::Closed))
        .bind(case_id)
        .bind(from.as_str())
        .bind(i64::from(change.first_response))
        .bind(i64::from(to == CaseStatus::Resolved && from != to))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(CaseChangeError::Stale);
        }
        if from != to {
            if is_pause(from) {
                sqlx::query(
                    "update service_case_pause set until_at = $1 where case_id = $2 and until_at is null",
                )
                .bind(at)
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
            }
            if is_pause(to) {
                sqlx::query(
                    "insert into service_case_pause (case_id, from_at, reason) values ($1, $2, $3)",
                )
                .bind(case_id)
                .bind(at)
                .bind(to.as_str())
                .execute(&mut *tx)
                .await?;
            }
        }
        let message = match (change.message, files.is_empty()) {
            (Some(message), _) => Some(message),
            (None, false) => Some((EventKind::Reply, "")),
            (None, true) => None,
        };
        if let Some((kind, body)) = message {
            let event = insert_event(
                &mut tx,
                case_id,
                at,
                actor,
                kind,
                kind != EventKind::Note,
                body,
                None,
            )
            .await?;
            insert_attachments(&mut tx, case_id, event, actor, files, at).await?;
        }
        if from != to {
            insert_event(
                &mut tx,
                case_id,
                at,
                actor,
                EventKind::Status,
                true,
                to.as_str(),
                None,
            )
            .await?;
        }
        notify_change(&mut tx, case_id, change, actor_id(actor)).await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "service_case.change",
                entity: "service_case",
                entity_id: case_id.to_string(),
                before: Some(json!({ "status": from.as_str() })),
                after: Some(json!({
                    "status": to.as_str(),
                    "message": change.message.map(|(kind, _)| kind.as_str()),
                    "response_spent": change.response_spent,
                    "resolution_spent": change.resolution_spent,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves a case to another team; its history and clocks go with it.
    pub async fn transfer_case(
        &self,
        case_id: i64,
        to_team: i64,
        reason: &str,
        actor: &Actor,
    ) -> Result<(), CaseChangeError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let team: Option<i64> =
            sqlx::query_scalar("select team_id from service_team where team_id = $1")
                .bind(to_team)
                .fetch_optional(&mut *tx)
                .await?;
        if team.is_none() {
            return Err(CaseChangeError::NoSuchTeam);
        }
        let before: Option<i64> =
            sqlx::query_scalar("select team_id from service_case where case_id = $1")
                .bind(case_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(before) = before else {
            return Err(StoreError::NotFound.into());
        };
        let now = now_ms();
        let title: String = sqlx::query_scalar("select title from service_case where case_id = $1")
            .bind(case_id)
            .fetch_one(&mut *tx)
            .await?;
        let officers = team_officers(&mut tx, to_team, actor_id(actor)).await?;
        insert_notices(
            &mut tx,
            &notices_to(&officers, NoticeKind::CaseTransferred, case_id, &title),
            now,
        )
        .await?;
        sqlx::query(
            "update service_case set team_id = $1, warned_at = null, updated_at = $2 where case_id = $3",
        )
        .bind(to_team)
        .bind(now)
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
        insert_event(
            &mut tx,
            case_id,
            now,
            actor,
            EventKind::Transfer,
            true,
            reason,
            Some(to_team),
        )
        .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "service_case.transfer",
                entity: "service_case",
                entity_id: case_id.to_string(),
                before: Some(json!({ "team_id": before })),
                after: Some(json!({ "team_id": to_team, "reason": reason })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a case's targets; the time already spent stays counted.
    pub async fn set_case_targets(
        &self,
        case_id: i64,
        response_target: i64,
        resolution_target: i64,
        reason: &str,
        actor: &Actor,
    ) -> Result<(), CaseChangeError> {
        self.set_case_targets_at(
            case_id,
            response_target,
            resolution_target,
            reason,
            now_ms(),
            actor,
        )
        .await
    }

    /// [`Store::set_case_targets`] at `at` (ms): the demo writes its history backdated.
    pub async fn set_case_targets_at(
        &self,
        case_id: i64,
        response_target: i64,
        resolution_target: i64,
        reason: &str,
        at: i64,
        actor: &Actor,
    ) -> Result<(), CaseChangeError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let before: Option<(i64, i64)> = sqlx::query_as(
            "select response_target, resolution_target from service_case where case_id = $1",
        )
        .bind(case_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(before) = before else {
            return Err(StoreError::NotFound.into());
        };
        sqlx::query(
            "update service_case set response_target = $1, resolution_target = $2, warned_at = null, updated_at = $3 where case_id = $4",
        )
        .bind(response_target)
        .bind(resolution_target)
        .bind(at)
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
        // Measured anew against the new targets by the case-clocks job.
        sqlx::query("delete from service_case_breach where case_id = $1")
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        insert_event(
            &mut tx,
            case_id,
            at,
            actor,
            EventKind::Targets,
            false,
            reason,
            None,
        )
        .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "service_case.targets",
                entity: "service_case",
                entity_id: case_id.to_string(),
                before: Some(json!({"response_target": before.0, "resolution_target": before.1})),
                after: Some(json!({
                    "response_target": response_target,
                    "resolution_target": resolution_target,
                    "reason": reason,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds a checklist item to a case.
    pub async fn add_checklist_item(
        &self,
        case_id: i64,
        text: &str,
        owner_account_id: Option<i64>,
        due_date: Option<Date>,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        self.add_checklist_item_at(case_id, text, owner_account_id, due_date, now_ms(), actor)
            .await
    }

    /// [`Store::add_checklist_item`] at `at` (ms): the demo writes its history backdated.
    pub async fn add_checklist_item_at(
        &self,
        case_id: i64,
        text: &str,
        owner_account_id: Option<i64>,
        due_date: Option<Date>,
        at: i64,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let item_id: i64 = sqlx::query_scalar(
            "insert into service_checklist_item (case_id, text, owner_account_id, due_date, created_at)
             values ($1, $2, $3, $4, $5) returning item_id",
        )
        .bind(case_id)
        .bind(text)
        .bind(owner_account_id)
        .bind(due_date.map(|d| d.to_string()))
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        insert_event(
            &mut tx,
            case_id,
            at,
            actor,
            EventKind::Checklist,
            false,
            text,
            None,
        )
        .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "service_case.checklist_add",
                entity: "service_case",
                entity_id: case_id.to_string(),
                before: None,
                after: Some(json!({
                    "item_id": item_id, "text": text, "owner": owner_account_id,
                    "due_date": due_date.map(|d| d.to_string()),
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(item_id)
    }

    /// Marks a checklist item done.
    pub async fn complete_checklist_item(
        &self,
        case_id: i64,
        item_id: i64,
        actor: &Actor,
    ) -> Result<(), CaseChangeError> {
        self.complete_checklist_item_at(case_id, item_id, now_ms(), actor)
            .await
    }

    /// [`Store::complete_checklist_item`] at `at` (ms): the demo writes its history
    /// backdated.
    pub async fn complete_checklist_item_at(
        &self,
        case_id: i64,
        item_id: i64,
        at: i64,
        actor: &Actor,
    ) -> Result<(), CaseChangeError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let text: Option<String> = sqlx::query_scalar(
            "select text from service_checklist_item where item_id = $1 and case_id = $2",
        )
        .bind(item_id)
        .bind(case_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(text) = text else {
            return Err(CaseChangeError::NoSuchItem);
        };
        sqlx::query(
            "update service_checklist_item set done_at = $1 where item_id = $2 and done_at is null",
        )
        .bind(at)
        .bind(item_id)
        .execute(&mut *tx)
        .await?;
        insert_event(
            &mut tx,
            case_id,
            at,
            actor,
            EventKind::Checklist,
            false,
            &text,
            None,
        )
        .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "service_case.checklist_done",
                entity: "service_case",
                entity_id: case_id.to_string(),
                before: None,
                after: Some(json!({ "item_id": item_id })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The requester's rating of a resolved case (once per resolution).
    pub async fn rate_case(
        &self,
        case_id: i64,
        rating: u8,
        comment: &str,
        actor: &Actor,
    ) -> Result<(), CaseChangeError> {
        self.rate_case_at(case_id, rating, comment, now_ms(), actor)
            .await
    }

    /// [`Store::rate_case`] at `at` (ms): the demo writes its history backdated.
    pub async fn rate_case_at(
        &self,
        case_id: i64,
        rating: u8,
        comment: &str,
        at: i64,
        actor: &Actor,
    ) -> Result<(), CaseChangeError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let changed = sqlx::query(
            "update service_case set rating = $1, rating_comment = $2, rated_at = $3, updated_at = $3
              where case_id = $4 and rating is null and status in ('resolved', 'closed')",
        )
        .bind(i64::from(rating))
        .bind(comment)
        .bind(at)
        .bind(case_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(CaseChangeError::Stale);
        }
        insert_event(
            &mut tx,
            case_id,
            at,
            actor,
            EventKind::Rating,
            true,
            comment,
            None,
        )
        .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "service_case.rate",
                entity: "service_case",
                entity_id: case_id.to_string(),
                before: None,
                after: Some(json!({ "rating": rating })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records that the warning before a breach went out (once per target) and writes
    /// `notices` with it: true for exactly one caller, however many servers try at once.
    pub async fn mark_case_warned(
        &self,
        case_id: i64,
        at: i64,
        notices: &[NewNotice],
    ) -> Result<bool, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let marked = sqlx::query(
            "update service_case set warned_at = $1 where case_id = $2 and warned_at is null",
        )
        .bind(at)
        .bind(case_id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if marked {
            insert_notices(&mut tx, notices, at).await?;
        }
        tx.commit().await?;
        Ok(marked)
    }

    /// Cases whose clocks run (not waiting, resolved or closed), for the case-clocks job: a
    /// page of them after case `after` (0: from the start), by id.
    pub async fn running_cases(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<CaseRecord>, StoreError> {
        let rows: Vec<CaseRow> = sqlx::query_as(&format!(
            "select {CASE_COLUMNS} from service_case where status in ('new', 'accepted', 'in_progress') and case_id > $1
              order by case_id limit $2"
        ))
        .bind(after)
        .bind(limit.clamp(1, 1000))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(CaseRecord::try_from).collect()
    }

    /// The facts of a team's cases opened or resolved since `since` (ms), for its monthly
    /// figures; `None`: every team.
    pub async fn team_month_rows(
        &self,
        team_id: Option<i64>,
        since: i64,
    ) -> Result<Vec<TeamMonthRow>, StoreError> {
        Ok(sqlx::query_as(
            "select opened_at, first_response_at, response_spent, response_target, resolved_at,
                    resolution_spent, resolution_target, rating, reopen_count, status
               from service_case
              where ($1 = 0 or team_id = $1) and (opened_at >= $2 or resolved_at >= $2 or status not in ('resolved', 'closed'))",
        )
        .bind(team_id.unwrap_or(0))
        .bind(since)
        .fetch_all(self.pool())
        .await?)
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn insert_event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    case_id: i64,
    at: i64,
    actor: &Actor,
    kind: EventKind,
    visible: bool,
    body: &str,
    team_id: Option<i64>,
) -> Result<i64, StoreError> {
    let event_id: i64 = sqlx::query_scalar(
        "insert into service_case_event (case_id, at, actor_account_id, kind, visible_to_requester, body, team_id)
         values ($1, $2, $3, $4, $5, $6, $7) returning event_id",
    )
    .bind(case_id)
    .bind(at)
    .bind(actor_id(actor))
    .bind(kind.as_str())
    .bind(i64::from(visible))
    .bind(body)
    .bind(team_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(event_id)
}
