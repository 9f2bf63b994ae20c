//! Notifications to accounts (`account_notification`): what the service desk tells a
//! requester or a team's officers. Each is written in the transaction of the change that
//! causes it (a reply, a resolution, a warning before a breach), so it is there exactly when
//! the change is; the page `/notifications` lists them and the mail job e-mails them.

use serde_json::json;
use yingcai_domain::status::CaseStatus;

use crate::columns::Stored;
use crate::service_desk::{CaseTransition, EventKind};
use crate::{Store, StoreError, now_ms};

/// What a notification says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeKind {
    /// To the team: a new case was raised with it.
    CaseOpened,
    /// To the requester: the team replied.
    CaseReply,
    /// To the requester: the team waits on them.
    CaseWaiting,
    /// To the requester: the case is resolved (confirm, reopen or rate it).
    CaseResolved,
    /// To the team: the requester replied.
    CaseRequesterReply,
    /// To the team: the requester reopened the case.
    CaseReopened,
    /// To the new team: a case was moved to it.
    CaseTransferred,
    /// To the owners (or members) and the leader: a clock is about to be breached.
    CaseDueSoon,
    /// To the owners (or members) and the leader: a clock is breached.
    CaseBreached,
    /// To the requester, once: the resolved case waits for a rating.
    CaseRatingReminder,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 10] = [
        NoticeKind::CaseOpened,
        NoticeKind::CaseReply,
        NoticeKind::CaseWaiting,
        NoticeKind::CaseResolved,
        NoticeKind::CaseRequesterReply,
        NoticeKind::CaseReopened,
        NoticeKind::CaseTransferred,
        NoticeKind::CaseDueSoon,
        NoticeKind::CaseBreached,
        NoticeKind::CaseRatingReminder,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            NoticeKind::CaseOpened => "case-opened",
            NoticeKind::CaseReply => "case-reply",
            NoticeKind::CaseWaiting => "case-waiting",
            NoticeKind::CaseResolved => "case-resolved",
            NoticeKind::CaseRequesterReply => "case-requester-reply",
            NoticeKind::CaseReopened => "case-reopened",
            NoticeKind::CaseTransferred => "case-transferred",
            NoticeKind::CaseDueSoon => "case-due-soon",
            NoticeKind::CaseBreached => "case-breached",
            NoticeKind::CaseRatingReminder => "case-rating-reminder",
        }
    }
}

impl std::str::FromStr for NoticeKind {
    type Err = ();

    fn from_str(text: &str) -> Result<NoticeKind, ()> {
        NoticeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or(())
    }
}

/// A notification about to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct NewNotice {
    pub account_id: i64,
    pub kind: NoticeKind,
    pub case_id: Option<i64>,
    /// The message's arguments (e.g. the case's title, which clock).
    pub payload: serde_json::Value,
}

/// A notification as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AccountNotification {
    pub notification_id: i64,
    pub account_id: i64,
    pub kind: NoticeKind,
    pub case_id: Option<i64>,
    pub payload: serde_json::Value,
    pub created_at: i64,
    pub read_at: Option<i64>,
    pub emailed_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct NotificationRow {
    notification_id: i64,
    account_id: i64,
    kind: String,
    case_id: Option<i64>,
    payload: String,
    created_at: i64,
    read_at: Option<i64>,
    emailed_at: Option<i64>,
}

const COLUMNS: &str =
    "notification_id, account_id, kind, case_id, payload, created_at, read_at, emailed_at";

impl TryFrom<NotificationRow> for AccountNotification {
    type Error = StoreError;

    fn try_from(row: NotificationRow) -> Result<AccountNotification, StoreError> {
        let stored = Stored::new("account_notification", row.notification_id);
        Ok(AccountNotification {
            notification_id: row.notification_id,
            account_id: row.account_id,
            kind: stored.parse("kind", &row.kind)?,
            case_id: row.case_id,
            payload: serde_json::from_str(&row.payload).map_err(|_| stored.corrupt("payload"))?,
            created_at: row.created_at,
            read_at: row.read_at,
            emailed_at: row.emailed_at,
        })
    }
}

/// A case that one of its clocks has breached, as the case-clocks job recorded it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BreachRecord {
    pub case_id: i64,
    /// `response` or `resolution`.
    pub clock: String,
    pub due_at: i64,
    pub recorded_at: i64,
}

pub(crate) async fn insert_notices(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    notices: &[NewNotice],
    at: i64,
) -> Result<(), StoreError> {
    for notice in notices {
        sqlx::query(
            "insert into account_notification (account_id, kind, case_id, payload, created_at)
             values ($1, $2, $3, $4, $5)",
        )
        .bind(notice.account_id)
        .bind(notice.kind.as_str())
        .bind(notice.case_id)
        .bind(notice.payload.to_string())
        .bind(at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The officers of a team (its members and its leader), each once, without `except`.
pub(crate) async fn team_officers(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    team_id: i64,
    except: Option<i64>,
) -> Result<Vec<i64>, StoreError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "select account_id from service_team_member where team_id = $1
         union select leader_account_id from service_team where team_id = $1 and leader_account_id is not null
         order by 1",
    )
    .bind(team_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(ids.into_iter().filter(|id| Some(*id) != except).collect())
}

/// The notices a decided change to a case gives, written with it: to the requester when the
/// team replies (not for an internal note), waits on them or resolves the case; to the
/// team's officers when the requester replies or reopens. One notice per person and change:
/// the most telling one.
pub(crate) async fn notify_change(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    case_id: i64,
    change: &CaseTransition<'_>,
    actor: Option<i64>,
) -> Result<(), StoreError> {
    let (requester, team_id, title): (i64, i64, String) = sqlx::query_as(
        "select requester_account_id, team_id, title from service_case where case_id = $1",
    )
    .bind(case_id)
    .fetch_one(&mut **tx)
    .await?;
    let moved = change.from != change.to;
    let replied = matches!(change.message, Some((EventKind::Reply, _)));
    let kind = if actor == Some(requester) {
        if moved && change.from == CaseStatus::Resolved && change.to != CaseStatus::Closed {
            Some(NoticeKind::CaseReopened)
        } else if replied {
            Some(NoticeKind::CaseRequesterReply)
        } else {
            None
        }
    } else if moved && change.to == CaseStatus::Resolved {
        Some(NoticeKind::CaseResolved)
    } else if moved && change.to == CaseStatus::WaitingRequester {
        Some(NoticeKind::CaseWaiting)
    } else if replied {
        Some(NoticeKind::CaseReply)
    } else {
        None
    };
    let Some(kind) = kind else {
        return Ok(());
    };
    let to = match kind {
        NoticeKind::CaseReopened | NoticeKind::CaseRequesterReply => {
            team_officers(tx, team_id, actor).await?
        }
        _ => vec![requester],
    };
    let notices: Vec<NewNotice> = to
        .into_iter()
        .map(|account_id| NewNotice {
            account_id,
            kind,
            case_id: Some(case_id),
            payload: json!({ "title": title }),
        })
        .collect();
    insert_notices(tx, &notices, change.at).await
}

impl Store {
    /// An account's notifications, newest first.
    pub async fn account_notifications(
        &self,
        account_id: i64,
        limit: i64,
    ) -> Result<Vec<AccountNotification>, StoreError> {
        let rows: Vec<NotificationRow> = sqlx::query_as(&format!(
            "select {COLUMNS} from account_notification where account_id = $1
              order by notification_id desc limit $2"
        ))
        .bind(account_id)
        .bind(limit.clamp(1, 500))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(AccountNotification::try_from)
            .collect()
    }

    /// How many of an account's notifications are unread.
    pub async fn unread_account_notifications(&self, account_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "select count(*) from account_notification where account_id = $1 and read_at is null",
        )
        .bind(account_id)
        .fetch_one(self.pool())
        .await?)
    }

    /// Marks an account's notifications read, up to `up_to` (an id) if given; returns how
    /// many were unread.
    pub async fn mark_account_notifications_read(
        &self,
        account_id: i64,
        up_to: Option<i64>,
    ) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "update account_notification set read_at = $1
              where account_id = $2 and read_at is null and ($3 = 0 or notification_id <= $3)",
        )
        .bind(now_ms())
        .bind(account_id)
        .bind(up_to.unwrap_or(0))
        .execute(self.pool())
        .await?
        .rows_affected())
    }

    /// Writes notifications on their own (for a change that has no transaction of its own).
    pub async fn add_account_notifications(
        &self,
        notices: &[NewNotice],
        at: i64,
    ) -> Result<(), StoreError> {
        let mut tx = crate::dialect::begin_write(self.pool(), self.backend()).await?;
        insert_notices(&mut tx, notices, at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Notifications not yet e-mailed (nor refused by the mail server) created at or after
    /// `since`, oldest first.
    pub async fn notifications_to_email(
        &self,
        since: i64,
        limit: i64,
    ) -> Result<Vec<AccountNotification>, StoreError> {
        let rows: Vec<NotificationRow> = sqlx::query_as(&format!(
            "select {COLUMNS} from account_notification
              where emailed_at is null and email_error is null and created_at >= $1
              order by notification_id limit $2"
        ))
        .bind(since)
        .bind(limit.clamp(1, 1000))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(AccountNotification::try_from)
            .collect()
    }

    /// Takes a notification for e-mailing: true for exactly one caller, however many
    /// servers try at once.
    pub async fn claim_notification_email(
        &self,
        notification_id: i64,
        at: i64,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "update account_notification set emailed_at = $1
              where notification_id = $2 and emailed_at is null and email_error is null",
        )
        .bind(at)
        .bind(notification_id)
        .execute(self.pool())
        .await?
        .rows_affected()
            == 1)
    }

    /// After a failed send: `None` gives the notification back for the next run; `Some`
    /// records why the mail server refused it for good (it is not tried again).
    pub async fn release_notification_email(
        &self,
        notification_id: i64,
        refused: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "update account_notification set emailed_at = null, email_error = $1 where notification_id = $2",
        )
        .bind(refused)
        .bind(notification_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records that a clock of a case is breached and writes `notices` with it, once per
    /// clock: true if this call recorded it (several servers at once: one wins).
    pub async fn record_case_breach(
        &self,
        case_id: i64,
        clock: &str,
        due_at: i64,
        at: i64,
        notices: &[NewNotice],
    ) -> Result<bool, StoreError> {
        let mut tx = crate::dialect::begin_write(self.pool(), self.backend()).await?;
        let recorded = sqlx::query(
            "insert into service_case_breach (case_id, clock, due_at, recorded_at) values ($1, $2, $3, $4)
             on conflict (case_id, clock) do nothing",
        )
        .bind(case_id)
        .bind(clock)
        .bind(due_at)
        .bind(at)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if recorded {
            insert_notices(&mut tx, notices, at).await?;
        }
        tx.commit().await?;
        Ok(recorded)
    }

    /// The breaches recorded on cases that are not resolved or closed, oldest first.
    pub async fn open_case_breaches(&self) -> Result<Vec<BreachRecord>, StoreError> {
        Ok(sqlx::query_as(
            "select b.case_id, b.clock, b.due_at, b.recorded_at from service_case_breach b
               join service_case c on c.case_id = b.case_id
              where c.status not in ('resolved', 'closed')
              order by b.due_at, b.case_id, b.clock limit 1000",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Sends the one rating reminder of a resolved, unrated case: true if this call did
    /// (several servers at once: one wins).
    pub async fn remind_to_rate(
        &self,
        case_id: i64,
        at: i64,
        notice: &NewNotice,
    ) -> Result<bool, StoreError> {
        let mut tx = crate::dialect::begin_write(self.pool(), self.backend()).await?;
        let marked = sqlx::query(
            "update service_case set rating_reminded_at = $1
              where case_id = $2 and rating_reminded_at is null and rating is null
                and status in ('resolved', 'closed')",
        )
        .bind(at)
        .bind(case_id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if marked {
            insert_notices(&mut tx, std::slice::from_ref(notice), at).await?;
        }
        tx.commit().await?;
        Ok(marked)
    }

    /// Resolved or closed cases, unrated and not yet reminded, resolved before `before`
    /// (ms): a page of them after case `after` (0: from the start), by id. Each is
    /// (case, requester, resolved at, title).
    pub async fn cases_to_remind(
        &self,
        before: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(i64, i64, i64, String)>, StoreError> {
        Ok(sqlx::query_as(
            "select case_id, requester_account_id, resolved_at, title from service_case
              where status in ('resolved', 'closed') and rating is null and rating_reminded_at is null
                and resolved_at is not null and resolved_at < $1 and case_id > $2
              order by case_id limit $3",
        )
        .bind(before)
        .bind(after)
        .bind(limit.clamp(1, 1000))
        .fetch_all(self.pool())
        .await?)
    }
}
